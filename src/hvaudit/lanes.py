"""A scan's checks and its JSON report spread over several processes (lanes).

A scan of thousands of VMs spends most of its time after the fetch in Python: running the checks
(tens of thousands of results) and writing them as JSON, serial under the GIL. Each check is a
pure function of the deployment and its results are rendered on their own (the report is sorted
by check first, and a group never spans checks), so the checks can be shared out: once the
deployment is built, the scan forks worker processes (they share the model copy-on-write); each
lane, the parent included, takes the next check from a common queue (a pipe of check numbers),
runs it, renders its results as cleaned JSON and counts them. The parent puts the pieces together
in check order, with the summary computed from the counts: the same bytes as the serial path
(tests/test_lanes.py holds them equal).

A worker that fails (killed, out of memory, a bug outside a check) loses nothing: the parent runs
every check whose output it did not receive itself and says so on standard error. A check that
raises is an error result in a lane exactly as in the serial path.

HVAUDIT_WORKERS=1 turns it off (every check in the scan's own process); HVAUDIT_WORKERS=N asks
for N lanes whatever the deployment's size; unset, a scan of at least `AUTO_MIN_VMS` VMs uses one
lane per CPU it may run on (at most `MAX_LANES`), smaller ones stay serial (a fork is not worth
it). Only the JSON report is rendered in lanes, without waivers, attestations or a selection;
everything else takes the serial path.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import pickle
import signal
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from hvaudit.checks.base import Context, Severity, Status
from hvaudit.engine import (
    EVIDENCE_CHECK,
    Assessment,
    Planned,
    Result,
    evidence_results,
    plan,
    run_check,
    scan_time,
)
from hvaudit.errors import UsageError
from hvaudit.model import Deployment
from hvaudit.parse import ParseProblem
from hvaudit.profile import Profile
from hvaudit.report.json_report import (
    RESULTS_END,
    ResultEncoder,
    groups_of,
    render_head,
    report_head,
)
from hvaudit.textsafe import clean_json

__all__ = ["AUTO_MIN_VMS", "MAX_LANES", "WORKERS_ENV", "JsonScan", "assess_json", "lanes_for"]

WORKERS_ENV = "HVAUDIT_WORKERS"
AUTO_MIN_VMS = 64
MAX_LANES = 4

T = TypeVar("T")


def lanes_for(vms: int) -> int:
    """How many lanes a scan of `vms` VMs uses (see the module's docstring)."""
    text = os.environ.get(WORKERS_ENV, "").strip()
    if not hasattr(os, "fork"):
        return 1
    if text:
        try:
            n = int(text)
        except ValueError:
            n = 0
        if not 1 <= n <= 64:
            raise UsageError(f"{WORKERS_ENV}={text!r}: want a number of processes from 1 to 64")
        return n
    if vms < AUTO_MIN_VMS:
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_LANES))


@dataclass(slots=True)
class CheckJson:
    """One check's part of the report: its results as cleaned JSON (UTF-8, separated by ", "),
    counted per (check id, status, attested), and its groups."""

    text: bytes
    count: int
    tally: Counter[tuple[str, Status, bool]]
    groups: list[dict[str, Any]]


@dataclass(slots=True)
class JsonScan:
    """An assessment rendered as the JSON report, with what the exit code needs."""

    chunks: list[bytes]
    """The report, in order."""
    tally: Counter[tuple[str, Status, bool]]
    severity: dict[str, Severity]
    warnings: list[str]

    @property
    def has_errors(self) -> bool:
        """An error result (none is waived: there are no waivers on this path)."""
        return any(st is Status.ERROR and n for (_, st, _), n in self.tally.items())

    def fails_at_or_above(self, threshold: Severity) -> bool:
        """A failed result of at least `threshold` severity."""
        return any(
            st is Status.FAIL and n and self.severity[cid].rank >= threshold.rank
            for (cid, st, _), n in self.tally.items()
        )


def assess_json(
    deployment: Deployment,
    problems: list[ParseProblem],
    profile: Profile,
    lanes: int,
    *,
    now: dt.datetime | None = None,
) -> JsonScan:
    """Assess and render the JSON report in `lanes` processes: the bytes `render_json` (then
    `clean_json`) gives for `assess(deployment, problems, profile)`."""
    ctx = Context(deployment, profile)
    planned = plan(deployment, profile)
    metas = [p.meta for p in planned]
    jobs: list[Planned | None] = list(planned)
    if problems:
        metas.append(EVIDENCE_CHECK)
        jobs.append(None)  # the evidence check: its results come from the parser's problems
    ids = [EVIDENCE_CHECK.id if job is None else job.meta.id for job in jobs]
    order = sorted(range(len(jobs)), key=ids.__getitem__)  # HVA-000 first, as `assess` sorts
    encoder = ResultEncoder(deployment.artefact_digests)
    keep: list[list[Result]] = []  # the encoder caches objects by identity: keep them alive

    def work(i: int) -> CheckJson:
        job = jobs[i]
        results = evidence_results(deployment, problems) if job is None else run_check(job, ctx)
        keep.append(results)
        tally = Counter((r.check.id, r.outcome.status, r.attested is not None) for r in results)
        text = clean_json(encoder.encode(results)).encode("utf-8", errors="surrogateescape")
        return CheckJson(text, len(results), tally, groups_of(results))

    parts, warnings = run_jobs(len(jobs), work, lanes)
    tally: Counter[tuple[str, Status, bool]] = Counter()
    groups: list[dict[str, Any]] = []
    total = 0
    for i in order:
        tally.update(parts[i].tally)
        groups.extend(parts[i].groups)
        total += parts[i].count
    a = Assessment(deployment, profile, [], scan_time(now), metas)
    by_id = {m.id: m for m in metas}
    head = render_head(report_head(a, tally, by_id, total, groups))
    chunks = [clean_json(head).encode("utf-8", errors="surrogateescape")]
    sep = b""
    for i in order:
        if parts[i].text:
            chunks += [sep, parts[i].text] if sep else [parts[i].text]
            sep = b", "
    chunks.append(RESULTS_END.encode())
    severity = {p.meta.id: p.severity for p in planned} | {
        EVIDENCE_CHECK.id: EVIDENCE_CHECK.severity
    }
    return JsonScan(chunks, tally, severity, warnings)


def run_jobs(n: int, work: Callable[[int], T], lanes: int) -> tuple[list[T], list[str]]:
    """`[work(i) for i in range(n)]`, computed in `lanes` processes (this one and forked
    workers) that take the next job from a common queue; with warnings for workers that
    failed (their jobs are then done here)."""
    if lanes <= 1 or n <= 1:
        return [work(i) for i in range(n)], []
    if n > 16000:  # the queue is written at once into a pipe (64 KiB)
        return [work(i) for i in range(n)], []
    queue, feed = os.pipe()
    try:
        os.write(feed, b"".join(i.to_bytes(4, "little") for i in range(n)))
    finally:
        os.close(feed)
    done: dict[int, T] = {}
    children: list[tuple[int, int]] = []
    try:
        for _ in range(min(lanes, n) - 1):
            out = _scratch()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the worker, which leaves by os._exit
                _worker(queue, out, work)
            children.append((pid, out))
        for i in _take(queue):
            done[i] = work(i)
    except BaseException:
        for pid, out in children:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)
            os.close(out)
        raise
    finally:
        os.close(queue)
    warnings = []
    for pid, out in children:
        got, problem = _collect_worker(pid, out)
        done.update(got)
        if problem:
            warnings.append(problem)
    missing = [i for i in range(n) if i not in done]
    if missing and warnings:
        warnings.append(f"{len(missing)} check(s) a failed worker took were run again here")
    for i in missing:
        done[i] = work(i)
    return [done[i] for i in range(n)], warnings


def _scratch() -> int:
    """An anonymous file for a worker's output (in memory where the system offers it)."""
    if hasattr(os, "memfd_create"):
        with contextlib.suppress(OSError):
            return os.memfd_create("hvaudit-lane", os.MFD_CLOEXEC)
    import tempfile

    fd, path = tempfile.mkstemp(prefix="hvaudit-lane-")
    os.unlink(path)
    return fd


def _take(queue: int) -> Iterator[int]:
    """Job numbers from the queue until it is empty (a read of 4 bytes from a pipe is atomic)."""
    while True:
        b = os.read(queue, 4)
        if len(b) < 4:
            return
        yield int.from_bytes(b, "little")


def _worker(queue: int, out: int, work: Callable[[int], Any]) -> None:  # pragma: no cover
    """A forked worker: do jobs from the queue, write them (pickled) to `out`, leave at once
    (no exit handlers, no flushing of buffers inherited from the parent)."""
    code = 70
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        got = [(i, work(i)) for i in _take(queue)]
        data = memoryview(pickle.dumps(got, protocol=pickle.HIGHEST_PROTOCOL))
        while data:
            data = data[os.write(out, data) :]
        code = 0
    except BaseException:  # noqa: S110 - the parent sees the exit code and redoes the jobs
        pass
    finally:
        os._exit(code)


def _collect_worker(pid: int, out: int) -> tuple[list[tuple[int, Any]], str]:
    """What a worker did, once it has exited: its jobs, and a warning when it failed."""
    try:
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            how = f"was killed by signal {-code}" if code < 0 else f"exited with {code}"
            return [], f"warning: an assessment worker process {how}"
        os.lseek(out, 0, os.SEEK_SET)
        with os.fdopen(os.dup(out), "rb") as f:
            data = f.read()
        got = pickle.loads(data)  # noqa: S301 - written by our own forked worker
        return list(got), ""
    except Exception as exc:
        return [], f"warning: the output of an assessment worker process was lost ({exc})"
    finally:
        os.close(out)


def _note(warnings: list[str]) -> None:
    for w in warnings:
        print(f"hvaudit: {w}", file=sys.stderr)
