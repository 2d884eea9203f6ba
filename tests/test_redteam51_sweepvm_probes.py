"""Round 51 red-team probes, reviewer T (VM/arch sweep): the running QEMU's own label.

Harness: the `host_scan` fixture (tests/conftest.py): the hardened replayed host hv1 (libvirtd
pid 700, AppArmor in its capabilities' <secmodel>, web01's QEMU pid 1200 under
libvirt-<uuid> (enforce)) and domains of the libvirt test driver's node file, collected by
the real LibvirtCollector and judged by the engine; the same host with SELinux enforcing and
the daemon's model selinux (test_redteam_probes.SELINUX_HOST: web01's QEMU is
system_u:system_r:svirt_t:s0:c392,c662); a second QEMU (pid 1300) added to the process list.

Findings:
- R51T-1 (team decision; was a question) HVA-044: a running VM whose <seclabel> names a model
  the daemon does not run (R48T-1) was only ever asked, even where its QEMU carries the label
  libvirt gives that VM alone, enforced. The team decision taken: such a process label passes.
  Now (devices._own_process_label) it passes where every QEMU process of the VM was read and
  carries either AppArmor's libvirt-<its UUID> in enforce (or kill) mode that no other QEMU
  carries (security_apparmor.h AA_PREFIX "libvirt-", get_profile_name), or sVirt's type
  (svirt_t, svirt_tcg_t) with an MCS pair "sN:cA,cB", A < B (security_selinux.c
  virSecuritySELinuxMCSFind: "%s:c%d,c%d", equal categories discarded) whose categories no
  other QEMU's label dominates, SELinux enforcing and the type not permissive (both read); an
  SELinux pass still goes through the disks' kept labels (_kept_disk_labels). Any other
  process label keeps its verdict (unconfined or complain fails, else asked). Older test
  changed (separate commit): test_redteam48 R48T-1's "process-label-read" case (web01's own
  libvirt-<uuid> (enforce), now a pass) asks for another VM's profile instead.
- R51T-2 (false pass) HVA-059 (R48T's lead, the QEMU user read from qemu.conf alone): a VM
  whose LUNs or SCSI host devices have filtered SG_IO and no rawio passed "1 LUN(s) with
  filtered SG_IO and no rawio" whatever QEMU's privileges. The kernel filters SG_IO only for
  a caller without CAP_SYS_RAWIO (Linux drivers/scsi/scsi_ioctl.c scsi_cmd_allowed: "root can
  do any command", `if (capable(CAP_SYS_RAWIO)) return true;`), which a root QEMU keeps where
  qemu.conf clear_emulator_capabilities = 0 (default 1: libvirt qemu_conf.c
  virQEMUDriverConfigNew; read by virConfGetValueBool, so now a qemu.conf default of
  parse.libvirt_conf). Now (guest._filtered_for_its_qemu) the running QEMU's CapEff decides
  (bit 17 fails, unread asks); a VM without a listed process is judged on qemu.conf: clearing
  passes, = 0 fails where the VM's static DAC label or qemu.conf's user is root and asks
  otherwise; qemu.conf unread is host_settings_manual's question. Older test changed
  (separate commit): test_checks_vm_inherited's simulated host, whose qemu.conf is not read,
  now asks for scsi_plain's SCSI host device.
- R51T-3 (false pass) HVA-044: a running VM whose QEMU process was read unconfined, or under
  a profile in complain mode, or in an unconfined SELinux type, passed on its definition ("no
  <seclabel>: driver default, a dynamic apparmor label", "dynamic apparmor label (generated at
  every start)"), while HVA-043 failed the host on the same process: AppArmor leaves the tasks
  of a removed profile unconfined whatever is loaded now (policy.c __remove_profile, as
  _not_enforced cites it), so the profile loaded in enforce mode and the live XML's label do
  not prove the process confined. Now (devices._process_unconfined, shared with R48T-1's
  verdict) such a process is a fail of the VM's own, beside its label's; a VM whose label is
  alien keeps R48T-1's verdict.
- R51T-4 (false pass) HVA-044: R51T-3's class for a confined process: a running VM whose QEMU
  was read under another VM's own profile libvirt-<its uuid> (enforce) passed on its own
  definition ("dynamic apparmor label (generated at every start)"); that profile allows the
  other VM's disks and devices (virt-aa-helper writes each VM's files into its own profile),
  the fail a static label naming another VM's profile already gets. Now the same fail, named
  for the running process.
- R51T-5 (false pass) HVA-044: the same for SELinux: a running VM whose QEMU context has the
  MCS categories of another VM's static or live dynamic label (web01's svirt_t:s0:c392,c662,
  db01's static label) passed on its default label; libvirt gives each VM categories no other
  holds (security_selinux.c virSecuritySELinuxMCSFind) because sharing them opens each other's
  images (the static-label fail "is shared with VM(s)"). Now the same fail, named for the
  running process.

Held:
- R51T-1's other process labels keep their verdict: another VM's profile, this VM's profile
  carried by another QEMU too, an MCS pair another QEMU holds or dominates (s0-s0:c0.c1023),
  another QEMU's label unread, SELinux permissive or svirt_t made permissive, one category, a
  type not sVirt's are asked; complain fails.
- HVA-059: a running QEMU with CapEff 0 (the harness's), and a shut-off VM under the default
  clear_emulator_capabilities, even with user = "root", keep their pass; a qemu.conf changed
  after libvirtd started is asked of the version the daemon read (parse.host makes it
  unavailable; host_settings_manual), never passed on the file on disk.
- HVA-044: a running QEMU under its own enforced label (AppArmor libvirt-<uuid>, SELinux
  svirt_t) keeps the default label's pass (R51T-3).
- the end-to-end test against the real libvirtd (tests/test_e2e_libvirtd.py) passes with
  R51T-3.

Probed by script (the libvirt test driver, /tmp script): a dynamic <seclabel> with
relabel='no' (R48T's lead) is refused at define ("dynamic label type must use resource
relabeling", domain_conf.c virSecurityLabelDefParseXML), so no VM carries it; a <seclabel
type='none' model='selinux'/> beside a dynamic apparmor one is defined, and on the AppArmor
host keeps R48T-1's order (a label's own fail first: "security label none (selinux)"), though
libvirt refuses to start it (security_manager.c virSecurityManagerCheckDomainLabel checks every
<seclabel>'s model, type none included; virSecurityManagerCheckDiskLabel each disk's too).

Tally: 5 findings (team decision: R51T-1 on HVA-044; false pass: R51T-2 on HVA-059, R51T-3,
R51T-4 and R51T-5 on HVA-044), 10 tests (32 cases); 16 cases failed on main before the
changes (R51T-1: 3, R51T-2: 7, R51T-3: 4, R51T-4: 1, R51T-5: 1), 16 held (16 cases).

Leads left: parse.host still keeps the first confining <secmodel> only (a stacked second
MAC driver's label is asked as alien: a question, never a pass; the kernel rarely stacks
SELinux with AppArmor). A shut-off VM whose <seclabel type='none'> names a model the daemon
does not run fails as unconfined though libvirt refuses to start it (wording/verdict: a team
call whether a label's own fail should stand before R48T-1's question). HVA-059 judges CapEff
only: a permitted-but-not-effective CAP_SYS_RAWIO (CapPrm) is not read (libvirt clears both
sets, capng_clear(CAPNG_SELECT_BOTH), so no libvirt start leaves that shape). A per-VM DAC
label naming an account whose uid is 0 under another name is asked, not failed. A running
VM whose QEMU carries an enforced profile that is neither its own nor another listed VM's
(a custom name), or an SELinux context other than its live XML label, still passes HVA-044
on its definition (R51T-4 fails another VM's profile only); the other VM of R51T-5 (db01,
whose static label's categories a running QEMU holds) keeps "unique on the host": the
static-label uniqueness reads definitions only, not the running processes; HVA-043 counts any enforced
profile of a QEMU as confining, even another VM's (not in this reviewer's area).
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import HARDENED_HOST, WEB01_UUID, domain_xml, messages, outcomes
from test_redteam_probes import SELINUX_HOST

TEST_NS = " xmlns:test='http://libvirt.org/schemas/domain/test/1.0'"
SHUT_OFF = "<test:runstate>5</test:runstate>"
SELINUX = (
    "<seclabel type='dynamic' model='selinux' relabel='yes'>"
    "<label>system_u:system_r:svirt_t:s0:c1,c2</label></seclabel>"
)
APPARMOR = "<seclabel type='dynamic' model='apparmor' relabel='yes'/>"
ON_AA = "dynamic selinux label: the daemon reports security model apparmor"
ON_SE = "dynamic apparmor label: the daemon reports security model selinux"
KEPT = ", which does not give it; the running VM keeps the label its QEMU got when it started"
OTHER = (
    " 1300 libvirt+ /usr/bin/qemu-system-x86_64 -name guest=db01,debug-threads=on "
    "-sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny\n"
)
OTHER_STATUS = "/proc/1300/status:Seccomp:\t2\n/proc/1300/status:CapEff:\t0000000000000000\n"


def _question(a, cid: str, name: str) -> str | None:
    return next(
        r.outcome.question
        for r in a.results
        if r.check.id == cid and r.outcome.subject.name == name
    )


def _label(pid: int, label: str) -> tuple[str, int]:
    return (f"/proc/{pid}/attr/current:{label}\0\n", 2)


def _se(**over: Any) -> dict[str, Any]:
    return dict(SELINUX_HOST, **over)


def _second_qemu(label: str | None) -> dict[str, Any]:
    return {
        "processes": (HARDENED_HOST["processes"][0] + OTHER, 0),
        "qemu-status-1300": (OTHER_STATUS, 0),
        "qemu-label-1300": None if label is None else _label(1300, label),
    }


SE_PASS = (
    f"{ON_SE}{KEPT}: system_u:system_r:svirt_t:s0:c392,c662 (pid 1200), sVirt's type with "
    "MCS categories c392,c662 no other QEMU on the host holds, SELinux enforcing"
)
SE_ASK = f"{ON_SE}{KEPT}; its QEMU runs as system_u:system_r:svirt_t:s0:c392,c662 (pid 1200)"


@pytest.mark.parametrize(
    ("overrides", "label", "status", "message"),
    [
        pytest.param(
            {},
            SELINUX,
            "pass",
            f"{ON_AA}{KEPT}: libvirt-{WEB01_UUID} (enforce) (pid 1200), libvirt's own profile "
            "of this VM",
            id="apparmor-own-profile-enforce",
        ),
        pytest.param(
            _se(),
            APPARMOR,
            "pass",
            SE_PASS,
            id="selinux-svirt-unique-pair",
        ),
        pytest.param(
            _se(**_second_qemu("system_u:system_r:svirt_t:s0:c100,c200")),
            APPARMOR,
            "pass",
            SE_PASS,
            id="selinux-another-qemu-other-pair",
        ),
    ],
)
def test_r51t_1_own_enforced_process_label_passes(
    host_scan, overrides, label, status, message
) -> None:
    """R51T-1 (team decision): a running VM whose <seclabel> names a model the daemon does not
    run passes on its QEMU's own libvirt label, enforced (security_apparmor.h AA_PREFIX
    "libvirt-" + UUID; security_selinux.c virSecuritySELinuxMCSFind "%s:c%d,c%d", c1 < c2)."""
    a = host_scan(overrides, domains=[domain_xml("web01", label)])
    assert outcomes(a, "HVA-044") == {"web01": status}
    assert messages(a, "HVA-044") == {"web01": message}


@pytest.mark.parametrize(
    ("overrides", "label", "status", "message"),
    [
        pytest.param(
            {
                "qemu-label-1200": _label(
                    1200, "libvirt-00000000-0000-0000-0000-000000000001 (enforce)"
                )
            },
            SELINUX,
            "manual",
            f"{ON_AA}{KEPT}; its QEMU runs as libvirt-00000000-0000-0000-0000-000000000001 "
            "(enforce) (pid 1200)",
            id="apparmor-another-vms-profile",
        ),
        pytest.param(
            {
                **_second_qemu(f"libvirt-{WEB01_UUID} (enforce)"),
            },
            SELINUX,
            "manual",
            f"{ON_AA}{KEPT}; its QEMU runs as libvirt-{WEB01_UUID} (enforce) (pid 1200)",
            id="apparmor-profile-shared-with-another-qemu",
        ),
        pytest.param(
            {"qemu-label-1200": _label(1200, f"libvirt-{WEB01_UUID} (complain)")},
            SELINUX,
            "fail",
            f"{ON_AA}, and the VM's running QEMU (pid 1200) is libvirt-{WEB01_UUID} (complain): "
            "not confined",
            id="apparmor-complain",
        ),
        pytest.param(
            _se(**_second_qemu("system_u:system_r:svirt_t:s0:c392,c662")),
            APPARMOR,
            "manual",
            SE_ASK,
            id="selinux-pair-held-by-another-qemu",
        ),
        pytest.param(
            _se(**_second_qemu("system_u:system_r:svirt_t:s0-s0:c0.c1023")),
            APPARMOR,
            "manual",
            SE_ASK,
            id="selinux-another-qemu-spans-every-category",
        ),
        pytest.param(
            _se(**_second_qemu(None)),
            APPARMOR,
            "manual",
            SE_ASK,
            id="selinux-another-qemus-label-unread",
        ),
        pytest.param(
            _se(**{"/sys/fs/selinux/enforce": "0\n"}),
            APPARMOR,
            "manual",
            SE_ASK,
            id="selinux-permissive",
        ),
        pytest.param(
            _se(**{"selinux-permissive": ("svirt_t\n", 0)}),
            APPARMOR,
            "manual",
            SE_ASK,
            id="selinux-svirt-t-permissive",
        ),
        pytest.param(
            _se(**{"qemu-label-1200": _label(1200, "system_u:system_r:svirt_t:s0:c392")}),
            APPARMOR,
            "manual",
            f"{ON_SE}{KEPT}; its QEMU runs as system_u:system_r:svirt_t:s0:c392 (pid 1200)",
            id="selinux-one-category",
        ),
        pytest.param(
            _se(**{"qemu-label-1200": _label(1200, "system_u:system_r:virtd_t:s0:c1,c2")}),
            APPARMOR,
            "manual",
            f"{ON_SE}{KEPT}; its QEMU runs as system_u:system_r:virtd_t:s0:c1,c2 (pid 1200)",
            id="selinux-not-svirt-type",
        ),
    ],
)
def test_r51t_1_other_process_labels_keep_their_verdict(
    host_scan, overrides, label, status, message
) -> None:
    """R51T-1 (team decision): any other process label keeps today's verdict: another VM's
    profile, a profile or MCS pair another QEMU holds too, SELinux not enforcing the type, a
    label that is not sVirt's pair ask; complain fails."""
    a = host_scan(overrides, domains=[domain_xml("web01", label)])
    assert outcomes(a, "HVA-044") == {"web01": status}
    assert messages(a, "HVA-044") == {"web01": message}


LUN = (
    "<devices><disk type='block' device='lun'><driver name='qemu' type='raw'/>"
    "<source dev='/dev/sdc'/><target dev='sda' bus='scsi'/></disk></devices>"
)
ROOT_DAC = "<seclabel type='static' model='dac' relabel='yes'><label>+0:+0</label></seclabel>"
SG = "1 LUN(s) with filtered SG_IO and no rawio"
RAWIO = ", with which the kernel lets it send any SCSI command"
CONF = HARDENED_HOST["/etc/libvirt/qemu.conf"]
NO_CLEAR = CONF + "clear_emulator_capabilities = 0\n"
ROOT_NO_CLEAR = NO_CLEAR.replace('user = "libvirt-qemu"', 'user = "root"')


def _status(caps: str | None) -> dict[str, Any]:
    text = "/proc/1200/status:Seccomp:\t2\n" + (
        f"/proc/1200/status:CapEff:\t{caps}\n" if caps is not None else ""
    )
    return {"qemu-status-1200": (text, 0)}


@pytest.mark.parametrize(
    ("overrides", "body", "status", "message"),
    [
        pytest.param(
            _status("000001ffffffffff"),
            LUN,
            "fail",
            f"{SG}, but the VM's QEMU (pid 1200, user libvirt+) holds CAP_SYS_RAWIO{RAWIO}",
            id="running-qemu-holds-cap-sys-rawio",
        ),
        pytest.param(
            _status("0000000000020000"),
            LUN,
            "fail",
            f"{SG}, but the VM's QEMU (pid 1200, user libvirt+) holds CAP_SYS_RAWIO{RAWIO}",
            id="running-qemu-holds-cap-sys-rawio-alone",
        ),
        pytest.param(
            _status(None),
            LUN,
            "manual",
            f"{SG}; the capabilities of the VM's QEMU (pid 1200) were not read",
            id="running-qemu-capeff-unread",
        ),
        pytest.param(
            {"/etc/libvirt/qemu.conf": ROOT_NO_CLEAR},
            LUN + SHUT_OFF,
            "fail",
            f"{SG}, but qemu.conf sets clear_emulator_capabilities = 0 and qemu.conf's user "
            f"root is root: the VM's QEMU keeps CAP_SYS_RAWIO{RAWIO}",
            id="shut-off-root-without-clearing",
        ),
        pytest.param(
            {"/etc/libvirt/qemu.conf": NO_CLEAR},
            ROOT_DAC + LUN + SHUT_OFF,
            "fail",
            f"{SG}, but qemu.conf sets clear_emulator_capabilities = 0 and the VM's DAC label "
            f"+0:+0 is root: the VM's QEMU keeps CAP_SYS_RAWIO{RAWIO}",
            id="shut-off-dac-label-root-without-clearing",
        ),
        pytest.param(
            {"/etc/libvirt/qemu.conf": NO_CLEAR},
            LUN + SHUT_OFF,
            "manual",
            f"{SG}; qemu.conf sets clear_emulator_capabilities = 0, so QEMU keeps its "
            "capabilities if it runs as root",
            id="shut-off-user-without-clearing",
        ),
    ],
)
def test_r51t_2_sg_io_filter_needs_a_qemu_without_cap_sys_rawio(
    host_scan, overrides, body, status, message
) -> None:
    """R51T-2 (false pass): "LUN(s) with filtered SG_IO and no rawio" passed whatever QEMU's
    privileges: the kernel lets a caller with CAP_SYS_RAWIO send any SCSI command
    (scsi_ioctl.c scsi_cmd_allowed), which a root QEMU keeps where clear_emulator_capabilities
    = 0 (qemu_conf.c). The running QEMU's CapEff answers, else qemu.conf and the DAC label."""
    extra = TEST_NS if SHUT_OFF in body else ""
    a = host_scan(overrides, domains=[domain_xml("web01", body, extra_attrs=extra)])
    assert outcomes(a, "HVA-059") == {"web01": status}
    assert messages(a, "HVA-059") == {"web01": message}


def test_r51t_2_unread_capabilities_question(host_scan) -> None:
    """R51T-2: the question names the file and the bit that answer."""
    a = host_scan(_status(None), domains=[domain_xml("web01", LUN)])
    assert _question(a, "HVA-059", "web01") == (
        "Does the QEMU of VM web01 on host hv1 run without CAP_SYS_RAWIO? Evidence: `grep "
        "CapEff /proc/PID/status` for pid 1200 (bit 17, 0x20000). Pass: the bit is clear, so "
        "the kernel filters its SG_IO commands; fail: it is set, so every SCSI command the "
        "guest builds reaches the device."
    )


@pytest.mark.parametrize(
    ("overrides", "body"),
    [
        pytest.param({}, LUN, id="running-qemu-without-capabilities"),
        pytest.param({}, LUN + SHUT_OFF, id="shut-off-default-clearing"),
        pytest.param(
            {"/etc/libvirt/qemu.conf": CONF.replace('user = "libvirt-qemu"', 'user = "root"')},
            LUN + SHUT_OFF,
            id="shut-off-root-clearing",
        ),
    ],
)
def test_r51t_2_held_qemu_without_cap_sys_rawio_passes(host_scan, overrides, body) -> None:
    """Held: CapEff 0 (the harness's QEMU), or clear_emulator_capabilities = 1 (the default,
    also for a root QEMU): the kernel filters its SG_IO commands."""
    extra = TEST_NS if SHUT_OFF in body else ""
    a = host_scan(overrides, domains=[domain_xml("web01", body, extra_attrs=extra)])
    assert outcomes(a, "HVA-059") == {"web01": "pass"}
    assert messages(a, "HVA-059") == {"web01": SG}


def test_r51t_2_held_qemu_conf_changed_after_the_daemon_started_asks(host_scan) -> None:
    """Held: a clear_emulator_capabilities = 1 written after libvirtd started is not what the
    daemon runs (qemu_conf.c reads qemu.conf only at its start): asked of the version it read."""
    from test_redteam11_host_probes import AFTER, BEFORE, _mtimes

    a = host_scan(
        {"libvirt-conf-mtimes": _mtimes(AFTER, BEFORE)},
        domains=[domain_xml("web01", LUN + SHUT_OFF, extra_attrs=TEST_NS)],
    )
    assert outcomes(a, "HVA-059") == {"web01": "manual"}
    assert messages(a, "HVA-059")["web01"].startswith(
        f"{SG}; host evidence unavailable: /etc/libvirt/qemu.conf was changed at 2024-11-27 "
        "05:10:00 UTC, after libvirtd (pid 700) started"
    )
    assert "as libvirtd read it when it last started" in (_question(a, "HVA-059", "web01") or "")


AA_LIVE = (
    "<seclabel type='dynamic' model='apparmor' relabel='yes'>"
    f"<label>libvirt-{WEB01_UUID}</label><imagelabel>libvirt-{WEB01_UUID}</imagelabel></seclabel>"
)


@pytest.mark.parametrize(
    ("overrides", "body", "message"),
    [
        pytest.param(
            {"qemu-label-1200": _label(1200, "unconfined")},
            "",
            "the VM's running QEMU (pid 1200) is unconfined: not confined",
            id="default-label-qemu-unconfined",
        ),
        pytest.param(
            {"qemu-label-1200": _label(1200, "unconfined")},
            AA_LIVE,
            "the VM's running QEMU (pid 1200) is unconfined: not confined",
            id="dynamic-apparmor-qemu-unconfined",
        ),
        pytest.param(
            {"qemu-label-1200": _label(1200, f"libvirt-{WEB01_UUID} (complain)")},
            AA_LIVE,
            f"the VM's running QEMU (pid 1200) is libvirt-{WEB01_UUID} (complain): not confined",
            id="dynamic-apparmor-qemu-complain",
        ),
        pytest.param(
            _se(**{"qemu-label-1200": _label(1200, "system_u:system_r:unconfined_t:s0")}),
            "",
            "the VM's running QEMU (pid 1200) is system_u:system_r:unconfined_t:s0: not confined",
            id="selinux-default-qemu-unconfined-t",
        ),
    ],
)
def test_r51t_3_running_qemu_read_unconfined_fails(host_scan, overrides, body, message) -> None:
    """R51T-3 (false pass): a running VM whose QEMU was read unconfined (or under a profile in
    complain mode) passed on its definition's label ("dynamic apparmor label", "no <seclabel>:
    driver default"), though HVA-043 failed the host on the same process."""
    a = host_scan(overrides, domains=[domain_xml("web01", body)])
    assert outcomes(a, "HVA-044") == {"web01": "fail"}
    assert messages(a, "HVA-044") == {"web01": message}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param(
            {},
            "no <seclabel>: driver default, a dynamic apparmor label (security_default_confined "
            "= 1)",
            id="apparmor-own-profile",
        ),
        pytest.param(
            _se(),
            "no <seclabel>: driver default, a dynamic selinux label (security_default_confined "
            "= 1)",
            id="selinux-svirt",
        ),
    ],
)
def test_r51t_3_held_confined_running_qemu_keeps_its_pass(host_scan, overrides, message) -> None:
    """Held: the harness's QEMU under its own enforced label keeps the default label's pass."""
    a = host_scan(overrides)
    assert outcomes(a, "HVA-044") == {"web01": "pass"}
    assert messages(a, "HVA-044") == {"web01": message}


def test_r51t_4_running_qemu_under_another_vms_profile_fails(host_scan) -> None:
    """R51T-4 (false pass): web01's QEMU read under db01's own profile libvirt-<db01's uuid>
    (enforce) passed on web01's definition; that profile lets it open db01's disks (the
    static label naming another VM's profile fails the same way)."""
    import uuid

    other = f"libvirt-{uuid.uuid5(uuid.NAMESPACE_DNS, 'db01')}"
    a = host_scan(
        {"qemu-label-1200": _label(1200, f"{other} (enforce)")},
        domains=[domain_xml("web01", AA_LIVE), domain_xml("db01", SHUT_OFF, extra_attrs=TEST_NS)],
    )
    assert outcomes(a, "HVA-044") == {"web01": "fail", "db01": "pass"}
    assert messages(a, "HVA-044")["web01"] == (
        f"the VM's running QEMU (pid 1200) runs under VM db01's own profile {other} (enforce): "
        "it may open db01's disks and devices"
    )


def test_r51t_5_running_qemu_with_another_vms_mcs_pair_fails(host_scan) -> None:
    """R51T-5 (false pass): web01's QEMU read as svirt_t:s0:c392,c662, the categories db01's
    static label holds, passed on web01's default label; each may open the other's files."""
    static = (
        "<seclabel type='static' model='selinux' relabel='yes'>"
        "<label>system_u:system_r:svirt_t:s0:c392,c662</label></seclabel>"
    )
    a = host_scan(
        _se(),
        domains=[domain_xml("web01"), domain_xml("db01", static + SHUT_OFF, extra_attrs=TEST_NS)],
    )
    assert outcomes(a, "HVA-044")["web01"] == "fail"
    assert messages(a, "HVA-044")["web01"] == (
        "the VM's running QEMU (pid 1200) runs as system_u:system_r:svirt_t:s0:c392,c662, the "
        "MCS categories of the label of VM(s) db01: it may open their disks and devices"
    )
