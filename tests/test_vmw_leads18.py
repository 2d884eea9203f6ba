"""Leads 18, VMware: leads round 17 left (tests/test_redteam17_vmw_probes.py, tests/
test_vmw_leads16.py "Leads left"): /etc/vmware/settings beyond the eight checks V17-1 withheld.
Sources read with `find_string` / `search`; each finding's test failed on main a43ab20 before
its fix.

Findings:

- L18-3 (false pass): HVA-047 ("no floppy, IDE, sound, ..."), HVA-065 ("vtpm.present = TRUE:
  the VM's own virtual TPM") and HVA-066 ("UEFI Secure Boot with enrolled keys: firmware =
  efi, uefi.secureBoot.enabled = TRUE") passed a VMware VM on keys its own .vmx sets, as the
  eight checks V17-1 withheld did. DISA's vSphere 8 STIG ESXI-80-000236 (V-258791; VCF 9
  VCFE-9X-000232): "a vmx process will look in two locations for configuration items, the
  ESXi host itself and the per-vm *.vmx file ... The settings on the ESXi host are read first
  and take precedence over settings in the *.vmx file": device presence (`sound.present`,
  `floppy0.present`), `vtpm.present`, `firmware` and `uefi.secureBoot.enabled` are such
  configuration items. Now their passes are withheld as HVA-444's question of the host, and
  an attestation answering HVA-444 yes restores them (hvaudit.waivers._answer_host_settings,
  unchanged). Fails stand.

Held (kept as tests): HVA-056 ("VM is not given the host's TPM") passes on vtpm.present =
TRUE: ESXi has no host-TPM passthrough, so no host setting turns the pass; the fails stand
(no vtpm.present, BIOS firmware, a floppy).

Probed by script, not kept: HVA-441's pass on migrate.encryptionMode was left as it is: the
API's VirtualMachineConfigSpecEncryptedVMotionModes ("required: Allow only encrypted vMotion.
If the source or destination host does not support vMotion encryption, do not allow the
vMotion to occur") is applied to the migration by vCenter and the hosts from the VM's
configuration as hostd reports it; whether the vmx process's reading of the host file takes
part was not found (a lead).

Tally: 5 cases; 4 failed on main a43ab20 (the three withheld passes and the attestation that
restores two of them), 1 held.

Leads left (not settled in the time): HVA-441 and /etc/vmware/settings (who reads
migrate.encryptionMode); lead f (config.ptpConfig not collected; a disabled firewall's
defaultPolicy; passwdqc max=/random=; HVA-433/434 vlanOverrideAllowed) was not probed in this
round.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_pvevmw_leads15 import _offline
from test_redteam17_vmw_probes import own_keys

LEGACY_PASS = (
    "no floppy, IDE, sound, USB redirection, smartcard, rtl8139/ne2k/pcnet NIC, cirrus or vmvga "
    "(VMware SVGA) video or USB tablet, mouse or keyboard"
)
KEYS = (
    'virtualHW.version = "19"\nsound.present = "FALSE"\nfloppy0.present = "FALSE"\n'
    'usb.present = "FALSE"\nvtpm.present = "TRUE"\nfirmware = "efi"\n'
    'uefi.secureBoot.enabled = "TRUE"\n'
)


@pytest.mark.parametrize(
    ("check", "was"),
    [
        ("HVA-047", LEGACY_PASS),
        ("HVA-065", "vtpm.present = TRUE: the VM's own virtual TPM"),
        (
            "HVA-066",
            "UEFI Secure Boot with enrolled keys: firmware = efi, uefi.secureBoot.enabled = TRUE",
        ),
    ],
)
def test_l18_3_own_keys_ask_the_host_settings_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], check: str, was: str
) -> None:
    """Was pass `was`. ESXI-80-000236: the host's /etc/vmware/settings is read first and its
    "configuration items" take precedence over the .vmx's: `sound.present = "TRUE"` there
    adds a sound card, `uefi.secureBoot.enabled = "FALSE"` turns Secure Boot off for every
    VM. Right: the host's question (V17-1's form), the pass withheld."""
    from hvaudit.checks.vmware import settings_question

    got = _offline(tmp_path, capsys, {"a1": KEYS}, check)
    assert got == [
        ("a1", *own_keys(("pass", was), "offline-vmx"), settings_question("offline-vmx"))
    ]


def test_l18_3_held_host_tpm_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Held: HVA-056's pass does not rest on the key (ESXi passes no host TPM to a VM); a VM
    without the keys still fails HVA-047 (the floppy a .vmx without floppy0.present keeps),
    HVA-065 and HVA-066."""
    got = {}
    for check in ("HVA-056", "HVA-047", "HVA-065", "HVA-066"):
        (tmp_path / check).mkdir()
        for name, status, message, _ in _offline(
            tmp_path / check, capsys, {"a1": KEYS, "b2": 'virtualHW.version = "19"\n'}, check
        ):
            got[(check, name)] = (status, message)
    assert got[("HVA-056", "a1")] == ("pass", "vtpm.present = TRUE: a virtual TPM of the VM's own")
    assert got[("HVA-047", "b2")] == ("fail", "emulated legacy devices: floppy drive")
    assert got[("HVA-065", "b2")] == ("fail", "no virtual TPM (no vtpm.present = TRUE)")
    assert got[("HVA-066", "b2")] == ("fail", "BIOS firmware: no Secure Boot")


def test_l18_3_attested_empty_restores_the_passes(tmp_path: Path) -> None:
    """One HVA-444 "yes" for host esx1 restores the withheld passes of L18-3, naming the
    attestation (hvaudit.waivers._answer_host_settings)."""
    from test_redteam13_vmw_probes import _vsphere
    from test_redteam17_vmw_probes import BY, _attest, _host

    a = _vsphere(tmp_path, _host("VMware ESXi 8.0.2"), vmx='displayName = "vm-1"\n' + KEYS)
    before = {r.check.id: r.status.value for r in a.results if r.check.id in ("HVA-065", "HVA-066")}
    assert before == {"HVA-065": "manual", "HVA-066": "manual"}
    _attest(a, tmp_path, "yes")
    said = (
        f"/etc/vmware/settings on host esx1 empty, attested ('yes' to HVA-444) by {BY} on "
        "2026-12-01 (stat -c %s /etc/vmware/settings: 0); observed: "
    )
    got = {
        r.check.id: (r.status.value, r.outcome.message)
        for r in a.results
        if r.check.id in ("HVA-065", "HVA-066")
    }
    assert got == {
        "HVA-065": ("pass", f"{said}vtpm.present = TRUE: the VM's own virtual TPM"),
        "HVA-066": (
            "pass",
            f"{said}UEFI Secure Boot with enrolled keys: firmware = efi, "
            "uefi.secureBoot.enabled = TRUE",
        ),
    }
