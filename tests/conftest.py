"""Shared test helpers.

Deployments are real: libvirt's test driver (`test:///node.xml`, no daemon) serves the domains,
networks and pools, and the real collector, parser and engine process them. Host facts of a real
hypervisor host (TPM, Secure Boot, bonds, sshd, rsyslog ...) cannot exist on this CI machine, so
they come from `ReplayRunner`, which answers the collector's own probe list with artefact text
recorded from Debian hosts: the one stand-in of the suite. The end-to-end test
(`test_e2e_libvirtd.py`) collects the real local host instead.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid as uuidlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest

from hvaudit.bundle import Bundle, BundleWriter, dump_json
from hvaudit.collect.host import (
    COMMANDS,
    CONTAINER_SOCKETS,
    KUBE_ADMIN_CONFIGS,
    LIBVIRT_ACL_SOCKETS,
    LIBVIRT_DAEMONS,
    LIBVIRT_ENVIRON_ARGV,
    MICROK8S_COMPONENT_CONFIGS,
    QEMU_EXE_ARGV,
    QEMU_LABEL_ARGV,
    QEMU_MAPS_ARGV,
    QEMU_STATUS_ARGV,
    SECRET_SIZE_ARGV,
    TIME_DAEMON_PROBES,
    VIRT_ADMIN_LOG_OUTPUTS,
    HostCollector,
)
from hvaudit.collect.libvirt import LibvirtCollector, LibvirtTarget
from hvaudit.collect.runner import RunResult
from hvaudit.engine import Assessment, assess
from hvaudit.parse import build_deployment
from hvaudit.parse.host import X86_CPU_FLAWS
from hvaudit.profile import Profile, load_profile
from hvaudit.safexml import parse_xml

REPO = Path(__file__).resolve().parent.parent
#: libvirt 9.0.0's test files (LGPL-2.1-or-later, provenance in its README.md), kept in the
#: repository so that a plain clone runs the whole suite; HVAUDIT_CORPUS points at another copy.
CORPUS = Path(os.environ.get("HVAUDIT_CORPUS", REPO / "tests" / "corpus" / "libvirt-9.0.0"))


def pytest_sessionstart(session: pytest.Session) -> None:
    # A shell without job control starts a background command (`make test &`, a CI runner's
    # detached job) with SIGINT ignored, and an ignored signal stays ignored across exec: the
    # scans the tests start and interrupt with SIGINT would never see it (Python installs its
    # KeyboardInterrupt handler only over SIG_DFL). Catching it here makes every child start
    # with the default action, as from a terminal.
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    # The reports size themselves to COLUMNS when it is set (shutil.get_terminal_size), and the
    # runner's is not the tests': a pytest-xdist 3.8.0 worker runs with COLUMNS=80, a plain run
    # without it (the 100-column default), and test_terminal_safety's strings wrapped at 80 in
    # CI. A test that wants a width sets it itself (--width, monkeypatch.setenv).
    for name in ("COLUMNS", "LINES"):
        os.environ.pop(name, None)
    if not (CORPUS / "qemu-domains").is_dir():
        raise pytest.UsageError(
            f"the libvirt corpus is missing at {CORPUS}: restore tests/corpus/libvirt-9.0.0 "
            "(git checkout -- tests/corpus), or set HVAUDIT_CORPUS to a libvirt-9.0.0 folder"
        )


SYSTEM_TMP = tempfile.gettempdir()
"""The system temporary folder, for services that run as another user (PostgreSQL) and cannot
enter the run's private one."""


@pytest.fixture(autouse=True, scope="session")
def _run_tempdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The system temporary folder of this test run, for it and the processes it starts: a
    failing scan keeps its partial bundle there by design, and those stay with the run's other
    temporary files instead of piling up in /tmp."""
    folder = str(
        tmp_path_factory.mktemp("tempdir")
    )  # 0700: services run as other users use SYSTEM_TMP
    saved_env, saved_dir = os.environ.get("TMPDIR"), tempfile.tempdir
    os.environ["TMPDIR"], tempfile.tempdir = folder, folder
    yield
    tempfile.tempdir = saved_dir
    if saved_env is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = saved_env


@contextlib.contextmanager
def held_lock(path: Path, wait_s: float, what: str) -> Iterator[None]:
    """An exclusive flock on `path`, waited for up to `wait_s` seconds, for a resource two test
    processes must not use at once: the system libvirtd's domains (every checkout on the machine,
    and each worker of a `pytest -n` run, defines them on the one daemon) or a build the workers
    share. Fails the test, naming `what`, when another process keeps it longer."""
    with path.open("a") as f:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    pytest.fail(f"another process held {path} ({what}) for {wait_s:g} s")
                time.sleep(0.5)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


#: held while a test has domains of its own on the system libvirtd (qemu:///system): the e2e
#: test asserts every finding of a scan of that daemon, so another test's domain defined beside
#: its own (the secret sweep's, another checkout's run: session 30) changes what it sees. Not
#: /tmp/hvaudit-e2e.lock, which developers take with flock(1) around the whole e2e run: a second
#: lock on that file from inside it would wait for itself.
LIBVIRTD_DOMAINS_LOCK = Path("/tmp/hvaudit-e2e-domains.lock")


def libvirtd_domains_held() -> contextlib.AbstractContextManager[None]:
    """The machine-wide lock on the system libvirtd's test domains, waited for up to 30 min."""
    return held_lock(LIBVIRTD_DOMAINS_LOCK, 1800, "the system libvirtd's test domains")


def run_shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every process of this run sees: the run's base temporary folder, or under
    `pytest -n` (pytest-xdist) the one above the workers' own (basetemp/popen-gwN)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


NFT_DROP = json.dumps(
    {
        "nftables": [
            {"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
            {"table": {"family": "inet", "name": "filter", "handle": 1}},
            {
                "chain": {
                    "family": "inet",
                    "table": "filter",
                    "name": "input",
                    "handle": 1,
                    "type": "filter",
                    "hook": "input",
                    "prio": 0,
                    "policy": "drop",
                }
            },
            {
                "chain": {
                    "family": "inet",
                    "table": "filter",
                    "name": "forward",
                    "handle": 2,
                    "type": "filter",
                    "hook": "forward",
                    "prio": 0,
                    "policy": "accept",
                }
            },
        ]
    }
)

IP_LINK = json.dumps(
    [
        {"ifindex": 1, "ifname": "lo", "flags": ["LOOPBACK", "UP"]},
        {
            "ifindex": 2,
            "ifname": "eno1",
            "master": "bond0",
            "linkinfo": {"info_slave_kind": "bond"},
            "parentbus": "pci",
            "parentdev": "0000:3b:00.0",
        },
        {
            "ifindex": 3,
            "ifname": "eno2",
            "master": "bond0",
            "linkinfo": {"info_slave_kind": "bond"},
            "parentbus": "pci",
            "parentdev": "0000:5e:00.0",
        },
        {
            "ifindex": 4,
            "ifname": "bond0",
            "master": "br0",
            "linkinfo": {"info_kind": "bond", "info_slave_kind": "bridge"},
        },
        {
            "ifindex": 5,
            "ifname": "br0",
            "linkinfo": {"info_kind": "bridge", "info_data": {"vlan_filtering": 1}},
        },
        {"ifindex": 6, "ifname": "eno3"},
        {
            "ifindex": 7,
            "ifname": "vnet0",
            "master": "br0",
            "linkinfo": {"info_kind": "tun", "info_slave_kind": "bridge"},
        },
    ]
)

IP_ADDR = json.dumps(
    [
        {"ifname": "lo", "addr_info": [{"family": "inet", "local": "127.0.0.1", "scope": "host"}]},
        {
            "ifname": "eno3",
            "addr_info": [{"family": "inet", "local": "10.0.0.10", "scope": "global"}],
        },
        {"ifname": "br0", "addr_info": []},
    ]
)

#: The uuid domain_xml() gives the VM web01 (its AppArmor profile is libvirt-<uuid>).
WEB01_UUID = str(uuidlib.uuid5(uuidlib.NAMESPACE_DNS, "web01"))


def with_current_kernel(lines: str) -> str:
    """A CPU vulnerability listing (`grep -r -H` lines) completed, as a current kernel prints
    it, with "Not affected" for every x86 flaw the lines do not name (HVA-181 questions a kernel
    that has no file for a flaw)."""
    prefix = "/sys/devices/system/cpu/vulnerabilities/"
    named = {line.partition(":")[0].rsplit("/", 1)[-1] for line in lines.splitlines()}
    return lines + "".join(
        f"{prefix}{flaw}:Not affected\n" for flaw in X86_CPU_FLAWS if flaw not in named
    )


#: `grep -a -H "" /proc/1200/attr/current /proc/1200/attr/apparmor/current` on an SELinux host
#: (no AppArmor file: grep exits 2).
SELINUX_QEMU_LABEL = "/proc/1200/attr/current:system_u:system_r:svirt_t:s0:c392,c662\0\n"


#: A hardened Debian 12 KVM host, as its artefacts read. Keys: file paths or probe names.
def _release_date(days: float) -> str:
    """A Release file's Date: `days` before now (RFC 2822, as the archives write it)."""
    return format_datetime(datetime.now(UTC) - timedelta(days=days), usegmt=True)


_SEC = "/var/lib/apt/lists/security.debian.org_debian-security_dists_bookworm-security_InRelease"
_MAIN = "/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease"
#: `grep -r -H -E '^(Date|Valid-Until|Suite|Codename|Label):' /var/lib/apt/lists`
APT_LISTS_RELEASE = (
    f"{_SEC}:Label: Debian-Security\n{_SEC}:Suite: stable-security\n"
    f"{_SEC}:Codename: bookworm-security\n{_SEC}:Date: {_release_date(1.05)}\n"
    f"{_SEC}:Valid-Until: {_release_date(1.05 - 7)}\n"
    f"{_MAIN}:Label: Debian\n{_MAIN}:Suite: stable\n{_MAIN}:Codename: bookworm\n"
    f"{_MAIN}:Date: Sat, 09 Nov 2024 10:44:46 UTC\n"
)

#: The global CA certificate of rsyslog's TLS drivers (without one they refuse every server, R28L-1).
RSYSLOG_CA = 'global(DefaultNetstreamDriverCAFile="/etc/ssl/certs/logs-ca.pem")'
#: The hardened host's rsyslog.d file: an omfwd action over TLS that authenticates the server
#: against the CA that signed the log server's certificate (without a CA the TLS drivers refuse
#: every server, R28L-1).
RSYSLOG_REMOTE = (
    f"/etc/rsyslog.d/50-remote.conf:{RSYSLOG_CA}\n"
    '/etc/rsyslog.d/50-remote.conf:action(type="omfwd" target="logs.example.internal" port="6514"\n'
    '/etc/rsyslog.d/50-remote.conf:       protocol="tcp" StreamDriver="gtls" StreamDriverMode="1"\n'
    '/etc/rsyslog.d/50-remote.conf:       StreamDriverAuthMode="x509/name")\n'
)
#: Debian's /etc/rsyslog.conf as grep prints it (debian/rsyslog.conf of the Debian package, read
#: with `read_file` in danos/rsyslog: imuxsock and imklog loaded, `$IncludeConfig
#: /etc/rsyslog.d/*.conf`, rules writing local files). rsyslogd reads /etc/rsyslog.d only through
#: such an include, and does not start without a main file holding an action (R18H-4).
DEBIAN_RSYSLOG_MAIN = "".join(
    f"/etc/rsyslog.conf:{line}\n"
    for line in (
        "# /etc/rsyslog.conf configuration file for rsyslog",
        "",
        'module(load="imuxsock") # provides support for local system logging',
        'module(load="imklog")   # provides kernel logging support',
        "",
        "$FileOwner root",
        "$FileGroup adm",
        "$FileCreateMode 0640",
        "$DirCreateMode 0755",
        "$Umask 0022",
        "$WorkDirectory /var/spool/rsyslog",
        "",
        "# Include all config files in /etc/rsyslog.d/",
        "$IncludeConfig /etc/rsyslog.d/*.conf",
        "",
        "*.*;auth,authpriv.none\t\t-/var/log/syslog",
        "auth,authpriv.*\t\t\t/var/log/auth.log",
        "cron.*\t\t\t\t-/var/log/cron.log",
        "kern.*\t\t\t\t-/var/log/kern.log",
        "mail.*\t\t\t\t-/var/log/mail.log",
        "user.*\t\t\t\t-/var/log/user.log",
        "*.emerg\t\t\t\t:omusrmsg:*",
    )
)

#: the lines `grep -R -H -E '<action|...|<allow_(any|inactive|active)>|policykit\.exec\.path'`
#: keeps of the two .policy files Debian's libvirt-daemon-system installs in
#: /usr/share/polkit-1/actions (R52S-1): org.libvirt.unix.policy (libvirt src/remote/
#: libvirtd.policy: unix.monitor yes, "Any program can use libvirt in read-only mode";
#: unix.manage auth_admin_keep, "if they provide the root password") and org.libvirt.api.policy
#: (src/access/genpolkit.pl: allow_any, allow_inactive and allow_active all "yes" for a
#: permission viraccessperm.h marks `@anonymous: 1`, "no" for every other; the connect and
#: domain permissions here, the other objects follow the same rule)
LIBVIRT_UNIX_POLICY = "/usr/share/polkit-1/actions/org.libvirt.unix.policy"
LIBVIRT_API_POLICY = "/usr/share/polkit-1/actions/org.libvirt.api.policy"
_LIBVIRT_API_PERMS = (
    ("connect.getattr", "yes"),
    ("connect.read", "yes"),
    ("connect.write", "no"),
    ("connect.search-domains", "yes"),
    ("connect.search-networks", "yes"),
    ("connect.pm-control", "no"),
    ("domain.getattr", "yes"),
    ("domain.read", "yes"),
    ("domain.write", "no"),
    ("domain.read-secure", "no"),
    ("domain.start", "no"),
    ("domain.stop", "no"),
    ("domain.open-graphics", "no"),
    ("domain.open-device", "no"),
)


def _policy_lines(path: str, action: str, value: str, indent: str) -> str:
    lines = [f'{indent}<action id="{action}">'] + [
        f"{indent}    <allow_{k}>{value}</allow_{k}>" for k in ("any", "inactive", "active")
    ]
    return "".join(f"{path}:{line}\n" for line in lines)


LIBVIRT_POLKIT_ACTIONS = (
    _policy_lines(LIBVIRT_UNIX_POLICY, "org.libvirt.unix.monitor", "yes", "    ")
    + _policy_lines(LIBVIRT_UNIX_POLICY, "org.libvirt.unix.manage", "auth_admin_keep", "    ")
    + "".join(
        _policy_lines(LIBVIRT_API_POLICY, f"org.libvirt.api.{perm}", value, "  ")
        for perm, value in _LIBVIRT_API_PERMS
    )
)

HARDENED_HOST: dict[str, Any] = {
    "/proc/cpuinfo": "processor\t: 0\nvendor_id\t: GenuineIntel\n"
    "flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep vmx ssse3 fma cx16 pcid sse4_1 x2apic\n"
    "vmx flags\t: vnmi preemption_timer invvpid ept_x_only ept_ad flexpriority tsc_offset vtpr ept vpid\n",
    "/proc/meminfo": "MemTotal:       65843912 kB\n",
    "/proc/cmdline": "BOOT_IMAGE=/vmlinuz-6.1.0-28-amd64 root=/dev/mapper/vg-root ro quiet\n",
    "/proc/sys/kernel/osrelease": "6.1.0-28-amd64\n",
    "/proc/version": "Linux version 6.1.0-28-amd64 (debian-kernel@lists.debian.org) (gcc-12 "
    "(Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC "
    "Debian 6.1.119-1 (2024-11-22)\n",
    # `find /boot -maxdepth 1 -name vmlinuz-*`: the running kernel and an older one kept by apt
    "boot-kernels": ("/boot/vmlinuz-6.1.0-28-amd64\n/boot/vmlinuz-6.1.0-27-amd64\n", 0),
    # `find -L /efi/EFI/Linux ... -name *.efi` (R28B-3): no EFI system partition holds unified
    # kernel images (find exits 1 naming each directory that does not exist, an answer: R48B-2)
    "boot-uki": (
        "",
        1,
        "find: '/efi/EFI/Linux': No such file or directory\n"
        "find: '/boot/EFI/Linux': No such file or directory\n"
        "find: '/boot/efi/EFI/Linux': No such file or directory\n",
    ),
    "/proc/sys/kernel/hostname": "hv1\n",
    "/proc/sys/kernel/tainted": "0\n",
    "/proc/modules": "kvm_intel 380928 0 - Live 0x0000000000000000\n"
    "kvm 1142784 1 kvm_intel, Live 0x0000000000000000\n",
    "/proc/sys/vm/overcommit_memory": "0\n",
    "/proc/sys/kernel/modules_disabled": "0\n",
    "/sys/module/apparmor/parameters/enabled": "Y\n",
    "/sys/kernel/security/apparmor/profiles": f"libvirt-{WEB01_UUID} (enforce)\n"
    "libvirtd (enforce)\n/usr/bin/man (enforce)\n",
    "/sys/module/module/parameters/sig_enforce": "N\n",
    "/sys/kernel/security/lockdown": "none [integrity] confidentiality\n",
    "/sys/module/kvm_intel/parameters/ept": "Y\n",
    "/sys/kernel/mm/ksm/run": "0\n",
    "/sys/kernel/mm/ksm/pages_shared": "0\n",
    # `systemctl list-unit-files --no-legend ksm.service ksmtuned.service`: neither installed
    "ksm-units": ("", 1),
    "/sys/devices/system/cpu/smt/control": "on\n",
    "/sys/class/tpm/tpm0/tpm_version_major": "2\n",
    "/etc/os-release": 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n',
    "/etc/passwd": "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "alice:x:1000:1000:Alice Admin:/home/alice:/bin/bash\n"
    # Debian's libvirt-daemon-system postinst allocates uid and gid 64055 (LIBVIRT_QEMU_GID)
    "libvirt-qemu:x:64055:64055:Libvirt Qemu,,,:/var/lib/libvirt:/usr/sbin/nologin\n"
    "tss:x:105:112:TPM software stack,,,:/var/lib/tpm:/bin/false\n",
    "/etc/group": "root:x:0:\nsudo:x:27:alice\nkvm:x:104:\nlibvirt:x:108:\ntss:x:112:\nlibvirt-qemu:x:64055:\n",
    "/etc/nsswitch.conf": "passwd:         files sss\ngroup:          files sss\nhosts: files dns\n",
    "/etc/sssd/sssd.conf": "[sssd]\ndomains = corp.example\nservices = nss, pam\n\n"
    "[domain/corp.example]\nid_provider = ad\naccess_provider = ad\n",
    "/etc/ssh/sshd_config": "Include /etc/ssh/sshd_config.d/*.conf\nListenAddress 10.0.0.10:22\n"
    "PermitRootLogin no\nAllowGroups sshadmins\nPasswordAuthentication no\n"
    "AuthenticationMethods publickey,keyboard-interactive\nUsePAM yes\n",
    "/etc/pam.d/sshd": "# PAM configuration for the Secure Shell service\nauth required pam_u2f.so cue\n"
    "@include common-auth\n",
    # Debian 12's /etc/pam.d/common-auth as pam-auth-update writes it.
    "/etc/pam.d/common-auth": "auth [success=1 default=ignore] pam_unix.so nullok\n"
    "auth requisite pam_deny.so\nauth required pam_permit.so\n",
    "/etc/libvirt/qemu.conf": '# hardened\nuser = "libvirt-qemu"\ngroup = "libvirt-qemu"\n'
    'security_driver = "apparmor"\nsecurity_default_confined = 1\nsecurity_require_confined = 1\n'
    'migrate_tls_force = 1\nmigration_address = "10.0.1.10"\nvnc_tls = 1\nspice_tls = 1\n',
    "/etc/libvirt/libvirtd.conf": 'access_drivers = [ "polkit" ]\naudit_level = 2\n'
    'auth_unix_rw = "polkit"\n',
    # libvirt's shipped SASL configuration (src/remote/libvirtd.sasl)
    "/etc/sasl2/libvirt.conf": "# If you want to use the non-TLS socket, then you *must* pick a\n"
    "mech_list: gssapi\nkeytab: /etc/libvirt/krb5.tab\n",
    "dev-kvm": ("crw-rw---- 1 root kvm 10, 232 Nov 27 04:00 /dev/kvm\n", 0),
    "cpu-vulnerabilities": (
        "/sys/devices/system/cpu/vulnerabilities/meltdown:Not affected\n"
        "/sys/devices/system/cpu/vulnerabilities/spectre_v2:Mitigation: Enhanced / Automatic IBRS\n"
        "/sys/devices/system/cpu/vulnerabilities/mds:Not affected\n"
        + "".join(
            f"/sys/devices/system/cpu/vulnerabilities/{flaw}:Not affected\n"
            for flaw in X86_CPU_FLAWS
            if flaw not in ("meltdown", "spectre_v2", "mds")
        ),
        0,
    ),
    "iommu-groups": ("0\n1\n2\n3\n", 0),
    "iommu-group-devices": (
        "/sys/kernel/iommu_groups/0/devices/0000:00:00.0\n"
        "/sys/kernel/iommu_groups/1/devices/0000:00:1c.0\n"
        "/sys/kernel/iommu_groups/2/devices/0000:65:00.0\n"
        "/sys/kernel/iommu_groups/3/devices/0000:00:1f.0\n"
        "/sys/kernel/iommu_groups/3/devices/0000:00:1f.3\n",
        0,
    ),
    "pci-drivers": (
        "/sys/bus/pci/drivers/pcieport/0000:00:1c.0\n"
        "/sys/bus/pci/drivers/vfio-pci/0000:65:00.0\n"
        "/sys/bus/pci/drivers/lpc_ich/0000:00:1f.0\n"
        "/sys/bus/pci/drivers/snd_hda_intel/0000:00:1f.3\n",
        0,
    ),
    # class codes: host bridge, PCIe root port (a PCI-to-PCI bridge), VGA, ISA bridge, audio
    "pci-classes": (
        "/sys/bus/pci/devices/0000:00:00.0/class:0x060000\n"
        "/sys/bus/pci/devices/0000:00:1c.0/class:0x060400\n"
        "/sys/bus/pci/devices/0000:65:00.0/class:0x030000\n"
        "/sys/bus/pci/devices/0000:00:1f.0/class:0x060100\n"
        "/sys/bus/pci/devices/0000:00:1f.3/class:0x040300\n",
        0,
    ),
    "efi": ("/sys/firmware/efi\n", 0),
    "secure-boot": ("   6   0   0   0   1\n", 0),
    # `wc -c` of the event log (securityfs reports no size to `ls -l`)
    "measured-boot-log": ("40123 /sys/kernel/security/tpm0/binary_bios_measurements\n", 0),
    "sudoers": (
        "/etc/sudoers:Defaults\tenv_reset\n/etc/sudoers:root\tALL=(ALL:ALL) ALL\n"
        "/etc/sudoers:%sudo\tALL=(ALL:ALL) ALL\n/etc/sudoers:@includedir /etc/sudoers.d\n",
        0,
    ),
    "sshd-effective": (
        "port 22\nlistenaddress 10.0.0.10:22\npermitrootlogin no\n"
        "allowgroups sshadmins\npasswordauthentication no\nusepam yes\n"
        "kbdinteractiveauthentication yes\npubkeyauthentication yes\n"
        "authenticationmethods publickey,keyboard-interactive\n",
        0,
    ),
    "sshd-units": ("active\ninactive\ninactive\ninactive\n", 3),
    "listeners": (
        "tcp   LISTEN 0      128        10.0.0.10:22        0.0.0.0:*    "
        'users:(("sshd",pid=800,fd=3))\n'
        "udp   UNCONN 0      0          127.0.0.1:323       0.0.0.0:*    "
        'users:(("chronyd",pid=402,fd=5))\n',
        0,
    ),
    # no AF_VSOCK listener; the kernel answered ss (vsock_diag loaded; VL19-20)
    "vsock-listeners": ("", 0),
    "vsock-diag": ("vsock_diag 12288 0 - Live 0x0000000000000000\n", 0),
    # cgroup v1 holds the memory controller (a hybrid hierarchy): <memtune><soft_limit> is
    # memory.soft_limit_in_bytes, a reclaim priority (HVA-070, VL17-1)
    "cgroup-mounts": (
        "cgroup2 /sys/fs/cgroup/unified cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate 0 0\n"
        "cgroup /sys/fs/cgroup/memory cgroup rw,nosuid,nodev,noexec,relatime,memory 0 0\n",
        0,
    ),
    # net.ipv4.conf.*.route_localnet off everywhere (the kernel's default)
    "route-localnet": (
        "/proc/sys/net/ipv4/conf/all/route_localnet:0\n"
        "/proc/sys/net/ipv4/conf/default/route_localnet:0\n"
        "/proc/sys/net/ipv4/conf/bond0/route_localnet:0\n"
        "/proc/sys/net/ipv4/conf/br0/route_localnet:0\n"
        "/proc/sys/net/ipv4/conf/lo/route_localnet:0\n",
        0,
    ),
    # sysctl.d (`find -L ... -print -exec grep -H`): Debian 12's, /etc/sysctl.conf all comments
    # and linked as 99-sysctl.conf, systemd's and procps' files (/lib is /usr/lib: merged /usr)
    "sysctl-d": (
        "/etc/sysctl.d/99-sysctl.conf\n"
        "/etc/sysctl.d/99-sysctl.conf:#kernel.domainname = example.com\n"
        "/etc/sysctl.d/99-sysctl.conf:#net.ipv4.ip_forward=1\n"
        "/usr/lib/sysctl.d/50-pid-max.conf\n"
        "/usr/lib/sysctl.d/50-pid-max.conf:kernel.pid_max = 4194304\n"
        "/usr/lib/sysctl.d/protect-links.conf\n"
        "/usr/lib/sysctl.d/protect-links.conf:fs.protected_fifos = 1\n"
        "/usr/lib/sysctl.d/protect-links.conf:fs.protected_hardlinks = 1\n"
        "/lib/sysctl.d/50-pid-max.conf\n"
        "/lib/sysctl.d/50-pid-max.conf:kernel.pid_max = 4194304\n"
        "/etc/sysctl.conf\n"
        "/etc/sysctl.conf:#kernel.domainname = example.com\n"
        "/etc/sysctl.conf:#net.ipv4.ip_forward=1\n",
        1,
        "find: '/run/sysctl.d': No such file or directory\n"
        "find: '/usr/local/lib/sysctl.d': No such file or directory\n",
    ),
    # the next boot's kernel command line (`find -L ... -print -exec grep -H`): Debian 12's
    # /etc/default/grub (its GRUB_CMDLINE_* lines), no /etc/kernel/cmdline, no loader entries
    "boot-cmdline": (
        "/etc/default/grub\n"
        "/etc/default/grub:# If you change this file, run 'update-grub' afterwards to update\n"
        "/etc/default/grub:GRUB_DEFAULT=0\n"
        "/etc/default/grub:GRUB_TIMEOUT=5\n"
        "/etc/default/grub:GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`\n"
        '/etc/default/grub:GRUB_CMDLINE_LINUX_DEFAULT="quiet"\n'
        '/etc/default/grub:GRUB_CMDLINE_LINUX=""\n'
        "/etc/default/grub:#GRUB_DISABLE_OS_PROBER=false\n",
        1,
        "find: '/etc/default/grub.d': No such file or directory\n"
        "find: '/etc/kernel/cmdline': No such file or directory\n"
        "find: '/boot/loader/entries': No such file or directory\n",
    ),
    # modprobe.d: Debian 12's systemd.conf only (grep exits 2 for the directories not there)
    "modprobe-d": (
        "/lib/modprobe.d/systemd.conf:# Unlike other network interfaces, bonding and dummy "
        "create one device at load\n"
        "/lib/modprobe.d/systemd.conf:options bonding max_bonds=0\n"
        "/lib/modprobe.d/systemd.conf:options dummy numdummies=0\n",
        2,
        "grep: /run/modprobe.d: No such file or directory\n"
        "grep: /usr/local/lib/modprobe.d: No such file or directory\n",
    ),
    # `timedatectl show -p NTPSynchronized --value`: chronyd keeps the clock synchronised
    "time-synchronized": ("yes\n", 0),
    # `chronyc -n tracking` (asked while chronyd runs; chrony 4.3 client.c
    # process_cmd_tracking): synchronised to the site's time server 10.0.0.2, not the host
    "chrony-tracking": (
        "Reference ID    : 0A000002 (10.0.0.2)\nStratum         : 3\n"
        "Ref time (UTC)  : Wed Nov 27 07:58:12 2024\n"
        "System time     : 0.000012345 seconds fast of NTP time\n"
        "Last offset     : +0.000003211 seconds\nRMS offset      : 0.000010482 seconds\n"
        "Frequency       : 12.004 ppm slow\nResidual freq   : +0.001 ppm\n"
        "Skew            : 0.021 ppm\nRoot delay      : 0.001234567 seconds\n"
        "Root dispersion : 0.000456789 seconds\nUpdate interval : 64.2 seconds\n"
        "Leap status     : Normal\n",
        0,
    ),
    "nft-ruleset": (NFT_DROP, 0),
    "dpkg-packages": (
        "libvirt-daemon\t9.0.0-4+deb12u2\tii \nqemu-system-x86\t1:7.2+dfsg-7+deb12u7\tii \n"
        "openssh-server\t1:9.2p1-2+deb12u3\tii \nsuricata\t1:6.0.10-1\tii \n"
        "puppet-agent\t7.28.0-1\tii \nrsyslog\t8.2302.0-1+deb12u1\tii \n"
        # rsyslog's TLS drivers and omrelp, which Debian ships apart (R29L-4): the forwarding's
        # gtls, and those the probes' variants use
        "rsyslog-gnutls\t8.2302.0-1+deb12u1\tii \nrsyslog-openssl\t8.2302.0-1+deb12u1\tii \n"
        "rsyslog-relp\t8.2302.0-1+deb12u1\tii \n",
        0,
    ),
    "apt-upgrade-simulation": (
        "Reading package lists...\nBuilding dependency tree...\n"
        "0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n",
        0,
    ),
    "apt-held": ("", 0),
    # The stored Releases of Debian 12's archives (grep -r -H of /var/lib/apt/lists): the
    # security archive signed a day before the collection (lists fetched daily), the main
    # archive at its last point release
    "apt-lists-release": (APT_LISTS_RELEASE, 0),
    # `apt-cache policy`: Debian 12's main and security archives
    "apt-policy": (
        "Package files:\n 100 /var/lib/dpkg/status\n     release a=now\n"
        " 500 http://security.debian.org/debian-security bookworm-security/main amd64 Packages\n"
        "     release v=12,o=Debian,a=stable-security,n=bookworm-security,l=Debian-Security,"
        "c=main,b=amd64\n     origin security.debian.org\n"
        " 500 http://deb.debian.org/debian bookworm/main amd64 Packages\n"
        "     release v=12.8,o=Debian,a=stable,n=bookworm,l=Debian,c=main,b=amd64\n"
        "     origin deb.debian.org\nPinned packages:\n",
        0,
    ),
    "libvirt-socket-units": (
        "libvirtd.socket        enabled enabled\nlibvirtd-ro.socket     enabled enabled\n"
        "libvirtd-admin.socket  enabled enabled\nlibvirtd-tcp.socket    disabled disabled\n"
        "libvirtd-tls.socket    disabled disabled\n",
        0,
    ),
    # the read-write socket (polkit decides) and the admin socket, owner only (the modular
    # daemons' sockets are missing: stat names each on stderr and exits 1, R51S-1)
    "libvirt-sockets": (
        "777 root root /run/libvirt/libvirt-sock\n600 root root /run/libvirt/libvirt-admin-sock\n",
        1,
        "".join(
            f"stat: cannot statx '{p}': No such file or directory\n"
            for p in LIBVIRT_ACL_SOCKETS
            if p not in ("/run/libvirt/libvirt-sock", "/run/libvirt/libvirt-admin-sock")
        ),
    ),
    # Debian's sudo reads /etc/sudoers only: no vendor sudoers (R45A-1), grep names both paths
    # and exits 2 (R52S-2)
    "sudoers-vendor": (
        "",
        2,
        "grep: /usr/etc/sudoers: No such file or directory\n"
        "grep: /usr/etc/sudoers.d: No such file or directory\n",
    ),
    # no /etc/doas.d (doas is not installed): grep names it and exits 2 (R51S-5)
    "doas-d": ("", 2, "grep: /etc/doas.d: No such file or directory\n"),
    # no container daemon's API socket: stat names each missing path and exits 1 (R51S-1)
    "container-sockets": (
        "",
        1,
        "".join(
            f"stat: cannot statx '{p}': No such file or directory\n" for p in CONTAINER_SOCKETS
        ),
    ),
    # no Kubernetes admin kubeconfig: `stat -L` names each missing path and exits 1 (R50S-1)
    "kube-admin-configs": (
        "",
        1,
        "".join(
            f"stat: cannot statx '{p}': No such file or directory\n"
            for p in (*KUBE_ADMIN_CONFIGS, *MICROK8S_COMPONENT_CONFIGS)
        ),
    ),
    # `systemctl cat --no-pager libvirtd.service virtqemud.service`: Debian 12's libvirtd unit
    # (libvirt's src/remote/libvirtd.service.in with initconfdir /etc/default), no drop-in;
    # no virtqemud unit installed (systemctl exits 1)
    "libvirt-units": (
        "# /lib/systemd/system/libvirtd.service\n[Unit]\nDescription=Virtualization daemon\n"
        "Requires=virtlogd.socket\n\n[Service]\nType=notify\n"
        'Environment=LIBVIRTD_ARGS="--timeout 120"\nEnvironmentFile=-/etc/default/libvirtd\n'
        "ExecStart=/usr/sbin/libvirtd $LIBVIRTD_ARGS\nExecReload=/bin/kill -HUP $MAINPID\n"
        "KillMode=process\nRestart=on-failure\n\n[Install]\nWantedBy=multi-user.target\n",
        1,
        "No files found for virtqemud.service.\nNo files found for virtproxyd.service.\n",
    ),
    "audit-rules": (
        "-w /etc/libvirt -p wa -k libvirt-config\n-w /etc/polkit-1 -p wa -k polkit\n",
        0,
    ),
    # `grep -r -H "" /etc/audit/audit.rules /etc/audit/rules.d`: Debian's default rules file and
    # the watches in rules.d, and audit.rules as augenrules generated it from them
    "audit-rules-files": (
        "/etc/audit/audit.rules:## This file is automatically generated from /etc/audit/rules.d\n"
        "/etc/audit/audit.rules:-D\n/etc/audit/audit.rules:-b 8192\n"
        "/etc/audit/audit.rules:-f 1\n/etc/audit/audit.rules:--backlog_wait_time 60000\n"
        "/etc/audit/audit.rules:-w /etc/libvirt -p wa -k libvirt-config\n"
        "/etc/audit/audit.rules:-w /etc/polkit-1 -p wa -k polkit\n"
        "/etc/audit/rules.d/audit.rules:-D\n/etc/audit/rules.d/audit.rules:-b 8192\n"
        "/etc/audit/rules.d/audit.rules:-f 1\n"
        "/etc/audit/rules.d/audit.rules:--backlog_wait_time 60000\n"
        "/etc/audit/rules.d/libvirt.rules:-w /etc/libvirt -p wa -k libvirt-config\n"
        "/etc/audit/rules.d/libvirt.rules:-w /etc/polkit-1 -p wa -k polkit\n",
        0,
    ),
    "qemu-logs": (
        "/var/log/libvirt/qemu/web01.log:2024-11-27 04:00:00.000+0000: starting up libvirt "
        "version: 9.0.0, package: 4+deb12u2\n",
        0,
    ),
    "qemu-exe-1200": (
        "lrwxrwxrwx 1 libvirt-qemu kvm 0 Nov 27 04:00 /proc/1200/exe -> "
        "/usr/bin/qemu-system-x86_64\n",
        0,
    ),
    # grep -F " (deleted)" /proc/1200/maps: nothing (exit 1)
    "qemu-maps-1200": ("", 1),
    "qemu-label-1200": (
        f"/proc/1200/attr/current:libvirt-{WEB01_UUID} (enforce)\n"
        f"/proc/1200/attr/apparmor/current:libvirt-{WEB01_UUID} (enforce)\n",
        0,
    ),
    # no TLS set up: neither /etc/pki nor the default server key exists (stat exits 1)
    "libvirt-tls-key": (
        "",
        1,
        "stat: cannot statx '/etc/pki': No such file or directory\n",
    ),
    # the logging variables of libvirtd's environment (grep -z on /proc/700/environ): none set,
    # grep exits 1
    "libvirt-environ-700": ("", 1),
    "processes": (
        "    1 root     /sbin/init\n  401 root     /sbin/auditd\n"
        "  700 root     /usr/sbin/libvirtd --timeout 120\n"
        "  800 root     sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups\n"
        "  402 _chrony   /usr/sbin/chronyd -F 1\n"
        "  403 root     /usr/sbin/rsyslogd -n -iNONE\n"
        "  510 root     /usr/sbin/sssd -i --logger=files\n"
        "  511 root     /usr/libexec/sssd/sssd_be --domain corp.example --uid 0 --gid 0\n"
        "  512 root     /usr/libexec/sssd/sssd_nss --uid 0 --gid 0 --logger=files\n"
        " 1200 libvirt+ /usr/bin/qemu-system-x86_64 -name guest=web01,debug-threads=on "
        "-sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny\n",
        0,
    ),
    # `env LC_ALL=C TZ=UTC0 ps -eo pid=,lstart=`: the host booted on 27 November 2024 at 03:59
    "process-starts": (
        "".join(
            f"{pid:>5} Wed Nov 27 {at} 2024\n"
            for pid, at in (
                (1, "03:59:48"),
                (401, "03:59:52"),
                (402, "03:59:52"),
                (403, "03:59:52"),
                (510, "03:59:53"),
                (511, "03:59:53"),
                (512, "03:59:53"),
                (700, "04:00:00"),
                (800, "03:59:54"),
                (1200, "04:00:00"),
            )
        ),
        0,
    ),
    # `stat -c '%Y %n'` of the libvirt files: both written on 20 November 2024 at 09:30 UTC,
    # before libvirtd started; the modular daemons' files are not there (stat exits 1)
    "libvirt-conf-mtimes": (
        "1732095000 /etc/libvirt/qemu.conf\n1732095000 /etc/libvirt/libvirtd.conf\n",
        1,
        "".join(
            f"stat: cannot statx '/etc/libvirt/{d}.conf': No such file or directory\n"
            for d in LIBVIRT_DAEMONS[1:]
        ),
    ),
    # `stat -c '%Y %Z %n' /etc/services`: written on 20 November 2024, before every daemon
    # started (R48F-2)
    "services-mtimes": ("1732095000 1732095000 /etc/services\n", 0),
    # `find /etc/sssd -maxdepth 2 -name '*.conf' -printf '%T@ %p\n'`: sssd.conf written on
    # 20 November 2024, before sssd started
    "sssd-conf-mtimes": ("1732095000.0000000000 /etc/sssd/sssd.conf\n", 0),
    # `find /etc/rsyslog.conf /etc/rsyslog.d -printf '%T@ %p\n'`: all before rsyslogd started
    "rsyslog-mtimes": (
        "1732095000.0000000000 /etc/rsyslog.conf\n1732095000.0000000000 /etc/rsyslog.d\n"
        "1732095000.0000000000 /etc/rsyslog.d/50-remote.conf\n",
        0,
    ),
    "qemu-status-1200": (
        "/proc/1200/status:Seccomp:\t2\n/proc/1200/status:CapEff:\t0000000000000000\n",
        0,
    ),
    "ip-addr": (IP_ADDR, 0),
    "ip-link": (IP_LINK, 0),
    # `bridge -j vlan show` (iproute2 bridge/vlan.c): the uplink bond0 carries VLANs 10 and 20,
    # web01's tap vnet0 only VLAN 10, untagged
    "bridge-vlans": (
        json.dumps(
            [
                {"ifname": "bond0", "vlans": [{"vlan": 10}, {"vlan": 20}]},
                {"ifname": "br0", "vlans": [{"vlan": 1, "flags": ["PVID", "Egress Untagged"]}]},
                {"ifname": "vnet0", "vlans": [{"vlan": 10, "flags": ["PVID", "Egress Untagged"]}]},
            ]
        ),
        0,
    ),
    # bond0's members in the slots of two root ports (sysfs-class-net symlinks)
    "net-devices": (
        "lrwxrwxrwx 1 root root 0 Nov 27 04:00 bond0 -> ../../devices/virtual/net/bond0\n"
        "lrwxrwxrwx 1 root root 0 Nov 27 04:00 br0 -> ../../devices/virtual/net/br0\n"
        "lrwxrwxrwx 1 root root 0 Nov 27 04:00 eno1 -> "
        "../../devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0/net/eno1\n"
        "lrwxrwxrwx 1 root root 0 Nov 27 04:00 eno2 -> "
        "../../devices/pci0000:5d/0000:5d:00.0/0000:5e:00.0/net/eno2\n"
        "lrwxrwxrwx 1 root root 0 Nov 27 04:00 lo -> ../../devices/virtual/net/lo\n",
        0,
    ),
    # libvirt's shipped polkit actions, their stock defaults (R52S-1)
    "polkit-actions": (LIBVIRT_POLKIT_ACTIONS, 0),
    "polkit-rules": (
        "/etc/polkit-1/rules.d/80-libvirt-acl.rules:polkit.addRule(function(action, subject) {\n"
        '/etc/polkit-1/rules.d/80-libvirt-acl.rules:  if (action.id.indexOf("org.libvirt.api.domain.") == 0 &&\n'
        '/etc/polkit-1/rules.d/80-libvirt-acl.rules:      subject.isInGroup("web-admins") &&\n'
        '/etc/polkit-1/rules.d/80-libvirt-acl.rules:      action.lookup("domain_name").indexOf("web-") == 0)\n'
        "/etc/polkit-1/rules.d/80-libvirt-acl.rules:    return polkit.Result.YES;\n"
        "/etc/polkit-1/rules.d/80-libvirt-acl.rules:});\n",
        0,
    ),
    # no journal-upload drop-in directory (grep -r: exit 2, "No such file or directory")
    "journal-upload-conf-d": ("", 2),
    # no journald drop-in directory either
    "journald-conf-d": ("", 2),
    # Debian's rsyslog.conf, which includes /etc/rsyslog.d/*.conf, and the TLS forwarding
    "rsyslog-config": (DEBIAN_RSYSLOG_MAIN + RSYSLOG_REMOTE, 0),
}

_PROBE_BY_ARGV = {p.argv: p.name for p in (*COMMANDS, *(p for _, p in TIME_DAEMON_PROBES))}


class ReplayRunner:
    """Answers the host collector's probes from recorded artefacts (see the module docstring).

    A value is file text, `(stdout, rc)` or `(stdout, rc, stderr)` for a command, `None` for
    absent, or an Exception
    instance for a failed collection (its message is the reason).
    """

    description = "replay (recorded artefacts)"

    def __init__(self, artefacts: dict[str, Any]) -> None:
        self.artefacts = artefacts

    def _answer(self, key: str, is_file: bool) -> RunResult:
        value = self.artefacts.get(key)
        if value is None:
            return RunResult(
                "absent",
                b"",
                None if is_file else 127,
                "",
                "no such file" if is_file else "command not found",
                1,
            )
        if isinstance(value, Exception):
            return RunResult("failed", b"", None, "", str(value), 1)
        if is_file:
            return RunResult("ok", str(value).encode(), 0, "", "", 1)
        out, rc, *stderr = value  # (stdout, rc) or (stdout, rc, stderr)
        return RunResult("ok", out.encode(), rc, "".join(stderr), "", 1)

    def read_file(self, path: str, timeout: float) -> RunResult:
        return self._answer(path, True)

    def run(self, argv: tuple[str, ...], timeout: float) -> RunResult:
        if argv[: len(QEMU_STATUS_ARGV)] == QEMU_STATUS_ARGV:
            pid = argv[-1].split("/")[2]
            return self._answer(f"qemu-status-{pid}", False)
        if argv[:-1] == QEMU_EXE_ARGV and argv[-1].startswith("/proc/"):
            pid = argv[-1].split("/")[2]
            return self._answer(f"qemu-exe-{pid}", False)
        if argv[:-1] == QEMU_MAPS_ARGV and argv[-1].startswith("/proc/"):
            pid = argv[-1].split("/")[2]
            return self._answer(f"qemu-maps-{pid}", False)
        if argv[: len(QEMU_LABEL_ARGV)] == QEMU_LABEL_ARGV and argv[-1].startswith("/proc/"):
            pid = argv[-1].split("/")[2]
            return self._answer(f"qemu-label-{pid}", False)
        if argv[: len(SECRET_SIZE_ARGV)] == SECRET_SIZE_ARGV:
            # a secret file's size, keyed by its path (R52D-1)
            return self._answer(f"secret-size:{argv[-1]}", False)
        if argv[: len(LIBVIRT_ENVIRON_ARGV)] == LIBVIRT_ENVIRON_ARGV:
            pid = argv[-1].split("/")[2]
            return self._answer(f"libvirt-environ-{pid}", False)
        if argv[: len(VIRT_ADMIN_LOG_OUTPUTS)] == VIRT_ADMIN_LOG_OUTPUTS:
            daemon = argv[len(VIRT_ADMIN_LOG_OUTPUTS)].split(":", 1)[0]
            return self._answer(f"libvirt-log-outputs-{daemon}", False)
        return self._answer(_PROBE_BY_ARGV[argv], False)


#: libvirt's QEMU namespace (formatdomain, "QEMU command-line passthrough")
QEMU_NS_URI = "http://libvirt.org/schemas/domain/qemu/1.0"


def domain_xml(
    name: str,
    body: str = "",
    *,
    dtype: str = "kvm",
    memory_mib: int = 1024,
    vcpus: int = 1,
    extra_attrs: str = "",
) -> str:
    """A minimal domain definition with a stable uuid derived from its name."""
    uid = uuidlib.uuid5(uuidlib.NAMESPACE_DNS, name)
    return (
        f"<domain type='{dtype}'{extra_attrs}><name>{name}</name><uuid>{uid}</uuid>"
        f"<memory unit='MiB'>{memory_mib}</memory><vcpu>{vcpus}</vcpu>"
        f"<os><type arch='x86_64'>hvm</type></os>{body}</domain>"
    )


def write_node(
    path: Path,
    domains: Iterable[str] = (),
    networks: Iterable[str] = (),
    pools: Iterable[str] = (),
    *,
    sockets: int = 2,
    cores: int = 4,
    threads: int = 2,
    memory_kib: int = 16 * 1024 * 1024,
) -> str:
    """Write a test-driver node file and return its URI."""
    cpu = (
        f"<cpu><mhz>2400</mhz><model>x86_64</model><active>{sockets * cores * threads}</active>"
        f"<nodes>1</nodes><sockets>{sockets}</sockets><cores>{cores}</cores>"
        f"<threads>{threads}</threads></cpu>"
    )
    path.write_text(
        f"<node>{cpu}<memory>{memory_kib}</memory>{''.join(domains)}{''.join(networks)}"
        f"{''.join(pools)}</node>"
    )
    return f"test://{path}"


def build_bundle(
    tmp_path: Path,
    uri: str,
    host: dict[str, Any] | None,
    *,
    secure_xml: bool = True,
    name: str = "bundle",
    qemu_driver: bool = False,
) -> Path:
    """Collect `uri` with the real collectors; with `host`, as a real (replayed) host named hv1.
    A simulated host's bundle keeps the test driver's URI, so raw QEMU arguments are not
    observable in it (hvaudit.checks.base.raw_arguments_unseen); `qemu_driver` marks it as a
    daemon with the QEMU driver would report the same definitions (from_qemu_driver), for a
    test of what the XML alone decides."""
    dest = tmp_path / name
    writer = BundleWriter(
        dest, target=uri if host is None else "qemu+ssh://root@hv1/system", platform="kvm-libvirt"
    )
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=secure_xml).collect(writer)
    if host is None:
        writer.record(
            "host",
            status="not_applicable",
            origin="host facts",
            reason="simulated host (libvirt test driver)",
        )
        if qemu_driver:
            from_qemu_driver(writer, uri)
    else:
        writer.meta["collector"]["libvirt"]["simulated"] = False
        writer.meta["collector"]["libvirt"]["hostname"] = "hv1"
        from_qemu_driver(writer, uri)
        _replay_secmodel(writer, host.get("secmodel", "apparmor"))
        if (
            host.get("secmodel") == "selinux"
            and host.get("qemu-label-1200") == HARDENED_HOST["qemu-label-1200"]
        ):
            # web01's QEMU as sVirt labels it on an SELinux host (the context ends in a NUL)
            host = dict(host, **{"qemu-label-1200": (SELINUX_QEMU_LABEL, 2)})
        HostCollector(ReplayRunner(host)).collect(writer)
    return writer.close(complete=True)


def from_qemu_driver(writer: BundleWriter, node_uri: str | None = None) -> None:
    """Mark a bundle of a replayed host as its daemon's: the collector's URI is the host's
    (qemu+ssh://root@hv1/system), whose QEMU driver keeps the QEMU namespace in the XML it
    reports (hvaudit.parse._domain_args), where the test driver drops it. With `node_uri`
    (the test driver's node file the domains came from), only when that file has no QEMU
    namespace to drop; domain artefacts written as collected need no `node_uri`."""
    if node_uri is None or QEMU_NS_URI not in Path(node_uri.removeprefix("test://")).read_text():
        writer.meta["collector"]["libvirt"]["uri"] = "qemu+ssh://root@hv1/system"
    _replay_bindings(writer)


def _replay_bindings(writer: BundleWriter) -> None:
    """The nwfilter bindings a daemon with the QEMU driver holds for the domains the test driver
    reported: one per port of a running domain whose interface names a filter (libvirt keeps
    each instantiated filter as a binding named by its port device, virConnectListAllNWFilter
    Bindings), where the test driver implements none. A test that gives its own bindings
    (an "ok" index) keeps them."""
    index_path = "libvirt/nwfilter-bindings/index.json"
    entry = writer.entries.get(index_path)
    if entry is None or entry.status != "unavailable":
        return
    bound: dict[str, str] = {}
    for path, data in writer.files.items():
        if not (path.startswith("libvirt/domains/") and path.endswith(".xml")):
            continue
        if path.endswith(".next.xml"):
            continue
        for nic in parse_xml(data.decode(), path).iter("interface"):
            target, ref = nic.find("target"), nic.find("filterref")
            if target is not None and target.get("dev") and ref is not None and ref.get("filter"):
                bound.setdefault(str(target.get("dev")), str(ref.get("filter")))
    writer.entries.pop(index_path)
    index = []
    for i, (port, name) in enumerate(bound.items()):
        path = f"libvirt/nwfilter-bindings/{i:05d}-{port}.xml"
        xml = f"<filterbinding><portdev name='{port}'/><filterref filter='{name}'/></filterbinding>"
        writer.add(path, xml.encode(), origin="virConnectListAllNWFilterBindings XMLDesc")
        index.append({"name": port, "file": path, "filter": name})
    writer.add(index_path, dump_json({"nwfilter-bindings": index}), origin="test")


def _replay_secmodel(writer: BundleWriter, model: str) -> None:
    """The security driver a real host's daemon reports in its capabilities (the test driver
    reports its own `testSecurity`), as recorded from that host."""
    cap = "libvirt/capabilities.xml"
    if cap not in writer.files:
        return
    entry = writer.entries.pop(cap)
    text = writer.files.pop(cap).decode()
    if writer.root is not None:  # a bundle on disk holds the artefact already
        (writer.root / cap).unlink()
    text = re.sub(r"(<secmodel>\s*<model>)[^<]*(</model>)", rf"\g<1>{model}\g<2>", text, count=1)
    writer.add(cap, text.encode(), origin=entry.origin)


def run_assessment(bundle: Path, profile: Profile | None = None) -> Assessment:
    """Parse and assess a bundle with the real engine."""
    deployment, problems = build_deployment(Bundle.open(bundle))
    return assess(deployment, problems, profile or load_profile())


def outcomes(a: Assessment, check_id: str) -> dict[str, str]:
    """subject name -> status for one check."""
    return {r.outcome.subject.name: r.status.value for r in a.results if r.check.id == check_id}


def messages(a: Assessment, check_id: str) -> dict[str, str]:
    """subject name -> message for one check."""
    return {r.outcome.subject.name: r.outcome.message for r in a.results if r.check.id == check_id}


def question_line(a: Assessment, check_id: str, subject: str) -> str:
    """The `question = "..."` line of an attestation of `check_id` for `subject` (TYPE:GLOB or
    GLOB): the question the first manual item it names asks, as an auditor copies it from the
    report (an item's own question is answered only by an attestation naming it, R21Q-3);
    "" where the items ask the check's declared question or none is manual."""
    import fnmatch

    stype, sep, glob = subject.partition(":")
    for r in a.results:
        s = r.outcome.subject
        if r.check.id != check_id or r.outcome.question is None or r.status.value != "manual":
            continue
        if (sep and s.type != stype) or not fnmatch.fnmatchcase(s.name, glob if sep else subject):
            continue
        return f"question = {json.dumps(r.outcome.question, ensure_ascii=False)}\n"
    return ""


@pytest.fixture
def host_scan(tmp_path: Path):
    """Assess a replayed host (hardened baseline plus overrides) with one plain VM."""

    def scan(
        overrides: dict[str, Any] | None = None,
        domains: Iterable[str] = (),
        networks: Iterable[str] = (),
        profile: Profile | None = None,
    ) -> Assessment:
        host = dict(HARDENED_HOST)
        host.update(overrides or {})
        uri = write_node(
            tmp_path / f"node-{time.monotonic_ns()}.xml", domains or [domain_xml("web01")], networks
        )
        return run_assessment(
            build_bundle(tmp_path, uri, host, name=f"b-{time.monotonic_ns()}"), profile
        )

    return scan


# Servers the fleet tests start themselves


@pytest.fixture
def hung_peer() -> Iterator[int]:
    """A loopback TCP server that accepts and never says a word."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
                held.append(conn)
            except OSError:
                continue

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    yield srv.getsockname()[1]
    stop.set()
    t.join(2)
    for c in held:
        c.close()
    srv.close()


@contextlib.contextmanager
def postgres_server(*, listen: tuple[str, ...] = (), clients: str | None = None) -> Iterator[str]:
    """A throwaway PostgreSQL server (Debian's postgresql package) on a Unix socket, and on TCP at
    the `listen` addresses when given (trusting the `clients` network, a CIDR); yields the socket
    URL. `port` in the URL is the TCP port too."""
    bindir = Path("/usr/lib/postgresql")
    versions = sorted(bindir.glob("*/bin/pg_ctl")) if bindir.is_dir() else []
    if not versions:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed (scripts/install-system-deps installs it)")
        pytest.skip("PostgreSQL server binaries are not installed")
    pg_ctl = versions[-1]
    initdb = pg_ctl.with_name("initdb")
    # Outside pytest's private temporary tree: the server runs as `postgres`, which cannot enter it.
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="hvaudit-pg-", dir=SYSTEM_TMP))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    run_as: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [*run_as, str(initdb), "-D", str(data), "-A", "trust", "-U", "hvaudit"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = 5499
    if listen:
        with socket.socket() as s:
            s.bind((listen[0], 0))
            port = s.getsockname()[1]
        with (data / "pg_hba.conf").open("a") as hba:
            hba.write(f"host all hvaudit {clients} trust\n")
    opts = f"-c listen_addresses='{','.join(listen)}' -k {sock} -p {port}"
    subprocess.run(
        [*run_as, str(pg_ctl), "-D", str(data), "-o", opts, "-w", "-l", str(base / "log"), "start"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    try:
        yield f"postgresql+psycopg://hvaudit@/postgres?host={sock}&port={port}"
    finally:
        subprocess.run(
            [*run_as, str(pg_ctl), "-D", str(data), "-m", "fast", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(base, ignore_errors=True)


def connected_to(port: int) -> list[int]:
    """Processes with a TCP connection to 127.0.0.1:`port` (a scan talking to a test peer),
    whatever their command line (fleet scans are forked from a warmed server, not exec'd)."""
    out = subprocess.run(
        ["ss", "-Htnp", "state", "established", "dst", f"127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    return sorted({int(pid) for pid in re.findall(r"pid=(\d+)", out)})


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    """A throwaway PostgreSQL server on a Unix socket (Debian's postgresql package)."""
    with postgres_server() as url:
        yield url
