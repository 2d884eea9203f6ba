"""HVA-191 where the nwfilter bindings were not read (R29N-5's other half).

R29N-5 made a running VM's port that the listed nwfilter bindings do not hold a fail: libvirt
keeps each filter it instantiated as a binding named by its port (virConnectListAllNWFilter
Bindings), and `virsh nwfilter-binding-delete` removes a running guest's filter while its live
XML keeps the <filterref> (src/libvirt-nwfilter.c virNWFilterBindingDelete, "may be used to
remove the network port binding filter currently in use for the guest while the guest is
running"). Where the listing failed, or an older bundle never listed the bindings, the same
definition still passed: the evidence that the filter is in force was missing and the pass
rested on the definition alone. Now that pass is a question naming the ports and the listing
that answers it (`virsh nwfilter-binding-list`, which a read-only connection answers: checked
against libvirt 9.0.0's libvirtd here with `virsh -r -c qemu:///system nwfilter-binding-list`).

Harness: the hardened replayed host of tests/test_redteam29_network_probes (libvirt's stock
clean-traffic tree reported by the daemon, web01 running on network lan with its own IP), its
bindings index replaced by what an older collector or a failed listing leaves. The first
two cases failed on main before the fix (both passed "1 interface(s) filtered by
clean-traffic"); the held case passes before and after.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HARDENED_HOST, ReplayRunner, run_assessment, write_node
from hvaudit.bundle import BundleWriter, dump_json
from hvaudit.collect.host import HostCollector
from hvaudit.collect.libvirt import LibvirtCollector, LibvirtTarget
from test_nwfilter_stock import STOCK
from test_redteam3_vm_probes import dev, verdict
from test_redteam18_net_probes import manual_question

LAN = "<network><name>lan</name><forward mode='bridge'/><bridge name='br0'/></network>"
NIC = (
    "<interface type='network'><mac address='52:54:00:29:01:01'/><source network='lan'/>"
    "<model type='virtio'/><filterref filter='clean-traffic'>"
    "<parameter name='IP' value='10.0.0.31'/></filterref></interface>"
)
BINDINGS = "libvirt/nwfilter-bindings/index.json"


def _bundle(d: Path, uri: str, bindings: str) -> Path:
    """The replayed host with the stock filters; its bindings listing as `bindings` says:
    "held" (testnet0 bound to clean-traffic), "failed" (the listing refused), "absent" (a
    bundle of a collector that did not list them)."""
    writer = BundleWriter(d / "b", target="qemu+ssh://root@hv1/system", platform="kvm-libvirt")
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=True).collect(writer)
    writer.entries.pop("libvirt/nwfilters/index.json")
    index = []
    for i, (name, xml) in enumerate(STOCK.items()):
        path = f"libvirt/nwfilters/{i:05d}-{name}.xml"
        writer.add(path, xml.encode(), origin="virConnectListAllNWFilters XMLDesc")
        index.append({"name": name, "file": path})
    writer.add("libvirt/nwfilters/index.json", dump_json({"nwfilters": index}), origin="test")
    writer.entries.pop(BINDINGS)
    if bindings == "held":
        path = "libvirt/nwfilter-bindings/00000-testnet0.xml"
        xml = "<filterbinding><portdev name='testnet0'/><filterref filter='clean-traffic'/></filterbinding>"
        writer.add(path, xml.encode(), origin="test")
        rows = [{"name": "testnet0", "file": path, "filter": "clean-traffic"}]
        writer.add(BINDINGS, dump_json({"nwfilter-bindings": rows}), origin="test")
    elif bindings == "failed":
        writer.record(
            BINDINGS,
            status="failed",
            origin="virConnectListAllNWFilterBindings",
            reason="operation failed: access denied",
        )
    writer.meta["collector"]["libvirt"]["simulated"] = False
    writer.meta["collector"]["libvirt"]["hostname"] = "hv1"
    writer.meta["collector"]["libvirt"]["uri"] = "qemu+ssh://root@hv1/system"
    HostCollector(ReplayRunner(dict(HARDENED_HOST))).collect(writer)
    return writer.close(complete=True)


ASKED = (
    "Does `virsh nwfilter-binding-list` on host hv1 list each port of running VM web01 with the "
    "filter its definition names: testnet0 (filter 'clean-traffic')? Evidence: that listing (or "
    "`virsh nwfilter-binding-dumpxml PORT`). Pass: every port is listed with its filter; fail: a "
    "port is missing (its filter's rules were removed while the VM runs, `virsh "
    "nwfilter-binding-delete`), so nothing stops spoofing there."
)


@pytest.mark.parametrize(
    ("bindings", "why"),
    [
        ("failed", "operation failed: access denied"),
        ("absent", "nwfilter bindings were not collected"),
    ],
)
def test_a_filter_whose_binding_was_not_read_is_asked(tmp_path: Path, bindings, why) -> None:
    uri = write_node(tmp_path / "n.xml", [dev("web01", NIC)], [LAN])
    a = run_assessment(_bundle(tmp_path, uri, bindings))
    assert verdict(a, "HVA-191", "web01") == (
        "manual",
        "1 interface(s) filtered by clean-traffic in the definition, but whether a filter is in "
        f"force at each running port is not in the evidence (nwfilter bindings: {why})",
    )
    assert manual_question(a, "HVA-191", "web01") == ASKED


def test_a_filter_whose_binding_is_listed_keeps_the_pass(tmp_path: Path) -> None:
    uri = write_node(tmp_path / "n.xml", [dev("web01", NIC)], [LAN])
    a = run_assessment(_bundle(tmp_path, uri, "held"))
    assert verdict(a, "HVA-191", "web01") == ("pass", "1 interface(s) filtered by clean-traffic")
