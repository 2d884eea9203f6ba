"""Red team round 23, wave 2 (rt23wf2): wrong fails from this round's false-pass fixes.

Harness: libvirt domains replayed as a daemon with the QEMU driver reports them
(test_redteam3_vm_probes.replayed_domains, the simulated host), the domain builders of
tests/test_redteam23_vm2_probes.py. By script (not kept): every domain of libvirt 9.0.0's
qemuxml2argvdata corpus (494, renamed uniquely) run through every check on main 3fb626d and on
this round's main 7ffbd0d, verdicts compared.

Findings: none confirmed in the time. The corpus sweep changed 4 verdicts, all HVA-057 pass ->
manual on vhost-user sockets in /tmp (disk-vhostuser, net-vhostuser, net-vhostuser-fail,
vhost-user-fs-sock), which R23V-1 and R23M-2 ask about by design; no other check's status
changed on any corpus domain (including qemu-ns-commandline's bare `ARGUMENT`, now an image
word as QEMU reads it, and no network disk).

Held (kept as tests): a libvirt-managed virtiofsd (no <source socket>: libvirt creates the
socket in its own per-domain directory) and OVS-DPDK client-mode sockets under /run/openvswitch
and /var/run/openvswitch keep HVA-057's pass; a raw `-global` setting cfi.pflash01's secure
property with QAPI's other true words (`value=yes`, `value=true`) keeps HVA-066's store
question; a <qemu:env>-only <qemu:commandline> (hvaudit's `env NAME` marker word, which
qemu_options now reads as a bare image word) keeps HVA-238 "no network disks".

Probed by script, not kept: R23M-1's NO_ARGUMENT entries against qemu-options.hx (each `DEF(...,
0, ...`: no entry takes an argument, so none turns an option's argument into an image word);
`-append "a b"` (one word), `-set`, `-global`, `-d`, `-D`, `-msg` keep their arguments; old
chardev syntax `server,nowait` reads as server=on (QemuOpts' bare key); R23U-1's numeric
SocketGroup= lookup; R23U-2's HVA-035 reuse of HVA-030's next-start listeners; P23-2's `zfs`
(ZFS over iSCSI) vs `zfspool` (local ZFS) storage types, and `iscsi` (kernel open-iscsi, not
asked); R23N-1/R23N-2/R23N-3 code paths read (firewalld's stock input chain uses none of
iiftype/iifgroup/iifkind, masks or catch-all sets).

Tally: 6 cases in 4 test functions; 0 failed on main 3fb626d (all held).

Settled after the review (R23X-1, no verdict changed): libvirt_xml.parse_domain appends
marker words (`env NAME`, `qemu:override`, `qemu:capabilities`, `qemu:deprecation`) to
raw_hypervisor_arguments; since R23V-2 qemu_options read each as a bare image word (-hda).
libvirt rejects env names other than [A-Za-z_][A-Za-z0-9_]*, so none named a protocol, but any
check on image words saw them; qemu_options now leaves them out
(test_markers_are_no_image_words, failed on main 44315a1).

Leads left (not settled in the time):
- HVA-066's R23M-3 fail also fires on aarch64 (confirmed by script: an AAVMF secure-boot VM on
  virt-8.2 with the raw -global value=off fails "lifts the SMM write protection"), where there
  is no SMM and cfi.pflash01's secure property is TrustZone's, off by default: the message is
  wrong there, though without SMM the guest OS can write that flash anyway, so the store
  question itself may be the weaker verdict for aarch64 (a false-pass lead, not changed).
- proxmox-firewall (nftables, PVE 8.2+) stock input chain not reproduced (no nft binary here):
  whether it uses `meta mark &` / `ct mark &` masks that R23N-2 now asks about.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_assessment
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import replayed_domains, verdict
from test_redteam23_vm2_probes import STORE, _domain, _efi_sb, _vhostuser

#: A virtiofs share whose virtiofsd libvirt starts (formatdomain "Filesystems": with no
#: <source socket>, "libvirt will launch virtiofsd"; the socket is libvirt's own).
MANAGED_FS = (
    "<filesystem type='mount' accessmode='passthrough'><driver type='virtiofs' queue='1024'/>"
    "<binary path='/usr/libexec/virtiofsd' xattr='on'/><source dir='/srv/share'/>"
    "<target dir='share'/></filesystem>"
)

DOMAINS = {
    "fsmanaged": _domain("fsmanaged", devices=MANAGED_FS),
    "ovsrun": _domain("ovsrun", devices=_vhostuser("/run/openvswitch/vhu0", "client")),
    "ovsvarrun": _domain("ovsvarrun", devices=_vhostuser("/var/run/openvswitch/vhu1", "client")),
    "sbyes": _efi_sb("sbyes", ("-global", "driver=cfi.pflash01,property=secure,value=yes")),
    "sbtrue": _efi_sb("sbtrue", ("-global", "driver=cfi.pflash01,property=secure,value=true")),
    "envonly": _domain("envonly").replace(
        "</domain>",
        "<qemu:commandline><qemu:env name='SPICE_DEBUG_ALLOW_MC' value='1'/>"
        "</qemu:commandline></domain>",
    ),
}


@pytest.fixture(scope="module")
def probes(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp: Path = tmp_path_factory.mktemp("rt23wf2")
    return run_assessment(replayed_domains(tmp, DOMAINS))


@pytest.mark.parametrize("vm", ["ovsrun", "ovsvarrun"])
def test_held_ovs_dpdk_client_socket_passes(probes: Assessment, vm: str) -> None:
    """Held: OVS-DPDK's dpdkvhostuser ports live in OVS's own run directory (/run/openvswitch,
    /var/run/openvswitch), not one every local user may create files in (systemd tmp.conf `D
    /tmp 1777`, /var/tmp, /dev/shm), so QEMU connecting there keeps the pass."""
    assert verdict(probes, "HVA-057", vm) == ("pass", "no <shmem> device")


def test_held_libvirt_managed_virtiofsd_passes(probes: Assessment) -> None:
    """Held: a virtiofs share with no <source socket> is served by a virtiofsd libvirt itself
    starts on a socket of libvirt's own directory; nothing to bind first."""
    assert verdict(probes, "HVA-057", "fsmanaged") == ("pass", "no <shmem> device")


@pytest.mark.parametrize("vm", ["sbyes", "sbtrue"])
def test_held_flash_secure_true_words_keep_the_store_question(probes: Assessment, vm: str) -> None:
    """Held: QAPI's bool parser (qapi/qapi-util.c qapi_bool_parse) reads "yes" and "true" as
    on, so a raw `-global driver=cfi.pflash01,property=secure,value=yes|true` keeps the SMM
    protection: the store question, not R23M-3's fail."""
    assert verdict(probes, "HVA-066", vm) == ("manual", STORE)


def test_held_env_only_commandline_has_no_network_disk(probes: Assessment) -> None:
    """Held: a <qemu:commandline> with only <qemu:env> passes QEMU no argument; hvaudit's
    `env NAME` marker is no network image."""
    assert verdict(probes, "HVA-238", "envonly") == ("not_applicable", "no network disks")


def test_markers_are_no_image_words() -> None:
    """R23X-1: the words parse_domain adds for <qemu:env>, <qemu:capabilities>,
    <qemu:override> and <qemu:deprecation> are no QEMU argument, so no image word; a real
    bare word beside them still is."""
    from hvaudit.parse.qemu_args import qemu_options

    got = qemu_options(["env FOO", "qemu:capabilities", "qemu:override", "qemu:deprecation"])
    assert got == ()
    assert [(o.name, o.text) for o in qemu_options(["/srv/a.qcow2", "env FOO"])] == [
        ("hda", "/srv/a.qcow2")
    ]
