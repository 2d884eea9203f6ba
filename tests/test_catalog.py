"""The catalog matches ../shared/reference/sp800-125a.md: ids, function mappings, crosswalk."""

from __future__ import annotations

import json

import pytest

from hvaudit.catalog import load_catalog
from hvaudit.checks import all_checks
from hvaudit.cli import main


def test_editions_have_every_recommendation_in_order() -> None:
    cat = load_catalog()
    assert [r.id for r in cat.editions["sp800-125a-2014"].recommendations] == [
        f"HY-SR-{n}" for n in range(1, 23)
    ]
    assert [r.id for r in cat.editions["sp800-125a-r1"].recommendations] == [
        "HY-SR-1",
        "HY-SR-2",
        "HY-SR-3",
        "HY-SR-4",
        "HY-SR-5",
        "HY-SR-6A",
        "HY-SR-6B",
        "HY-SR-6C",
        *(f"HY-SR-{n}" for n in range(7, 21)),
    ]
    assert [r.id for r in cat.editions["sp800-125b"].recommendations] == [
        "VM-NS-R1",
        "VM-NS-R2",
        "VM-NS-R3",
        "VM-NS-R4",
        "VM-NS-R5",
        "VM-NPR-R1",
        "VM-NPR-R2",
        "VM-NPR-R3",
        "VM-FW-R1",
        "VM-FW-R2",
        "VM-FW-R3",
        "VM-FW-R4",
        "VM-TM-R1",
        "VM-TM-R2",
        "VM-TM-R3",
    ]


def test_2014_function_mapping_follows_appendix_b() -> None:
    recs = {r.id: r for r in load_catalog().editions["sp800-125a-2014"].recommendations}
    assert recs["HY-SR-1"].functions == () and recs["HY-SR-3"].functions == ()
    assert recs["HY-SR-2"].functions == ("HY-BF1",)
    assert recs["HY-SR-4"].functions == ("HY-BF4", "HY-BF5")
    assert recs["HY-SR-5"].functions == ("HY-BF2",)
    for n in range(6, 14):
        assert recs[f"HY-SR-{n}"].functions == ("HY-BF4",), n
    for n in range(14, 23):
        assert recs[f"HY-SR-{n}"].functions == ("HY-BF5",), n
    assert {r.kind for r in recs.values() if int(r.id.split("-")[2]) <= 4} == {"architectural"}
    assert {r.kind for r in recs.values() if int(r.id.split("-")[2]) >= 5} == {"configuration"}


def test_rev1_function_mapping_and_no_bf3_recommendation() -> None:
    cat = load_catalog()
    recs = {r.id: r for r in cat.editions["sp800-125a-r1"].recommendations}
    assert recs["HY-SR-1"].functions == ()
    assert {recs[i].functions for i in ("HY-SR-2", "HY-SR-3", "HY-SR-4", "HY-SR-5")} == {
        ("HY-BF1",)
    }
    assert {
        recs[i].functions for i in ("HY-SR-6A", "HY-SR-6B", "HY-SR-6C", "HY-SR-7", "HY-SR-8")
    } == {("HY-BF2",)}
    assert {recs[f"HY-SR-{n}"].functions for n in range(9, 19)} == {("HY-BF4",)}
    assert {recs[i].functions for i in ("HY-SR-19", "HY-SR-20")} == {("HY-BF5",)}
    assert not any(
        "HY-BF3" in r.functions for e in cat.editions.values() for r in e.recommendations
    )
    assert [r.kind for r in recs.values()].count("architectural") == 2


def test_crosswalk_rows() -> None:
    cat = load_catalog()
    assert cat.crosswalk_for("HY-SR-3").r1 == ("HY-SR-1",)
    assert cat.crosswalk_for("HY-SR-5").r1 == ("HY-SR-6A", "HY-SR-6B", "HY-SR-6C")
    assert cat.crosswalk_for("HY-SR-13").r1 == ("HY-SR-18",)
    assert cat.crosswalk_for("HY-SR-21").r1 == ("HY-SR-20",)
    assert cat.crosswalk_for("HY-SR-22").b == ("VM-NPR-R1", "VM-NPR-R2", "VM-NPR-R3")
    dropped = {c.source for c in cat.crosswalk if c.match == "dropped"}
    assert dropped == {f"HY-SR-{n}" for n in (1, 4, 14, 15, 16, 18, 19, 20)}


def test_threats_and_nist_origin() -> None:
    cat = load_catalog()
    ids = {t.id for t in cat.threats}
    assert {
        "HYP-T1",
        "HYP-T2",
        "HYP-T3",
        "HYP-T4",
        "HY-TS1",
        "HY-TS2",
        "HY-TS3",
        "HY-DV4",
        "HY-DV5",
    } <= ids
    assert {t.id for t in cat.threats if t.origin == "hvaudit"} == {"HVA-T5", "HVA-T6"}
    assert "sp800-125a-r1" not in cat.threat("HYP-T4").editions


def test_every_2014_recommendation_has_a_check_and_every_check_maps_to_known_ids() -> None:
    cat = load_catalog()
    covered = {rid for c in all_checks() for rid in c.meta.recommendations["sp800-125a-2014"]}
    assert covered == {f"HY-SR-{n}" for n in range(1, 23)}
    for c in all_checks():
        for edition, ids in c.meta.recommendations.items():
            for rid in ids:
                cat.recommendation(edition, rid)
        for t in c.meta.all_threats:
            cat.threat(t)
        for f in c.meta.all_functions:
            cat.function(f)
        assert c.meta.rationale, c.meta.id
        assert (c.meta.automation == "manual") == (c.meta.question is not None), c.meta.id


def test_catalog_cli_filters(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["catalog", "--edition", "sp800-125a-r1", "--function", "HY-BF2", "--format", "json"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in data["recommendations"]] == [
        "HY-SR-6A",
        "HY-SR-6B",
        "HY-SR-6C",
        "HY-SR-7",
        "HY-SR-8",
    ]
    assert (
        main(["catalog", "--threat", "HYP-T3", "--edition", "sp800-125a-2014", "--format", "json"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in data["recommendations"]] == [
        "HY-SR-6",
        "HY-SR-7",
        "HY-SR-8",
        "HY-SR-9",
        "HY-SR-22",
    ]
    assert main(["catalog", "HY-SR-13", "--edition", "sp800-125a-2014"]) == 0
    out = capsys.readouterr().out
    assert "HVA-130" in out and "Rev. 1: HY-SR-18" in out
    assert main(["catalog", "HY-BF9"]) == 2
    assert "nothing in the catalog" in capsys.readouterr().err
