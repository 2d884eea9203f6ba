"""Red team 16, Proxmox VE: qemu-server's, pve-access-control's and pve-storage's defaults.

Findings (each pinned below; sources from github:proxmox/qemu-server e6352be6,
pve-access-control 5ccd07d, pve-storage 0c56bad and pve-container, read with `fetch`):

- P16-1 (false pass): HVA-047 took a VM without a `vga` type as `std`; qemu-server's
  get_vga_properties gives Windows before Vista (ostype wxp, w2k, w2k3) and, on a machine
  pinned before 2.9, every guest but Windows Vista and later the cirrus VGA: `ostype: wxp`
  without `vga` passed "no ... cirrus video". Fails now, naming the default.
- P16-2 (false pass): HVA-312 read a realm's type from domains.cfg as written; PVE::Auth::Plugin
  parse_config forces the realms `pve` and `pam` to their own types and adds them when absent,
  so an Administrator `ops@pve` passed "no privileged pam or pve user" when domains.cfg had no
  `pve:` section or said `ldap: pve`. Fails now.
- P16-3 (false pass, and a wrong n/a): pve-storage Plugin.pm parse_config puts its own `local`
  (dir /var/lib/vz holding iso, vztmpl, backup, images, rootdir, snippets) in place of a
  storage.cfg `local` that is missing, not of type dir, or of another path; hvaudit read the
  file as written: `nfs: local` passed HVA-100 "netfs pool: images live off the host", a `dir:
  local` of path /srv/local was n/a "holds backup, snippets", and a file without `local` left
  the node's library out. Each fails now as the dir pool at /var/lib/vz.
- P16-4 (wrong fail): a storage without `content` holds its plugin's default (parse_config
  `$d->{content} = $def->{content}->[1]`: images and rootdir for dir, btrfs, zfspool), never ISO
  images or templates; HVA-100 failed `dir: fast` without `content` "keeps images on the host".
  Not applicable now ("holds images"); so is a `content` word the type does not support
  (Plugin.pm decode_value drops it: `lvm` listing iso), which P11-6/P11-7's iscsi and rbd
  probes relied on (they now put a template's disk there).
- P16-5 (false pass): HVA-314 passed a container with `features: mount=nfs;cifs` "unprivileged,
  Proxmox's AppArmor profile, no nesting ..."; pve-container make_apparmor_config adds a
  `mount fstype=` rule per listed type to the generated profile, and its own description says
  the feature "can have negative effects on the container's security" (a loop-mounted file
  circumvents the devices cgroup's mknod rule, an NFS mount can block the host's I/O). Fails
  now, as nesting does.

Probes that held (pinned): `ostype: win11` and `w2k8`, a `vga` setting only memory, and a
machine of 2.9 keep `std`; the hardened domains.cfg (pam, pve, ad corp); a `dir: local` at
/var/lib/vz as written; a dir storage listing iso still fails; `features: mount=0`. Read, not
pinned: a `[PENDING]` `vga: cirrus`, `delete: tablet` or `ostype: wxp` fails HVA-047 at the next
start; raw `-virtfs`, `-fsdev`, ivshmem and chardev servers in `args:` fail HVA-058/057/031;
datacenter.cfg `http_proxy` credentials, storage passwords and `cipassword` are redacted in the
bundle; SEV `no-debug` is read per type as CPUConfig.pm sets the policy bit (bit 0, or SNP's
bit 19); an explicit `lxc.apparmor.profile: generated` fails rightly (make_apparmor_config then
drops Proxmox's `deny mount -> /proc/, /sys/` lines).

Tally: 20 cases; 12 failed on main (d25c728) before this round's fixes, 8 held. Four cases of
test_redteam11/12 (P11-6's iSCSI, P11-7's rbd twice, P12-2) listed `content iso` on storages
whose type cannot hold it (P16-4) and now put a template's disk there instead.

Leads left: a `-sport` of at most half the ports narrows HVA-301/313 (and HVA-190's reading of
iptables/nft), but the sender chooses its source port: `IN ACCEPT -p udp -sport 53` admits every
UDP port to anyone sending from port 53 (a project-wide reading, parse/firewall.py judges
--sport as --dport); `vga: qxl*`, `virtio` and `virtio-gl` start `-spice tls-port=N,addr=
<localhost>` (config_to_command `$is_spice = $qxlnum || $vga->{type} =~ /^virtio/`), a TCP
listener on loopback reached through spiceproxy with a per-connection ticket, which hvaudit
models as a UNIX socket /var/run/qemu-server/<vmid>.spice (qxl) or not at all (virtio); host
devices outside hostpci/usb (`serialN: /dev/ttyS0`, `parallelN: /dev/parport0`, a drive
`cdrom`, the node's optical drive) are judged by no check (libvirt's `<serial type='dev'>`
neither); container features `fuse` (bind-mounts the node's /dev/fuse and adds `mount
fstype=fuse`), `mknod` and `force_rw_sys` are listed in HVA-314's pass only; a user whose realm
was removed from domains.cfg keeps working API tokens (verify_token checks the user, not its
realm), which HVA-312 does not name; parse_user_config drops a user whose `expire` is not
digits, which hvaudit keeps as never expiring (wrong fail at worst); corosync.conf with two
`totem` sections is read as none (fail) where corosync merges them; a template VM (`template:
1`) starts only for backups with `vga: none` and most options dropped, yet the VM checks judge
it as a VM; a `dir` storage with `shared 1` or `is_mountpoint` on a network mount made outside
Proxmox VE (fstab NFS) fails HVA-100 as on the node, where /proc/mounts would settle it; the
default `scsihw` lsi (lsi53c895a) is in no legacy-device list.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan

VM200 = (PVE_HARDENED / "etc/pve/qemu-server/200.conf").read_text()
DOMAINS = (PVE_HARDENED / "etc/pve/domains.cfg").read_text()
USER_CFG = (PVE_HARDENED / "etc/pve/user.cfg").read_text()
STORAGE_CFG = (PVE_HARDENED / "etc/pve/storage.cfg").read_text()
CT300 = (PVE_HARDENED / "etc/pve/lxc/300.conf").read_text()
LOCAL = "dir: local\n\tpath /var/lib/vz\n\tcontent backup,snippets\n"


# --- P16-1: qemu-server's default display is cirrus for old Windows and old machines ---------------


@pytest.mark.parametrize(
    ("edit", "why"),
    [
        (("ostype: l26", "ostype: wxp"), "ostype wxp without a vga type"),
        (("ostype: l26", "ostype: w2k3"), "ostype w2k3 without a vga type"),
        (
            ("machine: q35", "machine: pc-q35-2.8"),
            "machine pc-q35-2.8, before 2.9, without a vga type",
        ),
    ],
    ids=["wxp", "w2k3", "machine-2.8"],
)
def test_p16_1_default_display_is_cirrus(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: tuple[str, str], why: str
) -> None:
    """Was pass "no floppy, IDE, sound, USB redirection, smartcard, rtl8139/ne2k/pcnet NIC,
    cirrus video or USB tablet, mouse or keyboard". qemu-server QemuServer.pm
    get_vga_properties: without a `vga` type, `min_version($machine_version, 2, 9) ?
    (!$winversion || $winversion >= 6) : ($winversion >= 6)` picks `std`, else `cirrus`;
    Helpers.pm windows_version makes wxp, w2k and w2k3 version 5; Machine.pm
    extract_version_parts reads `pc-q35-2.8` as 2.8. $vga_map: 'cirrus' => 'cirrus-vga'."""
    conf = VM200.replace(*edit).replace("vga: std\n", "")
    report = pve_scan(tmp_path, capsys, {"etc/pve/qemu-server/200.conf": conf})
    assert pve_result(report, "HVA-047", "web-10") == (
        "fail",
        f"emulated legacy devices: cirrus video (qemu-server's default for {why})",
    )


@pytest.mark.parametrize(
    "edit",
    [
        ("ostype: l26", "ostype: win11"),
        ("ostype: l26", "ostype: w2k8"),
        ("vga: std", "vga: memory=32"),
        ("machine: q35", "machine: pc-q35-2.9"),
    ],
    ids=["win11", "w2k8-vista", "memory-only-l26", "machine-2.9"],
)
def test_p16_1_held_default_display_is_std(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: tuple[str, str]
) -> None:
    """Held twins: Windows 11 and w2k8 (windows_version 11 and 6), a Linux guest whose `vga`
    sets only memory, and a machine of 2.9 get `std`: HVA-047's pass stays."""
    conf = VM200.replace(*edit)
    if edit[0] != "vga: std":
        conf = conf.replace("vga: std\n", "")
    report = pve_scan(tmp_path, capsys, {"etc/pve/qemu-server/200.conf": conf})
    assert pve_result(report, "HVA-047", "web-10") == (
        "pass",
        "no floppy, IDE, sound, USB redirection, smartcard, rtl8139/ne2k/pcnet NIC, cirrus or vmvga "
        "(VMware SVGA) video or USB tablet, mouse or keyboard",
    )


# --- P16-2: the pve and pam realms are always of their own type --------------------------------------

#: An Administrator of the pve realm beside the hardened node's users.
OPS_ADMIN = USER_CFG.replace(
    "acl:1:/:@admins:Administrator:", "acl:1:/:@admins,ops@pve:Administrator:"
).replace("user:audit@pve", "user:ops@pve:1:0::::platform on-call::\nuser:audit@pve")


@pytest.mark.parametrize(
    "domains",
    [
        DOMAINS.replace("pve: pve\n\tcomment Proxmox VE authentication server\n\n", ""),
        DOMAINS.replace("pve: pve", "ldap: pve"),
    ],
    ids=["pve-section-absent", "ldap-pve"],
)
def test_p16_2_pve_realm_is_never_a_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], domains: str
) -> None:
    """Was pass "directory realm(s) corp; no privileged pam or pve user but root@pam" (and
    "corp, pve" for `ldap: pve`). pve-access-control PVE::Auth::Plugin parse_config, "add
    default domains": `$cfg->{ids}->{pve}->{type} = 'pve'; # force type` and pam likewise,
    whatever domains.cfg holds: ops@pve is a local account of the pve realm."""
    report = pve_scan(
        tmp_path, capsys, {"etc/pve/domains.cfg": domains, "etc/pve/user.cfg": OPS_ADMIN}
    )
    assert pve_result(report, "HVA-312", "pve-h1") == (
        "fail",
        "privileged users outside the directory: ops@pve (directory realms: corp)",
    )


def test_p16_2_held_hardened_realms(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Held: the hardened node's domains.cfg (pam, pve, ad corp) and users keep their pass."""
    report = pve_scan(tmp_path, capsys, {})
    assert pve_result(report, "HVA-312", "pve-h1") == (
        "pass",
        "directory realm(s) corp; no privileged pam or pve user but root@pam",
    )


# --- P16-3: pve-storage's own `local` storage ------------------------------------------------------


@pytest.mark.parametrize(
    "local",
    [
        "",
        LOCAL.replace("/var/lib/vz", "/srv/local"),
        "nfs: local\n\texport /export/iso\n\tpath /mnt/pve/local\n\tserver "
        "images.example.internal\n\tcontent iso,vztmpl\n",
    ],
    ids=["absent", "other-path", "nfs-local"],
)
def test_p16_3_local_storage_is_pve_storages_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], local: str
) -> None:
    """Was: no result for `local` (absent), not_applicable "holds backup, snippets" (other
    path), pass "netfs pool: images live off the host" (nfs). pve-storage Plugin.pm
    parse_config, "make sure we have a reasonable 'local:' storage": `if (!$ids->{local} ||
    $ids->{local}->{type} ne 'dir' || ($ids->{local}->{path} && $ids->{local}->{path} ne
    '/var/lib/vz'))` it is replaced by a dir storage at /var/lib/vz with content backup, images,
    iso, rootdir, snippets and vztmpl: the node's own ISO and template library."""
    storage = STORAGE_CFG.replace(LOCAL, local)
    report = pve_scan(tmp_path, capsys, {"etc/pve/storage.cfg": storage})
    assert pve_result(report, "HVA-100", "local") == (
        "fail",
        "dir pool at /var/lib/vz keeps images on the host",
    )


def test_p16_3_held_local_as_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Held: the hardened node's `dir: local` at /var/lib/vz for backups and snippets is kept as
    written (parse_config replaces only another type or path): not applicable."""
    report = pve_scan(tmp_path, capsys, {})
    assert pve_result(report, "HVA-100", "local") == (
        "not_applicable",
        "holds backup, snippets: no ISO images or templates",
    )


# --- P16-4: a storage without `content` holds its plugin's default ---------------------------------


@pytest.mark.parametrize(
    "storage",
    [
        "dir: fast\n\tpath /srv/fast\n",
        "zfspool: tank\n\tpool tank/vm\n",
        "lvm: fast\n\tvgname fast\n\tcontent images,iso\n",
    ],
    ids=["dir", "zfspool", "lvm-listing-iso"],
)
def test_p16_4_storage_without_content_holds_disks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], storage: str
) -> None:
    """Was fail "dir pool at /srv/fast keeps images on the host" ("zfspool pool at (no path)").
    pve-storage Plugin.pm parse_config: `$d->{content} = $def->{content}->[1] if
    !$d->{content}`; DirPlugin's default is `{ images => 1, rootdir => 1 }`, ZFSPoolPlugin's
    the same: VM and container disks, no ISO image or template. A `content` word the type does
    not support is dropped (decode_value: "storage does not support content type 'iso'"):
    LVMPlugin holds images and rootdir only."""
    name = storage.split(": ", 1)[1].split("\n", 1)[0]
    report = pve_scan(tmp_path, capsys, {"etc/pve/storage.cfg": STORAGE_CFG + "\n" + storage})
    assert pve_result(report, "HVA-100", name) == (
        "not_applicable",
        "holds images: no ISO images or templates",
    )


def test_p16_4_held_storage_listing_iso_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: a dir storage whose `content` lists iso keeps its library on the node: fail."""
    storage = "dir: fast\n\tpath /srv/fast\n\tcontent iso\n"
    report = pve_scan(tmp_path, capsys, {"etc/pve/storage.cfg": STORAGE_CFG + "\n" + storage})
    assert pve_result(report, "HVA-100", "fast") == (
        "fail",
        "dir pool at /srv/fast keeps images on the host",
    )


# --- P16-5: the mount feature relaxes the container's AppArmor profile ----------------------------


def test_p16_5_mount_feature_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Was pass "unprivileged, Proxmox's AppArmor profile, no nesting, no host devices or paths
    (features: keyctl, mount=nfs;cifs)". pve-container LXC.pm make_apparmor_config: `if (my
    $mount = $features->{mount}) { ... $raw .= "lxc.apparmor.raw = mount fstype=$fs,\n" }`;
    LXC/Config.pm $features_desc mount: "Note that this can have negative effects on the
    container's security. With access to a loop device, mounting a file can circumvent the
    mknod permission of the devices cgroup, mounting an NFS file system can block the host's I/O
    completely and prevent it from rebooting"."""
    ct = CT300.replace("features: keyctl=1", "features: keyctl=1,mount=nfs;cifs")
    report = pve_scan(tmp_path, capsys, {"etc/pve/lxc/300.conf": ct})
    assert pve_result(report, "HVA-314", "dns-01") == (
        "fail",
        "features mount=nfs;cifs (the AppArmor profile lets the container mount these)",
    )


def test_p16_5_held_mount_zero_adds_no_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: `mount=0` is Perl's false (`if (my $mount = $features->{mount})`: no rule is
    added): the pass stays."""
    ct = CT300.replace("features: keyctl=1", "features: keyctl=1,mount=0")
    report = pve_scan(tmp_path, capsys, {"etc/pve/lxc/300.conf": ct})
    assert pve_result(report, "HVA-314", "dns-01") == (
        "manual",  # R27P-2: the node's AppArmor is not in a copied tree
        "unprivileged, Proxmox's AppArmor profile, no nesting, no host devices or paths "
        "(features: keyctl)"
        "; whether AppArmor is enabled on node pve-h1 is not in the evidence (a copied "
        "configuration tree has no live host to read facts from)",
    )
