"""The scan's head start: while the collector waits on the target, the calling thread imports what
the assessment needs (`collect(meanwhile=...)`); the deadline, signals and the evidence are
unaffected. Real libvirt: the test driver, and a loopback peer that never answers.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import domain_xml, write_node
from hvaudit.collect import CollectOptions, collect
from hvaudit.errors import CollectionError


def test_meanwhile_runs_while_the_collector_waits_on_a_silent_peer(hung_peer: int) -> None:
    """It runs in the calling thread, during the connection (the collector has not finished),
    and the collection is still abandoned at its deadline."""
    seen: list[tuple[str, bool]] = []
    collector: list[threading.Thread] = []

    def meanwhile() -> None:
        worker = next(t for t in threading.enumerate() if t.name == "hvaudit-collect")
        collector.append(worker)
        seen.append((threading.current_thread().name, worker.is_alive()))

    uri = f"qemu+tcp://127.0.0.1:{hung_peer}/system"
    start = time.monotonic()
    with pytest.raises(CollectionError, match=r"did not finish within 2s \(--timeout\)"):
        collect(CollectOptions(uri, facts="none", timeout=2), None, meanwhile=meanwhile)
    assert seen == [(threading.main_thread().name, True)]
    assert 2 <= time.monotonic() - start < 10
    assert collector[0].is_alive()  # abandoned, as before: it is stuck inside libvirt's C code


def test_a_failing_meanwhile_loses_nothing(tmp_path: Path) -> None:
    uri = write_node(tmp_path / "node.xml", [domain_xml(f"vm{i}") for i in range(3)])
    calls: list[int] = []

    def meanwhile() -> None:
        calls.append(1)
        raise ValueError("a head start that failed")

    res = collect(CollectOptions(uri, facts="none", timeout=30), None, meanwhile=meanwhile)
    assert calls == [1]
    assert res.complete and res.errors == ()
    domains = [
        p for p in res.bundle.files if p.startswith("libvirt/domains/") and p.endswith(".xml")
    ]
    assert len(domains) == 3


class _Silent:
    """A loopback peer that accepts and never answers, telling when it accepted."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted = threading.Event()
        self.conns: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            self.accepted.set()

    def close(self) -> None:
        self.sock.close()
        for conn in self.conns:
            conn.close()


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
@pytest.mark.parametrize("delay", [0.0, 1.5])
def test_a_stalled_scan_ends_on_a_signal(sig: int, code: int, delay: float) -> None:
    """`scan` (which takes the head start) still ends on SIGINT or SIGTERM with its exit code
    and one line, whether the signal comes during the head start (right after the connection
    was accepted) or after it."""
    peer = _Silent()
    try:
        uri = f"qemu+tcp://127.0.0.1:{peer.port}/system"
        proc = subprocess.Popen(
            [sys.executable, "-m", "hvaudit.cli", "scan", "-c", uri, "--facts", "none"],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
        )
        assert peer.accepted.wait(30)
        time.sleep(delay)
        proc.send_signal(sig)
        try:
            _, err = proc.communicate(timeout=15)
        finally:
            proc.kill()
    finally:
        peer.close()
    assert proc.returncode == code, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert "interrupted (nothing was collected, no bundle kept)" in err


@pytest.mark.parametrize(
    "header",
    [
        "Authorization: Bearer s3cr3t-value",
        "AUTHORIZATION: Basic s3cr3t-value",
        "x-API-key: s3cr3t-value",
        "Private-Token: s3cr3t-value",
        "proxy-authorization: Basic s3cr3t-value",
        "X-Auth-Token: s3cr3t-value \u00e9",  # not ASCII: the case-insensitive search
    ],
)
def test_authorization_headers_are_redacted_in_any_case(header: str) -> None:
    """The substring pre-test on ASCII text (fast path of every domain XML) finds what the
    case-insensitive search found."""
    from hvaudit.redact import REDACTED, redact_text

    text = f"<qemu:arg value='-H'/><qemu:arg value='{header}'/>"
    out = redact_text(text)
    assert "s3cr3t-value" not in out and REDACTED in out


def test_definitions_fetched_ahead_come_in_order_with_their_errors() -> None:
    """Helper threads fetch ahead (calls overlap), yet every item comes once, in order, with its
    own result or the error its call raised; an unexpected exception is raised in its place."""
    from hvaudit.collect.libvirt import _in_order

    class Gone(Exception):
        pass

    active: list[int] = []
    overlap: list[int] = []
    lock = threading.Lock()

    def call(i: int) -> str:
        with lock:
            active.append(i)
            overlap.append(len(active))
        time.sleep((i * 37 % 11) / 4000)  # uneven, so that calls finish out of order
        with lock:
            active.remove(i)
        if i % 7 == 3:
            raise Gone(f"domain {i} went away")
        return f"<domain>{i}</domain>"

    items = list(range(60))
    got = list(_in_order(items, call, (Gone,), helpers=2))
    assert [i for i, _ in got] == items
    for i, value in got:
        if i % 7 == 3:
            assert isinstance(value, Gone) and str(value) == f"domain {i} went away"
        else:
            assert value == f"<domain>{i}</domain>"
    assert max(overlap) > 1  # the calls did overlap

    def broken(i: int) -> str:
        if i == 10:
            raise KeyError("a bug, not a libvirt error")
        return str(i)

    seen = []
    with pytest.raises(KeyError, match="a bug"):
        for i, _ in _in_order(items, broken, (Gone,), helpers=2):
            seen.append(i)
    assert seen == list(range(10))
