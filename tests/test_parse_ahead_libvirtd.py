"""Domain definitions parsed during a collection from the real libvirtd (`hvaudit.parse.ParseAhead`,
`collect(ahead=...)`): handed over in batches, in the index's order, and the deployment built
with them is the one built after the collection. Run under the libvirtd lock:
`flock /tmp/hvaudit-libvirtd.lock .venv/bin/pytest tests/test_parse_ahead_libvirtd.py -m libvirtd`.
"""

from __future__ import annotations

import json
import uuid as uuidlib
from pathlib import Path

import pytest

from conftest import domain_xml
from hvaudit.collect import CollectOptions, collect
from hvaudit.collect.libvirt import DomainArrivals
from hvaudit.parse import ParseAhead, build_deployment

pytestmark = pytest.mark.libvirtd


def test_daemon_scan_parses_ahead(tmp_path: Path) -> None:
    """Against libvirtd, every domain definition is handed over in batches during the
    collection, and the deployment built with them is the one built after it."""
    import libvirt

    conn = libvirt.open("qemu:///system")
    names = [f"hvaudit-ahead-{i:02d}" for i in range(70)]

    def cleanup() -> None:
        for dom in conn.listAllDomains(0):
            if dom.name() in names and not dom.isActive():
                dom.undefine()

    cleanup()
    try:
        for name in names:
            conn.defineXML(
                domain_xml(name, "<devices><graphics type='vnc' listen='0.0.0.0'/></devices>")
                .replace(str(uuidlib.uuid5(uuidlib.NAMESPACE_DNS, name)), str(uuidlib.uuid4()))
                .replace("<memory unit='MiB'>1024</memory>", "<memory unit='MiB'>64</memory>")
            )
        batches: list[list[tuple[str, bytes, bool]]] = []
        ahead = ParseAhead()

        def offer(manifest: object, batch: list[tuple[str, bytes, bool]]) -> None:
            batches.append(batch)
            ahead.offer(manifest, batch)  # type: ignore[arg-type]

        result = collect(CollectOptions("qemu:///system", facts="none"), None, ahead=offer)
    finally:
        cleanup()
        conn.close()
    bundle = result.bundle
    index = json.loads(bundle.files["libvirt/domains/index.json"])["domains"]
    handed = [p for batch in batches for p, _, _ in batch]
    # each definition in the index's order, a running domain's pending one after it
    expected = [p for d in index for p in (d["file"], d.get("next_boot")) if p]
    assert handed == expected
    assert len(batches[0]) >= DomainArrivals.BATCH
    assert len(ahead.vms) == len(expected)
    mine, problems = build_deployment(bundle, ahead)
    assert not ahead.vms
    after, problems_after = build_deployment(bundle)
    assert mine.vms == after.vms and problems == problems_after
    assert {v.name for v in mine.vms} >= set(names)
