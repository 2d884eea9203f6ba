r"""Red team 23, Proxmox VE: the guests the HA manager starts (HVA-060).

Harness: the live hardened node (pve+ssh replayed: test_redteam3_host_probes.pve_scan over
tests/fixtures/proxmox-hardened, VM 200 web-10 running, VM 201 api-11 stopped and not onboot,
container 300 dns-01 whose run state the replay does not settle), given an
/etc/pve/ha/resources.cfg and a larger `memory` for 201 or 300; HVA-060 of node pve-h1 (125.8
GiB of RAM, limit 1.5) through the real collector, parser and engine. Sources read with
`fetch`: github:proxmox/pve-ha-manager b71218f, github:proxmox/pve-manager 14a22df.

Findings (P23-n):
- P23-1 (false pass) HVA-060: a guest the HA manager keeps `started` (resources.cfg `vm: 201`,
  no state line) that is stopped now and not onboot was not counted (pass "1 running or
  autostart VM(s) configured with 8.0 GiB ..."): hvaudit read onboot alone as "starts without
  an operator", and did not collect /etc/pve/ha/resources.cfg. pve-ha-manager
  src/PVE/HA/Resources.pm: `state => { ... enum => ['started', 'stopped', 'enabled',
  'disabled', 'ignored'], optional => 1, default => 'started'`, "`started`;; The CRM tries to
  start the resource"; Config.pm read_and_check_resources_config: `$d->{state} = 'started' if
  $d->{state} eq 'enabled'; # backward compatibility`; parse_section_header `my ($type, $name) =
  (lc($1), $2)`. And onboot starts no HA-managed guest (wrong fail the other way: an onboot VM
  HA keeps `stopped` was counted): pve-manager PVE/API2/Nodes.pm get_filtered_vmlist (startall's
  list) `return if !$ha_managed && PVE::HA::Config::vm_is_ha_managed($vmid);`, whose
  $service_check_ha_state says "ignored service behave as if they were not managed by HA".
  A container likewise (`ct: 300`; was a question on its run state). Now: resources.cfg is
  collected (files path; API path GET /cluster/ha/resources, Sys.Audit on `/`) and a guest it
  lists, not `ignored`, starts by itself exactly when its state is `started` (`_starts`).

Held (kept as tests):
- `state ignored`: onboot applies (VM 201 not counted): pass.

Probed by script, not kept: `vm: 200 state disabled` with 200 running (still counted: pass).

Tally: 6 cases in 3 test functions; 5 failed on main a1fc506 before the fixes.

Leads left (not settled in the time):
- resources.cfg not collected (bundles before this round, an API token without Sys.Audit, a
  copied tree without it as an absent file): onboot stays the reading; a question would be
  stricter. manager_status `disarm` mode `ignore` (newer pve-ha-manager) not read.
- HA failover brings other nodes' `started` guests to this node (groups / node affinity rules):
  HVA-060 counts the guests configured on this node only.
- proxmox-firewall `!` entries; LXC `ip=` in HVA-191's ARP filter; HVA-238 on Proxmox storages
  (iscsidirect, ZFS over iSCSI, glusterfs, rbd krbd 0); HVA-306/309; `usbN: SPICE`: not probed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from test_redteam2_probes import PVE_HARDENED
from test_redteam3_host_probes import PVE_PROCS, pve_scan


def _hva060(tmp_path: Path, ha: str | None, conf: str, edits: dict[str, str]) -> tuple[str, str]:
    """HVA-060 of node pve-h1, `conf` (below etc/pve) edited (old -> new), with `ha` as
    /etc/pve/ha/resources.cfg (None: no such file)."""
    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "tree"))
    f = tree / "etc/pve" / conf
    text = f.read_text()
    for old, new in edits.items():
        assert old in text
        text = text.replace(old, new)
    f.write_text(text)
    if ha is not None:
        (tree / "etc/pve/ha").mkdir()
        (tree / "etc/pve/ha/resources.cfg").write_text(ha)
    a = pve_scan(tmp_path, {"processes": (PVE_PROCS, 0)}, tree)
    r = next(r for r in a.results if r.check.id == "HVA-060")
    return r.status.value, r.outcome.message


CT = " and 1 running or onboot container(s) limited to 0.5 GiB on 125.8 GiB of host RAM: "
OVER = (
    "fail",
    "2 running or autostart VM(s) configured with 200.0 GiB" + CT + "ratio 1.59 (limit 1.5)",
)
UNDER = (
    "pass",
    "1 running or autostart VM(s) configured with 8.0 GiB" + CT + "ratio 0.07 (limit 1.5)",
)


@pytest.mark.parametrize(
    ("ha", "onboot", "want"),
    [
        ("vm: 201\n", "", OVER),
        ("VM: 201\n\tstate enabled\n", "", OVER),
        ("vm: 201\n\tstate stopped\n", "onboot: 1\n", UNDER),
        ("vm: 201\n\tstate ignored\n", "", UNDER),
    ],
    ids=["ha-default-started", "ha-enabled-upper-type", "onboot-ha-stopped", "held-ignored"],
)
def test_p23_1_ha_started_vm_counts(
    tmp_path: Path, ha: str, onboot: str, want: tuple[str, str]
) -> None:
    """P23-1: VM 201 (192 GiB, stopped) was counted by onboot alone: `vm: 201` (state default
    `started`, `enabled` its alias, the type lower-cased) was pass UNDER, and onboot 1 with HA
    `stopped` (startall skips HA-managed guests) was fail OVER. Held: `ignored` is not
    HA-managed, onboot (off) applies."""
    edits = {"memory: 4096\n": f"memory: 196608\n{onboot}"}
    assert _hva060(tmp_path, ha, "qemu-server/201.conf", edits) == want


def test_p23_1_ha_started_container_counts(tmp_path: Path) -> None:
    """P23-1: container 300 (192 GiB, onboot off, run state not settled by the replay) that HA
    keeps `started` starts by itself: was manual (its run state asked), now counted."""
    edits = {"memory: 512\n": "memory: 196608\n", "onboot: 1\n": ""}
    assert _hva060(tmp_path, "ct: 300\n", "lxc/300.conf", edits) == (
        "fail",
        "1 running or autostart VM(s) configured with 8.0 GiB and 1 running or onboot "
        "container(s) limited to 192.0 GiB on 125.8 GiB of host RAM: ratio 1.59 (limit 1.5)",
    )


def test_p23_1_api_rendering_reads_back() -> None:
    """P23-1, API path: GET /cluster/ha/resources (pve-ha-manager API2/HA/Resources.pm index:
    each section's options plus `sid`; `state` only where the file sets one) rendered as
    resources.cfg reads back as the file does."""
    from hvaudit.collect.proxmox_api import render_ha_resources
    from hvaudit.parse.proxmox import parse_ha_resources

    text = render_ha_resources(
        [
            {"sid": "vm:201", "type": "vm", "max_restart": 1},
            {"sid": "ct:300", "type": "ct", "state": "stopped", "group": "g1"},
            {"sid": "vm:202", "type": "vm", "state": "enabled"},
        ]
    )
    assert parse_ha_resources(text, "resources.cfg") == {
        "vm:201": "started",
        "ct:300": "stopped",
        "vm:202": "started",
    }
