"""Run read-only commands and read files on a host, locally or over SSH.

Every command is an argv tuple (never a shell string), runs with a timeout, no standard input and
a fixed environment. Over SSH the argv is quoted with `shlex.join` for the remote POSIX shell, and
the system OpenSSH client does authentication (agent, keys, known_hosts) in BatchMode, so it never
prompts (docs/adr/0002-host-facts-over-ssh.md).
"""

from __future__ import annotations

import shlex
import subprocess
import time
from dataclasses import dataclass
from typing import Protocol

from hvaudit.errors import CollectionError

__all__ = ["LocalRunner", "RunResult", "Runner", "SshRunner"]

MAX_OUTPUT = 64 * 1024 * 1024
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


def _tail(data: bytes, limit: int = 2000) -> str:
    return data.decode("utf-8", errors="replace").strip()[-limit:]


class LocalRunner:
    """Runs on this machine."""

    description = "local"

    def run(self, argv: tuple[str, ...], timeout: float) -> RunResult:
        """Run `argv` locally; a missing executable is `absent`, a timeout is `failed`."""
        start = time.monotonic()
        try:
            proc = subprocess.run(
                argv,
                capture_output=True,
                timeout=timeout,
                stdin=subprocess.DEVNULL,
                env=_ENV,
                check=False,
            )
        except FileNotFoundError:
            return RunResult("absent", b"", None, "", f"{argv[0]}: command not found", _ms(start))
        except subprocess.TimeoutExpired:
            return RunResult("failed", b"", None, "", f"timed out after {timeout:g}s", _ms(start))
        except OSError as exc:
            return RunResult("failed", b"", None, "", f"{argv[0]}: {exc.strerror}", _ms(start))
        return RunResult(
            "ok", proc.stdout[:MAX_OUTPUT], proc.returncode, _tail(proc.stderr), "", _ms(start)
        )

    def read_file(self, path: str, timeout: float) -> RunResult:
        """Read a local file; a missing file is `absent`, an unreadable one `failed`."""
        start = time.monotonic()
        try:
            chunks: list[bytes] = []
            size = 0
            with open(path, "rb") as fh:
                # Small reads: procfs and sysfs refuse (ENOMEM) a single huge read.
                while size < MAX_OUTPUT and (chunk := fh.read(65536)):
                    chunks.append(chunk)
                    size += len(chunk)
            data = b"".join(chunks)[:MAX_OUTPUT]
        except FileNotFoundError:
            return RunResult("absent", b"", None, "", "no such file", _ms(start))
        except OSError as exc:
            return RunResult("failed", b"", None, "", exc.strerror or str(exc), _ms(start))
        return RunResult("ok", data, 0, "", "", _ms(start))


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
            "ServerAliveInterval=15",
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
        try:
            proc = subprocess.run(
                self._argv(argv),
                capture_output=True,
                timeout=timeout + self.connect_timeout,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except FileNotFoundError:
            raise CollectionError("the ssh client is not installed on this machine") from None
        except subprocess.TimeoutExpired:
            return RunResult("failed", b"", None, "", f"timed out after {timeout:g}s", _ms(start))
        if proc.returncode == 255:
            raise CollectionError(f"{self.description}: {_tail(proc.stderr, 300) or 'ssh failed'}")
        if proc.returncode == 127:
            return RunResult(
                "absent", b"", 127, _tail(proc.stderr), f"{argv[0]}: command not found", _ms(start)
            )
        return RunResult(
            "ok", proc.stdout[:MAX_OUTPUT], proc.returncode, _tail(proc.stderr), "", _ms(start)
        )

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
