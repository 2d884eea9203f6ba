"""qm.conf numbers read as qemu-server's check_type reads them.

QemuServer.pm check_type takes an integer key only as `m/^(\\d+)$/` and a number key only as
`m/^(\\d+)(\\.\\d+)?$/` on the file's bytes; any other value is refused ("unable to parse value of
'$key'") and the key is dropped, so its default holds. hvaudit read these values with float(),
which accepts "1e400" (int() then raised OverflowError: the scan ended in an internal error),
"0.0" and non-ASCII digits such as U+FF12, none of which Proxmox VE ever applies.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from test_redteam2_probes import PVE_HARDENED
from test_redteam2_probes import pve_scan as dir_scan

VM200 = (PVE_HARDENED / "etc/pve/qemu-server/200.conf").read_text()


def _scan(tmp_path: Path, capsys: pytest.CaptureFixture[str], **keys: str) -> dict[str, Any]:
    text = VM200
    for key, value in keys.items():
        text, n = re.subn(rf"(?m)^{key}: .*$", f"{key}: {value}", text)
        if not n:
            text += f"{key}: {value}\n"
    return dir_scan(tmp_path, capsys, {"etc/pve/qemu-server/200.conf": text})


def _result(report: dict[str, Any], check_id: str) -> dict[str, Any]:
    return next(
        r
        for r in report["results"]
        if (r["check_id"], r["subject"]["name"]) == (check_id, "web-10")
    )


def test_an_overflowing_core_count_is_refused_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was an internal error (OverflowError) ending the scan. qemu-server drops `cores: 1e400`
    and the VM runs with its default of one core per socket."""
    r = _result(_scan(tmp_path, capsys, cores="1e400"), "HVA-080")
    assert r["status"] == "pass"
    assert r["message"].startswith("1 vCPU(s) on a host with ")


def test_a_fractional_balloon_zero_disables_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass "balloon 0: no balloon device, memory fixed at its configured size": qemu-server
    refuses `balloon: 0.0` (an integer key), so the balloon device stays and the memory is not
    guaranteed."""
    text = VM200.replace("hugepages: 2\n", "balloon: 0.0\n")
    report = dir_scan(tmp_path, capsys, {"etc/pve/qemu-server/200.conf": text})
    r = _result(report, "HVA-070")
    assert r["status"] == "fail"
    # without a balloon target `shares` is inert: no priority either (leads15)
    assert r["message"].startswith("no memory guarantee, priority (")


def test_held_balloon_zero_fixes_the_memory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = VM200.replace("hugepages: 2\n", "balloon: 0\n")
    report = dir_scan(tmp_path, capsys, {"etc/pve/qemu-server/200.conf": text})
    r = _result(report, "HVA-070")
    assert r["status"] == "pass"
    assert r["message"].startswith("balloon 0: no balloon device, memory fixed")


def test_a_cpu_limit_in_fullwidth_digits_limits_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`cpulimit: \uff12` (FULLWIDTH DIGIT TWO) is refused by check_type's ASCII `\\d`; float()
    read it as 2.0, a limit the VM does not have."""
    hostile = _result(_scan(tmp_path / "a", capsys, cpulimit="\uff12"), "HVA-090")
    plain = _result(_scan(tmp_path / "b", capsys, cpulimit="2"), "HVA-090")
    assert "cpulimit 2" in plain["message"]
    assert "cpulimit" not in hostile["message"]
