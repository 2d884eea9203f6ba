"""HVA-031: a raw network backend listening on AF_VSOCK (round 29's rt29qemu lead).

QEMU's net/stream.c listens on any QAPI SocketAddress (net_stream_server_init over
qio_channel_socket_listen_async, no type check), so `-netdev stream,server=on,addr.type=vsock`
opens an AF_VSOCK server carrying the VM's network with no authentication. HVA-031 dropped it
(consoles._socket_address read inet and fd only) and reported the VM not applicable: "no VNC,
SPICE or RDP console and no TCP or UDP character device" (a false n/a: the listener exists).
Now: bound to CID 1 (VMADDR_CID_LOCAL, vsock(7)) only the host's processes reach it; bound to
VMADDR_CID_ANY or 2 (VMADDR_CID_HOST), the guest of every other VM on the host with a
vhost-vsock device connects to it (checks._loopback.vsock_guests: af_vsock.c
__vsock_find_bound_socket matches a CID-any socket for any address): a fail naming them;
with no such VM, only the host's processes.

Harness: tests/test_network_leads' raw-argument domains (<qemu:commandline>) replayed as a
QEMU-driver daemon's (test_redteam3_vm_probes.replayed_domains). The three cases reported n/a
on main before the fix.
"""

from __future__ import annotations

from pathlib import Path

from conftest import run_assessment
from test_redteam3_vm_probes import replayed_domains, verdict
from test_redteam4_vm_probes import _raw

ANY = "stream,id=n0,server=on,addr.type=vsock,addr.cid=4294967295,addr.port=5000"
LOCAL = "stream,id=n0,server=on,addr.type=vsock,addr.cid=1,addr.port=5001"
GUEST = _raw("agent", "-device", "vhost-vsock-pci,guest-cid=3")


def test_vsock_server_reached_by_a_vsock_guest_fails(tmp_path: Path) -> None:
    a = run_assessment(
        replayed_domains(
            tmp_path,
            {
                "vs-any": _raw("vs-any", "-netdev", ANY, "-device", "virtio-net,netdev=n0"),
                "vs-local": _raw("vs-local", "-netdev", LOCAL, "-device", "virtio-net,netdev=n0"),
                "agent": GUEST,
            },
        )
    )
    assert verdict(a, "HVA-031", "vs-any") == (
        "fail",
        f"QEMU argument -netdev {ANY}: an AF_VSOCK server carrying the VM's network on vsock "
        "CID 4294967295 port 5000, without authentication: the vsock device of VM agent (QEMU "
        "argument -device vhost-vsock-pci,guest-cid=3) connects its guest to the host (CID 2) "
        "on any port, so that guest sends and receives this VM's network traffic",
    )
    assert verdict(a, "HVA-031", "vs-local") == (
        "pass",
        f"QEMU argument -netdev {LOCAL}: an AF_VSOCK server carrying the VM's network on vsock "
        "CID 1 port 5001: the host's own processes only",
    )


def test_vsock_server_without_a_vsock_guest_is_the_hosts_only(tmp_path: Path) -> None:
    a = run_assessment(
        replayed_domains(
            tmp_path, {"vs-any": _raw("vs-any", "-netdev", ANY, "-device", "virtio-net,netdev=n0")}
        )
    )
    assert verdict(a, "HVA-031", "vs-any") == (
        "pass",
        f"QEMU argument -netdev {ANY}: an AF_VSOCK server carrying the VM's network on vsock "
        "CID 4294967295 port 5000: no other VM the scan read on the host has a vsock device, so "
        "the host's own processes only",
    )


def test_vsock_server_beside_an_unread_domain_is_asked(tmp_path: Path) -> None:
    """ "No other VM on the host has a vsock device" compares the VM with the other VMs: beside a
    domain whose XML the daemon refused (R28D-1), which may have one, the pass is a question
    (checks.base.unread_peers, R29D-1). Harness: round 29's domain probes (web01 on the
    replayed hardened host, its collected XML given the raw argument as a QEMU-driver daemon
    reports it)."""
    from test_redteam29_domain_probes import REFUSED_UUID, _scan

    raw = (
        "<qemu:commandline xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>"
        f"<qemu:arg value='-netdev'/><qemu:arg value='{ANY}'/></qemu:commandline></domain>"
    )
    a = _scan(tmp_path, edit=("</domain>", raw), refused=True)
    assert verdict(a, "HVA-031", "web01") == (
        "manual",
        f"QEMU argument -netdev {ANY}: an AF_VSOCK server carrying the VM's network on vsock "
        "CID 4294967295 port 5000: no other VM the scan read on the host has a vsock device, so "
        "the host's own processes only; not compared with the guests whose definition was not "
        "read, any of which may have a vsock device, whose guest connects to the host (CID 2) on "
        "vsock port 5000, where this VM's network backend listens: domain "
        f"{REFUSED_UUID} (libvirt/domains/{REFUSED_UUID}.xml: collection failed (access denied: "
        "'domain' read-secure))",
    )
    assert verdict(a, "HVA-031", REFUSED_UUID)[0] == "error"
