"""Twenty-fourth red-team review, second pass: a probe that failed is not "nothing there" (rt24probe2).

Harness: libvirt's test driver serves one plain VM; host evidence comes from `ReplayRunner`
(conftest's hardened Debian host, changed only where a probe says so), through the real
collector, bundle, parser and engine. A failed probe is replayed as the tool gives it:
`(stdout, rc, stderr)`. systemctl (systemd src/systemctl verb_cat, as parse.host
_systemctl_unanswered quotes it, R23P): a manager it cannot reach prints "Failed to connect to
bus: ..." and nothing else, exit 1.

Findings (ID-n):
- R24Q-1 (false pass, not applicable for a subject that exists) HVA-030 HVA-035: with
  `systemctl cat` of libvirt's services failed (libvirt-units, exit 1 "Failed to connect to
  bus"), socket_unit_pulls was unknown and _pulled_units read it as "no drop-in pulls a
  socket unit": with libvirtd-tcp.socket installed and disabled (the hardened host's case),
  HVA-030 passed "libvirt listens on local UNIX sockets only" and HVA-035 said "libvirt does
  not listen on TCP 16509", though a drop-in's `Wants=libvirtd-tcp.socket` starts the TCP
  listener with the daemon, enabled or not (systemd.unit(5) Requires=: "If this unit gets
  activated, the units listed here will be activated as well", Wants= a weaker Requires=;
  found with `search`: Red Hat's RHEL 10 "Important [Unit] section options": Requires "The
  units listed in Requires are activated together with the unit", Wants "Configures weaker
  dependencies than Requires"). The TLS unit likewise for HVA-030 where the file's TLS
  settings (tls_no_verify_certificate = 1) would fail. Now management.pulls_unread gives the
  unknown pulls where a -tcp (or -tls) unit is installed, neither enabled nor masked, and keeps
  a ListenStream=; HVA-030 and HVA-035 give an error naming systemctl's error (HVA-034 did
  since R24P-3).
- R24Q-2 (false pass, not applicable for a subject that exists) HVA-030 HVA-035: libvirtd's
  socket units masked (the traditional mode: `--listen` opens listen_tcp, libvirtd(8)), and
  /etc/default/libvirtd, libvirtd.service's EnvironmentFile=, not read ("Permission denied"):
  parse.host._unit_args asked for the file only where no Environment= set the variable, and
  Debian's unit sets `Environment=LIBVIRTD_ARGS="--timeout 120"`, so the arguments were read as
  "--timeout 120", no --listen, and HVA-030 passed "local UNIX sockets only" with listen_tcp =
  1 and auth_tcp = "none" (HVA-035 n/a), though the unread file's LIBVIRTD_ARGS="--listen" wins:
  systemd.exec(5) EnvironmentFile= (found with `search`: the man page change "document changed
  EnvironmentFile= behaviour", elogind/systemd commit f1779fd2): "Settings from these files
  override settings made with Environment=". Now any variable ExecStart= uses leaves the
  arguments unknown while an EnvironmentFile= is unread: both checks ask with the file's error
  (the log outputs reader already asked; _unit_config_options shares the helper but skips an
  unknown, see Leads).
- R24Q-3 (false pass) HVA-130 (and every check judging the files of the daemons in use,
  checks._libvirt.daemon_files): with libvirt's socket unit list failed (`systemctl
  list-unit-files`, exit 1 "Failed to connect to bus"), _daemons kept only the running daemons,
  so on a modular host (libvirt docs/daemons.rst: the modular daemons are socket-activated and
  exit when idle, `--timeout 120`) an idle virtsecretd started on demand by its enabled socket
  was not "in use": HVA-130 passed from virtqemud.conf alone, though virtsecretd.conf sets no
  access driver (a fail when the list answers). Now parse.host records why the list failed
  (LibvirtHost.daemons_unlisted) and daemon_files judges, beside the running daemons, every
  daemon of the role whose file exists (its own fallback when none is seen; the worst counts).
- R24Q-4 (false pass) HVA-200 HVA-140 HVA-150: the mtime probes (`find ... -printf '%T@ %p'`
  of rsyslog's and SSSD's files) were read whatever find said: a timeout, or exit 1 with
  "Permission denied" on /etc/sssd/conf.d beside the listed sssd.conf, was read as "no file
  changed since the daemon started", so the checks passed from the files, though rsyslogd and
  sssd read them only at start (R11H-5, R11H-3). find(1) EXIT STATUS (found with
  `find_string`): "find exits with status 0 if all files are processed successfully, greater
  than 0 if errors occur", "if the return value is non-zero, you should not rely on the
  correctness of the results of find". Now _changed_after, where the daemon runs, reads any
  error but "No such file or directory" (_stat_unanswered: find names each error on stderr
  as stat does) as "when its files last changed was not read", and the checks ask.

Held (kept as tests): the same failed `systemctl cat` with libvirt's -tcp and -tls units
masked (nothing a drop-in could start) keeps HVA-030's pass and HVA-035's n/a; with the -tcp
unit masked and the -tls unit disabled, TLS settings that would pass keep HVA-030's pass.

Probed by script, not kept: the other `find` probes: iommu-group-devices, pci-drivers and
pci-classes already reject any exit status but 0 (_sysfs_pairs, _pci_classes, unavailable);
userdb-records accepts exit 1 only with "No such file or directory" lines; boot-kernels (`find
/boot -maxdepth 1`) reads one directory, so it cannot answer in part, and with /boot unread no
kernel is found and the fact is unavailable. A failed libvirt-socket-units with libvirtd
running on a monolithic host (daemon_files already judged libvirtd.conf) changes nothing.

Tally: 12 cases in 5 test functions; 7 failed before the fixes (R24Q-1: 3 on main 57d8239;
R24Q-2: 1 on 6a623ab; R24Q-3: 1 on 1d64f1c; R24Q-4: 2 on f097fd6); the 5 held cases passed
before and after.

Leads left (not settled in the time):
- _unit_config_options skips a daemon whose unit arguments are unknown (a failed `systemctl
  cat`, an unread EnvironmentFile=): a `--config FILE` there is unseen and
  /etc/libvirt/<daemon>.conf is still taken as what the next start reads. Making every
  libvirtd.conf check ask on such a failure is wide; the team should decide.
- R24Q-3 judges every present file of the role beside the running daemons when the socket
  list failed: a file of a daemon not in use with weak defaults can then fail a check (the
  same worst-counts rule daemon_files already used when no daemon is seen); an error there
  would be the stricter reading.
- _starts_and_mtimes (libvirt-conf-mtimes, stat) still reads a failed stat as "no file
  changed since the daemon started" ({}), as _changed_after did before R24Q-4.
"""

from __future__ import annotations

from conftest import HARDENED_HOST, messages, outcomes

BUS = ("", 1, "Failed to connect to bus: Permission denied\n")
UNREAD = (
    "evidence could not be collected: libvirt's service units were not read (exit status 1: "
    "Failed to connect to bus: Permission denied)"
)
CONF = "/etc/libvirt/libvirtd.conf"


def _units(tcp: str, tls: str) -> tuple[str, int]:
    return (
        "libvirtd.socket        enabled enabled\nlibvirtd-ro.socket     enabled enabled\n"
        f"libvirtd-admin.socket  enabled enabled\nlibvirtd-tcp.socket    {tcp} disabled\n"
        f"libvirtd-tls.socket    {tls} disabled\n",
        0,
    )


def test_unread_service_units_are_not_no_tcp_listener(host_scan) -> None:
    """R24Q-1 (false pass, false n/a) HVA-030 HVA-035: `systemctl cat` of libvirt's services
    failed ("Failed to connect to bus", exit 1) with libvirtd-tcp.socket installed and
    disabled; HVA-030 passed "local UNIX sockets only" and HVA-035 was n/a, though a drop-in's
    `Wants=libvirtd-tcp.socket` opens TCP 16509 with the daemon (auth_tcp = "none" here)."""
    conf = str(HARDENED_HOST[CONF]) + 'auth_tcp = "none"\n'
    for over in ({"libvirt-units": BUS}, {"libvirt-units": BUS, CONF: conf}):
        a = host_scan(over)
        assert outcomes(a, "HVA-030") == {"hv1": "error"}
        assert messages(a, "HVA-030") == {"hv1": UNREAD}
        assert outcomes(a, "HVA-035") == {"hv1": "error"}
        assert messages(a, "HVA-035") == {"hv1": UNREAD}


def test_unread_service_units_tls_unit_that_would_fail(host_scan) -> None:
    """R24Q-1 (false pass) HVA-030: the -tcp unit masked, libvirtd-tls.socket disabled, the
    services' files unread and tls_no_verify_certificate = 1: a drop-in pulling in the TLS unit
    would give every certificate holder the API (HVA-030 fails that when the unit is enabled);
    HVA-030 passed. Held: with the file's TLS settings sound the pass stays, and with both
    units masked nothing could be pulled in: HVA-030 passes and HVA-035 stays n/a."""
    conf = str(HARDENED_HOST[CONF]) + "tls_no_verify_certificate = 1\n"
    a = host_scan(
        {"libvirt-units": BUS, "libvirt-socket-units": _units("masked", "disabled"), CONF: conf}
    )
    assert outcomes(a, "HVA-030") == {"hv1": "error"}
    assert messages(a, "HVA-030") == {"hv1": UNREAD}
    a = host_scan({"libvirt-units": BUS, "libvirt-socket-units": _units("masked", "disabled")})
    assert outcomes(a, "HVA-030") == {"hv1": "pass"}
    a = host_scan(
        {"libvirt-units": BUS, "libvirt-socket-units": _units("masked", "masked"), CONF: conf}
    )
    assert outcomes(a, "HVA-030") == {"hv1": "pass"}
    assert messages(a, "HVA-030") == {"hv1": "libvirt listens on local UNIX sockets only"}
    assert outcomes(a, "HVA-035") == {"hv1": "not_applicable"}


def test_unread_environment_file_is_not_the_unit_default(host_scan) -> None:
    """R24Q-2 (false pass, false n/a) HVA-030 HVA-035: libvirtd's socket units masked,
    listen_tcp = 1 and auth_tcp = "none", /etc/default/libvirtd not read (Permission denied):
    libvirtd.service's own `Environment=LIBVIRTD_ARGS="--timeout 120"` was taken for the
    arguments, so "no --listen", though the unread EnvironmentFile= wins over Environment=
    (systemd.exec(5): "Settings from these files override settings made with Environment=")
    and libvirt's shipped copy offers `#LIBVIRTD_ARGS="--listen"` (src/remote/libvirtd.sysconf,
    as parse.host._libvirtd_listen quotes it). HVA-030 passed and
    HVA-035 was n/a. Held: the file read with LIBVIRTD_ARGS="--listen" fails both (R20H-3)."""
    from test_redteam23_probe_probes import MASKED, NO_LIBVIRTD, PLAIN_TCP

    base = {"libvirt-socket-units": MASKED, CONF: PLAIN_TCP, "processes": NO_LIBVIRTD}
    a = host_scan({**base, "/etc/default/libvirtd": PermissionError("Permission denied")})
    # R24C-1: the unread file also leaves the file libvirtd's next start reads unknown
    reason = (
        "evidence unavailable: libvirtd is not running and /etc/default/libvirtd could not be "
        "read (Permission denied): whether libvirtd.service starts it with --config FILE "
        "(another file than /etc/libvirt/libvirtd.conf) is unknown"
    )
    for check in ("HVA-030", "HVA-035"):
        assert outcomes(a, check) == {"hv1": "manual"}
        assert messages(a, check) == {"hv1": reason}
    a = host_scan({**base, "/etc/default/libvirtd": 'LIBVIRTD_ARGS="--listen"\n'})
    assert outcomes(a, "HVA-030") == {"hv1": "fail"}
    assert outcomes(a, "HVA-035") == {"hv1": "fail"}


#: a modular host (libvirt docs/daemons.rst): virtqemud runs (it holds the VMs); virtproxyd and
#: virtsecretd are idle, started on demand by their enabled socket units (--timeout 120)
QEMUD_ONLY = (
    "    1 root     /sbin/init\n  401 root     /sbin/auditd\n"
    "  700 root     /usr/sbin/virtqemud --timeout 120\n"
    "  800 root     sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups\n"
    "  402 _chrony   /usr/sbin/chronyd -F 1\n"
    "  403 root     /usr/sbin/rsyslogd -n -iNONE\n"
)


def test_unlisted_socket_units_keep_idle_modular_daemons(host_scan) -> None:
    """R24Q-3 (false pass) HVA-130: a modular host whose virtsecretd is idle (its enabled socket
    starts it on demand) and whose virtsecretd.conf sets no access driver; with `systemctl
    list-unit-files` of the sockets failed ("Failed to connect to bus", exit 1) _daemons saw
    only the running virtqemud, and HVA-130 passed "access_drivers = ['polkit']" from
    virtqemud.conf alone, though virtsecretd serves the secrets API with no access control
    (HVA-130 fails it when the list answers). Held: the list answered, the same fail."""
    from test_redteam3_host_probes import MODULAR_UNITS

    qemud = 'auth_unix_rw = "polkit"\naccess_drivers = [ "polkit" ]\naudit_level = 2\n'
    base = {
        "processes": (QEMUD_ONLY, 0),
        "/etc/libvirt/libvirtd.conf": None,
        "/etc/libvirt/virtqemud.conf": qemud,
        "/etc/libvirt/virtproxyd.conf": 'auth_unix_rw = "polkit"\n',
        "/etc/libvirt/virtsecretd.conf": 'auth_unix_rw = "polkit"\n',
    }
    want = {
        "hv1": "no access driver: every connected client may do everything on every VM "
        "(virtsecretd.conf)"
    }
    for units in ((MODULAR_UNITS, 0), BUS):
        a = host_scan({**base, "libvirt-socket-units": units})
        assert outcomes(a, "HVA-130") == {"hv1": "fail"}
        assert messages(a, "HVA-130") == want


def test_unread_mtimes_are_not_unchanged_files(host_scan) -> None:
    """R24Q-4 (false pass) HVA-200 HVA-140 HVA-150: the `find ... -printf '%T@ %p'` of
    rsyslog's and SSSD's files failed (a timeout; exit 1 with "Permission denied" on
    /etc/sssd/conf.d beside the listed sssd.conf), and _changed_after read it as "no file
    changed since the daemon started": the checks passed from the files, though a daemon reads
    them only at its start (rsyslog v4+ HUP, sssd(8) SIGHUP: R11H-5, R11H-3). find(1): "if the
    return value is non-zero, you should not rely on the correctness of the results of find".
    Held: exit 1 with only "No such file or directory" (no /etc/rsyslog.d) is an answer."""
    a = host_scan({"rsyslog-mtimes": TimeoutError("timed out after 20s")})
    assert outcomes(a, "HVA-200") == {"hv1": "manual"}
    assert messages(a, "HVA-200") == {
        "hv1": "evidence unavailable: rsyslogd runs, but when its files last changed was not "
        "read (`find`: timed out after 20s): rsyslogd reads its configuration only when it "
        "starts (HUP does not re-read it), so its destinations may differ from the files"
    }
    gone = (
        "1732095000.0 /etc/rsyslog.conf\n",
        1,
        "find: '/etc/rsyslog.d': No such file or directory\n",
    )
    assert outcomes(host_scan({"rsyslog-mtimes": gone}), "HVA-200") == {"hv1": "pass"}
    denied = "find: '/etc/sssd/conf.d': Permission denied\n"
    a = host_scan({"sssd-conf-mtimes": ("1732095000.0 /etc/sssd/sssd.conf\n", 1, denied)})
    why = (
        "evidence unavailable: sssd runs, but when its files last changed was not read (`find`: "
        f"exit status 1: {denied.strip()}): SSSD reads its configuration only when it starts, "
        "so what it runs may differ from the files"
    )
    for check in ("HVA-140", "HVA-150"):
        assert outcomes(a, check) == {"hv1": "manual"}
        assert messages(a, check) == {"hv1": why}
