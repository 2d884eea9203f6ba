"""Eleventh red-team review, host side (rt11host): the running daemon against its file.

Same harness as tests/test_redteam10_host_probes.py: libvirt's test driver serves one plain VM,
and host evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed only where
a probe says so), so every artefact goes through the real collector, parser and engine. Each
probe asserts the verdict its cited source proves right, with its exact message. None repeats a
probe of the first ten red teams (tests/test_redteam*_probes.py, test_host_verdicts2..5.py,
test_network_leads.py, test_leads10.py).

Kind probed: a configuration file changed after the process that applies it started, so that
the file hvaudit reads is not what runs (libvirtd.conf: HVA-030, HVA-132 and every check of the
daemon's file; qemu.conf: HVA-032 and every check of the QEMU driver's file, R11H-1; qemu.conf's
console settings of a VM started before the change: HVA-031, R11H-2; sssd.conf and its
snippets: HVA-140, HVA-150, R11H-3); and, apart, words of the kernel command line that are not
the kernel's (after `--`: HVA-052, HVA-201, HVA-214, R11H-4); rsyslog's files (HVA-200,
R11H-5); audit watches loaded but in no rules file the boot loads (HVA-214, R11H-6); a polkit
condition joined by `||` (HVA-132, R11H-7).

Findings:
- R11H-1 (false pass) Every check of /etc/libvirt/libvirtd.conf (HVA-030, 130, 131, 132, 201,
  213; HVA-034/035 said n/a) and of qemu.conf (HVA-032 ...) passed on the file alone while the
  file had been changed after the running libvirtd started: libvirtd reads its file once, in
  main() (remote_daemon.c daemonConfigLoadFile), and qemu.conf once, in qemuStateInitialize
  (virQEMUDriverConfigLoadFile); SIGHUP only runs virStateReload, whose qemuStateReload reloads
  the domain definitions. A hardened file written after the start (an administrator who fixed
  auth_unix_rw or migrate_tls_force and did not restart) was passed while the daemon ran the
  old settings. The libvirt files' mtimes (`stat -c '%Y %n'`) and the processes' start times
  (`env LC_ALL=C TZ=UTC0 ps -eo pid=,lstart=`) are now collected; a file changed after a
  running daemon that reads it started is evidence unavailable (a question) for every check of
  it. Either artefact missing (a bundle of an older collector) keeps the file's verdict. Fixed.
- R11H-2 (false pass) HVA-031 passed a VM's VNC console on 10.0.0.10 "with TLS and a password"
  on qemu.conf's vnc_tls = 1 while the VM's QEMU had started before vnc_tls was written (and
  libvirtd was restarted since, so R11H-1 does not catch it): libvirt gives a VNC console its
  TLS credentials when it starts the VM (qemu_domain.c qemuDomainSecretGraphicsPrepare), so the
  console runs in cleartext until the VM restarts. A running QEMU started before qemu.conf's
  last change now turns HVA-031's pass into a question about the running QEMU. Fixed.
- R11H-3 (false pass) HVA-140 and HVA-150 passed on /etc/sssd/sssd.conf (or a conf.d
  snippet) written after the running sssd started: SSSD reads its configuration at start and
  SIGHUP only reopens its debug logs (sssd(8)), so the access rule that runs is the old one.
  The files' mtimes are now collected (`find /etc/sssd -maxdepth 2 -name '*.conf' -printf`);
  one newer than the sssd monitor's start makes SSSD's configuration unavailable (a question);
  times not read keep the verdict. Fixed.
- R11H-4 (wrong fail) HVA-201 and HVA-214 failed "the kernel booted with audit=0", and HVA-052
  failed pcie_acs_override=, for words after `--` on the kernel command line, which the kernel
  does not parse (kernel/params.c parse_args "Stop at --"; kernel-parameters.rst: "Everything
  after "--" is passed as an argument to init"). Only the words before `--` count now
  (modprobe's options from the command line still read the whole line, as libkmod does).
  Fixed.
- R11H-5 (false pass) HVA-200 passed TLS forwarding in /etc/rsyslog.d/50-remote.conf written
  after the running rsyslogd started: since rsyslog v4 a HUP does not re-read the
  configuration (rsyslog's v4 compatibility notes), so nothing was forwarded until a restart.
  rsyslog's files' mtimes are now collected (`find /etc/rsyslog.conf /etc/rsyslog.d -printf`;
  the directory's own time shows a file added or removed); one newer than rsyslogd's start
  makes the forwarding a question; times not read keep the verdict. Fixed.

- R11H-6 (false pass) HVA-214 passed "audit rules watch /etc/libvirt and /etc/polkit-1" on
  the loaded rules (`auditctl -l`) while neither /etc/audit/audit.rules nor
  /etc/audit/rules.d/*.rules held the watches (loaded by hand with auditctl): the next boot
  loads none (augenrules(8)). The files are now collected (`grep -r -H "" /etc/audit/audit.rules
  /etc/audit/rules.d`, *.rules only in rules.d); loaded watches in neither file are a question
  (a boot unit of its own may load them); files unread keep the pass. Fixed.

- R11H-7 (false pass) HVA-132 passed a polkit rule `if (action.id ==
  "org.libvirt.unix.manage" || subject.isInGroup("libvirt")) return polkit.Result.YES;`, read as
  a grant to the group: in JavaScript the `||` makes it YES for every account (polkit(8): rules
  are JavaScript). A top-level `||` operand that takes the action and tests no subject is now a
  grant to everyone: a fail. Fixed.

Probes: 10 tests in this file; 9 failed on the code before their fix (R11H-1 twice:
libvirtd.conf, qemu.conf; R11H-2; R11H-3 twice: sssd.conf, a conf.d snippet; R11H-4; R11H-5;
R11H-6; R11H-7), and the twins inside them and
test_files_older_than_the_daemon_keep_their_verdicts (files older than the process, the times
or files not collected, a changed file whose daemon does not run, words before `--`, watches in
rules.d only, `&&` rules and `||` between subject tests) held on the old code and hold now.
"""

from __future__ import annotations

from conftest import HARDENED_HOST, domain_xml, messages, outcomes
from hvaudit.collect.host import command_artefact
from test_leads10 import older_bundle_scan  # noqa: F401  (fixture)

#: a bundle of a collector before the processes' starts were asked for: the artefact is not
#: in it at all (`"process-starts": None` is the probe asked for and not found: env or ps
#: missing, which the team decided in round 44 counts as unread, R45S-2)
NO_STARTS = command_artefact("process-starts")

_MISSING = HARDENED_HOST["libvirt-conf-mtimes"][2]


def _mtimes(qemu: int, libvirtd: int) -> tuple[str, int, str]:
    """`stat -c '%Y %n'` of the two files the hardened host has (the others missing: exit 1)."""
    return (
        f"{qemu} /etc/libvirt/qemu.conf\n{libvirtd} /etc/libvirt/libvirtd.conf\n",
        1,
        _MISSING,
    )


#: 2024-11-20 09:30:00 UTC (before libvirtd's start) and 2024-11-27 05:10:00 UTC (after it)
BEFORE, AFTER = 1732095000, 1732684200
CHANGED = (
    "/etc/libvirt/libvirtd.conf was changed at 2024-11-27 05:10:00 UTC, after libvirtd (pid 700) "
    "started at 2024-11-27 04:00:00 UTC; the daemon reads it only when it starts, so what it runs "
    "may differ from the file"
)


def test_libvirtd_conf_changed_after_the_daemon_started(host_scan) -> None:
    """R11H-1. libvirt src/remote/remote_daemon.c (read with `find_string` and `read_file`):
    main() calls `daemonConfigLoadFile(config, remote_config_file, implicit_conf)` once before
    the server starts; daemonReloadHandlerThread (SIGHUP) calls only virStateReload() ("Error
    while reloading drivers"). auth_unix_rw, access_drivers, audit_level, listen_* of a file
    written after the start are not what the daemon applies until it restarts. libvirtd (pid
    700) started 2024-11-27 04:00:00 UTC; libvirtd.conf was written at 05:10. hvaudit passed
    HVA-132 "libvirtd.conf: auth_unix_rw = polkit" and HVA-030 on the file. Right: a question,
    the file's settings being those of a later start."""
    a = host_scan({"libvirt-conf-mtimes": _mtimes(BEFORE, AFTER)})
    for cid in ("HVA-030", "HVA-130", "HVA-131", "HVA-132", "HVA-201", "HVA-213"):
        assert outcomes(a, cid) == {"hv1": "manual"}, (cid, messages(a, cid))
        assert messages(a, cid)["hv1"] == f"evidence unavailable: {CHANGED}", cid


def test_qemu_conf_changed_after_the_daemon_started(host_scan) -> None:
    """R11H-1, qemu.conf. libvirt src/qemu/qemu_driver.c (read with `find_string`):
    qemuStateInitialize reads qemu.conf (`virQEMUDriverConfigLoadFile(cfg, driverConf,
    privileged)`); qemuStateReload, the QEMU driver's part of SIGHUP, only calls
    virDomainObjListLoadAllConfigs (the domain definitions). migrate_tls_force = 1 written
    after libvirtd started is not in force: hvaudit passed HVA-032 on the file. Right: a
    question."""
    a = host_scan({"libvirt-conf-mtimes": _mtimes(AFTER, BEFORE)})
    assert outcomes(a, "HVA-032") == {"hv1": "manual"}, messages(a, "HVA-032")
    assert messages(a, "HVA-032")["hv1"] == (
        "evidence unavailable: /etc/libvirt/qemu.conf was changed at 2024-11-27 05:10:00 UTC, "
        "after libvirtd (pid 700) started at 2024-11-27 04:00:00 UTC; the daemon reads it only "
        "when it starts, so what it runs may differ from the file"
    )
    assert outcomes(a, "HVA-132") == {"hv1": "pass"}, messages(a, "HVA-132")


def test_files_older_than_the_daemon_keep_their_verdicts(
    host_scan,
    older_bundle_scan,  # noqa: F811
) -> None:
    """Twins of R11H-1: files written before the daemon started (the hardened host), the
    artefacts not collected (a bundle of an older collector: the file's verdict stays, as for
    R10H-7's unread clock), and a changed file whose daemon does not run (virtqemud.conf
    written after libvirtd started: virtqemud reads it at its own next start)."""
    for overrides in (
        {},
        {
            "libvirt-conf-mtimes": (
                f"{BEFORE} /etc/libvirt/qemu.conf\n{BEFORE} /etc/libvirt/libvirtd.conf\n"
                f"{AFTER} /etc/libvirt/virtqemud.conf\n",
                1,
                _MISSING.replace(
                    "stat: cannot statx '/etc/libvirt/virtqemud.conf': No such file or directory\n",
                    "",
                ),
            )
        },
    ):
        a = host_scan(overrides)
        for cid in ("HVA-032", "HVA-132"):
            assert outcomes(a, cid) == {"hv1": "pass"}, (overrides, cid, messages(a, cid))
    assert messages(a, "HVA-132")["hv1"] == "libvirtd.conf: auth_unix_rw = polkit"
    # not collected: the artefact out of the bundle (recorded absent, stat not found, is
    # unread: R46S-1)
    for gone in (NO_STARTS, command_artefact("libvirt-conf-mtimes")):
        a = older_bundle_scan({}, gone=gone)
        for cid in ("HVA-032", "HVA-132"):
            assert outcomes(a, cid) == {"hv1": "pass"}, (cid, messages(a, cid))


def _starts(libvirtd: str) -> tuple[str, int]:
    """The hardened host's process starts with libvirtd (pid 700) started at `libvirtd`."""
    out, rc = HARDENED_HOST["process-starts"]
    return out.replace("  700 Wed Nov 27 04:00:00 2024", f"  700 Wed Nov 27 {libvirtd} 2024"), rc


VNC = (
    "<devices><graphics type='vnc' port='5900' autoport='no' passwd='s3cret-Pw'>"
    "<listen type='address' address='10.0.0.10'/></graphics></devices>"
)


def test_vm_started_before_qemu_conf_changed(
    host_scan,
    older_bundle_scan,  # noqa: F811
) -> None:
    """R11H-2. libvirt applies qemu.conf's console settings when it starts a VM
    (src/qemu/qemu_domain.c qemuDomainSecretGraphicsPrepare, read with `find_string`: `if
    (!cfg->vncTLS) return 0;` else the console gets its TLS credentials "vnc-tls-creds0"). web01
    (QEMU pid 1200) started 2024-11-27 04:00; vnc_tls = 1 was written to qemu.conf at 05:10 and
    libvirtd restarted at 05:20 (so R11H-1 does not apply): web01's VNC on 10.0.0.10 still runs
    without TLS until the VM is started again. hvaudit passed HVA-031 on the file. Right: a
    question about the running QEMU."""
    domain = domain_xml("web01", VNC)
    a = host_scan(
        {"libvirt-conf-mtimes": _mtimes(AFTER, BEFORE), "process-starts": _starts("05:20:00")},
        domains=[domain],
    )
    assert outcomes(a, "HVA-032") == {"hv1": "pass"}, messages(a, "HVA-032")
    assert outcomes(a, "HVA-031") == {"web01": "manual"}, messages(a, "HVA-031")
    assert messages(a, "HVA-031")["web01"] == (
        "vnc on 10.0.0.10 with TLS and a password, as /etc/libvirt/qemu.conf says now; but its "
        "QEMU (pid 1200) started at 2024-11-27 04:00:00 UTC, before /etc/libvirt/qemu.conf was "
        "changed at 2024-11-27 05:10:00 UTC"
    )
    # twins: the VM started after the change (QEMU at 05:30), and the times not collected
    later, rc = _starts("05:20:00")
    later = later.replace(" 1200 Wed Nov 27 04:00:00 2024", " 1200 Wed Nov 27 05:30:00 2024")
    for a in (
        host_scan(
            {"libvirt-conf-mtimes": _mtimes(AFTER, BEFORE), "process-starts": (later, rc)},
            domains=[domain],
        ),
        # not collected: out of the bundle (recorded absent is unread: R46S-1)
        older_bundle_scan({}, (domain,), gone=command_artefact("libvirt-conf-mtimes")),
    ):
        assert outcomes(a, "HVA-031") == {"web01": "pass"}, messages(a, "HVA-031")
        assert messages(a, "HVA-031")["web01"] == "vnc on 10.0.0.10 with TLS and a password"


SSSD_CHANGED = (
    "/etc/sssd/sssd.conf was changed at 2024-11-27 05:10:00 UTC, after sssd started at "
    "2024-11-27 03:59:53 UTC; SSSD reads its configuration only when it starts, so what it runs "
    "may differ from the file"
)


def test_sssd_conf_changed_after_sssd_started(host_scan) -> None:
    """R11H-3. sssd(8) (read with `find_string`): the configuration file is /etc/sssd/sssd.conf
    unless -c says otherwise, and SIGHUP "Tells the SSSD to stop writing to its current debug
    file descriptors and to close and reopen them" (no reload). sssd (monitor pid 510) started
    2024-11-27 03:59:53; sssd.conf, now `access_provider = ad`, was written at 05:10 (say, over
    `access_provider = permit`): until sssd restarts, the old access rule runs. hvaudit passed
    HVA-140 and HVA-150 on the file. Right: a question each."""
    a = host_scan({"sssd-conf-mtimes": (f"{AFTER}.4213 /etc/sssd/sssd.conf\n", 0)})
    for cid in ("HVA-140", "HVA-150"):
        assert outcomes(a, cid) == {"hv1": "manual"}, (cid, messages(a, cid))
        assert messages(a, cid)["hv1"] == f"evidence unavailable: {SSSD_CHANGED}", cid


def test_sssd_snippet_changed_and_twins(
    host_scan,
    older_bundle_scan,  # noqa: F811
) -> None:
    """R11H-3 for a conf.d snippet (sssd.conf(5): snippets override sssd.conf, read at the same
    start), and twins: files older than sssd (the hardened host), and the times not collected
    (a bundle of an older collector): the file's verdict stays."""
    snippet = "/etc/sssd/conf.d/50-helpdesk.conf"
    a = host_scan(
        {
            "sssd-conf-mtimes": (
                f"{BEFORE}.0 /etc/sssd/sssd.conf\n{AFTER}.0 {snippet}\n",
                0,
            ),
            "sssd-conf-d": (
                f"{snippet}:[domain/corp.example]\n{snippet}:access_provider = ad\n",
                0,
            ),
        }
    )
    assert outcomes(a, "HVA-140") == {"hv1": "manual"}, messages(a, "HVA-140")
    assert messages(a, "HVA-140")["hv1"] == "evidence unavailable: " + SSSD_CHANGED.replace(
        "/etc/sssd/sssd.conf", snippet
    )
    for a in (
        host_scan({}),
        # not collected: out of the bundle (recorded absent is unread: R46S-1)
        older_bundle_scan({}, gone=command_artefact("sssd-conf-mtimes")),
    ):
        for cid in ("HVA-140", "HVA-150"):
            assert outcomes(a, cid) == {"hv1": "pass"}, (cid, messages(a, cid))
    a = older_bundle_scan({}, gone=NO_STARTS)
    for cid in ("HVA-140", "HVA-150"):
        assert outcomes(a, cid) == {"hv1": "pass"}, (cid, messages(a, cid))


def test_words_after_double_dash_go_to_init(host_scan) -> None:
    """R11H-4 (wrong fail). Linux kernel/params.c parse_args (read with `find_string`): "Stop at
    --", `if (!val && strcmp(param, "--") == 0) return err ?: args;`; kernel-parameters.rst:
    "Everything after "--" is passed as an argument to init". `audit=0` and
    `pcie_acs_override=downstream,multifunction` after `--` (arguments for init, say a
    systemd.unit or a rescue script) leave kernel auditing on and ACS alone. hvaudit failed
    HVA-201 and HVA-214 ("the kernel booted with audit=0") and HVA-052 on them. Right: the
    verdicts of the hardened host."""
    cmdline = HARDENED_HOST["/proc/cmdline"].replace(
        "quiet", "quiet audit=1 -- audit=0 pcie_acs_override=downstream,multifunction"
    )
    a = host_scan({"/proc/cmdline": cmdline})
    for cid in ("HVA-201", "HVA-214", "HVA-052"):
        assert outcomes(a, cid) == {"hv1": "pass"}, (cid, messages(a, cid))
    assert messages(a, "HVA-052")["hv1"] == (
        "no pcie_acs_override= among the kernel's parameters "
        "(pcie_acs_override=downstream,multifunction stands after `--`, an argument to init)"
    )
    # twin: the same words before `--` are the kernel's
    a = host_scan(
        {
            "/proc/cmdline": HARDENED_HOST["/proc/cmdline"].replace(
                "quiet", "quiet audit=0 pcie_acs_override=downstream -- single"
            )
        }
    )
    for cid in ("HVA-201", "HVA-214", "HVA-052"):
        assert outcomes(a, cid) == {"hv1": "fail"}, (cid, messages(a, cid))
    assert messages(a, "HVA-052")["hv1"] == "kernel booted with pcie_acs_override=downstream"


def test_rsyslog_forwarding_added_after_rsyslogd_started(
    host_scan,
    older_bundle_scan,  # noqa: F811
) -> None:
    """R11H-5. rsyslog's "Compatibility Notes for rsyslog v4" (read with `search`, rsyslog.com
    doc): "With v3 and below ... the configuration file is re-read and the new configuration
    applied" on HUP; from v4 a HUP does not re-read it ("a re-read of the config file requires
    a full, very heavy restart"). rsyslogd (pid 403) started 2024-11-27 03:59:52;
    /etc/rsyslog.d/50-remote.conf, the TLS forwarding, was written at 05:10 without a restart:
    nothing is forwarded yet. hvaudit passed HVA-200 on the files. Right: a question."""
    a = host_scan(
        {
            "rsyslog-mtimes": (
                f"{BEFORE}.1 /etc/rsyslog.conf\n{AFTER}.2 /etc/rsyslog.d\n"
                f"{AFTER}.2 /etc/rsyslog.d/50-remote.conf\n",
                0,
            )
        }
    )
    assert outcomes(a, "HVA-200") == {"hv1": "manual"}, messages(a, "HVA-200")
    assert messages(a, "HVA-200")["hv1"] == (
        "evidence unavailable: /etc/rsyslog.d was changed at 2024-11-27 05:10:00 UTC, after "
        "rsyslogd started at 2024-11-27 03:59:52 UTC; rsyslogd reads its configuration only "
        "when it starts (HUP does not re-read it), so its destinations may differ from the files"
    )
    # twins: files older than rsyslogd (the hardened host), and the times not collected
    for a in (
        host_scan({}),
        # not collected: out of the bundle (recorded absent is unread: R46S-1)
        older_bundle_scan({}, gone=command_artefact("rsyslog-mtimes")),
        older_bundle_scan({}, gone=NO_STARTS),
    ):
        assert outcomes(a, "HVA-200") == {"hv1": "pass"}, messages(a, "HVA-200")


def test_audit_watches_loaded_by_hand_only(host_scan) -> None:
    """R11H-6. augenrules(8) (read with `find_string`): it "merges all component audit rules
    files, found in the audit rules directory, /etc/audit/rules.d, placing the merged file in
    /etc/audit/audit.rules. Component audit rule files, must end in .rules"; auditctl(8)
    changes the running kernel's rules only. The watches of /etc/libvirt and /etc/polkit-1 are
    loaded (`auditctl -l`) but neither file holds them (an administrator ran `auditctl -w`): the
    next boot loads none. hvaudit passed HVA-214 on the loaded rules. Right: a question (a boot
    unit of its own may load them)."""
    rules = (
        "/etc/audit/audit.rules:## This file is automatically generated from /etc/audit/rules.d\n"
        "/etc/audit/audit.rules:-D\n/etc/audit/audit.rules:-b 8192\n"
        "/etc/audit/rules.d/audit.rules:-D\n/etc/audit/rules.d/audit.rules:-b 8192\n"
        # a disabled copy: augenrules reads only files ending in .rules
        "/etc/audit/rules.d/libvirt.rules.off:-w /etc/libvirt -p wa -k libvirt-config\n"
        "/etc/audit/rules.d/libvirt.rules.off:-w /etc/polkit-1 -p wa -k polkit\n"
    )
    a = host_scan({"audit-rules-files": (rules, 0)})
    assert outcomes(a, "HVA-214") == {"hv1": "manual"}, messages(a, "HVA-214")
    assert messages(a, "HVA-214")["hv1"] == (
        "audit rules watch /etc/libvirt and /etc/polkit-1 as loaded now, but neither "
        "/etc/audit/audit.rules nor /etc/audit/rules.d/*.rules watches /etc/libvirt, "
        "/etc/polkit-1: a rule loaded with auditctl alone is gone at the next boot"
    )
    # twins: the watches in rules.d only (augenrules puts them into audit.rules at boot), the
    # hardened host (both files), and the files not collected (a bundle of an older collector)
    rules_d = rules.replace("libvirt.rules.off", "libvirt.rules")
    for overrides in ({"audit-rules-files": (rules_d, 0)}, {}, {"audit-rules-files": None}):
        a = host_scan(overrides)
        assert outcomes(a, "HVA-214") == {"hv1": "pass"}, (overrides, messages(a, "HVA-214"))


def _rules(*lines: str) -> tuple[str, int]:
    path = "/etc/polkit-1/rules.d/50-libvirt.rules"
    return "".join(f"{path}:{line}\n" for line in lines), 0


def test_polkit_or_grants_manage_to_everyone(host_scan) -> None:
    """R11H-7. polkit(8), AUTHORIZATION RULES: a rule is a JavaScript function and "Returning a
    result is final"; in JavaScript `A || B` holds when either operand does. The rule below
    (an `&&` mistyped as `||`) returns YES for org.libvirt.unix.manage whoever asks: every local
    account controls every VM through libvirt's read-write socket. hvaudit read it as a grant
    to the group libvirt and passed HVA-132. Right: a fail naming the file."""
    a = host_scan(
        {
            "polkit-rules": _rules(
                "polkit.addRule(function(action, subject) {",
                '  if (action.id == "org.libvirt.unix.manage" || subject.isInGroup("libvirt")) {',
                "    return polkit.Result.YES;",
                "  }",
                "});",
            )
        }
    )
    assert outcomes(a, "HVA-132") == {"hv1": "fail"}, messages(a, "HVA-132")
    assert messages(a, "HVA-132")["hv1"] == (
        "libvirtd.conf: auth_unix_rw = polkit, but /etc/polkit-1/rules.d/50-libvirt.rules "
        "grant(s) org.libvirt.unix.manage with no subject test: every local user controls "
        "every VM"
    )
    # twins: the `&&` rule, and `||` between two subject tests, grant a group each: pass
    for cond in (
        'action.id == "org.libvirt.unix.manage" && subject.isInGroup("libvirt")',
        'action.id == "org.libvirt.unix.manage" && (subject.isInGroup("libvirt") || '
        'subject.user == "alice")',
    ):
        a = host_scan(
            {
                "polkit-rules": _rules(
                    "polkit.addRule(function(action, subject) {",
                    f"  if ({cond}) {{",
                    "    return polkit.Result.YES;",
                    "  }",
                    "});",
                )
            }
        )
        assert outcomes(a, "HVA-132") == {"hv1": "pass"}, (cond, messages(a, "HVA-132"))
