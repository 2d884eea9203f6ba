r"""Red-team round 25 probes: Proxmox VE (rt25pve).

Harness: R25P-1, the live hardened Proxmox VE node (tests/fixtures/proxmox-hardened scanned as
pve+ssh with its commands replayed and pve-firewall running: test_redteam14_pve_probes._live),
one rule appended to host.fw (line 9), HVA-313 of node pve-h1; R25P-2, the hardened tree
scanned as pve+dir:// with /etc/default/pveproxy replaced (test_pveproxy_access._hva305),
HVA-305; R25P-3, the live node with a rule appended to web-10's 200.fw (line 13), HVA-303 of
web-10; each through the real collector, parser and engine. Sources read with `fetch`:
github:proxmox/pve-firewall 6f1311f (src/PVE/Firewall.pm), qemu-server e6352be (OVMF.pm,
Drive.pm, Blockdev.pm, QemuServer.pm start_swtpm), pve-access-control 5ccd07d
(AccessControl.pm), pve-common f665029 (Network.pm).

Findings:
- R25P-1 (false pass) HVA-313: a host.fw or cluster.fw `IN ACCEPT -dest 10.0.0.21 -i vmbr0 -p
  tcp` (a -dest holding one of the node's addresses: an address, a network, an IP set) passed
  "no rule opens management ports wider", while its twin without -dest failed (P24-2): the
  every-port test skipped any rule with a -dest. pve-firewall 6f1311f src/PVE/Firewall.pm
  enable_host_firewall compiles host.fw's and cluster.fw's rules into PVEFW-HOST-IN (INPUT:
  packets for the node's own addresses), and ipt_rule_to_cmds writes a port match only `if
  defined($rule->{dport})`: the rule accepts every TCP port of that address, the web UI's
  and SSH's included (pveproxy and sshd listen on every address), from whoever reaches it
  on that interface. Now fail, naming the rule and the address its -dest holds; a -dest
  holding none of the node's addresses (no packet of the chain matches it) still passes.

- R25P-2 (false pass) HVA-305: /etc/default/pveproxy `ALLOW_FROM="0.0.0.0/1"` (or
  `2000::/3`, every global unicast IPv6 address, or a range of half the IPv4 space) with
  DENY_FROM="all" passed "everything else denied": only an ALLOW_FROM of the whole family
  failed. Proxmox VE admin guide, pveproxy "Host based Access Control" (read with `search`):
  a client matching only ALLOW_FROM is admitted, so every address of such a network reaches
  the API; HVA-313 already holds a /7 (IPv6 /32) or wider network to designate nothing
  (`_is_wide`, L17-3). Now fail when what ALLOW_FROM admits (minus DENY_FROM under POLICY
  deny) holds as many public addresses (outside RFC 1918, RFC 6598 and RFC 4193) as such a
  network.
- R25P-3 (false pass) HVA-303: a VM firewall rule `IN ACCEPT -dest 192.0.2.10` (the address
  of the NIC's IP set ipfilter-net0; or `-dest +ipfilter-net0`, a network or range holding
  it) passed "1 interface(s) behind the VM firewall": `_vm_opened` read any -dest short of a
  /7 as narrowing. pve-firewall 6f1311f ruleset_create_vm_chain drops in the tap's OUT chain
  every packet whose source is not in that set (`-m set ! --match-set ... src -j DROP`,
  generate_tap_rules_direction: with `ipfilter: 1` or the set), so every exchange with the
  guest is to an address of it and the rule accepts every inbound packet of that IP version
  before the policy, as P14-2's -dest of the node's address does on the node. Now fail,
  naming the address; the IP version is the address's. An ipfilter-net0 entry naming an
  alias (`guest/web`) counts as the alias's address (generate_ipset_chains resolves it).

Held:
- R25P-1: `-dest 192.0.2.99` (no address of the node) and `-p udp` (the management ports are
  TCP) pass as before.
- R25P-3: `-dest 192.0.2.99` (outside the set) and `-dest 192.0.2.10 -p tcp -dport 443`
  pass as before.
- R25P-2: the private ranges together (10/8, 172.16/12, 192.168/16, fd00::/8) and
  `2001:db8::/33` pass as before.

Probed by script, not kept (the verdict was right or the case is moot): 6 host.fw -dest
variants (HVA-301/313), 9 pveproxy lists, 6 VM -dest rules (the kept cases among them); read
and held without a test: group rules are first match (pve-firewall ruleset_add_group_rule
jumps with `-g PVEFW-SET-ACCEPT-MARK`, so an ACCEPT inside a group ends it); a macro rule
with a -dport its macro also sets is refused by pve-firewall ($apply_macro "already define in
macro"), no macro lacks a protocol; realm `tfa` is enforced (authenticate_2nd_new_do "missing
required 2nd keys"); user.cfg `token:` privsep and `acl:` parsing match parse_user_config; the
built-in roles match $privgroups; the round-24 lead of a non-raw tpmstate0 on network storage
is moot: drive_uses_qsd_fuse sends a non-raw volume to qemu-storage-daemon, and the only
storage both non-raw and read by QEMU's own network client, GlusterFS, is gone from
pve-storage (7669a99, 2025-06-16) before qemu-server exported a non-raw tpmstate through it
(drive_uses_qsd_fuse, ae8ecb7c, 2026-04-24); rbd volumes are raw.

Tally: 3 findings (3 false passes). R25P-1: 6 cases in 2 test functions, 4 failed on main
54fb3cb (pass there), 2 held passed before and after. R25P-2: 6 cases in 2 test functions, 4
failed on main 524e849 (pass there), 2 held passed before and after. R25P-3: 7 cases in 3
test functions, 4 failed on main 968fcd0 (pass there), the alias case on main e6082bc (after
R25P-3 landed), 2 held passed before and after.

Leads left:
- HVA-313's management-port ACCEPT (`-dport 8006` from any source) still ignores its -dest: a
  -dest holding none of the node's addresses matches no packet, so it fails wrongly (rare).
- R25P-1 reads the node's addresses from /etc/network/interfaces and `ip addr`; an offline
  copy without the latter may miss a DHCP address a -dest holds (as P14-2 does).
- R25P-3 knows the guest's addresses only from ipfilter-net<N>; without ipfilter a -dest of
  the guest's address (unknown to the evidence) still reads as narrowing.
- HVA-092: qemu-server turns mbps into `int($v * 1024 * 1024)` bytes (Blockdev.pm
  generate_throttle_group) and pve-common tap_rate_limit `rate` likewise, so a value below
  1/1048576 (`rate=0.0000001`) is 0, no limit, which `_positive` reads as a limit (contrived).
- HVA-314: container features keyctl, mknod, force_rw_sys relax seccomp or /sys and still
  pass (team decision; listed in the message).
- HVA-066: `efidisk0` without pre-enrolled-keys fails "no keys enrolled" though keys enrolled
  by hand persist (qemu-server reads the flag only at create_efidisk; wrong fail at worst,
  only where args sets cfi.pflash01 secure=on).
- HVA-305 counts fd00::/8 and the other private ranges as a site's own; HVA-313's `_is_wide`
  fails an fd00::/8 management set entry (/8 is wider than /32): the two now differ there.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from test_pveproxy_access import _hva305
from test_redteam2_probes import PVE_HARDENED
from test_redteam3_host_probes import PVE_PROCS, pve_scan
from test_redteam14_pve_probes import _host_rule, _live

MGMT_PASS = (
    "pass",
    "IP set `management`: admin-lan, vpn-pool, !10.0.8.13; no rule opens management ports wider",
)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            "IN ACCEPT -dest 10.0.0.21 -p tcp -i vmbr0",
            "host.fw:9 accepts management ports from any source (`IN ACCEPT -i vmbr0 -p tcp "
            "-dest 10.0.0.21`: every TCP port, management ports included; -dest 10.0.0.21 "
            "holds 10.0.0.21, the node's address on vmbr1)",
        ),
        (
            "IN ACCEPT -dest 10.0.0.0/24 -i vmbr0",
            "host.fw:9 accepts management ports from any source (`IN ACCEPT -i vmbr0 -dest "
            "10.0.0.0/24`: every TCP port, management ports included; -dest 10.0.0.0/24 holds "
            "10.0.0.10, the node's address on eno3)",
        ),
        (
            "IN ACCEPT -dest +management -p tcp -i vmbr0",
            "host.fw:9 accepts management ports from any source (`IN ACCEPT -i vmbr0 -p tcp "
            "-dest +management`: every TCP port, management ports included; -dest +management "
            "holds 10.0.0.10, the node's address on eno3)",
        ),
        (
            "IN ACCEPT -dest 192.0.2.9,10.0.0.21 -i vmbr0 -p tcp -sport 1024:65535",
            "host.fw:9 accepts management ports from any source (`IN ACCEPT -i vmbr0 -p tcp "
            "-sport 1024:65535 -dest 192.0.2.9,10.0.0.21`: every TCP port, management ports "
            "included; -dest 10.0.0.21 holds 10.0.0.21, the node's address on vmbr1)",
        ),
    ],
    ids=["address", "network", "ipset", "list-sport"],
)
def test_r25p_1_dest_of_the_node_accepts_every_port(
    tmp_path: Path, rule: str, message: str
) -> None:
    """R25P-1: was pass. PVEFW-HOST-IN sees only packets for the node's own addresses
    (pve-firewall 6f1311f src/PVE/Firewall.pm enable_host_firewall), and ipt_rule_to_cmds
    writes a port match only for a -dport: a -dest holding one of them narrows which address,
    not which port, as `-i` does (P24-2)."""
    assert _live(tmp_path, _host_rule(rule), "HVA-313") == ("fail", message)


@pytest.mark.parametrize(
    "rule",
    ["IN ACCEPT -dest 192.0.2.99 -p tcp -i vmbr0", "IN ACCEPT -dest 10.0.0.21 -p udp -i vmbr0"],
    ids=["not-the-node", "udp"],
)
def test_r25p_1_held_dest_elsewhere_or_udp(tmp_path: Path, rule: str) -> None:
    """Held: a -dest holding none of the node's addresses matches no packet of PVEFW-HOST-IN;
    UDP reaches no management port (all TCP)."""
    assert _live(tmp_path, _host_rule(rule), "HVA-313") == MGMT_PASS


# --- R25P-2: HVA-305, an ALLOW_FROM of a wide public network -----------------------------------


@pytest.mark.parametrize(
    ("conf", "message"),
    [
        (
            'ALLOW_FROM="0.0.0.0/1"\nDENY_FROM="all"\n',
            "ALLOW_FROM 0.0.0.0/1 admits over 2^30 public IPv4 addresses, as many as a /7 "
            "network or more: no designated network",
        ),
        (
            'ALLOW_FROM="10.0.0.0/24,2000::/3"\nDENY_FROM="all"\n',
            "ALLOW_FROM 10.0.0.0/24,2000::/3 admits 2^125 (a /3) public IPv6 addresses, as many "
            "as a /32 network or more: no designated network",
        ),
        (
            'ALLOW_FROM="0.0.0.0-127.255.255.255"\nPOLICY="deny"\n',
            "ALLOW_FROM 0.0.0.0-127.255.255.255 admits over 2^30 public IPv4 addresses, as many "
            "as a /7 network or more: no designated network",
        ),
        (
            'ALLOW_FROM="0.0.0.0/4"\nDENY_FROM="0.0.0.0/5"\nPOLICY="deny"\n',
            "ALLOW_FROM 0.0.0.0/4 admits over 2^26 public IPv4 addresses, as many as a /7 "
            "network or more: no designated network",
        ),
    ],
    ids=["v4-half", "v6-global-unicast", "v4-range-deny", "deny-carves-too-little"],
)
def test_r25p_2_allow_from_a_wide_public_network(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], conf: str, message: str
) -> None:
    """R25P-2: was pass "ALLOW_FROM ..., everything else denied". Proxmox VE admin guide,
    pveproxy "Host based Access Control": a client matching only ALLOW_FROM is admitted, so
    every address of a /1 or of 2000::/3 (every global unicast IPv6 address) reaches the API;
    HVA-313 holds a /7 (IPv6 /32) or wider network no designated one (`_is_wide`, L17-3)."""
    assert _hva305(tmp_path, capsys, conf) == ("fail", message)


@pytest.mark.parametrize(
    "conf",
    [
        'ALLOW_FROM="10/8,172.16.0.0/12,192.168.0.0/16,fd00::/8"\nDENY_FROM="all"\n',
        'ALLOW_FROM="2001:db8::/33"\nDENY_FROM="all"\n',
    ],
    ids=["private", "v6-narrower-than-32"],
)
def test_r25p_2_held_private_or_narrower(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], conf: str
) -> None:
    """Held: the private ranges (RFC 1918, RFC 4193) and a public network narrower than the
    threshold still pass."""
    status, message = _hva305(tmp_path, capsys, conf)
    assert status == "pass", message
    assert message.endswith("everything else denied"), message


# --- R25P-3: HVA-303, a VM rule whose -dest is the guest's own address ------------------------

VM200_FW = (PVE_HARDENED / "etc/pve/firewall/200.fw").read_text()


def _vm_rule(tmp_path: Path, rule: str, fw: str = VM200_FW) -> tuple[str, str]:
    """HVA-303 of web-10 on the live hardened node (pve-firewall running), `rule` appended to
    its 200.fw (line 13), whose IP set ipfilter-net0 holds 192.0.2.10 with `ipfilter: 1`."""
    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "tree"))
    (tree / "etc/pve/firewall/200.fw").write_text(fw + rule + "\n")
    running = {"processes": (PVE_PROCS + "  950 root     pve-firewall\n", 0)}
    a = pve_scan(tmp_path, running, tree)
    r = next(r for r in a.results if (r.check.id, r.outcome.subject.name) == ("HVA-303", "web-10"))
    return r.status.value, r.outcome.message


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            "IN ACCEPT -dest 192.0.2.10",
            "1 of 1 interface(s) admit every inbound packet: net0: line 13 `IN ACCEPT` accepts "
            "every inbound IPv4 packet before any rule drops or rejects (-dest 192.0.2.10: holds "
            "192.0.2.10, the guest's address in IP set ipfilter-net0)",
        ),
        (
            "IN ACCEPT -dest +ipfilter-net0",
            "1 of 1 interface(s) admit every inbound packet: net0: line 13 `IN ACCEPT` accepts "
            "every inbound IPv4 packet before any rule drops or rejects (-dest +ipfilter-net0: "
            "holds 192.0.2.10, the guest's address in IP set ipfilter-net0)",
        ),
        (
            "IN ACCEPT -dest 192.0.2.0/24 -p tcp",
            "1 of 1 interface(s) admit every inbound packet or every port of a protocol: net0: "
            "line 13 `IN ACCEPT -p tcp` accepts every IPv4 tcp port before any rule drops or "
            "rejects (-dest 192.0.2.0/24: holds 192.0.2.10, the guest's address in IP set "
            "ipfilter-net0)",
        ),
        (
            "IN ACCEPT -dest 192.0.2.1-192.0.2.20",
            "1 of 1 interface(s) admit every inbound packet: net0: line 13 `IN ACCEPT` accepts "
            "every inbound IPv4 packet before any rule drops or rejects (-dest "
            "192.0.2.1-192.0.2.20: holds 192.0.2.10, the guest's address in IP set "
            "ipfilter-net0)",
        ),
    ],
    ids=["address", "own-ipset", "network-tcp", "range"],
)
def test_r25p_3_dest_of_the_guest_accepts_everything(
    tmp_path: Path, rule: str, message: str
) -> None:
    """R25P-3: was pass "1 interface(s) behind the VM firewall". pve-firewall 6f1311f
    ruleset_create_vm_chain drops in the tap's OUT chain every packet whose source is not in
    ipfilter-net0 (`-m set ! --match-set ... src`), so every exchange with the guest is to an
    address of that set: a -dest holding it narrows nothing, as P14-2's -dest of the node."""
    assert _vm_rule(tmp_path, rule) == ("fail", message)


@pytest.mark.parametrize(
    "rule",
    ["IN ACCEPT -dest 192.0.2.99", "IN ACCEPT -dest 192.0.2.10 -p tcp -dport 443"],
    ids=["not-the-guest", "one-port"],
)
def test_r25p_3_held_dest_elsewhere_or_one_port(tmp_path: Path, rule: str) -> None:
    """Held: a -dest outside the set, or one port of the guest's address, still passes."""
    assert _vm_rule(tmp_path, rule) == ("pass", "1 interface(s) behind the VM firewall")


def test_r25p_3_ipfilter_entry_naming_an_alias(tmp_path: Path) -> None:
    """R25P-3: an ipfilter-net0 entry naming the VM's own alias is the alias's address to
    pve-firewall (generate_ipset_chains: `resolve_alias` for an entry matching
    $ip_alias_pattern, `guest/` or `dc/` scope): `-dest guest/web` holds it."""
    fw = VM200_FW.replace(
        "[IPSET ipfilter-net0] # the VM's own address\n192.0.2.10\n",
        "[ALIASES]\nweb 192.0.2.10\n\n[IPSET ipfilter-net0] # the VM's own address\nguest/web\n",
    )
    assert fw != VM200_FW
    status, message = _vm_rule(tmp_path, "IN ACCEPT -dest guest/web", fw)
    assert (status, message.rpartition(" (")[2]) == (
        "fail",
        "-dest guest/web: holds 192.0.2.10, the guest's address in IP set ipfilter-net0)",
    ), message
