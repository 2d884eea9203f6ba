"""Thirteenth red-team review, host side (rt13host): a setting read in one place that the running
system takes from another, and spellings the real program reads differently.

Same harness as tests/test_redteam12_host_probes.py: libvirt's test driver serves one plain VM,
and host evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed only where
a probe says so), so every artefact goes through the real collector, parser and engine. Each
probe asserts the verdict its cited source proves right, with its exact message. None repeats a
probe of the first twelve red teams.

Findings:
- R13H-1 (false pass) HVA-140 and HVA-141 passed, and HVA-150 passed "accounts resolved through
  sss", with /etc/nsswitch.conf naming passwd twice (`passwd: files sss`, later `passwd: files
  nis`), and failed "local accounts only" where the line was written `passwd files nis` or
  `passwd : files nis`: glibc 2.33 and later (nss/nss_database.c process_line) take the last
  line of a database and read its name up to a blank or ':', skipping every blank and ':'
  after it, so NIS resolved the accounts. hvaudit read the first line starting with
  "passwd:". nsswitch.conf is now read as glibc reads it; two lines with different sources
  take the last (glibc >= 2.33 from the package list) or the first (older), and a question
  when the version is unread. Fixed.
- R13H-2 (false pass) HVA-142 passed "2 administrative principal(s)" with `SUDOERS: files SSS`
  in nsswitch.conf: sudo reads that line itself, in any case (sudo_nss.c sudo_read_nss:
  strncasecmp "sudoers:", strcasecmp "sss"), so it applies the directory's sudo rules, which
  are not read. Now the question, as for `sudoers: files sss`. Fixed.
- R13H-3 (false pass) HVA-213 passed "libvirtd.conf: log_outputs unset (the journal)" while
  the daemon logged to a file only: libvirt applies "cmdline > environment > config"
  (virdaemon.c virDaemonSetupLogging), so LIBVIRT_LOG_OUTPUTS in the unit's environment
  (EnvironmentFile=-/etc/default/libvirtd, a drop-in's Environment=) replaces log_outputs, and
  `virt-admin daemon-log-outputs OUTPUTS` replaces a running daemon's outputs until it
  restarts. The running libvirtd/virtqemud's outputs are now read with `virt-admin -q -c
  NAME:///system daemon-log-outputs` (only a daemon seen running: connecting would start an
  idle one), an idle one's environment from `systemctl cat` and its EnvironmentFile
  (/etc/default or /etc/sysconfig); the outputs in force are judged, virt-admin not answering
  is a question. Fixed.
- R13H-4 (false pass) HVA-214 passed "audit rules watch /etc/libvirt and /etc/polkit-1" and
  HVA-201 "audit_level = 2, auditd running" while /etc/audit/rules.d/99-finalize.rules held
  `-e 0`: augenrules(8) emits the last -e as the last line of the rules the boot loads, so the
  next boot loads the watches and switches auditing off; `auditctl -s` (enabled 1 now) does not
  show it. A `-e 0` in the boot rules is now a question for both. Fixed.
- R13H-5 (false pass) HVA-160 passed "PermitRootLogin no" (`sshd -T`) with ssh.socket active
  and /etc/default/ssh `SSHD_OPTS="-o PermitRootLogin=yes"`: Debian's ssh.service and
  ssh@.service start sshd with $SSHD_OPTS from that file, and with no listener process no
  command line showed the option. /etc/default/ssh (SSHD_OPTS) and /etc/sysconfig/sshd
  (OPTIONS, RHEL) are now collected; where no sshd listener runs their -o options are applied
  as a command line's. Fixed.

Wrong questions fixed with them (twins that failed on the old code): `passwd: files sss # nis
...` was asked about NIS (nsswitch.c cuts the line at '#'; R13H-1's reader does too), and
`sudoers : files sss` (no sudoers line for sudo, which matches "sudoers:") was asked about the
directory's sudo rules (R13H-2); a libvirtd.conf file output while the running daemon logs to
the journal (virt-admin) now passes on what runs (R13H-3).

Probes that held: a libvirt key in another case (`Migrate_TLS_Force = 1`: virconf.c matches
keys with STREQ, HVA-032 fails as without the key); `-e 1` and `-e 2` ending the boot audit
rules (HVA-201/214 pass); a running sshd listener's own command line over an environment file
written since, and Debian's stock empty SSHD_OPTS (HVA-160 pass); the R13H-3 twins already right
before (the journal from an idle daemon's units, no systemctl, an environment file naming
journald) and Debian 11's glibc 2.31 keeping the first passwd line.

Tally: 14 tests in this file; 11 failed on the code before this round's fixes (R13H-1 three
times, R13H-2, R13H-3 three, R13H-4, R13H-5, and the two wrong-question twins), 3 held
(test_libvirt_keys_are_case_sensitive, test_boot_rules_that_keep_auditing_on_pass,
test_sshd_options_of_a_running_listener_or_none_keep_the_pass).

Leads left (not probed or not fixed for lack of time):
- HVA-213: LIBVIRT_DEBUG in the unit's environment sets the default priority (virlog.c
  virLogSetFromEnv), so `LIBVIRT_DEBUG=1` floods the log as `log_level = 1` does, which only
  the file is read for; a running daemon's level is not readable with virt-admin.
- R13H-3 reads an idle daemon's environment from its units; for a running daemon without
  virt-admin installed the units are read too, though the process may have started with an
  older environment (/proc/PID/environ, LIBVIRT_* only, would tell).
- R13H-5: SSHD_OPTS may hold `-f FILE` (another configuration), which the environment-file path
  did not treat as _config_options treats a running sshd's -f (closed by the integrator:
  test_sshd_configuration_file_in_the_units_environment_file).
- nsswitch.conf: glibc 2.33+'s nss_action_parse has no comment handling of its own (read in
  llvm-project's copy); whether a trailing `# word` reaches it as a source on current glibc was
  not settled, so '#' still ends the line as in nsswitch.c.
- HVA-142: `group: files [SUCCESS=merge] sss` merges the directory's members into a local
  group (glibc NSS_ACTION_MERGE), so a local sudo group may have more members than /etc/group
  lists.
"""

from __future__ import annotations

from conftest import HARDENED_HOST, messages, outcomes

# --- HVA-140/141/150: nsswitch.conf as glibc reads it (R13H-1) -------------------------------------

#: ypbind running, as on a NIS client (tests/test_redteam10_host_probes.py NIS_PROCS)
NIS_PROCS = (
    str(HARDENED_HOST["processes"][0]).replace(
        "  510 root     /usr/sbin/sssd",
        "  505 root     /usr/sbin/ypbind\n  510 root     /usr/sbin/sssd",
    ),
    0,
)
#: Debian 12's glibc (2.36), then Debian 11's (2.31), in the dpkg-query list
GLIBC_236 = (str(HARDENED_HOST["dpkg-packages"][0]) + "libc6\t2.36-9+deb12u9\tii \n", 0)
GLIBC_231 = (str(HARDENED_HOST["dpkg-packages"][0]) + "libc6\t2.31-13+deb11u11\tii \n", 0)
NSSWITCH = str(HARDENED_HOST["/etc/nsswitch.conf"])
NIS_UID0 = (
    "root is the only uid-0 account in /etc/passwd; nsswitch passwd also resolves accounts "
    "through nis, whose uid 0 accounts were not read"
)


def test_a_second_passwd_line_is_the_one_glibc_uses(host_scan) -> None:
    """R13H-1. glibc 2.33 replaced nsswitch.c's reader by nss/nss_database.c (Red Hat Developer
    blog "Coming in glibc 2.33: Reloadable nsswitch.conf"; DJ Delorie's patch "nss: Implement
    <nss_database.h>", both found with `search`); its process_line (llvm-project's copy of
    glibc/nss/nss_database.c, read with `read_file`) ends with `data->services[db] = result`
    for every line of a database, so the LAST passwd line holds. Debian 12 ships glibc 2.36.
    hvaudit read the first (`files sss`) and passed HVA-141, HVA-140 and HVA-150, while NIS
    resolved the host's accounts. Right: NIS's verdicts (the questions, HVA-150's fail)."""
    a = host_scan(
        {
            "/etc/nsswitch.conf": NSSWITCH + "passwd: files nis\n",
            "processes": NIS_PROCS,
            "dpkg-packages": GLIBC_236,
        }
    )
    assert outcomes(a, "HVA-141") == {"hv1": "manual"}, messages(a, "HVA-141")
    assert messages(a, "HVA-141")["hv1"] == NIS_UID0
    assert outcomes(a, "HVA-140") == {"hv1": "manual"}, messages(a, "HVA-140")
    assert outcomes(a, "HVA-150") == {"hv1": "fail"}, messages(a, "HVA-150")
    assert messages(a, "HVA-150")["hv1"] == (
        "accounts resolved through nis: NIS serves its password hashes to any client and gives "
        "no robust authentication"
    )


def test_passwd_line_without_its_colon_is_read(host_scan) -> None:
    """R13H-1, the name's spelling. nss_database.c process_line (as above): the database name
    runs "while (line[0] != '\\0' && !isspace (line[0]) && line[0] != ':')", then "while
    (isspace (line[0]) || line[0] == ':')" skips the separator, so `passwd files nis` and
    `passwd\\t:\\tfiles nis` name NIS as `passwd: files nis` does (the old nsswitch.c
    nss_getline also split at the first blank or ':'). hvaudit matched only "passwd:" and
    passed HVA-141 ("root is the only uid-0 account"). Right: the NIS question each."""
    for nss in ("passwd files nis\ngroup: files\n", "passwd\t:\tfiles nis\ngroup: files\n"):
        a = host_scan({"/etc/nsswitch.conf": nss, "processes": NIS_PROCS})
        assert outcomes(a, "HVA-141") == {"hv1": "manual"}, (nss, messages(a, "HVA-141"))
        assert messages(a, "HVA-141")["hv1"] == NIS_UID0


def test_two_passwd_lines_without_the_glibc_version_are_asked(host_scan) -> None:
    """R13H-1's twins. Before glibc 2.33, nsswitch.c __nss_database_lookup returned the first
    entry for the database (read with `find_string`: "Return first `service_user' entry for
    DATABASE"): Debian 11's 2.31 keeps `files sss`, whose verdicts stand (pass). Without
    libc6 or glibc in the package list the version is unknown: a question naming both lines.
    A commented second line is no line (held: it passed before and passes now)."""
    a = host_scan(
        {
            "/etc/nsswitch.conf": NSSWITCH + "passwd: files nis\n",
            "processes": NIS_PROCS,
            "dpkg-packages": GLIBC_231,
        }
    )
    assert outcomes(a, "HVA-141") == {"hv1": "pass"}, messages(a, "HVA-141")
    assert messages(a, "HVA-150")["hv1"] == "accounts resolved through sss"
    a = host_scan({"/etc/nsswitch.conf": NSSWITCH + "passwd: files nis\n", "processes": NIS_PROCS})
    assert outcomes(a, "HVA-141") == {"hv1": "manual"}, messages(a, "HVA-141")
    assert messages(a, "HVA-141")["hv1"] == (
        "root is the only uid-0 account in /etc/passwd; which sources nsswitch passwd resolves "
        "accounts through is unknown: /etc/nsswitch.conf names passwd on 2 lines with different "
        "sources (line 1: files sss; line 4: files nis); glibc 2.33 and later use the last, "
        "earlier releases the first, and the glibc version was not read"
    )
    assert outcomes(a, "HVA-150") == {"hv1": "manual"}, messages(a, "HVA-150")
    a = host_scan({"/etc/nsswitch.conf": NSSWITCH + "#passwd: files nis\n", "processes": NIS_PROCS})
    assert outcomes(a, "HVA-141") == {"hv1": "pass"}, messages(a, "HVA-141")


# --- HVA-142: sudo's own reading of nsswitch.conf (R13H-2) -----------------------------------------


def test_sudoers_line_in_capitals_applies_the_directory_rules(host_scan) -> None:
    """R13H-2. sudo reads nsswitch.conf itself (plugins/sudoers/sudo_nss.c sudo_read_nss, read
    with `find_string`): `if (strncasecmp(cp, "sudoers:", 8) != 0) continue;` and each word
    `strcasecmp(cp, "sss") == 0`, so `SUDOERS: files SSS` makes sudo apply SSSD's sudo rules
    (sssd-sudo(5)). hvaudit matched "sudoers" and "sss" in lower case only and passed HVA-142
    on /etc/sudoers alone. Right: the question the lower-case line gets."""
    a = host_scan({"/etc/nsswitch.conf": NSSWITCH + "SUDOERS: files SSS\n"})
    assert outcomes(a, "HVA-142") == {"hv1": "manual"}, messages(a, "HVA-142")
    assert messages(a, "HVA-142")["hv1"] == (
        "evidence unavailable: /etc/nsswitch.conf `sudoers: files sss`: sudo also applies the "
        "sudo rules of the directory (sss), which hvaudit does not read"
    )


# --- HVA-213: log outputs the daemon takes from its environment or at run time (R13H-3) -----------

#: the hardened host's process list without libvirtd (socket-activated, exited after --timeout)
IDLE_PROCS = (
    str(HARDENED_HOST["processes"][0]).replace(
        "  700 root     /usr/sbin/libvirtd --timeout 120\n", ""
    ),
    0,
)
UNITS = HARDENED_HOST["libvirt-units"]
#: `virt-admin -q -c libvirtd:///system daemon-log-outputs` where the running libvirtd logs to
#: the journal (log_outputs unset: virLogSetDefaultOutput at the default priority 3); the
#: replayed host has no virt-admin otherwise (its units' environment decides)
JOURNAL = {"libvirt-log-outputs-libvirtd": ("3:journald\n", 0)}


def test_running_daemon_outputs_changed_with_virt_admin(host_scan) -> None:
    """R13H-3. libvirt docs/kbase/debuglogs.rst (read with `find_string`): `virt-admin
    daemon-log-outputs "1:file:/var/log/libvirt/libvirtd.log"` replaces a running daemon's
    outputs ("Log setting is not persisted, so a restart ... clears this setting"), and
    virt-admin's cmdDaemonLogOutputs without an argument prints them
    (virAdmConnectGetLoggingOutputs). The hardened libvirtd.conf leaves log_outputs unset and
    hvaudit passed "log_outputs unset (the journal)" while the running daemon wrote to a file
    only. Right: a fail on the outputs the daemon uses; unanswered, the question."""
    a = host_scan({"libvirt-log-outputs-libvirtd": ("1:file:/var/log/libvirt/libvirtd.log\n", 0)})
    assert outcomes(a, "HVA-213") == {"hv1": "fail"}, messages(a, "HVA-213")
    assert messages(a, "HVA-213")["hv1"] == (
        "libvirtd (running, virt-admin daemon-log-outputs): log_outputs "
        "'1:file:/var/log/libvirt/libvirtd.log' writes only to files or stderr"
    )
    a = host_scan({"libvirt-log-outputs-libvirtd": ("", 1, "error: failed to connect\n")})
    assert outcomes(a, "HVA-213") == {"hv1": "manual"}, messages(a, "HVA-213")
    assert messages(a, "HVA-213")["hv1"] == (
        "evidence unavailable: the running libvirtd's log outputs were not read (`virt-admin -c "
        "libvirtd:///system daemon-log-outputs`: error: failed to connect)"
    )


def test_log_outputs_from_the_units_environment(host_scan) -> None:
    """R13H-3, the environment. libvirt src/util/virdaemon.c virDaemonSetupLogging (read with
    `read_file`): "Libvirtd's order of precedence is: cmdline > environment > config", the
    file's log_outputs then virLogSetFromEnv's LIBVIRT_LOG_OUTPUTS; libvirt's units read
    `EnvironmentFile=-@initconfdir@/@service@` (virtd.service.in, found with `search`;
    /etc/default on Debian), and a drop-in's Environment= adds to the unit's. With libvirtd idle
    (socket activation, --timeout 120) hvaudit passed on libvirtd.conf alone while the next
    start logs to a file only. Right: a fail naming where the value comes from."""
    a = host_scan(
        {
            "processes": IDLE_PROCS,
            "/etc/default/libvirtd": '# debugging\nLIBVIRT_LOG_OUTPUTS="3:file:/var/log/lv.log"\n',
        }
    )
    assert outcomes(a, "HVA-213") == {"hv1": "fail"}, messages(a, "HVA-213")
    assert messages(a, "HVA-213")["hv1"] == (
        "libvirtd (LIBVIRT_LOG_OUTPUTS in /etc/default/libvirtd): log_outputs "
        "'3:file:/var/log/lv.log' writes only to files or stderr"
    )
    dropin = (
        str(UNITS[0]) + "\n# /etc/systemd/system/libvirtd.service.d/debug.conf\n[Service]\n"
        'Environment="LIBVIRT_LOG_OUTPUTS=1:file:/var/log/libvirt/debug.log"\n',
        1,
        UNITS[2],
    )
    a = host_scan({"processes": IDLE_PROCS, "libvirt-units": dropin})
    assert outcomes(a, "HVA-213") == {"hv1": "fail"}, messages(a, "HVA-213")
    assert messages(a, "HVA-213")["hv1"] == (
        "libvirtd (LIBVIRT_LOG_OUTPUTS in libvirtd.service Environment=): log_outputs "
        "'1:file:/var/log/libvirt/debug.log' writes only to files or stderr"
    )


def test_log_outputs_to_the_journal_keep_their_pass(host_scan) -> None:
    """R13H-3's twins: the running daemon reporting the journal, an idle daemon whose unit sets
    no LIBVIRT_LOG_OUTPUTS, no systemctl (the file decides) and an environment file that sets a
    journald output keep the pass (held on the old code); and, new, a file that sets a file
    output while the running daemon logs to the journal passes on what runs."""
    expected = "libvirtd.conf: log_outputs unset (the journal)"
    for overrides in (JOURNAL, {"processes": IDLE_PROCS}, {"libvirt-units": None}):
        a = host_scan(overrides)
        assert messages(a, "HVA-213") == {"hv1": expected}, overrides
        assert outcomes(a, "HVA-213") == {"hv1": "pass"}
    a = host_scan(
        {"processes": IDLE_PROCS, "/etc/default/libvirtd": "LIBVIRT_LOG_OUTPUTS=3:journald\n"}
    )
    assert outcomes(a, "HVA-213") == {"hv1": "pass"}, messages(a, "HVA-213")
    a = host_scan({**JOURNAL, "/etc/libvirt/libvirtd.conf": 'log_outputs = "3:file:/x.log"\n'})
    assert messages(a, "HVA-213") == {
        "hv1": "libvirtd (running, virt-admin daemon-log-outputs): log_outputs '3:journald'"
    }


# --- HVA-201/214: the rules the next boot loads switch auditing off (R13H-4) ----------------------

BOOT_RULES = str(HARDENED_HOST["audit-rules-files"][0])


def test_boot_rules_that_switch_auditing_off_are_asked(host_scan) -> None:
    """R13H-4. augenrules(8) (read with `find_string`): "The last processed -e directive, if
    present, is always emitted as the last line in the resultant file", the file auditd.service
    loads at boot; auditctl(8) -e: "When 0 is passed, this can be used to temporarily disable
    auditing". With /etc/audit/rules.d/99-finalize.rules holding `-e 0` the next boot loads the
    watches and then switches auditing off, which `auditctl -s` (enabled 1 now) does not show.
    hvaudit passed HVA-214 and HVA-201 on the running state (R11H-6 asked only about watches
    missing from the files). Right: the question for each (a later unit may run `auditctl -e
    1`)."""
    files = (BOOT_RULES + "/etc/audit/rules.d/99-finalize.rules:-e 0\n", 0)
    a = host_scan({"audit-rules-files": files})
    assert outcomes(a, "HVA-214") == {"hv1": "manual"}, messages(a, "HVA-214")
    assert messages(a, "HVA-214")["hv1"] == (
        "audit rules watch /etc/libvirt and /etc/polkit-1 as loaded now, but a rules file the "
        "boot loads switches auditing off (`-e 0`)"
    )
    assert outcomes(a, "HVA-201") == {"hv1": "manual"}, messages(a, "HVA-201")
    assert messages(a, "HVA-201")["hv1"] == (
        "audit_level = 2, auditd running, but a rules file the boot loads switches auditing off "
        "(`-e 0`)"
    )


def test_boot_rules_that_keep_auditing_on_pass(host_scan) -> None:
    """R13H-4's twins (held on the old code, hold now): `-e 1` and the immutable `-e 2` at the
    end of the boot rules keep auditing on: HVA-214 and HVA-201 pass."""
    for flag in ("1", "2"):
        files = (BOOT_RULES + f"/etc/audit/rules.d/99-finalize.rules:-e {flag}\n", 0)
        a = host_scan({"audit-rules-files": files})
        assert outcomes(a, "HVA-214") == {"hv1": "pass"}, messages(a, "HVA-214")
        assert outcomes(a, "HVA-201") == {"hv1": "pass"}, messages(a, "HVA-201")


# --- HVA-160: sshd's options from its unit's environment file (R13H-5) ----------------------------

#: ssh.socket active and no sshd process (socket activation: systemd holds port 22 and starts
#: sshd per connection, ssh@.service `sshd -i $SSHD_OPTS`)
SOCKET_SSHD = {
    "processes": (
        str(HARDENED_HOST["processes"][0]).replace(
            "  800 root     sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups\n", ""
        ),
        0,
    ),
    "listeners": (
        str(HARDENED_HOST["listeners"][0]).replace(
            'users:(("sshd",pid=800,fd=3))', 'users:(("systemd",pid=1,fd=52))'
        ),
        0,
    ),
    "sshd-units": ("inactive\ninactive\nactive\ninactive\n", 3),
}


def test_sshd_options_in_the_units_environment_file(host_scan) -> None:
    """R13H-5. Debian and Ubuntu's /lib/systemd/system/ssh.service (quoted verbatim in public
    pages found with `find_string` "ExecStart=/usr/sbin/sshd -D $SSHD_OPTS") reads
    `EnvironmentFile=-/etc/default/ssh` and starts `/usr/sbin/sshd -D $SSHD_OPTS`, and
    ssh@.service, under ssh.socket, `sshd -i $SSHD_OPTS`; sshd(8) -o gives options "in the
    format used in the configuration file", ahead of it ("the first obtained value will be
    used", sshd_config(5)). With ssh.socket active no sshd process shows its command line, and
    hvaudit passed "PermitRootLogin no" from `sshd -T` while every connection's sshd ran with
    `-o PermitRootLogin=yes`. Right: a fail naming the file."""
    a = host_scan(
        {
            **SOCKET_SSHD,
            "/etc/default/ssh": '# Options to pass to sshd\nSSHD_OPTS="-o PermitRootLogin=yes"\n',
        }
    )
    assert outcomes(a, "HVA-160") == {"hv1": "fail"}, messages(a, "HVA-160")
    assert messages(a, "HVA-160")["hv1"] == (
        "PermitRootLogin yes (SSHD_OPTS in /etc/default/ssh: -o PermitRootLogin=yes)"
    )


def test_sshd_options_of_a_running_listener_or_none_keep_the_pass(host_scan) -> None:
    """R13H-5's twins (held on the old code, hold now): socket activation with Debian's stock
    /etc/default/ssh (SSHD_OPTS empty) passes; a running listener's own command line, which
    shows the options it was started with, decides over a file written since (the next start's
    world)."""
    stock = "# Default settings for openssh-server.\nSSHD_OPTS=\n"
    a = host_scan({**SOCKET_SSHD, "/etc/default/ssh": stock})
    assert messages(a, "HVA-160") == {"hv1": "PermitRootLogin no"}
    assert outcomes(a, "HVA-160") == {"hv1": "pass"}
    a = host_scan({"/etc/default/ssh": 'SSHD_OPTS="-o PermitRootLogin=yes"\n'})
    assert outcomes(a, "HVA-160") == {"hv1": "pass"}, messages(a, "HVA-160")


def test_sshd_configuration_file_in_the_units_environment_file(host_scan) -> None:
    """R13H-5's lead, closed: SSHD_OPTS="-f /etc/ssh/sshd_config.legacy" under socket activation
    makes every connection's `sshd -i $SSHD_OPTS` read another file (sshd(8) -f config_file),
    which `sshd -T` (run on the default file) never showed; hvaudit passed "PermitRootLogin no".
    Right: what a running sshd started with -f gets, a question naming the file and the
    environment file; `-f /etc/ssh/sshd_config` (the file read) keeps the pass."""
    a = host_scan(
        {**SOCKET_SSHD, "/etc/default/ssh": 'SSHD_OPTS="-f /etc/ssh/sshd_config.legacy"\n'}
    )
    assert outcomes(a, "HVA-160") == {"hv1": "manual"}, messages(a, "HVA-160")
    assert (
        "SSHD_OPTS in /etc/default/ssh starts sshd with -f /etc/ssh/sshd_config.legacy"
        in (messages(a, "HVA-160")["hv1"])
    )
    a = host_scan({**SOCKET_SSHD, "/etc/default/ssh": 'SSHD_OPTS="-f/etc/ssh/sshd_config"\n'})
    assert outcomes(a, "HVA-160") == {"hv1": "pass"}, messages(a, "HVA-160")


# --- Spellings the real program reads: a held probe and two twins ---------------------------------


def test_libvirt_keys_are_case_sensitive(host_scan) -> None:
    """Held. libvirt src/util/virconf.c virConfGetValue (read with `find_string`) matches a key
    with STREQ (STRCASEEQ only for VMX files), so `Migrate_TLS_Force = 1` in qemu.conf sets
    nothing and migrate_tls_force keeps its default 0. hvaudit reads it the same way: HVA-032
    fails, as for a file without the key."""
    conf = str(HARDENED_HOST["/etc/libvirt/qemu.conf"]).replace(
        "migrate_tls_force = 1", "Migrate_TLS_Force = 1"
    )
    a = host_scan({"/etc/libvirt/qemu.conf": conf})
    assert outcomes(a, "HVA-032") == {"hv1": "fail"}, messages(a, "HVA-032")


def test_sudoers_line_with_a_blank_before_its_colon_is_not_sudos(host_scan) -> None:
    """R13H-2's twin (a wrong question before the fix). sudo_read_nss matches the eight
    characters "sudoers:" (strncasecmp), so `sudoers : files sss` is no sudoers line for sudo,
    which then reads /etc/sudoers only ("Default to files only if no matches"). hvaudit asked
    about the directory's rules; now HVA-142 passes on /etc/sudoers, as sudo runs."""
    a = host_scan({"/etc/nsswitch.conf": NSSWITCH + "sudoers : files sss\n"})
    assert outcomes(a, "HVA-142") == {"hv1": "pass"}, messages(a, "HVA-142")
    assert messages(a, "HVA-142")["hv1"] == "2 administrative principal(s) (limit 3): alice, root"


def test_comment_after_the_passwd_sources_names_no_source(host_scan) -> None:
    """R13H-1's twin (a wrong question before the fix). nsswitch.c nss_parse_file: "search
    forward for the next '#' character and if found make it terminating the line", so `passwd:
    files sss # nis (old cluster)` names files and sss only. hvaudit read "nis" from the comment
    and asked the NIS question; now HVA-141 passes (SSSD serves no uid 0)."""
    nss = NSSWITCH.replace("passwd:         files sss", "passwd: files sss # nis (old cluster)")
    a = host_scan({"/etc/nsswitch.conf": nss, "processes": NIS_PROCS})
    assert outcomes(a, "HVA-141") == {"hv1": "pass"}, messages(a, "HVA-141")
