"""Round 43 red-team probes, reviewer T (VM/arch sweep): HVA-048 against running domains.

Harness: the `host_scan` fixture (tests/conftest.py): the hardened replayed host hv1 (qemu.conf
with security_default_confined = 1 and security_require_confined = 1) and domains of the libvirt
test driver's node file, collected by the real LibvirtCollector and judged by the engine; a
domain runs unless it says <test:runstate>5</test:runstate> (test_redteam30_network_probes).

Findings:
- R43T-1 (false pass) HVA-048: qemu.conf read with security_default_confined = 1 and
  security_require_confined = 1 passed "security_default_confined = 1, security_require_confined
  = 1" while a running domain's live XML carried <seclabel type='none' model='apparmor'/> (or
  selinux). libvirt refuses such a label only when the domain starts (libvirt
  src/security/security_manager.c virSecurityManagerGenLabel: "Unconfined guests are not allowed
  on this host" when requireConfined), and the QEMU driver reads qemu.conf once, at the daemon's
  start (src/qemu/qemu_driver.c qemuStateInitialize, virQEMUDriverConfigLoadFile): the running
  VM proves the daemon that started it had the option off, and the file's 1 holds for the
  running daemon only if it was restarted after that edit, which nothing collected shows. Now a
  question naming the VMs and what answers it (the daemon's start against qemu.conf's mtime).

Held:
- the same <seclabel type='none'> on a shut-off domain keeps HVA-048's pass: the setting is
  what refuses it at its next start (it still fails HVA-044).
- a running domain with a DAC-only <seclabel type='none' model='dac'/> kept the pass (HVA-048
  judged MAC confinement only); R44T-1 made it R43T-1's question (the DAC manager gets
  security_require_confined too).
- security_require_confined = 0 with the running unconfined VM still fails (the fail wins over
  the question).

Probed by script: none.

Tally: 1 finding (false pass: HVA-048), 4 tests (5 cases); 2 cases failed on main before the
fix (R43T-1, both models: pass), 3 held (3 cases).

Leads left: HVA-048 with qemu.conf unread and a running <seclabel type='none'> domain is still
the generic "qemu.conf unread" question (it could say that the daemon that started the VM had
the option off); the collector could read the daemon's start time (`ps -o lstart`) and
qemu.conf's mtime to decide R43T-1's question; R40T-5's "a VM's start loads it too" of
kvm_intel/kvm_amd (opening /dev/kvm autoloads kvm.ko by its devname alias only: not confirmed
here); the Proxmox custom-model HVA-049 question still has no test.
"""

from __future__ import annotations

import pytest

from conftest import domain_xml, messages, outcomes

TEST_NS = " xmlns:test='http://libvirt.org/schemas/domain/test/1.0'"
SHUT_OFF = "<test:runstate>5</test:runstate>"
PASS = "security_default_confined = 1, security_require_confined = 1"


def _question(a, check_id: str) -> str | None:
    return next(r.outcome.question for r in a.results if r.check.id == check_id)


@pytest.mark.parametrize("model", ["apparmor", "selinux"])
def test_r43t_1_running_unconfined_domain_asks_for_the_daemons_start(host_scan, model) -> None:
    """R43T-1 (false pass): a running VM with a MAC label of type none proves the daemon that
    started it had security_require_confined off; qemu.conf's 1 does not show the running
    daemon read it."""
    a = host_scan(domains=[domain_xml("web01", f"<seclabel type='none' model='{model}'/>")])
    assert outcomes(a, "HVA-048") == {"hv1": "manual"}
    assert messages(a, "HVA-048") == {
        "hv1": "qemu.conf sets security_default_confined = 1 and security_require_confined = 1, "
        "but VM(s) web01 run with <seclabel type='none'>, which libvirt starts only while "
        "security_require_confined is off: the running daemon may have read qemu.conf before "
        "that edit"
    }
    assert _question(a, "HVA-048") == (
        "Was libvirt's QEMU driver on host hv1 (libvirtd or virtqemud) started after "
        "/etc/libvirt/qemu.conf last changed and after the QEMU of web01? Evidence: `ps -o "
        "lstart= -C libvirtd,virtqemud` against `stat -c '%y %z' /etc/libvirt/qemu.conf` (the "
        "later of the two: `cp -p` keeps an older %y) and each VM's QEMU start (`ps -o lstart= -p` the pid in /run/libvirt/qemu/NAME.pid) on hv1. "
        "Pass: the daemon started later than both, so it refuses unconfined guests (an earlier "
        "daemon started the VMs); fail: it started before either, and runs with the setting "
        "that let them start."
    )
    assert outcomes(a, "HVA-044") == {"web01": "fail"}


def test_r43t_held_shut_off_unconfined_domain_keeps_the_pass(host_scan) -> None:
    """Held: a shut-off domain's type='none' label is what the setting refuses at its start."""
    xml = domain_xml(
        "web01", "<seclabel type='none' model='apparmor'/>" + SHUT_OFF, extra_attrs=TEST_NS
    )
    a = host_scan(domains=[xml])
    assert outcomes(a, "HVA-048") == {"hv1": "pass"}
    assert messages(a, "HVA-048") == {"hv1": PASS}


def test_r43t_held_dac_none_label_keeps_the_pass(host_scan) -> None:
    """Was held: a DAC-only type='none' label kept the pass. R44T-1 (test_redteam44_sweepvm_
    probes): the DAC manager gets security_require_confined too (qemu_driver.c
    qemuSecurityInit), so a running VM with it started while the option was off: asked."""
    a = host_scan(domains=[domain_xml("web01", "<seclabel type='none' model='dac'/>")])
    assert outcomes(a, "HVA-048") == {"hv1": "manual"}


def test_r43t_held_require_off_still_fails(host_scan) -> None:
    """Held: security_require_confined = 0 fails whatever runs."""
    conf = (
        'security_driver = "apparmor"\nsecurity_default_confined = 1\n'
        "security_require_confined = 0\n"
    )
    a = host_scan(
        {"/etc/libvirt/qemu.conf": conf},
        domains=[domain_xml("web01", "<seclabel type='none' model='apparmor'/>")],
    )
    assert outcomes(a, "HVA-048") == {"hv1": "fail"}
    assert messages(a, "HVA-048") == {
        "hv1": "security_default_confined = 1, security_require_confined = 0: guests may start "
        "unconfined"
    }
