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
- R25E-2 (false pass) HVA-142: a dockerd listening on TCP without client-certificate
  verification counted no one. moby cmd/dockerd/daemon.go loadListeners: authEnabled only
  with tls.RequireAndVerifyClientCert, else "Binding to IP address without --tlsverify is
  insecure and gives root access on this machine to everyone who has access to your network".
  `dockerd -H fd:// -H tcp://0.0.0.0:2375`, `--host=tcp://127.0.0.1:2375 --tlsverify=false`,
  or a daemon.json "hosts" tcp:// entry under an enabled docker.service passed "2
  administrative principal(s)". Now such a dockerd counts every user (a fail); --tlsverify on
  the command line or daemon.json "tlsverify": true adds no one.

Held (kept as tests): docker.service disabled and stopped with no socket adds no one; an
enabled docker.service with daemon.json "group": "root" adds no one; dockerd on TCP with
--tlsverify (flag, or daemon.json "tlsverify": true) adds no one.

Probed by script: none beyond the 13 kept cases (a short assignment).

Tally: 2 findings (R25E-1, R25E-2), both false passes; 13 cases in 5 test functions; 9 failed
before their fixes (R25E-1: 6 with the unanswered unit list, R25E-2: 3), 4 held.

Leads left:
- HVA-142: dockerd's unix sockets at non-default paths (`-H unix:///path`, daemon.json
  "hosts") are not stat'ed: a later chmod/chgrp of such a socket is not seen (its group at
  creation counts); DOCKER_TLS_VERIFY in dockerd's environment (moby's default for
  --tlsverify) is not read (at worst a wrong fail); a docker.socket drop-in ListenStream= on a
  TCP port (`-H fd://`) is not read.
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


EMPTY_DOCKER = GROUP.replace("docker:x:998:bob,carol", "docker:x:998:")
EVERYONE = (
    "fail",
    "3 administrative principal(s) (limit 3): ALL (every user), alice, root",
)


@pytest.mark.parametrize(
    ("args", "conf", "units", "expected"),
    [
        ("-H fd:// -H tcp://0.0.0.0:2375", None, None, EVERYONE),
        ("--host=tcp://127.0.0.1:2375 --tlsverify=false", None, None, EVERYONE),
        (
            None,
            '{"hosts": ["unix:///run/docker.sock", "tcp://10.0.0.10:2375"]}',
            "enabled",
            EVERYONE,
        ),
        ("-H tcp://0.0.0.0:2376 --tlsverify --tlscacert=/etc/docker/ca.pem", None, None, PASS2),
        ("-H fd://", '{"hosts": ["tcp://0.0.0.0:2376"], "tlsverify": true}', None, PASS2),
    ],
    ids=["flag-tcp", "host-eq-verify-false", "json-hosts-enabled", "tlsverify", "json-tlsverify"],
)
def test_dockerd_tcp_without_tlsverify_counts_everyone(
    host_scan, args: str | None, conf: str | None, units: str | None, expected: tuple[str, str]
) -> None:
    """R25E-2 (false pass) HVA-142. moby cmd/dockerd/daemon.go loadListeners: a TCP host
    without client-certificate verification ("Binding to IP address without --tlsverify is
    insecure and gives root access on this machine to everyone who has access to your
    network") asks no one who connects for anything; counted no one, so "2 administrative
    principal(s)" passed. --tlsverify (flag or daemon.json) held."""
    over: dict[str, Any] = {**BASE, "/etc/group": EMPTY_DOCKER}
    if args is not None:
        over["processes"] = (PS + f"  900 root     /usr/bin/dockerd {args}\n", 0)
    if conf is not None:
        over["/etc/docker/daemon.json"] = conf + "\n"
    if units is not None:
        over["container-units"] = _units(f"docker.service {units} enabled")
    assert _142(host_scan(over)) == expected
