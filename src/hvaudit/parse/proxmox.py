"""Strict parsers for Proxmox VE's configuration formats (none exists on PyPI).

Formats, as Proxmox documents and writes them:

- `qemu-server/<vmid>.conf`: `key: value` lines; leading `#` lines are the description; sections
  `[PENDING]`, `[special:cloudinit]` and `[<snapshot>]` follow the current configuration. Values
  are often property strings: `virtio=BC:24:11:2D:AD:8E,bridge=vmbr0,firewall=1,tag=10`.
- `user.cfg`: colon-separated lines `user:`, `group:`, `token:`, `role:`, `acl:`, `pool:`.
- firewall `*.fw`: see hvaudit.parse.proxmox_firewall (pve-firewall's own grammar).
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
from collections.abc import Callable
from dataclasses import dataclass, field

from hvaudit.errors import InputError
from hvaudit.parse.proxmox_firewall import FirewallFile, IpsetEntry, parse_firewall

__all__ = [
    "FirewallFile",
    "IpsetEntry",
    "NetworkInterfaces",
    "QemuConfig",
    "UserConfig",
    "parse_corosync",
    "parse_datacenter",
    "parse_firewall",
    "parse_interfaces",
    "parse_lxc_config",
    "parse_property_string",
    "parse_pveproxy_defaults",
    "parse_qemu_config",
    "parse_realms",
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
_KEY_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9_.\-]*):\s?(.*)$")


def pve_boolean(value: str) -> str | None:
    """A Proxmox VE boolean as "1" or "0", None when it is not one. qemu-server's check_type (VM
    options) and pve-common's parse_boolean (keys of property strings) both take `1`, `on`,
    `yes`, `true` and `0`, `off`, `no`, `false`, case-insensitive (PVE/QemuServer.pm check_type:
    `return 1 if ($value eq '1') || ($value =~ m/^(on|yes|true)$/i)`, read with `find_string`)."""
    low = value.strip().lower()
    if low in ("1", "on", "yes", "true"):
        return "1"
    if low in ("0", "off", "no", "false"):
        return "0"
    return None


#: Top-level boolean options of qm.conf(5) and pct.conf(5) (`<boolean>` in the option list).
_BOOLEAN_OPTIONS = frozenset(
    {
        "acpi", "allow-ksm", "autostart", "ciupgrade", "console", "debug", "freeze",
        "keephugepages", "kvm", "localtime", "numa", "onboot", "protection", "reboot", "tablet",
        "tdf", "template", "unprivileged",
    }
)  # fmt: skip

#: Boolean keys of the property strings (net, disks, efidisk, hostpci, agent, amd-sev, machine,
#: cpu; pct's mount points, net and features) in qm.conf(5) and pct.conf(5).
_BOOLEAN_PROPERTIES = frozenset(
    {
        "acl", "allow-smt", "backup", "detect_zeroes", "enable-s3", "enable-s4", "enabled",
        "firewall", "force_rw_sys", "freeze-fs", "fstrim_cloned_disks", "fuse", "hidden",
        "host-tunnel", "iothread", "kernel-hashes", "keyctl", "legacy-igd", "link_down",
        "mknod", "nesting", "no-debug", "no-key-sharing", "pcie", "pre-enrolled-keys", "quota",
        "replicate", "ro", "rombar", "scsiblock", "shared", "snapshot", "ssd", "x-vga",
    }
)  # fmt: skip


def parse_property_string(value: str, default_key: str | None = None) -> dict[str, str]:
    """`virtio=BC:24:..,bridge=vmbr0,tag=10` -> {'virtio': 'BC:24:..', 'bridge': 'vmbr0', 'tag': '10'}.

    An item without `=` is the value of `default_key` (e.g. the volume of `scsi0: local:vm-1-disk-0`).
    A boolean key's value is read as pve-common's parse_boolean reads it (JSONSchema.pm
    parse_property_string: `$v = parse_boolean($v) // $v` for a boolean schema type): `on`,
    `yes`, `true` are "1", `off`, `no`, `false` are "0".
    """
    out: dict[str, str] = {}
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        key, sep, val = item.partition("=")
        if sep:
            key, val = key.strip(), val.strip()
            if key in _BOOLEAN_PROPERTIES:
                val = pve_boolean(val) or val
            out[key] = val
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
    invalid: list[tuple[str, int, str]] = field(default_factory=list)
    """(key, line, value) of boolean options whose value is not a boolean: dropped, as
    qemu-server drops them."""


# pct's container keys (pct.adoc / pve-container PVE::LXC::Config); `lxc.*` are raw LXC keys.
_LXC_KEYS = {
    "arch", "cmode", "console", "cores", "cpulimit", "cpuunits", "debug", "description",
    "entrypoint", "env", "features", "hookscript", "hostname", "lock", "memory", "nameserver",
    "onboot", "ostype", "protection", "rootfs", "searchdomain", "startup", "swap", "tags",
    "template", "timezone", "tty", "unprivileged",
    "parent", "snaptime", "snapstate", "delete", "revert",
}  # fmt: skip
_LXC_INDEXED = re.compile(r"^(dev|mp|net|unused)\d+$")


def parse_lxc_config(text: str, name: str) -> QemuConfig:
    """Parse a pve-container configuration file (/etc/pve/lxc/<vmid>.conf).

    Same line format as qemu-server's; raw `lxc.*` keys may repeat (`lxc.mount.entry`), so a
    repeated raw key keeps every value, one per line, in `values` joined by newlines.
    """
    return _guest_config(text, name, lambda k: k in _LXC_KEYS or bool(_LXC_INDEXED.match(k)))


def parse_qemu_config(text: str, name: str) -> QemuConfig:
    """Parse a qemu-server VM configuration file."""
    return _guest_config(text, name, lambda k: k in _QEMU_KEYS or bool(_QEMU_INDEXED.match(k)))


def _guest_config(text: str, name: str, known: Callable[[str], bool]) -> QemuConfig:
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
        if key in section and key.startswith("lxc."):
            section[key] += "\n" + value
            continue
        if key in section:
            raise InputError(f"{name}:{n}: duplicate key {key!r}")
        if key in _BOOLEAN_OPTIONS:
            # check_type reads on/yes/true and off/no/false too; a value it cannot read is
            # warned about and dropped ("unable to parse value of '$key'"), so the default holds
            flag = pve_boolean(value)
            if flag is None:
                cfg.invalid.append((key, n, value))
                continue
            value = flag
        section[key] = value
        if section is cfg.values:
            cfg.lines[key] = n
        if not known(key) and not key.startswith("lxc."):
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
            # pve-access-control AccessControl.pm parse_user_config: `$propagate = $propagate ?
            # 1 : 0` (Perl: every value but "" and "0" is true) and normalize_path, which
            # collapses repeated slashes and drops a trailing one (`/vms/` is `/vms`)
            cfg.acls.append(
                {
                    "propagate": propagate not in ("", "0"),
                    "path": re.sub(r"/+", "/", path).rstrip("/") or "/",
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


def parse_realms(text: str, name: str) -> dict[str, dict[str, str]]:
    """Parse /etc/pve/domains.cfg (same section format as storage.cfg): realm -> {'type': ...}."""
    return parse_storage(text, name)


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
    """Parse /etc/default/pveproxy (shell variable assignments).

    pveproxy sources the file with bash (pve-http-server PVE::APIServer::Utils read_proxy_config:
    ". $conffile" then echoes each variable), so `export NAME=value` assigns as well; a later
    assignment wins, as in bash. Other shell constructs are refused as input hvaudit does not
    evaluate."""
    out: dict[str, str] = {}
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export") and line[6:7] in (" ", "\t"):
            line = line[6:].strip()
        key, sep, value = line.partition("=")
        if not sep or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", key):
            raise InputError(f"{name}:{n}: expected NAME=value")
        try:
            words = shlex.split(value, comments=True)
        except ValueError as exc:
            raise InputError(f"{name}:{n}: {exc}") from None
        out[key] = " ".join(words)
    return out
