"""R38 sweep probes of the VM/host-architecture checks (letter T; architecture.py, devices.py,
guest.py: HVA-010, 011, 048, 049, 050, 051) for the leading unknown and the wording round 37
left (issue 8, "verdicts an auditor can sign").

Harness: each probe builds its host through the real collector, parser and engine
(test_redteam30_domain_probes._scan: the libvirt test driver's domains collected as a
QEMU-driver daemon's, a domain the daemon refused (`refused`) and a persistent definition whose
read failed (`next_failed`), each recorded as collect/libvirt.py records it; the hardened host
replayed with overrides; qemu.conf written after libvirtd started, R11H-1's unavailable file,
test_redteam11_host_probes._mtimes), and reads the item's status, message and question.

Findings:
- R38T-1 (wrong fail) HVA-051: qemu.conf unread (changed after libvirtd started, R11H-1) on a
  host where no VM assigns a PCI device by legacy KVM assignment was asked "qemu.conf
  relaxed_acs_check is not 1?", though either value passes there (libvirt checks ACS only for
  a device not assigned through VFIO: src/util/virhostdev.c virHostdevPreparePCIDevicesImpl
  `if (!usesVFIO && !virPCIDeviceIsAssignable(pci, strict_acs_check))`; hvaudit passes
  relaxed_acs_check = 1 without such a device, test_leads10): an honest "no, it is 1" failed a
  passing host. Now the pass naming why (with unread_peers' question beside a guest not read);
  with a legacy assignment, one precise question naming the devices and what answers it.
- R38T-2 (false pass) HVA-051: relaxed_acs_check = 1 passed "no VM assigns a PCI device by
  legacy KVM assignment" beside a domain whose definition the daemon refused (R28D-1) or a
  running domain whose persistent definition was not read (R29D-6): the comparison left them
  out, and either may assign a device with <driver name='kvm'/>. Now unread_peers' question.
- R38T-3 (false pass) HVA-049: the x86 KVM vendor module not loaded (no `nested` in sysfs) and
  nothing setting its `nested` at the next load (no options line, no kvm_intel.nested= word,
  no install command; `options kvm_amd nested=0` on an Intel host sets nothing of kvm_intel)
  was asked whether /sys/module/kvm_intel/parameters/nested reads N, a file that does not
  exist while the module is not loaded: "yes" passed a host-passthrough VM that gets vmx when
  the module loads with its built-in default, on since Linux 4.20 (commit 1e58e5e59148 "KVM:
  VMX: enable nested virtualization by default", merged in 4.20 per Yu Zhang's 2021-01-28
  nested-vmx.rst fix on kvm@vger; arch/x86/kvm/vmx/vmx.c `static bool __read_mostly nested =
  1;`). Now the fail where /proc/sys/kernel/osrelease is 4.20 or later
  (parse.host._nested_default_load); an older or unread release keeps the question. Older
  test changed: test_redteam37_sweepvm_probes R37T-7's harness ("the module not loaded
  alone is the sysfs question") now pins a 4.19 kernel, where that still holds.
- R38T-4 (wording) HVA-050: devices._with_extras joined its parts' questions with a space (an
  unseen network's R16-3 question and an RNG's VL18-7 question: two "Pass:"/"fail:" clauses
  run together in one item). Now joint_question (one ask, one Evidence, one Pass, one fail).

Held: relaxed_acs_check = 1 with every guest read and no legacy assignment passes; with one,
fails (test_leads10's messages kept); qemu.conf unread with a legacy assignment stays a
question. HVA-049: kvm_intel not loaded on a 4.19 kernel, or with `options kvm_intel
nested=0`, keeps the question.

Probed by script: HVA-051 with qemu.conf absent (libvirt's defaults: relaxed_acs_check = 0,
a pass; held).

Tally: 4 findings (false pass: HVA-051, HVA-049; wrong fail: HVA-051; wording: HVA-050), 10
cases; 8 failed on main before the fix (R38T-1..3 on b788aaff, R38T-4 on 39c61927), 2 held.

Leads left: HVA-049 with the module not loaded on a kernel before 4.20 (or the release unread)
still asks sysfs's question, whose file does not exist then: one question about the module's
built-in default would be precise (distribution kernels before 4.20 may backport the default;
kvm_amd's default was on long before 4.20, the bound is kept for both: not probed on an AMD
host). HVA-048 with <seclabel type='none'> on a running domain and qemu.conf
unread; HVA-011 on arm64/s390x without /dev/kvm; HVA-010's modules question on POWER (kvm_hv).
"""

from __future__ import annotations

from pathlib import Path

from conftest import HARDENED_HOST, domain_xml
from hvaudit.checks.base import joint_question
from hvaudit.engine import Assessment
from test_leads10 import _hostdev
from test_r34_elif_probes import _items
from test_r34_elif_sweep_probes import verdict
from test_redteam11_host_probes import AFTER, BEFORE, _mtimes
from test_redteam30_domain_probes import REFUSED, REFUSED_UUID, _scan

RELAXED = {
    **HARDENED_HOST,
    "/etc/libvirt/qemu.conf": str(HARDENED_HOST["/etc/libvirt/qemu.conf"])
    + "relaxed_acs_check = 1\n",
}
CHANGED = {**HARDENED_HOST, "libvirt-conf-mtimes": _mtimes(AFTER, BEFORE)}
UNREAD_CONF = (
    "/etc/libvirt/qemu.conf was changed at 2024-11-27 05:10:00 UTC, after libvirtd (pid 700) "
    "started at 2024-11-27 04:00:00 UTC; the daemon reads it only when it starts, so what it "
    "runs may differ from the file"
)
NONE = (
    "no VM assigns a PCI device by legacy KVM assignment (driver name='kvm'), the only "
    "assignment libvirt checks ACS for: VFIO devices are isolated by IOMMU group"
)
MAY = "assign a PCI device by legacy KVM assignment (driver name='kvm')"
KVM_DEV = _hostdev("<driver name='kvm'/>")
VFIO_DEV = _hostdev("<driver name='vfio'/>")
MAIN_Q = (
    "Does this hold for this host: qemu.conf relaxed_acs_check is not 1? Evidence: the setting, "
    "file or command output it names, read where it lives (the message says why the scan could "
    "not). Pass: yes, it holds; fail: it does not."
)


def _hva051(a: Assessment) -> tuple[str, str, str | None]:
    status, message = verdict(a, "HVA-051", "hv1")
    return status, message, _items(a, "HVA-051")[("host", "hv1")][1]


def _not_compared(unread: str, *, nexts: bool = False) -> tuple[str, str]:
    """unread_peers' message part and question for host hv1's guests not read."""
    evidence = (
        "`virsh dumpxml --security-info <uuid>` of each of them on host hv1, run by an account "
        "the daemon lets read it (polkit `domain:read-secure` where the polkit access driver is "
        "on)" + (", with --inactive for a persistent definition" if nexts else "")
    )
    return (
        f"not compared with the guests whose definition was not read, any of which may {MAY}: "
        f"{unread}",
        f"Does none of the guests of host hv1 whose definition the scan did not read {MAY}? "
        f"Evidence: {evidence}. Pass: yes, none does; fail: one does.",
    )


REFUSED_PART = (
    f"domain {REFUSED_UUID} (libvirt/domains/{REFUSED_UUID}.xml: collection failed ({REFUSED}))"
)


# --- R38T-1: HVA-051, qemu.conf unread where no VM uses legacy KVM assignment ------------------


def test_r38t1_harness_relaxed_read(tmp_path: Path) -> None:
    """Held: relaxed_acs_check = 1 read, every guest read: a VFIO device passes, a legacy KVM
    assignment fails (test_leads10's verdicts)."""
    assert _hva051(_scan(tmp_path, VFIO_DEV, host=RELAXED)) == (
        "pass",
        f"relaxed_acs_check = 1, but {NONE}",
        None,
    )
    assert _hva051(_scan(tmp_path, KVM_DEV, host=RELAXED)) == (
        "fail",
        "relaxed_acs_check = 1 and legacy KVM assignment (driver name='kvm') of pci "
        "0000:03:00.0 to web01: libvirt assigns it below a PCIe switch without ACS",
        None,
    )


def test_r38t1_hva051_unread_conf_without_legacy_assignment_passes(tmp_path: Path) -> None:
    """R38T-1, the wrong fail: qemu.conf unread, only VFIO assignment: main asked whether
    relaxed_acs_check is not 1 (MAIN_Q), whose honest "no" failed a host either value passes.
    Now the pass naming why."""
    for body in ("", VFIO_DEV):
        assert _hva051(_scan(tmp_path, body, host=CHANGED)) == (
            "pass",
            f"relaxed_acs_check is not known ({UNREAD_CONF}), but {NONE}: it acts on no device "
            "whatever its value",
            None,
        )


def test_r38t1_hva051_unread_conf_with_legacy_assignment_asks(tmp_path: Path) -> None:
    """R38T-1's other side: qemu.conf unread beside a legacy KVM assignment stays a question,
    now naming the devices and what answers it (main: MAIN_Q, the generic question)."""
    assert _hva051(_scan(tmp_path, KVM_DEV, host=CHANGED)) == (
        "manual",
        "legacy KVM assignment (driver name='kvm') of pci 0000:03:00.0 to web01, and "
        f"relaxed_acs_check is not known: {UNREAD_CONF}",
        "Does the libvirt QEMU driver of host hv1 run with relaxed_acs_check unset or 0? "
        "Evidence: /etc/libvirt/qemu.conf on hv1 as the daemon (libvirtd or virtqemud) last "
        "read it, at its start. Pass: yes, unset or 0; fail: relaxed_acs_check = 1, so libvirt "
        "assigns these devices below a PCIe switch without ACS.",
    )


def test_r38t1_hva051_unread_conf_beside_refused_domain_asks(tmp_path: Path) -> None:
    """R38T-1 with R38T-2: qemu.conf unread beside a refused domain: the pass is unread_peers'
    question (the refused guest may assign a device by legacy KVM assignment)."""
    part, question = _not_compared(REFUSED_PART)
    assert _hva051(_scan(tmp_path, VFIO_DEV, host=CHANGED, refused=True)) == (
        "manual",
        f"relaxed_acs_check is not known ({UNREAD_CONF}), but {NONE}: it acts on no device "
        f"whatever its value; {part}",
        question,
    )


# --- R38T-2: HVA-051, relaxed_acs_check = 1 beside a guest not read ----------------------------


def test_r38t2_hva051_relaxed_beside_refused_domain_asks(tmp_path: Path) -> None:
    """R38T-2, the false pass: relaxed_acs_check = 1 beside a domain the daemon refused: main
    passed "no VM assigns a PCI device by legacy KVM assignment" with the refused guest left
    out. Now unread_peers' question."""
    part, question = _not_compared(REFUSED_PART)
    assert _hva051(_scan(tmp_path, VFIO_DEV, host=RELAXED, refused=True)) == (
        "manual",
        f"relaxed_acs_check = 1, but {NONE}; {part}",
        question,
    )


def test_r38t2_hva051_relaxed_beside_unread_next_definition_asks(tmp_path: Path) -> None:
    """R38T-2, the false pass: relaxed_acs_check = 1 where web01's persistent definition (what
    it starts from next) was not read: main passed; now unread_peers' question."""
    import uuid as uuidlib

    uid = uuidlib.uuid5(uuidlib.NAMESPACE_DNS, "web01")
    part, question = _not_compared(
        f"the persistent definition of domain {uid} (libvirt/domains/{uid}.next.xml: "
        "collection failed (timed out))",
        nexts=True,
    )
    assert _hva051(_scan(tmp_path, VFIO_DEV, host=RELAXED, next_failed=("web01",))) == (
        "manual",
        f"relaxed_acs_check = 1, but {NONE}; {part}",
        question,
    )


# --- R38T-3: HVA-049, the x86 vendor module not loaded and no nested= anywhere ----------------

NOT_LOADED_WHY = "no kvm_intel or kvm_amd `nested` parameter: the KVM module is not loaded"
PT_WHAT = "CPU mode host-passthrough passes the host's vmx/svm through when KVM nests"
#: main's question (test_redteam37_sweepvm_probes.SYSFS_Q): its evidence file does not exist
#: while the module is not loaded
SYSFS_Q = (
    "Is nested virtualization off in KVM on host hv1? Evidence: "
    "/sys/module/kvm_intel/parameters/nested (Intel) or /sys/module/kvm_amd/parameters/nested "
    "(AMD) on hv1. Pass: yes, it reads N or 0; fail: it reads Y or 1, so this VM's CPU "
    "definition hands it vmx/svm (a VM approved to run hypervisors is a waiver, not a pass)."
)


def _default_on(vendor: str, release: str) -> str:
    return (
        f"{PT_WHAT}; {NOT_LOADED_WHY}, but {vendor}'s built-in default (nested on since Linux "
        f"4.20; the running kernel is {release}, and no options line, {vendor}.nested= word or "
        "install command sets it) turns nested on when it loads (every boot)"
    )


def test_r38t3_harness_older_kernel_keeps_question(host_scan) -> None:
    """Held: the module not loaded on a kernel before Linux 4.20 (kvm_intel's default was off
    there) keeps the question; with nested=0 in modprobe.d the next load keeps it off. The
    question is R40T-5's, about the module's next load (SYSFS_Q asked about a file that does
    not exist while the module is not loaded)."""
    from test_redteam20_host2_probes import PT, _modprobe
    from test_redteam37_sweepvm_probes import NOT_LOADED, _pt
    from test_redteam40_sweepvm_probes import HOST_LOAD_Q

    old = {**NOT_LOADED, "/proc/sys/kernel/osrelease": "4.19.0-27-amd64\n"}
    assert _pt(host_scan(old, domains=PT)) == (
        "manual",
        f"{PT_WHAT}; host evidence unavailable: {NOT_LOADED_WHY}",
        HOST_LOAD_Q,
    )
    off = {
        **NOT_LOADED,
        "modprobe-d": _modprobe("/etc/modprobe.d/kvm.conf:options kvm_intel nested=0\n"),
    }
    assert _pt(host_scan(off, domains=PT)) == (
        "manual",
        f"{PT_WHAT}; host evidence unavailable: {NOT_LOADED_WHY}",
        HOST_LOAD_Q,
    )


def test_r38t3_hva049_intel_default_nests_at_load(host_scan) -> None:
    """R38T-3, the false pass: kvm_intel not loaded on Linux 6.1 with no nested= set anywhere:
    main asked whether /sys/module/kvm_intel/parameters/nested reads N (a file that does not
    exist while the module is not loaded), and "yes" passed a host-passthrough VM that gets
    vmx when the module loads with its default (on since Linux 4.20). Now the fail."""
    from test_redteam20_host2_probes import PT
    from test_redteam37_sweepvm_probes import NOT_LOADED, _pt

    assert _pt(host_scan(NOT_LOADED, domains=PT)) == (
        "fail",
        _default_on("kvm_intel", "6.1.0-28-amd64"),
        None,
    )


def test_r38t3_hva049_other_vendor_off_leaves_intel_default(host_scan) -> None:
    """R38T-3, the same class: `options kvm_amd nested=0` on an Intel host sets nothing of
    kvm_intel, whose default then nests: main asked the sysfs question; now the fail."""
    from test_redteam20_host2_probes import PT, _modprobe
    from test_redteam37_sweepvm_probes import NOT_LOADED, _pt

    amd_off = _modprobe("/etc/modprobe.d/kvm.conf:options kvm_amd nested=0\n")
    assert _pt(host_scan({**NOT_LOADED, "modprobe-d": amd_off}, domains=PT)) == (
        "fail",
        _default_on("kvm_intel", "6.1.0-28-amd64"),
        None,
    )


# --- R38T-4: HVA-050, several parts' questions run together with a space ----------------------

NET_Q = (
    "Is network(s) elsewhere on host hv1 other than a pool of SR-IOV functions, or are its "
    "functions isolated by an active IOMMU? Evidence: `virsh net-dumpxml NAME` on hv1 "
    "(<forward mode='hostdev'> and its <pf> or <address> list) and, for such a pool, "
    "/sys/kernel/iommu_groups on the host. Pass: another forward mode, or hostdev with the "
    "IOMMU active and each function alone in its IOMMU group; fail: hostdev without an active "
    "IOMMU, or a function whose IOMMU group holds a device the host or another VM uses."
)
RNG_Q = (
    "Is each source VM web01's random-number device reads on host hv1 (/dev/sda) the host's "
    "hardware RNG, with the guest's reads bounded? Evidence: the VM's <rng> <backend> and <rate "
    "bytes period> (raw arguments: -object rng-random and the virtio-rng device's max-bytes and "
    "period), `cat /sys/class/misc/hw_random/rng_current` and `ls -lL /dev/sda` on hv1. Pass: "
    "/dev/hwrng with rng_current naming a hardware RNG and a <rate> on the device; fail: any "
    "other file or device (the guest reads its content), or /dev/hwrng without a <rate> (the "
    "guest drains the hardware RNG the host kernel reads too)."
)


def test_r38t4_hva050_parts_questions_are_one_question(host_scan) -> None:
    """R38T-4 (wording), HVA-050: a VM on a network whose definition the evidence lacks (R16-3's
    question) with an RNG reading /dev/sda (VL18-7's question): main joined the two questions
    with a space (`NET_Q RNG_Q`: two "Pass:" clauses, the second question's "fail" read as the
    item's last word); now one question (joint_question). Held: each part alone keeps its
    question."""
    from test_vm_leads18 import _rng

    rng = _rng("/dev/sda")
    net = "<interface type='network'><source network='elsewhere'/></interface></devices>"
    a = host_scan(
        domains=[
            domain_xml("web01", rng.replace("</devices>", net)),
            domain_xml("rngonly", rng),
            domain_xml("netonly", "<devices>" + net),
        ]
    )
    items = _items(a, "HVA-050")
    assert items[("vm", "web01")][1] == joint_question([NET_Q, RNG_Q])
    assert items[("vm", "web01")][1] == (
        "Is network(s) elsewhere on host hv1 other than a pool of SR-IOV functions, or are its "
        "functions isolated by an active IOMMU, and is each source VM web01's random-number "
        "device reads on host hv1 (/dev/sda) the host's hardware RNG, with the guest's reads "
        "bounded? Evidence: `virsh net-dumpxml NAME` on hv1 (<forward mode='hostdev'> and its "
        "<pf> or <address> list) and, for such a pool, /sys/kernel/iommu_groups on the host; the "
        "VM's <rng> <backend> and <rate bytes period> (raw arguments: -object rng-random and the "
        "virtio-rng device's max-bytes and period), `cat /sys/class/misc/hw_random/rng_current` "
        "and `ls -lL /dev/sda` on hv1. Pass: another forward mode, or hostdev with the IOMMU "
        "active and each function alone in its IOMMU group, and /dev/hwrng with rng_current "
        "naming a hardware RNG and a <rate> on the device; fail: hostdev without an active "
        "IOMMU, or a function whose IOMMU group holds a device the host or another VM uses, or "
        "any other file or device (the guest reads its content), or /dev/hwrng without a <rate> "
        "(the guest drains the hardware RNG the host kernel reads too)."
    )
    assert items[("vm", "rngonly")][1] == RNG_Q.replace("VM web01's", "VM rngonly's")
    assert items[("vm", "netonly")][1] == NET_Q
