"""R52 sweep: the privileged-access readers of HVA-142 and HVA-132 where a grep probe is recorded
absent (the team's decisions of round 52, after R51S-5's polkit-rules and doas-d).

Harness: the conftest host_scan replay (HARDENED_HOST) over libvirt's test driver, assessed by
the real engine; an override of None records the probe absent ("command not found"), as the
collector's runners do for a missing executable (collect/runner.py SshRunner.run: exit 127).
The replay host now answers polkit-actions with the lines grep keeps of the two .policy files
Debian's libvirt-daemon-system installs (org.libvirt.unix.policy from libvirt's
src/remote/libvirtd.policy: unix.monitor yes, unix.manage auth_admin_keep; org.libvirt.api.policy
from src/access/genpolkit.pl: yes for a permission viraccessperm.h marks `@anonymous: 1`, no
for the others), and sudoers-vendor as grep does where /usr/etc has no sudoers (exit 2, "No
such file or directory" for both paths).

Findings:
- R52S-1 (false pass) HVA-142, HVA-132: polkit-actions (`grep -R -H -E '<action|...|<allow_'
  /usr/share/polkit-1/actions`) recorded absent (grep not found) was read like an older
  bundle's silence: no declared default, so an org.libvirt.unix.manage or
  org.freedesktop.policykit.exec edited to `yes` (polkit(8), DECLARING ACTIONS: the implicit
  authorizations decide where no rule answers, R25A-4) went unweighed and both passed. Now
  unavailable (HVA-142) and asked (HVA-132), naming the grep to run.
- R52S-2 (false pass) HVA-142: sudoers-vendor (`grep -R -H "" /usr/etc/sudoers
  /usr/etc/sudoers.d`) recorded absent where /etc/sudoers does not exist was read as "no
  vendor sudoers", so sudo granted nothing, though sudo built with --enable-adminconf
  (openSUSE's sudo.spec for suse_version >= 1600) reads /usr/etc/sudoers in its place, SUSE's
  with `ALL ALL=(ALL) ALL` (R45A-1). Now unavailable, naming the grep to run.

- R52S-3 (false pass) HVA-142, HVA-061, HVA-034 (false n/a): a systemctl probe (`systemctl
  list-unit-files`, `systemctl cat`, `list-sockets`, `show-environment`) recorded absent
  (systemctl not found) was read as "no systemd", though the collected process list shows PID
  1 is systemd (`/lib/systemd/systemd --system --deserialize N`, as systemd re-executes
  itself: src/core/main.c do_reexecute): the container daemons' units unread, HVA-142 passed;
  ksm.service unread, HVA-061 passed "KSM is off"; libvirtd.service's --listen unread, HVA-034
  was n/a. Now HostEvidence.get gives every systemctl probe recorded absent there as failed
  ("systemctl was not found, though PID 1 is systemd"), which each reader reports unread (the
  team's decision of round 52); a PID 1 that does not show systemd keeps today's reading.

- R52S-4 (false pass) HVA-132, HVA-034 (false n/a): every systemctl probe recorded absent and
  the process list collected but not read (ps absent, or exited 1): whether PID 1 is systemd
  is unknown, yet "no systemd" was read, so libvirtd.service's command line (--config FILE,
  --listen) went unread while libvirtd is not running: HVA-132 passed "auth_unix_rw = polkit"
  and HVA-034 was n/a. Now those probes are unread there too ("systemctl was not found and the
  process list was not read"); a bundle where some systemctl probe ran keeps its reading.

Held:
- no systemctl and the process list read (PID 1 /sbin/init): HVA-132 passes as before.
- systemctl not found where PID 1 is /sbin/init (systemd or not: it does not tell),
  /sbin/openrc-init or runit: no systemd to start the KSM units, HVA-061 passes.
- the hardened host with libvirt's stock polkit declarations (unix.monitor and the anonymous
  api permissions yes, unix.manage auth_admin_keep) passes HVA-142 and HVA-132.
- /etc/sudoers and /usr/etc/sudoers both missing (grep says so): sudo grants nothing, HVA-142
  counts the rest; a vendor sudoers granting ALL still fails.

Older tests changed: none (the replay host's new answers keep their verdicts).

Probed by script: none.

Tally: 4 findings (4 false pass, two with a false n/a); 17 cases; 10 failed on main before
the fixes.

Leads left: see the report.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from hvaudit.collect.host import COMMANDS

POLKIT_ACTIONS_RUN = "`grep -R -H -E '<action|<allow_' /usr/share/polkit-1/actions`"


def test_polkit_actions_absent_is_asked_hva142(host_scan) -> None:
    """R52S-1 (false pass) HVA-142: the declarations recorded absent are unread; on main
    "2 administrative principal(s)" passed."""
    a = host_scan({"polkit-actions": None})
    assert outcomes(a, "HVA-142") == {"hv1": "manual"}
    assert messages(a, "HVA-142") == {
        "hv1": "evidence unavailable: the polkit actions' declarations were not read (command "
        "not found): whom their defaults let manage libvirt or run commands as root is "
        f"unknown; {POLKIT_ACTIONS_RUN} answers"
    }


def test_polkit_actions_absent_is_asked_hva132(host_scan) -> None:
    """R52S-1 (false pass) HVA-132: unix.manage's declared default unread, the polkit-authorized
    socket is asked about; on main "auth_unix_rw = polkit" passed."""
    a = host_scan({"polkit-actions": None})
    assert outcomes(a, "HVA-132") == {"hv1": "manual"}
    assert messages(a, "HVA-132") == {
        "hv1": "libvirtd.conf: auth_unix_rw = polkit, but the polkit rules were not read (the "
        "polkit actions' declarations were not read (command not found); "
        f"{POLKIT_ACTIONS_RUN} answers)"
    }


def test_libvirt_stock_declarations_hold(host_scan) -> None:
    """Held: libvirt's shipped declarations (the replay host's answer) grant nothing to every
    account: both checks pass on real evidence."""
    a = host_scan()
    assert (outcomes(a, "HVA-142"), messages(a, "HVA-142")) == (
        {"hv1": "pass"},
        {"hv1": "2 administrative principal(s) (limit 3): alice, root"},
    )
    assert (outcomes(a, "HVA-132"), messages(a, "HVA-132")) == (
        {"hv1": "pass"},
        {"hv1": "libvirtd.conf: auth_unix_rw = polkit"},
    )


NO_ETC_SUDOERS = (
    "",
    2,
    "grep: /etc/sudoers: No such file or directory\n"
    "grep: /etc/sudoers.d: No such file or directory\n",
)


def test_sudoers_vendor_absent_is_asked(host_scan) -> None:
    """R52S-2 (false pass) HVA-142: no /etc/sudoers and the vendor probe recorded absent; on
    main "1 administrative principal(s) (limit 3): alice" passed."""
    a = host_scan({"sudoers": NO_ETC_SUDOERS, "sudoers-vendor": None})
    assert outcomes(a, "HVA-142") == {"hv1": "manual"}
    assert messages(a, "HVA-142") == {
        "hv1": "evidence unavailable: /etc/sudoers does not exist and /usr/etc/sudoers, which "
        "sudo built with --enable-adminconf reads in its place, was not read (command not "
        "found): who sudo lets run commands as root is unknown; "
        '`grep -R -H "" /usr/etc/sudoers /usr/etc/sudoers.d` answers'
    }


def test_no_sudoers_anywhere_holds(host_scan) -> None:
    """Held: grep says neither /etc/sudoers nor /usr/etc/sudoers exists: sudo grants nothing."""
    a = host_scan({"sudoers": NO_ETC_SUDOERS})
    assert outcomes(a, "HVA-142") == {"hv1": "pass"}
    assert messages(a, "HVA-142") == {"hv1": "1 administrative principal(s) (limit 3): alice"}


def test_vendor_sudoers_read_holds(host_scan) -> None:
    """Held: the vendor sudoers read in /etc's place counts (SUSE's `ALL ALL=(ALL) ALL`)."""
    a = host_scan(
        {"sudoers": NO_ETC_SUDOERS, "sudoers-vendor": ("/usr/etc/sudoers:ALL ALL=(ALL) ALL\n", 0)}
    )
    assert outcomes(a, "HVA-142") == {"hv1": "fail"}
    assert messages(a, "HVA-142") == {
        "hv1": "2 administrative principal(s) (limit 3): ALL (every user), alice"
    }


def _pid1(command: str) -> tuple[str, int]:
    """The replay host's process list with PID 1 running `command`."""
    ps = HARDENED_HOST["processes"][0]
    return ps.replace("    1 root     /sbin/init\n", f"    1 root     {command}\n"), 0


#: PID 1 as systemd shows itself once re-executed (systemd src/core/main.c do_reexecute)
SYSTEMD_PID1 = "/lib/systemd/systemd --system --deserialize 21"
NOT_FOUND = "systemctl was not found, though PID 1 is systemd (/lib/systemd/systemd)"


@pytest.mark.parametrize(
    ("probe", "check_id", "message"),
    [
        (
            "container-units",
            "HVA-142",
            f"evidence unavailable: the container daemons' units were not listed "
            f"({NOT_FOUND}): whether docker, LXD or Incus starts at the next boot is unknown; "
            "`systemctl list-unit-files --no-legend --no-pager docker.service docker.socket "
            "incus.service incus.socket lxd.service lxd.socket snap.lxd.daemon.service "
            "snap.lxd.daemon.unix.socket podman.socket podman.service containerd.service` "
            "answers",
        ),
        (
            "ksm-units",
            "HVA-061",
            f"evidence unavailable: host/commands/ksm-units.txt: {NOT_FOUND}; `systemctl "
            "list-unit-files --no-legend --no-pager ksm.service ksmtuned.service` answers",
        ),
        (
            "libvirt-units",
            "HVA-034",
            f"evidence unavailable: host/commands/libvirt-units.txt: {NOT_FOUND}; `systemctl "
            "cat --no-pager libvirtd.service virtqemud.service virtproxyd.service` answers",
        ),
    ],
    ids=["container-units-hva142", "ksm-units-hva061", "libvirt-units-hva034"],
)
def test_systemctl_absent_under_systemd_is_unread(
    host_scan, probe: str, check_id: str, message: str
) -> None:
    """R52S-3 (false pass, false n/a) HVA-142, HVA-061, HVA-034: systemctl recorded absent
    where PID 1 is systemd is no "no systemd"; on main HVA-142 passed ("2 administrative
    principal(s)"), HVA-061 passed ("KSM is off": ksm.service unread) and HVA-034 was n/a ("no
    libvirt TLS listener": libvirtd.service's --listen unread). Asked with the probe's command
    since R52S-5 (the team's decision of round 52), an error before."""
    a = host_scan({probe: None, "processes": _pid1(SYSTEMD_PID1)})
    assert outcomes(a, check_id) == {"hv1": "manual"}
    assert messages(a, check_id) == {"hv1": message}


@pytest.mark.parametrize("pid1", ["/sbin/init", "/sbin/openrc-init", "runit"])
def test_systemctl_absent_without_systemd_pid1_holds(host_scan, pid1: str) -> None:
    """Held: where PID 1 is not shown to be systemd (an /sbin/init that does not tell,
    OpenRC's openrc-init, runit), systemctl not found keeps today's reading: no systemd to
    start the KSM units, HVA-061 passes."""
    a = host_scan({"ksm-units": None, "processes": _pid1(pid1)})
    assert outcomes(a, "HVA-061") == {"hv1": "pass"}
    assert messages(a, "HVA-061") == {"hv1": "KSM is off"}


PS_REFUSED = ("", 1, 'error: unknown user-defined format specifier "user"\n')
NO_SYSTEMCTL = {p.name: None for p in COMMANDS if p.argv[0] == "systemctl"}
UNKNOWN_PID1 = (
    "evidence unavailable: libvirtd is not running and libvirt's service units were not read "
    "(systemctl was not found and the process list was not read: whether PID 1 is systemd is "
    "unknown): whether libvirtd.service starts it with --config FILE (another file than "
    "/etc/libvirt/libvirtd.conf) is unknown; `systemctl cat --no-pager libvirtd.service "
    "virtqemud.service virtproxyd.service` answers"
)


@pytest.mark.parametrize("ps", [None, PS_REFUSED], ids=["ps-absent", "ps-failed"])
@pytest.mark.parametrize("check_id", ["HVA-132", "HVA-034"])
def test_no_systemctl_with_ps_unread_is_asked(host_scan, ps, check_id: str) -> None:
    """R52S-4 (false pass) HVA-132, HVA-034 (false n/a): no systemctl probe ran and the
    process list was not read: whether PID 1 is systemd is unknown, so libvirtd.service's
    command line (--config, --listen) is unread; on main HVA-132 passed "auth_unix_rw =
    polkit" and HVA-034 was n/a "no libvirt TLS listener"."""
    a = host_scan({**NO_SYSTEMCTL, "processes": ps})
    assert outcomes(a, check_id) == {"hv1": "manual"}
    assert messages(a, check_id) == {"hv1": UNKNOWN_PID1}


def test_no_systemctl_with_ps_read_holds(host_scan) -> None:
    """Held: no systemctl and the process list read (PID 1 /sbin/init, libvirtd running):
    today's reading, HVA-132 passes."""
    a = host_scan(NO_SYSTEMCTL)
    assert outcomes(a, "HVA-132") == {"hv1": "pass"}
    assert messages(a, "HVA-132") == {"hv1": "libvirtd.conf: auth_unix_rw = polkit"}
