"""Third red-team re-review of issue 8, VM side (rt3vm): new probes over every check whose subject
is a VM, a virtual network or a network filter, on the code the first two red teams left.

Same harness as tests/test_redteam_probes.py and tests/test_redteam2_probes.py: libvirt's test
driver serves the domains and networks (libvirt parses and re-formats every domain before hvaudit
reads it), host evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed only
where a probe says so), and network filters are the definitions a daemon would report. Each probe
asserts the verdict its cited source proves right, per subject, with a message fragment. Where
hvaudit is wrong the probe is `xfail(strict=True, reason="R<n>: ...")` (the finding's number in
/work/COORD.md); the fix turns it XPASS and the fixer drops the mark. None repeats a probe of the
earlier red teams.

Kinds: filter trees that stop less than their names say (stock names redefined, no IPv6 filter),
libvirt spellings that hand the guest what a check looks for elsewhere (match='minimum', nvdimm
files, numeric and aliased uid 0), isolation that only holds between isolated ports, and path
prefixes that admit more than the distribution's binaries.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import (
    HARDENED_HOST,
    domain_xml,
    from_qemu_driver,
    messages,
    outcomes,
    run_assessment,
    write_node,
)
from hvaudit.engine import Assessment
from test_nwfilter_stock import STOCK


def dev(name: str, devices: str, body: str = "") -> str:
    """A domain whose <devices> hold `devices` (and `body` outside them)."""
    return domain_xml(name, body=f"{body}<devices>{devices}</devices>")


def xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


def nic(
    filt: str = "", *, mac: str = "", source: str = "<source network='lan'/>", ip: str = ""
) -> str:
    """An interface on `source` with filter `filt`, given IP parameter `ip` when one is named
    (without it libvirt learns $IP: HVA-191 asks about the learned address, R49)."""
    param = f"<parameter name='IP' value='{ip}'/>" if ip else ""
    ref = f"<filterref filter='{filt}'>{param}</filterref>" if filt else ""
    addr = f"<mac address='{mac}'/>" if mac else ""
    return f"<interface type='network'>{addr}{source}<model type='virtio'/>{ref}</interface>"


LAN = "<network><name>lan</name><forward mode='bridge'/><bridge name='br0'/></network>"

#: The hardened host with KVM nesting on (Intel), as in the earlier red teams' probes.
NESTING_HOST: dict[str, Any] = dict(
    HARDENED_HOST, **{"/sys/module/kvm_intel/parameters/nested": "Y\n"}
)


def verdict(a: Assessment, check_id: str, subject: str) -> tuple[str, str]:
    got = outcomes(a, check_id)
    assert subject in got, (check_id, subject, sorted(got))
    return got[subject], messages(a, check_id)[subject]


def filtered_node(
    tmp_path: Path, domains: list[str], filters: dict[str, str], networks: list[str] | None = None
) -> Assessment:
    """The domains on the replayed hardened (nesting) host whose daemon reports `filters`."""
    from test_checks_vm import _with_filters

    uri = write_node(tmp_path / "n.xml", domains, networks or [LAN])
    return run_assessment(_with_filters(tmp_path, uri, NESTING_HOST, "b", filters))


# --- HVA-191: what the filter tree really stops -----------------------------------------------------


def test_filter_tree_without_an_ipv6_rule_lets_ipv6_spoofing_through(tmp_path: Path) -> None:
    """libvirt's stock no-ip-spoofing runs in chain ipv4-ip (src/nwfilter/xml/no-ip-spoofing.xml,
    read with `search`): it checks IPv4 only. Stock clean-traffic stops everything else with
    no-other-l2-traffic ("preventing any other traffic than IPv4 and ARP": a root-chain drop at
    priority 1000, /usr/share/libvirt/nwfilter/no-other-l2-traffic.xml on this machine); libvirt
    ships no-ipv6-spoofing (chain ipv6-ip, "drop everything else" not from $IPV6) for sites that
    allow IPv6. A site tree of no-mac-, no-ip- and no-arp-spoofing alone leaves IPv6 to the root
    chain, whose frames nothing drops (formatnwfilter, "Filtering chains": frames "return from
    those chains back into the root chain"; an unmatched frame leaves it accepted): the guest
    sends IPv6 from any source address and forges neighbour advertisements (NDP, IPv6's ARP).
    IP spoofing is not stopped: fail, naming IPv6. The stock clean-traffic VM on the same host
    passes."""
    filters = dict(STOCK)
    filters["site-guard"] = (
        "<filter name='site-guard' chain='root'><filterref filter='no-mac-spoofing'/>"
        "<filterref filter='no-ip-spoofing'/><filterref filter='no-arp-spoofing'/>"
        "<filterref filter='allow-incoming-ipv4'/></filter>"
    )
    a = filtered_node(
        tmp_path,
        [dev("v6open", nic("site-guard")), dev("v4clean", nic("clean-traffic", ip="10.0.0.51"))],
        filters,
    )
    assert verdict(a, "HVA-191", "v4clean")[0] == "pass"
    status, msg = verdict(a, "HVA-191", "v6open")
    assert status == "fail", msg
    assert "IPv6" in msg


def test_stock_filter_name_redefined_empty_stops_nothing(tmp_path: Path) -> None:
    """The filter definitions are part of the evidence (the daemon reports them, `virsh
    nwfilter-dumpxml`), and any of them can be redefined with `virsh nwfilter-define` (stock
    filters are ordinary definitions in /etc/libvirt/nwfilter). libvirt's no-mac-spoofing drops
    "everything else" than frames from $MAC (src/nwfilter/xml/no-mac-spoofing.xml, read with
    `search`); a no-mac-spoofing with no rule at all returns every frame to the root chain
    (formatnwfilter, "Filtering chains"). clean-traffic then stops IP and ARP spoofing but not MAC
    spoofing: fail, naming MAC."""
    filters = dict(STOCK)
    filters["no-mac-spoofing"] = "<filter name='no-mac-spoofing' chain='mac' priority='-800'/>"
    a = filtered_node(tmp_path, [dev("hollow", nic("clean-traffic"))], filters)
    status, msg = verdict(a, "HVA-191", "hollow")
    assert status == "fail", msg
    assert "MAC" in msg


# --- HVA-049: a custom CPU that asks for the host's features -----------------------------------------


def test_match_minimum_is_host_model_and_nests(tmp_path: Path) -> None:
    """formatdomain, "CPU model and topology": match='minimum' - "The specified CPU model and
    features describes the minimum requested CPU. A better CPU will be provided to the guest if it
    is possible" (RHEL's guide: "If the host physical machine has additional features beyond the
    guest virtual machine configuration, these will also be exposed to the guest"). libvirt
    src/cpu/cpu_x86.c virCPUx86Update (read with `search`): `if (guest->mode ==
    VIR_CPU_MODE_HOST_MODEL || guest->match == VIR_CPU_MATCH_MINIMUM) x86UpdateHostModel(guest,
    host)`, and src/cpu/cpu.c virCPUUpdate treats custom+minimum as `relative` like host-model.
    So the guest gets the host model's features, vmx included when kvm_intel nests (what HVA-049
    already fails for host-model). Fail on the Intel host with nested=Y; the same model with
    match='exact' passes."""
    uri = write_node(
        tmp_path / "n.xml",
        [
            domain_xml(
                "cpu_min",
                body="<cpu mode='custom' match='minimum'><model>Skylake-Client</model></cpu>",
            ),
            domain_xml(
                "cpu_exact",
                body="<cpu mode='custom' match='exact'><model>Skylake-Client</model></cpu>",
            ),
        ],
        [LAN],
    )
    from test_checks_vm import _with_filters

    a = run_assessment(_with_filters(tmp_path, uri, NESTING_HOST, "b"))
    assert verdict(a, "HVA-049", "cpu_exact")[0] == "pass"
    status, msg = verdict(a, "HVA-049", "cpu_min")
    assert status == "fail", msg
    assert "minimum" in msg


# --- HVA-197: isolation holds only between isolated ports -------------------------------------------


def test_isolated_port_beside_an_open_port_still_talks_to_it(tmp_path: Path) -> None:
    """Linux commit 7d850abd5f4e "net: bridge: add support for port isolation" (read with
    `search`): "isolated ports cannot communicate between each other, but they can still
    communicate with non-isolated ports"; bridge(8) `isolated on`: the port "will be able to
    communicate with non-isolated ports only". libvirt's <port isolated='yes'/> sets that flag on
    the VM's tap (formatdomain, "Isolating guests's network traffic from each other"). So iso_a,
    isolated, still exchanges frames with open_b on br9: its east-west traffic is not stopped and
    whether it is needed is the same question as for open_b (manual, naming open_b), not a pass.
    Two isolated VMs alone on a bridge (iso_c, iso_d on br10) pass."""
    br = "<interface type='bridge'><source bridge='{b}'/><model type='virtio'/>{p}</interface>"
    iso = "<port isolated='yes'/>"
    uri = write_node(
        tmp_path / "n.xml",
        [
            dev("iso_a", br.format(b="br9", p=iso)),
            dev("open_b", br.format(b="br9", p="")),
            dev("iso_c", br.format(b="br10", p=iso)),
            dev("iso_d", br.format(b="br10", p=iso)),
        ],
        [LAN],
    )
    from test_checks_vm import _with_filters

    a = run_assessment(_with_filters(tmp_path, uri, NESTING_HOST, "b"))
    assert verdict(a, "HVA-197", "iso_c")[0] == "pass"
    assert verdict(a, "HVA-197", "open_b")[0] == "manual"
    status, msg = verdict(a, "HVA-197", "iso_a")
    assert status == "manual", msg
    assert "open_b" in msg


# --- HVA-064: what a path prefix admits -----------------------------------------------------------


@pytest.mark.parametrize(
    "emulator",
    [
        # a site wrapper script beside the packaged binary: no package ships it
        "/usr/bin/qemu-system-x86_64-wrapper",
        # a directory under /usr/bin whose name starts with "qemu"
        "/usr/bin/qemu-build/qemu-system-x86_64",
    ],
)
def test_emulator_prefix_is_not_a_distribution_binary(tmp_path: Path, emulator: str) -> None:
    """HVA-064's own rule: a device model outside the distribution's packages is not patched by
    the host's updates. Debian's qemu-system-x86 installs /usr/bin/qemu-system-x86_64 and
    /usr/bin/qemu-system-i386; Fedora/RHEL /usr/bin/qemu-system-* or /usr/libexec/qemu-kvm
    (libvirt drvqemu: the driver probes /usr/bin for qemu, qemu-system-x86_64, ... and qemu-kvm).
    No package ships /usr/bin/qemu-system-x86_64-wrapper or a /usr/bin/qemu-build/ directory: a
    wrapper there can add any argument to QEMU (the raw arguments HVA-046 fails) and is not
    updated with the host. Fail, as /usr/local/bin does."""
    uri = write_node(
        tmp_path / "n.xml",
        [
            dev("emu_odd", f"<emulator>{emulator}</emulator>"),
            dev("emu_pkg", "<emulator>/usr/bin/qemu-system-x86_64</emulator>"),
        ],
        [LAN],
    )
    from test_checks_vm import _with_filters

    a = run_assessment(_with_filters(tmp_path, uri, NESTING_HOST, "b"))
    assert verdict(a, "HVA-064", "emu_pkg")[0] == "pass"
    status, msg = verdict(a, "HVA-064", "emu_odd")
    assert status == "fail", msg
    assert emulator in msg


# --- HVA-057: memory shared between VMs without ivshmem ---------------------------------------------

NVDIMM = (
    "<memory model='nvdimm' access='shared'><source><path>/srv/pmem/exchange.img</path></source>"
    "<target><size unit='MiB'>128</size><node>0</node></target></memory>"
)
NUMA = (
    "<maxMemory slots='4' unit='MiB'>4096</maxMemory>"
    "<cpu><numa><cell id='0' cpus='0' memory='1024' unit='MiB'/></numa></cpu>"
)


def test_nvdimm_on_one_shared_file_is_shared_memory(tmp_path: Path) -> None:
    """formatdomain, "Memory devices": model nvdimm's <source><path> is "the path to the file
    ... as the backend", and `access` ("shared" or "private", "the same as Memory Backing")
    sets how QEMU maps it; formatdomain "Memory Backing": access mode shared maps the memory
    MAP_SHARED. Two QEMU processes mapping one file MAP_SHARED see each other's writes at once:
    memory shared between the two VMs, the channel HVA-057 fails for ivshmem, with no hypervisor
    isolation between them. Fail both, naming the file."""
    uri = write_node(
        tmp_path / "n.xml",
        [
            domain_xml("pmem_a", body=f"{NUMA}<devices>{NVDIMM}</devices>"),
            domain_xml("pmem_b", body=f"{NUMA}<devices>{NVDIMM}</devices>"),
        ],
        [LAN],
    )
    from test_checks_vm import _with_filters

    a = run_assessment(_with_filters(tmp_path, uri, NESTING_HOST, "b"))
    for vm in ("pmem_a", "pmem_b"):
        status, msg = verdict(a, "HVA-057", vm)
        assert status == "fail", (vm, msg)
        assert "/srv/pmem/exchange.img" in msg


# --- HVA-042 (host subject, evidence in the domain XML): uid 0 under other spellings ------------------


@pytest.mark.parametrize(
    ("label", "extra"),
    [
        # virGetUserID: a leading '+' makes the rest a number, and "00" is 0
        ("+00:+00", {}),
        # no leading '+': the name is looked up first (getpwnam), and toor is uid 0
        ("toor:toor", {"/etc/passwd": "toor:x:0:0:root alias:/root:/bin/bash\n"}),
        # the group likewise (virGetGroupID: getgrnam first): wheel0 is gid 0
        ("+64055:wheel0", {"/etc/group": "wheel0:x:0:\n"}),
    ],
)
def test_dac_label_uid0_spellings(host_scan, label: str, extra: dict[str, str]) -> None:
    """libvirt src/util/virutil.c virGetUserID (read with `search`): "if `user` contains a
    leading '+', the rest of the string is always parsed as a uid" (virStrToLong_ui, so "+00" is
    0), otherwise it is looked up as a name first (virGetUserIDByName: getpwnam), then parsed as
    a number; the DAC driver reads a <seclabel model='dac'> label "user:group" that way
    (security_dac.c virSecurityDACParseIds -> virParseOwnershipIds). Either label runs this VM's
    QEMU as uid 0 (or, for the group, gid 0): fail, naming the VM, as for "+0:+0" (the fix of
    issue 8)."""
    overrides = {path: HARDENED_HOST[path] + line for path, line in extra.items()}
    a = host_scan(
        overrides,
        [
            domain_xml(
                "rootdac",
                body=f"<seclabel type='static' model='dac' relabel='yes'><label>{label}</label>"
                "</seclabel>",
            )
        ],
    )
    status, msg = verdict(a, "HVA-042", "hv1")
    assert status == "fail", msg
    assert "rootdac" in msg


# --- HVA-090: threads the reservation check does not see ---------------------------------------------

TUNED = "<cputune><shares>2048</shares><quota>50000</quota>{pins}</cputune>"


def _pins(vcpus: str, emulator: str) -> str:
    return (
        "".join(f"<vcpupin vcpu='{i}' cpuset='{c}'/>" for i, c in enumerate(vcpus.split()))
        + f"<emulatorpin cpuset='{emulator}'/>"
    )


def test_unpinned_iothreads_of_a_neighbour_use_the_reserved_cpus(tmp_path: Path) -> None:
    """libvirt src/qemu/qemu_process.c qemuProcessSetupPid (read with `search`), used for vCPU,
    emulator and I/O threads alike: a thread without its own pin (<iothreadpin> for an I/O
    thread) gets the numad set under placement='auto', else <vcpu cpuset>, else "the spawned
    QEMU instance to all pCPUs"; formatdomain, "IOThreads Allocation": <iothreads> adds that many
    I/O threads to the QEMU process. So noisy's two I/O threads may run on CPUs 0-1, which resv
    reserves: resv's reservation is not its own (fail, naming noisy). noisy itself has all its
    vCPUs and its emulator on CPUs 2-3, which nothing else may use, so it keeps its reservation."""
    uri = write_node(
        tmp_path / "n.xml",
        [
            domain_xml("resv", vcpus=2, body=TUNED.format(pins=_pins("0 1", "0-1"))),
            domain_xml(
                "noisy",
                vcpus=2,
                body="<iothreads>2</iothreads>" + TUNED.format(pins=_pins("2 3", "2-3")),
            ),
        ],
        [LAN],
    )
    from test_checks_vm import _with_filters

    a = run_assessment(_with_filters(tmp_path, uri, NESTING_HOST, "b"))
    assert verdict(a, "HVA-090", "noisy")[0] == "pass"
    status, msg = verdict(a, "HVA-090", "resv")
    assert status == "fail", msg
    assert "noisy" in msg


# --- HVA-070 / HVA-061: "huge" pages that are not -----------------------------------------------------

MEMTUNE = (
    "<memtune><hard_limit unit='MiB'>1280</hard_limit><soft_limit unit='MiB'>768</soft_limit>"
    "</memtune>"
)


def test_hugepages_of_the_system_page_size_guarantee_nothing(tmp_path: Path) -> None:
    """libvirt src/qemu/qemu_command.c qemuBuildMemoryBackendProps (read with `search`):
    "if (pagesize == system_page_size) { /* However, if user specified to use "huge" page of
    regular system page size, it's as if they hasn't specified any huge pages at all. */
    pagesize = 0; hugepage = NULL; }". <hugepages><page size='4' unit='KiB'/></hugepages> on
    x86 (4 KiB pages) backs the guest with ordinary, swappable, mergeable anonymous memory:
    nothing pre-reserved. With a hard and soft limit but no guarantee: fail, naming the
    guarantee. The 2 MiB twin passes."""
    page = "<memoryBacking><hugepages><page size='{s}' unit='KiB'/></hugepages></memoryBacking>"
    uri = write_node(
        tmp_path / "n.xml",
        [
            domain_xml("pages4k", body=page.format(s=4) + MEMTUNE),
            domain_xml("pages2m", body=page.format(s=2048) + MEMTUNE),
        ],
        [LAN],
    )
    from test_checks_vm import _with_filters

    a = run_assessment(_with_filters(tmp_path, uri, NESTING_HOST, "b"))
    assert verdict(a, "HVA-070", "pages2m")[0] == "pass"
    status, msg = verdict(a, "HVA-070", "pages4k")
    assert status == "fail", msg
    assert "guarantee" in msg


def test_hugepages_for_one_numa_node_leave_the_rest_to_ksm(host_scan) -> None:
    """formatdomain, "Memory Backing": the page element's nodeset "ties given guest's NUMA nodes
    to certain hugepage sizes"; qemuBuildMemoryBackendProps (read with `search`) gives a guest
    NUMA node not in any nodeset the <page/> without nodeset ("the generic setting ... if
    possible"), and with none it gets ordinary memory. mm/ksm.c merges ordinary anonymous pages
    QEMU advises MADV_MERGEABLE (every guest RAM block unless <nosharepages/>). Here node 1 is
    hugetlb and node 0 (1 GiB) is ordinary: KSM (run = 1) merges it with other VMs' pages. Fail,
    naming the VM."""
    numa = (
        "<cpu><numa><cell id='0' cpus='0' memory='1024' unit='MiB'/>"
        "<cell id='1' cpus='1' memory='1024' unit='MiB'/></numa></cpu>"
        "<memoryBacking><hugepages><page size='2048' unit='KiB' nodeset='1'/></hugepages>"
        "</memoryBacking>"
    )
    a = host_scan(
        {"/sys/kernel/mm/ksm/run": "1\n"},
        [domain_xml("halfhuge", vcpus=2, memory_mib=2048, body=numa)],
    )
    status, msg = verdict(a, "HVA-061", "hv1")
    assert status == "fail", msg
    assert "halfhuge" in msg


# --- Proxmox VE parity: what qemu-server does with a VM config ----------------------------------------


def test_pve_default_usb_tablet_and_rtl8139_are_legacy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """qemu-server PVE/QemuServer.pm confdesc (read with `search`): `tablet => { type =>
    'boolean', default => 1, description => "Enable/disable the USB tablet device." }`, "turned
    off by default if you use spice (qm set <vmid> --vga qxl)"; web-10 (vga: std, no tablet
    line) gets a USB tablet and with it an emulated USB host controller, which HVA-047 fails on
    libvirt (<input type='tablet' bus='usb'>, "USB tablet"). api-11's `net0: rtl8139=...` is the
    rtl8139 NIC HVA-047 fails on libvirt (<model type='rtl8139'/>). Fail both, naming the device;
    a VM with `tablet: 0` and a virtio NIC still passes (pinned in the hardened fixture's twin)."""
    from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan

    vm200 = (PVE_HARDENED / "etc/pve/qemu-server/200.conf").read_text()
    vm201 = (PVE_HARDENED / "etc/pve/qemu-server/201.conf").read_text()
    report = pve_scan(
        tmp_path,
        capsys,
        {
            # the hardened fixture now sets tablet: 0 (vmfix); web-10 here goes without the line
            "etc/pve/qemu-server/200.conf": vm200.replace("tablet: 0\n", ""),
            "etc/pve/qemu-server/201.conf": vm201.replace("net0: virtio=", "net0: rtl8139="),
        },
    )
    status, msg = pve_result(report, "HVA-047", "web-10")
    assert status == "fail", msg
    assert "USB tablet" in msg
    status, msg = pve_result(report, "HVA-047", "api-11")
    assert status == "fail", msg
    assert "rtl8139" in msg


def test_pve_untagged_nic_on_an_ovs_bridge_is_a_trunk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """pve-common src/PVE/Network.pm $ovs_bridge_add_port (read with `search`): `ovs-vsctl --
    add-port $bridge $iface`, then `push @$cmd, "tag=$tag" if $tag; push @$cmd, "trunks=..." if
    $trunks;`: without tag= and trunks= the port has neither. ovs-vswitchd.conf.db(5), Port
    vlan_mode: "If tag contains a value, the port is an access port ... Otherwise, the port is a
    trunk port", trunks "if it is empty, then the port trunks all VLANs" (the source HVA-192's
    docstring cites). Unlike a libvirt OVS port, nothing outside qemu-server tags a Proxmox VM's
    port, so the config proves it: fail, naming the every-VLAN trunk."""
    from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan

    ifaces = (PVE_HARDENED / "etc/network/interfaces").read_text() + (
        "\nauto vmbr2\niface vmbr2 inet manual\n\tovs_type OVSBridge\n\tovs_ports eno3\n"
    )
    vm201 = (PVE_HARDENED / "etc/pve/qemu-server/201.conf").read_text()
    report = pve_scan(
        tmp_path,
        capsys,
        {
            "etc/network/interfaces": ifaces,
            "etc/pve/qemu-server/201.conf": vm201.replace("bridge=vmbr0,", "bridge=vmbr2,").replace(
                ",tag=30", ""
            ),
        },
    )
    assert pve_result(report, "HVA-192", "web-10")[0] == "pass"
    status, msg = pve_result(report, "HVA-192", "api-11")
    assert status == "fail", msg
    assert "VLAN" in msg


# --- live vs persistent definition ------------------------------------------------------------------


def test_persistent_definition_of_a_running_vm_is_judged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """virsh(1) (tools/virsh.pod, read with `search`): define - "If domain is already running,
    the changes will take effect on the next boot"; edit - "which will affect the next boot of
    the guest", equivalent to `virsh dumpxml --inactive` + `virsh define` (virDomainGetXMLDesc
    flag VIR_DOMAIN_XML_INACTIVE reads that persistent definition). The test driver keeps the two apart as the QEMU driver does (newDef:
    XMLDesc(0) is the live definition, XMLDesc(INACTIVE) the edited one). drift_label runs
    confined by a dynamic AppArmor label but is defined with <seclabel type='none'/>; drift_cpu
    runs with no <cpu> but is defined host-passthrough on a kvm_intel nested=Y host; both are
    autostart-able definitions that start unconfined / nested at the host's next reboot. The
    definition on disk is the VM's configuration: fail both (naming the persistent definition's
    setting), as the same XML as the only definition fails today."""
    import libvirt

    from test_checks_vm import _with_filters

    labelled = "<seclabel type='dynamic' model='apparmor'/>"
    uri = write_node(
        tmp_path / "n.xml",
        [domain_xml("drift_label", body=labelled), domain_xml("drift_cpu", body=labelled)],
        [LAN],
    )
    conn = libvirt.open(uri)
    conn.defineXML(domain_xml("drift_label", body="<seclabel type='none'/>"))
    conn.defineXML(domain_xml("drift_cpu", body="<cpu mode='host-passthrough'/>" + labelled))
    assert conn.lookupByName("drift_label").isActive()
    monkeypatch.setattr(libvirt, "open", lambda name=None: conn)
    a = run_assessment(_with_filters(tmp_path, uri, NESTING_HOST, "b"))
    status, msg = verdict(a, "HVA-044", "drift_label")
    assert status == "fail", msg
    assert "none" in msg
    status, msg = verdict(a, "HVA-049", "drift_cpu")
    assert status == "fail", msg
    assert "host-passthrough" in msg


# --- HVA-191: interfaces and parameters the filter's checks depend on ---------------------------------


def test_clean_traffic_on_an_ethernet_tap_depends_on_a_bridge_not_in_the_xml(
    tmp_path: Path,
) -> None:
    """formatnwfilter.rst, "Concepts" (read with `search`): "Supported network types are
    network, ethernet -- must be used in bridging mode, bridge". The ebtables rules of the MAC,
    IPv4 and ARP chains see a frame only when the tap is a bridge port; libvirt creates an
    `ethernet` tap and attaches it to nothing (formatdomain, "Generic ethernet connection": the
    tap is left to the host's own configuration or a script), so a routed tap's frames pass no
    anti-spoofing chain. Whether this tap is a Linux bridge port is not in the evidence: manual
    naming the tap (one question), never pass. The bridge-attached twin passes."""
    filters = dict(STOCK)
    eth = (
        "<interface type='ethernet'><target dev='tapeth7' managed='no'/>"
        "<model type='virtio'/><filterref filter='clean-traffic'/></interface>"
    )
    a = filtered_node(
        tmp_path,
        [
            dev("eth_tap", eth),
            dev(
                "br_tap",
                "<interface type='bridge'><source bridge='br0'/><model type='virtio'/>"
                "<filterref filter='clean-traffic'><parameter name='IP' value='10.0.0.52'/>"
                "</filterref></interface>",
            ),
        ],
        filters,
    )
    assert verdict(a, "HVA-191", "br_tap")[0] == "pass"
    status, msg = verdict(a, "HVA-191", "eth_tap")
    assert status == "manual", msg
    assert "tapeth7" in msg or "ethernet" in msg


def test_mac_parameter_lets_the_guest_send_as_another_vm(tmp_path: Path) -> None:
    """formatnwfilter.rst, "Usage of variables in filters" (read with `search`): "it is possible
    to specify the MAC parameter similar to the IP parameter above, it is discouraged since
    libvirt knows what MAC address an interface will be using"; variables may hold lists.
    src/nwfilter/nwfilter_gentech_driver.c virNWFilterVarHashmapAddStdValue adds the interface's
    own MAC as $MAC only `if (!virHashLookup(table, var))`: a MAC given in the <filterref> wins.
    spoofer's $MAC is victim's address, so no-mac-spoofing returns (accepts) frames sent as
    victim: the guest sends as another VM on the same bridge. Fail spoofer, naming the MAC
    parameter; victim, whose filter checks its own MAC, is the one spoofed (its verdict is not
    asserted here)."""
    victim_mac = "52:54:00:00:00:0a"
    a = filtered_node(
        tmp_path,
        [
            dev("victim", nic("clean-traffic", mac=victim_mac)),
            dev(
                "spoofer",
                "<interface type='network'><mac address='52:54:00:00:00:0b'/>"
                "<source network='lan'/><model type='virtio'/><filterref filter='clean-traffic'>"
                f"<parameter name='MAC' value='{victim_mac}'/></filterref></interface>",
            ),
        ],
        dict(STOCK),
    )
    status, msg = verdict(a, "HVA-191", "spoofer")
    assert status == "fail", msg
    assert "MAC" in msg and victim_mac in msg


# --- HVA-031 / HVA-058: names and sockets that look local ---------------------------------------------


def test_listen_host_name_that_starts_with_127_is_not_loopback(tmp_path: Path) -> None:
    """formatdomain, "Graphical framebuffers", listen type address: the address "will contain
    either an IP address or hostname (which will be resolved to an IP address via a DNS
    query) to listen on". 127.0.0.1.attacker.example is a DNS name (its first label is "127"),
    not a loopback address: QEMU binds whatever it resolves to (getaddrinfo). hvaudit judges every
    other host name as a network address (no password on this host: fail); this one passes as
    "reachable only from the host". Right: fail naming it, as for any name."""
    name = "127.0.0.1.attacker.example"
    uri = write_node(
        tmp_path / "n.xml",
        [
            dev("vnc_name", f"<graphics type='vnc' autoport='yes' listen='{name}'/>"),
            dev("vnc_loop", "<graphics type='vnc' autoport='yes' listen='127.0.0.1'/>"),
        ],
        [LAN],
    )
    from test_checks_vm import _with_filters

    a = run_assessment(_with_filters(tmp_path, uri, NESTING_HOST, "b"))
    assert verdict(a, "HVA-031", "vnc_loop")[0] == "pass"
    status, msg = verdict(a, "HVA-031", "vnc_name")
    assert status == "fail", msg
    assert name in msg


def test_virtiofs_share_through_an_external_daemon_asks_about_that_daemon(
    tmp_path: Path,
) -> None:
    """formatdomain, "Filesystems": a virtiofs <filesystem> may name `<source socket=...>`
    instead of `<source dir=...>`: QEMU connects to a virtiofsd started outside libvirt, which
    alone knows the shared directory (the test driver keeps the element as written). hvaudit's
    manual question then reads "Is the file system holding  on host ..." - an empty path, which
    no evidence can answer. Right: one manual question naming the socket and asking for the
    daemon's shared directory and its mount options (fragment: the socket path)."""
    fs = (
        "<filesystem type='mount'><driver type='virtiofs' queue='1024'/>"
        "<source socket='/run/vfsd-share.sock'/><target dir='share'/></filesystem>"
    )
    body = "<memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking>"
    uri = write_node(tmp_path / "n.xml", [dev("vfs_ext", fs, body)], [LAN])
    from test_checks_vm import _with_filters

    a = run_assessment(_with_filters(tmp_path, uri, NESTING_HOST, "b"))
    status, msg = verdict(a, "HVA-058", "vfs_ext")
    assert status == "manual", msg
    assert "/run/vfsd-share.sock" in msg


def test_root_chain_return_ahead_of_the_spoofing_chains(tmp_path: Path) -> None:
    """formatnwfilter.rst, "Filter rules" (read with `search`): `return` - "matching the rule
    passes this filter, but returns control to the calling filter for further analysis";
    "Filtering chains": every protocol chain hangs off the interface's root chain, which is
    where a frame starts and where the sub-chains return to. A return in the root chain itself
    leaves the interface's chain tree: libvirt's root chain is entered by a jump from the host's
    own bridge chain (ebiptables driver, ebtablesCreateRuleInstance for Ethernet protocols), so
    the frame goes back there and is forwarded with none of the mac (-800), ipv4-ip (-710) or
    arp chains seen. This is not the known sub-chain accept/return gap: the rule is in the root
    chain, where hvaudit already judges accept at these priorities as a bypass. Fail, naming
    MAC (as for the accept twin, which fails today)."""
    filters = dict(STOCK)
    for name, action in (("site-return", "return"), ("site-accept", "accept")):
        filters[name] = (
            f"<filter name='{name}' chain='root'>"
            f"<rule action='{action}' direction='out' priority='-900'><mac/></rule>"
            "<filterref filter='clean-traffic'/></filter>"
        )
    a = filtered_node(
        tmp_path,
        [dev("via_return", nic("site-return")), dev("via_accept", nic("site-accept"))],
        filters,
    )
    assert verdict(a, "HVA-191", "via_accept")[0] == "fail"
    status, msg = verdict(a, "HVA-191", "via_return")
    assert status == "fail", msg
    assert "MAC" in msg


# --- HVA-044: a label whose profile the kernel no longer holds -----------------------------------------


def test_running_vm_whose_apparmor_profile_is_not_loaded(host_scan) -> None:
    """libvirt security_apparmor.c / virt-aa-helper load profile libvirt-<uuid> for a VM at start
    and QEMU runs under it. A loaded profile is listed in /sys/kernel/security/apparmor/profiles
    (read by hvaudit; here: libvirt-<web01's uuid> (enforce), libvirtd, /usr/bin/man). Linux
    security/apparmor/policy.c __remove_profile (read with `search`): removing a profile
    (apparmor_parser -R, aa-remove-unknown, which removes "all of the loaded profiles that were
    not found in /etc/apparmor.d/", where libvirt's per-VM profiles are not) calls
    `__aa_update_proxy(profile, profile->ns->unconfined)`: its tasks continue unconfined. The VM
    is running (live XML with an id) and its profile is absent: fail, naming the profile. web01,
    whose profile is loaded in enforce mode, passes."""
    from conftest import WEB01_UUID

    a = host_scan(
        {},
        [
            domain_xml("web01"),
            domain_xml("aa_gone", body="<seclabel type='dynamic' model='apparmor'/>"),
        ],
    )
    assert verdict(a, "HVA-044", "web01")[0] == "pass"
    gone = next(v for v in a.deployment.vms if v.name == "aa_gone")
    assert gone.running and gone.uuid != WEB01_UUID
    status, msg = verdict(a, "HVA-044", "aa_gone")
    assert status == "fail", msg
    assert f"libvirt-{gone.uuid}" in msg


def test_pve_ipfilter_set_of_every_address_stops_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Proxmox VE admin guide, pve-firewall "Standard IP set ipfilter-net*" (read with `search`):
    these sets "are mainly used to prevent IP spoofing. If such a set exists for an interface then
    any outgoing traffic with a source IP not matching its interface's corresponding ipfilter set
    will be dropped". A set holding 0.0.0.0/0 matches every IPv4 source, so nothing is dropped,
    and the ARP filter built from the same entries (`--arp-ip-src 0.0.0.0/0 -j RETURN`) admits
    every sender address. IP and ARP spoofing are not stopped: fail, naming the set."""
    from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan

    fw = (PVE_HARDENED / "etc/pve/firewall/200.fw").read_text()
    report = pve_scan(
        tmp_path,
        capsys,
        {"etc/pve/firewall/200.fw": fw.replace("192.0.2.10", "0.0.0.0/0")},
    )
    status, msg = pve_result(report, "HVA-191", "web-10")
    assert status == "fail", msg
    assert "ipfilter-net0" in msg


# --- HVA-031: a console the raw QEMU arguments open ----------------------------------------------------

QEMU_NS = "http://libvirt.org/schemas/domain/qemu/1.0"


def replayed_domains(tmp_path: Path, domains: dict[str, str]) -> Path:
    """A simulated-host bundle whose domain artefacts are `domains` as a daemon newer than the
    test driver (or one with the QEMU driver) reports them, replayed as in the first red team's
    namespace probe: the test driver supplies the host's capabilities, the artefacts are
    written as collected."""
    from hvaudit.bundle import BundleWriter, dump_json
    from hvaudit.collect.libvirt import LibvirtCollector, LibvirtTarget

    uri = write_node(tmp_path / "n.xml", [domain_xml("plain")])
    writer = BundleWriter(tmp_path / "b", target=uri, platform="kvm-libvirt")
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=True).collect(writer)
    del writer.entries["libvirt/domains/index.json"]
    assert writer.root is not None
    (writer.root / "libvirt/domains/index.json").unlink()
    index = []
    for name, xml in domains.items():
        path = f"libvirt/domains/{name}.xml"
        writer.add(path, xml.encode(), origin="virDomainGetXMLDesc")
        index.append({"uuid": name, "file": path, "autostart": False})
    writer.add("libvirt/domains/index.json", dump_json({"domains": index}), origin="test")
    from_qemu_driver(writer)
    writer.record("host", status="not_applicable", origin="host facts", reason="simulated")
    return writer.close(complete=True)


def test_vnc_opened_by_raw_qemu_arguments_is_a_console(tmp_path: Path) -> None:
    """QEMU qemu-options.hx, -vnc: `-vnc 0.0.0.0:1` listens on every address, display 1 (TCP
    5901), and "password=on: Require that password based authentication is used for client
    connections": without password=, sasl= or tls-creds= the server asks for nothing. libvirt
    passes <qemu:arg> values to QEMU verbatim (formatdomain, "QEMU command-line passthrough"),
    and qemu.conf's vnc_password / vnc_tls apply to <graphics> consoles only. The definition
    (read from a daemon with the QEMU driver, which keeps the namespace) proves an
    unauthenticated console on every address; HVA-046 fails the raw arguments, but HVA-031 must
    not call the console absent: fail, naming -vnc. Replayed as in the first red team's
    namespace probe (a hand-written domain artefact in a test-driver bundle)."""
    xml = (
        f"<domain type='kvm' xmlns:qemu='{QEMU_NS}'><name>rawvnc</name>"
        "<uuid>6a2f1c2e-0000-4000-8000-00000000b001</uuid><memory unit='MiB'>512</memory>"
        "<vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os>"
        "<qemu:commandline><qemu:arg value='-vnc'/><qemu:arg value='0.0.0.0:1'/>"
        "</qemu:commandline></domain>"
    )
    a = run_assessment(replayed_domains(tmp_path, {"rawvnc": xml}))
    assert verdict(a, "HVA-046", "rawvnc")[0] == "fail"
    status, msg = verdict(a, "HVA-031", "rawvnc")
    assert status == "fail", msg
    assert "-vnc" in msg


# --- HVA-191: a hardware datapath -------------------------------------------------------------------


def test_vdpa_interface_is_a_question_not_na(tmp_path: Path) -> None:
    """libvirt's vDPA support (libvir-list "conf: Add support for vDPA network devices", read with
    `search`): "vDPA network devices allow high-performance networking in a virtual machine by
    providing a wire-speed data path ... the data path follows the virtio specification"; Linux
    "vDPA: introduce vDPA bus": vDPA devices are PFs, SR-IOV VFs or sub-functions of a NIC.
    formatnwfilter, "Concepts": nwfilter applies to network, ethernet (bridged) and bridge
    interfaces only, and no host bridge sees a vDPA port's frames. The subject exists and sends to
    other machines: like an SR-IOV VF (hvaudit's own manual item, VF spoofchk/trust), this is one
    question about the NIC's embedded switch, never not applicable (issue 8: "never n/a a check
    whose subject exists")."""
    uri = write_node(
        tmp_path / "n.xml",
        [
            dev(
                "vdpa1",
                "<interface type='vdpa'><mac address='52:54:00:00:00:31'/>"
                "<source dev='/dev/vhost-vdpa-0'/><model type='virtio'/></interface>",
            )
        ],
        [LAN],
    )
    from test_checks_vm import _with_filters

    a = run_assessment(_with_filters(tmp_path, uri, NESTING_HOST, "b"))
    status, msg = verdict(a, "HVA-191", "vdpa1")
    assert status == "manual", msg
    assert "vdpa" in msg.lower()


# --- HVA-192: an SR-IOV VF without a port VLAN -------------------------------------------------------


def test_vf_without_a_port_vlan_is_a_question(tmp_path: Path) -> None:
    """Linux i40e "Add VF VLAN pruning" (read with `search`): "VFs by default are able to see all
    tagged traffic regardless of trust and VLAN filters configured", the pruning flag "will only be
    effective when no PVID is set on VF"; ice "Fix VF not able to send tagged traffic with no VLAN
    filters": VFs "with no VLAN filters" may "send tagged traffic". So without a port VLAN the VF
    reaches every VLAN of the PF's uplink: a trunk. libvirt sets the port VLAN from the
    interface's <vlan> (formatdomain, "Setting VLAN tag (on supported network types only)":
    SR-IOV hostdev interfaces; formatnetwork, hostdev pools likewise); without one, a PVID can
    only come from outside libvirt (`ip link set PF vf N vlan V`, as for HVA-192's own OVS
    case). The VF here is not in the host's `ip -d link` report: one manual question per VF
    (is a port VLAN set?), never "none trunked". vf1: <interface type='hostdev'>; vf2: a
    network of forward mode hostdev."""
    uri = write_node(
        tmp_path / "n.xml",
        [
            dev(
                "vf1",
                "<interface type='hostdev' managed='yes'><mac address='52:54:00:00:00:41'/>"
                "<source><address type='pci' domain='0x0000' bus='0x3b' slot='0x02' "
                "function='0x1'/></source></interface>",
            ),
            dev("vf2", nic(mac="52:54:00:00:00:42", source="<source network='vfpool'/>")),
        ],
        [
            LAN,
            "<network><name>vfpool</name><forward mode='hostdev' managed='yes'>"
            "<pf dev='ens1f0'/></forward></network>",
        ],
    )
    from test_checks_vm import _with_filters

    a = run_assessment(_with_filters(tmp_path, uri, NESTING_HOST, "b"))
    for vm, mac in (("vf1", "52:54:00:00:00:41"), ("vf2", "52:54:00:00:00:42")):
        status, msg = verdict(a, "HVA-192", vm)
        assert status == "manual", (vm, msg)
        assert mac in msg, (vm, msg)


# --- HVA-092: disk limits in libvirt 11's throttle groups ---------------------------------------------


def test_disk_limited_by_a_throttle_group_passes(tmp_path: Path) -> None:
    """formatdomain, "Disk Throttle Group Management" (libvirt 11.1.0, read with `search`): named
    <throttlegroups><throttlegroup> (group_name and the iotune rates) referenced from a disk's
    <throttlefilters><throttlefilter group='...'/> "to form filter chain in QEMU for specific
    disk"; libvirt's own tests reject "iotune ... configured together with throttle filters". A
    disk behind a group with total_bytes_sec and total_iops_sec is limited in both directions
    (QEMU docs/throttle.txt: throttle filters apply the group's limits), and the NIC has an
    outbound limit: pass. The test driver (libvirt 9.0) drops these elements, so the artefact
    is replayed as a libvirt 11 daemon reports it. The same VM with no throttle filter fails
    (pinned)."""
    nic_limited = (
        "<interface type='bridge'><source bridge='br0'/><model type='virtio'/>"
        "<bandwidth><inbound average='1000'/><outbound average='1000'/></bandwidth></interface>"
    )

    def domain(name: str, uid: str, filters: str) -> str:
        return (
            f"<domain type='kvm'><name>{name}</name><uuid>{uid}</uuid>"
            "<memory unit='MiB'>512</memory><vcpu>1</vcpu>"
            "<os><type arch='x86_64'>hvm</type></os>"
            "<throttlegroups><throttlegroup><total_bytes_sec>10000000</total_bytes_sec>"
            "<total_iops_sec>500</total_iops_sec><group_name>limit0</group_name>"
            "</throttlegroup></throttlegroups><devices>"
            "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
            f"<source file='/var/lib/libvirt/images/{name}.qcow2'/>"
            f"<target dev='vda' bus='virtio'/>{filters}</disk>{nic_limited}</devices></domain>"
        )

    a = run_assessment(
        replayed_domains(
            tmp_path,
            {
                "tg_limited": domain(
                    "tg_limited",
                    "6a2f1c2e-0000-4000-8000-00000000c001",
                    "<throttlefilters><throttlefilter group='limit0'/></throttlefilters>",
                ),
                "tg_unused": domain("tg_unused", "6a2f1c2e-0000-4000-8000-00000000c002", ""),
            },
        )
    )
    assert verdict(a, "HVA-092", "tg_unused")[0] == "fail"
    status, msg = verdict(a, "HVA-092", "tg_limited")
    assert status == "pass", msg


def test_pve_hostpci_mapping_is_named_in_the_question(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """qm.conf(5), hostpci[n] (read with `search`): "mapping=<mapping-id> The ID of a cluster
    wide mapping. Either this or the default-key host must be set"; the mapping's PCI addresses
    per node are in /etc/pve/mapping/pci.cfg. `hostpci0: mapping=gpu1` parses to the address
    "?", and the manual question asks about the IOMMU group of "pci ?". The copied tree has no
    host facts, so manual is right; the question must name what answers it: the mapping gpu1
    (fragment "gpu1")."""
    from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan

    vm201 = (PVE_HARDENED / "etc/pve/qemu-server/201.conf").read_text()
    report = pve_scan(
        tmp_path,
        capsys,
        {"etc/pve/qemu-server/201.conf": vm201 + "hostpci0: mapping=gpu1,pcie=1\n"},
    )
    status, msg = pve_result(report, "HVA-050", "api-11")
    assert status == "manual", msg
    assert "gpu1" in msg


# --- HVA-066: another distribution's enrolled-keys template ---------------------------------------------


def test_fedora_secboot_vars_template_has_keys_enrolled(tmp_path: Path) -> None:
    """Fedora's edk2-ovmf ships /usr/share/edk2/ovmf/OVMF_VARS.secboot.fd, "an OVMF variables file
    (coming from fedora) that contains secureboot default keys" (Gentoo's edk2-ovmf-bin, which
    repackages Fedora's RPM, read with `search`; generated by Red Hat's ovmf-vars-generator,
    "generate an OVMF variables (VARS) file with default Secure Boot keys enrolled"). The same
    argument that passes Debian's OVMF_VARS_4M.ms.fd ("has ... the default Microsoft keys in
    KEK/DB. It also has Secure Boot already activated", README.Debian, the parser's docstring)
    passes this template: the XML settles it, no question. Debian's twin passes today."""
    os_xml = (
        "<os><type arch='x86_64' machine='q35'>hvm</type><loader readonly='yes' secure='yes' "
        "type='pflash'>{code}</loader><nvram template='{vars}'/></os>"
        "<features><smm state='on'/></features>"
    )
    uri = write_node(
        tmp_path / "n.xml",
        [
            domain_xml(
                "sb_fedora",
                body=os_xml.format(
                    code="/usr/share/edk2/ovmf/OVMF_CODE.secboot.fd",
                    vars="/usr/share/edk2/ovmf/OVMF_VARS.secboot.fd",
                ),
            ).replace("<os><type arch='x86_64'>hvm</type></os>", ""),
            domain_xml(
                "sb_debian",
                body=os_xml.format(
                    code="/usr/share/OVMF/OVMF_CODE_4M.secboot.fd",
                    vars="/usr/share/OVMF/OVMF_VARS_4M.ms.fd",
                ),
            ).replace("<os><type arch='x86_64'>hvm</type></os>", ""),
        ],
        [LAN],
    )
    from test_checks_vm import _with_filters

    a = run_assessment(_with_filters(tmp_path, uri, NESTING_HOST, "b"))
    # enrolled templates, both read as such; the store they seeded settles it (leads10)
    assert verdict(a, "HVA-066", "sb_debian")[0] == "manual"
    status, msg = verdict(a, "HVA-066", "sb_fedora")
    assert status == "manual", msg
    assert "OVMF_VARS.secboot.fd" in msg


# --- HVA-044 on a simulated host: enforcement is a host setting ---------------------------------------


@pytest.mark.parametrize(
    ("vm", "label"),
    [
        ("dyn_se", "<seclabel type='dynamic' model='selinux'/>"),
        ("dyn_aa", "<seclabel type='dynamic' model='apparmor'/>"),
        (
            "st_se",
            "<seclabel type='static' model='selinux' relabel='yes'>"
            "<label>system_u:system_r:svirt_t:s0:c10,c20</label></seclabel>",
        ),
    ],
)
def test_label_on_a_simulated_host_asks_whether_it_is_enforced(
    tmp_path: Path, vm: str, label: str
) -> None:
    """HVA-044's own rule (its docstring, after issue 8's fixes): "a label confines only where the
    host enforces it: with SELinux permissive or off, or the VM's AppArmor profile loaded in
    complain mode ... the VM fails"; selinux(8): permissive mode "logs the actions that would have
    been denied" without denying them. The label is in the XML; enforcement is the host's, and a
    simulated host reports none. The project's rule for host-dependent VM checks (issue 8, "What
    to build"): "decide what the VM's own definition proves; report the rest as manual with the
    exact host setting to confirm. Never pass on a setting you did not read." Right: manual,
    naming the enforcement to confirm (getenforce / aa-status). NB: the first red team's
    test_static_unique_label_on_simulated_host pins the old pass for a static label; it predates
    the enforcement rule and changes with this fix."""
    from conftest import build_bundle

    uri = write_node(tmp_path / "n.xml", [domain_xml(vm, body=label)])
    a = run_assessment(build_bundle(tmp_path, uri, None, name="sim"))
    status, msg = verdict(a, "HVA-044", vm)
    assert status == "manual", msg
    assert "enforc" in msg.lower()


def test_pve_shared_affinity_reserves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """qm.conf(5), affinity: "List of host cores used to execute guest processes, for example:
    0,5,8-11". HVA-090's own rule (its docstring): a reservation is pinning "to host CPUs that no
    other running or autostart VM may use ... sharing the pinned CPUs with another VM reserves
    nothing" (issue 8: "two VMs pinned to the same CPU ... pass" was the defect fixed for libvirt).
    web-10 (running, onboot) and api-11 (onboot) both get `affinity: 0-1`: neither has cores of
    its own. Fail both, naming the other VM."""
    from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan

    edits = {}
    for vmid in ("200", "201"):
        rel = f"etc/pve/qemu-server/{vmid}.conf"
        text = (PVE_HARDENED / rel).read_text()
        if "onboot:" not in text:
            text += "onboot: 1\n"
        edits[rel] = text + "affinity: 0-1\n"
    report = pve_scan(tmp_path, capsys, edits)
    for vm, other in (("web-10", "api-11"), ("api-11", "web-10")):
        status, msg = pve_result(report, "HVA-090", vm)
        assert status == "fail", (vm, msg)
        assert other in msg, (vm, msg)


# --- HVA-067: a debuggable trust domain -----------------------------------------------------------


def test_tdx_guest_with_off_td_debug_is_not_protected(tmp_path: Path) -> None:
    """libvirt formatdomain, "Launch Security" for type tdx (libvirt devel list, "The definition
    of BIT0 in policy element comes from TDX spec", read with `search`): bit 0 of <policy> is
    "off-TD debug mode" - "debug from outside the TD --> 1 activates debug" (the docs' example
    moved from 0x10000001 to 0x10000000 for that reason). A TD the host may debug protects its
    memory from nobody on the host, the case HVA-067 already fails for SEV (NODBG clear) and
    SEV-SNP (DEBUG set). Fail, naming the policy; the twin with 0x10000000 passes. Replayed as a
    libvirt 11 daemon reports it (the 9.0 test driver has no tdx)."""

    def domain(name: str, uid: str, policy: str) -> str:
        return (
            f"<domain type='kvm'><name>{name}</name><uuid>{uid}</uuid>"
            "<memory unit='MiB'>2048</memory><vcpu>2</vcpu>"
            "<os><type arch='x86_64' machine='q35'>hvm</type></os>"
            f"<launchSecurity type='tdx'><policy>{policy}</policy></launchSecurity></domain>"
        )

    a = run_assessment(
        replayed_domains(
            tmp_path,
            {
                "td_debug": domain(
                    "td_debug", "6a2f1c2e-0000-4000-8000-00000000d001", "0x10000001"
                ),
                "td_plain": domain(
                    "td_plain", "6a2f1c2e-0000-4000-8000-00000000d002", "0x10000000"
                ),
            },
        )
    )
    assert verdict(a, "HVA-067", "td_plain")[0] == "pass"
    status, msg = verdict(a, "HVA-067", "td_debug")
    assert status == "fail", msg
    assert "0x10000001" in msg


# --- HVA-031: an empty console password -----------------------------------------------------------


def test_empty_vnc_password_admits_an_empty_password(host_scan) -> None:
    """QEMU monitor/qmp-cmds.c qmp_set_password (read with `search`): "Note that setting an empty
    password will not disable login through this interface"; ui/vnc.c protocol_client_auth_vnc
    rejects only when no password was set (`if (!vs->vd->password)`; the old `||
    !vs->vd->password[0]` is gone) and builds the DES key from the password zero-padded, so ""
    is the all-zero key every client derives from an empty password. libvirt sets the XML's
    passwd through set_password whenever the attribute exists (qemuDomainChangeGraphicsPasswords:
    only a missing passwd with no vnc_password skips it), so passwd='' is a console anyone opens
    with an empty password. On the hardened host (vnc_tls = 1, no client-certificate check) a VNC
    console on 0.0.0.0 with passwd='' is reachable by anyone: fail, naming the empty password.
    The twin with passwd='s3cret' passes (redteam1's test_vnc_with_password_and_tls_...)."""
    a = host_scan(
        domains=[
            dev(
                "emptypw",
                "<graphics type='vnc' autoport='yes' passwd=''>"
                "<listen type='address' address='0.0.0.0'/></graphics>",
            )
        ]
    )
    status, msg = verdict(a, "HVA-031", "emptypw")
    assert status == "fail", msg
    assert "empty" in msg


# --- HVA-211 (host subject, network evidence): VFs of the management NIC -----------------------------


def test_vf_pool_of_the_management_nic(host_scan) -> None:
    """formatnetwork, "Forward mode hostdev" (libvirt): the network hands each guest an SR-IOV VF
    of the physical function named in <pf dev='...'/>, by PCI passthrough. A VF sends and
    receives on its PF's physical port, and the NIC's embedded bridge switches between the VFs and
    the PF itself unless the PF is in VEPA mode (HVA-194's own docstring). eno3 holds the host's
    management address 10.0.0.10 (conftest's hardened host; redteam2's macvtap probe fails the
    same NIC for <interface type='direct'>). A VM on this pool shares the management segment:
    fail, naming eno3, as for macvtap."""
    a = host_scan(
        domains=[
            dev(
                "onvf",
                "<interface type='network'><mac address='52:54:00:00:00:51'/>"
                "<source network='mgmtvfs'/></interface>",
            )
        ],
        networks=[
            "<network><name>mgmtvfs</name><forward mode='hostdev' managed='yes'>"
            "<pf dev='eno3'/></forward></network>"
        ],
    )
    status, msg = verdict(a, "HVA-211", "hv1")
    assert status == "fail", msg
    assert "eno3" in msg


# --- HVA-191 after the rule-by-rule model (re-probes of R1/R2/R18's fix) -------------------------------


def _site(extra: str) -> dict[str, str]:
    """libvirt 9.0's stock filters plus a root filter 'site' of the three anti-spoofing filters,
    allow-incoming-ipv4 and `extra` rules."""
    filters = dict(STOCK)
    filters["site"] = (
        "<filter name='site' chain='root'><filterref filter='no-mac-spoofing'/>"
        "<filterref filter='no-ip-spoofing'/><filterref filter='no-arp-spoofing'/>"
        f"<filterref filter='allow-incoming-ipv4'/>{extra}</filter>"
    )
    return filters


def test_anti_spoofing_filter_whose_drop_takes_one_protocol(tmp_path: Path) -> None:
    """Stock no-mac-spoofing returns frames from $MAC and drops every other frame (`<mac/>`
    without protocolid, src/nwfilter/xml/no-mac-spoofing.xml, read with `search`).
    Redefined so that its drop reads `<mac protocolid='arp'/>` (formatnwfilter, MAC: protocolid
    "Layer 3 protocol ID"), it drops only ARP frames from other MACs: an IPv4 frame with any
    source MAC leaves the mac chain and the ipv4-ip chain checks only its IP. The parser now
    judges an anti-spoofing filter by its drop rules, but not by what they drop. Fail, naming
    MAC."""
    filters = dict(STOCK)
    filters["no-mac-spoofing"] = (
        "<filter name='no-mac-spoofing' chain='mac' priority='-800'>"
        "<rule action='return' direction='out' priority='500'><mac srcmacaddr='$MAC'/></rule>"
        "<rule action='drop' direction='out' priority='500'><mac protocolid='arp'/></rule>"
        "</filter>"
    )
    a = filtered_node(tmp_path, [dev("narrowmac", nic("clean-traffic"))], filters)
    status, msg = verdict(a, "HVA-191", "narrowmac")
    assert status == "fail", msg
    assert "MAC" in msg


def test_vlan_tagged_frames_skip_the_ipv4_and_arp_chains(tmp_path: Path) -> None:
    """libvirt src/nwfilter/nwfilter_ebiptables_driver.c ebtablesCreateTmpSubChainFW (read with
    `search`): the root chain jumps to a protocol sub-chain with `-p 0x%04x` of that protocol
    (0x0800 for ipv4*, 0x0806 for arp*; only mac and stp chains take every frame). A frame the
    guest tags with 802.1Q has EtherType 0x8100 (ebtables(8), -p; the inner protocol needs the
    vlan match's --vlan-encap), so an IPv4 packet or ARP reply inside a VLAN tag passes no
    ipv4-ip and no arp check: its source IP is whatever the guest writes, and a bridge without
    VLAN filtering forwards it onto the uplink's VLANs. Stock clean-traffic drops such frames
    with no-other-l2-traffic; this site tree drops IPv6 but not 802.1Q. Fail, naming the VLAN
    (802.1Q) frames; the twin that also drops <vlan/> frames passes (pinned)."""
    ipv6_drop = "<rule action='drop' direction='out' priority='1000'><ipv6/></rule>"
    vlan_drop = "<rule action='drop' direction='out' priority='1000'><vlan/></rule>"
    filters = _site(ipv6_drop)
    filters["site2"] = (
        filters["site"]
        .replace("name='site'", "name='site2'")
        .replace(ipv6_drop, ipv6_drop + vlan_drop)
    )
    a = filtered_node(
        tmp_path,
        [dev("tagleak", nic("site", ip="10.0.0.53")), dev("tagdrop", nic("site2", ip="10.0.0.54"))],
        filters,
    )
    assert verdict(a, "HVA-191", "tagdrop")[0] == "pass"
    status, msg = verdict(a, "HVA-191", "tagleak")
    assert status == "fail", msg
    assert "VLAN" in msg or "802.1Q" in msg


def test_ipv6_dropped_by_mac_protocolid_is_stopped(tmp_path: Path) -> None:
    """formatnwfilter, MAC: protocolid "Layer 3 protocol ID ... ipv4, ipv6, arp, rarp" (stock
    clean-traffic's own IPv4 accept is spelled `<mac protocolid='ipv4'/>`). A root-chain drop
    `<mac protocolid='ipv6'/>` at priority 1000, with no accept of IPv6 ahead of it, drops every
    IPv6 frame the guest sends; with the 802.1Q drop beside it (R33) nothing leaves unchecked.
    The fixed code takes only a drop without attributes as the IPv6 catch-all (`not
    constraints`), so the protocolid spelling fails "IPv6 spoofing is not stopped" while the
    `<ipv6/>` spelling of the same drop passes. Right: pass."""
    rules = (
        "<rule action='drop' direction='out' priority='1000'><mac protocolid='ipv6'/></rule>"
        "<rule action='drop' direction='out' priority='1000'><vlan/></rule>"
    )
    a = filtered_node(tmp_path, [dev("v6mac", nic("site", ip="10.0.0.55"))], _site(rules))
    status, msg = verdict(a, "HVA-191", "v6mac")
    assert status == "pass", msg


def test_pve_pending_raw_arguments_are_judged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """qemu-server PVE/API2/Qemu.pm update_vm (read with `search`): on a running VM a change
    that cannot be hotplugged stays in the config's pending section (vmconfig_hotplug_pending),
    and vm_start applies it ("apply pending changes while starting", vmconfig_apply_pending).
    web-10 runs (var/run/qemu-server/200.pid) and its config gains `[PENDING]` with `args: -vnc
    0.0.0.0:1`: at its next start QEMU gets that raw argument (an unauthenticated console on
    every address). HVA-046 reads only the current section and passes. Right: fail, naming the
    pending args (as for the same line in the current section)."""
    from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan

    vm200 = (PVE_HARDENED / "etc/pve/qemu-server/200.conf").read_text()
    report = pve_scan(
        tmp_path,
        capsys,
        {"etc/pve/qemu-server/200.conf": vm200 + "\n[PENDING]\nargs: -vnc 0.0.0.0:1\n"},
    )
    status, msg = pve_result(report, "HVA-046", "web-10")
    assert status == "fail", msg
    assert "-vnc" in msg


# --- re-probe of R13's fix: one VM starts next while the others keep running --------------------------


def test_next_start_of_one_vm_beside_the_others_still_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """virsh.pod (read with `search`): a definition changed on a running domain takes effect "on
    the next boot" of that domain; the others keep running as they run now (a host reboot is one
    order of restarts among many; a rolling restart, one VM at a time, is the common one).
    resv_a runs pinned to host CPUs 0-1 (vCPUs and emulator) and is redefined to 2-3; resv_b runs
    on 4-5 and is redefined to 0-1. Now: disjoint. Both restarted: disjoint. But resv_b's next
    start while resv_a still runs (or the other way round) puts both on 0-1: neither holds a
    reservation (HVA-090's own rule: CPUs another running VM may use reserve nothing). Right:
    fail resv_b at its next start, naming resv_a; the engine compares only "all now" with "all
    next"."""
    import libvirt

    from test_checks_vm import _with_filters

    def pinned(name: str, cpus: tuple[int, int]) -> str:
        a, b = cpus
        return domain_xml(
            name,
            vcpus=2,
            body="<cputune><shares>2048</shares><quota>50000</quota>"
            f"<vcpupin vcpu='0' cpuset='{a}'/><vcpupin vcpu='1' cpuset='{b}'/>"
            f"<emulatorpin cpuset='{a}-{b}'/></cputune>",
        )

    uri = write_node(
        tmp_path / "n.xml", [pinned("resv_a", (0, 1)), pinned("resv_b", (4, 5))], [LAN]
    )
    conn = libvirt.open(uri)
    conn.defineXML(pinned("resv_a", (2, 3)))
    conn.defineXML(pinned("resv_b", (0, 1)))
    monkeypatch.setattr(libvirt, "open", lambda name=None: conn)
    a = run_assessment(_with_filters(tmp_path, uri, NESTING_HOST, "b"))
    status, msg = verdict(a, "HVA-090", "resv_b")
    assert status == "fail", msg
    assert "resv_a" in msg


def test_next_start_memory_of_a_running_vm_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HVA-060 sums the memory of running and autostart VMs. big runs with 1 GiB (not autostart)
    and is redefined with 64 GiB on a 16 GiB host (virsh.pod: the change "will take effect on the
    next boot"). Its next start is a start: it will be running, with 64 GiB, ratio 4 against the
    profile's limit. The engine's next-start deployment takes big's persistent definition, which
    has no run-time id (formatdomain: `id` is "a unique integer identifier for the running
    guest machine. Inactive machines have no id value"), so big is "not running" there and is
    left out of the sum; the running deployment counts 1 GiB. Both pass. Right: fail at big's
    next start."""
    import libvirt

    from test_checks_vm import _with_filters

    uri = write_node(tmp_path / "n.xml", [domain_xml("big", memory_mib=1024)], [LAN])
    conn = libvirt.open(uri)
    conn.defineXML(domain_xml("big", memory_mib=65536))
    monkeypatch.setattr(libvirt, "open", lambda name=None: conn)
    a = run_assessment(_with_filters(tmp_path, uri, NESTING_HOST, "b"))
    status, msg = verdict(a, "HVA-060", "hv1")
    assert status == "fail", msg
    assert "next start" in msg


def test_pve_ipfilter_set_of_two_halves_stops_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """pve-firewall.adoc, "Standard IP set ipfilter-net*" (read with `search`): outgoing traffic
    "with a source IP not matching its interface's corresponding ipfilter set will be dropped".
    0.0.0.0/1 and 128.0.0.0/1 together match every IPv4 address, so nothing is dropped and the
    ARP filter built from the same entries admits every sender address. R20's twin in another
    spelling (vmfix's pending R20 fix reads a /0 entry only). Fail, naming ipfilter-net0."""
    from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan

    fw = (PVE_HARDENED / "etc/pve/firewall/200.fw").read_text()
    report = pve_scan(
        tmp_path,
        capsys,
        {"etc/pve/firewall/200.fw": fw.replace("192.0.2.10", "0.0.0.0/1\n128.0.0.0/1")},
    )
    status, msg = pve_result(report, "HVA-191", "web-10")
    assert status == "fail", msg
    assert "ipfilter-net0" in msg


@pytest.mark.parametrize(
    ("line", "device"),
    [
        ("vga: cirrus", "cirrus"),  # qm.conf vga type cirrus: libvirt's <model type='cirrus'/>
        ("usb0: spice", "USB redirection"),  # usbN: spice = a SPICE USB redirection channel
    ],
)
def test_pve_cirrus_and_spice_usb_redirection_are_legacy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, device: str
) -> None:
    """qm.conf(5): vga "type=<cirrus | none | qxl ... | std | virtio ...>" (cirrus the emulated
    Cirrus Logic card), usb[n] "host=<HOSTUSBDEVICE|spice>": "The value spice can be used to add
    a usb redirection devices for spice" (read with `search`). HVA-047 fails libvirt's
    <video><model type='cirrus'/> ("cirrus video") and <redirdev> ("USB redirection"). With
    `tablet: 0` (so only the probed device counts), api-11 must fail naming the device."""
    from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan

    vm201 = (PVE_HARDENED / "etc/pve/qemu-server/201.conf").read_text()
    conf = vm201 if "tablet:" in vm201 else vm201.replace("vga: std", "vga: std\ntablet: 0")
    conf = conf.replace("vga: std", "vga: cirrus") if line == "vga: cirrus" else conf + line + "\n"
    report = pve_scan(tmp_path, capsys, {"etc/pve/qemu-server/201.conf": conf})
    status, msg = pve_result(report, "HVA-047", "api-11")
    assert status == "fail", msg
    assert device in msg


@pytest.mark.parametrize(
    ("networks", "nic_xml"),
    [
        # a hostdev pool given by its VFs' PCI addresses, no <pf dev>
        (
            [
                "<network><name>vfaddrs</name><forward mode='hostdev' managed='yes'>"
                "<address type='pci' domain='0x0000' bus='0x3b' slot='0x02' function='0x1'/>"
                "</forward></network>"
            ],
            "<interface type='network'><mac address='52:54:00:00:00:52'/>"
            "<source network='vfaddrs'/></interface>",
        ),
        # a VF given to the VM directly
        (
            [],
            "<interface type='hostdev' managed='yes'><mac address='52:54:00:00:00:53'/>"
            "<source><address type='pci' domain='0x0000' bus='0x3b' slot='0x02' "
            "function='0x2'/></source></interface>",
        ),
    ],
    ids=["pool-by-address", "hostdev-interface"],
)
def test_vf_of_an_unknown_pf_is_a_question(host_scan, networks: list[str], nic_xml: str) -> None:
    """formatnetwork, "Forward mode hostdev": the pool may list its VFs as <address type='pci'>
    instead of naming their <pf dev>; formatdomain, <interface type='hostdev'>: the VF by PCI
    address. A VF sends on its PF's port and the NIC's embedded bridge switches VF<->PF (HVA-194's
    docstring; R31 fails the PF that holds the management address). Which PF a VF belongs to is
    /sys/bus/pci/devices/<vf>/physfn on the host, which hvaudit does not read; the hardened
    host's management NIC eno3 may be it. Right: manual naming the VF's address and the
    management NIC, never "no host address on a bridge with VM ports"."""
    a = host_scan(domains=[dev("vmvf", nic_xml)], networks=networks)
    status, msg = verdict(a, "HVA-211", "hv1")
    assert status == "manual", msg
    assert "3b:02" in msg
