"""Collection: the only layer that touches a host, and it only reads.

`collect_libvirt` writes one evidence bundle for one libvirt URI: the libvirt view (domains,
networks, filters, pools, capabilities) and the host facts (locally, over SSH, or not at all).
Whatever fails, the bundle is closed with a manifest so that nothing already collected is lost.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from hvaudit.bundle import Bundle, BundleWriter
from hvaudit.collect.libvirt import LibvirtCollector, LibvirtTarget
from hvaudit.collect.runner import (
    Deadline,
    LocalRunner,
    Runner,
    SshRunner,
    deadline_scope,
    kill_children,
)
from hvaudit.errors import CollectionError, UsageError

__all__ = ["CollectOptions", "CollectResult", "collect", "collect_libvirt"]

FACT_MODES = ("auto", "local", "ssh", "none")
DEFAULT_TIMEOUT = 300.0
"""Five minutes: a large host (hundreds of VMs, its package lists) collects in well under one."""
MAX_TIMEOUT = 86400.0


@dataclass(frozen=True, slots=True)
class CollectOptions:
    """How to collect."""

    uri: str
    facts: str = "auto"
    ssh: str | None = None
    ssh_port: int | None = None
    ssh_config: str | None = None
    secure_xml: bool = False
    ca_file: str | None = None
    verify_tls: bool = True
    api_timeout: float = 60.0
    timeout: float = DEFAULT_TIMEOUT
    """The deadline of the whole collection of the target, in seconds (--timeout)."""


@dataclass(frozen=True, slots=True)
class CollectResult:
    """The bundle, where it went (None when kept in memory), and what went wrong, if anything."""

    path: Path | None
    complete: bool
    errors: tuple[str, ...]
    bundle: Bundle


def _runner(target: LibvirtTarget, opts: CollectOptions) -> tuple[Runner | None, str]:
    mode = opts.facts
    if mode not in FACT_MODES:
        raise UsageError(f"--facts must be one of {', '.join(FACT_MODES)}")
    if target.simulated:
        return None, "simulated host (libvirt test driver): there is no host operating system"
    if mode == "none":
        return None, "host facts not collected (--facts none)"
    if mode == "local" or (mode == "auto" and target.local):
        return LocalRunner(), ""
    destination = opts.ssh
    if destination is None and target.host:
        destination = f"{target.user}@{target.host}" if target.user else target.host
    if destination is None:
        raise UsageError("--facts ssh needs --ssh USER@HOST or a remote URI")
    if mode == "auto" and target.transport not in ("ssh", "libssh", "libssh2") and opts.ssh is None:
        return None, f"host facts need SSH access to {target.host}; pass --ssh USER@HOST"
    port = opts.ssh_port if opts.ssh_port else (target.port if target.transport == "ssh" else None)
    return SshRunner(destination, port, config=opts.ssh_config), ""


def collect(
    opts: CollectOptions,
    dest: Path | None,
    *,
    meanwhile: Callable[[], None] | None = None,
) -> CollectResult:
    """Collect the deployment `opts.uri` names: a libvirt URI, a Proxmox VE target (pve...) or
    VMware .vmx files (vmx+dir://).

    `meanwhile` runs in the calling thread once the collector is waiting on the target (a libvirt
    connection being opened): work that does not need the evidence, such as importing what the
    assessment will use, done while the target answers instead of after. An exception it raises
    is ignored (that work is done again, and fails in its own place, after the collection); it
    does not delay the deadline."""
    scheme = opts.uri.split(":", 1)[0]
    platform = "kvm-libvirt"
    if scheme in ("pve", "pve+ssh", "pve+dir", "pve+api"):
        platform = "proxmox-ve"
    elif scheme in ("vmx+dir", "vsphere"):
        platform = "vmware-esxi"
    return _collect_with(opts, dest, platform, meanwhile)


def collect_libvirt(opts: CollectOptions, dest: Path | None) -> CollectResult:
    """Collect one libvirt deployment into `dest` (a directory or a .tar.gz), or into memory."""
    return _collect_with(opts, dest, "kvm-libvirt")


def _collector(
    opts: CollectOptions, platform: str, connecting: threading.Event
) -> Callable[[BundleWriter], None]:
    """What collects `opts.uri`, with its usage errors raised before anything is written.
    `connecting` is set when the collector starts waiting on the target."""
    if platform == "proxmox-ve" and opts.uri.startswith("pve+api:"):
        from hvaudit.collect.proxmox_api import ProxmoxApiCollector

        return ProxmoxApiCollector(
            opts.uri, ca_file=opts.ca_file, verify_tls=opts.verify_tls, timeout=opts.api_timeout
        ).collect
    if platform == "vmware-esxi" and opts.uri.startswith("vsphere:"):
        from hvaudit.collect.vsphere import VsphereCollector

        return VsphereCollector(
            opts.uri, ca_file=opts.ca_file, verify_tls=opts.verify_tls, timeout=opts.api_timeout
        ).collect
    if platform == "vmware-esxi":
        from hvaudit.collect.vmx import collect_vmx, vmx_root

        root = vmx_root(opts.uri)
        return lambda writer: collect_vmx(opts.uri, root, writer)
    if platform == "proxmox-ve":
        from hvaudit.collect.proxmox import ProxmoxTarget, collect_proxmox

        ProxmoxTarget.parse(opts.uri)
        return lambda writer: collect_proxmox(opts.uri, writer, opts.ssh_config)
    target = LibvirtTarget.parse(opts.uri)
    runner, why_not = _runner(target, opts)

    def run(writer: BundleWriter) -> None:
        LibvirtCollector(target, secure_xml=opts.secure_xml, connecting=connecting).collect(writer)
        if runner is None:
            status = "not_applicable" if target.simulated else "unavailable"
            writer.record("host", status=status, origin="host facts", reason=why_not)
        else:
            from hvaudit.collect.host import HostCollector  # not on a simulated host's path

            HostCollector(runner).collect(writer)

    return run


class _Terminated(BaseException):
    """SIGTERM during a collection, raised in the main thread so the partial bundle is closed."""


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(_signum: int, _frame: object) -> None:
        raise _Terminated

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


SWITCH_INTERVAL = 0.0002
"""Seconds a thread waits for the GIL before the holder is asked to hand it over, while a
collection runs (Python's default is 0.005). The collector's threads spend their time waiting
on the target with the GIL released, and need it only briefly after each answer; the calling
thread meanwhile imports what the assessment needs (`meanwhile`). With the default, each answer
could wait 5 ms for the importing thread; a domain's definition takes about 0.3 ms to arrive."""


@contextlib.contextmanager
def _quick_handover() -> Iterator[None]:
    previous = sys.getswitchinterval()
    sys.setswitchinterval(min(previous, SWITCH_INTERVAL))
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


def _shown(uri: str) -> str:
    """A target URI for a message, without any user information (a password) it may carry."""
    parts = urllib.parse.urlsplit(uri)
    if "@" not in parts.netloc:
        return uri
    return parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()


def _keep(writer: BundleWriter) -> str:
    """Close a failed collection: kept (and named) when it holds evidence, else left nowhere."""
    if not writer.holds_evidence:
        writer.discard()
        return "nothing was collected, no bundle kept"
    writer.spill()
    return f"partial bundle kept at {writer.close(complete=False)}"


def _collect_with(
    opts: CollectOptions,
    dest: Path | None,
    platform: str,
    meanwhile: Callable[[], None] | None = None,
) -> CollectResult:
    """Run the collector in a worker thread that can be abandoned at the deadline (a libvirt
    connection to a silent peer blocks inside C and cannot be interrupted otherwise); every command
    and API call also gets at most the time that remains. While the worker waits on the target,
    the calling thread runs `meanwhile` (see `collect`), then waits for what remains of the
    deadline."""
    if not 0 < opts.timeout <= MAX_TIMEOUT:
        raise UsageError(f"--timeout must be between 0 and {MAX_TIMEOUT:g} seconds")
    connecting = threading.Event()
    run = _collector(opts, platform, connecting)
    writer = BundleWriter(dest, target=opts.uri, platform=platform)
    deadline = Deadline(opts.timeout)
    failure: list[BaseException] = []

    def work() -> None:
        with deadline_scope(deadline):
            try:
                run(writer)
            except BaseException as exc:  # handed to the main thread
                failure.append(exc)
            finally:
                connecting.set()  # a collector that failed before it connected

    worker = threading.Thread(target=work, name="hvaudit-collect", daemon=True)
    try:
        with _sigterm_raises(), _quick_handover():
            worker.start()
            if meanwhile is not None:
                # The collector gets to its first wait on the target first; then this thread
                # uses the wait.
                connecting.wait(deadline.remaining())
                with contextlib.suppress(Exception):
                    meanwhile()
            worker.join(deadline.remaining())
    except (KeyboardInterrupt, _Terminated) as exc:
        deadline.expire()
        kill_children(deadline)
        writer.error("collection interrupted")
        where = _keep(writer)
        code = 130 if isinstance(exc, KeyboardInterrupt) else 143
        raise CollectionInterrupted(f"interrupted ({where})", code) from None
    if worker.is_alive():
        deadline.expire()
        kill_children(deadline)
        message = (
            f"{_shown(opts.uri)}: collection did not finish within {opts.timeout:g}s (--timeout)"
        )
        writer.error(message)
        raise CollectionError(f"{message} ({_keep(writer)})")
    if failure:
        failed = failure.pop()  # out of the list: the traceback would hold it in a cycle
        if isinstance(failed, CollectionError):
            writer.error(str(failed))
            raise CollectionError(f"{failed} ({_keep(writer)})") from None
        writer.error("collection interrupted")
        _keep(writer)
        raise failed
    complete = not writer.meta["errors"]
    path = writer.close(complete=complete)
    return CollectResult(path, complete, tuple(writer.meta["errors"]), writer.bundle())


class CollectionInterrupted(CollectionError):
    """SIGINT or SIGTERM during a collection (exit 130 or 143), with what was kept."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code
