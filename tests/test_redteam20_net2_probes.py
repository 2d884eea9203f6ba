"""Twentieth red-team review, second pass on the KVM/libvirt virtual network side (rt20net2):
what <bandwidth>, <network> forward modes, macvtap modes, Open vSwitch ports and nwfilter variants
mean to HVA-092 and HVA-19x, probed where rounds 17, 18 and 20 (tests/test_redteam20_net_probes.py)
did not reach.

Same harness as rounds 3, 8, 17, 18 and 20 (tests/test_redteam3_vm_probes.py: libvirt's test
driver serves the domains and networks on conftest's replayed hardened host). Every fact a probe
rests on was read with the `search` / `find_string` / `read_file` tools, or measured on this
machine's libvirt 9.0.0 (`virsh -c test:///default` define then dumpxml), and is cited in its
docstring.

Findings (R20N-n): R20N-3 HVA-092 took an interface whose <bandwidth> sets no rate (every average
0, which libvirt's dump shows as an empty `<bandwidth>`) as one without a <bandwidth> of its own,
so it gave it its port group's limits and passed. libvirt keeps it as the interface's own
(virNetDevBandwidthParse keeps a <bandwidth> with an <inbound> or <outbound>), so
networkAllocatePort copies the port group's only `if (!port->bandwidth)`, and virNetDevBandwidthSet
shapes nothing for an average of 0: the VM is unlimited (false pass). Now fail, naming it.

Tally: 1 finding.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_nwfilter_stock import STOCK
from test_redteam3_vm_probes import dev, filtered_node, verdict


def _nic(mac: str, extra: str = "", source: str = "<source network='lan' portgroup='pg'/>") -> str:
    return (
        f"<interface type='network'><mac address='{mac}'/>{source}<model type='virtio'/>{extra}"
        "<filterref filter='clean-traffic'><parameter name='IP' value='10.0.0.5'/></filterref>"
        "</interface>"
    )


# --- R20N-3 HVA-092: a <bandwidth> of rate 0 is the interface's own -----------------------------

PG_LIMITED = (
    "<network><name>lan</name><forward mode='bridge'/><bridge name='br0'/>"
    "<portgroup name='pg'><bandwidth><inbound average='1000'/><outbound average='1000'/>"
    "</bandwidth></portgroup></network>"
)


@pytest.mark.parametrize(
    "bandwidth",
    [
        "<bandwidth><outbound average='0'/></bandwidth>",
        "<bandwidth><inbound average='0'/><outbound average='0'/></bandwidth>",
    ],
    ids=["outbound-0", "both-0"],
)
def test_bandwidth_of_rate_zero_keeps_the_port_group_limit_away(
    tmp_path: Path, bandwidth: str
) -> None:
    """R20N-3. src/conf/netdev_bandwidth_conf.c (libvirt master, read with `read_file`):
    virNetDevBandwidthParseRate takes `average='0'` (an average is mandatory only without a
    floor); virNetDevBandwidthParse keeps the <bandwidth> `if (def->in || def->out)`; and
    virNetDevBandwidthRateFormat writes an <inbound>/<outbound> only `if (def->average ||
    def->floor)`. Measured on libvirt 9.0.0 (`virsh -c test:///default` define, dumpxml): the
    interface dumps as an empty `<bandwidth>\\n</bandwidth>`. src/network/bridge_driver.c
    networkAllocatePort copies the port group's <bandwidth> only `if (!port->bandwidth)`, and
    src/util/virnetdevbandwidth.c virNetDevBandwidthSet adds the htb qdisc only `if (tx &&
    tx->average)`: the guest's traffic is not limited at all. hvaudit read the empty element
    as no <bandwidth>, gave the interface port group pg's limits and passed. Right: fail."""
    a = filtered_node(
        tmp_path, [dev("bw", _nic("52:54:00:20:09:01", bandwidth))], STOCK, [PG_LIMITED]
    )
    assert verdict(a, "HVA-092", "bw") == (
        "fail",
        "52:54:00:20:09:01: <bandwidth> without a rate (every average 0) limits nothing, and as "
        "the interface's own it keeps any port group's <bandwidth> away",
    )


def test_interface_without_bandwidth_takes_the_port_group_limit(tmp_path: Path) -> None:
    """R20N-3, held (the fix's other side): an interface with no <bandwidth> element takes port
    group pg's (networkAllocatePort's virNetDevBandwidthCopy): pass, naming where from."""
    a = filtered_node(tmp_path, [dev("bw", _nic("52:54:00:20:09:02"))], STOCK, [PG_LIMITED])
    assert verdict(a, "HVA-092", "bw") == (
        "pass",
        "0 disk(s) and 1 interface(s) limited (outbound) (52:54:00:20:09:02 limited by portgroup "
        "pg of network lan)",
    )
