"""Red-team round 31 probes: VM domain XML and the checks that compare VMs (rt31dom)

Harness: round 30's (tests/test_redteam30_domain_probes.py `_scan`): the hardened Debian host
replay (conftest HARDENED_HOST, AppArmor; qemu.conf migration_address 10.0.1.10,
migrate_tls_force = 1), collected with the real LibvirtCollector from a test-driver node holding
web01 and `others`, marked as the QEMU driver's; web01's <qemu:commandline> written into its
collected XML as a QEMU-driver daemon reports it (`edit`). Proxmox VE: the hardened node tree
(tests/fixtures/proxmox-hardened) scanned through the CLI (test_redteam2_probes.pve_scan) with
VM 200 (web-10) and 201 (api-11) edited.

Findings:
- R31D-1 (false pass) HVA-036: a raw `-incoming tcp:127.0.0.2:4444` of web01 (QEMU waits at each
  start for a migration stream, whoever sends it first) passed "migration_address = 10.0.1.10"
  beside VM dialer whose `<serial type='tcp'><source mode='connect' host='127.0.0.2'
  service='4444'/>` has QEMU dial that port and relay the guest's bytes (formatdomain, "TCP":
  the device "acts as a TCP client connecting to a remote server"; chardev_guests, VL18-3):
  the dialer's guest sends the state web01 then runs. The user-mode rule alone was applied
  (127.0.0.1 only); HVA-030/033/210 apply the device rule. So did a dial of 0.0.0.0:4444 to a
  listener on 127.0.0.1 (Linux routes a connect to INADDR_ANY to 127.0.0.1, _dialled_ips), and
  one to a port of `to=` (util/qemu-sockets.c inet_parse `strstr(optstr, ",to=")`,
  inet_listen_saddr binds the first free port of port..to). Now a fail naming the device
  (hardening.raw_migration_listeners `dials`, _loopback.dials_into; RawIncoming.to).
- R31D-2 (false pass) HVA-308: Proxmox VE's `args: -incoming tcp:127.0.0.1:60000` passed
  "migration type secure" beside VM api-11 whose net0 has no bridge (qemu-server
  print_netdev_full: `-netdev type=user`, whose guest reaches the host's 127.0.0.1, libslirp
  sotranslate_out4), and beside api-11's `args: -chardev socket,host=127.0.0.5,port=60003` into
  `-incoming tcp:127.0.0.5:60000,to=60010`: HVA-308 ran raw_migration_listeners without the
  loopback guests HVA-036 gives it. Now both rules, and the unread question names user-mode
  networking beside a loopback `-incoming` (raw.reachable was dropped).
- R31D-3 (false pass) HVA-036: qemu.conf migration_address = "127.0.0.2" (libvirt refuses
  127.0.0.1 and ::1 only: qemu_conf.c virQEMUDriverConfigLoadNetworkEntry) with
  migrate_tls_force = 0 passed "migration_address = loopback" beside VM dialer whose serial
  device dials 127.0.0.2:49160, a port of libvirt's migration range (49152-49215 unset:
  qemu_conf.c QEMU_MIGRATION_PORT_MIN/MAX; migration_port_min/max read when set): its guest
  reaches every plaintext incoming migration. Now a fail; with migrate_tls_force = 1 and
  verification the guest lacks a client certificate (held, pass); beside a guest not read the
  question names the device rule for that address and range.

Held (kept as tests): a device dialling another loopback address or a port outside the
`-incoming` range; a device dialling a port outside migration_port_min..max; migration_address
127.0.0.2 with migrate_tls_force = 1; Proxmox VE's loopback `-incoming` beside bridged VMs only.

Probed by script, not kept: the 1043 tests of the files naming HVA-036, HVA-308,
raw_migration_listeners and unread_incoming pass with the change.

Tally: 3 findings (false pass 3), 13 test cases, 8 failed on main before the fixes (the 5 held
cases pass on main too).

Leads left: a device naming its service by name (service='migration') beside a loopback
`-incoming` (chardev_named: /etc/services decides; HVA-033's question, not applied here);
`-global migration.tls-creds=...` would make a raw `-incoming` TLS (not read: judged plain);
libvirt's incoming on migration_host when migration_address is unset but a VM-specific
`--listen-address` is passed by the caller (per migration, not in any file); HVA-051
relaxed_acs_check beside an unread guest; `<interface type='null'>`/'vds' under QEMU; HVA-090
equal non-default weights on every VM and Xen credit weights (R30 leads, not reached).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HARDENED_HOST, QEMU_NS_URI, domain_xml, messages, outcomes
from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan
from test_redteam30_domain_probes import UNREAD, _scan

QEMU_CONF = "/etc/libvirt/qemu.conf"
PASS = "migration_address = 10.0.1.10, migrate_tls_x509_verify = 1"


def _incoming(spec: str) -> tuple[str, str]:
    """web01 waiting for a migration stream `-incoming spec` at each start."""
    return (
        "</domain>",
        f"<qemu:commandline xmlns:qemu='{QEMU_NS_URI}'><qemu:arg value='-incoming'/>"
        f"<qemu:arg value='{spec}'/></qemu:commandline></domain>",
    )


def _dialer(address: str, port: int) -> str:
    return domain_xml(
        "dialer",
        f"<devices><serial type='tcp'><source mode='connect' host='{address}' "
        f"service='{port}'/><protocol type='raw'/><target port='0'/></serial></devices>",
    )


# --- R31D-1: a raw loopback `-incoming` that another VM's character device dials -------------


@pytest.mark.parametrize(
    ("spec", "dial", "port"),
    [
        ("tcp:127.0.0.2:4444", "127.0.0.2", 4444),
        ("tcp:127.0.0.1:4444", "0.0.0.0", 4444),
        ("tcp:127.0.0.2:4444,to=4450", "127.0.0.2", 4447),
    ],
)
def test_raw_incoming_a_character_device_dials_fails(
    tmp_path: Path, spec: str, dial: str, port: int
) -> None:
    """R31D-1, HVA-036."""
    a = _scan(tmp_path, edit=_incoming(spec), others=(_dialer(dial, port),))
    host = spec.split(":")[1]
    assert (outcomes(a, "HVA-036"), messages(a, "HVA-036")) == (
        {"hv1": "fail"},
        {
            "hv1": f"VM web01's QEMU argument -incoming {spec}: QEMU waits for a migration stream "
            f"(main channel) on {host}, which VM dialer (<serial type='tcp'> connecting to "
            f"{dial}:{port}) connects its guest to: QEMU relays the guest's bytes, which can "
            "send the state the VM then runs"
        },
    )


@pytest.mark.parametrize(
    ("spec", "dial", "port"),
    [
        ("tcp:127.0.0.2:4444", "127.0.0.3", 4444),
        ("tcp:127.0.0.2:4444,to=4450", "127.0.0.2", 4451),
    ],
)
def test_held_raw_incoming_a_device_dialling_elsewhere_passes(
    tmp_path: Path, spec: str, dial: str, port: int
) -> None:
    """Held: a device dialling another loopback address, or a port outside port..to."""
    a = _scan(tmp_path, edit=_incoming(spec), others=(_dialer(dial, port),))
    assert (outcomes(a, "HVA-036"), messages(a, "HVA-036")) == ({"hv1": "pass"}, {"hv1": PASS})


# --- R31D-2: HVA-308 (Proxmox VE `args: -incoming`) without the loopback rules ---------------

API_BRIDGE = "bridge=vmbr0,firewall=1,tag=30,rate=25"


def _pve(tmp_path: Path, capsys: pytest.CaptureFixture[str], web: str, api: str = "") -> tuple:
    q = "etc/pve/qemu-server"
    text = (PVE_HARDENED / q / "201.conf").read_text()
    edits = {
        f"{q}/200.conf": (PVE_HARDENED / q / "200.conf").read_text() + web,
        f"{q}/201.conf": text.replace(API_BRIDGE, "rate=25") if api == "nobridge" else text + api,
    }
    return pve_result(pve_scan(tmp_path, capsys, edits), "HVA-308", "pve-h1")


def test_pve_loopback_incoming_beside_a_user_mode_nic_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R31D-2, HVA-308: api-11's net0 without a bridge is `-netdev type=user`."""
    assert _pve(tmp_path, capsys, "args: -incoming tcp:127.0.0.1:60000\n", "nobridge") == (
        "fail",
        "VM web-10's QEMU argument -incoming tcp:127.0.0.1:60000: QEMU waits for a migration "
        "stream (main channel) on 127.0.0.1, which the user-mode networking of VM api-11 (net0 "
        "without a bridge) opens to its guest (a connection to its host address becomes one to "
        "127.0.0.1)",
    )


def test_pve_loopback_incoming_a_raw_chardev_dials_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R31D-2, HVA-308: api-11's `args:` chardev dials a port of web-10's `to=` range."""
    dial = "-chardev socket,id=s0,host=127.0.0.5,port=60003"
    got = _pve(
        tmp_path,
        capsys,
        "args: -incoming tcp:127.0.0.5:60000,to=60010\n",
        f"args: {dial} -device isa-serial,chardev=s0\n",
    )
    assert got == (
        "fail",
        "VM web-10's QEMU argument -incoming tcp:127.0.0.5:60000,to=60010: QEMU waits for a "
        f"migration stream (main channel) on 127.0.0.5, which VM api-11 (QEMU argument {dial}) "
        "connects its guest to: QEMU relays the guest's bytes, which can send the state the VM "
        "then runs",
    )


def test_held_pve_loopback_incoming_beside_bridged_vms_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: every NIC bridged, no device dialling: the loopback `-incoming` is local."""
    status, message = _pve(tmp_path, capsys, "args: -incoming tcp:127.0.0.1:60000\n")
    assert (status, message) == ("pass", "migration type secure on 10.0.2.0/24")


# --- R31D-3: a character device dialling libvirt's loopback migration address ----------------


def _conf(force: int = 0, ports: str = "") -> dict[str, object]:
    conf = HARDENED_HOST[QEMU_CONF]
    assert isinstance(conf, str) and "migrate_tls_force = 1" in conf
    conf = conf.replace("migrate_tls_force = 1", f"migrate_tls_force = {force}")
    return {**HARDENED_HOST, QEMU_CONF: conf.replace('"10.0.1.10"', '"127.0.0.2"') + ports}


@pytest.mark.parametrize(
    ("ports", "port", "span"),
    [
        ("", 49160, "49152-49215"),
        ("migration_port_min = 50000\nmigration_port_max = 50010\n", 50005, "50000-50010"),
    ],
)
def test_loopback_migration_address_a_device_dials_fails(
    tmp_path: Path, ports: str, port: int, span: str
) -> None:
    """R31D-3, HVA-036."""
    a = _scan(tmp_path, host=_conf(ports=ports), others=(_dialer("127.0.0.2", port),))
    assert (outcomes(a, "HVA-036"), messages(a, "HVA-036")) == (
        {"hv1": "fail"},
        {
            "hv1": "migration_address = 127.0.0.2: VM dialer (<serial type='tcp'> connecting to "
            f"127.0.0.2:{port}) connects its guest to a port of libvirt's migration range {span} "
            "there, where an incoming migration listens without TLS (migrate_tls_force = 0): "
            "that guest can send the state an incoming VM runs"
        },
    )


LOOP_PASS = "migration_address = loopback, migrate_tls_x509_verify = 1"


@pytest.mark.parametrize(("force", "port"), [(1, 49160), (0, 49216)])
def test_held_loopback_migration_address_tls_or_another_port_passes(
    tmp_path: Path, force: int, port: int
) -> None:
    """Held: with migrate_tls_force = 1 (verification on) the guest has no client
    certificate; a port outside the range reaches no incoming migration."""
    a = _scan(tmp_path, host=_conf(force), others=(_dialer("127.0.0.2", port),))
    assert (outcomes(a, "HVA-036"), messages(a, "HVA-036")) == (
        {"hv1": "pass"},
        {"hv1": LOOP_PASS},
    )


def test_loopback_migration_address_beside_a_refused_domain_asks(tmp_path: Path) -> None:
    """R31D-3, HVA-036: the guest not read may dial the plaintext migration range."""
    a = _scan(tmp_path, host=_conf(), refused=True)
    assert outcomes(a, "HVA-036") == {"hv1": "manual"}
    assert messages(a, "HVA-036")["hv1"] == (
        f"{LOOP_PASS}; not compared with the guests whose definition was not read, any of which "
        "may have raw QEMU arguments (<qemu:commandline>) that make its QEMU wait for a "
        "migration stream (-incoming) on every address or another network, or have a TCP "
        "character device or socket tunnel that connects its guest to the incoming migrations "
        f"on 127.0.0.2 ports 49152-49215: {UNREAD}"
    )
