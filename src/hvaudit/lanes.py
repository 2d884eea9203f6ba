"""A scan's checks and its JSON report spread over several processes (lanes).

A scan of thousands of VMs spends most of its time after the fetch in Python: running the checks
(tens of thousands of results) and writing them as JSON, serial under the GIL. Each check is a
pure function of the deployment and its results are rendered on their own (the report is sorted
by check first, and a group never spans checks), so the checks can be shared out: once the
deployment is built, the scan forks worker processes (they share the model copy-on-write); each
lane, the parent included, takes the next check from a common queue (a pipe of check numbers),
runs it, counts its results and writes them as cleaned UTF-8 JSON into its own anonymous file
(in memory). The parent then writes the report: the head, computed from every check's counts,
then each check's results copied from the file of the lane that rendered them (in the kernel,
`os.sendfile`), in check order: the same bytes as the serial path (tests/test_lanes.py holds
them equal).

A worker that fails (killed, out of memory, a bug outside a check) loses nothing: the parent runs
every check whose output it did not receive itself and says so on standard error. A check that
raises is an error result in a lane exactly as in the serial path.

HVAUDIT_WORKERS=1 keeps every check in the scan's own process (one lane, no fork);
HVAUDIT_WORKERS=N asks for N lanes whatever the deployment's size; unset, a scan of at least
`AUTO_MIN_VMS` VMs uses one lane per CPU it may run on (at most `MAX_LANES`), smaller ones one
lane (a fork is not worth it). Only the JSON report is rendered this way, without waivers,
attestations or a selection; everything else takes the serial path (the whole assessment, then
each report rendered from it).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import errno
import os
import pickle
import signal
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
    SubjectKeys,
    groups_of,
    render_head,
    report_head,
)
from hvaudit.textsafe import clean_json_utf8

__all__ = [
    "AUTO_MIN_VMS",
    "MAX_LANES",
    "WORKERS_ENV",
    "JsonScan",
    "assess_json",
    "lanes_for",
    "read_all",
]

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
    """One check's part of the report: where its results are (cleaned UTF-8 JSON, separated by
    ", ": `length` bytes at `offset` of the lane's file `fd`), counted per (check id, status,
    attested), and its groups."""

    fd: int
    offset: int
    length: int
    count: int
    tally: Counter[tuple[str, Status, bool]]
    groups: list[dict[str, Any]]


class Sink:
    """A lane's file: pieces written one after another (`os.writev`, no joined copy)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.pos = 0

    def write(self, pieces: list[bytes]) -> tuple[int, int]:
        """Write the pieces; where they went (offset, length)."""
        start = self.pos
        for i in range(0, len(pieces), _IOV_MAX):
            batch = pieces[i : i + _IOV_MAX]
            size = sum(map(len, batch))
            written = os.writev(self.fd, batch)
            if written < size:  # a short write (a signal, a full disk): the rest, the slow way
                _write_all(self.fd, memoryview(b"".join(batch))[written:])
            self.pos += size
        return start, self.pos - start


_IOV_MAX = 1024


def _write_all(fd: int, data: memoryview | bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


@dataclass(slots=True)
class JsonScan:
    """An assessment rendered as the JSON report (`write` it), with what the exit code needs."""

    head: bytes
    parts: list[CheckJson]
    """Each check's results, in report order."""
    tally: Counter[tuple[str, Status, bool]]
    severity: dict[str, Severity]
    warnings: list[str]
    files: list[int]
    """The lanes' files (`close` them)."""
    children: list[int] = dataclasses.field(default_factory=list)
    """Lane workers that said they were done but were not reaped yet (`close` reaps them)."""

    def write(self, fd: int) -> None:
        """Write the whole report to `fd`."""
        _write_all(fd, self.head)
        first = True
        for part in self.parts:
            if not part.length:
                continue
            if not first:
                _write_all(fd, b", ")
            first = False
            _copy(part.fd, part.offset, part.length, fd)
        _write_all(fd, RESULTS_END.encode())

    def __enter__(self) -> JsonScan:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the lanes' files and reap the lane workers (`with` the scan does it)."""
        for fd in self.files:
            with contextlib.suppress(OSError):
                os.close(fd)
        self.files = []
        _reap(self.children)

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


def read_all(write: Callable[[int], None]) -> bytes:
    """What `write` (such as `JsonScan.write`) writes to a file descriptor, in memory: for an
    output that has no descriptor."""
    fd = _scratch()
    try:
        write(fd)
        size = os.lseek(fd, 0, os.SEEK_CUR)
        return os.pread(fd, size, 0) if size else b""
    finally:
        os.close(fd)


def _copy(src: int, offset: int, length: int, dest: int) -> None:
    """`length` bytes at `offset` of `src` to `dest`, in the kernel where it can."""
    end = offset + length
    try:
        while offset < end:
            sent = os.sendfile(dest, src, offset, end - offset)
            if sent == 0:
                raise OSError("sendfile: nothing sent")
            offset += sent
    except OSError as exc:
        if offset > end - length or exc.errno not in (errno.EINVAL, errno.ENOSYS, None):
            raise
        while offset < end:  # sendfile refused before sending anything: read and write
            chunk = os.pread(src, min(end - offset, 1 << 20), offset)
            if not chunk:
                raise OSError(f"lane file ended early ({end - offset} bytes missing)") from None
            _write_all(dest, chunk)
            offset += len(chunk)


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
    encoder = ResultEncoder(deployment.artefact_digests, clean_json_utf8)
    keep: list[list[Result]] = []  # the encoder caches objects by identity: keep them alive
    subjects: SubjectKeys = {}  # each subject's identity and label, for every check's groups

    def work(i: int, sink: Sink) -> CheckJson:
        job = jobs[i]
        results = evidence_results(deployment, problems) if job is None else run_check(job, ctx)
        keep.append(results)
        tally = _tally(results)
        pieces: list[bytes] = []
        encoder.pieces(results, pieces)
        offset, length = sink.write(pieces)
        groups = groups_of(results, subjects)
        return CheckJson(sink.fd, offset, length, len(results), tally, groups)

    parts, warnings, files, children = run_jobs(len(jobs), work, lanes, first=_heavy_first(jobs))
    tally: Counter[tuple[str, Status, bool]] = Counter()
    groups: list[dict[str, Any]] = []
    total = 0
    for i in order:
        tally.update(parts[i].tally)
        groups.extend(parts[i].groups)
        total += parts[i].count
    a = Assessment(deployment, profile, [], scan_time(now), metas)
    by_id = {m.id: m for m in metas}
    head = clean_json_utf8(render_head(report_head(a, tally, by_id, total, groups)))
    severity = {p.meta.id: p.severity for p in planned} | {
        EVIDENCE_CHECK.id: EVIDENCE_CHECK.severity
    }
    return JsonScan(head, [parts[i] for i in order], tally, severity, warnings, files, children)


def _heavy_first(jobs: list[Planned | None]) -> list[int]:
    """The order in which the lanes take the jobs: checks that compare VMs (`peers` declared),
    then the other VM checks, then the rest, each in plan order. The lanes end together when the
    last jobs taken are small (the longest-first rule): in plan order the two dearest checks at
    1,000 VMs (HVA-191 and HVA-197, 19-24 CPU-ms each, their rendering besides) came among the
    last, and one lane waited for the other to finish one of them. Which lane renders a check
    never changes the report (the parent puts every check's part in report order)."""

    def weight(i: int) -> int:
        job = jobs[i]
        if job is None or job.meta.scope != "vm":
            return 2
        return 0 if job.check.peers else 1

    return sorted(range(len(jobs)), key=weight)


_STATUS_AT = {id(st): st for st in Status}


def _tally(results: list[Result]) -> Counter[tuple[str, Status, bool]]:
    """Results counted per (check id, status, attested), as the report's summaries want them.
    Counted by the identities of check and status first (an enum member hashes in Python, and
    this is per result), then put back together per distinct key."""
    by_id = Counter((id(r.check), id(r.outcome.status), r.attested is not None) for r in results)
    wanted = {m for m, _, _ in by_id}
    meta_at = {}
    for r in results:
        if id(r.check) in wanted:
            meta_at[id(r.check)] = r.check
            wanted.discard(id(r.check))
            if not wanted:
                break
    tally: Counter[tuple[str, Status, bool]] = Counter()
    for (m, st, attested), n in by_id.items():
        tally[(meta_at[m].id, _STATUS_AT[st], attested)] += n
    return tally


def run_jobs(
    n: int, work: Callable[[int, Sink], T], lanes: int, *, first: list[int] | None = None
) -> tuple[list[T], list[str], list[int], list[int]]:
    """`[work(i, sink) for i in range(n)]`, computed in `lanes` processes (this one and forked
    workers), each with a file of its own (`sink`), that take the next job from a common
    queue (in the order `first`, a permutation of the jobs, where given); with warnings for
    workers that failed (their jobs are then done here), the files (the caller closes them)
    and the workers that finished but are not reaped yet (the caller reaps them, `_reap`).

    A worker says it is done by closing its end of a pipe once its output is written, before
    it exits: waiting for its exit instead (`waitpid`) also waits for the kernel to free its
    memory (9-48 ms for a worker of 50-300 MB), time the report can be written in."""
    mine = Sink(_scratch())
    files = [mine.fd]
    if lanes <= 1 or n <= 1 or n > 16000:  # the queue goes into a pipe (64 KiB) at once
        return [work(i, mine) for i in range(n)], [], files, []
    order = list(range(n)) if first is None else first
    if sorted(order) != list(range(n)):
        raise ValueError("run_jobs: `first` is not an order of the jobs")
    queue, feed = os.pipe()
    try:
        os.write(feed, b"".join(i.to_bytes(4, "little") for i in order))
    finally:
        os.close(feed)
    done: dict[int, T] = {}
    children: list[tuple[int, int, int]] = []
    parent = os.getpid()
    try:
        for _ in range(min(lanes, n) - 1):
            out, meta = _scratch(), _scratch()
            files.append(out)
            said, say = os.pipe()
            try:
                pid = os.fork()
                if pid == 0:  # pragma: no cover - runs in the worker, which leaves by os._exit
                    os.close(said)
                    for _, _, earlier in children:
                        os.close(earlier)
                    _worker(queue, Sink(out), meta, work, parent, say)
            except BaseException:
                os.close(said)
                os.close(meta)
                raise
            finally:
                os.close(say)  # the worker's alone now: it closes when the worker is done
            children.append((pid, meta, said))
        for i in _take(queue):
            done[i] = work(i, mine)
    except BaseException:
        for pid, meta, said in children:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)
            os.close(meta)
            os.close(said)
        for fd in files:
            os.close(fd)
        raise
    finally:
        os.close(queue)
    warnings = []
    finished = []
    for pid, meta, said in children:
        got, problem, reaped = _collect_worker(pid, meta, said)
        done.update(got)
        if problem:
            warnings.append(problem)
        if not reaped:
            finished.append(pid)
    missing = [i for i in range(n) if i not in done]
    if missing and warnings:
        warnings.append(f"{len(missing)} check(s) a failed worker took were run again here")
    for i in missing:
        done[i] = work(i, mine)
    return [done[i] for i in range(n)], warnings, files, finished


def _reap(pids: list[int]) -> None:
    """Reap lane workers that said they were done (they exit right after)."""
    while pids:
        with contextlib.suppress(ChildProcessError, InterruptedError):
            os.waitpid(pids.pop(), 0)


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


def _worker(  # pragma: no cover - runs in the forked worker
    queue: int,
    sink: Sink,
    meta: int,
    work: Callable[[int, Sink], Any],
    parent: int,
    say: int,
) -> None:
    """A forked worker: do jobs from the queue (its results into `sink`), write what it did
    (pickled) to `meta`, say it is done (close `say`), leave at once (no exit handlers, no
    flushing of buffers inherited from the parent). It stops when the parent is gone."""
    code = 70
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        got = []
        for i in _take(queue):
            if os.getppid() != parent:
                break
            got.append((i, work(i, sink)))
        _write_all(meta, pickle.dumps(got, protocol=pickle.HIGHEST_PROTOCOL))
        code = 0
        os.close(say)
    except BaseException:  # noqa: S110 - the parent sees the exit code and redoes the jobs
        pass
    finally:
        os._exit(code)


def _collect_worker(pid: int, meta: int, said: int) -> tuple[list[tuple[int, Any]], str, bool]:
    """What a worker did, once it has said it is done (closed its end of `said`) or died: its
    jobs, a warning when it failed, and whether it was reaped here. A worker that wrote its
    whole output is done, whatever happens to it afterwards; one that did not is waited for,
    for its exit status."""
    try:
        try:
            while os.read(said, 1):  # nothing is written: end of file when the worker is done
                pass
        finally:
            os.close(said)
        os.lseek(meta, 0, os.SEEK_SET)
        with os.fdopen(os.dup(meta), "rb") as f:
            data = f.read()
        if data:
            with contextlib.suppress(Exception):
                got = pickle.loads(data)  # noqa: S301 - written by our own forked worker
                return list(got), "", False
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            how = f"was killed by signal {-code}" if code < 0 else f"exited with {code}"
            return [], f"warning: an assessment worker process {how}", True
        return [], "warning: the output of an assessment worker process was lost (empty)", True
    except Exception as exc:
        with contextlib.suppress(OSError):
            os.waitpid(pid, 0)
        return [], f"warning: the output of an assessment worker process was lost ({exc})", True
    finally:
        os.close(meta)
