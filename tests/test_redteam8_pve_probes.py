r"""Red team 8, Proxmox VE: leads of the last review and probes of the Proxmox checks (no false pass).

Findings (each pinned below; an open one is an xfail(strict=True) probe):

- P8-1 (false pass, API path): GET /nodes/{node}/network answers an Open vSwitch bridge with
  `type`/`ovs_type: OVSBridge` (pve-common PVE::Network::Interfaces __read_etc_network_interfaces,
  `ovs_type` a simple option); the collector rendered the stanza without it, so an untagged NIC on
  it was judged on a plain Linux bridge: HVA-192 pass. An untagged OVS port trunks every VLAN.
  Fixed: `ovs_type` and the other OVS keys are rendered as ifupdown2 reads them (`ovs-type`).
- P8-2 (false pass, API path): the API gives an IPv6 address and gateway as `cidr6`/`gateway6`;
  the collector dropped them, so an `IN ACCEPT -i <bridge>` rule on the interface holding the
  IPv6 default gateway was read as narrowed by `-i`: HVA-301 pass. Fixed: an `inet6` stanza.
- P8-5 (false pass, API path): the collector rendered a rule's interface as `-iface`, which
  pve-firewall refuses (parse_fw_rule knows `-i`; "unable to parse rule parameters"), so the
  parser dropped every API rule with an interface: an `IN ACCEPT -i <gateway bridge>` passed
  HVA-313. Fixed: `-i`, and `-icmp-type` as pve-firewall's $format_rules writes them.
- P8-3 (false pass, API path; lead 1): GET /nodes/{node}/network is /etc/network/interfaces alone
  (a `source` line ends the stanza and is followed nowhere; /etc/network/interfaces.new when it
  exists: PVE::INotify read_file), so what interfaces.d/* sets was taken as nothing: an untagged
  NIC on a bridge the main file leaves VLAN-unaware passed HVA-192, a `-i` rule on a bridge
  without a gateway there passed HVA-301/313. Fixed: the model lists the sourced files as not
  read (a question naming them); the kernel's own `vlan_filtering`, where the node reports it
  (pve-network's GET /nodes/{node}/sdn/zones/{zone}/bridges, PVE >= 9.1), settles the bridge.
- P8-4 (lead 3): HVA-197 ran on libvirt only and did not read Proxmox SDN `isolate-ports`
  (pve-network VnetPlugin; Zones/Plugin.pm tap_plug -> pve-common tap_plug `bridge link set dev
  <port> isolated on`). Fixed: it runs on Proxmox VE and reads the applied SDN configuration
  (/etc/pve/sdn/.running-config, collected now; the API's /cluster/sdn/vnets?running=1): a VM not
  running passes; a running one is asked whether its port was plugged after the option was
  applied (tap_plug sets the flag when it plugs the port); a port not isolated is the policy
  question, as on libvirt.
- P8-6 (pass on a fact not observed; lead 2): on a node whose processes were not read (a copy
  of /etc/pve, an API scan) HVA-191, HVA-302, HVA-303 and HVA-313 passed on right files while
  HVA-301 alone asked whether pve-firewall runs; each daemon removes its rules when it stops
  (pve_firewall.pm `shutdown` -> remove_pvefw_chains), so right files are not rules in force.
  Chosen: each is manual with HVA-301's question in the same words (one answer settles all);
  a `-i` rule whose gateway is unread and an unknown daemon make one question asking both.
- P8-7 (false pass, quirk): a cluster.fw (host.fw, <vmid>.fw) with CRLF line ends:
  pve-firewall's `/^\h*(.*?)\h*$/gm` keeps the \r, so no section header matches and every line
  is skipped (the firewall is off); Python's splitlines() read the file whole. Fixed: lines end
  at \n only.
- P8-8 (false pass, quirk): pve-firewall's regexes run on bytes (ASCII \d, \s, /i); Python's
  are Unicode: `enable: <U+0661>`, `enable:<U+00A0>1` enabled the firewall and `[RULE<U+017F>]`
  opened a rules section for hvaudit only. Fixed: re.A throughout the firewall parser.
- P8-9 (false pass, quirk): qemu-server matches `[PENDING]` case-insensitively; a `[pending]`
  section was read as a snapshot and its changes (applied at the next start) never judged.
- P8-10 (false pass, quirk): user.cfg `enable` is Perl's truth (`$enable ? 1 : 0`): `yes`, `2`,
  `00` enable a user; hvaudit read only "1" as enabled, so such an administrator without a second
  factor was left out of HVA-306.
- P8-11 (false pass, quirk): corosync (exec/coroparse.c) takes only a line starting with `#`
  for a comment and refuses crypto_cipher/crypto_hash/transport values it does not list:
  `secauth: on # x` implies no crypto (was pass: fail now), `crypto_cipher: aes256 # x` or
  `AES256` makes corosync refuse the file (was pass: a question about what runs now).
- P8-12 (false pass): a `GROUP name` rule in cluster.fw or host.fw [RULES] applies the security
  group's IN rules to the node (pve-firewall enable_host_firewall -> ruleset_add_group_rule);
  HVA-301/313 skipped it, so a group accepting everything or SSH from anywhere passed. Fixed: the
  group's rules are read in its place.
- P8-13 (false pass, API path): GET /nodes/{node}/qemu/{vmid}/config answers the configuration
  "with pending configuration changes applied" unless `current` is set (qemu-server API2/Qemu.pm
  vm_config): a running VM was judged on values it does not run, and its pending section was
  never judged. Fixed: config?current=1 and .../pending, rendered as the node's own file.
- P8-14 (unjudged subject, quirk): pve-container reads a raw key as `lxc.KEY = VALUE` too; such
  a line made the container's file a parse problem and HVA-314 never judged it (an
  `lxc.apparmor.profile = unconfined` container had no result). Fixed: read as pve-container does.
- P8-17 (wrong fail, API path on PVE < 9.1): GET /nodes/{node}/network gives bridge_vlan_aware 1
  for any bridge-vlan-aware line, `no` included; without the bridges endpoint's vlan_filtering
  an untagged NIC on such a bridge failed HVA-192. Fixed: a question naming why.
- P8-18 (false pass): a rule's `-source +set` was judged by its text, never wide; pve-firewall
  matches the set's entries, so a set of 0.0.0.0/1 and 128.0.0.0/1 admits every source:
  HVA-301/313 passed an accept from it. Fixed: a set is as wide as its widest entry.
- P8-19 (false pass, quirk): /etc/default/pveproxy is evaluated by bash, where `#` starts a
  comment only at a word's start; shlex(comments=True) cut `ALLOW_FROM=10.0.0.0/24#,0.0.0.0/0`
  at the `#` (HVA-305 pass) where pveproxy reads an entry Net::IP refuses. Now a question.
- P8-15 (false pass, quirk): domains.cfg read as pve-common SectionConfig reads it: an empty
  line ends a realm's section (a `tfa` after it belongs to none), a repeated attribute keeps its
  first value, and a `tfa` value PVE::Auth::Plugin's $tfa_format refuses (type other than yubico
  or oath, no `type=`, digits outside 6-8) is dropped: HVA-306 counted the realm's users as
  forced to a second factor (pass); fails now.
- P8-16 (false pass at the next start): a container's `[pve:pending]` section (pve-container
  parse_pct_config) was read as a snapshot; pending `features: nesting=1` was never judged.
  Fixed: HVA-314 reports what the next start adds.
"""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from test_proxmox_api import CANNED, SECRET, TOKEN, scan, seeded  # noqa: F401 - a fixture

proxmoxer = pytest.importorskip("proxmoxer")

#: GET /nodes/pve1/network of a node whose main interfaces file holds the fixture's bridges
#: (pve-common's reading of it: `bridge_vlan_aware` 1, `cidr`, `gateway`, `type`).
NETWORK: list[dict[str, Any]] = [
    {"iface": "eno1", "type": "eth", "method": "manual", "families": ["inet"]},
    {"iface": "eno2", "type": "eth", "method": "manual", "families": ["inet"]},
    {
        "iface": "bond0",
        "type": "bond",
        "method": "manual",
        "families": ["inet"],
        "slaves": "eno1 eno2",
        "bond_mode": "active-backup",
        "autostart": 1,
    },
    {
        "iface": "vmbr0",
        "type": "bridge",
        "method": "manual",
        "families": ["inet"],
        "bridge_ports": "bond0",
        "bridge_stp": "off",
        "bridge_fd": "0",
        "bridge_vlan_aware": 1,
        "bridge_vids": "2-4094",
        "autostart": 1,
    },
    {
        "iface": "vmbr1",
        "type": "bridge",
        "method": "static",
        "families": ["inet"],
        "cidr": "10.0.0.11/24",
        "address": "10.0.0.11",
        "netmask": "24",
        "gateway": "10.0.0.1",
        "bridge_ports": "eno3",
        "bridge_stp": "off",
        "bridge_fd": "0",
        "autostart": 1,
    },
]


def _api(
    fakepve: Any,
    fakepve_cafile: str,
    target: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    network: list[dict[str, Any]] | None = None,
    canned: dict[str, Any] | None = None,
) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], str]]:
    monkeypatch.setitem(CANNED, "/nodes/{node}/network", network or NETWORK)
    for k, v in (canned or {}).items():
        monkeypatch.setitem(CANNED, k, v)
    monkeypatch.setenv("HVAUDIT_PVE_TOKEN", f"{TOKEN}={SECRET}")
    _, report = scan(target, capsys, "--ca-file", fakepve_cafile)
    status = {(r["check_id"], r["subject"]["name"]): r["status"] for r in report["results"]}
    msg = {(r["check_id"], r["subject"]["name"]): r["message"] for r in report["results"]}
    return status, msg


def _admin(fakepve_url: str, fakepve_cafile: str) -> Any:
    url = urllib.parse.urlsplit(fakepve_url)
    return proxmoxer.ProxmoxAPI(
        url.hostname,
        port=url.port,
        user="root@pam",
        password="secret",  # noqa: S106 - fakepve's fixed root password
        verify_ssl=fakepve_cafile,
    )


# --- P8-1: an Open vSwitch bridge through the API -------------------------------------------------


def test_p8_1_untagged_nic_on_api_ovs_bridge_fails_hva192(
    seeded: str,  # noqa: F811
    fakepve: Any,
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Was pass ("1 interface(s), none trunked"): the OVS bridge was rendered as a plain one."""
    ovs = {
        "iface": "vmbr2",
        "type": "OVSBridge",
        "ovs_type": "OVSBridge",
        "ovs_ports": "eno4",
        "method": "manual",
        "families": ["inet"],
        "autostart": 1,
    }
    fakepve.add_vm(
        102, "ovs-vm", config={"name": "ovs-vm", "net0": "virtio=BC:24:11:00:01:02,bridge=vmbr2"}
    )
    status, msg = _api(fakepve, fakepve_cafile, seeded, capsys, monkeypatch, [*NETWORK, ovs])
    assert status[("HVA-192", "ovs-vm")] == "fail", msg[("HVA-192", "ovs-vm")]
    assert msg[("HVA-192", "ovs-vm")] == (
        "BC:24:11:00:01:02: untagged on VLAN-aware bridge vmbr2: receives every VLAN"
    )


# --- P8-2: the IPv6 default gateway through the API -----------------------------------------------


def test_p8_2_accept_on_the_ipv6_gateway_interface_fails_hva301(
    seeded: str,  # noqa: F811
    fakepve: Any,
    fakepve_url: str,
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Was pass: `gateway6` was dropped, so `-i vmbr6` looked narrow. ifupdown2 (addons/
    address.py) gives vmbr6 the IPv6 default route: every IPv6 packet from beyond reaches it."""
    v6 = {
        "iface": "vmbr6",
        "type": "bridge",
        "method": "manual",
        "method6": "static",
        "families": ["inet6"],
        "cidr6": "2001:db8::11/64",
        "address6": "2001:db8::11",
        "netmask6": "64",
        "gateway6": "2001:db8::1",
        "bridge_ports": "eno5",
        "autostart": 1,
    }
    _admin_api = _admin(fakepve_url_of(seeded), fakepve_cafile)
    _admin_api.nodes("pve1").firewall.rules.post(
        type="in", action="ACCEPT", iface="vmbr6", enable=1
    )
    status, msg = _api(fakepve, fakepve_cafile, seeded, capsys, monkeypatch, [*NETWORK, v6])
    assert (status[("HVA-301", "pve1")], status[("HVA-313", "pve1")]) == ("fail", "fail"), msg
    assert msg[("HVA-301", "pve1")] == (
        "cluster firewall on, input policy DROP, but host.fw line 4 `IN ACCEPT -i vmbr6` accepts "
        "every inbound packet (-i vmbr6: the default gateway's interface) before the policy"
    )


def test_p8_5_an_api_rule_keeps_its_interface(
    seeded: str,  # noqa: F811
    fakepve: Any,
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Was pass for HVA-313: the rule was rendered `-iface vmbr1`, which pve-firewall's
    parse_fw_rule refuses ("unable to parse rule parameters"), so the parser dropped the rule that
    opens every port on the gateway's bridge. pve-firewall writes `-i` ($format_rules)."""
    admin = _admin(fakepve_url_of(seeded), fakepve_cafile)
    admin.nodes("pve1").firewall.rules.post(type="in", action="ACCEPT", iface="vmbr1", enable=1)
    got, msg = _api(fakepve, fakepve_cafile, seeded, capsys, monkeypatch)
    assert got[("HVA-313", "pve1")] == "fail", msg[("HVA-313", "pve1")]
    assert msg[("HVA-313", "pve1")] == (
        "host.fw line 4 `IN ACCEPT -i vmbr1` accepts every inbound packet (-i vmbr1: the default "
        "gateway's interface), management ports included"
    )


def fakepve_url_of(target: str) -> str:
    parts = urllib.parse.urlsplit(target)
    return f"https://{parts.hostname}:{parts.port}"


# --- P8-3: what the API's interfaces answer leaves out --------------------------------------------


def _untagged_on_vmbr1(fakepve: Any) -> None:
    fakepve.add_vm(
        102, "flat-vm", config={"name": "flat-vm", "net0": "virtio=BC:24:11:00:01:03,bridge=vmbr1"}
    )


def test_p8_3_untagged_nic_through_the_api_is_a_question(
    seeded: str,  # noqa: F811
    fakepve: Any,
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Was pass: vmbr1 is VLAN-unaware in the main file, but interfaces.d/* (not in the answer)
    may make it VLAN-aware (ifupdown2 squashes the stanzas)."""
    _untagged_on_vmbr1(fakepve)
    status, msg = _api(fakepve, fakepve_cafile, seeded, capsys, monkeypatch)
    assert status[("HVA-192", "flat-vm")] == "manual", msg[("HVA-192", "flat-vm")]
    assert msg[("HVA-192", "flat-vm")] == (
        "untagged NIC(s) on a bridge whose VLAN setting is not in the evidence: BC:24:11:00:01:03 "
        f"on bridge vmbr1: a file /etc/network/interfaces sources was not read: {API_UNREAD}"
    )


#: What the API's interfaces answer leaves out, as the model names it.
API_UNREAD = (
    "/etc/network/interfaces.d/* or any other file it sources (GET /nodes/pve1/network answers "
    "/etc/network/interfaces alone: pve-common PVE::Network::Interfaces "
    "__read_etc_network_interfaces ends a stanza at a `source` line and follows none (a Proxmox "
    "VE install sources /etc/network/interfaces.d/*, where SDN writes its VNets), and "
    "PVE::INotify read_file answers /etc/network/interfaces.new, changes not yet applied, when "
    "it exists)"
)


def _bridges(vmbr1: int) -> dict[str, Any]:
    """GET /nodes/{node}/sdn/zones/{zone}/bridges of a node whose vmbr1 has this vlan_filtering."""
    return {
        "/nodes/{node}/sdn/zones/{zone}/bridges": [
            {"name": "vmbr0", "vlan_filtering": "1", "ports": []},
            {"name": "vmbr1", "vlan_filtering": str(vmbr1), "ports": []},
        ]
    }


@pytest.mark.parametrize(("vlan_filtering", "status"), [(0, "pass"), (1, "fail")])
def test_p8_3_the_kernels_vlan_filtering_settles_the_bridge(
    seeded: str,  # noqa: F811
    fakepve: Any,
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    vlan_filtering: int,
    status: str,
) -> None:
    """pve-network's bridges endpoint reads `ip link` (linkinfo.info_data.vlan_filtering), what
    tap_plug itself reads: 0 settles the question (pass), 1 makes the untagged NIC a trunk
    whatever the main file says (fail)."""
    _untagged_on_vmbr1(fakepve)
    got, msg = _api(
        fakepve, fakepve_cafile, seeded, capsys, monkeypatch, canned=_bridges(vlan_filtering)
    )
    assert got[("HVA-192", "flat-vm")] == status, msg[("HVA-192", "flat-vm")]
    assert msg[("HVA-192", "flat-vm")] == (
        "1 interface(s), none trunked"
        if status == "pass"
        else "BC:24:11:00:01:03: untagged on VLAN-aware bridge vmbr1: receives every VLAN"
    )


def test_p8_3_accept_on_a_bridge_without_gateway_through_the_api_is_a_question(
    seeded: str,  # noqa: F811
    fakepve: Any,
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Was pass for HVA-301 and HVA-313: vmbr0 has no gateway in the main file, but a file it
    sources may give it one, and then `IN ACCEPT -i vmbr0` admits every packet from beyond.
    HVA-313 fails since P24-2 (tests/test_redteam24_pve_probes.py): every port from any source
    arriving on vmbr0, the management ports included, whichever interface has the gateway."""
    admin = _admin(fakepve_url_of(seeded), fakepve_cafile)
    admin.nodes("pve1").firewall.rules.post(type="in", action="ACCEPT", iface="vmbr0", enable=1)
    got, msg = _api(fakepve, fakepve_cafile, seeded, capsys, monkeypatch)
    assert (got[("HVA-301", "pve1")], got[("HVA-313", "pve1")]) == ("manual", "fail"), msg
    assert msg[("HVA-313", "pve1")] == (
        "host.fw:4 accepts management ports from any source (`IN ACCEPT -i vmbr0`: every TCP "
        "port, management ports included)"
    )
    assert msg[("HVA-301", "pve1")] == (
        "cluster firewall on, input policy DROP, but host.fw line 4 `IN ACCEPT -i "
        "vmbr0` accepts every inbound packet if that interface has the node's default gateway, "
        "which a file /etc/network/interfaces sources may give it: /etc/network/interfaces.d/* "
        "or any other file it sources was not read (" + API_UNREAD.split(" (", 1)[1] + "; and "
        "whether pve-firewall or proxmox-firewall applies the rules on node pve1 is not in the "
        "evidence (running processes: the API path reads no host OS facts; collect the node's "
        "files over SSH for them)"
    )


# --- P8-4: SDN isolate-ports -----------------------------------------------------------------------

#: GET /cluster/sdn/{vnets,zones}?running=1: VNet isonet isolates its ports, flatnet does not.
SDN = {
    "/cluster/sdn/vnets": [
        {"vnet": "isonet", "zone": "simple1", "type": "vnet", "isolate-ports": 1, "digest": "x"},
        {"vnet": "flatnet", "zone": "simple1", "type": "vnet"},
    ],
    "/cluster/sdn/zones": [{"zone": "simple1", "type": "simple", "digest": "x"}],
}


@pytest.mark.parametrize("state", ["stopped", "running"])
def test_p8_4_isolate_ports_through_the_api(
    seeded: str,  # noqa: F811
    fakepve: Any,
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    state: str,
) -> None:
    """Was not judged (HVA-197 ran on libvirt only): a VM not running is asked only about the
    bridge's ports of no VM (the API shows no links); a running one is asked whether its port was plugged after
    the option was applied (tap_plug sets the flag when it plugs the port)."""
    fakepve.add_vm(
        102,
        "iso-vm",
        status=state,
        config={"name": "iso-vm", "net0": "virtio=BC:24:11:00:02:02,bridge=isonet"},
    )
    got, msg = _api(fakepve, fakepve_cafile, seeded, capsys, monkeypatch, canned=SDN)
    if state == "stopped":
        # an API scan reads no links: a port of no VM on the VNet's bridge is not in the
        # evidence, so the pass became a question (lead of VL16-4)
        assert got[("HVA-197", "iso-vm")] == "manual", msg[("HVA-197", "iso-vm")]
        assert msg[("HVA-197", "iso-vm")] == (
            "1 bridge port(s) isolated, but the ports of bridge(s) isonet on host pve1 were not "
            "read: a port of no VM there, not isolated, still exchanges frames with them"
        )
    else:
        assert got[("HVA-197", "iso-vm")] == "manual", msg[("HVA-197", "iso-vm")]
        # and the bridge's ports of no VM, unread as for a stopped VM, in the same item
        # (R34W-6: the plug question alone was asked, and a "yes" passed them unasked)
        assert msg[("HVA-197", "iso-vm")] == (
            "net0 on VNet isonet: isolate-ports is set in the applied SDN configuration, which "
            "Proxmox VE applies to a port when it plugs it (VM start, NIC hot-plug); whether this "
            "running VM was started after it was applied is not in the evidence; 1 bridge port(s) "
            "isolated, but the ports of bridge(s) isonet on host pve1 were not read: a port of no "
            "VM there, not isolated, still exchanges frames with them"
        )


def _iso_tree(tmp_path: Path, bridge: str) -> Path:
    import shutil

    from test_redteam3_host_probes import PVE_TREE

    tree = Path(shutil.copytree(PVE_TREE, tmp_path / "tree"))
    (tree / "etc/pve/sdn").mkdir()
    (tree / "etc/pve/sdn/.running-config").write_text(
        json.dumps(
            {
                "version": 3,
                "vnets": {
                    "ids": {
                        "isonet": {"type": "vnet", "zone": "simple1", "isolate-ports": 1},
                        "flatnet": {"type": "vnet", "zone": "simple1"},
                    }
                },
                "zones": {"ids": {"simple1": {"type": "simple"}}},
            }
        )
    )
    (tree / "etc/pve/qemu-server/202.conf").write_text(
        f"name: iso-vm\nmemory: 1024\nnet0: virtio=BC:24:11:00:02:02,bridge={bridge}\n"
    )
    return tree


@pytest.mark.parametrize(
    ("bridge", "status", "message"),
    [
        ("isonet", "pass", "1 bridge port(s) isolated (SDN VNet isolate-ports)"),
        ("flatnet", "manual", "port(s) not isolated: BC:24:11:00:02:02 on flatnet"),
    ],
)
def test_p8_4_isolate_ports_from_the_nodes_files(
    tmp_path: Path, bridge: str, status: str, message: str
) -> None:
    """/etc/pve/sdn/.running-config is collected with the node's files; VM 202 does not run
    (the node's processes show only VM 200), so its port is isolated when it starts."""
    from conftest import messages, outcomes
    from test_redteam3_host_probes import PVE_PROCS, pve_scan

    a = pve_scan(tmp_path, {"processes": (PVE_PROCS, 0)}, _iso_tree(tmp_path, bridge))
    assert outcomes(a, "HVA-197")["iso-vm"] == status, messages(a, "HVA-197")["iso-vm"]
    assert messages(a, "HVA-197")["iso-vm"] == message


# --- P8-6: rules whose enforcement was not observed (lead 2) ---------------------------------------

ENFORCED = ("HVA-191", "HVA-302", "HVA-303", "HVA-313")


def test_p8_6_right_rules_not_seen_in_force_are_hva301s_question(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Was pass on a copied tree for HVA-191 (web-10), 302, 303 (web-10) and 313: the files are
    right, but no process list shows pve-firewall or proxmox-firewall applying them (each removes
    its rules when it stops: pve_firewall.pm `shutdown` -> remove_pvefw_chains). The project
    signs no pass on a fact not observed: each asks HVA-301's question, in the same words, so one
    answer (`pve-firewall status`) settles all; a wrong rule still fails."""
    from test_proxmox_checks import HARDENED
    from test_proxmox_checks import scan as dir_scan

    _, report = dir_scan(HARDENED, capsys)
    by = {(r["check_id"], r["subject"]["name"]): r for r in report["results"]}
    question = by[("HVA-301", "pve-h1")]["question"]
    for check in ENFORCED:
        subject = "pve-h1" if check in ("HVA-302", "HVA-313") else "web-10"
        r = by[(check, subject)]
        assert (r["status"], r["question"]) == ("manual", question), (check, r["message"])
        assert r["message"].endswith(
            "but whether pve-firewall or proxmox-firewall applies the rules on node pve-h1 is not "
            "in the evidence (running processes: a copied configuration tree has no live host to "
            "read facts from)"
        ), r["message"]


@pytest.mark.parametrize(
    ("daemon", "status"), [("  950 root     pve-firewall\n", "pass"), ("", "fail")]
)
def test_p8_6_a_live_node_settles_them(tmp_path: Path, daemon: str, status: str) -> None:
    """Twins: on a live node whose processes were read, pve-firewall running passes them all,
    and none running fails them (R5-13)."""
    from conftest import outcomes
    from test_redteam3_host_probes import PVE_PROCS, pve_scan

    a = pve_scan(tmp_path, {"processes": (PVE_PROCS + daemon, 0)})
    got = {c: outcomes(a, c) for c in ENFORCED}
    assert got["HVA-302"]["pve-h1"] == got["HVA-313"]["pve-h1"] == status
    assert got["HVA-303"]["web-10"] == got["HVA-191"]["web-10"] == status


# --- P8-7 / P8-8: firewall files read as pve-firewall reads them (bytes, lines at \n) -------------

FW_RUNNING = "  950 root     pve-firewall\n"


def _fw_scan(tmp_path: Path, rewrite: Any) -> tuple[str, str]:
    """HVA-301 on a live node (pve-firewall running) whose cluster.fw is `rewrite(text)`."""
    import shutil

    from conftest import messages, outcomes
    from test_redteam3_host_probes import PVE_PROCS, PVE_TREE, pve_scan

    tree = Path(shutil.copytree(PVE_TREE, tmp_path / "tree"))
    fw = tree / "etc/pve/firewall/cluster.fw"
    fw.write_bytes(rewrite(fw.read_text()).encode())
    a = pve_scan(tmp_path, {"processes": (PVE_PROCS + FW_RUNNING, 0)}, tree)
    return outcomes(a, "HVA-301")["pve-h1"], messages(a, "HVA-301")["pve-h1"]


OFF = (
    "cluster firewall off (cluster.fw enable is not 1): no firewall rule applies to any node or VM"
)


def test_p8_7_a_crlf_cluster_fw_is_off(tmp_path: Path) -> None:
    """Was pass. pve-firewall's generic_fw_config_parser reads `/^\\h*(.*?)\\h*$/gm`: lines end at
    \\n, \\r is no \\h, so `[OPTIONS]\\r` fails `m/^\\[options\\]$/i` (checked with perl: every
    line of a CRLF file is "skip line - no section"); no `enable: 1` is read and the cluster
    firewall is off. Python's splitlines() dropped the \\r and read the file whole."""
    assert _fw_scan(tmp_path, lambda t: t.replace("\n", "\r\n")) == ("fail", OFF)


@pytest.mark.parametrize(
    "rewrite",
    [
        lambda t: t.replace("enable: 1", "enable: \u0661"),  # ARABIC-INDIC DIGIT ONE
        lambda t: t.replace("enable: 1", "enable:\u00a01"),  # NO-BREAK SPACE
    ],
    ids=["unicode-digit", "no-break-space"],
)
def test_p8_8_only_ascii_digits_and_blanks_enable_the_firewall(
    tmp_path: Path, rewrite: Any
) -> None:
    """Was pass. parse_clusterfw_option `m/^(enable):\\s*(\\d+)\\s*$/i` runs on the file's bytes:
    \\d is 0-9 and \\s ASCII blanks, so `enable: <U+0661>` or `enable:<U+00A0>1` is "can't parse option"
    and the firewall stays off; Python's Unicode \\d and \\s read both as enable 1."""
    assert _fw_scan(tmp_path, rewrite) == ("fail", OFF)


def test_p8_8_a_unicode_case_fold_is_no_section_header(tmp_path: Path) -> None:
    """Was pass. `[RULE<U+017F>]` (LATIN SMALL LETTER LONG S) is `[RULES]` to Python's Unicode re.I,
    not to pve-firewall's `m/^\\[rules\\]$/i` on bytes: the options section goes on, so the
    `policy_in: ACCEPT` after it is the cluster's input policy."""
    status, msg = _fw_scan(
        tmp_path, lambda t: t.replace("policy_in: DROP\n", "[RULE\u017f]\npolicy_in: ACCEPT\n")
    )
    assert (status, msg) == ("fail", "cluster firewall on, input policy ACCEPT")


# --- P8-9: a pending section in any case ------------------------------------------------------------


def test_p8_9_a_lower_case_pending_section_is_judged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass. qemu-server parse_vm_config matches `m/^\\[PENDING\\]\\s*$/i`: `[pending]` is the
    pending section, applied at the VM's next start (vmconfig_apply_pending); hvaudit took it for
    a snapshot named "pending" and never judged it. Twin of test_pve_pending_raw_arguments_are_
    judged (tests/test_redteam3_vm_probes.py)."""
    from test_redteam2_probes import PVE_HARDENED, pve_result
    from test_redteam2_probes import pve_scan as dir_scan

    vm200 = (PVE_HARDENED / "etc/pve/qemu-server/200.conf").read_text()
    report = dir_scan(
        tmp_path,
        capsys,
        {"etc/pve/qemu-server/200.conf": vm200 + "\n[pending]\nargs: -vnc 0.0.0.0:1\n"},
    )
    status, msg = pve_result(report, "HVA-046", "web-10")
    assert status == "fail", msg
    assert "-vnc" in msg


# --- P8-10: user.cfg's enable field is Perl's truth ----------------------------------------------


@pytest.mark.parametrize("enable", ["yes", "2", "00"])
def test_p8_10_an_admin_enabled_by_perls_truth_needs_a_second_factor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], enable: str
) -> None:
    """Was pass. pve-access-control parse_user_config: `$enable = $enable ? 1 : 0`, so `yes`,
    `2` or `00` enable the user; hvaudit took every value but "1" for disabled and left carol,
    an administrator without a second factor, out of HVA-306."""
    from test_redteam2_probes import PVE_HARDENED, pve_result
    from test_redteam2_probes import pve_scan as dir_scan

    users = (PVE_HARDENED / "etc/pve/user.cfg").read_text()
    users = users.replace(
        "group:admins:alice@corp:",
        f"user:carol@pve:{enable}:0:Carol:Admin:carol@example.org:::\n\n"
        "group:admins:alice@corp,carol@pve:",
    )
    report = dir_scan(tmp_path, capsys, {"etc/pve/user.cfg": users})
    assert pve_result(report, "HVA-306", "pve-h1") == (
        "fail",
        "administrators without a second factor: carol@pve",
    )


# --- P8-11: corosync.conf read as corosync reads it ----------------------------------------------


@pytest.mark.parametrize(
    ("totem", "status", "message"),
    [
        (
            "  secauth: on # encrypt\n",
            "fail",
            "corosync unencrypted or unauthenticated (crypto_cipher none, crypto_hash none)",
        ),
        (
            "  crypto_cipher: aes256 # AES\n  crypto_hash: sha256\n",
            "manual",
            "corosync.conf sets totem crypto_cipher 'aes256 # AES', which corosync refuses "
            '(coroparse.c "Invalid cipher type", "Invalid hash type", totemconfig.c "Invalid '
            'transport type"; a `#` after a value is part of it): this file is not what corosync '
            "runs, an earlier configuration or none is",
        ),
        (
            "  crypto_cipher: AES256\n  crypto_hash: sha256\n",
            "manual",
            "corosync.conf sets totem crypto_cipher 'AES256', which corosync refuses "
            '(coroparse.c "Invalid cipher type", "Invalid hash type", totemconfig.c "Invalid '
            'transport type"; a `#` after a value is part of it): this file is not what corosync '
            "runs, an earlier configuration or none is",
        ),
        (
            "  # crypto_cipher: none\n  crypto_cipher: aes256\n  crypto_hash: sha256\n",
            "pass",
            "crypto_cipher aes256, crypto_hash sha256",
        ),
    ],
    ids=["secauth-with-comment", "cipher-with-comment", "upper-case-cipher", "comment-line"],
)
def test_p8_11_corosync_values_as_corosync_reads_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], totem: str, status: str, message: str
) -> None:
    """Were pass. corosync's exec/coroparse.c takes only a line starting with `#` as a comment:
    `secauth: on # encrypt` is secauth `on # encrypt`, which totem_get_crypto does not take for
    `on` (no crypto: fail); crypto_cipher `aes256 # AES` or `AES256` is "Invalid cipher type"
    and corosync refuses the file (what runs is an earlier configuration or none: a question).
    hvaudit cut the comment off and took any cipher but `none` for one."""
    from test_redteam2_probes import PVE_HARDENED, pve_result
    from test_redteam2_probes import pve_scan as dir_scan

    conf = (PVE_HARDENED / "etc/pve/corosync.conf").read_text()
    conf = conf.replace("  crypto_cipher: aes256\n  crypto_hash: sha256\n", totem).replace(
        "  secauth: on\n", ""
    )
    # /etc/pve's copy and the node's own, which corosync reads (a copy without it asks, L19-11P)
    files = {"etc/pve/corosync.conf": conf, "etc/corosync/corosync.conf": conf}
    report = dir_scan(tmp_path, capsys, files)
    assert pve_result(report, "HVA-309", "pve-h1") == (status, message)


# --- P8-12: a security group in the node's rules ---------------------------------------------------


@pytest.mark.parametrize(
    ("group", "check", "message"),
    [
        (
            "IN ACCEPT\n",
            "HVA-301",
            "cluster firewall on, input policy DROP, but host.fw line 9 (group opengrp line 28) "
            "`IN ACCEPT` accepts every inbound packet before the policy",
        ),
        (
            "IN ACCEPT -p tcp -dport 22\n",
            "HVA-313",
            "host.fw:9 (group opengrp line 28) accepts management ports from any source",
        ),
    ],
    ids=["accept-all", "ssh-from-anywhere"],
)
def test_p8_12_a_security_group_in_host_fw_opens_the_node(
    tmp_path: Path, group: str, check: str, message: str
) -> None:
    """Was pass. pve-firewall's enable_host_firewall applies a `GROUP name` rule of host.fw or
    cluster.fw by jumping to the group's chain (ruleset_add_group_rule, generate_group_rules: its
    IN rules); hvaudit skipped every rule whose type is not `in`, so a group accepting every
    packet, or SSH from anywhere, opened the node unseen."""
    import shutil

    from conftest import messages, outcomes
    from test_redteam3_host_probes import PVE_PROCS, PVE_TREE, pve_scan

    tree = Path(shutil.copytree(PVE_TREE, tmp_path / "tree"))
    cluster = tree / "etc/pve/firewall/cluster.fw"
    cluster.write_text(cluster.read_text() + "\n[group opengrp]\n" + group)
    host = tree / "etc/pve/nodes/pve-h1/host.fw"
    host.write_text(host.read_text() + "GROUP opengrp\n")
    assert host.read_text().splitlines()[8] == "GROUP opengrp"
    assert cluster.read_text().splitlines()[27] == group.strip()
    a = pve_scan(tmp_path, {"processes": (PVE_PROCS + FW_RUNNING, 0)}, tree)
    assert outcomes(a, check)["pve-h1"] == "fail", messages(a, check)["pve-h1"]
    assert message in messages(a, check)["pve-h1"]


# --- P8-13: the API's config is the current one, its pending changes beside it ---------------------


def test_p8_13_pending_changes_through_the_api_are_judged(
    seeded: str,  # noqa: F811
    fakepve: Any,
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Was pass. qemu-server's GET .../config answers "with pending configuration changes
    applied" unless `current` is set (API2/Qemu.pm vm_config), so the collector judged neither
    a running VM's current values (the pending ones instead) nor its pending section. It now
    reads config?current=1 and .../pending into the file qemu-server keeps: here the pending
    `args: -vnc 0.0.0.0:1` (QEMU's raw -vnc at the next start) fails HVA-046, as the same
    [PENDING] line in a node's own file does."""
    fakepve.add_vm(
        102,
        "pend-vm",
        status="running",
        config={"name": "pend-vm", "memory": "1024"},
        pending={"args": "-vnc 0.0.0.0:1"},
    )
    got, msg = _api(fakepve, fakepve_cafile, seeded, capsys, monkeypatch)
    assert got[("HVA-046", "pend-vm")] == "fail", msg[("HVA-046", "pend-vm")]
    assert "-vnc" in msg[("HVA-046", "pend-vm")]


def test_p8_13_rendered_pending_section() -> None:
    """The [PENDING] section as qemu-server writes it: values, then `delete:` (2 forces: `!`)."""
    from hvaudit.collect.proxmox_api import render_config

    text = render_config(
        {"name": "a", "args": "-nodefaults", "digest": "x"},
        [
            {"key": "args", "value": "-nodefaults", "delete": 1},
            {"key": "cores", "value": 2, "pending": 4},
            {"key": "tablet", "value": 1, "delete": 2},
            {"key": "name", "value": "a"},
        ],
    )
    assert text == ("args: -nodefaults\nname: a\n\n[PENDING]\ncores: 4\ndelete: args,!tablet\n")


# --- P8-14: a raw LXC key written with `=` ------------------------------------------------------------


def test_p8_14_a_raw_lxc_key_with_an_equals_sign_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was no HVA-314 result for the container (the line was "expected 'key: value'", the file
    a parse problem). pve-container parse_pct_config reads a raw key as `lxc.KEY: VALUE` or
    `lxc.KEY = VALUE` (`m/^(lxc\\.[a-z0-9_\\-\\.]+)(:|\\s*=)\\s*(.*?)\\s*$/`): the container runs
    unconfined."""
    from test_redteam2_probes import PVE_HARDENED, pve_result
    from test_redteam2_probes import pve_scan as dir_scan

    ct = (PVE_HARDENED / "etc/pve/lxc/300.conf").read_text()
    report = dir_scan(
        tmp_path, capsys, {"etc/pve/lxc/300.conf": ct + "lxc.apparmor.profile = unconfined\n"}
    )
    assert pve_result(report, "HVA-314", "dns-01") == ("fail", "lxc.apparmor.profile: unconfined")


# --- P8-15: a realm's tfa as pve-access-control reads domains.cfg -------------------------------


@pytest.mark.parametrize(
    "realm",
    [
        "ad: corp\n\tdomain corp.example.org\n\tserver1 dc1.corp.example.org\n\tsecure 1\n\n"
        "\ttfa type=oath\n",
        "ad: corp\n\tdomain corp.example.org\n\tserver1 dc1.corp.example.org\n\tsecure 1\n"
        "\ttfa type=totp\n",
        "ad: corp\n\tdomain corp.example.org\n\tserver1 dc1.corp.example.org\n\tsecure 1\n"
        "\ttfa oath\n",
        "ad: corp\n\tdomain corp.example.org\n\tserver1 dc1.corp.example.org\n\tsecure 1\n"
        "\ttfa type=oath,digits=4\n",
    ],
    ids=["after-an-empty-line", "unknown-type", "no-type-key", "digits-out-of-range"],
)
def test_p8_15_a_realm_tfa_pve_refuses_enforces_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], realm: str
) -> None:
    """Was pass ("... by their realm's tfa setting"). pve-common SectionConfig parse_config ends
    a section at an empty line (`while ($line = $nextline->())`), so a `tfa` after one belongs to
    no realm; and a value PVE::Auth::Plugin's $tfa_format refuses (type yubico or oath required,
    digits 6-8) is dropped ("unable to parse value of 'tfa'"). Either way corp's users log in
    without a second factor: here alice@corp, an administrator without keys of her own."""
    from test_redteam2_probes import PVE_HARDENED, pve_result
    from test_redteam2_probes import pve_scan as dir_scan

    domains = (PVE_HARDENED / "etc/pve/domains.cfg").read_text()
    head = domains.split("ad: corp")[0]
    users = (
        (PVE_HARDENED / "etc/pve/user.cfg")
        .read_text()
        .replace("Platform team:x!oath:", "Platform team::")
    )
    report = dir_scan(
        tmp_path, capsys, {"etc/pve/domains.cfg": head + realm, "etc/pve/user.cfg": users}
    )
    assert pve_result(report, "HVA-306", "pve-h1") == (
        "fail",
        "administrators without a second factor: alice@corp",
    )


# --- P8-16 / P8-17 (were open probes) ----------------------------------------------------------------


def test_p8_16_a_containers_pending_nesting_is_judged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """pve-container parse_pct_config: `[pve:pending]` holds the changes a running container takes
    at its next start (vmconfig_apply_pending); `features: nesting=1` there turns nesting on then.
    hvaudit read the section as a snapshot and judged the current configuration only (HVA-314
    pass). Now: fail naming what the next start adds, as a VM's [PENDING] is judged."""
    from test_redteam2_probes import PVE_HARDENED, pve_result
    from test_redteam2_probes import pve_scan as dir_scan

    ct = (PVE_HARDENED / "etc/pve/lxc/300.conf").read_text()
    report = dir_scan(
        tmp_path, capsys, {"etc/pve/lxc/300.conf": ct + "\n[pve:pending]\nfeatures: nesting=1\n"}
    )
    assert pve_result(report, "HVA-314", "dns-01") == (
        "fail",
        "at its next start ([pve:pending]): nesting on (host procfs and sysfs exposed)",
    )


def test_p8_17_api_vlan_aware_flag_is_no_proof(
    seeded: str,  # noqa: F811
    fakepve: Any,
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """pve-common __read_etc_network_interfaces sets `bridge_vlan_aware = 1` for any
    `bridge-vlan-aware` line, `no` and `off` included (`} elsif ($id eq 'bridge_vlan_aware') {
    $d->{$id} = 1;`), while ifupdown2 reads those as false. On a node without pve-network's
    bridges endpoint (PVE < 9.1) the API cannot tell, yet an untagged NIC on such a bridge
    failed HVA-192 (a wrong fail on `bridge-vlan-aware no`). Now a question (`ip -d link show
    vmbr1`: vlan_filtering), not a fail; the kernel's answer settles it where the node gives it
    (test_p8_3_the_kernels_vlan_filtering_settles_the_bridge)."""
    fakepve.add_vm(
        102, "flat-vm", config={"name": "flat-vm", "net0": "virtio=BC:24:11:00:01:03,bridge=vmbr1"}
    )
    network = [dict(i, bridge_vlan_aware=1) if i["iface"] == "vmbr1" else i for i in NETWORK]
    got, msg = _api(fakepve, fakepve_cafile, seeded, capsys, monkeypatch, network)
    assert got[("HVA-192", "flat-vm")] == "manual", msg[("HVA-192", "flat-vm")]
    assert msg[("HVA-192", "flat-vm")] == (
        "untagged NIC(s) on a bridge whose VLAN setting is not in the evidence: BC:24:11:00:01:03 "
        "on bridge vmbr1: GET /nodes/pve1/network reports bridge_vlan_aware 1 for any "
        "bridge-vlan-aware line, `no` and `off` included (pve-common "
        "__read_etc_network_interfaces), and the node reported no vlan_filtering for it "
        "(pve-network's bridges endpoint, Proxmox VE 9.1 or later)"
    )


# --- P8-18: a rule's source that is a wide IP set ----------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "check", "message"),
    [
        (
            "IN ACCEPT -source +anywhere -p tcp -dport 8006",
            "HVA-313",
            "host.fw:9 accepts management ports from +anywhere",
        ),
        (
            "IN ACCEPT -source +anywhere",
            "HVA-301",
            "cluster firewall on, input policy DROP, but host.fw line 9 `IN ACCEPT -source "
            "+anywhere` accepts every inbound IPv4 packet before the policy",
        ),
    ],
    ids=["web-ui-from-a-wide-set", "everything-from-a-wide-set"],
)
def test_p8_18_an_ip_set_source_is_as_wide_as_its_entries(
    tmp_path: Path, rule: str, check: str, message: str
) -> None:
    """Was pass. pve-firewall matches `-source +name` against the IP set's entries; a set holding
    0.0.0.0/1 and 128.0.0.0/1 admits every IPv4 source, yet hvaudit judged the `+name` text, never
    wide, as a narrowing source."""
    import shutil

    from conftest import messages, outcomes
    from test_redteam3_host_probes import PVE_PROCS, PVE_TREE, pve_scan

    tree = Path(shutil.copytree(PVE_TREE, tmp_path / "tree"))
    cluster = tree / "etc/pve/firewall/cluster.fw"
    cluster.write_text(
        cluster.read_text().replace(
            "[RULES]", "[IPSET anywhere]\n0.0.0.0/1\n128.0.0.0/1\n\n[RULES]", 1
        )
    )
    host = tree / "etc/pve/nodes/pve-h1/host.fw"
    host.write_text(host.read_text() + rule + "\n")
    assert host.read_text().splitlines()[8] == rule
    a = pve_scan(tmp_path, {"processes": (PVE_PROCS + FW_RUNNING, 0)}, tree)
    assert outcomes(a, check)["pve-h1"] == "fail", messages(a, check)["pve-h1"]
    assert message in messages(a, check)["pve-h1"]


# --- P8-19: a `#` inside a word of /etc/default/pveproxy ----------------------------------------------


def test_p8_19_a_hash_inside_a_word_is_no_comment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass ("ALLOW_FROM 10.0.0.0/24, everything else denied"). pveproxy evaluates the file
    with bash (pve-http-server read_proxy_config), where `#` starts a comment only at the start
    of a word: `ALLOW_FROM=10.0.0.0/24#,0.0.0.0/0` is that whole text, whose entry
    `10.0.0.0/24#` Net::IP refuses (read_proxy_config dies): the file is not what pveproxy runs.
    Python's shlex(comments=True) cut it at the `#`. Now a question."""
    from test_redteam2_probes import pve_result
    from test_redteam2_probes import pve_scan as dir_scan

    report = dir_scan(
        tmp_path,
        capsys,
        {"etc/default/pveproxy": 'ALLOW_FROM=10.0.0.0/24#,0.0.0.0/0\nDENY_FROM="all"\n'},
    )
    assert pve_result(report, "HVA-305", "pve-h1") == (
        "manual",
        "/etc/default/pveproxy: ALLOW_FROM '10.0.0.0/24#,0.0.0.0/0', DENY_FROM 'all', POLICY '' "
        "hold a value hvaudit cannot read as pveproxy does",
    )


def test_sdn_answers_refused_leave_the_scan_complete(
    seeded: str,  # noqa: F811
    fakepve: Any,
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The SDN configuration and the kernel's bridges only ever settle a question or show a port
    isolated: a token without SDN.Audit (403) leaves them unobserved, the verdicts questions,
    and the scan complete (exit 1: findings, not 3: incomplete)."""
    fakepve.fail("GET", "/cluster/sdn/zones", 403, "Permission check failed (/sdn, SDN.Audit)")
    fakepve.fail(
        "GET",
        "/nodes/pve1/sdn/zones/localnetwork/bridges",
        403,
        "Permission check failed (/sdn/zones/localnetwork, SDN.Audit)",
    )
    _untagged_on_vmbr1(fakepve)
    monkeypatch.setitem(CANNED, "/nodes/{node}/network", NETWORK)
    monkeypatch.setenv("HVAUDIT_PVE_TOKEN", f"{TOKEN}={SECRET}")
    code, report = scan(seeded, capsys, "--ca-file", fakepve_cafile)
    assert code == 1, report["notes"]
    (r,) = [
        r
        for r in report["results"]
        if (r["check_id"], r["subject"]["name"]) == ("HVA-192", "flat-vm")
    ]
    assert r["status"] == "manual", r["message"]
