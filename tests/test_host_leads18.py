"""Known leads on the KVM/libvirt host side (session 14), taken up by leads18host (HL18-1..4),
leads18h2 (HL18-5..7: the leads this file's first round left) and leads18h4 (HL18-8 on: HL18-7's
unknown release, `export` in environment files, HL18-5's edges, chrony's PHC reference clock).

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
- HL18-5 (false pass) HVA-142: virtlogd's and virtlockd's sockets and every admin socket
  (libvirt-admin-sock, virtqemud-admin-sock, virtlogd/virtlockd-admin-sock) ask for no
  authorization, so whoever may write to them has root open and append to files (virtlogd),
  create files and hold every VM disk's lease (virtlockd) or administer the daemon
  (virt-admin). R17H-6 failed HVA-132 where every user may write; mode 0660 with a group
  (SocketMode=/SocketGroup= in a socket unit drop-in, or libvirtd.conf's unix_sock_group with
  unix_sock_admin_perms 0770) hands the same to the group's members, whom HVA-142 did not count
  (pass with 2 of 3). Now counted (_socket_groups), the socket's stat first, the file's perms
  where the socket is not there.
- HL18-6 (false pass) HVA-200: journal-upload.conf(5) (systemd 256/257) reads the first main
  file found of /etc, /run, /usr/local/lib and /usr/lib/systemd, as journald.conf (HL18-1), and
  drop-ins from /usr/local/lib/systemd/journal-upload.conf.d too; hvaudit read /etc's main file
  and three drop-in directories only, so a running systemd-journal-upload's URL=http://... in
  /run's or /usr/lib's main file or a /usr/local/lib drop-in was unseen and HVA-200 passed on
  rsyslog's TLS destination. Now collected and read (_first_main), the fail naming the
  plain-text URL.
- HL18-7 (false pass) HVA-200: rsyslog 8.1901.0 to 8.2010.0 (Debian 10, Ubuntu 20.04) leave an
  omfwd action's unset streamdriver.permitExpiredCerts at the driver's zero, PERMIT: omfwd
  called SetDrvrPermitExpiredCerts only when the parameter was given until 8.2012.0 (commit
  b5356f8, ChangeLog 2020-11-03). hvaudit took unset as "off" on every release and passed the
  hardened x509/name action. Now, where the package list shows such a release, the fail naming
  it (expired_by_default); an explicit "off" passes on every release.
- HL18-8 (false pass) HVA-200, HL18-7's edge: with no package list, or none naming rsyslog
  (built from source), an unset permitExpiredCerts on an x509/name action was judged "off" and
  the pass stood on a guess. Now a question (`rsyslogd -v`; pass 8.2012.0 or later, before
  8.1901.0, or "off" set; fail 8.1901.0 to 8.2010.0 unset), the manual item naming why the
  release is unknown. conftest's hardened Debian 12 host carries the rsyslog package a real
  collection lists (8.2302.0-1+deb12u1, packages.debian.org oldstable, found with `search`), so
  its pass and the golden files are unchanged (regenerated: no diff).
- HL18-9 (false pass) HVA-160 / HVA-213: env-file.c knows no `export`, so `export KEY=` is the
  key "export KEY", which EnvironmentFile= drops as an invalid assignment (execute.c
  strv_env_clean_with_callback, env-util.c env_name_is_valid_n); hvaudit read it as KEY, so an
  `export SSHD_OPTS=` after `SSHD_OPTS=-o PermitRootLogin=yes` cleared the option and HVA-160
  passed. Now only valid names are kept; `export SSHD_OPTS=-o PermitRootLogin=yes` alone no
  longer fails (a wrong fail, the twin).
- HL18-10 (false pass) HVA-142, HL18-5's edge: a libvirt socket that asks for no authorization
  owned by a user other than root with the owner's write bit (mode 0600 owned by bob: a socket
  unit's SocketUser=) lets that user connect (connect(2): write permission on the socket file
  is what connecting needs); HVA-142 counted the socket's group only. Now the owner counts
  (_socket_writers).

Held (kept as tests): an /etc journald.conf, even empty, hides a vendor file's Storage=none; the
vendor file with comments only keeps the journal; a drop-in ending in a backslash joins nothing
of the next file systemctl prints; an environment-file comment ending in a backslash continues
nothing (v254+); permitExpiredCerts "off", an unknown value (omfwd: "using 'off' instead") and
x509/fingerprint keep HVA-200's pass; a socket group that may only read, group root, and a
group-writable read-write socket under auth_unix_rw = polkit add no administrator (HL18-5); an
/etc journal-upload.conf hides a /usr/lib one (HL18-6); rsyslog 8.2012.0 and later, releases
before 8.1901.0, an explicit "off" and a pinned fingerprint keep HVA-200's pass (HL18-7); with
no package list, an explicit "off" and a pinned fingerprint keep it too (HL18-8); a socket owner
who may only read, owner root, and the read-write socket under polkit owned by a user add no
administrator (HL18-10).

Probed or read, not kept (the verdict was right):
- chrony (lead 1): HVA-202 asks for a synchronised clock, not for authenticated sources, so NTS
  is not its question. chronyd never reports the kernel synchronised to its own clock: local
  reference mode answers clients but leaves is_synchronised 0 and calls no LCL_SetSyncStatus
  (reference.c REF_GetReferenceParams / REF_SetUnsynchronised, read with `read_file`), and a
  `server 127.0.0.1` to itself is dropped as a synchronisation loop (ntp_core.c
  check_sync_loop: "make sure it is not us"). So timedatectl NTPSynchronized=no already fails
  such a chronyd (R10H-7); chrony.conf is not needed for the verdict and is not collected.
- qemu.conf remember_owner / max_files / max_processes / max_core / dynamic_ownership (first
  round's lead 6): qemu.conf.in (upstream, read with `read_file`): dynamic_ownership "Defaults
  to 1", remember_owner "Defaults to 1", max_processes and max_files 0 (the host's own limits),
  max_core "unlimited on Linux where 'dump_guest_core' defaults to false" (older releases 0:
  docs/kbase/qemu-core-dump.rst "core dumps disabled"); qemu_conf.c virQEMUDriverConfigNew sets
  dynamicOwnership = privileged. No check reads remember_owner, max_files or max_processes, and
  none needs to: rlimits and restoring an image's owner after a VM stops change no verdict (every
  QEMU of a host runs as the one qemu.conf user either way; VMs are kept apart by sVirt,
  HVA-043/044). dynamic_ownership is the default 1 in the R14-5 share rule's docstring (right).
  max_core touches HVA-067's note only (per-VM, left to the VM side): "qemu.conf
  dump_guest_core = 1 (a core dump of its QEMU holds guest RAM)" also where max_core = 0 turns
  core dumps off (a manual item's wording, no verdict).
- sshd configuration newer than the running sshd (lead 5): answered in tests/test_host_leads16.py
  (a pass certifies the files as sshd would load them now); not re-probed.

Tally: 49 cases in 23 test functions; 27 failed on main before their fixes (HL18-1 3, HL18-2 3,
HL18-3 2, HL18-4 2, HL18-5 6, HL18-6 3, HL18-7 3, HL18-8 2, HL18-9 2, HL18-10 1: each run with
PYTHONPATH=/work/main/src before it landed); the 22 held cases passed before and after.

Leads left (not settled in the time):
- HVA-213's libvirt journal debug cap for libvirt 6.x (the 7.0 cutoff of HL16-1): the branch
  giving a daemon started without --daemon the journal when stdin is no tty is in an openEuler
  libvirt 6.2.0 tree (autotools era, read with `read_file`) and not in pre-6.0 trees
  (virAsprintf era, jason-cyun/libvirt, an Ubuntu 2.1 tree); the upstream release was not
  pinned (libvirt's repository is too large to `fetch`), so 6.x keeps the fail (log_level = 1
  is no hardened setting, so this errs towards a fail on unhardened hosts only).
- HL18-7: distribution backports of b5356f8 (an 8.2001.0 package patched) were not checked;
  such a host fails HVA-200 though it denies expired certificates (errs towards a fail).
- HL18-5: where a socket is not there (its socket unit stopped), its next creation's owner,
  group and mode come from the socket unit (SocketUser=/SocketGroup=/SocketMode=, drop-ins
  included) under socket activation, but hvaudit reads libvirtd.conf's perms only: not settled
  (the units are in `systemctl cat`; whether the unit is enabled decides which applies).
- HVA-067's note "qemu.conf dump_guest_core = 1 (a core dump of its QEMU holds guest RAM)" also
  where qemu.conf max_core = 0 turns core dumps off (per-VM check, wording only).
- chrony `refclock PHC` on a NIC clock no ptp4l/phc2sys steers: the check is HVA-202, whose
  verdict comes from timedatectl's NTPSynchronized; a chronyd locked to a refclock reports the
  kernel synchronised, so a free-running PHC would pass. Not settled: chrony's refclock.c sync
  status path was not read, and chrony.conf and ptp4l are not collected (a new probe).
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
    # a pinned fingerprint names it (R26L-1: with none listed every server is refused)
    pin = ' StreamDriverPermittedPeers="SHA1:' + "AB:" * 19 + 'CD"' if "finger" in auth else ""
    conf = RSYSLOG.replace(
        'StreamDriverAuthMode="x509/name")',
        f'StreamDriverAuthMode="{auth}"{pin}\n{REMOTE}:       '
        f'streamdriver.permitExpiredCerts="{value}")',
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


# --- HVA-142: groups that write to libvirt's sockets that ask for no authorization (HL18-5) ------

LOGADM = str(HARDENED_HOST["/etc/group"]) + "logadm:x:120:bob,carol,dave\n"
SOCKETS = "777 root root /run/libvirt/libvirt-sock\n600 root root /run/libvirt/libvirt-admin-sock\n"
FIVE = "5 administrative principal(s) (limit 3): alice, bob, carol, dave, root"


@pytest.mark.parametrize(
    "socket",
    [
        "/run/libvirt/virtlogd-sock",
        "/run/libvirt/virtlockd-sock",
        "/run/libvirt/virtlogd-admin-sock",
        "/run/libvirt/virtlockd-admin-sock",
        "/run/libvirt/libvirt-admin-sock",
    ],
    ids=["virtlogd", "virtlockd", "virtlogd-admin", "virtlockd-admin", "libvirtd-admin"],
)
def test_group_writing_to_an_unauthenticated_socket_is_counted(host_scan, socket: str) -> None:
    """HL18-5. virtlogd and virtlockd run as root and check no client identity (R17H-6):
    virtlogd opens and appends to the file a client names (log_daemon_dispatch.c), virtlockd
    creates the lock files and lockspace directories a client names and holds every VM disk's
    lease (lock_daemon_dispatch.c AcquireResource with AUTOCREATE, CreateResource,
    CreateLockSpace; virlockspace.c `open(res->path, O_RDWR|O_CREAT, 0600)`; read with
    `read_file` and `find_string`). A daemon's admin socket has no authentication at all:
    remote_daemon.c daemonSetupNetworking adds it with REMOTE_AUTH_NONE, unix_sock_admin_perms
    and the unix_sock_group of the other sockets, so its writers administer the daemon
    (virt-admin sets its log outputs, files it opens as root). R17H-6 failed HVA-132 for such a
    socket writable by every user; mode 0660 with a group (a socket unit's SocketMode=0660 and
    SocketGroup=logadm, or libvirtd.conf's perms) hands the same to the group's members, and
    HVA-142 counted only root and alice (2 of 3: pass). Right: the members counted (5: fail)."""
    stat = SOCKETS.replace(
        "600 root root /run/libvirt/libvirt-admin-sock\n",
        "" if "libvirt-admin" in socket else "600 root root /run/libvirt/libvirt-admin-sock\n",
    )
    a = host_scan(
        {"/etc/group": LOGADM, "libvirt-sockets": (stat + f"660 root logadm {socket}\n", 1)}
    )
    assert outcomes(a, "HVA-142") == {"hv1": "fail"}, messages(a, "HVA-142")
    assert messages(a, "HVA-142") == {"hv1": FIVE}


def test_admin_socket_perms_in_libvirtd_conf_count_its_group(host_scan) -> None:
    """HL18-5, the file's side: with the admin socket not there (libvirtd not running, no socket
    unit), its next start creates it with unix_sock_admin_perms and unix_sock_group
    (daemonSetupNetworking), as the read-write socket's perms are judged (_socket_groups)."""
    conf = (
        str(HARDENED_HOST["/etc/libvirt/libvirtd.conf"])
        + 'unix_sock_group = "logadm"\nunix_sock_admin_perms = "0770"\n'
    )
    a = host_scan(
        {
            "/etc/group": LOGADM,
            "/etc/libvirt/libvirtd.conf": conf,
            "libvirt-sockets": ("777 root root /run/libvirt/libvirt-sock\n", 1),
        }
    )
    assert outcomes(a, "HVA-142") == {"hv1": "fail"}, messages(a, "HVA-142")
    assert messages(a, "HVA-142") == {"hv1": FIVE}


@pytest.mark.parametrize(
    "line",
    [
        "640 root logadm /run/libvirt/virtlogd-sock",
        "660 root root /run/libvirt/virtlogd-sock",
        "660 root logadm /run/libvirt/libvirt-sock",
    ],
    ids=["group-reads-only", "group-root", "rw-socket-under-polkit"],
)
def test_socket_group_without_unauthenticated_writes_is_not_counted(host_scan, line: str) -> None:
    """HL18-5's held probes: a group that may only read a socket cannot connect (a UNIX socket
    needs write permission), group root adds no one, and the read-write socket under
    auth_unix_rw = polkit still asks polkit for org.libvirt.unix.manage whoever connects: the
    pass stays (2 principals)."""
    stat = SOCKETS.replace("777 root root /run/libvirt/libvirt-sock\n", "") + line + "\n"
    if "libvirt-sock" not in line:
        stat = "777 root root /run/libvirt/libvirt-sock\n" + stat
    a = host_scan({"/etc/group": LOGADM, "libvirt-sockets": (stat, 1)})
    assert messages(a, "HVA-142") == {"hv1": "2 administrative principal(s) (limit 3): alice, root"}
    assert outcomes(a, "HVA-142") == {"hv1": "pass"}


# --- HVA-200: journal-upload.conf outside /etc (HL18-6) -----------------------------------------

UPLOADING = str(HARDENED_HOST["processes"][0]) + (
    "  420 systemd-journal-upload /lib/systemd/systemd-journal-upload --save-state\n"
)
PLAIN_UPLOAD = "logs forwarded without authenticated TLS to http://10.9.9.9:19532"


@pytest.mark.parametrize(
    "files",
    [
        {"/run/systemd/journal-upload.conf": "[Upload]\nURL=http://10.9.9.9:19532\n"},
        {"/usr/lib/systemd/journal-upload.conf": "[Upload]\n#URL=\nURL=http://10.9.9.9:19532\n"},
        {
            "journal-upload-conf-d": (
                "/usr/local/lib/systemd/journal-upload.conf.d/50-lab.conf:[Upload]\n"
                "/usr/local/lib/systemd/journal-upload.conf.d/50-lab.conf:"
                "URL=http://10.9.9.9:19532\n",
                0,
            )
        },
    ],
    ids=["run-main", "usr-lib-main", "usr-local-lib-drop-in"],
)
def test_journal_upload_files_outside_etc_are_read(host_scan, files: dict) -> None:
    """HL18-6. journal-upload.conf(5) (systemd 256 and 257, read with `search`): "The main
    configuration file is loaded from one of the listed directories in order of priority, only
    the first file found is used: /etc/systemd/, /run/systemd/, /usr/local/lib/systemd/,
    /usr/lib/systemd/", as journald.conf (HL18-1); drop-ins come from /usr/lib/systemd/*.conf.d/
    and /usr/local/lib/systemd/*.conf.d/ too (the page since systemd 245). hvaudit read
    /etc's main file only and the drop-ins of /etc, /run and /usr/lib, so a running
    systemd-journal-upload whose URL= (http://, plain text) sits in /run's or /usr/lib's main
    file or in a /usr/local/lib drop-in was not counted, and HVA-200 passed on rsyslog's TLS
    destination. Right: the fail naming the plain-text destination."""
    a = host_scan({"processes": (UPLOADING, 0), **files})
    assert outcomes(a, "HVA-200") == {"hv1": "fail"}, messages(a, "HVA-200")
    assert messages(a, "HVA-200") == {"hv1": PLAIN_UPLOAD}


def test_journal_upload_etc_main_file_hides_the_vendor_one(host_scan) -> None:
    """HL18-6's held probe: only the first main file found is used, so /etc's https URL hides
    a /usr/lib file's http one: the pass stays (before and after)."""
    a = host_scan(
        {
            "processes": (UPLOADING, 0),
            "/etc/systemd/journal-upload.conf": "[Upload]\nURL=https://logs.example.internal\n",
            "/usr/lib/systemd/journal-upload.conf": "[Upload]\nURL=http://10.9.9.9:19532\n",
        }
    )
    assert messages(a, "HVA-200") == {
        "hv1": "logs forwarded over TLS to logs.example.internal, https://logs.example.internal"
    }
    assert outcomes(a, "HVA-200") == {"hv1": "pass"}


# --- HVA-200: rsyslog releases whose omfwd accepts expired certificates by default (HL18-7) -----

PACKAGES = str(HARDENED_HOST["dpkg-packages"][0])


def _rsyslog(version: str) -> dict:
    return {"dpkg-packages": (PACKAGES + f"rsyslog\t{version}\tii \n", 0)}


@pytest.mark.parametrize(
    ("version", "shown"),
    [
        ("8.1901.0-1+deb10u2", "8.1901.0-1+deb10u2"),
        ("8.2001.0-1ubuntu1.3", "8.2001.0-1ubuntu1.3"),
        ("1:8.2010.0-1", "8.2010.0-1"),
    ],
    ids=["debian-10", "ubuntu-20.04", "last-affected-with-epoch"],
)
def test_rsyslog_before_8_2012_accepts_expired_certificates_by_default(
    host_scan, version: str, shown: str
) -> None:
    """HL18-7. rsyslog at ee72adc (`fetch`, `git show` of each tag): StreamDriver.PermitExpiredCerts
    came with 8.1901.0 (commit 3d9b8df; 8.40.0's gtls rejected an expired certificate outright),
    and until 8.2012.0 omfwd called SetDrvrPermitExpiredCerts only when the parameter was given
    (commit b5356f8; ChangeLog 2020-11-03: "omfwd bug: param StreamDriver.PermitExpiredCerts is
    not 'off' by default ... could lead to permitting sessions which should not be permitted").
    Unset, the driver kept its calloc'ed zero, GTLS_EXPIRED_PERMIT / OSSL_EXPIRED_PERMIT
    (nsd_gtls.h, nsd_ossl.h at v8.2010.0: PERMIT = 0), which gtlsChkPeerAuth lets through
    silently. So on Debian 10 (8.1901.0) and Ubuntu 20.04 (8.2001.0) the hardened host's
    x509/name action accepts an expired log server certificate (HL18-4's reach), and HVA-200
    passed "logs forwarded over TLS". Right: the fail naming the version."""
    a = host_scan(_rsyslog(version))
    assert outcomes(a, "HVA-200") == {"hv1": "fail"}, messages(a, "HVA-200")
    assert messages(a, "HVA-200") == {
        "hv1": "logs forwarded without authenticated TLS to logs.example.internal "
        f"(streamdriver.permitExpiredCerts unset, which rsyslog {shown} takes as 'on' (omfwd "
        "sets no default before 8.2012.0): the server's certificate is accepted after it "
        "expires, so a retired key, which CRLs no longer need to list, passes as the log server)"
    }


@pytest.mark.parametrize(
    "overrides",
    [
        _rsyslog("8.2012.0-1"),
        _rsyslog("8.2102.0-2+deb11u1"),
        _rsyslog("8.32.0-1ubuntu4"),
        {**_rsyslog("8.2001.0-1ubuntu1.3"), "rsyslog-config": (_expired("off"), 0)},
        {
            **_rsyslog("8.2001.0-1ubuntu1.3"),
            "rsyslog-config": (_expired("on", "x509/fingerprint"), 0),
        },
    ],
    ids=["fixed", "debian-11", "before-the-option", "explicit-off", "pinned-fingerprint"],
)
def test_rsyslog_expired_certificates_denied_by_default_keeps_the_pass(
    host_scan, overrides: dict
) -> None:
    """HL18-7's held probes: 8.2012.0 and later deny by default, releases before 8.1901.0
    checked expiry themselves (8.40.0 gtlsChkPeerCertValidity: "not permitted to talk to peer:
    certificate expired"), an explicit "off" is honoured on every release, and a pinned
    fingerprint is checked without validity: the pass stays."""
    a = host_scan(overrides)
    assert messages(a, "HVA-200") == {"hv1": "logs forwarded over TLS to logs.example.internal"}
    assert outcomes(a, "HVA-200") == {"hv1": "pass"}


# --- HVA-200: an unset permitExpiredCerts with no rsyslog release known (HL18-8) -----------------

WITHOUT_RSYSLOG = "".join(
    line + "\n" for line in PACKAGES.splitlines() if not line.startswith("rsyslog\t")
)
EXPIRY_UNKNOWN = (
    "logs forwarded over TLS to logs.example.internal, but streamdriver.permitExpiredCerts is "
    "unset and which rsyslog release runs is unknown (logs.example.internal; {why}): releases "
    "8.1901.0 to 8.2010.0 take unset as 'on' and accept an expired server certificate"
)


@pytest.mark.parametrize(
    ("overrides", "why"),
    [
        (
            {"dpkg-packages": (WITHOUT_RSYSLOG, 0)},
            "no rsyslog package among the installed ones (host/commands/dpkg-packages.txt)",
        ),
        (
            {"dpkg-packages": None, "rpm-packages": None},
            "the installed packages are unknown (neither dpkg nor rpm answered)",
        ),
    ],
    ids=["no-rsyslog-package", "no-package-list"],
)
def test_rsyslog_release_unknown_with_expiry_unset_is_a_question(
    host_scan, overrides: dict, why: str
) -> None:
    """HL18-8. HL18-7's edge: rsyslog 8.1901.0 to 8.2010.0 accept an expired server certificate
    when streamdriver.permitExpiredCerts is unset (omfwd b5356f8, ChangeLog 2020-11-03), and
    hvaudit judged an unset value "off" wherever the package list showed no rsyslog (none
    collected, or rsyslog built from source): HVA-200 passed the x509/name action on a guess.
    Right: the question (`rsyslogd -v`), the manual item naming why the release is unknown."""
    a = host_scan(overrides)
    assert outcomes(a, "HVA-200") == {"hv1": "manual"}, messages(a, "HVA-200")
    assert messages(a, "HVA-200") == {"hv1": EXPIRY_UNKNOWN.format(why=why)}


def test_rsyslog_release_unknown_with_expiry_settled_keeps_the_pass(host_scan) -> None:
    """HL18-8's held probe: with no package list, a pinned fingerprint is checked without
    validity, so an expired certificate is refused on every release: the pass stays."""
    config = _expired("on", "x509/fingerprint")
    a = host_scan({"dpkg-packages": None, "rpm-packages": None, "rsyslog-config": (config, 0)})
    assert messages(a, "HVA-200") == {"hv1": "logs forwarded over TLS to logs.example.internal"}
    assert outcomes(a, "HVA-200") == {"hv1": "pass"}


def test_rsyslog_release_unknown_with_expiry_off_is_a_question(host_scan) -> None:
    """HL18-8's other held probe, reversed by R31L-2: an explicit permitExpiredCerts="off" was
    taken to deny on every release, but omfwd reads the parameter only from 8.2001.0 on, and
    8.1901.0 to 8.1911.0 accept an expired certificate whatever it says. With the release
    unknown the pass was a guess: now the question names the setting and the releases."""
    a = host_scan(
        {"dpkg-packages": None, "rpm-packages": None, "rsyslog-config": (_expired("off"), 0)}
    )
    assert outcomes(a, "HVA-200") == {"hv1": "manual"}, messages(a, "HVA-200")
    message = messages(a, "HVA-200")["hv1"]
    assert "which rsyslog release runs is unknown" in message
    assert "8.1901.0 to 8.1911.0" in message
    assert "the installed packages are unknown" in message


# --- HVA-160 / HVA-213: `export KEY=` in an EnvironmentFile= (HL18-9) ----------------------------


def test_environment_file_export_line_clears_nothing(host_scan) -> None:
    """HL18-9. systemd's env-file.c knows no `export`: parse_env_file_internal takes the key to
    its `=` (trailing blanks stripped), so `export SSHD_OPTS=` is the key "export SSHD_OPTS",
    and load_env_file_push stores it as is (src/basic/env-file.c, read with `read_file`);
    EnvironmentFile= then drops it: exec_context_load_environment runs
    strv_env_clean_with_callback(p, invalid_env, ...) (src/core/execute.c, found with
    `find_string`), which frees every assignment env_assignment_is_valid rejects
    (src/basic/env-util.c env_name_is_valid_n: only VALID_BASH_ENV_NAME_CHARS, DIGITS LETTERS
    "_", no digit first). hvaudit dropped the `export ` and read the line as SSHD_OPTS, so an
    `export SSHD_OPTS=` after `SSHD_OPTS=-o PermitRootLogin=yes` cleared it, and HVA-160 passed
    "PermitRootLogin no" while Debian's ssh.service starts `sshd -D -o PermitRootLogin=yes`.
    Right: R13H-5's fail. The same for libvirtd's environment (HVA-213)."""
    from test_redteam13_host_probes import IDLE_PROCS, SOCKET_SSHD

    text = "SSHD_OPTS='-o PermitRootLogin=yes'\nexport SSHD_OPTS=\n"
    a = host_scan({**SOCKET_SSHD, "/etc/default/ssh": text})
    assert outcomes(a, "HVA-160") == {"hv1": "fail"}, messages(a, "HVA-160")
    assert messages(a, "HVA-160") == {
        "hv1": "PermitRootLogin yes (SSHD_OPTS in /etc/default/ssh: -o PermitRootLogin=yes)"
    }
    env = "LIBVIRT_LOG_OUTPUTS=3:file:/var/log/lv.log\nexport LIBVIRT_LOG_OUTPUTS=3:journald\n"
    a = host_scan({"processes": IDLE_PROCS, "/etc/default/libvirtd": env})
    assert outcomes(a, "HVA-213") == {"hv1": "fail"}, messages(a, "HVA-213")
    assert messages(a, "HVA-213") == {
        "hv1": DEBUG_FILE.format(where="/etc/default/libvirtd", outputs="3:file:/var/log/lv.log")
    }


def test_environment_file_export_line_sets_nothing(host_scan) -> None:
    """HL18-9's twin (a wrong fail): `export SSHD_OPTS=-o PermitRootLogin=yes` alone is dropped
    by systemd as an invalid assignment, so sshd starts without it: HVA-160 judges sshd's own
    configuration (PermitRootLogin no: the pass). hvaudit failed it."""
    from test_redteam13_host_probes import SOCKET_SSHD

    text = "export SSHD_OPTS='-o PermitRootLogin=yes'\n"
    a = host_scan({**SOCKET_SSHD, "/etc/default/ssh": text})
    assert outcomes(a, "HVA-160") == {"hv1": "pass"}, messages(a, "HVA-160")
    assert messages(a, "HVA-160") == {"hv1": "PermitRootLogin no"}


# --- HVA-142: the owner of a libvirt socket that asks for no authorization (HL18-10) -------------


def test_socket_owner_writing_to_an_unauthenticated_socket_is_counted(host_scan) -> None:
    """HL18-10. HL18-5's edge: connecting to a UNIX socket needs write permission on its file
    (connect(2) EACCES: "Write permission is denied on the socket file"), and the owner's bits
    grant it as the group's do. virtlogd's and virtlockd's sockets check no client identity
    (HL18-5), so bob owning virtlogd-sock and carol virtlockd-sock with mode 0600 (a socket
    unit's SocketUser=) may have root append to any file and hold every disk's lease; HVA-142
    counted groups only (2 of 3: pass). Right: the owners counted (4: fail)."""
    stat = SOCKETS + (
        "600 bob root /run/libvirt/virtlogd-sock\n600 carol root /run/libvirt/virtlockd-sock\n"
    )
    a = host_scan({"/etc/group": LOGADM, "libvirt-sockets": (stat, 1)})
    assert outcomes(a, "HVA-142") == {"hv1": "fail"}, messages(a, "HVA-142")
    assert messages(a, "HVA-142") == {
        "hv1": "4 administrative principal(s) (limit 3): alice, bob, carol, root"
    }


@pytest.mark.parametrize(
    "line",
    [
        "400 bob root /run/libvirt/virtlogd-sock",
        "600 root root /run/libvirt/virtlogd-sock",
        "600 bob root /run/libvirt/libvirt-sock",
    ],
    ids=["owner-reads-only", "owner-root", "rw-socket-under-polkit"],
)
def test_socket_owner_without_unauthenticated_writes_is_not_counted(host_scan, line: str) -> None:
    """HL18-10's held probes: an owner who may only read cannot connect, root adds no one, and
    the read-write socket under auth_unix_rw = polkit asks polkit whoever connects: the pass
    stays (2 principals), before and after."""
    stat = SOCKETS + line + "\n"
    if "libvirt-sock" in line:
        stat = SOCKETS.replace("777 root root /run/libvirt/libvirt-sock\n", "") + line + "\n"
    a = host_scan({"/etc/group": LOGADM, "libvirt-sockets": (stat, 1)})
    assert messages(a, "HVA-142") == {"hv1": "2 administrative principal(s) (limit 3): alice, root"}
    assert outcomes(a, "HVA-142") == {"hv1": "pass"}
