"""Mappings: a check cites recommendations; its functions and threats are the catalog's.

The reference for every id is ../shared/reference/sp800-125a.md. Each test of an individual mapping
asserts the exact ids per edition, so a regression names the check it broke.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hvaudit.catalog import EDITIONS, load_catalog
from hvaudit.checks import all_checks
from hvaudit.checks.base import REGISTRY, CheckMeta, Context, Outcome, Severity, check

META = {c.meta.id: c.meta for c in all_checks()}


def test_functions_and_threats_are_the_union_of_the_cited_catalog_entries() -> None:
    cat = load_catalog()
    for m in META.values():
        for e in EDITIONS:
            recs = [cat.recommendation(e, rid) for rid in m.recommendations[e]]
            fns = {f for r in recs for f in r.functions}
            ths = {t for r in recs for t in r.threats} | (set(m.hvaudit_threats) if recs else set())
            assert set(m.functions[e]) == fns, (m.id, e)
            assert set(m.threats[e]) == ths, (m.id, e)
            assert [c.recommendation for c in m.citations if c.edition == e] == list(
                m.recommendations[e]
            )


def test_the_decorator_takes_no_function_or_threats() -> None:
    with pytest.raises(TypeError):
        check(  # type: ignore[call-arg]
            id="HVA-999",
            title="t",
            scope="host",
            severity=Severity.LOW,
            function="HY-BF1",
            recommendations={},
            remediation="r",
        )


def _declare(**kw: object) -> None:
    def body(ctx: Context) -> Iterator[Outcome]:
        yield from ()

    args: dict[str, object] = {
        "id": "HVA-998",
        "title": "t",
        "scope": "host",
        "severity": Severity.LOW,
        "recommendations": {"sp800-125a-r1": ["HY-SR-8"]},
        "remediation": "r",
    }
    args.update(kw)
    try:
        check(**args)(body)  # type: ignore[arg-type]
    finally:
        REGISTRY[:] = [c for c in REGISTRY if c.meta.id != "HVA-998"]


def test_an_interpretation_must_name_a_cited_recommendation() -> None:
    with pytest.raises(ValueError, match="does not cite"):
        _declare(interpretations={"sp800-125a-r1:HY-SR-9": "why"})
    with pytest.raises(ValueError, match="says nothing"):
        _declare(interpretations={"sp800-125a-r1:HY-SR-8": " "})


def test_only_hvaudit_threats_can_be_added_by_a_check() -> None:
    with pytest.raises(ValueError, match="NIST's"):
        _declare(hvaudit_threats=["HYP-T1"])


def test_an_hvaudit_threat_joins_every_edition_the_check_cites() -> None:
    m = CheckMeta(
        id="HVA-997",
        title="t",
        scope="host",
        severity=Severity.LOW,
        recommendations={"sp800-125a-2014": (), "sp800-125a-r1": ("HY-SR-8",), "sp800-125b": ()},
        remediation="r",
        automation="automatic",
        platforms=("any",),
        hvaudit_threats=("HVA-T6",),
    )
    assert m.functions == {"sp800-125a-2014": (), "sp800-125a-r1": ("HY-BF2",), "sp800-125b": ()}
    assert m.threats == {
        "sp800-125a-2014": (),
        "sp800-125a-r1": ("HYP-T3", "HVA-T6"),
        "sp800-125b": (),
    }


def test_an_unknown_recommendation_fails_at_declaration() -> None:
    from hvaudit.errors import CatalogError

    with pytest.raises(CatalogError):
        _declare(recommendations={"sp800-125a-r1": ["HY-SR-21"]})
