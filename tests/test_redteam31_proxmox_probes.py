"""Red-team round 31 probes: Proxmox VE (rt31pve).

Harness: the API path (pve+api://pve.example:8006/pve1) through the real ProxmoxApiCollector,
parser and engine, proxmoxer's client answering each GET from round 28's table
(test_redteam28_proxmox_probes._answers: node pve1, VM 100 web-01; a GET the table lacks
answers 501), with round 30's token that holds PVEAuditor on two storages alone
(test_redteam30_proxmox_probes.STORAGE_PERMS: GET /storage lists local and local-lvm); and the
hardened Proxmox VE tree (tests/fixtures/proxmox-hardened) copied and scanned as pve+dir://,
storage.cfg made a FIFO the reader refuses. Sources read with `fetch`: github:proxmox/
pve-storage 0c56bad (src/PVE/Storage/Plugin.pm parse_config, src/PVE/API2/Storage/Config.pm
index), pve-ha-manager b71218f (src/PVE/API2/HA/Resources.pm index).

Findings:
- R31P-1 (false n/a) HVA-238, HVA-059: a VM volume whose storage is not in the evidence (GET
  /storage hides it from the token, R30P-3, or storage.cfg was not read, R31P-2) had no
  storage type, so `_pve_network_volume` took it for a local volume: web-01's scsi1 on an
  iscsidirect storage `san` the token may not see was "no network disks" (HVA-238, n/a), where
  the same VM with `san` listed fails (QEMU's libiscsi, no CHAP), and on a machine pinned to
  pc-i440fx-4.0 HVA-059 was "no SCSI LUN passed through" where it fails with `san` listed
  (qemu-server get_scsi_device_type makes it scsi-generic, L14-2). Now both ask, naming the
  storages and volumes, why the storage list may be incomplete, and storage.cfg's entries as
  the evidence (devices.py `_pve_storage_unseen`; guest.py `_pve_scsi_question`). `local` is
  never asked about: pve-storage makes it a dir storage at /var/lib/vz whatever the file says
  (Plugin.pm parse_config "make sure we have a reasonable 'local:' storage").
- R31P-2 (false n/a) HVA-100: storage.cfg not read (a FIFO in a copied tree, a read refused or
  timed out on a live node, GET /storage failing) left the cluster without storages: HVA-100
  was "no pool on this host to evaluate" (n/a). A node always has storages (pve-storage
  Plugin.pm parse_config adds `local`, a dir storage at /var/lib/vz holding iso and vztmpl,
  where the file lacks one), so the list is now not known (ProxmoxHost.storages_unseen: "storage.cfg was not
  read (...)") and HVA-100 asks R30P-3's question, whose fail now names pve-storage's own
  `local`.

Held:
- R31P-1: a token seeing every storage (PVEAuditor on `/`): scsi1 on `san` fails HVA-238 and,
  on pc-i440fx-4.0, HVA-059, as before; with the two storages alone, a VM whose volumes are all
  on local-lvm (listed) and `local` (always a dir storage) stays n/a.
- GET /cluster/ha/resources (the lead of round 30) is no per-entry filter: pve-ha-manager
  b71218f src/PVE/API2/HA/Resources.pm index checks Sys.Audit on `/` and lists every
  resource, so a token without it gets a 403 (recorded unavailable, P23-1's question), never a
  cut list; hvaudit reads no /pools.

Probed by script, not kept: a storage.cfg without `local` (pve-storage adds its own, parse
_storage already does: PVE_LOCAL_STORAGE), held.

Tally: 2 findings (2 false n/a); 7 test cases in 4 functions, 4 failed on main (99fead02)
before their fix (R31P-1 3 of 6: n/a, no question; R31P-2 1 of 1: n/a), 3 held passed before
and after.

Leads left:
- A storage.cfg that does not exist on a live node is pve-storage's `local` alone (dir,
  /var/lib/vz, iso and vztmpl: an HVA-100 fail); it is now asked, as an unread one.
- Other readers of a disk's storage (HVA-092/blkiotune volume paths, _disk_twins) are
  libvirt's; not probed on Proxmox VE with a storage list that may be incomplete.
- Containers' rootfs and mpN on a hidden storage: no container check reads a storage type.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from hvaudit.cli import main
from test_redteam2_probes import PVE_HARDENED
from test_redteam28_proxmox_probes import (
    AUDITOR,
    TOP,
    USER_ACL,
    VM100,
    _acl,
    _answers,
    _api_scan,
)
from test_redteam30_proxmox_probes import STORAGE_ACL, STORAGE_HIDDEN, STORAGE_PERMS, _report

#: an iscsidirect storage (pve-storage ISCSIDirectPlugin.pm: QEMU's libiscsi, no CHAP option)
SAN = {
    "storage": "san",
    "type": "iscsidirect",
    "portal": "10.0.0.5",
    "target": "iqn.2003-01.org.example:t1",
    "content": "images",
}
LUN = "san:0.0.1.scsi-36001405aa"
PARTIAL = (
    "the API token holds neither Datastore.Audit nor Datastore.AllocateSpace on /storage, "
    f"propagated to every storage; {STORAGE_HIDDEN}"
)


def _san_scan(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    whole: bool,
    config: dict[str, Any],
) -> dict[tuple[str, str], tuple[str, str]]:
    """Round 28's table with web-01's configuration `config`, and a token seeing every storage
    (`whole`: GET /storage lists `san` too) or local and local-lvm alone."""
    perms, acl = (
        (dict.fromkeys(TOP, AUDITOR), [_acl("/", "PVEAuditor")])
        if whole
        else (STORAGE_PERMS, STORAGE_ACL)
    )
    answers = _answers(perms, [USER_ACL, *acl], ["qemu/100"])
    answers["access/roles"] = [{"roleid": "NodeAudit", "privs": "Sys.Audit"}]
    answers["nodes/pve1/qemu/100/config"] = config
    if whole:
        answers["storage"].append(SAN)
    return _api_scan(monkeypatch, capsys, answers)


WITH_LUN = VM100 | {"scsi1": f"{LUN},size=32G"}
OLD_MACHINE = WITH_LUN | {"machine": "pc-i440fx-4.0"}
#: HVA-238's ask for `san`, hidden from the token
SAN_UNSEEN = (
    f"volume(s) of storage(s) the evidence does not hold (san: {LUN}; {PARTIAL}): whether QEMU "
    "reads them from the storage's server itself (iscsidirect, ZFS over iSCSI, RBD without "
    "krbd, GlusterFS) is not known"
)
SAN_FAILS = (
    "fail",
    "volume of storage san (iscsidirect, opened by QEMU's libiscsi, which pve-storage gives no "
    f"CHAP user): iscsi disk {LUN} (10.0.0.5): no <auth> (no CHAP)",
)
NO_LUN = ("not_applicable", "no SCSI LUN passed through (no scsiblock=1)")


@pytest.mark.parametrize(
    ("config", "want059"),
    [
        (WITH_LUN, NO_LUN),
        (
            OLD_MACHINE,
            (
                "manual",
                f"{LUN} on machine pc-i440fx-4.0, below 4.1, of storage(s) the evidence does not "
                f"hold ({PARTIAL}): qemu-server makes a volume of an iscsidirect or ZFS over "
                "iSCSI storage scsi-generic there",
            ),
        ),
    ],
    ids=["hva238", "hva059-machine-4.0"],
)
def test_r31p1_volume_of_a_hidden_storage_is_asked(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    config: dict[str, Any],
    want059: tuple[str, str],
) -> None:
    """R31P-1 (false n/a) HVA-238, HVA-059: web-01's scsi1 is a LUN of iscsidirect storage
    `san`, which GET /storage does not list to a token without Datastore.Audit on it
    (pve-storage 0c56bad src/PVE/API2/Storage/Config.pm index). HVA-238 read the volume as a
    local one ("no network disks"), and on pc-i440fx-4.0 HVA-059 "no SCSI LUN passed through",
    where the token seeing `san` fails both. Now both ask."""
    got = _san_scan(monkeypatch, capsys, False, config)
    assert got[("HVA-238", "web-01")] == ("manual", SAN_UNSEEN)
    assert got[("HVA-059", "web-01")] == want059


def test_r31p1_questions_name_storage_cfg(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """R31P-1: each question names what answers it, the storage's entry in storage.cfg."""
    answers = _answers(STORAGE_PERMS, [USER_ACL, *STORAGE_ACL], ["qemu/100"])
    answers["access/roles"] = [{"roleid": "NodeAudit", "privs": "Sys.Audit"}]
    answers["nodes/pve1/qemu/100/config"] = OLD_MACHINE
    report = _report(monkeypatch, capsys, answers)
    got = {
        r["check_id"]: r.get("question")
        for r in report["results"]
        if r["subject"]["name"] == "web-01"
    }
    assert got["HVA-238"] == (
        f"Is the storage traffic of VM web-01's network disk(s) ({SAN_UNSEEN}) encrypted and "
        "authenticated between this host and the storage server? Evidence: ceph.conf ms_mode / "
        "ms_client_mode, the GlusterFS volume's client.ssl, IPsec policy (ip xfrm policy) for "
        "the server's address, the raw argument's tls-creds; for a storage the evidence does not "
        "hold, its entry in /etc/pve/storage.cfg read as root (its type, `portal` or `monhost`, "
        "`krbd`). Pass: encrypted with the server authenticated, or a storage the node's kernel "
        "mounts or maps (dir, lvm, lvmthin, zfspool, nfs, cifs, cephfs, iscsi, rbd with `krbd "
        "1`); fail: cleartext on any path, or an iscsidirect or ZFS over iSCSI (`zfs`) storage, "
        "whose iSCSI initiator in QEMU gets no CHAP."
    )
    assert got["HVA-059"] == (
        "Is none of storage(s) san an iscsidirect or ZFS over iSCSI (`zfs`) storage? Evidence: "
        "their entries in /etc/pve/storage.cfg read as root on node pve1. Pass: yes, none is of "
        "type iscsidirect or zfs; fail: no, a tape or a storage controller or an iSCSI storage "
        "QEMU's libiscsi reads, whose guest sends any SCSI command to the device."
    )


@pytest.mark.parametrize(
    ("whole", "config", "want238", "want059"),
    [
        (True, WITH_LUN, SAN_FAILS, NO_LUN),
        (
            True,
            OLD_MACHINE,
            SAN_FAILS,
            (
                "fail",
                f"{LUN} (storage san, iscsi-direct) on machine pc-i440fx-4.0, below 4.1: "
                "qemu-server makes an iSCSI volume scsi-generic there, and QEMU's libiscsi sends "
                "every SCSI command of the guest to the target",
            ),
        ),
        (
            False,
            OLD_MACHINE | {"scsi1": "local:100/vm-100-disk-1.qcow2,size=8G"},
            ("not_applicable", "no network disks"),
            NO_LUN,
        ),
    ],
    ids=["san-listed", "san-listed-machine-4.0", "local-and-listed-storages-only"],
)
def test_r31p1_held_storages_known_are_judged(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    whole: bool,
    config: dict[str, Any],
    want238: tuple[str, str],
    want059: tuple[str, str],
) -> None:
    """R31P-1 held: with `san` listed both checks fail as before; with the storage list partial,
    volumes on a listed storage (local-lvm) and on `local` (always pve-storage's dir storage at
    /var/lib/vz: Plugin.pm parse_config) are judged, not asked."""
    got = _san_scan(monkeypatch, capsys, whole, config)
    assert got[("HVA-238", "web-01")] == want238
    assert got[("HVA-059", "web-01")] == want059


def _unread_storage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Any, Path]:
    """The hardened tree (pve+dir://) with storage.cfg a FIFO the reader refuses: its report."""
    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "pve"))
    cfg = tree / "etc/pve/storage.cfg"
    cfg.unlink()
    os.mkfifo(cfg)
    main(["scan", "--connect", f"pve+dir://{tree}", "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    return json.loads(out), cfg


def test_r31p2_storage_cfg_unread_is_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R31P-2 (false n/a) HVA-100, and R31P-1 HVA-238 on its VMs: storage.cfg not read left no
    storage, and HVA-100 was "no pool on this host to evaluate", though a node always has one
    (pve-storage 0c56bad Plugin.pm parse_config adds `local` for iso and vztmpl on the node).
    web-10's volumes on local-lvm were "no network disks"."""
    report, cfg = _unread_storage(tmp_path, capsys)
    got = {
        (r["check_id"], r["subject"]["name"]): (r["status"], r["message"], r.get("question"))
        for r in report["results"]
    }
    why = f"storage.cfg was not read (/etc/pve/storage.cfg: {cfg}: a FIFO, not read)"
    assert got[("HVA-100", "pve-h1")] == (
        "manual",
        f"no storage of the cluster judged; the storage list may be incomplete: {why}",
        "Does every storage of /etc/pve/storage.cfg that this report does not judge keep its "
        "ISO images and templates off the hypervisor nodes? Evidence: /etc/pve/storage.cfg "
        "read as root on node pve-h1 (each storage's type, `content`, `path` or server, and "
        "`nodes`). Pass: yes, or every storage it lists is judged here; fail: a storage not "
        "judged here holds `iso` or `vztmpl` content on a node's own disks or on a server that "
        "is a node of the cluster (a storage.cfg without `dir: local` at /var/lib/vz gets "
        "pve-storage's own, which does).",
    )
    assert got[("HVA-238", "web-10")][:2] == (
        "manual",
        "volume(s) of storage(s) the evidence does not hold (local-lvm: "
        "local-lvm:vm-200-disk-1, local-lvm:vm-200-disk-0, local-lvm:vm-200-disk-2; "
        f"{why}): whether QEMU reads them from the storage's server itself (iscsidirect, ZFS "
        "over iSCSI, RBD without krbd, GlusterFS) is not known",
    )
