"""Profiles: the site's thresholds and choices, kept apart from check logic.

The built-in profile (`profiles/default.toml`) carries the figures the texts give (the 2014 draft's
1.5:1 RAM over-commit example) and conservative defaults elsewhere; a user profile (`--profile`)
overrides any of them, disables checks, or changes severities.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from hvaudit.errors import InputError

__all__ = ["Profile", "load_profile"]

SEVERITIES = ("critical", "high", "medium", "low", "info")


@dataclass(frozen=True, slots=True)
class Profile:
    """Thresholds and check selection."""

    name: str
    ram_overcommit_max: float = 1.5
    vcpu_to_core_ratio_max: float = 1.0
    max_interactive_accounts: int = 3
    max_admin_principals: int = 3
    allowed_listeners: tuple[str, ...] = ()
    runtime_pools: tuple[str, ...] = ()
    disabled: frozenset[str] = frozenset()
    severity: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_toml(cls, data: dict[str, Any], name: str) -> Profile:
        """Build a profile from parsed TOML, validating every field."""
        t = data.get("thresholds", {})
        c = data.get("checks", {})
        known_t = {
            "ram_overcommit_max",
            "vcpu_to_core_ratio_max",
            "max_interactive_accounts",
            "max_admin_principals",
            "allowed_listeners",
            "runtime_pools",
        }
        extra = set(t) - known_t
        if extra:
            raise InputError(f"{name}: unknown threshold(s) {', '.join(sorted(extra))}")
        try:
            profile = cls(
                name=str(data.get("name", name)),
                ram_overcommit_max=float(t.get("ram_overcommit_max", 1.5)),
                vcpu_to_core_ratio_max=float(t.get("vcpu_to_core_ratio_max", 1.0)),
                max_interactive_accounts=int(t.get("max_interactive_accounts", 3)),
                max_admin_principals=int(t.get("max_admin_principals", 3)),
                allowed_listeners=tuple(str(x) for x in t.get("allowed_listeners", ())),
                runtime_pools=tuple(str(x) for x in t.get("runtime_pools", ())),
                disabled=frozenset(str(x) for x in c.get("disable", ())),
                severity={str(k): str(v) for k, v in c.get("severity", {}).items()},
            )
        except (TypeError, ValueError) as exc:
            raise InputError(f"{name}: invalid value ({exc})") from None
        if profile.ram_overcommit_max <= 0 or profile.vcpu_to_core_ratio_max <= 0:
            raise InputError(f"{name}: ratios must be positive")
        bad = {v for v in profile.severity.values() if v not in SEVERITIES}
        if bad:
            raise InputError(f"{name}: unknown severity {', '.join(sorted(bad))}")
        return profile


def load_profile(path: Path | None = None) -> Profile:
    """The built-in profile, or the one at `path` layered over it."""
    base = tomllib.loads(
        resources.files("hvaudit").joinpath("profiles", "default.toml").read_text(encoding="utf-8")
    )
    if path is None:
        return Profile.from_toml(base, "default")
    try:
        user = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such profile") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read profile ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: invalid TOML ({exc})") from None
    merged = {**base, **user}
    for section in ("thresholds", "checks"):
        merged[section] = {**base.get(section, {}), **user.get(section, {})}
    merged.setdefault("name", path.stem)
    if "name" not in user:
        merged["name"] = path.stem
    return Profile.from_toml(merged, str(path))
