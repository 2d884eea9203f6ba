"""The scan's cheap constructions give the same values as the plain ones: outcomes and results
filled slot by slot (`checks.base._outcome`, `engine.run_check`), groups computed with subjects
cached across checks (`report.json_report.groups_of`), the clock formatted once a second
(`bundle.utc_now`), the JSON encoder's pieces shared by message and by evidence identity
(`ResultEncoder`), two-step XML paths walked in C (`parse.libvirt_xml._first` / `_every`), a
running domain's id cut out without a regex substitution (`collect.libvirt._without_run_id`),
the model's frozen dataclasses built through their slots' descriptors (`model._quick_inits`).
Real checks over a real test-driver deployment, libvirt's own corpus of domains."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from conftest import CORPUS, domain_xml, write_node
from hvaudit import model
from hvaudit.bundle import utc_now
from hvaudit.checks.base import (
    Context,
    Outcome,
    Status,
    Subject,
    failed,
    manual,
    not_applicable,
    passed,
)
from hvaudit.collect import CollectOptions, collect
from hvaudit.collect.libvirt import _RUN_ID, _without_run_id
from hvaudit.engine import Result, plan, run_check
from hvaudit.model import SLOW_INITS, Source
from hvaudit.parse import build_deployment
from hvaudit.parse.libvirt_xml import _every, _first, parse_domain
from hvaudit.profile import load_profile
from hvaudit.report.json_report import ResultEncoder, SubjectKeys, groups_of
from hvaudit.safexml import parse_xml


def test_outcome_helpers_give_the_dataclass_values() -> None:
    s, src = Subject("vm", "web1", "hv1", "u-1"), Source("libvirt/domains/u-1.xml", "/domain")
    cases = [
        (passed(s, "ok", src), Outcome(s, Status.PASS, "ok", (src,))),
        (failed(s, "bad", src, src), Outcome(s, Status.FAIL, "bad", (src, src))),
        (manual(s, "ask", question="Q?"), Outcome(s, Status.MANUAL, "ask", (), "Q?")),
        (not_applicable(s, "none"), Outcome(s, Status.NOT_APPLICABLE, "none", ())),
    ]
    for fast, plain in cases:
        assert fast == plain and hash(fast) == hash(plain) and repr(fast) == repr(plain)
        for f in dataclasses.fields(Outcome):
            assert getattr(fast, f.name) == getattr(plain, f.name)


def _deployment(tmp_path: Path) -> Context:
    vms = [
        domain_xml(f"vm{i:02d}", "<devices><graphics type='vnc' port='-1'/></devices>")
        for i in range(12)
    ]
    uri = write_node(tmp_path / "node.xml", vms)
    dep, problems = build_deployment(collect(CollectOptions(uri, facts="none"), None).bundle)
    assert problems == []
    return Context(dep, load_profile(None))


def test_run_check_results_are_the_dataclass_values(tmp_path: Path) -> None:
    ctx = _deployment(tmp_path)
    for planned in plan(ctx.deployment, ctx.profile):
        results = run_check(planned, ctx)
        assert results
        for r in results:
            plain = Result(planned.meta, r.outcome, planned.severity)
            assert r == plain and repr(r) == repr(plain)
            assert r.waived is None and r.attested is None


def test_groups_with_a_shared_subject_cache_equal_groups_without(tmp_path: Path) -> None:
    ctx = _deployment(tmp_path)
    seen: SubjectKeys = {}
    grouped = 0
    for planned in plan(ctx.deployment, ctx.profile):
        results = run_check(planned, ctx)
        alone = groups_of(results)
        assert groups_of(results, seen) == alone
        grouped += len(alone)
    assert grouped > 0  # twelve VMs fail or need an answer on several checks together


def test_utc_now_is_the_current_second() -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    got = dt.datetime.fromisoformat(utc_now().replace("Z", "+00:00"))
    after = dt.datetime.now(dt.UTC).replace(microsecond=0)
    assert before <= got <= after
    assert utc_now().endswith("Z") and len(utc_now()) == len("2026-12-01T02:00:00Z")


def test_shared_encoder_pieces_are_each_results_own(tmp_path: Path) -> None:
    """One encoder over every check's results (messages and evidence shared by value and by
    identity) writes each result as a fresh encoder writes it alone; also for results whose
    messages are equal but distinct strings, whose evidence holds the same Sources in another
    order, or equal Sources that are distinct objects."""
    ctx = _deployment(tmp_path)
    results = [r for p in plan(ctx.deployment, ctx.profile) for r in run_check(p, ctx)]
    a, b = Source("libvirt/domains/u-1.xml", "/domain/a"), Source("libvirt/domains/u-1.xml", "/b")
    s, meta = Subject("vm", "web1", "hv1", "u-1"), results[0].check
    for o in (
        failed(s, "".join(["same ", "message"]), a, b),
        failed(s, "".join(["same ", "message"]), b, a),
        failed(s, "same message", dataclasses.replace(a), dataclasses.replace(b)),
        manual(s, "same message", a, b, b, question="Q?"),
        passed(s, "other message", a, b),
    ):
        results.append(Result(meta, o, results[0].severity))
    digests = ctx.deployment.artefact_digests
    shared: list[str] = []
    ResultEncoder(digests, str).pieces(results, shared)
    alone = []
    for r in results:
        pieces: list[str] = []
        ResultEncoder(digests, str).pieces([r], pieces)
        alone.append("".join(pieces))
    assert "".join(shared) == ", ".join(alone)


def test_two_step_paths_find_what_elementpath_finds() -> None:
    """`_first` / `_every` against `find` / `findall` of "parent/child", on libvirt's corpus
    (every child tag of every element as the parent, each of its children's tags as the child)
    and on repeated parents (the first child of any of them, in document order)."""
    docs = [p.read_text() for p in sorted((CORPUS / "qemu-domains").glob("*.xml"))]
    docs.append("<d><a><x/></a><a><b i='2'/><b i='3'/></a><b i='9'/><a/><a><b i='4'/></a></d>")
    compared = 0
    for text in docs:
        root = parse_xml(text, "corpus")
        for el in root.iter():
            for parent in {c.tag for c in el}:
                for child in {g.tag for c in el.findall(parent) for g in c} | {"nothing"}:
                    assert _first(el, parent, child) is el.find(f"{parent}/{child}")
                    assert _every(el, parent, child) == el.findall(f"{parent}/{child}")
                    compared += 1
    assert compared > 10_000


def test_run_id_cut_is_the_regex_substitution() -> None:
    texts = [
        "<domain type='kvm' id='5'><name>a</name></domain>",
        "<domain id='12' type='kvm'>x</domain>",
        "<domain type='kvm'><name>a</name></domain>",
        "<domain type='kvm' id='x'>",
        " <domain id='1'>",
        "<domainx id='1'>",
        "<domain\n  id='7'><name id='8'/></domain>",
        "<domain type='kvm' id='3' id='4'>",
    ]
    texts += [p.read_text() for p in sorted((CORPUS / "qemu-domains").glob("*.xml"))[:200]]
    texts += [t.replace("<domain ", "<domain id='42' ", 1) for t in texts]
    for text in texts:
        assert _without_run_id(text) == _RUN_ID.sub(r"\1", text, count=1)


def test_quick_constructors_give_the_dataclass_values() -> None:
    """Each frozen model class whose constructor `_quick_init` replaced: every field given
    positionally, by keyword, and each defaulted field left out (a default factory called anew
    each time, as the dataclass does), against the dataclass-generated constructor."""
    assert {model.Source, model.Fact, model.Interface, model.Disk, model.Graphics} <= set(
        SLOW_INITS
    )
    for cls, slow in SLOW_INITS.items():
        fs = dataclasses.fields(cls)
        values = [object() for _ in fs]
        calls: list[tuple[list[object], dict[str, object]]] = [
            (values, {}),
            ([], {f.name: v for f, v in zip(fs, values, strict=True)}),
        ]
        required = [f for f in fs if f.default is f.default_factory is dataclasses.MISSING]
        calls.append((values[: len(required)], {}))
        for args, kwargs in calls:
            quick = cls(*args, **kwargs)
            plain = object.__new__(cls)
            slow(plain, *args, **kwargs)
            given = {f.name for f in fs[: len(args)]} | set(kwargs)
            for f in fs:
                got, want = getattr(quick, f.name), getattr(plain, f.name)
                if f.name in given or f.default_factory is dataclasses.MISSING:
                    assert got is want, (cls.__name__, f.name)
                else:  # a default factory's value: made anew for each object
                    assert got == want and got is not want, (cls.__name__, f.name)
            assert quick == plain and repr(quick) == repr(plain)
        try:
            cls(*values, object())
        except TypeError:
            pass
        else:
            raise AssertionError(f"{cls.__name__} took one argument too many")


def test_quick_constructors_parse_the_corpus_as_the_dataclass_ones() -> None:
    """Every domain of libvirt's corpus parsed with the quick constructors and with the
    dataclass-generated ones: the same VMs (repr shows every nested value)."""
    docs = sorted((CORPUS / "qemu-domains").glob("*.xml"))[:400]

    def parse_all() -> list[str]:
        out = []
        for path in docs:
            try:
                vm = parse_domain(
                    path.read_text(),
                    f"libvirt/domains/{path.stem}.xml",
                    "hv1",
                    autostart=False,
                    secure_xml=False,
                )
            except Exception as exc:
                out.append(f"{type(exc).__name__}: {exc}")
            else:
                out.append(repr(vm))
        return out

    quick = {cls: vars(cls)["__init__"] for cls in SLOW_INITS}
    fast = parse_all()
    try:
        for cls, slow in SLOW_INITS.items():
            cls.__init__ = slow
        plain = parse_all()
    finally:
        for cls, init in quick.items():
            cls.__init__ = init
    assert len(fast) == len(docs) > 100 and fast == plain
