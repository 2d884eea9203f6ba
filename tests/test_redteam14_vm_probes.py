"""Fourteenth red-team review, VM side (rt14vm): definition elements no earlier round probed.

Same harness as tests/test_redteam3_vm_probes.py and round 10's helpers
(tests/test_redteam10_vm_probes._scan, _replayed_on): libvirt's test driver serves the domains
on the replayed hardened host of conftest; raw QEMU arguments go through _replayed_on. Every
fact a probe rests on was read with the `search` / `find_string` / `read_file` tools and is
cited in its docstring.

Findings (R14-n): R14-1 HVA-057 passed "no <shmem> device" for a VM whose nvdimm (or raw
memory backend) maps /dev/shm/NAME, the file libvirt backs another VM's ivshmem-plain
<shmem name='NAME'> with (false pass; now the inter-VM fail naming that VM). R14-2 HVA-065
passed a TPM 2.0 whose <active_pcr_banks> is SHA-1 alone, the digests of the TPM 1.2 it fails
(false pass; now the fail). R14-3 HVA-050 said "no device passthrough" for a VM given the
host's own input event device (<input type='evdev'>, <input type='passthrough'>, raw `-object
input-linux` / `-device virtio-input-host-pci`), round 13's lead: HVA-047 does not claim such
input, HVA-050 judges passthrough (wrong n/a message; the n/a now names it, host-mediated).
R14-4 HVA-044 passed an SELinux-confined VM whose disk's backing file carries a <seclabel> of
its own without MCS categories (libvirt labels each layer of the chain with its own seclabel
first): any VM may rewrite the base image (false pass; now the fail naming the backing file;
relabel='no' on a backing layer is R11-1's question, where the content label also passes).
R14-5 HVA-058 passed "read-only or with mapped ownership" for a share of a directory holding
another VM's disk image (/, /var/lib/libvirt/images): virt-aa-helper puts the whole tree into
the VM's AppArmor profile and every running VM's image belongs to the one QEMU user, so the
guest opens the other VM's disk (false pass; now a fail on a non-SELinux host, a question where
the security driver is unknown; SELinux hosts keep the pass; a 9p share only, R14-5 being
what virt-aa-helper writes for 9p). R14-6 HVA-065 passed "per-VM emulated TPM (swtpm)" for
two VMs whose emulated TPMs name one state file (libvirt 10.x `<backend type='emulator'><source
type='file' path=...>`): one TPM, endorsement key and sealed secrets, for both (false pass; now
the fail R10-2 gives two VMs on one external swtpm socket).

Held: the <shmem> VM's own fail and an nvdimm file no other VM maps; a TPM 2.0 with a SHA-256
bank beside SHA-1, or with no banks named, or with a state directory of its own; a backing file labelled virt_content_t:s0 (libvirt's
own label for lower layers), an rbd backing layer (never labelled) and an unlabelled layer; a
mapped share of a directory without other VMs' disks; the same share of the images directory on
an SELinux host (MCS keeps the images apart); a virtiofs share of the images directory keeps
the virtiofs question (virt-aa-helper adds no rule for virtiofs, what virtiofsd reaches is not
in the definition). Round 13's lead on smartcard, redirdev and EGD rng seclabels, partly
settled by reading security_selinux.c virSecuritySELinuxSetAllLabel (`read_file`): its own
loops label disks, hostdevs, inputs, memory devices, TPMs, smartcards (a passthrough one's
source through virSecuritySELinuxSetChardevLabel, which would honour its seclabel), fw_cfg
files, the NVRAM and kernel/initrd/dtb/slic, plus the chardevs virDomainChrDefForeach walks;
no loop names a redirdev or an rng, and libvirt 9.0's parser drops a seclabel on all three
(R13), so nothing is overridden there today.

Tally: 26 probe cases (18 test functions). 14 cases pin R14-1..R14-6 (each failed on main
before its fix: R14-1 3, R14-2 1, R14-3 3, R14-4 2, R14-5 3, R14-6 2; R14-5's question case
pins its own edge); 12 found nothing, the verdict held (the virtiofs share and the read-only
ISO library beside a CD-ROM, R14-5's edges, among them).

Leads left (not settled in the time): Proxmox VE's `ivshmem:` maps /dev/shm/pve-shm-<name>
(proxmox_model), which R14-1's peer matching does not yet count (a Proxmox VM's raw mem-path on
that file still passes); a `<sysinfo type='fwcfg'><entry file=PATH>` hands a host file to the guest and, under SELinux,
libvirt relabels PATH with the content label (virSecuritySELinuxSetSysinfoLabel), which no
check reads (virt-aa-helper refuses /etc/ and the like, SELinux has no such list); a virtiofs
share of a directory holding other VMs' disks (virtiofsd's reach under each MAC); two VMs whose
definitions name one disk file without <shareable/> (QEMU's image locking stops concurrent
writers, not a stopped VM's reader); HVA-043's helper list (_vm_helper_users) counts virtiofsd
and swtpm only, not passt, the dbus daemon or vhost-user-gpu that libvirt also starts (a host
check, left to the host reviewer); a virtiofs `<idmap>` mapping guest root to an unprivileged
range may make the nosuid/nodev question's fail answer too strong (a wrong-fail risk); the
copy/paste channel of a libvirt VM (`<channel type='qemu-vdagent'>` with <clipboard
copypaste='yes'>, SPICE vdagent) has no libvirt counterpart of VMware's HVA-401; whether
virDomainChrDefForeach reaches an EGD rng's chardev, and whether a later libvirt keeps a
passthrough smartcard's source seclabel, were not read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HARDENED_HOST, build_bundle, domain_xml, run_assessment, write_node
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import verdict
from test_redteam10_vm_probes import _ns_domain, _nvdimm, _replayed_on, _scan
from test_redteam13_vm_probes import DYNAMIC, KEEP, NO_MCS
from test_redteam_probes import SELINUX_HOST


def _shmem(name: str, model: str = "ivshmem-plain") -> str:
    return (
        f"<devices><shmem name='{name}'><model type='{model}'/><size unit='M'>4</size></shmem>"
        "</devices>"
    )


# --- R14-1: HVA-057, a file that is another VM's ivshmem-plain memory ------------------------


@pytest.fixture(scope="module")
def shmems(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    return _scan(
        tmp_path_factory.mktemp("rt14shm"),
        [
            domain_xml("ivsh", body=_shmem("chan0")),
            domain_xml("nvpeer", body=_nvdimm("/dev/shm/chan0")),
            domain_xml("ivsh2", body=_shmem("chan2")),
            domain_xml(
                "nvread",
                body=_nvdimm("/dev/shm//chan2").replace("access='shared'", "access='private'"),
            ),
            domain_xml("nvalone", body=_nvdimm("/dev/shm/solo")),
        ],
    )


@pytest.mark.parametrize(
    ("vm", "msg"),
    [
        (
            "nvpeer",
            "inter-VM shared memory: /dev/shm/chan0 (mapped shared by VM(s) ivsh too)",
        ),
        (
            "nvread",
            "inter-VM shared memory: /dev/shm//chan2 (mapped private here, which reads what "
            "VM(s) ivsh2 write into it shared)",
        ),
    ],
)
def test_memory_file_of_another_vms_ivshmem_is_shared(
    shmems: Assessment, vm: str, msg: str
) -> None:
    """R14-1. libvirt's QEMU driver backs an ivshmem-plain `<shmem name='chan0'>` with
    `-object memory-backend-file,mem-path=/dev/shm/chan0,share=on` (libvirt
    tests/qemuxml2argvdata/shmem-plain-doorbell.x86_64-latest.args, read with `read_file`:
    `"mem-path":"/dev/shm/shmem0",...,"share":true` for `<shmem name='shmem0'>`; virt-aa-helper
    "recreate[s] qemuBuildShmemBackendMemProps" as `/dev/shm/%s` of the name for the AppArmor
    profile, read with `find_string`). A second VM whose nvdimm maps that file shared writes
    into the same memory; one that maps it private reads what the first writes (mmap(2),
    HVA-057's rule for a file two VMs map). HVA-057 matched an nvdimm path against other nvdimm
    and raw mem-paths only, never against a <shmem>'s file, and passed both VMs "no <shmem>
    device" (false pass; the <shmem> VM itself failed)."""
    assert verdict(shmems, "HVA-057", vm) == ("fail", msg)


@pytest.mark.parametrize(
    ("vm", "status", "msg"),
    [
        ("ivsh", "fail", "inter-VM shared memory: chan0"),
        ("nvalone", "pass", "no <shmem> device"),
    ],
)
def test_shmem_vm_and_a_file_of_its_own_keep_their_verdicts(
    shmems: Assessment, vm: str, status: str, msg: str
) -> None:
    """Holds: the <shmem> VM fails as it did; an nvdimm file no other VM maps stays a pass."""
    assert verdict(shmems, "HVA-057", vm) == (status, msg)


def test_raw_memory_backend_on_a_shmem_file_is_shared(tmp_path: Path) -> None:
    """R14-1, raw arguments: `-object memory-backend-file,mem-path=/dev/shm/chan0,share=on`
    (qemu-options.hx) maps the file the <shmem> VM's QEMU maps, the same object libvirt builds
    for it: a file, not a directory of the VM's own (R10-9's question), so the fail."""
    a = run_assessment(
        _replayed_on(
            tmp_path,
            HARDENED_HOST,
            {
                "ivsh": domain_xml("ivsh", body=_shmem("chan0")),
                "rawshm": _ns_domain(
                    "rawshm",
                    "",
                    "-object",
                    "memory-backend-file,id=m0,mem-path=/dev/shm/chan0,share=on,size=4M",
                ),
            },
        )
    )
    assert verdict(a, "HVA-057", "rawshm") == (
        "fail",
        "inter-VM shared memory: QEMU argument -object memory-backend-file,id=m0,"
        "mem-path=/dev/shm/chan0,share=on,size=4M (mapped shared by VM(s) ivsh too)",
    )


# --- R14-2: HVA-065, a TPM 2.0 that measures into the SHA-1 bank alone ------------------------


def _tpm2(banks: str) -> str:
    return (
        "<devices><tpm model='tpm-crb'><backend type='emulator' version='2.0'>"
        f"{banks}</backend></tpm></devices>"
    )


@pytest.fixture(scope="module")
def pcr_banks(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    return _scan(
        tmp_path_factory.mktemp("rt14pcr"),
        [
            domain_xml("sha1only", body=_tpm2("<active_pcr_banks><sha1/></active_pcr_banks>")),
            domain_xml(
                "sha1256",
                body=_tpm2("<active_pcr_banks><sha1/><sha256/></active_pcr_banks>"),
            ),
            domain_xml("nobanks", body=_tpm2("")),
        ],
    )


def test_tpm2_with_only_the_sha1_bank_fails_as_tpm_1_2(pcr_banks: Assessment) -> None:
    """R14-2. libvirt's `<active_pcr_banks>` (on an emulated TPM 2.0 only: domain_validate.c
    virDomainTPMDevValidate, "<active_pcr_banks/> requires TPM version '2.0'", read with
    `find_string`) has libvirt run swtpm_setup before every start to activate exactly those
    banks ("the set of active PCR banks is 'enforced' by running swtpm_setup before every start
    of the VM", the patch that added it, libvir-list, read with `search`); libvirt 9.0's test
    driver keeps the element. With <sha1/> alone the firmware and guest extend SHA-1 PCRs only,
    the 160-bit digests a TPM 1.2 holds, which HVA-065 fails ("1.2 lacks the algorithms
    attestation needs"); it passed "per-VM emulated TPM (swtpm)" (false pass)."""
    assert verdict(pcr_banks, "HVA-065", "sha1only") == (
        "fail",
        "per-VM emulated TPM 2.0 with the SHA-1 PCR bank alone active "
        "(<active_pcr_banks><sha1/>): its measurements are SHA-1 digests, as a TPM 1.2's, which "
        "lacks the algorithms attestation needs",
    )


@pytest.mark.parametrize("vm", ["sha1256", "nobanks"])
def test_tpm2_with_a_sha256_bank_or_no_banks_named_keeps_the_pass(
    pcr_banks: Assessment, vm: str
) -> None:
    """Holds: a SHA-256 bank beside SHA-1 gives the attestation its SHA-256 PCRs; a definition
    naming no banks leaves those the state was created with, which it does not show."""
    assert verdict(pcr_banks, "HVA-065", vm) == ("pass", "per-VM emulated TPM (swtpm)")


# --- R14-3: HVA-050, the host's own input device handed to the guest --------------------------


@pytest.mark.parametrize(
    "body",
    [
        "<input type='evdev'><source dev='/dev/input/event3' grab='all' repeat='on' "
        "grabToggle='ctrl-ctrl'/></input>",
        "<input type='passthrough' bus='virtio'><source evdev='/dev/input/event3'/></input>",
    ],
)
def test_host_input_device_is_passthrough_without_dma(tmp_path: Path, body: str) -> None:
    """R14-3 (round 13's lead on <input type='evdev'>). libvirt hands the guest a host input
    event device two ways: `<input type='passthrough' bus='virtio'><source evdev=...>` (libvirt
    issue #142 quotes this syntax), QEMU's virtio-input-host, and `<input type='evdev'><source
    dev=...>`, QEMU's input-linux object (libvirt issue #529: "evdev input devices", whose QMP
    form is object-add of qom-type input-linux with evdev=). QEMU commit e0d2bd51 "input: linux
    evdev support": input-linux reads "input events directly from linux evdev devices and
    forward[s] them to the guest", virtio-input-host "simply passes on all events to the
    guest"; ui/input-linux.c takes the device from the host with ioctl EVIOCGRAB (all read with
    `search`). The VM gets the host's own keyboard or mouse. HVA-047 does not claim it (its
    message names emulated USB tablets, mice and keyboards; PS/2 and virtio input stay out of
    it, round 10); HVA-050 judges passthrough and said "no device passthrough" (wrong n/a: there
    is one). The host's input driver mediates it, no DMA: the n/a stays, naming it, as for a
    USB host device."""
    a = _scan(tmp_path, [domain_xml("evdev", body=f"<devices>{body}</devices>")])
    assert verdict(a, "HVA-050", "evdev") == (
        "not_applicable",
        "no DMA-capable (PCI) passthrough: evdev input devices stay host-mediated",
    )


def test_raw_input_linux_object_is_passthrough_without_dma(tmp_path: Path) -> None:
    """R14-3, raw arguments: `-object input-linux,id=kbd,evdev=PATH,grab_all=on,repeat=on`
    (the Arch wiki / r/VFIO recipe libvirt issue #142 quotes) and `-device
    virtio-input-host-pci,evdev=PATH` build the same two objects."""
    a = run_assessment(
        _replayed_on(
            tmp_path,
            HARDENED_HOST,
            {
                "rawkbd": _ns_domain(
                    "rawkbd",
                    "",
                    "-object",
                    "input-linux,id=kbd1,evdev=/dev/input/by-id/usb-kbd-event-kbd,grab_all=on",
                    "-device",
                    "virtio-input-host-pci,evdev=/dev/input/event7",
                )
            },
        )
    )
    assert verdict(a, "HVA-050", "rawkbd") == (
        "not_applicable",
        "no DMA-capable (PCI) passthrough: evdev input devices stay host-mediated",
    )


# --- R14-4: HVA-044, a backing file that keeps an SELinux label of its own -------------------


def _chain(vm: str, seclabel: str, bs_type: str = "file") -> str:
    base = (
        f"<source file='/var/lib/libvirt/images/base-{vm}.qcow2'>{seclabel}</source>"
        if bs_type == "file"
        else f"<source protocol='rbd' name='pool/base-{vm}'><host name='10.0.0.5'/>"
        f"{seclabel}</source>"
    )
    return (
        f"{DYNAMIC}<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
        f"<source file='/var/lib/libvirt/images/{vm}.qcow2'/><backingStore type='{bs_type}'>"
        f"<format type='qcow2'/>{base}<backingStore/></backingStore>"
        "<target dev='vda' bus='virtio'/></disk></devices>"
    )


@pytest.fixture(scope="module")
def chains(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp: Path = tmp_path_factory.mktemp("rt14bs")
    content = NO_MCS.replace("svirt_image_t", "virt_content_t")
    doms = {
        "bsopen": _chain("bsopen", NO_MCS),
        "bscontent": _chain("bscontent", content),
        "bskeep": _chain("bskeep", KEEP),
        "bsrbd": _chain("bsrbd", NO_MCS, "network"),
        "bsplain": _chain("bsplain", ""),
    }
    uri = write_node(tmp / "n.xml", [domain_xml(k, body=v) for k, v in doms.items()])
    return run_assessment(build_bundle(tmp, uri, SELINUX_HOST, name="b"))


def test_backing_file_given_a_label_without_categories_fails(chains: Assessment) -> None:
    """R14-4. libvirt labels every layer of a disk's backing chain: security_selinux.c
    virSecuritySELinuxSetAllLabel calls virSecuritySELinuxSetImageLabel with
    VIR_SECURITY_DOMAIN_IMAGE_LABEL_BACKING_CHAIN (read with `read_file`), whose ...Relative
    walks `for (n = src; virStorageSourceIsBacking(n); n = n->backingStore)`, and
    ...Internal takes a layer's own seclabel first: `if (disk_seclabel &&
    (!disk_seclabel->relabel || disk_seclabel->label)) { ... use_label =
    disk_seclabel->label; }`, else the top's, else `data->content_context` for a layer below
    the top (read with `find_string`). libvirt 9.0's test driver keeps a <backingStore>'s
    <source><seclabel>. So this base image is labelled svirt_image_t:s0, which every VM's
    label dominates (R11-1): any VM's QEMU may open it read-write and rewrite the base this
    VM's disk reads through. HVA-044 read only the top <source> and passed "dynamic selinux
    label (generated at every start)" (false pass)."""
    assert verdict(chains, "HVA-044", "bsopen") == (
        "fail",
        "dynamic selinux label (generated at every start), but backing file "
        "/var/lib/libvirt/images/base-bsopen.qcow2 is given SELinux label "
        "system_u:object_r:svirt_image_t:s0 by its own <seclabel>: no MCS category, so every "
        "VM's label dominates it and any VM may open the file",
    )


def test_backing_file_left_unlabelled_is_a_question(chains: Assessment) -> None:
    """R14-4. relabel='no' on a backing layer's source: virSecuritySELinuxSetImageLabelInternal
    returns without labelling it (`if (!disk_seclabel->relabel) return 0;`, above), so the
    base keeps whatever label it has, which may be svirt_image_t:s0 (every VM may write it) or
    another VM's categories. The question is R11-1's, except that libvirt's own read-only
    content label, which a lower layer gets without the seclabel, passes too. HVA-044 passed
    (false pass by omission: the file's label is not in the evidence)."""
    path = "/var/lib/libvirt/images/base-bskeep.qcow2"
    assert verdict(chains, "HVA-044", "bskeep") == (
        "manual",
        "dynamic selinux label (generated at every start), but backing file(s) keep an SELinux "
        "label of their own (<seclabel> on the device source): backing file "
        f"{path} relabel='no' (libvirt leaves its label as it is)",
    )
    result = next(
        r for r in chains.results if r.check.id == "HVA-044" and r.outcome.subject.name == "bskeep"
    )
    assert result.outcome.question == (
        "Does each file of VM bskeep on host hv1 whose own <seclabel> overrides libvirt's "
        f"labelling ({path}) carry an SELinux label with the MCS categories of this VM alone? "
        "Evidence: `ls -Z PATH` for each on hv1, and the VM's label while it runs (`virsh "
        "dominfo bskeep`, Security label). Pass: yes, each carries exactly the VM's categories "
        "(a backing file may instead carry libvirt's read-only content label virt_content_t:s0, "
        "which no VM may write); fail: any carries s0 alone or categories another VM's label "
        "dominates, so that VM's QEMU may open the file."
    )


@pytest.mark.parametrize("vm", ["bscontent", "bsrbd", "bsplain"])
def test_backing_file_labels_that_open_nothing_more_keep_the_pass(
    chains: Assessment, vm: str
) -> None:
    """Holds. A backing file labelled virt_content_t:s0 is what libvirt gives every layer
    below the top itself (contexts/virtual_image_context's second line, the read-only
    content label: the SELinux notebook, read with `find_string`); an rbd layer is not
    labelled at all (virSecuritySELinuxSetImageLabelInternal returns first for storage that
    is not local, R13's held probe); a layer with no seclabel gets the content label."""
    assert verdict(chains, "HVA-044", vm) == (
        "pass",
        "dynamic selinux label (generated at every start)",
    )


# --- R14-5: HVA-058, a shared directory that holds another VM's disk image -------------------


def _share(path: str, extra: str = "", mode: str = "mapped") -> str:
    return (
        f"<devices><filesystem type='mount' accessmode='{mode}'><source dir='{path}'/>"
        f"<target dir='hostshare'/>{extra}</filesystem></devices>"
    )


OWNER = (
    "<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
    "<source file='/var/lib/libvirt/images/owner.qcow2'/><target dev='vda' bus='virtio'/></disk>"
    "</devices>"
)


def _shares_on(tmp: Path, host: dict[str, object] | None) -> Assessment:
    doms = {
        "owner": OWNER,
        "imgshare": _share("/var/lib/libvirt/images"),
        "rootro": _share("/", "<readonly/>", "passthrough"),
        "ownshare": _share("/srv/share"),
    }
    uri = write_node(tmp / "n.xml", [domain_xml(k, body=v) for k, v in doms.items()])
    return run_assessment(build_bundle(tmp, uri, host, name="b"))


@pytest.fixture(scope="module")
def dirshares(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    return _shares_on(tmp_path_factory.mktemp("rt14fs"), HARDENED_HOST)


@pytest.mark.parametrize(
    ("vm", "path"),
    [("imgshare", "/var/lib/libvirt/images"), ("rootro", "/")],
)
def test_share_holding_another_vms_disk_fails(dirshares: Assessment, vm: str, path: str) -> None:
    """R14-5. libvirt's virt-aa-helper (src/security/virt-aa-helper.c get_files, read with
    `find_string` / `read_file`) adds a 9p share to the VM's AppArmor profile as its whole tree:
    `vah_add_path(&buf, fs->src->path, fs->readonly ? "R" : "rwl", true)` writes `"DIR/**"
    rwl` (`r` read-only); valid_path refuses only paths under /bin/, /etc/, /lib, /usr/...,
    so / and /var/lib/libvirt/images pass. libvirt's DAC driver chowns every running VM's
    image to the one QEMU user (qemu.conf dynamic_ownership = 1, its default), so through a
    mapped share (QEMU's own access) or even a read-only one this guest opens VM owner's disk.
    HVA-058 judged ownership alone and passed "shared directories read-only or with mapped
    ownership" (false pass: the hardened host here is AppArmor-confined)."""
    status, msg = verdict(dirshares, "HVA-058", vm)
    assert (status, msg) == (
        "fail",
        f"disk images of other VMs in the host directories it shares: {path} (VM owner: "
        "/var/lib/libvirt/images/owner.qcow2): the guest reaches them through the share",
    )


def test_share_of_a_directory_without_other_vms_disks_keeps_the_pass(
    dirshares: Assessment,
) -> None:
    """Holds: a mapped share of a directory no other VM's disk is in."""
    assert verdict(dirshares, "HVA-058", "ownshare") == (
        "pass",
        "shared directories read-only or with mapped ownership: /srv/share",
    )


def test_share_holding_another_vms_disk_under_selinux_keeps_the_pass(tmp_path: Path) -> None:
    """Holds under SELinux: libvirt labels each VM's image with that VM's MCS categories
    (HVA-044), which the sharing VM's label does not dominate, so the share opens nothing of
    another VM's."""
    a = _shares_on(tmp_path, SELINUX_HOST)
    assert verdict(a, "HVA-058", "imgshare") == (
        "pass",
        "shared directories read-only or with mapped ownership: /var/lib/libvirt/images",
    )


def test_share_holding_another_vms_disk_with_the_driver_unread_is_a_question(
    tmp_path: Path,
) -> None:
    """R14-5 where the host was not scanned (the test driver's node alone, no <secmodel>
    collected): whether SELinux keeps the images apart is the host's, so the question."""
    a = _shares_on(tmp_path, None)
    assert verdict(a, "HVA-058", "imgshare") == (
        "manual",
        "disk images of other VMs in the host directories it shares: /var/lib/libvirt/images "
        "(VM owner: /var/lib/libvirt/images/owner.qcow2); the host's security driver is not in "
        "the evidence; raw QEMU arguments not observable on this collection (HVA-046)",
    )
    result = next(
        r for r in a.results if r.check.id == "HVA-058" and r.outcome.subject.name == "imgshare"
    )
    # the test driver shows no raw QEMU arguments: the question asks whether they add a share
    assert result.outcome.question == (
        "Does SELinux confine the VMs on host n, so that VM imgshare's QEMU cannot open the "
        "other VMs' disk images in the directory it shares, and do this VM's raw QEMU "
        "arguments, which this collection could not observe, leave out a shared host directory "
        "(-fsdev, -virtfs, a vhost-user-fs device, a fat: or vvfat drive)? Evidence: `virsh "
        "capabilities` on n (its <secmodel>); the VM's <qemu:commandline> in `virsh dumpxml` on "
        "host n (a daemon with the QEMU driver keeps the QEMU namespace). Pass: selinux (each "
        "image carries its own VM's MCS categories), and the VM has no raw arguments or none "
        "adds one; fail: apparmor or none (the share's AppArmor rule covers the directory and "
        "every running VM's image belongs to the one QEMU user), or a raw argument adds one."
    )


def test_virtiofs_share_holding_another_vms_disk_is_not_judged_so(tmp_path: Path) -> None:
    """Held back, not a finding: virt-aa-helper adds a share to the profile only for the 9p
    drivers (`fsdriver == ..._PATH || ..._DEFAULT`, read with `find_string`); a virtiofs share
    is served by virtiofsd, whose reach the definition does not show, so HVA-058 keeps the
    virtiofs question (R8-10) rather than claim the other VM's disk."""
    vfs = "<memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking>" + _share(
        "/var/lib/libvirt/images", "<driver type='virtiofs'/>", "passthrough"
    )
    uri = write_node(
        tmp_path / "n.xml", [domain_xml("owner", body=OWNER), domain_xml("vfs", body=vfs)]
    )
    a = run_assessment(build_bundle(tmp_path, uri, HARDENED_HOST, name="b"))
    assert verdict(a, "HVA-058", "vfs") == (
        "manual",
        "writable virtiofs share(s) /var/lib/libvirt/images (virtiofs supports passthrough only)",
    )


# --- R14-6: HVA-065, two VMs that name one emulated TPM state --------------------------------


def _tpm_state(kind: str, path: str) -> str:
    return _tpm2(f"<source type='{kind}' path='{path}'/>")


@pytest.fixture(scope="module")
def tpm_states(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    doms = {
        "tpma": _tpm_state("file", "/var/lib/swtpm/shared.img"),
        "tpmb": _tpm_state("file", "/var/lib/swtpm//shared.img"),
        "tpmc": _tpm_state("dir", "/var/lib/swtpm/own-c"),
    }
    return run_assessment(
        _replayed_on(
            tmp_path_factory.mktemp("rt14tpm"),
            HARDENED_HOST,
            {k: domain_xml(k, body=v) for k, v in doms.items()},
        )
    )


@pytest.mark.parametrize(
    ("vm", "path", "other"),
    [
        ("tpma", "/var/lib/swtpm/shared.img", "tpmb"),
        ("tpmb", "/var/lib/swtpm//shared.img", "tpma"),
    ],
)
def test_one_emulated_tpm_state_named_by_two_vms_fails(
    tpm_states: Assessment, vm: str, path: str, other: str
) -> None:
    """R14-6. libvirt 10.x lets an emulated TPM name its state: `<backend type='emulator'>
    <source type='file'|'dir' path=...>` (libvirt-go-xml DomainTPMBackendEmulator.Source,
    DomainTPMBackendSourceFile/Dir with a path attribute, read with `find_string` /
    `read_file`; the devel-list patch "Teach the storage to use custom directory or file source
    location", where Stefan Berger notes "the file backend does not lock access to the TPM
    state file like the dir backend does", read with `search`). libvirt 9.0's test driver
    predates it, so the domains come as a newer daemon reports them (_replayed_on). Two VMs
    naming one state file (in any spelling, same_file) run one TPM: the same endorsement key,
    NV indexes and sealed secrets, what HVA-065 fails for two VMs on one external swtpm socket
    (R10-2); it passed both "per-VM emulated TPM (swtpm)" (false pass)."""
    assert verdict(tpm_states, "HVA-065", vm) == (
        "fail",
        f"emulated TPM state {path} is named by VM(s) {other} too: one TPM (its endorsement "
        "key, NV and sealed secrets) for several VMs",
    )


def test_an_emulated_tpm_state_of_its_own_keeps_the_pass(tpm_states: Assessment) -> None:
    """Holds: a state directory no other VM names is the VM's own TPM."""
    assert verdict(tpm_states, "HVA-065", "tpmc") == ("pass", "per-VM emulated TPM (swtpm)")


def test_read_only_share_of_an_iso_library_beside_a_cdrom_keeps_the_pass(tmp_path: Path) -> None:
    """Held, an edge of R14-5: a read-only share of an ISO directory whose image another VM
    has in its CD-ROM (libvirt opens a cdrom read-only) reads what that VM cannot write
    either; the pass stands. A writable share of it would let the guest rewrite that VM's
    boot medium and fails."""
    cd = (
        "<devices><disk type='file' device='cdrom'><source file='/srv/iso/install.iso'/>"
        "<target dev='sda' bus='sata'/></disk></devices>"
    )
    doms = {
        "cdvm": cd,
        "isoro": _share("/srv/iso", "<readonly/>", "passthrough"),
        "isorw": _share("/srv/iso"),
    }
    uri = write_node(tmp_path / "n.xml", [domain_xml(k, body=v) for k, v in doms.items()])
    a = run_assessment(build_bundle(tmp_path, uri, HARDENED_HOST, name="b"))
    assert verdict(a, "HVA-058", "isoro") == (
        "pass",
        "shared directories read-only or with mapped ownership: /srv/iso",
    )
    assert verdict(a, "HVA-058", "isorw") == (
        "fail",
        "disk images of other VMs in the host directories it shares: /srv/iso (VM cdvm: "
        "/srv/iso/install.iso): the guest reaches them through the share",
    )
