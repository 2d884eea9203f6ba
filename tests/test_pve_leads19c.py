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

Held (kept as tests): L19-30P: Sys.Console on a node (no node shell for a token id), Administrator
on a pool, and a user's own narrower ACL on the path stay a pass.
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
