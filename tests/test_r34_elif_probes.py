"""R34 elif-chain probes: a check whose if/elif chain asks the FIRST open condition of a subject and
stops leaves a second open condition (sometimes a fail further down the chain) unasked, so an
attested "yes" to the first question alone passes the check: a false pass.

HVA-030 was fixed this way (13791e87, tests/test_hva030_joint_question.py, joint_question). Each
probe here builds a subject with two open conditions through the real collector and engine (the
conftest host_scan replay), asserts the first condition's question is the one asked, answers it
"yes" in an attestation TOML read by the CLI's own loader (load_attestations) and applied with
apply_attestations (as `hvaudit scan --attestations` does), and asserts the CORRECT behaviour: the
check does not pass. On main today each one fails (the false pass), so each is marked
xfail(strict=True): the file passes as a whole and turns red once a site is fixed.
The test_*_harness_* tests (not xfail) hold each condition alone, so that a probe's evidence is
known to open both conditions.

The yes-probes attest the question asked now; a fix that joins the questions changes it, so a
probe of a pure question pair must attest the first condition's own question (asked with it
alone) to turn red, as site 2's does (`_attest_yes(..., question=first)`).

Fixed: sites 1 and 2 (HVA-201, management._libvirt_audit_now): the chain now asks every open
condition in one item (checks.base.joined_asks) and a later fail wins; their probes are plain
tests now. Sites 7c (HVA-425) and 7d (HVA-433/HVA-434, vmware.py): every open condition of a
host is asked in one item (joined_asks); their yes-probes attest the first condition's own
question and are plain tests (further vmware/proxmox sites: test_r34_elif_vmware_probes.py).
Sites 4, 4b and 5 (HVA-191 and HVA-192, checks.network): every open condition of a VM's
interfaces is asked in one item; their yes-probes attest the first condition's own question and
are plain tests (further network sites: test_r34_elif_network_probes.py).
Site 3 (HVA-214, hardening._audit_rules_now) likewise, its yes-probe attesting the
runtime rule's own question; site 6 (HVA-230) asks every bond's open condition in the host's
one item, its yes-probe attesting bond0's own question (further sites of hardening.py,
consoles.py and architecture.py: tests/test_r34_elif_hardening_probes.py).
Site 7a (HVA-060, HVA-081: resources._ratio_asks) and site 7b (HVA-132: every
daemon file's question joined): plain tests, the yes-probes attesting the first condition's own
question.

Sites (all reproduced on main e456bd4a):
1. HVA-201 `-s disable` asked, auditd discarding every record (write_logs = no, no plugin) never
   reached: a fail hidden behind a question.
2. HVA-201 a next-boot rule for some processes asked, `-e 0` never; twin: a loaded rule for some
   processes asked, the next boot's certain drop (a fail alone) never.
3. HVA-214 a loaded exclude rule for some processes asked, the next boot's certain drop (a fail
   alone) or `-e 0` never.
4. HVA-191 a vhost-user port's gap asked, another NIC's learned $IP or unread binding never.
5. HVA-192 an untagged OVS port asked, an SR-IOV VF without <vlan> (a question alone) never.
6. HVA-230 bond0 below one root port asked, bond1's unreported adapter never.
7. HVA-060/HVA-081 an unread domain asked, an unread next definition never; HVA-132 one
   daemon's socket asked, another's unread polkit rules never; HVA-425 an admin group asked,
   custom-role (accessOther) principals never; HVA-433/HVA-434 an untagged vmknic asked,
   another host's VM port group on the other vmknic's VLAN never (named in the message only).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from hvaudit.engine import Assessment
from hvaudit.waivers import apply_attestations, load_attestations

TODAY = dt.date(2026, 12, 6)


def _items(a: Assessment, check: str) -> dict[tuple[str, str], tuple[str, str | None]]:
    """(subject type, subject name) -> (status, question) of every result of `check`."""
    return {
        (r.outcome.subject.type, r.outcome.subject.name): (r.status.value, r.outcome.question)
        for r in a.results
        if r.check.id == check
    }


def _attest_yes(
    a: Assessment, check: str, kind: str, name: str, tmp_path: Path, question: str | None = None
) -> list[str]:
    """Answer "yes" to `question` (by default the question the item of (kind, name) asks now,
    which a fix joining the questions also changes: pass the first condition's own question,
    asked with it alone, to probe a fix) through the TOML loader; the attestation states."""
    status, asked = _items(a, check)[(kind, name)]
    question = question or asked
    if status != "manual" or not question:
        return []  # nothing to answer (a fixed check may fail outright)
    f = tmp_path / f"attest-{check}-{name}.toml"
    f.write_text(
        "[[attestation]]\n"
        f'check = "{check}"\nsubject = {json.dumps(f"{kind}:{name}")}\nanswer = "yes"\n'
        'attested_by = "auditor"\nattested_at = 2026-12-01\nvalid_days = 90\n'
        f'evidence = "looked"\nquestion = {json.dumps(question)}\n',
        encoding="utf-8",
    )
    before = len(a.attestations)
    apply_attestations(a, load_attestations(f), TODAY)
    return [x["state"] for x in a.attestations[before:]]


# --- site 1: management.py HVA-201, `-s disable` asked, write_logs = no (a fail) never seen ---------

#: Debian's stock auditd.conf head with write_logs switched off (test_redteam8_host_probes R8H-12).
AUDITD_NO_LOGS = (
    "#\n# This file controls the configuration of the audit daemon\n#\n\nlocal_events = yes\n"
    "write_logs = no\nlog_file = /var/log/audit/audit.log\nlog_group = adm\n"
)


def _disabled_and_discarding(host_scan):
    ps = HARDENED_HOST["processes"][0].replace("/sbin/auditd", "/sbin/auditd -s disable")
    return host_scan({"processes": (ps, 0), "/etc/audit/auditd.conf": AUDITD_NO_LOGS})


def test_site1_harness_each_condition_alone(host_scan) -> None:
    """Held (harness check): `-s disable` alone is a question (R29L-9); write_logs = no with no
    plugin alone is a fail (R8H-12)."""
    ps = HARDENED_HOST["processes"][0].replace("/sbin/auditd", "/sbin/auditd -s disable")
    assert outcomes(host_scan({"processes": (ps, 0)}), "HVA-201") == {"hv1": "manual"}
    a = host_scan({"/etc/audit/auditd.conf": AUDITD_NO_LOGS})
    assert outcomes(a, "HVA-201") == {"hv1": "fail"}, messages(a, "HVA-201")


def test_site1_hva201_disable_at_start_hides_discarding_sink(host_scan) -> None:
    """auditd started with `-s disable` and write_logs = no with no plugin: whatever the kernel's
    enabled flag, auditd keeps none of libvirt's records, so the check fails outright. Main asks
    the `-s disable` question and never reaches the sink."""
    a = _disabled_and_discarding(host_scan)
    assert outcomes(a, "HVA-201") == {"hv1": "fail"}, messages(a, "HVA-201")


def test_site1_hva201_yes_to_disable_question_passes(host_scan, tmp_path: Path) -> None:
    """The false pass itself: "yes, auditing is enabled" to the only question asked passes
    HVA-201 while auditd discards every record."""
    a = _disabled_and_discarding(host_scan)
    asked = _items(a, "HVA-201")[("host", "hv1")][1] or ""
    _attest_yes(a, "HVA-201", "host", "hv1", tmp_path)
    assert outcomes(a, "HVA-201") != {"hv1": "pass"}, asked


# --- site 2: management.py HVA-201, a next-boot rule for some processes asked, `-e 0` never -------

BOOT = str(HARDENED_HOST["audit-rules-files"][0])
VIRT_SOME = "-a always,exclude -F msgtype=VIRT_CONTROL -F uid=1000"
E0 = "/etc/audit/rules.d/99-finalize.rules:-e 0\n"


def _some_virt_dropped_and_e0(host_scan):
    files = BOOT + "".join(
        f"/etc/audit/{f}:{VIRT_SOME}\n" for f in ("audit.rules", "rules.d/05-x.rules")
    )
    return host_scan({"audit-rules-files": (files + E0, 0)})


def test_site2_harness_each_condition_alone(host_scan) -> None:
    """Held: the uid-limited VIRT_CONTROL exclude rule in both boot sets alone is a question
    ("for the processes it matches"); `-e 0` alone is a question (R13H-4)."""
    files = BOOT + "".join(
        f"/etc/audit/{f}:{VIRT_SOME}\n" for f in ("audit.rules", "rules.d/05-x.rules")
    )
    a = host_scan({"audit-rules-files": (files, 0)})
    assert outcomes(a, "HVA-201") == {"hv1": "manual"}, messages(a, "HVA-201")
    assert messages(a, "HVA-201")["hv1"].endswith("for the processes it matches")
    a = host_scan({"audit-rules-files": (BOOT + E0, 0)})
    assert outcomes(a, "HVA-201") == {"hv1": "manual"}, messages(a, "HVA-201")


def test_site2_hva201_yes_to_boot_rule_question_passes(host_scan, tmp_path: Path) -> None:
    """Both open: main asks only whether the uid-limited rule spares libvirt's daemon; "yes"
    passes HVA-201 while the next boot switches auditing off (`-e 0`), never asked."""
    files = BOOT + "".join(
        f"/etc/audit/{f}:{VIRT_SOME}\n" for f in ("audit.rules", "rules.d/05-x.rules")
    )
    first = _items(host_scan({"audit-rules-files": (files, 0)}), "HVA-201")[("host", "hv1")][1]
    a = _some_virt_dropped_and_e0(host_scan)
    asked = _items(a, "HVA-201")[("host", "hv1")][1] or ""
    _attest_yes(a, "HVA-201", "host", "hv1", tmp_path, question=first)
    assert outcomes(a, "HVA-201") != {"hv1": "pass"}, asked


# --- site 3: hardening.py HVA-214, a runtime exclude rule asked, the next boot's drop never -------

PATH_SOME = "-a always,exclude -F msgtype=PATH -F uid=1000"
PATH_ALL = "-a always,exclude -F msgtype=PATH"
WATCHES = str(HARDENED_HOST["audit-rules"][0])


def _runtime_some_and_boot(host_scan, boot_extra: str):
    return host_scan(
        {"audit-rules": (WATCHES + PATH_SOME + "\n", 0), "audit-rules-files": (boot_extra, 0)}
    )


BOOT_DROPS_ALL = BOOT + "".join(
    f"/etc/audit/{f}:{PATH_ALL}\n" for f in ("audit.rules", "rules.d/05-x.rules")
)


def test_site3_harness_each_condition_alone(host_scan) -> None:
    """Held: the loaded uid-limited PATH exclude alone is a question; the next boot's PATH
    exclude in both sets alone is a fail (R24L-5); `-e 0` alone is a question (R13H-4)."""
    a = _runtime_some_and_boot(host_scan, BOOT)
    assert outcomes(a, "HVA-214") == {"hv1": "manual"}, messages(a, "HVA-214")
    assert messages(a, "HVA-214")["hv1"].endswith("for the processes it matches")
    a = host_scan({"audit-rules-files": (BOOT_DROPS_ALL, 0)})
    assert outcomes(a, "HVA-214") == {"hv1": "fail"}, messages(a, "HVA-214")
    a = host_scan({"audit-rules-files": (BOOT + E0, 0)})
    assert outcomes(a, "HVA-214") == {"hv1": "manual"}, messages(a, "HVA-214")


def test_site3_hva214_runtime_question_hides_next_boot_drop(host_scan) -> None:
    """A loaded exclude rule for uid 1000 (a question) and, in both boot sets, an exclude rule of
    every PATH record (a fail alone): the check fails. Main asks the runtime question."""
    a = _runtime_some_and_boot(host_scan, BOOT_DROPS_ALL)
    assert outcomes(a, "HVA-214") == {"hv1": "fail"}, messages(a, "HVA-214")


def test_site3_hva214_yes_to_runtime_question_passes(host_scan, tmp_path: Path) -> None:
    """The false pass: "yes" to the runtime exclude question passes HVA-214 while a rules file
    the next boot loads switches auditing off (`-e 0`), never asked. The runtime rule's own
    question (asked with it alone) is attested: it no longer answers the joint item."""
    first = _items(_runtime_some_and_boot(host_scan, BOOT), "HVA-214")[("host", "hv1")][1]
    a = _runtime_some_and_boot(host_scan, BOOT + E0)
    asked = _items(a, "HVA-214")[("host", "hv1")][1] or ""
    _attest_yes(a, "HVA-214", "host", "hv1", tmp_path, question=first)
    assert outcomes(a, "HVA-214") != {"hv1": "pass"}, asked


def test_site3_hva214_yes_to_runtime_question_passes_over_a_fail(host_scan, tmp_path) -> None:
    """Same with the next boot's certain drop (a fail) behind the question."""
    a = _runtime_some_and_boot(host_scan, BOOT_DROPS_ALL)
    asked = _items(a, "HVA-214")[("host", "hv1")][1] or ""
    _attest_yes(a, "HVA-214", "host", "hv1", tmp_path)
    assert outcomes(a, "HVA-214") != {"hv1": "pass"}, asked


# --- site 4: network.py HVA-191, one NIC's filter gap asked, another NIC's learned $IP never ------

VHU_NIC = (
    "<interface type='vhostuser'><mac address='52:54:00:34:04:01'/><source type='unix' "
    "path='/run/openvswitch/vhu0' mode='client'/><model type='virtio'/></interface>"
)
LEARNER_MAC = "52:54:00:34:04:02"


def _gap_and_learner(tmp_path: Path, *nics: str):
    from test_nwfilter_stock import STOCK
    from test_redteam3_vm_probes import dev, filtered_node

    tmp_path.mkdir(exist_ok=True)
    return filtered_node(
        tmp_path,
        [dev("twonic", "".join(nics), "<memoryBacking><access mode='shared'/></memoryBacking>")],
        dict(STOCK),
    )


def test_site4_harness_each_condition_alone(tmp_path: Path) -> None:
    """Held: the vhost-user port alone is a question (a filter gap: the user-space switch);
    clean-traffic without an IP parameter alone is the learned-address question (R49)."""
    from test_redteam3_vm_probes import nic

    learner = nic("clean-traffic", mac=LEARNER_MAC)
    a = _gap_and_learner(tmp_path / "a", VHU_NIC)
    assert outcomes(a, "HVA-191") == {"twonic": "manual"}, messages(a, "HVA-191")
    assert messages(a, "HVA-191")["twonic"].startswith("vhost-user port")
    a = _gap_and_learner(tmp_path / "b", learner)
    assert outcomes(a, "HVA-191") == {"twonic": "manual"}, messages(a, "HVA-191")
    assert "which no IP parameter sets" in messages(a, "HVA-191")["twonic"]


def test_site4_hva191_yes_to_gap_question_passes_over_learned_ip(tmp_path: Path) -> None:
    """Both open on one VM: main asked only who stops spoofing at the vhost-user port; "yes"
    to it passed HVA-191 though the other NIC's address is whatever the guest uses first (never
    asked). Now one item asks both (joined_asks): "yes" to the gap's own question alone (asked
    with the vhost-user port alone) no longer answers it."""
    from test_redteam3_vm_probes import nic

    first = _items(_gap_and_learner(tmp_path / "f", VHU_NIC), "HVA-191")[("vm", "twonic")][1]
    a = _gap_and_learner(tmp_path / "a", VHU_NIC, nic("clean-traffic", mac=LEARNER_MAC))
    asked = _items(a, "HVA-191")[("vm", "twonic")][1] or ""
    _attest_yes(a, "HVA-191", "vm", "twonic", tmp_path, question=first)
    assert outcomes(a, "HVA-191") != {"twonic": "pass"}, (messages(a, "HVA-191"), asked)
    assert first != asked and "learned" in asked, asked  # one item asks both


# --- site 5: network.py HVA-192, an OVS port's question asked, a VF without <vlan> never ----------

OVS_NIC = (
    "<interface type='bridge'><mac address='52:54:00:34:05:01'/><source bridge='ovs0'/>"
    "<virtualport type='openvswitch'/><model type='virtio'/></interface>"
)
VF_NIC = (
    "<interface type='hostdev' managed='yes'><mac address='52:54:00:34:05:02'/>"
    "<source><address type='pci' domain='0' bus='0x65' slot='0x02' function='0x3'/>"
    "</source></interface>"
)


def _vlan_vm(host_scan, *nics: str):
    from conftest import domain_xml

    return host_scan(domains=[domain_xml("vlans", body=f"<devices>{''.join(nics)}</devices>")])


def test_site5_harness_each_condition_alone(host_scan) -> None:
    """Held: the untagged OVS port alone is a question; the VF without <vlan> alone is one."""
    a = _vlan_vm(host_scan, OVS_NIC)
    assert outcomes(a, "HVA-192") == {"vlans": "manual"}, messages(a, "HVA-192")
    assert messages(a, "HVA-192")["vlans"].startswith("Open vSwitch port(s) without <vlan>")
    a = _vlan_vm(host_scan, VF_NIC)
    assert outcomes(a, "HVA-192") == {"vlans": "manual"}, messages(a, "HVA-192")
    assert messages(a, "HVA-192")["vlans"].startswith("SR-IOV VF(s) without <vlan>")


def test_site5_hva192_yes_to_ovs_question_passes_over_vf(host_scan, tmp_path: Path) -> None:
    """Both on one VM: main asked only about the OVS port's tag; "yes" to it passed HVA-192
    while the VF's port VLAN (none set in libvirt) was never asked. Now one item asks both:
    "yes" to the OVS port's own question (asked with it alone) no longer answers it."""
    first = _items(_vlan_vm(host_scan, OVS_NIC), "HVA-192")[("vm", "vlans")][1]
    a = _vlan_vm(host_scan, OVS_NIC, VF_NIC)
    asked = _items(a, "HVA-192")[("vm", "vlans")][1] or ""
    _attest_yes(a, "HVA-192", "vm", "vlans", tmp_path, question=first)
    assert outcomes(a, "HVA-192") != {"vlans": "pass"}, (messages(a, "HVA-192"), asked)
    assert first != asked and "port VLAN set on its physical function" in asked, (
        asked
    )  # one item asks both


# --- site 6: hardening.py HVA-230, bond0's question asked, bond1's never --------------------------


def _two_bonds(host_scan, bond1_parent: str | None, bond1: bool = True):
    """bond0 (eno1, eno2: two controllers of one card behind its PCIe switch, below one root
    port, R9H-4) and bond1 (ens1f0, ens1f1: adapter reported or not; none without `bond1`)."""
    from conftest import IP_LINK
    from test_redteam9_host_probes import ONE_CARD_PATHS

    links = json.loads(
        IP_LINK.replace('"0000:3b:00.0"', '"0000:3d:00.0"').replace(
            '"0000:5e:00.0"', '"0000:3e:00.0"'
        )
    )
    for n, name in enumerate(("ens1f0", "ens1f1") if bond1 else ()):
        link = {
            "ifindex": 20 + n,
            "ifname": name,
            "master": "bond1",
            "linkinfo": {"info_slave_kind": "bond"},
        }
        if bond1_parent is not None:
            link |= {"parentbus": "pci", "parentdev": f"{bond1_parent}.{n}"}
        links.append(link)
    if bond1:
        links.append({"ifindex": 22, "ifname": "bond1", "linkinfo": {"info_kind": "bond"}})
    return host_scan({"ip-link": (json.dumps(links), 0), "net-devices": ONE_CARD_PATHS})


def test_site6_harness_each_condition_alone(host_scan) -> None:
    """Held: bond0 below one root port is a question (R9H-4); bond1's two ports on one PCI
    device (0000:81:00) are a fail; with the adapter of bond1 not reported, bond0's question is
    the only one (the open condition this site hides)."""
    a = _two_bonds(host_scan, "0000:81:00")
    assert outcomes(a, "HVA-230") == {"hv1": "fail"}, messages(a, "HVA-230")
    assert "bond1" in messages(a, "HVA-230")["hv1"]
    a = _two_bonds(host_scan, None)
    assert outcomes(a, "HVA-230") == {"hv1": "manual"}, messages(a, "HVA-230")


def test_site6_hva230_yes_to_bond0_question_passes_over_bond1(host_scan, tmp_path: Path) -> None:
    """bond0's members below one root port (asked) and bond1's members of an adapter not
    reported: main asks only about bond0, and "yes, different cards" passes HVA-230 with
    bond1's adapter never asked. bond0's own question (asked with bond0 alone) is attested."""
    first = _items(_two_bonds(host_scan, None, bond1=False), "HVA-230")[("host", "hv1")][1]
    a = _two_bonds(host_scan, None)
    asked = _items(a, "HVA-230")[("host", "hv1")][1] or ""
    assert _attest_yes(a, "HVA-230", "host", "hv1", tmp_path, question=first) == ["stale"]
    assert outcomes(a, "HVA-230") != {"hv1": "pass"}, (messages(a, "HVA-230"), asked)


# --- site 7a: resources.py HVA-060, an unread domain asked, an unread next definition never -------


@pytest.mark.parametrize("check", ["HVA-060", "HVA-081"])
def test_site7a_harness_each_condition_alone(tmp_path: Path, check: str) -> None:
    """Held: a refused domain alone is the unread-guests question (R28D-1); db01's persistent
    definition not read alone is the next-definition question (R30D-7). HVA-081 shares both."""
    from test_redteam30_domain_probes import _scan

    a = _scan(tmp_path, refused=True)
    assert outcomes(a, check) == {"hv1": "manual"}
    assert "their configuration not read" in messages(a, check)["hv1"]
    a = _scan(tmp_path, others=("db01",), next_failed=("db01",))
    assert outcomes(a, check) == {"hv1": "manual"}
    assert (
        "their persistent definition (what they start from next) not read"
        in (messages(a, check)["hv1"])
    )


@pytest.mark.parametrize("check", ["HVA-060", "HVA-081"])
def test_site7a_yes_to_unread_guests_passes_over_unread_next(tmp_path: Path, check: str) -> None:
    """A refused domain and db01 (running) whose persistent definition was not read: main asked
    only about the refused domain; "yes, with it the ratio stays within" passed the check while
    what db01 starts from next (maybe more memory and vCPUs) was never asked. Both are asked in
    one item now, so a "yes" to the unread guests' question alone does not pass it."""
    from test_redteam30_domain_probes import _scan

    first = _items(_scan(tmp_path, refused=True), check)[("host", "hv1")][1]
    a = _scan(tmp_path, refused=True, others=("db01",), next_failed=("db01",))
    asked = _items(a, check)[("host", "hv1")][1] or ""
    _attest_yes(a, check, "host", "hv1", tmp_path, question=first)
    assert outcomes(a, check) == {"hv1": "manual"}, (messages(a, check), asked)
    assert first and asked != first, asked
    assert asked.startswith(
        "Counting the VMs of host hv1 whose definition was not read, and the persistent "
        "definitions of the running VMs of host hv1 whose persistent definition was not read "
        "(what each starts from next), is the "
    ), asked
    assert (
        "their persistent definition (what they start from next) not read"
        in (messages(a, check)["hv1"])
    )


# --- site 7b: management.py HVA-132, one daemon's socket asked, another's polkit rules never -------

POLKIT_UNREAD = {"polkit-rules": ("", 2, "grep: /etc/polkit-1/rules.d: Permission denied\n")}


def _modular(host_scan, proxy_auth: str, polkit_unread: bool):
    """The modular daemons (test_redteam_probes MODULAR): virtqemud.conf polkit (the rules
    unreadable or not), virtproxyd.conf auth_unix_rw = `proxy_auth`; virtproxyd.socket enabled
    and its socket's mode not collected."""
    from test_redteam_probes import MODULAR

    return host_scan(
        {
            **MODULAR,
            **(POLKIT_UNREAD if polkit_unread else {}),
            "/etc/libvirt/virtqemud.conf": 'auth_unix_rw = "polkit"\n',
            "/etc/libvirt/virtproxyd.conf": f'auth_unix_rw = "{proxy_auth}"\n',
        }
    )


def test_site7b_harness_each_condition_alone(host_scan) -> None:
    """Held: virtproxyd's socket with auth none, its mode set by its unit (not read), alone is
    the socket question; the polkit rules unreadable alone are the rules question (R23P-4)."""
    a = _modular(host_scan, "none", polkit_unread=False)
    assert outcomes(a, "HVA-132") == {"hv1": "manual"}, messages(a, "HVA-132")
    assert "virtproxyd.socket creates the socket" in messages(a, "HVA-132")["hv1"]
    a = _modular(host_scan, "polkit", polkit_unread=True)
    assert outcomes(a, "HVA-132") == {"hv1": "manual"}, messages(a, "HVA-132")
    assert "the polkit rules were not read" in messages(a, "HVA-132")["hv1"]


def test_site7b_hva132_yes_to_socket_question_passes_over_polkit(host_scan, tmp_path) -> None:
    """Both open: main asked only whether the administrators alone can write to the socket;
    "yes" passed HVA-132 while the unread polkit rules (which may grant
    org.libvirt.unix.manage to every account on virtqemud's socket) were never asked. Both are
    asked in one item now: a "yes" to the socket's question alone does not pass it."""
    first = _items(_modular(host_scan, "none", polkit_unread=False), "HVA-132")[("host", "hv1")]
    a = _modular(host_scan, "none", polkit_unread=True)
    asked = _items(a, "HVA-132")[("host", "hv1")][1] or ""
    _attest_yes(a, "HVA-132", "host", "hv1", tmp_path, question=first[1])
    message = messages(a, "HVA-132")["hv1"]
    assert outcomes(a, "HVA-132") == {"hv1": "manual"}, (message, asked)
    assert first[1] and asked.startswith(first[1].split("? Evidence:")[0]), asked
    assert "does every polkit rule that grants org.libvirt.unix.manage" in asked
    assert "virtproxyd.socket creates the socket" in message, message
    assert "virtqemud.conf: auth_unix_rw = polkit, but the polkit rules were not read" in message


# --- site 7c: vmware.py HVA-425, an admin group's question asked, custom-role principals never -----


def _esx_access(tmp_path: Path, *, group: bool, custom: tuple[str, ...]):
    from test_redteam13_vmw_probes import _vsphere

    entries = [{"principal": "root", "group": False, "mode": "accessAdmin"}]
    if group:
        entries.append({"principal": "CORP\\vsphere-admins", "group": True, "mode": "accessAdmin"})
    entries += [{"principal": p, "group": False, "mode": "accessOther"} for p in custom]
    tmp_path.mkdir(exist_ok=True)
    return _vsphere(tmp_path, {"host_access": {"entries": entries, "lockdown_exceptions": []}})


def test_site7c_harness_each_condition_alone(tmp_path: Path) -> None:
    """Held: an admin group alone is the group-members question (V13-7); root with custom-role
    principals ops1 and ops2 (3 if they administer, within 3) pass."""
    a = _esx_access(tmp_path / "a", group=True, custom=())
    assert outcomes(a, "HVA-425") == {"esx1": "manual"}, messages(a, "HVA-425")
    a = _esx_access(tmp_path / "b", group=False, custom=("ops1", "ops2"))
    assert outcomes(a, "HVA-425") == {"esx1": "pass"}, messages(a, "HVA-425")


def test_site7c_hva425_yes_to_group_question_passes_over_custom_roles(tmp_path: Path) -> None:
    """root, an admin group and ops1, ops2 with custom roles (accessOther, V13-2): main asked
    only whether the group's members keep the count within 3; "yes" (the group holds one
    account: 2 accounts) passed HVA-425, while ops1 and ops2, if their roles administer the
    host, make 4: never asked. Fixed: both are asked in one item, and a "yes" to the group's
    own question (asked with the group alone) answers it no longer."""
    first = _items(_esx_access(tmp_path / "g", group=True, custom=()), "HVA-425")
    a = _esx_access(tmp_path / "a", group=True, custom=("ops1", "ops2"))
    asked = _items(a, "HVA-425")[("host", "esx1")][1] or ""
    _attest_yes(a, "HVA-425", "host", "esx1", tmp_path, question=first[("host", "esx1")][1])
    assert outcomes(a, "HVA-425") == {"esx1": "manual"}, (messages(a, "HVA-425"), asked)
    assert "ops1, ops2" in asked and "CORP\\vsphere-admins" in asked, asked
    assert messages(a, "HVA-425")["esx1"] == (
        "2 principal(s) with host administration (CORP\\vsphere-admins, root): group(s) "
        "CORP\\vsphere-admins among them, whose members are not read; with other roles on the "
        "host (accessOther): ops1, ops2: whether they administer it is not read"
    )


# --- site 7d: vmware.py HVA-433 / HVA-434, an untagged vmknic asked, another host's VLAN never ----


def _vmk_hosts(tmp_path: Path, traffic: str, *, untagged: bool, legacy_vlan: int):
    """esx1: vmk0 on port group "Svc A" (vSwitch0, VLAN 20) and, when `untagged`, vmk1 on "Svc
    B" (vSwitch1, untagged, alone there), both tagged for `traffic`; esx2: its management on
    VLAN 30 and a VM port group Legacy on VLAN `legacy_vlan` (V13-6's harness)."""
    from hvaudit.bundle import BundleWriter
    from test_redteam13_vmw_probes import SECURE, _mgmt_host

    def pg(name: str, switch: str, vlan: int) -> dict:
        return {"name": name, "switch": switch, "vlan": [vlan], "trunk": False, "security": SECURE}

    nics = [{"device": "vmk0", "portgroup": "Svc A", "dvs_portgroup": ""}]
    groups = [pg("Svc A", "vSwitch0", 20)]
    if untagged:
        nics.append({"device": "vmk1", "portgroup": "Svc B", "dvs_portgroup": ""})
        groups.append(pg("Svc B", "vSwitch1", 0))
    esx1 = {
        "name": "esx1",
        "portgroups": groups,
        "vmknics": nics,
        "vmknic_traffic": {traffic: [n["device"] for n in nics]},
    }
    esx2 = _mgmt_host("esx2", 30, pg("Legacy", "vSwitch0", legacy_vlan))
    tmp_path.mkdir(exist_ok=True)
    writer = BundleWriter(tmp_path / "b", target="vsphere://vc.example", platform="vmware-esxi")
    for hid, record in (("host-1", esx1), ("host-2", esx2)):
        writer.add(f"vmware/hosts/{hid}.json", json.dumps(record).encode(), origin="t")
    bundle = writer.close(complete=True)
    assert bundle is not None
    from conftest import run_assessment

    return run_assessment(bundle)


VMK_SITES = [("HVA-433", "management"), ("HVA-434", "vmotion")]


@pytest.mark.parametrize(("check", "traffic"), VMK_SITES)
def test_site7d_harness_each_condition_alone(tmp_path: Path, check: str, traffic: str) -> None:
    """Held: vmk0 on VLAN 20 that esx2's VM port group Legacy carries alone is the other-hosts
    question (V13-6); the untagged vmk1 alone (Legacy elsewhere) is the physical-switch one;
    neither: pass."""
    a = _vmk_hosts(tmp_path / "a", traffic, untagged=False, legacy_vlan=20)
    assert outcomes(a, check)["esx1"] == "manual", messages(a, check)
    assert messages(a, check)["esx1"] == "vmk0 VLAN 20 is also on port group Legacy of host esx2"
    a = _vmk_hosts(tmp_path / "b", traffic, untagged=True, legacy_vlan=40)
    assert outcomes(a, check)["esx1"] == "manual", messages(a, check)
    assert "vmk1 (port group Svc B)" in messages(a, check)["esx1"]
    a = _vmk_hosts(tmp_path / "c", traffic, untagged=False, legacy_vlan=40)
    assert outcomes(a, check)["esx1"] == "pass", messages(a, check)


@pytest.mark.parametrize(("check", "traffic"), VMK_SITES)
def test_site7d_yes_to_untagged_question_passes_over_remote_vlan(
    tmp_path: Path, check: str, traffic: str
) -> None:
    """Both open on esx1: the message named both, but the question asked only whether the
    untagged segment is dedicated at the physical switch; "yes" passed the check while whether
    esx2's VM port group Legacy shares VLAN 20 on one physical network was never asked. Fixed:
    both are asked in one item; a "yes" to the untagged question alone (asked with vmk1 alone)
    answers it no longer."""
    first = _items(_vmk_hosts(tmp_path / "f", traffic, untagged=True, legacy_vlan=40), check)
    a = _vmk_hosts(tmp_path / "a", traffic, untagged=True, legacy_vlan=20)
    asked = _items(a, check)[("host", "esx1")][1] or ""
    _attest_yes(a, check, "host", "esx1", tmp_path, question=first[("host", "esx1")][1])
    assert outcomes(a, check)["esx1"] == "manual", (messages(a, check)["esx1"], asked)
    assert "other hosts" in asked and "physical switch" in asked, asked
    assert messages(a, check)["esx1"] == (
        "vmk1 (port group Svc B): "
        + ("untagged" if check == "HVA-433" else "VLAN 0")
        + "; vmk0 VLAN 20 is also on port group Legacy of host esx2"
    )


# --- site 2 (twin of site 3 on HVA-201): a loaded rule for some processes asked, the next boot's
# certain drop (a fail alone) never ---------------------------------------------------------------

VIRT_ALL = "-a always,exclude -F msgtype=VIRT_CONTROL"


def _runtime_virt_some_and_boot_drop(host_scan):
    files = BOOT + "".join(
        f"/etc/audit/{f}:{VIRT_ALL}\n" for f in ("audit.rules", "rules.d/05-x.rules")
    )
    return host_scan(
        {"audit-rules": (WATCHES + VIRT_SOME + "\n", 0), "audit-rules-files": (files, 0)}
    )


def test_site2b_harness_each_condition_alone(host_scan) -> None:
    """Held: the loaded uid-limited VIRT_CONTROL exclude alone is a question; the next boot's
    VIRT_CONTROL exclude in both sets alone is a fail (R24L-4)."""
    a = host_scan({"audit-rules": (WATCHES + VIRT_SOME + "\n", 0)})
    assert outcomes(a, "HVA-201") == {"hv1": "manual"}, messages(a, "HVA-201")
    files = BOOT + "".join(
        f"/etc/audit/{f}:{VIRT_ALL}\n" for f in ("audit.rules", "rules.d/05-x.rules")
    )
    a = host_scan({"audit-rules-files": (files, 0)})
    assert outcomes(a, "HVA-201") == {"hv1": "fail"}, messages(a, "HVA-201")


def test_site2b_hva201_runtime_question_hides_next_boot_drop(host_scan) -> None:
    """The loaded rule for uid 1000 (a question) and the next boot's exclusion of every
    VIRT_CONTROL record (a fail alone): the check fails. Main asks the runtime question."""
    a = _runtime_virt_some_and_boot_drop(host_scan)
    assert outcomes(a, "HVA-201") == {"hv1": "fail"}, messages(a, "HVA-201")


def test_site2b_hva201_yes_to_runtime_question_passes_over_a_fail(host_scan, tmp_path) -> None:
    """The false pass: "yes, the rule leaves the daemon alone" passes HVA-201 while the next
    boot drops every VIRT_CONTROL record."""
    a = _runtime_virt_some_and_boot_drop(host_scan)
    asked = _items(a, "HVA-201")[("host", "hv1")][1] or ""
    _attest_yes(a, "HVA-201", "host", "hv1", tmp_path)
    assert outcomes(a, "HVA-201") != {"hv1": "pass"}, asked


# --- site 4 (twin): one NIC's filter gap asked, another's binding (unread) never -----------------


def _gap_and_unread_binding(tmp_path: Path, *nics: str):
    from conftest import run_assessment, write_node
    from test_nwfilter_bindings_unread import LAN, _bundle
    from test_redteam3_vm_probes import dev

    tmp_path.mkdir(exist_ok=True)
    web01 = dev("web01", "".join(nics), "<memoryBacking><access mode='shared'/></memoryBacking>")
    uri = write_node(tmp_path / "n.xml", [web01], [LAN])
    return run_assessment(_bundle(tmp_path, uri, "failed"))


def test_site4b_harness_each_condition_alone(tmp_path: Path) -> None:
    """Held: clean-traffic (with its IP) whose binding listing failed alone is the bindings
    question (R29N-5); the vhost-user port alone is the gap question."""
    from test_nwfilter_bindings_unread import NIC

    a = _gap_and_unread_binding(tmp_path / "a", NIC)
    assert outcomes(a, "HVA-191") == {"web01": "manual"}, messages(a, "HVA-191")
    assert "whether a filter is in force" in messages(a, "HVA-191")["web01"]
    a = _gap_and_unread_binding(tmp_path / "b", VHU_NIC)
    assert outcomes(a, "HVA-191") == {"web01": "manual"}, messages(a, "HVA-191")
    assert messages(a, "HVA-191")["web01"].startswith("vhost-user port")


def test_site4b_hva191_yes_to_gap_question_passes_over_unread_binding(tmp_path: Path) -> None:
    """Both open on web01: main asked only about the vhost-user port; "yes" to it passed HVA-191
    while whether clean-traffic is in force at testnet0 (the bindings listing failed) was never
    asked. Now one item asks both: "yes" to the gap's own question no longer answers it."""
    from test_nwfilter_bindings_unread import NIC

    first = _items(_gap_and_unread_binding(tmp_path / "f", VHU_NIC), "HVA-191")[("vm", "web01")][1]
    a = _gap_and_unread_binding(tmp_path / "a", NIC, VHU_NIC)
    asked = _items(a, "HVA-191")[("vm", "web01")][1] or ""
    _attest_yes(a, "HVA-191", "vm", "web01", tmp_path, question=first)
    assert outcomes(a, "HVA-191") != {"web01": "pass"}, (messages(a, "HVA-191"), asked)
    assert first != asked and "nwfilter-binding-list" in asked, asked  # one item asks both
