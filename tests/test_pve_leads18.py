"""Leads 18, Proxmox VE: leads rounds 16 and 17 left (tests/test_redteam17_pve_probes.py,
tests/test_pve_leads17.py "Leads left"): the SPICE console's model, host serial and parallel
ports, user-mode NICs and the loopback reach, narrow DROPs and IP sets. Sources from
github:proxmox/qemu-server e6352be (read with `fetch`), pve-manager and pve-common (read with
`find_string`).

Findings:

- L18-1 (false pass): a NIC without `bridge` was modelled as a bridged port. qemu-server
  Network.pm: "If you do not specify a bridge, we create a kvm user (NATed) network device";
  print_netdev_full gives it `-netdev type=user,id=netN,hostname=<name>` (no `restrict`) and
  no tap, so pve-bridge's tap_plug, which applies `tag`, `trunks`, `firewall` and `rate`,
  never runs for it. HVA-303 passed "1 interface(s) behind the VM firewall" for `net0:
  virtio=...,firewall=1` with no bridge; HVA-092 counted its `rate` as a limit; HVA-191 passed
  it "filtered by pve-firewall (macfilter, ipfilter)"; HVA-197 asked about "its bridge"; and
  hvaudit.checks._loopback did not count it, so HVA-033/210 (and 030/031/036) judged the
  node's 127/8 as local beside a guest whose connections to 10.0.2.2 become the node's
  127.0.0.1 (libslirp sotranslate_out4, R17-5). Now `type='user'` as libvirt's: HVA-303 fails
  it, HVA-092 notes it cannot be shaped, HVA-191/197 have no port to judge, and the loopback
  rule names "VM <name> (net0 without a bridge)".
- L18-2 (false pass): HVA-210 did not count pvedaemon, Proxmox VE's root API daemon on
  127.0.0.1:85 (pve-manager PVE/Service/pvedaemon.pm `create_reusable_socket(85,
  '127.0.0.1')`, trusted_env 1), as a management listener: beside a user-mode guest (or with
  route_localnet = 1) it passed. Nor a worker-named pveproxy/spiceproxy socket: PVE::Daemon
  names each worker `$0 = "$self->{name} worker"`, which `ss -p` shows cut to 15 characters
  ("pvedaemon worke"). All are management listeners now.

- L18-4P (false pass, and wrong n/a hiding a fail): `serialN: /dev/...` and `parallelN:
  /dev/...` were kind serial/parallel, "host-mediated" (P17-5): HVA-056 passed `serial0:
  /dev/tpm0` ("tpmstate0: the VM's own swtpm") and HVA-050 was not_applicable for `serial0:
  /dev/console`, `/dev/tty1` or the line `console=ttyS0` names. qemu-server QemuServer.pm
  (e6352be) $serialdesc `pattern => '(/dev/[^,]+|socket)'`, config_to_command `die "no such
  serial device\n" if !-c $path; ... '-chardev', "serial,id=serial$i,path=$path"` (parallel:
  `"$devtype,id=parallel$i,path=$path"`), QEMU running as root: the libvirt chardev of
  type='dev' (R17-2, R17-3). Raw `args:` went through raw_pci_passthrough only, so `-chardev
  serial,path=/dev/tpm0`, `-serial /dev/ttyS1` and `-object input-linux,evdev=` were "no
  device passthrough". Now HOST_CHARDEV (and the raw input and chardev passthroughs): the
  host's TPM fails HVA-056, its console HVA-050, any other line is HVA-050's question.

Read, not pinned (lead a, the SPICE model): qemu-server config_to_command starts `-spice
tls-port=N,addr=<localhost>,tls-ciphers=HIGH,seamless-migration=on` for qxl* and virtio*
displays (`$is_spice = $qxlnum || $vga->{type} =~ /^virtio/`), no plaintext port and no
disable-ticketing: spice-server refuses a link until spiceproxy sets a ticket. hvaudit models
it as a UNIX socket (qxl) or not at all (virtio): HVA-031 passes "console(s) reachable only
from the host" where, beside a user-mode guest, the TLS port is reachable from that guest;
as the listener has TLS and a ticket the pass holds (the libvirt reading of a loopback TLS
console with a password beside a user-mode guest passes too). HVA-210 judges the port itself
from `ss` (kvm on 127.0.0.1:61000): beside a user-mode guest it fails naming it (pinned
below), as R17-9 does for libvirt. No verdict is wrong for the model; its wording is (a lead).

Held (kept as tests): a bridged NIC's HVA-303/092 passes; pvedaemon on 127.0.0.1 with
route_localnet 0 everywhere and no user-mode guest (HVA-210 passes).

Tally: 8 cases; 6 failed on main 65d4708 before the fix, 2 held.

Leads left (not settled in the time): the SPICE model's wording (a TLS port on the node's
localhost, not a socket; none for virtio); leads b (host serial/parallel ports and raw `args:`
chardevs against HVA-050/056) and d (narrow DROPs, a shadowed "every tcp port", IPv4-only
IP sets, IPv6 /32, a bad `expire`) were not probed in this round.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from test_redteam2_probes import PVE_HARDENED

C200 = (PVE_HARDENED / "etc/pve/qemu-server/200.conf").read_text()
C201 = (PVE_HARDENED / "etc/pve/qemu-server/201.conf").read_text()
NET201 = "virtio=BC:24:11:00:00:21,bridge=vmbr0,firewall=1,tag=30,rate=25"
USER201 = "virtio=BC:24:11:00:00:21,firewall=1,rate=25"

SSHD = '10.0.0.10:22        0.0.0.0:*    users:(("sshd",pid=800,fd=3))\n'


def _ss(*lines: str) -> str:
    return "".join(f"tcp   LISTEN 0      128        {line}" for line in (SSHD, *lines))


PVEDAEMON = (
    '127.0.0.1:85        0.0.0.0:*    users:(("pvedaemon worke",pid=1501,fd=6),'
    '("pvedaemon",pid=1500,fd=6))\n'
)
SPICE_TLS = '127.0.0.1:61000     0.0.0.0:*    users:(("kvm",pid=1200,fd=40))\n'


def _node(
    tmp_path: Path, edits: dict[str, str], overrides: dict[str, Any] | None = None
) -> dict[tuple[str, str], tuple[str, str]]:
    """Every verdict of the live node (pve+ssh replayed, pve-firewall running), its files
    replaced by `edits`: (check, subject) -> (status, message)."""
    from test_redteam3_host_probes import PVE_PROCS, pve_scan

    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "tree"))
    for rel, text in edits.items():
        (tree / rel).write_text(text)
    running = {"processes": (PVE_PROCS + "  950 root     pve-firewall\n", 0), **(overrides or {})}
    a = pve_scan(tmp_path, running, tree)
    return {
        (r.check.id, r.outcome.subject.name): (r.status.value, r.outcome.message) for r in a.results
    }


def _user_mode(nic: str = USER201) -> dict[str, str]:
    return {"etc/pve/qemu-server/201.conf": C201.replace(NET201, nic)}


# --- L18-1: a NIC without a bridge is QEMU's user-mode network ---------------------------------------


def test_l18_1_user_mode_nic_is_not_behind_the_vm_firewall(tmp_path: Path) -> None:
    """Was pass "1 interface(s) behind the VM firewall" (HVA-303), "1 disk(s) and 1
    interface(s) limited (outbound)" (HVA-092), "1 interface(s) filtered by pve-firewall
    (macfilter, ipfilter)" (HVA-191) and HVA-197's "port(s) not isolated: ... on its bridge".
    qemu-server print_netdev_full: `if ($net->{bridge}) { $netdev = "type=tap,...,script=
    /usr/libexec/qemu-server/$script" ... } else { $netdev = "type=user,id=$netid,hostname=
    $vmname"; }`; src/usr/pve-bridge (the script) calls tap_plug($iface, $net->{bridge},
    $net->{tag}, $net->{firewall}, $net->{trunks}, $net->{rate}): a user-mode NIC has no tap,
    so no firewall bridge, no VM chain and no rate limit."""
    got = _node(tmp_path, _user_mode())
    assert got[("HVA-303", "api-11")] == (
        "fail",
        "net0: no bridge, so QEMU's user-mode (NATed) network, which pve-firewall does not "
        "filter: the guest reaches what the node reaches, as the node, and the node's 127/8",
    )
    assert got[("HVA-092", "api-11")] == (
        "pass",
        "1 disk(s) and 0 interface(s) limited (outbound) (user interface(s) cannot be shaped: "
        "qemu-server applies `rate` to a bridged NIC's tap only)",
    )
    assert got[("HVA-191", "api-11")] == (
        "not_applicable",
        "no bridged or virtual-network interface",
    )
    assert got[("HVA-197", "api-11")] == ("not_applicable", "no interface on a Linux host bridge")


def test_l18_1_held_bridged_nic(tmp_path: Path) -> None:
    """Held: the same NIC on vmbr0 is behind the VM firewall and limited."""
    got = _node(tmp_path, {})
    assert got[("HVA-303", "api-11")] == ("pass", "1 interface(s) behind the VM firewall")
    assert got[("HVA-092", "api-11")] == ("pass", "1 disk(s) and 1 interface(s) limited (outbound)")


def test_l18_1_user_mode_guest_reaches_the_nodes_loopback(tmp_path: Path) -> None:
    """Was pass "1 non-loopback listener(s), all approved" (HVA-033) and "1 management
    listener(s), none on a wildcard address" (HVA-210, which did not count VM web-10's SPICE
    port either). libslirp socket.c sotranslate_out4 turns the guest's connection to its host
    address (10.0.2.2, qemu-server's own description of the user network) into one to
    127.0.0.1 (R17-5); qemu-server sets no `restrict`. web-10's qxl display is `-spice
    tls-port=61000,addr=127.0.0.1,...` (config_to_command), held by its QEMU (pid 1200): a
    management listener of web-10 that api-11's guest reaches (R17-9)."""
    edits = {**_user_mode(), "etc/pve/qemu-server/200.conf": C200.replace("vga: std", "vga: qxl")}
    got = _node(tmp_path, edits, {"listeners": (_ss(SPICE_TLS), 0)})
    guest = "the user-mode networking of VM api-11 (net0 without a bridge) "
    assert got[("HVA-033", "pve-h1")] == (
        "fail",
        "unapproved listeners: kvm (tcp/61000) (127/8 is reachable from guests: "
        + guest
        + "turns a guest's connection to its host address into one to 127.0.0.1)",
    )
    assert got[("HVA-210", "pve-h1")] == (
        "fail",
        "listening on 127/8, which " + guest + "opens to its guest (a connection to its host "
        "address becomes one to 127.0.0.1): kvm (tcp/61000) on 127.0.0.1",
    )


# --- L18-2: pvedaemon is a management listener -----------------------------------------------------


def test_l18_2_pvedaemon_beside_a_user_mode_guest(tmp_path: Path) -> None:
    """Was pass "1 management listener(s), none on a wildcard address". pvedaemon, the root
    API daemon pveproxy hands privileged calls to, listens on 127.0.0.1:85 (pve-manager
    PVE/Service/pvedaemon.pm `my $socket = $self->create_reusable_socket(85, '127.0.0.1');`,
    `trusted_env => 1`); its workers are named `pvedaemon worker` (PVE::Daemon `$0 =
    "$self->{name} worker"`), which `ss -p` shows as the kernel's 15-character comm."""
    got = _node(tmp_path, _user_mode(), {"listeners": (_ss(PVEDAEMON), 0)})
    assert got[("HVA-210", "pve-h1")] == (
        "fail",
        "listening on 127/8, which the user-mode networking of VM api-11 (net0 without a "
        "bridge) opens to its guest (a connection to its host address becomes one to "
        "127.0.0.1): pvedaemon worke (tcp/85) on 127.0.0.1",
    )


def test_l18_2_pvedaemon_with_route_localnet(tmp_path: Path) -> None:
    """Was pass. route_localnet = 1 on vmbr0 puts 127/8 on its network (Linux ip-sysctl.rst,
    hvaudit.checks._loopback): pvedaemon on 127.0.0.1:85 faces it."""
    localnet = (
        "/proc/sys/net/ipv4/conf/all/route_localnet:0\n"
        "/proc/sys/net/ipv4/conf/vmbr0/route_localnet:1\n"
    )
    got = _node(
        tmp_path,
        {},
        {"listeners": (_ss(PVEDAEMON), 0), "route-localnet": (localnet, 0)},
    )
    assert got[("HVA-210", "pve-h1")] == (
        "fail",
        "listening on 127/8, which route_localnet = 1 on vmbr0 opens to the network: "
        "pvedaemon worke (tcp/85) on 127.0.0.1",
    )


def test_l18_2_held_pvedaemon_local(tmp_path: Path) -> None:
    """Held: with no user-mode guest and route_localnet 0 everywhere, 127.0.0.1:85 is local."""
    got = _node(tmp_path, {}, {"listeners": (_ss(PVEDAEMON), 0)})
    assert got[("HVA-210", "pve-h1")] == (
        "pass",
        "1 management listener(s), none on a wildcard address",
    )


@pytest.mark.parametrize("name", ["pveproxy worker", "spiceproxy work"])
def test_l18_2_worker_named_proxy_on_every_address(tmp_path: Path, name: str) -> None:
    """Was pass: a socket `ss -p` names by a worker first (PVE::Daemon) was no management
    listener."""
    port = 8006 if name.startswith("pveproxy") else 3128
    line = f'*:{port}        *:*    users:(("{name}",pid=1601,fd=6))\n'
    got = _node(tmp_path, {}, {"listeners": (_ss(line), 0)})
    assert got[("HVA-210", "pve-h1")] == (
        "fail",
        f"listening on all addresses: {name} (tcp/{port})",
    )


# --- L18-4P: host serial and parallel ports, and raw chardevs, are host character devices ---------

HOST_LINE = (
    "host character device(s) {} given to the guest as character device(s): no DMA, but the "
    "guest reads and writes a line of the host"
)
HOST_CONSOLE = (
    "host character device(s) {} given to the guest: the host's own console (kernel console or "
    "virtual terminal), whose kernel messages and login prompt the guest reads and answers"
)
HOST_TPM = (
    "host TPM device {} given to the guest as a character device: the guest sends the host's "
    "TPM its commands"
)
OWN_SWTPM = ("pass", "tpmstate0: the VM's own swtpm (qm.conf has no TPM passthrough)")


def _web10(tmp_path: Path, lines: str, overrides: dict[str, Any] | None = None) -> dict:
    """HVA-050 and HVA-056 of VM 200 (web-10) on the live node, `lines` added to 200.conf."""
    got = _node(tmp_path, {"etc/pve/qemu-server/200.conf": C200 + lines}, overrides)
    return {c: got[(c, "web-10")] for c in ("HVA-050", "HVA-056")}


@pytest.mark.parametrize(
    ("lines", "hva050", "hva056"),
    [
        ("serial0: /dev/tpm0\n", ("manual", HOST_LINE.format("/dev/tpm0")), "/dev/tpm0"),
        ("serial1: /dev//tpmrm0\n", ("manual", HOST_LINE.format("/dev/tpmrm0")), "/dev/tpmrm0"),
        (
            "args: -chardev serial,id=t,path=/dev/tpm0 -device virtserialport,chardev=t\n",
            ("manual", HOST_LINE.format("/dev/tpm0")),
            "/dev/tpm0",
        ),
        ("serial0: /dev/console\n", ("fail", HOST_CONSOLE.format("/dev/console")), None),
        ("serial0: /dev/tty1\n", ("fail", HOST_CONSOLE.format("/dev/tty1")), None),
    ],
    ids=["serial-tpm0", "serial-tpmrm0", "args-chardev-tpm0", "serial-console", "serial-tty1"],
)
def test_l18_4p_host_tpm_and_console_on_a_serial_port(
    tmp_path: Path, lines: str, hva050: tuple[str, str], hva056: str | None
) -> None:
    """Was HVA-050 not_applicable "no DMA-capable (PCI) passthrough: serial devices stay
    host-mediated" (the args: case "no device passthrough") and HVA-056 pass "tpmstate0: the
    VM's own swtpm". qemu-server QemuServer.pm (e6352be, read with `fetch`) $serialdesc:
    `pattern => '(/dev/[^,]+|socket)'`, any device path; config_to_command: `die "no such
    serial device\\n" if !-c $path; push @$devices, '-chardev', "serial,id=serial$i,path=
    $path"`, and QEMU runs as root on Proxmox VE: the guest's serial port is the node's TPM
    (drivers/char/tpm/tpm-chip.c "tpm%d", "tpmrm%d") or its console, as libvirt's chardev of
    type='dev' is (R17-2, R17-3). Raw `args:` went through raw_pci_passthrough only, never
    raw_chardev_passthrough (R17-4)."""
    got = _web10(tmp_path, lines)
    assert got["HVA-050"] == hva050
    assert got["HVA-056"] == (("fail", HOST_TPM.format(hva056)) if hva056 else OWN_SWTPM)


def test_l18_4p_serial_port_named_by_the_kernel_console(tmp_path: Path) -> None:
    """Was not_applicable "serial devices stay host-mediated". With `console=ttyS0,115200n8`
    on the node's command line (Documentation/admin-guide/serial-console.rst), /dev/ttyS0 is
    the node's console: the guest reads its kernel messages and answers its login prompt."""
    from test_redteam3_host_probes import HARDENED_HOST

    cmdline = HARDENED_HOST["/proc/cmdline"].replace("quiet", "quiet console=ttyS0,115200n8")
    got = _web10(tmp_path, "serial0: /dev/ttyS0\n", {"/proc/cmdline": cmdline})
    assert got["HVA-050"] == ("fail", HOST_CONSOLE.format("/dev/ttyS0"))
    assert got["HVA-056"] == OWN_SWTPM


@pytest.mark.parametrize(
    ("lines", "paths"),
    [
        ("serial0: /dev/ttyS0\n", "/dev/ttyS0"),
        ("parallel0: /dev/parport0\nserial1: /dev/ttyUSB0\n", "/dev/parport0, /dev/ttyUSB0"),
        ("args: -serial /dev/ttyS1\n", "/dev/ttyS1"),
        ("args: -parallel /dev/parport1\n", "/dev/parport1"),
    ],
    ids=["serial", "parallel-and-serial", "args-serial", "args-parallel"],
)
def test_l18_4p_host_line_is_the_question(tmp_path: Path, lines: str, paths: str) -> None:
    """Was not_applicable ("serial/parallel devices stay host-mediated", P17-5; raw args "no
    device passthrough"). A line the node's command line does not name may still be a getty's
    or wired to hardware: the question R17-2 asks of libvirt's. The question names the VM and
    the node."""
    got = _web10(tmp_path, lines)
    assert got["HVA-050"] == ("manual", HOST_LINE.format(paths))
    assert got["HVA-056"] == OWN_SWTPM


def test_l18_4p_raw_evdev_is_named(tmp_path: Path) -> None:
    """Was not_applicable "no device passthrough": the common Proxmox VE evdev passthrough
    `args: -object input-linux,id=kbd,evdev=/dev/input/by-id/...` (QEMU ui/input-linux.c
    grabs the node's device) is host-mediated passthrough, named as libvirt's is (R14-3)."""
    got = _web10(tmp_path, "args: -object input-linux,id=kbd,evdev=/dev/input/by-id/k-event-kbd\n")
    assert got["HVA-050"] == (
        "not_applicable",
        "no DMA-capable (PCI) passthrough: evdev input devices stay host-mediated",
    )


def test_l18_4p_held_serial_socket(tmp_path: Path) -> None:
    """Held: `serial0: socket` is qemu-server's UNIX socket /var/run/qemu-server/<vmid>.serial0
    (`-chardev socket,...,server=on`), no host device; `-serial chardev:serial0` neither."""
    got = _web10(tmp_path, "serial0: socket\nargs: -serial chardev:serial0\n")
    assert got["HVA-050"] == ("not_applicable", "no device passthrough")
    assert got["HVA-056"] == OWN_SWTPM
