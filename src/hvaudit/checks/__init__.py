"""The checks, registered from an explicit list of modules (no discovery magic).

Importing this package imports each module below once; each `@check` adds itself to `REGISTRY`
in that order. `all_checks()` is what the engine, the docs generator and `hvaudit checks` read.
"""

from __future__ import annotations

from hvaudit.checks import (  # noqa: F401
    architecture,
    consoles,
    devices,
    guest,
    hardening,
    management,
    network,
    proxmox,
    resources,
    vmware,
)
from hvaudit.checks.base import (
    REGISTRY,
    Check,
    CheckMeta,
    Context,
    Outcome,
    Severity,
    Status,
    Subject,
)

__all__ = [
    "Check",
    "CheckMeta",
    "Context",
    "Outcome",
    "Severity",
    "Status",
    "Subject",
    "all_checks",
]


def all_checks() -> list[Check]:
    """Every registered check, sorted by id."""
    return sorted(REGISTRY, key=lambda c: c.meta.id)
