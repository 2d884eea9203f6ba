"""Grouping for reports: a check with the same status on many subjects is told once, with the list.

A stock deployment fails HVA-070 (no memtune) on every VM; 494 identical cards bury the one finding
that matters. Every report for people renders `group_results` instead: "HVA-070 fails on 494 of
494 VMs", once, with the subjects (and their messages) listed under it. The JSON report keeps
every result and adds the same groups as a summary.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hvaudit.checks.base import CheckMeta, Severity, Status, Subject
from hvaudit.engine import Result

__all__ = ["GROUP_AT", "Group", "group_results", "plural"]

#: A check with the same status (and waiver state) on at least this many subjects of one type is
#: shown as one group.
GROUP_AT = 3

_PLURAL = {
    "vm": "VMs",
    "container": "containers",
    "host": "hosts",
    "network": "networks",
    "pool": "pools",
    "secret": "secrets",
}
_VERB = {
    Status.FAIL: "fails on",
    Status.PASS: "passes on",
    Status.MANUAL: "needs a manual answer on",
    Status.NOT_APPLICABLE: "does not apply to",
    Status.ERROR: "is in error on",
}


def plural(subject_type: str, n: int) -> str:
    """`494 VMs`, `1 host`."""
    if n == 1:
        return f"1 {'VM' if subject_type == 'vm' else subject_type}"
    return f"{n} {_PLURAL.get(subject_type, subject_type + 's')}"


@dataclass(frozen=True, slots=True)
class Group:
    """Results of one check with one status on several subjects of one type."""

    check: CheckMeta
    status: Status
    severity: Severity
    waived: bool
    subject_type: str
    results: tuple[Result, ...]
    of: int
    """How many subjects of that type the check produced a result for (any status)."""

    @property
    def headline(self) -> str:
        """`HVA-070 fails on 494 of 494 VMs`."""
        n = len({_ident(r.outcome.subject) for r in self.results})
        return f"{self.check.id} {_VERB[self.status]} {n} of {plural(self.subject_type, self.of)}"

    @property
    def message(self) -> str | None:
        """The message every grouped result shares, or None when they differ."""
        messages = {r.outcome.message for r in self.results}
        return messages.pop() if len(messages) == 1 else None

    @property
    def subjects(self) -> list[str]:
        """The subjects' labels, in result order (each once)."""
        return list(dict.fromkeys(r.outcome.subject.label for r in self.results))


def group_results(
    results: Sequence[Result], *, within: Iterable[Result] | None = None, at: int = GROUP_AT
) -> list[Result | Group]:
    """`results` in their order, with every run of one check, status, waiver state and subject
    type of at least `at` members replaced by one `Group` at the place of its first member.

    `within` is the set of results the "of N" counts come from (default: `results`); pass the whole
    assessment when `results` is a selection such as the failures.

    Linear, and cheap per result (a scan reports tens of thousands): subjects are told apart by
    their fields as a plain tuple (what Subject equality compares) rather than by hashing Subject
    objects, and the "of N" totals are counted only for the (check, subject type) pairs that do
    form a group.
    """
    keys: list[tuple[str, Status, bool, str]] = []
    members: dict[tuple[str, Status, bool, str], list[Result]] = {}
    for r in results:
        o = r.outcome
        k = (r.check.id, o.status, r.waived is not None, o.subject.type)
        keys.append(k)
        rs = members.get(k)
        if rs is None:
            members[k] = [r]
        else:
            rs.append(r)
    grouped = {k for k, rs in members.items() if len(rs) >= at}
    if not grouped:
        return list(results)
    totals = _distinct_subjects(
        within if within is not None else results, {(k[0], k[3]) for k in grouped}
    )
    out: list[Result | Group] = []
    for r, k in zip(results, keys, strict=True):
        if k not in grouped:
            out.append(r)
            continue
        rs = members.pop(k, None)
        if rs is None:  # placed already, at its first member
            continue
        n = len({_ident(x.outcome.subject) for x in rs})
        out.append(
            Group(
                r.check,
                r.status,
                r.severity,
                r.waived is not None,
                k[3],
                tuple(rs),
                max(totals[(k[0], k[3])], n),
            )
        )
    return out


def _ident(s: Subject) -> tuple[str, str, str | None, str | None]:
    """What tells two subjects apart (the fields Subject equality compares), hashed in C."""
    return (s.type, s.name, s.host, s.id)


def _distinct_subjects(
    results: Iterable[Result], pairs: set[tuple[str, str]]
) -> Counter[tuple[str, str]]:
    """How many distinct subjects each (check id, subject type) of `pairs` has a result for."""
    totals: Counter[tuple[str, str]] = Counter()
    seen: set[tuple[str, str, str, str | None, str | None]] = set()
    for r in results:
        s = r.outcome.subject
        pair = (r.check.id, s.type)
        if pair in pairs:
            ident = (r.check.id, s.type, s.name, s.host, s.id)
            if ident not in seen:
                seen.add(ident)
                totals[pair] += 1
    return totals
