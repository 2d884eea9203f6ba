"""Fleet reports: terminal, JSON, HTML and JUnit, all rendered from the fleet report dict.

Every string that came from a scanned host or an inventory (host names, messages, errors) is
hostile: escaped for HTML, XML and the terminal alike.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from typing import Any
from xml.etree import ElementTree as ET

from hvaudit.catalog import EDITION_LABELS, EDITIONS
from hvaudit.fleet.cli import FLEET_FORMATS  # one list, beside the parser that offers it
from hvaudit.textsafe import clean, clean_json

__all__ = ["FLEET_FORMATS", "render_fleet", "safe"]


def safe(text: object, limit: int = 300) -> str:
    """One printable line (`hvaudit.textsafe.clean`), at most `limit` characters of the input."""
    return clean(str(text)[:limit])


def render_fleet(report: dict[str, Any], fmt: str, *, width: int = 100) -> str:
    """Render the fleet report in `fmt`."""
    if fmt == "json":
        return json.dumps(report, separators=(",", ":"), sort_keys=False) + "\n"
    if fmt == "html":
        return _html(report)
    if fmt == "junit":
        return _junit(report)
    if fmt == "sarif":
        return clean_json(_sarif(report))  # JSON may carry bidi and C1 raw; a terminal must not
    if fmt == "oscal":
        return clean_json(_oscal(report))
    return _terminal(report, width)


def _bar(counts: dict[str, int], keys: tuple[str, ...]) -> str:
    return " ".join(f"{k}={counts.get(k, 0)}" for k in keys if counts.get(k, 0))


def _terminal(r: dict[str, Any], width: int) -> str:
    s = r["summary"]
    lines = [
        f"hvaudit fleet report: {s['targets']} targets, {s['assessed']} assessed, "
        f"{s['partial']} partial, {s['failed']} not assessed",
        f"run {r.get('run_id') or '(not stored)'}, profile {safe(r['profile'])}, "
        f"{r['started_at']} .. {r['finished_at']}",
        "",
        "Hosts (worst first):",
    ]
    hosts = sorted(r["hosts"], key=lambda h: (h["state"] != "failed", -h["score"], h["name"]))
    name_w = min(max((len(safe(h["name"])) for h in hosts), default=4), 32)
    for h in hosts:
        head = f"  {safe(h['name'])[:name_w]:<{name_w}}  {h['state']:<8} {h['platform']:<12}"
        if h["state"] == "failed":
            lines.append(_fit(f"{head} {safe(h['error'] or '')}", width))
        else:
            lines.append(
                _fit(
                    f"{head} score {h['score']:>4}  fail {h['failures']:>4}  "
                    f"{_bar(h['by_status'], ('manual', 'error', 'waived'))}",
                    width,
                )
            )
    lines += ["", "Posture per recommendation (hosts):"]
    states = ("fail", "error", "manual", "waived", "pass", "not_applicable", "unassessed")
    for edition in EDITIONS:
        lines.append(f"  {EDITION_LABELS[edition]}")
        for row in r["posture"][edition]:
            lines.append(
                _fit(f"    {row['id']:<10} {_bar(row['hosts'], states) or 'no result'}", width)
            )
    if r["failing_checks"]:
        lines += ["", "Failing checks across the fleet:"]
        for f in r["failing_checks"]:
            n = len(f["hosts"])
            lines.append(
                _fit(
                    f"  {f['check_id']} fails on {n} of {s['targets']} hosts "
                    f"({f['subjects_failing']} of {f['subjects']} subjects): {safe(f['title'])}",
                    width,
                )
            )
    if r["outliers"]:
        lines += ["", "Configuration outliers (differ from their group's majority):"]
        for o in r["outliers"]:
            lines.append(
                _fit(
                    f"  {safe(o['group'])}: {safe(o['host'])} {o['status']} on {o['check_id']} "
                    f"where {o['majority_hosts']} of {o['group_hosts']} {o['majority']}",
                    width,
                )
            )
    failed = [h for h in r["hosts"] if h["state"] != "assessed"]
    if failed:
        lines += ["", "Not (fully) assessed:"]
        lines += [
            _fit(f"  {safe(h['name'])}: {h['state']}: {safe(h['error'] or '')}", width)
            for h in failed
        ]
    return "\n".join(lines) + "\n"


def _fit(line: str, width: int) -> str:
    """Wrap, never cut: continuation lines are indented."""
    if len(line) <= width:
        return line
    indent = " " * (len(line) - len(line.lstrip()) + 4)
    out, rest = [], line
    while len(rest) > width:
        cut = rest.rfind(" ", len(indent) + 1, width)
        if cut <= len(indent):
            cut = width
        out.append(rest[:cut].rstrip())
        rest = indent + rest[cut:].lstrip()
    out.append(rest)
    return "\n".join(out)


_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}
th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}
td.c{width:1.6em;text-align:center;padding:0}
.fail{background:#e55}.error{background:#b5e}.manual{background:#fc6}.waived{background:#ccc}
.pass{background:#6c6}.not_applicable{background:#eee}.no_result{background:#fff}
.unassessed{background:repeating-linear-gradient(45deg,#999,#999 3px,#ddd 3px,#ddd 6px)}
h1,h2{margin:.6em 0 .3em}.muted{color:#666}
@media print{body{margin:0}}
""".strip()


def _html(r: dict[str, Any]) -> str:
    e = html.escape
    css_hash = base64.b64encode(hashlib.sha256(_CSS.encode()).digest()).decode()
    s = r["summary"]
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        f"style-src 'sha256-{css_hash}'\">",
        "<title>hvaudit fleet report</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>hvaudit fleet report</h1>",
        f"<p>{s['targets']} targets: {s['assessed']} assessed, {s['partial']} partial, "
        f"{s['failed']} not assessed. Run {e(str(r.get('run_id') or 'not stored'))}, profile "
        f"{e(r['profile'])}, {e(r['started_at'])} to {e(r['finished_at'])}.</p>",
        "<h2>Hosts</h2><table><tr><th>host</th><th>group</th><th>platform</th><th>state</th>"
        "<th>score</th><th>failures</th><th>error</th></tr>",
    ]
    parts.extend(
        f"<tr><td>{e(h['name'])}</td><td>{e(h['group'])}</td><td>{e(h['platform'])}</td>"
        f"<td class='{'unassessed' if h['state'] == 'failed' else ''}'>{e(h['state'])}</td>"
        f"<td>{h['score']}</td><td>{h['failures']}</td><td>{e(h['error'] or '')}</td></tr>"
        for h in sorted(r["hosts"], key=lambda h: (-h["score"], h["name"]))
    )
    parts.append("</table>")
    names = [h["name"] for h in r["hosts"]]
    for edition in EDITIONS:
        parts.append(f"<h2>{e(EDITION_LABELS[edition])}: recommendation by host</h2>")
        parts.append("<table><tr><th>recommendation</th>")
        parts += [f"<th>{e(n)}</th>" for n in names]
        parts.append("</tr>")
        heat = r["heatmap"][edition]
        for row in r["posture"][edition]:
            parts.append(f"<tr><th title='{e(row['title'])}'>{e(row['id'])}</th>")
            for n in names:
                st = heat.get(n, {}).get(row["id"], "no_result")
                parts.append(f"<td class='c {e(st)}' title='{e(n)}: {e(st)}'></td>")
            parts.append("</tr>")
        parts.append("</table>")
    if r["outliers"]:
        parts.append(
            "<h2>Configuration outliers</h2><table><tr><th>group</th><th>host</th>"
            "<th>check</th><th>host verdict</th><th>group majority</th><th>message</th></tr>"
        )
        for o in r["outliers"]:
            parts.append(
                f"<tr><td>{e(o['group'])}</td><td>{e(o['host'])}</td><td>{e(o['check_id'])} "
                f"{e(o['title'])}</td><td>{e(o['status'])}</td><td>{e(o['majority'])} "
                f"({o['majority_hosts']} of {o['group_hosts']})</td><td>{e(o['message'])}</td></tr>"
            )
        parts.append("</table>")
    if r["failing_checks"]:
        parts.append(
            "<h2>Failing checks</h2><table><tr><th>check</th><th>severity</th>"
            "<th>hosts</th><th>subjects failing</th></tr>"
        )
        for f in r["failing_checks"]:
            parts.append(
                f"<tr><td>{e(f['check_id'])} {e(f['title'])}</td><td>{e(f['severity'])}</td>"
                f"<td>{e(', '.join(f['hosts']))}</td><td>{f['subjects_failing']} of "
                f"{f['subjects']}</td></tr>"
            )
        parts.append("</table>")
    parts.append(
        "<p class='muted'>Legend: fail, error, manual, waived, pass, not applicable, "
        "unassessed (striped: the host could not be scanned).</p></body></html>\n"
    )
    return "".join(parts)


def _junit(r: dict[str, Any]) -> str:
    suites = ET.Element("testsuites", name="hvaudit fleet")
    for h in r["hosts"]:
        suite = ET.SubElement(suites, "testsuite", name=_xml(h["name"]))
        tests = failures = errors = 0
        if h["state"] == "failed":
            case = ET.SubElement(suite, "testcase", classname=_xml(h["name"]), name="scan")
            ET.SubElement(case, "error", message=_xml(h["error"] or "not assessed"))
            tests, errors = 1, 1
        else:
            case = ET.SubElement(suite, "testcase", classname=_xml(h["name"]), name="posture")
            tests = 1
            if h["failures"]:
                failures = 1
                ET.SubElement(
                    case,
                    "failure",
                    message=f"{h['failures']} failing result(s), score {h['score']}",
                )
            if h["state"] == "partial":
                errors += 1
                case = ET.SubElement(
                    suite, "testcase", classname=_xml(h["name"]), name="collection"
                )
                ET.SubElement(case, "error", message=_xml(h["error"] or "partial collection"))
                tests += 1
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", str(errors))
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def _xml(text: object) -> str:
    """XML 1.0 forbids most controls even escaped: drop them."""
    return "".join(
        c
        for c in safe(text, 1000)
        if c in "\t\n\r" or (ord(c) >= 0x20 and ord(c) not in (0xFFFE, 0xFFFF))
    )


# SARIF -------------------------------------------------------------------------------------------

_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}


def _sarif(r: dict[str, Any]) -> str:
    """SARIF 2.1.0: a rule per failing check (its metadata from the check registry), a result per
    check and host it fails on; hosts that could not be assessed are tool notifications."""
    from hvaudit.checks import all_checks

    metas = {c.meta.id: c.meta for c in all_checks()}
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for f in r["failing_checks"]:
        m = metas.get(f["check_id"])
        index[f["check_id"]] = len(rules)
        rules.append(
            {
                "id": f["check_id"],
                "shortDescription": {"text": f["title"]},
                "fullDescription": {"text": (m.rationale if m else "") or f["title"]},
                "help": {"text": m.remediation if m else ""},
                "defaultConfiguration": {"level": _LEVEL.get(f["severity"], "warning")},
                "properties": {
                    "tags": ["security"]
                    + (
                        [f"{e}:{rid}" for e in EDITIONS for rid in m.recommendations[e]]
                        if m
                        else []
                    ),
                    "severity": f["severity"],
                },
            }
        )
    results = [
        {
            "ruleId": f["check_id"],
            "ruleIndex": index[f["check_id"]],
            "kind": "fail",
            "level": _LEVEL.get(f["severity"], "warning"),
            "message": {
                "text": f"{f['check_id']} fails on {f['failing_by_host'][host]} subject(s) of "
                f"host {host}: {f['title']}"
            },
            "locations": [
                {
                    "logicalLocations": [
                        {"name": host, "fullyQualifiedName": f"host/{host}", "kind": "object"}
                    ]
                }
            ],
            "properties": {"host": host, "subjects_failing": f["failing_by_host"][host]},
        }
        for f in r["failing_checks"]
        for host in f["hosts"]
    ]
    notes = [
        {
            "level": "error",
            "message": {
                "text": f"host {h['name']} was not (fully) assessed: {h['error'] or h['state']}"
            },
            "locations": [
                {
                    "logicalLocations": [
                        {
                            "name": h["name"],
                            "fullyQualifiedName": f"host/{h['name']}",
                            "kind": "object",
                        }
                    ]
                }
            ],
        }
        for h in r["hosts"]
        if h["state"] != "assessed"
    ]
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "hvaudit", "version": r["version"], "rules": rules}},
                "invocations": [
                    {
                        "executionSuccessful": not notes,
                        "endTimeUtc": r["finished_at"],
                        "toolExecutionNotifications": notes,
                    }
                ],
                "results": results,
                "properties": {"kind": "fleet", "run_id": r["run_id"], "summary": r["summary"]},
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False) + "\n"


# OSCAL -------------------------------------------------------------------------------------------

_OSCAL_STATE = {"fail": "not-satisfied", "waived": "not-satisfied", "pass": "satisfied"}


def _oscal(r: dict[str, Any]) -> str:
    """OSCAL assessment results: one result per edition; every host an inventory item and the
    subject of an observation; a finding per recommendation and host (satisfied, not-satisfied,
    or open while a person must answer, the evidence is missing, or the host was not assessed)."""
    from hvaudit.report.oscal import NS, _metadata, _trestle, _uuid, _when, control_id

    ar, _, common, _ = _trestle()
    run = r.get("run_id") or r["started_at"]
    start = _when(r["started_at"].replace("Z", "+00:00"))
    collected = _when(r["finished_at"].replace("Z", "+00:00"))

    def prop(name: str, value: str) -> Any:
        return common.Property(name=name, value=clean(value) or "-", ns=NS)

    items, observations = {}, {}
    for h in r["hosts"]:
        item = common.InventoryItem(
            uuid=_uuid("fleet", run, "host", h["name"]),
            description=f"hypervisor host {clean(h['name'])} ({h['platform']})",
            props=[
                prop("host", h["name"]),
                prop("platform", h["platform"]),
                prop("group", h["group"]),
                prop("zone", h["zone"]),
                prop("state", h["state"]),
            ],
        )
        items[h["name"]] = item
        observations[h["name"]] = common.Observation(
            uuid=_uuid("fleet", run, "observation", h["name"]),
            title=f"hvaudit scan of {clean(h['name'])}",
            description=f"single-host scan: {h['state']}"
            + (f" ({clean(h['error'])})" if h["error"] else "")
            + f"; {h['failures']} failing result(s)",
            methods=["TEST"],
            collected=collected,
            subjects=[common.SubjectReference(subject_uuid=item.uuid, type="inventory-item")],
        )
    results = []
    for edition in EDITIONS:
        findings = []
        heat = r["heatmap"][edition]
        for row in r["posture"][edition]:
            for h in r["hosts"]:
                status = heat.get(h["name"], {}).get(row["id"], "no_result")
                if status in ("not_applicable", "no_result"):
                    continue
                state = _OSCAL_STATE.get(status)
                findings.append(
                    common.Finding(
                        uuid=_uuid("fleet", run, edition, row["id"], h["name"]),
                        title=f"{row['id']} on host {clean(h['name'])}",
                        description=f"{row['id']} on {clean(h['name'])}: {status}",
                        props=[prop("host", h["name"]), prop("hvaudit-status", status)],
                        target=common.FindingTarget(
                            type=common.FindingTargetTypeValidValues.statement_id,
                            target_id=f"{control_id(row['id'])}_smt",
                            status=common.ObjectiveStatus(
                                state=common.ObjectiveStatusStateValidValues(state),
                                reason="pass" if state == "satisfied" else "fail",
                            )
                            if state
                            else None,
                            remarks=None if state else f"open: {status}",
                        ),
                        related_observations=[
                            common.RelatedObservation(observation_uuid=observations[h["name"]].uuid)
                        ],
                    )
                )
        results.append(
            ar.Result(
                uuid=_uuid("fleet", run, "result", edition),
                title=f"{EDITION_LABELS[edition]} assessment of a fleet of {len(r['hosts'])} hosts",
                description=f"hvaudit fleet scan of {clean(r['inventory'])}, profile {clean(r['profile'])}",
                start=start,
                end=collected,
                props=[prop("edition", edition)],
                local_definitions=ar.LocalDefinitions1(inventory_items=list(items.values()))
                if items
                else None,
                reviewed_controls=common.ReviewedControls(
                    control_selections=[
                        common.ControlSelectionsAll(include_all=common.IncludeAll())
                    ]
                ),
                observations=list(observations.values()) or None,
                findings=findings or None,
            )
        )
    model = ar.AssessmentResults(
        uuid=_uuid("fleet", run, "assessment-results"),
        metadata=_metadata(
            common, f"hvaudit fleet assessment ({clean(r['inventory'])})", collected
        ),
        import_ap=ar.ImportAp(
            href="#no-assessment-plan",
            remarks="hvaudit scans without a separate OSCAL assessment plan",
        ),
        results=results,
    )
    return str(model.oscal_serialize_json(pretty=False)) + "\n"
