"""Red-team round 26 probes: privileged accounts and root-equivalent sockets (rt26acct)

Harness: libvirt's test driver serves one plain VM, and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host, changed only where a probe says so), through the real
collector, parser and engine; each test asserts HVA-142's exact status and message.

Findings (R26A-n):
- R26A-1 (false pass) HVA-142: the container daemons' socket units were not read. A socket
  unit creates its socket at its next start with SocketGroup=, SocketMode= and ListenStream= as
  its drop-ins leave them (systemd.socket(5): a later assignment replaces an earlier one,
  SocketMode= "Defaults to 0666", an empty ListenStream= resets the list, "a single number" is
  a port "via IPv6", "v.w.x.y:z" and "[x]:y" IP addresses). dockerd `-H fd://` (moby
  contrib/init/systemd/docker.service, which Requires=docker.socket) serves every socket
  systemd passes it, over TLS only with --tlsverify, and chgrps only `unix://` sockets (moby
  daemon/listeners/listeners_linux.go Init, listenFD), so docker.socket's SocketGroup= is its
  API's group. A /etc/systemd/system/docker.socket.d drop-in setting SocketGroup=staff (or
  gid 50), SocketMode=0666, or ListenStream=2375 / 0.0.0.0:2375 under an enabled docker.service
  passed "2 administrative principal(s)"; so did an enabled podman.socket with SocketGroup=staff
  or a TCP ListenStream= (podman-system-service(1): "the API grants full access to Podman's
  capabilities ... we strongly recommend against making the API socket available via the
  network"). Now `systemctl cat` of docker.socket, podman.socket, incus.socket, lxd.socket and
  snap.lxd.daemon.unix.socket is collected: for a unit that starts (its daemon counted, or
  podman.socket enabled; not masked) its group, owner and others' bit count as a live socket's
  do, and a TCP address of docker's (without --tlsverify) or podman's counts every user.
- R26A-2 (false pass) HVA-142: dockerd `-H fd://` holding a TCP socket systemd passed it (a
  separate docker-tcp.socket with Service=docker.service, a common recipe) counted no one: ss
  showed `*:2375` held by dockerd and systemd, and "2 administrative principal(s)" passed. Now
  such a listener without --tlsverify counts every user (one dockerd holds alone, swarm
  mode's mutual-TLS 2377/7946, does not).
- R26A-3 (false pass) HVA-142: k3s's (and RKE2's) embedded containerd socket
  /run/k3s/containerd/containerd.sock and CRI-O's (crio.conf(5) [crio.api] listen =
  "/var/run/crio/crio.sock") were not stat'ed: whoever connects creates privileged
  containers (as containerd's own socket, R25A-2). Group staff given write passed "2
  administrative principal(s)". Now both are stat'ed with the others.
- R26A-4 (question) HVA-142: a group password in /etc/gshadow or /etc/group (R24A-1, R24E-1)
  asked "Who knows the group password ..., and do they ... number at most 3 named
  administrators?": two questions, the first answered by names, not yes or no. Now one
  question, "yes" the compliant answer ("Pass: yes, ...; fail: no, ...").
- R26A-5 (wrong fail) HVA-142: a sudoers `#uid` (sudoers(5) User_List: "#uid" is a user ID)
  counted as a principal of its own name: `#1000 ALL=(ALL) ALL` for alice, already counted by
  %sudo, made "#1000, alice" two, and a host of three administrators failed with 4. Now a uid
  names its /etc/passwd account.

Held (kept as tests): the shipped docker.socket and podman.socket (group docker empty, group
root), a drop-in whose empty ListenStream= resets the list to a path, a disabled podman.socket
with a SocketGroup= drop-in, and dockerd's socket-activated TCP listener under --tlsverify.

Probed by script (not kept, all right): 18 sudoers inputs (User_Alias, Runas_Alias ALL, %#gid,
#includedir/@include outside /etc/sudoers.d as unavailable evidence, Defaults targetpw with a
User_Alias ALL, Defaults:bob targetpw, a shell as command, a negated Cmnd_Alias, (:root), Host_Alias
ALL, a group inside a User_Alias, odd whitespace, a quoted "%staff", (#0), SETENV, sudoedit).

Tally: 5 findings (3 false passes, 1 two-part question, 1 wrong fail); 19 cases, 13 failed before
their fixes (R26A-1: 7, R26A-2: 1, R26A-3: 2, R26A-4: 1, R26A-5: 2), 6 held.

Leads left: a docker-tcp.socket systemd holds alone (dockerd not started) and custom socket unit
names; Docker on an abstract socket (ListenStream=@...); containerd config.toml [grpc] gid and
containerd/crio service enablement not collected; dockerd -H unix:///other/path sockets not stat'ed;
DOCKER_TLS_VERIFY in dockerd's environment unread; a TCP address in Incus/LXD socket units not
counted (their handling unconfirmed).
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import HARDENED_HOST, messages, outcomes, question_line

PASSWD = (
    str(HARDENED_HOST["/etc/passwd"])
    + "bob:x:1001:1001::/home/bob:/bin/bash\ncarol:x:1002:1002::/home/carol:/bin/bash\n"
)
# docker's group is empty: only a socket unit's own group or mode can add bob and carol
GROUP = str(HARDENED_HOST["/etc/group"]) + "docker:x:998:\nstaff:x:50:bob,carol\n"
BASE = {"/etc/group": GROUP, "/etc/passwd": PASSWD}
PS = str(HARDENED_HOST["processes"][0])
FAIL4 = ("fail", "4 administrative principal(s) (limit 3): alice, bob, carol, root")
PASS2 = ("pass", "2 administrative principal(s) (limit 3): alice, root")
EVERYONE = ("fail", "3 administrative principal(s) (limit 3): ALL (every user), alice, root")

# moby contrib/init/systemd/docker.socket, as Debian installs it
DOCKER_SOCKET = (
    "# /lib/systemd/system/docker.socket\n"
    "[Unit]\nDescription=Docker Socket for the API\nPartOf=docker.service\n\n"
    "[Socket]\nListenStream=/run/docker.sock\nSocketMode=0660\nSocketUser=root\n"
    "SocketGroup=docker\n\n[Install]\nWantedBy=sockets.target\n"
)
# containers/podman contrib/systemd/system/podman.socket
PODMAN_SOCKET = (
    "# /lib/systemd/system/podman.socket\n"
    "[Unit]\nDescription=Podman API Socket\nDocumentation=man:podman-system-service(1)\n\n"
    "[Socket]\nListenStream=%t/podman/podman.sock\nSocketMode=0660\n\n"
    "[Install]\nWantedBy=sockets.target\n"
)


def _142(a: Any) -> tuple[str, str]:
    return outcomes(a, "HVA-142")["hv1"], messages(a, "HVA-142")["hv1"]


def _units(*lines: str) -> tuple[str, int]:
    """`systemctl list-unit-files --no-legend` output (UNIT FILE, STATE, PRESET)."""
    return "".join(f"{line}\n" for line in lines), 0


def _dropin(unit: str, body: str, name: str = "override.conf") -> str:
    return f"\n# /etc/systemd/system/{unit}.d/{name}\n{body}"


@pytest.mark.parametrize(
    ("units", "files", "expected"),
    [
        (
            "docker.service enabled enabled",
            DOCKER_SOCKET + _dropin("docker.socket", "[Socket]\nSocketGroup=staff\n"),
            FAIL4,
        ),
        (
            "docker.service enabled enabled",
            DOCKER_SOCKET + _dropin("docker.socket", "[Socket]\nSocketGroup=50\n"),
            FAIL4,
        ),
        (
            "docker.socket enabled enabled",
            DOCKER_SOCKET + _dropin("docker.socket", "[Socket]\nSocketMode=0666\n"),
            EVERYONE,
        ),
        (
            "docker.service enabled enabled",
            DOCKER_SOCKET + _dropin("docker.socket", "[Socket]\nListenStream=2375\n"),
            EVERYONE,
        ),
        (
            "docker.service enabled enabled",
            DOCKER_SOCKET + _dropin("docker.socket", "[Socket]\nListenStream=0.0.0.0:2375\n"),
            EVERYONE,
        ),
        (
            "podman.socket enabled enabled",
            PODMAN_SOCKET + _dropin("podman.socket", "[Socket]\nSocketGroup=staff\n"),
            FAIL4,
        ),
        (
            "podman.socket enabled enabled",
            PODMAN_SOCKET + _dropin("podman.socket", "[Socket]\nListenStream=[::]:8080\n"),
            EVERYONE,
        ),
        # held: the shipped units, a drop-in that resets the list to a path, a disabled podman
        ("docker.service enabled enabled", DOCKER_SOCKET, PASS2),
        (
            "docker.service enabled enabled",
            DOCKER_SOCKET
            + _dropin("docker.socket", "[Socket]\nListenStream=\nListenStream=/run/d.sock\n"),
            PASS2,
        ),
        ("podman.socket enabled enabled", PODMAN_SOCKET, PASS2),
        (
            "podman.socket disabled enabled",
            PODMAN_SOCKET + _dropin("podman.socket", "[Socket]\nSocketGroup=staff\n"),
            PASS2,
        ),
    ],
    ids=[
        "docker-group",
        "docker-gid",
        "docker-mode",
        "docker-tcp-port",
        "docker-tcp-v4",
        "podman-group",
        "podman-tcp",
        "docker-shipped",
        "docker-reset-path",
        "podman-shipped",
        "podman-disabled",
    ],
)
def test_container_socket_units_next_start(
    host_scan, units: str, files: str, expected: tuple[str, str]
) -> None:
    """R26A-1 (false pass) HVA-142. A container daemon's socket unit creates its socket at its
    next start with the unit's SocketGroup=, SocketMode= and ListenStream= as its drop-ins
    leave them (systemd.socket(5)); dockerd's `-H fd://` (moby contrib/init/systemd/
    docker.service) serves every socket systemd passes it (moby daemon/listeners/
    listeners_linux.go listenFD: all activated listeners, TLS only with a tlsConfig) and never
    re-groups them. The socket files were not read: a drop-in giving the socket to staff, to
    gid 50, to mode 0666 or a TCP port passed "2 administrative principal(s)"."""
    over = {
        **BASE,
        "container-units": _units(units),
        "container-socket-unit-files": (files, 0),
    }
    assert _142(host_scan(over)) == expected


def test_dockerd_live_tcp_listener_without_tls(host_scan) -> None:
    """R26A-2 (false pass) HVA-142. dockerd `-H fd://` holding a TCP socket systemd passed it (a
    separate docker-tcp.socket with Service=docker.service, a common recipe): moby's listenFD
    serves it without TLS unless --tlsverify. ss shows dockerd listening on *:2375; counted no
    one."""
    ps = (
        PS
        + "  900 root     /usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock\n"
    )
    ss = str(HARDENED_HOST["listeners"][0]) + (
        "tcp   LISTEN 0      4096       *:2375       *:*    "
        'users:(("dockerd",pid=900,fd=3),("systemd",pid=1,fd=45))\n'
    )
    over = {**BASE, "processes": (ps, 0), "listeners": (ss, 0)}
    assert _142(host_scan(over)) == EVERYONE


def test_dockerd_live_tcp_listener_with_tlsverify_holds(host_scan) -> None:
    """R26A-2 held: the same listener under --tlsverify (client certificates verified)."""
    ps = (
        PS + "  900 root     /usr/bin/dockerd -H fd:// --tlsverify --tlscacert=/etc/docker/ca.pem\n"
    )
    ss = str(HARDENED_HOST["listeners"][0]) + (
        "tcp   LISTEN 0      4096       *:2376       *:*    "
        'users:(("dockerd",pid=900,fd=3),("systemd",pid=1,fd=45))\n'
    )
    over = {**BASE, "processes": (ps, 0), "listeners": (ss, 0)}
    assert _142(host_scan(over)) == PASS2


@pytest.mark.parametrize(
    "path",
    ["/run/k3s/containerd/containerd.sock", "/var/run/crio/crio.sock"],
    ids=["k3s", "crio"],
)
def test_other_container_runtime_sockets_stat(host_scan, path: str) -> None:
    """R26A-3 (false pass) HVA-142. k3s's embedded containerd and CRI-O serve the CRI (create a
    privileged container) on their own sockets; group staff given write counted no one."""
    over = {**BASE, "container-sockets": (f"660 root staff {path}\n", 0)}
    assert _142(host_scan(over)) == FAIL4


def test_group_password_question_is_one_yes_no_question(host_scan) -> None:
    """R26A-4 (question) HVA-142. A group password in /etc/gshadow (R24A-1) asked "Who knows
    the group password ..., and do they ... number at most 3 ...?": two questions, the first
    with no yes or no, so an answer could not be recorded as a pass. Now one question whose
    "yes" is the compliant answer."""
    a = host_scan({**BASE, "/etc/gshadow": "sudo:*::alice\nlibvirt:$6$salt$hash::\n"})
    assert outcomes(a, "HVA-142")["hv1"] == "manual"
    assert question_line(a, "HVA-142", "hv1") == (
        'question = "Do the accounts that know the group password /etc/gshadow sets on '
        "%libvirt, together with the other principals listed, number at most 3 named "
        "administrators? Evidence: who set it and who was given it, or `gpasswd -R` locking it "
        'since. Pass: yes, at most 3 principals in all; fail: no, more."\n'
    )


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("#1000", ("pass", "3 administrative principal(s) (limit 3): alice, bob, root")),
        ("#1002", FAIL4),
    ],
    ids=["alice-uid", "carol-uid"],
)
def test_sudoers_uid_is_the_account(host_scan, user: str, expected: tuple[str, str]) -> None:
    """R26A-5 (wrong fail) HVA-142. sudoers(5) User_List: "#uid" is a user ID. `#1000`
    (alice's uid, already an administrator by %sudo) counted as a fourth principal "#1000"
    beside alice: "4 administrative principal(s)" failed a host of three. Now a uid names
    its /etc/passwd account (as polkit's numeric identities do, R25A-8)."""
    head = str(HARDENED_HOST["sudoers"][0])
    sudoers = head + f"/etc/sudoers:{user} ALL=(ALL) ALL\n/etc/sudoers:bob ALL=(ALL) ALL\n"
    assert _142(host_scan({**BASE, "sudoers": (sudoers, 0)})) == expected


def test_container_socket_units_uncollected_is_not_a_pass(tmp_path) -> None:
    """R26A-1 follow-up (false pass, found in the end-of-session review). A bundle of a
    collector before R26A-1 has no container-socket-unit-files: the socket units' groups and
    TCP listeners were taken as none, so a starting docker.socket counted no one beyond
    /var/run/docker.sock's own group. Right: the principals are not known (the units named);
    held: the same bundle with the probe passes as before."""
    from test_host_leads19b import _scan_without

    over = {
        **BASE,
        "container-units": _units("docker.service enabled enabled"),
        "container-socket-unit-files": (DOCKER_SOCKET, 0),
    }
    got = {
        name: _142(_scan_without(tmp_path / name, (), drop, over))
        for name, drop in (("old", ("container-socket-unit-files",)), ("new", ()))
    }
    assert got == {
        "old": (
            "manual",
            "evidence unavailable: the socket unit files of docker.socket were not collected (a "
            "bundle of an older hvaudit): the groups and addresses the container daemons' "
            "sockets get at their next start are unknown",
        ),
        "new": ("pass", "2 administrative principal(s) (limit 3): alice, root"),
    }
