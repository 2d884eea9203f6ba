"""Ninth red-team review, VM side (rt9vm): probes of the VM checks rounds 7 and 8 probed least,
and the three judgement calls round 8 left open.

Same harness as tests/test_redteam3_vm_probes.py: libvirt's test driver serves the domains and
pools (libvirt parses and re-formats every definition before hvaudit reads it) on the replayed
hardened host of conftest, changed only where a probe says so. Each probe asserts the verdict
its cited source proves right, with the message; every fact it rests on was read with the
`search` / `find_string` / `read_file` tools and is cited in its docstring. Where hvaudit is
wrong and was not fixed the probe is `xfail(strict=True, reason="R9-N: ...")`. None repeats a
probe of the eight earlier rounds.

Round 8's judgement calls, settled:
(a) HVA-059, a whole PCI storage controller passed through: the guest's own driver programs it
through VFIO, so every command it builds reaches the disks behind it with no host kernel and
no SG_IO filter in between: the sgio='unfiltered' failure, not "no SCSI LUN passed through"
(R9-1, fixed); a passed-through function whose class the evidence lacks is a question.
(b) HVA-100, an rbd pool whose monitors include this host: a Ceph monitor keeps the cluster
map, OSDs keep the objects (docs.ceph.com "Ceph Storage Cluster"), so a monitor is no proof of
images on the host (R9-2, wrong fail, fixed: a pass when no ceph-osd runs here), and an OSD on
the host may hold the pool whichever monitors it names (R9-4, false pass, fixed: a question).
(c) HVA-058, virtiofs <readonly/>: the process list settles it for a running VM when every
virtiofsd serving the share runs with --readonly (R9-3, fixed: a pass); `-o readonly` is no
option of virtiofsd (its parse_compat exits on it), so it proves nothing.

Findings (R9-n): R9-1 HVA-059 n/a for a VM given a PCI SAS/NVMe controller (wrong n/a, a fail
by the check's own rule); R9-2 HVA-100 failed an rbd pool as "served by this host" because a
monitor runs here (wrong fail); R9-3 HVA-058 asked about a virtiofs share whose running daemon
the evidence shows read-only (wrong question: the evidence settles it); R9-4 HVA-100 passed an
rbd pool on a host that runs ceph-osd (false pass); R9-5 HVA-054 named HVA-042 alone as the
judge of a high-privileges taint that a rawio='yes' LUN caused, which HVA-059 judges (other: the
message); R9-6 HVA-065 failed "no virtual TPM" for a VM given an swtpm by raw `-tpmdev
emulator` arguments (wrong fail: the external-swtpm question, or a fail when two VMs share the
socket); R9-7 HVA-064 passed a distribution path on a host whose only QEMU-named packages
ship no emulator (libvirt-daemon-driver-qemu, qemu-utils, qemu-system-common): false pass, now
the question of which package installed it; R9-8 HVA-050 said "no device passthrough" for a
VM with a <disk type='nvme'>, whose NVMe controller libvirt detaches from the host and QEMU's
userspace driver programs through VFIO (wrong n/a: its IOMMU group is judged as a <hostdev>'s);
R9-9 HVA-044 passed a static SELinux label with relabel='no' (libvirt's default for a static
label) as "unique on the host", though libvirt then leaves the labels of the VM's disks as they
are and no evidence shows they carry its categories (false pass, now a question); R9-10 HVA-059
n/a for a passed-through Fibre Channel HBA (PCI class 0x0c04, a serial-bus class), which R9-1's
mass-storage class missed (wrong n/a, the same fail).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import HARDENED_HOST, build_bundle, domain_xml, run_assessment, write_node
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import verdict


def xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


def _with_processes(extra: str) -> dict[str, Any]:
    """The hardened host whose process list also shows `extra` (ps -eo pid=,user:32=,args=)."""
    text, rc = HARDENED_HOST["processes"]
    return dict(HARDENED_HOST, processes=(text + extra, rc))


def _scan(
    tmp_path: Path, host: dict[str, Any], domains: list[str], pools: list[str] = ()
) -> Assessment:  # type: ignore[assignment]
    uri = write_node(tmp_path / "n.xml", domains or [domain_xml("web01")], pools=pools)
    return run_assessment(build_bundle(tmp_path, uri, host, name="b"))


# --- (a) HVA-059: a whole PCI storage controller passed through ----------------------------------

#: The hardened host with a SAS HBA, an NVMe controller and a NIC beside its own devices.
HBA_HOST: dict[str, Any] = dict(
    HARDENED_HOST,
    **{
        "pci-classes": (
            HARDENED_HOST["pci-classes"][0] + "/sys/bus/pci/devices/0000:03:00.0/class:0x010700\n"
            "/sys/bus/pci/devices/0000:04:00.0/class:0x010802\n"
            "/sys/bus/pci/devices/0000:05:00.0/class:0x020000\n"
            "/sys/bus/pci/devices/0000:07:00.0/class:0x0c0400\n",
            0,
        )
    },
)


def _pci(bus: int) -> str:
    return (
        "<hostdev mode='subsystem' type='pci' managed='yes'><source>"
        f"<address domain='0x0000' bus='0x{bus:02x}' slot='0x00' function='0x0'/></source></hostdev>"
    )


@pytest.fixture(scope="module")
def hba(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp: Path = tmp_path_factory.mktemp("rt9hba")
    doms = [
        domain_xml("nas", body=f"<devices>{_pci(3)}</devices>"),
        domain_xml("nvme", body=f"<devices>{_pci(4)}</devices>"),
        domain_xml("nicvm", body=f"<devices>{_pci(5)}</devices>"),
        domain_xml("mystery", body=f"<devices>{_pci(6)}</devices>"),
        domain_xml("fcvm", body=f"<devices>{_pci(7)}</devices>"),
    ]
    return _scan(tmp, HBA_HOST, doms)


@pytest.mark.parametrize(
    ("vm", "what"),
    [
        ("fcvm", "0000:07:00.0 (class 0x0c0400, Fibre Channel)"),
        ("nas", "0000:03:00.0 (class 0x010700, SAS)"),
        ("nvme", "0000:04:00.0 (class 0x010802, NVMe)"),
    ],
)
def test_pci_storage_controller_passed_through_is_raw_access(
    hba: Assessment, vm: str, what: str
) -> None:
    """R9-1, judgement call (a). A <hostdev type='pci'> hands the guest the whole PCI function
    through VFIO (formatdomain, "USB / PCI / SCSI devices": "the PCI device ... is assigned to
    the guest"), and the guest's own driver programs the controller: the SCSI (or NVMe) commands
    it builds go to the disks behind it straight from the device, never through the host's
    block layer. The host kernel's SG_IO filter (block/scsi_ioctl.c, what formatdomain's sgio
    'filtered' means: "whether the kernel will filter unprivileged SG_IO commands") is not in
    the path, so the guest can send any command, firmware downloads included: HVA-059's
    sgio='unfiltered' failure. sysfs gives each function's class, base class 0x01 being mass
    storage (Linux include/linux/pci_ids.h: PCI_BASE_CLASS_STORAGE 0x01, PCI_CLASS_STORAGE_SAS
    0x0107, PCI_CLASS_STORAGE_EXPRESS 0x0108, read with `find_string`). Was n/a "no SCSI LUN or
    SCSI host device passed through". R9-10: a Fibre Channel HBA is class 0x0c04
    (PCI_CLASS_SERIAL_FIBER, under the serial-bus base class, not storage), yet what it carries
    to the SAN's LUNs is SCSI (FCP): the same fail."""
    assert verdict(hba, "HVA-059", vm) == (
        "fail",
        f"PCI storage controller {what} passed through: the guest drives it and sends any "
        "command, firmware updates included, to the disks behind it, with no host kernel (no "
        "SG_IO filter) in between",
    )


def test_pci_nic_passed_through_is_no_raw_scsi(hba: Assessment) -> None:
    """A network controller (class 0x020000, PCI_BASE_CLASS_NETWORK 0x02) drives no disk: the
    n/a of a VM without SCSI passthrough stays."""
    assert verdict(hba, "HVA-059", "nicvm") == (
        "not_applicable",
        "no SCSI LUN or SCSI host device passed through",
    )


def test_pci_function_of_unknown_class_is_asked_about(hba: Assessment) -> None:
    """0000:06:00.0 is not in the host's class listing: it may be a storage controller (the
    fail above) or not (the n/a). Not knowing is not n/a: one question, answered by the sysfs
    class file."""
    assert verdict(hba, "HVA-059", "mystery") == (
        "manual",
        "PCI device(s) 0000:06:00.0 passed through, of a class the evidence does not show",
    )


# --- (b) HVA-100: an rbd pool and the Ceph daemons on this host --------------------------------


def _rbd(name: str, *monitors: str) -> str:
    hosts = "".join(f"<host name='{m}' port='6789'/>" for m in monitors)
    return f"<pool type='rbd'><name>{name}</name><source><name>{name}</name>{hosts}</source></pool>"


RBD_POOLS = [_rbd("hci", "hv1", "10.0.0.11", "10.0.0.12"), _rbd("remote", "192.0.2.7")]
OSD = " 2100 ceph     /usr/bin/ceph-osd -f --cluster ceph --id 3 --setuser ceph --setgroup ceph\n"
MON = " 2000 ceph     /usr/bin/ceph-mon -f --cluster ceph --id hv1 --setuser ceph --setgroup ceph\n"


def test_rbd_pool_whose_monitor_is_this_host_keeps_no_images_here(tmp_path: Path) -> None:
    """R9-2, judgement call (b). An rbd pool's <source><host> names are its Ceph monitors
    (formatstorage, "Source elements"), and docs.ceph.com, "Ceph Storage Cluster" (read with
    `search`): "a Ceph OSD Daemon (OSD) stores data as objects on a storage node; a Ceph
    Monitor (MON) maintains a master copy of the cluster map". hv1 runs a monitor and no OSD:
    no image data lives on it. Was a fail, "rbd pool served by hv1: this host itself"."""
    a = _scan(tmp_path, _with_processes(MON), [], RBD_POOLS)
    assert verdict(a, "HVA-100", "hci") == (
        "pass",
        "rbd pool: images live off the host (its Ceph monitor(s) hv1 on this host keep the "
        "cluster map only); no ceph-osd runs here",
    )
    assert verdict(a, "HVA-100", "remote") == ("pass", "rbd pool: images live off the host")


def test_rbd_pool_on_a_host_running_an_osd_is_a_question(tmp_path: Path) -> None:
    """R9-4. The same source: OSDs store the objects, and which OSDs hold a pool is its CRUSH
    rule's placement (`ceph pg ls-by-pool`), which the scan does not collect. hv1 runs ceph-osd,
    so the pool whose monitors are all elsewhere may still keep its images on hv1's disks: was
    a pass, "images live off the host"; now the question of where its placement groups are."""
    a = _scan(tmp_path, _with_processes(OSD), [], RBD_POOLS)
    assert verdict(a, "HVA-100", "remote") == (
        "manual",
        "rbd pool; a Ceph OSD (ceph-osd) runs on this host, so the pool's objects may be stored "
        "here",
    )
    assert verdict(a, "HVA-100", "hci") == (
        "manual",
        "rbd pool; a Ceph OSD (ceph-osd) runs on this host, so the pool's objects may be stored "
        "here (its Ceph monitor(s) hv1 on this host keep the cluster map only)",
    )


# --- (c) HVA-058: the virtiofsd that serves a <readonly/> share ----------------------------------

VIRTIOFS_RO = (
    "<filesystem type='mount' accessmode='passthrough'><driver type='virtiofs'/>"
    "<source dir='/srv/ro'/><target dir='ro'/><readonly/></filesystem>"
)
SHARED_MEMORY = "<memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking>"


@pytest.mark.parametrize(
    "args",
    [
        "--fd=27 --shared-dir /srv/ro --readonly --cache never",
        "--fd=27 --shared-dir=/srv/ro/ --readonly",
    ],
)
def test_virtiofs_share_whose_running_daemon_is_read_only_passes(tmp_path: Path, args: str) -> None:
    """R9-3, judgement call (c). virtiofsd src/main.rs (`struct Opt`, read with `read_file`):
    `--shared-dir` is the directory it serves, `--readonly` "Prevent the guest from making
    modifications to the filesystem"; libvirt starts it with `--fd=N` and `--shared-dir PATH`
    (qemu_virtiofs.c qemuVirtioFSBuildCommandLine, or `-o source=PATH` for an old daemon). The
    only virtiofsd serving /srv/ro on hv1 runs read-only, so the running VM's share is read-only:
    the pass of a read-only share, naming how it is shown (was the virtiofs question)."""
    host = _with_processes(f" 1300 root     /usr/libexec/virtiofsd {args}\n")
    xml = domain_xml("vfs_ro", body=f"{SHARED_MEMORY}<devices>{VIRTIOFS_RO}</devices>")
    a = _scan(tmp_path, host, [xml])
    assert verdict(a, "HVA-058", "vfs_ro") == (
        "pass",
        "shared directories read-only or with mapped ownership: /srv/ro (served by virtiofsd "
        "--readonly)",
    )


@pytest.mark.parametrize(
    "daemons",
    [
        # -o readonly is no virtiofsd option: parse_compat's parse_single exits on an unknown word
        " 1300 root     /usr/libexec/virtiofsd --fd=27 -o source=/srv/ro,readonly\n",
        # one daemon for /srv/ro writes: which VM it serves the list does not say
        " 1300 root     /usr/libexec/virtiofsd --fd=27 --shared-dir /srv/ro --readonly\n"
        " 1301 root     /usr/libexec/virtiofsd --fd=28 --shared-dir /srv/ro\n",
        # --readonly given as the value of --tag is no flag
        " 1300 root     /usr/libexec/virtiofsd --fd=27 --shared-dir /srv/ro --tag --readonly\n",
    ],
)
def test_virtiofs_share_not_shown_read_only_stays_a_question(tmp_path: Path, daemons: str) -> None:
    """virtiofsd main.rs parse_compat: the legacy `-o` words it knows are source, cache,
    xattr, ... and any other word is `argument_error` (the daemon exits), so `-o readonly` shows
    nothing read-only; a second, writable daemon for the same directory may be this VM's; and a
    `--readonly` that is the value of `--tag` is no flag. R8-10's question stays."""
    xml = domain_xml("vfs_ro", body=f"{SHARED_MEMORY}<devices>{VIRTIOFS_RO}</devices>")
    a = _scan(tmp_path, _with_processes(daemons), [xml])
    assert verdict(a, "HVA-058", "vfs_ro") == (
        "manual",
        "virtiofs share(s) /srv/ro marked <readonly/>, which only a virtiofsd run with "
        "--readonly enforces (virtiofs supports passthrough only)",
    )


# --- HVA-054: the high-privileges taint of a rawio disk ------------------------------------------

RAWIO_LUN = (
    "<disk type='block' device='lun' rawio='yes'><driver name='qemu' type='raw'/>"
    "<source dev='/dev/sdb'/><target dev='sda' bus='scsi'/></disk>"
)


def test_high_privileges_taint_of_a_rawio_lun_names_the_check_that_judges_it(host_scan) -> None:
    """R9-5. libvirt taints a VM high-privileges not only for qemu.conf's user or group root
    (qemuDomainObjCheckTaint, HVA-042) but for every disk with rawio='yes'
    (qemu_domain.c qemuDomainObjCheckDiskTaint: `if (disk->rawio == VIR_TRISTATE_BOOL_YES)
    qemuDomainObjTaint(driver, obj, VIR_DOMAIN_TAINT_HIGH_PRIVILEGES, ...)`, read with
    `find_string`). On the hardened host (QEMU as libvirt-qemu) HVA-042 passes; the taint of this
    VM is its rawio LUN, which HVA-059 fails. HVA-054 does not fail a condition another check
    judges, but its message must name the one that does: HVA-059, not HVA-042 alone (was
    "high-privileges (judged by HVA-042)")."""
    xml = domain_xml("rawlun", body=f"<devices>{RAWIO_LUN}</devices>")
    logs = (
        "/var/log/libvirt/qemu/rawlun.log:2024-11-27 04:00:00.000+0000: starting up libvirt\n"
        "/var/log/libvirt/qemu/rawlun.log:2024-11-27 04:00:00.100+0000: Domain id=3 is "
        "tainted: high-privileges\n",
        0,
    )
    a = host_scan({"qemu-logs": logs}, domains=[xml])
    assert verdict(a, "HVA-054", "rawlun") == (
        "pass",
        "no taint of its own in the current run's log; high-privileges (judged by HVA-042 and "
        "HVA-059)",
    )
    assert verdict(a, "HVA-059", "rawlun") == ("fail", "/dev/sdb: rawio='yes'")


# --- HVA-065: a TPM emulator connected by raw QEMU arguments -------------------------------------


def _tpm_args(sock: str) -> tuple[str, ...]:
    return (
        "-chardev",
        f"socket,id=chrtpm,path={sock}",
        "-tpmdev",
        "emulator,id=tpm0,chardev=chrtpm",
        "-device",
        "tpm-crb,tpmdev=tpm0",
    )


def test_raw_tpm_emulator_is_the_external_swtpm_question(tmp_path: Path) -> None:
    """R9-6. qemu-options.hx (read with `find_string`): "-tpmdev emulator,id=id,chardev=dev
    (Linux-host only) Enable access to a TPM emulator using Unix domain socket based chardev
    backend", the example being `-chardev socket,id=chrtpm,path=/tmp/swtpm-sock -tpmdev
    emulator,id=tpm0,chardev=chrtpm -device tpm-tis,tpmdev=tpm0`. The VM has a TPM: an swtpm
    started outside libvirt, exactly <backend type='external'> (formatdomain, "TPM device"),
    whose question HVA-065 asks. Was a fail, "no virtual TPM" (a wrong fail on the subject's
    existence; HVA-046 fails the raw arguments themselves)."""
    from test_redteam3_vm_probes import replayed_domains
    from test_redteam4_vm_probes import _raw

    a = run_assessment(
        replayed_domains(tmp_path, {"rawtpm": _raw("rawtpm", *_tpm_args("/run/swtpm/a.sock"))})
    )
    assert verdict(a, "HVA-065", "rawtpm") == (
        "manual",
        "swtpm at /run/swtpm/a.sock (QEMU argument -tpmdev emulator,id=tpm0,chardev=chrtpm, "
        "started outside libvirt)",
    )


def test_raw_tpm_emulator_socket_of_two_vms_is_one_tpm(tmp_path: Path) -> None:
    """The same source: each VM's TPM is the swtpm on the socket its chardev names, and one
    swtpm serves one TPM's state, so two VMs on /run/swtpm/shared.sock share a TPM: the fail of
    two VMs on one external socket."""
    from test_redteam3_vm_probes import replayed_domains
    from test_redteam4_vm_probes import _raw

    args = _tpm_args("/run/swtpm/shared.sock")
    a = run_assessment(
        replayed_domains(tmp_path, {"tpm_a": _raw("tpm_a", *args), "tpm_b": _raw("tpm_b", *args)})
    )
    assert verdict(a, "HVA-065", "tpm_a") == (
        "fail",
        "TPM emulator socket /run/swtpm/shared.sock (QEMU argument -tpmdev "
        "emulator,id=tpm0,chardev=chrtpm) is shared with tpm_b: one TPM for several VMs",
    )


# --- HVA-064: QEMU-named packages that ship no emulator ------------------------------------------

TOOLS_ONLY = (
    "libvirt-daemon\t9.0.0-4+deb12u2\tii \nlibvirt-daemon-driver-qemu\t9.0.0-4+deb12u2\tii \n"
    "qemu-utils\t1:7.2+dfsg-7+deb12u7\tii \nqemu-system-common\t1:7.2+dfsg-7+deb12u7\tii \n"
    "openssh-server\t1:9.2p1-2+deb12u3\tii \n",
    0,
)


def test_qemu_named_packages_without_an_emulator_do_not_prove_the_binary(host_scan) -> None:
    """R9-7. R8-9 fails a distribution path on a host whose package list holds no package named
    for QEMU, and passed it when any package name held "qemu". But every Debian libvirt QEMU host
    has libvirt-daemon-driver-qemu (libvirt's own driver), and packages.debian.org's file list
    of qemu-utils (read with `search`) is /usr/bin/qemu-img, qemu-io, qemu-nbd and
    qemu-storage-daemon only; qemu-system-common holds the shared files while the binaries are
    in the qemu-system-$arch packages (its README.Debian, cited by R8-9). None of this host's
    packages ships /usr/bin/qemu-system-x86_64, so which one installed it is unknown: a
    question (`dpkg -S`), not the pass it was. The fixture host (qemu-system-x86 installed)
    keeps its pass (test_redteam8_vm_probes)."""
    xml = domain_xml(
        "toolsonly", body="<devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices>"
    )
    a = host_scan({"dpkg-packages": TOOLS_ONLY}, domains=[xml])
    assert verdict(a, "HVA-064", "toolsonly") == (
        "manual",
        "emulator /usr/bin/qemu-system-x86_64; the host's QEMU-named packages "
        "(libvirt-daemon-driver-qemu, qemu-system-common, qemu-utils) are none of the packages "
        "that ship a QEMU emulator",
    )


# --- HVA-050: an NVMe controller QEMU drives itself ----------------------------------------------

NVME_DISK = (
    "<disk type='nvme' device='disk'><driver name='qemu' type='raw'/>"
    "<source type='pci' managed='yes' namespace='1'>"
    "<address domain='0x0000' bus='0x04' slot='0x00' function='0x0'/></source>"
    "<target dev='vda' bus='virtio'/></disk>"
)


def _nvme_host(group_text: str) -> dict[str, Any]:
    """The hardened host with an NVMe controller 0000:04:00.0 bound to vfio-pci."""
    return dict(
        HARDENED_HOST,
        **{
            "iommu-groups": ("0\n1\n2\n3\n7\n", 0),
            "iommu-group-devices": (HARDENED_HOST["iommu-group-devices"][0] + group_text, 0),
            "pci-drivers": (
                HARDENED_HOST["pci-drivers"][0] + "/sys/bus/pci/drivers/vfio-pci/0000:04:00.0\n"
                "/sys/bus/pci/drivers/ixgbe/0000:04:00.1\n",
                0,
            ),
            "pci-classes": (
                HARDENED_HOST["pci-classes"][0]
                + "/sys/bus/pci/devices/0000:04:00.0/class:0x010802\n"
                "/sys/bus/pci/devices/0000:04:00.1/class:0x020000\n",
                0,
            ),
        },
    )


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        (
            "/sys/kernel/iommu_groups/7/devices/0000:04:00.0\n",
            (
                "pass",
                "IOMMU active; each IOMMU group of nvme controller (disk type='nvme') "
                "0000:04:00.0 goes wholly to this VM or is unused",
            ),
        ),
        (
            "/sys/kernel/iommu_groups/7/devices/0000:04:00.0\n"
            "/sys/kernel/iommu_groups/7/devices/0000:04:00.1\n",
            (
                "fail",
                "0000:04:00.0 shares IOMMU group 7 with 0000:04:00.1 (driver ixgbe), left to the host",
            ),
        ),
    ],
)
def test_nvme_disk_hands_qemu_a_whole_pci_controller(
    tmp_path: Path, members: str, expected: tuple[str, str]
) -> None:
    """R9-8. formatdomain, "Hard drives, floppy disks, CDROMs": a disk of type 'nvme' names an
    NVMe controller by its PCI address (<source type='pci' managed='yes' namespace='1'>), and
    libvirt detaches it from the host for QEMU (virhostdev.c virHostdevPrepareNVMeDevices,
    "track which NVMe devices are free to be used by a domain"), whose userspace NVMe driver
    programs it through VFIO (QEMU qapi/block-core.json BlockdevOptionsNVMe: "the PCI @device
    must have been unbound from any host kernel driver"; read with `search`). The controller
    does DMA on QEMU's behalf: what confines it is the IOMMU and its group, exactly HVA-050's
    subject for a passed-through PCI device. Was n/a "no device passthrough"; now the group is
    judged: alone in its group with vfio-pci it passes, beside a function the host keeps (a NIC
    with no vfio driver) it fails as a <hostdev> would."""
    xml = domain_xml("nvmedisk", body=f"<devices>{NVME_DISK}</devices>")
    a = _scan(tmp_path, _nvme_host(members), [xml])
    assert verdict(a, "HVA-050", "nvmedisk") == expected


EXTERNAL_VFS = (
    "<filesystem type='mount'><driver type='virtiofs' queue='1024'/>"
    "<source socket='/run/vfsd-share.sock'/><target dir='share'/></filesystem>"
)


def test_external_virtiofsd_running_read_only_passes(tmp_path: Path) -> None:
    """R9-3, the external daemon. formatdomain, "Filesystems": <source socket> connects QEMU to
    a virtiofsd started outside libvirt, whose own options decide (R3's question). The process
    list shows the daemon on that socket (`--socket-path`, virtiofsd main.rs) run with
    `--readonly`: the guest cannot change the directory it serves, so the ownership it would
    leave there is moot: the pass of a read-only share (was the external-daemon question)."""
    daemon = (
        " 1300 root     /usr/libexec/virtiofsd --socket-path=/run/vfsd-share.sock "
        "--shared-dir /srv/share --readonly\n"
    )
    xml = domain_xml("extro", body=f"{SHARED_MEMORY}<devices>{EXTERNAL_VFS}</devices>")
    a = _scan(tmp_path, _with_processes(daemon), [xml])
    assert verdict(a, "HVA-058", "extro") == (
        "pass",
        "shared directories read-only or with mapped ownership: socket /run/vfsd-share.sock "
        "(served by virtiofsd --readonly)",
    )


# --- HVA-044: a static SELinux label whose files libvirt does not relabel ------------------------


@pytest.mark.parametrize(("relabel", "written"), [(" relabel='no'", "no"), ("", "no (default)")])
def test_static_label_without_relabel_leaves_the_disks_labels_unproven(
    host_scan, relabel: str, written: str
) -> None:
    """R9-9. formatdomain, "Security label" (the RHEL guide's copy of it, read with `search`):
    "With static label assignment, by default, the administrator or application must ensure
    labels are set correctly on any resources. However, automatic relabeling can be enabled if
    desired" (relabel='yes'); libvirt writes relabel='no' into a static label that says nothing
    (the test driver's definition of this VM shows it). The label confines this VM's QEMU, but
    sVirt's other half, its disks labelled with its own categories so no other VM can open
    them, is then whatever the files carry: svirt_image_t:s0 without categories is open to
    every VM (MCS: a process reaches a file whose categories are a subset of its own). Not in
    the evidence: the question of the disks' labels, not the pass "unique on the host". The
    same label with relabel='yes' keeps its pass."""
    from test_redteam_probes import SELINUX_HOST

    label = (
        f"<seclabel type='static' model='selinux'{relabel}>"
        "<label>system_u:system_r:svirt_t:s0:c10,c20</label></seclabel>"
    )
    kept = (
        "<seclabel type='static' model='selinux' relabel='yes'>"
        "<label>system_u:system_r:svirt_t:s0:c11,c21</label></seclabel>"
    )
    a = host_scan(
        SELINUX_HOST,
        domains=[domain_xml("handlabel", body=label), domain_xml("relabelled", body=kept)],
    )
    assert verdict(a, "HVA-044", "handlabel") == (
        "manual",
        "static selinux label system_u:system_r:svirt_t:s0:c10,c20 with relabel='no': libvirt "
        "leaves the labels of the VM's disks and devices as they are",
    ), written
    assert verdict(a, "HVA-044", "relabelled") == (
        "pass",
        "static selinux label system_u:system_r:svirt_t:s0:c11,c21, unique on the host",
    )


# --- HVA-031: VNC listen addresses in other spellings (no finding) -------------------------------

LISTEN_SPELLINGS = {
    # reachable from the host only: loopback written otherwise
    "mapped_loop": ("::ffff:127.0.0.1", "pass"),
    "long_loop6": ("0:0:0:0:0:0:0:1", "pass"),
    "short_loop": ("127.1", "pass"),
    "decimal_loop": ("2130706433", "pass"),
    # every address: the unspecified address written otherwise
    "long_any6": ("0:0:0:0:0:0:0:0", "fail"),
    "zero": ("0", "fail"),
    "short_any": ("0.0", "fail"),
    "any6_zero": ("::0", "fail"),
}


@pytest.fixture(scope="module")
def spelled_consoles(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp: Path = tmp_path_factory.mktemp("rt9vnc")
    doms = [
        domain_xml(
            name,
            body=f"<devices><graphics type='vnc' port='-1' autoport='yes' listen='{addr}'>"
            f"<listen type='address' address='{addr}'/></graphics></devices>",
        )
        for name, (addr, _) in LISTEN_SPELLINGS.items()
    ]
    return _scan(tmp, HARDENED_HOST, doms)


@pytest.mark.parametrize("vm", sorted(LISTEN_SPELLINGS))
def test_vnc_listen_address_in_another_spelling(spelled_consoles: Assessment, vm: str) -> None:
    """QEMU binds a VNC listen address with getaddrinfo(3) (util/qemu-sockets.c
    inet_listen_saddr, AI_PASSIVE), and glibc reads a numeric IPv4 name with inet_aton
    (sysdeps/posix/getaddrinfo.c text_to_binary_address, the source R8-1 cites), so `127.1`
    and `2130706433` are 127.0.0.1 while `0` and `0.0` are 0.0.0.0; an IPv6 address has many
    spellings of one value (RFC 4291 2.2) and `::ffff:127.0.0.1` is the IPv4 loopback mapped.
    A console on a loopback spelling is reachable from the host only (pass); one on an
    unspecified spelling listens on every address without a password (fail). HVA-031 already
    reads all of them by value: no finding, a guard against regressions of R8-1's class."""
    addr, status = LISTEN_SPELLINGS[vm]
    assert verdict(spelled_consoles, "HVA-031", vm) == (
        (status, "console(s) reachable only from the host")
        if status == "pass"
        else (status, f"vnc on {addr} without a password")
    )


# --- HVA-091: one real-time class among non-real-time ones (no finding) --------------------------


def test_round_robin_iothread_beside_batch_and_idle_threads(host_scan) -> None:
    """formatdomain, "CPU Tuning": the scheduler of <vcpusched>, <emulatorsched> and
    <iothreadsched> is one of batch, idle, fifo and rr, the last two real-time (sched(7):
    SCHED_FIFO and SCHED_RR are the real-time policies; SCHED_BATCH and SCHED_IDLE run below
    normal threads). vCPUs batch and an idle emulator starve nothing, but I/O thread 1 under
    rr pre-empts every normal thread on its CPUs: fail, naming only it."""
    xml = domain_xml(
        "mixedsched",
        vcpus=2,
        body="<iothreads>1</iothreads><cputune><vcpusched vcpus='0-1' scheduler='batch'/>"
        "<emulatorsched scheduler='idle'/>"
        "<iothreadsched iothreads='1' scheduler='rr' priority='5'/></cputune>",
    )
    a = host_scan(domains=[xml])
    assert verdict(a, "HVA-091", "mixedsched") == (
        "fail",
        "real-time scheduling: iothreads 1 rr (<iothreadsched>)",
    )
