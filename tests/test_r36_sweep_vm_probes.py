"""R36 sweep probes of the VM modules (letter T; devices.py, network.py, consoles.py,
architecture.py): a check yields one outcome for a subject whose first open condition hides
the others, so an attested "yes" to the one question asked passes the subject while a fail or
another question was never shown (issue 8, "verdicts an auditor can sign").

Harness: each probe builds its host through the real collector, parser and engine (conftest's
host_scan: the hardened host replayed with overrides, the libvirt test driver's domain), holds
each condition alone, and answers "yes" in an attestation TOML read by the CLI's own loader and
applied with apply_attestations (test_r34_elif_probes._attest_yes) to the question main asked
of the subject with every condition present (the first condition's own question, written out
below as main wrote it): on main that "yes" passed the subject.

Findings:
- R36T-1 (leading unknown) HVA-052: /proc/cmdline unread was asked ("the kernel command line
  has no pcie_acs_override=") before the next boot's line, read apart (/etc/default/grub),
  which adds pcie_acs_override= in every source, a fail that does not rest on the running
  line: "yes" passed it. Now the fail.
- R36T-2 (leading unknown) HVA-043: qemu.conf unread (changed after libvirtd started, R11H-1)
  was asked before an SELinux host whose getenforce reads permissive (the lead R35T-9 left):
  "yes, confined" passed a host that enforces no sVirt label. Now the fail; where the rest
  passes or asks, the qemu.conf question is asked with it (joined_asks).
- R36T-3 (leading unknown) HVA-011: kvm_intel's ept parameter unread ("the KVM module is not
  loaded") was asked before /proc/cpuinfo's hypervisor flag, read apart: a nested host's KVM
  has its guests' page tables shadowed by the outer hypervisor whatever EPT says, and "yes,
  EPT enabled" passed it. Now the fail.
- R36T-4 (leading unknown) HVA-010: /proc/modules unread was asked before the same flag beside
  /dev/kvm: a nested host fails whichever module drives /dev/kvm (the vendor's runs emulated
  vmx, another none), and "yes, kvm_intel drives it" passed it. Now the fail.
- R36T-5 (leading unknown) HVA-044: a VM without <seclabel> on a host whose qemu.conf is
  unread (changed after libvirtd started) was asked whether libvirt starts it with a dynamic
  label before what the daemon and the host report: a permissive SELinux (the label applied,
  not enforced) and a daemon reporting secmodel none, each a fail whatever qemu.conf sets;
  "yes" passed both. Now the fail.
- R36T-6 (elif chain) HVA-044: a static SELinux label with relabel='no' on a host whose
  enforcement was not read (a simulated host): the enforcement question `continue`d before
  the relabel question (R9-9) and the disks' kept labels, and "yes, SELinux enforces svirt_t"
  passed disks whose labels nobody set. Now one item asks both (joined_asks); a kept label's
  fail still wins.
- R36T-7 (elif chain) HVA-044: a disk keeping its own SELinux label (relabel='no') beside a
  shareable disk: _kept_disk_labels returned the kept label's question before
  _shared_disk_labels' (R12-3), and "yes, the kept disk carries this VM's categories" passed a
  shareable disk any VM on the host may open, never asked; so did the shareable disk's
  question before the fw_cfg files' and the smartcard's. Now each asks the next with it.
- R36T-8 (elif chain) HVA-044: a static label of a type libvirt does not give (container_t)
  on a host whose enforcement was not read (simulated): the foreign type's question
  `continue`d before the enforcement question (and relabel='no', the kept labels), and "yes,
  it confines QEMU as sVirt does" passed a label nobody was asked is enforced. Now one item
  asks each.
- R36T-9 (leading unknown) HVA-011: the ept parameter unread and /proc/cpuinfo unread: the
  EPT question was asked alone, and "yes" passed a host that may itself be a VM (R36T-3's
  fail), the bare-metal question the EPT-on branch asks (R34H) never shown. Now one item asks
  both.

Held: each condition alone keeps its verdict and message (the harness tests); a failed read
(an error) still stands alone.

Tally: 9 findings (HVA-052, HVA-043, HVA-011 twice, HVA-010, HVA-044 four times), 16 cases;
10 failed on main (101a77ad) before the fix, 6 held.

Leads left: see the report.
"""

from __future__ import annotations

from pathlib import Path

from conftest import HARDENED_HOST
from hvaudit.engine import Assessment
from test_r34_elif_probes import _attest_yes, _items
from test_r34_elif_sweep_probes import verdict
from test_r35_sweep_vm_probes import MAC_Q, QEMU_CHANGED
from test_redteam11_host_probes import AFTER, BEFORE, _mtimes
from test_redteam47_sweepvm_probes import CHANGED_SINCE


def _host(a: Assessment, check: str) -> tuple[str, str, str | None]:
    """(status, message, question) of `check`'s result for host hv1."""
    status, message = verdict(a, check, "hv1")
    return status, message, _items(a, check)[("host", "hv1")][1]


def _yes(a: Assessment, check: str, question: str, tmp_path: Path) -> tuple[str, str, str | None]:
    """`check`'s item for hv1 after a "yes" to `question` (main's, on the same subject)."""
    _attest_yes(a, check, "host", "hv1", tmp_path, question=question)
    return _host(a, check)


# --- R36T-1: HVA-052, /proc/cmdline unread asked before the next boot's override -------------

_BOOT = HARDENED_HOST["boot-cmdline"]
#: Debian 12's /etc/default/grub with pcie_acs_override= in GRUB_CMDLINE_LINUX
GRUB_ACS = (
    str(_BOOT[0]).replace(
        'GRUB_CMDLINE_LINUX=""', 'GRUB_CMDLINE_LINUX="pcie_acs_override=downstream"'
    ),
    *_BOOT[1:],
)
CMDLINE_Q = (
    "Does this hold for this host: the kernel command line has no pcie_acs_override=? "
    "Evidence: the setting, file or command output it names, read where it lives (the message "
    "says why the scan could not). Pass: yes, it holds; fail: it does not."
)


def test_r36t1_harness_each_condition_alone(host_scan) -> None:
    """Held: /proc/cmdline unread alone is its question; the next boot's override alone fails."""
    a = host_scan({"/proc/cmdline": None})
    assert _host(a, "HVA-052") == (
        "manual",
        "evidence unavailable: /proc/cmdline could not be read",
        CMDLINE_Q,
    )
    a = host_scan({"boot-cmdline": GRUB_ACS})
    assert _host(a, "HVA-052") == (
        "fail",
        "no pcie_acs_override= on the running kernel's command line, but the next boot adds "
        "it: pcie_acs_override=downstream in /etc/default/grub",
        None,
    )


def test_r36t1_hva052_yes_to_cmdline_passes_next_boot_override(host_scan, tmp_path) -> None:
    """R36T-1, the false pass: /proc/cmdline unread and GRUB's defaults adding
    pcie_acs_override=: main asked only whether the running line has none, and "yes" passed
    HVA-052 on a host whose next boot splits the IOMMU groups. Now the fail."""
    a = host_scan({"/proc/cmdline": None, "boot-cmdline": GRUB_ACS})
    assert _yes(a, "HVA-052", CMDLINE_Q, tmp_path) == (
        "fail",
        "the next boot adds pcie_acs_override=: pcie_acs_override=downstream in "
        "/etc/default/grub (the running kernel's command line was not read)",
        None,
    )


# --- R36T-2: HVA-043, qemu.conf unread asked before a permissive SELinux ----------------------

PERMISSIVE = "SELinux is permissive: sVirt labels are applied but not enforced"


def _selinux(host_scan, *, changed: bool) -> Assessment:
    """An SELinux host (the daemon's secmodel) whose getenforce reads Permissive (0), with
    qemu.conf written after libvirtd started where `changed` (R11H-1: unavailable)."""
    over: dict[str, object] = {"secmodel": "selinux", "/sys/fs/selinux/enforce": "0\n"}
    if changed:
        over["libvirt-conf-mtimes"] = _mtimes(AFTER, BEFORE)
    return host_scan(over)


def test_r36t2_harness_each_condition_alone(host_scan) -> None:
    """Held: qemu.conf unread alone (AppArmor, enforced) is the MAC question; a permissive
    SELinux alone fails."""
    a = host_scan({"libvirt-conf-mtimes": _mtimes(AFTER, BEFORE)})
    # R47T-2: the question asks for the qemu.conf libvirtd read at its start (was the file now)
    assert _host(a, "HVA-043") == (
        "manual",
        QEMU_CHANGED,
        MAC_Q.replace(" Pass: ", CHANGED_SINCE, 1),
    )
    assert _host(_selinux(host_scan, changed=False), "HVA-043") == ("fail", PERMISSIVE, None)


def test_r36t2_hva043_yes_to_qemu_conf_passes_permissive_selinux(host_scan, tmp_path) -> None:
    """R36T-2, the false pass: qemu.conf unread on an SELinux host in permissive mode: main
    asked only whether libvirt confines QEMU, and "yes" passed HVA-043 on a host whose kernel
    enforces no sVirt label. Now the fail."""
    a = _selinux(host_scan, changed=True)
    assert _yes(a, "HVA-043", MAC_Q, tmp_path) == ("fail", PERMISSIVE, None)


# --- R36T-3, R36T-4: HVA-011 and HVA-010, a nested host's fail behind the KVM module unread ---

#: the hardened host's /proc/cpuinfo with the hypervisor flag (the host is itself a VM)
NESTED_CPU = str(HARDENED_HOST["/proc/cpuinfo"]).replace("x2apic\n", "x2apic hypervisor\n")
NO_EPT = {"/sys/module/kvm_intel/parameters/ept": None}
NO_MODS = {**NO_EPT, "/proc/modules": None}
EPT_Q = (
    "Does this hold for this host: EPT (Intel) or NPT (AMD) is enabled in the KVM module? "
    "Evidence: the setting, file or command output it names, read where it lives (the message "
    "says why the scan could not). Pass: yes, it holds; fail: it does not."
)
NO_PARAMS = "no kvm_intel or kvm_amd module parameters: the KVM module is not loaded"
MODS_Q = (
    "Does this hold for this host: the CPU offers VT-x/AMD-V and kvm_intel or kvm_amd drives "
    "/dev/kvm? Evidence: the setting, file or command output it names, read where it lives (the "
    "message says why the scan could not). Pass: yes, it holds; fail: it does not."
)


def test_r36t3_harness_each_condition_alone(host_scan) -> None:
    """Held: the EPT parameter unread alone is its question; a nested host with EPT on alone
    fails."""
    a = host_scan(NO_EPT)
    assert _host(a, "HVA-011") == ("manual", f"evidence unavailable: {NO_PARAMS}", EPT_Q)
    a = host_scan({"/proc/cpuinfo": NESTED_CPU})
    assert _host(a, "HVA-011") == (
        "fail",
        "EPT/NPT enabled in the KVM module, but the host is itself a virtual machine (CPU flag "
        "hypervisor): the outer hypervisor runs its nested page tables on shadow page tables, "
        "in software",
        None,
    )


def test_r36t3_hva011_yes_to_ept_passes_nested_host(host_scan, tmp_path) -> None:
    """R36T-3, the false pass: kvm_intel's ept parameter unread on a host whose /proc/cpuinfo
    has the hypervisor flag: main asked only whether EPT is enabled, and "yes" passed HVA-011
    on a host whose guests' page tables the outer hypervisor shadows. Now the fail."""
    a = host_scan({**NO_EPT, "/proc/cpuinfo": NESTED_CPU})
    assert _yes(a, "HVA-011", EPT_Q, tmp_path) == (
        "fail",
        "the host is itself a virtual machine (/proc/cpuinfo: the hypervisor flag, or a POWER "
        "platform other than PowerNV): the outer hypervisor runs its guests' translation "
        f"tables in software whatever the KVM module's EPT/NPT setting, which was not read "
        f"({NO_PARAMS})",
        None,
    )


def test_r36t4_harness_each_condition_alone(host_scan) -> None:
    """Held: the KVM modules unread alone are their question; a nested host whose kvm_intel
    drives /dev/kvm alone fails."""
    a = host_scan(NO_MODS)
    assert _host(a, "HVA-010") == (
        "manual",
        "evidence unavailable: /proc/modules could not be read",
        MODS_Q,
    )
    a = host_scan({"/proc/cpuinfo": NESTED_CPU})
    assert _host(a, "HVA-010") == (
        "fail",
        "kvm_intel drives /dev/kvm, but the host is itself a virtual machine (CPU flag "
        "hypervisor): its vmx is the outer hypervisor's nested virtualization, emulated in "
        "software, not the processor's",
        None,
    )


def test_r36t4_hva010_yes_to_modules_passes_nested_host(host_scan, tmp_path) -> None:
    """R36T-4, the false pass: /proc/modules and kvm_intel's parameters unread on a host whose
    /proc/cpuinfo has the hypervisor flag and /dev/kvm exists: main asked only whether
    kvm_intel or kvm_amd drives /dev/kvm, and "yes" passed HVA-010 on a host whose vmx the
    outer hypervisor emulates (a fail whichever module drives it). Now the fail."""
    a = host_scan({**NO_MODS, "/proc/cpuinfo": NESTED_CPU})
    assert _yes(a, "HVA-010", MODS_Q, tmp_path) == (
        "fail",
        "/dev/kvm is present, but the host is itself a virtual machine (/proc/cpuinfo: the "
        "hypervisor flag, or a POWER platform other than PowerNV): its vmx is the outer "
        "hypervisor's nested virtualization, emulated in software, not the processor's, "
        "whichever module drives /dev/kvm (/proc/modules could not be read)",
        None,
    )


# --- R36T-5: HVA-044, qemu.conf unread asked before what the daemon and the host enforce -----

#: the default-label question main asked of web01 (no <seclabel>) with qemu.conf unread
DEFAULT_LABEL_Q = (
    "Does libvirt on host hv1 start this VM with a dynamic SELinux or AppArmor label? Evidence: "
    "`virsh capabilities` on hv1 (its <secmodel> elements) and /etc/libvirt/qemu.conf there "
    "(security_driver, security_default_confined); `virsh dominfo` of the running VM shows its "
    "Security model and label. Pass: yes, selinux or apparmor is listed, security_driver is "
    "unset or names it, and security_default_confined is unset or 1; fail: only none is listed, "
    'security_driver = "none", or security_default_confined = 0.'
)
QEMU_CHANGED_HOST = QEMU_CHANGED.replace("evidence unavailable", "host evidence unavailable")


def _vm(a: Assessment, check: str, name: str = "web01") -> tuple[str, str, str | None]:
    status, message = verdict(a, check, name)
    return status, message, _items(a, check)[("vm", name)][1]


def test_r36t5_harness_each_condition_alone(host_scan) -> None:
    """Held: qemu.conf unread alone (AppArmor enforcing) is the default-label question; a
    permissive SELinux alone fails web01."""
    a = host_scan({"libvirt-conf-mtimes": _mtimes(AFTER, BEFORE)})
    assert _vm(a, "HVA-044") == (
        "manual",
        "no <seclabel>: the host's default security driver decides the confinement; "
        + QEMU_CHANGED_HOST,
        # R47T-2: it asks for the qemu.conf libvirtd read at its start (was the file now)
        DEFAULT_LABEL_Q.replace(" Pass: ", CHANGED_SINCE, 1),
    )
    assert _vm(_selinux(host_scan, changed=False), "HVA-044") == (
        "fail",
        "no <seclabel>: driver default, but SELinux is permissive: the label is applied but "
        "not enforced",
        None,
    )


def test_r36t5_hva044_yes_to_default_label_passes_permissive_selinux(host_scan, tmp_path) -> None:
    """R36T-5, the false pass: web01 without <seclabel>, qemu.conf unread, SELinux permissive:
    main asked only whether libvirt starts it with a dynamic label, and "yes" passed HVA-044
    for a VM whose label the kernel does not enforce. Now the fail."""
    a = _selinux(host_scan, changed=True)
    _attest_yes(a, "HVA-044", "vm", "web01", tmp_path, question=DEFAULT_LABEL_Q)
    assert _vm(a, "HVA-044") == (
        "fail",
        "no <seclabel>: driver default (qemu.conf not read), but SELinux is permissive: the "
        "label is applied but not enforced",
        None,
    )


def test_r36t5_hva044_yes_to_default_label_passes_no_mac_model(host_scan, tmp_path) -> None:
    """R36T-5, the same chain: the daemon reports secmodel none (capabilities, not qemu.conf)
    and qemu.conf is unread: "yes" passed HVA-044 for a VM nothing confines. Now the fail."""
    a = host_scan({"secmodel": "none", "libvirt-conf-mtimes": _mtimes(AFTER, BEFORE)})
    _attest_yes(a, "HVA-044", "vm", "web01", tmp_path, question=DEFAULT_LABEL_Q)
    assert _vm(a, "HVA-044") == (
        "fail",
        "no <seclabel> and the daemon reports no MAC security model: QEMU runs unconfined",
        None,
    )


# --- R36T-6: HVA-044, the host's enforcement asked before a static label's relabel='no' ------

#: a static sVirt label with relabel='no' (libvirt leaves the files' labels as they are, R9-9)
STATIC_NO_RELABEL = (
    "<seclabel type='static' model='selinux' relabel='no'>"
    "<label>system_u:system_r:svirt_t:s0:c1,c2</label></seclabel>"
)
STATIC_LABEL = "system_u:system_r:svirt_t:s0:c1,c2"
#: the enforcement question main asked of web01 on a simulated host (node file n.xml)
ENFORCED_Q = (
    "Does SELinux enforce domain type svirt_t on host n? Evidence: `getenforce` and `semanage "
    "permissive -l` on n. Pass: yes, Enforcing and svirt_t is not permissive; fail: Permissive "
    "or Disabled, or the type is listed as permissive, so the label confines nothing."
)


def _simulated(tmp_path: Path, body: str) -> Assessment:
    """web01 with `body` on the libvirt test driver's simulated host (no host evidence: its
    enforcement is not read), as a QEMU-driver daemon reports it."""
    from conftest import build_bundle, domain_xml, run_assessment, write_node

    uri = write_node(tmp_path / "n.xml", [domain_xml("web01", body=body)])
    return run_assessment(build_bundle(tmp_path, uri, None, qemu_driver=True))


def test_r36t6_hva044_yes_to_enforcement_passes_relabel_no(tmp_path: Path) -> None:
    """R36T-6, the false pass: a static SELinux label with relabel='no' on a host whose
    enforcement was not read (simulated): main asked only whether SELinux enforces svirt_t
    (the relabel question was never reached), and "yes" passed HVA-044 with disks whose
    labels nobody set. Now one item asks both."""
    a = _simulated(tmp_path, STATIC_NO_RELABEL)
    _attest_yes(a, "HVA-044", "vm", "web01", tmp_path, question=ENFORCED_Q)
    assert _vm(a, "HVA-044") == (
        "manual",
        f"static selinux label {STATIC_LABEL}: whether the host enforces it was not read; the "
        f"host is simulated (no host evidence); static selinux label {STATIC_LABEL} with "
        "relabel='no': libvirt leaves the labels of the VM's disks and devices as they are",
        "Does SELinux enforce domain type svirt_t on host n, and does every disk image and "
        "device of VM web01 on host n carry an SELinux label with exactly the MCS categories "
        "of its label (s0:c1,c2)? Evidence: `getenforce` and `semanage permissive -l` on n; `ls "
        "-Z` of each <source> path in `virsh dumpxml web01`. Pass: yes, Enforcing and svirt_t "
        "is not permissive, and each is svirt_image_t (or another image type) with those "
        "categories; fail: Permissive or Disabled, or the type is listed as permissive, so the "
        "label confines nothing, or any has none (s0 alone, open to every VM) or another VM's.",
    )


# --- R36T-7: HVA-044, a disk's kept label asked before a shareable disk's ---------------------

KEPT_DISK = (
    "<disk type='file' device='disk'><source file='/var/lib/libvirt/images/web01.qcow2'>"
    "<seclabel model='selinux' relabel='no'/></source><target dev='vda' bus='virtio'/></disk>"
)
SHARED_DISK = (
    "<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
    "<source file='/srv/shared.img'/><target dev='vdb' bus='virtio'/><shareable/></disk>"
)
#: an enforcing SELinux host, no domain type permissive
ENFORCING = {
    "secmodel": "selinux",
    "/sys/fs/selinux/enforce": "1\n",
    "selinux-permissive": ("", 0),
    "/etc/selinux/config": "SELINUX=enforcing\n",
}
DYNAMIC = "no <seclabel>: driver default, a dynamic selinux label, but "
KEPT_PART = (
    "disk(s) keep an SELinux label of their own (<seclabel> on the disk source): "
    "/var/lib/libvirt/images/web01.qcow2 relabel='no' (libvirt leaves its label as it is)"
)
#: the kept label's question main asked of web01 with both disks
KEPT_Q = (
    "Does each disk of VM web01 on host hv1 whose own <seclabel> overrides libvirt's labelling "
    "(/var/lib/libvirt/images/web01.qcow2) carry an SELinux label with the MCS categories of "
    "this VM alone? Evidence: `ls -Z PATH` for each on hv1, and the VM's label while it runs "
    "(`virsh dominfo web01`, Security label). Pass: yes, each carries exactly the VM's "
    "categories; fail: any carries s0 alone or categories another VM's label dominates, so "
    "that VM's QEMU may open the disk."
)
SHARED_PART = (
    "shareable disk(s) /srv/shared.img get libvirt's shared image label, with no MCS category: "
    "every VM's label dominates it, so any VM on the host may open them"
)
SHARED_Q = (
    "May every VM on host hv1 read and write the shareable disk(s) /srv/shared.img of VM "
    "web01? Evidence: `ls -Z PATH` on hv1 (svirt_image_t:s0, no MCS category: libvirt's label "
    "for <shareable/>) and `virsh list --all` on hv1 beside the VMs the disk's data is meant "
    "for. Pass: yes, every VM on the host may hold that data (or only the VMs sharing the disk "
    "run there); fail: a VM on the host must not read or write it."
)


def test_r36t7_harness_shared_disk_alone(host_scan) -> None:
    """Held: the shareable disk alone is R12-3's question."""
    from conftest import domain_xml

    a = host_scan(
        ENFORCING, domains=[domain_xml("web01", body=f"<devices>{SHARED_DISK}</devices>")]
    )
    assert _vm(a, "HVA-044") == ("manual", DYNAMIC + SHARED_PART, SHARED_Q)


def test_r36t7_hva044_yes_to_kept_label_passes_shared_disk(host_scan, tmp_path) -> None:
    """R36T-7, the false pass: a disk keeping its own label (relabel='no') beside a shareable
    disk: _kept_disk_labels returned its question before _shared_disk_labels', and "yes, the
    kept disk carries this VM's categories" passed HVA-044 with the shareable disk, which any
    VM on the host may open, never asked. Now one item asks both."""
    from conftest import domain_xml

    body = f"<devices>{KEPT_DISK}{SHARED_DISK}</devices>"
    a = host_scan(ENFORCING, domains=[domain_xml("web01", body=body)])
    _attest_yes(a, "HVA-044", "vm", "web01", tmp_path, question=KEPT_Q)
    assert _vm(a, "HVA-044") == (
        "manual",
        f"{DYNAMIC}{KEPT_PART}; and {SHARED_PART}",
        "Does each disk of VM web01 on host hv1 whose own <seclabel> overrides libvirt's "
        "labelling (/var/lib/libvirt/images/web01.qcow2) carry an SELinux label with the MCS "
        "categories of this VM alone, and may every VM on host hv1 read and write the "
        "shareable disk(s) /srv/shared.img of VM web01? Evidence: `ls -Z PATH` for each on "
        "hv1, and the VM's label while it runs (`virsh dominfo web01`, Security label); `ls "
        "-Z PATH` on hv1 (svirt_image_t:s0, no MCS category: libvirt's label for <shareable/>) "
        "and `virsh list --all` on hv1 beside the VMs the disk's data is meant for. Pass: yes, "
        "each carries exactly the VM's categories, and every VM on the host may hold that data "
        "(or only the VMs sharing the disk run there); fail: any carries s0 alone or categories "
        "another VM's label dominates, so that VM's QEMU may open the disk, or a VM on the host "
        "must not read or write it.",
    )


# --- R36T-8: HVA-044, a label libvirt does not give asked before the host's enforcement ------

FOREIGN_LABEL = "system_u:system_r:container_t:s0:c1,c2"
#: the foreign type's question main asked of web01 on a simulated host (node file n.xml)
FOREIGN_Q = (
    "Does container_t confine this VM's QEMU as sVirt does? Evidence: `seinfo -a virt_domain "
    "-x` on host n (the SELinux types of the virt_domain attribute, which the policy confines "
    "like svirt_t). Pass: yes, it is listed there; fail: it is not (e.g. virtd_t, the libvirt "
    "daemon's own domain, or a profile that allows every file)."
)


def test_r36t8_hva044_yes_to_foreign_type_passes_unread_enforcement(tmp_path: Path) -> None:
    """R36T-8, the false pass: a static label of type container_t (not sVirt's) on a host
    whose enforcement was not read (simulated): main asked only whether container_t confines
    QEMU as sVirt does and `continue`d, and "yes" passed HVA-044 with SELinux's enforcement
    of it never asked. Now one item asks both."""
    body = (
        f"<seclabel type='static' model='selinux' relabel='yes'><label>{FOREIGN_LABEL}</label>"
        "</seclabel>"
    )
    a = _simulated(tmp_path, body)
    _attest_yes(a, "HVA-044", "vm", "web01", tmp_path, question=FOREIGN_Q)
    label = f"static selinux label {FOREIGN_LABEL}"
    assert _vm(a, "HVA-044") == (
        "manual",
        f"{label}: container_t is not sVirt's domain type (svirt_t, svirt_tcg_t); {label}: "
        "whether the host enforces it was not read; the host is simulated (no host evidence)",
        "Does container_t confine this VM's QEMU as sVirt does, and does SELinux enforce "
        "domain type container_t on host n? Evidence: `seinfo -a virt_domain -x` on host n "
        "(the SELinux types of the virt_domain attribute, which the policy confines like "
        "svirt_t); `getenforce` and `semanage permissive -l` on n. Pass: yes, it is listed "
        "there, and Enforcing and container_t is not permissive; fail: it is not (e.g. "
        "virtd_t, the libvirt daemon's own domain, or a profile that allows every file), or "
        "Permissive or Disabled, or the type is listed as permissive, so the label confines "
        "nothing.",
    )


# --- R36T-9: HVA-011, the EPT parameter unread asked, whether the host is a VM never ---------


def test_r36t9_hva011_yes_to_ept_passes_unread_cpuinfo(host_scan, tmp_path) -> None:
    """R36T-9, the false pass: kvm_intel's ept parameter and /proc/cpuinfo both unread: main
    asked only whether EPT is enabled, and "yes" passed HVA-011 on a host that may itself be a
    VM, whose guests' page tables the outer hypervisor shadows (R36T-3's fail), never asked.
    Now one item asks both (the bare-metal question alone: test_r34_elif_hardening_probes)."""
    a = host_scan({**NO_EPT, "/proc/cpuinfo": None})
    _attest_yes(a, "HVA-011", "host", "hv1", tmp_path, question=EPT_Q)
    assert _host(a, "HVA-011") == (
        "manual",
        f"evidence unavailable: {NO_PARAMS}; whether the host is itself a virtual machine "
        "(whose nested page tables run on shadow paging) is not known: /proc/cpuinfo: no such "
        "file",
        "Does this hold for this host: EPT (Intel) or NPT (AMD) is enabled in the KVM module, "
        "and is host hv1 bare metal, not itself a virtual machine? Evidence: the setting, file "
        "or command output it names, read where it lives (the message says why the scan could "
        "not); `grep -cw hypervisor /proc/cpuinfo` and `systemd-detect-virt` on hv1. Pass: yes, "
        "it holds, and 0 and none; fail: it does not, or the hypervisor flag is set or a "
        "hypervisor is named.",
    )
