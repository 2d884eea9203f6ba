"""Session 10 leads (leads10): one route_localnet rule for every check that credits "loopback
only", and the VM leads left open by the red-team rounds.

route_localnet (hvaudit.checks._loopback): Linux Documentation/networking/ip-sysctl.rst
(read with `find_string`), "route_localnet - BOOLEAN: Do not consider loopback addresses as
martian source or destination while routing. This enables the use of 127/8 for local routing
purposes. default FALSE"; kube-proxy's route_localnet = 1 let neighbours reach services on
127.0.0.1 (CVE-2020-8558, kubernetes issues 90259 and 92315, read with `search`). The rule: read
as 1 on an interface, IPv4 loopback is on the network; read as 0, local; the probe ran and did
not answer, the host's question; not collectable (simulated host, a bundle older than the
probe), the kernel's default, said in the message.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import (
    HARDENED_HOST,
    build_bundle,
    domain_xml,
    messages,
    outcomes,
    run_assessment,
    write_node,
)
from hvaudit.collect.host import command_artefact

ROUTED_BR0 = (
    "/proc/sys/net/ipv4/conf/all/route_localnet:0\n/proc/sys/net/ipv4/conf/br0/route_localnet:1\n",
    0,
)
#: the probe ran and grep could not read the files (its error is in the bundle)
UNREAD = ("", 2, "grep: /proc/sys/net/ipv4/conf: Permission denied\n")
ASSUMED = "127/8 taken as local: route_localnet not read, the kernel's default is 0"
WHY = (
    "whether the kernel routes 127/8 from the network is not known "
    "(net.ipv4.conf.*.route_localnet was not read (exited 2))"
)
QUESTION = (
    "Is net.ipv4.conf.IFACE.route_localnet 0 for `all` and every interface of this host, now "
    "and from the next boot? Evidence: `grep -r . /proc/sys/net/ipv4/conf/*/route_localnet` and "
    "`systemd-sysctl --cat-config | grep route_localnet` (sysctl.d, which systemd-sysctl applies "
    "at every boot). Pass: 0 everywhere and no sysctl.d line sets 1 (127/8 stays local); fail: "
    "1 on `all` or an interface, now or from sysctl.d, so its neighbours reach what listens on "
    "127/8."
)
PROCS = HARDENED_HOST["processes"][0]
VNC_127 = (
    "<graphics type='vnc' port='5901' autoport='no' listen='127.0.0.1' passwd='x'>"
    "<listen type='address' address='127.0.0.1'/></graphics>"
)


def _question(a, check: str, subject: str) -> str:
    return next(
        str(r.outcome.question)
        for r in a.results
        if r.check.id == check and r.outcome.subject.name == subject
    )


@pytest.fixture
def older_bundle_scan(tmp_path: Path):
    """host_scan with the route-localnet artefact taken out of the bundle: a bundle written
    by a collector older than the probe (the collector of this version always records it,
    answered or not)."""

    def scan(
        overrides: dict[str, Any],
        domains: tuple[str, ...] = (),
        gone: str = command_artefact("route-localnet"),
    ) -> Any:
        stamp = time.monotonic_ns()
        uri = write_node(tmp_path / f"node-{stamp}.xml", domains or [domain_xml("web01")], ())
        bundle = build_bundle(tmp_path, uri, {**HARDENED_HOST, **overrides}, name=f"b-{stamp}")
        manifest = json.loads((bundle / "manifest.json").read_text())
        before = len(manifest["artefacts"])
        manifest["artefacts"] = [e for e in manifest["artefacts"] if e["path"] != gone]
        assert len(manifest["artefacts"]) == before - 1
        (bundle / gone).unlink(missing_ok=True)
        (bundle / "manifest.json").write_text(json.dumps(manifest))
        return run_assessment(bundle)

    return scan


def test_loopback_console_with_route_localnet_unread_is_asked(host_scan) -> None:
    """HVA-031 passed a VNC console on 127.0.0.1 ("console(s) reachable only from the host")
    where the route_localnet probe ran and failed: a pass on a setting that was not read.
    Right: the host's question, as HVA-033 asks it."""
    a = host_scan(
        {"route-localnet": UNREAD},
        domains=[domain_xml("loopvm", body=f"<devices>{VNC_127}</devices>")],
    )
    assert (outcomes(a, "HVA-031")["loopvm"], messages(a, "HVA-031")["loopvm"]) == (
        "manual",
        f"console(s) or socket(s) on 127.0.0.1: {WHY}",
    )
    assert _question(a, "HVA-031", "loopvm") == QUESTION.replace("this host", "host hv1")


def test_loopback_console_with_route_localnet_uncollected_names_the_default(
    older_bundle_scan,
) -> None:
    """A bundle without the route-localnet artefact (made before the probe existed): the
    kernel's default (0) is taken, and the pass says so (was silent)."""
    a = older_bundle_scan({}, domains=(domain_xml("loopvm", body=f"<devices>{VNC_127}</devices>"),))
    assert (outcomes(a, "HVA-031")["loopvm"], messages(a, "HVA-031")["loopvm"]) == (
        "pass",
        f"console(s) reachable only from the host ({ASSUMED})",
    )


QEMU_VNC_127 = (
    HARDENED_HOST["listeners"][0]
    + "tcp   LISTEN 0      1          127.0.0.1:5900      0.0.0.0:*    "
    'users:(("qemu-system-x86",pid=1200,fd=20))\n',
    0,
)


def test_management_listener_on_loopback_with_route_localnet_unread_is_asked(
    host_scan, older_bundle_scan
) -> None:
    """HVA-210 passed QEMU's VNC server on 127.0.0.1:5900 where the probe failed (R9H-7 fixed
    only the read case). Right: the host's question; uncollected, the pass names the default."""
    a = host_scan({"listeners": QEMU_VNC_127, "route-localnet": UNREAD})
    assert (outcomes(a, "HVA-210")["hv1"], messages(a, "HVA-210")["hv1"]) == (
        "manual",
        f"listening on 127/8: qemu-system-x86 (tcp/5900) on 127.0.0.1; {WHY}",
    )
    assert _question(a, "HVA-210", "hv1") == QUESTION
    b = older_bundle_scan({"listeners": QEMU_VNC_127})
    assert (outcomes(b, "HVA-210")["hv1"], messages(b, "HVA-210")["hv1"]) == (
        "pass",
        "1 management listener(s), none on a wildcard address; "
        f"{ASSUMED}: qemu-system-x86 (tcp/5900) on 127.0.0.1",
    )


REDIS_127 = (
    HARDENED_HOST["listeners"][0]
    + "tcp   LISTEN 0      511        127.0.0.1:6379      0.0.0.0:*    "
    'users:(("redis-server",pid=900,fd=6))\n',
    0,
)


def test_unapproved_loopback_listener_in_an_older_bundle_rests_on_the_default(
    older_bundle_scan,
) -> None:
    """HVA-033 asked when route_localnet was not in the bundle at all (a collector older than
    the probe), where HVA-031 and HVA-210 passed on the kernel's default: one rule now, the
    default named in the pass. (The probe failing still asks: test_redteam9_host_probes.)"""
    a = older_bundle_scan({"listeners": REDIS_127})
    assert (outcomes(a, "HVA-033")["hv1"], messages(a, "HVA-033")["hv1"]) == (
        "pass",
        f"1 non-loopback listener(s), all approved; {ASSUMED}: redis-server (tcp/6379)",
    )


RELAY_127 = {
    "processes": (
        PROCS + "  991 root     /usr/bin/socat TCP-LISTEN:16600,bind=127.0.0.1,fork "
        "UNIX-CONNECT:/run/libvirt/libvirt-sock\n",
        0,
    ),
    "listeners": (
        HARDENED_HOST["listeners"][0]
        + "tcp   LISTEN 0      5          127.0.0.1:16600        0.0.0.0:*    "
        'users:(("socat",pid=991,fd=5))\n',
        0,
    ),
}


def test_loopback_relay_of_the_api_with_route_localnet_is_on_the_network(host_scan) -> None:
    """HVA-030 passed "libvirt listens on local UNIX sockets only" while socat relayed
    libvirt-sock onto 127.0.0.1:16600 and route_localnet = 1 on br0: br0's neighbours reach the
    port, and with it the socket's full API. Right: fail naming the relay and br0; the probe
    failing, the host's question."""
    a = host_scan({**RELAY_127, "route-localnet": ROUTED_BR0})
    assert (outcomes(a, "HVA-030")["hv1"], messages(a, "HVA-030")["hv1"]) == (
        "fail",
        "socat (pid 991) relays /run/libvirt/libvirt-sock onto TCP 127.0.0.1:16600, on 127/8 "
        "that route_localnet = 1 on br0 opens to the network: libvirt's full API without "
        "authentication or encryption",
    )
    b = host_scan({**RELAY_127, "route-localnet": UNREAD})
    assert (outcomes(b, "HVA-030")["hv1"], messages(b, "HVA-030")["hv1"]) == (
        "manual",
        "socat (pid 991) relays /run/libvirt/libvirt-sock onto TCP 127.0.0.1:16600; " + WHY,
    )
    c = host_scan(RELAY_127)
    assert (outcomes(c, "HVA-030")["hv1"], messages(c, "HVA-030")["hv1"]) == (
        "pass",
        "libvirt listens on local UNIX sockets only",
    )


def _migration_on(addr: str) -> dict[str, object]:
    conf = HARDENED_HOST["/etc/libvirt/qemu.conf"].replace(
        'migration_address = "10.0.1.10"', f'migration_address = "{addr}"'
    )
    assert f'"{addr}"' in conf
    return {"/etc/libvirt/qemu.conf": conf}


def test_loopback_migration_address_with_route_localnet(host_scan) -> None:
    """HVA-036 passed "migration_address = loopback" with route_localnet = 1 on br0: an
    incoming migration's port on 127.0.0.1 is open to br0's network. Right: fail; the probe
    failing, the question; read as 0, the pass as before."""
    a = host_scan({**_migration_on("127.0.0.2"), "route-localnet": ROUTED_BR0})
    assert (outcomes(a, "HVA-036")["hv1"], messages(a, "HVA-036")["hv1"]) == (
        "fail",
        "migration_address = 127.0.0.2: route_localnet = 1 on br0 opens 127/8 to the network",
    )
    b = host_scan({**_migration_on("127.0.0.2"), "route-localnet": UNREAD})
    assert (outcomes(b, "HVA-036")["hv1"], messages(b, "HVA-036")["hv1"]) == (
        "manual",
        f"migration_address = 127.0.0.2; {WHY}",
    )
    c = host_scan(_migration_on("127.0.0.2"))
    assert (outcomes(c, "HVA-036")["hv1"], messages(c, "HVA-036")["hv1"]) == (
        "pass",
        "migration_address = loopback, migrate_tls_x509_verify = 1",
    )


# --- HVA-051: relaxed_acs_check acts on legacy KVM assignment only ------------------------------


def _hostdev(driver: str) -> str:
    return (
        "<devices><hostdev mode='subsystem' type='pci' managed='yes'>"
        f"{driver}<source><address domain='0x0000' bus='0x03' slot='0x00' function='0x0'/>"
        "</source></hostdev></devices>"
    )


def test_relaxed_acs_check_matters_only_for_legacy_kvm_assignment(host_scan) -> None:
    """qemu.conf.in: "By default, PCI devices below non-ACS switch are not allowed to be
    assigned to guests. By setting relaxed_acs_check to 1 such devices will be allowed";
    libvirt's virhostdev.c virHostdevPreparePCIDevicesImpl makes that check only `if
    (!usesVFIO && !virPCIDeviceIsAssignable(pci, strict_acs_check))` (read with
    `find_string`), and current qemu_hostdev.c refuses the other backend ("host doesn't
    support legacy PCI passthrough"). hvaudit failed relaxed_acs_check = 1 on a host whose only
    passthrough is VFIO: a wrong fail. Right: a pass naming why; a <driver name='kvm'/> device
    keeps the fail."""
    conf = {
        "/etc/libvirt/qemu.conf": HARDENED_HOST["/etc/libvirt/qemu.conf"]
        + "relaxed_acs_check = 1\n"
    }
    a = host_scan(conf, domains=[domain_xml("gpu", body=_hostdev("<driver name='vfio'/>"))])
    assert (outcomes(a, "HVA-051")["hv1"], messages(a, "HVA-051")["hv1"]) == (
        "pass",
        "relaxed_acs_check = 1, but no VM assigns a PCI device by legacy KVM assignment "
        "(driver name='kvm'), the only assignment libvirt checks ACS for: VFIO devices are "
        "isolated by IOMMU group",
    )
    b = host_scan(conf, domains=[domain_xml("gpu", body=_hostdev("<driver name='kvm'/>"))])
    assert (outcomes(b, "HVA-051")["hv1"], messages(b, "HVA-051")["hv1"]) == (
        "fail",
        "relaxed_acs_check = 1 and legacy KVM assignment (driver name='kvm') of pci "
        "0000:03:00.0 to gpu: libvirt assigns it below a PCIe switch without ACS",
    )


# --- HVA-066: the template seeds the variable store; the store decides -------------------------


def test_secure_boot_template_is_not_the_variable_store(host_scan) -> None:
    """libvirt kbase "Secure Boot" (read with `find_string`), "Changing an existing VM": "Once
    the VM has been created, updating the XML configuration as described above is **not**
    enough to change the Secure Boot status: the NVRAM file associated with the VM has to be
    regenerated from its template as well" (virsh start --reset-nvram); Proxmox VE qm.conf(5)
    pre-enrolled-keys: "this will enable Secure Boot by default, though it can still be turned
    off from within the VM". hvaudit passed a definition asking for enrolled keys, which is
    only the template its store was created from: a VM defined without keys and edited since
    (hvaudit's own remediation) boots with Secure Boot off. Right: the question of the store."""
    a = host_scan(
        domains=[
            domain_xml(
                "sbvm",
                dtype="kvm",
                body="<os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type><firmware>"
                "<feature enabled='yes' name='secure-boot'/>"
                "<feature enabled='yes' name='enrolled-keys'/></firmware></os>"
                "<features><smm state='on'/></features>",
            )
        ]
    )
    assert (outcomes(a, "HVA-066")["sbvm"], messages(a, "HVA-066")["sbvm"]) == (
        "manual",
        "UEFI Secure Boot with enrolled keys (firmware features secure-boot and enrolled-keys); "
        "the VM's variable store was created from the template they select, whether Secure "
        "Boot is on now is in the store",
    )
    assert _question(a, "HVA-066", "sbvm") == (
        "Does the UEFI variable store of VM sbvm hold enrolled keys with Secure Boot on now? "
        "Evidence: `mokutil --sb-state` in the guest, or the store on the host (`virt-fw-vars "
        "--input <its NVRAM file or efidisk> --print`: PK enrolled, SecureBootEnable set). "
        "Pass: Secure Boot enabled with the template's keys; fail: disabled or no PK (a store "
        "created before the definition asked for enrolled keys keeps its old variables, and "
        "the guest can turn Secure Boot off)."
    )


# --- HVA-054: host-cpu is a host-passthrough CPU -------------------------------------------------


def test_host_cpu_taint_is_the_host_passthrough_cpu(host_scan) -> None:
    """libvirt qemu_domain.c qemuDomainObjCheckTaint (read with `find_string`): `if
    (obj->def->cpu && obj->def->cpu->mode == VIR_CPU_MODE_HOST_PASSTHROUGH)
    qemuDomainObjTaint(driver, obj, VIR_DOMAIN_TAINT_HOST_CPU, ...)`, domain_conf.h "Host CPU
    passthrough in use" (newer: "... after migration"): the flag is the CPU mode itself, a
    statement about migrating the guest to other hardware, not a weakened isolation. hvaudit
    failed 'tainted (current run): host-cpu'. Right: named as HVA-049's (what a
    host-passthrough CPU exposes, VT-x/AMD-V for nesting), not failed a second time."""
    logs = (
        "/var/log/libvirt/qemu/web01.log:2024-11-27 04:00:00.000+0000: starting up libvirt\n"
        "/var/log/libvirt/qemu/web01.log:2024-11-27 04:00:01.000+0000: Domain id=1 is tainted: "
        "host-cpu\n",
        0,
    )
    a = host_scan(
        {"qemu-logs": logs},
        domains=[domain_xml("web01", body="<cpu mode='host-passthrough'/>")],
    )
    assert (outcomes(a, "HVA-054")["web01"], messages(a, "HVA-054")["web01"]) == (
        "pass",
        "no taint of its own in the current run's log; host-cpu (judged by HVA-049)",
    )


# --- HVA-056: -set retyping libvirt's own tpmdev --------------------------------------------------


def test_set_retyping_libvirts_tpmdev_to_passthrough(tmp_path: Path) -> None:
    """QEMU system/vl.c qemu_set_option (`-set group.id.arg=value`) changes a parameter of a
    QemuOpts option given earlier; libvirt starts an emulated TPM as `-tpmdev
    emulator,id=tpm-tpm0,chardev=chrtpm` (its generated command lines, read with
    `find_string`) and puts <qemu:commandline> arguments after its own. `-set
    tpmdev.tpm-tpm0.type=passthrough` so hands the guest the host's TPM while the XML shows
    the emulator: hvaudit passed "TPM backend(s): emulator". Right: fail naming the -set."""
    from test_redteam3_vm_probes import QEMU_NS, replayed_domains, verdict

    xml = (
        f"<domain type='kvm' xmlns:qemu='{QEMU_NS}'><name>tpmset</name>"
        "<uuid>6a2f1c2e-0000-4000-8000-00000010a056</uuid><memory unit='MiB'>512</memory>"
        "<vcpu>1</vcpu><os><type arch='x86_64' machine='pc-q35-8.2'>hvm</type></os>"
        "<devices><tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm></devices>"
        "<qemu:commandline><qemu:arg value='-set'/>"
        "<qemu:arg value='tpmdev.tpm-tpm0.type=passthrough'/></qemu:commandline></domain>"
    )
    a = run_assessment(replayed_domains(tmp_path, {"tpmset": xml}))
    assert verdict(a, "HVA-056", "tpmset") == (
        "fail",
        "QEMU argument -set tpmdev.tpm-tpm0.type=passthrough: it turns the TPM backend libvirt "
        "starts (-tpmdev ...,id=tpm-ALIAS) into passthrough, so the guest owns the host's TPM",
    )


# --- HVA-161: one login account whose primary group is a shared one ------------------------------


def test_allow_groups_primary_group_of_the_only_account_is_asked(host_scan) -> None:
    """R9H-3 fails AllowGroups naming the primary group of every local login account, from two
    accounts on. With one (alice, gid 100, group `users`), sshd admits her through her primary
    group (OpenSSH groupaccess.c ga_init: getgrouplist(user, pw_gid)), and useradd(8) gives
    the next account "a user group with the same name as the user" only with USERGROUPS_ENAB
    yes, else the GROUP of /etc/default/useradd, 100 by default (read with `find_string`):
    whether `AllowGroups users` names alice or everyone to come is in files hvaudit does not
    read. hvaudit passed "allowgroups users". Right: the question; a group named as the
    account (its own) keeps the pass."""
    from test_redteam9_host_probes import _allow_groups

    one = {
        "/etc/passwd": "root:x:0:0:root:/root:/bin/bash\n"
        "alice:x:1000:100:Alice Admin:/home/alice:/bin/bash\n",
        "/etc/group": "root:x:0:\nusers:x:100:\nalice:x:1000:\n",
    }
    a = host_scan({**_allow_groups("users"), **one})
    assert (outcomes(a, "HVA-161")["hv1"], messages(a, "HVA-161")["hv1"]) == (
        "manual",
        "AllowGroups users: users (gid 100) is the primary group of the only local login "
        "account of uid 1000 and up (alice), not a group of its own: useradd gives it to "
        "accounts created later where USERGROUPS_ENAB is no",
    )
    assert _question(a, "HVA-161", "hv1") == (
        "Does useradd on host hv1 give each new account a group of its own? Evidence: "
        "USERGROUPS_ENAB in /etc/login.defs and GROUP in /etc/default/useradd. Pass: "
        "USERGROUPS_ENAB yes, or GROUP is not 100; fail: USERGROUPS_ENAB no and GROUP is 100 "
        "or unset (100 by default), so AllowGroups users admits every account created later."
    )
    own = {**one, "/etc/passwd": one["/etc/passwd"].replace(":1000:100:", ":1000:1000:")}
    b = host_scan({**_allow_groups("alice"), **own})
    assert (outcomes(b, "HVA-161")["hv1"], messages(b, "HVA-161")["hv1"]) == (
        "pass",
        "allowgroups alice",
    )


# --- HVA-151: an OTP module hvaudit judges beside one whose verdict is in an unread file ---------


def test_otp_alternatives_one_resting_on_an_unread_file_is_asked(host_scan) -> None:
    """pam.conf(5): `[success=1 default=ignore]` skips the next rule when the module succeeds.
    After common-auth (pam_unix), pam_google_authenticator's success skips pam_duo; its failure
    leaves pam_duo required: a run with a wrong or missing TOTP code passes on pam_duo alone,
    whose failmode "safe" (allow access when Duo cannot be reached, pam_duo(8)) is in
    /etc/duo/pam_duo.conf, not collected. hvaudit asked only when every OTP module was such a
    one, and passed this stack "PAM requires ... pam_duo/pam_google_authenticator (otp)".
    Right: the question, as for pam_duo alone."""
    from test_checks_host import SSHD_KBD_ONLY

    a = host_scan(
        {
            "sshd-effective": (SSHD_KBD_ONLY, 0),
            "/etc/pam.d/sshd": "@include common-auth\n"
            "auth [success=1 default=ignore] pam_google_authenticator.so\n"
            "auth required pam_duo.so\n",
        }
    )
    assert (outcomes(a, "HVA-151")["hv1"], messages(a, "HVA-151")["hv1"]) == (
        "manual",
        "evidence unavailable: the second factor rests on pam_duo, whose /etc/duo/pam_duo.conf "
        '(unread, or with groups or conf= limiting it) decides failmode, default "safe": allow access when Duo cannot be '
        "reached, and groups, who is asked at all (pam_duo(8)) (on the runs that pass without "
        "pam_google_authenticator)",
    )
    # both required one after the other: pam_google_authenticator proves the code on every run
    b = host_scan(
        {
            "sshd-effective": (SSHD_KBD_ONLY, 0),
            "/etc/pam.d/sshd": "@include common-auth\n"
            "auth required pam_google_authenticator.so\nauth required pam_duo.so\n",
        }
    )
    assert outcomes(b, "HVA-151")["hv1"] == "pass", messages(b, "HVA-151")


# --- HVA-190: ipsets of an address and a port, interface or second address ----------------------


def test_ipset_of_address_and_port_or_interface_is_read(host_scan) -> None:
    """ipset(8) SET TYPES: hash:net,port stores "IP network address, protocol and port" and
    hash:net,iface "IP network address and interface name pairs" (read with `find_string`);
    an element is `ADDRESS,PORT` / `ADDRESS,IFACE`, and `--match-set NAME src,dst` /
    `src,src` gives a flag per dimension (iptables-extensions(8) set). A packet matches only
    where its source is a member's address, so 10.0.0.0/24 bounds the accept: the drop policy
    decides (was a question "a set type hvaudit does not read"). A set whose addresses cover
    every source stays that question: its port or interface may narrow it."""
    from test_network_leads import IPT_ASK, IPT_PASS, _ipt_lists

    by_port = (
        "create admins hash:net,port family inet hashsize 1024 maxelem 65536\n"
        "add admins 10.0.0.0/24,tcp:22\n"
    )
    rule = "-A INPUT -m set --match-set admins src,dst -j ACCEPT\n"
    assert _ipt_lists(host_scan, rule, by_port) == IPT_PASS
    by_iface = (
        "create admins hash:net,iface family inet hashsize 1024 maxelem 65536\n"
        "add admins 10.0.0.0/24,eth0\n"
    )
    rule = "-A INPUT -m set --match-set admins src,src -j ACCEPT\n"
    assert _ipt_lists(host_scan, rule, by_iface) == IPT_PASS
    wide = (
        "create admins hash:net,iface family inet hashsize 1024 maxelem 65536\n"
        "add admins 0.0.0.0/1,eth0\nadd admins 128.0.0.0/1,eth0\n"
    )
    assert _ipt_lists(host_scan, rule, wide) == (
        "manual",
        IPT_ASK + "-A INPUT -m set --match-set admins src,src -j ACCEPT (under ipset admins "
        "(hash:net,iface, src,src), a set type hvaudit does not read)",
    )


# --- HVA-230: a slot split x8x8 gives one card two root ports ------------------------------------


def test_bond_members_below_two_root_ports_of_one_slot_are_asked(host_scan) -> None:
    """A card of two controllers without a switch of its own in a x16 slot the firmware splits
    x8x8 (bifurcation) shows them below two root ports, 0000:00:01.0 and 0000:00:01.1: hvaudit
    passed "members on different adapters". Linux drivers/pci/slot.c: /sys/bus/pci/slots/<name>/address
    names what each physical slot holds (drivers/pci/slot.c address_read_file,
    domain:bus:device), and a slot number the firmware gives twice is registered as "<n>-1"
    (make_slot_name: `sprintf(new_name, "%s-%d", name, dup++)`, read with `find_string`): both
    controllers in slot 2. Two cards the firmware numbers alike look the same: a question.
    Slots 2 and 3 keep the pass."""
    from conftest import IP_LINK
    from test_redteam9_host_probes import _net_devices

    links = IP_LINK.replace('"0000:3b:00.0"', '"0000:01:00.0"').replace(
        '"0000:5e:00.0"', '"0000:02:00.0"'
    )
    paths = _net_devices(
        "pci0000:00/0000:00:01.0/0000:01:00.0", "pci0000:00/0000:00:01.1/0000:02:00.0"
    )
    slots = (
        "/sys/bus/pci/slots/2/address:0000:01:00\n/sys/bus/pci/slots/2-1/address:0000:02:00\n",
        0,
    )
    a = host_scan({"ip-link": (links, 0), "net-devices": paths, "pci-slots": slots})
    assert (outcomes(a, "HVA-230")["hv1"], messages(a, "HVA-230")["hv1"]) == (
        "manual",
        "bond members below different PCIe root ports of one physical slot: bond0 (eno1, eno2 "
        "in slot 2)",
    )
    two = ("/sys/bus/pci/slots/2/address:0000:01:00\n/sys/bus/pci/slots/3/address:0000:02:00\n", 0)
    b = host_scan({"ip-link": (links, 0), "net-devices": paths, "pci-slots": two})
    assert (outcomes(b, "HVA-230")["hv1"], messages(b, "HVA-230")["hv1"]) == (
        "pass",
        "1 bond(s), members on different adapters",
    )


def test_libvirt_daemon_on_an_unnamed_loopback_port_with_route_localnet(host_scan) -> None:
    """The one rule of hvaudit.checks._loopback for HVA-030's listeners at ports no file names
    (a socket unit's ListenStream, libvirt docs/remote.rst): libvirtd on 127.0.0.1:16600 where
    route_localnet = 1 on br0 is on br0's network, so whether it is the TCP or the TLS
    transport is the question (was a pass 'libvirt listens on local UNIX sockets only'); read
    as 0, the pass stays."""
    listen = (
        HARDENED_HOST["listeners"][0]
        + "tcp   LISTEN 0      5          127.0.0.1:16600        0.0.0.0:*    "
        'users:(("libvirtd",pid=700,fd=15))\n',
        0,
    )
    a = host_scan({"listeners": listen, "route-localnet": ROUTED_BR0})
    assert (outcomes(a, "HVA-030")["hv1"], messages(a, "HVA-030")["hv1"]) == (
        "manual",
        "libvirt listens on TCP where its files name no port: libvirtd on 127.0.0.1:16600 (a "
        "socket unit's ListenStream)",
    )
    b = host_scan({"listeners": listen})
    assert (outcomes(b, "HVA-030")["hv1"], messages(b, "HVA-030")["hv1"]) == (
        "pass",
        "libvirt listens on local UNIX sockets only",
    )


def test_default_listen_question_on_a_host_that_routes_127(older_bundle_scan) -> None:
    """qemu.conf.in: vnc_listen defaults to 127.0.0.1; with qemu.conf not in the bundle a VNC
    console without a listen address asked whether qemu.conf sets "vnc_listen = 127.0.0.1 (its
    default) or vnc_auto_unix_socket = 1". On a host read with route_localnet = 1 on br0 the
    default is on br0's network (the one rule of hvaudit.checks._loopback), so only the UNIX
    socket passes: the question says so."""
    from hvaudit.collect.host import file_artefact

    a = older_bundle_scan(
        {"route-localnet": ROUTED_BR0},
        domains=(domain_xml("vncvm", body="<devices><graphics type='vnc'/></devices>"),),
        gone=file_artefact("/etc/libvirt/qemu.conf"),
    )
    assert outcomes(a, "HVA-031")["vncvm"] == "manual", messages(a, "HVA-031")
    assert _question(a, "HVA-031", "vncvm") == (
        "Does /etc/libvirt/qemu.conf on host hv1 set vnc_auto_unix_socket = 1 (the default "
        "vnc_listen, 127.0.0.1, is reachable from the network: route_localnet = 1 on br0)? "
        "Evidence: the first uncommented line of each of these keys in /etc/libvirt/qemu.conf "
        "on hv1 (libvirt reads the first; a key left out takes the default named here). Pass: "
        "yes, every one is set so; fail: any is missing or set otherwise, so a console or socket "
        "listed is reachable without it."
    )
