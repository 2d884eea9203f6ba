"""Red-team round 38 probes: VM domain XML, the QEMU namespace's <qemu:capabilities>
(r38-domain)

Harness: round 37's (tests/test_redteam37_domain_probes.py `_ns_scan`) with the hardened
host's replay open to change (`_caps_scan`: qemu.conf and the process list): the hardened
Debian host replay (conftest HARDENED_HOST: qemu.conf seccomp_sandbox unset, one running QEMU,
web01's, with `-sandbox on,...` and Seccomp: 2) with the test-driver node's domains collected
by the real LibvirtCollector and marked as the QEMU driver's, each VM's QEMU namespace
elements written into its collected XML as a QEMU-driver daemon reports them, scanned through
the real parser and engine.

Findings:
- R38D-1 (false pass) HVA-045: the QEMU capability libvirt needs to add `-sandbox on` was not
  read where it can be cleared. libvirt's qemuBuildSeccompSandboxCommandLine
  (src/qemu/qemu_command.c) adds -sandbox on only `if (virQEMUCapsGet(qemuCaps,
  QEMU_CAPS_SECCOMP_SANDBOX))`, and qemu_process.c qemuProcessStartUpdateCustomCaps clears
  from the VM's capabilities, before the command line is built, each qemu.conf
  `capability_filters` entry and each <qemu:capabilities><qemu:del capability=...> of the
  definition (docs/drvqemu.rst, "QEMU feature configuration for testing"; the bit's name is
  "seccomp-sandbox", qemu_capabilities.c). Host hv1 passed "seccomp_sandbox = -1 (default:
  enabled)" beside stopped VM v1 whose definition removes seccomp-sandbox (its next start runs
  QEMU without its seccomp filter), and with no QEMU running it asked whether the flag is in
  libvirt's capabilities cache, whose "yes" passed a qemu.conf whose capability_filters
  removes it for every VM. Now both fail, naming the VMs or the qemu.conf key.

Held (kept as tests): a VM removing another capability (usb-host.hostdevice, the Bluetooth
passthrough workaround) and a capability_filters of another name (device.json) leave
HVA-045's pass.

Probed by script: none beyond the kept tests.

Tally: 1 finding (false pass 1), 2 tests holding 5 cases, the 3 finding cases failed on main
before the fix (the 2 held cases pass on main too).

Leads left: see the round's report.
"""

from __future__ import annotations

import time
import uuid as uuidlib
from pathlib import Path

import pytest

from conftest import (
    HARDENED_HOST,
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
from hvaudit.bundle import BundleWriter
from hvaudit.collect.host import HostCollector
from hvaudit.collect.libvirt import LibvirtCollector, LibvirtTarget
from hvaudit.engine import Assessment

QEMU = "/etc/libvirt/qemu.conf"
QEMU_CONF = str(HARDENED_HOST[QEMU])
NO_QEMU = "    1 root     /sbin/init\n  700 root     /usr/sbin/libvirtd --timeout 120\n"


def _caps_scan(
    tmp_path: Path, vms: dict[str, str], host: dict[str, object] | None = None
) -> Assessment:
    """The hardened host, its replay changed by `host`, with one VM per key of `vms` (the QEMU
    namespace elements of its definition), collected by the real collector from a test-driver
    node and marked as the QEMU driver's, the namespace elements written into its collected
    XML as a QEMU-driver daemon reports them (the test driver drops the namespace)."""
    uri = write_node(tmp_path / f"node-{time.monotonic_ns()}.xml", [domain_xml(n, "") for n in vms])
    writer = BundleWriter(
        tmp_path / f"b-{time.monotonic_ns()}",
        target="qemu+ssh://root@hv1/system",
        platform="kvm-libvirt",
    )
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=True).collect(writer)
    assert writer.root is not None
    for name, ns in vms.items():
        path = f"libvirt/domains/{uuidlib.uuid5(uuidlib.NAMESPACE_DNS, name)}.xml"
        text = writer.files.pop(path).decode()
        writer.entries.pop(path)
        (writer.root / path).unlink()
        text = text.replace("<domain ", f"<domain xmlns:qemu='{QEMU_NS_URI}' ", 1)
        text = text.replace("</domain>", f"{ns}</domain>")
        writer.add(path, text.encode(), origin="virDomainGetXMLDesc")
    writer.meta["collector"]["libvirt"].update(simulated=False, hostname="hv1")
    from_qemu_driver(writer, uri)
    _replay_secmodel(writer, "apparmor")
    HostCollector(ReplayRunner({**HARDENED_HOST, **(host or {})})).collect(writer)
    bundle = writer.close(complete=True)
    assert bundle is not None
    return run_assessment(bundle)


def _del(*caps: str) -> str:
    body = "".join(f"<qemu:del capability='{c}'/>" for c in caps)
    return f"<qemu:capabilities>{body}</qemu:capabilities>"


DROPPED = (
    "VM(s) v1 remove QEMU capability seccomp-sandbox (<qemu:capabilities><qemu:del>): libvirt "
    "starts them without -sandbox on (QEMU's seccomp filter)"
)


@pytest.mark.parametrize(
    ("host", "cap", "status", "message"),
    [
        # R38D-1: web01 runs sandboxed; stopped v1's next start has no -sandbox on
        (None, "seccomp-sandbox", "fail", DROPPED),
        # R38D-1: no QEMU runs; the question on the capabilities cache's flag passed
        ({"processes": (NO_QEMU, 0)}, "seccomp-sandbox", "fail", DROPPED),
        # held: another capability removed leaves the sandbox
        (None, "usb-host.hostdevice", "pass", "seccomp_sandbox = -1 (default: enabled)"),
    ],
    ids=["running-beside", "none-running", "held-other-capability"],
)
def test_vm_removing_the_sandbox_capability_fails(
    tmp_path: Path, host: dict[str, object] | None, cap: str, status: str, message: str
) -> None:
    """R38D-1: <qemu:capabilities><qemu:del capability='seccomp-sandbox'/> clears the bit
    libvirt's qemuBuildSeccompSandboxCommandLine needs to add -sandbox on
    (qemuProcessStartUpdateCustomCaps); HVA-045 passed, or asked about the cache's flag."""
    a = _caps_scan(tmp_path, {"web01": "", "v1": _del(cap)}, host)
    assert outcomes(a, "HVA-045") == {"hv1": status}
    assert messages(a, "HVA-045") == {"hv1": message}


@pytest.mark.parametrize(
    ("filters", "status", "message"),
    [
        (
            '[ "device.json", "seccomp-sandbox" ]',
            "fail",
            "qemu.conf capability_filters removes seccomp-sandbox: libvirt starts every QEMU of "
            "this host without -sandbox on (QEMU's seccomp filter)",
        ),
        # held: a filter of another capability
        (
            '[ "device.json" ]',
            "manual",
            "seccomp_sandbox = -1 (default): libvirt adds -sandbox on only where the QEMU "
            "binary supports it (built with seccomp), and no QEMU process runs to show it",
        ),
    ],
    ids=["sandbox-filtered", "held-other-filter"],
)
def test_qemu_conf_filtering_the_sandbox_capability_fails(
    tmp_path: Path, filters: str, status: str, message: str
) -> None:
    """R38D-1: qemu.conf capability_filters clears the capability for every VM
    (qemuProcessStartUpdateCustomCaps); with no QEMU running HVA-045 asked whether the flag is
    in libvirt's capabilities cache, whose "yes" passed."""
    a = _caps_scan(
        tmp_path,
        {"web01": ""},
        {QEMU: QEMU_CONF + f"capability_filters = {filters}\n", "processes": (NO_QEMU, 0)},
    )
    assert outcomes(a, "HVA-045") == {"hv1": status}
    assert messages(a, "HVA-045") == {"hv1": message}
