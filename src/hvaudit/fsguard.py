"""The file-system guard: how hvaudit reads a tree it was given and writes what it produces.

A tree (a `pve+dir://` copy of a node, a `vmx+dir://` datastore copy, a bundle directory) is
hostile input. Reading one never leaves it and never blocks:

- every path is resolved component by component below the root, each directory opened with
  `O_NOFOLLOW` relative to its parent, so a symbolic link cannot lead out of the tree (a link that
  stays inside is followed only where the caller allows links; an absolute link in a copied node
  tree means that path inside the copy, as it would on the node);
- the file itself is opened with `O_NOFOLLOW | O_NONBLOCK` and checked with `fstat` before a byte
  is read: a FIFO, socket or device is refused instead of blocking or reading forever;
- sizes are bounded.

Outputs (reports, bundles) are created exclusively, in a private directory or under a private
temporary name beside their destination, and renamed into place only when complete: a planted
symbolic link is never followed, a full disk leaves no truncated file, and a reader never sees half a
report.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from hvaudit.errors import InputError

__all__ = [
    "OutputError",
    "TreeReader",
    "UnsafeFileError",
    "atomic_write",
    "check_outputs",
    "publish_file",
    "read_regular",
]

MAX_LINK_HOPS = 40
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


class UnsafeFileError(InputError):
    """A path in a given tree is a link out of it, a special file, or too large."""


class OutputError(InputError):
    """An output cannot be written (no space, no permission, or it would replace an input)."""


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISLNK, "a symbolic link"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _read_fd(fd: int, shown: str, limit: int, *, sized: bool = True) -> bytes:
    """Read a file descriptor that is open on a regular file (checked here), at most `limit`."""
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        raise UnsafeFileError(f"{shown}: {_kind(st.st_mode)}, not read")
    if sized and st.st_size > limit:
        raise UnsafeFileError(f"{shown}: {st.st_size} bytes, more than the {limit} allowed")
    os.set_blocking(fd, True)
    chunks: list[bytes] = []
    size = 0
    # Small reads: procfs and sysfs refuse (ENOMEM) a single huge read.
    while size <= limit and (chunk := os.read(fd, 65536)):
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise UnsafeFileError(f"{shown}: more than the {limit} bytes allowed")
    return b"".join(chunks)


def read_regular(path: str, limit: int) -> bytes:
    """Read a file of this machine (links followed, as on a live host), refusing special files.

    procfs and sysfs files are regular files whose size says 0: their size is bounded while
    reading. OSError (FileNotFoundError, PermissionError) propagates for the caller to classify.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        return _read_fd(fd, path, limit, sized=False)
    finally:
        os.close(fd)


class TreeReader:
    """Reads files below one root, never outside it and never a special file.

    `follow_links=False` refuses every symbolic link (bundle directories, .vmx datastore copies);
    `follow_links=True` follows the links that stay inside the root, with an absolute link taken
    as a path inside the tree (a copied Proxmox node tree mirrors `/`). A `..` above the root is
    refused either way.
    """

    def __init__(self, root: Path, *, follow_links: bool, limit: int) -> None:
        self.root = root
        self.follow_links = follow_links
        self.limit = limit

    def _shown(self, parts: list[str]) -> str:
        return "/".join(parts) or "."

    @contextlib.contextmanager
    def _dir(self, parts: list[str]) -> Iterator[int]:
        """A descriptor of the directory `parts` below the root, walked without following links."""
        fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            for part in parts:
                try:
                    nfd = os.open(part, _DIR_FLAGS, dir_fd=fd)
                except OSError as exc:
                    if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                        raise UnsafeFileError(
                            f"{self.root}: {self._shown(parts)}: not a directory of the tree"
                        ) from None
                    raise
                os.close(fd)
                fd = nfd
            yield fd
        finally:
            os.close(fd)

    def resolve(self, relative: str) -> list[str]:
        """The components of `relative` below the root with every link resolved inside it."""
        todo = [p for p in relative.split("/") if p not in ("", ".")]
        done: list[str] = []
        hops = 0
        while todo:
            part = todo.pop(0)
            if part == "..":
                if not done:
                    raise UnsafeFileError(f"{self.root}: {relative}: leads out of the tree")
                done.pop()
                continue
            with self._dir(done) as fd:
                try:
                    st = os.stat(part, dir_fd=fd, follow_symlinks=False)
                except FileNotFoundError:
                    raise
                if not stat.S_ISLNK(st.st_mode):
                    done.append(part)
                    continue
                if not self.follow_links:
                    raise UnsafeFileError(
                        f"{self.root}: {self._shown([*done, part])}: a symbolic link, not followed"
                    )
                target = os.readlink(part, dir_fd=fd)
            hops += 1
            if hops > MAX_LINK_HOPS:
                raise UnsafeFileError(f"{self.root}: {relative}: too many symbolic links")
            if target.startswith("/"):
                done = []
            todo = [p for p in target.split("/") if p not in ("", ".")] + todo
        return done

    def read(self, relative: str) -> bytes:
        """The bytes of the regular file `relative` (FileNotFoundError when it does not exist)."""
        parts = self.resolve(relative)
        if not parts:
            raise UnsafeFileError(f"{self.root}: {relative}: a directory, not read")
        shown = f"{self.root}/{relative.strip('/')}"
        with self._dir(parts[:-1]) as dfd:
            try:
                fd = os.open(parts[-1], _FILE_FLAGS, dir_fd=dfd)
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    raise UnsafeFileError(f"{shown}: a symbolic link, not followed") from None
                raise
        try:
            return _read_fd(fd, shown, self.limit)
        finally:
            os.close(fd)

    def is_dir(self, relative: str) -> bool:
        """Whether `relative` is a directory of the tree (links resolved inside it)."""
        try:
            with self._dir(self.resolve(relative)):
                return True
        except (OSError, UnsafeFileError):
            return False

    def listdir(self, relative: str) -> list[str]:
        """The names in directory `relative`, sorted (empty when it is not a directory)."""
        try:
            with self._dir(self.resolve(relative)) as fd:
                return sorted(os.listdir(fd))
        except (OSError, UnsafeFileError):
            return []

    def walk(self, max_entries: int) -> Iterator[tuple[str, int]]:
        """Every entry below the root as (relative path, st_mode), links not followed, sorted."""
        count = 0
        stack: list[list[str]] = [[]]
        while stack:
            parts = stack.pop()
            with self._dir(parts) as fd:
                names = sorted(os.listdir(fd))
                modes = [os.stat(n, dir_fd=fd, follow_symlinks=False).st_mode for n in names]
            subdirs = []
            for name, mode in zip(names, modes, strict=True):
                count += 1
                if count > max_entries:
                    raise UnsafeFileError(f"{self.root}: more than {max_entries} entries")
                yield "/".join([*parts, name]), mode
                if stat.S_ISDIR(mode):
                    subdirs.append([*parts, name])
            stack.extend(reversed(subdirs))


def _private_temp(dest: Path, suffix: str) -> tuple[int, Path]:
    """A new file beside `dest`, created exclusively (O_EXCL, mode 0600), never a followed link."""
    fd, name = tempfile.mkstemp(prefix=f".{dest.name[:80]}.", suffix=suffix, dir=dest.parent)
    return fd, Path(name)


def _mode_for_umask(default: int = 0o644) -> int:
    mask = os.umask(0)
    os.umask(mask)
    return default & ~mask


def atomic_write(dest: Path, data: bytes | list[bytes] | Callable[[int], None]) -> None:
    """Write `dest` (bytes, a list of pieces, or what a function writes to the file descriptor
    it is given) whole or not at all: a private temporary file beside it, fsync, rename.

    An existing `dest` (an earlier report) is replaced; a directory or a special file is not.
    Raises OutputError with one line (no space, no permission).
    """
    if dest.is_dir() or (dest.exists() and not dest.is_file() and not dest.is_symlink()):
        raise OutputError(f"cannot write {dest}: not a regular file")
    try:
        fd, tmp = _private_temp(dest, ".tmp")
    except OSError as exc:
        raise OutputError(f"cannot write {dest}: {exc.strerror or exc}") from None
    try:
        try:
            if callable(data):
                data(fd)
            for piece in [] if callable(data) else [data] if isinstance(data, bytes) else data:
                view = memoryview(piece)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
            os.fchmod(fd, _mode_for_umask())
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, dest)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise OutputError(f"cannot write {dest}: {exc.strerror or exc}") from None


def publish_file(tmp: Path, dest: Path) -> None:
    """Move a finished file to `dest`, which must not exist (a link planted there is not followed
    and not replaced)."""
    try:
        os.link(tmp, dest)
    except FileExistsError:
        raise OutputError(f"{dest}: already exists; choose a new path") from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise OutputError(f"cannot write {dest}: {exc.strerror or exc}") from None
        if os.path.lexists(dest):
            raise OutputError(f"{dest}: already exists; choose a new path") from None
        os.rename(tmp, dest)
        return
    tmp.unlink()


def _same_or_inside(path: Path, other: Path) -> bool:
    """Whether `path` is `other` (the same file, or the same path once resolved) or lies inside
    the directory `other`."""
    try:
        if path.exists() and other.exists() and os.path.samefile(path, other):
            return True
    except OSError:
        pass
    resolved, base = path.resolve(), other.resolve()
    return resolved == base or base in resolved.parents


def check_outputs(inputs: list[Path], outputs: list[Path]) -> None:
    """Refuse an output that would replace an input (a bundle, a waiver file, a scanned tree), lie
    inside an input directory, or be written twice: OutputError, before anything is read."""
    for i, out in enumerate(outputs):
        for source in inputs:
            if _same_or_inside(out, source):
                raise OutputError(
                    f"{out}: is {'inside ' if out.resolve() != source.resolve() else ''}"
                    f"the input {source}; refusing to write over evidence"
                )
        for other in outputs[:i]:
            if _same_or_inside(out, other) or _same_or_inside(other, out):
                raise OutputError(f"{out}: written twice (also {other}); choose distinct paths")
