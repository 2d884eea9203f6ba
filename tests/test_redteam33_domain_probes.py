"""Red-team round 33 probes: VM domain XML, raw QEMU arguments and the checks that compare VMs
(rt33dom)

Harness: round 31's (tests/test_redteam31_domain_probes.py): the hardened Debian host replay
(conftest HARDENED_HOST, AppArmor; qemu.conf migration_address 10.0.1.10, migrate_tls_force =
1) collected with the real LibvirtCollector from a test-driver node holding web01 and `others`,
marked as the QEMU driver's, web01's <qemu:commandline> written into its collected XML as a
QEMU-driver daemon reports it (test_redteam30_domain_probes `_scan` with `edit`); Proxmox VE:
the hardened node tree (tests/fixtures/proxmox-hardened) scanned through the CLI with VM 200
(web-10) and 201 (api-11) edited (test_redteam31_domain_probes `_pve`).

Findings:
- R33D-1 (false pass) HVA-036, HVA-308: a TCP character device naming its service by name
  (`<serial type='tcp'><source mode='connect' host='127.0.0.2' service='krb524'/>`, Proxmox
  VE `args: -chardev socket,host=127.0.0.5,port=NAME`) beside web01's raw `-incoming
  tcp:127.0.0.2:4444` passed "migration_address = 10.0.1.10"; so did a raw `-incoming
  tcp:127.0.0.2:krb524` (its own port a name) beside a device dialling 127.0.0.2:4444, and
  qemu.conf migration_address = "127.0.0.2" without forced TLS beside a device dialling
  127.0.0.2:migration ("migration_address = loopback"). QEMU resolves a service name with
  getaddrinfo both when it connects (util/qemu-sockets.c inet_parse_connect_saddr) and when
  it listens (inet_listen_saddr: `getaddrinfo(strlen(addr) ? addr : NULL, port, ...)`, the
  port as written when port_offset is 0), so the host's /etc/services, which hvaudit does not
  collect, decides whether the guest reaches the incoming migration: R31D-1/R31D-3 compared
  port numbers only (dials_into skipped a name). Now a question naming the device, the
  listener and the names to resolve (_loopback.dials_named_into,
  hardening.named_migration_question), joined with the check's other open questions
  (joint_question).
- R33D-2 (false pass) HVA-030: R33D-1's class in the relay rule. A socat relay of libvirt's
  read-write socket onto 127.0.0.2:16600 (tests/test_chardev_api_relay.py) passed "libvirt
  listens on local UNIX sockets only" beside VM dialer whose `<serial type='tcp'><source
  mode='connect' host='127.0.0.2' service='libvirt-relay'/>` QEMU resolves with the host's
  /etc/services when it connects (inet_parse_connect_saddr): _relays_dialled compared port
  numbers only (chardev_reaching), while HVA-033 and HVA-210 already ask about a name
  (chardev_named, VL18-6). Now the same question (management._relays_named, named_question).
- R33D-3 (false pass) HVA-036, HVA-308: web01's raw `-incoming unix:/run/mig.sock` passed
  "migration_address = 10.0.1.10" beside VM dialer whose `<serial type='unix'><source
  mode='connect' path='/run/mig.sock'/>` (or `/run//mig.sock`, the same file) has QEMU connect
  to that socket and relay its guest's bytes (libvirt domain_conf.c
  virDomainChrSourceDefParseUnix: `listen = mode == VIR_DOMAIN_CHR_SOURCE_MODE_BIND`, a
  client otherwise; formatdomain "UNIX domain socket client/server"), and Proxmox VE's `args:
  -incoming unix:/run/mig.sock` beside api-11's `args: -chardev socket,id=s0,path=
  /run/mig.sock` (a client unless server=on): the guest sends the state the waiting VM runs.
  The parser kept TCP and UDP character devices only, and raw_migration_listeners judged a
  UNIX `-incoming` not at all. Now the parser records UNIX clients (Vm.unix_dials) and the
  listener fails naming the device (_loopback.unix_guests, same_socket).

Held (kept as tests): a device naming its service on another loopback address than the
listener's; a named device beside libvirt's loopback migration address with
migrate_tls_force = 1 (the guest has no client certificate); a device naming its service on
another loopback address than the relay's (HVA-030); a UNIX device that listens itself
(mode='bind') on the `-incoming` socket's path, or connects to another socket (HVA-036).

Probed by script, not kept: the 1052 tests of the files naming HVA-036, HVA-308,
raw_migration_listeners, unread_incoming or dials_into pass with R33D-1; the 419 of the relay
and loopback-listener files (test_chardev_api_relay, test_loop17_probes, the sock probes,
test_checks_host) with R33D-2; the parser and HVA-036/308 files with R33D-3; the end-to-end
test against libvirtd with QEMU after each (one run during R33D-2 failed two tests, HVA-031's
redefined console among them, and passed 11 of 11 when run again on the same tree).

Tally: 3 findings (false pass 3), 14 test cases, 9 failed on main before the fixes (the 5 held
cases pass on main too).

Leads left: a UNIX `-incoming` reached through a symbolic link, or an abstract socket
(`abstract=on`), is not matched (same_socket compares paths as written); `-incoming file:PATH`
beside another VM's `<serial type='file'>` writing PATH (through virtlogd, which rolls the file
over at max_size) is not judged; HVA-030's /etc/services question (R33D-2) was an elif after its
SASL, TLS and key questions, so a "yes" to one of those passed it unasked (R21Q-1's class):
joined by the lead after the round (13791e87, tests/test_hva030_joint_question.py); HVA-051 relaxed_acs_check beside a guest not read, `<interface type='null'>`/'vds' under
QEMU, HVA-090 equal non-default weights on every VM and `-global migration.tls-creds` were not
reached (Xen credit weights: hvaudit collects no Xen host).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import domain_xml, messages, outcomes
from test_chardev_api_relay import _relay
from test_redteam30_domain_probes import _question, _scan
from test_redteam31_domain_probes import LOOP_PASS, PASS, _conf, _incoming, _pve


def _named_dialer(address: str, service: str) -> str:
    return domain_xml(
        "dialer",
        f"<devices><serial type='tcp'><source mode='connect' host='{address}' "
        f"service='{service}'/><protocol type='raw'/><target port='0'/></serial></devices>",
    )


# --- R33D-1: a service name on either side of a loopback migration listener -----------------

R33D1_ASK = (
    "Does /etc/services on host hv1 resolve {names} to no port that puts a character device or "
    "socket tunnel on the migration listener it names ({named})? Evidence: `getent services "
    "NAME/tcp` on host hv1 for each name (QEMU resolves a service name with getaddrinfo when it "
    "connects or listens). Pass: yes, no device connects to a port of the listener; fail: one "
    "does, and QEMU relays that VM's guest to the incoming migration, which can send the state "
    "the VM then runs."
)


@pytest.mark.parametrize(
    ("spec", "service", "port", "name"),
    [
        ("tcp:127.0.0.2:4444", "krb524", "4444", "krb524/tcp"),
        ("tcp:127.0.0.2:krb524", "4444", "krb524", "krb524/tcp"),
        ("tcp:127.0.0.2:4440,to=4450", "migration", "4440", "migration/tcp"),
    ],
)
def test_raw_incoming_a_device_dials_by_name_asks(
    tmp_path: Path, spec: str, service: str, port: str, name: str
) -> None:
    """R33D-1, HVA-036: /etc/services decides whether the device reaches the listener."""
    a = _scan(tmp_path, edit=_incoming(spec), others=(_named_dialer("127.0.0.2", service),))
    named = (
        f"VM web01's QEMU argument -incoming {spec}: QEMU waits for a migration stream (main "
        f"channel) on 127.0.0.2 port {port}, which VM dialer (<serial type='tcp'> connecting to "
        f"127.0.0.2:{service}) may connect to (the host's /etc/services, not collected, resolves "
        "the service name)"
    )
    assert (outcomes(a, "HVA-036"), messages(a, "HVA-036")) == (
        {"hv1": "manual"},
        {"hv1": f"migration_address = 10.0.1.10; {named}"},
    )
    assert _question(a, "HVA-036", "hv1") == R33D1_ASK.format(names=name, named=named)


def test_loopback_migration_address_a_device_dials_by_name_asks(tmp_path: Path) -> None:
    """R33D-1, HVA-036: libvirt's plaintext range on 127.0.0.2, a device dialling a name."""
    a = _scan(tmp_path, host=_conf(), others=(_named_dialer("127.0.0.2", "migration"),))
    named = (
        "migration_address = 127.0.0.2: VM dialer (<serial type='tcp'> connecting to "
        "127.0.0.2:migration) may connect to a port of libvirt's migration range 49152-49215 "
        "there, where an incoming migration listens without TLS (migrate_tls_force = 0; the "
        "host's /etc/services, not collected, resolves the service name)"
    )
    assert (outcomes(a, "HVA-036"), messages(a, "HVA-036")) == ({"hv1": "manual"}, {"hv1": named})
    assert _question(a, "HVA-036", "hv1") == R33D1_ASK.format(names="migration/tcp", named=named)


def test_pve_loopback_incoming_a_raw_chardev_dials_by_name_asks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R33D-1, HVA-308: api-11's `args:` chardev names its port."""
    dial = "-chardev socket,id=s0,host=127.0.0.5,port=krb524"
    got = _pve(
        tmp_path,
        capsys,
        "args: -incoming tcp:127.0.0.5:60000\n",
        f"args: {dial} -device isa-serial,chardev=s0\n",
    )
    assert got == (
        "manual",
        "migration type secure on 10.0.2.0/24; VM web-10's QEMU argument -incoming "
        "tcp:127.0.0.5:60000: QEMU waits for a migration stream (main channel) on 127.0.0.5 "
        f"port 60000, which VM api-11 (QEMU argument {dial}) may connect to (the host's "
        "/etc/services, not collected, resolves the service name)",
    )


def test_held_named_device_on_another_loopback_address_passes(tmp_path: Path) -> None:
    """Held: the device names its service on 127.0.0.3, the listener is on 127.0.0.2."""
    a = _scan(
        tmp_path,
        edit=_incoming("tcp:127.0.0.2:4444"),
        others=(_named_dialer("127.0.0.3", "krb524"),),
    )
    assert (outcomes(a, "HVA-036"), messages(a, "HVA-036")) == ({"hv1": "pass"}, {"hv1": PASS})


def test_held_named_device_beside_forced_tls_passes(tmp_path: Path) -> None:
    """Held: migrate_tls_force = 1 with verification: the guest has no client certificate."""
    a = _scan(tmp_path, host=_conf(1), others=(_named_dialer("127.0.0.2", "migration"),))
    assert (outcomes(a, "HVA-036"), messages(a, "HVA-036")) == (
        {"hv1": "pass"},
        {"hv1": LOOP_PASS},
    )


# --- R33D-2: a device naming its service beside a relay of libvirt's socket -----------------


def test_relay_a_device_dials_by_name_asks(host_scan) -> None:
    """R33D-2, HVA-030: /etc/services decides whether the device reaches socat's port."""
    dialer = _named_dialer("127.0.0.2", "libvirt-relay")
    a = host_scan(_relay("127.0.0.2"), domains=[domain_xml("web01"), dialer])
    assert (outcomes(a, "HVA-030"), messages(a, "HVA-030")) == (
        {"hv1": "manual"},
        {
            "hv1": "socat (pid 991) relays /run/libvirt/libvirt-sock onto TCP 127.0.0.2:16600, "
            "which VM dialer (<serial type='tcp'> connecting to 127.0.0.2:libvirt-relay) may "
            "connect its guest to (the host's /etc/services, not collected, resolves the service "
            "name): libvirt's full API without authentication or encryption"
        },
    )
    assert _question(a, "HVA-030", "hv1") == (
        "Does /etc/services on hv1 map none of libvirt-relay/tcp to tcp/16600? Evidence: "
        "`getent services NAME/PROTOCOL` on the host for each name (QEMU resolves the name with "
        "getaddrinfo when it connects). Pass: yes, none maps to tcp/16600; fail: one does, and "
        "QEMU relays that VM's guest to the listener on that port."
    )


def test_held_relay_a_device_naming_its_service_elsewhere_passes(host_scan) -> None:
    """Held: the named device dials 127.0.0.3, the relay listens on 127.0.0.2."""
    dialer = _named_dialer("127.0.0.3", "libvirt-relay")
    a = host_scan(_relay("127.0.0.2"), domains=[domain_xml("web01"), dialer])
    assert (outcomes(a, "HVA-030"), messages(a, "HVA-030")) == (
        {"hv1": "pass"},
        {"hv1": "libvirt listens on local UNIX sockets only"},
    )


# --- R33D-3: a raw `-incoming unix:` that another VM's UNIX character device connects to -----


def _unix_dialer(path: str, mode: str = "connect") -> str:
    return domain_xml(
        "dialer",
        f"<devices><serial type='unix'><source mode='{mode}' path='{path}'/>"
        "<target port='0'/></serial></devices>",
    )


@pytest.mark.parametrize("dial", ["/run/mig.sock", "/run//mig.sock"])
def test_raw_incoming_unix_a_device_connects_fails(tmp_path: Path, dial: str) -> None:
    """R33D-3, HVA-036."""
    a = _scan(tmp_path, edit=_incoming("unix:/run/mig.sock"), others=(_unix_dialer(dial),))
    assert (outcomes(a, "HVA-036"), messages(a, "HVA-036")) == (
        {"hv1": "fail"},
        {
            "hv1": "VM web01's QEMU argument -incoming unix:/run/mig.sock: QEMU waits for a "
            "migration stream (main channel) on UNIX socket /run/mig.sock, which VM dialer "
            f"(<serial type='unix'> connecting to {dial}) connects its guest to: QEMU relays the "
            "guest's bytes, which can send the state the VM then runs"
        },
    )


def test_pve_incoming_unix_a_raw_chardev_connects_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R33D-3, HVA-308: api-11's `args:` chardev is a client of web-10's socket."""
    dial = "-chardev socket,id=s0,path=/run/mig.sock"
    got = _pve(
        tmp_path,
        capsys,
        "args: -incoming unix:/run/mig.sock\n",
        f"args: {dial} -device isa-serial,chardev=s0\n",
    )
    assert got == (
        "fail",
        "VM web-10's QEMU argument -incoming unix:/run/mig.sock: QEMU waits for a migration "
        f"stream (main channel) on UNIX socket /run/mig.sock, which VM api-11 (QEMU argument "
        f"{dial}) connects its guest to: QEMU relays the guest's bytes, which can send the "
        "state the VM then runs",
    )


@pytest.mark.parametrize(
    ("path", "mode"), [("/run/mig.sock", "bind"), ("/run/other.sock", "connect")]
)
def test_held_unix_device_listening_or_elsewhere_passes(
    tmp_path: Path, path: str, mode: str
) -> None:
    """Held: a UNIX device that listens itself, or connects to another socket."""
    a = _scan(tmp_path, edit=_incoming("unix:/run/mig.sock"), others=(_unix_dialer(path, mode),))
    assert (outcomes(a, "HVA-036"), messages(a, "HVA-036")) == ({"hv1": "pass"}, {"hv1": PASS})
