"""Seventeenth red-team review, VM side (rt17vm): definition elements no earlier round probed,
and two leads of rounds 16 and leads16.

Same harness as round 16 (tests/test_redteam16_vm_probes.py and the helpers of rounds 3, 10,
13 and leads16 it imports): libvirt's test driver serves the domains on conftest's replayed
hardened host (or its SELinux twin). Every fact a probe rests on was read with the `search` /
`find_string` / `read_file` tools and is cited in its docstring. None repeats a probe of the
sixteen earlier rounds.

Findings (R17-n): R17-1 HVA-044 compared the disks two VMs open (VL16-5) but not a disk's
<backingStore> chain: a VM whose qcow2 overlay has another VM's writable disk as its backing
file reads that VM's data, and libvirt labels the file for it at each start (SELinux: the
read-only content label of a lower layer; the DAC driver chowns every layer); both passed on
their own labels (false pass; now VL16-5's question, naming the file as a backing file).
R17-2 HVA-050 said "no device passthrough" for a host character device a chardev of type='dev'
hands the guest (<serial>, <parallel>, <console>, <channel>; round 16's lead: no check read
it): the host's console (/dev/console, a virtual terminal, the line a console= kernel
parameter names) gives the guest the host's kernel messages and login prompt (wrong n/a; now a
fail), any other line is the question of what it is. R17-3 HVA-056 said "no TPM device" for
a VM given the host's TPM through such a character device (/dev/tpm0, /dev/tpmrm0 as a
<channel> or <serial> of type='dev'), which libvirt chowns to the QEMU user and QEMU relays
the guest's commands to (wrong n/a hiding a fail; now a fail). R17-4 the same devices opened
by raw QEMU arguments (`-serial mon:/dev/ttyS1`, `-chardev backend=serial,path=/dev/tpm0`)
kept HVA-050's and HVA-056's n/a (wrong n/a; hvaudit.parse.qemu_args.raw_chardev_passthrough).
R17-5 HVA-031 passed a password-less VNC console on 127.0.0.1 beside another VM with
<interface type='user'>, whose guest reaches the host's 127.0.0.1 through QEMU's slirp (false
pass; now the loopback console is judged as a network one, naming that VM; HVA-031 declares
peers interfaces and raw_hypervisor_arguments instead of per_vm).

Held (kept as tests): two VMs whose overlays share one read-only base image (R17-1's edge);
a USB hostdev beside no character device keeps its n/a (R17-2's edge); a host serial line is
no TPM (R17-3's edge).
Probed by script, not kept (the verdict was right): HVA-031 for an EGD <rng> backend on TCP
bound to 0.0.0.0 (fail, chardev_tls = 0); HVA-056 for a passthrough TPM (fail); HVA-057 for an
ivshmem-doorbell with a server (fail); HVA-059 for vhost-scsi (question); HVA-050 for mdev and
scsi_host (n/a naming them); HVA-049 for Hyper-V evmcs beside vmx disabled (pass: QEMU's
hv-evmcs needs VMX, so there is no nesting); HVA-067's launch-security policy table (SEV NODBG,
SEV-SNP DEBUG, TDX attributes; read, not re-probed).

Tally: 13 probe cases (9 test functions). 9 cases pin R17-1..R17-5 (each failed on main
before its fix: R17-1 2, R17-2 3, R17-3 2, R17-4 1, R17-5 1); 4 held (R17-5's asserts the
console alone keeps its pass).

Leads left (not settled in the time): Proxmox VE's own `serial0: /dev/ttyS0` (qm.conf: a
host serial device passed through) and `parallel0: /dev/parport0` are not read by R17-2/R17-3
(the Proxmox parser; its raw `args:` may need raw_chardev_passthrough too). A host keyboard
given by <input type='evdev'> (R14-3's n/a) lets the guest read what is typed on the host's
console, grab='all' even hides it from the host: the same question as R17-2, not decided. An <rng> backend model='random' of
/dev/hwrng (the host's hardware RNG, drained by the guest) is judged by no check. A
<backingStore> of a *pool volume* another VM uses, and two VMs naming one pool volume, are not
compared (VL16-5's lead stands for volumes). HVA-044's VL16-5 message says "each of their
guests reads and writes what the other wrote" also for R17-1's backing reader, which only
reads (wording). Network disks (nbd, iscsi, rbd, gluster) without <auth> or TLS carry guest
data in clear on the storage network; no check owns them. R17-5 was in HVA-031 only: the
other checks that credit "loopback only" (HVA-030, HVA-033, HVA-036, HVA-210) count a
user-mode guest as a reach into 127/8 since R17-6..R17-9 (tests/test_loop17_probes.py); a VM's own guest
reaching its own loopback listener (a raw `-monitor tcp:127.0.0.1:...,server`) is not counted;
another VM's loopback port forward (hostfwd, passt) is left as network reach; passt's
--map-host-loopback default was not read with the tools. A <channel
type='tcp'> with <target type='guestfwd'> connecting to 127.0.0.1:16509 was reported by
HVA-031 as "no TCP or UDP character device" under the test driver (whether the driver or the
parser drops it was not read).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import HARDENED_HOST, build_bundle, domain_xml, run_assessment, write_node
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import verdict
from test_redteam10_vm_probes import _scan, q35


def _result(a: Assessment, check_id: str, vm: str) -> Any:
    return next(r for r in a.results if r.check.id == check_id and r.outcome.subject.name == vm)


# --- R17-1: HVA-044, a backing file that is another VM's writable disk -------------------------

IMAGES = "/var/lib/libvirt/images"


def _overlay(path: str, backing: str | None = None) -> str:
    chain = (
        f"<backingStore type='file'><format type='qcow2'/><source file='{backing}'/>"
        "<backingStore/></backingStore>"
        if backing
        else ""
    )
    return (
        "<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
        f"<source file='{path}'/>{chain}<target dev='vda' bus='virtio'/></disk></devices>"
    )


@pytest.fixture(scope="module")
def chains(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    from test_redteam13_vm_probes import DYNAMIC
    from test_redteam_probes import SELINUX_HOST

    tmp: Path = tmp_path_factory.mktemp("rt17chain")
    doms = {
        "reader": DYNAMIC + _overlay(f"{IMAGES}/reader.qcow2", f"{IMAGES}/writer.qcow2"),
        "writer": DYNAMIC + _overlay(f"{IMAGES}/writer.qcow2"),
        "golda": DYNAMIC + _overlay(f"{IMAGES}/golda.qcow2", f"{IMAGES}/base.qcow2"),
        "goldb": DYNAMIC + _overlay(f"{IMAGES}/goldb.qcow2", f"{IMAGES}/base.qcow2"),
    }
    uri = write_node(tmp / "n.xml", [domain_xml(k, body=v) for k, v in doms.items()])
    return run_assessment(build_bundle(tmp, uri, SELINUX_HOST, name="b"))


TAIL = (
    "are also other VMs' disks, without <shareable/>: libvirt labels a disk for each VM that "
    "starts with it, so a guest that reads one reads what the guests that write it wrote"
)


@pytest.mark.parametrize(
    ("vm", "listed"),
    [
        (
            "reader",
            f"{IMAGES}/writer.qcow2 (its backing file) (written by VM(s) writer; read only by "
            "this VM)",
        ),
        ("writer", f"{IMAGES}/writer.qcow2 (written by this VM; read only by VM(s) reader)"),
    ],
)
def test_backing_file_that_is_another_vms_disk_is_a_question(
    chains: Assessment, vm: str, listed: str
) -> None:
    """R17-1 (false pass; leads16's lead: VL16-5 compared the disks two VMs name, not a
    <backingStore> chain). VM reader's qcow2 overlay has VM writer's own writable disk as its
    backing file. libvirt labels every layer of a disk's chain at each start
    (virSecuritySELinuxSetAllLabel with VIR_SECURITY_DOMAIN_IMAGE_LABEL_BACKING_CHAIN, as
    R14-4 read); virSecuritySELinuxSetImageLabelInternal gives a layer below the top `use_label
    = data->content_context`, the read-only content label any VM reads (read with
    `find_string`), and the DAC driver chowns each layer to the QEMU user. So reader's guest
    reads what writer's guest writes (a clone left on its template's live disk), yet both
    passed HVA-044 "dynamic selinux label (generated at every start)". Now VL16-5's question
    for both, the reader's entry naming the file as its backing file, each entry saying which
    VMs write the file and which only read it (R19-10)."""
    assert verdict(chains, "HVA-044", vm) == (
        "manual",
        f"dynamic selinux label (generated at every start); but disk(s) {listed} {TAIL}",
    )
    assert _result(chains, "HVA-044", vm).outcome.question.startswith(
        f"Is each disk VM {vm} shares with another VM on host hv1 ({listed}) meant to be "
        "shared so, written by the VMs listed as writing it and read by those listed as "
        "reading it?"
    )


@pytest.mark.parametrize("vm", ["golda", "goldb"])
def test_overlays_of_one_read_only_base_image_keep_the_pass(chains: Assessment, vm: str) -> None:
    """R17-1 held: two overlays of one base image that no VM opens writable (linked clones of
    a golden image) read the same bytes and write nothing into them."""
    assert verdict(chains, "HVA-044", vm) == (
        "pass",
        "dynamic selinux label (generated at every start)",
    )


# --- R17-2: HVA-050, a host character device handed to the guest -------------------------------


def _tty(tag: str, path: str) -> str:
    target = (
        "<target type='virtio' name='org.example.0'/>" if tag == "channel" else "<target port='0'/>"
    )
    return f"<devices><{tag} type='dev'><source path='{path}'/>{target}</{tag}></devices>"


CONSOLE_HOST = dict(
    HARDENED_HOST,
    **{
        "/proc/cmdline": "BOOT_IMAGE=/vmlinuz-6.1.0-28-amd64 root=/dev/mapper/vg-root ro "
        "console=tty0 console=ttyS1,115200n8 quiet\n"
    },
)


@pytest.fixture(scope="module")
def ttys(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    return _scan(
        tmp_path_factory.mktemp("rt17tty"),
        [
            q35("hostcon", _tty("serial", "/dev/ttyS1")),
            q35("vt", _tty("console", "/dev/tty2")),
            q35("line", _tty("parallel", "/dev/parport0")),
            q35("tpmchan", _tty("channel", "/dev/tpmrm0")),
            q35("tpmser", _tty("serial", "/dev//tpm0")),
            q35(
                "usbonly",
                "<devices><hostdev mode='subsystem' type='usb'><source><vendor "
                "id='0x1234'/><product id='0xbeef'/></source></hostdev></devices>",
            ),
        ],
        CONSOLE_HOST,
    )


@pytest.mark.parametrize(("vm", "path"), [("hostcon", "/dev/ttyS1"), ("vt", "/dev/tty2")])
def test_host_console_given_to_a_guest_fails(ttys: Assessment, vm: str, path: str) -> None:
    """R17-2 (wrong n/a; round 16's lead: "<serial type='dev'><source path='/dev/ttyS0'> (or a
    parallel port) hands the guest a host character device, perhaps the host's own console
    line, and no check reads it"). formatdomain, "Host device proxy": "The character device is
    passed through to the underlying physical character device"; at start libvirt chowns it
    to the QEMU user and labels it with the VM's image label (security_dac.c
    virSecurityDACSetChardevLabel and security_selinux.c virSecuritySELinuxSetChardevLabel,
    `case VIR_DOMAIN_CHR_TYPE_DEV`, read with `find_string`). The host here boots with
    `console=tty0 console=ttyS1,115200n8` (Documentation/admin-guide/serial-console.rst), so
    /dev/ttyS1 carries its kernel messages and login prompt; /dev/tty2 is a virtual terminal
    (devices.txt: "tty1 First virtual console", where logind's autovt starts a getty). HVA-050
    (the check of devices handed to a VM) said "no device passthrough"; HVA-050 owns it now,
    and the host's console fails."""
    assert verdict(ttys, "HVA-050", vm) == (
        "fail",
        f"host character device(s) {path} given to the guest: the host's own console (kernel "
        "console or virtual terminal), whose kernel messages and login prompt the guest reads "
        "and answers",
    )


def test_other_host_character_device_is_a_question(ttys: Assessment) -> None:
    """R17-2 (wrong n/a): a parallel port the host's command line does not name may be wired to
    hardware the guest is meant to drive, or be a line the host serves; the definition cannot
    tell, so the question in the house form."""
    assert verdict(ttys, "HVA-050", "line") == (
        "manual",
        "host character device(s) /dev/parport0 given to the guest as character device(s): no DMA, but the guest reads "
        "and writes a line of the host",
    )
    assert _result(ttys, "HVA-050", "line").outcome.question == (
        "Is each host device VM line is given on host hv1 (/dev/parport0) a line the host does "
        "not use itself? Evidence: the console= parameters of /proc/cmdline, `systemctl "
        "list-units 'serial-getty@*' 'getty@*'` and `fuser -v /dev/parport0` on hv1. Pass: a "
        "port wired only to the hardware the guest drives; fail: the host's console or a "
        "getty's line, a host session's pseudo-terminal (/dev/pts/N), or a port another VM is "
        "given."
    )


def test_usb_hostdev_without_character_device_keeps_its_na(ttys: Assessment) -> None:
    """R17-2 held: a USB device stays host-mediated (no DMA of its own) and no host line is
    handed over: HVA-050's n/a as before."""
    assert verdict(ttys, "HVA-050", "usbonly") == (
        "not_applicable",
        "no DMA-capable (PCI) passthrough: usb devices stay host-mediated",
    )


# --- R17-3: HVA-056, the host's TPM handed over as a character device --------------------------


@pytest.mark.parametrize(("vm", "path"), [("tpmchan", "/dev/tpmrm0"), ("tpmser", "/dev/tpm0")])
def test_host_tpm_as_a_character_device_fails(ttys: Assessment, vm: str, path: str) -> None:
    """R17-3 (wrong n/a hiding a fail). HVA-056 read only <tpm><backend type='passthrough'>
    and raw -tpmdev, so a <channel type='dev'> (or <serial>) whose source is the host's TPM
    said "no TPM device". libvirt chowns the path to the QEMU user and labels it for the VM
    (virSecurityDACSetChardevLabel / virSecuritySELinuxSetChardevLabel, `case
    VIR_DOMAIN_CHR_TYPE_DEV`, read with `find_string`); QEMU's serial chardev opens any path
    read-write and ignores tty_serial_init's outcome (chardev/char-serial.c
    qmp_chardev_open_serial: `qmp_chardev_open_file_source(serial->device, O_RDWR |
    O_NONBLOCK, errp)`, then `tty_serial_init(fd, 115200, 'N', 8, 1)`, read with
    `find_string`), so the guest's writes reach the host's TPM driver (/dev/tpm%d and the
    resource manager /dev/tpmrm%d, drivers/char/tpm/tpm-chip.c dev_set_name) and a compromised
    QEMU owns the TPM outright. The path is compared as the kernel resolves it (`//`)."""
    assert verdict(ttys, "HVA-056", vm) == (
        "fail",
        f"host TPM device {path} given to the guest as a character device: the guest "
        "sends the host's TPM its commands",
    )


def test_host_serial_line_is_no_tpm(ttys: Assessment) -> None:
    """R17-3 held: a host serial line handed over is no TPM (HVA-050 judges it)."""
    assert verdict(ttys, "HVA-056", "hostcon") == ("not_applicable", "no TPM device")


# --- R17-4: raw QEMU arguments that open a host character device -------------------------------


def test_raw_arguments_opening_host_character_devices_are_judged(tmp_path: Path) -> None:
    """R17-4 (wrong n/a; R17-2's and R17-3's class in raw arguments). QEMU's compatibility
    parser reads `-serial /dev/NAME` as the serial backend on that path and
    `-parallel /dev/parportN` as the parallel one, after an optional `mon:` (chardev/char.c
    qemu_chr_parse_compat: `strstart(filename, "/dev/parport", NULL) || strstart(filename,
    "/dev/ppi", NULL)` -> parallel, `strstart(filename, "/dev/", NULL)` -> serial, read with
    `find_string`); `-chardev serial|tty|parallel|parport,path=` names the backend itself. So
    `<qemu:arg>`s hand the guest the host's console line or TPM as a <serial type='dev'>
    does: HVA-050 said "no device passthrough" and HVA-056 "no TPM device" (HVA-046 fails
    the raw arguments, but not for these reasons)."""
    from test_redteam10_vm_probes import _raw_cpu_domain, _replayed_on

    domains = {
        "rawcon": _raw_cpu_domain("rawcon", "", "-serial", "mon:/dev/ttyS1"),
        "rawtpm": _raw_cpu_domain("rawtpm", "", "-chardev", "backend=serial,id=t,path=/dev/tpm0"),
    }
    a = run_assessment(_replayed_on(tmp_path, CONSOLE_HOST, domains))
    status, message = verdict(a, "HVA-050", "rawcon")
    assert status == "fail"
    assert message.startswith("host character device(s) /dev/ttyS1 given to the guest")
    status, message = verdict(a, "HVA-056", "rawtpm")
    assert (status, message) == (
        "fail",
        "host TPM device /dev/tpm0 given to the guest as a character device: the guest "
        "sends the host's TPM its commands",
    )


# --- R17-5: HVA-031, a loopback console beside a guest on user-mode networking -------------------


def test_loopback_console_beside_a_user_mode_guest_is_judged_as_a_network_one(
    tmp_path: Path,
) -> None:
    """R17-5 (false pass; found this round). HVA-031 credits a console on 127.0.0.1 as reached
    by the host alone (hvaudit.checks._loopback), but QEMU's user-mode network stack rewrites a
    guest's connection to its virtual host address (10.0.2.2) to 127.0.0.1 on the host
    (libslirp socket.c sotranslate_out4: `sin->sin_addr = loopback_addr` unless
    disable_host_loopback; read with `find_string`), and libvirt's <interface type='user'>
    builds `-netdev user` without restrict=on. So VM slirp's guest connects to VM vncloop's
    password-less VNC on 127.0.0.1:5900, which passed. Now the loopback address is judged as a
    network one while such a guest runs on the host, naming it."""
    user_nic = (
        "<devices><interface type='user'><mac address='52:54:00:17:00:05'/>"
        "<model type='virtio'/></interface></devices>"
    )
    vnc = (
        "<devices><graphics type='vnc' port='5900' autoport='no' listen='127.0.0.1'>"
        "<listen type='address' address='127.0.0.1'/></graphics></devices>"
    )
    (tmp_path / "alone").mkdir()
    (tmp_path / "beside").mkdir()
    alone = _scan(tmp_path / "alone", [q35("vncloop", vnc)])
    assert verdict(alone, "HVA-031", "vncloop")[0] == "pass"
    a = _scan(tmp_path / "beside", [q35("vncloop", vnc), q35("slirp", user_nic)])
    status, message = verdict(a, "HVA-031", "vncloop")
    assert status == "fail"
    assert message.endswith(
        "127.0.0.1 is reachable from guests: the user-mode networking of VM slirp (<interface "
        "type='user'>) turns a guest's connection to its host address into one to 127.0.0.1"
    )
