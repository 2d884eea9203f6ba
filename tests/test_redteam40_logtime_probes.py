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

Held (kept as tests): the running daemon's `1:file:... 3:journald` (a file beside the journal)
with its file read passes.

Probed by script: the R40L-1 case on main (3511ccaf) first, with HVA-213 beside it (asked
there); libvirtd not running with its unit's EnvironmentFile= not collected held (asked on
main: the file it reads is then unknown too).

Tally: 1 finding: 1 false pass, 0 false n/a, 0 wrong fails; 2 cases in 1 test function; 1
failed on main before the fix (it passed wrongly); the held one passes there too.

Leads left:
- The running daemon's /proc/PID/environ unreadable (grep exit 2) where virt-admin is not
  installed: the unit's environment of the next start decides, not the one it started with.
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
