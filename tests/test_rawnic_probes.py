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
