"""HVA-305 judges /etc/default/pveproxy by the addresses it admits (Proxmox VE admin guide,
pveproxy "Host based Access Control"; PVE::APIServer::Utils read_proxy_config), through a scan of
a copy of the hardened Proxmox fixture."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hvaudit.cli import main

PVE_HARDENED = Path(__file__).parent / "fixtures" / "proxmox-hardened"


def _hva305(tmp_path: Path, capsys: pytest.CaptureFixture[str], conf: str) -> tuple[str, str]:
    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "pve"))
    (tree / "etc/default/pveproxy").write_text(conf)
    main(["scan", "--connect", f"pve+dir://{tree}", "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    (r,) = (r for r in json.loads(out)["results"] if r["check_id"] == "HVA-305")
    return r["status"], r["message"]


@pytest.mark.parametrize(
    ("conf", "status", "part"),
    [
        # deny everything not allowed, in both families, spelled out
        ('ALLOW_FROM="10.0.0.0/8"\nDENY_FROM="0.0.0.0/0,::/0"\n', "pass", "everything else denied"),
        # POLICY deny: only ALLOW_FROM minus DENY_FROM is admitted
        ('ALLOW_FROM="10.0.0.1-10.0.0.5,fd00::/8"\nPOLICY="deny"\n', "pass", "else denied"),
        # Net::IP's short prefix
        ('ALLOW_FROM="10/8"\nDENY_FROM="all"\nPOLICY="allow"\n', "pass", "else denied"),
        # IPv6 clients match neither list: POLICY allow admits them
        ('ALLOW_FROM="10.0.0.0/8"\nDENY_FROM="0.0.0.0/0"\n', "fail", "IPv6 addresses outside"),
        # the whole IPv4 space in two halves designates nothing
        (
            'ALLOW_FROM="0.0.0.0/1,128.0.0.0/1"\nPOLICY="deny"\n',
            "fail",
            "admits every IPv4 address",
        ),
        ('ALLOW_FROM="all"\nDENY_FROM="10.0.0.0/8"\nPOLICY="deny"\n', "fail", "every IPv6"),
        # pveproxy cannot read this entry: what it admits is not settled by the file
        ('ALLOW_FROM="mgmt-net"\nDENY_FROM="all"\n', "manual", "cannot read as pveproxy does"),
        ('ALLOW_FROM="10.0.0.0/8"\nDENY_FROM="all"\nPOLICY="reject"\n', "manual", "'reject'"),
        # bash sources the file: `export NAME=value` assigns, the last assignment wins
        (
            'ALLOW_FROM="all"\nexport ALLOW_FROM="10.0.0.0/24,10.0.8.0/24"\n'
            'export DENY_FROM="all"\nexport\tPOLICY="allow"\n',
            "pass",
            "ALLOW_FROM 10.0.0.0/24,10.0.8.0/24, everything else denied",
        ),
    ],
)
def test_pveproxy_lists_are_judged_by_what_they_admit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], conf: str, status: str, part: str
) -> None:
    got, message = _hva305(tmp_path, capsys, conf)
    assert (got, part in message) == (status, True), message


def test_management_ipset_filters_nothing_on_a_node_whose_firewall_is_off(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """HVA-313 on the hardened node with host.fw `enable: 0`: the same fact HVA-302 fails."""
    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "pve"))
    (host_fw,) = tree.glob("etc/pve/nodes/*/host.fw")
    text = host_fw.read_text()
    assert "enable: 1\n" in text
    host_fw.write_text(text.replace("enable: 1\n", "enable: 0\n"))
    main(["scan", "--connect", f"pve+dir://{tree}", "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    got = {
        r["check_id"]: (r["status"], r["message"])
        for r in json.loads(out)["results"]
        if r["check_id"] in ("HVA-302", "HVA-313")
    }
    assert got["HVA-302"][0] == "fail"
    assert got["HVA-313"] == (
        "fail",
        "host.fw sets enable: 0: the node's firewall is off, so the management IP set filters "
        "nothing on it",
    )
