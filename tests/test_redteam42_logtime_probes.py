"""Red-team round 42 probes: logging (r42-logtime)

Harness: conftest's hardened Debian 12 host replayed through the real collector, parser and
engine (host_scan), as round 41's R41L-3 probes: libvirtd running (pid 700) without virt-admin,
its /proc/PID/environ (the collector's `grep -a -z -E` of libvirt's logging variables, NUL
separated) naming one variable twice, libvirtd.conf's log_outputs unset or `1:journald` (an
output writing debug). Each test asserts the exact status and message of HVA-213 (and HVA-200
for the outputs).

Findings (R42L-n):
- R42L-1 (false pass) HVA-200, HVA-213: a running libvirtd's environment naming a logging
  variable twice was read by its last value (parse.host._log_outputs_override `started[-1]`,
  _log_debug_env `values[-1]`). libvirt src/util/virlog.c virLogSetFromEnv reads
  LIBVIRT_DEBUG, LIBVIRT_LOG_FILTERS and LIBVIRT_LOG_OUTPUTS with getenv(3), and glibc
  stdlib/getenv.c getenv returns the first matching entry of __environ (both read with
  `find_string`); execve(2) passes a repeated name through. So
  `LIBVIRT_LOG_OUTPUTS=1:file:...` before `LIBVIRT_LOG_OUTPUTS=3:journald` passed both checks
  ("libvirtd.conf: log_outputs unset (the journal)") where the daemon writes a file only, and
  `LIBVIRT_DEBUG=1` / `LIBVIRT_LOG_FILTERS=1:*` before a `3` / `3:*` passed HVA-213 through a
  `1:journald` output the daemon floods at debug. Now parse.host._environ_value takes the
  first value, as getenv does, for all three: both fail, naming it.
- R42L-2 (wrong fail) HVA-213: the reverse order (`LIBVIRT_DEBUG=3` or
  `LIBVIRT_LOG_FILTERS=3:*` first, a debug one after it that getenv never returns) failed
  "(debug, floods the log)"; the same fix passes it.

Held: none apart from the fixed cases (each failed on main).

Probed by script: all five cases on main (5a31bfea): the three R42L-1 cases passed (HVA-213
"libvirtd.conf: log_outputs unset (the journal)", HVA-200 "logs forwarded over TLS ...";
"libvirtd.conf: log_outputs '1:journald'"), the two R42L-2 cases failed ("running libvirtd's
environment: LIBVIRT_DEBUG=1 (debug, floods the log)" and the LIBVIRT_LOG_FILTERS=1:* one).
Round 41's lead (the units' next-start LIBVIRT_DEBUG / LIBVIRT_LOG_FILTERS read where the
running environment lacks them) held by reading: _log_debug_env keeps the running
environment's pair ("" where unset) beside the units', HVA-213 counts the file's log_level
unless every pair overrides it with a valid non-debug level ("" counts as not), and
_debug_filters adds the file's log_filters whenever a pair is empty: the next start's setting
only adds fails, never a pass.

Tally: 2 findings: 1 false pass, 0 false n/a, 1 wrong fail; 5 cases in 2 test functions; 5
failed on main before the fix (3 passed wrongly, 2 failed wrongly).

Leads left:
- The units' environment (Environment= lines, EnvironmentFile=) naming a variable twice:
  which one _daemon_unit_env keeps (its dict update: the last) against systemd is not probed.
- A name in /proc/PID/environ without "=" or with a NUL inside a value the collector's grep
  splits: not probed.
- Round 41's legacy imjournal/imklog directives a module() statement drops, and a named
  /dev/log with libvirt's outputs known (journal only) asking rather than failing: not probed.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes

LIBVIRTD_CONF = "/etc/libvirt/libvirtd.conf"
FILE_OUT = 'log_outputs = "1:file:/var/log/libvirt/libvirtd.log"\n'
OVER_TLS = "logs forwarded over TLS to logs.example.internal"
FILE_ONLY = (
    "libvirtd (running libvirtd's environment: LIBVIRT_LOG_OUTPUTS): log_outputs "
    "'1:file:/var/log/libvirt/libvirtd.log' writes only to files or stderr"
)
JOURNAL_1 = "libvirtd.conf: log_outputs '1:journald'"


@pytest.mark.parametrize(
    ("environ", "status", "message200", "message213"),
    [
        # R42L-1: getenv takes the first of two; the file output is in force
        (
            (
                "LIBVIRT_LOG_OUTPUTS=1:file:/var/log/libvirt/libvirtd.log\0"
                "LIBVIRT_LOG_OUTPUTS=3:journald\0",
                0,
            ),
            "fail",
            f"{OVER_TLS}, but carrying none of libvirt's messages: {FILE_ONLY}",
            FILE_ONLY,
        ),
    ],
    ids=["outputs-first-file"],
)
def test_r42l1_duplicate_environment_outputs(
    host_scan, environ: tuple[object, ...], status: str, message200: str, message213: str
) -> None:
    a = host_scan({"libvirt-environ-700": environ})
    assert messages(a, "HVA-213") == {"hv1": message213}
    assert outcomes(a, "HVA-213") == {"hv1": status}
    assert messages(a, "HVA-200") == {"hv1": message200}
    assert outcomes(a, "HVA-200") == {"hv1": status}


@pytest.mark.parametrize(
    ("environ", "status", "message"),
    [
        # R42L-1: getenv takes the first: the daemon runs at debug through a debug output
        (
            ("LIBVIRT_DEBUG=1\0LIBVIRT_DEBUG=3\0", 0),
            "fail",
            "running libvirtd's environment: LIBVIRT_DEBUG=1 (debug, floods the log)",
        ),
        (
            ("LIBVIRT_LOG_FILTERS=1:*\0LIBVIRT_LOG_FILTERS=3:*\0", 0),
            "fail",
            "running libvirtd's environment: LIBVIRT_LOG_FILTERS=1:* (debug, floods the log)",
        ),
        # R42L-2: the first is not debug, the later debug one is never read
        (("LIBVIRT_DEBUG=3\0LIBVIRT_DEBUG=1\0", 0), "pass", JOURNAL_1),
        (("LIBVIRT_LOG_FILTERS=3:*\0LIBVIRT_LOG_FILTERS=1:*\0", 0), "pass", JOURNAL_1),
    ],
    ids=["debug-first-1", "filters-first-1", "debug-first-3", "filters-first-3"],
)
def test_r42l1_duplicate_environment_debug(
    host_scan, environ: tuple[object, ...], status: str, message: str
) -> None:
    a = host_scan(
        {
            LIBVIRTD_CONF: str(HARDENED_HOST[LIBVIRTD_CONF]) + 'log_outputs = "1:journald"\n',
            "libvirt-environ-700": environ,
        }
    )
    assert messages(a, "HVA-213") == {"hv1": message}
    assert outcomes(a, "HVA-213") == {"hv1": status}
