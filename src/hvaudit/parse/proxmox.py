"""Strict parsers for Proxmox VE's configuration formats (none exists on PyPI).

Formats, as Proxmox documents and writes them:

- `qemu-server/<vmid>.conf`: `key: value` lines; leading `#` lines are the description; sections
  `[PENDING]`, `[special:cloudinit]` and `[<snapshot>]` follow the current configuration. Values
  are often property strings: `virtio=BC:24:11:2D:AD:8E,bridge=vmbr0,firewall=1,tag=10`.
- `user.cfg`: colon-separated lines `user:`, `group:`, `token:`, `role:`, `acl:`, `pool:`.
- firewall `*.fw`: sections `[OPTIONS]` (`key: value`), `[RULES]`, `[ALIASES]`, `[IPSET name]`,
  `[group name]`; a rule line starting with `|` is disabled.
- `datacenter.cfg`: `key: value`.
- `storage.cfg`: `type: id` followed by indented `key value` lines.
- `corosync.conf`: nested `name { key: value }` blocks.
- `/etc/network/interfaces`: `auto`/`iface` stanzas with indented options.
- `/etc/default/pveproxy`: shell assignments (`ALLOW_FROM="10.0.0.0/8"`).

Nothing is dropped silently: a qemu-server key this parser does not know is kept and listed in
`unknown`; a line that fits no form of its file raises InputError naming the file and line.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from hvaudit.errors import InputError

__all__ = [
    "FirewallFile",
    "NetworkInterfaces",
    "QemuConfig",
    "UserConfig",
    "parse_corosync",
    "parse_datacenter",
    "parse_firewall",
    "parse_interfaces",
    "parse_property_string",
    "parse_pveproxy_defaults",
    "parse_qemu_config",
    "parse_storage",
    "parse_user_config",
]

# qemu-server keys (qm.adoc / qemu-server PVE::QemuServer), indexed ones as patterns.
_QEMU_KEYS = {
    "acpi",
    "affinity",
    "agent",
    "amd-sev",
    "arch",
    "args",
    "autostart",
    "balloon",
    "bios",
    "boot",
    "bootdisk",
    "cdrom",
    "cicustom",
    "cipassword",
    "citype",
    "ciupgrade",
    "ciuser",
    "cores",
    "cpu",
    "cpulimit",
    "cpuunits",
    "description",
    "efidisk0",
    "freeze",
    "hookscript",
    "hotplug",
    "hugepages",
    "ivshmem",
    "keephugepages",
    "keyboard",
    "kvm",
    "localtime",
    "lock",
    "machine",
    "memory",
    "meta",
    "migrate_downtime",
    "migrate_speed",
    "name",
    "nameserver",
    "numa",
    "onboot",
    "ostype",
    "protection",
    "reboot",
    "rng0",
    "scsihw",
    "searchdomain",
    "shares",
    "smbios1",
    "smp",
    "sockets",
    "spice_enhancements",
    "sshkeys",
    "startdate",
    "startup",
    "tablet",
    "tags",
    "tdf",
    "template",
    "tpmstate0",
    "vcpus",
    "vga",
    "vmgenid",
    "vmstatestorage",
    "watchdog",
    # snapshot sections
    "parent",
    "snaptime",
    "vmstate",
    "runningmachine",
    "runningcpu",
    "snapstate",
    # pending section
    "delete",
    "revert",
}
_QEMU_INDEXED = re.compile(
    r"^(audio|hostpci|ide|ipconfig|net|numa|parallel|sata|scsi|serial|unused|usb|virtio|virtiofs)\d+$"
)
_KEY_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9_\-]*):\s?(.*)$")


def parse_property_string(value: str, default_key: str | None = None) -> dict[str, str]:
    """`virtio=BC:24:..,bridge=vmbr0,tag=10` -> {'virtio': 'BC:24:..', 'bridge': 'vmbr0', 'tag': '10'}.

    An item without `=` is the value of `default_key` (e.g. the volume of `scsi0: local:vm-1-disk-0`).
    """
    out: dict[str, str] = {}
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        key, sep, val = item.partition("=")
        if sep:
            out[key.strip()] = val.strip()
        elif default_key is not None and default_key not in out:
            out[default_key] = item
        else:
            out[item] = ""
    return out


@dataclass(slots=True)
class QemuConfig:
    """One VM's configuration: current values, pending changes, snapshots, unknown keys."""

    vmid: str
    values: dict[str, str]
    lines: dict[str, int]
    description: str = ""
    pending: dict[str, str] = field(default_factory=dict)
    snapshots: dict[str, dict[str, str]] = field(default_factory=dict)
    unknown: list[tuple[str, int]] = field(default_factory=list)
    """(key, line) of keys this parser does not know: kept in `values`, reported here."""


def parse_qemu_config(text: str, name: str) -> QemuConfig:
    """Parse a qemu-server VM configuration file."""
    vmid = name.rsplit("/", 1)[-1].removesuffix(".conf")
    cfg = QemuConfig(vmid, {}, {})
    section: dict[str, str] = cfg.values
    description: list[str] = []
    in_main = True
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if not line.strip():
            continue
        if line.startswith("#"):
            if in_main:
                description.append(line[1:])
            continue
        if line.startswith("[") and line.endswith("]"):
            label = line[1:-1].strip()
            if not label:
                raise InputError(f"{name}:{n}: empty section name")
            in_main = False
            section = cfg.pending if label == "PENDING" else cfg.snapshots.setdefault(label, {})
            continue
        m = _KEY_LINE.match(line)
        if not m:
            raise InputError(f"{name}:{n}: expected 'key: value'")
        key, value = m.group(1), m.group(2)
        if key in section:
            raise InputError(f"{name}:{n}: duplicate key {key!r}")
        section[key] = value
        if section is cfg.values:
            cfg.lines[key] = n
        if key not in _QEMU_KEYS and not _QEMU_INDEXED.match(key):
            cfg.unknown.append((key, n))
    cfg.description = "\n".join(description)
    return cfg


@dataclass(slots=True)
class UserConfig:
    """user.cfg: users, groups, tokens, roles, ACLs and pools."""

    users: dict[str, dict[str, str]] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)
    tokens: dict[str, dict[str, str]] = field(default_factory=dict)
    roles: dict[str, list[str]] = field(default_factory=dict)
    acls: list[dict[str, object]] = field(default_factory=list)
    pools: dict[str, dict[str, list[str]]] = field(default_factory=dict)


def _fields(line: str, count: int) -> list[str]:
    parts = [p.strip() for p in line.split(":")]
    return (parts + [""] * count)[:count]


def _list(text: str) -> list[str]:
    return [x for x in re.split(r"[,;\s]+", text) if x]


def parse_user_config(text: str, name: str) -> UserConfig:
    """Parse /etc/pve/user.cfg."""
    cfg = UserConfig()
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        kind = line.split(":", 1)[0]
        if kind == "user":
            _, uid, enable, expire, first, last, email, comment, _keys = _fields(line, 9)
            cfg.users[uid] = {
                "enable": enable or "0",
                "expire": expire or "0",
                "firstname": first,
                "lastname": last,
                "email": email,
                "comment": comment,
                "tfa_keys": "set" if _keys else "",
            }
        elif kind == "group":
            _, gid, users, _comment = _fields(line, 4)
            cfg.groups[gid] = _list(users)
        elif kind == "token":
            _, tid, expire, privsep, comment = _fields(line, 5)
            cfg.tokens[tid] = {
                "expire": expire or "0",
                "privsep": privsep or "0",
                "comment": comment,
            }
        elif kind == "role":
            _, rid, privs = _fields(line, 3)
            cfg.roles[rid] = _list(privs)
        elif kind == "acl":
            _, propagate, path, who, roles = _fields(line, 5)
            if not path.startswith("/"):
                raise InputError(f"{name}:{n}: acl path {path!r} does not start with '/'")
            cfg.acls.append(
                {
                    "propagate": propagate == "1",
                    "path": path,
                    "who": _list(who),
                    "roles": _list(roles),
                    "line": n,
                }
            )
        elif kind == "pool":
            _, pid, _comment, vms, storage = _fields(line, 5)
            cfg.pools[pid] = {"vms": _list(vms), "storage": _list(storage)}
        else:
            raise InputError(f"{name}:{n}: unknown entry type {kind!r}")
    return cfg


@dataclass(slots=True)
class FirewallFile:
    """A cluster, host or VM firewall file."""

    options: dict[str, str] = field(default_factory=dict)
    rules: list[dict[str, object]] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)
    ipsets: dict[str, list[str]] = field(default_factory=dict)
    groups: dict[str, list[dict[str, object]]] = field(default_factory=dict)


def _rule(line: str, n: int) -> dict[str, object]:
    enabled = not line.startswith("|")
    body = line.lstrip("|").strip()
    comment = ""
    if "#" in body:
        body, _, comment = body.partition("#")
    words = body.split()
    if not words:
        return {"enabled": enabled, "direction": "", "action": "", "options": {}, "line": n}
    direction = words[0].upper()
    action = words[1] if len(words) > 1 else ""
    opts: dict[str, str] = {}
    i = 2
    while i < len(words):
        if words[i].startswith("-") and i + 1 < len(words) and not words[i + 1].startswith("-"):
            opts[words[i].lstrip("-")] = words[i + 1]
            i += 2
        else:
            opts[words[i].lstrip("-")] = ""
            i += 1
    return {
        "enabled": enabled,
        "direction": direction,
        "action": action,
        "options": opts,
        "comment": comment.strip(),
        "line": n,
    }


def parse_firewall(text: str, name: str) -> FirewallFile:
    """Parse a Proxmox firewall file (cluster.fw, host.fw, <vmid>.fw)."""
    fw = FirewallFile()
    section = ""
    target: list[dict[str, object]] | list[str] | None = None
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            words = line[1:-1].split()
            kind = words[0].upper() if words else ""
            section = kind
            if kind == "IPSET" and len(words) > 1:
                target = fw.ipsets.setdefault(words[1], [])
            elif kind == "GROUP" and len(words) > 1:
                target = fw.groups.setdefault(words[1], [])
            elif kind in ("OPTIONS", "RULES", "ALIASES"):
                target = None
            else:
                raise InputError(f"{name}:{n}: unknown firewall section [{line[1:-1]}]")
            continue
        if section == "OPTIONS":
            m = _KEY_LINE.match(line)
            if not m:
                raise InputError(f"{name}:{n}: expected 'option: value' in [OPTIONS]")
            fw.options[m.group(1)] = m.group(2).strip()
        elif section == "RULES":
            fw.rules.append(_rule(line, n))
        elif section == "ALIASES":
            parts = line.split()
            if len(parts) < 2:
                raise InputError(f"{name}:{n}: expected 'alias address' in [ALIASES]")
            fw.aliases[parts[0]] = parts[1]
        elif section == "IPSET" and target is not None:
            target.append(line.split("#", 1)[0].strip())  # type: ignore[arg-type]
        elif section == "GROUP" and target is not None:
            target.append(_rule(line, n))  # type: ignore[arg-type]
        else:
            raise InputError(f"{name}:{n}: line outside any firewall section")
    return fw


def parse_datacenter(text: str, name: str) -> dict[str, str]:
    """Parse /etc/pve/datacenter.cfg (`key: value`)."""
    out: dict[str, str] = {}
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _KEY_LINE.match(line)
        if not m:
            raise InputError(f"{name}:{n}: expected 'key: value'")
        out[m.group(1)] = m.group(2).strip()
    return out


def parse_storage(text: str, name: str) -> dict[str, dict[str, str]]:
    """Parse /etc/pve/storage.cfg: storage id -> {'type': ..., option: value}."""
    out: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for n, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if raw[0] in " \t":
            if current is None:
                raise InputError(f"{name}:{n}: option before any storage definition")
            key, _, value = raw.strip().partition(" ")
            current[key] = value.strip()
            continue
        m = re.match(r"^([a-z0-9]+):\s*(\S+)\s*$", raw)
        if not m:
            raise InputError(f"{name}:{n}: expected 'type: storage-id'")
        current = out.setdefault(m.group(2), {"type": m.group(1)})
    return out


def parse_corosync(text: str, name: str) -> dict[str, object]:
    """Parse corosync.conf into nested dicts (repeated blocks such as `node` become lists)."""
    root: dict[str, object] = {}
    stack: list[dict[str, object]] = [root]
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.endswith("{"):
            block: dict[str, object] = {}
            key = line[:-1].strip()
            parent = stack[-1]
            existing = parent.get(key)
            if existing is None:
                parent[key] = block
            elif isinstance(existing, list):
                existing.append(block)
            else:
                parent[key] = [existing, block]
            stack.append(block)
        elif line == "}":
            if len(stack) == 1:
                raise InputError(f"{name}:{n}: unbalanced '}}'")
            stack.pop()
        else:
            key, sep, value = line.partition(":")
            if not sep:
                raise InputError(f"{name}:{n}: expected 'key: value'")
            stack[-1][key.strip()] = value.strip()
    if len(stack) != 1:
        raise InputError(f"{name}: unterminated block")
    return root


@dataclass(slots=True)
class NetworkInterfaces:
    """/etc/network/interfaces: iface name -> options (and which ones are auto)."""

    ifaces: dict[str, dict[str, str]] = field(default_factory=dict)
    auto: set[str] = field(default_factory=set)


def parse_interfaces(text: str, name: str) -> NetworkInterfaces:
    """Parse ifupdown's interfaces file (the stanzas Proxmox writes)."""
    out = NetworkInterfaces()
    current: dict[str, str] | None = None
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        words = line.split()
        if words[0] in ("auto", "allow-hotplug") or words[0].startswith("allow-"):
            out.auto.update(words[1:])
            current = None
        elif words[0] == "iface":
            if len(words) < 2:
                raise InputError(f"{name}:{n}: 'iface' without a name")
            current = out.ifaces.setdefault(words[1], {})
            current["method"] = " ".join(words[2:])
        elif words[0] in ("source", "source-directory"):
            current = None
        elif raw[0] in " \t" and current is not None:
            current[words[0]] = " ".join(words[1:])
        else:
            raise InputError(f"{name}:{n}: expected an iface stanza or option")
    return out


def parse_pveproxy_defaults(text: str, name: str) -> dict[str, str]:
    """Parse /etc/default/pveproxy (shell variable assignments)."""
    out: dict[str, str] = {}
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not re.match(r"^[A-Z_][A-Z0-9_]*$", key):
            raise InputError(f"{name}:{n}: expected NAME=value")
        try:
            words = shlex.split(value, comments=True)
        except ValueError as exc:
            raise InputError(f"{name}:{n}: {exc}") from None
        out[key] = " ".join(words)
    return out
