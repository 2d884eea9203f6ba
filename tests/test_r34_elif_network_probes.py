"""R34 elif-chain probes, KVM/libvirt virtual networks (network, letter W): the network checks
whose per-VM chain asked the first open condition of a VM and stopped, beyond the known sites 4,
4b and 5 (tests/test_r34_elif_probes.py).

Harness: conftest's host_scan (libvirt's test driver serving the domain on the replayed hardened
host) through the real collector, parser and engine; a domain with raw QEMU arguments is
replayed as a daemon with the QEMU driver reports it (test_redteam10_vm_probes._replayed_on).
Each probe holds each condition alone (its exact status and message), then both on one VM: the
exact joint item, and an attestation TOML read by the CLI's loader (load_attestations) that
answers "yes" to the FIRST condition's own question (the one main asked), applied with
apply_attestations as `hvaudit scan --attestations` does: the check must not pass. On main
each probe failed there (the false pass).

Findings (R34W-n), class: the elif chain asks only the first open question (issue 8: a "yes"
to the one question asked passes the check with the other condition never put to anyone):
- R34W-1 (false pass) HVA-194 (the triage lead): the question about a network whose definition
  the evidence lacks (macvtap in bridge mode?) was guarded by `not vfs and not passthru`, so a
  VM with an SR-IOV VF on it too asked only whether the VF's PF is in VEPA mode; "yes" passed
  HVA-194 with the unseen network never asked. Now both are asked in one item (joined_asks),
  and a macvtap in bridge mode fails before any question.
- R34W-2 (false pass) HVA-193: an SR-IOV VF whose trust flag was not read (or a PCI function
  passed through whole) was asked, and the vDPA devices and an unseen network's
  trustGuestRxFilters never: "yes, trust off" passed HVA-193. Now one item asks every one.
- R34W-3 (false pass) HVA-191: a tap that raw QEMU arguments open through a script (or a
  passed fd, or another helper) was asked ("What stops spoofing...?") and `continue`d past
  every other interface: a vhost-user port's filter gap (as site 4's), a learned $IP, an
  unread binding were never asked. Now they join the raw tap's question in one item.
- R34W-4 (false pass) HVA-192: site 5's chain, another pair: an SR-IOV VF without <vlan> was
  asked, and the interface on a network whose VLAN settings were not collected never (that
  unknown was the chain's last branch). Now one item asks both (site 5's fix).
- R34W-5 (false pass) HVA-220: VMs on an Open vSwitch bridge were asked about its uplinks and
  the host `continue`d before its Linux bridges were judged: "yes, ovsbr0 is on a bond"
  passed HVA-220 while br1 carries a VM through one NIC (a certain fail). Now the Linux
  bridges' fail wins; with none, the Open vSwitch question stands as it was.
- R34W-6 (false pass) HVA-197: a VM whose ports are isolated was asked the first of: an Open
  vSwitch port (`continue`), peers not isolated on its bridge (EAST_WEST_NEED), an isolation
  not observed in force, taps set up outside libvirt, the bridge's ports of no VM (or their
  listing unread), a host address routing back into the bridge; the rest never. "Yes, it
  needs layer-2 traffic with open" passed it while the bridge's unread ports were never asked.
  Now one item asks every one (and the unread guests' comparison joins it, unread_peers).

Held: each condition alone keeps its status, message and question (the harness tests); a fail
(macvtap bridge mode, a VF with trust on, a trunk, a bridge on one NIC) still wins over every
question.

Tally: 6 sites (R34W-1..6), 12 cases (6 harnesses, 6 probes); the 6 probes failed on main
ad70ea76 before the fix (each a pass after the one "yes"), the 6 harnesses passed.

Leads left: none in network.py. Held by reading: HVA-210 and HVA-211 (management_bound,
management_segment) judge every fail first and join their questions already (R21Q-1); their one
`yield unknown(...)`, `continue` lacks the facts every later condition reads. HVA-212
(management_sources) asks one question per host. The per-NIC elif chains of HVA-192, HVA-193
and HVA-194 sort one interface into one kind (a NIC is a VF or an OVS port, not both). HVA-197's
first question (a VM whose only taps are set up outside libvirt) has no later condition: the
VM has no other port.
"""

from __future__ import annotations

from pathlib import Path

from conftest import HARDENED_HOST, domain_xml, messages, outcomes, run_assessment
from test_r34_elif_probes import VF_NIC, VHU_NIC, _attest_yes, _items

#: An interface on network lan2, which host_scan's node does not define (unseen_networks, R16-3).
GHOST_NIC = (
    "<interface type='network'><mac address='52:54:00:34:f0:01'/><source network='lan2'/>"
    "<model type='virtio'/></interface>"
)
UNSEEN = "interface(s) on network(s) lan2, whose definition is not in the evidence: "
VF_MAC = "52:54:00:34:05:02"


def _vm(host_scan, *nics: str):
    return host_scan(domains=[domain_xml("mixed", body=f"<devices>{''.join(nics)}</devices>")])


def _first(a, check: str) -> str:
    question = _items(a, check)[("vm", "mixed")][1]
    assert question
    return question


# --- R34W-1: HVA-194, a VF's VEPA question asked, the unseen network's never ----------------------

VEPA = (
    f"SR-IOV function(s) {VF_MAC}: VFs of one NIC reach each other through its embedded bridge "
    "unless the PF is in VEPA mode"
)
MACVTAP_UNSEEN = UNSEEN + "its <forward> decides whether it is macvtap, and in which mode"


def test_r34w1_harness_each_condition_alone(host_scan) -> None:
    """Held: the unseen network alone is its question (R16-3); the VF alone is the VEPA one."""
    a = _vm(host_scan, GHOST_NIC)
    assert (outcomes(a, "HVA-194"), messages(a, "HVA-194")) == (
        {"mixed": "manual"},
        {"mixed": MACVTAP_UNSEEN},
    )
    a = _vm(host_scan, VF_NIC)
    assert (outcomes(a, "HVA-194"), messages(a, "HVA-194")) == (
        {"mixed": "manual"},
        {"mixed": VEPA},
    )


def test_r34w1_hva194_vf_question_hid_unseen_network(host_scan, tmp_path: Path) -> None:
    """Both on one VM: main asked only the VF's VEPA question, so "yes" passed HVA-194 while
    network lan2 (macvtap in bridge mode?) was never asked. Now one item asks both."""
    first = _first(_vm(host_scan, VF_NIC), "HVA-194")
    a = _vm(host_scan, GHOST_NIC, VF_NIC)
    _attest_yes(a, "HVA-194", "vm", "mixed", tmp_path, question=first)
    assert (outcomes(a, "HVA-194"), messages(a, "HVA-194")) == (
        {"mixed": "manual"},
        {"mixed": f"{MACVTAP_UNSEEN}; {VEPA}"},
    )
    assert _first(a, "HVA-194").startswith(
        "Is network(s) lan2 on host hv1 other than macvtap in bridge mode, and is the physical "
        f"function behind {VF_MAC} in VEPA mode? "
    )


# --- R34W-2: HVA-193, an unread VF trust flag asked, the unseen network's never -----------------

TRUST = (
    f"SR-IOV VF(s) {VF_MAC}: the VF's trust flag is a host setting not read (the host's "
    "`ip -d link` shows no such VF)"
)
TRUST_UNSEEN = (
    UNSEEN + "the network's (or its port group's) trustGuestRxFilters and forward mode decide"
)


def test_r34w2_harness_each_condition_alone(host_scan) -> None:
    """Held: the unseen network alone is its question (R16-3); the VF whose trust flag the
    host's `ip -d link` does not show alone is the trust question."""
    a = _vm(host_scan, GHOST_NIC)
    assert (outcomes(a, "HVA-193"), messages(a, "HVA-193")) == (
        {"mixed": "manual"},
        {"mixed": TRUST_UNSEEN},
    )
    a = _vm(host_scan, VF_NIC)
    assert (outcomes(a, "HVA-193"), messages(a, "HVA-193")) == (
        {"mixed": "manual"},
        {"mixed": TRUST},
    )


def test_r34w2_hva193_vf_trust_question_hid_unseen_network(host_scan, tmp_path: Path) -> None:
    """Both on one VM: main asked only whether the VF's trust is off; "yes" passed HVA-193
    while network lan2's trustGuestRxFilters was never asked. Now one item asks both."""
    first = _first(_vm(host_scan, VF_NIC), "HVA-193")
    a = _vm(host_scan, VF_NIC, GHOST_NIC)
    _attest_yes(a, "HVA-193", "vm", "mixed", tmp_path, question=first)
    assert (outcomes(a, "HVA-193"), messages(a, "HVA-193")) == (
        {"mixed": "manual"},
        {"mixed": f"{TRUST}; {TRUST_UNSEEN}"},
    )
    assert _first(a, "HVA-193").startswith(
        f"Is trust off for the VF behind each of {VF_MAC} on host hv1, and does network(s) lan2 "
        "on host hv1 leave the guest's receive filters untrusted? "
    )


# --- R34W-3: HVA-191, a raw tap's question asked, a vhost-user port's gap never -----------------

RAW_TAP = (
    "host tap(s) opened by raw arguments, configured by a script or a passed file descriptor: "
    "QEMU argument -netdev tap,id=n2,ifname=vm9"
)
VHU_GAP = (
    "vhost-user port /run/openvswitch/vhu0 is served by a user-space switch (e.g. Open vSwitch "
    "with DPDK): libvirt's nwfilter cannot filter it"
)


def _raw(tmp_path: Path, devices: str, *args: str):
    from test_redteam10_vm_probes import _ns_domain, _replayed_on

    tmp_path.mkdir()
    xml = _ns_domain("mixed", f"<devices>{devices}</devices>" if devices else "", *args)
    return run_assessment(_replayed_on(tmp_path, HARDENED_HOST, {"mixed": xml}))


TAP_ARGS = ("-netdev", "tap,id=n2,ifname=vm9", "-device", "virtio-net-pci,netdev=n2")


def test_r34w3_harness_each_condition_alone(tmp_path: Path) -> None:
    """Held: the raw `-netdev tap` alone is its question (R10-11); the vhost-user port alone is
    the filter-gap question (site 4's)."""
    a = _raw(tmp_path / "a", "", *TAP_ARGS)
    assert (outcomes(a, "HVA-191"), messages(a, "HVA-191")) == (
        {"mixed": "manual"},
        {"mixed": RAW_TAP},
    )
    a = _raw(tmp_path / "b", VHU_NIC)
    assert (outcomes(a, "HVA-191"), messages(a, "HVA-191")) == (
        {"mixed": "manual"},
        {"mixed": VHU_GAP},
    )


def test_r34w3_hva191_raw_tap_question_hid_vhost_user_gap(tmp_path: Path) -> None:
    """Both on one VM: main asked only what stops spoofing from the raw tap and `continue`d, so
    "yes" passed HVA-191 while nothing was asked of the vhost-user port, which no nwfilter can
    filter. Now one item asks both."""
    first = _items(_raw(tmp_path / "f", "", *TAP_ARGS), "HVA-191")[("vm", "mixed")][1]
    a = _raw(tmp_path / "a", VHU_NIC, *TAP_ARGS)
    _attest_yes(a, "HVA-191", "vm", "mixed", tmp_path, question=first)
    assert (outcomes(a, "HVA-191"), messages(a, "HVA-191")) == (
        {"mixed": "manual"},
        {"mixed": f"{RAW_TAP}; {VHU_GAP}"},
    )
    assert _first(a, "HVA-191").startswith(
        "What stops spoofing from the tap(s) that QEMU argument -netdev tap,id=n2,ifname=vm9 of "
        "VM mixed open on host hv1, and is MAC, IP and ARP spoofing from this VM stopped at the "
        "user-space switch port behind vhost-user socket /run/openvswitch/vhu0? "
    )


# --- R34W-4: HVA-192, a VF without <vlan> asked, the uncollected network's VLANs never ----------

NO_PORT_VLAN = (
    f"SR-IOV VF(s) without <vlan>: {VF_MAC}: a VF with no port VLAN sees and sends tagged "
    "traffic unless one is set outside libvirt"
)
VLAN_UNSEEN = "evidence unavailable: the VLAN settings of network(s) lan2 were not collected"


def test_r34w4_harness_each_condition_alone(host_scan) -> None:
    """Held: the network whose VLAN settings were not collected alone is a question; the VF
    without <vlan> alone is one."""
    a = _vm(host_scan, GHOST_NIC)
    assert (outcomes(a, "HVA-192"), messages(a, "HVA-192")) == (
        {"mixed": "manual"},
        {"mixed": VLAN_UNSEEN},
    )
    a = _vm(host_scan, VF_NIC)
    assert (outcomes(a, "HVA-192"), messages(a, "HVA-192")) == (
        {"mixed": "manual"},
        {"mixed": NO_PORT_VLAN},
    )


def test_r34w4_hva192_vf_question_hid_uncollected_network(host_scan, tmp_path: Path) -> None:
    """Both on one VM: main asked only the VF's port VLAN; "yes" passed HVA-192 while network
    lan2's VLAN settings (a trunk?) were never asked. Now one item asks both."""
    first = _first(_vm(host_scan, VF_NIC), "HVA-192")
    a = _vm(host_scan, VF_NIC, GHOST_NIC)
    _attest_yes(a, "HVA-192", "vm", "mixed", tmp_path, question=first)
    assert (outcomes(a, "HVA-192"), messages(a, "HVA-192")) == (
        {"mixed": "manual"},
        {"mixed": f"{NO_PORT_VLAN}; {VLAN_UNSEEN}"},
    )
    assert _first(a, "HVA-192").startswith(
        "Does each listed VF have a port VLAN set on its physical function, and does this hold "
        "for this VM: the network(s) lan2 give the VM no VLAN trunk? "
    )


# --- R34W-5: HVA-220, an Open vSwitch bridge's question asked, a Linux bridge's fail never -------

OVS_VM = domain_xml(
    "ovs01",
    body="<devices><interface type='bridge'><mac address='52:54:00:34:06:01'/>"
    "<source bridge='ovsbr0'/><virtualport type='openvswitch'/><model type='virtio'/>"
    "</interface></devices>",
)
WEB_ON_BR0 = domain_xml(
    "web01",
    body="<devices><interface type='bridge'><mac address='52:54:00:30:02:02'/>"
    "<source bridge='br0'/><model type='virtio'/></interface></devices>",
)
OVS_UPLINKS = "VMs are on Open vSwitch bridge(s) ovsbr0, whose uplinks only Open vSwitch lists"
BR1_SINGLE = "VM bridge(s) without a redundant uplink: br1 (uplinks: eno3)"


def _uplinks(host_scan, *, ovs: bool, br1: bool):
    """hv1 with web01 on br0 (bond0 of two NICs), and where named: ovs01 on Open vSwitch
    bridge ovsbr0, shut-off db01 on br1 whose one uplink is eno3 (R30N-3's shape)."""
    import json

    from test_redteam29_network_probes import _br1_links
    from test_redteam30_network_probes import OVS_LINKS, _on_br1

    links = [x for x in json.loads(_br1_links(False)) if x["ifname"] != "testnet0"]
    domains = [WEB_ON_BR0]
    if ovs:
        links += OVS_LINKS[:2]
        domains.append(OVS_VM)
    if br1:
        domains.append(_on_br1("db01", running=False))
    return host_scan({"ip-link": (json.dumps(links), 0)}, domains)


def test_r34w5_harness_each_condition_alone(host_scan) -> None:
    """Held: VMs on an Open vSwitch bridge alone are its question; br1 on one NIC alone fails."""
    a = _uplinks(host_scan, ovs=True, br1=False)
    assert (outcomes(a, "HVA-220"), messages(a, "HVA-220")) == (
        {"hv1": "manual"},
        {"hv1": OVS_UPLINKS},
    )
    a = _uplinks(host_scan, ovs=False, br1=True)
    assert (outcomes(a, "HVA-220"), messages(a, "HVA-220")) == (
        {"hv1": "fail"},
        {"hv1": BR1_SINGLE},
    )


def test_r34w5_hva220_ovs_question_hid_single_uplink(host_scan, tmp_path: Path) -> None:
    """Both on hv1: main asked the Open vSwitch question and `continue`d before the Linux
    bridges were judged, so "yes, ovsbr0 is on a bond" passed HVA-220 while br1 carries db01
    through one NIC (a certain fail). Now the fail wins."""
    first = _items(_uplinks(host_scan, ovs=True, br1=False), "HVA-220")[("host", "hv1")][1]
    a = _uplinks(host_scan, ovs=True, br1=True)
    _attest_yes(a, "HVA-220", "host", "hv1", tmp_path, question=first)
    assert (outcomes(a, "HVA-220"), messages(a, "HVA-220")) == (
        {"hv1": "fail"},
        {"hv1": BR1_SINGLE},
    )


# --- R34W-6: HVA-197, open peers asked, the bridge's unread ports never -----------------------

LAN = "<network><name>lan</name><forward mode='bridge'/><bridge name='br0'/></network>"
PEERS = (
    "1 bridge port(s) isolated, but VM(s) open on the same bridge are not: isolated ports still "
    "exchange frames with them"
)
UNREAD_PORTS = (
    "1 bridge port(s) isolated, but the ports of bridge(s) br0 on host n were not read: a port of "
    "no VM there, not isolated, still exchanges frames with them"
)


def _lan_vm(name: str, mac: str, extra: str = "") -> str:
    return domain_xml(
        name,
        body=f"<devices><interface type='network'><mac address='{mac}'/><source network='lan'/>"
        f"<model type='virtio'/>{extra}</interface></devices>",
    )


ISO = _lan_vm("iso", "52:54:00:34:07:01", "<port isolated='yes'/>")
OPEN = _lan_vm("open", "52:54:00:34:07:02")


def _unread_links(tmp_path: Path, *domains: str):
    """The domains on node n, whose host links the collection did not read (libvirt's test
    driver alone, conftest.build_bundle without a host): the bridge's ports of no VM unread."""
    from conftest import build_bundle, write_node

    tmp_path.mkdir()
    uri = write_node(tmp_path / "n.xml", domains, [LAN])
    return run_assessment(build_bundle(tmp_path, uri, None, qemu_driver=True))


def test_r34w6_harness_each_condition_alone(host_scan, tmp_path: Path) -> None:
    """Held: iso alone on a host whose links were not read is the unread-ports question (VL16-4
    lead); iso beside open on the hardened host (links read) is the peers question."""
    a = _unread_links(tmp_path / "a", ISO)
    assert (outcomes(a, "HVA-197"), messages(a, "HVA-197")) == (
        {"iso": "manual"},
        {"iso": UNREAD_PORTS},
    )
    a = host_scan(domains=[ISO, OPEN], networks=[LAN])
    assert (outcomes(a, "HVA-197")["iso"], messages(a, "HVA-197")["iso"]) == ("manual", PEERS)


def test_r34w6_hva197_peers_question_hid_unread_ports(host_scan, tmp_path: Path) -> None:
    """Both for iso: main asked only whether it needs layer-2 traffic with open (the check's
    EAST_WEST_NEED), so "yes" passed HVA-197 while the bridge's ports of no VM (a container's
    veth, not isolated) were never asked. Now one item asks both."""
    first = _items(host_scan(domains=[ISO, OPEN], networks=[LAN]), "HVA-197")[("vm", "iso")][1]
    a = _unread_links(tmp_path / "a", ISO, OPEN)
    _attest_yes(a, "HVA-197", "vm", "iso", tmp_path, question=first)
    assert (outcomes(a, "HVA-197")["iso"], messages(a, "HVA-197")["iso"]) == (
        "manual",
        f"{PEERS}; {UNREAD_PORTS}",
    )
    assert (_items(a, "HVA-197")[("vm", "iso")][1] or "").startswith(
        "Does this VM need layer-2 traffic with another VM on its bridge, and does every port of "
        "bridge(s) br0 on host n that is no VM's show port isolation, or belong to a documented "
        "peer of VM iso? "
    )
