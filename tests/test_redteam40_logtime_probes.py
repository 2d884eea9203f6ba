"""Red-team round 40 probes: logging, audit forwarding and time sync (r40-logtime)

Harness: conftest's hardened Debian 12 host replayed through the real collector, parser and
engine (host_scan), its rsyslog configuration given the TLS omfwd action of
/etc/rsyslog.d/50-remote.conf (RSYSLOG_REMOTE), libvirtd.conf read (log_outputs unset: the
journal) and libvirtd running; where named, the running libvirtd's `virt-admin
daemon-log-outputs` answer, its /proc/PID/environ, or /etc/systemd/system.conf, a
system.conf.d drop-in and /proc/cmdline beside `log_outputs = "3:stderr"`. Each test asserts
the exact status and message of HVA-200 (and of HVA-213 for R40L-3); for R40L-4 the
daemon units' `systemctl cat` fails to reach the bus.

Findings (R40L-n):
- R40L-1 (false pass) HVA-200: where libvirtd.conf was read and the running libvirtd's
  `virt-admin daemon-log-outputs` did not answer (the admin socket refused: "Permission
  denied"), rsyslog's TLS forwarding passed "logs forwarded over TLS" while HVA-213 asked:
  checks._libvirt.libvirt_log_unrouted skipped every daemon whose outputs in force were
  unknown (log_outputs_override unavailable) and libvirt_log_unread skipped every daemon
  whose file was read (the R39L lead). libvirt src/util/virdaemon.c virDaemonSetupLogging
  ("cmdline > environment > config") and docs/kbase/debuglogs.rst (`virt-admin
  daemon-log-outputs OUTPUTS` changes a running daemon's outputs until it restarts): the
  file's journal need not be what the daemon writes to, and a file-only set reaches no
  forwarder (R38L-1). Now libvirt_log_unread names such a daemon and HVA-200 asks which
  outputs are in force, as it does for an unread file (R39L-1).
- R40L-2 (false pass) HVA-200: where virt-admin is not installed and the running libvirtd's
  /proc/PID/environ could not be read (grep exit 2, "Permission denied": a collector not
  run as root), parse.host._log_outputs_override fell back to the units' environment of the
  next start, which sets no LIBVIRT_LOG_OUTPUTS, and HVA-200 passed while HVA-213 asked
  (_log_debug_env reads the same artefact as unavailable). The daemon's outputs are those
  of the environment it started with (virDaemonSetupLogging, HL16-6), which a hand start or
  a since-edited unit may have set. Now the override is unavailable there, and R40L-1's
  question is asked.
- R40L-3 (false pass) HVA-200, HVA-213: a `3:stderr` libvirt output passed both ("stderr goes
  to the journal") where libvirtd.service sets no StandardError= and the service manager's
  default sends it elsewhere: `DefaultStandardError=null` in /etc/systemd/system.conf, or
  `systemd.default_standard_output=null` on the kernel command line (standard error inherits
  it). systemd-system.conf(5): DefaultStandardOutput=/DefaultStandardError= "controls the
  default for StandardOutput= and StandardError="; the first main system.conf found is used
  and system.conf.d drop-ins override it; systemd src/core/main.c parse_configuration reads
  the kernel command line after the files. system.conf was not collected (the R37L lead).
  Now the collector reads the four main files and the drop-in directories and
  parse.host._stderr_elsewhere takes the manager's defaults for a setting the unit leaves
  unset (_manager_std_defaults): both checks fail naming the setting.
- R40L-4 (false pass) HVA-200: where the running libvirtd's outputs were read with virt-admin
  (`3:journald`) but `systemctl cat libvirtd.service virtqemud.service` did not answer
  ("Failed to connect to bus"), HVA-200 passed while HVA-213 asked: the unit's LogLevelMax=
  above err (R35L-3), LogNamespace= (R37L-3) and StandardError= (R37L-4) each keep libvirt's
  messages from the forwarder, and parse.host read them as absent where the units were
  unread. Now LibvirtHost.units_unread records why, and _libvirt.libvirt_log_unread asks
  (its question names the units and those settings).

Held (kept as tests): the running daemon's `1:file:... 3:journald` (a file beside the journal)
with its file read passes; so does its environment read with `LIBVIRT_LOG_OUTPUTS=3:journald`;
a system.conf.d drop-in's `DefaultStandardError=journal` over the main file's null, and the
shipped file's commented defaults, pass `3:stderr` in both checks; virt-admin's `3:journald`
with Debian's libvirtd.service read passes.

Probed by script: the R40L-1 case on main (3511ccaf), the R40L-2 case on R40L-1's fix and the
R40L-3 cases on main (85313955) and the R40L-4 case on main (04334544) first, with HVA-213 beside it (asked
there); libvirtd not running with its unit's EnvironmentFile= not collected held (asked on
main: the file it reads is then unknown too).

Tally: 4 findings: 4 false passes, 0 false n/a, 0 wrong fails; 10 cases in 4 test functions;
5 failed on main before the fixes (all passed wrongly); the 5 held pass there too.

Leads left:
- system.conf or its drop-ins collected but unreadable leave the compiled-in defaults
  (journal, inherit) assumed, as before R40L-3: a question may be due there. The manager's
  defaults read are those of its next start (daemon-reexec), not of the running daemon.
- A running daemon whose environment was read without LIBVIRT_LOG_OUTPUTS still takes its
  units' next-start environment as its outputs (a wrong verdict either way at worst).
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes

OVER_TLS = "logs forwarded over TLS to logs.example.internal"
REFUSED = "error: Failed to connect socket to '/run/libvirt/libvirt-admin-sock': Permission denied"


@pytest.mark.parametrize(
    ("answer", "status", "message"),
    [
        # R40L-1: the running daemon's outputs not read: the file's journal is not the last word
        (
            ("", 1, f"{REFUSED}\n"),
            "manual",
            f"{OVER_TLS}, but whether libvirt's messages reach them is not in the evidence: its "
            "log outputs are unknown (the running libvirtd's log outputs were not read "
            f"(`virt-admin -c libvirtd:///system daemon-log-outputs`: {REFUSED}))",
        ),
        # held: the running daemon writes to a file and to the journal, which rsyslog reads
        (("1:file:/var/log/libvirt/libvirtd.log 3:journald\n", 0), "pass", OVER_TLS),
    ],
    ids=["virt-admin-refused", "running-file-and-journald"],
)
def test_r40l1_running_outputs_unread(
    host_scan, answer: tuple[object, ...], status: str, message: str
) -> None:
    a = host_scan({"libvirt-log-outputs-libvirtd": answer})
    assert messages(a, "HVA-200") == {"hv1": message}
    assert outcomes(a, "HVA-200") == {"hv1": status}


DENIED = "grep: /proc/700/environ: Permission denied"


@pytest.mark.parametrize(
    ("environ", "status", "message"),
    [
        # R40L-2: virt-admin not installed and the environment libvirtd started with unread
        (
            ("", 2, f"{DENIED}\n"),
            "manual",
            f"{OVER_TLS}, but whether libvirt's messages reach them is not in the evidence: its "
            "log outputs are unknown (the running libvirtd's environment was not read "
            f"(/proc/PID/environ: {DENIED}))",
        ),
        # held: the environment it started with read, sending its outputs to the journal
        (("LIBVIRT_LOG_OUTPUTS=3:journald\0", 0), "pass", OVER_TLS),
    ],
    ids=["environ-denied", "environ-journald"],
)
def test_r40l2_running_environment_unread(
    host_scan, environ: tuple[object, ...], status: str, message: str
) -> None:
    a = host_scan({"libvirt-environ-700": environ})
    assert messages(a, "HVA-200") == {"hv1": message}
    assert outcomes(a, "HVA-200") == {"hv1": status}


LIBVIRTD_CONF = "/etc/libvirt/libvirtd.conf"
SYSTEM_CONF = "/etc/systemd/system.conf"
DROPIN_D = "/etc/systemd/system.conf.d/50-log.conf"
CMDLINE = "BOOT_IMAGE=/vmlinuz-6.1.0-28-amd64 root=/dev/mapper/vg-root ro quiet"
STDERR_ONLY = "libvirtd.conf: log_outputs '3:stderr' writes only to files or stderr"


@pytest.mark.parametrize(
    ("system_conf", "dropins", "cmdline", "setting"),
    [
        # R40L-3: the manager's default standard error, which libvirtd.service leaves unset
        (
            "[Manager]\nDefaultStandardError=null\n",
            None,
            "",
            f"DefaultStandardError=null in {SYSTEM_CONF}",
        ),
        # R40L-3: stderr inherits standard output, whose default the kernel command line sets
        # (dashes are underscores there: proc_cmdline_key_streq)
        (
            None,
            None,
            " systemd.default-standard-output=null",
            "kernel command line systemd.default_standard_output=null",
        ),
        # held: a drop-in puts the default back in the journal (it overrides the main file)
        (
            "[Manager]\nDefaultStandardError=null\n",
            f"{DROPIN_D}:[Manager]\n{DROPIN_D}:DefaultStandardError=journal\n",
            "",
            None,
        ),
        # held: the shipped file's commented defaults set nothing
        (
            "[Manager]\n#DefaultStandardOutput=journal\n#DefaultStandardError=inherit\n",
            None,
            "",
            None,
        ),
    ],
    ids=["default-error-null", "cmdline-output-null", "dropin-journal", "shipped-comments"],
)
def test_r40l3_manager_default_stderr(
    host_scan, system_conf: str | None, dropins: str | None, cmdline: str, setting: str | None
) -> None:
    over: dict[str, object] = {
        LIBVIRTD_CONF: str(HARDENED_HOST[LIBVIRTD_CONF]) + 'log_outputs = "3:stderr"\n',
        SYSTEM_CONF: system_conf,
        "/proc/cmdline": f"{CMDLINE}{cmdline}\n",
    }
    if dropins is not None:
        over["system-conf-d"] = (dropins, 0)
    a = host_scan(over)
    if setting is None:
        status, message200 = "pass", OVER_TLS
        message213 = "libvirtd.conf: log_outputs '3:stderr' (stderr goes to the journal)"
    else:
        status = "fail"
        message213 = f"{STDERR_ONLY}, and {setting} sends stderr elsewhere than the journal"
        message200 = f"{OVER_TLS}, but carrying none of libvirt's messages: {message213}"
    assert messages(a, "HVA-200") == {"hv1": message200}
    assert outcomes(a, "HVA-200") == {"hv1": status}
    assert messages(a, "HVA-213") == {"hv1": message213}
    assert outcomes(a, "HVA-213") == {"hv1": status}


BUS = "Failed to connect to bus: No such file or directory"


@pytest.mark.parametrize(
    ("units", "status", "message"),
    [
        # R40L-4: virt-admin reads the running outputs (the journal), but the unit, whose
        # LogLevelMax=, LogNamespace= or StandardError= may keep them from the forwarder, is unread
        (
            ("", 1, f"{BUS}\n"),
            "manual",
            f"{OVER_TLS}, but whether libvirt's messages reach them is not in the evidence: its "
            "log outputs are unknown (libvirt's daemon units were not read (exit status 1: "
            f"{BUS}): their LogLevelMax=, LogNamespace= and StandardError= are unknown)",
        ),
        # held: the units read (Debian's libvirtd.service, no drop-in) settle it
        (HARDENED_HOST["libvirt-units"], "pass", OVER_TLS),
    ],
    ids=["units-unread", "units-read"],
)
def test_r40l4_units_unread_beside_running_outputs(
    host_scan, units: tuple[object, ...], status: str, message: str
) -> None:
    a = host_scan({"libvirt-units": units, "libvirt-log-outputs-libvirtd": ("3:journald\n", 0)})
    assert messages(a, "HVA-200") == {"hv1": message}
    assert outcomes(a, "HVA-200") == {"hv1": status}
