"""Red-team round 33 probes: Proxmox VE (rt33pve).

Harness: round 32's security-group chain (test_redteam32_proxmox_probes._group's shape): the
hardened Proxmox VE tree (tests/fixtures/proxmox-hardened) copied and scanned live through the
real collector, parser and engine (test_pve_leads18._node), VM 200 (web-10, one NIC net0,
`ipfilter: 1`, IP set ipfilter-net0 holding 192.0.2.10) whose 200.fw [RULES] is `GROUP open`
after sections of its own, cluster.fw holding security group `open` and the sets and aliases
of the probe; HVA-303 read. Sources read with `fetch`: github:proxmox/pve-firewall 6f1311f
(src/PVE/Firewall.pm generate_group_rules, ipt_gen_src_or_dst_match, resolve_alias),
proxmox-firewall a752659 (proxmox-firewall/src/firewall.rs create_group_chain,
proxmox-firewall/src/config.rs FirewallConfig::ipset/alias), qemu-server e6352be6
(src/PVE/QemuServer/Drive.pm get_scsi_device_type, DriveDevice.pm `scsi-$device_type`); QEMU's
hw/scsi/scsi-generic.c execute_command read with `find_string`. R33P-2: the API path
(pve+api://pve.example:8006/pve1) through the real ProxmoxApiCollector, parser and engine,
round 31's `_san_scan` (web-01, iscsidirect storage `san` listed to a token seeing every
storage, hidden from one seeing local and local-lvm alone); HVA-092 read.

Findings:
- R33P-1 (false pass; a wrong fail too) HVA-303: R32P-2's -dest side. A security group's
  chain is built once for every guest from cluster.fw alone (pve-firewall generate_group_rules:
  `ruleset_generate_rule($ruleset, $chain, $ipversion, $rule, $cluster_conf)`, no VM file, so
  ipt_gen_src_or_dst_match and its alias lookup find no guest set or alias; proxmox-firewall
  create_group_chain: `vmid: None`, so FirewallConfig::ipset/alias read the cluster's alone).
  `_vm_dest_held` read a group rule's -dest with the VM's own sets and aliases first: the
  group's `IN ACCEPT -dest +web` (cluster.fw: 192.0.2.0/24, holding the guest's 192.0.2.10)
  took the VM's own `web` (198.51.100.7) and passed "1 interface(s) behind the VM firewall";
  the same with an alias `webhost`; and the VM's own `web` holding the guest's address failed
  a group whose cluster `web` does not. (proxmox-firewall reads the group alike; HVA-303 asks
  there anyway, its MAC/IP filters not resolved, so only pve-firewall is probed.)
  Now the -dest reads the rule's own scope: the VM's file first for its own rules, the
  cluster's alone for a group's (`_vm_dest_held(..., rule)`).

- R33P-2 (false pass) HVA-092: qemu-server hands QEMU a scsiN disk as `scsi-generic` where
  it is a host path answering a SCSI INQUIRY as a tape, or a volume whose path is `iscsi://`
  (iscsidirect, ZFS over iSCSI) on a machine pinned below 4.1 (Drive.pm get_scsi_device_type,
  the cases HVA-059 already fails, L14-2/P13-2). scsi-generic sends every guest command as an
  SG_IO ioctl (scsi-generic.c execute_command `blk_aio_ioctl(blk, SG_IO, ...)`), which QEMU's
  throttling, the drive's mbps/iops, never intercepts (R8-5: read and write paths alone). Such
  a disk with `mbps_rd`/`mbps_wr` passed "2 disk(s) and 1 interface(s) limited (outbound)".
  Now it fails ("mbps/iops limit nothing ... scsi-generic"); a /dev/sgN node (a tape or not)
  and a volume of a storage the evidence does not hold (R31P-1) on such a machine are asked,
  naming /sys/class/scsi_generic/sgN/device/type, storage.cfg's entry and `qm showcmd`
  (resources.py `_pve_scsi_generic_limits`, reusing guest.py's readers).
- R33P-3 (false pass) HVA-303, HVA-301, HVA-313: pve-firewall looks a rule's `+[scope/]name`
  up by its scope (ipt_gen_src_or_dst_match: `guest/` the rule's own file alone, `dc/` the
  cluster's, `sdn/` the SDN's sets, built from the SDN configuration), dies "no such ipset"
  where that file lacks it, and ruleset_generate_vm_rules and the host chain
  (enable_host_firewall) skip the rule in their `eval`; verify_rule accepts it where any file
  has the name. hvaudit read `+sdn/all4`, and `+guest/all4` where the VM has no all4 (or on
  the node, whose host.fw has no sets: load_hostfw_conf), as the cluster's all4 (0.0.0.0/1,
  128.0.0.0/1): `IN DROP -source +sdn/all4`, `IN DROP -source ::/0`, `IN ACCEPT` passed the
  VM ("1 interface(s) behind the VM firewall") and the node ("cluster firewall on, input
  policy DROP"; HVA-313 "no rule opens management ports wider"), where the DROP is skipped and
  the ACCEPT admits every IPv4 packet. Now one reader (`_set_file`) gives a set's file by
  scope, none for the SDN's or a missing `guest/` one, so such a DROP closes nothing
  (`_item_versions`, `_fw_networks`, `_wide`, `_holds`).
- R33P-4 (wording) HVA-092: a Proxmox VE LUN (scsiN of a host path with scsiblock=1) whose
  mbps/iops are set failed "LUN /dev/sdb: <iotune> limits nothing": libvirt's word, which no
  `qm config` holds. Now "LUN /dev/sdb (scsiblock=1): mbps/iops limit nothing (...)", the
  verdict unchanged.
- R33P-5 (false pass) HVA-303: on a VM without IP filter (no `ipfilter: 1`, no IP set
  ipfilter-net0), an ACCEPT whose -dest may hold the guest's address is asked about (R26P-3,
  `_vm_dest_unknown`), per IP version. That version was read from the -dest text: an alias
  name has no `:`, so it was IPv4, while pve-firewall gives an alias rule its address's
  version (parse_fw_rule, `ipversion`): `IN ACCEPT -dest guest6` (the VM's alias of
  2001:db8::10) or `dc/web6` (the cluster's) left no version to ask about and passed "1
  interface(s) behind the VM firewall", where it admits every IPv6 packet to the guest if that
  is its address. Now an alias or a set may be either version, the rule's own narrowing it:
  the question is asked for IPv6.
- R33P-6 (false pass) HVA-303: pve-firewall adds each firewalled NIC's link-local address,
  derived from its MAC (mac_to_linklocal: fe80::/64 with the modified EUI-64 identifier), to
  IP set ipfilter-net<N>, the user's or the empty one `ipfilter: 1` implies (compile_ipsets
  `$device_ips`, generate_ipset_chains), so the guest sends from it. `_vm_dest_held` read the
  set's written entries alone: `IN ACCEPT -dest fe80::be24:11ff:fe00:20` (web-10's, from
  BC:24:11:00:00:20), `-dest fe80::/64` and `-dest fe80::/64 -p tcp` passed, where they admit
  every IPv6 packet (every tcp port) to the guest's link-local address. Now the address is
  one the set holds (`_link_local`), named as pve-firewall's addition.
- R33P-7 (false pass) HVA-058: a 9p share that `args:` adds (`-virtfs local,path=...,
  security_model=mapped-xattr`) was never compared with the other VMs' disks (R14-5 judges
  libvirt's <filesystem> alone: a raw share gets no AppArmor rule there), and a Proxmox VE
  volume `STORAGE:VOLNAME` had no host file. On Proxmox VE QEMU runs as root with no per-VM
  label (HVA-310's premise), so web-01 sharing /var/lib/vz, /srv/nas or /srv/nas/images passed
  "shared directories read-only or with mapped ownership" while db-01's image (pve-storage
  0c56bad Plugin.pm filesystem_path: PATH/images/VMID/NAME, a linked clone's too) lies in it.
  Now it fails, naming the image; a volume of a storage the evidence does not hold (R30P-3)
  is asked, naming storage.cfg and `pvesm path` (guest.py `_pve_volume_file`,
  `_unplaced_volumes`).
- R33P-8 (false pass) HVA-058: R33P-7's comparison took the VMs of the sharing VM's node
  alone, as libvirt's host-local pools are; a Proxmox VE NFS or CIFS storage is mounted at its
  `path` on every node (pve-storage NFSPlugin.pm activate_storage: nfs_mount of the export at
  `$path`), so web-01 on pve1 sharing /mnt/pve/nas passed beside db-01 on pve2 whose image is
  /mnt/pve/nas/images/101/vm-101-disk-0.qcow2. Now a volume of such a storage counts on every
  node, named with its node (`_pve_shared_volume`).
- R33P-9 (false pass) HVA-058: a container's rootfs and mpN volumes were no files of the
  comparison (the model kept a container's host paths alone): web-01 sharing /var/lib/vz
  passed beside container dns-01 whose rootfs `local:300/vm-300-disk-0.raw` is
  /var/lib/vz/images/300/vm-300-disk-0.raw, which the guest can rewrite through the share
  (QEMU as root). Now Container.volumes holds them and they count as the VMs' images do.

Held:
- R33P-1: the VM's own rule `IN ACCEPT -dest +web` with its own `web` holding 192.0.2.10
  fails (ipt_gen_src_or_dst_match takes the VM's set first); with its own `web` not holding
  it and the cluster's holding it, passes.
- R33P-2: the iSCSI volume on pc-i440fx-4.1 (scsi-hd: min_version 4.1) and a host block
  device /dev/sdb (sd is never type 1), both limited, pass; a tape without limits fails "1 of
  2 disk(s) without mbps/iops rate limits" as before.
- R33P-3: the cluster's all4 unscoped and as `dc/all4` closes IPv4 on the VM and the node,
  and the VM's own all4 as `guest/all4`: pass.
- R33P-5: an IPv4 alias (guest4, 192.0.2.10) as -dest is asked about, as before.
- R33P-6: another link-local address (fe80::be24:11ff:fe00:21), and `-dest fe80::/64 -p tcp
  -dport 22`, narrow the ACCEPT: pass.
- R33P-7: db-01's image on `local` (/var/lib/vz) beside a share of /srv/nas, and an LVM thin
  volume (a device node): pass.
- R33P-8: db-01's image on a dir storage (/srv/store, each node's own) on pve2 beside web-01's
  share of /srv/store on pve1: pass.
- R33P-9: the container's rootfs on LVM thin (local-lvm): pass.

Probed by script, not kept: an ACCEPT -dest inside an ipfilter set's subnet entry (already
asked: the spoofing reading does not know the guest's address in 192.0.2.0/24); a security
group rule's `-i` (pve-firewall's group chain matches no `iface`, as `_vm_opened` reads it);
R33P-2's cases with the storage hidden and the machine at 8.0 (pass, scsi-hd); a 9p share on
Proxmox VE of a directory holding no other VM's image (pass). R33P-7's harness: round 28's
API table with VM 101 (db-01) beside web-01; R33P-8's: the same over the whole cluster
(pve+api://pve.example:8006), db-01 on node pve2.

Tally: 9 findings (8 false passes, R33P-1 with a wrong fail; 1 wording); 41 test cases in 23
functions, 24 failed on main before their fix (R33P-1 3 of 5 and R33P-2 4 of 7 on c04d5de9:
6 pass, 1 fail; R33P-3 4 of 9 on d4706b7d: 4 pass; R33P-4 1 of 1 on a37dfd32: libvirt's
word; R33P-5 3 of 4 on fdf919a2: 3 pass; R33P-6 3 of 5 on ee1a6eca: 3 pass; R33P-7 4 of 6 on
c286b431: 4 pass; R33P-8 1 of 2 on 29a1e63f: pass; R33P-9 1 of 2 on a13aadb3: pass), 17 held
passed before and after.

Leads left:
- SDN sets: a rule's `+sdn/NAME`, and an unscoped `+NAME` that neither the VM nor the cluster
  defines, name pve-firewall's SDN sets (`{vnet}-all`, `-gateway`, `-no-gateway`, `-dhcp`,
  built from /etc/pve/sdn/.running-config subnets, proxmox-ve-rs): an ACCEPT of one is read
  as narrow (the parser refuses the unscoped one, "no such ipset"); its subnets are in the
  collected .running-config and not resolved.
- R33P-6 reads an ACCEPT to the guest's link-local address as every inbound IPv6 packet; the
  node's chain leaves link-local out of "every packet for the node" (`_own_addresses`): only
  on-link senders reach it. A team decision whether the VM's reading should say so.
- HVA-058 on Proxmox VE: a virtiofs share (`virtiofsN: dirid=`, virtiofsd as root) of a
  directory holding another VM's image is not compared (libvirt's reasoning kept); a storage
  with `content-dirs` moving images is read at PATH/images; btrfs storages' subvolume layout
  is not read.
- A security group naming `+guest/x` dies uncaught in generate_group_rules (no eval there), so
  pve-firewall compiles no rules at all: not probed.
- Containers (LXC) have no network-disk or shared-image check (team decision, rounds 26, 27).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_pve_leads18 import VM200_FW, VM_PASS, _node, _vm_open
from test_redteam15_pve_probes import CLUSTER_FW
from test_redteam31_proxmox_probes import LUN, PARTIAL

IPV4 = "every inbound IPv4 packet before any rule drops or rejects"


def _scoped(
    tmp_path: Path,
    vm: str,
    cluster: str,
    group: str = "IN ACCEPT -dest +web",
    rules: str = "GROUP open",
    aliases: str = "",
) -> tuple[str, str]:
    """HVA-303 of web-10 whose 200.fw [RULES] is `rules` after its own sections `vm`, and
    whose cluster.fw holds the sections `cluster` (before its [IPSET management]) and security
    group `open` of the rule `group`, its [ALIASES] extended by `aliases`."""
    fw = VM200_FW.replace("[RULES]", vm + "[RULES]").replace(
        "GROUP webserver -i net0\n", rules + "\n"
    )
    cl = (
        CLUSTER_FW.replace("[IPSET management]", cluster + "[IPSET management]")
        .replace("vpn-pool 10.0.8.0/24\n", "vpn-pool 10.0.8.0/24\n" + aliases)
        .replace("[group webserver]", f"[group open]\n{group}\n\n[group webserver]")
    )
    edits = {"etc/pve/firewall/200.fw": fw, "etc/pve/firewall/cluster.fw": cl}
    return _node(tmp_path, edits)[("HVA-303", "web-10")]


#: the VM's own `web` and `webhost`, not the guest's address; the cluster's, holding it
VM_NARROW = "[ALIASES]\nwebhost 198.51.100.7\n\n[IPSET web] # the VM's own\n198.51.100.7\n\n"
CLUSTER_HOLDS = "[IPSET web] # the cluster's\n192.0.2.0/24\n\n"
#: the VM's own `web` holding the guest's address; the cluster's, not
VM_HOLDS = "[IPSET web] # the VM's own\n192.0.2.10\n\n"
CLUSTER_NARROW = "[IPSET web] # the cluster's\n198.51.100.0/24\n\n"


def _held(line: int, group: int, dest: str, held: str = "192.0.2.10") -> tuple[str, str]:
    where = f"line {line}" + (f" (group open line {group})" if group else "")
    return _vm_open(
        f"{where} `IN ACCEPT` accepts {IPV4} (-dest {dest}: holds {held}, the guest's address in "
        "IP set ipfilter-net0)"
    )


@pytest.mark.parametrize(
    ("group", "cluster", "aliases", "want"),
    [
        ("IN ACCEPT -dest +web", CLUSTER_HOLDS, "", _held(18, 27, "+web")),
        (
            "IN ACCEPT -dest webhost",
            "",
            "webhost 192.0.2.10\n",
            _held(18, 25, "webhost"),
        ),
    ],
    ids=["ipset", "alias"],
)
def test_r33p_1_group_dest_names_the_cluster_set(
    tmp_path: Path, group: str, cluster: str, aliases: str, want: tuple[str, str]
) -> None:
    """Was pass "1 interface(s) behind the VM firewall": the group's -dest was read with the
    VM's own `web` (or `webhost`), 198.51.100.7; pve-firewall generate_group_rules (and
    proxmox-firewall create_group_chain, `vmid: None`) resolve it in cluster.fw alone, where it
    holds the guest's 192.0.2.10, so the group's ACCEPT admits every packet to the guest."""
    got = _scoped(tmp_path, VM_NARROW, cluster, group, aliases=aliases)
    assert got == want


def test_r33p_1_group_dest_of_a_narrow_cluster_set(tmp_path: Path) -> None:
    """Was fail "(-dest +web: holds 192.0.2.10, ...)" (wrong fail): the VM's own `web` holds
    the guest's address, but the group's `+web` is the cluster's 198.51.100.0/24, to which
    the ACCEPT is narrowed."""
    assert _scoped(tmp_path, VM_HOLDS, CLUSTER_NARROW) == VM_PASS


@pytest.mark.parametrize(
    ("vm", "cluster", "want"),
    [(VM_HOLDS, CLUSTER_NARROW, _held(15, 0, "+web")), (VM_NARROW, CLUSTER_HOLDS, VM_PASS)],
    ids=["own-set-holds", "own-set-narrow"],
)
def test_r33p_1_held_vm_rule_names_its_own_set(
    tmp_path: Path, vm: str, cluster: str, want: tuple[str, str]
) -> None:
    """Held: the VM's own rule takes its own `web` first (ipt_gen_src_or_dst_match)."""
    assert _scoped(tmp_path, vm, cluster, "IN DROP", "IN ACCEPT -dest +web") == want


# --- R33P-2: HVA-092, a scsiN disk qemu-server makes scsi-generic --------------------------------

#: read and write limits on a drive (qemu-server Drive.pm mbps_rd/mbps_wr: -drive throttling)
LIMITS = ",mbps_rd=100,mbps_wr=100"


def _io(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    scsi1: str,
    machine: str = "pc-i440fx-4.0",
    whole: bool = True,
) -> tuple[str, str]:
    """HVA-092 of web-01 on the API path (round 31's `_san_scan`: storage `san` is iscsidirect,
    listed to a token seeing every storage, hidden from one that sees local and local-lvm
    alone), its scsi0 and net0 limited, scsi1 `scsi1`, its machine pinned to `machine`."""
    from test_redteam28_proxmox_probes import VM100
    from test_redteam31_proxmox_probes import _san_scan

    config = VM100 | {
        "net0": VM100["net0"] + ",rate=10",
        "scsi0": VM100["scsi0"] + LIMITS,
        "scsi1": scsi1,
        "machine": machine,
    }
    return _san_scan(monkeypatch, capsys, whole, config)[("HVA-092", "web-01")]


SG = "whose SG_IO ioctls QEMU's I/O throttling does not intercept)"


@pytest.mark.parametrize(
    ("scsi1", "machine", "want"),
    [
        (
            f"{LUN},size=32G{LIMITS}",
            "pc-i440fx-4.0",
            f"disk {LUN}: mbps/iops limit nothing (storage san, iscsi-direct, on machine "
            f"pc-i440fx-4.0, below 4.1: qemu-server makes it scsi-generic, {SG}",
        ),
        (
            f"/dev/st0{LIMITS}",
            "pc-i440fx-8.0",
            f"disk /dev/st0: mbps/iops limit nothing (a SCSI tape: qemu-server makes it "
            f"scsi-generic, {SG}",
        ),
    ],
    ids=["iscsi-machine-4.0", "tape"],
)
def test_r33p_2_scsi_generic_disk_is_not_limited(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    scsi1: str,
    machine: str,
    want: str,
) -> None:
    """Was pass "2 disk(s) and 1 interface(s) limited (outbound)": qemu-server Drive.pm
    get_scsi_device_type makes an `iscsi://` volume on a machine below 4.1, and a host path
    answering as a tape, `scsi-generic`, which sends every guest command as SG_IO
    (hw/scsi/scsi-generic.c execute_command `blk_aio_ioctl(blk, SG_IO, ...)`), a path QEMU's
    throttling (the drive's mbps/iops) never sees."""
    assert _io(monkeypatch, capsys, scsi1, machine) == ("fail", want)


def test_r33p_2_generic_node_is_asked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass: /dev/sg3 answers for whatever device it is, a tape made scsi-generic."""
    assert _io(monkeypatch, capsys, f"/dev/sg3{LIMITS}") == (
        "manual",
        "disk /dev/sg3: a SCSI generic node, which qemu-server makes scsi-generic (mbps/iops "
        "limit nothing) if it answers as a tape",
    )


def test_r33p_2_volume_of_a_hidden_storage_is_asked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass: `san` hidden from the token (R31P-1) may be iscsidirect, scsi-generic on
    pc-i440fx-4.0; the question names storage.cfg's entry and `qm showcmd`."""
    from test_redteam28_proxmox_probes import USER_ACL, VM100, _answers
    from test_redteam30_proxmox_probes import STORAGE_ACL, STORAGE_PERMS, _report

    assert _io(monkeypatch, capsys, f"{LUN},size=32G{LIMITS}", whole=False) == (
        "manual",
        f"disk {LUN}: a volume, on machine pc-i440fx-4.0 below 4.1, of storage san, which the "
        f"evidence does not hold ({PARTIAL}): qemu-server makes a volume of an iscsidirect or "
        "ZFS over iSCSI storage scsi-generic there (mbps/iops limit nothing)",
    )
    answers = _answers(STORAGE_PERMS, [USER_ACL, *STORAGE_ACL], ["qemu/100"])
    answers["access/roles"] = [{"roleid": "NodeAudit", "privs": "Sys.Audit"}]
    answers["nodes/pve1/qemu/100/config"] = VM100 | {
        "net0": VM100["net0"] + ",rate=10",
        "scsi0": VM100["scsi0"] + LIMITS,
        "scsi1": f"{LUN},size=32G{LIMITS}",
        "machine": "pc-i440fx-4.0",
    }
    got = next(
        r.get("question")
        for r in _report(monkeypatch, capsys, answers)["results"]
        if r["check_id"] == "HVA-092"
    )
    assert got == (
        f"Does qemu-server give QEMU each of disk(s) {LUN} of VM web-01 as scsi-hd, not "
        "scsi-generic? Evidence: storage san's entry in /etc/pve/storage.cfg read as root on "
        "node pve1 (type iscsidirect or zfs); or `qm showcmd 100` on node pve1 (the -device "
        "each scsiN gets). Pass: yes, scsi-hd, so its mbps/iops limit it; fail: scsi-generic, "
        "whose SG_IO commands no mbps/iops limit sees."
    )


@pytest.mark.parametrize(
    ("scsi1", "machine", "want"),
    [
        (f"{LUN},size=32G{LIMITS}", "pc-i440fx-4.1", "pass"),
        (f"/dev/sdb{LIMITS}", "pc-i440fx-4.0", "pass"),
        ("/dev/st0", "pc-i440fx-8.0", "fail"),
    ],
    ids=["iscsi-machine-4.1", "block-device", "tape-unlimited"],
)
def test_r33p_2_held(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    scsi1: str,
    machine: str,
    want: str,
) -> None:
    """Held: on 4.1 the iSCSI volume is scsi-hd (min_version 4.1), a host block device
    scsi-hd (sd is never type 1), both limited; a tape without limits fails as before."""
    message = {
        "pass": "2 disk(s) and 1 interface(s) limited (outbound)",
        "fail": "1 of 2 disk(s) without mbps/iops rate limits",
    }[want]
    assert _io(monkeypatch, capsys, scsi1, machine) == (want, message)


# --- R33P-3: a DROP of an `sdn/` set, or a `guest/` set the rule's file lacks ---------------------

#: a DROP of every IPv4 source through round 18's cluster set all4 (0.0.0.0/1, 128.0.0.0/1) in
#: scope `scope`, a DROP of every IPv6 source, then an ACCEPT of everything
CLOSED = "IN DROP -source +{}all4\nIN DROP -source ::/0\nIN ACCEPT"


@pytest.mark.parametrize("scope", ["sdn/", "guest/"])
def test_r33p_3_vm_drop_of_a_set_pve_firewall_skips(tmp_path: Path, scope: str) -> None:
    """Was pass "1 interface(s) behind the VM firewall": `+sdn/all4` names the SDN's set and
    `+guest/all4` the VM's own, which has none (pve-firewall ipt_gen_src_or_dst_match dies "no
    such ipset", ruleset_generate_vm_rules skips the rule in its `eval`); hvaudit read the
    cluster's all4, so the DROP closed IPv4."""
    from test_pve_leads18 import LEFT, _vm_chain

    assert _vm_chain(tmp_path, CLOSED.format(scope)) == _vm_open(
        f"line 14 `IN ACCEPT` accepts every inbound IPv4 packet {LEFT}"
    )


@pytest.mark.parametrize("scope", ["sdn/", "guest/"])
def test_r33p_3_host_drop_of_a_set_pve_firewall_skips(tmp_path: Path, scope: str) -> None:
    """Was pass "cluster firewall on, input policy DROP" (HVA-301) and "no rule opens
    management ports wider" (HVA-313): host.fw has no IP sets (load_hostfw_conf's empty conf
    holds none), so `+guest/all4` is no set there and `+sdn/all4` the SDN's; the host chain
    (enable_host_firewall) skips the rule in its `eval`."""
    from test_pve_leads18 import _chain

    assert _chain(tmp_path, CLOSED.format(scope)) == {
        "HVA-301": (
            "fail",
            "cluster firewall on, input policy DROP, but host.fw line 11 `IN ACCEPT` accepts "
            "every inbound IPv4 packet before the policy",
        ),
        "HVA-313": (
            "fail",
            "host.fw line 11 `IN ACCEPT` accepts every inbound IPv4 packet, management ports "
            "included",
        ),
    }


@pytest.mark.parametrize(
    ("scope", "extra"),
    [("", ""), ("dc/", ""), ("guest/", "[IPSET all4] # the VM's own\n0.0.0.0/1\n128.0.0.0/1\n\n")],
    ids=["unscoped", "dc", "guest-own-set"],
)
def test_r33p_3_held_vm_drop_of_a_set_it_holds(tmp_path: Path, scope: str, extra: str) -> None:
    """Held: the cluster's all4 (no scope, `dc/`) and the VM's own (`guest/`) close IPv4."""
    from test_pve_leads18 import _vm_chain

    assert _vm_chain(tmp_path, CLOSED.format(scope), extra=extra) == VM_PASS


@pytest.mark.parametrize("scope", ["", "dc/"])
def test_r33p_3_held_host_drop_of_the_cluster_set(tmp_path: Path, scope: str) -> None:
    """Held: on the node the cluster's all4 closes IPv4."""
    from test_pve_leads18 import _chain

    got = _chain(tmp_path, CLOSED.format(scope))
    assert got["HVA-301"] == ("pass", "cluster firewall on, input policy DROP")


# --- R33P-4: HVA-092's words for a scsiblock=1 LUN with mbps/iops ----------------------------------


def test_r33p_4_scsiblock_lun_in_qemu_server_terms(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was "LUN /dev/sdb: <iotune> limits nothing" (wording): a Proxmox VE VM has no <iotune>;
    its limits are the drive's mbps/iops (qemu-server Drive.pm), and what makes the LUN
    scsi-block is scsiblock=1 (get_scsi_device_type). The verdict (fail) is unchanged."""
    assert _io(monkeypatch, capsys, f"/dev/sdb,scsiblock=1{LIMITS}", "pc-i440fx-8.0") == (
        "fail",
        "LUN /dev/sdb (scsiblock=1): mbps/iops limit nothing (QEMU's scsi-block passes the "
        "guest's reads and writes to the device as SG_IO ioctls, which its I/O throttling does "
        "not intercept)",
    )


# --- R33P-5: an ACCEPT to an IPv6 alias on a VM without IP filter ---------------------------------

#: web-10's 200.fw without `ipfilter: 1` and its IP set ipfilter-net0: the guest's addresses unknown
NO_IPFILTER = VM200_FW.replace("ipfilter: 1\n", "").replace(
    "[IPSET ipfilter-net0] # the VM's own address\n192.0.2.10\n", ""
)


def _asked(line: int, dest: str, family: str) -> tuple[str, str]:
    return (
        "manual",
        "1 interface(s) behind the VM firewall, unless a rule's -dest holds the guest's address "
        f"(net0: line {line} `IN ACCEPT` accepts every inbound {family} packet before any rule "
        f"drops or rejects (-dest {dest}: if it holds the guest's address)): no IP set "
        "ipfilter-net<N> tells the guest's addresses (ipfilter off), so whether it does is not in "
        "the evidence",
    )


@pytest.mark.parametrize(
    ("rules", "extra", "want"),
    [
        (
            "IN ACCEPT -dest guest6",
            "[ALIASES]\nguest6 2001:db8::10\n\n",
            _asked(12, "guest6", "IPv6"),
        ),
        (
            "IN DROP -source 0.0.0.0/0\nIN ACCEPT -dest guest6",
            "[ALIASES]\nguest6 2001:db8::10\n\n",
            _asked(13, "guest6", "IPv6"),
        ),
    ],
    ids=["alias", "after-ipv4-drop"],
)
def test_r33p_5_ipv6_alias_dest_is_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rules: str, extra: str, want: tuple[str, str]
) -> None:
    """Was pass "1 interface(s) behind the VM firewall": `_vm_dest_unknown` read an alias
    name's IP version from the name (no `:`, so IPv4), and the rule is IPv6 alone (pve-firewall
    parse_fw_rule gives an alias rule its address's version), so no version was left to ask
    about. The alias may be the guest's own IPv6 address, which the ACCEPT then opens whole."""
    import test_pve_leads18
    from test_pve_leads18 import _vm_chain

    monkeypatch.setattr(test_pve_leads18, "VM200_FW", NO_IPFILTER)
    assert _vm_chain(tmp_path, rules, extra=extra) == want


def test_r33p_5_cluster_ipv6_alias_dest_is_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was pass: the same with the cluster's alias named `dc/web6`."""
    import test_redteam33_proxmox_probes as here

    monkeypatch.setattr(here, "VM200_FW", NO_IPFILTER)
    got = _scoped(tmp_path, "", "", "IN DROP", "IN ACCEPT -dest dc/web6", "web6 2001:db8::10\n")
    assert got == _asked(9, "dc/web6", "IPv6")


def test_r33p_5_held_ipv4_alias(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Held: an IPv4 alias was asked about before and is now."""
    import test_pve_leads18
    from test_pve_leads18 import _vm_chain

    monkeypatch.setattr(test_pve_leads18, "VM200_FW", NO_IPFILTER)
    got = _vm_chain(tmp_path, "IN ACCEPT -dest guest4", extra="[ALIASES]\nguest4 192.0.2.10\n\n")
    assert got == _asked(12, "guest4", "IPv4")


# --- R33P-6: the guest's link-local address in its ipfilter set ----------------------------------

#: web-10's net0 MAC BC:24:11:00:00:20 as pve-firewall's mac_to_linklocal gives it
LINK_LOCAL = "fe80::be24:11ff:fe00:20"
HELD_LL = (
    f"holds {LINK_LOCAL}, the guest's link-local address, which pve-firewall adds to IP set "
    "ipfilter-net0 from the NIC's MAC)"
)


@pytest.mark.parametrize(
    ("rules", "want"),
    [
        (
            f"IN ACCEPT -dest {LINK_LOCAL}",
            f"line 12 `IN ACCEPT` accepts every inbound IPv6 packet before any rule drops or "
            f"rejects (-dest {LINK_LOCAL}: {HELD_LL}",
        ),
        (
            "IN ACCEPT -dest fe80::/64",
            "line 12 `IN ACCEPT` accepts every inbound IPv6 packet before any rule drops or "
            f"rejects (-dest fe80::/64: {HELD_LL}",
        ),
        (
            "IN ACCEPT -dest fe80::/64 -p tcp",
            "line 12 `IN ACCEPT -p tcp` accepts every IPv6 tcp port before any rule drops or "
            f"rejects (-dest fe80::/64: {HELD_LL}",
        ),
    ],
    ids=["address", "prefix", "tcp"],
)
def test_r33p_6_dest_of_the_guest_link_local(tmp_path: Path, rules: str, want: str) -> None:
    """Was pass "1 interface(s) behind the VM firewall": pve-firewall compile_ipsets adds the
    NIC's MAC-derived link-local address to IP set ipfilter-net0 (`$device_ips`,
    mac_to_linklocal), so the guest sends from it and an ACCEPT to it narrows nothing of the
    IPv6 packets for the guest (R25P-3's reading)."""
    from test_pve_leads18 import _vm_chain

    assert _vm_chain(tmp_path, rules) == _vm_open(want)


@pytest.mark.parametrize(
    "rules",
    ["IN ACCEPT -dest fe80::be24:11ff:fe00:21", "IN ACCEPT -dest fe80::/64 -p tcp -dport 22"],
    ids=["another-address", "one-port"],
)
def test_r33p_6_held(tmp_path: Path, rules: str) -> None:
    """Held: another link-local address, and one port to the guest's, narrow the ACCEPT."""
    from test_pve_leads18 import _vm_chain

    assert _vm_chain(tmp_path, rules) == VM_PASS


# --- R33P-7: HVA-058, a 9p share of `args:` holding another VM's disk image ----------------------


def _share(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    share: str,
    volume: str,
    whole: bool = True,
) -> tuple[str, str]:
    """HVA-058 of web-01 (VM 100) sharing host directory `share` to its guest by 9p with mapped
    ownership (`args: -virtfs local,...,security_model=mapped-xattr`), beside db-01 (VM 101)
    whose scsi0 is `volume`; a token seeing every storage (`whole`: GET /storage lists `local`,
    a dir at /var/lib/vz, and `nas`, a dir at /srv/nas) or local and local-lvm alone."""
    from test_redteam28_proxmox_probes import (
        AUDITOR,
        TOP,
        USER_ACL,
        VM100,
        _acl,
        _answers,
        _api_scan,
    )
    from test_redteam30_proxmox_probes import STORAGE_ACL, STORAGE_PERMS

    perms, acl = (
        (dict.fromkeys(TOP, AUDITOR), [_acl("/", "PVEAuditor")])
        if whole
        else (STORAGE_PERMS, STORAGE_ACL)
    )
    a = _answers(perms, [USER_ACL, *acl], ["qemu/100", "qemu/101"])
    a["access/roles"] = [{"roleid": "NodeAudit", "privs": "Sys.Audit"}]
    if whole:
        a["storage"] += [
            {"storage": "local", "type": "dir", "path": "/var/lib/vz", "content": "iso,images"},
            {"storage": "nas", "type": "dir", "path": "/srv/nas", "content": "images"},
        ]
    a["nodes/pve1/qemu/100/config"] = VM100 | {
        "args": f"-virtfs local,path={share},mount_tag=x,security_model=mapped-xattr"
    }
    a["nodes/pve1/qemu/101/config"] = VM100 | {"name": "db-01", "scsi0": f"{volume},size=8G"}
    for k in (
        "pending",
        "firewall/options",
        "firewall/rules",
        "firewall/aliases",
        "firewall/ipset",
    ):
        a[f"nodes/pve1/qemu/101/{k}"] = a[f"nodes/pve1/qemu/100/{k}"]
    return _api_scan(monkeypatch, capsys, a)[("HVA-058", "web-01")]


ROOT = "(qemu-server runs QEMU as root, with no per-VM AppArmor or SELinux label)"


@pytest.mark.parametrize(
    ("share", "volume", "file"),
    [
        (
            "/var/lib/vz",
            "local:101/vm-101-disk-0.qcow2",
            "/var/lib/vz/images/101/vm-101-disk-0.qcow2",
        ),
        (
            "/srv/nas/images",
            "nas:101/vm-101-disk-0.qcow2",
            "/srv/nas/images/101/vm-101-disk-0.qcow2",
        ),
        (
            "/srv/nas",
            "nas:base-100-disk-0.qcow2/101/vm-101-disk-0.qcow2",
            "/srv/nas/images/101/vm-101-disk-0.qcow2",
        ),
    ],
    ids=["local", "nas-images", "linked-clone"],
)
def test_r33p_7_share_holding_another_vm_image(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    share: str,
    volume: str,
    file: str,
) -> None:
    """Was pass "shared directories read-only or with mapped ownership": a 9p share of `args:`
    was never compared with the other VMs' disks (on libvirt it gets no AppArmor rule; on
    Proxmox VE QEMU runs as root, unconfined: HVA-310), and a volume `STORAGE:VOLNAME` had no
    host file (pve-storage Plugin.pm filesystem_path: PATH/images/VMID/NAME). The guest reads
    and writes db-01's disk through the share."""
    assert _share(monkeypatch, capsys, share, volume) == (
        "fail",
        f"disk images of other VMs in the host directories it shares: {share} (VM db-01: "
        f"{file}): the guest reaches them through the share {ROOT}",
    )


def test_r33p_7_volume_of_a_hidden_storage_is_asked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass: `nas` hidden from the token (R30P-3) may be a dir storage under /srv/nas."""
    assert _share(monkeypatch, capsys, "/srv/nas", "nas:101/vm-101-disk-0.qcow2", False) == (
        "manual",
        "disk volume(s) of other VMs on storage(s) the evidence does not hold (VM db-01: volume "
        f"nas:101/vm-101-disk-0.qcow2 of storage nas; {PARTIAL}): where their files are is not "
        "known, and the directories this VM shares may hold them",
    )


@pytest.mark.parametrize(
    ("share", "volume"),
    [("/srv/nas", "local:101/vm-101-disk-0.qcow2"), ("/srv/nas", "local-lvm:vm-101-disk-0")],
    ids=["other-storage", "lvm-thin"],
)
def test_r33p_7_held(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], share: str, volume: str
) -> None:
    """Held: an image under /var/lib/vz, and an LVM thin volume (a device node, not a file in
    the share), are not in /srv/nas: pass."""
    assert _share(monkeypatch, capsys, share, volume) == (
        "pass",
        f"shared directories read-only or with mapped ownership: {share}",
    )


# --- R33P-8: the same share and an image on a network storage, db-01 on another node ---------------


def _cluster_share(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    volume: str,
    share: str = "/mnt/pve/nas",
) -> tuple[str, str]:
    """HVA-058 of web-01 (VM 100 on pve1) sharing `share` by 9p with mapped ownership, on
    pve+api://pve.example:8006 (the whole cluster, round 29's `_cluster_scan` shape), db-01 (VM
    101) on node pve2 with scsi0 `volume`; storage `nas` is an NFS storage mounted at
    /mnt/pve/nas, `store` a dir storage at /srv/store (each node's own)."""
    import json

    import proxmoxer

    from hvaudit.cli import main
    from test_redteam28_proxmox_probes import (
        AUDITOR,
        SECRET,
        TOKEN,
        TOP,
        USER_ACL,
        VM100,
        _acl,
        _answers,
    )

    a = _answers(dict.fromkeys(TOP, AUDITOR), [USER_ACL, _acl("/", "PVEAuditor")], ["qemu/100"])
    a["access/roles"] = [{"roleid": "NodeAudit", "privs": "Sys.Audit"}]
    a["nodes"] = [{"node": "pve1", "status": "online"}, {"node": "pve2", "status": "online"}]
    a["cluster/resources"].append(
        {"type": "qemu", "vmid": 101, "node": "pve2", "status": "running"}
    )
    a["storage"] += [
        {
            "storage": "nas",
            "type": "nfs",
            "server": "10.0.0.9",
            "export": "/export/vm",
            "path": "/mnt/pve/nas",
            "content": "images",
        },
        {"storage": "store", "type": "dir", "path": "/srv/store", "content": "images"},
    ]
    a["nodes/pve1/qemu/100/config"] = VM100 | {
        "args": f"-virtfs local,path={share},mount_tag=x,security_model=mapped-xattr"
    }
    for key in list(a):
        if key.startswith("nodes/pve1/") and "/qemu/" not in key and "/lxc/" not in key:
            a[key.replace("pve1", "pve2", 1)] = a[key]
    a["nodes/pve2/qemu/101/config"] = VM100 | {"name": "db-01", "scsi0": f"{volume},size=8G"}
    for k in (
        "pending",
        "firewall/options",
        "firewall/rules",
        "firewall/aliases",
        "firewall/ipset",
    ):
        a[f"nodes/pve2/qemu/101/{k}"] = a[f"nodes/pve1/qemu/100/{k}"]

    class FakeApi:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def get(self, path: str, **params: object) -> object:
            if path in a:
                return json.loads(json.dumps(a[path]))
            raise proxmoxer.core.ResourceException(501, "Not Implemented", "")

    monkeypatch.setattr(proxmoxer, "ProxmoxAPI", FakeApi)
    monkeypatch.setenv("HVAUDIT_PVE_TOKEN", f"{TOKEN}={SECRET}")
    main(["scan", "--connect", "pve+api://pve.example:8006", "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    got = {
        (r["check_id"], r["subject"]["name"]): (r["status"], r["message"])
        for r in json.loads(out)["results"]
    }
    return got[("HVA-058", "web-01")]


def test_r33p_8_image_on_network_storage_of_another_node(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass "shared directories read-only or with mapped ownership": R33P-7 compared the
    VMs of web-01's own node alone, but pve-storage mounts an NFS storage at its `path` on every
    node (NFSPlugin.pm activate_storage, nfs_mount), so db-01's image on pve2 is a file in the
    directory web-01 shares on pve1."""
    assert _cluster_share(monkeypatch, capsys, "nas:101/vm-101-disk-0.qcow2") == (
        "fail",
        "disk images of other VMs in the host directories it shares: /mnt/pve/nas (VM db-01 on "
        "pve2: /mnt/pve/nas/images/101/vm-101-disk-0.qcow2): the guest reaches them through the "
        f"share {ROOT}",
    )


def test_r33p_8_held_dir_storage_of_another_node(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: a dir storage is each node's own directory: db-01's image on pve2 is not in
    pve1's /srv/store."""
    got = _cluster_share(monkeypatch, capsys, "store:101/vm-101-disk-0.qcow2", "/srv/store")
    assert got == ("pass", "shared directories read-only or with mapped ownership: /srv/store")


# --- R33P-9: the same share holding a container's rootfs -------------------------------------------


@pytest.mark.parametrize(
    ("rootfs", "want"),
    [
        (
            "local:300/vm-300-disk-0.raw",
            (
                "fail",
                "disk images of other VMs or containers in the host directories it shares: "
                "/var/lib/vz (container dns-01: /var/lib/vz/images/300/vm-300-disk-0.raw): the "
                f"guest reaches them through the share {ROOT}",
            ),
        ),
        (
            "local-lvm:vm-300-disk-0",
            ("pass", "shared directories read-only or with mapped ownership: /var/lib/vz"),
        ),
    ],
    ids=["dir-storage", "held-lvm-thin"],
)
def test_r33p_9_share_holding_a_container_rootfs(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    rootfs: str,
    want: tuple[str, str],
) -> None:
    """Was pass "shared directories read-only or with mapped ownership": a container's rootfs
    on the dir storage `local` is /var/lib/vz/images/300/vm-300-disk-0.raw (pve-storage
    Plugin.pm filesystem_path), which web-01's guest writes through its 9p share of
    /var/lib/vz, QEMU running as root (HVA-310): it can rewrite the container's root file
    system. Held: an LVM thin rootfs is a device node, no file in the share."""
    from test_redteam28_proxmox_probes import (
        AUDITOR,
        CT300,
        TOP,
        USER_ACL,
        VM100,
        _acl,
        _answers,
        _api_scan,
    )

    a = _answers(
        dict.fromkeys(TOP, AUDITOR), [USER_ACL, _acl("/", "PVEAuditor")], ["qemu/100", "lxc/300"]
    )
    a["access/roles"] = [{"roleid": "NodeAudit", "privs": "Sys.Audit"}]
    a["storage"].append(
        {"storage": "local", "type": "dir", "path": "/var/lib/vz", "content": "iso,rootdir"}
    )
    a["nodes/pve1/qemu/100/config"] = VM100 | {
        "args": "-virtfs local,path=/var/lib/vz,mount_tag=x,security_model=mapped-xattr"
    }
    a["nodes/pve1/lxc/300/config"] = CT300 | {"rootfs": f"{rootfs},size=4G"}
    assert _api_scan(monkeypatch, capsys, a)[("HVA-058", "web-01")] == want
