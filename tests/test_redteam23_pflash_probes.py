"""Red team round 23 (P23C): a Proxmox VE Secure Boot VM's UEFI variable store (HVA-066).

Harness: the hardened Proxmox VE node's tree (tests/fixtures/proxmox-hardened) scanned offline
with web-10's qm.conf replaced (test_redteam2_probes.pve_scan); web-10 is `bios: ovmf`,
`machine: q35`, `efidisk0: ...,efitype=4m,pre-enrolled-keys=1`.

Findings (P23C-n):
- P23C-1 (false pass) HVA-066: a q35 Proxmox VE VM with the Secure Boot keys template was the
  store question (manual: "Pass: Secure Boot enabled with the template's keys"), but its
  variable store is flash the guest OS may rewrite. SMM guards the store only where QEMU refuses
  flash writes from outside SMM, cfi.pflash01's `secure` property, and nothing in Proxmox VE
  turns it on. Sources, all read with `fetch`: qemu-server e6352be6 (`git grep -i "cfi\\|
  pflash01\\|property=secure"` over the whole tree finds nothing; OVMF.pm print_ovmf_commandline
  gives only `-blockdev` pflash0/pflash1 and `-machine pflash0=...,pflash1=...`; its own
  expected command line src/test/cfg2cmd/efi-secboot-and-tpm-q35.conf.cmd has
  OVMF_CODE_4M.secboot.fd and no `-global` for the flash; pve-q35-4.0.cfg has none either);
  pve-qemu b4321283 (debian/patches: no patch names pflash or the property); pve-edk2-firmware
  cb8a6609 (debian/rules: OVMF_CODE_4M.secboot.fd is built with `-DSMM_REQUIRE=TRUE`, so SMM is
  there but relies on the flash lock). QEMU (read with `read_file`, qemu/qemu
  hw/block/pflash_cfi01.c): `DEFINE_PROP_BIT("secure", PFlashCFI01, features, PFLASH_SECURE,
  0)`, and pc_sysfw.c pc_pflash_create (read with `find_string`) sets sector-length, width and
  name, never `secure`; pflash_mem_write_with_attrs refuses a write only `if ((pfl->features &
  (1 << PFLASH_SECURE)) && !attrs.secure)` (R23M-3). libvirt adds `-global driver=cfi.pflash01,
  property=secure,value=on` for an SMM loader, and systemd vmspawn sets it too (systemd pull
  request #41484, read with `search`: "SMM is required for secure boot as it prevents the guest
  from writing directly to the pflash, bypassing UEFI variable protections"). Now: a q35 VM
  fails unless its `args:` turns the property on (the last `-global` setting it decides, as
  R23M-3 reads it), in which case the store is the question, as before.

Held (kept as tests):
- q35 with `args: -global driver=cfi.pflash01,property=secure,value=on`: the store question.

Probed by script, not kept: i440FX (already failed: OVMF_CODE_4M.fd without SMM, P12-1);
amd-sev/intel-tdx images (already failed or the image question).

Tally: 6 cases in 2 test functions; 5 failed on main d58f6b3 before the fix: 3 were manual
there (the false pass), the 2 with `args:` setting the property off already failed there, by
R23M-3's message; the held case passed there.

Decision for the team: no qm.conf key sets the property, so a Proxmox VE VM passes neither
HVA-066 nor HVA-046 (raw `args:` fail, high) at once; the hardened fixture keeps no `args:`
and now fails HVA-066 (low). An allowance in HVA-046 for this one `-global` would let a
Proxmox VE node be clean; that is a change to HVA-046 not made here.

Leads left (not settled in the time):
- aarch64 Proxmox VE VMs (AAVMF_CODE.secboot.fd, built with AAVMF_SECBOOT_FLAGS, no SMM on
  Arm): the store is likely guest-writable too; they stay the store question.
- libvirt VMs whose loader is not SMM-protected (no <loader secure='yes'>) but whose template
  has keys: not re-probed this round.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_redteam2_probes import PVE_HARDENED, pve_result
from test_redteam2_probes import pve_scan as dir_scan

VM200 = (PVE_HARDENED / "etc/pve/qemu-server/200.conf").read_text()

UNPROTECTED = (
    ": QEMU takes flash writes from outside SMM, the guest OS can rewrite the variable store, "
    "so Secure Boot is not protected"
)
NONE_SET = (
    "no -global driver=cfi.pflash01,property=secure,value=on (qemu-server adds none, and "
    "QEMU's default is off)"
)


def _vm(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> dict:
    return dir_scan(tmp_path, capsys, {"etc/pve/qemu-server/200.conf": text})


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        ("", NONE_SET),
        ("machine: q35\n>machine: pc-q35-9.0\n", NONE_SET),
        # the short form's driver ends at the first dot: driver `cfi` (qdev-monitor.c)
        ("args: -global cfi.pflash01.secure=on\n", NONE_SET),
        (
            "args: -global driver=cfi.pflash01,property=secure,value=off\n",
            "args sets -global driver=cfi.pflash01,property=secure,value=off",
        ),
        (
            "args: -global driver=cfi.pflash01,property=secure,value=on "
            "-global driver=cfi.pflash01,property=secure,value=no\n",
            "args sets -global driver=cfi.pflash01,property=secure,value=no",
        ),
    ],
    ids=["no-args", "q35-pinned", "short-form-other-driver", "value-off", "later-no-wins"],
)
def test_p23c_1_q35_secure_boot_with_unprotected_flash_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: str, said: str
) -> None:
    """Was manual (the store question, which "Secure Boot enabled" passes). qemu-server puts no
    `-global driver=cfi.pflash01,property=secure,value=on` on the command line (qemu-server
    e6352be6, `git grep` of the tree and its expected command line
    src/test/cfg2cmd/efi-secboot-and-tpm-q35.conf.cmd, read with `fetch`); QEMU's
    `DEFINE_PROP_BIT("secure", PFlashCFI01, features, PFLASH_SECURE, 0)` (hw/block/
    pflash_cfi01.c, read with `read_file`) leaves it off, and pve-qemu b4321283 carries no patch
    to the flash (read with `fetch`): the guest OS writes the store, SMM or not."""
    if edit.startswith("machine:"):
        old, new = edit.split(">")
        conf = VM200.replace(old, new)
    else:
        conf = VM200 + edit
    status, message = pve_result(_vm(tmp_path, capsys, conf), "HVA-066", "web-10")
    assert (status, message) == (
        "fail",
        f"UEFI OVMF_CODE_4M.secboot.fd on q35 with SMM, but {said}{UNPROTECTED}",
    )


def test_p23c_held_q35_with_flash_protected_is_the_store_question(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: with `args: -global driver=cfi.pflash01,property=secure,value=on` QEMU refuses
    flash writes from outside SMM (pflash_mem_write_with_attrs), which OVMF_CODE_4M.secboot.fd
    (`-DSMM_REQUIRE=TRUE`, pve-edk2-firmware debian/rules, read with `fetch`) needs; what the
    store holds is the question."""
    conf = VM200 + "args: -global driver=cfi.pflash01,property=secure,value=on\n"
    status, message = pve_result(_vm(tmp_path, capsys, conf), "HVA-066", "web-10")
    assert (status, message) == (
        "manual",
        "UEFI Secure Boot with enrolled keys: OVMF efidisk0 efitype=4m, pre-enrolled-keys=1; "
        "the VM's variable store was created from that template, whether Secure Boot is on "
        "now is in the store",
    )
