"""Waivers (accepted risks) and attestations (answers to manual items), from TOML files.

A waiver names a check or a recommendation, a subject pattern, a reason, an owner and an expiry.
A waived result keeps its status underneath, is marked waived in every output and does not count
towards the exit code. An expired waiver no longer applies and is reported; so is a waiver that
matched nothing.

An attestation answers a manual item for a subject (who, when, which evidence, valid for how many
days). It turns the item into pass ("yes") or fail ("no") with that provenance; once it expires
the item is manual again, and the report says so.

    [[waiver]]
    id = "W-2026-014"                    # optional; default: its position
    check = "HVA-031"                    # or: recommendation = "sp800-125a-2014:HY-SR-4"
    subject = "vm:legacy-*"              # TYPE:NAME-GLOB, or NAME-GLOB for any type
    host = "hv-*"                        # optional host glob
    reason = "Console needed until the ERP migration (CHG-4411)"
    owner = "ops-lead@example.com"
    expires = 2027-03-31

    [[attestation]]
    check = "HVA-023"
    subject = "host:hv-demo-01"
    answer = "yes"                       # yes -> pass, no -> fail
    attested_by = "j.doe@example.com"
    attested_at = 2026-10-01
    valid_days = 365
    evidence = "GRC-7781: Keylime verifier report"
    question = "Is ...? Evidence: ... Pass: ...; fail: ..."   # the item's own question

An attestation answers the question it names: an item whose question is its own (put on the
result: what hvaudit found open on that subject, "Question:" in the reports) is answered only by
an attestation whose `question` is that text (whitespace aside); one without `question` answers
only the check's declared question (`hvaudit explain CHECK`). When a later scan asks something
else of the subject (another open condition, another listener), the old answer does not cover
it: the item stays manual and the attestation is reported stale (R21Q-3).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fnmatch
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from hvaudit.catalog import EDITIONS
from hvaudit.checks.base import Outcome, Status
from hvaudit.checks.vmware import HOST_SETTINGS, HOST_SETTINGS_CHECK, settings_question
from hvaudit.engine import Assessment, Attested, Result, Waived
from hvaudit.errors import InputError
from hvaudit.tomlfile import read_toml

_K = TypeVar("_K")

__all__ = [
    "Attestation",
    "Waiver",
    "apply_attestations",
    "apply_waivers",
    "load_attestations",
    "load_waivers",
]


@dataclass(frozen=True, slots=True)
class Target:
    """Which results an entry is about."""

    check: str | None
    recommendation: tuple[str | None, str] | None
    subject_type: str | None
    subject: str
    host: str | None

    def matches(self, r: Result) -> bool:
        """True when `r` is one of the results this entry names."""
        s = r.outcome.subject
        if self.check is not None and r.check.id != self.check:
            return False
        if self.recommendation is not None:
            edition, rid = self.recommendation
            editions = [edition] if edition else list(EDITIONS)
            if not any(rid in r.check.recommendations.get(e, ()) for e in editions):
                return False
        if self.subject_type is not None and s.type != self.subject_type:
            return False
        if not fnmatch.fnmatchcase(s.name, self.subject):
            return False
        return self.host is None or fnmatch.fnmatchcase(s.host or s.name, self.host)


@dataclass(frozen=True, slots=True)
class Waiver:
    """One accepted risk."""

    id: str
    target: Target
    reason: str
    owner: str
    expires: dt.date


@dataclass(frozen=True, slots=True)
class Attestation:
    """One answered manual item."""

    id: str
    target: Target
    answer: str
    attested_by: str
    attested_at: dt.date
    valid_days: int
    evidence: str
    question: str | None = None
    """The question answered, or None for the check's declared one."""

    def answers(self, r: Result) -> bool:
        """True when this attestation answers the question `r` asks (R21Q-3): the item's own
        question where it has one, else the check's declared question."""
        asked = r.outcome.question or r.check.question
        if self.question is not None:
            return asked is not None and _words(asked) == _words(self.question)
        return asked is None or asked == r.check.question

    @property
    def valid_until(self) -> dt.date:
        """The last day the answer counts."""
        return self.attested_at + dt.timedelta(days=self.valid_days)


def _words(text: str) -> str:
    """`text` with its runs of whitespace as single spaces (a TOML multi-line string wraps)."""
    return " ".join(text.split())


def _text(entry: dict[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{where}: '{key}' is required (a non-empty string)")
    return value.strip()


def _date(entry: dict[str, Any], key: str, where: str) -> dt.date:
    value = entry.get(key)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise InputError(f"{where}: '{key}' must be a TOML date (e.g. 2027-03-31)")


def _target(entry: dict[str, Any], where: str) -> Target:
    check = entry.get("check")
    rec = entry.get("recommendation")
    if (check is None) == (rec is None):
        raise InputError(f"{where}: name exactly one of 'check' or 'recommendation'")
    recommendation = None
    if rec is not None:
        if not isinstance(rec, str) or not rec:
            raise InputError(
                f"{where}: 'recommendation' must be a string like sp800-125a-r1:HY-SR-7"
            )
        edition, _, rid = rec.rpartition(":")
        if edition and edition not in EDITIONS:
            raise InputError(f"{where}: unknown edition {edition!r} ({', '.join(EDITIONS)})")
        recommendation = (edition or None, rid)
    if check is not None and not isinstance(check, str):
        raise InputError(f"{where}: 'check' must be a check id like HVA-031")
    pattern = _text(entry, "subject", where)
    stype, sep, name = pattern.partition(":")
    host = entry.get("host")
    if host is not None and not isinstance(host, str):
        raise InputError(f"{where}: 'host' must be a string")
    return Target(check, recommendation, stype if sep else None, name if sep else pattern, host)


MAX_VALID_DAYS = 3660
"""Ten years: an answer older than that is not evidence any more."""


def _entries(data: dict[str, Any], key: str, path: Path) -> list[Any]:
    """The `[[key]]` array of tables of a waiver or attestation file (an InputError otherwise)."""
    value = data.get(key, [])
    if not isinstance(value, list):
        raise InputError(f"{path}: '{key}' must be an array of tables ([[{key}]])")
    return value


def load_waivers(path: Path) -> list[Waiver]:
    """Read and validate a waiver file (InputError, exit 2, names the file and the entry)."""
    out = []
    for i, entry in enumerate(_entries(read_toml(path, "waiver"), "waiver", path), 1):
        where = f"{path}: waiver {i}"
        if not isinstance(entry, dict):
            raise InputError(f"{where}: not a table")
        out.append(
            Waiver(
                id=str(entry.get("id", f"waiver-{i}")),
                target=_target(entry, where),
                reason=_text(entry, "reason", where),
                owner=_text(entry, "owner", where),
                expires=_date(entry, "expires", where),
            )
        )
    return out


def load_attestations(path: Path) -> list[Attestation]:
    """Read and validate an attestation file."""
    out = []
    for i, entry in enumerate(_entries(read_toml(path, "attestation"), "attestation", path), 1):
        where = f"{path}: attestation {i}"
        if not isinstance(entry, dict):
            raise InputError(f"{where}: not a table")
        answer = _text(entry, "answer", where).lower()
        if answer not in ("yes", "no"):
            raise InputError(f"{where}: 'answer' must be yes or no")
        days = entry.get("valid_days")
        if not isinstance(days, int) or isinstance(days, bool) or not 0 < days <= MAX_VALID_DAYS:
            raise InputError(
                f"{where}: 'valid_days' must be a positive whole number, at most {MAX_VALID_DAYS}"
            )
        out.append(
            Attestation(
                id=str(entry.get("id", f"attestation-{i}")),
                target=_target(entry, where),
                answer=answer,
                attested_by=_text(entry, "attested_by", where),
                attested_at=_date(entry, "attested_at", where),
                valid_days=days,
                evidence=_text(entry, "evidence", where),
                question=_text(entry, "question", where) if "question" in entry else None,
            )
        )
    return out


def apply_attestations(a: Assessment, attestations: list[Attestation], today: dt.date) -> None:
    """Turn matching manual results into pass/fail; report every attestation's state. Then
    answer the raw-arguments questions of each VM that an attestation says has no raw QEMU
    arguments (`_answer_unseen_raw_arguments`)."""
    for att in attestations:
        expired = today > att.valid_until
        matched = stale = 0
        for i, r in enumerate(a.results):
            if r.attested is not None or r.status is not Status.MANUAL or not att.target.matches(r):
                continue
            if not att.answers(r):
                # the item asks another question than the one answered (R21Q-3)
                stale += 1
                continue
            matched += 1
            if expired:
                continue
            status = Status.PASS if att.answer == "yes" else Status.FAIL
            o = r.outcome
            message = (
                f"attested '{att.answer}' by {att.attested_by} on {att.attested_at} "
                f"({att.evidence}); observed: {o.message}"
            )
            a.results[i] = dataclasses.replace(
                r,
                outcome=Outcome(o.subject, status, message, o.evidence, o.question),
                attested=Attested(
                    att.answer,
                    att.attested_by,
                    att.attested_at.isoformat(),
                    att.valid_until.isoformat(),
                    att.evidence,
                    Status.MANUAL,
                ),
            )
        state = "expired" if expired else "active" if matched else "stale" if stale else "unmatched"
        a.attestations.append(
            {
                "id": att.id,
                "state": state,
                "matched": str(matched),
                "valid_until": att.valid_until.isoformat(),
                "attested_by": att.attested_by,
            }
        )
    _answer_unseen_raw_arguments(a)
    _answer_host_settings(a)


def _yes_attested(
    a: Assessment, check_id: str, subject_type: str, key: Callable[[Result], _K]
) -> dict[_K, Attested]:
    """The attestations answering `check_id` yes (its item now a pass) for subjects of
    `subject_type`, by `key` of their results: what the withheld questions of those subjects
    rest on (_answer_host_settings, _answer_unseen_raw_arguments)."""
    return {
        key(r): r.attested
        for r in a.results
        if r.check.id == check_id
        and r.outcome.subject.type == subject_type
        and r.attested is not None
        and r.attested.answer == "yes"
        and r.status is Status.PASS
    }


def _answer_host_settings(a: Assessment) -> None:
    """A VMware VM's pass that rests on keys its own .vmx sets was withheld as the question of
    its host's /etc/vmware/settings (hvaudit.checks.vmware.own_keys_pass), which overrides them.
    An attestation answering HVA-444 yes for a host (the file is empty) answers each of those
    questions of that host's VMs at once: the withheld pass stands on that attestation (its
    `Attested` record and message name it and HVA-444). A "no", an expired attestation or
    another host's leaves them open; an item an attestation of its own answered is not
    touched."""
    empty_on = _yes_attested(a, HOST_SETTINGS_CHECK, "host", lambda r: r.outcome.subject.name)
    if not empty_on:
        return
    for i, r in enumerate(a.results):
        o, w = r.outcome, r.outcome.withheld
        if w is None or r.attested is not None or o.status is not Status.MANUAL:
            continue
        host = o.subject.host
        t = empty_on.get(host) if host is not None else None
        if t is None or w.status is not Status.PASS or o.question != settings_question(host):
            continue
        said = (
            f"{HOST_SETTINGS} on host {host} empty, attested ('{t.answer}' to "
            f"{HOST_SETTINGS_CHECK}) by {t.attested_by} on {t.attested_at} ({t.evidence})"
        )
        a.results[i] = dataclasses.replace(
            r,
            outcome=Outcome(o.subject, w.status, f"{said}; observed: {w.message}", o.evidence),
            attested=dataclasses.replace(
                t, evidence=f"{HOST_SETTINGS_CHECK}: {HOST_SETTINGS} empty; {t.evidence}"
            ),
        )


RAW_ARGUMENTS_CHECK = "HVA-046"
"""The check that asks whether a VM has raw QEMU arguments at all (devices.no_raw_qemu_arguments;
"yes" passes: the definition on the host has no <qemu:commandline>, <qemu:capabilities>,
<qemu:override> or <qemu:deprecation>)."""


def _answer_unseen_raw_arguments(a: Assessment) -> None:
    """Where raw QEMU arguments were unobservable, each check that fails on what they add asked
    whether a VM's arguments leave that out (hvaudit.checks.base.raw_arguments_unseen) and kept
    the verdict of the XML alone (`Outcome.withheld`). An attestation that answers HVA-046 yes
    for a VM says it has none: that answers each of those questions of the same VM (same host,
    name and uuid) at once, and the XML's pass or n/a stands, resting on that attestation (its
    `Attested` record and message name it and HVA-046). A question of the check's own, which
    asked whether the raw arguments leave that out as well (base.raw_unseen_also), is asked
    alone again, its message naming the attestation. A "no" to HVA-046 (it has raw
    arguments), an expired attestation or another VM's leaves them open; a fail is never
    touched, nor an item an attestation of its own already answered."""

    def key(r: Result) -> tuple[str | None, str, str | None]:
        s = r.outcome.subject
        return (s.host, s.name, s.id)

    none_by = _yes_attested(a, RAW_ARGUMENTS_CHECK, "vm", key)
    if not none_by:
        return
    for i, r in enumerate(a.results):
        o, w = r.outcome, r.outcome.withheld
        if w is None or r.attested is not None or o.status is not Status.MANUAL:
            continue
        t = none_by.get(key(r)) if o.subject.type == "vm" else None
        if t is None or o.question == settings_question(o.subject.host):
            continue
        said = (
            f"no raw QEMU arguments, attested ('{t.answer}' to {RAW_ARGUMENTS_CHECK}) by "
            f"{t.attested_by} on {t.attested_at} ({t.evidence})"
        )
        if w.status is Status.MANUAL:
            # the check's own question, which asked about raw arguments too, is asked alone
            a.results[i] = dataclasses.replace(
                r,
                outcome=Outcome(
                    o.subject, w.status, f"{w.message}; {said}", o.evidence, w.question
                ),
            )
            continue
        if w.status not in (Status.PASS, Status.NOT_APPLICABLE):
            continue
        message = f"{said}; observed: {o.message}"
        a.results[i] = dataclasses.replace(
            r,
            outcome=Outcome(o.subject, w.status, message, o.evidence, o.question),
            attested=dataclasses.replace(
                t, evidence=f"{RAW_ARGUMENTS_CHECK}: no raw QEMU arguments; {t.evidence}"
            ),
        )


def apply_waivers(a: Assessment, waivers: list[Waiver], today: dt.date) -> None:
    """Mark matching results waived; report every waiver's state."""
    for w in waivers:
        expired = today > w.expires
        matched = 0
        for i, r in enumerate(a.results):
            if r.waived is not None or r.status is Status.PASS or not w.target.matches(r):
                continue
            matched += 1
            if not expired:
                a.results[i] = dataclasses.replace(
                    r, waived=Waived(w.id, w.reason, w.owner, w.expires.isoformat())
                )
        state = "expired" if expired else "active" if matched else "unmatched"
        a.waivers.append(
            {
                "id": w.id,
                "state": state,
                "matched": str(matched),
                "expires": w.expires.isoformat(),
                "owner": w.owner,
                "reason": w.reason,
            }
        )
