"""Red-team round 35 probes: the libvirt daemon's listeners, VM domain XML and raw QEMU
arguments (r35-domain)

Harness: round 8's moved listener (tests/test_redteam8_host_probes MOVED): conftest's hardened
Debian host replay (HARDENED_HOST) with the modular daemons, virtproxyd holding a TCP socket
that systemd passed it (`ss -p` names both) on a port virtproxyd.conf does not name, scanned
with conftest's `host_scan` through the real collector, parser and engine.

Findings:
- R35D-1 (false pass) HVA-034: where libvirt listens on a TCP port its files do not name (a
  socket unit's ListenStream) and the DN list admits every certificate (no
  tls_allowed_dn_list, auth_tls = none), HVA-034 asked HVA-030's question, whose pass is
  "the port is a -tls unit's and tls_no_verify_certificate is 0": the very case in which the
  TLS listener admits any certificate the CA signed, which is what HVA-034 fails. libvirt
  docs/remote.rst: with socket activation "most of the socket related config options ... will
  no longer have any effect", the -tcp and -tls units' ListenStream= decide the port; the DN
  list is checked only on the TLS transport (src/rpc/virnettlscontext.c
  virNetTLSContextCheckCertDN). Now HVA-034 asks whether each such port is the plain TCP
  transport (pass) or a -tls unit's (fail, naming what the TLS listener admits), and its
  message names the kind it admits (any client where tls_no_verify_certificate = 1, not "any
  certificate the CA signed"). It also judged every remote daemon's file where the listener is
  one daemon's: a moved virtproxyd listener beside virtproxyd.conf's tls_allowed_dn_list
  naming one client was asked because libvirtd.conf, which sets no listener there, has none;
  now the holding daemon's file decides (a pass).
- R35D-2 (false pass) HVA-030, HVA-034, HVA-035: with two such listeners (virtproxyd on
  0.0.0.0:16600 and on 0.0.0.0:16601, two drop-ins' ListenStream=), the question named the
  first only ("Is virtproxyd on 0.0.0.0:16600 ... TLS"), so a "yes" about it passed the
  second, which may be the plain TCP transport with auth_tcp = none (the whole API to anyone
  reaching the port), unasked. Now the question names each (_libvirt.moved_listener_question).

Held (kept as tests): none of the daemon side; the DN-list case below changed too (R35D-1).

Probed by script: none beyond the cases kept.

Tally: 2 findings (false pass 2), 4 test cases, 4 failed on main before the fixes.

Leads left: see the report of round 35 (r35-domain).
"""

from __future__ import annotations

from conftest import messages, outcomes
from test_redteam8_host_probes import MOVED

MOVED_WORDS = (
    "libvirt listens on TCP where its files name no port: {where} (a socket unit's ListenStream)"
)
UNITS = (
    "`systemctl show -p Listen virtproxyd-tcp.socket virtproxyd-tls.socket libvirtd-tcp.socket "
    "libvirtd-tls.socket` (the unit whose ListenStream holds the port)"
)


def _question(a, check: str) -> str | None:
    return next(r.outcome.question for r in a.results if r.check.id == check)


def _moved(conf: str, *ports: int) -> dict[str, object]:
    over = dict(MOVED)
    lines = "".join(
        f"tcp   LISTEN 0      1000        0.0.0.0:{p}        0.0.0.0:*    "
        f'users:(("virtproxyd",pid=900,fd={3 + i}),("systemd",pid=1,fd={60 + i}))\n'
        for i, p in enumerate(ports)
    )
    base = str(MOVED["listeners"][0]).split("tcp   LISTEN 0      1000        0.0.0.0:16600")[0]
    over["listeners"] = (base + lines, 0)
    over["/etc/libvirt/virtproxyd.conf"] = conf
    return over


# --- R35D-1: HVA-034's question passed the TLS transport it fails -------------------------------


def test_moved_listener_hva034_asks_whether_it_is_plain_tcp(host_scan) -> None:
    """R35D-1: no tls_allowed_dn_list, auth_tls = none: were the moved port TLS, any
    certificate the CA signed gets the API; a "yes, it is TLS" must fail, not pass."""
    a = host_scan(_moved('auth_tcp = "none"\n', 16600))
    assert outcomes(a, "HVA-034") == {"hv1": "manual"}, messages(a, "HVA-034")
    admits = (
        "any certificate the CA signed (no tls_allowed_dn_list, auth_tls = none in virtproxyd.conf)"
    )
    assert messages(a, "HVA-034")["hv1"] == (
        MOVED_WORDS.format(where="virtproxyd on 0.0.0.0:16600") + f"; were it TLS, it would "
        f"admit {admits}"
    )
    assert _question(a, "HVA-034") == (
        "Is virtproxyd on 0.0.0.0:16600 on host hv1 libvirt's plain TCP transport, not its TLS "
        f"one? Evidence: {UNITS}. Pass: every such port is a -tcp unit's (the plain TCP "
        "transport, which HVA-030 and HVA-035 judge); fail: one is a -tls unit's, whose TLS "
        f"listener admits {admits}."
    )


def test_moved_listener_without_certificate_check_admits_any_client(host_scan) -> None:
    """R35D-1: tls_no_verify_certificate = 1 skips the certificate check, the DN list with it
    (virnettlscontext.c "Ignoring bad certificate at user request"): any client, not only a
    certificate the CA signed."""
    conf = 'auth_tcp = "none"\ntls_allowed_dn_list = ["CN=mgmt1"]\ntls_no_verify_certificate = 1\n'
    a = host_scan(_moved(conf, 16600))
    assert outcomes(a, "HVA-034") == {"hv1": "manual"}, messages(a, "HVA-034")
    admits = (
        "any client (virtproxyd.conf: tls_no_verify_certificate = 1, client certificates (and "
        "tls_allowed_dn_list) are not checked)"
    )
    assert messages(a, "HVA-034")["hv1"] == (
        MOVED_WORDS.format(where="virtproxyd on 0.0.0.0:16600") + f"; were it TLS, it would "
        f"admit {admits}"
    )
    assert _question(a, "HVA-034") == (
        "Is virtproxyd on 0.0.0.0:16600 on host hv1 libvirt's plain TCP transport, not its TLS "
        f"one? Evidence: {UNITS}. Pass: every such port is a -tcp unit's (the plain TCP "
        "transport, which HVA-030 and HVA-035 judge); fail: one is a -tls unit's, whose TLS "
        f"listener admits {admits}."
    )


def test_moved_listener_beside_a_dn_list_passes(host_scan) -> None:
    """R35D-1: virtproxyd.conf's DN list naming one client restricts virtproxyd's moved
    listener whichever transport it is; libvirtd.conf (no DN list) sets no listener here."""
    a = host_scan(_moved('auth_tcp = "none"\ntls_allowed_dn_list = ["CN=mgmt1"]\n', 16600))
    assert outcomes(a, "HVA-034") == {"hv1": "pass"}, messages(a, "HVA-034")
    assert messages(a, "HVA-034")["hv1"] == (
        "TLS clients restricted: tls_allowed_dn_list ['CN=mgmt1'] (virtproxyd.conf)"
    )


# --- R35D-2: the question named the first moved listener only ----------------------------------


def test_two_moved_listeners_are_both_asked(host_scan) -> None:
    """R35D-2: a "yes" about virtproxyd on 16600 passed 16601, maybe the plain TCP transport
    with auth_tcp = none, unasked (HVA-030 and HVA-035 ask the same question)."""
    a = host_scan(_moved('auth_tcp = "none"\n', 16600, 16601))
    where = "virtproxyd on 0.0.0.0:16600, virtproxyd on 0.0.0.0:16601"
    for check in ("HVA-030", "HVA-034", "HVA-035"):
        assert outcomes(a, check) == {"hv1": "manual"}, (check, messages(a, check))
    assert messages(a, "HVA-030")["hv1"] == MOVED_WORDS.format(where=where)
    assert messages(a, "HVA-035")["hv1"] == (
        MOVED_WORDS.format(where=where) + "; on the plain TCP transport tcp_min_ssf decides"
    )
    tls = (
        f"Is each of {where} on host hv1 libvirt's TLS transport with client certificates "
        f"verified, not its plain TCP one? Evidence: {UNITS} and the daemon file's auth_tcp, "
        "tcp_min_ssf and tls_no_verify_certificate. Pass: every such port is a -tls unit's and "
        "tls_no_verify_certificate is 0; fail: one is a -tcp unit's (auth_tcp decides how open "
        "it is) or certificates are not verified."
    )
    assert _question(a, "HVA-030") == tls
    assert _question(a, "HVA-035") == tls
    assert str(_question(a, "HVA-034")).startswith(
        f"Is each of {where} on host hv1 libvirt's plain TCP transport, not its TLS one?"
    )
