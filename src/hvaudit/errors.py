"""The one exception tree of hvaudit; the CLI maps each branch to a documented exit code.

    HvauditError
    ├── UsageError        bad flags or arguments                        exit 2
    ├── InputError        unreadable, malformed or unsafe input         exit 2
    │   └── BundleError   an evidence bundle that is truncated or corrupt
    ├── CatalogError      the packaged catalog or a profile is invalid  exit 2
    └── CollectionError   a target could not be reached or read         exit 3

A layer raises only its own kind; nothing below the CLI prints or exits.
"""

from __future__ import annotations


class HvauditError(Exception):
    """Base of every error hvaudit raises on purpose."""

    exit_code = 2


class UsageError(HvauditError):
    """The command line asks for something that cannot be done."""


class InputError(HvauditError):
    """A file or document given to hvaudit cannot be read safely."""


class BundleError(InputError):
    """An evidence bundle is truncated, corrupt or not a bundle at all."""


class CatalogError(HvauditError):
    """The catalog data or a profile is inconsistent."""


def one_line(exc: BaseException, limit: int = 200) -> str:
    """An exception's message on one line, cut to `limit` characters (for a one-line error)."""
    text = getattr(exc, "msg", None) or str(exc)
    return " ".join(str(text).split())[:limit]


def system_cause(exc: BaseException) -> BaseException:
    """The operating system's error under a client library's wrapping, when there is one (an
    `OSError` with an errno: "[Errno 101] Network is unreachable", a TLS verification failure),
    else `exc` itself. HTTP clients nest it three deep (requests, urllib3's retry error, its
    connection error), and their own message would be cut before the reason."""
    seen: set[int] = set()
    todo: list[object] = [exc]
    while todo:
        e = todo.pop(0)
        if not isinstance(e, BaseException) or id(e) in seen or len(seen) > 20:
            continue
        seen.add(id(e))
        if isinstance(e, OSError) and e.errno is not None and e.strerror:
            return e
        todo += [e.__cause__, e.__context__, getattr(e, "reason", None), *e.args]
    return exc


class CollectionError(HvauditError):
    """A target could not be reached or read; what was collected so far is kept."""

    exit_code = 3
