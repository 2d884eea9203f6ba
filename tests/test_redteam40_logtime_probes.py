"""Red-team round 40 probes: logging, audit forwarding and time sync (r40-logtime)

Harness: conftest's hardened Debian 12 host replayed through the real collector, parser and
engine (host_scan), its rsyslog configuration given the TLS omfwd action of
/etc/rsyslog.d/50-remote.conf (RSYSLOG_REMOTE), libvirtd.conf read (log_outputs unset: the
journal) and libvirtd running; where named, the running libvirtd's `virt-admin
daemon-log-outputs` answer. Each test asserts the exact status and message of HVA-200.

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

Held (kept as tests): the running daemon's `1:file:... 3:journald` (a file beside the journal)
with its file read passes; so does its environment read with `LIBVIRT_LOG_OUTPUTS=3:journald`.

Probed by script: the R40L-1 case on main (3511ccaf) and the R40L-2 case on R40L-1's fix first, with HVA-213 beside it (asked
there); libvirtd not running with its unit's EnvironmentFile= not collected held (asked on
main: the file it reads is then unknown too).

Tally: 2 findings: 2 false passes, 0 false n/a, 0 wrong fails; 4 cases in 2 test functions; 2
failed on main before the fixes (both passed wrongly); the 2 held pass there too.

Leads left:
- A running daemon whose environment was read without LIBVIRT_LOG_OUTPUTS still takes its
  units' next-start environment as its outputs (a wrong verdict either way at worst).
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes

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
