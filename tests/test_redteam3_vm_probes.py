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

from conftest import HARDENED_HOST, domain_xml, messages, outcomes, run_assessment, write_node
from hvaudit.engine import Assessment
from test_nwfilter_stock import STOCK


def dev(name: str, devices: str, body: str = "") -> str:
    """A domain whose <devices> hold `devices` (and `body` outside them)."""
    return domain_xml(name, body=f"{body}<devices>{devices}</devices>")


def xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


def nic(filt: str = "", *, mac: str = "", source: str = "<source network='lan'/>") -> str:
    ref = f"<filterref filter='{filt}'/>" if filt else ""
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


@xfail(
    "R1: HVA-191 counts MAC/IP/ARP by filter name; a tree without no-other-l2-traffic (or an "
    "IPv6 filter) lets IPv6 frames with any source address through, and the VM passes"
)
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
        [dev("v6open", nic("site-guard")), dev("v4clean", nic("clean-traffic"))],
        filters,
    )
    assert verdict(a, "HVA-191", "v4clean")[0] == "pass"
    status, msg = verdict(a, "HVA-191", "v6open")
    assert status == "fail", msg
    assert "IPv6" in msg


@xfail(
    "R2: HVA-191 trusts a filter named no-mac-spoofing whatever its definition; an empty "
    "redefinition (virsh nwfilter-define) drops nothing and the VM passes"
)
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


@xfail(
    "R3: HVA-049 passes <cpu mode='custom' match='minimum'> as a named model without vmx; "
    "libvirt updates it like host-model, so it gets vmx on a nesting host"
)
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


@xfail(
    "R4: HVA-197 passes a VM whose port is isolated while a non-isolated VM port shares its "
    "bridge; isolated ports still talk to non-isolated ones"
)
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
@xfail(
    "R5: HVA-064 matches the distribution paths as string prefixes ('/usr/bin/qemu' admits "
    "every /usr/bin/qemu* name, directories included)"
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


@xfail(
    "R6: HVA-057 reads only <shmem>; two VMs mapping one host file through <memory "
    "model='nvdimm' access='shared'> share memory and both pass"
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
@xfail(
    "R7: HVA-042 reads a per-domain DAC label as uid/gid 0 only when spelled 0, +0 or root; "
    "+00 and an account or group name with id 0 run that VM's QEMU as root too"
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
