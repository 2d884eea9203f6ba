"""Twenty-fourth red-team review: a probe that failed is not "nothing there" (rt24probe).

Harness: libvirt's test driver serves one plain VM; host evidence comes from `ReplayRunner`
(conftest's hardened Debian host, changed only where a probe says so), through the real
collector, bundle, parser and engine. A failed `stat` is replayed as GNU coreutils gives it:
`(stdout, 1, stderr)`, one "stat: cannot statx 'PATH': ERROR" line per path it could not stat.
coreutils src/stat.c (found with `find_string`): do_stat runs `error (0, errno, _("cannot statx
%s"), quoteaf (filename)); return false;` and main goes on with the next path (`ok &= ...
do_stat (argv[i], format, format2)`, then `main_exit (ok ? EXIT_SUCCESS : EXIT_FAILURE)`): exit
1 alike for a path that does not exist and for one stat could not reach (Permission denied on a
directory above it). The new parse.host._stat_unanswered tells them apart as R23P-4's
_grep_unanswered does for grep.

Findings (ID-n):
- R24P-1 (false pass) HVA-142 HVA-132 HVA-030: the socket `stat` probes (container-sockets,
  libvirt-sockets, libvirt-tls-key) were read line by line whatever stat said on stderr, so a
  path stat could not reach ("Permission denied") counted as absent: HVA-142 passed "2
  administrative principal(s)" with the Incus socket unread (a group-writable API socket is
  root-equivalent, R23A-2); HVA-132 passed "auth_unix_rw = polkit" with the admin and virtlogd
  sockets' live modes unread (R17H-6, HL18-5); HVA-030 passed a TLS listener whose server key
  stat could not reach, though the key may be readable by all (HL14-5). Now any stat error other
  than "No such file or directory" leaves the answer unknown: HVA-142 and HVA-132 give an error
  naming stat's message, HVA-030 asks, unless a directory stat did read above the key denies
  others search (path_resolution(7)), which settles it (held).
- R24P-2 (false pass, not applicable for a subject that exists) HVA-034: with libvirt's socket
  unit list unanswered (`systemctl list-unit-files` exit 1, "Failed to connect to bus"; systemd
  verb_cat/list-unit-files, see parse.host._systemctl_unanswered), no TLS listener now was read
  as "no libvirt TLS listener" (not applicable), though an enabled libvirtd-tls.socket listens
  from the next boot. HVA-030 and HVA-133 already ask in that case (R23P-2); HVA-034 now gives
  the same unknown.
- R24P-3 (false pass, not applicable for a subject that exists) HVA-034: a failed `systemctl
  cat` of libvirt's services (libvirt-units, exit 1 "Failed to connect to bus") left
  _pulled_units reading "no drop-in pulls a socket", and with no TLS listener now HVA-034 was
  not applicable, though a drop-in's `Wants=libvirtd-tls.socket` starts the TLS socket with the
  daemon (systemd.unit(5): Wants= "a weaker version of Requires=", Requires= "If this unit gets
  activated, the units listed here will be activated as well", as quoted in
  parse.host._socket_unit_pulls, R22U-1). Now the same unknown.

Held (kept as tests): the TLS key's stat denied under a private directory stat read as 750 (no
search for others) still passes HVA-030.

Probed by script, not kept: a failed `systemctl cat` of libvirt's services (libvirt-units) was
already a question for HVA-213.

Tally: 7 cases in 5 test functions; 6 cases failed before the fixes (R24P-1 and R24P-2: 5 on main
beaf619; R24P-3: 1 on b6a9527); the held case passed before and after.

Leads left (not settled in the time):
- tcp_at_next_start still reads an unknown socket_unit_pulls (a failed `systemctl cat` of the
  services) as "no drop-in pulls a -tcp socket": HVA-030 and HVA-133 may pass while a Wants=
  drop-in starts the TCP listener (HVA-034 fixed in R24P-3).
- _daemons reads a failed libvirt-socket-units as "no socket-enabled daemon" (daemon_files falls
  back to the files present, so no false pass was found); _unit_config_options skips a failed
  libvirt-units silently (its callers not walked).
- `find` exit 1 with partial output (sssd-conf-mtimes, userdb-records, rsyslog-mtimes,
  boot-kernels, iommu-group-devices, pci-drivers) and the remaining rsyslog-config /
  syslog-ng-config readers: not walked in the time.
- EnvironmentFile= of libvirtd (/etc/default/libvirtd LIBVIRTD_ARGS) is collected; whether
  every check reading the args treats an unreadable file as unknown was not walked.
"""

from __future__ import annotations

from conftest import HARDENED_HOST, messages, outcomes
from test_host_leads14 import _tls_scan

MISSING = "stat: cannot statx '{}': No such file or directory\n"
DENIED = "stat: cannot statx '{}': Permission denied\n"
GROUP_INCUS = str(HARDENED_HOST["/etc/group"]) + "incus-admin:x:990:bob,carol\n"
KEY = "/etc/pki/libvirt/private/serverkey.pem"


def test_container_socket_stat_could_not_reach_is_not_absent(host_scan) -> None:
    """R24P-1 (false pass) HVA-142: `stat -c '%a %U %G %n'` of the container sockets exited 1
    with the Incus socket "Permission denied" beside three missing ones; the Incus socket was
    read as absent and HVA-142 passed "2 administrative principal(s)", though its group
    (incus-admin, mode 0660 in Incus's packaging) may be root-equivalent (R23A-2)."""
    err = (
        MISSING.format("/run/docker.sock")
        + MISSING.format("/var/snap/lxd/common/lxd/unix.socket")
        + MISSING.format("/var/lib/lxd/unix.socket")
        + DENIED.format("/var/lib/incus/unix.socket")
    )
    a = host_scan({"container-sockets": ("", 1, err), "/etc/group": GROUP_INCUS})
    assert outcomes(a, "HVA-142") == {"hv1": "error"}
    assert messages(a, "HVA-142") == {
        "hv1": "evidence could not be collected: the container daemons' API sockets could not "
        "all be stat'ed (exit status 1: stat: cannot statx '/var/lib/incus/unix.socket': "
        "Permission denied): the groups that may write to them are unknown"
    }


def test_libvirt_socket_stat_could_not_reach_is_not_absent(host_scan) -> None:
    """R24P-1 (false pass) HVA-142 HVA-132: libvirt's sockets stat could not reach (exit 1,
    "Permission denied" for each) were read as absent; both checks fell back to the files and
    passed, though the live admin and virtlogd sockets' modes (a unit drop-in's SocketMode=,
    a chmod since) decide who administers the daemon (HL18-5, R17H-6)."""
    paths = ("/run/libvirt/libvirt-sock", "/run/libvirt/libvirt-admin-sock")
    a = host_scan({"libvirt-sockets": ("", 1, "".join(DENIED.format(p) for p in paths))})
    why = "exit status 1: stat: cannot statx '/run/libvirt/libvirt-sock': Permission denied"
    assert outcomes(a, "HVA-142") == {"hv1": "error"}
    assert messages(a, "HVA-142") == {
        "hv1": f"evidence could not be collected: libvirt's sockets could not all be stat'ed "
        f"({why}): the groups that may write to them are unknown"
    }
    assert outcomes(a, "HVA-132") == {"hv1": "error"}
    assert messages(a, "HVA-132") == {
        "hv1": f"evidence could not be collected: stat could not read every path ({why})"
    }


def test_tls_key_stat_could_not_reach_is_asked(host_scan) -> None:
    """R24P-1 (false pass) HVA-030: with TLS listening, a server key stat could not reach
    ("Permission denied") was read as no key, and HVA-030 passed; the key may be mode 644
    (HL14-5: every local user then poses as this host). Now the question. Held: the same denial
    under a private directory stat read as 750 (others cannot search it, path_resolution(7))
    keeps the pass."""
    head = "755 root root /etc/pki\n755 root root /etc/pki/libvirt\n"
    a = _tls_scan(host_scan, head)  # the probe answered: no key there (held by test_host_leads14)
    assert outcomes(a, "HVA-030") == {"hv1": "pass"}
    from test_redteam12_host_probes import _TLS_LISTEN

    conf = str(HARDENED_HOST["/etc/libvirt/libvirtd.conf"]) + "listen_tls = 1\n"
    over = {"/etc/libvirt/libvirtd.conf": conf, "listeners": (_TLS_LISTEN, 0)}
    a = host_scan({**over, "libvirt-tls-key": (head, 1, DENIED.format(KEY))})
    assert outcomes(a, "HVA-030") == {"hv1": "manual"}
    assert messages(a, "HVA-030") == {
        "hv1": "the TLS server key's permissions were not read (stat could not read every path "
        f"(exit status 1: stat: cannot statx '{KEY}': Permission denied))"
    }
    closed = head + "750 root libvirt-qemu /etc/pki/libvirt/private\n"
    a = host_scan({**over, "libvirt-tls-key": (closed, 1, DENIED.format(KEY))})
    assert outcomes(a, "HVA-030") == {"hv1": "pass"}
    assert messages(a, "HVA-030") == {
        "hv1": "only TLS 16514 listening, client certificates verified"
    }


def test_unlisted_socket_units_are_not_no_tls_listener(host_scan) -> None:
    """R24P-2 (false n/a) HVA-034: `systemctl list-unit-files` of libvirt's sockets failed
    ("Failed to connect to bus", exit 1: not "no unit", _systemctl_unanswered); with no TLS
    listener now HVA-034 said "no libvirt TLS listener", though an enabled libvirtd-tls.socket
    listens from the next boot (systemd starts enabled socket units at boot)."""
    units = ("", 1, "Failed to connect to bus: Permission denied\n")
    a = host_scan({"libvirt-socket-units": units})
    assert outcomes(a, "HVA-034") == {"hv1": "error"}
    assert messages(a, "HVA-034") == {
        "hv1": "evidence could not be collected: libvirt's socket units were not listed (exit "
        "status 1: Failed to connect to bus: Permission denied)"
    }


def test_unread_service_units_are_not_no_tls_listener(host_scan) -> None:
    """R24P-3 (false n/a) HVA-034: `systemctl cat` of libvirt's services failed ("Failed to
    connect to bus", exit 1); with no TLS listener now HVA-034 said "no libvirt TLS listener",
    though a drop-in's `Wants=libvirtd-tls.socket` starts that unit with the daemon, enabled or
    not (systemd.unit(5) Wants=, R22U-1; parse.host._socket_unit_pulls)."""
    units = ("", 1, "Failed to connect to bus: Permission denied\n")
    a = host_scan({"libvirt-units": units})
    assert outcomes(a, "HVA-034") == {"hv1": "error"}
    assert messages(a, "HVA-034") == {
        "hv1": "evidence could not be collected: libvirt's service units were not read (exit "
        "status 1: Failed to connect to bus: Permission denied)"
    }
