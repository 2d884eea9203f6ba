"""`hvaudit diff OLD NEW`: what changed between two assessments (JSON reports or bundles).

Results are matched on (check, subject type, host, name). New failures are unwaived failures in
NEW whose match in OLD was not a failure (or did not exist); fixed ones failed in OLD and pass in
NEW; any other status change is listed as changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hvaudit.errors import InputError

__all__ = ["Diff", "diff_reports", "load_report", "render_diff"]

Key = tuple[str, str, str, str]


def load_report(path: Path) -> dict[str, Any]:
    """A JSON report, or a bundle assessed with the default profile."""
    if path.is_file() and path.suffix == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"{path}: not a readable JSON report ({exc})") from None
        if not isinstance(data, dict) or data.get("tool") != "hvaudit" or "results" not in data:
            raise InputError(f"{path}: not an hvaudit JSON report")
        return data
    from hvaudit.bundle import Bundle
    from hvaudit.engine import assess
    from hvaudit.parse import build_deployment
    from hvaudit.profile import load_profile
    from hvaudit.report.json_report import report_dict

    deployment, problems = build_deployment(Bundle.open(path))
    return report_dict(assess(deployment, problems, load_profile()))


def _key(r: dict[str, Any]) -> Key:
    s = r["subject"]
    return (r["check_id"], s["type"], s.get("host", ""), s["name"])


@dataclass(frozen=True, slots=True)
class Diff:
    """The changes, each as (key, old status or None, new status or None, result)."""

    new_failures: list[tuple[Key, str | None, str, dict[str, Any]]]
    fixed: list[tuple[Key, str, str | None, dict[str, Any]]]
    changed: list[tuple[Key, str | None, str | None, dict[str, Any]]]


def diff_reports(old: dict[str, Any], new: dict[str, Any]) -> Diff:
    """Compare two reports."""
    before = {_key(r): r for r in old["results"]}
    after = {_key(r): r for r in new["results"]}
    new_failures: list[tuple[Key, str | None, str, dict[str, Any]]] = []
    fixed: list[tuple[Key, str, str | None, dict[str, Any]]] = []
    changed: list[tuple[Key, str | None, str | None, dict[str, Any]]] = []
    for k in sorted(set(before) | set(after)):
        o, n = before.get(k), after.get(k)
        os_: str | None = o["status"] if o else None
        ns: str | None = n["status"] if n else None
        if os_ == ns:
            continue
        if n is not None and ns == "fail" and not n.get("waived", False):
            new_failures.append((k, os_, "fail", n))
        elif o is not None and os_ == "fail" and ns in ("pass", None):
            fixed.append((k, "fail", ns, o))
        else:
            changed.append((k, os_, ns, n if n is not None else o or {}))
    return Diff(new_failures, fixed, changed)


def render_diff(d: Diff, fmt: str) -> str:
    """The diff as text or JSON."""

    def row(k: Key, a: str | None, b: str | None, r: dict[str, Any]) -> dict[str, Any]:
        return {
            "check_id": k[0],
            "subject": {"type": k[1], "host": k[2], "name": k[3]},
            "old": a,
            "new": b,
            "title": r.get("title", ""),
            "message": r.get("message", ""),
        }

    data = {
        "new_failures": [row(*x) for x in d.new_failures],
        "fixed": [row(*x) for x in d.fixed],
        "changed": [row(*x) for x in d.changed],
    }
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False) + "\n"
    from hvaudit.report.terminal import clean

    out = []
    for title, items in (
        ("New failures", data["new_failures"]),
        ("Fixed", data["fixed"]),
        ("Changed", data["changed"]),
    ):
        out.append(f"{title} ({len(items)})")
        for i in items:
            s = i["subject"]
            out.append(
                f"  {i['check_id']} {s['type']} {clean(s['name'])}"
                f"{' on ' + clean(s['host']) if s['host'] and s['type'] != 'host' else ''}: "
                f"{i['old'] or 'absent'} -> {i['new'] or 'absent'}  {clean(i['message'])}"
            )
    return "\n".join(out) + "\n"
