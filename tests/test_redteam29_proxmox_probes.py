"""Red-team round 29 probes: Proxmox VE (rt29pve).

Harness: R29P-1: the API path (pve+api://pve.example:8006/pve1) through the real
ProxmoxApiCollector, parser and engine, proxmoxer's client answering each GET from round 28's
table (test_redteam28_proxmox_probes._run: node pve1, VM 100 web-01, container 300 dns-01),
and the hardened Proxmox VE tree (tests/fixtures/proxmox-hardened) copied and scanned as
pve+dir:// with VM 200's configuration a FIFO the reader refuses
(test_redteam27_proxmox_probes._scan_unread). Sources read with `fetch`:
github:proxmox/pve-manager 14a22df (PVE/API2/Cluster.pm, PVE/API2/Nodes.pm, PVE/API2Tools.pm),
pve-access-control 5ccd07d (src/PVE/RPCEnvironment.pm, src/PVE/API2/User.pm, Group.pm,
TFA.pm), pve-firewall 6f1311f (src/PVE/Firewall.pm, src/PVE/API2/Firewall/Rules.pm). R29P-2:
the same table over the whole cluster (pve+api://pve.example:8006), GET /nodes answering pve2
offline or unknown (`_cluster_scan`). R29P-3: the live hardened node (pve+ssh, pve-firewall
running: test_redteam14_pve_probes._live, test_redteam25_proxmox_probes._vm_rule) with
cluster.fw, host.fw or 200.fw edited. R29P-4, R29P-5: round 28's table (pve1) with GET
/access/permissions' /access/groups and GET /access/users narrowed.

Findings:
- R29P-1 (false pass) every per-VM check (HVA-012, HVA-031, HVA-046, HVA-064, HVA-080,
  HVA-405, ...): where a node's guest list may leave VMs out but holds some (the API token
  holds VM.Audit on /vms/100 alone: GET /cluster/resources skips the rest, pve-manager
  14a22df PVE/API2/Cluster.pm resources `next if !$rpcenv->check($authuser, "/vms/$vmid",
  ['VM.Audit'], 1)`, R28P-1; or VM 200 listed and its configuration not read, R27P-1), each
  per-VM check judged the VMs seen and said nothing of the others: HVA-012 passed "hardware
  virtualization (kvm)" for web-01, its only subject, as if web-01 were every VM of the node.
  R28P-5 asked only where no VM at all was seen (round 28's first lead). Now every per-VM
  check also asks, per such node, whether each VM it does not judge meets it
  (hvaudit.engine._unseen_vms), as libvirt's unread domains are errors (R28D-4).
- R29P-2 (false pass) every check of a host, a VM or a container: the API path over a whole
  cluster (pve+api://host:8006, no node) skips a node GET /nodes does not answer `online`
  (pve-manager 14a22df PVE/API2/Nodes.pm index: status `unknown`, `online` or `offline`;
  API2Tools.pm extract_node_stats). Only a report note and exit code 3 said so: every check
  judged the other nodes alone, HVA-060 and HVA-012 passed and HVA-314 was n/a with pve2
  and its VM 200 (listed by GET /cluster/resources) in no result, and no error counted in
  the summary. Now the collector records the node (meta `unreached`), the model keeps it
  (Deployment.unreached_hosts) and every check of a host, a VM or a container reports it as an
  error (hvaudit.engine._unreached), as libvirt's unlisted domains are (R28D-4).
- R29P-3 (false pass) HVA-313, HVA-301, HVA-303: on the live hardened node (pve+ssh, pve-firewall running:
  test_redteam14_pve_probes._live), an IP set `management` of `3.0.0.0/8` and `52.0.0.0/8`
  (or the two IPv6 /33 halves of a /32, or a rule `IN ACCEPT -source 3.0.0.0/8,52.0.0.0/8
  -p tcp -dport 8006`) passed "no rule opens management ports wider": `_is_wide` read each
  entry alone, and each is narrower than a /7. pve-firewall 6f1311f src/PVE/Firewall.pm
  generate_ipset_chains loads every entry of the set, so the node admits each address any
  entry holds, 2^25 public addresses, a /7's worth; HVA-305 counts pveproxy's ALLOW_FROM that
  way (R25P-2). Now fail where the networks (aliases resolved, a set's `!` entries taken out)
  hold together as many public addresses as a /7 (IPv6 /32) (`_wide_together`). The same
  list read element by element passed `IN ACCEPT -source 3.0.0.0/8,52.0.0.0/8` in host.fw
  (HVA-301 "cluster firewall on, input policy DROP") and in web-10's 200.fw (HVA-303 "1
  interface(s) behind the VM firewall"), where `-source 0.0.0.0/1` fails both
  (ipt_gen_src_or_dst_match matches the list as one set of its elements): `_rule_versions`
  now reads such a list as wide (`_together`, the VM's own aliases and sets first).
- R29P-4 (false pass) HVA-311, HVA-307 (HVA-306, HVA-312 where they pass): the API path's
  users are GET /access/users', which lists only the users whose group the token holds
  User.Modify or Sys.Audit on, and its own user, unless it holds one of them on /access/groups
  (pve-access-control 5ccd07d src/PVE/API2/User.pm index `$canUserMod`; Group.pm index the
  same for groups). A token holding VM.Audit alone there did not see ops@pve, an administrator
  with an API token without privilege separation: HVA-311 passed "1 API token(s): none with a
  privileged user's full rights", HVA-307 "no VM role is delegated". Now the model reads GET
  /access/permissions' /access/groups (ProxmoxHost.users_partial) and each account check's
  pass becomes a question naming why (`_users_passed`); a fail stays a fail.
- R29P-5 (wrong fail) HVA-306: with the same token, ops@pve and root@pam (administrators
  named by ACLs, not listed by GET /access/users) failed "administrators without a second
  factor", though GET /access/tfa filters its entries as GET /access/users does (pve-access-
  control 5ccd07d src/PVE/API2/TFA.pm list_tfa: all entries only with User.Modify or
  Sys.Audit on /access/groups, else the token's own user's and those of the groups it holds
  them on). Now such an administrator is asked, not failed; one the lists show stays failed.

Held:
- R29P-1: a token seeing every guest (PVEAuditor on `/`) and the whole hardened tree: no
  node-wide question beside the per-VM verdicts.
- R29P-2: a cluster whose every node is online: no error result.
- R29P-4, R29P-5: with Sys.Audit on /access/groups (PVEAuditor), HVA-311 and HVA-307 pass
  and HVA-306 fails as before.
- R29P-3: the private ranges together with a public /9, and two /8s less a `!` /24, pass
  HVA-313; the private ranges and a /9 as a -source list pass HVA-301 and HVA-303.

Fixture: tests/zone_pve.py (the fleet zone tests' fake node) answered GET /access/permissions
with fakepve's `/` alone, where PVE lists every default and ACL path (pve-access-control
5ccd07d RPCEnvironment.pm get_effective_permissions); the scan read it as a token that may not
see every guest, and R29P-1 then asked for HVA-012 (test_fleet_zones counted a third subject).
It now answers as test_proxmox_api's node does.

Probed by script, not kept: a `-p udp -dport 8006` ACCEPT from the two /8s fails as its
TCP twin (HVA-313 reads the port, not the protocol, as before); an ACCEPT of no port from them
fails as every TCP port. GET /nodes of PVE lists every node of the corosync nodelist
whatever the token's rights (Nodes.pm index: `permissions => { user => 'all' }`; without
Sys.Audit on /nodes/<node> only the stats are left out, the status is kept).

Tally: 5 findings (4 false passes, 1 wrong fail); 15 test cases in 9 functions, 9 failed on
main before their fix (R29P-1 2 of 3 on 3722a3b: no node question; R29P-2 2 of 3 on 3722a3b:
no pve2 result; R29P-3 3 of 5 on b2a97d8 and 1 of 2 on 935aac7: pass; R29P-4 and R29P-5 1
of 2 on 516e218: pass, and fail where R29P-5 asks), 6 held passed before and after.

Leads left:
- R29P-2's error names no VM of the offline node; GET /cluster/resources lists them (vmid,
  name), so each could be its own subject.
- HVA-092's other messages (half limits, floor-only) are libvirt-worded (round 28's lead).
- R29P-4 held the user list partial only where GET /access/permissions was read; without
  it (a 501) nothing was asked: settled after the round (test_r29p4_user_list_with_
  permissions_unread_is_asked). HVA-313's `-p udp -dport 8006` wrong fail: settled
  (tests/test_pve_mgmt_ports_tcp.py).
- Firewall macro/alias/ipset resolution across cluster.fw / host.fw / <vmid>.fw, `enable: 0`
  at different levels, IPv6 rules; datacenter.cfg migration; user.cfg/TFA: not probed this
  round.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hvaudit.cli import main
from test_redteam2_probes import PVE_HARDENED
from test_redteam14_pve_probes import _host_rule, _live
from test_redteam25_proxmox_probes import _vm_rule
from test_redteam27_proxmox_probes import _scan_unread
from test_redteam28_proxmox_probes import (
    AUDITOR,
    HIDDEN,
    R28P1_CASES,
    SECRET,
    TOKEN,
    TOP,
    USER_ACL,
    _acl,
    _answers,
    _api_scan,
    _run,
    proxmoxer,
)

VM_CHECKS = ("HVA-012", "HVA-031", "HVA-046", "HVA-064", "HVA-080", "HVA-405")


def _question(node: str, title: str) -> str:
    return (
        f'Does every VM on node {node} that this report does not judge meet "{title}"? '
        f"Evidence: `qm list` run as root on {node} (a VM it lists without a result of this "
        "check here) and `qm config <vmid>` of each such VM. Pass: yes, or every VM it lists "
        "is judged here; fail: any such VM does not."
    )


def test_r29p1_token_seeing_some_vms_asks_for_the_rest(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """R29P-1 (false pass): a token holding VM.Audit on /vms/100 alone sees VM 100 (web-01) of
    GET /cluster/resources and none of the others (pve-manager 14a22df PVE/API2/Cluster.pm
    resources). Each per-VM check passed web-01, its only subject, and said nothing of the
    node's other VMs."""
    perms, acl, guests, roles, _, why = R28P1_CASES["vm-audit-on-one-guest"]
    got = _run(monkeypatch, capsys, perms, acl, guests, roles)
    assert got[("HVA-012", "web-01")] == ("pass", "hardware virtualization (kvm)")
    for check in VM_CHECKS:
        assert got[(check, "pve1")] == (
            "manual",
            f"1 VM(s) of node pve1 judged; the guest list may be incomplete: {why}; {HIDDEN}",
        )


def test_r29p1_unread_vm_beside_read_ones_is_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R29P-1 (false pass): the hardened tree with VM 200 (web-10) listed and its
    configuration not read (R27P-1): VM 201 alone was judged, and each per-VM check's verdicts
    were all of the node's."""
    results, _ = _scan_unread(tmp_path, capsys, "etc/pve/qemu-server/200.conf")
    assert results[("HVA-012", "pve-h1")] == (
        "manual",
        "1 VM(s) of node pve-h1 judged; the guest list may be incomplete: VM(s) 200 listed, "
        "their configuration not read",
        _question("pve-h1", "VM runs with hardware acceleration, not software emulation"),
    )


def test_r29p1_held_whole_guest_list_has_no_node_question(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """R29P-1 held: PVEAuditor on `/` (every guest listed): the per-VM verdicts stand alone."""
    got = _run(
        monkeypatch,
        capsys,
        dict.fromkeys(TOP, AUDITOR),
        [_acl("/", "PVEAuditor")],
        ["qemu/100", "lxc/300"],
    )
    assert got[("HVA-012", "web-01")] == ("pass", "hardware virtualization (kvm)")
    assert not [k for k in got if k[1] == "pve1" and k[0] in VM_CHECKS]


def _cluster_scan(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    others: dict[str, str],
) -> tuple[int, dict[tuple[str, str], tuple[str, str]]]:
    """pve+api://pve.example:8006 (every node of the cluster) answered by round 28's table, with
    `others` (node -> its GET /nodes status) beside pve1 (online) and VM 200 on each of them
    listed by GET /cluster/resources."""
    answers = _answers(
        dict.fromkeys(TOP, AUDITOR), [USER_ACL, _acl("/", "PVEAuditor")], ["qemu/100"]
    )
    answers["nodes"] = [
        {"node": "pve1", "status": "online"},
        *({"node": n, "status": s} for n, s in others.items()),
    ]
    answers["cluster/resources"] += [
        {"type": "qemu", "vmid": 200 + i, "node": n, "status": "unknown"}
        for i, n in enumerate(others)
    ]

    class FakeApi:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def get(self, path: str, **params: Any) -> Any:
            if path in answers:
                return json.loads(json.dumps(answers[path]))
            raise proxmoxer.core.ResourceException(501, "Not Implemented", "")

    monkeypatch.setattr(proxmoxer, "ProxmoxAPI", FakeApi)
    monkeypatch.setenv("HVAUDIT_PVE_TOKEN", f"{TOKEN}={SECRET}")
    code = main(["scan", "--connect", "pve+api://pve.example:8006", "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    return code, {
        (r["check_id"], r["subject"]["name"]): (r["status"], r["message"])
        for r in json.loads(out)["results"]
    }


@pytest.mark.parametrize("state", ["offline", "unknown"])
def test_r29p2_offline_cluster_node_is_an_error_of_each_check(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], state: str
) -> None:
    """R29P-2 (false pass): the API path over a whole cluster skips a node GET /nodes does not
    answer online (pve-manager 14a22df PVE/API2/Nodes.pm index: status `unknown`, `online` or
    `offline`, API2Tools.pm extract_node_stats); only a report note and exit code 3 said so.
    Every check then judged pve1 alone: HVA-060 and HVA-012 passed, HVA-314 was n/a, and pve2
    and its VM 200 (listed by GET /cluster/resources) had no result."""
    code, got = _cluster_scan(monkeypatch, capsys, {"pve2": state})
    assert code == 3
    why = f"node pve2 was not collected (GET /nodes answers its status {state!r})"
    assert got[("HVA-060", "pve1")][0] == "pass"
    assert got[("HVA-060", "pve2")] == ("error", f"{why}: it is not judged")
    assert got[("HVA-301", "pve2")] == ("error", f"{why}: it is not judged")
    assert got[("HVA-012", "web-01")] == ("pass", "hardware virtualization (kvm)")
    assert got[("HVA-012", "pve2")] == (
        "error",
        f"{why}: its VMs are not judged (GET /cluster/resources lists VM(s) 200 on it)",
    )
    assert got[("HVA-314", "pve1")] == ("not_applicable", "no container on this host to evaluate")
    assert got[("HVA-314", "pve2")] == ("error", f"{why}: its containers are not judged")


def test_r29p2_held_every_node_online_has_no_node_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """R29P-2 held: a cluster whose every node is online (pve1 alone here): no error result."""
    code, got = _cluster_scan(monkeypatch, capsys, {})
    assert got[("HVA-060", "pve1")][0] == "pass"
    assert not [k for k, (status, _) in got.items() if status == "error"]
    assert code == 1


# --- R29P-3: narrow networks as wide as a /7 together ---------------------------------------

CLUSTER_FW = (PVE_HARDENED / "etc/pve/firewall/cluster.fw").read_text()
SET = "admin-lan\nvpn-pool # VPN users"
UI_RULE = "IN ACCEPT -source +management -p tcp -dport 8006"
TOGETHER4 = "2^25 (a /7) public IPv4 addresses together, as many as a /7 network or more"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        # two /8s of a cloud provider's space: 2^25 addresses, a /7's worth
        (
            SET,
            "3.0.0.0/8 # cloud\n52.0.0.0/8 # cloud",
            f"IP set `management` admits {TOGETHER4}: no designated network",
        ),
        # the two halves of an IPv6 /32, each a /33
        (
            SET,
            "2600:1f00::/33\n2600:1f00:8000::/33",
            "IP set `management` admits 2^96 (a /32) public IPv6 addresses together, as many "
            "as a /32 network or more: no designated network",
        ),
        (
            UI_RULE,
            "IN ACCEPT -source 3.0.0.0/8,52.0.0.0/8 -p tcp -dport 8006",
            f"cluster.fw:20 accepts management ports from 3.0.0.0/8,52.0.0.0/8 ({TOGETHER4})",
        ),
    ],
    ids=["set-two-slash8", "set-two-ipv6-slash33", "rule-source-list"],
)
def test_r29p3_narrow_networks_wide_together_fail(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    """R29P-3 (false pass) HVA-313: the `management` set (or a rule's -source list) of
    networks each narrower than a /7 (IPv6 /32) but together as many public addresses passed
    "IP set `management`: ...; no rule opens management ports wider" on the live node:
    `_is_wide` read entry by entry. pve-firewall 6f1311f src/PVE/Firewall.pm
    generate_ipset_chains loads every entry into the set, and a -source list becomes one set
    or match of all its elements (ipt_gen_src_or_dst_match): the node admits each address any
    of them holds, 2^25 public ones as a /7 does; HVA-305 counts pveproxy's ALLOW_FROM so
    (R25P-2)."""
    assert old in CLUSTER_FW
    got = _live(tmp_path, {"etc/pve/firewall/cluster.fw": CLUSTER_FW.replace(old, new)}, "HVA-313")
    assert got == ("fail", message)


@pytest.mark.parametrize(
    ("new", "message"),
    [
        # every private range together: a site's own (as HVA-305's R25P-2 holds)
        (
            "10.0.0.0/8\n172.16.0.0/12\n192.168.0.0/16\n100.64.0.0/10\n3.0.0.0/9",
            "IP set `management`: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, "
            "3.0.0.0/9, !10.0.8.13; no rule opens management ports wider",
        ),
        # a `!` exception takes its addresses out: under a /7's worth
        (
            "3.0.0.0/8\n52.0.0.0/8\n!52.0.0.0/24",
            "IP set `management`: 3.0.0.0/8, 52.0.0.0/8, !52.0.0.0/24, !10.0.8.13; no rule "
            "opens management ports wider",
        ),
    ],
    ids=["private-ranges", "nomatch-taken-out"],
)
def test_r29p3_held_narrow_together_passes(tmp_path: Path, new: str, message: str) -> None:
    """R29P-3 held: networks that together hold fewer public addresses than a /7 pass as
    before."""
    got = _live(tmp_path, {"etc/pve/firewall/cluster.fw": CLUSTER_FW.replace(SET, new)}, "HVA-313")
    assert got == ("pass", message)


@pytest.mark.parametrize(
    ("source", "host", "vm"),
    [
        (
            "3.0.0.0/8,52.0.0.0/8",
            (
                "fail",
                "cluster firewall on, input policy DROP, but host.fw line 9 `IN ACCEPT -source "
                "3.0.0.0/8,52.0.0.0/8` accepts every inbound IPv4 packet before the policy",
            ),
            (
                "fail",
                "1 of 1 interface(s) admit every inbound packet: net0: line 13 `IN ACCEPT -source "
                "3.0.0.0/8,52.0.0.0/8` accepts every inbound IPv4 packet before any rule drops or "
                "rejects",
            ),
        ),
        # held: a public /9 beside the private ranges is no /7's worth of public addresses
        (
            "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,3.0.0.0/9",
            ("pass", "cluster firewall on, input policy DROP"),
            ("pass", "1 interface(s) behind the VM firewall"),
        ),
    ],
    ids=["two-slash8", "held-private-and-slash9"],
)
def test_r29p3_source_list_wide_together_host_and_vm(
    tmp_path: Path, source: str, host: tuple[str, str], vm: tuple[str, str]
) -> None:
    """R29P-3 (false pass) HVA-301, HVA-303: `IN ACCEPT -source 3.0.0.0/8,52.0.0.0/8` in
    host.fw (line 9) passed HVA-301 "cluster firewall on, input policy DROP", and in web-10's
    200.fw (line 13) HVA-303 "1 interface(s) behind the VM firewall", where its twin `-source
    0.0.0.0/1` fails both: `_rule_versions` read the list as wide as its widest element
    (P14-1). pve-firewall 6f1311f src/PVE/Firewall.pm ipt_gen_src_or_dst_match matches a list
    as one set of all its elements, so the rule admits every address of both, a /7's worth of
    public addresses."""
    rule = f"IN ACCEPT -source {source}"
    (tmp_path / "h").mkdir()
    (tmp_path / "v").mkdir()
    assert _live(tmp_path / "h", _host_rule(rule), "HVA-301") == host
    assert _vm_rule(tmp_path / "v", rule) == vm


# --- R29P-4: a user list GET /access/users may cut ------------------------------------------

PARTIAL_USERS = (
    "; the user list may be incomplete: the API token holds neither Sys.Audit nor User.Modify "
    "on /access/groups, so GET /access/users lists only the members of the groups it holds them "
    "on and its own user (pve-access-control API2/User.pm index): an administrator, or an API "
    "token of one, may be missing"
)
TOKENS_OK = (
    "1 API token(s): none with a privileged user's full rights (privsep 0, or administration on "
    "/ or below it for both token and user)"
)
NO_VM_ROLE = "no VM role is delegated: only administrators operate VMs"


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        (
            {"VM.Audit": 1},
            {
                "HVA-311": ("manual", TOKENS_OK + PARTIAL_USERS),
                "HVA-307": ("manual", NO_VM_ROLE + PARTIAL_USERS),
                # R29P-5: GET /access/tfa hides their entries as GET /access/users hides them;
                # the users the list may hide are asked in the same item (R34M-7)
                "HVA-306": (
                    "manual",
                    "administrators whose second factor is not in the evidence: ops@pve (not "
                    "listed by GET /access/users, nor its GET /access/tfa entries); root@pam (not "
                    "listed by GET /access/users, nor its GET /access/tfa entries)" + PARTIAL_USERS,
                ),
            },
        ),
        (
            AUDITOR,
            {
                "HVA-311": ("pass", TOKENS_OK),
                "HVA-307": ("pass", NO_VM_ROLE),
                "HVA-306": ("fail", "administrators without a second factor: ops@pve, root@pam"),
            },
        ),
    ],
    ids=["no-sys-audit-on-access-groups", "held-sys-audit-on-access-groups"],
)
def test_r29p4_user_list_the_token_may_not_see_whole_is_asked(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    groups: dict[str, int],
    expected: dict[str, tuple[str, str]],
) -> None:
    """R29P-4 (false pass) HVA-311, HVA-307 (HVA-306 and HVA-312 where they pass): GET /access/users lists only
    the users whose group the token holds User.Modify or Sys.Audit on, and its own user,
    unless it holds one of them on /access/groups (pve-access-control 5ccd07d
    src/PVE/API2/User.pm index, `$canUserMod`); GET /access/groups likewise (Group.pm index).
    A token holding VM.Audit alone on /access/groups saw audit@pve only: ops@pve, an
    administrator with an API token without privilege separation, was hidden, and HVA-311
    passed "1 API token(s): none with a privileged user's full rights". GET
    /access/permissions says what the token holds there; held: with Sys.Audit on
    /access/groups (PVEAuditor) the list is whole and the verdicts stand."""
    ops = {
        "path": "/",
        "type": "user",
        "ugid": "ops@pve",
        "roleid": "Administrator",
        "propagate": 1,
    }
    answers = _answers(
        {**dict.fromkeys(TOP, AUDITOR), "/access/groups": groups},
        [USER_ACL, ops, _acl("/", "PVEAuditor")],
        ["qemu/100"],
    )
    # GET /access/users as the token sees it: ops@pve (and its privsep-0 token) left out
    answers["access/users"] = [u for u in answers["access/users"] if u["userid"] == "audit@pve"]
    got = _api_scan(monkeypatch, capsys, answers)
    for check, verdict in expected.items():
        assert got[(check, "pve1")] == verdict


def test_r29p4_user_list_with_permissions_unread_is_asked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """R29P-4's other half (round-29 lead, false pass): where GET /access/permissions did not
    answer (an older node's 501, a refusal), what the token holds on /access/groups is not
    known, so GET /access/users may have left ops@pve out as above; HVA-311 passed "1 API
    token(s): none with a privileged user's full rights". Now asked, as _guests_unseen asks
    about the guest list then."""
    ops = {
        "path": "/",
        "type": "user",
        "ugid": "ops@pve",
        "roleid": "Administrator",
        "propagate": 1,
    }
    answers = _answers(
        {**dict.fromkeys(TOP, AUDITOR)}, [USER_ACL, ops, _acl("/", "PVEAuditor")], ["qemu/100"]
    )
    del answers["access/permissions"]
    answers["access/users"] = [u for u in answers["access/users"] if u["userid"] == "audit@pve"]
    got = _api_scan(monkeypatch, capsys, answers)
    assert got[("HVA-311", "pve1")] == (
        "manual",
        TOKENS_OK + "; the user list may be incomplete: the API token's permissions are not "
        "known (GET /access/permissions: 501 Not Implemented); without Sys.Audit or User.Modify "
        "on /access/groups, GET /access/users lists only the members of the groups it holds "
        "them on and its own user (pve-access-control API2/User.pm index): an administrator, or "
        "an API token of one, may be missing",
    )
