"""Red-team round 26 probes: resource isolation (rt26res)

Harness: PLACEHOLDER

Findings (R26R-n):
- R26R-1 (false pass) HVA-092: R25R-4 judged a <blkiotune> write limit against page-cache
  writeback by the memory controller's cgroup version alone. The kernel attributes writeback
  to a cgroup only where both controllers are on the unified hierarchy (torvalds/linux
  include/linux/backing-dev.h inode_cgwb_enabled: "both memcg and iocg have to be on the
  default hierarchy", `cgroup_subsys_on_dfl(memory_cgrp_subsys) &&
  cgroup_subsys_on_dfl(io_cgrp_subsys)`); the io controller's v1 name is blkio
  (block/blk-cgroup.c io_cgrp_subsys `.legacy_name = "blkio"`). A host with memory on a
  cgroup2 mount and blkio on a v1 `cgroup` mount passed "1 disk(s) and 0 interface(s)
  limited (outbound)" for a writeback disk throttled only by <blkiotune>. Now the io
  controller's version is read from the same mounts (parse.host._io_cgroup) and either
  controller on v1 fails the write limit.

Held: PLACEHOLDER

Probed by script, not kept: PLACEHOLDER

Tally: PLACEHOLDER

Leads left: PLACEHOLDER
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_redteam25_resources_probes import _blkio

# --- R26R-1: HVA-092, blkio on cgroup v1 beside memory on cgroup v2 -----------------------------

V2 = "cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate 0 0\n"
BLKIO_V1 = "cgroup /sys/fs/cgroup/blkio cgroup rw,nosuid,nodev,noexec,relatime,blkio 0 0\n"
MEMORY_V1 = "cgroup /sys/fs/cgroup/memory cgroup rw,nosuid,nodev,noexec,relatime,memory 0 0\n"


def test_r26r_1_blkio_on_v1_beside_memory_on_v2(tmp_path: Path) -> None:
    """Was pass "1 disk(s) and 0 interface(s) limited (outbound)": memory on cgroup v2 but the
    io controller bound to a v1 `blkio` hierarchy; inode_cgwb_enabled needs both on the
    default hierarchy, so the writeback goes out in the root cgroup."""
    assert _blkio(tmp_path, "", {"cgroup-mounts": (V2 + BLKIO_V1, 0)}) == (
        "fail",
        "disk /dev/vg0/data: <blkiotune> write limit does not hold (no cache mode: QEMU's "
        "writeback writes through the host page cache, and with the blkio controller on cgroup "
        "v1 its writeback is charged to the root cgroup, not the VM's)",
    )


def test_r26r_1_both_on_v1_named(tmp_path: Path) -> None:
    """Both controllers on v1 (a systemd hybrid hierarchy binds every controller to v1): the
    message names both."""
    assert _blkio(tmp_path, "", {"cgroup-mounts": (V2 + MEMORY_V1 + BLKIO_V1, 0)}) == (
        "fail",
        "disk /dev/vg0/data: <blkiotune> write limit does not hold (no cache mode: QEMU's "
        "writeback writes through the host page cache, and with the memory and blkio "
        "controllers on cgroup v1 its writeback is charged to the root cgroup, not the VM's)",
    )


@pytest.mark.parametrize(
    "driver",
    [
        "<driver name='qemu' type='raw' cache='none'/>",
        "<driver name='qemu' type='raw' cache='directsync'/>",
    ],
    ids=["none", "directsync"],
)
def test_r26r_1_held_direct_io_on_blkio_v1(tmp_path: Path, driver: str) -> None:
    """Held: an O_DIRECT disk's writes are submitted by QEMU's threads in the VM's blkio
    cgroup, whatever the hierarchy: still a pass."""
    assert _blkio(tmp_path, driver, {"cgroup-mounts": (V2 + BLKIO_V1, 0)}) == (
        "pass",
        "1 disk(s) and 0 interface(s) limited (outbound)",
    )
