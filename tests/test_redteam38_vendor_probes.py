"""Red-team round 38 probes: Proxmox VE guest firewall files (r38-vendor).

Harness (R38E-1): the hardened Proxmox VE tree (tests/fixtures/proxmox-hardened) copied and
scanned through the real pve+dir:// collector, parser and engine from the CLI (round 37's
`_copy_scan`), /etc/pve/firewall/200.fw (VM 200, web-10) replaced by a FIFO, which the tree
reader refuses (hvaudit.fsguard: "a FIFO, not read"): the read fails as an API GET of the VM's
firewall or an ssh read that times out does. R38E-2: the same tree answering as a live node
(pve+ssh://, paths as on the node, `ps` showing pve-firewall) through ProxmoxFilesCollector.collect,
the bundle writer, parser and engine, its `ls -1 /etc/pve/firewall` failed (timed out).

Findings:
- R38E-1 (wrong fail; a false pass through a question too) HVA-303, HVA-191: a VM's
  /etc/pve/firewall/<vmid>.fw whose read failed (recorded `failed` or `unavailable`) was left
  out of `ProxmoxHost.vm_firewalls`, as a file that does not exist is, so the VM's firewall read
  off: HVA-303 failed "BC:24:11:00:00:20: the VM firewall is off" and HVA-191 "no filter: the
  VM firewall is off" for a VM whose 200.fw says `enable: 1`. Only a file that does not exist
  is pve-firewall's default of off (pve-firewall src/PVE/Firewall.pm load_vmfw_conf: no file
  gives `$empty_conf`, no `enable` option). Where cluster.fw was not read either, the cluster's
  question alone was asked, whose "yes" passed a VM whose own file may say `enable: 0`. Now the
  parser keeps such a read as the VM's gap (`ProxmoxHost.vm_firewall_gaps`): the NIC's
  `firewall=0` and a daemon seen not running still fail first; otherwise the VM's firewall is
  asked (joined to the cluster's gap where that is unread too), the read's own status: `failed`
  is an error, `unavailable` a question, as `_file` gives every other file.
- R38E-2 (wrong fail) HVA-303, HVA-191: a live node whose `ls -1 /etc/pve/firewall` could
  not be run (refused, timed out) recorded nothing (`_list` returned []), so no guest's .fw was
  read and every VM's firewall read off: "the VM firewall is off" for web-10, whose 200.fw says
  `enable: 1`. Now the failed listing is recorded (`_fw_dir`, at its listing artefact) and a
  guest whose .fw was not read has the listing's gap (`ProxmoxHost.vm_firewall_listing`), as
  R38E-1's; a listing that says "No such file" stays no file.

Held:
- R38E-2: the same live node whose listing runs: HVA-303 passes, as before.
- R38E-1: the copy's 200.fw read (`enable: 1`): the daemon's question, as before; 200.fw
  unread but net0 `firewall=0`: still "no filter: firewall=0 on the NIC" (HVA-191); 200.fw
  removed from the copy (the lead round 37 left): still the firewall off (see Leads left).

Probed by script, not kept: 200.fw a symlink to /etc/passwd (outside the tree): the tree
reader follows it (TreeReader follow_links=True) and reads /etc/passwd as the VM's firewall,
no `enable` option: off (see Leads left).

Tally: 2 findings (wrong fails, R38E-1 with a false pass through the cluster's question); 9
test cases, 6 failed on main before the fixes (R38E-1 on b788aaff 3: fail "the VM firewall is
off", the cluster's gap alone, and the held `firewall=0` probe, failed but with "the VM firewall
is off"; R38E-2 on c932a594 2: fail "the VM firewall is off"), 4 held.

Leads left:
- A copy without <vmid>.fw in its listed /etc/pve/firewall still reads the VM firewall off
  (R37E-1 made PVE_FILES and host.fw unavailable in a copy; a guest's .fw was left out: the
  fixtures' VMs 101 and 300 have none, so many older tests rest on it: a team decision).
- `_list` still returns [] for /etc/pve/nodes on a live node whose listing fails: no node's
  host.fw is read then (not probed this round).
- A copy's <vmid>.fw symlinked outside the tree is read (follow_links=True).
- Round 37's HVA-309, HVA-434 and HVA-432 leads were not reached this round.
"""

from __future__ import annotations

import json
import os
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

VM = {"type": "vm", "name": "web-10", "host": "pve-h1", "id": "200"}
FW = "etc/pve/firewall/200.fw"


def _scan(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    check_id: str,
    *,
    fifo: bool = False,
    removed: bool = False,
    edits: dict[str, tuple[str, str]] | None = None,
) -> tuple[str, str, str | None, Path]:
    """`check_id` of VM 200 in a copy of the hardened tree (pve+dir://), 200.fw made a FIFO
    (`fifo`, a read that fails) or removed, a file's text replaced by `edits` (old, new)."""
    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "pve"))
    if fifo or removed:
        (tree / FW).unlink()
    if fifo:
        os.mkfifo(tree / FW)
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
            if r["check_id"] == check_id and r["subject"] == VM
        ]
    ]
    return (*got, tree)


NO_PS = (
    "whether pve-firewall or proxmox-firewall applies the rules on node pve-h1 is not in the "
    "evidence (running processes: a copied configuration tree has no live host to read facts "
    "from)"
)


def _unread(tree: Path) -> str:
    return (
        "evidence could not be collected: VM firewall: /etc/pve/firewall/200.fw: "
        f"{tree / FW}: a FIFO, not read"
    )


# --- R38E-1: a VM firewall file whose read failed is not the firewall off ------------------------


@pytest.mark.parametrize("check_id", ["HVA-303", "HVA-191"])
def test_r38e1_unread_vm_fw_is_asked_not_off(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], check_id: str
) -> None:
    """R38E-1 (wrong fail): 200.fw there but its read failed: main read it as no file, the VM
    firewall off ("the VM firewall is off"), though the file says `enable: 1`. Now the VM's
    firewall is unknown: its read's error, not a fail."""
    status, message, _, tree = _scan(tmp_path, capsys, check_id, fifo=True)
    assert (status, message) == ("error", _unread(tree))


def test_r38e1_held_vm_fw_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """R38E-1 held: 200.fw read (`enable: 1`): the daemon's question, as before."""
    status, message, question, _ = _scan(tmp_path, capsys, "HVA-303")
    assert (status, message) == ("manual", f"1 interface(s) behind the VM firewall, but {NO_PS}")
    assert question is not None


def test_r38e1_held_nic_firewall_off_fails_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R38E-1 held: 200.fw unread, but net0 has `firewall=0`: unfiltered whatever the file
    says, so HVA-191 still fails."""
    conf = "etc/pve/qemu-server/200.conf"
    text = (PVE_HARDENED / conf).read_text()
    assert "firewall=1" in text
    status, message, _, _ = _scan(
        tmp_path, capsys, "HVA-191", fifo=True, edits={conf: ("firewall=1", "firewall=0")}
    )
    assert (status, message) == ("fail", "BC:24:11:00:00:20: no filter: firewall=0 on the NIC")


def test_r38e1_held_removed_vm_fw_is_off(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R38E-1 held: 200.fw not in the copy at all: pve-firewall's default (load_vmfw_conf's
    `$empty_conf`, no `enable`), the VM firewall off, as before (round 37's lead, left)."""
    status, message, _, _ = _scan(tmp_path, capsys, "HVA-303", removed=True)
    assert (status, message) == ("fail", "BC:24:11:00:00:20: the VM firewall is off")


def test_r38e1_unread_vm_fw_joins_cluster_gap(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R38E-1 (false pass through a question): cluster.fw and 200.fw both unread: main asked
    the cluster's gap alone, whose "yes" passed a VM whose own file may say `enable: 0`. Now
    the VM's gap joins it."""
    cluster = "etc/pve/firewall/cluster.fw"
    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "pve"))
    for rel in (cluster, FW):
        (tree / rel).unlink()
        os.mkfifo(tree / rel)
    main(["scan", "--connect", f"pve+dir://{tree}", "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    ((status, message),) = [
        (r["status"], r["message"])
        for r in json.loads(out)["results"]
        if r["check_id"] == "HVA-191" and r["subject"] == VM
    ]
    assert (status, message) == (
        "error",
        "evidence could not be collected: cluster firewall: /etc/pve/firewall/cluster.fw: "
        f"{tree / cluster}: a FIFO, not read; VM firewall: /etc/pve/firewall/200.fw: "
        f"{tree / FW}: a FIFO, not read",
    )


# --- R38E-2: a live node's /etc/pve/firewall listing that failed ---------------------------------


class _FwListingFails:
    """The hardened tree answering as a live node would (paths as on the node) where
    pve-firewall runs and whose `ls -1 /etc/pve/firewall` could not be run (a command that timed
    out over ssh)."""

    description = "hardened tree as a live node"

    def __init__(self, fails: bool) -> None:
        self.tree, self.fails = TreeRunner(str(PVE_HARDENED)), fails

    def run(self, argv: tuple[str, ...], timeout: float) -> RunResult:
        if self.fails and argv == ("ls", "-1", "/etc/pve/firewall"):
            return RunResult("failed", b"", None, "", "timed out after 10 s", 0)
        if argv == ("ps", "-eo", "pid=,user:32=,args="):
            return RunResult("ok", b"1201 root pve-firewall\n", 0, "", "", 0)
        return self.tree.run(argv, timeout)

    def read_file(self, path: str, timeout: float) -> RunResult:
        return self.tree.read_file(path, timeout)


def _live(tmp_path: Path, check_id: str, fails: bool = True) -> tuple[str, str]:
    uri = "pve+ssh://root@pve-h1/"
    collector = ProxmoxFilesCollector(ProxmoxTarget.parse(uri))
    collector.runner = _FwListingFails(fails)
    writer = BundleWriter(tmp_path / "bundle", target=uri, platform="proxmox-ve")
    collector.collect(writer)
    bundle = writer.close(complete=True)
    assert bundle is not None
    deployment, _ = build_deployment(Bundle.open(bundle))
    ((got,),) = [
        [
            (r.status.value, r.outcome.message)
            for r in assess(deployment, [], load_profile()).results
            if r.check.id == check_id and r.outcome.subject.name == "web-10"
        ]
    ]
    return got


@pytest.mark.parametrize("check_id", ["HVA-303", "HVA-191"])
def test_r38e2_unlisted_fw_dir_is_asked_not_off(tmp_path: Path, check_id: str) -> None:
    """R38E-2 (wrong fail): a live node's `ls -1 /etc/pve/firewall` that failed read no guest
    .fw at all, so every VM's firewall off ("the VM firewall is off"), though 200.fw says
    `enable: 1`. Now each unread guest file is the listing's gap."""
    assert _live(tmp_path, check_id) == (
        "error",
        "evidence could not be collected: VM firewall: /etc/pve/firewall: /etc/pve/firewall "
        "could not be listed: timed out after 10 s",
    )


def test_r38e2_held_listed_fw_dir(tmp_path: Path) -> None:
    """R38E-2 held: the same live node whose listing runs: 200.fw read (`enable: 1`), the
    daemon seen running, so the VM's interface is behind the firewall, as before."""
    assert _live(tmp_path, "HVA-303", fails=False) == (
        "pass",
        "1 interface(s) behind the VM firewall",
    )
