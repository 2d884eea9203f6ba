"""Machine and ticket formats: JUnit XML, SARIF 2.1.0, CSV and Markdown, from one assessment.

Everything taken from a scanned host is hostile: CSV cells that a spreadsheet would run as a
formula are neutralised, Markdown escapes HTML and table syntax, XML is built with ElementTree
(escaped, and stripped of characters XML 1.0 cannot carry). CSV cells and Markdown (each inline
field, then the whole document) go out through `textsafe.clean()`: no control, line-separator or
bidirectional character reaches a terminal that `cat`s them.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET  # building, not parsing: no untrusted input is parsed here
from collections import Counter, defaultdict
from typing import Any

from hvaudit import __version__
from hvaudit.catalog import EDITION_LABELS, EDITIONS, load_catalog
from hvaudit.checks.base import CheckMeta, Severity, Status
from hvaudit.engine import Assessment, Result
from hvaudit.report.grouping import Group, group_results
from hvaudit.report.json_report import BASES, sufficiency
from hvaudit.textsafe import clean, clean_document

__all__ = ["render_csv", "render_junit", "render_markdown", "render_sarif"]

_XML_BAD = re.compile(r"[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _x(text: str) -> str:
    """Text XML 1.0 can carry (control, line-separator and bidirectional characters become
    visible escapes)."""
    return _XML_BAD.sub(lambda m: f"\\x{ord(m.group()):02x}", clean(text, multiline=True))


def _recs(meta: CheckMeta) -> str:
    """`sp800-125a-2014: HY-SR-5; sp800-125a-r1: HY-SR-6A*` (* rests on an interpretation)."""
    return "; ".join(
        f"{e}: "
        + ", ".join(
            rid + ("*" if meta.interpretation(e, rid) else "") for rid in meta.recommendations[e]
        )
        for e in EDITIONS
        if meta.recommendations.get(e)
    )


def _per_edition(meta: CheckMeta, values: dict[str, tuple[str, ...]]) -> str:
    """`sp800-125a-2014: HY-BF4; sp800-125a-r1: HY-BF1` over the editions the check cites."""
    return "; ".join(
        f"{e}: {', '.join(values[e]) or 'none'}" for e in EDITIONS if meta.recommendations.get(e)
    )


def _interpreted(meta: CheckMeta) -> list[str]:
    """`sp800-125a-r1:HY-SR-6A` for each mapping that rests on hvaudit's interpretation."""
    return [f"{c.edition}:{c.recommendation}" for c in meta.citations if c.interpretation]


def _label(r: Result) -> str:
    return r.outcome.subject.label


# JUnit -------------------------------------------------------------------------------------------


def render_junit(a: Assessment) -> str:
    """A testsuite per check, a testcase per subject: failures and errors fail, manual, not
    applicable and waived results are skipped with the reason."""
    by_check: dict[str, list[Result]] = defaultdict(list)
    for r in a.results:
        by_check[r.check.id].append(r)
    root = ET.Element("testsuites", name="hvaudit", timestamp=a.scanned_at)
    totals: Counter[str] = Counter()
    for cid, results in sorted(by_check.items()):
        meta = results[0].check
        suite = ET.SubElement(root, "testsuite", name=_x(f"{cid} {meta.title}"))
        props = ET.SubElement(suite, "properties")
        for e in EDITIONS:
            ET.SubElement(props, "property", name=e, value=", ".join(meta.recommendations[e]))
        for e in EDITIONS:
            if meta.recommendations[e]:
                ET.SubElement(
                    props,
                    "property",
                    name=f"baseline_functions {e}",
                    value=", ".join(meta.functions[e]),
                )
                ET.SubElement(
                    props, "property", name=f"threats {e}", value=", ".join(meta.threats[e])
                )
        for c in meta.citations:
            if c.interpretation:
                ET.SubElement(
                    props,
                    "property",
                    name=f"interpretation {c.edition}:{c.recommendation}",
                    value=_x(c.interpretation),
                )
        counts: Counter[str] = Counter()
        for r in results:
            case = ET.SubElement(suite, "testcase", classname=cid, name=_x(_label(r)), time="0")
            msg = _x(r.outcome.message)
            counts["tests"] += 1
            if r.waived is not None:
                ET.SubElement(
                    case,
                    "skipped",
                    message=_x(
                        f"waived ({r.status.value}): {r.waived.reason} (owner {r.waived.owner}, "
                        f"expires {r.waived.expires})"
                    ),
                )
                counts["skipped"] += 1
            elif r.status is Status.FAIL:
                node = ET.SubElement(case, "failure", message=msg, type=r.severity.value)
                node.text = _x(f"{msg}\nfix: {meta.remediation}\n{_recs(meta)}")
                counts["failures"] += 1
            elif r.status is Status.ERROR:
                ET.SubElement(case, "error", message=msg, type="evidence")
                counts["errors"] += 1
            elif r.status in (Status.MANUAL, Status.NOT_APPLICABLE):
                reason = (
                    msg
                    if r.status is Status.NOT_APPLICABLE
                    else _x(
                        f"manual: {r.outcome.question or meta.question or ''} ({r.outcome.message})"
                    )
                )
                ET.SubElement(case, "skipped", message=reason)
                counts["skipped"] += 1
        for k in ("tests", "failures", "errors", "skipped"):
            suite.set(k, str(counts[k]))
            totals[k] += counts[k]
    suite = ET.SubElement(
        root,
        "testsuite",
        name="evidence sufficiency",
        tests="0",
        failures="0",
        errors="0",
        skipped="0",
    )
    props = ET.SubElement(suite, "properties")
    for edition, recs in sufficiency(a).items():
        for rid, row in recs.items():
            ET.SubElement(
                props,
                "property",
                name=f"{edition} {rid}",
                value=" ".join(f"{b}={row[b]}" for b in BASES),
            )
    for k in ("tests", "failures", "errors", "skipped"):
        root.set(k, str(totals[k]))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# SARIF -------------------------------------------------------------------------------------------

_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}
_KIND = {
    Status.PASS: "pass",
    Status.FAIL: "fail",
    Status.MANUAL: "review",
    Status.NOT_APPLICABLE: "notApplicable",
    Status.ERROR: "open",
}


def render_sarif(a: Assessment) -> str:
    """SARIF 2.1.0: a rule per check, a result per check and subject (kind pass/fail/review/
    notApplicable/open); waived results carry an accepted external suppression."""
    metas = {r.check.id: r.check for r in a.results}
    ids = sorted(metas)
    rules = []
    for cid in ids:
        m = metas[cid]
        rules.append(
            {
                "id": cid,
                "name": re.sub(r"[^A-Za-z0-9]+", "", m.title.title()),
                "shortDescription": {"text": m.title},
                "fullDescription": {"text": m.rationale or m.title},
                "help": {"text": m.remediation},
                "defaultConfiguration": {"level": _LEVEL[m.severity]},
                "properties": {
                    "tags": [
                        "security",
                        *(f"{e}:{rid}" for e in EDITIONS for rid in m.recommendations[e]),
                    ],
                    "security-severity": _SECURITY_SEVERITY[m.severity],
                    "baseline_functions": {e: list(m.functions[e]) for e in EDITIONS},
                    "threats": {e: list(m.threats[e]) for e in EDITIONS},
                    "interpretations": {e: dict(m.interpretations.get(e, {})) for e in EDITIONS},
                    "automation": m.automation,
                },
            }
        )
    index = {cid: i for i, cid in enumerate(ids)}
    results = []
    for r in a.results:
        o = r.outcome
        artefacts = list(dict.fromkeys(e.artefact for e in o.evidence)) or ["manifest.json"]
        res: dict[str, Any] = {
            "ruleId": r.check.id,
            "ruleIndex": index[r.check.id],
            "kind": _KIND[o.status],
            "message": {"text": o.message or r.check.title},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": artefacts[0], "uriBaseId": "BUNDLE"}
                    },
                    "logicalLocations": [
                        {
                            "name": o.subject.name,
                            "fullyQualifiedName": f"{o.subject.type}/{o.subject.host or ''}/{o.subject.name}",
                            "kind": "object",
                        }
                    ],
                }
            ],
            "properties": {
                "subject": o.subject.to_json(),
                "severity": r.severity.value,
                "basis": r.basis,
            },
        }
        if o.status is Status.FAIL:
            res["level"] = _LEVEL[r.severity]
        else:
            res["level"] = "none"
        if r.waived is not None:
            res["suppressions"] = [
                {
                    "kind": "external",
                    "status": "accepted",
                    "justification": f"{r.waived.reason} (owner {r.waived.owner}, "
                    f"expires {r.waived.expires})",
                }
            ]
        if r.attested is not None:
            res["properties"]["attestation"] = {
                "answer": r.attested.answer,
                "attested_by": r.attested.attested_by,
                "attested_at": r.attested.attested_at,
            }
        results.append(res)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "hvaudit",
                        "version": __version__,
                        "informationUri": "https://csrc.nist.gov/pubs/sp/800/125/a/r1/final",
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {
                    "BUNDLE": {"description": {"text": "the evidence bundle of this assessment"}}
                },
                "invocations": [
                    {"executionSuccessful": not a.has_errors, "endTimeUtc": a.scanned_at}
                ],
                "results": results,
                "properties": {
                    "target": a.deployment.target,
                    "profile": a.profile.name,
                    "sufficiency": sufficiency(a),
                },
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False) + "\n"


# CSV ---------------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "check_id",
    "title",
    "status",
    "waived",
    "basis",
    "severity",
    "subject_type",
    "subject_host",
    "subject_name",
    "sp800-125a-2014",
    "sp800-125a-r1",
    "sp800-125b",
    "baseline_functions",
    "threats",
    "interpretations",
    "message",
    "remediation",
    "evidence",
)


def _cell(value: str) -> str:
    """One CSV cell, the output layer of the CSV report: one line with control, line-separator
    and bidirectional characters escaped, and spreadsheet formulas neutralised (a VM may be named
    '=HYPERLINK(...)')."""
    value = clean(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def render_csv(a: Assessment) -> str:
    """One row per result, for spreadsheets and ticket imports."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in a.results:
        s = r.outcome.subject
        w.writerow(
            [
                _cell(str(v))
                for v in (
                    r.check.id,
                    r.check.title,
                    r.status.value,
                    "yes" if r.waived else "no",
                    r.basis,
                    r.severity.value,
                    s.type,
                    s.host or "",
                    s.name,
                    *(" ".join(r.check.recommendations[e]) for e in EDITIONS),
                    _per_edition(r.check, r.check.functions),
                    _per_edition(r.check, r.check.threats),
                    " ".join(_interpreted(r.check)),
                    r.outcome.message,
                    r.check.remediation,
                    " ".join(dict.fromkeys(e.describe() for e in r.outcome.evidence)),
                )
            ]
        )
    return buf.getvalue()


# Markdown ----------------------------------------------------------------------------------------


def _md(text: str) -> str:
    """Inline Markdown that renders as the text it is (no HTML, no table breaks, no links)."""
    text = (
        text.replace("\\", "\\\\").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    )
    text = re.sub(r"([|`*_\[\]#])", r"\\\1", text)
    return clean(" ".join(text.split()))


def render_markdown(a: Assessment) -> str:
    """A summary for tickets and pull-request comments: posture, failures, manual items,
    evidence sufficiency, waivers."""
    cat = load_catalog()
    counts = Counter(r.status.value for r in a.results)
    fails = [r for r in a.results if r.status is Status.FAIL and r.waived is None]
    out = [
        "# hvaudit: SP 800-125A / 800-125B assessment",
        "",
        f"Target `{_md(a.deployment.target)}`, profile `{_md(a.profile.name)}`, scanned {a.scanned_at}.",
        "",
        "| pass | fail | manual | not applicable | error | waived |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {counts['pass']} | {counts['fail']} | {counts['manual']} | {counts['not_applicable']} "
        f"| {counts['error']} | {sum(1 for r in a.results if r.waived)} |",
        "",
        f"## Failures ({len(fails)})",
        "",
    ]
    listed: list[Group] = []
    if fails:
        out += [
            "| severity | check | subject | finding | recommendations | fix |",
            "|---|---|---|---|---|---|",
        ]
        fails.sort(key=lambda r: (-r.severity.rank, r.check.id, _label(r)))
        for item in group_results(fails, within=a.results):
            if isinstance(item, Group):
                listed.append(item)
                finding = item.message or "differs per subject (listed below)"
                out.append(
                    f"| {item.severity.value} | {item.check.id} {_md(item.check.title)} "
                    f"| {_md(item.headline)} (listed below) | {_md(finding)} "
                    f"| {_md(_recs(item.check))} | {_md(item.check.remediation)} |"
                )
                continue
            r = item
            out.append(
                f"| {r.severity.value} | {r.check.id} {_md(r.check.title)} | {_md(_label(r))} "
                f"| {_md(r.outcome.message)} | {_md(_recs(r.check))} | {_md(r.check.remediation)} |"
            )
    else:
        out.append("None.")
    manual = [r for r in a.results if r.status is Status.MANUAL and r.waived is None]
    out += ["", f"## Manual items ({len(manual)})", ""]
    for item in group_results(manual, within=a.results):
        if isinstance(item, Group):
            listed.append(item)
            asked = {r.outcome.question or item.check.question or "" for r in item.results}
            q = (
                next(iter(asked))
                if len(asked) == 1
                else "each subject's own question, listed below with it"
            )
            out.append(f"- **{item.check.id}** {_md(item.headline)} (listed below): {_md(q)}")
            continue
        r = item
        q = r.outcome.question or r.check.question or ""
        out.append(f"- **{r.check.id}** {_md(_label(r))}: {_md(q)} ({_md(r.outcome.message)})")
    if not manual:
        out.append("None.")
    if listed:
        out += ["", "## Subjects of grouped findings"]
    for g in listed:
        out += ["", f"### {_md(g.headline)}: {_md(g.check.title)}", ""]
        shared = g.message
        if shared is not None:
            out += [_md(shared), ""]
        own = len({r.outcome.question or g.check.question or "" for r in g.results}) > 1
        out += [
            f"- {_md(r.outcome.subject.label)}"
            + ("" if shared is not None else f": {_md(r.outcome.message)}")
            + (f" Question: {_md(r.outcome.question or '')}" if own else "")
            for r in g.results
        ]
    notes = [
        (m.id, c)
        for m in {r.check.id: r.check for r in [*fails, *manual]}.values()
        for c in m.citations
        if c.interpretation
    ]
    if notes:
        out += ["", "## Mappings that rest on an interpretation (*)", ""]
        out += [
            f"- **{cid}** → {EDITION_LABELS[c.edition]} {c.recommendation}: {_md(c.interpretation or '')}"
            for cid, c in notes
        ]
    out += [
        "",
        "## Evidence sufficiency (SP 800-125A, 2014 draft)",
        "",
        "| recommendation | " + " | ".join(b.replace("_", " ") for b in BASES) + " |",
        "|---|" + "---:|" * len(BASES),
    ]
    suff = sufficiency(a)["sp800-125a-2014"]
    for rec in cat.editions["sp800-125a-2014"].recommendations:
        row = suff[rec.id]
        out.append(
            f"| {rec.id} {_md(rec.title)} | " + " | ".join(str(row[b]) for b in BASES) + " |"
        )
    waived = [r for r in a.results if r.waived]
    if a.waivers or waived:
        out += ["", f"## Waived findings ({len(waived)})", ""]
        out += [
            f"- **{r.check.id}** {_md(_label(r))} ({r.status.value}, {r.severity.value}): "
            f"{_md(r.outcome.message)}; waiver {_md(r.waived.waiver_id)}"
            for r in waived
            if r.waived
        ]
        out += [
            "",
            "## Waivers",
            "",
            "| waiver | state | results | owner | expires | reason |",
            "|---|---|---:|---|---|---|",
        ]
        out += [
            f"| {_md(w['id'])} | {w['state']} | {w['matched']} | {_md(w['owner'])} | {w['expires']} "
            f"| {_md(w['reason'])} |"
            for w in a.waivers
        ]
    out += [
        "",
        f"_{EDITION_LABELS['sp800-125a-2014']} ids with their Rev. 1 and SP 800-125B "
        f"counterparts; generated by hvaudit {__version__}._",
        "",
    ]
    return clean_document("\n".join(out))
