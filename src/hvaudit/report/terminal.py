"""The terminal report: posture by baseline function, threat and recommendation, then what failed
per host and per VM with the fix, then the questions a person must answer.

A VM name may carry terminal escape sequences, newlines or bidirectional overrides meant for the
auditor's screen: every line goes out through `textsafe.Lines`, which cleans it as one line and
turns only this renderer's own styles into escape sequences.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from hvaudit import __version__
from hvaudit.catalog import EDITION_LABELS, EDITIONS, load_catalog
from hvaudit.checks.base import Severity, Status
from hvaudit.engine import Assessment, Result
from hvaudit.report.json_report import BASES, sufficiency
from hvaudit.textsafe import Lines, clean

__all__ = ["clean", "render_terminal"]

COLUMNS = (Status.PASS, Status.FAIL, Status.MANUAL, Status.NOT_APPLICABLE, Status.ERROR)
HEAD = {
    "pass": "pass",
    "fail": "fail",
    "manual": "manual",
    "not_applicable": "n/a",
    "error": "error",
}


SEV_CODE = {"critical": "1;31", "high": "31", "medium": "33", "low": "36", "info": "2"}
STATUS_CODE = {"pass": "32", "fail": "31", "manual": "33", "not_applicable": "2", "error": "1;35"}


def _row(label: str, results: list[Result], width: int, st: Callable[[str, str], str]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for r in results:
        counts[r.status.value] += 1
    cells = []
    for s in COLUMNS:
        n = counts.get(s.value, 0)
        cell = f"{n:>7}"
        cells.append(
            st(cell, STATUS_CODE[s.value]) if n and s in (Status.FAIL, Status.ERROR) else cell
        )
    return f"  {label[:width]:<{width}}" + "".join(cells)


def _header(width: int) -> str:
    return f"  {'':<{width}}" + "".join(f"{HEAD[s.value]:>7}" for s in COLUMNS)


def _recs(r: Result) -> str:
    parts = []
    short = {"sp800-125a-2014": "2014", "sp800-125a-r1": "Rev.1", "sp800-125b": "125B"}
    for e in EDITIONS:
        ids = r.check.recommendations.get(e, ())
        if ids:
            parts.append(f"{short[e]} {', '.join(ids)}")
    return " | ".join(parts)


def render_terminal(a: Assessment, *, color: bool = False, fail_on: Severity = Severity.LOW) -> str:
    """The report as text."""
    page = Lines(color=color)
    st = page.style
    add = page.add
    cat = load_catalog()
    dep = a.deployment
    add(st(f"hvaudit {__version__}: NIST SP 800-125A / 800-125B assessment", "1"))
    add(f"target  {dep.target}   profile {a.profile.name}   scanned {a.scanned_at}")
    for h in dep.hosts:
        kind = "simulated host" if h.simulated else "host"
        vms = sum(1 for v in dep.vms if v.host == h.name)
        version = f" (libvirt {h.hypervisor_version})" if h.hypervisor_version else ""
        add(
            f"{kind} {h.name}: {h.hypervisor}{version}, {h.cores} cores, "
            f"{h.memory_kib / 1024 / 1024:.1f} GiB RAM, {vms} VM(s)"
        )
    counts = a.counts()
    add("")
    add(
        st("Summary", "1")
        + f"  {len(a.results)} results: "
        + ", ".join(f"{counts.get(s.value, 0)} {HEAD[s.value]}" for s in COLUMNS)
    )

    width = 46
    add("")
    add(st("By baseline function", "1"))
    add(_header(width))
    by_fn: dict[str | None, list[Result]] = defaultdict(list)
    for r in a.results:  # under every function the result serves in any edition
        for f in r.check.all_functions or (None,):
            by_fn[f].append(r)
    for fn in cat.functions:
        add(_row(f"{fn.id} {fn.name}", by_fn.get(fn.id, []), width, st))
    add(_row("platform-wide (no function)", by_fn.get(None, []), width, st))

    add("")
    add(st("By threat", "1"))
    add(_header(width))
    by_threat: dict[str, list[Result]] = defaultdict(list)
    for r in a.results:
        for t in r.check.all_threats:
            by_threat[t].append(r)
    for th in cat.threats:
        if th.id in by_threat:
            mark = " (hvaudit)" if th.origin == "hvaudit" else ""
            add(_row(f"{th.id} {th.title}{mark}", by_threat[th.id], width, st))

    for edition in EDITIONS:
        add("")
        add(st(EDITION_LABELS[edition], "1"))
        add(_header(width))
        by_rec: dict[str, list[Result]] = defaultdict(list)
        for r in a.results:
            for rid in r.check.recommendations.get(edition, ()):
                by_rec[rid].append(r)
        for rec in cat.editions[edition].recommendations:
            if edition != "sp800-125a-2014" and rec.id not in by_rec:
                continue
            add(_row(f"{rec.id:<9} {rec.title}", by_rec.get(rec.id, []), width, st))

    fails = [r for r in a.results if r.status is Status.FAIL and r.waived is None]
    add("")
    add(st(f"Failures ({len(fails)})", "1"))
    if not fails:
        add("  none")
    by_subject: dict[tuple[str, str], list[Result]] = defaultdict(list)
    for r in fails:
        s = r.outcome.subject
        by_subject[(s.type, s.label)].append(r)
    order = {"host": 0, "network": 1, "pool": 2, "vm": 3}
    for (_, label), rs in sorted(
        by_subject.items(), key=lambda kv: (order.get(kv[0][0], 9), kv[0][1])
    ):
        add(f"  {st(label, '1')}")
        for r in sorted(rs, key=lambda r: (-r.severity.rank, r.check.id)):
            sev = st(f"[{r.severity.value.upper()}]", SEV_CODE[r.severity.value])
            gate = "" if r.severity.rank >= fail_on.rank else st(" (below --fail-on)", "2")
            add(f"    {sev} {r.check.id} {r.check.title}{gate}")
            add(f"        {r.outcome.message}")
            if r.outcome.evidence:
                shown = "; ".join(e.describe() for e in dict.fromkeys(r.outcome.evidence[:3]))
                add(st(f"        evidence: {shown}", "2"))
            add(st(f"        {_recs(r)}", "2"))
            add(f"        fix: {r.check.remediation}")

    waived = [r for r in a.results if r.waived is not None]
    if waived or a.waivers:
        add("")
        add(st(f"Waived ({len(waived)}): accepted risks, not counted in the exit code", "1"))
        for r in waived:
            assert r.waived is not None
            add(
                f"  {r.check.id} {r.outcome.subject.label} [{r.status.value}]: "
                f"{r.waived.reason} (owner {r.waived.owner}, expires {r.waived.expires})"
            )
        for w in a.waivers:
            if w["state"] != "active":
                add(st(f"  waiver {w['id']} is {w['state']} ({w['reason']})", "33"))

    manual = [r for r in a.results if r.status is Status.MANUAL]
    add("")
    add(st(f"Manual items ({len(manual)}): a person must answer", "1"))
    if not manual:
        add("  none")
    by_check: dict[str, list[Result]] = defaultdict(list)
    for r in manual:
        by_check[r.check.id].append(r)
    for cid, rs in sorted(by_check.items()):
        add(f"  {cid} {rs[0].check.title} [{_recs(rs[0])}]")
        add(f"    ? {rs[0].outcome.question or rs[0].check.question or ''}")
        for r in rs[:20]:
            add(f"      {r.outcome.subject.label}: {r.outcome.message}")
        if len(rs) > 20:
            add(f"      ... and {len(rs) - 20} more")

    add("")
    add(st("Evidence sufficiency, SP 800-125A (2014 draft)", "1"))
    add(
        f"  {'':<{width}}"
        + "".join(f"{h:>10}" for h in ("automatic", "attested", "manual", "n/a", "error"))
    )
    suff = sufficiency(a)["sp800-125a-2014"]
    for rec in cat.editions["sp800-125a-2014"].recommendations:
        row = suff[rec.id]
        add(
            f"  {(rec.id + ' ' + rec.title)[:width]:<{width}}"
            + "".join(f"{row[b]:>10}" for b in BASES)
        )
    for att in a.attestations:
        if att["state"] != "active":
            add(
                st(
                    f"  attestation {att['id']} is {att['state']} (valid until {att['valid_until']})",
                    "33",
                )
            )

    errors = [r for r in a.results if r.status is Status.ERROR]
    if errors:
        add("")
        add(st(f"Errors ({len(errors)}): not assessed", "1;35"))
        for r in errors:
            add(f"  {r.check.id} {r.outcome.subject.label}: {r.outcome.message}")
    if dep.notes:
        add("")
        add(st("Notes", "1"))
        for note in dep.notes[:30]:
            add(f"  {note}")
    return page.render()
