"""R13 lead: OVMF's EnableLegacyLoader fw_cfg entry is kept in the bundle when it is a boolean.

The bundle writer blanked every fw_cfg value (<sysinfo type='fwcfg'> entries and raw `-fw_cfg
name=...,string=...`: hvaudit.redact), since a value may be provisioning data (an Ignition
config). So HVA-066 could never read a definition's opt/org.tianocore/EnableLegacyLoader, the
switch of OVMF's legacy Linux loader (edk2 OvmfPkg/RUNTIME_CONFIG.md), and asked of a VM that
turns the loader on the same question as of one that turns it off. OVMF reads that entry with
QemuFwCfgParseBool, which takes only twelve words (QemuFwCfgSimpleParser.c mTrueString: true,
yes, y, enable, enabled, 1; mFalseString: false, no, n, disable, disabled, 0; compared
case-insensitively): such a value is no secret. Now that entry's value is kept when it is one
of those words; any other value of it, and every other entry's value, stays redacted. A VM that
boots a kernel directly with the loader turned on fails HVA-066: the legacy loader runs on any
firmware (one older than the option always runs it).

Real pipeline: libvirt's test driver, the real collector and bundle writer (redaction), parser
and engine; the raw `-fw_cfg` form as a daemon with the QEMU driver reports it
(tests/test_redteam10_vm_probes._replayed_on).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HARDENED_HOST, build_bundle, domain_xml, run_assessment, write_node
from hvaudit.bundle import Bundle
from test_redteam3_vm_probes import QEMU_NS, verdict
from test_redteam10_vm_probes import _replayed_on
from test_redteam13_vm_probes import ASKED, KERNEL, PLAIN_OS, SB_OS

LOADER = "opt/org.tianocore/EnableLegacyLoader"


def _entries(*pairs: tuple[str, str]) -> str:
    return (
        "<sysinfo type='fwcfg'>"
        + "".join(f"<entry name='{n}'>{v}</entry>" for n, v in pairs)
        + "</sysinfo>"
    )


def test_the_legacy_loader_switch_is_kept_and_every_other_value_redacted(tmp_path: Path) -> None:
    """Before: every value was ***REDACTED***, the boolean switch too."""
    body = _entries(
        (LOADER, "no"),
        ("opt/com.example/ignition", "MkIgnitionZz"),
        ("opt/com.example/flag", "no"),
    )
    odd = _entries((LOADER, "MkNotABooleanZz"))
    uri = write_node(
        tmp_path / "n.xml", [domain_xml("knob", body=body), domain_xml("odd", body=odd)]
    )
    bundle = Bundle.open(build_bundle(tmp_path, uri, HARDENED_HOST, name="b"))
    texts = {
        name: bundle.text(path)
        for path in bundle.files
        if path.startswith("libvirt/domains/") and path.endswith(".xml")
        for name in ("knob", "odd")
        if f"<name>{name}</name>" in bundle.text(path)
    }
    assert f"<entry name='{LOADER}'>no</entry>" in texts["knob"]
    assert "<entry name='opt/com.example/ignition'>***REDACTED***</entry>" in texts["knob"]
    # the same word under another name is that entry's data: redacted
    assert "<entry name='opt/com.example/flag'>***REDACTED***</entry>" in texts["knob"]
    assert f"<entry name='{LOADER}'>***REDACTED***</entry>" in texts["odd"]
    assert not any("Mk" in t and "Zz" in t for t in texts.values())


@pytest.mark.parametrize(
    ("value", "status", "tail"),
    [
        (
            "yes",
            "fail",
            "; but the VM boots kernel /var/lib/libvirt/boot/vmlinuz (<os><kernel>) directly and "
            f"sets {LOADER} to 'yes': OVMF's legacy Linux loader starts it without Secure Boot "
            "verification when verification fails",
        ),
        (
            "Enabled",
            "fail",
            "; but the VM boots kernel /var/lib/libvirt/boot/vmlinuz (<os><kernel>) directly and "
            f"sets {LOADER} to 'Enabled': OVMF's legacy Linux loader starts it without Secure "
            "Boot verification when verification fails",
        ),
        (
            "0",
            "manual",
            "; but the VM boots kernel /var/lib/libvirt/boot/vmlinuz (<os><kernel>) directly, "
            "which OVMF's legacy Linux loader starts without Secure Boot verification when "
            f"verification fails (the VM sets {LOADER} to '0')",
        ),
    ],
)
def test_a_direct_kernel_with_the_legacy_loader_on_fails(
    tmp_path: Path, value: str, status: str, tail: str
) -> None:
    """Before: a question whatever the VM set ("its value redacted from the bundle"), whose
    pass answer a firmware that has the option would give for the store alone. Turned on, the
    legacy loader boots a kernel that fails verification on every firmware: a fail. Turned
    off, the firmware's build still decides (an OVMF older than the option ignores it)."""
    xml = domain_xml("sbknob", body=_entries((LOADER, value))).replace(
        PLAIN_OS, SB_OS.format(boot=KERNEL)
    )
    uri = write_node(tmp_path / "n.xml", [xml])
    a = run_assessment(build_bundle(tmp_path, uri, HARDENED_HOST, name="b"))
    assert verdict(a, "HVA-066", "sbknob") == (status, ASKED + tail)


def test_a_raw_fw_cfg_turning_the_loader_on_fails(tmp_path: Path) -> None:
    """The raw form, `-fw_cfg name=opt/org.tianocore/EnableLegacyLoader,string=on-word`
    (qemu-options.hx `-fw_cfg [name=]name,string=str`), beside a raw `-kernel`."""
    xml = (
        f"<domain type='kvm' xmlns:qemu='{QEMU_NS}'><name>rawon</name>"
        "<uuid>6a2f1c2e-0000-4000-8000-000000001466</uuid><memory unit='MiB'>1024</memory>"
        "<vcpu>1</vcpu><os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type>"
        "<loader readonly='yes' secure='yes' type='pflash'>"
        "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd</loader>"
        "<nvram template='/usr/share/OVMF/OVMF_VARS_4M.ms.fd'>"
        "/var/lib/libvirt/qemu/nvram/rawon_VARS.fd</nvram></os>"
        "<features><smm state='on'/></features><qemu:commandline>"
        "<qemu:arg value='-kernel'/><qemu:arg value='/srv/boot/vmlinuz-custom'/>"
        "<qemu:arg value='-fw_cfg'/>"
        f"<qemu:arg value='name={LOADER},string=y'/>"
        "<qemu:arg value='-fw_cfg'/><qemu:arg value='name=opt/x,string=MkRawFwcfgZz'/>"
        "</qemu:commandline></domain>"
    )
    a = run_assessment(_replayed_on(tmp_path, HARDENED_HOST, {"rawon": xml}))
    assert verdict(a, "HVA-066", "rawon") == (
        "fail",
        "UEFI Secure Boot with enrolled keys: loader OVMF_CODE_4M.secboot.fd with template "
        "OVMF_VARS_4M.ms.fd (keys enrolled); the VM's variable store was created from that "
        "template, whether Secure Boot is on now is in the store; but the VM boots kernel "
        "/srv/boot/vmlinuz-custom (QEMU argument -kernel /srv/boot/vmlinuz-custom) directly and "
        f"sets {LOADER} to 'y': OVMF's legacy Linux loader starts it without Secure Boot "
        "verification when verification fails",
    )
    assert verdict(a, "HVA-046", "rawon")[1].count("MkRawFwcfgZz") == 0
