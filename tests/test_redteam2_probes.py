"""Second red-team re-review of issue 8 (redteam2): new probes of the same kinds, on the fixed code.

Same harness as tests/test_redteam_probes.py: libvirt's test driver serves the domains and networks
(so every domain is parsed and re-formatted by libvirt itself before hvaudit reads it), and host
evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed only where a probe
says so). Each probe asserts the verdict its cited source proves right, per subject, with a message
fragment. Where hvaudit is wrong the probe is `xfail(strict=True)` with the defect; the fix turns it
XPASS and the fixer drops the mark. None of these repeats a probe of the first red team.

Kinds: settings that decide the outcome but are not read, limits that limit nothing, a second
daemon or a second feature hiding behind the one that was read, interface types that exist but come
out not applicable, and hardened spellings that must not fail.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import (
    DEBIAN_RSYSLOG_MAIN,
    HARDENED_HOST,
    build_bundle,
    domain_xml,
    messages,
    outcomes,
    run_assessment,
    write_node,
)
from hvaudit.engine import Assessment


def dev(name: str, devices: str, body: str = "") -> str:
    """A domain whose <devices> hold `devices` (and `body` outside them)."""
    return domain_xml(name, body=f"{body}<devices>{devices}</devices>")


def xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


NIC_LIMITED = (
    "<interface type='network'><source network='lan'/><model type='virtio'/>"
    "<bandwidth><inbound average='1000'/><outbound average='1000'/></bandwidth></interface>"
)
LAN = "<network><name>lan</name><forward mode='bridge'/><bridge name='br0'/></network>"


def disk(iotune: str, n: str = "a") -> str:
    return (
        f"<disk type='file' device='disk'><source file='/var/lib/libvirt/images/{n}.qcow2'/>"
        f"<target dev='vda' bus='virtio'/><iotune>{iotune}</iotune></disk>"
    )


#: The hardened host with KVM nesting on (Intel), as in the first red team's probes.
NESTING_HOST: dict[str, Any] = dict(
    HARDENED_HOST, **{"/sys/module/kvm_intel/parameters/nested": "Y\n"}
)

# --- the probe node -------------------------------------------------------------------------------

DOMAINS = {
    # HVA-049: the other vendor's feature disabled leaves this vendor's one on.
    "nest_svm_off": domain_xml(
        "nest_svm_off",
        body="<cpu mode='host-passthrough'><feature policy='disable' name='svm'/></cpu>",
    ),
    "nest_vmx_req_svm_off": domain_xml(
        "nest_vmx_req_svm_off",
        body="<cpu mode='custom' match='exact'><model>Skylake-Client</model>"
        "<feature policy='require' name='vmx'/><feature policy='disable' name='svm'/></cpu>",
    ),
    "nest_vmx_off": domain_xml(
        "nest_vmx_off",
        body="<cpu mode='host-passthrough'><feature policy='disable' name='vmx'/></cpu>",
    ),
    # HVA-191: interfaces that exist, carry the guest's frames to other machines, and have no
    # nwfilter (formatnwfilter: filters are instantiated on network, bridge and ethernet only).
    "nic_vhostuser": dev(
        "nic_vhostuser",
        "<interface type='vhostuser'><source type='unix' path='/run/openvswitch/vhu0' "
        "mode='client'/><model type='virtio'/></interface>",
    ),
    "nic_server": dev(
        "nic_server",
        "<interface type='server'><source address='0.0.0.0' port='5558'/>"
        "<model type='virtio'/></interface>",
    ),
    "nic_mcast": dev(
        "nic_mcast",
        "<interface type='mcast'><source address='230.0.0.1' port='5558'/>"
        "<model type='virtio'/></interface>",
    ),
    # HVA-092: <iotune> elements that limit nothing, or only one direction.
    "io_size_only": dev("io_size_only", disk("<size_iops_sec>4096</size_iops_sec>") + NIC_LIMITED),
    "io_group_only": dev("io_group_only", disk("<group_name>gold</group_name>") + NIC_LIMITED),
    "io_read_only": dev(
        "io_read_only", disk("<read_bytes_sec>10000000</read_bytes_sec>") + NIC_LIMITED
    ),
    "io_total": dev("io_total", disk("<total_bytes_sec>10000000</total_bytes_sec>") + NIC_LIMITED),
    # HVA-065: an external swtpm is the VM's own virtual TPM too.
    "tpm_external": dev(
        "tpm_external",
        "<tpm model='tpm-crb'><backend type='external'><source type='unix' mode='connect' "
        "path='/run/swtpm/tpm_external.sock'/></backend></tpm>",
    ),
}


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    d = tmp_path_factory.mktemp("redteam2")
    return d, write_node(d / "rt2.xml", DOMAINS.values(), [LAN])


@pytest.fixture(scope="module")
def real(node: tuple[Path, str]) -> Assessment:
    from test_checks_vm import _with_filters

    d, uri = node
    return run_assessment(_with_filters(d, uri, NESTING_HOST, "real"))


@pytest.fixture(scope="module")
def sim(node: tuple[Path, str]) -> Assessment:
    d, uri = node
    return run_assessment(build_bundle(d, uri, None, name="sim"))


def verdict(a: Assessment, check_id: str, subject: str) -> tuple[str, str]:
    got = outcomes(a, check_id)
    assert subject in got, (check_id, subject, sorted(got))
    return got[subject], messages(a, check_id)[subject]


# --- HVA-049 --------------------------------------------------------------------------------------


def test_disabling_the_other_vendors_flag_leaves_nesting_on(real: Assessment) -> None:
    """libvirt formatdomain, "CPU model and topology": each <feature> names one CPUID flag and
    `disable` removes that flag only; host-passthrough passes every host flag through. vmx is
    Intel's VT-x flag, svm AMD-V's: on an Intel host with kvm_intel nested=Y, disabling svm leaves
    vmx, so the guest can run its own hypervisor (kernel docs virt/kvm/x86/nested-vmx.rst)."""
    status, msg = verdict(real, "HVA-049", "nest_svm_off")
    assert status == "fail", msg


def test_required_vmx_is_not_undone_by_a_disabled_svm(real: Assessment) -> None:
    """formatdomain: `require` makes the guest CPU carry the feature; a second <feature> for svm
    does not touch vmx. The guest gets VT-x on a host that nests: fail."""
    status, msg = verdict(real, "HVA-049", "nest_vmx_req_svm_off")
    assert status == "fail", msg
    assert "vmx" in msg


def test_disabled_vmx_on_intel_passes(real: Assessment) -> None:
    """The hardened twin: vmx disabled on an Intel host (the flag that matters here)."""
    status, msg = verdict(real, "HVA-049", "nest_vmx_off")
    assert status == "pass", msg


# --- HVA-191 --------------------------------------------------------------------------------------


def test_vhostuser_port_is_a_question_not_na(real: Assessment) -> None:
    """formatdomain, "vhost-user connection": the data plane is shared memory with a user-space
    switch (e.g. Open vSwitch with DPDK); formatnwfilter, "Concepts": nwfilter applies to network,
    bridge and ethernet interfaces only. So libvirt cannot filter spoofing here, and whether the
    switch does is the question: manual, never not applicable for an interface that exists."""
    status, msg = verdict(real, "HVA-191", "nic_vhostuser")
    assert status == "manual", msg


def test_socket_interface_is_a_question_not_na(real: Assessment) -> None:
    """formatdomain, "Multicast tunnel" / "TCP tunnel": `server`/`client`/`mcast`/`udp`
    interfaces join the guest's Ethernet to other QEMUs over sockets, with no switch port and no
    nwfilter (formatnwfilter). A guest can send any source MAC/IP to its peers; nothing at the
    host stops it. The subject exists: manual (are the peers trusted / is the tunnel filtered),
    or fail; never not applicable."""
    for vm in ("nic_server", "nic_mcast"):
        status, msg = verdict(real, "HVA-191", vm)
        assert status == "manual", (vm, msg)


# --- HVA-092 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("vm", ["io_size_only", "io_group_only"])
def test_iotune_without_a_rate_limits_nothing(real: Assessment, vm: str) -> None:
    """formatdomain, "Hard drives, floppy disks, CDROMs", iotune: size_iops_sec is "the size of
    I/O operations per second" (how big one counted I/O is) and group_name names a throttle
    group to share limits in; neither sets a rate. Without a *_bytes_sec or *_iops_sec rate the
    disk is unthrottled (QEMU qapi block-core.json BlockIOThrottle: 0 = no limit)."""
    status, msg = verdict(real, "HVA-092", vm)
    assert status == "fail", msg
    assert "without <iotune>" in msg or "limit" in msg


def test_read_only_disk_limit_leaves_writes_unlimited(real: Assessment) -> None:
    """formatdomain iotune: read_bytes_sec is "the read throughput limit", write_bytes_sec the
    write one, total_bytes_sec both. A guest with read limits only can saturate the storage with
    writes: the same half-limit HVA-092 already fails for an inbound-only interface."""
    status, msg = verdict(real, "HVA-092", "io_read_only")
    assert status == "fail", msg
    assert "write" in msg


def test_total_disk_limit_passes(real: Assessment) -> None:
    status, msg = verdict(real, "HVA-092", "io_total")
    assert status == "pass", msg


# --- HVA-065 --------------------------------------------------------------------------------------


def test_external_swtpm_is_a_vtpm(real: Assessment) -> None:
    """formatdomain, "TPM device": backend type `external` (since 9.0.0) connects QEMU to an
    swtpm emulator over a UNIX socket that was started outside libvirt: a per-VM software TPM,
    like type `emulator`, not the host's TPM (which is `passthrough`). A hardened set-up that
    runs swtpm itself must not fail: pass (or manual: the socket's swtpm is the VM's own)."""
    status, msg = verdict(real, "HVA-065", "tpm_external")
    assert status in ("pass", "manual"), msg
    assert verdict(real, "HVA-056", "tpm_external")[0] == "pass"


# --- host probes (the hardened replayed host, changed where a probe says so) ----------------------

PROCS = HARDENED_HOST["processes"][0]
LISTEN = HARDENED_HOST["listeners"][0]


def listener(addr: str, process: str, pid: int, proto: str = "tcp") -> str:
    state = "LISTEN" if proto == "tcp" else "UNCONN"
    return (
        f"{proto}   {state} 0      128        {addr}        0.0.0.0:*    "
        f'users:(("{process}",pid={pid},fd=3))\n'
    )


def test_tcp_listener_on_a_configured_port(host_scan) -> None:
    """libvirtd.conf (src/remote/libvirtd.conf.in): "Override the port for accepting insecure TCP
    connections ... #tcp_port = \\"16509\\"" (and tls_port for TLS). With listen_tcp = 1,
    auth_tcp = "none" and tcp_port = "16600", libvirtd (run with --listen) listens on 16600
    without authentication: anyone reaching it controls every VM. ss shows libvirtd on 16600."""
    conf = (
        HARDENED_HOST["/etc/libvirt/libvirtd.conf"]
        + 'listen_tcp = 1\nauth_tcp = "none"\ntcp_port = "16600"\n'
    )
    a = host_scan(
        {
            "/etc/libvirt/libvirtd.conf": conf,
            "listeners": (LISTEN + listener("0.0.0.0:16600", "libvirtd", 700), 0),
            "processes": (
                PROCS.replace("/usr/sbin/libvirtd --timeout 120", "/usr/sbin/libvirtd --listen"),
                0,
            ),
        }
    )
    assert outcomes(a, "HVA-030") == {"hv1": "fail"}
    assert "16600" in messages(a, "HVA-030")["hv1"]


def test_tcp_listener_on_the_default_port_fails(host_scan) -> None:
    """The twin on the default port: fails today (regression guard for the probe above)."""
    conf = HARDENED_HOST["/etc/libvirt/libvirtd.conf"] + 'listen_tcp = 1\nauth_tcp = "none"\n'
    a = host_scan(
        {
            "/etc/libvirt/libvirtd.conf": conf,
            "listeners": (LISTEN + listener("0.0.0.0:16509", "libvirtd", 700), 0),
        }
    )
    assert outcomes(a, "HVA-030") == {"hv1": "fail"}


ALT_LIBVIRTD = PROCS.replace(
    "/usr/sbin/libvirtd --timeout 120", "/usr/sbin/libvirtd -f /etc/libvirt/libvirtd-lab.conf"
)


def test_daemon_started_with_another_config_file(host_scan) -> None:
    """libvirtd(8): "-f, --config FILE: Use this configuration file, overriding the default
    value" (the same option for virtqemud/virtproxyd). The settings HVA-130/132 judge
    (access_drivers, auth_unix_rw, unix_sock_rw_perms) are then in a file hvaudit did not read:
    manual, naming the file, never a pass on /etc/libvirt/libvirtd.conf."""
    a = host_scan({"processes": (ALT_LIBVIRTD, 0)})
    for check_id in ("HVA-130", "HVA-132"):
        assert outcomes(a, check_id) == {"hv1": "manual"}, messages(a, check_id)
        assert "libvirtd-lab.conf" in messages(a, check_id)["hv1"]


ALT_SSHD = (
    PROCS
    + " 900 root     sshd: /usr/sbin/sshd -D -f /etc/ssh/sshd_config.lab [listener] 0 of 10-100 startups\n"
)


def test_second_sshd_with_its_own_config(host_scan) -> None:
    """sshd(8): "-f config_file: Specifies the name of the configuration file. The default is
    /etc/ssh/sshd_config"; `sshd -T` without -f prints the default file's settings only. A
    second daemon on port 2222 with its own file may permit root or every user: what it allows
    is unread, so the SSH checks are manual for it (name the file), not a pass."""
    a = host_scan(
        {
            "processes": (ALT_SSHD, 0),
            "listeners": (LISTEN + listener("0.0.0.0:2222", "sshd", 900), 0),
        }
    )
    for check_id in ("HVA-160", "HVA-161"):
        assert outcomes(a, check_id) == {"hv1": "manual"}, messages(a, check_id)
        assert "sshd_config.lab" in messages(a, check_id)["hv1"]


KBD_ONLY = HARDENED_HOST["sshd-effective"][0].replace(
    "authenticationmethods publickey,keyboard-interactive",
    "authenticationmethods keyboard-interactive",
)


def test_yubico_nullok_is_no_second_factor(host_scan) -> None:
    """yubico-pam README, module arguments: "nullok: Don't fail when there are no tokens
    declared for the user in the authorization mapping files or in LDAP. This can be used to
    make YubiKey authentication optional unless the user has associated tokens" (maintainers in
    Yubico/yubico-pam#119: nullok is implemented in OTP mode). A user without a token logs in
    with the password alone: fail, as for pam_google_authenticator nullok. The sshd here admits
    keyboard-interactive alone (`AuthenticationMethods keyboard-interactive`), so PAM is the whole
    login; with the hardened host's publickey,keyboard-interactive the key stays a factor and pass
    is right (fixer, 22:50)."""
    pam = "auth required pam_yubico.so id=16 nullok\n@include common-auth\n"
    a = host_scan({"/etc/pam.d/sshd": pam, "sshd-effective": (KBD_ONLY, 0)})
    assert outcomes(a, "HVA-151") == {"hv1": "fail"}
    assert "nullok" in messages(a, "HVA-151")["hv1"]


def test_yubico_without_nullok_is_a_factor(host_scan) -> None:
    pam = "auth required pam_yubico.so id=16\n@include common-auth\n"
    a = host_scan({"/etc/pam.d/sshd": pam})
    assert outcomes(a, "HVA-151") == {"hv1": "pass"}, messages(a, "HVA-151")


def test_ksmtuned_running_is_not_ksm_off(host_scan) -> None:
    """ksmtuned (the ksmtuned package; its script and ksmtuned.conf KSM_THRES_COEF): the daemon
    writes 1 to /sys/kernel/mm/ksm/run when free memory drops below the threshold and 0 when it
    recovers, so run = 0 at one instant says nothing about the host's policy. The check's own
    remediation says to disable ksmtuned. Fail (KSM is managed on), naming ksmtuned."""
    procs = PROCS + "  500 root     /bin/bash /usr/sbin/ksmtuned\n"
    a = host_scan({"processes": (procs, 0)})
    assert outcomes(a, "HVA-061") == {"hv1": "fail"}
    assert "ksmtuned" in messages(a, "HVA-061")["hv1"]


def test_dac_label_with_group_root(host_scan) -> None:
    """formatdomain, "Security label": a static DAC label is "user:group" for that VM's QEMU
    ('+' forces numeric ids). HVA-042 fails qemu.conf `group = "root"` because QEMU in group root
    opens every root-group file and device (libvirt taints it high-privileges:
    qemuDomainObjCheckTaint, cfg->group == 0); the per-VM label +64055:+0 does the same for that VM."""
    a = host_scan(
        domains=[
            domain_xml(
                "grouproot",
                body="<seclabel type='static' model='dac' relabel='yes'>"
                "<label>+64055:+0</label></seclabel>",
            )
        ]
    )
    assert outcomes(a, "HVA-042") == {"hv1": "fail"}
    assert "grouproot" in messages(a, "HVA-042")["hv1"]


def _one_pinned_vm(cputune: str, vcpus: int = 1) -> str:
    pins = "".join(f"<vcpupin vcpu='{i}' cpuset='{3 + i}'/>" for i in range(vcpus))
    return domain_xml(
        "cpuvm",
        vcpus=vcpus,
        body=f"<cputune><shares>2048</shares>{cputune}{pins}"
        f"<emulatorpin cpuset='{3 + vcpus}'/></cputune>",
    )


def test_quota_equal_to_period_limits_nothing(host_scan) -> None:
    """formatdomain, "CPU Tuning": "period ... Within period, each vCPU of the domain will not be
    allowed to consume more than quota worth of runtime"; quota is per vCPU thread. quota >=
    period lets every vCPU run 100% of a CPU: no limit (the kernel's CFS bandwidth control,
    Documentation/scheduler/sched-bwc.rst: quota/period is the share of one CPU)."""
    a = host_scan(domains=[_one_pinned_vm("<period>100000</period><quota>100000</quota>")])
    assert outcomes(a, "HVA-090") == {"cpuvm": "fail"}, messages(a, "HVA-090")
    assert "limit" in messages(a, "HVA-090")["cpuvm"]


def test_global_quota_of_every_vcpu_limits_nothing(host_scan) -> None:
    """formatdomain: global_quota/global_period bound the whole domain's vCPU time; 2 vCPUs
    can use at most 2 x global_period per period anyway, so global_quota 200000 with
    global_period 100000 limits nothing."""
    a = host_scan(
        domains=[
            _one_pinned_vm(
                "<global_period>100000</global_period><global_quota>200000</global_quota>", 2
            )
        ]
    )
    assert outcomes(a, "HVA-090") == {"cpuvm": "fail"}, messages(a, "HVA-090")


def test_half_a_cpu_quota_is_a_limit(host_scan) -> None:
    a = host_scan(domains=[_one_pinned_vm("<period>100000</period><quota>50000</quota>")])
    assert outcomes(a, "HVA-090") == {"cpuvm": "pass"}, messages(a, "HVA-090")


def test_hard_limit_above_host_memory_limits_nothing(host_scan) -> None:
    """formatdomain, "Memory Tuning": hard_limit "is the maximum memory the guest can use". A
    limit of 2 TiB on a host with 64 GiB of RAM (/proc/meminfo) can never be reached: it
    limits nothing. formatdomain "Memory Backing", <locked/>: libvirt "has to remove the limit on
    locked memory altogether", so the hard_limit must be "small enough to protect your host
    against a malicious guest locking all memory"; the domain is locked (fixer2, 22:58: an
    unlocked guest is bounded by its configured size, and a superfluous hard_limit there is no
    missing limit)."""
    a = host_scan(
        domains=[
            domain_xml(
                "bigcap",
                body="<memoryBacking><locked/></memoryBacking><memtune>"
                "<hard_limit unit='TiB'>2</hard_limit><soft_limit unit='MiB'>800</soft_limit>"
                "</memtune>",
            )
        ]
    )
    assert outcomes(a, "HVA-070") == {"bigcap": "fail"}, messages(a, "HVA-070")


def test_vhostuser_port_without_vlan_is_a_question(real: Assessment) -> None:
    """ovs-vswitchd.conf.db(5), Port table: with `tag` empty the port's vlan_mode defaults to
    trunk, and "If trunks is empty, then the port trunks all VLANs". A vhost-user port is an
    OVS-DPDK port whose tag, if any, is set in OVS, not in the domain XML (formatdomain lists
    <vlan> for openvswitch, SR-IOV and macvtap-passthrough interfaces). The XML cannot settle
    it: manual, as hvaudit already asks for an OVS bridge port without <vlan>."""
    status, msg = verdict(real, "HVA-192", "nic_vhostuser")
    assert status == "manual", msg


def test_static_label_of_a_type_outside_svirt_is_a_question(host_scan) -> None:
    """sVirt confines QEMU in the types the policy names in
    /etc/selinux/<policy>/contexts/virtual_domain_context (svirt_t; svirt_tcg_t for TCG: libvirt
    security_selinux.c reads it for dynamic labels). A static label is the administrator's pick:
    virtd_t is the libvirt daemon's own, far wider domain. Whether an arbitrary type confines
    QEMU is not in the evidence: manual, asking whether the type is an sVirt domain type
    (`seinfo -a virt_domain -x` lists them), never a pass on a type hvaudit does not know."""
    from test_redteam_probes import SELINUX_HOST

    a = host_scan(
        SELINUX_HOST,
        domains=[
            domain_xml(
                "virtd_label",
                body="<seclabel type='static' model='selinux' relabel='yes'>"
                "<label>system_u:system_r:virtd_t:s0:c400,c401</label></seclabel>",
            )
        ],
    )
    assert outcomes(a, "HVA-043") == {"hv1": "pass"}
    assert outcomes(a, "HVA-044") == {"virtd_label": "manual"}, messages(a, "HVA-044")
    assert "virtd_t" in messages(a, "HVA-044")["virtd_label"]


def test_static_svirt_label_unique_passes(host_scan) -> None:
    from test_redteam_probes import SELINUX_HOST

    a = host_scan(
        SELINUX_HOST,
        domains=[
            domain_xml(
                "svirt_label",
                body="<seclabel type='static' model='selinux' relabel='yes'>"
                "<label>system_u:system_r:svirt_t:s0:c400,c401</label></seclabel>",
            )
        ],
    )
    assert outcomes(a, "HVA-044") == {"svirt_label": "pass"}, messages(a, "HVA-044")


# --- batch 2 --------------------------------------------------------------------------------------

VF_NIC = (
    "<interface type='hostdev' managed='yes'><mac address='52:54:00:00:00:{m}'/>"
    "<source><address type='pci' domain='0' bus='0x65' slot='0x02' function='0x{f}'/>"
    "</source></interface>"
)
IP_LINK_VF_TRUST = (
    '[{"ifindex": 2, "ifname": "ens1f0", "vfinfo_list": ['
    '{"vf": 1, "address": "52:54:00:00:00:aa", "spoofchk": true, "trust": false},'
    '{"vf": 2, "address": "52:54:00:00:00:bb", "spoofchk": true, "trust": true}]}]'
)


def test_vf_trust_on_lets_the_guest_go_promiscuous(host_scan) -> None:
    """ip-link(8), `vf ... trust on|off`: "trust the specified VF user. This enables that VF user
    can set a specific feature which may impact security and/or performance. (e.g. VF multicast
    promiscuous mode)". libvirt sets trust only from trustGuestRxFilters; a VF whose trust was
    turned on outside libvirt lets the guest change its receive filters all the same. The
    evidence is collected (HVA-191 reads it): fail for the trusted VF, pass for the other."""
    a = host_scan(
        {"ip-link": (IP_LINK_VF_TRUST, 0)},
        domains=[
            dev("vftrusted", VF_NIC.format(m="bb", f="2")),
            dev("vfplain", VF_NIC.format(m="aa", f="1")),
        ],
    )
    assert outcomes(a, "HVA-193") == {"vftrusted": "fail", "vfplain": "pass"}
    assert "trust" in messages(a, "HVA-193")["vftrusted"]


def test_vf_trust_on_a_simulated_host_is_a_question(sim: Assessment) -> None:
    """The one rule for host-dependent VM checks: the XML proves no trustGuestRxFilters; the VF's
    own trust flag is a host setting hvaudit did not read: manual naming it."""
    status, msg = verdict(sim, "HVA-193", "vf_sim")
    assert status == "manual", msg


DOMAINS["vf_sim"] = dev("vf_sim", VF_NIC.format(m="cc", f="3"))

OVS_LINKS = (
    '[{"ifindex": 1, "ifname": "lo"},'
    '{"ifindex": 2, "ifname": "eno1", "master": "ovs-system",'
    ' "linkinfo": {"info_slave_kind": "openvswitch"}},'
    '{"ifindex": 3, "ifname": "ovs-system", "linkinfo": {"info_kind": "openvswitch"}},'
    '{"ifindex": 4, "ifname": "ovsbr0", "linkinfo": {"info_kind": "openvswitch"}},'
    '{"ifindex": 5, "ifname": "vnet0", "master": "ovs-system",'
    ' "linkinfo": {"info_kind": "tun", "info_slave_kind": "openvswitch"}}]'
)
OVS_ADDR = (
    '[{"ifname": "lo", "addr_info": [{"family": "inet", "local": "127.0.0.1", "scope": "host"}]},'
    '{"ifname": "ovsbr0", "addr_info": [{"family": "inet", "local": "10.0.0.10", '
    '"scope": "global"}]}]'
)


def test_management_address_on_an_ovs_bridge_with_vms(host_scan) -> None:
    """Open vSwitch: the bridge's internal port (ovsbr0) carries the host address, and `ip link`
    shows every OVS port with master ovs-system, not the bridge, so membership is not in the
    link list; the domain definition (<source bridge='ovsbr0'/><virtualport
    type='openvswitch'/>) proves the VM is on it, which is the check's own rule for a bridge a
    defined VM attaches to. Fail naming ovsbr0."""
    a = host_scan(
        {"ip-link": (OVS_LINKS, 0), "ip-addr": (OVS_ADDR, 0)},
        domains=[
            dev(
                "onovs",
                "<interface type='bridge'><source bridge='ovsbr0'/>"
                "<virtualport type='openvswitch'/><model type='virtio'/></interface>",
            )
        ],
    )
    assert outcomes(a, "HVA-211") == {"hv1": "fail"}, messages(a, "HVA-211")
    assert "ovsbr0" in messages(a, "HVA-211")["hv1"]


def test_macvtap_on_the_management_nic(host_scan) -> None:
    """formatdomain, "Direct attachment to physical interface": the guest's NIC is attached
    directly to the named physical interface, so its frames leave on the management NIC eno3
    (10.0.0.10), on the management segment itself: the sharing HY-SR-20 (Rev. 1) and the check's
    rationale forbid. Fail naming eno3."""
    a = host_scan(
        domains=[
            dev(
                "onmgmt",
                "<interface type='direct'><source dev='eno3' mode='vepa'/>"
                "<model type='virtio'/></interface>",
            )
        ],
    )
    assert outcomes(a, "HVA-211") == {"hv1": "fail"}, messages(a, "HVA-211")
    assert "eno3" in messages(a, "HVA-211")["hv1"]


NAT = (
    "<network><name>default</name><forward mode='nat'/><bridge name='virbr0'/>"
    "<ip address='192.168.122.1' netmask='255.255.255.0'/></network>"
)


def test_sshd_on_a_vm_network_gateway_address(host_scan) -> None:
    """formatnetwork, "NAT based network": the network's <ip address> is the host's address on
    the network's bridge, the guests' gateway, so every VM on it reaches a service bound there.
    A management service bound to it is bound to a VM network, not a management address: fail
    naming the address."""
    listeners = LISTEN.replace("10.0.0.10:22", "192.168.122.1:22")
    a = host_scan(
        {"listeners": (listeners, 0)},
        domains=[dev("natvm", "<interface type='network'><source network='default'/></interface>")],
        networks=[NAT],
    )
    assert outcomes(a, "HVA-210") == {"hv1": "fail"}, messages(a, "HVA-210")
    assert "192.168.122.1" in messages(a, "HVA-210")["hv1"]


@pytest.mark.parametrize(
    "allow", ["allowusers *", "allowusers alice\nallowusers *@10.0.0.0/8"], ids=["star", "star-at"]
)
def test_allow_list_of_everyone(host_scan, allow: str) -> None:
    """sshd_config(5), AllowUsers: "Only user names that match one of the patterns are
    allowed"; "If the pattern takes the form USER@HOST then USER and HOST are separately
    checked"; ssh_config(5) PATTERNS: "'*' matches zero or more characters". `*` (or `*@net`)
    admits every user name: fail, as with no list (HVA-034 already fails a DN list entry of
    wildcards). `sshd -T` prints one `allowusers` line per entry (servconf.c
    dump_cfg_strarray)."""
    text = HARDENED_HOST["sshd-effective"][0].replace("allowgroups sshadmins", allow)
    a = host_scan({"sshd-effective": (text, 0)})
    assert outcomes(a, "HVA-161") == {"hv1": "fail"}, messages(a, "HVA-161")


AMD_NESTING_HOST: dict[str, Any] = {
    "/proc/cpuinfo": "processor\t: 0\nvendor_id\t: AuthenticAMD\n"
    "flags\t\t: fpu vme de pse tsc msr pae svm npt sse4_1\n",
    "/proc/modules": "kvm_amd 155648 0 - Live 0x0\nkvm 1142784 1 kvm_amd, Live 0x0\n",
    "/sys/module/kvm_intel/parameters/ept": None,
    "/sys/module/kvm_amd/parameters/npt": "1\n",
    "/sys/module/kvm_amd/parameters/nested": "1\n",
}


def test_default_cpu_model_carries_svm_on_an_amd_nesting_host(host_scan) -> None:
    """QEMU target/i386/cpu.c, builtin_x86_defs: the "qemu64" model (the default CPU type of the
    pc and q35 machines, used when the domain names none) has features[FEAT_8000_0001_ECX] =
    CPUID_EXT3_LAHF_LM | CPUID_EXT3_SVM. KVM keeps svm in the guest's CPUID exactly when kvm_amd
    nests, so on this host both guests can run their own hypervisor: fail, as for
    host-passthrough. (The check's docstring assumes "no <cpu> at all ... does not": wrong.)"""
    # rt4vm's R56: under KVM, QEMU turns svm off on every named model (kvm_default_props) except
    # on machine types up to 2.1 (pc_compat_2_1), so the fail holds on such a machine only
    old = "<os><type arch='x86_64' machine='pc-i440fx-2.1'>hvm</type></os>"

    def on_old_machine(xml: str) -> str:
        return xml.replace("<os><type arch='x86_64'>hvm</type></os>", old)

    a = host_scan(
        AMD_NESTING_HOST,
        domains=[
            on_old_machine(domain_xml("nocpu")),
            on_old_machine(
                domain_xml(
                    "q64",
                    body="<cpu mode='custom' match='exact'><model fallback='forbid'>qemu64"
                    "</model></cpu>",
                )
            ),
        ],
    )
    assert outcomes(a, "HVA-049") == {"nocpu": "fail", "q64": "fail"}, messages(a, "HVA-049")


def test_default_cpu_model_on_an_intel_nesting_host_passes(host_scan) -> None:
    """The twin: on Intel, KVM never offers svm, and qemu64 has no vmx."""
    a = host_scan(NESTING_HOST, domains=[domain_xml("nocpu")])
    assert outcomes(a, "HVA-049") == {"nocpu": "pass"}, messages(a, "HVA-049")


PCI_HOSTDEV = (
    "<hostdev mode='subsystem' type='pci' managed='yes'><source>"
    "<address domain='0x0000' bus='0x65' slot='0x00' function='0x0'/></source></hostdev>"
)


def test_passthrough_with_unsafe_interrupts_allowed(host_scan) -> None:
    """Linux drivers/vfio/vfio_iommu_type1.c: allow_unsafe_interrupts "Enable VFIO IOMMU support
    for on platforms without interrupt remapping support"; without it VFIO refuses a group
    whose IOMMU lacks IOMMU_CAP_INTR_REMAP (vfio_iommu_type1_attach_group). With it, the device
    can send arbitrary MSIs to the host: DMA is remapped but interrupts are not isolated. The
    kernel command line is collected (HVA-052 reads it): fail naming the option."""
    cmdline = HARDENED_HOST["/proc/cmdline"].replace(
        "quiet", "quiet vfio_iommu_type1.allow_unsafe_interrupts=1"
    )
    a = host_scan({"/proc/cmdline": cmdline}, domains=[dev("gpu", PCI_HOSTDEV)])
    assert outcomes(a, "HVA-050") == {"gpu": "fail"}, messages(a, "HVA-050")
    assert "allow_unsafe_interrupts" in messages(a, "HVA-050")["gpu"]


def test_passthrough_alone_in_its_group_passes(host_scan) -> None:
    a = host_scan(domains=[dev("gpu", PCI_HOSTDEV)])
    assert outcomes(a, "HVA-050") == {"gpu": "pass"}, messages(a, "HVA-050")


def test_file_output_named_like_the_journal(host_scan) -> None:
    """libvirt docs/logging.rst, "Log outputs": an output is `level:journald`,
    `level:syslog:name`, `level:file:path` or `level:stderr`. "3:file:/var/log/libvirt/
    journald-export.log" is a file output: nothing reaches the system log. Fail, as for any
    file-only output."""
    conf = (
        HARDENED_HOST["/etc/libvirt/libvirtd.conf"]
        + 'log_outputs = "3:file:/var/log/libvirt/journald-export.log"\n'
    )
    a = host_scan({"/etc/libvirt/libvirtd.conf": conf})
    assert outcomes(a, "HVA-213") == {"hv1": "fail"}, messages(a, "HVA-213")


def test_journald_output_passes(host_scan) -> None:
    conf = HARDENED_HOST["/etc/libvirt/libvirtd.conf"] + 'log_outputs = "3:journald"\n'
    a = host_scan({"/etc/libvirt/libvirtd.conf": conf})
    assert outcomes(a, "HVA-213") == {"hv1": "pass"}, messages(a, "HVA-213")


def test_kernel_audit_disabled_at_boot(host_scan) -> None:
    """Linux Documentation/admin-guide/kernel-parameters.txt, audit=: "0 | off - kernel audit is
    disabled and can not be enabled until the next reboot". Rules listed by `auditctl -l` then
    record nothing, and libvirt's audit_level = 1 audits "only if enabled on host"
    (libvirtd.conf). The command line is collected: fail both, naming audit=0."""
    cmdline = HARDENED_HOST["/proc/cmdline"].replace("quiet", "quiet audit=0")
    a = host_scan({"/proc/cmdline": cmdline})
    for check_id in ("HVA-214", "HVA-201"):
        assert outcomes(a, check_id) == {"hv1": "fail"}, messages(a, check_id)
        assert "audit=0" in messages(a, check_id)["hv1"]


def test_unknown_no_mitigations_is_unmitigated(host_scan) -> None:
    """Linux Documentation/admin-guide/hw-vuln/processor_mmio_stale_data.rst, "Mitigation
    status information": "Unknown: No mitigations" - "The processor vulnerability status is
    unknown because it is out of Servicing period. Mitigation is not attempted." Nothing
    mitigates it: fail, naming the entry."""
    vulns = HARDENED_HOST["cpu-vulnerabilities"][0] + (
        "/sys/devices/system/cpu/vulnerabilities/mmio_stale_data:Unknown: No mitigations\n"
    )
    a = host_scan({"cpu-vulnerabilities": (vulns, 0)})
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}, messages(a, "HVA-181")
    assert "mmio_stale_data" in messages(a, "HVA-181")["hv1"]


# --- Proxmox VE (tests/fixtures/proxmox-hardened, replayed through pve+dir://) ---------------------

PVE_HARDENED = Path(__file__).parent / "fixtures" / "proxmox-hardened"


def pve_scan(tmp_path: Path, capsys: pytest.CaptureFixture[str], edits: dict[str, str]) -> dict:
    """Scan a copy of the hardened Proxmox node with files replaced (path -> new text)."""
    import json
    import shutil

    from hvaudit.cli import main

    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "pve"))
    for rel, text in edits.items():
        (tree / rel).write_text(text)
    main(["scan", "--connect", f"pve+dir://{tree}", "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    return json.loads(out)


def pve_result(report: dict, check_id: str, subject: str) -> tuple[str, str]:
    r = next(
        r for r in report["results"] if (r["check_id"], r["subject"]["name"]) == (check_id, subject)
    )
    return r["status"], str(r["message"])


def test_pveproxy_allow_and_deny_all(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Proxmox VE admin guide, "pveproxy - Proxmox VE API Proxy Daemon", "Host based Access
    Control": "all" is an alias for 0/0 and ::/0, and the matching table: allow matches only ->
    allow; deny matches only -> deny; neither -> POLICY; both -> POLICY (allow here). A client
    matches both lists: admitted from anywhere. Fail."""
    report = pve_scan(
        tmp_path,
        capsys,
        {"etc/default/pveproxy": 'ALLOW_FROM="all"\nDENY_FROM="all"\nPOLICY="allow"\n'},
    )
    status, msg = pve_result(report, "HVA-305", "pve-h1")
    assert status == "fail", msg


def test_pveproxy_allow_every_ipv4(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Same table: every IPv4 client matches ALLOW_FROM (and DENY_FROM: both -> POLICY allow).
    No network is designated: fail."""
    report = pve_scan(
        tmp_path,
        capsys,
        {"etc/default/pveproxy": 'ALLOW_FROM="0.0.0.0/0"\nDENY_FROM="all"\nPOLICY="allow"\n'},
    )
    status, msg = pve_result(report, "HVA-305", "pve-h1")
    assert status == "fail", msg


def test_pveproxy_hardened_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = pve_scan(tmp_path, capsys, {})
    assert pve_result(report, "HVA-305", "pve-h1")[0] == "pass"


def test_pve_ipfilter_ipset_filters_without_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Proxmox VE admin guide, firewall "IP Sets", ipfilter-net*: "If such a set exists for an
    interface then any outgoing traffic with a source IP not matching its interface's
    corresponding ipfilter set will be dropped" (the `ipfilter` option only adds an empty set
    when there is none). With `ipfilter: 0` and the set ipfilter-net0 present, IP spoofing is
    still filtered: hvaudit is right to pass (regression guard)."""
    fw = (
        (PVE_HARDENED / "etc/pve/firewall/200.fw").read_text().replace("ipfilter: 1", "ipfilter: 0")
    )
    report = pve_scan(tmp_path, capsys, {"etc/pve/firewall/200.fw": fw})
    status, msg = pve_result(report, "HVA-191", "web-10")
    # filtered in the configuration; a copied tree shows no daemon applying it (P8-6)
    assert (status, msg.split(", but ")[0]) == (
        "manual",
        "1 interface(s) filtered by pve-firewall (macfilter, ipfilter) in the configuration",
    )


# --- VMware .vmx, offline (vmx+dir://) --------------------------------------------------------------

VMX_WEB = Path(__file__).parent / "fixtures" / "vmx" / "web-01" / "web-01.vmx"


def test_page_sharing_on_an_offline_vmx_is_a_question(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """VMware KB 2097593 ("Additional Transparent Page Sharing management capabilities"):
    Mem.ShareForceSalting 0 shares pages between all VMs whatever their salt; 1 and 2 use the
    VM's sched.mem.pshare.salt (else its vc.uuid), so VMs share only within themselves unless
    given the same salt. Without the host setting the VM's own .vmx proves no salt override,
    nothing more: manual naming Mem.ShareForceSalting (the project's rule for host-dependent VM
    checks on an offline host), not pass."""
    import json

    from hvaudit.cli import main

    d = tmp_path / "ds" / "web-01"
    d.mkdir(parents=True)
    (d / "web-01.vmx").write_text(VMX_WEB.read_text())
    main(["scan", "--connect", f"vmx+dir://{tmp_path / 'ds'}", "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    report = json.loads(out)
    status, msg = pve_result(report, "HVA-404", "web-01")
    assert status == "manual", msg
    assert "Mem.ShareForceSalting" in msg


# --- HVA-191: what a filter's own rules do --------------------------------------------------------


def _bundle_with_filters(d: Path, uri: str, filters: dict[str, str]) -> Path:
    """The hardened replayed host whose daemon reports these nwfilter definitions."""
    from conftest import ReplayRunner, from_qemu_driver
    from hvaudit.bundle import BundleWriter, dump_json
    from hvaudit.collect.host import HostCollector
    from hvaudit.collect.libvirt import LibvirtCollector, LibvirtTarget

    writer = BundleWriter(d / "b", target="qemu+ssh://root@hv1/system", platform="kvm-libvirt")
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=True).collect(writer)
    del writer.entries["libvirt/nwfilters/index.json"]  # the test driver has no nwfilter driver
    index = []
    for i, (name, xml) in enumerate(filters.items()):
        path = f"libvirt/nwfilters/{i:05d}-{name}.xml"
        writer.add(path, xml.encode(), origin="virConnectListAllNWFilters XMLDesc")
        index.append({"name": name, "file": path})
    writer.add("libvirt/nwfilters/index.json", dump_json({"nwfilters": index}), origin="test")
    writer.meta["collector"]["libvirt"]["simulated"] = False
    writer.meta["collector"]["libvirt"]["hostname"] = "hv1"
    from_qemu_driver(writer, uri)
    HostCollector(ReplayRunner(dict(HARDENED_HOST))).collect(writer)
    return writer.close(complete=True)


def test_accept_all_before_clean_traffic(tmp_path: Path) -> None:
    """libvirt formatnwfilter, "Filter rules": action `accept` - "Matching the rule accepts the
    packet with no further analysis"; rules and referenced filters run in the order of their
    priority, lowest first (the mac, ipv4 and arp chains of no-mac/ip/arp-spoofing have
    priorities -800, -700 and -500, "Filter chain priorities"). A root-chain rule of priority -1000
    accepting every frame the guest sends (direction out, <mac/> matching all) ends the
    evaluation before any anti-spoofing chain: nothing is stopped. Fail."""
    from test_checks_vm import NWFILTERS

    filters = dict(NWFILTERS)
    filters["site-open"] = (
        "<filter name='site-open' chain='root'>"
        "<rule action='accept' direction='out' priority='-1000'><mac/></rule>"
        "<filterref filter='clean-traffic'/></filter>"
    )
    nic = (
        "<interface type='network'><source network='lan'/><model type='virtio'/>"
        "<filterref filter='{f}'><parameter name='IP' value='{ip}'/></filterref></interface>"
    )
    uri = write_node(
        tmp_path / "n.xml",
        [
            dev("siteopen", nic.format(f="site-open", ip="10.0.0.41")),
            dev("clean", nic.format(f="clean-traffic", ip="10.0.0.42")),
        ],
        [LAN],
    )
    a = run_assessment(_bundle_with_filters(tmp_path, uri, filters))
    assert outcomes(a, "HVA-191") == {"siteopen": "fail", "clean": "pass"}, messages(a, "HVA-191")


# --- HVA-142: principals that administer the hypervisor without sudo -------------------------------

GROUP = HARDENED_HOST["/etc/group"]


def test_socket_group_members_are_administrators(host_scan) -> None:
    """libvirtd.conf.in, unix_sock_group: "Set the UNIX domain socket group ownership. This can
    be used to allow a 'trusted' set of users access to management capabilities without
    becoming root"; with auth_unix_rw = "none" connecting is authorization. HVA-142's own
    rationale counts the libvirt group as root-equivalent; the socket's group is the same
    right under another name. alice (sudo) + 4 = 5 > 3: fail, naming virtadmins' members."""
    conf = (
        'access_drivers = [ "polkit" ]\naudit_level = 2\nauth_unix_rw = "none"\n'
        'unix_sock_group = "virtadmins"\nunix_sock_rw_perms = "0770"\n'
    )
    a = host_scan(
        {
            "/etc/libvirt/libvirtd.conf": conf,
            "/etc/group": GROUP + "virtadmins:x:120:bob,carol,dave,erin\n",
            "libvirt-sockets": ("770 root virtadmins /run/libvirt/libvirt-sock\n", 1),
        }
    )
    assert outcomes(a, "HVA-132") == {"hv1": "pass"}, messages(a, "HVA-132")
    assert outcomes(a, "HVA-142") == {"hv1": "fail"}, messages(a, "HVA-142")
    assert "bob" in messages(a, "HVA-142")["hv1"]


def test_disk_group_members_are_root_equivalent(host_scan) -> None:
    """Debian wiki, SystemGroups: "disk: Raw access to disks. Mostly equivalent to root access."
    On a hypervisor the disks are also every VM's storage. alice (sudo) + bob, carol, dave
    (disk) = 4 > 3: fail."""
    a = host_scan(
        {"/etc/group": GROUP.replace("root:x:0:\n", "root:x:0:\ndisk:x:6:bob,carol,dave\n")}
    )
    assert outcomes(a, "HVA-142") == {"hv1": "fail"}, messages(a, "HVA-142")


def test_nfs_pool_served_by_the_host_itself(tmp_path: Path) -> None:
    """formatstorage, "Network filesystem pool": <source><host name=.../> names the NFS server and
    <dir path=.../> its export. A pool mounted from 127.0.0.1 keeps the images on this host's own
    disks, exactly what the check exists to catch: fail, naming the source host."""
    pool = (
        "<pool type='netfs'><name>isos</name><source><host name='127.0.0.1'/>"
        "<dir path='/srv/images'/><format type='nfs'/></source>"
        "<target><path>/var/lib/libvirt/isos</path></target></pool>"
    )
    uri = write_node(tmp_path / "n.xml", [domain_xml("web01")], pools=[pool])
    a = run_assessment(build_bundle(tmp_path, uri, dict(HARDENED_HOST), name="b"))
    assert outcomes(a, "HVA-100") == {"isos": "fail"}, messages(a, "HVA-100")
    assert "127.0.0.1" in messages(a, "HVA-100")["isos"]


# --- HVA-044: a label the host does not enforce -----------------------------------------------------


def _uuid(name: str) -> str:
    import uuid

    return str(uuid.uuid5(uuid.NAMESPACE_DNS, name))


def test_label_in_complain_mode_confines_nothing(host_scan) -> None:
    """AppArmor complain mode allows what the profile denies and only logs it (the kernel's
    aa_profile_mode_names; HVA-043's own APPARMOR_ENFORCING). The VM's label exists but confines
    nothing: the same reasoning by which HVA-044 already fails a VM on a host with
    security_driver = "none" (issue 8). Fail each VM whose own profile is not enforcing."""
    profiles = (
        f"libvirt-{_uuid('aa_dyn')} (complain)\nlibvirt-{_uuid('aa_default')} (complain)\n"
        "libvirtd (enforce)\n"
    )
    a = host_scan(
        {"/sys/kernel/security/apparmor/profiles": profiles},
        domains=[
            domain_xml("aa_dyn", body="<seclabel type='dynamic' model='apparmor' relabel='yes'/>"),
            domain_xml("aa_default"),
        ],
    )
    assert outcomes(a, "HVA-043") == {"hv1": "fail"}
    assert outcomes(a, "HVA-044") == {"aa_dyn": "fail", "aa_default": "fail"}, messages(
        a, "HVA-044"
    )
    assert "complain" in messages(a, "HVA-044")["aa_dyn"]


def test_selinux_permissive_confines_no_vm(host_scan) -> None:
    """SELinux in permissive mode (/sys/fs/selinux/enforce = 0) applies the sVirt labels and
    denies nothing (selinux(8): "permissive: SELinux prints warnings instead of enforcing").
    Fail the VM, as for security_driver = "none"."""
    from test_redteam_probes import SELINUX_HOST

    a = host_scan(
        {**SELINUX_HOST, "/sys/fs/selinux/enforce": "0\n"},
        domains=[domain_xml("se_dyn", body="<seclabel type='dynamic' model='selinux'/>")],
    )
    assert outcomes(a, "HVA-043") == {"hv1": "fail"}
    assert outcomes(a, "HVA-044") == {"se_dyn": "fail"}, messages(a, "HVA-044")


def test_sasl_tcp_on_a_configured_port_is_judged(host_scan) -> None:
    """libvirtd.conf.in: tcp_port overrides 16509. The subject (a SASL TCP listener, default
    tcp_min_ssf 56 < 112) exists on 16600: fail, as on the default port; never n/a."""
    conf = HARDENED_HOST["/etc/libvirt/libvirtd.conf"] + 'listen_tcp = 1\ntcp_port = "16600"\n'
    a = host_scan(
        {
            "/etc/libvirt/libvirtd.conf": conf,
            "listeners": (LISTEN + listener("0.0.0.0:16600", "libvirtd", 700), 0),
        }
    )
    assert outcomes(a, "HVA-035") == {"hv1": "fail"}, messages(a, "HVA-035")
    assert "tcp_min_ssf = 56" in messages(a, "HVA-035")["hv1"]


def test_sssd_with_only_the_files_provider_is_local(host_scan) -> None:
    """sssd-files(5): "The files provider mirrors the content of the passwd(5) and group(5)
    files": SSSD then serves the host's own local accounts (the authselect 'sssd' profile of
    RHEL 8 / Fedora works this way without any directory). nsswitch naming sss proves only that
    SSSD answers, not that a directory stands behind it; the collected sssd.conf says it does
    not. Fail (local accounts only)."""
    a = host_scan(
        {
            "/etc/nsswitch.conf": "passwd:         sss files\ngroup:          sss files\n",
            "/etc/sssd/sssd.conf": "[sssd]\ndomains = local\nservices = nss, pam\n\n"
            "[domain/local]\nid_provider = files\n",
        }
    )
    assert outcomes(a, "HVA-150") == {"hv1": "fail"}, messages(a, "HVA-150")


def test_sssd_with_an_ad_domain_passes(host_scan) -> None:
    a = host_scan(
        {
            "/etc/sssd/sssd.conf": "[sssd]\ndomains = corp.example\nservices = nss, pam\n\n"
            "[domain/corp.example]\nid_provider = ad\naccess_provider = ad\n",
        }
    )
    assert outcomes(a, "HVA-150") == {"hv1": "pass"}, messages(a, "HVA-150")


def test_vmware_vlance_is_the_pcnet_nic(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """VMware KB 1001805, "Choosing a network adapter for your virtual machine": "Vlance: An
    emulated version of the AMD 79C970 PCnet32 LANCE NIC, an older 10 Mbps NIC". That is the pcnet
    model HVA-047 names as legacy (LEGACY_MODELS 'pcnet NIC'): fail, as the same NIC fails on KVM."""
    import json

    from hvaudit.cli import main

    d = tmp_path / "ds" / "web-01"
    d.mkdir(parents=True)
    vmx = VMX_WEB.read_text().replace(
        'ethernet0.virtualDev = "vmxnet3"', 'ethernet0.virtualDev = "vlance"'
    )
    (d / "web-01.vmx").write_text(vmx)
    main(["scan", "--connect", f"vmx+dir://{tmp_path / 'ds'}", "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    status, msg = pve_result(json.loads(out), "HVA-047", "web-01")
    assert status == "fail", msg


def test_socket_activated_sshd_is_the_approved_sshd(host_scan) -> None:
    """systemd.socket(5): with socket activation systemd holds the listening socket and starts
    the service on the first connection, so `ss -p` names systemd (pid 1). Ubuntu 22.10 and later
    start OpenSSH through ssh.socket by default. The listener on port 22 (sshd -T `port 22`) is
    sshd's, which the profile approves; HVA-210 already names it "sshd socket held by systemd".
    A hardened host must not fail: pass."""
    listeners = (
        "tcp   LISTEN 0      4096       10.0.0.10:22        0.0.0.0:*    "
        'users:(("systemd",pid=1,fd=60))\n'
        "udp   UNCONN 0      0          127.0.0.1:323       0.0.0.0:*    "
        'users:(("chronyd",pid=402,fd=5))\n'
    )
    a = host_scan(
        {"listeners": (listeners, 0), "sshd-units": ("inactive\ninactive\nactive\ninactive\n", 3)}
    )
    assert outcomes(a, "HVA-033") == {"hv1": "pass"}, messages(a, "HVA-033")


def test_chronyd_that_does_not_control_the_clock(host_scan) -> None:
    """chronyd(8), -x: "This option disables the control of the system clock. chronyd will not
    try to make any adjustments of the clock" (for running it as an NTP server only). The
    process runs, the host clock is not synchronised: fail."""
    procs = PROCS.replace("/usr/sbin/chronyd -F 1", "/usr/sbin/chronyd -x -F 1")
    a = host_scan({"processes": (procs, 0)})
    assert outcomes(a, "HVA-202") == {"hv1": "fail"}, messages(a, "HVA-202")


def test_cloned_mac_defeats_mac_spoofing_filters(tmp_path: Path) -> None:
    """formatnwfilter, "Usage of variables in filters": MAC is "the MAC address of the network
    interface", and no-mac-spoofing drops frames whose source is not $MAC. Two interfaces with one
    MAC on one segment can each send as the other and take its traffic: the anti-spoofing filter
    protects neither. Evidence: both domain definitions. Fail both, naming the other VM; the VM
    with its own MAC passes."""
    from test_checks_vm import NWFILTERS

    nic = (
        "<interface type='network'><mac address='{mac}'/><source network='lan'/>"
        "<model type='virtio'/><filterref filter='clean-traffic'>"
        "<parameter name='IP' value='{ip}'/></filterref></interface>"
    )
    uri = write_node(
        tmp_path / "n.xml",
        [
            dev("clone_a", nic.format(mac="52:54:00:aa:bb:cc", ip="10.0.0.43")),
            dev("clone_b", nic.format(mac="52:54:00:aa:bb:cc", ip="10.0.0.44")),
            dev("own_mac", nic.format(mac="52:54:00:aa:bb:01", ip="10.0.0.45")),
        ],
        [LAN],
    )
    a = run_assessment(_bundle_with_filters(tmp_path, uri, dict(NWFILTERS)))
    assert outcomes(a, "HVA-191") == {
        "clone_a": "fail",
        "clone_b": "fail",
        "own_mac": "pass",
    }, messages(a, "HVA-191")
    assert "clone_b" in messages(a, "HVA-191")["clone_a"]


VM200 = (PVE_HARDENED / "etc/pve/qemu-server/200.conf").read_text()


def test_pve_rate_zero_limits_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """pve-common src/PVE/Network.pm: tap_plug calls tap_rate_limit($iface, $rate), and
    setup_tc_rate_limit deletes any qdisc and then `return if !$rate;` - rate=0 installs no limit
    (qm.adoc: rate "Rate limit in mbps"). The VM's NIC is unlimited: fail."""
    conf = VM200.replace("tag=20,rate=50", "tag=20,rate=0")
    report = pve_scan(tmp_path, capsys, {"etc/pve/qemu-server/200.conf": conf})
    status, msg = pve_result(report, "HVA-092", "web-10")
    assert status == "fail", msg


def test_pve_read_only_disk_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """qm.adoc, drive options: mbps_rd "Maximum read speed", mbps_wr "Maximum write speed" (mbps
    both). With mbps_rd alone the guest's writes are unthrottled: fail, naming the write side."""
    conf = VM200.replace("mbps_rd=200,mbps_wr=100", "mbps_rd=200")
    report = pve_scan(tmp_path, capsys, {"etc/pve/qemu-server/200.conf": conf})
    status, msg = pve_result(report, "HVA-092", "web-10")
    assert status == "fail", msg
    assert "write" in msg


def test_hugepage_backed_vm_is_never_merged(host_scan) -> None:
    """Linux Documentation/admin-guide/mm/ksm.rst: "KSM only merges anonymous (private) pages,
    never pagecache (file) pages"; a VM whose RAM is <memoryBacking><hugepages/> lives in
    hugetlbfs files (libvirt formatdomain "Memory Backing"; QEMU memory-backend-file on
    /dev/hugepages), which KSM never scans. A hardened host whose every VM is huge-page backed
    shares nothing between VMs: pass, as with <nosharepages/>."""
    a = host_scan(
        {"/sys/kernel/mm/ksm/run": "1\n"},
        domains=[
            domain_xml("huge", body="<memoryBacking><hugepages/></memoryBacking>"),
            domain_xml("nsp", body="<memoryBacking><nosharepages/></memoryBacking>"),
        ],
    )
    assert outcomes(a, "HVA-061") == {"hv1": "pass"}, messages(a, "HVA-061")


def test_ovs_bridge_uplink_checks_ask(host_scan) -> None:
    """Open vSwitch: every OVS port, VM tap or physical uplink, shows `master ovs-system` in
    `ip -d link` (the datapath), so which uplinks serve ovsbr0 is only in `ovs-vsctl list-ports
    ovsbr0`; an OVS port without a tag forwards the VM's tagged frames (ovs-vswitchd.conf.db(5),
    vlan_mode trunk). The VM defined on ovsbr0 proves a VM bridge exists: neither a pass nor
    'not applicable'. Manual for both, naming ovsbr0."""
    a = host_scan(
        {"ip-link": (OVS_LINKS, 0), "ip-addr": (OVS_ADDR, 0)},
        domains=[
            dev(
                "onovs",
                "<interface type='bridge'><source bridge='ovsbr0'/>"
                "<virtualport type='openvswitch'/><model type='virtio'/></interface>",
            )
        ],
    )
    for check_id in ("HVA-195", "HVA-220"):
        assert outcomes(a, check_id) == {"hv1": "manual"}, messages(a, check_id)
        assert "ovsbr0" in messages(a, check_id)["hv1"]


def test_static_apparmor_label_of_another_vm(host_scan) -> None:
    """libvirt src/security/security_apparmor.c: a dynamic VM's profile is AA_PREFIX "libvirt-"
    + its uuid, which virt-aa-helper writes to allow that VM's own disks and devices. A second VM
    given `<seclabel type='static' model='apparmor'><label>libvirt-<uuid of web01></label>` runs
    under web01's profile and may open web01's images: the sharing the check fails for two static
    labels. Fail, naming web01."""
    a = host_scan(
        domains=[
            domain_xml("web01"),
            domain_xml(
                "borrower",
                body="<seclabel type='static' model='apparmor' relabel='no'>"
                f"<label>libvirt-{_uuid('web01')}</label></seclabel>",
            ),
        ]
    )
    got = outcomes(a, "HVA-044")
    assert got["borrower"] == "fail", messages(a, "HVA-044")
    assert "web01" in messages(a, "HVA-044")["borrower"]


def _bundle_with_live_xml(d: Path, host: dict[str, Any], xmls: dict[str, str]) -> Path:
    """A replayed host whose daemon returned these domain XML documents verbatim: what a real
    libvirtd reports for running VMs (live XML with the labels it generated), which the test
    driver does not keep. The first red team's raw-argument probe builds its bundle the same way."""
    from conftest import ReplayRunner, _replay_secmodel, from_qemu_driver
    from hvaudit.bundle import BundleWriter, dump_json
    from hvaudit.collect.host import HostCollector
    from hvaudit.collect.libvirt import LibvirtCollector, LibvirtTarget

    uri = write_node(d / "n.xml", [domain_xml("placeholder")])
    writer = BundleWriter(d / "b", target="qemu+ssh://root@hv1/system", platform="kvm-libvirt")
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=True).collect(writer)
    del writer.entries["libvirt/domains/index.json"]
    assert writer.root is not None
    (writer.root / "libvirt/domains/index.json").unlink()
    index = []
    for name, xml in xmls.items():
        path = f"libvirt/domains/{name}.xml"
        writer.add(path, xml.encode(), origin="virDomainGetXMLDesc")
        index.append({"uuid": name, "file": path, "autostart": True})
    writer.add("libvirt/domains/index.json", dump_json({"domains": index}), origin="test")
    writer.meta["collector"]["libvirt"]["simulated"] = False
    writer.meta["collector"]["libvirt"]["hostname"] = "hv1"
    from_qemu_driver(writer)
    _replay_secmodel(writer, host.get("secmodel", "apparmor"))
    HostCollector(ReplayRunner(host)).collect(writer)
    return writer.close(complete=True)


def _live(name: str, body: str) -> str:
    """A running domain's live XML (id='1')."""
    return domain_xml(name, body=body).replace("<domain type='kvm'>", "<domain type='kvm' id='1'>")


def test_static_label_equal_to_a_running_dynamic_label(tmp_path: Path) -> None:
    """libvirt formatdomain, "Security label": a running VM's live XML shows the dynamic label
    it was given (<label> under type='dynamic'). libvirt reserves MCS pairs for the dynamic
    labels it generates; a static label is taken as written (the administrator's duty). A static
    VM with the pair c10,c20 that the running dyn_a holds shares its categories: each may open
    the other's images (virSecuritySELinuxMCSFind: equal category sets). Fail the static VM,
    naming dyn_a."""
    from test_redteam_probes import SELINUX_HOST

    xmls = {
        "dyn_a": _live(
            "dyn_a",
            "<seclabel type='dynamic' model='selinux' relabel='yes'>"
            "<label>system_u:system_r:svirt_t:s0:c10,c20</label>"
            "<imagelabel>system_u:object_r:svirt_image_t:s0:c10,c20</imagelabel></seclabel>",
        ),
        "stat_b": _live(
            "stat_b",
            "<seclabel type='static' model='selinux' relabel='yes'>"
            "<label>system_u:system_r:svirt_t:s0:c20,c10</label></seclabel>",
        ),
    }
    a = run_assessment(_bundle_with_live_xml(tmp_path, dict(SELINUX_HOST), xmls))
    got, msgs = outcomes(a, "HVA-044"), messages(a, "HVA-044")
    assert got["dyn_a"] == "pass", msgs
    assert got["stat_b"] == "fail", msgs
    assert "dyn_a" in msgs["stat_b"]


def test_sshd_command_line_option_overrides_the_file(host_scan) -> None:
    """sshd(8), -o option: "Can be used to give options in the format used in the configuration
    file"; command-line options take precedence over the file (sshd reads them first, and the
    first value obtained wins, sshd_config(5)). The listener's title (OpenSSH sets it to
    "sshd: <argv> [listener] ...") shows `-o PermitRootLogin=yes`: root may log in. Fail,
    naming the option."""
    procs = PROCS.replace(
        "sshd: /usr/sbin/sshd -D [listener]",
        "sshd: /usr/sbin/sshd -D -o PermitRootLogin=yes [listener]",
    )
    a = host_scan({"processes": (procs, 0)})
    assert outcomes(a, "HVA-160") == {"hv1": "fail"}, messages(a, "HVA-160")
    assert "PermitRootLogin=yes" in messages(a, "HVA-160")["hv1"]


def test_domain_name_in_a_comment_is_no_per_vm_rule(host_scan) -> None:
    """polkit(8), "AUTHORIZATION RULES": rules files are JavaScript; a `//` comment is no code.
    The only rule grants every org.libvirt.api.* action on every VM to group ops. No rule looks at
    the domain: fail, as for rules without domain_name."""
    f = "/etc/polkit-1/rules.d/80-libvirt.rules"
    rules = (
        f'{f}:// TODO: narrow this by action.lookup("domain_name") per team\n'
        f"{f}:polkit.addRule(function(action, subject) {{\n"
        f'{f}:  if (action.id.indexOf("org.libvirt.api.") == 0 && subject.isInGroup("ops"))\n'
        f"{f}:    return polkit.Result.YES;\n"
        f"{f}:}});\n"
    )
    a = host_scan({"polkit-rules": (rules, 0)})
    assert outcomes(a, "HVA-131") == {"hv1": "fail"}, messages(a, "HVA-131")


def test_empty_shell_field_is_bin_sh(host_scan) -> None:
    """passwd(5): the shell field is the "optional user command interpreter ... If this field is
    empty, it defaults to the value /bin/sh"; OpenSSH session.c uses _PATH_BSHELL for an empty
    pw_shell. root, alice and three accounts with an empty shell = 5 login accounts > 3: fail,
    naming them."""
    passwd = HARDENED_HOST["/etc/passwd"] + (
        "bob:x:1001:1001::/home/bob:\ncarol:x:1002:1002::/home/carol:\n"
        "dave:x:1003:1003::/home/dave:\n"
    )
    a = host_scan({"/etc/passwd": passwd})
    assert outcomes(a, "HVA-140") == {"hv1": "fail"}, messages(a, "HVA-140")
    assert "bob" in messages(a, "HVA-140")["hv1"]


def test_nwfilter_on_an_ovs_port_is_a_question(tmp_path: Path) -> None:
    """libvirt's nwfilter instantiates ebtables and iptables (physdev) rules on the tap device,
    which act only where the kernel's bridge netfilter hooks run: on a Linux bridge. Frames
    switched by Open vSwitch's datapath bypass them ("iptables rules are not applied when
    packets are forwarded on OVS bridges", why OpenStack Nova plugs an extra Linux bridge per
    VIF, LibvirtHybridOVSBridgeDriver; Proxmox VE inserts fwbrNiM for the same reason, pve-common
    PVE/Network.pm create_firewall_bridge_ovs). Whether OVS itself stops spoofing (flows, port
    security) is outside the domain XML: manual, naming the OVS port; a Linux-bridge twin with
    the same filter passes."""
    from test_checks_vm import NWFILTERS

    uri = write_node(
        tmp_path / "n.xml",
        [
            dev(
                "ovs_ct",
                "<interface type='bridge'><source bridge='ovsbr0'/><virtualport type='openvswitch'/>"
                "<model type='virtio'/><filterref filter='clean-traffic'>"
                "<parameter name='IP' value='10.0.0.46'/></filterref></interface>",
            ),
            dev(
                "lb_ct",
                "<interface type='bridge'><source bridge='br0'/><model type='virtio'/>"
                "<filterref filter='clean-traffic'><parameter name='IP' value='10.0.0.47'/>"
                "</filterref></interface>",
            ),
        ],
    )
    a = run_assessment(_bundle_with_filters(tmp_path, uri, dict(NWFILTERS)))
    assert outcomes(a, "HVA-191") == {"ovs_ct": "manual", "lb_ct": "pass"}, messages(a, "HVA-191")


def test_desktop_packages_outside_the_list(host_scan) -> None:
    """Debian package descriptions: tigervnc-standalone-server "Standalone virtual network
    computing server ... Xtigervnc is a VNC server ... an X server"; xorgxrdp "Remote Desktop
    Protocol (RDP) modules for X.org" (xrdp runs an Xorg session per login);
    mate-session-manager "Session manager of the MATE desktop environment". A desktop and two
    display servers are installed: fail, naming them."""
    pkgs = HARDENED_HOST["dpkg-packages"][0] + (
        "mate-session-manager\t1.26.0-1\tii \nxrdp\t0.9.21.1-1\tii \n"
        "xorgxrdp\t1:0.9.19-1\tii \ntigervnc-standalone-server\t1.12.0+dfsg-8\tii \n"
    )
    a = host_scan({"dpkg-packages": (pkgs, 0)})
    assert outcomes(a, "HVA-001") == {"hv1": "fail"}, messages(a, "HVA-001")


def test_nft_prefix_zero_accepts_every_ipv4_packet(host_scan) -> None:
    """nft(8), "PAYLOAD EXPRESSIONS"/prefixes: 0.0.0.0/0 is the prefix of length 0, which every
    IPv4 address matches; in an inet table the `ip saddr` match selects all IPv4 packets. Every
    IPv4 packet is accepted before the drop policy: fail (IPv4 accepted by default)."""
    import json

    from conftest import NFT_DROP

    ruleset = json.loads(NFT_DROP)
    ruleset["nftables"].append(
        {
            "rule": {
                "family": "inet",
                "table": "filter",
                "chain": "input",
                "handle": 5,
                "expr": [
                    {
                        "match": {
                            "op": "==",
                            "left": {"payload": {"protocol": "ip", "field": "saddr"}},
                            "right": {"prefix": {"addr": "0.0.0.0", "len": 0}},
                        }
                    },
                    {"accept": None},
                ],
            }
        }
    )
    a = host_scan({"nft-ruleset": (json.dumps(ruleset), 0)})
    assert outcomes(a, "HVA-190") == {"hv1": "fail"}, messages(a, "HVA-190")


def test_pve_node_firewall_off_admits_everyone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Proxmox VE admin guide, firewall, "Host Specific Configuration": host.fw `enable` -
    "Enable host firewall rules"; pve-firewall compiles the host chains (PVEFW-HOST-IN, where
    the datacenter's IN rules for the node land) only when the host firewall is enabled
    (PVE/Firewall.pm compile: $hostfw_enable). With it off, 22 and 8006 are open to every
    source, as HVA-313 already says when the cluster firewall is off: fail."""
    hostfw = (PVE_HARDENED / "etc/pve/nodes/pve-h1/host.fw").read_text()
    report = pve_scan(
        tmp_path,
        capsys,
        {"etc/pve/nodes/pve-h1/host.fw": hostfw.replace("enable: 1", "enable: 0")},
    )
    assert pve_result(report, "HVA-302", "pve-h1")[0] == "fail"
    status, msg = pve_result(report, "HVA-313", "pve-h1")
    assert status == "fail", msg


def test_tls_listener_on_a_configured_port_is_judged(host_scan) -> None:
    """libvirtd.conf.in: "#tls_port = \\"16514\\"" overrides the TLS port. The listener exists on
    16600 and admits any certificate the CA signed (auth_tls none, no DN list): fail, as on
    16514."""
    conf = HARDENED_HOST["/etc/libvirt/libvirtd.conf"] + 'listen_tls = 1\ntls_port = "16600"\n'
    a = host_scan(
        {
            "/etc/libvirt/libvirtd.conf": conf,
            "listeners": (LISTEN + listener("0.0.0.0:16600", "libvirtd", 700), 0),
            "processes": (
                PROCS.replace("/usr/sbin/libvirtd --timeout 120", "/usr/sbin/libvirtd --listen"),
                0,
            ),
        }
    )
    assert outcomes(a, "HVA-034") == {"hv1": "fail"}, messages(a, "HVA-034")


def test_qemu_user_that_is_uid_0_by_another_name(host_scan) -> None:
    """qemu.conf.in: `user` is a user name or "+N" uid; libvirt resolves a name through the
    passwd database (virGetUserID), so a second uid-0 account is root under another name. The
    collected /etc/passwd says toor has uid 0 (HVA-141 fails it on the same host): QEMU runs as
    root. Fail, naming toor / uid 0."""
    passwd = HARDENED_HOST["/etc/passwd"] + "toor:x:0:0:backup root:/root:/usr/sbin/nologin\n"
    conf = HARDENED_HOST["/etc/libvirt/qemu.conf"].replace('user = "libvirt-qemu"', 'user = "toor"')
    procs = "".join(line + "\n" for line in PROCS.splitlines() if "qemu" not in line)
    a = host_scan({"/etc/passwd": passwd, "/etc/libvirt/qemu.conf": conf, "processes": (procs, 0)})
    assert outcomes(a, "HVA-141") == {"hv1": "fail"}
    assert outcomes(a, "HVA-042") == {"hv1": "fail"}, messages(a, "HVA-042")
    assert "toor" in messages(a, "HVA-042")["hv1"]


def test_static_apparmor_profile_confines_its_vm(host_scan) -> None:
    """libvirt formatdomain, "Security label": a static label names the profile the VM runs
    under (security_apparmor.c changes to the <label> profile, not libvirt-<uuid>). The profile
    `vm-web01-strict` is loaded in enforce mode (/sys/kernel/security/apparmor/profiles): the VM
    enforces. A hardened static confinement must not fail the host: pass (the host's other VM,
    web01, has its libvirt-<uuid> profile enforcing). Whether that profile confines QEMU to this
    VM's own files is HVA-044's question (manual, as for an unknown SELinux type, #4)."""
    profiles = HARDENED_HOST["/sys/kernel/security/apparmor/profiles"] + (
        "vm-strict-profile (enforce)\n"
    )
    a = host_scan(
        {"/sys/kernel/security/apparmor/profiles": profiles},
        domains=[
            domain_xml("web01"),
            domain_xml(
                "strict",
                body="<seclabel type='static' model='apparmor' relabel='no'>"
                "<label>vm-strict-profile</label></seclabel>",
            ),
        ],
    )
    assert outcomes(a, "HVA-043") == {"hv1": "pass"}, messages(a, "HVA-043")


def test_radius_localifdown_is_no_second_factor(host_scan) -> None:
    """FreeRADIUS pam_radius USAGE, localifdown: "This option tells pam_radius to return
    PAM_IGNORE instead of PAM_AUTHINFO_UNAVAIL if RADIUS auth failed due to network
    unavailability. PAM_IGNORE tells the pam stack to continue down the stack regardless of the
    control flag." Whoever can cut the host off its RADIUS server (or wait for an outage) logs in
    with the password: the same step-aside as nullok/nouserok. Fail, naming localifdown (sshd
    admits keyboard-interactive alone, so PAM is the whole login)."""
    pam = "auth required pam_radius_auth.so localifdown\n@include common-auth\n"
    a = host_scan({"/etc/pam.d/sshd": pam, "sshd-effective": (KBD_ONLY, 0)})
    assert outcomes(a, "HVA-151") == {"hv1": "fail"}, messages(a, "HVA-151")
    assert "localifdown" in messages(a, "HVA-151")["hv1"]


JOURNAL_UPLOAD = {
    "rsyslog-config": (DEBIAN_RSYSLOG_MAIN, 0),
    "/etc/systemd/journal-upload.conf": "[Upload]\nURL=https://logs.example.internal:19532\n",
}


def test_journal_upload_configured_but_not_running(host_scan) -> None:
    """systemd-journal-upload.service(8): the uploader is a service that must run (enabled
    unit) to send anything; journal-upload.conf(5) only configures it, and the file ships with the
    package. The collected process list has no systemd-journal-upload: nothing is forwarded.
    Fail (configured, not running); the twin with the process running passes."""
    a = host_scan(JOURNAL_UPLOAD)
    assert outcomes(a, "HVA-200") == {"hv1": "fail"}, messages(a, "HVA-200")
    assert "journal-upload" in messages(a, "HVA-200")["hv1"]


def test_journal_upload_running_passes(host_scan) -> None:
    procs = PROCS + (
        "  950 systemd-journal-upload /lib/systemd/systemd-journal-upload --save-state\n"
    )
    a = host_scan({**JOURNAL_UPLOAD, "processes": (procs, 0)})
    assert outcomes(a, "HVA-200") == {"hv1": "pass"}, messages(a, "HVA-200")


def test_pveproxy_file_is_read_as_shell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """pve-http-server PVE/APIServer/Utils.pm read_proxy_config: "# Note: evaluate with bash" -
    the file is sourced (`. /etc/default/pveproxy`) and ALLOW_FROM/DENY_FROM/POLICY are echoed
    back, so `export ALLOW_FROM=...` is as valid as `ALLOW_FROM=...`. The hardened settings
    written that way must pass, not stop the check with an error."""
    report = pve_scan(
        tmp_path,
        capsys,
        {
            "etc/default/pveproxy": 'export ALLOW_FROM="10.0.0.0/24,10.0.8.0/24"\n'
            'export DENY_FROM="all"\nexport POLICY="allow"\n'
        },
    )
    status, msg = pve_result(report, "HVA-305", "pve-h1")
    assert status == "pass", msg


def test_migration_address_zero_is_every_address(host_scan) -> None:
    """inet_aton(3): an address of one part "a" is "stored directly in the network address", so
    "0" is 0.0.0.0; QEMU resolves the -incoming host with getaddrinfo, which takes that numeric
    form. Incoming migrations then listen on every address: fail, as for 0.0.0.0."""
    conf = HARDENED_HOST["/etc/libvirt/qemu.conf"].replace(
        'migration_address = "10.0.1.10"', 'migration_address = "0"'
    )
    a = host_scan({"/etc/libvirt/qemu.conf": conf})
    assert outcomes(a, "HVA-036") == {"hv1": "fail"}, messages(a, "HVA-036")


def test_iscsi_pool_served_by_the_host_itself(tmp_path: Path) -> None:
    """formatstorage, "iSCSI pool": <source><host name=.../> is the target's portal. localhost
    is this host, so its LIO target exports the host's own disks back: the images stay on the
    hypervisor. Fail, naming the source host (the twin of the netfs probe, #32)."""
    pool = (
        "<pool type='iscsi'><name>lunpool</name><source><host name='localhost'/>"
        "<device path='iqn.2024-01.org.example:images'/></source>"
        "<target><path>/dev/disk/by-path</path></target></pool>"
    )
    uri = write_node(tmp_path / "n.xml", [domain_xml("web01")], pools=[pool])
    a = run_assessment(build_bundle(tmp_path, uri, dict(HARDENED_HOST), name="b"))
    assert outcomes(a, "HVA-100") == {"lunpool": "fail"}, messages(a, "HVA-100")
    assert "localhost" in messages(a, "HVA-100")["lunpool"]


def test_selinux_permissive_domains_are_not_read(host_scan) -> None:
    """semanage-permissive(8): a permissive domain is "a process domain that is not enforced" -
    its denials are logged and allowed while the rest of the system enforces. The SELinux twin
    of an AppArmor profile in complain mode, which HVA-043 reads per profile: with svirt_t (or
    svirt_tcg_t) permissive no VM is confined. /sys/fs/selinux/enforce = 1 does not show it and
    the permissive list (`semanage permissive -l`, or the permissive_* modules of `semodule -l`)
    is not collected: manual naming svirt_t, until it is collected (then fail when listed)."""
    from test_redteam_probes import SELINUX_HOST

    unread = {**SELINUX_HOST, "selinux-permissive": None, "selinux-modules": None}
    a = host_scan(unread)
    assert outcomes(a, "HVA-043") == {"hv1": "manual"}, messages(a, "HVA-043")
    assert "svirt_t" in messages(a, "HVA-043")["hv1"]
    a = host_scan({**SELINUX_HOST, "selinux-permissive": ("svirt_t\n", 0)})
    assert outcomes(a, "HVA-043") == {"hv1": "fail"}, messages(a, "HVA-043")
    assert "svirt_t" in messages(a, "HVA-043")["hv1"]


@pytest.mark.parametrize(
    "directive",
    [
        "#include /etc/sudoers.custom",
        "@include /etc/sudoers.local",
        "#includedir /etc/sudoers.extra.d",
    ],
    ids=["hash-include", "at-include", "hash-includedir"],
)
def test_sudoers_include_outside_the_collected_files(host_scan, directive: str) -> None:
    """sudoers(5), "Including other files from within sudoers": `@include`/`@includedir` (and the
    historic `#include`/`#includedir`, directives despite the '#') read further files into the
    policy. Only /etc/sudoers and /etc/sudoers.d are collected (grep -r): the rights those files
    grant are unread. Manual naming the file; never a count of what happened to be read."""
    sudoers = HARDENED_HOST["sudoers"][0] + f"/etc/sudoers:{directive}\n"
    a = host_scan({"sudoers": (sudoers, 0)})
    assert outcomes(a, "HVA-142") == {"hv1": "manual"}, messages(a, "HVA-142")
    assert directive.split()[1] in messages(a, "HVA-142")["hv1"]


@pytest.mark.parametrize("control", ["include", "substack"])
def test_pam_include_of_an_uncollected_file_is_a_question(host_scan, control: str) -> None:
    """pam.conf(5): `include` and `substack` pull in all lines of the named file in /etc/pam.d.
    Only sshd, common-auth, password-auth and system-auth are collected; /etc/pam.d/mfa-custom is
    not, so whether it requires an OTP module is not in the evidence. Manual naming the file (a
    hardened stack must not fail on a file hvaudit did not read)."""
    pam = f"auth {control} mfa-custom\n@include common-auth\n"
    a = host_scan({"/etc/pam.d/sshd": pam, "sshd-effective": (KBD_ONLY, 0)})
    assert outcomes(a, "HVA-151") == {"hv1": "manual"}, messages(a, "HVA-151")
    assert "mfa-custom" in messages(a, "HVA-151")["hv1"]


RSYSLOG_F = "/etc/rsyslog.d/50-remote.conf:"
RSYSLOG_TLS = (
    DEBIAN_RSYSLOG_MAIN + f"{RSYSLOG_F}$DefaultNetstreamDriver gtls\n"
    f"{RSYSLOG_F}$DefaultNetstreamDriverCAFile /etc/ssl/certs/log-ca.pem\n"
    f"{RSYSLOG_F}$ActionSendStreamDriverMode 1\n"
    f"{RSYSLOG_F}$ActionSendStreamDriverAuthMode x509/name\n"
)


@pytest.mark.parametrize("selector", ["*.none", "auth,authpriv.*"], ids=["none", "auth-only"])
def test_rsyslog_selector_decides_what_is_forwarded(host_scan, selector: str) -> None:
    """rsyslog "Filter Conditions", selectors: facility.priority; "The keyword none stands for
    no priority of the given facility", so `*.none` matches no message; `auth,authpriv.*` only
    the authentication facilities, leaving libvirt's and the kernel's logs (daemon, kern) on the
    host. The TLS settings are right; what travels is not the host's logs: fail."""
    cfg = RSYSLOG_TLS + f"{RSYSLOG_F}{selector} @@logs.example.internal:6514\n"
    a = host_scan({"rsyslog-config": (cfg, 0)})
    assert outcomes(a, "HVA-200") == {"hv1": "fail"}, messages(a, "HVA-200")


def test_rsyslog_everything_over_tls_passes(host_scan) -> None:
    cfg = RSYSLOG_TLS + f"{RSYSLOG_F}*.* @@logs.example.internal:6514\n"
    a = host_scan({"rsyslog-config": (cfg, 0)})
    assert outcomes(a, "HVA-200") == {"hv1": "pass"}, messages(a, "HVA-200")


def test_rsyslog_certvalid_is_not_server_authentication(host_scan) -> None:
    """rsyslog gtls/ossl network stream driver, StreamDriverAuthMode: "x509/certvalid is a
    nonstandard mode. It validates the remote peers certificate, but does not check the subject
    name. This is weak authentication ... It is highly recommended to use the x509/name mode".
    Any certificate the CA ever signed can pose as the log server - the reasoning by which
    HVA-034 fails a libvirt TLS listener without a DN list. Fail."""
    cfg = DEBIAN_RSYSLOG_MAIN + (
        f'{RSYSLOG_F}action(type="omfwd" target="logs.example.internal" port="6514" '
        'protocol="tcp" StreamDriver="gtls" StreamDriverMode="1" '
        'StreamDriverAuthMode="x509/certvalid")\n'
    )
    a = host_scan({"rsyslog-config": (cfg, 0)})
    assert outcomes(a, "HVA-200") == {"hv1": "fail"}, messages(a, "HVA-200")


def _nft_with(match: dict[str, Any]) -> str:
    import json

    from conftest import NFT_DROP

    ruleset = json.loads(NFT_DROP)
    ruleset["nftables"].append(
        {
            "rule": {
                "family": "inet",
                "table": "filter",
                "chain": "input",
                "handle": 7,
                "expr": [{"match": match}, {"accept": None}],
            }
        }
    )
    return json.dumps(ruleset)


@pytest.mark.parametrize(
    "match",
    [
        {"op": "!=", "left": {"meta": {"key": "iifname"}}, "right": "lo"},
        {
            "op": "in",
            "left": {"ct": {"key": "state"}},
            "right": {"set": ["new", "established", "related", "invalid", "untracked"]},
        },
    ],
    ids=["not-loopback", "every-ct-state"],
)
def test_nft_catch_all_in_other_spellings(host_scan, match: dict[str, Any]) -> None:
    """nft(8): `iifname != "lo"` matches every packet that did not arrive on loopback, which is
    every packet from the network; the five conntrack states (new, established, related,
    invalid, untracked; nft(8) "CONNTRACK EXPRESSIONS") cover every packet. Either rule ahead
    of the drop policy accepts all inbound traffic: fail (the #48 class, after its fix)."""
    a = host_scan({"nft-ruleset": (_nft_with(match), 0)})
    assert outcomes(a, "HVA-190") == {"hv1": "fail"}, messages(a, "HVA-190")


def test_sssd_domain_disabled_explicitly(host_scan) -> None:
    """sssd.conf(5), domain option `enabled`: "Explicitly enable or disable the domain. If true,
    the domain is always "enabled". If false, the domain is always "disabled". If this option is
    not set, the configuration of the domain will be enabled only if it is listed in domains".
    The only directory domain is off: SSSD serves no directory accounts. Fail."""
    conf = (
        "[sssd]\ndomains = corp\nservices = nss, pam\n\n"
        "[domain/corp]\nid_provider = ad\nenabled = false\n"
    )
    a = host_scan({"/etc/sssd/sssd.conf": conf})
    assert outcomes(a, "HVA-150") == {"hv1": "fail"}, messages(a, "HVA-150")


def test_stderr_output_reaches_the_journal_under_systemd(host_scan) -> None:
    """systemd.exec(5): StandardOutput= defaults to DefaultStandardOutput= (systemd-system.conf:
    journal) and StandardError= to "inherit", i.e. the journal too; libvirtd.service sets
    neither. libvirt's stderr output (docs/logging.rst, "x:stderr") therefore lands in the
    journal like "x:journald" (unstructured). This host runs systemd (its socket units are
    listed): pass, as for journald."""
    conf = HARDENED_HOST["/etc/libvirt/libvirtd.conf"] + 'log_outputs = "3:stderr"\n'
    a = host_scan({"/etc/libvirt/libvirtd.conf": conf})
    assert outcomes(a, "HVA-213") == {"hv1": "pass"}, messages(a, "HVA-213")


def test_domain_name_read_but_not_restricting(host_scan) -> None:
    """polkit(8): rules are JavaScript; `action.lookup("domain_name") != ""` is true for every
    domain, and this rule returns YES for every org.libvirt.api.domain.* action of every VM to any
    subject. Mentioning domain_name is not restricting by it. hvaudit cannot run the rule; where
    it cannot tell that a comparison narrows to named VMs (a literal name or prefix), the verdict
    is a question, not a pass: manual (debatable - the alternative is recognising only literal
    comparisons as per-VM)."""
    f = "/etc/polkit-1/rules.d/80-libvirt.rules"
    rules = (
        f"{f}:polkit.addRule(function(action, subject) {{\n"
        f'{f}:  if (action.id.indexOf("org.libvirt.api.domain.") == 0 &&\n'
        f'{f}:      action.lookup("domain_name") != "")\n'
        f"{f}:    return polkit.Result.YES;\n"
        f"{f}:}});\n"
    )
    a = host_scan({"polkit-rules": (rules, 0)})
    assert outcomes(a, "HVA-131") == {"hv1": "manual"}, messages(a, "HVA-131")


def test_cgroup_controllers_without_devices(host_scan) -> None:
    """qemu.conf.in, cgroup_controllers: "What cgroup controllers to make use of with QEMU
    guests ... - 'devices' - use for device whitelisting"; a list without it (the default list
    has it) makes libvirt set no device ACL, whatever cgroup_device_acl says: every QEMU may
    open any device node its user and label allow. Fail, naming cgroup_controllers."""
    conf = HARDENED_HOST["/etc/libvirt/qemu.conf"] + (
        'cgroup_controllers = [ "cpu", "memory", "blkio", "cpuset", "cpuacct" ]\n'
    )
    a = host_scan({"/etc/libvirt/qemu.conf": conf})
    assert outcomes(a, "HVA-053") == {"hv1": "fail"}, messages(a, "HVA-053")
    assert "cgroup_controllers" in messages(a, "HVA-053")["hv1"]


def test_swtpm_as_root_emulates_a_device_as_root(host_scan) -> None:
    """qemu.conf.in: "User for the swtpm binary (TPM Emulator)" (swtpm_user/swtpm_group, default
    tss or swtpm by distribution). swtpm parses every TPM command the guest sends: it is device
    emulation for the guest as much as QEMU's, and the reason HVA-042 fails QEMU as root (a bug
    in it is a host compromise) holds for it. The VM has a vTPM (backend emulator), so swtpm
    runs for it: fail naming swtpm_user."""
    conf = HARDENED_HOST["/etc/libvirt/qemu.conf"] + 'swtpm_user = "root"\nswtpm_group = "root"\n'
    a = host_scan(
        {"/etc/libvirt/qemu.conf": conf},
        domains=[
            dev("vtpm", "<tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm>")
        ],
    )
    assert outcomes(a, "HVA-042") == {"hv1": "fail"}, messages(a, "HVA-042")
    assert "swtpm_user" in messages(a, "HVA-042")["hv1"]
