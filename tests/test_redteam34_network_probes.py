"""Thirty-fourth red-team review, KVM/libvirt virtual networks (r34-net): HVA-197 probed with
the bridge ports a libvirt daemon's host lists beside its running VMs' taps.

Harness: libvirt's test driver serves the domains on conftest's replayed hardened host, through
the real collector, parser and engine, reported as a QEMU-driver daemon's (not simulated) with
the running domain's tap given a vnet name (test_redteam33_network_probes._daemon_bundle), and
`ip -j -d link` as conftest's IP_LINK plus the ports each probe adds. Every fact a probe rests
on was read with the `search` / `find_string` / `read_file` tools and is cited in its docstring.

Findings (R34N-n):
- R34N-1 (false pass) HVA-197: a port of the VM's bridge named as a VM's tap (vnetN) was taken
  for some VM's port whatever VM held it, so web01, isolated on br0 (its tap vnet7 isolated on),
  passed "1 bridge port(s) isolated" while br0 also held vnet3, not isolated, that no running
  VM's live XML puts there: a tap of a session daemon's VM, one a hook script or `ip link set
  vnet3 master br0` moved there, or a plain <interface type='ethernet'> tap, which libvirt puts
  on no bridge. libvirt names every tap it creates vnetN (src/util/virnetdev.h
  VIR_NET_GENERATED_VNET_PREFIX, read for R33N-3), so the name proves no VM of the scan holds it,
  and the kernel forwards between two ports unless both are isolated (net/bridge/br_private.h
  br_skb_isolated, read for R33N-3). Now, on a libvirt daemon's host (not the test driver, whose
  ports are testnetN), such a port that no running VM's <target dev> puts on the bridge is a
  port of no VM (checks.network._foreign_ports): the question naming it. conftest's IP_LINK
  itself holds such a port, vnet0 on br0, which R33N-3's held cases passed beside web01's vnet7
  (those cases now drop it, a separate commit). Only where the listing shows every running VM's
  tap on the bridge its live XML names (a harness's testnetN is in no listing: unchanged).

Held (kept as tests): vnet3 isolated on keeps the pass; vnet3 as the running db01's own tap
(its live XML's <target dev='vnet3'/> on br0, not isolated) is db01's port, named as the peer
VM (the EAST_WEST question), not as a port of no VM.

Probed by script, not kept: the OVS nativeMode shape (<vlan><tag id='42'
nativeMode='untagged'/></vlan> without trunk='yes', which libvirt's virNetDevVlanParse accepts
and gives Open vSwitch vlan_mode=native-untagged with no trunks, a trunk of every VLAN): held,
parse.libvirt_xml already reads it as a trunk. `bridge -j vlan show` ranges ("vlanEnd"): held,
parse.host._bridge_port_vlans counts each id.

Tally: 1 finding, false pass; 3 cases in 1 test function; 1 failed on main before the fix (the
unplaced vnet3), the 2 held cases passed before and after.

Leads left:
- A running VM's tap that `ip -d link` shows on another bridge than its definition's (a hook
  script's move) is still judged on the definition's bridge.
- conftest._replay_bindings still writes bindings without <mac> or parameters; round 30's leads
  (managed='no' taps, VLAN devices of bridge ports, passt portForward dev='lo', OVS tag/trunks
  set outside libvirt, macvtap passthrough's promiscuous lower NIC) stand.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest

from conftest import IP_LINK, domain_xml, run_assessment, write_node
from test_redteam3_vm_probes import verdict


def _daemon_bundle(d: Path, uri: str, host: dict[str, object], taps: dict[str, str]) -> Path:
    """test_redteam33_network_probes._daemon_bundle with the tap of each domain named in `taps`
    (the test driver's testnet0, counted per domain) given its vnet name: libvirt drops a vnetN name from a definition it parses, so the test
    driver, which names its ports testnetN, cannot give one (virnetdev.h
    VIR_NET_GENERATED_VNET_PREFIX)."""
    from conftest import ReplayRunner, _replay_secmodel, from_qemu_driver
    from hvaudit.bundle import BundleWriter
    from hvaudit.collect.host import HostCollector
    from hvaudit.collect.libvirt import LibvirtCollector, LibvirtTarget

    writer = BundleWriter(d / "b", target="qemu+ssh://root@hv1/system", platform="kvm-libvirt")
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=True).collect(writer)
    assert writer.root is not None
    for path, data in list(writer.files.items()):
        name = next((n for n in taps if f"<name>{n}</name>".encode() in data), None)
        if path.startswith("libvirt/domains/") and name is not None:
            new = data.replace(b"'testnet0'", f"'{taps[name]}'".encode())
            (writer.root / path).write_bytes(new)
            writer.files[path] = new
            writer.entries[path] = dataclasses.replace(
                writer.entries[path], sha256=hashlib.sha256(new).hexdigest(), size=len(new)
            )
    writer.meta["collector"]["libvirt"]["simulated"] = False
    writer.meta["collector"]["libvirt"]["hostname"] = "hv1"
    from_qemu_driver(writer, uri)
    _replay_secmodel(writer, "apparmor")
    HostCollector(ReplayRunner(host)).collect(writer)
    return writer.close(complete=True)


def _port(index: int, name: str, isolated: bool) -> dict[str, object]:
    return {
        "ifindex": index,
        "ifname": name,
        "master": "br0",
        "linkinfo": {
            "info_kind": "tun",
            "info_slave_kind": "bridge",
            "info_slave_data": {"isolated": isolated},
        },
    }


UNPLACED = (
    "manual",
    "1 bridge port(s) isolated, but bridge(s) br0 also hold port(s) vnet3 (a VM tap name, but no "
    "running VM's live XML puts it on br0) of no VM, not isolated: isolated ports still exchange "
    "frames with them",
)


@pytest.mark.parametrize(
    ("vnet3_isolated", "db01", "expected"),
    [
        (False, False, UNPLACED),
        (True, False, ("pass", "1 bridge port(s) isolated (<port isolated='yes'/>)")),
        (
            False,
            True,
            (
                "manual",
                "1 bridge port(s) isolated, but VM(s) db01 on the same bridge are not: isolated "
                "ports still exchange frames with them",
            ),
        ),
    ],
    ids=["unplaced-vnet3", "held-vnet3-isolated", "held-db01s-own-tap"],
)
def test_vm_named_port_no_running_vm_places(
    tmp_path: Path, vnet3_isolated: bool, db01: bool, expected: tuple[str, str]
) -> None:
    """R34N-1. web01 runs on br0 with <port isolated='yes'/>, its tap vnet7 isolated on; br0
    also holds vnet3, a tun device named as libvirt names a tap (virnetdev.h
    VIR_NET_GENERATED_VNET_PREFIX) that no running VM's live XML puts there. The kernel forwards
    between vnet3 and vnet7 unless both are isolated (br_private.h br_skb_isolated), and hvaudit
    passed "1 bridge port(s) isolated". Right: the question naming vnet3 as a port of no VM.
    conftest's vnet0 on br0 is dropped so that vnet3 is the only such port. Held: vnet3 isolated
    on keeps the pass; vnet3 as the running db01's own tap (type bridge on br0, not isolated) is
    named as the peer VM db01."""
    from conftest import HARDENED_HOST

    links = [d for d in json.loads(IP_LINK) if d.get("ifname") != "vnet0"]
    links += [_port(12, "vnet7", True), _port(13, "vnet3", vnet3_isolated)]
    host = {**HARDENED_HOST, "ip-link": (json.dumps(links), 0)}
    web01 = domain_xml(
        "web01",
        body="<devices><interface type='bridge'><mac address='52:54:00:34:01:01'/>"
        "<source bridge='br0'/><port isolated='yes'/><model type='virtio'/></interface></devices>",
    )
    domains = [web01]
    if db01:
        domains.append(
            domain_xml(
                "db01",
                body="<devices><interface type='bridge'><mac address='52:54:00:34:01:02'/>"
                "<source bridge='br0'/><model type='virtio'/></interface>"
                "</devices>",
            )
        )
    uri = write_node(tmp_path / "n.xml", domains, [])
    a = run_assessment(_daemon_bundle(tmp_path, uri, host, {"web01": "vnet7", "db01": "vnet3"}))
    assert verdict(a, "HVA-197", "web01") == expected
