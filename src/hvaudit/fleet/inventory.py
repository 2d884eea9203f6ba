"""The fleet inventory: which targets to scan, how to reach them, in which group and zone.

Two sources, one model:

- hvaudit's own TOML file (`[defaults]`, `[[group]]`, `[[target]]`), strict: an unknown key, a
  missing name or URI, or anything that looks like a credential is an error naming the line.
- An Ansible inventory, read through `ansible-inventory --list` (argv, time-out), so every source
  Ansible supports works (INI, YAML, dynamic plugins). A host's `hvaudit_uri` wins; otherwise
  `qemu+ssh://{ansible_user or root}@{ansible_host or name}[:ansible_port]/system`. Ansible's
  own secrets (`ansible_password`, vault values) are never read into the model.

Credentials never appear inline: `env` maps an hvaudit credential variable to the name of a
variable in the scanner's environment, `env_files` to a file whose content is the value. Both are
resolved per target at run time, and only for that target's child process.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from hvaudit.errors import InputError, UsageError

__all__ = [
    "CREDENTIAL_VARIABLES",
    "Inventory",
    "Target",
    "load_ansible_inventory",
    "load_inventory",
]

#: The variables through which a collector takes credentials (README: Proxmox, vSphere).
CREDENTIAL_VARIABLES = ("HVAUDIT_PVE_TOKEN", "HVAUDIT_VSPHERE_USER", "HVAUDIT_VSPHERE_PASSWORD")

#: Settings a target inherits from [defaults] and its [[group]] and may override.
_SETTINGS: dict[str, type | tuple[type, ...]] = {
    "zone": str,
    "timeout": (int, float),
    "retries": int,
    "facts": str,
    "ssh": str,
    "ssh_port": int,
    "ssh_config": str,
    "ca_file": str,
    "verify_tls": bool,
    "api_timeout": (int, float),
    "secure_xml": bool,
    "env": dict,
    "env_files": dict,
}
_TARGET_KEYS = {"name", "uri", "bundle", "group", *_SETTINGS}
_GROUP_KEYS = {"name", *_SETTINGS}
_SECRETISH = re.compile(r"passw|secret|token|credential|private|api_?key", re.I)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_FACTS = ("auto", "local", "ssh", "none")
_PATH_KEYS = ("ssh_config", "ca_file")
ANSIBLE_INVENTORY_TIMEOUT = 120.0


@dataclass(frozen=True, slots=True)
class Target:
    """One scan target and how to reach it."""

    name: str
    uri: str
    """The URI to scan, or `bundle:PATH` for an evidence bundle collected earlier."""
    group: str = "ungrouped"
    zone: str = "default"
    timeout: float = 300.0
    retries: int = 1
    facts: str = "auto"
    ssh: str | None = None
    ssh_port: int | None = None
    ssh_config: str | None = None
    ca_file: str | None = None
    verify_tls: bool = True
    api_timeout: float | None = None
    secure_xml: bool = False
    env: Mapping[str, str] = field(default_factory=dict)
    env_files: Mapping[str, str] = field(default_factory=dict)

    @property
    def display_uri(self) -> str:
        """The URI as reports show it (no userinfo password, ever)."""
        return redact_uri(self.uri)

    @property
    def bundle(self) -> str | None:
        """The bundle to assess instead of scanning a live target."""
        return self.uri.removeprefix("bundle:") if self.uri.startswith("bundle:") else None

    @property
    def platform_guess(self) -> str:
        """The platform the URI names (the report's own `platform` wins when there is one)."""
        scheme = self.uri.split(":", 1)[0]
        if scheme.startswith("pve"):
            return "proxmox-ve"
        if scheme in ("vsphere", "vmx+dir"):
            return "vmware-esxi"
        if scheme == "bundle":
            return "unknown"
        return "kvm-libvirt"


@dataclass(frozen=True, slots=True)
class Inventory:
    """Targets in file order, with where they came from."""

    source: str
    targets: tuple[Target, ...]

    def zones(self) -> list[str]:
        """The zones, in first-seen order."""
        return list(dict.fromkeys(t.zone for t in self.targets))


def redact_uri(uri: str) -> str:
    """`scheme://user:pw@host/` -> `scheme://user@host/`."""
    return re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://[^/@:]*):[^/@]*@", r"\1@", uri)


def _line_of(text: str, header: str, index: int) -> int:
    """The line of the `index`-th (0-based) `[[header]]` table in `text` (1-based; 0 if unknown)."""
    seen = -1
    for lineno, line in enumerate(text.splitlines(), 1):
        if line.strip().replace(" ", "").startswith(f"[[{header}]]"):
            seen += 1
            if seen == index:
                return lineno
    return 0


def _check_settings(where: str, table: Mapping[str, Any], allowed: set[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key not in allowed:
            if _SECRETISH.search(key):
                raise InputError(
                    f"{where}: key {key!r} looks like a credential; credentials come from the "
                    'environment (env = {HVAUDIT_...= "VARIABLE"}) or a file (env_files), never '
                    "inline"
                )
            raise InputError(f"{where}: unknown key {key!r} (known: {', '.join(sorted(allowed))})")
        want = _SETTINGS.get(key, str)
        if isinstance(value, bool) and want in (int, (int, float)):
            raise InputError(f"{where}: {key} must be a number, not {value!r}")
        if not isinstance(value, want):
            raise InputError(f"{where}: {key} has the wrong type ({type(value).__name__})")
        out[key] = value
    if "facts" in out and out["facts"] not in _FACTS:
        raise InputError(f"{where}: facts must be one of {', '.join(_FACTS)}")
    for key in ("timeout", "api_timeout"):
        if key in out and not 0 < float(out[key]) <= 86400:
            raise InputError(f"{where}: {key} must be between 0 and 86400 seconds")
    if "retries" in out and not 0 <= out["retries"] <= 10:
        raise InputError(f"{where}: retries must be between 0 and 10")
    if "ssh_port" in out and not 0 < out["ssh_port"] < 65536:
        raise InputError(f"{where}: ssh_port must be a TCP port")
    for key in ("env", "env_files"):
        for var, ref in out.get(key, {}).items():
            if var not in CREDENTIAL_VARIABLES:
                raise InputError(
                    f"{where}: {key} sets {var!r}; only {', '.join(CREDENTIAL_VARIABLES)} can be set"
                )
            if not isinstance(ref, str) or not ref:
                raise InputError(f"{where}: {key}.{var} must name a variable or a file")
    return out


def _resolve_paths(settings: dict[str, Any], base: Path) -> dict[str, Any]:
    for key in _PATH_KEYS:
        if key in settings:
            settings[key] = str((base / settings[key]).resolve())
    if "env_files" in settings:
        settings["env_files"] = {
            k: str((base / v).resolve()) for k, v in settings["env_files"].items()
        }
    return settings


def _validate_uri(where: str, uri: str) -> None:
    if not uri or any(c in uri for c in "\n\r\x00") or uri.startswith("-"):
        raise InputError(f"{where}: uri {uri!r} is not a URI")
    try:
        parts = urlsplit(uri)
    except ValueError as exc:
        raise InputError(f"{where}: uri {uri!r}: {exc}") from None
    if not parts.scheme:
        raise InputError(f"{where}: uri {uri!r} has no scheme (e.g. qemu+ssh://root@hv1/system)")
    if parts.password is not None:
        raise InputError(
            f"{where}: uri {redact_uri(uri)!r} carries a password; credentials come from the "
            "environment or a file the inventory names, never inline"
        )


def load_inventory(path: Path) -> Inventory:
    """Read hvaudit's TOML inventory; an Ansible inventory goes through `load_ansible_inventory`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such inventory file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the inventory: {exc}") from None
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise InputError(f"{path}: not a valid TOML inventory: {exc}") from None
    unknown = set(data) - {"defaults", "group", "target"}
    if unknown:
        raise InputError(f"{path}: unknown table(s) {', '.join(sorted(unknown))}")
    base = path.resolve().parent
    if not isinstance(data.get("defaults", {}), dict):
        raise InputError(f"{path}: [defaults] must be a table")
    defaults = _resolve_paths(
        _check_settings(f"{path}: [defaults]", data.get("defaults", {}), set(_SETTINGS)), base
    )
    groups: dict[str, dict[str, Any]] = {}
    for i, g in enumerate(_tables(path, data, "group")):
        where = f"{path}:{_line_of(text, 'group', i)}: group #{i + 1}"
        settings = _resolve_paths(_check_settings(where, g, _GROUP_KEYS), base)
        name = settings.pop("name", None)
        if not isinstance(name, str) or not _NAME.match(name):
            raise InputError(f"{where}: a group needs a name of letters, digits, '.', '_', '-'")
        if name in groups:
            raise InputError(f"{where}: group {name!r} is defined twice")
        groups[name] = settings
    targets: list[Target] = []
    seen: set[str] = set()
    for i, t in enumerate(_tables(path, data, "target")):
        where = f"{path}:{_line_of(text, 'target', i)}: target #{i + 1}"
        name = t.get("name")
        if not isinstance(name, str) or not _NAME.match(name):
            raise InputError(f"{where}: a target needs a name of letters, digits, '.', '_', '-'")
        where = f"{path}:{_line_of(text, 'target', i)}: target {name!r}"
        settings = _resolve_paths(_check_settings(where, t, _TARGET_KEYS), base)
        settings.pop("name")
        if name in seen:
            raise InputError(f"{where}: target name {name!r} is used twice")
        seen.add(name)
        uri = settings.pop("uri", None)
        bundle = settings.pop("bundle", None)
        if (uri is None) == (bundle is None):
            raise InputError(f"{where}: a target needs either a uri or a bundle")
        if bundle is not None:
            if not isinstance(bundle, str) or not bundle:
                raise InputError(f"{where}: bundle must be a path")
            uri = "bundle:" + str((base / bundle).resolve())
        else:
            if not isinstance(uri, str):
                raise InputError(f"{where}: uri must be a string")
            _validate_uri(where, uri)
        group = settings.pop("group", "ungrouped")
        if group != "ungrouped" and group not in groups:
            raise InputError(f"{where}: group {group!r} is not defined by a [[group]] table")
        merged = {**defaults, **groups.get(group, {}), **settings}
        merged.setdefault("zone", group if group != "ungrouped" else "default")
        targets.append(_target(name, uri, group, merged))
    if not targets:
        raise InputError(f"{path}: the inventory lists no [[target]]")
    return Inventory(str(path), tuple(targets))


def _tables(path: Path, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise InputError(f"{path}: {key} must be written as [[{key}]] tables")
    return value


def _target(name: str, uri: str, group: str, settings: dict[str, Any]) -> Target:
    t = Target(name=name, uri=uri, group=group)
    conv: dict[str, Any] = {}
    for key, value in settings.items():
        conv[key] = float(value) if key in ("timeout", "api_timeout") else value
    return replace(t, **conv)


# Ansible


def load_ansible_inventory(source: str, *, binary: str = "ansible-inventory") -> Inventory:
    """Read any Ansible inventory source through `ansible-inventory -i SOURCE --list`."""
    # On PATH, or beside the Python running hvaudit (a virtualenv or pipx install of both).
    exe = shutil.which(binary) or shutil.which(binary, path=str(Path(sys.executable).parent))
    if exe is None:
        raise UsageError(
            f"{binary} not found: install Ansible (pip install ansible-core) to read Ansible "
            "inventories"
        )
    try:
        proc = subprocess.run(
            [exe, "-i", source, "--list"],
            capture_output=True,
            timeout=ANSIBLE_INVENTORY_TIMEOUT,
            check=False,
            env={
                "ANSIBLE_INVENTORY_UNPARSED_FAILED": "True",
                "ANSIBLE_NOCOLOR": "1",
                **_path_env(),
            },
        )
    except subprocess.TimeoutExpired:
        raise InputError(
            f"{source}: ansible-inventory did not answer within {ANSIBLE_INVENTORY_TIMEOUT:.0f} s"
        ) from None
    if proc.returncode != 0:
        lines = [ln for ln in proc.stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
        why = lines[-1] if lines else f"exit {proc.returncode}"
        raise InputError(f"{source}: ansible-inventory failed: {why.strip()[:300]}")
    try:
        data = json.loads(proc.stdout)
    except (ValueError, RecursionError):
        raise InputError(f"{source}: ansible-inventory printed no JSON") from None
    return ansible_to_inventory(source, data)


def _path_env() -> dict[str, str]:
    import os

    keep = ("PATH", "HOME", "LANG", "LC_ALL", "ANSIBLE_CONFIG", "VIRTUAL_ENV", "PYTHONPATH")
    return {k: os.environ[k] for k in keep if k in os.environ}


def _host_groups(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """host -> the groups that list it directly (not `all`, not `ungrouped`), sorted."""
    out: dict[str, list[str]] = {}
    for gname, gdata in data.items():
        if gname in ("_meta", "all") or not isinstance(gdata, dict):
            continue
        for host in gdata.get("hosts", []) or []:
            if isinstance(host, str):
                out.setdefault(host, [])
                if gname != "ungrouped":
                    out[host].append(gname)
    return {h: sorted(gs) for h, gs in out.items()}


_ANSIBLE_SETTINGS = {f"hvaudit_{k}": k for k in _SETTINGS}


def ansible_to_inventory(source: str, data: Any) -> Inventory:
    """Map `ansible-inventory --list` JSON to targets."""
    if not isinstance(data, dict):
        raise InputError(f"{source}: ansible-inventory JSON is not an object")
    meta = data.get("_meta", {})
    hostvars = meta.get("hostvars", {}) if isinstance(meta, dict) else {}
    if not isinstance(hostvars, dict):
        raise InputError(f"{source}: ansible-inventory JSON has no _meta.hostvars object")
    groups = _host_groups(data)
    names = sorted(set(groups) | set(hostvars))
    targets = []
    for name in names:
        hv = hostvars.get(name, {})
        if not isinstance(hv, dict):
            raise InputError(f"{source}: host {name!r}: hostvars are not a mapping")
        where = f"{source}: host {name!r}"
        if not _NAME.match(name):
            raise InputError(f"{where}: not a usable target name")
        uri = hv.get("hvaudit_uri")
        if uri is None:
            user = hv.get("ansible_user", "root")
            host = hv.get("ansible_host", name)
            port = hv.get("ansible_port")
            if not isinstance(user, str) or not isinstance(host, str):
                raise InputError(f"{where}: ansible_user and ansible_host must be strings")
            uri = f"qemu+ssh://{user}@{host}{f':{port}' if port else ''}/system"
        if not isinstance(uri, str):
            raise InputError(f"{where}: hvaudit_uri must be a string")
        _validate_uri(where, uri)
        settings = {v: hv[k] for k, v in _ANSIBLE_SETTINGS.items() if k in hv}
        settings = _check_settings(where, settings, set(_SETTINGS))
        group = groups.get(name, ["ungrouped"])[0] if groups.get(name) else "ungrouped"
        settings.setdefault("zone", group if group != "ungrouped" else "default")
        targets.append(_target(name, uri, group, settings))
    if not targets:
        raise InputError(f"{source}: the Ansible inventory has no hosts")
    return Inventory(source, tuple(targets))
