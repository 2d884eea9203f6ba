"""Wrong fails on hardened hosts the session-10 red teams reported, confirmed from source.

- HVA-030 failed "TLS with tls_no_verify_certificate = 1" where auth_tls = sasl: the client
  still authenticates by SASL inside TLS's encryption (libvirtd.conf, auth_tls: "TLS sockets
  already have encryption provided by the TLS layer ... It is possible to make use of any SASL
  authentication mechanism as well, by using 'sasl' for this option"), which HVA-034 already
  passes (tests/test_redteam12_host_probes.py R12H-1). Now a pass naming SASL.
- HVA-191 failed a raw `-netdev tap,helper=PROGRAM` tap as "a tap on bridge br0 that no libvirt
  nwfilter covers": a helper other than qemu-bridge-helper may filter the port (or put it on
  another switch), as HVA-192 already asks. Now a question; `-netdev bridge` (qemu-bridge-helper,
  which only adds the tap to the bridge) stays a fail.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes, run_assessment
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import verdict
from test_redteam10_vm_probes import _raw_cpu_domain, _replayed_on
from test_redteam12_host_probes import _TLS_LISTEN


def test_tls_without_client_verification_but_sasl_is_not_exposed(host_scan) -> None:
    """libvirtd.conf auth_tls (read with `find_string` '#auth_tls = "none"'): TLS encrypts and
    SASL "as well" authenticates; tls_no_verify_certificate = 1 only drops the certificate
    check (remote_daemon.c requireValidCert, HVA-034's docstring). Was a fail."""
    base = HARDENED_HOST["/etc/libvirt/libvirtd.conf"] + (
        "listen_tls = 1\ntls_no_verify_certificate = 1\n"
    )
    listen = {"listeners": (_TLS_LISTEN, 0)}
    a = host_scan({"/etc/libvirt/libvirtd.conf": base + 'auth_tls = "sasl"\n', **listen})
    assert outcomes(a, "HVA-030") == {"hv1": "pass"}, messages(a, "HVA-030")
    assert messages(a, "HVA-030")["hv1"] == (
        "only TLS 16514 listening, clients authenticated by SASL: auth_tls = sasl "
        "(libvirtd.conf; tls_no_verify_certificate = 1; SASL gssapi: Kerberos principals)"
    )
    # any principal of the realm is no named client (HL13-1); a username list names them
    assert outcomes(a, "HVA-034") == {"hv1": "fail"}
    users = 'sasl_allowed_username_list = [ "admin@EXAMPLE.COM" ]\n'
    a = host_scan({"/etc/libvirt/libvirtd.conf": base + 'auth_tls = "sasl"\n' + users, **listen})
    assert outcomes(a, "HVA-034") == {"hv1": "pass"}
    # without SASL nothing authenticates the client: the fail holds
    a = host_scan({"/etc/libvirt/libvirtd.conf": base, **listen})
    assert outcomes(a, "HVA-030") == {"hv1": "fail"}
    assert messages(a, "HVA-030")["hv1"] == "TLS with tls_no_verify_certificate = 1"


@pytest.fixture(scope="module")
def helped(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    dev = ("-device", "virtio-net-pci,netdev=n1")
    domains = {
        "own": _raw_cpu_domain(
            "own", "", "-netdev", "tap,id=n1,helper=/usr/local/bin/ovs-helper", *dev
        ),
        "qbh": _raw_cpu_domain(
            "qbh",
            "",
            "-netdev",
            "bridge,id=n1,br=br1,helper=/usr/lib/qemu/qemu-bridge-helper",
            *dev,
        ),
        "dflt": _raw_cpu_domain("dflt", "", "-netdev", "bridge,id=n1,br=br0", *dev),
    }
    return run_assessment(_replayed_on(tmp_path_factory.mktemp("helped"), HARDENED_HOST, domains))


def test_tap_of_a_custom_helper_is_a_spoofing_question(helped: Assessment) -> None:
    """qemu-options.hx: `-netdev tap,...,helper=helper` runs that program to "configure the TAP
    interface and attach it to the bridge"; what a site's own helper sets on the port is not in
    the arguments. Was a fail ("a tap on bridge br0 that no libvirt nwfilter covers")."""
    assert verdict(helped, "HVA-191", "own") == (
        "manual",
        "host tap(s) opened by raw arguments, configured by a helper other than "
        "qemu-bridge-helper: QEMU argument -netdev tap,id=n1,helper=/usr/local/bin/ovs-helper",
    )


@pytest.mark.parametrize(
    ("vm", "arg", "br"),
    [
        ("qbh", "-netdev bridge,id=n1,br=br1,helper=/usr/lib/qemu/qemu-bridge-helper", "br1"),
        ("dflt", "-netdev bridge,id=n1,br=br0", "br0"),
    ],
)
def test_qemu_bridge_helper_tap_stays_a_fail(
    helped: Assessment, vm: str, arg: str, br: str
) -> None:
    """Holds: qemu-bridge-helper (the default helper, qemu-options.hx) only adds the tap to the
    bridge; no filter is put on it."""
    assert verdict(helped, "HVA-191", vm) == (
        "fail",
        f"QEMU argument {arg}: a tap on bridge {br} that no libvirt nwfilter covers",
    )
