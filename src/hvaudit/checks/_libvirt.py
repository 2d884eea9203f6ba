"""Small readers shared by the KVM checks: effective libvirt settings with their evidence."""

from __future__ import annotations

from typing import Any

from hvaudit.checks.base import Outcome, Subject, manual, unknown
from hvaudit.model import Fact, FactState, Host, Source

__all__ = ["conf_fact", "conf_value", "host_settings_manual", "is_local_address"]


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


def host_settings_manual(
    subject: Subject,
    host: Host,
    fact: Fact[Any],
    proven: str,
    settings: str,
    *evidence: Source,
) -> Outcome:
    """The outcome of a VM check whose verdict rests on host settings that were not read.

    The one rule for host-dependent VM checks on a simulated or offline host: say what the VM's
    own definition proves (`proven`), and ask for the exact host settings (`settings`) as one
    manual question; never pass, and never not-applicable for a subject that exists. A failed
    collection stays an error.
    """
    if fact.state is FactState.FAILED:
        return unknown(subject, fact, settings)
    why = (
        "the host is simulated (no host evidence)"
        if fact.state is FactState.NOT_APPLICABLE
        else f"host evidence unavailable: {fact.reason}"
    )
    return manual(
        subject,
        f"{proven}; {why}",
        *evidence,
        *fact.sources,
        question=f"On host {host.name}: {settings}?",
    )
