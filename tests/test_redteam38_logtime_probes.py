"""Red-team round 38 probes: logging, audit forwarding and time sync (r38-logtime)

Harness: conftest's hardened Debian 12 host replayed through the real collector, parser and
engine (host_scan), its rsyslog configuration given the TLS omfwd action of
/etc/rsyslog.d/50-remote.conf (RSYSLOG_REMOTE), libvirtd.conf given a log_outputs (or the
running libvirtd's `virt-admin daemon-log-outputs` answer), a libvirtd.service drop-in per
case in `systemctl cat` (libvirt-units), and where named an rsyslog imfile input in
/etc/rsyslog.d/10-files.conf. Each test asserts the exact status and message of HVA-200.

Findings (R38L-n):
- R38L-1 (false pass) HVA-200: rsyslog's TLS forwarding passed "logs forwarded over TLS"
  where the QEMU-driver daemon's log outputs in force write only to a file
  (`log_outputs = "3:file:/var/log/libvirt/libvirtd.log"`, or the same set live with
  `virt-admin daemon-log-outputs`) or to a stderr its unit sends elsewhere
  (`StandardError=null`, `StandardOutput=append:...`), so none of libvirt's messages reach
  journald, /dev/log or any forwarder; HVA-213 failed the same host and R37L-1 already failed
  HVA-200 where journald drops libvirt's errors (R37L lead). libvirt docs/logging.rst
  ("Logging in the daemon", read with `search`): outputs are stderr, syslog:NAME, file:PATH,
  journald; systemd.exec(5) StandardError=/StandardOutput= (R37L-4). Now HVA-200 fails
  naming the outputs (checks._libvirt libvirt_log_unrouted, shared with HVA-213's reading of
  the outputs in force; log_destinations moved there); where a running rsyslog loads imfile
  ("convert any standard text file into a syslog message", rsyslog imfile docs) or syslog-ng
  has a file()/wildcard-file() source (syslog-ng.conf(5)), and every output is a file, it
  asks whether that input reads them (parse.host "reads log files:" source); stderr sent to
  null still fails there.

Held (kept as tests): `3:journald`, `1:file:... 3:syslog:libvirtd` (a file beside syslog), and
`3:stderr` with the unit's default standard error pass.

Probed by script: the 5 R38L-1 cases on main (b788aaff) first.

Tally: 1 finding: 1 false pass, 0 false n/a, 0 wrong fails; 8 cases in 1 test function; 5
failed on main before the fix (all passed wrongly); the 3 held pass there too.

Leads left:
- HVA-200 does not read which file an imfile input or syslog-ng file() source reads (asked),
  nor whether libvirtd.conf unread (HVA-213 asks) writes only to a file: it still passes there.
- A unit's LogRateLimitIntervalSec=/LogRateLimitBurst= not weighed; journald@NAMESPACE.conf and
  system.conf DefaultStandardOutput=/DefaultStandardError= not collected (R37L leads).
- chrony minsources/maxdistance and server options that make a source unusable; augenrules with
  -e 0 in a rules file (not probed in rounds 36-38).
- The R37L fixes read the unit files of the next start, not the running daemon (systemctl show
  not collected).
"""

from __future__ import annotations

import pytest

from conftest import DEBIAN_RSYSLOG_MAIN, HARDENED_HOST, RSYSLOG_REMOTE, messages, outcomes

LIBVIRTD_CONF = "/etc/libvirt/libvirtd.conf"
UNITS = HARDENED_HOST["libvirt-units"]
DROPIN = "/etc/systemd/system/libvirtd.service.d/log.conf"
OVER_TLS = "logs forwarded over TLS to logs.example.internal"
IMFILE = "".join(
    f"/etc/rsyslog.d/10-files.conf:{line}\n"
    for line in (
        'module(load="imfile")',
        'input(type="imfile" File="/var/log/libvirt/libvirtd.log" Tag="libvirtd")',
    )
)
FILE_OUT = "3:file:/var/log/libvirt/libvirtd.log"
NONE_OF = f"{OVER_TLS}, but carrying none of libvirt's messages: "


def _units(*lines: str) -> tuple[object, ...]:
    text = str(UNITS[0]) + f"\n# {DROPIN}\n[Service]\n" + "\n".join(lines) + "\n"
    return (text, *UNITS[1:])


def _only(outputs: str, where: str = "libvirtd.conf") -> str:
    return f"{where}: log_outputs {outputs!r} writes only to files or stderr"


def _away(setting: str) -> str:
    return f"{_only('3:stderr')}, and {setting} in {DROPIN} sends stderr elsewhere than the journal"


def _asked(why: str) -> str:
    return (
        f"{OVER_TLS}, but libvirt logs only to files ({why}), which reach them only where a "
        "forwarder reads them: rsyslog (imfile) reads files"
    )


@pytest.mark.parametrize(
    ("outputs", "live", "lines", "files", "status", "message"),
    [
        # R38L-1: libvirt writes only to a file, or to a stderr sent elsewhere: no forwarder
        # carries any of its messages
        (FILE_OUT, None, (), "", "fail", NONE_OF + _only(FILE_OUT)),
        (
            "3:journald",
            FILE_OUT,
            (),
            "",
            "fail",
            NONE_OF + _only(FILE_OUT, "libvirtd (running, virt-admin daemon-log-outputs)"),
        ),
        (
            "3:stderr",
            None,
            ("StandardError=null",),
            "",
            "fail",
            NONE_OF + _away("StandardError=null"),
        ),
        # an imfile input reads files: asked for a file, still a fail for stderr to null
        (FILE_OUT, None, (), IMFILE, "manual", _asked(_only(FILE_OUT))),
        (
            "3:stderr",
            None,
            ("StandardError=null",),
            IMFILE,
            "fail",
            NONE_OF + _away("StandardError=null") + " (rsyslog (imfile) reads files, not stderr)",
        ),
        # held: a journald or syslog output, or stderr left to the journal, reaches rsyslog
        ("3:journald", None, (), "", "pass", OVER_TLS),
        ("1:file:/var/log/libvirt/debug.log 3:syslog:libvirtd", None, (), "", "pass", OVER_TLS),
        ("3:stderr", None, (), "", "pass", OVER_TLS),
    ],
)
def test_r38l1_libvirt_outputs_no_forwarder_reads(
    host_scan,
    outputs: str,
    live: str | None,
    lines: tuple[str, ...],
    files: str,
    status: str,
    message: str,
) -> None:
    conf = str(HARDENED_HOST[LIBVIRTD_CONF]) + f'log_outputs = "{outputs}"\n'
    over: dict[str, object] = {
        LIBVIRTD_CONF: conf,
        "rsyslog-config": (DEBIAN_RSYSLOG_MAIN + files + RSYSLOG_REMOTE, 0),
        "libvirt-units": _units(*lines),
    }
    if live is not None:
        over["libvirt-log-outputs-libvirtd"] = (f"{live}\n", 0)
    a = host_scan(over)
    assert messages(a, "HVA-200") == {"hv1": message}
    assert outcomes(a, "HVA-200") == {"hv1": status}
