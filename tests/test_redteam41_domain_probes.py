"""Red-team round 41 probes: VM domain XML, a raw `-global vfio-pci.sysfsdev=` against the
vfio-pci devices that set their own sysfsdev (r41-domain)

Harness: round 40's (tests/test_redteam40_domain_probes.py, round 37's `_ns_scan` and round
2's copied hardened Proxmox VE node `pve_scan`).

Findings:
- R41D-1 (wrong fail) HVA-050: R40D-6 judged a `-global vfio-pci.sysfsdev=` function beside
  every VM with any PCI passthrough, but a global only sets a property's default: QEMU's
  qemu-options.hx `-global` "Set default value of driver's property prop to value", and
  softmmu/qdev-monitor.c qdev_device_add_from_qdict creates the device (qdev_new, the globals
  applied in its post-init, qom/object.c object_apply_global_props) before it "set[s]
  properties" from the -device's own (object_set_properties_from_keyval), so a device's own
  sysfsdev wins over the global. VM web01's only vfio-pci, a raw `-device
  vfio-pci,sysfsdev=/sys/bus/pci/devices/0000:65:00.0` (isolated group 2), VM v1's PCI
  <hostdev> whose <qemu:override> sets that sysfsdev, and Proxmox VE VM web-10's `args:` of
  the same raw device failed (or named 0000:00:1f.0 in the question) on the global's group 3,
  a function no device of theirs takes. Now the global is judged only where a vfio-pci device
  sets no sysfsdev of its own (qemu_args.global_vfio_passthrough `reached`): a PCI <hostdev>
  or <interface type='hostdev'> no override gives one, a hostpciN without mdev, a raw
  vfio-pci or an override's vfio-pci without one.

Held (kept as tests): the global beside a PCI <hostdev> that sets no sysfsdev, beside a raw
`-device vfio-pci,host=`, and beside a raw vfio-pci with its own sysfsdev and a <hostdev>
without one, and a <hostdev> whose override sets another property (x-no-mmap), each still
fails on group 3 (R40D-6); an mdev <hostdev> (its own sysfsdev,
/sys/bus/mdev/devices/UUID) with the global stays host-mediated.

Probed by script: none.

Tally: 1 finding (wrong fail 1), 2 tests holding 9 cases; the 3 finding cases failed on main
before the fix (the 6 held cases pass on main too).

Leads left: see the round's report.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import messages, outcomes
from test_redteam2_probes import VM200, pve_result
from test_redteam2_probes import pve_scan as dir_scan
from test_redteam37_domain_probes import _ns_scan, _override
from test_redteam40_domain_probes import HOSTDEV, MDEV, SHARED, SOUND_BRIDGE, _commandline

OWN = "/sys/bus/pci/devices/0000:65:00.0"
GLOBAL = f"vfio-pci.sysfsdev={SOUND_BRIDGE}"
ISOLATED = "IOMMU active; each IOMMU group of pci 0000:65:00.0 goes wholly to this VM or is unused"


def test_global_vfio_sysfsdev_leaves_a_device_with_its_own(tmp_path: Path) -> None:
    """R41D-1: a vfio-pci that sets its own sysfsdev (raw, or a <hostdev>'s override) takes
    that function, not the global's default (qdev_device_add_from_qdict sets the -device's
    properties after the globals): HVA-050 failed web01 and v1 on the global's group 3. Held:
    the global still reaches a <hostdev> that sets none, alone or beside such a device, and a
    raw vfio-pci by `host`, and a <hostdev> whose override sets another property; an mdev
    keeps its own sysfsdev."""
    a = _ns_scan(
        tmp_path,
        {
            "web01": ("", _commandline("-device", f"vfio-pci,sysfsdev={OWN}", "-global", GLOBAL)),
            "v1": (
                HOSTDEV,
                _override("ua-gpu", ("sysfsdev", "string", OWN)) + _commandline("-global", GLOBAL),
            ),
            "v2": (HOSTDEV, _commandline("-global", GLOBAL)),
            "v3": ("", _commandline("-device", "vfio-pci,host=65:00.0", "-global", GLOBAL)),
            "v4": (
                HOSTDEV,
                _commandline("-device", f"vfio-pci,sysfsdev={OWN},id=x", "-global", GLOBAL),
            ),
            "v5": (MDEV, _commandline("-global", GLOBAL)),
            "v6": (
                HOSTDEV,
                _override("ua-gpu", ("x-no-mmap", "bool", "true"))
                + _commandline("-global", GLOBAL),
            ),
        },
    )
    assert outcomes(a, "HVA-050") == {
        "web01": "pass",
        "v1": "pass",
        "v2": "fail",
        "v3": "fail",
        "v4": "fail",
        "v5": "not_applicable",
        "v6": "fail",
    }
    assert messages(a, "HVA-050") == {
        "web01": ISOLATED,
        "v1": ISOLATED,
        "v2": SHARED,
        "v3": SHARED,
        "v4": SHARED,
        "v5": "no DMA-capable (PCI) passthrough: mdev devices stay host-mediated",
        "v6": SHARED,
    }


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        # R41D-1: the raw device's own sysfsdev wins over the global
        (f"args: -device vfio-pci,sysfsdev={OWN} -global {GLOBAL}\n", "pci 0000:65:00.0"),
        # held: hostpciN is `vfio-pci,host=...`, which the global reaches (R40D-6)
        (
            f"hostpci0: 0000:65:00.0,pcie=1\nargs: -global {GLOBAL}\n",
            "pci 0000:65:00.0, pci 0000:00:1f.0",
        ),
    ],
)
def test_global_vfio_sysfsdev_of_a_proxmox_vm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: str, named: str
) -> None:
    """R41D-1 on Proxmox VE: an `args:` vfio-pci with its own sysfsdev takes that function, so
    HVA-050's question names it alone (it named the global's 0000:00:1f.0 too, whose answer
    failed a guest that does not hold it)."""
    report = dir_scan(tmp_path, capsys, {"etc/pve/qemu-server/200.conf": VM200 + extra})
    assert pve_result(report, "HVA-050", "web-10") == (
        "manual",
        f"PCI passthrough of {named}; host evidence unavailable: a copied configuration tree "
        "has no live host to read facts from",
    )
