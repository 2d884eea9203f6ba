"""Twenty-fourth red-team review: resource starvation, storage a VM reaches past its disks (rt24res).

Harness: libvirt's test driver serves the domains on conftest's replayed hardened host; the real
collector, bundle, parser and engine judge them. Every fact a verdict rests on was read with the
`search` / `find_string` / `read_file` tools and is cited here or in the code.

Findings (R24R-n):
- R24R-1 (false pass, not applicable for a subject that exists) HVA-092: a host SCSI device
  given to the VM (`<hostdev mode='subsystem' type='scsi'>`, a host adapter's LUN or an iSCSI
  LUN; `<hostdev type='scsi_host'>`, vhost-scsi) was not looked at: a VM whose one disk had
  <iotune> passed "1 disk(s) rate-limited" while it could saturate a shared SAN LUN, and a VM
  with only such a device was "no disks and no interfaces libvirt can limit" (not applicable).
  <iotune> is a child of <disk> only (formatdomain, "Hard drives, floppy disks, CDROMs"); libvirt
  hands QEMU the device's SCSI generic node (qemu_process.c qemuProcessPrepareHostHostdev:
  `src->path = g_strdup_printf("/dev/%s", devstr)` from virSCSIDeviceGetSgName) behind a
  scsi-generic device, whose commands are SG_IO ioctls that neither QEMU's throttling nor the
  kernel's block throttle sees (R8-5, R8-12); vhost-scsi is served by the kernel's target
  outside QEMU. Now a SCSI host device fails HVA-092 (named), and a vhost-scsi device fails, or
  is asked where the VM has a <blkiotune> throttle that might sit under its LIO backing store.
- R24R-2 (false pass, not applicable for a subject that exists) HVA-092: a directory shared
  with the guest (<filesystem type='mount'>: virtio-9p, served by QEMU's fsdev, or virtiofs,
  served by virtiofsd) was not looked at, though the guest reads and writes host storage through
  it with no rate limit: libvirt's qemuBuildFSDevStr (qemu_command.c, read with `find_string`)
  writes the fsdev's driver, security_model, writeout, id, path and readonly, never QEMU's fsdev
  throttling.* options, and <filesystem> has no <iotune>. A VM with a rate-limited disk and a
  9p share passed; a VM with a virtiofs share alone was not applicable. Now each share fails
  HVA-092 (named), or is asked where the VM has a <blkiotune> throttle.

Held (kept as tests): the same VM without the host device still passes HVA-092; a PCI host
device (a whole function given to the VM) is not judged as storage.

Probed by script, not kept (the verdict was right or the input is not one libvirt writes):
<memtune>/<memory> units other than KiB (virDomainGetXMLDesc always formats KiB), cputune quota
-1 / 17592186044415 / >= period (no limit), global_quota against <vcpu current>, cpuset '^'
exclusions, persistent definitions with more memory or vCPUs (judged through the next-start
worlds, engine._next_worlds).

Leads left (not settled in the time):
- <blkiotune> write throttles of a disk with a host page cache (cache='writeback', QEMU's
  default): on cgroup v1 buffered writeback is charged to the flusher, not the VM's blkio
  cgroup, so the write limit may not hold; not confirmed from the kernel docs in the time.
- A VM's CPU reservation is judged against other VMs only; host processes and <vcpu
  placement='auto'> (numad overrides cpuset) were not walked.

Tally: 6 cases in 3 test functions; 5 failed before the fixes (R24R-1: 3 on main 899d9cc,
sanlun and vhostscsi passed, onlylun was not applicable; R24R-2: 2 on main 35b1e83); the held
case passed before and after.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HARDENED_HOST, build_bundle, domain_xml, run_assessment, write_node
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import verdict

LIMITED_DISK = (
    "<disk type='file' device='disk'><source file='/var/lib/libvirt/images/{n}.qcow2'/>"
    "<target dev='vda' bus='virtio'/><iotune><total_bytes_sec>10000000</total_bytes_sec>"
    "<total_iops_sec>1000</total_iops_sec></iotune></disk>"
)
SCSI_HOSTDEV = (
    "<controller type='scsi' index='0' model='virtio-scsi'/>"
    "<hostdev mode='subsystem' type='scsi'><source><adapter name='scsi_host2'/>"
    "<address bus='0' target='0' unit='1'/></source><address type='drive' controller='0' "
    "bus='0' target='0' unit='1'/></hostdev>"
)
VHOST_SCSI = (
    "<hostdev mode='subsystem' type='scsi_host'><source protocol='vhost' "
    "wwpn='naa.5001405df3e54061'/></hostdev>"
)
SHARE_9P = (
    "<filesystem type='mount' accessmode='mapped'><source dir='/srv/exports/data'/>"
    "<target dir='data'/></filesystem>"
)
VIRTIOFS = (
    "<filesystem type='mount' accessmode='passthrough'><driver type='virtiofs'/>"
    "<source dir='/srv/exports/fs'/><target dir='fs'/></filesystem>"
)
PCI_HOSTDEV = (
    "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' "
    "bus='0x05' slot='0x00' function='0x0'/></source></hostdev>"
)


def _vm(name: str, devices: str) -> str:
    return domain_xml(name, body=f"<devices>{devices}</devices>")


@pytest.fixture(scope="module")
def res(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp: Path = tmp_path_factory.mktemp("rt24res")
    doms = [
        _vm("sanlun", LIMITED_DISK.format(n="sanlun") + SCSI_HOSTDEV),
        _vm("onlylun", SCSI_HOSTDEV),
        _vm("vhostscsi", LIMITED_DISK.format(n="vhostscsi") + VHOST_SCSI),
        _vm("plain", LIMITED_DISK.format(n="plain")),
        _vm("gpu", LIMITED_DISK.format(n="gpu") + PCI_HOSTDEV),
        _vm("share9p", LIMITED_DISK.format(n="share9p") + SHARE_9P),
        _vm("onlyfs", VIRTIOFS),
    ]
    uri = write_node(tmp / "n.xml", doms)
    return run_assessment(build_bundle(tmp, uri, dict(HARDENED_HOST), name="b"))


# --- R24R-1: HVA-092, a host SCSI device is storage no throttle sees ---------------------------


@pytest.mark.parametrize(
    ("vm", "what"),
    [
        ("sanlun", "host SCSI device"),
        ("onlylun", "host SCSI device"),
        ("vhostscsi", "vhost-scsi device naa.5001405df3e54061"),
    ],
)
def test_scsi_host_device_is_not_rate_limited(res: Assessment, vm: str, what: str) -> None:
    """A LUN given as <hostdev type='scsi'> reaches the host's storage through SG_IO, which
    neither <iotune> (a <disk> child only) nor <blkiotune> limits: not a pass, and a VM with
    only such a device is not "no disks" (R24R-1)."""
    status, msg = verdict(res, "HVA-092", vm)
    assert status == "fail", msg
    assert what in msg, msg


def test_limited_disks_alone_still_pass(res: Assessment) -> None:
    """Held: the rate-limited disk alone, or beside a PCI host device, keeps the pass."""
    assert verdict(res, "HVA-092", "plain")[0] == "pass", verdict(res, "HVA-092", "plain")
    assert verdict(res, "HVA-092", "gpu")[0] == "pass", verdict(res, "HVA-092", "gpu")


# --- R24R-2: HVA-092, a shared directory is host storage libvirt cannot limit --------------------


@pytest.mark.parametrize(
    ("vm", "what"),
    [
        ("share9p", "shared directory /srv/exports/data (path)"),
        ("onlyfs", "shared directory /srv/exports/fs (virtiofs)"),
    ],
)
def test_shared_directory_is_not_rate_limited(res: Assessment, vm: str, what: str) -> None:
    """A <filesystem> share (virtio-9p served by QEMU's fsdev, virtiofs by virtiofsd) lets the
    guest read and write host storage with no rate limit: libvirt's qemuBuildFSDevStr never
    writes QEMU's fsdev throttling options and <filesystem> has no <iotune> (R24R-2)."""
    status, msg = verdict(res, "HVA-092", vm)
    assert status == "fail", msg
    assert what in msg, msg
