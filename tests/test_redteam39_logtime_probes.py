"""Red-team round 39 probes: logging, audit forwarding and time sync (r39-logtime)

Harness: conftest's hardened Debian 12 host replayed through the real collector, parser and
engine (host_scan), its rsyslog configuration given the TLS omfwd action of
/etc/rsyslog.d/50-remote.conf (RSYSLOG_REMOTE), /etc/libvirt/libvirtd.conf unreadable
(PermissionError in the replay: the collector records "Permission denied"), and where named the
running libvirtd's `virt-admin daemon-log-outputs` answer. Each test asserts the exact status
and message of HVA-200.

Findings (R39L-n):
- R39L-1 (false pass) HVA-200: where libvirtd.conf could not be read, rsyslog's TLS forwarding
  passed "logs forwarded over TLS", both with no running daemon's outputs (the file, which HVA-213
  cannot read either, may set `log_outputs = "3:file:..."`, which no forwarder reads) and where
  the running libvirtd's outputs (`virt-admin daemon-log-outputs`) were read and write only to
  a file: checks._libvirt.libvirt_log_unrouted skipped every daemon whose file was unknown
  before it looked at the outputs in force (the R38L lead). libvirt docs/logging.rst ("Logging
  in the daemon", cited in libvirt_log_unrouted): outputs are stderr, syslog:NAME, file:PATH
  or journald, so a file-only set reaches no system log. Now the running daemon's outputs are
  judged without its file (a file-only set fails as R38L-1's), and where neither is read
  HVA-200 asks which outputs are in force (_libvirt.libvirt_log_unread).

Held (kept as tests): the running daemon's `3:journald` with the file unreadable passes.

Probed by script: the 3 cases on main (d93357dd) first; chrony minsources/maxdistance and
augenrules `-e 0` not reached this round (deadline).

Tally: 1 finding: 1 false pass, 0 false n/a, 0 wrong fails; 3 cases in 1 test function; 2
failed on main before the fix (both passed wrongly); the held one passes there too.

Leads left:
- chrony minsources/maxdistance and server options that make a source unusable (maxdelay,
  minstratum beyond a source's stratum); augenrules with -e 0 in a rules file (not probed in
  rounds 36-39).
- HVA-200 does not weigh a daemon whose file was read but whose running outputs probe failed
  (log_outputs_override unknown): left to HVA-213 as before.
- HVA-200 does not read which file an imfile input or syslog-ng file() source reads (asked).
"""

from __future__ import annotations

import pytest

from conftest import DEBIAN_RSYSLOG_MAIN, RSYSLOG_REMOTE, messages, outcomes

LIBVIRTD_CONF = "/etc/libvirt/libvirtd.conf"
OVER_TLS = "logs forwarded over TLS to logs.example.internal"
FILE_OUT = "3:file:/var/log/libvirt/libvirtd.log"


@pytest.mark.parametrize(
    ("live", "status", "message"),
    [
        # R39L-1: the file unread and no running outputs: which outputs are in force is asked
        (
            None,
            "manual",
            f"{OVER_TLS}, but whether libvirt's messages reach them is not in the evidence: its "
            f"log outputs are unknown ({LIBVIRTD_CONF}: Permission denied)",
        ),
        # R39L-1: the running daemon writes only to a file: no forwarder carries its messages
        (
            FILE_OUT,
            "fail",
            f"{OVER_TLS}, but carrying none of libvirt's messages: libvirtd (running, virt-admin "
            f"daemon-log-outputs): log_outputs {FILE_OUT!r} writes only to files or stderr",
        ),
        # held: the running daemon writes to the journal, which rsyslog reads
        ("3:journald", "pass", OVER_TLS),
    ],
    ids=["unread", "running-file", "running-journald"],
)
def test_r39l1_libvirtd_conf_unread(host_scan, live: str | None, status: str, message: str) -> None:
    over: dict[str, object] = {
        LIBVIRTD_CONF: PermissionError("Permission denied"),
        "rsyslog-config": (DEBIAN_RSYSLOG_MAIN + RSYSLOG_REMOTE, 0),
    }
    if live is not None:
        over["libvirt-log-outputs-libvirtd"] = (f"{live}\n", 0)
    a = host_scan(over)
    assert messages(a, "HVA-200") == {"hv1": message}
    assert outcomes(a, "HVA-200") == {"hv1": status}
