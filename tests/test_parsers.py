"""Parsers against libvirt's own test corpus and hostile XML: never a crash, always a clear error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import CORPUS
from hvaudit.errors import InputError
from hvaudit.parse.libvirt_conf import parse_conf
from hvaudit.parse.libvirt_xml import parse_domain, parse_network, parse_pool
from hvaudit.safexml import parse_xml

DOMAINS = sorted((CORPUS / "qemu-domains").glob("*.xml"))
NETWORKS = sorted((CORPUS / "networks").glob("*.xml"))
NWFILTERS = sorted((CORPUS / "nwfilters").glob("*.xml"))


def test_corpus_is_present() -> None:
    assert len(DOMAINS) == 494 and len(NETWORKS) == 46 and len(NWFILTERS) == 41


@pytest.mark.parametrize("secure", [True, False])
def test_every_corpus_domain_parses_or_fails_cleanly(secure: bool) -> None:
    parsed = refused = 0
    for path in DOMAINS:
        try:
            vm = parse_domain(
                path.read_text(errors="replace"), path.name, "h", autostart=False, secure_xml=secure
            )
        except InputError as exc:
            assert path.name in str(exc)
            refused += 1
            continue
        assert vm.vcpus_max >= 1 and vm.name
        parsed += 1
    assert parsed >= 490, (parsed, refused)


def test_corpus_domains_exercise_the_model() -> None:
    vms = [
        parse_domain(p.read_text(), p.name, "h", autostart=False, secure_xml=False) for p in DOMAINS
    ]
    assert sum(1 for v in vms if v.passthrough) >= 10
    assert sum(1 for v in vms if v.raw_hypervisor_arguments) >= 3
    assert sum(1 for v in vms if v.graphics) >= 20
    assert sum(1 for v in vms if v.memory_limit) >= 1
    assert any(v.confinement_disabled for v in vms)


def test_every_corpus_network_parses_or_fails_cleanly() -> None:
    for path in NETWORKS:
        try:
            net = parse_network(path.read_text(), path.name, "h")
        except InputError as exc:
            assert path.name in str(exc)
            continue
        assert net.forward_mode


def test_every_corpus_nwfilter_is_safe_xml() -> None:
    for path in NWFILTERS:
        try:
            root = parse_xml(path.read_text(), path.name)
        except InputError as exc:
            assert path.name in str(exc)
            continue
        assert root.tag == "filter"


def test_entity_expansion_and_external_entities_are_refused() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        "<domain type='kvm'><name>&b;</name></domain>"
    )
    with pytest.raises(InputError, match="refused unsafe XML"):
        parse_domain(bomb, "bomb.xml", "h", autostart=False, secure_xml=False)
    xxe = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><domain>&x;</domain>'
    with pytest.raises(InputError, match="refused unsafe XML"):
        parse_xml(xxe, "xxe.xml")


def test_malformed_xml_names_the_artefact() -> None:
    with pytest.raises(InputError, match=r"broken\.xml: malformed XML"):
        parse_domain(
            "<domain><name>x</nam></domain>", "broken.xml", "h", autostart=False, secure_xml=False
        )
    with pytest.raises(InputError, match="not a domain document"):
        parse_domain("<network/>", "n.xml", "h", autostart=False, secure_xml=False)


def test_pool_and_network_fields() -> None:
    pool = parse_pool(
        "<pool type='netfs'><name>iso</name><target><path>/mnt/iso</path></target></pool>", "p", "h"
    )
    assert (pool.type, pool.target) == ("netfs", "/mnt/iso")
    net = parse_network(
        "<network trustGuestRxFilters='yes'><name>t</name><forward mode='bridge'/>"
        "<bridge name='ovs0'/><virtualport type='openvswitch'/>"
        "<vlan trunk='yes'><tag id='1'/><tag id='2'/></vlan></network>",
        "n",
        "h",
    )
    assert net.vlan_trunk and net.vlan_tags == (1, 2) and net.trust_guest_rx_filters


def test_libvirt_conf_parser() -> None:
    text = (
        '# comment\nuser = "libvirt-qemu"   # trailing\nseccomp_sandbox = 0\n'
        'cgroup_device_acl = [\n  "/dev/null", "/dev/full",\n  "/dev/kvm"\n]\nvnc_listen = "0.0.0.0"\n'
    )
    values, lines = parse_conf(text, "qemu.conf")
    assert values == {
        "user": "libvirt-qemu",
        "seccomp_sandbox": 0,
        "cgroup_device_acl": ["/dev/null", "/dev/full", "/dev/kvm"],
        "vnc_listen": "0.0.0.0",
    }
    assert lines["cgroup_device_acl"] == 4
    with pytest.raises(InputError, match=r"qemu.conf:2: expected 'key = value'"):
        parse_conf("a = 1\nthis is not a setting\n", "qemu.conf")
    values, _ = parse_conf('tls_allowed_dn_list = ["C=GB,O=Example,CN=a", "CN=b"]\n', "l.conf")
    assert values["tls_allowed_dn_list"] == ["C=GB,O=Example,CN=a", "CN=b"]
    with pytest.raises(InputError, match="unterminated list"):
        parse_conf('x = [ "a",\n', "qemu.conf")


def test_stock_debian_conf_files_parse(tmp_path: Path) -> None:
    for f in (Path("/etc/libvirt/qemu.conf"), Path("/etc/libvirt/libvirtd.conf")):
        if f.exists():
            values, _ = parse_conf(f.read_text(), f.name)
            assert isinstance(values, dict)


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ('vnc_listen = """0.0.0.0"""\n', {"vnc_listen": "0.0.0.0"}),  # triple quotes
        ('x = """a\nb"""\ny = 1\n', {"x": "a\nb", "y": 1}),  # across lines
        ('auth_tcp = "none"; listen_tcp = 1\n', {"auth_tcp": "none", "listen_tcp": 1}),
        ("unix_sock_rw_perms = 0777\n", {"unix_sock_rw_perms": 777}),  # decimal only
        ('x = [ "a", "b", ]\n', {"x": ["a", "b"]}),  # a trailing comma
        ("x = 'a'\nx = \"b\"\n", {"x": "a"}),  # the first entry wins
    ],
)
def test_libvirt_conf_grammar_is_virconf(text: str, values: dict[str, object]) -> None:
    """The grammar of libvirt's src/util/virconf.c (virConfParseString, virConfParseLong,
    virConfParseSeparator)."""
    assert parse_conf(text, "qemu.conf")[0] == values


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("x = 0x10\n", "qemu.conf:1: expecting a separator after the value of x"),
        ("x = 'it''s'\n", "qemu.conf:1: expecting a separator after the value of x"),
        ('x = """open\n', "qemu.conf:1: unterminated string"),
        ('x = [ "a" "b" ]\n', "qemu.conf:1: expecting a separator in list"),
    ],
)
def test_libvirt_conf_grammar_errors(text: str, error: str) -> None:
    """What libvirt refuses to read is an input error naming the file and line."""
    with pytest.raises(InputError, match=re.escape(error)):
        parse_conf(text, "qemu.conf")


@pytest.mark.parametrize(
    ("os_type", "inputs", "legacy"),
    [
        # x86 HVM: a bus-less mouse and keyboard are PS/2 (libvirt writes bus='ps2'), a tablet USB
        ("<type arch='x86_64'>hvm</type>", "mouse keyboard", ()),
        ("<type arch='x86_64'>hvm</type>", "tablet", ("USB tablet",)),
        ("<type>hvm</type>", "mouse", ()),
        # a non-x86 HVM guest has no i8042: libvirt puts them on USB
        ("<type arch='aarch64'>hvm</type>", "mouse keyboard", ("USB mouse", "USB keyboard")),
        # a Xen PV guest's input is on the xen bus
        ("<type>linux</type>", "mouse", ()),
    ],
)
def test_an_input_without_bus_is_on_the_bus_libvirt_gives_it(
    os_type: str, inputs: str, legacy: tuple[str, ...]
) -> None:
    """A definition that never passed through libvirt (a hand-made bundle) may name no bus:
    libvirt's virDomainInputDefParseXML makes a mouse PS/2 on an HVM guest (libvirt 9.0.0's test
    driver writes bus='ps2' for a bus-less x86_64 mouse and keyboard), so a PS/2 mouse must not
    fail HVA-047 as a USB one (the parser took every bus-less input for USB)."""
    devices = "".join(f"<input type='{kind}'/>" for kind in inputs.split())
    xml = (
        "<domain type='kvm'><name>i</name><memory>1024</memory>"
        f"<os>{os_type}</os><devices>{devices}</devices></domain>"
    )
    vm = parse_domain(xml, "i.xml", "h", autostart=False, secure_xml=True)
    assert vm.emulated_legacy_devices == legacy
