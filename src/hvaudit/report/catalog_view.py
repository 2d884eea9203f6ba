"""`hvaudit catalog` and `hvaudit checks`: the catalog and the check list as text, JSON or Markdown.

docs/checks.md is generated from `render_checks("markdown")`, so the check documentation always
matches the code.
"""

from __future__ import annotations

import json
from typing import Any

from hvaudit.catalog import EDITION_LABELS, EDITIONS, Recommendation, load_catalog
from hvaudit.checks import all_checks
from hvaudit.checks.base import Citation
from hvaudit.errors import UsageError

__all__ = ["render_catalog", "render_checks"]


def _rec_json(r: Recommendation) -> dict[str, Any]:
    return {
        "edition": r.edition,
        "id": r.id,
        "title": r.title,
        "summary": r.summary,
        "functions": list(r.functions),
        "functions_inferred": r.functions_inferred,
        "kind": r.kind,
        "section": r.section,
        "threats": list(r.threats),
        "checks": [
            c.meta.id for c in all_checks() if r.id in c.meta.recommendations.get(r.edition, ())
        ],
    }


def render_catalog(
    item: str | None, edition: str | None, function: str | None, threat: str | None, fmt: str
) -> str:
    """List the catalog, filtered, or show one item."""
    cat = load_catalog()
    if function and function not in {f.id for f in cat.functions}:
        raise UsageError(f"unknown baseline function {function!r} (HY-BF1..HY-BF5)")
    if threat and threat not in {t.id for t in cat.threats}:
        raise UsageError(f"unknown threat {threat!r} (see 'hvaudit catalog --format json')")
    editions = [edition] if edition else list(EDITIONS)
    recs = [
        r
        for e in editions
        for r in cat.editions[e].recommendations
        if (not function or function in r.functions)
        and (not threat or threat in r.threats)
        and (not item or r.id == item)
    ]
    fns = [f for f in cat.functions if not item or f.id == item]
    ths = [t for t in cat.threats if (not item or t.id == item) and (not threat or t.id == threat)]
    if item and not (recs or fns or ths):
        raise UsageError(f"nothing in the catalog is called {item!r}")
    if fmt == "json":
        data = {
            "functions": [{"id": f.id, "names": f.names, "summary": f.summary} for f in fns],
            "threats": [
                {
                    "id": t.id,
                    "kind": t.kind,
                    "title": t.title,
                    "summary": t.summary,
                    "editions": list(t.editions),
                    "origin": t.origin,
                }
                for t in ths
            ],
            "recommendations": [_rec_json(r) for r in recs],
            "crosswalk": [
                {
                    "from": c.source,
                    "sp800-125a-r1": list(c.r1),
                    "sp800-125b": list(c.b),
                    "match": c.match,
                    "note": c.note,
                }
                for c in cat.crosswalk
                if not item or c.source == item
            ],
        }
        return json.dumps(data, indent=2) + "\n"
    out: list[str] = []
    if not item and not function and not threat:
        out.append("Baseline functions")
        out.extend(
            f"  {f.id}  {f.name}  (2014: {f.names.get('sp800-125a-2014', '-')})" for f in fns
        )
        out.append("")
    if item and fns:
        f = fns[0]
        out += [
            f"{f.id}",
            *(f"  {EDITION_LABELS[e]}: {n}" for e, n in f.names.items()),
            f"  {f.summary}",
        ]
    for e in editions:
        rs = [r for r in recs if r.edition == e]
        if not rs:
            continue
        out.append(EDITION_LABELS[e])
        for r in rs:
            fn = ", ".join(r.functions) or "no function"
            out.append(f"  {r.id:<10} {r.title}  [{fn}; {r.kind}; §{r.section}]")
            if item:
                out.append(f"             {r.summary}")
                out.append(f"             threats: {', '.join(r.threats)}")
                checks = _rec_json(r)["checks"]
                out.append(f"             checks: {', '.join(checks) or 'none'}")
                if e == "sp800-125a-2014":
                    cw = cat.crosswalk_for(r.id)
                    out.append(
                        f"             Rev. 1: {', '.join(cw.r1) or '-'}; 800-125B: "
                        f"{', '.join(cw.b) or '-'} ({cw.match}, inferred) {cw.note}"
                    )
        out.append("")
    if (item or threat) and ths:
        for t in ths:
            origin = " (hvaudit's own, not NIST)" if t.origin == "hvaudit" else ""
            out.append(f"{t.id} [{t.kind}] {t.title}{origin}\n  {t.summary}")
    elif not item and not function:
        out.append("Threats")
        for t in ths:
            origin = " (hvaudit)" if t.origin == "hvaudit" else ""
            out.append(f"  {t.id:<8} [{t.kind}] {t.title}{origin}")
    return "\n".join(out).rstrip() + "\n"


def render_checks(fmt: str) -> str:
    """Every check with its mappings, as text, JSON or Markdown."""
    checks = [c.meta for c in all_checks()]
    if fmt == "json":
        return (
            json.dumps(
                [
                    {
                        "id": m.id,
                        "title": m.title,
                        "scope": m.scope,
                        "severity": m.severity.value,
                        "automation": m.automation,
                        "recommendations": {e: list(m.recommendations[e]) for e in EDITIONS},
                        "baseline_functions": {e: list(m.functions[e]) for e in EDITIONS},
                        "threats": {e: list(m.threats[e]) for e in EDITIONS},
                        "interpretations": {
                            e: dict(m.interpretations.get(e, {})) for e in EDITIONS
                        },
                        "remediation": m.remediation,
                        "rationale": m.rationale,
                        "question": m.question,
                        "platforms": list(m.platforms),
                    }
                    for m in checks
                ],
                indent=2,
            )
            + "\n"
        )
    if fmt == "markdown":
        cat = load_catalog()
        out = [
            "# hvaudit checks",
            "",
            "Generated by `hvaudit checks --format markdown`; do not edit by hand.",
            "",
            "A check cites recommendations; the baseline function(s) and threats of each mapping are",
            "the catalog's (`src/hvaudit/catalog/data/`), per edition. A recommendation marked * is",
            "mapped on hvaudit's interpretation rather than on the recommendation's text; the reason",
            'follows the table. SP 800-125B names no baseline functions: its "HY-BF5" is hvaudit\'s',
            "filing (marked inferred).",
            "",
        ]
        out.append("## Coverage of the 2014 draft")
        out.append("")
        out.append("| recommendation | checks |")
        out.append("|---|---|")
        for r in cat.editions["sp800-125a-2014"].recommendations:
            ids = [m.id for m in checks if r.id in m.recommendations["sp800-125a-2014"]]
            out.append(f"| {r.id} {r.title} | {', '.join(ids)} |")
        out.append("")
        for m in checks:
            out += [
                f"## {m.id}: {m.title}",
                "",
                f"- scope: {m.scope}; severity: {m.severity.value}; automation: {m.automation}; "
                f"platforms: {', '.join(m.platforms)}",
                "",
            ]
            if m.citations:
                out += [
                    "| edition | recommendation | baseline function | threats |",
                    "|---|---|---|---|",
                ]
                for c in m.citations:
                    out.append(
                        f"| {EDITION_LABELS[c.edition]} | {_cited(c)} {_rec_title(c)} "
                        f"| {_functions(c)} | {', '.join(c.threats) or 'none'} |"
                    )
                if m.hvaudit_threats:
                    out.append(f"| (hvaudit) | | | {', '.join(m.hvaudit_threats)} |")
                out.append("")
                out += [
                    f"\\* {c.recommendation}: {c.interpretation}"
                    for c in m.citations
                    if c.interpretation
                ]
                if any(c.interpretation for c in m.citations):
                    out.append("")
            else:
                out += ["No recommendation cited.", ""]
            out += [m.rationale, ""]
            if m.question:
                out += [f"Question: {m.question}", ""]
            out += [f"Fix: {m.remediation}", ""]
        return "\n".join(out)
    out = []
    for m in checks:
        out.append(f"{m.id}  {m.severity.value:<8} {m.scope:<7} {m.title}")
        for c in m.citations:
            out.append(
                f"          {c.edition.removeprefix('sp800-'):<9} {_cited(c):<10} "
                f"{_functions(c):<22} {', '.join(c.threats)}"
            )
        for c in m.citations:
            if c.interpretation:
                out.append(f"          * {c.recommendation}: {c.interpretation}")
    out.append("")
    out.append("* mapped on hvaudit's interpretation, not on the recommendation's text")
    return "\n".join(out) + "\n"


def _cited(c: Citation) -> str:
    return c.recommendation + ("*" if c.interpretation else "")


def _rec_title(c: Citation) -> str:
    return load_catalog().recommendation(c.edition, c.recommendation).title


def _functions(c: Citation) -> str:
    rec = load_catalog().recommendation(c.edition, c.recommendation)
    text = ", ".join(c.functions) or "none"
    return text + (" (inferred)" if rec.functions_inferred and c.functions else "")
