"""Leads 19b, Proxmox VE: leads tests/test_pve_leads19.py left (its "Leads left").

Findings:

- L19-11P: see below.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from test_redteam2_probes import PVE_HARDENED, pve_result

LOCAL = "etc/corosync/corosync.conf"


def _dir_scan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edits: dict[str, str | None]
) -> dict:
    """The hardened node copied (pve+dir://) with files written (path -> text; None removes)."""
    from hvaudit.cli import main

    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "pve"))
    for rel, text in edits.items():
        if text is None:
            (tree / rel).unlink()
            continue
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_text(text)
    main(["scan", "--connect", f"pve+dir://{tree}", "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    return json.loads(out)


# --- L19-11P: HVA-309 of a copied tree without the node's own corosync.conf ----------------------


def test_l19_11p_copied_tree_without_local_corosync_conf_asks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass "crypto_cipher aes256, crypto_hash sha256" from /etc/pve's copy alone. corosync
    reads the node's /etc/corosync/corosync.conf (pve-cluster 7091d92 src/pmxcfs/cfs-utils.h
    HOST_CLUSTER_CONF_FN) and pmxcfs keeps it when its config_version is higher (dcdb.c
    dcdb_sync_corosync_conf `if (new_version < old_version) { cfs_critical("local
    corosync.conf is newer"); goto ret; }`). A copied tree that lacks the file observes nothing
    of the node (the collector records it unavailable: "the copied tree has no ..."), and a
    cluster node has one (Setup.pm finish_join `file_set_contents($localclusterconf, ...)`,
    dcdb.c `atomic_write_file(HOST_CLUSTER_CONF_FN, ...)`): the API path's question (L19-7P)."""
    report = _dir_scan(tmp_path, capsys, {LOCAL: None})
    assert pve_result(report, "HVA-309", "pve-h1") == (
        "manual",
        "crypto_cipher aes256, crypto_hash sha256 (/etc/pve/corosync.conf); the node's "
        "/etc/corosync/corosync.conf, which corosync reads, was not read (/etc/corosync/"
        "corosync.conf: the copied tree has no /etc/corosync/corosync.conf): pmxcfs keeps it "
        "instead when its config_version is higher",
    )
    question = next(
        r["question"]
        for r in report["results"]
        if r["check_id"] == "HVA-309" and r["subject"]["name"] == "pve-h1"
    )
    assert question.startswith("Which crypto does corosync run with on node pve-h1? Evidence: ")
