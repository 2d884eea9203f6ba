"""R40 sweep: HVA-060's and HVA-081's leading unknown (the host's RAM or core count unread) with
guests whose run state the evidence does not settle; HVA-211 with the link list unread beside
Open vSwitch's tables; the TCP/UDP listener list of an `ss` that exited other than 0; HVA-061
beside a VM of unknown run state; HVA-210's AF_VSOCK fail behind the TCP/UDP listeners' gap;
R40S-1's question on a VMware host read offline (tests/fixtures/vmx through vmx+dir://).

Harness: a copy of the Proxmox VE hardened fixture tree (tests/fixtures/proxmox-hardened: VM 200
web-10 runs and is onboot, VM 201 api-11 is stopped and not onboot, onboot LXC container 300
dns-01) collected through `hvaudit collect --connect pve+dir://` and assessed by the real engine
(conftest run_assessment), as R39S-1's. etc/pve/ha/resources.cfg removed from the tree leaves
whether the HA manager keeps api-11 `started` out of the evidence (P23B-1: its run state is
unknown); proc/meminfo or proc/cpuinfo removed makes the node's RAM or core count unknown.
Attestations are applied as `hvaudit scan --attestations` does (R39S-1's _attest_yes).
HVA-211: the conftest host_scan replay and test_leads10's older_bundle_scan (ip-link taken out
of the bundle: the bridges unavailable; or `ip -j link` exiting 1: an error), with ovs-ports
holding test_ovs_management_port's OVS_TABLES (ovs-vsctl's Bridge/Port/Interface tables of
vmbr0: eno1, internal port mgmt, vnet0; vmbr1: mgmt1, bond0) and VM web01 on vmbr0
(<virtualport type='openvswitch'/>).

Findings:
- R40S-1 (false pass) HVA-060, HVA-081: where the node's RAM (core count) is unknown, the item
  asked for "this host's running and autostart VMs" and named neither api-11 nor that its run
  state is unknown (a stopped guest that is not onboot, which the HA manager may keep started
  where resources.cfg is unread: P23B-1, pve-manager startall skips HA-managed guests, P23-1);
  the read branch counts such a VM in its worst case and asks its run state
  (_run_state_question), so "yes" to the onboot and running VMs' sum passed with api-11 never
  counted. Now the question names each VM whose run state is unknown, why, and what settles it
  (resources._maybe_named).
- R40S-2 (missed fail: a manual or error where the evidence proves the fail; leading unknown)
  HVA-211: with the link list unread (ip-link not collected, or `ip -j link` failing) and
  ovs-vsctl's tables read, the host address 10.0.0.10 on vmbr0 itself, the Open vSwitch bridge
  web01 is defined on, asked the bridges' gap question alone (or was the error): the Open
  vSwitch branch added a bridge's own address only where no VM was defined on it
  (`b not in defined`), leaving that case to the link list's bridge loop, which has nothing
  to loop over when the list is unread. The tables (ovs-vswitchd.conf.db(5): a Bridge's
  ports; its internal interface of the same name holds the address), the addresses and the
  definition prove the fail, as R38S-1 made the macvtap fail stand without the link list.
  Now the bridge's own address fails unless the link list's loop already reported it.
- R40S-3 (false pass, with false n/a) HVA-030, HVA-033, HVA-210 (pass), HVA-034, HVA-035
  (n/a), HVA-250 (its message): the host's TCP/UDP listeners were read from `ss -H -t -u -l -n
  -p`'s stdout whatever its exit status (parse/host.py _listeners; `ss --vsock`'s parser
  checks it). iproute2 misc/ss.c usage() prints to stderr and exits -1 (255) for an option it
  does not know (an ss without `-H, --no-header`), stdout empty: main read that as no
  listener and passed "libvirt listens on local UNIX sockets only", "0 non-loopback
  listener(s), all approved", "0 management listener(s), none on a wildcard address". Now an
  exit other than 0 is the failed fact (the error naming the exit and ss's first stderr line).
- R40S-4 (false pass) HVA-061: KSM running, every running or autostart VM opted out (web-10
  `allow-ksm: 0`), and api-11 stopped, not onboot, left to qm.conf's allow-ksm default
  (merging allowed) with its run state unknown (resources.cfg unread, P23B-1): HVA-061 passed
  "all 1 running or autostart VM(s) opt out" while HVA-060 counts api-11 ("0.10 if api-11
  run"); once the HA manager starts it KSM merges its pages. Now a VM whose run state is
  unknown and that does not opt out (or whose raw arguments make it mergeable again) turns
  the pass into the run-state question (_run_state_question), joined with unread_peers.
  Harness: the hardened node over SSH (test_redteam3_host_probes.pve_scan: /etc/pve from the
  tree, host commands replayed), /sys/kernel/mm/ksm/run = 1, resources.cfg a FIFO.
- R40S-5 (missed fail, leading unknown) HVA-210: the TCP/UDP listeners unknown (`ss -t -u -l`
  failing, the error since R40S-3; or its artefact not collected, the gap question "management
  services listen only on management addresses", which names no AF_VSOCK socket) came first,
  so sshd bound to vsock CID 2 beside vs1 (<vsock model='virtio'>), R21V-2's fail, was never
  judged; it reads only `ss --vsock` (its own artefact and parser), sshd's ports and the VM.
  Now that fail stands with the TCP/UDP listing unknown (_vsock_management, _vsock_part).
- R40S-6 (wording) HVA-060, HVA-081: R40S-1's question told what settles a VM's run state in
  Proxmox VE's terms (`qm list`, `ha-manager config`) on every platform; a VMware .vmx read
  offline holds no power state (vmx_model: running_unknown), so on the vmx fixture host it
  sent the auditor to Proxmox commands. Now a VMware host's question names the power state
  and the host's auto-start list (vSphere API vim.host.AutoStartManager).
- R40S-7 (wording) HVA-060, HVA-081: the same question's Evidence read an ESXi host's RAM with
  `free -k` or /proc/meminfo and its cores with `lscpu`; now the vSphere Client's host Summary
  (HostHardwareSummary memorySize, numCpuCores: "The physical memory size in bytes", "Number
  of physical CPU cores on the host"), _size_evidence.
- R40S-8 (false pass, leading unknown) HVA-210: `ss` not installed (the TCP/UDP and the
  AF_VSOCK listeners both unavailable) beside vs1 (<vsock model='virtio'>) asked the listeners'
  gap alone, "management services listen only on management addresses", which names no
  AF_VSOCK socket; a "yes" passed the host with the vsock listeners vs1's guest reaches as
  CID 2 (R21V-2) never asked. Now the gap and R21V-2's vsock question are one item
  (joint_question, _vsock_question).

Held: with resources.cfg read (no HA resource) api-11 is stopped and not onboot, and the
unknown-RAM question stays R39S-1's, naming no VM beyond the running and autostart ones; with the
RAM read and resources.cfg unread, HVA-060 passes with api-11 counted in its worst case (0.10 if
api-11 run), as P23B-1 wrote it. HVA-211: the address on mgmt1 (an internal port of vmbr1,
where no VM is) with the link list unread still asks the bridges' gap (a Linux bridge the list
would show is not excluded); with the link list read the address on vmbr0 fails once, as the
link list's bridge (no duplicate line from the Open vSwitch branch). An ss that exits 0 and
prints no socket still lists none (HVA-033 passes). HVA-061 with resources.cfg read keeps its
pass (api-11 stopped and not onboot, settled). HVA-210 with ss failing and no AF_VSOCK
listener beside vs1 stays the error; ss not installed without a vsock VM asks the gap alone.

Probed by script: on 3511ccaf, the hardened tree without resources.cfg and proc/meminfo asked
the VMs-only question for HVA-060, and "yes" passed; without proc/cpuinfo the same for HVA-081.
On 3740ba55, ip-link uncollected with the address on vmbr0 asked GAP_Q alone (manual), and
`ip -j link` exiting 1 was the error; the address on mgmt already failed both ways. On
35aa65a0, the hardened replay host with `listeners` ("", 255, "ss: invalid option -- 'H'")
gave HVA-030/033/210 pass, HVA-034/035 n/a, HVA-250 "processes listening on the network: none".
On 74c16db1, the KSM node with resources.cfg a FIFO passed HVA-061 (KSM_PASS). On d03bb353,
sshd on vsock CID 2 beside vs1 was the error with ss failing and the gap question with the
listeners uncollected. On 1ae76459 the vmx fixture host's HVA-060 question named `qm list`;
on a73f0b36 its HVA-060 and HVA-081 questions named `free -k` and `lscpu`. On 3f6d238b, ss
not installed beside vs1 asked the listeners' gap question alone.

Tally: 8 findings (false pass: HVA-060 with HVA-081; HVA-030/033/210 with HVA-034/035 n/a and
HVA-250; HVA-061; HVA-210 (R40S-8); missed fail: HVA-211; HVA-210 (R40S-5); wording: HVA-060
with HVA-081 twice, R40S-6 R40S-1's own), 25 cases (17 finding probes, 8 held probes); the 17
finding probes failed on main before their fix (R40S-1's 2 on 3511ccaf, R40S-2's 2 on
3740ba55, R40S-3's 6 on 35aa65a0, R40S-4's 1 on 74c16db1, R40S-5's 2 on d03bb353, R40S-6's 1
on 1ae76459, R40S-7's 2 on a73f0b36, R40S-8's 1 on 3f6d238b), the held probes passed there.

Leads left:
- HVA-211: with ip-link unread, an address on an OVS bridge port whose bridge has a live VM port
  (vnet) but no VM defined on it (a VM of another host's definitions, or a tap of another
  name) is judged by `_vm_port` on the ovs ports: not probed.
- The unknown-size question names `pct config <vmid>` inside the question, not in its Evidence
  part, and its Evidence says "each VM's configured maximum memory" without `qm config` /
  `virsh dominfo` (wording, carried from R39).
- HVA-210 with the TCP/UDP listing failed (an error) and the vsock listeners unknown: the error
  stands alone (not a pass; R40S-8 joins only the unavailable gap).
- _listeners still skips a line it cannot read (fewer than 5 fields, a port that is not a
  number) where `ss --vsock`'s parser fails on a LISTEN line it cannot read.
- The unknown-size question on a VMware host: "each VM's configured maximum memory" does not
  name the .vmx key (memSize) or the vSphere Client field (wording, minor).
- Other host checks that count "running or autostart VMs" and leave out those of unknown run
  state (_unknown_run_state): HVA-061 now asks; the CPU-pinning and I/O host checks not swept.
- A libvirt host with its RAM unknown and an unread domain (R28D-1) or unread next definition
  (R30D-7): joined by R39S-1's change, still unprobed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import domain_xml, messages, outcomes, run_assessment
from hvaudit.cli import main
from hvaudit.collect.host import command_artefact
from hvaudit.engine import Assessment
from test_leads10 import older_bundle_scan  # noqa: F401  (fixture)
from test_ovs_management_port import OVS_TABLES, _addrs, _links, _vm
from test_r34_elif_unknown_probes import _question
from test_redteam3_host_probes import PVE_TREE, pve_scan
from test_redteam38_sweephost_probes import GAP, GAP_Q, IP_LINK, LINK_FAILS
from test_redteam39_sweephost_probes import HARDENED, MEM_Q, _attest_yes
from test_vm_leads19c import VSOCK

HA = "etc/pve/ha/resources.cfg"

MAYBE = (
    ", with the {what} of each VM whose run state the evidence does not settle (api-11: whether "
    "the HA manager starts it is not in the evidence: /etc/pve/ha/resources.cfg: the copied tree "
    "has no /etc/pve/ha/resources.cfg; counted unless it is stopped and is no HA resource in "
    "state started: `qm list`, `ha-manager config`), with the "
)


def _scan(tmp_path: Path, capsys: pytest.CaptureFixture[str], *drop: str) -> Assessment:
    tree = Path(shutil.copytree(HARDENED, tmp_path / "tree"))
    for d in drop:
        (tree / d).unlink()
    out = tmp_path / "bundle"
    assert main(["collect", "--connect", f"pve+dir://{tree}", "-o", str(out)]) == 0
    capsys.readouterr()
    return run_assessment(out)


@pytest.mark.parametrize(
    ("drop", "check", "head", "what"),
    [
        (
            "proc/meminfo",
            "HVA-060",
            "Is the memory configured for this host's running and autostart VMs",
            "memory",
        ),
        (
            "proc/cpuinfo",
            "HVA-081",
            "Do the vCPUs of this host's running and autostart VMs",
            "vCPUs",
        ),
    ],
)
def test_r40s1_unknown_size_question_names_the_unsettled_vm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], drop: str, check: str, head: str, what: str
) -> None:
    """R40S-1: api-11, whose run state the HA manager's unread resources leave open, is named in
    the question with what settles it; the item stays one question an attested "yes" answers."""
    a = _scan(tmp_path, capsys, drop, HA)
    (r,) = (r for r in a.results if r.check.id == check)
    assert r.status.value == "manual"
    q = r.outcome.question or ""
    assert q.startswith(head + MAYBE.format(what=what)), q
    if check == "HVA-060":
        assert q == MEM_Q.replace(
            "autostart VMs, with the ", "autostart VMs" + MAYBE.format(what="memory")
        )
    _attest_yes(a, check, tmp_path)
    assert outcomes(a, check) == {"pve-h1": "pass"}


def test_r40s1_held_ha_read_question_names_no_other_vm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: with resources.cfg read (no HA resource) api-11 is stopped and not onboot, settled:
    the unknown-RAM question is R39S-1's and names no VM of unknown run state."""
    a = _scan(tmp_path, capsys, "proc/meminfo")
    (r,) = (r for r in a.results if r.check.id == "HVA-060")
    assert r.status.value == "manual"
    assert r.outcome.question == MEM_Q


def test_r40s1_held_ram_read_counts_the_unsettled_vm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: with the RAM read and resources.cfg unread, HVA-060 passes with api-11 counted in
    its worst case (P23B-1), the ratio far below the limit either way."""
    a = _scan(tmp_path, capsys, HA)
    (r,) = (r for r in a.results if r.check.id == "HVA-060")
    assert r.status.value == "pass"
    assert r.outcome.message == (
        "1 running or autostart VM(s) configured with 8.0 GiB and 1 running or onboot "
        "container(s) limited to 0.5 GiB on 125.8 GiB of host RAM: ratio 0.07 (limit 1.5); "
        "0.10 if api-11 run"
    )


# --- R40S-2: HVA-211, an Open vSwitch bridge holding the address with the link list unread ----

OVS_FAIL = (
    "host address on bridge(s) with VM ports: vmbr0 (10.0.0.10; Open vSwitch; VMs defined on "
    "it: web01)"
)


def _ovs(on: str) -> dict[str, object]:
    return {"ip-addr": (_addrs(on), 0), "ovs-ports": (OVS_TABLES, 0)}


def test_r40s2_ovs_bridge_address_fails_though_ip_link_uncollected(
    older_bundle_scan,  # noqa: F811
) -> None:
    """R40S-2: on main the bridges' gap question alone was asked; ovs-vsctl's tables, the
    addresses and web01's definition prove the fail."""
    a = older_bundle_scan(_ovs("vmbr0"), domains=(_vm("vmbr0", True),), gone=IP_LINK)
    assert (outcomes(a, "HVA-211"), messages(a, "HVA-211")) == (
        {"hv1": "fail"},
        {"hv1": OVS_FAIL},
    )


def test_r40s2_ovs_bridge_address_fails_though_ip_link_failed(host_scan) -> None:
    """R40S-2: on main `ip -j link` failing was the error, whatever ovs-vsctl showed."""
    a = host_scan({**_ovs("vmbr0"), **LINK_FAILS}, domains=[_vm("vmbr0", True)])
    assert (outcomes(a, "HVA-211"), messages(a, "HVA-211")) == (
        {"hv1": "fail"},
        {"hv1": OVS_FAIL},
    )


def test_r40s2_held_port_of_a_bridge_without_vms_still_asks(
    older_bundle_scan,  # noqa: F811
) -> None:
    """Held: the address on mgmt1, an internal port of vmbr1 where no VM is, with the link list
    unread: a Linux bridge the link list would show is not excluded, so the gap is asked."""
    a = older_bundle_scan(_ovs("mgmt1"), domains=(_vm("vmbr0", True),), gone=IP_LINK)
    assert (outcomes(a, "HVA-211"), messages(a, "HVA-211")) == ({"hv1": "manual"}, {"hv1": GAP})
    assert _question(a, "HVA-211") == GAP_Q


def test_r40s2_held_ovs_bridge_address_with_ip_link_read(host_scan) -> None:
    """Held: with the link list read the address on vmbr0 fails once, as the link list's bridge
    (test_ovs_management_port), not twice."""
    links = {"ip-link": (_links(), 0)}
    a = host_scan({**_ovs("vmbr0"), **links}, domains=[_vm("vmbr0", True)])
    assert (outcomes(a, "HVA-211"), messages(a, "HVA-211")) == (
        {"hv1": "fail"},
        {
            "hv1": "host address on bridge(s) with VM ports: vmbr0 (10.0.0.10; VMs defined on it: web01)"
        },
    )


# --- R40S-3: the TCP/UDP listener list of an `ss` that exited other than 0 --------------------

#: iproute2 misc/ss.c: getopt's '?' calls usage(), which prints to stderr and exits -1 (255),
#: stdout empty: what an ss without `-H, --no-header` answers the collector's argv.
SS_REFUSED = ("", 255, "ss: invalid option -- 'H'\n")
SS_ERROR = "evidence could not be collected: `ss -t -u -l` exited 255: ss: invalid option -- 'H'"


@pytest.mark.parametrize("check", ["HVA-030", "HVA-033", "HVA-034", "HVA-035", "HVA-210"])
def test_r40s3_ss_exit_255_is_no_listing(host_scan, check: str) -> None:
    """R40S-3: on main the empty output read as no listener: HVA-030 passed "libvirt listens on
    local UNIX sockets only", HVA-033 "0 non-loopback listener(s), all approved", HVA-210 "0
    management listener(s), none on a wildcard address", HVA-034 and HVA-035 were not
    applicable ("no libvirt TLS listener", "libvirt does not listen on TCP 16509")."""
    a = host_scan({"listeners": SS_REFUSED})
    assert (outcomes(a, check), messages(a, check)) == ({"hv1": "error"}, {"hv1": SS_ERROR})


def test_r40s3_hva250_names_the_failed_listing(host_scan) -> None:
    """R40S-3: on main HVA-250 said "processes listening on the network: none"."""
    a = host_scan({"listeners": SS_REFUSED})
    assert (outcomes(a, "HVA-250"), messages(a, "HVA-250")) == (
        {"hv1": "manual"},
        {"hv1": "listeners unknown (`ss -t -u -l` exited 255: ss: invalid option -- 'H')"},
    )


def test_r40s3_held_ss_exit_0_with_no_socket(host_scan) -> None:
    """Held: an ss that exits 0 and prints no socket lists none: HVA-033 passes as on main."""
    a = host_scan({"listeners": ("", 0)})
    assert (outcomes(a, "HVA-033"), messages(a, "HVA-033")) == (
        {"hv1": "pass"},
        {"hv1": "0 non-loopback listener(s), all approved"},
    )


# --- R40S-4: HVA-061, a VM of unknown run state that does not opt out of KSM ------------------

KSM_PASS = (
    "KSM runs, but all 1 running or autostart VM(s) opt out (<nosharepages/>) or are backed by "
    "huge pages, which KSM never merges"
)


def _ksm_node(tmp_path: Path, ha_unread: bool) -> Assessment:
    """The hardened node over SSH (test_redteam3_host_probes.pve_scan) with KSM running, web-10
    (running, onboot) given `allow-ksm: 0`, api-11 (stopped, not onboot) left to the default
    (qm.conf allow-ksm: merging allowed); resources.cfg a FIFO the reader refuses where
    `ha_unread` (P23B-1: api-11's run state unknown)."""
    tree = Path(shutil.copytree(PVE_TREE, tmp_path / "tree"))
    conf = tree / "etc/pve/qemu-server/200.conf"
    conf.write_text(conf.read_text() + "allow-ksm: 0\n")
    if ha_unread:
        (tree / HA).unlink()
        os.mkfifo(tree / HA)
    (tmp_path / "scan").mkdir()
    return pve_scan(tmp_path / "scan", {"/sys/kernel/mm/ksm/run": "1\n"}, tree)


def test_r40s4_ksm_asks_the_vm_of_unknown_run_state(tmp_path: Path) -> None:
    """R40S-4: on main HVA-061 passed KSM_PASS, api-11 (which HVA-060 counts: "0.10 if api-11
    run") never named."""
    a = _ksm_node(tmp_path, ha_unread=True)
    assert (outcomes(a, "HVA-061"), messages(a, "HVA-061")) == (
        {"pve-h1": "manual"},
        {
            "pve-h1": f"{KSM_PASS}; run state unknown for api-11 (whether the HA manager starts "
            f"it is not in the evidence: /etc/pve/ha/resources.cfg: {tmp_path}/tree/{HA}: a "
            "FIFO, not read), which does not opt out"
        },
    )
    assert _question(a, "HVA-061") == (
        "Are the VMs and containers whose run state is unknown stopped and not started at boot, "
        "so that KSM merges the memory of no VM that does not opt out? Evidence: their state on "
        "the host (`virsh list --all --autostart`, `qm list`, `pct list`, `ha-manager config`, "
        "the vSphere Client). Pass: yes, all stopped and none autostarts or is an HA resource in "
        "state started; fail: any of them runs or autostarts."
    )


def test_r40s4_held_ha_read_keeps_the_pass(tmp_path: Path) -> None:
    """Held: resources.cfg read (no HA resource): api-11 is stopped and not onboot, KSM_PASS."""
    a = _ksm_node(tmp_path, ha_unread=False)
    assert (outcomes(a, "HVA-061"), messages(a, "HVA-061")) == (
        {"pve-h1": "pass"},
        {"pve-h1": KSM_PASS},
    )


# --- R40S-5: HVA-210, the AF_VSOCK fail behind the TCP/UDP listeners' gap --------------------

SSHD_ON_CID2 = 'v_str LISTEN 0 128 2:22 *:* users:(("sshd",pid=700,fd=3))\n'
VSOCK_FAIL = (
    "listening on AF_VSOCK, which the vsock device of VM vs1 (<vsock model='virtio'>) connects "
    "its guest to (the host is CID 2 to it, on any port): sshd (vsock/22)"
)
VS1 = (domain_xml("web01"), domain_xml("vs1", body=VSOCK))


def test_r40s5_vsock_fail_stands_though_ss_failed(host_scan) -> None:
    """R40S-5: on main (after R40S-3) the TCP/UDP listing's failure was the error, and sshd on
    vsock CID 2 beside vs1 went unjudged; it reads only `ss --vsock`, sshd's ports and vs1."""
    a = host_scan(
        {"listeners": SS_REFUSED, "vsock-listeners": (SSHD_ON_CID2, 0)}, domains=list(VS1)
    )
    assert (outcomes(a, "HVA-210"), messages(a, "HVA-210")) == (
        {"hv1": "fail"},
        {"hv1": VSOCK_FAIL},
    )


def test_r40s5_vsock_fail_stands_though_listeners_uncollected(
    older_bundle_scan,  # noqa: F811
) -> None:
    """R40S-5: on main the listeners' gap question alone was asked ("management services listen
    only on management addresses"), which does not name AF_VSOCK."""
    a = older_bundle_scan(
        {"vsock-listeners": (SSHD_ON_CID2, 0)}, domains=VS1, gone=command_artefact("listeners")
    )
    assert (outcomes(a, "HVA-210"), messages(a, "HVA-210")) == (
        {"hv1": "fail"},
        {"hv1": VSOCK_FAIL},
    )


def test_r40s5_held_no_vsock_listener_keeps_the_error(host_scan) -> None:
    """Held: ss failing with no AF_VSOCK listener beside vs1 stays the error (nothing proven)."""
    a = host_scan({"listeners": SS_REFUSED}, domains=list(VS1))
    assert (outcomes(a, "HVA-210"), messages(a, "HVA-210")) == (
        {"hv1": "error"},
        {"hv1": SS_ERROR},
    )


# --- R40S-6: R40S-1's question on a VMware host read offline ---------------------------------

VMX = Path(__file__).parent / "fixtures" / "vmx"


def test_r40s6_vmx_unknown_power_state_names_vsphere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R40S-6: after R40S-1 the question sent an auditor of a VMware host to `qm list` and
    `ha-manager config`; now to the power state and the host's auto-start list."""
    out = tmp_path / "bundle"
    assert main(["collect", "--connect", f"vmx+dir://{VMX}", "-o", str(out)]) == 0
    capsys.readouterr()
    a = run_assessment(out)
    (r,) = (r for r in a.results if r.check.id == "HVA-060")
    assert (r.status.value, r.outcome.message) == (
        "manual",
        "the host's memory size is unknown (no host facts)",
    )
    assert (r.outcome.question or "").startswith(
        "Is the memory configured for this host's running and autostart VMs, with the memory of "
        "each VM whose run state the evidence does not settle (legacy-db, web-01: "
        "runtime.powerState not reported (a .vmx file does not hold it); counted unless it is "
        "powered off and not in the host's auto-start list: its power state and the host's VM "
        "Startup/Shutdown settings in the vSphere Client) within the profile's over-commit ratio "
        "(1.5) of its RAM? "
    ), r.outcome.question


@pytest.mark.parametrize(
    ("check", "evidence"),
    [
        (
            "HVA-060",
            "Evidence: the host's RAM (the host's Summary, Hardware, in the vSphere Client: "
            "HostHardwareSummary.memorySize) and each VM's configured maximum memory. Pass: ",
        ),
        (
            "HVA-081",
            "Evidence: the host's physical core count (the host's Summary, Hardware, in the "
            "vSphere Client: HostHardwareSummary.numCpuCores) and each VM's maximum vCPU count. "
            "Pass: ",
        ),
    ],
)
def test_r40s7_vmx_size_evidence_is_vsphere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], check: str, evidence: str
) -> None:
    """R40S-7: on main the ESXi host's RAM (cores) was to be read with `free -k` or
    /proc/meminfo (`lscpu`), which an ESXi host does not give an auditor."""
    out = tmp_path / "bundle"
    assert main(["collect", "--connect", f"vmx+dir://{VMX}", "-o", str(out)]) == 0
    capsys.readouterr()
    a = run_assessment(out)
    (r,) = (r for r in a.results if r.check.id == check)
    assert r.status.value == "manual"
    assert evidence in (r.outcome.question or ""), r.outcome.question


# --- R40S-8: HVA-210, ss not installed beside a vsock VM -----------------------------------------


def test_r40s8_no_ss_asks_the_vsock_listeners_too(host_scan) -> None:
    """R40S-8: on main the listeners' gap question alone ("management services listen only on
    management addresses") was asked beside vs1, and a "yes" passed the host with its AF_VSOCK
    listeners, which vs1's guest reaches as CID 2, never asked; now one item asks both."""
    a = host_scan({"listeners": None, "vsock-listeners": None}, domains=list(VS1))
    assert (outcomes(a, "HVA-210"), messages(a, "HVA-210")) == (
        {"hv1": "manual"},
        {
            "hv1": "evidence unavailable: ss is not installed; the host's AF_VSOCK listeners, "
            "which the vsock device of VM vs1 (<vsock model='virtio'>) reaches, are not known "
            "(ss is not installed)"
        },
    )
    assert _question(a, "HVA-210") == (
        "Does this hold for this host: management services listen only on management addresses, "
        "and is host hv1 free of management services (sshd, libvirt's daemons, a web console) "
        "listening on AF_VSOCK, bound to any CID (*) or to the host's CID 2? Evidence: the "
        "setting, file or command output it names, read where it lives (the message says why "
        "the scan could not); `modprobe vsock_diag; ss --vsock -l -n -p` on the host (without "
        "vsock_diag ss prints nothing). Pass: yes, it holds, and none listens there; fail: it "
        "does not, or one does, which the guest of VM vs1 (<vsock model='virtio'>) reaches by "
        "connecting to CID 2 on its port."
    )


def test_r40s8_held_no_ss_without_vsock_vm_asks_the_gap(host_scan) -> None:
    """Held: without a vsock VM the gap question stands alone, as before."""
    a = host_scan({"listeners": None, "vsock-listeners": None})
    assert (outcomes(a, "HVA-210"), messages(a, "HVA-210")) == (
        {"hv1": "manual"},
        {"hv1": "evidence unavailable: ss is not installed"},
    )
