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

Held (kept as tests): a drop-in's ForwardToSyslog=no overridden by a later-sorted drop-in's yes,
and an /etc drop-in masking a /usr/lib one of the same name, keep the pass; a host with no
systemd (no systemctl, no journald file or drop-in) keeps the pass (a syslog daemon owns
/dev/log there); grep's "No such file" for rules.d alone, with audit.rules read, keeps the pass.

Probed by script, not kept: HVA-201 keeps its pass with /etc/audit/auditd.conf absent too
(auditd's compiled-in defaults, write_logs yes).

Tally: 10 cases in 4 test functions; 6 failed before the fixes on main 57d8239.

Leads left (not settled in the time): see the report.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes

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
