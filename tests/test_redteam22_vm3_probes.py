"""Twenty-second red-team review, VM side (rt22vm3): network disks (HVA-238) opened by raw QEMU
arguments, on the leads of tests/test_redteam22_vm_probes.py.

Harness: domains replayed as a daemon with the QEMU driver reports them, <qemu:commandline>
kept (test_redteam3_vm_probes.replayed_domains: the test driver supplies the host, the domain
artefacts are written as collected), assessed by the real parser and engine.

Findings (R22D-n):

- R22D-1 (false n/a) HVA-238: a raw QEMU argument opening a network disk was read only where a
  -drive/-blockdev's `driver`, `file.driver` or the word before `:` of its `file=` was one of
  the protocols; so `-drive file=nbd+tcp://...`, `file=gluster+tcp://...`, the `json:`
  pseudo-protocol (`file=json:{"driver":"nbd",...}`), a -blockdev whose nbd layer sits deeper
  (`backing.driver`, `file.file.driver`) and the image options that take a file name
  (`-cdrom http://...`, `-hda nbd://...`) were "not applicable: no network disks", though QEMU
  reads the guest's disk from a server over them. Sources (read with `find_string`): QEMU
  block/nbd.c nbd_parse_uri `if (!g_strcmp0(uri->scheme, "nbd")) { is_unix = false; } else if
  (!g_strcmp0(uri->scheme, "nbd+tcp")) { is_unix = false; } else if (!g_strcmp0(uri->scheme,
  "nbd+unix")) { is_unix = true; }` and `.protocol_name = "nbd+tcp"`; block/gluster.c `} else
  if (!strcmp(uri->scheme, "gluster+tcp")) { gsconf->type = SOCKET_ADDRESS_TYPE_INET;` and
  `.protocol_name = "gluster+tcp"`; block.c parse_json_filename `ret = strstart(filename,
  "json:", &filename); ... options_obj = qobject_from_json(filename, errp)` and
  path_has_protocol `p = path + strcspn(path, ":/"); return *p == ':';` (no protocol where a
  `/` comes first); vl.c `case QEMU_OPTION_cdrom: drive_add(IF_DEFAULT, 2, optarg,
  CDROM_OPTS);` (the file name becomes the drive's file=, as for -hda, -fda, -sd, -mtdblock,
  -pflash). Now every `driver` key at any depth of -drive/-blockdev, the protocol of its
  file name (transport suffix dropped, json: read for its drivers) and the file name of
  -cdrom, -hdX, -fdX, -sd, -mtdblock and -pflash are read (devices._file_protocols): the VM
  gets HVA-238's question naming the argument.
  The question asked where raw arguments are not observable names the image options too
  (goldens regenerated: that question's text only).

- R22D-2 (false n/a) HVA-238: `-drive file=iser://PORTAL/TARGET/LUN` (QEMU's iSCSI initiator
  over RDMA) was "no network disks": the protocol list lacked it. Source: QEMU block/iscsi.c
  `static BlockDriver bdrv_iser = { .format_name = "iser", .protocol_name = "iser", ...
  .bdrv_parse_filename = iscsi_parse_filename,` (read with `find_string`). Now asked, as an
  iscsi:// argument is.

Held (kept as tests): a local image whose name has a colon after a `/`
(`file=/srv/a:b.qcow2`) and `-cdrom /srv/x.iso` stay "no network disks" (path_has_protocol).

Probed by script, not kept: `-drive file=nbd://...`, `file=iscsi://...`, `file=ssh://...`,
`file.filename=http://...,file.driver=http`, `-blockdev driver=raw,file.driver=nbd` and the
JSON -blockdev with `"file": {"driver": "nbd"}` were already asked.

Tally: 7 cases in 2 test functions; the 5 pinned R22D-1 cases failed on main 42dfe19 before
the fix (the held case passed there too); the R22D-2 case failed on main 6517eb8.

Leads left (not settled in the time):
- A raw `-cdrom http://...` / `-blockdev driver=http` is asked, while a <disk> of protocol
  http fails ("cleartext, unauthenticated"): QEMU's curl http driver has no TLS, so the
  evidence settles the fail; test_vm_leads19.test_raw_network_disk_asks pins the question (a
  team decision to move it).
- A bare image word on QEMU's command line (vl.c `drive_add(IF_DEFAULT, 0, argv[optind++],
  HD_OPTS)`) is not an option and is not read.
- HVA-238 runs on kvm-libvirt only: a Proxmox VE VM on an iscsidirect or ZFS-over-iSCSI
  storage (pve-storage `iscsi://PORTAL/TARGET/LUN`, QEMU's libiscsi, no CHAP option in either
  plugin), a glusterfs storage (gluster://) or an rbd storage with krbd 0 gets no per-VM
  verdict; only HVA-237's host question covers it.
- vhost-user interfaces, vhost-user-fs and vhost-user-blk hand the guest's memory to the
  socket's peer; HVA-057 passes them ("no <shmem> device"); who may connect to a QEMU-side
  server socket is asked by no check. <vsock> (HVA-210) not probed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_assessment
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import QEMU_NS, replayed_domains, verdict


def _raw_domain(name: str, *args: str) -> str:
    words = "".join(f"<qemu:arg value='{a}'/>" for a in args)
    return (
        f"<domain type='kvm' xmlns:qemu='{QEMU_NS}'><name>{name}</name>"
        "<memory unit='MiB'>512</memory><vcpu>1</vcpu>"
        "<os><type arch='x86_64' machine='pc-q35-8.2'>hvm</type></os>"
        f"<qemu:commandline>{words}</qemu:commandline></domain>"
    )


NBD_JSON = '{"driver":"nbd","server":{"type":"inet","host":"192.0.2.5","port":"10809"}}'
RAW = {
    "nbdtcp": ("-drive", "file=nbd+tcp://192.0.2.5:10809/exp,if=virtio"),
    "gluster": ("-drive", "file=gluster+tcp://192.0.2.6/gv0/img.qcow2,if=virtio"),
    "json": ("-drive", f"file=json:{NBD_JSON.replace(',', ',,')},if=virtio"),
    "backing": (
        "-blockdev",
        '{"driver":"qcow2","node-name":"q","file":{"driver":"file","filename":"/srv/o.qcow2"},'
        f'"backing":{NBD_JSON}}}',
    ),
    "cdrom": ("-cdrom", "http://192.0.2.7/install.iso"),
    "iser": ("-drive", "file=iser://192.0.2.8/iqn.2001-04.com.example:t/1,if=virtio"),
    "local": ("-drive", "file=/srv/a:b.qcow2,if=virtio", "-cdrom", "/srv/x.iso"),
}


@pytest.fixture(scope="module")
def raw_disks(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp: Path = tmp_path_factory.mktemp("rt22d")
    return run_assessment(replayed_domains(tmp, {k: _raw_domain(k, *a) for k, a in RAW.items()}))


@pytest.mark.parametrize("vm", ["nbdtcp", "gluster", "json", "backing", "cdrom", "iser"])
def test_r22d_1_raw_network_disk_spellings_are_asked(raw_disks: Assessment, vm: str) -> None:
    """R22D-1: each spelling opens a network disk (nbd+tcp, gluster+tcp, json:, an nbd backing
    node, -cdrom http://): HVA-238's question naming the argument, not "no network disks"."""
    option, text = RAW[vm]
    assert verdict(raw_disks, "HVA-238", vm) == ("manual", f"raw QEMU argument {option} {text}")


def test_r22d_1_held_local_file_with_a_colon(raw_disks: Assessment) -> None:
    """Held: a colon after a `/` is no protocol (block.c path_has_protocol)."""
    assert verdict(raw_disks, "HVA-238", "local") == ("not_applicable", "no network disks")
