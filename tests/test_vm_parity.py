"""Parity of the VM checks HVA-031, 049, 056, 057, 058, 059, 064, 065, 066 and 067 on Proxmox VE and
VMware: each judged from the platform's own VM evidence (qm.conf keys, .vmx keys), through the
real collectors and parsers (pve+dir://, vmx+dir://), with the exact status and message part per
subject. Before, these checks ran on libvirt only, so a Proxmox VM with `cpu: host`, ivshmem,
virtiofs, scsiblock or `args: -vnc` and a .vmx with vhv.enable or RemoteDisplay.vnc got no
verdict at all. Sources are in each check's docstring (qm.conf(5) in pve-docs, qemu-server's
QemuServer.pm and CPUConfig.pm, VMware's documentation)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from hvaudit.cli import main
from test_manual_questions import shape_problems

FIXTURES = Path(__file__).parent / "fixtures"
PVE = FIXTURES / "proxmox-hardened"
WEB10 = "etc/pve/qemu-server/200.conf"


def _report(target: str, capsys: pytest.CaptureFixture[str]) -> dict:
    main(["scan", "--connect", target, "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    report: dict = json.loads(out)
    return report


def _result(report: dict, check_id: str, subject: str) -> dict:
    found: dict = next(
        r for r in report["results"] if (r["check_id"], r["subject"]["name"]) == (check_id, subject)
    )
    return found


def pve(tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: str) -> dict:
    """The hardened node with web-10's qm.conf edited: `-key` drops a line starting with `key:`,
    `key: value` replaces that key's line or adds it."""
    tree = Path(shutil.copytree(PVE, tmp_path / "pve"))
    conf = tree / WEB10
    lines = conf.read_text().splitlines()
    for change in edit.split("\n"):
        key = change.lstrip("-").split(":", 1)[0].strip()
        lines = [line for line in lines if not line.startswith(f"{key}:")]
        if not change.startswith("-"):
            lines.append(change)
    conf.write_text("\n".join(lines) + "\n")
    return _report(f"pve+dir://{tree}", capsys)


# --- Proxmox VE ----------------------------------------------------------------------------------

PVE_CASES = [
    # HVA-049: qm.conf cpu (CPUConfig.pm): host/max follow the node's KVM nesting, which a copied
    # tree does not show; nested-virt flags decide; a custom model's file was not read
    ("HVA-049", "cpu: host", "manual", "cpu: host passes the host's vmx/svm through"),
    ("HVA-049", "cpu: max", "manual", "cpu: max passes the host's vmx/svm through"),
    ("HVA-049", "cpu: x86-64-v2-AES,flags=+nested-virt", "fail", "cpu flags +nested-virt"),
    ("HVA-049", "cpu: host,flags=-nested-virt", "pass", "cpu flags -nested-virt"),
    ("HVA-049", "cpu: custom-lab", "manual", "cpu: custom-lab is defined in"),
    ("HVA-049", "-cpu", "pass", "cpu: kvm64 (a named model"),
    ("HVA-049", "-cpu\nkvm: 0", "fail", "kvm: 0 runs the VM under TCG, and cpu qemu64 carries"),
    # HVA-031: qemu-server's own consoles are UNIX sockets / localhost; raw -vnc decides
    ("HVA-031", "args: -vnc 0.0.0.0:77", "fail", "QEMU argument -vnc 0.0.0.0:77: a VNC server"),
    ("HVA-031", "args: -vnc 127.0.0.1:77", "pass", "QEMU argument -vnc 127.0.0.1:77: loopback"),
    ("HVA-031", "vga: qxl", "pass", "console(s) reachable only from the host"),
    ("HVA-031", "args: -serial tcp::4444,server=on,wait=off", "fail", "TCP server on every"),
    ("HVA-031", "args: -spice port=5930,disable-ticketing=on", "fail", "without authentication"),
    # HVA-056: no TPM passthrough in qm.conf; raw -tpmdev passthrough
    ("HVA-056", "args: -tpmdev passthrough,id=tpm0,path=/dev/tpm0", "fail", "-tpmdev passthrough"),
    ("HVA-056", "-tpmstate0", "not_applicable", "no TPM device (no tpmstate0)"),
    # HVA-057: ivshmem maps /dev/shm/pve-shm-<name|vmid> shared
    ("HVA-057", "ivshmem: size=32,name=lg", "fail", "ivshmem /dev/shm/pve-shm-lg"),
    ("HVA-057", "ivshmem: size=32", "fail", "ivshmem /dev/shm/pve-shm-200"),
    ("HVA-057", "args: -device ivshmem-plain,memdev=m", "fail", "-device ivshmem-plain"),
    # HVA-058: virtiofs shares a mapping's directory; raw 9p with passthrough ownership
    ("HVA-058", "virtiofs0: dirid=data,cache=auto", "manual", "writable virtiofs dirid=data"),
    (
        "HVA-058",
        "args: -virtfs local,path=/srv,mount_tag=s,security_model=passthrough",
        "fail",
        "writable 9p share(s) with passthrough ownership: QEMU argument -virtfs",
    ),
    (
        "HVA-058",
        "args: -virtfs local,path=/srv,mount_tag=s,security_model=mapped-xattr",
        # a share all the same, with the guest's ownership mapped (R8-8: was n/a)
        "pass",
        "shared directories read-only or with mapped ownership: /srv",
    ),
    # HVA-059: scsiblock=1 is SG_IO passthrough from QEMU running as root
    (
        "HVA-059",
        "scsi1: /dev/disk/by-id/wwn-0x5000c500a1b2c3d4,scsiblock=1",
        "fail",
        "scsiblock=1 on /dev/disk/by-id/wwn-0x5000c500a1b2c3d4: every SCSI command",
    ),
    (
        "HVA-059",
        "scsi1: /dev/disk/by-id/wwn-0x5000c500a1b2c3d4",
        "not_applicable",
        "no SCSI LUN passed through (no scsiblock=1)",
    ),
    # HVA-064: qemu-server's binary per architecture; a copied tree has no package list to
    # show a package installed it, so the path is asked about (R48S-1)
    ("HVA-064", "arch: aarch64", "manual", "emulator /usr/bin/qemu-system-aarch64, but the"),
    ("HVA-064", "-arch", "manual", "emulator /usr/bin/kvm, but the host's package list"),
    # HVA-065: tpmstate0 is the VM's swtpm
    ("HVA-065", "-tpmstate0", "fail", "no virtual TPM (no tpmstate0)"),
    (
        "HVA-065",
        "tpmstate0: local-lvm:vm-200-disk-2,version=v2.0",
        "pass",
        "per-VM emulated TPM (swtpm, tpm",
    ),
    # HVA-066: OVMF, efitype=4m and pre-enrolled-keys=1 (QemuServer.pm get_ovmf_files)
    (
        "HVA-066",
        "efidisk0: local-lvm:vm-200-disk-0,pre-enrolled-keys=1",
        "fail",
        "OVMF with efitype=2m: no Secure Boot template",
    ),
    (
        "HVA-066",
        "efidisk0: local-lvm:vm-200-disk-0,efitype=4m",
        "fail",
        "OVMF efidisk0 without pre-enrolled-keys=1",
    ),
    ("HVA-066", "-efidisk0", "fail", "OVMF without efidisk0: a temporary variable store"),
    ("HVA-066", "-bios", "fail", "BIOS firmware: no Secure Boot"),
    # q35 with the keys template: qemu-server leaves cfi.pflash01's secure property at QEMU's
    # default (off), so the guest OS rewrites the store (P23C-1); with `args:` turning it on,
    # the store settles it (qm.conf(5): "can still be turned off from within the VM")
    ("HVA-066", "-cpu", "fail", "OVMF_CODE_4M.secboot.fd on q35 with SMM, but no -global"),
    (
        "HVA-066",
        "args: -global driver=cfi.pflash01,property=secure,value=on",
        "manual",
        "OVMF efidisk0 efitype=4m, pre-enrolled-keys=1; the VM's",
    ),
    # HVA-067: amd-sev no-debug defaults to 0 (debugging allowed); intel-tdx
    ("HVA-067", "amd-sev: type=std", "fail", "launch security sev with no-debug=0"),
    ("HVA-067", "amd-sev: snp", "fail", "launch security sev-snp with no-debug=0"),
    ("HVA-067", "amd-sev: type=es,no-debug=1", "pass", "launch security sev-es"),
    ("HVA-067", "intel-tdx: type=tdx,attestation=1", "pass", "launch security tdx"),
    ("HVA-067", "-cpu", "manual", "no amd-sev or intel-tdx: guest memory is readable"),
]


@pytest.mark.parametrize(("check_id", "edit", "status", "fragment"), PVE_CASES)
def test_proxmox_vm_checks(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    check_id: str,
    edit: str,
    status: str,
    fragment: str,
) -> None:
    r = _result(pve(tmp_path, capsys, edit), check_id, "web-10")
    assert (r["status"], fragment in r["message"]) == (status, True), r["message"]
    if status == "manual":
        assert shape_problems(r.get("question")) == [], r.get("question")


def test_proxmox_hardened_vms_pass_every_parity_check(capsys: pytest.CaptureFixture[str]) -> None:
    """The hardened node's two VMs (named CPU model, OVMF with enrolled keys, a swtpm, consoles
    on UNIX sockets) pass; what the VM's file cannot settle is a question, never n/a by
    platform."""
    report = _report(f"pve+dir://{PVE}", capsys)
    got = {
        (r["check_id"], r["subject"]["name"]): r["status"]
        for r in report["results"]
        if r["check_id"]
        in {"HVA-031", "HVA-049", "HVA-056", "HVA-057", "HVA-064", "HVA-065"}
        | {"HVA-066", "HVA-067", "HVA-058", "HVA-059"}
    }
    want = {
        "HVA-031": "pass",
        "HVA-049": "pass",
        "HVA-056": "pass",
        "HVA-057": "pass",
        "HVA-058": "not_applicable",
        "HVA-059": "not_applicable",
        # a copied tree has no package list: the binary's package is asked (R48S-1)
        "HVA-064": "manual",
        "HVA-065": "pass",
        # no qm.conf key protects the UEFI flash: only `args:` (HVA-046) can (P23C-1)
        "HVA-066": "fail",
        "HVA-067": "manual",
    }
    assert got == {(c, vm): s for c, s in want.items() for vm in ("web-10", "api-11")}


# --- VMware .vmx ---------------------------------------------------------------------------------

BASE_VMX = (FIXTURES / "vmx" / "web-01" / "web-01.vmx").read_text()


def vmx(tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: str, drop: str = "") -> dict:
    """web-01's .vmx (offline: no host record) with lines added and keys removed."""
    folder = tmp_path / "vmx"
    folder.mkdir()
    keys = {k.strip().lower() for k in drop.split(",") if k.strip()}
    lines = [
        line for line in BASE_VMX.splitlines() if line.split("=", 1)[0].strip().lower() not in keys
    ]
    (folder / "web-01.vmx").write_text("\n".join([*lines, *extra.splitlines()]) + "\n")
    return _report(f"vmx+dir://{folder}", capsys)


VMX_CASES = [
    ("HVA-049", 'vhv.enable = "TRUE"', "", "fail", "vhv.enable = TRUE: the guest is given"),
    (
        "HVA-049",
        'vhv.enable = "FALSE"',
        "",
        "manual",  # V17-1: the host's /etc/vmware/settings overrides the VM's own key
        "vhv.enable is FALSE in the VM's own settings: no VT-x/AMD-V",
    ),
    (
        "HVA-031",
        'RemoteDisplay.vnc.enabled = "TRUE"\nRemoteDisplay.vnc.port = "5910"',
        "",
        "manual",
        "RemoteDisplay.vnc.enabled = TRUE: VNC on 0.0.0.0 (bound to every address) port 5910, "
        "no TLS, no password; the host's ESXi version is not in the evidence",
    ),
    # an absent key is the host's question (L16-10, L16-11, tests/test_vmw_leads16.py)
    (
        "HVA-031",
        'RemoteDisplay.vnc.enabled = "FALSE"',
        "",
        "manual",  # V17-1: the host's /etc/vmware/settings overrides the VM's own key
        "no RemoteDisplay.vnc.enabled = TRUE",
    ),
    ("HVA-056", "", "", "pass", "vtpm.present = TRUE: a virtual TPM of the VM's own"),
    ("HVA-056", "", "vtpm.present", "not_applicable", "no TPM device (no vtpm.present = TRUE)"),
    ("HVA-065", "", "vtpm.present", "fail", "no virtual TPM (no vtpm.present = TRUE)"),
    # L18-3: the host's /etc/vmware/settings overrides the VM's own keys
    ("HVA-065", "", "", "manual", "vtpm.present = TRUE: the VM's own virtual TPM"),
    (
        "HVA-057",
        'vmci0.unrestricted = "TRUE"',
        "",
        "manual",
        "vmci0.unrestricted = TRUE; the host's ESXi version is not in the evidence",
    ),
    (
        "HVA-057",
        'vmci0.unrestricted = "FALSE"',
        "",
        "manual",  # V17-1: the host's /etc/vmware/settings overrides the VM's own key
        "no shared-memory device and no vmci0.unrestricted = TRUE",
    ),
    (
        "HVA-066",
        "",
        "uefi.secureBoot.enabled",
        "fail",
        "UEFI firmware without Secure Boot and enrolled keys",
    ),
    ("HVA-066", "", "firmware,uefi.secureBoot.enabled", "fail", "BIOS firmware: no Secure Boot"),
    ("HVA-066", "", "", "manual", "firmware = efi, uefi.secureBoot.enabled = TRUE"),  # L18-3
    ("HVA-067", "", "", "manual", "memory encryption (AMD SEV-ES) is not read from the .vmx"),
]


@pytest.mark.parametrize(("check_id", "extra", "drop", "status", "fragment"), VMX_CASES)
def test_vmx_vm_checks(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    check_id: str,
    extra: str,
    drop: str,
    status: str,
    fragment: str,
) -> None:
    r = _result(vmx(tmp_path, capsys, extra, drop), check_id, "web-01")
    assert (r["status"], fragment in r["message"]) == (status, True), r["message"]
    if status == "manual":
        assert shape_problems(r.get("question")) == [], r.get("question")


# --- HVA-211: a NIC function passed through whole (R40's twin) -----------------------------------


@pytest.mark.parametrize(
    ("klass", "status", "fragment"),
    [
        ("0x020000", "manual", "0000:3b:02.1 (PCI passthrough of a network function): VMs vmpci"),
        ("0x030000", "pass", "no host address on a bridge with VM ports"),
    ],
    ids=["ethernet-function", "vga-function"],
)
def test_pci_hostdev_of_a_network_function_asks_for_its_pf(
    host_scan: Any, klass: str, status: str, fragment: str
) -> None:
    """A `<hostdev type='pci'>` of an Ethernet function (sysfs class 0x02xxxx) may be an SR-IOV
    VF of the management NIC, exactly like R40's `<interface type='hostdev'>`; which PF it
    belongs to is /sys/bus/pci/devices/<vf>/physfn, not collected. A display function (class
    0x03) is no NIC: the verdict stays as it was."""
    from conftest import HARDENED_HOST, domain_xml

    classes, rc = HARDENED_HOST["pci-classes"]
    dev = (
        "<devices><hostdev mode='subsystem' type='pci' managed='yes'><source>"
        "<address domain='0x0000' bus='0x3b' slot='0x02' function='0x1'/></source></hostdev>"
        "</devices>"
    )
    a = host_scan(
        {"pci-classes": (classes + f"/sys/bus/pci/devices/0000:3b:02.1/class:{klass}\n", rc)},
        domains=[domain_xml("vmpci", body=dev)],
    )
    r = next(r for r in a.results if r.check.id == "HVA-211" and r.outcome.subject.name == "hv1")
    assert (r.outcome.status.value, fragment in r.outcome.message) == (status, True), (
        r.outcome.message
    )
    if status == "manual":
        assert shape_problems(r.outcome.question) == []
