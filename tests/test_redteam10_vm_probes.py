"""Tenth red-team review, VM side (rt10vm): probes of the VM checks the nine earlier rounds
probed least, and of definition features they did not try.

Counted per check id over tests/test_redteam*_probes.py, tests/test_vm_leads.py and
tests/test_verdict_fixes.py, the libvirt VM checks named least were HVA-012, HVA-091, HVA-054,
HVA-056, HVA-066, HVA-067, HVA-080, HVA-194 and HVA-057. This round tries what libvirt fills
in or keeps as written: a default a driver's post-parse chooses (the TPM version), a host path
two definitions spell differently, device models that are another name for a flagged one, and
a firmware element whose attribute contradicts it. Same harness as
tests/test_redteam3_vm_probes.py: libvirt's test driver serves the domains (libvirt parses and
re-formats every definition before hvaudit reads it) on the replayed hardened host of conftest,
changed only where a probe says so; a Proxmox VE node is the hardened fixture read through
`pve+dir://` (tests/test_redteam2_probes.pve_scan). Each probe asserts the verdict its cited
source proves right, with the message; every fact it rests on was read with the `search` /
`find_string` / `read_file` tools and is cited in its docstring. None repeats a probe of the
nine earlier rounds.

Findings (R10-n): R10-1 HVA-065 passed an emulated TPM whose definition states no version
("per-VM emulated TPM"), though libvirt's QEMU driver makes a tpm-tis (or model-less) TPM on
x86 a TPM 1.2, which the check fails when the version is written (false pass); R10-2 HVA-057
passed two VMs that map one host file shared under two spellings (/dev/shm//pm and
/dev/shm/pm, /srv/./dot/x and /srv/dot/x), and HVA-065 asked about an external swtpm socket two
VMs name in two spellings instead of failing it as shared (false pass; wrong question); R10-3
HVA-047 passed a VM with an ne2k_isa NIC, the NE2000 of the flagged ne2k_pci on the ISA bus,
on libvirt and on Proxmox VE (false pass: its message even said "no ... ne2k NIC"); R10-4
HVA-047 passed a USB mouse and a USB keyboard, QEMU's USB tablet device model on the same USB
host controller that makes the tablet fail (false pass); R10-5 HVA-066 passed <os
firmware='bios'> whose <firmware> lists secure-boot and enrolled-keys: libvirt autoselects only
a BIOS firmware there, none of which has Secure Boot (false pass); R10-6 HVA-047 passed legacy
devices that raw QEMU arguments add (`-device rtl8139`, `-device isa-fdc`, a JSON `-device
{"driver": "cirrus-vga"}`, `-nic user,model=ne2k_pci`; Proxmox VE `args: -device
usb-tablet`), though QEMU builds them as it builds the ones a definition names (false pass);
R10-7 HVA-049 judged the definition's <cpu> (or qm.conf `cpu:`) though a raw `-cpu` comes after
it and replaces it: `-cpu host` over a named model on a nesting host, `-cpu
Skylake-Client,+vmx`, Proxmox `args: -cpu kvm64,+svm` passed (false pass), and `-cpu
host,...,-vmx,svm=off` over a definition requiring vmx failed (wrong fail); R10-8 HVA-080 (and
HVA-081's sum) counted <vcpu> though a raw `-smp 64,maxcpus=64,...`, merged after libvirt's own,
gives the guest 64 vCPUs (false pass); R10-9 HVA-057 did not read a raw `-object
memory-backend-file,mem-path=PATH,share=on`, so a VM mapping another VM's nvdimm file that way,
and that other VM, both passed (false pass; two raw backends on one mem-path, which may be a
directory, are now a question); R10-10 HVA-060 summed <memory> though a raw `-m 65536`,
merged after libvirt's own, gives the guest 64 GiB (false pass of the host's over-commit);
R10-11 HVA-191 said "no bridged or virtual-network interface" for a VM whose raw `-netdev
bridge,br=br0` puts an unfiltered tap on br0 (wrong n/a, a fail) or whose raw `-netdev tap` is
configured by a script (now a question), HVA-197 said "no interface on a Linux host bridge" for
that tap and passed an isolated VM on the same bridge as "isolated" (false pass: isolated ports
talk to non-isolated ones), and HVA-056 said "no TPM device" for a raw `-tpmdev emulator`
(wrong n/a, a pass); R10-12 HVA-092 passed a VM whose raw `-netdev bridge` tap or raw
`-drive` without bps/iops nothing limits (false pass). All fixed on branch rt10vm; no xfail
remains.

Tally: 35 probe cases (30 test functions). 27 cases pin the twelve findings above (each failed
on main before its fix); 8 found nothing, the verdict held: a tpm-crb TPM without a version
(2.0), an nvdimm file of a VM's own, virtio and PS/2 input, a raw memory backend with
share=off (later a fail: it maps a file two VMs map shared and reads their writes, mmap(2);
tests/test_rawnic_probes.py), a raw user-mode NIC, a macvtap network named by its dev attribute, an SEV policy
with NODBG set, and a raw -drive with its own bps/iops. Every finding includes a false pass (R10-10's on the host-level
HVA-060, R10-11's on HVA-197); beside them R10-2 turned a question into the fail it is, R10-7
a wrong fail into a pass, and R10-11 two wrong n/a (HVA-191 now a fail, HVA-056 a pass).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import (
    HARDENED_HOST,
    ReplayRunner,
    _replay_secmodel,
    build_bundle,
    domain_xml,
    from_qemu_driver,
    run_assessment,
    write_node,
)
from hvaudit.bundle import BundleWriter, dump_json
from hvaudit.collect.host import HostCollector
from hvaudit.collect.libvirt import LibvirtCollector, LibvirtTarget
from hvaudit.engine import Assessment
from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan
from test_redteam3_vm_probes import NESTING_HOST, QEMU_NS, replayed_domains, verdict


def _scan(tmp_path: Path, domains: list[str], host: dict[str, Any] = HARDENED_HOST) -> Assessment:
    uri = write_node(tmp_path / "n.xml", domains)
    return run_assessment(build_bundle(tmp_path, uri, host, name="b"))


def q35(name: str, body: str = "", os_el: str | None = None) -> str:
    """A domain on a q35 machine (so HVA-047 judges its devices, not the unnamed machine)."""
    xml = domain_xml(name, body=body)
    return xml.replace(
        "<os><type arch='x86_64'>hvm</type></os>",
        os_el or "<os><type arch='x86_64' machine='q35'>hvm</type></os>",
    )


# --- R10-1: HVA-065, the TPM version libvirt's QEMU driver chooses ----------------------------


@pytest.fixture(scope="module")
def tpms(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp: Path = tmp_path_factory.mktemp("rt10tpm")
    return _scan(
        tmp,
        [
            q35("tis", "<devices><tpm model='tpm-tis'><backend type='emulator'/></tpm></devices>"),
            q35("nomodel", "<devices><tpm><backend type='emulator'/></tpm></devices>"),
            q35("crb", "<devices><tpm model='tpm-crb'><backend type='emulator'/></tpm></devices>"),
        ],
    )


@pytest.mark.parametrize("vm", ["tis", "nomodel"])
def test_tpm_tis_without_a_version_is_a_tpm_1_2(tpms: Assessment, vm: str) -> None:
    """R10-1. libvirt's QEMU driver picks the version of an emulated TPM whose definition
    states none (src/qemu/qemu_domain.c qemuDomainTPMDefPostParse, read with `find_string`): a
    TPM without a model becomes tpm-tis (tpm-spapr on ppc64), and "tpm-tis on x86 defaults to
    TPM 1.2 to preserve the historical behavior, but in all other scenarios we want TPM 2.0
    instead". The QEMU driver writes that version into the definition; the test driver runs no
    such post-parse and returns <backend type='emulator'/> as written, so hvaudit saw no
    version and passed "per-VM emulated TPM (swtpm)". HVA-065 fails a TPM 1.2 ("1.2 lacks the
    algorithms attestation needs", R7-4), and this one is a TPM 1.2."""
    assert verdict(tpms, "HVA-065", vm) == (
        "fail",
        "per-VM emulated TPM 1.2 (no version= on a tpm-tis TPM: libvirt's QEMU driver gives it "
        "1.2 on x86): 1.2 lacks the algorithms attestation needs",
    )


def test_tpm_crb_without_a_version_is_a_tpm_2_0(tpms: Assessment) -> None:
    """Holds (no finding): the same post-parse gives a tpm-crb TPM version 2.0 ("in all other
    scenarios we want TPM 2.0"): the pass stays."""
    assert verdict(tpms, "HVA-065", "crb") == ("pass", "per-VM emulated TPM (swtpm)")


# --- R10-2: one host file in two spellings --------------------------------------------------

NUMA = (
    "<maxMemory slots='2' unit='MiB'>4096</maxMemory><cpu><numa>"
    "<cell id='0' cpus='0' memory='1024' unit='MiB'/></numa></cpu>"
)


def _nvdimm(path: str) -> str:
    return (
        f"{NUMA}<devices><memory model='nvdimm' access='shared'><source><path>{path}</path>"
        "</source><target><size unit='MiB'>128</size><node>0</node></target></memory></devices>"
    )


def _external_tpm(path: str) -> str:
    return (
        "<devices><tpm model='tpm-crb'><backend type='external'>"
        f"<source type='unix' mode='connect' path='{path}'/></backend></tpm></devices>"
    )


@pytest.fixture(scope="module")
def spellings(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp: Path = tmp_path_factory.mktemp("rt10paths")
    return _scan(
        tmp,
        [
            q35("pm1", _nvdimm("/dev/shm//pm")),
            q35("pm2", _nvdimm("/dev/shm/pm")),
            q35("dot1", _nvdimm("/srv/./dot/x")),
            q35("dot2", _nvdimm("/srv/dot/x")),
            q35("own", _nvdimm("/srv/dot/y")),
            q35("sw1", _external_tpm("/run/swtpm//vm.sock")),
            q35("sw2", _external_tpm("/run/swtpm/./vm.sock")),
        ],
    )


@pytest.mark.parametrize(
    ("vm", "path", "other"),
    [
        ("pm1", "/dev/shm//pm", "pm2"),
        ("pm2", "/dev/shm/pm", "pm1"),
        ("dot1", "/srv/./dot/x", "dot2"),
        ("dot2", "/srv/dot/x", "dot1"),
    ],
)
def test_one_shared_file_in_two_spellings_is_shared(
    spellings: Assessment, vm: str, path: str, other: str
) -> None:
    """R10-2. An nvdimm's <source><path> mapped with access='shared' is a file every VM naming
    it sees the writes of (formatdomain, "Memory devices"; HVA-057's own rule). libvirt keeps
    the path as written: its domain parser, which the test and QEMU drivers share, returns
    /dev/shm//pm and /srv/./dot/x unchanged. The kernel resolves both to the other VM's file:
    "multiple successive '/' characters are equivalent to a single '/' character" and "the file
    name component . refers to the directory itself" (glibc manual, "File Name Resolution";
    POSIX, "Pathname": "Multiple successive slashes are considered to be the same as one
    slash"). hvaudit compared the strings and passed both VMs, "no <shmem> device"."""
    assert verdict(spellings, "HVA-057", vm) == (
        "fail",
        f"inter-VM shared memory: {path} (mapped shared by VM(s) {other} too)",
    )


def test_a_file_of_its_own_stays_a_pass(spellings: Assessment) -> None:
    """Holds: /srv/dot/y is no other VM's file, whatever the spellings around it."""
    assert verdict(spellings, "HVA-057", "own") == ("pass", "no <shmem> device")


@pytest.mark.parametrize(
    ("vm", "path", "other"),
    [("sw1", "/run/swtpm//vm.sock", "sw2"), ("sw2", "/run/swtpm/./vm.sock", "sw1")],
)
def test_one_swtpm_socket_in_two_spellings_is_shared(
    spellings: Assessment, vm: str, path: str, other: str
) -> None:
    """R10-2, the same spelling on HVA-065: an external TPM's <source path> is the swtpm's UNIX
    socket (formatdomain, "TPM device", backend type external, since 9.0.0), and two VMs on one
    socket share one TPM, which HVA-065 fails. Spelt /run/swtpm//vm.sock and
    /run/swtpm/./vm.sock the socket is one file (the path resolution above); hvaudit saw two and
    asked the external-swtpm question of each."""
    assert verdict(spellings, "HVA-065", vm) == (
        "fail",
        f"external TPM socket {path} is shared with {other}: one TPM for several VMs",
    )


# --- R10-3, R10-4: HVA-047, a flagged device model under another name -------------------------

PASS_047 = (
    "pass",
    "no floppy, IDE, sound, USB redirection, smartcard, rtl8139/ne2k/pcnet NIC, cirrus or vmvga (VMware SVGA) "
    "video or USB tablet, mouse or keyboard",
)


@pytest.fixture(scope="module")
def legacy(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp: Path = tmp_path_factory.mktemp("rt10legacy")
    return _scan(
        tmp,
        [
            q35(
                "isa",
                "<devices><interface type='user'><model type='ne2k_isa'/>"
                "<address type='isa' iobase='0x300' irq='9'/></interface></devices>",
            ),
            q35(
                "usbhid",
                "<devices><input type='mouse' bus='usb'/><input type='keyboard' bus='usb'/></devices>",
            ),
            q35(
                "virtioin",
                "<devices><input type='mouse' bus='virtio'/><input type='keyboard' bus='virtio'/>"
                "<input type='tablet' bus='virtio'/><input type='mouse' bus='ps2'/>"
                "<input type='keyboard' bus='ps2'/></devices>",
            ),
        ],
    )


def test_isa_ne2000_is_the_ne2k_nic(legacy: Assessment) -> None:
    """R10-3. HVA-047 fails an ne2k_pci NIC for the NE2000 emulation it runs; QEMU's ne2k_isa is
    that emulation on the ISA bus (hw/net/ne2000-isa.c, read with `find_string`: TYPE_ISA_NE2000
    "ne2k_isa" wraps the NE2000State of hw/net/ne2000.c and receives with ne2000_receive).
    libvirt hands a model it has no enum value for to QEMU by name (the test driver keeps
    <model type='ne2k_isa'/>), with the ISA address given. Was a pass whose message said "no
    ... rtl8139/ne2k/pcnet NIC"."""
    assert verdict(legacy, "HVA-047", "isa") == ("fail", "emulated legacy devices: ne2k_isa NIC")


def test_usb_mouse_and_keyboard_are_the_tablets_device(legacy: Assessment) -> None:
    """R10-4. HVA-047 fails the USB tablet because it "brings a whole emulated USB host
    controller" (its docstring). formatdomain, "Input devices": type mouse, tablet or keyboard
    on bus usb; QEMU hw/usb/dev-hid.c (read with `find_string`) defines usb-tablet, usb-mouse
    and usb-kbd alike, each with `.parent = TYPE_USB_HID`: one device model on the same USB
    host controller. A USB mouse and keyboard passed."""
    assert verdict(legacy, "HVA-047", "usbhid") == (
        "fail",
        "emulated legacy devices: USB mouse, USB keyboard",
    )


def test_virtio_and_ps2_input_stay_a_pass(legacy: Assessment) -> None:
    """Holds: virtio-input devices (bus virtio, the remediation's replacement) and the PS/2
    mouse and keyboard libvirt adds to every x86 guest (qemu_domain.c
    qemuDomainDefAddImplicitInputDevice: i8042 on the machine itself) are no USB device."""
    assert verdict(legacy, "HVA-047", "virtioin") == PASS_047


def test_proxmox_ne2k_isa_nic_is_legacy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """R10-3 on Proxmox VE: qm.conf(5) net[n] model takes "e1000 | ... | i82559er | ne2k_isa |
    ne2k_pci | pcnet | rtl8139 | virtio | vmxnet3" (pve-docs, read with `find_string`), and
    hvaudit failed ne2k_pci but passed ne2k_isa."""
    vm201 = (PVE_HARDENED / "etc/pve/qemu-server/201.conf").read_text()
    assert "net0: virtio=BC:24:11:00:00:21," in vm201
    report = pve_scan(
        tmp_path,
        capsys,
        {
            "etc/pve/qemu-server/201.conf": vm201.replace(
                "net0: virtio=BC:24:11:00:00:21,", "net0: ne2k_isa=BC:24:11:00:00:21,"
            )
        },
    )
    assert pve_result(report, "HVA-047", "api-11") == (
        "fail",
        "emulated legacy devices: ne2k_isa NIC",
    )


# --- R10-5: HVA-066, <os firmware='bios'> with Secure Boot features ---------------------------


def test_bios_firmware_with_secure_boot_features_is_bios(tmp_path: Path) -> None:
    """R10-5. formatdomain, "BIOS bootloader": the firmware attribute asks for autoselection of
    a bios or efi firmware, and the <firmware> features "limit what firmware should be
    automatically selected" (read with `read_file`). libvirt's qemu_firmware.c
    qemuFirmwareMatchDomain (read with `find_string`) takes only a descriptor whose interface
    is the one asked ("No matching interface") and, with secure-boot required, only one that
    has it ("User requested Secure Boot, firmware '%s' doesn't support it"): a BIOS has none,
    so the VM boots no Secure Boot firmware (the QEMU driver refuses to select one at all).
    hvaudit read the features and passed "UEFI Secure Boot with enrolled keys"."""
    os_el = (
        "<os firmware='bios'><type arch='x86_64' machine='q35'>hvm</type><firmware>"
        "<feature enabled='yes' name='secure-boot'/><feature enabled='yes' name='enrolled-keys'/>"
        "</firmware></os>"
    )
    a = _scan(tmp_path, [q35("bios", os_el=os_el)])
    assert verdict(a, "HVA-066", "bios") == ("fail", "BIOS firmware: no Secure Boot")


# --- R10-6: HVA-047, legacy devices added by raw QEMU arguments -------------------------------


def test_legacy_devices_added_by_raw_qemu_arguments(tmp_path: Path) -> None:
    """R10-6. libvirt passes <qemu:arg> values to QEMU verbatim (formatdomain, "QEMU
    command-line passthrough"), and QEMU builds a device they name as it builds the one libvirt
    would: `-device rtl8139` is hw/net/rtl8139.c (TYPE_RTL8139 "rtl8139"), `-device isa-fdc` the
    ISA floppy controller of VENOM (include/hw/block/fdc.h TYPE_ISA_FDC "isa-fdc"), JSON
    `-device {"driver": "cirrus-vga"}` the Cirrus VGA (hw/pci/pci.c pci_vga_init
    `pci_create_simple(bus, -1, "cirrus-vga")`; JSON -device since QEMU 6.2), and `-nic
    user,model=ne2k_pci` an NE2000 NIC (qemu-options.hx, -nic model=). HVA-047 fails each of
    them in a definition; as raw arguments they passed on a q35 machine, "no floppy, IDE, ...".
    HVA-046 fails the raw arguments as such; HVA-047 must not call the devices absent (R8-3's
    rule for raw virtiofs, R5-3's for raw ivshmem). Replayed as a daemon with the QEMU driver
    reports it (the test driver drops the QEMU namespace)."""
    args = [
        "-device",
        "rtl8139,netdev=n1",
        "-device",
        "isa-fdc",
        "-device",
        '{"driver": "cirrus-vga", "id": "v1"}',
        "-nic",
        "user,model=ne2k_pci",
    ]
    xml = (
        f"<domain type='kvm' xmlns:qemu='{QEMU_NS}'><name>rawold</name>"
        "<uuid>6a2f1c2e-0000-4000-8000-0000000a1006</uuid><memory unit='MiB'>512</memory>"
        "<vcpu>1</vcpu><os><type arch='x86_64' machine='pc-q35-8.2'>hvm</type></os>"
        "<qemu:commandline>"
        + "".join(f"<qemu:arg value='{a}'/>" for a in args)
        + "</qemu:commandline></domain>"
    )
    a = run_assessment(replayed_domains(tmp_path, {"rawold": xml}))
    assert verdict(a, "HVA-047", "rawold") == (
        "fail",
        "emulated legacy devices: rtl8139 NIC (QEMU argument -device rtl8139,netdev=n1), floppy "
        "controller (QEMU argument -device isa-fdc), cirrus video (QEMU argument -device "
        '{"driver": "cirrus-vga", "id": "v1"}), ne2k_pci NIC (QEMU argument -nic '
        "user,model=ne2k_pci)",
    )


def test_proxmox_args_usb_tablet_is_legacy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R10-6 on Proxmox VE: qm.conf(5) `args:` "Arbitrary arguments passed to kvm" reach QEMU as
    written, so `args: -device usb-tablet` adds the USB tablet that `tablet: 0` left out
    (hw/usb/dev-hid.c "usb-tablet"). Was a pass."""
    vm201 = (PVE_HARDENED / "etc/pve/qemu-server/201.conf").read_text()
    assert "tablet: 0" in vm201 and "args:" not in vm201
    report = pve_scan(
        tmp_path,
        capsys,
        {"etc/pve/qemu-server/201.conf": vm201 + "args: -device usb-tablet\n"},
    )
    assert pve_result(report, "HVA-047", "api-11") == (
        "fail",
        "emulated legacy devices: USB tablet (QEMU argument -device usb-tablet)",
    )


# --- R10-7: HVA-049, a raw -cpu replaces the definition's CPU ---------------------------------


def _replayed_on(
    tmp_path: Path, host: dict[str, Any], domains: dict[str, str], autostart: bool = False
) -> Path:
    """`domains` as a daemon with the QEMU driver reports them (it keeps the QEMU namespace
    the test driver drops), on the replayed host `host` (hv1): replayed_domains' artefacts with
    conftest.build_bundle's host."""
    uri = write_node(tmp_path / "n.xml", [domain_xml("plain")])
    writer = BundleWriter(
        tmp_path / "b", target="qemu+ssh://root@hv1/system", platform="kvm-libvirt"
    )
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=True).collect(writer)
    del writer.entries["libvirt/domains/index.json"]
    assert writer.root is not None
    (writer.root / "libvirt/domains/index.json").unlink()
    index = []
    for name, xml in domains.items():
        path = f"libvirt/domains/{name}.xml"
        writer.add(path, xml.encode(), origin="virDomainGetXMLDesc")
        index.append({"uuid": name, "file": path, "autostart": autostart})
    writer.add("libvirt/domains/index.json", dump_json({"domains": index}), origin="test")
    writer.meta["collector"]["libvirt"]["simulated"] = False
    writer.meta["collector"]["libvirt"]["hostname"] = "hv1"
    from_qemu_driver(writer)
    _replay_secmodel(writer, host.get("secmodel", "apparmor"))
    HostCollector(ReplayRunner(host)).collect(writer)
    return writer.close(complete=True)


def _raw_cpu_domain(name: str, cpu_xml: str, *args: str) -> str:
    return (
        f"<domain type='kvm' xmlns:qemu='{QEMU_NS}'><name>{name}</name>"
        f"<uuid>6a2f1c2e-0000-4000-8000-{abs(hash(name)) % 10**12:012d}</uuid>"
        "<memory unit='MiB'>512</memory><vcpu>1</vcpu>"
        "<os><type arch='x86_64' machine='pc-q35-8.2'>hvm</type></os>"
        f"{cpu_xml}<qemu:commandline>"
        + "".join(f"<qemu:arg value='{a}'/>" for a in args)
        + "</qemu:commandline></domain>"
    )


SKYLAKE = "<cpu mode='custom' match='exact'><model fallback='forbid'>Skylake-Client</model></cpu>"
RAW_CPUS = {
    "rawhost": _raw_cpu_domain("rawhost", SKYLAKE, "-cpu", "host"),
    "rawvmx": _raw_cpu_domain("rawvmx", SKYLAKE, "-cpu", "Skylake-Client,+vmx"),
    "rawoff": _raw_cpu_domain(
        "rawoff",
        "<cpu mode='host-passthrough'><feature policy='require' name='vmx'/></cpu>",
        "-cpu",
        "host,vmx=on,-vmx,svm=off",
    ),
}


@pytest.fixture(scope="module")
def raw_cpus(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    return run_assessment(_replayed_on(tmp_path_factory.mktemp("rt10cpu"), NESTING_HOST, RAW_CPUS))


def test_raw_cpu_host_replaces_a_named_model(raw_cpus: Assessment) -> None:
    """R10-7. QEMU keeps the last -cpu it is given (system/vl.c, read with `find_string`: `case
    QEMU_OPTION_cpu: /* hw initialization will check this */ cpu_option = optarg;`), and
    libvirt adds the <qemu:arg> values after its own arguments, -cpu included (qemu_command.c
    qemuBuildCommandLine, read with `read_file`: the `qemucmd->args` loop comes after the
    devices, near the end). So `-cpu host` replaces <model>Skylake-Client</model>: the guest
    gets the host's CPUID, vmx included where KVM nests (formatdomain, host-passthrough), and
    this host's kvm_intel nested reads Y. Was a pass, "CPU mode custom without vmx/svm"."""
    assert verdict(raw_cpus, "HVA-049", "rawhost") == (
        "fail",
        "QEMU argument -cpu host replaces the <cpu> definition: CPU mode host-passthrough passes "
        "the host's vmx/svm through when KVM nests, and the host's KVM has nested on",
    )


def test_raw_cpu_turning_vmx_on_fails(raw_cpus: Assessment) -> None:
    """R10-7: `+vmx` turns the flag on in QEMU's feature syntax (target/i386/cpu.c
    x86_cpu_parse_featurestr, "Parse \"+feature,-feature,feature=foo\" CPU feature string"),
    what <feature policy='require' name='vmx'/> does in a definition, which HVA-049 fails."""
    assert verdict(raw_cpus, "HVA-049", "rawvmx") == (
        "fail",
        "QEMU argument -cpu Skylake-Client,+vmx turns vmx on: the guest can run a hypervisor",
    )


def test_raw_cpu_turning_both_flags_off_passes(raw_cpus: Assessment) -> None:
    """R10-7, the hardened twin: the definition requires vmx, but the raw `-cpu` that replaces
    it turns vmx off with `-vmx`, which "overwrites any feature set by feat=on|feat even if the
    later is parsed after +-feat" (QEMU target/i386/cpu.c, above x86_cpu_parse_featurestr), and
    svm with svm=off: the guest gets neither. Was a fail on the definition's policy='require'."""
    assert verdict(raw_cpus, "HVA-049", "rawoff") == (
        "pass",
        "QEMU argument -cpu host,vmx=on,-vmx,svm=off replaces the <cpu> definition: vmx/svm "
        "policy='disable'",
    )


def test_proxmox_args_cpu_turning_svm_on_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R10-7 on Proxmox VE: qemu-server pushes `args:` after the -cpu it builds from `cpu:`
    (QemuServer.pm config_to_command, "# add custom args", read with `find_string`), so
    `args: -cpu kvm64,+svm` replaces `cpu: x86-64-v2-AES` and turns svm on. Was a pass, "cpu:
    x86-64-v2-AES (a named model ...)"."""
    vm201 = (PVE_HARDENED / "etc/pve/qemu-server/201.conf").read_text()
    assert "cpu: x86-64-v2-AES" in vm201 and "args:" not in vm201
    report = pve_scan(
        tmp_path, capsys, {"etc/pve/qemu-server/201.conf": vm201 + "args: -cpu kvm64,+svm\n"}
    )
    assert pve_result(report, "HVA-049", "api-11") == (
        "fail",
        "QEMU argument -cpu kvm64,+svm turns svm on: the guest can run a hypervisor",
    )


# --- R10-8: HVA-080, a raw -smp gives the guest more vCPUs than <vcpu> -------------------------


def test_raw_smp_gives_more_vcpus_than_the_definition(tmp_path: Path) -> None:
    """R10-8. QEMU merges every -smp into one set of values, a later key winning (system/vl.c
    machine_parse_property_opt -> keyval_merge, read with `find_string`: "for scalar values,
    @merged wins"; older QEMU's qemu_smp_opts `.merge_lists = true`, implied key cpus), and
    libvirt adds the <qemu:arg> values after its own -smp (qemu_command.c qemuBuildCommandLine).
    `-smp 64,maxcpus=64,sockets=64,cores=1,threads=1` over <vcpu>2</vcpu> runs 64 vCPUs on a
    host whose physical cores are far fewer. Was a pass, "2 vCPU(s) on a host with ...", and
    HVA-081 counted 2."""
    xml = _raw_cpu_domain(
        "rawsmp", "", "-smp", "64,maxcpus=64,sockets=64,cores=1,threads=1"
    ).replace("<vcpu>1</vcpu>", "<vcpu>2</vcpu>")
    a = run_assessment(_replayed_on(tmp_path, HARDENED_HOST, {"rawsmp": xml}))
    assert verdict(a, "HVA-080", "rawsmp") == (
        "fail",
        "64 vCPU(s) (QEMU argument -smp 64,maxcpus=64,sockets=64,cores=1,threads=1) on a host "
        "with 8 physical core(s)",
    )


# --- R10-9: HVA-057, a file raw QEMU arguments map shared -------------------------------------


def _ns_domain(name: str, body: str, *args: str) -> str:
    return _raw_cpu_domain(name, body, *args)


@pytest.fixture(scope="module")
def raw_memory(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    backend = "memory-backend-file,id=m0,mem-path={},share={},size=128M"
    domains = {
        "rawpm": _ns_domain(
            "rawpm",
            "",
            "-object",
            backend.format("/dev/shm/pm", "on"),
            "-device",
            "nvdimm,memdev=m0",
        ),
        "xmlpm": _ns_domain("xmlpm", _nvdimm("/dev/shm/pm")),
        "rawc": _ns_domain("rawc", "", "-object", backend.format("/srv/mem", "on")),
        "rawd": _ns_domain("rawd", "", "-object", backend.format("/srv/mem", "on")),
        "rawe": _ns_domain("rawe", "", "-object", backend.format("/dev/shm/pm", "off")),
    }
    return run_assessment(_replayed_on(tmp_path_factory.mktemp("rt10mem"), HARDENED_HOST, domains))


def test_raw_memory_backend_sharing_an_nvdimm_file(raw_memory: Assessment) -> None:
    """R10-9. qemu-options.hx, -object memory-backend-file (read with `find_string`): "The
    mem-path provides the path to either a shared memory or huge page filesystem mount", and
    "The share boolean option determines whether the memory region is marked as private to
    QEMU, or shared"; libvirt passes <qemu:arg> values verbatim. xmlpm maps /dev/shm/pm as its
    nvdimm (a file, formatdomain "Memory devices"), and rawpm maps the same file with share=on:
    each sees the other's writes. Both passed, "no <shmem> device" (rawpm's mapping unread,
    xmlpm's partner unseen)."""
    arg = "-object memory-backend-file,id=m0,mem-path=/dev/shm/pm,share=on,size=128M"
    assert verdict(raw_memory, "HVA-057", "rawpm") == (
        "fail",
        f"inter-VM shared memory: QEMU argument {arg} (mapped shared by VM(s) xmlpm too; "
        "mapped private by VM(s) rawe, which read its writes)",
    )
    assert verdict(raw_memory, "HVA-057", "xmlpm") == (
        "fail",
        "inter-VM shared memory: /dev/shm/pm (mapped shared by VM(s) rawpm too; mapped private "
        "by VM(s) rawe, which read its writes)",
    )


def test_raw_memory_backends_on_one_path_are_a_question(raw_memory: Assessment) -> None:
    """R10-9: a mem-path only raw arguments name may be a directory ("a shared memory or huge
    page filesystem mount"), in which QEMU maps a file of each VM's own, or a file both map:
    the evidence does not say which, so one question (was a pass)."""
    arg = "-object memory-backend-file,id=m0,mem-path=/srv/mem,share=on,size=128M"
    assert verdict(raw_memory, "HVA-057", "rawc") == (
        "manual",
        f"memory backend(s) shared by raw QEMU arguments of several VMs: QEMU argument {arg} "
        "(mapped shared by VM(s) rawd too)",
    )


def test_raw_memory_backend_kept_private_reads_the_sharers_writes(raw_memory: Assessment) -> None:
    """share=off maps the file private to QEMU (qemu-options.hx above), but xmlpm and rawpm map
    the same file shared, and a MAP_PRIVATE page shows the file until the VM writes it (mmap(2):
    "It is unspecified whether changes made to the file after the mmap() call are visible in
    the mapped region"; on Linux they are): rawe reads their writes. This probe held it a pass
    ("no channel"); rawnic made it a fail (tests/test_rawnic_probes.py)."""
    arg = "-object memory-backend-file,id=m0,mem-path=/dev/shm/pm,share=off,size=128M"
    assert verdict(raw_memory, "HVA-057", "rawe") == (
        "fail",
        f"inter-VM shared memory: QEMU argument {arg} (mapped private here, which reads what "
        "VM(s) rawpm, xmlpm write into it shared)",
    )


# --- R10-10: HVA-060, a raw -m gives the guest more memory than <memory> -----------------------


def test_raw_m_counts_in_the_memory_overcommit(tmp_path: Path) -> None:
    """R10-10. QEMU merges every -m into one set of values (system/vl.c, read with
    `find_string`: `case QEMU_OPTION_m: opts = qemu_opts_parse_noisily(qemu_find_opts("memory"),
    optarg, true)`, qemu_mem_opts `.implied_opt_name = "size"`, `.merge_lists = true`), and
    libvirt adds the <qemu:arg> values after its own -m (qemu_command.c qemuBuildCommandLine),
    so `-m 65536` (qemu-options.hx "-m [size=]megs", MiB without a suffix) gives the autostart
    guest 64 GiB whatever <memory unit='MiB'>512</memory> says. HVA-060 summed 512 MiB."""
    xml = _raw_cpu_domain("rawmem", "", "-m", "65536")
    a = run_assessment(_replayed_on(tmp_path, HARDENED_HOST, {"rawmem": xml}, autostart=True))
    assert verdict(a, "HVA-060", "hv1") == (
        "fail",
        "1 running or autostart VM(s) configured with 64.0 GiB on 16.0 GiB of host RAM: ratio "
        "4.00 (limit 1.5)",
    )


# --- R10-11: a tap or TPM that raw QEMU arguments add is there --------------------------------


@pytest.fixture(scope="module")
def raw_taps(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    domains = {
        "rawbr": _ns_domain(
            "rawbr", "", "-netdev", "bridge,id=n1,br=br0", "-device", "virtio-net-pci,netdev=n1"
        ),
        "rawtap": _ns_domain(
            "rawtap", "", "-netdev", "tap,id=n2,ifname=vm9", "-device", "virtio-net-pci,netdev=n2"
        ),
        "rawslirp": _ns_domain("rawslirp", "", "-nic", "user,model=virtio-net-pci"),
        "isobr": _ns_domain(
            "isobr",
            "<devices><interface type='bridge'><source bridge='br0'/>"
            "<mac address='52:54:00:10:00:01'/><port isolated='yes'/></interface></devices>",
        ),
        "rawtpm": _ns_domain(
            "rawtpm",
            "",
            "-chardev",
            "socket,id=c1,path=/run/sw.sock",
            "-tpmdev",
            "emulator,id=t1,chardev=c1",
            "-device",
            "tpm-crb,tpmdev=t1",
        ),
    }
    return run_assessment(_replayed_on(tmp_path_factory.mktemp("rt10tap"), HARDENED_HOST, domains))


def test_raw_bridge_tap_has_no_spoofing_filter(raw_taps: Assessment) -> None:
    """R10-11. qemu-options.hx (read with `find_string`): `-netdev bridge,id=id[,br=bridge]`
    "Connect a host TAP network interface to a host bridge device ... the default bridge device
    is br0". libvirt's nwfilter binds filters to the interfaces libvirt starts (hvaudit.parse
    _spoofing: qemu_interface.c calls virDomainConfNWFilterInstantiate from
    qemuInterfaceBridgeConnect and qemuInterfaceEthernetConnect only), so this tap on br0 has no
    MAC, IP or ARP filter. Was n/a, "no bridged or virtual-network interface"."""
    assert verdict(raw_taps, "HVA-191", "rawbr") == (
        "fail",
        "QEMU argument -netdev bridge,id=n1,br=br0: a tap on bridge br0 that no libvirt nwfilter "
        "covers",
    )


def test_raw_scripted_tap_is_a_question(raw_taps: Assessment) -> None:
    """R10-11: `-netdev tap` without helper= runs "the network script file to configure it"
    ("The default network configure script is /etc/qemu-ifup", qemu-options.hx): which bridge
    it joins and what filters it is the script's, not in the evidence. One question (was n/a)."""
    assert verdict(raw_taps, "HVA-191", "rawtap") == (
        "manual",
        "host tap(s) opened by raw arguments, configured by a script or a passed file "
        "descriptor: QEMU argument -netdev tap,id=n2,ifname=vm9",
    )


def test_raw_user_mode_nic_stays_not_applicable(raw_taps: Assessment) -> None:
    """Holds: a user-mode (SLIRP) NIC's frames end in QEMU's own network stack, with no switch
    port to spoof from (hvaudit.parse._spoofing): n/a stays right."""
    assert verdict(raw_taps, "HVA-191", "rawslirp") == (
        "not_applicable",
        "no bridged or virtual-network interface",
    )


def test_raw_tpm_emulator_is_no_host_tpm(raw_taps: Assessment) -> None:
    """R10-11: `-tpmdev emulator,chardev=ID` "Enable[s] access to a TPM emulator using Unix
    domain socket based chardev backend" (qemu-options.hx): the VM has a TPM, an emulated one,
    not the host's. HVA-056 said "no TPM device" (n/a of a device that exists)."""
    assert verdict(raw_taps, "HVA-056", "rawtpm") == (
        "pass",
        "QEMU argument -tpmdev emulator,id=t1,chardev=c1: an emulated TPM (swtpm), not the host's",
    )


def test_raw_bridge_tap_is_a_port_nothing_isolates(raw_taps: Assessment) -> None:
    """R10-11 on HVA-197: the tap `-netdev bridge,br=br0` adds is a port of br0 whose isolated
    flag nothing sets (qemu-bridge-helper only adds it to the bridge; libvirt's <port
    isolated='yes'/> is for its own interfaces, formatdomain "Isolating guests's network traffic
    from each other"), so rawbr has the non-isolated port's question (was n/a, "no interface on
    a Linux host bridge"), and isobr's isolated port on br0 still exchanges frames with it:
    "isolated ports ... can still communicate with non-isolated ports" (Linux 7d850abd5f4e, the
    check's docstring). isobr passed, "1 bridge port(s) isolated". Asked with it in the same item
    (R34W-6): rawtap's tap, which its script sets up, may be a port of br0 too."""
    assert verdict(raw_taps, "HVA-197", "rawbr") == (
        "manual",
        "port(s) not isolated: QEMU argument -netdev bridge,id=n1,br=br0 on br0",
    )
    assert verdict(raw_taps, "HVA-197", "isobr") == (
        "manual",
        "1 bridge port(s) isolated, but VM(s) rawbr on the same bridge are not: isolated ports "
        "still exchange frames with them; 1 bridge port(s) isolated, but VM(s) rawtap have taps "
        "set up outside libvirt, which may be ports of the same bridge without isolation",
    )


# --- probes that found nothing (the verdicts held) ---------------------------------------------


@pytest.fixture(scope="module")
def held(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp: Path = tmp_path_factory.mktemp("rt10held")
    nets = [
        "<network><name>mvbr</name><forward mode='bridge' dev='eth1'/></network>",
        "<network><name>mvpriv</name><forward mode='private'><interface dev='eth1'/></forward>"
        "</network>",
    ]
    doms = [
        q35(
            "onmvbr",
            "<devices><interface type='network'><source network='mvbr'/></interface></devices>",
        ),
        q35(
            "onmvpriv",
            "<devices><interface type='network'><source network='mvpriv'/></interface></devices>",
        ),
        q35(
            "sevnodbg",
            "<launchSecurity type='sev'><cbitpos>47</cbitpos><reducedPhysBits>1</reducedPhysBits>"
            "<policy>0x0003</policy></launchSecurity>",
        ),
    ]
    uri = write_node(tmp / "n.xml", doms, nets)
    return run_assessment(build_bundle(tmp, uri, HARDENED_HOST, name="b"))


def test_macvtap_network_with_a_dev_attribute_is_bridge_mode(held: Assessment) -> None:
    """Holds: a network whose <forward mode='bridge'> names its device by the dev attribute and
    has no <bridge> is a macvtap network in bridge mode (formatnetwork, "Direct attachment to
    physical interface"), and libvirt's test driver returns the spelling as given: HVA-194
    fails it as it fails <interface dev> children."""
    assert verdict(held, "HVA-194", "onmvbr") == (
        "fail",
        "macvtap bridge mode on network mvbr",
    )
    assert verdict(held, "HVA-194", "onmvpriv") == ("pass", "macvtap modes: private")


def test_sev_policy_with_nodbg_set_passes(held: Assessment) -> None:
    """Holds: SEV policy bit 0 is NODBG, "debugging of the guest is disallowed when set" (QEMU
    target/i386/sev.h SEV_POLICY_NODBG, the check's docstring); 0x0003 sets it, so the host
    cannot decrypt the guest through the debug commands: HVA-067 passes."""
    assert verdict(held, "HVA-067", "sevnodbg") == ("pass", "launch security sev")


# --- R10-12: HVA-092, a disk or tap raw QEMU arguments add is unlimited ------------------------

LIMITED_DISK = (
    "<devices><disk type='file' device='disk'>"
    "<source file='/var/lib/libvirt/images/a.qcow2'/><target dev='vda' bus='virtio'/>"
    "<iotune><total_bytes_sec>10000000</total_bytes_sec><total_iops_sec>1000</total_iops_sec>"
    "</iotune></disk></devices>"
)


@pytest.fixture(scope="module")
def raw_io(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    domains = {
        "rawnicio": _ns_domain(
            "rawnicio",
            LIMITED_DISK,
            "-netdev",
            "bridge,id=n1,br=br0",
            "-device",
            "virtio-net-pci,netdev=n1",
        ),
        "rawdrive": _ns_domain(
            "rawdrive", LIMITED_DISK, "-drive", "file=/srv/b.img,if=virtio,format=raw"
        ),
        "rawthrottled": _ns_domain(
            "rawthrottled", LIMITED_DISK, "-drive", "file=/srv/c.img,if=virtio,bps=2000000,iops=500"
        ),
    }
    return run_assessment(_replayed_on(tmp_path_factory.mktemp("rt10io"), HARDENED_HOST, domains))


def test_raw_tap_and_drive_are_unlimited(raw_io: Assessment) -> None:
    """R10-12. HVA-092 fails a disk without <iotune> rates and an interface without an outbound
    <bandwidth>. A raw `-netdev bridge,br=br0` tap is shaped by no <bandwidth> (libvirt shapes
    the interfaces it starts) and QEMU's netdevs take no rate; a raw `-drive` is limited only by
    its own "bps=b,bps_rd=r,bps_wr=w ... iops=i,iops_rd=r,iops_wr=w" (qemu-options.hx, read
    with `find_string`). Both VMs passed, "1 disk(s) and 0 interface(s) limited (outbound)"."""
    assert verdict(raw_io, "HVA-092", "rawnicio") == (
        "fail",
        "QEMU argument -netdev bridge,id=n1,br=br0: a tap on br0 no <bandwidth> shapes",
    )
    assert verdict(raw_io, "HVA-092", "rawdrive") == (
        "fail",
        "QEMU argument -drive file=/srv/b.img,if=virtio,format=raw: no read and write rate limit",
    )


def test_raw_drive_with_its_own_rates_stays_a_pass(raw_io: Assessment) -> None:
    """Holds: bps= and iops= limit all request types of that drive (qemu-options.hx above)."""
    assert verdict(raw_io, "HVA-092", "rawthrottled") == (
        "pass",
        "1 disk(s) and 0 interface(s) limited (outbound)",
    )
