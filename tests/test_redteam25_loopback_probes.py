"""Red-team round 25 probes: loopback (rt25loop)

Harness: conftest host_scan (HARDENED_HOST replayed through the real collector, libvirt XML
parser and engine) with a second domain beside web01, as tests/test_loop17_probes.py does.

Findings:
- R25O-1 (false pass) HVA-033, HVA-030, HVA-036, HVA-210 and every check reading
  hvaudit.checks._loopback.loopback_guests: a VM whose NIC is libvirt's
  `<interface type='vhostuser'><backend type='passt'/>` (libvirt 11.1.0 and later:
  formatdomain, "Since 11.1.0 ... you may prefer to use the passt backend with the more
  efficient and performant type='vhostuser' rather than type='user'. All the options related
  to passt in the paragraphs below here also apply when using the passt backend with
  type='vhostuser'"; patch "<interface type='vhostuser'><backend type='passt'/> needs to run
  the passt command just as is done for interface type='user'", devel@lists.libvirt.org
  msg08556/msg08613, read with `search`) was not counted as a user-mode guest: only
  type='user' was. passt maps the guest's gateway to the host's loopback (passt(1)
  --map-host-loopback, default the gateway unless --no-map-gw), so its guest reaches
  127.0.0.1 and ::1 like a type='user' passt guest. A redis on 127.0.0.1 passed HVA-033 as
  local. Its `<portForward>` (passt listening on the host's ports) was dropped as well
  (_port_forwards was read for type='user' only): HVA-031 said not applicable (false n/a).
  Now: the passt backend counts, on either interface type (Interface.passt).
- R25O-2 (false pass) HVA-033 and every check reading loopback_guests: QEMU 10.1's own
  `-netdev passt` / `-nic passt` (qapi/net.json NetClientDriver "@passt: since 10.1";
  net/passt.c net_passt_decode_args passes --map-host-loopback only when map-host-loopback=
  is given, read with `find_string`) was not counted: only raw `user` netdevs were. passt's
  default maps the guest's gateway to the host's 127.0.0.1 and ::1 (passt(1)
  --map-host-loopback). Now counted unless map-host-loopback=none or param=--no-map-gw; its
  ipv4=/ipv6= (--ipv6-only/--ipv4-only) pick the families.

Held: the R25O-2 inputs with param=--no-map-gw and map-host-loopback=none (pass kept).

Probed by script: 2 domain shapes (vhostuser+passt with and without <portForward>), 4 raw
passt argument sets.

Tally: 2 findings (2 false passes, R25O-1 with a false n/a of the same cause), 3 tests, 3
failed before the fixes.

Leads left: see the final section of this docstring as later findings land.
"""

from __future__ import annotations

from pathlib import Path

from conftest import HARDENED_HOST, domain_xml, messages, outcomes, run_assessment
from test_redteam10_vm_probes import _raw_cpu_domain, _replayed_on

VHOST_PASST = (
    "<memoryBacking><access mode='shared'/></memoryBacking>"
    "<devices><interface type='vhostuser'><backend type='passt'/>"
    "<mac address='52:54:00:25:00:01'/><model type='virtio'/></interface></devices>"
)
PASST_VM = "VM vpasst (<interface type='vhostuser'> with <backend type='passt'/>)"

REDIS_127 = (
    HARDENED_HOST["listeners"][0]
    + "tcp   LISTEN 0      511        127.0.0.1:6379      0.0.0.0:*    "
    'users:(("redis-server",pid=900,fd=6))\n',
    0,
)


def test_vhostuser_passt_guest_reaches_host_loopback(tmp_path: Path) -> None:
    """R25O-1 (false pass). VM vpasst's NIC is <interface type='vhostuser'> with libvirt's
    passt backend (libvirt 11.1.0): libvirt runs passt for it as for type='user', and passt
    hands the guest's connections to its gateway to the host's 127.0.0.1 (passt(1)
    --map-host-loopback). HVA-033 passed redis-server on 127.0.0.1:6379 as local. Right:
    fail naming the VM."""
    host = dict(HARDENED_HOST, listeners=REDIS_127)
    domains = {"web01": domain_xml("web01"), "vpasst": domain_xml("vpasst", body=VHOST_PASST)}
    a = run_assessment(_replayed_on(tmp_path, host, domains))
    assert (outcomes(a, "HVA-033")["hv1"], messages(a, "HVA-033")["hv1"]) == (
        "fail",
        "unapproved listeners: redis-server (tcp/6379) (127.0.0.1 is reachable from guests: the "
        f"user-mode networking of {PASST_VM} turns a guest's connection to its host address into "
        "one to 127.0.0.1)",
    )


def test_vhostuser_passt_port_forward_listens(tmp_path: Path) -> None:
    """R25O-1 (false n/a). The same VM with RHEL's passt example forward, host TCP port 2022
    to the guest's 22 with no address: libvirt hands it to passt as for type='user'
    (formatdomain: "All the options related to passt ... also apply when using the passt
    backend with type='vhostuser'"), and passt listens on every address (passt conf.c usage:
    "-t 22 Forward local port 22 to 22 on guest"). HVA-031 read <portForward> on type='user'
    only and said not applicable. Right: the fail test_network_leads gives type='user'."""
    from test_redteam3_vm_probes import replayed_domains, verdict

    xml = domain_xml(
        "vpf",
        body="<memoryBacking><access mode='shared'/></memoryBacking><devices>"
        "<interface type='vhostuser'><mac address='52:54:00:25:00:02'/><backend type='passt'/>"
        "<portForward proto='tcp'><range start='2022' to='22'/></portForward></interface>"
        "</devices>",
    )
    a = run_assessment(replayed_domains(tmp_path, {"vpf": xml}))
    assert verdict(a, "HVA-031", "vpf") == (
        "fail",
        "interface 52:54:00:25:00:02 (type='vhostuser'): passt forwarding TCP 2022:22 to the "
        "guest on every address port 2022, without authentication: whoever reaches it "
        "reaches the VM",
    )


RAW_PASST = {
    # QEMU 10.1's own passt backend, passt's defaults: the gateway is the host's loopback
    "plain": (("-netdev", "passt,id=n0", "-device", "virtio-net-pci,netdev=n0"), True),
    "nic": (("-nic", "passt,model=virtio-net-pci"), True),
    # passt(1) --no-map-gw / --map-host-loopback none: the mapping is off
    "nomap": (("-netdev", "passt,id=n0,param=--no-map-gw"), False),
    "none": (("-netdev", "passt,id=n0,map-host-loopback=none"), False),
}


def test_raw_netdev_passt_guest_reaches_host_loopback(tmp_path: Path) -> None:
    """R25O-2 (false pass). QEMU 10.1 added `-netdev passt` (qapi/net.json NetClientDriver
    "@passt: since 10.1", NetdevPasstOptions; net/passt.c net_passt_decode_args starts passt
    with `--map-host-loopback` only when map-host-loopback= is given, read with
    `find_string`), so passt keeps its default: "Default is to translate the guest's default
    gateway address" to the host's 127.0.0.1 and ::1 (passt(1) --map-host-loopback; "none"
    and --no-map-gw turn it off). loopback_guests counted raw `user` netdevs only, so HVA-033
    passed redis-server on 127.0.0.1 beside such a VM. Right: fail naming the argument; held
    with --no-map-gw or map-host-loopback=none."""
    host = dict(HARDENED_HOST, listeners=REDIS_127)
    got = {}
    for name, (args, reaches) in RAW_PASST.items():
        (tmp_path / name).mkdir()
        domains = {"web01": domain_xml("web01"), name: _raw_cpu_domain(name, "", *args)}
        a = run_assessment(_replayed_on(tmp_path / name, host, domains))
        got[name] = (outcomes(a, "HVA-033")["hv1"], messages(a, "HVA-033")["hv1"])
        shown = " ".join(args[:2])
        want = (
            (
                "fail",
                "unapproved listeners: redis-server (tcp/6379) (127.0.0.1 is reachable from guests: "
                f"the user-mode networking of VM {name} (QEMU argument {shown}) turns a "
                "guest's connection to its host address into one to 127.0.0.1)",
            )
            if reaches
            else ("pass", "1 non-loopback listener(s), all approved")
        )
        assert got[name] == want, name


USER_NIC = (
    "<devices><interface type='user'><mac address='52:54:00:25:00:03'/>"
    "<model type='virtio'/></interface></devices>"
)


def test_listener_on_other_127_address_is_out_of_user_mode_reach(tmp_path: Path) -> None:
    """R25O-3 (wrong fail). redis-server on 127.0.0.2:6379 beside VM slirp: HVA-033 failed it
    as reached by the slirp guest. libslirp turns a guest's connection to its host address
    into one to 127.0.0.1 alone (socket.c sotranslate_out4: `sin->sin_addr = loopback_addr`,
    read with `find_string`), passt into 127.0.0.1 or ::1 (passt(1) --map-host-loopback);
    127.0.0.2 is out of reach (R25C-6 took the same rule for HVA-036). Right: the pass a
    127/8 listener has with no guest; held: 127.0.0.1 still fails."""
    got = {}
    for addr in ("127.0.0.2", "127.0.0.1"):
        (tmp_path / addr).mkdir()
        listeners = (
            HARDENED_HOST["listeners"][0]
            + f"tcp   LISTEN 0      511        {addr}:6379      0.0.0.0:*    "
            'users:(("redis-server",pid=900,fd=6))\n',
            0,
        )
        host = dict(HARDENED_HOST, listeners=listeners)
        domains = {"web01": domain_xml("web01"), "slirp": domain_xml("slirp", body=USER_NIC)}
        a = run_assessment(_replayed_on(tmp_path / addr, host, domains))
        got[addr] = (outcomes(a, "HVA-033")["hv1"], messages(a, "HVA-033")["hv1"])
    assert got == {
        # chronyd on 127.0.0.1:323 (approved) is the guest-reached one counted
        "127.0.0.2": ("pass", "2 non-loopback listener(s), all approved"),
        "127.0.0.1": (
            "fail",
            "unapproved listeners: redis-server (tcp/6379) (127.0.0.1 is reachable from guests: the "
            "user-mode networking of VM slirp (<interface type='user'>) turns a guest's "
            "connection to its host address into one to 127.0.0.1)",
        ),
    }
