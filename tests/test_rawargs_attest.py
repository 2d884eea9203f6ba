"""An attestation that a VM has no raw QEMU arguments answers every question they raised.

Where a collection cannot observe raw QEMU arguments (libvirt's test driver drops the QEMU
namespace), each check that fails on what they add turns its pass or n/a on the domain XML into
a question, "Do this VM's raw QEMU arguments ... leave out <what>?" (tests/test_rawargs_unseen.py),
and HVA-046 asks whether the VM has raw arguments at all. An auditor who reads the definition on
the host and attests HVA-046 "yes" (none) has answered each of those questions of that VM at
once: the XML's verdict stands, resting on that attestation, which the result names
(hvaudit.waivers._answer_unseen_raw_arguments). Before, each check's question needed an
attestation of its own (the demo: 140 manual items without, 132 with such an attestation).

Real pipeline: libvirt's test driver, the real collector, parser, engine and attestation file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import (
    build_bundle,
    domain_xml,
    messages,
    outcomes,
    question_line,
    run_assessment,
    write_node,
)
from hvaudit.engine import Assessment
from hvaudit.waivers import apply_attestations, load_attestations
from test_next_boot import _scan
from test_rawargs_unseen import (
    HARDENED,
    LINKS_UNREAD,
    NET,
    UNSEEN,
    VMS,
    XML_ALONE,
    XML_ALONE_HARDENED,
)

WEB = ("web-1", "web-2", "web-3")
BY = "auditor@example.com"
EVIDENCE = "virsh dumpxml of each VM on hv-sim: no QEMU namespace element"
ATTESTED = f"no raw QEMU arguments, attested ('yes' to HVA-046) by {BY} on 2026-12-01 ({EVIDENCE}); observed: "


def _attest(a: Assessment, tmp_path: Path, *entries: tuple[str, str, str, str]) -> Assessment:
    """Apply an attestation file of (check, subject, answer, attested_at) entries on 2026-12-02."""
    text = "".join(
        f'[[attestation]]\nid = "A-{i}"\ncheck = "{check}"\nsubject = "{subject}"\n'
        f'answer = "{answer}"\nattested_by = "{BY}"\nattested_at = {at}\nvalid_days = 30\n'
        f'evidence = "{EVIDENCE}"\n' + question_line(a, check, subject)
        for i, (check, subject, answer, at) in enumerate(entries, 1)
    )
    path = tmp_path / "attestations.toml"
    path.write_text(text)
    apply_attestations(a, load_attestations(path), dt.date(2026, 12, 2))
    return a


def _scan_of(tmp_path: Path, domains: list[str]) -> Assessment:
    return run_assessment(
        build_bundle(tmp_path, write_node(tmp_path / "hv-sim.xml", domains, [NET]), None)
    )


NONE_FOR_ALL = ("HVA-046", "vm:*", "yes", "2026-12-01")


@pytest.mark.parametrize(
    ("domains", "names", "cases"),
    [(VMS, WEB, XML_ALONE), (HARDENED, ("hard-1", "hard-2", "hard-3"), XML_ALONE_HARDENED)],
    ids=["plain", "hardened"],
)
def test_no_raw_arguments_attested_on_hva046_answers_every_derived_question(
    tmp_path: Path,
    domains: list[str],
    names: tuple[str, ...],
    cases: list[tuple[str, str, str, str]],
) -> None:
    """Before: HVA-046's attestation passed HVA-046 alone; each derived question stayed manual.
    Now each is the XML's pass or n/a, resting on the attestation (named in the message and the
    result's attestation record)."""
    a = _attest(_scan_of(tmp_path, domains), tmp_path, NONE_FOR_ALL)
    assert outcomes(a, "HVA-046") == dict.fromkeys(names, "pass")
    for cid, xml, status, _what in cases:
        if cid in LINKS_UNREAD:
            continue  # a question of its own remains (test_attested_isolation_keeps_the_links_question)
        assert outcomes(a, cid) == dict.fromkeys(names, status), cid
        assert messages(a, cid)[names[0]] == ATTESTED + xml + UNSEEN
        (r,) = [x for x in a.results if x.check.id == cid and x.outcome.subject.name == names[0]]
        assert r.basis == "attested"
        assert r.attested is not None
        assert (r.attested.answer, r.attested.attested_by, r.attested.valid_until) == (
            "yes",
            BY,
            "2026-12-31",
        )
        assert r.attested.evidence == f"HVA-046: no raw QEMU arguments; {EVIDENCE}"
    assert a.attestations[0]["matched"] == str(len(names))


def test_raw_arguments_attested_present_leave_the_questions_open(tmp_path: Path) -> None:
    """HVA-046 answered "no" (the VM has raw arguments): HVA-046 fails and every question of
    what they add stays open, as before."""
    a = _attest(_scan_of(tmp_path, VMS), tmp_path, ("HVA-046", "vm:*", "no", "2026-12-01"))
    assert outcomes(a, "HVA-046") == dict.fromkeys(WEB, "fail")
    for cid, xml, _status, _what in XML_ALONE:
        assert outcomes(a, cid) == dict.fromkeys(WEB, "manual"), cid
        assert messages(a, cid)["web-1"] == xml + UNSEEN


def test_only_the_attested_vms_and_only_while_the_attestation_holds(tmp_path: Path) -> None:
    """An attestation for web-1 answers web-1's questions alone; an expired one none."""
    a = _attest(_scan_of(tmp_path, VMS), tmp_path, ("HVA-046", "vm:web-1", "yes", "2026-12-01"))
    assert outcomes(a, "HVA-046") == {"web-1": "pass", "web-2": "manual", "web-3": "manual"}
    assert outcomes(a, "HVA-405") == {"web-1": "pass", "web-2": "manual", "web-3": "manual"}
    assert outcomes(a, "HVA-056") == {
        "web-1": "not_applicable",
        "web-2": "manual",
        "web-3": "manual",
    }
    (tmp_path / "old").mkdir()
    a = _attest(_scan_of(tmp_path / "old", VMS), tmp_path, ("HVA-046", "vm:*", "yes", "2026-10-01"))
    assert a.attestations[0]["state"] == "expired"
    assert outcomes(a, "HVA-046") == dict.fromkeys(WEB, "manual")
    assert outcomes(a, "HVA-405") == dict.fromkeys(WEB, "manual")


def test_a_fail_and_a_question_answered_on_its_own_stand(tmp_path: Path) -> None:
    """A fail on the XML is never touched (the cirrus card fails HVA-047, the <shmem> HVA-057);
    a derived question already answered by its own attestation keeps that answer."""
    old = domain_xml(
        "old",
        "<devices><video><model type='cirrus'/></video>"
        "<shmem name='ivshmem0'><model type='ivshmem-plain'/><size unit='M'>4</size>"
        "</shmem></devices>",
    )
    a = _attest(
        _scan_of(tmp_path, [old, *VMS]),
        tmp_path,
        ("HVA-405", "vm:web-2", "no", "2026-12-01"),
        NONE_FOR_ALL,
    )
    assert outcomes(a, "HVA-046") == dict.fromkeys(("old", *WEB), "pass")
    assert (outcomes(a, "HVA-047")["old"], messages(a, "HVA-047")["old"]) == (
        "fail",
        "emulated legacy devices: cirrus video",
    )
    assert outcomes(a, "HVA-057") == {"old": "fail", **dict.fromkeys(WEB, "pass")}
    assert outcomes(a, "HVA-405") == {
        "old": "pass",
        "web-1": "pass",
        "web-2": "fail",
        "web-3": "pass",
    }
    assert messages(a, "HVA-405")["web-2"].startswith(f"attested 'no' by {BY} on 2026-12-01")


def test_a_next_starts_own_question_is_not_hidden_behind_an_answered_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The running VM names a q35 machine (HVA-047 passes on the XML: a raw-arguments question);
    its persistent definition names none, so at its next start HVA-047 asks for the machine type.
    Before, the two manual items ranked alike and the running one stood, so HVA-046's attestation
    passed HVA-047 though the next start's question was never asked. Now that question stands."""
    running = HARDENED[0]
    later = running.replace(" machine='pc-q35-8.2'", "", 1)
    assert later != running
    a, _ = _scan(tmp_path, monkeypatch, [running], [later], host=None)
    assert outcomes(a, "HVA-047") == {"hard-1": "manual"}
    assert messages(a, "HVA-047")["hard-1"].startswith(
        "at its next start (its persistent definition differs from the running VM): no floppy"
    )
    a = _attest(a, tmp_path, NONE_FOR_ALL)
    assert outcomes(a, "HVA-046") == {"hard-1": "pass"}
    assert outcomes(a, "HVA-047") == {"hard-1": "manual"}
    (r,) = [x for x in a.results if x.check.id == "HVA-047"]
    assert r.outcome.question is not None
    assert r.outcome.question.startswith("Does VM hard-1 run on a machine type without the ISA")
    # a check whose next start changes nothing is answered as on any other VM
    assert outcomes(a, "HVA-405") == {"hard-1": "pass"}


MACHINE = (
    "Does VM hard-1 run on a machine type without the ISA floppy controller{also}? Evidence: the "
    "machine attribute of <os><type> in `virsh dumpxml hard-1` on host hv-sim{more}. Pass: yes, a "
    "q35 machine (pc-q35-*, q35), microvm or a non-x86 machine{passes}; fail: pc, pc-i440fx-* "
    "or isapc, whose floppy controller is there with no drive attached{fails}."
)
LEGACY = (
    "a legacy device (-device of a floppy, IDE, sound, USB tablet, mouse or redirection, "
    "smartcard, rtl8139, ne2k, pcnet, cirrus or VMware SVGA driver, -vga cirrus or vmware, -fda)"
)
MACHINE_MESSAGE = (
    "no floppy, IDE, sound, USB redirection, smartcard, rtl8139/ne2k/pcnet NIC, cirrus or vmvga (VMware SVGA) "
    "video or USB tablet, mouse or keyboard; the definition names no machine type (libvirt's QEMU driver "
    "always writes the one it picks), and an i440FX machine, QEMU's default on x86, builds a "
    "floppy controller itself"
)


def test_a_checks_own_question_asks_about_unseen_raw_arguments_too(tmp_path: Path) -> None:
    """HVA-047 asks for the machine type of a VM whose definition names none. Before, an
    attested yes to that question passed the VM though a raw `-device rtl8139` it could not see
    fails it (R10-6). Now the question asks both, so its yes answers both; HVA-046's yes makes
    it the machine-type question alone again, naming that attestation."""
    domain = HARDENED[0].replace(" machine='pc-q35-8.2'", "", 1)
    a = _scan_of(tmp_path, [domain])
    assert outcomes(a, "HVA-047") == {"hard-1": "manual"}
    assert messages(a, "HVA-047")["hard-1"] == MACHINE_MESSAGE + UNSEEN
    (r,) = [x for x in a.results if x.check.id == "HVA-047"]
    assert r.outcome.question == MACHINE.format(
        also=", and do this VM's raw QEMU arguments, which this collection could not observe, "
        f"leave out {LEGACY}",
        more="; the VM's <qemu:commandline> in `virsh dumpxml` on host hv-sim (a daemon with the "
        "QEMU driver keeps the QEMU namespace)",
        passes=", and the VM has no raw arguments or none adds one",
        fails=", or a raw argument adds one",
    )
    a = _attest(a, tmp_path, ("HVA-047", "vm:hard-1", "yes", "2026-12-01"))
    assert outcomes(a, "HVA-047") == {"hard-1": "pass"}

    (tmp_path / "b").mkdir()
    a = _attest(_scan_of(tmp_path / "b", [domain]), tmp_path, NONE_FOR_ALL)
    assert outcomes(a, "HVA-047") == {"hard-1": "manual"}
    assert messages(a, "HVA-047")["hard-1"] == MACHINE_MESSAGE + "; " + ATTESTED.removesuffix(
        "; observed: "
    )
    (r,) = [x for x in a.results if x.check.id == "HVA-047"]
    assert r.attested is None
    assert r.outcome.question == MACHINE.format(also="", more="", passes="", fails="")


def test_hva197s_own_question_asks_about_unseen_raw_arguments_too(tmp_path: Path) -> None:
    """HVA-197's question (does the VM need layer-2 traffic with another VM on its bridge?) came
    from the check's metadata, so it was asked alone: now each of its items carries it, and
    where raw arguments are unseen it asks whether they add a bridge port too."""
    vm = _vm_on_bridge()
    a = _scan_of(tmp_path, [vm])
    assert outcomes(a, "HVA-197") == {"br-1": "manual"}
    (r,) = [x for x in a.results if x.check.id == "HVA-197"]
    assert r.outcome.question is not None
    assert r.outcome.question.startswith(
        "Does this VM need layer-2 traffic with another VM on its bridge, and do this VM's raw "
        "QEMU arguments, which this collection could not observe, leave out a port on a host "
        "bridge (-netdev tap or bridge)? Evidence: the application's data-flow"
    )
    a = _attest(a, tmp_path, NONE_FOR_ALL)
    (r,) = [x for x in a.results if x.check.id == "HVA-197"]
    assert r.outcome.question == (
        "Does this VM need layer-2 traffic with another VM on its bridge? Evidence: the "
        "application's data-flow or network design naming the peer VM(s) on that bridge. Pass: "
        "yes, a documented flow to a named peer VM there; fail: no such flow (then set "
        "<port isolated='yes'/> on its interface, or on Proxmox VE put it on a VNet with "
        "isolate-ports)."
    )


def _vm_on_bridge() -> str:
    """A VM with one port on the host bridge br0, not isolated."""
    return domain_xml(
        "br-1",
        "<devices><interface type='bridge'><mac address='52:54:00:00:02:01'/>"
        "<source bridge='br0'/><model type='virtio'/></interface></devices>",
    )


def test_attested_isolation_keeps_the_links_question(tmp_path: Path) -> None:
    """HVA-046's attestation answers the raw arguments only: a hardened VM's isolated port on a
    simulated host, whose links were not read, stays a question about the bridge's ports of no
    VM (a container's veth, a host tap), the attestation named beside it (lead of VL16-4)."""
    a = _attest(_scan_of(tmp_path, HARDENED), tmp_path, NONE_FOR_ALL)
    assert outcomes(a, "HVA-197") == dict.fromkeys(("hard-1", "hard-2", "hard-3"), "manual")
    assert messages(a, "HVA-197")["hard-1"] == (
        LINKS_UNREAD["HVA-197"] + "; " + ATTESTED.removesuffix("; observed: ")
    )
    (r,) = [x for x in a.results if x.check.id == "HVA-197" and x.outcome.subject.name == "hard-1"]
    # asked in one question with the host's routing back into virbr0 (R34W-6: the elif chain
    # asked the bridge's ports alone, and a "yes" passed the routing unasked)
    assert r.outcome.question == (
        "Does every port of bridge(s) virbr0 on host hv-sim that is no VM's show port "
        "isolation, or belong to a documented peer of VM hard-1, and does host hv-sim keep VM "
        "hard-1 from reaching the other VMs of bridge(s) virbr0 by routing, or does VM hard-1 "
        "have a documented flow to each of them? "
        "Evidence: `bridge -d link show` on host hv-sim (each port's `master` and `isolated "
        "on`) and what holds each port (`ip -d link show DEV`); on host hv-sim, `sysctl "
        "net.ipv4.ip_forward net.ipv6.conf.all.forwarding` and the forward rules (`iptables -S "
        "FORWARD`, `iptables -S LIBVIRT_FWX`, `ip6tables -S ...`, or `nft list ruleset`) for a "
        "drop of what enters and leaves the same bridge, ahead of libvirt's accept; the VM's "
        "nwfilter; the application's data-flow design. Pass: yes, every port of no VM "
        "there shows `isolated on`, or belongs to a documented peer of VM hard-1, and the host "
        "forwards no IP, or drops what is routed from each listed bridge back into it, or the VM "
        "has a documented flow to each peer there; fail: no, one does not, so VM hard-1's "
        "isolated port still exchanges frames with it, or the host routes between the bridge's "
        "guests, so the isolated VMs still exchange packets through it."
    )
