"""R49 sweep (host side): collected-but-unread evidence after round 47's HostEvidence.result.

Harness: the conftest host_scan replay (HARDENED_HOST) over libvirt's test driver, assessed by
the real engine; an override `(stdout, rc, stderr)` records a run that exited `rc`, None a probe
recorded absent ("command not found"), as the collector's runners do.

Findings:
- R49S-1 (wording) HVA-230, HVA-210 (ovs-ports): _ovs_bridges read ovs-vsctl's exit status
  itself and named a failed run "ovs-vsctl failed: STDERR" without the status it exited with
  (ovs-vsctl(8) EXIT STATUS, openvswitch/ovs utilities/ovs-vsctl.8.in: 0 "Successful program
  execution", 1 an error). Now the tables are read through HostEvidence.result and the reason
  names the exit status and the first stderr line, as every other reader's does.

- R49S-2 (wording) HVA-064 (dpkg-packages): R9-7's branch (packages named for QEMU, none an
  emulator package) and R16-1's (emulator packages of other architecture families only) asked
  "Which package installed PATH on host H?", no yes/no question, and R9-7's named `dpkg -S
  /usr/bin/qemu-system-x86_64` for a VM without <emulator> whatever its architecture. Now both
  ask R48S-1's _package_question (dpkg-query(1) -S; rpm -qf; without <emulator>, the
  <emulator> of the guest's <arch> in `virsh capabilities`).

Older tests changed: test_r36_sweep_host_probes and test_redteam48_sweephost_probes encoded
the ovs-vsctl message without its exit status (R49S-1); test_redteam16_vm_probes encoded the
"Which package installed" question (R49S-2).

Held: the k3s kubeconfig's stat (kube-admin-configs) exiting 1 on a path it could not reach
("Permission denied") where config.yaml widens the next start's mode: _admins asks about the
stat (_stat_unanswered) before _k3s_kubeconfig_next reads its rows, so HVA-142 is an error
naming the stat, no pass (the lead of round 48 held).

Probed by script: -

Tally: 2 findings (2 wording); 5 cases, 3 failing on main before the fixes (R49S-1: 1,
R49S-2: 2).

Leads left: see the report.
"""

from __future__ import annotations

from conftest import domain_xml, messages, outcomes
from test_r36_sweep_host_probes import OVS_DOWN, _links
from test_redteam9_vm_probes import TOOLS_ONLY
from test_redteam26_accounts_probes import BASE, _142
from test_redteam33_accounts_probes import K3S_YAML, _grep

K3S_CONFIG = "/etc/rancher/k3s/config.yaml"
STAT_DENIED = f"stat: cannot statx '{K3S_YAML}': Permission denied\n"


def test_held_k3s_kubeconfig_stat_unreached_is_asked(host_scan) -> None:
    """Held: stat exiting 1 on k3s.yaml ("Permission denied") with config.yaml setting
    write-kubeconfig-mode 0644: an error naming the stat, no pass."""
    over = {
        **BASE,
        "kube-admin-configs": ("", 1, STAT_DENIED),
        "k3s-config": _grep((K3S_CONFIG, 'write-kubeconfig-mode: "0644"\n')),
        "k3s-service-unit-files": None,
    }
    assert _142(host_scan(over)) == (
        "error",
        "evidence could not be collected: the Kubernetes admin kubeconfigs could not all be "
        f"stat'ed (exit status 1: {STAT_DENIED.strip()}): the groups that may read them are "
        "unknown",
    )


def test_r49s_1_ovs_vsctl_failure_names_its_exit_status(host_scan) -> None:
    """R49S-1: ovs-vsctl exiting 1 (ovsdb-server's socket gone); on main the message named no
    exit status ("ovs-vsctl failed: ovs-vsctl: unix:...")."""
    a = host_scan({"ip-link": (_links(False), 0), "ovs-ports": OVS_DOWN})
    assert (outcomes(a, "HVA-230"), messages(a, "HVA-230")) == (
        {"hv1": "manual"},
        {"hv1": f"evidence unavailable: ovs-vsctl failed (exit status 1: {OVS_DOWN[2].strip()})"},
    )


def test_held_ovs_vsctl_answering_with_a_warning_reads_the_tables(host_scan) -> None:
    """Held: ovs-vsctl exiting 0 with a stderr warning still answers: HVA-230 passes as with a
    clean run (the bond's members on two cards)."""
    from test_redteam7_host_probes import OVS_TABLES

    clean = host_scan({"ip-link": (_links(False), 0), "ovs-ports": (OVS_TABLES, 0)})
    warned = host_scan(
        {"ip-link": (_links(False), 0), "ovs-ports": (OVS_TABLES, 0, "ovs-vsctl: warning\n")}
    )
    assert (outcomes(warned, "HVA-230"), messages(warned, "HVA-230")) == (
        outcomes(clean, "HVA-230"),
        messages(clean, "HVA-230"),
    )
    assert outcomes(warned, "HVA-230") == {"hv1": "pass"}


EMU = "/usr/bin/qemu-system-x86_64"
TOOLS_MSG = (
    "{what}; the host's QEMU-named packages (libvirt-daemon-driver-qemu, qemu-system-common, "
    "qemu-utils) are none of the packages that ship a QEMU emulator"
)


def _question(a, check_id: str) -> dict[str, str | None]:
    return {r.outcome.subject.name: r.outcome.question for r in a.results if r.check.id == check_id}


def test_r49s_2_tools_only_emulator_asked_yes_or_no(host_scan) -> None:
    """R49S-2: packages named for QEMU, none an emulator package (R9-7); on main the question
    was "Which package installed /usr/bin/qemu-system-x86_64 on host hv1?", no yes/no."""
    xml = domain_xml("toolsonly", body=f"<devices><emulator>{EMU}</emulator></devices>")
    a = host_scan({"dpkg-packages": TOOLS_ONLY}, domains=[xml])
    assert (outcomes(a, "HVA-064"), messages(a, "HVA-064"), _question(a, "HVA-064")) == (
        {"toolsonly": "manual"},
        {"toolsonly": TOOLS_MSG.format(what=f"emulator {EMU}")},
        {
            "toolsonly": f"Does a distribution package the host's updates cover own {EMU} (VM "
            f"toolsonly's emulator) on host hv1? Evidence: `dpkg -S {EMU}` (or `rpm -qf {EMU}`) "
            "on hv1. Pass: yes, it names such a package; fail: no package owns it, so it was "
            "installed by hand."
        },
    )


def test_r49s_2_tools_only_no_emulator_names_the_capabilities_path(host_scan) -> None:
    """R49S-2: the same host, web01 without <emulator>; on main the question named `dpkg -S
    /usr/bin/qemu-system-x86_64` whatever the guest's architecture, not the binary libvirt
    picks for it."""
    a = host_scan({"dpkg-packages": TOOLS_ONLY})
    assert (outcomes(a, "HVA-064"), messages(a, "HVA-064"), _question(a, "HVA-064")) == (
        {"web01": "manual"},
        {"web01": TOOLS_MSG.format(what="no <emulator> (the driver's default binary)")},
        {
            "web01": "Does a distribution package the host's updates cover own the emulator "
            "libvirt picks for x86_64 (VM web01's emulator) on host hv1? Evidence: the "
            "<emulator> of <arch name='x86_64'> in `virsh capabilities` on hv1, then `dpkg -S "
            "that path` (or `rpm -qf that path`) on hv1. Pass: yes, it names such a package; "
            "fail: no package owns it, so it was installed by hand."
        },
    )
