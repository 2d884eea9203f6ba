"""Small readers shared by the KVM checks: effective libvirt settings with their evidence."""

from __future__ import annotations

from typing import Any

from hvaudit.model import Fact, Host, Source

__all__ = ["conf_fact", "conf_value", "is_local_address"]


def conf_fact(host: Host, file: str) -> Fact[dict[str, object]]:
    """The effective settings of `qemu.conf` or `libvirtd.conf` (a Fact: they may be unknown)."""
    if host.libvirt is None:
        return Fact.not_applicable("not a libvirt host")
    return host.libvirt.qemu_conf if file == "qemu.conf" else host.libvirt.libvirtd_conf


def conf_value(host: Host, file: str, key: str) -> tuple[Any, Source]:
    """One effective value (call only when `conf_fact` is known) and where it came from."""
    assert host.libvirt is not None
    values = conf_fact(host, file).get()
    src = host.libvirt.conf_sources.get(f"{file}.{key}") or Source(
        f"host/files/etc/libvirt/{file}", key, default=True
    )
    return values.get(key), src


def is_local_address(address: str | None) -> bool:
    """True for loopback addresses (console or daemon reachable only from the host itself)."""
    if address is None:
        return False
    a = address.strip("[]")
    return a.startswith("127.") or a in ("::1", "localhost")
