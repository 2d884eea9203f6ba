"""A progress display on standard error for scans that take more than a moment.

It shows the phase (collecting from the target, assessing) with a spinner and the elapsed time, so
a remote host that is slow to answer is visibly being waited for. It appears only when standard
error is a terminal, and only after `DELAY` seconds (a quick scan shows nothing), and it clears
itself before the report is written.
"""

from __future__ import annotations

import sys
import threading
import time
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.status import Status
    from rich.text import Text

__all__ = ["DELAY", "Progress"]

DELAY = 0.5


class Progress:
    """`with Progress(enabled) as p: p.phase("collecting ..."); ...`."""

    def __init__(self, enabled: bool | None = None, *, delay: float = DELAY) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.delay = delay
        self._text = ""
        self._start = time.monotonic()
        self._status: Status | None = None
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._ticker: threading.Thread | None = None
        self._done = threading.Event()

    def __enter__(self) -> Progress:
        if self.enabled:
            self._timer = threading.Timer(self.delay, self._show)
            self._timer.daemon = True
            self._timer.start()
        return self

    def _message(self) -> Text:
        from rich.text import Text

        return Text(f"{self._text}  {time.monotonic() - self._start:.0f} s")

    def _show(self) -> None:
        with self._lock:
            if self._done.is_set():
                return
            # rich is imported only when a display is shown: a scan's start-up is on its
            # critical path (benchmarks/bench_scan.py)
            from rich.console import Console

            console = Console(file=sys.stderr, highlight=False, markup=False, emoji=False)
            self._status = console.status(self._message(), spinner="dots")
            self._status.start()
        self._ticker = threading.Thread(target=self._tick, daemon=True)
        self._ticker.start()

    def _tick(self) -> None:
        while not self._done.wait(1.0):
            with self._lock:
                if self._status is not None:
                    self._status.update(self._message())

    def phase(self, text: str) -> None:
        """Name what is being done now (plain text: a target URI is not markup)."""
        with self._lock:
            self._text = text
            if self._status is not None:
                self._status.update(self._message())

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._done.set()
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            if self._status is not None:
                self._status.stop()
                self._status = None
