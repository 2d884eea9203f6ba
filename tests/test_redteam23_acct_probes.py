"""Twenty-third red-team review, administrative principals on the KVM host (rt23acct).

Harness: libvirt's test driver serves one plain VM, and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host, changed only where a probe says so), through the real
collector, parser and engine; each test asserts HVA-142's exact status and message.

Findings (ID-n):
- R23A-1 (false pass) HVA-142: a polkit rule granting systemd's
  org.freedesktop.systemd1.manage-unit-files to every user or to a group counted no one.
  systemd's src/core/dbus-manager.c (read with `read_file`/`find_string`):
  method_enable_unit_files_generic, behind EnableUnitFiles, ReenableUnitFiles and
  LinkUnitFiles, calls `bus_verify_manage_unit_files_async(m, message, reterr_error)` and then
  `call(m->runtime_scope, flags, NULL, l, ...)` (unit_file_enable/unit_file_link), and
  bus_verify_manage_unit_files_async checks "org.freedesktop.systemd1.manage-unit-files" with
  `/* details= */ NULL` (no unit name a rule could narrow by). systemctl(1) (docs corpus via
  `search`): "link PATH... Link a unit file that is not in the unit file search path into the
  unit file search path. This command expects an absolute path to a unit file", and enable takes
  "absolute paths to unit files ... an additional symlink is created": the caller enables a
  service file of their own writing, which systemd runs as root at the next boot. Now a grant
  counts its subjects as R22P-1's actions do. machined's host-login (machine-dbus.c
  bus_machine_method_open_login: `machine_start_getty`, a container-getty@ login prompt that
  asks for a password) and host-open-pty (machine_openpt only) run nothing of the caller's:
  still not counted (held).
- R23A-2 (false pass) HVA-142: the docker group counted only while dockerd ran (the process
  list). moby's contrib/init/systemd/docker.socket (`read_file`): `ListenStream=/run/docker.sock`,
  `SocketMode=0660`, `SocketUser=root`, `SocketGroup=docker`; with docker.socket socket-activated
  (its default Service= is docker.service, which moby's unit `Requires=docker.socket`), systemd
  holds the socket and starts dockerd on the first connection, so a docker group member gets
  root whether or not dockerd runs at audit time; hvaudit passed "2 administrative
  principal(s)". Now the collector stats the container daemons' API sockets (docker, LXD snap
  and package, Incus) and a group that may write to one (mode g+w, group not root) counts as
  the daemon's group does while it runs.

Held (kept as tests): a host-login / host-open-pty grant adds no principal; a docker socket
left root:root 0660 adds no one.

Probed by script, not kept: none.

Tally: 6 cases in 3 test functions; 3 failed on main 3fb626d before the fixes.

Leads left (not settled in the time):
- HVA-142: a container socket owned by a user other than root (SocketUser=bob, mode 0600)
  admits that owner; only the group is counted.
- HVA-142: a stale /run/docker.sock (docker.socket stopped, RemoveOnStop=no, the default) is
  counted as live; `systemctl is-active docker.socket` would tell.
- HVA-140: an account with a nologin shell still reaches files over SSH where sshd_config sets
  `Subsystem sftp internal-sftp` or ForceCommand internal-sftp (session.c runs
  sftp_server_main in-process, no shell), given a password or key; not counted (shadow and
  authorized_keys are not collected).
- HVA-142: R22P-1's narrowed case (`action.lookup("unit") == "x.service"`) still asks per
  file; for manage-unit-files such a test never matches (no details are passed), so the rule
  grants nothing.
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import HARDENED_HOST
from test_redteam22_pk_probes import GROUP_OPS, _142, _rule

GROUP_DOCKER = str(HARDENED_HOST["/etc/group"]) + "docker:x:998:bob,carol\n"
FILES = "org.freedesktop.systemd1.manage-unit-files"


@pytest.mark.parametrize(
    ("files", "group", "expected"),
    [
        (
            _rule(f'action.id == "{FILES}"'),
            None,
            ("fail", "3 administrative principal(s) (limit 3): ALL (every user), alice, root"),
        ),
        (
            _rule(f'action.id == "{FILES}" && subject.isInGroup("ops")'),
            GROUP_OPS,
            ("fail", "4 administrative principal(s) (limit 3): alice, bob, carol, root"),
        ),
    ],
    ids=["unit-files-everyone", "unit-files-group"],
)
def test_polkit_grant_of_manage_unit_files_counts(
    host_scan, files: dict[str, Any], group: str | None, expected: tuple[str, str]
) -> None:
    """R23A-1 (false pass) HVA-142. dbus-manager.c: EnableUnitFiles and LinkUnitFiles run
    `bus_verify_manage_unit_files_async` ("org.freedesktop.systemd1.manage-unit-files", details
    NULL) and then unit_file_enable / unit_file_link; systemctl(1): "link PATH... Link a unit
    file that is not in the unit file search path into the unit file search path". A grant lets
    its subjects enable a service of their own writing, run as root at the next boot; hvaudit
    passed "2 administrative principal(s)"."""
    over = {**files, **({"/etc/group": group} if group else {})}
    assert _142(host_scan(over)) == expected


@pytest.mark.parametrize(
    "action", ["org.freedesktop.machine1.host-login", "org.freedesktop.machine1.host-open-pty"]
)
def test_polkit_host_login_and_open_pty_hold(host_scan, action: str) -> None:
    """Held (R23A-1): machine-dbus.c bus_machine_method_open_login checks
    org.freedesktop.machine1.host-login for the host, then `machine_start_getty` (a
    container-getty@ login prompt that asks for the account's password); host-open-pty guards
    machine_openpt alone (a pty with nothing on it). Neither runs anything of the caller's."""
    over = {
        **_rule(f'action.id == "{action}" && subject.isInGroup("ops")'),
        "/etc/group": GROUP_OPS,
    }
    assert _142(host_scan(over)) == (
        "pass",
        "2 administrative principal(s) (limit 3): alice, root",
    )


@pytest.mark.parametrize(
    ("stat", "expected"),
    [
        (
            "660 root docker /run/docker.sock\n",
            ("fail", "4 administrative principal(s) (limit 3): alice, bob, carol, root"),
        ),
        (
            "660 root root /run/docker.sock\n",
            ("pass", "2 administrative principal(s) (limit 3): alice, root"),
        ),
    ],
    ids=["socket-activated-docker", "root-only-socket"],
)
def test_container_socket_group_counts_without_daemon(
    host_scan, stat: str, expected: tuple[str, str]
) -> None:
    """R23A-2 (false pass) HVA-142. moby's contrib/init/systemd/docker.socket:
    `ListenStream=/run/docker.sock`, `SocketMode=0660`, `SocketGroup=docker`; under socket
    activation dockerd is not in the process list until the first connection, which any docker
    group member may make (Docker: "The docker group grants privileges equivalent to the root
    user"). hvaudit counted the group only while dockerd ran and passed "2 administrative
    principal(s)". Held: a socket left root:root adds no one. The stat lines are what `stat -c
    '%a %U %G %n'` prints for the sockets that exist (it exits 1 for the missing ones)."""
    over = {"container-sockets": (stat, 1), "/etc/group": GROUP_DOCKER}
    assert _142(host_scan(over)) == expected
