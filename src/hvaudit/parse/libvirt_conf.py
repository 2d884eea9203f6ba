"""libvirt's configuration-file format (qemu.conf, libvirtd.conf) and the effective values of its keys.

The format is `key = value` with integers, "strings" and [ "lists" ] that may span lines, and `#`
comments. A key that is absent takes its documented default, recorded here once and marked as a
default in the evidence (sources: libvirt 9.0 stock qemu.conf and libvirtd.conf on Debian 12, as
summarised in ../shared/reference/checks-catalog.md rows SR04-KVM-*, SR05B-KVM-*, SR13-KVM-*,
SR20-KVM-*). Each QEMU_DEFAULTS entry was checked against the comments of libvirt's
src/qemu/qemu.conf.in (upstream, read with the project's `search` tools) and the stock
/etc/libvirt/qemu.conf of libvirt 9.0: vnc/spice/rdp_listen 127.0.0.1, *_auto_unix_socket off,
*_password unset ("leave this commented out" to allow access without passwords; an empty one
still enables passwords and is rejected by QEMU), vnc_tls_x509_verify from
default_tls_x509_verify else 0, chardev and migrate _tls_x509_verify from it else 1,
migrate_tls_force 0, migration_address 0.0.0.0, security_default_confined 1,
security_require_confined 0, dynamic_ownership 1, relaxed_acs_check off, seccomp_sandbox on,
stdio_handler "logd", namespaces [ "mount" ]; LIBVIRTD_DEFAULTS' audit_level 1 and
audit_logging 0 against src/remote/libvirtd.conf.in, the template of every daemon's file.

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
- libvirt src/qemu/qemu_conf.c, virQEMUDriverConfigLoadSecurityEntry(): `security_driver` is a
  string list (a string is a list of one), and qemuSecurityInit (qemu_driver.c) probes the
  default driver where it names none: `[ "none" ]` is "none", `[]` is unset.
- libvirt src/qemu/qemu_conf.c, virQEMUDriverConfigNew(): `namespaces` holds "mount" for a
  privileged daemon where mount namespaces exist; `stdio_handler` is logd (stdioLogD = true);
  virQEMUDriverConfigSetDefaults(): `migrate_tls_x509_verify` is `default_tls_x509_verify` when
  that is set, else 1.
- libvirt src/qemu/qemu_cgroup.c, defaultDeviceACL: /dev/null, /dev/full, /dev/zero,
  /dev/random, /dev/urandom, /dev/ptmx, /dev/kvm (older releases also listed /dev/kqemu, /dev/rtc,
  /dev/hpet, /dev/vfio/vfio, /dev/net/tun).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from hvaudit.errors import InputError

__all__ = [
    "DEFAULT_DEVICE_ACL",
    "HISTORIC_DEVICE_ACL",
    "LIBVIRTD_DEFAULTS",
    "QEMU_DEFAULTS",
    "daemon_conf_refused",
    "effective_daemon_conf",
    "effective_qemu_conf",
    "parse_conf",
    "qemu_conf_refused",
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
    "nbd_tls": 0,  # qemu.conf.in "#nbd_tls = 1": off unless set (formatdomain, network disks)
    "vxhs_tls": 0,  # likewise "#vxhs_tls = 1"
    "default_tls_x509_verify": None,
    "migration_address": "0.0.0.0",
    "migrate_tls_force": 0,
    "relaxed_acs_check": 0,
    "stdio_handler": "logd",
    "dynamic_ownership": 1,
    # qemu_conf.c virQEMUDriverConfigNew: cfg->clearEmulatorCapabilities = true
    "clear_emulator_capabilities": 1,
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
#: Entries other libvirt releases have in the same built-in list: earlier ones /dev/kqemu,
#: /dev/rtc, /dev/hpet, /dev/vfio/vfio, /dev/net/tun; current upstream adds /dev/userfaultfd
#: (src/qemu/qemu.conf.in, the commented cgroup_device_acl, for post-copy migration).
HISTORIC_DEVICE_ACL = (
    "/dev/kqemu",
    "/dev/rtc",
    "/dev/hpet",
    "/dev/vfio/vfio",
    "/dev/net/tun",
    "/dev/userfaultfd",
)

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
    "unix_sock_admin_perms": "0700",  # libvirtd.conf.in: "Default allows only owner (root)"
    "access_drivers": [],  # empty: the nop driver, no API access control
    "tls_no_verify_certificate": 0,
    "tls_allowed_dn_list": None,
    "tcp_min_ssf": 56,
    "audit_level": 1,
    "audit_logging": 0,
    "log_outputs": None,
    "log_level": 3,
}


class Signed(int):
    """A number written with a leading `-` (virconf.c virConfParseValue: `type = (CUR == '-') ?
    VIR_CONF_LLONG : VIR_CONF_ULLONG`): virConfGetValueBool and virConfGetValueUInt take only
    VIR_CONF_ULLONG, so they refuse `-0` as they refuse `-1` (R25C-2)."""

    def __repr__(self) -> str:
        return "-0" if self == 0 else int.__repr__(self)


class MixedList(list[str]):
    """A list with an item that is no string (a number or a list, kept here as its text):
    virConfGetValueStringList refuses it ("expected a string list", virconf.c: every
    `eval->type != VIR_CONF_STRING`) (R25C-2). Its repr is the list as written."""

    def __init__(self, items: list[ConfValue]) -> None:
        super().__init__(str(i) for i in items)
        self.shown = f"[{', '.join(repr(i) for i in items)}]"

    def __repr__(self) -> str:
        return self.shown


class _ConfReader:
    """libvirt's configuration grammar as src/util/virconf.c reads it (virConfParse): statements
    `name = value` separated by a line end or `;`, `#` comments (whole lines or after a value);
    names start with a letter and go on with letters, digits and `_`; values are decimal
    integers with an optional sign (virConfParseLong: `0777` is 777), strings in '...' or
    "..." on one line or in \"\"\"...\"\"\" across lines (virConfParseString, no escapes), and
    [ lists ] of values separated by commas, a trailing comma allowed. Inside a list only
    blanks and line ends separate the items (SKIP_BLANKS_AND_EOL: IS_BLANK or IS_EOL, no `#`):
    a `#` comment there is a syntax error ("expecting a value" / "expecting a separator in
    list") and libvirt reads nothing of the file (R25C-1; it was skipped). A number written
    with `-` is virconf's VIR_CONF_LLONG, which the Bool and UInt getters refuse (`-0` too,
    kept as `Signed`); a list holding a number or a list is kept as `MixedList`, which
    virConfGetValueStringList refuses (R25C-2)."""

    def __init__(self, text: str, name: str) -> None:
        self.text, self.name, self.pos, self.line = text, name, 0, 1

    def error(self, what: str) -> InputError:
        return InputError(f"{self.name}:{self.line}: {what}")

    def peek(self, n: int = 1) -> str:
        return self.text[self.pos : self.pos + n]

    def skip_blanks(self) -> None:
        while self.peek() in (" ", "\t"):
            self.pos += 1

    def skip_blanks_and_eol(self) -> None:
        while self.pos < len(self.text):
            ch = self.peek()
            if ch in " \t\r":
                self.pos += 1
            elif ch == "\n":
                self.pos += 1
                self.line += 1
            else:
                return

    def skip_to_eol(self) -> None:
        while self.pos < len(self.text) and self.peek() not in ("\n", "\r"):
            self.pos += 1

    def string(self) -> str:
        """A quoted string as virConfParseString keeps it: g_strndup copies the bytes between
        the quotes up to the first NUL, so a NUL inside cuts the value there (R29Q-4: `"0.0.0.0
        <NUL>"` is 0.0.0.0 to libvirt, and crashed the checks that read it)."""
        return self._quoted().partition("\x00")[0]

    def _quoted(self) -> str:
        if self.peek(3) == '"""':
            end = self.text.find('"""', self.pos + 3)
            if end < 0:
                raise self.error("unterminated string")
            value = self.text[self.pos + 3 : end]
            self.line += value.count("\n")
            self.pos = end + 3
            return value
        quote = self.peek()
        self.pos += 1
        begin = self.pos
        while self.pos < len(self.text) and self.peek() not in (quote, "\n", "\r"):
            self.pos += 1
        if self.peek() != quote:
            raise self.error("unterminated string")
        self.pos += 1
        return self.text[begin : self.pos - 1]

    def value(self) -> ConfValue:
        self.skip_blanks()
        ch = self.peek()
        if ch in ("'", '"'):
            return self.string()
        if ch == "[":
            self.pos += 1
            items: list[ConfValue] = []
            self._list_blanks()
            while self.peek() != "]":
                if self.pos >= len(self.text):
                    raise self.error("unterminated list (not closed with ])")
                if items:
                    if self.peek() != ",":
                        raise self.error("expecting a separator in list")
                    self.pos += 1
                    self._list_blanks()
                    if self.peek() == "]":
                        break
                    if self.pos >= len(self.text):
                        raise self.error("unterminated list (not closed with ])")
                items.append(self.value())
                self._list_blanks()
            self.pos += 1
            if all(isinstance(i, str) for i in items):
                return [str(i) for i in items]
            return MixedList(items)
        m = re.compile(r"[-+]?[0-9]+").match(self.text, self.pos)
        if m is None:
            raise self.error(f"cannot read value {self.text[self.pos : self.pos + 40]!r}")
        self.pos = m.end()
        number = int(m.group(0))
        return Signed(number) if m.group(0).startswith("-") else number

    def _list_blanks(self) -> None:
        """Blanks and line ends between a list's items; a `#` there is where libvirt's reader
        stops (virconf.c virConfParseValue: SKIP_BLANKS_AND_EOL, then "expecting a value" or
        "expecting a separator in list"), so the whole file is refused (R25C-1)."""
        self.skip_blanks_and_eol()
        if self.peek() == "#":
            raise self.error(
                "a '#' comment inside a list: libvirt's reader refuses the file "
                "(virconf.c: only blanks and line ends may separate a list's items)"
            )

    def entries(self) -> Iterator[tuple[str, ConfValue, int]]:
        while True:
            self.skip_blanks_and_eol()
            if self.pos >= len(self.text):
                return
            if self.peek() == "#":
                self.skip_to_eol()
                continue
            m = re.compile(r"[A-Za-z][A-Za-z0-9_]*").match(self.text, self.pos)
            if m is None:
                raise self.error("expected 'key = value'")
            key, line = m.group(0), self.line
            self.pos = m.end()
            self.skip_blanks()
            if self.peek() != "=":
                raise self.error("expected 'key = value'")
            self.pos += 1
            value = self.value()
            self.skip_blanks()
            if self.peek() == "#":
                self.skip_to_eol()
            if self.pos < len(self.text) and self.peek() not in ("\n", "\r", ";"):
                raise self.error(f"expecting a separator after the value of {key}")
            if self.peek() == ";":
                self.pos += 1
            yield key, value, line


def parse_conf(text: str, name: str) -> tuple[dict[str, ConfValue], dict[str, int]]:
    """Return (key -> value, key -> line number) for a libvirt configuration file.

    libvirt's own reader (src/util/virconf.c) keeps every entry in file order and
    virConfGetValue returns the first whose name matches, so a key set twice has its FIRST
    value; the grammar is virconf.c's (see `_ConfReader`).
    Raises InputError with the file and line for a line it cannot read.
    """
    values: dict[str, ConfValue] = {}
    lines: dict[str, int] = {}
    for key, value, line in _ConfReader(text, name).entries():
        if key not in values:  # the first entry wins (virConfGetValue)
            values[key] = value
            lines[key] = line
    return values, lines


#: How libvirt's qemu driver reads the qemu.conf keys hvaudit judges (src/qemu/qemu_conf.c,
#: virQEMUDriverConfigLoad*Entry): virConfGetValueBool takes only an unsigned number 0 or 1,
#: virConfGetValueInt only a number, virConfGetValueString only a quoted string,
#: virConfGetValueStringList only a list of strings ("list" also a single string where
#: compatString is true: security_driver). Any other value fails virQEMUDriverConfigLoadFile,
#: and the qemu driver does not start (src/util/virconf.c "expected a bool for '%s' parameter").
_QEMU_KEY_TYPES: dict[str, str] = {
    **dict.fromkeys(
        (
            "security_default_confined",
            "security_require_confined",
            "vnc_auto_unix_socket",
            "spice_auto_unix_socket",
            "vnc_tls",
            "spice_tls",
            "vnc_sasl",
            "spice_sasl",
            "vnc_tls_x509_verify",
            "chardev_tls",
            "chardev_tls_x509_verify",
            "nbd_tls",
            "vxhs_tls",
            "default_tls_x509_verify",
            "migrate_tls_force",
            "migrate_tls_x509_verify",
            "relaxed_acs_check",
            "dynamic_ownership",
            "remember_owner",
            "clear_emulator_capabilities",
        ),
        "bool",
    ),
    "seccomp_sandbox": "int",
    **dict.fromkeys(
        (
            "user",
            "group",
            "vnc_listen",
            "spice_listen",
            "vnc_password",
            "spice_password",
            "migration_address",
            "stdio_handler",
        ),
        "string",
    ),
    "security_driver": "string or list",
    "cgroup_device_acl": "list",
    "namespaces": "list",
}


#: How libvirt's remote daemons (libvirtd, virtqemud, virtproxyd, ...) read their .conf
#: (src/remote/remote_daemon_config.c daemonConfigLoadOptions, every key read on each start):
#: virConfGetValueBool, String, StringList(compatString false: a list only), UInt (an unsigned
#: number up to UINT_MAX: virconf.c "expected an unsigned integer") and Int; remoteConfigGetAuth
#: reads the auth_* keys with virConfGetValueString and refuses any value but "none", "sasl",
#: "polkit" ("unsupported auth", compared with STREQ). Any refusal fails daemonConfigLoadFile and
#: the daemon does not start. The keys under `#ifdef WITH_IP` are read only by the daemons built
#: with it, the ones that listen on the network (libvirtd, virtproxyd): _DAEMON_IP_KEY_TYPES.
_DAEMON_KEY_TYPES: dict[str, str] = {
    **dict.fromkeys(("auth_unix_rw", "auth_unix_ro"), "auth"),
    **dict.fromkeys(("access_drivers", "sasl_allowed_username_list"), "list"),
    **dict.fromkeys(
        (
            "unix_sock_group",
            "unix_sock_admin_perms",
            "unix_sock_ro_perms",
            "unix_sock_rw_perms",
            "unix_sock_dir",
            "host_uuid",
            "host_uuid_source",
            "log_filters",
            "log_outputs",
        ),
        "string",
    ),
    **dict.fromkeys(
        (
            "min_workers",
            "max_clients",
            "max_queued_clients",
            "max_anonymous_clients",
            "prio_workers",
            "max_client_requests",
            "admin_min_workers",
            "admin_max_workers",
            "admin_max_clients",
            "admin_max_queued_clients",
            "admin_max_client_requests",
            "audit_level",
            "log_level",
            "keepalive_count",
            "admin_keepalive_count",
            "ovs_timeout",
        ),
        "uint",
    ),
    "audit_logging": "bool",
    "max_workers": "workers",
    **dict.fromkeys(("keepalive_interval", "admin_keepalive_interval"), "int"),
}
_DAEMON_IP_KEY_TYPES: dict[str, str] = {
    **dict.fromkeys(
        ("listen_tcp", "listen_tls", "tls_no_sanity_certificate", "tls_no_verify_certificate"),
        "bool",
    ),
    **dict.fromkeys(
        (
            "tls_port",
            "tcp_port",
            "listen_addr",
            "key_file",
            "cert_file",
            "ca_file",
            "crl_file",
            "tls_priority",
        ),
        "string",
    ),
    **dict.fromkeys(("auth_tcp", "auth_tls"), "auth"),
    "tls_allowed_dn_list": "list",
    "tcp_min_ssf": "ssf",
}
_IP_DAEMONS = ("libvirtd", "virtproxyd")


def _refused(
    types: dict[str, str], values: dict[str, ConfValue], lines: dict[str, int]
) -> tuple[str, int, str, ConfValue] | None:
    """The first key of `types` whose value in `values` libvirt's typed getter refuses: the key,
    its line, the type libvirt wants and the value found; None when every one is taken."""
    for key, kind in types.items():
        if key not in values:
            continue
        v = values[key]
        # virconf.c: Bool and UInt take only an unsigned number (a `-` one, -0 too, is
        # VIR_CONF_LLONG: Signed), Int any number from INT_MIN to INT_MAX (R25C-2)
        if kind == "bool":
            ok = isinstance(v, int) and not isinstance(v, Signed) and v in (0, 1)
            want = "a bool (0 or 1)"
        elif kind == "int":
            ok = isinstance(v, int) and -(2**31) <= v < 2**31
            want = "a number from -2147483648 to 2147483647" if isinstance(v, int) else "a number"
        elif kind in ("uint", "ssf", "workers"):
            ok = isinstance(v, int) and not isinstance(v, Signed) and 0 <= v <= 0xFFFFFFFF
            want = "an unsigned number"
            # daemonConfigLoadOptions refuses two values of the right type (R25C-5):
            # `tcp_min_ssf < SSF_WARNING_LEVEL` (56) "minimum SSF levels lower than 56 are not
            # supported", `max_workers < 1` "'max_workers' must be greater than 0"
            if ok and kind == "ssf" and isinstance(v, int) and v < 56:
                ok, want = False, "an unsigned number of at least 56"
            if ok and kind == "workers" and v == 0:
                ok, want = False, "an unsigned number greater than 0"
        elif kind == "string":
            ok = isinstance(v, str)
            want = "a string"
        elif kind == "auth":
            ok = v in ("none", "sasl", "polkit")
            want = 'one of the strings "none", "sasl", "polkit"'
        else:
            ok = (isinstance(v, list) and not isinstance(v, MixedList)) or (
                kind == "string or list" and isinstance(v, str)
            )
            want = "a string list" if kind == "list" else "a string or string list"
        if not ok:
            return key, lines.get(key, 0), want, v
    return None


def _local_address(addr: str) -> bool:
    """libvirt's test for migration_address and migration_host (src/qemu/qemu_conf.c
    virQEMUDriverConfigLoadNetworkEntry, after virStringStripIPv6Brackets): `STRPREFIX(addr,
    "localhost")` or virSocketAddrIsNumericLocalhost (src/util/virsocketaddr.c: the IPv4 address
    equal to INADDR_LOOPBACK, 127.0.0.1, or IN6_IS_ADDR_LOOPBACK, ::1)."""
    if addr.startswith("[") and addr.endswith("]") and ":" in addr:
        addr = addr[1:-1]
    if addr.startswith("localhost"):
        return True
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return False
    return ip in (ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1"))


def _qemu_value_refused(
    values: dict[str, ConfValue], lines: dict[str, int]
) -> tuple[str, int, str, ConfValue] | None:
    """The first value of the right type that libvirt's qemu driver still refuses
    (src/qemu/qemu_conf.c virQEMUDriverConfigLoad*Entry, each `return -1`; R25C-6):
    stdio_handler other than "logd"/"file" ("Unknown stdio handler"), a namespace other than
    "mount" (qemu_domain.c VIR_ENUM_IMPL(qemuDomainNamespace, ..., "mount"): "Unknown
    namespace"), migration_address or migration_host of the local machine ("must not be the
    address of the local machine"), a security_driver named twice ("Duplicate security
    driver"), allow_disk_format_probing = 1 ("no longer supported")."""
    checks: list[tuple[str, str, bool]] = []
    v = values.get("stdio_handler")
    if isinstance(v, str):
        checks.append(("stdio_handler", 'one of the strings "logd", "file"', v in ("logd", "file")))
    v = values.get("namespaces")
    if isinstance(v, list):
        checks.append(("namespaces", 'a list of known namespaces ("mount")', set(v) <= {"mount"}))
    for key in ("migration_address", "migration_host"):
        v = values.get(key)
        if isinstance(v, str):
            checks.append((key, "an address not of the local machine", not _local_address(v)))
    v = values.get("security_driver")
    if isinstance(v, list):
        checks.append(("security_driver", "security drivers named once", len(set(v)) == len(v)))
    if values.get("allow_disk_format_probing") == 1:
        checks.append(("allow_disk_format_probing", "0 (no longer supported)", False))
    for key, want, ok in sorted(checks, key=lambda c: lines.get(c[0], 0)):
        if not ok:
            return key, lines.get(key, 0), want, values[key]
    return None


def qemu_conf_refused(values: dict[str, ConfValue], lines: dict[str, int], name: str) -> str:
    """Why libvirt's qemu driver refuses qemu.conf for a key hvaudit judges whose value has a
    type its reader does not take (see _QEMU_KEY_TYPES), or a value it refuses
    (_qemu_value_refused), or "" when none has."""
    why = _refusal(_QEMU_KEY_TYPES, values, lines, name, "libvirt's qemu driver")
    if why or (bad := _qemu_value_refused(values, lines)) is None:
        return why
    key, line, want, v = bad
    return (
        f"{name}:{line}: libvirt's qemu driver refuses the file "
        f"(expected {want} for '{key}', found {v!r}), so it does not start with it"
    )


def daemon_conf_refused(
    daemon: str, values: dict[str, ConfValue], lines: dict[str, int], name: str
) -> str:
    """Why `daemon` refuses its .conf for a key whose value its reader does not take (see
    _DAEMON_KEY_TYPES), or "" when none has."""
    types = _DAEMON_KEY_TYPES
    if daemon in _IP_DAEMONS:
        types = {**_DAEMON_IP_KEY_TYPES, **types}
    return _refusal(types, values, lines, name, daemon)


def _refusal(
    types: dict[str, str], values: dict[str, ConfValue], lines: dict[str, int], name: str, who: str
) -> str:
    """The one-line reason `who` refuses file `name` (_refused), or "" when it takes it."""
    if (bad := _refused(types, values, lines)) is None:
        return ""
    key, line, want, v = bad
    return (
        f"{name}:{line}: {who} refuses the file "
        f"(expected {want} for '{key}', found {v!r}), so it does not start with it"
    )


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
    drivers = values.get("security_driver")
    if isinstance(drivers, list) and len(drivers) <= 1:
        # libvirt reads security_driver as a string list, a string being a list of one
        # (qemu_conf.c virQEMUDriverConfigLoadSecurityEntry: virConfGetValueStringList with
        # compatString true), and qemuSecurityInit (qemu_driver.c) probes the default driver
        # only where `cfg->securityDriverNames && cfg->securityDriverNames[0]` is false: so
        # [ "none" ] is "none" (the nop driver, virSecurityDriverLookup) and [] is unset (R29Q-2)
        out["security_driver"] = drivers[0] if drivers else None
    if (
        "migrate_tls_x509_verify" not in values
        and values.get("default_tls_x509_verify") is not None
    ):
        out["migrate_tls_x509_verify"] = values["default_tls_x509_verify"]
    return out, set(out) - set(values)
