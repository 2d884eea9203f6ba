"""libvirt's configuration-file format (qemu.conf, libvirtd.conf) and the effective values of its keys.

The format is `key = value` with integers, "strings" and [ "lists" ] that may span lines, and `#`
comments. A key that is absent takes its documented default, recorded here once and marked as a
default in the evidence (sources: libvirt 9.0 stock qemu.conf and libvirtd.conf on Debian 12, as
summarised in ../shared/reference/checks-catalog.md rows SR04-KVM-*, SR05B-KVM-*, SR13-KVM-*,
SR20-KVM-*).
"""

from __future__ import annotations

from hvaudit.errors import InputError

__all__ = ["LIBVIRTD_DEFAULTS", "QEMU_DEFAULTS", "parse_conf"]

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
}

LIBVIRTD_DEFAULTS: dict[str, ConfValue] = {
    "listen_tls": 1,  # honoured only with --listen (or an enabled TLS socket unit)
    "listen_tcp": 0,
    "listen_addr": None,  # all addresses
    "auth_tcp": "sasl",
    "auth_tls": "none",
    "auth_unix_ro": "polkit",
    "auth_unix_rw": "polkit",
    "unix_sock_rw_perms": "0770",
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
    quote = False
    for i, ch in enumerate(line):
        if ch == '"':
            quote = not quote
        elif ch == "#" and not quote:
            return line[:i]
    return line


def _split_list(body: str, where: str) -> list[str]:
    """Split a list body on commas outside quotes ("C=GB,O=Example" is one item)."""
    items: list[str] = []
    cur: list[str] = []
    quote = False
    for ch in body:
        if ch == '"':
            quote = not quote
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
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        return raw[1:-1]
    try:
        return int(raw, 0)
    except ValueError:
        raise InputError(f"{where}: cannot read value {raw[:40]!r}") from None


def parse_conf(text: str, name: str) -> tuple[dict[str, ConfValue], dict[str, int]]:
    """Return (key -> value, key -> line number) for a libvirt configuration file.

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
        values[key] = _value(raw, f"{name}:{start}")
        lines[key] = start
        pending = ""
    if pending:
        raise InputError(f"{name}:{start}: unterminated list")
    return values, lines
