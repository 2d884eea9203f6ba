"""Session 17 VM leads (leads17-vm): what the round-16 VM red team left
(tests/test_redteam16_vm_probes.py's "Leads left"). Each finding's sources are in its test's
docstring; every fact was read with the `search` / `find_string` / `read_file` tools.

Findings (VL17-n): VL17-1 HVA-070 counted <memtune><soft_limit> as the memory priority on
any host, but on cgroup v2 libvirt writes it to memory.high, a throttle (vircgroupv2.c
virCgroupV2SetMemorySoftLimit), and the v2 priority is memory.low / memory.min, which no
definition sets (false pass; the host collector now reads the cgroup mounts, cgroup-mounts:
v1 keeps the pass, v2 or an unknown version asks about the VM cgroup's memory.low; a v2 VM
whose only gap is the priority is asked too, not failed). VL17-2 HVA-091 failed real-time
threads even pinned to host CPUs no other thread of the VM or other VM may use, which its
remediation allows (wrong fail; now a pass where /proc/cmdline's isolcpus covers them, per
libvirt's kbase "KVM Real Time Guest Config", else the question; the check declares its peers).
VL17-3 HVA-012 passed a KVM domain whose raw arguments name TCG (`-accel tcg`, QEMU's fallback
when KVM fails to initialise; `-machine accel=...tcg` or `-no-kvm`, which win over an older
libvirt's -machine accel=kvm) (false pass; now the question of what the running QEMU uses).
VL17-5 HVA-047's pass and machine-type question named cirrus but not vmvga video, and its
unseen-raw-argument question `-vga cirrus` but not `-vga vmware` (wording).

Answered without a verdict change: VL17-4, HVA-066 and the libvirt version. libvirt 8.1's
commit 32b9d8b0 parsed the descriptor 'mode' but matched split descriptors only; <loader
stateless='yes'> came in 8.6.0 (libvirt.org formatdomain "BIOS bootloader", Nova blueprint
libvirt-stateless-firmware, read with `search`). On a libvirt that matches only split
descriptors an autoselected stateless Secure Boot firmware is the CODE image alone (no keys, or
no match and no start); on one that matches stateless descriptors it is an image whose
descriptor states enrolled-keys. Either way HVA-066 gives a QEMU VM no pass on its definition
(R15-5, R16-2: the store or image is asked), and R16-2's question already names both answers
("an image of firmware code alone holds no keys"), so the version changes no pass.

Tally: 15 cases (10 test functions). 11 pin VL17-1..VL17-5 (each failed on main 50472df before
its fix: VL17-1 4, VL17-2 2, VL17-3 4, VL17-5 1, whose test also holds vmvga's fail); 4 held
(soft_limit on cgroup v1, a raw -accel kvm and a -machine without accel=, and real-time vCPUs
sharing their CPUs with the VM's emulator or a neighbour, whose fail stays: that test fails on
the old main only because the message now says why).

Leads left: on a host whose cgroup version is unknown a VM without soft_limit still fails "no
memory priority", though on cgroup v2 a MemoryLow= could give it one (only v2-known hosts ask).
A simulated host's locked VM asks about its hard limit, not the cgroup version (one question
per outcome). HVA-012 does not ask when raw arguments are unseen (the test driver): a raw
-accel tcg only matters when KVM fails or libvirt is old, so it was left a pass. HVA-091 reads
isolcpus only: a host reserving CPUs with systemd CPUAffinity= and nohz_full (tuned
cpu-partitioning) is asked; HVA-091 does not check that the real-time CPUs are not the SMT
siblings of CPUs the host or another VM uses. The libvirt version at which qemuFirmwareMatchDomain
began matching stateless descriptors was not read, which could turn VL17-4's question into a
fail on older versions. <serial type='dev'><source path='/dev/ttyS0'> (round 16's lead) was
not taken up here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HARDENED_HOST, domain_xml, run_assessment
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import verdict
from test_redteam10_vm_probes import _raw_cpu_domain, _replayed_on, _scan, q35
from test_redteam16_vm_probes import _result

# --- VL17-1: HVA-070, <memtune><soft_limit> is a reclaim priority on cgroup v1 only -----------

MEMORY = (
    "<memtune><hard_limit unit='MiB'>2048</hard_limit><soft_limit unit='MiB'>1024</soft_limit>"
    "</memtune><memoryBacking><hugepages/></memoryBacking>"
)
NO_SOFT = "<memtune><hard_limit unit='MiB'>2048</hard_limit></memtune><memoryBacking><hugepages/>"
V2 = (
    "cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate,"
    "memory_recursiveprot 0 0\n",
    0,
)
HAVE = (
    "backed by pre-reserved huge pages; memtune hard_limit 2097152 KiB; memtune soft_limit "
    "1048576 KiB; configured size 1.0 GiB"
)
THROTTLE = (
    "on cgroup v2 libvirt writes <memtune><soft_limit> to memory.high, a throttle that reclaims "
    "the VM above it whether or not the host is short of memory, not a priority"
)


def _cgroups(tmp_path: Path, mounts: tuple[str, int] | None) -> Assessment:
    host = {k: v for k, v in HARDENED_HOST.items() if k != "cgroup-mounts"}
    if mounts is not None:
        host["cgroup-mounts"] = mounts
    return _scan(
        tmp_path,
        [
            domain_xml("soft", body=MEMORY),
            domain_xml("nosoft", body=NO_SOFT + "</memoryBacking>"),
            domain_xml("bare", body="<memtune><soft_limit unit='MiB'>512</soft_limit></memtune>"),
        ],
        host,
    )


@pytest.mark.parametrize(
    ("mounts", "seen"),
    [
        (V2, "the memory controller of host hv1 is on cgroup v2"),
        (
            None,
            "the cgroup version of host hv1 is not known (the cgroup mounts were not read: "
            "command not found)",
        ),
    ],
)
def test_soft_limit_is_no_priority_on_cgroup_v2(
    tmp_path: Path, mounts: tuple[str, int] | None, seen: str
) -> None:
    """VL17-1. libvirt writes <memtune><soft_limit> through its cgroup back end: v1
    memory.soft_limit_in_bytes, v2 memory.high (vircgroupv2.c virCgroupV2SetMemorySoftLimit,
    read with `find_string`). cgroup-v2.rst: memory.high is the "memory usage throttle limit":
    above it "the processes of the cgroup are throttled and put under heavy reclaim pressure"
    at all times, while the v2 reclaim priority is memory.low / memory.min ("best-effort memory
    protection"), which libvirt's QEMU driver never writes (no "memory.low" in libvirt, read
    with `find_string`). libvirt asks its v2 back end first (vircgroupbackend.h
    VIR_CGROUP_BACKEND_TYPE_V2 = 0; vircgroup.c virCgroupDetectControllers), which claims the
    controllers its mount's cgroup.controllers lists, so memory is v2 unless a v1 `cgroup`
    mount holds it (the host collector's new cgroup-mounts probe). HVA-070 passed the VM's
    soft_limit as its priority on any host (false pass on cgroup v2, and on a host whose
    version is not known); now the question of the VM cgroup's memory.low."""
    a = _cgroups(tmp_path, mounts)
    assert verdict(a, "HVA-070", "soft") == ("manual", f"{HAVE}; {seen}: {THROTTLE}")
    assert _result(a, "HVA-070", "soft").outcome.question == (
        "Does VM soft have a memory reclaim priority on host hv1? Evidence: `grep cgroup "
        "/proc/mounts` on hv1 (a `cgroup` mount whose options name memory is v1, else cgroup2 "
        "holds it) and, on cgroup v2, memory.low and memory.min of the VM's cgroup (`systemctl "
        "show -p MemoryLow,MemoryMin` of its machine-qemu scope, or of the slice its "
        "<resource><partition> names). Pass: cgroup v1, where <memtune><soft_limit> is "
        "memory.soft_limit_in_bytes, or a memory.low or memory.min above 0; fail: cgroup v2 "
        "with neither, so its soft_limit is memory.high, a throttle, and under contention the "
        "VM yields like any other."
    )


def test_no_soft_limit_on_cgroup_v2_is_asked_about_memory_low(tmp_path: Path) -> None:
    """VL17-1, the class: on cgroup v2 the priority is memory.low / memory.min, set outside
    the definition (a systemd MemoryLow= of the VM's scope or slice), so a VM whose only gap is
    the priority is asked, not failed (a wrong fail on a v2 host that sets MemoryLow=)."""
    a = _cgroups(tmp_path, V2)
    status, message = verdict(a, "HVA-070", "nosoft")
    assert status == "manual"
    assert message.endswith(
        "the memory controller of host hv1 is on cgroup v2: no <memtune><soft_limit>, and there "
        "the priority is the VM cgroup's memory.low or memory.min, which the definition does not "
        "set"
    )


def test_soft_limit_holds_on_cgroup_v1(tmp_path: Path) -> None:
    """VL17-1 held: on conftest's hardened host a v1 `cgroup` mount holds memory, where
    soft_limit is memory.soft_limit_in_bytes ("control groups are pushed back to their soft
    limits" under contention, cgroup-v1/memory.rst), so the pass stays."""
    held = _cgroups(tmp_path, HARDENED_HOST["cgroup-mounts"])
    assert verdict(held, "HVA-070", "soft") == ("pass", HAVE)


def test_other_gaps_on_cgroup_v2_still_fail_naming_the_throttle(tmp_path: Path) -> None:
    """VL17-1: on cgroup v2 a VM without a guarantee keeps its fail, now naming its soft_limit
    as no priority (it was counted as one)."""
    v2 = _cgroups(tmp_path, V2)
    assert verdict(v2, "HVA-070", "bare") == (
        "fail",
        f"no memory guarantee, priority ({THROTTLE}) (memtune soft_limit 524288 KiB; "
        "configured size 1.0 GiB)",
    )


# --- VL17-5: HVA-047, every legacy display model it judges named in its pass ------------------


def test_legacy_device_pass_names_every_display_model_it_judges(tmp_path: Path) -> None:
    """VL17-5 (wording). HVA-047 fails cirrus and vmvga video (LEGACY_MODELS, R13-3: QEMU's
    vmware-svga, "CVE-2014-3689 vmware_vga: insufficient parameter validation in rectangle
    functions"), and raw `-vga cirrus` or `-vga vmware` (RAW_VGA; qemu-options.hx "vmware:
    VMWare SVGA-II compatible adapter"), but its pass said "cirrus video" only, and its
    question on unseen raw arguments "-vga cirrus" only: an auditor read the pass as silent on
    VMware SVGA. Both now name it. Held: vmvga itself still fails."""
    a = _scan(
        tmp_path,
        [
            q35("clean"),
            q35("svga", "<devices><video><model type='vmvga'/></video></devices>"),
        ],
    )
    assert verdict(a, "HVA-047", "clean") == (
        "pass",
        "no floppy, IDE, sound, USB redirection, smartcard, rtl8139/ne2k/pcnet NIC, cirrus or "
        "vmvga (VMware SVGA) video or USB tablet, mouse or keyboard",
    )
    assert verdict(a, "HVA-047", "svga") == ("fail", "emulated legacy devices: vmvga video")


# --- VL17-3: HVA-012, raw QEMU arguments that name TCG beside KVM -----------------------------

RAW_ACCEL = {
    "acceltcg": ("-accel", "tcg"),
    "machinetcg": ("-machine", "accel=kvm:tcg"),
    "mtcg": ("-M", "pc-q35-8.2,accel=tcg"),
    "nokvm": ("-no-kvm",),
    "accelkvm": ("-accel", "kvm,kernel-irqchip=split"),
    "machinekvm": ("-machine", "dump-guest-core=off"),
}


@pytest.fixture(scope="module")
def accels(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp = tmp_path_factory.mktemp("vl17accel")
    domains = {name: _raw_cpu_domain(name, "", *args) for name, args in RAW_ACCEL.items()}
    return run_assessment(_replayed_on(tmp, HARDENED_HOST, domains))


@pytest.mark.parametrize(
    ("vm", "shown"),
    [
        ("acceltcg", "-accel tcg"),
        ("machinetcg", "-machine accel=kvm:tcg"),
        ("mtcg", "-M pc-q35-8.2,accel=tcg"),
        ("nokvm", "-no-kvm"),
    ],
)
def test_raw_argument_naming_tcg_is_asked(accels: Assessment, vm: str, shown: str) -> None:
    """VL17-3. QEMU tries each -accel in order: "If there is more than one accelerator
    specified, the next one is used if the previous one fails to initialize" (qemu-options.hx,
    -accel, read with `search`). libvirt writes its own -accel kvm before the <qemu:arg>s
    (qemu_command.c qemuBuildAccelCommandLine, then the raw arguments at the end), so a raw
    `-accel tcg` runs the guest under TCG whenever KVM fails to initialise. A raw `-machine
    accel=` is refused beside libvirt's -accel ("The -accel and \\"-machine accel=\\" options
    are incompatible", libvirt issue #68, NixOS issue #154710, read with `search`) but wins
    over an older libvirt's `-machine ...,accel=kvm`, QEMU merging every -machine with the last
    value of a key winning; `-no-kvm` was QEMU's -machine accel=tcg until 5.2 (embox PR #2621
    quoting docs/about/removed-features.rst). HVA-012 passed each "hardware virtualization
    (kvm)" on <domain type='kvm'> alone (false pass where the fallback or the older libvirt
    applies); now the question of what the running QEMU uses."""
    assert verdict(accels, "HVA-012", vm) == (
        "manual",
        f"hardware virtualization (kvm), but QEMU argument(s) {shown} name TCG: QEMU falls "
        "back to it where KVM fails to initialise, and an older libvirt's -machine accel=kvm "
        "yields to a later one",
    )
    assert _result(accels, "HVA-012", vm).outcome.question == (
        f"Does VM {vm} run under KVM on host hv1? Evidence: `virsh qemu-monitor-command {vm} "
        "--hmp 'info kvm'` while it runs (or the QEMU log's command line and any \"failed to "
        f'initialize kvm" line in /var/log/libvirt/qemu/{vm}.log). Pass: "kvm support: '
        'enabled"; fail: disabled, so the guest runs under TCG.'
    )


@pytest.mark.parametrize("vm", ["accelkvm", "machinekvm"])
def test_raw_accelerator_arguments_without_tcg_keep_the_pass(accels: Assessment, vm: str) -> None:
    """VL17-3 held: a raw -accel kvm (a KVM option) or a -machine without accel= names no
    software accelerator, so the pass stays."""
    assert verdict(accels, "HVA-012", vm) == ("pass", "hardware virtualization (kvm)")


# --- VL17-2: HVA-091, real-time threads on host CPUs reserved for them ------------------------


def _rt(name: str, emulatorpin: str = "<emulatorpin cpuset='0-1'/>") -> str:
    return domain_xml(
        name,
        vcpus=2,
        body="<cputune><vcpupin vcpu='0' cpuset='2'/><vcpupin vcpu='1' cpuset='3'/>"
        f"{emulatorpin}<vcpusched vcpus='0-1' scheduler='fifo' priority='1'/></cputune>",
    )


RT_SAID = "real-time scheduling: vcpus 0 fifo (<vcpusched>), vcpus 1 fifo (<vcpusched>)"
PINNED = (
    f"{RT_SAID}; pinned to host CPU(s) 2-3, used by no other thread of this or another running "
    "or autostart VM"
)


def _isolcpus(value: str) -> dict[str, object]:
    host = dict(HARDENED_HOST)
    host["/proc/cmdline"] = (
        f"BOOT_IMAGE=/vmlinuz-6.1.0-28-amd64 root=/dev/mapper/vg-root ro quiet {value}\n"
    )
    return host


def test_realtime_vcpus_on_isolated_reserved_cpus_pass(tmp_path: Path) -> None:
    """VL17-2. libvirt's "KVM Real Time Guest Config" (libvirt.org/kbase/kvm-realtime.html,
    read with `search`): "some subset of host CPUs need to be reserved exclusively for running
    KVM guests. This requires that the host kernel be booted using the isolcpus kernel command
    line parameter. This parameter removes a set of CPUs from the scheduler", each real-time
    vCPU pinned there and the emulator elsewhere. HVA-091's remediation allows real-time
    threads "unless host CPUs are reserved for those threads", yet it failed every one
    (wrong fail on a host built that way). Real-time vCPUs pinned to host CPUs 2-3 that no
    other thread of the VM and no other VM may use, on a host whose /proc/cmdline isolates
    them, now pass; `isolcpus=domain,2-3` (domain is the default flag, kernel-parameters.txt)
    too."""
    for i, value in enumerate(("isolcpus=2-3", "isolcpus=domain,managed_irq,2-5")):
        tmp = tmp_path / str(i)
        tmp.mkdir()
        a = _scan(tmp, [_rt("rtiso")], _isolcpus(value))
        assert verdict(a, "HVA-091", "rtiso") == (
            "pass",
            f"{PINNED}, isolated from the host's scheduler (isolcpus)",
        )


def test_realtime_vcpus_on_reserved_cpus_without_isolcpus_are_asked(tmp_path: Path) -> None:
    """VL17-2: the same VM on conftest's hardened host, whose command line isolates nothing (or
    with isolcpus=nohz,2-3, which without `domain` leaves them to the scheduler): host tasks
    may share those CPUs, or systemd's CPUAffinity= and a tuned profile keep them off, which
    the bundle does not show: asked, not failed."""
    for i, (host, seen) in enumerate(
        (
            (HARDENED_HOST, "isolcpus on its kernel command line covers none of them"),
            (
                _isolcpus("isolcpus=nohz,2-3"),
                "isolcpus on its kernel command line covers none of them",
            ),
            (_isolcpus("isolcpus=2"), "isolcpus on its kernel command line covers 2"),
        )
    ):
        tmp = tmp_path / str(i)
        tmp.mkdir()
        a = _scan(tmp, [_rt("rtpin")], host)
        assert verdict(a, "HVA-091", "rtpin") == ("manual", f"{PINNED}; {seen}")
    assert _result(a, "HVA-091", "rtpin").outcome.question.startswith(
        "Does host hv1 keep its own tasks and kernel threads off host CPU(s) 2-3? Evidence: "
        "isolcpus= (and nohz_full=) in /proc/cmdline on hv1"
    )


def test_realtime_vcpus_sharing_their_cpus_keep_their_fail(tmp_path: Path) -> None:
    """VL17-2 held: an unpinned emulator thread may run on the real-time CPUs (starved there),
    and an unpinned VM beside them may too: both keep the fail, whatever isolcpus says."""
    host = _isolcpus("isolcpus=2-3")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = _scan(tmp_path / "a", [_rt("rtemu", emulatorpin="")], host)
    assert verdict(a, "HVA-091", "rtemu") == (
        "fail",
        f"{RT_SAID}; the VM's other threads may run on its real-time host CPU(s) 2-3",
    )
    b = _scan(tmp_path / "b", [_rt("rtnext"), domain_xml("neighbour")], host)
    assert verdict(b, "HVA-091", "rtnext") == (
        "fail",
        f"{RT_SAID}; host CPU(s) 2-3 also open to VM(s) neighbour",
    )
