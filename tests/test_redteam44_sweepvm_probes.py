"""Round 44 red-team probes, reviewer T (VM/arch sweep): HVA-048 against the running daemon.

Harness: the `host_scan` fixture (tests/conftest.py): the hardened replayed host hv1 (qemu.conf
with security_default_confined = 1 and security_require_confined = 1, the daemon reporting the
apparmor security model in its capabilities unless `secmodel` says otherwise) and domains of
the libvirt test driver's node file, collected by the real LibvirtCollector and judged by the
engine; a domain runs unless it says <test:runstate>5</test:runstate>.

Findings:
- R44T-1 (false pass) HVA-048: a running domain whose live XML carries a DAC label of type none
  (<seclabel type='none' model='dac'/>) beside qemu.conf's security_default_confined = 1 and
  security_require_confined = 1 passed "security_default_confined = 1,
  security_require_confined = 1" (R43T held it: "HVA-048 judges MAC confinement"). libvirt's
  QEMU driver gives its DAC manager the flags it gives the MAC one (src/qemu/qemu_driver.c
  qemuSecurityInit: VIR_SECURITY_MANAGER_REQUIRE_CONFINED set from securityRequireConfined,
  then qemuSecurityNewDAC(..., flags, ...)), and src/security/security_manager.c
  virSecurityManagerGenLabel refuses a type none label of every nested manager ("Unconfined
  guests are not allowed on this host"): the running VM proves the daemon that started it had
  the option off, as R43T-1's MAC label does. Now R43T-1's question. Older test changed
  (separate commit): test_redteam43_sweepvm_probes' held DAC test asserted the pass.

Held:
- the same DAC type none label on a shut-off domain keeps the pass (the setting refuses it at
  its next start).

Probed by script: none.

Tally: 1 finding (false pass: HVA-048), 2 tests (2 cases); 1 case failed on main before the
fix (R44T-1: pass), 1 held.

Leads left: see the report.
"""

from __future__ import annotations

from conftest import domain_xml, messages, outcomes

TEST_NS = " xmlns:test='http://libvirt.org/schemas/domain/test/1.0'"
SHUT_OFF = "<test:runstate>5</test:runstate>"
PASS = "security_default_confined = 1, security_require_confined = 1"


def _question(a, check_id: str) -> str | None:
    return next(r.outcome.question for r in a.results if r.check.id == check_id)


def test_r44t_1_running_dac_none_label_asks_for_the_daemons_start(host_scan) -> None:
    """R44T-1 (false pass): the DAC manager gets security_require_confined too, so a running
    VM with a DAC label of type none started while the option was off."""
    a = host_scan(domains=[domain_xml("web01", "<seclabel type='none' model='dac'/>")])
    assert outcomes(a, "HVA-048") == {"hv1": "manual"}
    assert messages(a, "HVA-048") == {
        "hv1": "qemu.conf sets security_default_confined = 1 and security_require_confined = 1, "
        "but VM(s) web01 run with <seclabel type='none'>, which libvirt starts only while "
        "security_require_confined is off: the running daemon may have read qemu.conf before "
        "that edit"
    }
    assert _question(a, "HVA-048") == (
        "Was libvirt's QEMU driver on host hv1 (libvirtd or virtqemud) started after "
        "/etc/libvirt/qemu.conf last changed? Evidence: `ps -o lstart= -C libvirtd,virtqemud` "
        "against `stat -c %y /etc/libvirt/qemu.conf` on hv1. Pass: the daemon started later, so "
        "it refuses unconfined guests (the running web01 started before it); fail: it started "
        "earlier and still runs with the setting that let them start."
    )


def test_r44t_held_shut_off_dac_none_label_keeps_the_pass(host_scan) -> None:
    """Held: a shut-off domain's DAC type none label is what the setting refuses at its start."""
    xml = domain_xml("web01", "<seclabel type='none' model='dac'/>" + SHUT_OFF, extra_attrs=TEST_NS)
    a = host_scan(domains=[xml])
    assert outcomes(a, "HVA-048") == {"hv1": "pass"}
    assert messages(a, "HVA-048") == {"hv1": PASS}
