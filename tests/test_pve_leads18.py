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
- L18-5P (false pass; a wrong fail and wording too): `_accepts_everything` let a DROP whose
  -source was merely wide (`0.0.0.0/1`, a /7, IPv6 /32, a set holding one) close its IP
  version's chain, so `IN DROP -source 0.0.0.0/1` then `IN ACCEPT -source 0.0.0.0/0` passed
  HVA-301 and HVA-313; iptables takes the first match, and 128.0.0.0/1 reaches the ACCEPT. A
  DROP closes a version now only when its -source and -dest hold every address of it. And an
  IP set's rule was both versions' whatever the set held: pve-firewall splits a set by
  version (generate_ipset_chains `$nethash->{$ver}`, one ipset per version; the rule's chain
  matches compute_ipset_chain_name(.., $ipversion): github:proxmox/pve-firewall 6f1311f
  src/PVE/Firewall.pm), so `IN DROP -source +all4` left IPv6 to a later `IN ACCEPT` (was
  pass), `IN ACCEPT -source +wide4` after a DROP of every IPv4 source failed "every inbound
  IPv6 packet" (wrong fail), and an ACCEPT from a set of one version did not name it (P14-7's
  `+management` and P8-18's `+anywhere`, IPv4 entries only, now read "every inbound IPv4
  packet"; P15-6's held twin, `IN DROP -source +everyone` of IPv4 halves before `IN ACCEPT`,
  was a pass and fails now for IPv6). HVA-313's
  management-port walk (L17-2) takes a DROP from `0.0.0.0/0` as every IPv4 source (was a
  wrong fail, L17's lead).
- L18-6P (wrong fail): HVA-301/313 failed `IN ACCEPT -p tcp` ("every tcp port") after `IN
  DROP -p tcp` (or `-dport 1:65535`, or a REJECT of 1:40000, leaving fewer than half of the
  ports `_opens` asks): the class of L17-2 for "every port". A DROP or REJECT of every source
  restricted to a transport protocol and ports takes those ports, per IP version, from a later
  ACCEPT of the protocol.
- L18-7P (false pass; wording and a wrong fail too): the VM chain (`_vm_opened`, HVA-303) took
  any DROP or REJECT before an unrestricted ACCEPT as filtering its IP versions, however
  narrow (`-source 0.0.0.0/1`, a /7, one host, telnet, an IP set of IPv4 entries), and
  `_admits_everything` failed policy ACCEPT only with no DROP at all: `IN DROP -source
  192.0.2.99` then `IN ACCEPT` (or `policy_in: ACCEPT`) passed "1 interface(s) behind the VM
  firewall". pve-firewall ruleset_generate_vm_rules adds the VM's rules to the NIC's chain in
  order, then the policy (generate_tap_rules_direction), first match; a set's rule matches
  each version's packets against that version's part of the set, the VM's own set first
  (ipt_gen_src_or_dst_match `$is_scope->('guest') && $fw_conf->{ipset}->{$name}`,
  compute_ipset_chain_name($fw_conf->{vmid}, $name, $ipversion)). The VM chain now reads as
  the host chain (L18-5P/6P's `_rule_versions`, with the VM's sets and aliases first): a DROP
  closes a version only when it drops every address of it, one of a protocol's ports from
  every source takes them from a later ACCEPT, and the ACCEPT policy ends the chain as an
  unrestricted ACCEPT ("the input policy ACCEPT accepts every inbound packet no rule before it
  drops or rejects"). An ACCEPT from a one-version set names that version (was "every inbound
  packet"), and after a DROP of every IPv4 source it admits nothing (was a wrong fail). L16-5's
  and L17-1's held deny-list (`IN DROP -p tcp -dport 23` before `IN ACCEPT` or the ACCEPT
  policy) fails now; their held twins drop every source instead.
- L18-8P (false pass): a DROP or REJECT whose -dest held the node's address on the default
  gateway's interface closed its IP version (P14-2's premise, which holds for an ACCEPT:
  every host beyond the node's networks reaches that address), so `IN DROP -source ::/0`,
  `IN DROP -dest 10.0.0.21`, `IN ACCEPT` passed HVA-301 and HVA-313 though the node also
  holds 10.0.0.10 (eno3, `ip addr`). PVEFW-HOST-IN takes every packet for any of the node's
  addresses (enable_host_firewall: `-i lo -j ACCEPT`, then the rules in order): packets to
  10.0.0.10 reach the ACCEPT. A DROP's -dest closes a version only when it holds every
  address of it or every non-loopback address the node has of it (from the interfaces file and
  the node's report; without the report, none). Was L18-5P's held twin.
- L18-9P (false pass; a wrong question too): HVA-056 knew the host's TPM only as /dev/tpmN
  and /dev/tpmrmN, so `serial0: /dev/char/10:224`, `/dev/../dev/tpm0` and `args: -serial
  /dev/char/10:224` passed "tpmstate0: the VM's own swtpm", as did any link
  (/dev/serial/by-id/..., /dev/char/253:65536, a udev SYMLINK). qemu-server takes any
  `/dev/[^,]+` and checks `-c $path` (follows links); /dev/char/10:224 is the first TPM
  (tpm-chip.c `MKDEV(MISC_MAJOR, TPM_MINOR)` for dev_num 0, tpm.h `TPM_MINOR 224 /* officially
  assigned */`, devices.txt "224 = /dev/tpm"). hvaudit.parse.qemu_args.host_device_name now
  gives the node a path reaches: `..` and doubled slashes dropped, the fixed /dev/char numbers
  (10:224 tpm0, 5:1 console, 4:0..63 ttyN, 4:64..255 ttyS0..191), or None for a link the
  evidence does not resolve. HVA-056 fails the TPM under any such name and asks of an
  unresolved link ("Does any host device path ... lead to the host's TPM? Evidence:
  `readlink -f ...`"); HVA-050 fails /dev/char/5:1 and 4:1 as the host's console (was its
  line question) and its question asks `readlink -f` of a link. Libvirt's type='dev' chardevs
  share the reading.

Read, not pinned (lead 3, `expire`): parse_user_config drops a user whose `expire` is not
ASCII digits (P17's reading), which hvaudit keeps as never expiring (`_expired`: int() fails):
an account that cannot log in still counted by HVA-306/312, a wrong fail at worst. A negative
or signed value (`-5`, `+5`) is dropped by pve-access-control and read as expired by Python's
int(): neither counts it. `0` is never (check_user_enabled `if ($expire && ...)`), as hvaudit
reads it; `00` is Perl-true (expired at once), read as never: a wrong fail at worst. No
verdict is a false pass; not changed.

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
route_localnet 0 everywhere and no user-mode guest (HVA-210 passes); `serial0: socket` with
`-serial chardev:serial0` (no host device); a DROP of another protocol or of a third of the
ports before `IN ACCEPT -p tcp` (still fails); a DROP to each of the node's IPv4 addresses (or
their /24) closes IPv4; /dev/char/4:65 (ttyS1) is HVA-050's line question and no TPM;
proxmox-firewall splits IP sets by family as pve-firewall does (lead 4: a752659 src/object.rs
Ipset to_nft_objects one set per family, src/rule.rs handle_set one rule per family), so the
L18-5P reading holds under `nftables: 1` (an IPv4 set's DROP leaves IPv6, its ACCEPT names
IPv4); no change; the VM chain closed by DROPs of every IPv4 and IPv6 source
(cluster set of both halves, the VM's own alias and set).

Probed by script, not kept (the verdict was right): with `ip addr` not read, `IN DROP
-source ::/0`, `IN DROP -dest 10.0.0.0/24`, `IN ACCEPT` fails for IPv4 (the node may hold an
address the file does not name: a DHCP or script-added one; was pass); an ACCEPT of 8006 from a set of an IPv6
/32 or from `2001:db8::/32` fails HVA-313 (L17-3's /32 is wide; no IPv6 /32 is read as
narrow); a DROP of 8006 from every source before an ACCEPT of it from an IPv4 set passes.

Tally: 8 cases for L18-1/2 (6 failed on main 65d4708, 2 held); L18-4P: 12 cases, 11 failed on
main 4126833, 1 held; L18-5P/6P: 16 cases, 13 failed on main 4126833 (one of them the
IPv4-only DROP's wording, kept in the held test), 3 held; L18-7P: 16 cases, 13 failed on main 2ce2f9a, 3 held; L18-8P: 5 cases, 3 failed on
main b1a36c5, 2 held; L18-9P: 9 cases, 8 failed on main cad6e33, 1 held; lead 4 (proxmox-firewall
sets): 2 held.

Leads left (not settled in the time): the SPICE model (proxmox_model gives qxl a UNIX socket
/var/run/qemu-server/<vmid>.spice that does not exist and virtio displays none; qemu-server
starts a loopback TLS port with a spiceproxy ticket): the model and any wording built on it;
a top-level udev SYMLINK named like a kernel node (`/dev/mytpm0`, `/dev/serial0`) is read as
that node, not a link (host_device_name); HVA-056 asks of an unresolved link even on a node
whose evidence shows no TPM (the tpm_version fact does not tell "none" from "not read"); with
`ip addr` not read, a DROP to the node's addresses closes nothing (a fail where the file names
every address); the VM chain's `-i` of another NIC and `-dest` of the VM's own address were
not probed beyond L17-1.
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
    # R29D-2: was "pass ... (user interface(s) cannot be shaped ...)": what the guest sends
    # through QEMU's user-mode stack is unlimited, a fail
    assert got[("HVA-092", "api-11")] == (
        "fail",
        "BC:24:11:00:00:21: user interface(s), whose traffic QEMU carries through its own "
        "user-mode stack or sockets, which qemu-server's rate= does not shape (it limits a "
        "bridged NIC's tap): what the guest sends is unlimited",
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
        "unapproved listeners: kvm (tcp/61000) (127.0.0.1 is reachable from guests: "
        + guest
        + "turns a guest's connection to its host address into one to 127.0.0.1)",
    )
    assert got[("HVA-210", "pve-h1")] == (
        "fail",
        "listening on 127.0.0.1, which " + guest + "opens to its guest (a connection to its host "
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
        "listening on 127.0.0.1, which the user-mode networking of VM api-11 (net0 without a "
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


# --- L18-9P: a host device under another name ------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "shown"),
    [
        ("serial0: /dev/char/10:224\n", "/dev/char/10:224 (/dev/tpm0)"),
        ("serial1: /dev/../dev/tpm0\n", "/dev/../dev/tpm0 (/dev/tpm0)"),
        ("args: -serial /dev/char/10:224\n", "/dev/char/10:224 (/dev/tpm0)"),
    ],
    ids=["char-link", "dot-dot", "args-char-link"],
)
def test_l18_9p_host_tpm_under_another_name(tmp_path: Path, lines: str, shown: str) -> None:
    """Was pass "tpmstate0: the VM's own swtpm" (HVA-056): only the names /dev/tpmN and
    /dev/tpmrmN were the host's TPM. qemu-server takes any `/dev/[^,]+` ($serialdesc) and checks
    `-c $path`, which follows links; udev's /dev/char/10:224 is the first TPM (tpm-chip.c
    `chip->dev.devt = MKDEV(MISC_MAJOR, TPM_MINOR)` for dev_num 0, tpm.h `TPM_MINOR 224 /*
    officially assigned */`; devices.txt "224 = /dev/tpm TCPA TPM driver"), and the kernel's
    path walk drops `..`."""
    assert _web10(tmp_path, lines)["HVA-056"] == ("fail", HOST_TPM.format(shown))


@pytest.mark.parametrize(
    "path",
    ["/dev/serial/by-id/usb-FTDI_FT232R-if00-port0", "/dev/char/253:65536", "/dev/mytpm"],
    ids=["by-id", "dynamic-number", "udev-symlink"],
)
def test_l18_9p_link_the_evidence_cannot_resolve_is_the_question(tmp_path: Path, path: str) -> None:
    """Was pass "tpmstate0: the VM's own swtpm" (HVA-056). A link whose target the node's
    evidence does not hold may be the TPM: /dev/char/253:65536 is a dynamic major (tpmrm0 is
    `MKDEV(MAJOR(tpm_devt), chip->dev_num + TPM_NUM_DEVICES)`), a udev SYMLINK any name. Now
    HVA-056's question, naming the VM, the node and `readlink -f`."""
    got = _node(tmp_path, {"etc/pve/qemu-server/200.conf": C200 + f"serial0: {path}\n"})
    assert got[("HVA-056", "web-10")] == (
        "manual",
        f"host character device(s) {path} given to the guest: a link whose target the evidence "
        "does not hold, which may be the host's TPM",
    )
    from test_redteam3_host_probes import PVE_PROCS, pve_scan

    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "q"))
    (tree / "etc/pve/qemu-server/200.conf").write_text(C200 + f"serial0: {path}\n")
    running = {"processes": (PVE_PROCS + "  950 root     pve-firewall\n", 0)}
    a = pve_scan(tmp_path / "qa", running, tree)
    q = {r.check.id: r.outcome.question for r in a.results if r.outcome.subject.name == "web-10"}
    assert q["HVA-056"] == (
        f"Does every host device path VM web-10 is given on host pve-h1 ({path}) lead to a "
        f"device other than the host's TPM? Evidence: `readlink -f {path}` (each path) and `ls "
        "-l /dev/tpm* /dev/char/` on pve-h1. Pass: yes, each resolves to a device other than "
        "/dev/tpmN and /dev/tpmrmN; fail: no, one resolves to either."
    )
    assert f"Evidence: `readlink -f {path}` (each link), the console=" in q["HVA-050"]


@pytest.mark.parametrize(
    ("path", "shown"),
    [("/dev/char/5:1", "/dev/console"), ("/dev/char/4:1", "/dev/tty1")],
    ids=["console", "tty1"],
)
def test_l18_9p_host_console_under_another_name(tmp_path: Path, path: str, shown: str) -> None:
    """Was manual (HVA-050's question for a line): /dev/char/5:1 is /dev/console and 4:1 the
    first virtual console (devices.txt "5 char ... 1 = /dev/console", "4 char ... 1 =
    /dev/tty1"): the host's own console, a fail as its names are."""
    got = _web10(tmp_path, f"serial0: {path}\n")
    assert got["HVA-050"] == ("fail", HOST_CONSOLE.format(f"{path} ({shown})"))


def test_l18_9p_held_serial_line_by_number(tmp_path: Path) -> None:
    """Held: /dev/char/4:65 is /dev/ttyS1 (devices.txt "64 = /dev/ttyS0 First UART serial
    port"), a line the command line does not name: HVA-050's question, and no TPM."""
    got = _web10(tmp_path, "serial0: /dev/char/4:65\n")
    assert got["HVA-050"] == ("manual", HOST_LINE.format("/dev/char/4:65"))
    assert got["HVA-056"] == OWN_SWTPM


# --- L18-5P / L18-6P: the node's input chain, first match, by IP version and port ------------------

#: cluster.fw IP sets: every IPv4 address in two halves, an IPv4 /7, an IPv6 /32.
SETS = "[IPSET all4]\n0.0.0.0/1\n128.0.0.0/1\n\n[IPSET wide4]\n10.0.0.0/7\n\n[IPSET wide6]\n2001:db8::/32\n\n"


def _chain(tmp_path: Path, rules: str) -> dict[str, tuple[str, str]]:
    """HVA-301 and HVA-313 of the live node, host.fw's [RULES] (line 9 on) extended by
    `rules`, cluster.fw holding SETS."""
    from test_redteam14_pve_probes import HOST_FW
    from test_redteam15_pve_probes import CLUSTER_FW

    cluster = CLUSTER_FW.replace("[IPSET management]", SETS + "[IPSET management]")
    got = _node(
        tmp_path,
        {
            "etc/pve/nodes/pve-h1/host.fw": HOST_FW + rules + "\n",
            "etc/pve/firewall/cluster.fw": cluster,
        },
    )
    return {c: got[(c, "pve-h1")] for c in ("HVA-301", "HVA-313")}


def _opened(line: int, rule: str, what: str) -> dict[str, tuple[str, str]]:
    """Both checks' fail on host.fw line `line`, the rule shown as written (R44F-1: it was
    shown without its -source)."""
    return {
        "HVA-301": (
            "fail",
            f"cluster firewall on, input policy DROP, but host.fw line {line} `{rule}` accepts "
            f"{what} before the policy",
        ),
        "HVA-313": (
            "fail",
            f"host.fw line {line} `{rule}` accepts {what}, management ports included",
        ),
    }


HELD_CHAIN = {
    "HVA-301": ("pass", "cluster firewall on, input policy DROP"),
    "HVA-313": (
        "pass",
        "IP set `management`: admin-lan, vpn-pool, !10.0.8.13; no rule opens management ports "
        "wider",
    ),
}


#: the node's words since R47F-3 for an ACCEPT after a DROP or REJECT of some packets
AFTER = " that no rule before it drops or rejects"


@pytest.mark.parametrize(
    ("rules", "what"),
    [
        # "that no rule before it drops or rejects" since R47F-3 (the DROP took some packets)
        (
            "IN DROP -source 0.0.0.0/1\nIN ACCEPT -source 0.0.0.0/0",
            f"every inbound IPv4 packet{AFTER}",
        ),
        (
            "IN DROP -source 10.0.0.0/7\nIN ACCEPT -source 0.0.0.0/0",
            f"every inbound IPv4 packet{AFTER}",
        ),
        (
            "IN DROP -source 2001:db8::/32\nIN ACCEPT -source ::/0",
            f"every inbound IPv6 packet{AFTER}",
        ),
        ("IN DROP -source +wide4\nIN ACCEPT", f"every inbound packet{AFTER}"),
        ("IN DROP -source +all4\nIN ACCEPT", "every inbound IPv6 packet"),
    ],
    ids=["half", "ipv4-7", "ipv6-32", "set-of-a-7", "ipv4-set-both-versions"],
)
def test_l18_5p_drop_of_some_sources_closes_nothing(tmp_path: Path, rules: str, what: str) -> None:
    """Was pass (both). `_accepts_everything` let any DROP whose -source was wide (a /7, IPv6
    /32, or a set holding one) close its IP version's chain, as if it dropped every source:
    the ACCEPT after it was never read. iptables takes the first rule that matches, so
    `IN DROP -source 0.0.0.0/1` leaves 128.0.0.0/1 to `IN ACCEPT -source 0.0.0.0/0`.
    And a set's rule is both versions' (parse/proxmox_firewall: an IP set gives the rule no
    version), but pve-firewall splits the set by version (generate_ipset_chains
    `$nethash->{$ver}->{$cidr}`, one ipset per version, compute_ipset_chain_name(..,
    $ipversion); github:proxmox/pve-firewall 6f1311f src/PVE/Firewall.pm): `+all4`, every
    IPv4 address, matches no IPv6 packet, so its DROP left IPv6 open."""
    rule = rules.rsplit("\n", 1)[1]
    assert _chain(tmp_path, rules) == _opened(10, rule, what)


def test_l18_5p_ipv4_set_accept_is_ipv4_only(tmp_path: Path) -> None:
    """Was fail "... `IN ACCEPT` accepts every inbound IPv6 packet" (wrong fail): after a DROP
    of every IPv4 source, an ACCEPT from an IP set of IPv4 entries matches no packet
    (ipt_gen_src_or_dst_match: the rule's IPv6 chain matches the set's empty -v6 ipset)."""
    got = _chain(tmp_path, "IN DROP -source 0.0.0.0/0\nIN ACCEPT -source +wide4")
    assert got == HELD_CHAIN


@pytest.mark.parametrize(
    ("rules", "what"),
    [("IN ACCEPT -source +wide4", "IPv4"), ("IN ACCEPT -source +wide6", "IPv6")],
    ids=["ipv4", "ipv6"],
)
def test_l18_5p_set_of_one_version_names_it(tmp_path: Path, rules: str, what: str) -> None:
    """Was "accepts every inbound packet" (wording): the set's other version is empty."""
    assert _chain(tmp_path, rules) == _opened(9, rules, f"every inbound {what} packet")


def test_l18_5p_drop_of_every_ipv4_source_shadows_management_accept(tmp_path: Path) -> None:
    """Was fail "host.fw:10 accepts management ports from 0.0.0.0/0" (wrong fail, L17's
    lead): the DROP before it takes tcp/8006 from every IPv4 source, the ACCEPT's only
    version (the address list makes it IPv4's: verify_rule $set_ip_version)."""
    rules = (
        "IN DROP -source 0.0.0.0/0 -p tcp -dport 8006\n"
        "IN ACCEPT -source 0.0.0.0/0 -p tcp -dport 8006"
    )
    assert _chain(tmp_path, rules) == HELD_CHAIN


@pytest.mark.parametrize(
    "rules",
    [
        "IN DROP -p tcp\nIN ACCEPT -p tcp",
        "IN DROP -p tcp -dport 1:65535\nIN ACCEPT -p tcp -dport 1024:65535",
        "IN REJECT -p tcp -dport 1:40000\nIN ACCEPT -p tcp",
    ],
    ids=["every-tcp-port", "ports-1-65535", "most-left-to-the-accept-are-dropped"],
)
def test_l18_6p_every_tcp_port_accept_after_a_drop(tmp_path: Path, rules: str) -> None:
    """Was fail "host.fw line 10 `IN ACCEPT -p tcp` accepts every tcp port" (wrong fail, the
    class of L17-2 for HVA-301's "every port"): the DROP of those ports from every source
    comes first (enable_host_firewall adds host.fw's rules in order; first match), so the
    ACCEPT admits no port, or fewer than half (40001-65535), the bar `_opens` sets."""
    assert _chain(tmp_path, rules) == HELD_CHAIN


@pytest.mark.parametrize(
    ("rules", "what"),
    [
        ("IN DROP -p udp\nIN ACCEPT -p tcp", "every tcp port"),
        ("IN DROP -source 0.0.0.0/0 -p tcp\nIN ACCEPT -p tcp", "every IPv6 tcp port"),
        (
            "IN DROP -p tcp -dport 1:20000\nIN ACCEPT -p tcp",
            "45536 of the 65536 tcp ports (those no rule before it drops or rejects)",
        ),
    ],
    ids=["other-protocol", "ipv4-only", "fewer-than-half-dropped"],
)
def test_l18_6p_held_accept_still_open(tmp_path: Path, rules: str, what: str) -> None:
    """Held: a DROP of another protocol, or of a third of the ports, leaves the ACCEPT opening
    (more than half of) every port of its protocol. The DROP of every IPv4 source leaves
    IPv6's (was "every tcp port", naming no version: wording). After a DROP of ports 1-20000
    the ACCEPT admits the rest, not every port (R44F-2: was "every tcp port")."""
    rule = rules.rsplit("\n", 1)[1]
    assert _chain(tmp_path, rules) == _opened(10, rule, what)


# --- L18-8P: a DROP to one of the node's addresses leaves the others ---------------------------------


@pytest.mark.parametrize(
    ("rules", "what"),
    [
        # "that no rule before it drops or rejects" since R47F-3 (the DROP took some packets)
        (
            "IN DROP -source ::/0\nIN DROP -dest 10.0.0.21\nIN ACCEPT",
            f"every inbound IPv4 packet{AFTER}",
        ),
        ("IN DROP -dest 10.0.0.21\nIN ACCEPT", f"every inbound packet{AFTER}"),
        (
            "IN DROP -source ::/0\nIN REJECT -dest 10.0.0.21\nIN ACCEPT -p tcp",
            "every IPv4 tcp port",
        ),
    ],
    ids=["gateway-address", "gateway-address-both-versions", "reject-then-tcp"],
)
def test_l18_8p_drop_to_the_gateway_address_leaves_the_others(
    tmp_path: Path, rules: str, what: str
) -> None:
    """Was pass (first; the second "every inbound IPv6 packet", the third pass too): a DROP
    whose -dest holds the node's address on the default gateway's interface (10.0.0.21 on
    vmbr1) closed IPv4 by P14-2's premise, which holds for an ACCEPT (every host beyond the
    node's networks reaches that address) but not for a DROP. PVEFW-HOST-IN is the input
    chain of every packet for any of the node's addresses (enable_host_firewall: `-i lo -j
    ACCEPT`, then the rules; github:proxmox/pve-firewall 6f1311f src/PVE/Firewall.pm), and
    the node also holds 10.0.0.10 (eno3, `ip addr`): `-d 10.0.0.21 -j DROP` leaves packets to
    it to the ACCEPT after. A DROP's -dest closes a version only when it holds every address of
    the version or every non-loopback address the node has of it."""
    rule = rules.rsplit("\n", 1)[1]
    line = 9 + rules.count("\n")
    assert _chain(tmp_path, rules) == _opened(line, rule, what)


@pytest.mark.parametrize(
    "dest", ["10.0.0.21,10.0.0.10", "10.0.0.0/24"], ids=["both-addresses", "their-network"]
)
def test_l18_8p_held_drop_to_every_address_of_the_node(tmp_path: Path, dest: str) -> None:
    """Held: a -dest holding each of the node's IPv4 addresses (10.0.0.21 in the file, 10.0.0.10
    reported) closes IPv4: every packet to the node is one to them."""
    assert _chain(tmp_path, f"IN DROP -source ::/0\nIN DROP -dest {dest}\nIN ACCEPT") == HELD_CHAIN


# --- L18-7P: the VM chain, first match, by IP version ----------------------------------------------

VM200_FW = (PVE_HARDENED / "etc/pve/firewall/200.fw").read_text()


def _vm_chain(tmp_path: Path, rules: str, policy: str = "DROP", extra: str = "") -> tuple[str, str]:
    """HVA-303 of VM 200 (web-10, one NIC net0) on the live node, its 200.fw [RULES] (line 12
    on, after `extra` sections) replaced by `rules`, its policy_in `policy`; cluster.fw holds
    SETS. pve-firewall parses a rule when it reads it (generic_fw_config_parser ->
    parse_fw_rule -> verify_rule), so a set or alias it names comes before [RULES]."""
    from test_redteam15_pve_probes import CLUSTER_FW

    fw = (
        VM200_FW.replace("policy_in: DROP", f"policy_in: {policy}")
        .replace("[RULES]", extra + "[RULES]")
        .replace("GROUP webserver -i net0\n", rules + "\n")
    )
    cluster = CLUSTER_FW.replace("[IPSET management]", SETS + "[IPSET management]")
    got = _node(tmp_path, {"etc/pve/firewall/200.fw": fw, "etc/pve/firewall/cluster.fw": cluster})
    return got[("HVA-303", "web-10")]


def _vm_open(what: str) -> tuple[str, str]:
    head = "packet or every port of a protocol" if " port" in what.split("`")[-1] else "packet"
    # R38F-2: the heading says so when a rule before the ACCEPT drops or rejects some packets
    head += " that no earlier rule drops or rejects" if "no rule before" in what else ""
    return ("fail", f"1 of 1 interface(s) admit every inbound {head}: net0: {what}")


LEFT = "that no rule before it drops or rejects"
VM_PASS = ("pass", "1 interface(s) behind the VM firewall")


@pytest.mark.parametrize(
    ("rules", "extra", "what"),
    [
        ("IN DROP -source 0.0.0.0/1\nIN ACCEPT", "", f"every inbound packet {LEFT}"),
        ("IN DROP -source 10.0.0.0/7\nIN ACCEPT", "", f"every inbound packet {LEFT}"),
        ("IN DROP -source 192.0.2.99\nIN ACCEPT", "", f"every inbound packet {LEFT}"),
        ("IN DROP -source +all4\nIN ACCEPT", "", f"every inbound IPv6 packet {LEFT}"),
        (
            "IN DROP -source +all4\nIN ACCEPT",
            "[IPSET all4] # the VM's own, one half\n0.0.0.0/1\n\n",
            f"every inbound packet {LEFT}",
        ),
        ("IN DROP -p tcp -dport 23\nIN ACCEPT", "", f"every inbound packet {LEFT}"),
        ("IN DROP -source 192.0.2.99\nIN ACCEPT -p tcp", "", f"every tcp port {LEFT}"),
    ],
    ids=["half", "ipv4-7", "one-host", "ipv4-set", "vm-set-first", "deny-list", "tcp"],
)
def test_l18_7p_vm_drop_of_some_packets_is_no_filter(
    tmp_path: Path, rules: str, extra: str, what: str
) -> None:
    """Was pass "1 interface(s) behind the VM firewall": `_vm_opened` took any DROP or REJECT
    before the ACCEPT, however narrow, as filtering its IP versions. pve-firewall
    ruleset_generate_vm_rules adds the VM's rules to the NIC's chain in order and iptables
    takes the first match, so `IN DROP -source 0.0.0.0/1` (a /7, one host, telnet) leaves every
    other packet to `IN ACCEPT`, as the host chain reads it (L18-5P/6P). A set's rule matches
    each IP version's packets against that version's part of the set (ipt_gen_src_or_dst_match
    compute_ipset_chain_name($fw_conf->{vmid}, $name, $ipversion); generate_ipset_chains
    `$nethash->{$ver}`; github:proxmox/pve-firewall 6f1311f src/PVE/Firewall.pm): `+all4`
    (cluster.fw: every IPv4 address) drops no IPv6 packet. And the VM's own set of that name
    comes first (`if ($is_scope->('guest') && $fw_conf && $fw_conf->{ipset}->{$name})`): here
    one half of IPv4."""
    assert _vm_chain(tmp_path, rules, extra=extra) == _vm_open(
        f"line {13 + extra.count(chr(10))} `{rules.rsplit(chr(10), 1)[1]}` accepts {what}"
    )


@pytest.mark.parametrize(
    ("rules", "what"),
    [
        ("IN DROP -p tcp -dport 23", "packet"),
        ("IN DROP -source 192.0.2.99", "packet"),
        ("IN DROP -source +all4", "IPv6 packet"),
    ],
    ids=["deny-list", "one-host", "ipv4-set"],
)
def test_l18_7p_vm_policy_accept_after_a_narrow_drop(tmp_path: Path, rules: str, what: str) -> None:
    """Was pass (L16-5 held the deny-list): `_admits_everything` failed policy ACCEPT only
    with no DROP or REJECT at all. The policy ends the NIC's chain (generate_tap_rules_direction
    `$policy = $options->{policy_in} || 'DROP'`) and takes every packet the rules before it
    leave: after a DROP of telnet, of one host, or of every IPv4 source, every other packet
    (every IPv6 one)."""
    assert _vm_chain(tmp_path, rules, policy="ACCEPT") == _vm_open(
        f"the input policy ACCEPT accepts every inbound {what} no rule before it drops or rejects"
    )


@pytest.mark.parametrize(
    ("rules", "what"),
    [("IN ACCEPT -source +wide4", "IPv4"), ("IN ACCEPT -source +wide6", "IPv6")],
    ids=["ipv4", "ipv6"],
)
def test_l18_7p_vm_accept_from_a_set_of_one_version(tmp_path: Path, rules: str, what: str) -> None:
    """Was "accepts every inbound packet" (wording): `+wide4` (10.0.0.0/7) has no IPv6 entry, so
    the rule's IPv6 chain matches the set's empty -v6 ipset: it admits IPv4 only."""
    assert _vm_chain(tmp_path, rules) == _vm_open(
        f"line 12 `{rules}` accepts every inbound {what} packet before any rule drops or rejects"
    )


@pytest.mark.parametrize(
    ("rules", "extra", "policy"),
    [
        ("IN DROP -source 0.0.0.0/0\nIN DROP -source ::/0\nIN ACCEPT", "", "DROP"),
        ("IN DROP -source +all4\nIN DROP -source ::/0\nIN ACCEPT", "", "DROP"),
        ("IN DROP -source 0.0.0.0/0\nIN ACCEPT -source +wide4", "", "DROP"),
        (
            "IN DROP -source every4\nIN DROP -source +every6",
            "[ALIASES]\nevery4 0.0.0.0/0\n\n[IPSET every6]\n::/1\n8000::/1\n\n",
            "ACCEPT",
        ),
    ],
    ids=["both-versions", "ipv4-set-and-ipv6", "accept-of-a-closed-version", "vm-alias-and-set"],
)
def test_l18_7p_held_vm_chain_closed(tmp_path: Path, rules: str, extra: str, policy: str) -> None:
    """Held: DROPs of every IPv4 and every IPv6 source (a cluster set of both IPv4 halves; the
    VM's own alias and set, resolve_alias and ipt_gen_src_or_dst_match reading its file first)
    close the chain before the ACCEPT or the ACCEPT policy; an ACCEPT from an IPv4-only set
    after every IPv4 source was dropped admits nothing."""
    assert _vm_chain(tmp_path, rules, policy, extra) == VM_PASS


@pytest.mark.parametrize(
    ("rules", "what"),
    [
        ("IN DROP -source +all4\nIN ACCEPT", "every inbound IPv6 packet"),
        ("IN ACCEPT -source +wide4", "every inbound IPv4 packet"),
    ],
    ids=["ipv4-set-drop", "ipv4-set-accept"],
)
def test_l18_5p_held_proxmox_firewall_splits_sets_by_version(
    tmp_path: Path, rules: str, what: str
) -> None:
    """Held (lead 4): proxmox-firewall (host.fw `nftables: 1`) splits an IP set by family as
    pve-firewall does. github:proxmox/proxmox-firewall a752659 src/object.rs Ipset
    to_nft_objects: `for family in env.table.family().families()`, an entry of the other
    family skipped (`if family != cidr.family() { continue; }`), one set (and one nomatch set)
    per family; src/rule.rs handle_set: the rule becomes one rule per family, `ip saddr
    @<v4 set>` and `ip6 saddr @<v6 set>`. So `+all4` drops no IPv6 packet and `+wide4`
    admits IPv4 only, under either daemon."""
    from test_redteam3_host_probes import PVE_PROCS
    from test_redteam14_pve_probes import HOST_FW
    from test_redteam15_pve_probes import CLUSTER_FW

    host = HOST_FW.replace("enable: 1\n", "enable: 1\nnftables: 1\n") + rules + "\n"
    cluster = CLUSTER_FW.replace("[IPSET management]", SETS + "[IPSET management]")
    got = _node(
        tmp_path,
        {"etc/pve/nodes/pve-h1/host.fw": host, "etc/pve/firewall/cluster.fw": cluster},
        {"processes": (PVE_PROCS + "  951 root     proxmox-firewall\n", 0)},
    )
    line = 10 + rules.count("\n")
    assert got[("HVA-301", "pve-h1")] == (
        "fail",
        f"cluster firewall on, input policy DROP, but host.fw line {line} "
        f"`{rules.rsplit(chr(10), 1)[-1]}` accepts {what} before the policy",
    )
