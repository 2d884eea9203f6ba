"""The scan's cheap constructions give the same values as the plain ones: outcomes and results
filled slot by slot (`checks.base._outcome`, `engine.run_check`), groups computed with subjects
cached across checks (`report.json_report.groups_of`), the clock formatted once a second
(`bundle.utc_now`). Real checks over a real test-driver deployment."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from conftest import domain_xml, write_node
from hvaudit.bundle import utc_now
from hvaudit.checks.base import (
    Context,
    Outcome,
    Status,
    Subject,
    failed,
    manual,
    not_applicable,
    passed,
)
from hvaudit.collect import CollectOptions, collect
from hvaudit.engine import Result, plan, run_check
from hvaudit.model import Source
from hvaudit.parse import build_deployment
from hvaudit.profile import load_profile
from hvaudit.report.json_report import SubjectKeys, groups_of


def test_outcome_helpers_give_the_dataclass_values() -> None:
    s, src = Subject("vm", "web1", "hv1", "u-1"), Source("libvirt/domains/u-1.xml", "/domain")
    cases = [
        (passed(s, "ok", src), Outcome(s, Status.PASS, "ok", (src,))),
        (failed(s, "bad", src, src), Outcome(s, Status.FAIL, "bad", (src, src))),
        (manual(s, "ask", question="Q?"), Outcome(s, Status.MANUAL, "ask", (), "Q?")),
        (not_applicable(s, "none"), Outcome(s, Status.NOT_APPLICABLE, "none", ())),
    ]
    for fast, plain in cases:
        assert fast == plain and hash(fast) == hash(plain) and repr(fast) == repr(plain)
        for f in dataclasses.fields(Outcome):
            assert getattr(fast, f.name) == getattr(plain, f.name)


def _deployment(tmp_path: Path) -> Context:
    vms = [
        domain_xml(f"vm{i:02d}", "<devices><graphics type='vnc' port='-1'/></devices>")
        for i in range(12)
    ]
    uri = write_node(tmp_path / "node.xml", vms)
    dep, problems = build_deployment(collect(CollectOptions(uri, facts="none"), None).bundle)
    assert problems == []
    return Context(dep, load_profile(None))


def test_run_check_results_are_the_dataclass_values(tmp_path: Path) -> None:
    ctx = _deployment(tmp_path)
    for planned in plan(ctx.deployment, ctx.profile):
        results = run_check(planned, ctx)
        assert results
        for r in results:
            plain = Result(planned.meta, r.outcome, planned.severity)
            assert r == plain and repr(r) == repr(plain)
            assert r.waived is None and r.attested is None


def test_groups_with_a_shared_subject_cache_equal_groups_without(tmp_path: Path) -> None:
    ctx = _deployment(tmp_path)
    seen: SubjectKeys = {}
    grouped = 0
    for planned in plan(ctx.deployment, ctx.profile):
        results = run_check(planned, ctx)
        alone = groups_of(results)
        assert groups_of(results, seen) == alone
        grouped += len(alone)
    assert grouped > 0  # twelve VMs fail or need an answer on several checks together


def test_utc_now_is_the_current_second() -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    got = dt.datetime.fromisoformat(utc_now().replace("Z", "+00:00"))
    after = dt.datetime.now(dt.UTC).replace(microsecond=0)
    assert before <= got <= after
    assert utc_now().endswith("Z") and len(utc_now()) == len("2026-12-01T02:00:00Z")
