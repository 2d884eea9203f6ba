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

- R44T-2 (false pass) HVA-048: qemu.conf's security_default_confined = 1 and
  security_require_confined = 1 passed where the daemon reported the none security model in
  its capabilities (no SELinux or AppArmor driver) and where qemu.conf's own security_driver
  named "none" (`"none"` or `[ "apparmor", "none" ]`). The two exclude each other:
  src/security/security_manager.c virSecurityManagerNew refuses the nop driver, named or
  auto-probed, under VIR_SECURITY_MANAGER_REQUIRE_CONFINED ("Security driver \"none\" cannot
  create confined guests"), and qemuSecurityInit's failure fails qemuStateInitialize
  (src/qemu/qemu_driver.c). A daemon reporting the none model runs with the option off (it
  read qemu.conf before the edit): now a fail. A qemu.conf naming "none" beside the option is
  a file no running QEMU driver read: now a question whether the running one refuses an
  unconfined guest (a transient test domain, or the file in force at its start).

- R44T-3 (false pass) HVA-048: where qemu.conf changed after the daemon started
  (parse.host._changed_since_start, R11H-1: `stat -c %Y` later than `ps -o lstart`) HVA-048
  asked the generic "Does this hold for this host: qemu.conf security_require_confined = 1?",
  whose "yes", read from the file on disk, passed a daemon that runs an earlier file: even one
  reporting the none security model, which R44T-2 shows runs with the option off; a qemu.conf
  that could not be read beside that model was an error. Now the daemon's none model fails
  whatever qemu.conf's state, and a file changed after the start is asked about the version
  the daemon read (its evidence and the two settings' defaults named).

- R44T-4 (false pass) HVA-048: a running VM with <seclabel type='none'> whose QEMU started
  after the running libvirtd (`ps -o lstart`: pid 1200 at 04:05:00, libvirtd pid 700 at
  04:00:00, qemu.conf last changed a week before) got R43T-1's question, "Was the daemon
  started after qemu.conf last changed? ... Pass: the daemon started later", which the bundle
  answers "pass": yet the running daemon started that VM, so it runs with
  security_require_confined off (virSecurityManagerGenLabel refuses the label at every start;
  a restarted daemon only reconnects to a QEMU it finds, qemu_process.c qemuProcessReconnect).
  Where qemu.conf changed after the start it was R44T-3's question. Now a fail naming both
  starts (parse.host._after_daemon: later than every running libvirtd and virtqemud, to the
  second), and R43T-1's question asks for the daemon's start against the VMs' QEMU too.
  Older tests changed (separate commit): R43T-1's question text.

- R44T-5 (wrong fail) HVA-048: R44T-4 failed a host whose running VM, started after the
  daemon, carried <seclabel type='none' model='none'/> (and R43T-1 asked its question where
  the VM started in the daemon's second). A label of model none is no manager's:
  src/security/security_manager.c virSecurityManagerGenLabel looks each manager's label up by
  its driver's name (virDomainDefGetSecurityLabelDef(vm, sec_managers[i]->drv->name)) and
  generates a dynamic one where the domain has none (security_default_confined = 1), and
  virSecurityManagerCheckModel accepts the model "none" on any host: the VM started confined
  and proves nothing of the option. Now such a label is left out: the pass stands.

Held:
- the same DAC type none label on a shut-off domain keeps the pass (the setting refuses it at
  its next start).
- security_driver = "apparmor" named in qemu.conf keeps the pass.
- the daemon's none model with security_require_confined = 0 keeps the plain fail (the
  file's own setting fails first).
- a type none VM started after the daemon with qemu.conf's security_require_confined = 0
  keeps the file's plain fail message.
- a type none VM whose QEMU started in the daemon's own second keeps R43T-1's question (ps
  prints whole seconds: it may have been running when the daemon started).

Probed by script: none.

Tally: 5 findings (false pass: HVA-048 four times; wrong fail: HVA-048), 12 tests (16
cases); 11 cases failed on main before the fixes (R44T-1: 1 pass; R44T-2: 3 passes; R44T-3:
2 questions, 1 error; R44T-4: 2 questions; R44T-5 on 86a2e59a: 1 fail, 1 question), 5 held
(5 cases).

Leads left: R11H-1's class beyond HVA-048: a libvirt file changed after its daemon started
is unavailable, and each other check's generic question ("Does this hold for this host:
qemu.conf X?") is answered from the file on disk, not the version the daemon runs (R44T-3
fixed HVA-048 only); parse.host._changed_since_start and R44T-4 trust mtimes, which `cp -p`,
`rsync -t`, `install -p` or a package's conffile copy from the source: a file older by mtime
than the daemon may have been written after it; R43T-1's question stands where the VM's
QEMU started in the daemon's second or the starts were not read; HVA-044 on a <seclabel
type='none' model='none'/> domain (not probed); the R43 leads on HVA-049 (R40T-5's "a VM's
start loads it too" wording, the Proxmox custom-model question without a test) are still
open.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, domain_xml, messages, outcomes
from test_redteam11_host_probes import AFTER, BEFORE, _mtimes

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
        "/etc/libvirt/qemu.conf last changed and after the QEMU of web01? Evidence: `ps -o "
        "lstart= -C libvirtd,virtqemud` against `stat -c '%y %z' /etc/libvirt/qemu.conf` (the "
        "later of the two: `cp -p` keeps an older %y) and each VM's QEMU start (`ps -o lstart= -p` the pid in /run/libvirt/qemu/NAME.pid) on hv1. "
        "Pass: the daemon started later than both, so it refuses unconfined guests (an earlier "
        "daemon started the VMs); fail: it started before either, and runs with the setting "
        "that let them start."
    )


def test_r44t_held_shut_off_dac_none_label_keeps_the_pass(host_scan) -> None:
    """Held: a shut-off domain's DAC type none label is what the setting refuses at its start."""
    xml = domain_xml("web01", "<seclabel type='none' model='dac'/>" + SHUT_OFF, extra_attrs=TEST_NS)
    a = host_scan(domains=[xml])
    assert outcomes(a, "HVA-048") == {"hv1": "pass"}
    assert messages(a, "HVA-048") == {"hv1": PASS}


HARDENED_CONF = "security_default_confined = 1\nsecurity_require_confined = 1\n"


def test_r44t_2_daemon_reporting_no_mac_model_fails(host_scan) -> None:
    """R44T-2 (false pass): the none driver and security_require_confined exclude each other,
    so a daemon reporting the none model runs with the option off."""
    a = host_scan({"secmodel": "none"})
    assert outcomes(a, "HVA-048") == {"hv1": "fail"}
    assert messages(a, "HVA-048") == {
        "hv1": "qemu.conf sets security_default_confined = 1 and security_require_confined = 1, "
        "but the daemon reports no MAC security model (only DAC): libvirt's QEMU driver does "
        'not start with the "none" security driver while security_require_confined is set, so '
        "the running daemon runs with it off"
    }


@pytest.mark.parametrize("driver", ['"none"', '[ "apparmor", "none" ]'])
def test_r44t_2_conf_naming_the_none_driver_is_asked(host_scan, driver) -> None:
    """R44T-2 (false pass): qemu.conf naming the none driver beside the option is a file the
    running QEMU driver (it reports apparmor) cannot have started with."""
    conf = f"security_driver = {driver}\n" + HARDENED_CONF
    a = host_scan({"/etc/libvirt/qemu.conf": conf})
    assert outcomes(a, "HVA-048") == {"hv1": "manual"}
    assert messages(a, "HVA-048") == {
        "hv1": 'qemu.conf sets security_driver = "none" beside security_require_confined = 1, '
        'which libvirt\'s QEMU driver refuses to start with ("Security driver "none" cannot '
        'create confined guests"): the running daemon (it reports the apparmor model) read an '
        "earlier qemu.conf, whose setting the evidence does not show"
    }
    assert _question(a, "HVA-048") == (
        "Does libvirt's QEMU driver on host hv1 refuse to start an unconfined guest? Evidence: "
        "`virsh create` on hv1 of a transient domain without disks whose definition has "
        "<seclabel type='none'/>, or the qemu.conf in force when libvirtd or virtqemud started "
        "(`ps -o lstart= -C libvirtd,virtqemud` dates it). Pass: libvirt refuses it "
        '("Unconfined guests are not allowed on this host") or that file set '
        "security_require_confined = 1; fail: the guest starts, or that file left the setting "
        "off."
    )


def test_r44t_held_named_apparmor_driver_keeps_the_pass(host_scan) -> None:
    """Held: a MAC driver named in qemu.conf is no contradiction."""
    a = host_scan({"/etc/libvirt/qemu.conf": 'security_driver = "apparmor"\n' + HARDENED_CONF})
    assert outcomes(a, "HVA-048") == {"hv1": "pass"}
    assert messages(a, "HVA-048") == {"hv1": PASS}


def test_r44t_held_no_mac_model_with_require_off_keeps_the_plain_fail(host_scan) -> None:
    """Held: the file's own setting off fails first, whatever the daemon reports."""
    conf = "security_default_confined = 1\nsecurity_require_confined = 0\n"
    a = host_scan({"secmodel": "none", "/etc/libvirt/qemu.conf": conf})
    assert outcomes(a, "HVA-048") == {"hv1": "fail"}
    assert messages(a, "HVA-048") == {
        "hv1": "security_default_confined = 1, security_require_confined = 0: guests may start "
        "unconfined"
    }


#: qemu.conf written after libvirtd (pid 700) started (test_redteam11_host_probes' R11H-1)
CHANGED = {"libvirt-conf-mtimes": _mtimes(AFTER, BEFORE)}
NO_MAC = (
    "the daemon reports no MAC security model (only DAC): libvirt's QEMU driver does not start "
    'with the "none" security driver while security_require_confined is set, so the running '
    "daemon runs with it off"
)


@pytest.mark.parametrize(
    "gap",
    [CHANGED, {"/etc/libvirt/qemu.conf": PermissionError("Permission denied")}],
    ids=["changed-after-start", "unreadable"],
)
def test_r44t_3_no_mac_model_fails_without_the_file(host_scan, gap) -> None:
    """R44T-3 (false pass): the daemon's none model decides without qemu.conf."""
    a = host_scan({**gap, "secmodel": "none"})
    assert outcomes(a, "HVA-048") == {"hv1": "fail"}
    assert messages(a, "HVA-048") == {"hv1": NO_MAC}


def test_r44t_3_changed_file_asks_for_the_version_the_daemon_read(host_scan) -> None:
    """R44T-3 (false pass): the file on disk is not what the daemon runs, so the question
    names the version it read at its start."""
    xml = domain_xml("web01", "<seclabel type='none' model='apparmor'/>")
    a = host_scan(CHANGED, domains=[xml])
    assert outcomes(a, "HVA-048") == {"hv1": "manual"}
    assert messages(a, "HVA-048") == {
        "hv1": "evidence unavailable: /etc/libvirt/qemu.conf was changed at 2024-11-27 05:10:00 "
        "UTC, after libvirtd (pid 700) started at 2024-11-27 04:00:00 UTC; the daemon reads it "
        "only when it starts, so what it runs may differ from the file"
    }
    assert _question(a, "HVA-048") == (
        "Did the qemu.conf libvirt's QEMU driver on host hv1 read when libvirtd or virtqemud "
        "last started set security_default_confined = 1 and security_require_confined = 1? "
        "Evidence: that version of /etc/libvirt/qemu.conf (the configuration management's "
        "history or a backup; `ps -o lstart= -C libvirtd,virtqemud` dates the start), or the "
        "file itself once the daemon has restarted. Pass: security_require_confined = 1 and "
        "security_default_confined = 1 or unset (its default is 1); fail: "
        "security_require_confined = 0 or unset (its default is 0), or "
        "security_default_confined = 0."
    )


def _qemu_started(at: str) -> tuple[str, int]:
    """The hardened host's `ps -eo pid=,lstart=` with web01's QEMU (pid 1200) started at `at`
    on 27 November 2024 (libvirtd, pid 700, started at 04:00:00)."""
    out, rc = HARDENED_HOST["process-starts"]
    line = " 1200 Wed Nov 27 04:00:00 2024"
    assert line in out
    return out.replace(line, f" 1200 Wed Nov 27 {at} 2024"), rc


UNCONFINED = domain_xml("web01", "<seclabel type='none' model='apparmor'/>")
AFTER_DAEMON = (
    "VM web01 runs with <seclabel type='none'> and the running daemon started it (its QEMU (pid "
    "1200) started at 2024-11-27 04:05:00 UTC, after libvirtd (pid 700) started at 2024-11-27 "
    "04:00:00 UTC): libvirt starts such a label only while security_require_confined is off, so "
    "the running daemon runs with it off, whatever qemu.conf says"
)


@pytest.mark.parametrize("conf", [{}, CHANGED], ids=["file-older", "changed-after-start"])
def test_r44t_4_vm_started_by_the_running_daemon_fails(host_scan, conf) -> None:
    """R44T-4 (false pass): the running daemon started the unconfined VM, so it runs with the
    option off; the bundle's own times answered R43T-1's question "pass"."""
    a = host_scan({"process-starts": _qemu_started("04:05:00"), **conf}, domains=[UNCONFINED])
    assert outcomes(a, "HVA-048") == {"hv1": "fail"}
    assert messages(a, "HVA-048") == {"hv1": AFTER_DAEMON}


def test_r44t_held_vm_started_in_the_daemons_second_is_asked(host_scan) -> None:
    """Held: a QEMU started in the daemon's own second may predate it: R43T-1's question."""
    a = host_scan(domains=[UNCONFINED])
    assert outcomes(a, "HVA-048") == {"hv1": "manual"}
    assert messages(a, "HVA-048")["hv1"].endswith(
        "the running daemon may have read qemu.conf before that edit"
    )


def test_r44t_held_vm_started_later_with_require_off_keeps_the_plain_fail(host_scan) -> None:
    """Held: the file's own setting off fails with its own message first."""
    conf = "security_default_confined = 1\nsecurity_require_confined = 0\n"
    a = host_scan(
        {"process-starts": _qemu_started("04:05:00"), "/etc/libvirt/qemu.conf": conf},
        domains=[UNCONFINED],
    )
    assert outcomes(a, "HVA-048") == {"hv1": "fail"}
    assert messages(a, "HVA-048") == {
        "hv1": "security_default_confined = 1, security_require_confined = 0: guests may start "
        "unconfined"
    }


@pytest.mark.parametrize("at", ["04:05:00", "04:00:00"], ids=["after-daemon", "daemons-second"])
def test_r44t_5_model_none_label_is_no_managers_and_keeps_the_pass(host_scan, at) -> None:
    """R44T-5 (wrong fail): a type none label of model none is no security manager's; the VM
    started with the managers' own labels, so it shows nothing of the option."""
    xml = domain_xml("web01", "<seclabel type='none' model='none'/>")
    a = host_scan({"process-starts": _qemu_started(at)}, domains=[xml])
    assert outcomes(a, "HVA-048") == {"hv1": "pass"}
    assert messages(a, "HVA-048") == {"hv1": PASS}
