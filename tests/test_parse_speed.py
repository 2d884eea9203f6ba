"""Parse-time shortcuts give what the long way gives (issue 12: scan speed)."""

from __future__ import annotations

from pathlib import Path

import pytest

import hvaudit.parse as parse
from conftest import HARDENED_HOST, domain_xml, write_node
from hvaudit.bundle import Bundle
from test_checks_vm import NETWORKS, _with_filters, nic

FILTERS = {
    "a1": "clean-traffic",
    "a2": "clean-traffic",
    "a3": "clean-traffic",
    "t1": "tenant-guard",
    "t2": "tenant-guard",
    "m1": "no-mac-spoofing",
    "m2": "no-mac-spoofing",
    "g1": "ghost",  # not defined on the host
}


def test_spoof_coverage_resolved_once_per_filter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each filter's coverage is resolved once per deployment, not once per interface (on a
    real host that was two thirds of parsing), and every interface gets what resolving it for
    that interface alone gives."""
    domains = [
        domain_xml(name, body="<devices>" + nic(f"<filterref filter='{flt}'/>") * 2 + "</devices>")
        for name, flt in FILTERS.items()
    ]
    domains.append(domain_xml("plain", body="<devices>" + nic() + "</devices>"))
    uri = write_node(tmp_path / "node.xml", domains, NETWORKS)
    bundle = Bundle.open(_with_filters(tmp_path, uri, dict(HARDENED_HOST), "real"))
    calls: list[str] = []
    real = parse.spoof_coverage

    def counted(name: str, defs: dict[str, parse.NwFilter]) -> tuple[frozenset[str], str]:
        calls.append(name)
        return real(name, defs)

    monkeypatch.setattr(parse, "spoof_coverage", counted)
    dep, problems = parse.build_deployment(bundle)
    assert not problems
    assert sorted(calls) == ["clean-traffic", "no-mac-spoofing", "tenant-guard"]
    host = dep.hosts[0].libvirt
    assert host is not None
    by_name = {n.name: n for n in dep.networks}
    seen = {}
    for vm in dep.vms:
        for itf in vm.interfaces:
            alone = parse._spoofing(itf, host.nwfilters, by_name, host.nwfilter_defs)
            assert itf.spoofing == alone, vm.name
            seen[vm.name] = alone
    assert len(calls) > 3  # the check above resolved each interface on its own again
    assert {n for n, f in seen.items() if f.known and f.get().covers} == {
        "a1",
        "a2",
        "a3",
        "t1",
        "t2",
        "m1",
        "m2",
    }
    assert seen["g1"].get().note == "filter 'ghost' is not defined on the host"
