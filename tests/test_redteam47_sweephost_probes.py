"""R47 sweep: collected-but-unread evidence, the team's decision of round 47: every reader of a
command artefact takes its text only where the command ran and exited as its source documents
for a result (exit 0, or a documented 'empty' status cited at the reader); any other run is the
unread fact. The one accessor is HostEvidence.result (parse/host.py): a run outside its
answers comes back in state "failed" without text, its reason naming the exit status and the
first stderr line (_unanswered).

Harness: the conftest host_scan replay (HARDENED_HOST: libvirtd pid 700, sssd and rsyslogd
running) over libvirt's test driver, assessed by the real engine; an override `(stdout, rc,
stderr)` records a run that exited `rc`, None a probe recorded absent ("command not found"), as
the collector's runners do (collect/runner.py LocalRunner.run, SshRunner.run).

Findings:
- R47S-1 (false pass) HVA-150 (processes): _sssd_directory and _runs read the process list
  as "sssd (winbindd) runs" unless `ps` exited 0 and lacked it, so a `ps` that failed (exit
  1: POSIX ps EXIT STATUS ">0 An error occurred") or was not found passed "accounts resolved
  through sss" (winbind) on a host where nss_sss may answer nothing (SSSD
  src/sss_client/common.c sss_nss_make_request: without the daemon's socket every lookup is
  NSS_STATUS_UNAVAIL). Now an unread list asks, naming why; a bundle without it (an older
  collector) claims nothing, as before. HVA-140 keeps its pass where no domain's access
  provider lets every account in (_directory_open weighs sssd.conf as if sssd runs: either
  way no directory account is open).

- R47S-2 (false pass) HVA-180 (apt-policy): _apt_without_security_archive read `apt-cache
  policy` only where it exited 0 and returned "" (no doubt) otherwise, so apt-cache exiting
  100 (apt-cache(8) DIAGNOSTICS: "apt-cache returns zero on normal operation, decimal 100 on
  error") or not found passed "no pending security update" on a simulation that sees no
  security update where no source is a security archive (R10H-6). Now an unread policy asks,
  naming why; a bundle without it (older_bundle_scan) passes as before.

- R47S-3 (false pass) HVA-142 (listeners): _dockerd_serves_tcp_fd read "dockerd holds no TCP
  socket systemd passed it" from an `ss` that exited 1 or was not found, so a dockerd started
  with `-H fd://` and no --tlsverify (moby daemon/listeners/listeners_linux.go listenFD
  serves every socket-activated listener, over TLS only with a tlsConfig; R26A-2) passed "2
  administrative principal(s)" where a docker-tcp.socket may hand every user the daemon. Only
  an `ss` exiting 0 lists the sockets (_listeners, R40S-3: iproute2 misc/ss.c). Now the
  listing unread asks, naming why.

- R47S-4 (false pass) HVA-210 (ip-link, ovs-ports): _gateway_bridges counted a host bridge
  as carrying a VM from its Linux members only, and an Open vSwitch bridge's ports are no
  members in `ip -d link` (each `master ovs-system`); a VM tap a script put on an OVS bridge
  holding a host address (an <interface type='ethernet'>, not in any <source bridge>) passed
  "none on a wildcard address" though its guest reaches every host address through that
  bridge (R23N-1: ip-sysctl.rst arp_filter, "IP addresses are owned by the complete host on
  Linux"). Now the bridge's ports in ovs-vsctl's tables (_ovs_bridges) count too.

Older tests changed: test_redteam45_sweephost_probes held HVA-150's pass with `ps` exiting 1
(the verdict R47S-1 corrects); test_redteam10_host_probes took the replay's None (apt-cache not
found) for "not collected": it now drops the artefact from the bundle (older_bundle_scan).

Held (kept as tests): ps exiting 0 without sssd fails HVA-150 as before; `ss` exiting 0 without
a dockerd TCP socket passes HVA-142 (R47S-3); a VM defined on the OVS bridge fails HVA-210 as
before (R47S-4); `getfacl` exiting 1 for one path asks HVA-142 and HVA-132 (round 46's lead:
every caller of the ACL readers asks through _acl_unread first); HVA-140 passes with
`ps` exiting 1 (R47S-1's guard of the access providers).

Probed by script: on 12954476 (main), for each of the 55 command probes HARDENED_HOST answers,
the verdict of every check with the probe (a) exiting 0 with no output, (b) exiting outside its
answers (grep 2, otherwise 1, or 70 where 1 is an answer) with its output and "Permission
denied" on stderr, (c) the same without output, (d) recorded absent: a check that changed in
(a) but not in (b) read the text whatever the exit status; one that changed in (d) but not in
(c) read a failing run as an answer. Found: processes (HVA-150, R47S-1), apt-policy
(HVA-180, R47S-2).

Tally: 4 findings (4 false passes); 15 cases, 10 failing on main before the fixes (R47S-1: 4,
R47S-2: 3, R47S-3: 2, R47S-4: 1).

Leads left: see the report.
"""

from __future__ import annotations

import json

import pytest

import test_ovs_management_port as ovs
from conftest import HARDENED_HOST, domain_xml, messages, outcomes
from test_redteam21_net_probes import NFT_ACCEPT
from test_redteam26_accounts_probes import BASE, PS

SSSD_UNREAD = (
    "evidence unavailable: SSSD is configured (domains corp.example (ad)), but the process list "
    "was not read (`ps`: {why}): whether sssd runs, without which nss_sss answers nothing and "
    "only local accounts resolve, is unknown"
)
WINBIND_UNREAD = (
    "evidence unavailable: passwd: winbind, but the process list was not read (`ps`: {why}): "
    "whether winbindd runs, without which only local accounts resolve, is unknown"
)
WINBIND_NSS = "passwd:         files winbind\ngroup:          files winbind\nhosts: files dns\n"
PS_DENIED = "ps: /proc/700/stat: Permission denied\n"


@pytest.mark.parametrize(
    ("run", "why"),
    [
        ((HARDENED_HOST["processes"][0], 1, PS_DENIED), "exit status 1: " + PS_DENIED.strip()),
        (("", 1, PS_DENIED), "exit status 1: " + PS_DENIED.strip()),
        (None, "command not found"),
    ],
    ids=["failed-with-output", "failed-empty", "absent"],
)
def test_r47s_1_sssd_process_list_unread(host_scan, run, why: str) -> None:
    """R47S-1: `ps -eo pid=,user:32=,args=` exiting 1 (with or without output) or not found
    (on main: passed "accounts resolved through sss")."""
    a = host_scan({"processes": run})
    assert (outcomes(a, "HVA-150"), messages(a, "HVA-150")) == (
        {"hv1": "manual"},
        {"hv1": SSSD_UNREAD.format(why=why)},
    )


def test_r47s_1_winbind_process_list_unread(host_scan) -> None:
    """R47S-1: nsswitch passwd: winbind and `ps` exiting 1 (on main: passed "accounts resolved
    through winbind")."""
    procs = HARDENED_HOST["processes"][0] + "  900 root /usr/sbin/winbindd --foreground\n"
    a = host_scan({"/etc/nsswitch.conf": WINBIND_NSS, "processes": (procs, 1, PS_DENIED)})
    assert (outcomes(a, "HVA-150"), messages(a, "HVA-150")) == (
        {"hv1": "manual"},
        {"hv1": WINBIND_UNREAD.format(why="exit status 1: " + PS_DENIED.strip())},
    )


def test_r47s_1_held_ps_without_sssd_fails(host_scan) -> None:
    """Held: ps exiting 0 and listing no sssd fails HVA-150 as before."""
    procs = "".join(
        line for line in HARDENED_HOST["processes"][0].splitlines(True) if "sssd" not in line
    )
    a = host_scan({"processes": (procs, 0)})
    assert (outcomes(a, "HVA-150"), messages(a, "HVA-150")) == (
        {"hv1": "fail"},
        {
            "hv1": "local accounts only (SSSD configured (domains corp.example (ad)) but no "
            "sssd process runs: nss_sss answers nothing, only local accounts resolve)"
        },
    )


APT_UNREAD = (
    "`apt-get -s dist-upgrade` names no security update, but whether any package source is a "
    "security archive is unknown (`apt-cache policy`: {why})"
)
APT_LOCKED = "E: Could not open file /var/lib/apt/lists/deb.debian.org_InRelease - open (13)\n"


@pytest.mark.parametrize(
    ("run", "why"),
    [
        ((HARDENED_HOST["apt-policy"][0], 100, APT_LOCKED), "exit status 100: " + APT_LOCKED),
        (("", 100, APT_LOCKED), "exit status 100: " + APT_LOCKED),
        (None, "command not found"),
    ],
    ids=["failed-with-output", "failed-empty", "absent"],
)
def test_r47s_2_apt_policy_unread(host_scan, run, why: str) -> None:
    """R47S-2: `apt-cache policy` exiting 100 (apt-cache(8) DIAGNOSTICS: "decimal 100 on
    error") or not found (on main: passed "no pending security update")."""
    a = host_scan({"apt-policy": run})
    assert (outcomes(a, "HVA-180"), messages(a, "HVA-180")) == (
        {"hv1": "manual"},
        {"hv1": APT_UNREAD.format(why=why.strip()[:120])},
    )


def test_r47s_1_held_account_count_with_ps_unread(host_scan) -> None:
    """Held: `ps` exiting 1, sssd.conf's domain uses access_provider ad: whether or not sssd
    runs no directory account is open, and HVA-140 passes on the local count."""
    a = host_scan({"processes": ("", 1, PS_DENIED)})
    assert (outcomes(a, "HVA-140"), messages(a, "HVA-140")) == (
        {"hv1": "pass"},
        {"hv1": "2 account(s) with a login shell (limit 3): root, alice"},
    )


DOCKERD_FD = (
    "  900 root     /usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock\n"
)
SS_DENIED = "Cannot open netlink socket: Permission denied\n"
DOCKER_UNREAD = (
    "evidence unavailable: dockerd serves the sockets systemd passes it (-H fd://) without "
    "--tlsverify, but the listening sockets were not read (`ss -t -u -l -n -p`: {why}): whether "
    "it holds a TCP socket, which every user may connect to, is unknown"
)


@pytest.mark.parametrize(
    ("run", "why"),
    [
        (("", 1, SS_DENIED), "exit status 1: " + SS_DENIED.strip()),
        (None, "command not found"),
    ],
    ids=["failed", "absent"],
)
def test_r47s_3_dockerd_fd_listeners_unread(host_scan, run, why: str) -> None:
    """R47S-3: dockerd `-H fd://` without --tlsverify and `ss -t -u -l -n -p` exiting 1 or not
    found (on main: passed "2 administrative principal(s) (limit 3): alice, root")."""
    a = host_scan({**BASE, "processes": (PS + DOCKERD_FD, 0), "listeners": run})
    assert (outcomes(a, "HVA-142"), messages(a, "HVA-142")) == (
        {"hv1": "manual"},
        {"hv1": DOCKER_UNREAD.format(why=why)},
    )


def test_r47s_3_held_dockerd_fd_listing_without_tcp(host_scan) -> None:
    """Held: `ss` exiting 0 and listing no TCP socket dockerd holds with systemd: pass."""
    a = host_scan({**BASE, "processes": (PS + DOCKERD_FD, 0)})
    assert (outcomes(a, "HVA-142"), messages(a, "HVA-142")) == (
        {"hv1": "pass"},
        {"hv1": "2 administrative principal(s) (limit 3): alice, root"},
    )


OVS_GATEWAY_FAIL = (
    "listening on host addresses that the guests of host bridge(s) vmbr0 (192.168.1.5) reach "
    "through the host's address on their bridge (Linux takes a packet for any of its "
    "addresses on whatever interface it arrives), and the host's input firewall accepts by "
    "default: sshd (tcp/22) on 10.0.0.10"
)


def _ovs_gateway_host() -> dict[str, object]:
    """test_ovs_management_port's Open vSwitch host (vmbr0: eno1, mgmt, vnet0; vmbr1), with
    vmbr0's internal port holding 192.168.1.5, sshd's 10.0.0.10 on eno2 and input accepted."""
    addrs = json.loads(ovs._addrs("eno2"))
    addrs.append(
        {
            "ifname": "vmbr0",
            "addr_info": [
                {"family": "inet", "local": "192.168.1.5", "prefixlen": 24, "scope": "global"}
            ],
        }
    )
    ports = [
        {"ifindex": 8, "ifname": "mgmt1", "master": "ovs-system", "linkinfo": dict(ovs.OVS)},
        {
            "ifindex": 9,
            "ifname": "vnet0",
            "master": "ovs-system",
            "linkinfo": {"info_slave_kind": "openvswitch"},
        },
    ]
    return {
        "ip-link": (ovs._links(*ports), 0),
        "ip-addr": (json.dumps(addrs), 0),
        "ovs-ports": (ovs.OVS_TABLES, 0),
        "nft-ruleset": (NFT_ACCEPT, 0),
    }


def test_r47s_4_vm_tap_on_an_ovs_bridge_with_a_host_address(host_scan) -> None:
    """R47S-4: an <interface type='ethernet'> whose tap vnet0 a script put on the Open vSwitch
    bridge vmbr0 (ovs-vsctl's tables list it; `ip -d link` shows `master ovs-system`), vmbr0
    holding a host address, input accepted (on main: passed "1 management listener(s), none
    on a wildcard address")."""
    eth = domain_xml(
        "web01",
        "<devices><interface type='ethernet'><mac address='52:54:00:00:01:01'/>"
        "<target dev='vnet0' managed='no'/><model type='virtio'/></interface></devices>",
    )
    a = host_scan(_ovs_gateway_host(), domains=[eth])
    assert (outcomes(a, "HVA-210"), messages(a, "HVA-210")) == (
        {"hv1": "fail"},
        {"hv1": OVS_GATEWAY_FAIL},
    )


def test_r47s_4_held_vm_defined_on_the_ovs_bridge(host_scan) -> None:
    """Held: a VM defined on vmbr0 (<virtualport type='openvswitch'/>) fails as before."""
    a = host_scan(_ovs_gateway_host(), domains=[ovs._vm("vmbr0", True)])
    assert (outcomes(a, "HVA-210"), messages(a, "HVA-210")) == (
        {"hv1": "fail"},
        {"hv1": OVS_GATEWAY_FAIL},
    )


GETFACL_DENIED = "getfacl: /etc/kubernetes/admin.conf: Permission denied\n"
DOCKER_SOCK_ACL = "# file: /run/docker.sock\n# owner: root\n# group: docker\nuser::rw-\ngroup::rw-\nother::---\n\n"
ACL_WHY = "their ACLs could not all be read (exit status 1: " + GETFACL_DENIED.strip() + ")"


def test_held_getfacl_failing_asks(host_scan) -> None:
    """Held (round 46's lead): `getfacl --skip-base` exiting 1 with "Permission denied" for one
    path, its other paths printed: _acl_group_shut and _acl_accessors read the printed entries
    (each true of its file), and every caller's check asks first through _acl_unread (_admins
    for HVA-142, _libvirt_socket_acl_writers for HVA-132)."""
    a = host_scan({"admin-paths-acl": (DOCKER_SOCK_ACL, 1, GETFACL_DENIED)})
    assert (outcomes(a, "HVA-142"), messages(a, "HVA-142")) == (
        {"hv1": "manual"},
        {
            "hv1": "evidence unavailable: libvirt's and the container daemons' API sockets and "
            f"the Kubernetes admin kubeconfigs: {ACL_WHY}: who may write to or read them is "
            "unknown"
        },
    )
    assert (outcomes(a, "HVA-132"), messages(a, "HVA-132")) == (
        {"hv1": "manual"},
        {"hv1": f"{ACL_WHY}; libvirtd.conf: auth_unix_rw = polkit"},
    )
