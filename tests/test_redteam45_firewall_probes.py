"""Red-team round 45 probes: a Proxmox VE rule's -dport/-sport service names under
proxmox-firewall, read from the node's own /etc/services (r45-firewall).

Harness: round 44's (test_redteam44_firewall_probes): the live hardened Proxmox VE node
(pve+ssh replayed over tests/fixtures/proxmox-hardened, whose etc/services is now netbase 6.4's),
HVA-301's and HVA-313's verdicts of pve-h1 under `nftables: 1` (both daemons running) or
pve-firewall, HVA-303's of VM 201 (test_redteam37_firewall_probes._vm), the node's
/etc/services replaced, removed (absent) or unreadable, through the real collector, parser
and engine.

Findings (R45F-n):
- R45F-1 (false pass) HVA-301, HVA-313, HVA-303: under proxmox-firewall a -dport/-sport
  service name is the port the node's own /etc/services gives it (github:proxmox/proxmox-ve-rs
  proxmox-ve-config src/firewall/ports.rs NamedPorts::new: each line's first word and its
  aliases, the port before the `/`, any protocol, a later line replacing an earlier; a file
  it cannot open is no name; parse_named_port "unknown port name", which fails the whole
  file, read with `find_string`). hvaudit did not collect the file and read netbase's names
  as netbase's ports (only `ssh` a management one): `IN ACCEPT -p tcp -dport http` passed
  HVA-313 on a node whose /etc/services gives `http` port 8006, and `IN DROP -p tcp -dport
  http` passed HVA-301 on a node whose file lacks `http` (proxmox-firewall then refuses the
  whole update: the ruleset in force is not in the evidence). Now the collector reads
  /etc/services (collect.proxmox PVE_FILES), parse.proxmox.parse_services reads it as
  NamedPorts does (ProxmoxHost.services), parse.proxmox_model._nft_reading settles each
  rule's names with it (a name it lacks, or a named range backwards, refuses the file; else
  no question), and checks.proxmox._port_names gives the checks the node's ports. So, the
  team's decision, `-dport ssh:http` (22-80, management port 22 inside) fails HVA-313,
  `ssh:65535` fails HVA-301 and the VM, `webui` (a name netbase lacks) fails HVA-313 where
  the node gives it 8006 and passes where 9999 (HVA-313's own L17-4 question reads the
  node's names too), all questions before; where the file was not read they still ask. The
  older tests asserting round 41's and 43's questions follow (the fixture's file is read).
- R45F-2 (wording) HVA-301, HVA-313, HVA-303: an IN ACCEPT whose -dport admits more than half
  of a protocol's ports but not all (`-dport 1024:65535`, `ssh:65535`) was said to accept
  "every tcp port" (R44F-2 counted the ports only where DROPs before it took some), and the
  VM's message said "every tcp port" after a DROP of port 22 too. Now the node says "64512 of
  the 65536 tcp ports (those of its -dport)" and the VM "64512 of the 65536 tcp ports" (less
  what DROPs of every source took before it), where every IP version it opens has the same
  count; the older tests asserting the old words follow (P17-6, H91, R36F-2).
- R45F-3 (wording) HVA-301, HVA-313, HVA-303: where DROPs of every source of one IP version
  took ports before the ACCEPT (`IN DROP -source 0.0.0.0/0 -p tcp -dport 22` then `IN
  ACCEPT -p tcp`), the versions kept different counts and both messages said "every tcp port"
  (R44F-2 held it; its lead). Now they name each: "65535 of the 65536 IPv4 and 65536 of the
  65536 IPv6 tcp ports (those no rule before it drops or rejects)"; R44F-2's held case follows.

Held (kept as tests): `-dport http` with netbase's file passes; pve-firewall still refuses a
named range (pass); an unreadable /etc/services leaves `ssh:http` round 43's question and
`webui` round 41's. R45F-2: `-dport 0:65535` and the VM's `-p udp -sport 53` keep "every ...
port".

Probed by script (not kept): `IN DROP -p tcp -dport ssh:https` then `IN ACCEPT -p tcp` (65114
of the 65536 tcp ports: the DROP's named range now takes its ports); `-dport ssh:webui` and
`http:webui` with webui 9999 (HVA-313 fails: 22 and 8006 inside).

Tally: 3 findings (1 false pass, 2 wording); 23 cases in 10 test functions; 17 failed on main
before the fixes (R45F-1's 10, the parser's test among them, landed 3047d61f; R45F-2's 4,
landed 1840f13a; R45F-3's 3); 6 held.

Leads left: pve-firewall's own reading of names (get_etc_services keys the first column of
tcp|udp|sctp lines; which port iptables then gives the name, per protocol, is to confirm)
still uses netbase's `ssh` alone (`_PVE_SERVICES`), now that the node's file is collected;
the questions' "not collected" now means "not read" (the API path collects no /etc/services);
a VM rule `-sport ssh:65535 -dport 80` under `nftables: 1` asks of proxmox-firewall's
generated filters (not probed further); round 44's others, not probed: the node's "every inbound
packet" after a narrower DROP, a guest `-i net+1`, ip6tables `! --src-type UNICAST` (HVA-190),
a dnat to an AnyIP local route (routes not collected), a bond's ingress chain not credited to
its ports.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from test_redteam2_probes import PVE_HARDENED
from test_redteam35_proxmox_probes import HOST, _files
from test_redteam36_firewall_probes import BOTH
from test_redteam37_firewall_probes import _vm
from test_redteam40_firewall_probes import NODE_PASS, _node_verdicts

NETBASE = (PVE_HARDENED / "etc" / "services").read_text()
MGMT_PASS = (
    "pass",
    "IP set `management`: admin-lan, vpn-pool, !10.0.8.13; no rule opens management ports wider",
)
MGMT_ANY = ("fail", "host.fw:9 accepts management ports from any source")
# the fixture's nft table inet filter (input policy drop) filters the node, and no table inet
# proxmox-firewall is shown: R52F-2 asks of the admin's own filter
REFUSED = (
    ", which proxmox-firewall (host.fw `nftables: 1`) refuses: it then applies no change, and "
    "nft shows no table inet proxmox-firewall (no ruleset it loaded before is in force), but the "
    "node is filtered by rules proxmox-firewall did not write (nft table inet filter, chain input "
    "(hook input): policy drop): do they restrict the management ports (8006, 22, 3128, "
    "5900-5999) to the management network?"
)


def _node(
    tmp_path: Path, rules: str, services: str | None, nft: bool = True, unread: bool = False
) -> dict[str, tuple[str, str]]:
    """HVA-301 and HVA-313 of pve-h1, `rules` first in host.fw's [RULES], the node's
    /etc/services `services` (None: no such file; `unread`: its read refused)."""
    from test_redteam3_host_probes import PVE_PROCS, pve_scan

    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "tree"))
    files = _files("enable: 1\nnftables: 1\n" if nft else "enable: 1\n", "enable: 1")
    files[HOST] = files[HOST].replace("[RULES]\n", "[RULES]\n" + rules + "\n", 1)
    for rel, text in files.items():
        (tree / rel).write_text(text)
    (tree / "etc" / "services").unlink()
    if services is not None:
        (tree / "etc" / "services").write_text(services)
    running: dict[str, Any] = {
        "processes": (PVE_PROCS + "  950 root     pve-firewall\n", 0),
        **(BOTH if nft else {}),
    }
    if unread:
        running["/etc/services"] = PermissionError("Permission denied")
    a = pve_scan(tmp_path, running, tree)
    return {
        r.check.id: (r.status.value, r.outcome.message)
        for r in a.results
        if r.check.id in ("HVA-301", "HVA-313") and r.outcome.subject.name == "pve-h1"
    }


def _refused(rule: str, why: str) -> dict[str, tuple[str, str]]:
    asked = ("manual", f"evidence unavailable: host.fw line 9 `{rule}`: {why}{REFUSED}")
    return {"HVA-301": asked, "HVA-313": asked}


def _wide_tcp(rule: str, what: str) -> dict[str, tuple[str, str]]:
    return {
        "HVA-301": (
            "fail",
            f"cluster firewall on, input policy DROP, but host.fw line 9 `{rule}` accepts {what} "
            "before the policy",
        ),
        "HVA-313": (
            "fail",
            f"host.fw:9 accepts management ports from any source; host.fw line 9 `{rule}` "
            f"accepts {what}, management ports included",
        ),
    }


CASES = [
    pytest.param(
        "IN ACCEPT -p tcp -dport http",
        NETBASE + "http\t\t8006/tcp\n",
        {"HVA-301": NODE_PASS, "HVA-313": MGMT_ANY},
        id="http-is-8006-here",
    ),
    pytest.param(
        "IN DROP -p tcp -dport http",
        "ssh\t\t22/tcp\n",
        _refused(
            "IN DROP -p tcp -dport http",
            '-dport http: unknown port name "http" (the node\'s /etc/services does not define it)',
        ),
        id="http-not-in-the-node-file",
    ),
    pytest.param(
        "IN DROP -p tcp -dport http",
        None,
        _refused(
            "IN DROP -p tcp -dport http",
            '-dport http: unknown port name "http" (the node\'s /etc/services does not define it)',
        ),
        id="no-etc-services",
    ),
    pytest.param(
        "IN ACCEPT -p tcp -dport ssh:http",
        NETBASE,
        {"HVA-301": NODE_PASS, "HVA-313": MGMT_ANY},
        id="named-range-settled",
    ),
    pytest.param(
        "IN ACCEPT -p tcp -dport ssh:65535",
        NETBASE,
        _wide_tcp(
            "IN ACCEPT -p tcp -dport ssh:65535",
            "65514 of the 65536 tcp ports (those of its -dport)",
        ),
        id="named-range-wide",
    ),
    pytest.param(
        "IN ACCEPT -p tcp -dport webui",
        NETBASE + "webui\t\t8006/tcp\n",
        {"HVA-301": NODE_PASS, "HVA-313": MGMT_ANY},
        id="name-netbase-lacks",
    ),
    pytest.param(
        "IN ACCEPT -p tcp -dport webui",
        NETBASE + "webui\t\t9999/tcp\n",
        {"HVA-301": NODE_PASS, "HVA-313": MGMT_PASS},
        id="name-netbase-lacks-not-management",
    ),
    pytest.param(
        "IN ACCEPT -p tcp -dport http:ssh",
        NETBASE,
        _refused(
            "IN ACCEPT -p tcp -dport http:ssh",
            "-dport http:ssh: start port is greater than end port! (the node's /etc/services "
            "gives 80 and 22)",
        ),
        id="named-range-backwards",
    ),
    pytest.param(
        "IN ACCEPT -p tcp -dport http",
        NETBASE,
        {"HVA-301": NODE_PASS, "HVA-313": MGMT_PASS},
        id="held-netbase-http",
    ),
]


@pytest.mark.parametrize(("rule", "services", "expected"), CASES)
def test_r45f_1_node_names_from_the_node_file(
    tmp_path: Path, rule: str, services: str | None, expected: dict[str, tuple[str, str]]
) -> None:
    """Was pass (a name the node maps to 8006, or lacks: the whole file refused) or a question
    (a named range, a name netbase lacks) under `nftables: 1`: the node's /etc/services gives
    each name's port (proxmox-ve-config NamedPorts). netbase's `http` passes (held)."""
    assert _node(tmp_path, rule, services) == expected


def test_r45f_1_vm_named_range(tmp_path: Path) -> None:
    """Was a question (the node's /etc/services not collected): `ssh:65535` is 22-65535 with
    the fixture's netbase file, more than half of the tcp ports (counted: R45F-2)."""
    rule = "IN ACCEPT -p tcp -dport ssh:65535"
    assert _vm(tmp_path, rule + "\n", nft=True) == (
        "fail",
        "1 of 1 interface(s) admit every inbound packet or every port of a protocol: net0: "
        f"line 11 `{rule}` accepts 65514 of the 65536 tcp ports before any rule drops or rejects",
    )


def test_r45f_1_held_pve_firewall_refuses_named_range(tmp_path: Path) -> None:
    """Held: pve-firewall refuses a named range (parse_port_name_number_or_range takes `N:M`
    of digits only): the ACCEPT is left out, the node passes."""
    rule = "IN ACCEPT -p tcp -dport ssh:65535"
    assert _node(tmp_path, rule, NETBASE, nft=False) == {
        "HVA-301": NODE_PASS,
        "HVA-313": MGMT_PASS,
    }


def test_r45f_1_held_unread_file_asks_name(tmp_path: Path) -> None:
    """Held: where the node's /etc/services was not read, a name netbase lacks stays a
    question (R47F-1's words: every name of the file, listed once)."""
    rule = "IN ACCEPT -p tcp -dport webui"
    asked = (
        "manual",
        "evidence unavailable: service names (host.fw line 9: -dport webui) whose ports "
        "proxmox-firewall (host.fw `nftables: 1`) takes from the node's /etc/services alone, "
        "which was not read (/etc/services: Permission denied): a name the file lacks makes it "
        "refuse the whole update, and the file may give any name any port (`getent services "
        "NAME` on the node for each)",
    )
    assert _node(tmp_path, rule, None, unread=True) == {"HVA-301": asked, "HVA-313": asked}


def test_r45f_1_held_unread_file_asks_range(tmp_path: Path) -> None:
    """Held: where the node's /etc/services was not read, a named range stays a question
    (R47F-1's words)."""
    rule = "IN ACCEPT -p tcp -dport ssh:http"
    asked = (
        "manual",
        "evidence unavailable: service names (host.fw line 9: -dport ssh:http) whose ports "
        "proxmox-firewall (host.fw `nftables: 1`) takes from the node's /etc/services alone, "
        "which was not read (/etc/services: Permission denied): a name the file lacks makes it "
        "refuse the whole update, and the file may give any name any port (`getent services "
        "NAME` on the node for each)",
    )
    assert _node(tmp_path, rule, None, unread=True) == {"HVA-301": asked, "HVA-313": asked}


def test_r45f_1_parse_services_as_named_ports() -> None:
    """NamedPorts::new: the first word and its aliases up to a `#` word, the port before the
    `/` (any protocol; `+` is Rust's u16 sign), a later line replacing an earlier; a port that
    is no u16 skips its line, and a `#` line is none."""
    from hvaudit.parse.proxmox import parse_services

    text = (
        "ssh\t22/tcp\t\t# SSH\n"
        "  http 80/tcp www #web www2\n"
        "# webui 8006/tcp\n"
        "big 70000/tcp\n"
        "plus +25/udp\n"
        "www 8006/udp\n"
        "lone\n"
    )
    assert parse_services(text, "services") == {
        "ssh": 22,
        "http": 80,
        "www": 8006,
        "plus": 25,
    }


# --- R45F-2: a -dport of more than half of the ports is not every port -----------------------


@pytest.mark.parametrize(
    ("rule", "what"),
    [
        pytest.param(
            "IN ACCEPT -p tcp -dport 1024:65535",
            "64512 of the 65536 tcp ports (those of its -dport)",
            id="high-ports",
        ),
        pytest.param(
            "IN ACCEPT -source 0.0.0.0/0 -p tcp -dport 1:65535",
            "65535 of the 65536 IPv4 tcp ports (those of its -dport)",
            id="ipv4-all-but-0",
        ),
        pytest.param(
            "IN ACCEPT -p tcp -dport 0:65535", "every tcp port", id="held-every-port-spelt-out"
        ),
    ],
)
def test_r45f_2_node_counts_a_wide_dport(tmp_path: Path, rule: str, what: str) -> None:
    """Was "accepts every tcp port" (wording): the -dport admits the ports it names, more than
    half of them (`_opens`), not every one; R44F-2 counted them only after a DROP. `0:65535`
    is every port (held)."""
    got = _node_verdicts(tmp_path, rule + "\n", False)
    source = "0.0.0.0/0" if "-source" in rule else "any source"
    assert got == {
        "HVA-301": (
            "fail",
            f"cluster firewall on, input policy DROP, but host.fw line 8 `{rule}` accepts {what} "
            "before the policy",
        ),
        "HVA-313": (
            "fail",
            f"host.fw:8 accepts management ports from {source}; host.fw line 8 `{rule}` accepts "
            f"{what}, management ports included",
        ),
    }


VM_PORTS = "1 of 1 interface(s) admit every inbound packet or every port of a protocol"


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        pytest.param(
            "IN ACCEPT -p tcp -dport 1024:65535",
            f"{VM_PORTS}: net0: line 11 `IN ACCEPT -p tcp -dport 1024:65535` accepts 64512 of "
            "the 65536 tcp ports before any rule drops or rejects",
            id="high-ports",
        ),
        pytest.param(
            "IN DROP -p tcp -dport 22\nIN ACCEPT -p tcp",
            f"{VM_PORTS} that no earlier rule drops or rejects: net0: line 12 `IN ACCEPT -p tcp` "
            "accepts 65535 of the 65536 tcp ports that no rule before it drops or rejects",
            id="after-a-drop",
        ),
        pytest.param(
            "IN ACCEPT -p udp -sport 53",
            f"{VM_PORTS}: net0: line 11 `IN ACCEPT -p udp -sport 53` accepts every udp port "
            "before any rule drops or rejects",
            id="held-sport-every-port",
        ),
    ],
)
def test_r45f_2_vm_counts_a_wide_dport(tmp_path: Path, rules: str, expected: str) -> None:
    """Was "accepts every tcp port" (wording): the VM's message counts the ports its -dport,
    less what DROPs of every source before it took, admits, as the node's does (R44F-2). An
    ACCEPT with no -dport before any DROP keeps the words (held)."""
    assert _vm(tmp_path, rules + "\n") == ("fail", expected)


# --- R45F-3: IP versions that lost different ports ------------------------------------------

BOTH_LOST = (
    "IN DROP -source 0.0.0.0/0 -p tcp -dport 22\nIN DROP -source ::/0 -p tcp -dport 1:100\n"
    "IN ACCEPT -p tcp -dport 1:65535"
)


@pytest.mark.parametrize(
    ("rules", "line", "what"),
    [
        pytest.param(
            "IN DROP -source 0.0.0.0/0 -p tcp -dport 22\nIN ACCEPT -p tcp",
            9,
            "65535 of the 65536 IPv4 and 65536 of the 65536 IPv6 tcp ports (those no rule "
            "before it drops or rejects)",
            id="ipv4-lost-port-22",
        ),
        pytest.param(
            BOTH_LOST,
            10,
            "65534 of the 65536 IPv4 and 65435 of the 65536 IPv6 tcp ports (those of its -dport "
            "no rule before it drops or rejects)",
            id="each-lost-others",
        ),
    ],
)
def test_r45f_3_node_counts_each_version(tmp_path: Path, rules: str, line: int, what: str) -> None:
    """Was "accepts every tcp port" (wording; R44F-2 held it): the DROPs of one IP version's
    ports before the ACCEPT left the versions different counts, so each is named."""
    quoted = rules.rsplit("\n", 1)[1]
    got = _node_verdicts(tmp_path, rules + "\n", False)
    assert got["HVA-301"] == (
        "fail",
        f"cluster firewall on, input policy DROP, but host.fw line {line} `{quoted}` accepts "
        f"{what} before the policy",
    )


def test_r45f_3_vm_counts_each_version(tmp_path: Path) -> None:
    """Was "accepts every tcp port that no rule before it drops or rejects" (wording)."""
    assert _vm(tmp_path, BOTH_LOST + "\n") == (
        "fail",
        f"{VM_PORTS} that no earlier rule drops or rejects: net0: line 13 `IN ACCEPT -p tcp "
        "-dport 1:65535` accepts 65534 of the 65536 IPv4 and 65435 of the 65536 IPv6 tcp ports "
        "that no rule before it drops or rejects",
    )
