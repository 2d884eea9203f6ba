"""Red-team round 41 probes: VM domain XML, a raw `-global vfio-pci.sysfsdev=` against the
vfio-pci devices that set their own sysfsdev, and the SASL a VNC server relies on (r41-domain)

Harness: round 40's (tests/test_redteam40_domain_probes.py, round 37's `_ns_scan` and round
2's copied hardened Proxmox VE node `pve_scan`).

Findings:
- R41D-1 (wrong fail) HVA-050: R40D-6 judged a `-global vfio-pci.sysfsdev=` function beside
  every VM with any PCI passthrough, but a global only sets a property's default: QEMU's
  qemu-options.hx `-global` "Set default value of driver's property prop to value", and
  softmmu/qdev-monitor.c qdev_device_add_from_qdict creates the device (qdev_new, the globals
  applied in its post-init, qom/object.c object_apply_global_props) before it "set[s]
  properties" from the -device's own (object_set_properties_from_keyval), so a device's own
  sysfsdev wins over the global. VM web01's only vfio-pci, a raw `-device
  vfio-pci,sysfsdev=/sys/bus/pci/devices/0000:65:00.0` (isolated group 2), VM v1's PCI
  <hostdev> whose <qemu:override> sets that sysfsdev, and Proxmox VE VM web-10's `args:` of
  the same raw device failed (or named 0000:00:1f.0 in the question) on the global's group 3,
  a function no device of theirs takes. Now the global is judged only where a vfio-pci device
  sets no sysfsdev of its own (qemu_args.global_vfio_passthrough `reached`): a PCI <hostdev>
  or <interface type='hostdev'> no override gives one, a hostpciN without mdev, a raw
  vfio-pci or an override's vfio-pci without one.
- R41D-2 (false pass) HVA-031: a raw `-vnc 0.0.0.0:1,sasl=on` (no password, no TLS client
  certificates) passed "sasl", where the server libvirt builds with qemu.conf vnc_sasl = 1 is
  the question whether the SASL configuration's mech_list offers only mechanisms that
  authenticate (ANONYMOUS lets anyone in). ui/vnc.c vnc_display_setup_auth takes a password
  before SASL, so only SASL alone is asked; now VM web01 is that question.
- R41D-3 (wording) HVA-031: the SASL question of VM web01, whose <qemu:env
  name='SASL_CONF_PATH'> names another directory, pointed at /etc/sasl2/qemu.conf and
  vnc_sasl_dir; cyrus SASL reads the directory of SASL_CONF_PATH (lib/common.c
  _sasl_getconfpath), libvirt adds the namespace's variables after its own (qemu_command.c
  qemuBuildCommandLine, the def->namespaceData block) and virCommandAddEnv replaces a name
  already set (src/util/vircommand.c). The value is redacted in the bundle; the question now
  names that <qemu:env> and how to read it.
- R41D-4 (false pass) HVA-031: R41D-2's class in the raw -spice reader: `-spice
  tls-port=5901,sasl=on` (qemu-options.hx: "Require that the client use SASL to
  authenticate with the spice") passed "TLS port only, with ticketing"; SPICE's TLS
  authenticates no client, so the SASL mechanisms decide, as for libvirt's spice_sasl = 1.
  Now VM web01 is that question.
- R41D-5 (false pass) HVA-031: libvirt's SPICE server of VM web01 with a password and
  qemu.conf spice_sasl = 1 passed "with TLS and a password"; libvirt adds `sasl=on` to -spice
  (tests/qemuxml2argvdata/graphics-spice-sasl.args), and spice-server then refuses the
  password ticket (server/reds.c reds_handle_auth_mechanism: the SPICE ticket only `&&
  !reds->config->sasl_enabled`; reds_handle_read_link_done rejects a client without auth
  selection), so SASL alone authenticates. Now it is the SASL question.
- R41D-6 (false pass) HVA-031: a raw `-set vnc.default.vnc=0.0.0.0:5` (VM web01) or
  `-set vnc.default.websocket=0.0.0.0:5700` (VM v1) reaches libvirt's own -vnc, which QEMU
  names `default` (ui/vnc.c vnc_auto_assign_id; libvirt sets no id and its arguments come
  before every <qemu:arg>), and the later value is the one QEMU reads (util/qemu-option.c
  qemu_opt_find walks from the last): libvirt's loopback VNC without a password listened on
  every address and passed "console(s) reachable only from the host" (the -set reached no
  raw -vnc, so hvaudit dropped it). Now libvirt's VNC is judged where the -set moves it
  (consoles._vnc_set) and fails "without a password".
- R41D-7 (false pass, wrong fail) HVA-031: R41D-6's class for a raw -vnc beside libvirt's:
  QEMU names it `vnc2` (libvirt's is `default`), but hvaudit numbered the raw ones alone, so
  `-set vnc.vnc2.password=off` (VM web01: a VNC server on every address without a password)
  was dropped and the raw -vnc passed on "password", while `-set vnc.default.password=off`
  (VM v1, libvirt's server) failed the raw one. Now the launcher's -vnc is counted first
  (consoles._raw_consoles `launcher_vnc`, libvirt's and qemu-server's).

Held (kept as tests): the global beside a PCI <hostdev> that sets no sysfsdev, beside a raw
`-device vfio-pci,host=`, and beside a raw vfio-pci with its own sysfsdev and a <hostdev>
without one, and a <hostdev> whose override sets another property (x-no-mmap), each still
fails on group 3 (R40D-6); an mdev <hostdev> (its own sysfsdev,
/sys/bus/mdev/devices/UUID) with the global stays host-mediated. A raw SASL VNC server with a
password, or with TLS client certificates (verify-peer=on), passes as before (R41D-2), and so
does a raw SPICE server on a TLS port without sasl=on (R41D-4), and libvirt's VNC server with
a password beside vnc_sasl = 1 (ui/vnc.c takes the password before SASL; R41D-5); a VM
without the variable keeps the question on /etc/sasl2 and vnc_sasl_dir (R41D-3). A -set
keeping libvirt's VNC on the loopback, one of another key (lossy), a bare websocket (the
display's own host), and a moved server with TLS and a password keep their verdicts (R41D-6);
without a launcher VNC the raw -vnc stays `default` (R41D-7).

Probed by script (/tmp, not kept): a raw `-spice port=5901,sasl=on` fails on its plaintext
port, and `-vnc ...,password=on` passes on "password" as before (a password set through the
monitor, which the bundle does not show: a lead, not judged this round).

Tally: 7 findings (false pass 5, wrong fail 1, wording 1; R41D-7 with a wrong fail in the same
class), 9 tests holding 27 cases; the 11 finding cases failed on main before the fixes (the 16
held cases pass on main too).

Leads left: see the round's report.
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
from test_redteam2_probes import VM200, pve_result
from test_redteam2_probes import pve_scan as dir_scan
from test_redteam37_domain_probes import _ns_scan, _override
from test_redteam40_domain_probes import HOSTDEV, MDEV, SHARED, SOUND_BRIDGE, _commandline

OWN = "/sys/bus/pci/devices/0000:65:00.0"
GLOBAL = f"vfio-pci.sysfsdev={SOUND_BRIDGE}"
ISOLATED = "IOMMU active; each IOMMU group of pci 0000:65:00.0 goes wholly to this VM or is unused"


def test_global_vfio_sysfsdev_leaves_a_device_with_its_own(tmp_path: Path) -> None:
    """R41D-1: a vfio-pci that sets its own sysfsdev (raw, or a <hostdev>'s override) takes
    that function, not the global's default (qdev_device_add_from_qdict sets the -device's
    properties after the globals): HVA-050 failed web01 and v1 on the global's group 3. Held:
    the global still reaches a <hostdev> that sets none, alone or beside such a device, and a
    raw vfio-pci by `host`, and a <hostdev> whose override sets another property; an mdev
    keeps its own sysfsdev."""
    a = _ns_scan(
        tmp_path,
        {
            "web01": ("", _commandline("-device", f"vfio-pci,sysfsdev={OWN}", "-global", GLOBAL)),
            "v1": (
                HOSTDEV,
                _override("ua-gpu", ("sysfsdev", "string", OWN)) + _commandline("-global", GLOBAL),
            ),
            "v2": (HOSTDEV, _commandline("-global", GLOBAL)),
            "v3": ("", _commandline("-device", "vfio-pci,host=65:00.0", "-global", GLOBAL)),
            "v4": (
                HOSTDEV,
                _commandline("-device", f"vfio-pci,sysfsdev={OWN},id=x", "-global", GLOBAL),
            ),
            "v5": (MDEV, _commandline("-global", GLOBAL)),
            "v6": (
                HOSTDEV,
                _override("ua-gpu", ("x-no-mmap", "bool", "true"))
                + _commandline("-global", GLOBAL),
            ),
        },
    )
    assert outcomes(a, "HVA-050") == {
        "web01": "pass",
        "v1": "pass",
        "v2": "fail",
        "v3": "fail",
        "v4": "fail",
        "v5": "not_applicable",
        "v6": "fail",
    }
    assert messages(a, "HVA-050") == {
        "web01": ISOLATED,
        "v1": ISOLATED,
        "v2": SHARED,
        "v3": SHARED,
        "v4": SHARED,
        "v5": "no DMA-capable (PCI) passthrough: mdev devices stay host-mediated",
        "v6": SHARED,
    }


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        # R41D-1: the raw device's own sysfsdev wins over the global
        (f"args: -device vfio-pci,sysfsdev={OWN} -global {GLOBAL}\n", "pci 0000:65:00.0"),
        # held: hostpciN is `vfio-pci,host=...`, which the global reaches (R40D-6)
        (
            f"hostpci0: 0000:65:00.0,pcie=1\nargs: -global {GLOBAL}\n",
            "pci 0000:65:00.0, pci 0000:00:1f.0",
        ),
    ],
)
def test_global_vfio_sysfsdev_of_a_proxmox_vm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: str, named: str
) -> None:
    """R41D-1 on Proxmox VE: an `args:` vfio-pci with its own sysfsdev takes that function, so
    HVA-050's question names it alone (it named the global's 0000:00:1f.0 too, whose answer
    failed a guest that does not hold it)."""
    report = dir_scan(tmp_path, capsys, {"etc/pve/qemu-server/200.conf": VM200 + extra})
    assert pve_result(report, "HVA-050", "web-10") == (
        "manual",
        f"PCI passthrough of {named}; host evidence unavailable: a copied configuration tree "
        "has no live host to read facts from",
    )


# --- R41D-2, R41D-3: the SASL a VNC server authenticates with, and where QEMU reads it --------


def _conf_scan(tmp_path: Path, vms: dict[str, tuple[str, str]], conf: str) -> Assessment:
    """`_ns_scan` (round 37) with the hardened host's qemu.conf extended by `conf`."""
    uri = write_node(
        tmp_path / f"node-{time.monotonic_ns()}.xml",
        [domain_xml(n, body) for n, (body, _) in vms.items()],
    )
    writer = BundleWriter(
        tmp_path / f"b-{time.monotonic_ns()}",
        target="qemu+ssh://root@hv1/system",
        platform="kvm-libvirt",
    )
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=True).collect(writer)
    assert writer.root is not None
    for name, (_, ns) in vms.items():
        path = f"libvirt/domains/{uuidlib.uuid5(uuidlib.NAMESPACE_DNS, name)}.xml"
        text = writer.files.pop(path).decode()
        writer.entries.pop(path)
        (writer.root / path).unlink()
        text = text.replace("<domain ", f"<domain xmlns:qemu='{QEMU_NS_URI}' ", 1)
        text = text.replace("</domain>", f"{ns}</domain>")
        writer.add(path, text.encode(), origin="virDomainGetXMLDesc")
    writer.meta["collector"]["libvirt"].update(simulated=False, hostname="hv1")
    from_qemu_driver(writer, uri)
    _replay_secmodel(writer, "apparmor")
    host = dict(HARDENED_HOST)
    host["/etc/libvirt/qemu.conf"] = host["/etc/libvirt/qemu.conf"] + conf
    HostCollector(ReplayRunner(host)).collect(writer)
    bundle = writer.close(complete=True)
    assert bundle is not None
    return run_assessment(bundle)


def _questions(a: Assessment, check_id: str) -> dict[str, str]:
    return {
        r.outcome.subject.name: r.outcome.question or ""
        for r in a.results
        if r.check.id == check_id and r.outcome.question
    }


def _sasl_q(evidence: str) -> str:
    return (
        "Does the SASL configuration QEMU uses for vnc on host hv1 offer only mechanisms that "
        f"authenticate? Evidence: {evidence}. Pass: yes, mech_list names only mechanisms that "
        "authenticate the user (gssapi, scram-sha-256); fail: mech_list is unset or names "
        "anonymous."
    )


ETC_SASL = (
    "the mech_list line of /etc/sasl2/qemu.conf on hv1 (or of qemu.conf in the directory that "
    "/etc/libvirt/qemu.conf's vnc_sasl_dir names)"
)
TLS_VERIFY = "tls-creds-x509,id=t0,dir=/etc/pki/qemu,endpoint=server,verify-peer=on"


def test_raw_vnc_with_sasl_alone_is_asked(tmp_path: Path) -> None:
    """R41D-2: a raw `-vnc 0.0.0.0:1,sasl=on` passed HVA-031 on "sasl", where the same server
    libvirt builds with vnc_sasl = 1 is the question whether its SASL mechanisms authenticate
    (one offering ANONYMOUS lets anyone in). Held: with a password, or TLS client certificates
    that authenticate (verify-peer=on), it passes as before."""
    a = _ns_scan(
        tmp_path,
        {
            "web01": ("", _commandline("-vnc", "0.0.0.0:1,sasl=on")),
            "v1": ("", _commandline("-vnc", "0.0.0.0:1,sasl=on,password=on")),
            "v2": (
                "",
                _commandline("-vnc", "0.0.0.0:1,sasl=on,tls-creds=t0", "-object", TLS_VERIFY),
            ),
        },
    )
    assert outcomes(a, "HVA-031") == {"web01": "manual", "v1": "pass", "v2": "pass"}
    assert messages(a, "HVA-031") == {
        "web01": "QEMU argument -vnc 0.0.0.0:1,sasl=on: sasl (SASL authenticates)",
        "v1": "QEMU argument -vnc 0.0.0.0:1,sasl=on,password=on: password, sasl",
        "v2": "QEMU argument -vnc 0.0.0.0:1,sasl=on,tls-creds=t0: sasl, tls-creds",
    }
    # libvirt gives QEMU no SASL_CONF_PATH without its own VNC under vnc_sasl = 1 (R45D-4)
    assert _questions(a, "HVA-031") == {
        "web01": _sasl_q(
            "the mech_list line of qemu.conf in the configuration directory the SASL library on "
            "hv1 was built with (libvirt passes QEMU a SASL_CONF_PATH only with its own VNC or "
            "SPICE console under /etc/libvirt/qemu.conf's vnc_sasl = 1 or spice_sasl = 1, so "
            "vnc_sasl_dir and spice_sasl_dir do not apply)"
        ).replace("for vnc on", "for vnc (QEMU argument -vnc 0.0.0.0:1,sasl=on) on")
    }


def test_sasl_question_names_the_qemu_env_directory(tmp_path: Path) -> None:
    """R41D-3: a <qemu:env name='SASL_CONF_PATH'> replaces the SASL_CONF_PATH libvirt gives
    QEMU (vircommand.c virCommandAddEnv replaces a name already set; the namespace's variables
    are added last), so cyrus SASL reads qemu.conf from that directory: the question named
    /etc/sasl2/qemu.conf, whose answer passed a console whose QEMU reads another file. Held:
    a VM without the variable keeps the question on /etc/sasl2 and vnc_sasl_dir."""
    vnc = "<devices><graphics type='vnc' autoport='yes' listen='0.0.0.0'/></devices>"
    env = "<qemu:commandline><qemu:env name='SASL_CONF_PATH' value='/srv/s'/></qemu:commandline>"
    a = _conf_scan(tmp_path, {"web01": (vnc, env), "v1": (vnc, "")}, "vnc_sasl = 1\n")
    assert outcomes(a, "HVA-031") == {"web01": "manual", "v1": "manual"}
    assert _questions(a, "HVA-031") == {
        "web01": _sasl_q(
            "the mech_list line of qemu.conf in the directory that the <qemu:env "
            "name='SASL_CONF_PATH'> of VM web01 names (QEMU reads that one, not /etc/sasl2 or "
            "vnc_sasl_dir; `virsh dumpxml web01` on hv1 shows its value)"
        ),
        "v1": _sasl_q(ETC_SASL),
    }


def test_raw_spice_with_sasl_is_asked(tmp_path: Path) -> None:
    """R41D-4: a raw `-spice tls-port=5901,sasl=on` ("Require that the client use SASL to
    authenticate with the spice", qemu-options.hx) passed HVA-031 as "TLS port only, with
    ticketing"; SPICE's TLS authenticates no client, so SASL's mechanisms decide, the question
    libvirt's spice_sasl = 1 asks. Held: the same server without sasl=on passes as before."""
    spice = "tls-port=5901,x509-dir=/etc/pki/qemu"
    a = _ns_scan(
        tmp_path,
        {
            "web01": ("", _commandline("-spice", f"{spice},sasl=on")),
            "v1": ("", _commandline("-spice", spice)),
        },
    )
    assert outcomes(a, "HVA-031") == {"web01": "manual", "v1": "pass"}
    assert messages(a, "HVA-031") == {
        "web01": f"QEMU argument -spice {spice},sasl=on: TLS port only, sasl (SASL authenticates)",
        "v1": f"QEMU argument -spice {spice}: TLS port only, with ticketing",
    }
    # libvirt gives QEMU no SASL_CONF_PATH without its own SPICE under spice_sasl = 1 (R45D-4)
    assert _questions(a, "HVA-031") == {
        "web01": _sasl_q(
            "the mech_list line of qemu.conf in the configuration directory the SASL library on "
            "hv1 was built with (libvirt passes QEMU a SASL_CONF_PATH only with its own VNC or "
            "SPICE console under /etc/libvirt/qemu.conf's vnc_sasl = 1 or spice_sasl = 1, so "
            "vnc_sasl_dir and spice_sasl_dir do not apply)"
        ).replace(" for vnc ", f" for spice (QEMU argument -spice {spice},sasl=on) ")
    }


def test_libvirt_spice_with_a_password_and_spice_sasl_is_asked(tmp_path: Path) -> None:
    """R41D-5: libvirt's SPICE server with a password and qemu.conf spice_sasl = 1 passed
    HVA-031 on its password, but spice-server with SASL on takes no password ticket
    (reds_handle_auth_mechanism): SASL's mechanisms decide. Held: the same VNC server passes on
    its password (ui/vnc.c vnc_display_setup_auth takes the password before SASL)."""
    spice = (
        "<devices><graphics type='spice' autoport='yes' listen='0.0.0.0' passwd='s3cret' "
        "defaultMode='secure'/></devices>"
    )
    vnc = (
        "<devices><graphics type='vnc' autoport='yes' listen='0.0.0.0' passwd='s3cret'/></devices>"
    )
    a = _conf_scan(
        tmp_path,
        {"web01": (spice, ""), "v1": (vnc, "")},
        "spice_sasl = 1\nvnc_sasl = 1\n",
    )
    assert outcomes(a, "HVA-031") == {"web01": "manual", "v1": "pass"}
    assert messages(a, "HVA-031") == {
        "web01": "spice on 0.0.0.0 (bound to every address): spice_sasl = 1 (SASL "
        "authenticates; spice-server takes no password once SASL is on)",
        "v1": "vnc on 0.0.0.0 (bound to every address) with TLS and a password",
    }
    assert _questions(a, "HVA-031") == {
        "web01": _sasl_q(
            "the mech_list line of /etc/sasl2/qemu.conf on hv1 (or of qemu.conf in the "
            "directory that /etc/libvirt/qemu.conf's spice_sasl_dir names)"
        ).replace(" for vnc ", " for spice ")
    }


def test_set_reaching_libvirts_vnc_moves_it(tmp_path: Path) -> None:
    """R41D-6: libvirt's -vnc gets QEMU's id `default` (ui/vnc.c vnc_auto_assign_id) and
    comes before every <qemu:arg>, so a raw `-set vnc.default.vnc=0.0.0.0:5` moves libvirt's
    loopback VNC server to every address, and `-set vnc.default.websocket=0.0.0.0:5700` adds
    a listener there: HVA-031 passed both "reachable only from the host" (the -set found no
    raw -vnc to reach). Held: a -set keeping it on the loopback, one of another key, a bare
    websocket (on the display's own host), and a moved server with TLS and a password."""
    vnc = "<devices><graphics type='vnc' autoport='yes' listen='127.0.0.1'/></devices>"
    vnc_pw = (
        "<devices><graphics type='vnc' autoport='yes' listen='127.0.0.1' passwd='x'/></devices>"
    )
    a = _ns_scan(
        tmp_path,
        {
            "web01": (vnc, _commandline("-set", "vnc.default.vnc=0.0.0.0:5")),
            "v1": (vnc, _commandline("-set", "vnc.default.websocket=0.0.0.0:5700")),
            "v2": (vnc, _commandline("-set", "vnc.default.vnc=127.0.0.1:7")),
            "v3": (vnc, _commandline("-set", "vnc.default.lossy=on")),
            "v4": (vnc_pw, _commandline("-set", "vnc.default.vnc=0.0.0.0:5")),
            "v5": (vnc, _commandline("-set", "vnc.default.websocket=on")),
        },
    )
    assert outcomes(a, "HVA-031") == {
        "web01": "fail",
        "v1": "fail",
        "v2": "pass",
        "v3": "pass",
        "v4": "pass",
        "v5": "pass",
    }
    assert messages(a, "HVA-031") == {
        "web01": "vnc on 0.0.0.0 (bound to every address) without a password",
        "v1": "vnc on 0.0.0.0 (bound to every address) without a password",
        "v2": "console(s) reachable only from the host",
        "v3": "console(s) reachable only from the host",
        "v4": "vnc on 0.0.0.0 (bound to every address) with TLS and a password",
        "v5": "console(s) reachable only from the host",
    }


def test_set_names_a_raw_vnc_after_the_launchers(tmp_path: Path) -> None:
    """R41D-7: beside libvirt's VNC (QEMU's `default`), a raw -vnc is `vnc2`, so `-set
    vnc.vnc2.password=off` takes its password away (HVA-031 passed it on "password", reading
    the raw one as `default`) and `-set vnc.default.password=off` leaves it (HVA-031 failed
    it). Held: without a libvirt VNC the raw -vnc is `default`."""
    vnc = "<devices><graphics type='vnc' autoport='yes' listen='127.0.0.1'/></devices>"
    raw = ("-vnc", "0.0.0.0:1,password=on", "-set")
    a = _ns_scan(
        tmp_path,
        {
            "web01": (vnc, _commandline(*raw, "vnc.vnc2.password=off")),
            "v1": (vnc, _commandline(*raw, "vnc.default.password=off")),
            "v2": ("", _commandline(*raw, "vnc.default.password=off")),
        },
    )
    assert outcomes(a, "HVA-031") == {"web01": "fail", "v1": "pass", "v2": "fail"}
    off = (
        "QEMU argument -vnc 0.0.0.0:1,password=on -set {}.password=off: a VNC server on 0.0.0.0 "
        "with no password, sasl or tls-creds option, outside libvirt's <graphics> (qemu.conf's "
        "vnc_* do not apply)"
    )
    assert messages(a, "HVA-031") == {
        "web01": off.format("vnc.vnc2"),
        "v1": "QEMU argument -vnc 0.0.0.0:1,password=on: password",
        "v2": off.format("vnc.default"),
    }
