"""Red team 20, Proxmox VE: qm.conf values as qemu-server's parse_vm_config checks them.

Probed: property strings of the keys the model takes for a setting in force (machine, vga,
amd-sev, intel-tdx, efidisk0, tpmstate0) written so that qemu-server's schema refuses them, and
quoted values of plain string keys (ostype, bios, arch). Sources from github:proxmox/qemu-server
e6352be and pve-common f665029, read with `fetch`.

Findings (each pinned below):

- P20-1 (false pass): qemu-server's parse_vm_config passes each value through check_type
  (src/PVE/QemuServer.pm), which for a key with a format runs pve-common's check_format ->
  parse_property_string (src/PVE/JSONSchema.pm); a value it refuses is warned about and
  dropped ("unable to parse value of '$key'"), so the key's default applies. parse_property_
  string refuses a key the format lacks (keys are not trimmed: `type=std, no-debug=1` has the
  key ` no-debug`), a key given twice or a second value of the default key, and check_object a
  required key missing, a value outside its enum or range, or a machine type not matching its
  pattern (anchored, case-sensitive: `Q35`, `q35-8.1`). hvaudit read the keys it could and
  kept them: `machine: q35,viommu=bogus` (Machine.pm $machine_fmt enum intel/virtio) passed
  HVA-047 "no floppy" and HVA-066's store question where QEMU runs the default i440FX board
  (floppy controller, OVMF without SMM); `vga: qxl,memory=9999` ($vga_fmt memory 4..512) and
  `vga: serial0,type=serial0` turned the USB tablet off (HVA-047 pass) where the default std
  display keeps it; `amd-sev: type=std, no-debug=1` passed HVA-067 "launch security sev"
  where the VM runs without SEV (and `intel-tdx: type=tdx` "launch security tdx", though
  $tdx_fmt requires `attestation`); `tpmstate0: ...,version=v3.0` (%tpmversion_fmt enum
  v1.2/v2.0) passed HVA-065 and HVA-056 "the VM's own swtpm" where the VM has no TPM;
  `efidisk0: ...,efitype=4M` (enum 2m/4m) kept HVA-066's store question where OVMF gets a
  temporary store without keys. Now parse_qemu_config checks these keys' formats
  (hvaudit.parse.proxmox._QM_FORMATS, property_string_error) and drops a refused value with a
  note naming why; the verdicts are those of the default.
- P20-2 (false pass, and a wrong fail): check_type unquotes a plain string key (type string, no
  format: `$value =~ s/^\"(.*)\"$/$1/`) and checks no enum, so `ostype: "wxp"` is wxp: without
  `vga` its default display is cirrus (get_vga_properties, P16-1), where hvaudit read the quoted
  text as no Windows and passed HVA-047; `bios: "ovmf"` is OVMF, where hvaudit failed HVA-066
  "BIOS firmware". Such values (ostype, bios, arch, hugepages, scsihw) are unquoted now.

Held (kept as tests): the hardened VM's own values (machine q35, vga std, efidisk0 and
tpmstate0 as Proxmox VE writes them) and `amd-sev: type=std,no-debug=1` (no blank) keep their
verdicts; a qxl display with a valid memory size still turns the tablet off.

Probed by script, not kept (the verdict was right): `amd-sev: no-debug=1` (no type: hvaudit
already read no SEV); `arch: "aarch64"` was already TCG (the quoted text is not the node's
architecture), only its emulator's name carried the quotes.

Tally: 16 cases; 13 failed on main 334ee42 before the fixes, 3 held. test_redteam12's P12-4
case now writes `intel-tdx: type=tdx,attestation=1`, as pve-manager's TdxEdit.js does.

Leads left (not settled in the time): the other formatted keys (netN, hostpciN, usbN, serialN,
rng0, virtiofsN, agent, spice_enhancements, cpu, memory, disks) are still read without their
schema; a refused netN, hostpciN or usbN only removes a device, so hvaudit errs on the fail
side, but a refused `cpu` (kvm64 by default) or `rng0` may change a verdict either way;
intel-tdx's `attestation` has no `optional` in CPUConfig.pm since bd034787 (2025-11-17), so a
`intel-tdx: type=tdx` without it is refused there and read so here, while the qemu-server
between db96e126 (2025-10-28, TDX added) and that commit takes it (a wrong fail of HVA-067 at
worst on such a node); integer keys (balloon, shares, cpuunits) are read with Python's int(),
which takes `0_0` and non-ASCII digits that check_type's `m/^(\\d+)$/` refuses.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan

VM200 = (PVE_HARDENED / "etc/pve/qemu-server/200.conf").read_text()
CONF = "etc/pve/qemu-server/200.conf"
NO_LEGACY = (
    "no floppy, IDE, sound, USB redirection, smartcard, rtl8139/ne2k/pcnet NIC, cirrus or vmvga "
    "(VMware SVGA) video or USB tablet, mouse or keyboard"
)
I440FX_OVMF = (
    "UEFI OVMF_CODE_4M.fd on an i440FX machine (no SMM): the guest OS can rewrite the variable "
    "store, so Secure Boot is not protected"
)


# --- P20-1: a property string qemu-server's schema refuses is dropped --------------------------------


@pytest.mark.parametrize(
    "machine",
    ["q35,viommu=bogus", "Q35", "q35-8.1", "q35, viommu=intel"],
    ids=["viommu-enum", "upper-case", "no-pc-prefix", "blank-key"],
)
def test_p20_1_refused_machine_is_i440fx(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], machine: str
) -> None:
    """qemu-server Machine.pm $machine_fmt: `type` pattern `(pc|...|q35|pc-q35-\\d+(\\.\\d+)+
    ...)` (check_prop `m/^$pattern$/`, case-sensitive), viommu enum intel/virtio; a key is the
    text before `=` untrimmed (parse_property_string `m/^([^=]+)=(.+)$/`, then "invalid key").
    The machine is dropped and the default i440FX board runs, with its floppy controller and
    OVMF_CODE_4M.fd without SMM. Was pass (HVA-047) and the store question (HVA-066)."""
    conf = VM200.replace("machine: q35", f"machine: {machine}")
    report = pve_scan(tmp_path, capsys, {CONF: conf})
    assert pve_result(report, "HVA-047", "web-10") == (
        "fail",
        "emulated legacy devices: floppy controller (i440FX machine)",
    )
    assert pve_result(report, "HVA-066", "web-10") == ("fail", I440FX_OVMF)
    assert any(
        "machine:" in n and "refused by qemu-server's schema" in n for n in report["notes"]
    ), report["notes"]


@pytest.mark.parametrize(
    "vga",
    ["qxl,memory=9999", "serial0,type=serial0", "qxl ,memory=16"],
    ids=["memory-range", "default-key-twice", "blank-in-type"],
)
def test_p20_1_refused_vga_keeps_the_tablet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], vga: str
) -> None:
    """QemuServer.pm $vga_fmt: memory 4..512, `type` the default key (a second value of it:
    "duplicate key"), an enum without `qxl ` (a trailing blank). Refused, the display is std,
    which keeps the USB tablet (config_to_command turns it off for qxl and serialN only). Was
    pass "no ... USB tablet"."""
    conf = VM200.replace("vga: std", f"vga: {vga}").replace("tablet: 0\n", "")
    report = pve_scan(tmp_path, capsys, {CONF: conf})
    assert pve_result(report, "HVA-047", "web-10") == (
        "fail",
        "emulated legacy devices: USB tablet",
    )


def test_p20_1_held_valid_qxl_drops_the_tablet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held twin: `vga: qxl,memory=16` is valid; qxl turns the tablet off: HVA-047 passes."""
    conf = VM200.replace("vga: std", "vga: qxl,memory=16").replace("tablet: 0\n", "")
    report = pve_scan(tmp_path, capsys, {CONF: conf})
    assert pve_result(report, "HVA-047", "web-10") == ("pass", NO_LEGACY)


@pytest.mark.parametrize(
    "line",
    ["amd-sev: type=std, no-debug=1", "intel-tdx: type=tdx"],
    ids=["sev-blank-key", "tdx-without-attestation"],
)
def test_p20_1_refused_sev_is_no_sev(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str
) -> None:
    """CPUConfig.pm $sev_fmt has `no-debug`, not ` no-debug`: `amd-sev: type=std, no-debug=1`
    is refused and the VM runs without SEV. $tdx_fmt's `attestation` has no `optional`
    (check_prop: "property is missing and it is not optional"): `intel-tdx: type=tdx` alone is
    refused (pve-manager's TdxEdit.js always writes the key). Was pass "launch security sev"
    ("tdx")."""
    report = pve_scan(tmp_path, capsys, {CONF: VM200 + line + "\n"})
    assert pve_result(report, "HVA-067", "web-10") == (
        "manual",
        "no amd-sev or intel-tdx: guest memory is readable by the host",
    )


def test_p20_1_held_valid_sev(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Held twin: `amd-sev: type=std,no-debug=1` is valid: HVA-067 passes."""
    report = pve_scan(tmp_path, capsys, {CONF: VM200 + "amd-sev: type=std,no-debug=1\n"})
    assert pve_result(report, "HVA-067", "web-10") == ("pass", "launch security sev")


def test_p20_1_refused_tpmstate_is_no_tpm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Drive.pm %tpmversion_fmt: version enum v1.2, v2.0. `version=v3.0` is refused: the VM has
    no TPM. Was pass (HVA-065 "per-VM emulated TPM", HVA-056 "the VM's own swtpm")."""
    conf = VM200.replace("version=v2.0", "version=v3.0")
    report = pve_scan(tmp_path, capsys, {CONF: conf})
    assert pve_result(report, "HVA-065", "web-10") == ("fail", "no virtual TPM (no tpmstate0)")
    assert pve_result(report, "HVA-056", "web-10") == (
        "not_applicable",
        "no TPM device (no tpmstate0)",
    )


def test_p20_1_refused_efidisk_is_no_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Drive.pm %efitype_fmt: efitype enum 2m, 4m (eq, case-sensitive). `efitype=4M` is refused:
    OVMF runs with a temporary variable store. Was the store question."""
    conf = VM200.replace("efitype=4m", "efitype=4M")
    report = pve_scan(tmp_path, capsys, {CONF: conf})
    assert pve_result(report, "HVA-066", "web-10") == (
        "fail",
        "UEFI OVMF without efidisk0: a temporary variable store without keys",
    )


def test_p20_1_held_hardened_vm(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Held: the hardened VM's values as Proxmox VE writes them are all taken (no note)."""
    report = pve_scan(tmp_path, capsys, {})
    assert pve_result(report, "HVA-047", "web-10") == ("pass", NO_LEGACY)
    assert pve_result(report, "HVA-065", "web-10")[0] == "pass"
    assert not [n for n in report["notes"] if "refused by qemu-server's schema" in n]


# --- P20-2: check_type unquotes a plain string ----------------------------------------------------


def test_p20_2_quoted_ostype_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """QemuServer.pm check_type: a string without format is unquoted (`s/^\\"(.*)\\"$/$1/`), so
    `ostype: "wxp"` is wxp, whose default display is cirrus (P16-1). Was pass."""
    conf = VM200.replace("ostype: l26", 'ostype: "wxp"').replace("vga: std\n", "")
    report = pve_scan(tmp_path, capsys, {CONF: conf})
    assert pve_result(report, "HVA-047", "web-10") == (
        "fail",
        "emulated legacy devices: cirrus video (qemu-server's default for ostype wxp without a "
        "vga type)",
    )


def test_p20_2_quoted_bios_is_ovmf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Likewise `bios: "ovmf"` is OVMF: HVA-066 keeps the store question. Was fail "BIOS
    firmware: no Secure Boot" (a wrong fail)."""
    # the flash protected (P23C-1), so that the store is the question
    secure = "args: -global driver=cfi.pflash01,property=secure,value=on\n"
    conf = VM200.replace("bios: ovmf", 'bios: "ovmf"') + secure
    report = pve_scan(tmp_path, capsys, {CONF: conf})
    status, msg = pve_result(report, "HVA-066", "web-10")
    assert status == "manual"
    assert msg.startswith("UEFI Secure Boot with enrolled keys: OVMF efidisk0 efitype=4m"), msg
