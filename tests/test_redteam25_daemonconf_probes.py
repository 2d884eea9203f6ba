"""Red-team round 25 probes: libvirt daemon configuration (rt25conf)

Harness: the hardened Debian host replay (conftest `host_scan`: HARDENED_HOST plus overrides,
one plain libvirt test-driver VM web01), each case changing /etc/libvirt/qemu.conf or
/etc/libvirt/libvirtd.conf; the parser (parse/libvirt_conf.py parse_conf) directly for the
grammar cases.

Findings:
- R25C-1 (false pass) HVA-053, HVA-130 and every check that judges a libvirt .conf key: a `#`
  comment inside a multi-line list (`cgroup_device_acl = [ ..., #"/dev/userfaultfd" ]`, the
  stock qemu.conf's list half uncommented) was skipped, and the list judged (HVA-053 "only
  default entries", HVA-130 "access_drivers = ['polkit']"). libvirt's reader
  (libvirt/libvirt src/util/virconf.c virConfParseValue) separates a list's items with
  SKIP_BLANKS_AND_EOL, which skips only IS_BLANK and IS_EOL characters; a `#` there fails with
  "expecting a value" or "expecting a separator in list", virConfParse frees the file and the
  daemon (or the qemu driver) does not start with it: what the file says is no daemon's
  setting. Now an error naming the file and line. (test_redteam_probes.py's
  test_multiline_list_with_comments_is_read asserted the old reading; it now expects the
  error.)
- R25C-2 (false pass) HVA-051, HVA-045, HVA-053, HVA-130, HVA-201 and every typed key: values
  libvirt's typed getters refuse were taken. virconf.c virConfParseValue types a number
  written with `-` VIR_CONF_LLONG (`type = (CUR == '-') ? VIR_CONF_LLONG : VIR_CONF_ULLONG`),
  and virConfGetValueBool / virConfGetValueUInt accept only VIR_CONF_ULLONG, so `-0` is
  refused ("expected a bool"); virConfGetValueInt refuses a value outside INT_MIN..INT_MAX
  ("must be in range"), so `seccomp_sandbox = 4294967297` passed HVA-045 as "enabled";
  virConfGetValueStringList refuses a list with any item that is not a string (`eval->type !=
  VIR_CONF_STRING`), but hvaudit turned `[ "mount", 0 ]` into ['mount', '0']. Each is now the
  R24H-1/R24D-1 refusal error (parse/libvirt_conf.py Signed, MixedList, _refused).
- R25C-3 (false pass) HVA-030, HVA-035: on a host without systemd (no systemctl: OpenRC on
  Gentoo or Alpine) libvirtd's next-start arguments were taken as "no --listen", so
  `LIBVIRTD_OPTS="--listen"` in /etc/conf.d/libvirtd with listen_tcp = 1 and auth_tcp = "none"
  passed HVA-030 "libvirt listens on local UNIX sockets only" until the next restart opened
  TCP 16509 without authentication. OpenRC's libvirtd service runs `command_args="-d
  ${LIBVIRTD_OPTS}"` (gentoo/gentoo app-emulation/libvirt/files/libvirtd.init-r18; the
  shipped libvirtd.confd-r6 offers `#LIBVIRTD_OPTS="--listen"`; alpinelinux/aports
  community/libvirt/libvirt.initd `command_args="${LIBVIRTD_OPTS}"`). /etc/conf.d/libvirtd is
  now collected and its plain assignments read (parse/host.py _openrc_listen): --listen there
  is the next start's listener (fail); the file absent, or shell beyond plain assignments,
  is the --listen question (manual).
- R25C-4 (false pass) HVA-030, HVA-035: the same host running virtproxyd: without any socket
  unit virtproxyd opens listen_tcp itself (src/remote/remote_daemon.c daemonSetupNetworking,
  "ipsock == 1 by default with virtproxyd"), but only a masked virtproxyd.socket was read as
  that mode, so virtproxyd.conf's listen_tcp = 1, auth_tcp = "none" passed. Now, where no
  libvirt socket unit is listed at all, virtproxyd's file is its next start's listener.
- R25C-5 (false pass) HVA-130 and every check of libvirtd.conf / virtproxyd.conf: two values of
  the right type that the daemon refuses were taken: `tcp_min_ssf` below 56 and
  `max_workers = 0` (libvirt/libvirt src/remote/remote_daemon_config.c daemonConfigLoadOptions:
  "minimum SSF levels lower than %d are not supported" with SSF_WARNING_LEVEL 56, "'max_workers'
  must be greater than 0"; both return -1 and the daemon does not start). HVA-130 passed on
  such a file and HVA-035 failed "tcp_min_ssf = 40" for a daemon that does not run with it;
  both are now the R24D-1 refusal error.
- R25C-6 (false pass) HVA-036, HVA-215, HVA-053 and every qemu.conf check: values of the right
  type that libvirt's qemu driver refuses were judged: stdio_handler other than "logd"/"file",
  a namespace other than "mount", migration_address (or migration_host) "localhost...",
  127.0.0.1 or [::1], a security driver named twice, allow_disk_format_probing = 1
  (libvirt/libvirt src/qemu/qemu_conf.c virQEMUDriverConfigLoad*Entry: "Unknown stdio
  handler", "Unknown namespace", "must not be the address of the local machine" with
  src/util/virsocketaddr.c virSocketAddrIsNumericLocalhost, "Duplicate security driver", "no
  longer supported"; each returns -1 and the driver does not start). HVA-036 passed
  "migration_address = loopback" for 127.0.0.1. Now the R24H-1 refusal error
  (parse/libvirt_conf.py _qemu_value_refused). Tests built on 127.0.0.1 (test_leads10,
  test_redteam21_host2: route_localnet opens all of 127/8) now use 127.0.0.2, which libvirt
  loads; test_loop17's R17-8 (slirp beside a loopback migration_address) now expects the
  error for 127.0.0.1 and the loopback pass for 127.0.0.2, which slirp does not reach (libslirp
  socket.c sotranslate_out rewrites the host address to loopback_addr, 127.0.0.1 only):
  checks/hardening.py keeps that fail for 127.0.0.1 alone.
- R25C-7 (false pass) HVA-130 and every libvirtd.conf check on an OpenRC host: `--config FILE`
  in LIBVIRTD_OPTS (src/remote/remote_daemon.c `{ "config", required_argument, NULL, 'f' }`)
  makes another file the one libvirtd's next start reads; only systemd units were read for it
  (R21S-4), so /etc/libvirt/libvirtd.conf was judged. Now that file is unavailable with the
  reason, as for a unit's --config.

Held (kept as tests):
- `+1` is VIR_CONF_ULLONG, a bool libvirt takes: vnc_tls = +1 still passes HVA-048.
- a key libvirt does not read may hold a nested list (virConfParseValue recurses into `[`, and
  only a getter would refuse it): `foo = [ [ "x" ] ]` no longer makes the file unreadable (it
  was a wrong error).
- migration_address = 127.0.0.2 is loaded (only INADDR_LOOPBACK is "numeric localhost").
- OpenRC's LIBVIRTD_OPTS="" (no --listen): HVA-030 still passes.
- duplicate keys: the first wins (virConfGetValue walks the entries in file order); already
  held by parse_conf, checked again here.

Probed by script: 11 file variants through the full scan (comments in three lists, `-0` in
three bools, a big seccomp_sandbox, numbers and a list inside two string lists, nested lists in
a read and an unread key), 7 checks each; 4 OpenRC variants (--listen, empty, absent, an
expansion) through HVA-030 and HVA-035; 7 qemu.conf values of the right type the driver refuses
through HVA-036/043/053/215; virtproxyd idle behind an active virtproxyd-tcp.socket with
virtqemud running (held: virtproxyd.conf judged, HVA-030 and HVA-035 fail); grammar edge cases
(CRLF, BOM, `listen_tcp = 1 2`, an empty value, `;;`, a value on the next line: hvaudit and
virconf.c both refuse or both read).

Tally: 7 findings, 7 false passes; 27 tests; 9 failed on main 54fb3cb before R25C-1/2, 3 of
the 4 OpenRC tests on 6eef24f (R25C-1/2 landed) before R25C-3;
the R25C-4 test on main before R25C-4; both R25C-5 tests on main before R25C-5; the 7 R25C-6 refusal tests on main before R25C-6; the R25C-7 test on main before R25C-7.

Leads left: a SysV init's /etc/default/libvirtd `libvirtd_opts` is not read (asked); qemu.conf
`user`/`group` naming an account libvirt cannot resolve (virGetUserID fails, driver refused)
is judged as set (NSS accounts make /etc/passwd alone insufficient); OpenRC init scripts of the
modular daemons (virtproxyd's own options) are not read; the slirp loopback rule in
checks/_loopback.py treats all of 127/8 as reachable for relays and listeners, while libslirp
rewrites the host address to 127.0.0.1 only (R25C-6 narrowed it for migration_address alone).
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from hvaudit.parse.libvirt_conf import parse_conf

QEMU = "/etc/libvirt/qemu.conf"
DAEMON = "/etc/libvirt/libvirtd.conf"
QEMU_CONF = HARDENED_HOST[QEMU]
LIBVIRTD_CONF = HARDENED_HOST[DAEMON]
COMMENT = (
    "a '#' comment inside a list: libvirt's reader refuses the file "
    "(virconf.c: only blanks and line ends may separate a list's items)"
)


@pytest.mark.parametrize(
    ("path", "text", "check", "line"),
    [
        (
            QEMU,
            QEMU_CONF + 'cgroup_device_acl = [\n    "/dev/null", "/dev/full", "/dev/zero",\n'
            '    "/dev/random", "/dev/urandom",\n    "/dev/ptmx", "/dev/kvm",\n'
            '    #"/dev/userfaultfd"\n]\n',
            "HVA-053",
            15,
        ),
        (QEMU, QEMU_CONF + 'namespaces = [ "mount" # keep it\n]\n', "HVA-053", 11),
        (
            DAEMON,
            LIBVIRTD_CONF.replace(
                'access_drivers = [ "polkit" ]', 'access_drivers = [\n  # ACLs\n  "polkit"\n]'
            ),
            "HVA-130",
            2,
        ),
    ],
)
def test_comment_inside_a_list_is_an_error(
    host_scan, path: str, text: str, check: str, line: int
) -> None:
    """R25C-1. libvirt/libvirt src/util/virconf.c: SKIP_BLANKS_AND_EOL skips `IS_BLANK(CUR) ||
    IS_EOL(CUR)` only; virConfParseValue's list loop then wants a value or `,` ("expecting a
    value", "expecting a separator in list"), and virConfParse fails the whole file. hvaudit
    skipped the comment and judged the list (pass)."""
    a = host_scan({path: text})
    assert outcomes(a, check) == {"hv1": "error"}, messages(a, check)
    assert messages(a, check)["hv1"] == (
        f"evidence could not be collected: {path}:{line}: {COMMENT}"
    )


@pytest.mark.parametrize(
    ("path", "text", "check", "refusal", "who"),
    [
        (
            QEMU,
            QEMU_CONF + "relaxed_acs_check = -0\n",
            "HVA-051",
            "expected a bool (0 or 1) for 'relaxed_acs_check', found -0",
            "libvirt's qemu driver",
        ),
        (
            QEMU,
            QEMU_CONF + "seccomp_sandbox = 4294967297\n",
            "HVA-045",
            "expected a number from -2147483648 to 2147483647 for 'seccomp_sandbox', "
            "found 4294967297",
            "libvirt's qemu driver",
        ),
        (
            QEMU,
            QEMU_CONF + 'namespaces = [ "mount", 0 ]\n',
            "HVA-053",
            "expected a string list for 'namespaces', found ['mount', 0]",
            "libvirt's qemu driver",
        ),
        (
            DAEMON,
            LIBVIRTD_CONF.replace(
                'access_drivers = [ "polkit" ]', 'access_drivers = [ "polkit", 1 ]'
            ),
            "HVA-130",
            "expected a string list for 'access_drivers', found ['polkit', 1]",
            "libvirtd",
        ),
        (
            DAEMON,
            LIBVIRTD_CONF + "audit_logging = -0\n",
            "HVA-130",
            "expected a bool (0 or 1) for 'audit_logging', found -0",
            "libvirtd",
        ),
    ],
)
def test_value_a_typed_getter_refuses_is_an_error(
    host_scan, path: str, text: str, check: str, refusal: str, who: str
) -> None:
    """R25C-2. libvirt/libvirt src/util/virconf.c: virConfParseValue types `-0` VIR_CONF_LLONG;
    virConfGetValueBool and virConfGetValueUInt take only VIR_CONF_ULLONG ("expected a bool",
    "expected an unsigned integer"); virConfGetValueInt refuses `cval->l > INT_MAX`;
    virConfGetValueStringList refuses a list item whose type is not VIR_CONF_STRING. The load
    fails (qemu_conf.c virQEMUDriverConfigLoadFile, remote_daemon_config.c
    daemonConfigLoadFile). hvaudit took -0 as 0, the big number as "enabled" and the numbers in
    the lists as strings (pass)."""
    a = host_scan({path: text})
    line = text.count("\n", 0, text.index(refusal.split("'")[1] + " =")) + 1
    assert outcomes(a, check) == {"hv1": "error"}, messages(a, check)
    assert messages(a, check)["hv1"] == (
        f"evidence could not be collected: {path}:{line}: {who} refuses the file "
        f"({refusal}), so it does not start with it"
    )


def test_plus_one_is_a_bool_libvirt_takes(host_scan) -> None:
    """Held: `+1` is VIR_CONF_ULLONG (virConfParseValue: only `-` makes LLONG), value 1."""
    a = host_scan({QEMU: QEMU_CONF.replace("vnc_tls = 1", "vnc_tls = +1")})
    assert outcomes(a, "HVA-048") == {"hv1": "pass"}, messages(a, "HVA-048")


def test_nested_list_in_an_unread_key_is_read() -> None:
    """Held (was a wrong error): virConfParseValue recurses for `[` inside a list; only a
    getter refuses a nested list, and no getter reads `foo`."""
    values, lines = parse_conf('foo = [ [ "x" ], 1 ]\nlisten_tcp = 0\n', "libvirtd.conf")
    assert values["listen_tcp"] == 0 and lines["listen_tcp"] == 2
    assert repr(values["foo"]) == "[['x'], 1]"


def test_first_of_duplicate_keys_wins() -> None:
    """Held: virconf.c virConfGetValue returns the first entry whose name matches."""
    values, lines = parse_conf('auth_tcp = "none"\nauth_tcp = "sasl"\n', "libvirtd.conf")
    assert values["auth_tcp"] == "none" and lines["auth_tcp"] == 1


#: A host without systemd (no systemctl: the unit commands are "command not found"), libvirtd
#: started by OpenRC without --listen now, libvirtd.conf asking for plain TCP without auth.
OPENRC = {
    "libvirt-units": None,
    "libvirt-socket-units": None,
    "libvirt-socket-unit-files": None,
    DAEMON: LIBVIRTD_CONF + 'listen_tcp = 1\nauth_tcp = "none"\n',
    "processes": (
        HARDENED_HOST["processes"][0].replace(
            "/usr/sbin/libvirtd --timeout 120", "/usr/sbin/libvirtd -d"
        ),
        *HARDENED_HOST["processes"][1:],
    ),
}
OPENRC_UNREAD = (
    "libvirtd's socket units are masked or absent and no systemd here, and /etc/conf.d/libvirtd "
    "(OpenRC's LIBVIRTD_OPTS) is absent: the arguments libvirtd's init script starts it with are "
    "not read"
)


def test_openrc_listen_option_is_the_next_start(host_scan) -> None:
    """R25C-3. gentoo/gentoo app-emulation/libvirt/files/libvirtd.init-r18: `command_args="-d
    ${LIBVIRTD_OPTS}"`, libvirtd.confd-r6 offers `#LIBVIRTD_OPTS="--listen"`;
    alpinelinux/aports community/libvirt/libvirt.initd `command_args="${LIBVIRTD_OPTS}"`. With
    --listen and no socket activation libvirtd opens listen_tcp (remote_daemon.c
    daemonSetupNetworking). hvaudit read a host without systemctl as "no --listen": pass."""
    a = host_scan({**OPENRC, "/etc/conf.d/libvirtd": 'rc_need="net"\nLIBVIRTD_OPTS="--listen"\n'})
    assert outcomes(a, "HVA-030") == {"hv1": "fail"}, messages(a, "HVA-030")
    assert messages(a, "HVA-030")["hv1"] == (
        "libvirtd starts with --listen (LIBVIRTD_OPTS='--listen' in /etc/conf.d/libvirtd), no "
        "socket unit installed: TCP 16509 with listen_tcp = 1 and auth_tcp = 'none' (no "
        "authentication, cleartext) from the next start"
    )
    assert outcomes(a, "HVA-035") == {"hv1": "fail"}, messages(a, "HVA-035")


@pytest.mark.parametrize(
    ("confd", "why"),
    [
        (None, OPENRC_UNREAD),
        (
            'LIBVIRTD_OPTS="${EXTRA} -d"\n',
            "libvirtd's socket units are masked or absent and /etc/conf.d/libvirtd:1 is shell "
            "beyond a plain assignment ('LIBVIRTD_OPTS=\"${EXTRA} -d\"'): LIBVIRTD_OPTS is not read",
        ),
    ],
)
def test_openrc_arguments_unread_is_a_question(host_scan, confd: str | None, why: str) -> None:
    """R25C-3. Without systemd and without a plain /etc/conf.d/libvirtd (a SysV script's
    /etc/default/libvirtd, another init, or shell the file runs), libvirtd's next-start
    arguments are not read: the --listen question, never "local UNIX sockets only"."""
    a = host_scan({**OPENRC, "/etc/conf.d/libvirtd": confd})
    for check in ("HVA-030", "HVA-035"):
        assert outcomes(a, check) == {"hv1": "manual"}, messages(a, check)
        assert messages(a, check)["hv1"] == why


def test_openrc_without_listen_option_holds(host_scan) -> None:
    """R25C-3, held: LIBVIRTD_OPTS without --listen (the shipped, commented-out file) opens no
    TCP at the next start: HVA-030 passes as before."""
    a = host_scan(
        {**OPENRC, "/etc/conf.d/libvirtd": '#LIBVIRTD_OPTS="--listen"\nLIBVIRTD_OPTS=""\n'}
    )
    assert messages(a, "HVA-030") == {"hv1": "libvirt listens on local UNIX sockets only"}
    assert outcomes(a, "HVA-030") == {"hv1": "pass"}


def test_virtproxyd_without_systemd_listens_itself(host_scan) -> None:
    """R25C-4. Without systemd there is no activation socket, and virtproxyd opens listen_tcp
    itself (src/remote/remote_daemon.c daemonSetupNetworking: "ipsock == 1 by default with
    virtproxyd", `(ipsock && config->listen_tcp)` opens tcp_port). hvaudit took only a masked
    virtproxyd.socket as that mode, so virtproxyd.conf's listen_tcp = 1 with auth_tcp = none
    passed HVA-030 on an OpenRC host until its next start."""
    procs = HARDENED_HOST["processes"]
    a = host_scan(
        {
            **OPENRC,
            DAEMON: None,
            "/etc/libvirt/virtproxyd.conf": 'listen_tcp = 1\nauth_tcp = "none"\n',
            "/etc/conf.d/libvirtd": "",
            "processes": (
                procs[0].replace(
                    "/usr/sbin/libvirtd --timeout 120",
                    "/usr/sbin/virtproxyd\n  701 root     /usr/sbin/virtqemud",
                ),
                *procs[1:],
            ),
        }
    )
    assert outcomes(a, "HVA-030") == {"hv1": "fail"}, messages(a, "HVA-030")
    assert messages(a, "HVA-030")["hv1"] == (
        "no socket unit installed (virtproxyd listens itself): TCP 16509 with listen_tcp = 1 "
        "and auth_tcp = 'none' (virtproxyd.conf) (no authentication, cleartext) from the next "
        "start"
    )


@pytest.mark.parametrize(
    ("added", "refusal"),
    [
        (
            "listen_tcp = 1\ntcp_min_ssf = 40\n",
            "expected an unsigned number of at least 56 for 'tcp_min_ssf', found 40",
        ),
        (
            "max_workers = 0\n",
            "expected an unsigned number greater than 0 for 'max_workers', found 0",
        ),
    ],
)
def test_value_daemon_refuses_is_an_error(host_scan, added: str, refusal: str) -> None:
    """R25C-5. libvirt/libvirt src/remote/remote_daemon_config.c daemonConfigLoadOptions:
    `rc > 0 && data->tcp_min_ssf < SSF_WARNING_LEVEL` "minimum SSF levels lower than %d are
    not supported" and `data->max_workers < 1` "'max_workers' must be greater than 0" return
    -1: libvirtd does not start with the file. hvaudit judged its other keys (HVA-130 passed
    "access_drivers = ['polkit']"; HVA-035 failed on tcp_min_ssf = 40)."""
    text = LIBVIRTD_CONF + added
    line = text.count("\n", 0, text.index(refusal.split("'")[1] + " =")) + 1
    a = host_scan({DAEMON: text})
    for check in ("HVA-130", "HVA-035") if "ssf" in added else ("HVA-130",):
        assert outcomes(a, check) == {"hv1": "error"}, messages(a, check)
        assert messages(a, check)["hv1"] == (
            f"evidence could not be collected: {DAEMON}:{line}: libvirtd refuses the file "
            f"({refusal}), so it does not start with it"
        )


def _migration(addr: str) -> str:
    return QEMU_CONF.replace('migration_address = "10.0.1.10"', f'migration_address = "{addr}"')


@pytest.mark.parametrize(
    ("text", "check", "line", "refusal"),
    [
        (
            QEMU_CONF + 'stdio_handler = "journald"\n',
            "HVA-215",
            11,
            "expected one of the strings \"logd\", \"file\" for 'stdio_handler', found 'journald'",
        ),
        (
            QEMU_CONF + 'namespaces = [ "mount", "net" ]\n',
            "HVA-053",
            11,
            "expected a list of known namespaces (\"mount\") for 'namespaces', "
            "found ['mount', 'net']",
        ),
        (
            _migration("127.0.0.1"),
            "HVA-036",
            8,
            "expected an address not of the local machine for 'migration_address', "
            "found '127.0.0.1'",
        ),
        (
            _migration("localhost"),
            "HVA-036",
            8,
            "expected an address not of the local machine for 'migration_address', "
            "found 'localhost'",
        ),
        (
            _migration("[::1]"),
            "HVA-036",
            8,
            "expected an address not of the local machine for 'migration_address', found '[::1]'",
        ),
        (
            QEMU_CONF.replace(
                'security_driver = "apparmor"', 'security_driver = [ "apparmor", "apparmor" ]'
            ),
            "HVA-053",
            4,
            "expected security drivers named once for 'security_driver', "
            "found ['apparmor', 'apparmor']",
        ),
        (
            QEMU_CONF + "allow_disk_format_probing = 1\n",
            "HVA-053",
            11,
            "expected 0 (no longer supported) for 'allow_disk_format_probing', found 1",
        ),
    ],
)
def test_qemu_conf_value_the_driver_refuses_is_an_error(
    host_scan, text: str, check: str, line: int, refusal: str
) -> None:
    """R25C-6. libvirt/libvirt src/qemu/qemu_conf.c virQEMUDriverConfigLoad*Entry return -1
    (virQEMUDriverConfigLoadFile fails, the qemu driver does not start) on "Unknown stdio
    handler", "Unknown namespace" (qemu_domain.c: the only namespace is "mount"),
    "migration_address must not be the address of the local machine" (STRPREFIX "localhost"
    or src/util/virsocketaddr.c virSocketAddrIsNumericLocalhost: 127.0.0.1, ::1, brackets
    stripped), "Duplicate security driver" and "allow_disk_format_probing is no longer
    supported". hvaudit judged the file (HVA-036 passed "migration_address = loopback")."""
    a = host_scan({QEMU: text})
    assert outcomes(a, check) == {"hv1": "error"}, messages(a, check)
    assert messages(a, check)["hv1"] == (
        f"evidence could not be collected: {QEMU}:{line}: libvirt's qemu driver refuses the "
        f"file ({refusal}), so it does not start with it"
    )


def test_other_loopback_migration_address_is_taken(host_scan) -> None:
    """R25C-6, held: virSocketAddrIsNumericLocalhost compares with INADDR_LOOPBACK only, so
    migration_address = 127.0.0.2 is loaded and judged (loopback: pass)."""
    a = host_scan({QEMU: _migration("127.0.0.2")})
    assert messages(a, "HVA-036") == {
        "hv1": "migration_address = loopback, migrate_tls_x509_verify = 1"
    }


def test_openrc_config_option_names_another_file(host_scan) -> None:
    """R25C-7. libvirtd's `-f, --config FILE` (src/remote/remote_daemon.c `{ "config",
    required_argument, NULL, 'f' }`) in OpenRC's LIBVIRTD_OPTS (gentoo libvirtd.init-r18
    `command_args="-d ${LIBVIRTD_OPTS}"`) makes another file than /etc/libvirt/libvirtd.conf
    the one its next start reads; hvaudit judged /etc/libvirt/libvirtd.conf (HVA-130 passed)."""
    a = host_scan(
        {**OPENRC, "/etc/conf.d/libvirtd": 'LIBVIRTD_OPTS="--config /etc/libvirt/alt.conf"\n'}
    )
    assert outcomes(a, "HVA-130") == {"hv1": "manual"}, messages(a, "HVA-130")
    assert messages(a, "HVA-130")["hv1"] == (
        "evidence unavailable: libvirtd's init script starts it with --config "
        "/etc/libvirt/alt.conf (LIBVIRTD_OPTS='--config /etc/libvirt/alt.conf' in "
        "/etc/conf.d/libvirtd), a file hvaudit does not collect: /etc/libvirt/libvirtd.conf is "
        "not what its next start reads"
    )
