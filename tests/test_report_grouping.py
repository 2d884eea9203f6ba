"""Reports group a check that fails on many subjects, and show which mappings are interpretations.

Real pipeline: libvirt's test driver, the real collector, parser, engine and renderers.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from conftest import build_bundle, domain_xml, run_assessment, write_node
from hvaudit.engine import Assessment
from hvaudit.report.formats import render_csv, render_markdown
from hvaudit.report.grouping import Group, group_results
from hvaudit.report.html import render_html
from hvaudit.report.json_report import render_json

SCHEMA = json.loads(resources.files("hvaudit").joinpath("schema", "report.schema.json").read_text())
NIC = (
    "<devices><interface type='network'><mac address='52:54:00:00:00:{n:02x}'/>"
    "<source network='default'/><model type='virtio'/></interface></devices>"
)
NETWORK = (
    "<network><name>default</name><bridge name='virbr0'/><forward mode='nat'/>"
    "<ip address='192.168.122.1' netmask='255.255.255.0'/></network>"
)


def _scan(tmp_path: Path, n: int) -> Assessment:
    domains = [domain_xml(f"web-{i:02d}", NIC.format(n=i)) for i in range(n)]
    uri = write_node(tmp_path / "node.xml", domains, [NETWORK])
    return run_assessment(build_bundle(tmp_path, uri, None))


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    return _scan(tmp_path_factory.mktemp("many"), 6)


def test_a_check_failing_on_every_vm_is_one_group(many: Assessment) -> None:
    fails = [r for r in many.results if r.status.value == "fail"]
    groups = {
        g.check.id: g for g in group_results(fails, within=many.results) if isinstance(g, Group)
    }
    g = groups["HVA-070"]
    assert g.headline == "HVA-070 fails on 6 of 6 VMs"
    host = many.deployment.hosts[0].name
    assert g.subjects == [f"vm web-{i:02d} on {host}" for i in range(6)]
    assert g.message == "no memory guarantee, priority (configured size 1.0 GiB)"
    # nothing of HVA-070 is left ungrouped
    assert not [
        r for r in group_results(fails) if not isinstance(r, Group) and r.check.id == "HVA-070"
    ]


def test_below_the_threshold_results_stay_single(tmp_path: Path) -> None:
    a = _scan(tmp_path, 2)
    fails = [r for r in a.results if r.status.value == "fail"]
    assert not [g for g in group_results(fails) if isinstance(g, Group)]


def test_markdown_tells_a_group_once_with_its_subjects(many: Assessment) -> None:
    md = render_markdown(many)
    rows = [line for line in md.splitlines() if line.startswith("| ") and "HVA-070" in line]
    assert len(rows) == 1 and "HVA-070 fails on 6 of 6 VMs (listed below)" in rows[0]
    section = md.split("### HVA-070 fails on 6 of 6 VMs", 1)[1].split("###", 1)[0]
    assert [line for line in section.splitlines() if line.startswith("- ")] == [
        f"- vm web-{i:02d} on {many.deployment.hosts[0].name}" for i in range(6)
    ]


def test_html_shows_one_card_per_group(many: Assessment) -> None:
    page = render_html(many)
    failures = page.split('<section id="failures">', 1)[1].split("</section>", 1)[0]
    cards = re.findall(r"<article class=\"finding[^>]*>.*?</article>", failures)
    hva070 = [c for c in cards if "HVA-070" in c]
    assert len(hva070) == 1
    assert "HVA-070 fails on 6 of 6 VMs" in hva070[0]
    assert all(f"vm web-{i:02d}" in hva070[0] for i in range(6))
    # the full results table still has every result
    table = page.split('<section id="results">', 1)[1]
    assert table.count("HVA-070 VM has a memory guarantee") == 6


def test_json_keeps_every_result_and_adds_groups(many: Assessment) -> None:
    report = json.loads(render_json(many))
    jsonschema.validate(report, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert sum(1 for r in report["results"] if r["check_id"] == "HVA-070") == 6
    g = next(g for g in report["groups"] if g["check_id"] == "HVA-070")
    assert (g["status"], g["count"], g["of"], g["subject_type"]) == ("fail", 6, 6, "vm")
    assert g["headline"] == "HVA-070 fails on 6 of 6 VMs"


def test_reports_mark_mappings_that_rest_on_an_interpretation(many: Assessment) -> None:
    report = json.loads(render_json(many))
    r191 = next(r for r in report["results"] if r["check_id"] == "HVA-191")
    assert set(r191["interpretations"]["sp800-125b"]) == {"VM-FW-R2"}
    assert r191["interpretations"]["sp800-125a-2014"] == {}
    assert r191["baseline_functions"] == {
        "sp800-125a-2014": [],
        "sp800-125a-r1": [],
        "sp800-125b": ["HY-BF5"],
    }
    r070 = next(r for r in report["results"] if r["check_id"] == "HVA-070")
    assert r070["interpretations"] == {e: {} for e in r070["interpretations"]}
    page = render_html(many)
    matrix = page.split('<section id="matrix">', 1)[1].split("</section>", 1)[0]
    assert "rests on hvaudit's interpretation" in matrix
    assert re.search(r'title="VM-FW-R2 / vm web-00[^"]*interpretation\)">.\*</td>', matrix)
    md = render_markdown(many)
    assert "sp800-125b: VM-FW-R2\\*" in md
    assert "## Mappings that rest on an interpretation" in md
    csv_text = render_csv(many)
    assert "sp800-125b:VM-FW-R2" in csv_text


def test_summaries_and_groups_equal_a_plain_recount(many: Assessment) -> None:
    """The report counts results once per check and groups them by plain field tuples (for speed
    at thousands of VMs); what it prints equals counting and grouping result by result, with
    waived and attested results among them."""
    import dataclasses
    from collections import Counter

    from hvaudit.catalog import EDITIONS
    from hvaudit.checks.base import Status
    from hvaudit.engine import Attested, Waived
    from hvaudit.report.json_report import BASES, STATUSES, report_dict

    results = list(many.results)
    fails = [i for i, r in enumerate(results) if r.check.id == "HVA-070"]
    waived = Waived("W-1", "accepted", "ops", "2099-01-01")
    results[fails[0]] = dataclasses.replace(results[fails[0]], waived=waived)
    manual = next(i for i, r in enumerate(results) if r.status is Status.MANUAL)
    answer = Attested("yes", "auditor", "2026-11-30", "2099-01-01", "seen", Status.MANUAL)
    outcome = dataclasses.replace(results[manual].outcome, status=Status.PASS)
    results[manual] = dataclasses.replace(results[manual], outcome=outcome, attested=answer)
    a = dataclasses.replace(many, results=results)
    summary = report_dict(a, with_results=False)["summary"]

    assert summary["by_status"] == {s: sum(r.status.value == s for r in results) for s in STATUSES}
    for e in EDITIONS:
        bases: dict[str, Counter[str]] = {}
        statuses: dict[str, Counter[str]] = {}
        for r in results:
            for rid in r.check.recommendations.get(e, ()):
                bases.setdefault(rid, Counter())[r.basis] += 1
                statuses.setdefault(rid, Counter())[r.status.value] += 1
        for rid, row in summary["sufficiency"][e].items():
            assert row == {b: bases.get(rid, Counter())[b] for b in BASES}
        for rid, row in summary["by_recommendation"][e].items():
            assert row == {s: statuses.get(rid, Counter())[s] for s in STATUSES}
    assert any(row["attested"] for row in summary["sufficiency"]["sp800-125a-2014"].values())

    # grouping, the plain way: runs of (check, status, waived, subject type) of 3 or more
    acted = [r for r in results if r.status in (Status.FAIL, Status.MANUAL, Status.ERROR)]
    keys = Counter(
        (r.check.id, r.status, r.waived is not None, r.outcome.subject.type) for r in acted
    )
    grouped = [g for g in group_results(acted, within=results) if isinstance(g, Group)]
    assert [(g.check.id, g.status, g.waived, g.subject_type) for g in grouped] == list(
        dict.fromkeys(
            k
            for r in acted
            if keys[k := (r.check.id, r.status, r.waived is not None, r.outcome.subject.type)] >= 3
        )
    )
    for g in grouped:
        subjects = {r.outcome.subject for r in results if r.check.id == g.check.id}
        assert g.of == len({s for s in subjects if s.type == g.subject_type})
        assert g.results == tuple(
            r
            for r in acted
            if (r.check.id, r.status, r.waived is not None) == (g.check.id, g.status, g.waived)
            and r.outcome.subject.type == g.subject_type
        )
    hva070 = [g for g in grouped if g.check.id == "HVA-070"]
    assert [(g.waived, len(g.results)) for g in hva070] == [(False, 5)]
