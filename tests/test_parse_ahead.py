"""Domain definitions parsed while the collection still runs (`hvaudit.parse.ParseAhead`, fed in
batches by `hvaudit.collect.libvirt.DomainArrivals`): the deployment and the report are those of
parsing after the collection, whatever was parsed ahead, in which batches and in which order; a
definition that does not parse is reported in its place; nothing is taken for other bytes or
other arguments. The test driver answers in-process: nothing is handed over there.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import threading
from pathlib import Path

import pytest

from conftest import CORPUS, HARDENED_HOST, ReplayRunner, domain_xml, write_node
from hvaudit.bundle import Bundle, BundleWriter, dump_json
from hvaudit.collect import CollectOptions, collect
from hvaudit.collect.host import HostCollector
from hvaudit.collect.libvirt import DomainArrivals, LibvirtCollector, LibvirtTarget
from hvaudit.engine import assess
from hvaudit.parse import ParseAhead, build_deployment
from hvaudit.profile import load_profile
from hvaudit.report.json_report import render_json

NOW = dt.datetime(2026, 12, 2, 0, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Bundle:
    """A real (replayed) host: 30 generated VMs (one with a pending definition that differs),
    60 domains of libvirt's corpus and a malformed definition, collected and read back."""
    tmp = tmp_path_factory.mktemp("ahead")
    domains = [
        domain_xml(
            f"vm{i:03d}",
            "<devices><graphics type='vnc' listen='0.0.0.0'/><interface type='network'>"
            "<source network='default'/><filterref filter='clean-traffic'/></interface></devices>"
            if i % 2
            else "",
            vcpus=1 + i % 4,
        )
        for i in range(30)
    ]
    net = (
        "<network><name>default</name><forward mode='nat'/><bridge name='virbr0'/>"
        "<ip address='192.168.122.1' netmask='255.255.255.0'/></network>"
    )
    uri = write_node(tmp / "node.xml", domains, [net])
    writer = BundleWriter(tmp / "b", target="qemu+ssh://root@hv1/system", platform="kvm-libvirt")
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=True).collect(writer)
    writer.meta["collector"]["libvirt"]["simulated"] = False
    writer.meta["collector"]["libvirt"]["hostname"] = "hv1"
    HostCollector(ReplayRunner(dict(HARDENED_HOST))).collect(writer)
    index_path = "libvirt/domains/index.json"
    index = json.loads(writer.files.pop(index_path))
    entry = writer.entries.pop(index_path)
    (writer.root / index_path).unlink()  # type: ignore[operator]
    # vm003 runs; its persistent definition (next boot) has twice the memory
    first = index["domains"][3]
    running = writer.files[first["file"]].decode()
    nb = first["file"].replace(".xml", ".next.xml")
    pending = running.replace(" id='4'", "").replace(">1048576<", ">2097152<")
    assert pending != running
    writer.add(nb, pending.encode(), origin="virDomainGetXMLDesc(VIR_DOMAIN_XML_INACTIVE)")
    first["next_boot"] = nb
    corpus = sorted((CORPUS / "qemu-domains").glob("*.xml"))[1::7][:60]
    extra = [(p.stem, p.read_bytes()) for p in corpus]
    extra.insert(20, ("broken", b"<domain type='kvm'><name>broken</name><devices>"))
    for i, (stem, data) in enumerate(extra):
        path = f"libvirt/domains/corpus-{i:03d}.xml"
        writer.add(path, data, origin="virDomainGetXMLDesc")
        index["domains"].append({"uuid": f"corpus-{stem}", "file": path, "autostart": i % 4 == 0})
    writer.add(index_path, dump_json(index), origin=entry.origin)
    out = writer.close(complete=True)
    assert out is not None
    return Bundle.open(out)


def _arrivals(bundle: Bundle) -> list[tuple[str, bytes, bool]]:
    """What the collector hands over for the bundle: each definition, in index order."""
    out = []
    for d in json.loads(bundle.files["libvirt/domains/index.json"])["domains"]:
        out.append((d["file"], bundle.files[d["file"]], bool(d["autostart"])))
        if "next_boot" in d:
            out.append((d["next_boot"], bundle.files[d["next_boot"]], bool(d["autostart"])))
    return out


def _report(bundle: Bundle, ahead: ParseAhead | None) -> str:
    deployment, problems = build_deployment(bundle, ahead)
    return render_json(assess(deployment, problems, load_profile(None), now=NOW))


@pytest.mark.parametrize(
    ("order", "size"),
    [("in order", 64), ("in order", 1), ("reversed", 5), ("shuffled", 7), ("shuffled", 1000)],
)
def test_parsed_ahead_is_parsed_after(bundle: Bundle, order: str, size: int) -> None:
    """Every definition parsed ahead, in batches of `size`, in collection order, reversed or
    shuffled: the same deployment and byte-identical report as parsing after the collection;
    the malformed definition is not kept ahead and is the same HVA-000 error in its place."""
    items = _arrivals(bundle)
    if order == "reversed":
        items.reverse()
    elif order == "shuffled":
        random.Random(size).shuffle(items)  # noqa: S311 - an order, not a secret
    ahead = ParseAhead()
    for i in range(0, len(items), size):
        ahead.offer(bundle.manifest, items[i : i + size])
    assert len(ahead.vms) == len(items) - 1  # all but the malformed one
    assert "libvirt/domains/corpus-020.xml" not in ahead.vms
    after, problems = build_deployment(bundle)
    assert [p.artefact for p in problems] == ["libvirt/domains/corpus-020.xml"]
    both = ParseAhead()
    both.offer(bundle.manifest, _arrivals(bundle))
    got, got_problems = build_deployment(bundle, both)
    assert not both.vms  # every VM parsed ahead was taken
    assert got.vms == after.vms
    assert got.next_boot == after.next_boot and len(got.next_boot) == 1
    assert got_problems == problems
    assert _report(bundle, ahead) == _report(bundle, None)
    assert not ahead.vms


def test_half_parsed_ahead(bundle: Bundle) -> None:
    """Only some definitions parsed ahead (the collection ended between batches): the others
    are parsed in their place, the deployment's order unchanged."""
    items = _arrivals(bundle)
    ahead = ParseAhead()
    ahead.offer(bundle.manifest, items[1::2])
    assert _report(bundle, ahead) == _report(bundle, None)
    assert not ahead.vms


def test_not_taken_for_other_bytes_or_arguments(bundle: Bundle) -> None:
    """A VM parsed ahead is taken only for the very bytes the bundle holds and the arguments the
    bundle's manifest gives: another host name (a manifest the close redacted), another autostart
    or an equal copy of the bytes are parsed again."""
    items = _arrivals(bundle)
    renamed = json.loads(json.dumps(bundle.manifest))
    renamed["collector"]["libvirt"]["hostname"] = "other"
    cases = {
        "host name": (renamed, items),
        "autostart": (bundle.manifest, [(p, d, not a) for p, d, a in items]),
        "copied bytes": (bundle.manifest, [(p, bytes(bytearray(d)), a) for p, d, a in items]),
    }
    baseline = _report(bundle, None)
    for what, (manifest, offered) in cases.items():
        ahead = ParseAhead()
        ahead.offer(manifest, offered)
        _mark(ahead)
        assert _report(bundle, ahead) == baseline, what  # no marked VM was taken
    ahead = ParseAhead()
    ahead.offer(bundle.manifest, items)
    _mark(ahead)
    assert "taken-vm003" in _report(bundle, ahead)  # the same marks where they are taken


def _mark(ahead: ParseAhead) -> None:
    """Rename every VM parsed ahead, so that a report shows whether any was taken."""
    for _, _, vm in ahead.vms.values():
        vm.name = f"taken-{vm.name}"


def test_arrivals_hand_over_batches() -> None:
    """Batches of at least `batch` definitions, all that are there at once, in order; the rest
    once the collector is done; then nothing."""
    a = DomainArrivals(batch=3)
    one, two = (f"p{i}" for i in range(2))
    a.put(one, b"1", False)
    a.put(two, b"2", True)
    assert a.take(0.01) == []  # two are not a batch yet
    for i in range(2, 5):
        a.put(f"p{i}", str(i).encode(), i % 2 == 0)
    assert [p for p, _, _ in a.take(0)] == ["p0", "p1", "p2", "p3", "p4"]
    a.put("p5", b"5", False)
    got: list[list[str]] = []
    t = threading.Thread(target=lambda: got.append([p for p, _, _ in a.take(5)]))
    t.start()
    a.close()
    t.join(5)
    assert got == [["p5"]]
    assert a.take(0) == []


def test_collector_hands_over_each_definition(tmp_path: Path) -> None:
    """The libvirt collector hands over each stored definition (redacted, the very bytes the
    bundle keeps) with its autostart, in the index's order; a failed one is not handed over."""
    domains = [
        domain_xml(f"d{i}", "<devices><graphics type='vnc' passwd='s3cr3tpw'/></devices>")
        for i in range(5)
    ]
    uri = write_node(tmp_path / "node.xml", domains)
    writer = BundleWriter(None, target=uri, platform="kvm-libvirt")
    arrivals = DomainArrivals(batch=2)
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=True, arrivals=arrivals).collect(writer)
    arrivals.close()
    got = []
    while batch := arrivals.take(0):
        got += batch
    index = json.loads(writer.files["libvirt/domains/index.json"])["domains"]
    assert [(p, a) for p, _, a in got] == [(d["file"], d["autostart"]) for d in index]
    assert len(got) == 5
    for path, data, _ in got:
        assert data is writer.files[path]
        assert b"s3cr3tpw" not in data and b"passwd=" in data


def test_test_driver_hands_nothing_over(tmp_path: Path) -> None:
    """The test driver answers in-process without waiting: `collect` hands nothing over there
    (parsing beside the collector would only compete with it for the GIL)."""
    uri = write_node(tmp_path / "node.xml", [domain_xml(f"d{i}") for i in range(80)])
    calls: list[int] = []
    result = collect(
        CollectOptions(uri, facts="none"), None, ahead=lambda _m, batch: calls.append(len(batch))
    )
    assert calls == []
    assert len(json.loads(result.bundle.files["libvirt/domains/index.json"])["domains"]) == 80
