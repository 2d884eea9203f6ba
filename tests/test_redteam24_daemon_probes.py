"""Red-team round 24: libvirt's daemon configuration files as the daemons read them (rt24daemon).

Harness: the hardened Debian host replay (conftest `host_scan`: HARDENED_HOST plus overrides,
one plain libvirt test-driver VM web01), each case changing /etc/libvirt/libvirtd.conf.

Findings (ID-n):
- R24D-1 (false pass) HVA-130, HVA-132, HVA-201 and every check that judges a libvirtd.conf /
  virtqemud.conf / virtproxyd.conf key: hvaudit read a value of a type the daemon refuses as
  if it took it, so `access_drivers = "polkit"` (a plain string) passed HVA-130 "polkit access
  control", `audit_level = "2"` passed HVA-201, and `auth_unix_rw = [ "none" ]` or
  `auth_unix_rw = "None"` was judged as some auth. libvirt's src/remote/remote_daemon_config.c
  daemonConfigLoadOptions reads every key with a typed getter (virConfGetValueStringList
  with compatString false for access_drivers, tls_allowed_dn_list, sasl_allowed_username_list;
  virConfGetValueUInt for audit_level, log_level, tcp_min_ssf and the worker/client limits;
  virConfGetValueBool for listen_tcp, listen_tls, tls_no_verify_certificate, audit_logging;
  virConfGetValueString for listen_addr, unix_sock_*, log_outputs...), and remoteConfigGetAuth
  reads auth_* as a string and refuses anything but "none", "sasl", "polkit" (STREQ, "unsupported
  auth"); src/util/virconf.c's getters refuse any other type ("expected a string list",
  "expected an unsigned integer for '%s' parameter"), which fails daemonConfigLoadFile: the
  daemon does not start with that file, so what it says is no daemon's setting (both read
  with `find_string`/`read_file`). Such a file is now an error naming the file, line, key, the
  type libvirt wants and the value found. It reuses R24H-1's typed check
  (parse/libvirt_conf.py `_refused`); the keys under `#ifdef WITH_IP` are checked only for
  libvirtd and virtproxyd.

Held (kept as tests):
- the hardened libvirtd.conf (list, number, quoted auth) still passes HVA-130, HVA-201.

Tally: 5 cases in 2 test functions; 4 failed on main 0fed398 before R24D-1.

Leads left:
- Which daemons are built with WITH_IP (src/remote/meson.build) was not confirmed in the time:
  the IP keys are checked for libvirtd and virtproxyd only (virtqemud.conf's listen_tcp is not
  type-checked; that leaves no verdict worse than before).
- tcp_min_ssf below 56 makes the daemon refuse its file ("minimum SSF levels lower than 56 are
  not supported"); HVA-035 reports it as a weak setting (fail), not as a daemon that does not
  start.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes

CONF = "/etc/libvirt/libvirtd.conf"
LIBVIRTD_CONF = HARDENED_HOST[CONF]


def _conf(old: str, new: str) -> dict[str, str]:
    assert old in LIBVIRTD_CONF
    return {CONF: LIBVIRTD_CONF.replace(old, new)}


@pytest.mark.parametrize(
    ("change", "check", "line", "refusal"),
    [
        (
            ('access_drivers = [ "polkit" ]', 'access_drivers = "polkit"'),
            "HVA-130",
            1,
            "expected a string list for 'access_drivers', found 'polkit'",
        ),
        (
            ("audit_level = 2", 'audit_level = "2"'),
            "HVA-201",
            2,
            "expected an unsigned number for 'audit_level', found '2'",
        ),
        (
            ('auth_unix_rw = "polkit"', 'auth_unix_rw = [ "none" ]'),
            "HVA-132",
            3,
            'expected one of the strings "none", "sasl", "polkit" for \'auth_unix_rw\', '
            "found ['none']",
        ),
        (
            ('auth_unix_rw = "polkit"', 'auth_unix_rw = "None"'),
            "HVA-132",
            3,
            'expected one of the strings "none", "sasl", "polkit" for \'auth_unix_rw\', '
            "found 'None'",
        ),
    ],
)
def test_daemon_conf_value_libvirt_refuses_is_an_error(
    host_scan, change: tuple[str, str], check: str, line: int, refusal: str
) -> None:
    """R24D-1. libvirt src/remote/remote_daemon_config.c daemonConfigLoadOptions reads
    access_drivers with virConfGetValueStringList(compatString false), audit_level with
    virConfGetValueUInt, auth_unix_rw through remoteConfigGetAuth (virConfGetValueString, then
    STREQ "none"/"sasl"/"polkit", else "unsupported auth"); src/util/virconf.c refuses another
    type ("expected a string list", "expected an unsigned integer", "expected a string"), and
    daemonConfigLoadFile returns -1: libvirtd does not start with this file. hvaudit judged
    the value as set (`access_drivers = "polkit"` passed HVA-130)."""
    a = host_scan(_conf(*change))
    assert outcomes(a, check) == {"hv1": "error"}, messages(a, check)
    assert messages(a, check)["hv1"] == (
        f"evidence could not be collected: {CONF}:{line}: libvirtd refuses the file "
        f"({refusal}), so it does not start with it"
    )


def test_daemon_conf_of_libvirt_types_still_passes(host_scan) -> None:
    """R24D-1, held: the hardened libvirtd.conf (access_drivers a list, audit_level a number,
    auth_unix_rw a quoted known auth) is one libvirtd loads; its verdicts stand."""
    a = host_scan()
    for check in ("HVA-130", "HVA-201"):
        assert outcomes(a, check) == {"hv1": "pass"}, (check, messages(a, check))
