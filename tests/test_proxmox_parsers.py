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
    ("text", "values", "skipped"),
    [
        (
            "memory: 1024\nthis line is broken\n",
            {"memory": "1024"},
            [(2, "unable to parse config")],
        ),
        (
            "memory: 1024\nmemory: 2048\n",
            {"memory": "2048"},
            [(2, "memory given again: qemu-server keeps this later value")],
        ),
        ("memory: 1024\n[]\nargs: -S\n", {"memory": "1024"}, []),
    ],
    ids=["unparsed-line", "duplicate-key", "unknown-section"],
)
def test_qemu_config_lines_qemu_server_skips(
    text: str, values: dict[str, str], skipped: list[tuple[int, str]]
) -> None:
    """qemu-server parse_vm_config warns and goes on: a line of no form is skipped, a key given
    twice keeps the later value, the lines of an unknown section (`[]`) are read into nothing."""
    cfg = proxmox.parse_qemu_config(text, "qemu-server/100.conf")
    assert (cfg.values, cfg.skipped) == (values, skipped)


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
    # normalize_path: `vms` is `/vms`; a path of other characters, or "0", is ignored
    acls = proxmox.parse_user_config(
        "acl:1:vms:bob@pve:PVEAdmin:\nacl:1:/vms/1%0:bob@pve:PVEAdmin:\nacl:1:0:bob@pve:PVEAdmin:",
        "user.cfg",
    ).acls
    assert [a["path"] for a in acls] == ["/vms"]


def test_firewall_files() -> None:
    fw = proxmox.parse_firewall(read("firewall/cluster.fw"), "cluster.fw")
    assert fw.kind == "cluster" and fw.warnings == []
    assert fw.options == {"enable": "1", "policy_in": "DROP", "policy_out": "ACCEPT"}
    assert fw.aliases == {"mgmt-net": "10.0.0.0/24"}
    assert fw.ipsets == {
        "management": [proxmox.IpsetEntry("10.0.0.0/24", False, "admin workstations", 10)]
    }
    assert [(r["direction"], r["action"], r["enabled"]) for r in fw.rules] == [
        ("IN", "ACCEPT", True),
        ("IN", "ACCEPT", True),
        ("IN", "ACCEPT", False),
    ]
    assert fw.rules[0]["options"] == {
        "source": "+management",
        "proto": "tcp",
        "dport": "8006",
        "log": "nolog",
    }
    assert fw.rules[0]["comment"] == "web UI"
    assert fw.groups["webserver"][0]["options"]["dport"] == "443"
    vm = proxmox.parse_firewall(read("firewall/100.fw"), "100.fw")
    assert vm.kind == "vm" and vm.options["macfilter"] == "1"
    assert vm.rules[0]["direction"] == "GROUP" and vm.rules[0]["action"] == "webserver"


# A cluster.fw using every construct of pve-firewall's grammar (pve-firewall.adoc and
# src/PVE/Firewall.pm generic_fw_config_parser / parse_fw_rule / parse_alias), as PVE 8 writes it.
REAL_CLUSTER_FW = """\
# cluster firewall, managed by the platform team
[OPTIONS]

enable: 1
ebtables: 1
log_ratelimit: enable=1,burst=5,rate=1/second
policy_in: drop
policy_out: ACCEPT
policy_forward: ACCEPT

[ALIASES]

mgmt-net 10.0.0.0/24 # admin LAN
backup_srv 10.0.9.20
v6-net fd00:10::/64

[IPSET management] # office
mgmt-net
10.0.8.0/24 # VPN pool
!10.0.8.13 # kiosk, excluded
dc/mgmt-net

[IPSET blocked]

[RULES]

IN SSH(ACCEPT) -source +management -log nolog # SSH from admins
IN ACCEPT -source +management -p tcp -dport 8006,5900:5999 # web UI and consoles
IN ACCEPT --source mgmt-net --proto udp --dport 5405:5412
IN Ping(ACCEPT) -log info
IN ACCEPT -i vmbr1 -p icmp -icmp-type echo-request
OUT ACCEPT -dest backup_srv -p tcp -dport 8007
|IN ACCEPT -p tcp -dport 3128 # disabled: SPICE proxy
IN DROP -source +blocked
GROUP webserver -i vmbr0
FORWARD ACCEPT -source 10.0.0.0/24 -dest 10.0.9.0/24

[group webserver] # public web servers
IN HTTPS(ACCEPT)
IN ACCEPT -p tcp -dport 80
OUT ACCEPT -p udp -dport 53

[group mail]
IN SMTP(ACCEPT)
"""


def test_real_pve8_cluster_firewall_parses_with_every_construct() -> None:
    fw = proxmox.parse_firewall(REAL_CLUSTER_FW, "cluster.fw")
    assert fw.warnings == []
    assert fw.options == {
        "enable": "1",
        "ebtables": "1",
        "log_ratelimit": "enable=1,burst=5,rate=1/second",
        "policy_in": "DROP",
        "policy_out": "ACCEPT",
        "policy_forward": "ACCEPT",
    }
    assert fw.aliases == {
        "mgmt-net": "10.0.0.0/24",
        "backup_srv": "10.0.9.20",
        "v6-net": "fd00:10::/64",
    }
    assert fw.ipset_comments == {"management": "office"}
    assert [(e.cidr, e.nomatch, e.comment) for e in fw.ipsets["management"]] == [
        ("mgmt-net", False, ""),
        ("10.0.8.0/24", False, "VPN pool"),
        ("10.0.8.13", True, "kiosk, excluded"),
        ("dc/mgmt-net", False, ""),
    ]
    assert fw.ipsets["blocked"] == []
    rules = [(r["type"], r["action"], r["macro"], r["enabled"]) for r in fw.rules]
    assert rules == [
        ("in", "ACCEPT", "SSH", True),
        ("in", "ACCEPT", "", True),
        ("in", "ACCEPT", "", True),
        ("in", "ACCEPT", "Ping", True),
        ("in", "ACCEPT", "", True),
        ("out", "ACCEPT", "", True),
        ("in", "ACCEPT", "", False),
        ("in", "DROP", "", True),
        ("group", "webserver", "", True),
        ("forward", "ACCEPT", "", True),
    ]
    assert fw.rules[1]["options"] == {
        "source": "+management",
        "proto": "tcp",
        "dport": "8006,5900:5999",
    }
    assert fw.rules[2]["options"] == {"source": "mgmt-net", "proto": "udp", "dport": "5405:5412"}
    assert fw.rules[4]["options"] == {
        "iface": "vmbr1",
        "proto": "icmp",
        "icmp-type": "echo-request",
    }
    assert fw.rules[8]["options"] == {"iface": "vmbr0"}
    assert fw.rules[6]["comment"] == "disabled: SPICE proxy"
    assert all(r["errors"] == [] for r in fw.rules)
    assert len(fw.effective_rules()) == 9
    assert fw.group_comments == {"webserver": "public web servers"}
    assert [r["macro"] or r["options"] for r in fw.groups["webserver"]] == [
        "HTTPS",
        {"proto": "tcp", "dport": "80"},
        {"proto": "udp", "dport": "53"},
    ]
    assert fw.groups["mail"][0]["macro"] == "SMTP"


def test_section_headers_are_case_insensitive_and_names_lower_cased() -> None:
    fw = proxmox.parse_firewall(
        "[options]\nENABLE: 1\n[IPSet Mgmt-Hosts]  #  jump hosts \n 10.0.0.5 \n"
        "[Group Web]\nin accept -p tcp -dport 443\n[rules]\nin ACCEPT -source +mgmt-hosts\n",
        "cluster.fw",
    )
    assert fw.options == {"enable": "1"} and fw.ipset_comments == {"mgmt-hosts": "jump hosts"}
    assert [e.cidr for e in fw.ipsets["mgmt-hosts"]] == ["10.0.0.5"]
    assert fw.groups["web"][0]["type"] == "in"
    # `accept` is not an action pve-firewall knows (it matches ACCEPT|DROP|REJECT exactly);
    # proxmox-firewall reads the verdict in any case (rule.rs Verdict::from_str): P21F-1
    assert fw.groups["web"][0]["errors"] == []
    assert fw.groups["web"][0]["pve_refused"] == "unknown action 'accept'"
    assert fw.groups["web"][0]["action"] == "ACCEPT"
    assert fw.rules[0]["errors"] == [] and fw.warnings == [
        "cluster.fw:6: rule not applied by pve-firewall: unknown action 'accept'"
    ]
    # proxmox-firewall refuses `[IPSet ...]` and `[Group ...]` (case-sensitive prefixes): P21F-2
    assert [n for n, _, refused in fw.nft_lines if refused] == [3, 5]


def test_vm_firewall_aliases_ipsets_and_options() -> None:
    cluster = proxmox.parse_firewall(REAL_CLUSTER_FW, "cluster.fw")
    vm = proxmox.parse_firewall(
        "[OPTIONS]\nenable: 1\nipfilter: 1\nmacfilter: 0\nlog_level_in: info\n"
        "policy_in: REJECT\nlayer2_protocols: ARP,IPv4\n\n"
        "[ALIASES]\nself 192.0.2.10\n\n"
        "[IPSET ipfilter-net0] # the VM's own addresses\nself\n192.0.2.11\n"
        "guest/self\ndc/backup_srv\n\n"
        "[RULES]\nGROUP webserver -i net0\nIN ACCEPT -source +dc/management -i net0\n"
        "IN ACCEPT -source dc/mgmt-net -p tcp -dport 22\n",
        "100.fw",
        cluster=cluster,
    )
    assert vm.options == {
        "enable": "1",
        "ipfilter": "1",
        "macfilter": "0",
        "log_level_in": "info",
        "policy_in": "REJECT",
        "layer2_protocols": "ARP,IPv4",
    }
    assert vm.aliases == {"self": "192.0.2.10"}
    assert [e.cidr for e in vm.usable("ipfilter-net0")] == [
        "self",
        "192.0.2.11",
        "guest/self",
        "dc/backup_srv",
    ]
    assert [r["errors"] for r in vm.rules] == [[], [], []] and vm.warnings == []


@pytest.mark.parametrize(
    ("text", "kind", "warning"),
    [
        # a header pve-firewall does not know is read as a line of the current section
        ("[OPTIONS]\nenable: 1\n[BOGUS]\n", "vm", "x.fw:3: can't parse option '[BOGUS]'"),
        ("IN ACCEPT\n", "vm", "x.fw:1: skip line - no section"),
        # only [group ...] and [IPSET ...] take a comment: `[RULES] # x` is no header
        ("[RULES] # inbound\nIN ACCEPT -p tcp\n", "vm", "x.fw:1: skip line - no section"),
        ("[OPTIONS]\nenable: yes\n", "vm", "x.fw:2: can't parse option 'enable: yes'"),
        ("[OPTIONS]\nnftables: 1\n", "vm", "x.fw:2: can't parse option 'nftables: 1'"),
        ("[ALIASES]\nfoo\n", "cluster", "x.fw:2: expected 'name address'"),
        (
            "[ALIASES]\nfoo 10.0.0.300\n",
            "cluster",
            "x.fw:2: value does not look like a valid IP address or CIDR network",
        ),
        ("[RULES]\nIN\n", "vm", "x.fw:2: unable to parse rule: IN"),
        ("[RULES]\nIN ACCEPT -x 1\n", "vm", "x.fw:2: unable to parse rule parameters: -x 1"),
        ("[RULES]\nFORWARD ACCEPT\n", "vm", "x.fw:2: rule not applied: invalid rule type"),
        ("[RULES]\nIN FOO(ACCEPT)\n", "vm", "x.fw:2: rule not applied: unknown macro 'FOO'"),
        (
            "[RULES]\nIN ACCEPT -dport 22\n",
            "vm",
            "x.fw:2: rule not applied by pve-firewall: missing property",
        ),
        ("[RULES]\nIN ACCEPT -i vmbr0\n", "vm", "x.fw:2: rule not applied: iface: value"),
        ("[RULES]\nIN ACCEPT -source +nope\n", "vm", "no such ipset 'nope'"),
        ("[RULES]\nIN ACCEPT -source nope\n", "vm", "no such alias 'nope'"),
        ("[RULES]\nFORWARD REJECT\n", "host", "cannot define REJECT rules on forward chain"),
        ("[IPSET xy]\n10.0.0.0/0\n", "vm", "a zero prefix is not allowed in ipset entries"),
        ("[IPSET xy]\n10.0.0.1\n10.0.0.1\n", "vm", "duplicate ipset entry for '10.0.0.1'"),
        ("[IPSET xy]\nnope\n", "vm", "ipset xy: entry 'nope' not loaded: no such alias 'nope'"),
        ("[IPSET 1x]\n10.0.0.1\n", "vm", "x.fw:1: invalid ipset name '1x'"),
        ("[group averyveryverylongname]\n", "cluster", "security group name too long"),
        ("[IPSET x]\n", "host", "x.fw:1: skip line - no section"),
        ("[OPTIONS]\nenable: 1700000000\n", "cluster", "is a time stamp"),
    ],
)
def test_what_pve_firewall_ignores_is_reported_not_fatal(
    text: str, kind: str, warning: str
) -> None:
    fw = proxmox.parse_firewall(text, "x.fw", kind)
    assert any(warning in w for w in fw.warnings), fw.warnings
    # pve-firewall applies none (a rule it alone refuses is `pve_refused`: proxmox-firewall
    # applies `IN ACCEPT -dport 22` with no port match, R40F-1)
    assert [r for r in fw.effective_rules() if not r.get("pve_refused")] == []


def test_ignored_lines_do_not_apply() -> None:
    fw = proxmox.parse_firewall(
        "[OPTIONS]\nenable: on\npolicy_in: ACCEPT\n[RULES]\nIN ACCEPT -p tcp -dport 22\n"
        "IN ACCEPT -p foo -dport 22\n",
        "100.fw",
    )
    assert fw.options == {"policy_in": "ACCEPT"}  # pve-firewall skipped `enable: on`
    host = proxmox.parse_firewall("[OPTIONS]\npolicy_in: ACCEPT\n", "host.fw")
    assert host.options == {} and host.warnings == [
        "host.fw:2: can't parse option 'policy_in: ACCEPT'; pve-firewall skips the line"
    ]
    # `-p foo -dport 22` is refused by pve-firewall alone (proxmox-firewall: `meta l4proto
    # foo`, no port match, R40F-1)
    assert [r["line"] for r in fw.effective_rules() if not r.get("pve_refused")] == [5]


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


def test_tfa_entries_keep_no_secret_and_read_the_lock_out_state() -> None:
    """tfa.cfg reduced to kinds and enable flags (P10-4): a locked TOTP (TfaUserData
    `totp-locked`) is still a factor asked for, an unknown key is listed under `other`."""
    raw = (
        '{"users":{"a@pve":{"totp":[{"id":"t","created":1,"enable":false,"entry":"otpauth://x'
        '?secret=SECRETSECRET"},{"id":"u","created":1,"entry":"otpauth://y"}],'
        '"totp-locked":true,"recovery":{"secret":"s","entries":[null,"h"],"created":1}},'
        '"b@pve":{"type":"oath","keys":"K"}}}'
    )
    out = proxmox.tfa_entries_from_file(raw)
    assert "SECRET" not in out and "otpauth" not in out
    users = proxmox.parse_tfa_entries(out, "tfa")["users"]
    assert users["a@pve"]["totp"] == [False, True] and users["a@pve"]["recovery"] == "unused"
    assert users["a@pve"]["other"] == [] and users["b@pve"]["other"] == ["key 'keys'", "key 'type'"]
