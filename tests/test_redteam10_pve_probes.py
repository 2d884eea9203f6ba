r"""Red team 10, Proxmox VE: the leads of round 9 settled, and new probes (no false pass).

Findings (each pinned below):

- P10-1 (false pass, quirk; lead b): a VM configuration read as qemu-server's parse_vm_config
  reads it (PVE/QemuServer.pm, github:proxmox/qemu-server): lines end at \n only (`split(/\n/,
  $raw)`), so a form feed in a description line (`#note<FF>[snap]`) is part of that line,
  where Python's splitlines() made `[snap]` a snapshot header and read every later line as a
  snapshot's; a line of no form (`[snap]x]`, `[snap]<NBSP>`, which its `m/^\[([^\]]*)\]\s*$/`
  on bytes refuses) is warned about and skipped without leaving the current section, where
  hvaudit opened a snapshot at any `[...]`. Either way the `args: -vnc 0.0.0.0:1` qemu-server
  starts the VM with was never judged: HVA-046 pass. Also: a key given twice keeps the later
  value (`$conf->{$key} = $value`), where hvaudit refused the file (an evidence error, the VM
  unjudged); `cdrom` is `ide2`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_redteam2_probes import PVE_HARDENED, pve_result
from test_redteam2_probes import pve_scan as dir_scan

VM200 = (PVE_HARDENED / "etc/pve/qemu-server/200.conf").read_text()

# --- P10-1: qm.conf lines as qemu-server reads them ------------------------------------------------


@pytest.mark.parametrize(
    "before",
    ["#note\x0c[snap]\n", "[snap]x]\n", "[snap]\u00a0\n"],
    ids=["form-feed-in-description", "bracket-inside-name", "no-break-space-after-header"],
)
def test_p10_1_a_line_qemu_server_reads_as_no_header_keeps_the_section(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], before: str
) -> None:
    """Was pass. qemu-server parse_vm_config splits at \\n only and takes a header only in its
    own forms (`m/^\\[([a-z][a-z0-9_\\-]+)\\]\\s*$/i` and `m/^\\[([^\\]]*)\\]\\s*$/`, ASCII \\s): none
    of these lines opens a section, so the `args:` after it is the VM's current configuration
    (the first is a description line, the others "unable to parse config", skipped)."""
    report = dir_scan(
        tmp_path,
        capsys,
        {"etc/pve/qemu-server/200.conf": VM200 + before + "args: -vnc 0.0.0.0:1\n"},
    )
    assert pve_result(report, "HVA-046", "web-10") == (
        "fail",
        "raw QEMU arguments: -vnc 0.0.0.0:1",
    )


def test_p10_1_a_key_given_twice_keeps_the_later_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was an evidence error (the VM unjudged). qemu-server: `$conf->{$key} = $value` for every
    key line, so the later `args:` is what the VM starts with."""
    report = dir_scan(
        tmp_path,
        capsys,
        {"etc/pve/qemu-server/200.conf": VM200 + "args: -no-reboot\nargs: -vnc 0.0.0.0:1\n"},
    )
    assert pve_result(report, "HVA-046", "web-10") == (
        "fail",
        "raw QEMU arguments: -vnc 0.0.0.0:1",
    )
    assert (
        "pve/files/etc/pve/qemu-server/200.conf:26: args given again: qemu-server keeps this "
        "later value (qemu-server parse_vm_config)" in report["notes"]
    )
