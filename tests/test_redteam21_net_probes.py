"""Twenty-first red-team review, KVM/libvirt virtual network side (rt21net): the leads round 20
left (tests/test_redteam20_net_probes.py, test_redteam20_net2_probes.py,
test_redteam20_net3_probes.py): what the guests of a libvirt NAT network reach on the host
(HVA-210, HVA-212), nwfilter redefinitions, `statematch='false'` and iterator pairing.

Harness: conftest's `host_scan` (libvirt's test driver serves the domains and networks on the
replayed hardened Debian host, changed only where a probe says so), through the real
collector, parser and engine. Every fact a probe rests on was read with the `search` /
`find_string` tools and is cited in its docstring.

Findings (R21N-n):
- R21N-1 (false pass) HVA-210 passed "1 management listener(s), none on a wildcard address"
  for sshd bound to the management address 10.0.0.10 on a host whose VM sits on libvirt's
  NAT network `default` (<ip address='192.168.122.1'> on virbr0). The host is the guests'
  gateway, and Linux takes a packet for any of its addresses on whatever interface it arrives
  (ip-sysctl.rst, arp_filter: "IP addresses are owned by the complete host on Linux, not by
  particular interfaces"), so a guest reaches 10.0.0.10:22 through virbr0 just as it reaches
  192.168.122.1, which HVA-210 already failed ("every guest on it reaches it"). libvirt leaves
  the host's input path open: its firewall rules for a network add INPUT accepts only (DHCP 67,
  DNS 53, TFTP 69: bridge_driver / network_iptables.c iptablesAddGeneralIPv4FirewallRules, read
  with `find_string`), never a drop; it disables IPv6 on the bridge of a network without an
  IPv6 <ip> (networkSetIPv6Sysctls: disable_ipv6 "1"), so only listeners of the versions of the
  network's addresses are reached. Now, for management listeners on other host addresses of a
  version such a network (nat, route, open, isolated; a VM defined on it) has: a fail where
  the host's input firewall accepts by default (HVA-190's reading), a question about the rules
  that accept those ports where it drops by default and some rule accepts a packet; a drop
  with no accepting rule at all (conftest's hardened ruleset) admits nothing and keeps the
  pass. New fact: HostFacts.firewall_accepts (any accept verdict in `nft -j list ruleset`
  rules and maps, else any `-j ACCEPT` in `iptables -S` / `ip6tables -S`).
- R21N-2 (false pass) R21N-1 as landed counted only interfaces of type='network' as the
  network's guests: a VM whose `<interface type='bridge'>` names virbr0 is a port of the same
  bridge (formatdomain, "Bridge to LAN") and reaches the host the same way; HVA-210 passed.
  Now an interface of type bridge on a network's bridge counts too.

Held (kept as tests): R21N-1's edges: an IPv6 management listener beside an IPv4-only NAT
network, and a NAT network no VM is defined on, keep the pass (input accepted by default);
the hardened host's rule-free drop keeps it (tests/test_verdict_fixes.py, redteam2 #21, too).

Read in the code, not probed (the verdict is right): a filter redefinition that libvirt cannot
instantiate for running VMs is refused, not kept beside the old rules: virnwfilterobj.c
virNWFilterObjListAssignDef sets obj->newDef, runs virNWFilterTriggerVMFilterRebuild, and on
failure clears newDef and returns NULL (the define fails, obj->def stays the old definition),
so `virsh nwfilter-dumpxml` shows what the ports run (read with `find_string`, libvirt master
and older versions alike). `statematch='false'` only drops the conntrack state match of
iptables rules (tcp, udp, all ...), which run after the ebtables chains that decide spoofing
(hvaudit.parse.nwfilter): no anti-spoofing verdict depends on it. Iterator pairing
(`$A[@1]` beside `$B[@1]`): hvaudit keeps an indexed variable as the variable itself
(parse/nwfilter.py _INDEXED), one of the values the plain variable admits, so a paired rule
looks no narrower than libvirt's.

Tally: 6 cases in 5 test functions; 3 failed before their fixes (R21N-1 2 on main 14a2017,
R21N-2 1 on 00934a5: run with PYTHONPATH=/work/main/src), the 3 held cases passed before and
after. No golden verdict changed (the SARIF golden carries HVA-210's docstring).

Leads left (not settled in the time):
- HVA-210 yields one item per host: where R21N-1's question and the route_localnet question
  (local4 unread) or the /etc/services question (chardev_named) both apply, only R21N-1's is
  asked (an attestation of it passes the host with the other never asked; R20N-2's form, every
  condition in one question, would fix it).
- HVA-212 stays a bare question ("host firewall input policy: ..."): it does not name the
  libvirt networks whose guests are a source to check; R21N-1's question does, for HVA-210.
- The same reach applies to every host listener, not only management ones: HVA-033 judges
  listeners by process name and address (non-loopback), not by who reaches them; a guest of a
  NAT network reaches an approved service bound to any host address (dnsmasq included: a site
  that approves dnsmasq by name approves it on every address).
- OVS `protected` ports are still asked, not read (no probe collects `ovs-vsctl list Port`).
"""

from __future__ import annotations

import json

import pytest

from conftest import HARDENED_HOST, NFT_DROP, domain_xml, messages, outcomes
from test_redteam18_net_probes import manual_question

NAT = (
    "<network><name>default</name><forward mode='nat'/><bridge name='virbr0'/>"
    "<ip address='192.168.122.1' netmask='255.255.255.0'/></network>"
)
NATVM = domain_xml(
    "natvm",
    body="<devices><interface type='network'><mac address='52:54:00:21:0a:01'/>"
    "<source network='default'/><model type='virtio'/></interface></devices>",
)
#: The hardened ruleset with its input chain's policy accept (HVA-190 fails it).
NFT_ACCEPT = NFT_DROP.replace('"policy": "drop"', '"policy": "accept"')


def _with_ssh_rule(ruleset: str) -> str:
    """The ruleset with `tcp dport 22 accept` in inet filter input."""
    items = json.loads(ruleset)
    items["nftables"].append(
        {
            "rule": {
                "family": "inet",
                "table": "filter",
                "chain": "input",
                "handle": 3,
                "expr": [
                    {
                        "match": {
                            "op": "==",
                            "left": {"payload": {"protocol": "tcp", "field": "dport"}},
                            "right": 22,
                        }
                    },
                    {"accept": None},
                ],
            }
        }
    )
    return json.dumps(items)


# --- R21N-1 HVA-210: NAT guests reach every host address through their gateway -----------------


def test_management_address_reached_by_nat_guests_with_input_open_fails(host_scan) -> None:
    """R21N-1. sshd on 10.0.0.10:22 (the hardened host's management address), a VM on the NAT
    network default, the input firewall accepting by default: the guest sends to 10.0.0.10
    through virbr0, its gateway, and Linux delivers it (weak host: ip-sysctl.rst arp_filter,
    "IP addresses are owned by the complete host on Linux"); libvirt adds only accepts to the
    input path (iptablesAddGeneralIPv4FirewallRules). hvaudit passed: "none on a wildcard
    address". Right: fail, naming the network and the listener."""
    a = host_scan({"nft-ruleset": (NFT_ACCEPT, 0)}, domains=[NATVM], networks=[NAT])
    assert (outcomes(a, "HVA-210")["hv1"], messages(a, "HVA-210")["hv1"]) == (
        "fail",
        "listening on host addresses that the guests of libvirt network(s) default (virbr0, "
        "192.168.122.1) reach through the host, their gateway (Linux takes a packet for any "
        "of its addresses on whatever interface it arrives), and the host's input firewall "
        "accepts by default: sshd (tcp/22) on 10.0.0.10",
    )


def test_management_address_behind_a_drop_with_accepts_is_asked(host_scan) -> None:
    """R21N-1. The same host with its input chain's policy drop and `tcp dport 22 accept` (from
    any source and interface: the guest's too): whether a rule admits the guests is in the
    rules, which hvaudit does not match per port and source. hvaudit passed; right: the
    question naming the bridge and the listener."""
    a = host_scan({"nft-ruleset": (_with_ssh_rule(NFT_DROP), 0)}, domains=[NATVM], networks=[NAT])
    assert (outcomes(a, "HVA-210")["hv1"], messages(a, "HVA-210")["hv1"]) == (
        "manual",
        "management listener(s) sshd (tcp/22) on 10.0.0.10: the guests of libvirt network(s) "
        "default (virbr0, 192.168.122.1) reach every host address through the host, their "
        "gateway (Linux takes a packet for any of its addresses on whatever interface it "
        "arrives); host firewall input policy: drop",
    )
    assert manual_question(a, "HVA-210", "hv1") == (
        "Does the input firewall of host hv1 drop connections that arrive on virbr0 (the bridge(s) "
        "of network(s) default (virbr0, 192.168.122.1)) for sshd (tcp/22) on 10.0.0.10? Evidence: "
        "`nft list ruleset` (or `iptables -S`) on the host: every rule that accepts those ports or "
        "queues them to a program in user space (nft `queue`, iptables NFQUEUE or QUEUE: the "
        "program may accept them), with its input-interface and source matches. Pass: yes, none "
        "accepts or queues them from those bridges or the networks' subnets (libvirt's own rules "
        "there accept only DHCP, DNS and TFTP); fail: one does (any interface or source included), "
        "so a guest reaches the management service."
    )


V6_SSHD = (
    "tcp   LISTEN 0      128        [2001:db8::10]:22        [::]:*    "
    'users:(("sshd",pid=800,fd=3))\n'
)


@pytest.mark.parametrize(
    ("overrides", "domains"),
    [
        ({"listeners": (V6_SSHD, 0)}, [NATVM]),
        ({}, [domain_xml("web01")]),
    ],
    ids=["ipv6-listener-ipv4-network", "no-vm-on-the-network"],
)
def test_unreached_management_address_keeps_the_pass(
    host_scan, overrides: dict[str, tuple[str, int]], domains: list[str]
) -> None:
    """R21N-1, held (the fix's edges), input accepted by default: libvirt disables IPv6 on the
    bridge of a network with no IPv6 <ip> (bridge_driver.c networkSetIPv6Sysctls), so its
    guests do not reach an IPv6 listener through it; a NAT network no VM is defined on carries
    no guest. Pass, as before."""
    a = host_scan({"nft-ruleset": (NFT_ACCEPT, 0), **overrides}, domains=domains, networks=[NAT])
    assert outcomes(a, "HVA-210") == {"hv1": "pass"}, messages(a, "HVA-210")


def test_rule_free_drop_admits_nothing_and_keeps_the_pass(host_scan) -> None:
    """R21N-1, held: the hardened host's input chain drops by default with no rule at all
    (conftest NFT_DROP), so nothing reaches sshd from the guests' bridge: pass, as before."""
    assert HARDENED_HOST["nft-ruleset"][0] == NFT_DROP
    a = host_scan(domains=[NATVM], networks=[NAT])
    assert outcomes(a, "HVA-210") == {"hv1": "pass"}, messages(a, "HVA-210")


def test_vm_plugged_into_the_nat_bridge_directly_is_a_guest_too(host_scan) -> None:
    """R21N-2. A VM whose <interface type='bridge'> names virbr0, the NAT network's bridge,
    is on that bridge as much as one of type='network' (formatdomain, "Bridge to LAN": the
    tap is added to the named bridge), and sends to the host's addresses through it. R21N-1
    counted only interfaces of type='network' and passed; right: the same fail."""
    vm = domain_xml(
        "onbridge",
        body="<devices><interface type='bridge'><mac address='52:54:00:21:0a:02'/>"
        "<source bridge='virbr0'/><model type='virtio'/></interface></devices>",
    )
    a = host_scan({"nft-ruleset": (NFT_ACCEPT, 0)}, domains=[vm], networks=[NAT])
    assert outcomes(a, "HVA-210") == {"hv1": "fail"}, messages(a, "HVA-210")
    assert "default (virbr0, 192.168.122.1)" in messages(a, "HVA-210")["hv1"]
