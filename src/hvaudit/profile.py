"""Profiles: the site's thresholds and check selection, kept apart from check logic.

Built-in profiles live in `hvaudit/profiles/`: `default` (every check, every edition) and one per
catalog edition (`sp800-125a-2014`, `sp800-125a-r1`, `sp800-125b`), which run only the checks that
serve that edition, with its figures (Rev. 1 wants memory over-commit off: ratio 1.0). A user
profile (a TOML file) `extends` a built-in one (default: `default`) and overrides thresholds,
disables or re-enables checks, and changes severities:

    name = "production"
    extends = "sp800-125a-r1"
    [thresholds]
    max_interactive_accounts = 2
    [checks]
    disable = ["HVA-001"]
    enable = ["HVA-160"]          # a 2014-only check, wanted anyway
    [checks.severity]
    "HVA-100" = "info"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from hvaudit.catalog import EDITIONS
from hvaudit.errors import InputError
from hvaudit.tomlfile import read_toml

__all__ = ["Profile", "builtin_profiles", "load_profile"]

SEVERITIES = ("critical", "high", "medium", "low", "info")
THRESHOLDS = (
    "ram_overcommit_max",
    "vcpu_to_core_ratio_max",
    "max_interactive_accounts",
    "max_admin_principals",
    "allowed_listeners",
    "runtime_pools",
)
TOP_LEVEL = ("name", "description", "edition", "extends", "thresholds", "checks")


@dataclass(frozen=True, slots=True)
class Profile:
    """Thresholds and check selection."""

    name: str
    description: str = ""
    edition: str | None = None
    """When set, only checks that serve this catalog edition run (plus `enabled`)."""
    ram_overcommit_max: float = 1.5
    vcpu_to_core_ratio_max: float = 1.0
    max_interactive_accounts: int = 3
    max_admin_principals: int = 3
    allowed_listeners: tuple[str, ...] = ()
    runtime_pools: tuple[str, ...] = ()
    disabled: frozenset[str] = frozenset()
    enabled: frozenset[str] = frozenset()
    severity: dict[str, str] = field(default_factory=dict)

    def selects(self, check_id: str, recommendations: dict[str, tuple[str, ...]]) -> bool:
        """True when the check runs under this profile."""
        if check_id in self.disabled:
            return False
        if check_id in self.enabled or self.edition is None:
            return True
        return bool(recommendations.get(self.edition))

    @classmethod
    def from_toml(cls, data: dict[str, Any], name: str) -> Profile:
        """Build a profile from parsed TOML, validating every field."""
        extra = set(data) - set(TOP_LEVEL)
        if extra:
            raise InputError(f"{name}: unknown setting(s) {', '.join(sorted(extra))}")
        t = data.get("thresholds", {})
        c = data.get("checks", {})
        extra = set(t) - set(THRESHOLDS)
        if extra:
            raise InputError(f"{name}: unknown threshold(s) {', '.join(sorted(extra))}")
        edition = data.get("edition")
        if edition is not None and edition not in EDITIONS:
            raise InputError(f"{name}: unknown edition {edition!r} ({', '.join(EDITIONS)})")
        try:
            profile = cls(
                name=str(data.get("name", name)),
                description=str(data.get("description", "")),
                edition=edition,
                ram_overcommit_max=float(t.get("ram_overcommit_max", 1.5)),
                vcpu_to_core_ratio_max=float(t.get("vcpu_to_core_ratio_max", 1.0)),
                max_interactive_accounts=int(t.get("max_interactive_accounts", 3)),
                max_admin_principals=int(t.get("max_admin_principals", 3)),
                allowed_listeners=tuple(str(x) for x in t.get("allowed_listeners", ())),
                runtime_pools=tuple(str(x) for x in t.get("runtime_pools", ())),
                disabled=frozenset(str(x) for x in c.get("disable", ())),
                enabled=frozenset(str(x) for x in c.get("enable", ())),
                severity={str(k): str(v) for k, v in c.get("severity", {}).items()},
            )
        except (TypeError, ValueError, AttributeError) as exc:
            raise InputError(f"{name}: invalid value ({exc})") from None
        if profile.ram_overcommit_max <= 0 or profile.vcpu_to_core_ratio_max <= 0:
            raise InputError(f"{name}: ratios must be positive")
        _check_shapes(name, t, c, profile)
        bad = {v for v in profile.severity.values() if v not in SEVERITIES}
        if bad:
            raise InputError(f"{name}: unknown severity {', '.join(sorted(bad))}")
        return profile


MAX_RATIO = 1000.0
MAX_COUNT = 1_000_000
_LISTS = (
    ("thresholds", "allowed_listeners"),
    ("thresholds", "runtime_pools"),
    ("checks", "disable"),
    ("checks", "enable"),
)


def _check_shapes(name: str, t: Any, c: Any, profile: Profile) -> None:
    """Every list a list of strings, every number within sense (a typo is one line, not a
    silently absurd threshold)."""
    for section, key in _LISTS:
        value = (t if section == "thresholds" else c).get(key, [])
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            raise InputError(f"{name}: {section}.{key} must be a list of strings")
    if not isinstance(c.get("severity", {}), dict):
        raise InputError(f"{name}: checks.severity must be a table")
    for key in ("ram_overcommit_max", "vcpu_to_core_ratio_max"):
        if isinstance(t.get(key), bool) or getattr(profile, key) > MAX_RATIO:
            raise InputError(f"{name}: thresholds.{key} must be a number up to {MAX_RATIO:g}")
    for key in ("max_interactive_accounts", "max_admin_principals"):
        raw = t.get(key, 0)
        if not isinstance(raw, int) or isinstance(raw, bool) or not 0 <= raw <= MAX_COUNT:
            raise InputError(f"{name}: thresholds.{key} must be a whole number up to {MAX_COUNT}")


def _builtin_raw(name: str) -> dict[str, Any]:
    ref = resources.files("hvaudit").joinpath("profiles", f"{name}.toml")
    if not ref.is_file():
        names = ", ".join(p.name for p in builtin_profiles())
        raise InputError(f"no built-in profile {name!r} (built-in: {names})")
    raw = tomllib.loads(ref.read_text(encoding="utf-8"))
    if name != "default":
        raw = _merge(_builtin_raw("default"), raw)
    return raw


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = {**base, **over}
    for section in ("thresholds", "checks"):
        merged[section] = {**base.get(section, {}), **over.get(section, {})}
    merged.pop("extends", None)
    return merged


def builtin_profiles() -> list[Profile]:
    """The built-in profiles, `default` first."""
    names = sorted(
        p.name.removesuffix(".toml")
        for p in resources.files("hvaudit").joinpath("profiles").iterdir()
        if p.name.endswith(".toml")
    )
    names.sort(key=lambda n: n != "default")
    return [Profile.from_toml(_builtin_raw(n), n) for n in names]


def load_profile(spec: Path | str | None = None) -> Profile:
    """A built-in profile by name, a profile file (layered over the one it extends), or default."""
    if spec is None:
        return Profile.from_toml(_builtin_raw("default"), "default")
    path = Path(spec)
    if not path.suffix and not path.exists():
        return Profile.from_toml(_builtin_raw(str(spec)), str(spec))
    user = read_toml(path, "profile")
    parent = user.get("extends", "default")
    if not isinstance(parent, str):
        raise InputError(f"{path}: 'extends' must name a built-in profile")
    merged = _merge(_builtin_raw(parent), user)
    merged["name"] = str(user.get("name", path.stem))
    merged["description"] = str(user.get("description", f"extends {parent}"))
    return Profile.from_toml(merged, str(path))
