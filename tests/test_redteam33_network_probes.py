"""Thirty-third red-team review, KVM/libvirt virtual networks (r33-net): HVA-191 probed with
the nwfilter binding shapes round 31 left as leads.

Harness: libvirt's test driver serves the domains and network lan (bridge br0) on conftest's
replayed hardened host, through the real collector, parser and engine; the nwfilter bindings a
daemon would list are written as LibvirtCollector writes them, in the form libvirt formats a
binding (test_redteam31_network_probes._bundle and _binding: owner, portdev, mac, filterref
and its parameters); a shut-off domain is the test driver's <test:runstate>5</test:runstate>.
Every fact a probe rests on was read with the `search` / `find_string` / `read_file` tools and
is cited in its docstring.

Findings (R33N-n):
- R33N-1 (false pass) HVA-191: the IP a running VM's nwfilter binding holds where its
  definition gives none (the address libvirt learned for the port, or one given by hand in
  `virsh nwfilter-binding-create`) was dropped before the comparison and left to the learning
  question, so shut-off db01, defined on lan with 10.0.0.32, passed "1 interface(s) filtered
  by clean-traffic" while web01's binding held 10.0.0.32: web01's filter admits db01's address
  as its own source. libvirt instantiates the binding's filter with binding->filterparams and
  learns no IP that they hold (nwfilter_gentech_driver.c virNWFilterDoInstantiate: learning
  only when IP is the one missing variable), and the learned address joins them
  (virNWFilterInstantiateFilterUpdate: virNWFilterIPAddrMapGetIPAddr(binding->portdevname)
  added as NWFILTER_STD_VAR_IP; virNWFilterBuildAll rebuilds every binding object's own
  definition). Now the binding's IP is compared like a given one (checks.network.
  _binding_values): both VMs fail, db01's message saying that web01 holds it by the binding at
  its port, not its definition (round 31's wording lead); an address nobody read holds keeps
  the learning question, which now names the address the binding holds.

Held (kept as tests): a binding without IP for a definition without IP keeps the learning
question (web01) and db01's pass.

Probed by script: none beyond the cases kept.

Tally: 1 finding (false pass); 3 cases in 1 test function; 2 failed on main c04d5de9 before
the fix (IP db01's: db01 passed, web01 asked; IP nobody's: the question did not name it), the
held case passed before and after.

Leads left:
- conftest._replay_bindings still writes bindings without <mac> or parameters.
- Round 30's leads on HVA-197 (managed='no' taps), VLAN devices of bridge ports, passt
  portForward dev='lo', OVS tag/trunks and macvtap passthrough's promiscuous lower NIC stand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import domain_xml, run_assessment, write_node
from test_redteam3_vm_probes import dev, verdict
from test_redteam31_network_probes import (
    DB01_MAC,
    LAN,
    SHUT_OFF,
    TEST_NS,
    WEB01_MAC,
    _binding,
    _bundle,
    _nic,
)

LEARNING = (
    f"{WEB01_MAC}: filter 'clean-traffic' checks $IP, which no IP parameter sets: "
    "CTRL_IP_LEARNING any takes the first address the guest uses"
)


def _unaddressed_web01_and_db01(tmp_path: Path, binding: str):
    """web01 runs on lan with clean-traffic and no IP parameter; db01, shut off, is defined
    on lan with 10.0.0.32; web01's port testnet0 is held by `binding`."""
    web01 = dev(
        "web01",
        f"<interface type='network'><mac address='{WEB01_MAC}'/><source network='lan'/>"
        "<model type='virtio'/><filterref filter='clean-traffic'/></interface>",
    )
    db01 = domain_xml(
        "db01",
        body=f"<devices>{_nic(DB01_MAC, '10.0.0.32')}</devices>{SHUT_OFF}",
        extra_attrs=TEST_NS,
    )
    uri = write_node(tmp_path / "n.xml", [web01, db01], [LAN])
    return run_assessment(_bundle(tmp_path, uri, {"testnet0": binding}))


@pytest.mark.parametrize(
    ("binding", "web01", "db01"),
    [
        (
            _binding(WEB01_MAC, MAC=WEB01_MAC, IP="10.0.0.32"),
            (
                "fail",
                f"{WEB01_MAC}: the filter's IP parameter 10.0.0.32 is VM(s) db01's too on br0: "
                "filter 'clean-traffic' admits it as each one's own source, so each can send "
                "IPv4 and ARP as the other (its port testnet0 is bound to filter "
                "'clean-traffic' with IP 10.0.0.32, not the definition's no IP: the binding's "
                "values are in force)",
            ),
            (
                "fail",
                f"{DB01_MAC}: the filter's IP parameter 10.0.0.32 is VM(s) web01's too on br0 "
                "(web01's by the nwfilter binding at its port, not its definition): filter "
                "'clean-traffic' admits it as each one's own source, so each can send IPv4 and "
                "ARP as the other",
            ),
        ),
        (
            _binding(WEB01_MAC, MAC=WEB01_MAC, IP="10.0.0.99"),
            (
                "manual",
                LEARNING + "; the nwfilter binding of its port testnet0 holds IP 10.0.0.99, "
                "in force",
            ),
            ("pass", "1 interface(s) filtered by clean-traffic"),
        ),
        (
            _binding(WEB01_MAC, MAC=WEB01_MAC),
            ("manual", LEARNING),
            ("pass", "1 interface(s) filtered by clean-traffic"),
        ),
    ],
    ids=["learned-ip-db01s", "learned-ip-nobodys", "held-no-ip"],
)
def test_binding_ip_of_a_definition_without_ip_is_compared(
    tmp_path: Path, binding: str, web01: tuple[str, str], db01: tuple[str, str]
) -> None:
    """R33N-1. The IP in web01's binding, where web01's definition gives none, is the value
    libvirt instantiates clean-traffic with and learns no further
    (nwfilter_gentech_driver.c virNWFilterDoInstantiate learns only a missing IP;
    virNWFilterInstantiateFilterUpdate adds the learned address to binding->filterparams).
    On main db01 passed "1 interface(s) filtered by clean-traffic" though web01's filter
    admits db01's 10.0.0.32 as web01's own source, and web01 was asked whether its learned
    address is its own. Right: both fail, db01's message naming web01's binding; an address
    nobody holds keeps the learning question, naming it. Held: a binding without IP."""
    a = _unaddressed_web01_and_db01(tmp_path, binding)
    assert verdict(a, "HVA-191", "web01") == web01
    assert verdict(a, "HVA-191", "db01") == db01
