"""One picture of a fleet: what every host's single-host report says, taken together.

The unit of the fleet posture is (host, recommendation): a recommendation holds on a host when no
result that cites it fails there. The status of that pair is the worst of its results, in the
order below (an unwaived failure outranks an error, which outranks an open manual item, and so
on); a host that could not be assessed is `unassessed` for every recommendation, never a pass.

Configuration outliers answer 2014 HY-SR-17 / Rev. 1 HY-SR-19 (one gold configuration across the
hosts of a group) from data: for each host-level check, a host whose verdict differs from the
verdict most hosts of its group share (a strict majority of at least three) is an outlier.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hvaudit import __version__
from hvaudit.catalog import EDITIONS, load_catalog
from hvaudit.fleet.runner import FAILED, TargetOutcome

__all__ = ["FLEET_SCHEMA_VERSION", "HostSummary", "aggregate", "summarise_host"]

FLEET_SCHEMA_VERSION = "1.0.0"

#: Worst first. `waived` is a failure someone accepted; it does not count towards the exit code.
PAIR_ORDER = ("fail", "error", "manual", "waived", "pass", "not_applicable", "no_result")
PAIR_STATES = (*PAIR_ORDER, "unassessed")
_RANK = {s: i for i, s in enumerate(PAIR_ORDER)}
SEVERITY_WEIGHT = {"critical": 10, "high": 5, "medium": 2, "low": 1, "info": 0}
_OUTLIER_MIN_HOSTS = 3


@dataclass(slots=True)
class HostSummary:
    """What the fleet keeps of one host's single-host report (the report itself may be large)."""

    name: str
    group: str
    zone: str
    platform: str
    target: str
    state: str
    exit_code: int | None
    attempts: int
    duration_s: float
    error: str | None
    by_status: dict[str, int]
    recs: dict[str, dict[str, str]]
    """edition -> recommendation id -> pair status."""
    checks: dict[str, dict[str, Any]]
    """check id -> {title, severity, subjects, fail, worst, host_status, host_message}."""
    score: int
    bundle: str | None = None
    host_report: str | None = None

    @property
    def failures(self) -> int:
        """Unwaived failing results."""
        return sum(c["fail"] for c in self.checks.values())


def _pair_status(result: Mapping[str, Any]) -> str:
    status = str(result.get("status", "error"))
    if status == "fail" and result.get("waived"):
        return "waived"
    return status if status in _RANK else "error"


def summarise_host(out: TargetOutcome) -> HostSummary:
    """Condense one outcome: per recommendation the worst status, per check the counts."""
    t = out.target
    report = out.report or {}
    results: Iterable[Mapping[str, Any]] = (
        r for r in report.get("results", []) if isinstance(r, dict)
    )
    recs: dict[str, dict[str, str]] = {e: {} for e in EDITIONS}
    checks: dict[str, dict[str, Any]] = {}
    by_status: Counter[str] = Counter()
    score = 0
    for r in results:
        pair = _pair_status(r)
        by_status[pair] += 1
        cited = r.get("recommendations", {})
        if isinstance(cited, dict):
            for edition, ids in cited.items():
                if edition not in recs or not isinstance(ids, list):
                    continue
                for rid in ids:
                    old = recs[edition].get(str(rid))
                    if old is None or _RANK[pair] < _RANK[old]:
                        recs[edition][str(rid)] = pair
        cid = str(r.get("check_id", "?"))
        c = checks.setdefault(
            cid,
            {
                "title": str(r.get("title", "")),
                "severity": str(r.get("severity", "info")),
                "subjects": 0,
                "fail": 0,
                "worst": pair,
            },
        )
        c["subjects"] += 1
        if _RANK[pair] < _RANK[c["worst"]]:
            c["worst"] = pair
        if pair == "fail":
            c["fail"] += 1
            score += SEVERITY_WEIGHT.get(str(r.get("severity")), 0)
        subject = r.get("subject", {})
        if isinstance(subject, dict) and subject.get("type") == "host":
            c["host_status"] = pair
            c["host_message"] = str(r.get("message", ""))[:300]
    return HostSummary(
        name=t.name,
        group=t.group,
        zone=t.zone,
        platform=str(report.get("platform") or t.platform_guess),
        target=t.display_uri,
        state=out.state,
        exit_code=out.exit_code,
        attempts=out.attempts,
        duration_s=out.duration_s,
        error=out.error,
        by_status=dict(by_status),
        recs=recs,
        checks=checks,
        score=score,
        bundle=out.bundle,
        host_report=out.host_report,
    )


def _outliers(hosts: Sequence[HostSummary]) -> list[dict[str, Any]]:
    by_group: dict[str, list[HostSummary]] = defaultdict(list)
    for h in hosts:
        if h.state != FAILED:
            by_group[h.group].append(h)
    found: list[dict[str, Any]] = []
    for group, members in sorted(by_group.items()):
        check_ids = sorted(
            {cid for h in members for cid, c in h.checks.items() if "host_status" in c}
        )
        for cid in check_ids:
            verdicts = {
                h.name: h.checks[cid]["host_status"]
                for h in members
                if cid in h.checks
                and h.checks[cid].get("host_status") in ("pass", "fail", "waived")
            }
            if len(verdicts) < _OUTLIER_MIN_HOSTS:
                continue
            (majority, n), *_ = Counter(verdicts.values()).most_common(1)
            if n * 2 <= len(verdicts):
                continue
            for name, verdict in sorted(verdicts.items()):
                if verdict != majority:
                    host = next(h for h in members if h.name == name)
                    found.append(
                        {
                            "group": group,
                            "check_id": cid,
                            "title": host.checks[cid]["title"],
                            "host": name,
                            "status": verdict,
                            "majority": majority,
                            "majority_hosts": n,
                            "group_hosts": len(verdicts),
                            "message": host.checks[cid].get("host_message", ""),
                        }
                    )
    return found


def aggregate(
    summaries: Sequence[HostSummary],
    *,
    inventory: str,
    profile: str,
    started_at: str,
    finished_at: str,
    run_id: str | None = None,
) -> dict[str, Any]:
    """The fleet report (JSON contract: schema/fleet-report.schema.json)."""
    cat = load_catalog()
    posture: dict[str, list[dict[str, Any]]] = {}
    functions: dict[str, dict[str, dict[str, int]]] = {}
    heatmap: dict[str, dict[str, dict[str, str]]] = {}
    for edition in EDITIONS:
        ed = cat.editions[edition]
        rows = []
        fn_counts: dict[str, Counter[str]] = defaultdict(Counter)
        heat: dict[str, dict[str, str]] = {}
        for rec in ed.recommendations:
            counts: Counter[str] = Counter()
            for h in summaries:
                status = (
                    "unassessed" if h.state == FAILED else h.recs[edition].get(rec.id, "no_result")
                )
                counts[status] += 1
                heat.setdefault(h.name, {})[rec.id] = status
                for fid in rec.functions or ("none",):
                    fn_counts[fid][status] += 1
            rows.append(
                {
                    "id": rec.id,
                    "title": rec.title,
                    "functions": list(rec.functions),
                    "hosts": {s: counts.get(s, 0) for s in PAIR_STATES},
                }
            )
        posture[edition] = rows
        functions[edition] = {
            fid: {s: c.get(s, 0) for s in PAIR_STATES} for fid, c in sorted(fn_counts.items())
        }
        heatmap[edition] = heat
    failing: dict[str, dict[str, Any]] = {}
    for h in summaries:
        for cid, c in h.checks.items():
            if c["fail"]:
                f = failing.setdefault(
                    cid,
                    {
                        "check_id": cid,
                        "title": c["title"],
                        "severity": c["severity"],
                        "hosts": [],
                        "failing_by_host": {},
                        "subjects_failing": 0,
                        "subjects": 0,
                    },
                )
                f["hosts"].append(h.name)
                f["failing_by_host"][h.name] = c["fail"]
                f["subjects_failing"] += c["fail"]
                f["subjects"] += c["subjects"]
    by_state = Counter(h.state for h in summaries)
    by_status: Counter[str] = Counter()
    for h in summaries:
        by_status.update(h.by_status)
    worst = sorted(
        (h for h in summaries if h.state != FAILED and h.score), key=lambda h: (-h.score, h.name)
    )[:10]
    return {
        "tool": "hvaudit",
        "version": __version__,
        "schema_version": FLEET_SCHEMA_VERSION,
        "kind": "fleet",
        "run_id": run_id,
        "inventory": inventory,
        "profile": profile,
        "started_at": started_at,
        "finished_at": finished_at,
        "summary": {
            "targets": len(summaries),
            "assessed": by_state.get("assessed", 0),
            "partial": by_state.get("partial", 0),
            "failed": by_state.get("failed", 0),
            "by_status": {s: by_status.get(s, 0) for s in PAIR_ORDER[:-1]},
            "platforms": dict(sorted(Counter(h.platform for h in summaries).items())),
        },
        "hosts": [
            {
                "name": h.name,
                "group": h.group,
                "zone": h.zone,
                "platform": h.platform,
                "target": h.target,
                "state": h.state,
                "exit_code": h.exit_code,
                "attempts": h.attempts,
                "duration_s": h.duration_s,
                "error": h.error,
                "failures": h.failures,
                "score": h.score,
                "by_status": {s: h.by_status.get(s, 0) for s in PAIR_ORDER[:-1]},
                "bundle": h.bundle,
                "report": h.host_report,
            }
            for h in summaries
        ],
        "posture": posture,
        "functions": functions,
        "heatmap": heatmap,
        "worst_hosts": [{"name": h.name, "score": h.score, "failures": h.failures} for h in worst],
        "failing_checks": sorted(failing.values(), key=lambda f: (-len(f["hosts"]), f["check_id"])),
        "outliers": _outliers(summaries),
    }
