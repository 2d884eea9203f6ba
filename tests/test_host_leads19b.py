"""Known leads on the KVM/libvirt host side (session 15), taken up by hostleads19b after
hostleads19 (tests/test_host_leads19.py, HL19-1..3): HL19-1's edges (a bundle without journald's
probes, rsyslog's imjournal with journald's files unread, a drop-in that settles the key),
polkit's indexOf shortcut, .pkla case, sudoers.d subdirectories, and the rest of the list.

Harness: conftest's hardened Debian host replayed through the real collector, parser and engine
(host_scan), and _scan_without for a bundle of an older collector (the probes' artefacts left
out, as tests/test_host_leads19.py does); each test asserts the exact status and message.
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
