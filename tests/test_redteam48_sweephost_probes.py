"""R48 sweep (host side): collected-but-unread evidence after round 47's HostEvidence.result.

Harness: the conftest host_scan replay (HARDENED_HOST) over libvirt's test driver, assessed by
the real engine; an override `(stdout, rc, stderr)` records a run that exited `rc`, None a probe
recorded absent ("command not found"), as the collector's runners do.

Findings:
- R48S-1 (false pass, the team decision of round 48) HVA-064 (dpkg-packages, rpm-packages):
  with the host's package list unknown (dpkg-query failing and no rpm, both absent, a bundle
  whose host evidence is unavailable) the check passed "emulator /usr/bin/qemu-system-x86_64"
  on the path alone, though a distribution path is the distribution's binary only where a
  package put it there (R8-9). Now it asks which package installed that path (dpkg-query(1)
  -S, rpm -qf), naming the path, or for no <emulator> the binary libvirt's capabilities name
  for the guest's architecture.

Older tests changed: test_checks_vm, test_vm_parity (a copied Proxmox VE tree: host
evidence unavailable), test_terminal and the golden reports (a simulated host) encoded the
pass on the path alone.

Held: a host whose dpkg lists qemu-system-x86 passes HVA-064 as before.

Probed by script: -

Tally: 1 finding (1 false pass); 4 cases, 3 failing on main before the fix.

Leads left: see the report.
"""

from __future__ import annotations

import pytest

from conftest import (
    domain_xml,
    messages,
    outcomes,
)

EMU = "<devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices>"
DPKG_LOCKED = "dpkg-query: error: cannot access archive '/var/lib/dpkg/status': Permission denied\n"
PKG_MSG = (
    "{what}, but the host's package list was not read (neither dpkg nor rpm answered): whether "
    "a package the host's updates cover installed it is unknown"
)
PKG_Q = (
    "Does a distribution package the host's updates cover own /usr/bin/qemu-system-x86_64 (VM "
    "web01's emulator) on host hv1? Evidence: `dpkg -S /usr/bin/qemu-system-x86_64` (or `rpm "
    "-qf /usr/bin/qemu-system-x86_64`) on hv1. Pass: yes, it names such a package; fail: no "
    "package owns it, so it was installed by hand."
)


def _question(a, check_id: str) -> dict[str, str | None]:
    return {r.outcome.subject.name: r.outcome.question for r in a.results if r.check.id == check_id}


@pytest.mark.parametrize(
    "run",
    [("", 2, DPKG_LOCKED), None],
    ids=["dpkg-failed", "dpkg-absent"],
)
def test_r48s_1_package_list_unread_asks(host_scan, run) -> None:
    """R48S-1: dpkg-query exiting 2 or not found, rpm not found (on main: passed "emulator
    /usr/bin/qemu-system-x86_64")."""
    a = host_scan({"dpkg-packages": run}, domains=[domain_xml("web01", EMU)])
    assert (outcomes(a, "HVA-064"), messages(a, "HVA-064"), _question(a, "HVA-064")) == (
        {"web01": "manual"},
        {"web01": PKG_MSG.format(what="emulator /usr/bin/qemu-system-x86_64")},
        {"web01": PKG_Q},
    )


def test_r48s_1_no_emulator_names_the_capabilities_path(host_scan) -> None:
    """R48S-1: no <emulator> and no package list: the question names where libvirt's default
    binary is found (on main: passed "no <emulator>: the driver's default binary")."""
    a = host_scan({"dpkg-packages": None})
    assert (outcomes(a, "HVA-064"), messages(a, "HVA-064"), _question(a, "HVA-064")) == (
        {"web01": "manual"},
        {"web01": PKG_MSG.format(what="no <emulator> (the driver's default binary)")},
        {
            "web01": "Does a distribution package the host's updates cover own the emulator "
            "libvirt picks for x86_64 (VM web01's emulator) on host hv1? Evidence: the "
            "<emulator> of <arch name='x86_64'> in `virsh capabilities` on hv1, then `dpkg -S "
            "that path` (or `rpm -qf that path`) on hv1. Pass: yes, it names such a package; "
            "fail: no package owns it, so it was installed by hand."
        },
    )


def test_r48s_1_held_packaged_emulator_passes(host_scan) -> None:
    """Held: dpkg-query exiting 0 and listing qemu-system-x86 passes HVA-064."""
    a = host_scan(domains=[domain_xml("web01", EMU)])
    assert (outcomes(a, "HVA-064"), messages(a, "HVA-064")) == (
        {"web01": "pass"},
        {"web01": "emulator /usr/bin/qemu-system-x86_64"},
    )
