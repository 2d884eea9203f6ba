"""Round 47 red-team probes, reviewer T (VM/arch sweep): the daemon-start question.

Harness: the `host_scan` fixture (tests/conftest.py): the hardened replayed host hv1 (libvirtd
pid 700 started 2024-11-27 04:00:00 UTC, sssd and rsyslogd running, qemu.conf with
migrate_tls_force = 1 and stdio_handler = "logd") and domains of the libvirt test driver's
node file, collected by the real LibvirtCollector and judged by the engine; the `stat`, `ps`
and `find` probes replayed failing as the collector records them (rc, stderr, exception).

Findings:
- R47T-1 (false pass) HVA-030, HVA-032, HVA-034, HVA-035, HVA-042, HVA-045, HVA-053, HVA-130,
  HVA-131, HVA-132, HVA-140, HVA-150, HVA-200, HVA-201, HVA-213, HVA-215: R45T-4's class where
  the times were not read. Where `stat` of a libvirt file, `ps -o lstart` or `ps` failed
  (parse.host._changed_since_start, _changed_unseen, _changed_after: "when /etc/libvirt/X was
  last changed was not read", "when libvirtd (pid N) started was not read", "which libvirt
  daemons run was not read", "sssd runs, but when it started was not read", ...), the fact is
  unavailable because the daemon may run an earlier version of the file (libvirt
  src/remote/remote_daemon.c main() loads its .conf once, qemuStateInitialize qemu.conf once;
  sssd(8) SIGNALS; rsyslog v4 compatibility notes), but checks.base.unknown asked the generic
  "Does this hold for this host: qemu.conf migrate_tls_force = 1? Evidence: the setting, file
  or command output it names, read where it lives", whose "yes" read from the file on disk
  passed a daemon that may run another. Now (checks.base._read_at_start_question, on each of
  those reasons) it asks whether the files the daemon read at its start held it, naming the
  two times to compare first (`ps -o lstart= -C DAEMON` against `stat -c '%y %z'`, the later:
  R45T-1's `cp -p`): changed before the start (or no daemon running), the file on disk
  answers; changed since, the version it read. A stat stderr naming a path that ends as
  parse.host's reason does (a file name is the host's to choose) does not change the daemon
  the question names (the patterns anchor on parse.host's own tail).

- R47T-2 (false pass) HVA-031, HVA-036, HVA-043, HVA-044: R47T-1's class in a check's own
  question. checks.base.unknown keeps a question with its own " Evidence: " whole, and
  _libvirt.host_settings_manual asks the check's question: where qemu.conf changed after
  libvirtd started, or its times were not read, HVA-036 asked "Does /etc/libvirt/qemu.conf on
  host hv1 bind migrations ...? Evidence: its migration_address ... lines", HVA-043 and
  HVA-044 named "/etc/libvirt/qemu.conf (security_driver, security_default_confined)" and
  HVA-031 "the first uncommented line of each of these keys in /etc/libvirt/qemu.conf": each
  "yes" read from the file on disk passed a daemon that may run an earlier version (libvirt
  qemu_conf.c virQEMUDriverConfigLoadFile, called from qemuStateInitialize only). Now
  (checks.base.read_at_start_evidence) the evidence says which version answers ("Read
  /etc/libvirt/qemu.conf as libvirtd read it when it last started, ...") before " Pass: ";
  HVA-048's own question, which asks for that version already (R44T-3), is kept. Older
  tests changed (separate commit): the questions of test_r35t9 and test_r36t2/t5's harness
  tests (qemu.conf changed after the start).
- R47T-3 (wording) HVA-200: R47T-2's class in a question built in checks.management: where
  libvirtd.conf's last change (or libvirtd's start) was not read, "Do the log outputs of
  libvirt's daemons on host hv1 reach the system log ...? Evidence: `virt-admin ...
  daemon-log-outputs` ... and log_outputs in /etc/libvirt/virtqemud.conf or libvirtd.conf"
  named the file on disk beside the running daemon's own outputs (virt-admin, which answers
  rightly, is named first: wording, not a pass). Now (management._at_start) the same sentence
  as R47T-2 says which version of the file answers.
- R47T-4 (false pass) HVA-049: a Proxmox VE VM with `cpu: custom-NAME` and `kvm: 0` got the
  KVM question ("Pass: yes, its flags add none of +vmx, +svm, +nested-virt and its
  reported-model is a named model, or the node's KVM nesting is off"): under TCG the node's
  KVM nesting does not matter, and a reported-model qemu64 (CPUConfig.pm get_cpu_options uses
  it as the -cpu model), an AMD one or max carries the svm TCG emulates (checks.guest
  _pve_nesting's reading for named models: the fail "kvm: 0 runs the VM under TCG, and cpu
  qemu64 carries svm"), so "yes" passed a guest that can run a hypervisor. Now under kvm: 0
  the question names the models that carry svm under TCG and drops the nesting; both
  questions say reported-model defaults to kvm64 (CPUConfig.pm $cpu_fmt 'reported-model'
  default).
- R47T-5 (wording) HVA-049: R40T-5's question on a KVM vendor module not loaded said "a
  VM's start loads it too": the x86 vendor modules load by their CPU feature alias (Linux
  arch/x86/kvm/vmx/vmx.c MODULE_DEVICE_TABLE(x86cpu, vmx_cpu_id)), and only the other
  architectures' kvm carries the "devname:kvm" alias that opening /dev/kvm autoloads
  (arch/s390/kvm/kvm-s390.c: "x86 takes a different approach"). Now "a VM's start does not
  load it, udev does at boot by the CPU's vmx or svm flag". Older test changed (separate
  commit): test_redteam40_sweepvm_probes.LOAD_Q.

Held:
- a custom model under KVM keeps its question, the node's nesting beside the model (the
  question had no test: R45T's lead).
- the "changed after the daemon started" question of R45T-4 is asked as before.
- HVA-048's own question (R44T-3) is kept as it was (test_redteam44_sweepvm_probes).

Probed by script: none.

Tally: 5 findings (false pass: R47T-1 on sixteen checks' generic questions, R47T-2 on four
checks' own questions, R47T-4 on HVA-049; wording: R47T-3 on HVA-200, R47T-5 on HVA-049), 8
tests (20 cases); 19 cases failed on main before the fixes (R47T-1: 7, R47T-2: 8, R47T-3: 1,
R47T-4: 1, R47T-5: 1, and the held KVM question by the reported-model default added to it),
2 held (2 cases).

Leads left: other manual() questions built by hand beside a read-at-start reason may name
the file on disk (R47T-3 covered HVA-200's; grep the checks for fact.reason passed into a
message with a question of their own). HVA-044 passes a shut-off
(or any) VM whose dynamic label names a model the daemon does not run ("dynamic selinux label
(generated at every start)" on an AppArmor host, even "dynamic bogus label"): libvirt
qemuProcessStartValidate refuses to start it (qemuSecurityCheckAllLabel ->
virSecurityManagerCheckModel "Security driver model '%s' is not available"), so no QEMU runs
unconfined, but the message claims a label it never gets; qemuProcessReconnect ignores the
same check ("report error, but do not kill the domain"), so a running VM whose label is
another driver's after the daemon changed drivers is not judged (not probed: a team decision
on the verdict of a VM that cannot start). HVA-049's custom-model question where `kvm` could not be read
(hardware_accelerated unknown) asks the KVM form.
"""

from __future__ import annotations

import pytest

from conftest import domain_xml, messages, outcomes
from test_vm_parity import _result, pve

LSTART_REFUSED = 'error: unknown user-defined format specifier "lstart"\n\nUsage:\n'
LSTART_FAILED = 'ps exited 1: error: unknown user-defined format specifier "lstart"'
PS_REFUSED = 'error: unknown user-defined format specifier "user"\n\nUsage:\n'
PS_FAILED = 'ps exited 1: error: unknown user-defined format specifier "user"'
#: 2024-11-27 05:10:00 UTC: after every process of the hardened host started
AFTER = 1732684200
BEFORE = 1732095000
STAT_MISSING = "".join(
    f"stat: cannot statx '/etc/libvirt/{d}.conf': No such file or directory\n"
    for d in ("virtqemud", "virtproxyd", "virtnetworkd", "virtstoraged")
)


def _question(files: str, daemon: str, what: str) -> str:
    names = ",".join(daemon.split(" or "))
    return (
        f"Did the {files} that {daemon} on this host read when it last started hold this: "
        f"{what}? Evidence: when {daemon} started (`ps -o lstart= -C {names}`) against when "
        f"{files} last changed (`stat -c '%y %z'`, the latest time: `cp -p` keeps an older "
        f"%y): changed before that start (or no {daemon} running), what is on disk now; "
        "changed since, the version it read (the configuration management's history or a "
        f"backup) or the file once {daemon} has restarted. Pass: yes, it held; fail: it did "
        "not."
    )


def _question_of(a, cid: str) -> str | None:
    return next(r.outcome.question for r in a.results if r.check.id == cid)


QEMU = "/etc/libvirt/qemu.conf"
LIBVIRTD = "/etc/libvirt/libvirtd.conf"
SSSD = "/etc/sssd/sssd.conf and /etc/sssd/conf.d/*.conf"
RSYSLOG = "/etc/rsyslog.conf and the files it includes"


@pytest.mark.parametrize(
    ("probes", "cid", "message", "files", "daemon", "what"),
    [
        pytest.param(
            {"process-starts": ("", 1, LSTART_REFUSED)},
            "HVA-032",
            f"when libvirtd (pid 700) started was not read (`ps -o lstart`: {LSTART_FAILED}); it "
            "reads /etc/libvirt/qemu.conf only when it starts, so what it runs may differ from "
            "the file",
            QEMU,
            "libvirtd",
            "qemu.conf migrate_tls_force = 1",
            id="lstart-qemu.conf",
        ),
        pytest.param(
            {"process-starts": ("", 1, LSTART_REFUSED)},
            "HVA-140",
            f"sssd runs, but when it started was not read (`ps -o lstart`: {LSTART_FAILED}): "
            "SSSD reads its configuration only when it starts, so what it runs may differ from "
            "the files",
            SSSD,
            "sssd",
            "2 account(s) with a login shell (limit 3): root, alice; can at most 3 accounts log "
            "in, directory accounts included (SSSD's access_provider in /etc/sssd/sssd.conf and "
            "/etc/sssd/conf.d/*.conf)",
            id="lstart-sssd",
        ),
        pytest.param(
            {"process-starts": ("", 1, LSTART_REFUSED)},
            "HVA-200",
            f"rsyslogd runs, but when it started was not read (`ps -o lstart`: {LSTART_FAILED}): "
            "rsyslogd reads its configuration only when it starts (HUP does not re-read it), so "
            "its destinations may differ from the files",
            RSYSLOG,
            "rsyslogd",
            "logs are forwarded to a remote server over TLS",
            id="lstart-rsyslog",
        ),
        pytest.param(
            {"libvirt-conf-mtimes": TimeoutError("timed out after 20s")},
            "HVA-213",
            "when /etc/libvirt/libvirtd.conf was last changed was not read (`stat`: timed out "
            "after 20s); libvirtd (pid 700) reads it only when it starts, so what it runs may "
            "differ from the file",
            LIBVIRTD,
            "libvirtd",
            "libvirt log_outputs include journald or syslog",
            id="stat-libvirtd.conf",
        ),
        pytest.param(
            {
                "processes": ("", 1, PS_REFUSED),
                "libvirt-conf-mtimes": (
                    f"{AFTER} {AFTER} {QEMU}\n{BEFORE} {BEFORE} {LIBVIRTD}\n",
                    1,
                    STAT_MISSING,
                ),
            },
            "HVA-215",
            f"which libvirt daemons run was not read (`ps`: {PS_FAILED}); libvirtd or "
            "virtqemud reads /etc/libvirt/qemu.conf only when it starts, so what a running one "
            "applies may differ from the file",
            QEMU,
            "libvirtd or virtqemud",
            'qemu.conf stdio_handler is "logd"',
            id="ps-qemu.conf",
        ),
        pytest.param(
            {"sssd-conf-mtimes": ("", 1, "find: '/etc/sssd': Permission denied\n")},
            "HVA-150",
            "sssd runs, but when its files last changed was not read (`find`: exit status 1: "
            "find: '/etc/sssd': Permission denied): SSSD reads its configuration only when it "
            "starts, so what it runs may differ from the files",
            SSSD,
            "sssd",
            "host accounts come from the enterprise directory",
            id="find-sssd",
        ),
    ],
)
def test_r47t_1_unread_times_ask_for_what_the_daemon_read(
    host_scan, probes, cid, message, files, daemon, what
) -> None:
    """R47T-1 (false pass): where the file's change, the daemon's start or the daemons
    themselves were not read, the generic question ("Does this hold for this host: ...?
    Evidence: the setting, file or command output it names") was answered from the file on
    disk, which the running daemon may never have read."""
    a = host_scan(probes)
    assert outcomes(a, cid) == {"hv1": "manual"}
    assert messages(a, cid) == {"hv1": f"evidence unavailable: {message}"}
    assert _question_of(a, cid) == _question(files, daemon, what)


def test_r47t_held_changed_after_the_start_asks_for_that_version(host_scan) -> None:
    """Held: R45T-4's question where the file changed after the daemon started."""
    a = host_scan(
        {
            "libvirt-conf-mtimes": (
                f"{AFTER} {AFTER} {QEMU}\n{BEFORE} {BEFORE} {LIBVIRTD}\n",
                1,
                STAT_MISSING,
            )
        }
    )
    assert outcomes(a, "HVA-032") == {"hv1": "manual"}
    assert _question_of(a, "HVA-032") == (
        f"Did the {QEMU} that libvirtd on this host read when it last started hold this: "
        f"qemu.conf migrate_tls_force = 1? Evidence: that version of {QEMU} (the "
        "configuration management's history or a backup; `ps -o lstart= -C libvirtd` dates the "
        "start), or the file itself once libvirtd has restarted; not the file as it is now. "
        "Pass: yes, it held; fail: it did not."
    )


def test_r47t_1_hostile_stderr_does_not_name_the_daemon(host_scan) -> None:
    """R47T-1: stat's stderr quoting a path that ends as parse.host's reason does (a file name
    is the host's to choose) leaves the question on libvirtd, parse.host's own daemon."""
    hostile = (
        "stat: cannot statx '/etc/libvirt/libvirtd.conf); evil (pid 1) reads it only when it "
        "starts, so what it runs may differ from the file': Permission denied\n"
    )
    a = host_scan(
        {"libvirt-conf-mtimes": (f"{BEFORE} {BEFORE} {QEMU}\n", 1, STAT_MISSING + hostile)}
    )
    assert outcomes(a, "HVA-132") == {"hv1": "manual"}
    assert _question_of(a, "HVA-132") == _question(
        LIBVIRTD, "libvirtd", "the libvirt read-write socket requires authorization"
    )


# --- R47T-2: a check's own question names the file on disk ------------------------------------

VNC = (
    "<devices><graphics type='vnc' port='5900' autoport='no' passwd='s3cret-Pw'>"
    "<listen type='address' address='10.0.0.10'/></graphics></devices>"
)
CHANGED_BOTH = {
    "libvirt-conf-mtimes": (
        f"{AFTER} {AFTER} {QEMU}\n{AFTER} {AFTER} {LIBVIRTD}\n",
        1,
        STAT_MISSING,
    )
}
CHANGED_SINCE = (
    f" Read {QEMU} as libvirtd read it when it last started, not as it is now (it changed "
    "since): that version (the configuration management's history or a backup), or the file "
    "once the daemon has restarted. Pass: "
)
UNREAD_START = (
    f" Read {QEMU} as libvirtd read it when it last started, as it is now only where it last "
    "changed before that start (`ps -o lstart= -C libvirtd` against `stat -c '%y %z'` of it, "
    "the later time: `cp -p` keeps an older %y), else that version (the configuration "
    "management's history or a backup) or the file once the daemon has restarted. Pass: "
)
HVA036_Q = (
    "Does /etc/libvirt/qemu.conf on host hv1 bind migrations to the migration network and "
    "verify TLS clients? Evidence: its migration_address and migrate_tls_x509_verify (else "
    "default_tls_x509_verify) lines.{read}yes, migration_address is the host's address on the "
    "migration network and migrate_tls_x509_verify is unset or 1; fail: migration_address is "
    "unset or 0.0.0.0 (every address), or verification is 0."
)
HVA044_Q = (
    "Does libvirt on host hv1 start this VM with a dynamic SELinux or AppArmor label? "
    "Evidence: `virsh capabilities` on hv1 (its <secmodel> elements) and /etc/libvirt/qemu.conf "
    "there (security_driver, security_default_confined); `virsh dominfo` of the running VM "
    "shows its Security model and label.{read}yes, selinux or apparmor is listed, "
    "security_driver is unset or names it, and security_default_confined is unset or 1; fail: "
    'only none is listed, security_driver = "none", or security_default_confined = 0.'
)
HVA043_Q = (
    "Does libvirt on host hv1 confine QEMU with SELinux or AppArmor? Evidence: `virsh "
    "capabilities` there (its <secmodel> elements) and /etc/libvirt/qemu.conf (security_driver, "
    "security_default_confined).{read}yes, an selinux or apparmor secmodel, security_driver "
    'not "none" and security_default_confined not 0; fail: otherwise.'
)
HVA031_Q = (
    "Does /etc/libvirt/qemu.conf on host hv1 set vnc_tls = 1? Evidence: the first uncommented "
    "line of each of these keys in /etc/libvirt/qemu.conf on hv1 (libvirt reads the first; a "
    "key left out takes the default named here).{read}yes, every one is set so; fail: any is "
    "missing or set otherwise, so a console or socket listed is reachable without it."
)


@pytest.mark.parametrize(
    ("probes", "read"),
    [(CHANGED_BOTH, CHANGED_SINCE), ({"process-starts": ("", 1, LSTART_REFUSED)}, UNREAD_START)],
    ids=["changed-after-start", "start-unread"],
)
@pytest.mark.parametrize(
    ("cid", "subject", "asked"),
    [
        ("HVA-036", "hv1", HVA036_Q),
        ("HVA-043", "hv1", HVA043_Q),
        ("HVA-044", "web01", HVA044_Q),
        ("HVA-031", "web02", HVA031_Q),
    ],
)
def test_r47t_2_a_checks_own_question_asks_for_what_the_daemon_read(
    host_scan, probes, read, cid, subject, asked
) -> None:
    """R47T-2 (false pass): a check's own question (kept whole by checks.base.unknown, asked
    by _libvirt.host_settings_manual) named /etc/libvirt/qemu.conf on disk as the evidence
    where the daemon may run an earlier version: its "yes" read from the file passed."""
    # web02's QEMU runs without a loaded profile: HVA-043's fail (held apart); web01 alone
    vms = (
        [domain_xml("web01")]
        if cid == "HVA-043"
        else [domain_xml("web01"), domain_xml("web02", VNC)]
    )
    a = host_scan(probes, domains=vms)
    assert outcomes(a, cid)[subject] == "manual"
    got = next(
        r.outcome.question
        for r in a.results
        if r.check.id == cid and r.outcome.subject.name == subject
    )
    assert got == asked.format(read=read)


# --- R47T-3: HVA-200's question on libvirt's log outputs --------------------------------------

HVA200_Q = (
    "Do the log outputs of libvirt's daemons on host hv1 reach the system log the forwarder "
    "reads? Evidence: `virt-admin -c virtqemud:///system daemon-log-outputs` "
    "(libvirtd:///system for libvirtd) and log_outputs in /etc/libvirt/virtqemud.conf or "
    "libvirtd.conf, and `systemctl cat libvirtd.service virtqemud.service` (LogLevelMax=, "
    "LogNamespace=, StandardError=) on hv1. Read /etc/libvirt/libvirtd.conf as libvirtd read it "
    "when it last started, as it is now only where it last changed before that start (`ps -o "
    "lstart= -C libvirtd` against `stat -c '%y %z'` of it, the later time: `cp -p` keeps an "
    "older %y), else that version (the configuration management's history or a backup) or the "
    "file once the daemon has restarted. Pass: a journald or syslog output, or none set on a "
    "host running systemd, that the units let through; fail: only file outputs no forwarder "
    "input reads, stderr sent elsewhere than the journal, or a unit's LogLevelMax= above err or "
    "LogNamespace= keeping them from it."
)


def test_r47t_3_log_outputs_question_asks_for_what_libvirtd_read(host_scan) -> None:
    """R47T-3 (false pass): HVA-200's own question (built in checks.management, beside
    base.unknown) named log_outputs in libvirtd.conf on disk where libvirtd.conf's last change
    was not read: a "yes" from that file passed a daemon that may run another version."""
    a = host_scan({"libvirt-conf-mtimes": TimeoutError("timed out after 20s")})
    assert outcomes(a, "HVA-200") == {"hv1": "manual"}
    assert messages(a, "HVA-200") == {
        "hv1": "logs forwarded over TLS to logs.example.internal, but whether libvirt's "
        "messages reach them is not in the evidence: its log outputs are unknown (when "
        "/etc/libvirt/libvirtd.conf was last changed was not read (`stat`: timed out after "
        "20s); libvirtd (pid 700) reads it only when it starts, so what it runs may differ from "
        "the file)"
    }
    assert _question_of(a, "HVA-200") == HVA200_Q


# --- R47T-4: HVA-049's Proxmox VE custom CPU model question under TCG -------------------------

CUSTOM_ASKED = (
    "Does the custom CPU model lab leave the guest without vmx and svm? Evidence: the "
    "'cpu-model: lab' section of /etc/pve/virtual-guest/cpu-models.conf (its flags and "
    "reported-model, kvm64 where unset: CPUConfig.pm $cpu_fmt)"
)


def test_r47t_4_custom_model_under_tcg_asks_for_the_svm_models(tmp_path, capsys) -> None:
    """R47T-4 (false pass): `cpu: custom-lab` with `kvm: 0`: the question passed "a named
    model" or "the node's KVM nesting is off", but under TCG nesting does not matter and a
    reported-model qemu64 (or an AMD one, or max) carries svm (the named-model reading of
    checks.guest._pve_nesting)."""
    r = _result(pve(tmp_path, capsys, "cpu: custom-lab\nkvm: 0"), "HVA-049", "web-10")
    assert (r["status"], r["message"]) == (
        "manual",
        "kvm: 0 runs the VM under TCG, and cpu: custom-lab is defined in "
        "/etc/pve/virtual-guest/cpu-models.conf, which was not read: its flags and "
        "reported-model decide whether the guest gets vmx/svm",
    )
    assert r["question"] == (
        f"{CUSTOM_ASKED}. Pass: yes, its flags add none of +vmx, +svm, +nested-virt and its "
        "reported-model is none of qemu64, phenom, the Opteron and EPYC models, Dhyana and max "
        "(which carry svm under TCG); fail: it adds one of them, or reports one of those models."
    )


def test_r47t_held_custom_model_under_kvm_asks_for_the_nodes_nesting(tmp_path, capsys) -> None:
    """Held (R47T-4): under KVM the question (without a test before, R45T's lead) names the
    node's nesting beside the model: its pass "a named model" holds there (KVM turns svm off on every
    named model, R45T's reading)."""
    r = _result(pve(tmp_path, capsys, "cpu: custom-lab"), "HVA-049", "web-10")
    assert (r["status"], r["message"]) == (
        "manual",
        "cpu: custom-lab is defined in /etc/pve/virtual-guest/cpu-models.conf, which was not "
        "read: its flags and reported-model decide whether the guest gets vmx/svm",
    )
    assert r["question"].startswith(f"{CUSTOM_ASKED}, with ")
    assert r["question"].endswith(
        " on node pve-h1. Pass: yes, its flags add none of +vmx, +svm, +nested-virt and its "
        "reported-model is a named model, or the node's KVM nesting is off; fail: it adds one "
        "of them, or reports host or max while nesting is on."
    )


# --- R47T-5: HVA-049's question on a vendor module not loaded ----------------------------------


def test_r47t_5_a_vms_start_does_not_load_the_vendor_module(host_scan) -> None:
    """R47T-5 (wording): the question on kvm_intel not loaded said "a VM's start loads it too";
    the x86 vendor modules load by their CPU feature alias at boot, not when a VM starts."""
    # imported here: test_redteam37 imports (through test_r36) this module's CHANGED_SINCE
    from test_redteam20_host2_probes import PT
    from test_redteam37_sweepvm_probes import NOT_LOADED, _pt

    host = {**NOT_LOADED, "/proc/sys/kernel/osrelease": "4.19.0-27-amd64\n"}
    status, _, question = _pt(host_scan(host, domains=PT))
    assert status == "manual"
    assert question is not None
    assert "a VM's start loads it too" not in question
    assert (
        "(`modprobe kvm_intel` or `modprobe kvm_amd`; a VM's start does not load it, udev does "
        "at boot by the CPU's vmx or svm flag). Pass: "
    ) in question
