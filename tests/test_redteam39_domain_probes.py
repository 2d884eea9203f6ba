"""Red-team round 39 probes: VM domain XML, <qemu:override> turning a device into ivshmem
(r39-domain)

Harness: round 37's (tests/test_redteam37_domain_probes.py `_ns_scan`): the hardened Debian
host replay (conftest HARDENED_HOST) with the test-driver node's domains collected by the real
LibvirtCollector and marked as the QEMU driver's, each VM's QEMU namespace elements written
into its collected XML as a QEMU-driver daemon reports them, scanned through the real parser
and engine.

Findings:
- R39D-1 (false pass) HVA-057: a <qemu:override> setting a device's `driver` to ivshmem-plain
  or ivshmem-doorbell was not read. libvirt's qemuBuildDeviceCommandlineHandleOverrides
  (src/qemu/qemu_command.c) replaces the named key of the device's -device properties
  (docs/drvqemu.rst, "Overriding properties of QEMU devices": it "overrides what libvirt
  formats via -device"), so VM web01's serial port, a UNIX socket client of an ivshmem-server,
  whose override makes it ivshmem-doorbell, maps the server's shared memory, and VM v1's
  override to ivshmem-plain adds a shared-memory device: both passed "no <shmem> device", where
  the same device as a raw `-device ivshmem-doorbell` argument fails. Now both fail, naming the
  override (Vm.device_overrides, read as raw arguments are).

Held (kept as tests): an override of another property of the same serial port (index) leaves
the pass "no <shmem> device".

Probed by script: none beyond the kept test.

Tally: 1 finding (false pass 1), 1 test holding 3 cases, the 2 finding cases failed on main
before the fix (the held case passes on main too).

Leads left: the other <qemu:override> properties R38D named are still judged from the XML
(vhost-vsock guest-cid, the TPM's tpmdev, a USB <hostdev>'s hostbus/hostaddr/vendorid/
productid, romfile, virtio-net mac, vhost-user-fs); an override making a <shmem> device
another driver still fails it (a wrong fail at worst, not probed).
"""

from __future__ import annotations

from pathlib import Path

from conftest import messages, outcomes
from test_redteam37_domain_probes import _ns_scan, _override

SERIAL = (
    "<devices><serial type='unix'><source mode='connect' path='/run/ivshmem/server.sock'/>"
    "<alias name='ua-serial0'/></serial></devices>"
)


def test_override_of_a_devices_driver_to_ivshmem_fails(tmp_path: Path) -> None:
    """R39D-1: `driver` ivshmem-doorbell on a serial port's alias (its chardev a UNIX socket
    client, here an ivshmem-server's) replaces isa-serial in its -device
    (qemu_command.c qemuBuildDeviceCommandlineHandleOverrides): the guest maps the server's
    shared memory, as a raw `-device ivshmem-doorbell` does (HVA-057 fails that one)."""
    a = _ns_scan(
        tmp_path,
        {
            "web01": (
                SERIAL,
                _override(
                    "ua-serial0",
                    ("driver", "string", "ivshmem-doorbell"),
                    ("index", "remove", ""),
                ),
            ),
            "v1": (SERIAL, _override("ua-serial0", ("driver", "string", "ivshmem-plain"))),
            "v2": (SERIAL, _override("ua-serial0", ("index", "unsigned", "1"))),
        },
    )
    assert outcomes(a, "HVA-057") == {"web01": "fail", "v1": "fail", "v2": "pass"}, messages(
        a, "HVA-057"
    )
    assert messages(a, "HVA-057") == {
        "web01": "inter-VM shared memory: ivshmem-doorbell (<qemu:override> of device "
        "ua-serial0: driver ivshmem-doorbell)",
        "v1": "inter-VM shared memory: ivshmem-plain (<qemu:override> of device ua-serial0: "
        "driver ivshmem-plain)",
        "v2": "no <shmem> device",
    }
