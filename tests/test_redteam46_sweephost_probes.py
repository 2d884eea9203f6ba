"""R46 sweep: collected-but-unread evidence, the team's decision of round 46 (R45S's lead): a
probe the collector asked for and recorded absent (its tool not found: stat, find; SshRunner.run
reads exit 127 as absent) is unread for every probe, not only process-starts (R45S-2).

Harness: the conftest host_scan replay (HARDENED_HOST: libvirtd pid 700, sssd and rsyslogd
running, every file older than every process's start) over libvirt's test driver, assessed by
the real engine; an override of None records the probe absent ("command not found"), as the
collector's runners do for a missing executable (collect/runner.py LocalRunner.run, SshRunner.run).

Findings:
- R46S-1 (false pass) HVA-030, HVA-032, HVA-036, HVA-042, HVA-043, HVA-045, HVA-048, HVA-053,
  HVA-130, HVA-131, HVA-132, HVA-200, HVA-201, HVA-213, HVA-215, HVA-044 (its host part)
  (libvirt-conf-mtimes), HVA-140, HVA-150 (sssd-conf-mtimes), HVA-200 (rsyslog-mtimes): a
  daemon's files are weighed against its start because it reads them only when it starts
  (libvirt src/remote/remote_daemon.c main() calls daemonConfigLoadFile once, SIGHUP runs
  virStateReload only, R11H-1; sssd(8) SIGNALS: SIGHUP only reopens the debug files; rsyslog
  v4 compatibility notes: HUP no longer re-reads the configuration, R11H-5). _mtimes_unread
  and _changed_after read `stat`/`find` recorded absent like an older bundle's silence, so
  every check passed on files a running daemon may not run, where the same probe timing out
  asked. Now absent is unread (the reason, "command not found", named in the question), as
  for a timeout or a failing exit; only a bundle without the artefact settles nothing.
  HVA-034 and HVA-035 (not applicable on the hardened host) ask too, as they do for a `stat`
  that fails; HVA-051 keeps its pass (no VM assigns a device by legacy KVM assignment).

- R46S-2 (false pass) HVA-043, HVA-052, HVA-181, HVA-201, HVA-214 (the next boot's line):
  _boot_ukis read `find -L /efi/EFI/Linux /boot/EFI/Linux /boot/efi/EFI/Linux ... -iname
  '*.efi'` (boot-uki) without its exit code: a unified kernel image boots with its own
  .cmdline section (systemd-stub(7)), so a listed image asks (R28B-3), but `find` exiting 1
  with "Permission denied" (an ESP mounted umask=0077, scanned as a non-root user) or timing
  out listed none, and every check passed on GRUB's line alone. find(1) EXIT STATUS: "if the
  return value is non-zero, you should not rely on the correctness of the results of find".
  Now the directories not listed are an unread source (BootCmdline embedded) naming why; a
  directory that does not exist ("No such file or directory") is an answer (_unanswered).

Held (kept as tests): a bundle without each artefact (an older collector, older_bundle_scan):
HVA-048, HVA-140 and HVA-200 pass as before. `find` exiting 1 only for a UKI directory that
does not exist: HVA-052 passes.

Probed by script: on 34956afa (main) every check's verdict against the hardened host with each
of libvirt-conf-mtimes, sssd-conf-mtimes and rsyslog-mtimes recorded absent: not one verdict
changed from the hardened host's (the checks listed under R46S-1 passed); on c93434d8 (main)
every verdict with boot-uki exiting 1 for "Permission denied" against one UKI listed: the
checks listed under R46S-2 passed, where the listed image asked.

Tally: 2 findings (2 false passes); 11 cases, 7 failing on main before the fixes (R46S-1: its
5 probes, on 34956afa; R46S-2: its 2 probes, on c93434d8).

Leads left: getfacl (admin-paths-acl: _acl_group_shut and _acl_accessors read its text
where state is ok whatever the exit code; _acl_unread asks only where the callers call it);
boot-uki recorded absent (find not found) still reads as none: the conftest replay records
every probe HARDENED_HOST omits as absent, boot-uki among them, so the decision of R46S-1
needs boot-uki added to HARDENED_HOST first.
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes
from hvaudit.collect.host import command_artefact
from test_leads10 import older_bundle_scan  # noqa: F401  (fixture)

LIBVIRT_UNREAD = (
    "evidence unavailable: when /etc/libvirt/{name} was last changed was not read (`stat`: "
    "command not found); libvirtd (pid 700) reads it only when it starts, so what it runs may "
    "differ from the file"
)
SSSD_UNREAD = (
    "evidence unavailable: sssd runs, but when its files last changed was not read (`find`: "
    "command not found): SSSD reads its configuration only when it starts, so what it runs may "
    "differ from the files"
)
RSYSLOG_UNREAD = (
    "evidence unavailable: rsyslogd runs, but when its files last changed was not read "
    "(`find`: command not found): rsyslogd reads its configuration only when it starts (HUP "
    "does not re-read it), so its destinations may differ from the files"
)


@pytest.mark.parametrize(
    ("check", "name"), [("HVA-048", "qemu.conf"), ("HVA-132", "libvirtd.conf")]
)
def test_r46s_1_libvirt_mtimes_absent_is_unread(host_scan, check: str, name: str) -> None:
    """R46S-1: `stat -c '%Y %Z %n' /etc/libvirt/...` recorded absent (on main: passed)."""
    a = host_scan({"libvirt-conf-mtimes": None})
    assert (outcomes(a, check), messages(a, check)) == (
        {"hv1": "manual"},
        {"hv1": LIBVIRT_UNREAD.format(name=name)},
    )


@pytest.mark.parametrize("check", ["HVA-140", "HVA-150"])
def test_r46s_1_sssd_mtimes_absent_is_unread(host_scan, check: str) -> None:
    """R46S-1: `find /etc/sssd ... -printf` recorded absent (on main: passed)."""
    a = host_scan({"sssd-conf-mtimes": None})
    assert (outcomes(a, check), messages(a, check)) == ({"hv1": "manual"}, {"hv1": SSSD_UNREAD})


def test_r46s_1_rsyslog_mtimes_absent_is_unread(host_scan) -> None:
    """R46S-1: `find -L /etc/rsyslog.conf /etc/rsyslog.d -printf` recorded absent (on main:
    HVA-200 passed on the forwarding the files say)."""
    a = host_scan({"rsyslog-mtimes": None})
    assert (outcomes(a, "HVA-200"), messages(a, "HVA-200")) == (
        {"hv1": "manual"},
        {"hv1": RSYSLOG_UNREAD},
    )


@pytest.mark.parametrize(
    ("probe", "check", "message"),
    [
        (
            "libvirt-conf-mtimes",
            "HVA-048",
            "security_default_confined = 1, security_require_confined = 1",
        ),
        ("sssd-conf-mtimes", "HVA-140", "2 account(s) with a login shell (limit 3): root, alice"),
        ("rsyslog-mtimes", "HVA-200", "logs forwarded over TLS to logs.example.internal"),
    ],
)
def test_r46s_1_held_older_bundle_without_the_times(
    older_bundle_scan,  # noqa: F811
    probe: str,
    check: str,
    message: str,
) -> None:
    """Held: a bundle that never asked for the times settles nothing: passes, as before."""
    a = older_bundle_scan({}, gone=command_artefact(probe))
    assert (outcomes(a, check), messages(a, check)) == ({"hv1": "pass"}, {"hv1": message})


# --- R46S-2: the unified kernel images' directories not listed ----------------------------------

UKI_UNREAD = (
    "the command line embedded in any unified kernel image in /efi/EFI/Linux, /boot/EFI/Linux, "
    "/boot/efi/EFI/Linux (`find` could not list them all: {why}) is not read: whether the next "
    "boot's line {does} is not known"
)
ESP_DENIED = "find: '/boot/efi/EFI/Linux': Permission denied\n"


@pytest.mark.parametrize(
    ("uki", "why"),
    [
        (("", 1, ESP_DENIED), "exit status 1: find: '/boot/efi/EFI/Linux': Permission denied"),
        (RuntimeError("timed out after 30s"), "timed out after 30s"),
    ],
    ids=["esp-denied", "timeout"],
)
def test_r46s_2_uki_dirs_not_listed_are_unread(host_scan, uki, why: str) -> None:
    """R46S-2: `find -L /efi/EFI/Linux ... -iname '*.efi'` exiting 1 on an ESP it may not
    enter (mounted umask=0077) or timing out (on main: HVA-052 and HVA-181 passed, though a
    listed image asks)."""
    a = host_scan({"boot-uki": uki})
    assert (outcomes(a, "HVA-052"), messages(a, "HVA-052")) == (
        {"hv1": "manual"},
        {
            "hv1": "no pcie_acs_override= on the running kernel's command line, but "
            + UKI_UNREAD.format(why=why, does="adds pcie_acs_override=")
        },
    )
    assert (outcomes(a, "HVA-181"), messages(a, "HVA-181")) == (
        {"hv1": "manual"},
        {
            "hv1": "17 CPU vulnerabilities reported, none unmitigated now, but "
            + UKI_UNREAD.format(why=why, does="turns mitigations off")
        },
    )


def test_r46s_2_held_uki_dirs_that_do_not_exist(host_scan) -> None:
    """Held: `find` exiting 1 only because a directory does not exist ("No such file or
    directory") answered: no image there, HVA-052 passes."""
    a = host_scan({"boot-uki": ("", 1, "find: '/efi/EFI/Linux': No such file or directory\n")})
    assert (outcomes(a, "HVA-052"), messages(a, "HVA-052")) == (
        {"hv1": "pass"},
        {"hv1": "no pcie_acs_override= on the kernel command line"},
    )
