"""Assessment cost when running VMs have pending (next-start) definitions.

For each size N and pending count K: a test-driver node of N running VMs (bench_scan's VMs) is
opened, K of them are redefined with their memory doubled (`defineXML` on a running domain
changes only its persistent definition, as `virsh define` does), and the real libvirt collector
writes a bundle from that connection (so K `<uuid>.next.xml` definitions, each differing in more
than its CPU); with --change mac they share one MAC address instead (a field the
checks comparing VMs read of the others, so those keep a world per such VM). Each bundle is then
assessed by a fresh `hvaudit assess --format json` process; prints its wall and CPU time
(user+sys), best of --repeat by CPU, and the JSON report's size (one warm-up run of the first
bundle first, for the bytecode cache: put a small K first).

    python benchmarks/bench_next_start.py [--sizes 1000] [--pending 0 10 40] [--repeat 1]
        [--change memory|mac]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scan import _env, make_node


def make_bundle(tmp: Path, n: int, k: int, change: str = "memory") -> Path:
    """A bundle of `n` running VMs, the first `k` of them with a persistent definition whose
    memory is doubled (`change` memory) or whose interface takes MAC address 52:54:00:ff:ff:fe
    (`change` mac: what the checks comparing VMs' interfaces read of the others)."""
    import libvirt

    from hvaudit.bundle import BundleWriter
    from hvaudit.collect.libvirt import LibvirtCollector, LibvirtTarget

    node = tmp / f"n{n}.xml"
    if not node.exists():
        make_node(node, n)
    uri = f"test://{node}"
    conn = libvirt.open(uri)  # the collector closes it
    doms = sorted(conn.listAllDomains(0), key=lambda d: d.name())
    for dom in doms[:k]:
        xml = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
        if change == "mac":
            changed = re.sub(r"<mac address='[^']*'/>", "<mac address='52:54:00:ff:ff:fe'/>", xml)
        else:
            mem = re.search(r"<memory unit='KiB'>(\d+)</memory>", xml)
            assert mem is not None, xml[:300]
            changed = xml.replace(
                mem.group(0), f"<memory unit='KiB'>{2 * int(mem.group(1))}</memory>"
            )
            changed = re.sub(r"<currentMemory unit='KiB'>\d+</currentMemory>", "", changed)
        conn.defineXML(changed)
    opens = libvirt.open, libvirt.openReadOnly
    libvirt.open = libvirt.openReadOnly = lambda name=None: conn  # the redefined connection
    try:
        dest = tmp / f"b{n}-{k}-{change}"
        writer = BundleWriter(dest, target=uri, platform="kvm-libvirt")
        LibvirtCollector(LibvirtTarget.parse(uri)).collect(writer)
        writer.record(
            "host",
            status="not_applicable",
            origin="host facts",
            reason="simulated host (libvirt test driver)",
        )
        writer.close(complete=True)
    finally:
        libvirt.open, libvirt.openReadOnly = opens
    pending = sum(1 for p in (dest / "libvirt/domains").iterdir() if p.name.endswith(".next.xml"))
    assert pending == k, (pending, k)
    return dest


def assess_once(bundle: Path, tmp: Path) -> dict[str, float]:
    """One `hvaudit assess` process: wall, CPU (user+sys) and the report's size."""
    report = tmp / "report.json"
    argv = [sys.executable, "-m", "hvaudit.cli", "assess", str(bundle), "--format", "json"]
    argv += ["--output", str(report)]
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stderr=subprocess.PIPE, env=_env(tmp))
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    assert proc.stderr is not None
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # 1: failures found (the generated VMs have some)
        raise SystemExit(f"assess exited {code}: {err.strip()[:500]}")
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "bytes": float(report.stat().st_size),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000])
    ap.add_argument("--pending", type=int, nargs="+", default=[0, 10, 40])
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--change", choices=["memory", "mac"], default="memory")
    ap.add_argument("--keep", type=Path, help="write the bundles here and keep them")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = args.keep or Path(d)
        tmp.mkdir(parents=True, exist_ok=True)
        print(f"load {os.getloadavg()[0]:.2f}")
        warm = False
        for n in args.sizes:
            for k in args.pending:
                bundle = tmp / f"b{n}-{k}-{args.change}"
                if not bundle.exists():
                    make_bundle(tmp, n, k, args.change)
                if not warm:
                    assess_once(bundle, tmp)  # warm-up: the bytecode cache
                    warm = True
                runs = [assess_once(bundle, tmp) for _ in range(args.repeat)]
                best = min(runs, key=lambda r: r["cpu"])
                print(
                    f"N={n:5d} K={k:5d}  wall {best['wall']:7.2f} s  CPU {best['cpu']:7.2f} s  "
                    f"report {best['bytes'] / 1e6:6.1f} MB  load {os.getloadavg()[0]:.2f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
