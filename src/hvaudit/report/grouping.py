"""Grouping for reports: a check with the same status on many subjects is told once, with the list.

A stock deployment fails HVA-070 (no memtune) on every VM; 494 identical cards bury the one finding
that matters. Every report for people renders `group_results` instead: "HVA-070 fails on 494 of
494 VMs", once, with the subjects (and their messages) listed under it. The JSON report keeps
every result and adds the same groups as a summary.
"""

from __future__ import annotations

from collections import Counter, defaultdict
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
        n = len({r.outcome.subject for r in self.results})
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
    """
    key_of = _key
    members: dict[tuple[str, Status, bool, str], list[Result]] = defaultdict(list)
    for r in results:
        members[key_of(r)].append(r)
    totals: Counter[tuple[str, str]] = Counter()
    seen: set[tuple[str, Subject]] = set()
    for r in within if within is not None else results:
        ident = (r.check.id, r.outcome.subject)
        if ident not in seen:
            seen.add(ident)
            totals[(r.check.id, r.outcome.subject.type)] += 1
    out: list[Result | Group] = []
    placed: set[tuple[str, Status, bool, str]] = set()
    for r in results:
        k = key_of(r)
        rs = members[k]
        if len(rs) < at:
            out.append(r)
            continue
        if k in placed:
            continue
        placed.add(k)
        out.append(
            Group(
                r.check,
                r.status,
                r.severity,
                r.waived is not None,
                r.outcome.subject.type,
                tuple(rs),
                max(
                    totals[(r.check.id, r.outcome.subject.type)],
                    len({x.outcome.subject for x in rs}),
                ),
            )
        )
    return out


def _key(r: Result) -> tuple[str, Status, bool, str]:
    return (r.check.id, r.status, r.waived is not None, r.outcome.subject.type)
