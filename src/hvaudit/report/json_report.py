"""The JSON report: a versioned contract (schema in `hvaudit/schema/report.schema.json`).

Deterministic: results are sorted, keys are sorted, so two runs over the same bundle differ only in
`scanned_at`. Additive changes bump the minor version, anything else the major.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any

from hvaudit import __version__
from hvaudit.catalog import EDITIONS, load_catalog
from hvaudit.checks.base import Status
from hvaudit.engine import Assessment, Result

__all__ = ["SCHEMA_VERSION", "render_json", "report_dict"]

SCHEMA_VERSION = "1.0.0"
STATUSES = tuple(s.value for s in Status)


def _counts(results: list[Result]) -> dict[str, int]:
    c = Counter(r.status.value for r in results)
    return {s: c.get(s, 0) for s in STATUSES}


def result_dict(r: Result, digests: dict[str, str]) -> dict[str, Any]:
    """One result in report form."""
    o = r.outcome
    out: dict[str, Any] = {
        "check_id": r.check.id,
        "title": r.check.title,
        "status": o.status.value,
        "severity": r.severity.value,
        "automation": r.check.automation,
        "subject": o.subject.to_json(),
        "recommendations": {e: list(r.check.recommendations.get(e, ())) for e in EDITIONS},
        "baseline_function": r.check.function,
        "threats": list(r.check.threats),
        "message": o.message,
        "evidence": [
            {
                "artefact": src.artefact,
                "locator": src.locator,
                "default": src.default,
                "sha256": digests.get(src.artefact),
            }
            for src in dict.fromkeys(o.evidence)
        ],
        "remediation": r.check.remediation,
    }
    if o.question:
        out["question"] = o.question
    return out


def report_dict(a: Assessment) -> dict[str, Any]:
    """The whole report as plain data."""
    cat = load_catalog()
    dep = a.deployment
    by_function: dict[str, list[Result]] = defaultdict(list)
    by_threat: dict[str, list[Result]] = defaultdict(list)
    by_rec: dict[str, dict[str, list[Result]]] = {e: defaultdict(list) for e in EDITIONS}
    for r in a.results:
        by_function[r.check.function or "none"].append(r)
        for t in r.check.threats:
            by_threat[t].append(r)
        for e in EDITIONS:
            for rid in r.check.recommendations.get(e, ()):
                by_rec[e][rid].append(r)
    recs_summary: dict[str, dict[str, dict[str, int]]] = {}
    for e in EDITIONS:
        recs_summary[e] = {
            rec.id: _counts(by_rec[e].get(rec.id, [])) for rec in cat.editions[e].recommendations
        }
    return {
        "tool": "hvaudit",
        "version": __version__,
        "schema_version": SCHEMA_VERSION,
        "scanned_at": a.scanned_at,
        "collected_at": dep.collected_at,
        "target": dep.target,
        "platform": dep.platform,
        "profile": a.profile.name,
        "summary": {
            "total": len(a.results),
            "by_status": _counts(a.results),
            "by_function": {
                f: _counts(by_function.get(f, []))
                for f in [fn.id for fn in cat.functions] + ["none"]
            },
            "by_threat": {t.id: _counts(by_threat.get(t.id, [])) for t in cat.threats},
            "by_recommendation": recs_summary,
        },
        "hosts": [
            {
                "name": h.name,
                "platform": h.platform,
                "simulated": h.simulated,
                "hypervisor": h.hypervisor,
                "hypervisor_version": h.hypervisor_version,
                "cores": h.cores,
                "memory_kib": h.memory_kib,
                "vms": sum(1 for v in dep.vms if v.host == h.name),
            }
            for h in dep.hosts
        ],
        "notes": list(dep.notes),
        "results": [result_dict(r, dep.artefact_digests) for r in a.results],
    }


def render_json(a: Assessment) -> str:
    """The report as indented, key-sorted JSON text."""
    return json.dumps(report_dict(a), indent=2, sort_keys=True) + "\n"
