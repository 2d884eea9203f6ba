"""Red-team round 25 probes: container daemons' administrative groups (rt25acct2)

Harness: libvirt's test driver serves one plain VM, and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host, changed only where a probe says so), through the real
collector, parser and engine; each test asserts HVA-142's exact status and message.

Findings (R25E-n):
- R25E-1 (false pass) HVA-142: a container daemon's group counted only while the daemon ran or
  its socket was there to stat. Unit enablement was not collected, so docker.service (or
  docker.socket, incus.service, LXD's snap units) enabled but stopped at scan time, with no
  /run/docker.sock, counted no one: the docker group of two passed "2 administrative
  principal(s)", though dockerd starts at the next boot and hands them its API (moby's
  docs: "The docker group grants privileges equivalent to the root user"). And dockerd's
  socket group was taken to be "docker" whatever `-G`/`--group` or daemon.json's "group" said
  (moby cmd/dockerd/config_unix.go: `flags.StringVarP(&conf.SocketGroup, "group", "G",
  "docker", "Group for the unix socket")`; docs/reference/commandline/dockerd.md:
  --config-file default "/etc/docker/daemon.json"): a dockerd running `-H
  unix:///srv/docker/api.sock -G staff` (a path no probe stats) passed "2 administrative
  principal(s)". Now `systemctl list-unit-files` of the container units and
  /etc/docker/daemon.json are collected: an enabled unit counts its daemon's group as a
  running daemon does, dockerd's group is its flag, else daemon.json's, else "docker", and a
  unit list systemctl did not answer is an error.

Held (kept as tests): docker.service disabled and stopped with no socket adds no one; an
enabled docker.service with daemon.json "group": "root" adds no one.

Probed by script: none beyond the 8 kept cases (a short assignment).

Tally: 1 finding (R25E-1), a false pass; 8 cases in 3 test functions; 6 failed before the fix
(the unanswered unit list included), 2 held.

Leads left:
- HVA-142: dockerd's unix sockets at non-default paths (`-H unix:///path`, daemon.json
  "hosts") are not stat'ed: a later chmod/chgrp of such a socket is not seen (its group at
  creation counts); a `-H tcp://` without --tlsverify (the API for whoever reaches the port)
  is not counted here.
- HVA-142: `-G` given in a drop-in's ExecStart of a stopped docker.service is not read (the
  unit files are not collected); podman.socket / containerd.service enablement with a
  drop-in SocketGroup= or a [grpc] gid is not read either.
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import HARDENED_HOST, messages, outcomes

PASSWD = (
    str(HARDENED_HOST["/etc/passwd"])
    + "bob:x:1001:1001::/home/bob:/bin/bash\ncarol:x:1002:1002::/home/carol:/bin/bash\n"
)
GROUP = str(HARDENED_HOST["/etc/group"]) + "docker:x:998:bob,carol\nstaff:x:50:bob,carol\n"
BASE = {"/etc/group": GROUP, "/etc/passwd": PASSWD}
PS = str(HARDENED_HOST["processes"][0])
FAIL4 = ("fail", "4 administrative principal(s) (limit 3): alice, bob, carol, root")
PASS2 = ("pass", "2 administrative principal(s) (limit 3): alice, root")


def _142(a: Any) -> tuple[str, str]:
    return outcomes(a, "HVA-142")["hv1"], messages(a, "HVA-142")["hv1"]


def _units(*lines: str) -> tuple[str, int]:
    """`systemctl list-unit-files --no-legend` output (UNIT FILE, STATE, PRESET)."""
    return "".join(f"{line}\n" for line in lines), 0


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        ({"container-units": _units("docker.service enabled enabled")}, FAIL4),
        ({"container-units": _units("docker.socket enabled enabled")}, FAIL4),
        (
            {
                "container-units": _units("snap.lxd.daemon.unix.socket enabled enabled"),
                "/etc/group": GROUP.replace("docker:", "lxd:"),
            },
            FAIL4,
        ),
        (
            {
                "container-units": _units("docker.service enabled enabled"),
                "/etc/group": GROUP.replace("docker:x:998:bob,carol", "docker:x:998:"),
                "/etc/docker/daemon.json": '{"group": "staff", "hosts": ["unix:///srv/d.sock"]}\n',
            },
            FAIL4,
        ),
        ({"container-units": _units("docker.service disabled enabled")}, PASS2),
        (
            {
                "container-units": _units("docker.service enabled enabled"),
                "/etc/group": GROUP.replace("docker:x:998:bob,carol", "docker:x:998:"),
                "/etc/docker/daemon.json": '{"group": "root"}\n',
            },
            PASS2,
        ),
    ],
    ids=[
        "docker-service",
        "docker-socket",
        "lxd-snap",
        "daemon-json-group",
        "disabled",
        "json-root",
    ],
)
def test_enabled_container_daemons_count(
    host_scan, over: dict[str, Any], expected: tuple[str, str]
) -> None:
    """R25E-1 (false pass) HVA-142. An enabled docker.service / docker.socket / LXD snap unit
    starts its daemon at the next boot (or on the first connection); no daemon ran and no socket
    was there at scan time, so the group of two passed "2 administrative principal(s)".
    daemon.json's "group" (moby cmd/dockerd/config_unix.go, --group default "docker") is the
    sockets' group; a disabled unit and group root held."""
    assert _142(host_scan({**BASE, **over})) == expected


def test_dockerd_group_flag_counts(host_scan) -> None:
    """R25E-1 (false pass) HVA-142. dockerd running `-H unix:///srv/docker/api.sock -G staff`:
    its socket's group is staff (moby --group), at a path no probe stats, and only the (empty)
    docker group was counted: "2 administrative principal(s)" passed."""
    ps = PS + "  900 root     /usr/bin/dockerd -H unix:///srv/docker/api.sock -G staff\n"
    group = GROUP.replace("docker:x:998:bob,carol", "docker:x:998:")
    assert _142(host_scan({**BASE, "/etc/group": group, "processes": (ps, 0)})) == FAIL4


def test_unit_list_unanswered_is_an_error(host_scan) -> None:
    """R25E-1 HVA-142: a unit list systemctl did not answer (no bus) is not "nothing enabled"."""
    over = {"container-units": ("", 1, "Failed to connect to bus: No such file or directory\n")}
    assert _142(host_scan({**BASE, **over})) == (
        "error",
        "evidence could not be collected: the container daemons' units were not listed (exit "
        "status 1: Failed to connect to bus: No such file or directory): whether docker, LXD or "
        "Incus starts at the next boot is unknown",
    )
