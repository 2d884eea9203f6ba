"""What changed between two fleet runs: hosts added and removed, then per host the checks that
started or stopped failing, the hosts that became unreachable, and recommendation postures that
moved."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from hvaudit.catalog import EDITIONS
from hvaudit.fleet.aggregate import HostSummary

__all__ = ["FleetDiff", "diff_runs", "render_fleet_diff"]


@dataclass(slots=True)
class FleetDiff:
    """The changes, each list sorted."""

    old_run: str
    new_run: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    state_changes: list[dict[str, Any]] = field(default_factory=list)
    new_failures: list[dict[str, Any]] = field(default_factory=list)
    fixed: list[dict[str, Any]] = field(default_factory=list)
    posture_changes: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "old_run": self.old_run,
            "new_run": self.new_run,
            "hosts_added": self.added,
            "hosts_removed": self.removed,
            "state_changes": self.state_changes,
            "new_failures": self.new_failures,
            "fixed": self.fixed,
            "posture_changes": self.posture_changes,
        }


def diff_runs(
    old_run: str, old: Sequence[HostSummary], new_run: str, new: Sequence[HostSummary]
) -> FleetDiff:
    """Compare two runs host by host."""
    a = {h.name: h for h in old}
    b = {h.name: h for h in new}
    d = FleetDiff(old_run, new_run, sorted(set(b) - set(a)), sorted(set(a) - set(b)))
    for name in sorted(set(a) & set(b)):
        ho, hn = a[name], b[name]
        if ho.state != hn.state:
            d.state_changes.append({"host": name, "old": ho.state, "new": hn.state})
        for cid in sorted(set(ho.checks) | set(hn.checks)):
            was = ho.checks.get(cid, {}).get("fail", 0)
            now = hn.checks.get(cid, {}).get("fail", 0)
            title = (hn.checks.get(cid) or ho.checks.get(cid) or {}).get("title", "")
            if now and not was:
                d.new_failures.append(
                    {"host": name, "check_id": cid, "title": title, "subjects": now}
                )
            elif was and not now and cid in hn.checks:
                d.fixed.append({"host": name, "check_id": cid, "title": title, "subjects": was})
        for edition in EDITIONS:
            ro, rn = ho.recs.get(edition, {}), hn.recs.get(edition, {})
            for rid in sorted(set(ro) | set(rn)):
                so, sn = ro.get(rid, "no_result"), rn.get(rid, "no_result")
                if so != sn:
                    d.posture_changes.append(
                        {
                            "host": name,
                            "edition": edition,
                            "recommendation": rid,
                            "old": so,
                            "new": sn,
                        }
                    )
    return d


def render_fleet_diff(d: FleetDiff, fmt: str) -> str:
    """Text or JSON."""
    if fmt == "json":
        import json

        return json.dumps(d.to_json(), separators=(",", ":")) + "\n"
    from hvaudit.fleet.report import safe

    lines = [f"fleet diff {d.old_run[:12]} -> {d.new_run[:12]}"]
    lines += [f"  host {safe(h)} added" for h in d.added]
    lines += [f"  host {safe(h)} removed" for h in d.removed]
    lines += [f"  host {safe(c['host'])}: {c['old']} -> {c['new']}" for c in d.state_changes]
    if d.new_failures:
        lines.append(f"new failures ({len(d.new_failures)}):")
        lines += [
            f"  {f['check_id']} on {safe(f['host'])} ({f['subjects']} subject(s)): {safe(f['title'])}"
            for f in d.new_failures
        ]
    if d.fixed:
        lines.append(f"fixed ({len(d.fixed)}):")
        lines += [f"  {f['check_id']} on {safe(f['host'])}: {safe(f['title'])}" for f in d.fixed]
    if d.posture_changes:
        lines.append(f"recommendation posture changes ({len(d.posture_changes)}):")
        lines += [
            f"  {c['edition']} {c['recommendation']} on {safe(c['host'])}: {c['old']} -> {c['new']}"
            for c in d.posture_changes
        ]
    if len(lines) == 1:
        lines.append("  no change")
    return "\n".join(lines) + "\n"
