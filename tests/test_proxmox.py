"""Proxmox VE, files path: a node tree written from Proxmox's documented formats is collected
(pve+dir://), parsed into the neutral model and assessed; exact outcomes per subject."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hvaudit.cli import main

NODE = Path(__file__).parent / "fixtures" / "proxmox-node"


def scan(tree: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict]:
    code = main(["scan", "--connect", f"pve+dir://{tree}", "--format", "json", *extra])
    out, _ = capsys.readouterr()
    return code, json.loads(out)


def got(report: dict) -> dict[tuple[str, str], str]:
    return {(r["check_id"], r["subject"]["name"]): r["status"] for r in report["results"]}


def msg(report: dict, check: str, subject: str) -> str:
    return next(
        r["message"]
        for r in report["results"]
        if (r["check_id"], r["subject"]["name"]) == (check, subject)
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    dest = tmp_path / "node"
    shutil.copytree(NODE, dest)
    return dest


def test_fixture_node_outcomes(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = scan(NODE, capsys)
    assert code == 1 and report["platform"] == "proxmox-ve"
    g = got(report)
    expected = {
        ("HVA-301", "pve1"): "manual",  # a copied tree: whether pve-firewall runs is unknown
        ("HVA-302", "pve1"): "manual",
        ("HVA-305", "pve1"): "pass",
        ("HVA-306", "pve1"): "fail",
        ("HVA-307", "pve1"): "pass",
        # R45E-1: no file read holds the node's address in 10.0.2.0/24, and
        # /etc/network/interfaces.d/* is not in the copy
        ("HVA-308", "pve1"): "manual",
        ("HVA-309", "pve1"): "pass",
        ("HVA-310", "pve1"): "manual",
        ("HVA-303", "web-01"): "manual",
        ("HVA-303", "legacy-erp"): "fail",
        ("HVA-012", "web-01"): "pass",
        ("HVA-012", "legacy-erp"): "fail",
        ("HVA-046", "web-01"): "pass",
        ("HVA-046", "legacy-erp"): "fail",
        ("HVA-047", "legacy-erp"): "fail",
        ("HVA-050", "legacy-erp"): "manual",
        ("HVA-090", "web-01"): "manual",  # Proxmox has no CPU reservation: platform limitation
        ("HVA-090", "legacy-erp"): "fail",
        ("HVA-070", "web-01"): "fail",
        ("HVA-191", "web-01"): "fail",
        ("HVA-191", "legacy-erp"): "fail",
        ("HVA-192", "web-01"): "pass",
        ("HVA-192", "legacy-erp"): "fail",
        ("HVA-100", "iso-library"): "pass",
        ("HVA-100", "local"): "fail",
        ("HVA-080", "web-01"): "manual",  # a copied tree has no host facts: core count unknown
        ("HVA-160", "pve1"): "manual",
    }
    assert {k: g[k] for k in expected} == expected
    assert msg(report, "HVA-301", "pve1") == (
        "cluster.fw enables the firewall (input policy DROP), but whether pve-firewall or "
        "proxmox-firewall applies it on this node is not in the evidence (running processes: a "
        "copied configuration tree has no live host to read facts from)"
    )
    assert msg(report, "HVA-306", "pve1") == "administrators without a second factor: alice@pve"
    assert msg(report, "HVA-310", "pve1").startswith("platform limitation:")
    assert msg(report, "HVA-090", "web-01") == (
        "platform limitation: the platform has no CPU reservation setting; "
        "limit: cpulimit 1.5; priority: cpuunits 2048"
    )
    assert msg(report, "HVA-090", "legacy-erp") == (
        "no CPU limit, priority (reservation: platform limitation, no such setting)"
    )
    # ipfilter: 1 without addresses in ipfilter-net0: IP filtered (implicit set), ARP not
    assert msg(report, "HVA-191", "web-01") == (
        "BC:24:11:2D:AD:8E: filter 'pve-firewall (macfilter, ipfilter)' does not stop ARP "
        "spoofing (no IPv4 entry in IP set ipfilter-net0: pve-firewall does not filter ARP)"
    )
    assert "the VM firewall is off" in msg(report, "HVA-191", "legacy-erp")
    assert "trunk of VLANs [10, 20, 30]" in msg(report, "HVA-192", "legacy-erp")
    fix = next(r["remediation"] for r in report["results"] if r["check_id"] == "HVA-192")
    assert fix.startswith(
        "Give every NIC on a VLAN-aware bridge a tag="
    )  # Proxmox's fix, not libvirt's
    assert any("unknown VM configuration key 'x-custom-tuning'" in n for n in report["notes"])
    assert not any(r["check_id"] in ("HVA-042", "HVA-044", "HVA-130") for r in report["results"])


def test_firewall_off_untagged_vlan_and_open_ui(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fw = tree / "etc/pve/firewall/cluster.fw"
    fw.write_text(fw.read_text().replace("enable: 1", "enable: 0"))
    conf = tree / "etc/pve/qemu-server/100.conf"
    conf.write_text(conf.read_text().replace(",tag=20", "", 1))
    (tree / "etc/default/pveproxy").write_text("")  # pveproxy's defaults
    dc = tree / "etc/pve/datacenter.cfg"
    dc.write_text(dc.read_text().replace("migration: secure", "migration: insecure"))
    (tree / "etc/pve/corosync.conf").unlink()
    (tree / "etc/corosync/corosync.conf").unlink()  # neither file (L19-11P)
    _, report = scan(tree, capsys)
    g = got(report)
    assert (g[("HVA-301", "pve1")], g[("HVA-302", "pve1")], g[("HVA-303", "web-01")]) == (
        "fail",
        "fail",
        "fail",
    )
    assert "the cluster firewall is off" in msg(report, "HVA-191", "web-01")
    assert g[("HVA-192", "web-01")] == "fail"
    assert "untagged on VLAN-aware bridge vmbr0: receives every VLAN" in msg(
        report, "HVA-192", "web-01"
    )
    assert g[("HVA-305", "pve1")] == "fail" and g[("HVA-308", "pve1")] == "fail"
    # a copy without either corosync.conf says nothing of the node's cluster (R37E-1)
    assert g[("HVA-309", "pve1")] == "manual"


def test_secrets_are_redacted(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conf = tree / "etc/pve/qemu-server/100.conf"
    conf.write_text(conf.read_text() + "cipassword: $5$s3cr3tHash$abcdef\n")
    assert main(["collect", "--connect", f"pve+dir://{tree}", "-o", str(tmp_path / "b")]) == 0
    capsys.readouterr()
    blob = b"".join(p.read_bytes() for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert b"s3cr3tHash" not in blob and b"x!oath" not in blob
    assert b"JBSWY3DPEHPK3PXP" not in blob and b"otpauth" not in blob  # tfa.cfg: kinds only
    assert b"***REDACTED***" in blob


def test_a_line_qemu_server_skips_is_a_note_naming_file_and_line(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """qemu-server parse_vm_config warns "unable to parse config" and reads the rest of the VM's
    file: the VM is judged on it, and the note names the file and line."""
    (tree / "etc/pve/qemu-server/102.conf").write_text(
        "name: odd\nmemory: 1024\nthis is not a setting\n"
    )
    code, report = scan(tree, capsys)
    assert code == 1  # findings, and no evidence error (3)
    assert [r for r in report["results"] if r["status"] == "error"] == []
    assert got(report)[("HVA-192", "odd")] == "not_applicable"
    assert (
        "pve/files/etc/pve/qemu-server/102.conf:3: unable to parse config (qemu-server "
        "parse_vm_config)" in report["notes"]
    )


def test_not_a_proxmox_tree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["scan", "--connect", f"pve+dir://{tmp_path}"])
    _, err = capsys.readouterr()
    assert code == 3 and "not a Proxmox VE node" in err and err.count("\n") == 1
    code = main(["scan", "--connect", "pve+ssh:///"])
    _, err = capsys.readouterr()
    assert code == 2 and "pve+ssh needs a host" in err


def test_tfa_acl_granularity_and_corosync_variants(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    users = tree / "etc/pve/user.cfg"
    text = users.read_text().replace(
        "user:alice@pve:1:0:Alice:Admin:alice@example.com:Platform team::",
        "user:alice@pve:1:0:Alice:Admin:alice@example.com:Platform team:x:",
    )
    users.write_text(text + "acl:1:/vms:@operators:PVEVMUser:\ngroup:operators:bob@pve::\n")
    # the marker alone is no factor: alice's entry is in /etc/pve/priv/tfa.cfg (P10-4)
    tfa = tree / "etc/pve/priv/tfa.cfg"
    tfa.write_text(
        tfa.read_text().replace(
            '{"users":{',
            '{"users":{"alice@pve":{"webauthn":[{"id":"wa-1","created":1,"entry":{}}]},',
        )
    )
    # the node's own copy too, the file corosync reads (L19-11P)
    for coro in (tree / "etc/pve/corosync.conf", tree / "etc/corosync/corosync.conf"):
        coro.write_text(coro.read_text().replace("crypto_cipher: aes256", "crypto_cipher: none"))
    _, report = scan(tree, capsys)
    g = got(report)
    assert g[("HVA-306", "pve1")] == "pass"
    assert g[("HVA-307", "pve1")] == "fail"
    assert msg(report, "HVA-307", "pve1") == (
        "VM roles granted cluster-wide: PVEVMUser for @operators on /vms "
        "(2 per-VM or pool ACL(s) do not narrow them)"
    )
    # secauth: on is still set, but an explicit crypto_cipher: none wins (corosync totemconfig.c)
    assert g[("HVA-309", "pve1")] == "fail"
    assert msg(report, "HVA-309", "pve1") == (
        "corosync unencrypted or unauthenticated (crypto_cipher none, crypto_hash sha256)"
    )


def test_unreachable_node_over_ssh_is_one_line_exit_3_and_leaves_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """issue 11: nothing was collected, so no hvaudit-partial-* directory is left behind."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    code = main(["scan", "--connect", "pve+ssh://root@127.0.0.1:1/"])
    _, err = capsys.readouterr()
    assert code == 3 and err.count("\n") == 1
    assert "Connection refused" in err and "nothing was collected, no bundle kept" in err
    assert list(tmp_path.iterdir()) == []
