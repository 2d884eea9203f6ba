"""Fifteenth red-team review, VM side (rt15vm): KVM/libvirt domain elements, round 14's leads
and new ground.

Same harness as round 14 (tests/test_redteam14_vm_probes.py, whose helpers are imported):
libvirt's test driver serves the domains on conftest's replayed hardened host; what needs
raw QEMU arguments or a daemon with the QEMU driver goes through _replayed_on. Every fact a
probe rests on was read with the `search` / `find_string` / `read_file` tools and is cited in
its docstring.
"""

from __future__ import annotations

from pathlib import Path

from conftest import HARDENED_HOST, build_bundle, domain_xml, run_assessment, write_node
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import verdict
from test_redteam14_vm_probes import _share

# --- R15-1: HVA-058, a share of the directory of another VM's pool volume ---------------------


def _pool(name: str, kind: str, target: str) -> str:
    return (
        f"<pool type='{kind}'><name>{name}</name><capacity>1000000</capacity>"
        "<allocation>0</allocation><available>1000000</available>"
        f"<target><path>{target}</path></target></pool>"
    )


def _volume_disk(pool: str, volume: str) -> str:
    return (
        "<devices><disk type='volume' device='disk'><driver name='qemu' type='qcow2'/>"
        f"<source pool='{pool}' volume='{volume}'/><target dev='vda' bus='virtio'/></disk>"
        "</devices>"
    )


def _volume_shares(tmp: Path) -> Assessment:
    doms = {
        "volowner": _volume_disk("default", "volowner.qcow2"),
        "imgshare": _share("/var/lib/libvirt/images"),
    }
    uri = write_node(
        tmp / "n.xml",
        [domain_xml(k, body=v) for k, v in doms.items()],
        pools=[_pool("default", "dir", "/var/lib/libvirt/images/")],
    )
    return run_assessment(build_bundle(tmp, uri, HARDENED_HOST, name="b"))


def test_share_of_a_pool_directory_holding_another_vms_volume_fails(tmp_path: Path) -> None:
    """R15-1. A `<disk type='volume'><source pool='default' volume='NAME'>` of a dir (fs, netfs)
    pool is the file NAME in the pool's target directory: storage_util.c
    virStorageBackendVolCreateLocal sets `vol->target.path = g_strdup_printf("%s/%s",
    def->target.path, vol->name)` and refuses a name with '/' ("Volumes within a directory pools
    are not recursive"), and the disk source translation hands QEMU `virStorageVolGetPath(vol)`
    as a file disk for dir, fs and netfs pools (both read with `find_string` / `read_file`), so
    libvirt's DAC driver chowns it to the QEMU user like any file disk. R14-5's matching read
    only file and block disks, so a 9p share of /var/lib/libvirt/images on an AppArmor host
    beside VM volowner, whose disk is that pool's volume, passed "read-only or with mapped
    ownership" (false pass)."""
    a = _volume_shares(tmp_path)
    assert verdict(a, "HVA-058", "imgshare") == (
        "fail",
        "disk images of other VMs in the host directories it shares: /var/lib/libvirt/images "
        "(VM volowner: /var/lib/libvirt/images/volowner.qcow2): the guest reaches them through "
        "the share",
    )
