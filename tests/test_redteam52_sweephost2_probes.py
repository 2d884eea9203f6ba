"""R52 sweep, second turn: the systemctl probes recorded absent that R52S-3 and R52S-4 read as
unread, now asked with the command to run (the team's decision of round 52).

Harness: the conftest host_scan replay (HARDENED_HOST) over libvirt's test driver, assessed by
the real engine; an override of None records the probe absent ("command not found"), as the
collector's runners do for a missing executable (collect/runner.py SshRunner.run: exit 127).
PID 1 is shown as systemd re-executed (`/lib/systemd/systemd --system --deserialize 21`,
systemd src/core/main.c do_reexecute), or the process list is refused (ps exited 1).

Findings:
- R52S-5 (wording/outcome) HVA-142, HVA-061, HVA-034, HVA-132: a systemctl probe recorded
  absent where PID 1 is systemd (R52S-3) was "error: evidence could not be collected", though
  nothing failed to collect that a person cannot answer by running the probe, and where whether
  PID 1 is systemd is unknown (R52S-4) the question named no command. Now HostEvidence.get
  gives such a probe a Source whose `ask` is its command line (SYSTEMCTL_RUNS, from the
  collector's COMMANDS); Fact.failed/unavailable append "`systemctl ...` answers" to the
  reason, and checks.base.unknown asks a failed fact resting on it (Fact.asked) instead of
  erroring: centrally, for every reader that turns the Got into a Fact with its source.
- R52S-6 (false pass) HVA-142, HVA-061 (and HVA-132's wording): PID 1 shown as /sbin/init
  (Debian's systemd-sysv link: it does not tell) with systemctl not found was read as "no
  systemd", though systemd is the init system where /run/systemd/system exists (sd_booted(3):
  systemd src/libsystemd/sd-daemon/sd-daemon.c sd_booted, `laccess("/run/systemd/system/",
  F_OK)`, created early in mount-setup.c): the container daemons' units and ksm.service unread,
  HVA-142 and HVA-061 passed. Now a read-only probe (systemd-booted: `stat -c '%F %n'
  /run/systemd/system`) settles it: a directory (or link) is systemd, asked as R52S-5; stat
  saying "No such file or directory" or no answer keeps the reading before.

Held:
- a PID 1 that does not show systemd (/sbin/init): systemctl not found stays "no systemd",
  HVA-061 passes "KSM is off" (R52S-3's held case, here with the new source field).
- /run/systemd/system missing (stat says so) with PID 1 /sbin/init: no systemd, HVA-061 passes.
- the process list refused (ps exited 1) is a collection error where the check rests on ps
  itself (HVA-061's KSM daemons): no command of systemctl's is asked in its place.

Older tests changed: test_redteam52_sweephost_probes.py's R52S-3 cases (error -> manual, with
the command), in a separate commit.

Probed by script: /run/systemd/system missing and the process list refused: HVA-132 stays asked
as R52S-4 (the process list unread leaves a running libvirtd's command line unread), though its
question still says "libvirtd is not running" (a lead). HVA-132 with every systemctl probe absent and PID 1 systemd, libvirtd running:
passes on libvirtd's own command line (ps), as before.

Tally: 2 findings (1 false pass, 1 wording/outcome); 12 cases; 9 failed on main before the
fixes.

Leads left: see the report.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from hvaudit.collect.host import COMMANDS


def _pid1(command: str) -> tuple[str, int]:
    """The replay host's process list with PID 1 running `command`."""
    ps = HARDENED_HOST["processes"][0]
    return ps.replace("    1 root     /sbin/init\n", f"    1 root     {command}\n"), 0


SYSTEMD_PID1 = "/lib/systemd/systemd --system --deserialize 21"
NOT_FOUND = "systemctl was not found, though PID 1 is systemd (/lib/systemd/systemd)"
PS_REFUSED = ("", 1, 'error: unknown user-defined format specifier "user"\n')
NO_SYSTEMCTL = {p.name: None for p in COMMANDS if p.argv[0] == "systemctl"}
CONTAINER_RUN = (
    "`systemctl list-unit-files --no-legend --no-pager docker.service docker.socket "
    "incus.service incus.socket lxd.service lxd.socket snap.lxd.daemon.service "
    "snap.lxd.daemon.unix.socket podman.socket podman.service containerd.service`"
)
KSM_RUN = "`systemctl list-unit-files --no-legend --no-pager ksm.service ksmtuned.service`"
LIBVIRT_RUN = "`systemctl cat --no-pager libvirtd.service virtqemud.service virtproxyd.service`"


@pytest.mark.parametrize(
    ("probe", "check_id", "message"),
    [
        (
            "container-units",
            "HVA-142",
            f"evidence unavailable: the container daemons' units were not listed ({NOT_FOUND}): "
            f"whether docker, LXD or Incus starts at the next boot is unknown; {CONTAINER_RUN} "
            "answers",
        ),
        (
            "ksm-units",
            "HVA-061",
            f"evidence unavailable: host/commands/ksm-units.txt: {NOT_FOUND}; {KSM_RUN} answers",
        ),
        (
            "libvirt-units",
            "HVA-034",
            f"evidence unavailable: host/commands/libvirt-units.txt: {NOT_FOUND}; {LIBVIRT_RUN} "
            "answers",
        ),
    ],
    ids=["container-units-hva142", "ksm-units-hva061", "libvirt-units-hva034"],
)
def test_systemctl_absent_under_systemd_is_asked(
    host_scan, probe: str, check_id: str, message: str
) -> None:
    """R52S-5 (wording/outcome) HVA-142, HVA-061, HVA-034: systemctl not found where PID 1 is
    systemd is a question naming the probe's command; on main "error: evidence could not be
    collected"."""
    a = host_scan({probe: None, "processes": _pid1(SYSTEMD_PID1)})
    assert outcomes(a, check_id) == {"hv1": "manual"}
    assert messages(a, check_id) == {"hv1": message}


@pytest.mark.parametrize("check_id", ["HVA-132", "HVA-034"])
def test_systemctl_absent_pid1_unknown_names_the_command(host_scan, check_id: str) -> None:
    """R52S-5 (wording) HVA-132, HVA-034: no systemctl probe ran and the process list refused:
    the question now names the command that reads libvirtd.service; on main it named none."""
    a = host_scan({**NO_SYSTEMCTL, "processes": PS_REFUSED})
    assert outcomes(a, check_id) == {"hv1": "manual"}
    assert messages(a, check_id) == {
        "hv1": "evidence unavailable: libvirtd is not running and libvirt's service units were "
        "not read (systemctl was not found and the process list was not read: whether PID 1 is "
        "systemd is unknown): whether libvirtd.service starts it with --config FILE (another "
        f"file than /etc/libvirt/libvirtd.conf) is unknown; {LIBVIRT_RUN} answers"
    }


def test_every_systemctl_absent_under_systemd_is_asked(host_scan) -> None:
    """R52S-5 (wording/outcome) HVA-142: every systemctl probe absent where PID 1 is systemd;
    on main an error."""
    a = host_scan({**NO_SYSTEMCTL, "processes": _pid1(SYSTEMD_PID1)})
    assert outcomes(a, "HVA-142") == {"hv1": "manual"}
    assert messages(a, "HVA-142") == {
        "hv1": f"evidence unavailable: the container daemons' units were not listed "
        f"({NOT_FOUND}): whether docker, LXD or Incus starts at the next boot is unknown; "
        f"{CONTAINER_RUN} answers"
    }


def test_systemctl_absent_without_systemd_pid1_holds(host_scan) -> None:
    """Held: PID 1 /sbin/init does not show systemd: no systemd to start the KSM units."""
    a = host_scan({"ksm-units": None})
    assert outcomes(a, "HVA-061") == {"hv1": "pass"}
    assert messages(a, "HVA-061") == {"hv1": "KSM is off"}


def test_ps_refused_stays_an_error_hva061(host_scan) -> None:
    """Held: the process list refused is a collection error where the check rests on ps
    itself; no systemctl command is asked in its place."""
    a = host_scan({**NO_SYSTEMCTL, "processes": PS_REFUSED})
    assert outcomes(a, "HVA-061") == {"hv1": "error"}
    assert messages(a, "HVA-061") == {
        "hv1": "evidence could not be collected: ps exited 1: error: unknown user-defined format "
        'specifier "user"'
    }


BOOTED = ("directory /run/systemd/system\n", 0)
NOT_BOOTED = ("", 1, "stat: cannot statx '/run/systemd/system': No such file or directory\n")
BOOTED_WHY = (
    "systemctl was not found, though systemd is the init system (/run/systemd/system exists, "
    "as sd_booted(3) tests)"
)


@pytest.mark.parametrize(
    ("probe", "check_id", "message"),
    [
        (
            "container-units",
            "HVA-142",
            f"evidence unavailable: the container daemons' units were not listed ({BOOTED_WHY}): "
            f"whether docker, LXD or Incus starts at the next boot is unknown; {CONTAINER_RUN} "
            "answers",
        ),
        (
            "ksm-units",
            "HVA-061",
            f"evidence unavailable: host/commands/ksm-units.txt: {BOOTED_WHY}; {KSM_RUN} answers",
        ),
    ],
    ids=["container-units-hva142", "ksm-units-hva061"],
)
def test_systemctl_absent_sd_booted_is_asked(
    host_scan, probe: str, check_id: str, message: str
) -> None:
    """R52S-6 (false pass) HVA-142, HVA-061: PID 1 shown as /sbin/init (Debian's systemd-sysv
    link) and /run/systemd/system a directory: systemd is the init system, its units unread;
    on main HVA-142 passed "2 administrative principal(s)" and HVA-061 "KSM is off"."""
    a = host_scan({probe: None, "systemd-booted": BOOTED})
    assert outcomes(a, check_id) == {"hv1": "manual"}
    assert messages(a, check_id) == {"hv1": message}


def test_ps_refused_sd_booted_is_asked(host_scan) -> None:
    """R52S-6 (wording) HVA-132: the process list refused, /run/systemd/system a directory: the
    question says systemd is the init system (on main: "whether PID 1 is systemd is
    unknown")."""
    a = host_scan({**NO_SYSTEMCTL, "processes": PS_REFUSED, "systemd-booted": BOOTED})
    assert outcomes(a, "HVA-132") == {"hv1": "manual"}
    assert messages(a, "HVA-132") == {
        "hv1": "evidence unavailable: libvirtd is not running and libvirt's service units were "
        f"not read ({BOOTED_WHY}): whether libvirtd.service starts it with --config FILE "
        f"(another file than /etc/libvirt/libvirtd.conf) is unknown; {LIBVIRT_RUN} answers"
    }


def test_not_sd_booted_holds(host_scan) -> None:
    """Held: /run/systemd/system missing (stat says so): not systemd, systemctl not found is
    no systemd; HVA-061 passes."""
    a = host_scan({"ksm-units": None, "systemd-booted": NOT_BOOTED})
    assert outcomes(a, "HVA-061") == {"hv1": "pass"}
    assert messages(a, "HVA-061") == {"hv1": "KSM is off"}
