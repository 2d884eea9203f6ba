"""R39 sweep: HVA-060's and HVA-081's leading unknown (the host's RAM or core count unread).

Harness: a copy of the Proxmox VE hardened fixture tree (tests/fixtures/proxmox-hardened, with
onboot LXC container 300, dns-01, memory 512, cores 1) collected through `hvaudit collect
--connect pve+dir://` and assessed by the real engine (conftest run_assessment); proc/meminfo
or proc/cpuinfo removed from the tree makes the node's RAM or core count unknown. Attestations
are written as TOML and applied as `hvaudit scan --attestations` does
(test_r34_elif_unknown_probes._attest_yes).

Findings:
- R39S-1 (false pass, leading unknown in the question) HVA-060, HVA-081: where the node's RAM
  (core count) is unknown, the item asked "Is the memory configured for this host's running
  and autostart VMs within the profile's over-commit ratio of its RAM?" (the vCPUs of its VMs):
  a Proxmox VE node's LXC containers draw on the same RAM and cores, which both checks count
  once the size is read (P21D-2, R25R-1; pve-manager pvestatd.pm rebalance_lxc_containers),
  and the question named neither them nor the guests whose configuration was not read
  (_ratio_asks), so "yes" on the VMs' sum passed with the onboot container's memory and cores
  never counted. Now the question counts the node's containers by name and joins
  _ratio_asks's open conditions in one item (joint_question).

Held: a node whose RAM and cores are read keeps its counted verdicts (the harness test); with
the RAM unknown and VM 200's .conf a FIFO the tree reader refuses (R27P-1's harness), the one
HVA-060 item asks the VMs' and containers' sum and the unread guest together (joint_question;
written after R39S-1 landed, so it ran only on the fix).

Probed by script: on d93357dd, the hardened tree without proc/meminfo asked the VMs-only
question for HVA-060, and "yes" passed; without proc/cpuinfo the same for HVA-081.

Tally: 1 finding (false pass: HVA-060 with HVA-081), 4 cases (2 finding probes, 1 harness
test, 1 held probe); the 2 finding probes failed on main (d93357dd) before the fix, the
harness test passed there; the held probe ran only after the fix landed (949b0bde).

Leads left:
- HVA-211: with ip-link unread, an Open vSwitch bridge read from ovs-ports still fails
  (shared) but is not probed here (carried from R38).
- HVA-060/HVA-081 unknown-size branch on a libvirt host with an unread next definition
  (R30D-7), or an unread domain (R28D-1), is joined by the same change but not probed here;
  the unknown-size question's Evidence names `pct config` inside the question, not in the
  Evidence part (wording).
- The unknown-size question does not name the VMs whose run state is unknown (_unknown_run_state)
  as the read branch's message does; "running and autostart VMs" leaves them to the auditor.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import outcomes, run_assessment
from hvaudit.cli import main
from hvaudit.engine import Assessment
from hvaudit.waivers import apply_attestations, load_attestations
from test_r34_elif_unknown_probes import TODAY

HARDENED = Path(__file__).parent / "fixtures" / "proxmox-hardened"


def _scan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], drop: str = "", fifo: str = ""
) -> Assessment:
    tree = Path(shutil.copytree(HARDENED, tmp_path / "tree"))
    if drop:
        (tree / drop).unlink()
    if fifo:  # a guest's .conf the tree reader refuses (R27P-1's harness)
        (tree / fifo).unlink()
        os.mkfifo(tree / fifo)
    out = tmp_path / "bundle"
    assert main(["collect", "--connect", f"pve+dir://{tree}", "-o", str(out)]) == 0
    capsys.readouterr()
    return run_assessment(out)


def _attest_yes(a: Assessment, check: str, tmp_path: Path) -> None:
    (r,) = (r for r in a.results if r.check.id == check)
    f = tmp_path / f"attest-{check}.toml"
    f.write_text(
        f'[[attestation]]\ncheck = "{check}"\nsubject = "host:pve-h1"\nanswer = "yes"\n'
        'attested_by = "auditor"\nattested_at = 2026-12-01\nvalid_days = 90\n'
        f'evidence = "looked"\nquestion = {json.dumps(r.outcome.question or "")}\n',
        encoding="utf-8",
    )
    apply_attestations(a, load_attestations(f), TODAY)


def test_r39s1_harness_sizes_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = _scan(tmp_path, capsys)
    assert outcomes(a, "HVA-060") == {"pve-h1": "pass"}
    assert outcomes(a, "HVA-081") == {"pve-h1": "pass"}


MEM_Q = (
    "Is the memory configured for this host's running and autostart VMs, with the memory limit "
    "of each of its LXC containers that runs, starts at boot or may run (dns-01; `pct config "
    "<vmid>`), within the profile's over-commit ratio (1.5) of its RAM? Evidence: the host's RAM "
    "(`free -k` or /proc/meminfo MemTotal) and each VM's configured maximum memory. Pass: yes, "
    "their sum divided by the RAM is within the ratio; fail: it exceeds it."
)


@pytest.mark.parametrize(
    ("drop", "check", "what"),
    [
        ("proc/meminfo", "HVA-060", "memory size is unknown (the copied tree has no proc/meminfo"),
        ("proc/cpuinfo", "HVA-081", "physical core count is unknown (the copied tree has no "),
    ],
)
def test_r39s1_unknown_size_question_counts_the_containers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], drop: str, check: str, what: str
) -> None:
    """R39S-1: the onboot container dns-01 is named in the question; "yes" to it passes."""
    a = _scan(tmp_path, capsys, drop)
    (r,) = (r for r in a.results if r.check.id == check)
    assert r.status.value == "manual"
    assert r.outcome.message.startswith(f"the host's {what}")
    q = r.outcome.question or ""
    assert "LXC containers that runs, starts at boot or may run (dns-01; `pct config <vmid>`)" in q
    if check == "HVA-060":
        assert q == MEM_Q
    _attest_yes(a, check, tmp_path)
    assert outcomes(a, check) == {"pve-h1": "pass"}


def test_r39s1_unknown_ram_question_joins_the_unread_guest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held (written after R39S-1 landed): with the RAM unknown and VM 200's configuration
    unread, the one item asks both, so "yes" to the VMs' sum alone does not answer it."""
    a = _scan(tmp_path, capsys, "proc/meminfo", "etc/pve/qemu-server/200.conf")
    (r,) = (r for r in a.results if r.check.id == "HVA-060")
    assert r.status.value == "manual"
    q = r.outcome.question or ""
    assert q.startswith(
        MEM_Q.partition("? Evidence: ")[0]
        + ", and counting the guests of node pve-h1 whose configuration was not read, is the memory over-commit ratio of its running and autostart guests within 1.5?"
    ), q
