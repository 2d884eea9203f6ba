"""Leads 19 (third), Proxmox VE: HVA-311 below `/`, HVA-305's other listeners, HVA-307's
group grants replaced by the members' own, HVA-309's refused crypto. Sources read with
`fetch`: github:proxmox/pve-access-control 5ccd07d, pve-manager 14a22df3.

Findings (each pinned below):

- L19-30P (false pass): HVA-311 judged a privsep 1 token's intersection with its user on `/`
  only; RPCEnvironment.pm compile_acl_path intersects them on every path, so a token whose own
  ACL gives Sys.Modify on /nodes/<node>, Permissions.Modify on /nodes or /vms, or User.Modify
  on /access/groups administers that part of the cluster while its user holds the same there;
  it passed. Now the intersection is taken privilege by privilege on those paths (fail, naming
  them); test_host_verdicts5's `Administrator on /vms` case follows (was pass).
- L19-31P (wrong fail): HVA-305 ignored LISTEN_IP, the address pveproxy and spiceproxy bind
  (pveproxy.pm and spiceproxy.pm init, `create_reusable_socket(8006 / 3128, $listen_ip)`): an
  IPv4 address (a management address, 0.0.0.0) takes no IPv6 client, yet an IPv4-only
  DENY_FROM failed for IPv6; a loopback LISTEN_IP (behind a reverse proxy) failed "pveproxy
  accepts connections from any address". Now only the family it listens on is judged, and a
  loopback pveproxy that ALLOW_FROM leaves open is the question of what forwards to it.
- L19-32P (wrong fail): HVA-307 failed a group's VM role on /vms (or `/`) even when every
  member's own ACL on /vms replaces it (AccessControl.pm `roles`: "user privs always override
  group privs", and a deeper node replaces what came from above), so it reaches no VM. Now a
  grant counts when some holder still has its role at a VM (or pool) no ACL names; a group
  without members still counts. The check's text "whatever is granted elsewhere" now says what
  narrows it and what does not.

Held (kept as tests): L19-30P: Sys.Console on a node (no node shell for a token id), Administrator
on a pool, and a user's own narrower ACL on the path stay a pass. L19-31P: LISTEN_IP `::`, a name,
and none judge both families (the IPv6 gap fails); a loopback pveproxy whose ALLOW_FROM refuses
loopback peers passes. L19-32P: a member's own ACL on one VM, a member without his own
ACL, an empty group and a member's own grant of the same role keep the fail.

Probed by script, not kept (the verdict was right): lead 1's privsep 0 side, a token without
privilege separation of a user privileged on any path already fails HVA-311
(RPCEnvironment.pm permissions: `return $user_perms if !$token_info->{privsep}`). Read, not
probed further (the verdict holds): there is no /etc/default/spiceproxy to read: spiceproxy
takes pveproxy's file (pve-manager 14a22df3 PVE/Service/spiceproxy.pm init, "we use same
ALLOW/DENY/POLICY as pveproxy", `read_proxy_config('pveproxy')`), so a spiceproxy open while
pveproxy is restricted cannot be configured; PROXY_REAL_IP_HEADER does not widen ALLOW_FROM
(pve-http-server 5c9e4ea AnyEvent.pm: the real IP only goes to the access log,
`$reqstate->{log}->{real_ip}`; check_host_access runs on the socket's peer_host).

Tally: L19-30P: 7 cases, 4 failing on main fc98eed by verdict, 3 held (two configurations
each side, failing on main only by the pass message); L19-31P: 9 cases, 5 failing on main
21a0f7f by verdict, 4 held (one failing on main only by its message); L19-32P: 6 cases, 2
failing on main 6f5a40f, 4 held.

Leads left (not settled in the time): lead 4, HVA-309 with crypto_cipher set and crypto_hash
none (corosync exec/totemconfig.c totem_get_crypto: "crypto_cipher requires crypto_hash with
value other than none", corosync refuses the file) still fails as unencrypted rather than
asking what corosync runs (the fail side); HVA-311 still counts Sys.Console on `/` as
administering for a token, though no node shell accepts a token id (verify_username dies on
`!`; a wrong fail at worst); an ALLOW_FROM that admits loopback (127.0.0.1) while a reverse
proxy on the node forwards to pveproxy passes HVA-305 although the forwarder decides who is
served (a possible false pass, no evidence of the forwarder is collected); a LISTEN_IP name
(`localhost`) is not resolved (judged as every address: the fail side); `::` is judged as
dual-stack whatever net.ipv6.bindv6only says (the fail side); Permissions.Modify on
/pool/<pool> or /vms/<id> in a token's intersection is left as the scoped grant (pass);
pool-derived roles are not added by the HVA-311 walk (no path it judges is a pool member).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan

USER_CFG = (PVE_HARDENED / "etc/pve/user.cfg").read_text()
USERS = "etc/pve/user.cfg"


def _with(*lines: str) -> str:
    """The hardened user.cfg with ACL (or role) lines added before the pool section."""
    return USER_CFG.replace("pool:web", "\n".join(lines) + "\n\npool:web")


# --- L19-30P: HVA-311 judges a privsep 1 token's intersection below `/` ----------------------------


@pytest.mark.parametrize(
    ("lines", "held"),
    [
        (
            (
                "role:NodeOps:Sys.Modify,Sys.Audit:",
                "acl:1:/nodes/pve-h1:alice@corp!terraform:NodeOps:",
            ),
            "Sys.Modify on /nodes/pve-h1: Sys.Modify changes a node's network, services and "
            "packages",
        ),
        (
            ("acl:1:/nodes:alice@corp!terraform:Administrator:",),
            "Permissions.Modify on /nodes, Sys.Modify on /nodes/<every node>, Permissions.Modify "
            "on /nodes/<every node>: Sys.Modify changes a node's network, services and packages; "
            "Permissions.Modify grants any role there, to the token too",
        ),
        (
            ("acl:0:/vms:alice@corp!terraform:Administrator:",),
            "Permissions.Modify on /vms: Permissions.Modify grants any role there, to the token too",
        ),
        (
            ("acl:1:/access:alice@corp!terraform:PVEUserAdmin:",),
            "User.Modify on /access/groups: the account privileges change other users' logins",
        ),
    ],
    ids=["sys-modify-node", "admin-nodes", "perm-modify-vms", "user-admin-access"],
)
def test_l19_30p_token_administers_below_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lines: tuple[str, ...], held: str
) -> None:
    """pve-access-control 5ccd07d RPCEnvironment.pm compile_acl_path: a privsep 1 token's
    privileges on a path are its own roles there (AccessControl.pm `roles`, matching
    `$acl->{tokens}->{$user}` by the token id, propagation and replacement along the walk)
    intersected with its user's on the same path (`grep { defined($user_privs->{$_}) } keys
    %$privs`), on every path, not only `/`. alice@corp holds Administrator on `/` (@admins), so
    the token keeps what its own ACL gives anywhere. HVA-311 looked at `/` only and passed a
    token that administers below it: Sys.Modify on /nodes/<node> (pve-manager 14a22df3
    API2/Network.pm, API2/Services.pm, API2/APT.pm check `['perm', '/nodes/{node}',
    ['Sys.Modify']]`: the node's interfaces, its services' start/stop, its repositories);
    Permissions.Modify on /nodes or /vms, even unpropagated (API2/ACL.pm update_acl: with it on
    the ACL's path the "superset of privileges" filter is skipped, so the token grants any role
    there, Administrator propagated included, to itself and its user); User.Modify on
    /access/groups (RPCEnvironment.pm 'userid-group' `check_any($username, "/access/groups",
    $privs)`: other users' passwords and second factors). Now fails, naming what it holds."""
    report = pve_scan(tmp_path, capsys, {USERS: _with(*lines)})
    assert pve_result(report, "HVA-311", "pve-h1") == (
        "fail",
        "tokens with their user's full rights: alice@corp!terraform (privsep 1, but its own ACLs "
        f"and its user's both give {held})",
    )


@pytest.mark.parametrize(
    "lines",
    [
        ("acl:1:/nodes/pve-h1:alice@corp!terraform:PVESysAdmin:",),
        ("acl:1:/pool/web:alice@corp!terraform:Administrator:",),
        (
            "acl:1:/nodes:alice@corp!terraform:Administrator:",
            "acl:1:/nodes:alice@corp:PVEAuditor:",
        ),
    ],
    ids=["sys-console-node", "admin-on-pool", "user-narrowed"],
)
def test_l19_30p_held_scoped_or_narrowed_token_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lines: tuple[str, ...]
) -> None:
    """Held: what the intersection does not administer stays a pass. PVESysAdmin on a node
    (Sys.Console, Sys.Syslog, Sys.Audit): every node shell (pve-manager API2/Nodes.pm vncshell,
    termproxy, spiceshell) calls verify_username on the caller first, and Auth/Plugin.pm's
    realm_regex (letters, digits, `.`, `-`, `_`) refuses a token id's `!`: it dies before any
    shell. Administrator on /pool/web: the scoped grant HVA-311's remediation asks for ("grant it
    only the roles it needs on the paths it needs"); its Permissions.Modify reaches the pool's
    members only. Administrator on /nodes for the token while alice's own ACL on /nodes
    (PVEAuditor) replaces her `/` grant there (`roles`: "user privs always override group
    privs", and the deeper node replaces what `/` gave): the intersection holds only audit."""
    report = pve_scan(tmp_path, capsys, {USERS: _with(*lines)})
    assert pve_result(report, "HVA-311", "pve-h1") == (
        "pass",
        "2 API token(s): none with a privileged user's full rights (privsep 0, or administration "
        "on / or below it for both token and user)",
    )


# --- L19-31P: HVA-305 reads LISTEN_IP, the address pveproxy and spiceproxy bind -----------------------

PROXY = "etc/default/pveproxy"
RESTRICTED4 = 'ALLOW_FROM="10.0.0.0/24"\nDENY_FROM="0.0.0.0/0"\n'


@pytest.mark.parametrize("listen", ["10.0.0.5", "0.0.0.0", "::ffff:10.0.0.5"])
def test_l19_31p_ipv4_listen_address_takes_no_ipv6_client(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], listen: str
) -> None:
    """pve-manager 14a22df3 PVE/Service/pveproxy.pm init: `my $listen_ip =
    $proxyconf->{LISTEN_IP}; my $socket = $self->create_reusable_socket(8006, $listen_ip);`,
    and pve-common Daemon.pm create_reusable_socket binds `IO::Socket::IP->new(LocalAddr =>
    $host, LocalPort => $port, ...)` (read with `find_string`): an IPv4 address (0.0.0.0, or an
    IPv4-mapped IPv6 one) is an IPv4 socket that no IPv6 client connects to. hvaudit ignored
    LISTEN_IP and failed `IPv6 addresses outside ALLOW_FROM and DENY_FROM are admitted` for an
    IPv4-only DENY_FROM; now only the family pveproxy listens on is judged (pass)."""
    text = f'LISTEN_IP="{listen}"\n{RESTRICTED4}'
    report = pve_scan(tmp_path, capsys, {PROXY: text})
    assert pve_result(report, "HVA-305", "pve-h1") == (
        "pass",
        f"ALLOW_FROM 10.0.0.0/24, everything else denied (LISTEN_IP {listen}: IPv4 only)",
    )


@pytest.mark.parametrize(
    ("text", "gap"),
    [
        ('LISTEN_IP="127.0.0.1"\n', "IPv4 addresses outside ALLOW_FROM and DENY_FROM are admitted"),
        (
            'LISTEN_IP="::1"\nALLOW_FROM="10.0.0.0/24"\n',
            "IPv6 addresses outside ALLOW_FROM and DENY_FROM are admitted",
        ),
    ],
    ids=["v4-no-allow", "v6-allow-only"],
)
def test_l19_31p_loopback_pveproxy_asks_for_the_reverse_proxy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, gap: str
) -> None:
    """Same code: LISTEN_IP 127.0.0.1 or ::1 (the reverse-proxy setup) binds pveproxy, and
    spiceproxy with it (PVE/Service/spiceproxy.pm init reads `read_proxy_config('pveproxy')`,
    "we use same ALLOW/DENY/POLICY as pveproxy", and binds `create_reusable_socket(3128,
    $listen_ip)`), to loopback: no remote client connects to them, so "pveproxy accepts
    connections from any address" (the old fail) is not what the node does. Who reaches the API
    is decided by what forwards to that address (pve-http-server 5c9e4ea AnyEvent.pm: the host
    check runs on the socket's peer, `check_host_access($reqstate->{peer_host})`, a forwarder's
    own loopback address), not in the evidence: the question."""
    report = pve_scan(tmp_path, capsys, {PROXY: text})
    listen = text.split('"')[1]
    r = next(
        r
        for r in report["results"]
        if (r["check_id"], r["subject"]["name"]) == ("HVA-305", "pve-h1")
    )
    assert (r["status"], r["message"]) == (
        "manual",
        f"/etc/default/pveproxy: LISTEN_IP {listen}: pveproxy and spiceproxy listen on the "
        "loopback address only, so who reaches them is decided by what forwards to them on the "
        f"node (a reverse proxy); ALLOW_FROM and DENY_FROM leave it open ({gap})",
    )
    assert r["question"].startswith(
        "Which networks reach the Proxmox VE API through what forwards to pveproxy's loopback "
        f"address {listen} on node pve-h1? Evidence: "
    )


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        (
            f'LISTEN_IP="::"\n{RESTRICTED4}',
            ("fail", "IPv6 addresses outside ALLOW_FROM and DENY_FROM are admitted"),
        ),
        ('LISTEN_IP="localhost"\n', ("fail", "pveproxy accepts connections from any address")),
        (
            f"{RESTRICTED4}",
            ("fail", "IPv6 addresses outside ALLOW_FROM and DENY_FROM are admitted"),
        ),
        (
            'LISTEN_IP="127.0.0.1"\nALLOW_FROM="10.0.0.0/24"\nDENY_FROM="all"\n',
            (
                "pass",
                "ALLOW_FROM 10.0.0.0/24, everything else denied (LISTEN_IP 127.0.0.1: IPv4 only)",
            ),
        ),
    ],
    ids=["any6", "name", "unset", "loopback-restricted"],
)
def test_l19_31p_held_listen_addresses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, verdict: tuple[str, str]
) -> None:
    """Held: `::` is every address of both families (a dual-stack socket), a name is not resolved
    by hvaudit (both families, not loopback), and without LISTEN_IP pveproxy binds every
    address: the IPv6 gap still fails. A loopback pveproxy whose ALLOW_FROM refuses loopback
    peers serves no one: pass, as before (now naming LISTEN_IP)."""
    report = pve_scan(tmp_path, capsys, {PROXY: text})
    assert pve_result(report, "HVA-305", "pve-h1") == verdict


# --- L19-32P: HVA-307, a group's VM role that every member's own ACL replaces ----------------------


@pytest.mark.parametrize(
    "lines",
    [
        ("acl:1:/vms:@webops:PVEVMUser:", "acl:1:/vms:bob@corp:PVEAuditor:"),
        ("acl:1:/:@webops:PVEVMUser:", "acl:1:/vms:bob@corp:PVEAuditor:"),
    ],
    ids=["same-path", "deeper-path"],
)
def test_l19_32p_group_grant_replaced_by_every_members_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lines: tuple[str, ...]
) -> None:
    """pve-access-control 5ccd07d AccessControl.pm `roles`: at each node of the walk the user's
    own ACL, when it applies, replaces the roles and skips the groups' (`$roles = $new; #
    overwrite previous settings` then `next; # user privs always override group privs`), and
    a node that gives something replaces what `/` gave. @webops's only member bob@corp holds his
    own PVEAuditor on /vms, so @webops's PVEVMUser on /vms (or on `/`) reaches no VM of his:
    no VM is operated through it. HVA-307 failed "VM roles granted cluster-wide: PVEVMUser for
    @webops on ..." (a wrong fail on a hardened system); now it passes."""
    report = pve_scan(tmp_path, capsys, {USERS: _with(*lines)})
    assert pve_result(report, "HVA-307", "pve-h1") == (
        "pass",
        "no VM role on '/', '/vms' or '/pool'; 3 ACL(s) on VM or pool paths: /pool/web, /vms/201",
    )


@pytest.mark.parametrize(
    ("lines", "who"),
    [
        (("acl:1:/vms:@webops:PVEVMUser:", "acl:1:/vms/200:bob@corp:PVEAuditor:"), "@webops"),
        (
            (
                "group:ops:bob@corp,alice@corp::",
                "acl:1:/vms:@ops:PVEVMUser:",
                "acl:1:/vms:bob@corp:PVEAuditor:",
            ),
            "@ops",
        ),
        (("group:empty:::", "acl:1:/vms:@empty:PVEVMUser:"), "@empty"),
        (("acl:1:/vms:@webops,bob@corp:PVEVMUser:",), "@webops, bob@corp"),
    ],
    ids=["own-acl-on-one-vm", "one-member-kept", "empty-group", "own-same-role"],
)
def test_l19_32p_held_group_grant_still_reaching_vms(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lines: tuple[str, ...], who: str
) -> None:
    """Held: the group's grant still reaches VMs, so the fail stays: a member's own ACL on one VM
    replaces it on that VM only; a member without his own ACL on the path (alice@corp) keeps
    it; a group without members gets it for whoever joins later (still counted); a member's
    own grant of the same role on /vms is cluster-wide itself."""
    report = pve_scan(tmp_path, capsys, {USERS: _with(*lines)})
    status, message = pve_result(report, "HVA-307", "pve-h1")
    assert status == "fail"
    assert message.startswith(f"VM roles granted cluster-wide: PVEVMUser for {who} on /vms")
