"""Red-team round 39 probes: Proxmox VE corosync.conf and node listing (r39-vendor).

Harness (R39E-1): the hardened Proxmox VE tree (tests/fixtures/proxmox-hardened) copied and
scanned through the real pve+dir:// collector, parser and engine from the CLI (round 38's
`_scan`), a file removed or edited. Held (nodes listing): the same tree answering as a live
node (pve+ssh://, `ps` showing pve-firewall) through ProxmoxFilesCollector.collect, the bundle
writer, parser and engine (round 38's `_live`), its `ls -1 /etc/pve/nodes` failed (timed out).

Findings:
- R39E-1 (false pass) HVA-309: a copy holding the node's /etc/corosync/corosync.conf
  (aes256/sha256) but not /etc/pve/corosync.conf passed "/etc/pve/corosync.conf not read
  (...): /etc/corosync/corosync.conf: crypto_cipher aes256, crypto_hash sha256". The cluster's
  file in /etc/pve is the one pmxcfs installs over the local file (pve-cluster
  src/pmxcfs/dcdb.c dcdb_sync_corosync_conf: it keeps the local file, "local corosync.conf is
  newer", only for new_version < old_version, and writes /etc/pve's otherwise, then
  `corosync-cfgtool -R`): unread, it may carry `crypto_cipher: none` and a higher
  config_version, which the check fails where both are read (`_corosync_runs` judges both).
  The symmetric gap, the local file unread, was already the question (L19-11P). Now the
  local file passing with /etc/pve's copy unread (not absent on a live node) is the question
  of what corosync runs; a local file that fails still fails (it runs now).

Held:
- R39E-1: both files in the copy: pass, as before; /etc/pve's copy removed and the local
  file `crypto_cipher: none` and `crypto_hash: none`: still the fail.
- Nodes listing (round 38's lead): a live node whose `ls -1 /etc/pve/nodes` fails reads no
  host.fw, and the parser has no entry for the node's: "was not collected" (Fact.unavailable),
  so HVA-302 asks (no pass, no defaults); HVA-301 and HVA-313 ask the same (by script).

Probed by script: the copy without /etc/corosync/corosync.conf (the question, L19-11P) and
without both (the question: "the copied tree has no /etc/pve/corosync.conf"): held.

Tally: 1 finding (false pass); 4 test cases, 1 failed on main before the fix (d93357dd:
pass), 3 held.

Leads left:
- The nodes listing's failure is not recorded: HVA-301/302/313 say host.fw "was not
  collected" rather than why (the listing timed out): wording; record it at its listing
  artefact as `_fw_dir` does and give the parser's host.fw that gap.
- A live node whose /etc/pve/corosync.conf read failed while the local file passes takes
  R39E-1's question, not the read's error: a team decision (the local file is known).
- HVA-434 without virtualNicManagerInfo and no vMotion-stack adapter: not reached.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hvaudit.bundle import Bundle, BundleWriter
from hvaudit.cli import main
from hvaudit.collect.proxmox import ProxmoxFilesCollector, ProxmoxTarget
from hvaudit.collect.runner import RunResult, TreeRunner
from hvaudit.engine import assess
from hvaudit.parse import build_deployment
from hvaudit.profile import load_profile
from test_redteam2_probes import PVE_HARDENED

NODE = {"type": "host", "name": "pve-h1"}
PVE_CONF, LOCAL_CONF = "etc/pve/corosync.conf", "etc/corosync/corosync.conf"


def _scan(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    *,
    removed: tuple[str, ...] = (),
    edits: dict[str, tuple[str, str]] | None = None,
) -> tuple[str, str, str | None, Path]:
    """HVA-309 of the node in a copy of the hardened tree (pve+dir://), `removed` files
    removed, a file's text replaced by `edits` (old, new)."""
    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "pve"))
    for rel in removed:
        (tree / rel).unlink()
    for rel, (old, new) in (edits or {}).items():
        text = (tree / rel).read_text()
        assert old in text
        (tree / rel).write_text(text.replace(old, new))
    main(["scan", "--connect", f"pve+dir://{tree}", "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    ((got,),) = [
        [
            (r["status"], r["message"], r.get("question"))
            for r in json.loads(out)["results"]
            if r["check_id"] == "HVA-309" and r["subject"] == NODE
        ]
    ]
    return (*got, tree)


# --- R39E-1: the local corosync.conf passing with /etc/pve's copy unread ------------------------


def test_r39e1_local_pass_with_pve_copy_unread_is_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R39E-1 (false pass): the copy without /etc/pve/corosync.conf passed on the local file
    alone, though pmxcfs installs /etc/pve's over it unless its config_version is lower. Now
    the question of what corosync runs."""
    status, message, question, _ = _scan(tmp_path, capsys, removed=(PVE_CONF,))
    assert (status, message) == (
        "manual",
        "/etc/pve/corosync.conf not read (/etc/pve/corosync.conf: the copied tree has no "
        "/etc/pve/corosync.conf): /etc/corosync/corosync.conf: crypto_cipher aes256, "
        "crypto_hash sha256; pmxcfs installs /etc/pve/corosync.conf over it when its "
        "config_version is not below the local file's",
    )
    assert question is not None
    assert question.startswith("Which crypto does corosync run with on node pve-h1?")


def test_r39e1_held_both_files_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """R39E-1 held: both files in the copy (the same bytes): the pass, as before."""
    status, message, _, _ = _scan(tmp_path, capsys)
    assert (status, message) == ("pass", "crypto_cipher aes256, crypto_hash sha256")


def test_r39e1_held_local_fail_still_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R39E-1 held: /etc/pve's copy unread and the local file (what corosync runs now) with
    no crypto: the fail, whatever /etc/pve's copy says."""
    status, message, _, _ = _scan(
        tmp_path,
        capsys,
        removed=(PVE_CONF,),
        edits={
            LOCAL_CONF: (
                "crypto_cipher: aes256\n  crypto_hash: sha256\n",
                "crypto_cipher: none\n  crypto_hash: none\n",
            ),
            # an explicit `none` wins over secauth (totemconfig.c totem_get_crypto)
        },
    )
    assert (status, message) == (
        "fail",
        "/etc/pve/corosync.conf not read (/etc/pve/corosync.conf: the copied tree has no "
        "/etc/pve/corosync.conf): /etc/corosync/corosync.conf: corosync unencrypted or "
        "unauthenticated (crypto_cipher none, crypto_hash none)",
    )


# --- held: a live node whose /etc/pve/nodes listing failed ---------------------------------------


class _NodesListingFails:
    """The hardened tree answering as a live node would (paths as on the node) where
    pve-firewall runs and whose `ls -1 /etc/pve/nodes` could not be run (timed out)."""

    description = "hardened tree as a live node"

    def __init__(self) -> None:
        self.tree = TreeRunner(str(PVE_HARDENED))

    def run(self, argv: tuple[str, ...], timeout: float) -> RunResult:
        if argv == ("ls", "-1", "/etc/pve/nodes"):
            return RunResult("failed", b"", None, "", "timed out after 10 s", 0)
        if argv == ("ps", "-eo", "pid=,user:32=,args="):
            return RunResult("ok", b"1201 root pve-firewall\n", 0, "", "", 0)
        return self.tree.run(argv, timeout)

    def read_file(self, path: str, timeout: float) -> RunResult:
        return self.tree.read_file(path, timeout)


def test_held_unlisted_nodes_dir_asks_node_firewall(tmp_path: Path) -> None:
    """Held (round 38's lead): no node's host.fw read after the listing failed: HVA-302 is
    the question (host.fw not collected), never a pass on pve-firewall's defaults."""
    uri = "pve+ssh://root@pve-h1/"
    collector = ProxmoxFilesCollector(ProxmoxTarget.parse(uri))
    collector.runner = _NodesListingFails()
    writer = BundleWriter(tmp_path / "bundle", target=uri, platform="proxmox-ve")
    collector.collect(writer)
    bundle = writer.close(complete=True)
    assert bundle is not None
    deployment, _ = build_deployment(Bundle.open(bundle))
    ((status, message),) = [
        (r.status.value, r.outcome.message)
        for r in assess(deployment, [], load_profile()).results
        if r.check.id == "HVA-302" and r.outcome.subject.name == "pve-h1"
    ]
    # R40E-3: the failed listing is recorded, and host.fw takes its failure (an error naming
    # it) where it said "was not collected"
    assert (status, message) == (
        "error",
        "evidence could not be collected: /etc/pve/nodes/pve-h1/host.fw not read: "
        "/etc/pve/nodes could not be listed: timed out after 10 s",
    )
