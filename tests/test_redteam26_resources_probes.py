"""Red-team round 26 probes: resource isolation (rt26res)

Harness: a test-driver node of one domain on the replayed hardened host (conftest.build_bundle
with HARDENED_HOST, its `cgroup-mounts` command output replaced per case), as R25R-4's _blkio
does; the real collector, bundle, parser and engine judge it. Every fact a verdict rests on
was read with the `search` / `find_string` / `read_file` tools and is cited here or in the
code.

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
- R26R-2 (false pass) HVA-070: any <memtune><soft_limit> counted as the VM's memory priority,
  even one the VM's memory cgroup can never exceed. On cgroup v1 only cgroups above their soft
  limit are reclaimed first (torvalds/linux mm/memcontrol-v1.c soft_limit_excess: `if (nr_pages
  > soft_limit) excess = nr_pages - soft_limit;`), and usage never exceeds the hard limit nor
  the host's RAM; Documentation/admin-guide/cgroup-v1/memory.rst 7.1: "It is recommended to set
  the soft limit always below the hard limit, otherwise the hard limit will take precedence".
  libvirt accepts such a value (src/conf/domain_validate.c virDomainDefMemtuneValidate checks
  huge page node sets only). A soft_limit at or above the hard limit (or, without one, the
  host's memory) passed as the priority; now it is judged as no soft_limit: a fail on cgroup
  v1, the VL18-8 question where the version is not known, named (_unreached_soft_limit).

Held: R26R-1: cache='none' and 'directsync' with blkio on v1 still pass. R26R-2: a soft_limit
below the hard limit still passes.

Probed by script, not kept (about 10 inputs; the verdict was right): HVA-090 with <quota>-1,
<period> without <quota>, <emulator_quota> alone (no vCPU limit: "no CPU ... limit"),
<quota>50000 and <global_quota>50000 (a limit); HVA-070 with a locked VM without hard_limit;
a soft_limit on cgroup v2 (asked, VL17-1). Read, not probed: libvirt formats memtune in KiB
whatever unit was written (R20's probes), so unit spellings never reach hvaudit; Proxmox VE
`allow-ksm` (qm.adoc: boolean, default 1) is read with that default.

Tally: 2 findings, 2 false passes; 9 tests; 6 failed before the fixes (R26R-1: 2 on main
2f30312, its 2 held passed; R26R-2: 4 on main after R26R-1, its held one passed).

Leads left (team decisions or not settled in the time):
- HVA-061: libvirt LXC domains count as merged without <nosharepages/> (for QEMU it is
  -machine mem-merge=off; what the LXC driver does with it was not read); their processes' memory is merged only if they madvise it MERGEABLE or use
  prctl(PR_SET_MEMORY_MERGE): a fail there may be wrong, a question may be the right verdict.
  Proxmox VE containers are not weighed at all (same question).
- Proxmox VE containers are subjects of no resource check (HVA-070/090/092 are per VM):
  `cpulimit` (default 0, unlimited), `cpuunits` and disk/network rates of a container are not
  judged. Team decision: should containers be subjects there?
- HVA-090: a <shares> equal to the default (1024 on v1, 100 on v2) counts as a priority.
- HVA-092: an IOPS-only limit (<iotune> write_iops_sec) counts as a write limit though it
  bounds no bandwidth (no size_iops_sec).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HARDENED_HOST, build_bundle, domain_xml, run_assessment, write_node
from test_redteam3_vm_probes import verdict
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


# --- R26R-2: HVA-070, a <memtune><soft_limit> the VM's cgroup never exceeds -------------------

HUGE = "<memoryBacking><hugepages/></memoryBacking>"


def _memory(tmp_path: Path, memtune: str, host: dict[str, object] | None = None) -> tuple[str, str]:
    """HVA-070 of VM `soft`, backed by huge pages (the guarantee), with `memtune`, on the
    replayed hardened host (memory on cgroup v1) and the test driver's 16 GiB node."""
    dom = domain_xml("soft", body=HUGE + f"<memtune>{memtune}</memtune>")
    uri = write_node(tmp_path / "n.xml", [dom])
    a = run_assessment(build_bundle(tmp_path, uri, dict(HARDENED_HOST, **(host or {})), name="m"))
    return verdict(a, "HVA-070", "soft")


HARD_2G = "<hard_limit unit='GiB'>2</hard_limit>"


@pytest.mark.parametrize(
    ("memtune", "have", "why"),
    [
        (
            HARD_2G + "<soft_limit unit='GiB'>2</soft_limit>",
            "memtune hard_limit 2097152 KiB; memtune soft_limit 2097152 KiB",
            "<memtune><soft_limit> 2.0 GiB is at or above the hard limit (2.0 GiB)",
        ),
        (
            HARD_2G + "<soft_limit unit='GiB'>200</soft_limit>",
            "memtune hard_limit 2097152 KiB; memtune soft_limit 209715200 KiB",
            "<memtune><soft_limit> 200.0 GiB is at or above the hard limit (2.0 GiB)",
        ),
        (
            "<soft_limit unit='GiB'>100</soft_limit>",
            "memtune soft_limit 104857600 KiB",
            "<memtune><soft_limit> 100.0 GiB is at or above the host's memory (16.0 GiB)",
        ),
    ],
    ids=["soft-eq-hard", "soft-above-hard", "soft-above-host"],
)
def test_r26r_2_unreached_soft_limit_is_no_priority(
    tmp_path: Path, memtune: str, have: str, why: str
) -> None:
    """Was pass (the soft_limit counted as the priority): on cgroup v1 only cgroups above their
    soft limit are reclaimed first (mm/memcontrol-v1.c soft_limit_excess), and usage never
    exceeds the hard limit nor the host's RAM; cgroup-v1/memory.rst 7.1: "set the soft limit
    always below the hard limit, otherwise the hard limit will take precedence"."""
    assert _memory(tmp_path, memtune) == (
        "fail",
        f"no memory priority (backed by pre-reserved huge pages; {have}; configured size "
        f"1.0 GiB): {why}, which the VM's memory cgroup never exceeds, so it is never "
        "reclaimed first",
    )


def test_r26r_2_unreached_soft_limit_on_unknown_cgroup_is_asked(tmp_path: Path) -> None:
    """Where the cgroup version is not known, such a soft_limit is asked as no soft_limit is
    (VL18-8): on cgroup v2 a memory.low could be the priority. Was pass."""
    got = _memory(
        tmp_path,
        HARD_2G + "<soft_limit unit='GiB'>2</soft_limit>",
        {"cgroup-mounts": TimeoutError("grep timed out")},
    )
    assert got == (
        "manual",
        "backed by pre-reserved huge pages; memtune hard_limit 2097152 KiB; memtune "
        "soft_limit 2097152 KiB; configured size 1.0 GiB; the cgroup version of host hv1 is "
        "not known (host/commands/cgroup-mounts.txt: grep timed out): <memtune><soft_limit> "
        "2.0 GiB is at or above the hard limit (2.0 GiB), which the VM's memory cgroup never "
        "exceeds, so it is never reclaimed first: no priority on cgroup v1, and on cgroup v2 "
        "the priority is the VM cgroup's memory.low or memory.min, which the definition does "
        "not set",
    )


def test_r26r_2_held_soft_limit_below_hard_limit(tmp_path: Path) -> None:
    """Held: a soft_limit below the hard limit (and the host's RAM) is still the priority."""
    assert _memory(tmp_path, HARD_2G + "<soft_limit unit='GiB'>1</soft_limit>") == (
        "pass",
        "backed by pre-reserved huge pages; memtune hard_limit 2097152 KiB; memtune soft_limit "
        "1048576 KiB; configured size 1.0 GiB",
    )
