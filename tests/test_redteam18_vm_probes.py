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
disks only; now both fail "inter-VM shared memory", naming the other VM).

Held (kept as tests): a private nvdimm mapping of another VM's read-only disk (an ISO) and a
VM whose memory device maps its own disk keep their pass (R18-1's edges).
"""

from __future__ import annotations

import pytest

from hvaudit.engine import Assessment
from test_redteam3_vm_probes import verdict
from test_redteam10_vm_probes import _scan, q35

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
