"""Red-team round 30 probes: VM domain XML and the checks that compare VMs (rt30dom)

Harness: as round 29's (tests/test_redteam29_domain_probes.py): the hardened Debian host
replay (conftest HARDENED_HOST, AppArmor), collected with the real LibvirtCollector from a
test-driver node holding web01 and marked as the QEMU driver's (conftest from_qemu_driver), then
told what a real daemon refused: a domain whose virDomainGetXMLDesc was refused (collect/
libvirt.py `_domains`: failed, a collection error, no index entry), and a running domain's
persistent definition whose read failed (`_next_boot`: <uuid>.next.xml failed).

Findings (the audit: every check that is not per_vm and reads ctx.deployment.vms, listed with
`ast` over src/hvaudit/checks: HVA-030, 031, 033, 036, 042, 044, 050, 051, 057, 058, 060, 061,
065, 081, 090, 091, 191, 197, 210, 211, 215, 235, 308, 405; each pass resting on "no VM has X"
read beside a guest not read):
- R30D-1 (false pass) HVA-030, HVA-033, HVA-036, HVA-210: the loopback rule of the host checks
  (a user-mode guest reaches 127.0.0.1 and ::1, libslirp sotranslate_out4/6, R17-6..9; a TCP or
  UDP character device or socket tunnel any loopback port, VL18-3, R26O-1) credited a loopback
  listener because no VM read reaches it. Beside a domain whose XML the daemon refused, HVA-033
  passed redis-server on 127.0.0.1, HVA-030 a socat relay of libvirt's socket onto
  127.0.0.1:16600 (every VM's API), HVA-210 a VNC server on 127.0.0.1:5900 and sshd on
  10.0.0.10 beside NAT network default (a guest there reaches every host address, R21N-1),
  HVA-036 a raw `-incoming tcp:127.0.0.1:4444`. Each is now a question naming the guests not
  read and what they may do (checks._loopback.unread_reach; base.unread_ask joins it with a
  host's other open conditions, R21Q-1); HVA-033 and HVA-210 ask about unapproved AF_VSOCK
  listeners too (a vsock device, VL19-20).
- R30D-2 (false pass) HVA-211: "no host address on a bridge with VM ports" compared the VMs
  read only; the refused domain may attach to eno3, which holds the management address, by
  macvtap (web01 so attached fails), or to a bridge holding one (a stopped guest has no port
  in the bridge listing). Now a question naming the devices holding host addresses.
- R30D-3 (false pass) HVA-191, HVA-197 (peers: interfaces): a filtered interface's MAC and IP
  (R17N-1: one MAC or $IP on two interfaces of a segment lets each send as the other) and an
  isolated port (Linux commit 7d850abd5f4e: isolated ports still talk to ports not isolated)
  were compared with the VMs read only. Now questions beside a guest not read.
- R30D-4 (false pass) HVA-061, HVA-091: "KSM runs, but all 1 running or autostart VM(s) opt
  out" and "real-time ... pinned to host CPU(s) 2-3, used by no other thread of this or
  another running or autostart VM" counted the VMs read. Now questions.
- R30D-5 (false pass by attestation) unread_peers left a VM's open question alone: its "yes"
  passed the VM with the comparison with the guests not read unasked (HVA-091 without
  isolcpus asked only about the host's tasks). unread_peers now joins the two questions
  (base.joint_question, R21Q-1).
- R30D-6 (false pass) HVA-036, HVA-042, HVA-215, HVA-308: host checks that fail a host for what
  a VM's definition holds (a raw `-incoming` on every address, R17-8; a static DAC label
  +0:+0 that runs a stopped VM's QEMU as root at its start; a raw `-chardev file` or an
  <audio type='file'> outside virtlogd, R24M-2; Proxmox VE `args: -incoming`) passed for the
  VMs read. Now questions beside a guest not read (hardening.unread_incoming and the others).
- R30D-7 (false pass) HVA-060, HVA-081, HVA-090: a running domain whose persistent definition
  was not read (R29D-3) was counted as it runs now; it starts next from a definition that may
  hold more memory or vCPUs (`virsh setmaxmem --config`), or run unpinned on the CPUs another
  VM's vCPUs are pinned to, and the engine's next-start world runs only for a persistent
  definition read (engine._judged). Now a question naming it (R28D-3 asked only about a domain
  not read at all).

Held (kept as tests): each finding's twin with every definition read keeps its pass; HVA-030
and HVA-210 with no loopback relay or listener keep their pass beside the refused domain;
HVA-210's gateway rule keeps its pass where the input chain drops by default with no rule.

Probed by script, not kept (the verdict was right): HVA-043 (QEMU's AppArmor profiles are
counted from the running processes, a running refused domain's included), HVA-045, HVA-048
(security_require_confined holds every VM), HVA-053, HVA-062 (host settings read for every
VM); HVA-235 (always a question). HVA-051's pass with relaxed_acs_check = 1 rests on no VM
using legacy KVM assignment: left as it is (see Leads).

Also probed by script: the 494 qemu-domains files of the corpus parsed directly
(parse.libvirt_xml.parse_domain with the QEMU namespace visible, which the test-driver sweep of
R28 could not do): no crash, no input error. `<interface type='null'>` / 'vds' under the QEMU
driver: libvirt's Xen (xen_common.c xenFormatNet) and LXC (lxc_controller.c
virLXCControllerGetNICIndexes) drivers refuse both ("Unsupported net type"); the QEMU driver's
refusal was not found in the source read in time (not confirmed; left as R29D's reading).

Tally: 7 findings (false pass 7, one of them by attestation), 13 tests, 13 failed on main
before the fixes.

Leads left: HVA-030 and HVA-036 do not apply the character-device rule (chardev_guests,
VL18-3) to VMs read: a read VM's `<serial type='tcp' mode='connect'>` to a socat relay of
libvirt's socket on 127.0.0.2, or to an incoming-migration port on migration_address
127.0.0.2, passes (HVA-033 and HVA-210 apply it); the unread question here names the rule.
HVA-308 (Proxmox VE) does not apply the user-mode rule of HVA-036 to a raw `-incoming` on
127.0.0.1 beside a guest whose NIC has no bridge. HVA-051 with relaxed_acs_check = 1 beside a
guest not read (legacy KVM assignment: whether libvirt 9.x still accepts <driver name='kvm'>
decides whether it is a question). HVA-235's "N VM(s) on the host" counts the VMs read only
(wording). `<interface type='null'>`/'vds' under the QEMU driver (qemu_command.c
qemuBuildHostNetProps / qemu_validate.c) still to confirm. The team decision on plain SEV
(HVA-067) stands.
"""

from __future__ import annotations

import time
import uuid as uuidlib
from pathlib import Path

from conftest import (
    HARDENED_HOST,
    NFT_DROP,
    QEMU_NS_URI,
    ReplayRunner,
    _replay_secmodel,
    domain_xml,
    from_qemu_driver,
    messages,
    outcomes,
    run_assessment,
    write_node,
)
from hvaudit.bundle import BundleWriter, dump_json
from hvaudit.collect.host import HostCollector
from hvaudit.collect.libvirt import LibvirtCollector, LibvirtTarget
from hvaudit.engine import Assessment
from test_checks_vm import NWFILTERS
from test_loop17_probes import REDIS_127, RELAY_127, _vnc_127
from test_redteam21_net_probes import NAT, _with_ssh_rule

REFUSED_UUID = "7d3b1c2a-0000-4000-8000-0000000000aa"
REFUSED = "access denied: 'domain' read-secure"
UNREAD = (
    f"domain {REFUSED_UUID} (libvirt/domains/{REFUSED_UUID}.xml: collection failed ({REFUSED}))"
)
WEB01 = str(uuidlib.uuid5(uuidlib.NAMESPACE_DNS, "web01"))


def _scan(
    tmp_path: Path,
    body: str = "",
    *,
    refused: bool = False,
    host: dict[str, object] | None = None,
    others: tuple[str, ...] = (),
    networks: tuple[str, ...] = (),
    next_failed: tuple[str, ...] = (),
    web01: str | None = None,
    edit: tuple[str, str] | None = None,
    filters: bool = False,
) -> Assessment:
    """The hardened host with web01 (`body`, or the whole definition `web01`) and `others` (a
    name, or a whole definition), collected by the real collector as a QEMU-driver daemon's;
    `refused` adds a domain whose XML the daemon refused, `next_failed` names the domains whose
    persistent definition's read failed, each recorded as collect/libvirt.py records it; `edit`
    (old, new) rewrites web01's collected XML as a QEMU-driver daemon reports it (the test driver
    of libvirt 9.0 drops <qemu:commandline>); `filters` gives the daemon libvirt's stock network
    filters (tests/test_checks_vm NWFILTERS; the test driver has no nwfilter driver)."""
    uri = write_node(
        tmp_path / f"node-{time.monotonic_ns()}.xml",
        [web01 or domain_xml("web01", body), *(o if "<" in o else domain_xml(o) for o in others)],
        networks,
    )
    writer = BundleWriter(
        tmp_path / f"b-{time.monotonic_ns()}",
        target="qemu+ssh://root@hv1/system",
        platform="kvm-libvirt",
    )
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=True).collect(writer)
    if edit is not None:
        path = f"libvirt/domains/{WEB01}.xml"
        text = writer.files.pop(path).decode()
        writer.entries.pop(path)
        assert writer.root is not None and edit[0] in text
        (writer.root / path).unlink()
        writer.add(path, text.replace(*edit).encode(), origin="virDomainGetXMLDesc")
    if filters:
        del writer.entries["libvirt/nwfilters/index.json"]
        index = []
        for i, (fname, xml) in enumerate(NWFILTERS.items()):
            path = f"libvirt/nwfilters/{i:05d}-{fname}.xml"
            writer.add(path, xml.encode(), origin="virConnectListAllNWFilters XMLDesc")
            index.append({"name": fname, "file": path})
        writer.add("libvirt/nwfilters/index.json", dump_json({"nwfilters": index}), origin="test")
    if refused:
        path = f"libvirt/domains/{REFUSED_UUID}.xml"
        writer.record(path, status="failed", origin="virDomainGetXMLDesc", reason=REFUSED)
        writer.error(f"domain {REFUSED_UUID}: {REFUSED}")
    for name in next_failed:
        uid = str(uuidlib.uuid5(uuidlib.NAMESPACE_DNS, name))
        path = f"libvirt/domains/{uid}.next.xml"
        writer.record(path, status="failed", origin="virDomainGetXMLDesc", reason="timed out")
        writer.error(f"domain {uid}: persistent definition: timed out")
    writer.meta["collector"]["libvirt"].update(simulated=False, hostname="hv1")
    from_qemu_driver(writer, uri)
    _replay_secmodel(writer, "apparmor")
    HostCollector(ReplayRunner(dict(host or HARDENED_HOST))).collect(writer)
    bundle = writer.close(complete=True)
    assert bundle is not None
    return run_assessment(bundle)


def _question(a: Assessment, check: str, subject: str) -> str | None:
    return next(
        r.outcome.question
        for r in a.results
        if r.check.id == check and r.outcome.subject.name == subject
    )


# --- R30D-1: the loopback rule of the host checks beside a guest not read ---------------------

REACH = (
    "(user-mode networking, QEMU's slirp or passt, connects its guest to the host's 127.0.0.1 "
    "and ::1; a TCP or UDP character device or socket tunnel to any loopback port)"
)
NOT_COMPARED = "not compared with the guests whose definition was not read, any of which may"


def test_unapproved_loopback_listener_beside_a_refused_domain(tmp_path: Path) -> None:
    """R30D-1, HVA-033. redis-server on 127.0.0.1:6379 passed as local because no VM read has
    user-mode networking (R17-6) or a character device dialling it (VL18-3); the refused
    domain may have either."""
    host = dict(HARDENED_HOST, listeners=REDIS_127)
    a = _scan(tmp_path, refused=True, host=host)
    assert outcomes(a, "HVA-033") == {"hv1": "manual"}
    assert messages(a, "HVA-033")["hv1"] == (
        f"1 non-loopback listener(s), all approved; {NOT_COMPARED} reach redis-server "
        f"(tcp/6379) on 127.0.0.1 {REACH}: {UNREAD}"
    )
    assert _question(a, "HVA-033", "hv1") == (
        "Does none of the guests of host hv1 whose definition the scan did not read reach "
        f"redis-server (tcp/6379) on 127.0.0.1 {REACH}? Evidence: `virsh dumpxml "
        "--security-info <uuid>` of each of them on host hv1, run by an account the daemon "
        "lets read it (polkit `domain:read-secure` where the polkit access driver is on). "
        "Pass: yes, none does; fail: one does."
    )
    assert outcomes(_scan(tmp_path, host=host), "HVA-033") == {"hv1": "pass"}


def test_api_relay_on_loopback_beside_a_refused_domain(tmp_path: Path) -> None:
    """R30D-1, HVA-030. socat relays libvirt's read-write socket onto 127.0.0.1:16600: the
    refused domain's guest may reach it (R17-7), and with it every VM's API."""
    host = dict(HARDENED_HOST, **RELAY_127)
    a = _scan(tmp_path, refused=True, host=host)
    assert outcomes(a, "HVA-030") == {"hv1": "manual"}
    assert messages(a, "HVA-030")["hv1"] == (
        f"libvirt listens on local UNIX sockets only; {NOT_COMPARED} reach socat (pid 991) "
        f"relaying /run/libvirt/libvirt-sock on TCP 127.0.0.1:16600 {REACH}: {UNREAD}"
    )
    assert outcomes(_scan(tmp_path, host=host), "HVA-030") == {"hv1": "pass"}
    # no relay: nothing a guest reaches, the pass stands beside the refused domain
    assert outcomes(_scan(tmp_path, refused=True), "HVA-030") == {"hv1": "pass"}


def test_management_listener_on_loopback_beside_a_refused_domain(tmp_path: Path) -> None:
    """R30D-1, HVA-210. A VNC server on 127.0.0.1:5900 (R17-9) beside the refused domain."""
    host = dict(HARDENED_HOST, listeners=_vnc_127(1300))
    a = _scan(tmp_path, refused=True, host=host)
    assert outcomes(a, "HVA-210") == {"hv1": "manual"}
    assert messages(a, "HVA-210")["hv1"] == (
        f"1 management listener(s), none on a wildcard address; {NOT_COMPARED} reach "
        f"qemu-system-x86 (tcp/5900) on 127.0.0.1 {REACH}: {UNREAD}"
    )
    assert outcomes(_scan(tmp_path, host=host), "HVA-210") == {"hv1": "pass"}
    assert outcomes(_scan(tmp_path, refused=True), "HVA-210") == {"hv1": "pass"}


#: web01 waiting for a migration stream on 127.0.0.1 at each start, as a QEMU-driver daemon
#: reports its <qemu:commandline>
INCOMING = (
    "</domain>",
    f"<qemu:commandline xmlns:qemu='{QEMU_NS_URI}'><qemu:arg value='-incoming'/>"
    "<qemu:arg value='tcp:127.0.0.1:4444'/></qemu:commandline></domain>",
)


def test_raw_incoming_on_loopback_beside_a_refused_domain(tmp_path: Path) -> None:
    """R30D-1, HVA-036. web01's raw `-incoming tcp:127.0.0.1:4444` waits for a migration stream
    at each start (R17-8): the refused domain's user-mode guest may send it first."""
    a = _scan(tmp_path, refused=True, edit=INCOMING)
    assert outcomes(a, "HVA-036") == {"hv1": "manual"}
    assert messages(a, "HVA-036")["hv1"] == (
        f"migration_address = 10.0.1.10, migrate_tls_x509_verify = 1; {NOT_COMPARED} "
        f"{RAW_INCOMING}, or have user-mode networking (QEMU's slirp or passt), whose guest "
        "reaches the host's 127.0.0.1 and ::1 and can send the state an incoming VM runs to "
        f"VM web01's QEMU argument -incoming tcp:127.0.0.1:4444 on 127.0.0.1: {UNREAD}"
    )
    assert outcomes(_scan(tmp_path, edit=INCOMING), "HVA-036") == {"hv1": "pass"}


RAW_INCOMING = (
    "have raw QEMU arguments (<qemu:commandline>) that make its QEMU wait for a migration "
    "stream (-incoming) on every address or another network"
)


def test_host_judged_by_its_vms_beside_a_refused_domain(tmp_path: Path) -> None:
    """R30D-6, HVA-036, HVA-042, HVA-215. Host checks that fail a host for what one of its VMs'
    definitions holds passed it for the VMs read: a raw `-incoming tcp:0.0.0.0:4444` (HVA-036,
    R17-8's rule), a static DAC label +0:+0 that runs a stopped VM's QEMU as root at its start
    (HVA-042; a running one's QEMU is in the process list), a raw `-chardev file` or an
    <audio type='file'> outside virtlogd (HVA-215, R24M-2). The refused domain may hold any."""
    a = _scan(tmp_path, refused=True)
    assert {c: outcomes(a, c) for c in ("HVA-036", "HVA-042", "HVA-215")} == {
        "HVA-036": {"hv1": "manual"},
        "HVA-042": {"hv1": "manual"},
        "HVA-215": {"hv1": "manual"},
    }
    assert messages(a, "HVA-036")["hv1"] == (
        f"migration_address = 10.0.1.10, migrate_tls_x509_verify = 1; {NOT_COMPARED} "
        f"{RAW_INCOMING}: {UNREAD}"
    )
    assert messages(a, "HVA-042")["hv1"] == (
        f"1 running QEMU process(es), as libvirt+; {NOT_COMPARED} start with a static DAC "
        "label of uid 0, gid 0 or group disk (<seclabel model='dac'>), whose QEMU then runs so "
        f"whatever qemu.conf says: {UNREAD}"
    )
    assert messages(a, "HVA-215")["hv1"] == (
        'stdio_handler = "logd" (default); virtlogd max_size 2097152 (default); '
        f"{NOT_COMPARED} have raw QEMU arguments or an <audio type='file'> backend that write "
        f"what its guest sends straight to a host file, outside virtlogd: {UNREAD}"
    )
    read = _scan(tmp_path)
    assert {c: outcomes(read, c) for c in ("HVA-036", "HVA-042", "HVA-215")} == {
        "HVA-036": {"hv1": "pass"},
        "HVA-042": {"hv1": "pass"},
        "HVA-215": {"hv1": "pass"},
    }


def test_gateway_network_beside_a_refused_domain(tmp_path: Path) -> None:
    """R30D-1, HVA-210. NAT network default holds the host address 192.168.122.1 and no VM read
    is on it; the input chain accepts tcp/22. A guest on it reaches sshd on 10.0.0.10 through
    its gateway (R21N-1): the refused domain may be that guest. A drop-by-default chain with no
    rule (the hardened host's) keeps the pass beside it (nothing arrives)."""
    host = dict(HARDENED_HOST, **{"nft-ruleset": (_with_ssh_rule(NFT_DROP), 0)})
    a = _scan(tmp_path, refused=True, host=host, networks=(NAT,))
    assert outcomes(a, "HVA-210") == {"hv1": "manual"}
    assert messages(a, "HVA-210")["hv1"] == (
        f"1 management listener(s), none on a wildcard address; {NOT_COMPARED} be on libvirt "
        "network default (virbr0, 192.168.122.1), through which its guest reaches every host "
        "address (Linux takes a packet for any of its addresses on whatever interface it "
        f"arrives), sshd (tcp/22) on 10.0.0.10 among them: {UNREAD}"
    )
    assert outcomes(_scan(tmp_path, host=host, networks=(NAT,)), "HVA-210") == {"hv1": "pass"}
    held = _scan(tmp_path, refused=True, networks=(NAT,))
    assert outcomes(held, "HVA-210") == {"hv1": "pass"}


# --- R30D-2: HVA-211 beside a guest not read ------------------------------------------------


def test_management_nic_beside_a_refused_domain(tmp_path: Path) -> None:
    """R30D-2, HVA-211. The host's management address is on eno3; a VM attached to eno3 by
    macvtap shares its segment (web01 so attached fails). "no host address on a bridge with VM
    ports" compared the VMs read only: the refused domain may be so attached (a stopped one
    has no port for the bridge listing to show)."""
    a = _scan(tmp_path, refused=True)
    assert outcomes(a, "HVA-211") == {"hv1": "manual"}
    assert messages(a, "HVA-211")["hv1"] == (
        f"no host address on a bridge with VM ports; {NOT_COMPARED} attach to a bridge or NIC "
        "holding a host address (eno3 (10.0.0.10)): an <interface type='bridge'> or 'direct' "
        f"(macvtap), a network forwarding to it, or an SR-IOV VF of it: {UNREAD}"
    )
    assert outcomes(_scan(tmp_path), "HVA-211") == {"hv1": "pass"}
    macvtap = (
        "<devices><interface type='direct'><mac address='52:54:00:30:00:01'/>"
        "<source dev='eno3' mode='vepa'/><model type='virtio'/></interface></devices>"
    )
    assert messages(_scan(tmp_path, macvtap), "HVA-211") == {
        "hv1": "host address on NIC(s) VMs attach to by macvtap: eno3 (10.0.0.10; VMs: web01)"
    }


# --- R30D-3: HVA-191 and HVA-197 (peers: interfaces) beside a guest not read -----------------

FILTERED = (
    "<devices><interface type='network'><mac address='52:54:00:30:00:02'/><source "
    "network='default'/><model type='virtio'/><filterref filter='clean-traffic'><parameter "
    "name='IP' value='192.168.122.10'/></filterref></interface></devices>"
)


def test_filtered_interface_beside_a_refused_domain(tmp_path: Path) -> None:
    """R30D-3, HVA-191. clean-traffic checks each frame against the interface's own $MAC and
    $IP, so two interfaces holding one on a segment each send as the other (R17N-1): the pass
    compared web01's MAC and IP with the VMs read only."""
    a = _scan(tmp_path, FILTERED, refused=True, networks=(NAT,), filters=True)
    assert outcomes(a, "HVA-191") == {"web01": "manual", REFUSED_UUID: "error"}
    assert messages(a, "HVA-191")["web01"] == (
        f"1 interface(s) filtered by clean-traffic; {NOT_COMPARED} have an interface holding "
        "52:54:00:30:00:02 or 192.168.122.10 on virbr0 (the MAC or IP address of an interface "
        "of this VM on that segment, which its filter admits as each one's own source, so each "
        f"can send as the other): {UNREAD}"
    )
    read = _scan(tmp_path, FILTERED, networks=(NAT,), filters=True)
    assert outcomes(read, "HVA-191") == {"web01": "pass"}


ISOLATED = (
    "<devices><interface type='bridge'><mac address='52:54:00:30:00:03'/><source bridge='br0'/>"
    "<model type='virtio'/><port isolated='yes'/></interface></devices>"
)


def test_isolated_port_beside_a_refused_domain(tmp_path: Path) -> None:
    """R30D-3, HVA-197. An isolated port still exchanges frames with a port of the same bridge
    that is not isolated (Linux commit 7d850abd5f4e): the refused domain may have one on br0
    (a stopped one has no port the bridge listing shows)."""
    a = _scan(tmp_path, ISOLATED, refused=True)
    assert outcomes(a, "HVA-197") == {"web01": "manual", REFUSED_UUID: "error"}
    assert messages(a, "HVA-197")["web01"] == (
        f"1 bridge port(s) isolated (<port isolated='yes'/>); {NOT_COMPARED} have a port on "
        "bridge(s) br0 without isolation (a stopped guest's port is in no listing of the bridge "
        f"until it starts), with which this VM's isolated port(s) exchange frames: {UNREAD}"
    )
    assert outcomes(_scan(tmp_path, ISOLATED), "HVA-197") == {"web01": "pass"}


# --- R30D-4: HVA-061 and HVA-091, "all VMs" and "no other VM" counted the VMs read ------------

KSM_ON = {"/sys/kernel/mm/ksm/run": "1\n"}
NOSHARE = "<memoryBacking><nosharepages/></memoryBacking>"


def test_ksm_beside_a_refused_domain(tmp_path: Path) -> None:
    """R30D-4, HVA-061. KSM runs and web01 opts out (<nosharepages/>): "all 1 running or
    autostart VM(s) opt out" counted the VMs read; the refused domain may run without the
    opt-out (a VM without it fails: R8-4's rule)."""
    host = dict(HARDENED_HOST, **KSM_ON)
    a = _scan(tmp_path, NOSHARE, refused=True, host=host)
    assert outcomes(a, "HVA-061") == {"hv1": "manual"}
    assert messages(a, "HVA-061")["hv1"] == (
        "KSM runs, but all 1 running or autostart VM(s) opt out (<nosharepages/>); "
        f"{NOT_COMPARED} run or start with the host without opting out of page merging (no "
        f"<nosharepages/>, no huge pages), so that KSM merges its memory: {UNREAD}"
    )
    assert outcomes(_scan(tmp_path, NOSHARE, host=host), "HVA-061") == {"hv1": "pass"}
    assert outcomes(_scan(tmp_path, refused=True, host=host), "HVA-061") == {"hv1": "fail"}


RT = (
    "<cputune><vcpupin vcpu='0' cpuset='2'/><vcpupin vcpu='1' cpuset='3'/><emulatorpin "
    "cpuset='0-1'/><vcpusched vcpus='0-1' scheduler='fifo' priority='1'/></cputune>"
)
RT_PINNED = (
    "real-time scheduling: vcpus 0 fifo (<vcpusched>), vcpus 1 fifo (<vcpusched>); pinned to "
    "host CPU(s) 2-3, used by no other thread of this or another running or autostart VM"
)
RT_MAY = (
    "run a thread on host CPU(s) 2-3 (a vCPU, emulator or I/O thread pinned there, or one not "
    "pinned where isolcpus does not cover them), which this VM's real-time threads pre-empt"
)


def test_reserved_realtime_cpus_beside_a_refused_domain(tmp_path: Path) -> None:
    """R30D-4, HVA-091. Real-time vCPUs pinned to host CPUs 2-3 pass where isolcpus covers
    them and no other VM may use them (VL17-2); the refused domain may be pinned there. Without
    isolcpus the question about the host's tasks is joined with the one about the refused
    domain (R30D-5): a "yes" to the first alone passed it."""
    rt = domain_xml("web01", RT, vcpus=2)
    iso = dict(
        HARDENED_HOST,
        **{
            "/proc/cmdline": "BOOT_IMAGE=/vmlinuz-6.1.0-28-amd64 root=/dev/mapper/vg-root ro "
            "quiet isolcpus=2-3\n"
        },
    )
    a = _scan(tmp_path, refused=True, host=iso, web01=rt)
    assert outcomes(a, "HVA-091") == {"web01": "manual", REFUSED_UUID: "error"}
    assert messages(a, "HVA-091")["web01"] == (
        f"{RT_PINNED}, isolated from the host's scheduler (isolcpus); {NOT_COMPARED} "
        f"{RT_MAY}: {UNREAD}"
    )
    assert outcomes(_scan(tmp_path, host=iso, web01=rt), "HVA-091") == {"web01": "pass"}
    b = _scan(tmp_path, refused=True, web01=rt)
    assert messages(b, "HVA-091")["web01"] == (
        f"{RT_PINNED}; isolcpus on its kernel command line covers none of them; {NOT_COMPARED} "
        f"{RT_MAY}: {UNREAD}"
    )
    assert _question(b, "HVA-091", "web01") == (
        "Does host hv1 keep its own tasks and kernel threads off host CPU(s) 2-3, and does none "
        "of the guests of host hv1 whose definition the scan did not read "
        f"{RT_MAY}? Evidence: isolcpus= (and nohz_full=) in /proc/cmdline on hv1, or the "
        "CPUAffinity= of systemd's system.conf and the tuned profile (cpu-partitioning, "
        "realtime-virtual-host); `virsh dumpxml --security-info <uuid>` of each of them on host "
        "hv1, run by an account the daemon lets read it (polkit `domain:read-secure` where the "
        "polkit access driver is on). Pass: yes, those CPUs are reserved for the VM's real-time "
        "threads, and none does; fail: host tasks share them, and the real-time threads can "
        "starve them, or one does."
    )


# --- R30D-7: HVA-060 and HVA-081 with a persistent definition not read ------------------------


def test_ratios_with_an_unread_persistent_definition(tmp_path: Path) -> None:
    """R30D-7, HVA-060, HVA-081. db01 runs and its persistent definition was not read (R29D-3):
    the ratios counted its running memory and vCPUs, while it starts next from a definition
    that may hold more (`virsh setmaxmem --config`, `setvcpus --config --maximum`). The engine's
    next-start world (engine._judged) runs only for a persistent definition read."""
    a = _scan(tmp_path, others=("db01",), next_failed=("db01",))
    db01 = str(uuidlib.uuid5(uuidlib.NAMESPACE_DNS, "db01"))
    nexts = (
        "counted as they run now, their persistent definition (what they start from next) not "
        f"read: domain {db01} (libvirt/domains/{db01}.next.xml: collection failed (timed out))"
    )
    assert outcomes(a, "HVA-060") == {"hv1": "manual"}
    assert messages(a, "HVA-060")["hv1"] == (
        "2 running or autostart VM(s) configured with 2.0 GiB on 16.0 GiB of host RAM: ratio "
        f"0.12 (limit 1.5); {nexts}"
    )
    assert outcomes(a, "HVA-081") == {"hv1": "manual"}
    assert messages(a, "HVA-081")["hv1"] == (
        f"2 vCPU(s) across 2 running or autostart VM(s) on 8 core(s): ratio 0.25 (limit 1); {nexts}"
    )
    assert _question(a, "HVA-081", "hv1") == (
        "Counting the persistent definitions of the running VMs of host hv1 whose persistent "
        "definition was not read (what each starts from next), is the vCPU-to-core ratio of its "
        "running and autostart VMs within 1? Evidence: `virsh dumpxml --inactive <uuid>` of "
        "each of them on hv1 (<memory>, <vcpu>). Pass: yes, with them the ratio stays within 1; "
        "fail: it exceeds it."
    )
    read = _scan(tmp_path, others=("db01",))
    assert outcomes(read, "HVA-060") == {"hv1": "pass"}
    assert outcomes(read, "HVA-081") == {"hv1": "pass"}


def test_pinned_vcpus_beside_a_peer_with_an_unread_persistent_definition(tmp_path: Path) -> None:
    """R30D-7, HVA-090. web01's vCPU is pinned to host CPU 2, which db01 (pinned to 4-5) does not
    use as it runs; db01's persistent definition was not read, and it may start next unpinned
    (every host CPU: formatdomain, "CPU Tuning") or pinned to 2. R28D-3 asked about a domain
    not read at all; a peer's unread persistent definition passed."""
    pin = (
        "<cputune><vcpupin vcpu='0' cpuset='2'/><emulatorpin cpuset='3'/><shares>1024</shares>"
        "<period>100000</period><quota>50000</quota></cputune>"
    )
    db = domain_xml(
        "db01", "<cputune><vcpupin vcpu='0' cpuset='4'/><emulatorpin cpuset='5'/></cputune>"
    )
    db01 = str(uuidlib.uuid5(uuidlib.NAMESPACE_DNS, "db01"))
    a = _scan(tmp_path, pin, others=(db,), next_failed=("db01",))
    assert outcomes(a, "HVA-090")["web01"] == "manual"
    assert messages(a, "HVA-090")["web01"] == (
        "reservation: all 1 vCPU(s) pinned (<vcpupin>) to host CPU(s) 2, used by no other "
        "running or autostart VM; limit: quota 50000 us; priority: cputune shares 1024; "
        f"{NOT_COMPARED} run a thread on host CPU(s) 2 (unpinned, or pinned there), which VM "
        f"web01's vCPUs are pinned to: the persistent definition of domain {db01} "
        f"(libvirt/domains/{db01}.next.xml: collection failed (timed out))"
    )
    assert outcomes(_scan(tmp_path, pin, others=(db,)), "HVA-090")["web01"] == "pass"


def test_gold_image_count_names_the_guests_not_read(tmp_path: Path) -> None:
    """The HVA-235 lead above (wording): "1 VM(s) on the host" beside a domain whose XML was
    refused counted web01 alone as the host's VMs for the gold-image question. Now the guests
    not read are named beside the count; with every domain read the message is as before."""
    assert messages(_scan(tmp_path, refused=True), "HVA-235")["hv1"] == (
        f"1 VM(s) on the host; not counted, their definition not read: {UNREAD}"
    )
    assert messages(_scan(tmp_path), "HVA-235")["hv1"] == "1 VM(s) on the host"
