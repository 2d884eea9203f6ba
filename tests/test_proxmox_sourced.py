"""Files /etc/network/interfaces sources, read as ifupdown2 reads them (Proxmox VE's network stack).

Proxmox VE's default interfaces file ends with `source /etc/network/interfaces.d/*`, and Proxmox
SDN writes its VNets to /etc/network/interfaces.d/sdn. ifupdown2 (networkinterfaces.py
process_source: `sorted(glob.glob(sourced_file))`, read at the `source` line; process_source_
directory: the names matching `^[a-zA-Z0-9_-]+$`) squashes repeated stanzas of one interface
(ifupdownmain.py `_save_iface_squash`, iface.py `squash`: each attribute's values appended to
the first stanza's) and its bridge addon reads `get_attr_value_first('bridge-vlan-aware')`
through get_boolean_from_string (yes, on, 1, fast). Every scan here is of a copy of the hardened
fixture node (tests/fixtures/proxmox-hardened) with the files named, through the real collector
(pve+dir), bundle and parser.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from hvaudit.bundle import BundleWriter
from hvaudit.cli import main
from hvaudit.collect.proxmox import ProxmoxFilesCollector, ProxmoxTarget
from hvaudit.collect.runner import RunResult
from hvaudit.errors import InputError
from hvaudit.parse import proxmox as pve
from hvaudit.parse.proxmox_model import build_pve_deployment

HARDENED = Path(__file__).parent / "fixtures" / "proxmox-hardened"
MAIN = (HARDENED / "etc/network/interfaces").read_text()
SOURCES_D = MAIN + "\nsource /etc/network/interfaces.d/*\n"
"""The hardened node's file with Proxmox VE's default last line (line 32)."""
VM201 = (HARDENED / "etc/pve/qemu-server/201.conf").read_text()


def _untagged(bridge: str) -> str:
    conf = VM201.replace("bridge=vmbr0,firewall=1,tag=30", f"bridge={bridge},firewall=1")
    assert conf != VM201
    return conf


def scan(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    files: dict[str, str],
    dirs: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """Scan a copy of the hardened node with `files` written (path -> text) and `dirs` made."""
    tree = Path(shutil.copytree(HARDENED, tmp_path / "pve"))
    for rel in dirs:
        (tree / rel).mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_text(text)
    main(["scan", "--connect", f"pve+dir://{tree}", "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    results: list[dict[str, Any]] = json.loads(out)["results"]
    return results


def result(results: list[dict[str, Any]], check_id: str, subject: str) -> tuple[str, str]:
    (r,) = [r for r in results if (r["check_id"], r["subject"]["name"]) == (check_id, subject)]
    return r["status"], r["message"]


VLAN_AWARE_VMBR1 = "iface vmbr1 inet static\n\tbridge-vlan-aware yes\n\tbridge-vids 2-4094\n"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            {"etc/network/interfaces.d/vlans": VLAN_AWARE_VMBR1},
            (
                "fail",
                "BC:24:11:00:00:21: untagged on VLAN-aware bridge vmbr1: receives every VLAN",
            ),
        ),
        ({}, ("pass", "1 interface(s), none trunked")),
    ],
    ids=["sourced-file-makes-vmbr1-vlan-aware", "empty-interfaces.d"],
)
def test_a_sourced_file_that_makes_a_bridge_vlan_aware_changes_the_verdict(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: dict[str, str],
    expected: tuple[str, str],
) -> None:
    """vmbr1 is not VLAN-aware in /etc/network/interfaces; a stanza of vmbr1 in a file it
    sources is squashed into it, so an untagged NIC there receives every VLAN (fail). Read from
    the main file alone, this passed."""
    results = scan(
        tmp_path,
        capsys,
        {
            "etc/network/interfaces": SOURCES_D,
            "etc/pve/qemu-server/201.conf": _untagged("vmbr1"),
            **extra,
        },
        dirs=("etc/network/interfaces.d",),
    )
    assert result(results, "HVA-192", "api-11") == expected


@pytest.mark.parametrize(
    ("line", "missing"),
    [
        ("source /etc/network/vlans.cfg", "/etc/network/vlans.cfg (sourced at "
         "/etc/network/interfaces:32: the copied tree has no /etc/network/vlans.cfg)"),
        ("source /etc/network/interfaces.d/*", "/etc/network/interfaces.d/* (sourced at "
         "/etc/network/interfaces:32: the copied tree has no directory /etc/network/interfaces.d)"),
        ("source-directory /etc/network/more", "/etc/network/more (sourced at "
         "/etc/network/interfaces:32: the copied tree has no directory /etc/network/more)"),
        ("source interfaces.local", "interfaces.local (sourced at /etc/network/interfaces:32: "
         "a relative path, which ifupdown2 globs from its working directory (interfaces(5): "
         '"Currently only supports absolute path names"))'),
    ],
    ids=["file", "glob", "source-directory", "relative"],
)  # fmt: skip
def test_a_sourced_file_not_collected_is_a_question_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, missing: str
) -> None:
    """An offline copy without the sourced file (or directory) does not show what it sets:
    the untagged NIC on vmbr1 is a question naming the file, never a pass."""
    results = scan(
        tmp_path,
        capsys,
        {
            "etc/network/interfaces": MAIN + f"\n{line}\n",
            "etc/pve/qemu-server/201.conf": _untagged("vmbr1"),
        },
    )
    assert result(results, "HVA-192", "api-11") == (
        "manual",
        "untagged NIC(s) on a bridge whose VLAN setting is not in the evidence: "
        "BC:24:11:00:00:21 on bridge vmbr1: a file /etc/network/interfaces sources was not "
        f"read: {missing}",
    )
    (r,) = [r for r in results if (r["check_id"], r["subject"]["name"]) == ("HVA-192", "api-11")]
    assert r["question"] == (
        "Is bridge vmbr1 (and every other bridge listed) on host pve-h1 not VLAN-aware, so the "
        "untagged NIC gets one VLAN? Evidence: `ip -d link show vmbr1` there (vlan_filtering 1 "
        "is VLAN-aware; an Open vSwitch bridge is `ovs-vsctl br-exists vmbr1`), and for an SDN "
        "VNet its `vlanaware` in /etc/pve/sdn/vnets.cfg; the file(s) /etc/network/interfaces "
        f"sources that were not read: {missing.split(' (sourced')[0]} (a stanza `iface vmbr1` "
        "there with `bridge-vlan-aware` yes, on, 1 or fast makes it VLAN-aware). Pass: yes, "
        "vlan_filtering 0 and no Open vSwitch bridge; fail: no, VLAN-aware or Open vSwitch, where a "
        "port without a tag receives every VLAN of the bridge."
    )
    # a tagged NIC is an access port whatever the sourced file says: not asked
    assert result(results, "HVA-192", "web-10") == ("pass", "1 interface(s), none trunked")


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("no", "yes", ("pass", "1 interface(s), none trunked")),
        (
            "yes",
            "no",
            (
                "fail",
                "BC:24:11:00:00:21: untagged on VLAN-aware bridge vmbr1: receives every VLAN",
            ),
        ),
    ],
    ids=["first-file-says-no", "first-file-says-yes"],
)
def test_a_glob_reads_every_match_in_sorted_order_first_value_wins(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    first: str,
    second: str,
    expected: tuple[str, str],
) -> None:
    """`source /etc/network/interfaces.d/*.cfg` reads 10-a.cfg, then 20-b.cfg (sorted), not
    30-c (no .cfg) and not .40-d.cfg (a wildcard does not match a leading dot); the first
    stanza's `bridge-vlan-aware` wins (get_attr_value_first)."""
    results = scan(
        tmp_path,
        capsys,
        {
            "etc/network/interfaces": MAIN + "\nsource /etc/network/interfaces.d/*.cfg\n",
            "etc/pve/qemu-server/201.conf": _untagged("vmbr1"),
            "etc/network/interfaces.d/20-b.cfg": f"iface vmbr1\n\tbridge-vlan-aware {second}\n",
            "etc/network/interfaces.d/10-a.cfg": f"iface vmbr1\n\tbridge-vlan-aware {first}\n",
            "etc/network/interfaces.d/30-c": "iface vmbr1\n\tbridge-vlan-aware yes\n",
            "etc/network/interfaces.d/.40-d.cfg": "iface vmbr1\n\tbridge-vlan-aware yes\n",
        },
    )
    assert result(results, "HVA-192", "api-11") == expected


@pytest.mark.parametrize(
    "dirs",
    [("etc/network/interfaces.d",), ("etc/network/interfaces.d/old",)],
    ids=["empty", "only-a-subdirectory"],
)
def test_the_default_layout_with_an_empty_interfaces_d_asks_nothing_new(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], dirs: tuple[str, ...]
) -> None:
    """Proxmox VE's default file sources an empty /etc/network/interfaces.d: every outcome is
    the one of the same node without the `source` line (no false manual flood, here with an
    untagged NIC on vmbr1, the case a file not read makes a question). A directory
    the glob matches is no file ifupdown2 can read (read_file: "error processing file"): it
    adds nothing either."""
    untagged = {"etc/pve/qemu-server/201.conf": _untagged("vmbr1")}
    before = scan(tmp_path / "a", capsys, untagged)
    after = scan(
        tmp_path / "b", capsys, {"etc/network/interfaces": SOURCES_D, **untagged}, dirs=dirs
    )

    def outcomes(results: list[dict[str, Any]]) -> dict[tuple[str, str], tuple[str, str]]:
        return {(r["check_id"], r["subject"]["name"]): (r["status"], r["message"]) for r in results}

    assert outcomes(after) == outcomes(before)
    assert result(after, "HVA-192", "api-11") == ("pass", "1 interface(s), none trunked")


SDN = """#version:3

auto vnet1
iface vnet1
\tbridge_ports none
\tbridge_stp off
\tbridge_fd 0
\tbridge-vlan-aware yes
\tbridge-vids 2-4094

auto vnet2
iface vnet2
\tbridge_ports ln_vnet2
\tbridge_stp off
\tbridge_fd 0
"""
"""/etc/network/interfaces.d/sdn as Proxmox SDN writes it (pve-network Zones plugins
generate_sdn_config: `bridge_ports`, and `bridge-vlan-aware yes` / `bridge-vids 2-4094` for a
VNet with `vlanaware`)."""


@pytest.mark.parametrize(
    ("bridge", "expected"),
    [
        (
            "vnet1",
            (
                "fail",
                "BC:24:11:00:00:21: untagged on VLAN-aware bridge vnet1: receives every VLAN",
            ),
        ),
        ("vnet2", ("pass", "1 interface(s), none trunked")),
        (
            "vnet9",
            (
                "manual",
                "untagged NIC(s) on a bridge whose VLAN setting is not in the evidence: "
                "BC:24:11:00:00:21 on bridge vnet9: declared neither in /etc/network/interfaces "
                "nor in a file it sources, so an SDN VNet (/etc/pve/sdn/vnets.cfg, not read) "
                "not yet applied",
            ),
        ),
    ],
    ids=["vlan-aware-vnet", "plain-vnet", "undeclared"],
)
def test_an_sdn_vnet_in_interfaces_d_is_a_known_bridge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bridge: str, expected: tuple[str, str]
) -> None:
    """With /etc/network/interfaces.d/sdn collected, a VNet is a bridge like any other (its
    `bridge-vlan-aware`, written with underscores or dashes, which ifupdown2 reads alike:
    `attrname.replace("_", "-")`); a bridge no file declares stays a question (R67)."""
    results = scan(
        tmp_path,
        capsys,
        {
            "etc/network/interfaces": SOURCES_D,
            "etc/network/interfaces.d/sdn": SDN,
            "etc/pve/qemu-server/201.conf": _untagged(bridge),
        },
    )
    assert result(results, "HVA-192", "api-11") == expected


HOST_FW = (HARDENED / "etc/pve/nodes/pve-h1/host.fw").read_text()
#: Why a copied tree leaves the firewall daemon unknown (HVA-301's question; P8-6).
COPY = "running processes: a copied configuration tree has no live host to read facts from"


#: HVA-313 since P24-2 (tests/test_redteam24_pve_probes.py): an ACCEPT of every port on an
#: interface admits the management ports from every source arriving there, whichever
#: interface has the gateway; the gateway question below is HVA-301's.
EVERY_PORT = (
    "fail",
    "host.fw:9 accepts management ports from any source (`IN ACCEPT -i vmbr2`: every TCP "
    "port, management ports included)",
)


@pytest.mark.parametrize(
    ("extra", "status", "message", "hva313"),
    [
        (
            {"etc/network/interfaces.d/uplink": "iface vmbr2 inet static\n\tgateway 10.9.0.1\n"},
            "fail",
            "cluster firewall on, input policy DROP, but host.fw line 9 `IN ACCEPT -i vmbr2` "
            "accepts every inbound packet (-i vmbr2: the default gateway's interface) before "
            "the policy",
            (
                "fail",
                "host.fw line 9 `IN ACCEPT -i vmbr2` accepts every inbound packet (-i vmbr2: the "
                "default gateway's interface), management ports included",
            ),
        ),
        (
            {"etc/network/interfaces.d/uplink": "iface vmbr2 inet manual\n"},
            "manual",
            "cluster.fw enables the firewall (input policy DROP), but whether pve-firewall or "
            f"proxmox-firewall applies it on this node is not in the evidence ({COPY})",
            EVERY_PORT,
        ),
        (
            None,
            "manual",
            "cluster firewall on, input policy DROP, but host.fw line 9 `IN ACCEPT -i vmbr2` "
            "accepts every inbound packet if that interface has the node's default gateway, "
            "which a file /etc/network/interfaces sources may give it: /etc/network/interfaces.d/* "
            "was not read (sourced at /etc/network/interfaces:32: the copied tree has no "
            "directory /etc/network/interfaces.d); and whether pve-firewall or proxmox-firewall "
            f"applies the rules on node pve-h1 is not in the evidence ({COPY})",
            EVERY_PORT,
        ),
    ],
    ids=["gateway-in-sourced-file", "no-gateway-there", "sourced-dir-not-in-copy"],
)
def test_the_gateway_interface_of_an_accept_rule_is_read_from_sourced_files(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: dict[str, str] | None,
    status: str,
    message: str,
    hva313: tuple[str, str],
) -> None:
    """HVA-301 (and HVA-313): `IN ACCEPT -i IFACE` admits every packet from beyond the node's
    networks when IFACE has the default gateway; a gateway set in a sourced file counts
    (ifupdown2's address addon takes every `gateway` of the squashed stanzas), and one in a
    file not read is a question, never a pass. HVA-313 fails whichever interface it is: every
    port, the management ports included, from any source arriving there (P24-2)."""
    results = scan(
        tmp_path,
        capsys,
        {
            "etc/network/interfaces": SOURCES_D,
            "etc/pve/nodes/pve-h1/host.fw": HOST_FW + "IN ACCEPT -i vmbr2\n",
            **(extra or {}),
        },
        dirs=("etc/network/interfaces.d",) if extra is not None else (),
    )
    assert result(results, "HVA-301", "pve-h1") == (status, message)
    assert result(results, "HVA-313", "pve-h1") == hva313
    if extra is None:
        (r,) = [
            r for r in results if (r["check_id"], r["subject"]["name"]) == ("HVA-301", "pve-h1")
        ]
        assert r["question"] == (
            "Does the node's default route leave through an interface other than the one "
            "host.fw line 9 `IN ACCEPT -i vmbr2` names, and is pve-firewall (or "
            "proxmox-firewall, with host.fw `nftables: 1`) running and enabled on node pve-h1? "
            "Evidence: `ip route show default` on pve-h1 (its `dev`) and the files "
            "/etc/network/interfaces sources there (/etc/network/interfaces.d/*); `pve-firewall "
            "status` and `systemctl is-active pve-firewall proxmox-firewall`, `systemctl "
            "is-enabled pve-firewall proxmox-firewall` there. Pass: another interface, and the "
            "daemon running and enabled; fail: that interface, so the rule admits every packet "
            "from beyond the node's own networks, or no daemon applies the rules."
        )


def test_ifupdown2_reading_of_one_file() -> None:
    """networkinterfaces.py: a backslash joins lines, `#` starts a comment only at the start of
    a line, options need no indent, `eth0:1` is eth0, underscores are dashes, the first value
    of a repeated attribute wins and every value is kept; a bridge-vlan-aware value outside
    ifupdown2's table (`Yes`) is false, `on` is true."""
    text = (
        "auto vmbr0\n"
        "iface vmbr0 inet manual\n"
        "bridge_ports eno1 \\\n eno2\n"
        "    bridge-vlan-aware on # not a comment\n"
        "    bridge-vlan-aware no\n"
        "source /etc/network/interfaces.d/*\n"
        "iface vmbr0:1 inet static\n"
        "    address 10.0.0.2/24\n"
        "    bridge-vlan-aware Yes\n"
    )
    ni = pve.parse_interfaces(text, "interfaces")
    assert ni.ifaces["vmbr0"] == {
        "method": "inet manual",
        "bridge-ports": "eno1 eno2",
        "bridge-vlan-aware": "on # not a comment",
        "address": "10.0.0.2/24",
    }
    assert ni.values["vmbr0"]["bridge-vlan-aware"] == ["on # not a comment", "no", "Yes"]
    # line 7 of the file, though lines 3 and 4 were joined into one
    assert [(i.pattern, i.line) for i in ni.includes] == [("/etc/network/interfaces.d/*", 7)]
    assert not pve.ifupdown_true(ni.ifaces["vmbr0"]["bridge-vlan-aware"])
    assert pve.ifupdown_true("on") and not pve.ifupdown_true("Yes")


def test_resolve_reads_sourced_files_at_their_line() -> None:
    """A stanza before the `source` line comes first, one after it later; a sourced file that
    sources itself is not read again; a listing that is not known is unread, a directory that
    does not exist adds nothing."""
    main_ni = pve.parse_interfaces(
        "iface vmbr1\n\tbridge-vlan-aware no\nsource /etc/network/interfaces.d/*\n"
        "iface vmbr2\n\tbridge-vlan-aware no\nsource-directory /etc/network/gone\n"
        "source /etc/network/unknown/*\n",
        "interfaces",
    )
    files = {
        "/etc/network/interfaces.d/a": "iface vmbr1\n\tbridge-vlan-aware yes\n"
        "iface vmbr2\n\tbridge-vlan-aware yes\nsource /etc/network/interfaces.d/a\n",
    }
    listings: dict[str, list[str] | str] = {
        "/etc/network/interfaces.d": ["a"],
        "/etc/network/gone": [],
        "/etc/network/unknown": "not collected",
    }

    def read(path: str) -> pve.NetworkInterfaces | str | None:
        return pve.parse_interfaces(files[path], path, path) if path in files else None

    ni = pve.resolve_includes(main_ni, listings.__getitem__, read)
    assert ni.ifaces["vmbr1"]["bridge-vlan-aware"] == "no"
    assert ni.ifaces["vmbr2"]["bridge-vlan-aware"] == "yes"
    assert ni.files == ["/etc/network/interfaces", "/etc/network/interfaces.d/a"]
    assert ni.unread == [
        (
            "/etc/network/interfaces.d/a",
            "sourced at /etc/network/interfaces.d/a:5: sourced again inside itself or deeper "
            "than 8 levels",
        ),
        (
            "/etc/network/unknown/*",
            "sourced at /etc/network/interfaces:7: not collected",
        ),
    ]


class FakeNode:
    """A live node's answers to the files collector (what `ls -1Abp` and `cat` give there)."""

    description = "fake node"

    def __init__(self, files: dict[str, str], dirs: dict[str, list[str]]) -> None:
        self.files, self.dirs = files, dirs
        self.reads: list[str] = []

    def run(self, argv: tuple[str, ...], timeout: float) -> RunResult:
        if argv[:2] == ("ls", "-1Abp") and argv[2] in self.dirs:
            names = "".join(n + "\n" for n in self.dirs[argv[2]]).encode()
            return RunResult("ok", names, 0, "", "", 0)
        error = f"ls: cannot access '{argv[-1]}': No such file or directory"
        return RunResult("ok", b"", 2, error, "", 0)

    def read_file(self, path: str, timeout: float) -> RunResult:
        self.reads.append(path)
        if path in self.files:
            return RunResult("ok", self.files[path].encode(), 0, "", "", 0)
        return RunResult("absent", b"", None, "", "no such file", 0)


def test_a_live_node_reads_what_ifupdown2_reads_and_names_what_it_cannot() -> None:
    """On a live node a sourced file or directory that does not exist adds nothing (ifupdown2:
    "cannot find source file", and glob() of a missing directory is empty); a file outside
    /etc/network or with a name `ls -b` escapes is not read but named."""
    node = FakeNode(
        {
            "/etc/network/interfaces": MAIN + "\nsource /etc/network/interfaces.d/*\n"
            "source /etc/network/gone.cfg\nsource /root/net.cfg\n"
            "source-directory /etc/network/none\n",
            "/etc/network/interfaces.d/sdn": SDN,
        },
        {"/etc/network/interfaces.d": ["sdn", "we\\ ird"]},
    )
    collector = ProxmoxFilesCollector(ProxmoxTarget.parse("pve+ssh://root@pve-h1/"))
    collector.runner = node
    writer = BundleWriter(None, target="pve+ssh://root@pve-h1/", platform="proxmox-ve")
    collector._read(writer, "/etc/network/interfaces")
    collector._sourced(writer)
    assert node.reads == [
        "/etc/network/interfaces",
        "/etc/network/interfaces.d/sdn",
        "/etc/network/gone.cfg",
    ]
    dep, problems = build_pve_deployment(writer.bundle())
    assert problems == []
    px = dep.hosts[0].proxmox
    assert px is not None
    ni = px.interfaces.get()
    assert ni.files == ["/etc/network/interfaces", "/etc/network/interfaces.d/sdn"]
    assert pve.ifupdown_true(ni.ifaces["vnet1"]["bridge-vlan-aware"])
    assert ni.unread == [
        (
            "/etc/network/interfaces.d/we\\ ird",
            "sourced at /etc/network/interfaces:32: outside /etc/network/ or an unusual file "
            "name: hvaudit reads no such file",
        ),
        (
            "/root/net.cfg",
            "sourced at /etc/network/interfaces:34: outside /etc/network/ or an unusual file "
            "name: hvaudit reads no such file",
        ),
    ]


@pytest.mark.parametrize(
    ("name", "status", "message"),
    [
        (
            "uplink.cfg",
            "fail",
            "cluster firewall on, input policy DROP, but host.fw line 9 `IN ACCEPT -i vmbr2` "
            "accepts every inbound packet (-i vmbr2: the default gateway's interface) before "
            "the policy",
        ),
        (
            "up link.cfg",
            "manual",
            "cluster firewall on, input policy DROP, but host.fw line 9 `IN ACCEPT -i vmbr2` "
            "accepts every inbound packet if that interface has the node's default gateway, "
            "which a file /etc/network/interfaces sources may give it: "
            "/etc/network/interfaces.d/up link.cfg was not read (sourced at "
            "/etc/network/interfaces:32: outside /etc/network/ or an unusual file name: hvaudit "
            "reads no such file)",
        ),
    ],
    ids=["read", "name-not-read"],
)
def test_cluster_firewall_on_a_live_node_reads_the_gateway_from_sourced_files(
    tmp_path: Path, name: str, status: str, message: str
) -> None:
    """HVA-301 on the hardened node read live with pve-firewall running: `IN ACCEPT -i vmbr2`
    before the DROP policy opens the node when a sourced file gives vmbr2 the gateway; a
    sourced file hvaudit does not read (a name with a space) makes it a question."""
    from conftest import messages, outcomes
    from test_redteam3_host_probes import PVE_PROCS, PVE_TREE, pve_scan

    tree = Path(shutil.copytree(PVE_TREE, tmp_path / "tree"))
    (tree / "etc/network/interfaces").write_text(
        MAIN + "\nsource /etc/network/interfaces.d/*.cfg\n"
    )
    (tree / "etc/pve/nodes/pve-h1/host.fw").write_text(HOST_FW + "IN ACCEPT -i vmbr2\n")
    (tree / "etc/network/interfaces.d").mkdir()
    (tree / "etc/network/interfaces.d" / name).write_text(
        "iface vmbr2 inet static\n\taddress 10.9.0.2/24\n\tgateway 10.9.0.1\n"
    )
    procs = PVE_PROCS + "  950 root     pve-firewall\n"
    a = pve_scan(tmp_path, {"processes": (procs, 0)}, tree)
    assert (outcomes(a, "HVA-301")["pve-h1"], messages(a, "HVA-301")["pve-h1"]) == (
        status,
        message,
    )


def test_a_sourced_file_is_redacted_like_the_interfaces_file(tmp_path: Path) -> None:
    """A sourced file's secrets (`wpa-psk`) are blanked by the bundle writer as those of
    /etc/network/interfaces are (redact.ARTEFACT_FORMATS); the bundle keeps the names listed."""
    tree = Path(shutil.copytree(HARDENED, tmp_path / "pve"))
    (tree / "etc/network/interfaces").write_text(SOURCES_D)
    (tree / "etc/network/interfaces.d").mkdir()
    (tree / "etc/network/interfaces.d/wifi").write_text(
        "iface wlp1s0 inet dhcp\n\twpa-psk hunter2secret\n"
    )
    main(["collect", "--connect", f"pve+dir://{tree}", "--output", str(tmp_path / "b")])
    bundle = tmp_path / "b"
    assert (bundle / "pve/files/etc/network/interfaces.d/wifi").read_text() == (
        "iface wlp1s0 inet dhcp\n\twpa-psk ***REDACTED***\n"
    )
    assert (bundle / "pve/listings/etc/network/interfaces.d.list").read_text() == "wifi\n"


def test_source_directory_reads_plain_names_and_reports_an_order_it_cannot_know() -> None:
    """process_source_directory reads the names matching `^[a-zA-Z0-9_-]+$` (not vlans.cfg) in
    os.listdir order, which the file system decides: two of its files setting one attribute
    of one interface differently have no order the evidence gives, so neither value is taken
    as the first: reported unread. Files that agree are read without a question."""
    main_ni = pve.parse_interfaces("source-directory /etc/network/parts\n", "interfaces")
    files = {
        "/etc/network/parts/a": "iface vmbr1\n\tbridge-vlan-aware no\n\tgateway 10.0.0.1\n",
        "/etc/network/parts/b": "iface vmbr1\n\tbridge-vlan-aware yes\n\tgateway 10.0.0.1\n",
        "/etc/network/parts/vlans.cfg": "iface vmbr1\n\tbridge-vlan-aware yes\n",
    }

    def read(path: str) -> pve.NetworkInterfaces | str | None:
        return pve.parse_interfaces(files[path], path, path)

    ni = pve.resolve_includes(
        main_ni, lambda d: ["b", "vlans.cfg", "a"] if d == "/etc/network/parts" else "?", read
    )
    assert ni.files == [
        "/etc/network/interfaces",
        "/etc/network/parts/a",
        "/etc/network/parts/b",
    ]
    assert ni.unread == [
        (
            "/etc/network/parts/b",
            "it and /etc/network/parts/a both set bridge-vlan-aware of vmbr1 ('no', 'yes') and "
            "ifupdown2 reads the files of a source-directory in the file system's order, which "
            "the evidence does not give",
        )
    ]
    with pytest.raises(InputError, match="a Mako template"):
        pve.parse_interfaces("% for v in [11, 12]:\niface vlan${v}\n% endfor\n", "interfaces")
