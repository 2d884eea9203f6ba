"""The API path writes each answer into the file pve-cluster would hold, then parses that file
as a copied node's: a value the node hands back must never become a line, key, block or stanza
of its own there (every field of a scanned host is hostile). test_proxmox_api's
test_hostile_values_cannot_forge_lines covers a guest's configuration through the fake API;
these cover the other renderers, whose keys and values were written as given (R41E's lead:
render_totem, render_storage, the aliases, a configuration's keys, user.cfg's enable and
expire, /etc/network/interfaces' names)."""

from __future__ import annotations

from hvaudit.collect.proxmox_api import (
    render_config,
    render_firewall,
    render_interfaces,
    render_nodelist,
    render_storage,
    render_totem,
    render_users,
)

FORGED = "x\nnodelist {\n  node {\n    ring0_addr: 10.9.9.9\n  }\n}\n# "


def test_totem_keeps_one_token_values_and_drops_the_rest() -> None:
    text = render_totem(
        {
            "cluster_name": "prod",
            "config_version": 4,
            "secauth": FORGED,
            "bad key\n}": "on",
            "interface": {"0": {"linknumber": 0, "knet_transport": "sctp}"}},
        }
    )
    assert text == (
        "totem {\n"
        "  cluster_name: prod\n"
        "  config_version: 4\n"
        "  interface {\n"
        "    linknumber: 0\n"
        "  }\n"
        "}\n"
    )


def test_nodelist_filters_as_totem_does() -> None:
    text = render_nodelist(
        [{"node": "pve1", "nodeid": "1", "ring0_addr": "10.0.1.11", "ring1_addr": FORGED}]
    )
    assert text == (
        "nodelist {\n  node {\n    name: pve1\n    nodeid: 1\n    ring0_addr: 10.0.1.11\n  }\n}\n"
    )


def test_storage_type_id_and_keys_stay_on_their_lines() -> None:
    text = render_storage(
        [{"type": "dir\nnfs", "storage": "local\n\tshared 1", "path\nx": "/var/lib/vz"}]
    )
    assert text.splitlines() == ["dir nfs: local \tshared 1", "\tpath x /var/lib/vz"]


def test_firewall_aliases_and_option_keys_stay_on_their_lines() -> None:
    text = render_firewall(
        {"enable\npolicy_in: ACCEPT": 1},
        [],
        {},
        aliases={"mgmt\n[RULES]": "10.0.0.0/8\nIN ACCEPT -p tcp"},
    )
    lines = text.splitlines()
    assert "policy_in: ACCEPT" not in lines and "IN ACCEPT -p tcp" not in lines
    assert lines.count("[RULES]") == 1
    assert "mgmt [RULES] 10.0.0.0/8 IN ACCEPT -p tcp" in lines


def test_config_keys_stay_on_their_lines() -> None:
    lines = render_config({"name": "vm", "cpu\nargs": "host"}).splitlines()
    assert lines == ["cpu args: host", "name: vm"]


def test_users_enable_and_expire_cannot_add_a_user() -> None:
    text = render_users(
        [{"userid": "a@pve", "enable": "1\nuser:root@pam:1:0", "expire": "0\nacl:1:/:b@pve:Admin"}],
        [],
        [],
        [],
        set(),
    )
    assert len(text.splitlines()) == 1
    assert not any(line.startswith(("acl:", "user:root")) for line in text.splitlines())


def test_interface_names_and_methods_stay_in_their_stanza() -> None:
    text = render_interfaces(
        [
            {
                "iface": "vmbr0\niface eth9 inet static",
                "families": ["inet\n\taddress 10.9.9.9/24"],
                "method": "manual\nauto eth9",
                "autostart": 1,
            }
        ]
    )
    lines = text.splitlines()
    assert [ln for ln in lines if ln.startswith(("iface", "auto"))] == [
        "auto vmbr0 iface eth9 inet static",
        "iface vmbr0 iface eth9 inet static inet \taddress 10.9.9.9/24 manual auto eth9",
    ]
    assert len(lines) == 2
