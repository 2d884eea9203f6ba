"""Thirteenth red-team review, VM side (rt13vm): definition elements no earlier round probed.

Same harness as tests/test_redteam3_vm_probes.py: libvirt's test driver serves the domains
(libvirt parses and re-formats every definition before hvaudit reads it) on the replayed
hardened host of conftest, or its SELinux variant (tests/test_redteam_probes.SELINUX_HOST),
changed only where a probe says so. Every fact a probe rests on was read with the `search` /
`find_string` / `read_file` tools and is cited in its docstring. None repeats a probe of the
twelve earlier rounds, tests/test_rawnic_probes.py, tests/test_leads10.py or
tests/test_vm_leads.py.

Findings (R13-n): R13-1 HVA-044 passed an SELinux-confined VM whose serial, console,
parallel or channel <source> carries a <seclabel model='selinux'> of its own, which libvirt's
virSecuritySELinuxSetChardevLabel honours as it does a disk's (R11-1): relabel='no' leaves the
file's label as it is, a <label> replaces the VM's image label (false pass; a fail where the
label has no MCS category, else R11-1's question, naming the device). R13-2 HVA-066 asked of a
Secure Boot VM that boots a kernel directly (<os><kernel>, raw `-kernel`) only whether its
variable store has Secure Boot on, though OVMF's legacy Linux loader boots a kernel that fails
verification unless the firmware has, and keeps off, its EnableLegacyLoader option (edk2
pull requests #10628 and #11873, CVE-2025-2296): a pass by that question's answer was false
(wrong question; now the firmware's question, naming the kernel and the option). R13-3
HVA-047 passed QEMU's VMware SVGA adapter (libvirt <video><model type='vmvga'>, raw `-vga
vmware` / `-device vmware-svga`, Proxmox VE `vga: vmware`), a legacy VGA emulation with
cirrus's kind of history (CVE-2014-3689) beside the cirrus card it fails (false pass; now the
fail "vmvga video"). R13-4 HVA-044 passed an SELinux-confined VM whose UEFI variable store
(`<os><nvram type='file'><source>`) carries a <seclabel> of its own, which libvirt honours as
a disk's (virSecuritySELinuxSetAllLabel labels the store with virSecuritySELinuxSetImageLabel):
with no MCS category any VM may rewrite its Secure Boot variables (false pass; the fail, or
R11-1's question for relabel='no').

Held: a unix channel QEMU binds (libvirt labels no listen socket), a DAC-only chardev
seclabel, a Secure Boot VM that boots from disk (the store's question), a BIOS VM that boots a
kernel directly (the fail it had), the std VGA on q35, a variable store without an override,
a raw `-sandbox off` after libvirt's `-sandbox on` (QEMU runs parse_sandbox for each
-sandbox and a loaded seccomp filter stays: HVA-045's host pass stands, HVA-046 fails the
argument), and an rbd or nbd disk whose <source> carries an SELinux <seclabel> (libvirt labels
no network storage, so it overrides nothing: the pass stands).

Tally: 21 probe cases (14 test functions). 12 cases pin R13-1..R13-4 (each failed on main
before its fix: R13-1 3, R13-2 3, R13-3 4, R13-4 2); 9 found nothing, the verdict held.

Leads left (not settled in the time): libvirt 9.0's domain parser (the test driver's, run
here) drops a <seclabel> on the source of a passthrough <smartcard>, a <redirdev> and an EGD
<rng>; whether a later libvirt keeps one there (security_selinux.c labels a passthrough
smartcard with virSecuritySELinuxSetChardevLabel, which would honour it) was not read, and
R13-1 reads no smartcard or rng source; every fw_cfg value is redacted from the bundle
(hvaudit.redact.redact_xml), so a definition's opt/org.tianocore/EnableLegacyLoader=no can
never be read, and the host's OVMF build is not collected (R13-2 stays a question where both
would settle it); <input type='evdev'> hands the host's own keyboard or mouse to the guest and
no check reads it; HVA-047 does not flag other old emulations with a CVE history (vmxnet3,
the eepro100 family i82551/i82557b/i82559er, the ISA ib700 watchdog), a catalog decision.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HARDENED_HOST, build_bundle, domain_xml, run_assessment, write_node
from hvaudit.engine import Assessment
from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan
from test_redteam3_vm_probes import QEMU_NS, verdict
from test_redteam10_vm_probes import _replayed_on
from test_redteam_probes import SELINUX_HOST

DYNAMIC = "<seclabel type='dynamic' model='selinux'/>"
NO_MCS = (
    "<seclabel model='selinux' relabel='yes'>"
    "<label>system_u:object_r:svirt_image_t:s0</label></seclabel>"
)
KEEP = "<seclabel model='selinux' relabel='no'/>"


def _question(vm: str, paths: str) -> str:
    return (
        f"Does each disk or character device file of VM {vm} on host hv1 whose own <seclabel> "
        f"overrides libvirt's labelling ({paths}) carry an SELinux label with the MCS categories "
        f"of this VM alone? Evidence: `ls -Z PATH` for each on hv1, and the VM's label while it "
        f"runs (`virsh dominfo {vm}`, Security label). Pass: yes, each carries exactly the VM's "
        "categories; fail: any carries s0 alone or categories another VM's label dominates, so "
        "that VM's QEMU may open the file."
    )


# --- R13-1: HVA-044, a character device that keeps an SELinux label of its own ---------------


@pytest.fixture(scope="module")
def chardevs(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp: Path = tmp_path_factory.mktemp("rt13chr")
    doms = {
        "serlog": DYNAMIC + "<devices><serial type='file'><source path='/var/log/vm/serlog.log'>"
        f"{NO_MCS}</source><target port='0'/></serial></devices>",
        "kept": "<devices><parallel type='dev'><source path='/dev/parport0'>"
        f"{KEEP}</source></parallel><channel type='unix'>"
        f"<source mode='connect' path='/run/agent/kept.sock'>{KEEP}</source>"
        "<target type='virtio' name='org.example.agent.0'/></channel></devices>",
        "mixed": DYNAMIC + "<devices><disk type='file' device='disk'>"
        f"<source file='/var/lib/libvirt/images/mixed.qcow2'>{KEEP}</source>"
        "<target dev='vda' bus='virtio'/></disk><serial type='pipe'>"
        f"<source path='/run/vm/mixed.pipe'>{KEEP}</source><target port='0'/></serial>"
        "</devices>",
        "bindsock": DYNAMIC + "<devices><channel type='unix'>"
        f"<source mode='bind' path='/run/agent/bindsock.sock'>{KEEP}</source>"
        "<target type='virtio' name='org.example.agent.0'/></channel></devices>",
        "dacchr": DYNAMIC + "<devices><serial type='file'><source path='/var/log/vm/dac.log'>"
        "<seclabel model='dac' relabel='no'/></source><target port='0'/></serial></devices>",
    }
    uri = write_node(tmp / "n.xml", [domain_xml(k, body=v) for k, v in doms.items()])
    return run_assessment(build_bundle(tmp, uri, SELINUX_HOST, name="b"))


def test_serial_file_given_a_label_without_categories_fails(chardevs: Assessment) -> None:
    """R13-1. formatdomain, "Security label": the per-source <seclabel> that R11-1 read on a
    disk is allowed on a character device's <source> too, and libvirt 9.0.0's test driver keeps
    it on a serial, parallel, console and channel (run here: it drops it on a smartcard, a
    redirdev and an EGD rng). libvirt src/security/security_selinux.c
    virSecuritySELinuxSetChardevLabel (read with `find_string`): `if (chr_seclabel &&
    !chr_seclabel->relabel) return 0;` then `if (chr_seclabel) imagelabel =
    chr_seclabel->label; if (!imagelabel) imagelabel = seclabel->imagelabel;`, set on the path of
    a file or dev source (and PATH.in/PATH.out of a pipe, a unix socket QEMU connects to). So
    the serial log of this VM is labelled svirt_image_t:s0, with no MCS category, which every
    VM's label dominates (virSecuritySELinuxMCSFind, HVA-044's docstring): any VM's QEMU may
    open the file. HVA-044 passed "dynamic selinux label (generated at every start)" (false
    pass); a fail, as for such a disk (R11-1)."""
    assert verdict(chardevs, "HVA-044", "serlog") == (
        "fail",
        "dynamic selinux label (generated at every start), but serial /var/log/vm/serlog.log is "
        "given SELinux label system_u:object_r:svirt_image_t:s0 by its own <seclabel>: no MCS "
        "category, so every VM's label dominates it and any VM may open the device",
    )


@pytest.mark.parametrize(
    ("vm", "what", "listed", "paths"),
    [
        (
            "kept",
            "no <seclabel>: driver default, a dynamic selinux label, but character device(s)",
            "parallel /dev/parport0 relabel='no' (libvirt leaves its label as it is); channel "
            "/run/agent/kept.sock relabel='no' (libvirt leaves its label as it is)",
            "/dev/parport0, /run/agent/kept.sock",
        ),
        (
            "mixed",
            "dynamic selinux label (generated at every start), but disk(s) and character device(s)",
            "disk /var/lib/libvirt/images/mixed.qcow2 relabel='no' (libvirt leaves its label as "
            "it is); serial /run/vm/mixed.pipe relabel='no' (libvirt leaves its label as it is)",
            "/var/lib/libvirt/images/mixed.qcow2, /run/vm/mixed.pipe",
        ),
    ],
)
def test_character_device_left_unlabelled_is_a_question(
    chardevs: Assessment, vm: str, what: str, listed: str, paths: str
) -> None:
    """R13-1. relabel='no' on a character device's source: virSecuritySELinuxSetChardevLabel
    returns before labelling (above), so the host device /dev/parport0 and the socket QEMU
    connects to keep whatever label they have; whether it carries this VM's categories is not
    in the evidence: R11-1's question, for these files. HVA-044 passed both VMs (the driver
    default's pass; "dynamic selinux label (generated at every start)" for the VM whose disk
    alone R11-1 already asked about, the pipe unnamed)."""
    status, msg = verdict(chardevs, "HVA-044", vm)
    assert (status, msg) == (
        "manual",
        f"{what} keep an SELinux label of their own (<seclabel> on the device source): {listed}",
    )
    result = next(
        r for r in chardevs.results if r.check.id == "HVA-044" and r.outcome.subject.name == vm
    )
    assert result.outcome.question == _question(vm, paths)


@pytest.mark.parametrize("vm", ["bindsock", "dacchr"])
def test_listen_socket_and_dac_override_keep_the_pass(chardevs: Assessment, vm: str) -> None:
    """Holds. A unix channel in mode='bind' is a socket QEMU creates itself: libvirt 9.0's
    virSecuritySELinuxSetChardevLabel labels a unix source only `if
    (!dev_source->data.nix.listen)` (read with `find_string`), so its <seclabel> changes no
    label. A DAC-only <seclabel model='dac' relabel='no'> is virSecurityDACSetChardevLabel's
    (ownership), not SELinux's: the VM's MCS isolation of the file stands."""
    assert verdict(chardevs, "HVA-044", vm) == (
        "pass",
        "dynamic selinux label (generated at every start)",
    )


# --- R13-2: HVA-066, a Secure Boot VM that boots a kernel directly ---------------------------

SB_OS = (
    "<os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type><firmware>"
    "<feature enabled='yes' name='secure-boot'/><feature enabled='yes' name='enrolled-keys'/>"
    "</firmware>{boot}</os><features><smm state='on'/></features>"
)
KERNEL = (
    "<kernel>/var/lib/libvirt/boot/vmlinuz</kernel><initrd>/var/lib/libvirt/boot/initrd.img"
    "</initrd><cmdline>console=ttyS0 root=/dev/vda1</cmdline>"
)
PLAIN_OS = "<os><type arch='x86_64'>hvm</type></os>"
ASKED = (
    "UEFI Secure Boot with enrolled keys (firmware features secure-boot and enrolled-keys); "
    "the VM's variable store was created from the template they select, whether Secure Boot is "
    "on now is in the store"
)


def _kernel_question(vm: str) -> str:
    return (
        f"Does the UEFI firmware of VM {vm} on host hv1 refuse a directly booted kernel that "
        "fails Secure Boot verification, with Secure Boot on in the VM's variable store? "
        "Evidence: the OVMF (edk2) package on the host and whether its build has the "
        "opt/org.tianocore/EnableLegacyLoader option (tianocore/edk2 pull request #10628) and "
        "which default (off since pull request #11873), the VM's <sysinfo type='fwcfg'> entry "
        f"of that name (`virsh dumpxml {vm}`), and `mokutil --sb-state` in the guest. Pass: the "
        "firmware has the option, the legacy loader is off (its default there, or the entry is "
        "no, n, false, disable, disabled or 0) and Secure Boot is enabled; fail: the firmware "
        "predates the option or the legacy loader is on (a kernel that fails verification boots "
        "anyway), or Secure Boot is off in the store."
    )


@pytest.fixture(scope="module")
def kernels(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp: Path = tmp_path_factory.mktemp("rt13krn")
    doms = {
        "sbkernel": (SB_OS.format(boot=KERNEL), ""),
        "sbknob": (
            SB_OS.format(boot=KERNEL),
            "<sysinfo type='fwcfg'><entry name='opt/org.tianocore/EnableLegacyLoader'>no"
            "</entry></sysinfo>",
        ),
        "sbdisk": (SB_OS.format(boot="<boot dev='hd'/>"), ""),
        "biosker": (PLAIN_OS.replace("</os>", KERNEL + "</os>"), ""),
    }
    uri = write_node(
        tmp / "n.xml",
        [domain_xml(k, body=body).replace(PLAIN_OS, os_xml) for k, (os_xml, body) in doms.items()],
    )
    return run_assessment(build_bundle(tmp, uri, HARDENED_HOST, name="b"))


@pytest.mark.parametrize(
    ("vm", "said"),
    [
        ("sbkernel", "the VM does not set opt/org.tianocore/EnableLegacyLoader"),
        ("sbknob", "the VM sets opt/org.tianocore/EnableLegacyLoader to 'no'"),
    ],
)
def test_direct_kernel_boot_under_secure_boot_asks_about_the_legacy_loader(
    kernels: Assessment, vm: str, said: str
) -> None:
    """R13-2. formatdomain's direct kernel boot (<os><kernel>, <initrd>, <cmdline>: QEMU's
    `-kernel`) hands OVMF a kernel from a host file through fw_cfg. edk2 OvmfPkg/Library/
    X86QemuLoadImageLib/X86QemuLoadImageLib.c QemuLoadKernelImage (read with `find_string`):
    after LoadImage returns EFI_SECURITY_VIOLATION or EFI_ACCESS_DENIED, "We are running with
    UEFI secure boot enabled, and the image failed to authenticate. For compatibility reasons,
    we fall back to the legacy loader in this case"; OvmfPkg/RUNTIME_CONFIG.md ("Security:
    opt/org.tianocore/EnableLegacyLoader", read with `read_file`): "The legacy loader will not
    do secure boot verification though. Disabling the legacy loader using this option will
    plug that hole ... For now the legacy loader is enabled by default". tianocore/edk2 pull
    request #10628 added the option, #11873 (2025-12-10) turned its default off, citing
    GHSA-6pp6-cm5h-86g5 and CVE-2025-2296 (read with `search`); OVMF reads the entry's value
    with QemuFwCfgParseBool (QemuFwCfgSimpleParser.c mFalseString: false, no, n, disable,
    disabled, 0). HVA-066 asked only whether the store has Secure Boot on, whose pass answer
    ("Secure Boot enabled with the template's keys") passes a VM whose firmware boots any
    kernel the host names (wrong question, a false pass by its answer). Now the question is
    the firmware's; a definition that sets the option off (a boolean word, which the bundle
    keeps: hvaudit.redact.FW_CFG_BOOLEANS) still needs firmware that has it (an older OVMF
    ignores the entry)."""
    status, msg = verdict(kernels, "HVA-066", vm)
    assert (status, msg) == (
        "manual",
        f"{ASKED}; but the VM boots kernel /var/lib/libvirt/boot/vmlinuz (<os><kernel>) "
        "directly, which OVMF's legacy Linux loader starts without Secure Boot verification "
        f"when verification fails ({said})",
    )
    result = next(
        r for r in kernels.results if r.check.id == "HVA-066" and r.outcome.subject.name == vm
    )
    assert result.outcome.question == _kernel_question(vm)


@pytest.mark.parametrize(
    ("vm", "status", "msg"),
    [
        ("sbdisk", "manual", ASKED),
        ("biosker", "fail", "BIOS firmware: no Secure Boot"),
    ],
)
def test_disk_boot_and_bios_kernel_boot_keep_their_verdicts(
    kernels: Assessment, vm: str, status: str, msg: str
) -> None:
    """Holds. Without a direct kernel the store's question stands; a BIOS VM that boots a
    kernel directly has no Secure Boot at all, the fail it had."""
    assert verdict(kernels, "HVA-066", vm) == (status, msg)


def test_raw_kernel_beside_a_resolved_secure_loader_asks_about_the_legacy_loader(
    tmp_path: Path,
) -> None:
    """R13-2, raw arguments. A raw `-kernel` (libvirt <qemu:commandline>, added after
    libvirt's own options) boots that kernel the same way, and a raw `-fw_cfg
    name=opt/org.tianocore/EnableLegacyLoader,string=no` is the option QEMU hands OVMF
    (qemu-options.hx `-fw_cfg [name=]name,string=str`; OvmfPkg/RUNTIME_CONFIG.md's own usage
    line). The definition names the SMM loader and the variable store template with enrolled
    keys (Debian's OVMF_VARS_4M.ms.fd), whose store question HVA-066 asked alone. The raw
    option is seen, its boolean value kept like a <sysinfo> entry's (hvaudit.redact), and no
    firmware older than the option honours it: still the question."""
    xml = (
        f"<domain type='kvm' xmlns:qemu='{QEMU_NS}'><name>rawkern</name>"
        "<uuid>6a2f1c2e-0000-4000-8000-000000001302</uuid><memory unit='MiB'>1024</memory>"
        "<vcpu>1</vcpu><os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type>"
        "<loader readonly='yes' secure='yes' type='pflash'>"
        "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd</loader>"
        "<nvram template='/usr/share/OVMF/OVMF_VARS_4M.ms.fd'>"
        "/var/lib/libvirt/qemu/nvram/rawkern_VARS.fd</nvram></os>"
        "<features><smm state='on'/></features><qemu:commandline>"
        "<qemu:arg value='-kernel'/><qemu:arg value='/srv/boot/vmlinuz-custom'/>"
        "<qemu:arg value='-fw_cfg'/>"
        "<qemu:arg value='name=opt/org.tianocore/EnableLegacyLoader,string=no'/>"
        "</qemu:commandline></domain>"
    )
    a = run_assessment(_replayed_on(tmp_path, HARDENED_HOST, {"rawkern": xml}))
    status, msg = verdict(a, "HVA-066", "rawkern")
    assert (status, msg) == (
        "manual",
        "UEFI Secure Boot with enrolled keys: loader OVMF_CODE_4M.secboot.fd with template "
        "OVMF_VARS_4M.ms.fd (keys enrolled); the VM's variable store was created from that "
        "template, whether Secure Boot is on now is in the store; but the VM boots kernel "
        "/srv/boot/vmlinuz-custom (QEMU argument -kernel /srv/boot/vmlinuz-custom) directly, "
        "which OVMF's legacy Linux loader starts without Secure Boot verification when "
        "verification fails (the VM sets opt/org.tianocore/EnableLegacyLoader to 'no')",
    )
    result = next(
        r for r in a.results if r.check.id == "HVA-066" and r.outcome.subject.name == "rawkern"
    )
    assert result.outcome.question == _kernel_question("rawkern")


# --- R13-3: HVA-047, QEMU's VMware SVGA adapter -------------------------------------------

Q35_OS = "<os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os>"


@pytest.mark.parametrize(
    ("model", "status", "msg"),
    [
        ("vmvga", "fail", "emulated legacy devices: vmvga video"),
        (
            "vga",
            "pass",
            "no floppy, IDE, sound, USB redirection, smartcard, rtl8139/ne2k/pcnet NIC, cirrus or vmvga "
            "(VMware SVGA) video or USB tablet, mouse or keyboard",
        ),
    ],
)
def test_vmware_svga_video_is_legacy(tmp_path: Path, model: str, status: str, msg: str) -> None:
    """R13-3. libvirt's <video><model type='vmvga'> is QEMU's vmware-svga device (libvirt
    qemu_capabilities.c "vmware-svga" QEMU_CAPS_DEVICE_VMWARE_SVGA; qemu-options.hx `-vga
    vmware`: "VMWare SVGA-II compatible adapter", both read with `find_string`), a second
    legacy VGA emulation beside cirrus, with its own guest-reachable bugs ("CVE-2014-3689
    vmware_vga: insufficient parameter validation in rectangle functions", Fedora's qemu.spec
    changelog, read with `find_string`). HVA-047 fails cirrus video for that reason and
    passed vmvga (false pass); the std VGA on the same q35 machine holds its pass."""
    uri = write_node(
        tmp_path / "n.xml",
        [
            domain_xml(
                "svga", body=f"<devices><video><model type='{model}'/></video></devices>"
            ).replace(PLAIN_OS, Q35_OS)
        ],
    )
    a = run_assessment(build_bundle(tmp_path, uri, HARDENED_HOST, name="b"))
    assert verdict(a, "HVA-047", "svga") == (status, msg)


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (("-vga", "vmware"), "-vga vmware"),
        (("-device", "vmware-svga,id=video1"), "-device vmware-svga,id=video1"),
    ],
)
def test_raw_vmware_svga_is_legacy(tmp_path: Path, args: tuple[str, str], shown: str) -> None:
    """R13-3, raw arguments: `-vga vmware` and `-device vmware-svga` build the same adapter
    (qemu-options.hx, above), as `-vga cirrus` and `-device cirrus-vga` build the cirrus card
    HVA-047 already fails in its raw spellings (R10-6, R12-5)."""
    xml = (
        f"<domain type='kvm' xmlns:qemu='{QEMU_NS}'><name>rawsvga</name>"
        "<uuid>6a2f1c2e-0000-4000-8000-000000001303</uuid><memory unit='MiB'>1024</memory>"
        "<vcpu>1</vcpu><os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os>"
        "<qemu:commandline>"
        + "".join(f"<qemu:arg value='{a}'/>" for a in args)
        + "</qemu:commandline></domain>"
    )
    a = run_assessment(_replayed_on(tmp_path, HARDENED_HOST, {"rawsvga": xml}))
    assert verdict(a, "HVA-047", "rawsvga") == (
        "fail",
        f"emulated legacy devices: vmvga video (QEMU argument {shown})",
    )


def test_proxmox_vga_vmware_is_legacy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """R13-3 on Proxmox VE: qm.conf's `vga: vmware` is the same device (qemu-server
    QemuServer.pm $vga_map: 'vmware' => 'vmware-svga', read with `find_string`); hvaudit
    failed `vga: cirrus` and passed it."""
    vm201 = (PVE_HARDENED / "etc/pve/qemu-server/201.conf").read_text()
    assert "vga: std" in vm201
    report = pve_scan(
        tmp_path,
        capsys,
        {"etc/pve/qemu-server/201.conf": vm201.replace("vga: std", "vga: vmware")},
    )
    assert pve_result(report, "HVA-047", "api-11") == (
        "fail",
        "emulated legacy devices: vmvga video",
    )


# --- R13-4: HVA-044, a UEFI variable store that keeps an SELinux label of its own ------------


def _nvram_os(vm: str, seclabel: str) -> str:
    return (
        "<os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type>"
        "<loader readonly='yes' secure='yes' type='pflash'>"
        "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd</loader>"
        "<nvram type='file' template='/usr/share/OVMF/OVMF_VARS_4M.ms.fd'>"
        f"<source file='/var/lib/libvirt/qemu/nvram/{vm}_VARS.fd'>{seclabel}</source></nvram>"
        "</os><features><smm state='on'/></features>"
    )


@pytest.fixture(scope="module")
def nvrams(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp: Path = tmp_path_factory.mktemp("rt13nv")
    doms = {"nvopen": NO_MCS, "nvkeep": KEEP, "nvplain": ""}
    uri = write_node(
        tmp / "n.xml",
        [
            domain_xml(vm, body=DYNAMIC).replace(PLAIN_OS, _nvram_os(vm, label))
            for vm, label in doms.items()
        ],
    )
    return run_assessment(build_bundle(tmp, uri, SELINUX_HOST, name="b"))


def test_nvram_given_a_label_without_categories_fails(nvrams: Assessment) -> None:
    """R13-4. libvirt 9.0 parses `<nvram type='file'><source file=...>` as a storage source,
    <seclabel> included (its test driver, run here, keeps it), and labels it as a disk image:
    src/security/security_selinux.c virSecuritySELinuxSetAllLabel, `if (def->os.loader &&
    def->os.loader->nvram) { if (virSecuritySELinuxSetImageLabel(mgr, def,
    def->os.loader->nvram, ...` (read with `read_file`), the function whose per-source override
    R11-1 read on disks. So the VM's UEFI variable store is labelled svirt_image_t:s0, which
    every VM's label dominates: any VM's QEMU may open it and rewrite this VM's Secure Boot
    variables (PK, db, SecureBootEnable). HVA-044 passed "dynamic selinux label (generated at
    every start)" (false pass)."""
    assert verdict(nvrams, "HVA-044", "nvopen") == (
        "fail",
        "dynamic selinux label (generated at every start), but nvram "
        "/var/lib/libvirt/qemu/nvram/nvopen_VARS.fd is given SELinux label "
        "system_u:object_r:svirt_image_t:s0 by its own <seclabel>: no MCS category, so every "
        "VM's label dominates it and any VM may open the file",
    )


def test_nvram_left_unlabelled_is_a_question(nvrams: Assessment) -> None:
    """R13-4. relabel='no' on the variable store's source: virSecuritySELinuxSetImageLabelInternal
    returns without labelling it (R11-1), so whether it carries this VM's categories is the
    question."""
    path = "/var/lib/libvirt/qemu/nvram/nvkeep_VARS.fd"
    assert verdict(nvrams, "HVA-044", "nvkeep") == (
        "manual",
        "dynamic selinux label (generated at every start), but the UEFI variable store (NVRAM) "
        "keeps an SELinux label of its own (<seclabel> on the device source): nvram "
        f"{path} relabel='no' (libvirt leaves its label as it is)",
    )
    result = next(
        r for r in nvrams.results if r.check.id == "HVA-044" and r.outcome.subject.name == "nvkeep"
    )
    assert result.outcome.question == _question("nvkeep", path).replace(
        "each disk or character device file", "each file"
    )


def test_nvram_without_an_override_keeps_the_pass(nvrams: Assessment) -> None:
    """Holds: a variable store libvirt labels with the VM's own image label."""
    assert verdict(nvrams, "HVA-044", "nvplain") == (
        "pass",
        "dynamic selinux label (generated at every start)",
    )


# --- held: HVA-045, a raw `-sandbox off` after libvirt's own -sandbox --------------------------


def test_raw_sandbox_off_does_not_undo_libvirts_sandbox(tmp_path: Path) -> None:
    """Holds. A raw `-sandbox off` comes after libvirt's own `-sandbox on,...` (qemu:commandline
    arguments follow libvirt's). QEMU's qemu_sandbox_opts has no merge_lists (qemu-seccomp.c,
    read with `find_string` and `read_file`), so each -sandbox is its own option group, and
    parse_sandbox runs for each: `if (qemu_opt_get_bool(opts, "enable", false)) {... seccomp_start
    ...}`, doing nothing for enable=off; a loaded seccomp filter cannot be removed. The VM's
    QEMU is sandboxed all the same, so HVA-045's host pass stands (the raw argument itself is
    HVA-046's fail)."""
    xml = (
        f"<domain type='kvm' xmlns:qemu='{QEMU_NS}'><name>nosandbox</name>"
        "<uuid>6a2f1c2e-0000-4000-8000-000000001305</uuid><memory unit='MiB'>1024</memory>"
        "<vcpu>1</vcpu><os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os>"
        "<qemu:commandline><qemu:arg value='-sandbox'/><qemu:arg value='off'/>"
        "</qemu:commandline></domain>"
    )
    a = run_assessment(_replayed_on(tmp_path, HARDENED_HOST, {"nosandbox": xml}))
    assert verdict(a, "HVA-045", "hv1") == ("pass", "seccomp_sandbox = -1 (default: enabled)")
    assert verdict(a, "HVA-046", "nosandbox") == ("fail", "raw QEMU arguments: -sandbox off")


# --- held: HVA-044, a network disk's own SELinux <seclabel> -----------------------------------


@pytest.mark.parametrize(
    ("vm", "source"),
    [
        (
            "rbdopen",
            f"<source protocol='rbd' name='vms/rbdopen'><host name='10.0.0.5' port='6789'/>"
            f"{NO_MCS}</source>",
        ),
        (
            "nbdkeep",
            f"<source protocol='nbd' name='exp'><host name='10.0.0.6' port='10809'/>{KEEP}</source>",
        ),
    ],
)
def test_network_disk_seclabel_changes_no_label(tmp_path: Path, vm: str, source: str) -> None:
    """Holds. libvirt labels no network storage: security_selinux.c
    virSecuritySELinuxSetImageLabelInternal returns first thing `if (src->type !=
    VIR_STORAGE_TYPE_NVME && (!src->path || !virStorageSourceIsLocalStorage(src)))` (read with
    `read_file`), so an rbd or nbd disk has no host file whose label a <seclabel> could change
    (R11-1 concerns local files). The VM's own label decides: the pass stands."""
    uri = write_node(
        tmp_path / "n.xml",
        [
            domain_xml(
                vm,
                body=DYNAMIC + f"<devices><disk type='network' device='disk'>{source}"
                "<target dev='vda' bus='virtio'/></disk></devices>",
            )
        ],
    )
    a = run_assessment(build_bundle(tmp_path, uri, SELINUX_HOST, name="b"))
    assert verdict(a, "HVA-044", vm) == ("pass", "dynamic selinux label (generated at every start)")
