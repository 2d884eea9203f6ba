"""Sixteenth red-team review, VM side (rt16vm): definition elements and host evidence no earlier
round probed.

Same harness as round 15 (tests/test_redteam15_vm_probes.py, and round 14's and round 10's
helpers it imports): libvirt's test driver serves the domains on conftest's replayed hardened
host; what needs raw QEMU arguments or a daemon with the QEMU driver goes through _replayed_on.
Every fact a probe rests on was read with the `search` / `find_string` / `read_file` tools and
is cited in its docstring. None repeats a probe of the fifteen earlier rounds.

Findings (R16-n): R16-1 HVA-064 passed /usr/bin/qemu-system-aarch64 (or -s390x) on a host
whose one emulator package, qemu-system-x86, ships only qemu-system-x86_64 and -i386: no package
on the list put the binary there (false pass; now R9-7's question of which package installed
it, FAMILY_PACKAGE). R16-2 HVA-066 asked of a stateless firmware (<loader stateless='yes'>,
autoselected with secure-boot and enrolled-keys, or a Secure Boot loader named by hand) about a
variable store "created from the template" or "its <nvram> file", which it does not have
(wrong question; now the question names the stateless image and its firmware descriptor).
R16-3 an interface on a libvirt network whose definition the bundle lacks (undefined since, or
not collected): HVA-193 passed "no interface trusts guest receive filters" (false pass), HVA-194,
HVA-050 and HVA-197 said "no macvtap or SR-IOV interface", "no device passthrough", "no
interface on a Linux host bridge" (wrong n/a); each now asks about the network
(_libvirt.unseen_networks; HVA-192 already asked). R16-4 HVA-092 failed such an interface
"without <bandwidth>", though its network's port group may limit it (wrong fail; now the
question). R16-5 HVA-191 judged such an interface as a Linux bridge port: clean-traffic passed
(false pass: on a macvtap, SR-IOV or Open vSwitch network no filter applies) and no filterref
failed (wrong fail on an SR-IOV network); now the spoofing question names the network.

Held (kept as tests): qemu-system-i386 beside qemu-system-x86; qemu-system-aarch64 beside
qemu-system-arm or the qemu-system meta-package; a stateless loader that is no Secure Boot
build (fail) and a split Secure Boot loader without a template (R15-5's question); the same
interfaces on a collected bridge network (HVA-193 pass, HVA-194/HVA-050 n/a, HVA-197's
question, HVA-092's fail, HVA-191's pass with clean-traffic). Probed by script, not kept (the
verdict was right): all 494 domains of libvirt 9.0's qemuxml2argv corpus replayed on the
hardened host (no false pass found beyond R16-1's foreign emulators and R16-2's stateless
loaders); <vcpu placement='auto' cpuset> (libvirt drops the cpuset, HVA-090 fails); a TCP
serial or VNC listen on 0, 127.1, 2130706433, 0x7f000001, localhost, a host name, 127.0.0.1.
and 0.0.0.0%lo (HVA-031 right each time); a hardened q35/UEFI/TPM/hugepages/pinned domain
(every VM check passes or asks what the definition cannot show).

Tally: 15 probe cases (9 test functions). 10 cases pin R16-1..R16-5 (each failed on main
before its fix: R16-1 2, R16-2 2, R16-3 4, R16-4 1, R16-5 1; R16-4's and R16-5's also assert
their held twins); 5 found nothing, the verdict held.

Leads left (not settled in the time): on cgroup v2 libvirt writes <memtune><soft_limit> to
memory.high (vircgroupv2.c virCgroupV2SetMemorySoftLimit, read with `find_string`), a throttle
limit, not a reclaim priority; HVA-070 counts it as the priority, and the host's cgroup version
is not collected. HVA-091 fails real-time vCPUs even on host CPUs reserved for them, which its
own remediation allows (a wrong-fail risk, a judgement). <serial type='dev'><source
path='/dev/ttyS0'> (or a parallel port) hands the guest a host character device, perhaps the
host's own console line, and no check reads it. A stateless firmware autoselected with
secure-boot and enrolled-keys may deserve a pass on libvirt versions that match stateless
descriptors (qemuFirmwareMatchDomain), but libvirt 9.0 kept only split descriptors (commit
32b9d8b0); the version is not judged. HVA-012 ignores a raw `-accel tcg` (QEMU falls back to it
only when KVM fails to initialise) and `-machine accel=` (refused beside libvirt's -accel); the
libvirt version that moved to -accel was not read. HVA-047's pass message does not name vmvga
(wording). Whether libvirt versions before and after 9.0 keep <loader stateless='yes'> beside
secure='yes' was not read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import HARDENED_HOST, build_bundle, domain_xml, run_assessment, write_node
from hvaudit.engine import Assessment
from test_nwfilter_stock import STOCK
from test_redteam3_vm_probes import LAN, dev, filtered_node, nic, verdict
from test_redteam10_vm_probes import _scan


def _result(a: Assessment, check_id: str, vm: str) -> Any:
    return next(r for r in a.results if r.check.id == check_id and r.outcome.subject.name == vm)


# --- R16-1: HVA-064, an emulator binary no package on the host's list ships ---------------------


def _foreign(name: str, emulator: str, arch: str, machine: str) -> str:
    return domain_xml(name, dtype="qemu").replace(
        "<os><type arch='x86_64'>hvm</type></os>",
        f"<os><type arch='{arch}' machine='{machine}'>hvm</type></os>"
        f"<devices><emulator>{emulator}</emulator></devices>",
    )


ARM = ("armvm", "/usr/bin/qemu-system-aarch64", "aarch64", "virt")
S390 = ("s390vm", "/usr/bin/qemu-system-s390x", "s390x", "s390-ccw-virtio")
I386 = ("i386vm", "/usr/bin/qemu-system-i386", "i686", "pc")


@pytest.fixture(scope="module")
def emulators(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    return _scan(
        tmp_path_factory.mktemp("rt16emu"), [_foreign(*ARM), _foreign(*S390), _foreign(*I386)]
    )


@pytest.mark.parametrize(
    ("vm", "binary", "arch"), [(ARM[0], ARM[1], "aarch64"), (S390[0], S390[1], "s390x")]
)
def test_emulator_of_an_architecture_no_installed_package_ships_is_asked(
    emulators: Assessment, vm: str, binary: str, arch: str
) -> None:
    """R16-1. Debian splits QEMU's system emulators by architecture family: qemu-system-x86
    holds /usr/bin/qemu-system-x86_64 and /usr/bin/qemu-system-i386, qemu-system-arm holds
    /usr/bin/qemu-system-aarch64 and /usr/bin/qemu-system-arm, the meta-package qemu-system only
    documentation (packages.debian.org file lists for bookworm and sid, read with `search`).
    conftest's hardened host lists qemu-system-x86 as its one emulator package, so a
    /usr/bin/qemu-system-aarch64 (or -s390x) there came from no package on the list: a build
    put in the distribution's path, which the host's updates never patch. HVA-064 passed it
    "emulator /usr/bin/qemu-system-aarch64" on the path alone (false pass; now R9-7's
    question of which package installed it)."""
    assert verdict(emulators, "HVA-064", vm) == (
        "manual",
        f"emulator {binary}; the host's QEMU emulator packages (qemu-system-x86) ship the "
        f"qemu-system binaries of other architectures, not {arch}",
    )
    assert _result(emulators, "HVA-064", vm).outcome.question == (
        f"Does a distribution package the host's updates cover own {binary} (VM {vm}'s "
        f"emulator) on host hv1? Evidence: `dpkg -S {binary}` (or `rpm -qf {binary}`) on hv1. "
        "Pass: yes, it names such a package; fail: no package owns it, so it was installed by "
        "hand."
    )


def test_emulator_of_an_installed_family_package_passes(emulators: Assessment) -> None:
    """R16-1 held: qemu-system-x86 ships /usr/bin/qemu-system-i386 beside qemu-system-x86_64."""
    assert verdict(emulators, "HVA-064", "i386vm") == ("pass", "emulator /usr/bin/qemu-system-i386")


@pytest.mark.parametrize(
    "extra",
    ["qemu-system-arm\t1:7.2+dfsg-7+deb12u7\tii \n", "qemu-system\t1:7.2+dfsg-7+deb12u7\tii \n"],
)
def test_emulator_beside_its_family_package_or_the_meta_package_passes(
    tmp_path: Path, extra: str
) -> None:
    """R16-1 held: with qemu-system-arm installed the aarch64 binary is packaged; the
    meta-package qemu-system depends on every qemu-system-<family> package (a catch-all, left
    unjudged)."""
    out, rc = HARDENED_HOST["dpkg-packages"]
    host = dict(HARDENED_HOST, **{"dpkg-packages": (out + extra, rc)})
    a = _scan(tmp_path, [_foreign(*ARM)], host)
    assert verdict(a, "HVA-064", "armvm") == ("pass", "emulator /usr/bin/qemu-system-aarch64")


# --- R16-2: HVA-066, a stateless firmware has no variable store to ask about -------------------

SMM = "<features><acpi/><smm state='on'/></features>"
STATELESS = {
    "slauto": "<os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type><firmware>"
    "<feature enabled='yes' name='secure-boot'/><feature enabled='yes' name='enrolled-keys'/>"
    "</firmware><loader stateless='yes'/></os>" + SMM,
    "slcode": "<os><type arch='x86_64' machine='q35'>hvm</type><loader readonly='yes' "
    "secure='yes' type='pflash' stateless='yes'>/usr/share/OVMF/OVMF_CODE_4M.secboot.fd"
    "</loader></os>" + SMM,
    "slplain": "<os><type arch='x86_64' machine='q35'>hvm</type><loader readonly='yes' "
    "type='pflash' stateless='yes'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader></os>",
    "split": "<os><type arch='x86_64' machine='q35'>hvm</type><loader readonly='yes' "
    "secure='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.secboot.fd</loader></os>" + SMM,
}


@pytest.fixture(scope="module")
def stateless(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    plain = "<os><type arch='x86_64'>hvm</type></os>"
    return _scan(
        tmp_path_factory.mktemp("rt16sl"),
        [domain_xml(name).replace(plain, os_el) for name, os_el in STATELESS.items()],
    )


NO_STORE = (
    "<loader stateless='yes'>: no variable store, the firmware image's own variables decide, "
    "and what the guest changes is lost at power-off"
)


@pytest.mark.parametrize(
    ("vm", "said"),
    [
        (
            "slauto",
            "UEFI Secure Boot with enrolled keys (firmware features secure-boot and enrolled-keys)",
        ),
        ("slcode", "UEFI Secure Boot-capable loader OVMF_CODE_4M.secboot.fd run stateless"),
    ],
)
def test_stateless_firmware_is_asked_about_its_image_not_a_store(
    stateless: Assessment, vm: str, said: str
) -> None:
    """R16-2. libvirt's <loader stateless='yes'> runs a firmware image without a variable
    store: a stateless image "contains read-only CODE and VARs ... the guest OS can write vars
    but the firmware will make no attempt to persist them, so any changes will be lost at
    poweroff" (libvirt commit 32b9d8b0, "qemu: support firmware descriptor flash 'mode' for
    optional NVRAM", read with `search`; qemu_firmware.c qemuFirmwareMatchDomain discards every
    descriptor that is not stateless for such a loader, read with `read_file`), and libvirt 9.0
    refuses an <nvram template> beside it ("NVRAM template is not permitted when loader is
    stateless", its test driver here). HVA-066 asked of both VMs about "the VM's variable
    store ... created from the template" or "its <nvram> file", evidence that does not exist
    (wrong question; now the question names the stateless image and its descriptor)."""
    assert verdict(stateless, "HVA-066", vm) == ("manual", f"{said}; {NO_STORE}")
    assert _result(stateless, "HVA-066", vm).outcome.question == (
        f"Does the stateless UEFI firmware image VM {vm} boots on host hv1 hold enrolled "
        "PK/KEK/db keys with Secure Boot enabled? Evidence: `mokutil --sb-state` in the guest, "
        "or the image's firmware descriptor on the host (/usr/share/qemu/firmware/*.json "
        "naming it: mapping mode stateless, features secure-boot and enrolled-keys). Pass: "
        "Secure Boot enabled with keys that are not test (snakeoil) keys; fail: disabled or no "
        "PK (an image of firmware code alone holds no keys), so the firmware starts unsigned "
        "boot code."
    )


def test_stateless_and_split_loaders_keep_their_verdicts(stateless: Assessment) -> None:
    """R16-2 held: a stateless loader that is no Secure Boot build keeps its fail, and a split
    Secure Boot loader without a template keeps the store's question (R15-5)."""
    assert verdict(stateless, "HVA-066", "slplain") == (
        "fail",
        "UEFI firmware without Secure Boot and enrolled keys",
    )
    assert verdict(stateless, "HVA-066", "split") == (
        "manual",
        "Secure Boot-capable loader OVMF_CODE_4M.secboot.fd without an <nvram template>: "
        "whether Secure Boot is on is in the VM's NVRAM file",
    )


# --- R16-3: HVA-050/193/194/197, a network whose definition the evidence lacks --------------------


def _on_network(name: str, network: str, extra: str = "") -> str:
    return domain_xml(
        name,
        body="<devices><interface type='network'><mac address='52:54:00:16:03:0"
        f"{len(name) % 10}'/><source network='{network}'/><model type='virtio'/>{extra}"
        "</interface></devices>",
    )


@pytest.fixture(scope="module")
def unseen(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp: Path = tmp_path_factory.mktemp("rt16net")
    uri = write_node(
        tmp / "n.xml", [_on_network("ghost", "lan2"), _on_network("known", "lan")], [LAN]
    )
    return run_assessment(build_bundle(tmp, uri, HARDENED_HOST, name="b"))


UNSEEN = "interface(s) on network(s) lan2, whose definition is not in the evidence: "


@pytest.mark.parametrize(
    ("check", "msg", "asked"),
    [
        (
            "HVA-193",
            UNSEEN + "the network's (or its port group's) trustGuestRxFilters and forward mode "
            "decide",
            "Does network(s) lan2 on host hv1 leave the guest's receive filters untrusted?",
        ),
        (
            "HVA-194",
            UNSEEN + "its <forward> decides whether it is macvtap, and in which mode",
            "Is network(s) lan2 on host hv1 other than macvtap in bridge mode?",
        ),
        (
            "HVA-050",
            UNSEEN + "a network of forward mode hostdev hands the VM an SR-IOV function (PCI "
            "passthrough)",
            "Is network(s) lan2 on host hv1 other than a pool of SR-IOV functions, or are its "
            "functions isolated by an active IOMMU?",
        ),
        (
            "HVA-197",
            "port(s) not isolated: 52:54:00:16:03:05 on network lan2 (its definition is not in "
            "the evidence)",
            "Does this VM need layer-2 traffic with another VM on its bridge?",
        ),
    ],
)
def test_interface_on_a_network_the_evidence_lacks_is_asked(
    unseen: Assessment, check: str, msg: str, asked: str
) -> None:
    """R16-3. A domain's <interface type='network'> holds the network's name only (formatdomain,
    "Virtual network"), which libvirt's network driver looks up when the VM starts
    (virNetworkObjFindByName; "no network with matching name '%s'" when there is none, read
    with `find_string`): whether that network is a Linux bridge, macvtap over a device in
    bridge mode, or a pool of SR-IOV functions (formatnetwork, "Connectivity"), and the
    trustGuestRxFilters and <port isolated> it gives its ports, are in the network's definition.
    When the bundle lacks it (a network undefined since the VM was defined, whose name the next
    start resolves to whatever network then bears it, or one the collector did not get), HVA-192
    already asked ("the VLAN settings of network(s) lan2 were not collected"), but HVA-193 passed
    "no interface trusts guest receive filters" (false pass: a macvtap network with
    trustGuestRxFilters='yes' is the fail), and HVA-194 ("no macvtap or SR-IOV interface"),
    HVA-050 ("no device passthrough") and HVA-197 ("no interface on a Linux host bridge") were
    not applicable (wrong n/a). Each now asks about the network."""
    status, message = verdict(unseen, check, "ghost")
    assert (status, message) == ("manual", msg)
    assert _result(unseen, check, "ghost").outcome.question.startswith(asked)


def test_interface_on_a_collected_network_keeps_its_verdicts(unseen: Assessment) -> None:
    """R16-3 held: the same interface on network lan, a bridge network in the bundle, keeps the
    verdicts its definition settles."""
    assert verdict(unseen, "HVA-193", "known") == (
        "pass",
        "no interface trusts guest receive filters",
    )
    assert verdict(unseen, "HVA-194", "known") == (
        "not_applicable",
        "no macvtap or SR-IOV interface",
    )
    assert verdict(unseen, "HVA-050", "known") == ("not_applicable", "no device passthrough")
    assert (
        verdict(unseen, "HVA-197", "known")[1] == "port(s) not isolated: 52:54:00:16:03:05 on br0"
    )


def test_interface_on_a_network_the_evidence_lacks_may_take_its_port_groups_limit(
    unseen: Assessment,
) -> None:
    """R16-4. An interface without its own <bandwidth> takes that of its network's port group
    (formatnetwork, "Quality of service": "the <bandwidth> element of the portgroup will be
    applied individually to each guest interface"; bridge_driver.c networkAllocatePort, as
    HVA-092's docstring reads it). On network lan2, whose definition the bundle lacks (R16-3),
    that limit is not known: HVA-092 failed "1 of 1 interface(s) without <bandwidth>" (wrong
    fail for a VM whose network's port group limits it; now the question names the network).
    Held: on the collected bridge network lan, which sets no <bandwidth>, the fail stays."""
    status, message = verdict(unseen, "HVA-092", "ghost")
    assert (status, message) == (
        "manual",
        "52:54:00:16:03:05 on network lan2, whose definition is not in the evidence: its port "
        "group's <bandwidth> would apply",
    )
    question = _result(unseen, "HVA-092", "ghost").outcome.question
    assert "an outbound <bandwidth> on the port group each listed interface's network gives" in (
        question
    )
    assert "`virsh net-dumpxml NAME` for each listed network" in question
    assert verdict(unseen, "HVA-092", "known") == (
        "fail",
        "1 of 1 interface(s) without <bandwidth>",
    )


# --- R16-5: HVA-191, a filter on a network the evidence lacks ------------------------------------


def test_filter_on_a_network_the_evidence_lacks_is_asked(tmp_path: Path) -> None:
    """R16-5. libvirt instantiates an interface's <filterref> only on a tap it puts on a Linux
    bridge (formatnwfilter, "Concepts"; qemu_interface.c calls virDomainConfNWFilterInstantiate
    from qemuInterfaceEthernetConnect and qemuInterfaceBridgeConnect only, as
    hvaudit.parse._spoofing reads it): on a macvtap, SR-IOV (forward mode hostdev) or Open
    vSwitch network it filters nothing. Whether network lan2, whose definition the bundle lacks
    (R16-3), is a Linux bridge network is not known, yet HVA-191 passed the VM whose interface
    there names the stock clean-traffic with its IP (false pass), and failed "no filter" for
    one without a filterref, which on an SR-IOV network is the VF's spoofchk question (wrong
    fail). Both now ask about the network; the same VM on the collected bridge network lan
    keeps its pass."""
    a = filtered_node(
        tmp_path,
        [
            dev("ghostf", nic("clean-traffic", ip="10.0.0.61", source="<source network='lan2'/>")),
            dev("ghostn", nic(source="<source network='lan2'/>")),
            dev("lanf", nic("clean-traffic", ip="10.0.0.62")),
        ],
        dict(STOCK),
    )
    reason = (
        "network lan2's definition is not in the evidence: libvirt's nwfilter applies on a "
        "Linux bridge network only, not on a macvtap, SR-IOV or Open vSwitch one"
    )
    assert verdict(a, "HVA-191", "ghostf") == ("manual", f"{reason} (filter 'clean-traffic')")
    assert verdict(a, "HVA-191", "ghostn") == ("manual", f"{reason} (no filter)")
    assert _result(a, "HVA-191", "ghostf").outcome.question == (
        "Is MAC, IP and ARP spoofing from this VM stopped at network lan2? Evidence: `virsh "
        "net-dumpxml NAME` on host hv1 for each such network (<forward mode>, <bridge>, "
        "<virtualport>: the <filterref> of an interface on a Linux bridge network applies, on a "
        "macvtap, hostdev or Open vSwitch network it does not) and `virsh nwfilter-dumpxml` of "
        "that filter and each filter it references. Pass: yes, at every one; fail: any forwards "
        "frames whose source MAC or IP is not this VM's."
    )
    assert verdict(a, "HVA-191", "lanf")[0] == "pass"
