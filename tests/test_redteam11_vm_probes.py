"""Eleventh red-team review, VM side (rt11vm): probes of definition elements that say one thing
in more ways than one, which the ten earlier rounds did not try.

Same harness as tests/test_redteam3_vm_probes.py: libvirt's test driver serves the domains
(libvirt parses and re-formats every definition before hvaudit reads it) on the replayed
hardened host of conftest, or its SELinux variant (tests/test_redteam_probes.SELINUX_HOST),
changed only where a probe says so. Each probe asserts the verdict its cited source proves
right, with the message; every fact it rests on was read with the `search` / `find_string` /
`read_file` tools and is cited in its docstring. None repeats a probe of the ten earlier
rounds.

Findings (R11-n): R11-1 HVA-044 passed a VM that SELinux confines with its own (dynamic,
static relabelled, or the driver's default) label though a disk of it carries a
<seclabel model='selinux'> of its own on its <source>: libvirt then leaves that file's label
as it is (relabel='no') or applies the given label instead of the VM's image label, so the
disk no longer carries the VM's MCS categories (false pass; a question, or a fail where the
given label has no MCS category, which every VM's label dominates); R11-2 HVA-031 said "no VNC,
SPICE or RDP console and no TCP or UDP character device" for a <graphics type='dbus'> whose
address connects QEMU's display to a D-Bus bus over tcp: or nonce-tcp:, which carry no
integrity or confidentiality protection (wrong n/a: a fail off the loopback, a pass on it);
R11-3 HVA-031 failed a SPICE console with passwd='' on a network address as "admits plaintext
channels", though libvirt documents an empty SPICE password as "SPICE access is disabled" and
spice-server refuses every link while its ticket is empty (wrong fail; the fail stays where
spice_sasl = 1 lets SASL clients past the ticket).

Tally: 13 probe cases (9 test functions). 9 cases pin R11-1, R11-2 and R11-3 (each failed on
main before its fix); 4 found nothing, the verdict held (5 configurations): a disk with a
DAC-only <seclabel relabel='no'> and a disk without an override (one case), dbus displays on a
unix: bus or libvirt's private bus, and an empty SPICE password beside spice_sasl = 1.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HARDENED_HOST, build_bundle, domain_xml, run_assessment, write_node
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import verdict
from test_redteam_probes import SELINUX_HOST

# --- R11-1: HVA-044, a disk that keeps an SELinux label of its own ---------------------------

DYNAMIC = "<seclabel type='dynamic' model='selinux'/>"
STATIC = (
    "<seclabel type='static' model='selinux' relabel='yes'>"
    "<label>system_u:system_r:svirt_t:s0:c11,c21</label></seclabel>"
)


def _disk(name: str, seclabel: str) -> str:
    return (
        "<devices><disk type='file' device='disk'>"
        f"<source file='/var/lib/libvirt/images/{name}.qcow2'>{seclabel}</source>"
        "<target dev='vda' bus='virtio'/></disk></devices>"
    )


KEEP = "<seclabel model='selinux' relabel='no'/>"
OPEN = (
    "<seclabel model='selinux' relabel='yes'>"
    "<label>system_u:object_r:svirt_image_t:s0</label></seclabel>"
)
PAIRED = (
    "<seclabel model='selinux' relabel='yes'>"
    "<label>system_u:object_r:svirt_image_t:s0:c5,c6</label></seclabel>"
)


@pytest.fixture(scope="module")
def kept(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp: Path = tmp_path_factory.mktemp("rt11kept")
    doms = {
        "keeps": DYNAMIC + _disk("keeps", KEEP),
        "deflt": _disk("deflt", KEEP),
        "statkeep": STATIC + _disk("statkeep", KEEP),
        "opened": DYNAMIC + _disk("opened", OPEN),
        "paired": DYNAMIC + _disk("paired", PAIRED),
        "dacno": DYNAMIC + _disk("dacno", "<seclabel model='dac' relabel='no'/>"),
        "plain": DYNAMIC + _disk("plain", ""),
    }
    uri = write_node(tmp / "n.xml", [domain_xml(k, body=v) for k, v in doms.items()])
    return run_assessment(build_bundle(tmp, uri, SELINUX_HOST, name="b"))


def _question(vm: str, paths: str) -> str:
    return (
        f"Does each disk of VM {vm} on host hv1 whose own <seclabel> overrides libvirt's "
        f"labelling ({paths}) carry an SELinux label with the MCS categories of this VM alone? "
        f"Evidence: `ls -Z PATH` for each on hv1, and the VM's label while it runs (`virsh "
        f"dominfo {vm}`, Security label). Pass: yes, each carries exactly the VM's categories; "
        "fail: any carries s0 alone or categories another VM's label dominates, so that VM's "
        "QEMU may open the disk."
    )


@pytest.mark.parametrize(
    ("vm", "what"),
    [
        ("keeps", "dynamic selinux label (generated at every start)"),
        ("deflt", "no <seclabel>: driver default, a dynamic selinux label"),
        ("statkeep", "static selinux label system_u:system_r:svirt_t:s0:c11,c21"),
    ],
)
def test_disk_left_unlabelled_is_a_question(kept: Assessment, vm: str, what: str) -> None:
    """R11-1. formatdomain, "Security label" (libvirt docs/formatdomain.rst, read with
    `read_file`): "When relabeling is in effect, it is also possible to fine-tune the labeling
    done for specific source file names, by either disabling the labeling (useful if the file
    lives on NFS or other file system that lacks security labeling) or requesting an alternate
    label". libvirt's src/security/security_selinux.c virSecuritySELinuxSetImageLabelInternal
    (read with `read_file`): `if (disk_seclabel && (!disk_seclabel->relabel ||
    disk_seclabel->label)) { if (!disk_seclabel->relabel) return 0; ...`: the file keeps
    whatever label it has. sVirt's isolation of the disk is its label carrying the VM's MCS
    categories; this disk's label is not in the evidence (R9-9's question, for one disk). The
    VM's own label passed: "dynamic selinux label (generated at every start)", the driver
    default's pass, the relabelled static label's "unique on the host"."""
    path = f"/var/lib/libvirt/images/{vm}.qcow2"
    status, msg = verdict(kept, "HVA-044", vm)
    assert (status, msg) == (
        "manual",
        f"{what}, but disk(s) keep an SELinux label of their own (<seclabel> on the disk "
        f"source): {path} relabel='no' (libvirt leaves its label as it is)",
    )
    result = next(
        r for r in kept.results if r.check.id == "HVA-044" and r.outcome.subject.name == vm
    )
    assert result.outcome.question == _question(vm, path)


def test_disk_given_a_label_without_categories_fails(kept: Assessment) -> None:
    """R11-1. The same function applies a disk seclabel's <label> instead of the VM's image
    label (`use_label = disk_seclabel->label`); formatdomain: such a label is "useful when a
    management application creates a special label to allow sharing of some, but not all,
    resources between domains". svirt_image_t:s0 has no MCS category: "A process can access a
    file if the set of MCS categories for the file is equal-to *or* a subset-of, the set of MCS
    categories for the process" (security_selinux.c virSecuritySELinuxMCSFind, HVA-044's
    docstring), so every VM's QEMU may open this disk: a fail, as HVA-044 fails a static label
    with no category."""
    assert verdict(kept, "HVA-044", "opened") == (
        "fail",
        "dynamic selinux label (generated at every start), but disk "
        "/var/lib/libvirt/images/opened.qcow2 is given SELinux label "
        "system_u:object_r:svirt_image_t:s0 by its own <seclabel>: no MCS category, so every "
        "VM's label dominates it and any VM may open the disk",
    )


def test_disk_given_a_label_with_categories_is_a_question(kept: Assessment) -> None:
    """R11-1. A given label with categories (c5,c6) may be this VM's pair or another's: the
    VM's dynamic pair is chosen at every start (virSecuritySELinuxMCSFind), so whether c5,c6
    is only its own is the question, not a pass."""
    path = "/var/lib/libvirt/images/paired.qcow2"
    assert verdict(kept, "HVA-044", "paired") == (
        "manual",
        "dynamic selinux label (generated at every start), but disk(s) keep an SELinux label of "
        f"their own (<seclabel> on the disk source): {path} label "
        "system_u:object_r:svirt_image_t:s0:c5,c6 (applied instead of the VM's)",
    )


def test_dac_override_and_plain_disk_stay_a_pass(kept: Assessment) -> None:
    """Holds: a <seclabel model='dac' relabel='no'> leaves the file's owner alone
    (security_dac.c virSecurityDACSetImageLabel: `if (disk_seclabel && !disk_seclabel->relabel)
    return 0`), not its SELinux label, which libvirt still sets to the VM's categories; a disk
    without an override is labelled with them."""
    for vm in ("dacno", "plain"):
        assert verdict(kept, "HVA-044", vm) == (
            "pass",
            "dynamic selinux label (generated at every start)",
        )


# --- R11-2: HVA-031, a dbus display connected to a bus over TCP ---------------------------------


@pytest.fixture(scope="module")
def buses(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp: Path = tmp_path_factory.mktemp("rt11dbus")
    doms = {
        "dbustcp": "<graphics type='dbus' address='tcp:host=10.0.0.5,port=7000'/>",
        "dbusnonce": (
            "<graphics type='dbus' address='unix:path=/run/none.sock;"
            "nonce-tcp:host=192.0.2.9,port=7001,noncefile=/tmp/n'/>"
        ),
        "dbusloop": "<graphics type='dbus' address='tcp:host=127.0.0.1,port=7002'/>",
        "dbusunix": "<graphics type='dbus' address='unix:path=/run/qemu-bus.sock'/>",
        "dbusprivate": "<graphics type='dbus'/>",
    }
    uri = write_node(
        tmp / "n.xml",
        [domain_xml(k, body=f"<devices>{v}</devices>") for k, v in doms.items()],
    )
    return run_assessment(build_bundle(tmp, uri, HARDENED_HOST, name="b"))


@pytest.mark.parametrize(
    ("vm", "where"),
    [
        ("dbustcp", "10.0.0.5 port 7000 (tcp)"),
        ("dbusnonce", "192.0.2.9 port 7001 (nonce-tcp)"),
    ],
)
def test_dbus_display_on_a_tcp_bus_is_exposed(buses: Assessment, vm: str, where: str) -> None:
    """R11-2. formatdomain, "Graphical framebuffers" (docs/formatdomain.rst, read with
    `read_file`): `dbus` "Export the display over D-Bus. By default, it will use a private
    bus, except when p2p or address are specified", and `address` "(accepts a D-Bus address),
    will connect to the specified bus address"; libvirt's domain validation refuses only p2p
    with an address (domain_validate.c, read with `find_string`: "D-Bus p2p with an address is
    not supported"), so a tcp: address is accepted, and QEMU's `-display dbus,addr=` is the
    "D-Bus bus address to connect to" (qemu-options.hx, read with `find_string`). Whoever is
    on that bus drives the console, and dbus-daemon(1) (read with `find_string`): "the tcp and
    nonce-tcp transports have no integrity or confidentiality protection, so they should
    normally only be used across the local loopback interface". HVA-031 said "no VNC, SPICE or
    RDP console and no TCP or UDP character device" (wrong n/a): now a fail, as it fails a TCP
    serial console sent in cleartext. An address lists entries tried in turn (`;`): a TCP one
    among them is enough."""
    assert verdict(buses, "HVA-031", vm) == (
        "fail",
        f"dbus display connected to the D-Bus bus at {where}: D-Bus over TCP has no integrity "
        "or confidentiality protection, so the console travels in cleartext to that bus's "
        "clients",
    )


def test_dbus_display_on_a_loopback_bus_passes(buses: Assessment) -> None:
    """R11-2. The same display on a TCP bus on the loopback is reached from the host only (the
    hardened host was read with route_localnet = 0: HVA-031's loopback rule): the pass of a
    loopback console, not n/a."""
    assert verdict(buses, "HVA-031", "dbusloop") == (
        "pass",
        "console(s) reachable only from the host",
    )


@pytest.mark.parametrize("vm", ["dbusunix", "dbusprivate"])
def test_dbus_display_on_a_unix_bus_stays_not_applicable(buses: Assessment, vm: str) -> None:
    """Holds: a unix: bus address, or none (libvirt's private bus, a per-VM dbus-daemon on a
    UNIX socket), opens no network socket."""
    assert verdict(buses, "HVA-031", vm) == (
        "not_applicable",
        "no VNC, SPICE or RDP console and no TCP or UDP character device",
    )


# --- R11-3: HVA-031, a SPICE console whose empty password admits no one -----------------------

SPICE_OFF = (
    "<devices><graphics type='spice' port='5901' autoport='no' listen='0.0.0.0' passwd=''>"
    "<listen type='address' address='0.0.0.0'/></graphics></devices>"
)


def _spice_scan(tmp_path: Path, conf_extra: str) -> Assessment:
    host = dict(
        HARDENED_HOST,
        **{"/etc/libvirt/qemu.conf": HARDENED_HOST["/etc/libvirt/qemu.conf"] + conf_extra},
    )
    uri = write_node(tmp_path / "n.xml", [domain_xml("spiceoff", body=SPICE_OFF)])
    return run_assessment(build_bundle(tmp_path, uri, host, name="b"))


def test_spice_with_an_empty_password_admits_no_one(tmp_path: Path) -> None:
    """R11-3. formatdomain, "Graphical framebuffers" (docs/formatdomain.rst, read with
    `read_file`): for spice, "If the passwd attribute is set to an empty string, then SPICE
    access is disabled". spice-server server/reds.cpp reds_handle_ticket (read with
    `find_string`): `if (reds->config->ticketing_enabled && !link->skip_auth) { ... if
    (strlen(reds->config->taTicket.password) == 0) { spice_warning("Ticketing is enabled, but
    no password is set. please set a ticket first"); goto error; }`, error sending
    SPICE_LINK_ERR_PERMISSION_DENIED: no client gets any channel, plaintext or not. HVA-031
    failed it "admits plaintext channels (defaultMode='any')" (wrong fail on a VM whose
    console is switched off as libvirt documents): now a pass naming the empty password."""
    a = _spice_scan(tmp_path, "")
    assert verdict(a, "HVA-031", "spiceoff") == (
        "pass",
        "spice on 0.0.0.0 (bound to every address) with an empty password (passwd=''): SPICE "
        "refuses every connection",
    )


def test_spice_with_an_empty_password_and_sasl_stays_a_fail(tmp_path: Path) -> None:
    """Holds: with spice_sasl = 1 a client that authenticates through SASL skips the ticket
    (link->skip_auth in the same function), so the plaintext channels of defaultMode='any'
    are reached again: the fail stays."""
    a = _spice_scan(tmp_path, "spice_sasl = 1\n")
    assert verdict(a, "HVA-031", "spiceoff") == (
        "fail",
        "spice on 0.0.0.0 (bound to every address) admits plaintext channels (defaultMode='any')",
    )
