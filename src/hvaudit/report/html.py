"""The HTML report: one self-contained file for auditors, readable offline and printable.

Everything is rendered on the server side and escaped (`html.escape`, quotes included): a VM named
`<img src=x onerror=alert(1)>` is text. The page makes no request of any kind: styles, script and
SVG charts are inline, and a Content-Security-Policy admits exactly that style and that script by
their sha256 (no 'unsafe-inline', nothing from anywhere else). The script only filters what is
already on the page (status, severity, function, threat, subject, search) by hiding rows; it never
builds HTML from data.
"""

from __future__ import annotations

import base64
import hashlib
from collections import defaultdict
from html import escape
from typing import Any

from hvaudit import __version__
from hvaudit.catalog import EDITION_LABELS, EDITIONS, load_catalog
from hvaudit.engine import Assessment
from hvaudit.report.grouping import Group, group_results
from hvaudit.report.json_report import BASES, report_dict
from hvaudit.textsafe import clean

__all__ = ["render_html"]

STATUSES = ("fail", "error", "manual", "pass", "not_applicable")
STATUS_LABEL = {
    "pass": "pass",
    "fail": "fail",
    "manual": "manual",
    "not_applicable": "n/a",
    "error": "error",
}
COLORS = {
    "pass": "#2e7d32",
    "fail": "#c62828",
    "manual": "#ef6c00",
    "not_applicable": "#9e9e9e",
    "error": "#6a1b9a",
}
SEVERITIES = ("critical", "high", "medium", "low", "info")
MATRIX_LIMIT = 200

CSS = """
:root{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1f;background:#fafafa}
body{margin:0 auto;max-width:1400px;padding:1rem 1.5rem}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.15rem;margin:1.6rem 0 .5rem;border-bottom:1px solid #ddd}
.meta{color:#555;font-size:.9rem}.cards{display:flex;gap:.6rem;flex-wrap:wrap;margin:.8rem 0}
.card{background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:.5rem .9rem;min-width:6rem}
.card b{display:block;font-size:1.4rem}.s-pass{color:#2e7d32}.s-fail{color:#c62828}
.s-manual{color:#ef6c00}.s-not_applicable{color:#757575}.s-error{color:#6a1b9a}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:1rem}
.charts figure{margin:0;background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:.5rem}
figcaption{font-weight:600;margin-bottom:.3rem}
table{border-collapse:collapse;width:100%;background:#fff;font-size:.85rem}
th,td{border:1px solid #e0e0e0;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#f3f3f3;position:sticky;top:0}
.matrix td{text-align:center;font-weight:700}.matrix th.subj{writing-mode:vertical-rl;white-space:nowrap}
.m-pass{background:#e8f5e9;color:#2e7d32}.m-fail{background:#ffebee;color:#c62828}
.m-manual{background:#fff3e0;color:#ef6c00}.m-error{background:#f3e5f5;color:#6a1b9a}
.m-not_applicable{color:#9e9e9e}.scroll{overflow:auto;max-height:70vh}
.filters{position:sticky;top:0;z-index:2;background:#fafafa;padding:.5rem 0;display:flex;gap:.6rem;
flex-wrap:wrap;align-items:center;border-bottom:1px solid #ddd}
.filters label{font-size:.85rem}.finding{background:#fff;border:1px solid #e0e0e0;
border-left:5px solid #c62828;border-radius:4px;padding:.5rem .8rem;margin:.5rem 0}
.finding.critical{border-left-color:#7f0000}.finding.medium{border-left-color:#ef6c00}
.finding.low,.finding.info{border-left-color:#0277bd}.finding h3{font-size:.95rem;margin:0 0 .3rem}
.small{font-size:.8rem;color:#555}code{font-size:.8rem;word-break:break-all}
.waived{opacity:.7}[hidden]{display:none!important}
@media print{.filters{display:none}.scroll{max-height:none;overflow:visible}body{max-width:none}}
"""

JS = """
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("[data-filterable]"));
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[name=status]"));
  var sev = document.getElementById("f-severity"), fn = document.getElementById("f-function");
  var th = document.getElementById("f-threat"), subj = document.getElementById("f-subject");
  var q = document.getElementById("f-search"), shown = document.getElementById("f-count");
  function apply() {
    var statuses = {}, n = 0, needle = q.value.trim().toLowerCase();
    boxes.forEach(function (b) { statuses[b.value] = b.checked; });
    rows.forEach(function (r) {
      var d = r.dataset;
      var ok = statuses[d.status] &&
        (!sev.value || d.severity === sev.value) &&
        (!fn.value || (" " + d.function + " ").indexOf(" " + fn.value + " ") >= 0) &&
        (!th.value || (" " + d.threats + " ").indexOf(" " + th.value + " ") >= 0) &&
        (!subj.value || d.subject === subj.value ||
          (d.subjects !== undefined && d.subjects.split("\\n").indexOf(subj.value) >= 0)) &&
        (!needle || r.textContent.toLowerCase().indexOf(needle) >= 0);
      r.hidden = !ok;
      if (ok && r.tagName === "TR") { n += 1; }
    });
    shown.textContent = String(n);
  }
  [sev, fn, th, subj].forEach(function (el) { el.addEventListener("change", apply); });
  boxes.forEach(function (b) { b.addEventListener("change", apply); });
  q.addEventListener("input", apply);
  var edition = document.getElementById("f-edition");
  edition.addEventListener("change", function () {
    document.querySelectorAll("[data-edition]").forEach(function (t) {
      t.hidden = t.dataset.edition !== edition.value;
    });
  });
  apply();
}());
"""


def _e(text: object) -> str:
    # control and bidirectional characters shown as escapes: a right-to-left override in a VM
    # name would otherwise reorder what the browser shows
    return escape(clean(str(text), multiline=True), quote=True)


def _csp_hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def _label(s: dict[str, Any]) -> str:
    host = f" on {s['host']}" if s.get("host") and s["type"] != "host" else ""
    return f"{s['type']} {s['name']}{host}"


def _bar_chart(title: str, rows: list[tuple[str, dict[str, int]]]) -> str:
    """A stacked horizontal bar per row, as inline SVG (no script, no external font)."""
    width, label_w, bar_h, gap = 640, 300, 16, 6
    height = len(rows) * (bar_h + gap) + 30
    out = [
        f"<figure><figcaption>{_e(title)}</figcaption>"
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{_e(title)}" '
        f'viewBox="0 0 {width} {height}" width="100%">'
    ]
    for i, (label, counts) in enumerate(rows):
        y = i * (bar_h + gap)
        total = sum(counts.values()) or 1
        out.append(f'<text x="0" y="{y + bar_h - 4}" font-size="11">{_e(label[:48])}</text>')
        x = float(label_w)
        for status in ("pass", "fail", "manual", "not_applicable", "error"):
            n = counts.get(status, 0)
            if not n:
                continue
            w = (width - label_w - 10) * n / total
            out.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                f'fill="{COLORS[status]}"><title>{_e(label)}: {n} {STATUS_LABEL[status]}</title></rect>'
            )
            if w > 18:
                out.append(
                    f'<text x="{x + 3:.1f}" y="{y + bar_h - 4}" font-size="10" fill="#fff">{n}</text>'
                )
            x += w
    legend_y = len(rows) * (bar_h + gap) + 14
    for j, status in enumerate(("pass", "fail", "manual", "not_applicable", "error")):
        lx = label_w + j * 66
        out.append(
            f'<rect x="{lx}" y="{legend_y - 9}" width="10" height="10" fill="{COLORS[status]}"/>'
            f'<text x="{lx + 13}" y="{legend_y}" font-size="10">{STATUS_LABEL[status]}</text>'
        )
    out.append("</svg></figure>")
    return "".join(out)


def _functions(r: dict[str, Any]) -> str:
    """The data-function value: every baseline function of the result in any edition, or none."""
    fs = dict.fromkeys(f for e in EDITIONS for f in r["baseline_functions"][e])
    return " ".join(fs) or "none"


def _threats(r: dict[str, Any]) -> str:
    return " ".join(dict.fromkeys(t for e in EDITIONS for t in r["threats"][e]))


def _mapping_line(r: dict[str, Any]) -> str:
    """`SP 800-125A Rev. 1: HY-SR-3 (HY-BF1; HYP-T3)` per edition, interpretations marked *."""
    parts = []
    for e in EDITIONS:
        if not r["recommendations"][e]:
            continue
        recs = ", ".join(
            rid + ("*" if rid in r["interpretations"][e] else "") for rid in r["recommendations"][e]
        )
        fns = ", ".join(r["baseline_functions"][e]) or "no function"
        parts.append(f"{EDITION_LABELS[e]}: {recs} ({fns}; {', '.join(r['threats'][e])})")
    return " · ".join(parts)


def _interpretation_notes(r: dict[str, Any]) -> str:
    notes = [
        f"* {rid} ({EDITION_LABELS[e]}): {why}"
        for e in EDITIONS
        for rid, why in r["interpretations"][e].items()
    ]
    return "".join(f'<p class="small interp">{_e(n)}</p>' for n in notes)


def _evidence_html(r: dict[str, Any]) -> str:
    return "<br>".join(
        f"<code>{_e(x['artefact'])}{(': ' + _e(x['locator'])) if x['locator'] else ''}</code>"
        + (" (default)" if x["default"] else "")
        + (f' <span class="small">sha256 {_e(x["sha256"][:16])}…</span>' if x["sha256"] else "")
        for x in r["evidence"]
    )


def _worst(statuses: list[str]) -> str:
    for s in STATUSES:
        if s in statuses:
            return s
    return "not_applicable"


def _finding_card(r: dict[str, Any]) -> str:
    waiver = ""
    if r["waived"]:
        w = r["waiver"]
        waiver = (
            f'<p class="small"><b>Waived</b> ({_e(w["id"])}): {_e(w["reason"])}; owner '
            f"{_e(w['owner'])}, expires {_e(w['expires'])}</p>"
        )
    ev = _evidence_html(r)
    return (
        f'<article class="finding {r["severity"]}{" waived" if r["waived"] else ""}" data-filterable '
        f'data-status="fail" data-severity="{r["severity"]}" data-function="{_functions(r)}" '
        f'data-threats="{_e(_threats(r))}" data-subject="{_e(_label(r["subject"]))}">'
        f"<h3>[{r['severity'].upper()}] {_e(r['check_id'])} {_e(r['title'])}: {_e(_label(r['subject']))}</h3>"
        f'<p>{_e(r["message"])}</p>{waiver}<p class="small">{_e(_mapping_line(r))}</p>'
        f"{_interpretation_notes(r)}"
        f'<p class="small">Evidence: {ev or "none"}</p><p><b>Fix:</b> {_e(r["remediation"])}</p></article>'
    )


def _group_card(g: Group, rows: list[dict[str, Any]]) -> str:
    """One card for a check that fails on many subjects, the subjects listed in a details block."""
    first = rows[0]
    waiver = ' <span class="small">(waived)</span>' if g.waived else ""
    shared = g.message
    items = "".join(
        f"<li>{_e(_label(r['subject']))}"
        + ("" if shared is not None else f": {_e(r['message'])}")
        + "</li>"
        for r in rows
    )
    subjects = "\n".join(dict.fromkeys(_label(r["subject"]) for r in rows))
    return (
        f'<article class="finding group {first["severity"]}{" waived" if g.waived else ""}" data-filterable '
        f'data-status="fail" data-severity="{first["severity"]}" data-function="{_functions(first)}" '
        f'data-threats="{_e(_threats(first))}" data-subject="" data-subjects="{_e(subjects)}">'
        f"<h3>[{first['severity'].upper()}] {_e(g.headline)}: {_e(first['title'])}{waiver}</h3>"
        + (f"<p>{_e(shared)}</p>" if shared is not None else "")
        + f"<details><summary>{len(g.subjects)} subjects</summary><ul>{items}</ul></details>"
        f'<p class="small">{_e(_mapping_line(first))}</p>{_interpretation_notes(first)}'
        f"<p><b>Fix:</b> {_e(first['remediation'])}</p></article>"
    )


def render_html(a: Assessment) -> str:
    """The whole report as one HTML document."""
    cat = load_catalog()
    data = report_dict(a)
    results = data["results"]
    summary = data["summary"]
    counts = summary["by_status"]

    subjects: dict[str, dict[str, Any]] = {}
    for r in results:
        subjects.setdefault(_label(r["subject"]), r["subject"])
    order = {"host": 0, "network": 1, "pool": 2, "secret": 3, "vm": 4}
    subject_labels = sorted(subjects, key=lambda k: (order.get(subjects[k]["type"], 9), k))

    body: list[str] = []
    add = body.append
    add(
        f'<header><h1>hvaudit: NIST SP 800-125A / 800-125B assessment</h1><p class="meta">'
        f"Target <code>{_e(data['target'])}</code> · profile {_e(data['profile'])} · scanned "
        f"{_e(data['scanned_at'])} · evidence collected {_e(data['collected_at'])} · hvaudit {_e(__version__)}</p>"
    )
    for h in data["hosts"]:
        kind = "simulated host" if h["simulated"] else "host"
        add(
            f'<p class="meta">{kind} <b>{_e(h["name"])}</b>: {_e(h["hypervisor"])} (libvirt '
            f"{_e(h['hypervisor_version'])}), {h['cores']} cores, {h['memory_kib'] / 1048576:.1f} GiB, "
            f"{h['vms']} VM(s)</p>"
        )
    add('</header><section id="posture"><h2>Posture</h2><div class="cards">')
    for s in ("pass", "fail", "manual", "not_applicable", "error"):
        add(f'<div class="card s-{s}"><b>{counts[s]}</b>{STATUS_LABEL[s]}</div>')
    waived = sum(1 for r in results if r["waived"])
    add(f'<div class="card"><b>{waived}</b>waived</div></div><div class="charts">')
    for e in EDITIONS:
        by_fn = summary["by_function"][e]
        rows = [
            (f"{f.id} {f.name}", by_fn[f.id]) for f in cat.functions if sum(by_fn[f.id].values())
        ]
        if sum(by_fn["none"].values()):
            rows.append(("no baseline function", by_fn["none"]))
        if rows:
            add(_bar_chart(f"By baseline function: {EDITION_LABELS[e]}", rows))
    add(
        _bar_chart(
            "By threat",
            [
                (f"{t.id} {t.title}", summary["by_threat"][t.id])
                for t in cat.threats
                if sum(summary["by_threat"][t.id].values())
            ],
        )
    )
    add("</div></section>")

    fn_ids = [f.id for f in cat.functions]
    add('<nav class="filters" aria-label="filters"><span>Show:</span>')
    for s in STATUSES:
        add(
            f'<label><input type="checkbox" name="status" value="{s}" checked> {STATUS_LABEL[s]}</label>'
        )
    add(
        '<label>severity <select id="f-severity"><option value="">any</option>'
        + "".join(f'<option value="{s}">{s}</option>' for s in SEVERITIES)
        + "</select></label>"
    )
    add(
        '<label>function <select id="f-function"><option value="">any</option>'
        + "".join(f'<option value="{f}">{f}</option>' for f in fn_ids)
        + '<option value="none">none</option></select></label>'
    )
    add(
        '<label>threat <select id="f-threat"><option value="">any</option>'
        + "".join(f'<option value="{_e(t.id)}">{_e(t.id)}</option>' for t in cat.threats)
        + "</select></label>"
    )
    add(
        '<label>subject <select id="f-subject"><option value="">any</option>'
        + "".join(f'<option value="{_e(s)}">{_e(s)}</option>' for s in subject_labels)
        + "</select></label>"
    )
    add(
        '<label>search <input id="f-search" type="search" placeholder="text in a result"></label>'
        '<span class="small"><span id="f-count"></span> results shown</span></nav>'
    )

    fail_results = sorted(
        (r for r in a.results if r.status.value == "fail"),
        key=lambda r: (r.waived is not None, -r.severity.rank, r.check.id),
    )
    row_of = {id(r): d for r, d in zip(a.results, results, strict=True)}
    fails = [row_of[id(r)] for r in fail_results]
    add(f'<section id="failures"><h2>Failures ({len(fails)})</h2>')
    for item in group_results(fail_results, within=a.results):
        if isinstance(item, Group):
            members = [row_of[id(r)] for r in item.results]
            add(_group_card(item, members))
        else:
            add(_finding_card(row_of[id(item)]))
    if not fails:
        add("<p>None.</p>")
    add("</section>")

    add(
        '<section id="matrix"><h2>Recommendations by subject</h2><label>edition <select id="f-edition">'
        + "".join(
            f'<option value="{e}"{" selected" if e == EDITIONS[0] else ""}>{_e(EDITION_LABELS[e])}</option>'
            for e in EDITIONS
        )
        + "</select></label>"
    )
    add(
        '<p class="small">* the mapping of a check to that recommendation rests on hvaudit\'s '
        "interpretation, not on the recommendation's text (the finding says why).</p>"
    )
    shown_subjects = subject_labels[:MATRIX_LIMIT]
    if len(subject_labels) > MATRIX_LIMIT:
        add(
            f'<p class="small">The first {MATRIX_LIMIT} of {len(subject_labels)} subjects; the results table '
            "below has all of them.</p>"
        )
    for e in EDITIONS:
        cells: dict[tuple[str, str], list[str]] = defaultdict(list)
        interpreted: set[tuple[str, str]] = set()
        for r in results:
            for rid in r["recommendations"][e]:
                cells[(rid, _label(r["subject"]))].append(r["status"])
                if rid in r["interpretations"][e]:
                    interpreted.add((rid, _label(r["subject"])))
        hidden = "" if e == EDITIONS[0] else " hidden"
        add(
            f'<div class="scroll" data-edition="{e}"{hidden}><table class="matrix"><thead><tr><th>{_e(EDITION_LABELS[e])}</th>'
            + "".join(f'<th class="subj">{_e(s)}</th>' for s in shown_subjects)
            + "</tr></thead><tbody>"
        )
        symbol = {"pass": "✓", "fail": "✗", "manual": "?", "not_applicable": "\u2013", "error": "!"}
        for rec in cat.editions[e].recommendations:
            row = [f"<th>{_e(rec.id)} {_e(rec.title)}</th>"]
            for s in shown_subjects:
                st = cells.get((rec.id, s))
                if not st:
                    row.append("<td></td>")
                    continue
                w = _worst(st)
                star, why = "", ""
                if (rec.id, s) in interpreted:
                    star, why = "*", " (mapping rests on hvaudit's interpretation)"
                row.append(
                    f'<td class="m-{w}" title="{_e(rec.id)} / {_e(s)}: {STATUS_LABEL[w]}{why}">'
                    f"{symbol[w]}{star}</td>"
                )
            add("<tr>" + "".join(row) + "</tr>")
        add("</tbody></table></div>")
    add("</section>")

    add(
        '<section id="results"><h2>All results</h2><div class="scroll"><table><thead><tr><th>status</th>'
        "<th>severity</th><th>check</th><th>subject</th><th>message</th><th>recommendations</th>"
        "<th>function</th><th>threats</th><th>basis</th></tr></thead><tbody>"
    )
    for r in results:
        recs = "; ".join(
            f"{e.split('-')[-1]}: "
            + ", ".join(
                rid + ("*" if rid in r["interpretations"][e] else "")
                for rid in r["recommendations"][e]
            )
            for e in EDITIONS
            if r["recommendations"][e]
        )
        fns = "; ".join(
            f"{e.split('-')[-1]}: {', '.join(r['baseline_functions'][e]) or 'none'}"
            for e in EDITIONS
            if r["recommendations"][e]
        )
        status = r["status"]
        flag = " (waived)" if r["waived"] else ""
        question = f"<br><i>{_e(r['question'])}</i>" if r.get("question") else ""
        add(
            f'<tr data-filterable data-status="{status}" data-severity="{r["severity"]}" '
            f'data-function="{_functions(r)}" data-threats="{_e(_threats(r))}" '
            f'data-subject="{_e(_label(r["subject"]))}"><td class="s-{status}">{STATUS_LABEL[status]}{flag}</td>'
            f"<td>{r['severity']}</td><td>{_e(r['check_id'])} {_e(r['title'])}</td>"
            f"<td>{_e(_label(r['subject']))}</td><td>{_e(r['message'])}{question}</td><td>{_e(recs)}</td>"
            f"<td>{_e(fns)}</td><td>{_e(_threats(r))}</td>"
            f"<td>{_e(r['basis'])}</td></tr>"
        )
    add("</tbody></table></div></section>")

    add(
        '<section id="sufficiency"><h2>Evidence sufficiency</h2><p class="small">How each '
        "recommendation's results were reached: evaluated automatically, answered by an attestation, "
        "still manual, not applicable, or in error.</p>"
    )
    for e in EDITIONS:
        add(
            f"<h3>{_e(EDITION_LABELS[e])}</h3><table><thead><tr><th>recommendation</th>"
            + "".join(f"<th>{b.replace('_', ' ')}</th>" for b in BASES)
            + "</tr></thead><tbody>"
        )
        for rec in cat.editions[e].recommendations:
            row = summary["sufficiency"][e][rec.id]
            add(
                f"<tr><td>{_e(rec.id)} {_e(rec.title)}</td>"
                + "".join(f"<td>{row[b]}</td>" for b in BASES)
                + "</tr>"
            )
        add("</tbody></table>")
    add("</section>")
    if data["waivers"] or data["attestations"]:
        add(
            '<section id="waivers"><h2>Waivers and attestations</h2><table><thead><tr><th>id</th><th>kind</th>'
            "<th>state</th><th>results</th><th>owner / attested by</th><th>until</th></tr></thead><tbody>"
        )
        for w in data["waivers"]:
            add(
                f"<tr><td>{_e(w['id'])}</td><td>waiver</td><td>{_e(w['state'])}</td><td>{_e(w['matched'])}</td>"
                f"<td>{_e(w['owner'])}</td><td>{_e(w['expires'])}</td></tr>"
            )
        for t in data["attestations"]:
            add(
                f"<tr><td>{_e(t['id'])}</td><td>attestation</td><td>{_e(t['state'])}</td><td>{_e(t['matched'])}</td>"
                f"<td>{_e(t['attested_by'])}</td><td>{_e(t['valid_until'])}</td></tr>"
            )
        add("</tbody></table></section>")
    if data["notes"]:
        add(
            '<section id="notes"><h2>Notes</h2><ul>'
            + "".join(f"<li>{_e(n)}</li>" for n in data["notes"])
            + "</ul></section>"
        )
    add(
        f'<footer class="small"><p>{len(results)} results · NIST SP 800-125A (2014 draft, Rev. 1) and '
        "SP 800-125B ids; the crosswalk between editions is hvaudit's inference, not NIST's.</p></footer>"
    )

    csp = (
        f"default-src 'none'; style-src '{_csp_hash(CSS)}'; script-src '{_csp_hash(JS)}'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    title = f"hvaudit report: {data['target']}"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
        + "".join(body)
        + f"<script>{JS}</script></body></html>\n"
    )
