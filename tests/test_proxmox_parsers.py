"""Proxmox VE configuration parsers on files written from Proxmox's documented formats."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hvaudit.errors import InputError
from hvaudit.parse import proxmox

NODE = Path(__file__).parent / "fixtures" / "proxmox-node"
FILES = {
    "qemu-server/100.conf": "etc/pve/qemu-server/100.conf",
    "qemu-server/101.conf": "etc/pve/qemu-server/101.conf",
    "user.cfg": "etc/pve/user.cfg",
    "firewall/cluster.fw": "etc/pve/firewall/cluster.fw",
    "firewall/100.fw": "etc/pve/firewall/100.fw",
    "datacenter.cfg": "etc/pve/datacenter.cfg",
    "storage.cfg": "etc/pve/storage.cfg",
    "corosync.conf": "etc/pve/corosync.conf",
    "interfaces": "etc/network/interfaces",
    "pveproxy": "etc/default/pveproxy",
}


def read(name: str) -> str:
    return (NODE / FILES[name]).read_text()


def test_qemu_config_sections_property_strings_and_unknown_keys() -> None:
    vm = proxmox.parse_qemu_config(read("qemu-server/100.conf"), "qemu-server/100.conf")
    assert vm.vmid == "100" and vm.values["name"] == "web-01"
    assert vm.description == "Web front end%3A hardened"
    assert vm.pending == {"memory": "12288"}
    assert (
        set(vm.snapshots) == {"before-upgrade"} and vm.snapshots["before-upgrade"]["cores"] == "2"
    )
    assert vm.unknown == []
    assert vm.lines["net0"] == 13
    assert proxmox.parse_property_string(vm.values["net0"]) == {
        "virtio": "BC:24:11:2D:AD:8E",
        "bridge": "vmbr0",
        "firewall": "1",
        "tag": "20",
    }
    assert (
        proxmox.parse_property_string(vm.values["scsi0"], "file")["file"]
        == "local-lvm:vm-100-disk-1"
    )
    bad = proxmox.parse_qemu_config(read("qemu-server/101.conf"), "qemu-server/101.conf")
    assert bad.unknown == [("x-custom-tuning", 14)] and bad.values["x-custom-tuning"] == "42"
    assert proxmox.parse_property_string(bad.values["hostpci0"], "host") == {
        "host": "0000:65:00.0",
        "pcie": "1",
    }


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("memory: 1024\nthis line is broken\n", "100.conf:2: expected 'key: value'"),
        ("memory: 1024\nmemory: 2048\n", "100.conf:2: duplicate key 'memory'"),
        ("memory: 1024\n[]\n", "100.conf:2: empty section name"),
    ],
)
def test_qemu_config_errors_name_file_and_line(text: str, fragment: str) -> None:
    with pytest.raises(InputError, match=fragment):
        proxmox.parse_qemu_config(text, "qemu-server/100.conf")


def test_user_config() -> None:
    cfg = proxmox.parse_user_config(read("user.cfg"), "user.cfg")
    assert set(cfg.users) == {"root@pam", "alice@pve", "audit@pve", "old@pve"}
    assert cfg.users["root@pam"]["tfa_keys"] == "set" and cfg.users["old@pve"]["enable"] == "0"
    assert cfg.groups == {"admins": ["alice@pve"], "auditors": ["audit@pve"]}
    assert cfg.tokens["audit@pve!hvaudit"]["privsep"] == "1"
    assert cfg.roles["WebOperator"] == ["VM.Audit", "VM.Console", "VM.PowerMgmt"]
    assert [(a["path"], a["who"], a["roles"], a["propagate"]) for a in cfg.acls] == [
        ("/", ["@admins"], ["Administrator"], True),
        ("/", ["@auditors", "audit@pve!hvaudit"], ["PVEAuditor"], True),
        ("/pool/web", ["alice@pve"], ["WebOperator"], True),
        ("/vms/101", ["audit@pve"], ["NoAccess"], False),
    ]
    assert cfg.pools == {"web": {"vms": ["100"], "storage": ["local-lvm"]}}
    with pytest.raises(InputError, match=re.escape("user.cfg:1: unknown entry type 'usr'")):
        proxmox.parse_user_config("usr:bob@pve:1:0:::", "user.cfg")
    with pytest.raises(InputError, match="does not start with '/'"):
        proxmox.parse_user_config("acl:1:vms:bob@pve:PVEAdmin:", "user.cfg")


def test_firewall_files() -> None:
    fw = proxmox.parse_firewall(read("firewall/cluster.fw"), "cluster.fw")
    assert fw.options == {"enable": "1", "policy_in": "DROP", "policy_out": "ACCEPT"}
    assert fw.aliases == {"mgmt-net": "10.0.0.0/24"} and fw.ipsets == {
        "management": ["10.0.0.0/24"]
    }
    assert [(r["direction"], r["action"], r["enabled"]) for r in fw.rules] == [
        ("IN", "ACCEPT", True),
        ("IN", "ACCEPT", True),
        ("IN", "ACCEPT", False),
    ]
    assert fw.rules[0]["options"] == {
        "source": "+management",
        "p": "tcp",
        "dport": "8006",
        "log": "nolog",
    }
    assert fw.groups["webserver"][0]["options"]["dport"] == "443"
    vm = proxmox.parse_firewall(read("firewall/100.fw"), "100.fw")
    assert vm.options["macfilter"] == "1" and vm.rules[0]["direction"] == "GROUP"
    with pytest.raises(InputError, match=re.escape("x.fw:1: unknown firewall section")):
        proxmox.parse_firewall("[BOGUS]\n", "x.fw")
    with pytest.raises(InputError, match=re.escape("x.fw:1: line outside any firewall section")):
        proxmox.parse_firewall("IN ACCEPT\n", "x.fw")


def test_datacenter_storage_corosync_interfaces_pveproxy() -> None:
    dc = proxmox.parse_datacenter(read("datacenter.cfg"), "datacenter.cfg")
    assert proxmox.parse_property_string(dc["migration"], "type") == {
        "type": "secure",
        "network": "10.0.2.0/24",
    }
    st = proxmox.parse_storage(read("storage.cfg"), "storage.cfg")
    assert {k: v["type"] for k, v in st.items()} == {
        "local": "dir",
        "local-lvm": "lvmthin",
        "iso-library": "nfs",
    }
    assert st["iso-library"]["server"] == "images.example.internal"
    co = proxmox.parse_corosync(read("corosync.conf"), "corosync.conf")
    assert co["totem"]["crypto_cipher"] == "aes256"  # type: ignore[index]
    assert [n["name"] for n in co["nodelist"]["node"]] == ["pve1", "pve2"]  # type: ignore[index]
    ifs = proxmox.parse_interfaces(read("interfaces"), "interfaces")
    assert (
        ifs.ifaces["vmbr0"]["bridge-vlan-aware"] == "yes"
        and ifs.ifaces["bond0"]["bond-slaves"] == "eno1 eno2"
    )
    assert ifs.ifaces["vmbr1"]["address"] == "10.0.0.11/24" and "vmbr0" in ifs.auto
    px = proxmox.parse_pveproxy_defaults(read("pveproxy"), "pveproxy")
    assert px == {"ALLOW_FROM": "10.0.0.0/24,127.0.0.1", "DENY_FROM": "all", "POLICY": "allow"}
    with pytest.raises(InputError, match=re.escape("corosync.conf: unterminated block")):
        proxmox.parse_corosync("totem {\n", "corosync.conf")
    with pytest.raises(
        InputError, match=re.escape("storage.cfg:1: option before any storage definition")
    ):
        proxmox.parse_storage("\tpath /x\n", "storage.cfg")
    with pytest.raises(InputError, match="pveproxy:1: expected NAME=value"):
        proxmox.parse_pveproxy_defaults("allow from all\n", "pveproxy")
