"""Twenty-fourth red-team review: journald's drop-ins and an absent /etc/audit (rt24log).

Harness: libvirt's test driver serves one plain VM; host evidence comes from `ReplayRunner`
(conftest's hardened Debian host, changed only where a probe says so), through the real
collector, bundle, parser and engine. The hardened host has no journald.conf in any of the
four directories (its journald-conf-d grep exits 2: nothing there), runs rsyslog with imuxsock
and no imjournal, and has systemctl (its `ksm-units` probe answers exit 1). grep probes are
replayed as GNU grep gives them: `(stdout, rc, stderr)`, exit 2 with "grep: PATH: No such file
or directory" for a path that does not exist (R23P-4's parse.host._grep_unanswered).

Findings (ID-n):
- R24L-1 (false pass) HVA-200: with no main journald.conf (none of /etc, /run, /usr/local/lib,
  /usr/lib/systemd/journald.conf), rsyslog's forwarding skipped journald altogether, so a
  journald.conf.d drop-in's ForwardToSyslog=no (in /etc, /run or /usr/lib) or the kernel command
  line's `systemd.journald.forward_to_syslog=0` went unread and HVA-200 passed "logs forwarded
  over TLS", though rsyslog's imuxsock then gets nothing from journald (no imjournal) and the
  destination gets the kernel's messages at most. journald.conf(5) (man.archlinux.org, found
  with `search`): "The default configuration is set during compilation, so configuration is
  only needed when it is necessary to deviate from those defaults", drop-ins override the main
  file; systemd's shipped journald.conf: "Defaults can be restored by simply deleting this file
  and all drop-ins". A missing main file is no sign that journald is absent. Now journald is
  skipped only where the host shows none at all (no main file, no drop-in, no systemctl:
  parse.host._no_journald); otherwise the drop-ins and the command line are read as with a main
  file (the check fails naming the setting).
- R24L-2 (false pass) HVA-214: a host with no /etc/audit/audit.rules and no /etc/audit/rules.d
  (grep exit 2, "No such file or directory" for both, nothing printed) was read as "the rules
  files were not read" (unavailable), which keeps the pass (R11H-6), so HVA-214 passed "audit
  rules watch /etc/libvirt and /etc/polkit-1" on watches that no file reloads. augenrules(8):
  it "merges all component audit rule files, found in the audit rules directory,
  /etc/audit/rules.d, placing the merged file in /etc/audit/audit.rules" (FILES: those two,
  found with `search`), and the boot loads that file (`augenrules --load` or `auditctl -R`).
  Now the boot rules are known to be empty and HVA-214 asks whether the host loads the watches
  again at every boot (manual, not fail: a unit or script of its own may run auditctl at boot,
  as OpenWrt's auditd init script runs `auditctl -R /etc/audit/rules.d/audit.rules`; the same
  question R11H-6 asks for watches in neither file).

- R24L-3 (false pass) HVA-201: with a boot rules file grep could not read ("Permission
  denied": a `-e 0` or an exclude rule of libvirt's records unseen), HVA-201 passed "audit_level
  = 2, auditd running" where HVA-214 asks (R23Y-1). Now the same question.
- R24L-4 (false pass) HVA-201 and R24L-5 (false pass) HVA-214: an exclude (or never,user) rule in
  the rules files the next boot loads, not loaded now, was not read: HVA-201 passed though the
  next boot drops libvirt's VIRT_* records, HVA-214 passed though it drops the PATH or SYSCALL
  records of the watches (kernel/auditfilter.c audit_filter: a matching exclude rule drops,
  `if (e->rule.action == AUDIT_NEVER || listtype == AUDIT_FILTER_EXCLUDE)`; the loaded rules were
  already judged, _libvirt.audit_records_filtered). Now judged over each set the boot may load
  (hardening._boot_sets: audit.rules as `auditctl -R` loads it, rules.d as `augenrules --load`
  builds it; management.boot_records_filtered), as HVA-214's never rules are (R21A-4): in every
  set and for every process a fail, else a question.

- R24L-6 (false pass) HVA-200: an omfwd action over TLS with no target, `target=""` or a blank
  one passed "logs forwarded over TLS to (unnamed)". rsyslog tools/omfwd.c actpdescr (read with
  `read_file`): `{"target", eCmdHdlrArray, CNFPARAM_REQUIRED}`; the action is refused without
  it and an empty name is no host. Now such a destination forwards nothing (rsyslog.py _judge),
  and with no other HVA-200 fails.
- R24L-7 (false pass) HVA-200: TLS forwarding to the host itself (127.0.0.1, localhost, ::1, its
  own host name: parse.host._on_host, R21T-3) passed as forwarding "to a remote server"; what
  listens there may keep the logs on the host. Now, where it is the only TLS destination, the
  question whether that listener relays them to a remote server over authenticated TLS.
- R24L-8 (false pass) HVA-201 HVA-214: auditd.conf `log_format = NOLOG` (no plugin active)
  passed "auditd running": audit-userspace auditd-config.c log_format_parser sets
  `config->write_logs = 0` ("The NOLOG option is overriding the write_logs current setting").
  Now read as write_logs = no (the last of the two lines wins), and the messages name the line.
- R24L-9 (false pass) HVA-201 HVA-214: auditd.conf `local_events = no` passed "auditd running";
  auditd.conf(5): "whether or not to include local events ... set this to no is when you want
  to aggregate events only from the network", so neither its log nor a plugin gets this host's
  records. Now both fail naming it (parse.host._audit_sink, management.audit_discards).
- R24L-10 (wrong fail) HVA-200: plain forwarding to the host itself (`@@127.0.0.1`, omfwd tcp to
  localhost, `@127.0.0.1` UDP) failed "logs forwarded without authenticated TLS", though nothing
  crosses the network there and a local relay (stunnel, a second daemon) may carry it on over
  TLS. Now the same question as R24L-7; a plain remote destination beside it still fails.

Held (kept as tests): a drop-in's ForwardToSyslog=no overridden by a later-sorted drop-in's yes,
and an /etc drop-in masking a /usr/lib one of the same name, keep the pass; a host with no
systemd (no systemctl, no journald file or drop-in) keeps the pass (a syslog daemon owns
/dev/log there); grep's "No such file" for rules.d alone, with audit.rules read, keeps the pass;
an exclude rule a hand-loaded audit.rules lists before its -D is deleted there (R21D-3), so
with the same rule in rules.d HVA-201 asks rather than fails; a loopback TLS destination beside a
remote one keeps the pass; `log_format = NOLOG` followed by `write_logs = yes` keeps the pass; `local_events = yes` passes.

Probed by script, not kept: HVA-201 keeps its pass with /etc/audit/auditd.conf absent too
(auditd's compiled-in defaults, write_logs yes).

Tally: 30 cases in 11 test functions; 24 failed before the fixes (R24L-1, R24L-2: 6 on main
57d8239; R24L-3 to R24L-5: 6 on 89b59af; R24L-6, R24L-7: 7 on d0db5b3; R24L-8: 1 on bbf8ae5;
R24L-9: 1 on 0f1b99f; R24L-10: 3 on 95730b5).

Leads left (not settled in the time):
- HVA-200 judges a selector only for daemon.err, while its filter question asks for daemon,
  kern, auth and authpriv: `*.*;auth,authpriv.none @@remote` (TLS) passes though the logins'
  records never leave the host. Whether the forwarding must carry auth/authpriv is a standard
  decision for the team (fail if it must; the `if` question's Pass then matches).
- R24L-7/R24L-10 cover rsyslog only: syslog-ng network() and systemd-journal-upload URLs on the
  host itself are not yet asked about; an omfwd target that is a backquoted or variable
  expression (`echo x`) passes as a name.
- auditd.conf disk_full_action / disk_error_action / max_log_file_action: not claimed by
  HVA-201/214 (they judge where records go now), not walked.
- HVA-214/HVA-201 treat an unavailable (uncollected, grep absent) boot rules list as the pass
  (R11H-6); only "failed" and "both paths absent" ask.
"""

from __future__ import annotations

import pytest

from conftest import DEBIAN_RSYSLOG_MAIN, HARDENED_HOST, RSYSLOG_CA, messages, outcomes

PASS = {"hv1": "logs forwarded over TLS to logs.example.internal"}


def _dropins(*files: tuple[str, str]) -> dict[str, tuple[str, int]]:
    text = "".join(f"{path}:{line}\n" for path, body in files for line in body.splitlines())
    return {"journald-conf-d": (text, 0)}


def _nofwd(where: str) -> str:
    return (
        "no running forwarder sends the host's logs to a remote destination (journald hands "
        f"rsyslog nothing: {where}, and rsyslog reads no journal (no imjournal), so "
        "logs.example.internal get(s) the kernel's messages at most, not libvirt's)"
    )


@pytest.mark.parametrize(
    "d",
    [
        "/etc/systemd/journald.conf.d",
        "/run/systemd/journald.conf.d",
        "/usr/lib/systemd/journald.conf.d",
    ],
)
def test_dropin_forward_to_syslog_off_without_main_file(host_scan, d: str) -> None:
    """R24L-1 (false pass) HVA-200: no journald.conf anywhere, a drop-in sets ForwardToSyslog=no;
    rsyslog (imuxsock, no imjournal) gets nothing of libvirt's, yet HVA-200 passed."""
    path = f"{d}/60-nofwd.conf"
    a = host_scan(_dropins((path, "[Journal]\nForwardToSyslog=no")))
    assert outcomes(a, "HVA-200") == {"hv1": "fail"}
    assert messages(a, "HVA-200") == {"hv1": _nofwd(f"ForwardToSyslog=no in {path}")}


@pytest.mark.parametrize(
    "word", ["systemd.journald.forward_to_syslog=0", "systemd.journald.forward-to-syslog=off"]
)
def test_cmdline_forward_to_syslog_off_without_main_file(host_scan, word: str) -> None:
    """R24L-1 (false pass) HVA-200: no journald.conf anywhere, the kernel command line turns
    journald's forwarding off (journald.conf(5): systemd.journald.forward_to_syslog= overrides
    the files; systemd proc-cmdline.c treats "-" and "_" alike, R16H-4): HVA-200 passed."""
    cmdline = str(HARDENED_HOST["/proc/cmdline"]).strip() + f" {word}\n"
    a = host_scan({"/proc/cmdline": cmdline})
    assert outcomes(a, "HVA-200") == {"hv1": "fail"}
    assert messages(a, "HVA-200") == {"hv1": _nofwd(_nofwd_word(word))}


def _nofwd_word(word: str) -> str:
    key, _, value = word.partition("=")
    return f"kernel command line {key.replace('-', '_')}={value}"


def test_journald_settings_held(host_scan) -> None:
    """Held: a later-sorted drop-in's ForwardToSyslog=yes overrides an earlier one's no
    (journald.conf(5): drop-ins sorted by file name across the directories, the last setting
    wins), and an /etc drop-in masks a /usr/lib one of the same name (systemd.syntax(7)): pass.
    A host with no systemd at all (no systemctl, no journald file or drop-in) keeps the pass: a
    syslog daemon owns /dev/log there."""
    later = _dropins(
        ("/usr/lib/systemd/journald.conf.d/10-nofwd.conf", "[Journal]\nForwardToSyslog=no"),
        ("/etc/systemd/journald.conf.d/90-fwd.conf", "[Journal]\nForwardToSyslog=yes"),
    )
    masked = _dropins(
        ("/etc/systemd/journald.conf.d/10-x.conf", "[Journal]\nForwardToSyslog=yes"),
        ("/usr/lib/systemd/journald.conf.d/10-x.conf", "[Journal]\nForwardToSyslog=no"),
    )
    for over in (later, masked, {"ksm-units": None}):
        a = host_scan(over)
        assert outcomes(a, "HVA-200") == {"hv1": "pass"}, over
        assert messages(a, "HVA-200") == PASS


NO_SUCH = "grep: {}: No such file or directory\n"


def test_no_audit_rules_files_is_asked(host_scan) -> None:
    """R24L-2 (false pass) HVA-214: neither /etc/audit/audit.rules nor /etc/audit/rules.d exists
    (grep exit 2, "No such file or directory" for both): the watches loaded now were put there by
    hand or by a unit of the host's own, and HVA-214 passed. Now the question. Held: rules.d
    absent with audit.rules read keeps the pass."""
    both = NO_SUCH.format("/etc/audit/audit.rules") + NO_SUCH.format("/etc/audit/rules.d")
    a = host_scan({"audit-rules-files": ("", 2, both)})
    assert outcomes(a, "HVA-214") == {"hv1": "manual"}
    assert messages(a, "HVA-214") == {
        "hv1": "audit rules watch /etc/libvirt and /etc/polkit-1 as loaded now, but neither "
        "/etc/audit/audit.rules nor /etc/audit/rules.d exists, the files the boot loads its "
        "rules from: a rule loaded with auditctl alone is gone at the next boot"
    }
    audit_rules = "".join(
        f"{ln}\n"
        for ln in str(HARDENED_HOST["audit-rules-files"][0]).splitlines()
        if ln.startswith("/etc/audit/audit.rules:")
    )
    a = host_scan({"audit-rules-files": (audit_rules, 2, NO_SUCH.format("/etc/audit/rules.d"))})
    assert outcomes(a, "HVA-214") == {"hv1": "pass"}


BOOT = str(HARDENED_HOST["audit-rules-files"][0])
VIRT_EXCLUDE = "-a always,exclude -F msgtype=VIRT_CONTROL"
PATH_EXCLUDE = "-a always,exclude -F msgtype=PATH"


def test_unread_boot_rules_are_asked_for_libvirt_audit(host_scan) -> None:
    """R24L-3 (false pass) HVA-201: a boot rules file grep could not read ("Permission denied")
    may hold `-e 0` or an exclude rule of libvirt's VIRT_* records (R23Y-1's lead): HVA-214
    asked, HVA-201 passed "audit_level = 2, auditd running". Now the question."""
    denied = "grep: /etc/audit/rules.d/10-x.rules: Permission denied\n"
    a = host_scan({"audit-rules-files": (BOOT, 2, denied)})
    assert outcomes(a, "HVA-201") == {"hv1": "manual"}
    assert messages(a, "HVA-201") == {
        "hv1": "audit_level = 2, auditd running, but the audit rules files were not all read "
        f"(exit status 2: {denied.strip()}), so whether the next boot keeps auditing on and "
        "libvirt's records unfiltered is unknown"
    }


def test_boot_rules_that_drop_the_records(host_scan) -> None:
    """R24L-4 (false pass) HVA-201 and R24L-5 (false pass) HVA-214: an exclude rule in the rules
    files the next boot loads, not loaded now, drops libvirt's VIRT_CONTROL records (HVA-201)
    or the PATH records the watches write (HVA-214) from that boot on: kernel/auditfilter.c
    audit_filter returns 0 (dropped) `if (e->rule.action == AUDIT_NEVER || listtype ==
    AUDIT_FILTER_EXCLUDE)` for the first matching rule, and audit_log_start drops a record the
    exclude list matches (as _libvirt.audit_records_filtered quotes it for the loaded rules).
    Both passed. As for HVA-214's never rules (R21A-4, _boot_drops): in both audit.rules and
    rules.d (augenrules --load or auditctl -R alike) a fail; in rules.d only (augenrules has
    not rebuilt audit.rules yet) a question. A rules.d `-A exclude,always` counts (auditctl(8):
    -A adds the rule at the front of its list)."""
    both = (
        BOOT
        + f"/etc/audit/audit.rules:{VIRT_EXCLUDE}\n"
        + "/etc/audit/rules.d/05-x.rules:-A exclude,always -F msgtype=VIRT_CONTROL\n"
    )
    a = host_scan({"audit-rules-files": (both, 0)})
    assert outcomes(a, "HVA-201") == {"hv1": "fail"}
    assert messages(a, "HVA-201") == {
        "hv1": "audit_level = 2, auditd running, but the rules the next boot loads drop "
        f"libvirt's VIRT_* records before auditd sees them: `{VIRT_EXCLUDE}`"
    }
    a = host_scan(
        {"audit-rules-files": (BOOT + f"/etc/audit/rules.d/05-x.rules:{VIRT_EXCLUDE}\n", 0)}
    )
    assert outcomes(a, "HVA-201") == {"hv1": "manual"}
    assert messages(a, "HVA-201") == {
        "hv1": f"audit_level = 2, auditd running, but a rules file the next boot loads holds "
        f"`{VIRT_EXCLUDE}`, which drops libvirt's VIRT_* records (in one of "
        "/etc/audit/audit.rules and /etc/audit/rules.d/*.rules only)"
    }
    both = BOOT + "".join(
        f"/etc/audit/{f}:{PATH_EXCLUDE}\n" for f in ("audit.rules", "rules.d/05-x.rules")
    )
    a = host_scan({"audit-rules-files": (both, 0)})
    assert outcomes(a, "HVA-214") == {"hv1": "fail"}
    assert messages(a, "HVA-214") == {
        "hv1": "audit rules watch /etc/libvirt and /etc/polkit-1 as loaded now, but the rules "
        f"the next boot loads drop the records they write: `{PATH_EXCLUDE}`"
    }
    a = host_scan(
        {"audit-rules-files": (BOOT + f"/etc/audit/rules.d/05-x.rules:{PATH_EXCLUDE}\n", 0)}
    )
    assert outcomes(a, "HVA-214") == {"hv1": "manual"}
    # held: the -D of a hand-loaded audit.rules deletes an exclude rule listed before it
    # (_load_order, R21D-3), so only rules.d holds it: a question, not a fail
    early = f"/etc/audit/audit.rules:{VIRT_EXCLUDE}\n" + BOOT
    early += f"/etc/audit/rules.d/05-x.rules:{VIRT_EXCLUDE}\n"
    a = host_scan({"audit-rules-files": (early, 0)})
    assert outcomes(a, "HVA-201") == {"hv1": "manual"}


def _omfwd(*targets: str) -> dict[str, tuple[str, int]]:
    """Debian's rsyslog.conf and an rsyslog.d file with one TLS omfwd action per target."""
    f = "/etc/rsyslog.d/50-remote.conf"
    text = "".join(
        f'{f}:action(type="omfwd" {t} port="6514" protocol="tcp" StreamDriver="gtls"\n'
        f'{f}:       StreamDriverMode="1" StreamDriverAuthMode="x509/name")\n'
        for t in targets
    )
    text = f"{f}:{RSYSLOG_CA}\n" + text  # the CA (R28L-1)
    return {"rsyslog-config": (DEBIAN_RSYSLOG_MAIN + text, 0)}


@pytest.mark.parametrize("target", ['target=""', "", 'target=" "'])
def test_omfwd_without_a_target_forwards_nothing(host_scan, target: str) -> None:
    """R24L-6 (false pass) HVA-200: an omfwd action over TLS with no target, or an empty one,
    passed "logs forwarded over TLS to (unnamed)". rsyslog tools/omfwd.c actpdescr:
    `{"target", eCmdHdlrArray, CNFPARAM_REQUIRED}` (read with `read_file`): rsyslog refuses the
    action ("parameter 'target' required but not specified", as its omudpspoof test shows for
    the same flag), and an empty name resolves to no host. Now the destination forwards
    nothing, and with no other the check fails."""
    a = host_scan(_omfwd(target))
    assert outcomes(a, "HVA-200") == {"hv1": "fail"}
    assert "no target host: omfwd sends nothing without one" in messages(a, "HVA-200")["hv1"]


@pytest.mark.parametrize("target", ["127.0.0.1", "localhost", "::1", "hv1"])
def test_tls_forwarding_to_the_host_itself_is_asked(host_scan, target: str) -> None:
    """R24L-7 (false pass) HVA-200: TLS forwarding to the host itself (loopback, localhost, its
    own name: the check's docstring, "Logs kept only on the host die with it") passed "logs
    forwarded over TLS to 127.0.0.1". What listens there may relay them (a local relay), which
    the evidence does not show: now the question. Held: beside a remote TLS destination the
    pass stands."""
    a = host_scan(_omfwd(f'target="{target}"'))
    assert outcomes(a, "HVA-200") == {"hv1": "manual"}
    assert messages(a, "HVA-200") == {
        "hv1": f"rsyslog forwards only to the host itself ({target}): the logs stay on the "
        "host unless what listens there relays them"
    }
    a = host_scan(_omfwd(f'target="{target}"', 'target="logs.example.internal"'))
    assert outcomes(a, "HVA-200") == {"hv1": "pass"}
    assert messages(a, "HVA-200") == PASS


NO_PLUGINS = ("", 2, "grep: /etc/audit/plugins.d: No such file or directory\n")


def test_log_format_nolog_writes_no_log(host_scan) -> None:
    """R24L-8 (false pass) HVA-201 HVA-214: auditd.conf `log_format = NOLOG` with no plugin
    active passed both checks "auditd running". audit-userspace src/auditd-config.c
    log_format_parser (read with `read_file`): "The NOLOG option is overriding the write_logs
    current setting", `config->write_logs = 0` (auditd 3.x dropped NOLOG and refuses the file:
    either way no log is written by the running configuration). Now both fail naming it, as for
    write_logs = no. Held: a later `write_logs = yes` line sets it again (the parsers run line by
    line): pass."""
    a = host_scan({"/etc/audit/auditd.conf": "log_format = NOLOG\n", "audit-plugins": NO_PLUGINS})
    assert outcomes(a, "HVA-201") == {"hv1": "fail"}
    assert messages(a, "HVA-201") == {
        "hv1": "audit_level = 2, auditd running, but it writes no log (log_format = NOLOG) and "
        "no dispatcher plugin is active: libvirt's records are discarded"
    }
    assert outcomes(a, "HVA-214") == {"hv1": "fail"}
    conf = "log_format = NOLOG\nwrite_logs = yes\n"
    a = host_scan({"/etc/audit/auditd.conf": conf, "audit-plugins": NO_PLUGINS})
    assert outcomes(a, "HVA-201") == {"hv1": "pass"}
    assert outcomes(a, "HVA-214") == {"hv1": "pass"}


def test_local_events_no_keeps_none_of_the_hosts_records(host_scan) -> None:
    """R24L-9 (false pass) HVA-201 HVA-214: auditd.conf `local_events = no` passed both checks
    "auditd running". auditd.conf(5) (found with `search`): local_events "specifies whether or
    not to include local events ... Cases where you would set this to no is when you want to
    aggregate events only from the network": this host's records (libvirt's VIRT_*, the
    watches') reach neither auditd's log nor its plugins. Now both fail naming the line (the
    keyword and value are case-insensitive, auditd.conf(5)). Held: `local_events = yes` passes."""
    a = host_scan({"/etc/audit/auditd.conf": "LOCAL_EVENTS = No\n", "audit-plugins": NO_PLUGINS})
    why = "takes none of this host's own events (local_events = no: events from the network only)"
    assert outcomes(a, "HVA-201") == {"hv1": "fail"}
    assert messages(a, "HVA-201") == {
        "hv1": f"audit_level = 2, auditd running, but it {why}: libvirt's records are discarded"
    }
    assert outcomes(a, "HVA-214") == {"hv1": "fail"}
    assert messages(a, "HVA-214") == {
        "hv1": "audit rules watch /etc/libvirt and /etc/polkit-1, but auditd "
        f"{why}: their records are discarded"
    }
    a = host_scan({"/etc/audit/auditd.conf": "local_events = yes\n", "audit-plugins": NO_PLUGINS})
    assert outcomes(a, "HVA-201") == {"hv1": "pass"}
    assert outcomes(a, "HVA-214") == {"hv1": "pass"}


@pytest.mark.parametrize(
    "line",
    [
        "*.* @@127.0.0.1:10514",
        'action(type="omfwd" target="localhost" port="10514" protocol="tcp")',
        "*.* @127.0.0.1:514",
    ],
)
def test_plain_forwarding_to_a_local_relay_is_asked(host_scan, line: str) -> None:
    """R24L-10 (wrong fail) HVA-200: plain forwarding to the host itself failed "logs forwarded
    without authenticated TLS to 127.0.0.1", though nothing crosses the network there: the
    usual local relay (stunnel, or a second daemon) carries it on over TLS, which the evidence
    does not show. Now the same question as R24L-7. Held: a plain remote destination beside it
    still fails."""
    f = "/etc/rsyslog.d/50-remote.conf"
    a = host_scan({"rsyslog-config": (DEBIAN_RSYSLOG_MAIN + f"{f}:{line}\n", 0)})
    assert outcomes(a, "HVA-200") == {"hv1": "manual"}
    assert messages(a, "HVA-200")["hv1"].startswith("rsyslog forwards only to the host itself (")
    text = DEBIAN_RSYSLOG_MAIN + f"{f}:{line}\n{f}:*.* @@logs.example.internal:514\n"
    a = host_scan({"rsyslog-config": (text, 0)})
    assert outcomes(a, "HVA-200") == {"hv1": "fail"}
