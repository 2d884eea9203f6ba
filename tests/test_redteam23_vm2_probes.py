"""Twenty-third red-team review, VM side, second pass (rt23vm2): raw QEMU arguments' image
words (qemu_args.NO_ARGUMENT), vhost-user sockets QEMU connects to (HVA-057) and a raw
`-global` lifting the UEFI flash's SMM protection (HVA-066), on the leads of
tests/test_redteam23_vm_probes.py.

Harness: domains replayed as a daemon with the QEMU driver reports them, <qemu:commandline>
kept (test_redteam3_vm_probes.replayed_domains: the test driver supplies the host, the domain
artefacts are written as collected), assessed by the real parser and engine.

Findings (R23M-n):

- R23M-1 (false n/a) HVA-238, HVA-058: a bare image word after a QEMU option that takes no
  argument other than the eleven R23V-2 listed (`-no-hpet http://...`, `-only-migratable
  nbd://...`, `-no-acpi fat:rw:DIR`), or after an option whose argument starts with a dash
  (`-append -v iscsi://...`), was read as that option's argument, though QEMU opens it as the
  guest's first disk. Sources: qemu-options.hx `DEF("no-hpet", 0, QEMU_OPTION_no_hpet`,
  `DEF("perfmap", 0, QEMU_OPTION_perfmap`, `DEF("enable-sync-profile", 0, ...`, and of the
  releases that had them `DEF("no-kvm", 0, ...`, `DEF("sdl", 0, ...`, `DEF("alt-grab", 0,
  ...` and others (read with `find_string`); every argument-less option of QEMU 7.2
  (-no-acpi, -no-hpet, -only-migratable, -full-screen, -mem-prealloc, -no-fd-bootchk,
  -win2k-hack, -async-teardown, -preconfig, -singlestep, ...) confirmed with the installed
  qemu-system-x86_64 7.2.22: `-OPT -readconfig -readconfig /nonexist/x` fails on opening
  /nonexist/x as a disk image after each, and on "-readconfig /nonexist/x" after an option
  that takes one. vl.c lookup_opt takes the next word as an option's argument whatever it is
  (`if (popt->flags & HAS_ARG) { ... optarg = argv[optind++];`, read with `find_string`).
  Now NO_ARGUMENT lists them all and qemu_options reads which words are arguments left to
  right as lookup_opt does: HVA-238 asks its question naming the word, HVA-058 reads the
  FAT share.

- R23M-2 (false pass) HVA-057: a vhost-user socket QEMU connects to (an <interface
  type='vhostuser'> in mode='client', a <disk type='vhostuser'>, a virtiofs <filesystem>'s
  <source socket>, raw `-chardev socket,path=...` without server=on for `-netdev
  vhost-user`) in /tmp, /var/tmp or /dev/shm passed "no <shmem> device", though QEMU hands
  the guest's whole memory to whatever listens on that path (QEMU docs/interop/vhost-user.rst
  VHOST_USER_SET_MEM_TABLE, R23V-1) and in a directory of mode 1777 any local user may bind
  the name before the back end does or after it exits (and QEMU reconnects). Sources:
  systemd tmpfiles.d/tmp.conf `D /tmp 1777 root root` and `q /var/tmp 1777 root root 30d`,
  mount-setup.c `{ "tmpfs", "/dev/shm", "tmpfs", "mode=1777", ...` (read with `find_string`); libvirt formatdomain's own example `<disk type='vhostuser'>
  <source type='unix' path='/tmp/vhost-blk.sock'><reconnect enabled='yes' timeout='10'/>`
  (read with `find_string`); libvirt runs an outside virtiofsd's share as `-chardev
  socket,id=chr-vu-fs0,path=/tmp/...` with no server=on (a libvirt log, read with
  `find_string`). Now HVA-057 asks whether only the VM's own back end creates and listens
  on each such socket (guest._vhost_user_bindable); a socket elsewhere (OVS-DPDK's
  /run/openvswitch) still passes, as the back end's own directory.

- R23M-3 (false pass) HVA-066: raw `-global driver=cfi.pflash01,property=secure,value=off`
  (any order of its keys, `--global`, value off/no/false/n) kept HVA-066's store question
  ("Secure Boot enabled with the template's keys" passes), though it overrides libvirt's
  own `-global driver=cfi.pflash01,property=secure,value=on` and leaves the variable store
  writable by the guest OS. Sources: libvirt tests/qemuxml2argvdata/bios-nvram-secure.args
  (`-machine pc-q35-2.5,...,smm=on -global driver=cfi.pflash01,property=secure,value=on`,
  before the raw arguments; read with `read_file`); qom/object.c object_apply_global_props,
  "Applied in order, later entries override earlier ones"; qdev-monitor.c
  qemu_global_option (`sscanf(str, "%63[^.=].%63[^=]%n", ...)`, else QemuOpts driver,
  property, value); hw/block/pflash_cfi01.c pflash_mem_write_with_attrs `if ((pfl->features
  & (1 << PFLASH_SECURE)) && !attrs.secure) { return MEMTX_ERROR; }` (all read with
  `find_string`); edk2 OvmfPkg/VirtHstiDxe/README.md, VIRT_HSTI_BYTE0_SMM_SECURE_VARS_FLASH
  "Verify the variable store is not writable for normal (not SMM) code" (read with
  `read_file`). Now HVA-066 fails naming the argument (guest._flash_unprotected), as P12-1
  fails a Proxmox VE Secure Boot firmware without SMM.

Held (kept as tests): `-k http://...` (an option with an argument) stays "no network
disks"; a client socket under /tmpdata (not /tmp) still passes HVA-057; the short form
`-global cfi.pflash01.secure=off` (it names driver `cfi`) and a later `value=on` keep
HVA-066's store question.

Probed by script, not kept: `-no-hpet /srv/a.qcow2` (a local image: HVA-238 not applicable
either way).

Tally: 15 cases in 8 test functions; the 4 R23M-1 cases failed on main 4b90336 before the
fix, the 5 R23M-2 cases on main affa503, the 2 R23M-3 cases on main 58e7d52 (the 4 held
cases passed there too).

Leads left (not settled in the time):
- Proxmox VE: qemu-server e6352be6 adds no `-global driver=cfi.pflash01,property=secure,
  value=on` (`git grep` of src/PVE finds none; OVMF.pm print_ovmf_commandline maps pflash0
  and pflash1 only). Unless pve-qemu turns the property on by default (not checked), a
  Proxmox VE Secure Boot VM's variable store is writable by the guest OS and HVA-066's store
  question would pass it. A team decision (a fail for every such VM if confirmed).
- HVA-044: a device-level `<seclabel relabel='no'/>` without a model attribute (formatdomain's
  own disk example) is read by no check (libvirt_xml._selinux_override takes model='selinux'
  only); libvirt's virStorageSourceGetSecurityLabelDef matches models with STREQ_NULLABLE,
  and where libvirt gives such a label its model was not found (the test driver keeps it
  model-less). Not settled.
- Raw `-global` is read for cfi.pflash01's secure property only; other device defaults a
  raw `-global` changes (and -readconfig [global] sections) are read by no check.
- vhost-user sockets in a directory another non-root user owns or may write (other than
  /tmp, /var/tmp, /dev/shm) still pass: the collection holds no directory modes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_assessment
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import QEMU_NS, replayed_domains, verdict
from test_redteam23_vm_probes import _domain as _vm_domain


def _domain(name: str, args: tuple[str, ...] = (), devices: str = "") -> str:
    return _vm_domain(name, devices, args)


def _efi_sb(name: str, args: tuple[str, ...]) -> str:
    words = "".join(f"<qemu:arg value='{a}'/>" for a in args)
    return (
        f"<domain type='kvm' xmlns:qemu='{QEMU_NS}'><name>{name}</name>"
        "<memory unit='MiB'>512</memory><vcpu>1</vcpu>"
        "<os firmware='efi'><type arch='x86_64' machine='pc-q35-8.2'>hvm</type>"
        "<firmware><feature enabled='yes' name='secure-boot'/>"
        "<feature enabled='yes' name='enrolled-keys'/></firmware></os>"
        "<features><smm state='on'/></features><devices></devices>"
        f"<qemu:commandline>{words}</qemu:commandline></domain>"
    )


def _vhostuser(path: str, mode: str) -> str:
    return (
        "<interface type='vhostuser'><mac address='52:54:00:00:00:02'/>"
        f"<source type='unix' path='{path}' mode='{mode}'/><model type='virtio'/></interface>"
    )


VU_DISK = (
    "<disk type='vhostuser' device='disk'><driver name='qemu' type='raw'/>"
    "<source type='unix' path='/tmp/vhost-blk.sock'><reconnect enabled='yes' timeout='10'/>"
    "</source><target dev='vdf' bus='virtio'/></disk>"
)
VU_FS = (
    "<filesystem type='mount' accessmode='passthrough'><driver type='virtiofs'/>"
    "<source socket='/var/tmp/vfsd.sock'/><target dir='share'/></filesystem>"
)
CLI_NET = "socket,id=vu1,path=/dev/shm/vu1.sock"
FLASH_OFF = "driver=cfi.pflash01,property=secure,value=off"
FLASH_NO = "property=secure,value=no,driver=cfi.pflash01"


DOMAINS = {
    "nohpet": _domain("nohpet", ("-no-hpet", "http://192.0.2.9/disk.img")),
    "onlymig": _domain("onlymig", ("-only-migratable", "nbd://192.0.2.5:10809/exp")),
    "dashed": _domain("dashed", ("-append", "-v", "iscsi://192.0.2.8/iqn.2001-04.com.example:t/1")),
    "fat": _domain("fat", ("-no-acpi", "fat:rw:/srv/share")),
    "keymap": _domain("keymap", ("-k", "http://192.0.2.9/disk.img")),
    "vutmp": _domain("vutmp", devices=_vhostuser("/tmp/vhost1.sock", "client")),
    "vudisk": _domain("vudisk", devices=VU_DISK),
    "vufs": _domain("vufs", devices=VU_FS),
    "vuraw": _domain(
        "vuraw",
        (
            "-chardev",
            CLI_NET,
            "-netdev",
            "vhost-user,id=n1,chardev=vu1",
            "-device",
            "virtio-net-pci,netdev=n1",
        ),
    ),
    "vuboth": _domain(
        "vuboth",
        devices=_vhostuser("/run/vm/srv.sock", "server") + _vhostuser("/tmp/cli.sock", "client"),
    ),
    "vuown": _domain("vuown", devices=_vhostuser("/tmpdata/vhu1", "client")),
    "sboff": _efi_sb("sboff", ("-global", FLASH_OFF)),
    "sbno": _efi_sb("sbno", ("--global", FLASH_NO)),
    "sbshort": _efi_sb("sbshort", ("-global", "cfi.pflash01.secure=off")),
    "sbback": _efi_sb(
        "sbback", ("-global", FLASH_OFF, "-global", "driver=cfi.pflash01,property=secure,value=on")
    ),
}


@pytest.fixture(scope="module")
def probes(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp: Path = tmp_path_factory.mktemp("rt23m")
    return run_assessment(replayed_domains(tmp, DOMAINS))


@pytest.mark.parametrize(
    ("vm", "word"),
    [
        ("nohpet", "http://192.0.2.9/disk.img"),
        ("onlymig", "nbd://192.0.2.5:10809/exp"),
        ("dashed", "iscsi://192.0.2.8/iqn.2001-04.com.example:t/1"),
    ],
)
def test_r23m_1_image_word_after_argumentless_option(
    probes: Assessment, vm: str, word: str
) -> None:
    """R23M-1: `DEF("no-hpet", 0, ...` (and -only-migratable, confirmed on QEMU 7.2.22) take
    no argument, and lookup_opt gives -append the next word even when it starts with a dash:
    the word after is opened as -hda, a network disk, asked."""
    assert verdict(probes, "HVA-238", vm) == (
        "manual",
        f"raw QEMU argument {word} (an image word, as -hda)",
    )


def test_r23m_1_fat_word_after_no_acpi_is_a_shared_directory(probes: Assessment) -> None:
    """R23M-1: `-no-acpi` takes no argument (QEMU 7.2.22 opens the next word as a disk), so
    `fat:rw:DIR` after it is QEMU's virtual FAT disk of DIR (HVA-058's share, R12-4)."""
    assert verdict(probes, "HVA-058", "fat") == (
        "pass",
        "shared directories read-only or with mapped ownership: /srv/share (QEMU virtual FAT, "
        "written back: QEMU argument fat:rw:/srv/share)",
    )


def test_r23m_1_held_option_argument(probes: Assessment) -> None:
    """Held: `-k` takes the next word as its keyboard layout (`DEF("k", HAS_ARG, ...`)."""
    assert verdict(probes, "HVA-238", "keymap") == ("not_applicable", "no network disks")


BIND = (
    "vhost-user socket(s) QEMU connects to in a directory every local user may create files "
    "in, whose listener is handed the guest's memory: "
)


@pytest.mark.parametrize(
    ("vm", "shown"),
    [
        ("vutmp", "vhost-user interface socket /tmp/vhost1.sock (mode client)"),
        ("vudisk", "vhost-user disk socket /tmp/vhost-blk.sock"),
        ("vufs", "virtiofs socket /var/tmp/vfsd.sock"),
        (
            "vuraw",
            f"QEMU argument -chardev {CLI_NET} (connecting, for -netdev vhost-user,id=n1,chardev=vu1)",
        ),
    ],
)
def test_r23m_2_vhost_user_client_socket_in_tmp_is_asked(
    probes: Assessment, vm: str, shown: str
) -> None:
    """R23M-2: QEMU connects to the path and maps the guest's memory into whoever listens
    there; in /tmp, /var/tmp or /dev/shm (mode 1777) any local user may bind it first."""
    assert verdict(probes, "HVA-057", vm) == ("manual", BIND + shown)


def test_r23m_2_listening_and_bindable_both_named(probes: Assessment) -> None:
    """R23M-2: a VM with a socket QEMU listens on and one it connects to in /tmp names both."""
    assert verdict(probes, "HVA-057", "vuboth") == (
        "manual",
        "vhost-user socket(s) QEMU listens on, whose peer is handed the guest's memory: "
        "vhost-user interface socket /run/vm/srv.sock (mode server); "
        + BIND
        + "vhost-user interface socket /tmp/cli.sock (mode client)",
    )


def test_r23m_2_held_socket_outside_world_writable_dirs_passes(probes: Assessment) -> None:
    """Held: a client socket in a directory of the back end's own (not /tmp: /tmpdata is not
    under it) is the back end's, as OVS-DPDK's /run/openvswitch ports are."""
    assert verdict(probes, "HVA-057", "vuown") == ("pass", "no <shmem> device")


STORE = (
    "UEFI Secure Boot with enrolled keys (firmware features secure-boot and enrolled-keys); "
    "the VM's variable store was created from the template they select, whether Secure Boot "
    "is on now is in the store"
)


@pytest.mark.parametrize(
    ("vm", "shown"), [("sboff", f"-global {FLASH_OFF}"), ("sbno", f"--global {FLASH_NO}")]
)
def test_r23m_3_flash_secure_off_fails(probes: Assessment, vm: str, shown: str) -> None:
    """R23M-3: a later `-global driver=cfi.pflash01,property=secure,value=off` overrides
    libvirt's `value=on` (object_apply_global_props: "later entries override earlier ones"),
    and QEMU's flash then takes non-SMM writes: the guest OS rewrites the variable store."""
    assert verdict(probes, "HVA-066", vm) == (
        "fail",
        f"{STORE}; but QEMU argument {shown} lifts the SMM write protection of the UEFI flash: "
        "the guest OS can rewrite the variable store and turn Secure Boot off",
    )


@pytest.mark.parametrize("vm", ["sbshort", "sbback"])
def test_r23m_3_held_short_form_and_later_on(probes: Assessment, vm: str) -> None:
    """Held: the short form `cfi.pflash01.secure=off` names driver `cfi` (qemu_global_option's
    `%63[^.=].%63[^=]`: the driver ends at the first dot), and a later `value=on` wins: the
    store question stays."""
    assert verdict(probes, "HVA-066", vm) == ("manual", STORE)
