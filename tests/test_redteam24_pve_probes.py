r"""Red team 24, Proxmox VE: the Secure Boot variable store of an aarch64 VM; management ports
opened by an ACCEPT of every port on an interface; an efidisk or tpmstate on network storage (rt24pve).

Harness (P24-1): the hardened Proxmox VE node's tree (tests/fixtures/proxmox-hardened) scanned as a
copied tree (pve+dir://, test_redteam2_probes.pve_scan), web-10's qm.conf given `arch:
aarch64` and no `machine:` (test_pvevmw_leads13._aarch64's edit), its efidisk0 as written in
each case; HVA-066 of web-10 through the real collector, parser and engine. Sources read with
`fetch`: github:proxmox/qemu-server e6352be (src/PVE/QemuServer/OVMF.pm),
github:proxmox/pve-edk2-firmware cb8a6609 (debian/rules); QEMU hw/arm/virt.c and
docs/devel/uefi-vars.rst with `find_string` / `read_file`. Harness (P24-2): the live hardened
node (pve+ssh replayed, pve-firewall running: test_redteam14_pve_probes._live), one rule
appended to host.fw (line 9); HVA-313 of node pve-h1. Source read with `fetch`:
github:proxmox/pve-firewall 6f1311f. Harness (P24-3): the live hardened node (pve+ssh
replayed), an iscsidirect or rbd storage added to storage.cfg and web-10's efidisk0 moved to
it; HVA-238 of web-10. Source read with `fetch`: github:proxmox/qemu-server e6352be
(src/PVE/QemuServer/OVMF.pm, Blockdev.pm).

Findings (P24-n):
- P24-1 (false pass) HVA-066: an aarch64 VM with `efidisk0: ...,pre-enrolled-keys=1` was the
  store question (manual, "Pass: Secure Boot enabled with the template's keys"), but its
  variable store is flash the guest OS can rewrite, the class P12-1 (i440FX, no SMM) and P23C-1
  (q35, flash writable outside SMM) fail on x86_64. qemu-server OVMF.pm get_ovmf_files picks
  `ms` (AAVMF_CODE.secboot.fd, AAVMF_VARS.ms.fd) and print_ovmf_drive_commandlines /
  generate_ovmf_blockdev attach the efidisk as the second pflash; QEMU hw/arm/virt.c
  virt_flash_map: "the first flash device should be made visible only there [the secure view].
  The second flash device is visible to both secure and nonsecure", and machvirt_init refuses
  a secure world under KVM ("mach-virt: KVM does not support providing Security extensions
  (TrustZone) to the guest CPU", QEMU commit of 2022-04-04, found with `find_string`);
  pve-edk2-firmware debian/rules builds AAVMF_CODE.secboot.fd from ArmVirtQemu with
  AAVMF_SECBOOT_FLAGS = AAVMF_FLAGS + `-DSECURE_BOOT_ENABLE=TRUE` (no QEMU_PV_VARS, so no host
  variable service); QEMU docs/devel/uefi-vars.rst: Secure Boot "comes with the requirement
  that the UEFI variable storage must be protected against direct access by the OS", and the
  host service "allows support for secure boot on arm without implementing secure world (el3)
  emulation in kvm". No qm.conf key or `args:` -global changes where the store is mapped. Now
  fail, naming the unprotected store; test_pvevmw_leads13's L13-6 case (the store question)
  follows. The firmware choice L13-6 settled (pre-enrolled-keys, not efitype) is unchanged.

- P24-2 (false pass) HVA-313: a host.fw or cluster.fw `IN ACCEPT -i vmbr0` (or `-i vmbr0 -p
  tcp`, `-i eno1 -p tcp -sport 1024:65535`) passed "no rule opens management ports wider",
  while the same rule with `-dport 8006` failed "accepts management ports from any source":
  the management-port test read only a rule's -dport, and `_accepts_everything` counts `-i`
  of an interface without the node's gateway as a narrowing (L16-8's HVA-301 reading).
  pve-firewall 6f1311f src/PVE/Firewall.pm enable_host_firewall sets `$rule->{iface_in}` for
  host.fw's and cluster.fw's rules, and ipt_rule_to_cmds writes `-i $rule->{iface_in}`, `-p
  $proto` and a port match only `if defined($rule->{dport})`: with no -dport the rule accepts
  every port arriving on that interface (the VM bridge: the guests; the physical segment
  behind it), before the set's own ACCEPTs; Linux delivers a packet for any of the node's
  addresses on any interface (kernel ip-sysctl.rst arp_filter, "IP addresses are owned by the
  complete host on Linux", as R21N-1 cites). Now fail, naming the rule and "every TCP port,
  management ports included"; HVA-301 is unchanged (the interface narrows who arrives).
  Changed deliberately: test_host_verdicts5 `vm-bridge` (HVA-313 pass -> fail),
  test_proxmox_sourced's gateway cases and test_redteam8 P8-3 (HVA-313 manual -> fail; their
  gateway question is now asserted on HVA-301, where it stays).

- P24-3 (false n/a) HVA-238: a VM whose efidisk0 is a volume of an iscsidirect storage
  (scsi0 local) was "no network disks": the Proxmox VE model kept efidisk0 out of the VM's
  disks (P23-2's lead). qemu-server e6352be OVMF.pm generate_ovmf_blockdev hands the efidisk
  to Blockdev.pm generate_drive_blockdev, whose generate_file_blockdev takes a storage
  volume's options from PVE::Storage::qemu_blockdev_options, as for a disk: QEMU's own
  iSCSI initiator (no CHAP, P23-2) reads and writes the store holding PK, db and
  SecureBootEnable. Now model.Vm.firmware_store carries it (bios ovmf only, not amd-sev snp
  or intel-tdx, which boot `-bios` and ignore it) and HVA-238 judges it with the disks: fail
  for iscsidirect / ZFS over iSCSI, the path question for rbd without krbd and glusterfs.

- P24-4 (false n/a) HVA-238: a tpmstate0 on an iscsidirect storage was "no network disks"
  too: qemu-server e6352be start_swtpm exports a volume Drive.pm drive_uses_qsd_fuse picks
  (an `iscsi://` path: "The iSCSIDirect and ZFS-over-iSCSI plugins do not implement
  map_volume() and only provide an iscsi protocol path. Use QSD", since 85eed9f6, 2026-05-06)
  to swtpm through qemu-storage-daemon, which QSD.pm add_fuse_export attaches with
  Blockdev.pm attach, the disks' blockdev options: libiscsi without CHAP reads and writes the
  vTPM's state. Now model.Vm.state_volumes (which replaces P24-3's firmware_store) carries it
  and HVA-238 fails it; a tpmstate0 of another storage is mapped by the node (map_volume).

Held (kept as tests):
- aarch64 without pre-enrolled-keys stays "no keys enrolled" (L13-6's twin).
- aarch64 with `args: -global driver=cfi.pflash01,property=secure,value=on`: QEMU then refuses
  every write to the flash (pflash_mem_write_with_attrs refuses a write that is not secure, and
  without a secure world none is), the firmware's too, so the store stays as created: the store
  question, as before (whether such a VM boots is not settled: the question, never a pass).
- P24-3: under SeaBIOS the same efidisk0 is opened by nobody: "no network disks".
- P24-4: an rbd tpmstate0 (raw, mapped by the node's krbd through map_volume): not applicable.
- P24-2: the `-dport 8006` twin fails as before; `-i vmbr0 -p udp` (the management ports are
  TCP), `-i lo` (PVEFW-HOST-IN accepts the loopback first anyway) and `-i vmbr0 -source
  +management` pass.

Probed by script, not kept (the verdict was right): /etc/default/pveproxy values built from
shell variables (`DENY_FROM="$ALL"`, `${X:-all}`, `$(...)`): HVA-305 asks; `[PENDING]` `net0:
...,firewall=0`, `bios: seabios`, `machine: pc`, `delete: args` (with the secure -global):
HVA-303/191/066 fail "at its next start"; a host.fw `GROUP WEBSERVER` for `[group webserver]`
(pve-firewall lower-cases the section name but not the rule's, generate_group_rules "no such
security group": an empty chain, as hvaudit reads it); `vga: serial0` with `serial0: socket`
(-nographic, no VNC: HVA-031 n/a); `hostpci0: mapping=` and `virtiofs0:` (asked).
The known lead of the brief (qemu-server adds no `-global
driver=cfi.pflash01,property=secure,value=on` for OVMF) is P23C-1, on main since 02a8be4:
`git grep -i "pflash01\|property=secure"` over qemu-server e6352be finds nothing, and the
hardened q35 fixture fails HVA-066 ("OVMF_CODE_4M.secboot.fd on q35 with SMM, but no -global
..."), so nothing was left to land for it.

Tally: 17 cases in 10 test functions. P24-1: 5 cases, 4 failed on main 57d8239 (3 by verdict,
manual there; the held `secure=on` case by its message only), 1 held passed before and after;
test_pvevmw_leads13's L13-6 case changed deliberately (manual -> fail). P24-2: 7 cases, 3
failed on main d1746e8 (pass there), 4 held passed before and after. P24-3: 3 cases, 2
failed on main dc9d056 (not applicable there), 1 held. P24-4: 2 cases, 1 failed on main
14bd673, 1 held.

Leads left (not settled in the time):
- HVA-313 (P24-2) still ignores -dest for the every-port case (a -dest not holding the node's
  address matches no packet for it: left to `_accepts_everything`), and the migration ports
  60000:60050 the management set is also admitted to are no management port to it.
- `efidisk0: ...` without pre-enrolled-keys fails "no keys enrolled" though a store created
  with keys (or enrolled by hand) keeps them (a wrong fail at worst; qemu-server reads the
  key only when it creates the disk, OVMF.pm create_efidisk).
- a non-raw tpmstate0 (drive_uses_qsd_fuse: `return $format ne 'raw'`) on a storage QEMU
  reads over the network (glusterfs qcow2) also goes through qemu-storage-daemon; not judged.
- libvirt aarch64 VMs: the Vm model carries no `arch` for libvirt (model.Vm.arch is Proxmox
  VE's), so a libvirt aarch64 guest on a Secure Boot AAVMF loader with an enrolled template is
  still the store question, though its store is the same guest-visible flash.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from test_pvevmw_leads13 import _aarch64
from test_redteam2_probes import PVE_HARDENED
from test_redteam3_host_probes import PVE_PROCS
from test_redteam3_host_probes import pve_scan as pve_scan_live
from test_redteam14_pve_probes import _host_rule, _live

AAVMF_UNPROTECTED = (
    "fail",
    "UEFI AAVMF efidisk0 pre-enrolled-keys=1 (aarch64: efitype does not apply): "
    "AAVMF_CODE.secboot.fd with AAVMF_VARS.ms.fd, but QEMU's virt board maps the variable store "
    "flash into the guest's normal world and KVM gives the guest no secure world to guard it: "
    "the guest OS can rewrite the variable store, so Secure Boot is not protected",
)


@pytest.mark.parametrize(
    "efidisk",
    [
        "efidisk0: local-lvm:vm-200-disk-0,efitype=4m,pre-enrolled-keys=1,size=4M\n",
        "efidisk0: local-lvm:vm-200-disk-0,pre-enrolled-keys=1,size=4M\n",
        "efidisk0: local-lvm:vm-200-disk-0,efitype=4m,pre-enrolled-keys=1,size=4M\n"
        "args: -global driver=cfi.pflash01,property=secure,value=off\n",
    ],
    ids=["4m", "efitype-default", "args-secure-off"],
)
def test_p24_1_aarch64_secure_boot_store_is_guest_writable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], efidisk: str
) -> None:
    """P24-1: was manual (the store question); the virt board's second flash is visible to the
    guest's normal world and KVM gives no secure world, whatever efitype says."""
    assert _aarch64(tmp_path, capsys, efidisk) == AAVMF_UNPROTECTED


def test_p24_1_held_aarch64_flash_refusing_every_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: `args:` turning cfi.pflash01's `secure` on makes QEMU refuse every write that is
    not secure (hw/block/pflash_cfi01.c pflash_mem_write_with_attrs, R23M-3), and without a
    secure world none is, the firmware's included: the store stays as it is, so what it holds
    is the question (as before, with the -global named)."""
    efidisk = (
        "efidisk0: local-lvm:vm-200-disk-0,efitype=4m,pre-enrolled-keys=1,size=4M\n"
        "args: -global driver=cfi.pflash01,property=secure,value=on\n"
    )
    status, message = _aarch64(tmp_path, capsys, efidisk)
    assert status == "manual"
    assert message.startswith(
        "UEFI Secure Boot with enrolled keys: AAVMF efidisk0 pre-enrolled-keys=1 (aarch64: "
        "efitype does not apply), args sets -global driver=cfi.pflash01,property=secure,"
        "value=on: QEMU refuses every write to the variable store flash, the firmware's "
        "included; the VM's variable store was created from that template"
    ), message


def test_p24_1_held_aarch64_without_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: no pre-enrolled-keys, AAVMF_VARS.fd (no keys): the fail as before."""
    efidisk = "efidisk0: local-lvm:vm-200-disk-0,efitype=4m,size=4M\n"
    assert _aarch64(tmp_path, capsys, efidisk) == (
        "fail",
        "UEFI AAVMF efidisk0 without pre-enrolled-keys=1: no keys enrolled",
    )


# --- P24-2: HVA-313, an ACCEPT of every port narrowed only by `-i` ------------------------------

MGMT_PASS = (
    "pass",
    "IP set `management`: admin-lan, vpn-pool, !10.0.8.13; no rule opens management ports wider",
)


@pytest.mark.parametrize(
    ("rule", "narrowed"),
    [
        ("IN ACCEPT -i vmbr0", "-i vmbr0"),
        ("IN ACCEPT -i vmbr0 -p tcp", "-i vmbr0 -p tcp"),
        ("IN ACCEPT -i eno1 -p tcp -sport 1024:65535", "-i eno1 -p tcp -sport 1024:65535"),
    ],
    ids=["iface", "iface-tcp", "iface-tcp-sport"],
)
def test_p24_2_every_port_on_an_interface_opens_management(
    tmp_path: Path, rule: str, narrowed: str
) -> None:
    """P24-2: was pass "no rule opens management ports wider", while the same rule with
    `-dport 8006` failed. pve-firewall enable_host_firewall maps the rule's `-i` (`iface_in`)
    and ipt_rule_to_cmds writes `-i`, `-p` and a port match only `if defined($rule->{dport})`:
    with no -dport the rule accepts every TCP port arriving on that interface, 22, 8006, 3128
    and 5900-5999 included, from any source, before the set's own ACCEPTs. The interface
    narrows who arrives (so HVA-301 passes, L16-8's held reading), not which ports."""
    assert _live(tmp_path, _host_rule(rule), "HVA-313") == (
        "fail",
        f"host.fw:9 accepts management ports from any source (`IN ACCEPT {narrowed}`: every "
        "TCP port, management ports included)",
    )


@pytest.mark.parametrize(
    ("rule", "want"),
    [
        (
            "IN ACCEPT -i vmbr0 -p tcp -dport 8006",
            ("fail", "host.fw:9 accepts management ports from any source"),
        ),
        ("IN ACCEPT -i vmbr0 -p udp", MGMT_PASS),
        ("IN ACCEPT -i lo", MGMT_PASS),
        ("IN ACCEPT -i vmbr0 -source +management", MGMT_PASS),
    ],
    ids=["dport-twin", "udp", "loopback", "management-source"],
)
def test_p24_2_held(tmp_path: Path, rule: str, want: tuple[str, str]) -> None:
    """Held: the -dport 8006 twin fails as before; every UDP port (the management ports are
    TCP), the loopback (pve-firewall accepts `-i lo` itself, PVEFW-HOST-IN's first rule) and a
    source in the `management` set open nothing wider."""
    assert _live(tmp_path, _host_rule(rule), "HVA-313") == want


# --- P24-3: HVA-238, efidisk0 on a storage QEMU reads over the network -------------------------

STORAGE_CFG = (PVE_HARDENED / "etc/pve/storage.cfg").read_text()
SAN = (
    "iscsidirect: san\n\tportal 198.51.100.7\n\ttarget iqn.2003-01.org.example:t1\n"
    "\tcontent images\n"
)
CEPH = "rbd: ceph\n\tpool vms\n\tmonhost 198.51.100.9\n\tcontent images\n"


def _efidisk_on(tmp_path: Path, storage: str, volume: str, bios: str = "ovmf") -> tuple[str, str]:
    """HVA-238 of VM 200 (web-10, running; scsi0 on local-lvm) whose efidisk0 is `volume` of
    `storage` (added to storage.cfg), booting `bios`."""
    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "tree"))
    (tree / "etc/pve/storage.cfg").write_text(STORAGE_CFG + "\n" + storage)
    conf = tree / "etc/pve/qemu-server/200.conf"
    text = conf.read_text()
    assert "efidisk0: local-lvm:vm-200-disk-0,efitype" in text and "bios: ovmf\n" in text
    text = text.replace("local-lvm:vm-200-disk-0,efitype", f"{volume},efitype")
    conf.write_text(text.replace("bios: ovmf\n", f"bios: {bios}\n"))
    a = pve_scan_live(tmp_path, {"processes": (PVE_PROCS, 0)}, tree)
    r = next(r for r in a.results if (r.check.id, r.outcome.subject.name) == ("HVA-238", "web-10"))
    return r.status.value, r.outcome.message


def test_p24_3_efidisk_on_iscsidirect_fails(tmp_path: Path) -> None:
    """P24-3: was not applicable ("no network disks"): the Proxmox VE model left efidisk0 out
    of the VM's disks. qemu-server e6352be OVMF.pm generate_ovmf_blockdev passes the efidisk
    to Blockdev.pm generate_drive_blockdev, whose generate_file_blockdev takes a storage
    volume's options from PVE::Storage::qemu_blockdev_options, as for every disk: QEMU's own
    iSCSI initiator opens the UEFI variable store (PK, db, SecureBootEnable) on a target that
    authenticates no initiator (P23-2's reading of ISCSIDirectPlugin.pm)."""
    assert _efidisk_on(tmp_path, SAN, "san:0.0.2.scsi-36001405bb") == (
        "fail",
        "efidisk0 (the UEFI variable store), volume of storage san (iscsidirect, opened by "
        "QEMU's libiscsi, which pve-storage gives no CHAP user): iscsi disk "
        "san:0.0.2.scsi-36001405bb (198.51.100.7): no <auth> (no CHAP)",
    )


def test_p24_3_efidisk_on_rbd_is_asked(tmp_path: Path) -> None:
    """P24-3: an rbd storage without krbd: QEMU's librbd, no TLS: the path question (P23-2)."""
    status, message = _efidisk_on(tmp_path, CEPH, "ceph:vm-200-disk-0")
    assert (status, message) == (
        "manual",
        "efidisk0 (the UEFI variable store), volume of storage ceph (Ceph RBD through QEMU's "
        "librbd (krbd off)): rbd disk ceph:vm-200-disk-0 (198.51.100.9): QEMU's rbd client has "
        "no TLS",
    )


def test_p24_3_held_efidisk_unused_by_seabios(tmp_path: Path) -> None:
    """Held: under SeaBIOS qemu-server opens no efidisk (print_ovmf_commandline runs for bios
    ovmf only): no network disk."""
    assert _efidisk_on(tmp_path, SAN, "san:0.0.2.scsi-36001405bb", bios="seabios") == (
        "not_applicable",
        "no network disks",
    )


# --- P24-4: HVA-238, tpmstate0 on an iSCSI storage ----------------------------------------------


def _tpmstate_on(tmp_path: Path, storage: str, volume: str) -> tuple[str, str]:
    """HVA-238 of VM 200 (web-10) whose tpmstate0 is `volume` of `storage`."""
    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "tree"))
    (tree / "etc/pve/storage.cfg").write_text(STORAGE_CFG + "\n" + storage)
    conf = tree / "etc/pve/qemu-server/200.conf"
    old = "tpmstate0: local-lvm:vm-200-disk-2,"
    assert old in conf.read_text()
    conf.write_text(conf.read_text().replace(old, f"tpmstate0: {volume},"))
    a = pve_scan_live(tmp_path, {"processes": (PVE_PROCS, 0)}, tree)
    r = next(r for r in a.results if (r.check.id, r.outcome.subject.name) == ("HVA-238", "web-10"))
    return r.status.value, r.outcome.message


def test_p24_4_tpmstate_on_iscsidirect_fails(tmp_path: Path) -> None:
    """P24-4: was not applicable ("no network disks"). qemu-server e6352be start_swtpm: a
    volume Drive.pm drive_uses_qsd_fuse picks (`return 1 if $path =~ m!^iscsi://!`, "The
    iSCSIDirect and ZFS-over-iSCSI plugins do not implement map_volume() ... Use QSD", since
    85eed9f6) is exported to swtpm by qemu-storage-daemon, which QSD.pm add_fuse_export
    attaches with Blockdev.pm attach, the disks' blockdev options: libiscsi without CHAP
    reads and writes the vTPM's state."""
    assert _tpmstate_on(tmp_path, SAN, "san:0.0.3.scsi-36001405cc") == (
        "fail",
        "tpmstate0 (the vTPM's state, exported to swtpm by qemu-storage-daemon), volume of "
        "storage san (iscsidirect, opened by QEMU's libiscsi, which pve-storage gives no CHAP "
        "user): iscsi disk san:0.0.3.scsi-36001405cc (198.51.100.7): no <auth> (no CHAP)",
    )


def test_p24_4_held_tpmstate_on_rbd_is_mapped_by_the_node(tmp_path: Path) -> None:
    """Held: an rbd tpmstate0 is raw and no iscsi:// path, so start_swtpm maps it with
    PVE::Storage::map_volume (the node's krbd), not QEMU's librbd: no network disk."""
    assert _tpmstate_on(tmp_path, CEPH, "ceph:vm-200-disk-2") == (
        "not_applicable",
        "no network disks",
    )
