"""R34 elif-chain sweep probes (letter T): the leads tests/test_r34_elif_sweep_probes.py left,
in the class of tests/test_r34_elif_probes.py: a check's chain meets a subject's first open
condition, yields its question and stops, so a later condition of the same subject (a fail, an
unknown or another question) is never put to anyone, and an attested "yes" to the one question
asked passes the check.

Harness: each probe builds its subject through the real collectors and engine (conftest's
host_scan replay of the hardened host with libvirt test-driver domains), reads the question the
first condition asks alone (`first`), answers it "yes" in an attestation TOML read by the CLI's
own loader and applied with apply_attestations (test_r34_elif_probes._attest_yes), and asserts
the exact status (and message). A harness test per site holds each condition alone.

Findings (class: a question hides a later condition of the same subject):
- R34T-1 HVA-042 (devices.qemu_unprivileged): qemu.conf's swtpm_user that /etc/passwd does not
  list (_swtpm_open) was asked and the chain stopped before qemu.conf's user and group
  questions (and swtpm_group's own); "yes, the TPM emulator's uid is not 0" passed a QEMU user
  whose uid was never asked. Now one item asks every one (joined_asks), with the unread guests'
  question (unread_peers) as beside the pass; an unknown build default (user unset) is an
  error no question hides.

Held: each condition alone keeps its verdict (the harness tests).

Tally: 1 site, 4 cases; 2 failed on main before the fix (2 held).

Leads left: none beyond the brief's.
"""

from __future__ import annotations

from pathlib import Path

from conftest import domain_xml, messages, outcomes
from test_r34_elif_probes import _attest_yes, _items
from test_r34_elif_sweep_probes import verdict

# --- R34T-1: devices.py HVA-042, the swtpm account asked, qemu.conf's user never ----------------

QEMU = "/etc/libvirt/qemu.conf"
VTPM = domain_xml(
    "web01",
    body="<devices><tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm></devices>",
)
SWTPM_ASKED = (
    "qemu.conf sets swtpm_user = tpmops, which /etc/passwd does not list (an NSS account, or "
    "none): the uid of the TPM emulator of VM(s) web01 is not known"
)
SWTPM_GROUP_ASKED = (
    "qemu.conf sets swtpm_group = tpmgrp, which /etc/group does not list (an NSS group, or "
    "none): the gid of the TPM emulator of VM(s) web01 is not known"
)
USER_ASKED = (
    "qemu.conf sets user = qemuops, which /etc/passwd does not list (an NSS account, or none): "
    "its uid is not known"
)


def _swtpm(host_scan, conf: str, user: str = "libvirt-qemu"):
    """qemu.conf with `conf` appended and its user `user`, no QEMU running
    (test_redteam27_daemon_probes), VM web01 with an emulated TPM."""
    from test_redteam27_daemon_probes import _user

    over = _user(user)
    over[QEMU] = str(over[QEMU]) + conf
    return host_scan(over, domains=[VTPM])


def test_r34t1_harness_each_condition_alone(host_scan) -> None:
    """Held: swtpm_user absent from /etc/passwd alone is the swtpm question (R28O-1); qemu.conf's
    user absent from it alone is the user's (R27O-1)."""
    a = _swtpm(host_scan, 'swtpm_user = "tpmops"\n')
    assert verdict(a, "HVA-042", "hv1") == ("manual", SWTPM_ASKED)
    a = _swtpm(host_scan, "", "qemuops")
    assert verdict(a, "HVA-042", "hv1") == ("manual", USER_ASKED)


def test_r34t1_hva042_yes_to_swtpm_question_passes_user(host_scan, tmp_path: Path) -> None:
    """R34T-1, the false pass: swtpm_user and qemu.conf's user both absent from /etc/passwd:
    main asked only the TPM emulator's uid, and "yes, not 0" passed HVA-042 with QEMU's own
    user (uid 0 runs every VM's QEMU as root) never asked."""
    first = _items(_swtpm(host_scan, 'swtpm_user = "tpmops"\n'), "HVA-042")[("host", "hv1")][1]
    a = _swtpm(host_scan, 'swtpm_user = "tpmops"\n', "qemuops")
    _attest_yes(a, "HVA-042", "host", "hv1", tmp_path, question=first)
    assert outcomes(a, "HVA-042") == {"hv1": "manual"}, messages(a, "HVA-042")


def test_r34t1_hva042_swtpm_user_group_and_user_in_one_item(host_scan) -> None:
    """R34T-1: one item names swtpm_user, swtpm_group and qemu.conf's user (main named the
    swtpm_user alone)."""
    a = _swtpm(host_scan, 'swtpm_user = "tpmops"\nswtpm_group = "tpmgrp"\n', "qemuops")
    assert verdict(a, "HVA-042", "hv1") == (
        "manual",
        f"{SWTPM_ASKED}; {SWTPM_GROUP_ASKED}; {USER_ASKED}",
    )
