"""Twelfth red-team review, VM side (rt12vm): the leads round 11 left, settled where the time
allowed (session 10, round 12: 35 minutes).

Same harness as tests/test_redteam3_vm_probes.py: libvirt's test driver serves the domains on
the replayed hardened host of conftest. Every fact a probe rests on was read with the `search`
/ `find_string` / `read_file` tools and is cited in its docstring.

Findings (R12-n): R12-1 HVA-197 said "no interface on a Linux host bridge" for an
<interface type='ethernet'> whose tap was created outside libvirt (`<target dev managed='no'>`)
or is handed to an ifup `<script>`: such a tap may be a port of a host bridge that the
definition does not name (KubeVirt's virt-launcher hands libvirt tap1, a port of its bridge
k6t-net1, read with `find_string`), so the n/a was not proven (wrong n/a; now a question).

Held: an ethernet interface whose tap libvirt creates itself, with no script, stays n/a
(libvirt attaches an ethernet tap to nothing).

Leads examined but not settled in the time (left for round 13): (1) HVA-031 ignores the VNC
`websocket` port altogether; QEMU ui/vnc.c vnc_display_get_addresses (read with
`find_string`) copies the VNC host to a port-only websocket only when there is exactly one
INET listen address ("Historical compat - if only a single listen address was provided, then
this is used to set the default listen address for websocket too"), so beside a UNIX-socket
listen the websocket would bind every address; how libvirt's qemu_command.c passes
`websocket=` for a socket listen was not read (the libvirt snapshot is over the fetch limit).
(2)-(5) of round 11's leads were not reached.

Tally: 3 probe cases (2 test functions); 2 pin R12-1 (failed on main before the fix), 1 held.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HARDENED_HOST, build_bundle, domain_xml, run_assessment, write_node
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import verdict


@pytest.fixture(scope="module")
def taps(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp: Path = tmp_path_factory.mktemp("rt12taps")
    doms = {
        "pretap": (
            "<interface type='ethernet'><mac address='52:54:00:12:00:01'/>"
            "<target dev='tap1' managed='no'/><model type='virtio'/></interface>"
        ),
        "scripted": (
            "<interface type='ethernet'><mac address='52:54:00:12:00:02'/>"
            "<script path='/etc/qemu-ifup-br0'/><target dev='tapscr'/>"
            "<model type='virtio'/></interface>"
        ),
        "owntap": (
            "<interface type='ethernet'><mac address='52:54:00:12:00:03'/>"
            "<model type='virtio'/></interface>"
        ),
    }
    uri = write_node(
        tmp / "n.xml",
        [domain_xml(k, body=f"<devices>{v}</devices>") for k, v in doms.items()],
    )
    return run_assessment(build_bundle(tmp, uri, HARDENED_HOST, name="b"))


@pytest.mark.parametrize(
    ("vm", "what", "tap"),
    [
        ("pretap", "tap tap1 created outside libvirt (managed='no')", "tap1"),
        ("scripted", "tap tapscr given to ifup script /etc/qemu-ifup-br0", "tapscr"),
    ],
)
def test_ethernet_tap_placed_outside_libvirt_is_a_question(
    taps: Assessment, vm: str, what: str, tap: str
) -> None:
    """R12-1. A tap created beforehand and handed to libvirt with `<target dev='tap1'
    managed='no'/>` is what KubeVirt's virt-launcher uses, tap1 being a port of its bridge
    k6t-net1 (`ip link` and `virsh dumpxml` of a KubeVirt pod, read with `find_string`);
    formatdomain, "Generic ethernet connection" (libvirt's docs patch "doc: downscript",
    read with `search`): after creating or opening the tap "an optional shell script (given in
    the path attribute of the <script> element) will be run; this can be used to do whatever
    extra host network integration is required", such as `ip link set dev TAP master BR`.
    HVA-197 said "no interface on a Linux host bridge" (wrong n/a): whether the tap is a
    bridge port, and isolated, is on the host, not in the definition."""
    status, msg = verdict(taps, "HVA-197", vm)
    assert (status, msg) == (
        "manual",
        f"{what}: whether it is a port of a host bridge is outside the definition",
    )
    result = next(
        r for r in taps.results if r.check.id == "HVA-197" and r.outcome.subject.name == vm
    )
    assert result.outcome.question == (
        f"Is tap device(s) {tap} of VM {vm} a port of a Linux bridge on host hv1 without port "
        "isolation? Evidence: `bridge -d link show dev TAP` on host hv1 for each (a `master` "
        "bridge, and `isolated on`). Pass: none is a bridge port, or each shows `isolated on`, "
        "or the VM has a documented layer-2 flow to a named VM on that bridge; fail: one is a "
        "port of a bridge without `isolated on` and the VM needs no layer-2 traffic there."
    )


def test_ethernet_tap_libvirt_creates_stays_not_applicable(taps: Assessment) -> None:
    """Holds: a managed ethernet tap with no script is created by libvirt and attached to no
    bridge (the routed/`<ip>` use of type='ethernet'), so it is no bridge port."""
    assert verdict(taps, "HVA-197", "owntap") == (
        "not_applicable",
        "no interface on a Linux host bridge",
    )
