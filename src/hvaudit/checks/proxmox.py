"""Checks for what exists only on Proxmox VE: its firewall levels, pveproxy, user.cfg ACLs and
two-factor, migration and corosync settings, and what the platform cannot do at all.

Defaults are Proxmox's own (pve-firewall's ruleset generator and option schema, pve-docs): the
cluster firewall is off unless `enable: 1`; its input policy defaults to DROP; a node's firewall
runs unless `enable: 0`; a VM's firewall is off unless `enable: 1`; migration defaults to secure.
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any

from hvaudit.checks._loopback import (
    LoopbackScope,
    chardev_guests,
    loopback_guests,
    loopback_scope,
    unix_guests,
)
from hvaudit.checks.base import (
    Context,
    Outcome,
    Severity,
    Subject,
    asked_gap,
    check,
    failed,
    host_subject,
    joined_asks,
    joint_question,
    manual,
    not_applicable,
    passed,
    unknown,
    unread_peers,
    vm_subject,
)
from hvaudit.checks.hardening import (
    RawMigration,
    fed_migration_question,
    in_network,
    named_migration_question,
    raw_migration_listeners,
    unread_incoming,
)
from hvaudit.collect.host import command_artefact
from hvaudit.model import Container, Fact, FactState, Host, ProxmoxHost, Source, Vm
from hvaudit.parse.proxmox import IFUPDOWN_TRUE, UserConfig, parse_property_string, pve_boolean
from hvaudit.parse.proxmox_firewall import FirewallFile, IpsetEntry, net_ip, perl_false
from hvaudit.parse.proxmox_model import DAEMON_ASKED, DAEMON_QUESTION, firewall_daemon
from hvaudit.redact import REDACTED
from hvaudit.textsafe import digits

PVE = ("proxmox-ve",)
ADMIN_ROLES = ("Administrator", "PVEAdmin", "PVESysAdmin", "PVEVMAdmin")


# Built-in roles that operate VMs (pveum.adoc "Roles"); any other role does when it holds a VM.*
# privilege other than an audit one (`_privileges`). PVEPoolAdmin does not: "allocate pools"
# (pveum.adoc), Pool.Allocate and Pool.Audit only (AccessControl.pm create_roles).
VM_ROLES = ("PVEVMAdmin", "PVEVMUser", "PVETemplateUser")
FULL_ADMIN_ROLES = ("Administrator", "PVEAdmin")


def _px(h: Host) -> ProxmoxHost | None:
    return h.proxmox


def _daemon(h: Host, px: ProxmoxHost) -> tuple[str, str]:
    """Whether the daemon that applies the node's firewall files runs (hvaudit.parse.
    proxmox_model.firewall_daemon: "running", "absent" or "unknown", with why)."""
    fw = px.host_firewall
    nftables = fw.get().options.get("nftables") == "1" if fw.known else None
    return firewall_daemon(h.facts.programs, nftables, fw.get().daemons_off if fw.known else "")


def _unenforced(s: Subject, h: Host, head: str, why: str, *refs: Source) -> Outcome:
    """The rules are right, but whether the daemon that applies them runs on the node is not in
    the evidence (its processes were not read): HVA-301's question, asked in the same words so
    one answer settles every check that depends on it. A pass would state that the rules are in
    force, which nothing observed; a fail that they are not, which nothing observed either."""
    return manual(
        s,
        f"{head}, but whether pve-firewall or proxmox-firewall applies the rules on node "
        f"{h.name} is not in the evidence ({why})",
        *refs,
        *h.facts.programs.sources,
        question=DAEMON_QUESTION.format(node=h.name),
    )


def _fw_gap(
    s: Subject,
    h: Host,
    px: ProxmoxHost,
    what: str,
    off: tuple[str, str, str],
    opened: str = "",
    tcp: bool = False,
) -> Outcome:
    """The node's verdict where its cluster.fw or host.fw is not known (unread, or read otherwise
    by the two daemons: proxmox_model's `_nft_reading`): the fails that rest on neither unknown
    fact still win, and the open conditions are asked in one item (asked_gap, joined_asks).
    Asked alone, cluster.fw's question hid host.fw `enable: 0` and a process list showing
    neither daemon, and a "yes" passed a node whose firewall filters nothing (R35P-1).
    A cluster.fw read as off, a host.fw with `enable: 0` (pve-firewall 6f1311f
    compile_iptables_filter: `my $hostfw_enable = !(defined($hostfw_options->{enable}) &&
    ($hostfw_options->{enable} == 0))`, the node's input chain built only `if
    ($hostfw_enable)`; proxmox-firewall likewise, P14-11) and no firewall daemon running (R5-13,
    `firewall_daemon`) each leave the node unfiltered, whatever the other file holds. `off`
    words the three fails: the cluster firewall off, host.fw off, and after the daemon's why.
    `opened` (HVA-301, HVA-313), where cluster.fw is not known, words the fail of a host.fw rule
    that accepts every inbound packet, or every port of a protocol, before any rule that names
    something cluster.fw defines (`_accepts_everything` over `_host_rules_alone`): host.fw's
    rules come first, so the node is open whether cluster.fw turns the firewall on (the rule
    applies) or off (nothing filters); asked alone, cluster.fw's question passed it on a "yes"
    (R36F-1). `opened` is formatted with `rule`, the rule and what it accepts; `tcp` counts
    only a rule that reaches TCP ports (`_accepts_everything`, HVA-313)."""
    if px.firewall_unapplied and not px.firewall_own_rules:
        # the daemon's whole update refused and no earlier one in force (`iptables-save` with
        # no PVEFW chain): nothing of either file filters the node (R51F-1); rules it did not
        # write that filter the node's input are asked (cluster.fw's fact, R52F-1)
        return failed(s, px.firewall_unapplied, *px.cluster_firewall.sources)
    asks: list[Outcome] = []
    for f in (px.cluster_firewall, px.host_firewall):
        if not f.known and (o := asked_gap(s, f, what, asks)) is not None:
            return o
    cluster, host = px.cluster_firewall, px.host_firewall
    refs = (*cluster.sources, *host.sources)
    if cluster.known and cluster.get().options.get("enable", "0") != "1":
        return failed(s, off[0], *refs)
    if host.known and host.get().options.get("enable") == "0":
        return failed(s, off[1], *refs)
    daemon = _daemon(h, px)
    if daemon[0] == "absent":
        return failed(s, f"{daemon[1]}: {off[2]}", *refs, *h.facts.programs.sources)
    if (
        opened
        and not cluster.known
        and (
            rule := _accepts_everything(
                px,
                _addressed(h),
                None,
                _own_addresses(h, px),
                every_own=_every_address(h, px),
                tcp=tcp,
            )
        )
    ):
        return failed(s, opened.format(rule=rule[0]), *host.sources)
    if daemon[0] == "unknown":
        asks.append(
            manual(
                s,
                "whether pve-firewall or proxmox-firewall applies the rules on node "
                f"{h.name} is not in the evidence ({daemon[1]})",
                *h.facts.programs.sources,
                question=DAEMON_QUESTION.format(node=h.name),
            )
        )
    return joined_asks(s, asks)


def container_subject(c: Container, host: str) -> Subject:
    """The subject of an LXC container on a node."""
    return Subject("container", c.name, host, c.vmid)


def _collected(ctx: Context) -> float | None:
    """The collection time (epoch seconds) of the deployment, None when the bundle has none."""
    try:
        when = dt.datetime.fromisoformat(ctx.deployment.collected_at.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).timestamp()


def _expired(entry: Mapping[str, object], now: float | None) -> bool:
    """Had this user.cfg user or token expired when the evidence was collected? pve-access-control
    AccessControl.pm refuses both: check_user_enabled `if ($expire && $expire < $ctime) { die
    "user '$username' access expired" }` on every login and token use, and verify_token `die
    "token '$token' access expired" if $token_info->{expire} && ($token_info->{expire} < $ctime)`
    (read with `find_string`; H102, H104). `expire` is epoch seconds, 0 for never. Against the
    collection time, not the time the report is read; without one nothing counts as expired."""
    try:
        expire = int(str(entry.get("expire") or "0"))
    except ValueError:
        return False
    return bool(expire) and now is not None and expire < now


def _privileged_users(cfg: UserConfig, now: float | None = None) -> dict[str, list[str]]:
    """Enabled users who can change something (a role beyond *.Audit and NoAccess), with the
    roles and paths that make them so; root@pam always. A grant counts where it reaches the
    user: a group's role on a path where the user's own ACL replaces it, or NoAccess holds,
    gives the user nothing there (pve-access-control `roles`, L13-7)."""
    out: dict[str, list[str]] = {"root@pam": ["root@pam (built-in superuser)"]}
    for acl in cfg.acls:
        roles = [r for r in acl["roles"] if _changes_something(r, cfg.roles)]  # type: ignore[attr-defined]
        if not roles:
            continue
        for who in acl["who"]:  # type: ignore[attr-defined]
            members = cfg.groups.get(who[1:], []) if who.startswith("@") else [who]
            for user in members:
                if "!" in user:
                    continue  # a token's own ACL: judged through its user
                # what the path's own ACLs leave the user there and below (`_roles_on`): its
                # own grants replace its groups', NoAccess leaves nothing
                held = set()
                for final in (True, False):
                    there = _roles_on(cfg, user, str(acl["path"]), final) or {}
                    if "NoAccess" not in there:
                        held |= set(there)
                kept = [r for r in roles if r in held]
                if kept:
                    out.setdefault(user, []).append(f"{'/'.join(kept)} on {acl['path']}")
    return {
        u: why
        for u, why in out.items()
        if cfg.users.get(u, {}).get("enable", "1") == "1"
        and not _expired(cfg.users.get(u, {}), now)
    }


def _roles_on(cfg: UserConfig, who: str, path: str, final: bool) -> dict[str, bool] | None:
    """The roles (role -> propagate) the ACLs of `path` itself give `who` (a user or a token),
    as pve-access-control AccessControl.pm `roles` takes them at one node of its walk: a role
    applies at the path it is granted on (`final`) or, propagated, below it; the node's own
    ACLs for the user or token replace those of its groups ("user privs always override group
    privs"); None where the node gives it nothing, so what is inherited stays. parse_user_config
    keeps the last `acl:` line for a principal, role and path (`$acl_node->{users}->{$ug}
    ->{$role} = $propagate`). It ignores a role defined nowhere ("ignore invalid acl role"); one
    hvaudit does not know is kept here (a newer built-in role), so no grant is left out."""
    direct: dict[str, bool] = {}
    groups: dict[str, dict[str, bool]] = {}
    for acl in cfg.acls:
        if acl["path"] != path:
            continue
        for role in acl["roles"]:  # type: ignore[attr-defined]
            for holder in acl["who"]:  # type: ignore[attr-defined]
                if holder == who:
                    direct[role] = bool(acl["propagate"])
                elif holder.startswith("@") and who in cfg.groups.get(holder[1:], []):
                    groups.setdefault(holder, {})[role] = bool(acl["propagate"])
    applied = {r: prop for r, prop in direct.items() if final or prop}
    if applied:
        return applied
    merged: dict[str, bool] = {}
    for held in groups.values():
        merged.update({r: prop for r, prop in held.items() if final or prop})
    return merged or None


def _privileges_at(cfg: UserConfig, who: str, path: str) -> frozenset[str]:
    """The privileges a user or a token's own ACLs (a privsep 1 token: `roles` matches it by its
    token id, never through a group) give on `path`, as pve-access-control AccessControl.pm
    `roles` walks `/` down to it (`_roles_on` at each node: a node that gives something replaces
    what came from above, the last node only with what is not propagated; NoAccess at the end
    leaves nothing) and RPCEnvironment.pm compile_acl_path turns the roles into privileges.
    root@pam holds every privilege (`permissions`: "root can do anything"). Pool-derived roles
    (/vms/<id>, /storage/<id> of a pool's members) are not added: no path judged here is one."""
    if who == "root@pam":
        return BUILTIN_ROLES["Administrator"]
    roles = _roles_walk(cfg, who, path)
    if "NoAccess" in roles:
        return frozenset()
    return frozenset().union(*(_privileges(r, cfg.roles) or () for r in roles))


def _roles_walk(cfg: UserConfig, who: str, path: str) -> dict[str, bool]:
    """The roles a user or token holds on `path` (role -> propagate), as AccessControl.pm `roles`
    walks `/` down to it: each node that gives something (`_roles_on`) replaces what came from
    above, the last node with its unpropagated grants too."""
    roles: dict[str, bool] = {}
    parts = [p for p in path.split("/") if p]
    for depth in range(len(parts) + 1):
        node = "/" + "/".join(parts[:depth])
        here = _roles_on(cfg, who, node, final=depth == len(parts))
        if here is not None:
            roles = here
    return roles


#: Where a privsep 1 token's intersection with its user administers the cluster or a node below
#: `/` (HVA-311; `/` itself is judged by role, `_root_admin_roles`, `_acl_modifiers_on_root`):
#: Permissions.Modify on a path lets its holder grant any role there to anyone, itself and its
#: user too (API2/ACL.pm update_acl skips its "superset of privileges" filter when
#: `$auth_user_privs->{'Permissions.Modify'}` is defined), so on a top-level path it is
#: Administrator of that whole part of the cluster (every VM, storage, node, pool, SDN zone,
#: mapping, account) at will; Sys.Modify on /nodes/<node> administers that node (pve-manager
#: 14a22df3 `['perm', '/nodes/{node}', ['Sys.Modify']]` on API2/Network.pm's interface edits,
#: API2/Services.pm's start/stop/restart of its services, API2/APT.pm's repositories); the
#: account paths of ACCOUNT_ADMIN_PATHS (User.Modify on /access/groups, Realm.Allocate on
#: /access/realm). Sys.Console on a node is not: every node shell (API2/Nodes.pm vncshell,
#: termproxy, spiceshell) first calls verify_username on the caller, whose realm_regex
#: (Auth/Plugin.pm: letters, digits, `.`, `-`, `_`) refuses a token id's `!`: it dies. A scoped
#: path (/vms/<id>, /pool/<pool>, /storage/<id>) is the least-privilege grant the remediation
#: asks for: never judged here.
TOKEN_ADMIN_PATHS = (
    *(
        (top, "Permissions.Modify")
        for top in ("/vms", "/storage", "/nodes", "/pool", "/sdn", "/mapping", "/access")
    ),
    ("/access/groups", "Permissions.Modify"),
    ("/access/realm", "Permissions.Modify"),
    ("/access/groups", "User.Modify"),
    ("/access/realm", "Realm.Allocate"),
)


def _token_admin_below_root(cfg: UserConfig, tid: str, nodes: Iterable[str]) -> list[str]:
    """What a privsep 1 token administers below `/` (TOKEN_ADMIN_PATHS, and Sys.Modify or
    Permissions.Modify on each node's path): the privileges its own ACLs and its user's both
    give there, as RPCEnvironment.pm compile_acl_path intersects them (`grep {
    defined($user_privs->{$_}) } keys %$privs`; a root@pam token is not intersected, root@pam
    holding everything anyway)."""
    user = tid.split("!", 1)[0]
    named = {str(a["path"]).split("/")[2] for a in cfg.acls if str(a["path"]).startswith("/nodes/")}
    # a node no ACL names gets what `/` and `/nodes` propagate, as any such node does
    checks = [*TOKEN_ADMIN_PATHS]
    for node in [*sorted({*named, *nodes}), chr(0)]:
        checks += [(f"/nodes/{node}", "Sys.Modify"), (f"/nodes/{node}", "Permissions.Modify")]
    found: list[str] = []
    for path, priv in checks:
        if priv in _privileges_at(cfg, tid, path) and priv in _privileges_at(cfg, user, path):
            found.append(f"{priv} on {'/nodes/<every node>' if path.endswith(chr(0)) else path}")
    # a privilege every node gets is named once, not again for each named node
    every = {x.split(" on ")[0] for x in found if x.endswith("<every node>")}
    named_again = tuple(f"{priv} on /nodes/" for priv in every)
    return [x for x in found if x.endswith("<every node>") or not x.startswith(named_again)]


def _token_administers(role: str, cfg: UserConfig) -> bool:
    """Whether a role a privsep 1 token holds on `/` administers the cluster for it: a
    FULL_ADMIN_ROLES role, or one with an ADMIN_PRIVILEGES privilege other than Sys.Console,
    which a token cannot use for a node shell (pve-manager 14a22df3 API2/Nodes.pm vncshell,
    termproxy, spiceshell call verify_username on the caller, and Auth/Plugin.pm's realm_regex
    refuses the `!` of a token id; P21-5)."""
    privileges = _privileges(role, cfg.roles) or frozenset()
    return role in FULL_ADMIN_ROLES or any(
        p in ADMIN_PRIVILEGES and p != "Sys.Console" for p in privileges
    )


def _root_admin_roles(cfg: UserConfig, who: str) -> list[str]:
    """The administering roles (FULL_ADMIN_ROLES, or a role holding an ADMIN_PRIVILEGES
    privilege: `_privileges`) a user (directly or through a group) or a token holds on `/`,
    propagated to every path below (`_roles_on` `/` as a step of the walk: its own grants over
    its groups', and NoAccess among them leaving nothing, AccessControl.pm `roles`); root@pam
    holds them all ("Administrator" here)."""
    if who == "root@pam":
        return ["Administrator"]
    roles = _roles_on(cfg, who, "/", final=False) or {}
    if "NoAccess" in roles:
        return []
    return [
        role
        for role in roles
        if role in FULL_ADMIN_ROLES or _administers(_privileges(role, cfg.roles) or [])
    ]


def _acl_modifiers_on_root(cfg: UserConfig, who: str) -> list[str]:
    """The roles that give a user or token Permissions.Modify on `/` itself, propagated or not
    (`_roles_on` with `final`: what AccessControl.pm `roles` applies at the path; NoAccess
    leaves nothing); root@pam holds it ("Administrator")."""
    if who == "root@pam":
        return ["Administrator"]
    roles = _roles_on(cfg, who, "/", final=True) or {}
    if "NoAccess" in roles:
        return []
    return [r for r in roles if "Permissions.Modify" in (_privileges(r, cfg.roles) or ())]


def _privgroup_roles() -> dict[str, frozenset[str]]:
    """The built-in roles' privileges, as pve-access-control's create_roles builds them from
    $privgroups (AccessControl.pm, github:proxmox/pve-access-control): PVE<cat>Admin holds its
    category's admin, user and audit privileges, PVE<cat>User its user and audit ones (where the
    category has user privileges), PVEAdmin every category's admin, user and audit privileges but
    Mapping.Modify, PVEAuditor every audit privilege; the root privileges (Sys.PowerMgmt,
    Sys.Modify, Sys.Incoming, Sys.AccessNetwork, Realm.Allocate) are Administrator's alone."""
    groups = {  # category: (admin, user, audit)
        "VM": (
            "VM.Config.Disk VM.Config.CPU VM.Config.Memory VM.Config.Network VM.Config.HWType "
            "VM.Config.Options VM.Allocate VM.Clone VM.GuestAgent.Unrestricted VM.Migrate "
            "VM.Replicate VM.Snapshot VM.Snapshot.Rollback",
            "VM.Config.CDROM VM.Config.Cloudinit VM.Console VM.Backup VM.GuestAgent.FileRead "
            "VM.GuestAgent.FileSystemMgmt VM.GuestAgent.FileWrite VM.PowerMgmt",
            "VM.Audit VM.GuestAgent.Audit",
        ),
        "Sys": ("Sys.Console Sys.Syslog", "", "Sys.Audit"),
        "Datastore": (
            "Datastore.Allocate Datastore.AllocateTemplate",
            "Datastore.AllocateSpace",
            "Datastore.Audit",
        ),
        "SDN": ("SDN.Allocate SDN.Audit", "SDN.Use", "SDN.Audit"),
        "User": ("User.Modify Group.Allocate Realm.AllocateUser", "", ""),
        "Pool": ("Pool.Allocate", "Pool.Audit", "Pool.Audit"),
        "Mapping": ("Mapping.Modify", "Mapping.Use", "Mapping.Audit"),
    }
    roles: dict[str, set[str]] = {"PVEAdmin": set(), "PVEAuditor": set(), "NoAccess": set()}
    for cat, (admin, user, audit) in groups.items():
        roles[f"PVE{cat}Admin"] = {*admin.split(), *user.split(), *audit.split()}
        roles["PVEAdmin"] |= roles[f"PVE{cat}Admin"]
        if user:
            roles[f"PVE{cat}User"] = {*user.split(), *audit.split()}
        roles["PVEAuditor"] |= set(audit.split())
    roles["PVEAdmin"].discard("Mapping.Modify")
    roles["PVETemplateUser"] = {"VM.Clone", "VM.Audit"}
    roles["Administrator"] = set().union(*roles.values()) | {
        "Permissions.Modify", "Sys.PowerMgmt", "Sys.Modify", "Sys.Incoming",
        "Sys.AccessNetwork", "Realm.Allocate",
    }  # fmt: skip
    return {r: frozenset(p) for r, p in roles.items()}


BUILTIN_ROLES = _privgroup_roles()


def _privileges(role: str, custom: dict[str, list[str]]) -> frozenset[str] | None:
    """A role's privileges as Proxmox VE holds them: a built-in role's own (BUILTIN_ROLES) plus
    what a user.cfg `role:` line of the same name lists (userconfig_force_defaults installs the
    built-in role, and parse_user_config's `role` branch only adds privileges to a role that
    exists: `$cfg->{roles}->{$role}->{$priv} = 1`), a custom role's listed ones; None for a
    role defined nowhere (its ACL is ignored: "ignore invalid acl role")."""
    if role not in BUILTIN_ROLES and role not in custom:
        return None
    return BUILTIN_ROLES.get(role, frozenset()) | frozenset(custom.get(role, []))


def _changes_something(role: str, custom: dict[str, list[str]]) -> bool:
    privileges = _privileges(role, custom)
    if privileges is None:
        return True  # a role hvaudit does not know: counted, never left out
    return any(not p.endswith(".Audit") for p in privileges)


#: Privileges that administer the whole cluster when held on `/` (pveum.adoc "Privileges"):
#: Permissions.Modify "modify access permissions" (so the holder grants itself anything),
#: Sys.Modify (node network), Sys.Console (a root shell on the node), User.Modify and
#: Realm.Allocate (accounts and realms). PVEAdmin lacks Permissions.Modify and Sys.Modify and
#: still counts as an administrator.
ADMIN_PRIVILEGES = (
    "Permissions.Modify",
    "Sys.Modify",
    "Sys.Console",
    "User.Modify",
    "Realm.Allocate",
)


def _administers(privileges: Iterable[str]) -> bool:
    """A role holding a cluster-administration privilege (ADMIN_PRIVILEGES)."""
    return any(p in ADMIN_PRIVILEGES for p in privileges)


#: The paths below `/` where pve-access-control checks an account-administration privilege
#: (github:proxmox/pve-access-control, P13-4): User.Modify on `/access/groups` (RPCEnvironment.pm
#: exec_api2_perm_check 'userid-group': `check_any($username, "/access/groups", $privs)` for
#: every user, which API2/TFA.pm delete_tfa and add_tfa_entry, API2/User.pm update_user and
#: API2/AccessControl.pm change_password require), Realm.Allocate on `/access/realm`
#: (API2/Domains.pm create/update/delete: `['perm', '/access/realm', ['Realm.Allocate']]`, a
#: realm's `tfa` included), Permissions.Modify on the ACL path it edits (check_perm_modify:
#: `check_any($username, $path, ['Permissions.Modify'])`), so on `/access` or either of those
#: it grants its holder the other two there. A grant on an ancestor counts when propagated.
ACCOUNT_ADMIN_PATHS = {
    "User.Modify": ("/access/groups",),
    "Realm.Allocate": ("/access/realm",),
    "Permissions.Modify": ("/access", "/access/groups", "/access/realm"),
}


#: What makes the built-in ADMIN_ROLES administrators wherever they are granted, judged in any
#: role that holds it (a role is what it holds, not its name; P14-3): the VM category's admin
#: privileges (pve-access-control AccessControl.pm $privgroups `VM => { admin => [...] }`:
#: VM.Config.*, VM.Allocate, VM.Migrate, VM.Snapshot ..., what PVEVMAdmin holds beyond
#: PVEVMUser), the Sys category's admin ones (Sys.Console, Sys.Syslog: PVESysAdmin's) and its
#: root ones that change or power off a node (Sys.Modify "edit/change node settings",
#: Sys.PowerMgmt), and Permissions.Modify: with it on a path, API2/ACL.pm update_acl skips
#: its "superset of privileges" filter (`if (!defined($auth_user_privs->{'Permissions.Modify'}))`)
#: and its holder grants any role there, Administrator included, to anyone, itself too.
#: VM.Clone alone is not: a clone needs VM.Allocate on the new VM too (qemu-server API2/Qemu.pm
#: clone_vm), and PVETemplateUser ("view and clone templates") holds it with VM.Audit only.
ADMIN_ANYWHERE = (BUILTIN_ROLES["PVEVMAdmin"] - BUILTIN_ROLES["PVEVMUser"] - {"VM.Clone"}) | {
    "Sys.Console",
    "Sys.Syslog",
    "Sys.Modify",
    "Sys.PowerMgmt",
    "Permissions.Modify",
}


def _administers_at(path: str, propagate: bool, privileges: Iterable[str]) -> bool:
    """A role that administers the cluster from an ACL on `path`: on `/` any ADMIN_PRIVILEGES
    privilege; below it, one of ACCOUNT_ADMIN_PATHS held where pve-access-control checks it
    (`/access` propagated reaches `/access/groups` and `/access/realm`)."""
    held = list(privileges)
    if path == "/":
        return _administers(held)
    return any(
        path == target or (propagate and target.startswith(path + "/"))
        for p in held
        for target in ACCOUNT_ADMIN_PATHS.get(p, ())
    )


def _operates_vms(role: str, custom: dict[str, list[str]]) -> bool:
    if role in FULL_ADMIN_ROLES:
        return False
    if role in VM_ROLES:
        return True
    return any(
        p.startswith("VM.") and not p.endswith(".Audit") for p in _privileges(role, custom) or ()
    )


@check(
    id="HVA-301",
    title="Cluster firewall is on and drops inbound traffic by default",
    scope="host",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-19"], "sp800-125b": ["VM-FW-R3"]},
    remediation="Datacenter > Firewall > Options: enable the firewall (cluster.fw `enable: 1`) with "
    "input policy DROP, after adding rules that admit the management subnets to 8006 and 22.",
    platforms=PVE,
)
def cluster_firewall(ctx: Context) -> Iterator[Outcome]:
    """Proxmox ships with the cluster firewall off, and with it every node and VM firewall: no rule
    at any level is applied until it is enabled. cluster.fw is only what the firewall daemon
    applies: pve-firewall (iptables; pve_firewall.pm compiles the rules every 10 s and removes
    them when it stops) or proxmox-firewall (nftables), the one host.fw's `nftables` option
    picks (each removes its rules when the option says the other applies them:
    hvaudit.parse.proxmox_model.firewall_daemon). On a node whose processes were read and that
    daemon does not run, no rule is in force (a fail); where they were not read (a copy of /etc/pve, an
    API scan) whether either runs is a question (`pve-firewall status` prints
    "Status: enabled/running" or ".../stopped": src/PVE/Service/pve_firewall.pm), never a pass
    on the strength of the file alone (R5-12). A DROP policy is no default deny when an IN ACCEPT rule
    that restricts nothing (no source, destination, macro, protocol, port or interface:
    pve-firewall's rule options only narrow what a rule matches, pve-firewall.adoc "Firewall
    Rules") comes before any unrestricted DROP: pve-firewall compiles host.fw's rules, then
    cluster.fw's, then the policy (enable_host_firewall "add host rules first"; L16-1), so it
    accepts every inbound packet. A rule pve-firewall refuses (verify_rule) is not applied,
    whichever its action (L16-2, L16-3), and a DROP of one IP version closes only that
    version's chain (L16-4); a DROP closes it only when its -source and -dest hold every
    address of the version (a /7 or an IP set of IPv4 entries leaves the rest to the rules
    after it), and one of some ports of a protocol takes those ports from a later ACCEPT of
    every port of it (L18-5P, L18-6P). host.fw not read at all is a question,
    never a pass: its rules come before the policy too. The node's host.fw is
    /etc/pve/nodes/<node name>/host.fw, the node name being the host name without its domain
    (pve-common PVE::INotify nodename). A host.fw with `enable: 0` fails too: pve-firewall builds
    the node's input chain, with cluster.fw's rules and its input policy, only for a node whose
    firewall is on (compile_iptables_filter `if ($hostfw_enable)`; proxmox-firewall likewise),
    so the DROP policy filters nothing of that node's own traffic (P14-11). `-p 0`, `-p ip` and
    `-p hopopt` (protocol number 0) restrict nothing under pve-firewall, which writes no
    protocol match for `0` and whose iptables reads protocol 0 as every protocol
    (IPTABLES_ALL_PROTOCOLS, P15-1); so does any option of value 0 (`-dport 0`, `-source 0`):
    Perl's false, which pve-firewall neither checks nor writes (perl_false, P15-4). `enable: N`
    above 1 is the API's anti-lockout time stamp, on until 60 s after N (parse_clusterfw_option):
    off once past, a question while in force (an enable that turns itself off; P18-6). A fail
    found anywhere wins over that question, and a node's open conditions (the time stamp, host.fw
    not read, the daemon, a gateway) are asked in one item (joined_asks, R34M-6); cluster.fw not
    known leaves host.fw `enable: 0` and an absent daemon failing (`_fw_gap`, R35P-1)."""
    for h in ctx.deployment.hosts:
        s, px = host_subject(h), _px(h)
        if px is None:
            continue
        fw = px.cluster_firewall
        if not fw.known:
            yield _fw_gap(
                s,
                h,
                px,
                "the cluster firewall is enabled with a DROP input policy",
                (
                    "",
                    "host.fw sets enable: 0: no input chain is built for this node, so neither an "
                    "input policy nor any cluster rule filters its own traffic, whatever "
                    "cluster.fw holds",
                    "no rule is applied, whatever cluster.fw holds",
                ),
                "{rule} before cluster.fw's rules and input policy: the node admits it whatever "
                "cluster.fw holds (with the firewall off, nothing is filtered at all)",
            )
            continue
        opts = fw.get().options
        policy = opts.get("policy_in", "DROP")
        maybe: list[str] = []
        stamp = fw.get().enable_stamp
        # a fail found anywhere in the chain wins, and the open conditions of the node are
        # asked in one item (joined_asks): the time stamp's question alone hid an input policy
        # ACCEPT (a fail), and host.fw not read hid the daemon's question (R34M-6)
        asks: list[Outcome] = []
        if stamp is not None and opts.get("enable") != "0":
            # on until 60 s after the stamp (P18-6, parse_clusterfw_option): an enable the
            # API's anti-lockout call has not confirmed, which turns itself off
            until = dt.datetime.fromtimestamp(min(stamp + 60, 253402300799), dt.UTC)
            state = (
                f"on when collected, off from {until:%Y-%m-%d %H:%M:%S} UTC"
                if opts.get("enable") == "1"
                else f"on until {until:%Y-%m-%d %H:%M:%S} UTC (the collection time is unknown)"
            )
            asks.append(
                manual(
                    s,
                    f"cluster.fw enable: {stamp} is pve-firewall's anti-lockout time stamp "
                    f"(parse_clusterfw_option: on until 60 s after it, then off): {state}",
                    *fw.sources,
                    question=f"Is the cluster firewall enabled for good on node {h.name}? "
                    "Evidence: `pvesh get /cluster/firewall/options` (enable) and `pve-firewall "
                    "status`. Pass: enable 1 and the status enabled/running; fail: enable 0 or a "
                    "time stamp, or the status disabled.",
                )
            )
        if not asks and opts.get("enable", "0") != "1":
            yield failed(
                s,
                "cluster firewall off (cluster.fw enable is not 1): no firewall rule applies "
                "to any node or VM",
                *fw.sources,
            )
        elif policy not in ("DROP", "REJECT"):
            yield failed(s, f"cluster firewall on, input policy {policy}", *fw.sources)
        elif px.host_firewall.known and px.host_firewall.get().options.get("enable") == "0":
            # pve-firewall compile_iptables_filter calls enable_host_firewall (the node's input
            # chain: cluster.fw and host.fw rules, then policy_in) only `if ($hostfw_enable)`;
            # proxmox-firewall creates the cluster rules only `if self.config.host().
            # is_enabled()` (P14-11)
            yield failed(
                s,
                f"cluster firewall on, input policy {policy}, but host.fw sets enable: 0: no "
                "input chain is built for this node, so neither the policy nor any cluster rule "
                "filters its own traffic",
                *fw.sources,
                *px.host_firewall.sources,
            )
        elif (daemon := _daemon(h, px))[0] == "absent":
            yield failed(
                s,
                f"cluster.fw enables the firewall (input policy {policy}), but {daemon[1]}: "
                "no rule is applied",
                *fw.sources,
                *h.facts.programs.sources,
            )
        elif opened := _accepts_everything(
            px, _addressed(h), maybe, _own_addresses(h, px), every_own=_every_address(h, px)
        ):
            yield failed(
                s,
                f"cluster firewall on, input policy {policy}, but {opened[0]} before the policy",
                *fw.sources,
                *(px.host_firewall.sources if px.host_firewall.known else ()),
            )
        else:
            if not px.host_firewall.known:
                # host.fw's rules come before the policy too (a rule there may open the node)
                asks.append(
                    unknown(
                        s,
                        px.host_firewall,
                        "no rule of the node's host.fw opens it before the policy",
                    )
                )
            if daemon[0] == "unknown" and maybe:
                asks.append(
                    _gateway_question(
                        s, h, px, f"cluster firewall on, input policy {policy}", maybe, daemon[1]
                    )
                )
            elif daemon[0] == "unknown":
                asks.append(
                    manual(
                        s,
                        f"cluster.fw enables the firewall (input policy {policy}), but whether "
                        "pve-firewall or proxmox-firewall applies it on this node is not in the "
                        f"evidence ({daemon[1]})",
                        *fw.sources,
                        *h.facts.programs.sources,
                        question=DAEMON_QUESTION.format(node=h.name),
                    )
                )
            elif maybe:
                asks.append(
                    _gateway_question(
                        s, h, px, f"cluster firewall on, input policy {policy}", maybe
                    )
                )
            if asks:
                yield joined_asks(s, asks)
            else:
                yield passed(
                    s,
                    f"cluster firewall on, input policy {policy}"
                    + (" (default)" if "policy_in" not in opts else ""),
                    *fw.sources,
                )


def _accepts_everything(
    px: ProxmoxHost,
    addressed: frozenset[str] = frozenset(),
    maybe: list[str] | None = None,
    own: Mapping[_Addr, str] | None = None,
    walked: list[tuple[str, dict[str, object]]] | None = None,
    every_own: Sequence[_Addr] | None = None,
    tcp: bool = False,
) -> list[str]:
    """The first IN rule of the node's input chain (host.fw's rules, then cluster.fw's:
    `_input_chain`) that opens the node broadly, when it accepts: one that restricts nothing (`IN ACCEPT`, perhaps with `-log`; pve-firewall's rule
    options -source, -dest, -p, -dport, -sport, -i, -icmp-type and a macro only narrow a rule,
    and a /7 or wider source or destination, IPv6 /32: `_is_wide`, narrows nothing), or one that names only a
    transport protocol, with no port or ports admitting more than half of them (`IN ACCEPT -p
    tcp`, `-dport 1:65535`: every port of the protocol, as HVA-190 judges `-p tcp -j ACCEPT`).
    An ACCEPT's -sport narrows nothing: the sender chooses its source port, so `IN ACCEPT -p
    udp -sport 53` admits every UDP port to whoever sends from port 53 (P17-1).
    An unrestricted DROP or REJECT first closes the chain for its IP version (L16-4);
    `walked` receives each rule reached before that (HVA-313's port loop). `-i` restricts nothing when it
    names the only interface holding the node's addresses, or an interface
    /etc/network/interfaces (with the files it sources) gives the default gateway (ifupdown2,
    Proxmox VE's network stack, addons/address.py: gateway "Default gateway", found with
    `find_string`): every address beyond the node's own networks reaches it there. Each as
    `where `rule` what`. When a sourced file was not read, any other `-i` interface may have
    the gateway there: such a rule that would open the node goes to `maybe`. A `GROUP name`
    rule stands for its security group's IN rules (`_host_rules`).

    A -source or -dest list (`a,b,c`: pve-firewall parse_address_list, each element matched)
    is as wide as its widest element: `10.0.0.0/8,0.0.0.0/0` admits every source (P14-1). A
    -dest holding an address the node has on the default gateway's interface (`own`,
    `_own_addresses`) narrows nothing: the host's INPUT chain sees only packets for the node's
    own addresses, and every address beyond its networks reaches that one (P14-2); a -dest IP
    set holds it as the daemon's set lookup does (`_holds`: the most specific entry decides
    under pve-firewall, P15-2). A DROP's or REJECT's -dest closes an IP version only when it
    holds every address of it, or every address the node has of it (`every_own`, from the
    addresses the node reported: None when not read): PVEFW-HOST-IN sees the packets for each
    of the node's addresses, so a DROP to the gateway interface's address leaves those to the
    others to the rules after it (L18-8P).

    `tcp` (HVA-313): only a rule that reaches TCP ports counts (every inbound packet, or every
    TCP port); one of every port of another protocol (`IN ACCEPT -p udp`) reaches none of the
    management ports, which are TCP's (MGMT_PORTS), and the walk goes on past it (R36F-2).
    Without `tcp`, ACCEPTs of some ports each that admit more than half of a protocol's ports
    together fail as one (`_pooled_accepts`, R37F-1); HVA-313 reads the management ports
    themselves."""
    out: list[str] = []
    nft = px.host_firewall.known and px.host_firewall.get().options.get("nftables") == "1"
    names = _port_names(px)
    uplinks = _uplinks(px)
    unread = bool(px.interfaces.known and px.interfaces.get().unread)
    # cluster.fw not known: host.fw's rules that name nothing it defines (`_host_rules_alone`),
    # read with no alias or set (R36F-1)
    cluster = px.cluster_firewall.get() if px.cluster_firewall.known else FirewallFile("cluster")
    # the IP versions an unrestricted DROP or REJECT has closed (L16-4), and the ports of a
    # transport protocol one of every source took, per IP version (L18-6P)
    closed: set[int] = set()
    partly: set[int] = set()
    taken: dict[tuple[int, str], list[tuple[int, int]]] = {}
    pool: dict[tuple[int, str], list[tuple[str, list[tuple[int, int]]]]] = {}
    sources: list[tuple[str, str, list[_Net]]] = []
    for where, r in _input_chain(px):
        version = r.get("ipversion")
        versions = {version} if isinstance(version, int) else {4, 6}
        reached = versions - closed
        if not reached:
            continue
        if walked is not None:
            walked.append((where, r))
        if r["type"] == "in" and r["action"] in ("DROP", "REJECT"):
            # the IP versions a DROP or REJECT before an ACCEPT took packets of (a -source or
            # -dest of one version's addresses, or a set of one version's entries, takes none
            # of the other's); one that takes them all closes the version below (R47F-3)
            hit = set(reached)
            written = r["options"]
            assert isinstance(written, dict)
            for k in ("source", "dest"):
                spec = str(written.get(k) or "")
                # a set or alias that holds nothing here (`+sdn/all4` in host.fw) is one
                # pve-firewall dies on and skips the rule (R33P-3)
                if spec:
                    hit &= {n.version for n in _fw_networks(spec.split(","), cluster)[0]}
            partly |= hit
        shown = r["options"]
        assert isinstance(shown, dict)
        if r["type"] != "in" or r["macro"]:
            continue
        # an option of value 0 is Perl's false, which pve-firewall reads as unset (P15-4)
        unset = [] if nft else perl_false(shown)
        # a -p proxmox-firewall writes as a bare `meta l4proto` match opens its every port
        # (R40F-1)
        opts, bare = _nft_ports_dropped({k: v for k, v in shown.items() if k not in unset}, nft)
        # each list as wide as its widest element (P14-1); a -dest holding the node's
        # address on its gateway interface is every packet to the node (P14-2)
        dests = [x.strip() for x in str(opts.get("dest") or "").split(",") if x.strip()]
        held = next(
            (
                (x, a, i)
                for x in dests
                for a, i in (own or {}).items()
                if _holds(x, a, cluster, nft)
            ),
            None,
        )
        whole: set[int] = set()
        if r["action"] != "ACCEPT":
            # a DROP to the node's address on one interface leaves its others open (L18-8P)
            held = None
            whole = {
                v
                for v in versions
                if (mine := [a for a in every_own or () if a.version == v])
                and all(any(_holds(x, a, cluster, nft) for x in dests) for a in mine)
            }
        # the IP versions for which -source and -dest are wide (an ACCEPT) or every address (a
        # DROP or REJECT: one of some sources leaves the rest to the rules after it); a set
        # holding one version's entries only matches no packet of the other (L18-5P)
        eff = _rule_versions(
            {k: v for k, v in opts.items() if not (k == "dest" and held)},
            versions,
            cluster,
            every=r["action"] != "ACCEPT",
        ) | (
            _rule_versions(
                {k: v for k, v in opts.items() if k != "dest"}, whole, cluster, every=True
            )
            if whole
            else set()
        )
        wide = bool(eff - closed)
        narrowing = set(opts) - {"log", "source", "dest"}
        # -i of the only interface holding the node's addresses is every packet to it, and
        # -i of the default gateway's interface every packet from beyond the local networks
        iface, why = str(opts.get("iface") or ""), ""
        if iface and (iface in uplinks or (addressed and {iface} == addressed)):
            narrowing.discard("iface")
            why = (
                f" (-i {iface}: the default gateway's interface)"
                if iface in uplinks
                else f" (-i {iface}: the only interface with the node's addresses)"
            )
        if held:
            why += f" (-dest {held[0]}: holds {held[1]}, the node's address on {held[2]})"
        # the sender chooses its source port (`nmap --source-port 53`): an ACCEPT's -sport
        # admits whoever sends from it, to every port the rest leaves (pve-firewall sport
        # "Restrict TCP/UDP source port", iptables `--sport`; P17-1). A DROP's -sport drops
        # only what a sender chooses to send from there, unless it is every port
        chosen = ""
        if "sport" in opts and (
            r["action"] == "ACCEPT" or _pve_ports(str(opts["sport"]), names) > 65535
        ):
            narrowing.discard("sport")
            if r["action"] == "ACCEPT":
                chosen = f" (-sport {shown['sport']}: the sender chooses its source port)"
        why += bare + "".join(
            f" (-{ {'proto': 'p', 'iface': 'i'}.get(k, k) } 0: Perl's false, which "
            "pve-firewall reads as no value and writes no match for)"
            for k in unset
        )
        # protocol 0 is every protocol to pve-firewall's iptables rules, not to
        # proxmox-firewall's nftables ones (P15-1, IPTABLES_ALL_PROTOCOLS)
        if str(opts.get("proto") or "") in IPTABLES_ALL_PROTOCOLS and not nft:
            narrowing.discard("proto")
            why += (
                f" (-p {opts['proto']}: protocol number 0, which pve-firewall's iptables "
                "rules read as every protocol)"
            )
        proto = str(opts.get("proto") or "").lower()
        key = _port_protocol(proto)
        text = (
            "IN "
            + str(r["action"])
            + "".join(
                f" -{ {'proto': 'p', 'iface': 'i'}.get(k, k) } {shown[k]}"
                for k in ("iface", "proto", "dport", "sport", "icmp-type")
                if k in shown
            )
        )
        # ACCEPTs of every packet, or of more than half of a protocol's ports (those the DROPs
        # of every source before them left, L18-6P), from some sources each, a /7's worth
        # together (R37F-2, R38F-1)
        some = (
            {
                v
                for v in versions - closed
                if _port_count_left(str(opts.get("dport") or ""), taken.get((v, key), []), names)
                > 32768
            }
            if narrowing
            and key in PORT_PROTOCOLS
            and _opens(narrowing, proto, opts, names) not in (None, "every inbound packet")
            else set()
        )
        if (
            not tcp
            and r["action"] == "ACCEPT"
            and (not narrowing or some)
            and opts.get("source")
            and (held or not opts.get("dest"))
            and (
                together := _pooled_sources(
                    sources,
                    f"{where} line {r['line']} `{text} -source {shown['source']}`",
                    str(opts["source"]),
                    some or versions - closed,
                    cluster,
                    key=key if narrowing else "",
                )
            )
            and not wide
        ):
            words = "; ".join(together[1].values())
            opened = f"every {together[2]} port" if together[2] else "every inbound packet"
            out.append(f"{together[0]} accept {opened} from their sources ({words}){why}")
            return out
        if not wide:
            continue
        if (
            maybe is not None
            and (unread or _unplaced(px, iface, addressed))
            and "iface" in narrowing
            and r["action"] == "ACCEPT"
            and _opens(narrowing - {"iface"}, proto, opts, names)
        ):
            maybe.append(f"{where} line {r['line']} `{text}`")
        reached = eff - closed
        key = _port_protocol(proto)
        if (
            r["action"] != "ACCEPT"
            and "proto" in narrowing
            and narrowing <= {"proto", "dport"}
            and key in PORT_PROTOCOLS
        ):
            _take_ports(taken, reached, key, opts, names)
            continue
        # ACCEPTs of some ports each, more than half of them together (R37F-1); HVA-313 reads
        # the management ports themselves
        pooled = (
            _pooled_accepts(
                pool,
                reached,
                key,
                str(opts.get("dport") or ""),
                taken,
                f"{where} line {r['line']} `{text}`",
                names,
            )
            if not tcp
            and r["action"] == "ACCEPT"
            and "proto" in narrowing
            and narrowing <= {"proto", "dport"}
            and key in PORT_PROTOCOLS
            else None
        )
        what = _opens(narrowing, proto, opts, names)
        if what is not None and what != "every inbound packet":
            if r["action"] != "ACCEPT" or (tcp and key != "tcp"):
                continue
            # the ports the DROPs before it left: still more than half of them? (L18-6P)
            reached = {
                v
                for v in reached
                if _port_count_left(str(opts.get("dport") or ""), taken.get((v, key), []), names)
                > 32768
            }
            if not reached:
                what = None
        if what is None:
            if pooled is not None:
                family = f"IPv{min(pooled[0])} " if pooled[0] != versions else ""
                out.append(
                    f"{pooled[1]} accept {family}{pooled[2]} of the 65536 {key} ports between them"
                )
                return out
            continue
        # the IP versions it opens: a rule of both after an unrestricted DROP of one opens the
        # other, a rule of one version (an IPv4 -source: pve-firewall's ipversion, which its
        # chain loops skip in the other version's chains, Firewall.pm `next if
        # $rule->{ipversion} && ($rule->{ipversion} != $ipversion)`) or of a -source wide
        # for one version only opens that one (R44F-1: `IN ACCEPT -source 0.0.0.0/0 -p tcp` was
        # said to accept "every tcp port", quoted as `IN ACCEPT -p tcp`)
        opened_versions = reached & eff or reached
        if held and held[1].version in opened_versions:
            # a -dest holding the node's address: that address's version
            opened_versions = {held[1].version}
        family = f"IPv{min(opened_versions)} " if opened_versions != {4, 6} else ""
        # the rule as written: its -source, and a -dest `why` does not name, narrow nothing
        # but are the line's
        quoted = (
            "IN "
            + str(r["action"])
            + "".join(
                f" -{ {'proto': 'p', 'iface': 'i'}.get(k, k) } {shown[k]}"
                for k in ("iface", "source", "dest", "proto", "dport", "sport", "icmp-type")
                if k in shown and not (k == "dest" and held)
            )
        )
        if what != "every inbound packet":
            what = f"every {family}{what.removeprefix('every ')}"
            # the ports DROPs or REJECTs of every source took before it (L18-6P) are not
            # among them (R44F-2: `IN DROP -p tcp -dport 22` then `IN ACCEPT -p tcp` was said
            # to accept "every tcp port")
            dport = str(opts.get("dport") or "")
            counts = {
                v: _port_count_left(dport, taken.get((v, key), []), names) for v in opened_versions
            }
            lefts = set(counts.values())
            left = lefts.pop() if len(lefts) == 1 else 65536
            if len(counts) == 2 and len(set(counts.values())) == 2:
                # the IP versions lost different ports to the DROPs before it (R45F-3:
                # `IN DROP -source 0.0.0.0/0 -p tcp -dport 22` then `IN ACCEPT -p tcp` was
                # said to accept "every tcp port", IPv4's port 22 dropped)
                what = (
                    f"{counts[4]} of the 65536 IPv4 and {counts[6]} of the 65536 IPv6 {key} "
                    "ports (those "
                    + ("of its -dport " if dport else "")
                    + "no rule before it drops or rejects)"
                )
            elif left < _pve_ports(dport or "0:65535", names):
                what = (
                    f"{left} of the 65536 {family}{key} ports (those "
                    + ("of its -dport " if dport else "")
                    + "no rule before it drops or rejects)"
                )
            elif left < 65536:
                # a -dport of more than half of the ports admits those, not every one (R45F-2:
                # `-dport 1024:65535` was said to accept "every tcp port")
                what = f"{left} of the 65536 {family}{key} ports (those of its -dport)"
            out.append(f"{where} line {r['line']} `{quoted}` accepts {what}{chosen}{bare}")
            return out
        if r["action"] == "ACCEPT":
            # some packets a DROP or REJECT before it took, as the VM's message says (R47F-3)
            what = f"every inbound {family}packet" + (
                " that no rule before it drops or rejects" if opened_versions & partly else ""
            )
            out.append(f"{where} line {r['line']} `{quoted}` accepts {what}{why}{chosen}")
            return out
        closed |= reached
    return out


def _input_chain(px: ProxmoxHost) -> list[tuple[str, dict[str, object]]]:
    """The IN and OUT rules of the node's chains in the order the daemon applies them: host.fw's
    (when its firewall is on) before cluster.fw's. pve-firewall enable_host_firewall: "add host
    rules first, so that cluster wide rules can be overwritten" (`foreach my $rule (@$rules,
    @$cluster_rules)`); proxmox-firewall's input chain jumps to host-in before cluster-in
    (resources/proxmox-firewall.nft). Under pve-firewall a rule it alone refuses (`-p TCP`:
    `pve_refused`) is left out (L16-1, L16-3). Where cluster.fw is not known, host.fw's rules
    up to the first that names something cluster.fw defines (`_host_rules_alone`, R36F-1)."""
    nft = px.host_firewall.known and px.host_firewall.get().options.get("nftables") == "1"
    if not px.cluster_firewall.known:
        return _host_rules_alone(px, nft)
    cluster = px.cluster_firewall.get()
    files = [("cluster.fw", cluster)]
    if px.host_firewall.known and px.host_firewall.get().options.get("enable") != "0":
        files.insert(0, ("host.fw", px.host_firewall.get()))
    return [
        (where, r)
        for where, fw in files
        for r in _host_rules(fw, cluster)
        if nft or not (r.get("pve_refused") or _pve_unknown_name(px, r))
    ]


def _pve_unknown_name(px: ProxmoxHost, r: Mapping[str, object]) -> bool:
    """Whether pve-firewall refuses this rule for a -dport/-sport service name its reading of
    the node's /etc/services does not key (parse_port_name_number_or_range "invalid port";
    `ProxmoxHost.iptables_services`, R47F-5): the rule is not applied, a port number beside
    the name (`-dport 8006,pveui`) included. A -dport under an ICMP -p holds ICMP types."""
    if not px.iptables_services.known:
        return False
    keyed = px.iptables_services.get()
    return any(item not in keyed for item in _pve_service_names(r))


def _pve_service_names(r: Mapping[str, object]) -> list[str]:
    """The service names of a rule's -dport and -sport lists (a -dport under an ICMP -p holds
    ICMP types), each of which pve-firewall looks up in its reading of /etc/services."""
    opts = r.get("options")
    if not isinstance(opts, dict):
        return []
    icmp = str(opts.get("proto") or "") in ("icmp", "icmpv6", "ipv6-icmp")
    return [
        item
        for key in ("sport",) + (() if icmp else ("dport",))
        for item in (x.strip() for x in str(opts.get(key) or "").split(","))
        if item and not re.fullmatch(r"[0-9:]+", item, re.A)
    ]


#: A rule's -source/-dest naming an IP set or an alias rather than addresses: pve-firewall
#: parse_address_list takes `+name` as a set and `(dc/|guest/)?$ip_alias_pattern` (`[A-Za-z]
#: [A-Za-z0-9\-\_]+`, the whole value) as an alias, anything else as a list of addresses
#: (github:proxmox/pve-firewall 6f1311f src/PVE/Firewall.pm).
_NAMED_ADDRESS = re.compile(r"\+\S+|(?:dc/|guest/)?[A-Za-z][A-Za-z0-9_-]+", re.A)


def _host_rules_alone(px: ProxmoxHost, nft: bool) -> list[tuple[str, dict[str, object]]]:
    """host.fw's rules (when its firewall is on) that can be read without cluster.fw, in order:
    those before the first rule that names a security group, an IP set or an alias, which only
    cluster.fw defines (host.fw holds [OPTIONS] and [RULES] alone: pve-firewall
    load_hostfw_conf's `$empty_conf = { rules => [], options => {} }`). The daemon applies
    host.fw's rules before cluster.fw's and its policy (enable_host_firewall "add host rules
    first"), so an unrestricted ACCEPT among them opens the node whatever cluster.fw holds
    (R36F-1). A rule past the first such name is not judged: a set or alias DROP may close
    the chain before it. An enabled rule of that shape with errors (an alias cluster.fw was
    not read to define) stops the walk too. Where the daemon refuses its whole update
    (`firewall_update_refused`: pve-firewall's iptables-restore fails, proxmox-firewall's
    update bails, the rules applied before staying), host.fw as written is not in force
    either: none is read (R50F-1)."""
    fw = px.host_firewall
    if px.firewall_update_refused or not fw.known or fw.get().options.get("enable") == "0":
        return []
    out: list[tuple[str, dict[str, object]]] = []
    for r in fw.get().rules:
        if not r["enabled"]:
            continue
        opts = r["options"]
        assert isinstance(opts, dict)
        if r["type"] == "group" or any(
            _NAMED_ADDRESS.fullmatch(str(opts.get(key) or "").strip()) for key in ("source", "dest")
        ):
            break
        if not r.get("errors") and (nft or not r.get("pve_refused")):
            out.append(("host.fw", r))
    return out


def _host_rules(fw: FirewallFile, cluster: FirewallFile) -> list[dict[str, object]]:
    """The rules of cluster.fw's or host.fw's [RULES] that pve-firewall applies to the node, a
    `GROUP name` rule standing for its security group's IN rules (pve-firewall
    enable_host_firewall -> ruleset_add_group_rule -> generate_group_rules: the group's enabled
    IN rules, in order, behind the group rule's `-i`), each then at `line N (group NAME line
    M)`."""
    out: list[dict[str, object]] = []
    for r in fw.effective_rules():
        if r["type"] != "group":
            out.append(r)
            continue
        # the rule's name as written: pve-firewall lower-cases `[group NAME]` headers but not
        # the `GROUP Name` rule (ruleset_add_group_rule `my $group = $rule->{action}`), so
        # `GROUP Lockdown` finds no group and its chain is empty (P15-5)
        name = str(r["action"])
        outer = r["options"]
        assert isinstance(outer, dict)
        for g in cluster.groups.get(name, []):
            inner = g["options"]
            assert isinstance(inner, dict)
            if g["type"] != "in" or not g["enabled"] or g.get("errors"):
                continue
            out.append(
                {
                    **g,
                    "options": {**inner, **({"iface": outer["iface"]} if "iface" in outer else {})},
                    "line": f"{r['line']} (group {name} line {g['line']})",
                }
            )
    return out


#: The -p values pve-firewall applies as every protocol (P15-1): verify_rule checks a protocol
#: only `if ($rule->{proto})` and ipt_rule_to_cmds writes `-p` only `if (my $proto =
#: $rule->{proto})`, so Perl's false "0" writes no protocol match at all; `ip` and `hopopt` are
#: /etc/protocols names of number 0 (pve_fw_verify_protocol_spec takes any first-column name of
#: parse_protocol_file, case-sensitively), and iptables reads protocol 0 as "all" (iptables(8):
#: "The number zero is equivalent to all"; github:proxmox/pve-firewall src/PVE/Firewall.pm).
#: proxmox-firewall (host.fw `nftables: 1`) writes `meta l4proto 0` for them
#: (proxmox-ve-config Protocol::Numeric/Named, proxmox-firewall src/rule.rs), protocol 0 only.
IPTABLES_ALL_PROTOCOLS = frozenset({"ip", "hopopt"})
#: The IANA numbers of the transport protocols that carry ports, as netbase's /etc/protocols
#: lists them (tcp 6, udp 17, dccp 33, sctp 132, udplite 136): pve-firewall takes a rule's -p
#: as a name or a number of that file (Firewall.pm parse_protocol_file keys `byid` by the
#: number as written, pve_fw_verify_protocol_spec accepts either), so `-p 136` is udplite's
#: every port as `-p udplite` is (R39F-1; hvaudit.parse.proxmox_firewall._NETBASE_PROTOCOLS).
_PORT_PROTOCOL_NUMBERS = {"6": "tcp", "17": "udp", "33": "dccp", "132": "sctp", "136": "udplite"}
#: The transport protocols other than TCP that carry ports (names and IANA numbers, as
#: /etc/protocols lists them): a -dport under one of them is not a TCP port.
_OTHER_PORT_PROTOCOLS = frozenset(
    word
    for number, name in _PORT_PROTOCOL_NUMBERS.items()
    if name != "tcp"
    for word in (number, name)
)


def _port_protocol(proto: str) -> str:
    """A -p value's port-bearing protocol name (its IANA number read as the name), else it."""
    return _PORT_PROTOCOL_NUMBERS.get(proto, proto)


#: The aliases netbase's /etc/protocols gives the port-bearing protocols (`tcp 6 TCP`, `udp 17
#: UDP`, `dccp 33 DCCP`, `sctp 132 SCTP`, `udplite 136 UDPLite`; read on a Debian system): nft
#: resolves a `meta l4proto` name with getprotobyname_r (nftables src/nftutils.c
#: nft_getprotobyname, from datatype.c inet_protocol_type_parse), which glibc's files backend
#: matches against each line's name and aliases, case-sensitively.
_NETBASE_PORT_ALIASES = {
    "TCP": "tcp",
    "UDP": "udp",
    "DCCP": "dccp",
    "SCTP": "sctp",
    "UDPLite": "udplite",
}


def _nft_bare_protocol(proto: str) -> str:
    """The port-bearing protocol a -p value names when proxmox-firewall writes it as a bare
    `meta l4proto` match, with no port match, else "". proxmox-ve-config's
    Protocol::from_options (proxmox-ve-rs proxmox-ve-config/src/firewall/types/rule_match.rs)
    reads the ports only under the exact spellings `tcp`|`6`, `udp`|`17`, `dccp`|`33`,
    `sctp`|`132`, `udplite`|`136`; any other value is Protocol::Numeric (Rust's u8 parse: `06`,
    `+6`, `017`) or Protocol::Named (`TCP`, `0x6`), and proxmox-firewall's rule.rs
    (ToNftRules for Protocol) writes those as `meta l4proto <value>` alone, the rule's -dport
    and -sport dropped. nft reads a Named value as a number (strtoumax base 0: `0x6`) or a
    protocol name or alias (`_NETBASE_PORT_ALIASES`)."""
    if proto in _PORT_PROTOCOL_NUMBERS or proto in _PORT_PROTOCOL_NUMBERS.values():
        return ""
    if re.fullmatch(r"\+?[0-9]+", proto, re.A):
        number = int(proto)
    elif re.fullmatch(r"\+?0[xX][0-9A-Fa-f]+", proto, re.A):
        number = int(proto.lstrip("+"), 16)
    else:
        return _NETBASE_PORT_ALIASES.get(proto, "")
    return _PORT_PROTOCOL_NUMBERS.get(str(number), "") if number <= 255 else ""


#: The -p spellings under which proxmox-ve-config reads a rule's -icmp-type
#: (rule_match.rs Protocol::from_options: `icmp`|`1` Icmp::from_options, `ipv6-icmp`|`icmpv6`|
#: `58` Icmpv6::from_options); Tcp, Udp, Sctp, Dccp, UdpLite, Named and Numeric read none.
_NFT_ICMP_SPELLINGS = frozenset({"icmp", "1", "ipv6-icmp", "icmpv6", "58"})


def _nft_ports_dropped(opts: Mapping[str, object], nft: bool) -> tuple[dict[str, object], str]:
    """A rule's options as proxmox-firewall applies them (`nft`): a -p it writes as a bare
    `meta l4proto` match (`_nft_bare_protocol`) is that protocol's every port, whatever the
    rule's -dport and -sport say, and a rule of no -p is every packet (Protocol::from_options
    returns no protocol and reads no port; pve-firewall refuses it: verify_rule "missing
    property - 'dport'/'sport' requires 'proto'"). A -icmp-type is read only under an ICMP
    -p (`_NFT_ICMP_SPELLINGS`): under any other, or none, proxmox-firewall writes no match for
    it (pve-firewall refuses the rule: "missing property - 'icmp-type' requires an icmp
    'proto'", R40F-3); a rule with -dport too is one proxmox-ve-config refuses
    (`FirewallFile.nft_lines`). With why, for the message."""
    if not nft:
        return dict(opts), ""
    raw = str(opts.get("proto") or "")
    ports = [k for k in ("dport", "sport") if k in opts]
    icmp = (
        ["icmp-type"]
        if "icmp-type" in opts and raw not in _NFT_ICMP_SPELLINGS and "dport" not in opts
        else []
    )
    if not raw and (ports or icmp):
        what = {"dport": "port", "sport": "port", "icmp-type": "ICMP type"}
        return {k: v for k, v in opts.items() if k not in ports + icmp}, "".join(
            f" (-{k} {opts[k]} with no -p: proxmox-firewall writes no {what[k]} match for a "
            "rule of no protocol)"
            for k in (ports + icmp)[:1]
        )
    name = _nft_bare_protocol(raw)
    out = {k: v for k, v in opts.items() if k not in icmp and not (name and k in ports)}
    why = "".join(
        f" (-icmp-type {opts[k]}: proxmox-firewall writes no ICMP type match under -p {raw})"
        for k in icmp
    )
    if not name:
        return out, why
    out["proto"] = name
    if not ports and raw.lower() == name:
        # `-p TCP` alone: the protocol's every port, as it reads
        return out, why
    # Protocol::Numeric writes the number it parsed, Protocol::Named the value as written
    written = str(int(raw)) if re.fullmatch(r"\+?[0-9]+", raw, re.A) else raw
    return out, (
        f" (-p {raw}: proxmox-firewall writes `meta l4proto {written}`, {name}, with no port "
        f"match){why}"
    )


def _opens(
    narrowing: set[str],
    proto: str,
    opts: Mapping[str, object],
    names: Mapping[str, int] | None = None,
) -> str | None:
    """What a wide IN rule with these narrowing options admits: every inbound packet, every
    port of one transport protocol (by name or IANA number), or None (something narrower)."""
    if not narrowing:
        return "every inbound packet"
    key = _port_protocol(proto)
    if (
        narrowing <= {"proto", "dport"}
        and key in PORT_PROTOCOLS
        and _pve_ports(str(opts.get("dport") or "0:65535"), names) > 32768
    ):
        return f"every {key} port"
    return None


#: The management ports pve-firewall's `management` IP set guards (pve-firewall.adoc "Standard
#: IP set management"): SSH, the web UI and API, the SPICE proxy and the VNC web consoles.
MGMT_PORTS = ((22, 22), (8006, 8006), (3128, 3128), (5900, 5999))
#: pve-firewall's macros ($pve_fw_macros in src/PVE/Firewall.pm) whose ports include one of
#: MGMT_PORTS: SSH (tcp 22), PMG ("Proxmox Mail Gateway web interface", tcp 8006, the port of
#: Proxmox VE's own web interface and API too), SPICEproxy and Squid (tcp 3128), VNC (tcp
#: 5900:5999). Names match case-insensitively, as pve-firewall's do.
MGMT_MACROS = frozenset({"ssh", "pmg", "spiceproxy", "squid", "vnc"})


def _uplinks(px: ProxmoxHost) -> frozenset[str]:
    """The interfaces /etc/network/interfaces and the files it sources give a default gateway
    (`gateway`, any stanza of the interface; empty when the file was not read)."""
    f = px.interfaces
    if not f.known:
        return frozenset()
    return frozenset(name for name, opts in f.get().ifaces.items() if opts.get("gateway"))


def _unplaced(px: ProxmoxHost, iface: str, addressed: frozenset[str]) -> bool:
    """A rule's `-i` names an interface neither /etc/network/interfaces (read in full) declares
    nor the node reported addresses on: pve-firewall maps an alternative name to its interface
    (enable_host_firewall `$rule->{iface_in} = $interface_mapping->{$iface} // $iface`,
    pve-common PVE::Network altname_mapping: `ip -details -json link show` altnames), so it
    may be the default gateway's interface under another name (L16-8)."""
    if not iface or not px.interfaces.known:
        return False
    return iface not in px.interfaces.get().ifaces and iface not in addressed


def _gateway_question(
    s: Subject, h: Host, px: ProxmoxHost, head: str, maybe: list[str], daemon: str | None = None
) -> Outcome:
    """The question of a `-i` rule that opens the node if its interface has the default
    gateway, which a sourced file that was not read may give it (HVA-301, HVA-313). `daemon`:
    why whether the firewall daemon runs is unknown too; then one question asks both (an
    answer to either alone would settle the check on half of what it needs)."""
    unread = px.interfaces.get().unread if px.interfaces.known else []
    files = ", ".join(path for path, _ in unread[:3]) + (" ..." if len(unread) > 3 else "")
    both = daemon is not None
    if not unread:
        return _altname_question(s, h, px, head, maybe, daemon)
    return manual(
        s,
        f"{head}, but {maybe[0]} accepts every inbound packet if that interface has the "
        f"node's default gateway, which a file /etc/network/interfaces sources may give it: "
        f"{unread[0][0]} was not read ({unread[0][1]})"
        + (
            f"; and whether pve-firewall or proxmox-firewall applies the rules on node {h.name} "
            f"is not in the evidence ({daemon})"
            if both
            else ""
        ),
        *px.cluster_firewall.sources,
        *(px.host_firewall.sources if px.host_firewall.known else ()),
        *px.interfaces.sources,
        *(h.facts.programs.sources if both else ()),
        question=f"Does the node's default route leave through an interface other than the one "
        f"{maybe[0]} names"
        + (
            ", and is pve-firewall (or proxmox-firewall, with host.fw `nftables: 1`) running and "
            f"enabled on node {h.name}"
            if both
            else ""
        )
        + f"? Evidence: `ip route show default` on {h.name} (its `dev`) and the files "
        f"/etc/network/interfaces sources there ({files})"
        + (
            "; `pve-firewall status` and `systemctl is-active pve-firewall proxmox-firewall`, "
            "`systemctl is-enabled pve-firewall proxmox-firewall` there"
            if both
            else ""
        )
        + ". Pass: another interface"
        + (", and the daemon running and enabled" if both else "")
        + "; fail: that interface, so the rule admits every packet from beyond the node's own "
        "networks" + (", or no daemon applies the rules" if both else "") + ".",
    )


def _altname_question(
    s: Subject, h: Host, px: ProxmoxHost, head: str, maybe: list[str], daemon: str | None
) -> Outcome:
    """_gateway_question for a `-i` interface no file declares (`_unplaced`): is it an
    alternative name of the default gateway's interface?"""
    both = daemon is not None
    return manual(
        s,
        f"{head}, but {maybe[0]} accepts every inbound packet if that interface is an "
        "alternative name (altname) of the default gateway's interface, which pve-firewall "
        "maps to it (PVE::Network altname_mapping): /etc/network/interfaces declares no such "
        "interface and the node reported no address on it"
        + (
            f"; and whether pve-firewall or proxmox-firewall applies the rules on node {h.name} "
            f"is not in the evidence ({daemon})"
            if both
            else ""
        ),
        *px.cluster_firewall.sources,
        *(px.host_firewall.sources if px.host_firewall.known else ()),
        *px.interfaces.sources,
        *(h.facts.programs.sources if both else ()),
        question=f"Is the interface {maybe[0]} names other than an altname of the interface "
        f"of the node's default route"
        + (
            f", and is pve-firewall or proxmox-firewall running and enabled on node {h.name}"
            if both
            else ""
        )
        + f"? Evidence: `ip route show default` and `ip -details link show` on {h.name} (the "
        "route's `dev` and its `altname` lines)"
        + ("; `pve-firewall status` there" if both else "")
        + ". Pass: yes, no altname of that interface"
        + (", and the daemon running" if both else "")
        + "; fail: no, an altname of it, so the rule admits every packet from beyond the node's own networks"
        + (", or no daemon applies the rules" if both else "")
        + ".",
    )


_Addr = ipaddress.IPv4Address | ipaddress.IPv6Address


def _own_addresses(h: Host, px: ProxmoxHost) -> dict[_Addr, str]:
    """The node's addresses that every packet for the node may be sent to (address -> where,
    P14-2): those on an interface with the default gateway (`_uplinks`), which every host
    beyond the node's own networks reaches, and, where no file names a gateway (a DHCP
    uplink, a route added by a script), those of the only interface holding the node's
    addresses, as HVA-301 reads `-i` (/etc/network/interfaces `address` lines, with the files
    it sources, and the addresses the node reported)."""
    uplinks = _uplinks(px)
    addrs: dict[str, list[_Addr]] = {}
    for iface, ips in _node_addresses(h, px).items():
        if kept := [ip for ip in ips if not ip.is_link_local]:
            addrs[iface] = kept
    out: dict[_Addr, str] = {}
    for iface, ips in addrs.items():
        if iface in uplinks:
            out.update((ip, f"{iface}, the default gateway's interface") for ip in ips)
        elif not uplinks and len(addrs) == 1:
            out.update((ip, f"{iface}, the only interface with the node's addresses") for ip in ips)
    return out


def _node_addresses(h: Host, px: ProxmoxHost) -> dict[str, list[_Addr]]:
    """Every address of the node but its loopback ones, by interface: /etc/network/interfaces
    `address` lines (with the files it sources), the addresses its `pre-up`/`up`/`post-up`
    commands add (`NetworkInterfaces.command_addresses`, R47E-1: `post-up ip addr add` on a
    guest's bridge passed HVA-308), those of its `address-virtual`/`vrrp` lines
    (`NetworkInterfaces.virtual_addresses`, R47E-4) and the addresses the node reported (`ip
    addr`).
    pve-firewall's PVEFW-HOST-IN accepts `-i lo` first (enable_host_firewall
    `ruleset_addrule($ruleset, $chain, "-i lo", "-j ACCEPT")`)."""
    texts: dict[str, list[str]] = {}
    if px.interfaces.known:
        read = px.interfaces.get()
        for iface, attrs in read.values.items():
            texts.setdefault(iface, []).extend(attrs.get("address", []))
        for iface, added in read.command_addresses().items():
            texts.setdefault(iface, []).extend(added)
        # R47E-4: ifupdown2's address-virtual and vrrp macvlans on the interface
        for iface, added in read.virtual_addresses().items():
            texts.setdefault(iface, []).extend(added)
    if h.facts.addresses.known:
        for iface, reported in h.facts.addresses.get().items():
            texts.setdefault(iface, []).extend(reported)
    addrs: dict[str, list[_Addr]] = {}
    for iface, values in texts.items():
        for text in values:
            try:
                ip = ipaddress.ip_interface(text.strip()).ip
            except ValueError:
                continue
            if not ip.is_loopback:
                addrs.setdefault(iface, []).append(ip)
    return addrs


def _every_address(h: Host, px: ProxmoxHost) -> list[_Addr] | None:
    """Every non-loopback address of the node (`_node_addresses`), None when the node's own
    report of its addresses was not read (a DHCP or script-added address may be missing)."""
    if not h.facts.addresses.known:
        return None
    return [a for ips in _node_addresses(h, px).values() for a in ips]


def _holds(item: str, addr: _Addr, cluster: FirewallFile | None, nft: bool = False) -> bool:
    """Does a rule's -dest element (an address, network, `A-B` range, alias or `+set`) match
    `addr`? A set matches it through an entry that holds it. Its `!` (nomatch) entries differ
    by daemon (P15-2): pve-firewall loads the set into a kernel hash:net ipset, whose lookup
    tries the stored prefixes from the most specific down and stops at the first entry holding
    the address, so the most specific entry decides (ipset(8) hash:net: "the IP addresses
    from 192.168.0/24 except 192.168.0/30 match"; `10.0.0.21` inside `!10.0.0.0/24` matches);
    proxmox-firewall (`nft`) writes `@set` and `!= @set-nomatch` (src/rule.rs: a second set of
    the nomatch entries), so any `!` entry holding it excludes it."""
    text = item.strip()
    if cluster is not None and text.startswith("+"):
        if _set_file(text, cluster, None) is None:
            return False  # the SDN's set, or none: pve-firewall skips the rule (R33P-3)
        name = text[1:].lower().removeprefix("dc/")
        holding = [e for e in cluster.usable(name) if _holds(e.cidr, addr, cluster)]
        if nft:
            return bool(holding) and not any(e.nomatch for e in holding)
        # of entries of the same network (an alias and a literal), generate_ipset_chains keeps
        # the later: `$nethash->{$ver}->{$cidr} = {...}` overwrites (L16-7)
        best = max(
            reversed(holding), key=lambda e: _prefix(_resolve_alias(e.cidr, cluster)), default=None
        )
        return best is not None and not best.nomatch
    if cluster is not None:
        text = _resolve_alias(text, cluster)
    text = net_ip(text)
    try:
        if "-" in text:
            lo, _, hi = text.partition("-")
            a, b = ipaddress.ip_address(lo.strip()), ipaddress.ip_address(hi.strip())
            return a.version == b.version == addr.version and int(a) <= int(addr) <= int(b)
        net = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return net.version == addr.version and addr in net


def _prefix(cidr: str) -> int:
    """The prefix length of an IP set entry (an address: its family's full length)."""
    try:
        return ipaddress.ip_network(cidr.strip(), strict=False).prefixlen
    except ValueError:
        return -1


def _addressed(h: Host) -> frozenset[str]:
    """The interfaces holding the node's global addresses (empty when not read)."""
    f = h.facts.addresses
    return frozenset(i for i, a in f.get().items() if a) if f.known else frozenset()


# the protocols whose rules take -dport / -sport (pve-firewall)
PORT_PROTOCOLS = ("tcp", "udp", "sctp", "dccp", "udplite")


def _take_ports(
    taken: dict[tuple[int, str], list[tuple[int, int]]],
    versions: set[int],
    key: str,
    opts: dict[str, Any],
    names: Mapping[str, int] | None = None,
) -> None:
    """A DROP or REJECT from every source of protocol `key`'s ports (its -dport, else all of
    them): a later ACCEPT of those ports matches no packet of `versions` (first match;
    L18-6P), so they are recorded in `taken` per IP version."""
    dport = str(opts.get("dport") or "")
    for v in versions:
        taken.setdefault((v, key), []).extend(
            _pve_port_intervals(dport, names) if dport else [(0, 65535)]
        )


def _ports_left(
    spec: str, taken: list[tuple[int, int]], names: Mapping[str, int] | None = None
) -> list[tuple[int, int]]:
    """The port intervals of a -dport list (`_pve_port_intervals`; empty: every port) that no
    interval of `taken` (what an earlier DROP or REJECT took) holds."""
    left: list[tuple[int, int]] = []
    for lo, hi in _pve_port_intervals(spec, names) if spec else [(0, 65535)]:
        start = lo
        for a, b in sorted(taken):
            if b < start or a > hi:
                continue
            if a > start:
                left.append((start, a - 1))
            start = max(start, b + 1)
        if start <= hi:
            left.append((start, hi))
    return left


def _pooled_accepts(
    pool: dict[tuple[int, str], list[tuple[str, list[tuple[int, int]]]]],
    reached: set[int],
    key: str,
    spec: str,
    taken: dict[tuple[int, str], list[tuple[int, int]]],
    label: str,
    names: Mapping[str, int] | None = None,
) -> tuple[set[int], str, int] | None:
    """Pool an ACCEPT of ports of transport protocol `key` (its -dport `spec`, less what the
    DROPs before it took) per IP version, and say where the ACCEPTs pooled so far, more than one
    of them, admit more than half of the protocol's ports between them: the IP versions, the
    ACCEPTs' labels and how many ports they admit. Each ACCEPT is read alone
    against the 32768 line (`_opens`), so `-dport 1:32768` and `-dport 32769:65535` in two rules
    passed where one rule of both failed (R37F-1); the host chains' readers pool them
    (hvaudit.parse.firewall `_pooled_ports`, R29F-3): first match, so each port an ACCEPT
    reaches before any DROP of it is admitted, whichever rule admits it."""
    over: set[int] = set()
    shown, most = "", 0
    for v in sorted(reached):
        entries = pool.setdefault((v, key), [])
        entries.append((label, _ports_left(spec, taken.get((v, key), []), names)))
        merged: list[tuple[int, int]] = []
        for lo, hi in sorted(i for _, ivs in entries for i in ivs):
            if merged and lo <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
            else:
                merged.append((lo, hi))
        count = sum(hi - lo + 1 for lo, hi in merged)
        labels = [w for w, ivs in entries if ivs]
        if count > 32768 and len(labels) > 1:
            over.add(v)
            more = f" and {len(labels) - 6} more" if len(labels) > 6 else ""
            shown, most = ", ".join(labels[:6]) + more, max(most, count)
    return (over, shown, most) if over else None


def _pooled_sources(
    pool: list[tuple[str, str, list[_Net]]],
    label: str,
    source: str,
    versions: set[int],
    cluster: FirewallFile,
    fw: FirewallFile | None = None,
    key: str = "",
) -> tuple[str, dict[int, str], str] | None:
    """Pool the -source networks of an IN ACCEPT that restricts nothing else (`key` "") or
    nothing but more than half of transport protocol `key`'s ports (a set's `!` exceptions taken
    out, `_fw_networks`; the IP versions `versions` it still reaches), and say where the
    ACCEPTs pooled so far, more than one of them, admit every inbound packet, or more than half
    of one protocol's ports, from as many public addresses as a /7 (IPv6 /32) together: their
    labels, `_together`'s words per IP version and the protocol ("" for every packet). One
    rule's list is read together (R29P-3), but two rules each of a /8 were read alone, so a node
    and a VM admitting every packet from a /7's worth of sources passed (R37F-2), and so did
    two of every TCP port from a /8 each (R38F-1); the host chains' readers pool both
    (hvaudit.parse.firewall `_Pool.accepted`, R28G-1, and `_Pool.some`, R29F-2): first match,
    so each source an ACCEPT reaches is admitted whichever rule admits it. An ACCEPT of every
    packet counts toward each protocol's pool too: it admits that protocol's ports."""
    held, holes = _fw_networks([x for x in source.split(",") if x.strip()], cluster, fw)
    pool.append((label, key, [n for n in _minus(held, holes) if n.version in versions]))
    # every packet first, then each protocol an ACCEPT of some of its ports named
    for proto in dict.fromkeys(["", *(k for _, k, _ in pool if k)]):
        if key and proto not in ("", key):
            continue
        entries = [(w, nets) for w, k, nets in pool if k in ("", proto)]
        labels = [w for w, nets in entries if nets]
        if len(labels) < 2:
            continue
        out = {}
        for family, bits in ((4, 32 - 7), (6, 128 - IPV6_WIDE_PREFIX)):
            count = _public_addresses(
                [n for _, nets in entries for n in nets if n.version == family]
            )
            if count >= 2**bits:
                out[family] = (
                    f"{_span(count, family)} public IPv{family} addresses together, as many as a "
                    f"/{32 - bits if family == 4 else IPV6_WIDE_PREFIX} network or more"
                )
        if out:
            more = f" and {len(labels) - 6} more" if len(labels) > 6 else ""
            return ", ".join(labels[:6]) + more, out, proto
    return None


#: The management ports of each macro of MGMT_MACROS ($pve_fw_macros: SSH tcp 22, PMG tcp 8006,
#: SPICEproxy and Squid tcp 3128, VNC tcp 5900:5999).
_MACRO_PORTS = {
    "ssh": {22},
    "pmg": {8006},
    "spiceproxy": {3128},
    "squid": {3128},
    "vnc": set(range(5900, 6000)),
}


def _pooled_management(pooled: Mapping[int, list[tuple[str, list[_Net]]]]) -> list[str]:
    """HVA-313's problems where ACCEPTs of a management port from narrow sources each, more than
    one of them, admit it from as many public addresses as a /7 (IPv6 /32) together: one rule's
    list is read together (R29P-3), two rules each of a /8 were read alone and passed (R37F-3;
    the chain is first match, so each source an ACCEPT reaches gets the port). Ports with the
    same rules and count are named once (`22`, `5900-5999`)."""
    found: dict[tuple[tuple[str, ...], str], list[int]] = {}
    for port in sorted(pooled):
        entries = pooled[port]
        labels = tuple(dict.fromkeys(w for w, _ in entries))
        if len(labels) < 2:
            continue
        for family, bits in ((4, 32 - 7), (6, 128 - IPV6_WIDE_PREFIX)):
            count = _public_addresses(
                [n for _, nets in entries for n in nets if n.version == family]
            )
            if count >= 2**bits:
                words = (
                    f"{_span(count, family)} public IPv{family} addresses together, as many as a "
                    f"/{32 - bits if family == 4 else IPV6_WIDE_PREFIX} network or more"
                )
                found.setdefault((labels, words), []).append(port)
                break
    out = []
    for (labels, words), ports in found.items():
        spans: list[list[int]] = []
        for port in ports:
            if spans and port == spans[-1][1] + 1:
                spans[-1][1] = port
            else:
                spans.append([port, port])
        shown = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in spans)
        more = f" and {len(labels) - 6} more" if len(labels) > 6 else ""
        out.append(
            f"{', '.join(labels[:6])}{more} accept management port(s) {shown} from their sources "
            f"({words})"
        )
    return out


def _port_names(px: ProxmoxHost) -> Mapping[str, int] | None:
    """The service names a -dport/-sport resolves to ports from, the node's /etc/services
    where it was read: under proxmox-firewall (host.fw `nftables: 1`) as it reads the file
    (proxmox-ve-config ports.rs NamedPorts; `ProxmoxHost.services`, R45F-1), under
    pve-firewall as iptables gives its names their ports (`ProxmoxHost.iptables_services`,
    R47F-2: netbase's `ssh` may be 2222 there, `http` 8006). Where the file was not read,
    None: no name is known (neither daemon knows a name but the node's file gives it: ports.rs
    NamedPorts::new, Firewall.pm get_etc_services; R47F-1)."""
    nft = px.host_firewall.known and px.host_firewall.get().options.get("nftables") == "1"
    if nft:
        return px.services.get() if px.services.known else None
    if not px.iptables_services.known:
        return None
    return {n: p for n, p in px.iptables_services.get().items() if p is not None}


def _pve_unresolved(spec: str, names: Mapping[str, int] | None) -> list[str]:
    """The elements of a pve-firewall -dport list that name a service hvaudit cannot resolve
    to one port (`_port_names`: the node's /etc/services not read, or giving it more than one
    port)."""
    return [
        part
        for part in (x.strip() for x in spec.split(","))
        if part
        and not re.fullmatch(r"[0-9:]+", part, re.A)
        and _pve_port_interval(part, names) is None
    ]


def _doubted(
    mine: set[int],
    admitted: Iterable[int],
    proto: str,
    closed: Mapping[tuple[int, str], set[int]],
    doubts: Mapping[tuple[int, str], list[tuple[str, list[str], set[int]]]],
) -> str | None:
    """The management ports an ACCEPT from any source admits that a DROP or REJECT before it
    whose -dport names hvaudit cannot resolve may take (`_pve_unresolved`), where those DROPs
    may take every one it leaves in each IP version it admits: a name is one port (a named
    range any interval), the numbers beside the names are taken where the daemon applies the
    rule (R48F-1). None where some management port stays open whatever the names are."""
    versions = list(admitted)
    left_all: set[int] = set()
    for v in versions:
        left = mine - closed.get((v, proto.lower()), set())
        if not left:
            continue
        held = doubts.get((v, proto.lower()), [])
        if not held:
            return None
        if not any(":" in n for _, names, _ in held for n in names):
            beside = set().union(*(ports for _, _, ports in held))
            if len(left - beside) > sum(len(names) for _, names, _ in held):
                return None
        left_all |= left
    if not left_all:
        return None
    return ", ".join(str(p) for p in sorted(left_all))


def _unread(services: Fact[Any]) -> str:
    """Why the node's /etc/services does not give pve-firewall's names: the file was not read,
    or the running daemon read it before its last change (`ProxmoxHost.iptables_services`,
    R48F-2)."""
    if any(src.artefact == command_artefact("services-mtimes") for src in services.sources):
        return f"the file as the running daemon read it is not known ({services.reason})"
    return f"the file was not read ({services.reason})"


def _doubted_question(
    s: Subject,
    h: Host,
    px: ProxmoxHost,
    doubted: Sequence[str],
    doubts: Mapping[tuple[int, str], list[tuple[str, list[str], set[int]]]],
    refs: Sequence[Source],
) -> Outcome:
    """HVA-313's question where a DROP by service name may close what an ACCEPT from any
    source of a management port opens (R48F-1, the team's decision): the names and the
    ports, and why hvaudit cannot resolve them."""
    rules = list(dict.fromkeys(rule for held in doubts.values() for rule, _, _ in held))
    names = list(dict.fromkeys(n for held in doubts.values() for _, ns, _ in held for n in ns))
    listed = ", ".join(rules)
    why = (
        f"the node's /etc/services gives a name ({', '.join(names)}) more than one port: iptables takes "
        "the port of the first line of the rule's protocol"
        if px.iptables_services.known
        else f"the node's own /etc/services gives each name ({', '.join(names)}) its port, and "
        f"pve-firewall refuses the whole rule where it lacks one; {_unread(px.iptables_services)}"
    )
    return manual(
        s,
        f"{'; '.join(doubted)} unless a DROP or REJECT before it by service name takes that "
        f"port ({listed}): " + why,
        *refs,
        question=f"Does /etc/services on node {h.name} give these dropped service names "
        f"({listed}) the ports those ACCEPTs admit ({'; '.join(doubted)})? Evidence: "
        f"`getent services NAME/tcp` on {h.name} for each name. Pass: yes, each such port is "
        "one a name before it gives; fail: no, or a name the file lacks (pve-firewall then "
        "refuses the whole DROP), so the ACCEPT admits the port from any source.",
    )


def _pve_port_interval(part: str, names: Mapping[str, int] | None) -> tuple[int, int] | None:
    """The interval of one -dport/-sport element (`22`, `1000:2000`, a service name, under
    proxmox-firewall `ssh:http` too: a name on either side of a range, port.rs
    PortEntry::from_str), None for a name hvaudit cannot resolve."""
    # /etc/services names match as written: pve-firewall's get_etc_services and
    # proxmox-ve-config's NamedPorts key them case-sensitively, so `SSH` is no port (L16-9);
    # with no file read (`names` None) no name is a port, netbase's `ssh` neither (R47F-1)
    lo, sep, hi = part.partition(":")

    def port(side: str, default: int | None) -> int:
        if not side and default is not None:
            return default
        if names is not None and side in names:
            return names[side]
        return int(side)

    try:
        a = port(lo, 0 if sep else None)
        b = port(hi, 65535) if sep else a
    except ValueError:
        return None
    return (min(a, b), max(a, b))


def _pve_port_intervals(spec: str, names: Mapping[str, int] | None = None) -> list[tuple[int, int]]:
    """The port intervals of a pve-firewall -dport/-sport list (`22,80,1000:2000`; a range
    `a:b`, a service name of /etc/services: `names`, `_port_names`); a name hvaudit does not
    know adds nothing."""
    return [i for part in spec.split(",") if (i := _pve_port_interval(part.strip(), names))]


def _pve_ports(spec: str, names: Mapping[str, int] | None = None) -> int:
    """How many port numbers a pve-firewall -dport list admits (`22,80,1000:2000`; a name
    `names` resolves is its port, another name or a typo counts one)."""
    held: set[tuple[int, int]] = set()
    count = 0
    for part in spec.split(","):
        part = part.strip()
        interval = _pve_port_interval(part, names)
        if interval is None:
            count += 1
            continue
        held.add(interval)
    end = -1
    for a, b in sorted(held):
        if b > end:
            count += b - max(a, end + 1) + 1
            end = b
    return count


@check(
    id="HVA-302",
    title="Node firewall is on",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-19"]},
    remediation="Node > Firewall > Options: remove `enable: 0` from /etc/pve/nodes/<node>/host.fw.",
    platforms=PVE,
)
def node_firewall(ctx: Context) -> Iterator[Outcome]:
    """With the cluster firewall on, a node's own firewall runs unless its host.fw says `enable: 0`,
    and only where pve-firewall (or proxmox-firewall) runs: the daemon compiles host.fw into the
    node's chains every 10 s and removes them when it stops (src/PVE/Service/pve_firewall.pm,
    `shutdown` -> remove_pvefw_chains), so on a node whose processes show neither no node rule
    is in force (R5-13). Where the processes were not read (a copy of /etc/pve, an API scan) the
    files are right but their enforcement was not observed: a pass would sign what nothing
    showed, so it is HVA-301's question, asked here in the same words (one answer settles
    both: `pve-firewall status`). One file not known leaves the other's `enable` off and an
    absent daemon failing, its question joined with the daemon's (`_fw_gap`, R35P-1)."""
    for h in ctx.deployment.hosts:
        s, px = host_subject(h), _px(h)
        if px is None:
            continue
        if not (px.cluster_firewall.known and px.host_firewall.known):
            yield _fw_gap(
                s,
                h,
                px,
                "the node firewall is on",
                (
                    "off: the cluster firewall is off",
                    "host.fw sets enable: 0",
                    "no node rule is applied",
                ),
            )
            continue
        cluster_on = px.cluster_firewall.get().options.get("enable", "0") == "1"
        node_off = px.host_firewall.get().options.get("enable") == "0"
        refs = (*px.cluster_firewall.sources, *px.host_firewall.sources)
        if not cluster_on:
            yield failed(s, "off: the cluster firewall is off", *refs)
        elif node_off:
            yield failed(s, "host.fw sets enable: 0", *refs)
        elif (daemon := _daemon(h, px))[0] == "absent":
            yield failed(
                s,
                f"cluster firewall on and host.fw does not disable it, but {daemon[1]}: "
                "no node rule is applied",
                *refs,
                *h.facts.programs.sources,
            )
        elif daemon[0] == "unknown":
            yield _unenforced(
                s, h, "cluster firewall on and host.fw does not disable it", daemon[1], *refs
            )
        else:
            yield passed(s, "on (cluster firewall on, host.fw does not disable it)", *refs)


@check(
    id="HVA-303",
    title="VM's network interfaces are behind the Proxmox firewall",
    scope="vm",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125b": ["VM-FW-R2", "VM-FW-R3"]},
    remediation="Enable the VM's firewall (VM > Firewall > Options > Firewall: yes) and set "
    "firewall=1 on each network device (qm set <vmid> --net0 ...,firewall=1).",
    platforms=PVE,
    per_vm=True,
)
def vm_firewall(ctx: Context) -> Iterator[Outcome]:
    """Per-VM rules and the MAC/IP filters only apply to NICs with firewall=1 of a VM whose firewall
    is enabled, on a cluster whose firewall is enabled: SP 800-125B's kernel-based virtual firewall,
    managed with the platform (VM-FW-R3). Only where pve-firewall (or proxmox-firewall) runs: it
    applies the VM's rules and removes them when it stops, so on a node whose processes show
    neither, no NIC is behind a firewall (R5-13; hvaudit.parse.proxmox_model
    firewall_daemon). Where the processes were not read, the configuration is right but not
    observed in force: HVA-301's question (the same words), never a pass. A VM firewall whose
    input policy is ACCEPT and whose IN rules drop or reject nothing filters no inbound packet:
    a fail, not a NIC behind a firewall (`_admits_everything`, L16-5). Nor does one whose
    chain reaches an IN ACCEPT that restricts nothing before any rule that drops or rejects,
    whatever the policy after it: the NIC's chain holds the VM's rules in order, first match
    (L17-1). A DROP or REJECT before it closes an IP version only when it drops every address
    of it, and the ACCEPT policy ends the chain as an unrestricted ACCEPT: a DROP of some
    sources or ports leaves the rest to what follows (`_vm_opened`, the host chain's per-version
    reading, L18-7P). An ACCEPT's -dest holding an address of the NIC's IP set
    ipfilter-net<N> (in force with `ipfilter: 1` or the set: the guest sends from nothing
    else) narrows nothing, as a -dest of the node's address does on the node (P14-2;
    `_vm_dest_held`, R25P-3). A NIC without `bridge` is QEMU's user-mode network (`-netdev type=user`, no tap,
    so no firewall bridge and no VM chain): a fail, whatever `firewall=` says (L18-1). One NIC's
    filters not resolved (a subnet in its IP set, proxmox-firewall's filters) no longer end the
    reading: another NIC's fail, and under pve-firewall an input policy that admits everything,
    win over it, and the NICs' questions are asked in one item (R35P-2)."""
    hosts = {h.name: h for h in ctx.deployment.hosts}
    for v in ctx.deployment.vms:
        s, px = vm_subject(v), _px(hosts[v.host])
        if px is None:
            continue
        if not v.interfaces:
            yield not_applicable(s, "no network interface")
            continue
        notes, gaps = [], []
        for i in v.interfaces:
            if i.type == "user":
                # qemu-server gives a NIC without `bridge` `-netdev type=user` and no tap:
                # pve-firewall's VM chains hook the tap's port (tap_plug through pve-bridge),
                # so `firewall=1` filters nothing there (L18-1)
                notes.append(
                    f"{i.source_ref.locator.rpartition(' ')[2]}: no bridge, so QEMU's user-mode "
                    "(NATed) network, which pve-firewall does not filter: the guest reaches "
                    "what the node reaches, as the node, and the node's 127/8"
                )
            elif i.spoofing.known and i.spoofing.get().note.startswith("no filter"):
                notes.append(
                    f"{i.mac or i.source}: {i.spoofing.get().note.removeprefix('no filter: ')}"
                )
            elif not i.spoofing.known:
                gaps.append(i.spoofing)
        refs = [i.source_ref for i in v.interfaces]
        head = f"{len(v.interfaces)} interface(s) behind the VM firewall"
        fw = px.vm_firewalls.get(v.uuid)
        # one NIC's open question no longer ends the VM's reading: another NIC's fail, or an
        # input chain that admits everything, wins over it (R35P-2); the input chain's fails
        # rest on the VM's rules alone, not on the NICs' MAC and IP filters (what the guest
        # sends), so they are judged first under either daemon (R36F-3: asked the filters'
        # question alone, a "yes" passed an IN ACCEPT of every packet)
        if notes:
            yield failed(s, "; ".join(notes), *refs)
        elif px.firewall_unapplied:
            # no rule of pve-firewall in force on the node (R51F-1): no VM chain either
            yield failed(
                s,
                f"{len(v.interfaces)} interface(s) on node {v.host}, where "
                + px.firewall_unapplied,
                *refs,
                *px.cluster_firewall.sources,
            )
        elif fw is not None and _admits_everything(fw, px):
            yield failed(
                s,
                f"the VM firewall's input policy is ACCEPT and no IN rule drops or rejects "
                f"anything: {len(v.interfaces)} interface(s) admit every inbound packet",
                *refs,
            )
        elif fw is not None and (
            opened := [
                o
                for i in v.interfaces
                if (o := _vm_opened(fw, px, i.source_ref.locator.rpartition(" ")[2], mac=i.mac))
            ]
        ):
            # a DROP or REJECT before the ACCEPT took some packets (`IN REJECT -p tcp` before
            # policy ACCEPT): the heading says so, as the interface's words do (R38F-2)
            yield failed(
                s,
                f"{len(opened)} of {len(v.interfaces)} interface(s) admit every inbound "
                + (
                    "packet"
                    if all("accepts every inbound" in o for o in opened)
                    else "packet or every port of a protocol"
                )
                + (
                    " that no earlier rule drops or rejects"
                    if any("no rule before" in o for o in opened)
                    else ""
                )
                + ": "
                + "; ".join(opened),
                *refs,
            )
        elif gaps:
            asks: list[Outcome] = []
            what = "the VM's interfaces are behind the Proxmox firewall"
            settled = next(
                (a for f in gaps if (a := asked_gap(s, f, what, asks)) is not None), None
            )
            # a NIC's filters not resolved (a subnet in its IP set, proxmox-firewall's, a
            # cluster.fw gap) are in force only while the daemon runs: where the processes were
            # not read, its question joins theirs, which alone passed the VM on a "yes" with the
            # daemon never observed (R37S-4, R37S-6: a line proxmox-firewall refuses); only
            # P21D-1's cluster.fw gap asks which daemon runs itself
            daemon = _daemon(hosts[v.host], px)
            why = (
                daemon[1]
                if daemon[0] == "unknown" and not all(DAEMON_ASKED in g.reason for g in gaps)
                else None
            )
            # an ACCEPT whose -dest alone narrows it rests on the VM's rules, not on the NICs'
            # filters: its question joins theirs, which alone passed the VM on a "yes" with the
            # rule never asked (R37S-5, as R36F-3 judges `opened` first)
            guessed = [
                o
                for i in v.interfaces
                if fw is not None
                and (
                    o := _vm_opened(
                        fw, px, i.source_ref.locator.rpartition(" ")[2], True, mac=i.mac
                    )
                )
            ]
            on = f"{len(v.interfaces)} interface(s) with firewall=1" + (
                ", the VM's firewall on" if fw is not None else ""
            )
            if refusable := _vm_refusable(fw, px, v):
                asks.append(_vm_refused_question(s, hosts[v.host], px, refusable, *refs))
            if guessed:
                asks.append(_vm_dest_question(s, hosts[v.host], on, guessed, why, *refs))
            elif why is not None:
                asks.append(_unenforced(s, hosts[v.host], on, why, *refs))
            yield settled if settled is not None else joined_asks(s, asks)
        elif refusable := _vm_refusable(fw, px, v):
            yield _vm_refused_question(s, hosts[v.host], px, refusable, *refs)
        elif fw is not None and (
            guessed := [
                o
                for i in v.interfaces
                if (
                    o := _vm_opened(
                        fw, px, i.source_ref.locator.rpartition(" ")[2], True, mac=i.mac
                    )
                )
            ]
        ):
            daemon = _daemon(hosts[v.host], px)
            yield _vm_dest_question(
                s,
                hosts[v.host],
                head,
                guessed,
                daemon[1] if daemon[0] == "unknown" else None,
                *refs,
            )
        elif (daemon := _daemon(hosts[v.host], px))[0] == "unknown":
            yield _unenforced(s, hosts[v.host], head, daemon[1], *refs)
        else:
            yield passed(s, head, *refs)


def _vm_refusable(fw: FirewallFile | None, px: ProxmoxHost, v: Vm) -> list[str]:
    """What the VM's NICs admit where pve-firewall refuses its DROP and REJECT rules that name
    a service, read only where the node's /etc/services gives pve-firewall's names no port
    (not read, or changed since the daemon started: `ProxmoxHost.iptables_services`): the
    daemon refuses a rule naming a service its reading lacks, the numbers beside the name
    included (github:proxmox/pve-firewall src/PVE/Firewall.pm get_etc_services "unable to
    read", parse_port_name_number_or_range "invalid port"), so the ACCEPT after it may admit
    what hvaudit read the DROP as taking (R48F-3)."""
    nft = px.host_firewall.known and px.host_firewall.get().options.get("nftables") == "1"
    if fw is None or nft or px.iptables_services.known:
        return []
    return [
        o
        for i in v.interfaces
        if (
            o := _vm_opened(
                fw, px, i.source_ref.locator.rpartition(" ")[2], mac=i.mac, refused=True
            )
        )
    ]


def _vm_refused_question(
    s: Subject, h: Host, px: ProxmoxHost, opened: list[str], *refs: Source
) -> Outcome:
    """HVA-303's question where the VM's NICs admit every packet or port of a protocol only
    if pve-firewall refuses its DROP and REJECT rules naming services (`_vm_refusable`)."""
    return manual(
        s,
        "where the node's /etc/services lacks a service name a DROP or REJECT of the VM "
        "names, pve-firewall refuses that rule, and then "
        + "; ".join(opened)
        + f": {_unread(px.iptables_services)}",
        *refs,
        question=f"Does /etc/services on node {h.name}, as pve-firewall last read it, name "
        "every service the VM's DROP and REJECT rules name? Evidence: `getent services "
        f"NAME/PROTO` on {h.name} for each, and the daemon's start (`systemctl show "
        "pve-firewall -p ActiveEnterTimestamp`) after the file's last change. Pass: yes, each "
        "rule is applied; fail: no, the rule is refused and the ACCEPT after it admits what it "
        "would have dropped.",
    )


def _vm_dest_question(
    s: Subject, h: Host, head: str, guessed: list[str], daemon: str | None, *refs: Source
) -> Outcome:
    """HVA-303's question of a VM ACCEPT whose -dest alone narrows it, on a NIC without IP
    filter: open if the -dest holds the address the guest uses (R26P-3). `daemon`: why whether
    the firewall daemon runs is unknown too; then one question asks both."""
    both = daemon is not None
    rules = "; ".join(guessed[:4])
    return manual(
        s,
        f"{head}, unless a rule's -dest holds the guest's address ({rules}): no IP set "
        "ipfilter-net<N> tells the guest's addresses (ipfilter off), so whether it does is not "
        "in the evidence"
        + (
            f"; and whether pve-firewall or proxmox-firewall applies the rules on node {h.name} "
            f"is not in the evidence ({daemon})"
            if both
            else ""
        ),
        *refs,
        *(h.facts.programs.sources if both else ()),
        question=f"Does every -dest of these rules ({rules}) hold none of the addresses the guest "
        "uses"
        + (
            f", and is pve-firewall (or proxmox-firewall, with host.fw `nftables: 1`) running and "
            f"enabled on node {h.name}"
            if both
            else ""
        )
        + "? Evidence: `ip addr` inside the guest (or the QEMU guest agent's "
        "network-get-interfaces)"
        + ("; `pve-firewall status` on the node" if both else "")
        + ". Pass: yes, none of them"
        + (", and the daemon running and enabled" if both else "")
        + "; fail: a -dest holds one, so the rule admits every inbound packet (or every port of "
        "its protocol) to that address"
        + (", or no daemon applies the rules" if both else "")
        + ". Setting `ipfilter: 1` with the guest's addresses in IP set ipfilter-net<N> lets "
        "hvaudit settle it.",
    )


def _admits_everything(fw: FirewallFile, px: ProxmoxHost) -> bool:
    """A VM firewall whose input policy is ACCEPT (qemu-server's default is DROP:
    pve-firewall generate_tap_rules_direction `$policy = $options->{policy_in} || 'DROP'`) and
    whose applied IN rules, its security groups' included, drop or reject nothing: its chain
    ends in ACCEPT after rules that can only accept (L16-5). proxmox-firewall (host.fw
    `nftables: 1`) builds the guest chain the same way, the VM's rules in order and then its
    policy (proxmox-firewall a752659 src/firewall.rs create_guest_chain: `for config_rule in
    config.rules()`, then `generate_verdict(config.default_policy(direction))`; proxmox-ve-rs
    840d1ed guest.rs GUEST_POLICY_IN_DEFAULT `Verdict::Drop`), and applies the rules only
    pve-firewall refuses (`IN drop`: `pve_refused`, P21F-1), so those drop there (R36F-3).
    Under it, a cluster.fw not known (a line the two daemons read otherwise, `_nft_reading`)
    settles nothing: False."""
    if fw.options.get("policy_in", "DROP") != "ACCEPT":
        return False
    nft = px.host_firewall.known and px.host_firewall.get().options.get("nftables") == "1"
    groups = px.cluster_firewall.get().groups if px.cluster_firewall.known else {}
    if not px.cluster_firewall.known and (
        nft or any(r["type"] == "group" for r in fw.effective_rules())
    ):
        return False
    for r in fw.effective_rules():
        inner = groups.get(str(r["action"]), []) if r["type"] == "group" else [r]
        if any(
            g["type"] == "in"
            and g["action"] in ("DROP", "REJECT")
            and (nft or not g.get("pve_refused"))
            for g in inner
            if g["enabled"] and not g.get("errors")
        ):
            return False
    return True


def _vm_opened(
    fw: FirewallFile,
    px: ProxmoxHost,
    netid: str,
    assume: bool = False,
    mac: str | None = None,
    refused: bool = False,
) -> str | None:
    """Where the VM firewall's input chain of NIC `netid` accepts every inbound packet (of an IP
    version) or every port of a protocol (L17-1). `assume`: read an ACCEPT's -dest as the
    guest's own address where no IP set ipfilter-<netid> filters what the guest sends, so the
    evidence does not know its addresses (R26P-3, `_vm_dest_unknown`). pve-firewall ruleset_generate_vm_rules adds
    the VM's rules in order (`next if $rule->{iface} && $rule->{iface} ne $netid`, a rule of
    one IP version only to that version's chain, a `GROUP` rule jumping to its security
    group's rules, ruleset_add_group_rule), then the policy (generate_tap_rules_direction
    `$options->{policy_in} || 'DROP'`); iptables takes the first rule that matches. An IN
    ACCEPT restricting nothing (no option but -log, a /7 (IPv6 /32) or wider -source or -dest:
    `_rule_versions`) admits every inbound packet of each IP version no earlier rule closed,
    and a policy_in ACCEPT ends the chain as such an ACCEPT. A DROP or REJECT closes a version
    only when its -source and -dest hold every address of it and nothing else narrows it; one
    of a transport protocol's ports from every source takes those ports from a later ACCEPT
    of the protocol; a narrower one leaves the rest to the rules after it (the host chain's
    reading, L18-5P/6P; `_rule_versions` with the VM's own sets and aliases first,
    ipt_gen_src_or_dst_match: a set's rule matches each version's packets against that
    version's part of it, L18-7P), a security group's rules with the cluster's alone (R32P-2:
    pve-firewall 6f1311f generate_group_rules passes no VM file). proxmox-firewall applies the
    rules it alone takes (`pve_refused`). ACCEPTs of some ports each that admit more than
    half of a protocol's ports together open it as one would (`_pooled_accepts`, R37F-1).
    `refused`: read a DROP or REJECT naming a service as refused, as pve-firewall refuses it
    where the node's /etc/services lacks the name (`_vm_refusable`, R48F-3)."""
    nft = px.host_firewall.known and px.host_firewall.get().options.get("nftables") == "1"
    names = _port_names(px)
    cluster = px.cluster_firewall.get() if px.cluster_firewall.known else None
    if cluster is None:
        return None
    closed: set[int] = set()
    taken: dict[tuple[int, str], list[tuple[int, int]]] = {}
    partial: set[int] = set()
    pool: dict[tuple[int, str], list[tuple[str, list[tuple[int, int]]]]] = {}
    sources: list[tuple[str, str, list[_Net]]] = []
    rules: list[dict[str, object]] = []
    for r in fw.effective_rules():
        iface = r["options"].get("iface") if isinstance(r["options"], dict) else None
        # proxmox-firewall names the NIC by the digits after `net` (proxmox-ve-config vm.rs
        # index_from_net_key: match_digits, an index below 31), so `net00` is net0; any other
        # -i it cannot resolve skips the rule alone (proxmox-firewall a752659 rule.rs
        # from_config_rule "skipping rule"); pve-firewall compares the name as written
        # (`$rule->{iface} ne $netid`), R47F-4
        if nft and isinstance(iface, str) and re.fullmatch(r"net[0-9]+", iface, re.A):
            iface = f"net{int(iface[3:])}" if int(iface[3:]) < 31 else iface
        if iface and iface != netid and (nft or iface != "0"):
            continue
        if r["type"] == "group":
            rules += [
                {**g, "line": f"{r['line']} (group {r['action']} line {g['line']})", "group": True}
                for g in cluster.groups.get(str(r["action"]), [])
                if g["enabled"] and not g.get("errors")
            ]
        else:
            rules.append(r)
    if fw.options.get("policy_in", "DROP") == "ACCEPT":
        rules.append(
            {"type": "in", "action": "ACCEPT", "macro": None, "options": {}, "line": "policy"}
        )
    for g in rules:
        if (
            g["type"] != "in"
            or ((g.get("pve_refused") or _pve_unknown_name(px, g)) and not nft)
            or (refused and g["action"] != "ACCEPT" and _pve_service_names(g))
            or g["macro"]
        ):
            continue
        version = g.get("ipversion")
        reached = ({version} if isinstance(version, int) else {4, 6}) - closed
        shown = g["options"]
        assert isinstance(shown, dict)
        opts, bare = _nft_ports_dropped(
            {k: v for k, v in shown.items() if nft or k not in perl_false(shown)}, nft
        )
        accept = g["action"] == "ACCEPT"
        narrowing = set(opts) - {"log", "source", "dest", "iface"}
        # the sender chooses its source port: an ACCEPT's -sport narrows nothing (P17-1), a
        # DROP's only when it is not every port
        if "sport" in opts and (accept or _pve_ports(str(opts["sport"]), names) > 65535):
            narrowing.discard("sport")
        if str(opts.get("proto") or "") in IPTABLES_ALL_PROTOCOLS and not nft:
            narrowing.discard("proto")
        if not accept:
            # a DROP or REJECT reached, however narrow: the ACCEPT after it admits what it leaves
            partial |= reached
        # a -dest holding the address the NIC's ipfilter set lets the guest use narrows
        # nothing: the tap's IN chain sees the packets for the guest (R25P-3)
        # a security group's rules name the cluster's sets and aliases alone: pve-firewall
        # generate_group_rules builds one chain for every guest with `ruleset_generate_rule(...,
        # $rule, $cluster_conf)`, no VM file (R32P-2), its -dest too (R33P-1)
        own = None if g.get("group") else fw
        held = (
            _vm_dest_held(str(opts.get("dest") or ""), fw, cluster, netid, own, mac)
            if accept
            else None
        )
        why = ""
        if held is None and assume and accept and (guess := _vm_dest_unknown(opts, fw, netid)):
            reached &= guess[1]
            opts = {k: v for k, v in opts.items() if k != "dest"}
            why = f" (-dest {guess[0]}: if it holds the guest's address)"
        elif held is not None:
            reached &= {held[1].version}
            opts = {k: v for k, v in opts.items() if k != "dest"}
            why = (
                f" (-dest {held[0]}: holds {held[1].network_address if held[1].num_addresses == 1 else held[1]}, "
                + (
                    f"the guest's link-local address, which pve-firewall adds to IP set "
                    f"ipfilter-{netid} from the NIC's MAC)"
                    if mac and held[1] == _link_local(mac)
                    else f"the guest's address in IP set ipfilter-{netid})"
                )
            )
        why += bare
        proto = str(opts.get("proto") or "").lower()
        key = _port_protocol(proto)
        # ACCEPTs of every packet, or of more than half of a protocol's ports (those the DROPs
        # of every source before them left, L18-6P), from some sources each, a /7's worth
        # together (R37F-2, R38F-1)
        some = (
            {
                v
                for v in reached
                if _port_count_left(str(opts.get("dport") or ""), taken.get((v, key), []), names)
                > 32768
            }
            if narrowing
            and key in PORT_PROTOCOLS
            and _opens(narrowing, proto, opts, names) not in (None, "every inbound packet")
            else set()
        )
        together = (
            _pooled_sources(
                sources,
                "line "
                + str(g["line"])
                + " `IN ACCEPT"
                + "".join(
                    f" -{ {'proto': 'p'}.get(k, k) } {shown[k]}"
                    for k in ("proto", "dport", "sport")
                    if k in shown
                )
                + f" -source {shown['source']}`{why}",
                str(opts["source"]),
                some or reached,
                cluster,
                own,
                key=key if narrowing else "",
            )
            if accept and (not narrowing or some) and opts.get("source") and not opts.get("dest")
            else None
        )
        reached &= _rule_versions(opts, reached, cluster, every=not accept, fw=own)
        if not reached and together is not None:
            before = (
                " that no rule before them drops or rejects"
                if set(together[1]) & partial
                else " before any rule drops or rejects"
            )
            opened = f"every {together[2]} port" if together[2] else "every inbound packet"
            return (
                f"{netid}: {together[0]} accept {opened} from their sources "
                f"({'; '.join(together[1].values())}){before}"
            )
        if not reached:
            continue
        if not accept:
            if not narrowing:
                closed |= reached
            elif narrowing <= {"proto", "dport"} and key in PORT_PROTOCOLS:
                _take_ports(taken, reached, key, opts, names)
            continue
        # ACCEPTs of some ports each, more than half of them together (R37F-1)
        pooled = (
            _pooled_accepts(
                pool,
                reached,
                key,
                str(opts.get("dport") or ""),
                taken,
                f"line {g['line']} `IN ACCEPT -p {shown['proto']}"
                + "".join(f" -{k} {shown[k]}" for k in ("dport", "sport") if k in shown)
                + f"`{why}",
                names,
            )
            if "proto" in narrowing and narrowing <= {"proto", "dport"} and key in PORT_PROTOCOLS
            else None
        )
        what = _opens(narrowing, proto, opts, names)
        if what is not None and narrowing:
            # the ports the DROPs before it left: still more than half of them? (L18-6P)
            reached = {
                v
                for v in reached
                if _port_count_left(str(opts.get("dport") or ""), taken.get((v, key), []), names)
                > 32768
            }
            if not reached:
                what = None
        if what is None:
            if pooled is not None:
                family = f"IPv{min(pooled[0])} " if pooled[0] != {4, 6} else ""
                before = (
                    " that no rule before them drops or rejects"
                    if pooled[0] & partial
                    else " before any rule drops or rejects"
                )
                return (
                    f"{netid}: {pooled[1]} accept {family}{pooled[2]} of the 65536 {key} ports "
                    f"between them{before}"
                )
            continue
        family = f"IPv{min(reached)} " if reached != {4, 6} else ""
        before = (
            " that no rule before it drops or rejects"
            if reached & partial
            else " before any rule drops or rejects"
        )
        if g["line"] == "policy":
            return (
                f"{netid}: the input policy ACCEPT accepts every inbound {family}packet no rule "
                "before it drops or rejects"
            )
        # the rule as written; the ports proxmox-firewall drops shown too (R40F-1), and the
        # -i, -source and -dest that narrow nothing, a -dest `why` names left to it (R44F-1:
        # `IN ACCEPT -source 0.0.0.0/0 -p tcp` was quoted `IN ACCEPT -p tcp`)
        text = "IN ACCEPT" + "".join(
            f" -{ {'proto': 'p', 'iface': 'i'}.get(k, k) } {shown[k]}"
            for k in ("iface", "source", "dest", "proto", "dport", "sport", "icmp-type")
            if k in shown
            and (narrowing or bare or k in ("iface", "source", "dest"))
            and (k != "dest" or k in opts)
        )
        if narrowing:
            what = f"every {family}{what.removeprefix('every ')}"
            # the ports it admits where its -dport, or the DROPs before it, left some out, the
            # same count for each IP version it opens (R45F-2: `-dport 1024:65535` was said to
            # accept "every tcp port"; the node's message counts them too, R44F-2)
            counts = {
                v: _port_count_left(str(opts.get("dport") or ""), taken.get((v, key), []), names)
                for v in reached
            }
            if key in PORT_PROTOCOLS and len(set(counts.values())) == 2:
                # the IP versions lost different ports to the DROPs before it (R45F-3)
                what = (
                    f"{counts[4]} of the 65536 IPv4 and {counts[6]} of the 65536 IPv6 {key} ports"
                )
            elif key in PORT_PROTOCOLS and len(set(counts.values())) == 1:
                count = next(iter(counts.values()))
                if count < 65536:
                    what = f"{count} of the 65536 {family}{key} ports"
            return f"{netid}: line {g['line']} `{text}` accepts {what}{before}{why}"
        return (
            f"{netid}: line {g['line']} `{text}` accepts every inbound {family}packet{before}{why}"
        )
    return None


def _vm_dest_unknown(
    opts: Mapping[str, object], fw: FirewallFile, netid: str
) -> tuple[str, set[int]] | None:
    """A VM ACCEPT's -dest and its IP versions where neither `ipfilter: 1` nor an IP set
    ipfilter-<netid> tells the guest's addresses (R26P-3): the guest then sends from any
    address it likes, and the tap's IN chain sees the packets for it, so a -dest holding the
    address the guest uses narrows nothing (R25P-3) and the evidence cannot say whether it
    does. None with ipfilter (`_vm_dest_held` decides) or no -dest."""
    dest = str(opts.get("dest") or "")
    if not dest.strip():
        return None
    if fw.options.get("ipfilter", "0") == "1" or f"ipfilter-{netid}" in fw.ipsets:
        return None
    # an address, network or range is of its own IP version; an IP set or an alias (a name:
    # pve-firewall's $ip_alias_pattern starts with a letter, `dc/`/`guest/` before it) may
    # hold either, the rule's own version (`ipversion`, an alias's) narrowing it in the caller
    # (R33P-5: an IPv6 alias was read as IPv4, so a DROP of every IPv4 source left no question)
    versions: set[int] = set()
    for x in (x.strip() for x in dest.split(",") if x.strip()):
        if x.startswith("+") or not (x[0].isdigit() or ":" in x):
            versions |= {4, 6}
        else:
            versions.add(6 if ":" in x else 4)
    return dest, versions or {4, 6}


def _link_local(mac: str) -> ipaddress.IPv6Network | None:
    """The IPv6 link-local address pve-firewall derives from a NIC's MAC (github:proxmox/
    pve-firewall 6f1311f src/PVE/Firewall.pm mac_to_linklocal: fe80::/64 with the modified
    EUI-64 identifier, the universal/local bit flipped and ff:fe inserted, RFC 4291), as a /128."""
    parts = mac.strip().split(":")
    if len(parts) != 6 or not all(re.fullmatch(r"[0-9A-Fa-f]{2}", p, re.A) for p in parts):
        return None
    octets = [int(p, 16) for p in parts]
    octets[0] ^= 0x02
    eui = [*octets[:3], 0xFF, 0xFE, *octets[3:]]
    groups = ":".join(f"{eui[i]:02x}{eui[i + 1]:02x}" for i in range(0, 8, 2))
    return ipaddress.IPv6Network(f"fe80::{groups}/128")


def _vm_dest_held(
    dest: str,
    fw: FirewallFile,
    cluster: FirewallFile,
    netid: str,
    rule: FirewallFile | None,
    mac: str | None = None,
) -> tuple[str, ipaddress.IPv4Network | ipaddress.IPv6Network] | None:
    """The -dest element of a VM rule and the entry of the NIC's IP set ipfilter-<netid> it
    holds, or None (R25P-3). pve-firewall generate_tap_rules_direction filters the guest's
    source addresses by that set when `ipfilter: 1` is set or the set exists (ruleset_create_
    vm_chain: `-m set ! --match-set <set> src -j DROP` in the OUT chain), so every exchange
    with the guest is to an address of it; a -dest holding one (an address, network, range,
    alias, or IP set) narrows nothing of it. `rule`: the file whose sets and aliases the rule
    names first, the VM's own `fw` for its own rules (ipt_gen_src_or_dst_match), None for a
    security group's, which name the cluster's alone (R33P-1: pve-firewall 6f1311f
    generate_group_rules passes `$cluster_conf` alone; proxmox-firewall a752659
    create_group_chain builds the group's chain with `vmid: None`, so FirewallConfig ipset and
    alias find no guest's). The ipfilter set's own entries resolve in the VM's file. The
    set's `!` entries and entries that are no address are left out. pve-firewall adds the
    NIC's link-local address (from its `mac`) to the set, or to the empty one `ipfilter: 1`
    implies (compile_ipsets `$device_ips->{$netid} = [{ cidr => $linklocal }, ...]`,
    generate_ipset_chains), so the guest sends from it too: a -dest holding it narrows nothing
    of the IPv6 packets to it (R33P-6)."""
    name = f"ipfilter-{netid}"
    if fw.options.get("ipfilter", "0") != "1" and name not in fw.ipsets:
        return None

    def alias(text: str) -> str:
        return _scoped_alias(text, cluster, fw)

    own = [n for e in fw.usable(name) if not e.nomatch and (n := _network(alias(e.cidr)))]
    if mac and (link := _link_local(mac)) is not None:
        own.append(link)

    def nets(item: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        text = item.strip()
        scope, _, bare = text.lstrip("+").rpartition("/")
        if text.startswith("+"):
            if rule is not None and scope in ("", "guest") and bare.lower() in rule.ipsets:
                found = [
                    _network(_scoped_alias(e.cidr, cluster, rule))
                    for e in rule.usable(bare.lower())
                    if not e.nomatch
                ]
            elif scope in ("", "dc"):
                found = [
                    _network(_resolve_alias(e.cidr, cluster))
                    for e in cluster.usable(bare.lower())
                    if not e.nomatch
                ]
            else:
                # `+guest/` with no such set of the rule's file, or `+sdn/`: pve-firewall's
                # own set lookup (ipt_gen_src_or_dst_match `$is_scope`) finds no VM or cluster set
                found = []
            return [n for n in found if n is not None]
        target = _scoped_alias(text, cluster, rule)
        if "-" in target:
            lo, _, hi = target.partition("-")
            try:
                first, last = ipaddress.ip_address(lo.strip()), ipaddress.ip_address(hi.strip())
                return list(ipaddress.summarize_address_range(first, last))
            except (ValueError, TypeError):
                return []
        n = _network(target)
        return [n] if n is not None else []

    for x in (x for x in dest.split(",") if x.strip()):
        for d in nets(x):
            for n in own:
                if n.version == d.version and n.subnet_of(d):  # type: ignore[arg-type]
                    return x.strip(), n
    return None


@check(
    id="HVA-305",
    title="The Proxmox web UI and API admit only designated networks",
    scope="host",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-21"], "sp800-125a-r1": ["HY-SR-20"]},
    remediation='In /etc/default/pveproxy set ALLOW_FROM to the management networks, DENY_FROM="all" '
    'and POLICY="allow", then systemctl restart pveproxy.',
    platforms=PVE,
)
def pveproxy_access(ctx: Context) -> Iterator[Outcome]:
    """pveproxy (port 8006) serves the whole management plane; by default it accepts every source.

    Proxmox VE admin guide, pveproxy "Host based Access Control" (read via `search`): "all" is
    0/0 and ::/0, the default POLICY is allow, and a client matching only ALLOW_FROM is admitted,
    only DENY_FROM denied, neither or both: POLICY decides. So with POLICY allow the admitted
    addresses are ALLOW_FROM plus everything DENY_FROM leaves out; with POLICY deny, ALLOW_FROM
    minus DENY_FROM. PVE::APIServer::Utils read_proxy_config splits the lists on commas and
    parses each entry with Net::IP (an entry it cannot parse stops pveproxy's configuration). The
    file is evaluated by bash, so `#` starts a comment only at a word's start
    (`ALLOW_FROM=a#,b` is `a#,b`: hvaudit.parse.proxmox._bash_uncomment).
    Pass only when, in both address families, what is admitted lies within ALLOW_FROM and
    ALLOW_FROM is not the whole family (ALLOW_FROM="all" or "0.0.0.0/0" designates nothing),
    nor as many public addresses as a /7 (IPv6 /32), HVA-313's wide network (`_is_wide`):
    `0.0.0.0/1` or `2000::/3` designates none either (R25P-2; the private ranges, `_PRIVATE`,
    are a site's own).
    spiceproxy (port 3128) reads the same file and binds the same LISTEN_IP
    (PVE/Service/spiceproxy.pm `read_proxy_config('pveproxy')`), so one verdict is both
    daemons'. A LISTEN_IP address literal narrows the families judged to its own (`_listen_families`:
    an IPv4 address takes no IPv6 client); a loopback one (the reverse-proxy setup) leaves the
    exposure to what forwards to it on the node: a question unless ALLOW_FROM already refuses
    every other address (L19-31P)."""
    for h in ctx.deployment.hosts:
        s, px = host_subject(h), _px(h)
        if px is None:
            continue
        f = px.pveproxy
        if not f.known:
            yield unknown(s, f, "pveproxy admits only the management networks")
            continue
        allow, deny, policy = (
            # bash's blanks only: a \r the parser kept is part of the value (read_proxy_config
            # refuses `allow\r`: `m/^(allow|deny)$/`; P11-3)
            f.get().get(k, "").strip(" \t")
            for k in ("ALLOW_FROM", "DENY_FROM", "POLICY")
        )
        nets_allow, nets_deny = _net_list(allow), _net_list(deny)
        if nets_allow is None or nets_deny is None or policy not in ("", "allow", "deny"):
            yield manual(
                s,
                f"/etc/default/pveproxy: ALLOW_FROM {allow!r}, DENY_FROM {deny!r}, POLICY "
                f"{policy!r} hold a value hvaudit cannot read as pveproxy does",
                *f.sources,
                question="Does pveproxy admit only the management networks? Evidence: "
                "/etc/default/pveproxy and, from an address outside those networks, "
                "`curl -k https://HOST:8006/` (pveproxy answers 403 to a refused client). "
                "Pass: yes, other addresses are refused; fail: they are served.",
            )
            continue
        families, loopback = _listen_families(f.get().get("LISTEN_IP", "").strip(" \t"))
        if not allow and not loopback:
            yield failed(s, "pveproxy accepts connections from any address", *f.sources)
            continue
        gaps = []
        for family, everything in ((4, _ALL4), (6, _ALL6)):
            if family not in families:
                continue  # LISTEN_IP binds the other family's address: none of these connect
            a = [n for n in nets_allow if n.version == family]
            d = [n for n in nets_deny if n.version == family]
            if _covers(a, everything):
                gaps.append(f"ALLOW_FROM {allow} admits every IPv{family} address")
            elif policy != "deny" and not _covers(a + d, everything):
                gaps.append(f"IPv{family} addresses outside ALLOW_FROM and DENY_FROM are admitted")
            elif (public := _public_addresses(_minus(a, d) if policy == "deny" else a)) >= (
                2 ** (32 - 7) if family == 4 else 2 ** (128 - IPV6_WIDE_PREFIX)
            ):
                # as wide as HVA-313's `_is_wide` (a /7, IPv6 /32) in public addresses: no
                # designated network (R25P-2)
                gaps.append(
                    f"ALLOW_FROM {allow} admits {_span(public, family)} public IPv{family} "
                    f"addresses, as many as a /{7 if family == 4 else IPV6_WIDE_PREFIX} network "
                    "or more: no designated network"
                )
        listen = f.get().get("LISTEN_IP", "").strip(" \t")
        if loopback and (gaps or not allow):
            yield manual(
                s,
                f"/etc/default/pveproxy: LISTEN_IP {listen}: pveproxy and spiceproxy listen on "
                "the loopback address only, so who reaches them is decided by what forwards to "
                "them on the node (a reverse proxy)"
                + (f"; ALLOW_FROM and DENY_FROM leave it open ({'; '.join(gaps)})" if gaps else ""),
                *f.sources,
                question=f"Which networks reach the Proxmox VE API through what forwards to "
                f"pveproxy's loopback address {listen} on node {h.name}? Evidence: the reverse "
                "proxy's configuration on the node (`ss -tlnp` for what listens, its allow/deny "
                "or firewall rules) and, from an address outside the management networks, "
                "`curl -k https://HOST/` on its port. Pass: only the management networks; fail: "
                "other addresses are served.",
            )
        elif gaps:
            yield failed(s, "; ".join(gaps), *f.sources)
        else:
            only = f" (LISTEN_IP {listen}: IPv{families[0]} only)" if len(families) == 1 else ""
            yield passed(s, f"ALLOW_FROM {allow}, everything else denied{only}", *f.sources)


def _listen_families(listen: str) -> tuple[tuple[int, ...], bool]:
    """The address families pveproxy (and spiceproxy, which reads the same file: pve-manager
    14a22df3 PVE/Service/spiceproxy.pm init, "we use same ALLOW/DENY/POLICY as pveproxy",
    `read_proxy_config('pveproxy')`) accepts connections of, and whether it listens on loopback
    only. Both bind `create_reusable_socket(8006 or 3128, $proxyconf->{LISTEN_IP})` (pveproxy.pm
    init; pve-common Daemon.pm: `IO::Socket::IP->new(LocalAddr => $host, ...)`): unset binds
    every address of both families; an IPv4 address (0.0.0.0 included) takes IPv4 connections
    only; an IPv6 address other than `::` IPv6 ones only (an IPv4-mapped one, IPv4 ones); `::`
    both. A name or anything else not an address literal: both, not loopback (hvaudit does not
    resolve it)."""
    try:
        addr = ipaddress.ip_address(listen)
    except ValueError:
        return (4, 6), False
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if addr == ipaddress.IPv6Address("::"):
        return (4, 6), False
    return (addr.version,), addr.is_loopback


_ALL4 = ipaddress.ip_network("0.0.0.0/0")
_ALL6 = ipaddress.ip_network("::/0")
_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")
_Net = ipaddress.IPv4Network | ipaddress.IPv6Network


def _net_list(value: str) -> list[_Net] | None:
    """The networks of a pveproxy ALLOW_FROM / DENY_FROM value (comma-separated; "all", prefixes,
    addresses, `a-b` ranges; a short IPv4 prefix such as 0/0 or 10/8 as Net::IP reads it), or None
    when an entry is none of these."""
    nets: list[_Net] = []
    for entry in (e.strip() for e in value.split(",")):
        if not entry:
            continue
        if entry == "all":
            nets += [_ALL4, _ALL6]
            continue
        try:
            if "-" in entry:
                first, last = (ipaddress.ip_address(x.strip()) for x in entry.split("-", 1))
                nets += ipaddress.summarize_address_range(first, last)
                continue
            head, slash, bits = entry.partition("/")
            if slash and ":" not in head and head.count(".") < 3 and digits(head.replace(".", "")):
                head = ".".join([*head.split("."), "0", "0", "0"][:4])
            net = ipaddress.ip_network(f"{head}{slash}{bits}", strict=False)
        except (ValueError, TypeError):
            return None
        if isinstance(net, ipaddress.IPv6Network) and net.subnet_of(_MAPPED):
            # normalize_v4_in_v6: an IPv4-mapped IPv6 entry is read as the IPv4 one
            v4 = ipaddress.IPv4Address(int(net.network_address) & 0xFFFFFFFF)
            net = ipaddress.IPv4Network(f"{v4}/{net.prefixlen - 96}")
        nets.append(net)
    return nets


#: Address space no Internet host is reached from: RFC 1918, RFC 6598 shared (carrier-grade
#: NAT), RFC 4193 unique local; a site's own management networks sit there.
_PRIVATE = tuple(
    ipaddress.ip_network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7")
)


def _minus(nets: list[_Net], holes: list[_Net]) -> list[_Net]:
    """The addresses of `nets` outside every network of `holes` (one family)."""
    out = list(nets)
    for hole in holes:
        kept: list[_Net] = []
        for n in out:
            if n.version != hole.version or not n.overlaps(hole):
                kept.append(n)
            elif not n.subnet_of(hole):  # type: ignore[arg-type]
                kept.extend(n.address_exclude(hole))  # type: ignore[arg-type]
        out = kept
    return out


def _public_addresses(nets: list[_Net]) -> int:
    """How many addresses of these networks (one family) lie outside _PRIVATE (HVA-305, R25P-2):
    pveproxy "Host based Access Control" admits each address an ALLOW_FROM entry holds."""
    public: list[_Net] = list(
        ipaddress.collapse_addresses(_minus(nets, list(_PRIVATE)))  # type: ignore[type-var]
    )
    return sum((n.num_addresses for n in public), 0)


def _span(count: int, family: int) -> str:
    """An address count as a prefix length's worth (`2^25 (a /7)`)."""
    bits = count.bit_length() - 1
    return (
        f"2^{bits} (a /{(32 if family == 4 else 128) - bits})"
        if count == 2**bits
        else (f"over 2^{bits}")
    )


def _covers(nets: list[_Net], everything: _Net) -> bool:
    """Do these networks of one family together cover the whole family?"""
    return list(ipaddress.collapse_addresses(nets)) == [everything]  # type: ignore[type-var]


@check(
    id="HVA-306",
    title="Administrators log in with a second factor",
    scope="host",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-15"]},
    remediation="Datacenter > Permissions > Two Factor: add TOTP, WebAuthn or a YubiKey for every "
    "user holding an administrative role (and root@pam).",
    platforms=PVE,
)
def admin_tfa(ctx: Context) -> Iterator[Outcome]:
    """A Proxmox administrator controls every VM of the cluster; the 2014 draft asks for robust
    multi-factor authentication of such accounts. A user's second factors are the entries of
    /etc/pve/priv/tfa.cfg that Proxmox VE asks for at login (`_second_factor`; user.cfg's keys
    field is only a marker). Administrators are the holders of the built-in administration roles (ADMIN_ROLES) anywhere,
    and of any role holding what makes those administrators (ADMIN_ANYWHERE: a VM or Sys admin
    privilege, Sys.Modify, Sys.PowerMgmt, or Permissions.Modify, which grants its holder any
    role on its path; P14-3), and of any role on `/` with a cluster-administration privilege (ADMIN_PRIVILEGES; a role is
    judged by what it holds, not by its name: PVEUserAdmin's User.Modify resets other users'
    passwords and deletes their second factors, pve-access-control API2/AccessControl.pm
    change_password and API2/TFA.pm delete_tfa; a user.cfg `role:` line only adds to a built-in
    role, `_privileges`), and of a role holding User.Modify, Realm.Allocate or Permissions.Modify
    where pve-access-control checks it below `/` (`/access` propagated, `/access/groups`,
    `/access/realm`: ACCOUNT_ADMIN_PATHS, P13-4: PVEUserAdmin on `/access` deletes any user's
    second factors as it does on `/`). A user of a realm whose domains.cfg entry
    sets `tfa` (type=oath or yubico) has one whether or not user.cfg lists keys:
    pve-access-control's AccessControl.pm user_get_tfa dies "missing required 2nd keys" for such
    a user without keys, so no login of theirs succeeds on the password alone (read with
    `find_string`). Only a `tfa` pve-access-control accepts counts (`_realm_tfa`), in the realm's
    section as SectionConfig reads it (an empty line ends the section). A user of an OpenID
    realm logs in through the identity provider alone: API2/OpenId.pm login assembles the
    ticket from its answer and asks no tfa.cfg entry or realm `tfa` (PVE::Auth::OpenId has no
    such option), so whether that login needs a second factor is the provider's policy, not in
    the evidence: a question, never a pass on a tfa.cfg entry (P14-9). Where the user list may
    be incomplete (R29P-4), the question of the users it leaves out joins the question of the
    administrators named (`_with_unlisted`): asked alone, a "yes" to theirs passed the check
    (R34M-7)."""
    for h in ctx.deployment.hosts:
        s, px = host_subject(h), _px(h)
        if px is None:
            continue
        f = px.users
        if not f.known:
            yield unknown(s, f, "every administrator has a second factor")
            continue
        cfg = f.get()
        admins = {"root@pam"}
        for acl in cfg.acls:
            roles = acl["roles"]
            if any(
                r in ADMIN_ROLES
                or bool(ADMIN_ANYWHERE & (_privileges(r, cfg.roles) or frozenset()))
                or _administers_at(
                    str(acl["path"]), bool(acl["propagate"]), _privileges(r, cfg.roles) or ()
                )
                for r in roles  # type: ignore[attr-defined]
            ):
                for who in acl["who"]:  # type: ignore[attr-defined]
                    admins.update(
                        cfg.groups.get(who[1:], []) if who.startswith("@") else [who.split("!")[0]]
                    )
        now = _collected(ctx)
        enabled = {
            u
            for u in admins
            if cfg.users.get(u, {}).get("enable", "1") == "1"
            and not _expired(cfg.users.get(u, {}), now)
        }
        realms = px.realms.get() if px.realms.known else {}
        # a realm with `tfa` (domains.cfg) refuses its users' logins without a second factor:
        # AccessControl.pm user_get_tfa, `die "missing required 2nd keys\n"` for a user without
        # keys, the realm's TOTP/YubiKey challenge for one with them
        # an OpenID realm's login is the identity provider's: API2/OpenId.pm login assembles
        # the ticket from the provider's answer (assemble_ticket), asking no second factor of
        # Proxmox VE's own (tfa.cfg, a realm `tfa`: PVE::Auth::OpenId has no `tfa` option)
        # (P14-9)
        idp = {u for u in enabled if realms.get(u.rsplit("@", 1)[-1], {}).get("type") == "openid"}
        enforced = {
            u
            for u in enabled - idp
            if _realm_tfa(realms.get(u.rsplit("@", 1)[-1], {}).get("tfa", ""))
        }
        missing, asked, unrealmed = [], [], []
        for u in sorted(enabled - enforced - idp):
            has = _second_factor(u, px.tfa, px.datacenter, cfg.users.get(u, {}).get("tfa_keys", ""))
            if not px.realms.known and (
                has is not True or u.rsplit("@", 1)[-1] not in BUILTIN_REALMS
            ):
                # domains.cfg not known: every realm, pam and pve too, may set `tfa` (PVE::Auth::
                # PAM and PVE::Auth::PVE `options`: `tfa => { optional => 1 }`), which asks a
                # second factor of a user without a tfa.cfg entry (user_get_tfa); a realm other
                # than those two may be an OpenID one, whose login asks no tfa.cfg entry (P14-9).
                # Read as neither, a user without an entry failed and one with an entry passed
                # (R36E-1): only a pam or pve user with an entry is judged (its realm only adds)
                unrealmed.append(u)
                continue
            if has is False and px.users_partial and u not in cfg.users:
                # GET /access/tfa lists the entries of the users GET /access/users lists, no
                # other (pve-access-control API2/TFA.pm list_tfa, R29P-5)
                asked.append(
                    f"{u} (not listed by GET /access/users, nor its GET /access/tfa entries)"
                )
            elif has is False:
                missing.append(u)
            elif isinstance(has, str):
                asked.append(f"{u} ({has})")
        refs = (
            *f.sources,
            *(px.realms.sources if enforced else ()),
            *px.tfa.sources,
        )
        if missing:
            yield failed(s, f"administrators without a second factor: {', '.join(missing)}", *refs)
            continue
        # the named administrators' question and, where the user list may be incomplete, the
        # question of the users it leaves out are asked in one item: the first alone passed on
        # a "yes" with the unlisted users never asked (R34M-7); the realms' question where
        # domains.cfg is not known joins them (R36E-1)
        title = "Administrators log in with a second factor"
        asks: list[Outcome] = []
        if unrealmed and (
            gap := asked_gap(s, px.realms, _realm_tfa_question(s.name, unrealmed), asks)
        ):
            yield gap
            continue
        if asked and not idp:
            named = manual(
                s,
                f"administrators whose second factor is not in the evidence: {'; '.join(asked)}",
                *refs,
                question="Does each of "
                + ", ".join(a.split(" (", 1)[0] for a in asked)
                + " have a second factor Proxmox VE asks for at login? Evidence: `pveum user tfa "
                "list USER` (or GET /access/tfa) for each, and datacenter.cfg `webauthn`/`u2f` "
                "for a WebAuthn or U2F entry. Pass: each has an entry of type totp, yubico or "
                "recovery, or a webauthn/u2f one datacenter.cfg configures, that is not "
                "disabled; fail: any has none, or only disabled ones (proxmox-tfa then asks for "
                "no second factor and the password alone logs in).",
            )
            yield _with_unlisted(joined_asks(s, [*asks, named]), px, title)
        elif asks:
            yield _with_unlisted(joined_asks(s, asks), px, title)
        elif idp:
            named = _idp_question(s, sorted(idp), realms, asked, (*refs, *px.realms.sources))
            yield _with_unlisted(named, px, title)
        else:
            by_realm = (
                f" ({', '.join(sorted(enforced))} by their realm's tfa setting)" if enforced else ""
            )
            yield _users_passed(
                s,
                px,
                title,
                f"{len(enabled)} administrator(s), all with a second factor{by_realm}",
                *refs,
            )


#: The realms pve-access-control always defines, each of its own type whatever domains.cfg says
#: (PVE::Auth::Plugin parse_config "add default domains": `# force type`; parse.proxmox.parse_realms).
BUILTIN_REALMS = ("pam", "pve")


def _realm_tfa_question(node: str, users: Sequence[str]) -> str:
    """HVA-306's question of administrators whose realm domains.cfg, not known, decides whether a
    login asks a second factor (R36E-1): its `tfa`, or its type (OpenID asks no tfa.cfg entry)."""
    return (
        f"does the login of each of {', '.join(users)} on node {node}'s cluster ask a second "
        "factor? Evidence: /etc/pve/domains.cfg (`pveum realm list`): each user's realm, its type "
        "and `tfa`; `pveum user tfa list USER` for each. Pass: the realm sets `tfa` (type=oath or "
        "yubico), or it is no OpenID realm and the user has an enabled totp, yubico, recovery or "
        "configured webauthn/u2f entry, or it is an OpenID realm whose provider refuses a login "
        "without a second factor; fail: any logs in with a password alone."
    )


def _users_passed(s: Subject, px: ProxmoxHost, title: str, message: str, *refs: Source) -> Outcome:
    """An account check's pass, or, where the user list may leave users out (R29P-4:
    `ProxmoxHost.users_partial`), a question: a user, group member or API token the evidence
    lacks is judged by nothing. A fail stays a fail: more users only add."""
    if not px.users_partial:
        return passed(s, message, *refs)
    return manual(
        s,
        f"{message}; the user list may be incomplete: {px.users_partial}",
        *refs,
        question=_unlisted_question(s, title),
    )


def _unlisted_question(s: Subject, title: str) -> str:
    """The question of the users and API tokens a partial user list leaves out (R29P-4)."""
    return (
        f'Does every user and API token of the cluster of node {s.name} meet "{title}"? '
        f"Evidence: `pveum user list --full`, `pveum group list` and `pveum acl list` run as "
        f"root on {s.name} (or /etc/pve/user.cfg and /etc/pve/priv/tfa.cfg). Pass: yes; fail: "
        "any user or token does not."
    )


def _with_unlisted(o: Outcome, px: ProxmoxHost, title: str) -> Outcome:
    """An account check's question `o` of the users it names, joined (joined_asks) with the
    question of the users a partial list leaves out (`_users_passed`'s), where it may: asked
    alone, a "yes" to `o` passed the check with them never asked (R34M-7)."""
    if not px.users_partial:
        return o
    rest = manual(
        o.subject,
        f"the user list may be incomplete: {px.users_partial}",
        *o.evidence,
        question=_unlisted_question(o.subject, title),
    )
    return joined_asks(o.subject, [o, rest])


def _idp_question(
    s: Subject,
    users: list[str],
    realms: Mapping[str, Mapping[str, str]],
    asked: list[str],
    refs: Iterable[Source],
) -> Outcome:
    """HVA-306's question for administrators of OpenID realms, whose second factor is the
    identity provider's (P14-9), with the tfa.cfg question of `asked` where there are both."""
    by_realm: dict[str, list[str]] = {}
    for u in users:
        by_realm.setdefault(u.rsplit("@", 1)[-1], []).append(u)
    names = "; ".join(
        f"realm {r} ({realms.get(r, {}).get('issuer-url') or 'issuer not in the evidence'}): "
        + ", ".join(us)
        for r, us in sorted(by_realm.items())
    )
    head = (
        f"administrators of OpenID realms, whose login Proxmox VE completes without a second "
        f"factor of its own: {names}"
    )
    also = f"; administrators whose second factor is not in the evidence: {'; '.join(asked)}"
    tfa_q = (
        "does each of "
        + ", ".join(a.split(" (", 1)[0] for a in asked)
        + " have a second factor Proxmox VE asks for at login"
    )
    return manual(
        s,
        head + (also if asked else ""),
        *refs,
        question="Does the identity provider of "
        + ", ".join(f"OpenID realm {r}" for r in sorted(by_realm))
        + " require a second factor at every login of "
        + ", ".join(users)
        + (f", and {tfa_q}" if asked else "")
        + "? Evidence: the provider's authentication policy for the realm's client-id "
        "(domains.cfg; the flow or conditional-access policy bound to that client) and the "
        "realm's `acr-values`"
        + (
            "; `pveum user tfa list USER` for the others and datacenter.cfg `webauthn`/`u2f`"
            if asked
            else ""
        )
        + ". Pass: the provider refuses a login without a second factor"
        + (
            " and each other administrator has an enabled totp, yubico, recovery or configured webauthn/u2f entry"
            if asked
            else ""
        )
        + "; fail: a password alone logs in"
        + (", or any other administrator has no enabled entry" if asked else "")
        + " (Proxmox VE's own tfa.cfg entries are never asked at an OpenID login).",
    )


def _second_factor(
    user: str, tfa: Fact[dict[str, Any]], datacenter: Fact[dict[str, str]], marker: str
) -> bool | str:
    """Does a login of `user` need a second factor? True, False, or why the evidence does not
    say. A user's factors are /etc/pve/priv/tfa.cfg's entries (pve-access-control
    AccessControl.pm authenticate_2nd_new_do: `$tfa_cfg->authentication_challenge($username)`,
    no challenge and the password alone logs in); user.cfg's keys field is only the `x` marker
    API2/TFA.pm set_user_tfa_enabled writes when an entry is added (a disabled entry leaves it),
    or old keys that user_get_tfa uses only under a realm `tfa` ("we just ignore them"). proxmox-
    tfa TfaUserData::challenge: a disabled entry asks nothing ("This happens if 2nd factors exist
    but are all disabled": no challenge), a WebAuthn or U2F entry only where that is configured
    (get_webauthn / get_u2f: None without a configuration, which configure_u2f_and_wa takes from
    datacenter.cfg `webauthn`/`u2f` or tfa.cfg keeps), recovery keys always (rust-proxmox-tfa
    4.0.0: "once they're used up, login becomes impossible"; older releases dropped a used-up
    set, so that one is asked). Where datacenter.cfg was not read (or not whole: R30P-1), a
    WebAuthn or U2F entry tfa.cfg's own configuration does not serve is asked, not taken for no
    factor (R30P-6)."""
    dc = datacenter.get() if datacenter.known else None
    if not tfa.known:
        return f"user.cfg marks one; {tfa.reason}" if marker else False
    entry = tfa.get()["users"].get(user)
    if not isinstance(entry, dict):
        return False
    if (
        any(any(entry.get(k) or ()) for k in ("totp", "yubico"))
        or entry.get("recovery") == "unused"
    ):
        return True
    unknown = [str(o) for o in entry.get("other") or ()]
    for kind in ("webauthn", "u2f"):
        if not any(entry.get(kind) or ()):
            continue
        if tfa.get().get(kind) or (dc is not None and _tfa_configured(dc.get(kind, ""), kind)):
            return True
        if dc is None:
            unknown.append(
                f"a {kind} entry, and whether datacenter.cfg configures `{kind}` is not in the "
                f"evidence ({datacenter.reason})"
            )
        elif tfa.get().get(kind) is None:
            unknown.append(
                f"a {kind} entry, datacenter.cfg has no `{kind}` and whether tfa.cfg keeps one "
                "is not in the API's answer"
            )
    if entry.get("recovery") == "used-up":
        unknown.append("recovery keys all used")
    return "; ".join(unknown) if unknown else False


#: The keys of datacenter.cfg `webauthn` and `u2f` (pve-cluster DataCenterConfig.pm
#: $webauthn_format, $u2f_format); a value with another key, or one twice, is refused by
#: parse_property_string and dropped from datacenter.cfg (pve-common parse_config).
_TFA_CONFIG_KEYS = {
    "webauthn": {"rp", "origin", "id", "allow-subdomains"},
    "u2f": {"appid", "origin"},
}


def _tfa_configured(value: str, kind: str) -> bool:
    """datacenter.cfg configures `kind` (webauthn or u2f) with a value pve-cluster keeps."""
    keys = [p.partition("=")[0] for p in value.split(",") if p.strip()]
    return bool(keys) and len(keys) == len(set(keys)) and set(keys) <= _TFA_CONFIG_KEYS[kind]


def _realm_tfa(value: str) -> bool:
    """A domains.cfg `tfa` value pve-access-control accepts (PVE::Auth::Plugin $tfa_format, read
    with parse_property_string: `type` required, yubico or oath; only id, key, url, digits 6-8
    and step >= 10 beside it): SectionConfig refuses any other ("unable to parse value of
    'tfa'"), and the realm then enforces no second factor."""
    keys = [item.split("=", 1)[0].strip() for item in value.split(",") if item.strip()]
    if len(keys) != len(set(keys)):
        return False  # parse_property_string: "duplicate key in comma-separated list property"
    opts = parse_property_string(value)
    if opts.get("type") not in ("yubico", "oath") or not set(opts) <= {
        "type",
        "id",
        "key",
        "url",
        "digits",
        "step",
    }:
        return False
    for key, low, high in (("digits", 6, 8), ("step", 10, None)):
        if key in opts:
            if not re.fullmatch(r"[+-]?\d+", opts[key], re.A):
                return False
            number = int(opts[key])
            if number < low or (high is not None and number > high):
                return False
    return True


@check(
    id="HVA-307",
    title="VM administration is granted per VM or pool, not only cluster-wide",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-13"], "sp800-125a-r1": ["HY-SR-18"]},
    remediation="Grant VM roles on /pool/<pool> or /vms/<vmid> paths (and NoAccess for excluded VMs) "
    "instead of on '/'.",
    platforms=PVE,
)
def granular_acls(ctx: Context) -> Iterator[Outcome]:
    """The 2014 draft's granular access control: permissions on single VMs or groups of VMs, with
    deny for specific VMs. In Proxmox, ACLs on /vms/<id> or /pool/<name> paths. One such ACL is not
    enough: a role that operates VMs (VM.* privileges beyond VM.Audit) granted on `/` or `/vms`
    reaches every VM of the cluster, whatever other principals are granted on single VMs, unless
    its holder's own grants replace it on the way down (AccessControl.pm `roles`: a user's own
    ACL on a node replaces its groups' there, and a node that gives something replaces what came
    from above, so a group's VM role reaches no VM of a member whose own ACL on /vms replaces it;
    L19-32P); on `/pool` it reaches every VM of every pool (pve-access-control RPCEnvironment.pm: a VM in a pool gets the roles
    AccessControl::roles computes for /pool/<pool>, walking `/` and `/pool` first). Full
    administration roles
    (Administrator, PVEAdmin) are the administrators' own and are judged by HVA-306 and HVA-311."""
    for h in ctx.deployment.hosts:
        s, px = host_subject(h), _px(h)
        if px is None:
            continue
        f = px.users
        if not f.known:
            yield unknown(s, f, "VM permissions are granted per VM or pool")
            continue
        cfg = f.get()
        broad = []
        for a in cfg.acls:
            path = str(a["path"])
            if path not in ("/", "/vms", "/pool") or not a["propagate"]:
                continue
            roles = [r for r in a["roles"] if _operates_vms(r, cfg.roles)]  # type: ignore[attr-defined]
            # a VM (or pool) no ACL names gets what the walk leaves each holder there: a group's
            # grant that every member's own ACL on the path or below replaces ("user privs
            # always override group privs"; a deeper node replaces what came from above)
            # reaches no VM through this line (L19-32P); a group without members still counts
            some = f"{'/pool' if path == '/pool' else '/vms'}/{chr(0)}"
            holders = [
                m
                for w in a["who"]  # type: ignore[attr-defined]
                for m in ((cfg.groups.get(w[1:]) or [w]) if w.startswith("@") else [w])
            ]
            roles = [
                r
                for r in roles
                if any(
                    m.startswith("@")
                    or (
                        r in _roles_walk(cfg, m, some)
                        and "NoAccess" not in _roles_walk(cfg, m, some)
                    )
                    for m in holders
                )
            ]
            if roles:
                who = ", ".join(a["who"])  # type: ignore[arg-type]
                broad.append(f"{'/'.join(roles)} for {who} on {path}")
        granular = [a for a in cfg.acls if str(a["path"]).startswith(("/vms/", "/pool/"))]
        if broad:
            yield failed(
                s,
                "VM roles granted cluster-wide: "
                + "; ".join(broad[:8])
                + (
                    f" ({len(granular)} per-VM or pool ACL(s) do not narrow them)"
                    if granular
                    else ""
                ),
                *f.sources,
            )
        elif granular:
            paths = sorted({str(a["path"]) for a in granular})
            yield _users_passed(
                s,
                px,
                "VM administration is granted per VM or pool, not only cluster-wide",
                f"no VM role on '/', '/vms' or '/pool'; {len(granular)} ACL(s) on VM or pool "
                "paths: "
                f"{', '.join(paths[:8])}",
                *f.sources,
            )
        else:
            yield _users_passed(
                s,
                px,
                "VM administration is granted per VM or pool, not only cluster-wide",
                "no VM role is delegated: only administrators operate VMs",
                *f.sources,
            )


@check(
    id="HVA-308",
    title="Live migration is encrypted",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-r1": ["HY-SR-13"]},
    remediation="Set `migration: secure,network=<dedicated migration network>` in datacenter.cfg.",
    platforms=PVE,
)
def migration(ctx: Context) -> Iterator[Outcome]:
    """Proxmox tunnels migration through SSH unless `type=insecure` is set; Rev. 1 HY-SR-13 also
    wants a dedicated network segment. The deprecated `migration_unsecure: 1` (any boolean word:
    parse_config reads it with parse_boolean, H100) still makes migration
    insecure when `migration` sets no type (pve-cluster DataCenterConfig.pm
    `parse_datacenter_config`: "new migration property has precedence"). A `migration` value
    its schema refuses is dropped whole (pve-common JSONSchema.pm parse_config: check_prop's
    errors are warned about and `delete $cfg->{$k}`), so `migration_unsecure`, or the default,
    decides then (`_migration_setting`).

    A VM's `args:` (appended after every option qemu-server builds, so its `-incoming` is the
    one QEMU keeps) can make its QEMU wait for a migration stream at each start, outside the
    SSH tunnel: `-incoming tcp:0.0.0.0:4444` (hvaudit.parse.qemu_args.raw_incoming), judged as
    HVA-036 judges it (hardening.raw_migration_listeners: every address a fail, a passed fd or
    vsock a question; leads13), with its loopback rules (R31D-2): one on 127.0.0.1 or ::1
    beside another VM whose NIC has no bridge (qemu-server print_netdev_full: `-netdev
    type=user`, whose guest reaches the host's loopback, loopback_guests) fails, and so does one
    that another VM's TCP character device of its `args:` dials (chardev_guests); one that a
    device dials by a service name, or whose own port is a name, is a question (/etc/services
    decides, not collected: dials_named_into, R33D-1), and a raw `-incoming unix:PATH` that
    another VM's `args: -chardev socket,path=PATH` client connects to fails (unix_guests,
    R33D-3). The guests not read join that question as they join the pass (unread_peers):
    asked alone, a "yes" passed the node with them never asked (R34M-8). Where datacenter.cfg's
    `migration` is not known, the raw listeners no fail settles are asked with it in one item,
    every remote address among them (no migration network read: R35P-3).

    Without `network=` a cluster sends migration "over the network in which cluster
    communication takes place" (pve-docs pvecm.adoc, "Migration Network": "Setting the
    migration network parameter allows the use of a dedicated network for all migration
    traffic"; pve-cluster src/PVE/SSHInfo.pm get_ssh_info: no CIDR, the target is
    PVE::Cluster::remote_node_ip): not the dedicated segment HY-SR-13 asks for, so a node with
    a corosync.conf read fails, as HVA-036 fails libvirt's migration_address on every address
    and HVA-434 a vMotion adapter on a shared VLAN; a single node (no /etc/pve/corosync.conf)
    has no other node to migrate to and passes as before; one whose corosync.conf was not read
    is asked (R40E-1: every cluster without `network=` passed "migration type secure (default)
    (no dedicated network)"). A `network=` that holds a corosync link address of the cluster's
    nodelist (`_links_in`) is the cluster communication network by another name: a fail
    (R40E-2: `network=10.0.1.0/24` around ring0 10.0.1.21 passed "migration type secure on
    10.0.1.0/24"). So is one whose node address is on the bridge segment a guest's NIC is
    plugged into (`_guests_on_migration`), as HVA-434 fails a VM port group on the vMotion
    VLAN (R44E-1: a VM on vmbr1 beside `network=` around vmbr1's address passed), and one
    whose node address is on the interface of a corosync link, a second subnet of that
    segment (`_links_beside_migration`, R44E-2). Where the node's address in `network=` is in
    no evidence read and a guest may share its segment (a DHCP bridge a guest is plugged into,
    an interfaces file or a file it sources not read), a cluster node is asked where it is
    (`_unseen_migration_address`, R45E-1: such a node passed). A node address on VLAN N
    tagged in one protocol beside guests on VLAN N tagged in the other (802.1ad against 802.1Q,
    `_tag_mismatch`) is asked: the physical switch decides whether they are one segment
    (R52V-3, the team's decision of round 52: it failed)."""
    vms_of: dict[str, list[Vm]] = {}
    for v in ctx.deployment.vms:
        vms_of.setdefault(v.host, []).append(v)
    guests = loopback_guests(ctx.deployment.vms)
    guests6 = loopback_guests(ctx.deployment.vms, version=6)
    dials = chardev_guests(ctx.deployment.vms)
    sockets = unix_guests(ctx.deployment.vms)
    for h in ctx.deployment.hosts:
        s, px = host_subject(h), _px(h)
        if px is None:
            continue
        scope = loopback_scope(h)
        raw = raw_migration_listeners(
            vms_of.get(h.name, []),
            scope,
            guests.get(h.name, []),
            guests6.get(h.name, []),
            dials.get(h.name, []),
            sockets.get(h.name, []),
        )
        f = px.datacenter
        if not f.known:
            if raw.fails:
                yield failed(s, "; ".join(raw.fails), *raw.refs, *raw.scope_refs(scope))
                continue
            # the raw listeners' questions join datacenter.cfg's: asked alone, a "yes" to it
            # passed a VM waiting for a raw stream on an address no migration network was read
            # to hold (R35P-3); with no network read, every remote listener is asked (R34D-2)
            raw.settle_remote(lambda _address: False)
            asks: list[Outcome] = []
            gap = asked_gap(
                s,
                f,
                f"is live migration of type secure on node {h.name}'s cluster, on a dedicated "
                "migration network? Evidence: /etc/pve/datacenter.cfg's `migration:` and "
                "`migration_unsecure:` lines, or `pvesh get /cluster/options` (`migration`) run "
                "as root, and `pvecm status`. Pass: the secure type (the default, both lines "
                "absent; `type=secure` or `secure`; or `migration_unsecure: 0` with no type) "
                "with `network=<CIDR>` set, or a single node (no cluster); fail: `insecure`, "
                "`migration_unsecure: 1` with no type, or a cluster with no `network=` (its "
                "migration crosses the cluster communication network)",
                asks,
            )
            if gap is not None:
                yield gap
                continue
            raw_ask = _raw_listeners_ask(s, h, raw, scope, "", (*raw.refs, *raw.scope_refs(scope)))
            yield unread_peers(
                joined_asks(s, [*asks, *([raw_ask] if raw_ask else [])]),
                h,
                unread_incoming(raw, "args:"),
            )
            continue
        dc = f.get()
        mig, refused = _migration_setting(dc["migration"]) if "migration" in dc else ({}, "")
        dropped = (
            f"; datacenter.cfg `migration: {dc['migration']}` is refused ({refused}) and "
            "dropped by pve-cluster"
            if refused
            else ""
        )
        kind, via = mig.get("type"), "migration"
        if kind is None and "migration_unsecure" in dc:
            kind = "insecure" if pve_boolean(dc["migration_unsecure"]) == "1" else "secure"
            via = "migration_unsecure"
        net = f" on {mig['network']}" if mig.get("network") else " (no dedicated network)"
        raw.settle_remote(functools.partial(in_network, network=mig.get("network")))
        refs = (*f.sources, *raw.refs, *raw.scope_refs(scope))
        # no `network=`: a cluster migrates over its cluster communication network (R40E-1)
        cluster = _in_cluster(px) if not mig.get("network") else False
        # a `network=` that holds the cluster's corosync links is that network still (R40E-2)
        links = _links_in(px, mig["network"]) if mig.get("network") else []
        unlisted = bool(mig.get("network")) and _nodelist_unread(px)
        named = _named_links(px) if mig.get("network") else []
        # a `network=` whose node address is on a bridge a guest's NIC is plugged into is
        # shared with that guest (R44E-1)
        # ... and one beside a guest VLAN of the same id in the other tag protocol is asked
        # (R52V-3)
        guests_on, tag_opens = (
            _guests_on_migration(h, px, mig["network"], vms_of.get(h.name, []))
            if mig.get("network")
            else ([], [])
        )
        # ... and one whose node address shares an interface with a corosync link (R44E-2)
        beside = _links_beside_migration(h, px, mig["network"]) if mig.get("network") else []
        if kind == "insecure" or raw.fails or cluster or links or guests_on or beside:
            insecure = (
                [
                    f"migration type insecure ({via}{dropped}): guest memory crosses the network "
                    "in cleartext"
                ]
                if kind == "insecure"
                else []
            )
            # the cleartext fail says it all where the type is insecure
            shared = (
                [
                    "no dedicated migration network (datacenter.cfg `migration` sets no "
                    f"network=): the cluster migrates over its cluster communication network{dropped}"
                ]
                if cluster and kind != "insecure"
                else []
            )
            if links and kind != "insecure":
                shared.append(
                    f"migration network {mig['network']} is the cluster communication network: "
                    f"it holds corosync link address(es) {', '.join(links)[:200]}"
                )
            if beside and kind != "insecure":
                shared.append(
                    f"migration network {mig['network']} shares the cluster communication "
                    f"segment: {'; '.join(beside)[:300]}"
                )
            if guests_on and kind != "insecure":
                shared.append(
                    f"migration network {mig['network']} is shared with guests: "
                    f"{'; '.join(t for t, _ in guests_on)[:300]}"
                )
            yield failed(
                s,
                "; ".join([*insecure, *shared, *raw.fails]),
                *refs,
                *_cluster_refs(px, cluster or bool(links) or bool(beside)),
                *(px.interfaces.sources if (guests_on or beside) and px.interfaces.known else ()),
                *(src for _, srcs in guests_on for src in srcs),
            )
            continue
        asks = []
        if cluster is None:
            asks.append(
                manual(
                    s,
                    f"migration type secure{' (default)' if kind is None else ''}{net}{dropped}, "
                    f"and node {h.name}'s cluster membership is not known "
                    f"({px.corosync.reason or '/etc/pve/corosync.conf as read names no cluster'})",
                    *refs,
                    *px.corosync.sources,
                    question=_single_node_question(h.name),
                )
            )
        if unlisted:
            # a cluster's corosync.conf read without its nodelist (the API path's GET
            # /cluster/config/nodes unread): the link addresses are not known (R41E-2)
            asks.append(
                manual(
                    s,
                    f"migration type secure{net}{dropped}, and the cluster's corosync link "
                    "addresses are not known (the corosync.conf read has no nodelist)",
                    *refs,
                    *px.corosync.sources,
                    question=_links_question(h.name, mig["network"]),
                )
            )
        if named:
            # a link given as a host name (corosync.conf(5) ringX_addr: "IP or network
            # hostname address") resolves to an address no collector read: it may lie in
            # `network=` (R43E-2)
            asks.append(
                manual(
                    s,
                    f"migration type secure{net}{dropped}, and corosync link address(es) "
                    f"{', '.join(named)[:200]} are host names whose addresses are not known",
                    *refs,
                    *_cluster_refs(px, True),
                    question=_named_links_question(h.name, mig["network"], named),
                )
            )
        unseen = (
            _unseen_migration_address(h, px, mig["network"], vms_of.get(h.name, []))
            if mig.get("network") and _in_cluster(px) is not False
            else []
        )
        if unseen:
            # the node's address in `network=` not in the evidence: a guest may share its
            # segment, which `_guests_on_migration` fails once known (R45E-1); a single node
            # (no corosync.conf) receives no migration
            asks.append(
                manual(
                    s,
                    f"migration type secure{net}{dropped}, and node {h.name}'s address in it "
                    f"is not in the evidence: {'; '.join(unseen)[:400]}",
                    *refs,
                    *(px.interfaces.sources if px.interfaces.known else ()),
                    question=_unseen_question(h.name, mig["network"]),
                )
            )
        if tag_opens:
            # R52V-3 (the team's decision of round 52): an 802.1ad S-VLAN N and an 802.1Q
            # VLAN N on one link are one segment or two as the physical switch treats them
            asks.append(
                manual(
                    s,
                    f"migration type secure{net}{dropped}, and whether the physical network "
                    "keeps the migration VLAN apart from the guests' VLAN of the same id in "
                    f"the other tag protocol is not in the evidence: "
                    f"{'; '.join(t for t, _ in tag_opens)[:400]}",
                    *refs,
                    *(px.interfaces.sources if px.interfaces.known else ()),
                    *(src for _, srcs in tag_opens for src in srcs),
                    question=_tag_protocol_question(h.name, mig["network"]),
                )
            )
        if ask := _raw_listeners_ask(s, h, raw, scope, f"migration type secure{net}; ", refs):
            asks.append(ask)
        if asks:
            # the guests not read may wait for a stream too: their question joins this one
            # (unread_peers), which alone passed on a "yes" with them never asked (R34M-8)
            yield unread_peers(joined_asks(s, asks), h, unread_incoming(raw, "args:"))
        else:
            # the raw `-incoming` judged are those of the guests read (R30D-6): a guest not
            # read may wait for a stream itself, or reach one on 127.0.0.1 or ::1 by user-mode
            # networking (raw.reachable, R31D-2)
            yield unread_peers(
                passed(
                    s,
                    f"migration type secure{' (default)' if kind is None else ''}{net}{dropped}"
                    + "".join(f"; {n}" for n in raw.notes),
                    *refs,
                ),
                h,
                unread_incoming(raw, "args:"),
            )


def _in_cluster(px: ProxmoxHost) -> bool | None:
    """Whether the node is in a cluster: True where a corosync.conf (/etc/pve's or the node's
    own) was read, False where /etc/pve/corosync.conf is known absent (a single node, as
    HVA-309 reads it), None where that is not known (unread, or a copy without it). Without
    datacenter.cfg's `migration: network=`, "Proxmox VE uses the network in which cluster
    communication takes place to send the migration traffic" (pve-docs pvecm.adoc, "Migration
    Network"; pve-cluster src/PVE/SSHInfo.pm get_ssh_info: no network CIDR, the target is
    PVE::Cluster::remote_node_ip), so a cluster's migration shares that segment (R40E-1).
    A file read counts where it names a cluster (`_names_cluster`): the API's rendering of a
    single node's GET /cluster/config/totem may be an empty totem block (pve-cluster
    PVE/Cluster.pm corosync_totem_config starts from `{}`), which is no cluster's."""
    if any(c.known and _names_cluster(c.get()) for c in (px.corosync, px.corosync_local)):
        return True
    if px.corosync.state is FactState.NOT_APPLICABLE and not px.corosync_local.known:
        return False
    return None


def _names_cluster(conf: Mapping[str, object]) -> bool:
    """Whether a parsed corosync.conf names a cluster: a nodelist `node`, or a totem
    `cluster_name` (`pvecm create` writes both: pve-cluster src/PVE/Corosync.pm create_conf)."""
    nodelist, totem = conf.get("nodelist"), conf.get("totem")
    return (isinstance(nodelist, dict) and bool(nodelist.get("node"))) or (
        isinstance(totem, dict) and bool(totem.get("cluster_name"))
    )


def _corosync_links(px: ProxmoxHost) -> list[tuple[str, str]]:
    """Each corosync link address of /etc/pve/corosync.conf (else the node's own file) as
    (ADDRESS, "NODE ringN_addr"): the nodelist's `ringX_addr` keys, corosync.conf(5): "This
    specifies IP or network hostname address of the particular node. X is a link number"."""
    conf = px.corosync if px.corosync.known else px.corosync_local
    if not conf.known:
        return []
    nodelist = conf.get().get("nodelist")
    nodes = [] if not isinstance(nodelist, dict) else nodelist.get("node") or []
    return [
        (value, f"{node.get('name', '?')} {key}")
        for node in (nodes if isinstance(nodes, list) else [nodes])
        if isinstance(node, dict)
        for key, value in sorted(node.items())
        if re.fullmatch(r"ring[0-9]+_addr", key, re.A) and isinstance(value, str)
    ]


def _ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _links_in(px: ProxmoxHost, network: str) -> list[str]:
    """The corosync link addresses (`_corosync_links`) that datacenter.cfg's migration `network`
    holds, as "ADDRESS (NODE ringN_addr)". Such a network is the one "in which cluster
    communication takes place" (pve-docs pvecm.adoc, "Migration Network"), which `network=` is
    there to move migration off (R40E-2). A link address that is a host name is not resolved
    (not collected): `_named_links` names those."""
    try:
        net = ipaddress.ip_network(network, strict=False)
    except ValueError:
        return []
    return [
        f"{value} ({where})"
        for value, where in _corosync_links(px)
        if (addr := _ip(value)) is not None and addr.version == net.version and addr in net
    ]


def _guests_on_migration(
    h: Host, px: ProxmoxHost, network: str, vms: Sequence[Vm]
) -> tuple[list[tuple[str, tuple[Source, ...]]], list[tuple[str, tuple[Source, ...]]]]:
    """The node's addresses in datacenter.cfg's migration `network` whose interface a guest's
    NIC shares, each as (text, the NICs' sources). The node receives a migration on its one
    address in that network (pve-cluster src/PVE/Cluster.pm get_local_migration_ip:
    PVE::Network::get_local_ip_from_cidr), so the interface holding it is the node's end of
    the migration segment. A guest NIC shares it where it is plugged into that bridge
    (qemu-server's and pve-container's `bridge=`) on the bridge's own untagged segment: no
    `tag=` (pve-common src/PVE/Network.pm $bridge_add_interface puts a port with none on a
    VLAN-aware bridge's VLAN 1, `pvid untagged`, which ifupdown2 gives the bridge itself by
    default, with `trunks=` or else every VLAN tagged; a VLAN-unaware bridge refuses `trunks=`
    and moves a tagged port to a bridge of its own, activate_bridge_vlan), or `tag=1` on a
    VLAN-aware one; or, where the address is on a VLAN interface BRIDGE.N, plugged into BRIDGE
    with tag N, N in its trunks, or neither (an untagged port of a VLAN-unaware bridge passes
    tagged frames; of a VLAN-aware one it carries every VLAN). Rev. 1 HY-SR-13 wants the
    segment dedicated at both ends, as HVA-434 fails a VM port group on the vMotion VLAN
    (R44E-1: `network=` on the bridge of a guest passed "migration type secure on CIDR").

    The second list holds the guests on the node's VLAN id whose tag is of the other protocol
    (an 802.1ad S-VLAN N beside the guests' 802.1Q VLAN N, `_tag_mismatch`): whether the
    physical switch keeps them apart is its configuration, so they are asked, neither passed
    nor failed (R52V-3, the team's decision of round 52)."""
    try:
        net = ipaddress.ip_network(network, strict=False)
    except ValueError:
        return [], []
    out: list[tuple[str, tuple[Source, ...]]] = []
    opens: list[tuple[str, tuple[Source, ...]]] = []
    for iface, ips in sorted(_node_addresses(h, px).items()):
        held = [ip for ip in ips if ip.version == net.version and ip in net]
        if not held:
            continue
        nics = _nics_on(px, iface, vms)
        bridge, vid = _vlan_of(px, iface)
        mismatch = (
            _tag_mismatch(px, [_tag_protocol(px, iface)], [], bridge, vid) if nics and vid else ""
        )
        if nics:
            (opens if mismatch else out).append(
                (
                    f"node address {', '.join(map(str, held))} on {iface}{mismatch}, which "
                    f"{', '.join(n for n, _ in nics)} {'is' if len(nics) == 1 else 'are'} "
                    f"plugged into",
                    tuple(src for _, src in nics),
                )
            )
        for how, bridge, through, mismatch in _nics_through_vlan(px, iface, vms):
            (opens if mismatch else out).append(
                (
                    f"node address {', '.join(map(str, held))} on {iface}, {how}{mismatch}, "
                    f"which {', '.join(n for n, _ in through)} "
                    f"{'reaches' if len(through) == 1 else 'reach'} through {bridge}",
                    tuple(src for _, src in through),
                )
            )
    return out, opens


def _tag_protocol(px: ProxmoxHost, dev: str) -> str:
    """The protocol of VLAN device `dev`'s own tag: its stanza's `vlan-protocol` (ifupdown2
    addons/vlan.py: "vlan protocol", default 802.1q, validvals 802.1q and 802.1ad); a VLAN
    device without one, or one a name alone makes, tags 802.1Q."""
    attrs = px.interfaces.get().values.get(dev, {}) if px.interfaces.known else {}
    proto = (attrs.get("vlan-protocol") or [""])[0].strip().lower()
    return "802.1ad" if proto == "802.1ad" else "802.1Q"


def _guest_tag_protocol(px: ProxmoxHost, bridge: str) -> str:
    """The protocol of a guest's `tag=` on `bridge`: a VLAN-aware bridge tags with its
    `bridge-vlan-protocol` (ifupdown2 addons/bridge.py: "bridge vlan protocol", default
    802.1q, validvals 802.1q and 802.1ad); on a VLAN-unaware one Proxmox VE adds a VLAN device
    with no protocol (pve-common src/PVE/Network.pm activate_bridge_vlan_slave: `ip link add
    link IFACE name IFACE.TAG type vlan id TAG`), 802.1Q."""
    attrs = px.interfaces.get().values.get(bridge, {}) if px.interfaces.known else {}
    aware = (attrs.get("bridge-vlan-aware") or [""])[0].strip().lower()
    proto = (attrs.get("bridge-vlan-protocol") or [""])[0].strip().lower()
    return "802.1ad" if aware in IFUPDOWN_TRUE and proto == "802.1ad" else "802.1Q"


def _tag_mismatch(
    px: ProxmoxHost, protos: list[str], pprotos: list[str], bridge: str, vid: str
) -> str:
    """Where the node's VLAN stack (tag protocols `protos`, outer first) meets a guest bridge's
    port stack (`pprotos`) and the guests' `tag=` `vid` on `bridge` with a tag of another
    protocol at the same level: the text naming both (", tagged 802.1ad VLAN 30 where the
    guests' tag is 802.1Q VLAN 30"), else "". An 802.1ad tag (TPID 0x88a8) and an 802.1Q tag
    (0x8100) of one id are one segment or two as the physical switch treats them (R52V-3)."""
    for i, (mine, theirs) in enumerate(zip(protos, pprotos, strict=False)):
        if mine != theirs:
            return f", tagged {mine} at level {i + 1} where the guest bridge's port tags {theirs}"
    if vid and len(protos) > len(pprotos):
        mine, theirs = protos[len(pprotos)], _guest_tag_protocol(px, bridge)
        if mine != theirs:
            return f", tagged {mine} VLAN {vid} where the guests' tag is {theirs} VLAN {vid}"
    return ""


def _nics_through_vlan(
    px: ProxmoxHost, iface: str, vms: Sequence[Vm]
) -> list[tuple[str, str, list[tuple[str, Source]], str]]:
    """The guest NICs that reach the node's interface `iface` over a VLAN of another device,
    as (how, the guests' bridge, the NICs): `iface` is VLAN N of DEVICE (`_vlan_of`), or a
    bridge with such a port (`bridge-ports bond0.50`), and DEVICE is a port of another bridge
    (or that bridge itself) whose guests are on VLAN N by `_nics_on`'s BRIDGE.N rule. A VLAN
    device's frames leave its raw device tagged N (ifupdown2 addons/vlan.py creates DEVICE.N
    as a VLAN of `vlan-raw-device`; iproute2 `ip link add link DEVICE name NAME type vlan id
    N`), where a VLAN-aware bridge with DEVICE as its port sends a guest's `tag=N` frames too
    (pve-common src/PVE/Network.pm $bridge_add_interface, `bridge vlan add ... vid N pvid
    untagged` on the guest's tap, N egressing tagged on the uplink): one external VLAN, so
    the migration segment is the guests' (R48E-3: `_nics_on` looked at the address's own
    bridge or BRIDGE.N only). The fourth item names a tag of the other protocol where the
    stacks meet (`_tag_mismatch`, R52V-3), "" where they agree."""
    if not px.interfaces.known:
        return []
    values = px.interfaces.get().values

    def ports(name: str) -> list[str]:
        return " ".join((values.get(name) or {}).get("bridge-ports") or []).split()

    def stack(dev: str) -> tuple[str, list[str], list[str]]:
        """(the device under `dev`'s VLANs, their ids outer first, their tag protocols outer
        first): R51V-2, a VLAN of a VLAN (ifupdown2 addons/vlan.py
        _get_vlan_raw_device_from_ifacename: "Returns eth0.100 for ifname eth0.100.200")
        leaves its raw device tagged with its own id inside the raw device's, as linux
        net/8021q/vlan_dev.c vlan_dev_hard_start_xmit tags a frame and hands it to `real_dev`."""
        tags: list[str] = []
        protocols: list[str] = []
        seen: set[str] = set()
        while dev not in seen:
            seen.add(dev)
            under, vid = _vlan_of(px, dev)
            if not vid:
                break
            tags.insert(0, vid)
            protocols.insert(0, _tag_protocol(px, dev))
            dev = under
        return dev, tags, protocols

    def links(dev: str) -> set[str]:
        """`dev` and the devices it sends through as a bond (`bond-slaves`, or its alias
        `bond-ports`: ifupdown2 addons/bond.py get_bond_slaves), nested bonds followed."""
        out, todo = set(), [dev]
        while todo:
            d = todo.pop()
            if d not in out:
                out.add(d)
                attrs = values.get(d) or {}
                todo += " ".join(attrs.get("bond-slaves", []) + attrs.get("bond-ports", [])).split()
        return out

    def tagged(vids: list[str], raw: str) -> str:
        return " in ".join(f"VLAN {v}" for v in reversed(vids)) + f" of {raw}"

    # (how, the device under the VLANs, their ids outer first, their tag protocols)
    entries: list[tuple[str, str, list[str], list[str]]] = []
    raw, vid = _vlan_of(px, iface)
    # a VLAN of a bridge (BRIDGE.N) is `_nics_on`'s own rule
    if vid and not ports(raw):
        under, vids, vprotos = stack(iface)
        entries.append((tagged(vids, under), under, vids, vprotos))
    for p in ports(iface):
        under, vids, vprotos = stack(p)
        if vids:
            entries.append((f"whose port {p} is {tagged(vids, under)}", under, vids, vprotos))
    # R48E-4: a device a stanza's command creates on another (`ip link add link vmbr1 name mig
    # type macvlan`, `... type vlan id 30`)
    if made := px.interfaces.get().command_links().get(iface):
        link, lvid, kind = made
        article = "an" if kind[:1] in ("a", "e", "i", "o", "u") else "a"
        under, vids, lprotos = stack(link)
        vids = vids + ([lvid] if lvid else [])
        how = f"{article} {kind} of {link}" + (f" on VLAN {lvid}" if lvid else "")
        # the command's own tag: `ip link add ... type vlan` tags 802.1Q unless `protocol`
        # says otherwise, which command_links does not record (a lead of round 52)
        entries.append((how, under, vids, lprotos + (["802.1Q"] if lvid else [])))
    out: list[tuple[str, str, list[tuple[str, Source]], str]] = []
    for how, under, vids, vprotos in entries:
        # the bridge `under` itself, and each bridge whose port sends through a device sharing
        # a link with `under` (R51V-2: eno1.30 where eno1 is a slave of bond0, vmbr0's port),
        # the port's own VLANs a prefix of these (a guest on VLAN 30 takes frames of VLAN 40
        # in VLAN 30 in, inner tag and all)
        reach: list[tuple[str, list[str], str, list[str]]] = (
            [(under, [], "", [])] if ports(under) else []
        )
        for b in sorted(values) if vids else []:
            for p in ports(b) if b not in (iface, under) else []:
                pdev, pvids, pprotos = stack(p)
                if links(pdev) & links(under):
                    via = (
                        ""
                        if pdev == under
                        else f" (a link of {pdev})"
                        if under in links(pdev)
                        else f" (sharing a link with {pdev})"
                    )
                    reach.append((b, pvids, via, pprotos))
        for b, pvids, via, pprotos in reach:
            if vids[: len(pvids)] != pvids:
                continue
            rest = vids[len(pvids) :]
            nics = _nics_on(px, f"{b}.{rest[0]}" if rest else b, vms)
            if nics and not any(o[:2] == (how + via, b) for o in out):
                mismatch = _tag_mismatch(px, vprotos, pprotos, b, rest[0] if rest else "")
                out.append((how + via, b, nics, mismatch))
    return out


def _unseen_migration_address(
    h: Host, px: ProxmoxHost, network: str, vms: Sequence[Vm]
) -> list[str]:
    """Where the node's address in datacenter.cfg's migration `network` may be, on a segment a
    guest's NIC shares, that the evidence does not show: none of the node's addresses read
    (`_node_addresses`) is in it and the node's own report of them (`ip -j addr`) was not
    read, while /etc/network/interfaces was not read, a file it sources was not, or an
    interface a guest's NIC is on (`_nics_on`) takes a leased address (interfaces(5): the
    `dhcp` method of inet and inet6, inet6's `auto`, SLAAC). The node receives a migration on
    the address `ip address show to CIDR up` lists (pve-common src/PVE/Network.pm
    get_local_ip_from_cidr, called by pve-cluster src/PVE/Cluster.pm get_local_migration_ip),
    which `_guests_on_migration` judges once known (R45E-1: a guest on DHCP bridge vmbr1, or
    on a bridge of an unread interfaces file, passed "migration type secure on CIDR"). A node
    whose every address was read and none is in `network` takes no migration ("could not get
    migration ip: no IP address configured on local node"), and nothing is asked."""
    try:
        net = ipaddress.ip_network(network, strict=False)
    except ValueError:
        return []
    held = [
        ip for ips in _node_addresses(h, px).values() for ip in ips if ip.version == net.version
    ]
    if h.facts.addresses.known or any(ip in net for ip in held):
        return []
    guests = [
        f"VM {v.name} {i.source_ref.locator.rpartition(' ')[2]} on {i.source}"
        for v in vms
        for i in v.interfaces
        if i.type == "bridge" and i.source
    ] + [f"container {c.name} {key} on {on}" for c in px.containers for key, on, _, _ in c.nics]
    if not guests:
        return []
    if not px.interfaces.known:
        return [
            f"/etc/network/interfaces is not in the evidence ({px.interfaces.reason}), and "
            f"{', '.join(guests)[:200]} {'is' if len(guests) == 1 else 'are'} on the node's "
            "bridges"
        ]
    read = px.interfaces.get()
    family = "inet" if net.version == 4 else "inet6"
    leased = ("dhcp",) if net.version == 4 else ("dhcp", "auto")
    out = []
    for iface, attrs in sorted(read.values.items()):
        methods = [m.split() for m in attrs.get("method", [])]
        how = [" ".join(m[:2]) for m in methods if m[:1] == [family] and m[1:2] and m[1] in leased]
        if not how:
            continue
        if nics := _nics_on(px, iface, vms):
            out.append(
                f"{iface} takes a leased address (`iface {iface} {how[0]}`), and "
                f"{', '.join(n for n, _ in nics)} {'is' if len(nics) == 1 else 'are'} "
                "plugged into it"
            )
        # R48E-5: a leased address on a VLAN of a guest bridge's port (`_nics_through_vlan`)
        out.extend(
            f"{iface} takes a leased address (`iface {iface} {how[0]}`), {via}, and "
            f"{', '.join(n for n, _ in through)} {'reaches' if len(through) == 1 else 'reach'} "
            f"it through {bridge}"
            for via, bridge, through, _ in _nics_through_vlan(px, iface, vms)
        )
    if files := [file for file, _ in read.unread]:
        out.append(
            f"sourced file(s) {', '.join(files)[:120]} not read, and "
            f"{', '.join(guests)[:200]} {'is' if len(guests) == 1 else 'are'} on the node's "
            "bridges"
        )
    return out


def _tag_protocol_question(node: str, network: str) -> str:
    """The question of a migration VLAN beside a guest VLAN of the same id tagged in the other
    protocol (R52V-3)."""
    return (
        f"Does the physical network keep node {node}'s migration traffic ({network}, datacenter."
        "cfg `migration: network=`) apart from the guests' VLAN of the same id in the other tag "
        "protocol (802.1ad, TPID 0x88a8, against 802.1Q, TPID 0x8100)? Evidence: the "
        "configuration of the physical switch ports the node's links connect to (the tag "
        "protocol each accepts and the VLANs each carries, a QinQ tunnel port's outer VLAN). "
        "Pass: the switch carries the two as separate segments, or drops one of them; fail: it "
        "forwards both into the one VLAN."
    )


def _unseen_question(node: str, network: str) -> str:
    """The question of a migration address the evidence does not show (R45E-1)."""
    return (
        f"Is node {node}'s address in the migration network {network} (datacenter.cfg "
        "`migration: network=`) on an interface whose segment no guest NIC is plugged into? "
        f"Evidence: `ip address show to {network} up` on node {node} "
        "(the address Proxmox VE receives a migration on) with /etc/network/interfaces, and "
        "each guest's `netN` `bridge=` and `tag=`/`trunks=` (`qm config VMID`, `pct config "
        "CTID`). Pass: yes, the address is on an interface no guest NIC shares (no untagged NIC on "
        "its bridge, none on its VLAN), or the node has no address in it (a migration to it "
        'fails: "could not get migration ip"); fail: a guest NIC is plugged into that '
        "interface's segment."
    )


def _nics_on(px: ProxmoxHost, iface: str, vms: Sequence[Vm]) -> list[tuple[str, Source]]:
    """The guest NICs on the segment of the node's interface `iface`, as (NIC, its source):
    `_guests_on_migration`'s rule (the bridge's untagged segment, or a VLAN interface's VLAN
    on its raw device, `_vlan_of`)."""
    bridge, vlan = _vlan_of(px, iface)
    # (NIC, on the bridge's untagged segment, its VLAN ids, source)
    plugged = [
        (
            f"VM {v.name} {i.source_ref.locator.rpartition(' ')[2]}",
            not i.vlan_tags or i.vlan_untagged == 1,
            i.vlan_tags,
            i.source_ref,
        )
        for v in vms
        for i in v.interfaces
        if i.type == "bridge" and i.source == bridge
    ] + [
        (
            f"container {c.name} {key}",
            tag is None,
            (*([tag] if tag is not None else []), *trunks),
            Source(c.source.artefact, key),
        )
        for c in px.containers
        for key, on, tag, trunks in c.nics
        if on == bridge
    ]
    return [
        (what, ref)
        for what, untagged, tags, ref in plugged
        if (untagged if not vlan else not tags or int(vlan) in tags)
    ]


def _vlan_of(px: ProxmoxHost, iface: str) -> tuple[str, str]:
    """(the device, the VLAN id) of a VLAN interface, else (iface, ""): a stanza with
    `vlan-raw-device DEVICE`, its id from `vlan-id`, else the name's digits after `vlan`
    (ifupdown2 addons/vlan.py _get_vlan_id: `vlan-id` first, then the name after `.` or
    `vlan`; vlan-interfaces(5): "iface vlan1 inet static / vlan-raw-device eth0"), or a name
    `DEVICE.N` (R44E-3: `iface vlan50` on vmbr0 beside a guest on tag 50 passed)."""
    attrs = px.interfaces.get().values.get(iface, {}) if px.interfaces.known else {}
    raw = (attrs.get("vlan-raw-device") or [""])[0].strip()
    if raw:
        vid = (attrs.get("vlan-id") or [""])[0].strip() or iface.removeprefix("vlan")
        if vid.isascii() and vid.isdigit():
            return raw, str(int(vid))
    device, dot, vlan = iface.rpartition(".")
    if dot and vlan.isascii() and vlan.isdigit():
        return device, str(int(vlan))
    return iface, ""


def _links_beside_migration(h: Host, px: ProxmoxHost, network: str) -> list[str]:
    """The node's addresses in datacenter.cfg's migration `network` on an interface that holds
    a corosync link address too (`_corosync_links`), as "node address A on IFACE, which holds
    corosync link address L (NODE ringN_addr)". The node receives a migration on its address
    in that network (pve-cluster src/PVE/Cluster.pm get_local_migration_ip), so a second
    subnet on the interface of a corosync link carries migration over the segment "in which
    cluster communication takes place" (pve-docs pvecm.adoc, "Migration Network"), which
    `network=` is there to move it off, whatever its prefix (R44E-2: vmbr1 holding ring0
    10.0.1.21 and 10.0.2.21 passed `network=10.0.2.0/24`). A VLAN interface (vmbr1.50) is an
    interface of its own."""
    try:
        net = ipaddress.ip_network(network, strict=False)
    except ValueError:
        return []
    links = [
        (ip, f"{value} ({where})") for value, where in _corosync_links(px) if (ip := _ip(value))
    ]
    out = []
    for iface, ips in sorted(_node_addresses(h, px).items()):
        held = sorted({ip for ip in ips if ip.version == net.version and ip in net}, key=str)
        there = [
            text
            for ip, text in links
            if ip in ips and not (ip.version == net.version and ip in net)
        ]
        if held and there:
            out.append(
                f"node address {', '.join(map(str, held))} on {iface}, which holds corosync "
                f"link address {', '.join(there)}"
            )
    return out


def _named_links(px: ProxmoxHost) -> list[str]:
    """The corosync link addresses (`_corosync_links`) that are host names, not IP addresses, as
    "NAME (NODE ringN_addr)": a name resolves on the node to an address no collector reads, so
    whether `network=` holds it is not known (R43E-2)."""
    return [f"{value} ({where})" for value, where in _corosync_links(px) if _ip(value) is None]


def _named_links_question(node: str, network: str, named: list[str]) -> str:
    """The question of a migration network beside corosync links given as host names."""
    return (
        f"Does the migration network {network} (datacenter.cfg `migration: network=`) hold none "
        f"of the addresses of the corosync links given as host names "
        f"({', '.join(named)[:200]})? Evidence: the address each name resolves to on node "
        f"{node} (`getent ahosts NAME` as root, as corosync resolves it). Pass: yes, every "
        "one is outside it; fail: one is in it, and migration crosses the cluster "
        "communication network."
    )


def _cluster_refs(px: ProxmoxHost, cluster: bool | None) -> tuple[Source, ...]:
    """The corosync.conf sources that show the node in a cluster (R40E-1's fail)."""
    if not cluster:
        return ()
    return px.corosync.sources if px.corosync.known else px.corosync_local.sources


def _nodelist_unread(px: ProxmoxHost) -> bool:
    """Whether the corosync.conf `_links_in` reads names a cluster (`_names_cluster`) but lists
    no node: `pvecm create` writes the nodelist with the totem block (pve-cluster
    src/PVE/Corosync.pm create_conf), so the file was read without it (the API path's
    rendering where GET /cluster/config/nodes failed), and its link addresses are not known."""
    conf = px.corosync if px.corosync.known else px.corosync_local
    if not conf.known or not _names_cluster(conf.get()):
        return False
    nodelist = conf.get().get("nodelist")
    return not (isinstance(nodelist, dict) and nodelist.get("node"))


def _links_question(node: str, network: str) -> str:
    """The question of a migration network whose cluster's corosync links were not read."""
    return (
        f"Does the migration network {network} (datacenter.cfg `migration: network=`) hold none "
        f"of the cluster's corosync link addresses? Evidence: the `ringX_addr` of every node in "
        f"/etc/pve/corosync.conf's nodelist, read as root on node {node} (or `pvesh get "
        "/cluster/config/nodes`). Pass: yes, every link address is outside it; fail: one is in "
        "it, and migration crosses the cluster communication network."
    )


def _single_node_question(node: str) -> str:
    """The question of a node without a migration network whose cluster membership is unread."""
    return (
        f"Is node {node} a single node, in no cluster? Evidence: `pvecm status` run as root on "
        f"node {node} (or whether /etc/pve/corosync.conf exists there). Pass: yes, no cluster: "
        "there is no other node to migrate to; fail: it is a cluster member, whose migration "
        "crosses the cluster communication network (datacenter.cfg `migration` sets no "
        "network=)."
    )


def _raw_listeners_ask(
    s: Subject, h: Host, raw: RawMigration, scope: LoopbackScope, head: str, refs: Sequence[Source]
) -> Outcome | None:
    """The question of the raw `-incoming` listeners of node `h`'s VMs that no fail settles (an
    address off the migration network, a loopback one where route_localnet was not read, a
    passed fd or vsock, a named port), `head` before their list; None when there is none."""
    if not (raw.opaque or raw.fed or raw.named or (raw.loop4 and scope.unread is not None)):
        return None
    what = [*raw.opaque, *raw.loop4] if raw.opaque or scope.unread is not None else []
    questions = (
        [
            "Who can connect to the migration listener(s) raw QEMU arguments give VMs "
            f"on node {h.name} ({'; '.join(what)})? Evidence: `ss -ltnp` and `ss -l "
            f"--vsock -p` on node {h.name} while the VM waits for its stream (the QEMU "
            "process's sockets), and net.ipv4.conf.*.route_localnet there. Pass: only "
            "the node itself (loopback with route_localnet 0, a UNIX socket) or its "
            "address on the migration network; fail: every address, another network, "
            "or a vsock port the node's guests connect to."
        ]
        if what
        else []
    )
    if raw.fed:
        questions.append(fed_migration_question(f"node {h.name}", raw.fed))
    if raw.named:
        # a device of `args:` naming its service, or an `-incoming` naming its port
        # (dials_named_into, R33D-1)
        questions.append(named_migration_question(f"node {h.name}", raw.named, raw.names))
    return manual(
        s,
        head + "; ".join([*what, *raw.fed, *raw.named]),
        *refs,
        question=joint_question(questions),
    )


def _migration_setting(value: str) -> tuple[dict[str, str], str]:
    """datacenter.cfg `migration` as pve-cluster reads it (DataCenterConfig.pm $migration_format
    through pve-common JSONSchema.pm parse_property_string, no part trimmed): `type` the default
    key, `secure` or `insecure`; `network` a CIDR (pve_verify_cidr: a v4 or v6 address with a
    mask above 7); no other key, none twice. Returns the setting, or {} and why it is refused."""
    out: dict[str, str] = {}
    for part in value.split(","):
        if re.fullmatch(r"\s*", part, re.A):
            continue
        key, eq, val = part.partition("=")
        if not eq:
            key, val = "type", part
        if not key or not val:
            return {}, "a key or a value is missing"
        if key not in ("type", "network"):
            return {}, f"invalid key {key!r}"
        if key in out:
            return {}, f"duplicate key {key!r}"
        out[key] = val
    if out.get("type", "secure") not in ("secure", "insecure"):
        return {}, f"type {out['type']!r} is neither secure nor insecure"
    if "network" in out and not _pve_cidr(out["network"]):
        return {}, f"network {out['network']!r} is no CIDR"
    return out, ""


def _pve_cidr(text: str) -> bool:
    """pve-common pve_verify_cidr: an IPv4 or IPv6 address, `/`, a mask above 7."""
    addr, slash, mask = text.partition("/")
    if not slash or not re.fullmatch(r"\d+", mask, re.A):
        return False
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return False
    return 7 < int(mask) <= ip.max_prefixlen


#: The values corosync's parser accepts (exec/coroparse.c main_config_parser_cb; transport:
#: totemconfig.c knet, udp, udpu); any other makes it refuse corosync.conf.
COROSYNC_VALUES = {
    "crypto_cipher": ("none", "aes256", "aes192", "aes128"),
    "crypto_hash": ("none", "md5", "sha1", "sha256", "sha384", "sha512"),
    "transport": ("knet", "udp", "udpu"),
    # coroparse.c "Invalid ip_version type" (P21-3)
    "ip_version": ("ipv4", "ipv6", "ipv6-4", "ipv4-6"),
}

#: The totem keys coroparse.c main_config_parser_cb reads as a uint32 with safe_atoq (strtoll
#: base 10, the whole value, 0 to UINT32_MAX); any other value makes it refuse the file (P21-3).
COROSYNC_UINT32 = frozenset(
    [
        "version",
        "nodeid",
        "threads",
        "token",
        "token_coefficient",
        "token_retransmit",
        "token_warning",
        "hold",
        "token_retransmits_before_loss_const",
        "join",
        "send_join",
        "consensus",
        "merge",
        "downcheck",
        "fail_recv_const",
        "seqno_unchanged_const",
        "rrp_token_expired_timeout",
        "rrp_problem_count_timeout",
        "rrp_problem_count_threshold",
        "rrp_problem_count_mcast_threshold",
        "rrp_autorecovery_check_timeout",
        "heartbeat_failures_allowed",
        "max_network_delay",
        "window_size",
        "max_messages",
        "miss_count_const",
        "knet_pmtud_interval",
        "knet_mtu",
        "knet_compression_threshold",
        "netmtu",
    ]
)


def _corosync_refuses(key: str, value: object) -> bool:
    """Whether coroparse.c refuses a totem `key: value` line (and with it the whole file)."""
    if key in COROSYNC_VALUES:
        return value not in COROSYNC_VALUES[key]
    if key in COROSYNC_UINT32 and value != REDACTED:  # `token*` values are redacted: unread
        m = re.fullmatch(r"[ \t\n\v\f\r]*([+-]?[0-9]+)", str(value))
        return m is None or not 0 <= int(m.group(1)) <= 0xFFFFFFFF
    return False


@check(
    id="HVA-309",
    title="Cluster communication (corosync) is authenticated and encrypted",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125b": ["VM-NS-R2"]},
    remediation="In corosync.conf's totem section set crypto_cipher (e.g. aes256) and crypto_hash "
    "(e.g. sha256), increase config_version, and let pmxcfs distribute it.",
    platforms=PVE,
)
def corosync_crypto(ctx: Context) -> Iterator[Outcome]:
    """Corosync carries cluster membership and the configuration file system; unencrypted, anyone
    on that network can read or forge it (SP 800-125B: management traffic encrypted). The
    effective setting is corosync's (corosync.conf(5) and exec/totemconfig.c `totem_get_crypto`,
    3.1.x as in Proxmox VE 8): crypto_cipher and crypto_hash default to none; `secauth: on` implies
    aes256/sha256 only for what is not set explicitly, so an explicit `none` wins over secauth.
    Encryption exists only on the knet transport (the default), not on udp/udpu. corosync's
    parser (exec/coroparse.c) refuses the whole file when crypto_cipher, crypto_hash or
    transport holds another value ("Invalid cipher type. Should be none, aes256, aes192 or
    aes128"), as it does for an ip_version other than ipv4/ipv6/ipv6-4/ipv4-6 and a totem
    number (netmtu, consensus, join ...) its safe_atoq does not read, and totemconfig.c
    totem_get_crypto for a cipher without a hash ("crypto_cipher requires crypto_hash with
    value other than none") or a crypto_model other than nss or openssl (P21-3), a `#` after a
    value included (only a line starting with `#` is a comment): the
    running corosync then keeps an earlier configuration, or does not start, so such a file is
    a question about what runs, never judged as written; `secauth` is matched exactly (`on`),
    any other value (`on # comment`) implies nothing. Repeated `totem` sections merge, a later
    key winning: the parser sets each key at its path in one map (`_totem`, P17-2).

    The file judged is the one corosync reads, the node's /etc/corosync/corosync.conf, where
    it was collected: pmxcfs copies /etc/pve's there only as its config_version allows
    (`_corosync_runs`, P18-5); a local file pmxcfs is about to replace is judged with the copy
    that replaces it. A pass of /etc/pve's copy when the local file was not read (the API
    path: pve-cluster API2/ClusterConfig.pm `totem` returns `cfs_read_file('corosync.conf')`,
    /etc/pve's; or a read that failed) is the question of what corosync runs (L19-7P): pmxcfs
    keeps a local file of a higher config_version. A copied tree without it is the same
    question (L19-11P): the copy's gap observes nothing of the node; only a live node's read
    finding no file lets /etc/pve's copy be what runs. A local file whose read or parse failed
    is the error, even where /etc/pve has none (R36E-5: "a single node" hid it). The local file
    passing while /etc/pve's copy was not read (a copied tree without it, a read that failed)
    is the same question (R39E-1): pmxcfs installs that copy over it unless its config_version
    is lower (dcdb.c dcdb_sync_corosync_conf); only a live node's read finding no
    /etc/pve/corosync.conf leaves the local file alone."""
    for h in ctx.deployment.hosts:
        s, px = host_subject(h), _px(h)
        if px is None:
            continue
        f, local = px.corosync, px.corosync_local
        if not f.known and not local.known:
            # the node's own file that could not be read or parsed is there, whatever /etc/pve
            # lacks: its error, never /etc/pve's "a single node" (R36E-5: n/a where a readable
            # file is judged, `_corosync_runs`)
            yield unknown(
                s,
                local if local.state is FactState.FAILED else f,
                "corosync traffic is encrypted",
            )
            continue
        files, context = _corosync_runs(px)
        if not files:
            yield manual(s, context, *f.sources, question=_corosync_question(h.name))
            continue
        judged = [(name, fact, *_corosync_verdict(fact.get())) for name, fact in files]
        sources = [src for _, fact in files for src in fact.sources]
        if len(judged) == 1 and not context:
            message = judged[0][3]
        else:
            message = (context + ": " if context else "") + "; ".join(
                f"{name}: {text}" for name, _, _, text in judged
            )
        statuses = {status for _, _, status, _ in judged}
        if "fail" in statuses:
            yield failed(s, message, *sources)
        elif "refused" in statuses:
            yield manual(s, message, *sources, question=_corosync_question(h.name))
        elif not local.known and px.corosync_local_unread:
            # the node's own file was not read (the API serves /etc/pve's totem only: pve-cluster
            # API2/ClusterConfig.pm `totem` returns cfs_read_file('corosync.conf')): pmxcfs
            # keeps a local file of a higher config_version (dcdb.c "local corosync.conf is
            # newer"), so /etc/pve's copy passing is not what runs
            yield manual(
                s,
                f"{message} (/etc/pve/corosync.conf); the node's /etc/corosync/corosync.conf, "
                f"which corosync reads, was not read ({local.reason}): pmxcfs keeps it instead "
                "when its config_version is higher",
                *sources,
                question=_corosync_question(h.name),
            )
        elif not f.known and f.state is not FactState.NOT_APPLICABLE:
            # /etc/pve's copy not read (a copy without it, a read that failed): pmxcfs installs it
            # over the local file judged here unless its config_version is below the local
            # one's (pve-cluster src/pmxcfs/dcdb.c dcdb_sync_corosync_conf: "local corosync.conf
            # is newer" only for new_version < old_version), so the local file passing is not
            # what corosync runs after pmxcfs's next sync (R39E-1)
            yield manual(
                s,
                f"{message}; pmxcfs installs /etc/pve/corosync.conf over it when its "
                "config_version is not below the local file's",
                *sources,
                question=_corosync_question(h.name),
            )
        else:
            yield passed(s, message, *sources)


def _corosync_question(node: str) -> str:
    return (
        f"Which crypto does corosync run with on node {node}? Evidence: `corosync-cmapctl -g "
        "totem.crypto_cipher`, `-g totem.crypto_hash` and `-g totem.transport` there (and "
        "`corosync-cfgtool -s`). Pass: transport knet with a cipher and a hash other than none; "
        "fail: none of either, another transport, or corosync not running (the node is in no "
        "cluster)."
    )


def _corosync_runs(px: ProxmoxHost) -> tuple[list[tuple[str, Fact[dict[str, Any]]]], str]:
    """The corosync.conf files to judge on a node and why (P18-5): corosync reads the node's
    /etc/corosync/corosync.conf (pve-cluster src/pmxcfs/cfs-utils.h HOST_CLUSTER_CONF_FN), and
    pmxcfs copies /etc/pve/corosync.conf there (src/pmxcfs/dcdb.c dcdb_sync_corosync_conf, at
    pmxcfs's start, a cluster commit and each write of the file, reloading corosync with
    `corosync-cfgtool -R` for its own node's) unless pmxcfs reads no non-zero config_version from
    it ("unable to parse cluster config_version") or a lower one than from the local file
    ("local corosync.conf is newer"); cfs-utils.c cluster_config_version takes the first match
    of `config_version\\s*:\\s*(\\d+)` anywhere, a comment included. So: the same bytes, one
    file; a local file pmxcfs keeps, that one; a local file pmxcfs would replace, both (corosync
    runs the local one until the next sync, then /etc/pve's). Without the local file (the API
    path, a copy without it) /etc/pve's copy is judged when pmxcfs installs it, and a copy pmxcfs
    does not install leaves the question (no files)."""
    pve_name, local_name = "/etc/pve/corosync.conf", "/etc/corosync/corosync.conf"
    f, local = px.corosync, px.corosync_local
    new = px.corosync_version or 0
    if not local.known:
        if f.known and px.corosync_version is not None and not new:
            return [], (
                f"{pve_name} has no config_version pmxcfs reads (a non-zero `config_version:` "
                'first in the file; dcdb.c "unable to parse cluster config_version"), so pmxcfs '
                f"does not install it, and the node's {local_name}, which corosync reads, was "
                f"not collected ({local.reason})"
            )
        return [(pve_name, f)], ""
    if not f.known:
        state = "absent" if f.state is FactState.NOT_APPLICABLE else "not read"
        return [(local_name, local)], f"{pve_name} {state} ({f.reason})"
    if px.corosync_local_same:
        return [(local_name, local)], ""
    old = px.corosync_local_version or 0
    if not new:
        why = (
            f"pmxcfs does not install {pve_name}: it has no non-zero config_version first in "
            'the file (dcdb.c "unable to parse cluster config_version")'
        )
        return [(local_name, local)], f"{local_name}, which corosync reads ({why})"
    if new < old:
        why = (
            f"pmxcfs does not install {pve_name}: its config_version {new} (the first in the "
            f'file) is below the local file\'s {old} (dcdb.c "local corosync.conf is newer")'
        )
        return [(local_name, local)], f"{local_name}, which corosync reads ({why})"
    return [(local_name, local), (pve_name, f)], (
        f"{local_name}, which corosync reads, differs from {pve_name}, which pmxcfs installs "
        f"over it at its next sync (config_version {new} >= {old})"
    )


def _corosync_verdict(conf: Mapping[str, object]) -> tuple[str, str]:
    """One corosync.conf's crypto as corosync resolves it: (pass|fail|refused, message)."""
    blocks = _totem(conf)
    totem = {k: v for block in blocks for k, v in block.items()}
    secauth = totem.get("secauth") == "on"
    # coroparse.c refuses a value as it reads it, whatever a later block sets
    refused = list(
        dict.fromkeys(
            f"{key} {value!r}"
            for block in blocks
            for key, value in block.items()
            if _corosync_refuses(key, value)
        )
    )
    if refused:
        keys = {r.split(" ", 1)[0] for r in refused}
        extra = (', coroparse.c "Invalid ip_version type"' if "ip_version" in keys else "") + (
            ", a number coroparse.c safe_atoq does not read" if keys & COROSYNC_UINT32 else ""
        )
        return "refused", (
            f"corosync.conf sets totem {', '.join(refused)}, which corosync refuses "
            '(coroparse.c "Invalid cipher type", "Invalid hash type", totemconfig.c "Invalid '
            f'transport type"{extra}; a `#` after a value is part of it): this file is not what '
            "corosync runs, an earlier configuration or none is"
        )
    cipher = totem.get("crypto_cipher", "aes256" if secauth else "none")
    hsh = totem.get("crypto_hash", "sha256" if secauth else "none")
    transport = totem.get("transport", "knet")
    settings = f"crypto_cipher {cipher}, crypto_hash {hsh}" + (
        ", implied by secauth: on"
        if secauth and not {"crypto_cipher", "crypto_hash"} <= set(totem)
        else ""
    )
    # totemconfig.c totem_get_crypto, run by totem_config_read at every start and reload: a
    # cipher without a hash ("crypto_cipher requires crypto_hash with value other than none")
    # or a crypto_model other than nss or openssl ("crypto_model should be 'nss' or 'openssl'")
    # fails the read, so corosync does not start with this file (P21-3)
    model = totem.get("crypto_model", "nss")
    if (cipher != "none" and hsh == "none") or model not in ("nss", "openssl"):
        why = (
            f"crypto_model {model!r} (totemconfig.c \"crypto_model should be 'nss' or 'openssl'\")"
            if model not in ("nss", "openssl")
            else f'{settings}: totemconfig.c "crypto_cipher requires crypto_hash with value '
            'other than none"'
        )
        return "refused", (
            f"corosync.conf sets totem {why}, which corosync refuses: this file is not what "
            "corosync runs, an earlier configuration or none is"
        )
    if transport != "knet":
        return "fail", f"transport {transport}: corosync encrypts only knet ({settings})"
    if cipher == "none" or hsh == "none":
        return "fail", f"corosync unencrypted or unauthenticated ({settings})"
    return "pass", settings


def _totem(conf: Mapping[str, object]) -> list[dict[str, object]]:
    """corosync.conf's `totem` blocks in file order. corosync's parser sets each key of a
    section at the key's path in one map (exec/coroparse.c main_config_parser_cb: the `totem`
    state, `icmap_set_string_r(config_map, path, value)`), so a second `totem { }` block adds to
    the first and its keys replace the first's (P17-2), as a repeated key within one does."""
    blocks = conf.get("totem", {})
    return [b for b in (blocks if isinstance(blocks, list) else [blocks]) if isinstance(b, dict)]


@check(
    id="HVA-310",
    title="QEMU runs deprivileged and confined per VM",
    scope="host",
    severity=Severity.CRITICAL,
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-7"]},
    interpretations={
        "sp800-125a-2014:HY-SR-5": (
            "HY-SR-5(b) confines each VM's device emulation (QEMU) to an unprivileged VM; on "
            "KVM, where QEMU is a host process, hvaudit takes the confinement of that process "
            "as the equivalent."
        ),
    },
    remediation="Platform limitation, not a misconfiguration: no Proxmox VE setting runs QEMU as an "
    "unprivileged user with a per-VM label. Compensate: keep QEMU patched, avoid passthrough and raw "
    "args for untrusted guests, separate sensitive workloads onto their own nodes, or choose a "
    "platform that confines QEMU where HY-SR-5 is required.",
    platforms=PVE,
)
def qemu_deprivileged(ctx: Context) -> Iterator[Outcome]:
    """Proxmox VE starts every QEMU process as root, without a per-VM AppArmor or SELinux label and
    without a seccomp sandbox; a device-emulation escape is a host compromise. The report states it
    as a platform limitation, a manual item asking for the compensating controls: no configuration
    changes it, so it is not a failure of the deployment (the same form as HVA-090's reservation
    on Proxmox)."""
    for h in ctx.deployment.hosts:
        if _px(h) is None:
            continue
        procs = h.facts.qemu_processes
        seen = ""
        if procs.known and procs.get():
            users = sorted({p.user for p in procs.get()})
            seen = f" (running QEMU processes as {', '.join(users)})"
        yield manual(
            host_subject(h),
            "platform limitation: Proxmox VE runs QEMU as root without per-VM "
            f"confinement; no setting changes this{seen}",
            *procs.sources,
            h.source,
            question="Are this node's compensating controls for unconfined QEMU in place: QEMU "
            "kept patched, no passthrough or raw QEMU arguments for untrusted guests, and "
            "sensitive workloads on nodes of their own? Evidence: `pveversion -v` against the "
            "latest pve-qemu-kvm, the VMs' `qm config` (hostpci, args), and the placement of "
            "sensitive VMs. Pass: yes, all three; fail: any is missing.",
        )


@check(
    id="HVA-311",
    title="API tokens of privileged users are privilege-separated",
    scope="host",
    severity=Severity.HIGH,
    recommendations={
        "sp800-125a-2014": ["HY-SR-13", "HY-SR-14"],
        "sp800-125a-r1": ["HY-SR-18"],
    },
    interpretations={
        "sp800-125a-2014:HY-SR-14": "a token without privilege separation is a second credential "
        "with every right of its user: for root@pam, another root access to every node",
    },
    hvaudit_threats=("HVA-T5",),
    remediation="Recreate the token with privilege separation (pveum user token add USER TOKENID "
    "--privsep 1) and grant it only the roles it needs on the paths it needs; remove the old one.",
    platforms=PVE,
)
def token_privsep(ctx: Context) -> Iterator[Outcome]:
    """An API token with `privsep 0` carries all of its user's permissions, with no ACL of its own
    to narrow them (pveum.adoc "API Tokens"; user.cfg `token:<user>!<id>:<expire>:<privsep>:`, the
    privsep field defaulting to 1: pve-access-control `token-privsep`). On a privileged user (root@pam,
    or any role beyond auditing) it is an unattended full-rights credential, usually stored in a
    script or CI system.

    The flag alone does not narrow anything: a separated token "needs to be given explicit
    access with ACLs. Its effective permissions are calculated by intersecting user and token
    permissions" (pveum.adoc "API Tokens", found with `find_string`). A privsep 1 token granted
    an administering role (Administrator, PVEAdmin, or a custom role with a
    cluster-administration privilege) on `/`, propagated, whose user holds one there too (root@pam
    holds every privilege), keeps administration of the whole cluster in the intersection: the
    same unattended full-rights credential, the usual "grant the Terraform token Administrator"
    recipe. It fails, naming the token and both grants. So does a privsep 1 token whose
    intersection with its user holds Permissions.Modify on `/` itself, even unpropagated
    (`acl:0:/:user!token:Administrator:`): API2/ACL.pm update_acl checks it on the ACL's path
    (RPCEnvironment check_perm_modify) and then lets the token grant any role there, to itself
    too, so it makes itself an administrator of the cluster at will (P14-4). Below `/` the
    intersection is taken privilege by privilege on every path where it administers
    (`_token_admin_below_root`, TOKEN_ADMIN_PATHS: Permissions.Modify on a top-level path or a
    node, Sys.Modify on a node, the account privileges where pve-access-control checks them;
    L19-30P): a privsep 1 token's scoped grants (/vms/<id>, /pool/<pool>, /storage/<id>), what
    the remediation asks for, stay a pass, Administrator there included."""
    for h in ctx.deployment.hosts:
        s, px = host_subject(h), _px(h)
        if px is None:
            continue
        f = px.users
        if not f.known:
            yield unknown(s, f, "API tokens of privileged users are privilege-separated")
            continue
        cfg = f.get()
        now = _collected(ctx)
        privileged = _privileged_users(cfg, now)
        nodes = {n.name for n in ctx.deployment.hosts} | {h.name}
        bad = []
        for tid, tok in sorted(cfg.tokens.items()):
            user = tid.split("!", 1)[0]
            if _expired(tok, now) or user not in privileged:
                continue
            if tok.get("privsep", "1") == "0":
                bad.append(f"{tid} (privsep 0: {'; '.join(privileged[user][:3])})")
                continue
            # a token's Sys.Console opens no node shell (verify_username dies on a token id's
            # `!`, TOKEN_ADMIN_PATHS), so a role administering only through it does not count
            own = [r for r in _root_admin_roles(cfg, tid) if _token_administers(r, cfg)]
            users = _root_admin_roles(cfg, user)
            if own and users:
                bad.append(
                    f"{tid} (privsep 1, but its own ACL grants {'/'.join(own)} on / and its "
                    f"user holds {'/'.join(users)} there: the intersection administers the "
                    "cluster)"
                )
                continue
            # Permissions.Modify on `/` itself, propagated or not, in both: the intersection
            # holds it there, and with it API2/ACL.pm update_acl lets the token grant any role
            # on `/`, to itself too (P14-4)
            own, users = _acl_modifiers_on_root(cfg, tid), _acl_modifiers_on_root(cfg, user)
            if own and users:
                bad.append(
                    f"{tid} (privsep 1, but its own ACL grants {'/'.join(own)} on / and its user "
                    f"holds {'/'.join(users)} there, propagated or not: the intersection holds "
                    "Permissions.Modify on /, with which the token grants itself any role, "
                    "Administrator propagated included)"
                )
                continue
            # below `/`: what the intersection administers of a node, of a whole part of the
            # cluster, or of its accounts (TOKEN_ADMIN_PATHS)
            held = _token_admin_below_root(cfg, tid, nodes)
            if held:
                why = []
                if any(x.startswith("Sys.Modify") for x in held):
                    why.append("Sys.Modify changes a node's network, services and packages")
                if any(x.startswith("Permissions.Modify") for x in held):
                    why.append("Permissions.Modify grants any role there, to the token too")
                if any(x.startswith(("User.", "Realm.")) for x in held):
                    why.append("the account privileges change other users' logins")
                bad.append(
                    f"{tid} (privsep 1, but its own ACLs and its user's both give "
                    f"{', '.join(held[:4])}{' ...' if len(held) > 4 else ''}: "
                    f"{'; '.join(why)})"
                )
        if bad:
            yield failed(s, "tokens with their user's full rights: " + ", ".join(bad), *f.sources)
        elif cfg.tokens:
            yield _users_passed(
                s,
                px,
                "API tokens of privileged users are privilege-separated",
                f"{len(cfg.tokens)} API token(s): none with a privileged user's full rights "
                "(privsep 0, or administration on / or below it for both token and user)",
                *f.sources,
            )
        else:
            yield _users_passed(
                s,
                px,
                "API tokens of privileged users are privilege-separated",
                "no API token",
                *f.sources,
            )


@check(
    id="HVA-312",
    title="Administrators authenticate against the enterprise directory",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-15"]},
    hvaudit_threats=("HVA-T5",),
    remediation="Datacenter > Permissions > Realms: add the enterprise directory (Active Directory, "
    "LDAP or OpenID Connect) and give administrators accounts in it; keep root@pam for "
    "break-glass use only.",
    platforms=PVE,
)
def directory_realm(ctx: Context) -> Iterator[Outcome]:
    """The 2014 draft wants host administrators from the enterprise directory, with strong
    authentication. Proxmox VE authenticates against realms (/etc/pve/domains.cfg; pam and pve are
    built in, ad, ldap and openid reach a directory: pveum.adoc "Authentication Realms"). A
    privileged user of the pve or pam realm (other than root@pam) is an account the directory does
    not govern: a failure. So is a privileged user of a realm domains.cfg no longer defines
    that holds an API token: it logs in no more, but pve-access-control's verify_token checks
    the user and the token, not the realm, so the token still acts as it (P17-3). With no
    directory realm at all and no such user, whether root@pam alone
    is administered under the directory's policies cannot be read from the node: a manual item."""
    directory = ("ad", "ldap", "openid")
    for h in ctx.deployment.hosts:
        s, px = host_subject(h), _px(h)
        if px is None:
            continue
        what = "administrators authenticate against the enterprise directory"
        if not px.users.known:
            yield unknown(s, px.users, what)
            continue
        cfg, now = px.users.get(), _collected(ctx)
        # domains.cfg not known: the pam and pve realms are still the built-in ones
        # (BUILTIN_REALMS), so their privileged users fail; asked, a "yes" passed them (R36E-2)
        realms = px.realms.get() if px.realms.known else {r: {"type": r} for r in BUILTIN_REALMS}
        dir_realms = sorted(r for r, o in realms.items() if o.get("type") in directory)
        privileged = _privileged_users(cfg, now)
        local = sorted(
            u
            for u in privileged
            if u != "root@pam"
            and realms.get(u.rsplit("@", 1)[-1], {}).get("type") in ("pam", "pve")
        )
        # a user whose realm domains.cfg no longer defines logs in no more, but its API tokens
        # do: verify_token checks the user (check_user_enabled) and the token, never the realm
        # (AccessControl.pm, P17-3); a privsep 1 token holds only what its own ACLs grant
        granted = {w for acl in cfg.acls for w in acl["who"]}  # type: ignore[attr-defined]
        for u in sorted(privileged):
            realm = u.rsplit("@", 1)[-1]
            tokens = [
                t
                for t, tok in sorted(cfg.tokens.items())
                if t.split("!", 1)[0] == u
                and not _expired(tok, now)
                and (tok.get("privsep", "1") == "0" or t in granted)
            ]
            if realm not in realms and tokens and px.realms.known:
                local.append(
                    f"{u} (realm {realm} is not in domains.cfg: no login, but its API "
                    f"token(s) {', '.join(tokens[:3])} authenticate)"
                )
        refs = (*px.realms.sources, *px.users.sources)
        if local:
            yield failed(
                s,
                f"privileged users outside the directory: {', '.join(local[:8])}"
                + (
                    f" (directory realms: {', '.join(dir_realms)})"
                    if dir_realms
                    else " (no directory realm)"
                    if px.realms.known
                    else f" (the other realms are not known: {px.realms.reason})"
                ),
                *refs,
            )
        elif not px.realms.known:
            yield unknown(s, px.realms, what)
        elif dir_realms:
            yield _users_passed(
                s,
                px,
                "Administrators authenticate against the enterprise directory",
                f"directory realm(s) {', '.join(dir_realms)}; no privileged pam or pve user but root@pam",
                *refs,
            )
        else:
            yield manual(
                s,
                f"no directory realm (realms: {', '.join(sorted(realms)) or 'none'}); only root@pam "
                "administers",
                *refs,
                question="Is root@pam the only administrative account, kept for break-glass use "
                "under the enterprise directory's credential policy? Evidence: the users with "
                "administrative roles (`pveum user list`, `pveum acl list`) and the site's "
                "break-glass procedure for root@pam. Pass: yes; fail: other administrators log in "
                "with local accounts, or root@pam is used day to day.",
            )


@check(
    id="HVA-313",
    title="Management access is admitted from the firewall's management IP set only",
    scope="host",
    severity=Severity.HIGH,
    recommendations={
        "sp800-125a-2014": ["HY-SR-19", "HY-SR-21"],
        "sp800-125a-r1": ["HY-SR-20"],
        "sp800-125b": ["VM-NS-R2"],
    },
    hvaudit_threats=("HVA-T5",),
    remediation="Datacenter > Firewall > IPSet: create `management` with the administrators' "
    "networks only (no 0.0.0.0/0), and remove node or cluster rules that accept 8006 or 22 from "
    "any source.",
    platforms=PVE,
)
def management_ipset(ctx: Context) -> Iterator[Outcome]:
    """pve-firewall admits the web UI (8006), SSH (22), SPICE proxy (3128) and VNC consoles to every
    node from the addresses of the cluster's IP set `management` (pve-firewall.adoc "Standard IP
    set management"; without that set, from the node's local network). The set is the
    management segment's filter of HY-SR-21: it must exist, hold specific networks, and no rule
    of the cluster or node may accept those ports from anywhere else. The set filters only where
    the host chains are compiled: pve-firewall builds them when the node's firewall is enabled
    (host.fw `enable`, on by default; the same rule HVA-302 applies), and only while its daemon
    runs (it removes every chain and ipset it made when it stops: src/PVE/Service/pve_firewall.pm
    `shutdown`, PVE::Firewall::remove_pvefw_chains): on a node whose processes show neither
    pve-firewall nor proxmox-firewall the set filters nothing (R5-13). Where the processes were
    not read, right files are not a set observed filtering: HVA-301's question (the same
    words), never a pass; a rule or set that is wrong still fails. A `GROUP name` rule of
    cluster.fw or host.fw is read as its security group's IN rules, which pve-firewall applies
    there (enable_host_firewall -> ruleset_add_group_rule). A rule's source that is an IP set
    (`+name`) is as wide as the set's widest entry (`_wide`); a source list, or the set
    `management`, whose networks, each narrower, hold together as many public addresses as a
    /7 (IPv6 /32) is as wide (`_wide_together`, R29P-3: the count HVA-305 makes, R25P-2); so
    are the narrow sources of several ACCEPTs of one management port, pooled as the chain's
    first match admits each (`_pooled_management`, R37F-3). A macro rule opens the management
    ports its macro's do (MGMT_MACROS: PMG's 8006 and Squid's 3128 as well as SSH, SPICEproxy
    and VNC). Both daemons add the local network to the set whatever it holds
    (MANAGEMENT_LOCAL_NETWORK): a cluster.fw alias `local_network` of a /7 (IPv6 /32) or wider network
    fails (P14-7). So does an input policy other than DROP or REJECT: the node's input chain
    ends in it, so it admits every source the rules leave (P14-12). The chain is read in order,
    first match: a DROP or REJECT of management ports from every source (no -source, -dest,
    -i, -sport or macro; a -source or -dest of every address of an IP version, L18-5P) leaves
    a later ACCEPT of those ports of its protocol and IP version no packet (enable_host_firewall
    adds host.fw's rules, cluster.fw's, then the set's ACCEPTs; L17-2); an IP set's rule
    matches only the versions of the set's entries (L18-5P). A -dport service name is a port of the node's /etc/services, read as each
    daemon reads it (`_port_names`): under proxmox-firewall as NamedPorts does (R45F-1), under
    pve-firewall as iptables' getservbyname does (R47F-2; netbase's `ssh` may be 2222 there);
    an ACCEPT from any source of a name the file read gives no one port is a question (L17-4);
    where the file was not read (the API path, a read refused) no name is a port, netbase's
    neither, and such an ACCEPT is a question (pve-firewall.adoc "as defined in
    '/etc/services'", R46F-1, R47F-1). Under pve-firewall a DROP or REJECT whose -dport
    names a service hvaudit cannot resolve (the file unread, or giving the name more than one
    port) takes no port for certain: where the file was not read the daemon refuses the
    whole rule for a name it lacks (get_etc_services "unable to read" returns no names;
    parse_port_name_number_or_range "invalid port"), the numbers beside it included, so a
    later ACCEPT from any source of management ports those names and numbers may take is a
    question naming both (`_doubted`, R48F-1, the team's decision). An ACCEPT with no -dport (no -p, TCP, or protocol 0 under
    pve-firewall) accepts every TCP port, the management ports included, as its `-dport 8006`
    twin does: `-i` of an interface (the loopback aside) or `-sport` narrows who arrives, not
    which ports, and Linux delivers a packet for any of the node's addresses on any interface
    (ip-sysctl.rst arp_filter: "IP addresses are owned by the complete host on Linux"), so it
    fails from a wide source (P24-2); so does a -dest holding one of the node's addresses,
    which narrows which address, not which port (PVEFW-HOST-IN sees only packets for the
    node; `_dest_reaches`, R25P-1). A -dest holding none of the addresses the files give,
    where the node's own list of its addresses (`ip addr`) was not read, may hold one DHCP,
    SLAAC or a script gave it: a question, never a pass (`_dest_question`, R26P-2). cluster.fw
    or host.fw not known leaves the other's `enable` off and an absent daemon failing
    (`_fw_gap`, R35P-1)."""
    for h in ctx.deployment.hosts:
        s, px = host_subject(h), _px(h)
        if px is None:
            continue
        if not (px.cluster_firewall.known and px.host_firewall.known):
            yield _fw_gap(
                s,
                h,
                px,
                "management access is admitted from the management IP set only",
                (
                    "the cluster firewall is off: the management IP set filters nothing",
                    "host.fw sets enable: 0: the node's firewall is off, so the management IP "
                    "set filters nothing on it",
                    "the management IP set filters nothing",
                ),
                "{rule} before cluster.fw's rules and input policy: the management ports are "
                "open beyond the management IP set whatever cluster.fw holds",
                tcp=True,
            )
            continue
        cluster, node = px.cluster_firewall.get(), px.host_firewall.get()
        refs = (*px.cluster_firewall.sources, *px.host_firewall.sources)
        if cluster.options.get("enable", "0") != "1":
            yield failed(
                s, "the cluster firewall is off: the management IP set filters nothing", *refs
            )
            continue
        if node.options.get("enable") == "0":
            yield failed(
                s,
                "host.fw sets enable: 0: the node's firewall is off, so the management IP set "
                "filters nothing on it",
                *refs,
            )
            continue
        if (daemon := _daemon(h, px))[0] == "absent":
            yield failed(
                s,
                f"{daemon[1]}: the management IP set filters nothing",
                *refs,
                *h.facts.programs.sources,
            )
            continue
        problems = []
        # the node's input chain ends in cluster.fw's policy_in (enable_host_firewall: `my
        # $policy = $cluster_options->{policy_in} || 'DROP'`): ACCEPT admits every source to
        # every port the rules leave, the management ports included (P14-12)
        policy = cluster.options.get("policy_in", "DROP")
        if policy not in ("DROP", "REJECT"):
            problems.append(
                f"input policy {policy}: every source reaches the management ports, the set "
                "admits nothing the policy does not"
            )
        entries = cluster.usable("management")
        if "management" not in cluster.ipsets:
            problems.append("no IP set `management`: the node's whole local network is admitted")
        elif not [e for e in entries if not e.nomatch]:
            problems.append("IP set `management` is empty")
        wide = [
            e.cidr
            if _resolve_alias(e.cidr, cluster) == e.cidr
            else f"{e.cidr} (alias of {_resolve_alias(e.cidr, cluster)})"
            for e in entries
            if not e.nomatch and _is_wide(_resolve_alias(e.cidr, cluster))
        ]
        if wide:
            problems.append(f"IP set `management` admits {', '.join(wide)}")
        elif "management" in cluster.ipsets and (
            together := _wide_together(["+management"], cluster)
        ):
            # each entry narrow, together as wide as a /7 (R29P-3)
            problems.append(f"IP set `management` admits {together}: no designated network")
        local = cluster.aliases.get(MANAGEMENT_LOCAL_NETWORK)
        if local and _is_wide(local):
            problems.append(
                f"IP set `management` admits local_network {local}: pve-firewall and "
                "proxmox-firewall add the cluster.fw alias local_network to the set"
            )
        nft = node.options.get("nftables") == "1"
        maybe: list[str] = []
        # the rules the input chain reaches, host.fw's first, up to an unrestricted DROP
        # (L16-1)
        walked: list[tuple[str, dict[str, object]]] = []
        opened = _accepts_everything(
            px, _addressed(h), maybe, _own_addresses(h, px), walked, _every_address(h, px), tcp=True
        )
        # the management ports (IP version, protocol) -> port numbers a DROP or REJECT of
        # every source has taken before (L17-2)
        closed: dict[tuple[int, str], set[int]] = {}
        # firewall file -> (the lines, the names) of ACCEPTs of names no file read resolves:
        # one entry per file naming them all (R47F-1, the team's decision)
        names: dict[str, tuple[list[str], list[str]]] = {}
        unsettled: list[str] = []
        # (IP version, protocol) -> the DROPs or REJECTs of every source whose -dport names
        # hvaudit cannot resolve: (the rule, the names, the ports beside them) (R48F-1)
        doubts: dict[tuple[int, str], list[tuple[str, list[str], set[int]]]] = {}
        # ACCEPTs of management ports from any source that such a DROP may close (R48F-1)
        doubted: list[str] = []
        # management port -> the narrow sources each ACCEPT of it admits (R37F-3)
        pooled: dict[int, list[tuple[str, list[_Net]]]] = {}
        for where, r in walked:
            opts = r["options"]
            assert isinstance(opts, dict)
            # a value 0 is unset to pve-firewall (perl_false, P15-4)
            opts, _ = _nft_ports_dropped(
                {k: v for k, v in opts.items() if nft or k not in perl_false(opts)}, nft
            )
            macro = str(r["macro"]).lower()
            ports = _pve_port_intervals(str(opts.get("dport", "")), _port_names(px))
            version = r.get("ipversion")
            versions = {version} if isinstance(version, int) else {4, 6}
            proto = _port_protocol(str(opts.get("proto")))
            # the management services listen on TCP only (MGMT_PORTS): a -dport of their
            # numbers under another port-bearing protocol (udp, udplite, sctp, dccp, by name
            # or IANA number) reaches none of them; any other -p value keeps the TCP reading
            tcp_reached = proto.lower() not in _OTHER_PORT_PROTOCOLS
            opens_mgmt = macro in MGMT_MACROS or (
                tcp_reached
                and any(lo <= hi_m and lo_m <= hi for lo, hi in ports for lo_m, hi_m in MGMT_PORTS)
            )
            # a -dport hvaudit cannot resolve (a name the node's file, or no file read, does
            # not give) is no management port of a DROP's, and an ACCEPT's is asked below
            # (R47F-1): every port only where there is no -dport
            mine = {
                p
                for lo, hi in (ports if opts.get("dport") else [(0, 65535)])
                for lo_m, hi_m in MGMT_PORTS
                for p in range(max(lo, lo_m), min(hi, hi_m) + 1)
            }
            if (
                r["type"] == "in"
                and r["action"] in ("DROP", "REJECT")
                and not macro
                and set(opts) <= {"proto", "dport", "log", "source", "dest"}
            ):
                # a DROP of these ports from every source on every interface comes first in
                # the chain: the later ACCEPT of them matches no packet (L17-2); a -source or
                # -dest of every address of an IP version (`0.0.0.0/0`) is every source of it
                # (L18-5P)
                # under pve-firewall a -dport name hvaudit cannot resolve (the node's
                # /etc/services not read, or giving the name more than one port) may be any
                # management port, and with the file unread the daemon refuses the whole rule
                # where the file lacks the name, the numbers beside it included
                # (parse_port_name_number_or_range "invalid port"): the DROP takes no port for
                # certain, and a later ACCEPT it may take is asked (R48F-1, the team's decision)
                doubt = [] if nft else _pve_unresolved(str(opts.get("dport", "")), _port_names(px))
                for v in _rule_versions(opts, versions, cluster, every=True):
                    if not doubt or px.iptables_services.known:
                        closed.setdefault((v, proto.lower()), set()).update(mine)
                    if doubt:
                        doubts.setdefault((v, proto.lower()), []).append(
                            (
                                f"{where} line {r['line']} `-dport {opts['dport']}`",
                                doubt,
                                set() if px.iptables_services.known else mine,
                            )
                        )
                continue
            source = str(opts.get("source") or "")
            # the IP versions the ACCEPT admits wide sources of (a set of one version's
            # entries matches no packet of the other, L18-5P)
            admitted = _rule_versions({"source": source}, versions, cluster, every=False)
            if (
                not macro
                and mine
                and admitted
                and all(mine <= closed.get((v, proto.lower()), set()) for v in admitted)
            ):
                continue
            # a wide `management` set is reported above, with its entries
            others = [
                x
                for x in source.split(",")
                if x.strip().lower() not in ("+management", "+dc/management")
            ]
            # a list of narrow networks as wide as a /7 together is as wide (R29P-3)
            together = (
                ""
                if not source or any(_wide(x, cluster) for x in others)
                else _wide_together(others, cluster)
            )
            every = not source or any(_wide(x, cluster) for x in others) or bool(together)
            # an ACCEPT of every TCP port (no -dport; no -p, or TCP, or protocol 0 under
            # pve-firewall) opens the management ports as its -dport 8006 twin does, whatever
            # `-i` (but the loopback) or `-sport` narrow it to (ipt_rule_to_cmds writes a port
            # match only for a dport); `_accepts_everything` reports it where nothing narrows
            # it (P24-2)
            # a -dest holding one of the node's addresses narrows which of them, not which
            # ports: PVEFW-HOST-IN sees only packets for the node, and pveproxy and sshd listen
            # on every address (R25P-1)
            reach = _dest_reaches(str(opts.get("dest") or ""), h, px, cluster, nft)
            all_tcp = (
                not macro
                and "dport" not in opts
                and str(opts.get("iface") or "") != "lo"
                and (
                    not opts.get("proto")
                    or proto.lower() == "tcp"
                    or (proto in IPTABLES_ALL_PROTOCOLS and not nft)
                )
                and not any(o.startswith(f"{where} line {r['line']} ") for o in opened)
            )
            every_port = all_tcp and reach is not None
            # a -dest holding none of the addresses the files and the node gave: where the
            # node's own report of them (`ip addr`) was not read, a DHCP or script-added
            # address may be the one it names (R26P-2)
            if (
                all_tcp
                and reach is None
                and not h.facts.addresses.known
                and r["type"] == "in"
                and r["action"] == "ACCEPT"
                and every
            ):
                unsettled.append(f"{where} line {r['line']} (-dest {opts['dest']})")
            if (
                r["type"] == "in"
                and r["action"] == "ACCEPT"
                and (opens_mgmt or every_port)
                and others
                and not every
            ):
                # ACCEPTs of a management port from narrow sources each: pooled per port, less
                # what a DROP of every source took before each (L17-2)
                sourced = _minus(*_fw_networks(others, cluster))
                for port in (
                    _MACRO_PORTS.get(macro, set()) if macro else (mine if tcp_reached else set())
                ):
                    left = [n for n in sourced if port not in closed.get((n.version, "tcp"), set())]
                    if left:
                        pooled.setdefault(port, []).append((f"{where}:{r['line']}", left))
            if (
                r["type"] == "in"
                and r["action"] == "ACCEPT"
                and (opens_mgmt or every_port)
                and every
            ):
                what = (
                    f"from {source}" + (f" ({together})" if together else "")
                    if source
                    else "from any source"
                )
                narrowed = "".join(
                    f" -{ {'proto': 'p', 'iface': 'i'}.get(k, k) } {opts[k]}"
                    for k in ("iface", "proto", "sport", "dest")
                    if k in opts
                )
                if (
                    asked := None if macro else _doubted(mine, admitted, proto, closed, doubts)
                ) is not None:
                    doubted.append(f"{where}:{r['line']} accepts port {asked} {what}")
                    continue
                problems.append(
                    f"{where}:{r['line']} accepts management ports {what}"
                    + (
                        f" (`IN ACCEPT{narrowed}`: every TCP port, management ports included"
                        f"{reach})"
                        if every_port and not opens_mgmt
                        else ""
                    )
                )
            elif r["type"] == "in" and r["action"] == "ACCEPT" and every and not macro:
                # a service name netbase does not know is one the node's /etc/services may
                # give any port, a management port too (L17-4); where proxmox-firewall reads
                # the node's file, which was read, the name's port is known (R45F-1); where
                # the file was not read (the API path, a copy without it), a stock name too
                # is the port the node's file gives, not netbase's (iptables and
                # proxmox-ve-config both read the node's file: R46F-1)
                known = _port_names(px)
                stock: Collection[str] = known or ()
                # under pve-firewall a name its reading of the node's file lacks is an
                # "invalid port": the rule is not applied (parse_port_name_number_or_range)
                refused = (
                    not nft
                    and px.iptables_services.known
                    and any(
                        x not in px.iptables_services.get()
                        for x in str(opts.get("dport", "")).split(",")
                        if x and not re.fullmatch(r"[0-9:]+", x, re.A)
                    )
                )
                unknown_names = [
                    x
                    for x in str(opts.get("dport", "")).split(",")
                    if x
                    and not refused
                    and not re.fullmatch(r"[0-9:]+", x, re.A)
                    and any(
                        side and not side.isdigit() and side not in stock
                        for side in x.split(":", 1)
                    )
                ]
                if unknown_names and proto.lower() not in (
                    "icmp",
                    "icmpv6",
                    "ipv6-icmp",
                    "1",
                    "58",
                ):
                    held = names.setdefault(where, ([], []))
                    held[0].append(str(r["line"]))
                    held[1].extend(n for n in unknown_names if n not in held[1])
        problems += _pooled_management(pooled)
        problems += [f"{rule}, management ports included" for rule in opened]
        if problems:
            yield failed(s, "; ".join(problems), *refs)
        elif doubted:
            yield _doubted_question(s, h, px, doubted, doubts, refs)
        elif names:
            listed = "; ".join(
                f"{w} line{'s' if len(at) > 1 else ''} {', '.join(at)}: {', '.join(n)}"
                for w, (at, n) in names.items()
            )
            yield manual(
                s,
                (
                    "a rule accepts service names from any source to which the node's "
                    f"/etc/services gives more than one port ({listed}): iptables takes the "
                    "port of the first line of the rule's protocol"
                    if (px.services if nft else px.iptables_services).known
                    else f"a rule accepts service names from any source ({listed}): the node's "
                    "own /etc/services gives their ports, and "
                    + _unread(px.services if nft else px.iptables_services).replace(
                        "the file was", "it was", 1
                    )
                ),
                *refs,
                question=f"Does /etc/services on node {h.name} leave every one of these service "
                "names without a management port? Evidence: the rules "
                f"({listed}) and `getent services NAME` on {h.name} for each. Pass: yes, no "
                "such name (the daemon then refuses the rule) or another port; fail: no, 22, 8006, 3128 "
                "or 5900-5999, which the rule admits from any source.",
            )
        elif unsettled:
            nets = ", ".join(("!" if e.nomatch else "") + e.cidr for e in entries[:6])
            yield _dest_question(
                s,
                h,
                px,
                f"IP set `management`: {nets}; no rule opens management ports wider",
                unsettled,
                daemon[1] if daemon[0] == "unknown" else None,
            )
        elif daemon[0] == "unknown" and maybe:
            yield _gateway_question(
                s, h, px, "IP set `management` admits specific networks only", maybe, daemon[1]
            )
        elif daemon[0] == "unknown":
            nets = ", ".join(("!" if e.nomatch else "") + e.cidr for e in entries[:6])
            yield _unenforced(
                s,
                h,
                f"IP set `management`: {nets}; no rule opens management ports wider",
                daemon[1],
                *refs,
            )
        elif maybe:
            yield _gateway_question(
                s, h, px, "IP set `management` admits specific networks only", maybe
            )
        else:
            nets = ", ".join(("!" if e.nomatch else "") + e.cidr for e in entries[:6])
            yield passed(
                s, f"IP set `management`: {nets}; no rule opens management ports wider", *refs
            )


#: pve-firewall compile (src/PVE/Firewall.pm) adds the local network to the `management` IP set
#: whatever the set holds: `push @{ $cluster_conf->{ipset}->{management} }, { cidr => $localnet
#: }`, $localnet being cluster.fw's alias `local_network` where it is defined, else the network
#: of the node's own address (local_network(), at most a /8); proxmox-firewall
#: create_management_ipset does the same (firewall.rs: the `local_network` alias, else the
#: node's management addresses). A `local_network` alias of a /7 (IPv6 /32) or wider network opens the
#: management ports to it (P14-7).
MANAGEMENT_LOCAL_NETWORK = "local_network"


def _dest_reaches(
    dest: str, h: Host, px: ProxmoxHost, cluster: FirewallFile, nft: bool
) -> str | None:
    """Whether an ACCEPT's -dest reaches the node (HVA-313's every-port rule, R25P-1): "" for
    no -dest, a note naming the node's address an element holds (`_holds`: an address,
    network, range, alias or IP set), or None when it holds none of them (the rule then
    matches no packet of PVEFW-HOST-IN, which sees only packets for the node's own
    addresses). The addresses are every non-loopback one of `_node_addresses` (any interface:
    Linux delivers a packet for any of the node's addresses on any interface, ip-sysctl.rst
    arp_filter; P24-2), as P14-2 reads a -dest; with none known, the -dest reaches the node."""
    items = [x.strip() for x in dest.split(",") if x.strip()]
    if not items:
        return ""
    addrs = [(a, i) for i, ips in _node_addresses(h, px).items() for a in ips]
    if not addrs:
        return f"; -dest {dest}: the node's addresses are not in the evidence"
    for x in items:
        for a, iface in addrs:
            if _holds(x, a, cluster, nft):
                return f"; -dest {x} holds {a}, the node's address on {iface}"
    return None


def _dest_question(
    s: Subject, h: Host, px: ProxmoxHost, head: str, unsettled: list[str], daemon: str | None
) -> Outcome:
    """HVA-313's question of an ACCEPT of every TCP port from any source whose -dest holds none
    of the addresses /etc/network/interfaces gives, on a node whose own report of its addresses
    (`ip addr`) was not read (R26P-2): an address DHCP, SLAAC or a script gave it is in no file,
    and a -dest holding it narrows which address, not which port (R25P-1). `daemon`: why
    whether the firewall daemon runs is unknown too; then one question asks both, as
    `_gateway_question` does."""
    both = daemon is not None
    rules = "; ".join(unsettled[:4])
    return manual(
        s,
        f"{head} if {rules} names none of the node's addresses: the rule accepts every TCP "
        "port from any source to a -dest holding none of those /etc/network/interfaces gives "
        "it, and the node's own list of its addresses was not read, so whether the -dest holds "
        "one it has (DHCP, SLAAC, a script) is not in the evidence"
        + (
            f"; and whether pve-firewall or proxmox-firewall applies the rules on node {h.name} "
            f"is not in the evidence ({daemon})"
            if both
            else ""
        ),
        *px.cluster_firewall.sources,
        *px.host_firewall.sources,
        *px.interfaces.sources,
        *h.facts.addresses.sources,
        *(h.facts.programs.sources if both else ()),
        question=f"Does every -dest of these rules ({rules}) hold none of node {h.name}'s own "
        "addresses"
        + (
            f", and is pve-firewall (or proxmox-firewall, with host.fw `nftables: 1`) running and "
            f"enabled on node {h.name}"
            if both
            else ""
        )
        + f"? Evidence: `ip -br addr` on {h.name} (every interface's addresses)"
        + (
            "; `pve-firewall status` and `systemctl is-active pve-firewall proxmox-firewall`, "
            "`systemctl is-enabled pve-firewall proxmox-firewall` there"
            if both
            else ""
        )
        + ". Pass: yes, none of them"
        + (", and the daemon running and enabled" if both else "")
        + "; fail: a -dest holds one of its addresses, so the rule admits every TCP port of it, "
        "the web UI's and SSH's included, from any source"
        + (", or no daemon applies the rules" if both else "")
        + ".",
    )


def _resolve_alias(text: str, cluster: FirewallFile) -> str:
    """An IP set entry or rule source as the address it stands for: pve-firewall aliases
    ("IP Aliases": a name for an address or network, usable inside IP sets and in rules'
    source/dest), `dc/name` the datacenter's; an address or unknown name is returned as is."""
    name = text.strip().lower().removeprefix("dc/")
    return cluster.aliases.get(name, text.strip())


def _scoped_alias(text: str, cluster: FirewallFile, own: FirewallFile | None) -> str:
    """An IP set entry or rule element of a VM's file `own` (None: the cluster's or the node's)
    as the address it stands for, as pve-firewall's resolve_alias reads it: a `guest/` name is
    the VM's own alias alone, a `dc/` name the cluster's alone, a bare name the VM's own first,
    then the cluster's (github:proxmox/pve-firewall 6f1311f src/PVE/Firewall.pm resolve_alias
    `$scope ne 'dc/'`, `$scope ne 'guest/'`; generate_ipset_chains strips the entry's
    `(dc/|guest/)` prefix into that scope). An address, a network, or a name neither file
    defines is returned as is (R32P-1: a VM set's `guest/name` entry was left unresolved)."""
    scope, _, bare = text.strip().rpartition("/")
    if scope in ("", "guest") and own is not None and bare.lower() in own.aliases:
        return own.aliases[bare.lower()]
    return _resolve_alias(text, cluster) if scope in ("", "dc") else text.strip()


def _wide(item: str, cluster: FirewallFile) -> bool:
    """A rule's -source/-dest item that admits a /7 (IPv6 /32) or wider network: an address, an alias, or
    an IP set (`+name`, `+dc/name`: pve-firewall matches the set's entries, so a set holding a
    wide entry, or an alias of one, is as wide; its `!` exceptions take out only their own
    addresses). A host.fw has no IP sets of its own: a set named there is the cluster's.
    The `management` set also holds the local network (MANAGEMENT_LOCAL_NETWORK)."""
    text = item.strip()
    if text.startswith("+"):
        if _set_file(text, cluster, None) is None:
            return False  # the SDN's set, or none: pve-firewall skips the rule (R33P-3)
        name = text[1:].lower().removeprefix("dc/")
        local = cluster.aliases.get(MANAGEMENT_LOCAL_NETWORK)
        if name == "management" and local and _is_wide(local):
            return True
        return any(
            not e.nomatch and _is_wide(_resolve_alias(e.cidr, cluster))
            for e in cluster.usable(name)
        )
    return _is_wide(_resolve_alias(text, cluster))


def _set_file(item: str, cluster: FirewallFile, fw: FirewallFile | None) -> FirewallFile | None:
    """The file whose IP set a rule's `+[scope/]name` is, as pve-firewall's
    ipt_gen_src_or_dst_match looks it up (github:proxmox/pve-firewall 6f1311f
    src/PVE/Firewall.pm: `$is_scope->('guest') && $fw_conf->{ipset}->{$name}`, then `dc`
    in `$cluster_conf`, then `sdn` in `$cluster_conf->{sdn}`): the rule's own file `fw` (a
    VM's; None for the node's host.fw, which has no sets, and a security group's) for no
    scope or `guest/`, the cluster's for no scope or `dc/`. None for a set of the SDN (`sdn/`,
    or a name neither file defines: built from the SDN configuration, not in this evidence)
    and for a `guest/` set the rule's file lacks: there pve-firewall dies "no such ipset",
    and ruleset_generate_vm_rules and the host chain (enable_host_firewall) skip the rule in
    their `eval` (R33P-3: a DROP of `+sdn/all4` or `+guest/all4` closed IPv4 through the
    cluster's `all4`). verify_rule accepts the rule where any of them has the name."""
    scope, _, bare = item.strip().lstrip("+").rpartition("/")
    name = bare.lower()
    if scope in ("", "guest") and fw is not None and name in fw.ipsets:
        return fw
    if scope in ("", "dc") and (name in cluster.ipsets or name == "management"):
        return cluster
    return None


def _fw_networks(
    items: Iterable[str], cluster: FirewallFile, fw: FirewallFile | None = None
) -> tuple[list[_Net], list[_Net]]:
    """The networks these -source/-dest items or IP set entries hold (aliases resolved, an IP set
    `+name` as its loaded entries; a VM's own file `fw` first, as `_item_versions` reads it), and
    those of the sets' `!` exceptions; an item that is no address, network or range (an
    unknown alias) holds none."""

    def nets(text: str, own: FirewallFile | None) -> list[_Net]:
        text = _scoped_alias(text, cluster, own)
        try:
            if "-" in text:
                first, last = (ipaddress.ip_address(x.strip()) for x in text.split("-", 1))
                return list(ipaddress.summarize_address_range(first, last))
            return [ipaddress.ip_network(text, strict=False)]
        except (ValueError, TypeError):
            return []

    held: list[_Net] = []
    holes: list[_Net] = []
    for item in (x.strip() for x in items):
        scope, _, bare = item.lstrip("+").rpartition("/")
        own = fw if fw is not None and scope != "dc" else None
        if item.startswith("+"):
            name = bare.lower()
            ipset = _set_file(item, cluster, fw)
            for e in ipset.usable(name) if ipset is not None else ():
                (holes if e.nomatch else held).extend(nets(e.cidr, own))
        elif item:
            held.extend(nets(bare if own is not None and scope == "guest" else item, own))
    return held, holes


def _together(
    items: Iterable[str], cluster: FirewallFile, fw: FirewallFile | None = None
) -> dict[int, str]:
    """The IP versions in which these -source items or IP set entries admit together as many
    public addresses (outside _PRIVATE) as a /7 (IPv6 /32) network, each in words (`2^25 (a /7)
    public IPv4 addresses together, as many as a /7 network or more`), R29P-3: two /8s of a
    cloud provider's space are a /7's worth, which `_is_wide` reads entry by entry and HVA-305
    counts together (R25P-2). A set's `!` exceptions are taken out."""
    held, holes = _fw_networks(items, cluster, fw)
    out = {}
    for family, bits in ((4, 32 - 7), (6, 128 - IPV6_WIDE_PREFIX)):
        count = _public_addresses(
            _minus(
                [n for n in held if n.version == family], [n for n in holes if n.version == family]
            )
        )
        if count >= 2**bits:
            out[family] = (
                f"{_span(count, family)} public IPv{family} addresses together, as many as a "
                f"/{32 - bits if family == 4 else IPV6_WIDE_PREFIX} network or more"
            )
    return out


def _wide_together(items: Iterable[str], cluster: FirewallFile) -> str:
    """`_together`'s words for the first IP version these items are wide in together, or ''."""
    return next(iter(_together(items, cluster).values()), "")


def _is_wide(cidr: str) -> bool:
    """An IPv4 network of /7 or wider (0.0.0.0/0 is every IPv4 address), or an address range holding
    at least as many addresses as a /7 of its family. A rule's -source/-dest may be a range
    `A-B` (pve-firewall parse_address_list takes one `-` element through Net::IP, "you can't
    use a range in a list"; ruleset_generate_match makes it `-m iprange --src-range A-B`,
    github:proxmox/pve-firewall src/PVE/Firewall.pm), so `0.0.0.0-255.255.255.255` admits
    every IPv4 source as 0.0.0.0/0 does (P13-3). The prefix is read as a number, as Net::IP
    and iptables read it (`/07` is /7). An IPv6 network is wide at /32 or wider (L17-3): /32
    is the regional registries' minimum allocation to an LIR (RIPE NCC, LACNIC, AFRINIC;
    APNIC prop-111: "IPv6 minimum allocation size to LIRs is defined as /32"), address space
    an ISP hands out to other organisations, each site a /48 (RFC 6177); IPv4's /7 would
    leave `2001::/16`, which spans several registries' blocks, narrow."""
    text = cidr.strip()
    if "-" in text:
        lo, _, hi = text.partition("-")
        try:
            a, b = ipaddress.ip_address(lo.strip()), ipaddress.ip_address(hi.strip())
        except ValueError:
            return False
        if a.version != b.version:
            return False
        bits = 32 - 7 if a.version == 4 else 128 - IPV6_WIDE_PREFIX
        return bool(int(b) - int(a) + 1 >= 2**bits)
    m = re.search(r"/(\d+)$", text, re.A)
    return m is not None and int(m.group(1)) <= (IPV6_WIDE_PREFIX if ":" in text else 7)


#: The IPv6 prefix length at or below which a -source/-dest or IP set entry is wide (L17-3,
#: `_is_wide`): the registries' minimum allocation to an LIR.
IPV6_WIDE_PREFIX = 32


def _item_versions(
    item: str, cluster: FirewallFile, every: bool, fw: FirewallFile | None = None
) -> set[int]:
    """The IP versions for which a rule's -source/-dest element admits a wide network (`_wide`),
    or, with `every`, every address of the version: a /0, a range from the first address to
    the last, an alias of one, or an IP set whose entries of the version together cover every
    address with no `!` exception among them. pve-firewall splits a set by version
    (generate_ipset_chains: `$nethash->{$ver}->{$cidr}`, then one ipset PVEFW-<vmid>-<name>-v4
    and one -v6 per set) and a rule naming a set matches each chain's packets against that
    version's set (ipt_gen_src_or_dst_match: compute_ipset_chain_name($vmid, $name,
    $ipversion); github:proxmox/pve-firewall 6f1311f src/PVE/Firewall.pm): a set holding IPv4
    entries only matches no IPv6 packet (L18-5P). A VM's rule (`fw`, the VM's own file) names
    its own set or alias first, then the cluster's (scopes `guest/` and `dc/`), and its set's
    alias entries resolve the same way (ipt_gen_src_or_dst_match, resolve_alias)."""
    text = item.strip()
    scope, _, bare = text.lstrip("+").rpartition("/")
    own = fw if fw is not None and scope != "dc" else None

    def resolve(entry: str) -> str:
        return _scoped_alias(entry, cluster, own)

    if not text.startswith("+"):
        target = resolve(bare) if own is not None and bare.lower() in own.aliases else text
        target = _resolve_alias(target, cluster)
        version = 6 if ":" in target else 4
        return {version} if (_is_every(target) if every else _is_wide(target)) else set()
    name = bare.lower()
    entries: list[tuple[IpsetEntry | None, str]]
    ipset = _set_file(text, cluster, fw)
    if ipset is None:
        # the SDN's set, or none: pve-firewall skips the rule (R33P-3)
        return set()
    if ipset is not cluster:
        entries = [(e, resolve(e.cidr)) for e in ipset.usable(name)]
    else:
        entries = [(e, _resolve_alias(e.cidr, cluster)) for e in cluster.usable(name)]
        local = cluster.aliases.get(MANAGEMENT_LOCAL_NETWORK)
        if name == "management" and local:
            entries.append((None, local))
    out: set[int] = set()
    for version in (4, 6):
        mine = [(e, t) for e, t in entries if (":" in t) == (version == 6)]
        if not every:
            if any((e is None or not e.nomatch) and _is_wide(t) for e, t in mine):
                out.add(version)
            continue
        if any(e is not None and e.nomatch for e, t in mine):
            continue
        nets = [n for _, t in mine if (n := _network(t)) is not None]
        whole = ipaddress.ip_network("0.0.0.0/0" if version == 4 else "::/0")
        if whole in list(ipaddress.collapse_addresses(nets)):  # type: ignore[type-var]
            out.add(version)
    return out


def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """An IP set entry (an address or a network) as a network, None for a range or a typo."""
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def _is_every(cidr: str) -> bool:
    """Every address of its IP version: a /0 network or a range from the first address to the
    last (`0.0.0.0-255.255.255.255`)."""
    text = cidr.strip()
    if "-" in text:
        lo, _, hi = text.partition("-")
        try:
            a, b = ipaddress.ip_address(lo.strip()), ipaddress.ip_address(hi.strip())
        except ValueError:
            return False
        return a.version == b.version and int(a) == 0 and int(b) == 2**a.max_prefixlen - 1
    m = re.search(r"/([0-9]+)$", text, re.A)
    return m is not None and int(m.group(1)) == 0


def _rule_versions(
    opts: Mapping[str, object],
    versions: set[int],
    cluster: FirewallFile,
    every: bool,
    fw: FirewallFile | None = None,
) -> set[int]:
    """The IP versions of `versions` for which a rule's -source and -dest (each a list, as
    wide as its widest element, P14-1, or as its elements together, R29P-3) are wide, or with `every` cover every address of the
    version (a DROP that leaves some sources to a later rule closes nothing for it: L18-5P).
    `fw`: a VM's own file, whose sets and aliases its rules name first (`_item_versions`)."""
    out = set(versions)
    for key in ("source", "dest"):
        items = [x for x in str(opts.get(key) or "").split(",") if x.strip()]
        if items:
            wide = set().union(*(_item_versions(x, cluster, every, fw) for x in items))
            if not every:
                # narrow elements as wide as a /7 together (R29P-3)
                wide |= set(_together(items, cluster, fw))
            out &= wide
    return out


def _port_count_left(
    spec: str, taken: list[tuple[int, int]], names: Mapping[str, int] | None = None
) -> int:
    """How many ports of a -dport list (`_pve_ports`; empty: every port) remain when those
    `taken` (intervals an earlier DROP or REJECT took) are left out."""
    if not taken:
        return _pve_ports(spec or "0:65535", names)
    left, end = 0, -1
    for lo, hi in sorted(_pve_port_intervals(spec, names) if spec else [(0, 65535)]):
        lo = max(lo, end + 1)
        end = max(end, hi)
        if lo > hi:
            continue
        # the ports lo..hi no taken interval holds
        inside, last = 0, lo - 1
        for a, b in sorted(taken):
            a, b = max(a, last + 1), min(b, hi)
            if a <= b:
                inside += b - a + 1
                last = b
        left += hi - lo + 1 - inside
    return left


@check(
    id="HVA-314",
    title="Containers on a hypervisor node are unprivileged and confined",
    scope="container",
    severity=Severity.HIGH,
    recommendations={
        "sp800-125a-2014": ["HY-SR-1", "HY-SR-5"],
        "sp800-125a-r1": ["HY-SR-7"],
    },
    interpretations={
        "sp800-125a-2014:HY-SR-1": "a container shares the node's kernel: every container on a "
        "hypervisor node turns it towards a hosted platform, and a privileged or unconfined one is "
        "a path from a workload to the kernel every VM of the node depends on",
        "sp800-125a-2014:HY-SR-5": "the container's processes run beside the hypervisor's, so "
        "their privilege and confinement are those of hypervisor-level code",
        "sp800-125a-r1:HY-SR-7": "device pass-through and host mounts into a container are device "
        "access outside the per-VM device list",
    },
    remediation="Recreate the container unprivileged (restore a backup with --unprivileged 1), "
    "remove lxc.apparmor.profile: unconfined and other raw lxc.* keys, turn off nesting unless "
    "needed, and pass no host devices or host paths; or move the workload into a VM.",
    platforms=PVE,
)
def containers_confined(ctx: Context) -> Iterator[Outcome]:
    """An LXC container on a Proxmox node runs on the node's own kernel, beside the QEMU processes
    of every VM. pct.adoc: a container is privileged unless `unprivileged: 1` (container root is
    then root on the node, kept in only by AppArmor and seccomp); `lxc.apparmor.profile:
    unconfined` removes the AppArmor profile; the `nesting` feature relaxes it (it exposes the
    host's procfs and sysfs), and so does `mount=` (mount rules for the types it lists; pct.adoc:
    it "can have negative effects on the container's security") and `fuse` (the node's
    /dev/fuse bound in, with a mount rule for fuse); `devN`, `mpN` with a host path, `lxc.mount.entry` and
    `lxc.cgroup2.devices.allow` hand host devices and files in; any raw `lxc.*` key is outside
    Proxmox's control. Every one of them is reported, per container, and so is one the
    container's `[pve:pending]` section adds at its next start (pve-container parse_pct_config
    `[pve:pending]` header, any case; vmconfig_apply_pending at start), as a VM's [PENDING] is.
    Proxmox's generated profile confines only where the node's AppArmor is enabled and
    enforcing (`_node_apparmor_off`): where it is off or in complain mode every container
    fails, and where the node's AppArmor is not in the evidence (a copied tree, the API) a
    container that would pass is asked (R27P-2). A container whose configuration file was
    listed but not read is asked too (R27P-1), and so, once per node, are the containers the
    API token may not see (R28P-1: GET /cluster/resources lists only those it holds VM.Audit
    on)."""
    for h in ctx.deployment.hosts:
        px = _px(h)
        if px is None:
            continue
        if px.guests_unseen:
            # a container the API token may not see is no subject here: asked, never "no
            # container" (R28P-1)
            yield manual(
                host_subject(h),
                f"the guest list of node {h.name} may be incomplete: {px.guests_unseen}",
                question=f"Is every container on node {h.name} that this report does not list "
                "unprivileged, on Proxmox's generated AppArmor profile, without nesting, fuse or "
                "mount= features, host devices, host paths or raw lxc.* keys? Evidence: `pct "
                f"list` run as root on {h.name} and `pct config <vmid>` of each container "
                "missing here. Pass: yes, or there is none; fail: any of them.",
            )
        for kind, vmid, why in px.unread_guests:
            # a container listed but not read exists: its confinement is not in the evidence,
            # never "no container" (R27P-1)
            if kind == "container":
                yield manual(
                    Subject("container", f"ct{vmid}", h.name, vmid),
                    f"container {vmid}: its configuration was not read ({why})",
                    question=f"Is container {vmid} on node {h.name} unprivileged, on Proxmox's "
                    "generated AppArmor profile, without nesting, fuse or mount= features, host "
                    "devices, host paths or raw lxc.* keys? Evidence: `pct config "
                    f"{vmid}` on {h.name}. Pass: yes; fail: any of them.",
                )
        aa = h.facts.apparmor_profiles
        off = _node_apparmor_off(h)
        for c in px.containers:
            s = container_subject(c, h.name)
            bad = _unconfined(c)
            if off and c.apparmor != "unconfined":
                bad.append(off)
            later = [b for b in _unconfined(c.next_start) if b not in bad] if c.next_start else []
            if later:
                bad.append(f"at its next start ([pve:pending]): {'; '.join(later)}")
            extra = [f for f in c.features if f != "nesting"]
            head = (
                "unprivileged, Proxmox's AppArmor profile, no nesting, no host devices or paths"
                + (f" (features: {', '.join(extra)})" if extra else "")
            )
            if bad:
                yield failed(s, "; ".join(bad), c.source, *(aa.sources if off else ()))
            elif not aa.known:
                # the generated profile confines only where the node's AppArmor is enabled
                # (`_node_apparmor_off`): a configuration file is no profile observed (R27P-2)
                yield manual(
                    s,
                    f"{head}; whether AppArmor is enabled on node {h.name} is not in the "
                    f"evidence ({aa.reason})",
                    c.source,
                    *aa.sources,
                    question=f"Is AppArmor enabled and enforcing on node {h.name}, so that "
                    f"container {c.name} runs under Proxmox's generated profile? Evidence: "
                    f"`cat /sys/module/apparmor/parameters/enabled` (Y) and `aa-status` on "
                    f"{h.name} (profile lxc-{c.vmid}_</var/lib/lxc> in enforce mode while the "
                    "container runs). Pass: yes; fail: AppArmor disabled, or the profile in "
                    "complain mode.",
                )
            else:
                yield passed(s, head, c.source)


def _node_apparmor_off(h: Host) -> str:
    """Why the node's AppArmor confines no container, '' where it does or is not known
    (R27P-2). pve-container 94f5585 LXC.pm make_apparmor_config writes `lxc.apparmor.profile =
    generated` and its `lxc.apparmor.raw` lines; LXC applies them through its AppArmor driver
    only: src/lxc/lsm/lsm.c lsm_init_static takes lsm_apparmor_ops_init(), which returns NULL
    where apparmor_enabled() is false (/sys/module/apparmor/parameters/enabled not `Y`), and
    then the nop driver, whose nop_prepare and process_label_set do nothing (src/lxc/lsm/nop.c;
    read with `find_string`): the container starts under no profile, as `unconfined` does.
    AppArmor's global mode `complain` (or another but enforce and kill) makes every profile
    log only (security/apparmor/include/policy.h COMPLAIN_MODE; hvaudit.parse.host
    `_apparmor_global_mode`)."""
    aa = h.facts.apparmor_profiles
    if not aa.known:
        return ""
    profiles = aa.get()
    if profiles is None:
        return (
            f"AppArmor is not enabled on node {h.name}: LXC starts the container under no "
            "profile (its nop security driver), as lxc.apparmor.profile: unconfined does"
        )
    glob = sorted({m for m in profiles.values() if ": " in m})
    if glob:
        mode, _, where = glob[0].partition(": ")
        return (
            f"AppArmor's global mode on node {h.name} is {mode} ({where}): the container's "
            "profile only logs what it would deny"
        )
    return ""


def _unconfined(c: Container) -> list[str]:
    """What lets a container reach beyond its confinement (HVA-314), each as it is reported."""
    bad = []
    if c.privileged:
        bad.append("privileged (unprivileged not set: container root is root on the node)")
    if c.apparmor == "unconfined":
        bad.append("lxc.apparmor.profile: unconfined")
    elif c.apparmor:
        bad.append(f"lxc.apparmor.profile: {c.apparmor} (not Proxmox's generated profile)")
    if c.nesting:
        bad.append("nesting on (host procfs and sysfs exposed)")
    # features mount=: pve-container make_apparmor_config adds `lxc.apparmor.raw = mount
    # fstype=FS,` for each listed type, relaxing the profile as nesting does; its description:
    # "can have negative effects on the container's security. With access to a loop device,
    # mounting a file can circumvent the mknod permission of the devices cgroup, mounting an NFS
    # file system can block the host's I/O completely" (LXC/Config.pm $features_desc, P16-5)
    bad += [
        f"features {f} (the AppArmor profile lets the container mount these)"
        for f in c.features
        if f.startswith("mount=")
    ]
    # features fuse: pve-container LXC.pm update_lxc_config adds `lxc.apparmor.raw = mount
    # fstype=fuse,` and `lxc.mount.entry = /dev/fuse dev/fuse none bind,create=file`: the
    # node's FUSE device handed in and a mount rule, as mount= and a host device are (P17-4;
    # LXC/Config.pm: "interactions between fuse and the freezer cgroup can potentially cause
    # I/O deadlocks")
    if "fuse" in c.features:
        bad.append(
            "features fuse (the node's /dev/fuse is bound in and the AppArmor profile lets the "
            "container mount fuse file systems)"
        )
    if c.devices:
        bad.append(f"host devices: {', '.join(c.devices[:4])}")
    if c.host_mounts:
        bad.append(f"host paths mounted: {', '.join(c.host_mounts[:4])}")
    if c.raw_keys:
        bad.append(f"raw LXC keys: {', '.join(c.raw_keys[:4])}")
    return bad
