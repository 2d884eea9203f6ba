"""R34 elif-chain probes of resources.py and management.py beyond the known sites (7a, 7b in
tests/test_r34_elif_probes.py): a check that asks a subject's first open condition and stops
leaves a later one (a question, sometimes a fail) unasked, so an attested "yes" to the first
question passes the check: a false pass.

Harness: each probe builds a subject with two open conditions through the real collector,
parser and engine (conftest's host_scan replay; tests/test_redteam30_domain_probes._scan for a
daemon that refused a domain), holds each condition alone (the test_*_harness_* tests), asks for
the exact status, message and question with both, and answers "yes" to the FIRST condition's
own question (asked with it alone) in an attestation TOML read by the CLI's loader and applied
with apply_attestations, as `hvaudit scan --attestations` does (test_r34_elif_probes._attest_yes):
on main each such "yes" passed the check.

Findings (class: elif chain asks only the first open question; false pass):
- R34R-1 HVA-090: a pinned VM whose <shares> is one cgroup version's default weight on a host
  whose cgroup version was not read (R30T-2's question) beside a domain the daemon refused,
  which may run on the pinned CPUs (R28D-3's question): main asked only the weight, and "yes"
  passed the VM. The chain ran platform limitation, CPU count, weight, run state, unread guests
  and unread next definitions (unread_peers) as elif branches; now every open one is asked in
  one item after the fails (resources._joined, joint_question).
- R34R-2 HVA-070: a VM on huge pages of the host's default size with free page reporting
  (R15-2's question) and a <memtune><soft_limit> on a host whose cgroup version was not read
  (VL18-8's question): main asked only the page size, and "yes, 1 GiB" passed the VM with its
  priority (a throttle on cgroup v2) never asked; a simulated host's locked VM likewise asked
  only whether its hard limit is below the host's RAM. Now both are asked in one item.
- R34R-3 HVA-131: a polkit grant behind an action test hvaudit does not read (R18H-5's
  question) beside rules that read domain_name with no literal hvaudit recognises, and no
  per-VM rule it reads: main asked only the unread grant, and "yes, no domain action" passed
  the host with no rule known to narrow by VM. Now both in one item (joined_asks).
- R34R-4 HVA-141: nsswitch passwd through ldap (the directory's uid-0 question) and through
  systemd's userdb, not read: main asked only the directory, and "yes, only root" passed the
  host with userdb's records (which carry any uid) never asked. Now one question names both.

Held: each condition alone keeps its own message and question (the harness tests); a fail
still wins over every question.

Tally: 4 sites (HVA-090, HVA-070, HVA-131, HVA-141), 4 yes-probes, each failing on main before
its fix (the "yes" to the first question passed the check).

Leads left: HVA-140 (a directory's login question hides userdb's and SFTP-only accounts'),
HVA-142 (sudo rootpw's question hides merged, passworded and unresolved groups), count
questions whose parts each pass alone but not together (joint_question's "A, and B" for "at
most N in all"); HVA-031's moved-listener question over open DN lists and unread SASL.
"""

from __future__ import annotations

from pathlib import Path

from conftest import domain_xml, messages, outcomes
from test_r34_elif_probes import _attest_yes, _items

UNREAD_MOUNTS = ("", 2, "grep: /proc/mounts: Permission denied\n")

# --- R34R-1: HVA-090, a default weight's question asked, a refused domain's never --------------

#: web01 with a priority of 1024 (cgroup v1's default weight), a limit, its one vCPU on CPU 3
PINNED_1024 = (
    "<cputune><shares>1024</shares><quota>50000</quota><vcpupin vcpu='0' cpuset='3'/></cputune>"
)
HAVE_090 = (
    "reservation: all 1 vCPU(s) pinned (<vcpupin>) to host CPU(s) 3, used by no other running "
    "or autostart VM; limit: quota 50000 us; priority: cputune shares 1024"
)
WEIGHT_090 = (
    "cputune shares 1024 is the default CPU weight on cgroup v1, and the cgroup version of host "
    "hv1 is not known (the cgroup mounts were not read: exited 2)"
)


def _r34r_1(tmp_path: Path, *, refused: bool, mounts: bool):
    from test_redteam30_domain_probes import _scan

    return _scan(
        tmp_path,
        body=PINNED_1024,
        refused=refused,
        host=None if not mounts else {"cgroup-mounts": UNREAD_MOUNTS},
    )


def test_r34r_1_harness_each_condition_alone(tmp_path: Path) -> None:
    """Held: the default weight on an unread cgroup version alone is R30T-2's question; the
    refused domain alone is R28D-3's."""
    from test_redteam28_domain_probes import REFUSED, REFUSED_UUID

    a = _r34r_1(tmp_path, refused=False, mounts=True)
    assert outcomes(a, "HVA-090") == {"web01": "manual"}
    assert messages(a, "HVA-090")["web01"] == f"{HAVE_090}; {WEIGHT_090}"
    a = _r34r_1(tmp_path, refused=True, mounts=False)
    assert outcomes(a, "HVA-090") == {"web01": "manual", REFUSED_UUID: "error"}
    assert messages(a, "HVA-090")["web01"] == (
        f"{HAVE_090}; not read, may use the pinned host CPUs: domain {REFUSED_UUID} "
        f"(libvirt/domains/{REFUSED_UUID}.xml: collection failed ({REFUSED}))"
    )


def test_r34r_1_hva090_yes_to_weight_question_passes_over_refused_domain(tmp_path: Path) -> None:
    """Both open: main asked only whether shares 1024 is a priority; "yes" passed HVA-090 with
    the refused domain, which may run on host CPU 3, never asked. Now one item asks both."""
    from test_redteam28_domain_probes import REFUSED, REFUSED_UUID

    first = _items(_r34r_1(tmp_path, refused=False, mounts=True), "HVA-090")[("vm", "web01")][1]
    a = _r34r_1(tmp_path, refused=True, mounts=True)
    asked = _items(a, "HVA-090")[("vm", "web01")][1] or ""
    _attest_yes(a, "HVA-090", "vm", "web01", tmp_path, question=first)
    assert outcomes(a, "HVA-090")["web01"] == "manual", asked
    assert messages(a, "HVA-090")["web01"] == (
        f"{HAVE_090}; {WEIGHT_090}; not read, may use the pinned host CPUs: domain "
        f"{REFUSED_UUID} (libvirt/domains/{REFUSED_UUID}.xml: collection failed ({REFUSED}))"
    )
    assert first and asked.startswith(first.partition("? Evidence:")[0] + ", and do the guests")


# --- R34R-2: HVA-070, the default huge page size asked, the priority's cgroup never ------------

#: tests/test_redteam15_vm_probes' hpdef: huge pages of the host's default size, reported free
HUGE_DEFAULT_BODY = (
    "<memtune><hard_limit unit='MiB'>2048</hard_limit><soft_limit unit='MiB'>1024"
    "</soft_limit></memtune><memoryBacking><hugepages/></memoryBacking>"
    "<devices><memballoon model='virtio' freePageReporting='on'/></devices>"
)
HUGE_DEFAULT = domain_xml("hpdef", body=HUGE_DEFAULT_BODY)
#: 1 GiB pages, which no guest reports free (test_redteam15_vm_probes' hp1g keeps the pass)
HUGE_1G = "<hugepages><page size='1' unit='GiB'/></hugepages>"
LIMITS = "memtune hard_limit 2097152 KiB; memtune soft_limit 1048576 KiB; configured size 1.0 GiB"
HUGE_070 = (
    "huge pages back the memory, but <memballoon freePageReporting='on'>: QEMU gives every free "
    "page the guest reports back to the host; the host's default huge page size backs it"
)
CGROUP_070 = (
    "the cgroup version of host hv1 is not known (the cgroup mounts were not read: exited 2): "
    "on cgroup v2 libvirt writes <memtune><soft_limit> to memory.high, a throttle that "
    "reclaims the VM above it whether or not the host is short of memory, not a priority"
)


def test_r34r_2_harness_each_condition_alone(host_scan) -> None:
    """Held: on the hardened host (cgroup v1 memory) the default huge pages alone are R15-2's
    question; with the mounts unread and no huge pages, the soft_limit is VL18-8's question."""
    a = host_scan(domains=[HUGE_DEFAULT])
    assert outcomes(a, "HVA-070") == {"hpdef": "manual"}
    assert messages(a, "HVA-070")["hpdef"] == f"{HUGE_070} ({LIMITS})"
    plain = domain_xml("soft", body=HUGE_DEFAULT_BODY.replace("<hugepages/>", HUGE_1G))
    a = host_scan({"cgroup-mounts": UNREAD_MOUNTS}, domains=[plain])
    assert outcomes(a, "HVA-070") == {"soft": "manual"}, messages(a, "HVA-070")
    assert "the cgroup version of host hv1 is not known" in messages(a, "HVA-070")["soft"]


def test_r34r_2_hva070_yes_to_page_size_question_passes_over_priority(
    host_scan, tmp_path: Path
) -> None:
    """Both open: main asked only whether the host's default huge page is 1 GiB; "yes" passed
    HVA-070 while the soft_limit, a throttle rather than a priority on cgroup v2, was never
    asked. Now one item asks both."""
    first = _items(host_scan(domains=[HUGE_DEFAULT]), "HVA-070")[("vm", "hpdef")][1]
    a = host_scan({"cgroup-mounts": UNREAD_MOUNTS}, domains=[HUGE_DEFAULT])
    asked = _items(a, "HVA-070")[("vm", "hpdef")][1] or ""
    _attest_yes(a, "HVA-070", "vm", "hpdef", tmp_path, question=first)
    assert outcomes(a, "HVA-070") == {"hpdef": "manual"}, asked
    assert messages(a, "HVA-070")["hpdef"] == f"{LIMITS}; {HUGE_070}; {CGROUP_070}"
    assert first and asked.startswith(
        "Is the default huge page size of host hv1 1 GiB, and does VM hpdef have a memory "
        "reclaim priority on host hv1? Evidence: "
    ), asked
