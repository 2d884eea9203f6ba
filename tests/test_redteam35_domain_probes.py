"""Red-team round 35 probes: the libvirt daemon's listeners, VM domain XML and raw QEMU
arguments (r35-domain)

Harness: R35D-1/2, round 8's moved listener (tests/test_redteam8_host_probes MOVED): conftest's hardened
Debian host replay (HARDENED_HOST) with the modular daemons, virtproxyd holding a TCP socket
that systemd passed it (`ss -p` names both) on a port virtproxyd.conf does not name, scanned
with conftest's `host_scan` through the real collector, parser and engine. R35D-3: round 31's
(test_redteam31_domain_probes), the test-driver node's domains collected by the real
LibvirtCollector and marked as the QEMU driver's, each VM's <qemu:commandline> written into
its collected XML (_raw_scan: web01 and v1 both carry raw arguments).

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
  certificate the CA signed"). Found at the same time by R35S-3 (r35-s1), which landed first
  with its own question (management._moved_not_tls_question, kept); this round adds the
  message's kind and the holding daemon's file. It also judged every remote daemon's file where the listener is
  one daemon's: a moved virtproxyd listener beside virtproxyd.conf's tls_allowed_dn_list
  naming one client was asked because libvirtd.conf, which sets no listener there, has none;
  now the holding daemon's file decides (a pass).
- R35D-2 (false pass) HVA-030, HVA-034, HVA-035: with two such listeners (virtproxyd on
  0.0.0.0:16600 and on 0.0.0.0:16601, two drop-ins' ListenStream=), the question named the
  first only ("Is virtproxyd on 0.0.0.0:16600 ... TLS"), so a "yes" about it passed the
  second, which may be the plain TCP transport with auth_tcp = none (the whole API to anyone
  reaching the port), unasked. Now the question names each (_libvirt.moved_listener_question).

- R35D-3 (false pass) HVA-036, HVA-308, HVA-031: a listener on `localhost` was taken for
  127.0.0.1 alone (_loopback.guest_loopback), so web01's raw `-incoming tcp:localhost:4444`
  beside VM v1's `-netdev user,id=n0,ipv4=off` (a user-mode guest that reaches the host's ::1
  alone, libslirp sotranslate_out6) passed "migration_address = 10.0.1.10", and web01's
  `<graphics type='vnc' listen='localhost'>` without a password passed "console(s) reachable
  only from the host". QEMU listens on every address the name resolves to: migration/socket.c
  socket_start_incoming_migration and ui/vnc.c vnc_display_listen call io/net-listener.c
  qio_net_listener_open_sync, which opens one socket per address qio_dns_resolver_lookup_sync
  gives, and hosts(5) files map localhost to 127.0.0.1 and ::1. Now _loopback.guest_families
  gives both families for it, and the raw listener and console rules fail it beside a guest
  of either (the words name the address that guest reaches).

Held (kept as tests): the daemon side had none (the DN-list case changed too, R35D-1); for
R35D-3, `localhost` beside a guest reaching 127.0.0.1 alone (ipv6=off) fails as before, and
127.0.0.1 beside a guest reaching ::1 alone passes (raw `-incoming` and VNC).

Probed by script, not kept: `-incoming tcp:ip6-localhost:4444` and `tcp:localhost6:4444` (names
Debian's and Red Hat's hosts files give ::1) beside an ipv4=off guest: asked as a raw listener
off the migration address (R34D-2), not passed; `-incoming tcp:127.0.0.1:` and `tcp:[::1]:`
beside a guest of the other family pass, beside one of the same family fail.

Tally: 3 findings (false pass 3), 10 test cases, 6 failed on main before the fixes (the 4
held cases of R35D-3 pass on main too).

Leads left:
- SPICE: spice-server reds.c reds_init_socket loops over getaddrinfo's results (AI_PASSIVE
  | AI_ADDRCONFIG) for one listening socket, so it may bind only the first (::1 for localhost
  in glibc's RFC 6724 order where the hosts file names both; the end of the loop was not
  read): a SPICE console on localhost beside a guest reaching 127.0.0.1 alone (ipv6=off) may
  be a wrong fail (consoles._local treats it as VNC's).
- HVA-034's moved-listener item still joins no other open question of the host (an unread
  SASL file of another daemon is not asked beside it), and an open DN list in the file of a
  daemon that holds no listener is still failed where a real TLS listener exists.
- ip6-localhost/localhost6 as a console's listen address (is_local_address says no: a remote
  listener, not a ::1 one); names other than localhost in guest_families.
- The round 33/34 leads not reached: a UNIX `-incoming` through a symbolic link or an abstract
  socket; HVA-051 relaxed_acs_check beside a guest not read; `<interface type='null'>`/'vds'
  under QEMU; HVA-090 equal non-default weights; `-global migration.tls-creds`; HVA-210's DNS
  rule; passt's IPv6 DNS forwarding.
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
from test_redteam8_host_probes import MOVED
from test_redteam31_domain_probes import PASS

MOVED_WORDS = (
    "libvirt listens on TCP where its files name no port: {where} (a socket unit's ListenStream)"
)
UNITS = (
    "`systemctl show -p Listen virtproxyd-tcp.socket virtproxyd-tls.socket libvirtd-tcp.socket "
    "libvirtd-tls.socket` (the unit whose ListenStream holds the port)"
)

#: HVA-034's question of a moved listener (management._moved_not_tls_question, R35S-3)
NOT_TLS = (
    "Is {which} on host hv1 libvirt's plain TCP transport, not its TLS one? Evidence: "
    + UNITS
    + ". Pass: yes, the port is a -tcp unit's (HVA-030 judges it); fail: it is a -tls "
    "unit's, whose client certificates the daemon file's settings do not restrict."
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
    assert _question(a, "HVA-034") == NOT_TLS.format(which="virtproxyd on 0.0.0.0:16600")


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
    assert _question(a, "HVA-034") == NOT_TLS.format(which="virtproxyd on 0.0.0.0:16600")


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
    assert _question(a, "HVA-034") == NOT_TLS.format(which=f"each of {where}")


# --- R35D-3: a raw `-incoming tcp:localhost:` beside a guest that reaches ::1 alone -------------


def _raw_scan(tmp_path: Path, raw: dict[str, tuple[str, ...]], web01: str = "") -> Assessment:
    """The hardened host with one VM per key of `raw`, collected by the real collector from a
    test-driver node and marked as the QEMU driver's, each VM's <qemu:commandline> holding its
    arguments written into its collected XML as a QEMU-driver daemon reports it (the test
    driver drops the namespace; test_redteam30_domain_probes._scan edits web01 alone); `web01`
    is the body of web01's definition."""
    uri = write_node(
        tmp_path / f"node-{time.monotonic_ns()}.xml",
        [domain_xml(n, web01 if n == "web01" else "") for n in raw],
    )
    writer = BundleWriter(
        tmp_path / f"b-{time.monotonic_ns()}",
        target="qemu+ssh://root@hv1/system",
        platform="kvm-libvirt",
    )
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=True).collect(writer)
    assert writer.root is not None
    for name, args in raw.items():
        path = f"libvirt/domains/{uuidlib.uuid5(uuidlib.NAMESPACE_DNS, name)}.xml"
        text = writer.files.pop(path).decode()
        writer.entries.pop(path)
        (writer.root / path).unlink()
        argv = "".join(f"<qemu:arg value='{a}'/>" for a in args)
        text = text.replace(
            "</domain>",
            f"<qemu:commandline xmlns:qemu='{QEMU_NS_URI}'>{argv}</qemu:commandline></domain>",
        )
        writer.add(path, text.encode(), origin="virDomainGetXMLDesc")
    writer.meta["collector"]["libvirt"].update(simulated=False, hostname="hv1")
    from_qemu_driver(writer, uri)
    _replay_secmodel(writer, "apparmor")
    HostCollector(ReplayRunner(dict(HARDENED_HOST))).collect(writer)
    bundle = writer.close(complete=True)
    assert bundle is not None
    return run_assessment(bundle)


WAITS = (
    "VM web01's QEMU argument -incoming {spec}: QEMU waits for a migration stream (main "
    "channel) on {host}, which the user-mode networking of VM v1 (QEMU argument -netdev "
    "user,id=n0,{off}) opens to its guest (a connection to its host address becomes one to {to})"
)


@pytest.mark.parametrize(
    ("spec", "off", "to"),
    [
        # R35D-3: QEMU listens on localhost's ::1 too; the guest reaches ::1 alone
        ("tcp:localhost:4444", "ipv4=off", "::1"),
        # held: the guest reaches 127.0.0.1 alone, localhost's other address
        ("tcp:localhost:4444", "ipv6=off", "127.0.0.1"),
    ],
)
def test_raw_incoming_on_localhost_beside_a_single_family_guest_fails(
    tmp_path: Path, spec: str, off: str, to: str
) -> None:
    """R35D-3: QEMU's migration listener listens on every address its host name resolves to
    (migration/socket.c socket_start_incoming_migration -> io/net-listener.c
    qio_net_listener_open_sync, one socket per address qio_dns_resolver_lookup_sync gives), and
    hosts(5) maps localhost to 127.0.0.1 and ::1; QEMU's `-netdev user,ipv4=off` guest reaches
    the host's ::1 alone (libslirp sotranslate_out6). hvaudit took localhost for 127.0.0.1
    alone (guest_loopback) and passed."""
    a = _raw_scan(tmp_path, {"web01": ("-incoming", spec), "v1": ("-netdev", f"user,id=n0,{off}")})
    assert outcomes(a, "HVA-036") == {"hv1": "fail"}, messages(a, "HVA-036")
    assert messages(a, "HVA-036")["hv1"] == WAITS.format(
        spec=spec, host="localhost", off=off, to=to
    )


def test_raw_incoming_on_127_0_0_1_beside_an_ipv6_only_guest_passes(tmp_path: Path) -> None:
    """Held: `-incoming tcp:127.0.0.1:` beside a guest that reaches ::1 alone (ipv4=off)."""
    a = _raw_scan(
        tmp_path,
        {"web01": ("-incoming", "tcp:127.0.0.1:4444"), "v1": ("-netdev", "user,id=n0,ipv4=off")},
    )
    assert outcomes(a, "HVA-036") == {"hv1": "pass"}, messages(a, "HVA-036")
    assert messages(a, "HVA-036")["hv1"] == PASS


VNC_ON = (
    "<devices><graphics type='vnc' port='5901' autoport='no' listen='{a}'><listen "
    "type='address' address='{a}'/></graphics></devices>"
)


@pytest.mark.parametrize(
    ("listen", "off", "to"),
    [
        # R35D-3: QEMU's VNC server listens on localhost's ::1 too
        ("localhost", "ipv4=off", "::1"),
        # held: the guest reaches 127.0.0.1 alone
        ("localhost", "ipv6=off", "127.0.0.1"),
    ],
)
def test_vnc_on_localhost_beside_a_single_family_guest_fails(
    tmp_path: Path, listen: str, off: str, to: str
) -> None:
    """R35D-3, HVA-031: QEMU's VNC server listens on each address its listen name resolves to
    (ui/vnc.c vnc_display_listen -> io/net-listener.c qio_net_listener_open_sync), so
    `listen='localhost'` is on ::1 as well, which the `ipv4=off` guest reaches; hvaudit
    passed "console(s) reachable only from the host"."""
    a = _raw_scan(
        tmp_path,
        {"web01": ("-name", "web01"), "v1": ("-netdev", f"user,id=n0,{off}")},
        VNC_ON.format(a=listen),
    )
    assert outcomes(a, "HVA-031")["web01"] == "fail", messages(a, "HVA-031")
    assert messages(a, "HVA-031")["web01"] == (
        f"vnc on {listen} without a password; {to} is reachable from guests: the user-mode "
        f"networking of VM v1 (QEMU argument -netdev user,id=n0,{off}) turns a guest's "
        f"connection to its host address into one to {to}"
    )


def test_vnc_on_127_0_0_1_beside_an_ipv6_only_guest_passes(tmp_path: Path) -> None:
    """Held: VNC on 127.0.0.1 beside a guest that reaches ::1 alone (ipv4=off)."""
    a = _raw_scan(
        tmp_path,
        {"web01": ("-name", "web01"), "v1": ("-netdev", "user,id=n0,ipv4=off")},
        VNC_ON.format(a="127.0.0.1"),
    )
    assert outcomes(a, "HVA-031")["web01"] == "pass", messages(a, "HVA-031")
    assert messages(a, "HVA-031")["web01"] == "console(s) reachable only from the host"
