"""Red-team round 47 probes: a Proxmox VE rule's -dport/-sport service names as each daemon
resolves them, the node's /etc/services read, unread or giving stock names other ports
(r47-firewall).

Harness: round 45's (test_redteam45_firewall_probes._node): the live hardened Proxmox VE node
(pve+ssh replayed over tests/fixtures/proxmox-hardened, whose etc/services is netbase 6.4's),
HVA-301's and HVA-313's verdicts of pve-h1 under `nftables: 1` (both daemons running) or
pve-firewall, the node's /etc/services netbase's, edited, or its read refused, through the
real collector, parser and engine.

Team decision (settled first): neither daemon knows a service name without the node's
/etc/services. proxmox-firewall: github:proxmox/proxmox-ve-rs 840d1ed proxmox-ve-config
src/firewall/ports.rs NamedPorts::new opens /etc/services alone (a file it cannot open is no
name) and parse_named_port fails "unknown port name"; its nft rules carry the numbers.
pve-firewall: github:proxmox/pve-firewall 6f1311f src/PVE/Firewall.pm get_etc_services ("unable
to read" then no name) and parse_port_name_number_or_range ("invalid port" for a name it does
not key; ICMP type names only under an ICMP -p, not ports), then `--dport NAME` to iptables,
whose getservbyname is glibc's nss_files (files-service.c DB_LOOKUP servbyname: the first line
of the rule's protocol whose name or alias matches). So where the file was not read every
name is unresolved: one question per firewall file lists them all (not one per rule).

Findings (R47F-n):
- R47F-1 (false pass) HVA-301, HVA-313: with the node's /etc/services not read, a DROP of
  `-dport ssh` was credited with port 22 (`_PVE_SERVICES`, netbase's reading) and took it from
  a later `IN ACCEPT -p tcp -dport 22` from any source: both passed under proxmox-firewall and
  HVA-313 under pve-firewall, where the node's file may give `ssh` another port (or lack it,
  proxmox-firewall then refusing the whole update, pve-firewall the rule). And a DROP whose
  -dport is a name hvaudit cannot resolve (`webui`, netbase's file read: pve-firewall refuses
  the rule, "invalid port") was read as a DROP of every port, the management ones included,
  so the ACCEPT of 8006 after it passed. Now with the file unread no name is a port
  (checks.proxmox._port_names None, `_pve_port_interval`), a -dport hvaudit cannot resolve
  takes no port, and under proxmox-firewall every name of every file is unresolved (not only
  those netbase lacks): parse.proxmox_model._nft_reading asks one question listing each file's
  lines and names; HVA-313's pve-firewall question groups its names per file too.
- R47F-2 (false pass) HVA-313 (HVA-301, HVA-303 through the same reading): under pve-firewall
  with the node's /etc/services read, names were still read as netbase's (`ssh` 22, any other
  name netbase knows no management port): `IN ACCEPT -p tcp -dport http` passed on a node whose
  file gives `http` 8006, and a DROP of `-dport ssh` took port 22 where the file gives 2222.
  Now parse.proxmox.parse_iptables_services reads the file as pve-firewall keys it and glibc
  resolves it (ProxmoxHost.iptables_services): a name is one port where every line naming it
  gives that port, one whose lines disagree is a question, and one pve-firewall does not key
  makes the rule an "invalid port", not applied (no question: L16-9's `SSH` and L17-4's
  `pveui`, asked while the file was not collected, now pass; their tests follow, as do
  R45F-1's and R46F-1's unread-file questions under `nftables: 1`).

- R47F-3 (wording) HVA-301, HVA-313: the node's "accepts every inbound packet" after a DROP
  or REJECT of some packets (`IN DROP -p tcp -dport 22`, `IN REJECT -source 10.0.0.0/8`, then
  `IN ACCEPT`) was unqualified, while the VM's says "that no rule before it drops or rejects"
  (round 44's lead). Now checks.proxmox._accepts_everything keeps the IP versions a DROP or
  REJECT before the ACCEPT took packets of and says "every inbound packet that no rule before
  it drops or rejects"; a DROP of a whole IP version still leaves "every inbound IPv6 packet".
- R47F-4 (wording; a question and a missed fail) HVA-301, HVA-303: under `nftables: 1` a
  guest rule's `-i net+0` was read as refused by proxmox-firewall, the node's whole update
  with it (pve-firewall's `net\\d+` error taken for proxmox-ve-config's check, which parses
  `net` and a u16: round 41's lead), so every firewall check of the node asked; proxmox-firewall
  a752659 rule.rs from_config_rule skips a rule whose -i it cannot resolve ("skipping rule",
  proxmox-ve-config vm.rs index_from_net_key: `net`, digits, an index below 31), the rest
  applied. And `-i net00`, net0 to index_from_net_key, was read as no NIC's, so the VM's
  ACCEPT of every packet on net0 was not seen (the verdict asked). Now parse.proxmox_firewall
  leaves a guest -i to proxmox-ve-config's check, and checks.proxmox reads a guest -i under
  proxmox-firewall by its index.
- R47F-5 (wrong fail) HVA-301, HVA-313, HVA-303: under pve-firewall with the node's /etc/services
  read, a rule naming a service it does not key beside a management port number (`IN ACCEPT
  -p tcp -dport 8006,pveui`, no `pveui` in the file) failed HVA-313, though pve-firewall
  refuses the whole rule (parse_port_name_number_or_range "invalid port", verify_rule's
  errors); a VM's `IN ACCEPT -p tcp -dport 1:65535,pveui` failed HVA-303 alike. Now
  checks.proxmox._input_chain and _vm_opened leave such a rule out under pve-firewall
  (`_pve_unknown_name`), as they do the rules `pve_refused` marks.

Held (kept as tests): with netbase's file read under pve-firewall, a DROP of `-dport ssh` still
takes port 22 from the ACCEPT after it (pass); the parser keys names, not aliases (`www`).
R47F-3: `IN ACCEPT` with nothing before it, and after `IN DROP -source 0.0.0.0/0` (every
inbound IPv6 packet), under each daemon. R47F-4: `-i net31` (no index: skipped, the node
passes), `-i net00` under pve-firewall (no NIC's: pass). R47F-5: `-dport 8006,https` (keyed:
fail).

Probed by script: pve-firewall `-dport ssh:http` with netbase's file (refused named range:
pass, R45's held test); `-dport http` with netbase's file under either daemon (pass, R46's
held tests).

Tally: 5 findings (2 false pass, 1 wrong fail, 2 wording); 25 cases in 10 test functions; 16
failed on main before the fixes (R47F-1's and R47F-2's 8, landed a4e44191, the parser's held
test naming a function main lacked; R47F-3's 4, landed e53b251a; R47F-4's 2, landed
95487168; R47F-5's 2); 9 held.

Leads left: under pve-firewall a name the file defines for another protocol only (`-p tcp
-dport bootps`) makes iptables-restore fail the whole update (not modelled); with the file
unread under pve-firewall a DROP by name before an ACCEPT of a management port now fails
(the ACCEPT admits it unless the name is that port): a question would be more exact;
pve-firewall reads /etc/services once per daemon start (get_etc_services caches it), so a
file edited since names ports the running daemon does not know; a VM rule proxmox-firewall
skips for another generation error (a set or alias it cannot resolve) is read as applied; ip6tables `!
--src-type UNICAST` (HVA-190), a dnat to an AnyIP local route, a bond's ingress chain not
credited to its ports (round 44's leads, not probed).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hvaudit.parse.proxmox import parse_iptables_services
from test_redteam40_firewall_probes import NODE_PASS
from test_redteam45_firewall_probes import MGMT_PASS, NETBASE, _node

UNREAD = "(/etc/services: Permission denied)"
ANY_22 = "IN DROP -p tcp -dport ssh\nIN ACCEPT -p tcp -dport 22"


def _nft_asked(names: str) -> tuple[str, str]:
    return (
        "manual",
        f"evidence unavailable: service names ({names}) whose ports proxmox-firewall (host.fw "
        "`nftables: 1`) takes from the node's /etc/services alone, which was not read "
        f"{UNREAD}: a name the file lacks makes it refuse the whole update, and the file may "
        "give any name any port (`getent services NAME` on the node for each)",
    )


@pytest.mark.parametrize(
    ("rules", "names"),
    [
        pytest.param(ANY_22, "host.fw line 9: -dport ssh", id="drop-ssh"),
        pytest.param(
            "IN ACCEPT -p tcp -dport http\nIN ACCEPT -p tcp -dport https\n"
            "IN DROP -p tcp -dport webui,imap -sport domain",
            "host.fw lines 9, 10, 11: -dport http, -dport https, -dport webui, -dport imap, "
            "-sport domain",
            id="one-question-per-file",
        ),
    ],
)
def test_r47f_1_nft_unread_every_name_asks(tmp_path: Path, rules: str, names: str) -> None:
    """Was a pass (a DROP of `ssh` took 22; netbase's names settled): proxmox-firewall knows
    no name but the node's file gives it, so each is asked, one list per file."""
    asked = _nft_asked(names)
    assert _node(tmp_path, rules, None, nft=True, unread=True) == {
        "HVA-301": asked,
        "HVA-313": asked,
    }


@pytest.mark.parametrize(
    ("rules", "services", "unread", "line"),
    [
        pytest.param(
            "IN DROP -p tcp -dport webui\nIN ACCEPT -p tcp -dport 8006",
            NETBASE,
            False,
            9,
            id="pve-drop-name-refused",
        ),
    ],
)
def test_r47f_1_unresolved_drop_takes_no_port(
    tmp_path: Path, rules: str, services: str | None, unread: bool, line: int
) -> None:
    """Was a pass: a DROP whose -dport name no file read resolves closed the management
    ports (as 22, or as every port); pve-firewall refuses or resolves it from the file. (With
    the file unread, the DROP of `ssh` before the ACCEPT of 22 is now a question naming the
    name and the port: round 48's team decision, test_redteam48_firewall_probes R48F-1.)"""
    assert _node(tmp_path, rules, services, nft=False, unread=unread) == {
        "HVA-301": NODE_PASS,
        "HVA-313": ("fail", f"host.fw:{line} accepts management ports from any source"),
    }


def test_r47f_1_pve_unread_one_question_per_file(tmp_path: Path) -> None:
    """HVA-313's pve-firewall question lists each file's lines and names once."""
    rules = (
        "IN ACCEPT -p tcp -dport http\nIN ACCEPT -p tcp -dport https\n"
        "IN ACCEPT -p tcp -dport webui,http"
    )
    assert _node(tmp_path, rules, None, nft=False, unread=True) == {
        "HVA-301": NODE_PASS,
        "HVA-313": (
            "manual",
            "a rule accepts service names from any source (host.fw lines 8, 9, 10: http, "
            "https, webui): the node's own /etc/services gives their ports, and it was not "
            f"read {UNREAD}",
        ),
    }


@pytest.mark.parametrize(
    ("rules", "services", "expected"),
    [
        pytest.param(
            "IN ACCEPT -p tcp -dport http",
            NETBASE.replace("http\t\t80/tcp", "http\t\t8006/tcp"),
            ("fail", "host.fw:8 accepts management ports from any source"),
            id="http-is-8006",
        ),
        pytest.param(
            ANY_22,
            NETBASE.replace("ssh\t\t22/tcp", "ssh\t\t2222/tcp"),
            ("fail", "host.fw:9 accepts management ports from any source"),
            id="ssh-is-2222",
        ),
        pytest.param(
            "IN ACCEPT -p tcp -dport http",
            NETBASE + "http\t\t8006/tcp\n",
            (
                "manual",
                "a rule accepts service names from any source to which the node's "
                "/etc/services gives more than one port (host.fw line 8: http): iptables takes "
                "the port of the first line of the rule's protocol",
            ),
            id="http-two-ports",
        ),
        pytest.param(ANY_22, NETBASE, MGMT_PASS, id="held-netbase-drop-ssh"),
    ],
)
def test_r47f_2_pve_reads_the_node_file(
    tmp_path: Path, rules: str, services: str, expected: tuple[str, str]
) -> None:
    """Was a pass (netbase's reading under pve-firewall): iptables takes the node's port."""
    assert _node(tmp_path, rules, services, nft=False) == {
        "HVA-301": NODE_PASS,
        "HVA-313": expected,
    }


def test_r47f_2_held_parser_keys_names_not_aliases() -> None:
    """Held: get_etc_services keys a line's first word only (`www`, an alias, is refused);
    a name two lines give two ports is None (a question)."""
    read = parse_iptables_services(NETBASE + "http\t\t8006/udp\n", "/etc/services")
    assert (read["ssh"], read["http"], "www" in read) == (22, None, False)


def _every(line: int, rule: str, what: str) -> dict[str, tuple[str, str]]:
    return {
        "HVA-301": (
            "fail",
            f"cluster firewall on, input policy DROP, but host.fw line {line} `{rule}` accepts "
            f"{what} before the policy",
        ),
        "HVA-313": (
            "fail",
            f"host.fw line {line} `{rule}` accepts {what}, management ports included",
        ),
    }


@pytest.mark.parametrize("nft", [False, True], ids=["pve", "nft"])
@pytest.mark.parametrize(
    ("before", "what"),
    [
        pytest.param(
            "IN DROP -p tcp -dport 22",
            "every inbound packet that no rule before it drops or rejects",
            id="drop-port-22",
        ),
        pytest.param(
            "IN REJECT -source 10.0.0.0/8",
            "every inbound packet that no rule before it drops or rejects",
            id="reject-some-sources",
        ),
        pytest.param("", "every inbound packet", id="held-nothing-before"),
        pytest.param(
            "IN DROP -source 0.0.0.0/0", "every inbound IPv6 packet", id="held-ipv4-closed"
        ),
    ],
)
def test_r47f_3_every_packet_after_a_narrower_drop(
    tmp_path: Path, nft: bool, before: str, what: str
) -> None:
    """Was "accepts every inbound packet" after a DROP of some packets (the VM's message
    says "that no rule before it drops or rejects"); a DROP of a whole IP version leaves
    the other's every packet."""
    rules = f"{before}\nIN ACCEPT" if before else "IN ACCEPT"
    line = (9 if nft else 8) + (1 if before else 0)
    assert _node(tmp_path, rules, NETBASE, nft=nft) == _every(line, "IN ACCEPT", what)


NFT_FILTERS = (
    "manual",
    "evidence unavailable: the node runs proxmox-firewall (host.fw nftables: 1), whose "
    "generated MAC, IP and ARP filters hvaudit does not resolve",
)


@pytest.mark.parametrize("iface", ["net+0", "net31"])
def test_r47f_4_guest_iface_it_cannot_resolve_skips_the_rule(tmp_path: Path, iface: str) -> None:
    """Was "evidence unavailable: ... iface: value does not match the regex pattern 'net\\d+',
    which proxmox-firewall refuses" for `net+0` (pve-firewall's check, not proxmox-ve-config's:
    a u16 it parses): rule generation skips that rule alone (index_from_net_key finds no
    digits), as it does `net31` (no index below 31), so the node passes and the VM keeps its
    nftables question."""
    from test_redteam37_firewall_probes import _vm
    from test_redteam41_firewall_probes import _guest_node

    rule = f"IN ACCEPT -i {iface}"
    assert _guest_node(tmp_path / "node", rule, nft=True) == NODE_PASS
    assert _vm(tmp_path / "vm", rule + "\n", nft=True) == NFT_FILTERS


@pytest.mark.parametrize(
    ("nft", "expected"),
    [
        pytest.param(
            True,
            (
                "fail",
                "1 of 1 interface(s) admit every inbound packet: net0: line 11 `IN ACCEPT -i "
                "net00` accepts every inbound packet before any rule drops or rejects",
            ),
            id="nft",
        ),
        pytest.param(False, ("pass", "1 interface(s) behind the VM firewall"), id="held-pve"),
    ],
)
def test_r47f_4_guest_iface_leading_zero_is_the_nic(
    tmp_path: Path, nft: bool, expected: tuple[str, str]
) -> None:
    """Was the nftables question (the rule read as no NIC's): proxmox-firewall takes `net00`
    as net0 (index_from_net_key: the digits' value); pve-firewall compares the name as written
    and applies it to no NIC (held: pass)."""
    from test_redteam37_firewall_probes import _vm

    assert _vm(tmp_path, "IN ACCEPT -i net00\n", nft=nft) == expected


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        pytest.param("IN ACCEPT -p tcp -dport 8006,pveui", MGMT_PASS, id="name-refused"),
        pytest.param(
            "IN ACCEPT -p tcp -dport 8006,https",
            ("fail", "host.fw:8 accepts management ports from any source"),
            id="held-name-keyed",
        ),
    ],
)
def test_r47f_5_pve_refuses_a_rule_naming_an_unknown_service(
    tmp_path: Path, rule: str, expected: tuple[str, str]
) -> None:
    """Was fail "host.fw:8 accepts management ports from any source": with the node's
    /etc/services read (no `pveui`), pve-firewall refuses the whole rule ("invalid port"), the
    8006 beside the name included; netbase's `https` is keyed, so its twin fails (held)."""
    assert _node(tmp_path, rule, NETBASE, nft=False) == {"HVA-301": NODE_PASS, "HVA-313": expected}


def test_r47f_5_vm_rule_naming_an_unknown_service_is_not_applied(tmp_path: Path) -> None:
    """Was fail "... accepts 65535 of the 65536 tcp ports": the VM chain leaves the rule
    pve-firewall refuses out too (the node's file has no `pveui`)."""
    from test_redteam37_firewall_probes import _vm

    rule = "IN ACCEPT -p tcp -dport 1:65535,pveui\n"
    assert _vm(tmp_path, rule) == ("pass", "1 interface(s) behind the VM firewall")
