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

- R48S-2 (false pass) HVA-180 (dnf-advisories): _dnf_without_advisories read `dnf updateinfo
  list --all` only where it exited 0 and returned "" otherwise (outside CentOS), so a listing
  that exited 1 (dnf cli/main.py ex_Error: a repository's metadata not loaded) or 200 (a lock)
  or was not found passed "no pending security update" on an empty --security listing, which
  is empty whatever is pending where the repositories publish no advisories (R10H-5). Now an
  unread listing asks, naming why; a bundle without it (an older collector) judges by the
  distribution as before.

Older tests changed: test_checks_vm, test_vm_parity (a copied Proxmox VE tree: host
evidence unavailable), test_terminal and the golden reports (a simulated host) encoded the
pass on the path alone (R48S-1). test_redteam10_host_probes took the replay's None (dnf not
found) for "not collected": it now drops the artefact (older_bundle_scan); the RHEL hosts of
test_redteam3_host_probes and test_host_verdicts4 now answer the advisory listing (R48S-2).

Held: a host whose dpkg lists qemu-system-x86 passes HVA-064 as before; a RHEL host whose
advisory listing exits 0 with an advisory passes HVA-180.

Probed by script: -

Tally: 2 findings (2 false passes); 8 cases, 6 failing on main before the fixes (R48S-1: 3,
R48S-2: 3).

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


RHEL_HOST = {
    "/etc/os-release": 'NAME="Red Hat Enterprise Linux"\nID="rhel"\nVERSION_ID="9.4"\n',
    "apt-upgrade-simulation": None,
    "apt-held": None,
    "dpkg-packages": None,
    "rpm-packages": ("qemu-kvm\t9.0.0-10.el9\tii\nopenssh-server\t8.7p1-38.el9\tii\n", 0),
    "dnf-security-updates": ("", 0),
}
DNF_META = "Error: Failed to download metadata for repo 'rhel-9-for-x86_64-baseos-rpms'\n"
DNF_UNREAD = (
    "`dnf updateinfo list --security` lists nothing, but whether the repositories publish "
    "advisories, without which dnf cannot tell a security update, is unknown (`dnf updateinfo "
    "list --all`: {why})"
)


@pytest.mark.parametrize(
    ("run", "why"),
    [
        (("", 1, DNF_META), "exit status 1: " + DNF_META.strip()),
        (
            ("RHSA-2024:4312 Important/Sec. openssh-server-8.7p1-38.el9_4.1.x86_64\n", 200, ""),
            "exit status 200",
        ),
        (None, "command not found"),
    ],
    ids=["failed", "locked-with-output", "absent"],
)
def test_r48s_2_dnf_advisories_unread(host_scan, run, why: str) -> None:
    """R48S-2: `dnf updateinfo list --all` exiting 1 (dnf cli/main.py ex_Error) or 200 (a lock)
    or not found on RHEL (on main: passed "no pending security update")."""
    a = host_scan({**RHEL_HOST, "dnf-advisories": run})
    assert (outcomes(a, "HVA-180"), messages(a, "HVA-180")) == (
        {"hv1": "manual"},
        {"hv1": DNF_UNREAD.format(why=why)},
    )


def test_r48s_2_held_dnf_advisories_listed_passes(host_scan) -> None:
    """Held: the listing exiting 0 with an advisory of the installed openssh passes."""
    advisories = ("RHSA-2024:4312 Important/Sec. openssh-server-8.7p1-38.el9_4.1.x86_64\n", 0)
    a = host_scan({**RHEL_HOST, "dnf-advisories": advisories})
    assert (outcomes(a, "HVA-180"), messages(a, "HVA-180")) == (
        {"hv1": "pass"},
        {"hv1": "no pending security update (as of the package lists on the host)"},
    )
