"""Twenty-fourth red-team review, wrong fails (rt24wf): needless questions and wrong fails the
round's false-pass fixes brought to hardened hosts.

Harness: conftest's hardened Debian 12 host replayed through the real collector, parser and
engine (HARDENED_HOST with overrides), here with domain artefacts written as a daemon with the
QEMU driver reports them (<qemu:commandline> kept, as test_redteam3_vm_probes.replayed_domains
writes them) beside the replayed host facts, so the host's os-release reaches HVA-057. Each
test asserts the exact status and message.

Findings (ID-n):
- R24W-1 (needless question) HVA-057: R24V-1 took /run/lock and /var/lock (its link) as
  world-writable on every host, so a vhost-user socket QEMU connects to there (a libvirt
  `<source mode='client'>` or raw `-chardev socket,path=/var/lock/...`) on Fedora or RHEL was
  asked "in a directory every local user may create files in", which it is not there:
  upstream systemd's tmpfiles.d/legacy.conf.in says `d /run/lock 0755 root root -` and `L
  /var/lock - - - - ../run/lock` (systemd/systemd, read with `read_file`); Fedora and the
  RHEL family ship it as it is, Arch too (arch-dev-public "/run/lock permissions": "let us
  follow whatever is configured in /usr/lib/tmpfiles.d/legacy.conf"; a user wanting lock
  files there must edit its `d /run/lock 0755 root root -` line; read with `search` and
  `find_string`); only Debian patches it world-writable ("The /run/lock directory is
  world-writable in Debian due to historic reasons", R24V-1). Now /run/lock counts as
  world-writable unless the host's os-release ID or ID_LIKE names fedora, rhel, centos or
  arch (and not debian or ubuntu); an os-release not read keeps the question.
- R24W-2 (question not singular) HVA-057: a VM with vhost-user sockets of more than one kind
  (one QEMU listens on, R23V-1; one it connects to in /tmp, R23M-2; an abstract one, R24V-1)
  was handed each kind's question joined into one manual item: two or three question marks,
  which one attestation's "yes" or "no" cannot answer (issue 8: "exactly one question";
  tests/test_manual_questions.py shape_problems). Now one question naming each socket and
  what "yes" means for it (guest._vhost_user_question); a VM with one kind keeps its question.
- R24W-3 (false pass) HVA-057: a vhost-user socket QEMU connects to under /var/run/lock
  (libvirt `<source path='/var/run/lock/vhu.sock' mode='client'>`, or raw `-chardev
  socket,path=/var/run/lock/...`) on Debian passed "no <shmem> device", though /var/run is a
  link to /run (systemd tmpfiles.d/var.conf.in `L /var/run - - - - ../run`, read with
  `read_file`) and so /var/run/lock is the world-writable /run/lock R24V-1 asks about. Now a
  path under /var/run is read as under /run; on RHEL it still passes (R24W-1).
- R24W-4 (needless question) HVA-049: every aarch64 VM of an arm64 host (R24M-1's hosts)
  was asked "Is nested virtualization off in KVM on host ...? Evidence:
  /sys/module/kvm_intel/parameters/nested ..." ("no kvm_intel or kvm_amd `nested` parameter:
  the KVM module is not loaded"), or whether an Arm CPU model carries vmx or svm. KVM/arm64
  is built into the kernel, with no such parameter, and gives a vCPU EL2 (a guest
  hypervisor) only where the host kernel runs in kvm-arm.mode=nested (kernel-parameters.txt:
  "nested: VHE-based mode with support for nested virtualization. Requires at least ARMv8.4
  hardware (with FEAT_NV2)") and the VMM asks for it per vCPU (uapi asm/kvm.h
  `KVM_ARM_VCPU_HAS_EL2 7 /* Support nested virtualization */`; QEMU's virt board
  `virtualization=on`) (read with `find_string`). Now an aarch64 guest (libvirt's <os><type
  arch>, now kept in Vm.arch as Proxmox VE's is) on an arm64 host passes where neither
  /proc/cmdline nor the next boot's command line (next_boot_adds) has kvm-arm.mode=nested;
  with it, or the command line unread, one question whether QEMU asks for EL2; a raw
  `-machine virtualization=on` on a nested-mode host fails. Other guests on an arm64 host
  (x86 under TCG) keep the checks as before.

Held (kept as tests): on Debian 12 (HARDENED_HOST's os-release) and with no os-release the
/run/lock socket is still asked (R24V-1); on RHEL a client socket in /tmp is still asked
(R23M-2), one in /run/openvswitch still passes.

Probed by script, not kept:
- HVA-202 after R24T-1..3: an ntp.conf with `# disable ntp` and `disable monitor`, `server
  127.127.1.0` plus `fudge 127.127.1.0 stratum 10` beside `pool 2.debian.pool.ntp.org iburst`
  (with and without `ntpq -pn` showing the pool server as system peer), `server -4
  ntp1.example.org iburst` before an `includefile`: all pass "ntpd running".
- HVA-419 after R24T-4: an ESXi configFile with `disable monitor` and `#disable ntp` passes
  (held in tests/test_redteam24_time_probes.py).
- HVA-142/132/030 after R24P-1: `stat` exit 1 with only "No such file or directory" lines
  (the modular daemons' sockets absent on a libvirtd host) keeps the passes; the collector
  runs every command with LC_ALL=C (collect/runner.py), so the English message is what stat
  prints.
- HVA-034 after R24P-2/3 and HVA-030/035 after R24Q-1: `systemctl cat` exit 1 with only "No
  files found for virtqemud.service." stays answered.
- A sweep of every check's verdict, main beaf619 (before round 24) against main 55faff3, on
  the hardened Debian host, the same with RHEL's os-release, with ntpsec (Debian's argv and
  stock ntpsec.conf with a commented NTS server, and a LOCAL fallback beside a server), with
  the real stat and systemctl stderr, with a TLS listener (tls_allowed_dn_list, key 0600 in a
  0700/0750 private directory, libvirtd-tls.socket enabled), on an arm64 host, and on the
  proxmox-node and proxmox-hardened fixtures: no verdict changed but R24M-1's arm64 HVA-010
  and HVA-011 (fail and question -> one bare-metal question each), and R24W-4's HVA-049.
  Rerun on main 29f2bd5 (every round-24 landing to then): one more, HVA-200 on the Debian
  rsyslog.conf with RHEL's os-release, pass -> R24L-1's ForwardToSyslog question (Leads).
- HVA-419 after V24-2: the tos limits read only with numbers; `tos orphan`, `maxclock` and
  `minclock` are not judged.

Tally: 12 cases in 8 test functions; R24W-1's 2 cases failed on main 57d8239 before the fix
(the held cases passed there too), R24W-2's 1 on e4386fa, R24W-3's 1 on e6c035f, R24W-4's 5
on 55faff3 (a pass, three Arm questions and a fail that were the x86 question there).

Leads left (not settled in the time):
- HVA-200 (R24L-1): "no file sets ForwardToSyslog and this distribution's default is not
  known" on a RHEL-family host; upstream journald's default is ForwardToSyslog=no, so where
  rsyslog reads no journal the answer may be settled (a fail-or-pass decision, not probed on a
  real RHEL rsyslog.conf, which loads imjournal).
- HVA-010/HVA-011 (R24M-1): every arm64 host gets the same bare-metal question twice (one
  per check); `systemd-detect-virt` or /sys/class/dmi/id is not collected and would settle it.
- HVA-049 (R24W-4): whether libvirt ever sets the virt board's virtualization=on for an
  aarch64 KVM guest was not found; on a kvm-arm.mode=nested host it is asked, not failed.
- HVA-202: ntpd run without -c reads only /etc/ntp.conf (ntpd(8) "default /etc/ntp.conf"),
  but _ntp_own_clock and _ntp_discipline_off read /etc/ntpsec/ntp.conf too: a stale ntpsec
  file with `disable ntp` fails a host whose ntpd never reads it (confirmed by script), and a
  stale outside server there hides an /etc/ntp.conf with only the LOCAL driver (a false pass;
  whether Debian's ntpsec binary defaults to /etc/ntpsec/ntp.conf was not settled).
- HVA-202 (R24T-3): the question's Evidence names "its -c file and each includefile", not
  ntpsec's ntp.d/*.conf, which the message says was not read.
- HVA-057: other world-writable directories (Ubuntu's /var/crash 1777) are not listed; a
  non-root collector's Permission denied on a symlinked TLS key (stat -L into /etc/ssl/private
  0710) leaves HVA-030 unknown though the key is closed to others.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from conftest import (
    HARDENED_HOST,
    ReplayRunner,
    _replay_secmodel,
    domain_xml,
    from_qemu_driver,
    messages,
    outcomes,
    run_assessment,
    write_node,
)
from hvaudit.bundle import BundleWriter, dump_json
from hvaudit.collect.host import HostCollector
from hvaudit.collect.libvirt import LibvirtCollector, LibvirtTarget
from hvaudit.engine import Assessment
from test_redteam23_vm_probes import QEMU_NS, _domain, _vhostuser
from test_redteam24_vm_probes import _raw_net


def _scan(tmp: Path, host: dict[str, Any], domains: dict[str, str]) -> Assessment:
    """The replayed host `host` with `domains` written as its QEMU driver reports them."""
    uri = write_node(tmp / f"n{time.monotonic_ns()}.xml", [domain_xml("plain")])
    writer = BundleWriter(
        tmp / f"b{time.monotonic_ns()}",
        target="qemu+ssh://root@hv1/system",
        platform="kvm-libvirt",
    )
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=True).collect(writer)
    del writer.entries["libvirt/domains/index.json"]
    assert writer.root is not None
    (writer.root / "libvirt/domains/index.json").unlink()
    index = []
    for name, xml in domains.items():
        path = f"libvirt/domains/{name}.xml"
        writer.add(path, xml.encode(), origin="virDomainGetXMLDesc")
        index.append({"uuid": name, "file": path, "autostart": False})
    writer.add("libvirt/domains/index.json", dump_json({"domains": index}), origin="test")
    writer.meta["collector"]["libvirt"]["simulated"] = False
    writer.meta["collector"]["libvirt"]["hostname"] = "hv1"
    from_qemu_driver(writer)
    _replay_secmodel(writer, "apparmor")
    HostCollector(ReplayRunner(host)).collect(writer)
    return run_assessment(writer.close(complete=True))


# --- HVA-057: /run/lock is root's alone on Fedora, RHEL and Arch (R24W-1) --------------------

RHEL = 'NAME="Red Hat Enterprise Linux"\nID="rhel"\nID_LIKE="fedora"\nVERSION_ID="9.4"\n'
FEDORA = 'NAME="Fedora Linux"\nVERSION_ID=40\nID=fedora\n'
LOCK_DOMAINS = {
    "lock": _domain("lock", _vhostuser("/run/lock/vhu.sock", "client")),
    "rawlock": _raw_net("rawlock", "socket,id=vu2,path=/var/lock/vhost0", "vu2"),
    "tmp": _domain("tmp", _vhostuser("/tmp/vhu.sock", "client")),
    "ovs": _domain("ovs", _vhostuser("/run/openvswitch/vhu1", "client")),
}
BIND = (
    "vhost-user socket(s) QEMU connects to in a directory every local user may create files "
    "in, whose listener is handed the guest's memory: "
)
ASKED = {
    "lock": ("manual", BIND + "vhost-user interface socket /run/lock/vhu.sock (mode client)"),
    "rawlock": (
        "manual",
        BIND + "QEMU argument -chardev socket,id=vu2,path=/var/lock/vhost0 (connecting, for "
        "-netdev vhost-user,id=nvu2,chardev=vu2)",
    ),
}
TMP = ("manual", BIND + "vhost-user interface socket /tmp/vhu.sock (mode client)")
OVS = ("pass", "no <shmem> device")


def _verdicts(a: Assessment) -> dict[str, tuple[str, str]]:
    status, text = outcomes(a, "HVA-057"), messages(a, "HVA-057")
    return {vm: (status[vm], text[vm]) for vm in status}


@pytest.mark.parametrize("os_release", [RHEL, FEDORA], ids=["rhel-9", "fedora-40"])
def test_r24w_1_run_lock_is_roots_on_fedora_and_rhel(tmp_path: Path, os_release: str) -> None:
    """R24W-1: upstream systemd's legacy.conf `d /run/lock 0755 root root -`, as Fedora and
    RHEL ship it: only root may create the socket QEMU connects to. Was: asked as a directory
    every local user may create files in (a needless question). Right: no <shmem> device;
    /tmp is still asked (held), /run/openvswitch still passes (held)."""
    a = _scan(tmp_path, dict(HARDENED_HOST, **{"/etc/os-release": os_release}), LOCK_DOMAINS)
    assert _verdicts(a) == {"lock": OVS, "rawlock": OVS, "tmp": TMP, "ovs": OVS}


@pytest.mark.parametrize("os_release", ["debian", None], ids=["debian-12", "os-release-absent"])
def test_r24w_1_held_run_lock_is_asked_on_debian(tmp_path: Path, os_release: str | None) -> None:
    """Held: Debian's /run/lock is world-writable (R24V-1); with no os-release read the
    distribution is not known, and the question stays."""
    host = dict(HARDENED_HOST)
    if os_release is None:
        host["/etc/os-release"] = None
    a = _scan(tmp_path, host, LOCK_DOMAINS)
    assert _verdicts(a) == {**ASKED, "tmp": TMP, "ovs": OVS}


# --- HVA-057: one question for sockets of several kinds (R24W-2) ------------------------------

VFS = (
    "<filesystem type='mount' accessmode='passthrough'><driver type='virtiofs'/>"
    "<source socket='/tmp/vfsd.sock'/><target dir='share'/></filesystem>"
)
ABS_ARGS = (
    "-chardev",
    "socket,id=vu2,path=vhost-net0,abstract=on",
    "-netdev",
    "vhost-user,id=nvu2,chardev=vu2",
    "-device",
    "virtio-net-pci,netdev=nvu2",
)
MIXED = {
    "two": _domain("two", _vhostuser("/run/vm/srv.sock", "server") + VFS),
    "three": _domain("three", _vhostuser("/run/vm/srv.sock", "server") + VFS, args=ABS_ARGS),
}
SRV_KIND = "/run/vm/srv.sock, which QEMU listens on: only the back end may connect"
TMP_KIND = (
    "/tmp/vfsd.sock, which QEMU connects to in a world-writable directory: only the back end "
    "creates and listens on it"
)
ABS_KIND = "abstract vhost-net0, which QEMU connects to: only the back end binds the name"


def _one_question(vm: str, kinds: str) -> str:
    return (
        f"Is each vhost-user socket of VM {vm} on host hv1 used only by its own vhost-user back "
        f"end, whenever the VM starts or reconnects ({kinds})? Evidence: `ls -lZ PATH` and the "
        "permissions and label of its directory, and `ss -xlp` (the process listening on each "
        "path or @NAME) on hv1. Pass: yes, for every socket; fail: another user, another VM's "
        "QEMU or another local process can connect to one QEMU listens on, or bind one QEMU "
        "connects to first, and QEMU maps the guest's memory into it."
    )


def test_r24w_2_sockets_of_several_kinds_get_one_question(tmp_path: Path) -> None:
    """R24W-2: a VM with a vhost-user socket QEMU listens on (R23V-1) beside a virtiofs socket
    in /tmp (R23M-2), and an abstract one (R24V-1), was handed their questions joined: two or
    three question marks in one manual item, which one attestation ("yes" or "no") cannot
    answer (tests/test_manual_questions.py shape_problems). Right: one question naming each
    socket and what "yes" means for it."""
    from test_manual_questions import shape_problems

    a = _scan(tmp_path, dict(HARDENED_HOST), MIXED)
    asked = {
        r.outcome.subject.name: r.outcome.question
        for r in a.results
        if r.check.id == "HVA-057" and r.status.value == "manual"
    }
    assert asked == {
        "two": _one_question("two", f"{SRV_KIND}; {TMP_KIND}"),
        "three": _one_question("three", f"{SRV_KIND}; {TMP_KIND}; {ABS_KIND}"),
    }
    assert {vm: shape_problems(q) for vm, q in asked.items()} == {"two": [], "three": []}


# --- HVA-057: /var/run/lock is /run/lock (R24W-3) ---------------------------------------------

VAR_RUN = {
    "varrunlock": _domain("varrunlock", _vhostuser("/var/run/lock/vhu.sock", "client")),
    "rawvarrun": _raw_net("rawvarrun", "socket,id=vu2,path=/var/run/lock/vhost0", "vu2"),
    "ovsvarrun": _domain("ovsvarrun", _vhostuser("/var/run/openvswitch/vhu1", "client")),
}
VAR_RUN_ASKED = {
    "varrunlock": (
        "manual",
        BIND + "vhost-user interface socket /var/run/lock/vhu.sock (mode client)",
    ),
    "rawvarrun": (
        "manual",
        BIND + "QEMU argument -chardev socket,id=vu2,path=/var/run/lock/vhost0 (connecting, for "
        "-netdev vhost-user,id=nvu2,chardev=vu2)",
    ),
    "ovsvarrun": OVS,
}


def test_r24w_3_var_run_lock_is_run_lock(tmp_path: Path) -> None:
    """R24W-3: /var/run is a link to /run (systemd tmpfiles.d/var.conf.in `L /var/run - - -
    - ../run`), so on Debian /var/run/lock is the world-writable /run/lock. Was: "no <shmem>
    device" (a false pass; R24V-1 named /run/lock and /var/lock only). Right: R23M-2's
    question; /var/run/openvswitch (OVS's own directory) still passes (held)."""
    a = _scan(tmp_path, dict(HARDENED_HOST), VAR_RUN)
    assert _verdicts(a) == VAR_RUN_ASKED


def test_r24w_3_held_var_run_lock_on_rhel_passes(tmp_path: Path) -> None:
    """Held: on RHEL /run/lock, so /var/run/lock, is root's alone (R24W-1)."""
    a = _scan(tmp_path, dict(HARDENED_HOST, **{"/etc/os-release": RHEL}), VAR_RUN)
    assert _verdicts(a) == {"varrunlock": OVS, "rawvarrun": OVS, "ovsvarrun": OVS}


# --- HVA-049: KVM/arm64 nests only with kvm-arm.mode=nested (R24W-4) --------------------------

#: An arm64 host as R24M-1 reads it (arch/arm64/kernel/cpuinfo.c: `CPU architecture: 8`, no
#: vendor_id), KVM built in (no kvm_intel/kvm_amd module), Debian's arm64 kernel.
ARM64_HOST = {
    "/proc/cpuinfo": "".join(
        f"processor\t: {i}\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd evtstrm aes pmull sha1 "
        "sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp ssbs\nCPU "
        "implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x3\nCPU part\t: 0xd0c\n"
        "CPU revision\t: 1\n\n"
        for i in range(2)
    ),
    "/proc/modules": "nf_tables 303104 0 - Live 0x0000000000000000\n",
    "/sys/module/kvm_intel/parameters/ept": None,
    "/proc/cmdline": "BOOT_IMAGE=/vmlinuz-6.1.0-28-arm64 root=/dev/mapper/vg-root ro quiet\n",
    "/proc/sys/kernel/osrelease": "6.1.0-28-arm64\n",
    "boot-kernels": ("/boot/vmlinuz-6.1.0-28-arm64\n/boot/vmlinuz-6.1.0-27-arm64\n", 0),
}


def _aarch64(name: str, cpu: str) -> str:
    return (
        f"<domain type='kvm'><name>{name}</name><memory unit='MiB'>1024</memory><vcpu>2</vcpu>"
        f"<os><type arch='aarch64' machine='virt-8.2'>hvm</type></os>{cpu}<devices></devices>"
        "</domain>"
    )


ARM_DOMAINS = [
    _aarch64("hp", "<cpu mode='host-passthrough'/>"),
    _aarch64("a57", "<cpu mode='custom'><model>cortex-a57</model></cpu>"),
]
ARM_WHAT = "aarch64 guest: KVM/arm64 gives it EL2 only on a host booted with kvm-arm.mode=nested"
ARM_ASKED = (
    "Does VM hp run without EL2 (no nested virtualization) on arm64 host hv1? Evidence: the "
    "QEMU command line of VM hp on hv1 (`ps -ww -o args` of its qemu-system-aarch64: -machine "
    "virt,...) and /proc/cmdline there. Pass: yes, the machine has no virtualization=on (KVM "
    "gives a vCPU EL2 only when QEMU asks, KVM_ARM_VCPU_HAS_EL2), or the host kernel runs "
    "without kvm-arm.mode=nested; fail: virtualization=on on a host booted with "
    "kvm-arm.mode=nested, so the guest can run a hypervisor."
)
NESTED_NOW = {"/proc/cmdline": ARM64_HOST["/proc/cmdline"].strip() + " kvm-arm.mode=nested\n"}


def test_r24w_4_arm64_host_without_nested_mode_passes(host_scan) -> None:
    """R24W-4: KVM/arm64 is built in (no kvm_intel/kvm_amd, no `nested` module parameter) and
    gives a vCPU EL2 only where the host kernel runs in kvm-arm.mode=nested (kernel-parameters
    .txt: "nested: VHE-based mode with support for nested virtualization. Requires at least
    ARMv8.4 hardware (with FEAT_NV2)") and QEMU asks for it (uapi asm/kvm.h
    `KVM_ARM_VCPU_HAS_EL2 7 /* Support nested virtualization */`). Was: every aarch64 VM of
    an arm64 host asked about /sys/module/kvm_intel/parameters/nested ("no kvm_intel or
    kvm_amd `nested` parameter: the KVM module is not loaded"), or about vmx/svm in an Arm
    CPU model: needless questions R24M-1's arm64 hosts brought. Right: a command line without
    kvm-arm.mode=nested, now and at the next boot, passes."""
    a = host_scan(ARM64_HOST, domains=ARM_DOMAINS)
    ok = f"{ARM_WHAT}, and host hv1 runs without it (nor does its next boot's command line add it)"
    assert (outcomes(a, "HVA-049"), messages(a, "HVA-049")) == (
        {"hp": "pass", "a57": "pass"},
        {"hp": ok, "a57": ok},
    )


@pytest.mark.parametrize(
    ("over", "message"),
    [
        (
            NESTED_NOW,
            f"{ARM_WHAT}, and host hv1 runs with kvm-arm.mode=nested: whether QEMU asks for EL2 "
            "(virtualization=on) is not in the definition",
        ),
        (
            {
                "boot-cmdline": (
                    str(HARDENED_HOST["boot-cmdline"][0]).replace(
                        'GRUB_CMDLINE_LINUX=""', 'GRUB_CMDLINE_LINUX="kvm-arm.mode=nested"'
                    ),
                    0,
                )
            },
            f"{ARM_WHAT}; host hv1 runs without it, but kvm_arm.mode=nested in "
            "/etc/default/grub selects the nested mode at the next boot if the boot loader "
            "takes it",
        ),
        (
            {"/proc/cmdline": None},
            f"{ARM_WHAT}, and the host's kernel command line was not read (/proc/cmdline could "
            "not be read)",
        ),
    ],
    ids=["nested-now", "nested-next-boot", "cmdline-unread"],
)
def test_r24w_4_held_arm64_nested_mode_is_asked(
    host_scan, over: dict[str, Any], message: str
) -> None:
    """Held: with kvm-arm.mode=nested now, in GRUB's defaults for the next boot, or the
    command line unread, whether QEMU asks for EL2 is the one question (never a pass)."""
    a = host_scan({**ARM64_HOST, **over}, domains=ARM_DOMAINS[:1])
    asked = {
        r.outcome.subject.name: r.outcome.question
        for r in a.results
        if r.check.id == "HVA-049" and r.status.value == "manual"
    }
    assert (outcomes(a, "HVA-049"), messages(a, "HVA-049"), asked) == (
        {"hp": "manual"},
        {"hp": message},
        {"hp": ARM_ASKED},
    )


def test_r24w_4_raw_virtualization_on_nested_host_fails(tmp_path: Path) -> None:
    """R24W-4: a raw `-machine virtualization=on` (QEMU docs/system/arm/virt.rst: "emulating a
    guest CPU which implements the Arm Virtualization Extensions"), on a host booted with
    kvm-arm.mode=nested, gives the guest EL2: a fail."""
    dom = (
        _aarch64("rawel2", "<cpu mode='host-passthrough'/>")
        .replace("<domain type='kvm'>", f"<domain type='kvm' xmlns:qemu='{QEMU_NS}'>")
        .replace(
            "</domain>",
            "<qemu:commandline><qemu:arg value='-machine'/>"
            "<qemu:arg value='virtualization=on'/></qemu:commandline></domain>",
        )
    )
    a = _scan(tmp_path, {**HARDENED_HOST, **ARM64_HOST, **NESTED_NOW}, {"rawel2": dom})
    assert (outcomes(a, "HVA-049"), messages(a, "HVA-049")) == (
        {"rawel2": "fail"},
        {
            "rawel2": "QEMU argument -machine virtualization=on asks for EL2, and host hv1 runs "
            "with kvm-arm.mode=nested: the aarch64 guest can run a hypervisor"
        },
    )
