"""The JSON report: a versioned contract (schema in `hvaudit/schema/report.schema.json`).

Deterministic: results are sorted, keys are sorted, so two runs over the same bundle differ only in
`scanned_at`. Additive changes bump the minor version, anything else the major.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable
from json.encoder import encode_basestring as _enc  # the C string encoder
from typing import Any, Generic, TypeVar

from hvaudit import __version__
from hvaudit.catalog import EDITIONS, load_catalog
from hvaudit.checks.base import CheckMeta, Severity, Status, Subject
from hvaudit.engine import Assessment, Result
from hvaudit.model import Source
from hvaudit.report.grouping import _VERB, GROUP_AT, plural

__all__ = [
    "RESULTS_END",
    "SCHEMA_VERSION",
    "ResultEncoder",
    "groups_of",
    "render_head",
    "render_json",
    "report_dict",
    "report_head",
]

SCHEMA_VERSION = "2.0.0"

P = TypeVar("P", str, bytes)
"""A piece of the report: text, or its cleaned UTF-8 bytes."""
STATUSES = tuple(s.value for s in Status)


def _static(check: CheckMeta) -> dict[str, Any]:
    """The parts of a result that depend only on its check (built once per check, then shared)."""
    return {
        "check_id": check.id,
        "title": check.title,
        "automation": check.automation,
        "recommendations": {e: list(check.recommendations.get(e, ())) for e in EDITIONS},
        "baseline_functions": {e: list(check.functions[e]) for e in EDITIONS},
        "threats": {e: list(check.threats[e]) for e in EDITIONS},
        "interpretations": {e: dict(check.interpretations.get(e, {})) for e in EDITIONS},
        "remediation": check.remediation,
    }


def _evidence(src: Source, digests: dict[str, str]) -> dict[str, Any]:
    return {
        "artefact": src.artefact,
        "locator": src.locator,
        "default": src.default,
        "sha256": digests.get(src.artefact),
    }


def _evidence_json(src: Source, digests: dict[str, str]) -> str:
    """`json.dumps(_evidence(src, digests), ensure_ascii=False)`, written directly (a report has
    tens of thousands of distinct evidence entries)."""
    artefact, locator, default = src.artefact, src.locator, src.default
    digest = digests.get(artefact)
    if (
        type(artefact) is not str
        or type(locator) is not str
        or type(default) is not bool
        or (digest is not None and type(digest) is not str)
    ):
        return json.dumps(_evidence(src, digests), ensure_ascii=False)
    return (
        f'{{"artefact": {_enc(artefact)}, "locator": {_enc(locator)}, '
        f'"default": {"true" if default else "false"}, '
        f'"sha256": {"null" if digest is None else _enc(digest)}}}'
    )


def _dynamic(r: Result, evidence: list[dict[str, Any]]) -> dict[str, Any]:
    o = r.outcome
    out: dict[str, Any] = {
        "status": o.status.value,
        "severity": r.severity.value,
        "subject": o.subject.to_json(),
        "message": o.message,
        "evidence": evidence,
        "waived": r.waived is not None,
        "basis": r.basis,
    }
    if o.question:
        out["question"] = o.question
    out.update(_provenance(r))
    return out


def _provenance(r: Result) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if r.waived is not None:
        w = r.waived
        out["waiver"] = {
            "id": w.waiver_id,
            "reason": w.reason,
            "owner": w.owner,
            "expires": w.expires,
        }
    if r.attested is not None:
        t = r.attested
        out["attestation"] = {
            "answer": t.answer,
            "attested_by": t.attested_by,
            "attested_at": t.attested_at,
            "valid_until": t.valid_until,
            "evidence": t.evidence,
            "original_status": t.original_status.value,
        }
    return out


BASES = ("automatic", "attested", "manual", "not_applicable", "error")


_Tally = Counter[tuple[str, Status, bool]]


def _tally(results: list[Result]) -> tuple[_Tally, dict[str, CheckMeta]]:
    """Results counted per (check id, status, attested): everything the summaries need, in one
    cheap pass (a scan has tens of thousands of results and a few hundred distinct keys); with
    the first CheckMeta seen for each check id."""
    tally: _Tally = Counter((r.check.id, r.outcome.status, r.attested is not None) for r in results)
    metas: dict[str, CheckMeta] = {}
    checks = len({k[0] for k in tally})
    for r in results:
        metas.setdefault(r.check.id, r.check)
        if len(metas) == checks:
            break
    return tally, metas


def _basis(status: Status, attested: bool) -> str:
    """`Result.basis` from what the tally keeps."""
    if attested:
        return "attested"
    return "automatic" if status in (Status.PASS, Status.FAIL) else status.value


def sufficiency(a: Assessment) -> dict[str, dict[str, dict[str, int]]]:
    """Per edition and recommendation: how many results rest on automatic evaluation, on an
    attestation, are still manual, not applicable or in error."""
    return _sufficiency(*_tally(a.results))


def _sufficiency(
    tally: _Tally, metas: dict[str, CheckMeta]
) -> dict[str, dict[str, dict[str, int]]]:
    cat = load_catalog()
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for (cid, status, attested), n in tally.items():
        basis = _basis(status, attested)
        recs = metas[cid].recommendations
        for e in EDITIONS:
            for rid in recs.get(e, ()):
                counts[(e, rid)][basis] += n
    return {
        e: {
            rec.id: {b: counts[(e, rec.id)].get(b, 0) for b in BASES}
            for rec in cat.editions[e].recommendations
        }
        for e in EDITIONS
    }


def result_dict(
    r: Result, digests: dict[str, str], static: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One result in report form."""
    out: dict[str, Any] = dict(static if static is not None else _static(r.check))
    out.update(_dynamic(r, [_evidence(src, digests) for src in dict.fromkeys(r.outcome.evidence)]))
    return out


def report_dict(a: Assessment, *, with_results: bool = True) -> dict[str, Any]:
    """The whole report as plain data."""
    tally, metas = _tally(a.results)
    out = report_head(a, tally, metas, len(a.results), groups_summary(a))
    if with_results:
        dep = a.deployment
        statics = {cid: _static(meta) for cid, meta in metas.items()}
        out["results"] = [
            result_dict(r, dep.artefact_digests, statics[r.check.id]) for r in a.results
        ]
    return out


def report_head(
    a: Assessment,
    tally: _Tally,
    metas: dict[str, CheckMeta],
    total: int,
    groups: list[dict[str, Any]],
) -> dict[str, Any]:
    """The report without its results: summaries from `tally` (results counted per check id,
    status and attested, see `_tally`; `metas` has each counted check), `total` results, and
    the groups (`groups_summary`)."""
    cat = load_catalog()
    dep = a.deployment
    # Every (bucket, key) gets its status counts per check.
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    by_status: Counter[str] = Counter()
    keys_of: dict[str, list[tuple[str, str]]] = {}
    for (cid, st, _), n in tally.items():
        status = st.value
        by_status[status] += n
        keys = keys_of.get(cid)
        if keys is None:
            check = metas[cid]
            keys = [
                (f"function:{e}", f)
                for e in EDITIONS
                if check.recommendations[e]
                for f in (check.functions[e] or ("none",))
            ]
            keys += [("threat", t) for t in check.all_threats]
            keys += [(e, rid) for e in EDITIONS for rid in check.recommendations.get(e, ())]
            keys_of[cid] = keys
        for k in keys:
            counts[k][status] += n

    def block(c: Counter[str]) -> dict[str, int]:
        return {s: c.get(s, 0) for s in STATUSES}

    empty: Counter[str] = Counter()
    return {
        "tool": "hvaudit",
        "version": __version__,
        "schema_version": SCHEMA_VERSION,
        "scanned_at": a.scanned_at,
        "collected_at": dep.collected_at,
        "target": dep.target,
        "platform": dep.platform,
        "profile": a.profile.name,
        "summary": {
            "total": total,
            "by_status": block(by_status),
            "by_function": {
                e: {
                    f: block(counts.get((f"function:{e}", f), empty))
                    for f in [fn.id for fn in cat.functions] + ["none"]
                }
                for e in EDITIONS
            },
            "by_threat": {t.id: block(counts.get(("threat", t.id), empty)) for t in cat.threats},
            "sufficiency": _sufficiency(tally, metas),
            "by_recommendation": {
                e: {
                    rec.id: block(counts.get((e, rec.id), empty))
                    for rec in cat.editions[e].recommendations
                }
                for e in EDITIONS
            },
        },
        "hosts": [
            {
                "name": h.name,
                "platform": h.platform,
                "simulated": h.simulated,
                "hypervisor": h.hypervisor,
                "hypervisor_version": h.hypervisor_version,
                "cores": h.cores,
                "memory_kib": h.memory_kib,
                "vms": sum(1 for v in dep.vms if v.host == h.name),
            }
            for h in dep.hosts
        ],
        "notes": list(dep.notes),
        "waivers": [dict(w) for w in a.waivers],
        "attestations": [dict(t) for t in a.attestations],
        "groups": groups,
    }


def groups_summary(a: Assessment) -> list[dict[str, Any]]:
    """Every check that fails, needs a manual answer or is in error on many subjects, once (see
    `report.grouping`); passes and non-applicable results are not grouped."""
    return groups_of(a.results)


_ACTED = (Status.FAIL, Status.MANUAL, Status.ERROR)


_Ident = tuple[str, str, str | None, str | None]
SubjectKeys = dict[int, tuple[Subject, _Ident, str]]
"""Subjects seen by `groups_of`, by identity: each one's identity tuple and label (the Subject
itself kept, so its identity is not reused while the cache lives)."""


def groups_of(results: list[Result], seen: SubjectKeys | None = None) -> list[dict[str, Any]]:
    """`groups_summary` of these results. A group never spans checks, and the results are sorted
    by check: the groups of a whole assessment are those of each check's results, in turn.

    What `report.grouping.group_results` and its `Group` give (tests/test_lanes.py holds them
    equal), computed in one pass per result: a scan has tens of thousands, over a few thousand
    subject objects (one per VM, shared), whose identity and label are worked out once each
    (in `seen`, which a caller that groups check after check passes to every call)."""
    acted_statuses = _ACTED
    acted = [r for r in results if r.outcome.status in acted_statuses]
    if len(acted) < GROUP_AT:
        return []
    members: dict[tuple[str, Status, bool, str], list[Result]] = {}
    for r in acted:
        o = r.outcome
        k = (r.check.id, o.status, r.waived is not None, o.subject.type)
        rs = members.get(k)
        if rs is None:
            members[k] = [r]
        else:
            rs.append(r)
    grouped = [(k, rs) for k, rs in members.items() if len(rs) >= GROUP_AT]
    if not grouped:
        return []
    # Subject objects are shared (one per VM): each one's identity and label, once.
    known: SubjectKeys = {} if seen is None else seen

    def ident_label(s: Subject) -> tuple[Subject, _Ident, str]:
        got = known.get(id(s))
        if got is None:
            got = known[id(s)] = (s, (s.type, s.name, s.host, s.id), s.label)
        return got

    pairs = {(k[0], k[3]) for k, _ in grouped}
    distinct: dict[tuple[str, str], set[_Ident]] = {}
    for r in results:
        s = r.outcome.subject
        pair = (r.check.id, s.type)
        if pair in pairs:
            got = known.get(id(s)) or ident_label(s)
            idents_of = distinct.get(pair)
            if idents_of is None:
                distinct[pair] = {got[1]}
            else:
                idents_of.add(got[1])
    out = []
    for (cid, status, waived, subject_type), rs in grouped:
        idents = set()
        labels: dict[str, None] = {}
        for r in rs:
            s = r.outcome.subject
            _, ident, label = known.get(id(s)) or ident_label(s)
            idents.add(ident)
            labels[label] = None
        n = len(idents)
        of = max(len(distinct.get((cid, subject_type), ())), n)
        subjects = list(labels)
        out.append(
            {
                "check_id": cid,
                "status": status.value,
                "waived": waived,
                "subject_type": subject_type,
                "count": len(subjects),
                "of": of,
                "headline": f"{cid} {_VERB[status]} {n} of {plural(subject_type, of)}",
                "subjects": subjects,
            }
        )
    return out


def render_json(a: Assessment) -> str:
    """The report as compact JSON text, equal to `report_dict(a)` (a test holds them equal).

    Keys come in a fixed order, so the output is deterministic. `hvaudit.lanes` writes the same
    text from pieces rendered in several processes: the head (`render_head`), then each check's
    results (`ResultEncoder`)."""
    pieces: list[str] = [render_head(report_dict(a, with_results=False))]
    ResultEncoder(a.deployment.artefact_digests, _same).pieces(a.results, pieces)
    pieces.append(RESULTS_END)
    return "".join(pieces)


def _same(text: str) -> str:
    return text


RESULTS_END = "]}\n"


def render_head(head: dict[str, Any]) -> str:
    """The report up to its results (`report_head`), open for them: `RESULTS_END` closes it,
    results in between are separated by ", "."""
    return json.dumps(head, ensure_ascii=False)[:-1] + ', "results": ['


class ResultEncoder(Generic[P]):
    """Results as JSON text, the way `report_dict` writes them, in pieces.

    Thousands of VMs make tens of thousands of results, and most of their bytes repeat: a check's
    title, mappings and remediation, a VM's subject, a set of evidence, the closing fields. Each
    of those is encoded once and its piece appended again for every result that repeats it (no
    copy); only the message is encoded per result (with json's C string encoder). Joined, the
    pieces are the results separated by ", ". `finish` turns each piece into what the caller
    joins (the text itself, or its cleaned UTF-8 bytes: `hvaudit.lanes`). Objects cached by
    identity are kept alive by the encoder, so an identity is never reused for another object
    while the cache holds it."""

    def __init__(self, digests: dict[str, str], finish: Callable[[str], P]) -> None:
        self.digests = digests
        self.finish: Callable[[str], P] = finish
        # What a result starts with (its check's static part, status, severity), per combination.
        self.starts: dict[tuple[str, Status, Severity], P] = {}
        self.subjects: dict[Subject, P] = {}
        self.subject_at: dict[int, P] = {}
        self.evidence: dict[tuple[Source, ...], P] = {}
        self.evidence_at: dict[tuple[int, ...], P] = {}  # by the Sources' identities
        self.one_source_at: dict[int, P] = {}  # the model's Source objects, shared by many
        self.start_at: dict[tuple[int, int, int], P] = {}
        self.tails: dict[tuple[int, str | None], P] = {}  # by the status's identity
        self.messages: dict[str, P] = {}  # most results share their message with others
        self.alive: list[object] = []  # what the identity caches refer to
        self.sep: P = finish(", ")

    def pieces(self, results: list[Result], out: list[P]) -> None:
        """Append the pieces of the results to `out`."""
        digests = self.digests
        finish: Callable[[str], P] = self.finish
        dumps = json.dumps
        enc = _enc
        starts = self.starts
        start_at = self.start_at
        subjects = self.subjects
        subject_at = self.subject_at
        evidence = self.evidence
        evidence_at = self.evidence_at
        one_source_at = self.one_source_at
        tails = self.tails
        messages = self.messages
        alive = self.alive
        sep = self.sep
        append = out.append
        first = True
        # The previous result's check, status, severity and start: one check's results come
        # together, so most results start as the one before.
        last_check: object = None
        last_status: object = None
        last_severity: object = None
        start = sep
        for r in results:
            o = r.outcome
            if first:
                first = False
            else:
                append(sep)
            if (
                r.check is not last_check
                or o.status is not last_status
                or (r.severity is not last_severity)
            ):
                last_check, last_status, last_severity = r.check, o.status, r.severity
                # by identity first (enum members hash in Python, ids in C), then by value
                at = (id(r.check), id(o.status), id(r.severity))
                got = start_at.get(at)
                if got is None:
                    key = (r.check.id, o.status, r.severity)
                    got = starts.get(key)
                    if got is None:
                        static = dumps(_static(r.check), ensure_ascii=False)[1:-1]
                        got = starts[key] = finish(
                            f'{{{static}, "status": "{o.status.value}", "severity": '
                            f'"{r.severity.value}", "subject": '
                        )
                    start_at[at] = got
                    alive.append(r.check)
                start = got
            append(start)
            # by identity first (one shared Subject per VM: `vm_subject`), then by value
            subject = subject_at.get(id(o.subject))
            if subject is None:
                subject = subjects.get(o.subject)
                if subject is None:
                    subject = subjects[o.subject] = finish(
                        dumps(o.subject.to_json(), ensure_ascii=False)
                    )
                subject_at[id(o.subject)] = subject
                alive.append(o.subject)
            append(subject)
            message = messages.get(o.message)
            if message is None:
                message = messages[o.message] = finish(
                    f', "message": {enc(o.message)}, "evidence": '
                )
            append(message)
            sources = o.evidence
            if len(sources) == 1:
                ev = one_source_at.get(id(sources[0]))
                if ev is None:
                    ev = one_source_at[id(sources[0])] = finish(
                        f"[{_evidence_json(sources[0], digests)}]"
                    )
                    alive.append(sources[0])
            else:
                # by the identities of the Sources first (a Source hashes in Python), then by value
                ids = tuple(map(id, sources))
                ev = evidence_at.get(ids)
                if ev is None:
                    ev = evidence.get(sources)
                    if ev is None:
                        ev = evidence[sources] = finish(
                            "["
                            + ", ".join(
                                _evidence_json(src, digests) for src in dict.fromkeys(sources)
                            )
                            + "]"
                        )
                    evidence_at[ids] = ev
                    alive.append(sources)
            append(ev)
            if r.waived is None and r.attested is None:
                tail = tails.get((id(o.status), o.question))
                if tail is None:
                    tail = tails[(id(o.status), o.question)] = finish(_tail(r))
            else:
                tail = finish(_tail(r))
            append(tail)


def _tail(r: Result) -> str:
    """What follows a result's evidence, its closing brace included."""
    o = r.outcome
    basis = _BASIS_OF[o.status]
    if r.attested is not None:
        basis = "attested"
    waived = "true" if r.waived is not None else "false"
    tail = f', "waived": {waived}, "basis": "{basis}"'
    if o.question:
        tail += f', "question": {_enc(o.question)}'
    if r.waived is not None or r.attested is not None:
        tail += ", " + json.dumps(_provenance(r), ensure_ascii=False)[1:-1]
    return tail + "}"


_BASIS_OF = {st: "automatic" if st in (Status.PASS, Status.FAIL) else st.value for st in Status}
