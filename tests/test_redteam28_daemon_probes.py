"""Red-team round 28 probes: libvirt daemon configuration and guest loopback reach (rt28daemon)

Harness: the hardened Debian host replay (conftest `host_scan`: HARDENED_HOST plus overrides)
with web01 given an emulated TPM (<tpm model='tpm-crb'><backend type='emulator'/>), so libvirt
starts a swtpm for it; QEMU runs as libvirt-qemu (the process list's pid 1200).

Findings:
- R28O-1 (false pass) HVA-042: qemu.conf `swtpm_user = "NAME"` / `swtpm_group = "NAME"` that
  /etc/passwd / /etc/group do not list passed on the running QEMU's account. libvirt reads both
  with virGetUserID / virGetGroupID (libvirt/libvirt src/qemu/qemu_conf.c
  virQEMUDriverConfigLoadSWTPMEntry; src/util/virutil.c: the name is looked up with getpwnam_r
  / getgrnam_r before it is read as a number), so the name is an NSS account or group
  (nsswitch.conf `passwd: files sss`), possibly id 0. Now a manual item with one question
  (`getent passwd NAME` / `getent group NAME`), as R27O-1 did for `user`.
- R28O-2 (false pass) HVA-042: with /etc/passwd unread, swtpm_user unset passed, although
  libvirt runs swtpm as root when tss does not exist (src/qemu/qemu_conf.c
  virQEMUDriverConfigNew: `if (!virDoesUserExist("tss") || ...) cfg->swtpm_user = 0; /* fall
  back to root */`). Now the evidence's error (unknown()).
- R28O-3 (false pass) HVA-042: a swtpm the process list shows running as root (qemu.conf edited
  since libvirt started it, or an NSS swtpm account with uid 0) passed: HVA-042 read only
  QEMU's processes, not the VM helpers the collector already lists (collect/host.py
  VM_HELPER). Now a fail naming the pids.

Held (kept as tests): swtpm_user/swtpm_group unset with tss listed, set to tss, set to numbers
(+105, 112), and a swtpm running as tss, all still pass.

Probed by script: 9 swtpm inputs (above, and /etc/group unread: already an error).

Tally: 3 findings, 3 false passes, 5 tests (8 cases), 4 cases failed before the fixes.

Leads left: (filled in at the end of the round)
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, domain_xml, messages, outcomes

QEMU = "/etc/libvirt/qemu.conf"
QEMU_CONF = HARDENED_HOST[QEMU]
VTPM = domain_xml(
    "web01",
    "<devices><tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm></devices>",
)
SWTPM_LINE = (
    " 1300 root     /usr/bin/swtpm socket --ctrl type=unixio,path=/run/libvirt/qemu/swtpm/"
    "1-web01-swtpm.sock --tpmstate dir=/var/lib/libvirt/swtpm/x/tpm2 --tpm2\n"
)
PROCS_SWTPM_ROOT = HARDENED_HOST["processes"][0] + SWTPM_LINE


def _question(a, check_id: str) -> str | None:
    return next(r.outcome.question for r in a.results if r.check.id == check_id)


def test_swtpm_user_missing_from_passwd_is_asked(host_scan) -> None:
    """R28O-1: libvirt src/qemu/qemu_conf.c virQEMUDriverConfigLoadSWTPMEntry reads
    swtpm_user with virGetUserID (src/util/virutil.c), which looks a name up (getpwnam_r)
    before reading it as a number: a name /etc/passwd does not list is an NSS account (the
    hardened host's nsswitch.conf has `passwd: files sss`), possibly uid 0. The VM has an
    emulated TPM, so libvirt starts swtpm for it as that account."""
    a = host_scan({QEMU: QEMU_CONF + 'swtpm_user = "tpmops"\n'}, domains=[VTPM])
    assert outcomes(a, "HVA-042") == {"hv1": "manual"}
    assert messages(a, "HVA-042") == {
        "hv1": "qemu.conf sets swtpm_user = tpmops, which /etc/passwd does not list (an NSS "
        "account, or none): the uid of the TPM emulator of VM(s) web01 is not known"
    }
    assert _question(a, "HVA-042") == (
        "Does `getent passwd tpmops` on host hv1 give an account whose uid is not 0? "
        "Evidence: that command on host hv1. Pass: yes; fail: uid 0, or no such account "
        "(libvirt's QEMU driver then does not start)."
    )


def test_swtpm_group_missing_from_group_file_is_asked(host_scan) -> None:
    """R28O-1: the same for swtpm_group (virGetGroupID, getgrnam_r before a number)."""
    a = host_scan({QEMU: QEMU_CONF + 'swtpm_group = "tpmops"\n'}, domains=[VTPM])
    assert outcomes(a, "HVA-042") == {"hv1": "manual"}
    assert messages(a, "HVA-042") == {
        "hv1": "qemu.conf sets swtpm_group = tpmops, which /etc/group does not list (an NSS "
        "group, or none): the gid of the TPM emulator of VM(s) web01 is not known"
    }
    assert _question(a, "HVA-042") == (
        "Does `getent group tpmops` on host hv1 give a group whose gid is not 0? "
        "Evidence: that command on host hv1. Pass: yes; fail: gid 0, or no such group "
        "(libvirt's QEMU driver then does not start)."
    )


def test_swtpm_default_with_passwd_unread_is_an_error(host_scan) -> None:
    """R28O-2: swtpm_user unset, libvirt runs swtpm as tss only when `virDoesUserExist("tss")`
    and falls back to root otherwise (src/qemu/qemu_conf.c virQEMUDriverConfigNew, "fall back
    to root"): with /etc/passwd unread the running QEMU's account alone passed."""
    a = host_scan({"/etc/passwd": OSError("Permission denied")}, domains=[VTPM])
    assert outcomes(a, "HVA-042") == {"hv1": "error"}
    assert messages(a, "HVA-042") == {
        "hv1": "evidence could not be collected: host/files/etc/passwd: Permission denied"
    }


def test_swtpm_process_running_as_root_fails(host_scan) -> None:
    """R28O-3: the process list shows a swtpm running as root (qemu.conf changed since libvirt
    started it, or swtpm_user an NSS account with uid 0) while QEMU runs as libvirt-qemu: the
    TPM emulator parses every TPM command of the guest (qemu.conf.in "User for the swtpm
    binary"), so it fails as a root QEMU does. The collector already lists swtpm among the VM
    helpers (collect/host.py VM_HELPER); HVA-042 did not read them."""
    a = host_scan({"processes": (PROCS_SWTPM_ROOT, 0)}, domains=[VTPM])
    assert outcomes(a, "HVA-042") == {"hv1": "fail"}
    assert messages(a, "HVA-042") == {
        "hv1": "1 TPM emulator (swtpm) process(es) run as root: 1300 "
        "(VM(s) with an emulated TPM: web01)"
    }


@pytest.mark.parametrize(
    ("extra", "procs"),
    [
        ("", HARDENED_HOST["processes"][0]),
        ('swtpm_user = "tss"\nswtpm_group = "tss"\n', HARDENED_HOST["processes"][0]),
        ('swtpm_user = "+105"\nswtpm_group = "112"\n', HARDENED_HOST["processes"][0]),
        ("", HARDENED_HOST["processes"][0] + SWTPM_LINE.replace("root    ", "tss     ")),
    ],
    ids=["default-tss", "named-tss", "numbers", "swtpm-as-tss"],
)
def test_swtpm_held(host_scan, extra: str, procs: str) -> None:
    """Held: swtpm_user / swtpm_group unset with tss in /etc/passwd and /etc/group, named and
    listed, numbers, and a swtpm running as tss still pass on the running QEMU's account."""
    a = host_scan({QEMU: QEMU_CONF + extra, "processes": (procs, 0)}, domains=[VTPM])
    assert outcomes(a, "HVA-042") == {"hv1": "pass"}
    assert messages(a, "HVA-042") == {"hv1": "1 running QEMU process(es), as libvirt+"}
