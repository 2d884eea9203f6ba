"""Run read-only commands and read files on a host, locally or over SSH.

Every command is an argv tuple (never a shell string), runs with a timeout, no standard input and
a fixed environment. Over SSH the argv is quoted with `shlex.join` for the remote POSIX shell, and
the system OpenSSH client does authentication (agent, keys, known_hosts) in BatchMode, so it never
prompts (docs/adr/0002-host-facts-over-ssh.md).
"""

from __future__ import annotations

import contextlib
import contextvars
import shlex
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from hvaudit.errors import CollectionError
from hvaudit.fsguard import TreeReader, UnsafeFileError, read_regular

__all__ = [
    "Deadline",
    "LocalRunner",
    "RunResult",
    "Runner",
    "SshRunner",
    "TreeRunner",
    "deadline_scope",
    "kill_children",
    "remaining",
]

MAX_OUTPUT = 64 * 1024 * 1024
MAX_TREE_FILE = 16 * 1024 * 1024
"""A configuration file of a copied tree is kilobytes; anything bigger is refused."""
SSH_ALIVE_INTERVAL = 5
SSH_ALIVE_COUNT = 3
_ENV = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "LC_ALL": "C",
    "LANG": "C",
}


@dataclass(frozen=True, slots=True)
class RunResult:
    """What one command or file read returned."""

    status: str
    """ok, absent (no such file or command), or failed."""
    stdout: bytes
    rc: int | None
    stderr: str
    reason: str
    duration_ms: int


class Runner(Protocol):
    """Where host commands run."""

    description: str

    def run(self, argv: tuple[str, ...], timeout: float) -> RunResult:
        """Run `argv` and capture its output."""
        ...

    def read_file(self, path: str, timeout: float) -> RunResult:
        """Read a file's bytes."""
        ...


class Deadline:
    """The moment a target's collection must be over (`--timeout`); every command and API call
    gets at most the time that remains."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds
        self.children: set[subprocess.Popen[bytes]] = set()

    def remaining(self) -> float:
        """Seconds left (0 once expired)."""
        return max(self.at - time.monotonic(), 0.0)

    def expire(self) -> None:
        """End it now (the collection was abandoned or interrupted)."""
        self.at = time.monotonic()


_DEADLINE: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar(
    "hvaudit_deadline", default=None
)


@contextlib.contextmanager
def deadline_scope(deadline: Deadline) -> Iterator[None]:
    """Make `deadline` the one every runner and API client in this thread consults."""
    token = _DEADLINE.set(deadline)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def remaining(timeout: float) -> float:
    """`timeout`, cut to what remains of the current deadline; CollectionError once it is over."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline.remaining()
    if left <= 0:
        raise CollectionError("the collection deadline (--timeout) has passed")
    return min(timeout, left)


_CHILDREN: set[subprocess.Popen[bytes]] = set()
"""Commands run outside any deadline."""
_CHILDREN_LOCK = threading.Lock()


def _children() -> set[subprocess.Popen[bytes]]:
    deadline = _DEADLINE.get()
    return _CHILDREN if deadline is None else deadline.children


def kill_children(deadline: Deadline) -> None:
    """Kill every command of `deadline`'s collection still running (an abandoned collection
    leaves no process behind; other targets' commands, in a fleet scan, are not touched)."""
    with _CHILDREN_LOCK:
        children = list(deadline.children)
    for proc in children:
        with contextlib.suppress(OSError):
            proc.kill()


def _run(argv: list[str], timeout: float, env: dict[str, str] | None) -> tuple[int, bytes, bytes]:
    """subprocess.run with every child registered, so an abandoned collection can kill it."""
    registry = _children()
    with subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    ) as proc:
        with _CHILDREN_LOCK:
            registry.add(proc)
        try:
            out, err = proc.communicate(timeout=timeout)
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        finally:
            with _CHILDREN_LOCK:
                registry.discard(proc)
        return proc.returncode, out, err


def _tail(data: bytes, limit: int = 2000) -> str:
    return data.decode("utf-8", errors="replace").strip()[-limit:]


def _finished(argv: tuple[str, ...], rc: int, out: bytes, err: bytes, start: float) -> RunResult:
    """A command's result. Output past MAX_OUTPUT is refused, never cut: a cut file or listing
    reads as the whole, a setting past the cut as absent (its default), so it fails as a local
    file over the limit does (fsguard read_regular; R44S-2)."""
    if len(out) > MAX_OUTPUT:
        return RunResult(
            "failed",
            b"",
            rc,
            _tail(err),
            f"{argv[0]}: more than the {MAX_OUTPUT} bytes allowed on stdout",
            _ms(start),
        )
    return RunResult("ok", out, rc, _tail(err), "", _ms(start))


class LocalRunner:
    """Runs on this machine."""

    description = "local"

    def run(self, argv: tuple[str, ...], timeout: float) -> RunResult:
        """Run `argv` locally; a missing executable is `absent`, a timeout is `failed`."""
        start = time.monotonic()
        timeout = remaining(timeout)
        try:
            rc, out, err = _run(list(argv), timeout, _ENV)
        except FileNotFoundError:
            return RunResult("absent", b"", None, "", f"{argv[0]}: command not found", _ms(start))
        except subprocess.TimeoutExpired:
            return RunResult("failed", b"", None, "", f"timed out after {timeout:g}s", _ms(start))
        except OSError as exc:
            return RunResult("failed", b"", None, "", f"{argv[0]}: {exc.strerror}", _ms(start))
        return _finished(argv, rc, out, err, start)

    def read_file(self, path: str, timeout: float) -> RunResult:
        """Read a local file; a missing file is `absent`, an unreadable one `failed`."""
        start = time.monotonic()
        try:
            data = read_regular(path, MAX_OUTPUT)
        except FileNotFoundError:
            return RunResult("absent", b"", None, "", "no such file", _ms(start))
        except UnsafeFileError as exc:
            return RunResult("failed", b"", None, "", str(exc), _ms(start))
        except OSError as exc:
            return RunResult("failed", b"", None, "", exc.strerror or str(exc), _ms(start))
        return RunResult("ok", data, 0, "", "", _ms(start))


class TreeRunner:
    """Reads a copied tree (`pve+dir://`): paths are inside the tree, never outside it, never a
    special file (hvaudit.fsguard). It runs no command."""

    def __init__(self, root: str) -> None:
        from pathlib import Path

        self.tree = TreeReader(Path(root), follow_links=True, limit=MAX_TREE_FILE)
        self.description = f"tree {root}"

    def read_file(self, path: str, timeout: float) -> RunResult:
        """Read `path` (as on the node) inside the tree."""
        start = time.monotonic()
        try:
            data = self.tree.read(path)
        except FileNotFoundError:
            return RunResult("absent", b"", None, "", "no such file", _ms(start))
        except UnsafeFileError as exc:
            return RunResult("failed", b"", None, "", str(exc), _ms(start))
        except OSError as exc:
            return RunResult("failed", b"", None, "", exc.strerror or str(exc), _ms(start))
        return RunResult("ok", data, 0, "", "", _ms(start))

    def run(self, argv: tuple[str, ...], timeout: float) -> RunResult:
        """Only the listings a tree collector asks for: `ls -1 DIR`, `ls -1Abp DIR` (a name
        with a character `ls -b` would escape is given with a backslash: it stays one line and
        is never read; a directory's name ends with `/`) and `ls -d DIR`."""
        if argv[:2] == ("ls", "-1Abp") and len(argv) == 3:
            if not self.tree.is_dir(argv[2]):
                return RunResult("ok", b"", 2, "not a directory", "", 0)
            shown = [
                (n if n.isprintable() and "\\" not in n else ascii(n)[1:-1])
                + ("/" if self.tree.is_dir(f"{argv[2]}/{n}") else "")
                for n in self.tree.listdir(argv[2])
            ]
            return RunResult("ok", "".join(n + "\n" for n in shown).encode(), 0, "", "", 0)
        if argv[:2] == ("ls", "-1") and len(argv) == 3:
            if not self.tree.is_dir(argv[2]):
                return RunResult("ok", b"", 2, "not a directory", "", 0)
            names = "".join(n + "\n" for n in self.tree.listdir(argv[2]))
            return RunResult("ok", names.encode(), 0, "", "", 0)
        if argv[:2] == ("ls", "-d") and len(argv) == 3:
            found = self.tree.is_dir(argv[2])
            return RunResult("ok", b"", 0 if found else 2, "", "", 0)
        return RunResult("unavailable", b"", None, "", "a copied tree runs no command", 0)


class SshRunner:
    """Runs on a remote host through the system `ssh` client."""

    def __init__(
        self,
        destination: str,
        port: int | None = None,
        connect_timeout: int = 10,
        config: str | None = None,
    ) -> None:
        if not destination or destination.startswith("-") or any(c.isspace() for c in destination):
            raise CollectionError(f"invalid SSH destination {destination!r}")
        self.destination = destination
        self.port = port
        self.config = config
        self.connect_timeout = connect_timeout
        self.description = f"ssh {destination}" + (f":{port}" if port else "")

    def _argv(self, remote: tuple[str, ...]) -> list[str]:
        argv = [
            "ssh",
            "-o",
            "BatchMode=yes",
            "-o",
            f"ConnectTimeout={self.connect_timeout}",
            "-o",
            f"ServerAliveInterval={SSH_ALIVE_INTERVAL}",
            "-o",
            f"ServerAliveCountMax={SSH_ALIVE_COUNT}",
            "-o",
            "ConnectionAttempts=1",
            "-T",
        ]
        if self.config:
            argv += ["-F", self.config]
        if self.port:
            argv += ["-p", str(self.port)]
        remote_cmd = "env LC_ALL=C PATH=" + _ENV["PATH"] + " " + shlex.join(remote)
        return [*argv, "--", self.destination, remote_cmd]

    def run(self, argv: tuple[str, ...], timeout: float) -> RunResult:
        """Run `argv` on the remote host; exit 255 (SSH itself failed) raises CollectionError."""
        start = time.monotonic()
        budget = remaining(timeout + self.connect_timeout)
        try:
            rc, out, err = _run(self._argv(argv), budget, None)
        except FileNotFoundError:
            raise CollectionError("the ssh client is not installed on this machine") from None
        except subprocess.TimeoutExpired:
            # A host that lets one command stall (or stalls the SSH handshake) would let every
            # other one stall too: stop here rather than wait out each command's time-out.
            raise CollectionError(
                f"{self.description}: {argv[0]} gave no answer within {budget:g}s; stopped"
            ) from None
        if rc == 255:
            raise CollectionError(f"{self.description}: {_tail(err, 300) or 'ssh failed'}")
        if rc == 127:
            return RunResult(
                "absent", b"", 127, _tail(err), f"{argv[0]}: command not found", _ms(start)
            )
        return _finished(argv, rc, out, err, start)

    def read_file(self, path: str, timeout: float) -> RunResult:
        """Read a remote file with `cat`; a missing file is `absent`."""
        res = self.run(("cat", "--", path), timeout)
        if res.status == "ok" and res.rc != 0:
            if "No such file" in res.stderr:
                return RunResult("absent", b"", res.rc, res.stderr, "no such file", res.duration_ms)
            return RunResult(
                "failed",
                b"",
                res.rc,
                res.stderr,
                res.stderr or f"cat exited {res.rc}",
                res.duration_ms,
            )
        return res


def _ms(start: float) -> int:
    return int((time.monotonic() - start) * 1000)
