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

- R38D-2 (false pass; wrong fail in the same class) HVA-050: R37D-3's class for an override
  that sets, not removes, a virtio-rng's bound. libvirt's
  qemuBuildDeviceCommandlineHandleOverrides replaces the max-bytes and period <rate bytes
  period> formats (docs/drvqemu.rst, "Overriding properties of QEMU devices"), QEMU bounding
  reads to max-bytes per period ms (hw/virtio/virtio-rng.c, period 65536 unless set). VM
  web01's <rng> on /dev/hwrng with <rate bytes='1024' period='1000'/> and an override setting
  max-bytes to INT64_MAX was the question whose pass is "a <rate> on the device" (a "yes"
  passed an unbounded device), and one whose override bounds it without a <rate> got "no
  <rate>: fail". Now the source's bound is the override's (libvirt_xml, rate "max-bytes N,
  period ...") and the question names it; it never takes the Proxmox VE pass of a bounded
  rng0.

Held (kept as tests): a VM removing another capability (usb-host.hostdevice, the Bluetooth
passthrough workaround) and a capability_filters of another name (device.json) leave
HVA-045's verdict; an override of another virtio-rng property leaves <rate> the question.

Probed by script: none beyond the kept tests.

Tally: 2 findings (false pass 2; R38D-2 with a wrong fail in the same class), 3 tests
holding 8 cases, the 5 finding cases failed on main before the fixes (the 3 held cases pass
on main too).

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
    tmp_path: Path, vms: dict[str, str], host: dict[str, object] | None = None, body: str = ""
) -> Assessment:
    """The hardened host, its replay changed by `host`, with one VM per key of `vms` (the QEMU
    namespace elements of its definition), collected by the real collector from a test-driver
    node and marked as the QEMU driver's, the namespace elements written into its collected
    XML as a QEMU-driver daemon reports them (the test driver drops the namespace); `body`
    is each definition's devices."""
    uri = write_node(
        tmp_path / f"node-{time.monotonic_ns()}.xml", [domain_xml(n, body) for n in vms]
    )
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


# --- R38D-2: <qemu:override> setting a virtio-rng's bound ------------------------------------

RNG_QUESTION = (
    "Is each source VM {vm}'s random-number device reads on host hv1 (/dev/hwrng) the host's "
    "hardware RNG, with the guest's reads bounded? Evidence: the VM's <rng> <backend> and <rate "
    "bytes period> (raw arguments: -object rng-random and the virtio-rng device's max-bytes and "
    "period), `cat /sys/class/misc/hw_random/rng_current` and `ls -lL /dev/hwrng` on hv1. Pass: "
    "/dev/hwrng with rng_current naming a hardware RNG and a <rate> on the device; fail: any "
    "other file or device (the guest reads its content), or /dev/hwrng without a <rate> (the "
    "guest drains the hardware RNG the host kernel reads too)."
)


@pytest.mark.parametrize(
    ("rate", "props", "said"),
    [
        # R38D-2: a "yes" from <rate> passed a device the override leaves unbounded
        (
            "<rate bytes='1024' period='1000'/>",
            "<qemu:property name='max-bytes' type='unsigned' value='9223372036854775807'/>",
            "max-bytes 9223372036854775807",
        ),
        # R38D-2 (wrong fail): a "no <rate>" failed a device the override bounds
        (
            "",
            "<qemu:property name='max-bytes' type='unsigned' value='1024'/>"
            "<qemu:property name='period' type='remove'/>",
            "max-bytes 1024, period removed",
        ),
        # held: an override of another property leaves <rate> the bound
        ("<rate bytes='1024' period='1000'/>", "<qemu:property name='x' type='string'/>", ""),
    ],
    ids=["unbounded-beside-rate", "bounded-without-rate", "held-other-property"],
)
def test_override_setting_a_rngs_bound_is_the_bound_asked(
    tmp_path: Path, rate: str, props: str, said: str
) -> None:
    """R38D-2: R37D-3's class for an override that sets (not removes) the virtio-rng's
    max-bytes or period: libvirt's qemuBuildDeviceCommandlineHandleOverrides replaces what
    <rate bytes period> formats (hw/virtio/virtio-rng.c: max-bytes per period ms, period
    65536 unless set), so the question on <rate> judged a bound the device does not have."""
    a = _caps_scan(
        tmp_path,
        {
            "web01": (
                "<qemu:override><qemu:device alias='ua-rng0'><qemu:frontend>"
                f"{props}</qemu:frontend></qemu:device></qemu:override>"
            )
        },
        body=(
            f"<devices><rng model='virtio'>{rate}<backend model='random'>/dev/hwrng</backend>"
            "<alias name='ua-rng0'/></rng></devices>"
        ),
    )
    assert outcomes(a, "HVA-050") == {"web01": "manual"}, messages(a, "HVA-050")
    question = next(r.outcome.question for r in a.results if r.check.id == "HVA-050")
    assert question == RNG_QUESTION.format(vm="web01") + (
        f" Its <qemu:override> sets the virtio-rng's {said}, which replaces what <rate> sets: "
        "the bound is that override's (QEMU's max-bytes per period ms, period 65536 ms unless "
        "set: hw/virtio/virtio-rng.c), not <rate>."
        if said
        else ""
    )
