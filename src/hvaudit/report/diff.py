"""`hvaudit diff OLD NEW`: what changed between two assessments (JSON reports or bundles).

Subjects come first: a VM, host, network or pool present in only one of the two is reported as
added or removed, once, with its results counted, instead of one "absent -> pass" line per check.
Then results are matched on (check, subject type, host, name): new failures are unwaived failures
in NEW whose match in OLD was not a failure (or did not exist, an added subject's failures
included: they are failures the old scan did not have); fixed ones failed in OLD and pass in NEW
(or their check no longer reports on a subject that is still there); any other status change of a
subject present in both is listed as changed.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hvaudit.errors import InputError

__all__ = ["Diff", "SubjectChange", "diff_reports", "load_report", "render_diff"]

Key = tuple[str, str, str, str]
SubjectKey = tuple[str, str, str]
STATUS_ORDER = ("fail", "error", "manual", "pass", "not_applicable")


def load_report(path: Path) -> dict[str, Any]:
    """A JSON report, or a bundle assessed with the default profile."""
    if path.is_file() and path.suffix == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"{path}: not a readable JSON report ({exc})") from None
        if not isinstance(data, dict) or data.get("tool") != "hvaudit" or "results" not in data:
            raise InputError(f"{path}: not an hvaudit JSON report")
        _check_shape(path, data["results"])
        return data
    from hvaudit.bundle import Bundle
    from hvaudit.engine import assess
    from hvaudit.parse import build_deployment
    from hvaudit.profile import load_profile
    from hvaudit.report.json_report import report_dict

    deployment, problems = build_deployment(Bundle.open(path))
    return report_dict(assess(deployment, problems, load_profile()))


def _check_shape(path: Path, results: object) -> None:
    """Every field the diff reads, with its type, before it is read: a hand-edited or truncated
    report is an input error naming the first bad result, not a crash."""
    if not isinstance(results, list):
        raise InputError(f"{path}: 'results' is not a list")
    for i, r in enumerate(results):
        subject = r.get("subject") if isinstance(r, dict) else None
        if not (
            isinstance(r, dict)
            and isinstance(r.get("check_id"), str)
            and r.get("status") in STATUS_ORDER
            and isinstance(subject, dict)
            and isinstance(subject.get("type"), str)
            and isinstance(subject.get("name"), str)
            and isinstance(subject.get("host", ""), str)
            and isinstance(r.get("title", ""), str)
            and isinstance(r.get("message", ""), str)
            and isinstance(r.get("waived", False), bool)
        ):
            raise InputError(
                f"{path}: result {i + 1} is not an hvaudit result "
                "(needs check_id, a known status and a subject with type and name)"
            )


def _subject(r: dict[str, Any]) -> SubjectKey:
    s = r["subject"]
    return (s["type"], s.get("host", ""), s["name"])


def _key(r: dict[str, Any]) -> Key:
    return (r["check_id"], *_subject(r))


def _subjects(results: list[dict[str, Any]]) -> dict[SubjectKey, Counter[str]]:
    """Every subject of a report with its results counted per status (a crashed check's "(all)"
    placeholder names no subject)."""
    out: dict[SubjectKey, Counter[str]] = {}
    for r in results:
        k = _subject(r)
        if k[2] == "(all)":
            continue
        out.setdefault(k, Counter())[r["status"]] += 1
    return out


@dataclass(frozen=True, slots=True)
class SubjectChange:
    """A subject present in only one of the two reports, with its results counted there."""

    type: str
    host: str
    name: str
    counts: dict[str, int]

    @property
    def label(self) -> str:
        """`vm web-9 on hv1`."""
        on = f" on {self.host}" if self.host and self.type != "host" else ""
        return f"{self.type} {self.name}{on}"


@dataclass(frozen=True, slots=True)
class Diff:
    """The changes: subjects added and removed, then each result change as (key, old status or
    None, new status or None, result)."""

    added: list[SubjectChange]
    removed: list[SubjectChange]
    new_failures: list[tuple[Key, str | None, str, dict[str, Any]]]
    fixed: list[tuple[Key, str, str | None, dict[str, Any]]]
    changed: list[tuple[Key, str | None, str | None, dict[str, Any]]]


def diff_reports(old: dict[str, Any], new: dict[str, Any]) -> Diff:
    """Compare two reports."""
    before = {_key(r): r for r in old["results"]}
    after = {_key(r): r for r in new["results"]}
    old_subjects, new_subjects = _subjects(old["results"]), _subjects(new["results"])

    def change(k: SubjectKey, counts: Counter[str]) -> SubjectChange:
        ordered = {s: counts[s] for s in STATUS_ORDER if counts.get(s)}
        return SubjectChange(k[0], k[1], k[2], ordered)

    added = [change(k, new_subjects[k]) for k in sorted(set(new_subjects) - set(old_subjects))]
    removed = [change(k, old_subjects[k]) for k in sorted(set(old_subjects) - set(new_subjects))]
    only_new = {(c.type, c.host, c.name) for c in added}
    only_old = {(c.type, c.host, c.name) for c in removed}
    new_failures: list[tuple[Key, str | None, str, dict[str, Any]]] = []
    fixed: list[tuple[Key, str, str | None, dict[str, Any]]] = []
    changed: list[tuple[Key, str | None, str | None, dict[str, Any]]] = []
    for k in sorted(set(before) | set(after)):
        o, n = before.get(k), after.get(k)
        os_: str | None = o["status"] if o else None
        ns: str | None = n["status"] if n else None
        if os_ == ns or k[1:] in only_old:
            continue
        if n is not None and ns == "fail" and not n.get("waived", False):
            new_failures.append((k, os_, "fail", n))
        elif k[1:] in only_new:
            continue  # the added subject's line says it
        elif o is not None and os_ == "fail" and ns in ("pass", None):
            fixed.append((k, "fail", ns, o))
        else:
            changed.append((k, os_, ns, n if n is not None else o or {}))
    return Diff(added, removed, new_failures, fixed, changed)


def _counts_text(counts: dict[str, int]) -> str:
    names = {"not_applicable": "n/a"}
    total = sum(counts.values())
    parts = ", ".join(f"{n} {names.get(s, s)}" for s, n in counts.items())
    return f"{total} result(s): {parts}" if parts else "no results"


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

    def subject(c: SubjectChange) -> dict[str, Any]:
        return {"type": c.type, "host": c.host, "name": c.name, "counts": dict(c.counts)}

    data = {
        "added": [subject(c) for c in d.added],
        "removed": [subject(c) for c in d.removed],
        "new_failures": [row(*x) for x in d.new_failures],
        "fixed": [row(*x) for x in d.fixed],
        "changed": [row(*x) for x in d.changed],
    }
    if fmt == "json":
        from hvaudit.textsafe import clean_json

        return clean_json(json.dumps(data, ensure_ascii=False)) + "\n"
    from hvaudit.textsafe import clean

    out = [f"Subjects added ({len(d.added)}), removed ({len(d.removed)})"]
    out += [f"  {clean(c.label)} added: {_counts_text(c.counts)}" for c in d.added]
    out += [f"  {clean(c.label)} removed: had {_counts_text(c.counts)}" for c in d.removed]
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
