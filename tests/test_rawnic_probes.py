"""Leads the round-10 VM red team left (tests/test_redteam10_vm_probes.py), worked by rawnic.

HVA-057: a file one VM maps shared and another maps private (mmap(2), MAP_PRIVATE: "It is
unspecified whether changes made to the file after the mmap() call are visible in the mapped
region"; on Linux a page the private mapper has not written is the file's page): the private
mapper reads what the sharing VM writes, a channel. Both passed.

HVA-192 / HVA-193: a VM whose only NIC is a raw QEMU `-netdev bridge` / `-netdev tap` was "no
network interface" (wrong n/a).
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, run_assessment
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import verdict
from test_redteam10_vm_probes import NUMA, _raw_cpu_domain, _replayed_on

BACKEND = "memory-backend-file,id=m0,mem-path={},share={},size=128M"


def _pmem(path: str, access: str | None) -> str:
    acc = f" access='{access}'" if access else ""
    return (
        f"{NUMA}<devices><memory model='nvdimm'{acc}><source><path>{path}</path></source>"
        "<target><size unit='MiB'>128</size><node>0</node></target></memory></devices>"
    )


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    domains = {
        # a definition's file, mapped shared by one VM and private by another
        "shr": _raw_cpu_domain("shr", _pmem("/dev/shm/mix", "shared")),
        "prv": _raw_cpu_domain("prv", _pmem("/dev/shm/mix", None)),
        # a raw backend mapping a definition's file private
        "rawprv": _raw_cpu_domain("rawprv", "", "-object", BACKEND.format("/dev/shm/mix2", "off")),
        "shr2": _raw_cpu_domain("shr2", _pmem("/dev/shm/mix2", "shared")),
        # only raw arguments name the path: it may be a directory
        "rawa": _raw_cpu_domain("rawa", "", "-object", BACKEND.format("/srv/m3", "on")),
        "rawb": _raw_cpu_domain("rawb", "", "-object", BACKEND.format("/srv/m3", "off")),
        # two private mappers write nothing into the file
        "p1": _raw_cpu_domain("p1", _pmem("/dev/shm/both", "private")),
        "p2": _raw_cpu_domain("p2", _pmem("/dev/shm/both", None)),
    }
    return run_assessment(_replayed_on(tmp_path_factory.mktemp("rawmix"), HARDENED_HOST, domains))


def test_private_mapper_of_a_shared_file_reads_its_writes(mixed: Assessment) -> None:
    """prv maps /dev/shm/mix private (an nvdimm without access: libvirt sets no share, QEMU's
    memory-backend-file maps private, qemu-options.hx "marked as private to QEMU, or
    shared"), shr maps it shared: what shr writes shows in prv's pages it has not written
    (mmap(2)). Both passed, "no <shmem> device"."""
    assert verdict(mixed, "HVA-057", "prv") == (
        "fail",
        "inter-VM shared memory: /dev/shm/mix (mapped private here, which reads what VM(s) shr "
        "write into it shared)",
    )
    assert verdict(mixed, "HVA-057", "shr") == (
        "fail",
        "inter-VM shared memory: /dev/shm/mix (mapped private by VM(s) prv, which read its writes)",
    )


def test_raw_private_backend_of_a_shared_nvdimm_file(mixed: Assessment) -> None:
    """A raw `-object memory-backend-file,...,share=off` of the file another VM's nvdimm maps
    shared: the same channel (the definition's path is a file, not a directory)."""
    arg = "-object memory-backend-file,id=m0,mem-path=/dev/shm/mix2,share=off,size=128M"
    assert verdict(mixed, "HVA-057", "rawprv") == (
        "fail",
        f"inter-VM shared memory: QEMU argument {arg} (mapped private here, which reads what "
        "VM(s) shr2 write into it shared)",
    )
    assert verdict(mixed, "HVA-057", "shr2") == (
        "fail",
        "inter-VM shared memory: /dev/shm/mix2 (mapped private by VM(s) rawprv, which read its "
        "writes)",
    )


def test_raw_shared_and_private_backends_on_one_path_are_a_question(mixed: Assessment) -> None:
    """Only raw arguments name /srv/m3, which may be a directory (a file of each VM's own,
    R10-9): the question, for the private mapper too."""
    arg = "-object memory-backend-file,id=m0,mem-path=/srv/m3,share=off,size=128M"
    assert verdict(mixed, "HVA-057", "rawb") == (
        "manual",
        f"memory backend(s) shared by raw QEMU arguments of several VMs: QEMU argument {arg} "
        "(mapped private here, which reads what VM(s) rawa write into it shared)",
    )


@pytest.mark.parametrize("vm", ["p1", "p2"])
def test_two_private_mappers_stay_a_pass(mixed: Assessment, vm: str) -> None:
    """Holds: neither private mapper writes into the file (MAP_PRIVATE "Updates to the mapping
    are not visible to other processes mapping the same file"): no channel."""
    assert verdict(mixed, "HVA-057", vm) == ("pass", "no <shmem> device")


# --- HVA-192 / HVA-193: a NIC raw QEMU arguments add is an interface ---------------------------


@pytest.fixture(scope="module")
def raw_nic_vms(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    dev = ("-device", "virtio-net-pci,netdev=n1")
    domains = {
        "rbr": _raw_cpu_domain("rbr", "", "-netdev", "bridge,id=n1,br=br0", *dev),
        "rtap": _raw_cpu_domain("rtap", "", "-netdev", "tap,id=n1,ifname=vm9", *dev),
        "rhelp": _raw_cpu_domain(
            "rhelp", "", "-netdev", "tap,id=n1,helper=/usr/local/bin/ovs-helper", *dev
        ),
        "ruser": _raw_cpu_domain("ruser", "", "-nic", "user,model=virtio-net-pci"),
        "rvdpa": _raw_cpu_domain(
            "rvdpa", "", "-netdev", "vhost-vdpa,id=n1,vhostdev=/dev/vhost-vdpa-0", *dev
        ),
    }
    return run_assessment(_replayed_on(tmp_path_factory.mktemp("rawnic"), HARDENED_HOST, domains))


def test_raw_bridge_tap_gets_the_default_pvid_only(raw_nic_vms: Assessment) -> None:
    """`-netdev bridge` runs qemu-bridge-helper, which adds the tap to br0 (qemu-options.hx);
    the kernel gives a new bridge port the bridge's default PVID alone, untagged
    (net/bridge/br_vlan.c nbp_vlan_init): one VLAN, as a libvirt <interface type='bridge'> on
    a Linux bridge. Was n/a, "no network interface" (the NIC exists)."""
    assert verdict(raw_nic_vms, "HVA-192", "rbr") == (
        "pass",
        "1 interface(s), none trunked (QEMU argument -netdev bridge,id=n1,br=br0: a tap on "
        "Linux bridge br0 with the bridge's default PVID only)",
    )
    assert verdict(raw_nic_vms, "HVA-192", "ruser") == (
        "pass",
        "1 interface(s), none trunked (QEMU argument -nic user,model=virtio-net-pci: user-mode, "
        "no switch port)",
    )


@pytest.mark.parametrize(
    ("vm", "arg"),
    [
        ("rtap", "-netdev tap,id=n1,ifname=vm9"),
        ("rhelp", "-netdev tap,id=n1,helper=/usr/local/bin/ovs-helper"),
        ("rvdpa", "-netdev vhost-vdpa,id=n1,vhostdev=/dev/vhost-vdpa-0"),
    ],
)
def test_raw_tap_set_up_outside_the_arguments_is_a_vlan_question(
    raw_nic_vms: Assessment, vm: str, arg: str
) -> None:
    """A tap its script (/etc/qemu-ifup by default) or another helper sets up may join an Open
    vSwitch bridge untagged, a trunk of every VLAN (ovs-vswitchd.conf.db(5)); the arguments do
    not say: one question (was n/a, "no network interface")."""
    assert verdict(raw_nic_vms, "HVA-192", vm) == (
        "manual",
        "host port(s) of raw QEMU NIC(s) whose VLANs the evidence does not show: "
        f"QEMU argument {arg}",
    )


@pytest.mark.parametrize(
    ("vm", "arg"),
    [
        ("rbr", "-netdev bridge,id=n1,br=br0"),
        ("rtap", "-netdev tap,id=n1,ifname=vm9"),
        ("ruser", "-nic user,model=virtio-net-pci"),
    ],
)
def test_raw_nic_trusts_no_guest_receive_filter(raw_nic_vms: Assessment, vm: str, arg: str) -> None:
    """formatdomain <rxfilters trustGuest>: the host trusts the guest's receive-filter changes
    only where it is set, and only for macvtap connections; a raw NIC has no such setting. Was
    n/a, "no network interface"."""
    assert verdict(raw_nic_vms, "HVA-193", vm) == (
        "pass",
        f"no interface trusts guest receive filters (QEMU argument {arg}: a raw NIC has no "
        "trustGuestRxFilters; only the host device of a macvtap or SR-IOV interface takes the "
        "guest's filter)",
    )


def test_raw_vdpa_nic_is_a_receive_filter_question(raw_nic_vms: Assessment) -> None:
    """A vhost-vdpa backend hands the guest's virtio control commands to the vDPA device: the
    device's own handling of promiscuous mode decides, not in the evidence."""
    assert verdict(raw_nic_vms, "HVA-193", "rvdpa") == (
        "manual",
        "vDPA device(s) opened by raw arguments: QEMU argument -netdev vhost-vdpa,id=n1,"
        "vhostdev=/dev/vhost-vdpa-0: the guest's receive-filter commands reach the device",
    )
