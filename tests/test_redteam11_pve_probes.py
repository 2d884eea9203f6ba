r"""Red team 11, Proxmox VE: probes of qm.conf device keys (no false pass).

Findings (each pinned below):

- P11-1 (false pass): qemu-server gives a VM the USB tablet unless `tablet: 0`, a qxl display
  (vga_conf_has_spice) or a serial terminal (`vga: serialN`) turns it off (QemuServer.pm
  config_to_command, github:proxmox/qemu-server): `$tablet = 0 if $qxlnum; $tablet = 0 if
  $vga->{type} =~ m/^serial\d+$/`. hvaudit took `vga: none` to turn it off too, so a q35 VM
  without a display but with the USB tablet passed HVA-047.
- P11-2 (other: wrong reason, and a redirection counted as a host device): qm.conf usbN's
  `host` is the default key (USB.pm $usb_fmt `default_key => 1`), so `usb0: 046d:c52b` and
  `usb0: 1-2.3` pass a host USB device through (get_usb_devices: usb-host for anything but
  `spice`); hvaudit saw a USB device only where `host=` or `mapping=` was written, and said
  "no device passthrough" (HVA-050) of a VM holding one; `usb0: host=spice` (a usb-redir
  device) was listed as a passed-through host device named "spice".
- P11-3 (false pass, quirk): /etc/default/pveproxy is sourced by bash (pve-http-server
  PVE::APIServer::Utils read_proxy_config), whose lines end at \n and whose blanks are space and
  tab; hvaudit split at any Unicode line break and stripped any whitespace, so a comment
  `# note<FF>DENY_FROM="all"` (one comment to bash) denied the rest (HVA-305 pass, where every
  address outside ALLOW_FROM is served: fail now), and a vertical tab or CRLF line ends, which
  leave a value pveproxy refuses (Net::IP, `die "unknown policy"`), passed (a question now).
- P11-4 (false pass, quirk): datacenter.cfg read as pve-common's JSONSchema parse_config reads it
  (`while ($raw =~ /^\s*(.+?)\s*$/gm)`: lines end at \n only): a comment `# was secure<FF>
  migration: secure,...` after `migration: insecure,...` is one comment there, so migration
  runs insecure; hvaudit split at the form feed, took the later `migration: secure` and passed
  HVA-308.
- P11-5 (false pass, quirk): user.cfg read as pve-access-control's parse_user_config reads it:
  lines end at \n, and each `:` field is trimmed of Perl's `\s` on the file's bytes (PVE::Cluster
  get_config hands the parser undecoded bytes), so `user:mallory@pve:<NBSP>0:...` is enabled
  (`$enable ? 1 : 0`, the field `\xc2\xa00`); hvaudit's str.strip() made it "0", left the
  Administrator out of HVA-306 and passed.
- P11-6 (false pass): HVA-100 passed every network storage of storage.cfg ("netfs pool: images
  live off the host") without reading its server: the model's pools carried no source host on
  Proxmox VE, so an NFS ISO library served by the node itself (`server 127.0.0.1`), or an iSCSI
  portal on it, passed. The servers are read now by pve-storage's properties (NFS/CIFS/GlusterFS
  `server`, `server2`; iSCSI `portal`; RBD/CephFS `monhost`).
- P11-7 (false pass): an rbd or cephfs storage without `monhost` is the Ceph cluster pveceph runs
  on the Proxmox VE nodes (pve-storage CephConfig.pm ceph_connect_option: `$pveceph_managed =
  !defined($scfg->{monhost})`, /etc/pve/ceph.conf), the usual home of a hyperconverged cluster's
  ISO images (cephfs); HVA-100 passed it "images live off the host". Now the question whether
  OSDs on the node hold its placement groups, unless the node's processes show no ceph-osd.
- P11-8 (false pass): qm.conf netN's long form `model=rtl8139,macaddr=...` (qemu-server
  Network.pm $net_fmt: `model` is the default key, each model name a keyAlias of it holding the
  MAC) was read as a NIC of no model: HVA-047 passed an rtl8139 NIC, and the NIC was named by
  its bridge instead of its MAC.

Probes that held (pinned: `vga: qxl` / `vga: serial0` turn the tablet off; an NFS server off the
node and an external Ceph cluster pass HVA-100; run, not pinned): `cipassword` is blanked in the
bundle in every spelling tried (no blank after the colon, upper case, tab-indented, CRLF, in
`[special:cloudinit]`, quoted, a `#` or `;` in the value), and the API masks it itself (API2/Qemu.pm
vm_config and vm_pending: `**********`); pveproxy's PROXY_REAL_IP_HEADER does not widen ALLOW_FROM
(AnyEvent.pm accept_connections checks the peer address; the header only feeds the log);
`usb0: SPICE` is no redirection (get_usb_devices matches `m/^spice$/`, print_usbdevice_full dies:
the VM does not start).

Left undone (leads): an i440FX VM with `efitype=4m,pre-enrolled-keys=1` gets OVMF_CODE_4M.fd
without SMM (OVMF.pm get_ovmf_files `4m-no-smm-ms`, smm = q35), and an `amd-sev` std/es VM the
SEV vars without keys (`4m-sev`), where HVA-066 (guest Secure Boot) passes on the efidisk alone (what the
non-SMM image enforces needs pve-edk2-firmware's build flags); `hostpciN: ...,mdev=TYPE` is judged
as a whole function (HVA-050/193/194) though QEMU gets an mdev (`vfio-pci,sysfsdev=/sys/bus/mdev/
...`), except an NVIDIA `nvidia-NN` type that PCI.pm turns into a VF (host facts decide); `vga:
virtio-gl` (virglrenderer in QEMU) and a `hookscript` (run as root at each start) have no check.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_redteam2_probes import PVE_HARDENED, pve_result
from test_redteam2_probes import pve_scan as dir_scan

VM200 = (PVE_HARDENED / "etc/pve/qemu-server/200.conf").read_text()
NO_LEGACY = (
    "no floppy, IDE, sound, USB redirection, smartcard, rtl8139/ne2k/pcnet NIC, cirrus or vmvga (VMware SVGA) "
    "video or USB tablet, mouse or keyboard"
)


def _vm(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> dict:
    return dir_scan(tmp_path, capsys, {"etc/pve/qemu-server/200.conf": text})


# --- P11-1: vga: none keeps the USB tablet ---------------------------------------------------------


def test_p11_1_vga_none_keeps_the_usb_tablet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass. QemuServer.pm config_to_command: `my $tablet = $conf->{tablet}; if
    (!defined($tablet)) { $tablet = $defaults->{tablet}; $tablet = 0 if $qxlnum; $tablet = 0 if
    $vga->{type} =~ m/^serial\\d+$/; }` (confdesc tablet `default => 1`): `vga: none` is
    neither, so the VM runs `-device usb-tablet`."""
    assert "vga: std\ntablet: 0\n" in VM200
    report = _vm(tmp_path, capsys, VM200.replace("vga: std\ntablet: 0\n", "vga: none\n"))
    assert pve_result(report, "HVA-047", "web-10") == (
        "fail",
        "emulated legacy devices: USB tablet",
    )


@pytest.mark.parametrize("vga", ["qxl", "serial0"])
def test_p11_1_held_qxl_and_serial_terminal_turn_the_tablet_off(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], vga: str
) -> None:
    """Held: the two cases config_to_command turns the default tablet off."""
    report = _vm(tmp_path, capsys, VM200.replace("vga: std\ntablet: 0\n", f"vga: {vga}\n"))
    assert pve_result(report, "HVA-047", "web-10") == ("pass", NO_LEGACY)


# --- P11-2: usbN's default key is the host device --------------------------------------------------


@pytest.mark.parametrize("device", ["046d:c52b", "1-2.3"])
def test_p11_2_a_usb_device_without_host_key_is_passed_through(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], device: str
) -> None:
    """Was n/a "no device passthrough". USB.pm $usb_fmt: host `default_key => 1`, pattern
    `vendor_id:product_id` or `bus-port(.port)*`; get_usb_devices -> print_usbdevice_full
    `usb-host,vendorid=...` / `hostbus=...,hostport=...`."""
    report = _vm(tmp_path, capsys, VM200 + f"usb0: {device}\n")
    assert pve_result(report, "HVA-050", "web-10") == (
        "not_applicable",
        "no DMA-capable (PCI) passthrough: usb devices stay host-mediated",
    )
    assert pve_result(report, "HVA-047", "web-10") == ("pass", NO_LEGACY)


def test_p11_2_host_spice_is_redirection_not_a_host_device(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was "usb devices stay host-mediated" (a host device named spice). get_usb_devices: `if
    ($d->{host} && $d->{host} =~ m/^spice$/)` makes `-chardev spicevmc` and `usb-redir`, no
    usb-host device."""
    report = _vm(tmp_path, capsys, VM200 + "usb0: host=spice\n")
    assert pve_result(report, "HVA-050", "web-10") == ("not_applicable", "no device passthrough")
    assert pve_result(report, "HVA-047", "web-10") == (
        "fail",
        "emulated legacy devices: USB redirection",
    )


# --- P11-3: /etc/default/pveproxy lines as bash reads them -----------------------------------------

PVEPROXY = "etc/default/pveproxy"
BOTH_FAMILIES_OPEN = (
    "IPv4 addresses outside ALLOW_FROM and DENY_FROM are admitted; IPv6 addresses outside "
    "ALLOW_FROM and DENY_FROM are admitted"
)


def test_p11_3_a_comment_runs_on_past_a_form_feed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass. pve-http-server PVE::APIServer::Utils read_proxy_config evaluates the file with
    bash (`. $conffile`, then `echo "DENY_FROM:$DENY_FROM"`); bash ends a line (and a comment)
    at a newline only, so `# deny the rest<FF>DENY_FROM="all"` is one comment, DENY_FROM stays
    empty (`next if ... $value eq ''`), and with POLICY allow every address outside ALLOW_FROM
    is served (AnyEvent.pm check_host_access: no match -> policy). Checked with bash 5: the
    file below sources to `DENY_FROM:` empty."""
    text = 'ALLOW_FROM="10.0.0.0/8"\n# deny the rest\x0cDENY_FROM="all"\nPOLICY="allow"\n'
    report = dir_scan(tmp_path, capsys, {PVEPROXY: text})
    assert pve_result(report, "HVA-305", "pve-h1") == ("fail", BOTH_FAMILIES_OPEN)


@pytest.mark.parametrize(
    ("text", "values"),
    [
        (
            'ALLOW_FROM="10.0.0.0/8"\x0bDENY_FROM="all"\nPOLICY="allow"\n',
            "ALLOW_FROM '10.0.0.0/8\\x0bDENY_FROM=all', DENY_FROM '', POLICY 'allow'",
        ),
        (
            'ALLOW_FROM="10.0.0.0/8"\r\nDENY_FROM="all"\r\nPOLICY="allow"\r\n',
            "ALLOW_FROM '10.0.0.0/8\\r', DENY_FROM 'all\\r', POLICY 'allow\\r'",
        ),
    ],
    ids=["vertical-tab-is-no-blank", "crlf"],
)
def test_p11_3_a_character_bash_keeps_in_the_word_is_no_address(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, values: str
) -> None:
    """Was pass. bash's blanks are space and tab: a vertical tab or a \\r after the closing quote
    is part of the value (ALLOW_FROM `10.0.0.0/8<VT>DENY_FROM=all`, POLICY `allow<CR>`), which
    read_proxy_config refuses (`Net::IP->new(...) || die`; `die "unknown policy"`): pveproxy
    does not run this file, so the answer is a question."""
    report = dir_scan(tmp_path, capsys, {PVEPROXY: text})
    assert pve_result(report, "HVA-305", "pve-h1") == (
        "manual",
        f"/etc/default/pveproxy: {values} hold a value hvaudit cannot read as pveproxy does",
    )


# --- P11-4: datacenter.cfg lines as pve-common parse_config reads them ------------------------------


def test_p11_4_a_form_feed_in_a_datacenter_comment_opens_no_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass. pve-common PVE::JSONSchema parse_config (DataCenterConfig.pm parses
    datacenter.cfg with it): `while ($raw =~ /^\\s*(.+?)\\s*$/gm)`, `.` stops only at \\n, and
    `next if $handle_comment->($line)` (`/^#/`): the second `migration:` is inside a comment."""
    text = (
        "keyboard: en-us\nmigration: insecure,network=10.0.2.0/24\n"
        "# was secure\x0cmigration: secure,network=10.0.2.0/24\n"
    )
    report = dir_scan(tmp_path, capsys, {"etc/pve/datacenter.cfg": text})
    assert pve_result(report, "HVA-308", "pve-h1") == (
        "fail",
        "migration type insecure (migration): guest memory crosses the network in cleartext",
    )


# --- P11-5: user.cfg fields as parse_user_config trims them ----------------------------------------

USERCFG = (PVE_HARDENED / "etc/pve/user.cfg").read_text()


def test_p11_5_a_no_break_space_in_the_enable_field_enables_the_user(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass. AccessControl.pm parse_user_config: `foreach my $d (split(/:/, $line)) { $d =~
    s/^\\s+//; $d =~ s/\\s+$//; ... }` then `$enable = $enable ? 1 : 0`; the bytes C2 A0 30 are
    no blank to Perl (PVE::Cluster cfs_read_file passes get_config's bytes undecoded), so the
    field is true and mallory, an Administrator on `/` with no second factor, logs in."""
    text = USERCFG + "user:mallory@pve:\u00a00:0:::::\nacl:1:/:mallory@pve:Administrator:\n"
    report = dir_scan(tmp_path, capsys, {"etc/pve/user.cfg": text})
    assert pve_result(report, "HVA-306", "pve-h1") == (
        "fail",
        "administrators without a second factor: mallory@pve",
    )


# --- P11-6: a network storage's server is read ------------------------------------------------------

STORAGE = (PVE_HARDENED / "etc/pve/storage.cfg").read_text()


@pytest.mark.parametrize(
    ("text", "pool", "message"),
    [
        (
            STORAGE.replace("server images.example.internal", "server 127.0.0.1"),
            "iso-library",
            "netfs pool served by 127.0.0.1: this host itself, so the images stay on the "
            "hypervisor",
        ),
        (
            STORAGE + "\niscsi: lun\n\tportal [::1]:3260\n\ttarget iqn.2026-01.org.example:iso\n",
            "lun",
            "iscsi pool served by ::1: this host itself, so the images stay on the hypervisor",
        ),
    ],
    ids=["nfs-server-loopback", "iscsi-portal-loopback-with-port"],
)
def test_p11_6_a_network_storage_served_by_the_node_keeps_images_on_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, pool: str, message: str
) -> None:
    """Was pass "images live off the host". pve-storage NFSPlugin `server` ("Server IP or DNS
    name."), ISCSIPlugin `portal` ("iSCSI portal (IP or DNS name with optional port).",
    pve-storage-portal-dns): the storage's data comes from that host. An iSCSI storage holds
    VM disks only (ISCSIPlugin content `images`, P16-4), so the LUN holds a template's disk
    (VM 202, `template: 1`): an image library by use."""
    template = "name: tpl\ntemplate: 1\nscsi0: lun:0.0.1.scsi-36001405aa,size=8G\n"
    report = dir_scan(
        tmp_path,
        capsys,
        {"etc/pve/storage.cfg": text, "etc/pve/qemu-server/202.conf": template},
    )
    assert pve_result(report, "HVA-100", pool) == ("fail", message)


def test_p11_6_held_a_remote_server_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: the fixture's ISO library on images.example.internal, not this node."""
    report = dir_scan(tmp_path, capsys, {})
    assert pve_result(report, "HVA-100", "iso-library") == (
        "pass",
        "netfs pool: images live off the host",
    )


# --- P11-7: a pveceph-managed Ceph storage is on the nodes -----------------------------------------

CEPH_QUESTION = (
    "Are the Ceph OSDs that hold placement groups of the Ceph pool behind storage {0} all on "
    "nodes other than pve-h1? "
    "Evidence: `ceph pg ls-by-pool POOL` (POOL is the storage's `pool` in /etc/pve/storage.cfg, "
    "or the CephFS data pool) and `ceph osd tree` (the host of each OSD). Pass: yes, none of them "
    "is on pve-h1; fail: no, one is, so images are stored on the hypervisor's own disks."
)


def _template(storage: str) -> dict[str, str]:
    """VM 202, a template whose disk is on `storage`: that storage is an image library by use."""
    return {
        "etc/pve/qemu-server/202.conf": f"name: tpl\ntemplate: 1\nscsi0: {storage}:base-202-disk-0,"
        "size=8G\n"
    }


@pytest.mark.parametrize(
    ("stanza", "pool"),
    [
        ("cephfs: cephfs\n\tpath /mnt/pve/cephfs\n\tcontent iso,vztmpl,backup\n", "cephfs"),
        ("rbd: ceph-vm\n\tpool vm\n\tcontent images\n", "ceph-vm"),
    ],
    ids=["cephfs", "rbd"],
)
def test_p11_7_ceph_storage_without_monhost_is_on_the_nodes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], stanza: str, pool: str
) -> None:
    """Was pass "images live off the host". pve-storage CephConfig.pm ceph_connect_option:
    `my $pveceph_managed = !defined($scfg->{monhost}); $cmd_option->{ceph_conf} =
    '/etc/pve/ceph.conf' if $pveceph_managed;` ("assuming pveceph managed cluster"). The copy
    of /etc read here shows no processes, so whether ceph-osd runs on the node is not known.
    An rbd storage holds VM and container disks only (RBDPlugin content: `images`, `rootdir`;
    Plugin.pm decode_value drops `iso`, P16-4): it is a library by a template's disk (VM 202)."""
    report = dir_scan(
        tmp_path, capsys, {"etc/pve/storage.cfg": STORAGE + "\n" + stanza, **_template(pool)}
    )
    r = next(
        r for r in report["results"] if (r["check_id"], r["subject"]["name"]) == ("HVA-100", pool)
    )
    assert (r["status"], r["message"], r["question"]) == (
        "manual",
        "Ceph storage without monhost: the Ceph cluster pveceph runs on the Proxmox VE nodes "
        "(/etc/pve/ceph.conf); whether OSDs on this node store its objects is not in the "
        "evidence",
        CEPH_QUESTION.format(pool),
    )


def test_p11_7_held_an_external_ceph_cluster_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: with `monhost` (an external cluster: "IP addresses of monitors (for external
    clusters)", RBDPlugin) on other hosts, the images (a template's disk, VM 202) live off the
    node."""
    stanza = "rbd: ceph-ext\n\tpool vm\n\tmonhost 10.9.9.9\n\tcontent images\n"
    report = dir_scan(
        tmp_path, capsys, {"etc/pve/storage.cfg": STORAGE + "\n" + stanza, **_template("ceph-ext")}
    )
    assert pve_result(report, "HVA-100", "ceph-ext") == (
        "pass",
        "rbd pool: images live off the host",
    )


# --- P11-8: netN's long form model=...,macaddr=... ----------------------------------------------------


def test_p11_8_the_long_form_of_a_nic_names_its_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass. qemu-server Network.pm $net_fmt: `model => { ..., enum => $nic_model_list,
    default_key => 1 }` and `(map { $_ => { keyAlias => 'model', alias => 'macaddr' } }
    @$nic_model_list)`: `model=rtl8139,macaddr=X` and `rtl8139=X` are one NIC."""
    text = VM200.replace(
        "net0: virtio=BC:24:11:00:00:20,", "net0: model=rtl8139,macaddr=BC:24:11:00:00:20,"
    )
    assert text != VM200
    report = _vm(tmp_path, capsys, text)
    assert pve_result(report, "HVA-047", "web-10") == (
        "fail",
        "emulated legacy devices: rtl8139 NIC",
    )
