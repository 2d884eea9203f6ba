"""The terminal report's Errors section: one line per subject and reason, naming the checks.

A VM whose definition the daemon refused (R28D-4), or a cluster node that was not collected
(R29P-2), is in error on every check of its scope: the section listed one line per check, about
80 lines of the same sentence, in which a check that crashed on one VM was hard to find. The
collection here is the real collector's over libvirt's test driver with the refusal recorded as
collect/libvirt.py records it (as in tests/test_redteam28_domain_probes.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HARDENED_HOST, ReplayRunner, domain_xml, run_assessment, write_node
from hvaudit.bundle import BundleWriter
from hvaudit.checks.base import REGISTRY, Check, Status
from hvaudit.collect.host import HostCollector
from hvaudit.collect.libvirt import LibvirtCollector, LibvirtTarget
from hvaudit.engine import Assessment
from hvaudit.report.terminal import render_terminal

REFUSED_UUID = "7d3b1c2a-0000-4000-8000-0000000000aa"
REFUSED = "access denied: 'domain' read-secure"


def _scan(tmp_path: Path) -> Assessment:
    """web01 read, and a second domain whose XML the daemon refused."""
    uri = write_node(tmp_path / "node.xml", [domain_xml("web01")])
    writer = BundleWriter(
        tmp_path / "b", target="qemu+ssh://root@hv1/system", platform="kvm-libvirt"
    )
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=True).collect(writer)
    path = f"libvirt/domains/{REFUSED_UUID}.xml"
    writer.record(path, status="failed", origin="virDomainGetXMLDesc", reason=REFUSED)
    writer.error(f"domain {REFUSED_UUID}: {REFUSED}")
    writer.meta["collector"]["libvirt"].update(simulated=False, hostname="hv1")
    HostCollector(ReplayRunner(dict(HARDENED_HOST))).collect(writer)
    bundle = writer.close(complete=True)
    assert bundle is not None
    return run_assessment(bundle)


def _errors_section(text: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Errors ("))
    section = []
    for line in lines[start + 1 :]:
        if line and not line.startswith(" "):
            break
        if line.strip():
            section.append(line.strip())
    return [lines[start], *section]


def test_one_line_per_unread_vm_naming_every_check_it_holds_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The refused VM's errors are one line naming each check; a check that crashed
    (a stand-in for HVA-060 raising, as tests/test_lanes.py makes one) keeps its own line."""

    def crash(_ctx: object) -> list[object]:
        raise RuntimeError("boom")

    at = next(i for i, c in enumerate(REGISTRY) if c.meta.id == "HVA-060")
    monkeypatch.setattr(
        "hvaudit.checks.REGISTRY",
        [*REGISTRY[:at], Check(REGISTRY[at].meta, crash), *REGISTRY[at + 1 :]],  # type: ignore[arg-type]
    )
    a = _scan(tmp_path)
    errors = [r for r in a.results if r.outcome.status is Status.ERROR]
    held = [r.check.id for r in errors if r.outcome.subject.name == REFUSED_UUID]
    assert len(held) > 20  # every check of each VM
    assert {r.outcome.subject.name for r in errors} == {REFUSED_UUID, "(all)"}
    section = _errors_section(render_terminal(a, width=100_000))
    reason = (
        f"the VM's definition was not read (libvirt/domains/{REFUSED_UUID}.xml: collection "
        f"failed ({REFUSED})): not judged"
    )
    assert section == [
        f"Errors ({len(errors)}): not assessed",
        f"vm {REFUSED_UUID} on hv1: {reason}; {len(held)} checks: {', '.join(held)}",
        "HVA-060 host (all): check crashed: RuntimeError: boom",
    ]
