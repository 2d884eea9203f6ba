"""R38 sweep of network.py and management.py for the LEADING-UNKNOWN shape, second pass: a
check whose FIRST open condition (an early `yield unknown(...); continue`) hides a fail or
another question judged after it, so an attested "yes" to that first question passes.

Harness: the conftest host_scan replay (hardened host plus overrides) through the real
collector, parser and engine, and test_leads10's older_bundle_scan (an artefact taken out of
the bundle, as a collector older than its probe writes it: the fact is unavailable, not an
error); attestations written as TOML, read by the CLI's loader and applied as `hvaudit scan
--attestations` does (test_r34_elif_unknown_probes._attest_yes). Each finding's probe attests
"yes" to the question the item asked on main and asserts the verdict now.

Findings:
- R38S-1 (false pass, leading unknown) HVA-211: management_segment ran first_unknown(bridges,
  addresses) before everything, so the ip-link artefact uncollected (the bridges unavailable)
  with `ip -j addr` read asked "the management address is not on a bridge with VM ports"
  alone, and "yes" passed a VM attached by macvtap (<interface type='direct'>, source eno3) to
  the NIC holding the host address 10.0.0.10: the guest's frames leave on that NIC itself
  (libvirt formatdomain, "Direct attachment to physical interface"), a fail that reads only
  the VM definition and the addresses. The same gap dropped the question on a VF named only
  by PCI address (R40, R21Q-1), and `ip -j link` failing (an error) hid the macvtap fail too.
  Now the addresses alone gate the item; the macvtap and SR-IOV pool fails are judged with
  the bridges unread, and the bridges' gap joins the other questions in one item (an error of
  the link list stands only where nothing fails).
- R38S-2 (false pass, leading unknown in the question) HVA-060, HVA-081: on a simulated host
  (the libvirt test driver, whose node info is fiction: src/test/test_driver.c defaultNodeInfo)
  the RAM and core questions counted the VMs read alone and left out the domains whose XML was
  refused (R28D-1) and the running domains whose next definition was not read (R30D-7), which
  `_ratio_asks` asks on a host read: "yes, hv1 has at least 0.7 GiB" passed HVA-060 with a
  refused domain's memory never counted. Now those asks join the RAM (core) question in one
  item (joint_question), as on a host read.

Held: the ip-link artefact uncollected alone asks the bridges' question as before; `ip -j link`
failing alone is the error; the VF question alone (ip-link read) is unchanged; the macvtap fail
with ip-link read is unchanged; a simulated host with every domain read keeps its RAM and core
questions; a VM on a hostdev network whose <pf dev='eno3'/> holds the host address fails with
`ip -j link` failing (R38S-1's class, the pool's side; written after the fix landed).

Probed by script: on b788aaff, ip-link uncollected beside the macvtap VM web01 asked the
bridges' question and "yes" passed; beside VM vf1 (<interface type='hostdev'>, PCI 3b:02.1)
it asked the bridges' question alone; `ip -j link` exiting 1 beside web01 was the error. A
simulated hv1 with a refused domain: HVA-060 and HVA-081 asked RAM_Q and CORE_Q alone on
15b7f5bf, the domain named nowhere.

Tally: 2 findings (false pass: HVA-211; HVA-060 with HVA-081), 7 cases (4 finding probes, 2
harness tests, 1 held probe); the 4 finding probes failed on main before their fix (R38S-1's 3
on b788aaff, R38S-2's 1 on 15b7f5bf), the harness tests passed there; the held pool probe was
run only after R38S-1 landed.

Leads left:
- HVA-211: with ip-link unread, an Open vSwitch bridge read from ovs-ports still fails
  (shared) but is not probed here.
- HVA-191's Proxmox gap question reads "stopped at IP set ipfilter-net0 admits the subnet(s)"
  (wording, _where_asked): open. HVA-303 held by reading: after `elif gaps` the later branches
  are only `guessed` (the -dest question, R37S-5) and the daemon (R37S-4), both joined there.
- HVA-060/HVA-081: the `h.memory_kib <= 0` / `h.cores <= 0` branches ask a generic question
  that does not name the unread guests (not probed); a simulated Proxmox VE node's guests_unseen
  is joined by R38S-2's change but not probed.
- The Proxmox daemon question is kept out by DAEMON_ASKED in a gap's text; a structured flag
  would be sturdier.
"""

from __future__ import annotations

import time
from pathlib import Path

from conftest import domain_xml, messages, outcomes, run_assessment, write_node
from hvaudit.bundle import BundleWriter
from hvaudit.collect.host import command_artefact
from hvaudit.collect.libvirt import LibvirtCollector, LibvirtTarget
from hvaudit.engine import Assessment
from test_leads10 import older_bundle_scan  # noqa: F401  (fixture)
from test_r34_elif_unknown_probes import _attest_yes, _question
from test_redteam28_domain_probes import REFUSED, REFUSED_UUID

# --- R38S-1: HVA-211, the bridges unread before the macvtap and VF conditions -----------------

IP_LINK = command_artefact("ip-link")
LINK_FAILS = {"ip-link": ("", 1, "ip: cannot talk to netlink\n")}
GAP = "evidence unavailable: host/commands/ip-link.txt was not collected"
GAP_Q = (
    "Does this hold for this host: the management address is not on a bridge with VM ports? "
    "Evidence: the setting, file or command output it names, read where it lives (the message "
    "says why the scan could not). Pass: yes, it holds; fail: it does not."
)
MACVTAP = domain_xml(
    "web01",
    body="<devices><interface type='direct'><mac address='52:54:00:38:01:01'/>"
    "<source dev='eno3' mode='vepa'/><model type='virtio'/></interface></devices>",
)
MACVTAP_FAIL = "host address on NIC(s) VMs attach to by macvtap: eno3 (10.0.0.10; VMs: web01)"
VF = domain_xml(
    "vf1",
    "<devices><interface type='hostdev' managed='yes'><mac address='52:54:00:38:02:01'/>"
    "<source><address type='pci' domain='0x0000' bus='0x3b' slot='0x02' function='0x1'/>"
    "</source></interface></devices>",
)
VF_WHERE = "0000:3b:02.1 (<interface type='hostdev'>): VMs vf1"
VF_Q = (
    "Is the physical function of VF 0000:3b:02.1 (and of every other VF or mapped function "
    "listed; a function that is no VF is its own PF) a NIC that holds none of the host's "
    "addresses (eno3)? Evidence: `readlink /sys/bus/pci/devices/0000:3b:02.1/physfn` on the "
    "host, then `ls /sys/bus/pci/devices/<that PF>/net` and `ip -br addr`. Pass: yes, each "
    "VF's PF holds no host address; fail: a VF's PF holds one (the guest shares the management "
    "NIC's port)."
)


def test_r38s1_harness_each_condition_alone(host_scan, older_bundle_scan) -> None:  # noqa: F811
    """Held: ip-link uncollected alone asks GAP_Q; `ip -j link` failing alone is the error;
    the macvtap VM fails and the VF asks VF_Q with ip-link read."""
    a = older_bundle_scan({}, gone=IP_LINK)
    assert (outcomes(a, "HVA-211"), messages(a, "HVA-211")) == ({"hv1": "manual"}, {"hv1": GAP})
    assert _question(a, "HVA-211") == GAP_Q
    a = host_scan(LINK_FAILS)
    assert (outcomes(a, "HVA-211"), messages(a, "HVA-211")) == (
        {"hv1": "error"},
        {"hv1": "evidence could not be collected: exited 1: ip: cannot talk to netlink\n"},
    )
    a = host_scan({}, domains=[MACVTAP])
    assert (outcomes(a, "HVA-211"), messages(a, "HVA-211")) == (
        {"hv1": "fail"},
        {"hv1": MACVTAP_FAIL},
    )
    a = host_scan({}, domains=[VF])
    assert (outcomes(a, "HVA-211"), messages(a, "HVA-211")) == (
        {"hv1": "manual"},
        {
            "hv1": f"PCI function(s) VMs get whose physical function is not in the evidence: {VF_WHERE}"
        },
    )
    assert _question(a, "HVA-211") == VF_Q


def test_r38s1_macvtap_fails_though_ip_link_uncollected(
    older_bundle_scan,  # noqa: F811
    tmp_path: Path,
) -> None:
    """R38S-1: on main GAP_Q alone was asked and "yes" passed web01 on eno3 by macvtap."""
    a = older_bundle_scan({}, domains=(MACVTAP,), gone=IP_LINK)
    _attest_yes(a, GAP_Q, tmp_path, "HVA-211")
    assert (outcomes(a, "HVA-211"), messages(a, "HVA-211")) == (
        {"hv1": "fail"},
        {"hv1": MACVTAP_FAIL},
    )


def test_r38s1_macvtap_fails_though_ip_link_failed(host_scan) -> None:
    """R38S-1: on main `ip -j link` failing was the error whatever the macvtap VM; the fail
    reads the addresses and the definition only."""
    a = host_scan(LINK_FAILS, domains=[MACVTAP])
    assert (outcomes(a, "HVA-211"), messages(a, "HVA-211")) == (
        {"hv1": "fail"},
        {"hv1": MACVTAP_FAIL},
    )


def test_r38s1_vf_question_joins_the_gap(older_bundle_scan, tmp_path: Path) -> None:  # noqa: F811
    """R38S-1: on main GAP_Q alone was asked beside vf1, whose PF is not in the evidence, and
    "yes" passed the host; now one item asks both, and "yes" to GAP_Q alone passes nothing."""
    a = older_bundle_scan({}, domains=(VF,), gone=IP_LINK)
    assert (outcomes(a, "HVA-211"), messages(a, "HVA-211")) == (
        {"hv1": "manual"},
        {
            "hv1": f"{GAP}; also SR-IOV VF(s) named only by PCI address, their PF not in the "
            f"evidence: {VF_WHERE}"
        },
    )
    assert _question(a, "HVA-211") == (
        "Does this hold for this host: the management address is not on a bridge with VM "
        "ports, and is the physical function of VF 0000:3b:02.1 (and of every other VF or "
        "mapped function listed; a function that is no VF is its own PF) a NIC that holds none "
        "of the host's addresses (eno3)? Evidence: the setting, file or command output it "
        "names, read where it lives (the message says why the scan could not); `readlink "
        "/sys/bus/pci/devices/0000:3b:02.1/physfn` on the host, then `ls /sys/bus/pci/devices/"
        "<that PF>/net` and `ip -br addr`. Pass: yes, it holds, and each VF's PF holds no host "
        "address; fail: it does not, or a VF's PF holds one (the guest shares the management "
        "NIC's port)."
    )
    _attest_yes(a, GAP_Q, tmp_path, "HVA-211")
    assert outcomes(a, "HVA-211") == {"hv1": "manual"}


# --- R38S-2: HVA-060, HVA-081 on a simulated host, the unread guests left out of the question ----


def _simulated(tmp_path: Path, *, refused: bool) -> Assessment:
    """A libvirt test-driver node hv1 (simulated: no host evidence) with web01, collected by
    the real collector; `refused` adds a domain whose XML the daemon refused, recorded as
    collect/libvirt.py `_domains` records it (R28D-1's harness, the host left simulated)."""
    d = tmp_path / f"s-{time.monotonic_ns()}"
    d.mkdir()
    uri = write_node(d / "hv1.xml", [domain_xml("web01")])
    writer = BundleWriter(d / "b", target=uri, platform="kvm-libvirt")
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=True).collect(writer)
    if refused:
        path = f"libvirt/domains/{REFUSED_UUID}.xml"
        writer.record(path, status="failed", origin="virDomainGetXMLDesc", reason=REFUSED)
        writer.error(f"domain {REFUSED_UUID}: {REFUSED}")
    bundle = writer.close(complete=True)
    assert bundle is not None
    return run_assessment(bundle)


INVENTED = (
    "the host is simulated (no host evidence): its {} is the libvirt test driver's, not a host's"
)
UNREAD = (
    f"not counted, their configuration not read: domain {REFUSED_UUID} (libvirt/domains/"
    f"{REFUSED_UUID}.xml: collection failed ({REFUSED}))"
)
RAM_MSG = "1 running or autostart VM(s) configured with 1.0 GiB; " + INVENTED.format(
    "memory size (16.0 GiB)"
)
CORE_MSG = "1 vCPU(s) across 1 running or autostart VM(s); " + INVENTED.format("core count (8)")
RAM_Q = (
    "Does host hv1 have at least 0.7 GiB of RAM, so that the 1.0 GiB configured for its running "
    "and autostart VMs stays within the over-commit ratio 1.5? Evidence: MemTotal in "
    "/proc/meminfo (or `free -k`) on hv1. Pass: yes, at least 0.7 GiB; fail: less."
)
CORE_Q = (
    "Does host hv1 have at least 1 physical core(s), so that the 1 vCPU(s) of its running and "
    "autostart VMs stay within the ratio 1? Evidence: `lscpu` on hv1 (sockets times cores per "
    "socket). Pass: yes, at least 1; fail: fewer."
)
DOMINFO = (
    "`virsh dominfo <uuid>` of each of them (Max memory, CPU(s)) and `virsh list --all "
    "--autostart` on hv1 (which run or start at boot)"
)


def test_r38s2_harness_simulated_host_alone(tmp_path: Path) -> None:
    """Held: every domain read, the simulated host's RAM and core questions are as before."""
    a = _simulated(tmp_path, refused=False)
    assert (messages(a, "HVA-060"), _question(a, "HVA-060")) == ({"hv1": RAM_MSG}, RAM_Q)
    assert (messages(a, "HVA-081"), _question(a, "HVA-081")) == ({"hv1": CORE_MSG}, CORE_Q)


def test_r38s2_unread_domain_joins_the_simulated_hosts_questions(tmp_path: Path) -> None:
    """R38S-2: on main the simulated host's RAM (core) question counted web01 alone and never
    named the domain whose XML was refused; "yes, hv1 has 0.7 GiB" passed HVA-060 with that
    domain's memory never counted (R28D-1 asks it on a host read). Now one item asks both."""
    a = _simulated(tmp_path, refused=True)
    assert (outcomes(a, "HVA-060"), messages(a, "HVA-060")) == (
        {"hv1": "manual"},
        {"hv1": f"{RAM_MSG}; {UNREAD}"},
    )
    assert _question(a, "HVA-060") == (
        "Does host hv1 have at least 0.7 GiB of RAM, so that the 1.0 GiB configured for its "
        "running and autostart VMs stays within the over-commit ratio 1.5, and counting the VMs "
        "of host hv1 whose definition was not read, is the memory over-commit ratio of its "
        "running and autostart VMs within 1.5? Evidence: MemTotal in /proc/meminfo (or `free "
        f"-k`) on hv1; {DOMINFO}. Pass: yes, at least 0.7 GiB, and with them the ratio stays "
        "within 1.5; fail: less, or it exceeds it."
    )
    assert (outcomes(a, "HVA-081"), messages(a, "HVA-081")) == (
        {"hv1": "manual"},
        {"hv1": f"{CORE_MSG}; {UNREAD}"},
    )
    assert _question(a, "HVA-081") == (
        "Does host hv1 have at least 1 physical core(s), so that the 1 vCPU(s) of its running "
        "and autostart VMs stay within the ratio 1, and counting the VMs of host hv1 whose "
        "definition was not read, is the vCPU-to-core ratio of its running and autostart VMs "
        f"within 1? Evidence: `lscpu` on hv1 (sockets times cores per socket); {DOMINFO}. Pass: "
        "yes, at least 1, and with them the ratio stays within 1; fail: fewer, or it exceeds it."
    )
    _attest_yes(a, RAM_Q, tmp_path, "HVA-060")
    _attest_yes(a, CORE_Q, tmp_path, "HVA-081")
    assert outcomes(a, "HVA-060") == {"hv1": "manual"}
    assert outcomes(a, "HVA-081") == {"hv1": "manual"}


def test_r38s1_vf_pool_fails_though_ip_link_failed(host_scan) -> None:
    """Held after R38S-1 (the class, the pool's side): VM onvf on a hostdev network whose
    <pf dev='eno3'/> holds the host address (formatnetwork, "Forward mode hostdev") fails with
    `ip -j link` failing, as macvtap does: the pool's fail reads the addresses alone."""
    a = host_scan(
        LINK_FAILS,
        domains=[
            domain_xml(
                "onvf",
                body="<devices><interface type='network'><mac address='52:54:00:38:03:01'/>"
                "<source network='mgmtvfs'/></interface></devices>",
            )
        ],
        networks=[
            "<network><name>mgmtvfs</name><forward mode='hostdev' managed='yes'>"
            "<pf dev='eno3'/></forward></network>"
        ],
    )
    assert (outcomes(a, "HVA-211"), messages(a, "HVA-211")) == (
        {"hv1": "fail"},
        {"hv1": "host address on NIC(s) whose SR-IOV VFs VMs get: eno3 (10.0.0.10; VMs: onvf)"},
    )
