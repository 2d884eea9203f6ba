"""Round 46 red-team probes, reviewer T (VM/arch sweep): a VM's label of model none.

Harness: the `host_scan` fixture (tests/conftest.py): the hardened replayed host hv1
(AppArmor, qemu.conf with security_default_confined = 1, security_require_confined = 1) and
domains of the libvirt test driver's node file, collected by the real LibvirtCollector and
judged by the engine; qemu.conf overridden per case.

Findings:
- R46T-1 (wrong fail) HVA-044: a VM whose only MAC label is <seclabel type='none'
  model='none'/> failed "security label none (none): QEMU runs unconfined" on a host whose
  AppArmor driver confines every guest by default. A label of model none is no security
  manager's: libvirt src/security/security_manager.c virSecurityManagerGenLabel looks each
  manager's label up by its driver's name (virDomainDefGetSecurityLabelDef(vm,
  sec_managers[i]->drv->name)) and, where the domain has none, generates a dynamic one when
  virSecurityManagerGetDefaultConfined (security_default_confined) is on, and
  virSecurityManagerCheckModel accepts the model "none" on any host (R44T-5 found the same for
  HVA-048). Now such a label is left out of the VM's MAC labels: the VM gets the host's
  default verdict, as one without a <seclabel>, named "only a <seclabel model='none'> (no
  security driver's label)"; security_default_confined = 0 or security_driver = "none" still
  fail it, and a running VM's live XML with the label libvirt generated passes on that label.

Held (verdicts):
- security_default_confined = 0 fails the same VM (GenLabel skips the generated label).
- security_driver = "none" fails it (the nop driver is the only MAC manager).
- a label of type none without a model (the host's default model) keeps the fail.

Probed by script: none.

Tally: 1 finding (wrong fail: HVA-044), 5 tests (6 cases); 5 cases failed on main before the
fix (the running and shut-off model none VMs and the live XML with AppArmor's generated label:
3 fails that now pass; the two held fails by message only: "security label none (none)" named
the label, not the host setting that leaves the VM unconfined), 3 held (3 cases).

Leads left: R45T-4's _read_at_start_question covers the 'changed after' reason only; where
stat or ps failed ('was not read') the generic question is still asked and a 'yes' read from
the file on disk passes (not probed this round). A dynamic selinux <seclabel> on an AppArmor
host passes HVA-044 as "dynamic selinux label (generated at every start)": libvirt refuses to
start it (virSecurityManagerCheckModel), so a running VM cannot carry it, but a shut-off one
passes on a label it will never get (not probed).
"""

from __future__ import annotations

import pytest

from conftest import domain_xml, messages, outcomes

TEST_NS = " xmlns:test='http://libvirt.org/schemas/domain/test/1.0'"
SHUT_OFF = "<test:runstate>5</test:runstate>"
NONE = "<seclabel type='none' model='none'/>"
GENERATED = (
    "<seclabel type='dynamic' model='apparmor' relabel='yes'><label>libvirt-x</label>"
    "<imagelabel>libvirt-x</imagelabel></seclabel>"
)
HARDENED_CONF = "security_default_confined = 1\nsecurity_require_confined = 1\n"


@pytest.mark.parametrize("state", ["", SHUT_OFF], ids=["running", "shut-off"])
def test_r46t_1_model_none_label_gets_the_hosts_default(host_scan, state) -> None:
    """R46T-1 (wrong fail): a label of model none is no manager's; the AppArmor driver gives the
    VM its dynamic label (security_default_confined = 1)."""
    a = host_scan(domains=[domain_xml("web01", NONE + state, extra_attrs=TEST_NS)])
    assert outcomes(a, "HVA-044") == {"web01": "pass"}
    assert messages(a, "HVA-044") == {
        "web01": "only a <seclabel model='none'> (no security driver's label): driver default, "
        "a dynamic apparmor label (security_default_confined = 1)"
    }


def test_r46t_1_live_xml_with_the_generated_label_passes_on_it(host_scan) -> None:
    """R46T-1: a running VM's live XML holds the label the driver generated beside model none."""
    a = host_scan(domains=[domain_xml("web01", GENERATED + NONE)])
    assert outcomes(a, "HVA-044") == {"web01": "pass"}
    assert messages(a, "HVA-044") == {"web01": "dynamic apparmor label (generated at every start)"}


def test_r46t_held_default_unconfined_fails_the_model_none_vm(host_scan) -> None:
    """Held: with security_default_confined = 0 libvirt generates no label for it."""
    conf = "security_default_confined = 0\nsecurity_require_confined = 0\n"
    a = host_scan({"/etc/libvirt/qemu.conf": conf}, domains=[domain_xml("web01", NONE)])
    assert outcomes(a, "HVA-044") == {"web01": "fail"}
    assert messages(a, "HVA-044") == {
        "web01": "only a <seclabel model='none'> (no security driver's label) and qemu.conf "
        "security_default_confined = 0: the VM starts unconfined"
    }


def test_r46t_held_driver_none_fails_the_model_none_vm(host_scan) -> None:
    """Held: with security_driver = "none" no MAC driver confines it."""
    conf = 'security_driver = "none"\n' + HARDENED_CONF
    a = host_scan({"/etc/libvirt/qemu.conf": conf}, domains=[domain_xml("web01", NONE)])
    assert outcomes(a, "HVA-044") == {"web01": "fail"}
    assert messages(a, "HVA-044") == {
        "web01": "only a <seclabel model='none'> (no security driver's label) and qemu.conf "
        'security_driver = "none": QEMU runs unconfined'
    }


def test_r46t_held_type_none_without_model_keeps_the_fail(host_scan) -> None:
    """Held: type none without a model takes the host's default model: unconfined."""
    a = host_scan(domains=[domain_xml("web01", "<seclabel type='none'/>")])
    assert outcomes(a, "HVA-044") == {"web01": "fail"}
    assert messages(a, "HVA-044") == {
        "web01": "security label none (default): QEMU runs unconfined"
    }
