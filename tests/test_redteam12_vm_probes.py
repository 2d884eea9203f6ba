"""Twelfth red-team review, VM side (rt12vm): the six leads round 11 left
(tests/test_redteam11_vm_probes.py's, as its reviewer passed them on), then QEMU's shorthand
options and libvirt's directory disk, which no earlier round tried.

Same harness as tests/test_redteam3_vm_probes.py: libvirt's test driver serves the domains on
the replayed hardened host of conftest (or its SELinux variant, tests/test_redteam_probes.
SELINUX_HOST); raw QEMU arguments go through tests/test_redteam10_vm_probes._replayed_on,
which keeps the QEMU namespace the test driver drops. Every fact a probe rests on was read with
the `search` / `find_string` / `read_file` tools and is cited in its docstring. None repeats
a probe of the eleven earlier rounds or of tests/test_rawnic_probes.py.

Findings (R12-n): R12-1 HVA-197 said "no interface on a Linux host bridge" for an
<interface type='ethernet'> whose tap was created outside libvirt (`<target dev managed='no'>`)
or is handed to an ifup `<script>`: such a tap may be a port of a host bridge the definition
does not name (KubeVirt's virt-launcher hands libvirt tap1, a port of its bridge k6t-net1), so
the n/a was not proven (wrong n/a; now a question). R12-2 HVA-193 passed an <interface
type='vdpa'> "no interface trusts guest receive filters", though libvirt starts it as the
`-netdev vhost-vdpa` whose raw form already gets the question: the guest's virtio control
commands reach the vDPA device (false pass; now the same question). R12-3 HVA-044 passed an
SELinux-confined VM with a <shareable/> disk, which libvirt labels with the policy's shared file
context (svirt_image_t:s0, no MCS category), so every VM on the host may open it (false pass;
now a question, sharing being the disk's purpose). R12-4 HVA-058 said "no host directory
shared" for a VM whose raw arguments expose a host directory as a virtual FAT disk (`-drive
file=fat:rw:DIR`, `-hdb fat:DIR`, `-blockdev driver=vvfat,dir=`) (wrong n/a; now the pass of a
share with QEMU-owned files, naming it: FAT keeps no owner). R12-5 HVA-047 passed VMs whose raw
arguments add legacy devices through QEMU's shorthand options, `-vga cirrus`, `-audio
...,model=sb16`, `-soundhw ac97` and `-usbdevice tablet`, its message denying them (false pass;
now the fail `-device` gets). R12-6 HVA-047 likewise passed a floppy drive added by `-drive
...,if=floppy`, though it fails the same drive added by `-fda` (false pass). R12-7 HVA-058 said
"no host directory shared" for a `<disk type='dir'>`, which libvirt exposes as a read-only
virtual FAT of the directory (wrong n/a; now the pass naming it).

Held: an ethernet interface whose tap libvirt creates itself, with no script, stays n/a
(libvirt attaches an ethernet tap to nothing); round 11's lead (1), a VNC websocket beside a
UNIX-socket listen, is no false pass: QEMU ui/vnc.c vnc_display_get_addresses copies the VNC
host to a port-only websocket only for a single INET address ("Historical compat - if only a
single listen address was provided, then this is used to set the default listen address for
websocket too"), but libvirt's qemuBuildGraphicsVNCCommandLine writes `websocket=` only for an
address or network listen, so a socket listen opens no websocket; round 11's lead (4), a disk
<seclabel relabel='no'/> without a model, is matched by neither security driver
(virStorageSourceGetSecurityLabelDef compares models), so the pass stands; `-vga std` with
`-audio none` adds no legacy device. Round 11's leads (2), (3), (5) and (6) are R12-2, R12-3,
R12-4 and R12-1.

Tally: 18 probe cases (10 test functions). 14 cases pin R12-1..R12-7 (each failed on main
before its fix); 4 found nothing, the verdict held (the managed ethernet tap, the websocket
beside a socket listen, the model-less disk seclabel, `-vga std -audio none`).

Leads left (not settled in the time, and their facts not yet read with the tools): a raw `-incoming tcp:0.0.0.0:PORT` makes QEMU wait for a
migration stream on every address, which HVA-031 rightly does not count as a console and
HVA-210 sees only in `ss` while the VM runs (a next-start listener no check reads); <video>
with <acceleration accel3d='yes'> or <graphics><gl enable='yes'/> (virglrenderer in QEMU, and
the host render node every such VM opens) is counted by no check; <watchdog action='dump'>
writes the guest's memory to the host (auto_dump_path) and no check reads it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HARDENED_HOST, build_bundle, domain_xml, run_assessment, write_node
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import verdict
from test_redteam_probes import SELINUX_HOST


@pytest.fixture(scope="module")
def taps(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp: Path = tmp_path_factory.mktemp("rt12taps")
    doms = {
        "pretap": (
            "<interface type='ethernet'><mac address='52:54:00:12:00:01'/>"
            "<target dev='tap1' managed='no'/><model type='virtio'/></interface>"
        ),
        "scripted": (
            "<interface type='ethernet'><mac address='52:54:00:12:00:02'/>"
            "<script path='/etc/qemu-ifup-br0'/><target dev='tapscr'/>"
            "<model type='virtio'/></interface>"
        ),
        "owntap": (
            "<interface type='ethernet'><mac address='52:54:00:12:00:03'/>"
            "<model type='virtio'/></interface>"
        ),
    }
    uri = write_node(
        tmp / "n.xml",
        [domain_xml(k, body=f"<devices>{v}</devices>") for k, v in doms.items()],
    )
    return run_assessment(build_bundle(tmp, uri, HARDENED_HOST, name="b"))


@pytest.mark.parametrize(
    ("vm", "what", "tap"),
    [
        ("pretap", "tap tap1 created outside libvirt (managed='no')", "tap1"),
        ("scripted", "tap tapscr given to ifup script /etc/qemu-ifup-br0", "tapscr"),
    ],
)
def test_ethernet_tap_placed_outside_libvirt_is_a_question(
    taps: Assessment, vm: str, what: str, tap: str
) -> None:
    """R12-1. A tap created beforehand and handed to libvirt with `<target dev='tap1'
    managed='no'/>` is what KubeVirt's virt-launcher uses, tap1 being a port of its bridge
    k6t-net1 (`ip link` and `virsh dumpxml` of a KubeVirt pod, read with `find_string`);
    formatdomain, "Generic ethernet connection" (libvirt's docs patch "doc: downscript",
    read with `search`): after creating or opening the tap "an optional shell script (given in
    the path attribute of the <script> element) will be run; this can be used to do whatever
    extra host network integration is required", such as `ip link set dev TAP master BR`.
    HVA-197 said "no interface on a Linux host bridge" (wrong n/a): whether the tap is a
    bridge port, and isolated, is on the host, not in the definition."""
    status, msg = verdict(taps, "HVA-197", vm)
    assert (status, msg) == (
        "manual",
        f"{what}: whether it is a port of a host bridge is outside the definition",
    )
    result = next(
        r for r in taps.results if r.check.id == "HVA-197" and r.outcome.subject.name == vm
    )
    assert result.outcome.question == (
        f"Is each of tap device(s) {tap} of VM {vm} either no port of a Linux bridge on host "
        "hv1 or an isolated one? Evidence: `bridge -d link show dev TAP` on host hv1 for each (a `master` "
        "bridge, and `isolated on`). Pass: yes, none is a bridge port, or each shows `isolated "
        "on`, or the VM has a documented layer-2 flow to a named VM on that bridge; fail: no, one is a "
        "port of a bridge without `isolated on` and the VM needs no layer-2 traffic there."
    )


def test_ethernet_tap_libvirt_creates_stays_not_applicable(taps: Assessment) -> None:
    """Holds: a managed ethernet tap with no script is created by libvirt and attached to no
    bridge (the routed/`<ip>` use of type='ethernet'), so it is no bridge port."""
    assert verdict(taps, "HVA-197", "owntap") == (
        "not_applicable",
        "no interface on a Linux host bridge",
    )


# --- R12-2: HVA-193, an <interface type='vdpa'> ---------------------------------------------


def test_vdpa_interface_receive_filters_are_a_question(tmp_path: Path) -> None:
    """R12-2. libvirt starts `<interface type='vdpa'><source dev='/dev/vhost-vdpa-0'/>` as
    `-add-fd set=3,fd=42,opaque=/dev/vhost-vdpa-0 -netdev vhost-vdpa,vhostdev=/dev/fdset/3`
    (the command line of such a definition quoted on qemu-devel, "vdpa: set the mac address",
    read with `find_string`): the backend whose raw `-netdev vhost-vdpa` HVA-193 already asks
    about, since the guest's virtio control commands (promiscuous and all-multicast mode among
    them) reach the vDPA device, not a host tap. formatdomain's trustGuestRxFilters applies to
    virtio on macvtap only, so the definition says nothing of it. HVA-193 passed it "no
    interface trusts guest receive filters" (false pass): now the raw backend's question."""
    uri = write_node(
        tmp_path / "n.xml",
        [
            domain_xml(
                "vdpavm",
                body="<devices><interface type='vdpa'><mac address='52:54:00:12:00:04'/>"
                "<source dev='/dev/vhost-vdpa-0'/><model type='virtio'/></interface></devices>",
            )
        ],
    )
    a = run_assessment(build_bundle(tmp_path, uri, HARDENED_HOST, name="b"))
    assert verdict(a, "HVA-193", "vdpavm") == (
        "manual",
        "vDPA interface(s) /dev/vhost-vdpa-0: the guest's receive-filter commands reach the device",
    )
    result = next(
        r for r in a.results if r.check.id == "HVA-193" and r.outcome.subject.name == "vdpavm"
    )
    assert result.outcome.question == (
        "Does the vDPA device behind each of /dev/vhost-vdpa-0 of VM vdpavm keep the guest from "
        "turning on promiscuous or all-multicast mode? Evidence: on host hv1, `vdpa dev show` "
        "(the device and its parent) and, for a VF's vDPA device, `ip link show PF` (the 'vf N' "
        "line: trust). Pass: yes, trust off or the device ignores those commands; fail: no, so "
        "the guest can receive traffic not meant for it."
    )


# --- held: HVA-031, a VNC websocket beside a UNIX-socket listen -------------------------------


def test_vnc_websocket_beside_a_unix_socket_opens_no_port(tmp_path: Path) -> None:
    """Holds (round 11's lead 1). QEMU ui/vnc.c vnc_display_get_addresses (read with
    `find_string`) gives a port-only websocket the VNC host only when there is exactly one INET
    listen address, so `-vnc unix:PATH,websocket=5701` would bind every address. But libvirt
    never writes that: src/qemu/qemu_command.c qemuBuildGraphicsVNCCommandLine (read with
    `read_file`) appends `,websocket=%d` only in the VIR_DOMAIN_GRAPHICS_LISTEN_TYPE_ADDRESS /
    _NETWORK case, where the websocket follows the one VNC address HVA-031 already judges; a
    socket listen writes `vnc=unix:` and no websocket. No port opens: HVA-031's verdict of a
    socket-only console stands."""
    uri = write_node(
        tmp_path / "n.xml",
        [
            domain_xml(
                "vncws",
                body="<devices><graphics type='vnc' websocket='5701'>"
                "<listen type='socket' socket='/run/libvirt/qemu/vncws.sock'/></graphics>"
                "</devices>",
            )
        ],
    )
    a = run_assessment(build_bundle(tmp_path, uri, HARDENED_HOST, name="b"))
    assert verdict(a, "HVA-031", "vncws") == ("pass", "console(s) reachable only from the host")


# --- R12-3: HVA-044, a <shareable/> disk under SELinux ------------------------------------------

DYNAMIC = "<seclabel type='dynamic' model='selinux'/>"


def _disk(name: str, inner: str = "", extra: str = "") -> str:
    return (
        "<devices><disk type='file' device='disk'>"
        f"<source file='/var/lib/libvirt/images/{name}.img'>{inner}</source>"
        f"<target dev='vda' bus='virtio'/>{extra}</disk></devices>"
    )


@pytest.fixture(scope="module")
def labelled(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp: Path = tmp_path_factory.mktemp("rt12lbl")
    doms = {
        "shared": DYNAMIC + _disk("shared", extra="<shareable/>"),
        "shdeflt": _disk("shdeflt", extra="<shareable/>"),
        "nomodel": DYNAMIC + _disk("nomodel", inner="<seclabel relabel='no'/>"),
    }
    uri = write_node(tmp / "n.xml", [domain_xml(k, body=v) for k, v in doms.items()])
    return run_assessment(build_bundle(tmp, uri, SELINUX_HOST, name="b"))


@pytest.mark.parametrize(
    ("vm", "what"),
    [
        ("shared", "dynamic selinux label (generated at every start)"),
        ("shdeflt", "no <seclabel>: driver default, a dynamic selinux label"),
    ],
)
def test_shareable_disk_open_to_every_vm_is_a_question(
    labelled: Assessment, vm: str, what: str
) -> None:
    """R12-3. libvirt src/security/security_selinux.c virSecuritySELinuxSetImageLabelInternal
    (read with `find_string`): `} else if (parent == src) { if (src->shared) { use_label =
    data->file_context; } else if (src->readonly) { ... } else if (secdef->imagelabel) {
    use_label = secdef->imagelabel;`: a <shareable/> disk gets the policy's shared file
    context (svirt_image_t:s0), not the VM's categories, and a label without categories is
    dominated by every VM's ("A process can access a file if the set of MCS categories for the
    file is equal-to *or* a subset-of, the set of MCS categories for the process",
    virSecuritySELinuxMCSFind, HVA-044's docstring). Every confined VM on the host may open
    it, not only those sharing it. HVA-044 passed the VM on its label alone (false pass):
    sharing is the disk's purpose, so who may reach it is a question."""
    path = f"/var/lib/libvirt/images/{vm}.img"
    assert verdict(labelled, "HVA-044", vm) == (
        "manual",
        f"{what}, but shareable disk(s) {path} get libvirt's shared image label, with no MCS "
        "category: every VM's label dominates it, so any VM on the host may open them",
    )
    result = next(
        r for r in labelled.results if r.check.id == "HVA-044" and r.outcome.subject.name == vm
    )
    assert result.outcome.question == (
        f"May every VM on host hv1 read and write the shareable disk(s) {path} of VM {vm}? "
        "Evidence: `ls -Z PATH` on hv1 (svirt_image_t:s0, no MCS category: libvirt's label for "
        "<shareable/>) and `virsh list --all` on hv1 beside the VMs the disk's data is meant "
        "for. Pass: yes, every VM on the host may hold that data (or only the VMs sharing the "
        "disk run there); fail: a VM on the host must not read or write it."
    )


def test_disk_seclabel_without_a_model_changes_nothing(labelled: Assessment) -> None:
    """Holds (round 11's lead 4). A disk <seclabel relabel='no'/> without a model stays
    model-less in the definition libvirt keeps (the test driver re-formats it so), and the
    security drivers look a disk's override up by their own model: src/util/virstoragefile.c
    virStorageSourceGetSecurityLabelDef (read with `find_string`) returns the seclabel whose
    `STREQ_NULLABLE(src->seclabels[i]->model, model)`, which a NULL model never matches for
    "selinux" or "dac". So the disk is labelled with the VM's categories: the pass stands."""
    assert verdict(labelled, "HVA-044", "nomodel") == (
        "pass",
        "dynamic selinux label (generated at every start)",
    )


# --- R12-4: HVA-058, a host directory raw arguments expose as a virtual FAT disk ----------------


@pytest.fixture(scope="module")
def vvfat(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    from test_redteam10_vm_probes import _raw_cpu_domain, _replayed_on

    domains = {
        "fatrw": _raw_cpu_domain("fatrw", "", "-drive", "file=fat:rw:/srv/share,format=raw"),
        "fatro": _raw_cpu_domain("fatro", "", "-hdb", "fat:/srv/iso"),
        "fatblk": _raw_cpu_domain(
            "fatblk", "", "-blockdev", "driver=vvfat,node-name=f0,dir=/srv/x,rw=on"
        ),
    }
    return run_assessment(_replayed_on(tmp_path_factory.mktemp("rt12fat"), HARDENED_HOST, domains))


@pytest.mark.parametrize(
    ("vm", "shown"),
    [
        (
            "fatrw",
            "/srv/share (QEMU virtual FAT, written back: QEMU argument -drive "
            "file=fat:rw:/srv/share,format=raw)",
        ),
        ("fatro", "/srv/iso (QEMU virtual FAT: QEMU argument -hdb fat:/srv/iso)"),
        (
            "fatblk",
            "/srv/x (QEMU virtual FAT, written back: QEMU argument -blockdev "
            "driver=vvfat,node-name=f0,dir=/srv/x,rw=on)",
        ),
    ],
)
def test_virtual_fat_directory_is_a_shared_directory(
    vvfat: Assessment, vm: str, shown: str
) -> None:
    """R12-4. QEMU's "Virtual FAT disk images" (qemu-options.hx): "QEMU can automatically
    create a virtual FAT disk image from a directory tree", `fat:rw:` writing the guest's
    changes back into it; `-blockdev driver=vvfat,dir=,rw=on` is the same driver. A host
    directory is shared: HVA-058 said "no host directory shared" (wrong n/a). FAT has no owner
    or mode, and block/vvfat.c commit_one_file (read with `find_string`) creates each file the
    guest writes as `qemu_open_old(mapping->path, O_RDWR | O_CREAT | O_BINARY, 0666)`, QEMU's
    own: the hypervisor's permissions (formatdomain's `mapped`), never the guest's set-uid
    bits or device nodes. So the pass of a share with mapped ownership, naming it."""
    assert verdict(vvfat, "HVA-058", vm) == (
        "pass",
        f"shared directories read-only or with mapped ownership: {shown}",
    )


# --- R12-5: HVA-047, legacy devices added by QEMU's shorthand options ---------------------------


@pytest.fixture(scope="module")
def shorthand(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    from test_redteam10_vm_probes import _raw_cpu_domain, _replayed_on

    domains = {
        "vgacirrus": _raw_cpu_domain("vgacirrus", "", "-vga", "cirrus"),
        "audiosb16": _raw_cpu_domain("audiosb16", "", "-audio", "driver=none,model=sb16"),
        "soundhw": _raw_cpu_domain("soundhw", "", "-soundhw", "ac97"),
        "usbtablet": _raw_cpu_domain("usbtablet", "", "-usbdevice", "tablet"),
        "drvfloppy": _raw_cpu_domain(
            "drvfloppy", "", "-drive", "file=/srv/f.img,if=floppy,format=raw"
        ),
        "vgastd": _raw_cpu_domain("vgastd", "", "-vga", "std", "-audio", "none"),
    }
    return run_assessment(
        _replayed_on(tmp_path_factory.mktemp("rt12short"), HARDENED_HOST, domains)
    )


@pytest.mark.parametrize(
    ("vm", "what"),
    [
        ("vgacirrus", "cirrus video (QEMU argument -vga cirrus)"),
        ("audiosb16", "sound card (QEMU argument -audio driver=none,model=sb16)"),
        ("soundhw", "sound card (QEMU argument -soundhw ac97)"),
        ("usbtablet", "USB tablet (QEMU argument -usbdevice tablet)"),
        (
            "drvfloppy",
            "floppy drive (QEMU argument -drive file=/srv/f.img,if=floppy,format=raw)",
        ),
    ],
)
def test_legacy_device_by_shorthand_option_fails(shorthand: Assessment, vm: str, what: str) -> None:
    """R12-5. qemu-options.hx (read with `find_string`): `-vga cirrus` is the "Cirrus Logic
    GD5446 Video card" (the cirrus-vga device a `-device cirrus-vga` adds, which HVA-047
    fails); `-audio [driver=]driver,model=value` "specifies the audio backend and device to
    use" (`-audio pa,model=sb16`), as `-soundhw` did before QEMU 7.1; `-usbdevice devname`
    "Add[s] the USB device devname", ``tablet`` the "Pointer device that uses absolute
    coordinates". QEMU builds the same emulated devices as `-device`, so HVA-047 passed VMs
    with them, its message denying them (false pass, as R10-6 for `-device`). R12-6: `-drive
    ...,if=floppy` ("Available types are: ide, scsi, sd, mtd, floppy, pflash, virtio, none")
    is the floppy drive `-fda` adds, which HVA-047 already failed."""
    assert verdict(shorthand, "HVA-047", vm) == ("fail", f"emulated legacy devices: {what}")


def test_standard_vga_and_no_audio_stay_a_pass(shorthand: Assessment) -> None:
    """Holds: `-vga std` (the Bochs VBE card, not a flagged one) and `-audio none` without a
    model (only the default audio backend, qemu-options.hx: "-audio none ensures that no audio
    is produced") add no legacy device."""
    assert verdict(shorthand, "HVA-047", "vgastd") == (
        "pass",
        "no floppy, IDE, sound, USB redirection, smartcard, rtl8139/ne2k/pcnet NIC, cirrus or vmvga "
        "(VMware SVGA) video or USB tablet, mouse or keyboard",
    )


# --- R12-7: HVA-058, a <disk type='dir'> -----------------------------------------------------


def test_directory_disk_is_a_read_only_shared_directory(tmp_path: Path) -> None:
    """R12-7. libvirt's QEMU driver builds a `<disk type='dir'>` as `file=fat:` (`fat:floppy:`
    for a floppy), QEMU's virtual FAT of the host directory, and refuses it writable: "cannot
    create virtual FAT disks in read-write mode" (src/qemu/qemu_command.c, read with
    `find_string`). A host directory is shared with the guest, read-only: HVA-058 said "no host
    directory shared" (wrong n/a); now the pass naming it."""
    disk = (
        "<devices><disk type='dir' device='disk'><driver name='qemu' type='fat'/>"
        "<source dir='/srv/share'/><target dev='vdb' bus='virtio'/><readonly/></disk></devices>"
    )
    uri = write_node(tmp_path / "n.xml", [domain_xml("dirdisk", body=disk)])
    a = run_assessment(build_bundle(tmp_path, uri, HARDENED_HOST, name="b"))
    assert verdict(a, "HVA-058", "dirdisk") == (
        "pass",
        "shared directories read-only or with mapped ownership: /srv/share (<disk type='dir'>, "
        "a read-only virtual FAT)",
    )
