"""Evidence bundles: the raw artefacts of one collection plus a manifest, in a directory or a .tar.gz.

A bundle is what makes a scan replayable: `hvaudit assess` re-evaluates it offline, and an auditor
can trace every finding to the artefact (and its sha256) it rests on. The writer puts each artefact
on disk the moment it is collected and always writes a manifest, so a collection that fails half way
keeps what it had (`"complete": false`). The reader trusts nothing: it checks every digest, refuses
unsafe archive members and bounds what it decompresses.
"""

from __future__ import annotations

import datetime as dt
import errno
import gzip
import hashlib
import json
import math
import os
import re
import shutil
import stat
import tarfile
import tempfile
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from hvaudit import __version__
from hvaudit.errors import BundleError, CollectionError, InputError, UsageError, one_line
from hvaudit.fsguard import OutputError, TreeReader, UnsafeFileError, publish_file
from hvaudit.redact import redact_artefact, redact_message, redact_tree, remember_uri

__all__ = ["MANIFEST", "ArtefactEntry", "Bundle", "BundleWriter", "safe_name"]

MANIFEST = "manifest.json"
BUNDLE_FORMAT = 1
MAX_BUNDLE_BYTES = 512 * 1024**2
"""Decompression bound for a bundle read into memory (the largest real bundles are tens of MiB)."""

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str, limit: int = 80) -> str:
    """A file-name-safe rendering of a hostile name (a VM or network name from a scanned host)."""
    cleaned = _SAFE.sub("_", name).strip("._") or "unnamed"
    return cleaned[:limit]


def redact_target(target: str) -> str:
    """The target as the manifest keeps it: its password remembered (so that any echo of it is
    blanked too) and redacted."""
    remember_uri(target)
    return redact_message(target)


def utc_now() -> str:
    """The current UTC time in ISO 8601 with a Z suffix, to the second."""
    global _last_now
    second = int(time.time())
    last = _last_now
    if last[0] == second:  # formatted once per second (a collection stamps every artefact)
        return last[1]
    text = dt.datetime.fromtimestamp(second, dt.UTC).isoformat().replace("+00:00", "Z")
    _last_now = (second, text)
    return text


_last_now: tuple[int, str] = (-1, "")


@dataclass(frozen=True, slots=True)
class ArtefactEntry:
    """The manifest's record of one artefact (present or not)."""

    path: str
    status: str
    """ok, absent (the file or command does not exist there), unavailable (the platform does not
    offer it), not_applicable, or failed (collection error)."""
    origin: str
    """What produced it: a file path, an argv joined for display, or a libvirt API call."""
    sha256: str | None = None
    size: int = 0
    rc: int | None = None
    reason: str = ""
    stderr: str = ""
    collected_at: str = ""
    duration_ms: int = 0

    def to_json(self) -> dict[str, Any]:
        """The manifest form."""
        return {
            "path": self.path,
            "status": self.status,
            "origin": self.origin,
            "sha256": self.sha256,
            "size": self.size,
            "rc": self.rc,
            "reason": self.reason,
            "stderr": self.stderr,
            "collected_at": self.collected_at,
            "duration_ms": self.duration_ms,
        }


class BundleWriter:
    """Collects artefacts into a bundle; `close()` writes the manifest (and the archive).

    With a destination, every artefact is on disk the moment it is collected, in a private staging
    directory beside the destination (mode 0700, files created exclusively) that becomes the bundle
    only when it is closed: a directory is renamed into place, an archive is packed inside the
    staging directory and linked to its destination, which must not exist (a planted link there
    is neither followed nor replaced). Without a destination (a plain `hvaudit scan`), artefacts
    stay in memory and reach disk only if collection fails (`spill()`), so a scan that keeps no
    bundle costs no file IO and still loses nothing. A collection that holds nothing leaves
    nothing behind.

    The writer may be closed from another thread while a collector still runs (a deadline); from
    then on, `add` and `record` raise `CollectionError` so the abandoned collector stops.
    """

    def __init__(self, dest: Path | None, *, target: str, platform: str) -> None:
        self.dest = dest
        self.archive = dest is not None and dest.name.endswith((".tar.gz", ".tgz"))
        self.root: Path | None = None
        self._staging: Path | None = None
        self._lock = threading.Lock()
        self.closed = False
        if dest is not None:
            if os.path.lexists(dest) and (
                dest.is_symlink() or not dest.is_dir() or self.archive or any(dest.iterdir())
            ):
                raise UsageError(f"{dest}: already exists; choose a new bundle path")
            try:
                dest.parent.mkdir(parents=True, exist_ok=True)
                self._staging = Path(
                    tempfile.mkdtemp(prefix=f".{dest.name[:60]}.", suffix=".part", dir=dest.parent)
                )
            except OSError as exc:
                raise OutputError(
                    f"cannot write the bundle {dest}: {exc.strerror or exc}"
                ) from None
            self.root = self._staging / "tree" if self.archive else self._staging
            self.root.mkdir(exist_ok=True)
        self.files: dict[str, bytes] = {}
        self.meta: dict[str, Any] = {
            "format": BUNDLE_FORMAT,
            "tool": "hvaudit",
            "version": __version__,
            "target": redact_target(target),
            "platform": platform,
            "collected_at": utc_now(),
            "complete": False,
            "collector": {},
            "errors": [],
        }
        self.entries: dict[str, ArtefactEntry] = {}

    def _check_path(self, path: str) -> None:
        if self.closed:
            raise CollectionError("collection abandoned: the bundle is already closed")
        if not path or path.startswith("/") or ".." in path.split("/") or path == MANIFEST:
            raise ValueError(f"unsafe artefact path {path!r}")
        if path in self.entries:
            raise ValueError(f"artefact {path!r} written twice")

    def _store(self, root: Path, path: str, data: bytes) -> None:
        target = root / path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "xb") as fh:
                fh.write(data)
        except OSError as exc:
            where = self.dest or root
            raise OutputError(f"cannot write the bundle {where}: {exc.strerror or exc}") from None

    def add(self, path: str, data: bytes, *, origin: str, **info: Any) -> ArtefactEntry:
        """Store an artefact now and record it in the manifest, its secrets redacted first (the
        one redaction layer: `hvaudit.redact`)."""
        with self._lock:
            self._check_path(path)
            data = redact_artefact(path, data)
            origin, info = redact_message(origin), redact_tree(info)
            if self.root is not None:
                self._store(self.root, path, data)
            self.files[path] = data
            entry = ArtefactEntry(
                path=path,
                status=info.pop("status", "ok"),
                origin=origin,
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
                collected_at=info.pop("collected_at", utc_now()),
                **info,
            )
            self.entries[path] = entry
            return entry

    def record(self, path: str, *, status: str, origin: str, reason: str, **info: Any) -> None:
        """Record an artefact that has no content: absent, unavailable, not applicable or failed."""
        with self._lock:
            self._check_path(path)
            origin, reason, info = redact_message(origin), redact_message(reason), redact_tree(info)
            self.entries[path] = ArtefactEntry(
                path=path,
                status=status,
                origin=origin,
                reason=reason,
                collected_at=info.pop("collected_at", utc_now()),
                **info,
            )

    def error(self, message: str) -> None:
        """Record a collection error that is not tied to one artefact."""
        with self._lock:
            self.meta["errors"].append(redact_message(message))

    @property
    def holds_evidence(self) -> bool:
        """Whether anything with content was collected (a partial bundle is kept only then)."""
        return bool(self.files)

    def spill(self) -> Path | None:
        """Give an in-memory collection a private directory on disk (used when collection fails);
        None when nothing was collected."""
        with self._lock:
            if self.root is None and self.files:
                self.root = Path(tempfile.mkdtemp(prefix="hvaudit-partial-"))
                self.dest = self.root
                for path, data in self.files.items():
                    self._store(self.root, path, data)
            return self.dest if self.root is not None else None

    def discard(self) -> None:
        """Close without keeping anything (a failed collection that holds nothing)."""
        with self._lock:
            self.closed = True
            self._cleanup()
            if self.dest is not None and self.dest == self.root:
                shutil.rmtree(self.dest, ignore_errors=True)
            self.root = None

    def _cleanup(self) -> None:
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None

    def bundle(self) -> Bundle:
        """The collection as a verified-by-construction Bundle, without reading it back."""
        with self._lock:
            return Bundle(
                str(self.dest or "(memory)"), dict(self.meta), dict(self.entries), dict(self.files)
            )

    def close(self, *, complete: bool) -> Path | None:
        """Finish the manifest; on disk, write it (and pack the archive). Returns the bundle path."""
        with self._lock:
            self.closed = True
            self.meta["complete"] = complete
            self.meta["finished_at"] = utc_now()
            self.meta["artefacts"] = [e.to_json() for e in self.entries.values()]
            self.meta = redact_tree(self.meta)  # what collectors set directly (URIs, host answers)
            if self.root is None:
                return None
            try:
                return self._finish()
            except BaseException:
                self._cleanup()
                raise

    def _finish(self) -> Path:
        assert self.root is not None and self.dest is not None
        manifest = json.dumps(self.meta, indent=2, sort_keys=True) + "\n"
        self._store(self.root, MANIFEST, manifest.encode())
        if self._staging is None:  # spilled to a private temporary directory: already in place
            return self.dest
        if not self.archive:
            try:
                os.rename(self._staging, self.dest)
            except OSError as exc:
                raise OutputError(
                    f"cannot write the bundle {self.dest}: {exc.strerror or exc}"
                ) from None
            self._staging = None
            return self.dest
        packed = self._staging / "bundle.tar.gz"
        try:
            with tarfile.open(packed, "x:gz") as tar:
                for path in sorted(p for p in self.root.rglob("*") if p.is_file()):
                    tar.add(path, arcname=path.relative_to(self.root).as_posix(), recursive=False)
        except OSError as exc:
            raise OutputError(
                f"cannot write the bundle {self.dest}: {exc.strerror or exc}"
            ) from None
        publish_file(packed, self.dest)
        self._cleanup()
        return self.dest


@dataclass(slots=True)
class Bundle:
    """A bundle read into memory and verified."""

    origin: str
    manifest: dict[str, Any]
    entries: dict[str, ArtefactEntry]
    files: dict[str, bytes] = field(repr=False)

    @property
    def target(self) -> str:
        """The URI or host the bundle was collected from."""
        return str(self.manifest.get("target", ""))

    @property
    def platform(self) -> str:
        """The collector's platform (kvm-libvirt, ...)."""
        return str(self.manifest.get("platform", ""))

    def entry(self, path: str) -> ArtefactEntry | None:
        """The manifest record of `path`, if any."""
        return self.entries.get(path)

    def text(self, path: str) -> str:
        """The artefact's content as text (undecodable bytes replaced)."""
        return self.files[path].decode("utf-8", errors="replace")

    def under(self, prefix: str) -> Iterator[ArtefactEntry]:
        """Every entry whose path starts with `prefix`, in manifest order."""
        return (e for p, e in self.entries.items() if p.startswith(prefix))

    @classmethod
    def open(cls, path: Path) -> Bundle:
        """Read and verify a bundle directory or .tar.gz archive: the manifest's shape, every
        listed file against its sha256, no file the manifest does not list, the JSON artefacts'
        shape."""
        if not os.path.lexists(path):
            raise InputError(f"{path}: no such bundle")
        files = _read_dir(path) if path.is_dir() and not path.is_symlink() else _read_archive(path)
        if MANIFEST not in files:
            raise BundleError(f"{path}: not an hvaudit bundle (no {MANIFEST})")
        try:
            manifest = load_json(files.pop(MANIFEST), MANIFEST)
            entries = validate_manifest(manifest)
        except ValueError as exc:
            raise BundleError(f"{path}: invalid manifest ({one_line(exc)})") from None
        try:
            for entry in entries.values():
                data = files.get(entry.path)
                if entry.sha256 is None:
                    if data is not None:
                        raise ValueError(f"artefact {entry.path} has a file but no sha256")
                    continue
                if data is None:
                    raise ValueError(f"artefact {entry.path} is listed but missing")
                if len(data) != entry.size or hashlib.sha256(data).hexdigest() != entry.sha256:
                    raise ValueError(f"artefact {entry.path} does not match its sha256")
                if entry.path.endswith(".json"):
                    _check_json_artefact(entry.path, data)
            unlisted = sorted(set(files) - set(entries))
            if unlisted:
                raise ValueError(f"file {unlisted[0]} is not listed in the manifest")
        except ValueError as exc:
            raise BundleError(f"{path}: {one_line(exc)}") from None
        return cls(str(path), manifest, entries, files)


MAX_MEMBERS = 50_000
"""At most this many files in a bundle (a large host has a few thousand artefacts)."""
MAX_MEMBER_BYTES = 64 * 1024 * 1024
"""At most this much per file (the collector keeps at most 64 MiB of a command's output)."""
MAX_RATIO = 100
"""Decompressed bytes per compressed byte, checked once past RATIO_FLOOR: XML and command output
compress 5-20 times; a decompression bomb compresses a thousand times."""
RATIO_FLOOR = 8 * 1024 * 1024
MAX_JSON_DEPTH = 32
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
ARTEFACT_STATUSES = frozenset({"ok", "absent", "unavailable", "not_applicable", "failed"})
_SHA256 = re.compile(r"[0-9a-f]{64}")
_MAX_INT = 2**63


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number hvaudit accepts")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:20]} is out of range")
    return value


def _bounded_int(text: str) -> int:
    if len(text) > 20 or abs(value := int(text)) > _MAX_INT:
        raise ValueError(f"number {text[:20]}... is out of range")
    return value


def _check_tree(value: Any, where: str, depth: int = 0) -> None:
    """Bounded depth and valid Unicode (no lone surrogate) everywhere in a JSON document."""
    if depth > MAX_JSON_DEPTH:
        raise ValueError(f"{where}: nested deeper than {MAX_JSON_DEPTH}")
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(f"{where}: a string is not valid Unicode") from None
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_tree(k, where, depth + 1)
            _check_tree(v, where, depth + 1)
    elif isinstance(value, list):
        for v in value:
            _check_tree(v, where, depth + 1)


def load_json(data: bytes, where: str) -> Any:
    """Strict JSON: UTF-8, finite numbers of sane size, bounded nesting, valid Unicode strings.

    Raises ValueError with a one-line reason."""
    try:
        text = data.decode("utf-8")
        value = json.loads(
            text,
            parse_constant=_no_constant,
            parse_float=_finite_float,
            parse_int=_bounded_int,
        )
    except UnicodeDecodeError:
        raise ValueError(f"{where}: not UTF-8") from None
    except RecursionError:
        raise ValueError(f"{where}: nested too deeply") from None
    except ValueError as exc:
        raise ValueError(f"{where}: not valid JSON ({one_line(exc, 80)})") from None
    _check_tree(value, where)
    return value


def _type(value: Any, types: type | tuple[type, ...], where: str) -> Any:
    if isinstance(value, bool) and bool not in (types if isinstance(types, tuple) else (types,)):
        raise ValueError(f"{where}: wrong type (bool)")
    if not isinstance(value, types):
        raise ValueError(f"{where}: wrong type ({type(value).__name__})")
    return value


_ENTRY_FIELDS: dict[str, type | tuple[type, ...]] = {
    "path": str,
    "status": str,
    "origin": str,
    "sha256": (str, type(None)),
    "size": int,
    "rc": (int, type(None)),
    "reason": str,
    "stderr": str,
    "collected_at": str,
    "duration_ms": int,
}
_MANIFEST_FIELDS: dict[str, type | tuple[type, ...]] = {
    "format": int,
    "tool": str,
    "version": str,
    "target": str,
    "platform": str,
    "collected_at": str,
    "complete": bool,
    "collector": dict,
    "errors": list,
    "artefacts": list,
}
_COLLECTOR_FIELDS: dict[str, type | tuple[type, ...]] = {
    "hypervisor": str,
    "libvirt_version": str,
    "hostname": str,
    "uri": str,
    "mode": str,
    "secure_xml": bool,
    "simulated": bool,
}


def validate_manifest(manifest: Any) -> dict[str, ArtefactEntry]:
    """Check the manifest's shape (every field the readers use, with its type) and return its
    artefact entries; ValueError with a one-line reason otherwise."""
    _type(manifest, dict, MANIFEST)
    if manifest.get("tool") != "hvaudit":
        raise ValueError("not an hvaudit manifest")
    for key, types in _MANIFEST_FIELDS.items():
        if key not in manifest:
            raise ValueError(f"{MANIFEST}: no {key!r}")
        _type(manifest[key], types, f"{MANIFEST} {key!r}")
    if manifest["format"] != BUNDLE_FORMAT:
        raise ValueError(f"unsupported bundle format {manifest['format']!r}")
    for err in manifest["errors"]:
        _type(err, str, f"{MANIFEST} 'errors'")
    for name, section in manifest["collector"].items():
        if name == "host_facts":
            _type(section, str, f"{MANIFEST} collector {name!r}")
            continue
        _type(section, dict, f"{MANIFEST} collector {name!r}")
        for key, types in _COLLECTOR_FIELDS.items():
            if key in section:
                _type(section[key], types, f"{MANIFEST} collector {name}.{key}")
    entries: dict[str, ArtefactEntry] = {}
    for i, item in enumerate(manifest["artefacts"]):
        where = f"{MANIFEST} artefact {i}"
        _type(item, dict, where)
        if set(item) != set(_ENTRY_FIELDS):
            raise ValueError(f"{where}: fields {sorted(set(item) ^ set(_ENTRY_FIELDS))} differ")
        for key, types in _ENTRY_FIELDS.items():
            _type(item[key], types, f"{where} {key!r}")
        entry = ArtefactEntry(**item)
        pure = PurePosixPath(entry.path)
        if not entry.path or pure.is_absolute() or ".." in pure.parts or entry.path == MANIFEST:
            raise ValueError(f"{where}: unsafe path {entry.path!r}")
        if entry.path in entries:
            raise ValueError(f"{where}: {entry.path} listed twice")
        if entry.status not in ARTEFACT_STATUSES:
            raise ValueError(f"{where}: unknown status {entry.status!r}")
        if (entry.status == "ok") != (entry.sha256 is not None):
            raise ValueError(
                f"artefact {entry.path}: status {entry.status} "
                + ("without a sha256" if entry.sha256 is None else "with a sha256")
            )
        if entry.sha256 is not None and not _SHA256.fullmatch(entry.sha256):
            raise ValueError(f"artefact {entry.path}: sha256 is not a SHA-256 digest")
        if entry.size < 0:
            raise ValueError(f"artefact {entry.path}: negative size")
        entries[entry.path] = entry
    return entries


_INDEX = re.compile(r"libvirt/(domains|networks|nwfilters|secrets|pools)/index\.json")
_NODEINFO_INTS = ("memory_mib", "cpus", "mhz", "nodes", "sockets", "cores", "threads")


def _check_json_artefact(path: str, data: bytes) -> None:
    """Every JSON artefact is strict JSON; the ones the libvirt parser reads have their shape."""
    value = load_json(data, path)
    if m := _INDEX.fullmatch(path):
        kind = m.group(1)
        _type(value, dict, path)
        items = _type(value.get(kind), list, f"{path} {kind!r}")
        for item in items:
            _type(item, dict, f"{path} {kind!r} item")
            for key, v in item.items():
                _type(v, (str, bool, int), f"{path} {kind} {key!r}")
            _type(item.get("file", ""), str, f"{path} {kind} 'file'")
    elif path == "libvirt/nodeinfo.json":
        _type(value, dict, path)
        for key in _NODEINFO_INTS:
            number = _type(value.get(key), int, f"{path} {key!r}")
            if not 0 <= number < 2**40:
                raise ValueError(f"{path} {key!r}: {number} is out of range")


def _read_dir(root: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    total = 0
    tree = TreeReader(root, follow_links=False, limit=MAX_MEMBER_BYTES)
    try:
        for relative, mode in tree.walk(MAX_MEMBERS):
            if stat.S_ISDIR(mode):
                continue
            if stat.S_ISLNK(mode):
                raise BundleError(f"{root}: refusing symbolic link {relative}")
            data = tree.read(relative)
            total += len(data)
            if total > MAX_BUNDLE_BYTES:
                raise BundleError(f"{root}: bundle larger than {MAX_BUNDLE_BYTES} bytes")
            files[relative] = data
    except UnsafeFileError as exc:
        raise BundleError(f"{root}: refusing {one_line(exc)}") from None
    except OSError as exc:
        raise InputError(f"{root}: cannot read bundle ({exc.strerror or exc})") from None
    return files


class _Budget:
    """The decompression bounds of one archive: members, total size, and ratio to the bytes read."""

    def __init__(self, path: Path, raw: Any) -> None:
        self.path = path
        self.raw = raw
        self.total = 0
        self.members = 0

    def member(self) -> None:
        self.members += 1
        if self.members > MAX_MEMBERS:
            raise BundleError(f"{self.path}: more than {MAX_MEMBERS} members")

    def grow(self, n: int) -> None:
        self.total += n
        if self.total > MAX_BUNDLE_BYTES:
            raise BundleError(f"{self.path}: bundle larger than {MAX_BUNDLE_BYTES} bytes unpacked")
        if self.total > RATIO_FLOOR and self.total > MAX_RATIO * max(self.raw.tell(), 1):
            raise BundleError(
                f"{self.path}: decompresses more than {MAX_RATIO} times its size (an archive bomb?)"
            )


def _read_archive(path: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    try:
        with open(path, "rb", opener=_nofollow_opener) as raw:
            st = os.fstat(raw.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise BundleError(f"{path}: not a bundle directory or .tar.gz archive")
            budget = _Budget(path, raw)
            with gzip.GzipFile(fileobj=raw, mode="rb") as gz:
                with tarfile.open(fileobj=gz, mode="r|") as tar:
                    for member in tar:
                        budget.member()
                        name = member.name
                        pure = PurePosixPath(name)
                        if pure.is_absolute() or ".." in pure.parts:
                            raise BundleError(f"{path}: unsafe member name {name!r}")
                        if member.isdir():
                            continue
                        if not member.isfile():
                            raise BundleError(f"{path}: refusing non-regular member {name!r}")
                        if member.size > MAX_MEMBER_BYTES:
                            raise BundleError(f"{path}: member {name!r} is too large")
                        stream = tar.extractfile(member)
                        if stream is None:
                            raise BundleError(f"{path}: unreadable member {name!r}")
                        chunks = []
                        while chunk := stream.read(1 << 20):
                            budget.grow(len(chunk))
                            chunks.append(chunk)
                        key = pure.as_posix().removeprefix("./")
                        if key in files:
                            raise BundleError(f"{path}: member {name!r} appears twice")
                        files[key] = b"".join(chunks)
                # Read to the end of the gzip stream, so its CRC and length trailer is checked.
                while chunk := gz.read(1 << 20):
                    budget.grow(len(chunk))
    except tarfile.ReadError:
        raise BundleError(
            f"{path}: not a bundle directory or .tar.gz archive, or a corrupt one"
        ) from None
    except gzip.BadGzipFile:
        raise BundleError(
            f"{path}: not a bundle directory or .tar.gz archive, or a corrupt one"
        ) from None
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        if isinstance(exc, OSError) and exc.errno == errno.ELOOP:
            raise BundleError(f"{path}: a symbolic link, not followed") from None
        detail = one_line(exc, 120) if str(exc) else type(exc).__name__
        raise BundleError(f"{path}: truncated or corrupt archive ({detail})") from None
    return files


def _nofollow_opener(name: str, flags: int) -> int:
    return os.open(name, flags | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)


def dump_json(data: Any) -> bytes:
    """Deterministic JSON for artefacts the collector derives from API calls (compact: the C
    encoder; indenting would switch to the pure-Python one)."""
    return json.dumps(data, sort_keys=True).encode()
