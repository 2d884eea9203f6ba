"""R37 sweep of network.py, resources.py and proxmox.py for the LEADING-UNKNOWN shape: a check
that yields one item per subject whose FIRST open condition (an early `yield unknown(...);
continue`) hides a fail or another question judged after it, so an attested "yes" to that first
question passes a subject that fails.

Harness: the conftest host_scan replay (hardened host plus overrides) through the real
collector, parser and engine, and test_leads10's older_bundle_scan (an artefact taken out of the
bundle, as a collector older than its probe writes it: the fact is unavailable, not an error);
attestations written as TOML, read by the CLI's loader (load_attestations) and applied with
apply_attestations, as `hvaudit scan --attestations` does (test_r34_elif_unknown_probes.
_attest_yes). Each finding's probe attests "yes" to the question the item asked on main (that
condition's own question, pinned by the harness test where it is the only open one) and
asserts the verdict now.

Findings:
- R37S-1 (false pass, leading unknown) HVA-061: a bundle without the KSM unit listing
  (ksm-units, added by R23H-1: unavailable) asked "KSM is off and no ksm or ksmtuned unit is
  enabled to start at boot" before the merged pages were judged: "yes" passed run = 0 with
  pages_shared 500, which stay shared until written (Documentation/admin-guide/mm/ksm.rst, run:
  "set to 0 to stop ksmd from running but keep merged pages"; R10H-1), beside a VM without
  <nosharepages/>. Now the fail.
- R37S-2 (false pass, leading unknown) HVA-061: /sys/kernel/mm/ksm/pages_shared unread asked
  "KSM is off and keeps no merged page" before the boot units were judged: "yes" passed an
  enabled ksm.service, which runs `ksmctl start` at the next boot (R23H-1). Now the fail. The
  class: each way KSM merges (run, ksmtuned running, a unit enabled, pages kept) is judged from
  its own fact whatever the others; with none known, every unread fact is one ask of one item
  (asked_gap, joined_asks) and an error stands alone.

- R37S-3 (false pass, leading unknown in the parser) HVA-303, HVA-191: a Proxmox VE NIC's
  filter reading (parse.proxmox_model._spoofing) returned cluster.fw's gap (here `enable: yes`,
  read two ways with the process list unread: P21D-1) before the VM's own switches: the VM's
  firewall off (its .fw `enable: 0`) and the NIC's `firewall=0` were never read, so HVA-303
  asked "the VM's interfaces are behind the Proxmox firewall" and HVA-191 the switch port's
  question, and "yes" passed a NIC no VM chain filters (pve-firewall builds a tap's rules only
  for a VM whose firewall is on and a NIC with firewall=1, whatever cluster.fw holds: R35P-2's
  reading). Now those two fails, and no firewall daemon running, are judged before the gap; a
  VM .fw not in the evidence is not judged off there (the gap stands).
- R37S-4 (false pass, leading unknown) HVA-303, HVA-191: a NIC whose filters are not resolved
  (its IP set ipfilter-net0 holding a subnet, R48) on a node whose processes were not read was
  asked only the set's question: the daemon's (HVA-301's DAEMON_QUESTION: pve-firewall's
  filters exist only while it runs, R5-12/R5-13) was asked for resolved NICs alone (HVA-191's
  `fine`, HVA-303's branch after the gaps), so "yes, the subnet is the VM's own" passed a VM
  whose filters were never observed in force. Now the daemon's question joins the set's in one
  item (cluster.fw's gap names the daemon already, P21D-1, and stands as it was).
- R37S-5 (false pass, leading unknown) HVA-303: under proxmox-firewall (host.fw `nftables: 1`),
  whose NIC filters hvaudit does not resolve, the filters' gap was asked alone and a VM
  `IN ACCEPT -dest 192.0.2.50` with no IP filter (R26P-3's question: it admits every inbound
  packet if that is the guest's address) never: "yes" passed the VM. The rule rests on the
  VM's rules, not on the NICs' filters (R36F-3 judges `opened` first for that reason); now its
  question joins the gap's in one item.
- R37S-6 (false pass, leading unknown) HVA-303, HVA-191: R37S-4's daemon question left out every
  cluster.fw gap, but only P21D-1's asks which daemon runs; a line proxmox-firewall refuses
  (200.fw `FORWARD DROP`) with the processes unread asked its gap alone for every VM of the
  node, and "yes" passed api-11 with the daemon never observed. Now only P21D-1's gap
  (DAEMON_ASKED in its words) stands alone.

Held: each condition alone keeps its verdict and text (the harness tests).

Probed by script: on main, the ksm-units listing uncollected beside 500 merged pages and
pages_shared unread beside an enabled ksm.service each asked the one question; after "yes" both
passed. HVA-303 and HVA-191 on api-11 under the cluster.fw gap with 201.fw `enable: 0` and with
net0 `firewall=0`: both asked the gap's question on main. The subnet in ipfilter-net0 with `ps`
unread: both asked the set's question alone on main. 201.fw's `IN ACCEPT -dest 192.0.2.50`
under `nftables: 1`: HVA-303 asked the gap's question alone on main (HVA-191 judges no rule).
200.fw `FORWARD DROP` with `ps` unread: both asked the refused line's gap alone on 80d7c295.

Tally: 6 findings (false pass: HVA-061 twice, HVA-303 with HVA-191 three times, HVA-303 once),
12 cases (8 finding probes, 4 harness tests); the 8 finding probes failed on main before the
fixes (R37S-1/2's 3 on a7abc470: two passing after the attested "yes", the joined item asking
only KEPT_Q; R37S-3's 2 on e7d7ae3e: HVA-303 passing after the attested "yes"; R37S-4's 1 on
99c7d1db: the set's question alone; R37S-5's 1 on 80d7c295 and R37S-6's 1 on 80d7c295 (by
script): the gap's question alone), the harness tests passed there. R37S-4 changed
test_proxmox_checks' nftables copy (the daemon's question joins; separate commit).

Leads left:
- HVA-211 (management_segment): first_unknown(bridges, addresses) stands before the macvtap and
  SR-IOV pool fails, which read only the addresses: an ip-link artefact uncollected (a bundle
  without it; `ip` failing is an error) with `ip -j addr` read hides a macvtap VM on the NIC
  holding the host address. Not probed: no collector is known to write ip-addr without ip-link.
- HVA-303: under a gap, `guessed` (R37S-5) is judged; the other chain after the gaps is not.
  HVA-191's Proxmox VE gap question reads "stopped at IP set ipfilter-net0 admits the
  subnet(s) ..." (`_where_asked` puts the gap's reason where a place belongs: wording).
- HVA-060/HVA-081 on a simulated host: the RAM/core question counts the VMs read only (the
  unread guests and next definitions `_ratio_asks` counts elsewhere are not in it).
- Held by reading (no leading unknown hiding an independent fail): HVA-210 (every condition
  reads the listeners), HVA-220 (bridges, bonds, link info: one `ip -j link`), HVA-305 (one
  file), HVA-306 (user.cfg unread: root@pam may be disabled there), HVA-307, HVA-311 (one
  fact), HVA-309 (both copies unknown), HVA-312 (R36E-2), HVA-060/070/080/081/090/091/092
  (asks joined after the fails: R34R).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import messages, outcomes
from hvaudit.checks.base import joint_question
from hvaudit.collect.host import command_artefact
from hvaudit.engine import Assessment
from hvaudit.parse.proxmox_model import DAEMON_QUESTION
from hvaudit.waivers import apply_attestations, load_attestations
from test_leads10 import older_bundle_scan  # noqa: F401  (fixture)
from test_pve_leads19b import HOST, VM200, VM201
from test_r34_elif_unknown_probes import TODAY, _attest_yes, _question
from test_redteam2_probes import PVE_HARDENED
from test_redteam3_host_probes import PVE_PROCS
from test_redteam21_pve4_probes import PS_UNREAD
from test_redteam35_proxmox_probes import C201, _files

# --- R37S-1, R37S-2: HVA-061, one way KSM merges unread before the others -----------------------

KSM_UNITS = command_artefact("ksm-units")
UNITS_Q = (
    "Does this hold for this host: KSM is off and no ksm or ksmtuned unit is enabled to start at "
    "boot? Evidence: the setting, file or command output it names, read where it lives (the "
    "message says why the scan could not). Pass: yes, it holds; fail: it does not."
)
KEPT_Q = (
    "Does this hold for this host: KSM is off and keeps no merged page (pages_shared 0)? "
    "Evidence: the setting, file or command output it names, read where it lives (the message "
    "says why the scan could not). Pass: yes, it holds; fail: it does not."
)
UNITS_UNREAD = "evidence unavailable: host/commands/ksm-units.txt was not collected"
KEPT_UNREAD = (
    "evidence unavailable: /sys/kernel/mm/ksm/pages_shared could not be read (no such file)"
)
PAGES = {"/sys/kernel/mm/ksm/pages_shared": "500\n"}
NO_PAGES = {"/sys/kernel/mm/ksm/pages_shared": None}
KSM_ENABLED = {"ksm-units": ("ksm.service enabled enabled\n", 0)}


def test_r37s1_harness_each_ksm_gap_alone(host_scan, older_bundle_scan) -> None:  # noqa: F811
    """Held: the unit listing uncollected alone asks UNITS_Q; pages_shared unread alone asks
    KEPT_Q; 500 pages kept alone and ksm.service enabled alone each fail."""
    a = older_bundle_scan({}, gone=KSM_UNITS)
    assert (outcomes(a, "HVA-061"), messages(a, "HVA-061")) == (
        {"hv1": "manual"},
        {"hv1": UNITS_UNREAD},
    )
    assert _question(a, "HVA-061") == UNITS_Q
    a = host_scan(NO_PAGES)
    assert (outcomes(a, "HVA-061"), messages(a, "HVA-061")) == (
        {"hv1": "manual"},
        {"hv1": KEPT_UNREAD},
    )
    assert _question(a, "HVA-061") == KEPT_Q
    assert messages(host_scan(PAGES), "HVA-061") == {"hv1": KEPT_FAIL}
    assert messages(host_scan(KSM_ENABLED), "HVA-061") == {"hv1": BOOT_FAIL}


def test_r37s2_both_gaps_one_item(older_bundle_scan, tmp_path: Path) -> None:  # noqa: F811
    """R37S-2: pages_shared unread and the unit listing uncollected: on main KEPT_Q alone was
    asked (the units' question dropped); now one item asks both, and "yes" to KEPT_Q alone
    passes nothing."""
    a = older_bundle_scan(NO_PAGES, gone=KSM_UNITS)
    assert (outcomes(a, "HVA-061"), messages(a, "HVA-061")) == (
        {"hv1": "manual"},
        {"hv1": f"{KEPT_UNREAD}; {UNITS_UNREAD}"},
    )
    assert _question(a, "HVA-061") == (
        "Does this hold for this host: KSM is off and keeps no merged page (pages_shared 0), and "
        "does this hold for this host: KSM is off and no ksm or ksmtuned unit is enabled to "
        "start at boot? Evidence: the setting, file or command output it names, read where it "
        "lives (the message says why the scan could not); the setting, file or command output "
        "it names, read where it lives (the message says why the scan could not). Pass: yes, it "
        "holds, and it holds; fail: it does not, or it does not."
    )
    _attest_yes(a, KEPT_Q, tmp_path, "HVA-061")
    assert outcomes(a, "HVA-061") == {"hv1": "manual"}


KEPT_FAIL = (
    "KSM is stopped (run = 0), but the 500 page(s) it merged stay shared (pages_shared; run = 2 "
    "unmerges them); 1 of 1 running or autostart VM(s) without <nosharepages/>: web01"
)
BOOT_FAIL = (
    "KSM is off now, but ksm.service is enabled and switches it on at the next boot; 1 of 1 "
    "running or autostart VM(s) without <nosharepages/>: web01"
)


def test_r37s1_merged_pages_fail_though_units_uncollected(
    older_bundle_scan,  # noqa: F811
    tmp_path: Path,
) -> None:
    """R37S-1: on main UNITS_Q alone was asked and "yes" passed 500 merged pages kept shared."""
    a = older_bundle_scan(PAGES, gone=KSM_UNITS)
    _attest_yes(a, UNITS_Q, tmp_path, "HVA-061")
    assert (outcomes(a, "HVA-061"), messages(a, "HVA-061")) == (
        {"hv1": "fail"},
        {"hv1": KEPT_FAIL},
    )


def test_r37s2_enabled_unit_fails_though_pages_shared_unread(host_scan, tmp_path: Path) -> None:
    """R37S-2: on main KEPT_Q alone was asked and "yes" passed an enabled ksm.service."""
    a = host_scan({**NO_PAGES, **KSM_ENABLED})
    _attest_yes(a, KEPT_Q, tmp_path, "HVA-061")
    assert (outcomes(a, "HVA-061"), messages(a, "HVA-061")) == (
        {"hv1": "fail"},
        {"hv1": BOOT_FAIL},
    )


# --- R37S-3: HVA-303, HVA-191, cluster.fw not known before the VM's own switches -----------------

VM_CHECKS = ("HVA-303", "HVA-191")
CLUSTER_GAP = (
    "cluster firewall: cluster.fw `enable: yes` is off as pve-firewall reads it (`enable: (\\d+)`) "
    "and on as proxmox-firewall (host.fw `nftables: 1`) reads it, and the process list was not "
    "read: which firewall daemon runs on this node (pve-firewall, proxmox-firewall or both), and "
    "does /run/proxmox-nftables-firewall-force-disable exist (pve-firewall writes it while it "
    "reads the cluster firewall off; proxmox-firewall then removes its ruleset)?"
)


#: The question each check asked on main of api-11 under the cluster.fw gap (the harness)
CLUSTER_Q = {
    "HVA-303": "Does this hold for this VM: the VM's interfaces are behind the Proxmox firewall? "
    "Evidence: the setting, file or command output it names, read where it lives (the message "
    "says why the scan could not). Pass: yes, it holds; fail: it does not.",
    "HVA-191": "Is MAC, IP and ARP spoofing from this VM stopped at the physical switch port "
    "behind the forward device(s) of network vmbr0? Evidence: the switch's configuration of that "
    "port (port security, IP source guard, dynamic ARP inspection). Pass: yes, at every one; "
    "fail: any forwards frames whose source MAC or IP is not this VM's.",
}


def _pve(tmp_path: Path, edit: dict[str, tuple[str, str]]) -> Assessment:
    """The live hardened node (test_pve_leads18._node's scan) with cluster.fw `enable: yes`
    (read two ways, the process list unread: P21D-1's gap, R35P-1) and each file of `edit`
    (relative path -> (old, new)) changed once."""
    from test_redteam3_host_probes import pve_scan

    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "tree"))
    for rel, text in _files(cluster="enable: yes").items():
        (tree / rel).write_text(text)
    for rel, (old, new) in edit.items():
        text = (tree / rel).read_text()
        assert old in text
        (tree / rel).write_text(text.replace(old, new, 1))
    return pve_scan(tmp_path, PS_UNREAD, tree)


def _vm(a: Assessment, check: str, vm: str = "api-11") -> tuple[str, str, str]:
    (r,) = (r for r in a.results if r.check.id == check and r.outcome.subject.name == vm)
    return r.status.value, r.outcome.message, r.outcome.question or ""


def _attest_vm(a: Assessment, check: str, question: str, tmp_path: Path, vm: str) -> None:
    f = tmp_path / f"attest-{check}-{vm}.toml"
    f.write_text(
        f'[[attestation]]\ncheck = "{check}"\nsubject = "vm:{vm}"\nanswer = "yes"\n'
        'attested_by = "auditor"\nattested_at = 2026-12-01\nvalid_days = 90\n'
        f'evidence = "looked"\nquestion = {json.dumps(question)}\n',
        encoding="utf-8",
    )
    apply_attestations(a, load_attestations(f), TODAY)


def test_r37s3_harness_cluster_gap_alone(tmp_path: Path) -> None:
    """Held: the hardened VM api-11 (its firewall on, net0 firewall=1) under the cluster.fw gap
    asks the gap's question in both checks, as on main."""
    a = _pve(tmp_path, {})
    assert _vm(a, "HVA-303") == (
        "manual",
        f"evidence unavailable: {CLUSTER_GAP}",
        CLUSTER_Q["HVA-303"],
    )
    assert _vm(a, "HVA-191") == ("manual", CLUSTER_GAP, CLUSTER_Q["HVA-191"])


@pytest.mark.parametrize(
    ("edit", "why"),
    [
        ({VM201: ("enable: 1", "enable: 0")}, "the VM firewall is off"),
        ({C201: ("bridge=vmbr0,firewall=1", "bridge=vmbr0,firewall=0")}, "firewall=0 on the NIC"),
    ],
    ids=["vm-firewall-off", "nic-firewall-0"],
)
def test_r37s3_vm_switch_off_fails_though_cluster_fw_unknown(
    tmp_path: Path, edit: dict[str, tuple[str, str]], why: str
) -> None:
    """R37S-3: on main _spoofing returned cluster.fw's gap before reading the VM's own switches:
    both checks asked the gap's question and "yes" passed a NIC no VM chain filters
    (pve-firewall builds the tap's rules only for a VM whose firewall is on and a NIC with
    firewall=1, whatever cluster.fw holds). Now the fail."""
    a = _pve(tmp_path, edit)
    for check in VM_CHECKS:
        _attest_vm(a, check, CLUSTER_Q[check], tmp_path, "api-11")
    assert _vm(a, "HVA-303")[:2] == ("fail", f"BC:24:11:00:00:21: {why}")
    assert _vm(a, "HVA-191")[:2] == ("fail", f"BC:24:11:00:00:21: no filter: {why}")


# --- R37S-4: HVA-303, HVA-191, a NIC's unresolved filters before the daemon's question ---------

WIDE_GAP = (
    "IP set ipfilter-net0 admits the subnet(s) 192.0.2.0/24: whether every address in them is "
    "this VM's own is not in the evidence"
)
PS_WHY = "running processes: host/commands/processes.txt: ps timed out"
WIDE_SET = {VM201: ("192.0.2.11\n", "192.0.2.0/24\n")}
#: The question each check asked on main of api-11 with the subnet in ipfilter-net0
WIDE_Q = {
    "HVA-303": CLUSTER_Q["HVA-303"],
    "HVA-191": "Is MAC, IP and ARP spoofing from this VM stopped at IP set ipfilter-net0 admits "
    "the subnet(s) 192.0.2.0/24? Evidence: the addresses this VM holds (its network "
    "configuration, DHCP or IPAM reservations) against each entry of that IP set in "
    "/etc/pve/firewall/<vmid>.fw. Pass: yes, at every one; fail: any forwards frames whose "
    "source MAC or IP is not this VM's.",
}


def _node_scan(
    tmp_path: Path, edit: dict[str, tuple[str, str]], procs: dict[str, object]
) -> Assessment:
    """The live hardened node with each file of `edit` changed once and `procs` replayed."""
    from test_redteam3_host_probes import pve_scan

    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "tree"))
    for rel, (old, new) in edit.items():
        text = (tree / rel).read_text()
        assert old in text
        (tree / rel).write_text(text.replace(old, new, 1))
    return pve_scan(tmp_path, procs, tree)


def test_r37s4_harness_wide_set_alone(tmp_path: Path) -> None:
    """Held: the subnet in ipfilter-net0 with pve-firewall seen running asks the set's question
    alone in both checks (R35P-2's held case), and the processes unread alone ask the daemon's."""
    procs = {"processes": (PVE_PROCS + "  950 root     pve-firewall\n", 0)}
    a = _node_scan(tmp_path / "a", WIDE_SET, procs)
    assert _vm(a, "HVA-303") == ("manual", f"evidence unavailable: {WIDE_GAP}", WIDE_Q["HVA-303"])
    assert _vm(a, "HVA-191") == ("manual", WIDE_GAP, WIDE_Q["HVA-191"])
    a = _node_scan(tmp_path / "b", {}, PS_UNREAD)
    assert _vm(a, "HVA-303")[:2] == (
        "manual",
        "1 interface(s) behind the VM firewall, but whether pve-firewall or proxmox-firewall "
        f"applies the rules on node pve-h1 is not in the evidence ({PS_WHY})",
    )


def test_r37s4_daemon_question_joins_the_wide_set(tmp_path: Path) -> None:
    """R37S-4: on main, the set's question alone (WIDE_Q) was asked with the processes unread,
    and "yes" passed both checks with the daemon that applies the filters never observed
    (R5-12: never a pass on the strength of the file alone). Now one item asks both, and the
    "yes" to the set's question alone passes nothing."""
    a = _node_scan(tmp_path, WIDE_SET, PS_UNREAD)
    daemon = (
        f"whether pve-firewall or proxmox-firewall applies the rules on node pve-h1 is not in the "
        f"evidence ({PS_WHY})"
    )
    assert _vm(a, "HVA-303")[:2] == (
        "manual",
        f"evidence unavailable: {WIDE_GAP}; 1 interface(s) with firewall=1, the VM's firewall "
        f"on, but {daemon}",
    )
    assert _vm(a, "HVA-191")[:2] == ("manual", f"{WIDE_GAP}; {daemon}")
    for check in VM_CHECKS:
        assert _vm(a, check)[2] == joint_question(
            [WIDE_Q[check], DAEMON_QUESTION.format(node="pve-h1")]
        )
        _attest_vm(a, check, WIDE_Q[check], tmp_path, "api-11")
        assert _vm(a, check)[0] == "manual", check


# --- R37S-5: HVA-303, a NIC's unresolved filters before an ACCEPT's -dest question -------------

#: 201.fw without IP filter, an IN ACCEPT narrowed by its -dest alone (R26P-3's question)
DEST_FW = (
    "[OPTIONS]\nenable: 1\npolicy_in: DROP\n\n[RULES]\nIN ACCEPT -dest 192.0.2.50\n"
    "IN SSH(ACCEPT) -source +dc/management -i net0\n"
)
BOTH_RUN = {
    "processes": (
        PVE_PROCS + "  950 root     pve-firewall\n  951 root     proxmox-firewall\n",
        0,
    )
}
NFT_ON = {HOST: ("enable: 1\n", "enable: 1\nnftables: 1\n")}
NFT_GAP = (
    "the node runs proxmox-firewall (host.fw nftables: 1), whose generated MAC, IP and ARP "
    "filters hvaudit does not resolve"
)
RULE = (
    "net0: line 6 `IN ACCEPT` accepts every inbound IPv4 packet before any rule drops or rejects "
    "(-dest 192.0.2.50: if it holds the guest's address)"
)


_VM201_TEXT = (PVE_HARDENED / VM201).read_text()


def _dest_scan(tmp_path: Path, edit: dict[str, tuple[str, str]]) -> Assessment:
    """The live node, both daemons running, 201.fw replaced by DEST_FW and `edit` applied."""
    return _node_scan(tmp_path, {**edit, VM201: (_VM201_TEXT, DEST_FW)}, BOTH_RUN)


def test_r37s5_harness_each_alone(tmp_path: Path) -> None:
    """Held: under pve-firewall the -dest rule alone asks its question (R26P-3); under
    proxmox-firewall with no such rule the filters' gap alone asks CLUSTER_Q's generic one."""
    a = _dest_scan(tmp_path / "a", {})
    status, message, _ = _vm(a, "HVA-303")
    assert (status, message) == (
        "manual",
        f"1 interface(s) behind the VM firewall, unless a rule's -dest holds the guest's address "
        f"({RULE}): no IP set ipfilter-net<N> tells the guest's addresses (ipfilter off), so "
        "whether it does is not in the evidence",
    )
    a = _node_scan(tmp_path / "b", NFT_ON, BOTH_RUN)
    assert _vm(a, "HVA-303") == ("manual", f"evidence unavailable: {NFT_GAP}", CLUSTER_Q["HVA-303"])


def test_r37s5_dest_question_joins_the_filters_gap(tmp_path: Path) -> None:
    """R37S-5: on main, under proxmox-firewall the filters' gap was asked alone and the -dest
    rule never: "yes" (the daemon runs, its filters apply) passed a VM whose `IN ACCEPT -dest
    192.0.2.50` admits every inbound packet if that is the guest's address. Now one item asks
    both."""
    a = _dest_scan(tmp_path, NFT_ON)
    assert _vm(a, "HVA-303")[:2] == (
        "manual",
        f"evidence unavailable: {NFT_GAP}; 1 interface(s) with firewall=1, the VM's firewall on, "
        f"unless a rule's -dest holds the guest's address ({RULE}): no IP set ipfilter-net<N> "
        "tells the guest's addresses (ipfilter off), so whether it does is not in the evidence",
    )
    _attest_vm(a, "HVA-303", CLUSTER_Q["HVA-303"], tmp_path, "api-11")
    assert _vm(a, "HVA-303")[0] == "manual"


# --- R37S-6: HVA-303, HVA-191, a cluster.fw gap of a refused line before the daemon's question --

REFUSED_GAP = (
    "cluster firewall: 200.fw line 13 `FORWARD DROP`: invalid rule type 'forward' here, which "
    "proxmox-firewall (host.fw `nftables: 1`) refuses: it then applies no change and the ruleset "
    "it loaded before (if any) stays"
)


def test_r37s6_daemon_question_joins_a_refused_line_gap(tmp_path: Path) -> None:
    """R37S-6: a line proxmox-firewall refuses (200.fw `FORWARD DROP`, R35P-1's held case) makes
    cluster.fw unknown for every VM of the node; with the processes unread, main asked that gap
    alone for api-11 (R37S-4's exclusion of every cluster.fw gap, though only P21D-1's names the
    daemon), so "yes" passed it with the daemon never observed. Now the daemon's question joins
    it; R37S-3's harness (P21D-1's gap) still stands alone."""
    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "tree"))
    for rel, text in _files().items():
        (tree / rel).write_text(text)
    text = (tree / VM200).read_text()
    assert "GROUP webserver -i net0" in text
    (tree / VM200).write_text(
        text.replace("GROUP webserver -i net0", "GROUP webserver -i net0\nFORWARD DROP", 1)
    )
    from test_redteam3_host_probes import pve_scan

    a = pve_scan(tmp_path, PS_UNREAD, tree)
    daemon = (
        f"whether pve-firewall or proxmox-firewall applies the rules on node pve-h1 is not in the "
        f"evidence ({PS_WHY})"
    )
    assert _vm(a, "HVA-303")[:2] == (
        "manual",
        f"evidence unavailable: {REFUSED_GAP}; 1 interface(s) with firewall=1, the VM's "
        f"firewall on, but {daemon}",
    )
    assert _vm(a, "HVA-191")[:2] == ("manual", f"{REFUSED_GAP}; {daemon}")
