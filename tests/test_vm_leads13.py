"""Session 13 VM leads (leads-vm): what the round-12 VM red team left
(tests/test_redteam12_vm_probes.py's "Leads left") and two raw-NIC leads.

L13-1 (HVA-036, false pass): a VM's raw `-incoming tcp:0.0.0.0:4444` (<qemu:commandline>) has
its QEMU wait for a migration stream on every address at each start. qemu-options.hx (read with
`find_string`): "-incoming tcp:[host]:port[,to=maxport][,ipv4=on|off][,ipv6=on|off]",
"-incoming rdma:host:port", "-incoming unix:socketpath": "prepare for incoming migration, listen
on specified protocol and socket address"; "-incoming defer": "wait for the URI to be specified
via migrate_incoming"; QEMU 10's "-incoming <channel>" in JSON or keyval ("If multiple
-incoming options are specified for a channel type, the last one takes precedence"). system/vl.c
incoming_option_parse ("New incoming spec replaces the previous") and migration/migration.c
migrate_uri_parse (tcp:, unix:, vsock:, fd: by socket_parse, rdma: by inet_parse, exec:,
file:). HVA-036 (migration bound to the migration network, HY-SR-13) passed
"migration_address = 10.0.1.10" on the host; HVA-031 rightly does not count it as a console,
HVA-210 sees it only in `ss` while the VM waits and HVA-046 only says raw arguments are there.
Now HVA-036 judges each raw listener as it judges migration_address: every address a fail
naming the VM and the option, a socket handed over (`fd:`) a question; loopback and `defer`
hold the pass.

L13-2 (HVA-405, false pass by omission): a <video> model virtio with <acceleration
accel3d='yes'> (libvirt builds QEMU's virtio-vga-gl: its test data tests/qemuxmlconfdata/
video-virtio-gpu-spice-gl.x86_64-latest.args, read with `read_file`), Proxmox VE's `vga:
virtio-gl` (qemu-server $vga_map 'virtio-gl' => 'virtio-vga-gl', `find_string`) and a raw
`-device virtio-vga-gl` give the guest virglrenderer, which runs its command streams through
the host's GPU driver (QEMU docs/system/devices/virtio-gpu.rst: "For 3D acceleration QEMU must
be able to access the hosts GPU"; the 'gl' and 'rutabaga' device labels). No check counted it;
HVA-405 ("VM has no 3D graphics acceleration", HY-SR-5 / Rev. 1 HY-SR-6A: device emulation kept
to what is needed) judged VMware only. It now judges QEMU VMs too: a fail naming the device. A
GL display without a 3D device (graphics-spice-gl-auto-rendernode: `-spice gl=on` beside
cirrus-vga) renders only 2D framebuffers: the pass names it.

L13-3 (HVA-067, a verdict without its evidence): <watchdog action='dump'> has libvirt write the
guest's memory into qemu.conf's auto_dump_path each time the guest lets the watchdog fire
(qemu_driver.c processWatchdogEvent: "%s/%s-%u" of autoDumpPath, name and time; qemu.conf
"Default value is /var/lib/libvirt/qemu/dump"; both read with `find_string`), <on_crash>
coredump-destroy|coredump-restart ("The crashed domain's core will be dumped", formatdomain)
dumps it on a crash, and <memory dumpCore='on'> or qemu.conf dump_guest_core = 1 ("By default
guest RAM will be excluded if a new enough QEMU is present") puts it in QEMU's core dumps. The
owner is HVA-067 (VM memory against the host, where the data requires it: a question of the
data's classification for an unencrypted VM): its question stands, and its message now names
each path of the memory to the host's disk, the evidence the classification is weighed
against. Held: an encrypted VM's pass (its memory dumps are ciphertext) and the default
dump_guest_core (0).

L13-4 (HVA-197, wrong n/a): a raw `-netdev tap` without helper= is set up by its script
(qemu-options.hx: "The default network configure script is /etc/qemu-ifup"), by the process
passing fd= ("fd=h can be used to specify the handle of an already opened host TAP
interface"), or is a tap made beforehand (script=no, ifname=): its bridge, if any, is outside
the arguments, as R12-1's <interface type='ethernet'> tap is. HVA-197 said "no interface on a
Linux host bridge"; it now asks R12-1's question, naming what sets the tap up. Held: a
qemu-bridge-helper tap on br1 stays "not isolated" (R10-11).

L13-5 (one reading of raw NICs; HVA-211 and HVA-195 false passes): the private
network._raw_taps, which HVA-191, HVA-197 and (through a private import) HVA-092 used beside
raw_nics, is hvaudit.parse.qemu_args.raw_taps now, over raw_nics (RawNic.setup says what sets
up a tap whose bridge is not named); verdicts of those checks unchanged (the VM red-team probe
suites and tests/test_rawnic_probes.py pass). Every check that counts the bridges VMs are
defined on now counts a raw tap's named bridge too: HVA-211 passed "no host address on a bridge
with VM ports" for a host whose management bridge br0 a stopped VM's `-netdev bridge,br=br0`
joins at its start (an <interface type='bridge'> there already failed it), and HVA-195
(_libvirt.vm_bridges) skipped br0 ("every VM bridge with an uplink filters VLANs"); now the
fail and the plain-uplink question.

L13-6 (HVA-308, false pass): the Proxmox VE counterpart of L13-1. qemu-server appends `args:`
after every option it builds (QemuServer.pm config_to_command), so `args: -incoming
tcp:0.0.0.0:60000` has each start of the VM wait for a plaintext migration stream on every
address, outside the SSH tunnel of `migration: secure`; HVA-308 ("Live migration is
encrypted", HY-SR-13) passed "migration type secure (default)". It judges the raw listener as
HVA-036 does now (hardening.raw_migration_listeners).

Tally: 19 cases (13 test functions); 16 pin L13-1..L13-6 (each failed on main before its fix),
3 held (a loopback -incoming, -incoming defer, a qemu-bridge-helper tap on br1).

Leads left: raw `-device vhost-user-gpu`/`vhost-user-vga` (the renderer's 3D is the backend
process's option, not in the arguments) and the pre-6.1 `virgl=on` property of virtio-vga are
not read by HVA-405; a guest that lets its dump watchdog fire again and again has libvirt write
its whole memory to auto_dump_path each time (a host-disk exhaustion no check judges: new
check); `<watchdog model='ib700'>` is an ISA device HVA-047 does not list; Proxmox VE raw NICs
(`args: -netdev bridge`) and HVA-303 (behind the Proxmox firewall) were not probed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HARDENED_HOST, run_assessment
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import verdict
from test_redteam10_vm_probes import _raw_cpu_domain, _replayed_on


def _one(tmp: Path, *args: str, host: dict | None = None) -> Assessment:
    domains = {"mig": _raw_cpu_domain("mig", "", *args)}
    return run_assessment(_replayed_on(tmp, host or HARDENED_HOST, domains))


def _outcome(a: Assessment, check: str, subject: str) -> object:
    return next(
        r.outcome for r in a.results if r.check.id == check and r.outcome.subject.name == subject
    )


WAITS = "VM mig's QEMU argument -incoming {}: QEMU waits for a migration stream (main channel)"


@pytest.mark.parametrize(
    ("arg", "shown"),
    [
        ("tcp:0.0.0.0:4444", "tcp:0.0.0.0:4444"),
        # inet_parse: an empty host is every address (inet_listen_saddr, AI_PASSIVE)
        ("tcp::4444,ipv4=on", "tcp::4444,ipv4=on"),
        ("tcp:[::]:4444", "tcp:[::]:4444"),
        # QEMU 10's channel, keyval (implied key channel-type)
        (
            "main,addr.transport=socket,addr.type=inet,addr.host=0,addr.port=4444",
            "main,addr.transport=socket,addr.type=inet,addr.host=0,addr.port=4444",
        ),
    ],
)
def test_raw_incoming_on_every_address_fails_hva036(tmp_path: Path, arg: str, shown: str) -> None:
    """L13-1: passed 'migration_address = 10.0.1.10, migrate_tls_x509_verify = 1'."""
    a = _one(tmp_path, "-incoming", arg)
    status, message = verdict(a, "HVA-036", "hv1")
    assert status == "fail", message
    port = "4444"
    assert message == (
        WAITS.format(shown) + f" on every address (port {port}) at each start of the VM, "
        "outside the host's migration settings"
    )


def test_raw_incoming_json_channel_last_one_wins(tmp_path: Path) -> None:
    """L13-1: a JSON main channel on every address after a loopback URI replaces it
    (incoming_option_parse keeps the last spec per channel type)."""
    chan = (
        '{"channel-type": "main", "addr": {"transport": "socket", "type": "inet", '
        '"host": "::", "port": "4445"}}'
    )
    a = _one(tmp_path, "-incoming", "tcp:127.0.0.1:4444", "-incoming", chan)
    assert verdict(a, "HVA-036", "hv1") == (
        "fail",
        WAITS.format(chan) + " on every address (port 4445) at each start of the VM, "
        "outside the host's migration settings",
    )


def test_raw_incoming_on_a_passed_socket_is_a_question(tmp_path: Path) -> None:
    """L13-1: `-incoming fd:N` reads a socket the caller opened; where it listens is not in
    the arguments: a question, not the pass."""
    a = _one(tmp_path, "-incoming", "fd:7")
    o = _outcome(a, "HVA-036", "hv1")
    assert o.status.value == "manual", o.message
    assert o.message == (
        "migration_address = 10.0.1.10; " + WAITS.format("fd:7") + " on a socket handed to QEMU"
    )
    assert str(o.question).startswith(
        "Who can connect to the migration listener(s) raw QEMU arguments give VMs on host hv1 "
    )


@pytest.mark.parametrize(
    "args", [("-incoming", "tcp:127.0.0.1:4444"), ("-incoming", "tcp:0:1", "-incoming", "defer")]
)
def test_raw_incoming_held_local_or_deferred(tmp_path: Path, args: tuple[str, ...]) -> None:
    """Held: a loopback listener (route_localnet read 0 on the hardened host) and a listener
    replaced by `defer` (libvirt's own migration then, judged by migration_address) keep the
    pass."""
    status, message = verdict(_one(tmp_path, *args), "HVA-036", "hv1")
    assert status == "pass", message
    assert message.startswith("migration_address = 10.0.1.10, migrate_tls_x509_verify = 1")


# --- L13-2: 3D acceleration (HVA-405) -------------------------------------------------------

SPICE_GL = (
    "<graphics type='spice' autoport='no'><listen type='none'/>"
    "<gl enable='yes' rendernode='/dev/dri/renderD128'/></graphics>"
)
VIRGL = "<video><model type='virtio' heads='1'><acceleration accel3d='yes'/></model></video>"
VHOST_VIRGL = (
    "<video><driver name='vhostuser'/><model type='virtio' heads='1'>"
    "<acceleration accel3d='yes'/></model></video>"
)


def _devices(name: str, devices: str, *args: str) -> str:
    return _raw_cpu_domain(name, f"<devices>{devices}</devices>", *args)


@pytest.fixture(scope="module")
def gpus(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    domains = {
        "virgl": _devices("virgl", SPICE_GL + VIRGL),
        "vhost": _devices("vhost", "<graphics type='egl-headless'/>" + VHOST_VIRGL),
        "rawgl": _devices("rawgl", "", "-device", "virtio-gpu-gl-pci,id=gpu1"),
        "glonly": _devices("glonly", SPICE_GL + "<video><model type='virtio'/></video>"),
        "plain": _devices("plain", "<video><model type='virtio'/></video>"),
    }
    return run_assessment(_replayed_on(tmp_path_factory.mktemp("gpu"), HARDENED_HOST, domains))


def test_libvirt_accel3d_fails_hva405(gpus: Assessment) -> None:
    """L13-2: HVA-405 gave no result for a KVM VM at all."""
    assert verdict(gpus, "HVA-405", "virgl") == (
        "fail",
        "3D-accelerated GPU: <video> model virtio with accel3d='yes' (virglrenderer in QEMU)",
    )
    assert verdict(gpus, "HVA-405", "vhost") == (
        "fail",
        "3D-accelerated GPU: <video> model virtio with accel3d='yes' (a vhost-user-gpu process)",
    )
    assert verdict(gpus, "HVA-405", "rawgl") == (
        "fail",
        "3D-accelerated GPU: QEMU argument -device virtio-gpu-gl-pci,id=gpu1",
    )


def test_gl_display_without_3d_device_passes_named(gpus: Assessment) -> None:
    """L13-2: an OpenGL SPICE display beside a 2D virtio GPU, and a plain virtio GPU, pass."""
    assert verdict(gpus, "HVA-405", "glonly") == (
        "pass",
        "no 3D-accelerated GPU; <graphics type='spice'> with OpenGL on /dev/dri/renderD128 "
        "shows only the framebuffers of a 2D device",
    )
    assert verdict(gpus, "HVA-405", "plain") == ("pass", "no 3D-accelerated GPU")


def test_proxmox_vga_virtio_gl_fails_hva405(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """L13-2: `vga: virtio-gl` is QEMU's virtio-vga-gl; `vga: std` passes."""
    from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan

    conf = "etc/pve/qemu-server/200.conf"
    text = (PVE_HARDENED / conf).read_text()
    report = pve_scan(tmp_path, capsys, {conf: text.replace("vga: std", "vga: virtio-gl")})
    assert pve_result(report, "HVA-405", "web-10") == (
        "fail",
        "3D-accelerated GPU: vga: virtio-gl (QEMU's virtio-vga-gl, virglrenderer in QEMU)",
    )
    report = pve_scan(tmp_path / "std", capsys, {})
    assert pve_result(report, "HVA-405", "web-10") == ("pass", "no 3D-accelerated GPU")


# --- L13-3: guest memory written to the host's disk (HVA-067) -------------------------------

DUMP_HOST = {
    **HARDENED_HOST,
    "/etc/libvirt/qemu.conf": HARDENED_HOST["/etc/libvirt/qemu.conf"]
    + 'auto_dump_path = "/srv/dumps"\ndump_guest_core = 1\n',
}


@pytest.fixture(scope="module")
def dumps(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    wd = "<watchdog model='i6300esb' action='dump'/>"
    domains = {
        "wdump": _devices("wdump", wd),
        "crash": _raw_cpu_domain("crash", "<on_crash>coredump-restart</on_crash>"),
        "nocore": _raw_cpu_domain("nocore", "").replace(
            "<memory unit='MiB'>", "<memory dumpCore='off' unit='MiB'>"
        ),
        "reset": _devices("reset", "<watchdog model='i6300esb' action='reset'/>"),
    }
    return run_assessment(_replayed_on(tmp_path_factory.mktemp("dump"), DUMP_HOST, domains))


READABLE = "no <launchSecurity>: guest memory is readable by the host"
CORE = "qemu.conf dump_guest_core = 1 (a core dump of its QEMU holds guest RAM)"


def test_memory_dumps_named_in_hva067(dumps: Assessment) -> None:
    """L13-3: the message said only 'guest memory is readable by the host'."""
    assert verdict(dumps, "HVA-067", "wdump") == (
        "manual",
        f"{READABLE}; written to its disk too: <watchdog model='i6300esb' action='dump'> "
        f"(libvirt writes the guest's memory into /srv/dumps each time it fires); {CORE}",
    )
    assert verdict(dumps, "HVA-067", "crash") == (
        "manual",
        f"{READABLE}; written to its disk too: <on_crash>coredump-restart</on_crash> (libvirt "
        f"dumps the crashed guest's memory); {CORE}",
    )
    # dumpCore='off' overrides qemu.conf (qemu.conf: "ignored if the guest XML has set the
    # dumpcore attribute"); a reset watchdog writes nothing
    assert verdict(dumps, "HVA-067", "nocore") == ("manual", READABLE)
    assert verdict(dumps, "HVA-067", "reset") == (
        "manual",
        f"{READABLE}; written to its disk too: {CORE}",
    )


# --- L13-4: HVA-197 and a raw tap set up outside the arguments ------------------------------


@pytest.fixture(scope="module")
def raw_taps_scan(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    nic = ("-device", "virtio-net-pci,netdev=n0")
    domains = {
        "script": _raw_cpu_domain("script", "", "-netdev", "tap,id=n0", *nic),
        "fd": _raw_cpu_domain("fd", "", "-netdev", "tap,id=n0,fd=7", *nic),
        "made": _raw_cpu_domain(
            "made", "", "-netdev", "tap,id=n0,ifname=tap9,script=no,downscript=no", *nic
        ),
        "helper": _raw_cpu_domain("helper", "", "-netdev", "bridge,id=n0,br=br1", *nic),
    }
    return run_assessment(_replayed_on(tmp_path_factory.mktemp("rawtap"), HARDENED_HOST, domains))


@pytest.mark.parametrize(
    ("vm", "arg", "setup"),
    [
        ("script", "tap,id=n0", "script /etc/qemu-ifup"),
        ("fd", "tap,id=n0,fd=7", "the process passing fd 7"),
        (
            "made",
            "tap,id=n0,ifname=tap9,script=no,downscript=no",
            "whoever made tap tap9 beforehand",
        ),
    ],
)
def test_raw_tap_set_up_outside_is_hva197_question(
    raw_taps_scan: Assessment, vm: str, arg: str, setup: str
) -> None:
    """L13-4: HVA-197 said n/a 'no interface on a Linux host bridge' (R12-1 fixed only the
    <interface type='ethernet'> form)."""
    o = _outcome(raw_taps_scan, "HVA-197", vm)
    assert o.status.value == "manual", o.message
    assert o.message == (
        f"QEMU argument -netdev {arg}: a tap {setup} sets up: whether it is a port of a host "
        "bridge is outside the definition"
    )
    assert str(o.question).startswith(
        f"Is each of tap device(s) the one QEMU argument -netdev {arg} opens of VM {vm} either "
        "no port of a Linux bridge on host hv1 or an isolated one?"
    )


def test_raw_tap_on_named_bridge_held(raw_taps_scan: Assessment) -> None:
    """Held (R10-11): qemu-bridge-helper's tap on br1 is a port there, not isolated."""
    assert verdict(raw_taps_scan, "HVA-197", "helper") == (
        "manual",
        "port(s) not isolated: QEMU argument -netdev bridge,id=n0,br=br1 on br1",
    )


# --- L13-5: a raw tap on a named bridge is a VM port of that bridge for host checks ---------

BR0_LINKS = (
    '[{"ifname": "br0", "linkinfo": {"info_kind": "bridge"}}, {"ifname": "eno1", "master": "br0"}]'
)
BR0_ADDR = '[{"ifname": "br0", "addr_info": [{"local": "10.0.0.10", "scope": "global"}]}]'


@pytest.fixture(scope="module")
def raw_on_br0(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    host = {**HARDENED_HOST, "ip-link": (BR0_LINKS, 0), "ip-addr": (BR0_ADDR, 0)}
    domains = {
        "rawbr": _raw_cpu_domain(
            "rawbr", "", "-netdev", "bridge,id=n0,br=br0", "-device", "virtio-net-pci,netdev=n0"
        )
    }
    return run_assessment(_replayed_on(tmp_path_factory.mktemp("rawbr0"), host, domains))


def test_raw_bridge_tap_counts_for_management_segment(raw_on_br0: Assessment) -> None:
    """L13-5: a VM whose raw `-netdev bridge,br=br0` puts its tap on br0 at its start shares
    the host's management bridge; HVA-211 passed 'no host address on a bridge with VM ports'
    while the VM was not running (a <interface type='bridge'> on br0 already failed it,
    tests/test_checks_host.py::test_bridge_a_stopped_vm_is_defined_on_counts)."""
    assert verdict(raw_on_br0, "HVA-211", "hv1") == (
        "fail",
        "host address on bridge(s) with VM ports: br0 (10.0.0.10; VMs defined on it: rawbr)",
    )


def test_raw_bridge_tap_counts_for_bridge_vlan_filtering(raw_on_br0: Assessment) -> None:
    """L13-5: HVA-195 judges the bridges VMs are defined on (_libvirt.vm_bridges); br0, which
    the raw tap joins, was skipped: 'every VM bridge with an uplink filters VLANs or carries one
    VLAN'. Now its plain uplink is the question an <interface type='bridge'> gets."""
    assert verdict(raw_on_br0, "HVA-195", "hv1") == (
        "manual",
        "VM bridge(s) without vlan_filtering on a plain uplink: br0 (uplink eno1)",
    )


# --- L13-6: Proxmox VE `args: -incoming` (HVA-308) ------------------------------------------


def test_proxmox_args_incoming_fails_hva308(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """L13-6: HVA-308 (Live migration is encrypted, HY-SR-13) passed 'migration type secure
    (default)' for a node whose VM 200 has `args: -incoming tcp:0.0.0.0:60000`: a plaintext
    migration listener on every address outside qemu-server's SSH tunnel, at each start."""
    from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan

    conf = "etc/pve/qemu-server/200.conf"
    text = (PVE_HARDENED / conf).read_text() + "args: -incoming tcp:0.0.0.0:60000\n"
    report = pve_scan(tmp_path, capsys, {conf: text})
    status, message = pve_result(report, "HVA-308", "pve-h1")
    assert status == "fail", message
    assert message == (
        "VM web-10's QEMU argument -incoming tcp:0.0.0.0:60000: QEMU waits for a migration "
        "stream (main channel) on every address (port 60000) at each start of the VM, outside "
        "the host's migration settings"
    )
