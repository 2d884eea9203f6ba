"""The history store: every fleet run kept, SQLite by default, PostgreSQL for teams.

SQLAlchemy Core over four tables (runs, scans, scan_recs, scan_checks) whose schema is owned by
the Alembic migrations beside this module; opening a store upgrades it to the newest revision, so
an old database keeps working after an upgrade of hvaudit. A scan is unique per (run, host):
storing the same host's result of a run twice (a retried distributed task) keeps the first and
reports it as already stored, so a result is stored exactly once.

What is stored is the condensed `HostSummary` (per recommendation the status, per check the
counts), not the single-host report: a run of a thousand hosts stays a few megabytes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hvaudit.errors import InputError, UsageError
from hvaudit.fleet.aggregate import HostSummary

__all__ = ["RunInfo", "Store", "default_url", "open_store"]

_MIGRATIONS = Path(__file__).parent / "migrations"
_MIGRATION_LOCK = 0x68766175  # "hvau": the advisory lock that serialises migrations


def default_url() -> str:
    """`HVAUDIT_DB`, else SQLite in the user's data directory (XDG)."""
    if os.environ.get("HVAUDIT_DB"):
        return os.environ["HVAUDIT_DB"]
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{base / 'hvaudit' / 'history.sqlite'}"


@dataclass(frozen=True, slots=True)
class RunInfo:
    """One stored run."""

    id: str
    started_at: str
    finished_at: str | None
    inventory: str
    profile: str
    mode: str
    targets: int
    stored: int

    def to_json(self) -> dict[str, Any]:
        """The report form."""
        return {
            "id": self.id,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "inventory": self.inventory,
            "profile": self.profile,
            "mode": self.mode,
            "targets": self.targets,
            "stored": self.stored,
        }


def _sa() -> Any:
    try:
        import sqlalchemy
    except ImportError:
        raise UsageError(
            "the history store needs SQLAlchemy and Alembic: pip install 'hvaudit[fleet]' "
            "(or pass --no-store)"
        ) from None
    return sqlalchemy


def open_store(url: str | None = None) -> Store:
    """Open (and create or upgrade) the store at `url`."""
    sa = _sa()
    from alembic import command
    from alembic.config import Config

    url = url or default_url()
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        path = Path(url.removeprefix("sqlite:///"))
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise InputError(f"{path.parent}: cannot create the history directory: {exc}") from None
    try:
        engine = sa.create_engine(url, future=True)
    except (sa.exc.ArgumentError, ImportError, ValueError) as exc:
        raise UsageError(f"--db {_safe_url(url)}: {exc}") from None
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    for attempt in (1, 2):
        try:
            with engine.begin() as conn:
                if engine.dialect.name == "postgresql":
                    # Workers of every zone start at once: one migrates, the others wait for it.
                    conn.execute(
                        sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK}
                    )
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
            break
        except sa.exc.IntegrityError:
            if attempt == 2:
                engine.dispose()
                raise InputError(f"history store {_safe_url(url)}: concurrent migration") from None
        except sa.exc.SQLAlchemyError as exc:
            engine.dispose()
            raise InputError(f"history store {_safe_url(url)}: {_one(exc)}") from None
    return Store(engine, url)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _safe_url(url: str) -> str:
    """A database URL without its password."""
    import re

    return re.sub(r"://([^:/@]*):[^@/]*@", r"://\1:***@", url)


def _one(exc: BaseException) -> str:
    text = " ".join(str(getattr(exc, "orig", None) or exc).split())
    return text[:300]


class Store:
    """Runs and their host scans."""

    def __init__(self, engine: Any, url: str) -> None:
        self.engine = engine
        self.url = url
        sa = _sa()
        md = sa.MetaData()
        self.runs = sa.Table("runs", md, autoload_with=engine)
        self.scans = sa.Table("scans", md, autoload_with=engine)
        self.recs = sa.Table("scan_recs", md, autoload_with=engine)
        self.checks = sa.Table("scan_checks", md, autoload_with=engine)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[Any]:
        sa = _sa()
        try:
            with self.engine.begin() as conn:
                yield conn
        except sa.exc.OperationalError as exc:
            raise InputError(f"history store {_safe_url(self.url)}: {_one(exc)}") from None

    def start_run(
        self, *, inventory: str, profile: str, mode: str, targets: int, run_id: str | None = None
    ) -> str:
        """Record a run as started; returns its id."""
        rid = run_id or uuid.uuid4().hex
        with self._tx() as conn:
            conn.execute(
                self.runs.insert().values(
                    id=rid,
                    started_at=_now(),
                    finished_at=None,
                    inventory=inventory,
                    profile=profile,
                    mode=mode,
                    targets=targets,
                )
            )
        return rid

    def finish_run(self, run_id: str) -> None:
        """Record the end of a run."""
        with self._tx() as conn:
            conn.execute(
                self.runs.update().where(self.runs.c.id == run_id).values(finished_at=_now())
            )

    def save_scan(self, run_id: str, h: HostSummary) -> bool:
        """Store one host's scan of a run; False when it was already stored (kept as it was)."""
        sa = _sa()
        values = {
            "run_id": run_id,
            "host": h.name,
            "host_group": h.group,
            "zone": h.zone,
            "platform": h.platform,
            "target": h.target,
            "state": h.state,
            "exit_code": h.exit_code,
            "attempts": h.attempts,
            "duration_s": h.duration_s,
            "error": h.error,
            "failures": h.failures,
            "score": h.score,
            "by_status": json.dumps(h.by_status, sort_keys=True),
        }
        try:
            with self.engine.begin() as conn:
                scan_id = conn.execute(self.scans.insert().values(**values)).inserted_primary_key[0]
                rec_rows = [
                    {"scan_id": scan_id, "edition": e, "rec_id": r, "status": s}
                    for e, recs in h.recs.items()
                    for r, s in recs.items()
                ]
                if rec_rows:
                    conn.execute(self.recs.insert(), rec_rows)
                check_rows = [
                    {
                        "scan_id": scan_id,
                        "check_id": cid,
                        "title": c["title"],
                        "severity": c["severity"],
                        "subjects": c["subjects"],
                        "fail": c["fail"],
                        "worst": c["worst"],
                        "host_status": c.get("host_status"),
                        "host_message": c.get("host_message"),
                    }
                    for cid, c in h.checks.items()
                ]
                if check_rows:
                    conn.execute(self.checks.insert(), check_rows)
        except sa.exc.IntegrityError:
            if self.has_scan(run_id, h.name):
                return False
            raise InputError(f"run {run_id} is not in the history store") from None
        except sa.exc.OperationalError as exc:
            raise InputError(f"history store {_safe_url(self.url)}: {_one(exc)}") from None
        return True

    def has_scan(self, run_id: str, host: str) -> bool:
        """Whether the host's result of the run is stored."""
        with self._tx() as conn:
            row = conn.execute(
                self.scans.select().where(
                    (self.scans.c.run_id == run_id) & (self.scans.c.host == host)
                )
            ).first()
        return row is not None

    def list_runs(self, limit: int = 50) -> list[RunInfo]:
        """Newest first."""
        sa = _sa()
        counts = (
            sa.select(self.scans.c.run_id, sa.func.count().label("n"))
            .group_by(self.scans.c.run_id)
            .subquery()
        )
        q = (
            sa.select(self.runs, sa.func.coalesce(counts.c.n, 0).label("stored"))
            .select_from(self.runs.outerjoin(counts, counts.c.run_id == self.runs.c.id))
            .order_by(self.runs.c.started_at.desc(), self.runs.c.id.desc())
            .limit(limit)
        )
        with self._tx() as conn:
            return [
                RunInfo(
                    r.id,
                    r.started_at,
                    r.finished_at,
                    r.inventory,
                    r.profile,
                    r.mode,
                    r.targets,
                    r.stored,
                )
                for r in conn.execute(q)
            ]

    def resolve(self, ref: str) -> RunInfo:
        """A run by id, unique id prefix, `latest` or `previous`."""
        runs = self.list_runs(limit=100000)
        if ref in ("latest", "previous"):
            i = 0 if ref == "latest" else 1
            if len(runs) <= i:
                raise InputError(f"the history store has no {ref} run")
            return runs[i]
        found = [r for r in runs if r.id.startswith(ref)]
        if len(found) != 1:
            raise InputError(
                f"run {ref!r}: {'no such run' if not found else 'ambiguous prefix'} in the history"
            )
        return found[0]

    def load_summaries(self, run_id: str) -> list[HostSummary]:
        """The stored host summaries of a run, in host order."""
        out: dict[int, HostSummary] = {}
        with self._tx() as conn:
            for s in conn.execute(
                self.scans.select().where(self.scans.c.run_id == run_id).order_by(self.scans.c.host)
            ):
                out[s.id] = HostSummary(
                    name=s.host,
                    group=s.host_group,
                    zone=s.zone,
                    platform=s.platform,
                    target=s.target,
                    state=s.state,
                    exit_code=s.exit_code,
                    attempts=s.attempts,
                    duration_s=s.duration_s,
                    error=s.error,
                    by_status=json.loads(s.by_status),
                    recs={},
                    checks={},
                    score=s.score,
                )
            if not out:
                return []
            ids = list(out)
            for r in conn.execute(self.recs.select().where(self.recs.c.scan_id.in_(ids))):
                out[r.scan_id].recs.setdefault(r.edition, {})[r.rec_id] = r.status
            for c in conn.execute(self.checks.select().where(self.checks.c.scan_id.in_(ids))):
                entry: dict[str, Any] = {
                    "title": c.title,
                    "severity": c.severity,
                    "subjects": c.subjects,
                    "fail": c.fail,
                    "worst": c.worst,
                }
                if c.host_status is not None:
                    entry["host_status"] = c.host_status
                    entry["host_message"] = c.host_message or ""
                out[c.scan_id].checks[c.check_id] = entry
        from hvaudit.catalog import EDITIONS

        for h in out.values():
            for e in EDITIONS:
                h.recs.setdefault(e, {})
        return list(out.values())

    def history(
        self,
        *,
        host: str | None = None,
        group: str | None = None,
        recommendation: str | None = None,
        edition: str = "sp800-125a-2014",
        limit: int = 50,
    ) -> list[dict[str, Any]]:
        """Posture over time: per run (oldest first), counts of (host, recommendation) states."""
        sa = _sa()
        q = (
            sa.select(
                self.runs.c.id,
                self.runs.c.started_at,
                self.recs.c.status,
                sa.func.count().label("n"),
                sa.func.count(sa.distinct(self.scans.c.host)).label("hosts"),
            )
            .select_from(
                self.runs.join(self.scans, self.scans.c.run_id == self.runs.c.id).join(
                    self.recs, self.recs.c.scan_id == self.scans.c.id
                )
            )
            .where(self.recs.c.edition == edition)
            .group_by(self.runs.c.id, self.runs.c.started_at, self.recs.c.status)
        )
        if host:
            q = q.where(self.scans.c.host == host)
        if group:
            q = q.where(self.scans.c.host_group == group)
        if recommendation:
            q = q.where(self.recs.c.rec_id == recommendation)
        rows: dict[str, dict[str, Any]] = {}
        with self._tx() as conn:
            for r in conn.execute(q):
                entry = rows.setdefault(
                    r.id, {"run_id": r.id, "started_at": r.started_at, "counts": {}}
                )
                entry["counts"][r.status] = entry["counts"].get(r.status, 0) + r.n
        ordered = sorted(rows.values(), key=lambda e: (e["started_at"], e["run_id"]))
        return ordered[-limit:]

    def prune(self, *, keep: int | None = None, older_than_days: int | None = None) -> int:
        """Delete runs beyond the newest `keep` and runs older than `older_than_days`."""
        runs = self.list_runs(limit=10**9)
        doomed: set[str] = set()
        if keep is not None:
            doomed |= {r.id for r in runs[max(keep, 0) :]}
        if older_than_days is not None:
            cutoff = (dt.datetime.now(dt.UTC) - dt.timedelta(days=older_than_days)).strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            )
            doomed |= {r.id for r in runs if r.started_at < cutoff}
        if not doomed:
            return 0
        with self._tx() as conn:
            scan_ids = [
                s.id
                for s in conn.execute(
                    self.scans.select().where(self.scans.c.run_id.in_(sorted(doomed)))
                )
            ]
            if scan_ids:
                conn.execute(self.recs.delete().where(self.recs.c.scan_id.in_(scan_ids)))
                conn.execute(self.checks.delete().where(self.checks.c.scan_id.in_(scan_ids)))
                conn.execute(self.scans.delete().where(self.scans.c.id.in_(scan_ids)))
            conn.execute(self.runs.delete().where(self.runs.c.id.in_(sorted(doomed))))
        return len(doomed)


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def save_run(store: Store, run_id: str, summaries: Sequence[HostSummary]) -> int:
    """Store every summary of a run; returns how many were new."""
    return sum(store.save_scan(run_id, h) for h in summaries)
