"""Known leads on the KVM/libvirt host side (session 15), taken up by hostleads19: the older
bundle that predates HL18-1's probes, the kernel command line's quoting, comments after sshd
values, and (not reached) .pkla case, sudoers.d subdirectories, polkit's indexOf shortcut,
HVA-213's libvirt 6.x cutoff, socket-unit drop-ins, rsyslog backports and HVA-214's wording.

Harness: conftest's hardened Debian host replayed through the real collector, parser and engine
(host_scan), and _scan_without for a bundle of an older collector (the probes' artefacts left
out, as tests/test_redteam8_host_probes.py does); each test asserts the exact status and message.

Findings:
- HL19-1 (false pass) HVA-213 / HVA-200: _first_main (HL18-1, HL18-6) took a bundle holding
  /etc's journald.conf or journal-upload.conf probe but none for /run, /usr/local/lib and
  /usr/lib as "no main file" where /etc's is absent, so a vendor file's Storage=none (RHEL 9
  ships /usr/lib's only) passed HVA-213 "the journal", the hardened host's rsyslog passed
  HVA-200 with journald's forwarding unseen, and a running systemd-journal-upload passed on its
  --url though an unseen main URL= (or Storage=none) would decide. Now the main file is
  "unseen": HVA-213 asks one house-form question (`systemd-analyze cat-config
  systemd/journald.conf`), HVA-200 asks R15's forwarding question or gives the upload's
  evidence gap, each message naming the paths not collected. Where /etc's file is in the
  bundle it is the main file (looked up first): unchanged.
- HL19-2 (false pass) HVA-052, (wrong fails) HVA-052 / HVA-214: /proc/cmdline was split at
  every blank; kernel/params.c next_arg keeps a double-quoted value's blanks, so the `--` in
  `dyndbg="file x -- y"` ended hvaudit's parameters and a later pcie_acs_override= passed, and
  `foo="a pcie_acs_override=downstream"` / `dyndbg="... audit=0 ..."` failed. Now
  _cmdline_words splits as next_arg does (every reader of /proc/cmdline: the kernel_cmdline
  fact, AppArmor's mode, systemd's journald keys).
- HL19-3 (wrong fail) HVA-160: a Match block's `PermitRootLogin no # was yes` was the value
  "no # was yes" (and `Match Address X # comment` criteria kept the comment); servconf.c's
  argv_split(..., 1) ends the line at a `#` beginning a word. Now _sshd_args follows
  argv_split (quotes, escapes, comments), also for Include patterns. The settings outside
  Match blocks come from `sshd -T` (sshd's own parser) and were right.

Held (kept as tests): in the older bundle, /etc's journald.conf (even with comments only) is the
main file for HVA-213 and HVA-200, and a journal-upload drop-in's URL= overrides any main file
(HL19-1); `PermitRootLogin yes # temporary` in a Match block keeps HVA-160's fail (HL19-3).

Probed by script, not kept (the verdict was right): `"pcie_acs_override=downstream"` (a quoted
word) failed before and after; `foo="a b"c pcie_acs_override=id:1:2` failed before and after;
`Match Address 10.0.0.0/8` with `PermitRootLogin "no"#x` fails (argv_split gives "no#x", an
invalid value; `#` begins no word there).

Tally: 12 cases in 9 test functions; 9 failed on main before the fixes (HL19-1 4, HL19-2 3,
HL19-3 1, and HL19-3's held fail, whose status held but whose message named "yes # temporary":
run with PYTHONPATH=/work/main/src); the 3 other held cases passed before and after.

Leads left (not settled in the time):
- .pkla keys and results read case-insensitively (GKeyFile keys are case-sensitive, polkit's
  result names exact): a wrong fail; not probed.
- sudoers.d subdirectories: sudo's @includedir reads the directory's files only, hvaudit's
  `grep -R` reads subdirectories too (a wrong fail); not fixed.
- polkit rules' `actions.indexOf(action.id) == -1` with the id in the list read as a grant (a
  wrong fail / question); not probed.
- HVA-213's libvirt 6.x debug cutoff, SocketUser=/SocketGroup= drop-ins of sockets not yet
  created, rsyslog distribution backports of b5356f8 (HL18-7), and HVA-214's wording "audit.rules
  watches /etc/libvirt, but no rules.d file does" for a later `-a never` rule: not reached.
- HL19-1's edges: a journald drop-in that sets Storage= or ForwardToSyslog= settles the key
  whatever the unseen main file says, but the question is asked anyway (errs to a question);
  a bundle with no journald probe at all still keeps the journal (the earlier decision in
  _journal_discards), and rsyslog's imjournal path with a failed or unseen main takes the
  journal as kept (_journald_storage has no "unknown").
- HL19-2's edges: systemd's proc_cmdline_parse (extract_first_word, EXTRACT_UNQUOTE) honours
  single quotes too, which _cmdline_words (the kernel's rules) does not; the kernel's isspace
  also counts 0xA0 (lib/ctype.c), not handled.
- HL19-3: the OpenSSH release that moved servconf.c to argv_split was not pinned (8.7 by the
  lead; both behaviours read, neither dated).
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
from hvaudit.collect.host import file_artefact
from test_host_leads15 import RHEL
from test_redteam18_net_probes import manual_question


def _scan_without(tmp_path: Path, paths: tuple[str, ...], overrides: dict[str, Any]) -> Any:
    """A replayed host (hardened plus `overrides`) collected by a collector without probes for
    the files `paths` (an older hvaudit): their artefacts are left out of the bundle."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    uri = write_node(tmp_path / "node.xml", [domain_xml("web01")])
    writer = BundleWriter(
        tmp_path / "old", target="qemu+ssh://root@hv1/system", platform="kvm-libvirt"
    )
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=True).collect(writer)
    writer.meta["collector"]["libvirt"].update(simulated=False, hostname="hv1")
    HostCollector(ReplayRunner({**HARDENED_HOST, **overrides})).collect(writer)
    for path in paths:
        artefact = file_artefact(path)
        writer.entries.pop(artefact)
        writer.files.pop(artefact, None)
        if writer.root is not None and (writer.root / artefact).exists():
            (writer.root / artefact).unlink()
    bundle = writer.close(complete=True)
    assert bundle is not None
    return run_assessment(bundle)


# --- HVA-213 / HVA-200: journald's and journal-upload's main file in an older bundle (HL19-1) ----

LATER_JOURNALD = (
    "/run/systemd/journald.conf",
    "/usr/local/lib/systemd/journald.conf",
    "/usr/lib/systemd/journald.conf",
)
LATER_UPLOAD = tuple(p.replace("journald", "journal-upload") for p in LATER_JOURNALD)
STORAGE_NONE = {
    "/etc/os-release": RHEL,
    "/etc/systemd/journald.conf": None,
    "/usr/lib/systemd/journald.conf": "[Journal]\n#ForwardToSyslog=no\nStorage=none\n",
}


def test_journald_main_file_unseen_in_an_older_bundle_is_a_question(tmp_path: Path) -> None:
    """HL19-1. journald.conf(5) (systemd 256, HL18-1): "only the first file found is used:
    /etc/systemd/, /run/systemd/, /usr/local/lib/systemd/, /usr/lib/systemd/". A bundle of a
    collector from before HL18-1 holds /etc's probe only; on RHEL 9 (no /etc file, the vendor
    file under /usr/lib) _first_main took /etc's absence for "no main file", the compiled-in
    Storage=auto, and HVA-213 passed "the journal" while the vendor file's Storage=none drops
    every message libvirt logs. Right: a question whose message names the paths not collected,
    and whose Evidence is `systemd-analyze cat-config systemd/journald.conf` (the verb since
    systemd 239: analyze "add 'cat-config' verb", Zbigniew Jędrzejewski-Szmek 2018-04-26,
    "dump the configuration using the same locations and order that systemd programs use
    themselves"; the shipped journald.conf's header names it, found with `search`)."""
    a = _scan_without(tmp_path, LATER_JOURNALD, STORAGE_NONE)
    assert outcomes(a, "HVA-213") == {"hv1": "manual"}, messages(a, "HVA-213")
    assert messages(a, "HVA-213") == {
        "hv1": "evidence unavailable: the main journald.conf is unknown: "
        "/etc/systemd/journald.conf is absent, and /run/systemd/journald.conf, "
        "/usr/local/lib/systemd/journald.conf, /usr/lib/systemd/journald.conf, looked up next "
        "(the first found is read), were not collected, so whether journald keeps libvirt's "
        "messages is unknown"
    }
    assert manual_question(a, "HVA-213", "hv1").startswith(
        "Does systemd-journald keep or forward libvirt's messages? Evidence: `systemd-analyze "
        "cat-config systemd/journald.conf` on the host"
    )


def test_journald_main_file_unseen_leaves_rsyslog_forwarding_open(tmp_path: Path) -> None:
    """HL19-1 on HVA-200: the hardened Debian host (rsyslog over TLS, imuxsock, no imjournal)
    has no /etc journald.conf in this older bundle. rsyslog gets libvirt's messages only if
    journald forwards them, which the unseen main file may turn off (ForwardToSyslog=no);
    `absent` was read as a host whose journald owns no socket and HVA-200 passed. Right: R15's
    journald-forwarding question, the message naming the paths not collected."""
    a = _scan_without(tmp_path, LATER_JOURNALD, {})
    assert outcomes(a, "HVA-200") == {"hv1": "manual"}, messages(a, "HVA-200")
    assert messages(a, "HVA-200") == {
        "hv1": "rsyslog forwards over authenticated TLS, but reads no journal (no imjournal); "
        "whether journald hands it libvirt's messages is open: the main journald.conf is "
        "unknown: /etc/systemd/journald.conf is absent, and /run/systemd/journald.conf, "
        "/usr/local/lib/systemd/journald.conf, /usr/lib/systemd/journald.conf, looked up next "
        "(the first found is read), were not collected (logs.example.internal)"
    }


UPLOADING = str(HARDENED_HOST["processes"][0]) + (
    "  420 systemd-journal-upload /lib/systemd/systemd-journal-upload --save-state "
    "--url=https://logs.example.internal\n"
)


def test_journal_upload_main_file_unseen_in_an_older_bundle_is_a_question(
    tmp_path: Path,
) -> None:
    """HL19-1 on HVA-200, journal-upload.conf(5) (systemd 256/257, HL18-6): the main file is
    the first found of the same four paths, and journal-upload.c parse_argv takes `--url` only
    where the files set no URL= (HL18-6). With /etc's absent and the others not collected, a
    /usr/lib URL=http://... would win over the command line's https URL; hvaudit passed
    "over TLS". Right: the question, naming the paths."""
    a = _scan_without(tmp_path, LATER_UPLOAD, {"processes": (UPLOADING, 0)})
    assert outcomes(a, "HVA-200") == {"hv1": "manual"}, messages(a, "HVA-200")
    assert messages(a, "HVA-200") == {
        "hv1": "evidence unavailable: the main journal-upload.conf is unknown: "
        "/etc/systemd/journal-upload.conf is absent, and /run/systemd/journal-upload.conf, "
        "/usr/local/lib/systemd/journal-upload.conf, /usr/lib/systemd/journal-upload.conf, "
        "looked up next (the first found is read), were not collected, and it sets "
        "systemd-journal-upload's URL where no drop-in does"
    }


@pytest.mark.parametrize(
    ("overrides", "check", "message"),
    [
        (
            {**STORAGE_NONE, "/etc/systemd/journald.conf": "[Journal]\n#Storage=auto\n"},
            "HVA-213",
            "libvirtd.conf: log_outputs unset (the journal)",
        ),
        (
            {"/etc/systemd/journald.conf": "[Journal]\n"},
            "HVA-200",
            "logs forwarded over TLS to logs.example.internal",
        ),
        (
            {
                "processes": (UPLOADING, 0),
                "journal-upload-conf-d": (
                    "/etc/systemd/journal-upload.conf.d/50.conf:[Upload]\n"
                    "/etc/systemd/journal-upload.conf.d/50.conf:URL=https://logs.example.internal\n",
                    0,
                ),
            },
            "HVA-200",
            "logs forwarded over TLS to logs.example.internal, https://logs.example.internal",
        ),
    ],
    ids=["etc-journald-present", "etc-journald-present-rsyslog", "upload-drop-in-sets-url"],
)
def test_older_bundle_settled_main_file_keeps_the_pass(
    tmp_path: Path, overrides: dict, check: str, message: str
) -> None:
    """HL19-1's held probes: /etc's file is looked up first, so where the older bundle holds it
    it is the main file whatever the later paths hold; a journal-upload drop-in's URL= overrides
    any main file's. The pass stays (before and after)."""
    a = _scan_without(
        tmp_path, LATER_UPLOAD if "processes" in overrides else LATER_JOURNALD, overrides
    )
    assert messages(a, check) == {"hv1": message}
    assert outcomes(a, check) == {"hv1": "pass"}


def test_journal_upload_with_journald_main_file_unseen_is_a_question(tmp_path: Path) -> None:
    """HL19-1 on HVA-200: systemd-journal-upload(8) uploads the journal's entries, which
    journald.conf Storage=none leaves empty (HL15); with journald's main file unseen in the
    older bundle, the upload's https URL (a drop-in's) passed. Right: the question."""
    a = _scan_without(
        tmp_path,
        LATER_JOURNALD,
        {
            "processes": (
                "".join(ln + "\n" for ln in UPLOADING.splitlines() if "rsyslogd" not in ln),
                0,
            )
        },
    )
    assert outcomes(a, "HVA-200") == {"hv1": "manual"}, messages(a, "HVA-200")
    assert messages(a, "HVA-200") == {
        "hv1": "evidence unavailable: systemd-journal-upload (https://logs.example.internal) "
        "reads the journal, and whether journald keeps one is unknown: the main journald.conf "
        "is unknown: /etc/systemd/journald.conf is absent, and /run/systemd/journald.conf, "
        "/usr/local/lib/systemd/journald.conf, /usr/lib/systemd/journald.conf, looked up next "
        "(the first found is read), were not collected"
    }


# --- the kernel command line's quoted words (HL19-2) -------------------------------------------

CMDLINE = "BOOT_IMAGE=/vmlinuz-6.1.0-28-amd64 root=/dev/mapper/vg-root ro quiet "


def test_kernel_cmdline_quoted_value_keeps_its_blanks(host_scan) -> None:
    """HL19-2. kernel/params.c next_arg (merged from lib/cmdline.c; read with `find_string`):
    "You can use \" around spaces, but can't escape \"": a blank ends a word only outside
    double quotes (`if (isspace(args[i]) && !in_quote) break;`, each `"` toggling in_quote),
    and parse_args stops at a bare `--` (R11H-4). hvaudit split /proc/cmdline at every blank,
    so the `--` inside `dyndbg="file x -- y"` ended the kernel's parameters and the
    pcie_acs_override=downstream after it was taken for an argument to init: HVA-052 passed
    while the kernel applies the override (ACS isolation off). Right: the fail."""
    a = host_scan(
        {"/proc/cmdline": CMDLINE + 'dyndbg="file x -- y" pcie_acs_override=downstream\n'}
    )
    assert outcomes(a, "HVA-052") == {"hv1": "fail"}, messages(a, "HVA-052")
    assert messages(a, "HVA-052") == {"hv1": "kernel booted with pcie_acs_override=downstream"}


def test_kernel_cmdline_parameter_inside_a_quoted_value_is_not_one(host_scan) -> None:
    """HL19-2's twin (wrong fails): `foo="a pcie_acs_override=downstream"` and
    `dyndbg="file x audit=0 +p"` are one parameter each (foo, dyndbg) for next_arg, so the
    kernel applies no ACS override and keeps auditing on; hvaudit read the words inside the
    quotes as parameters and failed HVA-052 and HVA-214. Right: their passes."""
    a = host_scan({"/proc/cmdline": CMDLINE + 'foo="a pcie_acs_override=downstream"\n'})
    assert messages(a, "HVA-052") == {"hv1": "no pcie_acs_override= on the kernel command line"}
    assert outcomes(a, "HVA-052") == {"hv1": "pass"}
    a = host_scan({"/proc/cmdline": CMDLINE + 'dyndbg="file x audit=0 +p"\n'})
    base = host_scan({})
    assert messages(a, "HVA-214") == messages(base, "HVA-214")
    assert outcomes(a, "HVA-214") == {"hv1": "pass"}


# --- HVA-160: a comment after an sshd_config value (HL19-3) ------------------------------------

SSHD_CONF = str(HARDENED_HOST["/etc/ssh/sshd_config"])


def test_sshd_match_value_followed_by_a_comment(host_scan) -> None:
    """HL19-3 (wrong fail). OpenSSH servconf.c process_server_config_line_depth splits each
    line's arguments with `argv_split(str, &oac, &oav, 1)`, and misc.c argv_split with
    terminate_on_comment stops at a `#` that begins a word ("A '#' at the start of an argument
    ends the line when requested"; both read with `find_string`); releases before argv_split
    stopped with fatal "garbage at end of line" (servconf.c, `find_string`), so there sshd and
    `sshd -T` refuse the file. hvaudit read the Match block's value as "no # was yes" (and the
    criteria as "Address 10.0.0.0/8 # the admin LAN") and failed HVA-160 on a block that
    refuses root. Right: the pass. `sshd -T` (the collector's source for the settings outside
    Match blocks) is sshd's own parser and needed no change; the Match blocks and Include
    lines are read from the files."""
    conf = (
        SSHD_CONF + "Match Address 10.0.0.0/8 # the admin LAN\n    PermitRootLogin no # was yes\n"
    )
    a = host_scan({"/etc/ssh/sshd_config": conf})
    assert messages(a, "HVA-160") == {"hv1": "PermitRootLogin no"}
    assert outcomes(a, "HVA-160") == {"hv1": "pass"}


def test_sshd_match_value_with_a_comment_that_lets_root_in_still_fails(host_scan) -> None:
    """HL19-3's held probe: `PermitRootLogin yes # temporary` is yes: the fail stays, its
    message now naming the value sshd reads."""
    conf = SSHD_CONF + "Match Address 10.0.0.0/8\n    PermitRootLogin yes # temporary\n"
    a = host_scan({"/etc/ssh/sshd_config": conf})
    assert outcomes(a, "HVA-160") == {"hv1": "fail"}, messages(a, "HVA-160")
    assert messages(a, "HVA-160") == {
        "hv1": "PermitRootLogin no, but Match Address 10.0.0.0/8 (/etc/ssh/sshd_config:8) sets "
        "PermitRootLogin yes"
    }
