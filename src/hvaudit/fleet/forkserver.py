"""A warmed process that forks one child per target scan, so a fleet pays Python's start-up and
hvaudit's imports once per run instead of once per target.

Each target still gets its own process in its own session, killed with its whole process group
at its deadline (runner.py): a hung libvirt call or TLS handshake cannot be abandoned from a
thread. Only the way that process starts changes: instead of exec'ing `python -m hvaudit.cli scan`
(start-up and imports are about 0.3 CPU-s of a 20-VM host's 0.8), a process that has imported the
scan's modules once forks, and the child runs the same `hvaudit.cli.main` with the same argv.

Isolation as with exec: the server never reads a request. It forks as soon as a runner connects;
the child reads its argv and environment (the target's credentials) from the connection, so no
child inherits another target's secrets from the server's memory, and the server's own
environment is the runner's without hvaudit's credential variables (as every child's is).

One Unix connection per scan, newline-terminated JSON:

    server -> runner   {"pid": N}                     once the child exists
    runner -> child    {"argv", "env", "cwd"} and its stderr (a file descriptor, SCM_RIGHTS)
    server -> runner   {"status": S}                  when it has ended (a returncode: -signal)
    runner             closes the connection; only then does the server reap the child

So a child's pid cannot be reused while its runner holds the connection, and the runner kills the
child's session itself (`os.killpg`) up to that moment. The server kills and reaps its children and exits when its
stdin closes (its runner process is gone, however it ended); the kernel kills each child when the
server dies (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO, Any

__all__ = ["ForkServer", "ForkedChild"]

#: Imported before forking: every hvaudit module (but the fleet's own, which a scan does not use)
#: and libvirt. Optional platform clients (pyVmomi, proxmoxer) are imported by the child that
#: needs them.
PRELOAD_EXTRA = ("libvirt",)
_REQUEST_LIMIT = 4 << 20
_START_TIMEOUT = 60.0
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Have the kernel SIGKILL this process when the thread that forked it ends (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


# The server


def _preload() -> None:
    import pkgutil

    import hvaudit

    names = [
        m.name
        for m in pkgutil.walk_packages(hvaudit.__path__, "hvaudit.")
        if not m.name.startswith(("hvaudit.fleet", "hvaudit.__main__"))
    ]
    for name in [*names, *PRELOAD_EXTRA]:
        with contextlib.suppress(Exception):  # what fails here fails again, visibly, in a child
            importlib.import_module(name)


def serve(path: str) -> None:
    """Listen on `path`, fork a child per connection, report each child's status."""
    _preload()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(128)
    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ, None)
    sel.register(sys.stdin.fileno(), selectors.EVENT_READ, None)
    children: dict[int, tuple[int, socket.socket]] = {}  # pidfd -> (pid, connection)
    gc.freeze()  # what is loaded now stays shared with every child (no copy on write by gc)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while True:
        for key, _ in sel.select():
            if key.fileobj is listener:
                conn, _ = listener.accept()
                own = [k.fd for k in sel.get_map().values()] + [sel.fileno()]
                own += [c.fileno() for _, c in children.values()]
                pid = os.fork()
                if pid == 0:
                    _child(conn, own)  # never returns
                pidfd = os.pidfd_open(pid)
                children[pidfd] = (pid, conn)
                sel.register(pidfd, selectors.EVENT_READ, None)
                _send(conn, {"pid": pid})
            elif key.fd == sys.stdin.fileno():
                if not os.read(key.fd, 4096):  # the runner is gone: so are its scans
                    ended = [k.data for k in sel.get_map().values() if isinstance(k.data, int)]
                    for pid in [*(pid for pid, _ in children.values()), *ended]:
                        with contextlib.suppress(ProcessLookupError):
                            os.killpg(pid, signal.SIGKILL)
                        with contextlib.suppress(ChildProcessError):
                            os.waitpid(pid, 0)
                    with contextlib.suppress(OSError):  # a runner killed outright leaves these
                        os.unlink(path)
                        os.rmdir(os.path.dirname(path))
                    return
            elif key.data is None:  # a child ended: report it, reap it once the runner has read
                pid, conn = children.pop(key.fd)
                sel.unregister(key.fd)
                os.close(key.fd)
                info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
                assert info is not None  # the pidfd said it has ended
                code = info.si_status if info.si_code == os.CLD_EXITED else -info.si_status
                _send(conn, {"status": code})
                sel.register(conn, selectors.EVENT_READ, pid)
            else:  # the runner closed the connection: the pid may now be reused
                sel.unregister(key.fileobj)
                key.fileobj.close()  # type: ignore[union-attr]
                os.waitpid(key.data, 0)


def _send(conn: socket.socket, message: dict[str, Any]) -> None:
    with contextlib.suppress(OSError):  # a runner that went away learns nothing more
        conn.sendall(json.dumps(message).encode() + b"\n")


def _child(conn: socket.socket, server_fds: list[int]) -> None:
    """In the forked child: take the request, become a fresh `hvaudit` process, run it."""
    code = 70
    try:
        server = os.getppid()
        _die_with_parent()
        if os.getppid() != server:
            os._exit(code)
        for fd in server_fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        os.setsid()
        request, stderr = _receive(conn)
        conn.close()
        os.dup2(stderr, 2)
        os.close(stderr)
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(null, 1)
        os.close(null)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        argv = request["argv"]
        sys.argv = [argv[0], *argv[3:]]
        from hvaudit.cli import main

        code = main(argv[3:])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException as exc:
        with contextlib.suppress(Exception):
            sys.stderr.write(f"hvaudit: internal error in the fork server's child: {exc!r:.200}\n")
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _receive(conn: socket.socket) -> tuple[dict[str, Any], int]:
    data, fds, _, _ = socket.recv_fds(conn, 65536, 1)
    while not data.endswith(b"\n"):
        if len(data) > _REQUEST_LIMIT:
            raise ValueError("request too large")
        more = conn.recv(65536)
        if not more:
            raise EOFError("the runner closed the connection")
        data += more
    if len(fds) != 1:
        raise ValueError("no stderr descriptor")
    return json.loads(data), fds[0]


# The runner's side


class ForkedChild:
    """A scan forked by the server; the parts of `subprocess.Popen` the runner uses."""

    def __init__(self, pid: int, conn: socket.socket, stderr: IO[bytes], buf: bytes) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._conn, self._stderr, self._buf = conn, stderr, buf
        self._reading = threading.Lock()  # one reader of the connection at a time
        self._state = threading.Lock()  # a signal is never sent once the pid may be reaped

    def wait(self, timeout: float | None = None) -> int:
        """The child's returncode once the server reports it (TimeoutExpired before); another
        thread may be waiting too (an interrupted run kills and waits from the main thread)."""
        end = None if timeout is None else time.monotonic() + timeout
        if not self._reading.acquire(timeout=-1 if timeout is None else max(0.0, timeout)):
            raise subprocess.TimeoutExpired(f"forked scan {self.pid}", timeout or 0.0)
        try:
            return self._wait(end, timeout)
        finally:
            self._reading.release()

    def _wait(self, end: float | None, timeout: float | None) -> int:
        while True:
            if self.returncode is not None:
                return self.returncode
            if b"\n" in self._buf:
                line, _, self._buf = self._buf.partition(b"\n")
                self._finish(int(json.loads(line)["status"]))
                continue
            self._conn.settimeout(None if end is None else max(0.0, end - time.monotonic()))
            try:
                more = self._conn.recv(4096)
            except (TimeoutError, BlockingIOError):  # 0 s is a non-blocking look
                raise subprocess.TimeoutExpired(f"forked scan {self.pid}", timeout or 0.0) from None
            if not more:  # the server died, and its children with it (PR_SET_PDEATHSIG)
                self._finish(-signal.SIGKILL)
            self._buf += more

    def _finish(self, code: int) -> None:
        with self._state:
            self.returncode = code
            self._conn.close()

    def signal_session(self, sig: int) -> bool:
        """Signal the child's session unless it has ended (False then)."""
        with self._state:
            if self.returncode is not None:
                return False
            try:
                os.killpg(self.pid, sig)
            except ProcessLookupError:
                return False
            return True

    def stderr_tail(self, limit: int = 65536) -> bytes:
        """The end of what the child wrote on stderr (the runner reports its last line)."""
        f = self._stderr
        size = f.seek(0, os.SEEK_END)
        f.seek(max(0, size - limit))
        data = f.read()
        f.close()
        return data


class ForkServer:
    """One server per runner process, started on first use and shared by its threads."""

    _shared: ForkServer | None = None
    _lock = threading.Lock()

    def __init__(self, env: dict[str, str]) -> None:
        self.owner = os.getpid()
        self._dir = Path(tempfile.mkdtemp(prefix="hvaudit-forkserver-"))
        os.chmod(self._dir, 0o700)
        self.path = str(self._dir / "sock")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "hvaudit.fleet.forkserver", self.path],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        assert self.proc.stdout is not None
        ready = threading.Timer(_START_TIMEOUT, self.proc.kill)
        ready.start()
        try:
            line = self.proc.stdout.readline()
        finally:
            ready.cancel()
        if line.strip() != b"ready":
            self.close()
            raise OSError("the fork server did not start")

    @classmethod
    def shared(cls, env: dict[str, str]) -> ForkServer | None:
        """The process's server (started now if needed), or None where forking is not
        available (not Linux) or a server cannot be started: the runner then execs."""
        if not hasattr(os, "pidfd_open") or os.environ.get("HVAUDIT_FLEET_FORKSERVER") == "0":
            return None
        with cls._lock:
            server = cls._shared
            if server is not None and server.owner != os.getpid():
                server = None  # inherited through a fork: that server is the parent's
            if server is None or server.proc.poll() is not None:
                if server is not None:
                    server.close()
                try:
                    cls._shared = server = cls(env)
                except OSError:
                    cls._shared = None
                    return None
                # Stopped and reaped at exit, so its children's CPU time counts as the runner's.
                atexit.register(server.close)
            return server

    def spawn(self, argv: list[str], env: dict[str, str], cwd: str) -> ForkedChild:
        """Fork a child that runs `hvaudit.cli.main(argv[3:])` with `env` (argv as scan_argv
        builds it). Raises OSError when the server cannot be reached."""
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        stderr = tempfile.TemporaryFile()  # noqa: SIM115  (the child's; ForkedChild closes it)
        try:
            conn.settimeout(_START_TIMEOUT)
            conn.connect(self.path)
            buf = b""
            while b"\n" not in buf:
                more = conn.recv(4096)
                if not more:
                    raise OSError("the fork server closed the connection")
                buf += more
            line, _, buf = buf.partition(b"\n")
            pid = int(json.loads(line)["pid"])
            request = json.dumps({"argv": argv, "env": env, "cwd": cwd}).encode() + b"\n"
            socket.send_fds(conn, [request], [stderr.fileno()])
        except BaseException:
            conn.close()
            stderr.close()
            raise
        return ForkedChild(pid, conn, stderr, buf)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            if self.proc.stdin is not None:
                self.proc.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(5)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        with contextlib.suppress(OSError):
            os.unlink(self.path)
        with contextlib.suppress(OSError):
            self._dir.rmdir()


if __name__ == "__main__":
    serve(sys.argv[1])
