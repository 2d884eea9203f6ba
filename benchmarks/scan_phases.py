"""Where one `hvaudit scan` process spends its wall and CPU time: a timeline of its phases.

Runs the real command (`hvaudit.cli.run`) in this process with the scan's phases wrapped as
their modules load (nothing is imported earlier than the scan itself imports it), and prints,
for each mark, the milliseconds since the process started (wall, from /proc) and the process's
CPU time (user+sys) and minor page faults so far. Lane workers are forked processes: their CPU
is not in these figures (the parent's wait for them is).

    python benchmarks/scan_phases.py scan --connect test:///tmp/node-1000.xml --facts none \\
        --format json -o /tmp/report.json

Run it with the bytecode cache on (unset PYTHONDONTWRITEBYTECODE), as bench_scan.py does;
otherwise every start compiles hvaudit's modules and the imports look several times dearer.
The marks are printed to standard error when the command leaves.
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.machinery
import os
import resource
import sys
import time
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

WRAPPED: dict[str, tuple[str, ...]] = {
    "hvaudit.preopen": (),
    "hvaudit.collect": ("collect",),
    "hvaudit.parse": ("build_deployment",),
    "hvaudit.engine": ("assess",),
    "hvaudit.lanes": ("assess_json", "run_jobs"),
    "hvaudit.cli": (
        "load_profile_early",
        "_assess_and_report",
        "_report_json_scan",
        "_write_outputs",
    ),
}
"""Modules whose import is marked, and their functions whose calls are marked."""


def _process_start() -> float:
    """The time.time() at which this process started."""
    with open("/proc/self/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    with open("/proc/uptime") as f:
        uptime = float(f.read().split()[0])
    return time.time() - (uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK"))


START = _process_start()
MARKS: list[tuple[float, float, int, str]] = []


def mark(what: str) -> None:
    """Record a mark: wall ms since the process started, CPU ms, minor faults."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    MARKS.append(
        ((time.time() - START) * 1000, (ru.ru_utime + ru.ru_stime) * 1000, ru.ru_minflt, what)
    )


def _wrap(module: ModuleType, name: str) -> None:
    inner: Callable[..., Any] = getattr(module, name)

    @functools.wraps(inner)
    def marked(*args: Any, **kwargs: Any) -> Any:
        mark(f"> {module.__name__}.{name}")
        try:
            return inner(*args, **kwargs)
        finally:
            mark(f"< {module.__name__}.{name}")

    setattr(module, name, marked)


class _Finder(importlib.abc.MetaPathFinder):
    """Marks the import of the modules in WRAPPED and wraps their functions once loaded."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in WRAPPED:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        run = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            mark(f"import {fullname}")
            run(module)
            for name in WRAPPED[fullname]:
                _wrap(module, name)
            mark(f"imported {fullname}")
            if fullname == "hvaudit.preopen":
                _mark_open(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _mark_open(preopen: Any) -> None:
    """Mark the early open's thread (`hvaudit.preopen.Opening._open`)."""
    opening = preopen.Opening
    inner = opening._open

    def _open(self: Any) -> None:
        mark("early open: started")
        inner(self)
        mark("early open: done")

    opening._open = _open


def _print_and_exit(code: int) -> None:
    mark("os._exit")
    if os.getpid() == MAIN:
        prev = 0.0
        for wall, cpu, faults, what in MARKS:
            print(
                f"{wall:9.1f} ms (+{wall - prev:7.1f})  CPU {cpu:8.1f} ms  faults {faults:6d}  {what}",
                file=sys.stderr,
            )
            prev = wall
        print(f"load average: {os.getloadavg()[0]:.2f}", file=sys.stderr)
        sys.stderr.flush()
    EXIT(code)


MAIN = os.getpid()
EXIT = os._exit

if __name__ == "__main__":
    mark("python started, this script running")
    sys.meta_path.insert(0, _Finder())
    os._exit = _print_and_exit  # the command leaves by os._exit once its output is written
    sys.argv = ["hvaudit", *sys.argv[1:]]
    import hvaudit.cli

    mark("hvaudit.cli imported")
    try:
        hvaudit.cli.run()
    except SystemExit as exc:  # the command's normal exit (an exit handler or a thread waits)
        _print_and_exit(exc.code if isinstance(exc.code, int) else 1)
