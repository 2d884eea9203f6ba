"""Host checks: each against the hardened baseline (pass) and against one change (fail / other).

Every case goes through the real collector, bundle, parser and engine; the host artefacts are
replayed (see conftest). Expected outcomes are exact, for the one host `hv1`.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import (
    DEBIAN_RSYSLOG_MAIN,
    HARDENED_HOST,
    IP_LINK,
    NFT_DROP,
    RSYSLOG_CA,
    WEB01_UUID,
    domain_xml,
    messages,
    outcomes,
    with_current_kernel,
)
from hvaudit.profile import Profile

PVM_MODULES = "kvm_pvm 98304 0 - Live 0x0\nkvm 1142784 1 kvm_pvm, Live 0x0\n"
SSHD_KEY_ONLY = (
    "port 22\npermitrootlogin no\nallowgroups sshadmins\nusepam yes\n"
    "authenticationmethods any\npubkeyauthentication yes\npasswordauthentication no\n"
    "kbdinteractiveauthentication no\n"
)
SSHD_KBD_ONLY = (
    "port 22\npermitrootlogin no\nallowgroups sshadmins\nusepam yes\n"
    "authenticationmethods keyboard-interactive\npubkeyauthentication no\n"
    "passwordauthentication no\nkbdinteractiveauthentication yes\n"
)
SSHD_PASSWORD = (
    "port 22\npermitrootlogin no\nallowgroups sshadmins\nusepam yes\n"
    "authenticationmethods any\npubkeyauthentication no\npasswordauthentication yes\n"
    "kbdinteractiveauthentication yes\n"
)
#: sshd's PAM stack with Debian's common-auth (pam_unix) and a required TOTP module after it.
PAM_OTP = "@include common-auth\nauth required pam_google_authenticator.so\n"
#: Fedora 39's /etc/pam.d/password-auth (authselect, sssd profile), auth lines.
FEDORA_PASSWORD_AUTH = (
    "auth        required      pam_env.so\n"
    "auth        required      pam_faildelay.so delay=2000000\n"
    "auth        [default=1 ignore=ignore success=ok] pam_usertype.so isregular\n"
    "auth        [default=1 ignore=ignore success=ok] pam_localuser.so\n"
    "auth        sufficient    pam_unix.so nullok\n"
    "auth        [default=1 ignore=ignore success=ok] pam_usertype.so isregular\n"
    "auth        sufficient    pam_sss.so forward_pass\n"
    "auth        required      pam_deny.so\n"
)
#: sshd installed, its host keys never generated, not running: `sshd -T` exits 255.
SSHD_STOPPED: dict[str, Any] = {
    "sshd-effective": ("", 255),
    "sshd-units": ("inactive\ninactive\ninactive\ninactive\n", 3),
    "processes": ("    1 root /sbin/init\n  401 root /sbin/auditd\n", 0),
    "listeners": ("", 0),
}
#: The modular daemons: virtqemud and virtproxyd run, each reading its own file.
MODULAR: dict[str, Any] = {
    "processes": (
        "    1 root     /sbin/init\n  401 root     /sbin/auditd\n"
        "  402 _chrony   /usr/sbin/chronyd -F 1\n"
        "  700 root     /usr/sbin/virtqemud --timeout 120\n"
        "  701 root     /usr/sbin/virtproxyd --timeout 120\n",
        0,
    ),
    "libvirt-socket-units": (
        "virtqemud.socket enabled enabled\nvirtproxyd.socket enabled enabled\n"
        "libvirtd.socket disabled disabled\n",
        0,
    ),
}

#: libvirtd and virtqemud both run (a host half-way to the modular daemons).
BOTH_DAEMONS: dict[str, Any] = {
    "processes": (
        "    1 root     /sbin/init\n  401 root     /sbin/auditd\n"
        "  402 _chrony   /usr/sbin/chronyd -F 1\n"
        "  600 root     /usr/sbin/libvirtd --timeout 120\n"
        "  700 root     /usr/sbin/virtqemud --timeout 120\n",
        0,
    ),
}


def _nft(rules: list[dict[str, Any]], policy: str) -> str:
    """An inet filter input chain with `policy` and the given rules (nft -j list ruleset)."""
    chain = {
        "family": "inet",
        "table": "filter",
        "name": "input",
        "handle": 1,
        "type": "filter",
        "hook": "input",
        "prio": 0,
        "policy": policy,
    }
    items: list[dict[str, Any]] = [
        {"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
        {"table": {"family": "inet", "name": "filter", "handle": 1}},
        {"chain": chain},
    ]
    items.extend(
        {"rule": {"family": "inet", "table": "filter", "chain": "input", **r}} for r in rules
    )
    return json.dumps({"nftables": items})


_ESTABLISHED = {
    "handle": 4,
    "expr": [
        {
            "match": {
                "op": "in",
                "left": {"ct": {"key": "state"}},
                "right": ["established", "related"],
            }
        },
        {"accept": None},
    ],
}
NFT_DROP_ACCEPT_ALL = _nft(
    [_ESTABLISHED, {"handle": 5, "expr": [{"counter": None}, {"accept": None}]}], "drop"
)
NFT_ACCEPT_FINAL_DROP = _nft([_ESTABLISHED, {"handle": 6, "expr": [{"drop": None}]}], "accept")

_LINKS = json.loads(IP_LINK)
UNFILTERED_LINKS = json.dumps(
    [
        {**d, "linkinfo": {"info_kind": "bridge", "info_data": {"vlan_filtering": 0}}}
        if d["ifname"] == "br0"
        else d
        for d in _LINKS
    ]
)
TRUNK_LINKS = json.dumps(
    [
        *json.loads(UNFILTERED_LINKS),
        {"ifname": "bond0.20", "link": "bond0", "linkinfo": {"info_kind": "vlan"}},
    ]
)
ONE_CARD_LINKS = json.dumps(
    [{**d, "parentdev": "0000:3b:00.1"} if d["ifname"] == "eno2" else d for d in _LINKS]
)

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
    ("HVA-250", {}, "manual", "processes listening on the network: sshd"),
    ("HVA-010", {}, "pass", "kvm_intel drives /dev/kvm, CPU flag vmx present"),
    ("HVA-010", {"dev-kvm": ("", 2)}, "fail", "/dev/kvm is missing"),
    (
        "HVA-010",
        {"/proc/cpuinfo": "flags\t: fpu vme sse2\n"},
        "pass",
        "kvm_intel drives /dev/kvm (CPU flags do not list vmx/svm)",
    ),
    (
        "HVA-010",
        {
            "/proc/cpuinfo": "flags\t: fpu vme sse2\n",
            "/proc/modules": PVM_MODULES,
            "/sys/module/kvm_intel/parameters/ept": None,
        },
        "fail",
        "/dev/kvm is provided by kvm_pvm: KVM without hardware virtualization "
        "(the CPU reports neither vmx nor svm)",
    ),
    (
        "HVA-011",
        {
            "/proc/cpuinfo": "flags\t: fpu vme sse2\n",
            "/proc/modules": PVM_MODULES,
            "/sys/module/kvm_intel/parameters/ept": None,
        },
        "fail",
        "no hardware memory virtualization: KVM runs as kvm_pvm",
    ),
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
        {"/sys/module/kvm_intel/parameters/ept": None, "/proc/modules": None},
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
    ("HVA-043", {}, "pass", "AppArmor, 1 libvirt-<uuid> profile(s) enforcing"),
    (
        "HVA-043",
        {"/sys/kernel/security/apparmor/profiles": f"libvirt-{WEB01_UUID} (complain)\n"},
        "fail",
        f"AppArmor profiles not enforcing: libvirt-{WEB01_UUID} (complain)",
    ),
    (
        "HVA-043",
        {"/sys/kernel/security/apparmor/profiles": "libvirtd (enforce)\n"},
        "fail",
        "running VM(s) without a loaded libvirt-<uuid> profile: web01",
    ),
    (
        "HVA-043",
        {"/sys/module/apparmor/parameters/enabled": "N\n"},
        "fail",
        "the apparmor driver is reported but AppArmor is disabled",
    ),
    (
        "HVA-043",
        {"/etc/libvirt/qemu.conf": "security_default_confined = 0\n"},
        "fail",
        "security_default_confined = 0: VMs without their own <seclabel> run unconfined",
    ),
    (
        "HVA-043",
        {"secmodel": "selinux", "/sys/fs/selinux/enforce": "0\n"},
        "fail",
        "SELinux is permissive",
    ),
    (
        "HVA-043",
        {
            "secmodel": "selinux",
            "/sys/fs/selinux/enforce": "1\n",
            "selinux-permissive": ("", 0),
            "/etc/selinux/config": "SELINUX=enforcing\n",
        },
        "pass",
        "SELinux, enforcing",
    ),
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
        "pass",
        "relaxed_acs_check = 1, but no VM assigns a PCI device by legacy KVM assignment",
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
    ("HVA-251", {}, "manual", "introspection tools found: none"),
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
    (  # virtqemud runs beside libvirtd with no access driver of its own
        "HVA-131",
        {**BOTH_DAEMONS, "/etc/libvirt/virtqemud.conf": "audit_level = 2\n"},
        "fail",
        "no polkit access driver (virtqemud.conf), so no per-VM rule can apply",
    ),
    ("HVA-132", {}, "pass", "libvirtd.conf: auth_unix_rw = polkit"),
    (
        "HVA-132",
        {"/etc/libvirt/libvirtd.conf": 'auth_unix_rw = "none"\nunix_sock_rw_perms = "0777"\n'},
        "fail",
        "any local user",
    ),
    (  # perms unset: libvirt's default for the system daemon is 0777, the socket says so
        "HVA-132",
        {
            "/etc/libvirt/libvirtd.conf": 'auth_unix_rw = "none"\n',
            "libvirt-socket-units": ("libvirtd.socket disabled disabled\n", 0),
            "libvirt-sockets": ("", 1),
        },
        "fail",
        "libvirtd.conf: auth_unix_rw = none, unix_sock_rw_perms = 0777 (default): "
        "any local user controls every VM",
    ),
    (
        "HVA-132",
        {"/etc/libvirt/libvirtd.conf": 'auth_unix_rw = "none"\n', "libvirt-sockets": None},
        "manual",
        "libvirtd.socket creates the socket (its SocketMode applies, not unix_sock_rw_perms)",
    ),
    (
        "HVA-132",
        {
            "/etc/libvirt/libvirtd.conf": 'auth_unix_rw = "none"\nunix_sock_rw_perms = "0770"\n',
            "libvirt-sockets": ("770 root libvirt /run/libvirt/libvirt-sock\n", 0),
        },
        "pass",
        "/run/libvirt/libvirt-sock is mode 770 root libvirt",
    ),
    (  # modular daemons: virtqemud's own socket and file decide, libvirtd.conf is not read
        "HVA-132",
        MODULAR
        | {
            "/etc/libvirt/virtqemud.conf": 'auth_unix_rw = "none"\n',
            "libvirt-sockets": (
                "666 root root /run/libvirt/libvirt-sock\n"
                "666 root root /run/libvirt/virtqemud-sock\n",
                0,
            ),
        },
        "fail",
        "virtqemud.conf: auth_unix_rw = none, /run/libvirt/virtqemud-sock is mode 666 root root",
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
    (
        "HVA-151",
        {},
        "pass",
        "every SSH login needs two factors: AuthenticationMethods "
        "publickey,keyboard-interactive, PAM requires pam_unix (knowledge) and pam_u2f (otp)",
    ),
    (  # key plus password (PAM's pam_unix) is two factors without any OTP module
        "HVA-151",
        {"/etc/pam.d/sshd": "@include common-auth\n"},
        "pass",
        "AuthenticationMethods publickey,keyboard-interactive",
    ),
    (  # public-key-only sshd: PAM (and pam_u2f in it) is never run for the login
        "HVA-151",
        {"sshd-effective": (SSHD_KEY_ONLY, 0)},
        "fail",
        "publickey alone logs in (AuthenticationMethods any); PAM's auth stack is not run "
        "for public-key logins",
    ),
    (
        "HVA-151",
        {
            "sshd-effective": (SSHD_KBD_ONLY, 0),
            "/etc/pam.d/sshd": "auth optional pam_u2f.so\n@include common-auth\n",
        },
        "fail",
        "keyboard-interactive alone logs in (AuthenticationMethods keyboard-interactive); "
        "pam_u2f (optional) does not fail the login when the factor is missing",
    ),
    (
        "HVA-151",
        {
            "sshd-effective": (SSHD_KBD_ONLY, 0),
            "/etc/pam.d/sshd": "auth required pam_sss_gss.so\n@include common-auth\n",
        },
        "fail",
        "keyboard-interactive alone logs in",
    ),
    (
        "HVA-151",
        {
            "sshd-effective": (SSHD_KBD_ONLY, 0),
            "/etc/pam.d/sshd": "@include common-auth\n"
            "auth [success=ok default=die] pam_google_authenticator.so\n",
        },
        "pass",
        "PAM requires pam_unix (knowledge) and pam_google_authenticator (otp)",
    ),
    (  # a password login runs the whole PAM stack: password and a required OTP are two factors
        "HVA-151",
        {"sshd-effective": (SSHD_PASSWORD, 0), "/etc/pam.d/sshd": PAM_OTP},
        "pass",
        "every SSH login needs two factors: AuthenticationMethods any, PAM requires "
        "pam_unix (knowledge) and pam_google_authenticator (otp)",
    ),
    (  # keyboard-interactive alone, same stack
        "HVA-151",
        {"sshd-effective": (SSHD_KBD_ONLY, 0), "/etc/pam.d/sshd": PAM_OTP},
        "pass",
        "AuthenticationMethods keyboard-interactive, PAM requires pam_unix (knowledge) and "
        "pam_google_authenticator (otp)",
    ),
    (  # [success=ok] with no default: every failure is `bad` (pam.conf(5)), so it is required
        "HVA-151",
        {
            "sshd-effective": (SSHD_KBD_ONLY, 0),
            "/etc/pam.d/sshd": "@include common-auth\nauth [success=ok] pam_oath.so usersfile=x\n",
        },
        "pass",
        "PAM requires pam_unix (knowledge) and pam_oath (otp)",
    ),
    (  # nullok: users without a secret file get in with the password alone
        "HVA-151",
        {
            "sshd-effective": (SSHD_PASSWORD, 0),
            "/etc/pam.d/sshd": "@include common-auth\n"
            "auth required pam_google_authenticator.so nullok\n",
        },
        "fail",
        "password or keyboard-interactive alone logs in (AuthenticationMethods any); "
        "pam_google_authenticator (required, nullok) does not fail the login when the factor "
        "is missing",
    ),
    (  # nouserok: pam_u2f succeeds for a user with no registered key
        "HVA-151",
        {
            "sshd-effective": (SSHD_KBD_ONLY, 0),
            "/etc/pam.d/sshd": "auth required pam_u2f.so nouserok\n@include common-auth\n",
        },
        "fail",
        "pam_u2f (required, nouserok) does not fail the login",
    ),
    (  # a sufficient password module ends the stack before the OTP module runs
        "HVA-151",
        {
            "sshd-effective": (SSHD_KBD_ONLY, 0),
            "/etc/pam.d/sshd": "auth sufficient pam_unix.so\n"
            "auth required pam_google_authenticator.so\nauth requisite pam_deny.so\n",
        },
        "fail",
        "pam_google_authenticator (required) does not fail the login when the factor is missing",
    ),
    (  # Fedora: `sufficient` inside a substack ends only the substack, so the OTP still runs
        "HVA-151",
        {
            "sshd-effective": (SSHD_KBD_ONLY, 0),
            "/etc/pam.d/sshd": "auth substack password-auth\n"
            "auth required pam_google_authenticator.so\n",
            "/etc/pam.d/password-auth": FEDORA_PASSWORD_AUTH,
        },
        "pass",
        "PAM requires pam_sss/pam_unix (knowledge) and pam_google_authenticator (otp)",
    ),
    (  # PAM decides the login, but sshd's stack is not in the evidence: never a pass
        "HVA-151",
        {"/etc/pam.d/sshd": None},
        "manual",
        "there is no /etc/pam.d/sshd or /usr/lib/pam.d/sshd, so Linux-PAM reads its vendor "
        "directory's sshd (/usr/etc/pam.d/sshd on openSUSE), or where that does not exist the "
        "`other` service (/etc/pam.d/other, else /usr/lib/pam.d/other); none collected",
    ),
    (  # pam_duo fails open by default (failmode=safe) in a file hvaudit does not read
        "HVA-151",
        {
            "sshd-effective": (SSHD_KBD_ONLY, 0),
            "/etc/pam.d/sshd": "@include common-auth\nauth required pam_duo.so\n",
        },
        "manual",
        "the second factor rests on pam_duo, whose /etc/duo/pam_duo.conf (unread, or with "
        'groups or conf= limiting it) decides failmode, default "safe"',
    ),
    (  # sshd -T applies no Match block: a block that lets a key alone in is read from the file
        "HVA-151",
        {
            "/etc/ssh/sshd_config": HARDENED_HOST["/etc/ssh/sshd_config"]
            + "Match Address 10.20.0.0/16\n    AuthenticationMethods publickey\n"
        },
        "fail",
        "SSH logins need a single factor: Match Address 10.20.0.0/16 "
        "(/etc/ssh/sshd_config:8): publickey alone logs in (AuthenticationMethods publickey)",
    ),
    ("HVA-151", {"sshd-effective": None}, "not_applicable", "no SSH server"),
    ("HVA-151", SSHD_STOPPED, "not_applicable", "SSH server installed but not running"),
    ("HVA-160", SSHD_STOPPED, "not_applicable", "SSH server installed but not running"),
    ("HVA-161", SSHD_STOPPED, "not_applicable", "SSH server installed but not running"),
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
    (
        "HVA-180",
        {
            "apt-upgrade-simulation": (
                "Reading package lists...\nThe following packages have been kept back:\n"
                "  linux-image-amd64\n0 upgraded, 0 newly installed, 0 to remove and 1 not "
                "upgraded.\n",
                0,
            )
        },
        "fail",
        "1 package(s) kept back or on hold: linux-image-amd64",
    ),
    (
        "HVA-180",
        {"apt-held": ("qemu-system-x86\n", 0)},
        "fail",
        "1 package(s) kept back or on hold: qemu-system-x86",
    ),
    ("HVA-181", {}, "pass", "none unmitigated"),
    (
        "HVA-181",
        {"cpu-vulnerabilities": ("/sys/devices/system/cpu/vulnerabilities/l1tf:Vulnerable\n", 0)},
        "fail",
        "l1tf",
    ),
    ("HVA-190", {}, "pass", "drops (inet filter input: policy drop)"),
    (
        "HVA-190",
        {"nft-ruleset": (NFT_DROP_ACCEPT_ALL, 0)},
        "fail",
        "inet filter input: policy drop, but inet filter input rule handle 5 accepts all traffic",
    ),
    (
        "HVA-190",
        {"nft-ruleset": (NFT_ACCEPT_FINAL_DROP, 0)},
        "pass",
        "inet filter input rule handle 6 drops the rest",
    ),
    (
        "HVA-190",
        {"nft-ruleset": None, "iptables-input": ("-P INPUT DROP\n-A INPUT -j ACCEPT\n", 0)},
        "fail",
        "-A INPUT -j ACCEPT (first unconditional rule)",
    ),
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
        "without authenticated TLS to logs.example.internal",
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
    (  # libvirtd and virtqemud both run: each reads its own file, and either one can fail
        "HVA-201",
        {**BOTH_DAEMONS, "/etc/libvirt/virtqemud.conf": "audit_level = 0\n"},
        "fail",
        "virtqemud.conf: audit_level = 0: libvirt auditing disabled",
    ),
    (
        "HVA-201",
        {**BOTH_DAEMONS, "/etc/libvirt/virtqemud.conf": "audit_level = 2\n"},
        "pass",
        "libvirtd.conf: audit_level = 2, virtqemud.conf: audit_level = 2, auditd running",
    ),
    (  # libvirt taints such VMs "high-privileges" (user or group 0); HVA-054 leaves it here
        "HVA-042",
        {
            "/etc/libvirt/qemu.conf": HARDENED_HOST["/etc/libvirt/qemu.conf"].replace(
                'group = "libvirt-qemu"', 'group = "root"'
            )
        },
        "fail",
        "qemu.conf sets group = root: QEMU runs in group root",
    ),
    (  # libvirt's reader keeps the FIRST of two entries (virconf.c virConfGetValue)
        "HVA-048",
        {
            "/etc/libvirt/qemu.conf": "security_default_confined = 0\n"
            + HARDENED_HOST["/etc/libvirt/qemu.conf"]
        },
        "fail",
        "security_default_confined = 0, security_require_confined = 1",
    ),
    (  # single-quoted strings are libvirt strings too (virConfParseString)
        "HVA-132",
        {"/etc/libvirt/libvirtd.conf": "auth_unix_rw = 'none'\nunix_sock_rw_perms = '0777'\n"},
        "fail",
        "any local user",
    ),
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
        {
            "listeners": (
                'tcp LISTEN 0 128 *:3128 *:* users:(("spiceproxy",pid=9,fd=6))\n'
                'tcp LISTEN 0 1 0.0.0.0:5900 0.0.0.0:* users:(("qemu-system-x86",pid=1200,fd=9))\n',
                0,
            )
        },
        "fail",
        "listening on all addresses: qemu-system-x86 (tcp/5900), spiceproxy (tcp/3128)",
    ),
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
        "br0 (10.0.0.10; VM ports)",
    ),
    ("HVA-212", {}, "manual", "input policy: drop"),
    ("HVA-220", {}, "pass", "each on a bond"),
    (
        "HVA-030",
        MODULAR
        | {
            "/etc/libvirt/virtproxyd.conf": 'listen_tcp = 1\nauth_tcp = "none"\n',
            "listeners": (
                'tcp LISTEN 0 128 0.0.0.0:16509 0.0.0.0:* users:(("virtproxyd",pid=701,fd=3))\n',
                0,
            ),
        },
        "fail",
        "TCP 16509 listening with auth_tcp = 'none' (virtproxyd.conf) (no authentication",
    ),
    (  # libvirtd.conf still restricts TLS clients, but virtproxyd owns the listener
        "HVA-034",
        MODULAR
        | {
            "/etc/libvirt/libvirtd.conf": 'tls_allowed_dn_list = ["C=GB,O=Example,CN=mgmt1"]\n',
            "libvirt-socket-units": (
                "virtqemud.socket enabled enabled\nvirtproxyd.socket enabled enabled\n"
                "virtproxyd-tls.socket enabled enabled\n",
                0,
            ),
        },
        "fail",
        "no tls_allowed_dn_list, auth_tls = none in virtproxyd.conf",
    ),
    (
        "HVA-130",
        MODULAR | {"/etc/libvirt/virtqemud.conf": "audit_level = 2\n"},
        "fail",
        "(virtqemud.conf)",
    ),
    ("HVA-035", {}, "not_applicable", "libvirt does not listen on TCP 16509"),
    (
        "HVA-035",
        {
            "/etc/libvirt/libvirtd.conf": "listen_tcp = 1\n",
            "listeners": (
                'tcp LISTEN 0 128 10.0.0.10:16509 0.0.0.0:* users:(("libvirtd",pid=9,fd=3))\n',
                0,
            ),
        },
        "fail",
        "TCP transport weaker than SSF 112: libvirtd.conf: tcp_min_ssf = 56 (default)",
    ),
    (
        "HVA-035",
        {
            "/etc/libvirt/libvirtd.conf": "listen_tcp = 1\ntcp_min_ssf = 256\n",
            "listeners": (
                'tcp LISTEN 0 128 10.0.0.10:16509 0.0.0.0:* users:(("libvirtd",pid=9,fd=3))\n',
                0,
            ),
        },
        "pass",
        "SASL on TCP demands SSF >= 112",
    ),
    ("HVA-036", {}, "pass", "migration_address = 10.0.1.10, migrate_tls_x509_verify = 1"),
    (
        "HVA-036",
        {"/etc/libvirt/qemu.conf": "migrate_tls_force = 1\n"},
        "fail",
        "migration_address = 0.0.0.0 (default): incoming migrations listen on every address",
    ),
    (  # default_tls_x509_verify = 0 switches migration's verification off too
        "HVA-036",
        {
            "/etc/libvirt/qemu.conf": 'migration_address = "10.0.1.10"\ndefault_tls_x509_verify = 0\n'
        },
        "fail",
        "migrate_tls_x509_verify = 0: TLS migration clients are not verified",
    ),
    ("HVA-053", {}, "pass", "cgroup_device_acl default, namespaces = ['mount']"),
    (
        "HVA-053",
        {
            "/etc/libvirt/qemu.conf": 'cgroup_device_acl = [ "/dev/null", "/dev/kvm", '
            '"/dev/sda", "/dev/mem" ]\n'
        },
        "fail",
        "cgroup_device_acl adds /dev/sda, /dev/mem for every VM",
    ),
    (
        "HVA-053",
        {"/etc/libvirt/qemu.conf": "namespaces = []\n"},
        "fail",
        "namespaces = []: QEMU sees the host's /dev",
    ),
    ("HVA-062", {}, "pass", "vm.overcommit_memory = 0 (heuristic)"),
    ("HVA-062", {"/proc/sys/vm/overcommit_memory": "1\n"}, "fail", "vm.overcommit_memory = 1"),
    ("HVA-182", {}, "pass", "1 QEMU process(es) run the installed binary"),
    (
        "HVA-182",
        {
            "qemu-exe-1200": (
                "lrwxrwxrwx 1 libvirt-qemu kvm 0 Nov 27 04:00 /proc/1200/exe -> "
                "/usr/bin/qemu-system-x86_64 (deleted)\n",
                0,
            )
        },
        "fail",
        "1 QEMU process(es) run a binary replaced by an update: web01",
    ),
    ("HVA-182", {"qemu-exe-1200": None}, "manual", "could not be read: web01"),
    ("HVA-213", {}, "pass", "libvirtd.conf: log_outputs unset (the journal)"),
    (
        "HVA-213",
        {"/etc/libvirt/libvirtd.conf": 'log_outputs = "3:file:/var/log/libvirt/libvirtd.log"\n'},
        "fail",
        "writes only to files or stderr",
    ),
    (
        "HVA-213",
        MODULAR
        | {
            "/etc/libvirt/virtqemud.conf": 'log_outputs = "1:file:/var/log/libvirt/q.log"\n'
            "log_level = 1\n"
        },
        "fail",
        "virtqemud.conf: log_outputs '1:file:/var/log/libvirt/q.log' writes only to files or "
        "stderr; virtqemud.conf: log_level = 1",
    ),
    ("HVA-214", {}, "pass", "audit rules watch /etc/libvirt and /etc/polkit-1"),
    (
        "HVA-214",
        {"audit-rules": ("No rules\n", 0)},
        "fail",
        "no audit watch for writes to /etc/libvirt, /etc/polkit-1 (0 rule(s) loaded)",
    ),
    (
        "HVA-214",
        {"audit-rules": ("-w /etc/libvirt -p r -k read\n-w /etc/polkit-1 -p wa\n", 0)},
        "fail",
        "no audit watch for writes to /etc/libvirt (2 rule(s) loaded)",
    ),
    ("HVA-215", {}, "pass", 'stdio_handler = "logd" (default)'),
    (
        "HVA-215",
        {"/etc/libvirt/qemu.conf": 'stdio_handler = "file"\n'},
        "fail",
        "stdio_handler = 'file'",
    ),
    ("HVA-195", {}, "pass", "every VM bridge with an uplink filters VLANs"),
    (
        "HVA-195",
        {"ip-link": (UNFILTERED_LINKS, 0)},
        "manual",
        "VM bridge(s) without vlan_filtering on a plain uplink: br0 (uplink bond0)",
    ),
    (
        "HVA-195",
        {"ip-link": (TRUNK_LINKS, 0)},
        "fail",
        "br0 (uplink bond0 also carries VLAN bond0.20)",
    ),
    ("HVA-230", {}, "pass", "1 bond(s), members on different adapters"),
    (
        "HVA-230",
        {"ip-link": (ONE_CARD_LINKS, 0)},
        "fail",
        "bond members on one adapter: bond0 (eno1, eno2 on 0000:3b:00)",
    ),
    ("HVA-235", {}, "manual", "1 VM(s) on the host"),
    ("HVA-236", {}, "manual", "storage pools on the host: none"),
    ("HVA-237", {}, "manual", "network storage pools: none"),
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


def test_vm_taint_flags_of_the_last_start(host_scan) -> None:
    logs = (
        "/var/log/libvirt/qemu/web01.log:2024-11-01 10:00:00.000+0000: starting up libvirt\n"
        "/var/log/libvirt/qemu/web01.log:2024-11-01 10:00:01.000+0000: Domain id=1 is tainted: "
        "custom-argv\n"
        "/var/log/libvirt/qemu/web01.log:2024-11-27 04:00:00.000+0000: starting up libvirt\n"
        "/var/log/libvirt/qemu/db1.log:2024-11-27 04:00:00.000+0000: starting up libvirt\n"
        "/var/log/libvirt/qemu/db1.log:2024-11-27 04:00:00.100+0000: Domain id=2 is tainted: "
        "high-privileges\n"
        "/var/log/libvirt/qemu/db1.log:2024-11-27 04:00:00.200+0000: Domain id=2 is tainted: "
        "custom-argv\n"
        "/var/log/libvirt/qemu/db1.log:2024-11-27 04:00:00.300+0000: Domain id=2 is tainted: "
        "custom-monitor\n",
        0,
    )
    a = host_scan({"qemu-logs": logs}, domains=[domain_xml("web01"), domain_xml("db1")])
    assert outcomes(a, "HVA-054") == {"web01": "pass", "db1": "fail"}
    assert messages(a, "HVA-054")["web01"] == "no taint flag in the current run's log"
    assert messages(a, "HVA-054")["db1"] == (
        "tainted (current run): custom-monitor; also high-privileges (judged by HVA-042), "
        "custom-argv (judged by HVA-046)"
    )


def test_vm_taint_judged_by_another_check_is_not_failed_twice(host_scan) -> None:
    """custom-argv is HVA-046's finding (the XML's <qemu:commandline>); HVA-054 names it, for
    the same VM subject, without failing the VM a second time."""
    logs = (
        "/var/log/libvirt/qemu/web01.log:2024-11-27 04:00:00.000+0000: starting up libvirt\n"
        "/var/log/libvirt/qemu/web01.log:2024-11-27 04:00:01.000+0000: Domain id=1 is tainted: "
        "custom-argv\n",
        0,
    )
    a = host_scan({"qemu-logs": logs})
    assert outcomes(a, "HVA-054") == {"web01": "pass"}
    assert messages(a, "HVA-054")["web01"] == (
        "no taint of its own in the current run's log; custom-argv (judged by HVA-046)"
    )
    subjects = {
        r.check.id: r.outcome.subject for r in a.results if r.check.id in ("HVA-054", "HVA-046")
    }
    assert subjects["HVA-054"] == subjects["HVA-046"]


def test_vm_taint_without_a_logged_start_is_asked(host_scan) -> None:
    a = host_scan({"qemu-logs": ("", 1)})
    assert outcomes(a, "HVA-054") == {"web01": "manual"}
    assert "no QEMU log start" in messages(a, "HVA-054")["web01"]


def test_bridge_a_stopped_vm_is_defined_on_counts(host_scan) -> None:
    """No VM port on br0 now, but db1 is defined on it: the host's address shares its segment."""
    links = json.dumps(
        [
            {"ifname": "br0", "linkinfo": {"info_kind": "bridge"}},
            {"ifname": "eno1", "master": "br0"},
        ]
    )
    addr = '[{"ifname": "br0", "addr_info": [{"local": "10.0.0.10", "scope": "global"}]}]'
    db1 = domain_xml(
        "db1", "<devices><interface type='bridge'><source bridge='br0'/></interface></devices>"
    )
    a = host_scan({"ip-link": (links, 0), "ip-addr": (addr, 0)}, domains=[db1])
    assert outcomes(a, "HVA-211") == {"hv1": "fail"}
    assert messages(a, "HVA-211")["hv1"] == (
        "host address on bridge(s) with VM ports: br0 (10.0.0.10; VMs defined on it: db1)"
    )
    a = host_scan({"ip-link": (links, 0), "ip-addr": (addr, 0)})
    assert outcomes(a, "HVA-211") == {"hv1": "pass"}


# --- fixhost: redteam's host findings (#4, #7, #8, #9, #15, #16, #17, #19), copied probes and more --

#: libvirt's TCP socket under socket activation: systemd (pid 1) holds it until a client starts
#: the daemon (libvirtd-tcp.socket.in: ListenStream=16509, no address: every address).
SYSTEMD_TCP = (
    "tcp   LISTEN 0      128        10.0.0.10:22        0.0.0.0:*    "
    'users:(("sshd",pid=800,fd=3))\n'
    "tcp   LISTEN 0      1000       0.0.0.0:16509       0.0.0.0:*    "
    'users:(("systemd",pid=1,fd=48))\n'
)


def test_socket_activated_tcp_listener(host_scan) -> None:
    """redteam #4 (probe copied): systemd holds 0.0.0.0:16509, libvirtd-tcp.socket is
    enabled-runtime, auth_tcp = "none"."""
    a = host_scan(
        {
            "/etc/libvirt/libvirtd.conf": HARDENED_HOST["/etc/libvirt/libvirtd.conf"]
            + 'auth_tcp = "none"\n',
            "listeners": (SYSTEMD_TCP, 0),
            "libvirt-socket-units": (
                "libvirtd.socket        enabled enabled\n"
                "libvirtd-tcp.socket    enabled-runtime disabled\n",
                0,
            ),
        }
    )
    assert outcomes(a, "HVA-030") == {"hv1": "fail"}
    assert messages(a, "HVA-030")["hv1"] == (
        "TCP 16509 listening with auth_tcp = 'none' (no authentication, cleartext)"
    )


def test_socket_activated_listener_is_a_management_listener(host_scan) -> None:
    """redteam #15 (probe copied)."""
    a = host_scan(
        {
            "listeners": (SYSTEMD_TCP, 0),
            "libvirt-socket-units": (
                "libvirtd.socket        enabled enabled\nlibvirtd-tcp.socket    enabled enabled\n",
                0,
            ),
        }
    )
    assert outcomes(a, "HVA-030") == {"hv1": "fail"}
    assert outcomes(a, "HVA-210") == {"hv1": "fail"}
    assert messages(a, "HVA-210")["hv1"] == (
        "listening on all addresses: libvirt socket held by systemd (tcp/16509)"
    )


@pytest.mark.parametrize(
    ("listener", "units", "status", "message"),
    [
        # The daemon took the socket over: ss lists systemd (pid 1) first, then libvirtd.
        (
            "tcp LISTEN 0 1000 *:16509 *:* "
            'users:(("systemd",pid=1,fd=48),("libvirtd",pid=700,fd=12))\n',
            "libvirtd-tcp.socket enabled enabled\n",
            "fail",
            "TCP 16509 listening with auth_tcp = 'sasl' (cleartext unless SASL encrypts)",
        ),
        # Not listening now, but started by sockets.target for this boot (links under /run).
        (
            "",
            "libvirtd-tcp.socket enabled-runtime disabled\n",
            "fail",
            "libvirtd-tcp.socket enabled: TCP 16509 with auth_tcp = 'sasl'",
        ),
        ("", "libvirtd-tcp.socket disabled disabled\n", "pass", "local UNIX sockets only"),
    ],
    ids=["daemon-took-over", "enabled-runtime", "disabled"],
)
def test_libvirt_tcp_socket_activation_states(
    host_scan, listener: str, units: str, status: str, message: str
) -> None:
    a = host_scan({"listeners": (listener, 0), "libvirt-socket-units": (units, 0)})
    assert outcomes(a, "HVA-030") == {"hv1": status}
    assert message in messages(a, "HVA-030")["hv1"]


def test_socket_activated_sshd_on_every_address_fails(host_scan) -> None:
    """ssh.socket: systemd holds port 22 on every address and starts sshd per connection."""
    ss = 'tcp LISTEN 0 4096 *:22 *:* users:(("systemd",pid=1,fd=61))\n'
    a = host_scan({"listeners": (ss, 0)})
    assert outcomes(a, "HVA-210") == {"hv1": "fail"}
    assert messages(a, "HVA-210")["hv1"] == (
        "listening on all addresses: sshd socket held by systemd (tcp/22)"
    )
    cockpit = 'tcp LISTEN 0 4096 *:9090 *:* users:(("systemd",pid=1,fd=62))\n'
    a = host_scan({"listeners": (HARDENED_HOST["listeners"][0] + cockpit, 0)})
    assert messages(a, "HVA-210")["hv1"] == (
        "listening on all addresses: cockpit socket held by systemd (tcp/9090)"
    )
    other = 'tcp LISTEN 0 4096 0.0.0.0:111 0.0.0.0:* users:(("systemd",pid=1,fd=40))\n'
    # rpcbind.socket, as `systemctl list-sockets` names it: no management service (R29F-4:
    # without the listing, which service the socket starts is a question)
    units = ("0.0.0.0:111   rpcbind.socket   rpcbind.service\n", 0)
    a = host_scan(
        {"listeners": (HARDENED_HOST["listeners"][0] + other, 0), "socket-activations": units}
    )
    assert outcomes(a, "HVA-210") == {"hv1": "pass"}


def _nft_ruleset(*chains: tuple[str, str, str, str]) -> str:
    """`nft -j list ruleset` with one base input chain per (family, table, chain, policy)."""
    items: list[dict[str, Any]] = [{"metainfo": {"json_schema_version": 1}}]
    for family, table, name, policy in chains:
        items.append({"table": {"family": family, "name": table, "handle": 1}})
        items.append(
            {
                "chain": {
                    "family": family,
                    "table": table,
                    "name": name,
                    "handle": 1,
                    "type": "filter",
                    "hook": "input",
                    "prio": 0,
                    "policy": policy,
                }
            }
        )
    return json.dumps({"nftables": items})


def _ip_addr(*extra: dict[str, str]) -> str:
    """`ip -j addr`: the hardened host's addresses plus `extra` on eno3."""
    return json.dumps(
        [
            {
                "ifname": "lo",
                "addr_info": [
                    {"family": "inet", "local": "127.0.0.1", "scope": "host"},
                    {"family": "inet6", "local": "::1", "scope": "host"},
                ],
            },
            {
                "ifname": "eno3",
                "addr_info": [{"family": "inet", "local": "10.0.0.10", "scope": "global"}, *extra],
            },
        ]
    )


V6_GLOBAL = {"family": "inet6", "local": "2001:db8:10::10", "scope": "global"}
V6_LINK = {"family": "inet6", "local": "fe80::10", "scope": "link"}


def test_ipv4_only_ruleset_leaves_ipv6_open(host_scan) -> None:
    """redteam #8 (probe copied): an `ip` family table sees IPv4 only (nftables wiki, "Nftables
    families"), so IPv6 to the host's global address is accepted."""
    a = host_scan(
        {
            "nft-ruleset": (_nft_ruleset(("ip", "filter", "INPUT", "drop")), 0),
            "ip-addr": (_ip_addr(V6_GLOBAL), 0),
        }
    )
    assert outcomes(a, "HVA-190") == {"hv1": "fail"}
    assert messages(a, "HVA-190")["hv1"] == (
        "inbound traffic is accepted by default (ip filter INPUT: policy drop; but IPv6 (no ip6 "
        "or inet input chain (ip tables see IPv4 only)) is accepted on 2001:db8:10::10)"
    )


@pytest.mark.parametrize(
    ("chains", "addr", "status", "fragment"),
    [
        # A link-local address is reachable from every neighbour on the link (VMs on a bridge).
        ([("ip", "filter", "INPUT", "drop")], _ip_addr(V6_LINK), "fail", "accepted on fe80::10"),
        # IPv6 off: nothing but loopback, so the IPv4 table is the whole input path.
        (
            [("ip", "filter", "INPUT", "drop")],
            _ip_addr(),
            "pass",
            "ip filter INPUT: policy drop; no IPv6 address on the host",
        ),
        # iptables-nft style: one table per family, both dropping.
        (
            [("ip", "filter", "INPUT", "drop"), ("ip6", "filter", "INPUT", "drop")],
            _ip_addr(V6_GLOBAL),
            "pass",
            "ip filter INPUT: policy drop; ip6 filter INPUT: policy drop",
        ),
        (
            [("ip", "filter", "INPUT", "drop"), ("ip6", "filter", "INPUT", "accept")],
            _ip_addr(V6_GLOBAL),
            "fail",
            "but IPv6 (ip6 filter INPUT: policy accept) is accepted",
        ),
        (
            [("inet", "filter", "input", "drop")],
            _ip_addr(V6_GLOBAL),
            "pass",
            "(inet filter input: policy drop)",
        ),
    ],
    ids=["link-local", "ipv6-off", "ip-and-ip6", "ip6-accepts", "inet"],
)
def test_firewall_per_ip_version(
    host_scan, chains: list[tuple[str, str, str, str]], addr: str, status: str, fragment: str
) -> None:
    a = host_scan({"nft-ruleset": (_nft_ruleset(*chains), 0), "ip-addr": (addr, 0)})
    assert outcomes(a, "HVA-190") == {"hv1": status}
    assert fragment in messages(a, "HVA-190")["hv1"]


def test_iptables_without_ip6tables_rules_leaves_ipv6_open(host_scan) -> None:
    """Legacy iptables without nftables: IPv6 is filtered by ip6tables, read on its own."""
    base = {"nft-ruleset": None, "iptables-input": ("-P INPUT DROP\n", 0)}
    a = host_scan({**base, "ip-addr": (_ip_addr(V6_GLOBAL), 0)})
    assert outcomes(a, "HVA-190") == {"hv1": "fail"}
    assert messages(a, "HVA-190")["hv1"] == (
        "inbound traffic is accepted by default (policy DROP; but IPv6 (ip6tables not installed) "
        "is accepted on 2001:db8:10::10)"
    )
    a = host_scan(
        {
            **base,
            "ip6tables-input": RuntimeError("ip6tables: timed out"),
            "ip-addr": (_ip_addr(V6_GLOBAL), 0),
        }
    )
    assert outcomes(a, "HVA-190") == {"hv1": "manual"}
    assert "the IPv6 rules (ip6tables -S) could not be read" in messages(a, "HVA-190")["hv1"]
    a = host_scan(
        {
            **base,
            "ip6tables-input": ("-P INPUT DROP\n", 0),
            "ip-addr": (_ip_addr(V6_GLOBAL), 0),
        }
    )
    assert outcomes(a, "HVA-190") == {"hv1": "pass"}
    assert messages(a, "HVA-190")["hv1"] == (
        "inbound default policy drops (policy DROP; ip6tables policy DROP)"
    )
    a = host_scan({**base, "ip-addr": RuntimeError("ip: timed out")})
    assert outcomes(a, "HVA-190") == {"hv1": "manual"}
    assert "whether the host has IPv6 addresses" in messages(a, "HVA-190")["hv1"]


def test_audit_watch_of_one_file_is_not_the_directory(host_scan) -> None:
    """redteam #9 (probe copied): `-w /etc/libvirt/qemu.conf` watches that one file."""
    rules = "-w /etc/libvirt/qemu.conf -p wa -k qemu-conf\n-w /etc/polkit-1 -p wa -k polkit\n"
    a = host_scan({"audit-rules": (rules, 0)})
    assert outcomes(a, "HVA-214") == {"hv1": "fail"}
    assert messages(a, "HVA-214")["hv1"] == (
        "no audit watch for writes to /etc/libvirt (2 rule(s) loaded)"
    )


def test_audit_read_only_rule_does_not_watch_writes(host_scan) -> None:
    """redteam #9 (probe copied): `-F perm=r` records reads only (auditctl(8) -F perm)."""
    rules = (
        "-a always,exit -F arch=b64 -S all -F dir=/etc/libvirt -F perm=r -F key=lv\n"
        "-w /etc/polkit-1 -p wa -k polkit\n"
    )
    a = host_scan({"audit-rules": (rules, 0)})
    assert outcomes(a, "HVA-214") == {"hv1": "fail"}
    assert "no audit watch for writes to /etc/libvirt" in messages(a, "HVA-214")["hv1"]


POLKIT_WATCH = "-w /etc/polkit-1/ -p wa -k polkit\n"


@pytest.mark.parametrize(
    ("rules", "status"),
    [
        ("-w /etc/libvirt/ -p wa -k lv\n", "pass"),  # trailing slash: the same directory
        ("-w /etc -p wa -k etc\n", "pass"),  # a parent directory's watch is recursive
        # b64 alone misses 32-bit programs' calls (R20H-7); with its b32 twin it watches all
        ("-a always,exit -F arch=b64 -S all -F dir=/etc/libvirt -F perm=wa -F key=lv\n", "fail"),
        (
            "-a always,exit -F arch=b64 -S all -F dir=/etc/libvirt -F perm=wa -F key=lv\n"
            "-a always,exit -F arch=b32 -S all -F dir=/etc/libvirt -F perm=wa -F key=lv\n",
            "pass",
        ),
        ("-a exit,always -F dir=/etc/libvirt -F key=lv\n", "pass"),  # no -S, no perm: all
        ("-a always,exit -F arch=b32 -S all -F dir=/etc/libvirt -F perm=wa\n", "fail"),
        ("-a always,exit -F arch=b64 -S openat -F dir=/etc/libvirt -F key=lv\n", "fail"),
        ("-a always,exit -F arch=b64 -S all -F dir=/etc/libvirt -F perm=wa -F success=0\n", "fail"),
        ("-a always,exit -F arch=b64 -S all -F path=/etc/libvirt -F perm=wa\n", "fail"),
        ("-w /etc/libvirtd -p wa\n", "fail"),  # a sibling whose name starts alike
        ("-w /etc/libvirt -p ra -k lv\n", "fail"),
        # The exit list triggers on the first matching rule: an earlier never-rule suppresses.
        ("-a never,exit -F dir=/etc/libvirt\n-w /etc/libvirt -p wa -k lv\n", "fail"),
        ("-w /etc/libvirt -p wa -k lv\n-a never,exit -F dir=/etc/libvirt\n", "pass"),
    ],
)
def test_audit_rule_grammar(host_scan, rules: str, status: str) -> None:
    a = host_scan({"audit-rules": (rules + POLKIT_WATCH, 0)})
    assert outcomes(a, "HVA-214") == {"hv1": status}
    if status == "fail":
        assert messages(a, "HVA-214")["hv1"].startswith(
            "audit rules watch /etc/libvirt for 64-bit system calls only"
            if "arch=b64 -S all -F dir=/etc/libvirt -F perm=wa -F key" in rules
            and "b32" not in rules
            else "no audit watch for writes to /etc/libvirt ("
        )


VULN = "/sys/devices/system/cpu/vulnerabilities/"


@pytest.mark.parametrize(
    ("lines", "smt", "status", "message"),
    [
        (  # redteam #16 (probe copied): the mitigation leaves the sibling thread open
            f"{VULN}mds:Mitigation: Clear CPU buffers; SMT vulnerable\n{VULN}meltdown:Not affected\n",
            "on\n",
            "fail",
            "vulnerable: mds (Mitigation: Clear CPU buffers; SMT vulnerable) (SMT control: on)",
        ),
        (
            f"{VULN}l1tf:Mitigation: PTE Inversion; VMX: conditional cache flushes, SMT "
            f"vulnerable\n{VULN}mds:Not affected\n",
            "on\n",
            "fail",
            "vulnerable: l1tf (Mitigation: PTE Inversion; VMX: conditional cache flushes, SMT "
            "vulnerable) (SMT control: on)",
        ),
        (  # the same mitigations with SMT off: nothing left open
            f"{VULN}mds:Mitigation: Clear CPU buffers; SMT disabled\n"
            f"{VULN}l1tf:Mitigation: PTE Inversion; VMX: conditional cache flushes, SMT disabled\n",
            "off\n",
            "pass",
            "17 CPU vulnerabilities reported, none unmitigated",
        ),
        (  # MSBDS-only parts: the mitigation covers the sibling (bugs.c "SMT mitigated")
            f"{VULN}mds:Mitigation: Clear CPU buffers; SMT mitigated\n",
            "on\n",
            "pass",
            "17 CPU vulnerabilities reported, none unmitigated",
        ),
    ],
    ids=["mds-smt-vulnerable", "l1tf-smt-vulnerable", "smt-disabled", "smt-mitigated"],
)
def test_cpu_flaws_open_across_smt_siblings(
    host_scan, lines: str, smt: str, status: str, message: str
) -> None:
    a = host_scan(
        {
            "cpu-vulnerabilities": (with_current_kernel(lines), 0),
            "/sys/devices/system/cpu/smt/control": smt,
        }
    )
    assert outcomes(a, "HVA-181") == {"hv1": status}
    assert messages(a, "HVA-181")["hv1"] == message


RSYSLOG_FWD = (  # the CA: without one every server is refused (R28L-1)
    f"/etc/rsyslog.d/50-remote.conf:{RSYSLOG_CA}\n"
    '/etc/rsyslog.d/50-remote.conf:action(type="omfwd" target="logs.example.internal" '
    'port="6514"\n/etc/rsyslog.d/50-remote.conf:       protocol="tcp" StreamDriver="gtls" '
    'StreamDriverMode="1"{auth})\n'
)


@pytest.mark.parametrize(
    ("auth", "status", "message"),
    [
        (  # redteam #17 (probe copied): anon authenticates nobody (rsyslog gtls driver docs)
            '\n/etc/rsyslog.d/50-remote.conf:       StreamDriverAuthMode="anon"',
            "fail",
            "logs forwarded without authenticated TLS to logs.example.internal (TLS in anon "
            "mode: the log server is not authenticated)",
        ),
        (  # no auth mode: the drivers' default is x509/name (nsd_gtls.h authMode 0)
            "",
            "pass",
            "logs forwarded over TLS to logs.example.internal",
        ),
        (  # a pinned fingerprint (R26L-1: one must be listed, else every server is refused)
            ' StreamDriverAuthMode="x509/fingerprint" StreamDriverPermittedPeers="SHA256:'
            + "AB:" * 31
            + 'CD"',
            "pass",
            "logs forwarded over TLS to logs.example.internal",
        ),
    ],
    ids=["anon", "default-x509-name", "fingerprint"],
)
def test_rsyslog_tls_authentication_mode(host_scan, auth: str, status: str, message: str) -> None:
    a = host_scan({"rsyslog-config": (DEBIAN_RSYSLOG_MAIN + RSYSLOG_FWD.format(auth=auth), 0)})
    assert outcomes(a, "HVA-200") == {"hv1": status}
    assert messages(a, "HVA-200")["hv1"] == message


def test_legacy_rsyslog_tls_in_anon_mode_fails(host_scan) -> None:
    conf = (
        "/etc/rsyslog.conf:$ModLoad imuxsock\n"  # the system log socket (R25L-4)
        "/etc/rsyslog.conf:$DefaultNetstreamDriver gtls\n"
        "/etc/rsyslog.conf:$DefaultNetstreamDriverCAFile /etc/ssl/certs/logs-ca.pem\n"  # R28L-1
        "/etc/rsyslog.conf:$ActionSendStreamDriverMode 1\n"
        "/etc/rsyslog.conf:$ActionSendStreamDriverAuthMode anon\n"
        "/etc/rsyslog.conf:*.* @@logs.example.internal:6514\n"
    )
    a = host_scan({"rsyslog-config": (conf, 0)})
    assert outcomes(a, "HVA-200") == {"hv1": "fail"}
    assert messages(a, "HVA-200")["hv1"] == (
        "logs forwarded without authenticated TLS to logs.example.internal (TLS in anon mode: the "
        "log server is not authenticated)"
    )
    a = host_scan({"rsyslog-config": (conf.replace("anon", "x509/name"), 0)})
    assert outcomes(a, "HVA-200") == {"hv1": "pass"}


@pytest.mark.parametrize(
    ("mode", "status", "message"),
    [
        # redteam #19 (probe copied): kill mode enforces and kills the task on a denial
        ("kill", "pass", "libvirt confines QEMU with AppArmor, 1 libvirt-<uuid> profile(s)"),
        ("complain", "fail", f"AppArmor profiles not enforcing: libvirt-{WEB01_UUID} (complain)"),
        ("user", "fail", f"AppArmor profiles not enforcing: libvirt-{WEB01_UUID} (user)"),
        ("unconfined", "fail", f"AppArmor profiles not enforcing: libvirt-{WEB01_UUID} (unconf"),
    ],
)
def test_apparmor_profile_modes(host_scan, mode: str, status: str, message: str) -> None:
    profiles = f"libvirt-{WEB01_UUID} ({mode})\nlibvirtd (enforce)\n"
    a = host_scan({"/sys/kernel/security/apparmor/profiles": profiles})
    assert outcomes(a, "HVA-043") == {"hv1": status}
    assert messages(a, "HVA-043")["hv1"].startswith(message)


def test_match_block_permitting_root(host_scan) -> None:
    """redteam #7 (probe copied): `sshd -T` without -C applies no Match block (sshd(8) -C)."""
    a = host_scan(
        {
            "/etc/ssh/sshd_config": "PermitRootLogin no\nAllowGroups sshadmins\n"
            "Match Address 10.20.0.0/16\n    PermitRootLogin yes\n",
        }
    )
    assert outcomes(a, "HVA-160") == {"hv1": "fail"}
    assert messages(a, "HVA-160")["hv1"] == (
        "PermitRootLogin no, but Match Address 10.20.0.0/16 (/etc/ssh/sshd_config:3) sets "
        "PermitRootLogin yes"
    )


SSHD_MAIN = "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\n"


@pytest.mark.parametrize(
    ("main", "dropins", "status", "message"),
    [
        (  # a drop-in, included where the Include stands, in sorted order
            SSHD_MAIN,
            (
                "/etc/ssh/sshd_config.d/10-a.conf:# nothing\n"
                "/etc/ssh/sshd_config.d/50-admins.conf:Match Group wheel\n"
                "/etc/ssh/sshd_config.d/50-admins.conf:  PermitRootLogin=prohibit-password\n",
                0,
            ),
            "fail",
            "PermitRootLogin no, but Match Group wheel (/etc/ssh/sshd_config.d/50-admins.conf:1) "
            "sets PermitRootLogin prohibit-password",
        ),
        (  # a block for other users cannot let root in
            SSHD_MAIN + "Match User alice,bob\n  PermitRootLogin yes\n  X11Forwarding yes\n",
            None,
            "pass",
            "PermitRootLogin no",
        ),
        (
            SSHD_MAIN + "Match User *,!root Address 10.0.0.0/8\n  PermitRootLogin yes\n",
            None,
            "pass",
            "PermitRootLogin no",
        ),
        (
            SSHD_MAIN + "Match User r* Address 10.0.0.0/8\n  PermitRootLogin yes\n",
            None,
            "fail",
            "PermitRootLogin no, but Match User r* Address 10.0.0.0/8 (/etc/ssh/sshd_config:3) "
            "sets PermitRootLogin yes",
        ),
        (  # a block that keeps root out passes
            SSHD_MAIN + "Match Address 10.20.0.0/16\n  PermitRootLogin no\n",
            ("", 2, "grep: /etc/ssh/sshd_config.d: No such file or directory\n"),
            "pass",
            "PermitRootLogin no",
        ),
    ],
    ids=["drop-in", "other-users", "negated-root", "wildcard-root", "match-keeps-no"],
)
def test_sshd_match_blocks(host_scan, main: str, dropins: Any, status: str, message: str) -> None:
    a = host_scan({"/etc/ssh/sshd_config": main, "sshd-config-d": dropins})
    assert outcomes(a, "HVA-160") == {"hv1": status}
    assert messages(a, "HVA-160")["hv1"] == message


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"/etc/ssh/sshd_config": RuntimeError("permission denied")}, None),
        (
            {"/etc/ssh/sshd_config": "Include /srv/ssh/*.conf\nPermitRootLogin no\n"},
            "includes /srv/ssh/*.conf, outside /etc/ssh/sshd_config.d/ (not collected)",
        ),
        (
            {"sshd-config-d": ("", 2, "grep: /etc/ssh/sshd_config.d: Permission denied\n")},
            "/etc/ssh/sshd_config.d/ was not read",
        ),
    ],
    ids=["main-unreadable", "include-elsewhere", "dropins-unreadable"],
)
def test_sshd_match_blocks_unread(
    host_scan, overrides: dict[str, Any], fragment: str | None
) -> None:
    """Without the files the Match blocks are unknown: never a pass on `sshd -T` alone."""
    a = host_scan(overrides)
    if fragment is None:
        assert outcomes(a, "HVA-160") == {"hv1": "error"}
        assert "permission denied" in messages(a, "HVA-160")["hv1"]
    else:
        assert outcomes(a, "HVA-160") == {"hv1": "manual"}
        assert fragment in messages(a, "HVA-160")["hv1"]


SUDOERS = HARDENED_HOST["sudoers"][0]


@pytest.mark.parametrize(
    ("extra", "status", "names"),
    [
        # an alias (several on one line, joined by ':'; one nested) names its members
        (
            "/etc/sudoers.d/a:User_Alias OPS = bob, carol : ADMINS = OPS, dave\n"
            "/etc/sudoers.d/a:ADMINS ALL=(ALL:ALL) ALL\n",
            "fail",
            "5 administrative principal(s) (limit 3): alice, bob, carol, dave, root; "
            "/etc/sudoers.d/a adds bob, carol, dave",
        ),
        # a user list, continued on the next line with a backslash
        (
            "/etc/sudoers.d/b:bob, carol,\\\n/etc/sudoers.d/b:  dave ALL=(ALL) ALL\n",
            "fail",
            "5 administrative principal(s) (limit 3): alice, bob, carol, dave, root; "
            "/etc/sudoers.d/b adds bob, carol, dave",
        ),
        # ALL is every user
        (
            "/etc/sudoers.d/c:ALL ALL=(ALL) NOPASSWD: /usr/bin/virsh\n",
            "fail",
            "3 administrative principal(s) (limit 3): ALL (every user), alice, root; "
            "/etc/sudoers.d/c adds ALL (every user)",
        ),
        # a negated entry and a Defaults line name nobody; #uid is a user, not a comment
        (
            '/etc/sudoers.d/d:Defaults:bob env_keep += "HOME=x"\n'
            "/etc/sudoers.d/d:# carol ALL=(ALL) ALL\n/etc/sudoers.d/d:#1001 ALL=(ALL) ALL\n",
            "pass",
            "3 administrative principal(s) (limit 3): #1001, alice, root",
        ),
    ],
    ids=["aliases", "user-list", "all-users", "comments-defaults-uid"],
)
def test_sudoers_user_lists_and_aliases_are_expanded(
    host_scan, extra: str, status: str, names: str
) -> None:
    """sudoers(5): User_Spec ::= User_List Host_List '=' ..., User_Alias NAME = User_List (':'
    between several); the old reader took the first word of a rule as its only principal."""
    a = host_scan({"sudoers": (SUDOERS + extra, 0)})
    assert outcomes(a, "HVA-142") == {"hv1": status}
    assert messages(a, "HVA-142") == {"hv1": names}


def test_sudo_for_every_user_fails_whatever_the_limit(host_scan) -> None:
    a = host_scan({"sudoers": (SUDOERS + "/etc/sudoers.d/c:ALL ALL=(ALL) ALL\n", 0)})
    assert outcomes(a, "HVA-142") == {"hv1": "fail"}
    assert "ALL (every user)" in messages(a, "HVA-142")["hv1"]


TLS_16514 = (
    HARDENED_HOST["listeners"][0]
    + "tcp   LISTEN 0      1000       10.0.0.10:16514     0.0.0.0:*    "
    'users:(("libvirtd",pid=700,fd=13))\n'
)


@pytest.mark.parametrize(
    ("setting", "status", "message"),
    [
        (
            'tls_allowed_dn_list = [ "*" ]',
            "fail",
            "TLS listener admits any certificate the CA signed (libvirtd.conf: "
            "tls_allowed_dn_list entry '*' matches every name)",
        ),
        (
            'tls_allowed_dn_list = [ "C=GB,O=Example,CN=mgmt1", "**" ]',
            "fail",
            "TLS listener admits any certificate the CA signed (libvirtd.conf: "
            "tls_allowed_dn_list entry '**' matches every name)",
        ),
        (
            'tls_allowed_dn_list = [ "C=GB,O=Example,CN=*" ]',
            "pass",
            "TLS clients restricted: tls_allowed_dn_list ['C=GB,O=Example,CN=*'] (libvirtd.conf)",
        ),
        (
            "tls_allowed_dn_list = [ ]",
            "pass",
            "TLS clients restricted: tls_allowed_dn_list [] (libvirtd.conf: no TLS client can "
            "connect)",
        ),
    ],
    ids=["star", "star-among-names", "organisation-wildcard", "empty"],
)
def test_dn_list_wildcards(host_scan, setting: str, status: str, message: str) -> None:
    """libvirtd.conf: the list "may contain wildcards"; an empty list admits no client."""
    conf = HARDENED_HOST["/etc/libvirt/libvirtd.conf"] + setting + "\n"
    a = host_scan({"listeners": (TLS_16514, 0), "/etc/libvirt/libvirtd.conf": conf})
    assert (outcomes(a, "HVA-034"), messages(a, "HVA-034")) == ({"hv1": status}, {"hv1": message})


@pytest.mark.parametrize(
    ("overrides", "status", "fragment"),
    [
        # /etc/group unread: the members of %sudo and of the admin groups are unknown
        ({"/etc/group": None}, "manual", "/etc/group could not be read"),
        # a group none are listed for (directory or primary-group members), a netgroup
        (
            {"sudoers": (SUDOERS + "/etc/sudoers.d/d:%dcadmins ALL=(ALL) ALL\n", 0)},
            "manual",
            "the members of %dcadmins are not in the evidence",
        ),
        (
            {"sudoers": (SUDOERS + "/etc/sudoers.d/n:+ops ALL=(ALL) ALL\n", 0)},
            "manual",
            "the members of +ops are not in the evidence",
        ),
        # already over the limit without the unread group: a failure whatever its size
        (
            {
                "sudoers": (
                    SUDOERS + "/etc/sudoers.d/e:bob, carol, %:dcadmins ALL=(ALL) ALL\n",
                    0,
                )
            },
            "fail",
            "5 administrative principal(s) (limit 3)",
        ),
    ],
    ids=["no-etc-group", "group-without-members", "netgroup", "over-limit-anyway"],
)
def test_sudo_groups_whose_members_were_not_read_are_asked(
    host_scan, overrides: dict[str, Any], status: str, fragment: str
) -> None:
    """Before, such a group counted as one principal and an unread /etc/group as no members: a
    pass on membership nobody read."""
    a = host_scan(overrides)
    assert outcomes(a, "HVA-142") == {"hv1": status}
    assert fragment in messages(a, "HVA-142")["hv1"]
