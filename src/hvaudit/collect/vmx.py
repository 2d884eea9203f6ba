"""VMware `.vmx` files read offline: a copy of a datastore, or a folder of exported VM configs.

Target `vmx+dir:///PATH`: every `*.vmx` under PATH (recursively, symbolic links not followed), and
every `*.vmtx` (a VM template's configuration: "The .vmtx file replaces the virtual machine
configuration file (.vmx file)" when a VM is converted to a template, vSphere Virtual Machine
Administration, "Virtual Machine Files"), is stored as `vmware/vmx/<path relative to PATH>`, console passwords, the encryption key safe and
`guestinfo.*` values redacted by the bundle writer. There is no host to read, so host facts are
recorded as unavailable: what rests on the host (its cores, its memory, its services) becomes a
manual item. The vSphere API collector (live
hosts and vCenter) will write the same artefacts for the VMs it reads.
"""

from __future__ import annotations

import os
import urllib.parse
from pathlib import Path

from hvaudit.bundle import BundleWriter
from hvaudit.errors import CollectionError, UsageError
from hvaudit.fsguard import TreeReader, UnsafeFileError

__all__ = ["MAX_VMX_BYTES", "collect_vmx", "vmx_artefact", "vmx_root"]

MAX_VMX_BYTES = 4 * 1024 * 1024
"""A .vmx is a few kilobytes; anything bigger is not one (or is hostile) and is refused."""


def vmx_artefact(relative: str) -> str:
    """The bundle path of a .vmx (the same for the offline and the API path)."""
    return "vmware/vmx/" + relative


def vmx_root(uri: str) -> Path:
    """The folder a vmx+dir:///PATH target names (a usage error if it is not one)."""
    parts = urllib.parse.urlsplit(uri)
    if parts.scheme != "vmx+dir" or parts.netloc or not parts.path:
        raise UsageError(f"{uri}: expected vmx+dir:///PATH (a folder holding .vmx files)")
    return Path(urllib.parse.unquote(parts.path))


def collect_vmx(uri: str, root: Path, writer: BundleWriter) -> None:
    """Store every .vmx under `root` (the folder `uri` names)."""
    if not root.is_dir():
        raise CollectionError(f"{uri}: {root} is not a folder")
    writer.meta["collector"]["vmware"] = {"uri": uri, "mode": "offline-vmx"}
    found = 0
    tree = TreeReader(root, follow_links=False, limit=MAX_VMX_BYTES)
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            if not name.lower().endswith((".vmx", ".vmtx")):
                continue
            path = Path(folder) / name
            relative = path.relative_to(root).as_posix()
            if path.is_symlink():
                writer.record(
                    vmx_artefact(relative),
                    status="unavailable",
                    origin=str(path),
                    reason="a symbolic link: not followed",
                )
                continue
            try:
                # Through the file-system guard: no link, no FIFO or device, bounded size.
                data = tree.read(relative)
            except (OSError, UnsafeFileError) as exc:
                reason = (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
                writer.record(
                    vmx_artefact(relative), status="failed", origin=str(path), reason=reason
                )
                writer.error(f"{path}: {reason}")
                continue
            writer.add(vmx_artefact(relative), data, origin=str(path))
            found += 1
    if not found:
        raise CollectionError(f"{uri}: no .vmx file under {root}")
    writer.record(
        "host",
        status="unavailable",
        origin="host facts",
        reason="offline .vmx files hold no host: connect to the ESXi host or vCenter for its facts",
    )
