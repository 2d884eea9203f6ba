"""Round 48 red-team probes, reviewer T (VM/arch sweep): labels of a model the daemon does not run.

Harness: the `host_scan` fixture (tests/conftest.py): the hardened replayed host hv1 (libvirtd
pid 700, AppArmor in its capabilities' <secmodel>, web01's QEMU pid 1200 under
libvirt-<uuid> (enforce)) and domains of the libvirt test driver's node file, collected by
the real LibvirtCollector and judged by the engine; a simulated host (the test driver alone,
`build_bundle` without host facts) where the daemon's model is not reported.

Findings:
- R48T-1 (false pass) HVA-044 (the team decision R47T left): a VM whose static or dynamic
  <seclabel> names a model the host's daemon does not run passed on it ("dynamic selinux label
  (generated at every start)" on an AppArmor host, "dynamic bogus label (generated at every
  start)", "static selinux label ..., unique on the host"): _not_enforced and
  _enforcement_unread leave such a model unjudged. libvirt checks every label at each start
  (qemu_process.c qemuProcessStartValidate -> qemuSecurityCheckAllLabel ->
  security_manager.c virSecurityManagerCheckModel: "Security driver model '%s' is not
  available" unless "none" or one of the daemon's drivers; security_driver.c has selinux,
  apparmor and none, security_dac.c dac), so a shut-off VM never gets the label claimed; a
  running one is kept on reconnect (qemuProcessReconnect: "if domain requests security driver
  we haven't loaded, report error, but do not kill the domain") under the label its QEMU got
  at its start. Now (devices._alien_labels, _alien_label_verdict) a shut-off VM is one
  question naming the model and the host's <secmodel> (is it meant to run here, under which
  label); a running VM fails where its QEMU's own label (/proc/PID/attr/current, as HVA-043
  reads it) is unconfined or in complain mode, else is asked for that label, naming what was
  read of it. A label's own fails (unconfined, shared, spanning categories) stand first: what
  it would run as, were it given. Older tests changed (separate commit): test_checks_vm's
  SELinux labels judged on the harness's AppArmor daemon ('unique' and 'tcg' passed; the
  SELinux types now on SELINUX_HOST) and test_redteam29's static label beside a refused
  domain (now AppArmor's, the harness daemon's model).
- R48T-2 (false pass) HVA-059: R47T-2's class in a question built in checks.guest: a SCSI
  passthrough device libvirt did not set up (a raw -device scsi-block/scsi-generic, or a
  <qemu:override> making a disk one) asked "Evidence: qemu.conf `user` on host hv1 and ...
  unpriv_sgio ... Pass: QEMU runs as an unprivileged user": the file on disk, edited after
  the daemon started, is not what the running QEMU runs as (libvirt qemu_conf.c
  virQEMUDriverConfigLoadFile, called from qemuStateInitialize only), so "yes" passed a QEMU
  running as root, whose SG_IO the kernel does not filter. Now the question asks for the
  user and CapEff of the VM's QEMU (`ps -o user=`, /proc/PID/status), and for a shut-off VM
  the `user` of the qemu.conf the daemon read when it last started (Proxmox VE runs QEMU as
  root). Older test changed (separate commit): test_redteam40 R40D-2's question.

Held:
- a shut-off VM's dynamic label of the daemon's own model (apparmor) keeps its pass.
- HVA-049 (R47T's lead): `kvm` is never unknown on Proxmox VE: qemu-server parse_vm_config
  drops a value check_type refuses ("unable to parse value of '$key'"), so `kvm: maybe` runs
  under KVM (the default on the node's own architecture) and a custom model rightly gets the
  KVM question; the lead's shape cannot occur (kept as a test).

Probed by script: the checks' hand-built questions beside a read-at-start reason (R47T's
lead: every manual() whose question names qemu.conf, libvirtd.conf, sssd or rsyslog, by an
AST walk of src/hvaudit/checks): besides HVA-059's (R48T-2) they go through
host_settings_manual or unknown (R47T-1/2), _at_start (R47T-3), ask for the version read at
the start already (HVA-048, HVA-051's relaxed_acs_check "as the daemon last read it, at its
start"), or ask about the next start, which the file on disk decides (HVA-035's socket units).

Tally: 2 findings (false pass: R48T-1 on HVA-044, R48T-2 on HVA-059), 7 tests (10 cases); 8
cases failed on main before the fixes (R48T-1: 7, R48T-2: 1), 2 held (2 cases).

Leads left: a host whose qemu.conf security_driver stacks two MAC drivers lists both in
`virsh capabilities`, but parse.host keeps the first confining <secmodel> only
(LibvirtHost.security_model), so a label of the second model is asked as one the daemon
does not run (a question, never a pass; not probed: stacking SELinux with AppArmor is rare).
A running VM under R48T-1 is never passed on its QEMU's label, even one that is its own
libvirt-<uuid> in enforce mode (a team call whether that process label may pass HVA-044).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import (
    WEB01_UUID,
    build_bundle,
    domain_xml,
    messages,
    outcomes,
    run_assessment,
    write_node,
)

TEST_NS = " xmlns:test='http://libvirt.org/schemas/domain/test/1.0'"
SHUT_OFF = "<test:runstate>5</test:runstate>"
SELINUX = (
    "<seclabel type='dynamic' model='selinux' relabel='yes'>"
    "<label>system_u:system_r:svirt_t:s0:c1,c2</label></seclabel>"
)
BOGUS = "<seclabel type='dynamic' model='bogus'/>"
STATIC_SELINUX = (
    "<seclabel type='static' model='selinux' relabel='yes'>"
    "<label>system_u:system_r:svirt_t:s0:c7,c9</label></seclabel>"
)


def _question_of(a, cid: str, name: str) -> str | None:
    return next(
        r.outcome.question
        for r in a.results
        if r.check.id == cid and r.outcome.subject.name == name
    )


def _shut_off_question(name: str, model: str, host: str = "hv1") -> str:
    return (
        f"Is VM {name} meant to run on host {host}, and under which security label? Evidence: the "
        f"<seclabel> elements of `virsh dumpxml {name}` against the <secmodel> models of `virsh "
        f"capabilities` on {host} (libvirt refuses to start a VM whose label names a model the "
        "daemon does not run). Pass: it is kept for a host whose libvirt runs "
        f"{model}, or its label is to be changed to a confining label of a model {host} runs (or "
        f"removed, for the host's dynamic label) before it starts; fail: it is to run on {host} "
        "with type='none' or without a label a driver there confines."
    )


@pytest.mark.parametrize(
    ("label", "message", "model"),
    [
        pytest.param(
            SELINUX,
            'dynamic selinux label: the daemon reports security model apparmor, so libvirt refuses to start the VM with it ("Security '
            "driver model 'selinux' is not available\"): the label is never given",
            "selinux",
            id="selinux-on-apparmor",
        ),
        pytest.param(
            BOGUS,
            "dynamic bogus label: the daemon reports security model apparmor, so libvirt "
            "refuses to start the VM with it (\"Security driver model 'bogus' is not "
            'available"): the label is never given',
            "bogus",
            id="bogus",
        ),
        pytest.param(
            STATIC_SELINUX,
            "static selinux label system_u:system_r:svirt_t:s0:c7,c9: the daemon reports "
            'security model apparmor, so libvirt refuses to start the VM with it ("Security '
            "driver model 'selinux' is not available\"): the label is never given",
            "selinux",
            id="static-selinux-on-apparmor",
        ),
    ],
)
def test_r48t_1_shut_off_vm_with_a_label_the_daemon_does_not_run(
    host_scan, label, message, model
) -> None:
    """R48T-1 (false pass): libvirt refuses to start the VM (virSecurityManagerCheckModel); the
    label the message claimed is never given: one question, meant to run here, under which."""
    a = host_scan(domains=[domain_xml("db01", label + SHUT_OFF, extra_attrs=TEST_NS)])
    assert outcomes(a, "HVA-044") == {"db01": "manual"}
    assert messages(a, "HVA-044") == {"db01": message}
    assert _question_of(a, "HVA-044", "db01") == _shut_off_question("db01", model)


def test_r48t_1_bogus_model_on_a_simulated_host(tmp_path: Path) -> None:
    """R48T-1: libvirt has no driver of model bogus, whatever the host runs."""
    uri = write_node(
        tmp_path / "n.xml", [domain_xml("db01", BOGUS + SHUT_OFF, extra_attrs=TEST_NS)]
    )
    a = run_assessment(build_bundle(tmp_path, uri, None))
    assert outcomes(a, "HVA-044") == {"db01": "manual"}
    assert messages(a, "HVA-044") == {
        "db01": "dynamic bogus label: libvirt has no driver of that model (selinux, apparmor, "
        'dac, none), so libvirt refuses to start the VM with it ("Security driver model '
        "'bogus' is not available\"): the label is never given"
    }
    assert _question_of(a, "HVA-044", "db01") == _shut_off_question("db01", "bogus", "n")


RUNNING_Q = (
    "Does the label VM web01's running QEMU has on host hv1 confine it to its own disks and "
    "devices? Evidence: `ps -o label= -p {pids}` (or /proc/PID/attr/current) on hv1, its "
    "QEMU's pid in /run/libvirt/qemu/web01.pid, and `aa-status` or `getenforce`: the daemon "
    "does not run the driver its <seclabel> names, so the label it holds is the one it "
    f"started with. Pass: an AppArmor profile libvirt-{WEB01_UUID} in enforce mode, or an "
    "SELinux svirt type in enforcing mode with MCS categories no other VM holds; fail: "
    "unconfined, complain or permissive, or another VM's label."
)
KIND = "dynamic selinux label: the daemon reports security model apparmor"


@pytest.mark.parametrize(
    ("overrides", "message", "pids"),
    [
        # the VM's own libvirt-<uuid> in enforce mode passes (R51T-1, the team decision of
        # round 51): another VM's profile is asked, naming what was read
        pytest.param(
            {"qemu-label-1200": ("/proc/1200/attr/current:libvirt-other (enforce)\n", 2)},
            f"{KIND}, which does not give it; the running VM keeps the label its QEMU got when "
            "it started; its QEMU runs as libvirt-other (enforce) (pid 1200)",
            "1200",
            id="process-label-read",
        ),
        pytest.param(
            {"qemu-label-1200": ("", 1, "grep: /proc/1200/attr/current: Permission denied\n")},
            f"{KIND}, which does not give it; the running VM keeps the label its QEMU got when "
            "it started; its QEMU process's label was not read",
            "1200",
            id="process-label-unread",
        ),
    ],
)
def test_r48t_1_running_vm_is_asked_for_its_process_label(
    host_scan, overrides, message, pids
) -> None:
    """R48T-1: qemuProcessReconnect keeps a running VM whose label's driver the daemon no
    longer runs: the label its QEMU holds decides, asked with what was read of it."""
    a = host_scan(overrides, domains=[domain_xml("web01", SELINUX)])
    assert outcomes(a, "HVA-044") == {"web01": "manual"}
    assert messages(a, "HVA-044") == {"web01": message}
    assert _question_of(a, "HVA-044", "web01") == RUNNING_Q.format(pids=pids)


def test_r48t_1_running_vm_whose_qemu_is_unconfined_fails(host_scan) -> None:
    """R48T-1: the running QEMU's own label is unconfined: a fail."""
    a = host_scan(
        {"qemu-label-1200": ("/proc/1200/attr/current:unconfined\n", 2)},
        domains=[domain_xml("web01", SELINUX)],
    )
    assert outcomes(a, "HVA-044") == {"web01": "fail"}
    assert messages(a, "HVA-044") == {
        "web01": f"{KIND}, and the VM's running QEMU (pid 1200) is unconfined: not confined"
    }


def test_r48t_held_dynamic_label_of_the_daemons_model_passes(host_scan) -> None:
    """Held: a shut-off VM's dynamic apparmor label on the AppArmor host keeps its pass."""
    label = "<seclabel type='dynamic' model='apparmor'/>"
    a = host_scan(domains=[domain_xml("db01", label + SHUT_OFF, extra_attrs=TEST_NS)])
    assert outcomes(a, "HVA-044") == {"db01": "pass"}
    assert messages(a, "HVA-044") == {"db01": "dynamic apparmor label (generated at every start)"}


SCSI_DISK = (
    "<devices><disk type='block' device='disk'><driver name='qemu' type='raw'/>"
    "<source dev='/dev/sdb'/><target dev='sda' bus='scsi'/><alias name='ua-disk0'/></disk>"
    "</devices>"
)
SG_IO_Q = (
    "Does the kernel filter the SG_IO commands that <qemu:override> of device ua-disk0: "
    "driver scsi-block of VM web01 pass to the host device? Evidence: the user and CapEff of "
    "the VM's QEMU on host hv1 (`ps -o user= -p PID` and `grep CapEff /proc/PID/status`; "
    "while it is shut off, `user` in the qemu.conf libvirtd or virtqemud read when it last "
    "started, not an edit since; Proxmox VE runs QEMU as root) and `cat "
    "/sys/block/DEV/queue/unpriv_sgio` for the overridden device's <disk> <source>. Pass: QEMU "
    "runs as an unprivileged user and unpriv_sgio is 0; fail: QEMU runs as root or with "
    "CAP_SYS_RAWIO, or unpriv_sgio is 1."
)


def test_r48t_2_sg_io_question_asks_the_user_qemu_runs_as(tmp_path: Path) -> None:
    """R48T-2 (false pass): "qemu.conf `user`" read from the file on disk, edited after the
    daemon started, passed a QEMU that runs as root; the running process's user answers."""
    from test_redteam37_domain_probes import _ns_scan, _override

    a = _ns_scan(
        tmp_path, {"web01": (SCSI_DISK, _override("ua-disk0", ("driver", "string", "scsi-block")))}
    )
    assert outcomes(a, "HVA-059") == {"web01": "manual"}
    assert _question_of(a, "HVA-059", "web01") == SG_IO_Q


def test_r48t_held_custom_model_with_kvm_unparsable_asks_the_kvm_form(tmp_path, capsys) -> None:
    """Held (R47T's lead, HVA-049): `kvm` is never unknown on Proxmox VE: qemu-server drops a
    value it cannot parse (parse_vm_config), so `kvm: maybe` runs the VM under KVM, the default
    on the node's own architecture (parse.proxmox_model._flag), and the custom model gets the
    KVM question, the node's nesting beside the model."""
    from test_vm_parity import _result, pve

    r = _result(pve(tmp_path, capsys, "cpu: custom-lab\nkvm: maybe"), "HVA-049", "web-10")
    assert (r["status"], r["message"]) == (
        "manual",
        "cpu: custom-lab is defined in /etc/pve/virtual-guest/cpu-models.conf, which was not "
        "read: its flags and reported-model decide whether the guest gets vmx/svm",
    )
    assert r["question"].endswith(
        " on node pve-h1. Pass: yes, its flags add none of +vmx, +svm, +nested-virt and its "
        "reported-model is a named model, or the node's KVM nesting is off; fail: it adds one "
        "of them, or reports host or max while nesting is on."
    )
