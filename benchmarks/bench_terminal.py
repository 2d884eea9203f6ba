"""What the terminal report costs next to the scan it reports, on test-driver deployments of 1,000
and 5,000 VMs (benchmarks/bench_scan.py's generator): collect + parse + assess, then the JSON
report, the full terminal report (Rich, 100 and 80 columns) and `--summary`, each timed alone.

    python benchmarks/bench_terminal.py [--sizes 1000 5000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_scan import make_node

from hvaudit.collect import CollectOptions, collect_libvirt
from hvaudit.engine import Assessment, assess
from hvaudit.gcpause import paused_gc
from hvaudit.parse import build_deployment
from hvaudit.profile import load_profile
from hvaudit.report.json_report import render_json
from hvaudit.report.terminal import render_terminal


def best(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        with paused_gc():
            out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(
        f"{'VMs':>6} {'scan s':>8} {'json s':>8} {'term100 s':>10} {'term80 s':>9} "
        f"{'summary s':>10} {'term/scan':>10} {'lines':>7}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            node = Path(tmp) / f"node-{n}.xml"
            make_node(node, n)

            def scan(uri: str = f"test://{node}") -> Assessment:
                res = collect_libvirt(CollectOptions(uri, facts="none"), None)
                dep, problems = build_deployment(res.bundle)
                return assess(dep, problems, load_profile())

            t_scan, a = best(scan, args.repeat)
            assert isinstance(a, Assessment)
            t_json, _ = best(lambda a=a: render_json(a), args.repeat)
            t_100, text = best(lambda a=a: render_terminal(a, width=100), args.repeat)
            t_80, _ = best(lambda a=a: render_terminal(a, width=80), args.repeat)
            t_sum, _ = best(lambda a=a: render_terminal(a, width=100, summary=True), args.repeat)
            assert isinstance(text, str)
            print(
                f"{n:>6} {t_scan:>8.2f} {t_json:>8.2f} {t_100:>10.2f} {t_80:>9.2f} "
                f"{t_sum:>10.2f} {t_100 / t_scan:>10.2f} {text.count(chr(10)):>7}",
                flush=True,
            )


if __name__ == "__main__":
    main()
