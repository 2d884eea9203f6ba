"""Twentieth red-team review, third pass on the KVM/libvirt virtual network side (rt20net3): the
leads rounds 20 and 20b left (tests/test_redteam20_net_probes.py, test_redteam20_net2_probes.py):
HVA-092's wording for an interface whose <bandwidth> has only a floor, the nwfilter leads
(clean-traffic-gateway with and without GATEWAY_MAC, CTRL_IP_LEARNING spellings and case, priority
ties) and the <dns>/<dhcp> exposure of libvirt networks.

Same harness as rounds 3, 8, 17, 18 and 20 (tests/test_redteam3_vm_probes.py: libvirt's test
driver serves the domains and networks on conftest's replayed hardened host, whose daemon
reports the network filters given). Every fact a probe rests on was read with the `search` /
`find_string` / `read_file` tools and is cited in its docstring.

Findings (R20N-n): R20N-6 HVA-092 (wording) said "1 of 1 interface(s) without <bandwidth>" for
an interface whose <bandwidth> is `<inbound floor='100'/>` alone: it has a <bandwidth> of its
own (which keeps its port group's away, R20N-3), one that sets no average rate. The fail was
right (a floor guarantees inbound throughput, it limits nothing), the reason was not: the
operator would look for a missing element that is there. Now the fail names the interface and
says its <bandwidth> has no average rate and what a floor is.

Held (kept as tests): R20N-6: an interface with an inbound floor and an outbound average passes
(limited outbound, the direction HVA-092 requires).

Probed by script, not kept (the verdict was right): HVA-191 on libvirt's
clean-traffic-gateway (/usr/share/libvirt/nwfilter/clean-traffic-gateway.xml on this machine):
its root accepts of frames to or from $GATEWAY_MAC at priority 500 run ahead of
no-other-l2-traffic's drop at 1000, so IPv6 and VLAN-tagged frames to the gateway pass unchecked:
fail, with GATEWAY_MAC, without it and without IP (without GATEWAY_MAC libvirt does not
instantiate the filter at all: nwfilter_gentech_driver.c virNWFilterDoInstantiate goes to
err_unresolvable_vars for any missing variable but IP, "Cannot instantiate filter due to
unresolvable variables", so the VM does not start; a fail is not a false pass there).
CTRL_IP_LEARNING spellings: libvirt compares with STRCASEEQ ("none", "dhcp", "any";
virNWFilterDoInstantiate, read with `find_string`/`read_file`), hvaudit lowercases: 'DHCP' and
'Any' give the learned-address question (right); 'none' and an invalid value ('static', "filter
'%1$s' learning value '%2$s' invalid.") make libvirt refuse the filter when $IP is missing, so the
VM cannot start with it; hvaudit passes them as filtered by clean-traffic (no frame leaves an
interface that never starts, so no false pass). Priority ties: libvirt's virNWFilterRuleInstSort
orders root-chain rules first, then by priority, and hvaudit.parse.nwfilter models the stable
order and the jump-before-rule tie (ebtablesCreateTmpRootAndSubChains "subchains[j]->priority <=
rules[i]->priority"), read, not re-probed. <dns>/<dhcp>: no check reads a network's <dns> or
<dhcp>; libvirt's dnsmasq listens on the bridge address, so HVA-033 sees it in `ss` and fails
it as an unapproved listener unless the profile's allowed_listeners names dnsmasq (the default
profile does not): no pass to be wrong.

Tally: 1 finding (R20N-6: wording), 2 tests, 1 of them held.

Leads left (not settled in the time): what a guest reaches through libvirt's dnsmasq (DNS
forwarding to the host's resolvers and <forwarder> servers, <dns><host> names, `<dns
enable='no'>` leaving dnsmasq as DHCP only) is judged by no check beyond HVA-033's listener
list, which allows it by process name (a site that approves dnsmasq approves every bridge it
serves); `statematch='false'` (iptables rules only, after the ebtables chains: not probed); an
`inout` <stp> rule with a source MAC (libvirt refuses the filter, the VM does not start: not
probed); iterator pairing `$A[@1]` beside `$B[@1]` (not probed); a filter redefinition that
libvirt cannot instantiate for running VMs (CTRL_IP_LEARNING none, a new variable) rolls back
to the old rules (virNWFilterBuildAll STEP_ROLLBACK), which hvaudit does not see: the dump is
the new definition, the ports run the old one (not probed).
"""

from __future__ import annotations

from pathlib import Path

from test_nwfilter_stock import STOCK
from test_redteam3_vm_probes import dev, filtered_node, verdict

#: A NAT network with an inbound <bandwidth>: libvirt accepts a floor only on an interface of
#: such a network (bridge_driver.c networkCheckBandwidth: "has no inbound QoS set" otherwise).
NAT_QOS = (
    "<network><name>lan</name><forward mode='nat'/><bridge name='virbr9'/>"
    "<bandwidth><inbound average='10000'/><outbound average='10000'/></bandwidth>"
    "<ip address='192.168.99.1' netmask='255.255.255.0'/></network>"
)


def _nic(mac: str, bandwidth: str) -> str:
    return (
        f"<interface type='network'><mac address='{mac}'/><source network='lan'/>"
        f"<model type='virtio'/>{bandwidth}<filterref filter='clean-traffic'>"
        "<parameter name='IP' value='192.168.99.5'/></filterref></interface>"
    )


# --- R20N-6 HVA-092: a <bandwidth> with a floor only is there, and limits nothing --------------


def test_floor_only_bandwidth_is_named_not_called_missing(tmp_path: Path) -> None:
    """R20N-6. src/conf/netdev_bandwidth_conf.c (libvirt master, read with `find_string`):
    virNetDevBandwidthParseRate takes a rate with `floor` and no `average` ("Missing mandatory
    average or floor attributes" only without both; "'peak' and 'burst' require 'average'"),
    floor only where allowed (inbound of an interface on a network); virNetDevBandwidthParse
    keeps the <bandwidth>, so it is the interface's own (networkAllocatePort copies the port
    group's only `if (!port->bandwidth)`). A floor is a guaranteed minimum (formatnetwork,
    "Quality of service": floor "guarantees minimal throughput"), and virNetDevBandwidthSet
    shapes what the guest sends only `if (tx && tx->average)`: the guest is unlimited, the
    fail is right. hvaudit said "1 of 1 interface(s) without <bandwidth>" (wording): the
    element is there. Right: name it and say it has no average rate."""
    a = filtered_node(
        tmp_path,
        [dev("bw", _nic("52:54:00:20:0a:01", "<bandwidth><inbound floor='100'/></bandwidth>"))],
        STOCK,
        [NAT_QOS],
    )
    assert verdict(a, "HVA-092", "bw") == (
        "fail",
        "52:54:00:20:0a:01: <bandwidth> with no average rate (an inbound floor guarantees a "
        "minimum, it limits nothing): what the guest sends is unlimited",
    )


def test_floor_beside_an_outbound_average_passes(tmp_path: Path) -> None:
    """R20N-6, held (the fix's edge): a floor beside an outbound average is limited where
    HVA-092 asks (what the guest sends): pass, as before."""
    bw = "<bandwidth><inbound floor='100'/><outbound average='500'/></bandwidth>"
    a = filtered_node(tmp_path, [dev("bw", _nic("52:54:00:20:0a:02", bw))], STOCK, [NAT_QOS])
    assert verdict(a, "HVA-092", "bw") == (
        "pass",
        "0 disk(s) and 1 interface(s) limited (outbound)",
    )
