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


A, R, B = EDITIONS


def _recs(cid: str) -> dict[str, list[str]]:
    return {e: list(META[cid].recommendations[e]) for e in EDITIONS if META[cid].recommendations[e]}


# Every mapping issue 8 named, and every mapping the audit against the reference changed.
EXPECTED = {
    # I/O bandwidth has no 2014 recommendation (2014 HY-SR-9 is CPU); Rev. 1 HY-SR-8.
    "HVA-092": {R: ["HY-SR-8"]},
    # Remote logging: 2014 HY-SR-20 was dropped; Rev. 1 HY-SR-17 (config-change alerts) differs.
    "HVA-200": {A: ["HY-SR-20"]},
    "HVA-201": {R: ["HY-SR-17"]},
    "HVA-202": {A: ["HY-SR-20"]},
    # VM-port checks: 2014 HY-SR-19 is the host's own packet filter; SP 800-125B for the VM port.
    "HVA-191": {B: ["VM-FW-R2"]},
    "HVA-192": {B: ["VM-NS-R3"]},
    "HVA-193": {B: ["VM-TM-R2"]},
    "HVA-194": {B: ["VM-FW-R2"]},
    "HVA-303": {B: ["VM-FW-R2", "VM-FW-R3"]},
    # Driver certification survives in Rev. 1 only in the trust model, not as a recommendation.
    "HVA-040": {A: ["HY-SR-5"]},
    "HVA-041": {A: ["HY-SR-5"]},
    # Rev. 1 section 7 leaves secure protocols and admin accounts out; HY-SR-20 is the segment.
    "HVA-030": {A: ["HY-SR-4"], B: ["VM-NS-R2"]},
    "HVA-034": {A: ["HY-SR-16"]},
    "HVA-033": {A: ["HY-SR-4"]},
    # HY-SR-11 is the image library's access control; secrets are not images.
    "HVA-133": {A: ["HY-SR-13"], R: ["HY-SR-18"]},
    # "Off the hypervisor host" is no longer in Rev. 1.
    "HVA-100": {A: ["HY-SR-10"]},
    # 2014 HY-SR-8 is per VM (strictly fewer); Rev. 1 HY-SR-4 is all VMs together (not exceed).
    "HVA-080": {A: ["HY-SR-8"]},
    "HVA-081": {R: ["HY-SR-4"]},
    # The IOMMU is named by Rev. 1 (HY-SR-2, 6C), not by the 2014 HY-SR-5.
    "HVA-050": {A: ["HY-SR-2"], R: ["HY-SR-6C"]},
    "HVA-051": {A: ["HY-SR-2"], R: ["HY-SR-6C"]},
    "HVA-052": {A: ["HY-SR-2"], R: ["HY-SR-6C"]},
    # QEMU confinement: Rev. 1 HY-SR-7 (labelling, per-VM device access), not 6A (emulation).
    "HVA-042": {A: ["HY-SR-5"], R: ["HY-SR-7"]},
    "HVA-045": {A: ["HY-SR-5"]},
    "HVA-310": {A: ["HY-SR-5"], R: ["HY-SR-7"]},
    # Host firewall default policy is 2014 HY-SR-19 only; Rev. 1 HY-SR-20 is the management segment.
    "HVA-190": {A: ["HY-SR-19"]},
    "HVA-301": {A: ["HY-SR-19"], B: ["VM-FW-R3"]},
    "HVA-302": {A: ["HY-SR-19"]},
    "HVA-305": {A: ["HY-SR-21"], R: ["HY-SR-20"]},
    "HVA-309": {B: ["VM-NS-R2"]},
    "HVA-412": {A: ["HY-SR-19"], R: ["HY-SR-20"]},
    # The check sees a team, not driver/bus/switch diversity: no VM-NPR pass without it.
    "HVA-220": {A: ["HY-SR-22"]},
    "HVA-440": {A: ["HY-SR-22"]},
    # vSphere: the same decisions as their KVM counterparts.
    "HVA-417": {B: ["VM-FW-R2", "VM-TM-R2"]},
    "HVA-418": {B: ["VM-NS-R3"]},
    "HVA-420": {A: ["HY-SR-20"]},
    "HVA-426": {A: ["HY-SR-5"]},
    "HVA-427": {A: ["HY-SR-5"]},
    "HVA-430": {B: ["VM-FW-R2"]},
    "HVA-431": {A: ["HY-SR-4"]},
    # vMotion is infrastructure traffic; SP 800-125B VM-NS-R2 is the management network.
    "HVA-434": {R: ["HY-SR-13"]},
    # Manual items split into one question each (issue 8): each part cites what its question
    # serves. The hosted design (HVA-002) and a host that runs nothing else (HVA-250, marked as
    # an interpretation) serve 2014 HY-SR-1; monitoring through introspection (HVA-120, 438) and
    # the hardened appliance it runs in (HVA-251, 480) serve 2014 HY-SR-12 / Rev. 1 HY-SR-15.
    "HVA-002": {A: ["HY-SR-1"]},
    "HVA-250": {A: ["HY-SR-1"]},
    **{cid: {A: ["HY-SR-12"], R: ["HY-SR-15"]} for cid in ("HVA-120", "HVA-251")},
    **{cid: {A: ["HY-SR-12"], R: ["HY-SR-15"]} for cid in ("HVA-438", "HVA-480")},
}


@pytest.mark.parametrize("cid", sorted(EXPECTED))
def test_mapping_follows_the_reference(cid: str) -> None:
    assert _recs(cid) == EXPECTED[cid]


def test_functions_follow_the_catalog_for_the_checks_issue_8_named() -> None:
    bf = {cid: {e: list(META[cid].functions[e]) for e in (A, R)} for cid in META}
    for cid in ("HVA-060", "HVA-061", "HVA-070", "HVA-090", "HVA-091", "HVA-404", "HVA-414"):
        assert bf[cid] == {A: ["HY-BF4"], R: ["HY-BF1"]}, cid
    assert bf["HVA-080"] == {A: ["HY-BF4"], R: []}
    assert bf["HVA-081"] == {A: [], R: ["HY-BF1"]}
    assert bf["HVA-092"] == {A: [], R: ["HY-BF2"]}
    assert bf["HVA-050"] == {A: ["HY-BF1"], R: ["HY-BF2"]}
    assert bf["HVA-200"] == {A: ["HY-BF5"], R: []}
    assert bf["HVA-201"] == {A: [], R: ["HY-BF4"]}


def test_no_vm_check_sits_under_a_host_only_recommendation() -> None:
    host_only = {(A, "HY-SR-19"), (A, "HY-SR-21"), (R, "HY-SR-20")}
    for m in META.values():
        if m.scope == "vm":
            cited = {(c.edition, c.recommendation) for c in m.citations}
            assert not cited & host_only, m.id


def test_the_same_condition_has_the_same_severity_on_every_platform() -> None:
    # QEMU as root without a per-VM label: libvirt HVA-042/043 are critical, so is Proxmox's HVA-310.
    assert META["HVA-310"].severity is META["HVA-042"].severity is Severity.CRITICAL


def test_interpretations_are_marked_where_the_text_does_not_say_it() -> None:
    interpreted = {
        (m.id, c.edition, c.recommendation)
        for m in META.values()
        for c in m.citations
        if c.interpretation
    }
    assert {
        ("HVA-191", B, "VM-FW-R2"),
        ("HVA-192", B, "VM-NS-R3"),
        ("HVA-193", B, "VM-TM-R2"),
        ("HVA-194", B, "VM-FW-R2"),
        ("HVA-042", A, "HY-SR-5"),
        ("HVA-061", R, "HY-SR-3"),
        ("HVA-021", R, "HY-SR-1"),
        ("HVA-201", R, "HY-SR-17"),
        ("HVA-057", A, "HY-SR-5"),
        ("HVA-058", A, "HY-SR-5"),
        ("HVA-059", A, "HY-SR-5"),
        ("HVA-250", A, "HY-SR-1"),
    } <= interpreted
    # Mappings the text states outright carry no mark.
    assert (
        not {
            ("HVA-092", R, "HY-SR-8"),
            ("HVA-070", A, "HY-SR-7"),
            ("HVA-043", R, "HY-SR-7"),
            ("HVA-200", A, "HY-SR-20"),
        }
        & interpreted
    )


def test_every_2014_recommendation_still_has_a_check() -> None:
    covered = {rid for m in META.values() for rid in m.recommendations[A]}
    assert covered == {f"HY-SR-{n}" for n in range(1, 23)}


def test_the_check_listing_shows_each_mapping_with_function_threats_and_marks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from hvaudit.cli import main

    assert main(["checks"]) == 0
    out = capsys.readouterr().out
    block = out.split("HVA-092 ", 1)[1].split("\nHVA-", 1)[0].splitlines()
    assert block[1].split() == ["125a-r1", "HY-SR-8", "HY-BF2", "HYP-T3"]
    block = out.split("HVA-191 ", 1)[1].split("\nHVA-", 1)[0].splitlines()
    assert block[1].split()[:4] == ["125b", "VM-FW-R2*", "HY-BF5", "(inferred)"]
    assert block[2].strip().startswith("* VM-FW-R2: VM-FW-R2 prefers a kernel-based")
    assert main(["checks", "--format", "markdown"]) == 0
    md = capsys.readouterr().out
    section = md.split("## HVA-060:", 1)[1].split("\n## ", 1)[0]
    assert "| SP 800-125A (2014 draft) | HY-SR-6 " in section and "| HY-BF4 | HYP-T3 |" in section
    assert "| SP 800-125A Rev. 1 | HY-SR-3 " in section and "| HY-BF1 | HYP-T3 |" in section
