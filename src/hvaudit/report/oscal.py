"""OSCAL (NIST's Open Security Controls Assessment Language) through compliance-trestle's models.

- `catalog_models(edition)`: each catalog edition as an OSCAL catalog (controls grouped by baseline
  function, the statement being our paraphrase) and a profile that selects all of it;
- `render_oscal(assessment)`: a scan as OSCAL assessment results. One `result` per edition, one
  observation per evidence artefact (with its sha256 from the bundle), one finding per
  recommendation and subject: satisfied / not-satisfied, or open (no objective status) while a
  person must still answer. Waivers become risks with status deviation-approved that the finding
  points to; attestations are recorded as OSCAL attestations and as interview observations.

Every object is built with trestle's pydantic models, so what is written has been validated.
UUIDs are deterministic (uuid5 over the target and the ids), so two exports of the same bundle
are identical apart from timestamps.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from typing import Any

from hvaudit import __version__
from hvaudit.catalog import EDITION_LABELS, EDITIONS, Edition, load_catalog
from hvaudit.engine import Assessment, Result
from hvaudit.errors import UsageError
from hvaudit.report.json_report import BASES, sufficiency

__all__ = ["catalog_models", "render_oscal"]

NS = "https://hvaudit.invalid/ns/oscal"
_ROOT = uuid.UUID("6f1b3a52-6c7e-4b8e-9d2f-5f0e6c4a9b11")


def _trestle() -> Any:
    try:
        from trestle.oscal import assessment_results, catalog, common, profile
    except ImportError:
        raise UsageError(
            "OSCAL output needs compliance-trestle: pip install 'hvaudit[oscal]'"
        ) from None
    return assessment_results, catalog, common, profile


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(_ROOT, "\x1f".join(parts)))


def control_id(rec_id: str) -> str:
    """An OSCAL control id for a recommendation id (HY-SR-6A -> hy-sr-6a)."""
    return rec_id.lower()


def _when(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return dt.datetime.now(dt.UTC)


def _line(text: str) -> str:
    """An OSCAL title: one line, never empty (the schema's pattern is ^[^\\n]+$)."""
    return " ".join(text.split()) or "(unnamed)"


def _metadata(common: Any, title: str, when: dt.datetime) -> Any:
    from trestle.oscal import OSCAL_VERSION

    return common.Metadata(
        title=title,
        last_modified=when,
        version=__version__,
        oscal_version=common.OscalVersion(OSCAL_VERSION),
    )


def _prop(common: Any, name: str, value: str) -> Any:
    return common.Property(name=name, value=value or "-", ns=NS)


def catalog_models(edition: Edition) -> tuple[Any, Any]:
    """(catalog, profile) trestle models for one edition."""
    _, catalog, common, profile = _trestle()
    cat = load_catalog()
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    by_function: dict[str, list[Any]] = defaultdict(list)
    for rec in edition.recommendations:
        parts = [common.Part(id=f"{control_id(rec.id)}_smt", name="statement", prose=rec.summary)]
        props = [
            _prop(common, "label", rec.id),
            _prop(common, "kind", rec.kind),
            _prop(common, "section", rec.section),
        ]
        props += [_prop(common, "threat", t) for t in rec.threats]
        control = catalog.Control(id=control_id(rec.id), title=rec.title, props=props, parts=parts)
        by_function[rec.functions[0] if rec.functions else "none"].append(control)
    groups = []
    for fn in [f.id for f in cat.functions] + ["none"]:
        if not by_function.get(fn):
            continue
        title = cat.function(fn).name if fn != "none" else "Platform-wide (no baseline function)"
        groups.append(catalog.Group2(id=fn.lower(), title=title, controls=by_function[fn]))
    catalog_uuid = _uuid("catalog", edition.id)
    model = catalog.Catalog(
        uuid=catalog_uuid,
        metadata=_metadata(common, f"{edition.title} (hvaudit paraphrase)", now),
        groups=groups,
    )
    prof = profile.Profile(
        uuid=_uuid("profile", edition.id),
        metadata=_metadata(common, f"{EDITION_LABELS[edition.id]}: all recommendations", now),
        imports=[
            profile.Import1(href=f"{edition.id}-catalog.json", include_all=common.IncludeAll())
        ],
    )
    return model, prof


def _finding_status(results: list[Result]) -> tuple[str | None, str]:
    statuses = {r.status.value for r in results}
    if "fail" in statuses:
        return "not-satisfied", "fail"
    if "error" in statuses or "manual" in statuses:
        return None, "open"
    if "pass" in statuses:
        return "satisfied", "pass"
    return None, "not-applicable"


def render_oscal(a: Assessment) -> str:
    """The assessment as OSCAL assessment-results JSON."""
    ar, _, common, _ = _trestle()
    cat = load_catalog()
    dep = a.deployment
    target = dep.target
    start = _when(a.scanned_at)
    collected = _when(dep.collected_at) if dep.collected_at else start

    observations: dict[str, Any] = {}
    for r in a.results:
        for src in r.outcome.evidence:
            if not src.artefact or src.artefact in observations:
                continue
            props = [_prop(common, "artefact", src.artefact)]
            sha = dep.artefact_digests.get(src.artefact)
            if sha:
                props.append(_prop(common, "sha256", sha))
            observations[src.artefact] = common.Observation(
                uuid=_uuid(target, "observation", src.artefact),
                title=_line(src.artefact),
                description=f"Evidence bundle artefact {src.artefact}",
                methods=["TEST"] if not src.artefact.startswith("host/files") else ["EXAMINE"],
                collected=collected,
                relevant_evidence=[
                    common.RelevantEvidence(
                        description=f"bundle artefact {src.artefact}", props=props
                    )
                ],
            )

    suff = sufficiency(a)
    results = []
    for edition in EDITIONS:
        grouped: dict[tuple[str, str, str | None, str], list[Result]] = defaultdict(list)
        for r in a.results:
            s = r.outcome.subject
            for rid in r.check.recommendations.get(edition, ()):
                grouped[(rid, s.type, s.host, s.name)].append(r)
        findings, risks, attestations = [], [], []
        extra_obs = []
        for (rid, stype, host, name), rs in sorted(
            grouped.items(), key=lambda kv: tuple(str(x) for x in kv[0])
        ):
            state, summary = _finding_status(rs)
            if summary == "not-applicable":
                continue
            label = f"{stype} {name}" + (f" on {host}" if host and stype != "host" else "")
            fid = _uuid(target, edition, rid, stype, host or "", name)
            related = sorted(
                {
                    observations[e.artefact].uuid
                    for r in rs
                    for e in r.outcome.evidence
                    if e.artefact in observations
                }
            )
            finding_risks = []
            for r in rs:
                if r.waived is not None:
                    risk_uuid = _uuid(fid, "waiver", r.waived.waiver_id, r.check.id)
                    risks.append(
                        common.Risk(
                            uuid=risk_uuid,
                            title=_line(f"Waived: {r.check.id} {r.check.title} ({label})"),
                            description=r.outcome.message or r.check.title,
                            statement=f"{r.waived.reason} (owner {r.waived.owner})",
                            status=common.RiskStatus(
                                common.RiskStatusValidValues.deviation_approved
                            ),
                            deadline=dt.datetime.combine(
                                dt.date.fromisoformat(r.waived.expires),
                                dt.time(23, 59, 59),
                                tzinfo=dt.UTC,
                            ),
                            props=[_prop(common, "waiver-id", r.waived.waiver_id)],
                        )
                    )
                    finding_risks.append(common.AssociatedRisk(risk_uuid=risk_uuid))
                if r.attested is not None:
                    obs = common.Observation(
                        uuid=_uuid(fid, "attestation", r.check.id),
                        title=_line(f"Attestation for {r.check.id} ({label})"),
                        description=f"answered '{r.attested.answer}' by {r.attested.attested_by} on "
                        f"{r.attested.attested_at}, valid until {r.attested.valid_until}",
                        methods=["INTERVIEW"],
                        collected=dt.datetime.combine(
                            dt.date.fromisoformat(r.attested.attested_at), dt.time(), tzinfo=dt.UTC
                        ),
                        relevant_evidence=[
                            common.RelevantEvidence(description=r.attested.evidence)
                        ],
                    )
                    extra_obs.append(obs)
                    related.append(obs.uuid)
                    attestations.append(
                        ar.Attestation(
                            parts=[
                                common.AssessmentPart(
                                    name="attestation",
                                    title=_line(f"{r.check.id} {label}"),
                                    prose=f"{r.check.question or r.check.title} Answer: {r.attested.answer}, by "
                                    f"{r.attested.attested_by} on {r.attested.attested_at} ({r.attested.evidence}).",
                                )
                            ]
                        )
                    )
            status = None
            if state is not None:
                status = common.ObjectiveStatus(
                    state=common.ObjectiveStatusStateValidValues(state),
                    reason="pass" if state == "satisfied" else "fail",
                )
            props = [
                _prop(common, "subject-type", stype),
                _prop(common, "subject", name),
                _prop(common, "hvaudit-status", summary),
            ]
            if host:
                props.append(_prop(common, "host", host))
            props += [_prop(common, "check", cid) for cid in sorted({r.check.id for r in rs})]
            props += [
                _prop(common, "baseline-function", f)
                for f in cat.recommendation(edition, rid).functions
            ]
            props += [
                common.Property(
                    name="interpretation", ns=NS, class_=m.id.lower(), value=" ".join(note.split())
                )
                for m in {r.check.id: r.check for r in rs}.values()
                if (note := m.interpretation(edition, rid))
            ]
            description = "; ".join(
                f"{r.check.id} {r.status.value}: {r.outcome.message}" for r in rs
            )
            findings.append(
                common.Finding(
                    uuid=fid,
                    title=_line(f"{rid} for {label}"),
                    description=description[:4000] or rid,
                    props=props,
                    target=common.FindingTarget(
                        type=common.FindingTargetTypeValidValues.statement_id,
                        target_id=f"{control_id(rid)}_smt",
                        status=status,
                        remarks="open: a person must answer or the evidence could not be collected"
                        if summary == "open"
                        else None,
                    ),
                    related_observations=[
                        common.RelatedObservation(observation_uuid=u) for u in related
                    ]
                    or None,
                    related_risks=finding_risks or None,
                )
            )
        used = {ro.observation_uuid for f in findings for ro in (f.related_observations or [])}
        results.append(
            ar.Result(
                uuid=_uuid(target, "result", edition),
                title=_line(f"{EDITION_LABELS[edition]} assessment of {target}"),
                description=f"hvaudit {__version__} scan with profile {a.profile.name}",
                start=start,
                props=[_prop(common, "edition", edition)]
                + [
                    common.Property(
                        name="evidence-sufficiency",
                        ns=NS,
                        class_=rid.lower(),
                        value=", ".join(f"{b}={row[b]}" for b in BASES),
                    )
                    for rid, row in suff[edition].items()
                ],
                reviewed_controls=common.ReviewedControls(
                    control_selections=[
                        common.ControlSelectionsAll(include_all=common.IncludeAll())
                    ]
                ),
                observations=[o for o in [*observations.values(), *extra_obs] if o.uuid in used]
                or None,
                findings=findings or None,
                risks=risks or None,
                attestations=attestations or None,
            )
        )
    model = ar.AssessmentResults(
        uuid=_uuid(target, "assessment-results", a.scanned_at),
        metadata=_metadata(common, f"hvaudit assessment of {target}", start),
        import_ap=ar.ImportAp(
            href="#no-assessment-plan",
            remarks="hvaudit scans without a separate OSCAL assessment plan",
        ),
        results=results,
    )
    return str(model.oscal_serialize_json(pretty=False)) + "\n"
