"""Red-team round 33 probes: who administers the hypervisor (rt33acct)

Harness: libvirt's test driver serves one plain VM and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host with round 26's bob/carol/staff/docker accounts), through the
real collector, parser and engine; each test asserts HVA-142's exact status and message.

Findings (R33A-n):
- R33A-1 (false pass) HVA-142: podman.service's next start (R31A-2) counted every user only
  when its User= was root. A drop-in with `User=alice` (or her uid, `User=1000`; systemd.exec(5)
  User=: "Takes a single user or group name or ID") and `podman system service
  tcp:0.0.0.0:8080` listens from the next boot as alice, and its API asks no one for anything
  (podman-system-service(1): "should be treated as allowing arbitrary code execution as the
  user running the API"; containers/podman cmd/podman/system/service_abi.go restService
  listens on a tcp URI it is given): every user acts as an administrator. R30A-2's chained
  grant was applied to running services (ps) only, so an enabled unit passed "2
  administrative principal(s)". Now the unit's User= (name or uid) is a chained grant from
  every user to that account (parse.host._container_daemon_groups runners).

Held (kept as tests): the same unit as carol, who administers nothing, adds no one.

Probed by script: none yet.

Tally: 1 finding (1 false pass); 3 cases, 2 failed on main before the fix (R33A-1: 2), 1 held.

Leads left:
- HVA-142: k3s's config.yaml (and config.yaml.d) `write-kubeconfig-mode` / `-group` and
  K3S_KUBECONFIG_MODE in k3s.service.env are still not read.
- Still open: MicroK8s's other credentials, rootless user units, containerd/crio ExecStart=
  options, DOCKER_TLS_VERIFY, polkit isInGroup on a second gid name, systemd alias units,
  Pacemaker enable-acl, nss-systemd tss.
"""

from __future__ import annotations

import pytest

from test_redteam26_accounts_probes import BASE, DOCKER_SOCKET, EVERYONE, PASS2, _142, _units
from test_redteam31_accounts_probes import PODMAN_SERVICE, _service


def _tcp_as(user: str) -> str:
    return PODMAN_SERVICE + _service(
        "podman.service",
        f"[Service]\nUser={user}\nExecStart=\n"
        "ExecStart=/usr/bin/podman system service tcp:0.0.0.0:8080 --time=0\n",
    )


@pytest.mark.parametrize(
    ("services", "expected"),
    [
        (_tcp_as("alice"), EVERYONE),
        (_tcp_as("1000"), EVERYONE),
        (_tcp_as("carol"), PASS2),
    ],
    ids=["podman-service-alice", "podman-service-uid-1000", "held-podman-service-carol"],
)
def test_podman_service_user_administrator(
    host_scan, services: str, expected: tuple[str, str]
) -> None:
    """R33A-1 (false pass) HVA-142. An enabled podman.service whose drop-in runs `podman
    system service tcp:0.0.0.0:8080` as User=alice (a name or her uid; systemd.exec(5) User=)
    hands every user alice's rights from the next boot (podman-system-service(1): "arbitrary
    code execution as the user running the API"); only root's counted, so it passed "2
    administrative principal(s)". carol's adds no one: she administers nothing."""
    over = {
        **BASE,
        "container-units": _units("podman.service enabled enabled"),
        "container-socket-unit-files": (DOCKER_SOCKET, 0),
        "container-service-unit-files": (services, 0),
    }
    assert _142(host_scan(over)) == expected
