"""Seventeenth red-team review, host side (rt17-host).

Same harness as tests/test_redteam16_host_probes.py: libvirt's test driver serves one plain VM,
and host evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed only where
a probe says so), so every artefact goes through the real collector, parser and engine. Each
probe asserts the verdict its cited source proves right, with its exact message.

Findings:
- R17H-1 (false pass) HVA-042 passed with `libvirt-qemu:x:0:` listed before Debian's
  `libvirt-qemu:x:64055:` in /etc/group, and HVA-142 passed "3 administrative principal(s)"
  with a second `sudo:x:27:bob,carol` entry: glibc's getgrnam returns a name's first entry
  (files-grp.c DB_LOOKUP breaks at the first match) and getgrouplist reads every entry
  (files-initgroups.c), while hvaudit kept the last. A name listed twice now has its first
  gid and every entry's members (also a wrong fail: a later `libvirt-qemu:x:0:` failed
  HVA-042). Fixed.
- R17H-2 (false pass) HVA-213 passed "the journal" with `Storage=\\` / `none` in journald.conf
  or a drop-in (RHEL, ForwardToSyslog default no): systemd's conf-parser joins a line ending in
  a backslash with the next, skipping comment lines between (systemd.syntax(7)), so journald
  keeps nothing. journald.conf and journal-upload.conf are now read so (_systemd_lines); the
  twin `SplitMode=uid\\` / `Storage=none` (swallowed: a wrong fail) now passes. Fixed.
- R17H-3 (false pass) HVA-200 passed "logs forwarded over TLS" with StreamDriverAuthMode
  `x509/names`, `name` or `x509/name ` (action or legacy directive): the gtls, ossl and mbedtls
  drivers know four modes (strcasecmp) and fail SetAuthMode otherwise, and omfwd's connection
  setup with it, so nothing is sent. Now the fail naming the mode. Fixed.
- R17H-4 (false pass) HVA-049 passed "the host's KVM has nested off" for a host-passthrough VM
  with kvm_amd nested=2 (or -1): kvm_amd's parameter is an int and svm_hardware_setup nests for
  any non-zero value. Now on; a value neither Y/N nor a number is unread. Fixed.
- R17H-5 (false pass) HVA-202 passed "ntpd running" where ntp.conf's only source was the LOCAL
  driver (server 127.127.1.0, ntpsec `refclock local`) or a loopback address: ntpd calls itself
  synchronised to the host's own free-running clock, and timedatectl says NTPSynchronized=yes.
  The collector now reads /etc/ntp.conf and /etc/ntpsec/ntp.conf; such an ntpd fails. Fixed.
- R17H-6 (false pass) HVA-132 passed with /run/libvirt/virtlogd-sock at 0666: virtlogd runs as
  root and opens, reads and appends to any path a client names (log_daemon_dispatch.c, no
  identity check), so its socket unit's SocketMode=0600 is its only guard. virtlogd's and
  virtlockd's sockets and admin sockets are now stat'ed; writable by every user, a fail. Fixed.

Probes that held: `X509/Name` (strcasecmp: pass); kvm_amd nested=0 (pass); the LOCAL driver as
a fallback beside a pool, the SHM refclock 127.127.28.0 and an `includefile` (pass: the included
file is not read, so not judged); virtlogd/virtlockd sockets at 0600 (pass); an escaped
`\\\\` ends its line (Storage=none on the next line still fails). Probed without a finding:
a second omfwd action without TLS beside the TLS one (action() over tcp, `& @@host`, `*.* @host`)
fails HVA-200 naming it. Read in the sources, not probed: Cyrus SASL `mech_list :` (lib/config.c
refuses the whole file and server.c sasl_server_init returns load_config's error, so libvirt's
SASL cannot start: no pass follows from hvaudit reading the line).

Tally: 23 cases in 13 test functions; 17 failed on main before their fixes (R17H-1 3, R17H-2 3,
R17H-3 4, R17H-4 2, R17H-5 3, R17H-6 2: each run with PYTHONPATH=/work/main/src before it
landed); the 6 held cases passed before and after.

Leads left (not probed or not fixed for lack of time):
- journald.conf only under /run/systemd, /usr/local/lib/systemd or /usr/lib/systemd (newer
  systemd ships no /etc file; journald.conf(5): the first main file found is used): not
  collected. On a non-Debian host without /etc/systemd/journald.conf the ForwardToSyslog
  default stays a question; a Storage=none there is not seen.
- A comment line ending in a backslash: older systemd continued it (systemd issue 10598);
  _systemd_lines does not (errs towards reading the next line).
- systemd unit files (libvirt-units, `systemctl cat`) are still read line by line: an
  Environment= continued with a backslash is not joined.
- virtlogd-sock group-writable (0660 with a group): its members are root-equivalent but not
  counted by HVA-142's admin principals (only libvirt sockets with auth none are).
- chrony: `local stratum` without a server leaves the kernel unsynchronised (NTPSynchronized=no
  fails already); chrony.conf (and its confdir/sourcedir) is not collected, so `server
  127.0.0.1` to itself, `allow`/`cmdallow` to all and NTS without `nocerttimecheck` are unjudged.
- ntpd started with `-c` another file, or ntp.conf includefile: not judged (pass kept; since
  R22T-1 asked where no outside source was read).
- rsyslog `StreamDriverPermittedPeers` wildcards (`*.*.*` matches any three-label name) and
  `StreamDriver.PermitExpiredCerts="on"` (probed: HVA-200 passes; nsd_gtls accepts an expired
  server certificate) are not judged; syslog-ng destinations not re-probed.
- /etc/group gid aliases (two names, one gid): polkit's isInGroup resolves a gid to the first
  name (getgrgid), sudo matches names of the user's gids; not probed.
- qemu.conf remember_owner / set_process_name / max_files, vhost_net experimental_zcopytx,
  sshd configuration newer than the running sshd (HL16's lead): not reached.
"""

from __future__ import annotations

import pytest

from conftest import DEBIAN_RSYSLOG_MAIN, HARDENED_HOST, domain_xml, messages, outcomes
from test_host_leads15 import RHEL

PASSWD = str(HARDENED_HOST["/etc/passwd"])
GROUP = str(HARDENED_HOST["/etc/group"])
QEMU_CONF = str(HARDENED_HOST["/etc/libvirt/qemu.conf"])


# --- /etc/group names listed twice (R17H-1) ------------------------------------------------------

BOB_CAROL = "bob:x:1001:1001::/home/bob:/bin/bash\ncarol:x:1002:1002::/home/carol:/bin/bash\n"


def test_group_name_listed_twice_has_its_first_gid(host_scan) -> None:
    """R17H-1. glibc's nss_files getgrnam (nss/nss_files/files-grp.c `DB_LOOKUP (grnam, ...)`,
    read with `find_string`) breaks at the first entry of the name, so with `libvirt-qemu:x:0:`
    before Debian's `libvirt-qemu:x:64055:` libvirt's virGetGroupID resolves qemu.conf's
    `group = "libvirt-qemu"` to gid 0 and every QEMU runs in group root. hvaudit kept the last
    entry (64055) and passed HVA-042. Right: R16H-2's fail."""
    a = host_scan(
        {
            "/etc/group": GROUP.replace(
                "libvirt-qemu:x:64055:", "libvirt-qemu:x:0:\nlibvirt-qemu:x:64055:"
            )
        }
    )
    assert outcomes(a, "HVA-042") == {"hv1": "fail"}, messages(a, "HVA-042")
    assert messages(a, "HVA-042") == {
        "hv1": "qemu.conf sets group = libvirt-qemu (gid 0 in /etc/group): QEMU runs in group root"
    }


def test_group_name_listed_twice_second_gid_0_is_not_used(host_scan) -> None:
    """R17H-1's twin (wrong fail): `libvirt-qemu:x:0:` after the first entry is never what
    getgrnam returns, so QEMU runs with gid 64055. hvaudit kept the last entry and failed.
    Held now: the pass on the running process."""
    a = host_scan({"/etc/group": GROUP + "libvirt-qemu:x:0:\n"})
    assert outcomes(a, "HVA-042") == {"hv1": "pass"}, messages(a, "HVA-042")


def test_group_name_listed_twice_counts_every_entrys_members(host_scan) -> None:
    """R17H-1. getgrouplist reads the whole file (files-initgroups.c "We have to iterate over
    the entire file") and gives bob and carol gid 27 from a second `sudo:x:27:bob,carol`
    entry; sudo matches %sudo by the names of the user's gids (or by gid), so alice, bob and
    carol all run commands as root. hvaudit kept only the last entry's members and passed
    HVA-142 with "3 administrative principal(s) (limit 3): bob, carol, root". Right: four, a
    fail."""
    a = host_scan(
        {"/etc/group": GROUP + "sudo:x:27:bob,carol\n", "/etc/passwd": PASSWD + BOB_CAROL}
    )
    assert outcomes(a, "HVA-142") == {"hv1": "fail"}, messages(a, "HVA-142")
    assert messages(a, "HVA-142") == {
        "hv1": "4 administrative principal(s) (limit 3): alice, bob, carol, root"
    }


# --- HVA-213: a journald.conf line continued with a backslash (R17H-2) ---------------------------

DROPIN = "/etc/systemd/journald.conf.d/50-quiet.conf"
RHEL_DEFAULTS = "[Journal]\n#Storage=auto\n#ForwardToSyslog=no\n"
DROPPED = (
    "libvirtd.conf: log_outputs unset (the journal), but journald keeps no journal "
    "(Storage=none in {where}) and forwards nothing to syslog (the compiled-in default "
    "ForwardToSyslog=no (/etc/systemd/journald.conf shows the compile time defaults; nothing "
    "sets it))"
)


@pytest.mark.parametrize(
    ("main", "dropin", "where"),
    [
        (RHEL_DEFAULTS + "Storage=\\\n  none\n", "", "/etc/systemd/journald.conf"),
        (RHEL_DEFAULTS, "[Journal]\nStorage=\\\n# the journal is not wanted\nnone\n", DROPIN),
    ],
    ids=["main", "dropin-with-comment"],
)
def test_journald_setting_continued_on_the_next_line_is_read(
    host_scan, main: str, dropin: str, where: str
) -> None:
    """R17H-2. systemd.syntax(7): "Lines ending in a backslash are concatenated with the
    following line while reading and the backslash is replaced by a space character ... When a
    comment line or lines follow a line ending with a backslash, the comment block is ignored"
    (systemd src/shared/conf-parser.c config_parse, read with `read_file`; parse_line strips
    the value), so `Storage=\\` followed by `none` is Storage=none and journald drops
    everything libvirt logs (HL15-1) on RHEL 9, whose ForwardToSyslog default is no. hvaudit
    read the lines one by one, saw `Storage=\\` (no valid value) and passed HVA-213 "the
    journal". Right: HL15-1's fail."""
    files = "".join(f"{DROPIN}:{line}\n" for line in dropin.splitlines())
    a = host_scan(
        {
            "/etc/os-release": RHEL,
            "/etc/systemd/journald.conf": main,
            "journald-conf-d": (files, 0) if files else ("", 2),
        }
    )
    assert outcomes(a, "HVA-213") == {"hv1": "fail"}, messages(a, "HVA-213")
    assert messages(a, "HVA-213") == {"hv1": DROPPED.format(where=where)}


def test_journald_escaped_backslash_ends_its_line(host_scan) -> None:
    """R17H-2's twins. `SplitMode=uid\\\\` ends in an escaped backslash (config_parse toggles
    `escaped` per backslash), so the line is not continued and the next line's Storage=none
    holds: the fail (held, before and after). `SplitMode=uid\\` is continued: the next line
    becomes part of SplitMode's value ("uid Storage=none", which journald ignores), so the
    journal is kept: the pass (hvaudit failed it on the Storage=none it read alone: a wrong
    fail)."""
    a = host_scan(
        {
            "/etc/os-release": RHEL,
            "/etc/systemd/journald.conf": RHEL_DEFAULTS + "SplitMode=uid\\\\\nStorage=none\n",
        }
    )
    assert outcomes(a, "HVA-213") == {"hv1": "fail"}, messages(a, "HVA-213")
    a = host_scan(
        {
            "/etc/os-release": RHEL,
            "/etc/systemd/journald.conf": RHEL_DEFAULTS + "SplitMode=uid\\\nStorage=none\n",
        }
    )
    assert messages(a, "HVA-213") == {"hv1": "libvirtd.conf: log_outputs unset (the journal)"}
    assert outcomes(a, "HVA-213") == {"hv1": "pass"}


# --- HVA-200: an rsyslog authentication mode no TLS driver knows (R17H-3) -----------------------

RSYSLOG = str(HARDENED_HOST["rsyslog-config"][0])
REMOTE = "/etc/rsyslog.d/50-remote.conf"
LEGACY = DEBIAN_RSYSLOG_MAIN.replace("{", "{{").replace("}", "}}") + (
    f"{REMOTE}:$DefaultNetstreamDriver gtls\n{REMOTE}:$ActionSendStreamDriverMode 1\n"
    f"{REMOTE}:$ActionSendStreamDriverAuthMode {{}}\n{REMOTE}:*.* @@logs.example.internal:6514\n"
)


@pytest.mark.parametrize(
    ("config", "mode"),
    [
        (RSYSLOG.replace("x509/name", "x509/names"), "x509/names"),
        (RSYSLOG.replace("x509/name", "name"), "name"),
        (RSYSLOG.replace("x509/name", "x509/name "), "x509/name "),
        (LEGACY.format("x509/hostname"), "x509/hostname"),
    ],
    ids=["names", "name", "trailing-blank", "legacy"],
)
def test_rsyslog_auth_mode_no_driver_knows_sends_nothing(host_scan, config: str, mode: str) -> None:
    """R17H-3. rsyslog's TLS drivers know four authentication modes: nsd_gtls.c, nsd_ossl.c and
    nsd_mbedtls.c SetAuthMode compare the value with strcasecmp against "x509/name",
    "x509/fingerprint", "x509/certvalid" and "anon" and otherwise fail with
    RS_RET_VALUE_NOT_SUPPORTED ("authentication mode '%s' not supported by gtls netstream
    driver"); omfwd.c's connection setup calls `CHKiRet(netstrm.SetDrvrAuthMode(...))`, so
    every connection fails and nothing is forwarded (read in the rsyslog tree, fetched at
    ee72adc). hvaudit took any value but anon and x509/certvalid for an authenticated server
    and passed HVA-200 "logs forwarded over TLS". Right: the fail naming the mode. A value with
    a blank in an action() never gets that far: rsyslog refuses the action (R30L-9)."""
    a = host_scan({"rsyslog-config": (config, 0)})
    assert outcomes(a, "HVA-200") == {"hv1": "fail"}, messages(a, "HVA-200")
    why = (
        f'parameter streamdriverauthmode="{mode}" contains whitespace, which rsyslog does not '
        "permit in it: it refuses the action, so nothing is sent"
        if mode != mode.strip()
        else f"StreamDriverAuthMode '{mode}', which no TLS driver knows: rsyslog fails every "
        "connection and sends nothing"
    )
    assert messages(a, "HVA-200") == {
        "hv1": f"logs forwarded without authenticated TLS to logs.example.internal ({why})"
    }


def test_rsyslog_auth_mode_in_other_case_is_known(host_scan) -> None:
    """R17H-3's held probe: strcasecmp makes `X509/Name` x509/name, so the pass stays."""
    a = host_scan({"rsyslog-config": (RSYSLOG.replace("x509/name", "X509/Name"), 0)})
    assert messages(a, "HVA-200") == {"hv1": "logs forwarded over TLS to logs.example.internal"}
    assert outcomes(a, "HVA-200") == {"hv1": "pass"}


# --- HVA-049: kvm_amd's `nested` is a number (R17H-4) -------------------------------------------


@pytest.mark.parametrize("value", ["2", "-1"])
def test_kvm_amd_nested_any_non_zero_number_nests(host_scan, value: str) -> None:
    """R17H-4. kvm_amd's `nested` is an int module parameter (arch/x86/kvm/svm/svm.c `static
    int nested = true; module_param(nested, int, S_IRUGO)`, read with `find_string`): sysfs
    prints it with %d, and svm_hardware_setup enables nesting `if (nested)`, so `modprobe
    kvm_amd nested=2` (or -1) nests as 1 does. hvaudit took only Y and 1 for on and passed
    HVA-049 "the host's KVM has nested off" for a host-passthrough VM. Right: the fail."""
    from test_redteam2_probes import AMD_NESTING_HOST

    a = host_scan(
        {**AMD_NESTING_HOST, "/sys/module/kvm_amd/parameters/nested": value + "\n"},
        domains=[domain_xml("pt", body="<cpu mode='host-passthrough'/>")],
    )
    assert outcomes(a, "HVA-049") == {"pt": "fail"}, messages(a, "HVA-049")
    assert messages(a, "HVA-049") == {
        "pt": "CPU mode host-passthrough passes the host's vmx/svm through when KVM nests, and "
        "the host's KVM has nested on"
    }


def test_kvm_amd_nested_zero_keeps_the_pass(host_scan) -> None:
    """R17H-4's held probe: nested=0 (and kvm_intel's N) turn nesting off: the pass stays."""
    from test_redteam2_probes import AMD_NESTING_HOST

    a = host_scan(
        {**AMD_NESTING_HOST, "/sys/module/kvm_amd/parameters/nested": "0\n"},
        domains=[domain_xml("pt", body="<cpu mode='host-passthrough'/>")],
    )
    assert outcomes(a, "HVA-049") == {"pt": "pass"}, messages(a, "HVA-049")


# --- HVA-202: ntpd whose only source is the host's own clock (R17H-5) ---------------------------

PROCS = str(HARDENED_HOST["processes"][0])
NTPD = PROCS.replace(
    "_chrony   /usr/sbin/chronyd -F 1", "ntp      /usr/sbin/ntpd -p /run/ntpd.pid -g -u 106:112"
)
assert NTPD != PROCS


@pytest.mark.parametrize(
    ("conf", "path", "shown"),
    [
        (
            "driftfile /var/lib/ntp/ntp.drift\nserver 127.127.1.0\nfudge 127.127.1.0 stratum 10\n",
            "/etc/ntp.conf",
            "/etc/ntp.conf: server 127.127.1.0",
        ),
        (
            "refclock local stratum 10\n",
            "/etc/ntpsec/ntp.conf",
            "/etc/ntpsec/ntp.conf: refclock local",
        ),
        (
            "server 127.0.0.1 iburst\nserver ::1\n",
            "/etc/ntp.conf",
            "/etc/ntp.conf: server 127.0.0.1; /etc/ntp.conf: server ::1",
        ),
    ],
    ids=["local-driver", "ntpsec-refclock-local", "loopback"],
)
def test_ntpd_synchronised_to_its_own_clock_fails(
    host_scan, conf: str, path: str, shown: str
) -> None:
    """R17H-5. ntp's LOCAL driver (server 127.127.1.0, ntpsec `refclock local`) is "a hack to
    allow a machine to use its own system clock as a reference clock, i.e., to free-run using
    no outside clock discipline source" (ntp driver1.html, read with `search`; ntpsec: "We
    recommend against using this driver"). ntpd selects it, calls itself synchronised and keeps
    the kernel's maximum error low, so `timedatectl` shows NTPSynchronized=yes while nothing
    outside steers the clock; a loopback server is the host itself. hvaudit passed HVA-202
    "ntpd running" (the class of VMware's V16-2 on Linux). Right: the fail naming the lines."""
    # ntpsec reads /etc/ntpsec/ntp.conf only with Debian's `-c` (R24U-1)
    procs = NTPD if path == "/etc/ntp.conf" else NTPD.replace(" -g ", f" -g -c {path} ")
    a = host_scan({"processes": (procs, 0), path: conf})
    assert outcomes(a, "HVA-202") == {"hv1": "fail"}, messages(a, "HVA-202")
    assert messages(a, "HVA-202") == {
        "hv1": f"ntpd running, but its only time source is the host's own clock ({shown}): the "
        "clock runs free, steered by nothing outside the host"
    }


@pytest.mark.parametrize(
    "conf",
    [
        "server 127.127.1.0\nfudge 127.127.1.0 stratum 10\npool 2.debian.pool.ntp.org iburst\n",
        "server 127.127.28.0\nfudge 127.127.28.0 refid GPS\n",
    ],
    ids=["local-as-fallback", "shm-refclock"],
)
def test_ntpd_with_an_outside_source_keeps_the_pass(host_scan, conf: str) -> None:
    """R17H-5's held probes: the LOCAL driver as the last resort beside a pool and a real
    reference clock (127.127.28.0, the SHM driver gpsd feeds) keep the pass (an includefile
    with no outside source is asked: R22T-1; beside an outside pool too, since the included
    file may say `disable ntp`: R24I-1, tests/test_redteam24_ntpinc_probes.py). R28T-3: the
    LOCAL fallback passes where `ntpq -pn` names an outside system peer; with no peer read it
    is asked (tests/test_redteam28_time_probes.py)."""
    peers = (
        "     remote           refid      st t when poll reach   delay   offset  jitter\n"
        "==============================================================================\n"
        "*192.0.2.10      193.79.237.14    2 u   33   64  377    0.412   -0.118   0.051\n"
    )
    a = host_scan({"processes": (NTPD, 0), "/etc/ntp.conf": conf, "ntpq-peers": (peers, 0)})
    assert messages(a, "HVA-202") == {"hv1": "ntpd running"}
    assert outcomes(a, "HVA-202") == {"hv1": "pass"}


# --- HVA-132: virtlogd's and virtlockd's sockets open to every user (R17H-6) --------------------

SOCKETS = str(HARDENED_HOST["libvirt-sockets"][0])


@pytest.mark.parametrize(
    ("line", "reach"),
    [
        (
            "666 root root /run/libvirt/virtlogd-sock",
            "any local user has virtlogd (root) open, read and append to any file it names "
            "(log_daemon_dispatch.c takes the path from the client and checks no identity)",
        ),
        (
            "777 root root /run/libvirt/virtlockd-admin-sock",
            "any local user administers virtlockd through its admin socket (virt-admin: log "
            "outputs, client limits)",
        ),
    ],
    ids=["virtlogd", "virtlockd-admin"],
)
def test_world_writable_virtlogd_socket_fails(host_scan, line: str, reach: str) -> None:
    """R17H-6. virtlogd runs as root and its protocol takes the log file's path from the client:
    virLogManagerProtocolDispatchDomainOpenLogFile, ...ReadLogFile and ...AppendLogFile
    (libvirt src/logging/log_daemon_dispatch.c, read with `read_file`) leave `client` unused,
    so only the socket's mode keeps other users out; virtlogd.socket.in creates it with
    SocketMode=0600 (systemd's default without the line is 0666, as a unit written by hand or
    a drop-in leaves it). hvaudit never looked at virtlogd's or virtlockd's sockets and passed
    HVA-132 with /run/libvirt/virtlogd-sock at 0666: any local user appends to any file as
    root. Right: the fail naming the socket (the admin sockets as libvirtd's, R12H-2)."""
    a = host_scan({"libvirt-sockets": (SOCKETS + line + "\n", 1)})
    assert outcomes(a, "HVA-132") == {"hv1": "fail"}, messages(a, "HVA-132")
    path, mode = line.split()[3], " ".join(line.split()[:3])
    assert messages(a, "HVA-132") == {"hv1": f"{path} is mode {mode}: {reach}"}


def test_virtlogd_socket_owner_only_keeps_the_pass(host_scan) -> None:
    """R17H-6's held probe: the shipped 0600 sockets leave HVA-132's pass as it was."""
    extra = "600 root root /run/libvirt/virtlogd-sock\n600 root root /run/libvirt/virtlockd-sock\n"
    a = host_scan({"libvirt-sockets": (SOCKETS + extra, 1)})
    assert outcomes(a, "HVA-132") == {"hv1": "pass"}, messages(a, "HVA-132")
