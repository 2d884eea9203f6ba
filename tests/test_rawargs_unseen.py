"""Issue 8, "A check that cannot see its evidence must not pass": raw QEMU arguments.

libvirt's test driver has no QEMU driver and drops the QEMU namespace (<qemu:commandline>,
<qemu:capabilities>, <qemu:override>) from every definition it parses, so a `test:///` scan
never sees a VM's raw QEMU arguments (`Vm.raw_arguments_visible` unavailable, set by
hvaudit.parse._domain_args from the collected URI's driver). Only HVA-046 made that a question;
every check that earlier rounds taught to fail on what raw arguments add (`-device cirrus-vga`,
`-device virtio-gpu-gl`, `-tpmdev passthrough`, `-netdev tap`, ...) still passed or was n/a on
the XML alone. Now such a pass or n/a is a manual item (hvaudit.checks.base.raw_arguments_unseen)
whose question is the same for every VM of a host, so a report tells it once with the VMs
listed and one attestation answers it; a daemon with the QEMU driver (what `qemu:///system` and
`qemu+ssh://` collect through XMLDesc) keeps its verdicts.

Real pipeline: libvirt's test driver, the real collectors, parser, engine, grouping and
attestations. The daemon-like bundle is the test driver's collection with the collector's URI
and host name of a real host (tests/test_redteam10_vm_probes._replayed_on, which keeps the
test driver's URI), so the parser reads it as XMLDesc of a QEMU driver.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import (
    HARDENED_HOST,
    ReplayRunner,
    _replay_secmodel,
    build_bundle,
    domain_xml,
    messages,
    outcomes,
    question_line,
    run_assessment,
    write_node,
)
from hvaudit.bundle import Bundle, BundleWriter
from hvaudit.checks.base import Status
from hvaudit.collect.host import HostCollector
from hvaudit.collect.libvirt import LibvirtCollector, LibvirtTarget
from hvaudit.engine import Assessment, assess
from hvaudit.parse import build_deployment
from hvaudit.profile import load_profile
from hvaudit.report.grouping import Group, group_results
from hvaudit.waivers import apply_attestations, load_attestations
from test_redteam3_vm_probes import QEMU_NS, replayed_domains

NET = (
    "<network><name>default</name><bridge name='virbr0'/><forward mode='nat'/>"
    "<ip address='192.168.122.1' netmask='255.255.255.0'/></network>"
)


def _vm(name: str, n: int, extra: str = "") -> str:
    return domain_xml(
        name,
        f"<devices><interface type='network'><mac address='52:54:00:00:00:{n:02x}'/>"
        "<source network='default'/><model type='virtio'/></interface>"
        f"<video><model type='virtio'/></video>{extra}</devices>",
    )


VMS = [_vm("web-1", 1), _vm("web-2", 2), _vm("web-3", 3)]


def _hardened(name: str, n: int) -> str:
    """A q35 VM with a named CPU model without vmx, a shaped and isolated port."""
    return (
        f"<domain type='kvm'><name>{name}</name>"
        f"<uuid>6a2f1c2e-0000-4000-8000-0000000001{n:02d}</uuid>"
        "<memory unit='MiB'>1024</memory><vcpu>1</vcpu>"
        "<os><type arch='x86_64' machine='pc-q35-8.2'>hvm</type></os>"
        "<cpu mode='custom' match='exact'><model fallback='forbid'>Skylake-Client</model>"
        "<feature policy='disable' name='vmx'/></cpu><devices><interface type='network'>"
        f"<mac address='52:54:00:00:01:{n:02x}'/><source network='default'/>"
        "<model type='virtio'/><bandwidth><inbound average='1000'/><outbound average='1000'/>"
        "</bandwidth><port isolated='yes'/></interface><video><model type='virtio'/></video>"
        "</devices></domain>"
    )


HARDENED = [_hardened("hard-1", 1), _hardened("hard-2", 2), _hardened("hard-3", 3)]
UNSEEN = "; raw QEMU arguments not observable on this collection (HVA-046)"


def _question(host: str, what: str) -> str:
    return (
        "Do this VM's raw QEMU arguments, which this collection could not observe, leave out "
        f"{what}? Evidence: the VM's <qemu:commandline> in `virsh dumpxml` on host {host} (a "
        "daemon with the QEMU driver keeps the QEMU namespace). Pass: yes, the VM has no raw "
        "arguments or none adds one; fail: one does."
    )


#: (check, what the domain XML alone shows, status on the XML alone, what the question asks)
XML_ALONE = [
    (
        "HVA-031",
        "no VNC, SPICE or RDP console and no TCP or UDP character device",
        "not_applicable",
        "a console or listener on the network (-vnc, -spice, -gdb, a TCP, UDP or telnet server "
        "of -chardev, -serial, -monitor or -qmp, a -netdev hostfwd or listen)",
    ),
    (
        "HVA-050",
        "no device passthrough",
        "not_applicable",
        "a passed-through PCI device (-device vfio-pci)",
    ),
    ("HVA-056", "no TPM device", "not_applicable", "a TPM passthrough (-tpmdev passthrough)"),
    (
        "HVA-057",
        "no <shmem> device",
        "pass",
        "inter-VM shared memory (-device ivshmem-plain or ivshmem-doorbell, -object "
        "memory-backend-file with a mem-path)",
    ),
    (
        "HVA-058",
        "no host directory shared",
        "not_applicable",
        "a shared host directory (-fsdev, -virtfs, a vhost-user-fs device, a fat: or vvfat drive)",
    ),
    (
        "HVA-059",
        "no SCSI LUN or SCSI host device passed through",
        "not_applicable",
        "a SCSI device passed through (-device scsi-block or scsi-generic)",
    ),
    (
        "HVA-192",
        "1 interface(s), none trunked",
        "pass",
        "a network interface (-netdev tap or bridge, -nic, -net) on more than one VLAN",
    ),
    (
        "HVA-405",
        "no 3D-accelerated GPU",
        "pass",
        "a 3D-accelerated GPU (-device virtio-vga-gl, virtio-gpu-gl or a rutabaga variant)",
    ),
]


#: the same, for the hardened VMs
XML_ALONE_HARDENED = [
    (
        "HVA-047",
        "no floppy, IDE, sound, USB redirection, smartcard, rtl8139/ne2k/pcnet NIC, cirrus or vmvga (VMware SVGA) video "
        "or USB tablet, mouse or keyboard",
        "pass",
        "a legacy device (-device of a floppy, IDE, sound, USB tablet, mouse or redirection, "
        "smartcard, rtl8139, ne2k, pcnet, cirrus or VMware SVGA driver, -vga cirrus or vmware, -fda)",
    ),
    (
        "HVA-049",
        "CPU mode custom without vmx/svm",
        "pass",
        "vmx or svm for the guest (a -cpu that adds them, -cpu host or max)",
    ),
    (
        "HVA-092",
        "0 disk(s) and 1 interface(s) limited (outbound)",
        "pass",
        "a disk or host tap without limits (a -drive without read and write rates, -netdev tap "
        "or bridge)",
    ),
    (
        "HVA-197",
        # the three isolated VMs share NAT network default, whose bridge has the host's
        # address: the host routes between them (R20N-4), asked on the daemon's evidence too
        "1 bridge port(s) isolated, but the host has an address on bridge virbr0 of network "
        "default (forward mode nat, 192.168.122.1): libvirt turns IP forwarding on and accepts "
        "what is routed from the bridge back into it (-i virbr0 -o virbr0 -j ACCEPT): isolated "
        "ports stop frames between the VMs, not packets the host routes back into the same bridge",
        "manual",
        "a port on a host bridge (-netdev tap or bridge)",
    ),
]


DAEMON_MESSAGE = {"HVA-049": "vmx/svm policy='disable'"}

#: what the XML alone says where the host's links were not read (the simulated host): HVA-197's
#: isolated ports may share their bridge with a port of no VM, not isolated (lead of VL16-4),
#: asked in one item with the host's routing back into the bridge (R34W-6; that part alone was
#: asked only where the links were read)
LINKS_UNREAD = {
    "HVA-197": "1 bridge port(s) isolated, but the ports of bridge(s) virbr0 on host hv-sim "
    "were not read: a port of no VM there, not isolated, still exchanges frames with them; "
    "1 bridge port(s) isolated, but the host has an address on bridge virbr0 of network "
    "default (forward mode nat, 192.168.122.1): libvirt turns IP forwarding on and accepts "
    "what is routed from the bridge back into it (-i virbr0 -o virbr0 -j ACCEPT): isolated "
    "ports stop frames between the VMs, not packets the host routes back into the same bridge"
}


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    """`hvaudit scan --connect test:///.../hv-sim.xml`: three plain VMs."""
    tmp = tmp_path_factory.mktemp("sim")
    return run_assessment(build_bundle(tmp, write_node(tmp / "hv-sim.xml", VMS, [NET]), None))


@pytest.fixture(scope="module")
def hardened(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    """`hvaudit scan --connect test:///.../hv-sim.xml`: three hardened VMs."""
    tmp = tmp_path_factory.mktemp("hard")
    return run_assessment(build_bundle(tmp, write_node(tmp / "hv-sim.xml", HARDENED, [NET]), None))


def _daemon_bundle(tmp_path: Path, domains: list[str]) -> Path:
    """The same definitions as a daemon with the QEMU driver reports them on host hv1
    (qemu+ssh://root@hv1/system, its XMLDesc keeps the QEMU namespace), host facts replayed."""
    uri = write_node(tmp_path / "n.xml", domains, [NET])
    target = "qemu+ssh://root@hv1/system"
    writer = BundleWriter(tmp_path / "b", target=target, platform="kvm-libvirt")
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=True).collect(writer)
    meta = writer.meta["collector"]["libvirt"]
    meta.update(simulated=False, hostname="hv1", uri=target)
    _replay_secmodel(writer, "apparmor")
    HostCollector(ReplayRunner(dict(HARDENED_HOST))).collect(writer)
    return writer.close(complete=True)


@pytest.mark.parametrize(("cid", "xml", "status", "what"), XML_ALONE, ids=[c[0] for c in XML_ALONE])
def test_a_pass_on_the_xml_alone_is_asked_where_raw_arguments_are_unseen(
    simulated: Assessment, tmp_path: Path, cid: str, xml: str, status: str, what: str
) -> None:
    """Before: each passed (or was n/a) on the XML alone, though earlier rounds made it fail on
    the raw argument that adds `what`, which the test driver cannot show. Now a question; the
    same definitions collected from a daemon with the QEMU driver keep the XML's verdict."""
    assert outcomes(simulated, cid) == dict.fromkeys(("web-1", "web-2", "web-3"), "manual")
    assert messages(simulated, cid)["web-1"] == xml + UNSEEN
    asked = {r.outcome.question for r in simulated.results if r.check.id == cid}
    assert asked == {_question("hv-sim", what)}
    daemon = run_assessment(_daemon_bundle(tmp_path, VMS))
    assert outcomes(daemon, cid) == dict.fromkeys(("web-1", "web-2", "web-3"), status)
    assert messages(daemon, cid)["web-1"] == xml


@pytest.mark.parametrize(
    ("cid", "xml", "status", "what"), XML_ALONE_HARDENED, ids=[c[0] for c in XML_ALONE_HARDENED]
)
def test_a_hardened_vms_pass_on_the_xml_alone_is_asked_where_raw_arguments_are_unseen(
    hardened: Assessment, tmp_path: Path, cid: str, xml: str, status: str, what: str
) -> None:
    """As above, for checks a plain VM already fails or is asked about: a raw `-device
    cirrus-vga`, `-cpu host`, an unlimited `-drive` or a `-netdev tap` on a bridge defeats
    what the XML shows (R10-6, R10-7, R10-12, leads13)."""
    names = ("hard-1", "hard-2", "hard-3")
    assert outcomes(hardened, cid) == dict.fromkeys(names, "manual")
    assert messages(hardened, cid)["hard-1"] == LINKS_UNREAD.get(cid, xml) + UNSEEN
    asked = {r.outcome.question for r in hardened.results if r.check.id == cid}
    if cid in LINKS_UNREAD:
        # its own question of the bridge's ports, asked together with the raw arguments'
        assert len(asked) == 3  # one per VM: each names its VM
        assert all(
            q.startswith(
                "Does every port of bridge(s) virbr0 on host hv-sim that is no VM's show port "
                "isolation, or belong to a documented peer of VM hard-"
            )
            and ", and do this VM's raw QEMU arguments" in q
            for q in asked
        ), asked
    else:
        assert asked == {_question("hv-sim", what)}
    daemon = run_assessment(_daemon_bundle(tmp_path, HARDENED))
    assert outcomes(daemon, cid) == dict.fromkeys(names, status)
    # on a real host the nesting check reads the host's KVM too, and says what it rests on
    assert messages(daemon, cid)["hard-1"] == DAEMON_MESSAGE.get(cid, xml)


def test_a_fail_on_the_xml_stands(tmp_path: Path) -> None:
    """What the XML already fails is not made a question: the cirrus card is legacy whatever
    raw arguments add (HVA-047), and a <shmem> is shared memory (HVA-057)."""
    uri = write_node(
        tmp_path / "hv-sim.xml",
        [
            domain_xml(
                "old",
                "<os><type arch='x86_64' machine='pc-q35-8.2'>hvm</type></os>"
                "<devices><video><model type='cirrus'/></video>"
                "<shmem name='ivshmem0'><model type='ivshmem-plain'/><size unit='M'>4</size>"
                "</shmem></devices>",
            ).replace("<os><type arch='x86_64'>hvm</type></os>", "", 1)
        ],
    )
    a = run_assessment(build_bundle(tmp_path, uri, None))
    assert (outcomes(a, "HVA-047"), messages(a, "HVA-047")) == (
        {"old": "fail"},
        {"old": "emulated legacy devices: cirrus video"},
    )
    assert outcomes(a, "HVA-057") == {"old": "fail"}
    assert outcomes(a, "HVA-405") == {"old": "manual"}
    # a definition whose QEMU namespace reached the bundle is judged on it: `-device
    # virtio-gpu-gl` fails HVA-405 and HVA-057 passes, with no question
    raw = (
        f"<domain type='kvm' xmlns:qemu='{QEMU_NS}'><name>gl</name>"
        "<uuid>6a2f1c2e-0000-4000-8000-000000000405</uuid><memory unit='MiB'>512</memory>"
        "<vcpu>1</vcpu><os><type arch='x86_64' machine='pc-q35-8.2'>hvm</type></os>"
        "<qemu:commandline><qemu:arg value='-device'/><qemu:arg value='virtio-gpu-gl'/>"
        "</qemu:commandline></domain>"
    )
    (tmp_path / "raw").mkdir()
    a = run_assessment(replayed_domains(tmp_path / "raw", {"gl": raw}))
    assert (outcomes(a, "HVA-405"), messages(a, "HVA-405")) == (
        {"gl": "fail"},
        {"gl": "3D-accelerated GPU: QEMU argument -device virtio-gpu-gl"},
    )
    assert (outcomes(a, "HVA-057"), messages(a, "HVA-057")) == (
        {"gl": "pass"},
        {"gl": "no <shmem> device"},
    )


def test_the_question_is_told_once_for_the_vms_of_a_host(simulated: Assessment) -> None:
    """Issue 8: a question that applies to every VM of a scan shows once, with the list. HVA-046
    named each VM's uuid in its question, so a report asked it once per VM."""
    manual = [r for r in simulated.results if r.status is Status.MANUAL]
    groups = {
        g.check.id: g
        for g in group_results(manual, within=simulated.results)
        if isinstance(g, Group)
    }
    for cid in ("HVA-046", "HVA-057", "HVA-405"):
        g = groups[cid]
        assert g.headline == f"{cid} needs a manual answer on 3 of 3 VMs"
        assert len({r.outcome.question for r in g.results}) == 1
    assert {r.outcome.question for r in groups["HVA-046"].results} == {
        "Is this VM's definition on the host that runs it free of raw QEMU arguments? Evidence: "
        "the VM's `virsh dumpxml` on host hv-sim (a daemon with the QEMU driver keeps the QEMU "
        "namespace this scan could not see). Pass: yes, no <qemu:commandline>, "
        "<qemu:capabilities>, <qemu:override> or <qemu:deprecation> element; fail: any of them "
        "is there."
    }


def test_one_attestation_answers_the_question_for_every_vm(tmp_path: Path) -> None:
    """The auditor reads the definitions on the host once: `check = "HVA-405"`, `subject =
    "vm:*"`, answer yes, and every VM's item passes by that attestation."""
    uri = write_node(tmp_path / "hv-sim.xml", VMS, [NET])
    deployment, problems = build_deployment(Bundle.open(build_bundle(tmp_path, uri, None)))
    a = assess(deployment, problems, load_profile())
    answers = tmp_path / "attestations.toml"
    answers.write_text(
        '[[attestation]]\nid = "A-raw"\ncheck = "HVA-405"\nsubject = "vm:*"\nanswer = "yes"\n'
        'attested_by = "auditor@example.com"\nattested_at = 2026-12-01\nvalid_days = 365\n'
        'evidence = "virsh dumpxml of each VM on hv-sim: no <qemu:commandline>"\n'
        + question_line(a, "HVA-405", "vm:*")
    )
    apply_attestations(a, load_attestations(answers), dt.date(2026, 12, 2))
    assert outcomes(a, "HVA-405") == dict.fromkeys(("web-1", "web-2", "web-3"), "pass")
    assert a.attestations[0]["matched"] == "3"
