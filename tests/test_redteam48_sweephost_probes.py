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

- R48S-3 (false pass) HVA-210 (ovs-ports, ip-link): R47S-4 counted an Open vSwitch bridge's
  ports from ovs-vsctl's tables only, and with `ovs-vsctl` failing (exit 1: the database
  socket denied) or not found the VM tap vnet0 on the datapath (`master ovs-system`) beside
  vmbr0's internal port holding 192.168.1.5 passed "1 management listener(s), none on a
  wildcard address", though which bridge holds each port only ovs-vsctl shows (ovs-vsctl(8)
  port-to-br, iface-to-br) and a guest on vmbr0 reaches every host address (R23N-1). Now the
  OVS interfaces holding a host address beside a VM port on the datapath are asked about (or
  the input firewall dropping those connections); no VM port on the datapath asks nothing.

- R48S-4 (false pass) HVA-180 (boot-kernels): _kernel_not_booted read `find /boot -maxdepth 1
  -name 'vmlinuz-*'` whatever its exit, so a find that exited 1 (an I/O error) after listing
  only the running 6.1.0-28-amd64 passed "no pending security update" though a newer kernel
  it did not list may wait for a reboot (find(1) EXIT STATUS: "you should not rely on the
  correctness of the results of find"). Now a partial listing without a newer kernel asks,
  naming why; one that lists a newer kernel still fails (that kernel is installed).
  _older_kernels (the GRUB default unread, R44B-4) likewise claims no older kernel from a
  partial listing (no separate verdict: the same host asks for the kernel first).

- R48S-5 (false pass) HVA-200 (journal-upload-conf-d): _journal_upload_url read the drop-in
  grep whatever its exit and dropped its "unread" note whenever a URL was known, so with
  systemd-journal-upload running, /etc's journal-upload.conf naming an https URL and the
  drop-ins' `grep -R -H` exiting 2 on one it could not read ("Permission denied"), HVA-200
  passed "logs forwarded over TLS" though the last drop-in's URL= overrides the main file's
  (journal-upload.conf(5); GNU grep(1) EXIT STATUS: 2 "if an error occurred"). Now such a
  run (or grep not found) leaves the URL unknown and asks, naming why; directories that do not
  exist are an answer; a bundle without the artefact is judged as before.

Older tests changed: test_checks_vm, test_vm_parity (a copied Proxmox VE tree: host
evidence unavailable), test_terminal and the golden reports (a simulated host) encoded the
pass on the path alone (R48S-1). test_redteam10_host_probes took the replay's None (dnf not
found) for "not collected": it now drops the artefact (older_bundle_scan); the RHEL hosts of
test_redteam3_host_probes and test_host_verdicts4 now answer the advisory listing (R48S-2).

Held: a host whose dpkg lists qemu-system-x86 passes HVA-064 as before; a RHEL host whose
advisory listing exits 0 with an advisory passes HVA-180; `ovs-vsctl` failing where no VM
port is on the Open vSwitch datapath passes HVA-210; a partial /boot listing naming a
newer kernel fails HVA-180; grep exiting 2 only for drop-in directories that do not exist
keeps HVA-200's pass.

Probed by script: -

Tally: 5 findings (5 false passes); 14 cases, 9 failing on main before the fixes (R48S-1: 3,
R48S-2: 3, R48S-3: 1, R48S-4: 1, R48S-5: 1).

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


OVSDB_DENIED = (
    "ovs-vsctl: unix:/var/run/openvswitch/db.sock: database connection failed (Permission denied)\n"
)
ETH_VNET0 = domain_xml(
    "web01",
    "<devices><interface type='ethernet'><mac address='52:54:00:00:01:01'/>"
    "<target dev='vnet0' managed='no'/><model type='virtio'/></interface></devices>",
)


OVS_WHY = f"ovs-vsctl failed (exit status 1: {OVSDB_DENIED.strip()})"


def test_r48s_3_ovs_ports_unread(host_scan) -> None:
    """R48S-3: R47S-4's host (VM tap vnet0 on the Open vSwitch datapath, vmbr0's internal port
    holding 192.168.1.5, input accepted) with `ovs-vsctl` exiting 1 (on main: passed "1
    management listener(s), none on a wildcard address")."""
    from test_redteam47_sweephost_probes import _ovs_gateway_host

    a = host_scan({**_ovs_gateway_host(), "ovs-ports": ("", 1, OVSDB_DENIED)}, domains=[ETH_VNET0])
    assert (outcomes(a, "HVA-210"), messages(a, "HVA-210"), _question(a, "HVA-210")) == (
        {"hv1": "manual"},
        {
            "hv1": "management listener(s) sshd (tcp/22) on 10.0.0.10: VM port(s) vnet0 are on "
            "Open vSwitch, beside its interface(s) vmbr0 (192.168.1.5) holding host addresses, "
            f"and which bridge holds each is unknown ({OVS_WHY}): a guest on the bridge of "
            "such an interface reaches every host address through it"
        },
        {
            "hv1": "Is each of VM port(s) vnet0 on host hv1 on an Open vSwitch bridge other "
            "than those of vmbr0, or does the host's input firewall drop connections that "
            "arrive on vmbr0 for sshd (tcp/22) on 10.0.0.10? Evidence: `ovs-vsctl port-to-br "
            "PORT` and `ovs-vsctl iface-to-br INTERFACE` on hv1 for each, and `nft list "
            "ruleset` (or `iptables -S`). Pass: yes, no VM port shares a bridge with them, or "
            "no rule accepts or queues those ports from them; fail: a VM port shares one and a "
            "rule accepts them (or the policy does), so a guest reaches the management service."
        },
    )


def test_r48s_3_held_no_vm_port_on_ovs(host_scan) -> None:
    """Held: `ovs-vsctl` exiting 1 where no VM port is on the Open vSwitch datapath (web01 has
    no interface; vnet0 gone from `ip -d link`): no guest is near vmbr0, HVA-210 passes."""
    import test_ovs_management_port as ovs
    from test_redteam47_sweephost_probes import _ovs_gateway_host

    host = _ovs_gateway_host()
    mgmt = {"ifindex": 8, "ifname": "mgmt1", "master": "ovs-system", "linkinfo": dict(ovs.OVS)}
    a = host_scan({**host, "ip-link": (ovs._links(mgmt), 0), "ovs-ports": ("", 1, OVSDB_DENIED)})
    assert (outcomes(a, "HVA-210"), messages(a, "HVA-210")) == (
        {"hv1": "pass"},
        {"hv1": "1 management listener(s), none on a wildcard address"},
    )


BOOT_EIO = "find: '/boot': Input/output error\n"


def test_r48s_4_partial_boot_listing_asks(host_scan) -> None:
    """R48S-4: `find /boot -maxdepth 1 -name 'vmlinuz-*'` exiting 1 after listing only the
    running 6.1.0-28-amd64 (on main: passed "no pending security update")."""
    a = host_scan({"boot-kernels": ("/boot/vmlinuz-6.1.0-28-amd64\n", 1, BOOT_EIO)})
    assert (outcomes(a, "HVA-180"), messages(a, "HVA-180")) == (
        {"hv1": "manual"},
        {
            "hv1": "evidence unavailable: `find /boot` did not list all of /boot (exit status 1: "
            "find: '/boot': Input/output error): whether a kernel newer than the running "
            "6.1.0-28-amd64 is installed is unknown"
        },
    )


def test_r48s_4_held_partial_listing_with_a_newer_kernel_fails(host_scan) -> None:
    """Held: the same exit with a newer kernel listed: that kernel is installed, HVA-180 fails."""
    listed = "/boot/vmlinuz-6.1.0-28-amd64\n/boot/vmlinuz-6.1.0-30-amd64\n"
    a = host_scan({"boot-kernels": (listed, 1, BOOT_EIO)})
    assert (outcomes(a, "HVA-180"), messages(a, "HVA-180")) == (
        {"hv1": "fail"},
        {
            "hv1": "kernel 6.1.0-30-amd64 is installed but 6.1.0-28-amd64 runs (the update "
            "takes effect at the next reboot)"
        },
    )


UPLOAD_DENIED = "grep: /etc/systemd/journal-upload.conf.d/60-lab.conf: Permission denied\n"


def test_r48s_5_journal_upload_drop_ins_unread(host_scan) -> None:
    """R48S-5: systemd-journal-upload running with /etc's journal-upload.conf naming an https
    URL, its drop-in directories' grep exiting 2 on an unreadable drop-in (on main: passed
    "logs forwarded over TLS", though a drop-in's URL= overrides the main file's)."""
    from test_host_leads18 import UPLOADING

    a = host_scan(
        {
            "processes": (UPLOADING, 0),
            "/etc/systemd/journal-upload.conf": "[Upload]\nURL=https://logs.example.internal\n",
            "journal-upload-conf-d": ("", 2, UPLOAD_DENIED),
        }
    )
    assert (outcomes(a, "HVA-200"), messages(a, "HVA-200")) == (
        {"hv1": "manual"},
        {
            "hv1": "evidence unavailable: the drop-ins of journal-upload.conf "
            "(/etc/systemd/journal-upload.conf.d) were not read (exit status 2: "
            + UPLOAD_DENIED.strip()
            + "), and they override its URL"
        },
    )


def test_r48s_5_held_missing_drop_in_dirs_pass(host_scan) -> None:
    """Held: grep exiting 2 only because the drop-in directories do not exist keeps the pass
    on the main file's https URL."""
    from test_host_leads18 import UPLOADING

    missing = "".join(
        f"grep: {d}/journal-upload.conf.d: No such file or directory\n"
        for d in ("/etc/systemd", "/run/systemd", "/usr/lib/systemd")
    )
    a = host_scan(
        {
            "processes": (UPLOADING, 0),
            "/etc/systemd/journal-upload.conf": "[Upload]\nURL=https://logs.example.internal\n",
            "journal-upload-conf-d": ("", 2, missing),
        }
    )
    assert outcomes(a, "HVA-200") == {"hv1": "pass"}, messages(a, "HVA-200")
