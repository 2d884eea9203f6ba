"""Red-team round 29 probes: Proxmox VE (rt29pve).

Harness: R29P-1: the API path (pve+api://pve.example:8006/pve1) through the real
ProxmoxApiCollector, parser and engine, proxmoxer's client answering each GET from round 28's
table (test_redteam28_proxmox_probes._run: node pve1, VM 100 web-01, container 300 dns-01),
and the hardened Proxmox VE tree (tests/fixtures/proxmox-hardened) copied and scanned as
pve+dir:// with VM 200's configuration a FIFO the reader refuses
(test_redteam27_proxmox_probes._scan_unread). Sources read with `fetch`:
github:proxmox/pve-manager 14a22df (PVE/API2/Cluster.pm).

Findings:
- R29P-1 (false pass) every per-VM check (HVA-012, HVA-031, HVA-046, HVA-064, HVA-080,
  HVA-405, ...): where a node's guest list may leave VMs out but holds some (the API token
  holds VM.Audit on /vms/100 alone: GET /cluster/resources skips the rest, pve-manager
  14a22df PVE/API2/Cluster.pm resources `next if !$rpcenv->check($authuser, "/vms/$vmid",
  ['VM.Audit'], 1)`, R28P-1; or VM 200 listed and its configuration not read, R27P-1), each
  per-VM check judged the VMs seen and said nothing of the others: HVA-012 passed "hardware
  virtualization (kvm)" for web-01, its only subject, as if web-01 were every VM of the node.
  R28P-5 asked only where no VM at all was seen (round 28's first lead). Now every per-VM
  check also asks, per such node, whether each VM it does not judge meets it
  (hvaudit.engine._unseen_vms), as libvirt's unread domains are errors (R28D-4).

Held:
- R29P-1: a token seeing every guest (PVEAuditor on `/`) and the whole hardened tree: no
  node-wide question beside the per-VM verdicts.

Probed by script: see "Leads left".

Tally: 1 finding (1 false pass); 3 tests, 2 failed on main 3722a3b (no node question there),
1 held passed before and after.

Leads left:
- The API path in cluster mode skips an offline node (a collection error, exit code 3, a
  report note): its host checks and its VMs (GET /cluster/resources lists them) have no
  subject.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_redteam27_proxmox_probes import _scan_unread
from test_redteam28_proxmox_probes import (
    AUDITOR,
    HIDDEN,
    R28P1_CASES,
    TOP,
    _acl,
    _run,
)

VM_CHECKS = ("HVA-012", "HVA-031", "HVA-046", "HVA-064", "HVA-080", "HVA-405")


def _question(node: str, title: str) -> str:
    return (
        f'Does every VM on node {node} that this report does not judge meet "{title}"? '
        f"Evidence: `qm list` run as root on {node} (a VM it lists without a result of this "
        "check here) and `qm config <vmid>` of each such VM. Pass: yes, or every VM it lists "
        "is judged here; fail: any such VM does not."
    )


def test_r29p1_token_seeing_some_vms_asks_for_the_rest(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """R29P-1 (false pass): a token holding VM.Audit on /vms/100 alone sees VM 100 (web-01) of
    GET /cluster/resources and none of the others (pve-manager 14a22df PVE/API2/Cluster.pm
    resources). Each per-VM check passed web-01, its only subject, and said nothing of the
    node's other VMs."""
    perms, acl, guests, roles, _, why = R28P1_CASES["vm-audit-on-one-guest"]
    got = _run(monkeypatch, capsys, perms, acl, guests, roles)
    assert got[("HVA-012", "web-01")] == ("pass", "hardware virtualization (kvm)")
    for check in VM_CHECKS:
        assert got[(check, "pve1")] == (
            "manual",
            f"1 VM(s) of node pve1 judged; the guest list may be incomplete: {why}; {HIDDEN}",
        )


def test_r29p1_unread_vm_beside_read_ones_is_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R29P-1 (false pass): the hardened tree with VM 200 (web-10) listed and its
    configuration not read (R27P-1): VM 201 alone was judged, and each per-VM check's verdicts
    were all of the node's."""
    results, _ = _scan_unread(tmp_path, capsys, "etc/pve/qemu-server/200.conf")
    assert results[("HVA-012", "pve-h1")] == (
        "manual",
        "1 VM(s) of node pve-h1 judged; the guest list may be incomplete: VM(s) 200 listed, "
        "their configuration not read",
        _question("pve-h1", "VM runs with hardware acceleration, not software emulation"),
    )


def test_r29p1_held_whole_guest_list_has_no_node_question(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """R29P-1 held: PVEAuditor on `/` (every guest listed): the per-VM verdicts stand alone."""
    got = _run(
        monkeypatch,
        capsys,
        dict.fromkeys(TOP, AUDITOR),
        [_acl("/", "PVEAuditor")],
        ["qemu/100", "lxc/300"],
    )
    assert got[("HVA-012", "web-01")] == ("pass", "hardware virtualization (kvm)")
    assert not [k for k in got if k[1] == "pve1" and k[0] in VM_CHECKS]
