"""Red-team round 26 probes: Proxmox VE (rt26pve).

Harness: R26P-3, the live node with web-10's 200.fw stripped of ipfilter and a rule appended
(test_redteam25_proxmox_probes._vm_rule), HVA-303 of web-10. R26P-1, the hardened Proxmox VE tree (tests/fixtures/proxmox-hardened) scanned as
pve+dir:// with web-10's 200.conf edited (test_redteam2_probes.pve_scan), HVA-092 of web-10;
R26P-2, the live hardened node (pve+ssh, its commands replayed, pve-firewall running:
test_redteam3_host_probes.pve_scan) with a DHCP bridge vmbr2 in /etc/network/interfaces, a
rule appended to host.fw (line 9) and `ip -j addr show` failing, and the same tree as
pve+dir://, HVA-313 of node pve-h1; each through the real collector, parser and engine. Sources read with `fetch`:
github:proxmox/qemu-server e6352be6 (src/PVE/QemuServer/Blockdev.pm, Drive.pm, Network.pm),
pve-common f665029 (src/PVE/Network.pm, src/PVE/JSONSchema.pm), pve-container 94f5585
(src/PVE/LXC.pm, src/PVE/LXC/Config.pm), pve-firewall 6f1311f (src/PVE/Firewall.pm).

Findings:
- R26P-1 (false pass) HVA-092: a disk `mbps_wr=9e-7` or `mbps_rd=0.0000001`, or a NIC
  `rate=0.0000001` / `rate=1e-7`, passed "1 disk(s) and 1 interface(s) limited": any number
  above 0 read as a limit. qemu-server Blockdev.pm generate_throttle_group hands QEMU
  `int($v * 1024 * 1024)` bytes per second, and pve-common Network.pm tap_rate_limit
  `$rate = int($rate * 1024 * 1024) if $rate`, setup_tc_rate_limit `return if !$rate;`: a
  rate under one byte per second is 0, QEMU's and tc's "no limit" (the schema takes it:
  JSONSchema.pm is_number reads exponents, Network.pm `rate` has `minimum => 0`, Drive.pm's
  mbps no minimum). Now a rate limits when it is above 0 once made whole as Perl's int()
  does (`_limits`); an `iops*` value is `int($v)` already.
- R26P-2 (false pass) HVA-313: on a live node whose `ip -j addr show` was not read, host.fw
  `IN ACCEPT -dest 10.0.5.99 -p tcp -i vmbr2` (vmbr2 `inet dhcp`) passed "no rule opens
  management ports wider": R25P-1's `_dest_reaches` took a -dest holding none of the
  addresses /etc/network/interfaces gives as holding none of the node's, though a DHCP, SLAAC
  or script-added address is in no file. pve-firewall 6f1311f src/PVE/Firewall.pm
  enable_host_firewall compiles host.fw's rules into PVEFW-HOST-IN, and ipt_rule_to_cmds
  writes a port match only `if defined($rule->{dport})`: if the -dest is the node's, every TCP
  port of it is open to any source. On a copied tree (pve+dir://) it was a manual asking only
  whether the daemon runs, so a "yes" signed a pass for the rule. Now a manual with one
  question (does every such -dest hold none of the node's addresses; with the daemon unknown,
  both in one question, as `_gateway_question` does).
- R26P-3 (false pass) HVA-303: web-10's 200.fw without `ipfilter: 1` and IP set
  ipfilter-net0, `IN ACCEPT -dest 192.0.2.10` (or `-p tcp`, or an IPv6 -dest) passed "1
  interface(s) behind the VM firewall": `_vm_opened` read a -dest as narrowing wherever no
  ipfilter set named the guest's address (round 25's lead). pve-firewall 6f1311f
  ruleset_create_vm_chain drops foreign source addresses only with ipfilter, so without it the
  guest sends from any address, and the tap's IN chain sees the packets for the guest: a
  -dest holding the address it uses accepts every inbound packet (R25P-3). Now a manual with
  one question (does every such -dest hold none of the guest's addresses; with the daemon
  unknown, both), `_vm_dest_unknown`, `_vm_dest_question`.

Held:
- R26P-1: `mbps_wr=0.000001` (1 byte per second once whole) still passes; `bps_rd=`/`bps_wr=`
  still fail: Drive.pm parse_drive turns them into `m$opt = sprintf("%.3f", $bps / ...)` with
  `$bps = defined(delete ...)`, i.e. 1 byte, "0.000" MiB, 0 bytes once whole: no limit.
- R26P-2: with the node's addresses read (none is 10.0.5.99) the rule matches no packet of
  PVEFW-HOST-IN: pass as before.
- R26P-3: `-dport 443` (one port), a narrow -source, and with ipfilter a -dest outside the set
  pass as before.

Probed by script, not kept (the verdict was right or the case is moot): 7 HVA-092 rate values
(the kept cases among them, and `mbps_wr=-5`, which QEMU refuses: fail as before); 10 HVA-301
/ HVA-313 -dest rules live and offline (a `-dport 8006` ACCEPT to a -dest of no node address
still fails, round 25's lead; HVA-301 reads -dest on the gateway's interface only, P14-2); 7
VM -dest rules with and without ipfilter (the kept cases among them); 9 HVA-314 container
configs, all right: `features: nesting=off` passes and `nesting=yes` fails (pve-common
parse_boolean in parse_property_string), `unprivileged: 0`/`no` fail privileged, raw
`lxc.mount.auto: sys:rw` and an empty `lxc.cap.drop:` fail as raw keys, a snapshot section's
`unprivileged: 0` and `lxc.apparmor.profile: unconfined` are not the current config (pass),
and `[pve:pending]` `delete: unprivileged` or `features: nesting=1` fail "at its next start".
Read and held without a test: pve-container LXC.pm update_lxc_config takes `lxc.idmap` as
unprivileged (`$conf->{unprivileged} || $custom_idmap`), a raw key that fails anyway;
force_rw_sys restores LXC's own userns default `sys:rw` (the comment there), keyctl and mknod
are seccomp relaxations for unprivileged containers only (make_seccomp_config).

Tally: 3 findings (3 false passes). R26P-1: 6 cases in 2 test functions, 4 failed on main
2f30312 (pass there), 2 held passed before and after. R26P-2: 3 tests, 2 failed on main
(pass there; manual with the daemon question only), 1 held passed before and after.
R26P-3: 6 cases in 2 test functions, 3 failed on main (pass there), 3 held passed before and
after.

Leads left:
- see the round-25 leads (HVA-313 -dest of no node address on a `-dport 8006` ACCEPT, a wrong
  fail; HVA-314 keyctl, mknod, force_rw_sys: team decision).
- cloud-init `ipconfigN: ip=...` (with a cloudinit drive) names the guest's address: R26P-3
  could fail, not ask, where it holds the -dest.
- LXC containers' own firewall (net0 firewall=1, <vmid>.fw) has no check: HVA-303 is VMs only.
- HVA-092's Proxmox messages say `<iotune>`/`<bandwidth>` (libvirt words).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from test_redteam2_probes import PVE_HARDENED, VM200, pve_result, pve_scan
from test_redteam3_host_probes import PVE_PROCS
from test_redteam3_host_probes import pve_scan as live_scan
from test_redteam14_pve_probes import HOST_FW
from test_redteam25_proxmox_probes import VM200_FW, _vm_rule

# --- R26P-1: HVA-092, a rate that is 0 once qemu-server or pve-common makes it whole -----------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("rate=50", "rate=0.0000001", "1 of 1 interface(s) without a rate= limit"),
        ("rate=50", "rate=1e-7", "1 of 1 interface(s) without a rate= limit"),
        (
            "mbps_rd=200,mbps_wr=100",
            "mbps_rd=0.0000001,mbps_wr=100",
            "disk local-lvm:vm-200-disk-1: write limit only, reads unlimited",
        ),
        (
            "mbps_rd=200,mbps_wr=100",
            "mbps_rd=200,mbps_wr=9e-7",
            "disk local-lvm:vm-200-disk-1: read limit only, writes unlimited",
        ),
    ],
    ids=["nic-rate", "nic-rate-exponent", "disk-mbps-rd", "disk-mbps-wr-exponent"],
)
def test_r26p_1_rate_below_one_byte_is_no_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, message: str
) -> None:
    """R26P-1: was pass "1 disk(s) and 1 interface(s) limited (outbound)". qemu-server
    e6352be6 Blockdev.pm generate_throttle_group: `bps... = int($v * 1024 * 1024)`; pve-common
    f665029 Network.pm tap_rate_limit: `$rate = int($rate * 1024 * 1024) if $rate`, then
    setup_tc_rate_limit `return if !$rate;`: under one byte per second is no limit."""
    conf = VM200.replace(old, new)
    assert conf != VM200
    report = pve_scan(tmp_path, capsys, {"etc/pve/qemu-server/200.conf": conf})
    assert pve_result(report, "HVA-092", "web-10") == ("fail", message)


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        (
            "mbps_rd=200,mbps_wr=0.000001",
            ("pass", "1 disk(s) and 1 interface(s) limited (outbound)"),
        ),
        (
            "bps_rd=209715200,bps_wr=104857600",
            ("fail", "1 of 1 disk(s) without mbps/iops rate limits"),
        ),
    ],
    ids=["one-byte-per-second", "bps-keys"],
)
def test_r26p_1_held_whole_rate_and_bps_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], new: str, expected: tuple[str, str]
) -> None:
    """Held: 0.000001 MiB/s is 1 byte per second once whole, a limit; `bps_rd`/`bps_wr` become
    "0.000" MiB in qemu-server Drive.pm parse_drive (`my $bps = defined(delete
    $res->{$opt})`, 1 byte), 0 bytes once whole: no limit, a fail as before."""
    conf = VM200.replace("mbps_rd=200,mbps_wr=100", new)
    report = pve_scan(tmp_path, capsys, {"etc/pve/qemu-server/200.conf": conf})
    assert pve_result(report, "HVA-092", "web-10") == expected


# --- R26P-2: HVA-313, an every-port ACCEPT to a -dest the evidence cannot place -----------------

#: The hardened node's interfaces plus a DHCP bridge: its address is in no file.
DHCP_BRIDGE = (PVE_HARDENED / "etc/network/interfaces").read_text() + (
    "\nauto vmbr2\niface vmbr2 inet dhcp\n\tbridge-ports none\n"
)
RULE = "IN ACCEPT -dest 10.0.5.99 -p tcp -i vmbr2"
MGMT_HEAD = (
    "IP set `management`: admin-lan, vpn-pool, !10.0.8.13; no rule opens management ports wider"
)
UNPLACED = (
    f"{MGMT_HEAD} if host.fw line 9 (-dest 10.0.5.99) names none of the node's addresses: the "
    "rule accepts every TCP port from any source to a -dest holding none of those "
    "/etc/network/interfaces gives it, and the node's own list of its addresses was not read, "
    "so whether the -dest holds one it has (DHCP, SLAAC, a script) is not in the evidence"
)


def _hva313(tmp_path: Path, overrides: dict[str, tuple[str, int]]) -> tuple[str, str, str]:
    """The live node (pve+ssh, pve-firewall running) with a DHCP bridge and RULE in host.fw."""
    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "tree"))
    (tree / "etc/network/interfaces").write_text(DHCP_BRIDGE)
    (tree / "etc/pve/nodes/pve-h1/host.fw").write_text(HOST_FW + RULE + "\n")
    running = {"processes": (PVE_PROCS + "  950 root     pve-firewall\n", 0), **overrides}
    a = live_scan(tmp_path, running, tree)
    r = next(r for r in a.results if (r.check.id, r.outcome.subject.name) == ("HVA-313", "pve-h1"))
    return r.status.value, r.outcome.message, r.outcome.question or ""


def test_r26p_2_dest_unplaced_without_the_nodes_addresses(tmp_path: Path) -> None:
    """R26P-2: was pass "IP set `management`: ...; no rule opens management ports wider". The
    node's `ip -j addr show` failed, so its addresses are those /etc/network/interfaces gives,
    and vmbr2 takes its address by DHCP: `-dest 10.0.5.99` holding none of the file's
    addresses may still hold the node's. pve-firewall 6f1311f src/PVE/Firewall.pm
    enable_host_firewall compiles host.fw's rules into PVEFW-HOST-IN (packets for the node),
    and ipt_rule_to_cmds writes a port match only for a dport: if it is the node's, every TCP
    port of it, 8006 and 22 included, is open to any source (R25P-1). Now a question."""
    status, message, question = _hva313(tmp_path, {"ip-addr": ("", 1)})
    assert (status, message) == ("manual", UNPLACED)
    assert question == (
        "Does every -dest of these rules (host.fw line 9 (-dest 10.0.5.99)) hold none of node "
        "pve-h1's own addresses? Evidence: `ip -br addr` on pve-h1 (every interface's "
        "addresses). Pass: yes, none of them; fail: a -dest holds one of its addresses, so the "
        "rule admits every TCP port of it, the web UI's and SSH's included, from any source."
    )


def test_r26p_2_offline_tree_asks_both(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """R26P-2: the copied tree (pve+dir://) has neither the node's addresses nor its processes:
    was manual with the daemon question alone (an answer "pve-firewall runs" signed a pass for
    the rule); now one question asks both, as _gateway_question does."""
    report = pve_scan(
        tmp_path,
        capsys,
        {
            "etc/network/interfaces": DHCP_BRIDGE,
            "etc/pve/nodes/pve-h1/host.fw": HOST_FW + RULE + "\n",
        },
    )
    r = next(
        r
        for r in report["results"]
        if (r["check_id"], r["subject"]["name"]) == ("HVA-313", "pve-h1")
    )
    assert (r["status"], r["message"]) == (
        "manual",
        f"{UNPLACED}; and whether pve-firewall or proxmox-firewall applies the rules on node "
        "pve-h1 is not in the evidence (running processes: a copied configuration tree has no "
        "live host to read facts from)",
    )
    assert "and is pve-firewall (or proxmox-firewall" in r["question"]


def test_r26p_2_held_addresses_read(tmp_path: Path) -> None:
    """Held: where the node's addresses were read and none on vmbr2 is 10.0.5.99, the rule
    matches no packet of PVEFW-HOST-IN: pass as before (R25P-1's held case)."""
    status, message, _ = _hva313(tmp_path, {})
    assert (status, message) == ("pass", MGMT_HEAD)


# --- R26P-3: HVA-303, a VM ACCEPT whose -dest alone narrows it, without IP filter --------------

#: web-10's 200.fw without `ipfilter: 1` and its IP set ipfilter-net0: the guest's addresses
#: are in no file (the appended rule is line 10).
NO_IPFILTER = VM200_FW.replace("ipfilter: 1\n", "").replace(
    "[IPSET ipfilter-net0] # the VM's own address\n192.0.2.10\n", ""
)


@pytest.mark.parametrize(
    ("rule", "opened"),
    [
        (
            "IN ACCEPT -dest 192.0.2.10",
            "net0: line 10 `IN ACCEPT` accepts every inbound IPv4 packet before any rule drops "
            "or rejects (-dest 192.0.2.10: if it holds the guest's address)",
        ),
        (
            "IN ACCEPT -dest 192.0.2.10 -p tcp",
            "net0: line 10 `IN ACCEPT -p tcp` accepts every IPv4 tcp port before any rule drops "
            "or rejects (-dest 192.0.2.10: if it holds the guest's address)",
        ),
        (
            "IN ACCEPT -dest 2001:db8::10",
            "net0: line 10 `IN ACCEPT` accepts every inbound IPv6 packet before any rule drops "
            "or rejects (-dest 2001:db8::10: if it holds the guest's address)",
        ),
    ],
    ids=["address", "tcp", "v6"],
)
def test_r26p_3_dest_without_ipfilter_is_a_question(tmp_path: Path, rule: str, opened: str) -> None:
    """R26P-3: was pass "1 interface(s) behind the VM firewall". Without `ipfilter: 1` and an
    IP set ipfilter-net0 (pve-firewall 6f1311f ruleset_create_vm_chain filters the guest's
    source addresses only then) the guest sends from any address, and the tap's IN chain sees
    the packets for it: a -dest holding the address it uses narrows nothing (R25P-3), and the
    evidence cannot say whether it does. Now a question."""
    fw = NO_IPFILTER
    assert "ipfilter" not in fw
    assert _vm_rule(tmp_path, rule, fw) == (
        "manual",
        "1 interface(s) behind the VM firewall, unless a rule's -dest holds the guest's address "
        f"({opened}): no IP set ipfilter-net<N> tells the guest's addresses (ipfilter off), so "
        "whether it does is not in the evidence",
    )


@pytest.mark.parametrize(
    ("rule", "fw"),
    [
        ("IN ACCEPT -dest 192.0.2.10 -p tcp -dport 443", NO_IPFILTER),
        ("IN ACCEPT -dest 192.0.2.10 -source 10.0.0.0/24", NO_IPFILTER),
        ("IN ACCEPT -dest 192.0.2.99", VM200_FW),
    ],
    ids=["one-port", "narrow-source", "ipfilter-elsewhere"],
)
def test_r26p_3_held_narrow_or_filtered(tmp_path: Path, rule: str, fw: str) -> None:
    """Held: one port, or a narrow -source, narrows the rule whatever the -dest; with
    ipfilter-net0 the guest's address is known and 192.0.2.99 is not it (R25P-3)."""
    assert _vm_rule(tmp_path, rule, fw) == ("pass", "1 interface(s) behind the VM firewall")
