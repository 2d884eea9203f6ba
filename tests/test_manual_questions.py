"""Manual items ask one precise question, say which evidence answers it, and can be attested.

Issue 8: a manual item is what the scan hands to a person, and an attestation answers it by check
and subject with "yes" (pass) or "no" (fail). So every question a manual check asks, declared on
the check or put on a result, has one shape: exactly one question, phrased for a yes/no answer in
which "yes" passes; then `Evidence:` (the document, command output or console screen that answers
it); then `Pass:` with the criterion, and its `fail:` case. A check that asked several questions is
split into several checks, each answered on its own.

Every report here is produced by the real collector, parser and engine (a replayed libvirt host,
an offline Proxmox VE node, offline .vmx files); the vSphere host items are asserted in
test_vsphere.py with the same helper.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import HARDENED_HOST, build_bundle, domain_xml, run_assessment, write_node
from hvaudit import checks as checks_package
from hvaudit.checks import all_checks
from hvaudit.checks.base import Status, Subject, confirm_question
from hvaudit.cli import main
from hvaudit.engine import Assessment
from hvaudit.waivers import apply_attestations, load_attestations

FIXTURES = Path(__file__).parent / "fixtures"
YES_NO = ("Is ", "Are ", "Does ", "Do ", "Has ", "Have ", "Can ")
MANUAL = {c.meta.id for c in all_checks() if c.meta.automation == "manual"}
# A question whose truthful "yes" is the bad case ("Is any ... ?" with "Pass: none"): an
# attestation's "yes" passes it (R21W-1).
NAYS = re.compile(r"(no|none|not|neither|never)\b", re.IGNORECASE)
ANY_ASKED = re.compile(r"(Is|Are|Does|Do|Has|Have|Can) any\b")


def shape_problems(question: str | None) -> list[str]:
    """What keeps `question` from being one attestable question with its evidence and criterion."""
    q = question or ""
    problems = []
    if q.count("?") != 1:
        problems.append(f"{q.count('?')} question marks, not 1")
    if not q.startswith(YES_NO):
        problems.append("not a yes/no question")
    mark, evidence, criterion = q.find("?"), q.find(" Evidence: "), q.find(" Pass: ")
    if not 0 <= mark < evidence < criterion:
        problems.append("not in the order: question? Evidence: ... Pass: ...")
    if "; fail: " not in q[criterion:]:
        problems.append("Pass: names no fail case")
    passes, _, fails = q[criterion + len(" Pass: ") :].partition("; fail: ")
    if criterion >= 0 and (NAYS.match(passes) or fails.startswith("yes") or ANY_ASKED.match(q)):
        problems.append('"yes" would fail it')
    return problems


def report_problems(results: list[dict[str, Any]]) -> dict[tuple[str, str], list[str]]:
    """Each manual result of a manual check in a JSON report, with its question's problems."""
    return {
        (r["check_id"], r["subject"]["name"]): p
        for r in results
        if r["check_id"] in MANUAL and r["status"] == "manual"
        if (p := shape_problems(r.get("question")))
    }


def manual_problems(results: list[dict[str, Any]]) -> dict[tuple[str, str], list[str]]:
    """Each manual result in a JSON report, of any check (a manual check's own question or the
    one an automatic check puts on its result), with its question's problems."""
    return {
        (r["check_id"], r["subject"]["name"]): p
        for r in results
        if r["status"] == "manual"
        if (p := shape_problems(r.get("question")))
    }


def assessment_problems(a: Assessment) -> dict[tuple[str, str], list[str]]:
    return {
        (r.check.id, r.outcome.subject.name): p
        for r in a.results
        if r.check.id in MANUAL and r.status is Status.MANUAL
        if (p := shape_problems(r.outcome.question))
    }


def all_problems(a: Assessment) -> dict[tuple[str, str], list[str]]:
    """Every manual result of an assessment, of any check, with its question's problems."""
    return {
        (r.check.id, r.outcome.subject.name): p
        for r in a.results
        if r.status is Status.MANUAL
        if (p := shape_problems(r.outcome.question))
    }


def test_every_manual_check_declares_one_attestable_question() -> None:
    problems = {
        c.meta.id: shape_problems(c.meta.question)
        for c in all_checks()
        if c.meta.automation == "manual" and shape_problems(c.meta.question)
    }
    assert problems == {}


def test_shape_rejects_what_an_attestation_cannot_answer() -> None:
    ok = "Is it on? Evidence: the screen. Pass: yes; fail: no."
    assert shape_problems(ok) == []
    assert shape_problems("Which tool watches the VMs? Evidence: x. Pass: named; fail: none.") == [
        "not a yes/no question"
    ]
    assert shape_problems("Is it on, and is it logged? Evidence: x. Pass: yes; fail: no.") == []
    assert shape_problems("Is it on? Is it logged? Evidence: x. Pass: yes; fail: no.") == [
        "2 question marks, not 1"
    ]
    assert shape_problems("Is it on?") == [
        "not in the order: question? Evidence: ... Pass: ...",
        "Pass: names no fail case",
    ]


# A VM on a host bridge without port isolation and without <launchSecurity>: HVA-067 and HVA-197
# put their own question on the result.
BRIDGED_VM = domain_xml(
    "web01",
    "<devices><interface type='bridge'><mac address='52:54:00:aa:00:01'/>"
    "<source bridge='br0'/><model type='virtio'/></interface></devices>",
)
LIBVIRT_HOST_ITEMS = {"HVA-002", "HVA-023", "HVA-101", "HVA-110", "HVA-120", "HVA-170", "HVA-212"}
LIBVIRT_HOST_ITEMS |= {"HVA-235", "HVA-236", "HVA-237", "HVA-250", "HVA-251"}


def test_every_manual_item_on_a_libvirt_host_has_the_shape(host_scan) -> None:
    a = host_scan(domains=[BRIDGED_VM])
    asked = {(r.check.id, r.outcome.subject.name) for r in a.results if r.status is Status.MANUAL}
    assert {(c, "hv1") for c in LIBVIRT_HOST_ITEMS} | {
        ("HVA-067", "web01"),
        ("HVA-197", "web01"),
    } <= asked
    assert assessment_problems(a) == {}


def test_every_manual_item_on_a_libvirt_host_can_be_attested(host_scan, tmp_path: Path) -> None:
    a = host_scan(domains=[BRIDGED_VM])
    items = {
        (r.check.id, r.outcome.subject.type, r.outcome.subject.name)
        for r in a.results
        if r.check.id in MANUAL and r.status is Status.MANUAL
    }
    answers = tmp_path / "attestations.toml"
    answers.write_text(
        "".join(
            f'[[attestation]]\ncheck = "{c}"\nsubject = "{t}:{n}"\nanswer = "yes"\n'
            'attested_by = "auditor@example.com"\nattested_at = 2026-11-01\nvalid_days = 365\n'
            f'evidence = "answer to {c}"\n\n'
            for c, t, n in sorted(items)
        )
    )
    apply_attestations(a, load_attestations(answers), dt.date(2026, 11, 30))
    after = {
        (r.check.id, r.outcome.subject.type, r.outcome.subject.name): r.status.value
        for r in a.results
        if (r.check.id, r.outcome.subject.type, r.outcome.subject.name) in items
    }
    assert after == dict.fromkeys(items, "pass")


def _scan(target: str, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    main(["scan", "--connect", target, "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    results: list[dict[str, Any]] = json.loads(out)["results"]
    return results


def test_every_manual_item_on_a_proxmox_node_has_the_shape(
    capsys: pytest.CaptureFixture[str],
) -> None:
    results = _scan(f"pve+dir://{FIXTURES / 'proxmox-node'}", capsys)
    asked = {r["check_id"] for r in results if r["status"] == "manual" and r["check_id"] in MANUAL}
    assert {"HVA-002", "HVA-023", "HVA-110", "HVA-120", "HVA-170", "HVA-212", "HVA-250"} <= asked
    assert report_problems(results) == {}
    # Proxmox VE runs QEMU/KVM without libvirt: the observation does not say "via libvirt"
    hosted = next(r for r in results if r["check_id"] == "HVA-002")
    assert hosted["message"] == "QEMU/KVM (Proxmox VE): a kernel hypervisor in a general-purpose OS"


def test_every_manual_item_of_offline_vmx_files_has_the_shape(
    capsys: pytest.CaptureFixture[str],
) -> None:
    results = _scan(f"vmx+dir://{FIXTURES / 'vmx'}", capsys)
    asked = {
        (r["check_id"], r["subject"]["name"])
        for r in results
        if r["status"] == "manual" and r["check_id"] in MANUAL
    }
    assert ("HVA-442", "web-01") in asked
    assert report_problems(results) == {}


# Manual items that automatic checks raise when the evidence is not there: unknown() asks whether
# the check's condition holds; a host-dependent VM check asks for the exact host setting. Each is
# produced below through the real collector, parser and engine (a replayed host, libvirt's test
# driver as a simulated host, offline .vmx files; vSphere in test_vsphere.py) and must have the
# shape.

#: Domains whose host-dependent verdicts a replayed host (hv1) cannot settle from what it shows.
REPLAYED_DOMAINS = [
    # VNC on every address without a password, SASL on in qemu.conf: /etc/sasl2 decides
    domain_xml("sasl", "<devices><graphics type='vnc' port='5901' listen='0.0.0.0'/></devices>"),
    # a writable virtiofs share: where the directory is mounted decides
    domain_xml(
        "share",
        "<memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking><devices>"
        "<filesystem type='mount' accessmode='passthrough'><driver type='virtiofs'/>"
        "<source dir='/srv/share'/><target dir='share'/></filesystem></devices>",
    ),
    # an SR-IOV VF the host does not list: its spoofchk/trust and its PF's VEPA mode decide
    domain_xml(
        "vf",
        "<devices><interface type='hostdev' managed='yes'><mac address='52:54:00:bb:00:01'/>"
        "<source><address type='pci' domain='0x0000' bus='0x3b' slot='0x02' function='0x1'/>"
        "</source></interface></devices>",
    ),
    # macvtap in VEPA mode: the switch port behind eno3 decides spoofing
    domain_xml(
        "macvtap",
        "<devices><interface type='direct'><mac address='52:54:00:bb:00:02'/>"
        "<source dev='eno3' mode='vepa'/><model type='virtio'/></interface></devices>",
    ),
    # PCI function 0000:00:1f.0 shares IOMMU group 3 with 0000:00:1f.3, whose driver is unread
    domain_xml(
        "gpu",
        "<devices><hostdev mode='subsystem' type='pci' managed='yes'><source>"
        "<address domain='0x0000' bus='0x00' slot='0x1f' function='0x0'/></source></hostdev>"
        "</devices>",
    ),
]
REPLAYED_ASKED = {
    ("HVA-031", "sasl"),
    ("HVA-043", "hv1"),
    ("HVA-050", "vf"),
    ("HVA-050", "gpu"),
    ("HVA-054", "share"),  # running, and no QEMU log start for it
    ("HVA-058", "share"),
    ("HVA-182", "hv1"),
    ("HVA-191", "vf"),
    ("HVA-191", "macvtap"),
    ("HVA-194", "vf"),
    ("HVA-195", "hv1"),
    ("HVA-230", "hv1"),
}
#: Domains on libvirt's test driver (a simulated host: no qemu.conf, no host facts).
SIMULATED_DOMAINS = [
    domain_xml(
        "console",
        "<devices><graphics type='vnc' port='5902' listen='0.0.0.0'/><serial type='tcp'>"
        "<source mode='bind' host='0.0.0.0' service='4555'/><protocol type='raw'/>"
        "<target port='0'/></serial></devices>",
    ),
    domain_xml("nested", "<cpu mode='host-passthrough'/>"),
    domain_xml(
        "pci",
        "<devices><hostdev mode='subsystem' type='pci' managed='yes'><source>"
        "<address domain='0x0000' bus='0x65' slot='0x00' function='0x0'/></source></hostdev>"
        "</devices>",
    ),
]
SIMULATED_ASKED = {
    ("HVA-031", "console"),  # qemu.conf's vnc_tls, vnc_password, chardev_tls ... decide
    ("HVA-044", "console"),  # no <seclabel>: the host's default driver decides
    ("HVA-046", "console"),  # the test driver drops the QEMU namespace
    ("HVA-049", "nested"),  # host-passthrough: KVM's nested parameter decides
    ("HVA-050", "pci"),  # no IOMMU evidence
    ("HVA-054", "console"),  # no QEMU log
}


def _manual(a: Assessment) -> dict[tuple[str, str], str | None]:
    return {
        (r.check.id, r.outcome.subject.name): r.outcome.question
        for r in a.results
        if r.status is Status.MANUAL
    }


def test_host_dependent_items_of_a_replayed_host_ask_one_attestable_question(host_scan) -> None:
    qemu_conf = HARDENED_HOST["/etc/libvirt/qemu.conf"] + "vnc_sasl = 1\n"
    links = json.loads(HARDENED_HOST["ip-link"][0])
    for link in links:
        if link["ifname"] == "br0":  # a VM bridge on a plain uplink, without VLAN filtering
            link["linkinfo"]["info_data"]["vlan_filtering"] = 0
        if link["ifname"] == "eno2":  # a bond member whose adapter is not reported
            del link["parentdev"]
    a = host_scan(
        {
            "/etc/libvirt/qemu.conf": qemu_conf,
            "secmodel": "smack",  # a MAC driver hvaudit has no enforcement probe for
            "qemu-exe-1200": None,  # a QEMU process whose binary could not be read
            "pci-drivers": None,  # which host driver holds each PCI function: not read
            "ip-link": (json.dumps(links), 0),
        },
        domains=REPLAYED_DOMAINS,
    )
    asked = _manual(a)
    assert set(asked) >= REPLAYED_ASKED, sorted(REPLAYED_ASKED - set(asked))
    assert all_problems(a) == {}
    assert asked[("HVA-050", "gpu")] == (
        "Is each of pci 0000:00:1f.0 on host hv1 in an IOMMU group whose other members are given "
        "to this VM or left unused by the host? Evidence: `ls "
        "/sys/bus/pci/devices/ADDRESS/iommu_group/devices` on the host for each device (no "
        "iommu_group link: the IOMMU is off), and for each other member `cat "
        "/sys/bus/pci/devices/MEMBER/class` and `readlink /sys/bus/pci/devices/MEMBER/driver` "
        "(no link: no driver). Pass: yes, every device has an IOMMU group, and "
        "each other member is given to this VM, has no driver, or is held by vfio-pci (or a vfio "
        "variant) or pci-stub, or is a PCI bridge (class 0x0604xx) held by pcieport; fail: no IOMMU "
        "group, or a member is used by a host driver or another VM."
    )


def test_host_dependent_items_of_a_simulated_host_ask_one_attestable_question(
    tmp_path: Path,
) -> None:
    uri = write_node(tmp_path / "node.xml", SIMULATED_DOMAINS)
    a = run_assessment(build_bundle(tmp_path, uri, None))
    asked = _manual(a)
    assert set(asked) >= SIMULATED_ASKED, sorted(SIMULATED_ASKED - set(asked))
    assert all_problems(a) == {}
    assert asked[("HVA-031", "console")] == (
        "Does /etc/libvirt/qemu.conf on host node set vnc_tls = 1, vnc_password (the default "
        "password of consoles without one), chardev_tls = 1 and chardev_tls_x509_verify = 1 "
        "(client certificates required), and do this VM's raw QEMU arguments, which this "
        "collection could not observe, leave out a console or listener on the network (-vnc, "
        "-spice, -gdb, a TCP, UDP or telnet server of -chardev, -serial, -monitor or -qmp, a "
        "-netdev hostfwd or listen)? Evidence: the first uncommented line of each of these "
        "keys in /etc/libvirt/qemu.conf on node (libvirt reads the first; a key left out takes "
        "the default named here); the VM's <qemu:commandline> in `virsh dumpxml` on host node (a "
        "daemon with the QEMU driver keeps the QEMU namespace). Pass: yes, every one is set so, "
        "and the VM has no raw arguments or none adds one; fail: any is missing or set "
        "otherwise, so a console or socket listed is reachable without it, or a raw argument "
        "adds one."
    )


def test_a_console_password_a_read_only_scan_cannot_see_is_one_question(tmp_path: Path) -> None:
    """A read-only libvirt connection hides console passwords (set or not): HVA-031 asks for the
    exact evidence, not a generic confirmation."""
    vm = domain_xml(
        "hidden",
        "<devices><graphics type='vnc' port='5903' listen='0.0.0.0' passwd='x'/></devices>",
    )
    uri = write_node(tmp_path / "node.xml", [vm])
    a = run_assessment(build_bundle(tmp_path, uri, dict(HARDENED_HOST), secure_xml=False))
    uuid = a.deployment.vms[0].uuid
    assert _manual(a)[("HVA-031", "hidden")] == (
        "Does each network-facing console of this VM have a password? Evidence: `virsh dumpxml "
        f"--security-info {uuid}` on host hv1 (the passwd attribute of each <graphics>; `hvaudit "
        "scan --secure-xml` reads it as set or not), else vnc_password / spice_password in "
        "/etc/libvirt/qemu.conf there. Pass: yes, each has a non-empty password; fail: one has "
        "none or an empty one."
    )
    assert all_problems(a) == {}


def test_apparmor_profiles_a_host_did_not_show_are_one_question(host_scan) -> None:
    """HVA-043 on an AppArmor host whose loaded profiles could not be read (securityfs not
    mounted, no permission): the question names aa-status, not a generic confirmation."""
    a = host_scan({"/sys/kernel/security/apparmor/profiles": None})
    assert _manual(a)[("HVA-043", "hv1")] == (
        "Are the libvirt-<uuid> AppArmor profiles of host hv1's running VMs loaded in enforce "
        "mode? Evidence: `aa-status` there (or /sys/kernel/security/apparmor/profiles). Pass: "
        "yes, one libvirt-<uuid> profile per running VM, each in enforce (or kill) mode; fail: a "
        "running VM has none, or one is in complain mode."
    )
    assert all_problems(a) == {}


def test_each_formerly_unshaped_check_is_asked_somewhere() -> None:
    """The checks whose manual outcomes lacked `Evidence:` and `Pass:` (HVA-031 ... HVA-434):
    each one's manual outcomes are produced by a scan in this file (and the vSphere-only
    questions of HVA-191, 418, 433 and 434 by the simulator's scans in test_vsphere.py)."""
    formerly = {"HVA-031", "HVA-043", "HVA-044", "HVA-046", "HVA-049", "HVA-050", "HVA-054"}
    formerly |= {"HVA-058", "HVA-182", "HVA-191", "HVA-194", "HVA-195", "HVA-230"}
    formerly |= {"HVA-417", "HVA-433", "HVA-434"}
    here = {c for c, _ in REPLAYED_ASKED | SIMULATED_ASKED} | set(OFFLINE_VMX_ASKED)
    assert formerly <= here


OFFLINE_191 = ("HVA-191", "web-01")
#: ESXi host checks whose unread evidence is asked with their own question (their condition is
#: not a yes/no proposition, or needs its exact place named).
OWN_HOST_QUESTIONS = {"HVA-412", "HVA-413", "HVA-418", "HVA-419", "HVA-422", "HVA-423"}
OWN_HOST_QUESTIONS |= {"HVA-425", "HVA-426", "HVA-433", "HVA-434"}
#: What offline .vmx files (no host) leave to a person, per check and subject.
OFFLINE_VMX_ASKED = {
    "HVA-050": "legacy-db",
    "HVA-191": "web-01",
    "HVA-417": "(standard switches)",
    "HVA-418": "(port groups)",
    "HVA-433": "offline-vmx",
    "HVA-434": "offline-vmx",
}


@pytest.mark.parametrize(
    "target",
    ["--demo", "proxmox-node", "proxmox-hardened", "vmx"],
)
def test_manual_items_of_automatic_checks_ask_an_attestable_question(
    target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--demo"] if target == "--demo" else ["--connect", _uri(target)]
    main(["scan", *args, "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    results = json.loads(out)["results"]
    assert manual_problems(results) == {}
    if target == "vmx":
        asked = {(r["check_id"], r["subject"]["name"]) for r in results if r["status"] == "manual"}
        assert set(OFFLINE_VMX_ASKED.items()) <= asked
        # a host the scan could not read is asked about with the exact evidence where the
        # generic confirmation would read "Does this hold for this host: the NTP servers?"
        generic = {
            r["check_id"]
            for r in results
            if r["status"] == "manual" and r["question"].startswith("Does this hold for this")
        }
        assert generic.isdisjoint(OWN_HOST_QUESTIONS), sorted(generic & OWN_HOST_QUESTIONS)
        # the port group's policy lives on the ESXi host: asked there, not at a Linux device
        spoof = next(r for r in results if (r["check_id"], r["subject"]["name"]) == OFFLINE_191)
        assert spoof["question"].startswith(
            "Is MAC, IP and ARP spoofing from this VM stopped at port group 'dmz-web' and beyond "
            "it? Evidence: the port group's security policy on its ESXi host"
        )
    # what the scan could not read is asked as one attestable question (a manual check keeps
    # its own question)
    asked = [
        r
        for r in results
        if r["message"].startswith("evidence unavailable: ") and r["check_id"] not in MANUAL
    ]
    assert asked
    assert [r["check_id"] for r in asked if shape_problems(r["question"])] == []


def test_a_check_may_hand_unknown_its_whole_question() -> None:
    host = Subject("host", "hv1")
    assert confirm_question(host, "only root has uid 0") == (
        "Does this hold for this host: only root has uid 0? Evidence: the setting, file or "
        "command output it names, read where it lives (the message says why the scan could "
        "not). Pass: yes, it holds; fail: it does not."
    )
    own = "does x hold? Evidence: `cmd`. Pass: it does"
    assert (
        confirm_question(host, own)
        == "Does x hold? Evidence: `cmd`. Pass: it does; fail: otherwise."
    )
    assert shape_problems(confirm_question(host, own)) == []


def _uri(fixture: str) -> str:
    scheme = "vmx+dir" if fixture == "vmx" else "pve+dir"
    return f"{scheme}://{FIXTURES / fixture}"


# R21W-1 (false pass by attestation, R21Q-2's class): an attestation answers "yes" (pass) or
# "no" (fail), but some questions asked the bad case ("Is any of these volumes ... inside a
# directory VM ... shares?", "Is any of PCI device(s) ... a storage controller?", "Do Ceph OSDs
# on node ... hold placement groups ...?", "does any Match block ... set DenyUsers ...?", "Is this
# host's CPU affected by any of ...?", "Does /etc/services ... give any of these service names a
# management port?", HVA-197's "Is tap device(s) ... without port isolation?" and "Is any tap of
# VM(s) ...?", HVA-056's "Does any host device path ... lead to the host's TPM?", "May the ports
# of distributed port group ... override ...?", "Can host ... run 32-bit programs?", the Proxmox
# VE default-route altname question with "Pass: no; fail: yes", HVA-197's "Does bridge(s) ... hold
# a port, not isolated, that is no VM's?", "Does this host's kernel load modules at all?" with
# "Pass: CONFIG_MODULES is not set") and an honest "yes" passed the
# fail case. Each is now put so that "yes" passes, and a question whose `Pass:` reads as a "no"
# (no, none, not, neither, never), whose `fail:` reads "yes", or that asks "Is/Does ... any" is a
# shape problem, in every test that checks the shape.
def test_r21w_1_yes_never_answers_the_bad_case() -> None:
    ok = "Is every tap isolated? Evidence: `bridge -d link show`. Pass: yes, each; fail: no."
    assert shape_problems(ok) == []
    for bad in (
        "Is any tap unisolated? Evidence: `bridge -d link show`. Pass: none is; fail: one is.",
        "Do OSDs on h hold them? Evidence: `ceph osd tree`. Pass: none is on h; fail: any is.",
        "Can h run 32-bit programs? Evidence: `uname -m`. Pass: no, it cannot; fail: yes.",
        "Is it off? Evidence: the file. Pass: not set; fail: set.",
    ):
        assert shape_problems(bad) == ['"yes" would fail it'], bad


def test_r21w_1_no_check_source_asks_the_bad_case() -> None:
    """Every question literal under src/hvaudit/checks (adjacent string pieces joined), including
    those only a rare world produces: no `Pass:` that reads as a "no", no `fail: yes`, and no
    question that asks whether any thing is bad."""
    bad = re.compile(
        r"Pass: (?:no|none|not|neither|never)\b|; fail: yes\b"
        r"|question=f?[\"'](?:Is|Are|Does|Do|Has|Have|Can) any\b"
    )
    joined = re.compile(r"[\"']\s*\n\s*\+?\s*f?[\"']")
    src = Path(checks_package.__file__).parent
    hits = [
        f"{p.name}: ...{t[max(0, m.start() - 80) : m.end() + 20]}"
        for p in sorted(src.glob("*.py"))
        for t in [joined.sub("", p.read_text())]
        for m in bad.finditer(t)
    ]
    assert hits == []
