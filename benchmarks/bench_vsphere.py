"""vSphere collection against govmomi's simulator: hosts and VMs at scale, API round trips.

    python benchmarks/bench_vsphere.py [--hosts N] [--vms-per-host M]

Builds tests/vcsim (scripts/build-vcsim), starts a vCenter with N standalone hosts carrying M VMs
each, collects it through vsphere:// and prints the wall time, the API round trips the collector
made (one container view and one bulk RetrievePropertiesEx per object type, plus continuation
pages of 500 objects) and the time of the full assessment of the bundle.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from hvaudit.collect import CollectOptions, collect  # noqa: E402
from hvaudit.engine import assess  # noqa: E402
from hvaudit.parse import build_deployment  # noqa: E402
from hvaudit.profile import load_profile  # noqa: E402


def run(hosts: int, vms: int, work: Path, binary: Path) -> None:
    cert = work / "vcsim.pem"
    proc = subprocess.Popen(
        [
            str(binary),
            "-pass",
            "bench",
            "-cert",
            str(cert),
            "-hosts",
            str(hosts),
            "-cluster-hosts",
            "0",
            "-clusters",
            "0",
            "-portgroups",
            "0",
            "-vms",
            str(vms),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = json.loads(proc.stdout.readline())["url"]
        target = "vsphere://" + url.split("//", 1)[1].split("/", 1)[0]
        os.environ["HVAUDIT_VSPHERE_USER"] = "hvaudit-ro"
        os.environ["HVAUDIT_VSPHERE_PASSWORD"] = "bench"  # noqa: S105 - the simulator's
        opts = CollectOptions(uri=target, ca_file=str(cert))
        t0 = time.perf_counter()
        result = collect(opts, None)
        t1 = time.perf_counter()
        bundle = result.bundle
        deployment, problems = build_deployment(bundle)
        assess(deployment, problems, load_profile())
        t2 = time.perf_counter()
        calls = bundle.manifest["collector"]["vmware"]["api_calls"]
        print(
            f"{hosts:5d} hosts {hosts * vms:6d} VMs  collect {t1 - t0:6.2f} s  "
            f"api calls {calls:3d}  assess {t2 - t1:6.2f} s  ({len(deployment.vms)} VMs in the model)"
        )
    finally:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.close()
        proc.wait(30)
        proc.stdout.close()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--hosts", type=int, nargs="*", default=[10, 50])
    p.add_argument("--vms-per-host", type=int, default=20)
    p.add_argument("--vcsim", type=Path, help="a simulator built earlier by scripts/build-vcsim")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        binary = args.vcsim or work / "vcsim-hvaudit"
        if args.vcsim is None:
            subprocess.run(
                [str(ROOT / "scripts" / "build-vcsim"), str(binary)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        for hosts in args.hosts:
            run(hosts, args.vms_per_host, work, binary)


if __name__ == "__main__":
    main()
