"""Checks and the JSON report in several processes (`hvaudit.lanes`): the same bytes as the serial
path, whatever the number of lanes; a worker that dies loses nothing; HVAUDIT_WORKERS switches it.

The deployment mixes the golden test's VMs, libvirt's own corpus of QEMU domains (hundreds of
shapes, through the real parser), a malformed domain (an HVA-000 error) and a replayed real host
(host checks that pass, fail and need answers).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CORPUS, HARDENED_HOST, ReplayRunner, domain_xml, write_node
from hvaudit import lanes
from hvaudit.bundle import Bundle, BundleWriter, dump_json
from hvaudit.checks.base import Severity, Status
from hvaudit.collect.host import HostCollector
from hvaudit.collect.libvirt import LibvirtCollector, LibvirtTarget
from hvaudit.engine import Planned, assess, plan
from hvaudit.parse import build_deployment
from hvaudit.profile import load_profile
from hvaudit.report.json_report import render_json
from hvaudit.textsafe import clean_json

NOW = dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def bundle_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real host with 40 generated VMs, 120 corpus domains and one malformed domain."""
    tmp = tmp_path_factory.mktemp("lanes")
    filterref = "<filterref filter='clean-traffic'/>"
    domains = [
        domain_xml(
            f"vm{i:03d}",
            (
                "<devices><graphics type='vnc' listen='0.0.0.0'/><interface type='network'>"
                f"<source network='default'/>{filterref if i % 3 else ''}</interface></devices>"
            )
            if i % 2
            else "",
            vcpus=1 + i % 4,
        )
        for i in range(40)
    ]
    net = (
        "<network><name>default</name><forward mode='nat'/><bridge name='virbr0'/>"
        "<ip address='192.168.122.1' netmask='255.255.255.0'/></network>"
    )
    uri = write_node(tmp / "node.xml", domains, [net])
    writer = BundleWriter(tmp / "b", target="qemu+ssh://root@hv1/system", platform="kvm-libvirt")
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=True).collect(writer)
    writer.meta["collector"]["libvirt"]["simulated"] = False
    writer.meta["collector"]["libvirt"]["hostname"] = "hv1"
    HostCollector(ReplayRunner(dict(HARDENED_HOST))).collect(writer)
    # libvirt's corpus and a broken definition, added as collected domains
    index_path = "libvirt/domains/index.json"
    index = json.loads(writer.files.pop(index_path))
    entry = writer.entries.pop(index_path)
    (writer.root / index_path).unlink()  # type: ignore[operator]
    corpus = sorted((CORPUS / "qemu-domains").glob("*.xml"))[::4][:120]
    extra = [(p.stem, p.read_bytes()) for p in corpus]
    extra.append(("broken", b"<domain type='kvm'><name>broken</name><devices>"))
    for i, (stem, data) in enumerate(extra):
        path = f"libvirt/domains/corpus-{i:03d}.xml"
        writer.add(path, data, origin="virDomainGetXMLDesc")
        index["domains"].append({"uuid": f"corpus-{stem}", "file": path, "autostart": i % 5 == 0})
    writer.add(index_path, dump_json(index), origin=entry.origin)
    out = writer.close(complete=True)
    assert out is not None
    return out


def _serial(bundle: Path) -> bytes:
    deployment, problems = build_deployment(Bundle.open(bundle))
    a = assess(deployment, problems, load_profile(), now=NOW)
    return clean_json(render_json(a)).encode()


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_lanes_give_the_serial_bytes(bundle_path: Path, n: int) -> None:
    serial = _serial(bundle_path)
    deployment, problems = build_deployment(Bundle.open(bundle_path))
    assert problems, "the malformed domain is an HVA-000 error"
    with lanes.assess_json(deployment, problems, load_profile(), n, now=NOW) as scan:
        assert scan.warnings == []
        assert lanes.read_all(scan.write) == serial
    report = json.loads(serial)
    statuses = {r["status"] for r in report["results"]}
    assert statuses == {"pass", "fail", "manual", "not_applicable", "error"}
    assert len(report["results"]) > 4000
    # what the exit code reads, against the serial assessment
    a = assess(deployment, problems, load_profile(), now=NOW)
    assert scan.has_errors == a.has_errors is True
    for sev in Severity:
        assert scan.fails_at_or_above(sev) == bool(a.failures_at_or_above(sev))


def test_a_check_that_crashes_in_a_lane_is_an_error_result(
    bundle_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hvaudit.checks.base import REGISTRY, Check

    def crash(_ctx: object) -> list[object]:
        raise RuntimeError("boom")

    at = next(i for i, c in enumerate(REGISTRY) if c.meta.id == "HVA-080")
    monkeypatch.setattr(
        "hvaudit.checks.REGISTRY",
        [*REGISTRY[:at], Check(REGISTRY[at].meta, crash), *REGISTRY[at + 1 :]],  # type: ignore[arg-type]
    )
    serial = _serial(bundle_path)
    deployment, problems = build_deployment(Bundle.open(bundle_path))
    with lanes.assess_json(deployment, problems, load_profile(), 2, now=NOW) as scan:
        assert lanes.read_all(scan.write) == serial
    results = [r for r in json.loads(serial)["results"] if r["check_id"] == "HVA-080"]
    crashed = [r for r in results if r["message"] == "check crashed: RuntimeError: boom"]
    assert [r["status"] for r in crashed] == ["error"]
    # the corpus domain whose XML is malformed stays an error of its own (R28D-4)
    assert [(r["status"], r["message"][-22:]) for r in results if r not in crashed] == [
        ("error", "line 1, column 47))): not judged"[-22:])
    ]


def test_a_worker_that_dies_loses_nothing(
    bundle_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker dies on its first check; the parent (slow on its first check, so that the
    worker surely takes one) runs what the worker took and says so."""
    serial = _serial(bundle_path)
    parent = os.getpid()
    real = lanes.run_check
    first = [True]

    def dying(planned: object, ctx: object) -> object:
        if os.getpid() != parent:
            os._exit(9)
        if first[0]:
            first[0] = False
            time.sleep(0.5)
        return real(planned, ctx)  # type: ignore[arg-type]

    monkeypatch.setattr(lanes, "run_check", dying)
    deployment, problems = build_deployment(Bundle.open(bundle_path))
    with lanes.assess_json(deployment, problems, load_profile(), 2, now=NOW) as scan:
        assert lanes.read_all(scan.write) == serial
        assert scan.warnings[0] == "warning: an assessment worker process exited with 9"
        assert scan.warnings[1].endswith("check(s) a failed worker took were run again here")


def test_a_worker_killed_by_a_signal_loses_nothing(
    bundle_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = _serial(bundle_path)
    parent = os.getpid()
    real = lanes.run_check
    first = [True]

    def killed(planned: object, ctx: object) -> object:
        if os.getpid() != parent:
            os.kill(os.getpid(), 9)
        if first[0]:
            first[0] = False
            time.sleep(0.5)
        return real(planned, ctx)  # type: ignore[arg-type]

    monkeypatch.setattr(lanes, "run_check", killed)
    deployment, problems = build_deployment(Bundle.open(bundle_path))
    with lanes.assess_json(deployment, problems, load_profile(), 3, now=NOW) as scan:
        assert lanes.read_all(scan.write) == serial
        assert "warning: an assessment worker process was killed by signal 9" in scan.warnings


def _cli(bundle: Path, out: Path, workers: str, *extra: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, HVAUDIT_WORKERS=workers)
    argv = [sys.executable, "-m", "hvaudit.cli", "assess", str(bundle), "-o", str(out), *extra]
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)


def _without_time(path: Path) -> dict[str, object]:
    report = json.loads(path.read_bytes())
    report.pop("scanned_at")
    return report


def test_cli_writes_the_same_report_in_lanes(bundle_path: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    serial = _cli(bundle_path, one, "1", "--format", "json")
    laned = _cli(
        bundle_path, two, "2", "--format", "json", "--report", f"json={tmp_path / 'r.json'}"
    )
    assert (serial.returncode, laned.returncode) == (3, 3)  # HVA-000 is an error
    assert (serial.stderr, laned.stderr) == ("", "")
    a, b = one.read_bytes(), two.read_bytes()
    assert len(a) == len(b)
    assert _without_time(one) == _without_time(two)
    assert (tmp_path / "r.json").read_bytes() == b
    # the bytes too, once the time is the same
    stamp = json.loads(a)["scanned_at"]
    assert b.replace(json.loads(b)["scanned_at"].encode(), stamp.encode()) == a


def test_workers_setting_is_checked(bundle_path: Path, tmp_path: Path) -> None:
    res = _cli(bundle_path, tmp_path / "x.json", "lots", "--format", "json")
    assert res.returncode == 2
    assert res.stderr.strip() == (
        "hvaudit: error: HVAUDIT_WORKERS='lots': want a number of processes from 1 to 64"
    )


def test_lane_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HVAUDIT_WORKERS", raising=False)
    assert lanes.lanes_for(lanes.AUTO_MIN_VMS - 1) == 1
    cpus = len(os.sched_getaffinity(0))
    assert lanes.lanes_for(10_000) == max(1, min(cpus, lanes.MAX_LANES))
    monkeypatch.setenv("HVAUDIT_WORKERS", "1")
    assert lanes.lanes_for(10_000) == 1
    monkeypatch.setenv("HVAUDIT_WORKERS", "3")
    assert lanes.lanes_for(2) == 3


def test_a_small_scan_stays_in_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Below AUTO_MIN_VMS (and for other formats) the scan stays in its own process: no fork."""
    from hvaudit import cli

    monkeypatch.delenv("HVAUDIT_WORKERS", raising=False)
    forks: list[int] = []
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or -1)
    uri = write_node(tmp_path / "node.xml", [domain_xml(f"vm{i}") for i in range(3)])
    out = tmp_path / "r.json"
    code = cli.main(
        ["scan", "--connect", uri, "--facts", "none", "--format", "json", "-o", str(out)]
    )
    assert code in (0, 1)
    assert forks == []
    assert {r["status"] for r in json.loads(out.read_bytes())["results"]} >= {Status.PASS.value}


def test_a_json_report_in_one_process_is_written_in_pieces(
    bundle_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """In one process too (HVAUDIT_WORKERS=1, a scan below AUTO_MIN_VMS, a fleet's targets) a
    JSON-only report is written check by check from the encoder's cached pieces, as a lane writes
    it: never built as one string, cleaned into a second and encoded into a third (issue 12: 177
    MB each at 5,000 VMs). The bytes are the serial renderer's."""
    import hvaudit.report.json_report as json_report
    from hvaudit import cli

    serial = _serial(bundle_path)

    def whole(_a: object) -> str:
        raise AssertionError("the report was rendered as one string")

    monkeypatch.setattr(json_report, "render_json", whole)
    monkeypatch.setenv("HVAUDIT_WORKERS", "1")
    forks: list[int] = []
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or -1)
    out = tmp_path / "r.json"
    code = cli.main(["assess", str(bundle_path), "--format", "json", "-o", str(out)])
    assert (code, capsys.readouterr().err, forks) == (3, "", [])  # HVA-000 is an error
    got = out.read_bytes()
    stamp = json.loads(got)["scanned_at"].encode()
    assert got.replace(stamp, b"2026-12-01T00:00:00Z", 1) == serial


def _run(snippet: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.run(
        [sys.executable, "-c", snippet], env=env, capture_output=True, text=True, timeout=60
    )


def test_the_command_leaves_at_once_with_its_output_flushed() -> None:
    """`hvaudit.cli.run` skips the heap's teardown, never buffered output or the exit code."""
    res = _run(
        "import sys, hvaudit.cli as c\n"
        "def main():\n"
        "    sys.stdout.write('report text')\n"
        "    return 4\n"
        "c.main = main\n"
        "class Noisy:\n"
        "    def __del__(self):\n"
        "        sys.__stdout__.write(' torn down')\n"
        "keep = Noisy()\n"
        "c.run()\n"
    )
    assert (res.returncode, res.stdout, res.stderr) == (4, "report text", "")


def test_the_command_leaves_without_a_last_garbage_collection() -> None:
    """The collector paused for the command stays off to the end: turned back on, it would
    traverse every object the scan made at its next allocation (issue 12)."""
    res = _run(
        "import gc, sys, hvaudit.cli as c\n"
        "from hvaudit.gcpause import paused_gc\n"
        "def main():\n"
        "    with paused_gc():\n"
        "        c.keep = [[i] for i in range(100_000)]\n"
        "    sys.stdout.write('report text')\n"
        "    return 1\n"
        "c.main = main\n"
        "gc.collect()\n"
        "gc.callbacks.append(lambda phase, info: sys.stdout.write(f' gc {phase}'))\n"
        "c.run()\n"
    )
    assert (res.returncode, res.stdout, res.stderr) == (1, "report text", "")


def test_the_command_exits_normally_when_an_exit_handler_waits() -> None:
    res = _run(
        "import atexit, sys, hvaudit.cli as c\n"
        "atexit.register(lambda: sys.stdout.write(' handler ran'))\n"
        "c.main = lambda: (sys.stdout.write('report text'), 5)[1]\n"
        "c.run()\n"
    )
    assert (res.returncode, res.stdout, res.stderr) == (5, "report text handler ran", "")


def test_the_spliced_report_is_plain_json_dumps(bundle_path: Path) -> None:
    """The encoder's cached pieces and hand-written evidence give exactly what `json.dumps` of
    `report_dict` gives, byte for byte (evidence with and without digests and defaults)."""
    from hvaudit.report.json_report import report_dict

    deployment, problems = build_deployment(Bundle.open(bundle_path))
    a = assess(deployment, problems, load_profile(), now=NOW)
    evidence = [e for r in report_dict(a)["results"] for e in r["evidence"]]
    assert {e["default"] for e in evidence} == {True, False}
    assert {e["sha256"] is None for e in evidence} == {True, False}
    assert render_json(a) == json.dumps(report_dict(a), ensure_ascii=False) + "\n"


def _groups_reference(results: list[object]) -> list[dict[str, object]]:
    """The groups as `report.grouping` builds them for people's reports (what the JSON report
    computed before it took its own one-pass way)."""
    from hvaudit.report.grouping import Group, group_results

    acted = [r for r in results if r.outcome.status in (Status.FAIL, Status.MANUAL, Status.ERROR)]  # type: ignore[attr-defined]
    return [
        {
            "check_id": g.check.id,
            "status": g.status.value,
            "waived": g.waived,
            "subject_type": g.subject_type,
            "count": len(g.subjects),
            "of": g.of,
            "headline": g.headline,
            "subjects": g.subjects,
        }
        for g in group_results(acted, within=results)  # type: ignore[arg-type]
        if isinstance(g, Group)
    ]


def test_groups_are_those_of_the_grouping_module(bundle_path: Path) -> None:
    """Whole assessment and check by check, with every third result waived (a waived result
    groups apart), and with subjects equal in value but not in identity."""
    import dataclasses

    from hvaudit.checks.base import Outcome, Subject
    from hvaudit.engine import Waived
    from hvaudit.report.json_report import groups_of

    deployment, problems = build_deployment(Bundle.open(bundle_path))
    a = assess(deployment, problems, load_profile(), now=NOW)
    waiver = Waived("W-1", "accepted", "ops", "2027-01-01")
    results = [
        dataclasses.replace(
            r,
            waived=waiver if i % 3 == 0 else None,
            outcome=Outcome(
                Subject(
                    r.outcome.subject.type,
                    r.outcome.subject.name,
                    r.outcome.subject.host,
                    r.outcome.subject.id,
                ),
                r.outcome.status,
                r.outcome.message,
            )
            if i % 5 == 0
            else r.outcome,
        )
        for i, r in enumerate(a.results)
    ]
    for rs in (a.results, results):
        expected = _groups_reference(rs)
        assert len(expected) >= 10
        assert {g["waived"] for g in expected} == ({False} if rs is a.results else {True, False})
        assert groups_of(rs) == expected
        by_check: dict[str, list[object]] = {}
        for r in rs:
            by_check.setdefault(r.check.id, []).append(r)
        assert [g for part in by_check.values() for g in groups_of(part)] == expected  # type: ignore[arg-type]


def _square(i: int, sink: lanes.Sink) -> int:
    sink.write([b"x" * i])
    return i * i


def test_jobs_are_taken_in_the_given_order_with_the_same_results() -> None:
    """`first` orders the queue only: every job is done once, its result in its own place. The
    workers that said they were done are returned unreaped, and `_reap` reaps them."""
    results, warnings, files, finished = lanes.run_jobs(
        40, _square, 3, first=list(reversed(range(40)))
    )
    try:
        assert results == [i * i for i in range(40)]
        assert warnings == []
        assert len(files) == 3
        assert len(finished) <= 2
        pids = list(finished)
        lanes._reap(finished)
        assert finished == []
        for pid in pids:
            with pytest.raises(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
    finally:
        for fd in files:
            os.close(fd)
    with pytest.raises(ValueError, match="not an order of the jobs"):
        lanes.run_jobs(3, _square, 2, first=[0, 0, 1])


def test_dearer_checks_are_queued_first_and_workers_reaped_at_close(bundle_path: Path) -> None:
    """The lanes take the checks that compare VMs first, then the other VM checks, then the rest
    (the report is the serial one whatever the order: test_lanes_give_the_serial_bytes); the
    scan's workers are reaped when it is closed."""
    deployment, problems = build_deployment(Bundle.open(bundle_path))
    planned = plan(deployment, load_profile())
    jobs: list[Planned | None] = [*planned, None]  # None: the evidence check (HVA-000)

    def kind(job: Planned | None) -> int:
        if job is None or job.meta.scope != "vm":
            return 2
        return 0 if job.check.peers else 1

    kinds = [kind(jobs[i]) for i in lanes._heavy_first(jobs)]
    assert kinds == sorted(kinds)
    assert kinds[0] == 0 and kinds[-1] == 2 and 1 in kinds
    scan = lanes.assess_json(deployment, problems, load_profile(), 2, now=NOW)
    assert lanes.read_all(scan.write) == _serial(bundle_path)
    pids = list(scan.children)
    scan.close()
    assert scan.children == []
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_a_scan_used_with_with_reaps_its_workers(bundle_path: Path) -> None:
    """`with` closes the lanes' files and reaps the workers (a caller that forgets `close`
    left zombies until it exited)."""
    deployment, problems = build_deployment(Bundle.open(bundle_path))
    with lanes.assess_json(deployment, problems, load_profile(), 2, now=NOW) as scan:
        pids = list(scan.children)
        files = list(scan.files)
    assert scan.children == [] and scan.files == [] and files
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
