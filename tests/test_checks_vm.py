"""VM checks: one test-driver node whose VMs are named for what they exercise; every check's exact
outcome per VM is asserted, on a simulated host and on a (replayed) real host."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import (
    HARDENED_HOST,
    build_bundle,
    domain_xml,
    messages,
    outcomes,
    run_assessment,
    write_node,
)
from hvaudit.bundle import dump_json

VNC_LOCAL = "<graphics type='vnc' autoport='yes' listen='127.0.0.1' passwd='x'/>"
NIC_OK = (
    "<interface type='network'><source network='lan'/><model type='virtio'/>"
    "<filterref filter='clean-traffic'><parameter name='IP' value='10.0.0.5'/></filterref>"
    "<bandwidth><inbound average='1000'/><outbound average='1000'/></bandwidth></interface>"
)
DISK_OK = (
    "<disk type='file' device='disk'><source file='/var/lib/libvirt/images/h.qcow2'/>"
    "<target dev='vda' bus='virtio'/><iotune><total_iops_sec>500</total_iops_sec></iotune></disk>"
)


def nic(
    extra: str = "",
    *,
    itype: str = "network",
    source: str = "<source network='lan'/>",
    attrs: str = "",
) -> str:
    return f"<interface type='{itype}'{attrs}>{source}<model type='virtio'/>{extra}</interface>"


DOMAINS = {
    "hardened": domain_xml(
        "hardened",
        memory_mib=2048,
        vcpus=2,
        body="<memoryBacking><hugepages/></memoryBacking>"
        "<memtune><hard_limit unit='MiB'>2300</hard_limit><soft_limit unit='MiB'>1500</soft_limit></memtune>"
        "<cputune><shares>2048</shares><quota>50000</quota><vcpupin vcpu='0' cpuset='2'/>"
        "<vcpupin vcpu='1' cpuset='3'/></cputune>"
        f"<devices>{DISK_OK}{NIC_OK}{VNC_LOCAL}</devices>"
        "<seclabel type='dynamic' model='apparmor' relabel='yes'/>",
    ),
    "tcg": domain_xml("tcg", dtype="qemu"),
    "unconfined": domain_xml("unconfined", body="<seclabel type='none' model='apparmor'/>"),
    "legacy": domain_xml(
        "legacy",
        body="<devices><disk type='file' device='floppy'>"
        "<source file='/f.img'/><target dev='fda' bus='fdc'/></disk>"
        "<disk type='file' device='disk'><source file='/d.img'/><target dev='hda' bus='ide'/>"
        "</disk><sound model='ich6'/></devices>",
    ),
    "passthrough": domain_xml(
        "passthrough",
        body="<devices><hostdev mode='subsystem' type='pci' "
        "managed='yes'><source><address domain='0x0000' bus='0x65' slot='0x00' "
        "function='0x0'/></source></hostdev></devices>",
    ),
    "bigcpu": domain_xml("bigcpu", vcpus=8),
    "lockednolimit": domain_xml(
        "lockednolimit",
        body="<memoryBacking><locked/></memoryBacking>"
        "<memtune><soft_limit unit='MiB'>512</soft_limit></memtune>",
    ),
    "realtime": domain_xml(
        "realtime",
        vcpus=2,
        body="<cputune><shares>100</shares><quota>10000</quota>"
        "<vcpupin vcpu='0' cpuset='1'/><vcpusched vcpus='0-1' scheduler='fifo' "
        "priority='1'/></cputune>",
    ),
    "openvnc": domain_xml(
        "openvnc", body="<devices><graphics type='vnc' autoport='yes' listen='0.0.0.0'/></devices>"
    ),
    "openvncpw": domain_xml(
        "openvncpw",
        body="<devices><graphics type='vnc' autoport='yes' "
        "listen='0.0.0.0' passwd='secret-value-123'/></devices>",
    ),
    "defaultvnc": domain_xml(
        "defaultvnc", body="<devices><graphics type='vnc' autoport='yes'/></devices>"
    ),
    "trunk": domain_xml(
        "trunk",
        body="<devices>"
        + nic(
            "<virtualport type='openvswitch'/><vlan trunk='yes'><tag id='10'/><tag id='20'/></vlan>"
            "<filterref filter='clean-traffic'/>",
            itype="bridge",
            source="<source bridge='ovs0'/>",
        )
        + "</devices>",
    ),
    "onevlan": domain_xml(
        "onevlan",
        body="<devices>"
        + nic(
            "<virtualport type='openvswitch'/><vlan><tag id='10'/></vlan><filterref filter='clean-traffic'/>",
            itype="bridge",
            source="<source bridge='ovs0'/>",
        )
        + "</devices>",
    ),
    "rxtrust": domain_xml(
        "rxtrust",
        body="<devices>"
        + nic(
            itype="direct",
            source="<source dev='eth1' mode='vepa'/>",
            attrs=" trustGuestRxFilters='yes'",
        )
        + "</devices>",
    ),
    "macvtapbridge": domain_xml(
        "macvtapbridge",
        body="<devices>"
        + nic(itype="direct", source="<source dev='eth1' mode='bridge'/>")
        + "</devices>",
    ),
    "nofilter": domain_xml("nofilter", body="<devices>" + nic() + "</devices>"),
    "macfilter": domain_xml(
        "macfilter", body="<devices>" + nic("<filterref filter='no-mac-spoofing'/>") + "</devices>"
    ),
    "tenant": domain_xml(
        "tenant", body="<devices>" + nic("<filterref filter='tenant-guard'/>") + "</devices>"
    ),
    "ghostfilter": domain_xml(
        "ghostfilter", body="<devices>" + nic("<filterref filter='ghost'/>") + "</devices>"
    ),
}
NETWORKS = ["<network><name>lan</name><forward mode='bridge'/><bridge name='br0'/></network>"]

# Filter definitions of a host with the nwfilter driver, written for these tests in libvirt's
# format: clean-traffic references the three anti-spoofing filters, tenant-guard wraps it.
NWFILTERS = {
    "clean-traffic": "<filter name='clean-traffic' chain='root'><filterref filter='no-mac-spoofing'/>"
    "<filterref filter='no-ip-spoofing'/><filterref filter='no-arp-spoofing'/>"
    "<filterref filter='allow-incoming-ipv4'/></filter>",
    "no-mac-spoofing": "<filter name='no-mac-spoofing' chain='mac'><rule action='drop' direction='out'>"
    "<mac match='no' srcmacaddr='$MAC'/></rule></filter>",
    "no-ip-spoofing": "<filter name='no-ip-spoofing' chain='ipv4-ip'/>",
    "no-arp-spoofing": "<filter name='no-arp-spoofing' chain='arp'/>",
    "allow-incoming-ipv4": "<filter name='allow-incoming-ipv4' chain='ipv4'/>",
    "tenant-guard": "<filter name='tenant-guard' chain='root'><filterref filter='clean-traffic'/></filter>",
}

EXPECT_ANY_HOST: dict[str, dict[str, str]] = {
    "HVA-012": {"tcg": "fail", "hardened": "pass", "unconfined": "pass"},
    "HVA-044": {"unconfined": "fail", "hardened": "pass", "tcg": "pass"},
    "HVA-046": {"hardened": "pass", "tcg": "pass"},
    "HVA-047": {"legacy": "fail", "hardened": "pass"},
    "HVA-070": {"hardened": "pass", "lockednolimit": "fail", "tcg": "fail"},
    "HVA-080": {"bigcpu": "fail", "hardened": "pass"},
    "HVA-090": {"hardened": "pass", "realtime": "pass", "tcg": "fail"},
    "HVA-091": {"realtime": "fail", "hardened": "pass"},
    "HVA-092": {"hardened": "pass", "nofilter": "fail", "tcg": "not_applicable"},
    "HVA-192": {"trunk": "fail", "onevlan": "pass", "hardened": "pass", "tcg": "not_applicable"},
    "HVA-193": {"rxtrust": "fail", "macvtapbridge": "pass", "hardened": "pass"},
    "HVA-194": {"macvtapbridge": "fail", "rxtrust": "pass", "hardened": "not_applicable"},
}


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    d = tmp_path_factory.mktemp("vmnode")
    return d, write_node(d / "node.xml", DOMAINS.values(), NETWORKS)


@pytest.fixture(scope="module")
def simulated(node: tuple[Path, str]):
    d, uri = node
    return run_assessment(build_bundle(d, uri, None, name="sim"))


def _with_filters(d: Path, uri: str, host: dict[str, object], name: str) -> Path:
    """A replayed host whose libvirt daemon also reports network filter definitions."""
    from conftest import ReplayRunner
    from hvaudit.bundle import BundleWriter
    from hvaudit.collect.host import HostCollector
    from hvaudit.collect.libvirt import LibvirtCollector, LibvirtTarget

    writer = BundleWriter(d / name, target="qemu+ssh://root@hv1/system", platform="kvm-libvirt")
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=True).collect(writer)
    del writer.entries["libvirt/nwfilters/index.json"]  # the test driver has no nwfilter driver
    index = []
    for i, (fname, xml) in enumerate(NWFILTERS.items()):
        path = f"libvirt/nwfilters/{i:05d}-{fname}.xml"
        writer.add(path, xml.encode(), origin="virConnectListAllNWFilters XMLDesc")
        index.append({"name": fname, "file": path})
    writer.add("libvirt/nwfilters/index.json", dump_json({"nwfilters": index}), origin="test")
    del writer.entries["libvirt/secrets/index.json"]  # nor secrets
    secrets = []
    for i, (uid, private) in enumerate(
        (
            ("5a0f3c1e-0000-4000-8000-000000000001", "yes"),
            ("5a0f3c1e-0000-4000-8000-000000000002", "no"),
        )
    ):
        path = f"libvirt/secrets/{i:05d}-{uid}.xml"
        xml = (
            f"<secret ephemeral='no' private='{private}'><uuid>{uid}</uuid>"
            f"<usage type='volume'><volume>/var/lib/libvirt/images/disk{i}.luks</volume></usage></secret>"
        )
        writer.add(path, xml.encode(), origin="virConnectListAllSecrets XMLDesc")
        secrets.append({"name": uid, "file": path})
    writer.add("libvirt/secrets/index.json", dump_json({"secrets": secrets}), origin="test")
    writer.meta["collector"]["libvirt"].update(simulated=False, hostname="hv1")
    HostCollector(ReplayRunner(host)).collect(writer)
    return writer.close(complete=True)


@pytest.fixture(scope="module")
def real_host(node: tuple[Path, str]):
    d, uri = node
    return run_assessment(_with_filters(d, uri, dict(HARDENED_HOST), "real"))


@pytest.mark.parametrize("check_id", sorted(EXPECT_ANY_HOST))
def test_vm_checks_on_simulated_and_real_host(simulated, real_host, check_id: str) -> None:
    for a in (simulated, real_host):
        got = outcomes(a, check_id)
        for vm, status in EXPECT_ANY_HOST[check_id].items():
            assert got[vm] == status, (check_id, vm, messages(a, check_id)[vm])


def test_every_vm_gets_a_result_from_every_vm_check(simulated) -> None:
    vm_checks = {r.check.id for r in simulated.results if r.check.scope == "vm"}
    for cid in vm_checks:
        assert set(outcomes(simulated, cid)) == set(DOMAINS), cid


def test_console_exposure(simulated, real_host) -> None:
    sim = outcomes(simulated, "HVA-031")
    assert sim["openvnc"] == "fail"  # no password: fails whatever TLS says
    assert sim["openvncpw"] == "not_applicable"  # TLS is host-wide, and this host is simulated
    assert sim["defaultvnc"] == "not_applicable"  # listen address comes from qemu.conf
    assert sim["hardened"] == "pass"
    assert sim["tcg"] == "not_applicable"
    real = outcomes(real_host, "HVA-031")
    assert real["openvncpw"] == "pass"  # vnc_tls = 1 on the hardened host, password set
    assert real["defaultvnc"] == "pass"  # qemu.conf default vnc_listen 127.0.0.1
    assert real["openvnc"] == "fail"


def test_console_without_tls_fails_and_hidden_password_is_not_a_pass(node, tmp_path: Path) -> None:
    _, uri = node
    host = dict(HARDENED_HOST, **{"/etc/libvirt/qemu.conf": 'user = "libvirt-qemu"\n'})
    a = run_assessment(_with_filters(tmp_path, uri, host, "notls"))
    assert outcomes(a, "HVA-031")["openvncpw"] == "fail"
    assert "without TLS (vnc_tls = 0)" in messages(a, "HVA-031")["openvncpw"]
    # Read-only collection cannot see passwords: a TLS console is then a manual item, not a pass.
    ro = run_assessment(
        build_bundle(tmp_path, uri, dict(HARDENED_HOST), secure_xml=False, name="ro")
    )
    assert outcomes(ro, "HVA-031")["openvncpw"] == "manual"
    assert outcomes(ro, "HVA-031")["openvnc"] == "manual"


def test_passthrough_needs_an_iommu(node, tmp_path: Path, simulated, real_host) -> None:
    _, uri = node
    assert outcomes(simulated, "HVA-050")["passthrough"] == "not_applicable"
    assert outcomes(real_host, "HVA-050")["passthrough"] == "pass"
    assert outcomes(real_host, "HVA-050")["hardened"] == "not_applicable"
    host = dict(HARDENED_HOST, **{"iommu-groups": ("", 2)})
    a = run_assessment(_with_filters(tmp_path, uri, host, "noiommu"))
    assert outcomes(a, "HVA-050")["passthrough"] == "fail"
    assert "0000:65:00.0" in messages(a, "HVA-050")["passthrough"]


def test_anti_spoofing_follows_filter_references(simulated, real_host) -> None:
    real = outcomes(real_host, "HVA-191")
    assert real["hardened"] == "pass"
    assert real["tenant"] == "pass"  # tenant-guard -> clean-traffic -> the three filters
    assert real["nofilter"] == "fail"
    assert real["macfilter"] == "fail"
    assert real["ghostfilter"] == "fail"
    assert "not defined" in messages(real_host, "HVA-191")["ghostfilter"]
    assert real["tcg"] == "not_applicable"
    sim = outcomes(simulated, "HVA-191")
    assert sim["hardened"] == "manual"  # the test driver has no filter definitions to verify
    assert sim["tenant"] == "manual"
    assert sim["nofilter"] == "fail"
    assert sim["macfilter"] == "fail"


def test_raw_qemu_arguments_from_real_domain_xml(tmp_path: Path) -> None:
    """The test driver drops <qemu:commandline>, so this case uses libvirt's own test file (and the
    real-libvirtd e2e test), added to a collected bundle as the daemon would return it."""
    from conftest import CORPUS
    from hvaudit.bundle import BundleWriter
    from hvaudit.collect.libvirt import LibvirtCollector, LibvirtTarget

    raw = (CORPUS / "qemu-domains" / "qemu-ns-commandline.xml").read_text()
    uri = write_node(tmp_path / "n.xml", [domain_xml("plain")])
    writer = BundleWriter(tmp_path / "b", target=uri, platform="kvm-libvirt")
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=True).collect(writer)
    del writer.entries["libvirt/domains/index.json"]
    writer.add("libvirt/domains/raw.xml", raw.encode(), origin="virDomainGetXMLDesc")
    plain = next(
        p
        for p in writer.entries
        if p.startswith("libvirt/domains/")
        and p.endswith(".xml")
        and p != "libvirt/domains/raw.xml"
    )
    writer.add(
        "libvirt/domains/index.json",
        dump_json(
            {
                "domains": [
                    {"uuid": "raw", "file": "libvirt/domains/raw.xml", "autostart": False},
                    {"uuid": "plain", "file": plain, "autostart": False},
                ]
            }
        ),
        origin="test",
    )
    writer.record("host", status="not_applicable", origin="host facts", reason="simulated")
    a = run_assessment(writer.close(complete=True))
    got = outcomes(a, "HVA-046")
    assert got == {"QEMUGuest1": "fail", "plain": "pass"}
    assert "ARGUMENT" in messages(a, "HVA-046")["QEMUGuest1"]


def test_secrets_must_be_private(simulated, real_host) -> None:
    assert outcomes(real_host, "HVA-133") == {
        "volume /var/lib/libvirt/images/disk0.luks": "pass",
        "volume /var/lib/libvirt/images/disk1.luks": "fail",
    }
    # The test driver has no secrets: unavailable evidence, a manual item, not a pass.
    assert outcomes(simulated, "HVA-133") == {"(all)": "manual"}
    assert "does not implement secrets" in messages(simulated, "HVA-133")["(all)"]
