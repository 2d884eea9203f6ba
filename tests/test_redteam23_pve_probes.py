r"""Red team 23, Proxmox VE: the guests the HA manager starts (HVA-060); the volumes QEMU reads
from a storage server itself (HVA-238).

Harness: the live hardened node (pve+ssh replayed: test_redteam3_host_probes.pve_scan over
tests/fixtures/proxmox-hardened, VM 200 web-10 running, VM 201 api-11 stopped and not onboot,
container 300 dns-01 whose run state the replay does not settle), given an
/etc/pve/ha/resources.cfg and a larger `memory` for 201 or 300; HVA-060 of node pve-h1 (125.8
GiB of RAM, limit 1.5) through the real collector, parser and engine; for HVA-238 VM 200's
scsi0 moved to a storage added to storage.cfg. Sources read with `fetch`:
github:proxmox/pve-ha-manager b71218f, github:proxmox/pve-manager 14a22df,
github:proxmox/pve-storage 0c56bad.

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
- P23-2 (false pass: no verdict) HVA-238: the check ran on kvm-libvirt only, so a Proxmox VE VM
  whose disk QEMU reads from an iSCSI target with no CHAP had no verdict at all. pve-storage
  ISCSIDirectPlugin.pm / ZFSPlugin.pm (type `zfs`, ZFS over iSCSI) `path`: `my $path =
  "iscsi://$portal/$target/$lun";`, qemu_blockdev_options `driver => 'iscsi', transport =>
  'tcp', portal, target, lun` and no user or password-secret; their `sub options` list no CHAP
  key. RBDPlugin.pm path: `if ($scfg->{krbd}) { ... return ($rbd_dev_path ...` else
  `"rbd:${rbd_path}"` (librbd; CephConfig.pm `auth_supported = (defined
  $cmd_option->{keyring}) ? 'cephx' : 'none'`); GlusterfsPlugin.pm (before 7669a99)
  `"gluster://$server/$glustervolume/images/$vmid/$name"`. Now HVA-238 runs on Proxmox VE:
  an iscsidirect or ZFS over iSCSI volume fails (the ZFS portal is now the storage's server),
  an rbd volume without krbd and a glusterfs one are asked about, krbd and kernel-mounted
  storages are not QEMU's (n/a when nothing else).

Held (kept as tests):
- `state ignored`: onboot applies (VM 201 not counted): pass.

Probed by script, not kept: `vm: 200 state disabled` with 200 running (still counted: pass);
a glusterfs volume (manual, "QEMU's gluster client has no TLS").

Tally: 10 cases in 4 test functions; 5 failed on main a1fc506 before P23-1, 4 on main
2f41e9f before P23-2.

Leads left (not settled in the time):
- resources.cfg not collected (bundles before this round, an API token without Sys.Audit, a
  copied tree without it as an absent file): onboot stays the reading; a question would be
  stricter. manager_status `disarm` mode `ignore` (newer pve-ha-manager) not read.
- HA failover brings other nodes' `started` guests to this node (groups / node affinity rules):
  HVA-060 counts the guests configured on this node only.
- HVA-238: efidisk0 / tpmstate0 (and unused disks) on an iscsidirect or ZFS over iSCSI
  storage are not in the VM's disks; whether an rbd storage's keyring exists (auth_supported
  none without it) is not collected.
- proxmox-firewall `!` entries; LXC `ip=` (containers have no HVA-191 verdict at all);
  HVA-306/309; `usbN: SPICE`: not probed.
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
        (tree / "etc/pve/ha").mkdir(exist_ok=True)
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


def _hva238(tmp_path: Path, storage: str, volume: str) -> tuple[str, str] | None:
    """HVA-238 of VM 200 (web-10) whose scsi0 is `volume` of `storage` (added to storage.cfg);
    None where the check gave web-10 no verdict."""
    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "tree"))
    cfg = tree / "etc/pve/storage.cfg"
    cfg.write_text(cfg.read_text() + "\n" + storage)
    conf = tree / "etc/pve/qemu-server/200.conf"
    assert "scsi0: local-lvm:vm-200-disk-1," in conf.read_text()
    conf.write_text(conf.read_text().replace("local-lvm:vm-200-disk-1", volume))
    a = pve_scan(tmp_path, {"processes": (PVE_PROCS, 0)}, tree)
    r = next(
        (r for r in a.results if (r.check.id, r.outcome.subject.name) == ("HVA-238", "web-10")),
        None,
    )
    return None if r is None else (r.status.value, r.outcome.message)


LIBISCSI = "opened by QEMU's libiscsi, which pve-storage gives no CHAP user"


@pytest.mark.parametrize(
    ("storage", "volume", "want"),
    [
        (
            "iscsidirect: san\n\tportal 198.51.100.7\n\ttarget iqn.2003-01.org.example:t1\n"
            "\tcontent images\n",
            "san:0.0.1.scsi-36001405aa",
            (
                "fail",
                f"volume of storage san (iscsidirect, {LIBISCSI}): iscsi disk "
                "san:0.0.1.scsi-36001405aa (198.51.100.7): no <auth> (no CHAP)",
            ),
        ),
        (
            "zfs: zsan\n\tportal 198.51.100.8:3260\n\ttarget iqn.2003-01.org.example:z\n"
            "\tpool tank\n\tblocksize 4k\n\tiscsiprovider LIO\n\tlio_tpg tpg1\n"
            "\tcontent images\n",
            "zsan:vm-200-disk-0",
            (
                "fail",
                f"volume of storage zsan (ZFS over iSCSI, {LIBISCSI}): iscsi disk "
                "zsan:vm-200-disk-0 (198.51.100.8): no <auth> (no CHAP)",
            ),
        ),
        (
            "rbd: ceph-ext\n\tmonhost 198.51.100.9 198.51.100.10\n\tpool vms\n\tcontent images\n",
            "ceph-ext:vm-200-disk-0",
            (
                "manual",
                "volume of storage ceph-ext (Ceph RBD through QEMU's librbd (krbd off)): rbd "
                "disk ceph-ext:vm-200-disk-0 (198.51.100.9, 198.51.100.10): QEMU's rbd client "
                "has no TLS",
            ),
        ),
        (
            "rbd: ceph-ext\n\tmonhost 198.51.100.9\n\tpool vms\n\tkrbd 1\n\tcontent images\n",
            "ceph-ext:vm-200-disk-0",
            ("not_applicable", "no network disks"),
        ),
    ],
    ids=["iscsidirect", "zfs-over-iscsi", "rbd-librbd", "rbd-krbd"],
)
def test_p23_2_proxmox_volumes_qemu_reads_over_the_network(
    tmp_path: Path, storage: str, volume: str, want: tuple[str, str]
) -> None:
    """P23-2: HVA-238 ran on kvm-libvirt only, so a Proxmox VE VM had no verdict (None).
    pve-storage 0c56bad (`fetch`): ISCSIDirectPlugin.pm and ZFSPlugin.pm `path` give
    `"iscsi://$portal/$target/$lun"`, qemu_blockdev_options `{ driver => 'iscsi', transport =>
    'tcp', portal => ..., target => ..., lun => ... }` (no user, no password-secret), and
    their `sub options` have no CHAP key: fail. RBDPlugin.pm path: `if ($scfg->{krbd}) {
    ... return ($rbd_dev_path, ...)` (the host kernel maps it: not QEMU's), else
    `"rbd:${rbd_path}"` for librbd, whose transport is asked about."""
    assert _hva238(tmp_path, storage, volume) == want
