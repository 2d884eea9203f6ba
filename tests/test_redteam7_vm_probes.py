"""Seventh red-team review, VM side (rt7vm): probes of the least-probed VM checks.

Same harness as tests/test_redteam3_vm_probes.py: libvirt's test driver serves the domains and
networks (libvirt parses and re-formats every domain before hvaudit reads it) on the replayed
hardened host. Each probe asserts the verdict its cited source proves right, with the message;
every fact it rests on was read with the `search`/`find_string` tools and is cited in its
docstring. Where hvaudit is wrong and was not fixed the probe is `xfail(strict=True,
reason="R7-N: ...")`. None repeats a probe of the six earlier rounds.

Findings: R7-1 HVA-059 a vhost-scsi target beside a SCSI host device with rawio='yes' was a
question, not the failure the rawio device is by itself; R7-2 HVA-059 a LUN (or SCSI host device)
whose source is an iSCSI target passed as "filtered SG_IO": QEMU's own initiator sends the guest's
commands to the target with no host filter; R7-3 HVA-059 raw QEMU arguments `-device scsi-block`
/ `scsi-generic` were unread (n/a): under qemu-server (QEMU as root) they are the scsiblock=1
failure, under libvirt a question; R7-4 HVA-065 passed a TPM 1.2 vTPM (libvirt version='1.2',
qm.conf version=v1.2) that HVA-020 fails on the host, and a tpmstate0 without version= whose
default depends on the qemu-server release; R7-5 HVA-193 said "no network interface" for a VM
given a PCI network function whole (`<hostdev type='pci'>`, sysfs class 0x02), which may be an
SR-IOV VF with trust on; R7-6 HVA-194, the same function's embedded-bridge question (was n/a).
All six fixed on branch rt7vm.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import run_assessment, write_node
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import LAN, NESTING_HOST, dev, verdict


def xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


VHOST = (
    "<hostdev mode='subsystem' type='scsi_host'>"
    "<source protocol='vhost' wwpn='naa.5001405df3e54061'/></hostdev>"
)
SCSI_RAWIO = (
    "<hostdev mode='subsystem' type='scsi' rawio='yes'><source><adapter name='scsi_host0'/>"
    "<address bus='0' target='0' unit='0'/></source></hostdev>"
)
ISCSI_LUN = (
    "<disk type='network' device='lun'><driver name='qemu' type='raw'/>"
    "<source protocol='iscsi' name='iqn.2013-07.com.example:iscsi-pool/1'>"
    "<host name='192.0.2.10' port='3260'/></source><target dev='sda' bus='scsi'/></disk>"
)
ISCSI_HOSTDEV = (
    "<hostdev mode='subsystem' type='scsi'>"
    "<source protocol='iscsi' name='iqn.2014-08.com.example:iscsi-nopool/1'>"
    "<host name='192.0.2.10' port='3260'/></source></hostdev>"
)
BLOCK_LUN = (
    "<disk type='block' device='lun'><driver name='qemu' type='raw'/>"
    "<source dev='/dev/sdb'/><target dev='sda' bus='scsi'/></disk>"
)

DOMAINS = {
    "vhost_and_rawio": VHOST + SCSI_RAWIO,
    "vhost_alone": VHOST,
    "iscsi_lun": ISCSI_LUN,
    "iscsi_hostdev": ISCSI_HOSTDEV,
    "block_lun": BLOCK_LUN,
    "tpm12": "<tpm model='tpm-tis'><backend type='emulator' version='1.2'/></tpm>",
    "tpm20": "<tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm>",
}


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    from test_checks_vm import _with_filters

    tmp: Path = tmp_path_factory.mktemp("rt7vm")
    uri = write_node(tmp / "n.xml", [dev(n, d) for n, d in DOMAINS.items()], [LAN])
    return run_assessment(_with_filters(tmp, uri, NESTING_HOST, "b", {}))


# --- HVA-059: raw SCSI access ----------------------------------------------------------------------


def test_vhost_target_does_not_hide_a_rawio_scsi_host_device(real: Assessment) -> None:
    """formatdomain, "USB / PCI / SCSI devices": rawio on a SCSI host device "indicates whether
    the lun needs the rawio capability" (CAP_SYS_RAWIO for QEMU), a failure of HVA-059 on its own.
    hvaudit's vhost-scsi branch (a question about the LIO backstore) ran first and looked only at
    <disk device='lun'> for rawio, so a VM with a vhost-scsi target and a rawio SCSI host device
    got the backstore question instead of the failure the second device proves. Right: fail,
    naming the rawio device. (R7-1, fixed: the rawio/sgio reading of LUNs and SCSI host devices
    runs before the vhost question.)"""
    assert verdict(real, "HVA-059", "vhost_and_rawio") == (
        "fail",
        "SCSI host device bus=0,target=0,unit=0: rawio='yes'",
    )


def test_vhost_target_alone_stays_a_question(real: Assessment) -> None:
    """Twin of R7-1: a vhost-scsi target with nothing else keeps its backstore question."""
    status, msg = verdict(real, "HVA-059", "vhost_alone")
    assert status == "manual"
    assert msg == (
        "vhost-scsi target(s) naa.5001405df3e54061: what the guest's SCSI commands reach is the "
        "target's backstore on the host"
    )


@pytest.mark.parametrize(
    ("vm", "name"),
    [
        ("iscsi_lun", "iqn.2013-07.com.example:iscsi-pool/1"),
        ("iscsi_hostdev", "SCSI host device iscsi iqn.2014-08.com.example:iscsi-nopool/1"),
    ],
)
def test_iscsi_lun_is_unfiltered_scsi(real: Assessment, vm: str, name: str) -> None:
    """libvirt src/conf/domain_validate.c allows device='lun' on a network disk only for
    protocol iscsi ("disk device='lun' is not supported for protocol='%1$s'"), and a SCSI host
    device may name an iSCSI source too (formatdomain, "USB / PCI / SCSI devices": <source
    protocol='iscsi' name=...>). QEMU opens either with its own initiator, and block/iscsi.c
    iscsi_aio_ioctl turns the guest's SG_IO into an iSCSI task carrying the guest's command block
    ("Failed to ioctl(SG_IO) to iSCSI lun"): no host kernel SG_IO filter stands in between, so the
    guest can send any SCSI command (WRITE BUFFER firmware downloads included) to the target.
    hvaudit passed "1 LUN(s) with filtered SG_IO and no rawio" (no sgio attribute = filtered).
    Right: fail, naming the iSCSI source. (R7-2, fixed: Disk/Passthrough.protocol.)"""
    assert verdict(real, "HVA-059", vm) == (
        "fail",
        f"{name}: iSCSI (QEMU's libiscsi sends every SCSI command of the guest to the target)",
    )


def test_block_lun_with_default_sgio_keeps_its_pass(real: Assessment) -> None:
    """Twin of R7-2: a host block device LUN with the default sgio (filtered: formatdomain
    "the default is 'filtered'") and no rawio still passes."""
    assert verdict(real, "HVA-059", "block_lun") == (
        "pass",
        "1 LUN(s) with filtered SG_IO and no rawio",
    )


# --- HVA-059: SCSI passthrough devices added by raw QEMU arguments ---------------------------------


def test_pve_raw_scsi_block_argument_is_unfiltered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """QEMU's device list (hw/scsi/scsi-disk.c, read with `find_string`): scsi-block is "SCSI
    block device passthrough", the device qemu-server builds for scsiblock=1, which HVA-059
    already fails on a Proxmox node because QEMU runs as root there and the kernel's SG_IO filter
    applies to unprivileged callers only (its docstring's sources). `args: -drive
    file=/dev/sdb,if=none,id=pt0,format=raw -device scsi-block,drive=pt0` (qm.conf(5) `args`:
    "Arbitrary arguments passed to kvm") builds the same device by hand. hvaudit read only
    scsiblock=1 and said "no SCSI LUN passed through". Right: fail, naming the argument. (R7-3,
    fixed: HVA-059 reads raw -device scsi-block/scsi-generic.)"""
    from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan

    vm200 = (PVE_HARDENED / "etc/pve/qemu-server/200.conf").read_text()
    args = "args: -drive file=/dev/sdb,if=none,id=pt0,format=raw -device scsi-block,drive=pt0\n"
    report = pve_scan(tmp_path, capsys, {"etc/pve/qemu-server/200.conf": vm200 + args})
    assert pve_result(report, "HVA-059", "web-10") == (
        "fail",
        "QEMU argument -device scsi-block,drive=pt0: every SCSI command reaches the host "
        "device, from QEMU running as root (unfiltered SG_IO)",
    )


def test_pve_without_scsi_passthrough_stays_not_applicable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Twin of R7-3: the hardened node's VM (no scsiblock=1, no args) keeps its n/a."""
    from test_redteam2_probes import pve_result, pve_scan

    report = pve_scan(tmp_path, capsys, {})
    assert pve_result(report, "HVA-059", "web-10") == (
        "not_applicable",
        "no SCSI LUN passed through (no scsiblock=1)",
    )


def test_libvirt_raw_scsi_generic_argument_is_a_question(tmp_path: Path) -> None:
    """Under libvirt QEMU usually runs as an unprivileged user, so whether the kernel filters
    the guest's commands on a `-device scsi-generic` libvirt did not build depends on QEMU's
    user and the device's queue/unpriv_sgio (libvirt sets it only for a <disk device='lun'
    sgio=...> or <hostdev type='scsi'> it builds: formatdomain sgio). hvaudit said "no SCSI LUN
    or SCSI host device passed through" (n/a). Right: one question naming the argument. (R7-3)"""
    from test_redteam3_vm_probes import replayed_domains
    from test_redteam4_vm_probes import _raw

    xml = _raw(
        "rawsg", "-drive", "file=/dev/sg1,if=none,id=sg0", "-device", "scsi-generic,drive=sg0"
    )
    a = run_assessment(replayed_domains(tmp_path, {"rawsg": xml}))
    status, msg = verdict(a, "HVA-059", "rawsg")
    assert status == "manual"
    assert msg == (
        "QEMU argument(s) -device scsi-generic,drive=sg0: a SCSI passthrough device libvirt did "
        "not set up (no sgio/rawio of its own)"
    )


# --- HVA-065: a TPM 1.2 vTPM ----------------------------------------------------------------------


def test_libvirt_vtpm_version_1_2_fails(real: Assessment) -> None:
    """formatdomain, "TPM device": the emulator backend's `version` attribute chooses the TPM
    version ('1.2' or '2.0'). HVA-020 fails a host TPM 1.2 because "1.2 lacks the algorithms
    attestation needs" (SHA-1 only); the same TPM 1.2 emulated for the guest carries the same
    limit into the guest's chain of trust, and hvaudit passed it as "per-VM emulated TPM
    (swtpm)". Right: fail. (R7-4, fixed: Vm.tpm_version.)"""
    assert verdict(real, "HVA-065", "tpm12") == (
        "fail",
        "per-VM emulated TPM 1.2: 1.2 lacks the algorithms attestation needs",
    )


def test_libvirt_vtpm_version_2_0_passes(real: Assessment) -> None:
    """Twin of R7-4: a TPM 2.0 emulator keeps its pass."""
    assert verdict(real, "HVA-065", "tpm20") == ("pass", "per-VM emulated TPM (swtpm)")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "tpmstate0: local-lvm:vm-200-disk-2,size=4M,version=v1.2",
            (
                "fail",
                "per-VM emulated TPM 1.2 (tpmstate0 version=v1.2): 1.2 lacks the algorithms "
                "attestation needs",
            ),
        ),
        (
            "tpmstate0: local-lvm:vm-200-disk-2,size=4M",
            (
                "manual",
                "tpmstate0 states no version: qm.conf's default was v1.2 and is v2.0 in newer "
                "qemu-server releases",
            ),
        ),
        (
            "tpmstate0: local-lvm:vm-200-disk-2,size=4M,version=v2.0",
            ("pass", "per-VM emulated TPM (swtpm, tpmstate0)"),
        ),
    ],
    ids=["v1.2", "unstated", "v2.0"],
)
def test_pve_tpmstate_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, expected: tuple[str, str]
) -> None:
    """qm.conf(5) `tpmstate0: [file=]<volume> [,version=<v1.2|v2.0>]`: "The TPM interface
    version. v2.0 is newer and should be preferred. Note that this cannot be changed later on."
    Its default differs by release: "(default = v1.2)" in the qm.conf(5) of older qemu-server,
    `default => 'v2.0'` in newer QemuServer.pm (both read with `find_string`). hvaudit passed
    every tpmstate0. Right: v1.2 fails as R7-4's libvirt twin, a line without version= is a
    question (the node's release decides), v2.0 passes. (R7-4)"""
    from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan

    vm200 = (PVE_HARDENED / "etc/pve/qemu-server/200.conf").read_text()
    lines = [x for x in vm200.splitlines() if not x.startswith("tpmstate0:")]
    conf = "\n".join([*lines, line]) + "\n"
    report = pve_scan(tmp_path, capsys, {"etc/pve/qemu-server/200.conf": conf})
    assert pve_result(report, "HVA-065", "web-10") == expected


# --- HVA-193: a PCI network function passed through whole -----------------------------------------

PCI_HOSTDEV = (
    "<devices><hostdev mode='subsystem' type='pci' managed='yes'><source>"
    "<address domain='0x0000' bus='0x3b' slot='0x02' function='0x1'/></source></hostdev>"
    "</devices>"
)


@pytest.mark.parametrize(
    ("klass", "expected"),
    [
        (
            "0x020000",
            (
                "manual",
                "PCI function(s) 0000:3b:02.1 (network class 0x020000) passed through whole: a "
                "network function that is an SR-IOV VF sets its receive filters through its PF's "
                "trust flag, not read",
            ),
        ),
        ("0x030000", ("not_applicable", "no network interface")),
    ],
    ids=["ethernet-function", "vga-function"],
)
def test_pci_network_function_asks_for_its_vf_trust(
    host_scan: Any, klass: str, expected: tuple[str, str]
) -> None:
    """ip-link(8) `vf N trust on|off`: the VF user "can set a specific feature which may impact
    security and/or performance. (e.g. VF multicast promiscuous mode)"; HVA-193 already asks
    about it for an `<interface type='hostdev'>` VF (its docstring). A VF is a PCI function
    like any other, so `<hostdev type='pci'>` (formatdomain, "USB / PCI / SCSI devices") hands
    it to the guest just as well, without an <interface>; the sysfs class 0x02xxxx (network
    controller, collected as pci-classes) shows it is a NIC function, and which PF it belongs
    to (/sys/bus/pci/devices/<vf>/physfn) is not collected (HVA-211's R62 reads the same
    class). hvaudit said "no network interface" (n/a). Right: one question about its trust
    flag; a display function (0x03) stays n/a. (R7-5, fixed.)"""
    from conftest import HARDENED_HOST, domain_xml

    classes, rc = HARDENED_HOST["pci-classes"]
    a = host_scan(
        {"pci-classes": (classes + f"/sys/bus/pci/devices/0000:3b:02.1/class:{klass}\n", rc)},
        domains=[domain_xml("vmpci", body=PCI_HOSTDEV)],
    )
    assert verdict(a, "HVA-193", "vmpci") == expected


@pytest.mark.parametrize(
    ("klass", "expected"),
    [
        (
            "0x020000",
            (
                "manual",
                "SR-IOV function(s) PCI function 0000:3b:02.1 (network class 0x020000): VFs of "
                "one NIC reach each other through its embedded bridge unless the PF is in VEPA "
                "mode",
            ),
        ),
        ("0x030000", ("not_applicable", "no macvtap or SR-IOV interface")),
    ],
    ids=["ethernet-function", "vga-function"],
)
def test_pci_network_function_asks_for_the_pf_mode(
    host_scan: Any, klass: str, expected: tuple[str, str]
) -> None:
    """HVA-194's docstring: "SR-IOV functions of one physical NIC are switched by the NIC's own
    embedded bridge unless the PF is in VEPA mode" (bridge(8) `hwmode {vepa | veb}`), asked for
    an `<interface type='hostdev'>`. The same VF given as `<hostdev type='pci'>` (network class
    0x02, R7-5) was "no macvtap or SR-IOV interface" (n/a). Right: the same question; a
    display function stays n/a. (R7-6, fixed.)"""
    from conftest import HARDENED_HOST, domain_xml

    classes, rc = HARDENED_HOST["pci-classes"]
    a = host_scan(
        {"pci-classes": (classes + f"/sys/bus/pci/devices/0000:3b:02.1/class:{klass}\n", rc)},
        domains=[domain_xml("vmpci", body=PCI_HOSTDEV)],
    )
    assert verdict(a, "HVA-194", "vmpci") == expected
