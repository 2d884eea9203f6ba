"""R34H-7, HVA-031: a VM's console conditions are asked in one item.

Harness: conftest's hardened Debian host replayed (ReplayRunner) with libvirt's test driver
serving the VM, read without `--security-info` (secure_xml=False) where a probe says so, so the
domain XML hides each console's passwd; evidence goes through the real collector, parser and
engine.

Findings:
- R34H-7 (false pass) HVA-031 chained its open conditions with elif, so only the first was
  asked. A VNC console on 10.0.0.10 whose password the read-only scan cannot see (hidden
  password), on a VM whose QEMU started before qemu.conf's vnc_tls = 1 was written, was asked
  only "Does each network-facing console of this VM have a password?": an attested "yes"
  passed a console that still runs without TLS until the VM restarts (libvirt gives a VNC
  console its TLS credentials when it starts QEMU, src/qemu/qemu_domain.c
  qemuDomainSecretGraphicsPrepare, R11H-2). The VM's conditions (qemu.conf settings unread,
  SASL, sockets handed over by fd, a hidden password, 127/8 unread, a QEMU older than
  qemu.conf) are now asked in one item (joint_question), and such a console is named
  network-facing, not "reachable only from the host". Fixed.

Held: the hidden password alone is still its one question; a fail still wins over the
questions.

Tally: 1 finding (false pass); 3 cases; 1 failed on main (748d99aa) before the fix.
"""

from __future__ import annotations

from pathlib import Path

from conftest import (
    HARDENED_HOST,
    build_bundle,
    domain_xml,
    messages,
    outcomes,
    run_assessment,
    write_node,
)

#: 2024-11-20 09:30:00 UTC (before libvirtd's start) and 2024-11-27 05:10:00 UTC (after it)
BEFORE, AFTER = 1732095000, 1732684200
_MISSING = HARDENED_HOST["libvirt-conf-mtimes"][2]

VNC = (
    "<devices><graphics type='vnc' port='5900' autoport='no' passwd='s3cret-Pw'>"
    "<listen type='address' address='10.0.0.10'/></graphics></devices>"
)

PASSWORD_Q = (
    "Does each network-facing console of this VM have a password? Evidence: `virsh dumpxml "
    "--security-info {uuid}` on host hv1 (the passwd attribute of each <graphics>; `hvaudit "
    "scan --secure-xml` reads it as set or not), else vnc_password / spice_password in "
    "/etc/libvirt/qemu.conf there. Pass: yes, each has a non-empty password; fail: one has "
    "none or an empty one."
)


def _scan(tmp_path: Path, overrides: dict, devices: str = VNC):
    host = dict(HARDENED_HOST)
    host.update(overrides)
    uri = write_node(tmp_path / "node.xml", [domain_xml("web01", devices)])
    return run_assessment(build_bundle(tmp_path, uri, host, secure_xml=False))


def _qemu_started_before_change() -> dict:
    """qemu.conf changed at 05:10, libvirtd restarted at 05:20, web01's QEMU started at 04:00."""
    out, rc = HARDENED_HOST["process-starts"]
    out = out.replace("  700 Wed Nov 27 04:00:00 2024", "  700 Wed Nov 27 05:20:00 2024")
    return {
        "libvirt-conf-mtimes": (
            f"{AFTER} /etc/libvirt/qemu.conf\n{BEFORE} /etc/libvirt/libvirtd.conf\n",
            1,
            _MISSING,
        ),
        "process-starts": (out, rc),
    }


def test_hidden_password_and_a_qemu_older_than_qemu_conf_are_one_question(tmp_path) -> None:
    """R34H-7: both conditions in one item; "yes" to the password alone no longer passes."""
    a = _scan(tmp_path, _qemu_started_before_change())
    uuid = a.deployment.vms[0].uuid
    assert outcomes(a, "HVA-031") == {"web01": "manual"}, messages(a, "HVA-031")
    item = next(r.outcome for r in a.results if r.check.id == "HVA-031")
    assert item.message == (
        "evidence unavailable: console passwords are hidden from read-only libvirt connections "
        "(collect with --secure-xml); network-facing console(s), as /etc/libvirt/qemu.conf says now; but its QEMU (pid 1200) "
        "started at 2024-11-27 04:00:00 UTC, before /etc/libvirt/qemu.conf was changed at "
        "2024-11-27 05:10:00 UTC"
    )
    assert item.question == (
        "Does each network-facing console of this VM have a password, and does the running QEMU "
        "of VM web01 serve its consoles with the listen address, TLS and password "
        "/etc/libvirt/qemu.conf sets now? Evidence: `virsh dumpxml --security-info "
        f"{uuid}` on host hv1 (the passwd attribute of each <graphics>; `hvaudit scan "
        "--secure-xml` reads it as set or not), else vnc_password / spice_password in "
        "/etc/libvirt/qemu.conf there; `ps -o args= -p PID` of its QEMU on host hv1 (the -vnc, "
        "-spice and -chardev options: address, tls-creds, password), or the VM restarted since "
        "the change. Pass: yes, each has a non-empty password, and each console runs as the "
        "file says; fail: one has none or an empty one, or a console runs on a network address "
        "without the TLS or password the file now sets."
    )


def test_hidden_password_alone_is_its_one_question(tmp_path) -> None:
    """Held: with the VM started after qemu.conf's change, the password is the only question."""
    a = _scan(tmp_path, {})
    uuid = a.deployment.vms[0].uuid
    assert outcomes(a, "HVA-031") == {"web01": "manual"}, messages(a, "HVA-031")
    item = next(r.outcome for r in a.results if r.check.id == "HVA-031")
    assert item.question == PASSWORD_Q.format(uuid=uuid)


def test_a_fail_wins_over_the_questions(tmp_path) -> None:
    """Held: a console without TLS (vnc_tls = 0) fails, whatever else is open."""
    over = _qemu_started_before_change()
    conf = HARDENED_HOST["/etc/libvirt/qemu.conf"]
    over["/etc/libvirt/qemu.conf"] = conf.replace("vnc_tls = 1", "vnc_tls = 0")
    a = _scan(tmp_path, over)
    assert outcomes(a, "HVA-031") == {"web01": "fail"}, messages(a, "HVA-031")
    assert messages(a, "HVA-031")["web01"] == "vnc on 10.0.0.10 without TLS (vnc_tls = 0)"
