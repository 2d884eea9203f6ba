"""`hvaudit explain ID` (and `hvaudit checks ID`): one check, told whole.

What it reads is shown as the evidence the check cites when it runs: on the bundled demo
deployment (libvirt's test driver) by default, or on a bundle given with `--bundle`, so it is
what the code really reads, not a description that could drift from it. Then when it passes (its
title is its pass criterion, its rationale says why), what happens when evidence is missing, its
recommendations in every edition with their sections, baseline functions and threats, the fix
per platform, the question of a manual item, and the sources.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from hvaudit.catalog import EDITION_LABELS, EDITIONS, load_catalog
from hvaudit.checks import all_checks
from hvaudit.checks.base import CheckMeta
from hvaudit.engine import Result
from hvaudit.errors import HvauditError, UsageError

__all__ = ["find_check", "render_explain"]

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MISSING_EVIDENCE = (
    "Evidence that exists but could not be observed makes it a manual item with a question; "
    "evidence whose collection failed makes it an error (exit 3); it never passes on missing "
    "evidence."
)


def find_check(check_id: str) -> CheckMeta:
    """The check called `check_id` (any case), or a UsageError naming the closest one."""
    metas = {c.meta.id: c.meta for c in all_checks()}
    meta = metas.get(check_id.strip().upper())
    if meta is None:
        from hvaudit.selection import check_hint

        raise UsageError(f"no check {check_id!r}{check_hint(check_id)}")
    return meta


def _observed(meta: CheckMeta, bundle: Path | None) -> tuple[str, list[Result]]:
    """The check's results on the bundle (or the demo), and what was scanned."""
    from hvaudit.bundle import Bundle
    from hvaudit.engine import assess
    from hvaudit.parse import build_deployment
    from hvaudit.profile import load_profile

    if bundle is not None:
        opened, where = Bundle.open(bundle), str(bundle)
    else:
        from hvaudit.cli import demo_uri
        from hvaudit.collect import CollectOptions, collect

        where = "the bundled demo deployment (libvirt test driver)"
        try:
            opened = collect(CollectOptions(demo_uri(), secure_xml=True), None).bundle
        except HvauditError as exc:  # no libvirt-python: explain without the observation
            return f"{where}: not scanned ({exc})", []
    deployment, problems = build_deployment(opened)
    results = [
        r for r in assess(deployment, problems, load_profile()).results if r.check.id == meta.id
    ]
    return where, results


def _reads(results: Iterable[Result]) -> list[str]:
    seen: dict[str, None] = {}
    for r in results:
        for e in r.outcome.evidence:
            seen.setdefault(_UUID.sub("<uuid>", e.describe()), None)
    return list(seen)


def _data(meta: CheckMeta, where: str, results: list[Result]) -> dict[str, Any]:
    cat = load_catalog()
    mappings = {
        e: [
            {
                "id": rid,
                "title": cat.recommendation(e, rid).title,
                "section": cat.recommendation(e, rid).section,
            }
            for rid in meta.recommendations.get(e, ())
        ]
        for e in EDITIONS
    }
    examples: dict[str, str] = {}
    for r in results:
        examples.setdefault(
            r.outcome.status.value, f"{r.outcome.subject.label}: {r.outcome.message}"
        )
    return {
        "id": meta.id,
        "title": meta.title,
        "severity": meta.severity.value,
        "scope": meta.scope,
        "automation": meta.automation,
        "platforms": list(meta.platforms),
        "pass_criterion": meta.title,
        "missing_evidence": MISSING_EVIDENCE,
        "rationale": meta.rationale,
        "question": meta.question,
        "observed_on": where,
        "reads": _reads(results),
        "examples": examples,
        "recommendations": mappings,
        "baseline_functions": {e: list(meta.functions[e]) for e in EDITIONS},
        "threats": {e: list(meta.threats[e]) for e in EDITIONS},
        "interpretations": {e: dict(meta.interpretations.get(e, {})) for e in EDITIONS},
        "remediation": meta.remediation,
        "remediations": dict(meta.remediations),
        "sources": [
            f"NIST {EDITION_LABELS[e]} §{m['section']} {m['id']}"
            for e in EDITIONS
            for m in mappings[e]
        ],
    }


def render_explain(
    check_id: str, fmt: str = "text", bundle: Path | None = None, width: int = 100
) -> str:
    """One check explained, as text (wrapped to `width` columns) or JSON."""
    meta = find_check(check_id)
    where, results = _observed(meta, bundle)
    data = _data(meta, where, results)
    if fmt == "json":
        return json.dumps(data, indent=2) + "\n"
    from hvaudit.textsafe import clean

    platforms = ", ".join(meta.platforms).replace("any", "every platform")
    out = [
        f"{meta.id}  {meta.title}",
        f"  severity {meta.severity.value}; scope {meta.scope}; {meta.automation}; "
        f"platforms: {platforms}",
        "",
        "Passes when",
        f"  {meta.title} (for each {meta.scope}). {MISSING_EVIDENCE}",
        "",
        "Why",
        f"  {meta.rationale or '(no rationale)'}",
        "",
        f"What it reads, as cited on {clean(where)}",
    ]
    out += [f"  {clean(x)}" for x in data["reads"]] or [
        "  nothing there (the check did not apply, or its facts are not applicable to that "
        "deployment); run 'hvaudit explain ID --bundle BUNDLE' on a bundle of your hosts"
    ]
    if data["examples"]:
        out += ["", "Results there"]
        out += [f"  {s}: {clean(m)}" for s, m in data["examples"].items()]
    out += ["", "Maps to"]
    for e in EDITIONS:
        for m in data["recommendations"][e]:
            out.append(f"  {EDITION_LABELS[e]}: {m['id']} {m['title']} (§{m['section']})")
            why = meta.interpretation(e, m["id"])
            if why:
                out.append(f"    hvaudit's reading, not the text's own words: {why}")
        if data["recommendations"][e]:
            out.append(
                f"    baseline functions: {', '.join(meta.functions[e]) or 'none'}; "
                f"threats: {', '.join(meta.threats[e]) or 'none'}"
            )
    if not any(data["recommendations"].values()):
        out.append("  no recommendation")
    if meta.question:
        out += ["", "Question when it cannot decide", f"  {meta.question}"]
    out += ["", "Fix", f"  {meta.remediation}"]
    for platform, text in meta.remediations.items():
        if text != meta.remediation:
            out.append(f"  on {platform}: {text}")
    out += ["", "Sources"]
    out += [f"  {s}" for s in data["sources"]]
    out.append("  the rationale above names the documentation behind each default it relies on")
    wrapped = []
    for line in out:
        indent = " " * (len(line) - len(line.lstrip(" ")))
        wrapped += textwrap.wrap(line, width, subsequent_indent=indent, break_on_hyphens=False) or [
            ""
        ]
    return "\n".join(wrapped) + "\n"
