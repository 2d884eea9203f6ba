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

Held (kept as tests): the same dockerd in a process list read (exit 0) fails HVA-142 with
every user; a bundle without the process list (an older collector) passes as before.

Probed by script: on 9dc701df (main) HVA-142 with ps exiting 1, alone and beside dockerd in
ss's list: both passed "2 administrative principal(s) (limit 3): alice, root".

Tally: 1 finding (1 false pass); 4 cases, 2 failing on main before the fix (R45S-1's probes,
on 9dc701df).

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
