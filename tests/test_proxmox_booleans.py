"""Proxmox VE booleans read as Proxmox VE reads them (R54 of the fourth red team).

qemu-server's check_type (VM options) and pve-common's parse_boolean (keys of property strings)
take `1`, `on`, `yes`, `true` and `0`, `off`, `no`, `false`, case-insensitive; a VM option whose
value is none of them is dropped with "unable to parse value of '$key'", so its default holds
(PVE/QemuServer.pm parse_vm_config and check_type, read with `find_string`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hvaudit.parse import proxmox as pve
from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan


@pytest.mark.parametrize(
    ("word", "flag"),
    [("1", "1"), ("on", "1"), ("Yes", "1"), ("TRUE", "1"), ("0", "0"), ("off", "0"),
     ("No", "0"), ("false", "0"), ("2", None), ("enabled", None), ("", None)],
)  # fmt: skip
def test_pve_boolean_words(word: str, flag: str | None) -> None:
    assert pve.pve_boolean(word) == flag


def test_boolean_options_and_properties_are_normalised() -> None:
    cfg = pve.parse_qemu_config(
        "kvm: off\ntablet: Yes\nonboot: true\nnet0: virtio=BC:24:11:00:00:01,bridge=vmbr0,"
        "firewall=on,link_down=no\nscsi0: local:vm-1-disk-0,ro=yes,discard=on\n",
        "/etc/pve/qemu-server/1.conf",
    )
    assert (cfg.values["kvm"], cfg.values["tablet"], cfg.values["onboot"]) == ("0", "1", "1")
    net = pve.parse_property_string(cfg.values["net0"], "model")
    assert (net["firewall"], net["link_down"]) == ("1", "0")
    disk = pve.parse_property_string(cfg.values["scsi0"], "file")
    # ro is a boolean; discard is an enum (ignore|on) and keeps its word
    assert (disk["ro"], disk["discard"]) == ("1", "on")


def test_a_value_that_is_no_boolean_is_dropped_and_noted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`tablet: maybe` is dropped by qemu-server, so the tablet's default (1) holds: the USB
    tablet is added and HVA-047 fails; the scan says why in its notes."""
    vm201 = (PVE_HARDENED / "etc/pve/qemu-server/201.conf").read_text()
    assert "tablet: 0" in vm201
    report = pve_scan(
        tmp_path,
        capsys,
        {"etc/pve/qemu-server/201.conf": vm201.replace("tablet: 0", "tablet: maybe")},
    )
    status, msg = pve_result(report, "HVA-047", "api-11")
    assert status == "fail", msg
    assert "USB tablet" in msg
    notes = "\n".join(report["notes"])
    assert "tablet: 'maybe' is not a boolean; qemu-server drops it" in notes


def test_container_unprivileged_yes_is_unprivileged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ct = (PVE_HARDENED / "etc/pve/lxc/300.conf").read_text()
    base = pve_scan(tmp_path / "a", capsys, {})
    words = pve_scan(
        tmp_path / "b",
        capsys,
        {"etc/pve/lxc/300.conf": ct.replace("unprivileged: 1", "unprivileged: yes")},
    )

    def verdict(report: dict) -> tuple[str, str]:
        return pve_result(report, "HVA-314", "dns-01")

    assert verdict(words) == verdict(base)
    assert verdict(base)[0] == "manual", verdict(base)  # R27P-2: AppArmor unread
