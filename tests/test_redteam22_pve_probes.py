"""Red team 22, Proxmox VE: a container's raw LXC memory limit in the over-commit ratio.

Harness: the live hardened node (pve+ssh replayed: test_pve_leads18._node over
test_redteam3_host_probes.pve_scan), container 300's configuration edited
(test_redteam21_pve4_probes._ct: HVA-060 of node pve-h1, 125.8 GiB of RAM, VM 200's 8 GiB);
verdicts through the real collector, parser and engine. Sources read with `fetch`:
github:proxmox/pve-container 94f5585 (src/PVE/LXC.pm update_lxc_config, src/PVE/LXC/Config.pm
calculate_memory_constraints); the kernel's mm/memcontrol.c memory_max_write with
`find_string` ("page_counter_memparse(buf, \"max\", &max)").

Findings (P22-n):
- P22-1 (false pass) HVA-060: a container's memory was its `memory` option alone, but
  pve-container LXC.pm update_lxc_config writes `$raw .= "lxc.cgroup2.memory.max =
  $lxc_mem_max\\n"` and then appends every raw entry after its own (`foreach my $entry
  (@$lxcconf) { my ($k, $v) = @$entry; ... $raw .= "$k = $v\\n"; }`), so a raw
  `lxc.cgroup2.memory.max: 256G` is written to the same cgroup file after it, and the kernel
  takes `max` as no limit (memory_max_write: `page_counter_memparse(buf, "max", &max)`; v1
  memory.limit_in_bytes takes "-1"; both read with `fetch`/`find_string`). A node whose
  onboot container was `memory: 512` with `lxc.cgroup2.memory.max: 256G` passed at ratio
  0.07. Now the largest cap of `memory` and the raw `lxc.cgroup2.memory.max` /
  `lxc.cgroup.memory.limit_in_bytes` values is counted (`max`/`-1`: the host's RAM), and the
  message names the raw line.

Held (kept as tests):
- a raw `lxc.cgroup2.memory.max` below `memory` leaves `memory` counted (more is judged).

Probed by script, not kept: -

Tally: 4 cases in 2 test functions; 3 failed on main d3243ad before the fixes.

Leads left (not settled in the time): see the final report.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_redteam21_pve4_probes import _ct

HEAD = "1 running or autostart VM(s) configured with 8.0 GiB and 1 running or onboot container(s) "


# --- P22-1: a raw LXC memory limit above `memory` --------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "lxc.cgroup2.memory.max: 256G",
            (
                "fail",
                HEAD + "limited to 256.0 GiB on 125.8 GiB of host RAM: ratio 2.10 (limit 1.5); "
                "raw LXC memory limits: dns-01 (lxc.cgroup2.memory.max: 256G)",
            ),
        ),
        (
            "lxc.cgroup.memory.limit_in_bytes = 274877906944",
            (
                "fail",
                HEAD + "limited to 256.0 GiB on 125.8 GiB of host RAM: ratio 2.10 (limit 1.5); "
                "raw LXC memory limits: dns-01 (lxc.cgroup.memory.limit_in_bytes: "
                "274877906944)",
            ),
        ),
        (
            "lxc.cgroup2.memory.max = max",
            (
                "pass",
                HEAD + "limited to 125.8 GiB on 125.8 GiB of host RAM: ratio 1.06 (limit 1.5); "
                "raw LXC memory limits: dns-01 (lxc.cgroup2.memory.max: max: no limit, counted "
                "as the host's RAM)",
            ),
        ),
    ],
    ids=["cgroup2-256G", "cgroup1-bytes", "cgroup2-max"],
)
def test_p22_1_raw_memory_limit_counts(tmp_path: Path, raw: str, expected: tuple[str, str]) -> None:
    """Was pass "... limited to 0.5 GiB ...: ratio 0.07": pve-container appends the raw
    `lxc.cgroup2.memory.max` after the `memory` it writes as the same key (LXC.pm
    update_lxc_config), and the kernel takes `max` as no limit (mm/memcontrol.c
    memory_max_write `page_counter_memparse(buf, "max", &max)`); an unlimited container may
    fill the node's RAM and is counted as that."""
    assert _ct(tmp_path, [("swap: 512\n", f"swap: 512\n{raw}\n")]) == expected


def test_p22_1_held_raw_limit_below_memory(tmp_path: Path) -> None:
    """Held: a raw limit below `memory` (100M under 512 MiB) leaves `memory` counted: the larger
    cap is judged, never less."""
    assert _ct(tmp_path, [("swap: 512\n", "swap: 512\nlxc.cgroup2.memory.max: 100M\n")]) == (
        "pass",
        HEAD + "limited to 0.5 GiB on 125.8 GiB of host RAM: ratio 0.07 (limit 1.5)",
    )
