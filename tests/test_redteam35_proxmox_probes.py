"""Red-team round 35 probes: Proxmox VE (rt35pve).

Harness: the live hardened Proxmox VE node (pve+ssh replayed: test_pve_leads18._node over
test_redteam3_host_probes.pve_scan), its firewall files edited (test_pve_leads19b's HOST,
CLUSTER, VM200, VM201), the process list replaced or unread (test_redteam21_pve4_probes
PS_UNREAD); verdicts through the real collector, parser and engine. Sources read with
`fetch`: github:proxmox/pve-firewall 6f1311f (src/PVE/Firewall.pm compile_iptables_filter
`my $hostfw_enable = !(defined($hostfw_options->{enable}) && ($hostfw_options->{enable} ==
0)); if ($hostfw_enable) {...}`, remove_pvefw_chains).

Findings:
- R35P-1 (false pass) HVA-301, HVA-302, HVA-313: a node whose cluster.fw (or host.fw) fact is
  not known (the two daemons read cluster.fw `enable: yes` otherwise and the process list was
  not read, P21D-1; a line proxmox-firewall refuses under `nftables: 1`, P21F-2; the
  force-disable flag not read, P22-2) was asked that one fact's question, the check ending
  there: host.fw `enable: 0` (no input chain for the node under either daemon:
  compile_iptables_filter `if ($hostfw_enable)`; proxmox-firewall's `host().is_enabled()`)
  and a process list showing neither daemon (no rule in force: R5-13) were never judged, so
  "yes" to cluster.fw's question passed a node whose firewall filters nothing. Now the fails
  that rest on neither file's unknown fact win (`_fw_gap`), and the open conditions (the
  unknown file, the daemon) are asked in one item (joined_asks).
- R35P-2 (false pass) HVA-303: a VM's first NIC whose filters are not resolved (IP set
  ipfilter-net0 holding a subnet, R48; proxmox-firewall's filters) was asked about and the
  reading stopped (`break`): a later NIC with `firewall=0` or without `bridge` (QEMU's
  user-mode network, L18-1), and an input policy ACCEPT with no IN rule that drops (L16-5:
  every inbound packet admitted, whatever the guest's source addresses), were never judged,
  so "yes" to net0's question passed the VM. Now every NIC is read, their fails win, the
  input-policy fail is judged under pve-firewall (not `nftables: 1`, where pve-firewall's
  reading of the rules is not proxmox-firewall's: P21F-1), and the NICs' questions are asked
  in one item (asked_gap, joined_asks).
- R35P-3 (false pass) HVA-308: where datacenter.cfg's `migration` is not known (R30P-1: a token
  without Sys.Audit on `/`), the node was asked that alone unless a raw `-incoming` failed:
  a VM's `args: -incoming tcp:10.0.9.5:4444` (an address no migration network was read to
  hold, asked where datacenter.cfg is read: R34D-2), a passed fd or vsock, or a named port
  was never asked, so "yes, the type is secure" passed the node. Now every remote listener is
  asked (no network known) and the listeners' question joins datacenter.cfg's in one item
  (`_raw_listeners_ask`, the known branch's question), with the unread guests (unread_peers).

Held:
- R35P-1: both daemons running, host.fw on and a line proxmox-firewall refuses: cluster.fw's
  question alone, as before (the ruleset in force is the one loaded before).
- R35P-2: one NIC, input policy DROP, the subnet in ipfilter-net0: the set's question, as before.
- R35P-3: no `args:`: datacenter.cfg's question alone, word for word.

Probed by script: R35P-1's shapes on HVA-303 of the node's VMs (each NIC's spoofing reading
already fails on an absent daemon: proxmox_model `_spoofing`).

Tally: 3 findings (3 false passes); 10 test cases, 7 failed on main before the fixes
(R35P-1 3 of 4 and R35P-2 3 of 4 on 748d99aa: 5 manual where fail, 1 manual without the
daemon's question; R35P-3 1 of 2 on d42983d7: datacenter.cfg's question alone), 3 held.

Leads left:
- `_accepts_everything` (an unrestricted IN ACCEPT in host.fw before any DROP) is not judged
  where cluster.fw is not known: its alias and set lookups read cluster.fw.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from test_pve_leads18 import _node
from test_pve_leads19b import CLUSTER, HOST, REFUSES, VM200, VM201, _text
from test_redteam3_host_probes import PVE_PROCS
from test_redteam21_pve4_probes import PS_UNREAD

FW_CHECKS = ("HVA-301", "HVA-302", "HVA-313")
NO_DAEMON = "neither pve-firewall nor proxmox-firewall runs on this node"


def _files(host: str = "enable: 1\nnftables: 1\n", cluster: str = "enable: 1") -> dict[str, str]:
    """The hardened node's firewall files, host.fw's `enable: 1` line replaced by `host`,
    cluster.fw's by `cluster`."""
    files = {rel: _text(rel) for rel in (HOST, CLUSTER, VM200, VM201)}
    files[HOST] = files[HOST].replace("enable: 1\n", host, 1)
    files[CLUSTER] = files[CLUSTER].replace("enable: 1", cluster, 1)
    return files


def _verdicts(got: dict[tuple[str, str], Any]) -> list[tuple[str, str]]:
    return [got[(c, "pve-h1")] for c in FW_CHECKS]


# --- R35P-1: the node's firewall fails that rest on no unknown file ----------------------------

HOST_OFF = [
    (
        "fail",
        "host.fw sets enable: 0: no input chain is built for this node, so neither an input "
        "policy nor any cluster rule filters its own traffic, whatever cluster.fw holds",
    ),
    ("fail", "host.fw sets enable: 0"),
    (
        "fail",
        "host.fw sets enable: 0: the node's firewall is off, so the management IP set filters "
        "nothing on it",
    ),
]


def test_r35p_1_host_fw_off_with_cluster_fw_read_two_ways(tmp_path: Path) -> None:
    """Were manual "evidence unavailable: cluster.fw `enable: yes` is off as pve-firewall reads
    it ... and on as proxmox-firewall ... reads it" (P21D-1's question): whichever reading
    holds, host.fw `enable: 0` builds no input chain for the node (compile_iptables_filter
    `if ($hostfw_enable)`), so a "yes" passed a node whose own firewall is off."""
    files = _files(host="enable: 0\nnftables: 1\n", cluster="enable: yes")
    assert _verdicts(_node(tmp_path, files, PS_UNREAD)) == HOST_OFF


def test_r35p_1_no_daemon_with_a_line_proxmox_firewall_refuses(tmp_path: Path) -> None:
    """Were manual "evidence unavailable: 200.fw line 13 `FORWARD DROP`: ... refuses ..."
    (P21F-2's question): `ps` shows neither daemon, so no rule of any file is in force
    (pve_firewall.pm shutdown -> remove_pvefw_chains; proxmox-firewall removes its tables when
    it stops), whatever proxmox-firewall would make of the files."""
    files = _files()
    files[VM200] = files[VM200].replace(
        "GROUP webserver -i net0", "GROUP webserver -i net0\nFORWARD DROP"
    )
    got = _node(tmp_path, files, {"processes": (PVE_PROCS, 0)})
    assert _verdicts(got) == [
        ("fail", f"{NO_DAEMON}: no rule is applied, whatever cluster.fw holds"),
        ("fail", f"{NO_DAEMON}: no node rule is applied"),
        ("fail", f"{NO_DAEMON}: the management IP set filters nothing"),
    ]


def test_r35p_1_held_refused_line_with_both_daemons_asks(tmp_path: Path) -> None:
    """Held: both daemons running and host.fw on, the refused line leaves the ruleset in force
    unknown: cluster.fw's question alone, as before."""
    files = _files()
    files[VM200] = files[VM200].replace(
        "GROUP webserver -i net0", "GROUP webserver -i net0\nFORWARD DROP"
    )
    procs = PVE_PROCS + "  950 root     pve-firewall\n  951 root     proxmox-firewall\n"
    got = _node(tmp_path, files, {"processes": (procs, 0)})
    why = "200.fw line 13 `FORWARD DROP`: invalid rule type 'forward' here" + REFUSES
    for status, message in _verdicts(got):
        assert (status, message) == ("manual", f"evidence unavailable: {why}")


def test_r35p_1_host_fw_on_read_two_ways_joins_the_daemon_question(tmp_path: Path) -> None:
    """Was manual with cluster.fw's question alone (P21D-1's shape: host.fw on, cluster.fw
    `enable: yes` read two ways, `ps` unread): the daemon's question is now joined with it, so
    one "yes" answers both (the status stays manual)."""
    got = _node(tmp_path, _files(cluster="enable: yes"), PS_UNREAD)
    for status, message in _verdicts(got):
        assert status == "manual", message
        assert message.startswith("evidence unavailable: cluster.fw `enable: yes` is off"), message
        assert "whether pve-firewall or proxmox-firewall applies" in message, message


# --- R35P-2: one NIC's open question hid another NIC's fail (HVA-303) --------------------------

C201 = "etc/pve/qemu-server/201.conf"
NET0 = "net0: virtio=BC:24:11:00:00:21,bridge=vmbr0,firewall=1,tag=30,rate=25\n"
WIDE = (
    "evidence unavailable: IP set ipfilter-net0 admits the subnet(s) 192.0.2.0/24: whether every "
    "address in them is this VM's own is not in the evidence"
)


def _api11(tmp_path: Path, net1: str = "", policy: str = "DROP") -> tuple[str, str]:
    """HVA-303 of VM 201 (api-11), its ipfilter-net0 set holding the subnet 192.0.2.0/24 (the
    spoofing reading's question: R48), `net1` added and 201.fw's input policy `policy`."""
    conf = _text(C201)
    assert NET0 in conf
    fw = _text(VM201).replace("192.0.2.11\n", "192.0.2.0/24\n", 1)
    fw = fw.replace("policy_in: DROP", f"policy_in: {policy}", 1)
    got = _node(tmp_path, {C201: conf.replace(NET0, NET0 + net1), VM201: fw})
    return got[("HVA-303", "api-11")]


def test_r35p_2_second_nic_without_firewall(tmp_path: Path) -> None:
    """Was manual (net0's subnet question alone): net1's `firewall=0` puts it behind no VM
    chain (pve-firewall's tap rules only for a NIC with firewall=1), so "yes" to net0's
    question passed a VM one of whose interfaces no rule filters."""
    net1 = "net1: virtio=BC:24:11:00:00:22,bridge=vmbr0,firewall=0\n"
    assert _api11(tmp_path, net1) == ("fail", "BC:24:11:00:00:22: firewall=0 on the NIC")


def test_r35p_2_second_nic_user_mode(tmp_path: Path) -> None:
    """Was manual: net1 without `bridge` is QEMU's user-mode network (L18-1), no tap and no
    firewall, whatever net0's set holds."""
    net1 = "net1: virtio=BC:24:11:00:00:22,firewall=1\n"
    assert _api11(tmp_path, net1) == (
        "fail",
        "net1: no bridge, so QEMU's user-mode (NATed) network, which pve-firewall does not "
        "filter: the guest reaches what the node reaches, as the node, and the node's 127/8",
    )


def test_r35p_2_accept_policy_with_a_wide_ipfilter_set(tmp_path: Path) -> None:
    """Was manual: the set's question is about the guest's source addresses (outbound); the
    input policy ACCEPT with no IN rule that drops (201.fw: `IN SSH(ACCEPT)` alone) admits every
    inbound packet whatever the set holds (generate_tap_rules_direction, L16-5)."""
    assert _api11(tmp_path, policy="ACCEPT") == (
        "fail",
        "the VM firewall's input policy is ACCEPT and no IN rule drops or rejects anything: 1 "
        "interface(s) admit every inbound packet",
    )


def test_r35p_2_held_wide_set_alone_asks(tmp_path: Path) -> None:
    """Held: one NIC, input policy DROP: the set's question, as before."""
    assert _api11(tmp_path) == ("manual", WIDE)


# --- R35P-3: a raw `-incoming` hidden by datacenter.cfg's question (HVA-308) -------------------


def _cut_options(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: str | None
) -> dict[str, Any]:
    """HVA-308 of round 30's API node (pve1) whose token holds PVEAuditor below `/` alone, so
    GET /cluster/options hides `migration` (R30P-1), VM 100's `args:` set to `args`."""
    from test_redteam30_proxmox_probes import BELOW_ROOT, FOR_ALL, TOP, _acl, _answers_with, _report

    answers = _answers_with(BELOW_ROOT, FOR_ALL, [_acl(p, "PVEAuditor") for p in TOP if p != "/"])
    key = "nodes/pve1/qemu/100/config"
    if args is not None:
        answers[key] = {**answers[key], "args": args}
    report = _report(monkeypatch, capsys, answers)
    (r,) = [r for r in report["results"] if r["check_id"] == "HVA-308"]
    return r


def test_r35p_3_raw_listener_joins_the_datacenter_question(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was manual with datacenter.cfg's question alone (R30P-1's): VM 100's `args: -incoming
    tcp:10.0.9.5:4444` makes its QEMU wait for a raw stream on an address no migration network
    was read to hold (R34D-2 asks it where datacenter.cfg is read), so "yes, the type is
    secure" passed the node with the listener never asked."""
    from test_redteam30_proxmox_probes import MIGRATION_QUESTION, PARTIAL

    r = _cut_options(monkeypatch, capsys, "-incoming tcp:10.0.9.5:4444")
    raw = (
        "VM web-01's QEMU argument -incoming tcp:10.0.9.5:4444: QEMU waits for a migration "
        "stream (main channel) on 10.0.9.5 port 4444"
    )
    assert (r["status"], r["message"]) == (
        "manual",
        f"evidence unavailable: the API token holds no Sys.Audit on /, so {PARTIAL}; {raw}",
    )
    assert r["question"].startswith(
        "Is live migration of type secure on node pve1's cluster, on a dedicated migration "
        "network, and who can connect to the "
        f"migration listener(s) raw QEMU arguments give VMs on node pve1 ({raw})? Evidence: "
    ), r["question"]
    assert r["question"] != MIGRATION_QUESTION


def test_r35p_3_held_no_raw_listener_asks_datacenter_alone(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: no `args:`: datacenter.cfg's question alone, word for word (R30P-1)."""
    from test_redteam30_proxmox_probes import MIGRATION_QUESTION

    assert _cut_options(monkeypatch, capsys, None)["question"] == MIGRATION_QUESTION
