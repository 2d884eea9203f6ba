"""Collection: the only layer that touches a host, and it only reads.

`collect_libvirt` writes one evidence bundle for one libvirt URI: the libvirt view (domains,
networks, filters, pools, capabilities) and the host facts (locally, over SSH, or not at all).
Whatever fails, the bundle is closed with a manifest so that nothing already collected is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hvaudit.bundle import Bundle, BundleWriter
from hvaudit.collect.host import HostCollector
from hvaudit.collect.libvirt import LibvirtCollector, LibvirtTarget
from hvaudit.collect.runner import LocalRunner, Runner, SshRunner
from hvaudit.errors import CollectionError, UsageError

__all__ = ["CollectOptions", "CollectResult", "collect", "collect_libvirt"]

FACT_MODES = ("auto", "local", "ssh", "none")


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


def collect(opts: CollectOptions, dest: Path | None) -> CollectResult:
    """Collect the deployment `opts.uri` names: a libvirt URI, a Proxmox VE target (pve...) or
    VMware .vmx files (vmx+dir://)."""
    scheme = opts.uri.split(":", 1)[0]
    if scheme in ("pve", "pve+ssh", "pve+dir", "pve+api"):
        return _collect_with(opts, dest, "proxmox-ve")
    if scheme in ("vmx+dir", "vsphere"):
        return _collect_with(opts, dest, "vmware-esxi")
    return _collect_with(opts, dest, "kvm-libvirt")


def collect_libvirt(opts: CollectOptions, dest: Path | None) -> CollectResult:
    """Collect one libvirt deployment into `dest` (a directory or a .tar.gz), or into memory."""
    return _collect_with(opts, dest, "kvm-libvirt")


def _collector(opts: CollectOptions, platform: str) -> Callable[[BundleWriter], None]:
    """What collects `opts.uri`, with its usage errors raised before anything is written."""
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
        LibvirtCollector(target, secure_xml=opts.secure_xml).collect(writer)
        if runner is None:
            status = "not_applicable" if target.simulated else "unavailable"
            writer.record("host", status=status, origin="host facts", reason=why_not)
        else:
            HostCollector(runner).collect(writer)

    return run


def _collect_with(opts: CollectOptions, dest: Path | None, platform: str) -> CollectResult:
    run = _collector(opts, platform)
    writer = BundleWriter(dest, target=opts.uri, platform=platform)
    complete = False
    try:
        run(writer)
        complete = not writer.meta["errors"]
    except CollectionError as exc:
        writer.error(str(exc))
        writer.spill()
        path = writer.close(complete=False)
        raise CollectionError(f"{exc} (partial bundle kept at {path})") from None
    except BaseException:
        writer.error("collection interrupted")
        writer.spill()
        writer.close(complete=False)
        raise
    path = writer.close(complete=complete)
    return CollectResult(path, complete, tuple(writer.meta["errors"]), writer.bundle())
