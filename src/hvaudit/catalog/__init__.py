"""The SP 800-125A/B catalog as typed data, loaded from the reviewable TOML files in `data/`.

Nothing here is encoded in code: functions, recommendations of every edition, threats and the
crosswalk are data, validated on load so that a typo in an id fails loudly instead of silently
dropping a mapping.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from hvaudit.errors import CatalogError

__all__ = [
    "EDITIONS",
    "Catalog",
    "CrosswalkEntry",
    "Edition",
    "Function",
    "Recommendation",
    "Threat",
    "load_catalog",
]

#: Catalog editions in the order reports show them. The key is the JSON report's key.
EDITIONS: tuple[str, ...] = ("sp800-125a-2014", "sp800-125a-r1", "sp800-125b")

EDITION_LABELS: dict[str, str] = {
    "sp800-125a-2014": "SP 800-125A (2014 draft)",
    "sp800-125a-r1": "SP 800-125A Rev. 1",
    "sp800-125b": "SP 800-125B",
}


@dataclass(frozen=True, slots=True)
class Function:
    """A baseline function HY-BF1..5 with its name in each edition."""

    id: str
    names: dict[str, str]
    summary: str

    @property
    def name(self) -> str:
        """The Rev. 1 name, the one current readers know."""
        return self.names.get("sp800-125a-r1") or next(iter(self.names.values()))


@dataclass(frozen=True, slots=True)
class Threat:
    """A threat, threat source or design vulnerability (or one of hvaudit's own, marked by origin)."""

    id: str
    kind: str
    title: str
    summary: str
    editions: tuple[str, ...]
    origin: str


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One recommendation of one edition."""

    edition: str
    id: str
    title: str
    summary: str
    functions: tuple[str, ...]
    kind: str
    section: str
    threats: tuple[str, ...]
    functions_inferred: bool = False


@dataclass(frozen=True, slots=True)
class Edition:
    """A published text and its recommendations, in document order."""

    id: str
    title: str
    published: str
    status: str
    recommendations: tuple[Recommendation, ...]

    def get(self, rec_id: str) -> Recommendation:
        """Return recommendation `rec_id` or raise CatalogError."""
        for rec in self.recommendations:
            if rec.id == rec_id:
                return rec
        raise CatalogError(f"{self.id} has no recommendation {rec_id}")


@dataclass(frozen=True, slots=True)
class CrosswalkEntry:
    """How one 2014 recommendation lives on in Rev. 1 and SP 800-125B (inferred, not NIST's)."""

    source: str
    r1: tuple[str, ...]
    b: tuple[str, ...]
    match: str
    note: str


@dataclass(frozen=True, slots=True)
class Catalog:
    """Everything the catalog knows, cross-checked on load."""

    functions: tuple[Function, ...]
    threats: tuple[Threat, ...]
    editions: dict[str, Edition]
    crosswalk: tuple[CrosswalkEntry, ...]

    def function(self, fid: str) -> Function:
        """Return baseline function `fid` or raise CatalogError."""
        for fn in self.functions:
            if fn.id == fid:
                return fn
        raise CatalogError(f"unknown baseline function {fid}")

    def threat(self, tid: str) -> Threat:
        """Return threat `tid` or raise CatalogError."""
        for th in self.threats:
            if th.id == tid:
                return th
        raise CatalogError(f"unknown threat {tid}")

    def recommendation(self, edition: str, rec_id: str) -> Recommendation:
        """Return recommendation `rec_id` of `edition` or raise CatalogError."""
        if edition not in self.editions:
            raise CatalogError(f"unknown edition {edition}")
        return self.editions[edition].get(rec_id)

    def crosswalk_for(self, rec_id_2014: str) -> CrosswalkEntry:
        """Return the crosswalk row of a 2014 recommendation."""
        for row in self.crosswalk:
            if row.source == rec_id_2014:
                return row
        raise CatalogError(f"no crosswalk row for {rec_id_2014}")


def _load(name: str) -> dict[str, Any]:
    ref = resources.files("hvaudit.catalog").joinpath("data", f"{name}.toml")
    try:
        return tomllib.loads(ref.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CatalogError(f"catalog file {name}.toml: {exc}") from None


def _edition(name: str) -> Edition:
    raw = _load(name)
    head = raw["edition"]
    recs = tuple(
        Recommendation(
            edition=head["id"],
            id=r["id"],
            title=r["title"],
            summary=r["summary"],
            functions=tuple(r["functions"]),
            kind=r["kind"],
            section=r["section"],
            threats=tuple(r["threats"]),
            functions_inferred=bool(r.get("inferred", False)),
        )
        for r in raw["recommendation"]
    )
    return Edition(head["id"], head["title"], head["published"], head["status"], recs)


def _validate(cat: Catalog) -> None:
    fids = {f.id for f in cat.functions}
    tids = {t.id for t in cat.threats}
    for edition in cat.editions.values():
        seen: set[str] = set()
        for rec in edition.recommendations:
            if rec.id in seen:
                raise CatalogError(f"{edition.id}: duplicate {rec.id}")
            seen.add(rec.id)
            if rec.kind not in ("architectural", "configuration"):
                raise CatalogError(f"{edition.id} {rec.id}: bad kind {rec.kind!r}")
            for fid in rec.functions:
                if fid not in fids:
                    raise CatalogError(f"{edition.id} {rec.id}: unknown function {fid}")
            for tid in rec.threats:
                if tid not in tids:
                    raise CatalogError(f"{edition.id} {rec.id}: unknown threat {tid}")
    ids_2014 = [r.id for r in cat.editions["sp800-125a-2014"].recommendations]
    if sorted(row.source for row in cat.crosswalk) != sorted(ids_2014):
        raise CatalogError("crosswalk must have exactly one row per 2014 recommendation")
    for row in cat.crosswalk:
        for rid in row.r1:
            cat.recommendation("sp800-125a-r1", rid)
        for rid in row.b:
            cat.recommendation("sp800-125b", rid)


@functools.cache
def load_catalog() -> Catalog:
    """Load and validate the packaged catalog (cached: it is immutable)."""
    try:
        functions = tuple(
            Function(f["id"], dict(f["names"]), f["summary"])
            for f in _load("functions")["function"]
        )
        threats = tuple(
            Threat(
                t["id"],
                t["kind"],
                t["title"],
                t["summary"],
                tuple(t["editions"]),
                t.get("origin", "nist"),
            )
            for t in _load("threats")["threat"]
        )
        editions = {e.id: e for e in (_edition(n) for n in EDITIONS)}
        crosswalk = tuple(
            CrosswalkEntry(m["from"], tuple(m["r1"]), tuple(m["b"]), m["match"], m["note"])
            for m in _load("crosswalk")["map"]
        )
    except KeyError as exc:
        raise CatalogError(f"catalog data is missing field {exc}") from None
    cat = Catalog(functions, threats, editions, crosswalk)
    _validate(cat)
    return cat
