"""Picking checks, severities and subjects from the command line, without writing a profile:
`--check`, `--skip-check`, `--severity` and `--subject` narrow what a report shows and what the
exit code counts. Every id, pattern and level is validated before any host is touched; a
mistyped check id is named, with the closest real one.
"""

from __future__ import annotations

import difflib
import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hvaudit.checks import all_checks
from hvaudit.checks.base import Severity
from hvaudit.engine import Assessment, Result
from hvaudit.errors import UsageError

__all__ = ["SUBJECT_TYPES", "Selection", "check_hint"]

SUBJECT_TYPES = ("host", "vm", "network", "pool", "secret")


def _items(values: Iterable[str]) -> list[str]:
    """`--x a,b --x c` -> [a, b, c]."""
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def check_hint(word: str) -> str:
    """`: did you mean HVA-070?` for a mistyped check id: the ids it begins (HVA-19 ->
    HVA-190 ... HVA-194), the id it is once O and l are read as 0 and 1, or the closest ids."""
    ids = [c.meta.id for c in all_checks()]
    word = word.strip().upper()
    found = [i for i in ids if i.startswith(word)] if len(word) > 4 else []
    if not found:
        digits = word[:4] + word[4:].translate(str.maketrans("OIL", "011"))
        found = [digits] if digits in ids else difflib.get_close_matches(word, ids, n=3, cutoff=0.6)
    if not found:
        return " (see 'hvaudit checks')"
    listed = found[:5]
    text = listed[0] if len(listed) == 1 else f"{', '.join(listed[:-1])} or {listed[-1]}"
    return f": did you mean {text}?"


def _check_patterns(values: Iterable[str], flag: str) -> tuple[str, ...]:
    ids = [c.meta.id for c in all_checks()]
    out = []
    for raw in _items(values):
        pattern = raw.upper()
        if not fnmatch.filter(ids, pattern):
            raise UsageError(f"{flag} {raw!r}: no such check{check_hint(raw)}")
        out.append(pattern)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Selection:
    """What `--check`, `--skip-check`, `--severity` and `--subject` keep."""

    checks: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    severities: frozenset[Severity] = frozenset()
    subjects: tuple[tuple[str | None, str], ...] = ()

    @classmethod
    def parse(
        cls,
        checks: Sequence[str],
        skip: Sequence[str],
        severities: Sequence[str],
        subjects: Sequence[str],
    ) -> Selection:
        """Validate the flags' values (UsageError naming the bad one)."""
        levels = []
        for s in _items(severities):
            try:
                levels.append(Severity(s.lower()))
            except ValueError:
                names = [v.value for v in Severity]
                close = difflib.get_close_matches(s.lower(), names, n=1, cutoff=0.5)
                hint = f": did you mean {close[0]}?" if close else f" ({', '.join(names)})"
                raise UsageError(f"--severity {s!r}: no such severity{hint}") from None
        pats: list[tuple[str | None, str]] = []
        for raw in subjects:
            kind, sep, glob = raw.partition(":")
            if not sep:
                pats.append((None, raw))
                continue
            if kind not in SUBJECT_TYPES:
                raise UsageError(
                    f"--subject {raw!r}: unknown subject type {kind!r} ({', '.join(SUBJECT_TYPES)})"
                )
            pats.append((kind, glob))
        return cls(
            _check_patterns(checks, "--check"),
            _check_patterns(skip, "--skip-check"),
            frozenset(levels),
            tuple(pats),
        )

    @property
    def active(self) -> bool:
        """True when any flag narrows the report."""
        return bool(self.checks or self.skip or self.severities or self.subjects)

    def keeps(self, r: Result) -> bool:
        """True when the result is one the flags ask for."""
        cid = r.check.id
        if self.checks and not any(fnmatch.fnmatchcase(cid, p) for p in self.checks):
            return False
        if any(fnmatch.fnmatchcase(cid, p) for p in self.skip):
            return False
        if self.severities and r.severity not in self.severities:
            return False
        if self.subjects:
            s = r.outcome.subject
            return any(
                (kind is None or s.type == kind) and fnmatch.fnmatchcase(s.name, glob)
                for kind, glob in self.subjects
            )
        return True

    def apply(self, a: Assessment) -> None:
        """Narrow the assessment's results (and the checks it lists) to the selection."""
        if not self.active:
            return
        a.results = [r for r in a.results if self.keeps(r)]
        kept = {r.check.id for r in a.results}
        a.checks = [m for m in a.checks if m.id in kept]
