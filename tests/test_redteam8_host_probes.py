"""Eighth red-team review, host side (rt8host): new probes of the least-probed host checks.

Same harness as tests/test_redteam7_host_probes.py: libvirt's test driver serves one plain VM, and
host evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed only where a
probe says so), so every artefact goes through the real collector, parser and engine. Each probe
asserts the verdict its cited source proves right, with its exact message. Where hvaudit is wrong
and not fixed the probe is `xfail(strict=True, reason="R8H-<n>: ...")`. None repeats a probe of
the first seven red teams (tests/test_redteam*_probes.py, test_host_verdicts2..5.py).

Kinds probed: state that a second component keeps beside the one hvaudit reads (shim's own
validation switch beside the firmware's SecureBoot variable: HVA-021, R8H-1); a setting of the
device that decides whether a feature hvaudit counts works at all (a bond without link
monitoring never fails over: HVA-220, R8H-2; a VLAN-filtering bridge of the 802.1ad protocol lets
802.1Q tags through: HVA-195, R8H-3); another spelling of "every address" (the IPv4-mapped
::ffff:0.0.0.0: HVA-036, R8H-4); a package name of the same software (Ubuntu's HWE X server:
HVA-001, R8H-5); and a systemd socket unit overriding the daemon's file (a libvirt daemon
listening on a TCP port its configuration does not name: HVA-030/034/035, R8H-6); an include
directory the daemon reads and hvaudit did not (SSSD's conf.d snippets override sssd.conf:
HVA-140, R8H-7); and a verdict given while the file that decides it was not read (HVA-140 on
an unreadable sssd.conf, R8H-8); and the device's state now (a bond member that is down: HVA-220,
R8H-9).

Findings (false passes and wrong n/a but R8H-11, a wrong fail; all fixed in this round):
- R8H-1 HVA-021 passed "UEFI Secure Boot enabled" with shim's validation disabled
  (MokSBStateRT = 1): now a fail naming it.
- R8H-2 HVA-220 passed a VM bridge on a two-member bond with miimon 0 and arp_interval 0: now a
  fail naming the bond.
- R8H-3 HVA-195 passed a bridge whose vlan_filtering is of vlan_protocol 802.1ad: now the
  plain-uplink question (a fail where the uplink carries other VLANs); HVA-211 asked about a
  management VLAN interface of such a bridge as if it filtered: now a fail.
- R8H-4 HVA-036 passed migration_address = "::ffff:0.0.0.0": now a fail (every IPv4 address).
- R8H-5 HVA-001 passed a host with xserver-xorg-core-hwe-18.04 installed: now a fail.
- R8H-6 HVA-030 passed ("local UNIX sockets only"), HVA-034 and HVA-035 said not applicable,
  while virtproxyd listened on 0.0.0.0:16600 from a socket unit started with a moved
  ListenStream: now a question each.
- R8H-7 HVA-140 passed while /etc/sssd/conf.d/50-helpdesk.conf set access_provider = permit
  for the directory domain (sssd.conf said ad): conf.d is now collected (secrets blanked) and
  merged as SSSD merges it; a fail.
- R8H-8 HVA-140 passed on the local accounts while /etc/sssd/sssd.conf (passwd: files sss)
  could not be read: now a question.
- R8H-9 HVA-220 passed a VM bridge on a two-member bond one of whose members was down
  (operstate DOWN, NO-CARRIER): now a fail naming it.
- R8H-10 HVA-210 passed a QEMU listener on [::ffff:0.0.0.0] (R8H-4's spelling as `ss` shows
  it): now a fail.
- R8H-11 (wrong fail) HVA-020 failed "no TPM visible" on a kernel older than 5.6 (no
  tpm_version_major) with a TPM 2.0: /dev/tpmrm0 now proves 2.0 (pass), /dev/tpm0 alone asks.
- R8H-12 HVA-201 passed "auditd running" while auditd.conf said write_logs = no and no
  dispatcher plugin was active (every record discarded): now a fail; with an active plugin, a
  question.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import (
    HARDENED_HOST,
    IP_ADDR,
    IP_LINK,
    ReplayRunner,
    domain_xml,
    messages,
    outcomes,
    run_assessment,
    write_node,
)
from hvaudit.bundle import BundleWriter
from hvaudit.collect.host import HostCollector
from hvaudit.collect.libvirt import LibvirtCollector, LibvirtTarget

# --- HVA-021: shim's validation switched off ---------------------------------------------------

#: `od -An -tu1` of an EFI variable in efivarfs: the 4 attribute bytes (6: boot-service and
#: runtime access, volatile) and the value.
MOK_SB_STATE_DISABLED = ("   6   0   0   0   1\n", 0)
#: od on an absent variable (shim validating: MokSBStateRT is only created when it is set).
MOK_SB_STATE_ABSENT = (
    "",
    1,
    "od: /sys/firmware/efi/efivars/MokSBStateRT-605dab50-e046-4300-abb6-3dd810dd8b23: "
    "No such file or directory\n",
)


def test_shim_validation_disabled_under_firmware_secure_boot(host_scan) -> None:
    """R8H-1. `mokutil --disable-validation` (confirmed at the next boot in MokManager) makes shim
    verify nothing and publish MokSBStateRT = 1 (shim's GUID 605dab50-e046-4300-abb6-
    3dd810dd8b23; Ubuntu's apport hook reads it with `od -An -t u1` next to SecureBoot, found
    with `find_string`). The firmware's SecureBoot variable stays 1. Linux
    drivers/firmware/efi/libstub/secureboot.c and arch/x86/xen/efi.c efi_get_secureboot (read
    with `find_string`): "See if a user has put the shim into insecure mode ... if (moksbstate
    == 1) return efi_secureboot_mode_disabled": the kernel takes the boot as not secure and
    applies no lockdown from it. hvaudit read SecureBoot only and passed "UEFI Secure Boot
    enabled". Right: fail naming shim's switch."""
    a = host_scan({"shim-validation": MOK_SB_STATE_DISABLED})
    assert outcomes(a, "HVA-021") == {"hv1": "fail"}, messages(a, "HVA-021")
    assert messages(a, "HVA-021")["hv1"] == (
        "UEFI Secure Boot is on in the firmware, but shim's validation is disabled "
        "(MokSBStateRT = 1, mokutil --disable-validation): shim loads unsigned boot loaders "
        "and the kernel boots as without Secure Boot"
    )


def test_shim_validating_keeps_the_pass(host_scan) -> None:
    """Twin of R8H-1: no MokSBStateRT (od exits 1, no such file; the kernel: "If it fails, we
    don't care why. Default to secure.") or MokSBStateRT = 0: pass."""
    for value in (MOK_SB_STATE_ABSENT, ("   6   0   0   0   0\n", 0)):
        a = host_scan({"shim-validation": value})
        assert outcomes(a, "HVA-021") == {"hv1": "pass"}, messages(a, "HVA-021")
        assert messages(a, "HVA-021")["hv1"] == "UEFI Secure Boot enabled, shim validating"


def _scan_without(tmp_path: Path, artefact: str, host: dict[str, Any] | None = None) -> Any:
    """A replayed host (hardened unless `host`) collected by a collector that has no probe for
    `artefact` (an older hvaudit): the artefact is left out of the bundle."""
    uri = write_node(tmp_path / "node.xml", [domain_xml("web01")])
    writer = BundleWriter(
        tmp_path / "old", target="qemu+ssh://root@hv1/system", platform="kvm-libvirt"
    )
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=True).collect(writer)
    writer.meta["collector"]["libvirt"].update(simulated=False, hostname="hv1")
    HostCollector(ReplayRunner(dict(host or HARDENED_HOST))).collect(writer)
    writer.entries.pop(artefact)
    writer.files.pop(artefact, None)
    if writer.root is not None and (writer.root / artefact).exists():
        (writer.root / artefact).unlink()
    bundle = writer.close(complete=True)
    assert bundle is not None
    return run_assessment(bundle)


def test_shim_state_not_collected_is_asked(tmp_path: Path) -> None:
    """Twin of R8H-1: a bundle from a collector without the probe (no shim-validation artefact)
    shows SecureBoot = 1 but not shim's state: a question, never the pass it had."""
    a = _scan_without(tmp_path, "host/commands/shim-validation.txt")
    assert outcomes(a, "HVA-021") == {"hv1": "manual"}, messages(a, "HVA-021")
    assert messages(a, "HVA-021")["hv1"] == (
        "evidence unavailable: host/commands/shim-validation.txt was not collected"
    )


# --- HVA-220: a bond that never fails over -------------------------------------------------------


def _links(**bond_data: Any) -> str:
    """The hardened host's `ip -j -d link` with bond0's info_data as iproute2 prints it."""
    links = json.loads(IP_LINK)
    for d in links:
        if d["ifname"] == "bond0":
            d["linkinfo"]["info_data"] = {"mode": "active-backup", **bond_data}
    return json.dumps(links)


def test_bond_without_link_monitoring_is_no_redundancy(host_scan) -> None:
    """R8H-2. The kernel's Documentation/networking/bonding.rst (found with `find_string`): "It is
    critical that either the miimon or arp_interval and arp_ip_target parameters be specified,
    otherwise serious network degradation will occur during link failures"; miimon "A value of
    zero disables MII link monitoring". A bond created over netlink starts with miimon 0 unless
    it is set, and iproute2 (ip/iplink_bond.c, read with `find_string`) prints the values as
    info_data "miimon" and "arp_interval". bond0 (eno1, eno2) with both 0 never notices a dead
    member and keeps sending through it, so br0's VMs lose the network with one cable; hvaudit
    counted two members and passed. Right: fail naming the bond."""
    a = host_scan({"ip-link": (_links(miimon=0, arp_interval=0), 0)})
    assert outcomes(a, "HVA-220") == {"hv1": "fail"}, messages(a, "HVA-220")
    assert messages(a, "HVA-220")["hv1"] == (
        "VM bridge(s) without a redundant uplink: br0 (uplink bond0: miimon 0 and arp_interval "
        "0, the bond detects no link failure and never fails over)"
    )


def test_bond_with_mii_or_arp_monitoring_passes(host_scan) -> None:
    """Twin of R8H-2: miimon 100 (bonding.rst: "A value of 100 is a good starting point"), or
    ARP monitoring (arp_interval 1000 with a target) instead: pass."""
    for data in ({"miimon": 100, "arp_interval": 0}, {"miimon": 0, "arp_interval": 1000}):
        a = host_scan({"ip-link": (_links(**data), 0)})
        assert outcomes(a, "HVA-220") == {"hv1": "pass"}, messages(a, "HVA-220")
        assert messages(a, "HVA-220")["hv1"] == "1 VM bridge(s), each on a bond of two or more NICs"


# --- HVA-195: VLAN filtering of the other protocol -----------------------------------------------


def _qinq_links(extra: list[dict[str, Any]] | None = None) -> str:
    """The hardened host's links with br0 filtering VLANs of protocol 802.1ad (QinQ)."""
    links = json.loads(IP_LINK)
    for d in links:
        if d["ifname"] == "br0":
            d["linkinfo"]["info_data"] = {"vlan_filtering": 1, "vlan_protocol": "802.1ad"}
    return json.dumps(links + (extra or []))


def test_bridge_filtering_802_1ad_passes_802_1q_tags(host_scan) -> None:
    """R8H-3. `ip link set br0 type bridge vlan_filtering 1 vlan_protocol 802.1ad` (iproute2
    ip/iplink_bridge.c prints it as info_data "vlan_protocol", read with `find_string`) makes the
    bridge filter S-tags only. Linux net/bridge/br_vlan.c __allowed_ingress (read with
    `find_string`): a frame tagged with the other protocol ("Protocol-mismatch, empty out
    vlan_tci for new tag") has its tag pushed back into the payload and is taken as untagged:
    it is forwarded in the port's PVID with the guest's 802.1Q tag intact, so out of an
    untagged uplink it arrives at the switch in the VLAN the guest chose. hvaudit read
    vlan_filtering 1 and passed. Right: the plain-uplink question, as for a bridge without
    filtering."""
    a = host_scan({"ip-link": (_qinq_links(), 0)})
    assert outcomes(a, "HVA-195") == {"hv1": "manual"}, messages(a, "HVA-195")
    assert messages(a, "HVA-195")["hv1"] == (
        "VM bridge(s) without vlan_filtering on a plain uplink: br0 (uplink bond0, "
        "vlan_filtering of 802.1ad only: 802.1Q tags pass)"
    )


def test_bridge_filtering_802_1ad_on_a_trunk_fails(host_scan) -> None:
    """R8H-3 on a trunk: the uplink bond0 also carries the host's VLAN 20 (bond0.20), so it is
    a trunk and a guest's 802.1Q tag 20 reaches that VLAN through the 802.1ad bridge: fail."""
    vlan = {
        "ifindex": 8,
        "ifname": "bond0.20",
        "link": "bond0",
        "linkinfo": {"info_kind": "vlan", "info_data": {"protocol": "802.1Q", "id": 20}},
    }
    a = host_scan({"ip-link": (_qinq_links([vlan]), 0)})
    assert outcomes(a, "HVA-195") == {"hv1": "fail"}, messages(a, "HVA-195")
    assert messages(a, "HVA-195")["hv1"] == (
        "VM bridge(s) without vlan_filtering on a trunk: br0 (uplink bond0 also carries VLAN "
        "bond0.20, vlan_filtering of 802.1ad only: 802.1Q tags pass): VMs can send tagged "
        "frames into those VLANs"
    )


def test_bridge_filtering_802_1q_keeps_the_pass(host_scan) -> None:
    """Twin of R8H-3: vlan_protocol 802.1Q (the default, printed by iproute2) filters the VMs'
    tags: pass."""
    links = _qinq_links().replace('"802.1ad"', '"802.1Q"')
    a = host_scan({"ip-link": (links, 0)})
    assert outcomes(a, "HVA-195") == {"hv1": "pass"}, messages(a, "HVA-195")
    assert messages(a, "HVA-195")["hv1"] == (
        "every VM bridge with an uplink filters VLANs or carries one VLAN"
    )


# --- HVA-036: the IPv4-mapped unspecified address --------------------------------------------------

QEMU_CONF = HARDENED_HOST["/etc/libvirt/qemu.conf"]


def test_migration_address_v4_mapped_any(host_scan) -> None:
    """R8H-4. libvirt hands migration_address to QEMU as the incoming URI's host; QEMU resolves
    it with getaddrinfo, which gives "::ffff:0.0.0.0" as an AF_INET6 address, and binds a
    dual-stack socket. Linux net/ipv6/af_inet6.c __inet6_bind (read with `find_string`): for a
    v4-mapped address "Reproduce AF_INET checks": v4addr is its last 32 bits and
    `v4addr != htonl(INADDR_ANY)` is the only address not checked against the host's own, so
    the socket receives on every IPv4 address, as 0.0.0.0 does. hvaudit knew 0.0.0.0, "0", "::"
    and passed this spelling. Right: fail."""
    conf = QEMU_CONF.replace(
        'migration_address = "10.0.1.10"', 'migration_address = "::ffff:0.0.0.0"'
    )
    a = host_scan({"/etc/libvirt/qemu.conf": conf})
    assert outcomes(a, "HVA-036") == {"hv1": "fail"}, messages(a, "HVA-036")
    assert messages(a, "HVA-036")["hv1"] == (
        "migration_address = ::ffff:0.0.0.0: incoming migrations listen on every address"
    )


def test_migration_address_v4_mapped_host_address_passes(host_scan) -> None:
    """Twin of R8H-4: the mapped form of the host's migration address binds that address only."""
    conf = QEMU_CONF.replace(
        'migration_address = "10.0.1.10"', 'migration_address = "::ffff:10.0.1.10"'
    )
    a = host_scan({"/etc/libvirt/qemu.conf": conf})
    assert outcomes(a, "HVA-036") == {"hv1": "pass"}, messages(a, "HVA-036")
    assert messages(a, "HVA-036")["hv1"] == (
        "migration_address = ::ffff:10.0.1.10, migrate_tls_x509_verify = 1"
    )


# --- HVA-001: Ubuntu's hardware-enablement X server ------------------------------------------------

PACKAGES = HARDENED_HOST["dpkg-packages"][0]


def test_hwe_x_server_is_a_display_server(host_scan) -> None:
    """R8H-5. Ubuntu's hardware-enablement stack ships the Xorg server as
    xserver-xorg-core-hwe-18.04 (xorg-server's HWE binary package); moving to it removes
    xserver-xorg-core and installs the HWE package instead (xpra ticket #2190, found with
    `search`: "Requires the REMOVAL of the following packages: xserver-xorg-core-hwe-18.04 ...
    Requires the installation of the following packages: xserver-xorg-core"). dpkg lists it
    under that name, which hvaudit's list did not hold: pass "no desktop or display server".
    Right: fail naming it."""
    pkgs = PACKAGES + "xserver-xorg-core-hwe-18.04\t2:1.20.8-2ubuntu2.2~18.04.5\tii \n"
    a = host_scan({"dpkg-packages": (pkgs, 0)})
    assert outcomes(a, "HVA-001") == {"hv1": "fail"}, messages(a, "HVA-001")
    assert messages(a, "HVA-001")["hv1"] == (
        "desktop/display packages installed: xserver-xorg-core-hwe-18.04"
    )


def test_hwe_x_server_removed_keeps_the_pass(host_scan) -> None:
    """Twin of R8H-5: the HWE X server removed with its configuration kept (dpkg 'rc') is not on
    disk: pass."""
    pkgs = PACKAGES + "xserver-xorg-core-hwe-18.04\t2:1.20.8-2ubuntu2.2~18.04.5\trc \n"
    a = host_scan({"dpkg-packages": (pkgs, 0)})
    assert outcomes(a, "HVA-001") == {"hv1": "pass"}, messages(a, "HVA-001")


# --- HVA-030/034/035: a socket unit moves libvirt's TCP listener -----------------------------------

LISTENERS = HARDENED_HOST["listeners"][0]
MODULAR_UNITS = (
    "virtqemud.socket enabled enabled\nvirtproxyd.socket enabled enabled\n"
    "virtproxyd-tcp.socket disabled disabled\nvirtproxyd-tls.socket disabled disabled\n",
    0,
)
MOVED = {
    # `ss -H -t -u -l -n -p`: systemd holds the socket it passed to virtproxyd (socket activation)
    "listeners": (
        LISTENERS + "tcp   LISTEN 0      1000        0.0.0.0:16600        0.0.0.0:*    "
        'users:(("virtproxyd",pid=900,fd=3),("systemd",pid=1,fd=60))\n',
        0,
    ),
    "libvirt-socket-units": MODULAR_UNITS,
    "/etc/libvirt/virtproxyd.conf": 'auth_tcp = "none"\n',
    "processes": (
        HARDENED_HOST["processes"][0] + "  900 root     /usr/sbin/virtproxyd --timeout 120\n",
        0,
    ),
}
QUESTION_START = "Is virtproxyd on 0.0.0.0:16600 on host hv1 libvirt's TLS transport"


def test_socket_unit_moves_the_tcp_listener(host_scan) -> None:
    """R8H-6. libvirt docs/remote.rst (found with `find_string`): with socket activation "most of
    the socket related config options in /etc/libvirt/libvirtd.conf will no longer have any
    effect. To enable TCP or TLS sockets use either $ systemctl start libvirtd-tls.socket Or $
    systemctl start libvirtd-tcp.socket": the units' ListenStream= decides the port, a drop-in
    moves it, and a started unit need not be enabled (list-unit-files says disabled). Here
    virtproxyd holds 0.0.0.0:16600 and virtproxyd.conf sets auth_tcp = "none": if that is the
    -tcp unit, anyone reaching the port has the whole API. hvaudit looked for 16509/16514 only
    and passed "libvirt listens on local UNIX sockets only" (HVA-030) and said not applicable
    for HVA-034 and HVA-035. Right: each asks which unit holds the port."""
    a = host_scan(MOVED)
    for check_id in ("HVA-030", "HVA-034", "HVA-035"):
        assert outcomes(a, check_id) == {"hv1": "manual"}, (check_id, messages(a, check_id))
    msgs = {c: messages(a, c)["hv1"] for c in ("HVA-030", "HVA-034", "HVA-035")}
    moved = (
        "libvirt listens on TCP where its files name no port: virtproxyd on 0.0.0.0:16600 "
        "(a socket unit's ListenStream)"
    )
    assert msgs["HVA-030"] == moved
    assert msgs["HVA-035"] == moved + "; on the plain TCP transport tcp_min_ssf decides"
    assert msgs["HVA-034"].startswith(moved + "; were it TLS, it would admit any certificate")
    questions = {
        r.check.id: r.outcome.question
        for r in a.results
        if r.check.id in ("HVA-030", "HVA-034", "HVA-035")
    }
    # HVA-034 asks whether it is the plain TCP transport: a TLS one with these files admits
    # every certificate, so "yes, it is TLS" must not pass it (R35S-3)
    tls_q = {c: q for c, q in questions.items() if c != "HVA-034"}
    assert all(q and q.startswith(QUESTION_START) for q in tls_q.values()), questions
    assert (questions["HVA-034"] or "").startswith(
        "Is virtproxyd on 0.0.0.0:16600 on host hv1 libvirt's plain TCP transport, not its TLS one?"
    )


def test_loopback_listener_of_the_daemon_stays_local(host_scan) -> None:
    """Twin of R8H-6: the same moved unit bound to 127.0.0.1 admits only the host itself:
    HVA-030 passes as before, HVA-034/035 stay not applicable."""
    moved = dict(MOVED)
    moved["listeners"] = (MOVED["listeners"][0].replace("0.0.0.0:16600", "127.0.0.1:16600"), 0)
    a = host_scan(moved)
    assert outcomes(a, "HVA-030") == {"hv1": "pass"}, messages(a, "HVA-030")
    assert messages(a, "HVA-030")["hv1"] == "libvirt listens on local UNIX sockets only"
    assert outcomes(a, "HVA-034") == {"hv1": "not_applicable"}
    assert outcomes(a, "HVA-035") == {"hv1": "not_applicable"}


# --- HVA-140: an SSSD snippet overrides sssd.conf -----------------------------------------------

#: `grep -r -H "" /etc/sssd/conf.d` with one snippet that opens the directory domain.
PERMIT_SNIPPET = (
    "/etc/sssd/conf.d/50-helpdesk.conf:[domain/corp.example]\n"
    "/etc/sssd/conf.d/50-helpdesk.conf:access_provider = permit\n"
)


def test_sssd_snippet_opens_the_directory(host_scan) -> None:
    """R8H-7. sssd.conf(5), "CONFIGURATION SNIPPETS FROM INCLUDE DIRECTORY" (found with
    `search`): "Any file placed in conf.d that ends in ".conf" and does not begin with a dot
    (".") will be used together with sssd.conf"; "The configuration snippets from conf.d have
    higher priority than sssd.conf and will override sssd.conf when conflicts occur ... Files
    included later have higher priority" (Red Hat, "Multiple SSSD configuration files on a
    per-client basis": SSSD uses the last value read). The hardened sssd.conf says
    access_provider = ad; /etc/sssd/conf.d/50-helpdesk.conf sets access_provider = permit for
    the same domain, so every account of the directory may log in (sssd.conf(5): permit "always
    allow access"). hvaudit read sssd.conf only and passed. Right: fail, as for the same line in
    sssd.conf."""
    a = host_scan({"sssd-conf-d": (PERMIT_SNIPPET, 0)})
    assert outcomes(a, "HVA-140") == {"hv1": "fail"}, messages(a, "HVA-140")
    assert messages(a, "HVA-140")["hv1"] == (
        "2 account(s) with a login shell (limit 3): root, alice; and every account of the "
        "directory may log in: corp.example (access_provider permit)"
    )


def test_sssd_snippets_sssd_does_not_read_or_a_later_one_overrides(host_scan) -> None:
    """Twins of R8H-7: a snippet whose name begins with a dot or does not end in .conf is not
    read (sssd.conf(5)); a later snippet (90-ad.conf sorts after 50-helpdesk.conf) sets
    access_provider = ad again and wins; no conf.d at all (grep exits 2). Each keeps the pass."""
    later = (
        PERMIT_SNIPPET + "/etc/sssd/conf.d/90-ad.conf:[domain/corp.example]\n"
        "/etc/sssd/conf.d/90-ad.conf:access_provider = ad\n"
    )
    for value in (
        (PERMIT_SNIPPET.replace("50-helpdesk.conf", ".50-helpdesk.conf"), 0),
        (PERMIT_SNIPPET.replace("50-helpdesk.conf", "50-helpdesk.conf.rpmsave"), 0),
        (later, 0),
        ("", 2, "grep: /etc/sssd/conf.d: No such file or directory\n"),
    ):
        a = host_scan({"sssd-conf-d": value})
        assert outcomes(a, "HVA-140") == {"hv1": "pass"}, (value, messages(a, "HVA-140"))
        assert messages(a, "HVA-140")["hv1"] == (
            "2 account(s) with a login shell (limit 3): root, alice"
        )


def test_sssd_snippets_not_collected_are_asked(tmp_path: Path) -> None:
    """Twin of R8H-7: a bundle without the conf.d listing (an older collector) cannot tell
    whether a snippet opens the directory: a question, not the pass on sssd.conf alone."""
    a = _scan_without(tmp_path, "host/commands/sssd-conf-d.txt")
    assert outcomes(a, "HVA-140") == {"hv1": "manual"}, messages(a, "HVA-140")


def test_sssd_conf_unreadable_is_asked(host_scan) -> None:
    """R8H-8. nsswitch.conf says `passwd: files sss` and sssd runs, but /etc/sssd/sssd.conf
    could not be read (sssd.conf(5): "sssd.conf must be a regular file, owned by root and only
    root may read from or write to the file": a scan without root gets permission denied).
    Whether SSSD's directory accounts may log in (access_provider, default permit) is then
    unknown, and HVA-140 passed on the two local accounts. Right: a question (never a pass on
    evidence not read)."""
    a = host_scan({"/etc/sssd/sssd.conf": OSError("Permission denied")})
    assert outcomes(a, "HVA-140") == {"hv1": "manual"}, messages(a, "HVA-140")
    assert messages(a, "HVA-140")["hv1"] == (
        "evidence unavailable: nsswitch passwd names sss, but /etc/sssd/sssd.conf was not read, "
        "so whether SSSD answers from a directory or from the local files is unknown"
    )


def test_management_vlan_interface_of_an_802_1ad_bridge(host_scan) -> None:
    """R8H-3 on HVA-211: the management address 10.0.0.10 is on br0.10, an 802.1Q interface of
    br0, whose vlan_filtering is of protocol 802.1ad. A guest's frame tagged 802.1Q 10 is taken
    as untagged (br_vlan.c __allowed_ingress, "Protocol-mismatch"), forwarded in its PVID to
    the bridge's own port with the tag in it, and there it is VLAN 10's: the guest reaches
    the management address. hvaudit asked whether the VM ports' VLANs keep it out ("vlan_filtering
    on"); right: fail, as for a bridge without filtering."""
    links = json.loads(_qinq_links())
    links.append(
        {
            "ifindex": 9,
            "ifname": "br0.10",
            "link": "br0",
            "linkinfo": {"info_kind": "vlan", "info_data": {"protocol": "802.1Q", "id": 10}},
        }
    )
    addrs = json.loads(IP_ADDR)
    for d in addrs:
        if d["ifname"] == "eno3":
            d["addr_info"] = []
    addrs.append(
        {
            "ifname": "br0.10",
            "addr_info": [{"family": "inet", "local": "10.0.0.10", "scope": "global"}],
        }
    )
    a = host_scan({"ip-link": (json.dumps(links), 0), "ip-addr": (json.dumps(addrs), 0)})
    assert outcomes(a, "HVA-211") == {"hv1": "fail"}, messages(a, "HVA-211")
    assert messages(a, "HVA-211")["hv1"] == (
        "host address on bridge(s) with VM ports: br0.10 (10.0.0.10; a VLAN interface of br0, "
        "which forwards every 802.1Q tag: vlan_filtering of 802.1ad only)"
    )


# --- HVA-220: a bond member that is down -----------------------------------------------------------


def _links_with_down_member() -> str:
    """The hardened host's links as `ip -j -d link` prints them with operstate and flags: eno2's
    cable is unplugged (NO-CARRIER, operstate DOWN), the rest up."""
    links = json.loads(_links(miimon=100, arp_interval=0))
    for d in links:
        up = d["ifname"] != "eno2"
        d["operstate"] = "UP" if up else "DOWN"
        d["flags"] = (
            ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"]
            if up
            else ["NO-CARRIER", "BROADCAST", "MULTICAST", "SLAVE", "UP"]
        )
    return json.dumps(links)


def test_bond_with_a_member_down_is_one_nic(host_scan) -> None:
    """R8H-9. The kernel's Documentation/networking/operstates.rst: operstate DOWN "Interface is
    unable to transfer data on L1, f.e. ethernet is not plugged or interface is ADMIN down";
    iproute2 prints it as "operstate" with the NO-CARRIER flag. bond0 has two members, but eno2
    is down, so br0's VMs reach the network through eno1 alone: one more failure and they are
    cut off. hvaudit counted the members and passed. Right: fail naming the member."""
    a = host_scan({"ip-link": (_links_with_down_member(), 0)})
    assert outcomes(a, "HVA-220") == {"hv1": "fail"}, messages(a, "HVA-220")
    assert messages(a, "HVA-220")["hv1"] == (
        "VM bridge(s) without a redundant uplink: br0 (uplink bond0: member(s) eno2 down, 1 "
        "working)"
    )


def test_bond_with_every_member_up_passes(host_scan) -> None:
    """Twin of R8H-9: the same listing with eno2 up: pass."""
    links = _links_with_down_member().replace('"DOWN"', '"UP"').replace('"NO-CARRIER", ', "")
    a = host_scan({"ip-link": (links, 0)})
    assert outcomes(a, "HVA-220") == {"hv1": "pass"}, messages(a, "HVA-220")
    assert messages(a, "HVA-220")["hv1"] == "1 VM bridge(s), each on a bond of two or more NICs"


# --- HVA-210: a listener on the v4-mapped unspecified address --------------------------------------


def test_qemu_listener_on_the_v4_mapped_any_address(host_scan) -> None:
    """R8H-10, twin of R8H-4 on the listeners. QEMU's incoming migration (migration_address =
    "::ffff:0.0.0.0") listens on an IPv6 socket bound to the v4-mapped unspecified address;
    `ss -H -t -l -n -p` prints it as [::ffff:0.0.0.0]:49152 (inet_ntop of the socket's IPv6
    address), and it receives on every IPv4 address of the host (net/ipv6/af_inet6.c
    __inet6_bind: a mapped INADDR_ANY is accepted as on an IPv4 socket). hvaudit knew "*",
    0.0.0.0, [::] and :: as every address and passed "none on a wildcard address". Right:
    fail naming QEMU's listener."""
    listeners = HARDENED_HOST["listeners"][0] + (
        "tcp   LISTEN 0      1      [::ffff:0.0.0.0]:49152        *:*    "
        'users:(("qemu-system-x86",pid=1200,fd=40))\n'
    )
    a = host_scan({"listeners": (listeners, 0)})
    assert outcomes(a, "HVA-210") == {"hv1": "fail"}, messages(a, "HVA-210")
    assert messages(a, "HVA-210")["hv1"] == (
        "listening on all addresses: qemu-system-x86 (tcp/49152)"
    )


# --- HVA-020: a TPM 2.0 under a kernel older than tpm_version_major -------------------------------

NO_VERSION_FILE = {"/sys/class/tpm/tpm0/tpm_version_major": None}


def test_tpm2_on_a_kernel_without_the_version_file(host_scan) -> None:
    """R8H-11 (a wrong fail on a hardened host). /sys/class/tpm/tpm0/tpm_version_major came with
    Linux 5.6 ("tpm: Add tpm_version_major sysfs file", Jan 2020, found with `find_string`); a
    host on an older kernel (Debian 10's 4.19, Proxmox VE 6's 5.4) with a TPM 2.0 has no such
    file, and hvaudit failed "no TPM visible to the kernel". The kernel shows the chip as
    /dev/tpm0 and, for a TPM 2.0 only, /dev/tpmrm0 (drivers/char/tpm/tpm-chip.c
    tpm_add_char_device: the resource manager's device is added "if (chip->flags &
    TPM_CHIP_FLAG_TPM2)", read with `find_string`). Right: pass, TPM 2.0."""
    a = host_scan({**NO_VERSION_FILE, "tpm-devices": ("/dev/tpm0\n/dev/tpmrm0\n", 0)})
    assert outcomes(a, "HVA-020") == {"hv1": "pass"}, messages(a, "HVA-020")
    assert messages(a, "HVA-020")["hv1"] == "TPM 2.0 present"


def test_tpm_of_unknown_version_is_asked(host_scan) -> None:
    """R8H-11, second half: /dev/tpm0 without /dev/tpmrm0 and no version file is a TPM 1.2 or a
    kernel older than 4.12: the TPM exists, its version is the question (not "no TPM")."""
    a = host_scan(
        {
            **NO_VERSION_FILE,
            "tpm-devices": (
                "/dev/tpm0\n",
                2,
                "ls: cannot access '/dev/tpmrm0': No such file or directory\n",
            ),
        }
    )
    assert outcomes(a, "HVA-020") == {"hv1": "manual"}, messages(a, "HVA-020")
    assert messages(a, "HVA-020")["hv1"] == (
        "evidence unavailable: a TPM is present (/dev/tpm0) but the kernel reports no version: "
        "no tpm_version_major (Linux < 5.6) and no /dev/tpmrm0 (a TPM 1.2, or Linux < 4.12)"
    )


def test_no_tpm_device_keeps_the_fail(host_scan) -> None:
    """Twin of R8H-11: neither the file nor a TPM device: no TPM, fail as before."""
    a = host_scan(
        {**NO_VERSION_FILE, "tpm-devices": ("", 2, "ls: cannot access '/dev/tpm0': No such file\n")}
    )
    assert outcomes(a, "HVA-020") == {"hv1": "fail"}, messages(a, "HVA-020")
    assert messages(a, "HVA-020")["hv1"] == "no TPM visible to the kernel"


# --- HVA-201: auditd that keeps nothing ---------------------------------------------------------

#: Debian's stock auditd.conf head with write_logs switched off.
AUDITD_NO_LOGS = (
    "#\n# This file controls the configuration of the audit daemon\n#\n\nlocal_events = yes\n"
    "write_logs = no\nlog_file = /var/log/audit/audit.log\nlog_group = adm\n"
)


def test_auditd_that_writes_no_log(host_scan) -> None:
    """R8H-12. auditd.conf(5) (found with `search`): "write_logs: This yes/no keyword determines
    whether or not to write logs to the disk. Normally you want this so the default is yes";
    "All option names and values are case insensitive". With write_logs = no, and no dispatcher
    plugin active (auditd-plugins(5): a plugins.d file with `active = yes`), auditd receives
    libvirt's VIRT_* records and keeps none. hvaudit saw audit_level 2 and auditd running and
    passed. Right: fail."""
    a = host_scan({"/etc/audit/auditd.conf": AUDITD_NO_LOGS})
    assert outcomes(a, "HVA-201") == {"hv1": "fail"}, messages(a, "HVA-201")
    assert messages(a, "HVA-201")["hv1"] == (
        "audit_level = 2, auditd running, but it writes no log (write_logs = no) and no "
        "dispatcher plugin is active: libvirt's records are discarded"
    )


def test_auditd_without_a_log_but_with_a_plugin_is_asked(host_scan) -> None:
    """Twin of R8H-12: write_logs = no with the syslog plugin active (au-remote inactive): the
    records go where that plugin sends them: a question naming it."""
    plugins = (
        "/etc/audit/plugins.d/syslog.conf:active = yes\n"
        "/etc/audit/plugins.d/syslog.conf:path = /sbin/audisp-syslog\n"
        "/etc/audit/plugins.d/au-remote.conf:active = no\n",
        0,
    )
    a = host_scan({"/etc/audit/auditd.conf": AUDITD_NO_LOGS, "audit-plugins": plugins})
    assert outcomes(a, "HVA-201") == {"hv1": "manual"}, messages(a, "HVA-201")
    assert messages(a, "HVA-201")["hv1"] == (
        "audit_level = 2, auditd running, but it writes no log (write_logs = no); only its "
        "active plugin(s) syslog receive the records"
    )


def test_auditd_writing_its_log_passes(host_scan) -> None:
    """Twin of R8H-12: write_logs = YES (values are case insensitive), or no auditd.conf (the
    default yes): pass."""
    for conf in (AUDITD_NO_LOGS.replace("write_logs = no", "write_logs = YES"), None):
        a = host_scan({"/etc/audit/auditd.conf": conf})
        assert outcomes(a, "HVA-201") == {"hv1": "pass"}, messages(a, "HVA-201")
        assert messages(a, "HVA-201")["hv1"] == "audit_level = 2, auditd running"
