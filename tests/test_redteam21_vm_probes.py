"""Twenty-first red-team review, VM side (rt21vm): round 20's VM leads (clipboard sharing, HVA-047's
list against old emulated devices, a <channel> to a remote guest-agent peer, <redirfilter>,
guest CPU mitigation flags) probed through the real collector, parser and engine.

Same harness as rounds 18 to 20 (tests/test_redteam20_vm3_probes.py): libvirt's test driver
serves the domains on conftest's replayed SELinux host; a definition with raw QEMU arguments is
replayed as a daemon with the QEMU driver reports it (`_replayed_on`); a Proxmox VE VM is the
hardened node's qm.conf edited (`pve_scan`). Every fact a probe rests on was read with the
`search` / `find_string` tools and is cited in its docstring or in the code.

Findings (R21-n):
R21-1 (false pass) HVA-047 passed a VM with a SCSI controller of an old host adapter QEMU
emulates, <controller type='scsi' model='lsilogic'> (or lsisas1068, lsisas1078, vmpvscsi,
am53c974, dc390, ncr53c90), beside "no floppy, IDE, sound ...": libvirt builds them as QEMU's
lsi (lsi53c895a), mptsas1068, megasas, pvscsi and ESP devices (qemu_command.c, read with
`find_string`), each with guest-to-host CVEs (lsi53c895a CVE-2023-0330 "Fix reentrancy issues in
the LSI controller", mptsas CVE-2016-7157, megasas CVE-2016-5105/5106/5107, pvscsi CVE-2016-4952
and CVE-2016-7156, ESP CVE-2016-4439; distribution patch lists and changelogs), where
virtio-scsi serves the same disks; the catalog's SR05B-KVM-08 passes "only allowlisted device
models (prefer virtio)". Now the fail naming the controller (libvirt_xml.LEGACY_SCSI).
R21-2 (false pass) HVA-047 passed the same adapters added by raw QEMU arguments (`-device lsi`,
`-device lsi53c895a`, lsi53c810, mptsas1068, megasas, megasas-gen2, pvscsi, am53c974, dc390;
QEMU's qdev_alias_table `{ "lsi53c895a", "lsi" }`, hw/scsi TYPE_LSI53C810, TYPE_MEGASAS_GEN2).
Now the fail (devices.RAW_LEGACY).
R21-3 (false pass) HVA-047 passed a Proxmox VE VM with a scsiN disk and no `scsihw:` (or
`scsihw: lsi`, lsi53c810, megasas, pvscsi): qemu-server's confdesc scsihw has `default =>
'lsi'`, and config_to_command adds `-device $scsihw` for each SCSI controller a scsiN drive
uses (`my $scsihw = defined($conf->{scsihw}) ? $conf->{scsihw} : $defaults->{scsihw}`), read with
`find_string`. Now the fail ("lsi SCSI controller (qm.conf's default scsihw)").
R21-4 (false pass) HVA-047 passed a NIC of QEMU's Intel 8255x family (i82551, i82557b,
i82559er: hw/net/eepro100.c, CVE-2021-20255, a guest-triggered DMA reentry recursing until the
stack overflows) or its VMXNET3 emulation ("CVE request: Qemu net: vmxnet3: use after free while
writing", oss-security 2016), in a libvirt <model type>, a raw `-device` and a Proxmox VE
`net0: vmxnet3=...` (round 13's "catalog decision": SR05B-KVM-08 says "non-virtio NIC models").
Now the fail naming the NIC. e1000/e1000e keep their pass (below).

Held (kept as tests): a virtio-scsi controller keeps HVA-047's pass; a Proxmox VE VM with
`scsihw: virtio-scsi-single` (the hardened fixture) keeps it, and so does a VM whose scsihw is
left to the default but that has no scsiN drive (qemu-server adds no controller).

Probed by script, not kept (the verdict was right): an `isapc` machine fails HVA-047 (its
floppy controller, I440FX_MACHINES); <redirdev type='spicevmc'> with a <redirfilter> allowing
every USB device fails HVA-047 for the redirection itself, so the filter cannot turn a pass; a
<channel type='tcp'> with tls='yes' to a remote guest-agent peer passes HVA-031 (QEMU, the TLS
client, verifies the peer's certificate against chardev_tls_x509_cert_dir's CA: the transport is
protected; whether a remote peer may hold the guest agent at all is a policy question, below);
<cpu><feature policy='disable' name='spec-ctrl'/> (and md-clear, ssbd) is judged by no check:
it withholds the mitigation from the guest's own processes, while KVM keeps protecting the host
and other VMs on VM entry (HVA-181 judges the host), so no VM-isolation verdict rests on it;
SPICE with a spicevmc vdagent channel and a qemu-vdagent channel with <clipboard
copypaste='yes'/>: no check claims anything about the clipboard (no pass to be wrong; the
owner is a team decision, below).

Tally: 18 probe cases (8 test functions): 15 pin R21-1 to R21-4 (R21-1 6, R21-2 3, R21-3 2,
R21-4 4), each failing on main before its fix (R21-1..3 on 14a2017, R21-4 on 3746c82); 3 held.

Leads left (not settled in the time):
- Clipboard sharing on KVM and Proxmox VE has no owning check. The VMware twin HVA-401
  (SR05B-ESX-01, copy/paste/dnd) files it under HY-SR-7; a KVM counterpart would read SPICE
  <graphics><clipboard copypaste> (libvirt formatdomain: enabled by default when a spicevmc
  com.redhat.spice.0 channel exists), qemu-vdagent <source><clipboard copypaste='yes'/>, and
  Proxmox VE `vga: ...,clipboard=vnc`. The catalog has no KVM/PVE row for it: a new check id
  and catalog row are a team decision (not started, so no two teams allocate one id).
- HVA-047 still passes other old emulations: the ISA ib700 watchdog (no CVE found in the time),
  e1000/e1000e (R18 held e1000's pass; the catalog's "non-virtio NIC models" would fail them: a
  decision, it moves the golden and e2e fixtures), <parallel> (isa-parallel), <disk bus='usb'>
  (usb-storage), and a Proxmox VE `watchdog: model=ib700`. VMware lsilogic/pvscsi are VMware's
  own emulation and not judged. HVA-047's remediation names the SCSI adapters but not yet the
  eepro100/vmxnet3 NICs, and its raw-arguments-unseen question lists neither (wording; the
  golden reports carry the remediation).
- A <controller type='scsi'> without a model (only the test driver keeps one: libvirt's QEMU
  driver picks lsilogic on x86 where QEMU has it, qemuDomainSetSCSIControllerModel, and writes
  it) passes HVA-047; a question would be the honest verdict where the daemon's model is unseen.
- A <channel> to a remote peer with target org.qemu.guest_agent.0 hands that peer guest-exec and
  file writes in the guest even over TLS: whether HVA-031 (or a new check) should ask about it is
  open.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HARDENED_HOST, build_bundle, domain_xml, run_assessment, write_node
from hvaudit.engine import Assessment
from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan
from test_redteam3_vm_probes import verdict
from test_redteam10_vm_probes import _raw_cpu_domain, _replayed_on
from test_redteam13_vm_probes import DYNAMIC

Q35 = "<os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os>"
PASS = (
    "no floppy, IDE, sound, USB redirection, smartcard, rtl8139/ne2k/pcnet NIC, cirrus or vmvga "
    "(VMware SVGA) video or USB tablet, mouse or keyboard"
)
SCSI_MODELS = ["lsilogic", "lsisas1068", "lsisas1078", "vmpvscsi", "am53c974", "dc390"]


def _scsi(name: str, model: str) -> str:
    return domain_xml(
        name,
        body=DYNAMIC + Q35 + f"<devices><controller type='scsi' index='0' model='{model}'/>"
        "<disk type='file' device='disk'><source file='/var/lib/libvirt/images/"
        f"{name}.qcow2'/><target dev='sda' bus='scsi'/></disk></devices>",
    )


@pytest.fixture(scope="module")
def controllers(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    from test_redteam_probes import SELINUX_HOST

    tmp: Path = tmp_path_factory.mktemp("rt21scsi")
    doms = [_scsi(m, m) for m in [*SCSI_MODELS, "virtio-scsi"]]
    uri = write_node(tmp / "n.xml", doms)
    return run_assessment(build_bundle(tmp, uri, SELINUX_HOST, name="b"))


# --- R21-1: HVA-047, SCSI controllers of old host adapters -----------------------------------


@pytest.mark.parametrize("model", SCSI_MODELS)
def test_old_scsi_host_adapters_fail(controllers: Assessment, model: str) -> None:
    """R21-1. Was pass (PASS). libvirt's QEMU driver builds lsilogic as QEMU's `lsi`
    (lsi53c895a), lsisas1068 as mptsas1068 ("the LSI SAS1068 (MPT Fusion) controller"),
    lsisas1078 as megasas ("the LSI SAS1078 (MegaRAID) controller"), vmpvscsi as pvscsi and
    am53c974/dc390 as QEMU's ESP PCI adapters (qemu_command.c qemuBuildControllerSCSIDevProps,
    qemu_validate, read with `find_string`); each has guest-reachable CVEs (CVE-2023-0330
    lsi53c895a reentrancy, CVE-2016-7157 mptsas, CVE-2016-5106 megasas, CVE-2016-7156 pvscsi,
    the ESP's get_cmd() OOB write), and virtio-scsi serves the same disks."""
    assert verdict(controllers, "HVA-047", model) == (
        "fail",
        f"emulated legacy devices: {model} SCSI controller",
    )


def test_virtio_scsi_keeps_the_pass(controllers: Assessment) -> None:
    """R21-1 held: virtio-scsi is the replacement the fail's remediation points to."""
    assert verdict(controllers, "HVA-047", "virtio-scsi") == ("pass", PASS)


# --- R21-2: HVA-047, the same adapters added by raw QEMU arguments ---------------------------


@pytest.mark.parametrize("device", ["lsi", "megasas-gen2", "pvscsi"])
def test_old_scsi_host_adapters_from_raw_arguments_fail(tmp_path: Path, device: str) -> None:
    """R21-2. Was pass (PASS, with raw arguments seen). `-device lsi` is what libvirt itself
    writes for lsilogic (QEMU's qdev_alias_table `{ "lsi53c895a", "lsi" }`); megasas-gen2 is
    hw/scsi/megasas.c's TYPE_MEGASAS_GEN2 beside TYPE_MEGASAS_GEN1 "megasas"; pvscsi is
    hw/scsi/vmw_pvscsi.c. QEMU builds them as it builds the ones a definition names (R10-6)."""
    dom = _raw_cpu_domain(f"raw{device}", "", "-device", device)
    a = run_assessment(_replayed_on(tmp_path, HARDENED_HOST, {f"raw{device}": dom}))
    assert verdict(a, "HVA-047", f"raw{device}") == (
        "fail",
        f"emulated legacy devices: {device} SCSI controller (QEMU argument -device {device})",
    )


# --- R21-3: HVA-047, Proxmox VE's default scsihw ---------------------------------------------

VM201 = (PVE_HARDENED / "etc/pve/qemu-server/201.conf").read_text()


@pytest.mark.parametrize(
    ("edit", "shown"),
    [
        ("", "lsi SCSI controller (qm.conf's default scsihw)"),
        ("scsihw: megasas\n", "megasas SCSI controller"),
    ],
    ids=["default", "megasas"],
)
def test_pve_scsi_drive_on_an_old_adapter_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: str, shown: str
) -> None:
    """R21-3. Was pass (PASS). qemu-server confdesc: scsihw "SCSI controller model", enum lsi,
    lsi53c810, virtio-scsi-pci, virtio-scsi-single, megasas, pvscsi, `default => 'lsi'`;
    config_to_command: `my $scsihw = defined($conf->{scsihw}) ? $conf->{scsihw} :
    $defaults->{scsihw}` and, for a scsiN drive, `push @$devices, '-device',
    "$scsihw_type,id=..." if !$scsicontroller->{$controller}` (read with `find_string`)."""
    conf = VM201.replace("scsihw: virtio-scsi-single\n", edit)
    report = pve_scan(tmp_path, capsys, {"etc/pve/qemu-server/201.conf": conf})
    assert pve_result(report, "HVA-047", "api-11") == ("fail", f"emulated legacy devices: {shown}")


@pytest.mark.parametrize(
    "edit",
    [
        ("scsihw: virtio-scsi-single\n", "scsihw: virtio-scsi-single\n"),
        ("scsihw: virtio-scsi-single\n", ""),
    ],
    ids=["virtio-scsi-single", "default-without-scsi-drive"],
)
def test_pve_held_virtio_scsi_or_no_scsi_drive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: tuple[str, str]
) -> None:
    """R21-3 held: virtio-scsi-single keeps the pass; without a scsiN drive qemu-server adds no
    SCSI controller, so the default scsihw builds nothing (the disk moved to virtio0)."""
    conf = VM201.replace(*edit)
    if not edit[1]:
        conf = conf.replace("scsi0:", "virtio0:").replace("order=scsi0", "order=virtio0")
    report = pve_scan(tmp_path, capsys, {"etc/pve/qemu-server/201.conf": conf})
    assert pve_result(report, "HVA-047", "api-11") == ("pass", PASS)


# --- R21-4: HVA-047, the eepro100 family and vmxnet3 -----------------------------------------


@pytest.mark.parametrize("model", ["i82559er", "vmxnet3"])
def test_eepro100_and_vmxnet3_nics_fail(tmp_path: Path, model: str) -> None:
    """R21-4. Was pass (PASS). libvirt hands <model type> to QEMU as its device: QEMU's
    hw/net/eepro100.c (i82551, i82557b, i82559er; CVE-2021-20255, a guest-triggered DMA
    reentry recursing until the stack overflows) and hw/net/vmxnet3.c ("CVE request: Qemu net:
    vmxnet3: use after free while writing", oss-security 2016), read with `search` /
    `find_string`; virtio-net serves the same guests."""
    from test_redteam_probes import SELINUX_HOST

    dom = domain_xml(
        model,
        body=DYNAMIC + Q35 + "<devices><interface type='network'><source network='default'/>"
        f"<model type='{model}'/></interface></devices>",
    )
    net = (
        "<network><name>default</name><bridge name='virbr0'/><forward mode='nat'/>"
        "<ip address='192.168.122.1' netmask='255.255.255.0'/></network>"
    )
    a = run_assessment(
        build_bundle(tmp_path, write_node(tmp_path / "n.xml", [dom], [net]), SELINUX_HOST)
    )
    assert verdict(a, "HVA-047", model) == ("fail", f"emulated legacy devices: {model} NIC")


def test_eepro100_from_raw_arguments_fails(tmp_path: Path) -> None:
    """R21-4 for raw QEMU arguments: `-device i82557b` builds the same NIC (R10-6)."""
    dom = _raw_cpu_domain("rawi82557b", "", "-device", "i82557b")
    a = run_assessment(_replayed_on(tmp_path, HARDENED_HOST, {"rawi82557b": dom}))
    assert verdict(a, "HVA-047", "rawi82557b") == (
        "fail",
        "emulated legacy devices: i82557b NIC (QEMU argument -device i82557b)",
    )


def test_pve_vmxnet3_nic_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """R21-4 on Proxmox VE: qm.conf net[n] model vmxnet3 (qemu-server $net_fmt, the model as
    the key holding the MAC) is QEMU's vmxnet3 device."""
    conf = VM201.replace("net0: virtio=", "net0: vmxnet3=")
    report = pve_scan(tmp_path, capsys, {"etc/pve/qemu-server/201.conf": conf})
    assert pve_result(report, "HVA-047", "api-11") == (
        "fail",
        "emulated legacy devices: vmxnet3 NIC",
    )
