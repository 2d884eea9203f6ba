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

import ipaddress
import json
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hvaudit.errors import InputError
from hvaudit.parse.proxmox_firewall import FirewallFile, IpsetEntry, parse_firewall

__all__ = [
    "SERVICES",
    "FirewallFile",
    "InterfacesInclude",
    "IpsetEntry",
    "NetworkInterfaces",
    "QemuConfig",
    "UserConfig",
    "parse_corosync",
    "parse_datacenter",
    "parse_firewall",
    "parse_interfaces",
    "parse_iptables_services",
    "parse_lxc_config",
    "parse_property_string",
    "parse_pveproxy_defaults",
    "parse_qemu_config",
    "parse_realms",
    "parse_service_protocols",
    "parse_services",
    "parse_storage",
    "parse_tfa_entries",
    "parse_user_config",
    "pmxcfs_config_version",
    "tfa_entries_from_api",
    "tfa_entries_from_file",
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
    r"^(audio|hostpci|ide|ipconfig|net|numa|parallel|sata|scsi|serial|unused|usb|virtio|virtiofs)[0-9]+$"
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


@dataclass(frozen=True, slots=True)
class _Prop:
    """One key of a qemu-server property-string format, as pve-common's JSONSchema checks it."""

    kind: str = "string"  # string, boolean, integer or number
    enum: frozenset[str] | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: re.Pattern[str] | None = None
    max_length: int | None = None
    optional: bool = True
    default_key: bool = False
    alias: str | None = None


_DRIVE_FILE = _Prop(optional=False, default_key=True)
#: pve-qm-image-format (Drive.pm): raw qcow qed qcow2 vmdk cloop, optional.
_IMAGE_FORMAT = _Prop(enum=frozenset({"raw", "qcow", "qed", "qcow2", "vmdk", "cloop"}))

#: The formats of the qm.conf keys whose presence the model takes for a setting in force
#: (github:proxmox/qemu-server e6352be, read with `fetch`): QemuServer.pm $vga_fmt, Machine.pm
#: $machine_fmt, CPUConfig.pm $sev_fmt and $tdx_fmt, Drive.pm $efidisk_fmt (%efitype_fmt) and
#: $tpmstate_fmt (%tpmversion_fmt). A key of no `optional` is required (pve-common JSONSchema.pm
#: check_prop: "property is missing and it is not optional").
_QM_FORMATS: dict[str, dict[str, _Prop]] = {
    "vga": {
        "type": _Prop(
            enum=frozenset(
                {
                    "cirrus",
                    "qxl",
                    "qxl2",
                    "qxl3",
                    "qxl4",
                    "none",
                    "serial0",
                    "serial1",
                    "serial2",
                    "serial3",
                    "std",
                    "virtio",
                    "virtio-gl",
                    "vmware",
                }
            ),
            default_key=True,
        ),
        "memory": _Prop("integer", minimum=4, maximum=512),
        "clipboard": _Prop(enum=frozenset({"vnc"})),
    },
    "machine": {
        "type": _Prop(
            pattern=re.compile(
                r"(pc|pc(-i440fx)?-[0-9]+(\.[0-9]+)+(\+pve[0-9]+)?(\.pxe)?|q35|pc-q35-[0-9]+"
                r"(\.[0-9]+)+(\+pve[0-9]+)?(\.pxe)?|virt(?:-[0-9]+(\.[0-9]+)+)?(\+pve[0-9]+)?)"
            ),
            max_length=40,
            default_key=True,
        ),
        "viommu": _Prop(enum=frozenset({"intel", "virtio"})),
        "aw-bits": _Prop("number", minimum=32, maximum=64),
        "enable-s3": _Prop("boolean"),
        "enable-s4": _Prop("boolean"),
    },
    "amd-sev": {
        "type": _Prop(
            enum=frozenset({"std", "es", "snp"}), max_length=3, optional=False, default_key=True
        ),
        "no-debug": _Prop("boolean"),
        "no-key-sharing": _Prop("boolean"),
        "allow-smt": _Prop("boolean"),
        "kernel-hashes": _Prop("boolean"),
    },
    "intel-tdx": {
        "type": _Prop(enum=frozenset({"tdx"}), optional=False, default_key=True),
        "attestation": _Prop("boolean", optional=False),
        "vsock-cid": _Prop("integer", minimum=2),
        "vsock-port": _Prop("integer", minimum=0),
    },
    "efidisk0": {
        "volume": _Prop(alias="file"),
        "file": _DRIVE_FILE,
        "format": _IMAGE_FORMAT,
        "size": _Prop(),
        "efitype": _Prop(enum=frozenset({"2m", "4m"})),
        "pre-enrolled-keys": _Prop("boolean"),
        "ms-cert": _Prop(enum=frozenset({"2011", "2023", "2023w", "2023k"})),
    },
    "tpmstate0": {
        "volume": _Prop(alias="file"),
        "file": _DRIVE_FILE,
        "format": _Prop(),
        "size": _Prop(),
        "version": _Prop(enum=frozenset({"v1.2", "v2.0"})),
    },
    # RNG.pm $rng_fmt (P21-4): `source` has no `optional`, so it is required
    "rng0": {
        "source": _Prop(
            enum=frozenset({"/dev/urandom", "/dev/random", "/dev/hwrng"}),
            optional=False,
            default_key=True,
        ),
        "max_bytes": _Prop("integer"),
        "period": _Prop("integer"),
    },
    # CPUConfig.pm $cpu_fmt (format pve-vm-cpu-conf); `reported-model` has an enum of the node's
    # models, but validate_vm_cpu_conf refuses it in a VM's file whatever its value (_vm_cpu_error)
    "cpu": {
        "cputype": _Prop(default_key=True),
        "reported-model": _Prop(),
        "hidden": _Prop("boolean"),
        "hv-vendor-id": _Prop(pattern=re.compile(r"[a-zA-Z0-9]{1,12}")),
        "flags": _Prop(pattern=re.compile(r"[+-][a-zA-Z0-9\-_.]+(;[+-][a-zA-Z0-9\-_.]+)*")),
        "guest-phys-bits": _Prop("integer", minimum=32, maximum=64),
        # format pve-phys-bits (parse_phys_bits): `m/^(host|\d{1,2})$/`, a number 8 to 64
        "phys-bits": _Prop(pattern=re.compile(r"host|[0-9]{1,2}"), minimum=8, maximum=64),
        "level": _Prop("integer", minimum=0, maximum=4294967295),
    },
}

#: qemu-server PCI.pm $hostpci_fmt (format pve-qm-hostpci, e6352be): hostpci0 to hostpci15
#: ($MAX_HOSTPCI_DEVICES 16; a higher index is no setting of $confdesc: "unknown setting").
_PCI_ID = r"(?:[a-f0-9]{4,}:)?[a-f0-9]{2}:[a-f0-9]{2}(?:\.[a-f0-9])?"
_PCI_HEX_ID = _Prop(pattern=re.compile(r"0x[0-9a-fA-F]{4}"))
_HOSTPCI_FORMAT = {
    "host": _Prop(default_key=True, pattern=re.compile(rf"{_PCI_ID}(;{_PCI_ID})*")),
    "mapping": _Prop(pattern=re.compile(r"[a-z][a-z0-9_-]+", re.I)),
    "rombar": _Prop("boolean"),
    "romfile": _Prop(pattern=re.compile(r"[^,;]+")),
    "pcie": _Prop("boolean"),
    "x-vga": _Prop("boolean"),
    "legacy-igd": _Prop("boolean"),
    "mdev": _Prop(pattern=re.compile(r"[^/.:]+")),
    "vendor-id": _PCI_HEX_ID,
    "device-id": _PCI_HEX_ID,
    "sub-vendor-id": _PCI_HEX_ID,
    "sub-device-id": _PCI_HEX_ID,
    "driver": _Prop(enum=frozenset({"vfio", "keep"})),
}
_QM_FORMATS.update({f"hostpci{i}": _HOSTPCI_FORMAT for i in range(16)})

#: The indexed device keys qemu-server's $confdesc holds (QemuServer.pm e6352be: $MAX_NETS 32,
#: $MAX_SERIAL_PORTS 4, $MAX_PARALLEL_PORTS 3, USB.pm $MAX_USB_DEVICES 14, PCI.pm
#: $MAX_HOSTPCI_DEVICES 16): parse_vm_config's check_type dies "unknown setting '$key'" on any
#: other (`net32`, `serial4`, `usb14`, `net01`), so the VM gets no such device (P21D-4).
_QM_INDEXED = {
    prefix: frozenset(f"{prefix}{i}" for i in range(count))
    for prefix, count in (("hostpci", 16), ("net", 32), ("usb", 14), ("serial", 4), ("parallel", 3))
}

#: The CPU flags a VM's own `cpu` may set (CPUFlags.pm $supported_vm_specific_cpu_flags_by_arch,
#: e6352be; "VM-specific flags must be from the following set for security reasons"): `+vmx` or
#: `+svm` is no VM flag, only `nested-virt` is (since qemu-server 9e319737, 2025-11-14).
_VM_CPU_FLAGS = frozenset(
    {
        "nested-virt", "md-clear", "pcid", "spec-ctrl", "ssbd", "ibpb", "virt-ssbd", "amd-ssbd",
        "amd-no-ssb", "pdpe1gb", "hv-tlbflush", "hv-evmcs", "aes",
    }
)  # fmt: skip


def _vm_cpu_error(data: str) -> str | None:
    """What qemu-server's validate_vm_cpu_conf (CPUConfig.pm e6352be, the validator of format
    pve-vm-cpu-conf, run by parse_property_string after the format's own checks) refuses in a
    taken `cpu` value: no cputype (validate_cpu_conf: "CPU is missing cputype", Perl-false ""
    or "0"), a flag outside the VM-specific set (`m/^$cpu_flag_supported_re(;...)*$/`), or any
    `reported-model` ("not allowed in VM-specific CPU config"). A cputype the node's QEMU model
    list (/usr/share/kvm/cpu-models-x86_64.json) lacks is refused too ("Built-in cputype ... is
    not defined"); that list is not in the evidence, so the model is judged by its name."""
    cpu = parse_property_string(data, "cputype")
    if cpu.get("cputype", "") in ("", "0"):
        return "CPU is missing cputype"
    flags = cpu.get("flags", "")
    if flags and any(f[1:] not in _VM_CPU_FLAGS for f in flags.split(";")):
        return "VM-specific CPU flags must be a subset of: " + ", ".join(sorted(_VM_CPU_FLAGS))
    if "reported-model" in cpu:
        return "Property 'reported-model' not allowed in VM-specific CPU config."
    return None


#: Validators a format carries beside its keys (pve-common register_format's third argument).
_QM_VALIDATORS = {"cpu": _vm_cpu_error}

_PERL_NUMBER = re.compile(r"[+-]?([0-9]+\.[0-9]+|[0-9]+\.|\.[0-9]+|[0-9]+)([eE][+-]?[0-9]+)?")


def _perl_boolean(value: str) -> str | None:
    """pve-common parse_boolean: `m/^(1|on|yes|true)$/i` and `m/^(0|off|no|false)$/i`, the value
    as written (no blanks trimmed)."""
    low = value.encode().lower()  # Perl's /i on bytes folds ASCII letters only
    if low in (b"1", b"on", b"yes", b"true"):
        return "1"
    return "0" if low in (b"0", b"off", b"no", b"false") else None


def property_string_error(data: str, fmt: dict[str, _Prop]) -> str | None:
    """Why pve-common's parse_property_string (JSONSchema.pm, github:proxmox/pve-common f665029,
    read with `fetch`) refuses `data` in `fmt`, or None when it takes it. Parts split at `,`, a
    blank part skipped; `key=value` (`m/^([^=]+)=(.+)$/`: the key is not trimmed, so ` no-debug`
    is no key of the format) or a value of the default key; a key given twice, directly or
    through its alias, a second value without a key, or a key the format lacks is refused; then
    check_object: a required key missing, a boolean other than parse_boolean's words, an
    integer or number not of its form or out of its range, a string outside its enum, longer
    than its maxLength or not matching its pattern (anchored, case-sensitive)."""
    res: dict[str, str] = {}
    default_key = None
    for part in data.split(","):
        if re.fullmatch(r"\s*", part, re.A):
            continue
        if (m := re.fullmatch(r"([^=]+)=(.+)", part)) is not None:
            key, value = m.group(1), m.group(2)
            if key in res:
                return f"duplicate key in comma-separated list property: {key}"
            prop = fmt.get(key)
            if prop is not None and prop.alias is not None:
                key = prop.alias
                if key in res:
                    return f"key '{key}' is already defined (via alias)"
                prop = fmt[key]
            if prop is None:
                return f"invalid key in comma-separated list property: {key}"
            res[key] = (_perl_boolean(value) or value) if prop.kind == "boolean" else value
        elif "=" not in part:
            if default_key is not None:
                return f"duplicate key in comma-separated list property: {default_key}"
            default_key = next((k for k, p in fmt.items() if p.default_key), None)
            if default_key is None:
                return "value without key, but schema does not define a default key"
            if res.get(default_key, "") not in ("", "0"):  # Perl's truth: `if (!$res->{...})`
                return f"duplicate key in comma-separated list property: {default_key}"
            res[default_key] = part
        else:
            return "missing key in comma-separated list property"
    for key, prop in fmt.items():
        if prop.alias is not None:
            continue
        value = res.get(key)
        if value is None:
            if not prop.optional:
                return f"{key}: property is missing and it is not optional"
            continue
        if prop.kind == "boolean" and value not in ("0", "1"):
            return f"{key}: type check ('boolean') failed - got '{value}'"
        if prop.kind == "integer" and not re.fullmatch(r"[+-]?[0-9]+", value):
            return f"{key}: type check ('integer') failed - got '{value}'"
        if prop.kind == "number" and not _PERL_NUMBER.fullmatch(value):
            return f"{key}: type check ('number') failed - got '{value}'"
        if prop.pattern is not None and not prop.pattern.fullmatch(value):
            return f"{key}: value does not match the regex pattern"
        if prop.max_length is not None and len(value.encode()) > prop.max_length:
            return f"{key}: value may only be {prop.max_length} characters long"
        if _PERL_NUMBER.fullmatch(value) and (
            (prop.maximum is not None and float(value) > prop.maximum)
            or (prop.minimum is not None and float(value) < prop.minimum)
        ):
            return f"{key}: value must be within its range"
        if prop.enum is not None and value not in prop.enum:
            return f"{key}: value '{value}' does not have a value in the enumeration"
    return None


def pve_cpuset(text: str) -> frozenset[int] | None:
    r"""A pve-cpuset value (qm.conf `affinity`) as pve-common's PVE::CpuSet parse_cpuset reads it
    (github:proxmox/pve-common f665029 src/PVE/CpuSet.pm, read with `fetch`): `split(/,/, ...)`
    (Perl drops trailing empty fields), each part `m/^\s*(\d+)(?:-(\d+))?\s*$/` (ASCII digits:
    the file's bytes), a range whose end is below its start dies ("invalid range"). None where it
    dies: qemu-server's pve_verify_cpuset then refuses the value ("unable to parse cpuset
    option"). No `^` exclusion, sign, `_` or other digits, unlike libvirt's cpuset syntax."""
    parts = text.split(",")
    while parts and parts[-1] == "":
        parts.pop()
    cpus: set[int] = set()
    for part in parts:
        m = re.fullmatch(r"[ \t\n\r\f\v]*([0-9]+)(?:-([0-9]+))?[ \t\n\r\f\v]*", part)
        if m is None:
            return None
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
        if last < first:
            return None
        if last - first > 65536:
            return None  # a range no node has: read as unknown rather than built
        cpus.update(range(first, last + 1))
    return frozenset(cpus)


def _qm_scalar_error(key: str, value: str) -> str | None:
    r"""Why qemu-server's check_type refuses a qm.conf value of an integer, number or pve-cpuset
    key (QemuServer.pm e6352be: `integer` `m/^(\d+)$/`, `number` `m/^(\d+)(\.\d+)?$/`, a
    string of format pve-cpuset through pve_verify_cpuset), or None when it takes it."""
    kind = _QM_SCALARS[key]
    if kind == "integer" and not re.fullmatch(r"[0-9]+", value):
        return f"type check ('integer') failed - got '{value}'"
    if kind == "number" and not re.fullmatch(r"[0-9]+(\.[0-9]+)?", value):
        return f"type check ('number') failed - got '{value}'"
    if kind == "pve-cpuset" and pve_cpuset(value) is None:
        return "unable to parse cpuset option"
    return None


#: qm.conf keys check_type reads as numbers, and `affinity` (format pve-cpuset): QemuServer.pm
#: $confdesc (e6352be, read with `fetch`) types cpulimit and migrate_downtime `number`; cpuunits,
#: balloon, shares, smp, sockets, cores, vcpus, migrate_speed and snaptime `integer`. check_type
#: checks no minimum or maximum, and returns an integer as `int($1)` ("0010" is 10).
_QM_INTEGERS = "cpuunits balloon shares smp sockets cores vcpus migrate_speed snaptime"
_QM_SCALARS = {
    "cpulimit": "number",
    "migrate_downtime": "number",
    **dict.fromkeys(_QM_INTEGERS.split(), "integer"),
    "affinity": "pve-cpuset",
}


#: qm.conf keys of type string without a format (QemuServer.pm $confdesc, `pve-qm-cpu-arch`):
#: check_type unquotes them (`$value =~ s/^\"(.*)\"$/$1/`) and checks no enum.
_QM_PLAIN_STRINGS = frozenset({"arch", "bios", "hugepages", "ostype", "scsihw"})


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
    skipped: list[tuple[int, str]] = field(default_factory=list)
    """(line, why) of the lines qemu-server warns about: skipped, or a key given again."""
    refused: list[tuple[str, int, str, str]] = field(default_factory=list)
    """(key, line, value, why) of property strings qemu-server's schema refuses: dropped, as
    parse_vm_config drops them ("unable to parse value of '$key'"), so the key's default
    applies."""


# pct's container keys (pct.adoc / pve-container PVE::LXC::Config); `lxc.*` are raw LXC keys.
_LXC_KEYS = {
    "arch", "cmode", "console", "cores", "cpulimit", "cpuunits", "debug", "description",
    "entrypoint", "env", "features", "hookscript", "hostname", "lock", "memory", "nameserver",
    "onboot", "ostype", "protection", "rootfs", "searchdomain", "startup", "swap", "tags",
    "template", "timezone", "tty", "unprivileged",
    "parent", "snaptime", "snapstate", "delete", "revert",
}  # fmt: skip
_LXC_INDEXED = re.compile(r"^(dev|mp|net|unused)[0-9]+$")


def parse_lxc_config(text: str, name: str) -> QemuConfig:
    r"""Parse a pve-container configuration file (/etc/pve/lxc/<vmid>.conf) as pve-container's
    parse_pct_config reads it (PVE/LXC/Config.pm, github:proxmox/pve-container; Perl on bytes).

    Lines end at \n only; a section is `[pve:pending]` (any case) or a snapshot
    `m/^\[([a-z][a-z0-9_\-]+)\]\s*$/i`, each replacing one read before; it has no other
    section form, so any other `[...]` line is "unable to parse config", skipped without leaving
    the section it is in; a raw key `lxc.KEY: VALUE` or `lxc.KEY = VALUE` may repeat
    (`lxc.mount.entry`: every value kept, joined by newlines); a key `m/^([a-z][a-z_]*\d*):\s*
    (.+?)\s*$/` keeps its later value; a line ending `snapstate: prepare|delete` is only that."""
    vmid = name.rsplit("/", 1)[-1].removesuffix(".conf")
    cfg = QemuConfig(vmid, {}, {})
    section: dict[str, str] = cfg.values
    description: list[str] = []
    for n, line in enumerate(text.split("\n"), 1):
        if re.fullmatch(r"\s*", line, re.A):
            continue
        if _PCT_PENDING.fullmatch(line):
            section = cfg.pending = {}
            continue
        if (m := _QM_SNAPSHOT.fullmatch(line)) is not None:
            section = cfg.snapshots[m.group(1)] = {}
            continue
        if line.startswith("#"):
            if section is cfg.values:
                description.append(line[1:])
            continue
        if (m := _LXC_RAW.match(line)) is not None:
            key, value = m.group(1), m.group(2)
            if key == "lxc.environment.runtime":
                # parse_pct_config files it as the `env` option (NUL-joined), which
                # update_lxc_config writes back as `lxc.environment.runtime` lines: Proxmox's own
                # setting, no raw key (pve-container 94f5585; P21C-2)
                prev = section.get("env")
                section["env"] = value if prev is None else f"{prev}\0{value}"
                continue
            if (why := lxc_key_refused(key)) is not None:
                cfg.skipped.append((n, f"{key}: {why}; the line is not applied"))
                continue
            section[key] = f"{section[key]}\n{value}" if key in section else value
            continue
        if line.startswith("description:") or _QM_SNAPSTATE.search(line):
            continue
        m = _PCT_KEY.fullmatch(line)
        if not m:
            cfg.skipped.append((n, "unable to parse config"))
            continue
        key, value = m.group(1), m.group(2)
        if key == "delete" and section is not cfg.pending:
            cfg.skipped.append((n, "property 'delete' is only allowed in [pve:pending]"))
            continue
        if key in _BOOLEAN_OPTIONS:
            # unlike qemu-server, parse_pct_config assigns a value check_type refuses anyway
            # (`eval { $value = ...->check_type($key, $value) }; $handle_error->(...) if $@;
            # $conf->{$key} = $value;`, a warning only), and pve-container tests it with Perl's
            # truth (`$conf->{unprivileged} || $custom_idmap`): any text but "0" is true, and
            # "0" is a boolean check_type reads (P14-8)
            flag = pve_boolean(value)
            if flag is None:
                cfg.invalid.append((key, n, value))
                flag = "1"
            value = flag
        if key in section:
            cfg.skipped.append((n, f"{key} given again: pve-container keeps this later value"))
        section[key] = value
        if section is cfg.values:
            cfg.lines[key] = n
        if not (key in _LXC_KEYS or _LXC_INDEXED.match(key)):
            cfg.unknown.append((key, n))
    cfg.description = "\n".join(description)
    return cfg


#: qemu-server parse_vm_config's line forms (PVE/QemuServer.pm; Perl on the file's bytes, so
#: ASCII classes): `m/^\[PENDING\]\s*$/i`, `m/^\[special:(cloudinit|fleecing)\]\s*$/i`, a
#: snapshot `m/^\[([a-z][a-z0-9_\-]+)\]\s*$/i`, any other `m/^\[([^\]]*)\]\s*$/` an unknown
#: section whose lines are skipped, and `m/^([a-z][a-z_\-]*\d*):\s*(.+?)\s*$/` a key.
_QM_PENDING = re.compile(r"\[PENDING\]\s*", re.I | re.A)
_QM_SPECIAL = re.compile(r"\[special:(?:cloudinit|fleecing)\]\s*", re.I | re.A)
_QM_SNAPSHOT = re.compile(r"\[([a-z][a-z0-9_\-]+)\]\s*", re.I | re.A)
_QM_SECTION = re.compile(r"\[([^\]]*)\]\s*", re.A)
_QM_KEY = re.compile(r"([a-z][a-z_\-]*\d*):\s*(.+?)\s*", re.A)
_QM_SNAPSTATE = re.compile(r"snapstate:\s*(?:prepare|delete)\s*$", re.A)
#: pve-container parse_pct_config: `m/^\[pve:pending\]\s*$/i` and `m/^([a-z][a-z_]*\d*):\s*(.+?)\s*$/`.
_PCT_PENDING = re.compile(r"\[pve:pending\]\s*", re.I | re.A)
_PCT_KEY = re.compile(r"([a-z][a-z_]*\d*):\s*(.+?)\s*", re.A)


def parse_qemu_config(text: str, name: str) -> QemuConfig:
    """Parse a qemu-server VM configuration file as qemu-server's parse_vm_config reads it.

    Lines end at \\n only (`split(/\\n/, $raw)`: a form feed or U+2028 inside a line is part of
    it); a line of none of its forms (_QM_*) is warned about and skipped ("unable to parse
    config") without leaving the section it is in, so `[snap]x]` or an indented `[PENDING]` opens
    nothing; a key given twice keeps the later value (`$conf->{$key} = $value`, a boolean value
    check_type refuses excepted); `cdrom` is `ide2` (`$key = 'ide2' if $key eq 'cdrom'`); a
    repeated section replaces the earlier one ("duplicate section", then `= {}`); a line
    ending `snapstate: prepare|delete` is only that (its unanchored match comes first)."""
    vmid = name.rsplit("/", 1)[-1].removesuffix(".conf")
    cfg = QemuConfig(vmid, {}, {})
    section: dict[str, str] | None = cfg.values
    cloudinit = False  # `[special:cloudinit]` keys skip check_type ("informative purpose")
    description: list[str] = []
    for n, line in enumerate(text.split("\n"), 1):
        if re.fullmatch(r"\s*", line, re.A):
            continue
        if _QM_PENDING.fullmatch(line):
            cloudinit = False
            section = cfg.pending = {}
            continue
        if (m := _QM_SPECIAL.fullmatch(line) or _QM_SNAPSHOT.fullmatch(line)) is not None:
            name = line.strip()[1:-1] if m.re is _QM_SPECIAL else m.group(1)
            cloudinit = name.lower() == "special:cloudinit"
            section = cfg.snapshots[name] = {}
            continue
        if _QM_SECTION.fullmatch(line):
            section = None  # "skipping unknown section": its lines are read into nothing
            continue
        if section is None:
            continue
        if line.startswith("#"):
            if section is cfg.values:
                description.append(line[1:])
            continue
        if line.startswith("description:") or _QM_SNAPSTATE.search(line):
            continue
        m = _QM_KEY.fullmatch(line)
        if not m:
            cfg.skipped.append((n, "unable to parse config"))
            continue
        key, value = m.group(1), m.group(2)
        if key == "delete" and section is not cfg.pending:
            cfg.skipped.append((n, "property 'delete' is only allowed in [PENDING]"))
            continue
        if key in _BOOLEAN_OPTIONS:
            # check_type reads on/yes/true and off/no/false too; a value it cannot read is
            # warned about and dropped ("unable to parse value of '$key'"): what was read holds
            flag = pve_boolean(value)
            if flag is None:
                cfg.invalid.append((key, n, value))
                continue
            value = flag
        elif key in _QM_PLAIN_STRINGS and not cloudinit:
            value = re.sub(r'^"(.*)"$', r"\1", value)  # check_type unquotes a plain string
        elif (
            (m := re.fullmatch(r"(hostpci|net|usb|serial|parallel)[0-9]+", key))
            and key not in _QM_INDEXED[m.group(1)]
            and not cloudinit
        ):
            last = len(_QM_INDEXED[m.group(1)]) - 1
            cfg.refused.append(
                (key, n, value, f"unknown setting '{key}' ({m.group(1)}0 to {m.group(1)}{last})")
            )
            continue
        elif (
            key in _QM_FORMATS
            and not cloudinit
            and (
                why := property_string_error(value, _QM_FORMATS[key])
                or (_QM_VALIDATORS[key](value) if key in _QM_VALIDATORS else None)
            )
            is not None
        ):
            cfg.refused.append((key, n, value, why))
            continue
        elif key in _QM_SCALARS and not cloudinit:
            # check_type: a number or cpuset it cannot read is dropped like a refused property
            # string ("unable to parse value of '$key'"), so the key's default applies (P20-3)
            if (why := _qm_scalar_error(key, value)) is not None:
                cfg.refused.append((key, n, value, why))
                continue
            if _QM_SCALARS[key] == "integer":
                value = str(int(value))  # check_type returns `int($1)`
        key = "ide2" if key == "cdrom" else key
        if key in section:
            cfg.skipped.append((n, f"{key} given again: qemu-server keeps this later value"))
        section[key] = value
        if section is cfg.values:
            cfg.lines[key] = n
        if not (key in _QEMU_KEYS or _QEMU_INDEXED.match(key)):
            cfg.unknown.append((key, n))
    cfg.description = "\n".join(description)
    return cfg


#: The raw LXC keys pve-container takes (LXC/Config.pm $valid_lxc_conf_keys, 94f5585, read with
#: `fetch`); is_valid_lxc_conf_key also takes its deprecated names and every key under
#: lxc.limit., lxc.cgroup., lxc.cgroup2., lxc.prlimit. and lxc.net.
_LXC_VALID_KEYS = frozenset(
    {
        "apparmor.profile", "apparmor.allow_incomplete", "apparmor.allow_nesting", "apparmor.raw",
        "selinux.context", "include", "arch", "uts.name", "signal.halt", "signal.reboot",
        "signal.stop", "init.cmd", "init.cwd", "init.uid", "init.gid", "init.groups", "pty.max",
        "console.logfile", "console.path", "tty.max", "devtty.dir", "hook.autodev", "autodev",
        "kmsg", "mount.fstab", "mount.entry", "mount.auto", "rootfs.mount", "cap.drop",
        "cap.keep", "seccomp.profile", "seccomp.notify.proxy", "seccomp.notify.cookie", "idmap",
        "hook.pre-start", "hook.pre-mount", "hook.mount", "hook.start", "hook.stop",
        "hook.post-stop", "hook.clone", "hook.destroy", "hook.version", "log.level", "log.file",
        "start.auto", "start.delay", "start.order", "group", "environment", "environment.runtime",
        "environment.hooks", "sysctl.fs.mqueue", "sysctl.kernel.msgmax", "sysctl.kernel.msgmnb",
        "sysctl.kernel.msgmni", "sysctl.kernel.sem", "sysctl.kernel.shmall",
        "sysctl.kernel.shmmax", "sysctl.kernel.shmmni", "sysctl.kernel.shm_rmid_forced",
        "aa_profile", "aa_allow_incomplete", "console", "devttydir", "haltsignal", "rebootsignal",
        "stopsignal", "id_map", "init_cmd", "loglevel", "logfile", "mount", "network.type",
        "network.flags", "network.link", "network.mtu", "network.name", "network.hwaddr",
        "network.ipv4", "network.ipv4.gateway", "network.ipv6", "network.ipv6.gateway",
        "network.script.up", "network.script.down", "pts", "se_context", "seccomp", "tty",
        "utsname",
    }
)  # fmt: skip
_LXC_VALID_PREFIXES = ("lxc.limit.", "lxc.cgroup.", "lxc.cgroup2.", "lxc.prlimit.", "lxc.net.")


def lxc_key_refused(key: str) -> str | None:
    """Why pve-container's is_valid_lxc_conf_key refuses a raw key, None when it takes it:
    parse_pct_config then warns and skips the line ("unable to parse config", or its message
    for lxc.rootfs.path and lxc.rootfs.options), so it is never written to the container's LXC
    configuration."""
    if key.startswith(_LXC_VALID_PREFIXES) or key.removeprefix("lxc.") in _LXC_VALID_KEYS:
        return None
    if key == "lxc.rootfs.path":
        return "lxc.rootfs.path is auto generated from rootfs"
    if key == "lxc.rootfs.options":
        return "lxc.rootfs.options is not supported"
    return "unable to parse config (no raw key pve-container takes)"


#: pve-container parse_pct_config's raw LXC key line: `lxc.KEY: VALUE` or `lxc.KEY = VALUE`
#: (`m/^(lxc\.[a-z0-9_\-\.]+)(:|\s*=)\s*(.*?)\s*$/`).
_LXC_RAW = re.compile(r"^(lxc\.[a-z0-9_\-.]+)(?::|\s*=)\s*(.*?)\s*$", re.A)


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
    # parse_user_config: `foreach my $d (split(/:/, $line)) { $d =~ s/^\s+//; $d =~ s/\s+$//;`
    parts = [p.strip(_PERL_SPACE) for p in line.split(":")]
    return (parts + [""] * count)[:count]


def _list(text: str) -> list[str]:
    # pve-common PVE::Tools split_list: `,` and `;` as blanks, split on `\s+` (ASCII, bytes)
    return [x for x in re.split(r"[,;\s]+", text, flags=re.A) if x]


#: The roles pve-access-control defines before user.cfg's first line (AccessControl.pm
#: userconfig_force_defaults installs $special_roles: NoAccess, Administrator, and create_roles'
#: PVE<cat>Admin, PVE<cat>User for a category with user privileges, PVEAdmin, PVEAuditor,
#: PVETemplateUser; the privileges are hvaudit.checks.proxmox.BUILTIN_ROLES').
BUILTIN_ROLE_NAMES = frozenset(
    {"NoAccess", "Administrator", "PVEAdmin", "PVEAuditor", "PVETemplateUser"}
    | {f"PVE{c}Admin" for c in ("VM", "Sys", "Datastore", "SDN", "User", "Pool", "Mapping")}
    | {f"PVE{c}User" for c in ("VM", "Datastore", "SDN", "Pool", "Mapping")}
)


def _pve_expire(expire: str) -> bool:
    """A user.cfg `expire` field parse_user_config takes (pve-access-control 5ccd07d
    AccessControl.pm: `$expire = 0 if !$expire; if ($expire !~ m/^\\d+$/) { warn "user config -
    ignore user '$user' - (illegal characters in expire '$expire')"; next; }`, the same for a
    `token:` line, "ignore token"; Perl on the file's bytes, so ASCII digits). A refused line is
    skipped whole: it neither files the user or token nor replaces one read before (P20-4:
    `user:ops@pve:0:2026-01-01:` leaves an earlier enabled `ops@pve` as it was, and a token's
    `+1` its earlier never-expiring line)."""
    return expire in ("", "0") or re.fullmatch(r"[0-9]+", expire, re.A) is not None


def parse_user_config(text: str, name: str) -> UserConfig:
    r"""Parse /etc/pve/user.cfg.

    As pve-access-control's AccessControl.pm parse_user_config reads it (P11-5): `while ($raw =~
    /^\s*(.+?)\s*$/gm)` ends a line at \n only, and each `:` field is trimmed of Perl's `\s`
    on bytes (ASCII whitespace), so a no-break space is part of a field (`\u00a00` enables a
    user: Perl's truth)."""
    cfg = UserConfig()
    for n, raw in enumerate(text.split("\n"), 1):
        line = raw.strip(_PERL_SPACE)
        if not line or line.startswith("#"):
            continue
        kind = line.split(":", 1)[0]
        if kind == "user":
            _, uid, enable, expire, first, last, email, comment, _keys = _fields(line, 9)
            if not _pve_expire(expire):
                continue
            # `$cfg->{users}->{$user} = { enable => $enable }` replaces an entry read before,
            # and with it the tokens filed under it (`$user_cfg->{tokens}`) so far (P18-7)
            for tid in [t for t in cfg.tokens if t.split("!", 1)[0] == uid]:
                del cfg.tokens[tid]
            cfg.users[uid] = {
                # pve-access-control parse_user_config: `$enable = $enable ? 1 : 0`, Perl's
                # truth: every value but "" and "0" enables the user ("yes", "2", "00")
                "enable": "0" if enable in ("", "0") else "1",
                "expire": expire or "0",
                "firstname": first,
                "lastname": last,
                "email": email,
                "comment": comment,
                "tfa_keys": "set" if _keys else "",
            }
        elif kind == "group":
            _, gid, users, _comment = _fields(line, 4)
            # parse_user_config keeps a group it has seen (`$cfg->{groups}->{$group} = { users
            # => {} } if !$cfg->{groups}->{$group}`) and adds each listed member to it: a second
            # `group:` line of one name adds its members to the first's (P18-1); `roles` asks
            # `$cfg->{groups}->{$g}->{users}->{$user}`, so the first line's members keep its grants
            members = cfg.groups.setdefault(gid, [])
            members.extend(u for u in _list(users) if u not in members)
        elif kind == "token":
            _, tid, expire, privsep, comment = _fields(line, 5)
            # filed under its user only `if (my $user_cfg = $cfg->{users}->{$user})`: a token
            # line before its user's line is ignored ("user does not exist", P18-7)
            if tid.split("!", 1)[0] not in cfg.users or not _pve_expire(expire):
                continue
            cfg.tokens[tid] = {
                "expire": expire or "0",
                "privsep": privsep or "0",
                "comment": comment,
            }
        elif kind == "role":
            _, rid, privs = _fields(line, 3)
            # likewise a role (`$cfg->{roles}->{$role} = {} if !$cfg->{roles}->{$role}`, then
            # `$cfg->{roles}->{$role}->{$priv} = 1` per listed privilege): a second `role:` line
            # of one name adds its privileges to the first's, never replaces them (P18-2)
            held = cfg.roles.setdefault(rid, [])
            held.extend(p for p in _list(privs) if p not in held)
        elif kind == "acl":
            _, propagate, path, who, roles = _fields(line, 5)
            # pve-access-control AccessControl.pm parse_user_config: `$propagate = $propagate ?
            # 1 : 0` (Perl: every value but "" and "0" is true) and normalize_path, which
            # collapses repeated slashes, drops a trailing one (`/vms/` is `/vms`), puts a `/`
            # before a path without one (`vms` is `/vms`) and refuses an empty or "0" path or
            # one of other characters than `[[:alnum:]\.\-\_\/]` ("ignore invalid path in acl")
            if path in ("", "0"):
                continue
            path = re.sub(r"/+", "/", path).removesuffix("/") or "/"
            if not re.fullmatch(r"[A-Za-z0-9._/-]+", path, re.A):
                continue
            # find_acl_tree_node then files the ACL under its path's components, skipping each
            # that is Perl's false (`next if !$p`: "" and "0"), so `/0` is the tree's root `/`
            # and `/0/vms` is `/vms` (P18-3), where `roles` walks the checked path's components
            path = "/" + "/".join(c for c in path.split("/") if c not in ("", "0"))
            # a role not defined by this line ("ignore invalid acl role": built-in or an earlier
            # `role:` line) and a token not defined yet (check_token_exist: "ignore invalid acl
            # token") are ignored; an ACL left with neither creates no tree node (P18-7)
            granted = [r for r in _list(roles) if r in BUILTIN_ROLE_NAMES or r in cfg.roles]
            holders = [w for w in _list(who) if "!" not in w or w in cfg.tokens]
            if not granted or not holders:
                continue
            cfg.acls.append(
                {
                    "propagate": propagate not in ("", "0"),
                    "path": path,
                    "who": holders,
                    "roles": granted,
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
    r"""Parse /etc/pve/datacenter.cfg (`key: value`).

    As pve-common's JSONSchema parse_config reads it (P11-4): `while ($raw =~ /^\s*(.+?)\s*$/gm)`
    ends a line at \n only (Perl's `.` and `^`/`$` under /m), so a form feed in a comment keeps
    what follows it in the comment, and `\s` (ASCII: space, \t, \r, \f, \v) is trimmed; a
    later key wins (`$cfg->{$key} = $value`)."""
    out: dict[str, str] = {}
    for n, raw in enumerate(text.split("\n"), 1):
        line = raw.strip(_PERL_SPACE)
        if not line or line.startswith("#"):
            continue
        m = _KEY_LINE.match(line)
        if not m:
            raise InputError(f"{name}:{n}: expected 'key: value'")
        out[m.group(1)] = m.group(2).strip(_PERL_SPACE)
    return out


#: Perl's `\s` on bytes (ASCII whitespace; \v since Perl 5.18).
_PERL_SPACE = " \t\n\r\f\v"


#: The `local` storage pve-storage puts in place of a missing or other one (Plugin.pm
#: parse_config), with storage.cfg's `content` spelling.
PVE_LOCAL_STORAGE = {
    "type": "dir",
    "path": "/var/lib/vz",
    "content": "backup,images,iso,rootdir,snippets,vztmpl",
}


def parse_storage(text: str, name: str) -> dict[str, dict[str, str]]:
    """Parse /etc/pve/storage.cfg: storage id -> {'type': ..., option: value}.

    As pve-storage reads it (Plugin.pm parse_config, P16-3): "make sure we have a reasonable
    'local:' storage": where storage.cfg has no `local`, or one of another type than `dir` or
    with another path than /var/lib/vz, pve-storage uses its own (PVE_LOCAL_STORAGE: the node's
    /var/lib/vz holding ISO images and container templates among the rest); a `local` without
    a path gets /var/lib/vz, and its `nodes` are dropped ("remove node restrictions for local
    storage")."""
    storages = _section_config(text, name)
    local = storages.get("local")
    if local is None or local["type"] != "dir" or local.get("path", "/var/lib/vz") != "/var/lib/vz":
        storages["local"] = dict(PVE_LOCAL_STORAGE)
    storages["local"].setdefault("path", "/var/lib/vz")
    storages["local"].pop("nodes", None)
    return storages


def _section_config(text: str, name: str) -> dict[str, dict[str, str]]:
    """Parse a SectionConfig file (storage.cfg, domains.cfg): id -> {'type': ..., option: value}.

    As pve-common's SectionConfig parse_config reads it: lines end at \n; a line starting with
    blanks and `#` is a comment; an empty line ends the section (`while ($line =
    $nextline->())`), so an indented line after it belongs to none and is ignored; an attribute
    given twice keeps its first value ("duplicate attribute": the second is refused)."""
    out: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    ended = False
    for n, raw in enumerate(text.split("\n"), 1):
        if raw == "":
            ended, current = current is not None or ended, None
            continue
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if raw[0] in " \t":
            if current is None and ended:
                continue  # SectionConfig: no section header, "ignore config line"
            if current is None:
                raise InputError(f"{name}:{n}: option before any storage definition")
            key, _, value = raw.strip().partition(" ")
            current.setdefault(key, value.strip())
            continue
        m = re.match(r"^([a-z0-9]+):\s*(\S+)\s*$", raw)
        if not m:
            raise InputError(f"{name}:{n}: expected 'type: storage-id'")
        current = out.setdefault(m.group(2), {"type": m.group(1)})
    return out


def parse_ha_resources(text: str, name: str) -> dict[str, str]:
    """/etc/pve/ha/resources.cfg as pve-ha-manager reads it (a SectionConfig; github:proxmox/
    pve-ha-manager b71218f src/PVE/HA/Resources.pm, read with `fetch`): `vm:<vmid>` or
    `ct:<vmid>` -> the requested state. parse_section_header lower-cases the type (`my ($type,
    $name) = (lc($1), $2)`); `state` is optional with `default => 'started'`, and Config.pm
    read_and_check_resources_config reads `enabled` as `started` ("backward compatibility")."""
    out: dict[str, str] = {}
    for sid, opts in _section_config(
        re.sub(r"^([A-Za-z0-9]+):", lambda m: m.group(1).lower() + ":", text, flags=re.M), name
    ).items():
        state = opts.get("state", "started")
        out[f"{opts['type']}:{sid}"] = "started" if state == "enabled" else state
    return out


#: pve-guest-common PVE/Mapping/PCI.pm $map_fmt (github:proxmox/pve-guest-common 4a8f6cb, read
#: with `fetch`): the format of each `map` line of a PCI mapping; `node` is pve-common's
#: pve-node (pve_verify_node_name), `path` one or more functions joined by `;`, each with its
#: domain ($PCI_RE `[a-f0-9]{4,}:[a-f0-9]{2}:[a-f0-9]{2}(?:\.[a-f0-9])?`, case-sensitive).
_PCI_MAP_RE = r"[a-f0-9]{4,}:[a-f0-9]{2}:[a-f0-9]{2}(?:\.[a-f0-9])?"
PCI_MAP_FORMAT: dict[str, _Prop] = {
    "node": _Prop(optional=False, pattern=re.compile(r"[a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?")),
    "id": _Prop(optional=False, pattern=re.compile(r"[0-9A-Fa-f]{4}:[0-9A-Fa-f]{4}")),
    "subsystem-id": _Prop(pattern=re.compile(r"[0-9A-Fa-f]{4}:[0-9A-Fa-f]{4}")),
    "path": _Prop(optional=False, pattern=re.compile(rf"(?:{_PCI_MAP_RE};)*{_PCI_MAP_RE}")),
    "iommugroup": _Prop("integer"),
    "description": _Prop(max_length=4096),
}
_PCI_MAPPING_OPTIONS = frozenset({"description", "mdev", "live-migration-capable", "map"})


def parse_pci_mapping(text: str, name: str) -> dict[str, list[dict[str, str]]]:
    r"""/etc/pve/mapping/pci.cfg as pve-guest-common's PVE::Mapping::PCI reads it (a SectionConfig,
    pve-common f665029 SectionConfig.pm parse_config; read with `fetch`): mapping id -> the `map`
    entries it keeps, each {'node', 'path', 'id', ...}. A header is `m/^(\S+)\s*$/` (no type:
    parse_section_header), an id pve_verify_configid refuses (`[a-z][a-z0-9_-]+`, any case)
    skips the section; its lines `m/^\s+(\S+)(\s+(.*\S))?\s*$/` run to the first empty line (a
    line of only `#` comment is skipped); an option the type lacks, a second value of a plain
    option or a `map` item $map_fmt refuses (parse_property_string: a key it lacks, `node`,
    `id` or `path` missing, a value off its pattern) is dropped ("unable to parse value"); a
    section without a `map` line fails check_config ("missing value for required option 'map'")
    and is no mapping."""
    out: dict[str, list[dict[str, str]]] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if re.match(r"\s*#", line, re.A) or not line or line == "0":
            continue
        m = re.fullmatch(r"(\S+)\s*", line, re.A)
        skip = m is None or not re.fullmatch(r"[a-z][a-z0-9_-]+", m.group(1), re.I | re.A)
        if m is None:
            continue  # "ignore config line" (not a header; no section follows it)
        entries: list[dict[str, str]] | None = None
        seen: set[str] = set()
        while i < len(lines):
            body = lines[i]
            if re.match(r"\s*#", body, re.A):
                i += 1
                continue
            if not body or body == "0":
                break
            i += 1
            if skip or (b := re.fullmatch(r"\s+(\S+)(?:\s+(.*\S))?\s*", body, re.A)) is None:
                continue
            key, value = b.group(1), b.group(2)
            if key not in _PCI_MAPPING_OPTIONS:
                continue  # "unexpected property"
            if key != "map":
                if key in seen:
                    continue  # "duplicate attribute"
                seen.add(key)
                continue
            if value is None or property_string_error(value, PCI_MAP_FORMAT) is not None:
                continue
            entries = [*(entries or []), parse_property_string(value)]
        if not skip and entries is not None:
            out[m.group(1)] = entries
        elif not skip:
            out.pop(m.group(1), None)
    return out


def parse_realms(text: str, name: str) -> dict[str, dict[str, str]]:
    """Parse /etc/pve/domains.cfg (same section format as storage.cfg): realm -> {'type': ...}.

    pve-access-control's PVE::Auth::Plugin parse_config "add default domains": the realms `pve`
    and `pam` always exist and are always of their own type (`$cfg->{ids}->{pve}->{type} =
    'pve'; # force type`, pam likewise), whatever domains.cfg says of them or leaves out (P16-2:
    `ldap: pve`, or no `pve:` section, does not make pve users directory accounts)."""
    realms = _section_config(text, name)
    for builtin in ("pve", "pam"):
        realms.setdefault(builtin, {})["type"] = builtin
    return realms


def parse_corosync(text: str, name: str) -> dict[str, object]:
    """Parse corosync.conf into nested dicts (repeated blocks such as `node` become lists).

    As corosync's exec/coroparse.c parse_section reads it: a line whose first character that is
    not a blank is `#` is a comment, and only such a line (a `#` after a value is part of the
    value: `secauth: on # yes` is secauth `on # yes`); a line ends at \n, a trailing \r, tab,
    space or 0xA0 is dropped."""
    root: dict[str, object] = {}
    stack: list[dict[str, object]] = [root]
    for n, raw in enumerate(text.split("\n"), 1):
        line = raw.removesuffix("\r").strip(" \t\xa0")
        if not line or line.startswith("#"):
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


#: pve-cluster src/pmxcfs/cfs-utils.c cluster_config_version: `g_regex_new("config_version\\s*:
#: \\s*(\\d+)", ...)` matched over the whole file; `\s` as PCRE's (VT included), digits ASCII.
_PMXCFS_VERSION = re.compile(r"config_version[ \t\n\v\f\r]*:[ \t\n\v\f\r]*([0-9]+)")
#: strtoull's largest value (it returns ULLONG_MAX for a longer number).
_ULLONG_MAX = 2**64 - 1


def pmxcfs_config_version(text: str) -> int:
    """The config_version pmxcfs reads from a corosync.conf (pve-cluster src/pmxcfs/cfs-utils.c
    cluster_config_version, used by dcdb.c dcdb_sync_corosync_conf): the FIRST match of
    `config_version\\s*:\\s*(\\d+)` anywhere in the text, so in a comment or inside another
    key's value too (corosync's own parser would skip a comment), read with strtoull; 0 when
    nothing matches, which pmxcfs takes as "unable to parse cluster config_version"."""
    m = _PMXCFS_VERSION.search(text)
    return min(int(m.group(1)), _ULLONG_MAX) if m else 0


#: Where ifupdown2 reads its configuration (ifupdown2.conf `default_interfaces_configfile`).
INTERFACES = "/etc/network/interfaces"
#: The only tree hvaudit follows `source` lines into: a path elsewhere is named, not read (a
#: collector reads only files it can name beforehand; interfaces(5) keeps these under it).
INTERFACES_ROOT = "/etc/network/"
#: How deep `source` lines are followed (ifupdown2 has no limit; a loop would not end there).
INCLUDE_DEPTH = 8
_SOURCE_DIRECTORY_NAME = re.compile(r"[a-zA-Z0-9_-]+")
_STORABLE = re.compile(
    r"/etc/network/(?:[A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*"
)
_GLOB_MAGIC = re.compile(r"[*?[]")
#: ifupdown2 networkinterfaces.py network_elems (and `allow-*`): a line starting with one of these
#: ends the stanza before it.
_KEYWORDS = ("source", "source-directory", "auto", "iface", "vlan")
#: ifupdown2 utils._string_values: how its addons read a boolean attribute (`bridge-vlan-aware`
#: through get_boolean_from_string; a value not listed is the default, false). Case matters.
IFUPDOWN_TRUE = frozenset({"on", "yes", "1", "fast"})


@dataclass(frozen=True, slots=True)
class InterfacesInclude:
    """A `source PATTERN` or `source-directory DIR` line of an interfaces file."""

    kind: str
    pattern: str
    file: str
    """The node path of the file holding the line."""
    line: int


@dataclass(slots=True)
class NetworkInterfaces:
    """/etc/network/interfaces as ifupdown2 reads it: iface name -> options, which are auto.

    ifupdown2 (Proxmox VE's network stack) squashes repeated stanzas of one interface into one
    (ifupdownmain.py `_save_iface_squash`, on by default through `ifaceobj_squash_internal`;
    iface.py `squash` appends each attribute's values to the first stanza's list) and its
    addons take the first value of a single-valued attribute (iface.py
    `get_attr_value_first`: `bridge-vlan-aware`, `bridge-vids`): so `ifaces` keeps the first
    value of each key, in the order ifupdown2 reads the stanzas (a sourced file at its `source`
    line), and `values` every value (`address`, `gateway`, `bridge-ports` use them all)."""

    ifaces: dict[str, dict[str, str]] = field(default_factory=dict)
    auto: set[str] = field(default_factory=set)
    includes: list[InterfacesInclude] = field(default_factory=list)
    """Every `source`/`source-directory` line read (of this file, and of the files it sources
    once resolved)."""
    items: list[tuple[str, dict[str, list[str]]] | InterfacesInclude] = field(default_factory=list)
    """This file's stanzas (name, attribute -> values) and include lines, in file order."""
    values: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    """iface -> attribute -> every value, in reading order."""
    files: list[str] = field(default_factory=list)
    """The node paths read, the main file first."""
    unread: list[tuple[str, str]] = field(default_factory=list)
    """(file or pattern, why not read) of every sourced file whose text is not in the evidence:
    what it sets (a VLAN-aware bridge, an address, a gateway) is unknown."""

    def command_addresses(self) -> dict[str, list[str]]:
        """iface -> the addresses a stanza's `pre-up`/`up`/`post-up` commands add (ifupdown2
        addons/usercmds.py runs each through the shell at bring-up): an `ip address
        add|change|replace IFADDR dev DEV` (iproute2 ip/ipaddress.c do_ipaddr: each word matched
        as a prefix, `ip a a`; usage "ip addr {add|change|replace} IFADDR dev STRING") or an
        `ifconfig DEV[:N] ADDR` (net-tools ifconfig(8)), by DEV (`$IFACE` or none: the
        stanza's). The node holds them as it holds an `address` line (R47E-1)."""
        out: dict[str, list[str]] = {}
        for iface, attrs in self.values.items():
            for hook in ("pre-up", "up", "post-up"):
                for command in attrs.get(hook, []):
                    for simple in re.split(r"&&|\|\||[;&|\n]", command):
                        if found := _added_address(simple.split(), iface):
                            out.setdefault(found[0], []).append(found[1])
        return out

    def command_links(self) -> dict[str, tuple[str, str, str]]:
        """name -> (its link device, its VLAN id or "", its type) of each device a stanza's
        `pre-up`/`up`/`post-up` command creates on another: `ip link add link DEVICE [name]
        NAME type TYPE [id N]` (iproute2 ip-link(8): "link DEVICE specifies the physical device
        to act operate on"; `type vlan` with `id`, `macvlan`, `macvtap`, `ipvlan`, `ipvtap` on
        DEVICE's segment). An address on NAME is on DEVICE's segment, or on its VLAN N
        (R48E-4)."""
        out: dict[str, tuple[str, str, str]] = {}
        for iface, attrs in self.values.items():
            for hook in ("pre-up", "up", "post-up"):
                for command in attrs.get(hook, []):
                    for simple in re.split(r"&&|\|\||[;&|\n]", command):
                        if found := _added_link(simple.split(), iface):
                            out.setdefault(found[0], found[1:])
        return out

    def virtual_addresses(self) -> dict[str, list[str]]:
        """iface -> the addresses of its `address-virtual MAC IP...` and `vrrp ID IP...` lines:
        ifupdown2 addons/addressvirtual.py "creates a macvlan interface for every mac ip
        address-virtual line" on the interface, holding those IPs (`for ip in av_attrs[1:]`),
        and a VRRP one alike: an address of the node on the interface's segment (R47E-4)."""
        out: dict[str, list[str]] = {}
        for iface, attrs in self.values.items():
            for key in ("address-virtual", "vrrp"):
                for line in attrs.get(key, []):
                    words = line.split()[1:]
                    out.setdefault(iface, []).extend(w for w in words if _address_word(w))
        return out

    def add_stanza(self, name: str, attrs: dict[str, list[str]]) -> None:
        """Squash one stanza into what is read so far (ifupdown2's order: first value wins)."""
        into = self.values.setdefault(name, {})
        for key, vals in attrs.items():
            into.setdefault(key, []).extend(vals)
        self.ifaces[name] = {k: v[0] for k, v in into.items() if v}


#: iproute2 `ip` options that take a value (ip/ip.c main: `-family`, `-batch`, `-rcvbuf`,
#: `-loops`, matched as prefixes); `-netns` runs the command in another namespace.
_IP_VALUED = ("-family", "-batch", "-rcvbuf", "-loops")
#: `ip address add` keywords that take a value (ip/ipaddress.c ipaddr_modify): the word after
#: one is no local address.
_IP_ADDR_VALUED = frozenset(
    {"dev", "peer", "remote", "broadcast", "brd", "anycast", "label", "scope", "valid_lft"}
    | {"preferred_lft", "metric", "priority", "prio", "proto", "protocol"}
)
#: net-tools ifconfig(8) options that take an address other than the interface's own.
_IFCONFIG_VALUED = frozenset({"netmask", "broadcast", "pointopoint", "dstaddr", "-pointopoint"})


def _address_word(word: str) -> str | None:
    """`word` if it reads as an address with or without a prefix length, else None."""
    try:
        ipaddress.ip_interface(word)
    except ValueError:
        return None
    return word


def _device_word(word: str, stanza: str) -> str:
    """The device a command names: its stanza's for `$IFACE`/`$LOGICAL` (ifupdown2 sets both in
    the command's environment), an alias `DEV:N` as DEV."""
    if word.strip("\"'{}$") in ("IFACE", "LOGICAL"):
        return stanza
    return word.split(":")[0]


def _simple_command(argv: list[str]) -> tuple[str, list[str]] | None:
    """The program one simple command of a stanza runs (its base name) and its arguments: past
    a wrapper or an environment assignment before it (`sudo`, `VAR=x ip ...`) and into
    `sh -c 'COMMAND'`, whose quoted command the shell runs (R47E-1); None for none."""
    argv = [w.strip("\"'") for w in argv]
    while argv and (
        argv[0] in ("sudo", "exec", "command", "env", "-")
        or re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=\S*", argv[0], re.A)
    ):
        argv = argv[1:]
    if not argv:
        return None
    name, rest = argv[0].rpartition("/")[2], argv[1:]
    if name in ("sh", "bash", "dash") and "-c" in rest:
        return _simple_command(rest[rest.index("-c") + 1 :])
    return name, rest


def _ip_arguments(rest: list[str]) -> list[str] | None:
    """`ip`'s arguments past its global options (ip(8); an option taking a value takes the word
    after it), None where `-n`/`-netns` runs it in another network namespace (not the node's)."""
    rest = list(rest)
    while rest and rest[0].startswith("-"):
        option = rest.pop(0).lstrip("-")
        if option and "netns".startswith(option) and option[0] == "n":
            return None
        if option and any(v.lstrip("-").startswith(option) for v in _IP_VALUED) and rest:
            rest.pop(0)
    return rest


def _added_address(argv: list[str], stanza: str) -> tuple[str, str] | None:
    """(device, address) that one simple command adds to the node, or None (`command_addresses`)."""
    command = _simple_command(argv)
    if command is None:
        return None
    name, rest = command
    if name == "ifconfig" and rest:
        dev, words = _device_word(rest[0], stanza), rest[1:]
        for i, word in enumerate(words):
            if (i == 0 or words[i - 1] not in _IFCONFIG_VALUED) and _address_word(word):
                return dev, word
        return None
    ip = _ip_arguments(rest) if name == "ip" else None
    if ip is None:
        return None
    rest = ip
    if len(rest) < 2 or not "address".startswith(rest[0]):
        return None
    verb, words = rest[1], rest[2:]
    if not any(v.startswith(verb) for v in ("add", "change", "replace")) and verb != "chg":
        return None
    dev, address = stanza, None
    for i, word in enumerate(words):
        before = words[i - 1] if i else ""
        if before == "dev":
            dev = _device_word(word, stanza)
        elif before not in _IP_ADDR_VALUED and address is None:
            address = _address_word(word)
    return (dev, address) if address else None


#: ip-link(8) `ip link add` options that take a value before `type` (the word after one is no
#: NAME).
_LINK_VALUED = frozenset(
    {"txqueuelen", "txqlen", "qlen", "address", "broadcast", "brd", "mtu", "index", "numtxqueues"}
    | {"numrxqueues", "group", "alias", "master", "netns", "addrgenmode", "parentdev"}
)
#: ip-link(8) types whose device sits on its `link` device's segment (vlan: on its VLAN `id`).
_LINK_TYPES = ("vlan", "macvlan", "macvtap", "ipvlan", "ipvtap")


def _added_link(argv: list[str], stanza: str) -> tuple[str, str, str, str] | None:
    """(name, link device, VLAN id or "", type) of the device one simple command creates on
    another, or None (`command_links`)."""
    command = _simple_command(argv)
    rest = _ip_arguments(command[1]) if command is not None and command[0] == "ip" else None
    if (
        rest is None
        or len(rest) < 2
        or not "link".startswith(rest[0])
        or not "add".startswith(rest[1])
    ):
        return None
    words = rest[2:]
    link = new = kind = vid = ""
    i = 0
    while i < len(words):
        word, value = words[i], words[i + 1] if i + 1 < len(words) else ""
        if word == "type":
            kind = value
            rest = words[i + 2 :]
            if "id" in rest[:-1]:
                vid = rest[rest.index("id") + 1]
            break
        if word in ("link", "name", "dev") and value:
            if word == "link":
                link = _device_word(value, stanza)
            else:
                new = value
            i += 2
            continue
        if word in _LINK_VALUED:
            i += 2
            continue
        if not new:
            new = word  # ip-link(8): `[ name ] NAME`, the name keyword optional
        i += 1
    if not (new and link and kind in _LINK_TYPES) or (
        kind == "vlan" and not (vid.isascii() and vid.isdigit())
    ):
        return None
    return new, link, str(int(vid)) if kind == "vlan" else "", kind


def ifupdown_true(value: str | None) -> bool:
    """A boolean attribute as ifupdown2's addons read it (IFUPDOWN_TRUE; anything else false)."""
    return value in IFUPDOWN_TRUE


def parse_interfaces(text: str, name: str, path: str = INTERFACES) -> NetworkInterfaces:
    """Parse one ifupdown2 interfaces file (networkinterfaces.py process_interfaces).

    A backslash joins lines (`' '.join(d.strip() for d in filedata.split('\\\\'))`); a line whose
    first character is `#` is a comment, but a `#` later on a line is part of the value
    (interfaces(5): "end-of-line comments are NOT supported"); every line after an `iface` line
    up to the next keyword is one of its attributes, indented or not; a name `eth0:1` is
    `eth0`. A file ifupdown2 would render as a Mako template (`%` lines, `${...}`) is refused:
    hvaudit does not evaluate it. `path` is the file's path on the node (for includes)."""
    out = NetworkInterfaces(files=[path])
    if "%" in text and re.search(r"^\s*%(?!%)|\$\{|<%", text, re.M):
        raise InputError(f"{name}: a Mako template (ifupdown2 renders it); not evaluated")
    lines, numbers = _joined_lines(text)
    current: dict[str, list[str]] | None = None
    for n, raw in zip(numbers, lines, strict=True):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        words = re.split(r"\s+", line, maxsplit=1)
        key = words[0]
        if key in _KEYWORDS or key.split("-")[0] == "allow":
            current = None
            rest = words[1] if len(words) > 1 else ""
            if key == "auto" or key.startswith("allow-"):
                out.auto.update(rest.split())
            elif key in ("source", "source-directory"):
                if not rest:
                    raise InputError(f"{name}:{n}: {key!r} without a path")
                inc = InterfacesInclude(key, rest.split()[0], path, n)
                out.includes.append(inc)
                out.items.append(inc)
            elif key == "iface":
                parts = rest.split()
                if not parts:
                    raise InputError(f"{name}:{n}: 'iface' without a name")
                current = {"method": [" ".join(parts[1:])]}
                out.items.append((parts[0].split(":")[0], current))
            elif key == "vlan":
                current = {}  # a bridge-vlan stanza (its own type): not an interface's options
        elif current is not None and len(words) == 2:
            # networkinterfaces.py _add_to_iface_config: `attrname.replace("_", "-")`, so
            # Proxmox SDN's `bridge_ports` is `bridge-ports`
            current.setdefault(key.replace("_", "-"), []).append(words[1])
        else:
            raise InputError(f"{name}:{n}: expected an iface stanza or option")
    for item in out.items:
        if not isinstance(item, InterfacesInclude):
            out.add_stanza(item[0], item[1])
    return out


def _joined_lines(text: str) -> tuple[list[str], list[int]]:
    """The lines ifupdown2 reads (`' '.join(d.strip() for d in filedata.split('\\\\'))`: every
    backslash joins what is around it, blanks and line ends included) and the line of the file
    each starts on."""
    if "\\" not in text:
        lines = text.split("\n")
        return lines, list(range(1, len(lines) + 1))
    lines, numbers, line = [""], [1], 1
    for i, piece in enumerate(text.split("\\")):
        body = piece.strip()
        line += piece[: len(piece) - len(piece.lstrip())].count("\n")
        if i == 0:
            numbers[0] = line
        first, *rest = body.split("\n")
        lines[-1] += (" " if i else "") + first
        for more in rest:
            line += 1
            lines.append(more)
            numbers.append(line)
        line += piece[len(piece.lstrip()) + len(body) :].count("\n")
    return lines, numbers


def include_directory(inc: InterfacesInclude) -> str | None:
    """The directory whose listing expands `inc` (None when the line names one file)."""
    if inc.kind == "source-directory":
        return inc.pattern.rstrip("/") or "/"
    head, _, tail = inc.pattern.rpartition("/")
    return (head or "/") if _GLOB_MAGIC.search(tail) else None


def include_problem(inc: InterfacesInclude) -> str | None:
    """Why hvaudit cannot expand `inc` from a directory listing, or None."""
    if not inc.pattern.startswith("/"):
        return (
            "a relative path, which ifupdown2 globs from its working directory (interfaces(5): "
            '"Currently only supports absolute path names")'
        )
    directory = include_directory(inc)
    head = inc.pattern if inc.kind == "source-directory" else inc.pattern.rpartition("/")[0]
    if _GLOB_MAGIC.search(head):
        return "a wildcard in a directory name, which hvaudit does not expand"
    if directory is not None and not (
        directory == INTERFACES_ROOT.rstrip("/") or _STORABLE.fullmatch(directory)
    ):
        return f"outside {INTERFACES_ROOT} (or an unusual name): hvaudit reads no file there"
    return None


def expand_include(inc: InterfacesInclude, names: list[str] | None) -> list[str]:
    """The files `inc` reads, in ifupdown2's order, given the names in its directory.

    `source`: Python's sorted(glob.glob(pattern)) (networkinterfaces.py process_source), where a
    wildcard does not match a leading `.` unless the pattern's does; a pattern without one is
    the file itself (read if it exists). `source-directory`: the names matching
    `^[a-zA-Z0-9_-]+$` (process_source_directory), in os.listdir order, which the file system
    decides: sorted here, and a clash between them is reported by the resolver. A name ending
    with `/` is a directory (`ls -p`): ifupdown2's read_file cannot open it ("error processing
    file", nothing read), so it reads nothing."""
    import fnmatch

    directory = include_directory(inc)
    if directory is None:
        return [inc.pattern]
    base = "" if directory == "/" else directory
    names = [n for n in names or [] if not n.endswith("/")]
    if inc.kind == "source-directory":
        return [f"{base}/{n}" for n in sorted(names or []) if _SOURCE_DIRECTORY_NAME.fullmatch(n)]
    tail = inc.pattern.rpartition("/")[2]
    return [
        f"{base}/{n}"
        for n in sorted(names or [])
        if fnmatch.fnmatchcase(n, tail) and (not n.startswith(".") or tail.startswith("."))
    ]


def storable_path(path: str) -> str | None:
    """Why the file at `path` is not collected (None when it is): only files under
    INTERFACES_ROOT with plain names (a name ending .json would be read as JSON evidence)."""
    if not _STORABLE.fullmatch(path) or "/../" in path + "/" or "/./" in path + "/":
        return f"outside {INTERFACES_ROOT} or an unusual file name: hvaudit reads no such file"
    if path.endswith(".json"):
        return "a name ending .json, which hvaudit does not store"
    return None


def resolve_includes(
    main: NetworkInterfaces,
    listing: Callable[[str], list[str] | str],
    read: Callable[[str], NetworkInterfaces | str | None],
) -> NetworkInterfaces:
    """The interfaces file with every file it sources read in, as ifupdown2 reads them.

    `listing(dir)` gives the names in a directory ([] when it does not exist there) or why they
    are not known; `read(path)` the parsed file, None when it does not exist (ifupdown2 warns and
    goes on), or why it was not read. Each sourced file's stanzas are squashed in at the place
    of its `source` line; what cannot be read is listed in `unread`, never taken as empty."""
    out = NetworkInterfaces(files=[main.files[0] if main.files else INTERFACES])
    first: dict[tuple[int, str, str], tuple[str, str]] = {}

    def walk(ni: NetworkInterfaces, chain: tuple[str, ...], group: int | None) -> None:
        out.auto |= ni.auto
        for item in ni.items:
            if isinstance(item, InterfacesInclude):
                out.includes.append(item)
                expand(item, chain)
                continue
            name, attrs = item
            if group is not None:
                # files of one source-directory come in os.listdir order: a clash between
                # them has no order hvaudit knows
                for key, vals in attrs.items():
                    seen = first.setdefault((group, name, key), (chain[-1], vals[0]))
                    if seen[0] != chain[-1] and seen[1] != vals[0]:
                        out.unread.append(
                            (
                                chain[-1],
                                f"it and {seen[0]} both set {key} of {name} ({seen[1]!r}, "
                                f"{vals[0]!r}) and ifupdown2 reads the files of a "
                                "source-directory in the file system's order, which the "
                                "evidence does not give",
                            )
                        )
            out.add_stanza(name, attrs)

    def expand(inc: InterfacesInclude, chain: tuple[str, ...]) -> None:
        where = f"{inc.file}:{inc.line}"
        problem = include_problem(inc)
        if problem is not None:
            out.unread.append((inc.pattern, f"sourced at {where}: {problem}"))
            return
        names: list[str] = []
        directory = include_directory(inc)
        if directory is not None:
            got = listing(directory)
            if isinstance(got, str):
                out.unread.append((inc.pattern, f"sourced at {where}: {got}"))
                return
            names = got
        group = id(inc) if inc.kind == "source-directory" else None
        for path in expand_include(inc, names):
            why = storable_path(path)
            if why is None and (path in chain or len(chain) > INCLUDE_DEPTH):
                why = f"sourced again inside itself or deeper than {INCLUDE_DEPTH} levels"
            if why is not None:
                out.unread.append((path, f"sourced at {where}: {why}"))
                continue
            got_file = read(path)
            if got_file is None:
                continue
            if isinstance(got_file, str):
                out.unread.append((path, f"sourced at {where}: {got_file}"))
                continue
            out.files.append(path)
            walk(got_file, (*chain, path), group)

    walk(main, (out.files[0],), None)
    return out


def _bash_uncomment(value: str) -> str:
    """`value` without its comment as bash reads one: a `#` starts a comment only where a word
    starts (at the beginning or after a blank) outside quotes; `ALLOW_FROM=a#,b` is the value
    `a#,b` (bash(1) COMMENTS: "a word beginning with #"), where shlex's comments=True would cut
    at any `#`."""
    quote = ""
    escaped = False
    for i, ch in enumerate(value):
        if escaped:
            escaped = False
        elif ch == "\\" and quote != "'":
            escaped = True
        elif quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or value[i - 1] in " \t"):
            return value[:i]
    return value


SERVICES = "/etc/services"
"""The node's service names, which proxmox-firewall resolves a rule's -dport/-sport names from."""


def parse_services(text: str, name: str) -> dict[str, int]:
    """The port of each service name in the node's /etc/services as proxmox-firewall reads it
    (github:proxmox/proxmox-ve-rs proxmox-ve-config src/firewall/ports.rs NamedPorts::new,
    read with `find_string`): a line trimmed at its start, blank and `#` lines skipped, split
    at ASCII whitespace; its first word is the name, the second's text before any `/` the
    port (Rust's u16 parse; a line whose port does not parse is skipped), and each later word
    up to one starting with `#` an alias of the same port. The protocol is not read, and a
    later line's name or alias replaces an earlier one's (a HashMap insert). A missing file
    is an empty map: every name is then an "unknown port name" (parse_named_port)."""
    del name
    out: dict[str, int] = {}
    # BufRead::lines splits at \n only; trim_start takes Unicode whitespace, split_ascii_whitespace
    # ASCII's alone (space, \t, \n, form feed, \r)
    for raw in text.split("\n"):
        words = [w for w in re.split(r"[ \t\n\x0c\r]+", raw.lstrip()) if w]
        if not words or words[0].startswith("#") or len(words) < 2:
            continue
        port = words[1].split("/", 1)[0]
        if not re.fullmatch(r"\+?[0-9]+", port, re.A) or int(port) > 65535:
            continue
        out[words[0]] = int(port)
        for alias in words[2:]:
            if alias.startswith("#"):
                break
            out[alias] = int(port)
    return out


def parse_iptables_services(text: str, name: str) -> dict[str, int | None]:
    r"""The port of each service name in the node's /etc/services as pve-firewall's rules get
    it (R47F-2). pve-firewall takes a -dport/-sport name only where its own reading knows it
    (github:proxmox/pve-firewall 6f1311f src/PVE/Firewall.pm get_etc_services: the first word
    of a line matching `^(\S+)\s+(\S+)/(tcp|udp|sctp)`, aliases not; else
    parse_port_name_number_or_range dies "invalid port"), then writes the name into the
    iptables rule as spelt (ipt_rule_to_cmds `--dport NAME`), whose port iptables takes from
    getservbyname(NAME, PROTO): glibc's nss_files (nss/nss_files/files-service.c DB_LOOKUP
    servbyname) returns the first line of that protocol whose name or an alias is NAME. The
    rule's protocol is not known here, so a name is read as one port only where every line
    naming it (name or alias, any protocol) gives the same port, None where they disagree (a
    question); a name pve-firewall does not key is absent (it refuses the rule)."""
    del name
    keyed: set[str] = set()
    ports: dict[str, set[int]] = {}
    for raw in text.split("\n"):
        line = raw.removesuffix("\r")
        keys = re.match(r"(\S+)\s+(\S+)/(tcp|udp|sctp)", line, re.A)
        if keys and not line.startswith("#"):
            keyed.add(keys[1])
        words = line.split("#", 1)[0].split()
        if len(words) < 2:
            continue
        port = words[1].split("/", 1)[0]
        if not re.fullmatch(r"[0-9]+", port, re.A) or int(port) > 65535:
            continue
        for word in [words[0], *words[2:]]:
            ports.setdefault(word, set()).add(int(port))
    return {
        n: (next(iter(ports[n])) if len(ports.get(n, ())) == 1 else None) for n in sorted(keyed)
    }


def parse_service_protocols(text: str, name: str) -> dict[str, frozenset[str]]:
    """The protocols under which the node's /etc/services gives each name (a line's first word
    or an alias), as getservbyname(NAME, PROTO) finds it: glibc's nss_files
    (nss/nss_files/files-service.c DB_LOOKUP servbyname) takes a line of that protocol whose
    name or an alias is NAME (R49F-1). iptables resolves a rule's -dport/-sport name so
    (libxtables xtables.c xtables_parse_port -> xtables_service_to_port), and fails "invalid
    port/service" where no line of the rule's protocol gives it."""
    del name
    protocols: dict[str, set[str]] = {}
    for raw in text.split("\n"):
        words = raw.removesuffix("\r").split("#", 1)[0].split()
        if len(words) < 2 or "/" not in words[1]:
            continue
        port, proto = words[1].split("/", 1)
        if not re.fullmatch(r"[0-9]+", port, re.A):
            continue
        for word in [words[0], *words[2:]]:
            protocols.setdefault(word, set()).add(proto)
    return {n: frozenset(p) for n, p in protocols.items()}


def parse_pveproxy_defaults(text: str, name: str) -> dict[str, str]:
    """Parse /etc/default/pveproxy (shell variable assignments).

    pveproxy sources the file with bash (pve-http-server PVE::APIServer::Utils read_proxy_config:
    ". $conffile" then echoes each variable), so `export NAME=value` assigns as well; a later
    assignment wins, as in bash. Other shell constructs are refused as input hvaudit does not
    evaluate.

    As bash reads it (P11-3): a line ends at \n only, and its blanks are space and tab, so a form
    feed, vertical tab or \r is part of a word (a comment runs on past a form feed; a \r after
    a value is part of the value, which Net::IP refuses)."""
    out: dict[str, str] = {}
    for n, raw in enumerate(text.split("\n"), 1):
        line = raw.strip(" \t")
        if not line or line.startswith("#"):
            continue
        if line.startswith("export") and line[6:7] in (" ", "\t"):
            line = line[6:].strip(" \t")
        key, sep, value = line.partition("=")
        if not sep or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", key, re.A):
            raise InputError(f"{name}:{n}: expected NAME=value")
        try:
            lexer = shlex.shlex(_bash_uncomment(value), posix=True)
            lexer.whitespace, lexer.whitespace_split, lexer.commenters = " \t", True, ""
            words = list(lexer)
        except ValueError as exc:
            raise InputError(f"{name}:{n}: {exc}") from None
        out[key] = " ".join(words)
    return out


#: The second-factor kinds of /etc/pve/priv/tfa.cfg (proxmox-tfa TfaUserData: totp, u2f,
#: webauthn, yubico lists of entries; recovery one set of keys).
TFA_KINDS = ("totp", "webauthn", "u2f", "yubico")


def _tfa_user(
    kinds: dict[str, list[bool]], recovery: str | None, other: list[str]
) -> dict[str, object]:
    return {**kinds, "recovery": recovery, "other": other}


def tfa_entries_from_file(raw: str) -> str:
    """What HVA-306 needs of /etc/pve/priv/tfa.cfg, without a secret: per user, each entry's
    kind and enable flag, whether recovery keys remain, and whether the file holds a WebAuthn
    or U2F configuration (JSON). The collector writes only this: the file's TOTP secrets,
    WebAuthn credentials and recovery hashes never reach the bundle.

    tfa.cfg is proxmox-tfa's TfaConfig as JSON (pve-access-control AccessControl.pm
    parse_priv_tfa_config: PVE::RS::TFA->new($raw)): `users` -> TfaUserData (`totp`,
    `webauthn`, `u2f`, `yubico` lists of entries whose `enable` defaults to true and is written
    only when false: TfaInfo `is_default_tfa_enable`; `recovery` an object whose `entries` turn
    null once used), `webauthn` and `u2f` the file's own configuration. A user in another form
    (an older file's `type`/`keys`) is listed under `other`, not read."""
    try:
        data = json.loads(raw) if raw.strip() else {}
    except ValueError as exc:
        return json.dumps({"error": f"not JSON: {type(exc).__name__}"})
    if not isinstance(data, dict):
        return json.dumps({"error": "not a JSON object"})
    users: dict[str, dict[str, object]] = {}
    for uid, u in (data.get("users") or {}).items():
        if not isinstance(u, dict):
            users[str(uid)] = _tfa_user({}, None, ["not an object"])
            continue
        kinds = {
            k: [not (isinstance(e, dict) and e.get("enable") is False) for e in u.get(k) or []]
            for k in TFA_KINDS
        }
        rec = u.get("recovery")
        recovery = None
        if isinstance(rec, dict):
            recovery = (
                "unused" if any(x is not None for x in rec.get("entries") or []) else "used-up"
            )
        # TfaUserData's lock-out state (`totp-locked`, `tfa-locked-until`) asks for a factor
        # all the same (TfaUserData::challenge does not read it)
        known = (*TFA_KINDS, "recovery", "totp-locked", "tfa-locked-until")
        other = sorted(str(k) for k in u if k not in known)
        users[str(uid)] = _tfa_user(kinds, recovery, [f"key {k!r}" for k in other])
    return json.dumps(
        {"users": users, "webauthn": bool(data.get("webauthn")), "u2f": bool(data.get("u2f"))},
        sort_keys=True,
    )


def tfa_entries_from_api(listing: list[dict[str, Any]]) -> str:
    """The same summary from GET /access/tfa (PVE::API2::TFA list_tfa: per user, `entries` of
    `type` totp, u2f, webauthn, recovery or yubico, with `enable` only when false). The API does
    not show whether tfa.cfg holds a WebAuthn or U2F configuration: null."""
    users: dict[str, dict[str, object]] = {}
    for t in listing:
        if not isinstance(t, dict) or not t.get("userid"):
            continue
        kinds: dict[str, list[bool]] = {k: [] for k in TFA_KINDS}
        recovery, other = None, []
        for e in t.get("entries") or []:
            kind = str(e.get("type", "")) if isinstance(e, dict) else ""
            enabled = not (isinstance(e, dict) and e.get("enable") in (False, 0, "0"))
            if kind in kinds:
                kinds[kind].append(enabled)
            elif kind == "recovery":
                # listed while the set exists (proxmox-tfa api/methods.rs to_data), used up or
                # not: either way no login succeeds without a key of it (rust-proxmox-tfa 4.0.0:
                # "once they're used up, login becomes impossible")
                recovery = "unused"
            else:
                other.append(f"entry type {kind!r}")
        users[str(t["userid"])] = _tfa_user(kinds, recovery, other)
    return json.dumps({"users": users, "webauthn": None, "u2f": None}, sort_keys=True)


def parse_tfa_entries(text: str, name: str) -> dict[str, Any]:
    """The summary `tfa_entries_from_file` or `tfa_entries_from_api` wrote."""
    try:
        data = json.loads(text)
    except ValueError:
        raise InputError(f"{name}: not JSON") from None
    if not isinstance(data, dict) or "error" in data or not isinstance(data.get("users"), dict):
        raise InputError(
            f"{name}: {data.get('error', 'no users') if isinstance(data, dict) else 'not an object'}"
        )
    return data
