"""Twelfth red-team review, host side (rt12host): TLS, firewall and access-control corners.

Same harness as tests/test_redteam11_host_probes.py: libvirt's test driver serves one plain VM,
and host evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed only where
a probe says so), so every artefact goes through the real collector, parser and engine. Each
probe asserts the verdict its cited source proves right, with its exact message. None repeats a
probe of the first eleven red teams.

Findings:
- R12H-1 (false pass) HVA-034 passed "TLS clients restricted: tls_allowed_dn_list [...]" with
  tls_no_verify_certificate = 1 in the same file: libvirt checks the DN list inside
  virNetTLSContextValidCertificate and ignores that function's failure unless requireValidCert,
  which tls_no_verify_certificate = 1 clears, so every client (any certificate, or none) is
  admitted. Now a fail unless auth_tls = sasl. Fixed.
- R12H-2 (false pass) HVA-132 passed the admin socket of a socket-activated libvirtd
  (libvirtd-admin.socket enabled) without reading its mode: unix_sock_admin_perms does not
  apply there and the unit's SocketMode= does, which a drop-in (`SocketMode=0666`) widens. The
  admin sockets are now stat'ed with the read-write ones (`stat -c '%a %U %G %n'`); a
  world-writable one fails, whatever made it so; a bundle without it keeps the old verdict.
  Fixed.

Probes that held: an accept-all input chain at a lower priority than the drop chain (HVA-190
passes, as it must: the later chain still drops).

Probes: 3 tests in this file; 2 failed on the code before their fix (R12H-1, R12H-2), and the
twins inside them (auth_tls = sasl beside tls_no_verify_certificate = 1, a DN list with
verification on, the hardened host's 600 admin socket, a bundle without the admin socket's
line) and test_accept_all_in_an_earlier_input_chain_does_not_open_the_host held on the old
code and hold now. Checked against the code and left as leads, not probes: an iptables-legacy
table beside nftables can only drop more (netfilter runs both), so reading nftables alone can
fail a host wrongly but never pass it wrongly; tls_allowed_dn_list = [] denies every client
(virNetTLSContextCheckCertDNACL loops over an empty, non-NULL list and fails), as hvaudit
reads it. Not probed for lack of time: tls_priority (a gnutls string enabling +NULL or
SSL3.0 is not read), the certificate files under /etc/pki (expiry, key modes: not collected),
HVA-030 failing tls_no_verify_certificate = 1 where auth_tls = sasl still authenticates
(libvirtd.conf: "It is possible to make use of any SASL authentication mechanism as well"),
and .pkla precedence (a later 50-local.d deny overriding a vendor grant).
"""

from __future__ import annotations

import json

from conftest import HARDENED_HOST, NFT_DROP, messages, outcomes

_TLS_LISTEN = HARDENED_HOST["listeners"][0] + (
    'tcp   LISTEN 0      50         0.0.0.0:16514      0.0.0.0:*    users:(("libvirtd",pid=700,fd=9))\n'
)


def test_dn_list_with_client_verification_off(host_scan) -> None:
    """R12H-1. libvirt src/rpc/virnettlscontext.c (read with `find_string` "Ignoring bad
    certificate at user request" and `read_file`): virNetTLSContextValidCertificate calls
    virNetTLSContextCheckCertDN(cert, ..., ctxt->x509dnACL) and returns -1 on a name not in the
    list; virNetTLSContextCheckCertificate then fails the client only `if
    (ctxt->requireValidCert)`, else logs "Ignoring bad certificate at user request" and admits
    it. src/remote/remote_daemon.c passes `config->tls_no_verify_certificate ? false : true` as
    requireValidCert (`find_string` "config->tls_no_verify_certificate"); libvirtd.conf:
    "Client certificate verification is the primary authentication mechanism ... Uncommenting
    this will disable verification". hvaudit passed HVA-034 on the DN list. Right: a fail; the
    twin with auth_tls = sasl (SASL still authenticates) passes, and the DN list with
    verification on passes as before."""
    base = HARDENED_HOST["/etc/libvirt/libvirtd.conf"] + (
        'listen_tls = 1\ntls_allowed_dn_list = [ "C=GB,O=Example,CN=mgmt1" ]\n'
    )
    listen = {"listeners": (_TLS_LISTEN, 0)}
    a = host_scan(
        {"/etc/libvirt/libvirtd.conf": base + "tls_no_verify_certificate = 1\n", **listen}
    )
    assert outcomes(a, "HVA-034") == {"hv1": "fail"}, messages(a, "HVA-034")
    assert messages(a, "HVA-034")["hv1"] == (
        "TLS listener admits any client (libvirtd.conf: tls_no_verify_certificate = 1, client "
        "certificates (and tls_allowed_dn_list) are not checked)"
    )
    a = host_scan(
        {
            "/etc/libvirt/libvirtd.conf": base
            + 'tls_no_verify_certificate = 1\nauth_tls = "sasl"\n'
            # a realm's every principal is no restriction (HL13-1): the list names them
            + 'sasl_allowed_username_list = [ "admin@EXAMPLE.COM" ]\n',
            **listen,
        }
    )
    assert outcomes(a, "HVA-034") == {"hv1": "pass"}, messages(a, "HVA-034")
    assert messages(a, "HVA-034")["hv1"] == (
        "TLS clients restricted: auth_tls = sasl (libvirtd.conf; tls_no_verify_certificate = 1; "
        "SASL gssapi, sasl_allowed_username_list ['admin@EXAMPLE.COM'] (libvirtd.conf))"
    )
    a = host_scan({"/etc/libvirt/libvirtd.conf": base, **listen})
    assert messages(a, "HVA-034")["hv1"] == (
        "TLS clients restricted: tls_allowed_dn_list ['C=GB,O=Example,CN=mgmt1'] (libvirtd.conf)"
    )


_ADMIN_CONF = HARDENED_HOST["/etc/libvirt/libvirtd.conf"]


def test_admin_socket_widened_by_a_socket_unit_drop_in(host_scan) -> None:
    """R12H-2. systemd.socket(5) (`find_string` "If listening on a file system socket or FIFO,
    this"): SocketMode= "specifies the file system access mode used when creating the file
    node"; with socket activation libvirtd takes the sockets systemd made (libvirtd(8) "System
    socket activation"; hvaudit's own HVA-132 docstring: unix_sock_admin_perms "not honoured
    under socket activation"), so `/etc/systemd/system/libvirtd-admin.socket.d/override.conf`
    with SocketMode=0666 opens the admin socket, /run/libvirt/libvirt-admin-sock (libvirt
    src/remote/remote_daemon.c daemonUnixSocketPaths: `%s/%s-admin-sock`, `find_string`), to
    every local account; connecting needs write permission on the node (FreeBSD connect(2)
    EACCES "Write access to the named socket is denied", as HVA-132 reads the read-write
    socket). hvaudit skipped the admin socket whenever libvirtd-admin.socket was enabled and
    passed. Right: a fail on the mode stat shows; the hardened host's 600 passes; a bundle
    without the admin socket's line keeps the pass."""
    sockets = (
        "777 root root /run/libvirt/libvirt-sock\n666 root root /run/libvirt/libvirt-admin-sock\n"
    )
    a = host_scan({"libvirt-sockets": (sockets, 1)})
    assert outcomes(a, "HVA-132") == {"hv1": "fail"}, messages(a, "HVA-132")
    assert messages(a, "HVA-132")["hv1"] == (
        "/run/libvirt/libvirt-admin-sock is mode 666 root root: any local user administers the "
        "daemon through its admin socket (virt-admin: log outputs, client limits, TLS files)"
    )
    for sockets in (
        HARDENED_HOST["libvirt-sockets"][0],
        "777 root root /run/libvirt/libvirt-sock\n",
    ):
        a = host_scan({"libvirt-sockets": (sockets, 1)})
        assert outcomes(a, "HVA-132") == {"hv1": "pass"}, messages(a, "HVA-132")


def test_accept_all_in_an_earlier_input_chain_does_not_open_the_host(host_scan) -> None:
    """Held (a wrong-fail probe). nftables wiki "Configuring chains", "Base chain priority"
    (read with `search`): "Within a given hook, Netfilter performs operations in order of
    increasing numerical priority", an accepted packet goes on to the hook's next base chain,
    and "drops are instant, there is no re-evaluation by other hooks". A second table whose input chain (priority -10, before
    the hardened host's priority 0 drop chain) accepts every packet therefore opens nothing:
    HVA-190 must still pass, and it does, naming both chains."""
    items = json.loads(NFT_DROP)["nftables"] + [
        {"table": {"family": "inet", "name": "early", "handle": 9}},
        {
            "chain": {
                "family": "inet",
                "table": "early",
                "name": "input",
                "handle": 1,
                "type": "filter",
                "hook": "input",
                "prio": -10,
                "policy": "accept",
            }
        },
        {
            "rule": {
                "family": "inet",
                "table": "early",
                "chain": "input",
                "handle": 2,
                "expr": [{"accept": None}],
            }
        },
    ]
    a = host_scan({"nft-ruleset": (json.dumps({"nftables": items}), 0)})
    assert outcomes(a, "HVA-190") == {"hv1": "pass"}, messages(a, "HVA-190")
    assert messages(a, "HVA-190")["hv1"] == (
        "inbound default policy drops (inet filter input: policy drop; inet early input: policy "
        "accept, but inet early input rule handle 2 accepts all traffic)"
    )
