"""Distributed fleet scans on real Celery workers, a real Redis broker and a real PostgreSQL store,
all started by the tests themselves (Debian's redis-server and postgresql packages).

Workers stand for two network zones (their own queues); the faults are real: a worker killed
with SIGKILL in the middle of a task, Redis restarted mid-run, PostgreSQL stopped while a task
is finishing, and a target that never answers. The workers share this machine's network (no
separate namespaces), which the zone routing does not depend on.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import connected_to, domain_xml, write_node
from hvaudit.fleet.store import open_store
from test_fleet import WEAK_VM

pytestmark = pytest.mark.fleet_distributed

VISIBILITY = 6  # seconds before a dead worker's task is handed to another worker


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Redis:
    """A redis-server on loopback with an append-only file, so a restart keeps the queue."""

    def __init__(self, bind: tuple[str, ...] = (), password: str | None = None) -> None:
        """On loopback, and on the `bind` addresses too when given (then with `password`)."""
        exe = shutil.which("redis-server")
        if exe is None:
            if os.environ.get("CI"):
                pytest.fail("redis-server is not installed (scripts/install-system-deps does it)")
            pytest.skip("redis-server is not installed")
        self.exe = exe
        self.port = _free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="hvaudit-redis-"))
        self.bind, self.password = ("127.0.0.1", *bind), password
        self.proc: subprocess.Popen[bytes] | None = None
        self.start()

    @property
    def url(self) -> str:
        return self.url_at("127.0.0.1")

    def url_at(self, address: str) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}{address}:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                self.exe,
                "--port",
                str(self.port),
                "--bind",
                *self.bind,
                "--dir",
                str(self.dir),
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "",
                "--protected-mode",
                "yes",
                *(["--requirepass", self.password] if self.password else []),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(64).startswith((b"+PONG", b"-NOAUTH")):
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(20)
            self.proc = None


@pytest.fixture
def redis() -> Iterator[Redis]:
    r = Redis()
    yield r
    r.stop()
    shutil.rmtree(r.dir, ignore_errors=True)


@pytest.fixture
def fresh_db(postgres: str) -> Iterator[str]:
    """The PostgreSQL server with no hvaudit tables (each test starts from nothing)."""
    import sqlalchemy as sa

    engine = sa.create_engine(postgres)
    with engine.begin() as conn:
        conn.execute(
            sa.text("DROP TABLE IF EXISTS scan_checks, scan_recs, scans, runs, alembic_version")
        )
    engine.dispose()
    yield postgres


@pytest.fixture
def workers(redis: Redis, fresh_db: str) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []

    def start(*zones: str, concurrency: int = 1) -> subprocess.Popen[bytes]:
        argv = [
            sys.executable,
            "-m",
            "hvaudit.cli",
            "fleet",
            "worker",
            "--broker",
            redis.url,
            "--db",
            fresh_db,
            "--concurrency",
            str(concurrency),
            "--visibility-timeout",
            str(VISIBILITY),
        ]
        for z in zones:
            argv += ["--zone", z]
        proc = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        started.append(proc)
        return proc

    yield start
    for p in started:
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
    for p in started:
        try:
            p.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def _inventory(tmp_path: Path, targets: list[tuple[str, str, str]], extra: str = "") -> Path:
    body = extra + "".join(
        f'[[target]]\nname = "{n}"\nuri = "{u}"\nzone = "{z}"\n' for n, u, z in targets
    )
    path = tmp_path / "inventory.toml"
    path.write_text(body)
    return path


def _scan(argv: list[str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "hvaudit.cli", "fleet", "scan", *argv],
        capture_output=True,
        timeout=300,
    )


_CLIENTS: list[subprocess.Popen[bytes]] = []


@pytest.fixture(autouse=True)
def _no_client_outlives_its_test() -> Iterator[None]:
    """A test that fails before it reads its client's report leaves no process (and no pipe)
    behind to be collected, and blamed, in a later test."""
    yield
    while _CLIENTS:
        client = _CLIENTS.pop()
        if client.poll() is None:
            client.kill()
        client.communicate(timeout=30)


def _submit(inv: Path, redis: Redis, db: str, *, wait: int) -> subprocess.Popen[bytes]:
    """`hvaudit fleet scan --distributed` running in the background, its JSON report on stdout."""
    client = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hvaudit.cli",
            "fleet",
            "scan",
            str(inv),
            "--distributed",
            "--broker",
            redis.url,
            "--db",
            db,
            "--format",
            "json",
            "--wait",
            str(wait),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _CLIENTS.append(client)
    return client


def _comparable(report: dict) -> dict:
    """What must be the same whichever way the fleet was scanned."""
    return {
        "hosts": [
            (h["name"], h["state"], h["platform"], h["failures"], h["score"], h["by_status"])
            for h in report["hosts"]
        ],
        "posture": report["posture"],
        "functions": report["functions"],
        "heatmap": report["heatmap"],
        "failing_checks": report["failing_checks"],
        "outliers": report["outliers"],
        "worst_hosts": report["worst_hosts"],
    }


def test_local_and_distributed_give_the_same_report(
    tmp_path: Path, redis: Redis, fresh_db: str, workers
) -> None:
    targets = [
        ("a1", write_node(tmp_path / "a1.xml", [domain_xml("vm-a1")]), "zone-a"),
        ("a2", write_node(tmp_path / "a2.xml", [WEAK_VM]), "zone-a"),
        ("b1", write_node(tmp_path / "b1.xml", [domain_xml("vm-b1"), WEAK_VM]), "zone-b"),
        ("b2", "qemu+tcp://127.0.0.1:1/system", "zone-b"),
    ]
    inv = _inventory(tmp_path, targets, "[defaults]\nretries = 0\ntimeout = 60\n")
    workers("zone-a")
    workers("zone-a")
    workers("zone-b")
    local = _scan([str(inv), "--no-store", "--format", "json"])
    dist = _scan(
        [
            str(inv),
            "--distributed",
            "--broker",
            redis.url,
            "--db",
            fresh_db,
            "--format",
            "json",
            "--wait",
            "120",
        ]
    )
    assert local.returncode == dist.returncode == 3, dist.stderr
    a, b = json.loads(local.stdout), json.loads(dist.stdout)
    assert _comparable(a) == _comparable(b)
    assert b"queued for zone(s) zone-a, zone-b" in dist.stderr
    with open_store(fresh_db) as store:
        (run,) = store.list_runs()
        assert (run.mode, run.targets, run.stored) == ("distributed", 4, 4)


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper has ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _worker_of(child_pid: int) -> int:
    """The session (worker) a scan child's parent belongs to."""
    ppid = int(Path(f"/proc/{child_pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    return int(Path(f"/proc/{ppid}/stat").read_text().rsplit(")", 1)[1].split()[3])


def test_worker_killed_mid_task_completes_elsewhere_once(
    tmp_path: Path, redis: Redis, fresh_db: str, workers, hung_peer: int
) -> None:
    uri = f"qemu+tcp://127.0.0.1:{hung_peer}/system"
    inv = _inventory(tmp_path, [("slow", uri, "zone-a")], "[defaults]\nretries = 0\ntimeout = 8\n")
    w1, w2 = workers("zone-a"), workers("zone-a")
    client = _submit(inv, redis, fresh_db, wait=90)
    deadline = time.monotonic() + 60
    children: list[int] = []
    while time.monotonic() < deadline and not children:
        children = connected_to(hung_peer)
        time.sleep(0.2)
    assert children, "no worker started the slow target"
    victim = _worker_of(children[0])
    assert victim in (w1.pid, w2.pid)
    os.killpg(victim, signal.SIGKILL)
    time.sleep(1)
    assert not _alive(children[0])  # died with its worker
    assert connected_to(hung_peer) == []
    out, err = client.communicate(timeout=120)
    assert client.returncode == 3, err
    report = json.loads(out)
    (host,) = report["hosts"]
    assert host["state"] == "failed"
    assert host["error"] == "no answer within the 8 s deadline (scan killed)"
    with open_store(fresh_db) as store:
        (run,) = store.list_runs()
        assert run.stored == 1


def test_redis_restarted_mid_run(tmp_path: Path, redis: Redis, fresh_db: str, workers) -> None:
    # 200 VMs a host: with scans forked from a warmed server a 5-VM host takes about 0.1 s, and the
    # whole run could end between two looks at the store; this keeps each host near a second
    targets = [
        (
            f"h{i}",
            write_node(tmp_path / f"h{i}.xml", [domain_xml(f"vm{i}-{j}") for j in range(200)]),
            "zone-a",
        )
        for i in range(6)
    ]
    inv = _inventory(tmp_path, targets)
    workers("zone-a")
    client = _submit(inv, redis, fresh_db, wait=120)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        with open_store(fresh_db) as store:
            runs = store.list_runs()
        if runs and runs[0].stored >= 1:
            break
        time.sleep(0.3)
    assert runs and 1 <= runs[0].stored < 6, "the restart must fall in the middle of the run"
    redis.stop()
    time.sleep(2)
    redis.start()
    out, err = client.communicate(timeout=240)
    assert client.returncode == 1, err  # every host assessed; plain VMs fail some checks
    report = json.loads(out)
    assert [h["state"] for h in report["hosts"]] == ["assessed"] * 6
    with open_store(fresh_db) as store:
        assert store.list_runs()[0].stored == 6


def test_postgresql_away_when_a_task_ends(
    tmp_path: Path, redis: Redis, fresh_db: str, workers, hung_peer: int
) -> None:
    uri = f"qemu+tcp://127.0.0.1:{hung_peer}/system"
    quick = write_node(tmp_path / "q.xml", [domain_xml("vm-q")])
    inv = _inventory(
        tmp_path,
        [("slow", uri, "zone-a"), ("quick", quick, "zone-b")],
        "[defaults]\nretries = 0\ntimeout = 6\n",
    )
    workers("zone-a")
    workers("zone-b")
    client = _submit(inv, redis, fresh_db, wait=120)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not connected_to(hung_peer):
        time.sleep(0.2)
    assert connected_to(hung_peer)
    pg = _pg_control(fresh_db)
    pg("stop")  # the slow target's task ends (deadline 6 s) while the store is down
    time.sleep(12)
    pg("start")
    out, err = client.communicate(timeout=180)
    assert client.returncode == 3, err
    report = json.loads(out)
    states = {h["name"]: (h["state"], h["error"]) for h in report["hosts"]}
    assert states["slow"] == ("failed", "no answer within the 6 s deadline (scan killed)")
    assert states["quick"][0] == "assessed"
    with open_store(fresh_db) as store:
        assert store.list_runs()[0].stored == 2


def _pg_control(url: str) -> Callable[[str], None]:
    sock = url.split("host=", 1)[1].split("&", 1)[0]
    data = str(Path(sock).parent / "data")
    pg_ctl = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))[-1]
    run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def ctl(action: str) -> None:
        extra = (
            ["-m", "fast"]
            if action == "stop"
            else [
                "-o",
                f"-c listen_addresses='' -k {sock} -p 5499",
                "-l",
                str(Path(sock).parent / "log"),
            ]
        )
        subprocess.run(
            [*run_as, str(pg_ctl), "-D", data, "-w", *extra, action],
            check=True,
            capture_output=True,
            timeout=60,
        )

    return ctl
