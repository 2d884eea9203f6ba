"""Scan every target of an inventory concurrently, each in its own `hvaudit scan` child process.

Why a child process per target: a libvirt call or a TLS handshake that never returns cannot be
abandoned from a thread, and a scanner crash on one hostile host must not end the run. The child
runs the single-host command (so a fleet scan and a single scan give the same verdicts), writes
its JSON report, and is killed (its whole process group) at the target's deadline. Targets that
could not be assessed are retried with a growing pause; a usage error is not retried.

The child is forked from a warmed fork server (forkserver.py) where the platform allows, so a
target does not pay Python's start-up and hvaudit's imports again; it is the same process model
otherwise (own session, killed at the deadline, dies with its parent). HVAUDIT_FLEET_FORKSERVER=0
execs `python -m hvaudit.cli` for every target instead.

Credentials: the child's environment carries no hvaudit credential variable except the ones the
inventory maps for that target, so one target's secrets never reach another's process.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from hvaudit.errors import InputError
from hvaudit.fleet.forkserver import ForkedChild, ForkServer
from hvaudit.fleet.inventory import CREDENTIAL_VARIABLES, Inventory, Target

__all__ = ["RunOptions", "TargetOutcome", "run_fleet", "scan_argv"]

#: States of a target after the run.
ASSESSED, PARTIAL, FAILED = "assessed", "partial", "failed"

_KILL_GRACE = 5.0
_RETRY_PAUSE = 1.0

#: Children still running, so that an interrupted run kills them instead of leaving them behind.
_LIVE: set[_Child] = set()
_LIVE_LOCK = threading.Lock()
_STOPPING = threading.Event()


@dataclass(frozen=True, slots=True)
class RunOptions:
    """Run-wide settings (per-target ones live in the inventory)."""

    workers: int = 4
    profile: str | None = None
    fail_on: str = "low"
    bundles: Path | None = None
    host_reports: Path | None = None
    timeout: float | None = None
    """Overrides every target's deadline when set."""
    retries: int | None = None
    extra_env: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class TargetOutcome:
    """What happened to one target; `report` is its single-host JSON report when it has one."""

    target: Target
    state: str
    exit_code: int | None
    attempts: int
    duration_s: float
    error: str | None = None
    report: dict[str, Any] | None = None
    bundle: str | None = None
    host_report: str | None = None


def scan_argv(t: Target, opts: RunOptions, report: Path, bundle: Path | None) -> list[str]:
    """The child's argv: the single-host scan of `t` (a list, never a shell string)."""
    argv = [sys.executable, "-m", "hvaudit.cli"]
    tail = ["--format", "json", "--output", str(report), "--fail-on", opts.fail_on]
    if opts.profile:
        tail += ["--profile", opts.profile]
    if opts.host_reports is not None:
        tail += ["--report", f"html={opts.host_reports / (t.name + '.html')}"]
    if t.bundle is not None:
        return [*argv, "assess", t.bundle, *tail]
    argv += ["scan", "--connect", t.uri, *tail, "--facts", t.facts]
    if bundle is not None:
        argv += ["--bundle", str(bundle)]
    if t.ssh:
        argv += ["--ssh", t.ssh]
    if t.ssh_port:
        argv += ["--ssh-port", str(t.ssh_port)]
    if t.ssh_config:
        argv += ["--ssh-config", t.ssh_config]
    if t.ca_file:
        argv += ["--ca-file", t.ca_file]
    if not t.verify_tls:
        argv += ["--no-verify-tls"]
    if t.api_timeout:
        argv += ["--api-timeout", f"{t.api_timeout:g}"]
    if t.secure_xml:
        argv += ["--secure-xml"]
    return argv


def _child_env(t: Target, opts: RunOptions) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CREDENTIAL_VARIABLES}
    env.update(opts.extra_env)
    for var, source in t.env.items():
        value = os.environ.get(source)
        if value is None:
            raise InputError(f"environment variable {source} (for {var}) is not set")
        env[var] = value
    for var, path in t.env_files.items():
        try:
            env[var] = Path(path).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: cannot read the credential file for {var}: {exc}") from None
    env["PYTHONUNBUFFERED"] = "1"
    # A fleet scans its targets side by side already: each scan keeps to one process
    # (hvaudit.lanes) unless the operator asked otherwise.
    env.setdefault("HVAUDIT_WORKERS", "1")
    return env


def _last_line(data: bytes) -> str:
    lines = [ln.strip() for ln in data.decode("utf-8", "replace").splitlines() if ln.strip()]
    text = lines[-1] if lines else ""
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text.removeprefix("hvaudit: error: ")[:500]


def _die_with_parent() -> Callable[[], None] | None:
    """A pre-exec hook that has the kernel kill the child when its parent dies (Linux), so a
    killed worker leaves no scan behind; resolved before any fork."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig = 1

    def hook() -> None:
        prctl(pr_set_pdeathsig, signal.SIGKILL)

    return hook


_PRE_EXEC = _die_with_parent()


class _Child(Protocol):
    """A scan's process: a `subprocess.Popen` or a child of the fork server."""

    pid: int

    def wait(self, timeout: float | None = None) -> int: ...


def _fork_server() -> ForkServer | None:
    """The fork server that starts scans without a fresh interpreter (forkserver.py), or None."""
    env = {k: v for k, v in os.environ.items() if k not in CREDENTIAL_VARIABLES}
    env["PYTHONUNBUFFERED"] = "1"
    return ForkServer.shared(env)


def _run_child(argv: list[str], env: dict[str, str], deadline: float) -> tuple[int | None, bytes]:
    """Run one child in its own session; kill the session at the deadline (returns None).

    The child is forked from the warmed fork server when there is one, else exec'd."""
    server = _fork_server()
    forked: ForkedChild | None = None
    if server is not None:
        with contextlib.suppress(OSError):
            forked = server.spawn(argv, env, os.getcwd())
    proc: _Child
    if forked is not None:
        proc = forked
    else:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,
            preexec_fn=_PRE_EXEC,
        )
    with _LIVE_LOCK:
        _LIVE.add(proc)
    try:
        if forked is not None:
            try:
                forked.wait(timeout=deadline)
                killed = False
            except subprocess.TimeoutExpired:
                _kill_session(forked)
                forked.wait()
                killed = True
            err = forked.stderr_tail()
            return (None if killed or _STOPPING.is_set() else forked.returncode), err
        assert isinstance(proc, subprocess.Popen)
        try:
            _, err = proc.communicate(timeout=deadline)
            return (None if _STOPPING.is_set() else proc.returncode), err
        except subprocess.TimeoutExpired:
            _kill_session(proc)
            _, err = proc.communicate()
            return None, err
    except BaseException:
        _kill_session(proc)
        proc.wait()
        raise
    finally:
        with _LIVE_LOCK:
            _LIVE.discard(proc)


def _signal_session(proc: _Child, sig: int) -> bool:
    if isinstance(proc, ForkedChild):
        return proc.signal_session(sig)
    assert isinstance(proc, subprocess.Popen)
    if proc.poll() is not None:  # ended and reaped: its pid may be another's by now
        return False
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return False
    return True


def _kill_session(proc: _Child) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if not _signal_session(proc, sig):
            return
        try:
            proc.wait(timeout=_KILL_GRACE)
            return
        except subprocess.TimeoutExpired:
            continue


def scan_target(t: Target, opts: RunOptions, workdir: Path) -> TargetOutcome:
    """Scan one target with its deadline and retries; never raises for a target's failure."""
    started = time.monotonic()
    deadline = opts.timeout or t.timeout
    retries = t.retries if opts.retries is None else opts.retries
    report_path = workdir / f"{t.name}.json"
    bundle = (
        opts.bundles / f"{t.name}.tar.gz" if opts.bundles is not None and t.bundle is None else None
    )
    try:
        env = _child_env(t, opts)
    except InputError as exc:
        return TargetOutcome(t, FAILED, None, 0, 0.0, error=str(exc))
    attempt, code, error = 0, None, None
    while True:
        attempt += 1
        for stale in (report_path, bundle):
            if stale is not None:
                stale.unlink(missing_ok=True)
        argv = scan_argv(t, opts, report_path, bundle)
        code, err = _run_child(argv, env, deadline)
        error = _last_line(err) or None
        if code is None:
            error = f"no answer within the {deadline:g} s deadline (scan killed)"
        report = _read_report(report_path)
        if report is not None and code in (0, 1):
            return _done(t, ASSESSED, code, attempt, started, None, report, bundle, opts)
        if report is not None and code == 3:
            return _done(t, PARTIAL, code, attempt, started, error, report, bundle, opts)
        if code == 2 or attempt > retries or _STOPPING.is_set():
            break
        time.sleep(_RETRY_PAUSE * attempt)
    return _done(t, FAILED, code, attempt, started, error or f"exit {code}", None, bundle, opts)


def _done(
    t: Target,
    state: str,
    code: int | None,
    attempts: int,
    started: float,
    error: str | None,
    report: dict[str, Any] | None,
    bundle: Path | None,
    opts: RunOptions,
) -> TargetOutcome:
    kept = str(bundle) if bundle is not None and bundle.exists() else None
    html = opts.host_reports / f"{t.name}.html" if opts.host_reports is not None else None
    return TargetOutcome(
        t,
        state,
        code,
        attempts,
        round(time.monotonic() - started, 3),
        error,
        report,
        kept,
        str(html) if html is not None and html.exists() else None,
    )


def _read_report(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("results"), list) else None


@contextmanager
def _workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="hvaudit-fleet-") as d:
        os.chmod(d, 0o700)
        yield Path(d)


def run_fleet(
    inventory: Inventory,
    opts: RunOptions,
    *,
    progress: Callable[[int, int, TargetOutcome], None] | None = None,
) -> list[TargetOutcome]:
    """Scan every target, `opts.workers` at a time; outcomes in inventory order."""
    for d in (opts.bundles, opts.host_reports):
        if d is not None:
            try:
                d.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise InputError(f"{d}: cannot create the directory: {exc}") from None
    outcomes: dict[str, TargetOutcome] = {}
    lock = threading.Lock()
    total = len(inventory.targets)
    _STOPPING.clear()
    with _workdir() as work, ThreadPoolExecutor(max_workers=max(1, opts.workers)) as pool:
        futures = {pool.submit(scan_target, t, opts, work): t for t in inventory.targets}
        try:
            for fut in as_completed(futures):
                out = fut.result()
                with lock:
                    outcomes[out.target.name] = out
                    if progress is not None:
                        progress(len(outcomes), total, out)
        except BaseException:
            _stop_all(futures)
            raise
    return [outcomes[t.name] for t in inventory.targets]


def _stop_all(futures: dict[Any, Target]) -> None:
    """An interrupted run: no new child starts, every running child's session is killed."""
    _STOPPING.set()
    for fut in futures:
        fut.cancel()
    with _LIVE_LOCK:
        live = list(_LIVE)
    for proc in live:
        _kill_session(proc)
