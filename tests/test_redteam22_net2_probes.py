"""Twenty-second red-team review, KVM/libvirt virtual networks and host exposure, second pass
(rt22net2): the leads tests/test_redteam22_net_probes.py and test_redteam21_net*_probes.py
left (HVA-210's reach of host listeners from the guests of libvirt networks, HVA-033, OVS).

Harness: conftest's `host_scan` (libvirt's test driver serves the domains and networks on the
replayed hardened Debian host, changed only where a probe says so), through the real
collector, parser and engine. Every fact a probe rests on was read with the `search` /
`find_string` tools and is cited in its docstring.

Findings (R22O-n):
- R22O-1 (false pass) HVA-210 passed "2 management listener(s), none on a wildcard address"
  for sshd and libvirtd bound to the link-local address of virbr0, the bridge of the NAT
  network `default` (with an IPv6 <ip>) a VM is on, the input firewall accepting by default.
  `ss` prints a socket bound to an interface (a link-local address's scope, SO_BINDTODEVICE)
  as ADDR%IFNAME: iproute2 ss.c sock_addr_print, `out("%s" "%%" "%s%s", addr, ifname, delim)`
  (read with `find_string`); hvaudit's parser dropped the interface (`addr.split("%")[0]`),
  so the listener was neither the network's <ip> address (HVA-210's "listening on a VM
  network's host address") nor one the guests reach through their gateway (a link-local
  address is skipped there). Yet a socket bound to virbr0 receives exactly what arrives on
  virbr0: every guest of the network reaches it. Now Listener.device keeps the interface, and
  a management listener bound to the bridge of a libvirt network holding a host address fails
  as one on the network's address does, naming it ADDR%BRIDGE.

Held (kept as tests): a link-local management listener bound to another interface (eno3, the
hardened host's management NIC) keeps the pass: only that link reaches a link-local address.

Probed by script, not kept: HVA-033 judges a listener on virbr0's address (192.168.122.1) like
any non-loopback listener (unapproved fails); a wildcard listener behind a rule-free nftables
drop still fails HVA-033 when unapproved (it judges what listens, not what the firewall
admits: not a false pass). HVA-197 with <port isolated='yes'/> on the <network> and the
interface's own <port isolated='no'/> overriding it reads as not isolated (libvirt's
interface setting wins). OVS: a `<virtualport type='openvswitch'/>` interface with several
<tag>s or trunk='yes' fails HVA-192 (_vlan: more than one tag is a trunk); an OVS bridge
holding the host address with a VM defined on it fails HVA-211.

Tally: 2 cases in 2 test functions; 1 failed on main 42dfe19 before the fix (R22O-1), the
held case passed before and after.

Leads left (not settled in the time):
- A listener bound to another interface (10.0.0.10%eno3, SO_BINDTODEVICE) is not reached
  through virbr0 (the socket lookup matches sk_bound_dev_if), yet R21N-1's `through` still
  counts it: a wrong fail/question, not a false pass. Listener.device now carries what it
  needs.
- HVA-210 considers only libvirt networks' bridges: a host bridge (br0) with VMs on it and a
  host address reaches the host's management address on another NIC the same way (weak host);
  HVA-211 fails such a host, HVA-210 passes it.
- An OVS bridge VMs are on that is patched (patch ports) to the OVS bridge holding the
  management address: HVA-211 reads each bridge's own ports only.
- <forward mode='open'>: libvirt adds no rules (formatnetwork); HVA-210/212 treat it as the
  other routed modes, which the R21N-1 question covers; not probed against a real ruleset.
"""

from __future__ import annotations

from conftest import domain_xml, messages, outcomes
from test_redteam21_net_probes import NFT_ACCEPT

NAT6 = (
    "<network><name>default</name><forward mode='nat'/><bridge name='virbr0'/>"
    "<ip address='192.168.122.1' netmask='255.255.255.0'/>"
    "<ip family='ipv6' address='fd00:122::1' prefix='64'/></network>"
)
NATVM = domain_xml(
    "natvm",
    body="<devices><interface type='network'><mac address='52:54:00:21:0a:01'/>"
    "<source network='default'/><model type='virtio'/></interface></devices>",
)


def _link_local(dev: str) -> str:
    """`ss -tulnp` with sshd and libvirtd on a link-local address of `dev` (ADDR%IFNAME)."""
    return (
        f"tcp   LISTEN 0      128        [fe80::5054:ff:fe00:1]%{dev}:22        [::]:*    "
        'users:(("sshd",pid=800,fd=3))\n'
        f"tcp   LISTEN 0      128        [fe80::5054:ff:fe00:1]%{dev}:16509        [::]:*    "
        'users:(("libvirtd",pid=700,fd=3))\n'
    )


# --- R22O-1 HVA-210: a listener bound to a VM network's bridge ---------------------------------


def test_management_listener_bound_to_the_nat_bridge_fails(host_scan) -> None:
    """R22O-1. sshd and libvirtd on virbr0's link-local address, which `ss` prints as
    [fe80::...]%virbr0 (iproute2 ss.c sock_addr_print: `out("%s" "%%" "%s%s", addr, ifname,
    delim)`, read with `find_string`); a VM on the NAT network `default`, whose IPv6 <ip> keeps
    IPv6 on virbr0; input accepted by default. The socket receives what arrives on virbr0:
    every guest there. hvaudit dropped the interface and passed ("none on a wildcard
    address"); right: the fail HVA-210 gives a listener on the network's own address."""
    a = host_scan(
        {"listeners": (_link_local("virbr0"), 0), "nft-ruleset": (NFT_ACCEPT, 0)},
        domains=[NATVM],
        networks=[NAT6],
    )
    assert (outcomes(a, "HVA-210")["hv1"], messages(a, "HVA-210")["hv1"]) == (
        "fail",
        "listening on a VM network's host address (every guest on it reaches it): libvirtd "
        "(tcp/16509) on [fe80::5054:ff:fe00:1]%virbr0 (network default), sshd (tcp/22) on "
        "[fe80::5054:ff:fe00:1]%virbr0 (network default)",
    )


def test_link_local_listener_on_the_management_nic_keeps_the_pass(host_scan) -> None:
    """R22O-1, held (the fix's edge): the same listeners on a link-local address of eno3, the
    management NIC: a link-local address is reached from its own link only, not through
    virbr0. Pass, as before."""
    a = host_scan(
        {"listeners": (_link_local("eno3"), 0), "nft-ruleset": (NFT_ACCEPT, 0)},
        domains=[NATVM],
        networks=[NAT6],
    )
    assert (outcomes(a, "HVA-210")["hv1"], messages(a, "HVA-210")["hv1"]) == (
        "pass",
        "2 management listener(s), none on a wildcard address",
    )
