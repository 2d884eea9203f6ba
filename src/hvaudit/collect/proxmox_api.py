"""The Proxmox VE API collector, read-only, through proxmoxer with an API token.

Target `pve+api://HOST[:PORT]/[NODE]`: with NODE, that node (laid out like a node's own files);
without, every online node of the cluster (node-local answers under `pve/node/<name>/`, VM configs
where the cluster file system keeps them, `/etc/pve/nodes/<name>/qemu-server/`). The token comes from the environment, never the command
line: `HVAUDIT_PVE_TOKEN="audit@pve!hvaudit=<secret>"`; the built-in role PVEAuditor on `/` is
enough. TLS is verified (against `--ca-file` when given); `--no-verify-tls` is for labs only.

Every answer is rendered into the file format the node itself keeps (`qemu-server/<vmid>.conf`,
`cluster.fw`, `user.cfg`, `storage.cfg`, `corosync.conf`, `interfaces`) under the same artefact
paths as the files collector, so one parser and one model serve both paths. What the API does not
expose (`/etc/default/pveproxy`) is recorded as unavailable, not guessed.

Calls made (all GET): /nodes, /cluster/resources?type=vm (guests and their run state),
/nodes/{node}/qemu/{vmid}/config?current=1 and /pending, /nodes/{node}/lxc/{vmid}/config?current=1,
/nodes/{node}/qemu/{vmid}/firewall/{options,rules,aliases,ipset,ipset/{name}},
/cluster/firewall/{options,rules,ipset,ipset/{name},aliases,groups,groups/{group}},
/nodes/{node}/firewall/{options,rules}, /cluster/options, /storage,
/access/{users,groups,roles,acl,tfa,domains}, /cluster/config/{totem,nodes}, /nodes/{node}/network,
/nodes/{node}/status, /cluster/sdn/{vnets,zones}?running=1, /nodes/{node}/sdn/zones/{zone}/bridges,
/cluster/mapping/pci, /cluster/ha/resources, /access/permissions (the token's own effective
privileges: which guests /cluster/resources may leave out, R28P-1).

GET /nodes/{node}/network is pve-common's reading of /etc/network/interfaces alone (PVE::Network::
Interfaces __read_etc_network_interfaces ends a stanza at a `source` line and follows none; INotify
read_file answers /etc/network/interfaces.new, the changes not yet applied, when it exists): what
the files it sources set is not in the answer (hvaudit.parse.proxmox_model says so). The live
bridges (`vlan_filtering` from `ip link`) come from pve-network's bridges endpoint where the node
has it.
"""

from __future__ import annotations

import functools
import os
import re
import urllib.parse
from collections.abc import Callable
from typing import Any

from hvaudit.bundle import BundleWriter, dump_json, utc_now
from hvaudit.collect.proxmox import (
    NODE_NAME,
    TFA_ARTEFACT,
    in_cluster,
    node_artefact,
    pve_artefact,
)
from hvaudit.errors import CollectionError, UsageError, one_line, system_cause
from hvaudit.parse import proxmox as pve
from hvaudit.redact import remember

__all__ = [
    "HA_RESOURCES",
    "PCI_MAPPINGS",
    "PERMISSIONS",
    "SDN_RUNNING",
    "TOKEN_ENV",
    "ProxmoxApiCollector",
    "bridges_artefact",
    "run_state_artefact",
]

TOKEN_ENV = "HVAUDIT_PVE_TOKEN"  # noqa: S105 - the name of an environment variable


def run_state_artefact(node: str) -> str:
    """Where the API path keeps the run state (`status`) of a node's VMs: vmid -> status."""
    return f"pve/api/run-state/{node}.json"


def bridges_artefact(node: str) -> str:
    """Where the API path keeps a node's live Linux bridges: zone -> the answer of GET
    /nodes/{node}/sdn/zones/{zone}/bridges (each bridge's `vlan_filtering` as the kernel has it,
    read from `ip link` by pve-network's API2/Network/SDN/Nodes/Zone.pm `bridges`)."""
    return f"pve/api/bridges/{node}.json"


#: The SDN configuration last applied (pve-network PVE::Network::SDN running_config:
#: /etc/pve/sdn/.running-config, JSON); qemu-server plugs a VM's port from it
#: (PVE::Network::SDN::Zones::tap_plug -> Vnets::get_vnet($bridge, 1)).
SDN_RUNNING = "/etc/pve/sdn/.running-config"


def render_sdn_running(vnets: list[dict[str, Any]], zones: list[dict[str, Any]]) -> str:
    """/etc/pve/sdn/.running-config from GET /cluster/sdn/{vnets,zones}?running=1: the applied
    VNets and zones under `ids`, as pve-network keeps them."""

    def ids(items: list[dict[str, Any]], key: str) -> dict[str, Any]:
        return {
            str(i[key]): {k: v for k, v in i.items() if k not in (key, "digest", "state")}
            for i in items
            if isinstance(i, dict) and i.get(key)
        }

    return dump_json(
        {"vnets": {"ids": ids(vnets, "vnet")}, "zones": {"ids": ids(zones, "zone")}}
    ).decode()


PCI_MAPPINGS = "/etc/pve/mapping/pci.cfg"
PERMISSIONS = "pve/api/permissions.json"
"""The token's effective privileges, GET /access/permissions without a path (pve-access-control
API2/AccessControl.pm `permissions`, which every user and token may ask of itself:
RPCEnvironment get_effective_permissions, path -> privilege -> propagate, for `/`, `/access`,
`/nodes`, `/pool`, `/sdn`, `/storage`, `/vms`, every ACL path and every pool member's `/vms/<id>`,
a path where it holds nothing left out). GET /cluster/resources lists only the guests the token
holds VM.Audit on (pve-manager PVE/API2/Cluster.pm resources: `next if !$rpcenv->check($authuser,
"/vms/$vmid", ['VM.Audit'], 1)`), so these say whether the guest list is the node's (R28P-1)."""
HA_RESOURCES = "/etc/pve/ha/resources.cfg"


def render_ha_resources(resources: list[dict[str, Any]]) -> str:
    """/etc/pve/ha/resources.cfg from GET /cluster/ha/resources (pve-ha-manager API2/HA/
    Resources.pm index: each section's options and its `sid`, `vm:<vmid>` or `ct:<vmid>`):
    the header and the requested `state` where the file sets one."""
    out = []
    for r in resources if isinstance(resources, list) else []:
        sid = r.get("sid") if isinstance(r, dict) else None
        if not isinstance(sid, str) or not re.fullmatch(r"[a-z]+:[0-9]+", sid):
            continue
        kind, _, vmid = sid.partition(":")
        state = f"\tstate {_one_line(r['state'])}\n" if r.get("state") is not None else ""
        out.append(f"{kind}: {vmid}\n{state}")
    return "\n".join(out)


def render_pci_mappings(mappings: list[dict[str, Any]]) -> str:
    """/etc/pve/mapping/pci.cfg from GET /cluster/mapping/pci: each mapping's id and `map`
    entries as the SectionConfig file writes them (a header line, tab-indented options, an
    empty line between sections)."""
    out = []
    for m in mappings if isinstance(mappings, list) else []:
        if not isinstance(m, dict) or not isinstance(m.get("id"), str):
            continue
        entries = m.get("map")
        lines = (
            [f"\tmap {_one_line(e)}\n" for e in entries if isinstance(e, str)]
            if isinstance(entries, list)
            else []
        )
        out.append(f"{_one_line(m['id'])}\n" + "".join(lines))
    return "\n".join(out)


def _one_line(text: object) -> str:
    """A hostile API value must not become a second line of the rendered file."""
    return " ".join(str(text).splitlines())


def _value(v: Any) -> str:
    if isinstance(v, dict):
        first = [f"{v['type']}"] if "type" in v else []
        return _one_line(",".join(first + [f"{k}={x}" for k, x in v.items() if k != "type"]))
    if isinstance(v, list):
        return _one_line(",".join(str(x) for x in v))
    return _one_line(v)


def render_config(
    config: dict[str, Any], pending: list[dict[str, Any]] | None = None, header: str = "[PENDING]"
) -> str:
    """A qemu-server configuration file from an API config dict (the current values, GET
    .../config?current=1) and, when given, the answer of GET .../pending as its `[PENDING]`
    section: each `pending` value, and the keys to delete (`delete` 2 forces: `!key`), as
    qemu-server writes them; a container's section is `[pve:pending]` (`header`), as
    pve-container's write_pct_config writes it."""
    lines = [f"#{line}" for line in str(config.get("description", "")).splitlines()]
    lines += [
        f"{_one_line(k)}: {_value(v)}"
        for k, v in sorted(config.items())
        if k not in ("digest", "description", "lxc")
    ]
    raw = config.get("lxc")  # a container's raw LXC keys: [[key, value], ...]
    if isinstance(raw, list):
        lines += [
            f"{_one_line(kv[0])}: {_one_line(kv[1])}"
            for kv in raw
            if isinstance(kv, list) and len(kv) == 2 and str(kv[0]).startswith("lxc.")
        ]
    changed = [p for p in pending or [] if isinstance(p, dict) and p.get("key")]
    later = [
        f"{_one_line(p['key'])}: {_value(p['pending'])}"
        for p in changed
        if "pending" in p and p["key"] not in ("digest", "delete")
    ]
    gone = [
        ("!" if str(p["delete"]) == "2" else "") + _one_line(p["key"])
        for p in changed
        if str(p.get("delete", "0")) not in ("", "0")
    ]
    if later or gone:
        lines += ["", header, *later, *([f"delete: {','.join(gone)}"] if gone else [])]
    return "\n".join(lines) + "\n"


def _rule(r: dict[str, Any]) -> str:
    head = "|" if str(r.get("enable", 1)) == "0" else ""
    kind = str(r.get("type", "in")).upper()
    action = f"{r['macro']}({r.get('action', '')})" if r.get("macro") else str(r.get("action", ""))
    # as pve-firewall writes a rule (PVE::Firewall $format_rules, parse_fw_rule: `-i` for the
    # interface, `-p` for the protocol; a `-iface` it refuses, dropping the rule)
    flag = {"iface": "i", "proto": "p"}
    opts = [
        f"-{flag.get(k, k)} {r[k]}"
        for k in ("iface", "source", "dest", "proto", "dport", "sport", "icmp-type", "log")
        if r.get(k)
    ]
    comment = f" # {r['comment']}" if r.get("comment") else ""
    return _one_line(f"{head}{kind} {action} {' '.join(opts)}".rstrip() + comment)


def _entry(e: dict[str, Any]) -> str:
    """An IP set entry as pve-firewall writes it: `[!]cidr [# comment]`."""
    text = ("!" if str(e.get("nomatch", 0)) == "1" else "") + str(e.get("cidr", ""))
    return _one_line(text + (f" # {e['comment']}" if e.get("comment") else ""))


def render_firewall(
    options: dict[str, Any],
    rules: list[dict[str, Any]],
    ipsets: dict[str, list[dict[str, Any]]],
    aliases: dict[str, str] | None = None,
    groups: dict[str, list[dict[str, Any]]] | None = None,
) -> str:
    """A firewall file from API options, rules, IP sets, aliases and security groups, in the
    order pve-firewall writes them (options, aliases, IP sets, rules, groups)."""

    def ordered(rs: list[dict[str, Any]]) -> list[str]:
        return [_rule(r) for r in sorted(rs, key=lambda r: int(r.get("pos", 0)))]

    out = ["[OPTIONS]"] + [
        f"{_one_line(k)}: {_value(v)}" for k, v in sorted(options.items()) if k != "digest"
    ]
    if aliases:
        out += ["", "[ALIASES]"] + [
            f"{_one_line(k)} {_one_line(v)}" for k, v in sorted(aliases.items())
        ]
    for name, entries in sorted(ipsets.items()):
        out += ["", f"[IPSET {_one_line(name)}]", *(_entry(e) for e in entries)]
    out += ["", "[RULES]", *ordered(rules)]
    for name, grules in sorted((groups or {}).items()):
        out += ["", f"[group {_one_line(name)}]", *ordered(grules)]
    return "\n".join(out) + "\n"


def render_realms(domains: list[dict[str, Any]]) -> str:
    """domains.cfg from /access/domains (realm and type; options are not needed). The index's
    `tfa` is the realm's second-factor type alone (pve-access-control 5ccd07d
    src/PVE/API2/Domains.pm index: `$entry->{tfa} = $tfa_cfg->{type}`, given only where
    parse_tfa_config read the realm's `tfa` whole), so it is written as domains.cfg spells it,
    `tfa type=<type>`: $tfa_format has no default key, and a bare `tfa oath` is a value
    pve-access-control refuses (R30P-2)."""
    out = []
    for d in domains:
        out.append(f"{_one_line(d.get('type', ''))}: {_one_line(d.get('realm', ''))}")
        if d.get("tfa"):
            out.append(f"\ttfa type={_one_line(d['tfa'])}")
        out.append("")
    return "\n".join(out)


def render_storage(storages: list[dict[str, Any]]) -> str:
    """storage.cfg from /storage."""
    out = []
    for s in storages:
        out.append(f"{_one_line(s['type'])}: {_one_line(s['storage'])}")
        out += [
            f"\t{_one_line(k)} {_value(v)}"
            for k, v in sorted(s.items())
            if k not in ("type", "storage", "digest")
        ]
        out.append("")
    return "\n".join(out)


def render_users(
    users: list[dict[str, Any]],
    groups: list[dict[str, Any]],
    roles: list[dict[str, Any]],
    acls: list[dict[str, Any]],
    tfa_users: set[str],
) -> str:
    """user.cfg from /access (the two-factor field is only marked, never copied; API tokens come
    with `/access/users?full=1`, privilege separation defaulting to 1 as pve-access-control's
    `token-privsep` option does)."""

    def field(v: object) -> str:  # user.cfg is colon-separated: a colon in a comment shifts fields
        return _one_line(v).replace(":", " ")

    out = []
    for u in users:
        keys = "x" if u["userid"] in tfa_users else ""
        out.append(
            ":".join(
                [
                    "user",
                    field(u["userid"]),
                    field(u.get("enable", 1)),
                    field(u.get("expire", 0)),
                    field(u.get("firstname", "")),
                    field(u.get("lastname", "")),
                    field(u.get("email", "")),
                    field(u.get("comment", "")),
                    keys,
                    "",
                ]
            )
        )
    out += [
        f"token:{field(u['userid'])}!{field(t['tokenid'])}:{field(t.get('expire', 0))}:"
        f"{field(t.get('privsep', 1))}:{field(t.get('comment', ''))}:"
        for u in users
        for t in u.get("tokens") or []
        if isinstance(t, dict) and t.get("tokenid")
    ]
    out += [
        f"group:{field(g['groupid'])}:{field(g.get('users', ''))}:{field(g.get('comment', ''))}:"
        for g in groups
    ]
    # built-in (special) roles too: their privileges are what the node holds, a hand-written
    # user.cfg `role:` line's additions included (pve-access-control userconfig_force_defaults
    # installs the built-in role and parse_user_config adds to it; API2/Role.pm index lists
    # them), and the parser reads a built-in role as its own privileges plus these
    out += [f"role:{field(r['roleid'])}:{field(r.get('privs', ''))}:" for r in roles]
    for a in acls:
        who = ("@" if a.get("type") == "group" else "") + str(a.get("ugid", ""))
        out.append(
            f"acl:{field(a.get('propagate', 1))}:{field(a['path'])}:{field(who)}:{field(a['roleid'])}:"
        )
    return "\n".join(out) + "\n"


#: One corosync.conf token: a value the API hands back is written only when it cannot open or
#: close a block, start a comment or a second key (corosync's exec/coroparse.c reads a line as
#: `key: value`, `name {` or `}`, `#` starting a comment), nor a second line.
_COROSYNC_TOKEN = re.compile(r"[^\s{}#:]+|[0-9A-Fa-f:.]+")
_COROSYNC_KEY = re.compile(r"[A-Za-z0-9_]+")


def _corosync_pairs(d: dict[str, Any]) -> list[tuple[str, Any]]:
    """The pairs of an API answer corosync.conf can hold as written: a key that is one name, a
    value that is a nested block or one token; anything else a hostile answer could use to add
    lines or blocks is left out (R41E lead: render_totem wrote keys and values as given)."""
    return [
        (str(k), v)
        for k, v in d.items()
        if _COROSYNC_KEY.fullmatch(str(k))
        and (
            isinstance(v, dict)
            or (isinstance(v, (str, int)) and _COROSYNC_TOKEN.fullmatch(str(v)) is not None)
        )
    ]


def render_totem(totem: dict[str, Any]) -> str:
    """corosync.conf's totem block from /cluster/config/totem (pve-cluster Corosync.pm
    parse_conf's hash: a nested block such as `interface` keyed by its link number), each key and
    value filtered by `_corosync_pairs`."""

    def block(name: str, d: dict[str, Any], indent: str) -> list[str]:
        lines = [f"{indent}{name} {{"]
        for k, v in _corosync_pairs(d):
            if isinstance(v, dict):
                for inner in v.values():
                    lines += block(
                        k, inner if isinstance(inner, dict) else {"value": inner}, indent + "  "
                    )
            else:
                lines.append(f"{indent}  {k}: {v}")
        return [*lines, f"{indent}}}"]

    return "\n".join(block("totem", totem, "")) + "\n"


def render_nodelist(nodes: list[dict[str, Any]]) -> str:
    """corosync.conf's nodelist block from GET /cluster/config/nodes: each node's scalar keys
    (`name`, `nodeid`, `quorum_votes`, `ringX_addr`), `node` (the array's key, hash_to_array)
    as `name` where the entry has none; a key or value that is not one corosync.conf token is
    left out (a hostile answer cannot open or close a block)."""
    out = []
    for n in nodes:
        entry = {"name": n.get("node"), **{k: v for k, v in n.items() if k != "node"}}
        lines = [f"    {k}: {v}" for k, v in _corosync_pairs(entry) if not isinstance(v, dict)]
        out += ["  node {", *lines, "  }"]
    return "\n".join(["nodelist {", *out, "}"]) + "\n" if out else ""


#: The `options` lines of GET /nodes/{node}/network that give the node an address: a stanza's
#: commands (R47E-1) and ifupdown2's address-virtual and vrrp macvlans (R47E-4).
_ADDRESSING_OPTIONS = ("pre-up", "up", "post-up", "address-virtual", "vrrp")


def render_interfaces(ifaces: list[dict[str, Any]]) -> str:
    """/etc/network/interfaces from /nodes/{node}/network (pve-common PVE::Network::Interfaces
    __read_etc_network_interfaces: `ovs_type` and the other Open vSwitch keys as written, an
    IPv6 address and gateway as `cidr6` and `gateway6`), with an IPv6 one as an `inet6`
    stanza. Open vSwitch keys are written as ifupdown2 reads them (`ovs-type`). The lines it
    keeps as `options`/`options6` ("A list of additional interface options", pve-manager
    PVE/API2/Network.pm index; __read_etc_network_interfaces pushes each unknown `KEY VALUE`
    line whole) are written back where they may give the node an address (`_ADDRESSING_OPTIONS`:
    NetworkInterfaces.command_addresses, R47E-1, and virtual_addresses, R47E-4); a backslash in
    one becomes a blank, so it cannot join the next rendered line."""
    names = {
        "bridge_ports": "bridge-ports",
        "bridge_stp": "bridge-stp",
        "bridge_fd": "bridge-fd",
        "bridge_vids": "bridge-vids",
        "slaves": "bond-slaves",
        "bond_mode": "bond-mode",
        "cidr": "address",
        "gateway": "gateway",
        "vlan-raw-device": "vlan-raw-device",
        # R48E-6: a VLAN interface's id where its name does not carry it (pve-common
        # PVE/Network/Interfaces.pm __read_etc_network_interfaces: `vlan-id` beside
        # `vlan-raw-device`, kept as written and taken from a `vlanN` name)
        "vlan-id": "vlan-id",
        "ovs_type": "ovs-type",
        "ovs_ports": "ovs-ports",
        "ovs_bridge": "ovs-bridge",
        "ovs_bonds": "ovs-bonds",
        "ovs_options": "ovs-options",
    }
    out = []
    for i in sorted(ifaces, key=lambda i: str(i.get("iface"))):
        name = _one_line(i["iface"])
        if i.get("autostart"):
            out.append(f"auto {name}")
        family = _one_line((i.get("families") or ["inet"])[0])
        out.append(f"iface {name} {family} {_one_line(i.get('method', 'manual'))}")
        out += [
            f"\t{names[k]} {_value(v)}" for k, v in i.items() if k in names and v not in (None, "")
        ]
        if str(i.get("bridge_vlan_aware", "0")) == "1":
            out.append("\tbridge-vlan-aware yes")
        for key in ("options", "options6"):
            lines = i.get(key)
            for line in lines if isinstance(lines, list) else []:
                text = _one_line(line).replace("\\", " ").strip()
                words = text.split(None, 1)
                if len(words) == 2 and words[0] in _ADDRESSING_OPTIONS:
                    out.append(f"\t{words[0]} {words[1]}")
        six = [(k, i.get(k)) for k in ("cidr6", "gateway6") if i.get(k) not in (None, "")]
        if six:
            out.append(f"iface {name} inet6 {_one_line(i.get('method6') or 'static')}")
            out += [
                f"\t{k.removesuffix('6').replace('cidr', 'address')} {_value(v)}" for k, v in six
            ]
        out.append("")
    return "\n".join(out)


class ProxmoxApiCollector:
    """Reads the cluster-wide configuration and one node, or every online node, through the API."""

    def __init__(
        self,
        uri: str,
        *,
        ca_file: str | None = None,
        verify_tls: bool = True,
        timeout: float = 60.0,
    ) -> None:
        parts = urllib.parse.urlsplit(uri)
        if parts.scheme != "pve+api" or not parts.hostname:
            raise UsageError(f"{uri}: expected pve+api://HOST[:PORT]/[NODE]")
        token = os.environ.get(TOKEN_ENV, "")
        user_token, sep, secret = token.partition("=")
        user, bang, name = user_token.partition("!")
        if not (sep and bang and secret and user and name):
            raise UsageError(
                f"set {TOKEN_ENV}=USER@REALM!TOKENID=SECRET (an API token with the PVEAuditor role)"
            )
        self.uri, self.host, self.port = uri, parts.hostname, parts.port or 8006
        self.node = parts.path.strip("/") or None
        self.user, self.token_name, self._secret = user, name, secret
        remember(secret)  # blanked wherever an API error or answer might echo it
        self.verify: bool | str = (ca_file or True) if verify_tls else False
        self.timeout = timeout
        self._sdn_zones: list[str] = []
        """The zones of the applied SDN configuration (read with it, before the nodes)."""

    def collect(self, writer: BundleWriter) -> None:
        """Collect; an unreachable API or a rejected token raises CollectionError (one line)."""
        try:
            from proxmoxer import ProxmoxAPI
        except ImportError:
            raise CollectionError(
                "the Proxmox API path needs proxmoxer: pip install 'hvaudit[proxmox]'"
            ) from None
        writer.meta["collector"]["proxmox"] = {
            "uri": self.uri,
            "mode": "api",
            "user": self.user,
            "token": self.token_name,
            "verify_tls": bool(self.verify),
        }
        api = ProxmoxAPI(
            self.host,
            port=self.port,
            user=self.user,
            token_name=self.token_name,
            token_value=self._secret,
            verify_ssl=self.verify,
            timeout=self.timeout,
        )
        nodes = self._fatal_list(api, "nodes")
        names = [str(n["node"]) for n in nodes if NODE_NAME.fullmatch(str(n.get("node", "")))]
        if self.node is not None and self.node not in names:
            raise CollectionError(
                f"{self.uri}: no node {self.node!r} (nodes: {', '.join(names) or 'none'})"
            )
        self._cluster_wide(api, writer)
        guests = self._fatal_list(api, "cluster/resources", type="vm")
        if self.node is not None:
            writer.add(
                pve_artefact("/etc/hostname"), f"{self.node}\n".encode(), origin="GET /nodes"
            )
            self._node(api, writer, self.node, pve_artefact, "pve/api/node-status.json")
            self._vms(api, writer, guests, self.node, "/etc/pve/qemu-server")
        else:
            states = {str(n.get("node")): _one_line(n.get("status", "online"))[:40] for n in nodes}
            collected = []
            unreached: dict[str, str] = {}
            on_node: dict[str, list[list[str]]] = {}
            for node in names:
                if states.get(node) != "online":
                    writer.error(f"node {node} is offline: not collected")
                    unreached[node] = f"GET /nodes answers its status {states.get(node)!r}"
                    # the guests GET /cluster/resources lists on it (R30P-4): each is a VM or
                    # container no check judges
                    on_node[node] = [
                        [str(g.get("type")), str(g.get("vmid")), _one_line(g.get("name", ""))[:64]]
                        for g in guests
                        if isinstance(g, dict) and str(g.get("node")) == node
                    ][:1000]
                    continue
                self._node(
                    api,
                    writer,
                    node,
                    functools.partial(in_cluster, node),
                    node_artefact(node, "/status.json"),
                )
                self._vms(api, writer, guests, node, f"/etc/pve/nodes/{node}/qemu-server")
                collected.append(node)
            writer.meta["collector"]["proxmox"]["nodes"] = collected
            writer.meta["collector"]["proxmox"]["unreached"] = unreached
            writer.meta["collector"]["proxmox"]["unreached_guests"] = on_node
        writer.record(
            "host",
            status="unavailable",
            origin="host facts",
            reason="the API path reads no host OS facts; collect the node's files over SSH for them",
        )

    def _cluster_wide(self, api: Any, writer: BundleWriter) -> None:
        """What /etc/pve holds for every node."""
        self._store(
            writer,
            pve_artefact("/etc/pve/datacenter.cfg"),
            "GET /cluster/options",
            lambda: (
                "\n".join(
                    f"{k}: {_value(v)}"
                    for k, v in sorted(self._object(api, "cluster/options").items())
                    if k != "digest"
                )
                + "\n"
            ),
        )
        self._store(
            writer,
            pve_artefact("/etc/pve/storage.cfg"),
            "GET /storage",
            lambda: render_storage(self._list(api, "storage")),
        )
        self._store(
            writer,
            pve_artefact("/etc/pve/user.cfg"),
            "GET /access/{users,groups,roles,acl,tfa}",
            lambda: render_users(
                self._list(api, "access/users", full=1),
                self._list(api, "access/groups"),
                self._list(api, "access/roles"),
                self._list(api, "access/acl"),
                {t["userid"] for t in self._list(api, "access/tfa") if t.get("entries")},
            ),
        )
        self._store(
            writer,
            TFA_ARTEFACT,
            "GET /access/tfa (entry kinds and enable flags)",
            lambda: pve.tfa_entries_from_api(self._list(api, "access/tfa")),
        )
        self._store(
            writer,
            pve_artefact("/etc/pve/firewall/cluster.fw"),
            "GET /cluster/firewall/*",
            lambda: render_firewall(
                self._object(api, "cluster/firewall/options"),
                self._list(api, "cluster/firewall/rules"),
                self._ipsets(api, "cluster/firewall"),
                {a["name"]: a["cidr"] for a in self._list(api, "cluster/firewall/aliases")},
                {
                    str(g["group"]): self._list(
                        api,
                        f"cluster/firewall/groups/{urllib.parse.quote(str(g['group']), safe='')}",
                    )
                    for g in self._list(api, "cluster/firewall/groups")
                },
            ),
        )

        # the applied SDN configuration only ever shows a port isolated: without it (no SDN on
        # the cluster, a token without SDN.Audit) no port is, and the scan is not incomplete
        origin = "GET /cluster/sdn/{vnets,zones}?running=1"
        try:
            zones = self._list(api, "cluster/sdn/zones", running=1)
            vnets = self._list(api, "cluster/sdn/vnets", running=1)
        except _ApiError as exc:
            writer.record(
                pve_artefact(SDN_RUNNING),
                status="unavailable",
                origin=origin,
                reason=str(exc),
                collected_at=utc_now(),
            )
        else:
            self._sdn_zones = [
                str(z["zone"]) for z in zones if isinstance(z, dict) and z.get("zone")
            ]
            writer.add(
                pve_artefact(SDN_RUNNING), render_sdn_running(vnets, zones).encode(), origin=origin
            )
        # the cluster's PCI mappings (hostpciN mapping=): pve-manager API2/Cluster/Mapping/PCI.pm
        # index lists each mapping the token may see (Mapping.Audit, .Use or .Modify on
        # /mapping/pci/<id>) as pci.cfg holds it; one it may not see stays unresolved (asked)
        self._store_optional(
            writer,
            pve_artefact(PCI_MAPPINGS),
            "GET /cluster/mapping/pci",
            lambda: render_pci_mappings(self._get(api, "cluster/mapping/pci")),
        )
        # the HA manager's resources (Sys.Audit on `/`, which PVEAuditor holds); unread, a
        # guest's onboot stays the reading of what starts without an operator
        self._store_optional(
            writer,
            pve_artefact(HA_RESOURCES),
            "GET /cluster/ha/resources",
            lambda: render_ha_resources(self._get(api, "cluster/ha/resources")),
        )
        # which guests GET /cluster/resources may leave out (PERMISSIONS, R28P-1); unread, the
        # guest list is not known to be whole (the model asks)
        self._store_optional(
            writer,
            PERMISSIONS,
            "GET /access/permissions",
            lambda: dump_json(self._get(api, "access/permissions")).decode(),
        )
        self._store(
            writer,
            pve_artefact("/etc/pve/domains.cfg"),
            "GET /access/domains",
            lambda: render_realms(self._list(api, "access/domains")),
        )
        self._store(
            writer,
            pve_artefact("/etc/pve/corosync.conf"),
            "GET /cluster/config/{totem,nodes}",
            lambda: render_totem(self._totem(api)) + self._nodelist(api),
        )

    def _nodelist(self, api: Any) -> str:
        """corosync.conf's nodelist block from GET /cluster/config/nodes (pve-manager
        PVE/API2/ClusterConfig.pm `nodes`: `hash_to_array(PVE::Corosync::nodelist($conf),
        'node')`, each node's corosync.conf keys, `ringX_addr` too), which HVA-308 compares
        datacenter.cfg's migration `network=` with (R41E-2: with the totem block alone a
        network holding the corosync links passed on this path, where the files path fails it).
        Unread, the block is left out, and HVA-308 asks (a cluster's file without a nodelist)."""
        try:
            nodes = self._list(api, "cluster/config/nodes")
        except _ApiError:
            return ""
        return render_nodelist(nodes)

    def _totem(self, api: Any) -> dict[str, Any]:
        """GET /cluster/config/totem. A single node has no corosync.conf, and the answer is
        null then (pve-manager PVE/API2/ClusterConfig.pm totem returns `$conf->{main}->{totem}`
        of pve-cluster src/PVE/Corosync.pm parse_conf, which is `{}` without the file: `return
        {} if !$raw`): recorded absent, as the files path records the file's absence (R40E-4:
        render_totem(None) stopped the whole scan with an internal error)."""
        totem = self._get(api, "cluster/config/totem")
        if totem is None:
            raise _ApiError(
                "GET /cluster/config/totem: null: /etc/pve/corosync.conf does not exist "
                "(a single node)"
            )
        if not isinstance(totem, dict):
            raise _ApiError(f"GET /cluster/config/totem: not an object ({type(totem).__name__})")
        return totem

    def _node(
        self, api: Any, writer: BundleWriter, node: str, at: Callable[[str], str], status: str
    ) -> None:
        """One node's own configuration and size."""
        host_fw = f"/etc/pve/nodes/{node}/host.fw"
        self._store(
            writer,
            at(host_fw),
            f"GET /nodes/{node}/firewall/*",
            lambda: render_firewall(
                self._object(api, f"nodes/{node}/firewall/options"),
                self._list(api, f"nodes/{node}/firewall/rules"),
                {},
            ),
        )
        self._store(
            writer,
            at("/etc/network/interfaces"),
            f"GET /nodes/{node}/network",
            lambda: render_interfaces(self._list(api, f"nodes/{node}/network")),
        )

        # The kernel's bridges are an aid, not the configuration: a node without the endpoint
        # (Proxmox VE < 9.1) or a token without SDN.Audit leaves them unobserved, which the
        # model turns into questions, never an incomplete scan
        origin = f"GET /nodes/{node}/sdn/zones/{{zone}}/bridges"
        out: dict[str, Any] = {}
        for zone in ["localnetwork", *self._sdn_zones]:
            try:
                out[zone] = self._get(
                    api, f"nodes/{node}/sdn/zones/{urllib.parse.quote(zone, safe='')}/bridges"
                )
            except _ApiError as exc:
                if zone == "localnetwork":
                    writer.record(
                        bridges_artefact(node),
                        status="unavailable",
                        origin=origin,
                        reason=str(exc),
                        collected_at=utc_now(),
                    )
                    break
        else:
            writer.add(bridges_artefact(node), dump_json(out), origin=origin)
        writer.record(
            at("/etc/default/pveproxy"),
            status="unavailable",
            origin="API",
            reason="pveproxy's access settings are not exposed by the API; collect the node's files for them",
        )
        self._store(
            writer,
            status,
            f"GET /nodes/{node}/status",
            lambda: dump_json(self._object(api, f"nodes/{node}/status")).decode(),
        )

    def _vms(
        self,
        api: Any,
        writer: BundleWriter,
        guests: list[dict[str, Any]],
        node: str,
        directory: str,
    ) -> None:
        """The VMs of one node, each config and firewall."""
        states = {}
        for vm in guests:
            if vm.get("type") not in ("qemu", "lxc") or vm.get("node") != node:
                continue
            if not re.fullmatch(r"[1-9][0-9]*", str(vm.get("vmid"))):
                # a guest listed without a VMID (pve-common src/PVE/JSONSchema.pm
                # pve_verify_vmid: digits, no leading zero): not collected, and the scan says
                # so (R41E-1: int() stopped the whole scan)
                writer.error(
                    f"GET /cluster/resources: a {_one_line(vm['type'])} guest on {node} "
                    f"without a valid vmid: not collected"
                )
                continue
            vmid = int(vm["vmid"])
            base = f"nodes/{node}/{vm['type']}/{vmid}"
            states[str(vmid)] = _one_line(vm.get("status", ""))
            if vm["type"] == "lxc":
                self._store(
                    writer,
                    pve_artefact(f"{directory.replace('/qemu-server', '/lxc')}/{vmid}.conf"),
                    f"GET /{base}/config",
                    functools.partial(self._vm_config, api, base),
                )
                continue
            self._store(
                writer,
                pve_artefact(f"{directory}/{vmid}.conf"),
                f"GET /{base}/config",
                functools.partial(self._vm_config, api, base),
            )
            self._store(
                writer,
                pve_artefact(f"/etc/pve/firewall/{vmid}.fw"),
                f"GET /{base}/firewall/*",
                functools.partial(self._vm_firewall, api, base),
            )
        writer.add(
            run_state_artefact(node),
            dump_json(states),
            origin="GET /cluster/resources?type=vm (status)",
        )

    def _vm_config(self, api: Any, base: str) -> str:
        # GET .../config answers "with pending configuration changes applied" unless `current`
        # is set (qemu-server API2/Qemu.pm vm_config; AbstractConfig load_current_config): the
        # current values are what a running guest runs, the pending ones what it starts with
        # next, so both are read, as a node's own file keeps them
        config = self._object(api, f"{base}/config", current=1)
        if "/qemu/" not in base:
            # a container's pending changes too: pve-container API2/LXC.pm vm_pending (GET
            # .../pending, "Get container configuration, including pending changes"), what it
            # takes at its next start (HVA-314 judges them, P14-10)
            return render_config(config, self._list(api, f"{base}/pending"), "[pve:pending]")
        return render_config(config, self._list(api, f"{base}/pending"))

    def _vm_firewall(self, api: Any, base: str) -> str:
        return render_firewall(
            self._object(api, f"{base}/firewall/options"),
            self._list(api, f"{base}/firewall/rules"),
            self._ipsets(api, f"{base}/firewall"),
            {a["name"]: a["cidr"] for a in self._list(api, f"{base}/firewall/aliases")},
        )

    def _get(self, api: Any, path: str, fatal: bool = False, **params: Any) -> Any:
        from proxmoxer.core import ResourceException

        try:
            return api.get(path, **params) if params else api.get(path)
        except ResourceException as exc:
            text = f"GET /{path}: {exc.status_code} {exc.status_message}".strip()
            if fatal:
                raise CollectionError(f"{self.uri}: {text}") from None
            raise _ApiError(text) from None
        except Exception as exc:
            raise CollectionError(
                f"{self.uri}: {type(exc).__name__}: {one_line(system_cause(exc))}"
            ) from None

    def _list(self, api: Any, path: str, **params: Any) -> list[dict[str, Any]]:
        """GET a list of objects, as PVE's schema returns for every index read here (`type =>
        'array', items => {type => 'object'}`): any other answer (null, a string, an object) is
        the endpoint failing, never an empty list (R41E-1: render_* stopped the whole scan)."""
        answer = self._get(api, path, **params)
        if not isinstance(answer, list) or not all(isinstance(i, dict) for i in answer):
            raise _ApiError(f"GET /{path}: {_shape(answer)}, not a list of objects")
        return answer

    def _fatal_list(self, api: Any, path: str, **params: Any) -> list[dict[str, Any]]:
        """GET the nodes or the guests: without them there is nothing to scan, so an answer of
        any other shape stops collection with one line (CollectionError), not an internal error
        (R41E-1)."""
        answer = self._get(api, path, fatal=True, **params)
        if not isinstance(answer, list) or not all(isinstance(i, dict) for i in answer):
            raise CollectionError(
                f"{self.uri}: GET /{path}: {_shape(answer)}, not a list of objects"
            )
        return answer

    def _object(self, api: Any, path: str, **params: Any) -> dict[str, Any]:
        """GET an object (options, a configuration, a node's status): any other answer is the
        endpoint failing (R41E-1)."""
        answer = self._get(api, path, **params)
        if not isinstance(answer, dict):
            raise _ApiError(f"GET /{path}: {_shape(answer)}, not an object")
        return answer

    def _ipsets(self, api: Any, base: str) -> dict[str, list[dict[str, Any]]]:
        return {
            s["name"]: list(
                self._list(api, f"{base}/ipset/{urllib.parse.quote(str(s['name']), safe='')}")
            )
            for s in self._list(api, f"{base}/ipset")
        }

    @staticmethod
    def _store(writer: BundleWriter, path: str, origin: str, render: Callable[[], str]) -> None:
        try:
            text = _rendered(origin, render)
        except _ApiError as exc:
            # 501: an endpoint this node's Proxmox VE does not have (the SDN bridges of PVE < 9.1)
            status = (
                "absent"
                if any(m in str(exc) for m in (" 404", " 501", "does not exist"))
                else "failed"
            )
            writer.record(
                path,
                status=status,
                origin=origin,
                reason=str(exc),
                collected_at=utc_now(),
            )
            if status == "failed":
                writer.error(str(exc))
            return
        writer.add(path, text.encode(), origin=origin)

    @staticmethod
    def _store_optional(
        writer: BundleWriter, path: str, origin: str, render: Callable[[], str]
    ) -> None:
        """As _store, for an artefact the scan can go without: an API error records it
        unavailable (its reason kept for the checks that ask) and is no collection error."""
        try:
            text = _rendered(origin, render)
        except _ApiError as exc:
            writer.record(
                path, status="unavailable", origin=origin, reason=str(exc), collected_at=utc_now()
            )
            return
        writer.add(path, text.encode(), origin=origin)


class _ApiError(Exception):
    """One API call failed (the answer is recorded; collection goes on)."""


def _shape(answer: object) -> str:
    """What an answer of the wrong shape is, without its (hostile) content."""
    return "null" if answer is None else f"a JSON {type(answer).__name__}"


def _rendered(origin: str, render: Callable[[], str]) -> str:
    """render(); an object of the answer without a field the file needs (a rule's IP set
    without `name`, an alias without `cidr`, a storage without `type`) or of the wrong type is
    the endpoint failing, recorded as such, not an internal error that stops the whole scan
    (R41E-1)."""
    try:
        return render()
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise _ApiError(
            f"{origin}: an answer of an unexpected shape ({type(exc).__name__})"
        ) from None
