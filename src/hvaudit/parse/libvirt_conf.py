"""libvirt's configuration-file format (qemu.conf, libvirtd.conf) and the effective values of its keys.

The format is `key = value` with integers, "strings" and [ "lists" ] that may span lines, and `#`
comments. A key that is absent takes its documented default, recorded here once and marked as a
default in the evidence (sources: libvirt 9.0 stock qemu.conf and libvirtd.conf on Debian 12, as
summarised in ../shared/reference/checks-catalog.md rows SR04-KVM-*, SR05B-KVM-*, SR13-KVM-*,
SR20-KVM-*).

Defaults that depend on other keys or on the daemon are resolved by `effective_daemon_conf` and
`effective_qemu_conf`, each with its source:

- libvirt src/remote/remote_daemon_config.c, daemonConfigNew(): `auth_unix_rw` is "polkit" for a
  privileged daemon built with polkit (every distribution's system daemon), and
  `unix_sock_rw_perms` is set there from that built-in default: "0777" when it is polkit, "0700"
  otherwise. daemonConfigLoadOptions() only ever widens it (to 0777 when the file sets polkit):
  a file that sets `auth_unix_rw = "none"` and no perms leaves the system daemon's socket at 0777.
  `listen_tls` is 1 for libvirtd (honoured only with --listen) and 0 for the other daemons
  (virtproxyd); `tcp_min_ssf` is 56 ("good enough for kerberos"), and values below 56 are
  refused.
- libvirt src/qemu/qemu_conf.c, virQEMUDriverConfigNew(): `namespaces` holds "mount" for a
  privileged daemon where mount namespaces exist; `stdio_handler` is logd (stdioLogD = true);
  virQEMUDriverConfigSetDefaults(): `migrate_tls_x509_verify` is `default_tls_x509_verify` when
  that is set, else 1.
- libvirt src/qemu/qemu_cgroup.c, defaultDeviceACL: /dev/null, /dev/full, /dev/zero,
  /dev/random, /dev/urandom, /dev/ptmx, /dev/kvm (older releases also listed /dev/kqemu, /dev/rtc,
  /dev/hpet, /dev/vfio/vfio, /dev/net/tun).
"""

from __future__ import annotations

from hvaudit.errors import InputError

__all__ = [
    "DEFAULT_DEVICE_ACL",
    "HISTORIC_DEVICE_ACL",
    "LIBVIRTD_DEFAULTS",
    "QEMU_DEFAULTS",
    "effective_daemon_conf",
    "effective_qemu_conf",
    "parse_conf",
]

ConfValue = int | str | list[str] | None

QEMU_DEFAULTS: dict[str, ConfValue] = {
    "user": None,  # build-time default: non-root on Debian, Ubuntu, Fedora, RHEL, SUSE, Arch, Gentoo
    "group": None,
    "security_driver": None,  # probe: SELinux, then AppArmor, else none
    "security_default_confined": 1,
    "security_require_confined": 0,
    "seccomp_sandbox": -1,  # -1: enabled where QEMU supports it
    "vnc_listen": "127.0.0.1",
    "spice_listen": "127.0.0.1",
    "vnc_auto_unix_socket": 0,
    "spice_auto_unix_socket": 0,
    "vnc_tls": 0,
    "spice_tls": 0,
    "vnc_sasl": 0,
    "spice_sasl": 0,
    "vnc_password": None,  # the default password of consoles whose XML sets none
    "spice_password": None,
    "rdp_listen": "127.0.0.1",
    "vnc_tls_x509_verify": 0,  # unless default_tls_x509_verify says otherwise
    "chardev_tls": 0,
    "chardev_tls_x509_verify": 1,  # unless default_tls_x509_verify says otherwise
    "default_tls_x509_verify": None,
    "migration_address": "0.0.0.0",
    "migrate_tls_force": 0,
    "relaxed_acs_check": 0,
    "stdio_handler": "logd",
    "dynamic_ownership": 1,
    "namespaces": ["mount"],
    "migrate_tls_x509_verify": 1,  # resolved in effective_qemu_conf
    "cgroup_device_acl": None,  # None: libvirt's built-in list (DEFAULT_DEVICE_ACL)
}

#: libvirt 9.x's built-in cgroup device ACL (qemu_cgroup.c defaultDeviceACL).
DEFAULT_DEVICE_ACL = (
    "/dev/null",
    "/dev/full",
    "/dev/zero",
    "/dev/random",
    "/dev/urandom",
    "/dev/ptmx",
    "/dev/kvm",
)
#: Entries earlier libvirt releases had in the same built-in list.
HISTORIC_DEVICE_ACL = ("/dev/kqemu", "/dev/rtc", "/dev/hpet", "/dev/vfio/vfio", "/dev/net/tun")

LIBVIRTD_DEFAULTS: dict[str, ConfValue] = {
    "listen_tls": 1,  # honoured only with --listen (or an enabled TLS socket unit)
    "listen_tcp": 0,
    "listen_addr": None,  # all addresses
    "auth_tcp": "sasl",
    "auth_tls": "none",
    "auth_unix_ro": "polkit",
    "auth_unix_rw": "polkit",
    "unix_sock_rw_perms": "0777",  # the system daemon's built-in auth is polkit (daemonConfigNew)
    "unix_sock_ro_perms": "0777",
    "access_drivers": [],  # empty: the nop driver, no API access control
    "tls_no_verify_certificate": 0,
    "tls_allowed_dn_list": None,
    "tcp_min_ssf": 56,
    "audit_level": 1,
    "audit_logging": 0,
    "log_outputs": None,
    "log_level": 3,
}


def _strip_comment(line: str) -> str:
    quote = ""
    for i, ch in enumerate(line):
        if ch in "\"'" and (not quote or quote == ch):
            quote = "" if quote else ch
        elif ch == "#" and not quote:
            return line[:i]
    return line


def _split_list(body: str, where: str) -> list[str]:
    """Split a list body on commas outside quotes ("C=GB,O=Example" is one item)."""
    items: list[str] = []
    cur: list[str] = []
    quote = ""
    for ch in body:
        if ch in "\"'" and (not quote or quote == ch):
            quote = "" if quote else ch
        if ch == "," and not quote:
            items.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    if quote:
        raise InputError(f"{where}: unterminated string in list")
    items.append("".join(cur).strip())
    return [i for i in items if i]


def _value(raw: str, where: str) -> ConfValue:
    raw = raw.strip()
    if raw.startswith("["):
        if not raw.endswith("]"):
            raise InputError(f"{where}: unterminated list")
        return [str(_value(i, where)) for i in _split_list(raw[1:-1], where)]
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
        return raw[1:-1]
    try:
        return int(raw, 0)
    except ValueError:
        raise InputError(f"{where}: cannot read value {raw[:40]!r}") from None


def parse_conf(text: str, name: str) -> tuple[dict[str, ConfValue], dict[str, int]]:
    """Return (key -> value, key -> line number) for a libvirt configuration file.

    libvirt's own reader (src/util/virconf.c) keeps every entry in file order and
    virConfGetValue returns the first whose name matches, so a key set twice has its FIRST
    value; strings may be quoted with '...' as well as "..." (virConfParseString).
    Raises InputError with the file and line for a line it cannot read.
    """
    values: dict[str, ConfValue] = {}
    lines: dict[str, int] = {}
    pending = ""
    start = 0
    for n, line in enumerate(text.splitlines(), 1):
        body = _strip_comment(line).strip()
        if not body and not pending:
            continue
        if not pending:
            start = n
        pending = f"{pending} {body}".strip()
        if pending.count("[") > pending.count("]"):
            continue
        key, sep, raw = pending.partition("=")
        key = key.strip()
        if not sep or not key.replace("_", "").isalnum():
            raise InputError(f"{name}:{start}: expected 'key = value'")
        value = _value(raw, f"{name}:{start}")
        if key not in values:  # the first entry wins (virConfGetValue)
            values[key] = value
            lines[key] = start
        pending = ""
    if pending:
        raise InputError(f"{name}:{start}: unterminated list")
    return values, lines


def effective_daemon_conf(
    daemon: str, values: dict[str, ConfValue]
) -> tuple[dict[str, object], set[str]]:
    """A daemon's effective settings from the keys its file sets (see the module docstring).

    Returns the settings and the keys whose value is a default.
    """
    out: dict[str, object] = dict(LIBVIRTD_DEFAULTS)
    if daemon != "libvirtd":
        out["listen_tls"] = 0
    out.update(values)
    return out, set(out) - set(values)


def effective_qemu_conf(values: dict[str, ConfValue]) -> tuple[dict[str, object], set[str]]:
    """qemu.conf's effective settings from the keys the file sets (see the module docstring)."""
    out: dict[str, object] = dict(QEMU_DEFAULTS)
    out.update(values)
    if (
        "migrate_tls_x509_verify" not in values
        and values.get("default_tls_x509_verify") is not None
    ):
        out["migrate_tls_x509_verify"] = values["default_tls_x509_verify"]
    return out, set(out) - set(values)
