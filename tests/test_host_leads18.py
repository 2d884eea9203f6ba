"""Known leads on the KVM/libvirt host side (session 14), taken up by leads18host.

Same harness as tests/test_host_leads16.py: conftest's hardened Debian host replayed through the
real collector, parser and engine, changed only where a test says so; each test asserts the
exact status and message.

Findings:
- HL18-1 (false pass) HVA-213: journald.conf(5) reads the first main file found of /etc, /run,
  /usr/local/lib and /usr/lib/systemd; hvaudit read /etc's only, so on a host without it
  (newer systemd ships the vendor file only) a Storage=none in the file journald uses was
  unseen and the journal passed. Now the first found is read, and the compile time defaults
  (ForwardToSyslog) are taken from the vendor file's comments where /etc or /run holds it.
- HL18-2 (false pass) HVA-213: libvirt's units (`systemctl cat`) were read line by line, so a
  drop-in's `Environment=\\` continued with LIBVIRT_LOG_OUTPUTS on the next line (conf-parser.c
  joins them, systemd.syntax(7)) was unseen and an idle libvirtd's next start to a file
  passed. Each file systemctl prints is now joined as systemd reads it (_unit_file_lines).
- HL18-3 (false pass) HVA-160, (wrong question) HVA-213: environment files (/etc/default/ssh,
  /etc/default/libvirtd) were read line by line with shlex; systemd's parse_env_file_internal
  eats an escaped newline (unquoted and in double quotes), so `SSHD_OPTS=\\` with `-o
  PermitRootLogin=yes` on the next line passed. _environment_file now follows env-file.c's
  state machine.
- HL18-4 (false pass) HVA-200: an omfwd TLS action with `streamdriver.permitExpiredCerts` "on"
  or "warn" accepts an expired server certificate (nsd_gtls/ossl/mbedtls
  SetPermitExpiredCerts) and passed "logs forwarded over TLS". Now the fail naming the setting
  (x509/name only: a pinned fingerprint is checked without validity).

Held (kept as tests): an /etc journald.conf, even empty, hides a vendor file's Storage=none; the
vendor file with comments only keeps the journal; a drop-in ending in a backslash joins nothing
of the next file systemctl prints; an environment-file comment ending in a backslash continues
nothing (v254+); permitExpiredCerts "off", an unknown value (omfwd: "using 'off' instead") and
x509/fingerprint keep HVA-200's pass.

Probed or read, not kept (the verdict was right):
- chrony (lead 1): HVA-202 asks for a synchronised clock, not for authenticated sources, so NTS
  is not its question. chronyd never reports the kernel synchronised to its own clock: local
  reference mode answers clients but leaves is_synchronised 0 and calls no LCL_SetSyncStatus
  (reference.c REF_GetReferenceParams / REF_SetUnsynchronised, read with `read_file`), and a
  `server 127.0.0.1` to itself is dropped as a synchronisation loop (ntp_core.c
  check_sync_loop: "make sure it is not us"). So timedatectl NTPSynchronized=no already fails
  such a chronyd (R10H-7); chrony.conf is not needed for the verdict and is not collected.
- sshd configuration newer than the running sshd (lead 5): answered in tests/test_host_leads16.py
  (a pass certifies the files as sshd would load them now); not re-probed.

Tally: 18 cases in 10 test functions; 10 failed on main before their fixes (HL18-1 3, HL18-2 3,
HL18-3 2, HL18-4 2: each run with PYTHONPATH=/work/main/src before it landed); the 8 held cases
passed before and after.

Leads left (not settled in the time):
- qemu.conf remember_owner / max_files / max_processes defaults and their effect on checks
  (lead 6): not reached.
- Group-writable virtlogd-sock / virtlockd-sock (0660 with a group) and that group's members,
  root-equivalent but not counted by HVA-142 (lead 7): not reached.
- HVA-213's libvirt journal debug cap for libvirt 6.x or an unknown version (the 7.0 cutoff of
  HL16-1; lead 8): not reached.
- chrony `refclock PHC` on a NIC clock no ptp4l steers (a free-running PHC chronyd calls a
  reference) and rsyslog older than 8.2012.0, whose drivers accepted expired certificates by
  default ("warn"): not judged.
- journal-upload.conf's main file is read from /etc only (journal-upload.conf(5) may list
  /run and /usr/lib as for journald.conf; not checked).
- `export KEY=` in environment files is read as KEY (as before); systemd's parser keeps the key
  "export KEY", which is no valid name (merge_env_file_push) - errs towards reading it.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from test_host_leads15 import RHEL

JOURNAL_OK = "libvirtd.conf: log_outputs unset (the journal)"


# --- HVA-213: journald's main file outside /etc (HL18-1) -----------------------------------------

VENDOR = "/usr/lib/systemd/journald.conf"
# RHEL 9's shipped file: the compile time defaults as comments
VENDOR_DEFAULTS = "[Journal]\n#Storage=auto\n#ForwardToSyslog=no\n"
DROPPED = (
    "libvirtd.conf: log_outputs unset (the journal), but journald keeps no journal "
    "(Storage=none in {where}) and forwards nothing to syslog (the compiled-in default "
    f"ForwardToSyslog=no ({VENDOR} shows the compile time defaults; nothing sets it))"
)


@pytest.mark.parametrize(
    ("files", "where"),
    [
        ({VENDOR: VENDOR_DEFAULTS + "Storage=none\n"}, VENDOR),
        (
            {VENDOR: VENDOR_DEFAULTS, "/run/systemd/journald.conf": "[Journal]\nStorage=none\n"},
            "/run/systemd/journald.conf",
        ),
        (
            {
                VENDOR: VENDOR_DEFAULTS,
                "/usr/local/lib/systemd/journald.conf": "[Journal]\nStorage=none\n",
            },
            "/usr/local/lib/systemd/journald.conf",
        ),
    ],
    ids=["usr-lib", "run", "usr-local-lib"],
)
def test_journald_main_file_outside_etc_is_read(host_scan, files: dict, where: str) -> None:
    """HL18-1. journald.conf(5) (systemd 256, read with `search`): "The main configuration file
    is loaded from one of the listed directories in order of priority, only the first file
    found is used: /etc/systemd/, /run/systemd/, /usr/local/lib/systemd/, /usr/lib/systemd/",
    and "The vendor version of the file contains commented out entries showing the defaults".
    Newer systemd ships the file under /usr/lib only. With no /etc/systemd/journald.conf,
    hvaudit read no main file at all, so `Storage=none` in the one journald uses went unseen
    and HVA-213 passed "the journal" on RHEL 9 (ForwardToSyslog compiled-in no): journald
    drops every message libvirt logs (HL15-1). Right: HL15-1's fail naming the file, the
    default taken from the vendor file's comments."""
    a = host_scan({"/etc/os-release": RHEL, "/etc/systemd/journald.conf": None, **files})
    assert outcomes(a, "HVA-213") == {"hv1": "fail"}, messages(a, "HVA-213")
    assert messages(a, "HVA-213") == {"hv1": DROPPED.format(where=where)}


@pytest.mark.parametrize("etc", ["[Journal]\n#Storage=auto\n", ""], ids=["etc-copy", "etc-empty"])
def test_journald_etc_main_file_hides_the_vendor_one(host_scan, etc: str) -> None:
    """HL18-1's held probe: only the first main file found is used, so an /etc copy (even an
    empty one) hides a vendor file's Storage=none: the pass stays (before and after)."""
    a = host_scan(
        {
            "/etc/os-release": RHEL,
            "/etc/systemd/journald.conf": etc,
            VENDOR: VENDOR_DEFAULTS + "Storage=none\n",
        }
    )
    assert messages(a, "HVA-213") == {"hv1": JOURNAL_OK}
    assert outcomes(a, "HVA-213") == {"hv1": "pass"}


def test_journald_vendor_file_alone_keeps_the_journal(host_scan) -> None:
    """HL18-1's held probe: the vendor file with its comments only keeps Storage=auto."""
    a = host_scan(
        {"/etc/os-release": RHEL, "/etc/systemd/journald.conf": None, VENDOR: VENDOR_DEFAULTS}
    )
    assert messages(a, "HVA-213") == {"hv1": JOURNAL_OK}
    assert outcomes(a, "HVA-213") == {"hv1": "pass"}


# --- HVA-213 / HVA-160: lines continued with a backslash in units and environment files ----------

DROPIN = "\n# /etc/systemd/system/libvirtd.service.d/debug.conf\n[Service]\n"
DEBUG_FILE = (
    "libvirtd (LIBVIRT_LOG_OUTPUTS in {where}): log_outputs '{outputs}' writes only to files or "
    "stderr"
)


@pytest.mark.parametrize(
    "environment",
    [
        'Environment=\\\n  "LIBVIRT_LOG_OUTPUTS=1:file:/var/log/libvirt/debug.log"\n',
        "Environment=TZ=UTC \\\n  LIBVIRT_LOG_OUTPUTS=1:file:/var/log/libvirt/debug.log\n",
        "Environment=TZ=UTC \\\n# debugging, to be removed\n"
        "  LIBVIRT_LOG_OUTPUTS=1:file:/var/log/libvirt/debug.log\n",
    ],
    ids=["alone", "second-word", "across-a-comment"],
)
def test_unit_environment_continued_on_the_next_line_is_read(host_scan, environment: str) -> None:
    """HL18-2. systemd reads unit files with conf-parser.c config_parse, as journald.conf:
    systemd.syntax(7) "Lines ending in a backslash are concatenated with the following line
    while reading and the backslash is replaced by a space character" (comment lines between
    are skipped; R17H-2). A drop-in's `Environment=\\` with the variable on the next line sets
    LIBVIRT_LOG_OUTPUTS for libvirtd's next start (socket-activated, idle now: R13H-3), which
    replaces log_outputs (virdaemon.c "cmdline > environment > config"). hvaudit read
    `systemctl cat` line by line, saw an Environment= without a variable and passed HVA-213
    "log_outputs unset (the journal)". Right: R13H-3's fail."""
    from test_redteam13_host_probes import IDLE_PROCS, UNITS

    units = (str(UNITS[0]) + DROPIN + environment, 1, UNITS[2])
    a = host_scan({"processes": IDLE_PROCS, "libvirt-units": units})
    assert outcomes(a, "HVA-213") == {"hv1": "fail"}, messages(a, "HVA-213")
    assert messages(a, "HVA-213") == {
        "hv1": DEBUG_FILE.format(
            where="libvirtd.service Environment=", outputs="1:file:/var/log/libvirt/debug.log"
        )
    }


def test_unit_file_dangling_backslash_joins_nothing_of_the_next_file(host_scan) -> None:
    """HL18-2's held probe: a drop-in ending in `Environment=\\` continues nothing of the next
    file systemctl prints (each file is parsed alone), so a later file's line is not taken for
    a variable of the first: the pass stays."""
    from test_redteam13_host_probes import IDLE_PROCS, UNITS

    units = (
        str(UNITS[0])
        + DROPIN
        + "Environment=\\\n"
        + "\n# /etc/systemd/system/libvirtd.service.d/zz.conf\n"
        + "LIBVIRT_LOG_OUTPUTS=1:file:/var/log/libvirt/debug.log\n",
        1,
        UNITS[2],
    )
    a = host_scan({"processes": IDLE_PROCS, "libvirt-units": units})
    assert messages(a, "HVA-213") == {"hv1": JOURNAL_OK}
    assert outcomes(a, "HVA-213") == {"hv1": "pass"}


def test_environment_file_value_continued_on_the_next_line_is_read(host_scan) -> None:
    """HL18-3. systemd reads an EnvironmentFile= with parse_env_file_internal (src/basic/
    env-file.c, read with `read_file`), a character state machine: in an unquoted value a
    backslash escapes the next character and "Escaped newlines we eat up entirely", so
    `SSHD_OPTS=\\` with `-o PermitRootLogin=yes` on the next line is one assignment, and
    Debian's ssh.service (and ssh@.service under ssh.socket) starts `sshd -D $SSHD_OPTS`
    (R13H-5). hvaudit read the file line by line (shlex), took SSHD_OPTS for a lone backslash
    and passed HVA-160 "PermitRootLogin no". Right: R13H-5's fail. The same reading gave
    libvirtd's environment file a question on the value `\\` (HVA-213): now its fail."""
    from test_redteam13_host_probes import IDLE_PROCS, SOCKET_SSHD

    a = host_scan({**SOCKET_SSHD, "/etc/default/ssh": "SSHD_OPTS=\\\n  -o PermitRootLogin=yes\n"})
    assert outcomes(a, "HVA-160") == {"hv1": "fail"}, messages(a, "HVA-160")
    assert messages(a, "HVA-160") == {
        "hv1": "PermitRootLogin yes (SSHD_OPTS in /etc/default/ssh: -o PermitRootLogin=yes)"
    }
    env = "LIBVIRT_LOG_OUTPUTS=\\\n3:file:/var/log/lv.log\n"
    a = host_scan({"processes": IDLE_PROCS, "/etc/default/libvirtd": env})
    assert outcomes(a, "HVA-213") == {"hv1": "fail"}, messages(a, "HVA-213")
    assert messages(a, "HVA-213") == {
        "hv1": DEBUG_FILE.format(where="/etc/default/libvirtd", outputs="3:file:/var/log/lv.log")
    }


def test_environment_file_double_quotes_continued_keep_the_journal(host_scan) -> None:
    """HL18-3's twin (a wrong question): in double quotes a backslash before a newline is a
    continuation line too (env-file.c DOUBLE_QUOTE_VALUE_ESCAPE: "Escaped newlines (aka
    "continuation lines") are eaten up entirely"), so the value is `3:journald
    3:file:/var/log/lv.log`, which keeps the journal. hvaudit asked whether `"3:journald \\`
    was a list of outputs libvirt accepts. Right: the pass naming the outputs."""
    from test_redteam13_host_probes import IDLE_PROCS

    env = 'LIBVIRT_LOG_OUTPUTS="3:journald \\\n3:file:/var/log/lv.log"\n'
    a = host_scan({"processes": IDLE_PROCS, "/etc/default/libvirtd": env})
    assert messages(a, "HVA-213") == {
        "hv1": "libvirtd (LIBVIRT_LOG_OUTPUTS in /etc/default/libvirtd): log_outputs "
        "'3:journald 3:file:/var/log/lv.log'"
    }
    assert outcomes(a, "HVA-213") == {"hv1": "pass"}


def test_environment_file_comment_ending_in_a_backslash_continues_nothing(host_scan) -> None:
    """HL18-3's held probe: a comment line ending in a backslash ends at its newline (env-file.c
    COMMENT_ESCAPE, since systemd v254), so the next line's SSHD_OPTS is read: the fail,
    before and after."""
    from test_redteam13_host_probes import SOCKET_SSHD

    text = "# options \\\nSSHD_OPTS=-o PermitRootLogin=yes\n"
    a = host_scan({**SOCKET_SSHD, "/etc/default/ssh": text})
    assert outcomes(a, "HVA-160") == {"hv1": "fail"}, messages(a, "HVA-160")


# --- HVA-200: an omfwd TLS action that accepts expired certificates (HL18-4) ---------------------

RSYSLOG = str(HARDENED_HOST["rsyslog-config"][0])
REMOTE = "/etc/rsyslog.d/50-remote.conf"


def _expired(value: str, auth: str = "x509/name") -> str:
    conf = RSYSLOG.replace(
        'StreamDriverAuthMode="x509/name")',
        f'StreamDriverAuthMode="{auth}"\n{REMOTE}:       streamdriver.permitExpiredCerts="{value}")',
    )
    assert conf != RSYSLOG
    return conf


@pytest.mark.parametrize(("value", "shown"), [("on", "on"), ("Warn", "warn")])
def test_rsyslog_tls_accepting_expired_certificates_fails(
    host_scan, value: str, shown: str
) -> None:
    """HL18-4. omfwd's `streamdriver.permitExpiredCerts` (tools/omfwd.c, rsyslog at ee72adc read
    with `fetch`) is handed to the driver's SetPermitExpiredCerts (nsd_gtls.c, nsd_ossl.c,
    nsd_mbedtls.c: strcasecmp; unset or "off" denies, "warn" logs a warning and accepts, "on"
    accepts), and in x509/name mode gtlsChkPeerAuth's validity check lets an expired server
    certificate through (nsd_gtls.c: "Warning, certificate expired but expired certs are
    permitted"). A CA may drop a revoked certificate from its CRL once it has expired (RFC 5280
    3.3), so the key of a retired certificate authenticates the log server. hvaudit passed
    HVA-200 "logs forwarded over TLS". Right: the fail naming the setting."""
    a = host_scan({"rsyslog-config": (_expired(value), 0)})
    assert outcomes(a, "HVA-200") == {"hv1": "fail"}, messages(a, "HVA-200")
    assert messages(a, "HVA-200") == {
        "hv1": "logs forwarded without authenticated TLS to logs.example.internal "
        f"(streamdriver.permitExpiredCerts '{shown}': the server's certificate is accepted "
        "after it expires, so a retired key, which CRLs no longer need to list, passes as the "
        "log server)"
    }


@pytest.mark.parametrize(
    ("value", "auth"),
    [("off", "x509/name"), ("bogus", "x509/name"), ("on", "x509/fingerprint")],
    ids=["off", "invalid-means-off", "pinned-fingerprint"],
)
def test_rsyslog_tls_expired_certificates_denied_keeps_the_pass(
    host_scan, value: str, auth: str
) -> None:
    """HL18-4's held probes: "off" denies; a value omfwd does not know is ignored ("ignoring
    parameter, using 'off' instead", omfwd.c); a pinned fingerprint is checked without the
    certificate's validity (gtlsChkPeerAuth), so expiry does not weaken it: the pass stays."""
    a = host_scan({"rsyslog-config": (_expired(value, auth), 0)})
    assert messages(a, "HVA-200") == {"hv1": "logs forwarded over TLS to logs.example.internal"}
    assert outcomes(a, "HVA-200") == {"hv1": "pass"}
