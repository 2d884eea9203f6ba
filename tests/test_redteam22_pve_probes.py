"""Red team 22, Proxmox VE: a container's raw LXC memory limit in the over-commit ratio,
pve-firewall's force-disable flag left on a node that runs proxmox-firewall alone.

Harness: the live hardened node (pve+ssh replayed: test_pve_leads18._node over
test_redteam3_host_probes.pve_scan), container 300's configuration edited
(test_redteam21_pve4_probes._ct: HVA-060 of node pve-h1, 125.8 GiB of RAM, VM 200's 8 GiB);
verdicts through the real collector, parser and engine. For P22-2 the hardened tree with host.fw
`nftables: 1`, the process list showing proxmox-firewall alone and the tree's
run/proxmox-nftables-firewall-force-disable present or not (_flag_node). Sources read with
`fetch`: github:proxmox/pve-firewall 6f1311f (src/PVE/Firewall.pm, src/PVE/Firewall/Helpers.pm);
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
- P22-2 (false pass) HVA-301/302/313 (and HVA-303/191 of the node's VMs, manual before): the
  flag file was not collected. pve-firewall Helpers.pm `our $FORCE_NFT_DISABLE_FLAG_FILE =
  "/run/proxmox-nftables-firewall-force-disable"`; Firewall.pm update_force_nftables_disable_flag
  creates it `if (!($cluster_firewall_enabled && $is_nftables))` and unlinks it otherwise, and
  nothing else removes it (read with `fetch`; /run is emptied at boot); proxmox-firewall's
  run_firewall only removes its tables while it exists (P21F-4). So on a node whose `ps` shows
  proxmox-firewall alone (pve-firewall stopped after it wrote the flag), cluster firewall on
  and `nftables: 1` passed while no rule was applied. Now the collector reads the flag (absent
  on a live node when it does not exist); present with pve-firewall not running, the node's
  firewall is off (`daemons_off`, as P21F-3's); not read there, the node's cluster.fw fact asks
  whether it is absent.

Held (kept as tests):
- a raw `lxc.cgroup2.memory.max` below `memory` leaves `memory` counted (more is judged).

Probed by script, not kept: user.cfg ACL lines naming a group or user defined on a later line
(pve-access-control 5ccd07d parse_user_config warns "ignore invalid acl group" but still files
the ACL: `$acl_node->{groups}->{$group}->{$role} = $propagate`; hvaudit keeps them too);
`features: nesting=off` (read as off); qemu-server USB.pm `usbN: spice` (usb-redir only for
`m/^spice$/`, as hvaudit reads it).

Tally: 6 cases in 4 test functions; 4 failed on main d3243ad before the fixes.

Leads left (not settled in the time):
- P22-2's "flag not read" branch (the node's cluster.fw fact asks) is not pinned by a test: the
  replayed tree reads a missing file as absent; an older bundle without the artefact asks.
- `trunks=10-20` (qemu-server Network.pm trunks pattern `\\d+(?:-\\d+)?(?:;...)*`, ranges
  allowed) is read as VLAN 0 in HVA-192's message (the verdict, fail, is right).
- `usbN: SPICE`: the schema takes any case (`[Ss][Pp][Ii][Cc][Ee]`) but get_usb_devices matches
  `m/^spice$/` only, so print_usbdevice_full dies "no usb id or path given" (the VM does not
  start); hvaudit reads a host USB device "SPICE" (HVA-050 fail side).
- HVA-060 counts a container's cap, not its `swap` (memory.swap.max is not RAM); HA-managed
  guests (`ha/resources.cfg` state started) that are stopped and not onboot are not counted as
  starting (the HA manager starts them): not collected.
"""

from __future__ import annotations

import shutil
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


# --- P22-2: pve-firewall's force-disable flag on a node running proxmox-firewall alone ----


def _flag_node(tmp_path: Path, flag: bool) -> dict[tuple[str, str], tuple[str, str]]:
    """The hardened node's verdicts, host.fw with `nftables: 1`, `ps` showing proxmox-firewall
    and no pve-firewall, the force-disable flag file present or not."""
    from test_pve_leads18 import PVE_HARDENED
    from test_pve_leads19b import HOST, _text
    from test_redteam3_host_probes import PVE_PROCS, pve_scan

    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "tree"))
    (tree / HOST).write_text(_text(HOST).replace("enable: 1\n", "enable: 1\nnftables: 1\n", 1))
    if flag:
        (tree / "run").mkdir(exist_ok=True)
        (tree / "run/proxmox-nftables-firewall-force-disable").write_text("")
    procs = PVE_PROCS + "  951 root     proxmox-firewall\n"
    a = pve_scan(tmp_path, {"processes": (procs, 0)}, tree)
    return {
        (r.check.id, r.outcome.subject.name): (r.status.value, r.outcome.message) for r in a.results
    }


FLAG = (
    "/run/proxmox-nftables-firewall-force-disable exists and pve-firewall, which alone removes "
    "it, does not run: proxmox-firewall removes its tables while the flag exists"
)


def test_p22_2_flag_left_turns_proxmox_firewall_off(tmp_path: Path) -> None:
    """Was pass "cluster firewall on, input policy DROP" (HVA-301), "on (cluster firewall on,
    host.fw does not disable it)" (HVA-302), "IP set `management`: ..." (HVA-313): pve-firewall
    Firewall.pm update_force_nftables_disable_flag writes the flag unless it reads the cluster
    firewall and `nftables` on, and only it unlinks it; proxmox-firewall removes its tables
    while the flag exists."""
    got = _flag_node(tmp_path, True)
    assert got[("HVA-301", "pve-h1")] == (
        "fail",
        f"cluster.fw enables the firewall (input policy DROP), but {FLAG}: no rule is applied",
    )
    assert got[("HVA-302", "pve-h1")] == (
        "fail",
        f"cluster firewall on and host.fw does not disable it, but {FLAG}: no node rule is applied",
    )
    assert got[("HVA-313", "pve-h1")] == (
        "fail",
        f"{FLAG}: the management IP set filters nothing",
    )
    assert got[("HVA-303", "web-10")] == (
        "fail",
        f"BC:24:11:00:00:20: {FLAG}: no rule is applied",
    )


def test_p22_2_held_no_flag(tmp_path: Path) -> None:
    """Held: without the flag proxmox-firewall applies cluster.fw (the verdict before)."""
    got = _flag_node(tmp_path, False)
    assert got[("HVA-301", "pve-h1")] == ("pass", "cluster firewall on, input policy DROP")
