"""Red-team round 40 probes: VM domain XML, <qemu:override> read by every reader of raw
`-device` options (r40-domain)

Harness: round 37's (tests/test_redteam37_domain_probes.py `_ns_scan`): the hardened Debian
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

Held (kept as tests): an override of another property of the same device (the video's
max_outputs, the disk's rotation_rate, the serial's index) leaves each verdict as without it.

Probed by script (/tmp, not kept): the same override against the same device as a raw
`<qemu:commandline> -device` in another VM, every check's status compared, for vhost-vsock-pci
(guest-cid), usb-host (hostbus, hostaddr), scsi-generic, usb-redir, vhost-user-blk-pci,
virtio-vga-gl and vhost-user-fs-pci: only HVA-405, HVA-059 and HVA-058 differed (the three
findings). A USB <hostdev>'s address is named but judged by no check (HVA-050 takes USB as
host-mediated), so an override of its hostbus/hostaddr/vendorid/productid changes no verdict.

Tally: 3 findings (false pass 1, false n/a 2), 3 tests holding 6 cases, the 3 finding cases
failed on main before the fix (the 3 held cases pass on main too).

Leads left: see the round's report.
"""

from __future__ import annotations

from pathlib import Path

from conftest import messages, outcomes
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
    assert question == (
        "Does the kernel filter the SG_IO commands that <qemu:override> of device ua-disk0: "
        "driver scsi-block of VM web01 pass to the host device? Evidence: qemu.conf `user` on "
        "host hv1 and `cat /sys/block/DEV/queue/unpriv_sgio` for the overridden device's <disk> "
        "<source>. Pass: QEMU runs as an unprivileged user and unpriv_sgio is 0; fail: QEMU "
        "runs as root or with CAP_SYS_RAWIO, or unpriv_sgio is 1."
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
