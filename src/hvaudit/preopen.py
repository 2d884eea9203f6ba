"""A local libvirt connection opened first, while the scan still starts up.

Opening a connection is most of a scan's fetch: the test driver parses its whole node file there
(about 0.6 ms per VM), a local daemon answers within milliseconds. Until the connection is open
nothing of the deployment can be read; what a scan does before it (checking its flags and
profile, importing the collector, the bundle writer and the redactor: about 0.1 s) used to come
first and added to the fetch. `start` opens the connection in a thread as soon as the arguments
are parsed (libvirt-python releases the GIL while it opens); the scan checks its flags meanwhile
and the collector then takes the connection (`claim`) instead of opening its own.

Only connections that do not leave the machine are opened this early: the test driver and a
daemon's local socket (no host in the URI, no transport or `unix`). A remote URI can ask for a
password or a host key, and nothing may touch a remote host before the flags are known good; it
is opened by the collector as before. A connection nobody claims (a bad flag stopped the scan) is
closed (`discard`). An open that fails is raised by the collector as its own open would have,
with the same exception.

This module imports nothing of hvaudit, so that the thread starts before the rest is imported.
"""

from __future__ import annotations

import contextlib
import os
import threading
import urllib.parse
from typing import Any

__all__ = ["Opening", "claim", "discard", "start"]

_OTHER_PLATFORMS = ("pve", "vmx", "vsphere")
"""URI schemes (before any `+transport`) that are not libvirt's (`hvaudit.collect.collect`)."""


class Opening:
    """One connection being opened in a thread: `wait` gives it, or raises what the open
    raised."""

    def __init__(self, uri: str, secure_xml: bool) -> None:
        self.uri = uri
        self.secure_xml = secure_xml
        self._done = threading.Event()
        self._conn: Any = None
        self._error: BaseException | None = None
        self._unwanted = False
        self._lock = threading.Lock()
        threading.Thread(target=self._open, name="hvaudit-open", daemon=True).start()

    def _open(self) -> None:
        try:
            import libvirt

            # As `hvaudit.collect.libvirt._libvirt` does, before the open: libvirt would write
            # its own copy of every error to standard error otherwise.
            libvirt.registerErrorHandler(lambda _ctx, _err: None, None)
            opener = libvirt.open if self.secure_xml else libvirt.openReadOnly
            conn = opener(self.uri)
        except BaseException as exc:  # handed to whoever waits
            self._error = exc
            self._done.set()
            return
        with self._lock:
            unwanted = self._unwanted
            if not unwanted:
                self._conn = conn
        if unwanted:
            _close(conn)
        self._done.set()

    def wait(self) -> Any:
        """The connection, once open; what the open raised, raised here."""
        self._done.wait()
        if self._error is not None:
            error, self._error = self._error, None  # not kept in a cycle with its traceback
            raise error
        return self._conn

    def drop(self) -> None:
        """Nobody will use the connection: closed now, or as soon as it is open."""
        with self._lock:
            self._unwanted = True
            conn, self._conn = self._conn, None
        if conn is not None:
            _close(conn)


def _close(conn: Any) -> None:
    """Close a connection nobody uses (its close failing changes nothing)."""
    with contextlib.suppress(Exception):
        conn.close()


_pending: Opening | None = None


def opens_early(uri: str) -> bool:
    """Whether `start` opens `uri` early: a libvirt URI of this machine (the test driver with
    a node file that exists or its built-in default, or a daemon's local socket)."""
    parts = urllib.parse.urlsplit(uri)
    if not parts.scheme or "://" not in uri or parts.netloc:
        return False
    driver, _, transport = parts.scheme.partition("+")
    if driver in _OTHER_PLATFORMS or transport not in ("", "unix"):
        return False
    if driver == "test":
        # A node file that is missing is said in one line by the collector, before libxml2 would
        # write its own warning from inside the open.
        path = urllib.parse.unquote(parts.path)
        return path == "/default" or os.path.isfile(path)
    return True


def start(uri: str, secure_xml: bool) -> None:
    """Begin opening `uri` when `opens_early` says so (else nothing happens)."""
    global _pending
    discard()
    if opens_early(uri):
        _pending = Opening(uri, secure_xml)


def claim(uri: str, secure_xml: bool) -> Opening | None:
    """The opening `start` began for `uri` in this mode, taken (only once); else None."""
    global _pending
    got = _pending
    if got is None or got.uri != uri or got.secure_xml != secure_xml:
        return None
    _pending = None
    return got


def discard() -> None:
    """Close the connection `start` opened when nobody claimed it."""
    global _pending
    got, _pending = _pending, None
    if got is not None:
        got.drop()
