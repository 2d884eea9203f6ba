"""R45 sweep: host readers that take a command's text without its exit code (R44S's lead:
readers of `ev.get(_cmd(...))` that never check `.rc`), the container daemons' reader first.

Harness: the conftest host_scan replay (HARDENED_HOST) over libvirt's test driver, assessed by
the real engine; `ps -eo pid=,user:32=,args=` exiting 1 with nothing on stdout and its usage on
stderr (procps-ng ps/sortformat.c "unknown user-defined format specifier", as R44S-3), or
failing outright; `ss -Htlnup` (`listeners`) listing a dockerd on 0.0.0.0:2375.

Findings:
- R45S-1 (false pass) HVA-142: the administrative principals' reader (parse/host.py _admins)
  handed _container_daemon_groups an empty process list where ps failed or exited other than 0,
  so only the container daemons' enabled units counted: a dockerd started by hand with `-H
  tcp://0.0.0.0:2375` (no --tlsverify: every user is root, moby cmd/dockerd/daemon.go
  loadListeners "gives root access on this machine to everyone who has access to your
  network"), listening in ss's own list, passed "2 administrative principal(s) (limit 3)".
  Now a process list collected but unread (failed, absent, or exiting other than 0, as
  _process_list reads it) is the failed fact naming why; only a bundle that never asked for it
  reads as before (the team's decision for process-starts, R44S).

- R45S-2 (false pass) HVA-030, HVA-032, HVA-036, HVA-042, HVA-043, HVA-048, HVA-130, HVA-131,
  HVA-132, HVA-213, HVA-215 (libvirt's files), HVA-044 (its host part), HVA-140, HVA-150
  (sssd's): whether a daemon runs what its files say is read from the process list and the
  processes' starts beside the files' times (R11H-1, R11H-3: libvirt src/remote/
  remote_daemon.c reads its .conf once in main(), SIGHUP runs virStateReload only; sssd(8)
  SIGNALS: SIGHUP only reopens the debug files). R44S-4 asked where the starts were unread
  with the list read; with the list itself unread (ps exiting 1 for both formats, or the list
  alone) _changed_since_start and _changed_after returned "nothing changed", so every check
  passed on files a running daemon may not run. Now a file changed after the earliest
  process start, or with the starts or its time unread, is asked of its readers
  (_changed_unseen, _changed_unseen_after); one older than every process is settled. And
  `process-starts` recorded absent (env or ps not found: SshRunner.run reads exit 127 as
  absent) was read as an older bundle's silence: the team's decision of round 44 makes it
  unread (_starts_unread), so HVA-048 asks, as for ps exiting 1.

Held (kept as tests): the same dockerd in a process list read (exit 0) fails HVA-142 with
every user; a bundle without the process list (an older collector) passes as before. The
process list unread with every file older than every process's start: HVA-048, HVA-132,
HVA-140 and HVA-150 pass. tests/test_redteam11_host_probes.py's twins "process-starts not
collected" now drop the artefact from the bundle (older_bundle_scan): they pass, as before.

Probed by script: on 9dc701df (main) HVA-142 with ps exiting 1, alone and beside dockerd in
ss's list: both passed "2 administrative principal(s) (limit 3): alice, root"; on b31c1aae
(main) every check's verdict with both ps probes exiting 1, with both absent, and with the
starts alone absent, against the hardened host: the checks listed under R45S-2 passed.

Tally: 2 findings (2 false passes); 11 cases, 8 failing on main before the fixes (R45S-1: its
2 probes, on 9dc701df; R45S-2: its 6 probes, on e9627a6b).

Leads left: see the report of round 45 (R45S).
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from hvaudit.collect.host import command_artefact
from test_leads10 import older_bundle_scan  # noqa: F401  (fixture)

PS_REFUSED = 'error: unknown user-defined format specifier "user"\n\nUsage:\n'
PS_FAILED = 'ps exited 1: error: unknown user-defined format specifier "user"'
#: dockerd on TCP 2375 in ss's list (users:(("dockerd",...)): ss names the owning task)
DOCKERD_TCP = HARDENED_HOST["listeners"][0] + (
    "tcp   LISTEN 0      4096         0.0.0.0:2375       0.0.0.0:*    "
    'users:(("dockerd",pid=900,fd=3))\n'
)
CONTAINERS_UNKNOWN = (
    "whether a container daemon (dockerd, LXD, Incus, podman) runs, and to whom it hands its "
    "API, is unknown"
)


@pytest.mark.parametrize(
    ("ps", "why"),
    [
        (("", 1, PS_REFUSED), PS_FAILED),
        (RuntimeError("timed out after 30s"), "timed out after 30s"),
    ],
    ids=["exit-1", "failed"],
)
def test_r45s_1_unread_process_list_is_no_container_daemon_absent(host_scan, ps, why) -> None:
    """R45S-1: ps unread beside a dockerd listening on TCP 2375 (on main: only the enabled units
    counted, and HVA-142 passed "2 administrative principal(s)")."""
    a = host_scan({"processes": ps, "listeners": (DOCKERD_TCP, 0)})
    assert (outcomes(a, "HVA-142"), messages(a, "HVA-142")) == (
        {"hv1": "error"},
        {
            "hv1": "evidence could not be collected: the process list was not read "
            f"({why}): {CONTAINERS_UNKNOWN}"
        },
    )


def test_r45s_1_held_dockerd_in_a_read_process_list_fails(host_scan) -> None:
    """Held: the same dockerd in a list ps gave (exit 0): every user and the docker group."""
    procs = (
        HARDENED_HOST["processes"][0] + "  900 root     /usr/bin/dockerd -H tcp://0.0.0.0:2375\n"
    )
    a = host_scan({"processes": (procs, 0), "listeners": (DOCKERD_TCP, 0)})
    assert (outcomes(a, "HVA-142"), messages(a, "HVA-142")) == (
        {"hv1": "fail"},
        {
            "hv1": "4 administrative principal(s) (limit 3): %docker (members not read), ALL "
            "(every user), alice, root"
        },
    )


def test_r45s_1_held_older_bundle_without_the_process_list(
    older_bundle_scan,  # noqa: F811
) -> None:
    """Held: a bundle that never asked for the process list settles nothing: as before."""
    a = older_bundle_scan({}, gone=command_artefact("processes"))
    assert (outcomes(a, "HVA-142"), messages(a, "HVA-142")) == (
        {"hv1": "pass"},
        {"hv1": "2 administrative principal(s) (limit 3): alice, root"},
    )


# --- R45S-2: the daemons' files against their start with the process list unread --------------

LSTART_REFUSED = 'error: unknown user-defined format specifier "lstart"\n\nUsage:\n'
#: 2024-11-27 05:10:00 UTC: after every process of the hardened host started (03:59:48-04:00)
AFTER = 1732684200
LIBVIRT_UNSEEN = (
    f"evidence unavailable: which libvirt daemons run was not read (`ps`: {PS_FAILED}); "
    "{readers} reads /etc/libvirt/{name} only when it starts, so what a running one applies "
    "may differ from the file"
)
SSSD_UNSEEN = (
    f"evidence unavailable: whether sssd runs, and when it started, was not read (`ps`: "
    f"{PS_FAILED}): SSSD reads its configuration only when it starts, so what a running sssd "
    "applies may differ from the files"
)


@pytest.mark.parametrize(
    ("check", "readers", "name"),
    [("HVA-048", "libvirtd or virtqemud", "qemu.conf"), ("HVA-132", "libvirtd", "libvirtd.conf")],
)
def test_r45s_2_both_ps_probes_unread_ask_of_the_libvirt_files(
    host_scan, check: str, readers: str, name: str
) -> None:
    """R45S-2: `ps -eo pid=,user:32=,args=` and `ps -eo pid=,lstart=` both exiting 1 (a ps
    that takes neither format): on main each check passed on the file, as if no daemon ran;
    now the file's readers are asked about."""
    a = host_scan({"processes": ("", 1, PS_REFUSED), "process-starts": ("", 1, LSTART_REFUSED)})
    assert (outcomes(a, check), messages(a, check)) == (
        {"hv1": "manual"},
        {"hv1": LIBVIRT_UNSEEN.format(readers=readers, name=name)},
    )


def test_r45s_2_file_changed_after_boot_with_ps_unread_is_asked(host_scan) -> None:
    """R45S-2: the process list unread, the starts read, qemu.conf changed after every process
    started (on main: passed): asked; libvirtd.conf, older than every process, settled."""
    mtimes = HARDENED_HOST["libvirt-conf-mtimes"]
    a = host_scan(
        {
            "processes": ("", 1, PS_REFUSED),
            "libvirt-conf-mtimes": (
                mtimes[0].replace(
                    "1732095000 /etc/libvirt/qemu.conf", f"{AFTER} /etc/libvirt/qemu.conf"
                ),
                *mtimes[1:],
            ),
        }
    )
    assert (outcomes(a, "HVA-048"), messages(a, "HVA-048")) == (
        {"hv1": "manual"},
        {"hv1": LIBVIRT_UNSEEN.format(readers="libvirtd or virtqemud", name="qemu.conf")},
    )
    assert (outcomes(a, "HVA-132"), messages(a, "HVA-132")) == (
        {"hv1": "pass"},
        {"hv1": "libvirtd.conf: auth_unix_rw = polkit"},
    )


@pytest.mark.parametrize("check", ["HVA-140", "HVA-150"])
def test_r45s_2_sssd_file_changed_after_boot_with_ps_unread_is_asked(host_scan, check) -> None:
    """R45S-2: the same for sssd.conf (on main: HVA-140 and HVA-150 passed on the file)."""
    a = host_scan(
        {
            "processes": ("", 1, PS_REFUSED),
            "sssd-conf-mtimes": (f"{AFTER}.4213 /etc/sssd/sssd.conf\n", 0),
        }
    )
    assert (outcomes(a, check), messages(a, check)) == ({"hv1": "manual"}, {"hv1": SSSD_UNSEEN})


def test_r45s_2_starts_probe_absent_is_unread(host_scan) -> None:
    """R45S-2 (the team's decision of round 44): `env ... ps -eo pid=,lstart=` recorded absent
    (env or ps not found) is a probe asked for and not read, not an older bundle's silence
    (on main: HVA-048 passed on the file)."""
    a = host_scan({"process-starts": None})
    assert (outcomes(a, "HVA-048"), messages(a, "HVA-048")) == (
        {"hv1": "manual"},
        {
            "hv1": "evidence unavailable: when libvirtd (pid 700) started was not read (`ps -o "
            "lstart`: command not found); it reads /etc/libvirt/qemu.conf only when it starts, "
            "so what it runs may differ from the file"
        },
    )


def test_r45s_2_held_files_older_than_every_process(host_scan) -> None:
    """Held: the process list unread, but every file older than every process's start: what
    runs started after the files were written (the hardened host's times). HVA-150 asks
    whether sssd runs, which only the process list tells (R47S-1)."""
    a = host_scan({"processes": ("", 1, PS_REFUSED)})
    assert {c: outcomes(a, c)["hv1"] for c in ("HVA-048", "HVA-132", "HVA-140", "HVA-150")} == (
        {**dict.fromkeys(("HVA-048", "HVA-132", "HVA-140"), "pass"), "HVA-150": "manual"}
    )
