"""Eighteenth red-team review, VM side (rt18vm): definition elements no earlier round probed.

Same harness as round 17 (tests/test_redteam17_vm_probes.py and the helpers of rounds 3 and 10
it imports): libvirt's test driver serves the domains on conftest's replayed hardened host.
Every fact a probe rests on was read with the `search` / `find_string` / `read_file` tools and
is cited in its docstring. None repeats a probe of the seventeen earlier rounds.

Findings (R18-n): R18-1 HVA-057 passed "no <shmem> device" for a VM whose nvdimm or
virtio-pmem <memory> device maps another VM's disk image as its memory, and for the VM whose
disk it is: QEMU maps the file into the guest (virtio-pmem is shared by libvirt's default),
libvirt opens it for the mapper at each start, so the mapper's guest reads (and writes) the
other VM's disk (false pass; HVA-057 compared memory mappings only, VL16-5/R17-1 in HVA-044
disks only; now both fail "inter-VM shared memory", naming the other VM). R18-2 HVA-044 passed
an SELinux-confined running VM whose live definition marks a disk <seclabel model='selinux'
labelskip='yes'/>: libvirt could not label the file (NFS, a file system without labels, a
read-only mount) and went on, so the file keeps its file system's label (nfs_t:s0, open to
every VM through virt_use_nfs), not the VM's categories (false pass: the parser read it as a
relabel='yes' seclabel; now R11-1's question, naming labelskip).

Held (kept as tests): a private nvdimm mapping of another VM's read-only disk (an ISO) and a
VM whose memory device maps its own disk keep their pass (R18-1's edges); a running VM's disk without a seclabel of its own
beside the labelskip VM keeps its pass (R18-2's edge).
Probed by script, not kept (the verdict was right): HVA-031 for a USB <redirdev type='tcp'>
connecting to a remote host and a <smartcard mode='passthrough' type='tcp'> bound to 0.0.0.0
(both fail without chardev_tls); HVA-058 for accessmode='squash' (fail, as passthrough) and an
externally started virtiofsd (<source socket>, the question); HVA-070 for a hard_limit above
the host's memory (fail); HVA-092 for <iotune> rates of 0 and a burst-only
total_bytes_sec_max (fail), an <inbound floor> beside an <outbound average> (pass on the
outbound limit); HVA-047 for sb16, ac97, es1370, ich9, USB sound, pcspk, a host smartcard and
a pcnet NIC (fail), e1000 (pass); two virtio-pmem devices on one file (fail: libvirt 9.0's
test driver writes access='shared' for virtio-pmem, virDomainMemoryDefPostParse).

Tally: 8 probe cases (3 test functions). 5 pin R18-1 and R18-2 (each failed on main before
its fix: R18-1 4, R18-2 1, whose test also holds a plain disk's pass); 3 held.

Leads left (not settled in the time): a virtiofs share with <idmap> (libvirt 10.x) is asked
the nosuid/nodev question, though an id-mapped virtiofsd may make the guest's set-uid files
harmless (whether libvirt runs virtiofsd unprivileged there was not read: a possible wrong
question, not a fail). HVA-064 fails `/usr/bin//qemu-system-x86_64` as "not a distribution
path" (a spelling of the packaged binary; same_file would settle it; a wrong fail no real
definition was seen to have). A running VM's <disk><mirror> (a block copy job) writes into its
destination file, which HVA-044's VL16-5 comparison and R18-1 do not count as a disk of the
VM. R18-1 counts file, block and dir/fs/netfs-pool volume disks and backing layers, not a
memory device on a pool volume's block device of another VM. HVA-047 passes ib700 watchdogs,
an ISA <panic>, piix3-uhci controllers and lsilogic/lsisas1068/vmpvscsi SCSI controllers
(legacy emulation with CVE history, e.g. lsi53c895a; whether the check's list should grow is
a judgement not made here). HVA-092 passes an <iotune> of rates no device reaches (1 PB/s):
no threshold was read that says a rate limits nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import domain_xml, run_assessment
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import verdict
from test_redteam10_vm_probes import _replayed_on, _scan, q35

IMAGES = "/var/lib/libvirt/images"

# --- R18-1: HVA-057, a memory device backed by another VM's disk image ------------------------


def _memdev(model: str, path: str, access: str = "") -> str:
    """A memory device of `model` backed by `path` (formatdomain "Memory devices": an nvdimm
    needs a guest NUMA node and its <target><node>, a virtio-pmem does not)."""
    node = "<node>0</node>" if model == "nvdimm" else ""
    return (
        "<maxMemory slots='4' unit='GiB'>8</maxMemory><cpu><numa><cell id='0' cpus='0' "
        "memory='1' unit='GiB'/></numa></cpu>"
        f"<devices><memory model='{model}'{f' access={access!r}' if access else ''}><source>"
        f"<path>{path}</path></source><target><size unit='KiB'>524288</size>{node}</target>"
        "</memory></devices>"
    )


def _disk(path: str, extra: str = "", device: str = "disk") -> str:
    return (
        f"<devices><disk type='file' device='{device}'><driver name='qemu' type='raw'/>"
        f"<source file='{path}'/><target dev='{'sda' if device == 'cdrom' else 'vda'}' "
        f"bus='{'sata' if device == 'cdrom' else 'virtio'}'/>{extra}</disk></devices>"
    )


@pytest.fixture(scope="module")
def memdisks(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    return _scan(
        tmp_path_factory.mktemp("rt18mem"),
        [
            q35("pmem", _memdev("virtio-pmem", f"{IMAGES}/victim.img")),
            q35("victim", _disk(f"{IMAGES}/victim.img")),
            q35("nvpriv", _memdev("nvdimm", f"{IMAGES}/db.img", "private")),
            q35("db", _disk(f"{IMAGES}/db.img")),
            q35("nviso", _memdev("nvdimm", f"{IMAGES}/tools.iso", "private")),
            q35("isouser", _disk(f"{IMAGES}/tools.iso", device="cdrom")),
            q35(
                "selfmap",
                _memdev("virtio-pmem", f"{IMAGES}/self.img").replace(
                    "</devices>", _disk(f"{IMAGES}/self.img")[len("<devices>") :]
                ),
            ),
        ],
    )


@pytest.mark.parametrize(
    ("vm", "msg"),
    [
        (
            "pmem",
            f"{IMAGES}/victim.img (the disk image of VM(s) victim, whose data this VM reads "
            "and writes)",
        ),
        (
            "victim",
            f"disk image {IMAGES}/victim.img (mapped as memory by VM(s) pmem, which read and "
            "write its data)",
        ),
        ("nvpriv", f"{IMAGES}/db.img (the disk image of VM(s) db, whose data this VM reads)"),
        (
            "db",
            f"disk image {IMAGES}/db.img (mapped as memory by VM(s) nvpriv, which read its data)",
        ),
    ],
)
def test_memory_device_backed_by_another_vms_disk_fails(
    memdisks: Assessment, vm: str, msg: str
) -> None:
    """R18-1 (false pass). VM pmem's <memory model='virtio-pmem'> is backed by VM victim's disk
    image, VM nvpriv's nvdimm (access='private') by VM db's. QEMU maps a memory device's
    <source><path> into the guest as its storage ("a virtio pmem pci device whose storage is
    provided by above memory backend device", QEMU docs/system/devices/virtio-pmem.rst, read
    with `search`); libvirt maps a virtio-pmem shared by default (domain_postparse.c
    virDomainMemoryDefPostParse: "Virtio-pmem mandates shared access so that guest writes get
    reflected in the underlying file", read with `find_string`) and opens the file for the VM
    at each start (virt-aa-helper: `vah_add_file(&buf, mem->source.virtio_pmem.path, "rw")`,
    the nvdimm path likewise; virSecuritySELinuxSetMemoryLabel labels it with the VM's image
    label). So the mapper's guest reads the other VM's disk, and with a shared map writes into
    it; a private map still reads every page it has not written (mmap(2), as HVA-057's own
    rule for a private beside a shared mapping). All four passed "no <shmem> device": HVA-057
    compared memory mappings only, HVA-044 (VL16-5, R17-1) disks only. Now each fails
    "inter-VM shared memory", naming the other VM."""
    assert verdict(memdisks, "HVA-057", vm) == ("fail", f"inter-VM shared memory: {msg}")


@pytest.mark.parametrize("vm", ["nviso", "isouser", "selfmap"])
def test_private_map_of_a_read_only_disk_and_a_vms_own_disk_keep_the_pass(
    memdisks: Assessment, vm: str
) -> None:
    """R18-1 held: a private nvdimm map of another VM's CD-ROM image writes nothing into it and
    reads nothing that VM writes (neither writes the file), and a VM whose virtio-pmem maps its
    own disk shares it with no other VM."""
    assert verdict(memdisks, "HVA-057", vm) == ("pass", "no <shmem> device")


# --- R18-2: HVA-044, a disk libvirt could not label (labelskip='yes') --------------------------


def _live_disk(name: str, path: str, seclabel: str) -> str:
    """A running VM's live definition (id=) with a dynamic SELinux label and one disk whose
    <source> carries `seclabel`, as libvirt's QEMU driver reports it."""
    return domain_xml(
        name,
        body="<seclabel type='dynamic' model='selinux' relabel='yes'>"
        "<label>system_u:system_r:svirt_t:s0:c10,c20</label>"
        "<imagelabel>system_u:object_r:svirt_image_t:s0:c10,c20</imagelabel></seclabel>"
        "<devices><disk type='file' device='disk'><driver name='qemu' type='raw'/>"
        f"<source file='{path}'>{seclabel}</source><target dev='vda' bus='virtio'/></disk>"
        "</devices>",
    ).replace("<domain type='kvm'>", "<domain type='kvm' id='7'>")


def test_disk_libvirt_could_not_label_is_a_question(tmp_path: Path) -> None:
    """R18-2 (false pass). When setfilecon fails with EOPNOTSUPP, ENOTSUP or EROFS (an NFS
    mount, a file system without SELinux labels, a read-only mount), libvirt's
    security_selinux.c virSecuritySELinuxSetFileconImpl goes on ("just ignore it & hope for
    the best. The user hopefully sets one of the necessary SELinux virt_use_{nfs,usb,pci}
    boolean tunables to allow it") and virSecuritySELinuxSetImageLabelInternal records that on
    the disk source ("If we failed to set a label, but virt_use_nfs let us proceed anyway ...
    disk_seclabel->labelskip = true"; read with `find_string`): the live XML shows <seclabel
    model='selinux' labelskip='yes'/> (oVirt/vdsm's NFS disks under /rhev/data-center, read
    with `find_string`). The file then keeps its file system's label (nfs_t:s0 on NFS, which
    virt_use_nfs opens to every VM), not the VM's MCS categories, yet HVA-044 passed
    "dynamic selinux label": the parser took the seclabel for a relabel='yes' one. libvirt's
    test driver drops labelskip, so the VM is replayed as the QEMU driver reports it. Now R11-1's
    question, naming why libvirt left the label."""
    from test_redteam_probes import SELINUX_HOST

    a = run_assessment(
        _replayed_on(
            tmp_path,
            SELINUX_HOST,
            {
                "nfsvm": _live_disk(
                    "nfsvm", "/rhev/data/img.raw", "<seclabel model='selinux' labelskip='yes'/>"
                ),
                "localvm": _live_disk("localvm", f"{IMAGES}/local.raw", ""),
            },
        )
    )
    status, msg = verdict(a, "HVA-044", "nfsvm")
    assert status == "manual"
    assert msg.endswith(
        "but disk(s) keep an SELinux label of their own (<seclabel> on the disk source): "
        "/rhev/data/img.raw labelskip='yes' (libvirt could not label it: its file system, such "
        "as NFS, takes no SELinux label, so it keeps the file system's)"
    )
    assert verdict(a, "HVA-044", "localvm")[0] == "pass"
