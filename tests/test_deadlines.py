"""Every stalled target ends within its deadline (issue 9, "Hangs"), tested against real loopback
servers that stall: one that accepts and never answers, one that sends an SSH banner and stalls.

Each run is a child process with its own time limit, so a regression fails the test instead of
hanging CI; the elapsed time is asserted against the deadline plus start-up and clean-up slack.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

SLACK = 10.0
"""Interpreter start-up and clean-up on a loaded two-core CI machine."""


class StallingServer:
    """Accepts every connection on loopback, optionally sends one line, then never answers."""

    def __init__(self, greeting: bytes = b"") -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.greeting = greeting
        self.conns: list[socket.socket] = []
        self.accepted = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            if self.greeting:
                conn.sendall(self.greeting)
            self.accepted.set()

    def close(self) -> None:
        self.sock.close()
        for conn in self.conns:
            conn.close()


@pytest.fixture
def silent() -> Iterator[StallingServer]:
    server = StallingServer()
    yield server
    server.close()


@pytest.fixture
def ssh_banner() -> Iterator[StallingServer]:
    server = StallingServer(b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n")
    yield server
    server.close()


def run(
    args: list[str], limit: float, **env: str
) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "hvaudit.cli", *args],
        capture_output=True,
        text=True,
        timeout=limit,
        check=False,
        env={**os.environ, **env},
    )
    return proc, time.monotonic() - start


def one_line(err: str) -> bool:
    return err.count("\n") == 1 and err.startswith("hvaudit: error: ") and "Traceback" not in err


def test_libvirt_peer_that_never_answers_ends_at_the_deadline(
    silent: StallingServer, tmp_path: Path
) -> None:
    uri = f"qemu+tcp://127.0.0.1:{silent.port}/system"
    proc, took = run(["scan", "--connect", uri, "--facts", "none", "--timeout", "3"], 60)
    assert silent.accepted.is_set()
    assert proc.returncode == 3 and one_line(proc.stderr), proc.stderr
    assert "did not finish within 3s (--timeout)" in proc.stderr
    assert "nothing was collected, no bundle kept" in proc.stderr
    assert took < 3 + SLACK


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_stalled_libvirt_collection_ends_on_a_signal_and_leaves_nothing(
    silent: StallingServer, tmp_path: Path, sig: int, code: int
) -> None:
    """SIGINT works (it was ignored), SIGTERM leaves no empty bundle directory behind."""
    uri = f"qemu+tcp://127.0.0.1:{silent.port}/system"
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hvaudit.cli",
            "collect",
            "-c",
            uri,
            "--facts",
            "none",
            "-o",
            str(out / "b"),
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert silent.accepted.wait(30)
    time.sleep(0.5)
    proc.send_signal(sig)
    try:
        _, err = proc.communicate(timeout=15)
    finally:
        proc.kill()
    assert proc.returncode == code and one_line(err), err
    assert "interrupted (nothing was collected, no bundle kept)" in err
    assert list(out.iterdir()) == []


def test_ssh_host_that_sends_its_banner_and_stalls_ends_at_the_deadline(
    ssh_banner: StallingServer,
) -> None:
    """It took 876 s (35 commands timing out one after another)."""
    uri = f"pve+ssh://root@127.0.0.1:{ssh_banner.port}/"
    proc, took = run(["scan", "--connect", uri, "--timeout", "4"], 60)
    assert ssh_banner.accepted.is_set()
    assert proc.returncode == 3 and one_line(proc.stderr), proc.stderr
    assert took < 4 + SLACK
    assert _ssh_clients(ssh_banner.port) == []  # the abandoned command was killed, not orphaned


def _ssh_clients(port: int) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].endswith(b"ssh") and str(port).encode() in argv:
            found.append(cmdline.parent.name)
    return found


def test_ssh_collection_stops_at_the_first_stalled_command(ssh_banner: StallingServer) -> None:
    """Without a short deadline, the first command that stalls ends the host's collection."""
    from hvaudit.bundle import BundleWriter
    from hvaudit.collect.host import HostCollector
    from hvaudit.collect.runner import Deadline, SshRunner, deadline_scope
    from hvaudit.errors import CollectionError

    writer = BundleWriter(None, target="ssh", platform="kvm-libvirt")
    runner = SshRunner("root@127.0.0.1", ssh_banner.port, connect_timeout=2)
    start = time.monotonic()
    with deadline_scope(Deadline(120)), pytest.raises(CollectionError) as err:
        HostCollector(runner).collect(writer)
    assert time.monotonic() - start < 12 + SLACK  # one command (10 s) + connect, not 35 of them
    assert len(ssh_banner.conns) == 1 and writer.entries == {}
    assert "\n" not in str(err.value)


def test_ssh_options_bound_every_command() -> None:
    from hvaudit.collect.runner import SshRunner

    argv = SshRunner("root@h", 22, connect_timeout=7)._argv(("true",))
    opts = {argv[i + 1] for i, a in enumerate(argv) if a == "-o"}
    assert {"BatchMode=yes", "ConnectTimeout=7", "ServerAliveCountMax=3"} <= opts
    assert "ServerAliveInterval=5" in opts and "ConnectionAttempts=1" in opts


def test_vsphere_endpoint_that_never_answers_ends_at_the_api_timeout(
    silent: StallingServer,
) -> None:
    """pyVmomi's version discovery had no time-out: still hung after 120 s with --api-timeout 5."""
    pytest.importorskip("pyVmomi")
    uri = f"vsphere://127.0.0.1:{silent.port}"
    proc, took = run(
        ["scan", "--connect", uri, "--api-timeout", "2", "--timeout", "60", "--no-verify-tls"],
        90,
        HVAUDIT_VSPHERE_USER="auditor",
        HVAUDIT_VSPHERE_PASSWORD="x",  # noqa: S106 (a stalling server checks nothing)
    )
    assert proc.returncode == 3 and one_line(proc.stderr), proc.stderr
    assert "timed out" in proc.stderr
    assert took < 2 * 2 + SLACK


def test_proxmox_api_endpoint_that_never_answers_ends_at_the_api_timeout(
    silent: StallingServer,
) -> None:
    pytest.importorskip("proxmoxer")
    uri = f"pve+api://127.0.0.1:{silent.port}/pve1"
    proc, took = run(
        ["scan", "--connect", uri, "--api-timeout", "2", "--timeout", "60", "--no-verify-tls"],
        90,
        HVAUDIT_PVE_TOKEN="root@pam!audit=00000000-0000-0000-0000-000000000000",  # noqa: S106
    )
    assert proc.returncode == 3 and one_line(proc.stderr), proc.stderr
    assert took < 2 * 2 + SLACK


def test_timeout_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert "--timeout SECONDS" in readme
