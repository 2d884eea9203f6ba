"""The terminal report, laid out with Rich to the terminal's width: a scorecard naming every host,
VM, network and pool (clean ones too), the failures grouped by check ("HVA-070 fails on 212 of 214
VMs", with the list), the questions a person must answer, posture by baseline function, threat and
recommendation of every edition (every row, zeros included), and evidence sufficiency for every
edition. Nothing is cut: long text wraps, and a word longer than a line is folded.

A VM name may carry terminal escape sequences, newlines or bidirectional overrides meant for the
auditor's screen. Every value from a scanned host goes through `textsafe.clean()` (one line: a
newline in it cannot forge a report line) before it is laid out, so wrapping measures what will be
printed; it reaches Rich as `Text`, never as markup, so `[bold]` in a VM name is printed as it is.
At the output boundary every line is checked again: one that is not clean is cleaned whole (its
styles dropped), so nothing raw reaches the terminal even from a value a call site missed.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.console import Console
from rich.text import Text

from hvaudit import __version__
from hvaudit.catalog import EDITION_LABELS, EDITIONS, load_catalog
from hvaudit.checks import all_checks
from hvaudit.checks.base import CheckMeta, Severity, Status, Subject
from hvaudit.engine import Assessment, Result
from hvaudit.report import DEFAULT_WIDTH, MIN_WIDTH
from hvaudit.report.grouping import plural
from hvaudit.report.json_report import BASES, sufficiency
from hvaudit.textsafe import clean, is_clean

__all__ = ["DEFAULT_WIDTH", "clean", "render_terminal"]


COLUMNS = (Status.PASS, Status.FAIL, Status.MANUAL, Status.NOT_APPLICABLE, Status.ERROR)
HEAD = {
    "pass": "pass",
    "fail": "fail",
    "manual": "manual",
    "not_applicable": "n/a",
    "error": "error",
}
BASIS_HEAD = {
    "automatic": "automatic",
    "attested": "attested",
    "manual": "manual",
    "not_applicable": "n/a",
    "error": "error",
}
SEV_STYLE = {
    "critical": "bold red",
    "high": "red",
    "medium": "yellow",
    "low": "cyan",
    "info": "dim",
}
STATUS_STYLE = {
    "pass": "green",
    "fail": "red",
    "manual": "yellow",
    "not_applicable": "dim",
    "error": "bold magenta",
}
SHORT_EDITION = {"sp800-125a-2014": "2014", "sp800-125a-r1": "Rev.1", "sp800-125b": "125B"}
_PLURAL = {"vm": "VMs", "host": "hosts", "network": "networks", "pool": "pools"}
_TYPE_ORDER = {"host": 0, "network": 1, "pool": 2, "vm": 3}
#: A check whose results on at least this many subjects share one message is told once, with the
#: subjects listed under it; below it (or with differing messages) each subject has its line.
GROUP_AT = 3


def check_functions(meta: CheckMeta) -> tuple[str | None, ...]:
    """The baseline functions a check's results count under, in any edition (None: none)."""
    return meta.all_functions or (None,)


def check_threats(meta: CheckMeta) -> tuple[str, ...]:
    """The threats a check's results count under, in any edition."""
    return meta.all_threats


def _recs(meta: CheckMeta) -> str:
    parts = []
    for e in EDITIONS:
        ids = meta.recommendations.get(e, ())
        if ids:
            parts.append(f"{SHORT_EDITION[e]} {', '.join(ids)}")
    return " | ".join(parts)


@dataclass(frozen=True, slots=True)
class _Options:
    color: bool
    fail_on: Severity
    summary: bool
    only_reported: bool


Cell = tuple[str, str]
"""A table cell: its text and its Rich style ("" for none)."""
Row = tuple[Text, list[Cell]]


class _Report:
    """The report's lines as Rich `Text`, wrapped to the width as they are added; rendered once.

    Rich's `Table` measures every cell of every row (about 2.5 ms a row on the development
    machine: 12 s for the scorecard of 5,000 VMs, several times the scan), so count tables are
    laid out by `grid`: the few count columns are measured once, and only a label longer than its
    column is wrapped, by Rich. Styles and colours are Rich's; without colour the lines are their
    plain text.
    """

    def __init__(self, width: int, color: bool) -> None:
        self.width = width
        self.color = color
        self.lines: list[Text] = []
        self.buffer = io.StringIO()
        self.console = Console(
            file=self.buffer,
            width=width,
            force_terminal=color,
            color_system="standard" if color else None,
            no_color=not color,
            highlight=False,
            markup=False,
            emoji=False,
            legacy_windows=False,
            force_jupyter=False,
            force_interactive=False,
            _environ={},
        )

    def _wrap(self, body: Text, room: int) -> list[Text]:
        """`body` in lines of at most `room` cells: words wrap, a longer word is folded."""
        body.expand_tabs()
        if body.cell_len <= room and "\n" not in body.plain:
            return [body]
        return list(body.wrap(self.console, max(room, 1), overflow="fold"))

    def line(self, *parts: str | tuple[str, str] | Text, indent: int = 0) -> None:
        """One paragraph wrapped to the width, every line of it indented by `indent`."""
        body = Text()
        for p in parts:
            if isinstance(p, Text):
                body.append_text(p)
            elif isinstance(p, tuple):
                body.append(p[0], style=p[1])
            else:
                body.append(p)
        pad = " " * indent
        for ln in self._wrap(body, max(self.width - indent, 10)):
            self.lines.append(Text(pad) + ln if indent else ln)

    def blank(self) -> None:
        self.lines.append(Text())

    def heading(self, title: str) -> None:
        self.blank()
        self.line((title, "bold"))

    def grid(self, head: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
        """A table: a label column that wraps, then right-aligned columns (counts, a verdict)."""
        widths = [max([len(c), *(len(r[1][i][0]) for r in rows)]) for i, c in enumerate(columns)]
        others = sum(w + 2 for w in widths)
        longest = max([len(head), *(r[0].cell_len for r in rows)])
        label_w = max(min(longest, self.width - others), 12)
        header = head.ljust(label_w) + "".join(
            "  " + c.rjust(w) for c, w in zip(columns, widths, strict=True)
        )
        self.lines.append(Text(header, style="bold"))
        self.lines.append(Text("─" * (label_w + others), style="dim"))
        for label, cells in rows:
            parts = self._wrap(label.copy(), label_w)
            first = parts[0]
            first.pad_right(label_w - first.cell_len)
            at = len(first.plain)
            first.append("".join(c.rjust(w + 2) for (c, _), w in zip(cells, widths, strict=True)))
            for (c, style), w in zip(cells, widths, strict=True):
                at += w + 2
                if style:
                    first.stylize(style, at - len(c), at)
            self.lines.append(first)
            self.lines.extend(parts[1:])

    def text(self) -> str:
        """The report: plain text, or with colour rendered by Rich; every line clean."""
        lines = [ln if is_clean(ln.plain) else Text(clean(ln.plain)) for ln in self.lines]
        if not self.color:
            return "".join(ln.plain.rstrip() + "\n" for ln in lines)
        self.console.print(Text("\n").join(lines), soft_wrap=True, crop=False)
        return "".join(ln.rstrip() + "\n" for ln in self.buffer.getvalue().splitlines())


def _counts(results: Iterable[Result]) -> Counter[str]:
    return Counter(r.outcome.status for r in results)


def _count_cells(counts: Counter[str]) -> list[Cell]:
    cells = []
    for s in COLUMNS:
        n = counts.get(s, 0)
        cells.append((str(n), STATUS_STYLE[s] if n and s in (Status.FAIL, Status.ERROR) else ""))
    return cells


def _posture(rep: _Report, a: Assessment) -> None:
    cat = load_catalog()
    heads = list(HEAD.values())
    by_fn: dict[str | None, Counter[str]] = defaultdict(Counter)
    by_threat: dict[str, Counter[str]] = defaultdict(Counter)
    by_rec: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    per_check: dict[str, Counter[str]] = defaultdict(Counter)
    metas: dict[str, CheckMeta] = {}
    for r in a.results:
        per_check[r.check.id][r.outcome.status] += 1
        metas.setdefault(r.check.id, r.check)
    for cid, counts in per_check.items():  # once per check, not per result
        meta = metas[cid]
        for f in check_functions(meta):
            by_fn[f].update(counts)
        for tid in check_threats(meta):
            by_threat[tid].update(counts)
        for e in EDITIONS:
            for rid in meta.recommendations.get(e, ()):
                by_rec[(e, rid)].update(counts)

    rep.heading("By baseline function")
    rows = [(Text(f"{fn.id} {fn.name}"), _count_cells(by_fn[fn.id])) for fn in cat.functions]
    rows.append((Text("platform-wide (no function)"), _count_cells(by_fn[None])))
    rep.grid("function", heads, rows)

    rep.heading("By threat")
    rows = []
    for th in cat.threats:
        mark = " (hvaudit)" if th.origin == "hvaudit" else ""
        rows.append((Text(f"{th.id} {th.title}{mark}"), _count_cells(by_threat[th.id])))
    rep.grid("threat", heads, rows)

    covered = {
        (e, rid) for c in all_checks() for e in EDITIONS for rid in c.meta.recommendations[e]
    }
    for edition in EDITIONS:
        rep.heading(EDITION_LABELS[edition])
        rows = []
        for rec in cat.editions[edition].recommendations:
            counts = by_rec[(edition, rec.id)]
            label = Text(f"{rec.id} {rec.title}")
            if (edition, rec.id) not in covered:
                label.append(" (no check)", style="dim")
            rows.append((label, _count_cells(counts)))
        rep.grid("recommendation", heads, rows)


def _subject_order(a: Assessment) -> list[Subject]:
    """Every subject of the deployment (clean ones too) and of the results, host by host."""
    dep = a.deployment
    seen: dict[tuple[str, str, str], Subject] = {}

    def add(s: Subject) -> None:
        seen.setdefault((s.type, s.host or "", s.name), s)

    for h in dep.hosts:
        add(Subject("host", h.name))
    for n in dep.networks:
        add(Subject("network", n.name, n.host))
    for p in dep.pools:
        add(Subject("pool", p.name, p.host))
    for v in dep.vms:
        add(Subject("vm", v.name, v.host, v.uuid))
    for r in a.results:
        if r.outcome.subject.name != "(all)":
            add(r.outcome.subject)
    hosts = {h.name: i for i, h in enumerate(dep.hosts)}

    def key(s: Subject) -> tuple[int, str, int, str]:
        host = s.name if s.type == "host" else (s.host or "")
        kind = 0 if s.type == "host" else 1 + _TYPE_ORDER.get(s.type, 9)
        return (hosts.get(host, len(hosts)), host, kind, s.name)

    return sorted(seen.values(), key=key)


def _verdict(rs: Sequence[Result]) -> Cell:
    """The worst of a subject's results: the highest failing severity, error, to answer, clean."""
    fails = [r for r in rs if r.outcome.status is Status.FAIL and r.waived is None]
    if fails:
        worst = max(fails, key=lambda r: r.severity.rank).severity.value
        return (worst, SEV_STYLE[worst])
    statuses = {r.outcome.status for r in rs}
    if Status.ERROR in statuses:
        return ("error", STATUS_STYLE["error"])
    if Status.MANUAL in statuses:
        return ("to answer", STATUS_STYLE["manual"])
    if rs:
        return ("clean", STATUS_STYLE["pass"])
    return ("no check", "dim")


def _scorecard(rep: _Report, a: Assessment, opts: _Options) -> None:
    """Every subject, host by host, with its counts and verdict (`--summary`: the hosts, with
    how many of their VMs fail)."""
    by_subject: dict[tuple[str, str, str], list[Result]] = defaultdict(list)
    for r in a.results:
        s = r.outcome.subject
        by_subject[(s.type, s.host or "", s.name)].append(r)
    hosts = {h.name for h in a.deployment.hosts}
    subjects = _subject_order(a)
    if opts.only_reported:
        subjects = [s for s in subjects if (s.type, s.host or "", s.name) in by_subject]
    if opts.summary:
        subjects = [s for s in subjects if s.type == "host"]
    rep.heading(
        f"Scorecard: {len(subjects)} host(s)"
        if opts.summary
        else f"Scorecard: {len(subjects)} subject(s), clean ones included"
    )
    rows: list[Row] = []
    vms_failing: dict[str, set[str]] = defaultdict(set)
    vms_total: Counter[str] = Counter(v.host for v in a.deployment.vms)
    for r in a.results:
        s = r.outcome.subject
        if s.type == "vm" and r.outcome.status is Status.FAIL and r.waived is None:
            vms_failing[s.host or ""].add(s.name)
    for s in subjects:
        rs = by_subject.get((s.type, s.host or "", s.name), [])
        if s.type == "host":
            label = Text(f"host {clean(s.name)}", style="bold")
        else:
            label = Text(f"  {s.type} {clean(s.name)}")
            if s.host and s.host not in hosts:
                label.append(f" on {clean(s.host)}")
        verdict, style = _verdict(rs)
        if opts.summary and vms_total.get(s.name):
            failing = len(vms_failing.get(s.name, ()))
            verdict += f", VMs failing {failing} of {vms_total[s.name]}"
        rows.append((label, [*_count_cells(_counts(rs)), (verdict, style)]))
    rep.grid("subject", [*HEAD.values(), "verdict"], rows)


def _group_by_check(results: Sequence[Result]) -> list[tuple[CheckMeta, list[Result]]]:
    """Results per check, the worst severity first, then by check id."""
    by_check: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by_check[r.check.id].append(r)
    groups = [(rs[0].check, rs) for rs in by_check.values()]
    groups.sort(key=lambda g: (-max(r.severity.rank for r in g[1]), g[0].id))
    return groups


def _headline(meta: CheckMeta, verb: str, rs: Sequence[Result], of: Counter[str]) -> str:
    """`HVA-070 fails on 212 of 214 VMs` (per subject type, in type order)."""
    here = Counter(r.outcome.subject.type for r in rs)
    parts = [
        f"{n} of {plural(t, max(of.get(t, 0), n))}"
        for t, n in sorted(here.items(), key=lambda kv: (_TYPE_ORDER.get(kv[0], 9), kv[0]))
    ]
    return f"{meta.id} {verb} {' and '.join(parts)}"


def _of(a: Assessment) -> dict[str, Counter[str]]:
    """check id -> how many subjects of each type it reported on (any status)."""
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for r in a.results:
        if r.outcome.subject.name != "(all)":
            out[r.check.id][r.outcome.subject.type] += 1
    return out


def _subject_list(rs: Sequence[Result]) -> list[str]:
    """`VMs on hv1: a, b, c`, per subject type and host."""
    by: dict[tuple[int, str, str], list[str]] = defaultdict(list)
    for r in rs:
        s = r.outcome.subject
        host = s.host if s.type != "host" and s.host else ""
        by[(_TYPE_ORDER.get(s.type, 9), s.type, host)].append(clean(s.name))
    out = []
    for (_, kind, host), names in sorted(by.items()):
        where = f" on {clean(host)}" if host else ""
        out.append(f"{_PLURAL.get(kind, kind + 's')}{where}: {', '.join(names)}")
    return out


def _subject_lines(rep: _Report, rs: Sequence[Result], *, evidence: bool) -> None:
    """Each subject with its message; many subjects sharing one message say it once."""
    shared = {r.outcome.message for r in rs}
    if len(rs) >= GROUP_AT and len(shared) == 1:
        for line in _subject_list(rs):
            rep.line(line, indent=6)
        rep.line(clean(next(iter(shared))), indent=6)
        return
    for r in rs:
        rep.line((clean(r.outcome.subject.label), "bold"), ": ", clean(r.outcome.message), indent=6)
        if evidence and len(rs) < GROUP_AT and r.outcome.evidence:
            shown = "; ".join(clean(e.describe()) for e in dict.fromkeys(r.outcome.evidence[:3]))
            rep.line((f"evidence: {shown}", "dim"), indent=8)


def _failures(rep: _Report, a: Assessment, opts: _Options, of: dict[str, Counter[str]]) -> None:
    fails = [r for r in a.results if r.outcome.status is Status.FAIL and r.waived is None]
    groups = _group_by_check(fails)
    rep.heading(f"Failures: {len(fails)} result(s) of {len(groups)} check(s)")
    if not fails:
        rep.line("none", indent=2)
    for meta, rs in groups:
        sev = rs[0].severity
        gate = "" if sev.rank >= opts.fail_on.rank else " (below --fail-on)"
        rep.line(
            (f"[{sev.value.upper()}]", SEV_STYLE[sev.value]),
            " ",
            (_headline(meta, "fails on", rs, of[meta.id]), "bold"),
            ": ",
            meta.title,
            (gate, "dim"),
            indent=2,
        )
        if opts.summary:
            continue
        _subject_lines(rep, rs, evidence=True)
        rep.line((_recs(meta), "dim"), indent=6)
        rep.line("fix: ", meta.remediation, indent=6)


def _waived(rep: _Report, a: Assessment) -> None:
    waived = [r for r in a.results if r.waived is not None]
    if not (waived or a.waivers):
        return
    rep.heading(f"Waived ({len(waived)}): accepted risks, not counted in the exit code")
    for r in waived:
        assert r.waived is not None
        rep.line(
            f"{r.check.id} {clean(r.outcome.subject.label)} [{r.status.value}]: "
            f"{clean(r.waived.reason)} (owner {clean(r.waived.owner)}, expires {r.waived.expires})",
            indent=2,
        )
    for w in a.waivers:
        if w["state"] != "active":
            rep.line(
                (f"waiver {clean(w['id'])} is {w['state']} ({clean(w['reason'])})", "yellow"),
                indent=2,
            )


def _manual(rep: _Report, a: Assessment, opts: _Options, of: dict[str, Counter[str]]) -> None:
    manual = [r for r in a.results if r.outcome.status is Status.MANUAL]
    groups = sorted(_group_by_check(manual), key=lambda g: g[0].id)
    rep.heading(f"Manual items: {len(manual)} result(s) of {len(groups)} check(s) to answer")
    if not manual:
        rep.line("none", indent=2)
    for meta, rs in groups:
        rep.line(
            (_headline(meta, "needs an answer on", rs, of[meta.id]), "bold"),
            ": ",
            meta.title,
            (f" [{_recs(meta)}]", "dim"),
            indent=2,
        )
        if opts.summary:
            continue
        # subjects asked different questions (each VM's own threshold) keep their own
        by_question: dict[str, list[Result]] = {}
        for r in rs:
            by_question.setdefault(r.outcome.question or meta.question or "", []).append(r)
        for question, asked in by_question.items():
            rep.line("? ", clean(question), indent=4)
            _subject_lines(rep, asked, evidence=False)


def _sufficiency(rep: _Report, a: Assessment) -> None:
    cat = load_catalog()
    suff = sufficiency(a)
    for edition in EDITIONS:
        rep.heading(f"Evidence sufficiency, {EDITION_LABELS[edition]}")
        rows: list[Row] = []
        for rec in cat.editions[edition].recommendations:
            row = suff[edition][rec.id]
            cells = [
                (str(row[b]), STATUS_STYLE["error"] if b == "error" and row[b] else "")
                for b in BASES
            ]
            rows.append((Text(f"{rec.id} {rec.title}"), cells))
        rep.grid("recommendation", list(BASIS_HEAD.values()), rows)


def _header(rep: _Report, a: Assessment, fail_on: Severity) -> None:
    dep = a.deployment
    rep.line((f"hvaudit {__version__}: NIST SP 800-125A / 800-125B assessment", "bold"))
    rep.line(f"target {clean(dep.target)}  profile {clean(a.profile.name)}  scanned {a.scanned_at}")
    for h in dep.hosts:
        kind = "simulated host" if h.simulated else "host"
        vms = sum(1 for v in dep.vms if v.host == h.name)
        version = f" (libvirt {h.hypervisor_version})" if h.hypervisor_version else ""
        rep.line(
            f"{kind} {clean(h.name)}: {clean(h.hypervisor)}{clean(version)}, {h.cores} cores, "
            f"{h.memory_kib / 1024 / 1024:.1f} GiB RAM, {vms} VM(s)"
        )
    counts = a.counts()
    gated = len(a.failures_at_or_above(fail_on))
    rep.blank()
    rep.line(
        ("Summary", "bold"),
        f"  {len(a.results)} results: ",
        ", ".join(f"{counts.get(s.value, 0)} {HEAD[s.value]}" for s in COLUMNS),
        f"; {gated} unwaived failure(s) at or above {fail_on.value}",
    )


def _errors(rep: _Report, a: Assessment) -> None:
    """The results in error, one line per subject and reason with the checks it holds back: a
    cluster node that was not collected, or a VM whose definition was not read, is in error on
    every check of its scope, and 80 lines saying the same would hide the one crashed check."""
    errors = [r for r in a.results if r.outcome.status is Status.ERROR]
    if not errors:
        return
    checks: dict[tuple[str, str], list[str]] = {}
    for r in errors:
        checks.setdefault((r.outcome.subject.label, r.outcome.message), []).append(r.check.id)
    rep.heading(f"Errors ({len(errors)}): not assessed")
    for (label, message), ids in checks.items():
        if len(ids) == 1:
            rep.line(f"{ids[0]} {clean(label)}: {clean(message)}", indent=2)
        else:
            rep.line(
                f"{clean(label)}: {clean(message)}; {len(ids)} checks: {', '.join(ids)}", indent=2
            )


def render_terminal(
    a: Assessment,
    *,
    color: bool = False,
    fail_on: Severity = Severity.LOW,
    width: int = DEFAULT_WIDTH,
    summary: bool = False,
    only_reported: bool = False,
) -> str:
    """The report laid out for a terminal `width` columns wide (at least 40), with ANSI colours
    when `color`. `summary` keeps the header, the scorecard per host and one line per failing or
    manual check. `only_reported` leaves out of the scorecard the subjects without a result
    (when --check, --severity or --subject narrowed the report)."""
    opts = _Options(color, fail_on, summary, only_reported)
    rep = _Report(max(width, MIN_WIDTH), color)
    of = _of(a)
    _header(rep, a, fail_on)
    _scorecard(rep, a, opts)
    _failures(rep, a, opts, of)
    _manual(rep, a, opts, of)
    if summary:
        return rep.text()
    _waived(rep, a)
    _posture(rep, a)
    _sufficiency(rep, a)
    for att in a.attestations:
        if att["state"] != "active":
            rep.line(
                (
                    f"attestation {clean(att['id'])} is {att['state']} "
                    f"(valid until {att['valid_until']})",
                    "yellow",
                ),
                indent=2,
            )
    _errors(rep, a)
    if dep_notes := a.deployment.notes:
        rep.heading(f"Notes ({len(dep_notes)})")
        for note in dep_notes:
            rep.line(clean(note), indent=2)
    return rep.text()
