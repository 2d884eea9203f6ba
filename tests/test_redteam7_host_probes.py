"""Seventh red-team review, host side (rt7host): probes of the least-probed host checks.

Same harness as tests/test_redteam4_host_probes.py: libvirt's test driver serves one plain VM, and
host evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed only where a
probe says so), so every artefact goes through the real collector, parser and engine. Each probe
asserts the verdict its cited source proves right, with a message fragment. Where hvaudit is wrong
and not fixed the probe is `xfail(strict=True, reason="R7H-<n>: ...")`. None repeats a probe of
the first six red teams.

Kinds probed: evidence the collector recorded as failed that the parser drops without a trace
(a libvirt secret whose XML the daemon refused: HVA-133, R7H-1), and a second implementation of
the feature a check reads (an Open vSwitch bond beside Linux bond devices: HVA-230, R7H-2; ptp4l
with software time stamping, which needs no phc2sys: HVA-202, R7H-3), and a configuration section
the daemon does not load (an SSSD domain neither listed nor enabled: HVA-140, R7H-4), and a
pass from a file when nsswitch adds a source nobody read (LDAP accounts with uid 0: HVA-141,
R7H-5; LDAP accounts that may log in: HVA-140, R7H-6).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import (
    HARDENED_HOST,
    ReplayRunner,
    domain_xml,
    messages,
    outcomes,
    run_assessment,
    write_node,
)
from hvaudit.bundle import BundleWriter, dump_json
from hvaudit.collect.host import HostCollector
from hvaudit.collect.libvirt import LibvirtCollector, LibvirtTarget
from hvaudit.engine import Assessment
from test_ovs_management_port import OVS_TABLES


def xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


# --- HVA-133: a secret whose XML could not be read ------------------------------------------------

UUID_OK = "5a0f3c1e-0000-4000-8000-00000000000a"
UUID_DENIED = "5a0f3c1e-0000-4000-8000-00000000000b"


def _secret_scan(tmp_path: Path, secrets: list[tuple[str, str | None]]) -> Assessment:
    """A replayed hardened host whose daemon lists these secrets (uuid, private): a private of
    None is a secret whose virSecretGetXMLDesc failed, recorded as the collector records it
    (collect/libvirt.py: `writer.record(path, status="failed", ...)`, left out of the index)."""
    uri = write_node(tmp_path / f"node-{time.monotonic_ns()}.xml", [domain_xml("web01")])
    writer = BundleWriter(
        tmp_path / f"b-{time.monotonic_ns()}",
        target="qemu+ssh://root@hv1/system",
        platform="kvm-libvirt",
    )
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=True).collect(writer)
    del writer.entries["libvirt/secrets/index.json"]  # the test driver has no secret driver
    index: list[dict[str, Any]] = []
    for i, (uid, private) in enumerate(secrets):
        path = f"libvirt/secrets/{i:05d}-{uid}.xml"
        if private is None:
            writer.record(
                path,
                status="failed",
                origin="virConnectListAllSecrets XMLDesc",
                reason="access denied: 'secret' getattr",
            )
            continue
        xml = (
            f"<secret ephemeral='no' private='{private}'><uuid>{uid}</uuid>"
            f"<usage type='volume'><volume>/var/lib/libvirt/images/d{i}.luks</volume></usage>"
            "</secret>"
        )
        writer.add(path, xml.encode(), origin="virConnectListAllSecrets XMLDesc")
        index.append({"name": uid, "file": path})
    writer.add("libvirt/secrets/index.json", dump_json({"secrets": index}), origin="test")
    writer.meta["collector"]["libvirt"].update(simulated=False, hostname="hv1")
    HostCollector(ReplayRunner(dict(HARDENED_HOST))).collect(writer)
    bundle = writer.close(complete=True)
    assert bundle is not None
    return run_assessment(bundle)


def test_secret_whose_xml_was_refused_is_asked(tmp_path: Path) -> None:
    """R7H-1. With access_drivers = [ "polkit" ] (the hardening HVA-130 asks for) the scanning
    account may be refused `secret:read` on some secrets: virSecretGetXMLDesc checks
    virSecretGetXMLDescEnsureACL (libvirt src/secret/secret_driver.c), and a secret can also be
    undefined between the listing and the read (VIR_ERR_NO_SECRET). The collector records that
    secret's XML as failed and leaves it out of the index; the parser then drops it, so the host
    shows only the readable secret's pass and the refused one, which may be private='no' (the
    default, formatsecret), gets no verdict at all. Right: the readable one passes, the refused
    one is a question naming its uuid."""
    a = _secret_scan(tmp_path, [(UUID_OK, "yes"), (UUID_DENIED, None)])
    got, msgs = outcomes(a, "HVA-133"), messages(a, "HVA-133")
    assert got["volume /var/lib/libvirt/images/d0.luks"] == "pass", msgs
    denied = [name for name in got if UUID_DENIED in name]
    assert denied, got
    assert got[denied[0]] == "manual", msgs
    assert "could not be read" in msgs[denied[0]], msgs


def test_readable_secrets_keep_their_verdicts(tmp_path: Path) -> None:
    """Twin of R7H-1: every secret read, one private and one not: pass and fail as before."""
    a = _secret_scan(tmp_path, [(UUID_OK, "yes"), (UUID_DENIED, "no")])
    assert outcomes(a, "HVA-133") == {
        "volume /var/lib/libvirt/images/d0.luks": "pass",
        "volume /var/lib/libvirt/images/d1.luks": "fail",
    }


# --- HVA-230: an Open vSwitch bond ------------------------------------------------------------------

#: `ip -j -d link` of a host whose bond is an Open vSwitch bond (`ovs-vsctl add-bond vmbr1 bond0
#: eno2 eno3`): the kernel shows both members under the datapath ovs-system (no bond device), and
#: both are ports of one dual-port card (functions .0 and .1 of 0000:3b:00).
OVS_BOND_LINKS = json.dumps(
    [
        {"ifindex": 1, "ifname": "lo", "flags": ["LOOPBACK", "UP"]},
        {"ifindex": 2, "ifname": "ovs-system", "linkinfo": {"info_kind": "openvswitch"}},
        *(
            {
                "ifindex": n,
                "ifname": name,
                "master": "ovs-system",
                "linkinfo": {"info_slave_kind": "openvswitch"},
                "parentbus": "pci",
                "parentdev": dev,
            }
            for n, name, dev in (
                (3, "eno1", "0000:18:00.0"),
                (4, "eno2", "0000:3b:00.0"),
                (5, "eno3", "0000:3b:00.1"),
            )
        ),
    ]
)


def test_open_vswitch_bond_on_one_card_fails(host_scan) -> None:
    """R7H-2. ovs-vswitchd.conf.db(5), Port table: "A port that has more than one interface is a
    'bonded port'" (what `ovs-vsctl add-bond BRIDGE PORT IFACE...` makes, ovs-vsctl(8)). The
    members of such a bond are not slaves of a Linux bond device: `ip -d link` shows them under
    the datapath ovs-system, so hvaudit's bond list (Linux bond/team masters) is empty and the
    check said "no bond with two or more members" (not applicable) while bond0's two members
    are the two ports of one card. The Bridge/Port/Interface tables are what Open vSwitch 3.1.0
    printed (tests/test_ovs_management_port.py OVS_TABLES). Right: fail naming bond0."""
    a = host_scan({"ip-link": (OVS_BOND_LINKS, 0), "ovs-ports": (OVS_TABLES, 0)})
    assert outcomes(a, "HVA-230")["hv1"] == "fail", messages(a, "HVA-230")
    assert messages(a, "HVA-230")["hv1"] == (
        "bond members on one adapter: bond0 (eno2, eno3 on 0000:3b:00)"
    )


def test_open_vswitch_bond_across_cards_passes(host_scan) -> None:
    """Twin of R7H-2: the same OVS bond with eno3 on another card, below another root port
    (`ls -l /sys/class/net`, R9H-4), passes."""
    links = OVS_BOND_LINKS.replace("0000:3b:00.1", "0000:5e:00.0")
    paths = (
        "lrwxrwxrwx 1 root root 0 Nov 27 04:00 eno2 -> "
        "../../devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0/net/eno2\n"
        "lrwxrwxrwx 1 root root 0 Nov 27 04:00 eno3 -> "
        "../../devices/pci0000:5d/0000:5d:00.0/0000:5e:00.0/net/eno3\n"
    )
    a = host_scan({"ip-link": (links, 0), "ovs-ports": (OVS_TABLES, 0), "net-devices": (paths, 0)})
    assert outcomes(a, "HVA-230")["hv1"] == "pass", messages(a, "HVA-230")
    assert messages(a, "HVA-230")["hv1"] == "1 bond(s), members on different adapters"


def test_open_vswitch_datapath_up_but_ports_unread_is_asked(host_scan) -> None:
    """Twin of R7H-2: the datapath is up (ovs-system) but ovs-vsctl failed, so an OVS bond may
    exist unseen: a question, not "no bond"."""
    a = host_scan({"ip-link": (OVS_BOND_LINKS, 0), "ovs-ports": ("", 1)})
    assert outcomes(a, "HVA-230")["hv1"] == "manual", messages(a, "HVA-230")


# --- HVA-202: ptp4l with software time stamping steers the system clock ---------------------------

PROCS = HARDENED_HOST["processes"][0]
NO_CHRONY = PROCS.replace("  402 _chrony   /usr/sbin/chronyd -F 1\n", "")


def test_ptp4l_software_time_stamping_client_passes(host_scan) -> None:
    """R7H-3. ptp4l(8) (confirmed with `search`, man.archlinux.org ptp4l.8): "-S Select the
    software time stamping", "-s" client only; Red Hat's System Administrator's Guide,
    "Configuring PTP Using ptp4l": "With hardware time stamping, it is used to synchronize the PTP
    hardware clock to the master clock, and with software time stamping it synchronizes the
    system clock to the master clock. The phc2sys program is needed only with hardware time
    stamping". A host kept on PTP by `ptp4l -S -s -i eno1` (no phc2sys) has a synchronised
    clock; hvaudit failed "no time-synchronisation daemon running": a wrong fail on a hardened
    host. Right: pass naming ptp4l."""
    procs = NO_CHRONY + "  410 root     /usr/sbin/ptp4l -S -s -i eno1\n"
    a = host_scan({"processes": (procs, 0)})
    assert outcomes(a, "HVA-202") == {"hv1": "pass"}, messages(a, "HVA-202")
    assert messages(a, "HVA-202")["hv1"] == "ptp4l (PTP, software time stamping) running"


def test_ptp4l_with_a_configuration_file_is_asked(host_scan) -> None:
    """R7H-3, second half: `ptp4l -f /etc/linuxptp/ptp4l.conf -i eno1` alone: the file (not
    collected) says time_stamping software or hardware, so whether the system clock is steered
    is not in the evidence (before: fail). Right: the question about ptp4l."""
    procs = NO_CHRONY + "  410 root     /usr/sbin/ptp4l -f /etc/linuxptp/ptp4l.conf -i eno1\n"
    a = host_scan({"processes": (procs, 0)})
    assert outcomes(a, "HVA-202") == {"hv1": "manual"}, messages(a, "HVA-202")
    q = next(r.outcome.question for r in a.results if r.check.id == "HVA-202")
    assert q.startswith("Does ptp4l on host hv1 keep the system clock synchronised? Evidence:")


def test_ptp4l_hardware_time_stamping_alone_still_fails(host_scan) -> None:
    """Twin of R7H-3: `ptp4l -i eno1` (hardware time stamping, the default) with no phc2sys keeps
    the NIC's clock only: fail as before."""
    procs = NO_CHRONY + "  410 root     /usr/sbin/ptp4l -i eno1 -m\n"
    a = host_scan({"processes": (procs, 0)})
    assert outcomes(a, "HVA-202") == {"hv1": "fail"}, messages(a, "HVA-202")


# --- HVA-140: an SSSD domain section SSSD does not run ---------------------------------------------

SSSD_HARDENED = HARDENED_HOST["/etc/sssd/sssd.conf"]
STALE_DOMAIN = "\n[domain/old.example]\nid_provider = ldap\nldap_uri = ldap://old.example\n"


def test_sssd_domain_not_in_domains_is_not_run(host_scan) -> None:
    """R7H-4. sssd.conf(5) (read with `search`): [sssd] `domains` lists the domains SSSD uses,
    and a [domain/NAME] section's `enabled` overrides it ("If false, the domain is always
    disabled"; true enables an unlisted one): a section in neither is not loaded, the same rule
    hvaudit already applies to decide HVA-150's directory (parse/host.py _sssd_directory). The
    hardened host's corp.example uses access_provider = ad; a leftover [domain/old.example] with
    no access_provider, not listed and not enabled, was read as an open domain and failed the
    host ("every account of the directory may log in: old.example"): a wrong fail on a hardened
    host. Right: the hardened verdict (pass: root and alice)."""
    a = host_scan({"/etc/sssd/sssd.conf": SSSD_HARDENED + STALE_DOMAIN})
    assert outcomes(a, "HVA-140") == {"hv1": "pass"}, messages(a, "HVA-140")


def test_sssd_domain_enabled_by_its_section_is_open(host_scan) -> None:
    """Twin of R7H-4: the same section with `enabled = true` is run (sssd.conf(5)), and with no
    access_provider it lets every account of old.example log in: fail naming it."""
    a = host_scan({"/etc/sssd/sssd.conf": SSSD_HARDENED + STALE_DOMAIN + "enabled = true\n"})
    assert outcomes(a, "HVA-140") == {"hv1": "fail"}, messages(a, "HVA-140")
    assert "old.example (access_provider unset: permit)" in messages(a, "HVA-140")["hv1"]


# --- HVA-141: uid 0 from the directory ------------------------------------------------------------


def test_ldap_accounts_uid0_is_asked(host_scan) -> None:
    """R7H-5. nsswitch.conf(5): `passwd: files ldap` makes getpwnam(3) (and so login, sshd, su)
    ask nss-pam-ldapd's nslcd after /etc/passwd; an LDAP entry with uidNumber 0 is then a root
    login with another name, unless nslcd.conf's nss_min_uid filters it, and nslcd.conf is not
    collected. hvaudit read /etc/passwd alone and passed "root is the only uid-0 account": a
    pass on evidence it did not have. (SSSD never serves id 0, Red Hat IdM guide "the SSSD
    service does not handle ID value 0": the hardened host's sss keeps its pass, twin below.)
    Right: the uid-0 question, naming ldap."""
    nss = "passwd:         files ldap\ngroup:          files ldap\nhosts: files dns\n"
    a = host_scan({"/etc/nsswitch.conf": nss})
    assert outcomes(a, "HVA-141") == {"hv1": "manual"}, messages(a, "HVA-141")
    assert "through ldap" in messages(a, "HVA-141")["hv1"]
    q = next(r.outcome.question for r in a.results if r.check.id == "HVA-141")
    assert q.startswith("Is root the only account with uid 0 on host hv1, directory accounts")


def test_sssd_accounts_keep_the_uid0_pass(host_scan) -> None:
    """Twin of R7H-5: the hardened host (passwd: files sss, SSSD with corp.example) passes."""
    a = host_scan()
    assert outcomes(a, "HVA-141") == {"hv1": "pass"}, messages(a, "HVA-141")
    assert messages(a, "HVA-141")["hv1"] == "root is the only uid-0 account"


# --- HVA-140: accounts of an LDAP directory -------------------------------------------------------


def test_ldap_directory_logins_are_asked(host_scan) -> None:
    """R7H-6. With `passwd: files ldap` every account of the LDAP directory resolves, and
    nss-pam-ldapd lets each of them through PAM's account phase unless nslcd.conf(5)
    pam_authz_search narrows it (not collected; the twin of SSSD's access_provider permit,
    which hvaudit fails: tests/test_redteam4_host_probes.py). hvaudit counted /etc/passwd's two
    accounts and passed. Right: the question, naming ldap."""
    nss = "passwd:         files ldap\ngroup:          files ldap\nhosts: files dns\n"
    a = host_scan({"/etc/nsswitch.conf": nss})
    assert outcomes(a, "HVA-140") == {"hv1": "manual"}, messages(a, "HVA-140")
    assert messages(a, "HVA-140")["hv1"] == (
        "2 account(s) with a login shell (limit 3): root, alice; nsswitch passwd also resolves "
        "accounts through ldap, whose login restrictions were not read"
    )


def test_sssd_directory_with_ad_access_keeps_the_pass(host_scan) -> None:
    """Twin of R7H-6: the hardened host (sss, access_provider = ad) keeps its pass."""
    a = host_scan()
    assert outcomes(a, "HVA-140") == {"hv1": "pass"}, messages(a, "HVA-140")


def test_qemu_groups_unread_are_not_a_pass(host_scan) -> None:
    """HVA-042: libvirt runs QEMU with its account's supplementary groups (virGetGroupList over
    /etc/group); with /etc/group unread, group root and group disk are not ruled out, so the
    check asks instead of passing "qemu.conf sets user = ..."."""
    a = host_scan({"/etc/group": None})
    assert outcomes(a, "HVA-042") == {"hv1": "manual"}, messages(a, "HVA-042")
    q = next(r.outcome.question for r in a.results if r.check.id == "HVA-042")
    assert q is not None and q.startswith("Is QEMU's account on host hv1 in neither group root")
    from test_manual_questions import shape_problems

    assert shape_problems(q) == []
