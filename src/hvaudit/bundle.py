"""Evidence bundles: the raw artefacts of one collection plus a manifest, in a directory or a .tar.gz.

A bundle is what makes a scan replayable: `hvaudit assess` re-evaluates it offline, and an auditor
can trace every finding to the artefact (and its sha256) it rests on. The writer puts each artefact
on disk the moment it is collected and always writes a manifest, so a collection that fails half way
keeps what it had (`"complete": false`). The reader trusts nothing: it checks every digest, refuses
unsafe archive members and bounds what it decompresses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from hvaudit import __version__
from hvaudit.errors import BundleError, InputError, UsageError
from hvaudit.redact import redact_artefact, redact_text, redact_tree

__all__ = ["MANIFEST", "ArtefactEntry", "Bundle", "BundleWriter", "safe_name"]

MANIFEST = "manifest.json"
BUNDLE_FORMAT = 1
MAX_BUNDLE_BYTES = 2 * 1024**3
"""Decompression bound for a bundle read into memory."""

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str, limit: int = 80) -> str:
    """A file-name-safe rendering of a hostile name (a VM or network name from a scanned host)."""
    cleaned = _SAFE.sub("_", name).strip("._") or "unnamed"
    return cleaned[:limit]


def utc_now() -> str:
    """The current UTC time in ISO 8601 with a Z suffix, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


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

    With a destination, every artefact is on disk the moment it is collected. Without one (a plain
    `hvaudit scan`), artefacts stay in memory and reach disk only if collection fails
    (`spill()`), so a scan that keeps no bundle costs no file IO and still loses nothing.
    """

    def __init__(self, dest: Path | None, *, target: str, platform: str) -> None:
        self.dest = dest
        self.archive = dest is not None and dest.name.endswith((".tar.gz", ".tgz"))
        self.root: Path | None = None
        if dest is not None:
            if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
                raise UsageError(f"{dest}: already exists; choose a new bundle path")
            if self.archive:
                self.root = Path(tempfile.mkdtemp(prefix="hvaudit-bundle-"))
            else:
                dest.mkdir(parents=True, exist_ok=True)
                self.root = dest
        self.files: dict[str, bytes] = {}
        self.meta: dict[str, Any] = {
            "format": BUNDLE_FORMAT,
            "tool": "hvaudit",
            "version": __version__,
            "target": redact_text(target),
            "platform": platform,
            "collected_at": utc_now(),
            "complete": False,
            "collector": {},
            "errors": [],
        }
        self.entries: dict[str, ArtefactEntry] = {}

    def _check_path(self, path: str) -> None:
        if not path or path.startswith("/") or ".." in path.split("/") or path == MANIFEST:
            raise ValueError(f"unsafe artefact path {path!r}")
        if path in self.entries:
            raise ValueError(f"artefact {path!r} written twice")

    def add(self, path: str, data: bytes, *, origin: str, **info: Any) -> ArtefactEntry:
        """Store an artefact now and record it in the manifest, its secrets redacted first (the
        one redaction layer: `hvaudit.redact`)."""
        self._check_path(path)
        data = redact_artefact(path, data)
        origin, info = redact_text(origin), redact_tree(info)
        if self.root is not None:
            target = self.root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
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
        self._check_path(path)
        origin, reason, info = redact_text(origin), redact_text(reason), redact_tree(info)
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
        self.meta["errors"].append(redact_text(message))

    def spill(self) -> Path:
        """Give an in-memory collection a directory on disk (used when collection fails)."""
        if self.root is None:
            self.root = Path(tempfile.mkdtemp(prefix="hvaudit-partial-"))
            self.dest = self.root
            for path, data in self.files.items():
                (self.root / path).parent.mkdir(parents=True, exist_ok=True)
                (self.root / path).write_bytes(data)
        assert self.dest is not None
        return self.dest

    def bundle(self) -> Bundle:
        """The collection as a verified-by-construction Bundle, without reading it back."""
        return Bundle(
            str(self.dest or "(memory)"), dict(self.meta), dict(self.entries), dict(self.files)
        )

    def close(self, *, complete: bool) -> Path | None:
        """Finish the manifest; on disk, write it (and pack the archive). Returns the bundle path."""
        self.meta["complete"] = complete
        self.meta["finished_at"] = utc_now()
        self.meta["artefacts"] = [e.to_json() for e in self.entries.values()]
        self.meta = redact_tree(self.meta)  # what collectors set directly (URIs, host answers)
        if self.root is None:
            return None
        (self.root / MANIFEST).write_text(json.dumps(self.meta, indent=2, sort_keys=True) + "\n")
        if not self.archive:
            return self.dest
        assert self.dest is not None
        self.dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.dest.with_name(self.dest.name + ".part")
        with tarfile.open(tmp, "w:gz") as tar:
            for path in sorted(p for p in self.root.rglob("*") if p.is_file()):
                tar.add(path, arcname=path.relative_to(self.root).as_posix(), recursive=False)
        os.replace(tmp, self.dest)
        shutil.rmtree(self.root, ignore_errors=True)
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
        """Read and verify a bundle directory or .tar.gz archive."""
        if not path.exists():
            raise InputError(f"{path}: no such bundle")
        files = _read_dir(path) if path.is_dir() else _read_archive(path)
        if MANIFEST not in files:
            raise BundleError(f"{path}: not an hvaudit bundle (no {MANIFEST})")
        try:
            manifest = json.loads(files.pop(MANIFEST))
            if manifest.get("tool") != "hvaudit" or not isinstance(manifest.get("artefacts"), list):
                raise ValueError("not an hvaudit manifest")
            if manifest.get("format") != BUNDLE_FORMAT:
                raise ValueError(f"unsupported bundle format {manifest.get('format')!r}")
            entries = {a["path"]: ArtefactEntry(**a) for a in manifest["artefacts"]}
        except (ValueError, TypeError, KeyError) as exc:
            raise BundleError(f"{path}: invalid manifest ({exc})") from None
        for entry in entries.values():
            if entry.sha256 is None:
                continue
            data = files.get(entry.path)
            if data is None:
                raise BundleError(f"{path}: artefact {entry.path} is listed but missing")
            if hashlib.sha256(data).hexdigest() != entry.sha256:
                raise BundleError(f"{path}: artefact {entry.path} does not match its sha256")
        return cls(str(path), manifest, entries, files)


def _read_dir(root: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    total = 0
    try:
        for p in root.rglob("*"):
            if p.is_symlink():
                raise BundleError(f"{root}: refusing symbolic link {p.relative_to(root)}")
            if p.is_file():
                data = p.read_bytes()
                total += len(data)
                if total > MAX_BUNDLE_BYTES:
                    raise BundleError(f"{root}: bundle larger than {MAX_BUNDLE_BYTES} bytes")
                files[p.relative_to(root).as_posix()] = data
    except OSError as exc:
        raise InputError(f"{root}: cannot read bundle ({exc.strerror or exc})") from None
    return files


def _read_archive(path: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    total = 0
    try:
        with tarfile.open(path, "r:*") as tar:
            for member in tar:
                name = member.name
                pure = PurePosixPath(name)
                if pure.is_absolute() or ".." in pure.parts:
                    raise BundleError(f"{path}: unsafe member name {name!r}")
                if member.isdir():
                    continue
                if not member.isfile():
                    raise BundleError(f"{path}: refusing non-regular member {name!r}")
                total += member.size
                if total > MAX_BUNDLE_BYTES:
                    raise BundleError(f"{path}: bundle larger than {MAX_BUNDLE_BYTES} bytes")
                stream = tar.extractfile(member)
                if stream is None:
                    raise BundleError(f"{path}: unreadable member {name!r}")
                files[pure.as_posix().removeprefix("./")] = stream.read()
    except tarfile.ReadError:
        raise BundleError(
            f"{path}: not a bundle directory or .tar.gz archive, or a corrupt one"
        ) from None
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BundleError(f"{path}: truncated or corrupt archive ({detail})") from None
    return files


def dump_json(data: Any) -> bytes:
    """Deterministic JSON for artefacts the collector derives from API calls (compact: the C
    encoder; indenting would switch to the pure-Python one)."""
    return json.dumps(data, sort_keys=True).encode()
