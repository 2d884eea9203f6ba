"""Twentieth red-team review, VM side, second team (rt20vm2): round 20's first VM team's leads
(tests/test_redteam20_vm_probes.py: the host-certificates smartcard's NSS database, mdev
host devices, VL16-5's wording for memory devices) and <features>, <vcpu>/<cputune>/<memtune>
edge values and XML oddities no earlier round probed.

Same harness as rounds 18 to 20 (tests/test_redteam19_vm_probes.py, the helpers of rounds 3,
13 and 15 it imports): libvirt's test driver serves the domains on conftest's replayed
SELinux host. Every fact a probe rests on was read with the `search` / `find_string` /
`read_file` tools and is cited in its docstring.

Findings (R20-n): R20-5 HVA-044 passed a VM with a host-certificates <smartcard> "dynamic
selinux label", though libvirt labels the card's NSS database directory (its <database>, else
the host's /etc/pki/nssdb) with the read-only content label at each start
(security_selinux.c virSecuritySELinuxSetSecuritySmartcardCallback), readable by every VM
(false pass; now R15-3's kind of question, naming the directory). R20-6 VL16-5's sentence
said "disk(s) ... are also other VMs' disks, without <shareable/>" and its question "Is each
disk ..." with `virsh domblklist` where the shared file is a memory device's backing file
(R20-1), firmware, a UEFI variable store, a direct-boot kernel, an option ROM or a fw_cfg file
(R19-4..R19-7) of some VM naming it (wording; now "file(s) ... are also files other VMs open
(as their <role>)", the question about each file with `virsh dumpxml`; the expectations of
tests/test_redteam19_vm_probes.py and tests/test_redteam20_vm_probes.py follow, ftail).

Held (kept as tests): a smartcard of mode 'host' (no database libvirt labels) keeps the pass;
two VMs opening one disk image keep VL16-5's disk sentence and question word for word.

Probed by script, not kept (the verdict was right): `<vcpu placement='auto' cpuset='2-3'>`:
libvirt drops the cpuset (the test driver's XMLDesc shows `<vcpu placement='auto'>`; numad
decides, formatdomain "CPU Allocation"), so HVA-090 sees no reservation, rightly; `<shares>+5`,
`<shares> 5 </shares>` and `<quota>0x100</quota>` are refused ("can't parse cputune shares
value"); `<hard_limit unit='P'>1</hard_limit>` and a soft_limit of 9007199254740991 KiB are
formatted in KiB, the unlimited one not at all (virMemoryLimitIsSet), so hvaudit, which reads
libvirt's own XMLDesc only, never sees the written units or spellings.

Tally: 6 probe cases (5 test functions): 4 pin R20-5 and R20-6, each failing on main before
its fix (R20-5 3, R20-6 1, a wording change); 2 held.

Leads left (not settled in the time): mdev host devices stay n/a in HVA-050 ("stay
host-mediated"). The kernel's mdev.h says of mdev_set_iommu_device "By default, the iommu
device is NULL, that indicates using vendor defined isolation": the in-tree types (i915
GVT-g, vfio-ccw, vfio-ap, the samples) pin and translate the guest's buffers in their parent
driver, but a parent that sets an IOMMU device relies on the IOMMU (Intel's out-of-tree idxd
Scalable IOV mdev: `mdev_set_iommu_device(dev, parent)` after enabling IOMMU_DEV_FEAT_AUX;
NVIDIA's vGPU driver where NV_MDEV_SET_IOMMU_DEVICE_PRESENT, its SR-IOV GPUs), all read with
`find_string`/`search`. Proposed verdict: where the host's IOMMU is not known active, one
question naming the mdev type (`readlink /sys/bus/mdev/devices/UUID/mdev_type`; pass: an
in-tree vendor-isolated type or an active IOMMU; fail: an IOMMU-backed type without one);
not implemented. <features> (hyperv passthrough, kvm hidden, pmu, ioapic, async-teardown)
and <cpu><feature policy='disable'> of spec-ctrl/ssbd/md-clear/arch-capabilities: no check
reads them (the parser does not read <features>; HVA-181 judges the host's mitigations), so
a guest kept from its own mitigations is unjudged: whether a recommendation owns it is open.
libvirt refuses a secure <loader> with <smm state='off'> ("Secure boot requires SMM feature
enabled", qemu_validate), not probed with the QEMU driver. shares=0 is kept by libvirt's
parser (the test driver's XMLDesc keeps `<shares>0</shares>`; the kernel clamps cpu.shares to
2 on cgroup v1, cgroup v2's cpu.weight refuses 0) and counts as HVA-090's priority: not
settled.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import build_bundle, domain_xml, run_assessment, write_node
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import verdict
from test_redteam13_vm_probes import DYNAMIC
from test_redteam18_vm_probes import _memdev
from test_redteam19_vm_probes import _file_disk

# --- R20-5: HVA-044, a host-certificates smartcard's NSS database ------------------------------

CARD = (
    "<devices><smartcard mode='host-certificates'><certificate>c1</certificate>"
    "<certificate>c2</certificate><certificate>c3</certificate>{db}</smartcard></devices>"
)
FWCFG = (
    "<sysinfo type='fwcfg'><entry name='opt/com.coreos/config' "
    "file='/var/lib/libvirt/images/ign.json'/></sysinfo>"
)
LABEL = "dynamic selinux label (generated at every start)"
CONTENT = (
    "get libvirt's read-only content label, with no MCS category: every VM's label dominates "
    "it, so any VM on the host may read them"
)


@pytest.fixture(scope="module")
def cards(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    from test_redteam_probes import SELINUX_HOST

    tmp: Path = tmp_path_factory.mktemp("rt20sc")
    doms = {
        "scdef": DYNAMIC + CARD.format(db=""),
        "scown": DYNAMIC + CARD.format(db="<database>/var/lib/libvirt/nss/scown</database>"),
        "scfw": DYNAMIC + FWCFG + CARD.format(db=""),
        "schost": DYNAMIC + "<devices><smartcard mode='host'/></devices>",
    }
    uri = write_node(tmp / "n.xml", [domain_xml(k, body=v) for k, v in doms.items()])
    return run_assessment(build_bundle(tmp, uri, SELINUX_HOST, name="b"))


def _question(a: Assessment, check: str, vm: str) -> str | None:
    return next(
        r.outcome.question
        for r in a.results
        if r.check.id == check and r.outcome.subject.name == vm
    )


@pytest.mark.parametrize(
    ("vm", "db"), [("scdef", "/etc/pki/nssdb"), ("scown", "/var/lib/libvirt/nss/scown")]
)
def test_host_certificates_smartcard_database_is_a_question(
    cards: Assessment, vm: str, db: str
) -> None:
    """R20-5 (false pass; round 20's lead). `<smartcard mode='host-certificates'>` has QEMU's
    emulated card (libcacard) read its three certificates, and the private keys it signs with,
    from an NSS database directory of the host: the card's <database>, else /etc/pki/nssdb,
    the host's system-wide one (domain_conf.h: `#define VIR_DOMAIN_SMARTCARD_DEFAULT_DATABASE
    "/etc/pki/nssdb"`; the test driver keeps the definition without a <database>). libvirt
    labels that directory at each start with the read-only content label:
    security_selinux.c virSecuritySELinuxSetSecuritySmartcardCallback, `case
    VIR_DOMAIN_SMARTCARD_TYPE_HOST_CERTIFICATES: database = dev->data.cert.database; if
    (!database) database = VIR_DOMAIN_SMARTCARD_DEFAULT_DATABASE; return
    virSecuritySELinuxSetFilecon(mgr, database, data->content_context, true);` (read with
    `find_string`), virt_content_t:s0 with no MCS category, which every VM's label dominates,
    as for R15-3's fw_cfg files. HVA-044 passed "dynamic selinux label"; now the question,
    naming the directory."""
    assert verdict(cards, "HVA-044", vm) == (
        "manual",
        f"{LABEL}, but the NSS database(s) {db} of its host-certificates smartcard {CONTENT}",
    )
    assert _question(cards, "HVA-044", vm) == (
        f"May every VM on host hv1 read the NSS database(s) {db} that VM {vm}'s "
        "host-certificates smartcard reads? Evidence: `ls -Zd DIR` and `ls -Z DIR` on hv1 (the "
        "directory is virt_content_t:s0 once the VM has started) and `certutil -K -d sql:DIR` "
        "(the private keys it holds). Pass: yes, a directory kept for this VM's card alone, "
        "holding nothing another VM must not read; fail: it holds keys another VM must not "
        "read, or it is the host's shared /etc/pki/nssdb (the default where the card names no "
        "<database>), which host services use."
    )


def test_smartcard_database_beside_a_fw_cfg_file_is_named_too(cards: Assessment) -> None:
    """R20-5 (false pass): a VM with a fw_cfg file (R15-3's question) and a host-certificates
    smartcard was asked about the fw_cfg file alone; both are named now, each question asked."""
    assert verdict(cards, "HVA-044", "scfw") == (
        "manual",
        f"{LABEL}, but fw_cfg file(s) /var/lib/libvirt/images/ign.json (<sysinfo "
        f"type='fwcfg'>) {CONTENT}; and the NSS database(s) /etc/pki/nssdb of its "
        f"host-certificates smartcard {CONTENT}",
    )
    q = _question(cards, "HVA-044", "scfw") or ""
    assert q.startswith("May every VM on host hv1 read the file(s) /var/lib/libvirt/images/")
    assert " May every VM on host hv1 read the NSS database(s) /etc/pki/nssdb that VM scfw's" in q


def test_host_smartcard_keeps_the_pass(cards: Assessment) -> None:
    """R20-5 held: a smartcard of mode 'host' hands QEMU the host's card reader through NSS
    without a database libvirt labels (virSecuritySELinuxSetSecuritySmartcardCallback: `case
    VIR_DOMAIN_SMARTCARD_TYPE_HOST: break;`)."""
    assert verdict(cards, "HVA-044", "schost") == ("pass", LABEL)


# --- R20-6: HVA-044, VL16-5's sentence names files that are no disks ---------------------------

IMAGES = "/var/lib/libvirt/images"


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    from test_redteam_probes import SELINUX_HOST

    tmp: Path = tmp_path_factory.mktemp("rt20tw")
    doms = {
        "m1": _memdev("virtio-pmem", f"{IMAGES}/pm.img"),
        "m2": _memdev("virtio-pmem", f"{IMAGES}/pm.img"),
        "d1": _file_disk(f"{IMAGES}/app.img"),
        "d2": _file_disk(f"{IMAGES}/app.img"),
    }
    uri = write_node(tmp / "n.xml", [domain_xml(k, body=DYNAMIC + v) for k, v in doms.items()])
    return run_assessment(build_bundle(tmp, uri, SELINUX_HOST, name="b"))


def test_shared_memory_device_file_is_named_as_a_file(twins: Assessment) -> None:
    """R20-6 (wording; round 20's lead). VMs m1 and m2 map one file with their virtio-pmem
    devices (R20-1: libvirt labels a memory device's backing file for its VM at each start,
    security_selinux.c virSecuritySELinuxSetMemoryLabel). VL16-5's sentence said "disk(s)
    ... are also other VMs' disks, without <shareable/>: libvirt labels a disk for each VM",
    and its question asked about "each disk" with `virsh domblklist`, which lists no memory
    device: neither VM has the file as a disk. Where a VM naming the file has it as no disk
    (a memory device's backing file, firmware, a UEFI variable store, a direct-boot kernel,
    an option ROM or fw_cfg file), the sentence names file(s), says what the file is to the
    other VMs, and the question asks about each file with `virsh dumpxml`."""
    listed = f"{IMAGES}/pm.img (its memory device's backing file, mapped shared) (VM(s) m2)"
    assert verdict(twins, "HVA-044", "m1") == (
        "manual",
        f"{LABEL}; but file(s) {listed} are also files other VMs open (as their memory "
        "device's backing file): libvirt labels such a file for each VM that starts with it, "
        "so each of their guests reads and writes what the other wrote",
    )
    assert _question(twins, "HVA-044", "m1") == (
        f"Is each file VM m1 shares with another VM on host hv1 ({listed}) meant for both? "
        "Evidence: `virsh dumpxml` of each VM named, and the purpose of the second definition "
        "(a rescue or standby VM, a clone not yet given its own copy). Pass: yes, a "
        "documented standby or rescue definition whose guest may read and write this VM's "
        "data; fail: no, so that VM's guest reads and writes this VM's file whenever it runs."
    )


def test_two_vms_sharing_a_disk_keep_the_disk_wording(twins: Assessment) -> None:
    """R20-6 held: two VMs opening one disk image keep VL16-5's sentence and question word for
    word (tests/test_vm_leads16.py)."""
    assert verdict(twins, "HVA-044", "d1") == (
        "manual",
        f"{LABEL}; but disk(s) {IMAGES}/app.img (VM(s) d2) are also other VMs' disks, without "
        "<shareable/>: libvirt labels a disk for each VM that starts with it, so each of their "
        "guests reads and writes what the other wrote",
    )
    q = _question(twins, "HVA-044", "d1") or ""
    assert q.startswith("Is each disk VM d1 shares with another VM on host hv1")
    assert "Evidence: `virsh domblklist` of each VM named" in q
