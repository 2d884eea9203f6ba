"""Host checks: each against the hardened baseline (pass) and against one change (fail / other).

Every case goes through the real collector, bundle, parser and engine; the host artefacts are
replayed (see conftest). Expected outcomes are exact, for the one host `hv1`.
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import HARDENED_HOST, NFT_DROP, domain_xml, messages, outcomes
from hvaudit.profile import Profile

# (check id, artefact overrides, expected status, fragment of the message)
CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("HVA-001", {}, "pass", "no desktop"),
    (
        "HVA-001",
        {"dpkg-packages": ("gdm3\t43.0-3\tii \nlibvirt-daemon\t9.0.0\tii \n", 0)},
        "fail",
        "gdm3",
    ),
    ("HVA-002", {}, "manual", "kernel hypervisor"),
    ("HVA-010", {}, "pass", "vmx present"),
    ("HVA-010", {"dev-kvm": ("", 2)}, "fail", "/dev/kvm is missing"),
    ("HVA-010", {"/proc/cpuinfo": "flags\t: fpu vme sse2\n"}, "pass", "nested or masked"),
    (
        "HVA-010",
        {"/proc/cpuinfo": "flags\t: fpu vme sse2\n", "dev-kvm": ("", 2)},
        "fail",
        "neither vmx nor svm",
    ),
    ("HVA-011", {}, "pass", "EPT/NPT enabled"),
    ("HVA-011", {"/sys/module/kvm_intel/parameters/ept": "N\n"}, "fail", "shadow paging"),
    (
        "HVA-011",
        {"/sys/module/kvm_intel/parameters/ept": None},
        "manual",
        "KVM module is not loaded",
    ),
    ("HVA-020", {}, "pass", "TPM 2.0"),
    ("HVA-020", {"/sys/class/tpm/tpm0/tpm_version_major": None}, "fail", "no TPM"),
    ("HVA-021", {}, "pass", "Secure Boot enabled"),
    ("HVA-021", {"secure-boot": ("   6   0   0   0   0\n", 0)}, "fail", "Secure Boot disabled"),
    ("HVA-021", {"efi": ("", 2), "secure-boot": ("", 1)}, "fail", "legacy BIOS"),
    ("HVA-022", {}, "pass", "event log present"),
    ("HVA-022", {"measured-boot-log": ("", 2)}, "fail", "no TPM boot event log"),
    ("HVA-023", {}, "manual", "TPM: 2"),
    ("HVA-030", {}, "pass", "UNIX sockets only"),
    (
        "HVA-030",
        {
            "/etc/libvirt/libvirtd.conf": 'listen_tcp = 1\nauth_tcp = "none"\n',
            "listeners": (
                'tcp LISTEN 0 128 0.0.0.0:16509 0.0.0.0:* users:(("libvirtd",pid=9,fd=3))\n',
                0,
            ),
        },
        "fail",
        "no authentication",
    ),
    (
        "HVA-030",
        {
            "/etc/libvirt/libvirtd.conf": "tls_no_verify_certificate = 1\n",
            "listeners": (
                'tcp LISTEN 0 128 10.0.0.10:16514 0.0.0.0:* users:(("libvirtd",pid=9,fd=3))\n',
                0,
            ),
        },
        "fail",
        "tls_no_verify_certificate",
    ),
    (
        "HVA-030",
        {
            "listeners": (
                'tcp LISTEN 0 128 10.0.0.10:16514 0.0.0.0:* users:(("libvirtd",pid=9,fd=3))\n',
                0,
            )
        },
        "pass",
        "only TLS",
    ),
    (
        "HVA-030",
        {"libvirt-socket-units": ("libvirtd-tcp.socket   enabled  enabled\n", 0)},
        "fail",
        "libvirtd-tcp.socket enabled",
    ),
    ("HVA-034", {}, "not_applicable", "no libvirt TLS listener"),
    (
        "HVA-034",
        {"libvirt-socket-units": ("libvirtd-tls.socket   enabled  enabled\n", 0)},
        "fail",
        "admits any certificate",
    ),
    (
        "HVA-034",
        {
            "libvirt-socket-units": ("libvirtd-tls.socket   enabled  enabled\n", 0),
            "/etc/libvirt/libvirtd.conf": 'tls_allowed_dn_list = ["C=GB,O=Example,CN=mgmt1"]\n',
        },
        "pass",
        "tls_allowed_dn_list",
    ),
    ("HVA-032", {}, "pass", "migrate_tls_force = 1"),
    (
        "HVA-032",
        {"/etc/libvirt/qemu.conf": 'user = "libvirt-qemu"\n'},
        "fail",
        "migrate_tls_force = 0",
    ),
    ("HVA-033", {}, "pass", "all approved"),
    (
        "HVA-033",
        {
            "listeners": (
                'tcp LISTEN 0 64 0.0.0.0:111 0.0.0.0:* users:(("rpcbind",pid=5,fd=8))\n',
                0,
            )
        },
        "fail",
        "rpcbind (tcp/111)",
    ),
    ("HVA-040", {}, "pass", "lockdown 'integrity'"),
    (
        "HVA-040",
        {"/sys/kernel/security/lockdown": "[none] integrity confidentiality\n"},
        "fail",
        "unsigned",
    ),
    (
        "HVA-040",
        {"/sys/kernel/security/lockdown": None, "/sys/module/module/parameters/sig_enforce": "Y\n"},
        "pass",
        "sig_enforce is on",
    ),
    (
        "HVA-045",
        {"/etc/libvirt/qemu.conf": "seccomp_sandbox = maybe\n"},
        "error",
        "/etc/libvirt/qemu.conf:1: cannot read value",
    ),
    ("HVA-130", {"/etc/libvirt/qemu.conf": "seccomp_sandbox = maybe\n"}, "pass", "polkit"),
    ("HVA-041", {}, "pass", "taint value 0"),
    ("HVA-041", {"/proc/sys/kernel/tainted": "12289\n"}, "fail", "out-of-tree module (O)"),
    ("HVA-042", {}, "pass", "as libvirt+"),
    ("HVA-042", {"/etc/libvirt/qemu.conf": 'user = "root"\n'}, "fail", "user = root"),
    (
        "HVA-042",
        {"processes": (" 1200 root /usr/bin/qemu-system-x86_64 -name guest=db1 -sandbox on\n", 0)},
        "fail",
        "run as root: db1",
    ),
    (
        "HVA-042",
        {"processes": ("    1 root /sbin/init\n", 0), "/etc/libvirt/qemu.conf": ""},
        "pass",
        "debian build of libvirt defaults to a non-root",
    ),
    (
        "HVA-042",
        {
            "processes": ("    1 root /sbin/init\n", 0),
            "/etc/libvirt/qemu.conf": "",
            "/etc/os-release": "ID=customlinux\n",
        },
        "manual",
        "build default",
    ),
    (
        "HVA-042",
        {
            "qemu-status-1200": (
                "/proc/1200/status:Seccomp:\t2\n/proc/1200/status:CapEff:\t00000000a80425fb\n",
                0,
            )
        },
        "fail",
        "hold capabilities: web01 (CapEff 0xa80425fb)",
    ),
    ("HVA-043", {}, "pass", "confines QEMU"),
    ("HVA-043", {"/etc/libvirt/qemu.conf": 'security_driver = "none"\n'}, "fail", "not confined"),
    ("HVA-045", {}, "pass", "seccomp_sandbox = -1"),
    ("HVA-045", {"/etc/libvirt/qemu.conf": "seccomp_sandbox = 0\n"}, "fail", "seccomp_sandbox = 0"),
    (
        "HVA-045",
        {"qemu-status-1200": ("/proc/1200/status:Seccomp:\t0\n", 0)},
        "fail",
        "without seccomp",
    ),
    ("HVA-048", {}, "pass", "security_require_confined = 1"),
    ("HVA-048", {"/etc/libvirt/qemu.conf": ""}, "fail", "security_require_confined = 0"),
    ("HVA-051", {}, "pass", "relaxed_acs_check = 0"),
    (
        "HVA-051",
        {"/etc/libvirt/qemu.conf": "relaxed_acs_check = 1\n"},
        "fail",
        "relaxed_acs_check = 1",
    ),
    ("HVA-052", {}, "pass", "no pcie_acs_override="),
    (
        "HVA-052",
        {
            "/proc/cmdline": "BOOT_IMAGE=/vmlinuz root=/dev/sda1 pcie_acs_override=downstream,multifunction\n"
        },
        "fail",
        "pcie_acs_override=downstream,multifunction",
    ),
    ("HVA-052", {"/proc/cmdline": None}, "manual", "/proc/cmdline could not be read"),
    ("HVA-061", {}, "pass", "KSM is off"),
    ("HVA-061", {"/sys/kernel/mm/ksm/run": "1\n"}, "fail", "merging"),
    ("HVA-101", {}, "manual", "storage pool"),
    ("HVA-110", {}, "manual", "suricata"),
    ("HVA-120", {}, "manual", "introspection tools found: none"),
    ("HVA-130", {}, "pass", "polkit"),
    ("HVA-130", {"/etc/libvirt/libvirtd.conf": ""}, "fail", "no access driver"),
    ("HVA-131", {}, "pass", "80-libvirt-acl.rules"),
    (
        "HVA-131",
        {
            "polkit-rules": (
                "/usr/share/polkit-1/rules.d/60-libvirt.rules:// libvirt group\n"
                "/usr/share/polkit-1/rules.d/60-libvirt.rules:if (action.id == "
                '"org.libvirt.unix.manage" && subject.isInGroup("libvirt"))\n',
                0,
            )
        },
        "fail",
        "no polkit rule looks at domain_name",
    ),
    ("HVA-131", {"/etc/libvirt/libvirtd.conf": ""}, "fail", "no polkit access driver"),
    ("HVA-132", {}, "pass", "auth_unix_rw = polkit"),
    (
        "HVA-132",
        {"/etc/libvirt/libvirtd.conf": 'auth_unix_rw = "none"\nunix_sock_rw_perms = "0777"\n'},
        "fail",
        "any local user",
    ),
    ("HVA-140", {}, "pass", "2 account(s)"),
    (
        "HVA-140",
        {
            "/etc/passwd": HARDENED_HOST["/etc/passwd"] + "bob:x:1001:1001::/home/bob:/bin/bash\n"
            "carol:x:1002:1002::/home/carol:/bin/zsh\n"
        },
        "fail",
        "4 account(s)",
    ),
    ("HVA-141", {}, "pass", "only uid-0"),
    (
        "HVA-141",
        {"/etc/passwd": HARDENED_HOST["/etc/passwd"] + "toor:x:0:0::/root:/bin/sh\n"},
        "fail",
        "root, toor",
    ),
    ("HVA-142", {}, "pass", "alice, root"),
    (
        "HVA-142",
        {"/etc/group": "sudo:x:27:alice,bob,carol\nlibvirt:x:108:dave\n"},
        "fail",
        "5 administrative",
    ),
    ("HVA-142", {"sudoers": RuntimeError("Permission denied")}, "error", "Permission denied"),
    ("HVA-150", {}, "pass", "through sss"),
    ("HVA-150", {"/etc/nsswitch.conf": "passwd: files systemd\n"}, "fail", "local accounts only"),
    ("HVA-151", {}, "pass", "pam_u2f"),
    ("HVA-151", {"/etc/pam.d/sshd": "@include common-auth\n"}, "fail", "single factor"),
    ("HVA-151", {"sshd-effective": None}, "not_applicable", "no SSH server"),
    ("HVA-160", {}, "pass", "PermitRootLogin no"),
    (
        "HVA-160",
        {"sshd-effective": ("port 22\npermitrootlogin prohibit-password\n", 0)},
        "fail",
        "prohibit-password",
    ),
    ("HVA-160", {"sshd-effective": None}, "not_applicable", "no SSH server"),
    ("HVA-160", {"sshd-effective": ("", 255)}, "error", "sshd -T exited 255"),
    ("HVA-161", {}, "pass", "allowgroups sshadmins"),
    (
        "HVA-161",
        {"sshd-effective": ("port 22\npermitrootlogin no\n", 0)},
        "fail",
        "neither AllowUsers",
    ),
    ("HVA-170", {}, "manual", "puppet-agent"),
    ("HVA-180", {}, "pass", "no pending security update"),
    (
        "HVA-180",
        {
            "apt-upgrade-simulation": (
                "Inst libssl3 [3.0.11-1~deb12u1] (3.0.14-1~deb12u2 Debian-Security:12/stable-security [amd64])\n"
                "Inst tzdata [2024a-0+deb12u1] (2024b-0+deb12u1 Debian:12.8/stable [all])\n",
                0,
            )
        },
        "fail",
        "1 pending security update(s): libssl3",
    ),
    (
        "HVA-180",
        {"apt-upgrade-simulation": None, "dnf-security-updates": None},
        "manual",
        "no supported package manager",
    ),
    ("HVA-181", {}, "pass", "none unmitigated"),
    (
        "HVA-181",
        {"cpu-vulnerabilities": ("/sys/devices/system/cpu/vulnerabilities/l1tf:Vulnerable\n", 0)},
        "fail",
        "l1tf",
    ),
    ("HVA-190", {}, "pass", "drops"),
    (
        "HVA-190",
        {
            "nft-ruleset": ('{"nftables": [{"metainfo": {"version": "1.0.6"}}]}', 0),
            "iptables-input": ("-P INPUT ACCEPT\n", 0),
        },
        "fail",
        "accepted by default",
    ),
    (
        "HVA-190",
        {"nft-ruleset": None, "iptables-input": ("-P INPUT ACCEPT\n-A INPUT -j DROP\n", 0)},
        "pass",
        "drops",
    ),
    (
        "HVA-190",
        {"nft-ruleset": None, "iptables-input": None},
        "manual",
        "neither nft nor iptables",
    ),
    ("HVA-200", {}, "pass", "over TLS to logs.example.internal"),
    (
        "HVA-200",
        {"rsyslog-config": ("/etc/rsyslog.conf:*.* @@logs.example.internal:514\n", 0)},
        "fail",
        "without TLS to logs.example.internal",
    ),
    (
        "HVA-200",
        {"rsyslog-config": ("/etc/rsyslog.conf:*.* /var/log/syslog\n", 0)},
        "fail",
        "no remote log destination",
    ),
    ("HVA-201", {}, "pass", "audit_level = 2"),
    ("HVA-201", {"processes": ("    1 root /sbin/init\n", 0)}, "fail", "auditd is not running"),
    ("HVA-201", {"/etc/libvirt/libvirtd.conf": "audit_level = 0\n"}, "fail", "auditing disabled"),
    ("HVA-202", {}, "pass", "chronyd running"),
    (
        "HVA-202",
        {"processes": ("    1 root /sbin/init\n  401 root /sbin/auditd\n", 0)},
        "fail",
        "no time",
    ),
    ("HVA-210", {}, "pass", "none on a wildcard"),
    (
        "HVA-210",
        {"listeners": ('tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:(("sshd",pid=8,fd=3))\n', 0)},
        "fail",
        "sshd (tcp/22)",
    ),
    ("HVA-211", {}, "pass", "no host address on a bridge"),
    (
        "HVA-211",
        {
            "ip-addr": (
                '[{"ifname": "br0", "addr_info": [{"local": "10.0.0.10", "scope": "global"}]}]',
                0,
            )
        },
        "fail",
        "br0 (10.0.0.10)",
    ),
    ("HVA-212", {}, "manual", "input policy: drop"),
    ("HVA-220", {}, "pass", "each on a bond"),
    (
        "HVA-220",
        {
            "ip-link": (
                '[{"ifname": "br0", "linkinfo": {"info_kind": "bridge"}},'
                '{"ifname": "eno1", "master": "br0"},{"ifname": "vnet0", "master": "br0"}]',
                0,
            )
        },
        "fail",
        "br0 (uplinks: eno1)",
    ),
]


@pytest.mark.parametrize(
    ("check_id", "overrides", "status", "fragment"),
    CASES,
    ids=[f"{c[0]}-{c[2]}-{i}" for i, c in enumerate(CASES)],
)
def test_host_check(
    host_scan, check_id: str, overrides: dict[str, Any], status: str, fragment: str
) -> None:
    a = host_scan(overrides)
    assert outcomes(a, check_id) == {"hv1": status}
    assert fragment in messages(a, check_id)["hv1"]


def test_overcommit_ratio_uses_running_and_autostart_vms_against_the_profile(host_scan) -> None:
    domains = [domain_xml("big1", memory_mib=12 * 1024), domain_xml("big2", memory_mib=12 * 1024)]
    a = host_scan(domains=domains)
    assert outcomes(a, "HVA-060") == {"hv1": "pass"}  # 24 GiB on 16 GiB: 1.5, the limit itself
    strict = Profile(name="strict", ram_overcommit_max=1.0)
    a = host_scan(domains=domains, profile=strict)
    assert outcomes(a, "HVA-060") == {"hv1": "fail"}
    assert "ratio 1.50 (limit 1)" in messages(a, "HVA-060")["hv1"]


def test_vcpu_allocation_against_cores(host_scan) -> None:
    a = host_scan(domains=[domain_xml("a", vcpus=4), domain_xml("b", vcpus=4)])
    assert outcomes(a, "HVA-081") == {"hv1": "pass"}  # 8 vCPUs on 8 cores
    a = host_scan(domains=[domain_xml("a", vcpus=4), domain_xml("b", vcpus=5)])
    assert outcomes(a, "HVA-081") == {"hv1": "fail"}


def test_libvirt_nat_bridge_is_not_a_shared_management_segment(host_scan) -> None:
    nat = (
        "<network><name>default</name><forward mode='nat'/><bridge name='virbr0'/>"
        "<ip address='192.168.122.1' netmask='255.255.255.0'/></network>"
    )
    link = (
        '[{"ifname": "virbr0", "linkinfo": {"info_kind": "bridge"}},'
        '{"ifname": "vnet3", "master": "virbr0"}]'
    )
    addr = '[{"ifname": "virbr0", "addr_info": [{"local": "192.168.122.1", "scope": "global"}]}]'
    a = host_scan({"ip-link": (link, 0), "ip-addr": (addr, 0)}, networks=[nat])
    assert outcomes(a, "HVA-211") == {"hv1": "pass"}
    assert outcomes(a, "HVA-220") == {"hv1": "not_applicable"}


def test_nft_policy_accept_with_iptables_fallback_absent(host_scan) -> None:
    accept = NFT_DROP.replace(
        '"input", "handle": 1, "type": "filter", "hook": "input", "prio": 0, "policy": "drop"',
        '"input", "handle": 1, "type": "filter", "hook": "input", "prio": 0, "policy": "accept"',
    )
    a = host_scan({"nft-ruleset": (accept, 0)})
    assert outcomes(a, "HVA-190") == {"hv1": "fail"}
