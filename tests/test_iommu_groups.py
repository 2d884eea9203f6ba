"""HVA-050: which members of a passed-through device's IOMMU group may stay with the host.

A PCI-to-PCI bridge forwards its group's DMA and does none of its own: driverless (the bridge of
the kernel's vfio.rst example) or held by pcieport it stays with the host; held by a driver that
drives its registers (shpchp) it does not. The class code that tells a bridge from an endpoint
is read from sysfs (/sys/bus/pci/devices/*/class) by the host collector; without it the driver
alone decides, as before. Each case runs through the real collector (replayed host), parser and
engine, with libvirt's test driver serving the domains.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HARDENED_HOST, build_bundle, domain_xml, messages, outcomes, write_node
from hvaudit.bundle import Bundle
from hvaudit.collect.host import COMMANDS
from hvaudit.collect.runner import LocalRunner
from hvaudit.parse import build_deployment

PCI = (
    "<devices><hostdev mode='subsystem' type='pci' managed='yes'><source>"
    "<address domain='0x0000' bus='0x{bus}' slot='0x{slot}' function='0x{fn}'/>"
    "</source></hostdev></devices>"
)
DOMAINS = [
    domain_xml("bridged", PCI.format(bus="03", slot="00", fn="0")),  # behind a PCIe root port
    domain_xml("hotplug", PCI.format(bus="04", slot="00", fn="0")),  # behind an SHPC bridge
    domain_xml("legacy", PCI.format(bus="06", slot="00", fn="0")),  # behind a driverless bridge
]
GROUPS = (
    "/sys/kernel/iommu_groups/7/devices/0000:00:1c.0\n"
    "/sys/kernel/iommu_groups/7/devices/0000:03:00.0\n"
    "/sys/kernel/iommu_groups/8/devices/0000:00:1e.0\n"
    "/sys/kernel/iommu_groups/8/devices/0000:04:00.0\n"
    "/sys/kernel/iommu_groups/9/devices/0000:00:1d.0\n"
    "/sys/kernel/iommu_groups/9/devices/0000:06:00.0\n"
)
DRIVERS = (
    "/sys/bus/pci/drivers/pcieport/0000:00:1c.0\n"
    "/sys/bus/pci/drivers/shpchp/0000:00:1e.0\n"
    "/sys/bus/pci/drivers/vfio-pci/0000:03:00.0\n"
    "/sys/bus/pci/drivers/vfio-pci/0000:04:00.0\n"
    "/sys/bus/pci/drivers/vfio-pci/0000:06:00.0\n"
)
CLASSES = (
    "/sys/bus/pci/devices/0000:00:1c.0/class:0x060400\n"  # PCI bridge (PCIe root port)
    "/sys/bus/pci/devices/0000:00:1d.0/class:0x060400\n"  # PCI bridge, no driver
    "/sys/bus/pci/devices/0000:00:1e.0/class:0x060401\n"  # subtractive-decode PCI bridge
    "/sys/bus/pci/devices/0000:03:00.0/class:0x020000\n"  # Ethernet controller
    "/sys/bus/pci/devices/0000:04:00.0/class:0x010802\n"  # NVMe controller
    "/sys/bus/pci/devices/0000:06:00.0/class:0x030000\n"  # VGA controller
)
HOST = {"iommu-group-devices": (GROUPS, 0), "pci-drivers": (DRIVERS, 0)}
KEPT = "stay with the host: they forward the group's DMA and do none of their own"


def test_a_bridge_stays_with_the_host_only_driverless_or_under_pcieport(host_scan) -> None:
    a = host_scan(HOST | {"pci-classes": (CLASSES, 0)}, domains=DOMAINS)
    assert outcomes(a, "HVA-050") == {"bridged": "pass", "hotplug": "fail", "legacy": "pass"}
    assert messages(a, "HVA-050") == {
        "bridged": "IOMMU active; each IOMMU group of pci 0000:03:00.0 goes wholly to this VM or "
        f"is unused; bridge(s) 0000:00:1c.0 (pcieport) {KEPT}",
        "hotplug": "0000:04:00.0 shares IOMMU group 8 with bridge 0000:00:1e.0, held by host "
        "driver shpchp: it drives the bridge's registers, which the group's devices can reach "
        "by peer-to-peer writes",
        "legacy": "IOMMU active; each IOMMU group of pci 0000:06:00.0 goes wholly to this VM or "
        f"is unused; bridge(s) 0000:00:1d.0 (no driver) {KEPT}",
    }


def test_without_class_evidence_the_driver_alone_decides_as_before(host_scan) -> None:
    """An older bundle, or a host whose sysfs did not answer: the verdicts of the driver rule,
    never a pass the class would have given."""
    for classes in (None, ("", 1, "find: '/sys/bus/pci/devices': Permission denied")):
        a = host_scan(HOST | {"pci-classes": classes}, domains=DOMAINS)
        assert outcomes(a, "HVA-050") == {"bridged": "pass", "hotplug": "fail", "legacy": "pass"}
        assert messages(a, "HVA-050") == {
            "bridged": "IOMMU active; each IOMMU group of pci 0000:03:00.0 goes wholly to this "
            "VM or is unused",
            "hotplug": "0000:04:00.0 shares IOMMU group 8 with 0000:00:1e.0 (driver shpchp), "
            "left to the host",
            "legacy": "IOMMU active; each IOMMU group of pci 0000:06:00.0 goes wholly to this VM "
            "or is unused",
        }


def test_a_bridge_whose_driver_is_unread_is_a_question(host_scan) -> None:
    """The class says bridge, but which driver holds it (pcieport, or shpchp) is not known."""
    a = host_scan(
        HOST | {"pci-classes": (CLASSES, 0), "pci-drivers": None},
        domains=[domain_xml("legacy", PCI.format(bus="06", slot="00", fn="0"))],
    )
    assert outcomes(a, "HVA-050") == {"legacy": "manual"}
    assert messages(a, "HVA-050") == {
        "legacy": "IOMMU active for pci 0000:06:00.0; the host driver of bridge 0000:00:1d.0 "
        "(IOMMU group 9) is unknown"
    }


def test_class_codes_are_parsed_from_sysfs(tmp_path: Path) -> None:
    text = (
        "/sys/bus/pci/devices/0000:00:1C.0/class:0x060400\n"
        "/sys/bus/pci/devices/0000:65:00.0/class:0x030000\n"
        "/sys/bus/pci/devices/0000:65:00.1/class:garbage\n"  # skipped: unknown class
        "grep: /sys/bus/pci/devices/0000:66:00.0/class: No such device\n"
    )
    uri = write_node(tmp_path / "node.xml", [domain_xml("web01")])
    host = dict(HARDENED_HOST) | {"pci-classes": (text, 0)}
    deployment, _ = build_deployment(Bundle.open(build_bundle(tmp_path, uri, host)))
    assert deployment.hosts[0].facts.pci_classes.get() == {
        "0000:00:1c.0": 0x060400,
        "0000:65:00.0": 0x030000,
    }


def test_the_class_probe_reads_this_machines_sysfs() -> None:
    """The probe's argv, run for real on this (Debian) machine: every PCI function's class."""
    if not Path("/sys/bus/pci/devices").is_dir():
        pytest.skip("this machine has no PCI bus in sysfs")
    probe = next(p for p in COMMANDS if p.name == "pci-classes")
    got = LocalRunner().run(probe.argv, probe.timeout)
    assert (got.status, got.rc) == ("ok", 0)
    lines = got.stdout.decode().splitlines()
    devices = sorted(p.name for p in Path("/sys/bus/pci/devices").iterdir())
    assert sorted(line.split("/")[5] for line in lines) == devices
    assert all(line.split(":")[-1].startswith("0x") for line in lines)
