"""Leads 19, Proxmox VE: the leads rounds 18 left (tests/test_pve_leads18.py and
tests/test_redteam18_pve_probes.py, "Leads left").

Findings:

- L19-7P (false pass): HVA-309 on the API path judged /etc/pve/corosync.conf's totem alone
  and passed a hardened one; the API serves only that file (github:proxmox/pve-cluster
  7091d92 src/PVE/API2/ClusterConfig.pm `totem`: `cfs_read_file('corosync.conf')`), while
  corosync reads the node's /etc/corosync/corosync.conf (cfs-utils.h HOST_CLUSTER_CONF_FN),
  which pmxcfs keeps when its config_version is higher (dcdb.c dcdb_sync_corosync_conf `if
  (new_version < old_version) { cfs_critical("local corosync.conf is newer"); goto ret; }`,
  P18-5). A pass of /etc/pve's copy with the local file not collected (or its read failed) is
  now the question ("Which crypto does corosync run with on node ...? Evidence:
  `corosync-cmapctl -g totem.crypto_cipher` ..."); a weak copy still fails.

Held (kept as tests): L19-7P: a weak /etc/pve copy without the local file fails; a copied tree
without the local file passes (P18-5's held case: the copy is the node's files); a live node
with no local file passes (dcdb.c: G_FILE_ERROR_NOENT leaves old_version 0 and pmxcfs writes
/etc/pve's copy).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from test_proxmox_api import SECRET, TOKEN, scan, seeded  # noqa: F401 - a fixture
from test_redteam2_probes import PVE_HARDENED, pve_result

COROSYNC = (PVE_HARDENED / "etc/pve/corosync.conf").read_text()
WEAK = COROSYNC.replace(
    "  crypto_cipher: aes256\n  crypto_hash: sha256\n",
    "  crypto_cipher: none\n  crypto_hash: none\n",
)
LOCAL = "etc/corosync/corosync.conf"


def _dir_scan(tmp_path: Path, capsys: pytest.CaptureFixture[str], edits: dict[str, str]) -> dict:
    """The hardened node copied (pve+dir://) with files written (path -> text)."""
    from hvaudit.cli import main

    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "pve"))
    for rel, text in edits.items():
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_text(text)
    main(["scan", "--connect", f"pve+dir://{tree}", "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    return json.loads(out)


# --- L19-7P: HVA-309 without the node's own corosync.conf -----------------------------------------

UNREAD = (
    "crypto_cipher aes256, crypto_hash sha256 (/etc/pve/corosync.conf); the node's "
    "/etc/corosync/corosync.conf, which corosync reads, was not read ({why}): pmxcfs keeps it "
    "instead when its config_version is higher"
)


def test_l19_7p_held_weak_shared_copy_still_fails_and_same_local_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: a weak /etc/pve copy without the local file still fails (the cluster's file, which
    pmxcfs installs on every node whose own is not newer); a copied tree without the local file
    passes (P18-5's held case: the copy is read as the node's files)."""
    report = _dir_scan(tmp_path / "a", capsys, {"etc/pve/corosync.conf": WEAK})
    assert pve_result(report, "HVA-309", "pve-h1") == (
        "fail",
        "corosync unencrypted or unauthenticated (crypto_cipher none, crypto_hash none)",
    )
    report = _dir_scan(tmp_path / "b", capsys, {})
    assert pve_result(report, "HVA-309", "pve-h1") == (
        "pass",
        "crypto_cipher aes256, crypto_hash sha256",
    )


def test_l19_7p_live_node_without_local_file_passes(tmp_path: Path) -> None:
    """Held: on a live node (pve+ssh replayed) with no /etc/corosync/corosync.conf at all,
    dcdb_sync_corosync_conf's g_file_get_contents fails with G_FILE_ERROR_NOENT, old_version
    stays 0 and pmxcfs writes /etc/pve's copy (atomic_write_file): that copy is what runs."""
    from test_redteam3_host_probes import pve_scan as live_scan

    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "tree"))
    a = live_scan(tmp_path, {}, tree)
    got = next(
        (r.status.value, r.outcome.message)
        for r in a.results
        if (r.check.id, r.outcome.subject.name) == ("HVA-309", "pve-h1")
    )
    assert got == ("pass", "crypto_cipher aes256, crypto_hash sha256")


def test_l19_7p_api_path_asks(
    seeded: str,  # noqa: F811
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Was pass. The API path (fakepve with the node's totem answer) reads /etc/pve's totem only
    (pve-cluster API2/ClusterConfig.pm `totem`: `cfs_read_file('corosync.conf')`, the cluster
    file), never the node's /etc/corosync/corosync.conf: the question."""
    monkeypatch.setenv("HVAUDIT_PVE_TOKEN", f"{TOKEN}={SECRET}")
    _, report = scan(seeded, capsys, "--ca-file", fakepve_cafile)
    status, message = pve_result(report, "HVA-309", "pve1")
    assert (status, message) == (
        "manual",
        UNREAD.format(why="/etc/corosync/corosync.conf was not collected"),
    )
    question = next(r for r in report["results"] if r["check_id"] == "HVA-309")["question"]
    assert question.startswith("Which crypto does corosync run with on node pve1? Evidence: ")
