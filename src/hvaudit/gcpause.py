"""Pause Python's cyclic garbage collector for one batch run.

A scan builds a large, acyclic object graph (tens of thousands of results for thousands of VMs)
and then exits. The cyclic collector would repeatedly traverse that growing graph for nothing,
which made scan time grow faster than linearly with the VM count; reference counting still frees
everything. Measured in benchmarks/bench_scan.py.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_gc"]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Disable the cyclic collector inside the block; restore its previous state after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
