"""Red-team round 40 probes: VM domain XML, <qemu:override> read by every reader of raw
`-device` options (r40-domain)

Harness: round 37's (tests/test_redteam37_domain_probes.py `_ns_scan`; for Proxmox VE, round
2's copied hardened node, tests/test_redteam2_probes.py `pve_scan`): the hardened Debian
host replay (conftest HARDENED_HOST) with the test-driver node's domains collected by the real
LibvirtCollector and marked as the QEMU driver's, each VM's QEMU namespace elements written
into its collected XML as a QEMU-driver daemon reports them, scanned through the real parser
and engine.

Findings (one class: a check that reads raw `-device` options did not read the devices a
<qemu:override> makes of libvirt's, Vm.device_overrides; R37D-4 and R39D-1 had fixed two such
readers one at a time. libvirt's qemuBuildDeviceCommandlineHandleOverrides, src/qemu/
qemu_command.c, replaces the named keys of the device's -device properties, `driver` among
them: docs/drvqemu.rst, "Overriding properties of QEMU devices", it "overrides what libvirt
formats via -device". Now checks.base.overridden_devices gives every such reader the
override's devices, named "<qemu:override> of device ALIAS: driver D"):
- R40D-1 (false pass) HVA-405: VM web01's 2D virtio <video> beside a SPICE display with <gl
  enable='yes'/>, whose override sets the video's `driver` to virtio-vga-gl (QEMU's
  virtio_gpu_gl_device_realize, hw/display/virtio-gpu-gl.c: virglrenderer on the host's GPU),
  passed "no 3D-accelerated GPU; ... shows only the framebuffers of a 2D device", where the
  same device as a raw `-device virtio-vga-gl` fails. Now it fails naming the override.
- R40D-2 (false n/a) HVA-059: VM web01's SCSI <disk> of host block device /dev/sdb, whose
  override sets its `driver` (libvirt's scsi-hd) to scsi-block, "SCSI block device
  passthrough" (hw/scsi/scsi-disk.c), was "no SCSI LUN or SCSI host device passed through",
  where a raw `-device scsi-block` is the question whether the kernel filters its SG_IO
  commands. Now it is that question, naming the override and the <disk> <source>.
- R40D-3 (false n/a) HVA-058: VM web01's <serial type='unix'> (a socket client), whose
  override makes it vhost-user-fs-pci (its -device keeps the chardev libvirt gave it, so the
  guest mounts what the daemon on that socket serves), was "no host directory shared", where a
  raw `-device vhost-user-fs-pci` is the question on the external virtiofsd's directory. Now
  it is that question, naming the override.
- R40D-4 (false pass) HVA-031: VM web01's memballoon, whose override makes it vhost-vsock-pci
  with a guest-cid, gives its guest a vsock device that connects to the host (CID 2) on any
  port (checks._loopback.vsock_guests), but VM vs-any's network backend listening on vsock
  CID VMADDR_CID_ANY without authentication passed "no other VM the scan read on the host has
  a vsock device, so the host's own processes only", where the same device as a raw `-device
  vhost-vsock-pci` fails it. Now it fails naming the override (HVA-031's and the other
  readers of vsock_guests, the management-service and console checks, alike).
- R40D-5 (false pass, false n/a) HVA-050 (every reader of the VM's PCI passthrough): vfio-pci's
  `sysfsdev` names the function QEMU takes, `host` being read only without it (hw/vfio/pci.c
  vfio_realize `if (!vbasedev->sysfsdev)`), but the raw reader took `host` first and the
  override reader compared `host` only: VM web01's PCI <hostdev> of isolated 0000:65:00.0 with
  an override adding sysfsdev /sys/bus/pci/devices/0000:00:1f.0 (IOMMU group 3, shared with the
  host's sound function) and VM v2's raw `-device vfio-pci,host=0000:65:00.0,sysfsdev=...` of
  it passed "each IOMMU group of pci 0000:65:00.0 goes wholly to this VM"; VM v1's mdev
  <hostdev> (libvirt's `{"driver": "vfio-pci", "sysfsdev": "/sys/bus/mdev/devices/UUID"}`,
  qemu_command.c qemuBuildHostdevMediatedDevProps) whose override sets sysfsdev to that PCI
  function was n/a "mdev devices stay host-mediated". Now sysfsdev wins in both readers
  (libvirt_xml.vfio_target, qemu_args.vfio_pci_hosts) and all three fail on group 3.
- R40D-6 (false pass) HVA-050: R40D-5's class through a raw `-global vfio-pci.sysfsdev=`
  (short or long form, qdev-monitor.c qemu_global_option), which QEMU sets on every vfio-pci
  device before its own properties (qom/object.c object_apply_global_props), so libvirt's
  vfio-pci of a PCI <hostdev> (its `host` only) and qemu-server's hostpciN take the global's
  function: VM web01's <hostdev> of isolated 0000:65:00.0 beside `-global
  vfio-pci.sysfsdev=/sys/bus/pci/devices/0000:00:1f.0` passed on group 2, and Proxmox VE VM
  web-10's question named 0000:65:00.0 alone. Now the global's function is judged beside them
  (qemu_args.global_vfio_passthrough) where the VM passes a PCI function through.

Held (kept as tests): an override of another property of the same device (the video's
max_outputs, the disk's rotation_rate, the serial's index, the memballoon's
free-page-reporting) leaves each verdict as without it; a sysfsdev naming a PCI <hostdev>'s own
<source> function, and an mdev without an override, keep theirs (R40D-5); a -global of
another vfio-pci property, and the sysfsdev global in a VM with no PCI passthrough, keep
theirs (R40D-6).

Probed by script (/tmp, not kept): the same override against the same device as a raw
`<qemu:commandline> -device` in another VM, every check's status compared, for vhost-vsock-pci
(guest-cid), usb-host (hostbus, hostaddr), scsi-generic, usb-redir, vhost-user-blk-pci,
virtio-vga-gl and vhost-user-fs-pci: only HVA-405, HVA-059 and HVA-058 differed (R40D-1..3;
the hardened host has no vsock listener, so R40D-4 needed the server VM of its test). A USB <hostdev>'s address is named but judged by no check (HVA-050 takes USB as
host-mediated), so an override of its hostbus/hostaddr/vendorid/productid changes no verdict.

Tally: 6 findings (false pass 4, false n/a 2; R40D-5 with a false n/a in the same class), 7
tests holding 18 cases, the 10 finding cases failed on main before the fixes (the 8 held cases
pass on main too).

Leads left: see the round's report.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import messages, outcomes
from test_redteam2_probes import VM200, pve_result
from test_redteam2_probes import pve_scan as dir_scan
from test_redteam37_domain_probes import _ns_scan, _override

GL_VIDEO = (
    "<devices><graphics type='spice'><listen type='none'/><gl enable='yes'/></graphics>"
    "<video><model type='virtio'/><alias name='ua-video0'/></video></devices>"
)


def test_override_making_a_video_device_3d_fails(tmp_path: Path) -> None:
    """R40D-1: `driver` virtio-vga-gl on a 2D virtio video's alias beside an OpenGL display is
    the 3D GPU a raw `-device virtio-vga-gl` adds (HVA-405 fails that one)."""
    a = _ns_scan(
        tmp_path,
        {
            "web01": (GL_VIDEO, _override("ua-video0", ("driver", "string", "virtio-vga-gl"))),
            "v1": (GL_VIDEO, _override("ua-video0", ("max_outputs", "unsigned", "2"))),
        },
    )
    assert outcomes(a, "HVA-405") == {"web01": "fail", "v1": "pass"}
    assert messages(a, "HVA-405") == {
        "web01": "3D-accelerated GPU: virtio-vga-gl (<qemu:override> of device ua-video0: "
        "driver virtio-vga-gl)",
        "v1": "no 3D-accelerated GPU; <graphics type='spice'> with OpenGL shows only the "
        "framebuffers of a 2D device",
    }


SCSI_DISK = (
    "<devices><disk type='block' device='disk'><driver name='qemu' type='raw'/>"
    "<source dev='/dev/sdb'/><target dev='sda' bus='scsi'/><alias name='ua-disk0'/></disk>"
    "</devices>"
)


def test_override_making_a_disk_scsi_block_is_asked(tmp_path: Path) -> None:
    """R40D-2: `driver` scsi-block on a SCSI disk's alias passes the guest's SCSI commands to
    host device /dev/sdb as a raw `-device scsi-block` does (HVA-059 asks about that one)."""
    a = _ns_scan(
        tmp_path,
        {
            "web01": (SCSI_DISK, _override("ua-disk0", ("driver", "string", "scsi-block"))),
            "v1": (SCSI_DISK, _override("ua-disk0", ("rotation_rate", "unsigned", "1"))),
        },
    )
    assert outcomes(a, "HVA-059") == {"web01": "manual", "v1": "not_applicable"}
    assert messages(a, "HVA-059") == {
        "web01": "<qemu:override> of device ua-disk0: driver scsi-block: a SCSI passthrough "
        "device libvirt did not set up (no sgio/rawio of its own)",
        "v1": "no SCSI LUN or SCSI host device passed through",
    }
    (question,) = [
        r.outcome.question for r in a.results if r.check.id == "HVA-059" and r.outcome.question
    ]
    # the user QEMU runs as, not qemu.conf on disk (R48T-2)
    assert question.startswith(
        "Does the kernel filter the SG_IO commands that <qemu:override> of device ua-disk0: "
        "driver scsi-block of VM web01 pass to the host device? Evidence: the user and CapEff "
        "of the VM's QEMU on host hv1 (`ps -o user= -p PID`"
    )


SERIAL = (
    "<devices><serial type='unix'><source mode='connect' path='/run/vfs.sock'/>"
    "<alias name='ua-serial0'/></serial></devices>"
)


def test_override_making_a_serial_port_virtiofs_is_asked(tmp_path: Path) -> None:
    """R40D-3: `driver` vhost-user-fs-pci on a UNIX-socket serial port's alias mounts in the
    guest what the daemon on that socket serves, as a raw `-device vhost-user-fs-pci` does
    (HVA-058 asks about that one's directory)."""
    a = _ns_scan(
        tmp_path,
        {
            "web01": (
                SERIAL,
                _override(
                    "ua-serial0",
                    ("driver", "string", "vhost-user-fs-pci"),
                    ("tag", "string", "fs"),
                    ("index", "remove", ""),
                ),
            ),
            "v1": (SERIAL, _override("ua-serial0", ("index", "unsigned", "1"))),
        },
    )
    assert outcomes(a, "HVA-058") == {"web01": "manual", "v1": "not_applicable"}
    assert messages(a, "HVA-058") == {
        "web01": "virtiofs share(s) served by a virtiofsd started outside libvirt on socket(s) "
        "of device ua-serial0's chardev (<qemu:override> of device ua-serial0: driver "
        "vhost-user-fs-pci): the daemon's options name the directory (virtiofs supports "
        "passthrough only)",
        "v1": "no host directory shared",
    }


VSOCK_SERVER = "stream,id=n0,server=on,addr.type=vsock,addr.cid=4294967295,addr.port=5000"
BALLOON = "<devices><memballoon model='virtio'><alias name='ua-balloon0'/></memballoon></devices>"


def _commandline(*args: str) -> str:
    body = "".join(f"<qemu:arg value='{a}'/>" for a in args)
    return f"<qemu:commandline>{body}</qemu:commandline>"


def test_override_making_a_vsock_device_reaches_a_vsock_server(tmp_path: Path) -> None:
    """R40D-4: `driver` vhost-vsock-pci on a memballoon's alias gives its guest a vsock device,
    as a raw `-device vhost-vsock-pci` does (checks._loopback.vsock_guests): the guest
    connects to the host (CID 2), so VM vs-any's network backend listening on vsock CID
    VMADDR_CID_ANY is reached by it (HVA-031 fails that with the raw device)."""
    server = _commandline("-netdev", VSOCK_SERVER, "-device", "virtio-net,netdev=n0")
    a = _ns_scan(
        tmp_path,
        {
            "vs-any": ("", server),
            "web01": (
                BALLOON,
                _override(
                    "ua-balloon0",
                    ("driver", "string", "vhost-vsock-pci"),
                    ("guest-cid", "unsigned", "3"),
                ),
            ),
        },
    )
    assert outcomes(a, "HVA-031")["vs-any"] == "fail"
    assert messages(a, "HVA-031")["vs-any"] == (
        f"QEMU argument -netdev {VSOCK_SERVER}: an AF_VSOCK server carrying the VM's network on "
        "vsock CID 4294967295 port 5000, without authentication: the vsock device of VM web01 "
        "(<qemu:override> of device ua-balloon0: driver vhost-vsock-pci) connects its guest to "
        "the host (CID 2) on any port, so that guest sends and receives this VM's network "
        "traffic"
    )
    # held: an override of another memballoon property adds no vsock device
    a = _ns_scan(
        tmp_path,
        {
            "vs-any": ("", server),
            "web01": (BALLOON, _override("ua-balloon0", ("free-page-reporting", "bool", "true"))),
        },
    )
    assert outcomes(a, "HVA-031")["vs-any"] == "pass"
    assert messages(a, "HVA-031")["vs-any"] == (
        f"QEMU argument -netdev {VSOCK_SERVER}: an AF_VSOCK server carrying the VM's network on "
        "vsock CID 4294967295 port 5000: no other VM the scan read on the host has a vsock "
        "device, so the host's own processes only"
    )


# --- R40D-5: vfio-pci's sysfsdev, not its host, names the function taken ----------------------

HOSTDEV = (
    "<devices><hostdev mode='subsystem' type='pci' managed='yes'><source><address "
    "domain='0x0000' bus='0x65' slot='0x00' function='0x0'/></source><alias name='ua-gpu'/>"
    "</hostdev></devices>"
)
MDEV = (
    "<devices><hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address "
    "uuid='c2177883-f1bb-47f0-914d-32a22e3a8804'/></source><alias name='ua-vgpu'/></hostdev>"
    "</devices>"
)
SOUND_BRIDGE = "/sys/bus/pci/devices/0000:00:1f.0"
SHARED = (
    "0000:00:1f.0 shares IOMMU group 3 with 0000:00:1f.3 (driver snd_hda_intel), left to the host"
)


def test_vfio_sysfsdev_is_the_function_judged(tmp_path: Path) -> None:
    """R40D-5: QEMU's vfio_realize takes `sysfsdev` over `host`, so a PCI <hostdev> of isolated
    0000:65:00.0 (IOMMU group 2) with an override adding sysfsdev, an mdev <hostdev> whose
    override sets its sysfsdev to a PCI function, and a raw vfio-pci naming both each hand the
    guest 0000:00:1f.0, whose group 3 the host's sound function shares (HVA-050 passed the first
    and third on group 2 and said the second was host-mediated). Held: a sysfsdev naming the
    <source>'s own function, and an mdev without an override."""
    raw = _commandline("-device", f"vfio-pci,host=0000:65:00.0,sysfsdev={SOUND_BRIDGE}")
    a = _ns_scan(
        tmp_path,
        {
            "web01": (HOSTDEV, _override("ua-gpu", ("sysfsdev", "string", SOUND_BRIDGE))),
            "v1": (MDEV, _override("ua-vgpu", ("sysfsdev", "string", SOUND_BRIDGE))),
            "v2": ("", raw),
            "v3": (
                HOSTDEV,
                _override("ua-gpu", ("sysfsdev", "string", "/sys/bus/pci/devices/0000:65:00.0")),
            ),
            "v4": (MDEV, ""),
        },
    )
    assert outcomes(a, "HVA-050") == {
        "web01": "fail",
        "v1": "fail",
        "v2": "fail",
        "v3": "pass",
        "v4": "not_applicable",
    }
    assert messages(a, "HVA-050") == {
        "web01": SHARED,
        "v1": SHARED,
        "v2": SHARED,
        "v3": "IOMMU active; each IOMMU group of pci 0000:65:00.0 goes wholly to this VM or is "
        "unused",
        "v4": "no DMA-capable (PCI) passthrough: mdev devices stay host-mediated",
    }


def test_global_vfio_sysfsdev_is_the_function_judged(tmp_path: Path) -> None:
    """R40D-6: a raw `-global vfio-pci.sysfsdev=` (short or long form) is set on libvirt's
    vfio-pci of a PCI <hostdev>, which sets `host` only (qom/object.c
    object_apply_global_props), so QEMU's vfio_realize takes the global's function: HVA-050
    passed on the <source>'s isolated group 2. Held: a global of another vfio-pci property,
    and the global in a VM with no PCI passthrough (no device it reaches)."""
    short = f"vfio-pci.sysfsdev={SOUND_BRIDGE}"
    long = f"driver=vfio-pci,property=sysfsdev,value={SOUND_BRIDGE}"
    a = _ns_scan(
        tmp_path,
        {
            "web01": (HOSTDEV, _commandline("-global", short)),
            "v1": (HOSTDEV, _commandline("-global", long)),
            "v2": (HOSTDEV, _commandline("-global", "vfio-pci.x-no-mmap=on")),
            "v3": ("", _commandline("-global", short)),
        },
    )
    assert outcomes(a, "HVA-050") == {
        "web01": "fail",
        "v1": "fail",
        "v2": "pass",
        "v3": "not_applicable",
    }
    assert messages(a, "HVA-050") == {
        "web01": SHARED,
        "v1": SHARED,
        "v2": "IOMMU active; each IOMMU group of pci 0000:65:00.0 goes wholly to this VM or is "
        "unused",
        "v3": "no device passthrough",
    }


def test_global_vfio_sysfsdev_of_a_proxmox_vm_is_judged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R40D-6 on Proxmox VE: qemu-server's hostpciN is `vfio-pci,host=...` too
    (QemuServer.pm), so an `args: -global vfio-pci.sysfsdev=` replaces its function, which
    HVA-050's question names beside the hostpci one (it named 0000:65:00.0 alone, whose
    answer passed a guest holding 0000:00:1f.0)."""
    conf = VM200 + "hostpci0: 0000:65:00.0,pcie=1\n"
    report = dir_scan(
        tmp_path,
        capsys,
        {
            "etc/pve/qemu-server/200.conf": conf
            + f"args: -global vfio-pci.sysfsdev={SOUND_BRIDGE}\n"
        },
    )
    assert pve_result(report, "HVA-050", "web-10") == (
        "manual",
        "PCI passthrough of pci 0000:65:00.0, pci 0000:00:1f.0; host evidence unavailable: a "
        "copied configuration tree has no live host to read facts from",
    )
