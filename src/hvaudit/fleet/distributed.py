"""Distributed fleet scans on Celery: a worker inside each management segment scans its zone.

Management networks are segmented by design (2014 HY-SR-21), so no one scanner reaches every
host. Each zone gets a queue (`hvaudit.<zone>`); `hvaudit fleet worker --zone Z` runs inside
that segment and takes the zone's targets; results land in the shared history store
(PostgreSQL), where `hvaudit fleet scan --distributed` follows the run and aggregates it.

Delivery, as Celery and the store give it:
- a task is acknowledged only after its result is stored (`acks_late`), and a worker that dies
  mid-task leaves its message unacknowledged: Redis hands it to another worker of the zone once
  the visibility time-out has passed (`reject_on_worker_lost` does the same when only the pool
  process dies);
- a result is stored exactly once: the store is unique per (run, host), a redelivered task whose
  host is already stored does nothing, and a second delivery of the same result is kept as the
  first;
- a store that is unreachable when a task ends does not lose the result: the worker keeps it
  and retries with a growing pause until the store answers (up to `STORE_PATIENCE`).
"""

from __future__ import annotations

import dataclasses
import os
import socket
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hvaudit.errors import CollectionError, InputError, UsageError
from hvaudit.fleet.inventory import Inventory, Target
from hvaudit.fleet.runner import FAILED, RunOptions, TargetOutcome, scan_target

__all__ = [
    "TASK_NAME",
    "make_app",
    "queue_for",
    "run_worker",
    "submit_run",
    "wait_for_run",
]

TASK_NAME = "hvaudit.fleet.scan_target"
#: How long a worker keeps trying to store a result while the store is unreachable (seconds).
STORE_PATIENCE = 900.0
DEFAULT_VISIBILITY = 3600


def queue_for(zone: str) -> str:
    """The queue of a network zone."""
    return f"hvaudit.{zone}"


def _celery() -> Any:
    try:
        import celery
    except ImportError:
        raise UsageError(
            "distributed scans need Celery and Redis: pip install 'hvaudit[distributed]'"
        ) from None
    return celery


def make_app(broker: str, *, visibility_timeout: int = DEFAULT_VISIBILITY) -> Any:
    """The Celery application (the same configuration on the submitting side and in workers)."""
    celery = _celery()
    app = celery.Celery("hvaudit", broker=broker)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        # A dead worker's unacknowledged task is handed on once `visibility_timeout` has passed;
        # kombu looks for such tasks every `unacked_restore_interval` seconds times the throttle
        # (10 x 10 by default): look every few seconds instead, a cheap Redis range query.
        broker_transport_options={
            "visibility_timeout": visibility_timeout,
            "unacked_restore_interval": max(1, min(10, visibility_timeout // 2)),
            "unacked_restore_throttle": 1,
        },
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        task_default_queue=queue_for("default"),
    )
    app.task(name=TASK_NAME, bind=True, acks_late=True)(_scan_task)
    return app


# Worker side

_WORKER: dict[str, Any] = {}


def _scan_task(task: Any, run_id: str, target: dict[str, Any], options: dict[str, Any]) -> str:
    """Scan one target and store its result once; the message is acknowledged after that."""
    from hvaudit.fleet.aggregate import summarise_host

    store = _WORKER["store"]
    t = Target(**target)
    if _has_scan_patiently(store, run_id, t.name):
        return "already stored"
    with tempfile.TemporaryDirectory(prefix="hvaudit-worker-") as work:
        out = scan_target(t, RunOptions(**options), Path(work))
    summary = summarise_host(out)
    _store_patiently(store, run_id, summary)
    return out.state


def _patiently(what: Callable[[], Any]) -> Any:
    pause, waited = 1.0, 0.0
    while True:
        try:
            return what()
        except InputError:
            if waited >= STORE_PATIENCE:
                raise
            time.sleep(pause)
            waited += pause
            pause = min(pause * 2, 30.0)


def _has_scan_patiently(store: Any, run_id: str, host: str) -> bool:
    return bool(_patiently(lambda: store.has_scan(run_id, host)))


def _store_patiently(store: Any, run_id: str, summary: Any) -> None:
    _patiently(lambda: store.save_scan(run_id, summary))


def run_worker(
    *,
    broker: str,
    db: str | None,
    zones: list[str],
    concurrency: int,
    visibility_timeout: int = DEFAULT_VISIBILITY,
) -> int:
    """Run a worker for `zones` until it is stopped (SIGTERM: finish the task at hand)."""
    from hvaudit.fleet.store import open_store

    _WORKER["store"] = open_store(db)
    app = make_app(broker, visibility_timeout=visibility_timeout)
    argv = [
        "worker",
        "--queues",
        ",".join(queue_for(z) for z in zones),
        "--concurrency",
        str(concurrency),
        "--hostname",
        f"hvaudit-{'+'.join(zones)}-{os.getpid()}@{socket.gethostname()}",
        "--without-gossip",
        "--without-mingle",
        "--loglevel",
        "WARNING",
    ]
    app.worker_main(argv)
    return 0


# Submitting side


def _options_for_workers(opts: RunOptions) -> dict[str, Any]:
    if opts.bundles is not None or opts.host_reports is not None:
        raise UsageError("--bundles and --host-reports are not available with --distributed")
    return {
        "workers": 1,
        "profile": opts.profile,
        "fail_on": opts.fail_on,
        "timeout": opts.timeout,
        "retries": opts.retries,
    }


def submit_run(app: Any, run_id: str, inventory: Inventory, opts: RunOptions) -> None:
    """Queue one task per target on its zone's queue."""
    options = _options_for_workers(opts)
    for t in inventory.targets:
        body = dataclasses.asdict(t)
        body["env"], body["env_files"] = dict(t.env), dict(t.env_files)
        try:
            app.send_task(
                TASK_NAME,
                args=[run_id, body, options],
                queue=queue_for(t.zone),
                retry=True,
                retry_policy={"max_retries": 5, "interval_start": 1, "interval_step": 2},
            )
        except Exception as exc:  # kombu raises its own and socket errors alike
            raise CollectionError(
                f"the broker did not take the run's tasks: {' '.join(str(exc).split())[:200]}"
            ) from None


def wait_for_run(
    store: Any,
    run_id: str,
    inventory: Inventory,
    *,
    idle_timeout: float,
    progress: Callable[[int, int, Any], None] | None = None,
    poll: float = 1.0,
) -> list[Any]:
    """Follow a run in the store until every target is stored or nothing new arrives within
    `idle_timeout`; targets without a result then count as failed (no worker answered)."""
    from hvaudit.fleet.aggregate import summarise_host

    names = {t.name for t in inventory.targets}
    seen: dict[str, Any] = {}
    last_news = time.monotonic()
    while len(seen) < len(names):
        try:
            stored = store.load_summaries(run_id)
        except InputError:
            stored = []  # the store is away for a moment; workers keep their results meanwhile
        for s in stored:
            if s.name in names and s.name not in seen:
                seen[s.name] = s
                last_news = time.monotonic()
                if progress is not None:
                    progress(len(seen), len(names), s)
        if len(seen) == len(names) or time.monotonic() - last_news > idle_timeout:
            break
        time.sleep(poll)
    out = []
    for t in inventory.targets:
        if t.name in seen:
            out.append(seen[t.name])
        else:
            out.append(
                summarise_host(
                    TargetOutcome(
                        t,
                        FAILED,
                        None,
                        0,
                        0.0,
                        error=f"no result from a worker of zone {t.zone!r} "
                        f"(queue {queue_for(t.zone)}) within {idle_timeout:g} s of the last one",
                    )
                )
            )
    return out


def default_idle_timeout(inventory: Inventory, opts: RunOptions) -> float:
    """Long enough for the slowest target with all its retries, and a start-up margin."""
    worst = max(
        (opts.timeout or t.timeout) * ((t.retries if opts.retries is None else opts.retries) + 1)
        for t in inventory.targets
    )
    return worst + 120.0
