"""Known leads on the KVM/libvirt host side (session 15), taken up by hostleads19b after
hostleads19 (tests/test_host_leads19.py, HL19-1..3): HL19-1's edges (a bundle without any
journald probe, rsyslog's imjournal with journald's files unread or unseen, a drop-in that
settles the key over an unseen main file) and the .pkla local authority's key and result case.

Harness: conftest's hardened Debian host replayed through the real collector, parser and engine
(host_scan), and _scan_without for a bundle of an older collector (the probes' artefacts left
out, as tests/test_host_leads19.py does); each test asserts the exact status and message.

Findings:
- HL19-4 (false pass) HVA-213 / HVA-200, (needless questions) HVA-213 / HVA-200: a bundle
  with no journald probe at all (collectors before 9d9eca3) kept the journal
  (_journal_discards' "leaves the journal as kept") and HVA-213 passed "the journal" though
  RHEL 9's vendor file may say Storage=none; rsyslog's imjournal with journald.conf failed or
  unseen took the journal as kept (_journald_storage had no "unknown") and HVA-200 passed
  "logs forwarded over TLS". Now _journald_storage answers ("unknown", why): HVA-213 asks its
  house-form question ("... were not collected"), HVA-200 asks a new one on the journal
  (imjournal: "Does systemd-journald on host hv1 keep its journal ...?"). And a journald.conf.d
  drop-in's Storage= / ForwardToSyslog= settles the key over an unseen or unread main file
  (drop-ins "override the main configuration file"; the drop-in probe has read all four
  directories since 9d9eca3): Storage=persistent passes HVA-213, ForwardToSyslog=yes to the
  running rsyslog with imuxsock passes HVA-213 and HVA-200 (HL19-1 asked).
- HL19-5 (false pass) HVA-132, (wrong fail) HVA-132: .pkla keys and results were read
  case-insensitively and stripped. polkit's store reads exact key names (GKeyFile) and exact
  result names (strcmp), and drops an entry with an unknown result or no result whole; GKeyFile
  keeps a value's trailing blanks. So a 50-local.d entry `ResultActive=NO`, `resultactive=no`
  or `ResultActive=no ` took back 10-vendor.d's grant to every account and HVA-132 passed,
  while polkit ignores it (now the fail); `ResultActive=YES` / `resultactive=yes` grants
  counted though polkit never loads them (now the pass).

Held (kept as tests): a drop-in's Storage=none with ForwardToSyslog unseen stays a question,
now naming the drop-in (HL19-4); an exact-case take-back (`ResultAny=no` ...) keeps the pass
(HL19-5).

Probed by script, not kept (the verdict was right): a bundle without journald's probes on the
hardened Debian host (rsyslog with imuxsock) already asked HVA-200's forwarding question
("/etc/systemd/journald.conf was not collected"); `Identity=unix-group:staff` with
`ResultAny=bogus` passed before and after (a group grant HVA-132 accepts).

Tally: 14 cases in 8 test functions; 13 failed on main before the fixes (HL19-4: all 8, run
with PYTHONPATH=/work/main/src before 59b700f, the held drop-in question on its message only;
HL19-5: 5 of 6); the held exact-case take-back passed before and after.

Leads left (not settled in the time):
- polkit rules' `LIST.indexOf(action.id) == -1` (and `!=`, `< 0`, `!LIST.includes`) with the
  id in the list: action_test's literal shortcut counts it as taking the action (a wrong fail
  for a grant of every OTHER action). The shortcut is load-bearing: the early-return pattern
  `if (action.id != "X") return NOT_HANDLED; return YES;` is read through the function's
  rest, where per-test reading says "not taken" (a false pass if the shortcut were dropped).
  A sound fix reads only an `if` statement whose condition has a top-level `&&` conjunct that
  is a fully matched action test false for the action. Also seen, not probed: a disjunct with a
  subject test and no action test (`if (subject.isInGroup("wheel") || action.id == "Y")
  return YES`) grants every action to wheel, but _tested over the statement reads only the
  action test (False): a possible false pass.
- sudoers.d subdirectories (@includedir reads the directory's files only, skipping names with
  '.' or ending in '~'; hvaudit's `grep -R` reads subdirectories too: a wrong fail): not
  reached.
- HVA-213's libvirt 6.x debug cutoff, SocketUser=/SocketGroup= drop-ins of sockets not yet
  created, rsyslog distribution backports of b5356f8 (HL18-7), HVA-214's wording for a later
  `-a never` rule, HL19-2's edges (systemd's single quotes, the kernel's isspace 0xA0): not
  reached.
- .pkla: a line GKeyFile cannot parse (not a comment, group or key=value) fails the whole
  file's load ("Error loading key-file"): hvaudit still reads its other entries; duplicate
  group names merge in GKeyFile; GKeyFile's backslash escapes in values are not decoded. Not probed.
- polkit-pkla-compat (polkit 0.106+): its store was not read; taken to parse as polkit 0.105's
  (its test decodes pkla-check-authorization's output with
  polkit_implicit_authorization_from_string).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import (
    HARDENED_HOST,
    BundleWriter,
    HostCollector,
    LibvirtCollector,
    LibvirtTarget,
    ReplayRunner,
    domain_xml,
    messages,
    outcomes,
    run_assessment,
    write_node,
)
from hvaudit.collect.host import command_artefact, file_artefact
from test_host_leads13 import LOCAL, VENDOR, _pkla
from test_host_leads15 import RHEL
from test_host_leads19 import LATER_JOURNALD
from test_log_journal_path import REMOTE, RHEL_MAIN
from test_redteam18_net_probes import manual_question


def _scan_without(
    tmp_path: Path, files: tuple[str, ...], commands: tuple[str, ...], overrides: dict[str, Any]
) -> Any:
    """A replayed host (hardened plus `overrides`) collected by a collector without probes for
    the files `files` and the commands `commands` (an older hvaudit): their artefacts are left
    out of the bundle (as test_host_leads19._scan_without does for files)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    uri = write_node(tmp_path / "node.xml", [domain_xml("web01")])
    writer = BundleWriter(
        tmp_path / "old", target="qemu+ssh://root@hv1/system", platform="kvm-libvirt"
    )
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=True).collect(writer)
    writer.meta["collector"]["libvirt"].update(simulated=False, hostname="hv1")
    HostCollector(ReplayRunner({**HARDENED_HOST, **overrides})).collect(writer)
    for artefact in [file_artefact(p) for p in files] + [command_artefact(c) for c in commands]:
        writer.entries.pop(artefact)
        writer.files.pop(artefact, None)
        if writer.root is not None and (writer.root / artefact).exists():
            (writer.root / artefact).unlink()
    bundle = writer.close(complete=True)
    assert bundle is not None
    return run_assessment(bundle)


# --- HVA-213 / HVA-200: journald's files unread or unseen (HL19-4) -----------------------------

ALL_JOURNALD = ("/etc/systemd/journald.conf", *LATER_JOURNALD)
VENDOR_NONE = {
    "/etc/os-release": RHEL,
    "/etc/systemd/journald.conf": None,
    "/usr/lib/systemd/journald.conf": "[Journal]\n#ForwardToSyslog=no\nStorage=none\n",
}
NOT_COLLECTED = (
    "/etc/systemd/journald.conf and journald.conf.d were not collected, so whether journald "
    "keeps libvirt's messages is unknown"
)
UNSEEN = (
    "the main journald.conf is unknown: /etc/systemd/journald.conf is absent, and "
    "/run/systemd/journald.conf, /usr/local/lib/systemd/journald.conf, "
    "/usr/lib/systemd/journald.conf, looked up next (the first found is read), were not collected"
)


def test_bundle_without_journald_probes_does_not_keep_the_journal(tmp_path: Path) -> None:
    """HL19-4 (false pass) HVA-213. A bundle of a collector from before 9d9eca3 (which added
    /etc's journald.conf probe and the journald.conf.d one together) holds no journald file at
    all; _journal_discards took that for "the journal is kept" (its docstring: "A bundle
    without journald's files (an older collector) leaves the journal as kept"), so on RHEL 9,
    whose vendor file may say Storage=none ("all log data received will be dropped",
    journald.conf(5)), HVA-213 passed "log_outputs unset (the journal)". Missing evidence is no
    pass: now HL19-1's house-form question, its message saying the files were not collected."""
    a = _scan_without(tmp_path, ALL_JOURNALD, ("journald-conf-d",), VENDOR_NONE)
    assert outcomes(a, "HVA-213") == {"hv1": "manual"}, messages(a, "HVA-213")
    assert messages(a, "HVA-213") == {"hv1": f"evidence unavailable: {NOT_COLLECTED}"}
    assert manual_question(a, "HVA-213", "hv1").startswith(
        "Does systemd-journald keep or forward libvirt's messages? Evidence: `systemd-analyze "
        "cat-config systemd/journald.conf` on the host"
    )


IMJOURNAL = {"/etc/os-release": RHEL, "rsyslog-config": (RHEL_MAIN + REMOTE, 0)}
IMJOURNAL_OPEN = (
    "rsyslog forwards over authenticated TLS and reads the journal (imjournal), but whether "
    "journald keeps one is open: {} (logs.example.internal)"
)
IMJOURNAL_QUESTION = (
    "Does systemd-journald on host hv1 keep its journal (Storage= other than none)? Evidence: "
    "`systemd-analyze cat-config systemd/journald.conf` and /proc/cmdline "
    "(systemd.journald.forward_to_syslog=) on hv1. Pass: yes, rsyslog's imjournal reads "
    "libvirt's messages from it, or ForwardToSyslog=yes where rsyslog's imuxsock reads the "
    "system socket; fail: Storage=none and no such forwarding."
)


def test_imjournal_with_journald_main_file_unread_is_a_question(host_scan) -> None:
    """HL19-4 (false pass) HVA-200. RHEL's rsyslog.conf reads the journal with imjournal and
    turns imuxsock's system socket off (R14H-1); imjournal reads the journal's files, which
    journald.conf Storage=none leaves empty. With journald.conf unreadable (a failed read),
    _journald_storage answered None ("kept, or not read") and HVA-200 passed "logs forwarded
    over TLS". Right: a question on the journal, naming what was not read."""
    a = host_scan({**IMJOURNAL, "/etc/systemd/journald.conf": OSError("permission denied")})
    assert outcomes(a, "HVA-200") == {"hv1": "manual"}, messages(a, "HVA-200")
    assert messages(a, "HVA-200") == {
        "hv1": IMJOURNAL_OPEN.format("/etc/systemd/journald.conf and journald.conf.d were not read")
    }
    assert manual_question(a, "HVA-200", "hv1") == IMJOURNAL_QUESTION


def test_imjournal_with_journald_main_file_unseen_is_a_question(tmp_path: Path) -> None:
    """HL19-4 (false pass) HVA-200, the older bundle of HL19-1: /etc's journald.conf absent,
    the later main files not collected, RHEL 9's vendor file (Storage=none) unseen. imjournal
    took the journal as kept and HVA-200 passed. Right: the question, naming the paths."""
    a = _scan_without(tmp_path, LATER_JOURNALD, (), {**IMJOURNAL, **VENDOR_NONE})
    assert outcomes(a, "HVA-200") == {"hv1": "manual"}, messages(a, "HVA-200")
    assert messages(a, "HVA-200") == {"hv1": IMJOURNAL_OPEN.format(UNSEEN)}
    assert manual_question(a, "HVA-200", "hv1") == IMJOURNAL_QUESTION


def _dropin(*lines: str) -> dict[str, Any]:
    return {
        "journald-conf-d": (
            "".join(
                f"/etc/systemd/journald.conf.d/50-local.conf:{ln}\n" for ln in ("[Journal]", *lines)
            ),
            0,
        )
    }


@pytest.mark.parametrize(
    ("lines", "check", "message"),
    [
        (("Storage=persistent",), "HVA-213", "libvirtd.conf: log_outputs unset (the journal)"),
        (
            ("Storage=none", "ForwardToSyslog=yes"),
            "HVA-213",
            "libvirtd.conf: log_outputs unset (the journal)",
        ),
        (("ForwardToSyslog=yes",), "HVA-213", "libvirtd.conf: log_outputs unset (the journal)"),
        (("ForwardToSyslog=yes",), "HVA-200", "logs forwarded over TLS to logs.example.internal"),
    ],
    ids=["storage-persistent", "none-forwarded", "forwarded-213", "forwarded-200"],
)
def test_dropin_settles_what_the_unseen_main_file_would(
    tmp_path: Path, lines: tuple[str, ...], check: str, message: str
) -> None:
    """HL19-4 (needless questions). journald.conf(5) "Configuration Directories and
    Precedence": the drop-ins "have higher precedence and override the main configuration
    file" (journal-upload.conf(5) says it in those words; read with `search`), and the
    drop-in probe has read all four journald.conf.d directories since it was added (9d9eca3),
    so the drop-ins' order is known. A drop-in's Storage=persistent keeps the journal whatever
    the unseen main file says; a drop-in's ForwardToSyslog=yes to the running rsyslog, which
    reads the system socket (imuxsock on the hardened Debian host), carries libvirt's messages
    whatever Storage= is (Storage=none: "forwarding to ... a syslog socket will still work").
    HL19-1 asked anyway; now these pass (the hardened host, its main file unseen)."""
    a = _scan_without(
        tmp_path, LATER_JOURNALD, (), {"/etc/systemd/journald.conf": None, **_dropin(*lines)}
    )
    assert messages(a, check) == {"hv1": message}
    assert outcomes(a, check) == {"hv1": "pass"}


def test_dropin_storage_none_with_forwarding_unseen_stays_a_question(tmp_path: Path) -> None:
    """HL19-4's held probe: a drop-in's Storage=none with the main file unseen leaves
    ForwardToSyslog= to the unseen main file (RHEL's compiled-in default is no): the question
    stays, now naming the drop-in that settles Storage=."""
    a = _scan_without(
        tmp_path,
        LATER_JOURNALD,
        (),
        {"/etc/systemd/journald.conf": None, **_dropin("Storage=none")},
    )
    assert outcomes(a, "HVA-213") == {"hv1": "manual"}, messages(a, "HVA-213")
    assert messages(a, "HVA-213") == {
        "hv1": "evidence unavailable: journald keeps no journal (Storage=none in "
        "/etc/systemd/journald.conf.d/50-local.conf) and whether it forwards to syslog is "
        f"unknown: {UNSEEN}"
    }


# --- HVA-132: .pkla entries read as polkit reads them (HL19-5) ---------------------------------

PKLA_BASE = HARDENED_HOST["polkit-rules"][0]


def _pkla_probe(host_scan, files: str) -> Any:
    return host_scan({"polkit-rules": (PKLA_BASE + files, 0)})


def _takeback(results: str) -> str:
    return _pkla(VENDOR, "unix-user:*", "ResultActive=yes") + _pkla(
        LOCAL, "unix-user:*", results.replace("\n", f"\n{LOCAL}:")
    )


PKLA_FAIL = (
    "libvirtd.conf: auth_unix_rw = polkit, but /etc/polkit-1/localauthority/10-vendor.d/"
    "libvirt.pkla grant(s) org.libvirt.unix.manage with no subject test: every local user "
    "controls every VM"
)


@pytest.mark.parametrize(
    "results",
    [
        "ResultAny=NO\nResultInactive=NO\nResultActive=NO",
        "resultany=no\nresultinactive=no\nresultactive=no",
        "ResultAny=no\nResultInactive=no\nResultActive=no ",
    ],
    ids=["upper-case-results", "lower-case-keys", "trailing-blank"],
)
def test_pkla_takeback_polkit_drops_keeps_the_grant(host_scan, results: str) -> None:
    """HL19-5 (false pass) HVA-132. polkit 0.105 polkitbackendlocalauthorizationstore.c
    local_authorization_new reads an entry's keys by their exact names ("Identity", "Action",
    "ResultAny", "ResultInactive", "ResultActive"; GKeyFile keys are case-sensitive) and each
    result with polkit_implicit_authorization_from_string (polkitimplicitauthorization.c:
    strcmp against "no", "auth_self", "auth_admin", "auth_self_keep", "auth_admin_keep",
    "yes"; otherwise "Unknown PolkitImplicitAuthorization string" and FALSE); an unknown
    result ("Cannot parse ResultActive string") or no result key at all ("Must have at least
    one of ResultAny, ResultInactive and ResultActive") drops the entry, the store going on
    without it (store_ensure: "Error parsing group"). glib gkeyfile.c
    g_key_file_parse_key_value_pair drops a value's leading blanks only ("chugging leading
    whitespace"; g_key_file_parse_line trims the line's start only), so `no ` is no result
    name. hvaudit read keys and results case-insensitively and stripped, so these 50-local.d
    entries took back 10-vendor.d's grant to every account and HVA-132 passed; polkit ignores
    them and the grant stands. Right: the fail (all read with `find_string` / `read_file`)."""
    a = _pkla_probe(host_scan, _takeback(results))
    assert outcomes(a, "HVA-132") == {"hv1": "fail"}, messages(a, "HVA-132")
    assert messages(a, "HVA-132") == {"hv1": PKLA_FAIL}


@pytest.mark.parametrize(
    "results", ["ResultActive=YES", "resultactive=yes"], ids=["upper-yes", "lower-key"]
)
def test_pkla_grant_polkit_drops_is_no_grant(host_scan, results: str) -> None:
    """HL19-5's twin (wrong fail): the same rules drop a granting entry written
    `ResultActive=YES` or `resultactive=yes`; hvaudit failed HVA-132 on a grant polkit never
    loads. Right: the hardened host's pass."""
    a = _pkla_probe(host_scan, _pkla(VENDOR, "unix-user:*", results))
    assert messages(a, "HVA-132") == {"hv1": "libvirtd.conf: auth_unix_rw = polkit"}
    assert outcomes(a, "HVA-132") == {"hv1": "pass"}


def test_pkla_valid_takeback_still_counts(host_scan) -> None:
    """HL19-5's held probe (HL13-4's case): `ResultAny=no` ... in exact case take the grant
    back; the pass stays."""
    a = _pkla_probe(host_scan, _takeback("ResultAny=no\nResultInactive=no\nResultActive=no"))
    assert messages(a, "HVA-132") == {"hv1": "libvirtd.conf: auth_unix_rw = polkit"}
    assert outcomes(a, "HVA-132") == {"hv1": "pass"}
