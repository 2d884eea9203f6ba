"""Fleet scan throughput: N simulated hosts of M VMs each (libvirt test-driver nodes), collected,
assessed and stored in SQLite by `hvaudit fleet scan`, with 1, 2 and 4 workers.

Prints wall time, hosts per second, CPU seconds per host (the fleet command and every process it
started, user + system) and the load average before and after. Every target is a child process
(the isolation that makes a hung host harmless): forked from a warmed fork server by default,
or, with `--spawn exec`, a fresh `python -m hvaudit.cli` per target (the cost before the fork
server, HVAUDIT_FLEET_FORKSERVER=0).

    python benchmarks/bench_fleet.py                      # 1,000 hosts of 20 VMs, 1/2/4 workers
    python benchmarks/bench_fleet.py --hosts 200 --workers 2,4
    python benchmarks/bench_fleet.py --hosts 60 --workers 2 --spawn exec,fork
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path


def node_xml(host: int, vms: int) -> str:
    doms = "".join(
        f"<domain type='kvm'><name>h{host}-vm{j}</name>"
        f"<uuid>{uuid.uuid5(uuid.NAMESPACE_DNS, f'h{host}-vm{j}')}</uuid>"
        f"<memory unit='MiB'>1024</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os>"
        f"<devices><interface type='network'><source network='default'/>"
        f"<model type='virtio'/></interface></devices></domain>"
        for j in range(vms)
    )
    cpu = (
        "<cpu><mhz>2400</mhz><model>x86_64</model><active>16</active><nodes>1</nodes>"
        "<sockets>2</sockets><cores>4</cores><threads>2</threads></cpu>"
    )
    return f"<node>{cpu}<memory>67108864</memory>{doms}</node>"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hosts", type=int, default=1000)
    ap.add_argument("--vms", type=int, default=20)
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--spawn", default="fork", help="fork, exec or both (fork,exec)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="hvaudit-bench-fleet-") as tmp:
        base = Path(tmp)
        lines = []
        for h in range(args.hosts):
            node = base / f"h{h}.xml"
            node.write_text(node_xml(h, args.vms))
            lines.append(f'[[target]]\nname = "h{h}"\nuri = "test://{node}"\n')
        inv = base / "inventory.toml"
        inv.write_text("[defaults]\nretries = 0\ntimeout = 300\n" + "".join(lines))
        print(f"{args.hosts} hosts x {args.vms} VMs, {os.cpu_count()} CPUs")
        print("spawn | workers |   wall s | hosts/s | CPU s/host | stored | load before/after")
        runs = [(sp, int(w)) for sp in args.spawn.split(",") for w in args.workers.split(",")]
        for spawn, w in runs:
            db = f"sqlite:///{base / f'history-{spawn}-{w}.sqlite'}"
            env = dict(os.environ)
            env["HVAUDIT_FLEET_FORKSERVER"] = "0" if spawn == "exec" else "1"
            load_before = os.getloadavg()[0]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            proc = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "hvaudit.cli",
                    "fleet",
                    "scan",
                    str(inv),
                    "--db",
                    db,
                    "--workers",
                    str(w),
                    "--quiet",
                    "--format",
                    "json",
                    "--output",
                    str(base / f"fleet-{spawn}-{w}.json"),
                ],
                capture_output=True,
                check=False,
                env=env,
            )
            wall = time.perf_counter() - t0
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            if proc.returncode not in (0, 1):
                sys.exit(f"fleet scan failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
            stored = subprocess.run(
                [sys.executable, "-m", "hvaudit.cli", "fleet", "runs", "--db", db],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()[3]
            print(
                f"{spawn:>5} | {w:>7} | {wall:8.1f} | {args.hosts / wall:7.2f} | "
                f"{cpu / args.hosts:10.3f} | {stored:>6} | {load_before:.1f}/{os.getloadavg()[0]:.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
