"""Red-team round 28 probes: VM domain XML (rt28dom)

Harness: the hardened Debian host replay (conftest HARDENED_HOST, 16 GiB of RAM and 8 cores),
collected with the real LibvirtCollector from a test-driver node holding web01, then told what
a real daemon refused: a domain whose virDomainGetXMLDesc failed is recorded as the collector
records it (collect/libvirt.py `_domains`: `writer.record(path, status="failed", ...)`, a
collection error, and no index entry), and a failed domain listing as `_domains` records it
(index.json failed, "cannot list domains").

Findings:
- R28D-1 (false pass) HVA-060, HVA-081: a domain whose XML the daemon refused or that hvaudit
  could not parse was dropped from the deployment, and the host's memory over-commit and
  vCPU-to-core ratios were judged without it: pass "1 running or autostart VM(s) configured
  with 1.0 GiB". With libvirt's polkit access driver (access_drivers = [ "polkit" ], which
  HVA-130 asks for) the scanning account lists a domain with `domain:getattr` but reads its
  XML with VIR_DOMAIN_XML_SECURE only with `domain:read-secure` (libvirt src/access/
  viraccessperm.h VIR_ACCESS_PERM_DOMAIN_READ_SECURE, checked by virDomainGetXMLDescEnsureACL
  when the flag is set; src/rpc/gendispatch.pl generates the check from remote_protocol.x
  `@acl: domain:read_secure:VIR_DOMAIN_XML_SECURE`), so the refusal is an ordinary outcome of
  a scan with --secure-xml. The domain exists and may run with any memory and vCPUs: the
  ratio is now a question (the libvirt twin of R27P-1), naming the domain.
- R28D-2 (false pass) HVA-060, HVA-081: a failed domain listing (virConnectListAllDomains
  refused or failed: the collector records index.json as failed) read as a host with no VMs:
  pass "0 running or autostart VM(s)". Now a question: nothing of the host's VMs was read.
- R28D-4 (false pass) every check of each VM (HVA-031, HVA-044, HVA-070, ...): the refused
  domain of R28D-1 had no result at all, so web01's pass stood for a host with two VMs. Now
  each such check gives it an error naming why its definition was not read (engine._unread_vms).
- R28D-5 (false n/a) the same checks on a host whose domain listing failed (R28D-2): "no vm on
  this host to evaluate". Now an error of the host naming the failed listing.
- R28D-3 (false pass) HVA-090: a VM whose vCPUs are pinned passed "used by no other running or
  autostart VM" beside a domain whose XML was refused (R28D-1), which may run unpinned on every
  host CPU (formatdomain, "CPU Tuning": a vCPU without <vcpupin> or <vcpu cpuset> runs
  anywhere). Now a question naming the unread guests (Proxmox VE's unread guests of R27P-1 too).

Held (probes that held; the leads of round 27 among them):
- memory units: <memtune><hard_limit unit='P'> reaches hvaudit in KiB: libvirt parses every
  unit virScaleInteger accepts (src/util/virutil.c: b, byte(s), k/KiB, KB ... p, e) and formats
  memory elements in KiB (the test driver's re-format shows 1099511627776 KiB), so
  parse.libvirt_xml._kib never sees a P or E unit in collected XML (R24 noted the same).
- <listen type='network' network='default'>: failed as "on the address of network default"
  (never loopback); <listen type='none'>: nothing listens, a pass; SPICE passwdValidTo in the
  past with a password: a password (the expiry locks everyone out).
- <seclabel type='dynamic' relabel='no'>: libvirt refuses it ("dynamic label type must use
  resource relabeling"); a static AppArmor label 'unconfined' and type='none' fail HVA-044.
- graphics on ::1, ::ffff:127.0.0.1, 127.1, localhost pass; 0, a host name, a second listen
  on 0.0.0.0 fail; websocket on the same loopback address passes.
- cputune quota -1 and emulator_quota alone are no CPU limit; iothreadsched/emulatorsched
  fifo/rr fail HVA-091; <seclabel model='dac'> +0:+0 is HVA-042's (R-earlier).
- HVA-056 passthrough TPM fails, external swtpm asked by HVA-065; ivshmem-doorbell fails
  HVA-057; 9p squash fails HVA-058; virtiofs asked; rawio hostdev fails HVA-059; unfiltered
  sgio is refused by libvirt 9.0.

Probed by script: 46 hand-written domain definitions through the hardened host replay, and the
494 domain XML files of libvirt 9.0.0's qemuxml2argvdata (every one collected through the test
driver and assessed, 20 VM checks each: no crash; passes read one by one for HVA-031, 044, 047,
050, 056, 058, 059, 065, 066, 067, 092).

Tally: 5 findings, 4 false passes, 1 false n/a, 7 tests, 5 failed before the fixes.

Leads left: checks that compare VMs (HVA-044 static labels, HVA-050 IOMMU groups, HVA-057/058
files other VMs map or share) do not ask about a refused domain's part; a Proxmox VE unread
guest (R27P-1) still has no per-VM result; a refused domain's persistent twin (.next.xml) refused is skipped silently (the running
definition is judged); SEV without ES (plain SEV, register state in the clear) passes HVA-067.
"""

from __future__ import annotations

import time
from pathlib import Path

from conftest import (
    HARDENED_HOST,
    ReplayRunner,
    domain_xml,
    messages,
    outcomes,
    run_assessment,
    write_node,
)
from hvaudit.bundle import BundleWriter
from hvaudit.collect.host import HostCollector
from hvaudit.collect.libvirt import LibvirtCollector, LibvirtTarget
from hvaudit.engine import Assessment

REFUSED_UUID = "7d3b1c2a-0000-4000-8000-0000000000aa"
REFUSED = "access denied: 'domain' read-secure"


def _scan(
    tmp_path: Path, *, refused: bool = False, unlisted: bool = False, body: str = ""
) -> Assessment:
    """The hardened host with web01, collected by the real collector; `refused` adds a domain
    whose XML the daemon refused, `unlisted` makes the domain listing itself fail, each recorded
    as collect/libvirt.py `_domains` records it."""
    uri = write_node(tmp_path / f"node-{time.monotonic_ns()}.xml", [domain_xml("web01", body)])
    writer = BundleWriter(
        tmp_path / f"b-{time.monotonic_ns()}",
        target="qemu+ssh://root@hv1/system",
        platform="kvm-libvirt",
    )
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=True).collect(writer)
    if refused:
        path = f"libvirt/domains/{REFUSED_UUID}.xml"
        writer.record(path, status="failed", origin="virDomainGetXMLDesc", reason=REFUSED)
        writer.error(f"domain {REFUSED_UUID}: {REFUSED}")
    if unlisted:
        for path in [p for p in writer.files if p.startswith("libvirt/domains/")]:
            writer.files.pop(path)
            writer.entries.pop(path)
            assert writer.root is not None
            (writer.root / path).unlink()
        writer.record(
            "libvirt/domains/index.json",
            status="failed",
            origin="virConnectListAllDomains",
            reason="access denied: 'connect' search_domains",
        )
        writer.error("cannot list domains: access denied: 'connect' search_domains")
    writer.meta["collector"]["libvirt"].update(simulated=False, hostname="hv1")
    HostCollector(ReplayRunner(dict(HARDENED_HOST))).collect(writer)
    bundle = writer.close(complete=True)
    assert bundle is not None
    return run_assessment(bundle)


def test_refused_domain_xml_makes_the_ratios_a_question(tmp_path: Path) -> None:
    """R28D-1. libvirt's polkit access driver checks `domain:read-secure` for
    virDomainGetXMLDesc with VIR_DOMAIN_XML_SECURE (libvirt/libvirt src/access/viraccessperm.h
    VIR_ACCESS_PERM_DOMAIN_READ_SECURE; src/remote/remote_protocol.x REMOTE_PROC_DOMAIN_GET_XML_DESC
    `@acl: domain:read_secure:VIR_DOMAIN_XML_SECURE`), after virConnectListAllDomains listed the
    domain with `domain:getattr`; the collector records that XML as failed. The domain's memory
    and vCPUs are not known, so HVA-060 and HVA-081 cannot pass on web01 alone."""
    a = _scan(tmp_path, refused=True)
    assert outcomes(a, "HVA-060") == {"hv1": "manual"}
    assert messages(a, "HVA-060")["hv1"] == (
        "1 running or autostart VM(s) configured with 1.0 GiB on 16.0 GiB of host RAM: ratio "
        "0.06 (limit 1.5); not counted, their configuration not read: domain "
        f"{REFUSED_UUID} (libvirt/domains/{REFUSED_UUID}.xml: collection failed ({REFUSED}))"
    )
    assert outcomes(a, "HVA-081") == {"hv1": "manual"}
    assert messages(a, "HVA-081")["hv1"].endswith(
        f"not counted, their configuration not read: domain {REFUSED_UUID} (libvirt/domains/"
        f"{REFUSED_UUID}.xml: collection failed ({REFUSED}))"
    )
    q = next(
        r.outcome.question for r in a.results if r.check.id == "HVA-060" and r.outcome.question
    )
    assert q == (
        "Counting the VMs of host hv1 whose definition was not read, is the memory over-commit "
        "ratio of its running and autostart VMs within 1.5? Evidence: `virsh dominfo <uuid>` of "
        "each of them (Max memory, CPU(s)) and `virsh list --all --autostart` on hv1 (which run "
        "or start at boot). Pass: yes, with them the ratio stays within 1.5; fail: it exceeds it."
    )


def test_failed_domain_listing_is_no_pass(tmp_path: Path) -> None:
    """R28D-2. virConnectListAllDomains failed (the collector records libvirt/domains/index.json
    as failed, "cannot list domains"): the host's VMs are unknown, not none."""
    a = _scan(tmp_path, unlisted=True)
    assert outcomes(a, "HVA-060") == {"hv1": "manual"}
    assert messages(a, "HVA-060")["hv1"] == (
        "0 running or autostart VM(s) configured with 0.0 GiB on 16.0 GiB of host RAM: ratio "
        "0.00 (limit 1.5); not counted, their configuration not read: every domain "
        "(libvirt/domains/index.json: collection failed (access denied: 'connect' "
        "search_domains))"
    )
    assert outcomes(a, "HVA-081") == {"hv1": "manual"}


def test_every_domain_read_still_passes(tmp_path: Path) -> None:
    """Twin: every domain read, the ratios pass as before."""
    a = _scan(tmp_path)
    assert outcomes(a, "HVA-060") == {"hv1": "pass"}
    assert outcomes(a, "HVA-081") == {"hv1": "pass"}


#: web01 with a priority, a limit and its one vCPU pinned to host CPU 3
PINNED = (
    "<cputune><shares>2048</shares><quota>50000</quota><vcpupin vcpu='0' cpuset='3'/></cputune>"
)


def test_refused_domain_may_share_the_pinned_cpus(tmp_path: Path) -> None:
    """R28D-3. HVA-090's reservation is a pin no other running or autostart VM may use
    (hvaudit.checks.resources._reservation). A domain whose XML the daemon refused (see R28D-1)
    may run unpinned, on every host CPU (formatdomain, "CPU Tuning": a vCPU without <vcpupin>
    or <vcpu cpuset> runs on any host CPU), so web01's pin is no proven reservation: asked."""
    a = _scan(tmp_path, refused=True, body=PINNED)
    assert outcomes(a, "HVA-090") == {"web01": "manual", REFUSED_UUID: "error"}
    assert messages(a, "HVA-090")["web01"] == (
        "reservation: all 1 vCPU(s) pinned (<vcpupin>) to host CPU(s) 3, used by no other "
        "running or autostart VM; limit: quota 50000 us; priority: cputune shares 2048; not "
        f"read, may use the pinned host CPUs: domain {REFUSED_UUID} (libvirt/domains/"
        f"{REFUSED_UUID}.xml: collection failed ({REFUSED}))"
    )
    q = next(
        r.outcome.question for r in a.results if r.check.id == "HVA-090" and r.outcome.question
    )
    assert q == (
        "Do the guests of host hv1 whose configuration was not read leave host CPU(s) 3 to VM "
        "web01? Evidence: `virsh vcpupin <uuid>`, `virsh emulatorpin <uuid>` and `virsh "
        "iothreadinfo <uuid>` of each of them, and `virsh list --all --autostart` on hv1. Pass: "
        "yes, each is stopped and does not start at boot, or none of its threads may run on 3; "
        "fail: any of them may."
    )


def test_pinned_vm_with_every_domain_read_still_passes(tmp_path: Path) -> None:
    """Twin of R28D-3: every domain read, the pin is a reservation."""
    a = _scan(tmp_path, body=PINNED)
    assert outcomes(a, "HVA-090") == {"web01": "pass"}


def test_refused_domain_is_an_error_of_each_vm_check(tmp_path: Path) -> None:
    """R28D-4. The refused domain of R28D-1 had no result at all in a check of each VM (HVA-031,
    HVA-044, HVA-070...): web01's pass was the whole answer for a host with two VMs. Now each
    such check gives the refused domain an error naming why its definition was not read."""
    a = _scan(tmp_path, refused=True)
    assert outcomes(a, "HVA-044") == {"web01": "pass", REFUSED_UUID: "error"}
    assert messages(a, "HVA-044")[REFUSED_UUID] == (
        f"the VM's definition was not read (libvirt/domains/{REFUSED_UUID}.xml: collection "
        f"failed ({REFUSED})): not judged"
    )
    assert outcomes(a, "HVA-070")[REFUSED_UUID] == "error"


def test_failed_domain_listing_is_no_vm_free_host(tmp_path: Path) -> None:
    """R28D-5 (false n/a). With the domain listing failed (R28D-2) every check of each VM said
    "no vm on this host to evaluate" (not applicable) for a host whose VMs were not listed. Now
    an error of the host naming the failed listing."""
    a = _scan(tmp_path, unlisted=True)
    for check in ("HVA-031", "HVA-044", "HVA-070", "HVA-092"):
        assert outcomes(a, check) == {"hv1": "error"}, check
    assert messages(a, "HVA-031")["hv1"] == (
        "the host's domains were not listed (libvirt/domains/index.json: collection failed "
        "(access denied: 'connect' search_domains)): no VM of it is judged"
    )
