"""Session 16 VM leads (leads16-vm): what the round-15 VM red team left
(tests/test_redteam15_vm_probes.py's "Leads left").

Findings (VL16-n) are in each test's docstring; the tally and what is left open close this
docstring.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HARDENED_HOST, domain_xml, run_assessment
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import verdict
from test_redteam10_vm_probes import _raw_cpu_domain, _replayed_on, _scan

# --- VL16-1: HVA-070, locked memory in a memfd or file the balloon's reporting punches --------

MEMTUNE = (
    "<memtune><hard_limit unit='MiB'>2048</hard_limit><soft_limit unit='MiB'>1024</soft_limit>"
    "</memtune>"
)
REPORTING = "<devices><memballoon model='virtio' freePageReporting='{}'/></devices>"


def _locked(backing: str, reporting: str = "on", numa: str = "") -> str:
    return f"{MEMTUNE}<memoryBacking>{backing}<locked/></memoryBacking>{numa}" + REPORTING.format(
        reporting
    )


CELL = "<cpu><numa><cell id='0' cpus='0' memory='1' unit='GiB' memAccess='shared'/></numa></cpu>"


@pytest.fixture(scope="module")
def locked(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    return _scan(
        tmp_path_factory.mktemp("vl16lock"),
        [
            domain_xml("lkmemfd", body=_locked("<source type='memfd'/><access mode='shared'/>")),
            domain_xml("lkfile", body=_locked("<source type='file'/>")),
            domain_xml("lkshared", body=_locked("<access mode='shared'/>")),
            domain_xml("lkcell", body=_locked("", numa=CELL)),
            domain_xml("lkanon", body=_locked("")),
            domain_xml("lkanon2", body=_locked("<source type='anonymous'/>")),
            domain_xml("lkoff", body=_locked("<source type='memfd'/>", "off")),
        ],
    )


LIMITS = "memtune hard_limit 2097152 KiB; memtune soft_limit 1048576 KiB; configured size 1.0 GiB"


@pytest.mark.parametrize(
    ("vm", "how"),
    [
        ("lkmemfd", "<source type='memfd'/>"),
        ("lkfile", "<source type='file'/>"),
        ("lkshared", "<access mode='shared'/>"),
        ("lkcell", "a NUMA <cell memAccess='shared'>"),
    ],
)
def test_locked_memory_in_a_file_the_guest_reports_free_is_no_guarantee(
    locked: Assessment, vm: str, how: str
) -> None:
    """VL16-1 (false pass; round 15's lead). <locked/> makes QEMU lock the guest's memory, and
    HVA-070 took it as the guarantee ("guest memory locked in host RAM") beside a virtio
    balloon with freePageReporting='on'. For anonymous memory that holds: QEMU discards a
    reported range with madvise(MADV_DONTNEED), which fails with EINVAL on locked pages
    (madvise(2); mm/madvise.c madvise_dontneed_free_valid_vma `forbidden |= VM_LOCKED`). But
    ram_block_discard_range punches a file-backed block out of its file first
    (`need_fallocate = rb->fd != -1`; `fallocate(rb->fd, FALLOC_FL_PUNCH_HOLE |
    FALLOC_FL_KEEP_SIZE, ...)`), and "hole punching forcibly unmaps the deleted pages from
    userspace ... Mlocked pages can be munlocked and deleted in this way"
    (Documentation/mm/unevictable-lru.rst): the page goes back to the host, locked or not.
    libvirt's qemuBuildMemoryBackendProps (qemu_command.c) gives memory-backend-memfd for
    <source type='memfd'/> and memory-backend-file (a file in memory_backing_dir) for <source
    type='file'/>, for any <access mode> and for a NUMA cell's memAccess; all read with
    `find_string` / `read_file`."""
    assert verdict(locked, "HVA-070", vm) == (
        "fail",
        f"no memory guarantee ({LIMITS}): the memory is locked, but <memballoon "
        "freePageReporting='on'>: QEMU gives every free page the guest reports back to the "
        f"host, and with {how} the memory is a file QEMU punches each such page out of, which "
        "frees it locked or not",
    )


@pytest.mark.parametrize("vm", ["lkanon", "lkanon2", "lkoff"])
def test_locked_anonymous_memory_or_no_reporting_keeps_the_pass(
    locked: Assessment, vm: str
) -> None:
    """Holds: locked anonymous memory (the default backing, or <source type='anonymous'/>
    without an access mode: memory-backend-ram), which madvise cannot discard, and a memfd
    backing with free page reporting off."""
    assert verdict(locked, "HVA-070", vm) == (
        "pass",
        f"guest memory locked in host RAM; {LIMITS}",
    )


# --- VL16-6: HVA-050, the wording for a vDPA interface ------------------------------------------

VDPA = (
    "<devices><interface type='vdpa'><mac address='52:54:00:16:00:06'/>"
    "<source dev='/dev/vhost-vdpa-0'/></interface></devices>"
)
MEDIATED = (
    "do DMA into the guest's memory, but only through the mappings QEMU sets in vhost-vdpa "
    "(its IOTLB), on an IOMMU domain of its own or by the parent's driver: not passed through"
)


def test_vdpa_interface_is_named_not_called_no_passthrough(tmp_path: Path) -> None:
    """VL16-6 (wording; round 15's lead). HVA-050 said "no device passthrough" for a VM whose
    `<interface type='vdpa'>` (libvirt opens it as `-netdev vhost-vdpa`, R12-2) puts a hardware
    data path in the guest: the vDPA device DMAs into the guest's memory. The n/a stands, since
    the guest never sets a DMA address: vhost-vdpa maps only the ranges QEMU gives it
    (VHOST_IOTLB_UPDATE, "IOTLB API is mandated for vhost-vDPA"), and vhost_vdpa_alloc_domain
    (drivers/vhost/vdpa.c) attaches a platform-DMA device to an IOMMU domain of its own,
    returning -ENOTSUPP without an IOMMU ("Failed to allocate domain, device is not IOMMU cache
    coherent capable"), unless the parent driver maps itself (set_map, dma_map); read with
    `find_string`. The message now names the device and why it is no passthrough."""
    a = _scan(tmp_path, [domain_xml("vdpa1", body=VDPA)])
    assert verdict(a, "HVA-050", "vdpa1") == (
        "not_applicable",
        f"no DMA-capable (PCI) passthrough; vDPA device(s) /dev/vhost-vdpa-0 {MEDIATED}",
    )


def test_raw_vhost_vdpa_backend_is_named_too(tmp_path: Path) -> None:
    """VL16-6 for raw arguments: `-netdev vhost-vdpa,vhostdev=...` (hvaudit.parse.qemu_args.
    raw_nics) is the same backend."""
    raw = "vhost-vdpa,id=n1,vhostdev=/dev/vhost-vdpa-1"
    domains = {"rvdpa": _raw_cpu_domain("rvdpa", "", "-netdev", raw)}
    a = run_assessment(_replayed_on(tmp_path, HARDENED_HOST, domains))
    assert verdict(a, "HVA-050", "rvdpa") == (
        "not_applicable",
        f"no DMA-capable (PCI) passthrough; vDPA device(s) QEMU argument -netdev {raw} {MEDIATED}",
    )


def test_vm_without_devices_keeps_no_device_passthrough(tmp_path: Path) -> None:
    """Holds: a VM with a plain bridge interface keeps "no device passthrough"."""
    body = "<devices><interface type='bridge'><source bridge='br0'/></interface></devices>"
    a = _scan(tmp_path, [domain_xml("plain", body=body)])
    assert verdict(a, "HVA-050", "plain") == ("not_applicable", "no device passthrough")
