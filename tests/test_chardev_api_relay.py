"""HVA-030: a relay of libvirt's socket on a loopback port that a VM's character device dials.

The round-30 domain reviewer's lead (tests/test_redteam30_domain_probes.py): HVA-030 applied the
user-mode rule to a socat relay of libvirt's read-write socket on the host's loopback (R17-7), but
not the character-device rule (chardev_guests, VL18-3) that HVA-033 and HVA-210 apply. A VM
read whose `<serial type='tcp'><source mode='connect' host='127.0.0.1' service='16600'/>` dials
the relay makes QEMU a TCP client of it and hands the guest the byte stream both ways
(formatdomain, "TCP": the device "acts as a TCP client connecting to a remote server"), so the
guest speaks libvirt's RPC as a local peer with the relay's credentials: the API of every VM.
HVA-030 passed "libvirt listens on local UNIX sockets only". Unlike a user-mode guest, which
reaches 127.0.0.1 alone (R25O-3), a device dials whatever loopback address it names, 127.0.0.2
too. Harness: the real collector over libvirt's test driver with recorded host commands
(conftest host_scan), the relay as tests/test_loop17_probes.py records it.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, domain_xml, messages, outcomes

PROCS = HARDENED_HOST["processes"][0]


def _relay(address: str) -> dict[str, tuple[str, int]]:
    return {
        "processes": (
            PROCS + f"  991 root     /usr/bin/socat TCP-LISTEN:16600,bind={address},fork "
            "UNIX-CONNECT:/run/libvirt/libvirt-sock\n",
            0,
        ),
        "listeners": (
            HARDENED_HOST["listeners"][0]
            + f"tcp   LISTEN 0      5          {address}:16600        0.0.0.0:*    "
            'users:(("socat",pid=991,fd=5))\n',
            0,
        ),
    }


def _dialer(address: str, port: int) -> str:
    return domain_xml(
        "dialer",
        f"<devices><serial type='tcp'><source mode='connect' host='{address}' service='{port}'/>"
        "<protocol type='raw'/><target port='0'/></serial></devices>",
    )


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.2"])
def test_relay_a_character_device_dials_fails(host_scan, address: str) -> None:
    a = host_scan(_relay(address), domains=[domain_xml("web01"), _dialer(address, 16600)])
    assert (outcomes(a, "HVA-030")["hv1"], messages(a, "HVA-030")["hv1"]) == (
        "fail",
        f"socat (pid 991) relays /run/libvirt/libvirt-sock onto TCP {address}:16600, which VM "
        f"dialer (<serial type='tcp'> connecting to {address}:16600) connects its guest to: "
        "libvirt's full API without authentication or encryption",
    )


@pytest.mark.parametrize(("address", "port"), [("127.0.0.1", 16601), ("127.0.0.3", 16600)])
def test_held_a_device_dialling_elsewhere_passes(host_scan, address: str, port: int) -> None:
    """Held: a device dialling another port, or another loopback address, reaches no relay."""
    a = host_scan(_relay("127.0.0.2"), domains=[domain_xml("web01"), _dialer(address, port)])
    assert (outcomes(a, "HVA-030")["hv1"], messages(a, "HVA-030")["hv1"]) == (
        "pass",
        "libvirt listens on local UNIX sockets only",
    )
