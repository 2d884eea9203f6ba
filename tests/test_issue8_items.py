"""Items of issue 8 that no other test pinned, each through the real collector, parser and engine.

Written so that they also run against the code before issue 8 (scripts/prove-issue8 runs them on
both): they use only what both revisions have (the check metadata's id, scope, recommendations and
question; the CLI's `assess` and its JSON and Markdown reports), so a failure there is a verdict,
not a missing helper. docs/verdict-tests.md has the measured results.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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
from hvaudit.checks import all_checks
from hvaudit.cli import main

META = {c.meta.id: c.meta for c in all_checks()}
A, R, B = "sp800-125a-2014", "sp800-125a-r1", "sp800-125b"

USB_HOSTDEV = (
    "<hostdev mode='subsystem' type='usb'><source><vendor id='0x1234'/><product id='0xbeef'/>"
    "</source></hostdev>"
)
SCSI_HOSTDEV = (
    "<hostdev mode='subsystem' type='scsi'><source><adapter name='scsi_host0'/>"
    "<address bus='0' target='0' unit='0'/></source></hostdev>"
)


def test_usb_and_scsi_passthrough_need_no_iommu(host_scan) -> None:
    """HVA-050: USB and SCSI host devices are reached through the host's own drivers (no DMA from
    the device into the guest), so a host without an IOMMU does not fail them."""
    a = host_scan(
        {"iommu-groups": ("", 2), "iommu-group-devices": ("", 2)},
        domains=[
            domain_xml("usbonly", body=f"<devices>{USB_HOSTDEV}</devices>"),
            domain_xml("scsionly", body=f"<devices>{SCSI_HOSTDEV}</devices>"),
        ],
    )
    assert outcomes(a, "HVA-050") == {"usbonly": "not_applicable", "scsionly": "not_applicable"}
    assert messages(a, "HVA-050") == {
        "usbonly": "no DMA-capable (PCI) passthrough: usb devices stay host-mediated",
        "scsionly": "no DMA-capable (PCI) passthrough: scsi devices stay host-mediated",
    }


#: sshd installed (its host keys never generated), not running: `sshd -T` exits 255.
SSHD_STOPPED: dict[str, Any] = {
    "sshd-effective": ("", 255),
    "sshd-units": ("inactive\ninactive\ninactive\ninactive\n", 3),
    "processes": ("    1 root /sbin/init\n  401 root /sbin/auditd\n", 0),
    "listeners": ("", 0),
}


def _assess(bundle: Path, fmt: str, out: Path) -> int:
    return main(["assess", str(bundle), "--format", fmt, "--output", str(out)])


def test_a_host_with_sshd_stopped_is_reported_not_an_error(tmp_path: Path) -> None:
    """HY-SR-16 allows disabling SSH: a stopped sshd is a fact of the report, not an error, and the
    scan's exit code says findings (1), not errors (3)."""
    uri = write_node(tmp_path / "node.xml", [domain_xml("web01")])
    bundle = build_bundle(tmp_path, uri, {**HARDENED_HOST, **SSHD_STOPPED})
    assert _assess(bundle, "json", tmp_path / "r.json") == 1
    report = json.loads((tmp_path / "r.json").read_text())
    got = {
        r["check_id"]: (r["status"], r["message"])
        for r in report["results"]
        if r["check_id"] in ("HVA-151", "HVA-160", "HVA-161")
    }
    stopped = (
        "SSH server installed but not running (no sshd process, ssh/sshd units inactive): no SSH "
        "logins to judge; the check applies again when sshd is started"
    )
    assert got == dict.fromkeys(("HVA-151", "HVA-160", "HVA-161"), ("not_applicable", stopped))


def _many_vms(tmp_path: Path, n: int) -> Path:
    uri = write_node(tmp_path / "node.xml", [domain_xml(f"web-{i:02d}") for i in range(n)])
    return build_bundle(tmp_path, uri, None)


def test_a_check_failing_on_every_vm_is_told_once(tmp_path: Path) -> None:
    """ "HVA-070 fails on 6 of 6 VMs" once, with the list, instead of six findings."""
    bundle = _many_vms(tmp_path, 6)
    assert _assess(bundle, "markdown", tmp_path / "r.md") == 1
    md = (tmp_path / "r.md").read_text()
    rows = [line for line in md.splitlines() if line.startswith("| ") and "HVA-070" in line]
    assert len(rows) == 1
    assert "HVA-070 fails on 6 of 6 VMs (listed below)" in rows[0]
    section = md.split("### HVA-070 fails on 6 of 6 VMs", 1)[1].split("###", 1)[0]
    listed = [line for line in section.splitlines() if line.startswith("- vm web-")]
    assert len(listed) == 6
    assert _assess(bundle, "json", tmp_path / "r.json") == 1
    report = json.loads((tmp_path / "r.json").read_text())
    groups = [g for g in report.get("groups", []) if g["check_id"] == "HVA-070"]
    assert [(g["status"], g["count"], g["of"]) for g in groups] == [("fail", 6, 6)]


def test_the_report_marks_findings_that_rest_on_an_interpretation(tmp_path: Path) -> None:
    """HVA-191 (anti-spoofing on the VM port) rests on hvaudit's reading of SP 800-125B VM-FW-R2;
    the JSON report says so for each result."""
    nic = (
        "<devices><interface type='network'><source network='default'/><model type='virtio'/>"
        "</interface></devices>"
    )
    net = (
        "<network><name>default</name><bridge name='virbr0'/><forward mode='nat'/>"
        "<ip address='192.168.122.1' netmask='255.255.255.0'/></network>"
    )
    uri = write_node(tmp_path / "node.xml", [domain_xml("web01", nic)], [net])
    bundle = build_bundle(tmp_path, uri, None)
    _assess(bundle, "json", tmp_path / "r.json")
    report = json.loads((tmp_path / "r.json").read_text())
    r191 = next(r for r in report["results"] if r["check_id"] == "HVA-191")
    assert r191["recommendations"][B] == ["VM-FW-R2"]
    assert list((r191.get("interpretations") or {}).get(B, {})) == ["VM-FW-R2"]


def test_no_vm_check_is_filed_under_a_host_only_recommendation() -> None:
    """2014 HY-SR-19 and HY-SR-21 and Rev. 1 HY-SR-20 are about the host's own packet filter and
    services; a per-VM check (port spoofing, trunks, promiscuous mode, macvtap) is not cited there."""
    host_only = {(A, "HY-SR-19"), (A, "HY-SR-21"), (R, "HY-SR-20")}
    misplaced = sorted(
        m.id
        for m in META.values()
        if m.scope == "vm"
        and host_only & {(e, rec) for e, recs in m.recommendations.items() for rec in recs}
    )
    assert misplaced == []


def test_hva_101_asks_one_question_per_recommendation() -> None:
    """HVA-101 packed four Rev. 1 recommendations (SR-9..12) into one question; each is its own
    manual check now, with one question that names its evidence and its pass criterion."""
    split = {
        "HVA-235": "HY-SR-9",
        "HVA-101": "HY-SR-10",
        "HVA-236": "HY-SR-11",
        "HVA-237": "HY-SR-12",
    }
    got = {
        cid: list(META[cid].recommendations.get(R, ())) if cid in META else None for cid in split
    }
    assert got == {cid: [rec] for cid, rec in split.items()}
    for cid in split:
        q = META[cid].question or ""
        assert META[cid].automation == "manual"
        assert q.count("?") == 1, (cid, q)
        assert "Evidence:" in q and "Pass:" in q, (cid, q)


def test_hva_110_states_its_pass_criterion() -> None:
    q = META["HVA-110"].question or ""
    assert "Evidence:" in q
    assert (
        "Pass: every VM covered and updates automatic; fail: any VM uncovered or signatures "
        "updated by hand." in q
    )


@pytest.mark.parametrize("cid", ["HVA-101", "HVA-110", "HVA-235", "HVA-236", "HVA-237"])
def test_the_split_manual_items_reach_the_report_as_manual(host_scan, cid: str) -> None:
    a = host_scan()
    assert outcomes(a, cid) == {"hv1": "manual"}


CONSOLE_TCP = (
    "<console type='tcp'><source mode='bind' host='0.0.0.0' service='4560'/>"
    "<protocol type='telnet'/><target type='virtio' port='0'/></console>"
)
REDIRDEV_TCP = (
    "<controller type='usb' model='qemu-xhci'/><redirdev bus='usb' type='tcp'><source mode='bind' host='0.0.0.0' service='4561'/>"
    "</redirdev>"
)


def test_tcp_console_and_redirdev_listeners_are_checked(host_scan) -> None:
    """HVA-031: a <console> or <redirdev> on TCP bound to every address is a listener like a TCP
    <serial>; the hardened host has chardev_tls = 0 (its default)."""
    a = host_scan(
        domains=[
            domain_xml("consoletcp", body=f"<devices>{CONSOLE_TCP}</devices>"),
            domain_xml("redirtcp", body=f"<devices>{REDIRDEV_TCP}</devices>"),
        ]
    )
    assert outcomes(a, "HVA-031") == {"consoletcp": "fail", "redirtcp": "fail"}
    assert messages(a, "HVA-031") == {
        "consoletcp": "console on 0.0.0.0 (bound to every address) port 4560 without TLS "
        "(chardev_tls = 0)",
        "redirtcp": "redirdev on 0.0.0.0 (bound to every address) port 4561 without TLS "
        "(chardev_tls = 0)",
    }


def test_consoles_on_every_address_apply_on_a_simulated_host(tmp_path: Path) -> None:
    """HVA-031 on a test-driver scan: the console is in the domain XML, so the check applies; the
    XML proves the binding to every address, qemu.conf (not read) decides TLS and the password."""
    uri = write_node(
        tmp_path / "node.xml",
        [
            domain_xml(
                "spicenopw",
                body="<devices><graphics type='spice' autoport='yes' listen='0.0.0.0'/></devices>",
            ),
            domain_xml(
                "vncpw",
                body="<devices><graphics type='vnc' autoport='yes' listen='0.0.0.0' "
                "passwd='secret-value-123'/></devices>",
            ),
        ],
    )
    a = run_assessment(build_bundle(tmp_path, uri, None))
    assert outcomes(a, "HVA-031") == {"spicenopw": "fail", "vncpw": "manual"}
    assert messages(a, "HVA-031")["spicenopw"].startswith(
        "spice on 0.0.0.0 (bound to every address) admits plaintext channels (defaultMode='any')"
    )
    assert messages(a, "HVA-031")["vncpw"].startswith("vnc on 0.0.0.0 (bound to every address)")


def test_nwfilter_on_a_macvtap_network_is_not_a_pass(tmp_path: Path) -> None:
    """HVA-191: a <network> with <forward mode='bridge'> over a device is macvtap; libvirt's
    nwfilter never sees its traffic, so the VM's clean-traffic reference protects nothing."""
    from test_checks_vm import MACVTAP_NET, NETWORKS, _with_filters, nic

    vm = domain_xml(
        "onmacv",
        body="<devices>"
        + nic("<filterref filter='clean-traffic'/>", source="<source network='macv'/>")
        + "</devices>",
    )
    uri = write_node(tmp_path / "node.xml", [vm], [*NETWORKS, MACVTAP_NET])
    a = run_assessment(_with_filters(tmp_path, uri, dict(HARDENED_HOST), "real"))
    assert outcomes(a, "HVA-191") == {"onmacv": "manual"}
    assert messages(a, "HVA-191")["onmacv"].startswith(
        "network macv is macvtap (forward mode bridge over eth2): libvirt's nwfilter cannot filter"
    )


def test_one_iommu_group_given_to_two_vms_fails_both(host_scan) -> None:
    """HVA-050: 0000:00:1f.0 and 0000:00:1f.3 share IOMMU group 3 (the host fixture); given to two
    VMs, each can reach the other's device by DMA."""
    pci = (
        "<devices><hostdev mode='subsystem' type='pci' managed='yes'><source>"
        "<address domain='0x0000' bus='0x00' slot='0x1f' function='0x{fn}'/></source></hostdev>"
        "</devices>"
    )
    a = host_scan(
        domains=[
            domain_xml("first", body=pci.format(fn="0")),
            domain_xml("second", body=pci.format(fn="3")),
        ]
    )
    assert outcomes(a, "HVA-050") == {"first": "fail", "second": "fail"}
    assert messages(a, "HVA-050") == {
        "first": "0000:00:1f.0 shares IOMMU group 3 with 0000:00:1f.3 of VM second",
        "second": "0000:00:1f.3 shares IOMMU group 3 with 0000:00:1f.0 of VM first",
    }


def _as_an_older_daemon_returns_it(bundle: Path, marker: str, old: str, new: str) -> None:
    """Rewrite the collected domain XML that holds `marker` the way a daemon of an older libvirt
    returns it, keeping the manifest's digest in step (the bundle reader verifies every
    artefact)."""
    import hashlib

    manifest_path = bundle / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    changed = 0
    for entry in manifest["artefacts"]:
        path = bundle / entry["path"]
        if not entry["path"].startswith("libvirt/domains/") or not path.name.endswith(".xml"):
            continue
        text = path.read_text()
        if marker in text and old in text:
            data = text.replace(old, new).encode()
            path.write_bytes(data)
            entry["sha256"], entry["size"] = hashlib.sha256(data).hexdigest(), len(data)
            changed += 1
    assert changed == 1
    manifest_path.write_text(json.dumps(manifest))


def test_an_unfiltered_sgio_lun_from_an_older_daemon_fails(tmp_path: Path) -> None:
    """HVA-059, sgio='unfiltered' on a LUN and on a SCSI host device: libvirt's domain validation refuses it now
    (src/conf/domain_validate.c, virDomainDiskDefValidate: "unfiltered sgio is no longer
    supported"; the 9.0.0 test driver here refuses the domain), so no test-driver VM can carry
    it. Definitions written by an older libvirt do, and its daemon returns them: the bundle is
    collected from the test driver with a filtered LUN and its domain XML replayed as that
    daemon returns it, then assessed through the real parser and engine (a replayed host)."""
    lun = (
        "<devices><disk type='block' device='lun' sgio='filtered'>"
        "<driver name='qemu' type='raw'/><source dev='/dev/sdc'/>"
        "<target dev='sda' bus='scsi'/></disk></devices>"
    )
    scsi = (
        "<devices><hostdev mode='subsystem' type='scsi' sgio='filtered'><source>"
        "<adapter name='scsi_host1'/><address bus='0' target='0' unit='0'/></source></hostdev>"
        "</devices>"
    )
    doms = [domain_xml("oldlun", lun), domain_xml("newlun", lun.replace("sdc", "sdd"))]
    uri = write_node(tmp_path / "n.xml", [*doms, domain_xml("oldscsi", scsi)])
    bundle = build_bundle(tmp_path, uri, dict(HARDENED_HOST))
    _as_an_older_daemon_returns_it(bundle, "/dev/sdc", "sgio='filtered'", "sgio='unfiltered'")
    _as_an_older_daemon_returns_it(bundle, "scsi_host1", "sgio='filtered'", "sgio='unfiltered'")
    a = run_assessment(bundle)
    assert outcomes(a, "HVA-059") == {"oldlun": "fail", "newlun": "pass", "oldscsi": "fail"}
    assert messages(a, "HVA-059") == {
        "oldlun": "/dev/sdc: sgio='unfiltered'",
        "newlun": "1 LUN(s) with filtered SG_IO and no rawio",
        "oldscsi": "SCSI host device bus=0,target=0,unit=0: sgio='unfiltered'",
    }
