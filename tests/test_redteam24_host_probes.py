"""Red-team round 24: libvirt's configuration files as libvirt reads them (rt24host).

Harness: the hardened Debian host replay (conftest `host_scan`: HARDENED_HOST plus overrides,
one plain libvirt test-driver VM web01), each case changing /etc/libvirt/qemu.conf.

Findings (ID-n):
- R24H-1 (false pass) HVA-032, HVA-045, HVA-048 and every check that judges a qemu.conf key:
  hvaudit read a value of the wrong type as if libvirt took it (`vnc_tls = "1"`,
  `migrate_tls_force = 2`, `seccomp_sandbox = "0"`, `cgroup_device_acl = "/dev/mem"`), so
  `seccomp_sandbox = "0"` passed "seccomp_sandbox = 0" and `security_require_confined = "1"`
  etc. were judged as set. libvirt's qemu driver reads those keys with typed getters
  (src/qemu/qemu_conf.c virQEMUDriverConfigLoadSecurityEntry/VNCEntry/SpecificTLSEntry:
  virConfGetValueBool for vnc_tls, security_*_confined, dynamic_ownership, remember_owner,
  migrate_tls_force; virConfGetValueInt for seccomp_sandbox; virConfGetValueString for user,
  group, *_listen, migration_address, stdio_handler; virConfGetValueStringList(compatString
  false) for cgroup_device_acl and namespaces, true for security_driver), and
  src/util/virconf.c's getters refuse any other type ("expected a bool for '%s' parameter",
  "value for '%s' parameter must be 0 or 1", "expected a string", "expected a string list"),
  which fails virQEMUDriverConfigLoadFile: the qemu driver does not start with that file, so
  what it says is no daemon's setting (both read with `find_string`/`read_file`). Such a
  qemu.conf is now an error naming the key, the type libvirt wants and the value found.

Held (kept as tests):
- a qemu.conf whose judged keys have libvirt's types (the hardened baseline) still passes.
- qemu.conf keys are case-sensitive (virConfGetValue compares with STREQ outside VMX format):
  `Security_Driver = "none"` changes nothing.

Probed by script, not kept (no verdict change, or already right):
- security_driver = [ "apparmor", "none" ] / [ "none" ] / [ ]: HVA-043 judges the running
  QEMU's confinement, which is what the hardened replay shows.
- user = "+0", user = "root": HVA-042 fails; namespaces = [] and cgroup_device_acl with
  /dev/mem or /dev/sda: HVA-053 fails.
- unix_sock_rw_perms = 0777 (unquoted), "0x1ff", "777": auth_unix_rw = "polkit" decides;
  non-octal modes count as open (management._world_writable).

Tally: 8 cases in 3 test functions; 6 failed on main 051780e before R24H-1.

Leads left:
- libvirtd.conf / virtqemud.conf keys of the wrong type (auth_unix_rw = [ "none" ],
  audit_level = "2", access_drivers = "polkit" as a string: libvirt's
  remote_daemon_config.c reads access_drivers with virConfGetValueStringList(compatString
  false), so a plain string stops the daemon) are still judged as set.
- `auth_unix_rw = "None"` (remoteConfigGetAuth compares case-sensitively and refuses it) is
  judged as "not none".
- a `#` comment inside a multi-line list: hvaudit reads it, libvirt's SKIP_BLANKS_AND_EOL
  may not (not confirmed in the time).
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes

QEMU_CONF = HARDENED_HOST["/etc/libvirt/qemu.conf"]


def _qemu(old: str, new: str) -> dict[str, str]:
    assert old in QEMU_CONF
    return {"/etc/libvirt/qemu.conf": QEMU_CONF.replace(old, new)}


@pytest.mark.parametrize(
    ("change", "check", "refusal"),
    [
        (
            ("vnc_tls = 1", 'vnc_tls = "1"'),
            "HVA-048",
            "expected a bool (0 or 1) for 'vnc_tls', found '1'",
        ),
        (
            ("migrate_tls_force = 1", "migrate_tls_force = 2"),
            "HVA-032",
            "expected a bool (0 or 1) for 'migrate_tls_force', found 2",
        ),
        (
            ("security_require_confined = 1", 'security_require_confined = "1"'),
            "HVA-048",
            "expected a bool (0 or 1) for 'security_require_confined', found '1'",
        ),
        (
            ("vnc_tls = 1\n", 'vnc_tls = 1\nseccomp_sandbox = "0"\n'),
            "HVA-045",
            "expected a number for 'seccomp_sandbox', found '0'",
        ),
        (
            ("vnc_tls = 1\n", 'vnc_tls = 1\ncgroup_device_acl = "/dev/kvm"\n'),
            "HVA-053",
            "expected a string list for 'cgroup_device_acl', found '/dev/kvm'",
        ),
        (
            ('user = "libvirt-qemu"', "user = 107"),
            "HVA-042",
            "expected a string for 'user', found 107",
        ),
    ],
)
def test_qemu_conf_value_of_a_type_libvirt_refuses_is_an_error(
    host_scan, change: tuple[str, str], check: str, refusal: str
) -> None:
    """R24H-1. libvirt src/qemu/qemu_conf.c reads these keys with virConfGetValueBool / Int /
    String / StringList(compatString false); src/util/virconf.c refuses any other type
    (virConfGetValueBool: `if (cval->type != VIR_CONF_ULLONG)` "expected a bool", `> 1` "must
    be 0 or 1"; virConfGetValueInt: "expected a signed integer"; virConfGetValueString:
    "expected a string"; virConfGetValueStringList: "expected a string list"), and
    virQEMUDriverConfigLoadFile returns -1: the qemu driver does not start with this file.
    hvaudit judged the value as set (`seccomp_sandbox = "0"` passed HVA-045)."""
    a = host_scan(_qemu(*change))
    assert outcomes(a, check) == {"hv1": "error"}, messages(a, check)
    assert messages(a, check)["hv1"] == (
        "evidence could not be collected: /etc/libvirt/qemu.conf:"
        f"{_line(_qemu(*change), refusal)}: libvirt's qemu driver refuses the file "
        f"({refusal}), so it does not start with it"
    )


def _line(files: dict[str, str], refusal: str) -> int:
    key = refusal.split("'")[1]
    for n, line in enumerate(files["/etc/libvirt/qemu.conf"].splitlines(), 1):
        if line.startswith(f"{key} ="):
            return n
    raise AssertionError(key)


def test_qemu_conf_of_libvirt_types_still_passes(host_scan) -> None:
    """R24H-1, held: the hardened qemu.conf (quoted user/group/security_driver/
    migration_address, 0/1 numbers for the bools) is one libvirt loads; its verdicts stand."""
    a = host_scan()
    for check in ("HVA-032", "HVA-045", "HVA-048", "HVA-053"):
        assert outcomes(a, check) == {"hv1": "pass"}, (check, messages(a, check))


def test_qemu_conf_keys_are_case_sensitive(host_scan) -> None:
    """Held: virconf.c virConfGetValue matches names with STREQ (STRCASEEQ only in VMX format),
    so `Security_Driver = "none"` is no security_driver; the AppArmor confinement stands."""
    a = host_scan(_qemu("vnc_tls = 1\n", 'vnc_tls = 1\nSecurity_Driver = "none"\n'))
    assert outcomes(a, "HVA-043") == {"hv1": "pass"}, messages(a, "HVA-043")
