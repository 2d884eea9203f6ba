"""Red-team round 25 probes: resource isolation and QEMU process checks (rt25res)

Harness: the replayed hardened Proxmox VE node of tests/fixtures/proxmox-hardened
(test_pve_leads18._node: pve+ssh, pve-firewall running), its files edited per case; the real
collector, bundle, parser and engine judge them. Every fact a verdict rests on was read with the
`search` / `find_string` / `read_file` tools and is cited here or in the code.

Findings (R25R-n):
- R25R-1 (false pass) HVA-081: the vCPUs of running and onboot VMs were set against the node's
  cores, but a Proxmox VE node's LXC containers, which run on the same cores, were left out. A
  node with 16 cores, a 4-vCPU VM and an onboot container with `cores: 30` (or none: all 32
  CPUs) passed at ratio 0.25. pve-container Config.pm `cores`: "The number of cores assigned to
  the container. A container can use all available cores by default"; pve-manager
  PVE/Service/pvestatd.pm rebalance_lxc_containers enacts it as a cpuset of `my $cores =
  $conf->{cores} || $cpucount; $cores = $cpucount if $cores > $cpucount;` CPUs, and leaves a
  container with a raw `lxc.cgroup2.cpuset.cpus` / `lxc.cgroup.cpuset.cpus` entry to the set
  that entry writes. Now each running or onboot container's CPUs are counted with the VMs'
  (HVA-060 counts their memory, P21D-2), and one whose run state is not settled and that does
  not start at boot is asked.

Held (kept as tests): `cores: 1` (the fixture) and `cores: 12` (ratio 1.00) still pass.

Probed by script, not kept: <vcpu placement='auto' cpuset=...> (libvirt drops the cpuset, the
vCPUs read as unpinned), <vcpu current> below the maximum (HVA-080/081 count the maximum).

Tally: 1 finding, 1 false pass; 5 tests; 5 failed before the fix on main 54fb3cb (the held one by its
message: a pass there too, which now names the container's CPUs).

Leads left:
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_pve_leads18 import _node
from test_pve_leads19b import _text

CT = "etc/pve/lxc/300.conf"


def _pve(tmp_path: Path, check: str, edits: list[tuple[str, str]]) -> tuple[str, str]:
    """`check`'s verdict of the node with container 300's configuration edited."""
    text = _text(CT)
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    result: tuple[str, str] = _node(tmp_path, {CT: text})[(check, "pve-h1")]
    return result


# --- R25R-1: HVA-081, a Proxmox VE node's containers run on its cores ---------------------------


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        (
            [("cores: 1", "cores: 30")],
            (
                "fail",
                "4 vCPU(s) across 1 running or autostart VM(s) and 30 CPU(s) of 1 running or "
                "onboot container(s) on 16 core(s): ratio 2.12 (limit 1)",
            ),
        ),
        (
            [("cores: 1\n", "")],
            (
                "fail",
                "4 vCPU(s) across 1 running or autostart VM(s) and 32 CPU(s) of 1 running or "
                "onboot container(s) on 16 core(s): ratio 2.25 (limit 1); container CPUs: "
                "dns-01 (no cores: all 32)",
            ),
        ),
        (
            [("cores: 1", "cores: 1\nlxc.cgroup2.cpuset.cpus: 0-15")],
            (
                "fail",
                "4 vCPU(s) across 1 running or autostart VM(s) and 16 CPU(s) of 1 running or "
                "onboot container(s) on 16 core(s): ratio 1.25 (limit 1); container CPUs: "
                "dns-01 (lxc.cgroup2.cpuset.cpus: 0-15)",
            ),
        ),
        (
            [("cores: 1\n", ""), ("onboot: 1", "onboot: 0")],
            (
                "manual",
                "4 vCPU(s) across 1 running or autostart VM(s) on 16 core(s): ratio 0.25 "
                "(limit 1); container CPUs: dns-01 (no cores: all 32); run state unknown for "
                "container(s) dns-01 (run state not settled by the evidence, onboot off): "
                "ratio 2.25 if they run",
            ),
        ),
    ],
    ids=["cores30", "nocores", "rawcpuset", "unknown"],
)
def test_r25r_1_container_cores_count(
    tmp_path: Path, edits: list[tuple[str, str]], expected: tuple[str, str]
) -> None:
    """Was pass "4 vCPU(s) across 1 running or autostart VM(s) on 16 core(s): ratio 0.25":
    pvestatd.pm rebalance_lxc_containers gives a container `$conf->{cores} || $cpucount` CPUs
    (a raw cpuset entry instead: its set), on the cores the VMs' vCPUs run on."""
    assert _pve(tmp_path, "HVA-081", edits) == expected


def test_r25r_1_held_container_within_cores(tmp_path: Path) -> None:
    """Held: `cores: 12` beside the 4-vCPU VM is 16 of 16 cores, within the ratio 1."""
    assert _pve(tmp_path, "HVA-081", [("cores: 1", "cores: 12")]) == (
        "pass",
        "4 vCPU(s) across 1 running or autostart VM(s) and 12 CPU(s) of 1 running or onboot "
        "container(s) on 16 core(s): ratio 1.00 (limit 1)",
    )
