"""`hvaudit fleet`: scan an inventory, look at stored runs, compare them, prune history.

Exit codes are those of a single scan: 0 no failure at or above --fail-on, 1 failures, 2 usage or
input error (a bad inventory names its line), 3 any target could not be (fully) assessed; the
targets are listed, and every other target's results are still reported and stored.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

from hvaudit.errors import InputError, UsageError

FLEET_FORMATS = ("terminal", "json", "html", "junit", "sarif", "oscal")
"""The fleet report formats (here, so that building the parser imports no renderer)."""

__all__ = ["add_fleet_parser", "cmd_fleet"]

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_ERRORS = 0, 1, 2, 3


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 < value <= 256:
        raise argparse.ArgumentTypeError(f"{text!r}: want a whole number from 1 to 256")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 86400:
        raise argparse.ArgumentTypeError(f"{text!r}: want seconds between 0 and 86400")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 100000:
        raise argparse.ArgumentTypeError(f"{text!r}: want a whole number from 0")
    return value


def _positive_int_seconds(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 0 < value <= 7 * 86400:
        raise argparse.ArgumentTypeError(f"{text!r}: want whole seconds from 1 to 604800")
    return value


def _broker(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--broker",
        metavar="URL",
        default=os.environ.get("HVAUDIT_BROKER"),
        help="Celery broker, e.g. redis://broker.example.org:6379/0 (default $HVAUDIT_BROKER)",
    )


def _db(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db",
        metavar="URL",
        help="history store: a SQLAlchemy URL (sqlite:///path, postgresql+psycopg://host/db); "
        "default $HVAUDIT_DB, else ~/.local/share/hvaudit/history.sqlite",
    )


def add_fleet_parser(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """Register `hvaudit fleet ...` on the top-level sub-parsers."""
    fleet = sub.add_parser(
        "fleet",
        help="scan every target of an inventory; history, diff and prune of stored runs",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fsub = fleet.add_subparsers(
        dest="fleet_command", metavar="FLEET_COMMAND", parser_class=parser_class
    )

    p = fsub.add_parser("scan", help="scan every target of an inventory concurrently")
    p.add_argument(
        "inventory",
        help="hvaudit inventory (.toml) or any Ansible inventory source (INI, YAML, script, dir)",
    )
    p.add_argument(
        "--ansible", action="store_true", help="read INVENTORY with ansible-inventory even if .toml"
    )
    p.add_argument(
        "--workers", type=_positive_int, default=4, help="targets scanned at once (default 4)"
    )
    p.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        help="deadline per target, overriding the inventory's (default there: 300)",
    )
    p.add_argument("--retries", type=_count, help="retries of a target that could not be assessed")
    p.add_argument("--profile", metavar="NAME|FILE", help="profile for every target")
    p.add_argument(
        "--fail-on",
        choices=("critical", "high", "medium", "low", "info"),
        default="low",
        help="lowest severity of a failure that makes the exit code 1 (default low)",
    )
    p.add_argument(
        "--format",
        choices=FLEET_FORMATS,
        default="terminal",
        help="the aggregated report's format (default terminal)",
    )
    p.add_argument("--output", "-o", type=Path, metavar="FILE", help="write the report to FILE")
    p.add_argument(
        "--report",
        action="append",
        default=[],
        metavar="FORMAT=PATH",
        help="also write FORMAT to PATH (repeatable)",
    )
    p.add_argument("--bundles", type=Path, metavar="DIR", help="keep each target's evidence bundle")
    p.add_argument(
        "--host-reports", type=Path, metavar="DIR", help="write each host's single-host HTML report"
    )
    _db(p)
    p.add_argument("--no-store", action="store_true", help="do not record the run in the history")
    p.add_argument(
        "--keep-runs", type=_count, metavar="N", help="after storing, keep only the newest N runs"
    )
    p.add_argument("--quiet", "-q", action="store_true", help="no progress lines on stderr")
    p.add_argument(
        "--distributed",
        action="store_true",
        help="queue the targets for `hvaudit fleet worker`s (one queue per zone) and follow the "
        "run in the shared --db",
    )
    _broker(p)
    p.add_argument(
        "--wait",
        type=_seconds,
        metavar="SECONDS",
        help="with --distributed: give up on targets when no result arrived for this long "
        "(default: the slowest target's deadline with its retries, plus 120 s)",
    )

    p = fsub.add_parser(
        "worker", help="take the targets of one or more zones from the broker (distributed scans)"
    )
    _broker(p)
    _db(p)
    p.add_argument("--zone", action="append", required=True, help="a zone to serve (repeatable)")
    p.add_argument(
        "--concurrency", type=_positive_int, default=2, help="targets at once (default 2)"
    )
    p.add_argument(
        "--visibility-timeout",
        type=_positive_int_seconds,
        default=3600,
        metavar="SECONDS",
        help="after how long a task of a worker that died is handed to another (default 3600; "
        "longer than any target's deadline)",
    )

    p = fsub.add_parser("runs", help="list stored runs, newest first")
    _db(p)
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")

    p = fsub.add_parser("report", help="render a stored run's aggregated report")
    p.add_argument("run", nargs="?", default="latest", help="run id, id prefix, latest, previous")
    _db(p)
    p.add_argument(
        "--format",
        choices=FLEET_FORMATS,
        default="terminal",
        help="report format",
    )
    p.add_argument("--output", "-o", type=Path, metavar="FILE", help="write the report to FILE")

    p = fsub.add_parser("history", help="posture over time per host, group or recommendation")
    _db(p)
    p.add_argument("--host", help="one host")
    p.add_argument("--group", help="one inventory group")
    p.add_argument("--recommendation", metavar="ID", help="one recommendation, e.g. HY-SR-4")
    p.add_argument(
        "--edition",
        choices=("sp800-125a-2014", "sp800-125a-r1", "sp800-125b"),
        default="sp800-125a-2014",
        help="edition of the recommendations (default the 2014 draft)",
    )
    p.add_argument("--limit", type=_count, default=50, help="newest N runs (default 50)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")

    p = fsub.add_parser("diff", help="compare two stored runs")
    p.add_argument("old", help="run id, id prefix, or previous")
    p.add_argument("new", nargs="?", default="latest", help="run id, id prefix, or latest")
    _db(p)
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    p.add_argument(
        "--fail-on-new", action="store_true", help="exit 1 when NEW has failures OLD did not"
    )

    p = fsub.add_parser("prune", help="delete old runs from the history")
    _db(p)
    p.add_argument("--keep", type=_count, metavar="N", help="keep the newest N runs")
    p.add_argument("--older-than", type=_count, metavar="DAYS", help="delete runs older than DAYS")


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from hvaudit.errors import InputError

    try:
        tmp = output.with_name(f".{output.name}.hvaudit-tmp")
        tmp.unlink(missing_ok=True)
        with open(tmp, "x", encoding="utf-8") as fh:
            fh.write(text)
        tmp.replace(output)
    except OSError as exc:
        raise InputError(f"{output}: cannot write the report: {exc.strerror or exc}") from None


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def cmd_fleet(args: argparse.Namespace) -> int:
    """Dispatch `hvaudit fleet ...`."""
    command = getattr(args, "fleet_command", None)
    if command is None:
        raise UsageError("fleet needs a command: scan, worker, runs, report, history, diff, prune")
    return {
        "scan": _scan,
        "worker": _worker,
        "runs": _runs,
        "report": _report,
        "history": _history,
        "diff": _diff,
        "prune": _prune,
    }[command](args)


def _reports(args: argparse.Namespace) -> list[tuple[str, Path]]:
    out = []
    for spec in args.report:
        fmt, sep, path = spec.partition("=")
        if not sep or fmt not in FLEET_FORMATS or not path:
            raise UsageError(
                f"--report {spec!r}: want FORMAT=PATH, FORMAT one of {', '.join(FLEET_FORMATS)}"
            )
        out.append((fmt, Path(path)))
    return out


def _scan(args: argparse.Namespace) -> int:
    from hvaudit.fleet.aggregate import aggregate, summarise_host
    from hvaudit.fleet.inventory import load_ansible_inventory, load_inventory
    from hvaudit.fleet.report import render_fleet, safe
    from hvaudit.fleet.runner import FAILED, PARTIAL, RunOptions, TargetOutcome, run_fleet
    from hvaudit.profile import load_profile

    reports = _reports(args)
    if "oscal" in {args.format, *(fmt for fmt, _ in reports)}:
        from hvaudit.report.oscal import _trestle

        _trestle()  # fail before touching any target when compliance-trestle is missing
    if args.profile:
        load_profile(args.profile)  # a bad profile is exit 2 before any target is touched
    if args.ansible or not args.inventory.endswith(".toml"):
        inventory = load_ansible_inventory(args.inventory)
    else:
        inventory = load_inventory(Path(args.inventory))
    store = None
    run_id = None
    if not args.no_store:
        from hvaudit.fleet.store import open_store

        store = open_store(args.db)
        run_id = store.start_run(
            inventory=inventory.source,
            profile=args.profile or "default",
            mode="distributed" if args.distributed else "local",
            targets=len(inventory.targets),
        )
    opts = RunOptions(
        workers=args.workers,
        profile=args.profile,
        fail_on=args.fail_on,
        bundles=args.bundles,
        host_reports=args.host_reports,
        timeout=args.timeout,
        retries=args.retries,
    )
    started = _now()
    summaries = []
    unstored: list[Any] = []

    def progress(done: int, total: int, out: TargetOutcome) -> None:
        summary = summarise_host(out)
        summaries.append(summary)
        if store is not None and run_id is not None:
            try:  # stored as it arrives, so an interrupted run keeps what it had
                store.save_scan(run_id, summary)
            except InputError:
                unstored.append(summary)  # the store is away: try again at the end
        if not args.quiet:
            what = out.state if out.state != FAILED else f"failed: {safe(out.error or '')}"
            print(
                f"hvaudit: [{done}/{total}] {safe(out.target.name)}: {what} ({out.duration_s:.1f} s)",
                file=sys.stderr,
            )

    if args.distributed:
        outcomes_states = _distributed(args, inventory, opts, store, run_id, summaries)
    else:
        outcomes = run_fleet(inventory, opts, progress=progress)
        outcomes_states = [(o.target.name, o.state, o.exit_code) for o in outcomes]
    order = {t.name: i for i, t in enumerate(inventory.targets)}
    summaries.sort(key=lambda s: order[s.name])
    store_error = None
    if store is not None and run_id is not None:
        try:
            for summary in unstored:
                store.save_scan(run_id, summary)
            store.finish_run(run_id)
            if args.keep_runs is not None:
                store.prune(keep=args.keep_runs)
        except InputError as exc:
            store_error = str(exc)
        finally:
            store.close()
    report = aggregate(
        summaries,
        inventory=inventory.source,
        profile=args.profile or "default",
        started_at=started,
        finished_at=_now(),
        run_id=run_id,
    )
    _emit(render_fleet(report, args.format), args.output)
    for fmt, path in reports:
        _emit(render_fleet(report, fmt), path)
    bad = [name for name, state, _ in outcomes_states if state in (FAILED, PARTIAL)]
    if store_error is not None:
        print(f"hvaudit: error: the run was not stored: {store_error}", file=sys.stderr)
    if bad:
        names = ", ".join(safe(n) for n in bad)
        print(f"hvaudit: {len(bad)} target(s) not fully assessed: {names}", file=sys.stderr)
        return EXIT_ERRORS
    if store_error is not None:
        return EXIT_ERRORS
    return EXIT_FAIL if any(code == 1 for _, _, code in outcomes_states) else EXIT_OK


def _distributed(
    args: argparse.Namespace,
    inventory: Any,
    opts: Any,
    store: Any,
    run_id: str | None,
    summaries: list[Any],
) -> list[tuple[str, str, int | None]]:
    """Queue the run for the zones' workers and follow it in the shared store."""
    from hvaudit.fleet.distributed import (
        default_idle_timeout,
        make_app,
        submit_run,
        wait_for_run,
    )
    from hvaudit.fleet.report import safe

    if store is None or run_id is None:
        raise UsageError(
            "--distributed needs the history store (not --no-store): results land there"
        )
    if not args.broker:
        raise UsageError("--distributed needs --broker URL (or HVAUDIT_BROKER)")
    app = make_app(args.broker)
    submit_run(app, run_id, inventory, opts)
    if not args.quiet:
        zones = ", ".join(inventory.zones())
        print(f"hvaudit: run {run_id} queued for zone(s) {zones}", file=sys.stderr)

    def progress(done: int, total: int, s: Any) -> None:
        if not args.quiet:
            what = s.state if s.state != "failed" else f"failed: {safe(s.error or '')}"
            print(f"hvaudit: [{done}/{total}] {safe(s.name)}: {what}", file=sys.stderr)

    idle = args.wait or default_idle_timeout(inventory, opts)
    got = wait_for_run(store, run_id, inventory, idle_timeout=idle, progress=progress)
    summaries.extend(got)
    return [(s.name, s.state, s.exit_code) for s in got]


def _worker(args: argparse.Namespace) -> int:
    from hvaudit.fleet.distributed import run_worker

    if not args.broker:
        raise UsageError("fleet worker needs --broker URL (or HVAUDIT_BROKER)")
    return run_worker(
        broker=args.broker,
        db=args.db,
        zones=args.zone,
        concurrency=args.concurrency,
        visibility_timeout=args.visibility_timeout,
    )


def _runs(args: argparse.Namespace) -> int:
    from hvaudit.fleet.store import open_store

    with open_store(args.db) as store:
        runs = store.list_runs()
    if args.format == "json":
        import json

        sys.stdout.write(json.dumps([r.to_json() for r in runs]) + "\n")
        return EXIT_OK
    for r in runs:
        sys.stdout.write(
            f"{r.id[:12]}  {r.started_at[:19]}  {r.mode:<11} {r.stored:>5}/{r.targets:<5} "
            f"{r.profile}  {r.inventory}\n"
        )
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    from hvaudit.fleet.aggregate import aggregate
    from hvaudit.fleet.report import render_fleet
    from hvaudit.fleet.store import open_store

    with open_store(args.db) as store:
        run = store.resolve(args.run)
        summaries = store.load_summaries(run.id)
    report = aggregate(
        summaries,
        inventory=run.inventory,
        profile=run.profile,
        started_at=run.started_at[:19] + "Z",
        finished_at=(run.finished_at or run.started_at)[:19] + "Z",
        run_id=run.id,
    )
    _emit(render_fleet(report, args.format), args.output)
    return EXIT_OK


def _history(args: argparse.Namespace) -> int:
    from hvaudit.fleet.store import open_store

    with open_store(args.db) as store:
        rows = store.history(
            host=args.host,
            group=args.group,
            recommendation=args.recommendation,
            edition=args.edition,
            limit=args.limit,
        )
    if args.format == "json":
        import json

        sys.stdout.write(json.dumps(rows) + "\n")
        return EXIT_OK
    for row in rows:
        c = row["counts"]
        parts = " ".join(f"{k}={c[k]}" for k in sorted(c))
        sys.stdout.write(f"{row['run_id'][:12]}  {row['started_at'][:19]}  {parts}\n")
    if not rows:
        sys.stdout.write("no stored run matches\n")
    return EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    from hvaudit.fleet.diff import diff_runs, render_fleet_diff
    from hvaudit.fleet.store import open_store

    with open_store(args.db) as store:
        old, new = store.resolve(args.old), store.resolve(args.new)
        d = diff_runs(old.id, store.load_summaries(old.id), new.id, store.load_summaries(new.id))
    sys.stdout.write(render_fleet_diff(d, args.format))
    return EXIT_FAIL if args.fail_on_new and d.new_failures else EXIT_OK


def _prune(args: argparse.Namespace) -> int:
    from hvaudit.fleet.store import open_store

    if args.keep is None and args.older_than is None:
        raise UsageError("fleet prune needs --keep N or --older-than DAYS")
    with open_store(args.db) as store:
        n = store.prune(keep=args.keep, older_than_days=args.older_than)
    print(f"hvaudit: {n} run(s) deleted from the history", file=sys.stderr)
    return EXIT_OK
