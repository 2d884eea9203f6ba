"""Zone workers in separate network namespaces: the segmentation HY-SR-21 asks for, made real.

Two namespaces stand for two management segments. Each is joined to this machine by a veth pair
(its own /30) and has nothing else: no default route, no path to the other segment. The zone's
target, a fake Proxmox VE node (fakepve, a real HTTPS server), listens on an address on the
namespace's loopback, so only processes inside that namespace can reach it. Redis and PostgreSQL
run on this machine and listen on the host side of both veth pairs; a zone's Celery worker runs
inside its namespace (`ip netns exec`) and reaches them over its veth pair, as a worker in a
segment reaches the central broker and store through the firewall.

What the test proves: each zone's worker scans its zone's node (the guest count tells the nodes
apart), and a target queued for the wrong zone fails as unreachable, an explicit error, never a
pass. Without CAP_NET_ADMIN (no `ip netns add`), the tests are skipped with the reason.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import select
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import postgres_server
from hvaudit.fleet.store import open_store
from test_fleet_distributed import VISIBILITY, Redis

pytestmark = pytest.mark.fleet_distributed

pytest.importorskip("fakepve")

HERE = Path(__file__).parent
PVE_PORT = 8006
TOKEN_ID = "root@pam!hvaudit"


@dataclass(frozen=True)
class Zone:
    """One management segment: a network namespace joined to this machine by a veth pair."""

    name: str
    netns: str
    host_address: str
    """This machine's end of the veth pair (where Redis and PostgreSQL listen for the zone)."""
    address: str
    """The namespace's end of the veth pair."""
    target_address: str
    """On the namespace's loopback: reachable from inside the namespace only."""

    def run(self, argv: list[str]) -> list[str]:
        return ["ip", "netns", "exec", self.netns, *argv]


def _ip(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", *args], capture_output=True, text=True, timeout=30, check=False)


def _delete_netns(name: str) -> None:
    """Kill what still runs in the namespace (a namespace lives as long as a process in it),
    then delete it; its veth end goes with it, and so does the peer on this machine."""
    for pid in _ip("netns", "pids", name).stdout.split():
        try:
            os.kill(int(pid), signal.SIGKILL)
        except (ProcessLookupError, ValueError):
            continue
    _ip("netns", "del", name)


def _remove_stale() -> None:
    """Namespaces left by a run that was itself killed (its pid is in the name)."""
    for line in _ip("netns", "list").stdout.splitlines():
        name = line.split()[0] if line.split() else ""
        m = re.fullmatch(r"hvz(\d+)[ab]", name)
        if m and not Path(f"/proc/{m[1]}").exists():
            _delete_netns(name)


def _free_subnet() -> str:
    """A 10.x.y.0/24 no interface or route of this machine uses (parallel runs pick others)."""
    used = _ip("-o", "addr").stdout + _ip("route").stdout + _ip("-o", "link").stdout
    for _ in range(200):
        prefix = f"10.{200 + secrets.randbelow(50)}.{secrets.randbelow(256)}."
        if prefix not in used:
            return prefix
    raise RuntimeError("no free 10.x.y.0/24 for the zone namespaces")


@pytest.fixture(scope="module")
def zones() -> Iterator[tuple[Zone, Zone]]:
    """Two namespaces, hvz<pid>a and hvz<pid>b, removed afterwards whatever happens."""
    if shutil.which("ip") is None:
        pytest.skip("iproute2 (`ip`) is not installed: no network namespaces")
    _remove_stale()
    pid = os.getpid()
    prefix = _free_subnet()
    made: list[Zone] = []
    try:
        for k, z in enumerate("ab"):
            zone = Zone(
                f"zone-{z}",
                f"hvz{pid}{z}",
                f"{prefix}{4 * k + 1}",
                f"{prefix}{4 * k + 2}",
                f"{prefix}{129 + k}",
            )
            first = _ip("netns", "add", zone.netns)
            if first.returncode != 0:
                if not made:
                    pytest.skip(
                        "network namespaces are not available here (needs CAP_NET_ADMIN): "
                        + " ".join(first.stderr.split())
                    )
                raise RuntimeError(f"ip netns add {zone.netns}: {first.stderr.strip()}")
            made.append(zone)
            host_if, ns_if = f"hvz{pid}{z}0", f"hvz{pid}{z}1"
            for step in (
                (
                    "link",
                    "add",
                    host_if,
                    "type",
                    "veth",
                    "peer",
                    "name",
                    ns_if,
                    "netns",
                    zone.netns,
                ),
                ("addr", "add", f"{zone.host_address}/30", "dev", host_if),
                ("link", "set", host_if, "up"),
                ("-n", zone.netns, "addr", "add", f"{zone.address}/30", "dev", ns_if),
                ("-n", zone.netns, "link", "set", ns_if, "up"),
                ("-n", zone.netns, "link", "set", "lo", "up"),
                ("-n", zone.netns, "addr", "add", f"{zone.target_address}/32", "dev", "lo"),
            ):
                done = _ip(*step)
                if done.returncode != 0:
                    raise RuntimeError(f"ip {' '.join(step)}: {done.stderr.strip()}")
        yield made[0], made[1]
    finally:
        for zone in made:
            _delete_netns(zone.netns)
            _ip("link", "del", f"hvz{pid}{zone.netns[-1]}0")  # gone with the namespace already


@dataclass(frozen=True)
class Central:
    """The shared services, reachable from each zone at its host address."""

    redis: Redis
    db: str
    """PostgreSQL through its Unix socket (the submitting side, on this machine)."""
    db_port: int
    token: str
    pki: dict[str, Path]
    """zone name -> the certificate its node serves."""

    def db_at(self, zone: Zone) -> str:
        return f"postgresql+psycopg://hvaudit@{zone.host_address}:{self.db_port}/postgres"


def _wait_ready(proc: subprocess.Popen[bytes], what: str, timeout: float = 30.0) -> None:
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    line = proc.stdout.readline() if ready else b""
    if line.strip() != b"ready":
        proc.kill()
        raise RuntimeError(f"{what} did not start: {line.decode(errors='replace')[:300]}")


@pytest.fixture(scope="module")
def central(zones: tuple[Zone, Zone]) -> Iterator[Central]:
    """Redis and PostgreSQL listening on both zones' host addresses; a fakepve node per zone."""
    token = f"{TOKEN_ID}={secrets.token_hex(16)}"
    redis = Redis(bind=tuple(z.host_address for z in zones), password=secrets.token_hex(16))
    nodes: list[subprocess.Popen[bytes]] = []
    pki_root = Path(tempfile.mkdtemp(prefix="hvaudit-zones-"))
    try:
        pki: dict[str, Path] = {}
        for zone, guests in zip(zones, (2, 3), strict=True):
            d = pki_root / zone.name
            d.mkdir()
            node = subprocess.Popen(
                zone.run(
                    [
                        sys.executable,
                        str(HERE / "zone_pve.py"),
                        zone.target_address,
                        str(PVE_PORT),
                        zone.name,
                        str(guests),
                        str(d),
                    ]
                ),
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env={**os.environ, "ZONE_PVE_TOKEN": token},
            )
            nodes.append(node)
            _wait_ready(node, f"the fakepve node of {zone.name}")
            pki[zone.name] = d / "fakepve.crt"
        subnet = zones[0].host_address.rsplit(".", 1)[0] + ".0/24"
        with postgres_server(listen=tuple(z.host_address for z in zones), clients=subnet) as db:
            port = int(db.rsplit("port=", 1)[1])
            yield Central(redis, db, port, token, pki)
    finally:
        for node in nodes:
            node.kill()
            node.wait(10)
            if node.stdout is not None:
                node.stdout.close()
        redis.stop()
        shutil.rmtree(redis.dir, ignore_errors=True)
        shutil.rmtree(pki_root, ignore_errors=True)


@pytest.fixture
def fresh_central(central: Central) -> Central:
    import sqlalchemy as sa

    engine = sa.create_engine(central.db)
    with engine.begin() as conn:
        conn.execute(
            sa.text("DROP TABLE IF EXISTS scan_checks, scan_recs, scans, runs, alembic_version")
        )
    engine.dispose()
    return central


@pytest.fixture
def zone_workers(fresh_central: Central) -> Iterator[Callable[[Zone], subprocess.Popen[bytes]]]:
    """`hvaudit fleet worker --zone Z` inside zone Z's namespace, talking to the central services
    over the zone's veth pair."""
    started: list[subprocess.Popen[bytes]] = []
    c = fresh_central

    def start(zone: Zone) -> subprocess.Popen[bytes]:
        argv = [
            sys.executable,
            "-m",
            "hvaudit.cli",
            "fleet",
            "worker",
            "--broker",
            c.redis.url_at(zone.host_address),
            "--db",
            c.db_at(zone),
            "--zone",
            zone.name,
            "--concurrency",
            "1",
            "--visibility-timeout",
            str(VISIBILITY),
        ]
        proc = subprocess.Popen(
            zone.run(argv),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, "ZONE_PVE_TOKEN": c.token},
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


def _target(name: str, node: Zone, queue: Zone, c: Central) -> str:
    return (
        f'[[target]]\nname = "{name}"\nuri = "pve+api://{node.target_address}:{PVE_PORT}/pve1"\n'
        f'zone = "{queue.name}"\nca_file = "{c.pki[node.name]}"\n'
        'env = { HVAUDIT_PVE_TOKEN = "ZONE_PVE_TOKEN" }\n'
    )


def test_zone_workers_reach_only_their_own_segment(
    tmp_path: Path, zones: tuple[Zone, Zone], fresh_central: Central, zone_workers
) -> None:
    a, b = zones
    c = fresh_central
    inv = tmp_path / "inventory.toml"
    inv.write_text(
        "[defaults]\nretries = 0\ntimeout = 60\n"
        + _target("alpha", a, a, c)
        + _target("bravo", b, b, c)
        + _target("alpha-queued-in-b", a, b, c)
        + _target("bravo-queued-in-a", b, a, c)
    )
    zone_workers(a)
    zone_workers(b)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "hvaudit.cli",
            "fleet",
            "scan",
            str(inv),
            "--distributed",
            "--broker",
            c.redis.url,
            "--db",
            c.db,
            "--format",
            "json",
            "--wait",
            "120",
        ],
        capture_output=True,
        timeout=300,
        env={**os.environ, "ZONE_PVE_TOKEN": c.token},
    )
    assert proc.returncode == 3, proc.stderr
    hosts = {h["name"]: h for h in json.loads(proc.stdout)["hosts"]}
    # Each zone's node was scanned by its zone's worker: zone-a's serves 2 guests, zone-b's 3.
    for name in ("alpha", "bravo"):
        assert hosts[name]["state"] == "assessed", hosts[name]["error"]
        assert hosts[name]["error"] is None
    with open_store(c.db) as store:
        (run,) = store.list_runs()
        assert (run.mode, run.targets, run.stored) == ("distributed", 4, 4)
        summaries = {s.name: s for s in store.load_summaries(run.id)}
    assert summaries["alpha"].checks["HVA-012"]["subjects"] == 2
    assert summaries["bravo"].checks["HVA-012"]["subjects"] == 3
    # Queued for the other zone: that zone's worker has no route to the node; an error, no pass.
    for name, node in (("alpha-queued-in-b", a), ("bravo-queued-in-a", b)):
        host = hosts[name]
        assert host["state"] == "failed"
        assert host["by_status"] == {} or not host["by_status"].get("pass")
        assert host["error"] == (
            f"pve+api://{node.target_address}:{PVE_PORT}/pve1: ConnectionError: "
            "[Errno 101] Network is unreachable (nothing was collected, no bundle kept)"
        ), host["error"]
