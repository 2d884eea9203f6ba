"""Host-fact artefacts (files and command output of a Linux host) into `HostFacts`.

Each parser turns one artefact's state into a Fact: `absent` is often a real answer (no sshd
installed means no SSH server), `failed` is a collection error, and a host that was not collected
makes every fact not applicable (simulated) or unavailable (no access), with the reason.
"""

from __future__ import annotations

import configparser
import dataclasses
import fnmatch
import ipaddress
import itertools
import json
import posixpath
import re
import shlex
import socket
import tomllib
import urllib.parse
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import cmp_to_key
from typing import Any, TypeVar

from hvaudit.bundle import Bundle
from hvaudit.collect.host import (
    BOOT_CMDLINE,
    COMMANDS,
    CONTAINER_SOCKET_UNITS,
    CONTAINER_SOCKETS,
    CONTAINER_UNITS,
    KSM_UNITS,
    KUBE_ADMIN_CONFIGS,
    LIBVIRT_ACL_SOCKETS,
    LIBVIRT_DAEMONS,
    LOG_DAEMONS,
    LOG_LOCK_SOCKETS,
    MICROK8S_APISERVER_ARGS,
    MICROK8S_COMPONENT_CONFIGS,
    MODPROBE_D,
    PAM_SERVICES,
    SYSCTL_CONF,
    SYSCTL_D,
    TLS_KEY,
    TLS_KEY_PATHS,
    UKI_DIRS,
    UNIT_DAEMONS,
    VM_HELPER,
    command_artefact,
    file_artefact,
    libvirt_admin_socket,
    libvirt_socket,
    secret_size_name,
)
from hvaudit.errors import InputError
from hvaudit.model import (
    UNIT_ENABLED_STATES,
    Account,
    BootCmdline,
    Fact,
    FactState,
    HostFacts,
    JournaldBoot,
    LibvirtHost,
    LibvirtSecret,
    Listener,
    LogBoot,
    NwFilter,
    NwFilterBinding,
    NwFilterRule,
    QemuProcess,
    SocketUnitConf,
    Source,
    SshdMatch,
    SysctlD,
    SysctlSetting,
    VirtiofsDaemon,
)
from hvaudit.parse import polkit
from hvaudit.parse.firewall import (
    Addresses,
    HostAddresses,
    KernelLists,
    iptables_dnat,
    iptables_policy,
    iptables_untracked,
    list_adders,
    nft_dnat_reach,
    nft_input_verdicts,
    nft_untracked_reach,
    parse_ipset_save,
)
from hvaudit.parse.libvirt_conf import (
    ConfValue,
    daemon_conf_refused,
    effective_daemon_conf,
    effective_qemu_conf,
    parse_conf,
    qemu_conf_refused,
)
from hvaudit.parse.pam import (
    KNOWLEDGE_MODULES,
    NON_AUTH_INCLUDES,
    OTP_MODULES,
    missing_tolerated,
    parse_stack,
    required_factors,
    succeeds_when_missing,
    succeeds_with_only,
    succeeds_without,
    unread_auth_files,
)
from hvaudit.parse.qemu_args import password_secret_files
from hvaudit.parse.rsyslog import expired_by_default, rsyslog_forwarding
from hvaudit.redact import REDACTED
from hvaudit.safexml import parse_xml
from hvaudit.textsafe import digits

__all__ = [
    "LIBVIRT_DAEMONS",
    "LIBVIRT_DEBUG_LEVELS",
    "LOG_LOCK_SOCKETS",
    "TLS_KEY",
    "TLS_KEY_PATHS",
    "kernel_bool",
    "libvirt_admin_socket",
    "libvirt_socket",
    "parse_host_facts",
    "parse_libvirt_host",
]

T = TypeVar("T")

NON_LOGIN_SHELLS = ("nologin", "false", "sync", "halt", "shutdown", "true")
#: Where distributions install those programs (util-linux nologin(8) /sbin or /usr/sbin, Arch's
#: /usr/bin/nologin; coreutils false and true, sync; systemd's halt and shutdown), merged /usr
#: or not.
SYSTEM_BIN_DIRS = ("/bin", "/sbin", "/usr/bin", "/usr/sbin")
ADMIN_GROUPS = ("sudo", "wheel", "admin", "libvirt", "disk", "haclient")
"""Groups whose members are root-equivalent on a hypervisor: sudo's, libvirt's and disk ("Raw
access to disks. Mostly equivalent to root access", Debian wiki SystemGroups; on a hypervisor the
disks are every VM's storage too), and Pacemaker's haclient (Red Hat, "Configuring and managing
high availability clusters" 20.2: "When ACLs are not enabled, any user who is a member of the
group haclient on all nodes has full local read/write access to the cluster configuration";
"root and hacluster user accounts always have full access ... even when ACLs are enabled"):
the cluster configuration defines resources whose agents pacemaker-execd runs as root
(ocf:heartbeat:anything runs any binfile), so its writers are root, hacluster (haclient's
primary member) among them (R29A-8). The CIB's enable-acl is not read: ACLs that narrow
haclient's members are not weighed (at worst a wrong fail)."""
#: Container daemons whose socket group is root-equivalent: (daemon, group).
PKEXEC_ACTION = "org.freedesktop.policykit.exec"
"""pkexec's polkit action: whoever it is granted to runs any program as root (pkexec(1))."""
ROOT_COMMAND_ACTIONS = (
    "org.freedesktop.systemd1.manage-units",
    "org.freedesktop.machine1.host-shell",
    "org.freedesktop.systemd1.manage-unit-files",
)
"""polkit actions that run a command of the caller's choosing as root (R22P-1): systemd's
manage-units (StartTransientUnit, `systemd-run` "create and start a transient .service ... unit
and run the specified COMMAND in it", as root by default) and machined's host-shell
(`machinectl shell root@.host`, OpenShell on the host's machine object). A rule narrowing them
with action.lookup() (the transient unit's name, which `systemd-run --unit=` lets the caller
pick; the target user of host-shell) is not read: its subjects are asked about. systemd's
manage-unit-files guards LinkUnitFiles and EnableUnitFiles (dbus-manager.c
method_enable_unit_files_generic: bus_verify_manage_unit_files_async, with no details), and
`systemctl enable /path/x.service` links a unit file from outside the unit paths (systemctl(1)
link: "Link a unit file that is not in the unit file search path into the unit file search
path") and enables it: the caller's own unit runs as root at the next boot (R23A-1).
machined's host-login (a getty asking for a password, container-getty@.service) and
host-open-pty (a bare pty) run nothing of the caller's: not counted."""
ROOT_EQUIVALENT_ACTIONS = (
    "org.freedesktop.accounts.user-administration",
    "org.freedesktop.packagekit.package-install-untrusted",
    "org.freedesktop.udisks2.open-device-system",
    "org.freedesktop.systemd1.set-environment",
)
"""polkit actions whose grant is root's power by another road (R25A-3), counted as
ROOT_COMMAND_ACTIONS are (action.lookup narrowing asked about):

- AccountsService's user-administration (pop-os/accountsservice src/user.c, read with
  `read_file`): user_set_password checks it and runs `usermod -p` on the account named (root's
  own among them); user_set_account_type checks it and, for an administrator, adds the account
  to ADMIN_GROUP (wheel or sudo) with `usermod -G`.
- PackageKit's package-install-untrusted (PackageKit/PackageKit src/pk-transaction.c
  pk_transaction_role_to_actions: InstallFiles, InstallPackages or UpdatePackages without
  ONLY_TRUSTED): the caller's own unsigned package file is installed, its maintainer scripts
  run as root.
- udisks2's open-device-system (storaged-project/udisks src/udiskslinuxblock.c
  handle_open_for_restore: `open (device, O_WRONLY | O_SYNC | O_CLOEXEC | O_EXCL)` of a system
  device, the descriptor handed to the caller): raw writes to the host's own disks, as the disk
  group has (ADMIN_GROUPS).
- systemd's set-environment (systemd/systemd src/core/dbus-util.c
  bus_verify_set_environment_async, guarding SetEnvironment, `systemctl set-environment`):
  systemd-system.conf(5) DefaultEnvironment= calls these "manager environment variables passed
  to all executed processes", so LD_PRELOAD of the caller's library runs in the next root
  service the manager starts."""
CONTAINER_DAEMON_GROUPS = (("dockerd", "docker"), ("lxd", "lxd"), ("incusd", "incus-admin"))
"""Incus's docs, "Authorization": "When interacting with Incus over the Unix socket, members of
the incus-admin group will have full access to the Incus API" (found with `search`)."""
MONITORING_TOOLS = (
    "suricata",
    "zeek",
    "snort",
    "drakvuf",
    "libvmi",
    "clamd",
    "clamav-daemon",
    "falco",
    "wazuh-agent",
    "ossec",
    "osqueryd",
    "auditbeat",
    "aide",
)
#: The CPU flaws a current x86 kernel reports under /sys/devices/system/cpu/vulnerabilities, one
#: file each: drivers/base/cpu.c registers every flaw's attribute with a weak fallback that prints
#: "Not affected" (`CPU_SHOW_VULN_FALLBACK`), so a kernel that knows a flaw has its file whether
#: or not the CPU is affected, and a kernel without the file predates the flaw (or its stable
#: backport) and neither reports nor mitigates it (Documentation/ABI/testing/
#: sysfs-devices-system-cpu: "The files are named after the code names of CPU vulnerabilities";
#: the fallback list through vmscape and its stable backports found with `find_string`).
#: ghostwrite (a RISC-V flaw) and old_microcode (a microcode age report, not a flaw) are left out:
#: the stable kernels that got indirect_target_selection, tsa and vmscape did not get them.
X86_CPU_FLAWS = (
    "meltdown",
    "spectre_v1",
    "spectre_v2",
    "spec_store_bypass",
    "l1tf",
    "mds",
    "tsx_async_abort",
    "itlb_multihit",
    "srbds",
    "mmio_stale_data",
    "retbleed",
    "spec_rstack_overflow",
    "gather_data_sampling",
    "reg_file_data_sampling",
    "indirect_target_selection",
    "tsa",
    "vmscape",
)
#: /proc/cpuinfo vendor_id of Zhaoxin's x86 CPUs (R36B-1): arch/x86/kernel/cpu/zhaoxin.c
#: zhaoxin_cpu_dev `.c_ident = { "  Shanghai  " }` (the CPUID string, blanks and all, which
#: the reader strips) and centaur.c centaur_cpu_dev `.c_ident = { "CentaurHauls" }`, which
#: Zhaoxin's family 7 CPUs may report too (common.c cpu_vuln_whitelist lists `VULNWL(CENTAUR,
#: 7, ...)` beside `VULNWL(ZHAOXIN, 7, ...)`; read with `find_string`).
ZHAOXIN_VENDORS = ("Shanghai", "CentaurHauls")
#: /proc/cpuinfo vendor_id of the x86 CPUs (arch/x86/kernel/cpu: intel.c, amd.c, hygon.c, and
#: Zhaoxin's zhaoxin.c and centaur.c, R36B-2: their hosts were read as another architecture's,
#: so a kernel without a flaw's file was not asked about, a b64-only audit watch asked, not
#: failed).
X86_VENDORS = ("GenuineIntel", "AuthenticAMD", "HygonGenuine", *ZHAOXIN_VENDORS)
#: The vendors whose platforms report their IOMMU to the kernel by an ACPI DMAR table, which the
#: VT-d driver reads (drivers/iommu/intel/dmar.c detect_intel_iommu: dmar_table_detect, with
#: no test of the CPU's vendor), and so take intel_iommu= (R36B-1): Intel's, and Zhaoxin's,
#: whose engineers extend that driver for their platforms' DMAR tables (FelixCui-oc's
#: "iommu/vt-d: Add support for detecting ACPI device in RMRR", iommu@lists.linux-foundation.org
#: 2020, read with `find_string`).
VTD_VENDORS = ("GenuineIntel", *ZHAOXIN_VENDORS)
#: The vendors whose platforms report an AMD IOMMU (ACPI IVRS, drivers/iommu/amd/init.c), the
#: only ones amd_iommu= reaches.
AMD_VI_VENDORS = ("AuthenticAMD", "HygonGenuine")
#: The flaws of X86_CPU_FLAWS that cannot affect a vendor's CPUs, so a kernel without their file
#: leaves nothing open there (arch/x86/kernel/cpu/common.c, read with `find_string`):
#: cpu_vuln_whitelist gives every AMD and Hygon family NO_MELTDOWN | NO_L1TF | NO_MDS |
#: NO_SWAPGS | NO_ITLB_MULTIHIT | NO_MMIO; SRBDS, GDS and RFDS are set only for the Intel models
#: of cpu_vuln_blacklist (VULNBL_INTEL_STEPPINGS) and ITS by vulnerable_to_its (Intel only);
#: TSX Async Abort needs TSX (X86_FEATURE_RTM, an Intel extension; hw-vuln/tsx_async_abort.rst
#: "Intel processors that support TSX"); SRSO is set for VULNBL_AMD(0x17, 0x19, 0x1a) and
#: VULNBL_HYGON(0x18) only, TSA only `if (c->x86_vendor == X86_VENDOR_AMD)`. Zhaoxin's (R36B-2):
#: cpu_vuln_whitelist gives its family 7 (as ZHAOXIN and as CENTAUR) only NO_SPECTRE_V2 |
#: NO_SWAPGS | NO_MMIO | NO_BHI, so Meltdown, L1TF, MDS and iTLB multihit are set there unless
#: IA32_ARCH_CAPABILITIES says otherwise; SRBDS and GDS (blacklist models), ITS
#: (vulnerable_to_its: `x86_vendor != X86_VENDOR_INTEL` returns false), SRSO and TSA are other
#: vendors' (RFDS stays: vulnerable_to_rfds takes ARCH_CAP_RFDS_CLEAR on any CPU).
X86_FLAWS_NOT_OF: Mapping[str, frozenset[str]] = {
    "GenuineIntel": frozenset({"spec_rstack_overflow", "tsa"}),
    "AuthenticAMD": frozenset(
        {"meltdown", "l1tf", "mds", "tsx_async_abort", "itlb_multihit", "srbds"}
        | {"mmio_stale_data", "gather_data_sampling", "reg_file_data_sampling"}
        | {"indirect_target_selection"}
    ),
    "HygonGenuine": frozenset(
        {"meltdown", "l1tf", "mds", "tsx_async_abort", "itlb_multihit", "srbds"}
        | {"mmio_stale_data", "gather_data_sampling", "reg_file_data_sampling"}
        | {"indirect_target_selection", "tsa"}
    ),
    **dict.fromkeys(
        ZHAOXIN_VENDORS,
        frozenset(
            {"srbds", "gather_data_sampling", "indirect_target_selection"}
            | {"spec_rstack_overflow", "tsa"}
        ),
    ),
}
TIME_DAEMONS = ("chronyd", "ntpd", "systemd-timesyncd", "openntpd", "ntpsec")


@dataclass(frozen=True, slots=True)
class Got:
    """One artefact as the parsers see it."""

    state: str
    text: str
    rc: int | None
    reason: str
    source: Source
    data: bytes = b""
    """The artefact's bytes as collected (`text` replaces what is not UTF-8): for a reader that
    counts bytes as the daemon does (_pam_group_fields)."""


#: the artefacts of the probes that run systemctl (R52S-3), each with its command line, which
#: answers where the probe could not run (R52S-5)
SYSTEMCTL_RUNS = {
    command_artefact(p.name): f"`{shlex.join(p.argv)}`"
    for p in COMMANDS
    if p.argv and p.argv[0] == "systemctl"
}
SYSTEMCTL_ARTEFACTS = frozenset(SYSTEMCTL_RUNS)


def _pid1_systemd(ps_text: str) -> str:
    """PID 1's command where `ps -eo pid=,user:32=,args=` shows it is systemd, else "". systemd
    re-executes itself as SYSTEMD_BINARY_PATH (/lib/systemd/systemd, /usr/lib/systemd/systemd)
    with `--system --deserialize N` (systemd src/core/main.c do_reexecute, read with
    `find_string`), which `systemctl daemon-reexec` and a package upgrade do, and dracut's
    switch-root starts it so; a PID 1 shown as /sbin/init (the kernel's init=, which is systemd
    or sysvinit, OpenRC's or busybox's init) does not tell (R52S-3)."""
    for line in ps_text.splitlines():
        parts = line.split(None, 2)
        if len(parts) == 3 and parts[0] == "1":
            words = parts[2].split()
            if words and words[0].rsplit("/", 1)[-1] == "systemd":
                return words[0]
    return ""


class HostEvidence:
    """Access to host artefacts with the bundle-wide reason for absence."""

    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle
        host = bundle.entry("host")
        self.missing: Fact[Any] | None = None
        if host is not None and host.status == "not_applicable":
            self.missing = Fact.not_applicable(host.reason)
        elif host is not None:
            self.missing = Fact.unavailable(host.reason)

    def get(self, artefact: str) -> Got:
        """The artefact, or a Got whose state says why there is none."""
        entry = self.bundle.entry(artefact)
        src = Source(artefact)
        if entry is None:
            return Got("uncollected", "", None, "not in this bundle", src)
        if entry.status != "ok":
            if entry.status == "absent" and artefact in SYSTEMCTL_ARTEFACTS:
                # systemctl not found where PID 1 is systemd: its units are unread, never "no
                # systemd" (R52S-3, the team's decision of round 52); where PID 1 is not shown
                # to be systemd (OpenRC, runit, an /sbin/init that does not tell), absent stays
                pid1 = self._pid1_systemd()
                booted = self._sd_booted()
                if pid1 or booted:
                    why = (
                        f"PID 1 is systemd ({pid1})"
                        if pid1
                        else "systemd is the init system (/run/systemd/system exists, as "
                        "sd_booted(3) tests)"
                    )
                    return Got(
                        "failed",
                        "",
                        entry.rc,
                        f"systemctl was not found, though {why}",
                        Source(artefact, ask=SYSTEMCTL_RUNS[artefact]),
                    )
                # the process list collected and not read, and no systemctl probe ran: whether
                # PID 1 is systemd is unknown, so "no systemd" is no reading to pass on (R52S-4);
                # /run/systemd/system shown missing does not lift it (R52S-6): the process list
                # unread leaves a running daemon's command line unread all the same
                ps = self.bundle.entry(_cmd("processes"))
                if (
                    ps is not None
                    and (ps.status != "ok" or ps.rc != 0)
                    and not self._systemctl_ran()
                ):
                    return Got(
                        "failed",
                        "",
                        entry.rc,
                        "systemctl was not found and the process list was not read: whether "
                        "PID 1 is systemd is unknown",
                        Source(artefact, ask=SYSTEMCTL_RUNS[artefact]),
                    )
            return Got(entry.status, "", entry.rc, entry.reason or entry.stderr, src)
        data = self.bundle.files[artefact]
        return Got("ok", self.bundle.text(artefact), entry.rc, entry.stderr, src, data)

    def _systemctl_ran(self) -> bool:
        """Whether any systemctl probe of the bundle ran (systemctl was found)."""
        return any(
            (e := self.bundle.entry(a)) is not None and e.status == "ok"
            for a in SYSTEMCTL_ARTEFACTS
        )

    def _sd_booted(self) -> bool | None:
        """Whether systemd is the init system as sd_booted(3) tests it (/run/systemd/system
        exists: systemd src/libsystemd/sd-daemon/sd-daemon.c sd_booted), None where the stat
        did not answer (R52S-6)."""
        got = self.get(_cmd("systemd-booted"))
        if got.state != "ok":
            return None
        if got.rc == 0 and got.text.strip() in (
            "directory /run/systemd/system",
            "symbolic link /run/systemd/system",
        ):
            return True
        if got.rc == 1 and not got.text.strip() and "No such file or directory" in got.reason:
            return False
        return None

    def _pid1_systemd(self) -> str:
        """PID 1's command where the process list shows it is systemd, else ""."""
        got = self.get(_cmd("processes"))
        return _pid1_systemd(got.text) if got.state == "ok" else ""

    def result(
        self,
        artefact: str,
        *,
        answers: tuple[int, ...] = (0,),
        quiet: Callable[[str], bool] | None = None,
        quiet_rc: int | None = None,
    ) -> Got:
        """A command's artefact as its result, the one accessor for a reader of a command's text
        (the team decision of round 47): the text only where the command ran and exited with a
        status its source documents for an answer (`answers`, or `quiet_rc` where every stderr
        line is one `quiet` says is still an answer: a path that does not exist); otherwise a
        Got in state "failed", without text, whose reason names the exit status and the first
        other stderr line (_unanswered), so a reader asks where it would have read a run that
        failed as an answer. A probe recorded absent (its tool not found) stays absent, and a
        bundle without the artefact uncollected, for the reader to weigh."""
        got = self.get(artefact)
        if got.state != "ok":
            return got
        why = _unanswered(
            got,
            quiet or (lambda _line: False),
            answers=answers,
            quiet_rc=answers[0] if quiet_rc is None else quiet_rc,
        )
        if not why:
            return got
        return Got("failed", "", got.rc, why, got.source)

    def fact(self, artefact: str, parse: Callable[[Got], Fact[T]]) -> Fact[T]:
        """Run `parse` over an artefact, turning uncollected and failed states into Facts."""
        if self.missing is not None:
            return self.missing
        got = self.get(artefact)
        if got.state == "uncollected":
            return Fact.unavailable(f"{artefact} was not collected")
        if got.state == "failed":
            return Fact.failed(f"{artefact}: {got.reason}", got.source)
        return parse(got)


def _file(path: str) -> str:
    return file_artefact(path)


def _cmd(name: str) -> str:
    return command_artefact(name)


def _first(got: Got) -> str:
    return got.text.strip().splitlines()[0].strip() if got.text.strip() else ""


def parse_host_facts(bundle: Bundle) -> HostFacts:
    """Every host fact the checks use."""
    ev = HostEvidence(bundle)
    f = HostFacts()
    if ev.missing is not None:
        for name in f.__dataclass_fields__:
            setattr(f, name, ev.missing)
        return f

    cpuinfo = ev.get(_file("/proc/cpuinfo"))
    # s390x (R28B-1): arch/s390/kernel/processor.c show_cpu_summary prints `vendor_id :
    # IBM/S390` and the hwcaps on a `features` line, `sie` where the machine offers the SIE
    # interpretive-execution facility (setup_hwcaps: `if (sclp.has_sief2) elf_hwcap |=
    # HWCAP_SIE`), the flag libvirt's virt-host-validate reads there (tools/
    # virt-host-validate-qemu.c: VIR_ARCH_S390X, VIR_HOST_VALIDATE_CPU_FLAG_SIE)
    s390 = cpuinfo.state == "ok" and bool(
        re.search(r"^vendor_id\s*:\s*IBM/S390\s*$", cpuinfo.text, re.M)
    )
    f.s390x = (
        Fact.of(s390, cpuinfo.source)
        if cpuinfo.state == "ok"
        else Fact.unavailable(f"/proc/cpuinfo: {cpuinfo.reason or cpuinfo.state}", cpuinfo.source)
    )
    flags: set[str] = set()
    for line in cpuinfo.text.splitlines():
        if line.startswith(("flags", "vmx flags")) or (s390 and line.startswith("features")):
            flags.update(line.partition(":")[2].split())

    def cpu_virt(got: Got) -> Fact[str]:
        if cpuinfo.state != "ok":
            return Fact.failed(f"/proc/cpuinfo: {cpuinfo.reason}", cpuinfo.source)
        flag = (
            "vmx"
            if "vmx" in flags
            else "svm"
            if "svm" in flags
            else "sie"
            if s390 and "sie" in flags
            else ""
        )
        has_kvm = got.state == "ok" and got.rc == 0
        if has_kvm:
            value = f"{flag} with /dev/kvm".strip()
        else:
            value = f"{flag} without /dev/kvm" if flag else ""
        return Fact.of(value, cpuinfo.source, got.source)

    f.cpu_virtualization = ev.fact(_cmd("dev-kvm"), cpu_virt)
    # arm64: arch/arm64/kernel/cpuinfo.c prints `CPU architecture: 8` for every CPU and no
    # x86 `vendor_id` or `flags` (its features are on `Features` lines), as
    # proxmox_model._node_arch reads it (R24M-1)
    arm64 = cpuinfo.state == "ok" and bool(
        re.search(r"^CPU architecture\s*:\s*8\s*$", cpuinfo.text, re.M)
        and not re.search(r"^vendor_id\s*:", cpuinfo.text, re.M)
    )
    f.arm64 = (
        Fact.of(arm64, cpuinfo.source)
        if cpuinfo.state == "ok"
        else Fact.unavailable(f"/proc/cpuinfo: {cpuinfo.reason or cpuinfo.state}", cpuinfo.source)
    )
    # POWER (R25B-6): arch/powerpc/kernel/setup-common.c show_cpuinfo prints `cpu : POWER9 ...`
    # and `platform : ` ppc_md.name, "PowerNV" on bare metal under OPAL (platforms/powernv/
    # setup.c define_machine(powernv)) and "pSeries" in a logical partition or a guest
    power = cpuinfo.state == "ok" and bool(re.search(r"^cpu\s*:\s*POWER", cpuinfo.text, re.M))
    platform = re.search(r"^platform\s*:\s*(\S+)", cpuinfo.text, re.M) if power else None
    if power:
        f.on_hypervisor = (
            Fact.of(platform.group(1) != "PowerNV", cpuinfo.source)
            if platform
            else Fact.unavailable("/proc/cpuinfo names no POWER platform", cpuinfo.source)
        )
    elif s390:
        # R28B-1: no hypervisor flag in an s390x /proc/cpuinfo (every s390x Linux runs at least
        # in a logical partition); /proc/sysinfo has "VM00 Control Program: z/VM ..." (or
        # "KVM/Linux") only at configuration level 3, a guest of a virtual-machine hypervisor
        # (arch/s390/kernel/sysinfo.c stsi_3_2_2; systemd src/basic/virt.c detect_vm_zvm), whose
        # SIE its KVM gets is the outer hypervisor's vSIE (arch/s390/kvm/vsie.c, shadow gmaps)
        sysinfo = ev.get(_file("/proc/sysinfo"))
        if sysinfo.state == "ok" and sysinfo.text.strip():
            f.on_hypervisor = Fact.of(
                bool(re.search(r"^VM\d\d Control Program:", sysinfo.text, re.M)),
                cpuinfo.source,
                sysinfo.source,
            )
        else:
            f.on_hypervisor = Fact.unavailable(
                "an s390x kernel's /proc/cpuinfo has no hypervisor flag, and /proc/sysinfo "
                + (
                    "was not collected (a bundle of an older hvaudit)"
                    if sysinfo.state == "uncollected"
                    else "is empty"
                    if sysinfo.state == "ok"
                    else f"could not be read ({sysinfo.reason or sysinfo.state})"
                ),
                cpuinfo.source,
                sysinfo.source,
            )
    elif arm64:
        # No CPUID hypervisor bit on arm64: a guest with nested virtualization (KVM's
        # kvm-arm.mode=nested on FEAT_NV2 hardware) gets /dev/kvm like bare metal (R24M-1)
        f.on_hypervisor = Fact.unavailable(
            "an arm64 kernel's /proc/cpuinfo has no hypervisor flag",
            cpuinfo.source,
        )
    else:
        f.on_hypervisor = (
            Fact.of("hypervisor" in flags, cpuinfo.source)
            if cpuinfo.state == "ok"
            else Fact.unavailable(
                f"/proc/cpuinfo: {cpuinfo.reason or cpuinfo.state}", cpuinfo.source
            )
        )

    ept, npt = (
        ev.get(_file("/sys/module/kvm_intel/parameters/ept")),
        ev.get(_file("/sys/module/kvm_amd/parameters/npt")),
    )
    f.kvm_modules = _kvm_modules(ev, ept, npt)
    for got, module, param in ((ept, "kvm_intel", "ept"), (npt, "kvm_amd", "npt")):
        if got.state == "ok":
            f.memory_virtualization = Fact.of(_first(got) in ("Y", "1"), got.source)
            if f.memory_virtualization.get():
                f.memory_virtualization_next_load = _off_next_load(
                    ev, module, param, lambda v: not _kernel_bool(v or "1")
                )
            break
    else:
        dev_kvm = ev.get(_cmd("dev-kvm"))
        if (arm64 or s390) and ept.state == "absent" and npt.state == "absent":
            # KVM/arm64 gives every VM a stage-2 translation table (arch/arm64/kvm/arm.c
            # kvm_arch_init_vm -> kvm_init_stage2_mmu): no shadow paging to fall back to.
            # R28B-1: SIE translates a guest's addresses through the host's own DAT tables
            # (the guest's gmap, walked by the machine); only a nested guest's (vSIE) are
            # shadowed in software (arch/s390/kvm/vsie.c, gmap_shadow), as on_hypervisor says
            if dev_kvm.state == "ok" and dev_kvm.rc == 0:
                f.memory_virtualization = Fact.of(True, cpuinfo.source, dev_kvm.source)
            elif dev_kvm.state != "ok":
                f.memory_virtualization = Fact.failed(
                    f"ls -l /dev/kvm: {dev_kvm.reason or dev_kvm.state}", dev_kvm.source
                )
            else:
                f.memory_virtualization = Fact.unavailable(
                    "no /dev/kvm: KVM/arm64 did not initialise (HYP mode not available)"
                    if arm64
                    else "no /dev/kvm: KVM on s390x did not initialise (SIE not available, or "
                    "the kvm module not loaded)",
                    dev_kvm.source,
                )
        elif (
            power
            and ept.state == "absent"
            and npt.state == "absent"
            and f.kvm_modules.known
            and "kvm_hv" in f.kvm_modules.get()
        ):
            # R25B-6: HV KVM runs guests in the processor's hypervisor mode with its own
            # partition-scoped translation (arch/powerpc/kvm/Kconfig KVM_BOOK3S_HV_POSSIBLE:
            # "KVM will use the hardware virtualization facilities of POWER7 (and later)
            # processors"); kvm_pr ("where hypervisor mode is not available") does not
            f.memory_virtualization = Fact.of(True, *f.kvm_modules.sources)
        elif ept.state == "absent" and npt.state == "absent":
            if f.kvm_modules.known and any(
                m.startswith("kvm_") and m not in ("kvm_intel", "kvm_amd")
                for m in f.kvm_modules.get()
            ):
                # KVM without a hardware vendor module (kvm_pvm ...): no EPT/NPT in use.
                f.memory_virtualization = Fact.of(False, *f.kvm_modules.sources, ept.source)
            else:
                f.memory_virtualization = Fact.unavailable(
                    # R40T-4: a POWER host has no kvm_intel/kvm_amd to miss
                    "kvm_hv is not loaded"
                    if power and f.kvm_modules.known
                    else "no kvm_intel or kvm_amd module parameters: the KVM module is not loaded",
                    ept.source,
                    *(f.kvm_modules.sources if power and f.kvm_modules.known else ()),
                )
        else:
            f.memory_virtualization = Fact.failed(ept.reason or npt.reason, ept.source)

    f.iommu_active = ev.fact(
        _cmd("iommu-groups"), lambda g: Fact.of(g.rc == 0 and bool(g.text.split()), g.source)
    )
    nested = [ev.get(_file(f"/sys/module/{m}/parameters/nested")) for m in ("kvm_intel", "kvm_amd")]
    on = [g for g in nested if g.state == "ok"]
    if f.s390x.known and f.s390x.get():
        f.nested_virtualization, f.nested_next_load = _s390_nested(ev)
    elif on:
        # kvm_intel's `nested` is a bool parameter (sysfs prints Y or N), kvm_amd's an int
        # (svm/svm.c `static int nested = true; module_param(nested, int, S_IRUGO)`: sysfs
        # prints it with %d and svm_hardware_setup nests `if (nested)`), so 2 or -1 nest as 1
        # does (R17H-4); anything else is unread
        value = _first(on[0])
        number = re.fullmatch(r"-?[0-9]+", value)
        if value in ("Y", "N") or number:
            f.nested_virtualization = Fact.of(
                value == "Y" or bool(number and int(value)), on[0].source
            )
        else:
            f.nested_virtualization = Fact.unavailable(
                f"{on[0].source.artefact} reads {value[:20]!r}, neither Y/N nor a number",
                on[0].source,
            )
        if f.nested_virtualization.known and not f.nested_virtualization.get():
            module = on[0].source.artefact.split("/sys/module/", 1)[-1].split("/", 1)[0]
            f.nested_next_load = _nested_next_load(ev, module)
    elif all(g.state == "absent" for g in nested):
        f.nested_virtualization = Fact.unavailable(NESTED_NOT_LOADED, nested[0].source)
        # not loaded now, the module takes modprobe.d's options and the command line's
        # module.nested= when it loads (modprobe.d(5): "every time it is inserted"): the
        # next load's setting of the CPU's vendor module is read as for a module loaded with
        # nested off (R37T-7; HVA-049 fails where it turns nesting on)
        vendor = "kvm_intel" if "vmx" in flags else "kvm_amd" if "svm" in flags else ""
        if vendor:
            f.nested_next_load = _nested_default_load(ev, vendor)
    else:
        f.nested_virtualization = Fact.unavailable(
            f"{nested[0].source.artefact} was not collected", nested[0].source
        )
    f.iommu_groups = ev.fact(
        _cmd("iommu-group-devices"),
        lambda g: _sysfs_pairs(g, "/sys/kernel/iommu_groups/", "devices"),
    )
    f.pci_drivers = ev.fact(
        _cmd("pci-drivers"), lambda g: _sysfs_pairs(g, "/sys/bus/pci/drivers/", None)
    )
    f.pci_classes = ev.fact(_cmd("pci-classes"), _pci_classes)

    def tpm_version(g: Got) -> Fact[str]:
        # tpm_version_major came with Linux 5.6 ("tpm: Add tpm_version_major sysfs file", 2020);
        # an older kernel shows a TPM only as /dev/tpm0, and a TPM 2.0 also as /dev/tpmrm0
        # (tpm-chip.c tpm_add_char_device adds the resource manager for TPM2 chips only)
        if g.state == "ok":
            return Fact.of(_first(g), g.source)
        devices = ev.get(_cmd("tpm-devices"))
        if devices.state != "ok":
            return Fact.of("", g.source)
        names = set(devices.text.split())
        if "/dev/tpmrm0" in names:
            return Fact.of("2", g.source, devices.source)
        if "/dev/tpm0" in names:
            return Fact.unavailable(
                "a TPM is present (/dev/tpm0) but the kernel reports no version: no "
                "tpm_version_major (Linux < 5.6) and no /dev/tpmrm0 (a TPM 1.2, or Linux < 4.12)",
                g.source,
                devices.source,
            )
        return Fact.of("", g.source, devices.source)

    f.tpm_version = ev.fact(_file("/sys/class/tpm/tpm0/tpm_version_major"), tpm_version)
    f.uefi = ev.fact(_cmd("efi"), lambda g: Fact.of(g.rc == 0, g.source))

    def secure_boot(g: Got) -> Fact[bool]:
        numbers = g.text.split()
        return Fact.of(g.rc == 0 and bool(numbers) and numbers[-1] == "1", g.source)

    f.secure_boot = ev.fact(_cmd("secure-boot"), secure_boot)

    def shim_off(g: Got) -> Fact[bool]:
        # The kernel reads a MokSBStateRT it cannot get as unset: "If it fails, we don't care
        # why. Default to secure." (libstub/secureboot.c); od fails on an absent variable.
        numbers = g.text.split()
        return Fact.of(g.rc == 0 and bool(numbers) and numbers[-1] == "1", g.source)

    f.shim_validation_off = ev.fact(_cmd("shim-validation"), shim_off)

    def setup_mode(g: Got) -> Fact[bool]:
        # include/linux/efi.h efi_get_secureboot_mode: `u8 secboot, setupmode = 0;` and the
        # SetupMode read's status ignored, so a variable od cannot read counts as 0 (R25B-5)
        numbers = g.text.split()
        return Fact.of(g.rc == 0 and bool(numbers) and numbers[-1] == "1", g.source)

    f.uefi_setup_mode = ev.fact(_cmd("setup-mode"), setup_mode)
    f.measured_boot_log = ev.fact(_cmd("measured-boot-log"), _event_log)

    def lockdown(g: Got) -> Fact[str]:
        if g.state == "absent":
            return Fact.of("none", Source(g.source.artefact, "lockdown LSM not built in"))
        m = re.search(r"\[(\w+)\]", g.text)
        return Fact.of(m.group(1) if m else "none", g.source)

    f.lockdown = ev.fact(_file("/sys/kernel/security/lockdown"), lockdown)
    f.module_sig_enforce = ev.fact(
        _file("/sys/module/module/parameters/sig_enforce"),
        lambda g: Fact.of(_first(g) == "Y", g.source),
    )
    f.modules_disabled = ev.fact(
        _file("/proc/sys/kernel/modules_disabled"),
        lambda g: Fact.of(g.state == "ok" and _first(g) == "1", g.source),
    )
    f.module_signing = ev.fact(
        _file("/sys/module/module/parameters/sig_enforce"),
        lambda g: Fact.of(g.state != "absent", g.source),
    )

    def taint(g: Got) -> Fact[int]:
        try:
            return Fact.of(int(_first(g) or "0"), g.source)
        except ValueError:
            return Fact.failed(f"unreadable taint value {_first(g)[:20]!r}", g.source)

    f.kernel_taint = ev.fact(_file("/proc/sys/kernel/tainted"), taint)

    def vulns(g: Got) -> Fact[dict[str, str]]:
        if g.rc not in (0, None) and not g.text:
            return Fact.unavailable("the kernel does not report CPU vulnerabilities", g.source)
        if g.rc not in (0, None):
            # R26B-5: grep exits 2 where a file could not be read, after listing the others: a
            # flaw whose file failed is missing from the listing, and on a CPU hvaudit keeps no
            # flaw list for (arm64, POWER, s390x: cpu_flaws_unreported asks on x86 only) its
            # absence read as nothing to judge
            why = next((ln for ln in g.reason.splitlines() if ln.strip()), f"exited {g.rc}")
            return Fact.failed(
                f"the CPU vulnerability listing is incomplete ({why[:120]})", g.source
            )
        out: dict[str, str] = {}
        for line in g.text.splitlines():
            path, _, value = line.partition(":")
            out[path.rsplit("/", 1)[-1]] = value.strip()
        return Fact.of(out, g.source)

    f.cpu_vulnerabilities = ev.fact(_cmd("cpu-vulnerabilities"), vulns)
    f.kvm_mitigations_next_load = _kvm_mitigations_next_load(ev)
    vendor = next(
        (
            line.partition(":")[2].strip()
            for line in cpuinfo.text.splitlines()
            if line.startswith("vendor_id")
        ),
        "",
    )

    def unreported(g: Got) -> Fact[tuple[str, ...]]:
        listed = f.cpu_vulnerabilities
        if not listed.known:
            return Fact.unavailable(f"CPU vulnerability listing: {listed.reason}", *listed.sources)
        if cpuinfo.state != "ok":
            return Fact.failed(f"/proc/cpuinfo: {cpuinfo.reason}", cpuinfo.source)
        if vendor not in X86_VENDORS:
            return Fact.of((), cpuinfo.source)
        missing = tuple(
            sorted(set(X86_CPU_FLAWS) - set(listed.get()) - X86_FLAWS_NOT_OF.get(vendor, set()))
        )
        return Fact.of(missing, *listed.sources, cpuinfo.source)

    f.cpu_flaws_unreported = ev.fact(_cmd("cpu-vulnerabilities"), unreported)
    f.cpu_vendor = (
        Fact.of(vendor, cpuinfo.source)
        if cpuinfo.state == "ok"
        else Fact.failed(f"/proc/cpuinfo: {cpuinfo.reason}", cpuinfo.source)
    )
    # R31B-1: the generation of a POWER CPU (setup-common.c show_cpuinfo: `cpu : POWER9 (raw),
    # altivec supported`), "" on another CPU
    generation = re.search(r"^cpu\s*:\s*(POWER\w*)", cpuinfo.text, re.M)
    f.power_cpu = (
        Fact.of(generation.group(1) if generation else "", cpuinfo.source)
        if cpuinfo.state == "ok"
        else Fact.failed(f"/proc/cpuinfo: {cpuinfo.reason}", cpuinfo.source)
    )
    f.smt_control = ev.fact(
        _file("/sys/devices/system/cpu/smt/control"),
        lambda g: Fact.of(_first(g) if g.state == "ok" else "notsupported", g.source),
    )
    f.page_merging = ev.fact(
        _file("/sys/kernel/mm/ksm/run"), lambda g: Fact.of(_first(g) == "1", g.source)
    )
    f.ksm_pages_shared = _ksm_pages_shared(ev)
    f.memory_cgroup = ev.fact(_cmd("cgroup-mounts"), _memory_cgroup)
    f.io_cgroup = ev.fact(_cmd("cgroup-mounts"), _io_cgroup)
    f.cpu_cgroup = ev.fact(_cmd("cgroup-mounts"), _cpu_cgroup)

    f.kernel_cmdline = ev.fact(
        _file("/proc/cmdline"),
        lambda g: (
            Fact.of(tuple(_kernel_param(w) for w in _cmdline_words(g.text)), g.source)
            if g.state == "ok"
            else Fact.unavailable("/proc/cmdline could not be read", g.source)
        ),
    )
    # R40B-1: the text itself, which libselinux reads the SELinux mode from
    f.kernel_cmdline_text = ev.fact(
        _file("/proc/cmdline"),
        lambda g: (
            Fact.of(g.text.rstrip("\n"), g.source)
            if g.state == "ok"
            else Fact.unavailable("/proc/cmdline could not be read", g.source)
        ),
    )

    def os_release(g: Got) -> Fact[dict[str, str]]:
        out = {}
        for line in g.text.splitlines():
            k, sep, v = line.partition("=")
            if sep:
                out[k.strip()] = v.strip().strip('"')
        return Fact.of(out, g.source)

    f.os_release = ev.fact(_file("/etc/os-release"), os_release)
    f.kernel_release = ev.fact(
        _file("/proc/sys/kernel/osrelease"),
        lambda g: (
            Fact.of(_first(g), g.source)
            if g.state == "ok" and _first(g)
            else Fact.unavailable("/proc/sys/kernel/osrelease could not be read", g.source)
        ),
    )
    f.packages = _packages(ev)
    f.pending_security_updates = _updates(ev)
    f.kernel_not_booted = _kernel_not_booted(ev)
    f.accounts = ev.fact(_file("/etc/passwd"), _accounts)
    f.groups = ev.fact(_file("/etc/group"), _group_file)
    f.login_groups = _login_groups(ev)
    f.group_directory = _group_directory(ev)
    admin_dropins: dict[str, set[str]] = {}
    f.admin_principals = _admins(ev, admin_dropins)
    # which drop-in file adds whom, read beside admin_principals (R51S-2)
    f.admin_dropins = Fact.of(
        tuple((path, tuple(sorted(who))) for path, who in sorted(admin_dropins.items())),
        *f.admin_principals.sources,
    )
    f.directory = _directory(ev)
    f.directory_open = _directory_open(ev, f.directory)
    f.userdb_accounts = _userdb_accounts(ev)
    f.log_forwarding = _log_forwarding(ev)
    f.journal_discards = _journal_discards(ev)
    f.journald_boot = Fact.of(_journald_boot(ev, f.log_forwarding, f.journal_discards))
    f.log_daemon_runtime = ev.fact(
        _cmd("log-daemon-units"),
        lambda got: Fact.of(_log_daemon_runtime(got.text if got.state == "ok" else ""), got.source),
    )
    processes = ev.fact(_cmd("processes"), _process_list)
    f.audit_daemon = _running(processes, ("auditd",), lambda names: bool(names))
    f.time_sync = _time_sync(processes, ev)
    f.clock_synchronized = ev.fact(_cmd("time-synchronized"), _clock_synchronized)
    f.libvirt_sasl_mechanisms = ev.fact(_file(LIBVIRT_SASL_CONF), _sasl_mechanisms)
    f.libvirt_sasl_options = ev.fact(_file(LIBVIRT_SASL_CONF), _sasl_options)
    f.vfio_unsafe_interrupts = _vfio_unsafe_interrupts(ev, f.kernel_cmdline)
    f.ksm_tuner = _running(
        processes, ("ksmtuned",), lambda names: names[0] if names else "", scripts=True
    )
    f.ksm_boot_units = ev.fact(_cmd("ksm-units"), _ksm_boot_units)
    f.firewall_input_policy = _firewall(ev)
    f.firewall_accepts = _firewall_accepts(ev)
    f.firewall_input_on = _firewall_on(ev)
    f.listeners = _socket_units(ev, ev.fact(_cmd("listeners"), _listeners))
    f.vsock_listeners = _socket_units(ev, _vsock_listeners(ev))
    f.qemu_processes = _qemu(ev, processes)
    f.secret_file_sizes = _secret_file_sizes(ev, processes)
    f.vm_helpers = _vm_helpers(ev, processes, f.qemu_processes)
    f.ceph_osd = _running(processes, ("ceph-osd",), lambda names: bool(names))
    f.virtiofs_daemons = _virtiofs_daemons(processes)
    f.programs = (
        Fact.of(tuple(sorted({exe for exe, _ in _commands(processes.get())})), *processes.sources)
        if processes.known
        else processes  # type: ignore[assignment]
    )
    f.dropbear = (
        Fact.of(
            tuple(
                tuple(words[1:]) for exe, words in _commands(processes.get()) if exe == "dropbear"
            ),
            *processes.sources,
        )
        if processes.known
        else processes  # type: ignore[assignment]
    )
    f.socket_relays = _socket_relays(processes)
    links = ev.fact(_cmd("ip-link"), _json_list)
    # Linux bridges and Open vSwitch bridges (info_kind openvswitch; their ports show master
    # ovs-system, the datapath, so an OVS bridge's members are not in the link list: a VM defined
    # on it is what ties it to VMs)
    f.bridges = _masters(links, ("bridge", "openvswitch"), skip=("ovs-system",))
    f.bonds = _masters(links, ("bond", "team"))
    f.bridge_foreign_ports = _foreign_ports(links)
    f.bridge_port_isolated = _port_isolation(links)
    f.macvtap_modes = _macvtap_modes(links)
    f.bonds_unmonitored = _unmonitored_bonds(links)
    f.links_down = _links_down(links)
    f.ovs_datapath_ports = _datapath_ports(links)
    # ovs-vsctl's tables as its result (HostEvidence.result): a run that exited other than 0
    # is named by its exit status and first stderr line (R49S-1)
    ovs = ev.result(_cmd("ovs-ports"))
    f.ovs_bridges = ev.fact(_cmd("ovs-ports"), lambda _g: _ovs_bridges(ovs))
    # ovs-vsctl recorded absent (not found) where Open vSwitch's datapath is up (a
    # containerised Open vSwitch keeps its tools in the container) is no "no OVS": its bonds
    # are unread (R51S-3)
    datapath = links.known and any(d.get("ifname") == "ovs-system" for d in links.get())
    f.ovs_bonds = ev.fact(
        _cmd("ovs-ports"), lambda _g: _ovs_bridges(ovs, bonds=True, datapath=datapath)
    )
    f.sriov_vfs = _sriov_vfs(links)
    f.addresses = ev.fact(_cmd("ip-addr"), _addresses)
    f.host_names = _host_names(ev, f.addresses)
    # the host's own addresses and names: a time source there is the host itself (R21T-3)
    itself = _itself(ev, f.host_names)
    f.ntp_own_clock = _ntp_own_clock(ev, itself, processes)
    f.ntp_local_driver = _ntp_local_driver(ev, processes)
    f.ntp_shm_refclock = _ntp_local_driver(ev, processes, shm=True)
    f.ntp_pps_refclock = _ntp_local_driver(ev, processes, pps=True)
    f.ntp_discipline_off = _ntp_discipline_off(ev, processes)
    f.ntp_kernel_off = _ntp_discipline_off(ev, processes, "kernel")
    f.chrony_sources = _chrony_sources(ev, processes, itself)
    f.chrony_reference = _chrony_reference(ev, itself)
    f.timesync_server = _timesync_server(ev, itself)
    f.openntpd_servers = _openntpd_servers(ev, processes, itself)
    f.ntp_peer = _ntp_peer(ev, itself)
    f.monitoring_agents = _monitoring(f.packages, processes)

    def units(g: Got) -> Fact[dict[str, str]]:
        if g.state == "absent":
            return Fact.of({}, Source(g.source.artefact, "no systemd"))
        why = _systemctl_unanswered(g)
        if why:
            return Fact.failed(f"libvirt's socket units were not listed ({why})", g.source)
        out = {}
        for line in g.text.splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[0].endswith(".socket"):
                out[parts[0]] = parts[1]
        return Fact.of(out, g.source)

    f.socket_units = ev.fact(_cmd("libvirt-socket-units"), units)
    f.socket_unit_files = ev.fact(_cmd("libvirt-socket-unit-files"), _socket_unit_files)
    f.socket_unit_pulls = ev.fact(_cmd("libvirt-units"), _socket_unit_pulls)
    f.ssh_server = _ssh_server(ev, processes, f.listeners)
    f.sshd = _sshd_fact(ev, f.ssh_server)
    f.sshd_match = _sshd_match(ev, f.ssh_server)
    # `-o Keyword=value` on the running sshd's command line comes before the file: "the first
    # obtained value will be used" (sshd_config(5)), and `sshd -T` run by hvaudit has no -o.
    overrides = _sshd_command_line_options(processes)
    origin, unit_srcs = "sshd's command line", list[Source]()
    if not overrides and processes.known and not _sshd_listener_runs(processes):
        # no listener shows its command line (stopped, or started per connection by a socket
        # unit): the unit's environment file gives the options it starts with (R13H-5)
        overrides, origin, unit_srcs = _sshd_unit_options(ev)
    if overrides and f.sshd.known:
        merged = dict(f.sshd.get())
        given: set[str] = set()
        for opt in overrides:
            key, _, value = opt.replace("=", " ", 1).partition(" ")
            if key.strip().lower() in given:
                continue  # a later -o of the same keyword is not the first obtained value
            given.add(key.strip().lower())
            merged[key.strip().lower()] = value.strip()
        merged["-o"] = " ".join(o if "=" in o else o.replace(" ", "=", 1) for o in overrides)
        merged["-o origin"] = origin
        f.sshd = Fact.of(merged, *f.sshd.sources, *processes.sources, *unit_srcs)
    # sshd(8) -p port: "Ports specified in the configuration file with the Port option are
    # ignored when a command-line port is specified": the listener's own ports (HL15-3)
    cli_ports = _sshd_command_line_ports(processes)
    if cli_ports and f.sshd.known:
        f.sshd = Fact.of({**f.sshd.get(), "-p": " ".join(cli_ports)}, *f.sshd.sources)
    # `sshd -T` and the files read are the default configuration's; an sshd started with
    # `-f FILE` (sshd(8)) runs another one, which nothing here read.
    other = [p for p in _config_options(processes, ("sshd",)).get("sshd", []) if p != SSHD_CONFIG]
    other_from, why_srcs = "an sshd runs with", list(processes.sources)
    if not other and processes.known and not _sshd_listener_runs(processes):
        # no listener shows its command line: the unit's environment file may name another
        # configuration file (SSHD_OPTS="-f /etc/ssh/other_config"), which each connection's
        # `sshd -i $SSHD_OPTS` (ssh@.service) or the next start reads instead
        other, unit_origin, unit_f_srcs = _sshd_unit_config_files(ev)
        other_from = f"{unit_origin} starts sshd with"
        why_srcs += unit_f_srcs
    foreign = _other_sshd_binaries(processes)
    if other or foreign:
        why = (
            f"{other_from} -f {', '.join(dict.fromkeys(other))}, a configuration hvaudit "
            f"does not read (`sshd -T` shows {SSHD_CONFIG} only)"
            if other
            else f"an sshd runs from {', '.join(foreign)}, not the distribution's "
            f"{DISTRIBUTION_SSHD[0]}: without -f it reads the configuration file compiled into "
            "it (OpenSSH's INSTALL: a default build's is /usr/local/etc/sshd_config), which "
            f"hvaudit does not read (`sshd -T` and {SSHD_CONFIG} are the distribution's)"
        )
        f.sshd = Fact.unavailable(why, *why_srcs)
        f.sshd_match = Fact.unavailable(why, *why_srcs)
    f.mfa = _mfa(ev, f.sshd, f.sshd_match)
    f.held_packages = _held(ev)
    f.selinux_enforcing = ev.fact(_file("/sys/fs/selinux/enforce"), _selinux)
    f.selinux_config = ev.fact(_file("/etc/selinux/config"), _selinux_config)
    f.selinux_permissive = _selinux_permissive(ev)
    f.apparmor_profiles = _apparmor(ev)
    f.overcommit_memory = ev.fact(_file("/proc/sys/vm/overcommit_memory"), _int_file)
    f.audit_rules = ev.fact(_cmd("audit-rules"), _audit_rules)
    f.audit_rules_persistent = ev.fact(_cmd("audit-rules-files"), _audit_rules_files)
    f.audit_rules_d = ev.fact(_cmd("audit-rules-files"), _audit_rules_d)
    f.audit_enabled = ev.fact(_cmd("audit-status"), _audit_enabled)
    f.audit_pid = ev.fact(_cmd("audit-status"), _audit_pid)
    f.audit_receiver = _audit_receiver(f.audit_pid, processes)
    f.auditd_startup = _auditd_startup(processes)
    f.audit_sink = _audit_sink(ev)
    f.qemu_taints = ev.fact(_cmd("qemu-logs"), _taints)
    f.bridge_vlan_filtering = _vlan_filtering(links)
    qinq = _vlan_filtering(links, qinq=True)
    f.bridge_qinq = (
        Fact.of(tuple(b for b, on in qinq.get().items() if on), *qinq.sources)
        if qinq.known
        else qinq  # type: ignore[assignment]
    )
    f.bridge_port_vlans = ev.fact(_cmd("bridge-vlans"), _bridge_port_vlans)
    f.link_info = _link_info(links)
    f.net_device_paths = ev.fact(_cmd("net-devices"), _net_device_paths)
    f.pci_slots = ev.fact(_cmd("pci-slots"), _pci_slots)
    f.sysctl_d = _sysctl_d(ev)
    f.kernel_cmdline_next_boot = _boot_cmdline(ev)
    f.grub_default_older = _grub_default_older(ev)
    f.dns_server = ev.fact(_file("/etc/resolv.conf"), _dns_server)
    f.route_localnet = _route_localnet_next_boot(
        ev.fact(_cmd("route-localnet"), _route_localnet), ev.get(_cmd("route-localnet")), f.sysctl_d
    )
    return f


def _dns_server(g: Got) -> Fact[str]:
    """The IPv4 nameserver a user-mode guest's DNS queries go to (R26O-2): libslirp's
    get_dns_addr_resolv_conf (libslirp src/slirp.c, read with `find_string`) takes the first
    line `sscanf(buff, "nameserver%*[ \t]%256s", buff2) == 1` whose address (cut at `%`)
    inet_pton(AF_INET) reads; "" for a file without one (libslirp then falls back to
    127.0.0.1) or an absent file; unknown where the file could not be read."""
    if g.state == "absent":
        return Fact.of("", g.source)
    if g.state != "ok":
        return Fact.unavailable(f"/etc/resolv.conf was not read ({g.reason or g.state})", g.source)
    for line in g.text.splitlines():
        m = re.match(r"nameserver[ \t]+(\S{1,256})", line)
        if m is None:
            continue
        addr = m.group(1).partition("%")[0]
        try:
            # glibc's inet_pton4, as ipaddress: four decimal parts, no leading zero
            return Fact.of(str(ipaddress.IPv4Address(addr)), g.source)
        except ValueError:
            continue
    return Fact.of("", g.source)


#: the kernel's isspace() on ASCII (lib/ctype.c _S: HT, LF, VT, FF, CR and the space)
_KERNEL_SPACES = " \t\n\v\f\r"


def _cmdline_words(text: str) -> list[str]:
    """The kernel command line's words as the kernel splits them (HL19-2): kernel/params.c
    next_arg ("You can use \" around spaces, but can't escape \"", merged from lib/cmdline.c;
    read with `find_string`) breaks a word at a blank only outside double quotes, a `"`
    toggling the quoting anywhere in the word, and parse_args skips the blanks between. So
    `dyndbg="file x -- y"` is one word: neither its `--` nor an `audit=0` inside it is a
    parameter of its own. The quotes stay for _kernel_param to drop as next_arg does."""
    words: list[str] = []
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in _KERNEL_SPACES:
            i += 1
        if i == n:
            break
        start, quoted = i, False
        while i < n and (quoted or text[i] not in _KERNEL_SPACES):
            if text[i] == '"':
                quoted = not quoted
            i += 1
        words.append(text[start:i])
    return words


def _grub_args(text: str) -> list[tuple[str, bool]]:
    """The arguments of a `linux` line's words (_grub_lex)."""
    return _grub_lex(text)[0]


#: What ends a GRUB command outside quotes (R40B-3): grub-core/script/yylex.l's CHAR is
#: `[^{}|&$;<> \t\n\'\"\\]`, and `;`, `|`, `&`, `<`, `>`, `{`, `}` are tokens of their own
#: (GRUB_PARSER_TOKEN_SEMI ...): the `linux` command's arguments stop there.
_GRUB_COMMAND_END = frozenset(";|&<>{}")


def _grub_lex(text: str) -> tuple[list[tuple[str, bool]], bool]:
    """The arguments GRUB's script lexer makes of a `linux` line's words (R40B-1), each with
    whether a `$` outside single quotes (a GRUB variable, expanded at boot) is in it. grub-core/
    script/yylex.l (read with `read_file`): a blank ends a word; `'...'` is taken as written
    without its quotes (SQUOTE); in `"..."` (DQUOTE) `\\$`, `\\\\` and `\\"` give the
    character and the quotes go; outside quotes a backslash and the character after it are
    copied (SPLIT `\\.`), and grub-core/script/execute.c grub_script_arglist_to_argv then
    hands each argument through wildcard_unescape, which drops a backslash and keeps the
    character after it (R40B-5: `mitig\\ations=off` is mitigations=off; read with
    `find_string` and `read_file`). So `'mitigations=off'` and `"mitigations"=off` are
    the argument mitigations=off, which the kernel then reads. R40B-3: the words stop where
    GRUB's command does, and whether they do is returned too: an unquoted `#` that starts a
    word starts a comment to the end of the line (`{COMMENT} #.*$`, listed before `{WORD}`, so
    it wins a match of the same length), and an unquoted `;` (or another of
    _GRUB_COMMAND_END) ends the command, what follows being a command of its own (`enforcing=1`
    there sets a GRUB variable). R45B-3: an argument that is one double-quoted variable
    (`"$x"`, yylex.l DQVAR) is given with its quotes: GRUB hands its value as one argument
    (_grub_expand)."""
    args: list[tuple[str, bool]] = []
    cur: list[str] = []
    var = started = False
    # R45B-3: the variable of a double-quoted `"$x"` that began the argument
    quoted = ""

    def arg() -> tuple[str, bool]:
        word = "".join(cur)
        if quoted and word == quoted:
            return f'"{word}"', var
        if var and len(word) > 1 and word[0] == word[-1] == '"':
            # literal quotes (`\"$x\"`) around a variable: not a DQVAR, not read as one
            return f'\\"{word[1:-1]}\\"', var
        return word, var

    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t\n":
            if started:
                args.append(arg())
            cur, var, started, quoted = [], False, False, ""
            i += 1
            continue
        if c in _GRUB_COMMAND_END or (c == "#" and not started):
            if started:
                args.append(arg())
            return args, True
        started = True
        if c == "'":
            end = text.find("'", i + 1)
            end = n if end < 0 else end
            cur.append(text[i + 1 : end])
            i = end + 1
        elif c == '"':
            i += 1
            first, seg, seg_var = not cur, [], False
            while i < n and text[i] != '"':
                if text[i] == "\\" and i + 1 < n and text[i + 1] in '$\\"':
                    seg.append("\0")
                    cur.append(text[i + 1])
                    i += 2
                    continue
                var = var or text[i] == "$"
                seg_var = seg_var or text[i] == "$"
                seg.append(text[i])
                cur.append(text[i])
                i += 1
            i += 1
            if first and seg_var and _GRUB_VAR.fullmatch("".join(seg)):
                quoted = "".join(seg)
        elif c == "\\":
            # R40B-5: the backslash goes (execute.c wildcard_unescape), a newline with it
            cur.append(text[i + 1 : i + 2].replace("\n", ""))
            i += 2
        elif c == "$" and text.startswith("{", i + 1) and "}" in text[i:]:
            # yylex.l VARIABLE `$\{{NAME}\}`: part of the word, its braces no command's end
            end = text.index("}", i) + 1
            var = True
            cur.append(text[i:end])
            i = end
        else:
            var = var or c == "$"
            cur.append(c)
            i += 1
    if started:
        args.append(arg())
    return args, False


def _grub_escape(m: re.Match[str]) -> str:
    return m[0] if len(m[0]) > 1 else "\\" + m[0]


def _grub_loader_text(args: list[str]) -> str:
    """The kernel command line GRUB's `linux` makes of its arguments (R40B-1): grub-core/lib/
    cmdline.c grub_create_loader_cmdline puts a backslash before each `\\`, `'` and `"` (a
    `\\xHH` escape kept as it is) and double quotes around an argument with a space, one
    space between (read with `find_string`)."""
    out = []
    for arg in args:
        esc = re.sub(r"""\\x[0-9A-Fa-f]{2}|[\\'"]""", _grub_escape, arg)
        out.append(f'"{esc}"' if " " in arg else esc)
    return " ".join(out)


def _grub_text(line: str) -> str:
    """The kernel command line GRUB makes of a `linux` line's words (_grub_args, then
    _grub_loader_text)."""
    return _grub_loader_text([a for a, _ in _grub_args(line)])


def _kernel_param(word: str) -> str:
    """A kernel command-line word as the kernel matches it: kernel/params.c next_arg drops the
    quotes of a quoted word or value ("Don't include quotes in value"), and parameq treats
    dashes in a parameter's name as underscores (moduleparam.h: "Dashes (-) are considered equal
    to underscores (_)"), so `pcie-acs-override="downstream"` is pcie_acs_override=downstream."""
    if word in ("--", '"--"'):
        # the end of the kernel's parameters (parse_args "Stop at --"), no name; quoted too
        # (R29B-4): next_arg skips the opening quote and cuts the closing one (`if (quoted &&
        # i > 0 && args[i-1] == '"')`) before parse_args compares the name with "--"
        return "--"
    word = word.strip('"') if word.startswith('"') else word
    name, eq, value = word.partition("=")
    if value.startswith('"') and value.endswith('"') and len(value) >= 2:
        value = value[1:-1]
    return name.replace("-", "_") + eq + value


def _event_log(g: Got) -> Fact[bool]:
    """Whether the firmware handed the kernel a TCG boot event log: the securityfs file exists
    only then (drivers/char/tpm/eventlog/common.c tpm_bios_log_setup: "If an event log is found
    then the securityfs files are setup ..., otherwise nothing is done"). `wc -c` gives its
    length; a bundle of an older collector has `ls -l`, whose size column securityfs leaves at
    0 (securityfs_create_dentry sets no i_size), so there the file's existence decides."""
    if g.rc != 0:
        return Fact.of(False, g.source)
    first = _first(g)
    if first.startswith(("-", "l")):  # ls -l
        return Fact.of(True, g.source)
    size = first.split()[0] if first.split() else ""
    return Fact.of(digits(size) and int(size) > 0, g.source)


def _kvm_modules(ev: HostEvidence, ept: Got, npt: Got) -> Fact[tuple[str, ...]]:
    """KVM modules, from /proc/modules and the vendor modules' parameter directories (which exist
    for a loaded module and for one built into the kernel)."""
    mods = ev.get(_file("/proc/modules"))
    found: set[str] = set()
    if ept.state == "ok":
        found.add("kvm_intel")
    if npt.state == "ok":
        found.add("kvm_amd")
    if mods.state == "ok":
        for line in mods.text.splitlines():
            name = line.split(" ", 1)[0]
            if name == "kvm" or name.startswith("kvm_"):
                found.add(name)
        return Fact.of(tuple(sorted(found)), mods.source)
    if found:
        return Fact.of(tuple(sorted(found)), (ept if ept.state == "ok" else npt).source)
    if mods.state == "failed":
        return Fact.failed(f"/proc/modules: {mods.reason}", mods.source)
    return Fact.unavailable("/proc/modules could not be read", mods.source)


def _kernel_release_key(
    release: str,
) -> tuple[tuple[str, ...], tuple[tuple[int, int, str], ...]]:
    """A kernel release's flavour (its letter runs: Debian `amd64` and `rt-amd64`, RHEL `el`,
    `x86_64` and `+debug`, Proxmox `pve` differ) and its digit and letter runs in order, which
    order releases of one flavour as rpmvercmp does (6.1.0-28-amd64 < 6.1.0-30-amd64;
    5.14.0-427.13.1.el9_4 < 5.14.0-503.11.1.el9_5; 6.8.12-4-pve < 6.8.12-10-pve): runs
    compared in turn, numbers as numbers, and "numeric segments are always newer than alpha
    segments" (rpm's rpmio/rpmvercmp.c), so RHEL's first kernel of a minor release,
    4.18.0-553.el8_10, is older than its update 4.18.0-553.5.1.el8_10 (R23W-1)."""
    low = release.lower()
    runs = tuple(
        (1, int(r), "") if r.isdigit() else (0, 0, r) for r in re.findall(r"\d+|[a-z]+", low)
    )
    return tuple(re.findall(r"[a-z]+", low)), runs


def _boot_listing_partial(g: Got) -> str:
    """Why `find /boot -maxdepth 1 -name 'vmlinuz-*'` may have listed /boot's kernels only in
    part ("" where it exited 0, or did not run): find(1) EXIT STATUS, "find exits with status 0
    if all files are processed successfully, greater than 0 if errors occur", and "if the
    return value is non-zero, you should not rely on the correctness of the results of find"
    (R48S-4). A kernel it listed is installed whatever its exit; one it did not list may be."""
    if g.state != "ok":
        return ""
    return _unanswered(g, lambda _line: False, answers=(0,), quiet_rc=0)


def _kernel_not_booted(ev: HostEvidence) -> Fact[tuple[str, ...]]:
    """The running kernel (/proc/sys/kernel/osrelease) against the kernels installed in /boot
    (vmlinuz-RELEASE): a newer one of the same flavour is installed and waits for a reboot
    (dnf5-needs-restarting(8): the system "should be rebooted to fully apply changes from
    package installations and upgrades" of "important packages", which include "the kernel").
    A kernel of another flavour (an unused -rt or backports kernel, a rescue image) is not
    compared (R23H-2)."""
    if ev.missing is not None:
        return ev.missing
    rel = ev.get(_file("/proc/sys/kernel/osrelease"))
    if rel.state != "ok" or not _first(rel):
        return ev.fact(
            _file("/proc/sys/kernel/osrelease"),
            lambda g: Fact.unavailable("/proc/sys/kernel/osrelease could not be read", g.source),
        )
    running = _first(rel)

    def parse(g: Got) -> Fact[tuple[str, ...]]:
        names = [
            line.strip().rsplit("/", 1)[-1].removeprefix("vmlinuz-")
            for line in g.text.splitlines()
            if line.strip().startswith("/boot/vmlinuz-")
        ]
        names = [n for n in names if "-rescue-" not in n and not n.endswith(".old")]
        if g.state != "ok" or not names:
            return Fact.unavailable("no kernel image found in /boot (vmlinuz-*)", g.source)
        flavour, mine = _kernel_release_key(running)
        # R47B-1: a kernel kept only on the ESP (or XBOOTLDR) by kernel-install, a Type #1
        # entry's or a unified kernel image's, is installed as well
        esp = _esp_kernels(ev)
        newer = [
            n
            for n in [*names, *esp]
            if _kernel_release_key(n)[0] == flavour and _kernel_release_key(n)[1] > mine
        ]
        if not newer and (partial := _boot_listing_partial(g)):
            # R48S-4: a newer kernel find did not list may be installed
            return Fact.unavailable(
                f"`find /boot` did not list all of /boot ({partial}): whether a kernel newer "
                f"than the running {running} is installed is unknown",
                g.source,
            )
        unlisted = _ukis_unlisted(ev)
        if not newer and unlisted is not None:
            # R48B-2: a newer kernel kept only as a unified kernel image the listing missed
            return Fact.unavailable(
                f"{UKIS_UNLISTED} ({unlisted.reason}): whether a newer kernel than {running} "
                f"waits there for a reboot is not read (list them as root: `ls "
                f"{' '.join(UKI_DIRS)}`)",
                rel.source,
                g.source,
                unlisted.source,
            )
        entries = _boot_cmdline_files(ev)
        older = [
            n
            for n in names
            if _kernel_release_key(n)[0] == flavour and _kernel_release_key(n)[1] < mine
        ]
        if (
            not newer
            and not older
            and not entries.known
            and ev.get(_cmd("boot-cmdline")).state != "uncollected"
        ):
            # R48B-5: kernel-install's Type #1 entries (R47B-1) are read from the boot-cmdline
            # probe: where it failed, a newer kernel kept only there is not seen (with an older
            # kernel in /boot, R44B-4's question, which entry boots next, is asked instead)
            return Fact.unavailable(
                f"{entries.reason}: whether a newer kernel than {running} waits for a reboot in "
                "a Boot Loader Specification entry is not read (list them as root: `ls "
                f"{' '.join(BLS_ENTRIES)}`)",
                rel.source,
                g.source,
                *entries.sources,
            )
        unnamed = _ukis_unnamed(ev)
        if not newer and unnamed:
            # R48B-6: an image whose name holds no release may be a newer kernel
            shown = ", ".join(unnamed[:4]) + (
                f" and {len(unnamed) - 4} more" if len(unnamed) > 4 else ""
            )
            return Fact.unavailable(
                f"the unified kernel image(s) {shown} name no kernel release: whether one is a "
                f"newer kernel than {running} waiting for a reboot is not read (its .uname "
                "section: `objcopy -O binary --only-section=.uname IMAGE /dev/stdout`)",
                rel.source,
                g.source,
                ev.get(_cmd("boot-uki")).source,
            )
        if not newer:
            return _kernel_rebuilt_in_place(ev, running, rel.source, g.source)
        newest = max(newer, key=lambda n: _kernel_release_key(n)[1])
        if newest in names:
            return Fact.of((running, newest), rel.source, g.source)
        return Fact.of((running, newest), rel.source, g.source, esp[newest])

    return ev.fact(_cmd("boot-kernels"), parse)


def _esp_kernels(ev: HostEvidence) -> dict[str, Source]:
    """The kernels systemd's kernel-install keeps outside /boot's vmlinuz-* (R47B-1), each
    release to the probe that shows it: a Type #1 entry's (layout bls: the image copied to
    $BOOT/ENTRY-TOKEN/VERSION/linux beside $BOOT/loader/entries/ENTRY-TOKEN-VERSION.conf naming
    `version VERSION`, the entry removed with the kernel; systemd src/kernel-install/
    90-loaderentry.install.in) and a unified kernel image's (layout uki: $BOOT/EFI/Linux/
    ENTRY-TOKEN-VERSION.efi, with boot counting ENTRY-TOKEN-VERSION+TRIES.efi; src/kernel-
    install/90-uki-copy.install), read with `read_file`. A rescue entry (RHEL's 0-rescue, the
    install's kernel), an entry booting no `linux` kernel and an image whose name holds no
    release (no `-N.N` after its token) are not counted."""
    out: dict[str, Source] = {}
    files = _boot_cmdline_files(ev)
    if files.known:
        for path, lines in files.get().items():
            if path.startswith(BLS_ENTRIES) and "rescue" not in path:
                release = _bls_version(lines)
                if release and "-rescue-" not in release:
                    out.setdefault(release, files.sources[0])
    # R48B-2: only a listing `find` answered (_ukis_unlisted)
    got = ev.result(_cmd("boot-uki"), quiet=_no_such_file, quiet_rc=1)
    if got.state == "ok":
        for line in got.text.splitlines():
            name = line.strip().rsplit("/", 1)[-1]
            stem = re.sub(r"(?:\+\d+(?:-\d+)?)?\.efi$", "", name, flags=re.IGNORECASE)
            m = re.match(r".+?-(\d+\.\d+[^/\s]*)$", stem)
            if line.strip().startswith(UKI_DIRS) and m and "-rescue-" not in stem:
                out.setdefault(m.group(1), got.source)
    return out


def _ukis_unnamed(ev: HostEvidence) -> list[str]:
    """The listed unified kernel images whose names hold no kernel release (R48B-6): an image
    not named by kernel-install (EFI/Linux/linux.efi) boots whatever kernel its .linux section
    holds, which ukify records in its .uname section ("uname -r" information, systemd
    src/ukify/ukify.py --uname), not read here. A rescue image is not counted (_esp_kernels)."""
    got = ev.result(_cmd("boot-uki"), quiet=_no_such_file, quiet_rc=1)
    if got.state != "ok":
        return []
    out = []
    for line in got.text.splitlines():
        name = line.strip().rsplit("/", 1)[-1]
        stem = re.sub(r"(?:\+\d+(?:-\d+)?)?\.efi$", "", name, flags=re.IGNORECASE)
        if (
            line.strip().startswith(UKI_DIRS)
            and not re.match(r".+?-(\d+\.\d+[^/\s]*)$", stem)
            and "rescue" not in stem
        ):
            out.append(line.strip())
    return out


#: The start of a reason where the unified kernel images were not listed (R48B-2).
UKIS_UNLISTED = f"the unified kernel images in {', '.join(UKI_DIRS)} could not be listed"


def _ukis_unlisted(ev: HostEvidence) -> Got | None:
    """The boot-uki probe where `find` gave no answer (R48B-2), else None: exit 1 with
    "Permission denied" (an ESP mounted umask=0077 read by a non-root account), a timeout, or
    find not found (recorded absent); find(1) EXIT STATUS: "if the return value is non-zero,
    you should not rely on the correctness of the results of find". A directory that does not
    exist ("No such file or directory", exit 1) is an answer (_unanswered, as _boot_ukis); a
    bundle collected before the probe (uncollected) is not asked (R28B-3)."""
    got = ev.result(_cmd("boot-uki"), quiet=_no_such_file, quiet_rc=1)
    if got.state == "absent":
        return Got("failed", "", got.rc, "find was not found", got.source)
    return got if got.state == "failed" else None


#: The packages that install /boot/vmlinuz-RELEASE: Debian linux-image-RELEASE (signed) or
#: linux-image-RELEASE-unsigned, Proxmox proxmox-kernel-RELEASE-signed (or unsigned), older
#: pve-kernel-RELEASE.
_KERNEL_PACKAGES = (
    "linux-image-{}",
    "linux-image-{}-unsigned",
    "proxmox-kernel-{}-signed",
    "proxmox-kernel-{}",
    "pve-kernel-{}",
)


def _kernel_rebuilt_in_place(
    ev: HostEvidence, running: str, *sources: Source
) -> Fact[tuple[str, ...]]:
    """A kernel updated in place: Debian keeps the release name (the ABI name) across package
    versions (debian-kernel-handbook ch. 5: the kernel version "is not changed for every new
    package version"), so linux-image-6.1.0-28-amd64 6.1.119-1 -> 6.1.123-1 replaces
    /boot/vmlinuz-6.1.0-28-amd64 and no newer name appears. The running build's package
    version is in /proc/version, after the build number (`#1 SMP PREEMPT_DYNAMIC Debian
    6.1.119-1 (2024-11-22)`; Proxmox `... PMX 6.8.12-4 (2024-11-06T15:04Z)`, Proxmox VE 7's
    pve-kernel `5.15.30-2-pve #1 SMP PVE 5.15.30-3 (Fri, 22 Apr 2022 ...)`: R23E-2); the installed
    one is dpkg's. They differ: the installed build waits for a reboot. A kernel package of
    the running release installed but /proc/version or dpkg unread, a question; a kernel not
    built by Debian or Proxmox (no such marker) is not compared (R23E-1)."""
    pk = _packages(ev)
    ver = ev.get(_file("/proc/version"))
    tail = ver.text.rsplit(") #", 1)[-1] if ver.state == "ok" else ""
    mark = re.search(r"\b(?:Debian|PMX|PVE) (\S+) \(", tail)
    if not pk.known:
        if mark:
            return Fact.unavailable(
                f"the installed package of kernel {running} is unknown ({pk.reason})",
                *sources,
                *pk.sources,
            )
        return Fact.of((), *sources)
    installed = next(
        (
            (name, pk.get()[name])
            for name in (t.format(running) for t in _KERNEL_PACKAGES)
            if name in pk.get()
        ),
        None,
    )
    if installed is None:
        return Fact.of((), *sources)
    name, version = installed
    if ver.state == "ok" and not mark:
        # a kernel built elsewhere under a packaged name: no build version to compare
        return Fact.of((), *sources)
    if not mark:
        return Fact.unavailable(
            f"/proc/version could not be read: whether the running {running} is the installed "
            f"{name} {version} is not shown",
            *sources,
            ver.source,
        )
    built = mark.group(1)
    if re.sub(r"\+b\d+$", "", version) == built:
        return Fact.of((), *sources, ver.source, *pk.sources)
    return Fact.of(
        (f"{running} ({built})", f"{running} ({name} {version})"),
        *sources,
        ver.source,
        *pk.sources,
    )


def _ksm_boot_units(g: Got) -> Fact[tuple[str, ...]]:
    """The KSM units the next boot starts (`systemctl list-unit-files`: UNIT FILE, STATE and,
    since systemd 245, PRESET): ksm.service runs `ksmctl start` (run = 1) and ksmtuned.service
    the tuner that sets it under memory pressure (Debian's ksmtuned package: "ships the ksm and
    ksmtuned services to control Kernel Samepage Merging"). Enabled means one of
    UNIT_ENABLED_STATES; without systemctl there is no systemd to start them (R23H-1)."""
    if g.state == "absent":
        return Fact.of((), Source(g.source.artefact, "no systemd"))
    why = _systemctl_unanswered(g)
    if why:
        return Fact.failed(f"the KSM units were not listed ({why})", g.source)
    found = []
    for line in g.text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in KSM_UNITS and parts[1] in UNIT_ENABLED_STATES:
            found.append(parts[0])
    return Fact.of(tuple(found), g.source)


def _ksm_pages_shared(ev: HostEvidence) -> Fact[int]:
    """The pages KSM merged and still shares. Documentation/admin-guide/mm/ksm.rst, run: "set to
    0 to stop ksmd from running but keep merged pages", "set to 2 to stop ksmd and unmerge all
    pages currently merged" (mm/ksm.c run_store falls back to 0 when the unmerge fails, so 2 is
    read only after it succeeded); pages_shared: "how many shared pages are being used". No run
    file: a kernel without KSM, which merges nothing."""
    run = ev.get(_file("/sys/kernel/mm/ksm/run"))
    if run.state == "absent":
        return Fact.of(0, Source(run.source.artefact, "no KSM in this kernel"))
    if run.state == "ok" and _first(run) == "2":
        return Fact.of(0, run.source)

    def count(g: Got) -> Fact[int]:
        value = _first(g)
        if g.state != "ok" or not digits(value):
            return Fact.unavailable(
                "/sys/kernel/mm/ksm/pages_shared could not be read "
                f"({g.reason or repr(value[:20])})",
                g.source,
            )
        return Fact.of(int(value), g.source)

    return ev.fact(_file("/sys/kernel/mm/ksm/pages_shared"), count)


def _memory_cgroup(g: Got) -> Fact[str]:
    """`grep -E '^[^ ]+ [^ ]+ cgroup2? ' /proc/mounts`: the cgroup version holding the memory
    controller, as libvirt finds it. libvirt asks its v2 back end first, which claims the
    controllers a cgroup2 mount lists in cgroup.controllers, then v1, which claims those a
    `cgroup` mount names in its options (vircgroup.c virCgroupDetectControllers,
    VIR_CGROUP_BACKEND_TYPE_V2 = 0; virCgroupV2ParseControllersFile;
    virCgroupV1DetectMounts). A controller bound to a v1 hierarchy is not offered to v2
    (Documentation/admin-guide/cgroup-v2.rst, "Mounting"), so memory is v1 where a `cgroup`
    mount names it, else v2 where a cgroup2 mount is. grep exits 1 when nothing matched."""
    return _controller_cgroup(g, "memory")


def _io_cgroup(g: Got) -> Fact[str]:
    """The cgroup version holding the block I/O controller (v1 `blkio`, v2 `io`: the same
    io_cgrp_subsys, block/blk-cgroup.c `.legacy_name = "blkio"`), read as _memory_cgroup reads
    memory's (R26R-1)."""
    return _controller_cgroup(g, "blkio")


def _cpu_cgroup(g: Got) -> Fact[str]:
    """The cgroup version holding the CPU controller (v1 `cpu`, often co-mounted as
    `cpu,cpuacct`), read as _memory_cgroup reads memory's (R30T-2): libvirt writes <shares> to
    cpu.shares there, to cpu.weight on v2 (vircgroupv1.c / vircgroupv2.c SetCpuShares)."""
    return _controller_cgroup(g, "cpu")


def _controller_cgroup(g: Got, v1_name: str) -> Fact[str]:
    """The cgroup version holding the controller a v1 `cgroup` mount names `v1_name`: "v1"
    where such a mount names it, else "v2" where a cgroup2 mount is, else ""."""
    if g.state != "ok" or g.rc not in (0, 1):
        why = f"exited {g.rc}" if g.state == "ok" else (g.reason or g.state)
        return Fact.unavailable(f"the cgroup mounts were not read: {why}", g.source)
    v2 = False
    for line in g.text.splitlines():
        fields = line.split(" ")
        if len(fields) < 4:
            continue
        if fields[2] == "cgroup" and v1_name in fields[3].split(","):
            return Fact.of("v1", g.source)
        v2 = v2 or fields[2] == "cgroup2"
    return Fact.of("v2" if v2 else "", g.source)


def _int_file(g: Got) -> Fact[int]:
    try:
        return Fact.of(int(_first(g)), g.source)
    except ValueError:
        return Fact.failed(f"unreadable value {_first(g)[:20]!r}", g.source)


def _selinux(g: Got) -> Fact[bool | None]:
    if g.state == "absent":
        return Fact.of(None, Source(g.source.artefact, "selinuxfs not mounted: SELinux is off"))
    return Fact.of(_first(g) == "1", g.source)


#: libselinux's SELinux modes by the SELINUX= prefix selinux_getenforcemode matches
_SELINUX_MODES = (("enforcing", 1), ("permissive", 0), ("disabled", -1))


def _selinux_config(g: Got) -> Fact[int | None]:
    """SELINUX= in /etc/selinux/config as libselinux reads it (R38B-1: libselinux/src/
    selinux_config.c selinux_getenforcemode, read with `read_file`): the first line that starts
    with exactly `SELINUX=` (case-sensitive, nothing before it) whose value, after leading
    white space, starts with `enforcing` (1), `permissive` (0) or `disabled` (-1), any case;
    a line with another value is skipped. None where no line sets a mode or the file is absent
    (load_policy.c selinux_init_load_policy keeps seconfig at -2: "unspecified", permissive
    unless the kernel line's enforcing= says otherwise)."""
    if g.state == "absent":
        return Fact.of(None, Source(g.source.artefact, "no /etc/selinux/config"))
    for n, line in enumerate(g.text.splitlines(), 1):
        if not line.startswith("SELINUX="):
            continue
        value = line[8:].lstrip(" \t\n\v\f\r").lower()
        for name, mode in _SELINUX_MODES:
            if value.startswith(name):
                return Fact.of(mode, Source(g.source.artefact, f"line {n}: SELINUX={name}"))
    return Fact.of(None, Source(g.source.artefact, "no SELINUX= line sets a mode"))


_SELINUX_TYPE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _selinux_permissive(ev: HostEvidence) -> Fact[tuple[tuple[str, ...], bool]]:
    """The permissive SELinux domain types. `semanage permissive -l -n` prints every permissive
    type of the installed policy and then the customized ones, one name a line (seobject.py
    permissiveRecords.list; headings, when printed, hold spaces and are skipped); no output means
    none. Without semanage, `semodule -l` names the modules `semanage permissive -a TYPE`
    installs, permissive_TYPE (permissiveRecords.add); older semodule prints a version after a
    tab."""
    if ev.missing is not None:
        return ev.missing
    why: list[str] = []
    sem = ev.get(_cmd("selinux-permissive"))
    if sem.state == "ok" and sem.rc == 0:
        names = (line.strip() for line in sem.text.splitlines())
        found = tuple(sorted({n for n in names if _SELINUX_TYPE.match(n)}))
        return Fact.of((found, True), sem.source)
    why.append(f"`semanage permissive -l`: {_not_answered(sem)}")
    mods = ev.get(_cmd("selinux-modules"))
    if mods.state == "ok" and mods.rc == 0:
        first = (line.split()[0] for line in mods.text.splitlines() if line.split())
        found = tuple(sorted({m[11:] for m in first if m.startswith("permissive_") and m[11:]}))
        return Fact.of((found, False), mods.source, sem.source)
    why.append(f"`semodule -l`: {_not_answered(mods)}")
    return Fact.unavailable("; ".join(why), sem.source, mods.source)


def _not_answered(g: Got) -> str:
    """Why a command gave no usable answer, in a few words."""
    if g.state == "ok":
        detail = g.reason.strip().splitlines()[0][:120] if g.reason.strip() else ""
        return f"exit status {g.rc}" + (f" ({detail})" if detail else "")
    if g.state == "absent":
        return "not installed"
    return g.reason.strip()[:120] or g.state


def _unanswered(
    g: Got, quiet: Callable[[str], bool], *, answers: tuple[int, ...], quiet_rc: int
) -> str:
    """Why a probe gave no full answer ("" when it did): it did not run, or it exited with a
    status outside `answers`, unless that status is `quiet_rc` and every stderr line is one
    `quiet` says is still an answer (a path that does not exist, a unit with no file). The
    reason names the exit status and the first other stderr line."""
    if g.state != "ok":
        return g.reason.strip()[:120] or g.state
    errors = [line.strip() for line in g.reason.splitlines() if line.strip() and not quiet(line)]
    if g.rc in answers or (g.rc == quiet_rc and not errors):
        return ""
    return f"exit status {g.rc}" + (f": {errors[0][:120]}" if errors else "")


def _no_such_file(line: str) -> bool:
    return line.strip().endswith(": No such file or directory")


def _systemctl_unanswered(g: Got) -> str:
    """Why a `systemctl cat` or `systemctl list-unit-files` probe gave no answer ("" when it
    did), as systemd's systemctl sets its exit status (systemd src/systemctl, read with
    `read_file`): verb_cat connects to the manager first (acquire_bus: "Failed to connect to
    bus: ..." on stderr, exit 1, nothing printed) and skips a unit with no file, logging "No
    files found for %s." (unit_find_paths) and ending with -ENOENT (exit 1); any other error
    stops it part-way. list-unit-files ends with -ENOENT when no unit matches, printing
    nothing. So exit 1 is an answer only with nothing but those "No files found" lines (and
    verb_cat's "# Warning: ... changed on disk" notes) on stderr; a failed bus connection,
    access denied or a timeout is not "no unit"."""
    return _unanswered(
        g,
        lambda line: (
            line.startswith("#") or bool(re.fullmatch(r"No files found for \S+\.", line.strip()))
        ),
        answers=(0,),
        quiet_rc=1,
    )


def _grep_unanswered(g: Got) -> str:
    """Why a `grep -R -H "" PATH...` probe of configuration files gave no full answer ("" when
    it did). GNU grep(1) EXIT STATUS: "Normally the exit status is 0 if a line is selected, 1 if
    no lines were selected, and 2 if an error occurred", each error named on stderr ("grep:
    PATH: No such file or directory", "grep: PATH: Permission denied"). A path that does not
    exist holds no rule; one grep could not read (a collector without root: /etc/sudoers is
    mode 0440, polkit's rules.d is not for every user to read) holds rules unseen (R23P-4)."""
    return _unanswered(g, _no_such_file, answers=(0, 1), quiet_rc=2)


def _stat_unanswered(g: Got) -> str:
    """Why a `stat -c FORMAT PATH...` probe gave no full answer ("" when it did). GNU coreutils
    stat.c do_stat: a path it cannot stat is named on stderr (`error (0, errno, _("cannot statx
    %s"), quoteaf (filename)); return false;`) and main goes on with the next (`ok &= ...
    do_stat (argv[i], ...)`, then `ok ? EXIT_SUCCESS : EXIT_FAILURE`), so exit 1 is given alike
    for a path that does not exist ("No such file or directory": nothing there) and for one
    stat could not reach ("Permission denied" on a directory above it: something may be there,
    unseen) (R24P-1)."""
    return _unanswered(g, _no_such_file, answers=(0,), quiet_rc=1)


def _apparmor(ev: HostEvidence) -> Fact[dict[str, str] | None]:
    enabled = ev.get(_file("/sys/module/apparmor/parameters/enabled"))
    profiles = ev.get(_file("/sys/kernel/security/apparmor/profiles"))
    if enabled.state == "failed" or profiles.state == "failed":
        return Fact.failed(enabled.reason or profiles.reason, profiles.source)
    if enabled.state == "absent" or _first(enabled) != "Y":
        return Fact.of(None, enabled.source)
    if profiles.state != "ok":
        return Fact.unavailable(
            "AppArmor is enabled but its loaded profiles could not be read", profiles.source
        )
    out: dict[str, str] = {}
    for line in profiles.text.splitlines():
        m = re.match(r"^(.*) \((\w+)\)\s*$", line)
        if m:
            out[m.group(1)] = m.group(2)
    mode, where = _apparmor_global_mode(ev)
    if mode not in ("enforce", "kill", ""):
        # COMPLAIN_MODE(p) = aa_g_profile_mode == APPARMOR_COMPLAIN || p->mode == COMPLAIN
        # (security/apparmor/include/policy.h): the global mode wins over each profile's own.
        out = dict.fromkeys(out, f"{mode}: {where}")
        return Fact.of(out, profiles.source, Source(where))
    return Fact.of(out, profiles.source)


def _apparmor_global_mode(ev: HostEvidence) -> tuple[str, str]:
    """AppArmor's global profile mode (lsm.c `mode` parameter, aa_g_profile_mode, named by
    aa_profile_mode_names: enforce, complain, kill, ...) and where it was read: the run-time
    /sys/module/apparmor/parameters/mode, else `apparmor.mode=` on the kernel command line (the
    last one counts); ("", "") when neither says."""
    param = ev.get(_file("/sys/module/apparmor/parameters/mode"))
    if param.state == "ok" and _first(param):
        return _first(param).lower(), "/sys/module/apparmor/parameters/mode"
    cmdline = ev.get(_file("/proc/cmdline"))
    found = ""
    for raw in _cmdline_words(cmdline.text) if cmdline.state == "ok" else ():
        word = _kernel_param(raw)  # the kernel drops the quotes (R16H-8)
        if word == "--":
            # AppArmor is built in: kernel/params.c parse_args stops at "--", and init/main.c
            # start_kernel hands the rest to init (parse_args("Setting init args",
            # after_dashes, ..., set_init_arg), read with `find_string`; R20H-5)
            break
        if word.lower().startswith("apparmor.mode="):
            found = word.split("=", 1)[1].lower()
    return (found, f"apparmor.mode={found} on the kernel command line") if found else ("", "")


def _ssh_server(ev: HostEvidence, processes: Fact[str], listeners: Fact[Any]) -> Fact[str]:
    """Whether an SSH server runs: an sshd process, an active ssh/sshd unit or socket, or a
    listener owned by sshd; "absent" when sshd is not installed."""
    got = ev.get(_cmd("sshd-effective"))
    if got.state == "absent":
        return Fact.of("absent", Source(got.source.artefact, "sshd not installed"))
    if got.state == "failed":
        return Fact.failed(got.reason, got.source)
    units = ev.get(_cmd("sshd-units"))
    active = units.state == "ok" and any(ln.strip() == "active" for ln in units.text.splitlines())
    running = _running(processes, ("sshd",), bool)
    listening = listeners.known and any(lst.process == "sshd" for lst in listeners.get())
    if active or listening or (running.known and running.get()):
        return Fact.of("running", *processes.sources, units.source)
    if not running.known or units.state not in ("ok", "absent"):
        return Fact.unavailable("whether sshd runs could not be read", units.source)
    return Fact.of("stopped", *processes.sources, units.source)


def _sshd_fact(ev: HostEvidence, server: Fact[str]) -> Fact[dict[str, str]]:
    got = ev.get(_cmd("sshd-effective"))
    if got.state == "ok" and got.rc != 0 and server.known and server.get() == "stopped":
        return Fact.of(
            {},
            Source(
                got.source.artefact,
                f"sshd -T exited {got.rc}: sshd is installed but not running",
            ),
        )
    return ev.fact(_cmd("sshd-effective"), _sshd)


SSHD_CONFIG = "/etc/ssh/sshd_config"
DISTRIBUTION_SSHD = ("/usr/sbin/sshd", "/usr/bin/sshd", "/sbin/sshd", "/bin/sshd")
"""Where distributions install sshd (built with --sysconfdir=/etc/ssh, so it reads SSHD_CONFIG);
/sbin and /bin are the same files on merged-/usr systems."""


def _other_sshd_binaries(processes: Fact[str]) -> list[str]:
    """The executables of running sshd listeners other than the distribution's. sshd re-executes
    itself and refuses to start without an absolute path (sshd.c: "sshd requires execution with
    an absolute path"), so a listener's first word names its binary; its compiled-in
    configuration file is SSHDIR "/sshd_config" (pathnames.h), SSHDIR following configure's
    --sysconfdir, whose default is PREFIX/etc (OpenSSH INSTALL: "configuration files in
    /usr/local/etc, the server in /usr/local/sbin"). Read in OpenSSH portable's sources."""
    found: list[str] = []
    if not processes.known:
        return found
    for exe, words in _commands(processes.get()):
        path = words[0] if words else ""
        given = " ".join(words[1:]).replace("-f ", "-f")
        if f"-f{SSHD_CONFIG}" in given.split():
            continue  # started on the file hvaudit reads (NixOS: `.../bin/sshd -D -f /etc/...`)
        if exe == "sshd" and path.startswith("/") and path not in DISTRIBUTION_SSHD:
            found.append(path)
    return list(dict.fromkeys(found))


SSHD_CONFIG_D = "/etc/ssh/sshd_config.d/"
SSHD_INCLUDED_FILES = ("/etc/crypto-policies/back-ends/opensshserver.config",)
"""Files outside sshd_config.d that distributions include and the collector reads: RHEL 9 and
Fedora's /etc/ssh/sshd_config.d/50-redhat.conf has `Include /etc/crypto-policies/back-ends/
opensshserver.config` (ComplianceAsCode sshd_include_crypto_policy checks for that line)."""


def _sshd_match(ev: HostEvidence, server: Fact[str]) -> Fact[tuple[SshdMatch, ...]]:
    """The Match blocks of sshd_config and the files it includes, in the order sshd reads them.

    sshd_config(5): a Match block runs until the next Match line or the end of the file; Include
    takes glob patterns, relative ones under /etc/ssh, read in sorted order where the Include
    stands; keywords are case-insensitive and take `keyword value` or `keyword=value`. Besides the
    main file, /etc/ssh/sshd_config.d and SSHD_INCLUDED_FILES are collected (a pattern that
    matches no file includes nothing: servconf.c ignores GLOB_NOMATCH); an Include elsewhere is
    unread (unavailable), an included file whose read failed is a failed fact."""
    if server.known and server.get() == "absent":
        return Fact.of((), *server.sources)
    main = ev.get(_file(SSHD_CONFIG))
    if main.state == "failed":
        return Fact.failed(f"{SSHD_CONFIG}: {main.reason}", main.source)
    if main.state != "ok":
        return Fact.unavailable(f"{SSHD_CONFIG} was not read ({main.reason})", main.source)
    dropins: dict[str, list[str]] = {}
    d = ev.get(_cmd("sshd-config-d"))
    why = "" if d.state == "absent" else _grep_unanswered(d)
    if why:
        return Fact.unavailable(f"{SSHD_CONFIG_D} was not read ({why})", d.source)
    if d.state == "ok":
        dropins = _by_file(d.text)
    blocks: list[SshdMatch] = []
    unread: list[str] = []
    sources: list[Source] = [main.source, d.source]
    failed: list[str] = []

    def read(
        path: str,
        lines: list[str],
        depth: int,
        outer: tuple[str, str, list[tuple[str, str]]] | None = None,
    ) -> None:
        """Read one file. `outer` is the Match block an Include stands in: sshd_config(5),
        "Include directives may appear inside a Match block to perform conditional inclusion"
        (servconf.c sInclude parses the file under the block's activity and restores it
        afterwards), so the file's lines belong to that block, and a Match block inside the
        file holds only where both match (its criteria are joined to the outer ones)."""
        criteria, where = (outer[0], outer[1]) if outer else ("", "")
        settings = outer[2] if outer else []
        own = False  # the current block began in this file (else it is the outer one)
        for no, raw in enumerate(lines, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            key, value = [*re.split(r"\s*=\s*|\s+", line, maxsplit=1), ""][:2]
            key = key.lower()
            if key == "match":
                if own and criteria:
                    blocks.append(SshdMatch(criteria, where, tuple(settings)))
                # the criteria are split like every other line (servconf.c match_cfg_line:
                # strdelim / argv_split drop the double quotes): `User "root"` is `User root`
                criteria = _unquote_sshd(value)
                if outer and outer[0]:
                    criteria = f"{outer[0]} {criteria}"
                where, settings, own = f"{path}:{no}", [], True
            elif key == "include" and depth < 8:
                block = (criteria, where, settings) if criteria else None
                for pattern in _sshd_args(value) or value.split():
                    full = pattern if pattern.startswith("/") else f"/etc/ssh/{pattern}"
                    if full in SSHD_INCLUDED_FILES:
                        extra = ev.get(_file(full))
                        if extra.state == "ok":
                            sources.append(extra.source)
                            read(full, extra.text.splitlines(), depth + 1, block)
                        elif extra.state != "absent":
                            failed.append(f"{full}: {extra.reason or extra.state}")
                        continue
                    if not full.startswith(SSHD_CONFIG_D):
                        unread.append(full)
                        continue
                    for name in sorted(p for p in dropins if _glob_matches(full, p)):
                        read(name, dropins[name], depth + 1, block)
            elif criteria:
                settings.append((key, _unquote_sshd(value)))
        if own and criteria:
            blocks.append(SshdMatch(criteria, where, tuple(settings)))

    read(SSHD_CONFIG, main.text.splitlines(), 0)
    if failed:
        return Fact.failed("; ".join(failed), *sources)
    if unread:
        return Fact.unavailable(
            f"{SSHD_CONFIG} includes {', '.join(unread[:4])}, outside {SSHD_CONFIG_D} "
            "(not collected)",
            main.source,
        )
    return Fact.of(tuple(blocks), *sources)


def _glob_matches(pattern: str, path: str) -> bool:
    """Whether glob(3) would return `path` for `pattern` (sshd's Include: servconf.c calls
    glob(arg, 0, NULL, &gbuf)): each '/'-separated part matched on its own, so `*` never
    crosses a '/' (a file in a subdirectory of sshd_config.d is not included), and a part
    beginning with '.' only by a pattern part beginning with '.' (POSIX glob "leading period";
    Python's fnmatch does neither, R14H-8)."""
    want, have = pattern.split("/"), path.split("/")
    if len(want) != len(have):
        return False
    for w, h in zip(want, have, strict=True):
        if h.startswith(".") and not w.startswith("."):
            return False
        if not fnmatch.fnmatchcase(h, w):
            return False
    return True


def _sshd_args(value: str) -> list[str] | None:
    """An sshd_config line's arguments as servconf.c splits them: `argv_split(str, &oac, &oav,
    1)` (OpenSSH misc.c, read with `find_string`): words part at a space or tab outside
    quotes, single and double quotes are dropped, a backslash escapes a quote, a backslash and
    (outside quotes) a space, and with terminate_on_comment a `#` that begins a word ends the
    line ("A '#' at the start of an argument ends the line when requested"). So
    `PermitRootLogin no # was yes` is `no` (HL19-3); releases before argv_split stopped at
    such a line (servconf.c: fatal "garbage at end of line"), so `sshd -T` fails there. None
    for an unclosed quote (sshd: "invalid quotes")."""
    args: list[str] = []
    i, n = 0, len(value)
    while i < n:
        if value[i] in " \t":
            i += 1
            continue
        if value[i] == "#":
            break
        quote, arg = "", []
        while i < n:
            c = value[i]
            if c == "\\" and value[i + 1 : i + 2] in ("'", '"', "\\") and i + 1 < n:
                arg.append(value[i + 1])
                i += 2
                continue
            if c == "\\" and not quote and value[i + 1 : i + 2] == " ":
                arg.append(" ")
                i += 2
                continue
            if not quote and c in " \t":
                break
            if not quote and c in "'\"":
                quote = c
            elif quote and c == quote:
                quote = ""
            else:
                arg.append(c)
            i += 1
        if quote:
            return None
        args.append("".join(arg))
    return args


def _unquote_sshd(value: str) -> str:
    """sshd_config(5): "Arguments may optionally be enclosed in double quotes (") in order to
    represent arguments containing spaces" (misc.c argv_split, _sshd_args): `"yes"` is yes,
    `no # comment` is no."""
    words = _sshd_args(value)
    return value if words is None else " ".join(words)


def _held(ev: HostEvidence) -> Fact[tuple[str, ...]]:
    apt = ev.get(_cmd("apt-upgrade-simulation"))
    if apt.state != "ok":
        dnf = ev.get(_cmd("dnf-security-updates"))
        if dnf.state == "ok" and dnf.rc == 0:
            return _dnf_held(ev, dnf.source)
        return Fact.unavailable("no apt upgrade simulation to list kept-back packages")
    if apt.rc != 0:
        return Fact.failed(f"apt-get -s dist-upgrade exited {apt.rc}", apt.source)
    names: list[str] = []
    collecting = False
    for line in apt.text.splitlines():
        if re.match(r"The following (held )?packages (have been kept back|will be changed)", line):
            collecting = True
            continue
        if collecting and line.startswith(" "):
            names.extend(line.split())
            continue
        collecting = False
    sources = [apt.source]
    held = ev.get(_cmd("apt-held"))
    if held.state == "ok" and held.rc == 0:
        names.extend(held.text.split())
        sources.append(held.source)
    return Fact.of(tuple(sorted(set(names))), *sources)


def _dnf_held(ev: HostEvidence, dnf: Source) -> Fact[tuple[str, ...]]:
    """The installed packages whose updates dnf hides. RHEL 9 "Managing software with the DNF
    tool", Excluding packages from DNF operations: `excludepkgs` (alias `exclude`; names or
    globs, comma-separated) in /etc/dnf/dnf.conf [main] excludes packages "from any DNF
    operation"; dnf5-filtering(7): includepkgs/excludepkgs filtering "removes packages from the
    available package set, making them invisible to most DNF5 commands. As a result, these
    packages cannot be included in any transaction". So `dnf updateinfo list --security
    --available` never lists an excluded package's advisories and `dnf upgrade` never installs
    them, as `apt-mark hold` does. The versionlock plugin (dnf-plugins-core, enabled in
    /etc/dnf/plugins/versionlock.conf) "will then exclude any package by that name that doesn't
    match one of the versions listed" in versionlock.list (`!` entries exclude one version), in
    transactions only: the locked packages are held. All found with `search`. A dnf.conf that
    could not be read is unknown; an absent one filters nothing. A repository section's own
    exclude= (dnf.conf(5), "Options for both [main] and Repo": excludepkgs "Exclude packages
    of this repository, specified by a name or a glob and separated by a comma, from all
    operations"; found with `find_string`) hides that
    repository's packages the same way: /etc/yum.repos.d/*.repo are read, and unread they
    leave the answer open."""
    conf = ev.get(_file("/etc/dnf/dnf.conf"))
    if conf.state in ("failed", "uncollected"):
        return Fact.unavailable(f"/etc/dnf/dnf.conf was not read ({conf.reason})", conf.source)
    installed = _packages(ev)
    names = sorted(installed.get()) if installed.known else []
    held: dict[str, str] = {}
    sources = [dnf]
    if conf.state == "ok":
        sources.append(conf.source)
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        try:
            parser.read_string(conf.text)
        except configparser.Error as exc:
            return Fact.failed(f"/etc/dnf/dnf.conf: {exc}", conf.source)
        main = parser["main"] if parser.has_section("main") else {}
        for key in ("excludepkgs", "exclude"):
            for pattern in re.split(r"[,\s]+", main.get(key, "")):
                if not pattern:
                    continue
                # an exclude matching no installed package holds nothing back; with the
                # package list unread, the pattern itself is what is known
                hits = (
                    [n for n in names if fnmatch.fnmatchcase(n, pattern)]
                    if installed.known
                    else [pattern]
                )
                for n in hits:
                    held.setdefault(n, f"{n} (dnf.conf {key}={pattern})")
        include = [p for p in re.split(r"[,\s]+", main.get("includepkgs", "")) if p]
        if include:
            for n in names:
                if not any(fnmatch.fnmatchcase(n, p) for p in include):
                    held.setdefault(n, f"{n} (not in dnf.conf includepkgs)")
    repos = ev.get(_cmd("yum-repos"))
    if repos.state in ("failed", "uncollected"):
        return Fact.unavailable(
            f"/etc/yum.repos.d was not read ({repos.reason}): a repository's own exclude= "
            "hides its packages' updates from dnf",
            repos.source,
        )
    sections: list[tuple[str, dict[str, str]]] = []
    for path, lines in _by_file(repos.text).items() if repos.state == "ok" else ():
        if not path.endswith(".repo"):
            continue
        rp = configparser.ConfigParser(strict=False, interpolation=None)
        try:
            rp.read_string("\n".join(lines))
        except configparser.Error:
            return Fact.unavailable(f"{path} could not be read", repos.source)
        for section in rp.sections():
            if rp.get(section, "enabled", fallback="1").strip().lower() in ("0", "false", "no"):
                continue
            sections.append((section, dict(rp.items(section))))
    # a repository's filters act on that repository's packages only ("Exclude packages of this
    # repository"; includepkgs: "DNF will exclude any package in the repository that doesn't
    # match this list"): with one enabled repository every update comes from it (a hold);
    # beside others, whether they provide the same packages is not in the evidence
    filtered: dict[str, str] = {}
    for section, opts in sections:
        for key in ("excludepkgs", "exclude"):
            for pattern in re.split(r"[,\s]+", opts.get(key, "")):
                hits = (
                    [n for n in names if fnmatch.fnmatchcase(n, pattern)]
                    if installed.known
                    else [pattern]
                )
                for n in hits if pattern else ():
                    filtered.setdefault(n, f"{n} (repository {section}: {key}={pattern})")
        include = [p for p in re.split(r"[,\s]+", opts.get("includepkgs", "")) if p]
        for n in names if include else ():
            if not any(fnmatch.fnmatchcase(n, p) for p in include):
                filtered.setdefault(n, f"{n} (repository {section}: not in includepkgs)")
    if filtered and len(sections) == 1:
        held.update({n: w for n, w in filtered.items() if n not in held})
        sources.append(repos.source)
    elif filtered:
        return Fact.unavailable(
            f"repository filters hide {', '.join(list(filtered.values())[:4])}, and "
            f"{len(sections)} repositories are enabled: whether another one provides their "
            "updates is not in the evidence (`dnf repoquery --installed --qf "
            "'%{name} %{from_repo}'`)",
            repos.source,
        )
    vconf = ev.get(_file("/etc/dnf/plugins/versionlock.conf"))
    vlist = ev.get(_file("/etc/dnf/plugins/versionlock.list"))
    enabled = vconf.state == "ok" and re.search(
        r"(?im)^\s*enabled\s*=\s*(1|true|yes)\s*$", vconf.text
    )
    if enabled and vlist.state == "ok":
        sources += [vconf.source, vlist.source]
        for line in vlist.text.splitlines():
            entry = line.strip().lstrip("!")
            if not entry or entry.startswith("#"):
                continue
            # NAME-[EPOCH:]VERSION-RELEASE.ARCH (`dnf versionlock add` writes full NEVRAs)
            name = entry.rsplit("-", 2)[0] if entry.count("-") >= 2 else entry
            held.setdefault(name, f"{name} (versionlock: {entry})")
    elif enabled and vlist.state == "failed":
        return Fact.unavailable(f"versionlock.list was not read ({vlist.reason})", vlist.source)
    if not held:
        return Fact.of((), Source(dnf.artefact, "dnf keeps no package back"), *sources[1:])
    return Fact.of(tuple(held[n] for n in sorted(held)), *sources)


def _audit_enabled(g: Got) -> Fact[int]:
    """The `enabled` line of `auditctl -s` (auditctl(8) -e: "When 0 is passed, this can be used
    to temporarily disable auditing"; 2 locks the configuration, auditing on)."""
    if g.state != "ok" or g.rc != 0:
        return Fact.unavailable(f"auditctl -s did not answer ({g.state})", g.source)
    m = re.search(r"(?m)^enabled\s+([0-9]+)", g.text)
    if m is None:
        return Fact.unavailable("auditctl -s printed no enabled flag", g.source)
    return Fact.of(int(m.group(1)), g.source)


def _audit_pid(g: Got) -> Fact[int]:
    """The `pid` line of `auditctl -s`: the kernel's AUDIT_GET reply sets `s.pid =
    auditd_pid_vnr()`, "the auditd PID relative to the namespace, 0 on failure", i.e. 0 when
    no audit daemon is registered (Linux kernel/audit.c, found with `find_string`)."""
    if g.state != "ok" or g.rc != 0:
        return Fact.unavailable(f"auditctl -s did not answer ({g.state})", g.source)
    m = re.search(r"(?m)^pid\s+([0-9]+)\s*$", g.text)
    if m is None:
        return Fact.unavailable("auditctl -s printed no pid", g.source)
    return Fact.of(int(m.group(1)), Source(g.source.artefact, f"pid {int(m.group(1))}"))


def _audit_receiver(pid: Fact[int], processes: Fact[str]) -> Fact[str]:
    """The program the kernel hands its audit records to when it is not auditd: the program
    name of `auditctl -s`'s pid in the process list (`ps -eo pid=,user:32=,args=`), or "pid N,
    not in the process list"; "" for auditd or pid 0 (audit_unregistered judges that). The
    kernel keeps one receiver and refuses to replace a live one (Linux kernel/audit.c
    audit_receive_msg AUDIT_SET: "replacing a healthy auditd is not allowed", -EEXIST, found
    with `find_string`), so while another program (auditbeat, go-audit) holds it, auditd gets
    no record (R29L-5)."""
    if not pid.known:
        return pid  # type: ignore[return-value]
    if not processes.known:
        return processes
    if pid.get() == 0:
        return Fact.of("", *pid.sources)
    for line in processes.get().splitlines():
        parts = line.split(None, 2)
        if len(parts) == 3 and parts[0] == str(pid.get()):
            exe = parts[2].split()[0].rstrip(":").rsplit("/", 1)[-1]
            name = "" if exe == "auditd" else f"{exe[:40]} (pid {pid.get()})"
            return Fact.of(name, *pid.sources, *processes.sources)
    return Fact.of(f"pid {pid.get()}, not in the process list", *pid.sources, *processes.sources)


def _audit_rules(g: Got) -> Fact[tuple[str, ...]]:
    if g.state == "absent":
        return Fact.unavailable("auditctl is not installed", g.source)
    if g.rc != 0:
        return Fact.failed(f"auditctl -l exited {g.rc}: {g.reason[:200]}", g.source)
    rules = tuple(ln.strip() for ln in g.text.splitlines() if ln.strip().startswith("-"))
    return Fact.of(rules, g.source)


#: What the boot's audit rules files hold where neither exists (_audit_rules_none).
AUDIT_RULES_NONE = "neither /etc/audit/audit.rules nor /etc/audit/rules.d exists"


def _audit_rules_none(g: Got) -> bool:
    """Whether grep answered that neither /etc/audit/audit.rules nor /etc/audit/rules.d exists
    (exit 2, nothing printed, "grep: PATH: No such file or directory" for both: GNU grep(1) EXIT
    STATUS, as _grep_unanswered reads it). Then the boot loads no rule from them: augenrules(8)
    builds audit.rules from rules.d/*.rules and auditd.service loads audit.rules (`augenrules
    --load` or `auditctl -R /etc/audit/audit.rules`), so a watch loaded now was loaded by hand
    or by a unit of its own, not settled rules (R24L-2). An exit 2 without those two lines (a
    bundle whose stderr was not kept) stays unread."""
    if g.state != "ok" or g.rc != 2 or g.text.strip():
        return False
    missing = {
        line.strip().removeprefix("grep: ").removesuffix(": No such file or directory")
        for line in g.reason.splitlines()
        if line.strip().endswith(": No such file or directory")
    }
    return {"/etc/audit/audit.rules", "/etc/audit/rules.d"} <= missing


#: auditctl's short options that take an argument (audit-userspace src/auditctl.c setopt:
#: `getopt_long(count, vars, "hicslDvtC:e:f:r:b:a:A:d:S:F:m:R:w:W:k:p:q:", long_opts, ...)`)
#: and its long ones that do (long_opts: backlog_wait_time and signal take one).
_AUDITCTL_ARG = frozenset("Cefrbda" + "ASFmRwWkpq")
_AUDITCTL_LONG_ARG = frozenset({"--backlog_wait_time", "--signal"})


def _auditctl_words(line: str) -> str:
    """A rules file's line as `auditctl -l` spells it, one option and its argument per word
    pair. `auditctl -R` (audit-userspace src/auditctl.c fileopt, fetched) splits each line on
    blanks and hands the words to setopt, which reads them with getopt_long: an argument may be
    attached to its option (`-e0`, `-anever,exit`, `-Fdir=/etc/libvirt`) and options without
    one may be bundled (`-De0`), so `-e0` switches auditing off as `-e 0` does and a line
    may hold several options (`-b 8192 -e 0`, R25U-1). Words that are no option stay as
    they are, after the options (getopt permutes them to the end)."""
    words = line.split()
    out: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        i += 1
        if w == "--":
            rest.extend(words[i:])
            break
        if w.startswith("--"):
            name, eq, value = w.partition("=")
            out.append(name)
            if name in _AUDITCTL_LONG_ARG:
                if eq:
                    out.append(value)
                elif i < len(words):
                    out.append(words[i])
                    i += 1
            elif eq:
                out[-1] = w
            continue
        if not w.startswith("-") or w == "-":
            rest.append(w)
            continue
        for j in range(1, len(w)):
            out.append(f"-{w[j]}")
            if w[j] in _AUDITCTL_ARG:
                if j + 1 < len(w):
                    out.append(w[j + 1 :])
                elif i < len(words):
                    out.append(words[i])
                    i += 1
                break
    return " ".join(out + rest)


def _audit_rules_files(g: Got) -> Fact[tuple[str, ...]]:
    """The rule lines of /etc/audit/audit.rules and /etc/audit/rules.d/*.rules (augenrules(8):
    "files in /etc/audit/rules.d ... that end in .rules" are merged into audit.rules). grep
    exits 2 when a path is missing; nothing read at all is unavailable. A file grep could not
    read (exit 2, "Permission denied") may hold a never rule, -D or -e 0 unseen: failed
    (_grep_unanswered, R23Y-1)."""
    if g.state == "ok" and (why := _grep_unanswered(g)):
        return Fact.failed(f"the audit rules files were not all read ({why})", g.source)
    if _audit_rules_none(g):
        return Fact.of((), Source(g.source.artefact, AUDIT_RULES_NONE))
    if g.state != "ok" or (g.rc == 2 and not g.text):
        return Fact.unavailable(
            f"the audit rules files were not read ({g.reason or g.state})", g.source
        )
    by_file = _by_file(g.text)
    rules_d = _augenrules_order(p for p in by_file if _augenrules_reads(p))
    others = [p for p in by_file if not p.startswith("/etc/audit/rules.d/")]
    rules = [
        rule
        for path in [*others, *rules_d]
        for ln in by_file[path]
        if (rule := _auditctl_words(ln)).startswith("-")
    ]
    return Fact.of(tuple(rules), g.source)


def _augenrules_reads(path: str) -> bool:
    """Whether augenrules reads `path` (audit-userspace init.d/augenrules: `for rules in
    $(/bin/ls -1v ${SourceRulesDir} | grep "\\.rules$")`): a name directly in
    /etc/audit/rules.d (ls lists no subdirectory's files, `grep -r` does), not beginning with
    '.' (ls without -a omits it), ending in .rules (R14H-10)."""
    where, _, name = path.rpartition("/")
    return where == "/etc/audit/rules.d" and name.endswith(".rules") and not name.startswith(".")


def _verrevcmp(a: str, b: str) -> int:
    """gnulib filevercmp.c verrevcmp (coreutils `ls -v`, read with `find_string`): non-digit runs
    compared character by character with order() (end of string -1, a digit 0, a letter its
    code, '~' -2, anything else its code + 256), digit runs as numbers (leading zeros dropped)."""

    def order(s: str, i: int) -> int:
        if i >= len(s):
            return -1
        c = s[i]
        if "0" <= c <= "9":
            return 0
        if c.isascii() and c.isalpha():
            return ord(c)
        return -2 if c == "~" else ord(c) + 256

    i = j = 0
    while i < len(a) or j < len(b):
        while (i < len(a) and not "0" <= a[i] <= "9") or (j < len(b) and not "0" <= b[j] <= "9"):
            ac, bc = order(a, i), order(b, j)
            if ac != bc:
                return ac - bc
            i, j = i + 1, j + 1
        while i < len(a) and a[i] == "0":
            i += 1
        while j < len(b) and b[j] == "0":
            j += 1
        first = 0
        while i < len(a) and j < len(b) and "0" <= a[i] <= "9" and "0" <= b[j] <= "9":
            first = first or ord(a[i]) - ord(b[j])
            i, j = i + 1, j + 1
        if i < len(a) and "0" <= a[i] <= "9":
            return 1
        if j < len(b) and "0" <= b[j] <= "9":
            return -1
        if first:
            return first
    return 0


_FILE_SUFFIX = re.compile(r"(?:\.[A-Za-z~][A-Za-z0-9~]*)*$")


def _ls_v_order(a: str, b: str) -> int:
    r"""`ls -1v`'s order of two file names (gnulib filenvercmp: the names compared without their
    suffix `(\.[A-Za-z~][A-Za-z0-9~]*)*` first, then whole; hidden names never reach here)."""
    pa, pb = _FILE_SUFFIX.sub("", a), _FILE_SUFFIX.sub("", b)
    return _verrevcmp(pa, pb) or _verrevcmp(a, b) or (a > b) - (a < b)


def _augenrules_order(paths: Iterable[str]) -> list[str]:
    """The rules.d files in the order augenrules cats them into audit.rules (`ls -1v`), not
    grep -r's directory order: the exit list stops at the first matching rule, so a `never`
    rule in 10-quiet.rules suppresses 50-libvirt.rules' watch at boot whatever order grep
    listed them in (R15H-4)."""

    def by_name(x: str, y: str) -> int:
        return _ls_v_order(x.rpartition("/")[2], y.rpartition("/")[2])

    return sorted(paths, key=cmp_to_key(by_name))


def _audit_rules_d(g: Got) -> Fact[dict[str, tuple[str, ...]]]:
    """Each /etc/audit/rules.d/*.rules file listed and its rule lines (R14H-4): augenrules(8)
    (audit-userspace init.d/augenrules, read with `read_file`) cats every `ls -1v` name ending
    in .rules into a new file and, unless it is identical, copies it over
    /etc/audit/audit.rules before loading it; audit-rules.service runs `augenrules --load` at
    boot (older auditd.service units as ExecStartPost). An unread file: failed (R23Y-1)."""
    if g.state == "ok" and (why := _grep_unanswered(g)):
        return Fact.failed(f"the audit rules files were not all read ({why})", g.source)
    if _audit_rules_none(g):
        return Fact.of({}, Source(g.source.artefact, AUDIT_RULES_NONE))
    if g.state != "ok" or (g.rc == 2 and not g.text):
        return Fact.unavailable(
            f"the audit rules files were not read ({g.reason or g.state})", g.source
        )
    files: dict[str, list[str]] = {}
    by_file = _by_file(g.text)
    for path in _augenrules_order(p for p in by_file if _augenrules_reads(p)):
        files[path] = [r for ln in by_file[path] if (r := _auditctl_words(ln)).startswith("-")]
    return Fact.of({k: tuple(v) for k, v in files.items()}, g.source)


#: One line of `grep -r -H` over /var/log/libvirt/qemu: the directory (no colon in it), the
#: VM's name (no slash, colons allowed) up to the first ".log:", then the matching line.
_LOG_LINE = re.compile(r"(?:[^:]*/)?([^/]*?)\.log:(.*)")


def _taints(g: Got) -> Fact[dict[str, tuple[str, ...]]]:
    """Taint flags of each VM's last start: lines after its log's last "starting up" line."""
    if g.state == "absent":
        return Fact.unavailable("grep could not read /var/log/libvirt/qemu", g.source)
    if g.rc not in (0, 1):
        return Fact.failed(f"reading /var/log/libvirt/qemu exited {g.rc}", g.source)
    out: dict[str, list[str]] = {}
    for line in g.text.splitlines():
        # grep -H prints FILE:LINE, and the file is "%s/%s.log" of logDir and the domain's
        # name (qemu_domain.c qemuDomainLogContextNew), which may hold a colon (the drivers
        # refuse only '\n' and '/' in a name): the file ends at the first ".log:" (R8-2)
        m = _LOG_LINE.match(line)
        if m is None:
            continue
        name, text = m.groups()
        if "starting up" in text:
            out[name] = []
        else:
            m = re.search(r"is tainted: ([\w-]+)", text)
            if m:
                flags = out.setdefault(name, [])
                if m.group(1) not in flags:
                    flags.append(m.group(1))
    return Fact.of({k: tuple(v) for k, v in out.items()}, g.source)


#: auditd's long options that take a value and those that take none, as the short letter each
#: stands for (audit-userspace src/auditd.c: short options "flns:c:", long foreground,
#: allow_links, disable_fork, enable_state=, config_file=).
_AUDITD_LONG_OPTS = {"--enable_state": "s", "--config_file": "c"}
_AUDITD_LONG_FLAGS = {"--foreground": "f", "--allow_links": "l", "--disable_fork": "n"}


def _auditd_options(words: list[str]) -> tuple[bool, str | None]:
    """auditd's `-f` (foreground) and `-c DIR` (config directory), the last -c winning, as its
    getopt_long reads its command line (words[0] its name)."""
    options, _ = _getopt(words, frozenset("sc"), _AUDITD_LONG_OPTS, _AUDITD_LONG_FLAGS)
    dirs = [value for letter, value in options if letter == "c"]
    return any(letter == "f" for letter, _ in options), dirs[-1] if dirs else None


#: auditd's `-s` / `--enable_state` states in the order it matches them (audit-userspace
#: src/auditd.c: `startup_states[] = {"disable", "enable", "nochange"}`, the first with
#: `strncmp(optarg, startup_states[i], strlen(optarg)) == 0`, so a prefix such as `-s d` is
#: "disable"; unset is startup_enable). At start auditd calls audit_set_enabled(fd,
#: opt_startup) unless the mode is nochange or the kernel is locked (enabled 2).
AUDITD_STARTUP_STATES = ("disable", "enable", "nochange")


def _auditd_startup(processes: Fact[str]) -> Fact[str]:
    """The enabled state the running auditd set at its start: "disable", "enable" (its
    default) or "nochange" (AUDITD_STARTUP_STATES); the last -s of any auditd that says
    disable wins over the others (R29L-9)."""
    if not processes.known:
        return processes
    states = []
    for exe, words in _commands(processes.get()):
        if exe != "auditd":
            continue
        options, _ = _getopt(words, frozenset("sc"), _AUDITD_LONG_OPTS, _AUDITD_LONG_FLAGS)
        given = [value for letter, value in options if letter == "s"]
        value = given[-1] if given else "enable"
        states.append(next((st for st in AUDITD_STARTUP_STATES if st.startswith(value)), "?"))
    state = "disable" if "disable" in states else (states[0] if states else "")
    return Fact.of(state, *processes.sources)


def _audit_sink(ev: HostEvidence) -> Fact[tuple[bool, tuple[str, ...]]]:
    """Whether auditd keeps what it receives. auditd.conf(5) (found with `search`): "write_logs:
    This yes/no keyword determines whether or not to write logs to the disk. Normally you want
    this so the default is yes"; "All option names and values are case insensitive" (the first
    `=` splits a line, `#` starts a comment line). With write_logs = no the records reach only
    the dispatcher's plugins whose file says `active = yes` (auditd-plugins(5))."""
    conf = ev.get(_file("/etc/audit/auditd.conf"))
    plugins = ev.get(_cmd("audit-plugins"))
    procs = ev.get(_cmd("processes"))
    for exe, words in _commands(procs.text) if procs.state == "ok" and procs.rc == 0 else ():
        if exe != "auditd":
            continue
        foreground, config_dir = _auditd_options(words)
        if foreground:
            # audit-userspace src/auditd.c: `-f` sets D_FOREGROUND and `config.write_logs = 0`;
            # src/auditd-event.c init_event opens no log then: `log_fd = 1 // stdout` (auditd(8)
            # -f: "Messages also go to stderr rather than the audit log") (R26L-4)
            return Fact.unavailable(
                "auditd runs in the foreground (`auditd -f`): it writes its records to its "
                "standard output, not to /var/log/audit/audit.log",
                procs.source,
            )
        if config_dir is not None and config_dir.rstrip("/") != "/etc/audit":
            # src/auditd-config.c set_config_dir: `-c DIR` reads DIR/auditd.conf instead
            return Fact.unavailable(
                f"auditd reads {config_dir[:80]}/auditd.conf (`auditd -c`), which was not "
                "collected",
                procs.source,
            )
    if conf.state == "uncollected":
        return Fact.unavailable("/etc/audit/auditd.conf was not collected", conf.source)
    if conf.state == "failed":
        return Fact.failed(f"/etc/audit/auditd.conf: {conf.reason}", conf.source)
    write, setting = True, ""
    for line in conf.text.splitlines():
        key, sep, value = line.partition("=")
        name, val = key.strip().lower(), value.strip().lower()
        if sep and not name.startswith("#") and name == "write_logs":
            write, setting = val != "no", "write_logs = no"
        elif sep and not name.startswith("#") and name == "log_format" and val == "nolog":
            # audit-userspace src/auditd-config.c log_format_parser (read with `read_file`):
            # "The NOLOG option is overriding the write_logs current setting",
            # `config->write_logs = 0`; a later write_logs line sets it again (R24L-8)
            write, setting = False, "log_format = NOLOG"
    local = all(
        not (sep and k.strip().lower() == "local_events" and v.strip().lower() == "no")
        for k, sep, v in (line.partition("=") for line in conf.text.splitlines())
    )
    if not local:
        # auditd.conf(5) local_events: "whether or not to include local events ... set this to
        # no is when you want to aggregate events only from the network" (R24L-9): neither its
        # log nor a plugin gets this host's records
        return Fact.of((False, ()), Source(conf.source.artefact, "local_events = no"))
    if write:
        return Fact.of((True, ()), conf.source)
    if plugins.state in ("uncollected", "failed"):
        return Fact.unavailable(
            "auditd writes no log (write_logs = no) and its plugins were not read",
            conf.source,
            plugins.source,
        )
    active: list[str] = []
    for line in plugins.text.splitlines() if plugins.state == "ok" else ():
        path, sep, rest = line.partition(":")
        key, eq, value = rest.partition("=")
        if sep and eq and key.strip().lower() == "active" and value.strip().lower() == "yes":
            active.append(path.rsplit("/", 1)[-1].removesuffix(".conf"))
    return Fact.of(
        (False, tuple(dict.fromkeys(active))),
        Source(conf.source.artefact, setting),
        plugins.source,
    )


def _links_down(links: Fact[list[dict[str, Any]]]) -> Fact[tuple[str, ...]]:
    """The interfaces that cannot carry traffic now: the kernel's operstate DOWN ("Interface is
    unable to transfer data on L1, f.e. ethernet is not plugged or interface is ADMIN down") or
    LOWERLAYERDOWN (Documentation/networking/operstates.rst), or no UP flag (`ip link set DEV
    down`). iproute2 prints "operstate" and "flags" in `ip -j link`; a listing without
    operstate says nothing."""
    if not links.known:
        return links  # type: ignore[return-value]
    down = []
    for d in links.get():
        state = d.get("operstate")
        if state is None:
            continue
        if state in ("DOWN", "LOWERLAYERDOWN") or "UP" not in (d.get("flags") or ["UP"]):
            down.append(str(d.get("ifname")))
    return Fact.of(tuple(down), *links.sources)


def _unmonitored_bonds(links: Fact[list[dict[str, Any]]]) -> Fact[tuple[str, ...]]:
    """The Linux bonds `ip -j -d link` shows with miimon 0 and arp_interval 0 (iproute2
    ip/iplink_bond.c prints IFLA_BOND_MIIMON and IFLA_BOND_ARP_INTERVAL as "miimon" and
    "arp_interval"). The kernel's bonding.rst: "It is critical that either the miimon or
    arp_interval and arp_ip_target parameters be specified, otherwise serious network degradation
    will occur during link failures"; miimon "A value of zero disables MII link monitoring", and
    a bond created over netlink (`ip link add ... type bond`, ifupdown, systemd-networkd) starts
    with miimon 0 unless it is set. A bond whose listing shows neither value is not judged."""
    if not links.known:
        return links  # type: ignore[return-value]
    out = []
    for d in links.get():
        info = d.get("linkinfo") or {}
        data = info.get("info_data") or {}
        if info.get("info_kind") != "bond" or "miimon" not in data:
            continue
        if not data.get("miimon") and not data.get("arp_interval"):
            out.append(str(d.get("ifname")))
    return Fact.of(tuple(out), *links.sources)


def _vlan_filtering(
    links: Fact[list[dict[str, Any]]], *, qinq: bool = False
) -> Fact[dict[str, bool]]:
    """Bridge -> it filters 802.1Q tags (with `qinq`: -> it filters 802.1ad tags instead).

    A VLAN-filtering bridge filters the tags of its vlan_protocol only (`ip -d link`:
    "vlan_protocol" 802.1Q, the default, or 802.1ad; iproute2 ip/iplink_bridge.c). Linux
    net/bridge/br_vlan.c __allowed_ingress: a frame tagged with the other protocol
    ("Protocol-mismatch") has its tag pushed back into the payload and is taken as untagged, so
    it is forwarded in the port's PVID with the guest's 802.1Q tag intact: an 802.1ad bridge does
    not stop a VM's 802.1Q tags reaching a trunk."""
    if not links.known:
        return links  # type: ignore[return-value]
    out = {}
    for d in links.get():
        info = d.get("linkinfo") or {}
        if info.get("info_kind") == "bridge":
            data = info.get("info_data") or {}
            ad = str(data.get("vlan_protocol") or "802.1Q").lower() == "802.1ad"
            out[str(d.get("ifname"))] = bool(data.get("vlan_filtering")) and ad == qinq
    return Fact.of(out, *links.sources)


def _bridge_port_vlans(g: Got) -> Fact[dict[str, tuple[int, ...]]]:
    """`bridge -j vlan show`: port -> its VLAN ids. iproute2 bridge/vlan.c (open_vlan_port,
    print_range) prints one object per port, {"ifname": ..., "vlans": [{"vlan": N, "vlanEnd": M,
    "flags": [...]}]}, "vlanEnd" only for a range. An entry that is not of that shape (iproute2
    before 4.20 keyed the lists by port name) leaves the fact unread rather than empty."""
    rows = _json_list(g)
    if not rows.known:
        return rows  # type: ignore[return-value]
    out: dict[str, tuple[int, ...]] = {}
    for d in rows.get():
        name, vlans = d.get("ifname"), d.get("vlans", [])
        if not isinstance(name, str) or not isinstance(vlans, list):
            return Fact.failed("unexpected `bridge -j vlan show` output", g.source)
        ids: list[int] = []
        for v in vlans:
            start = v.get("vlan") if isinstance(v, dict) else None
            end = v.get("vlanEnd", start) if isinstance(v, dict) else None
            if not isinstance(start, int) or not isinstance(end, int):
                return Fact.failed("unexpected `bridge -j vlan show` output", g.source)
            ids.extend(range(start, min(end, 4094) + 1))
        out[name] = tuple(ids)
    if g.text.strip() and g.text.strip() != "[]" and not out:
        return Fact.failed("unexpected `bridge -j vlan show` output", g.source)
    return Fact.of(out, *rows.sources)


def _route_localnet(g: Got) -> Fact[tuple[str, ...]]:
    """`grep -r --include=route_localnet . /proc/sys/net/ipv4/conf`: "PATH:VALUE" per interface.
    The kernel routes 127/8 from an interface when its own or the `all` value is set
    (IN_DEV_ORCONF(in_dev, ROUTE_LOCALNET), ip_route_input_slow: a loopback destination is a
    martian unless it is); `default` is only the template of interfaces created later, `lo`
    is the loopback itself."""
    if g.state != "ok" or g.rc not in (0, 1):
        why = f"exited {g.rc}" if g.state == "ok" else (g.reason or g.state)
        return Fact.unavailable(f"net.ipv4.conf.*.route_localnet was not read ({why})", g.source)
    on = []
    for line in g.text.splitlines():
        path, _, value = line.rpartition(":")
        iface = path.rsplit("/", 2)[-2] if path.count("/") >= 2 else ""
        if value.strip() not in ("", "0") and iface not in ("", "lo", "default"):
            on.append(iface)
    return Fact.of(tuple(dict.fromkeys(on)), g.source)


def sysctl_int(value: str) -> int | None:
    """A sysctl value (sysctl.d's, or a `sysctl.` word of the command line, which
    process_sysctl_arg writes through the same handler) read as the kernel's proc_dointvec
    family reads one integer, else None: Linux kernel/sysctl.c proc_get_long takes an optional
    '-', then wants a digit (`if (!isdigit(*p)) return -EINVAL`: a '+' is refused, the write
    fails) and reads it in base 0 (`strtoul_lenient(p, &p, 0, val)`: "0x1" is 1, "01" octal 1),
    read with `find_string` (R23R-3; one reader for every check since R23D-1)."""
    return _base0_int(value.strip(), "-?")


def param_int(value: str) -> int | None:
    """An int module parameter's value (modprobe.d `options`, a `module.param=` word) read as
    kernel/params.c param_set_int reads it, kstrtoint(val, 0, ...), else None: lib/kstrtox.c
    kstrtoull `if (s[0] == '+') s++;` (kstrtoll takes a '-'), then base 0 as proc_get_long
    ("0x1" is 1), read with `find_string` (R23D-2)."""
    return _base0_int(value, "[-+]?")


def _base0_int(text: str, sign: str) -> int | None:
    """`text` as an optional `sign` and a base-0 number (lib/kstrtox.c
    _parse_integer_fixup_radix: "0x" hex, a leading "0" octal, else decimal), else None."""
    m = re.fullmatch(f"({sign})" + r"(0[xX][0-9a-fA-F]{1,16}|0[0-7]{0,21}|[1-9][0-9]{0,18})", text)
    if m is None:
        return None
    digits = m.group(2)
    base = 16 if digits[:2] in ("0x", "0X") else 8 if digits[:1] == "0" else 10
    n = int(digits[2:] if base == 16 else digits, base)
    return -n if m.group(1) == "-" else n


def _route_localnet_next_boot(
    live: Fact[tuple[str, ...]], got: Got, sysctl: Fact[SysctlD]
) -> Fact[tuple[str, ...]]:
    """route_localnet now (`live`) and from the next boot (R21S-2): systemd-sysctl writes
    sysctl.d's net.ipv4.conf.IFACE.route_localnet at boot, a glob key to every interface, and
    udev again for each interface that appears later (systemd's 99-systemd.rules runs
    `systemd-sysctl --prefix=/net/ipv4/conf/$name`); `default` set there is the value every
    interface created after it starts with (ip-sysctl.rst). A persisted 1 is one more entry
    naming its file; sysctl.d unread (or a value not read as a number, or one only an
    unlinked /etc/sysctl.conf sets) leaves the next boot unknown: the probe's question, unless
    the live value already routes 127/8. A bundle older than the sysctl-d probe keeps the live
    value alone."""
    if not live.known or (not sysctl.known and not sysctl.sources):
        return live
    if not sysctl.known:
        if live.get():
            return live
        return Fact.unavailable(
            f"route_localnet 0 now, but {sysctl.reason}", *live.sources, *sysctl.sources
        )
    cfg = sysctl.get()
    ifaces = ["all", "default"]
    if got.state == "ok":
        for line in got.text.splitlines():
            path = line.rpartition(":")[0]
            if path.count("/") >= 2:
                ifaces.append(path.rsplit("/", 2)[-2])
    ifaces += cfg.keys_under("net/ipv4/conf", "route_localnet")
    persisted: dict[tuple[str, str], list[str]] = {}
    doubt: list[str] = []
    for iface in dict.fromkeys(ifaces):
        if iface == "lo":
            continue
        key = f"net/ipv4/conf/{iface}/route_localnet"
        s = cfg.next_boot(key)
        if s is not None and s.value is not None:
            n = sysctl_int(s.value)
            if n is None:
                doubt.append(f"{s.line} ({s.path}) is not a number the kernel reads")
            elif n:
                persisted.setdefault((s.path, s.line), []).append(iface)
                continue
        c = cfg.conf_only(key)
        if c is not None and c.value is not None and sysctl_int(c.value) != 0:
            doubt.append(
                f"{c.line} ({c.path}, which no sysctl.d file includes: procps `sysctl --system` "
                "applies it, systemd-sysctl does not)"
            )
    routed = list(live.get())
    routed += [
        f"{', '.join(names)} from the next boot ({line}, {path})"
        for (path, line), names in persisted.items()
    ]
    if not routed and doubt:
        return Fact.unavailable(
            f"route_localnet 0 now; at the next boot not known: {doubt[0]}",
            *live.sources,
            *sysctl.sources,
        )
    return Fact.of(tuple(routed), *live.sources, *(sysctl.sources if persisted else ()))


_PCI_ADDRESS = re.compile(r"^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$")


def _net_device_paths(g: Got) -> Fact[dict[str, tuple[str, ...]]]:
    """`ls -l /sys/class/net`: every entry is a symlink into /sys/devices (sysfs-class-net),
    "eno1 -> ../../devices/pci0000:00/0000:00:1c.0/0000:03:00.0/net/eno1"; the PCI addresses
    on the way are the bridges (root port, switch ports) above the device and the device."""
    if g.state != "ok" or g.rc != 0:
        why = f"exited {g.rc}" if g.state == "ok" else (g.reason or g.state)
        return Fact.unavailable(f"`ls -l /sys/class/net` {why}", g.source)
    out: dict[str, tuple[str, ...]] = {}
    for line in g.text.splitlines():
        name, arrow, target = line.partition(" -> ")
        if not arrow:
            continue
        iface = name.split()[-1] if name.split() else ""
        out[iface] = tuple(p for p in target.strip().split("/") if _PCI_ADDRESS.match(p))
    return Fact.of(out, g.source)


def _pci_slots(g: Got) -> Fact[dict[str, str]]:
    """`grep -r --include=address . /sys/bus/pci/slots`: "/sys/bus/pci/slots/2-1/address:
    0000:17:00" per slot (Linux drivers/pci/slot.c address_read_file prints
    domain:bus:slot, or domain:bus for a slot without a number); exit 1 is no slot at all."""
    if g.state != "ok" or g.rc not in (0, 1):
        why = f"exited {g.rc}" if g.state == "ok" else (g.reason or g.state)
        return Fact.unavailable(f"/sys/bus/pci/slots was not read ({why})", g.source)
    out: dict[str, str] = {}
    for line in g.text.splitlines():
        path, sep, value = line.partition("/address:")
        if sep and "/" in path:
            out[path.rsplit("/", 1)[-1]] = value.strip().lower()
    return Fact.of(out, g.source)


def _link_info(links: Fact[list[dict[str, Any]]]) -> Fact[dict[str, tuple[str, str, str]]]:
    if not links.known:
        return links  # type: ignore[return-value]
    return Fact.of(
        {
            str(d.get("ifname")): (
                str((d.get("linkinfo") or {}).get("info_kind") or ""),
                str(d.get("parentdev") or ""),
                str(d.get("link") or ""),
            )
            for d in links.get()
        },
        *links.sources,
    )


#: dpkg states whose files are (at least partly) unpacked on disk: installed, unpacked,
#: half-configured, half-installed, triggers-awaited, triggers-pending (dpkg-query(1)); not
#: config-files (c) or not-installed (n). rpm -qa lists installed packages only ("ii").
_PACKAGE_ON_DISK = frozenset("iUFHWt")


def _packages(ev: HostEvidence) -> Fact[dict[str, str]]:
    """The installed packages, from dpkg, else rpm. A dpkg that knows no installed package (the
    `dpkg` package of an RPM distribution, its database empty: dpkg-query -W prints nothing and
    exits 0) does not manage this host's software: rpm's list is read instead, and an empty
    list is the answer only when neither lists a package."""
    empty: Fact[dict[str, str]] | None = None
    for name in ("dpkg-packages", "rpm-packages"):
        got = ev.get(_cmd(name))
        if got.state == "ok" and got.rc == 0:
            out: dict[str, str] = {}
            for line in got.text.splitlines():
                parts = line.split("\t")
                # ${db:Status-Abbrev} (dpkg-query(1), the `dpkg -l` columns): desired action
                # first, then the state; a package whose files are on disk is installed
                # whatever is wanted of it (hi: on hold, ri: to be removed)
                if len(parts) >= 3 and parts[2][1:2] in _PACKAGE_ON_DISK:
                    out[parts[0]] = parts[1]
            if out:
                return Fact.of(out, got.source)
            empty = empty or Fact.of(out, got.source)
    return empty or Fact.unavailable("neither dpkg nor rpm answered")


def _updates(ev: HostEvidence) -> Fact[tuple[str, ...]]:
    apt = ev.get(_cmd("apt-upgrade-simulation"))
    if apt.state == "ok":
        if apt.rc != 0:
            return Fact.failed(
                f"apt-get -s upgrade exited {apt.rc}: {apt.reason[:200]}", apt.source
            )
        names = [
            line.split()[1]
            for line in apt.text.splitlines()
            if line.startswith("Inst ") and re.search(r"security", line, re.I)
        ]
        blind = "" if names else _apt_without_security_archive(ev)
        if blind:
            return Fact.unavailable(blind, apt.source, Source(_cmd("apt-policy")))
        if names:
            return Fact.of(tuple(names), apt.source)
        stale, lists = _apt_lists_age(ev)
        if stale:
            return Fact.unavailable(stale, apt.source, lists)
        return Fact.of((), apt.source, lists)
    dnf = ev.get(_cmd("dnf-security-updates"))
    if dnf.state == "ok" and dnf.rc == 0:
        names = [
            ln.split()[-1]
            for ln in dnf.text.splitlines()
            if ln.strip() and not ln.startswith("Last")
        ]
        blind = "" if names else _dnf_without_advisories(ev)
        if blind:
            return Fact.unavailable(blind, dnf.source)
        return Fact.of(tuple(names), dnf.source)
    if apt.state == "failed":
        return Fact.failed(apt.reason, apt.source)
    return Fact.unavailable("no supported package manager (apt, dnf) to ask for security updates")


DNF_BLIND = "`dnf updateinfo list --security` lists nothing, but "
"""How the reason of a dnf security listing that cannot see security updates begins."""
APT_BLIND = "`apt-get -s dist-upgrade` names no security update, but "
"""How the reason of an apt simulation that cannot see security updates begins."""


def _apt_without_security_archive(ev: HostEvidence) -> str:
    """Why an apt simulation without a security line proves nothing, or "". A pending update
    counts as a security one by its archive (`Debian-Security:12/stable-security`,
    `Ubuntu:22.04/jammy-security`), and Debian publishes its security updates in the security
    archive (wiki.debian.org LTS/Using: "To receive security updates ... deb
    https://deb.debian.org/debian-security bookworm-security main"; stable itself changes only
    at point releases). `apt-cache policy` lists every source with its release line (v=, o=,
    a=, n=, l=): none whose archive, codename or label names security means no security update
    can show (R10H-6). Each source line carries its priority, pins included (`Package: *`
    entries of /etc/apt/preferences apply to the file); where every security archive is below
    100, the installed version's, apt never picks its versions (apt_preferences(5)), so the
    simulation cannot name them either (R14H-6). Not collected (an older bundle): ""
    (unchanged). A policy not read (apt-cache(8) DIAGNOSTICS: "apt-cache returns zero on
    normal operation, decimal 100 on error"; or apt-cache not found) leaves whether any source
    is a security archive unknown: the reason (R47S-2)."""
    got = ev.result(_cmd("apt-policy"))
    if got.state == "uncollected":
        return ""
    if got.state != "ok":
        return (
            APT_BLIND + "whether any package source is a security archive is unknown "
            f"(`apt-cache policy`: {got.reason.strip()[:120] or got.state})"
        )
    security: list[tuple[int, str]] = []  # (priority, source line) of each security archive
    source: tuple[int, str] | None = None
    pins: list[tuple[int, str]] = []  # (priority, "package -> version") of each package pin
    in_pins = False
    for line in got.text.splitlines():
        if line.startswith("Pinned packages:"):
            in_pins = True
            continue
        if in_pins:
            pin = re.match(r"^\s+(\S+ -> \S+) with priority (-?[0-9]+)\s*$", line)
            if pin:
                pins.append((int(pin.group(2)), pin.group(1)))
            continue
        # apt prints the priority with %d, ASCII digits only (HL14-4's class, HL16-5)
        m = re.match(r"^\s*(-?[0-9]+)\s+(\S.*)$", line)
        if m:
            source = (int(m.group(1)), m.group(2).strip())
            continue
        if not line.strip().startswith("release ") or source is None:
            continue
        fields = [
            value.lower()
            for item in line.strip()[len("release ") :].split(",")
            for key, _, value in [item.partition("=")]
            if key.strip() in ("a", "n", "l")
        ]
        if any("security" in v for v in fields):
            security.append(source)
    if not security:
        return (
            APT_BLIND + "no package source is a security archive (`apt-cache policy`: no "
            "release with 'security' in its archive, codename or label): the host does not see "
            "security updates"
        )
    if all(prio < 100 for prio, _ in security):
        # apt_preferences(5), "How APT Interprets Priorities": "0 < P < 100 causes a version to
        # be installed only if there is no installed version of the package", "P < 0 prevents
        # the version from being installed"; the installed version has 100 (/var/lib/dpkg/status
        # in `apt-cache policy`), so no version of the archive is ever a candidate (R14H-6)
        pinned = "; ".join(f"{prio} {where}" for prio, where in security[:3])
        return (
            APT_BLIND + f"every security archive is pinned below 100 (`apt-cache policy`: "
            f"{pinned}): apt_preferences(5) lets none of its versions replace an installed one, "
            "so its updates never show as pending"
        )
    top = max(prio for prio, _ in security)
    if hiding := [
        f"{what} with priority {prio}" for prio, what in pins if prio > top or prio < 100
    ]:
        # apt-cache.cc Policy prints under "Pinned packages:" every version a package-specific
        # pin gives a priority; the candidate is the version of highest priority
        # (apt_preferences(5) "How APT Interprets Priorities"), so a version pinned above the
        # security archive (a pin to the installed version works as a hold, which apt-get -s
        # dist-upgrade does not list as kept back: the candidate is installed) or a version
        # pinned below 100 (the security update itself, P < 0 "prevents the version from being
        # installed") keeps the package's security updates from showing as pending (R15H-6)
        return (
            APT_BLIND + f"apt_preferences(5) pins {len(hiding)} package version(s) outside "
            f"100..{top}, the security archive's priority (`apt-cache policy`, Pinned packages: "
            f"{'; '.join(hiding[:3])}): a pinned package's security updates may never show as pending"
        )
    return ""


APT_LISTS_MAX_AGE_DAYS = 7
"""Debian's security archive signs its Release with a Valid-Until 7 days after its Date (the
bookworm-security InRelease read 2026-12-02: Date Mon, 30 Nov 2026 00:22:33 UTC, Valid-Until
Mon, 07 Dec 2026 00:22:33 UTC): the archive's own word for how long its index is current."""
APT_STALE = (
    "`apt-get -s dist-upgrade` names no security update in the package lists on the host, but "
)
"""How the reason of an apt simulation over lists of unknown or excessive age begins."""


def _apt_lists_age(ev: HostEvidence) -> tuple[str, Source]:
    """Why the package lists an empty simulation read may miss a security update, or "", and
    the source that tells their age. `apt-get -s` fetches nothing: it reads the lists the last
    `apt-get update` stored, so an update published since is not pending to it (HL10-1). The
    age is the Date of the newest stored Release of a security archive (its Suite, Codename or
    Label names security; of any archive where none does): the archive signed it then, so the
    lists were fetched no earlier. Older than APT_LISTS_MAX_AGE_DAYS before the collection, or
    past its own Valid-Until, the lists are stale. Not collected (an older bundle) or unreadable:
    the age is unknown, which is no pass either."""
    got = ev.get(_cmd("apt-lists-release"))
    src = Source(_cmd("apt-lists-release"))
    if got.state != "ok" or got.rc not in (0, 1):
        why = "not collected" if got.state == "uncollected" else (got.reason or f"rc {got.rc}")
        return (
            APT_STALE + f"the age of the package lists is unknown (/var/lib/apt/lists: "
            f"{why[:120]})",
            src,
        )
    files: dict[str, dict[str, str]] = {}
    for line in got.text.splitlines():
        path, sep, rest = line.partition(":")
        key, sep2, value = rest.partition(":")
        if sep and sep2 and key in ("Date", "Valid-Until", "Suite", "Codename", "Label"):
            files.setdefault(path, {}).setdefault(key, value.strip())
    entry = ev.bundle.entry(_cmd("apt-lists-release"))
    try:
        at = datetime.fromisoformat((entry.collected_at if entry else "").replace("Z", "+00:00"))
    except ValueError:
        at = None

    def when(text: str) -> datetime | None:
        try:
            d = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        return d if d.tzinfo is not None else d.replace(tzinfo=UTC)

    security = [
        f
        for f in files.values()
        if any("security" in f.get(k, "").lower() for k in ("Suite", "Codename", "Label"))
    ]
    dated = [(d, f) for f in (security or list(files.values())) if (d := when(f.get("Date", "")))]
    if not dated or at is None:
        return (
            APT_STALE + "the age of the package lists is unknown (no dated Release in "
            "/var/lib/apt/lists)",
            src,
        )
    newest, release = max(dated, key=lambda x: x[0])
    days = (at - newest).days
    kind = "security archive" if security else "archive"
    said = f"the newest Release of its {kind} in the lists is dated {newest:%Y-%m-%d}"
    until = when(release.get("Valid-Until", ""))
    if days > APT_LISTS_MAX_AGE_DAYS or (until is not None and until < at):
        return (
            APT_STALE + f"{said}, {days} day(s) before the collection: `apt-get update` has "
            "not fetched them since",
            Source(src.artefact, said),
        )
    return "", Source(src.artefact, f"{said} ({days} day(s) before the collection)")


def _dnf_without_advisories(ev: HostEvidence) -> str:
    """Why an empty `dnf updateinfo list --security --available` proves nothing, or "". dnf
    knows a security update only from the repositories' advisories (updateinfo; dnf5-advisory(8)
    --security: "Consider only content contained in security advisories"); `updateinfo list
    --all` lists every advisory of any version of an installed package, so empty there means
    the repositories publish none. CentOS Stream's do not ("The repository lacks updateinfo to
    provide errata", mdleom.com 2024-07-15: openssh-8.7p1-42.el9 pending and unseen), which
    decides where that listing was not collected (R10H-5). The listing is an answer only where
    dnf exited 0: dnf's cli/main.py returns 1 for an error (ex_Error, ex_IOError: a repository
    whose metadata failed to load, a configuration it could not read) and 200 for a lock it
    could not take, and `updateinfo list` sets no other success status (read with
    `read_file`); a run that failed or a dnf not found leaves the repositories' advisories
    unknown, whatever the distribution (R48S-2)."""
    adv = ev.result(_cmd("dnf-advisories"))
    if adv.state == "ok":
        listed = [ln for ln in adv.text.splitlines() if ln.strip() and not ln.startswith("Last")]
        if listed:
            return ""
        return (
            DNF_BLIND + "the repositories publish no advisories (`dnf updateinfo list --all` is "
            "empty): dnf cannot tell a security update"
        )
    release = ev.get(_file("/etc/os-release"))
    ids = {
        v.strip().strip('"')
        for line in release.text.splitlines()
        for k, _, v in [line.partition("=")]
        if k.strip() == "ID"
    }
    if "centos" in ids:
        return (
            DNF_BLIND + "CentOS publishes no advisories in its repositories: dnf cannot tell a "
            "security update"
        )
    if adv.state != "uncollected":
        return (
            DNF_BLIND + "whether the repositories publish advisories, without which dnf cannot "
            f"tell a security update, is unknown (`dnf updateinfo list --all`: "
            f"{(adv.reason.strip() or adv.state)[:160]})"
        )
    return ""


#: isspace() in the C locale: the blanks glibc skips before an entry and strtoul before a number
_C_BLANKS = " \t\n\v\f\r"


def _nss_id(field: str) -> int | None:
    """A uid or gid field as glibc's nss_files reads it (files-parse.c INT_FIELD: strtou32, i.e.
    strtoul in base 10 with leading blanks and a sign allowed, ASCII digits only, then clamped to
    0xffffffff, and the whole field used up); None where glibc rejects the entry (Python's int()
    would also take '0_0' or Unicode digits)."""
    m = re.fullmatch(r"[ \t\n\v\f\r]*([-+]?)([0-9]+)", field)
    if m is None:
        return None
    value = int(m.group(2))
    if value >= 2**64:
        return 0xFFFFFFFF  # strtoul: ULONG_MAX (ERANGE) whatever the sign
    if m.group(1) == "-":
        value = -value % 2**64
    return min(value, 0xFFFFFFFF)


def _nss_entries(text: str, fields: int) -> Iterator[tuple[str, int, int | None, list[str]]]:
    """The entries glibc's nss_files reads from /etc/passwd (fields 7) or /etc/group (fields 4):
    (name, id, passwd's gid or None, every field). files-XXX.c internal_getent skips the blanks
    before an entry and ignores empty and `#` lines; files-parse.c STRING_FIELD stops at the end
    of the line, so missing trailing fields are empty (`toor:x:0:0` is uid 0 with an empty home
    and shell), and the last field is the rest of the line; an entry whose id (or passwd's gid)
    is no number is skipped. Names beginning with '+' or '-' are nss_compat's entries, which
    the files lookups skip (files-pwd.c, files-grp.c)."""
    for raw in text.split("\n"):
        line = raw.lstrip(_C_BLANKS)
        if not line or line.startswith(("#", "+", "-")):
            continue
        parts = line.split(":", fields - 1)
        parts += [""] * (fields - len(parts))
        ident = _nss_id(parts[2])
        gid = _nss_id(parts[3]) if fields == 7 else None
        if ident is None or (fields == 7 and gid is None):
            continue
        yield parts[0], ident, gid, parts


def _accounts(g: Got) -> Fact[tuple[Account, ...]]:
    out = []
    for name, uid, gid, parts in _nss_entries(g.text, 7):
        # passwd(5): an empty shell field "defaults to the value /bin/sh" (so does OpenSSH,
        # session.c _PATH_BSHELL): an account with no shell named can log in
        shell = parts[6].strip() or "/bin/sh"
        # only the system's own programs refuse a login: a shell merely named like one
        # (/usr/local/bin/nologin2, ~/false-shell) may be any program (R16H-7)
        where, _, program = shell.rpartition("/")
        interactive = not (program in NON_LOGIN_SHELLS and where in SYSTEM_BIN_DIRS)
        out.append(Account(name, uid, shell, interactive, gid))
    return Fact.of(tuple(out), g.source)


def _group_file(g: Got) -> Fact[dict[str, tuple[int, tuple[str, ...]]]]:
    """group(5): name:password:GID:user_list (members separated by commas), read as glibc reads
    it (_nss_entries: `wheel:x:0` is a group without members). A name listed twice has the gid
    of its first entry (glibc nss_files files-grp.c: getgrnam's DB_LOOKUP breaks at the first
    match) and the members of every entry (files-initgroups.c "We have to iterate over the
    entire file", so getgrouplist gives each listed user that group) (R17H-1). A host without
    the file is not one with no groups: unavailable."""
    if g.state == "absent":
        return Fact.unavailable("/etc/group is absent", g.source)
    out: dict[str, tuple[int, tuple[str, ...]]] = {}
    for name, gid, _, parts in _nss_entries(g.text, 4):
        members = tuple(m.strip() for m in parts[3].split(",") if m.strip())
        first_gid, before = out.get(name, (gid, ()))
        out[name] = (first_gid, before + tuple(m for m in members if m not in before))
    return Fact.of(out, g.source)


def _group_merge_sources(text: str) -> list[str]:
    """The sources whose members glibc merges into a group found before them on nsswitch.conf's
    group line (any line naming the database, whichever glibc reads).

    glibc's NSS_ACTION_MERGE (nsswitch.conf(5) "merge"; the "nsswitch: Add group merging
    support" patch, libc-alpha 2016: "When a group is located in the first of the two group
    entries, processing will continue on to the next one. If the group is also found in the
    next entry (and the group name and GID are an exact match), the member list of the second
    entry will be added"); nss_action_parse reads the action name case-insensitively
    (`__strncasecmp (name, "MERGE", 5)`, read with `find_string`), blanks allowed around '='.
    So `group: files [SUCCESS=merge] sss` gives a local group the directory's members too."""
    out: list[str] = []
    for raw in text.splitlines():
        m = re.match(r"\s*([^\s:]+)([\s:].*)?$", raw.split("#", 1)[0])
        if m is None or m.group(1) != "group":
            continue
        merging = False
        for word in re.findall(r"\[[^\]]*\]?|[^\s:\[]+", m.group(2) or ""):
            if word.startswith("["):
                merging = merging or re.search(r"=\s*merge(?![a-z])", word, re.I) is not None
            elif merging and word != "files" and word not in out:
                out.append(word)
    return out


def _groups(ev: HostEvidence) -> dict[str, set[str]]:
    """Group name -> its members: those /etc/group lists and the accounts whose primary group
    (passwd(5), fourth field) it is; getgrouplist(3), which sudo and login use for the group
    vector, adds the primary group "if it was not among the groups defined for user in the group
    database". Where nsswitch merges another source's members into local groups
    (_group_merge_sources), each group also holds a marker that its members are not all read.
    Names that share a gid share their members: the gid is the group (R30A-3)."""
    got = ev.get(_file("/etc/group"))
    nss = ev.get(_file("/etc/nsswitch.conf"))
    merged = _group_merge_sources(nss.text) if nss.state == "ok" else []
    groups: dict[str, set[str]] = {}
    by_gid: dict[int, str] = {}
    for name, gid, _, parts in _nss_entries(got.text, 4):
        # a name listed twice: getgrouplist reads every entry (R17H-1, _group_file)
        groups.setdefault(name, set()).update(m.strip() for m in parts[3].split(",") if m.strip())
        if merged:
            groups[name].add(f"%{name}{MERGED} {', '.join(merged)})")
        by_gid.setdefault(gid, name)
    passwd = ev.get(_file("/etc/passwd"))
    for name, _, primary, _ in _nss_entries(passwd.text if passwd.state == "ok" else "", 7):
        if primary in by_gid:
            groups[by_gid[primary]].add(name)
    # a gid under several names is one group: initgroups gives each entry's listed users its
    # gid (glibc nss/nss_files/files-initgroups.c: "We have to iterate over the entire file",
    # `groups[*start] = grp.gr_gid`), the kernel checks a socket's gid, and sudo matches
    # `%name` against the names getgrgid gives the caller's gids (sudo_get_grlist) (R30A-3)
    names_of: dict[int, set[str]] = {}
    for name, gid, _, _ in _nss_entries(got.text, 4):
        names_of.setdefault(gid, set()).add(name)
    for names in names_of.values():
        if len(names) > 1:
            members = {m for n in names for m in groups[n] if not m.startswith("%")}
            for n in names:
                groups[n] |= members
    return groups


def _sudo_host_applies(hosts: str, ev: HostEvidence) -> bool:
    """Whether a user specification's Host_List may match this host. sudoers(5): "The basic
    structure of a user specification is 'who where = (as_whom) what'"; the Host_List is matched
    against the host sudo runs on. Only a list of plain host names, none of them this host's
    (the kernel's host name, its short form, the FQDN), is ruled out; ALL, Host_Alias names,
    netgroups, addresses, patterns and negations may match and count (read with `find_string`)."""
    entries = [h.strip() for h in hosts.split(",") if h.strip()]
    own: set[str] = set()
    for got in (ev.get(_file("/proc/sys/kernel/hostname")), ev.get(_cmd("hostname-fqdn"))):
        if got.state == "ok" and _first(got) and (got.rc in (None, 0)):
            name = _first(got).lower()
            own |= {name, name.split(".", 1)[0]}
    if not own or not entries:
        return True
    for h in entries:
        plain = re.fullmatch(r"[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)*", h)
        address = re.fullmatch(r"[0-9.]+(/[0-9.]+)?", h)
        if not plain or address or h.lower() in own or h.lower().split(".", 1)[0] in own:
            return True
    return False


#: One entry of a sudoers Host_List: a name, address or address/mask, an alias, a netgroup or
#: ALL, perhaps negated (sudoers(5), Host_List); a command path (`/usr/bin/env`) is none.
_HOST_ITEM = re.compile(r"!*\+?[\w.\-]+(/[0-9.]+)?")


def _host_sections(spec: str) -> list[tuple[str, str]]:
    """(Host_List, Cmnd_Spec_List) of each section of a user specification after its User_List.
    sudoers(5): `User_Spec ::= User_List Host_List '=' Cmnd_Spec_List (':' Host_List '='
    Cmnd_Spec_List)*`. A ':' inside a Runas_Spec `(ALL:ALL)` or ending a tag (`NOPASSWD:`) is not
    a separator: only one outside parentheses followed by a Host_List and '=' is."""
    seps, depth = [], 0
    for i, ch in enumerate(spec):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        elif ch == ":" and depth == 0:
            hosts, eq, _ = spec[i + 1 :].partition("=")
            items = [h.strip() for h in hosts.split(",")]
            if eq and all(h and _HOST_ITEM.fullmatch(h) for h in items):
                seps.append(i)
    bounds = [-1, *seps, len(spec)]
    out = []
    for a, b in itertools.pairwise(bounds):
        hosts, _, cmnds = spec[a + 1 : b].partition("=")
        out.append((hosts, cmnds))
    return out


def _group_names(ev: HostEvidence) -> set[str]:
    """The names /etc/group holds."""
    got = ev.get(_file("/etc/group"))
    return {name for name, _, _, _ in _nss_entries(got.text if got.state == "ok" else "", 4)}


def _gid_names(ev: HostEvidence) -> dict[str, str]:
    """gid -> the first /etc/group name with it."""
    got = ev.get(_file("/etc/group"))
    out: dict[str, str] = {}
    for name, gid, _, _ in _nss_entries(got.text if got.state == "ok" else "", 4):
        out.setdefault(str(gid), name)
    return out


def _sudo_runas(
    specs: str,
    ev: HostEvidence,
    groups: dict[str, set[str]],
    admin_groups: Iterable[str] = (),
    default: str = "root",
) -> set[str] | None:
    """The accounts a sudoers user specification's command part (after the Host_List's `=`)
    lets its users act as, or None when it lets them act as root or as an administrator.
    sudoers(5): "A Runas_Spec determines the user and/or the group that a command may be run
    as"; without one (the first Cmnd_Spec has none) "commands are run as root"; a Runas_Spec
    carries over to the following commands. So only a statement whose every Runas_Spec names
    accounts that are neither uid 0 nor members of an administrative group (and no group part
    that is, and no ALL, #0, %group, alias or negation, which hvaudit does not resolve) gives a
    set: `deploy ALL=(www-data) ALL` acts as www-data. Such a user still counts when one of those
    accounts is itself an administrator through sudoers (`sudo -u www-data sudo ...` runs
    www-data's own rules: the caller resolves that chain). Read in sudoers(5) (found with
    `search`). The group part is a group the command runs with (sudoers(5): "If a Runas_Spec
    specifies both a user and group, the command may be run as that user and group"; `(:grp)`
    alone runs it as the invoking user with that group), so a group that is root-equivalent on
    this host (`admin_groups`: a container daemon's socket group, a group polkit lets manage
    libvirt, a libvirt socket group with auth none) makes the rule administrative too (R14H-2).
    A first Cmnd_Spec without a Runas_Spec runs as `default`, the runas_default account
    (match.c runaslist_matches: "If no runas user listed in sudoers, use the default value";
    R21D-2)."""
    text = specs.strip()
    runas = re.findall(r"\(([^)]*)\)", text)
    if not text.startswith("("):
        if default == "root":
            return None
        runas = [default, *runas]
    if not runas:
        return None
    uids = {}
    passwd = ev.get(_file("/etc/passwd"))
    for name, uid, gid, _ in _nss_entries(passwd.text if passwd.state == "ok" else "", 7):
        uids[name] = (uid, str(gid))
    gids = _gid_names(ev)
    admins = {m for g in ADMIN_GROUPS for m in groups.get(g, set())}
    zero_groups = {
        "root",
        *ADMIN_GROUPS,
        *admin_groups,
        *(n for gid, n in gids.items() if gid == "0"),
    }
    accounts: set[str] = set()
    for spec in runas:
        users, _, grps = spec.partition(":")
        users_l = [u.strip() for u in users.split(",") if u.strip()]
        grps_l = [g.strip() for g in grps.split(",") if g.strip()]
        if not users_l and not grps_l:
            # `()` or `(:)`: sudoers(5) "If both lists are empty, the command may only be run
            # as the invoking user" (R21A-7): no other account
            continue
        for u in users_l:
            if u not in uids or uids[u][0] == 0 or u in admins:
                return None  # ALL, #uid, %group, an alias, !x, root or an unknown account
            if gids.get(uids[u][1]) in zero_groups:
                return None
            accounts.add(u)
        for g in grps_l:
            if g not in gids.values() or g in zero_groups:
                return None
    return accounts


#: The accounts QEMU runs as where qemu.conf sets no `user`: libvirt's build-time QEMU_USER
#: (libvirt meson.build, driver_qemu: "libvirt-qemu" where /etc/os-release names ubuntu,
#: debian or arch; "qemu" for fedora, gentoo and suse, RHEL and CentOS having ID_LIKE=fedora).
QEMU_BUILD_USERS = ("libvirt-qemu", "qemu")


def _qemu_accounts(ev: HostEvidence) -> set[str]:
    """The accounts QEMU runs as, for the sudo and doas rules that act as them: qemu.conf's
    `user` (qemu.conf: "The user for QEMU processes run by the system instance. It can be
    specified as a user name or as a user id. The qemu driver will try to parse this value
    first as a name and then, if the name doesn't exist, as a user id"; "+N" is always the
    uid N), else (unset, or the file unread) the build defaults the passwd file holds. QEMU
    runs as that account and libvirt's DAC driver hands it every VM's disk images and devices
    (libvirt's DAC security driver "is responsible for managing UID/GID changes to the QEMU
    process, and any files/disks/devices assigned to it", libvir-list, the driver's first
    patch; security_dac.c), so whoever runs commands as it reads and rewrites every VM's
    disks and reaches every QEMU's memory (same uid): an administrator of the hypervisor
    (R52A-1, a team decision). Read in libvirt's qemu.conf and meson.build (found with
    `search`)."""
    uid_names: dict[str, str] = {}
    passwd = ev.get(_file("/etc/passwd"))
    for name, uid, _, _ in _nss_entries(passwd.text if passwd.state == "ok" else "", 7):
        uid_names.setdefault(str(uid), name)
    read = _read_conf(ev, "/etc/libvirt/qemu.conf")
    user = None if isinstance(read, Fact) else read[1].get("user")
    if not isinstance(user, str) or not user:
        return {n for n in QEMU_BUILD_USERS if n in uid_names.values()}
    if user.startswith("+") and digits(user[1:]):
        return {uid_names.get(str(int(user[1:])), user)}
    if user not in uid_names.values() and digits(user):
        return {uid_names.get(str(int(user)), user)}
    return {user}


def _by_file(text: str) -> dict[str, list[str]]:
    """`grep -r -H "" FILES...` output as each file's lines, in file order."""
    files: dict[str, list[str]] = {}
    for line in text.splitlines():
        path, sep, body = line.partition(":")
        if sep:
            files.setdefault(path, []).append(body)
    return files


#: What GNU stat's %G and %U print for an id no entry names (coreutils stat.c: `gw_ent ?
#: gw_ent->gr_name : "UNKNOWN"`).
STAT_UNNAMED = "UNKNOWN"
UNRESOLVED = " (members not read)"
"""Marks a sudoers group or netgroup whose members the evidence does not list."""
MERGED = " (+members merged from"
"""Marks a local group into which nsswitch merges the members of another source (the sources
follow, then ")"): those members are not in the evidence, and there may be none."""
NEWGRP_ANYONE = " (group password set in /etc/gshadow)"
"""Marks a group whose gshadow entry has a password: newgrp admits whoever knows it (R24A-1)."""
NEWGRP_ANYONE_GROUP = " (group password set in /etc/group)"
"""Marks a group whose /etc/group entry has a password and gshadow none: newgrp then asks for
that one and admits whoever knows it (R24E-1)."""
EVERY_USER = "ALL (every user)"
"""The principal a sudoers rule for ALL users grants."""
EVERY_USER_ROOTPW = "ALL (every user, with root's password: Defaults "
"""Starts the principal a sudoers rule for ALL users grants where a global `Defaults rootpw`,
`runaspw` (runas_default root) or `targetpw` makes sudo ask for root's password, not the
caller's; the flag's name and ")" follow (R21D-1)."""
_SUDO_PASSWORD_FLAGS = ("rootpw", "runaspw", "targetpw")


def _sudo_defaults(stmts: Iterable[str]) -> tuple[dict[str, str | bool], set[str]]:
    """The global `Defaults` settings of sudoers statements in order (the last one wins) and the
    names set by a scoped Defaults (`Defaults:user`, `Defaults@host`, `Defaults!cmnd`,
    `Defaults>runas`), which apply to some rules only. sudoers(5): `Default_Entry ::= Default_Type
    Parameter_List`, a Parameter `Parameter '=' Value`, `'+=' / '-='` or `'!'* Parameter` (a
    flag, off where negated); a Value may be double-quoted (sudo tree 2e18923c2,
    docs/sudoers.man.in "Defaults")."""
    settings: dict[str, str | bool] = {}
    scoped: set[str] = set()
    for stmt in stmts:
        m = re.match(r"Defaults(?:([:@!>])[^\s]*)?(?:\s+|$)", stmt)
        if m is None:
            continue
        # a '#' not followed by a digit starts a comment to the end of the line (sudoers(5)
        # "Other special characters and reserved words"; SUSE's `Defaults targetpw   # ask for
        # the password of the target user i.e. root`)
        body = re.sub(r'^((?:"(?:[^"\\]|\\.)*"|[^"#])*)#(?![0-9]).*$', r"\1", stmt[m.end() :])
        params = re.findall(r'(?:"(?:[^"\\]|\\.)*"|[^,"])+', body)
        for param in params:
            p = re.match(
                r"\s*((?:!\s*)*)([A-Za-z_][A-Za-z0-9_]*)\s*(?:([+-]?=)\s*(.*?))?\s*$", param
            )
            if p is None:
                continue
            name = p.group(2)
            if m.group(1):
                scoped.add(name)
            elif p.group(3) == "=":
                value = p.group(4)
                if len(value) > 1 and value.startswith('"') and value.endswith('"'):
                    value = value[1:-1]
                settings[name] = _sudoers_unescape(value)
            elif p.group(3) is None:
                settings[name] = p.group(1).count("!") % 2 == 0
            else:
                settings[name] = ""  # a list added to or taken from: not a value read here
    return settings, scoped


def _sudo_runas_default(settings: dict[str, str | bool], scoped: set[str]) -> str:
    """The account a rule without a Runas_Spec runs commands as: sudoers(5) runas_default "The
    default user to run commands as if the -u option is not specified", root unless a global
    `Defaults runas_default=NAME` says otherwise (match.c runaslist_matches: "If no runas user
    listed in sudoers, use the default value"). A scoped setting is not resolved: root (errs
    towards counting)."""
    value = settings.get("runas_default")
    if "runas_default" in scoped or not isinstance(value, str) or not value:
        return "root"
    return value


def _sudo_password_flag(settings: dict[str, str | bool], scoped: set[str]) -> str | None:
    """The global Defaults flag that makes sudo ask for root's password rather than the
    caller's, or None. sudo's check.c get_authpw: `rootpw` (root's), else `runaspw`
    (runas_default's: root's only where that is root), else `targetpw` (the -u account's,
    runas_default's without -u). A flag (or `authenticate`) set in a scoped Defaults may differ
    for some rules, and `!authenticate` asks for no password: None (errs towards counting)."""
    if scoped & {*_SUDO_PASSWORD_FLAGS, "authenticate", "runas_default"}:
        return None
    if settings.get("authenticate") is False:
        return None
    if settings.get("rootpw") is True:
        return "rootpw"
    if settings.get("runaspw") is True:
        return "runaspw" if _sudo_runas_default(settings, scoped) == "root" else None
    if settings.get("targetpw") is True:
        return "targetpw" if _sudo_runas_default(settings, scoped) == "root" else None
    return None


_SUDOERS_SKIP = ("Runas_Alias", "Host_Alias", "Cmnd_Alias", "Cmd_Alias")
_USER_LIST = re.compile(r"\s*((?:[^\s,=]+\s*,\s*)*[^\s,=]+)\s+\S.*=")
"""A user specification: its User_List (comma-separated, blanks allowed around the commas), then
a Host_List and '=' (sudoers(5): User_Spec ::= User_List Host_List '=' Cmnd_Spec_List)."""

#: One User_List entry as sudo's lexer reads it (plugins/sudoers/toke.l, sudo tree 2e18923c2):
#: '!'s, then a double-quoted string (INSTR: `\"` a quote) or a WORD
#: `([^#>!=:,\(\) \t\r\n\\\"]|\\[^\t\n])+` after an optional `%`, `%:` or `+` prefix (a `#uid`,
#: `%#gid` too), and the blanks around it.
_SUDOERS_ITEM = re.compile(
    r'[ \t]*((?:![ \t]*)*)("(?:[^"\\\n]|\\.)*"|(?:%:?|\+)?(?:#-?[0-9]+|(?:[^#>!=:,() \t\r\n\\"]|\\[^\t\n])+))'
)


def _sudoers_unescape(word: str) -> str:
    """A sudoers name as sudo stores it: a quoted string without its quotes and with `\\"` a
    quote (toke.l INSTR appends the rest as written); a word with `\\xHH` decoded and `\\c` read
    as c (toke_util.c copy_string). sudoers(5): a name "may be enclosed in double quotes to
    avoid the need for escaping special characters. Alternately, special characters may be
    specified in escaped hex mode, e.g., \\x20 for space. When using double quotes, any prefix
    characters must be included inside the quotes" (R21A-1)."""
    if len(word) > 1 and word.startswith('"') and word.endswith('"'):
        return word[1:-1].replace('\\"', '"')
    return re.sub(
        r"\\(x[0-9A-Fa-f]{2}|.)",
        lambda m: chr(int(m.group(1)[1:], 16)) if len(m.group(1)) == 3 else m.group(1)[0],
        word,
    )


def _sudoers_names(text: str) -> tuple[list[str], int] | None:
    """The entries of a comma-separated sudoers name list at the start of `text` (a User_List,
    or a User_Alias's members), each unescaped (_sudoers_unescape) with its '!' kept, and where
    the list ends; None when `text` does not start with one."""
    items: list[str] = []
    pos = 0
    while True:
        m = _SUDOERS_ITEM.match(text, pos)
        if m is None:
            return None
        items.append("!" * m.group(1).count("!") + _sudoers_unescape(m.group(2)))
        pos = m.end()
        comma = re.match(r"[ \t]*,", text[pos:])
        if comma is None:
            return items, pos
        pos += comma.end()


#: An include directive: `@include`/`@includedir` after any blanks, `#include`/`#includedir` only
#: at the start of the line (sudo's toke.l: `<INITIAL>@include` unanchored, but
#: `<INITIAL>^#include[[:blank:]]+`; an indented `#includedir` is a comment, R21A-6).
_SUDOERS_INCLUDE = re.compile(r"(?:[ \t]*@|#)(include|includedir)[ \t]+(\S.*?)\s*$")
SUDOERS = "/etc/sudoers"
SUDOERS_D = "/etc/sudoers.d"
#: The vendor sudoers and its directory, which sudo built with --enable-adminconf reads where
#: /etc/sudoers does not exist (R45A-1)
VENDOR_SUDOERS = "/usr/etc/sudoers"
VENDOR_SUDOERS_D = "/usr/etc/sudoers.d"


def _grep_missing(g: Got, path: str) -> bool:
    """Whether the grep probe `g` said `path` does not exist (GNU grep names it on stderr, "grep:
    PATH: No such file or directory")."""
    return any(
        _no_such_file(line) and line.strip().startswith(f"grep: {path}: ")
        for line in g.reason.splitlines()
    )


def _sudoers_source(ev: HostEvidence, got: Got) -> tuple[str, str, list[Source]] | Fact[Any]:
    """(the sudoers file sudo reads, the grep output of it and the files it may include, the
    vendor probe's source where it is that file), or why that is unknown.

    sudo built with --enable-adminconf searches its admin configuration directory "in preference
    to configuration files in sysconfdir" (sudo INSTALL.md, --enable-adminconf): openSUSE's
    sudo.spec builds it so for suse_version >= 1600 (`--sysconfdir=%{_distconfdir}
    --enable-adminconf=%{_sysconfdir}`, its description: "Sudo reads either /etc/sudoers or
    /usr/etc/sudoers (in that order, whichever one it finds first)"), the vendor file carrying
    `@includedir /usr/etc/sudoers.d` (sudoers.in's `@includedir @sysconfdir@/sudoers.d`) and the
    spec's appended `@includedir /etc/sudoers.d`, and SUSE's sudoers its `ALL ALL=(ALL) ALL`
    under `Defaults targetpw` (sudo-sudoers.patch). So where /etc/sudoers does not exist and
    /usr/etc/sudoers does, the vendor file is the one read; a sudo built otherwise reads no
    /usr/etc file and, with no /etc/sudoers, grants nothing, which the evidence does not tell
    apart: the vendor file's rules count, erring towards counting. A bundle collected before the
    vendor probe keeps /etc's answer."""
    if not _grep_missing(got, SUDOERS):
        return SUDOERS, got.text, []
    vendor = ev.get(_cmd("sudoers-vendor"))
    if vendor.state == "absent":
        # grep not found: the vendor sudoers, which sudo reads where /etc has none, is unread,
        # never missing (R52S-2, as R51S-5 for the polkit rules); only an older bundle without
        # the probe (uncollected) keeps /etc's answer
        return Fact.unavailable(
            f"{SUDOERS} does not exist and {VENDOR_SUDOERS}, which sudo built with "
            f"--enable-adminconf reads in its place, was not read "
            f"({vendor.reason or 'grep not found'}): who sudo lets run commands as root is "
            f'unknown; `grep -R -H "" {VENDOR_SUDOERS} {VENDOR_SUDOERS_D}` answers',
            got.source,
            vendor.source,
        )
    if vendor.state == "uncollected":
        return SUDOERS, got.text, []
    why = _grep_unanswered(vendor)
    if why:
        return Fact.failed(
            f"{SUDOERS} does not exist and {VENDOR_SUDOERS}, which sudo built with "
            f"--enable-adminconf reads in its place, could not be read ({why})",
            got.source,
            vendor.source,
        )
    if _grep_missing(vendor, VENDOR_SUDOERS):
        return SUDOERS, got.text, []
    return VENDOR_SUDOERS, f"{vendor.text.rstrip()}\n{got.text}", [vendor.source]


def _sudoers_includes_outside(
    text: str, shost: str | None = None, main: str = SUDOERS
) -> list[str]:
    """The files and directories sudoers includes that the collector does not read. sudoers(5),
    "Including other files from within sudoers": `@include`/`#include FILE` and
    `@includedir`/`#includedir DIR` are directives, not comments; a relative path is relative to
    the including file's directory, and %h stands for the short host name (`shost`; a path
    with an %h left unexpanded is taken as outside). Only the files sudo loads count
    (_sudoers_loaded). The vendor sudoers `main` and its directory are read with it (R45A-1)."""
    out = []
    dirs = (SUDOERS_D, VENDOR_SUDOERS_D) if main == VENDOR_SUDOERS else (SUDOERS_D,)
    for _, target in _sudoers_directives(_sudoers_loaded(_by_file(text), shost, main), shost):
        norm = target.rstrip("/")
        inside = "%h" not in norm and (
            norm in (SUDOERS, main, *dirs) or norm.startswith(tuple(d + "/" for d in dirs))
        )
        if not inside:
            out.append(target)
    return list(dict.fromkeys(out))


def _sudoers_directives(
    files: dict[str, list[str]], shost: str | None = None
) -> Iterator[tuple[str, str]]:
    """(kind, path) of each `@include`/`#include` ("include") and `@includedir`/`#includedir`
    ("includedir") line of `files`, a relative path made relative to the including file's
    directory (sudoers(5)), each `%h` replaced by the short host name `shost` where it is
    known: sudo's toke.l expand_include (sudo tree 2e18923c2) expands "%h" with the parser's
    user.shost, a '/' in it written '_' (R21A-3)."""
    for path, lines in files.items():
        for line in lines:
            m = _SUDOERS_INCLUDE.match(line)
            if m is None:
                continue
            target = m.group(2).strip('"')
            if shost:
                target = target.replace("%h", shost.replace("/", "_"))
            if not target.startswith("/"):
                target = path.rsplit("/", 1)[0] + "/" + target
            yield m.group(1), target


def _sudoers_loaded(
    files: dict[str, list[str]], shost: str | None = None, main: str = SUDOERS
) -> dict[str, list[str]]:
    """The files of the sudoers probe (grep -R over /etc/sudoers and /etc/sudoers.d, which
    descends into subdirectories) that sudo loads: /etc/sudoers, the files an include names,
    and the files directly in a directory an includedir names whose names have no '.' and do
    not end in '~'. sudo's plugins/sudoers/toke.l read_dir_files (sudo tree fetched at
    2e18923c2) reads the directory with readdir, no recursion: "Ignore files that end in '~' or
    have a '.' in them", and a name whose stat is no regular file (S_ISREG: a subdirectory) is
    skipped. So a file in a subdirectory of /etc/sudoers.d is never read unless an include or
    includedir names it or its directory (HL19-10). /etc/sudoers.d is read only where a loaded
    file includes it (gram.y: only the include and includedir entries push a file; Debian's and
    RHEL's sudoers carry the includedir line, a hardened one may not, R21A-2); where the probe
    holds no line of /etc/sudoers (unread, or empty) it is taken as included, erring towards
    counting its grants. `main` is the sudoers file sudo reads (the vendor one, R45A-1)."""
    dirs = set() if main in files else {SUDOERS_D}
    named: set[str] = {main}
    while True:
        loaded = {
            p: lines
            for p, lines in files.items()
            if p in named
            or (
                p.rsplit("/", 1)[0] in dirs
                and "." not in p.rsplit("/", 1)[-1]
                and not p.endswith("~")
            )
        }
        found = list(_sudoers_directives(loaded, shost))
        more_dirs = {t.rstrip("/") for k, t in found if k == "includedir"} - dirs
        more_named = {t for k, t in found if k == "include"} - named
        if not more_dirs and not more_named:
            return loaded
        dirs |= more_dirs
        named |= more_named


def _sudoers_statements(text: str, shost: str | None = None, main: str = SUDOERS) -> Iterator[str]:
    """The statements of `grep -r -H "" /etc/sudoers /etc/sudoers.d` output: the file prefix cut,
    comments dropped (a '#' followed by digits starts a uid, not a comment), and lines ending in a
    backslash joined with the next line of the same file (sudoers(5): "Long lines can be continued
    with a backslash")."""
    for _, stmt in _sudoers_file_statements(text, shost, main):
        yield stmt


def _sudoers_file_statements(
    text: str, shost: str | None = None, main: str = SUDOERS
) -> Iterator[tuple[str, str]]:
    """(file, statement) for each statement _sudoers_statements reads, in the order sudo loads
    the files: the file names whom a drop-in's rule grants (R51S-2)."""
    for path, lines in _sudoers_loaded(_by_file(text), shost, main).items():
        pending = ""
        for line in lines:
            body = line.strip()
            if not pending and (not body or (body.startswith("#") and not digits(body[1:2]))):
                continue
            if body.endswith("\\"):
                pending += body[:-1] + " "
                continue
            yield path, pending + body
            pending = ""
        if pending:
            yield path, pending


def _admins(ev: HostEvidence, dropins: dict[str, set[str]] | None = None) -> Fact[tuple[str, ...]]:
    """Everyone sudoers lets run commands, and the members of the administrative groups.
    `dropins`, where given, is filled with each drop-in file (a sudoers file other than the one
    sudo reads first, an /etc/doas.d snippet) and the principals its rules add beyond the files
    read before it, so a fail names the file that widens access (R51S-2).

    sudoers(5): a user specification starts with a User_List, comma-separated users, %groups,
    #uids, +netgroups and User_Alias names (each may be negated with '!'); `User_Alias NAME =
    User_List` (several aliases joined with ':') defines a name for such a list. Every rule that
    runs commands as root (or as an administrator) counts, whatever commands it allows (a narrow
    command list is still root on many hypervisor tools); one whose Runas_Specs name only
    unprivileged accounts does not, unless one of them administers (_sudo_runas). `%#gid` is the group with that gid.
    A negated entry names no principal; an alias is expanded (nested aliases too); a %group is its
    /etc/group members; a group none are listed for, a %:group or a +netgroup is marked as not
    read (its members live in a directory or in users' primary groups); ALL is every user.
    Without /etc/group the groups' members are unknown: the fact is unavailable, never a count."""
    got = ev.get(_cmd("sudoers"))
    if got.state != "ok":
        return (
            Fact.failed(f"sudoers: {got.reason}", got.source)
            if got.state == "failed"
            else Fact.unavailable("sudoers could not be read", got.source)
        )
    why = _grep_unanswered(got)
    if why:
        return Fact.failed(f"sudoers could not be read ({why})", got.source)
    main_got = _sudoers_source(ev, got)
    if isinstance(main_got, Fact):
        return main_got
    sudoers_main, sudoers_text, vendor_src = main_got
    sudo_conf_path = "/etc/sudo.conf"
    sudo_conf = ev.get(_file(sudo_conf_path))
    if sudo_conf.state == "absent":
        # sudo.conf too is searched for in /etc first, then in /usr/etc (R45A-1)
        vendor_conf = ev.get(_file("/usr/etc/sudo.conf"))
        if vendor_conf.state in ("ok", "failed"):
            sudo_conf_path, sudo_conf = "/usr/etc/sudo.conf", vendor_conf
    if sudo_conf.state == "failed":
        return Fact.failed(f"{sudo_conf_path}: {sudo_conf.reason}", sudo_conf.source)
    elsewhere = (
        _sudo_policy_elsewhere(sudo_conf.text, sudoers_main) if sudo_conf.state == "ok" else ""
    )
    if elsewhere:
        return Fact.unavailable(
            f"{sudo_conf_path} {elsewhere}: who sudo lets run commands as root is unknown",
            sudo_conf.source,
        )
    polkit_got = ev.get(_cmd("polkit-rules"))
    # recorded absent (grep not found) is a probe asked for and not read, as the admin paths'
    # stat (R51S-5, the team's decisions of rounds 46, 50 and 51); uncollected settles nothing
    if polkit_got.state == "absent":
        return Fact.unavailable(
            f"the polkit rules were not read ({polkit_got.reason or 'grep not found'}): who they "
            'let manage libvirt or run pkexec is unknown; `grep -R -H "" /etc/polkit-1/rules.d '
            "/run/polkit-1/rules.d /usr/local/share/polkit-1/rules.d "
            "/usr/share/polkit-1/rules.d` answers",
            polkit_got.source,
        )
    why = "" if polkit_got.state == "uncollected" else _grep_unanswered(polkit_got)
    if why:
        return Fact.failed(
            f"the polkit rules could not be read ({why}): who they let manage libvirt or run "
            "pkexec is unknown",
            polkit_got.source,
        )
    actions_got = ev.get(_cmd("polkit-actions"))
    # recorded absent (grep not found): the actions' declared defaults are unread, never none
    # (R52S-1, as R51S-5 for the rules); only an older bundle without it (uncollected) is silent
    if actions_got.state == "absent":
        return Fact.unavailable(
            f"the polkit actions' declarations were not read "
            f"({actions_got.reason or 'grep not found'}): whom their defaults let manage "
            f"libvirt or run commands as root is unknown; {POLKIT_ACTIONS_RUN} answers",
            actions_got.source,
        )
    why = "" if actions_got.state == "uncollected" else _grep_unanswered(actions_got)
    if why:
        return Fact.failed(
            f"the polkit actions' declarations could not be read ({why}): whom their defaults "
            "let manage libvirt or run commands as root is unknown",
            actions_got.source,
        )
    # a socket stat could not reach may be group-writable: its group is unknown (R24P-1)
    for name, what, verb, run in (
        ("libvirt-sockets", "libvirt's sockets", "write to", "stat -c '%a %U %G %n'"),
        (
            "container-sockets",
            "the container daemons' API sockets",
            "write to",
            "stat -c '%a %U %G %n'",
        ),
        (
            "kube-admin-configs",
            "the Kubernetes admin kubeconfigs",
            "read",
            "stat -L -c '%a %U %G %n'",
        ),
    ):
        st = ev.get(_cmd(name))
        # absent (stat not found: SshRunner.run reads exit 127 as absent) is a probe the
        # collector asked for and did not read, for the sockets as for the kubeconfigs (the
        # team's decisions of rounds 46, 50 and 51: R46S-1, R50S-1, R51S-1); only an older
        # bundle without the artefact (uncollected) settles nothing
        if st.state == "absent":
            return Fact.unavailable(
                f"{what} were not stat'ed ({st.reason or 'stat not found'}): the groups that "
                f"may {verb} them are unknown; `{run}` on each of them answers",
                st.source,
            )
        why = "" if st.state in ("uncollected", "absent") else _stat_unanswered(st)
        if why:
            return Fact.failed(
                f"{what} could not all be stat'ed ({why}): the groups that may {verb} them "
                "are unknown",
                st.source,
            )
    # a named ACL entry grants beyond the mode stat shows (R36A-4)
    acl_paths = (*_socket_writers(ev)[2], *CONTAINER_SOCKETS, *KUBE_ADMIN_CONFIGS)
    acl_paths += MICROK8S_COMPONENT_CONFIGS if _microk8s_always_allow(ev) else ()
    acl_why = _acl_unread(ev, acl_paths)
    if acl_why:
        return Fact.unavailable(
            f"libvirt's and the container daemons' API sockets and the Kubernetes admin "
            "kubeconfigs: "
            f"{acl_why[0]}: who may write to or read them is unknown",
            acl_why[1],
        )
    group_file = ev.get(_file("/etc/group"))
    if group_file.state != "ok":
        return Fact.unavailable(
            f"/etc/group could not be read ({group_file.reason or group_file.state}): the members "
            "of sudo's groups and of the administrative groups are unknown",
            group_file.source,
        )
    nss = ev.get(_file("/etc/nsswitch.conf"))
    directory = _sudo_nss_sources(nss.text) if nss.state == "ok" else []
    remote = [src for src in directory if src in ("sss", "ldap")]
    if remote:
        # sssd-sudo(5): "sudoers: files sss" makes sudo apply the directory's sudo rules too
        # (sudo.conf / nsswitch, sudoers.ldap(5) for ldap); those rules are not in the evidence
        return Fact.unavailable(
            f"/etc/nsswitch.conf `sudoers: {' '.join(directory)}`: sudo also applies the sudo "
            f"rules of the directory ({', '.join(remote)}), which hvaudit does not read",
            got.source,
            nss.source,
        )
    shost = _short_hostname(ev)
    outside = _sudoers_includes_outside(sudoers_text, shost, sudoers_main)
    if outside:
        read_paths = (
            f"only {VENDOR_SUDOERS}, {VENDOR_SUDOERS_D} and {SUDOERS_D}"
            if sudoers_main == VENDOR_SUDOERS
            else f"only {SUDOERS} and {SUDOERS_D}"
        )
        return Fact.unavailable(
            f"sudoers includes {', '.join(outside[:4])}, which the collector does not read "
            f"({read_paths})",
            got.source,
            *vendor_src,
        )
    groups = _groups(ev)
    # a group name no group source holds has no members (R52A-2, a team decision): with
    # nsswitch's group line naming `files` alone, a name /etc/group lacks makes getgrnam fail,
    # and neither sudo (plugins/sudoers/match.c usergr_matches: user_in_group, then the group
    # plugin only where `group_plugin` and `always_query_group_plugin` are set) nor pam_group
    # (libpam pam_modutil_ingroup.c pam_modutil_user_in_group_common: `if (grp == NULL)
    # return 0`) lets anyone in through it; any other source (sss, ldap, systemd, winbind,
    # compat), no group line or an unread nsswitch.conf keeps it unresolved
    nss_group = _nss_database(ev, nss.text, "group")[0] if nss.state == "ok" else None
    local_names = _group_names(ev) if nss_group and set(nss_group) == {"files"} else None

    def no_such_group(name: str) -> bool:
        return local_names is not None and name[:1] not in (":", "#") and name not in local_names

    gshadow = ev.get(_file("/etc/gshadow"))
    if gshadow.state == "failed":
        return Fact.failed(
            f"/etc/gshadow: {gshadow.reason}: who newgrp and gpasswd let into sudo's and the "
            "administrative groups is unknown",
            gshadow.source,
        )
    # gshadow members newgrp admits and administrators gpasswd lets add themselves (R24A-1)
    gsh_text = gshadow.text if gshadow.state == "ok" else ""
    gsh, gsh_password = _gshadow_reach(gsh_text, groups)
    # a password in /etc/group's own field, for a group gshadow has no entry for (R24E-1)
    grp_password = _group_file_passwords(group_file.text, gsh_text)

    # groups pam_group grants at login (R25A-6), from its vendor file where /etc has none (R44A-2)
    pam_grps = _pam_group_confs(ev)
    for pam_grp in pam_grps:
        if pam_grp.state == "failed":
            return Fact.failed(
                f"{pam_grp.source.artefact.removeprefix('host/files')}: {pam_grp.reason}: which "
                "groups pam_group grants at login is unknown",
                pam_grp.source,
            )
    granted_at_login = _pam_group_grants_of(pam_grps)

    # newgrp (newgrp(1): "change the current group ID") and pam_group give a name's gid: a
    # grant of another name of an administrative group's gid is a grant of that group (R30A-4)
    names_of: dict[int, set[str]] = {}
    for name, gid, _, _ in _nss_entries(group_file.text, 4):
        names_of.setdefault(gid, set()).add(name)
    siblings = {n: names for names in names_of.values() for n in names}

    def at_login(g: str) -> set[str]:
        # a users field `%G` (pam_group.c check_account: pam_modutil_user_in_group_nam_nam;
        # Linux-PAM libpam/pam_modutil_ingroup.c checkgrouplist asks getgrouplist for the
        # account's groups, its primary gid among them, and compares getgrnam(G)'s gid) of a
        # group /etc/group holds with members is those members, as sudoers' `%G` counts them
        # (_groups: primary-group members, every name of its gid, and the merge marker where
        # nsswitch merges another source's members in); a group /etc/group does not hold, or
        # holds with no member, stays unresolved (R42A-1), unless no group source can hold it
        # (no_such_group: nobody, R52A-2)
        out: set[str] = set()
        for who in granted_at_login.get(g, set()):
            field = pam_group_users_field(who)
            if who != field and field.startswith("%") and groups.get(field[1:]):
                out |= groups[field[1:]]
            elif who != field and field.startswith("%") and no_such_group(field[1:]):
                continue
            else:
                out.add(who)
        return out

    def extra(group: str) -> set[str]:
        out: set[str] = set()
        for g in sorted(siblings.get(group, {group}) | {group}):
            out |= (
                at_login(g)
                | gsh.get(g, set())
                | ({f"%{g}{NEWGRP_ANYONE}"} if g in gsh_password else set())
                | ({f"%{g}{NEWGRP_ANYONE_GROUP}"} if g in grp_password else set())
            )
        return out

    polkit_groups, polkit_users, polkit_src = _polkit_libvirt_managers(ev)
    # Docker: "The docker group grants privileges equivalent to the root user"; LXD: "all
    # members of the lxd group can interact with the local daemon" (full control): while the
    # daemon runs, its group is root-equivalent
    # the running container daemons (and podman's TCP services) are read from the process
    # list: one collected but unread (ps failed, absent, or exited other than 0, _process_list)
    # is not "no daemon runs", where only the enabled units would count and a dockerd started
    # by hand with `-H tcp://0.0.0.0:2375` went unweighed (R45S-1); only a bundle that never
    # asked for it (an older collector) reads as before
    ps = ev.get(_cmd("processes"))
    listing = _process_list(ps) if ps.state == "ok" else None
    if ps.state != "uncollected" and (listing is None or not listing.known):
        why = listing.reason if listing is not None else (ps.reason or ps.state)
        return Fact.failed(
            f"the process list was not read ({why}): whether a container daemon (dockerd, LXD, "
            "Incus, podman) runs, and to whom it hands its API, is unknown",
            ps.source,
        )
    daemons = _container_daemon_groups(ev, listing.get() if listing is not None else "")
    if isinstance(daemons, Fact):
        return daemons
    k3s_rows, k3s_why, k3s_src = _k3s_kubeconfig_next(ev)
    if k3s_why:
        return Fact.unavailable(k3s_why, *k3s_src)
    mk8s_why, mk8s_src = _microk8s_authz_unknown(ev)
    if mk8s_why:
        return Fact.unavailable(mk8s_why, *mk8s_src)
    polkit_groups += daemons[0]
    polkit_groups += _container_socket_groups(ev)
    admin_groups = (*ADMIN_GROUPS, *_socket_groups(ev), *polkit_groups)
    aliases: dict[str, list[str]] = {}
    lists: list[tuple[list[str], bool, str]] = []
    # (users, the accounts they may act as, the drop-in file granting it or "")
    chained: list[tuple[list[str], set[str], str]] = []
    file_stmts = list(_sudoers_file_statements(sudoers_text, shost, sudoers_main))
    stmts = [stmt for _, stmt in file_stmts]
    granted_by: dict[str, set[str]] = dropins if dropins is not None else {}

    def dropin(path: str) -> str:
        # the file sudo reads first is no drop-in; every file it includes is
        return "" if path == sudoers_main else path

    settings, scoped = _sudo_defaults(stmts)
    # sudoers(5) group_plugin: with always_query_group_plugin it answers %G too
    group_plugin = "group_plugin" in settings or "group_plugin" in scoped
    runas_default = _sudo_runas_default(settings, scoped)
    password_flag = _sudo_password_flag(settings, scoped)
    for stmt_file, stmt in file_stmts:
        if (
            stmt.startswith(("@include", "#include", "Defaults"))
            or stmt.split()[0] in _SUDOERS_SKIP
        ):
            continue
        if stmt.startswith("User_Alias"):
            rest = stmt[len("User_Alias") :]
            while (d := re.match(r"\s*([A-Z][A-Z0-9_]*)\s*=", rest)) is not None:
                read = _sudoers_names(rest[d.end() :])
                members = read[0] if read else []
                end = d.end() + (read[1] if read else 0)
                aliases[d.group(1)] = members
                nxt = re.match(r"\s*:", rest[end:])
                if nxt is None:
                    break
                rest = rest[end + nxt.end() :]
            continue
        # the User_List as sudo's lexer reads it (quoted and escaped names, R21A-1); the loose
        # split where it does not read
        read = _sudoers_names(stmt)
        if read is not None and re.match(r"[ \t]+\S.*=", stmt[read[1] :]):
            users, end = read
        elif (m := _USER_LIST.match(stmt)) is not None:
            users, end = [u.strip() for u in m.group(1).split(",") if u.strip()], m.end(1)
        else:
            continue
        # a rule for other hosts (sudoers(5): "who where = (as_whom) what") counts nowhere;
        # each `:`-joined Host_List section is its own (User_Spec grammar)
        here = [
            cmnds for hosts, cmnds in _host_sections(stmt[end:]) if _sudo_host_applies(hosts, ev)
        ]
        if not here:
            continue
        runas_sets = [_sudo_runas(cmnds, ev, groups, admin_groups, runas_default) for cmnds in here]
        if any(r is None for r in runas_sets):
            # a NOPASSWD tag (sudoers(5) Tag_Spec) runs its commands without asking for any
            # password, whatever rootpw/targetpw say
            lists.append(
                (
                    users,
                    any(re.search(r"\bNOPASSWD\s*:", c) for c in here),
                    dropin(stmt_file),
                )
            )
        else:
            chained.append(
                (
                    users,
                    set().union(*(r for r in runas_sets if r is not None)),
                    dropin(stmt_file),
                )
            )
    principals: set[str] = set()
    gid_names = _gid_names(ev)
    pw_got = ev.get(_file("/etc/passwd"))
    uid_names: dict[str, str] = {}
    for pw_name, pw_uid, _, _ in _nss_entries(pw_got.text if pw_got.state == "ok" else "", 7):
        uid_names.setdefault(str(pw_uid), pw_name)

    def add(item: str, seen: frozenset[str], every: str = EVERY_USER) -> None:
        if item.startswith("!"):
            return
        if item.startswith("#") and digits(item[1:]) and item[1:] in uid_names:
            # sudoers(5) User_List: "#uid" is the account with that uid, not a fourth name
            # beside it (R26A-5)
            item = uid_names[item[1:]]
        if item.startswith("%#") and digits(item[2:]) and item[2:] in gid_names:
            # sudoers(5) User_List: "%#gid" is the group with that gid
            item = "%" + gid_names[item[2:]]
        if item in aliases and item not in seen:
            for member in aliases[item]:
                add(member, seen | {item}, every)
        elif item.startswith("%") and groups.get(item[1:]):
            principals.update(groups[item[1:]] | extra(item[1:]))
        elif item.startswith("%") and no_such_group(item[1:]) and not group_plugin:
            # no group by that name: sudo's %G matches no one (R52A-2)
            principals.update(extra(item[1:]))
        elif item.startswith(("%", "+")):
            # a directory (%:name), netgroup (+name) or group with no members in /etc/group
            # (directory or primary-group members): its size is not in the evidence
            principals.add(item + UNRESOLVED)
            principals.update(extra(item[1:]) if item.startswith("%") else set())
        elif item == "ALL":
            principals.add(every)
        else:
            principals.add(item)

    def widened(path: str, before: set[str]) -> None:
        if path and principals - before:
            granted_by.setdefault(path, set()).update(principals - before)

    for user_list, nopasswd, stmt_file in lists:
        # with rootpw/targetpw sudo asks ALL's users for root's password (R21D-1): whoever knows
        # it is root already, if /etc/pam.d/sudo checks it (the check asks)
        every = (
            f"{EVERY_USER_ROOTPW}{password_flag})" if password_flag and not nopasswd else EVERY_USER
        )
        before = set(principals)
        for item in user_list:
            add(item, frozenset(), every)
        widened(stmt_file, before)
    doas = ev.get(_file("/etc/doas.conf"))
    doas_src: list[Source] = []
    if doas.state == "failed":
        return Fact.failed(f"/etc/doas.conf: {doas.reason}", doas.source)
    doas_d = ev.get(_cmd("doas-d"))
    if doas_d.state == "absent":
        # grep not found: /etc/doas.d unread, never empty (R51S-5)
        return Fact.unavailable(
            f"/etc/doas.d was not read ({doas_d.reason or 'grep not found'}): who doas lets run "
            'commands as root is unknown; `grep -R -H "" /etc/doas.d` answers',
            doas_d.source,
        )
    why = "" if doas_d.state == "uncollected" else _grep_unanswered(doas_d)
    if why:
        return Fact.failed(
            f"/etc/doas.d could not be read ({why}): who doas lets run commands as root is unknown",
            doas_d.source,
        )
    # Alpine's doas reads /etc/doas.d/*.conf after doas.conf (R36A-1, _doas_d_files)
    snippets = _doas_d_files(doas_d.text if doas_d.state == "ok" else "")
    doas_files = [("/etc/doas.conf", doas.text)] if doas.state == "ok" else []
    doas_files += snippets
    if doas_files:
        rules = []
        rule_files: list[str] = []
        for path, text in doas_files:
            try:
                file_rules = _doas_rules(text)
                rules += file_rules
                rule_files += [path] * len(file_rules)
            except ValueError as err:
                return Fact.unavailable(
                    f"{path} could not be read as doas.conf(5) ({err}): who doas lets run "
                    "commands as root is unknown",
                    doas.source if path == "/etc/doas.conf" else doas_d.source,
                )
        doas_src += [doas.source] if doas.state == "ok" else []
        doas_src += [doas_d.source] if snippets else []
        # doas.conf(5): "The last matching rule determines the action taken", and a rule
        # matches a target when it names none ("The default is all users") or one with the
        # target's uid (openbsd usr.bin/doas/doas.c match: `r->target && uidcheck(r->target,
        # target)`, parseuid taking a name or a number): a later deny of every command as root
        # takes back root, not the other accounts an earlier permit without `as` gave; `as 1000`
        # is the account of uid 1000 (R35A-2)
        pw_entries = list(_nss_entries(pw_got.text if pw_got.state == "ok" else "", 7))
        zero_names = {n for n, uid, _, _ in pw_entries if uid == 0}
        granted: set[str] = set()
        doas_by: dict[str, str] = {}  # account -> the file of the last rule granting it root
        as_any: dict[str, set[str]] = {}  # who may act as every account but those denied
        as_one: dict[str, set[str]] = {}  # target -> who may act as it
        for (permit, identity, target, restricted), rule_file in zip(
            rules, rule_files, strict=True
        ):
            who = _doas_identity(identity, ev, groups, gid_names)
            if identity.startswith(":"):
                who |= extra(gid_names.get(identity[1:], identity[1:]))
            named = uid_names.get(str(int(target)), target) if target and digits(target) else target
            if named in zero_names or target == "0":
                named = "root"
            if permit:
                if named in (None, "root"):
                    granted |= who
                    doas_by.update(dict.fromkeys(who, rule_file))
                if named is None:
                    for acct in who:
                        as_any[acct] = set()
                elif named != "root":
                    as_one.setdefault(named, set()).update(who)
            elif not restricted:
                gone = {m for m in who if not m.endswith(UNRESOLVED)}
                if named in (None, "root"):
                    granted -= gone
                for acct in gone:
                    if named is None:
                        as_any.pop(acct, None)
                    elif acct in as_any:
                        as_any[acct].add(named)
                for t, holders in as_one.items():
                    if named in (None, t):
                        holders -= gone
        before = set(principals)
        principals |= granted
        for acct in principals - before:
            if doas_by.get(acct, "/etc/doas.conf") != "/etc/doas.conf":
                granted_by.setdefault(doas_by[acct], set()).add(acct)
        # doas as another account: an administrator only if that account is one
        accounts = {n for n, _, _, _ in pw_entries} - zero_names
        chained.extend(
            ([acct.removesuffix(UNRESOLVED) for acct in holders], {t}, "")
            for t, holders in as_one.items()
            if holders
        )
        chained.extend(
            ([acct.removesuffix(UNRESOLVED)], accounts - denied, "")
            for acct, denied in as_any.items()
        )
    principals.update(polkit_users)
    principals.update(_socket_writers(ev)[1])
    principals.update(_container_socket_writers(ev)[1])
    principals.update(daemons[1])
    for group in admin_groups:
        principals.update(groups.get(group, set()) | extra(group))
    # a group polkit or a socket names that /etc/group does not hold: where nsswitch's group
    # line asks another source (sss, ldap, winbind, systemd ...), a directory group whose
    # members are not in the evidence; with `files` alone no such group exists (HL14-6)
    group_sources, _ = _nss_database(ev, nss.text, "group") if nss.state == "ok" else ([], "")
    beyond_files = group_sources is None or any(src != "files" for src in group_sources)
    for group in dict.fromkeys((*_socket_groups(ev), *polkit_groups)):
        if group == STAT_UNNAMED:
            # coreutils stat.c %G: `gw_ent ? gw_ent->gr_name : "UNKNOWN"`: a gid no group entry
            # names, whose members (accounts with it as their primary gid) are not read (R25A-7)
            principals.add(f"%{group} (a socket's gid with no group name){UNRESOLVED}")
        elif group not in groups and beyond_files:
            principals.add(f"%{group}{UNRESOLVED}")
    # every user reaches another account's `podman system service` on TCP and runs what they
    # send as that account: where it is an administrator, every user is one (R30A-2)
    chained.extend(
        (["ALL"], {uid_names.get(runner, runner)}, "")
        for runner in _podman_tcp_users(ps.text if ps.state == "ok" else "")
        if runner not in ("root", "0")
    )
    # and the account podman.service's User= runs it as from the next start (R33A-1)
    chained.extend((["ALL"], {uid_names.get(runner, runner)}, "") for runner in daemons[2])
    # users who may act as an account that is itself an administrator (through sudoers or a
    # group) administer too, and so do those who may act as QEMU's account (R52A-1): resolved
    # until nothing changes
    qemu_accounts = _qemu_accounts(ev)
    grown = True
    while grown:
        grown = False
        for users, runas, chain_file in chained:
            if runas & (principals | qemu_accounts):
                known = set(principals)
                for item in users:
                    add(item, frozenset())
                widened(chain_file, known)
                grown = grown or len(principals) > len(known)
    merge_src = [nss.source] if nss.state == "ok" and _group_merge_sources(nss.text) else []
    gsh_src = [gshadow.source] if gshadow.state == "ok" and (gsh or gsh_password) else []
    gsh_src += [pam_grp.source] if granted_at_login else []
    return Fact.of(
        tuple(sorted(principals)),
        got.source,
        *vendor_src,
        Source(_file("/etc/group")),
        *gsh_src,
        *merge_src,
        *doas_src,
        *polkit_src,
        *(k3s_src if k3s_rows else ()),
    )


#: The structs sudoers.so holds that are not a policy plugin (sudoers(5) "Sudoers plugin
#: arguments": `Plugin sudoers_io sudoers.so`, `Plugin sudoers_audit sudoers.so`).
_SUDOERS_OTHER_PLUGINS = ("sudoers_io", "sudoers_audit")


def _sudo_policy_elsewhere(text: str, main: str = SUDOERS) -> str:
    """Why sudo's rules are not /etc/sudoers and its includes, from /etc/sudo.conf ("" when they
    are). sudo.conf(5): a line (backslash continuing it, `#` starting a comment) whose keyword,
    any case, is Plugin names `symbol_name path [arguments ...]` (sudo_conf.c: strncasecmp, then
    the arguments split at blanks); "only a single policy plugin may be loaded", and with none
    listed sudo loads sudoers_policy from sudoers.so with no arguments (load_plugins.c
    sudo_load_plugins "If no policy plugin, fall back to the default (sudoers)"). sudoers.so's
    `sudoers_file=PATH` argument replaces /etc/sudoers (sudoers(5) "Sudoers plugin arguments";
    plugins/sudoers/policy.c sudoers_policy_deserialize_info, the last one winning): a file
    hvaudit does not read. Another plugin where no sudoers_policy is listed may be the policy
    plugin in sudoers' place: its rules are not in the evidence (R36A-3)."""
    joined = re.sub(r"\\\n[ \t]*", " ", text)
    policy: list[str] | None = None
    others: list[str] = []
    for raw in joined.splitlines():
        words = raw.split("#", 1)[0].split()
        if len(words) < 3 or words[0].lower() != "plugin":
            continue
        symbol, path, args = words[1], words[2], words[3:]
        sudoers = path.rsplit("/", 1)[-1] == "sudoers.so"
        if symbol == "sudoers_policy" and sudoers and policy is None:
            policy = args
        elif not (sudoers and symbol in _SUDOERS_OTHER_PLUGINS):
            others.append(f"{symbol} from {path}")
    if policy is None:
        if others:
            return (
                f"loads the plugin {others[0][:120]} and lists no sudoers_policy: it may be "
                "sudo's security policy in sudoers' place, whose rules hvaudit does not read"
            )
        return ""
    files = [a.split("=", 1)[1] for a in policy if a.startswith("sudoers_file=") and a[13:]]
    if files and files[-1] not in (SUDOERS, main):
        return (
            f"gives sudoers.so sudoers_file={files[-1][:120]}: sudo reads its rules from that "
            "file, which hvaudit does not read"
        )
    return ""


def _group_directory(ev: HostEvidence) -> Fact[tuple[tuple[str, ...], tuple[str, ...]]]:
    """HostFacts.group_directory from /etc/nsswitch.conf: the group database's sources as glibc
    reads them (_nss_database) other than files, and the sources merged into local groups
    (_group_merge_sources). No file (or an older bundle without it) is files alone, as
    _admin_principals reads it; an unreadable file, or lines glibc's version decides between,
    are unknown (R40A-2)."""
    nss = ev.get(_file("/etc/nsswitch.conf"))
    if nss.state == "failed":
        return Fact.unavailable(
            f"/etc/nsswitch.conf: {nss.reason}: which sources nsswitch's group line asks is "
            "unknown",
            nss.source,
        )
    if nss.state != "ok":
        return Fact.of(((), ()), nss.source)
    sources, why = _nss_database(ev, nss.text, "group")
    if sources is None:
        return Fact.unavailable(why, nss.source)
    return Fact.of(
        (
            tuple(dict.fromkeys(s for s in sources if s != "files")),
            tuple(_group_merge_sources(nss.text)),
        ),
        nss.source,
    )


PAM_GROUP_CONF = "/etc/security/group.conf"
#: pam_group's vendor group.conf, which it reads where PAM_GROUP_CONF does not exist: Linux-PAM
#: modules/pam_group/pam_group.c check_account (since 1.5.3, c11b0f5d "use vendor specific
#: group.conf as fallback"): `if (stat(conf_filename, &stat_buffer) != 0 && errno == ENOENT)
#: conf_filename = VENDOR_PAM_GROUP_CONF`, VENDOR_SCONFIG_DIR "/group.conf" (pam_group(8): "If
#: /etc/security/group.conf does not exist, %vendordir%/security/group.conf is used"). The
#: vendordir is a build option: meson_options.txt's default /usr/share/pam (1.7.2, aea30822),
#: openSUSE's /usr/etc (the openSUSE wiki "openSUSE:PAM configuration": PAM looks for service
#: files in /etc/pam.d, /usr/lib/pam.d and /usr/etc/pam.d, libpam's VENDORDIR "/pam.d"). Which
#: one the host's libpam was built with is not in the evidence: each that exists counts.
PAM_GROUP_VENDOR_CONFS = ("/usr/share/pam/security/group.conf", "/usr/etc/security/group.conf")


def _pam_group_confs(ev: HostEvidence) -> list[Got]:
    """The group.conf files pam_group reads its rules from: PAM_GROUP_CONF, or where it does not
    exist the vendor files (PAM_GROUP_VENDOR_CONFS) that do, or were not read; a bundle
    collected before they were keeps /etc's answer (R44A-2)."""
    main = ev.get(_file(PAM_GROUP_CONF))
    if main.state != "absent":
        return [main]
    vendor = [ev.get(_file(p)) for p in PAM_GROUP_VENDOR_CONFS]
    return [g for g in vendor if g.state not in ("absent", "uncollected")] or [main]


def _pam_group_grants_of(confs: list[Got]) -> dict[str, set[str]]:
    """_pam_group_grants of every file of `confs` that was read, merged."""
    out: dict[str, set[str]] = {}
    for g in confs:
        if g.state == "ok":
            for group, who in _pam_group_grants(g.data).items():
                out.setdefault(group, set()).update(who)
    return out


def _login_groups(ev: HostEvidence) -> Fact[dict[str, tuple[str, ...]]]:
    """_pam_group_grants of the group.conf pam_group reads (_pam_group_confs) as a fact; no file
    grants nothing."""
    if ev.missing is not None:
        return ev.missing
    confs = _pam_group_confs(ev)
    sources = [g.source for g in confs]
    for g in confs:
        if g.state == "uncollected":
            return Fact.unavailable(f"{g.source.artefact} was not collected")
        if g.state == "failed":
            return Fact.failed(f"{g.source.artefact}: {g.reason}", g.source)
    grants = _pam_group_grants_of(confs)
    return Fact.of({k: tuple(sorted(v)) for k, v in grants.items()}, *sources)


def _pam_group_grants(data: bytes) -> dict[str, set[str]]:
    """Group -> who pam_group grants it to at login, from /etc/security/group.conf. group.conf(5)
    (Linux-PAM, man7.org): "The pam_group PAM module does not authenticate the user, but instead
    it grants group memberships (in the credential setting phase of the authentication module)
    to the user"; each rule is `services;ttys;users;times;groups` (read as pam_group reads them:
    _pam_group_rules); the users field is "a logic list of users, or a UNIX group, or a
    netgroup" (`%group`, `@netgroup`; tokens with '!', '&', '|' and the wildcard '*'); the
    groups field lists the groups granted, each name a run of letters, digits, '_', '*' and
    '-' that any other character ends (pam_group.c mkgrplist/find_member: `audio|libvirt`,
    `audio:libvirt` and `libvirt.admins` all grant libvirt, R40A-1). A users field of plain
    names (joined by '|') is those accounts; `*` is EVERY_USER; any other (a group, a netgroup,
    a negation, '&') is marked unresolved. Whether a PAM stack runs pam_group.so is not read
    (Debian's /etc/pam.d/login does: `auth optional pam_group.so`), and the services, ttys and
    times fields only narrow when a grant applies: neither is read, so a rule counts as if it
    always applied."""
    out: dict[str, set[str]] = {}
    for _, _, users_field, _, groups_field in _pam_group_rules(data):
        users = re.sub(r"\s+", "", users_field)
        if users == "*":
            who = {EVERY_USER}
        elif users and re.fullmatch(
            r"[A-Za-z0-9._][A-Za-z0-9._-]*(\|[A-Za-z0-9._][A-Za-z0-9._-]*)*", users
        ):
            who = set(users.split("|"))
        else:
            who = {f"{PAM_GROUP_USERS}{users or '(empty)'}{UNRESOLVED}"}
        for group in re.findall(r"[A-Za-z0-9_*-]+", groups_field):
            out.setdefault(group, set()).update(who)
    return out


PAM_GROUP_BUFLEN = 1000
"""Linux-PAM modules/pam_group/pam_group.c: the bytes read_field's buffer holds."""


def _pam_group_fields(data: bytes) -> Iterator[tuple[str, bool]]:
    """The fields of /etc/security/group.conf as Linux-PAM's pam_group.c read_field returns them,
    each with whether a ';' (FIELD_SEPARATOR, state STATE_FIELD) rather than a newline ended
    it: '#' starts a comment in which every character but the newline is skipped (a backslash
    ending a comment continues nothing), a backslash before a newline is dropped with it (the
    two lines join with no space between them), the newline ends the field; blanks run
    together and are trimmed. read_field scans a buffer of PAM_GROUP_BUFLEN (1000) bytes that
    starts where the field starts (shift_buf moves what is left of the last read to its front,
    pam_modutil_read fills the rest from the file) and ends at its first NUL byte. A scan that
    runs out of buffer before a terminator, outside a comment, logs "field too long -
    ignored", empties the field (`**buf = '\\0'`) and leaves read_field in STATE_COMMENT with
    the buffer spent (`*from = 0`): the next read skips the rest of the line, a backslash
    before its newline included; inside a comment it keeps the text before the '#'. So the last
    line of a file with no final newline grants nothing (R43A-1), nor does a rule with a field
    of 1000 bytes or more, and the line after such a rule's backslash-newline is a rule of
    its own (R44A-1)."""
    pos = 0  # the file offset pam_modutil_read reads from next
    buf = b""
    taken = 0  # read_field's *from: where the next field starts in buf; 0 reads afresh
    comment = False
    while True:
        rest = buf[taken:].split(b"\0", 1)[0] if taken else b""  # shift_buf stops at a NUL
        buf = rest + data[pos : pos + PAM_GROUP_BUFLEN - len(rest)]
        pos += len(buf) - len(rest)
        if not buf:
            return  # STATE_EOF
        field = bytearray()
        onspace = True  # read_field deletes leading blanks
        ended: bool | None = None
        i = 0
        while i < len(buf) and buf[i] != 0:
            c = buf[i : i + 1]
            if comment and c != b"\n":
                pass
            elif c == b"\n":
                comment, ended = False, False
            elif c in b" \t":
                if not onspace:
                    onspace = True
                    field += b" "
            elif c == b"!":
                onspace = True
                field += c
            elif c == b"#":
                comment = True
            elif c == b";":
                ended = True
            elif c == b"\\" and buf[i + 1 : i + 2] == b"\n":
                i += 1
            else:
                field += c
                onspace = False
            if ended is not None:
                break
            i += 1
        if ended is None:  # the buffer ran out before a terminator
            yield ("" if not comment else field.rstrip(b" ").decode(errors="replace")), False
            comment, taken = True, 0
        else:
            yield field.rstrip(b" ").decode(errors="replace"), ended
            taken = i + 1


def _pam_group_rules(data: bytes) -> Iterator[tuple[str, str, str, str, str]]:
    """The rules pam_group applies from group.conf's fields (_pam_group_fields), as pam_group.c
    check_account takes them: an empty first field (an empty line, a comment, a lone ';') is
    skipped and the next field starts the rule; a rule whose first four fields do not each end
    with ';' is malformed and skipped, the next field starting over; a fifth field ended by ';'
    is "poorly terminated": the rule is skipped and the field after it starts the next one
    (`;*;*;*;Al0000-2400;libvirt` and `a;b;c;d;e;*;*;*;Al0000-2400;libvirt` each hold a rule
    granting libvirt to every login, R40A-1)."""
    fields = list(_pam_group_fields(data))
    i = 0
    while i < len(fields):
        first, more = fields[i]
        i += 1
        if not first or not more:
            continue
        rule = [first]
        while len(rule) < 5 and i < len(fields):
            value, more = fields[i]
            i += 1
            rule.append(value)
            if len(rule) < 5 and not more:
                break  # malformed: the next line starts over
        if len(rule) == 5 and not more:
            yield rule[0], rule[1], rule[2], rule[3], rule[4]


PAM_GROUP_USERS = "pam_group users "
"""Starts the marker _pam_group_grants keeps for a users field it does not resolve to names."""


def pam_group_users_field(who: str) -> str:
    """The group.conf users field a HostFacts.login_groups entry stands for: `*` for
    EVERY_USER, the field itself for an unresolved marker, else the account's name."""
    if who == EVERY_USER:
        return "*"
    if who.startswith(PAM_GROUP_USERS) and who.endswith(UNRESOLVED):
        return who.removeprefix(PAM_GROUP_USERS).removesuffix(UNRESOLVED)
    return who


def pam_group_user_matches(users: str, user: str, in_group: Callable[[str], bool]) -> bool | None:
    """Whether pam_group's rule with users field `users` (whitespace removed) applies to the
    login account `user`, `in_group(name)` telling whether that account is in a group (primary
    or listed member); None for a netgroup (`@name`, innetgr: not in the evidence). Linux-PAM
    modules/pam_group/pam_group.c check_account: a field starting with '@' is a netgroup, with
    '%' a UNIX group (`pam_modutil_user_in_group_nam_nam(pamh, user, &buffer[1])`, the rest
    of the field one group name, the user's primary group counting: getgrouplist), else
    logic_field(is_same): tokens read left to right, each folded into the result by the
    operator before it ('|' or, '&' and, OR to start), a '!' toggling the negation of the
    tokens after it (the flag is not reset), and is_same's '*' matching the rest of the name
    from its place ("*" every name, "a*" and "*x" a prefix and suffix)."""
    if users.startswith("@"):
        return None
    if users.startswith("%"):
        return in_group(users[1:])
    result, negate, oper, expect_value = False, False, "|", True
    # logic_member: a token is a run of letters, digits and `*_-./:`; other characters part
    # tokens and are skipped
    for tok in re.findall(r"[A-Za-z0-9*_.\-/:]+|[&|!]", users):
        if expect_value:
            if tok == "!":
                negate = not negate
                continue
            if tok in ("&", "|"):
                return False  # "garbled syntax; expected name": the rule does not apply
            right = negate ^ _pam_is_same(user, tok)
            result = (result and right) if oper == "&" else (result or right)
            expect_value = False
        elif tok in ("&", "|"):
            oper, expect_value = tok, True
        else:
            return False  # "garbled syntax; expected & or |"
    return result


def _pam_is_same(name: str, pattern: str) -> bool:
    """pam_group.c is_same: `pattern` equals `name`, or up to its first '*' it does and the
    rest of the pattern after the '*' ends the name (the whole rest when nothing follows)."""
    star = pattern.find("*")
    if star < 0:
        return name == pattern
    head, tail = pattern[:star], pattern[star + 1 :]
    return name.startswith(head) and (not tail or name.endswith(tail))


def _gshadow_reach(text: str, groups: dict[str, set[str]]) -> tuple[dict[str, set[str]], set[str]]:
    """Who /etc/gshadow lets into each group /etc/group holds, beyond its members there: (group
    -> its gshadow members and administrators, the groups with a password set). gshadow(5):
    `name:password:administrators:members`. shadow-utils' newgrp.c (read with `read_file`)
    takes the group's password and member list from gshadow (`grp->gr_passwd =
    sgrp->sg_passwd; grp->gr_mem = sgrp->sg_mem;`), admits a listed member without a password
    and adds the gid to the caller's group set (`LSEARCH(&gid, gids, &ngroups); setgroups`),
    and asks anyone else for the group's password (check_perms; an empty field, or a `!`/`*`
    one no crypt(3) result equals, admits no one). gpasswd.c check_perms: "1) you must be root
    or 2) you must be listed as an administrative member" (`!is_on_list (sg->sg_adm, myname)`),
    and `gpasswd -a user group` then adds any user, the administrator too, to /etc/group's
    member list. Groups /etc/group does not hold are left out (newgrp's getgrnam finds none)."""
    reach: dict[str, set[str]] = {}
    password: set[str] = set()
    for raw in text.split("\n"):
        parts = raw.split(":")
        if len(parts) != 4 or not parts[0] or parts[0] not in groups:
            continue
        name, secret, admins, members = parts
        names = {m.strip() for m in f"{admins},{members}".split(",") if m.strip()}
        names -= groups[name]
        if names:
            reach[name] = names
        # the bundle writer keeps `!` and "" and replaces a password by REDACTED (`***...`)
        if secret == REDACTED or (secret and not secret.startswith(("!", "*"))):
            password.add(name)
    return reach, password


def _is_group_password(secret: str) -> bool:
    """Whether a (redacted) group password field holds a password newgrp can match: the bundle
    writer keeps "", `!` and /etc/group's `x` and replaces a password by REDACTED (`***...`)."""
    return secret == REDACTED or (secret not in ("", "x") and not secret.startswith(("!", "*")))


def _group_file_passwords(group_text: str, gshadow_text: str) -> set[str]:
    """The groups whose /etc/group entry (group(5) `group_name:password:GID:user_list`) holds a
    password that newgrp uses: those gshadow has no entry for. shadow-utils newgrp.c (read with
    `read_file`) takes the password from gshadow only `if (NULL != sgrp)` (`sgrp =
    getsgnam (group)`), else keeps getgrnam's `grp->gr_passwd`, and check_perms asks a
    non-member for it (`pw_encrypt (cp, grp->gr_passwd)` must equal it). `x` (group(5): kept in
    gshadow) and `!`/`*` match no crypt(3) result; an empty one admits no one."""
    shadowed = {parts[0] for raw in gshadow_text.split("\n") if len(parts := raw.split(":")) == 4}
    return {
        name
        for name, _, _, parts in _nss_entries(group_text, 4)
        if name not in shadowed and _is_group_password(parts[1])
    }


def _short_hostname(ev: HostEvidence) -> str | None:
    """The kernel's host name up to its first '.' (sudo's user.shost), None when unread."""
    got = ev.get(_file("/proc/sys/kernel/hostname"))
    name = _first(got) if got.state == "ok" else ""
    return name.split(".", 1)[0] or None


def _doas_identity(
    identity: str, ev: HostEvidence, groups: dict[str, set[str]], gid_names: dict[str, str]
) -> set[str]:
    """The accounts a doas.conf identity matches: a user (a numeric ID is the account with that
    uid), or with a leading ':' a group's members (a numeric group ID is the group with that
    gid); a group with no members in the evidence is marked unresolved."""
    if identity.startswith(":"):
        name = gid_names.get(identity[1:], identity[1:])
        return set(groups[name]) if groups.get(name) else {f"%{name}{UNRESOLVED}"}
    if digits(identity):
        passwd = ev.get(_file("/etc/passwd"))
        for name, uid, _, _ in _nss_entries(passwd.text if passwd.state == "ok" else "", 7):
            if uid == _nss_id(identity):
                return {name}
    return {identity}


def _doas_d_files(text: str) -> list[tuple[str, str]]:
    """The files of /etc/doas.d that Alpine's doas reads after /etc/doas.conf, in its order, from
    `grep -R -H ""` output. aports main/doas configuration-directory.patch (parseconfdir, "read
    both /etc/doas.conf and /etc/doas.d/*.conf if confdir is enabled"): `scandir(dirpath, ...,
    alphasort)` (doas calls no setlocale: byte order), every entry whose path ends in ".conf"
    and that stat() finds a regular file (a link to one too), each parsed as doas.conf; a
    directory below is not entered. Its rules follow doas.conf's and the last matching rule
    decides (doas.c permit). Between 6.8.1-r4 and 6.8.2-r4 the package read /etc/doas.d
    alone where it existed (doas.post-upgrade): reading doas.conf first as well counts at most
    a rule that release ignored (R36A-1)."""
    out = []
    for path, lines in sorted(_by_file(text).items(), key=lambda kv: kv[0].encode()):
        where, _, name = path.rpartition("/")
        if where == "/etc/doas.d" and name.endswith(".conf"):
            out.append((path, "\n".join(lines) + "\n"))
    return out


def _doas_rules(text: str) -> list[tuple[bool, str, str | None, bool]]:
    """/etc/doas.conf's rules as (permit, identity, target or None, restricted to a command). doas.conf(5) (OpenDoas 6.8.2, found with `search`): `permit|deny
    [options] identity [as target] [cmd command [args ...]]`; options nopass, nolog, persist,
    keepenv and `setenv { ... }`; identity "The username to match. Groups may be specified by
    prepending a colon (':'). Numeric IDs are also accepted."; `as target` "The default is all
    users" (root among them); `cmd` "The default is all commands". A `#` starts a comment and a
    backslash escapes the next character, a newline too; double quotes group words. ValueError when a rule does
    not read as that grammar (doas itself then refuses the whole file, but the file is judged
    unread rather than harmless)."""
    rules: list[tuple[bool, str, str | None, bool]] = []
    for n, line in enumerate(text.replace("\\\n", " ").splitlines(), 1):
        try:
            words = shlex.split(line, comments=True)
        except ValueError as err:
            raise ValueError(f"line {n}: {err}") from None
        # `setenv{ A }` as `setenv { A }`: a brace read as a word of its own never hides the
        # identity behind it (and if doas refuses the spelling, counting it only over-counts)
        words = [w for word in words for w in re.split(r"([{}])", word) if w]
        if not words:
            continue
        if words[0] not in ("permit", "deny"):
            raise ValueError(f"line {n}: {words[0]!r} is neither permit nor deny")
        i = 1
        while i < len(words) and words[i] in ("nopass", "nolog", "persist", "keepenv", "setenv"):
            if words[i] == "setenv":
                while i < len(words) and not words[i].endswith("}"):
                    i += 1
            i += 1
        if i >= len(words) or words[i] in ("as", "cmd", "args", "{", "}"):
            raise ValueError(f"line {n}: no identity")
        item = words[i]
        rest = words[i + 1 :]
        target = None
        if rest[:1] == ["as"]:
            if len(rest) < 2:
                raise ValueError(f"line {n}: `as` without a target")
            target, rest = rest[1], rest[2:]
        if rest and rest[0] != "cmd":
            raise ValueError(f"line {n}: unexpected {rest[0]!r}")
        rules.append((words[0] == "permit", item, target, bool(rest)))
    return rules


#: the command that answers a question on polkit's declared action defaults (R52S-1): the
#: lines of each action's id and implicit authorizations (polkit(8), DECLARING ACTIONS)
POLKIT_ACTIONS_RUN = "`grep -R -H -E '<action|<allow_' /usr/share/polkit-1/actions`"


def _with_declared_default(
    ev: HostEvidence, rules: Fact[tuple[tuple[str, str], ...]], action: str
) -> Fact[tuple[tuple[str, str], ...]]:
    """The grants of `action` the rules make (file, "kind:name"), with a grant to every account
    (EVERYONE) where the action's declared default (its .policy file's allow_any,
    allow_inactive or allow_active) is yes or auth_self: polkit applies it to every subject no
    rule answers for (polkit(8), DECLARING ACTIONS; R25A-4). Unavailable where the declarations
    could not be read."""
    if not rules.known:
        return rules
    got = ev.get(_cmd("polkit-actions"))
    if got.state == "absent":
        # grep not found: the declared defaults are unread, never none (R52S-1)
        return Fact.unavailable(
            f"the polkit actions' declarations were not read ({got.reason or 'grep not found'}); "
            f"{POLKIT_ACTIONS_RUN} answers",
            got.source,
        )
    why = "" if got.state == "uncollected" else _grep_unanswered(got)
    if why:
        return Fact.unavailable(
            f"the polkit actions' declarations could not be read ({why})", got.source
        )
    if got.state != "ok":
        return rules
    found = [
        (f"{path} (default allow_{kind} {value})", f"user:{polkit.EVERYONE}")
        for path, kind, value in polkit.default_grants(_by_file(got.text), action)
    ]
    if not found:
        return rules
    return Fact.of((*rules.get(), *found), *rules.sources, got.source)


def _polkit_libvirt_managers(ev: HostEvidence) -> tuple[list[str], list[str], list[Source]]:
    """Groups and users polkit lets manage libvirt or act as administrators: every grant of
    org.libvirt.unix.manage (full management of the daemon, libvirt docs/auth.rst; the ArchWiki
    recipe `action.id == "org.libvirt.unix.manage" && subject.isInGroup("mykvm")`) in a .rules
    function or a .pkla section (parse/polkit.py), and every identity administrator
    authentication accepts (addAdminRule, AdminIdentities: their own password then passes every
    auth_admin action, pkexec's org.freedesktop.policykit.exec, i.e. a root shell, among them).
    A grant of org.freedesktop.policykit.exec itself counts the same way (pkexec(1): "pkexec
    allows an authorized user to execute PROGRAM as another user. If username is not specified,
    then the program will be executed as the administrative super user, root"; found with
    `search`): whatever program the rule names, as a narrow sudo rule counts (R22A-1).
    EVERY_USER when a grant tests no subject; a subject test of another shape is unresolved.
    EVERY_USER too where one of these actions' declared defaults (its .policy file's
    allow_any, allow_inactive or allow_active) is yes or auth_self: polkit applies them to every
    subject no rule answers for (R25A-4). Every action a .policy file annotates with
    org.freedesktop.policykit.exec.path counts as pkexec's own does: pkexec checks it for that
    program instead (polkit's pkexec.c find_action_for_path), run as root (R25A-5). A numeric
    identity (`unix-user:1000`, `unix-group:50`) is the account or group with that id
    (polkitidentity.c polkit_identity_from_string; R25A-8)."""
    groups: list[str] = []
    users: list[str] = []
    sources: list[Source] = []
    # an action's declared default (`<allow_any>yes</allow_any>`) lets through every subject
    # no rule answers for (R25A-4)
    declared = ev.get(_cmd("polkit-actions"))
    # pkexec checks a program's own action where one is annotated with its path (R25A-5)
    exec_actions = polkit.exec_actions(_by_file(declared.text)) if declared.state == "ok" else {}
    if declared.state == "ok":
        actions = _by_file(declared.text)
        for action in (
            "org.libvirt.unix.manage",
            PKEXEC_ACTION,
            *ROOT_COMMAND_ACTIONS,
            *ROOT_EQUIVALENT_ACTIONS,
            *exec_actions,
        ):
            if polkit.default_grants(actions, action):
                users.append(EVERY_USER)
                sources = [declared.source]
    got = ev.get(_cmd("polkit-rules"))
    if got.state != "ok":
        return groups, users, sources
    files = _by_file(got.text)
    passwd = ev.get(_file("/etc/passwd"))
    gid_names = _gid_names(ev)
    uid_names: dict[int | None, str] = {}
    for name, uid, _, _ in _nss_entries(passwd.text if passwd.state == "ok" else "", 7):
        uid_names.setdefault(uid, name)
    found = [
        *polkit.grants(files, "org.libvirt.unix.manage"),
        *polkit.grants(files, PKEXEC_ACTION),
        *polkit.admin_identities(files),
    ]
    for action in (*ROOT_COMMAND_ACTIONS, *ROOT_EQUIVALENT_ACTIONS, *exec_actions):
        for g in polkit.grants(files, action):
            if re.search(r"\baction\s*\.\s*lookup\b", "\n".join(files.get(g.path, []))):
                # narrowed by a detail (unit name, target user) hvaudit does not read
                g = polkit.Grant(
                    g.path, "unresolved", f"{g.path} ({action} narrowed by action.lookup)"
                )
            found.append(g)
    for g in found:
        if g.name == polkit.EVERYONE:
            users.append(EVERY_USER)
        elif g.kind == "group":
            # `unix-group:50` is the group with that gid (R25A-8)
            groups.append(gid_names.get(g.name, g.name) if digits(g.name) else g.name)
        elif g.kind == "user" and digits(g.name):
            # polkit's identity `unix-user:1000` is the account with that uid (R25A-8)
            users.append(uid_names.get(_nss_id(g.name), g.name))
        elif g.kind == "user":
            users.append(g.name)
        elif g.kind == "netgroup":
            users.append(f"+{g.name}{UNRESOLVED}")
        else:
            users.append(f"polkit rule {g.name}{UNRESOLVED}")
    return groups, users, [*sources, *([got.source] if found else [])]


def _sudo_nss_sources(text: str) -> list[str]:
    """The sources sudo reads its rules from, as sudo reads nsswitch.conf itself (sudo's
    plugins/sudoers/sudo_nss.c sudo_read_nss, read with `find_string`): the first line that
    starts with "sudoers:" in any case (strncasecmp; "Only parse the first "sudoers:" line"),
    its words split at blanks and compared in any case (strcasecmp "sss", "ldap"). Returned
    lower-cased; `[NOTFOUND=return]`-style actions are not sources."""
    for line in text.splitlines():
        body = line.split("#", 1)[0].strip()
        if body[:8].lower() == "sudoers:":
            return [w.lower() for w in body[8:].split() if not w.startswith("[")]
    return []


#: glibc 2.33 replaced nsswitch.c's reader by nss/nss_database.c ("Coming in glibc 2.33:
#: reloadable nsswitch.conf", Red Hat Developer blog, 2021-01-15; DJ Delorie's "nss: Implement
#: <nss_database.h>"): its process_line stores each line's sources with `data->services[db] =
#: result`, so a database named on two lines takes the LAST one, where the old nsswitch.c's
#: __nss_database_lookup returned the first entry for the database (both read with
#: `read_file`/`find_string`: llvm-project's glibc/nss/nss_database.c, nsswitch.c).
GLIBC_LAST_NSS_LINE = (2, 33)


def _glibc_nss_lines(text: str, database: str) -> list[tuple[int, list[str]]]:
    """(line number, sources) of each nsswitch.conf line for a glibc database, as
    nss_database.c process_line reads it: leading blanks skipped, the name runs to a blank or
    ':' and is compared exactly (`passwd`, not `Passwd`), then every blank and ':' is skipped,
    so `passwd files ldap` and `passwd : files ldap` name sources as `passwd: files ldap`
    does; nss_action_parse reads each source name up to a blank or '[' and the `[STATUS=ACTION]`
    groups are actions, not sources. Text after '#' is a comment (nsswitch.c nss_parse_file:
    "search forward for the next '#' character and if found make it terminating the line")."""
    out = []
    for no, raw in enumerate(text.splitlines(), 1):
        m = re.match(r"\s*([^\s:]+)([\s:].*)?$", raw.split("#", 1)[0])
        if m is None or m.group(1) != database:
            continue
        rest = re.sub(r"\[[^\]]*\]?", " ", (m.group(2) or "").lstrip(" \t\r\f\v:"))
        out.append((no, rest.split()))
    return out


def _glibc_version(ev: HostEvidence) -> tuple[int, int] | None:
    """glibc's version from the package list (Debian's libc6, RPM distributions' glibc)."""
    packages = _packages(ev)
    for name in ("libc6", "glibc") if packages.known else ():
        m = re.match(r"(?:[0-9]+:)?([0-9]+)\.([0-9]+)", packages.get().get(name, ""))
        if m:
            return int(m.group(1)), int(m.group(2))
    return None


def _nss_database(ev: HostEvidence, text: str, database: str) -> tuple[list[str] | None, str]:
    """The sources glibc uses for `database` ([] without a line), or None and why it cannot be
    told: the database named on lines with different sources where the glibc version, which
    decides between the first (before 2.33) and the last (GLIBC_LAST_NSS_LINE), is unknown."""
    lines = _glibc_nss_lines(text, database)
    if len({tuple(sources) for _, sources in lines}) <= 1:
        return (lines[-1][1] if lines else []), ""
    version = _glibc_version(ev)
    if version is None:
        shown = "; ".join(f"line {n}: {' '.join(s) or '(none)'}" for n, s in lines[:4])
        return None, (
            f"/etc/nsswitch.conf names {database} on {len(lines)} lines with different sources "
            f"({shown}); glibc 2.33 and later use the last, earlier releases the first, and the "
            "glibc version was not read"
        )
    return (lines[-1] if version >= GLIBC_LAST_NSS_LINE else lines[0])[1], ""


DOCKER_UNITS = ("docker.service", "docker.socket")
CONTAINER_DAEMON_UNITS = {
    "dockerd": DOCKER_UNITS,
    "lxd": ("lxd.service", "lxd.socket", "snap.lxd.daemon.service", "snap.lxd.daemon.unix.socket"),
    "incusd": ("incus.service", "incus.socket"),
}


def _container_daemon_groups(
    ev: HostEvidence, ps_text: str
) -> tuple[list[str], list[str], list[str]] | Fact[Any]:
    """(groups, accounts, runners) a container daemon hands its API to, runners the accounts
    other than root whose podman.service TCP API every user reaches at the next start (a
    chained grant, R33A-1): the groups where the daemon runs now or one of its
    units is enabled (it starts at the next boot, or on the first connection, whether or not a
    socket is there to stat now) (R25E-1). dockerd's group is its `-G`/`--group` flag, else
    daemon.json's "group", else "docker" (moby cmd/dockerd/config_unix.go:
    `flags.StringVarP(&conf.SocketGroup, "group", "G", "docker", "Group for the unix socket")`):
    every unix socket it creates, at whatever `-H unix://` path or daemon.json "hosts" entry,
    gets that group, so the group counts wherever the socket is. A unit list systemctl did not
    answer is an error, never "nothing enabled"; no systemctl is no systemd to start them.
    A dockerd listening on TCP (`-H tcp://...` or a daemon.json "hosts" entry) without
    --tlsverify (or daemon.json "tlsverify": true) asks no one who connects for anything: moby
    cmd/dockerd/daemon.go loadListeners warns "Binding to IP address without --tlsverify is
    insecure and gives root access on this machine to everyone who has access to your
    network" (authEnabled only with tls.RequireAndVerifyClientCert), so it counts EVERY_USER
    (R25E-2)."""
    running: dict[str, list[str]] = {}
    for exe, words in _commands(ps_text):
        running.setdefault(exe, words)
    units = ev.get(_cmd("container-units"))
    enabled: set[str] = set()
    masked: set[str] = set()
    if units.state not in ("uncollected", "absent"):
        why = _systemctl_unanswered(units)
        if why:
            return Fact.failed(
                f"the container daemons' units were not listed ({why}): whether docker, LXD or "
                "Incus starts at the next boot is unknown",
                units.source,
            )
        for line in units.text.splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[0] in CONTAINER_UNITS and parts[1] in UNIT_ENABLED_STATES:
                enabled.add(parts[0])
            if len(parts) >= 2 and parts[1] in ("masked", "masked-runtime"):
                masked.add(parts[0])  # a masked unit never starts (systemctl(1) mask)
    # listening socket units of any name that activate a container daemon's service: the
    # first connection starts it, running, enabled or not (R28A-1)
    activations = _container_socket_activations(ev)
    if isinstance(activations, Fact):
        return activations
    activated = {daemon for _, _, daemon in activations}
    groups: list[str] = []
    users: list[str] = []
    runners: list[str] = []
    # the socket units that start with a counted daemon (docker.service Requires=docker.socket,
    # moby contrib/init/systemd), and whether their daemon serves a TCP socket unauthenticated
    starting: set[str] = set()
    tcp_served: dict[str, bool] = {}
    for daemon, group in CONTAINER_DAEMON_GROUPS:
        if (
            daemon not in running
            and daemon not in activated
            and not enabled & set(CONTAINER_DAEMON_UNITS[daemon])
        ):
            continue
        if daemon == "dockerd":
            conf = ev.get(_file("/etc/docker/daemon.json"))
            if conf.state == "failed":
                return Fact.failed(
                    f"/etc/docker/daemon.json: {conf.reason}: the group dockerd gives its "
                    "sockets is unknown",
                    conf.source,
                )
            conf_data = _daemon_json(conf.text if conf.state == "ok" else "")
            # the running dockerd's flags, and those docker.service's next start gives it where
            # the unit starts it (enabled, or activated by a socket): `-G staff` or `-H
            # tcp://0.0.0.0:2375` in a drop-in's ExecStart= applies at the next boot though
            # dockerd is stopped now or runs with other flags (R31A-2)
            argvs = [running[daemon]] if daemon in running else []
            if enabled & set(DOCKER_UNITS) or daemon in activated:
                nxt = _container_unit_argv(ev, "docker", "dockerd")
                if isinstance(nxt, Fact):
                    return nxt
                argvs += [nxt] if nxt is not None else []
            verified_all = True
            for words in argvs or [[]]:
                group_of, every, verified, unlisted = _dockerd_reach(
                    ev, words, conf_data, group, bool(argvs)
                )
                if unlisted:
                    return Fact.unavailable(
                        f"dockerd serves the sockets systemd passes it (-H fd://) without "
                        f"--tlsverify, but the listening sockets were not read ({unlisted}): "
                        "whether it holds a TCP socket, which every user may connect to, is "
                        "unknown",
                        Source(_cmd("listeners")),
                    )
                groups.append(group_of)
                users.extend([EVERY_USER] if every else [])
                verified_all = verified_all and verified
            tcp_served[DOCKER_UNITS[1]] = not verified_all
            # a socket systemd listens on for docker.service: `-H fd://` serves it, over TLS
            # only with --tlsverify (moby listeners_linux.go listenFD) (R28A-1)
            if not verified_all and any(
                d == daemon and not addr.startswith("/") for addr, _, d in activations
            ):
                users.append(EVERY_USER)
            starting.update(u for u in CONTAINER_SOCKET_UNITS if u in DOCKER_UNITS)
            continue
        groups.append(group)
        starting.update(u for u in CONTAINER_SOCKET_UNITS if u in CONTAINER_DAEMON_UNITS[daemon])
    if "podman" in activated and any(
        d == "podman" and not addr.startswith("/") for addr, _, d in activations
    ):
        users.append(EVERY_USER)  # podman-system-service(1): no authentication (R28A-1)
    if any(u in ("root", "0") for u in _podman_tcp_users(ps_text)):
        users.append(EVERY_USER)  # the same API on a TCP URI it was given (R29A-5)
    if ("podman.service" in enabled or "podman" in activated) and "podman.service" not in masked:
        # podman.service's next start: a drop-in's `podman system service tcp:...` listens on
        # that URI, socket-activated or not (containers/podman cmd/podman/system/service_abi.go
        # restService: with a URI given it parses it and listens, `case "tcp":`), as the
        # unit's User=, root unless set (systemd.exec(5) User=) (R31A-2)
        nxt = _container_unit_argv(ev, "podman", "podman")
        if isinstance(nxt, Fact):
            return nxt
        got = ev.get(_cmd("container-service-unit-files"))
        user = next(
            (v for _, k, v in reversed(list(_service_settings(got.text, "podman"))) if k == "User"),
            "",
        )
        line = f"0 {user or 'root'} {' '.join(nxt or [])}"
        for runner in _podman_tcp_users(line) if nxt else []:
            # root's counts every user; another account's is a chained grant from every user
            # to that account (R30A-2), a name or a numeric uid (systemd.exec(5) User=: "Takes
            # a single user or group name or ID") (R33A-1)
            if runner in ("root", "0"):
                users.append(EVERY_USER)
            else:
                runners.append(runner)
    unread = [
        f"{unit} ({addr})"
        for addr, unit, _ in activations
        if addr.startswith("/")
        and unit not in CONTAINER_SOCKET_UNITS
        and addr not in CONTAINER_SOCKETS
    ]
    if unread:
        return Fact.unavailable(
            f"{', '.join(unread[:4])} starts a container daemon on the first connection; its "
            "socket's group and mode were not collected: who may connect is unknown",
            *(
                g.source
                for k in ("socket-activations", "socket-units-loaded", "socket-unit-states")
                if (g := ev.get(_cmd(k))).state == "ok"
            ),
        )
    starting.update(unit for _, unit, _ in activations if unit in CONTAINER_SOCKET_UNITS)
    if enabled & {"podman.socket"}:
        # `podman system service` takes every socket systemd passes it; over TCP it asks no
        # one for anything (podman-system-service(1): "the API grants full access to Podman's
        # capabilities ... we strongly recommend against making the API socket available via
        # the network")
        starting.add("podman.socket")
        tcp_served["podman.socket"] = True
    ctrd = _containerd_writers(ev, running, enabled - masked)
    if isinstance(ctrd, Fact):
        return ctrd
    groups += ctrd[0]
    users += ctrd[1]
    starting -= masked
    if starting:
        more = _container_socket_unit_writers(ev, starting, tcp_served)
        if isinstance(more, Fact):
            return more
        groups += more[0]
        users += more[1]
    return groups, users, runners


def _dockerd_reach(
    ev: HostEvidence, words: list[str], conf_data: dict[str, Any], group: str, known: bool
) -> tuple[str, bool, bool, str]:
    """For one dockerd argv (the running one, or the one docker.service's next start gives;
    `known` False where neither was read): the group of the unix sockets it creates, whether
    it serves TCP to every user (no --tlsverify), whether it verifies TLS clients, and why
    whether it serves a TCP socket systemd passed it is unknown ("" where known,
    _dockerd_serves_tcp_fd). See _container_daemon_groups."""
    flag = (_pflag_values(words, "-G", "--group") or [""])[-1]
    json_group = conf_data.get("group")
    group = flag or (json_group if isinstance(json_group, str) else "") or group
    if digits(group) and group not in _group_names(ev):
        # moby daemon/listeners/group_unix.go lookupGID: the group of that name, else the
        # number as a gid (R29A-7)
        group = _gid_names(ev).get(str(int(group)), group)
    json_hosts = conf_data.get("hosts")
    hosts = _pflag_values(words, "-H", "--host") + [
        h for h in (json_hosts if isinstance(json_hosts, list) else []) if isinstance(h, str)
    ]
    verify = [v.lower() for v in _pflag_values(words, "", "--tlsverify", boolean=True)]
    verified = (
        (verify[-1] in ("", "true", "1", "t")) if verify else (conf_data.get("tlsverify") is True)
    )
    every = False
    # moby opts/hosts.go parseDockerDaemonHost: an address without "://" is TCP
    # (`-H 0.0.0.0:2375`, `-H :2375`, daemon.json "hosts": ["0.0.0.0:2375"]) (R27A-1)
    if any(_docker_tcp_host(h) for h in hosts) and not verified:
        every = True
    # a dockerd started with no -H and no "hosts" listens on the default host, TCP
    # localhost:2376 where TLS is on (moby cmd/dockerd/daemon.go normalizeHosts,
    # opts/hosts.go ParseHost: `if defaultToTLS { host = DefaultTLSHost }`); TLS is on
    # with --tls or tlsverify set at all, false included ("if they specify TLSVerify
    # at all then we need to turn on TLS") (R29A-4)
    tls_flag = [v.lower() for v in _pflag_values(words, "", "--tls", boolean=True)]
    tls_on = (
        bool(verify)
        or "tlsverify" in conf_data
        or (tls_flag[-1] in ("", "true", "1", "t") if tls_flag else False)
        or conf_data.get("tls") is True
    )
    if known and not hosts and tls_on and not verified:
        every = True
    unread = ""
    if not verified:
        served, unread = _dockerd_serves_tcp_fd(ev, hosts)
        every = every or served
    return group, every, verified, "" if every else unread


def _container_unit_argv(ev: HostEvidence, unit: str, program: str) -> list[str] | Fact[Any] | None:
    """The argv `<unit>.service`'s next start gives `program` (its ExecStart= with the unit's
    environment put in, _unit_args), None where no such unit was read (no systemd, or no
    ExecStart=); a Fact where `systemctl cat` gave no answer or a variable's EnvironmentFile=
    was not read: the flags the daemon starts with at the next boot are then unknown (R31A-2)."""
    got = ev.get(_cmd("container-service-unit-files"))
    if got.state == "absent":
        return None
    if got.state == "uncollected":
        return Fact.unavailable(
            f"{unit}.service was not collected (a bundle of an older hvaudit): the flags its "
            f"next start gives {program} are unknown",
            got.source,
        )
    why = _systemctl_unanswered(got)
    if why:
        return Fact.failed(
            f"{unit}.service was not read ({why}): the flags its next start gives {program} "
            "are unknown",
            got.source,
        )
    args = _unit_args(ev, got, unit)
    if not args.known:
        return Fact.unavailable(
            f"{args.reason}: the flags {unit}.service's next start gives {program} are unknown",
            *args.sources,
        )
    found = args.get()
    if found is None:
        return None
    # dockerd's --tlsverify defaults to true where DOCKER_TLS_VERIFY is non-empty in its
    # environment (moby cmd/dockerd/options.go: `dockerTLSVerify = os.Getenv("DOCKER_TLS_VERIFY")
    # != ""`, installFlags `flags.BoolVar(&o.TLSVerify, FlagTLSVerify, dockerTLSVerify ||
    # DefaultTLSValue, ...)`): a default, so it stands first and an explicit --tlsverify=false
    # in ExecStart= still wins (R33A-4)
    pre = ["--tlsverify"] if program == "dockerd" and found[2].get("DOCKER_TLS_VERIFY") else []
    return [program, *pre, *found[0]]


def _podman_tcp_users(ps_text: str) -> list[str]:
    """The accounts (ps's user column: a name, or a uid no name is given for) that run
    `podman system service` on a TCP URI: containers/podman cmd/podman/system/service_abi.go
    restService listens with `case "tcp":` on uri.Host or uri.Opaque ("tcp:<host>:<port> and
    tcp://<host>:<port>"; Go's url.Parse lowers the scheme), and its API asks no one for
    anything (podman-system-service(1): "should be treated as allowing arbitrary code
    execution as the user running the API"), so every user who reaches it acts as that
    account: root's makes every user root (R29A-5), an administrator's every user an
    administrator (R30A-2). A unix URI gets the account's umask and, rootless, its
    $XDG_RUNTIME_DIR (the account's alone)."""
    users: list[str] = []
    for line in ps_text.splitlines():
        parts = line.split(None, 2)
        words = parts[2].split() if len(parts) == 3 else []
        if not words or words[0].rsplit("/", 1)[-1] != "podman":
            continue
        if "system" not in words or "service" not in words[words.index("system") :]:
            continue
        if any(w.lower().startswith("tcp:") for w in words[words.index("service") + 1 :]):
            users.append(parts[1])
    return users


#: The container daemons' services a socket unit may activate (moby contrib/init/systemd
#: docker.service, containers/podman contrib/systemd/system/podman.service, Incus's and LXD's).
CONTAINER_SERVICES = {
    "docker.service": "dockerd",
    "podman.service": "podman",
    "incus.service": "incusd",
    "lxd.service": "lxd",
    "snap.lxd.daemon.service": "lxd",
}


def _container_socket_activations(ev: HostEvidence) -> list[tuple[str, str, str]] | Fact[Any]:
    """(address, socket unit, daemon) for each address a listening socket unit holds for a
    container daemon's service (`systemctl list-sockets --full --no-legend --state=active`:
    LISTEN, UNIT, ACTIVATES columns, systemd src/systemctl/systemctl-list-units.c
    output_sockets_list). Whatever its name (the docker-tcp.socket recipe, ListenStream=2375
    with Service=docker.service), systemd starts the service on the first connection and
    passes it the socket (systemd.socket(5)), so the daemon counts though it is stopped and
    disabled, and an address that is no file path (IP, abstract "@", vsock) is checked by no
    file mode (unix(7)) (R28A-1). A socket unit stopped now counts too where its unit file is
    enabled (UNIT_ENABLED_STATES): the next boot starts it (its [Install] WantedBy=
    sockets.target), and `list-sockets --all` gives its configured addresses and service
    (R29A-3). A listing systemctl did not answer is an error; none collected (an older
    bundle) or no systemctl adds nothing."""
    got = ev.get(_cmd("socket-activations"))
    if got.state in ("uncollected", "absent"):
        return []
    why = _systemctl_unanswered(got)
    if why:
        return Fact.failed(
            f"the listening socket units were not listed ({why}): whether one starts a "
            "container daemon on the first connection is unknown",
            got.source,
        )
    rows = got.text.splitlines()
    loaded, states = ev.get(_cmd("socket-units-loaded")), ev.get(_cmd("socket-unit-states"))
    for g, what in ((loaded, "the stopped socket units"), (states, "the socket units' enablement")):
        why = "" if g.state in ("uncollected", "absent") else _systemctl_unanswered(g)
        if why:
            return Fact.failed(
                f"{what} {'were' if what.endswith('units') else 'was'} not listed ({why}): "
                "whether a stopped one starts a container daemon from the next boot is unknown",
                g.source,
            )
    if loaded.state == "ok" and states.state == "ok":
        enabled = {
            parts[0]
            for parts in (line.split() for line in states.text.splitlines())
            if len(parts) >= 2 and parts[1] in UNIT_ENABLED_STATES
        }
        rows += [
            line
            for line in loaded.text.splitlines()
            if len(line.split()) >= 3 and line.split()[-2] in enabled
        ]
    out = []
    for line in rows:
        parts = line.split()
        daemon = CONTAINER_SERVICES.get(parts[-1]) if len(parts) >= 3 else None
        if daemon:
            out.append((" ".join(parts[:-2]), parts[-2], daemon))
    return list(dict.fromkeys(out))


CONTAINERD_CONFIG = "/etc/containerd/config.toml"


def _containerd_writers(
    ev: HostEvidence, running: dict[str, list[str]], enabled: set[str]
) -> tuple[list[str], list[str]] | Fact[Any]:
    """(groups, accounts) containerd gives its API socket where it runs or containerd.service
    is enabled: containerd-config.toml(5) [grpc] `uid`, `gid` (0 by default) own the socket at
    `address`, and containerd's sys.GetLocalListener chmods it 0660 and chowns it to them
    (containerd/containerd pkg/sys/socket_unix.go), whatever the address, so the gid's group
    and the uid's account count though the socket is elsewhere than the stat'ed path or not
    there now (R28A-2). A config file that could not be read, another file given with
    -c/--config (to the running containerd, or by containerd.service's ExecStart= as its
    drop-ins leave it to the next start, R33A-3), or one that imports others (`imports`)
    leaves them unknown. A [grpc]
    `tcp_address` serves the CRI API on TCP where the CRI plugin's `disable_tcp_service` is
    false (containerd cmd/containerd/server/server.go New registers every plugin's RegisterTCP
    on the tcpServer; criService.RegisterTCP registers unless DisableTCPService, which
    DefaultConfig sets true); that server asks for a client certificate only with both
    `tcp_tls_cert` and `tcp_tls_ca` (tls.RequireAndVerifyClientCert), so without them
    whoever reaches the port creates privileged containers: EVERY_USER (R29A-1)."""
    words = running.get("containerd")
    if words is None and "containerd.service" not in enabled:
        return [], []
    flag = (_pflag_values(words or [], "-c", "--config") or [CONTAINERD_CONFIG])[-1]
    # containerd.service's next start: a drop-in's ExecStart= `--config FILE` (containerd
    # cmd/containerd/command/main.go App: "config,c", "path to the configuration file") is the
    # file containerd reads from the next boot, whatever it runs with now (R33A-3)
    nxt: list[str] | None = None
    if "containerd.service" in enabled:
        got = _container_unit_argv(ev, "containerd", "containerd")
        if isinstance(got, Fact):
            return got
        nxt = got
    next_flag = (_pflag_values(nxt or [], "-c", "--config") or [CONTAINERD_CONFIG])[-1]
    conf = ev.get(_file(CONTAINERD_CONFIG))
    why = ""
    if flag != CONTAINERD_CONFIG:
        why = f"containerd runs with --config {flag}, which is not collected"
    elif next_flag != CONTAINERD_CONFIG:
        why = (
            f"containerd.service's next start gives containerd --config {next_flag}, which is "
            "not collected"
        )
    elif conf.state == "failed":
        why = f"{CONTAINERD_CONFIG}: {conf.reason}"
    elif conf.state == "uncollected":
        why = f"{CONTAINERD_CONFIG} was not collected (a bundle of an older hvaudit)"
    try:
        data = tomllib.loads(conf.text) if conf.state == "ok" else {}
    except tomllib.TOMLDecodeError:
        data = {}  # containerd refuses to start on a file it cannot parse
    if not why and data.get("imports"):
        why = f"{CONTAINERD_CONFIG} imports {data['imports']!r}, which are not collected"
    if why:
        return Fact.unavailable(
            f"{why}: the uid and gid containerd gives its API socket ([grpc] uid, gid) are unknown",
            conf.source,
        )
    grpc = data.get("grpc")
    grpc = grpc if isinstance(grpc, dict) else {}
    groups: list[str] = []
    users: list[str] = []
    gid, uid = grpc.get("gid", 0), grpc.get("uid", 0)
    if isinstance(gid, int) and gid != 0:
        groups.append(_gid_names(ev).get(str(gid), STAT_UNNAMED))
    if isinstance(uid, int) and uid != 0:
        pw = ev.get(_file("/etc/passwd"))
        passwd = _nss_entries(pw.text if pw.state == "ok" else "", 7)
        users.append(next((n for n, u, _, _ in passwd if str(u) == str(uid)), f"#{uid}"))
    if _containerd_serves_cri_tcp(data, grpc):
        users.append(EVERY_USER)
    return groups, users


#: The CRI plugin's names in containerd's config: version 2 and 3 files use the full id,
#: version 1 files the short one (containerd cmd/containerd/server/config v1MigratePluginName).
CONTAINERD_CRI_PLUGINS = ("io.containerd.grpc.v1.cri", "cri")


def _containerd_serves_cri_tcp(data: dict[str, Any], grpc: dict[str, Any]) -> bool:
    """Whether containerd serves its CRI API on [grpc] tcp_address to clients it does not
    verify: the CRI plugin not disabled (disabled_plugins) and its disable_tcp_service set
    false (default true), and no client CA with a server certificate (tcp_tls_ca is read only
    beside tcp_tls_cert, server.go New) (R29A-1)."""
    if not isinstance(grpc.get("tcp_address"), str) or not grpc["tcp_address"].strip():
        return False
    if grpc.get("tcp_tls_cert") and grpc.get("tcp_tls_ca"):
        return False
    disabled = data.get("disabled_plugins")
    off = set(disabled) if isinstance(disabled, list) else set()
    plugins = data.get("plugins")
    plugins = plugins if isinstance(plugins, dict) else {}
    for name in CONTAINERD_CRI_PLUGINS:
        cri = plugins.get(name)
        if name not in off and isinstance(cri, dict) and cri.get("disable_tcp_service") is False:
            return True
    return False


def _docker_tcp_host(host: str) -> bool:
    """Whether a dockerd `-H`/daemon.json "hosts" address is TCP: `tcp://...`, or any address
    without "://" (moby opts/hosts.go parseDockerDaemonHost: `addrParts = []string{"tcp",
    addrParts[0]}`) (R27A-1)."""
    h = host.strip()
    return h.lower().startswith("tcp://") or (h != "" and "://" not in h)


def _dockerd_serves_tcp_fd(ev: HostEvidence, hosts: list[str]) -> tuple[bool, str]:
    """Whether dockerd, started with `-H fd://` (moby contrib/init/systemd/docker.service), holds
    a TCP socket systemd passed it: moby daemon/listeners/listeners_linux.go listenFD serves
    every socket-activated listener ("default to all fds just like unix:// and tcp://"), over
    TLS only with a tlsConfig (--tlsverify). ss lists such a socket held by both dockerd and
    systemd (pid 1) (a docker-tcp.socket with Service=docker.service, or a ListenStream= port in
    docker.socket); a TCP socket dockerd holds alone (swarm mode's 2377 and 7946, mutual TLS)
    is not its API (R26A-2). With the reason the listing was not read ("" where it was): only
    an `ss` that exited 0 listed the sockets (_listeners, R40S-3), and one that failed or was
    not found lists none, which is no sign dockerd holds none (R47S-3). A bundle without the
    listing (an older collector) claims nothing: (False, "")."""
    if not any(h.strip().lower().startswith("fd://") for h in hosts):
        return False, ""
    got = ev.result(_cmd("listeners"))
    if got.state == "uncollected":
        return False, ""
    if got.state != "ok":
        return False, f"`ss -t -u -l -n -p`: {got.reason.strip()[:120] or got.state}"
    for line in got.text.splitlines():
        owners = _ss_owners(line)
        if (
            line.split()[:1] == ["tcp"]
            and any(name == "dockerd" for name, _ in owners)
            and ("systemd", "1") in owners
        ):
            return True, ""
    return False, ""


def _container_socket_unit_writers(
    ev: HostEvidence, starting: set[str], tcp_served: dict[str, bool]
) -> tuple[list[str], list[str]] | Fact[Any]:
    """(groups, accounts) the container daemons' socket units that start (`starting`) give
    their sockets to at their next start, from their unit files and drop-ins (systemctl cat):
    the group where SocketMode= lets the group write (SocketGroup=, a gid by its /etc/group
    name; SocketUser= without SocketGroup= gives the user's default group; none is root),
    SocketUser= other than root where it lets the owner write, EVERY_USER where it lets others
    write (systemd.socket(5): SocketMode= "Defaults to 0666"; connect(2) needs write permission,
    unix(7)), and EVERY_USER for a ListenStream= port or IP address (systemd.socket(5): "a single
    number ... port number to listen on via IPv6", "v.w.x.y:z", "[x]:y") of a unit whose daemon
    serves it without authentication (`tcp_served`). A drop-in's setting replaces the unit
    file's and an empty ListenStream= resets the list (_socket_unit_confs). dockerd `-H fd://`
    serves the sockets systemd made and never re-groups them (moby daemon/listeners
    listeners_linux.go: chgrp only for `unix://`), so docker.socket's SocketGroup= is its API's
    group whatever `-G` says (R26A-1)."""
    got = ev.get(_cmd("container-socket-unit-files"))
    if got.state == "uncollected":
        # a bundle of a collector before R26A-1: the units' groups and TCP listeners unread
        return Fact.unavailable(
            f"the socket unit files of {', '.join(sorted(starting))} were not collected (a "
            "bundle of an older hvaudit): the groups and addresses the container daemons' "
            "sockets get at their next start are unknown",
            got.source,
        )
    confs = _socket_unit_confs(got, "the container daemons' socket unit files")
    if not confs.known:
        return Fact.failed(
            f"{confs.reason}: the groups and addresses the container daemons' sockets get at "
            "their next start are unknown",
            got.source,
        )
    gid_names = _gid_names(ev)
    pw = ev.get(_file("/etc/passwd"))
    passwd = list(_nss_entries(pw.text if pw.state == "ok" else "", 7))
    groups: list[str] = []
    users: list[str] = []
    for unit, conf in confs.get().items():
        if unit not in starting:
            continue
        bits = int(conf.effective_mode(), 8)
        group = conf.group or ""
        owner = conf.user or ""
        if owner.isdigit():
            owner = next((n for n, uid, _, _ in passwd if str(uid) == owner), owner)
        if owner and not conf.group:
            # systemd.socket(5): "If only a user is specified but no group, then the group is
            # derived from the user's default group"
            group = next((str(g) for n, _, g, _ in passwd if n == owner), STAT_UNNAMED)
        if group.isdigit():
            group = gid_names.get(group, STAT_UNNAMED)
        if bits & 0o020 and group and group not in ("root", "0"):
            groups.append(group)
        if bits & 0o200 and owner and owner not in ("root", "0"):
            users.append(owner)
        if bits & 0o002:
            users.append(EVERY_USER)
        # an abstract socket ("@name": unix(7) "permissions ... have no effect" on it) or an
        # AF_VSOCK one ("vsock:x:y", reached from the guests) is checked by no mode either
        # (systemd.socket(5) ListenStream=) (R27A-2)
        if tcp_served.get(unit) and any(
            re.fullmatch(r"[0-9]+|[0-9.]+:[0-9]+|\[[^\]]*\]:[0-9]+|@.*|vsock:.*", addr)
            for addr, _ in conf.listen
        ):
            users.append(EVERY_USER)
    return list(dict.fromkeys(groups)), list(dict.fromkeys(users))


def _pflag_values(words: list[str], short: str, long: str, *, boolean: bool = False) -> list[str]:
    """The values of a flag in dockerd's argv in order (pflag syntax: `-G GROUP`, `-GGROUP`,
    `-G=GROUP`, `--group GROUP`, `--group=GROUP`); a boolean flag takes a value only after `=`
    (bare: "")."""
    found = []
    for i, w in enumerate(words[1:], 1):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if w == long or (short and w == short):
            found.append("" if boolean else nxt)
        elif w.startswith(long + "="):
            found.append(w.split("=", 1)[1])
        elif short and w.startswith(short) and not w.startswith("--"):
            found.append(w[len(short) :].removeprefix("="))
    return found


def _daemon_json(text: str) -> dict[str, Any]:
    """daemon.json as a JSON object ({} when empty or not one: dockerd then refuses to start
    or uses its defaults)."""
    try:
        data = json.loads(text) if text.strip() else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _container_socket_groups(ev: HostEvidence) -> list[str]:
    """The groups that may write to a container daemon's API socket (CONTAINER_SOCKETS), as stat
    reports it: connect(2) needs write permission on the socket file, and a socket-activated
    daemon starts on that connection whether or not it runs now (R23A-2). Group root adds no
    one."""
    return _container_socket_writers(ev)[0]


def _stat_accessors(
    got: Got,
    paths: Iterable[str],
    mode: int,
    groups: list[str],
    users: list[str],
    shut: Collection[str] = (),
) -> None:
    """Add to `groups` and `users` who holds the access `mode` (0o222 write, 0o444 read) to each
    of `paths` that `stat -c '%a %U %G %n'` answered in `got`: the group where the group
    bit grants it (unless the path is in `shut`: its ACL's group:: entry lacks the access,
    _acl_group_shut, R40A-3), the owner other than root where the owner bit does, EVERY_USER
    where the others bit does."""
    _stat_row_accessors(
        got.text.splitlines() if got.state == "ok" else [], paths, mode, groups, users, shut
    )


def _stat_row_accessors(
    rows: list[str],
    paths: Iterable[str],
    mode: int,
    groups: list[str],
    users: list[str],
    shut: Collection[str] = (),
) -> None:
    """_stat_accessors over `stat -c '%a %U %G %n'` rows."""
    for line in rows:
        parts = line.split()
        if len(parts) != 4 or not digits(parts[0]) or parts[3] not in paths:
            continue
        bits = int(parts[0], 8)
        if bits & mode & 0o070 and parts[2] not in ("root", "0") and parts[3] not in shut:
            groups.append(parts[2])
        if bits & mode & 0o700 and parts[1] not in ("root", "0"):
            users.append(parts[1])
        if bits & mode & 0o007:
            users.append(EVERY_USER)


def _acl_named_entries(text: str, masked: bool = True) -> dict[str, list[tuple[str, str, str]]]:
    """Path -> its named ACL entries (kind "user" or "group", name, effective permissions) from
    `getfacl` output. getfacl(1): a `# file: PATH` header, then one entry a line, `user::rw-`,
    `user:joe:rwx  #effective:r-x`, `group:cool:r-x`, `mask::r-x`, `other::---`, a blank line
    after each file; "the effective rights mask ... limits the effective rights granted to all
    groups and to named users", so a named entry's permissions are those its mask also holds."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    path = ""
    named: list[tuple[str, str, str]] = []
    mask: str | None = None

    def flush() -> None:
        if path:
            out[path] = [
                (
                    kind,
                    name,
                    "".join(
                        c
                        for i, c in enumerate(perms)
                        if not masked or mask is None or c in mask[i : i + 1]
                    ),
                )
                for kind, name, perms in named
            ]

    for line in text.splitlines():
        if line.startswith("# file: "):
            flush()
            path, named, mask = line[len("# file: ") :].strip(), [], None
            continue
        parts = line.split("#", 1)[0].strip().split(":")
        if len(parts) != 3:
            continue
        kind, name, perms = parts
        if kind == "mask":
            mask = perms
        elif kind in ("user", "group") and name:
            named.append((kind, name, perms))
    flush()
    return out


def _acl_group_shut(ev: HostEvidence, access: str) -> set[str]:
    """The paths `getfacl` (admin-paths-acl) reports whose owning-group entry (`group::`) lacks
    `access` ("r" or "w"). With an ACL the group bits of the mode, which `stat` shows, are the
    mask entry's (acl(5), CORRESPONDENCE BETWEEN ACL ENTRIES AND FILE PERMISSION BITS: "If the
    ACL has an ACL_MASK entry, the group class permissions correspond to the permissions of the
    ACL_MASK entry"), and a process in the owning group is granted what a matching group entry
    and the mask both hold (ACCESS CHECK ALGORITHM): a `group::---` under a mask rw- (there for
    a named entry) leaves the owning group without the access stat's group bits show (R40A-3).
    Empty where getfacl did not answer."""
    got = ev.get(_cmd("admin-paths-acl"))
    if got.state != "ok":
        return set()
    out: set[str] = set()
    path = ""
    for line in got.text.splitlines():
        if line.startswith("# file: "):
            path = line[len("# file: ") :].strip()
            continue
        parts = line.split("#", 1)[0].strip().split(":")
        if (
            path
            and len(parts) == 3
            and parts[0] == "group"
            and not parts[1]
            and access not in parts[2]
        ):
            out.add(path)
    return out


def _acl_accessors(
    ev: HostEvidence, paths: Iterable[str], access: str, groups: list[str], users: list[str]
) -> None:
    """Add to `groups` and `users` whom a named entry of the ACL of one of `paths` grants
    `access` ("r" or "w") beyond its mode: acl(5) ACCESS CHECK ALGORITHM, a process whose uid
    a named user entry names, or one of whose groups a named group entry names, is granted what
    the entry and the mask both hold (R36A-4)."""
    got = ev.get(_cmd("admin-paths-acl"))
    if got.state != "ok":
        return
    wanted = set(paths)
    for path, entries in _acl_named_entries(got.text).items():
        if path not in wanted:
            continue
        for kind, name, perms in entries:
            if access in perms and name not in ("root", "0"):
                (groups if kind == "group" else users).append(name)


def _acl_unread(ev: HostEvidence, paths: Iterable[str]) -> tuple[str, Source] | None:
    """Why the ACLs of the container sockets and admin kubeconfigs are unknown, where they may
    matter: getfacl could not read them all, or it is not installed and `ls -ldL` marks one of
    `paths` with a '+' after its mode (GNU coreutils manual, "What information is listed", -l:
    the character after the mode bits tells whether an alternate access method such as an ACL
    applies, '.' a security context alone, '+' any other), whose entries nothing read
    (R36A-4)."""
    got = ev.get(_cmd("admin-paths-acl"))
    if got.state in ("ok", "failed"):
        why = _unanswered(got, _no_such_file, answers=(0,), quiet_rc=1)
        return (f"their ACLs could not all be read ({why})", got.source) if why else None
    if got.state != "absent":
        return None  # a bundle of an older hvaudit
    ls = ev.get(_cmd("admin-paths-ls"))
    if ls.state != "ok":
        return None
    wanted = set(paths)
    for line in ls.text.splitlines():
        fields = line.split()
        if fields and fields[0].endswith("+") and fields[-1] in wanted:
            return (
                f"{fields[-1]} carries a POSIX ACL (`ls -l` shows '+') and getfacl is not "
                "installed: whom it grants access beyond the mode is unread",
                ls.source,
            )
    why = _unanswered(ls, _no_such_file, answers=(0,), quiet_rc=2)
    return (f"their ACLs could not be looked for ({why})", ls.source) if why else None


def _container_socket_writers(ev: HostEvidence) -> tuple[list[str], list[str]]:
    """(groups, accounts) that may write to a container daemon's API socket: its group where
    the mode lets the group write, its owner other than root where it lets the owner write, and
    EVERY_USER where it lets others write (`chmod 666 /run/docker.sock`): connect(2) on a UNIX
    socket needs write permission (unix(7)), so a world-writable socket hands the daemon to
    every local account (R25A-1)."""
    groups: list[str] = []
    users: list[str] = []
    # a socket is used by writing to it (connect(2)), a file by reading it
    _stat_accessors(
        ev.get(_cmd("container-sockets")),
        CONTAINER_SOCKETS,
        0o222,
        groups,
        users,
        _acl_group_shut(ev, "w"),
    )
    # a Kubernetes admin kubeconfig: reading it is cluster-admin, who schedules a privileged
    # pod with the host's root filesystem on this node (Kubernetes Pod Security Standards,
    # "Privileged": "Unrestricted policy ... allows for known privilege escalations"); k3s
    # writes it with --write-kubeconfig-mode/-group (docs.k3s.io cli/server) (R29A-6); so is
    # reading MicroK8s's client.config (group microk8s by default) or a cluster CA key, which
    # signs a system:masters client certificate (R30A-1), or an etcd or front-proxy CA or
    # client key, which reads and writes the cluster state or asserts any user (R31A-1), or
    # the controller manager's credential or k3s's server token (R32A-1), or MicroK8s's token
    # files, controller.config and front-proxy keys (R33A-2)
    # MicroK8s's component credentials too where its API server allows every authenticated
    # request (R33A-6)
    admin_configs = KUBE_ADMIN_CONFIGS + (
        MICROK8S_COMPONENT_CONFIGS if _microk8s_always_allow(ev) else ()
    )
    _stat_accessors(
        ev.get(_cmd("kube-admin-configs")),
        admin_configs,
        0o444,
        groups,
        users,
        _acl_group_shut(ev, "r"),
    )
    # and whom their ACLs name beyond the mode (R36A-4)
    _acl_accessors(ev, CONTAINER_SOCKETS, "w", groups, users)
    _acl_accessors(ev, admin_configs, "r", groups, users)
    # and k3s's admin kubeconfig as k3s's next start leaves it (R33A-5), its ACL's named
    # entries under the mask that start's chmod sets (R37A-3)
    nxt = _k3s_kubeconfig_next(ev)[0]
    _stat_row_accessors(nxt, K3S_KUBECONFIGS, 0o444, groups, users)
    _acl_next_mask_readers(ev, nxt, groups, users)
    return list(dict.fromkeys(groups)), list(dict.fromkeys(users))


def _acl_next_mask_readers(
    ev: HostEvidence, rows: list[str], groups: list[str], users: list[str]
) -> None:
    """Add to `groups` and `users` whom a named entry of the ACL of k3s's admin kubeconfig lets
    read once k3s's next start chmods it to the mode of `rows` (_k3s_kubeconfig_next): k3s
    pkg/server/server.go writeKubeConfig rewrites the file in place (client-go clientcmd
    WriteToFile: ioutil.WriteFile, "If it is present it stomps the contents", the inode and its
    ACL kept) and then sets the mode (util.SetFileModeForPath), and on a file with an ACL the
    mode's group bits are the mask (acl(5), "CORRESPONDENCE BETWEEN ACL ENTRIES AND FILE
    PERMISSION BITS": chmod changes the ACL_MASK entry). So an entry the mask narrows now (a
    file chmod'ed 0600, mask ---) reads the file after a start at 0640 (R37A-3)."""
    got = ev.get(_cmd("admin-paths-acl"))
    if got.state != "ok":
        return
    raw = _acl_named_entries(got.text, masked=False)
    for line in rows:
        parts = line.split()
        if len(parts) != 4 or not digits(parts[0]) or parts[3] not in raw:
            continue
        if not int(parts[0], 8) & 0o040:
            continue  # the next mask holds no read
        for kind, name, perms in raw[parts[3]]:
            if "r" in perms and name not in ("root", "0"):
                (groups if kind == "group" else users).append(name)


def _microk8s_always_allow(ev: HostEvidence) -> bool:
    """Whether MicroK8s's API server arguments (args/kube-apiserver) allow every authenticated
    request, as MicroK8s ships them (canonical/microk8s microk8s-resources/default-args/
    kube-apiserver: `--authorization-mode=AlwaysAllow`; `microk8s enable rbac` replaces it).
    The modes are asked in order and RBAC and Node give no opinion on what they do not allow
    (kubernetes.io "Authorization": "If any authorizer approves or denies a request, that
    decision is immediately returned"), so AlwaysAllow anywhere in the list allows every
    authenticated request: the kubelet's, kube-proxy's and the scheduler's tokens are then
    cluster-admin (R33A-6). The file is read as kubelite reads it (canonical/microk8s kubelite
    options ReadArgsFromFile: each line trimmed, empty and `#` lines skipped, every `"` and `'`
    removed, the rest split at each space), so `--authorization-mode AlwaysAllow` is the flag
    and its value as `=` makes them (pflag); the flag is a string slice (kube-apiserver
    `fs.StringSliceVar`), whose every use after the first appends (spf13/pflag string_slice.go
    stringSliceValue.Set: `*s.value = append(*s.value, v...)` once changed), so a later
    `--authorization-mode` adds to an earlier one. Without the flag and without
    --authorization-config the API server allows every request (kubernetes
    pkg/kubeapiserver/options/authorization.go: `if len(o.AuthorizationConfigurationFile) ==
    0 && len(o.Modes) == 0 { o.Modes = []string{authzmodes.ModeAlwaysAllow} }`; older releases'
    NewBuiltInAuthorizationOptions default `Modes: []string{authzmodes.ModeAlwaysAllow}`)
    (R34A-3). An absent file adds nothing; an unreadable one, or an --authorization-config file
    (not collected), leaves it unknown (_microk8s_authz_unknown, R34A-4)."""
    return _microk8s_authz(ev)[0]


def _microk8s_authz(ev: HostEvidence) -> tuple[bool, str]:
    """(whether MicroK8s's API server allows every authenticated request, why that is not
    known: "" where it is); see _microk8s_always_allow."""
    got = ev.get(_file(MICROK8S_APISERVER_ARGS))
    if got.state in ("absent", "uncollected"):
        return False, ""
    if got.state != "ok":
        return False, f"{MICROK8S_APISERVER_ARGS} could not be read ({got.reason or got.state})"
    args: list[str] = []
    for raw in got.text.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            args += line.replace('"', "").replace("'", "").split(" ")
    modes: list[str] = []
    given = False
    structured = ""
    for i, arg in enumerate(args):
        name, sep, value = arg.partition("=")
        value = value if sep else (args[i + 1] if i + 1 < len(args) else "")
        if name == "--authorization-config":
            structured = value
        elif name == "--authorization-mode":
            given = True
            modes += [m.strip() for m in value.split(",")]
    if given:
        return "AlwaysAllow" in modes, ""
    if structured:
        return False, (
            f"{MICROK8S_APISERVER_ARGS} takes its authorizers from --authorization-config "
            f"{structured}, which hvaudit does not read"
        )
    return True, ""


def _microk8s_authz_unknown(ev: HostEvidence) -> tuple[str, list[Source]]:
    """Why who administers MicroK8s's cluster is unknown ("" where it is known): its API
    server's authorizers were not read (_microk8s_authz) while someone other than root reads
    its kubelet's, kube-proxy's or scheduler's kubeconfig, cluster-admin where they allow every
    request (R33A-6). Not knowing is no pass (R34A-4)."""
    _, why = _microk8s_authz(ev)
    if not why:
        return "", []
    stat = ev.get(_cmd("kube-admin-configs"))
    groups: list[str] = []
    users: list[str] = []
    _stat_accessors(stat, MICROK8S_COMPONENT_CONFIGS, 0o444, groups, users)
    if not groups and not users:
        return "", []
    readers = ", ".join(
        dict.fromkeys(
            [*(f"group {g}" for g in groups), *(u.replace(EVERY_USER, "every user") for u in users)]
        )
    )
    return (
        f"{why}: whether MicroK8s's kubelet, kube-proxy and scheduler kubeconfigs, which "
        f"{readers} read, hold cluster-admin (an API server allowing every request) is unknown",
        [ev.get(_file(MICROK8S_APISERVER_ARGS)).source, stat.source],
    )


#: (distribution, admin kubeconfig, configuration file, systemd unit, the environment file read
#: where the unit was not) for k3s and RKE2, whose `rke2 server` is k3s's server command with its
#: config, write-kubeconfig-mode and write-kubeconfig-group flags copied (rancher/rke2
#: pkg/cli/cmds/server.go k3sServerBase: mustCmdFromK3S(cmds.NewServerCommand(ServerRun)),
#: each `copyFlag`) (R33A-5, R34A-2). An older rke2 without the group flag skips the key
#: ("Unknown flag ... skipping", k3s configfilearg stripInvalidFlags); the release is not
#: collected, so the group counts.
K3S_DISTS = (
    (
        "k3s",
        "/etc/rancher/k3s/k3s.yaml",
        "/etc/rancher/k3s/config.yaml",
        "k3s",
        "/etc/systemd/system/k3s.service.env",
    ),
    # rancher/rke2 pkg/cli/cmds/server.go k3sServerBase copies k3s's config,
    # write-kubeconfig-mode and write-kubeconfig-group flags, whose variables take RKE2's
    # name (`rke2 server --help`: [$RKE2_CONFIG_FILE], [$RKE2_KUBECONFIG_MODE],
    # [$RKE2_KUBECONFIG_GROUP]); its unit is rke2-server.service (R34A-2)
    ("RKE2", "/etc/rancher/rke2/rke2.yaml", "/etc/rancher/rke2/config.yaml", "rke2-server", ""),
)
K3S_KUBECONFIGS = tuple(d[1] for d in K3S_DISTS)
K3S_KUBECONFIG_KEYS = ("write-kubeconfig-mode", "write-kubeconfig-group")


def _k3s_kubeconfig_next(ev: HostEvidence) -> tuple[list[str], str, list[Source]]:
    """(`stat`-like rows, why unknown, sources) for k3s's (and RKE2's) admin kubeconfig as the
    next start leaves it, where it exists now (the server has run). k3s pkg/server/server.go
    writeKubeConfig chmods it at every start to --write-kubeconfig-mode read in base 8
    (`strconv.ParseInt(mode, 8, 0)`; an invalid one is logged and no chmod done; none set:
    0600) and chgrps it to --write-kubeconfig-group, so a file chmod'ed 0600 since is
    readable again after a restart. The flags' values come from the environment
    (pkg/cli/cmds/server.go: EnvVar K3S_KUBECONFIG_MODE, K3S_KUBECONFIG_GROUP; the installer
    writes them to k3s.service.env), which config.yaml and then its config.yaml.d/*.yaml|yml
    drop-ins in name order override (pkg/configfilearg/parser.go readConfigFile: the files'
    keys become flags placed before the command line's, a later file's value replacing an
    earlier one's, `key+` appending). hvaudit reads only a top-level `key: value` line of
    those keys, plain or quoted (a `#` comment line skipped); a plain mode with a leading 0
    is the octal integer YAML 1.1 makes of it, written in decimal and read in base 8
    (rancher/rke2#4739: 0640 gives 0416); any other mention of the keys (indented, in a flow
    mapping, `key+`) or a plain mode of another form leaves the next start's mode unknown,
    unless every user reads the file now (R33A-5). Where k3s.service was read, its own
    environment (Environment= and its EnvironmentFile=s) stands for k3s.service.env, and its
    ExecStart= flags override both; K3S_CONFIG_FILE or `--config` naming another file, or an
    environment file not collected, leaves the mode unknown unless every user reads the file
    now (_k3s_unit_next; R34A-1)."""
    stat = ev.get(_cmd("kube-admin-configs"))
    current = {
        parts[3]: parts
        for parts in (line.split() for line in stat.text.splitlines())
        if stat.state == "ok" and len(parts) == 4 and parts[3] in K3S_KUBECONFIGS
    }
    got = ev.get(_cmd("k3s-config"))
    if not current or got.state in ("uncollected", "absent"):
        return [], "", []
    why = _grep_unanswered(got)
    if why and not all(digits(p[0]) and int(p[0], 8) & 0o004 for p in current.values()):
        return (
            [],
            f"k3s's and RKE2's configuration files were not read ({why}): the mode and group "
            f"their next start gives {', '.join(current)} are unknown",
            [got.source],
        )
    files = _by_file(got.text) if got.state == "ok" else {}
    rows: list[str] = []
    k3s_srcs = [got.source]
    for dist, kubeconfig, config, unit_name, env_file in K3S_DISTS:
        if kubeconfig not in current:
            continue
        perm = current[kubeconfig][0]
        world_now = digits(perm) and bool(int(perm, 8) & 0o004)
        # without the unit read, the installer's environment file alone (R33A-5)
        env = _environment_file("\n".join(files.get(env_file, []))) if env_file else {}
        unit_got = ev.get(_cmd("k3s-service-unit-files"))
        unit = _k3s_unit_next(
            unit_got,
            unit_name,
            files,
            _manager_environment(ev)[0],
            _manager_env_unread(ev),
            _manager_env_pending(ev),
        )
        service = f"{unit_name}.service"
        starts: list[tuple[str, tuple[dict[str, str], list[str]] | str]] = []
        srcs = [got.source, unit_got.source]
        if unit is None and dist == "k3s":
            # no k3s.service read: OpenRC's init script, where the installer wrote one
            # (R35A-1), once for each file openrc-run may source before it (R48A-1)
            confd = ev.get(_cmd("k3s-openrc-confd"))
            opened = _k3s_openrc_starts({**files, **_k3s_openrc_confd(ev)}, _k3s_runlevels(ev))
            service = K3S_OPENRC_SCRIPT
            srcs = [got.source, confd.source] if confd.state == "ok" else [got.source]
            starts = [("", opened)] if isinstance(opened, str) else opened or []
        if isinstance(unit, str):
            starts = [("", unit)]
        elif not starts:
            starts = [("", unit if unit is not None else (env, []))]
        known: list[tuple[str, str]] = []  # (the file sourced, the row its start gives)
        unknown: list[str] = []
        for conf, start in starts:
            got_row = (
                f"{start}: the mode and group {dist} gives {kubeconfig} at its next start are "
                "unknown"
                if isinstance(start, str)
                else _k3s_start_row(
                    start, files, dist, kubeconfig, config, service, current, world_now
                )
            )
            if isinstance(got_row, str):
                unknown.append(f"where openrc-run sources {conf}, {got_row}" if conf else got_row)
            else:
                known.append((conf, got_row[0]))
        wide = [row for _, row in known if row and int(row.split()[0], 8) & 0o004]
        later = _k3s_boot_row(ev, unit_got, unit, unit_name, files, dist, kubeconfig, config)
        if later and not wide and not world_now:
            # the start after the next boot, without k3s.service's drop-ins under /run: a
            # pass never rests on them (R51L-3)
            return [], later, srcs
        if unknown and not wide:
            if world_now:
                continue  # every user reads it now: the next start can add no one
            return [], unknown[0], srcs
        # each start openrc-run may make reads one of the files: whom any of them lets read
        # the kubeconfig reads it after that start (R48A-1)
        rows += dict.fromkeys(row for _, row in known if row)
        if len(starts) > 1:
            k3s_srcs = srcs
    return rows, "", k3s_srcs


def _k3s_boot_row(
    ev: HostEvidence,
    unit_got: Got,
    unit: tuple[dict[str, str], list[str]] | str | None,
    unit_name: str,
    files: dict[str, list[str]],
    dist: str,
    kubeconfig: str,
    config: str,
) -> str:
    """Why `<unit_name>.service`'s start after the next boot lets every user read `kubeconfig`
    (or leaves that unknown) where its next start now does not, because a drop-in of it under
    /run (_runtime_dropins: `systemctl edit --runtime`, `set-property --runtime`; systemctl(1)
    --runtime "lost on the next reboot") sets what the boot drops; "" where none does
    (R51L-3, R48L-5's class for k3s and RKE2)."""
    if unit_got.state != "ok" or unit is None:
        return ""
    run = [p for p in _runtime_dropins(unit_got.text) if f"/{unit_name}.service.d/" in p]
    # DefaultEnvironment= in the service manager's files under /run (R51L-5, R51L-4's class)
    run += dict.fromkeys(
        where.partition(" ")[0]
        for where in _manager_environment_files(ev)[1].values()
        if where.startswith("/run/")
    )
    if not run:
        return ""
    # the next boot: the units and the manager's files without /run's, and no run-time
    # environment (`systemctl set-environment` is not kept: R48L-1)
    boot = _k3s_unit_next(
        replace(unit_got, text=_boot_unit_text(unit_got.text)),
        unit_name,
        files,
        _manager_environment_files(_UnitBootEvidence(ev))[0],
        _manager_env_unread(ev),
    )
    if boot is None or boot == unit:
        return ""
    stat = ev.get(_cmd("kube-admin-configs"))
    current = {
        parts[3]: parts
        for parts in (line.split() for line in stat.text.splitlines())
        if len(parts) == 4 and parts[3] in K3S_KUBECONFIGS
    }
    row = (
        boot
        if isinstance(boot, str)
        else _k3s_start_row(
            boot, files, dist, kubeconfig, config, f"{unit_name}.service", current, False
        )
    )
    rests = (
        f"{unit_name}.service's next start rests on {', '.join(run)}, under /run (where "
        "`systemctl edit --runtime` and `set-property --runtime` write, and which every boot "
        "empties), which the next boot drops"
    )
    if isinstance(row, str):
        return f"{rests}; without it: {row}"
    if row[0] and int(row[0].split()[0], 8) & 0o004:
        return (
            f"{rests}; without it {dist} leaves {kubeconfig} readable by every user (mode "
            f"{row[0].split()[0]}): whether a unit or script writes it again at every boot is "
            "not in the evidence"
        )
    return ""


def _k3s_start_row(
    start: tuple[dict[str, str], list[str]],
    files: dict[str, list[str]],
    dist: str,
    kubeconfig: str,
    config: str,
    service: str,
    current: dict[str, list[str]],
    world_now: bool,
) -> tuple[str] | str:
    """The `stat -c '%a %U %G %n'` row of `kubeconfig` after a start of `dist` with the
    environment and arguments `start` ("" where that start sets no mode: no chmod), as a
    1-tuple; why it is unknown (a str): see _k3s_kubeconfig_next."""
    env, flags = start
    keys = K3S_KUBECONFIG_KEYS
    prefix = dist.upper()
    values: dict[str, str] = {}
    other = env.get(f"{prefix}_CONFIG_FILE") or _k3s_config_flag(flags) or config
    if other != config:
        return (
            f"{service}'s next start reads its configuration from {other}, which "
            f"hvaudit does not read: the mode and group {dist} gives {kubeconfig} at its "
            "next start are unknown"
        )
    for key in keys:
        var = f"{prefix}_KUBECONFIG_" + key.rsplit("-", 1)[1].upper()
        if env.get(var):
            values[key] = env[var]
    dropins = sorted(
        path
        for path in files
        if path.startswith(f"{config}.d/")
        and "/" not in path.removeprefix(f"{config}.d/")
        and path.lower().endswith((".yaml", ".yml"))
    )
    for path in [config, *dropins]:
        for line in files.get(path, []):
            if line.lstrip().startswith("#") or not any(k in line for k in keys):
                continue  # a YAML comment line, or one that names no key read
            m = re.fullmatch(
                r"(write-kubeconfig-(?:mode|group)):[ \t]*"
                r"(?:\"([^\"\\]*)\"|'([^']*)'|([^\s#'\"]+))?[ \t]*(?:[ \t]#.*)?",
                line.rstrip(),
            )
            plain = m.group(4) if m else None
            mode_key = m is not None and m.group(1) == "write-kubeconfig-mode"
            if m is None or (
                mode_key and plain is not None and not re.fullmatch(r"[1-9][0-9]*|0|0[0-7]+", plain)
            ):
                if world_now:
                    continue  # every user reads it now: the next start can add no one
                return (
                    f"{path} sets {line.strip()[:80]!r}, which hvaudit does not read: the "
                    f"mode and group {dist} gives {kubeconfig} at its next start are unknown"
                )
            value = next((g for g in m.groups()[1:] if g is not None), "")
            if mode_key and plain is not None and re.fullmatch(r"0[0-7]+", plain):
                # YAML 1.1 reads a plain `0640` as the octal integer 416 (gopkg.in/yaml.v2),
                # which k3s turns back into the string "416" and parses in base 8: 0416
                # (rancher/rke2#4739: "setting rke2.yaml to 0416 when attempting to get
                # 0640"; `0600` becomes "384", no octal number: no chmod)
                value = str(int(plain, 8))
            if m.group(1) in keys:
                values[m.group(1)] = value
    # the command line's flags come after config.yaml's and win (R34A-1)
    values.update(_go_flag_values(flags, keys))
    # strconv.ParseInt(mode, 8, 0) takes a leading sign
    mode = values.get("write-kubeconfig-mode", "").removeprefix("+")
    if re.fullmatch(r"[0-7]+", mode):  # else none set (0600) or invalid (no chmod)
        owner, group = current[kubeconfig][1], current[kubeconfig][2]
        group = values.get("write-kubeconfig-group") or group
        return (f"{int(mode, 8):o} {owner} {group} {kubeconfig}",)
    return ("",)


#: The environment files the units of k3s and RKE2 read, collected with their configuration:
#: k3s's installer's (k3s install.sh create_systemd_service_file: EnvironmentFile=-/etc/default/%N,
#: -/etc/sysconfig/%N, -/etc/systemd/system/k3s.service.env) (R34A-1) and RKE2's shipped unit's
#: (rancher/rke2 bundle/lib/systemd/system/rke2-server.service: /etc/default/rke2-server,
#: /etc/sysconfig/rke2-server, /usr/local/lib/systemd/system/rke2-server.env) (R34A-2).
K3S_UNIT_ENV_FILES = (
    "/etc/default/k3s",
    "/etc/sysconfig/k3s",
    "/etc/systemd/system/k3s.service.env",
    "/etc/default/rke2-server",
    "/etc/sysconfig/rke2-server",
    "/usr/local/lib/systemd/system/rke2-server.env",
)


def _k3s_unit_next(
    got: Got,
    unit: str,
    files: dict[str, list[str]],
    manager: dict[str, str],
    manager_why: str = "",
    pending: dict[str, str] | None = None,
) -> tuple[dict[str, str], list[str]] | str | None:
    """(environment, arguments) `<unit>.service`'s next start gives k3s (or RKE2), from
    `systemctl cat` output `got` and the environment files `files` holds (grep's output by
    file); None where no such unit was read (no systemd, an older bundle, no such unit or no
    ExecStart=: then k3s's installer's k3s.service.env alone is read, R33A-5); why not, where
    it was not read or names an EnvironmentFile= not collected.

    The installer writes INSTALL_K3S_EXEC's words into ExecStart= (k3s install.sh
    create_systemd_service_file: `ExecStart=${BIN_DIR}/k3s \\` then CMD_K3S_EXEC, each word
    single-quoted on a line of its own), read as systemd reads a command line (_unit_file_lines
    joins the continuation lines; `$FOO` and `${FOO}` take the unit's environment, _unit_args).
    The environment is Environment= overridden by each EnvironmentFile= in order (systemd.exec(5):
    "Settings from these files override settings made with Environment="), a path's `%N` the
    unit's name without its suffix (systemd.unit(5) Specifiers, "%N": "Same as "%n", but with
    the type suffix removed"), `%n` with it, `%%` a `%`. Under them lies the service manager's
    environment `manager` (DefaultEnvironment=, systemd.setenv=: _manager_environment), and the
    unit's UnsetEnvironment= removes what it names before the command line takes its variables:
    systemd src/core/execute.c exec_child applies context->unset_environment (strv_env_delete)
    and then replace_env_argv (read with `find_string`) (R44L-2). Where the manager's
    environment is unknown (`manager_why`: _manager_env_unread), a variable k3s reads that the
    unit does not set itself, or one its ExecStart= takes, may come from it: why (R45L-2); so
    may the files' value where it differs from the manager's as it stands (`pending`:
    _manager_env_pending, R47L-1)."""
    if got.state in ("uncollected", "absent"):
        return None
    why = _systemctl_unanswered(got)
    if why:
        return f"{unit}.service was not read ({why})"
    cmd, _ = _unit_exec_start(got.text, unit)
    if not cmd:
        return None
    unit_env, env_files = _unit_environment(got.text, unit)
    # what its ExecStartPre= sets in the manager's environment before ExecStart= (R47L-2)
    pre_env, _, pre_why = _unit_pre_set_environment(got.text, unit)
    if pre_why:
        return pre_why
    env = {**manager, **pre_env, **unit_env}
    # the variables the unit sets itself (R45L-2), or its ExecStartPre= does (R47L-2)
    own = {*unit_env, *pre_env}
    for spec in env_files:
        path = re.sub(
            r"%([%nN])",
            lambda m: {"%": "%", "n": f"{unit}.service", "N": unit}[m.group(1)],
            spec,
        ).lstrip("-")
        if path not in K3S_UNIT_ENV_FILES:
            return f"{unit}.service reads EnvironmentFile={spec}, which hvaudit does not read"
        variables = _environment_file("\n".join(files.get(path, [])))
        env.update(variables)
        own.update(variables)
    _unset_environment(env, _unit_unset_environment(got.text, unit))
    try:
        words = shlex.split(cmd.lstrip("-@:+!"))
    except ValueError:
        words = cmd.lstrip("-@:+!").split()
    literal = _no_env_expand(cmd)  # `:`: no variable put in (R45L-3)
    if manager_why or pending:
        # the unit's own variables (and those it unsets) win over the manager's; any other
        # variable k3s or its ExecStart= reads may be the manager's
        unset = {w.partition("=")[0] for w in _unit_unset_environment(got.text, unit)}
        prefix = "RKE2" if unit.startswith("rke2") else "K3S"
        wanted = [f"{prefix}_{k}" for k in ("KUBECONFIG_MODE", "KUBECONFIG_GROUP", "CONFIG_FILE")]
        if not literal:
            wanted += re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", " ".join(words[1:]))
        missing = [n for n in dict.fromkeys(wanted) if n not in own and n not in unset]
        if missing and manager_why:
            return (
                f"{unit}.service may take {', '.join(missing)} from the service manager's "
                f"environment, which is unknown ({manager_why})"
            )
        if either := [(pending or {})[n] for n in missing if n in (pending or {})]:
            return f"{unit}.service's environment may take either: {'; '.join(either)}"
    if literal:
        return env, words[1:]
    args: list[str] = []
    for w in words[1:]:
        whole = re.fullmatch(r"\$([A-Za-z_][A-Za-z0-9_]*)", w)
        if whole:
            args += env.get(whole.group(1), "").split()
            continue
        args.append(re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", lambda m: env.get(m.group(1), ""), w))
    return env, args


#: k3s's OpenRC service: the installer's (k3s install.sh create_openrc_service_file:
#: `command_args="$(escape_dq "${CMD_K3S_EXEC}")` then `>>${LOG_FILE} 2>&1"`, and under `set
#: -o allexport` `. /etc/environment` and `. ${FILE_K3S_ENV}`, which setup_env makes
#: /etc/rancher/k3s/${SYSTEM_NAME}.env where OpenRC runs; create_env_file writes the K3S_
#: variables given to the installer there) (R35A-1), or Alpine's package's (alpinelinux/aports
#: community/k3s k3s.initd `command_args="${K3S_EXEC} ${K3S_OPTS} >>${K3S_LOGFILE} 2>&1"`,
#: k3s.confd `K3S_EXEC="server"`, `K3S_OPTS=""`), whose /etc/conf.d/k3s openrc-run sources
#: first (OpenRC sh/openrc-run.sh.in: `sourcex -e "$_conf_d/$RC_SVCNAME"` before `sourcex
#: "$RC_SERVICE"`) (R35A-3).
K3S_OPENRC_SCRIPT = "/etc/init.d/k3s"
K3S_OPENRC_CONF = "/etc/conf.d/k3s"
#: What openrc-run sources in K3S_OPENRC_CONF's place in the default runlevel (R36A-2)
K3S_OPENRC_RUNLEVEL_CONF = "/etc/conf.d/k3s.default"
K3S_OPENRC_RC_CONF = "/etc/rc.conf"
K3S_OPENRC_RC_CONF_D = "/etc/rc.conf.d"
K3S_OPENRC_ENV_FILES = ("/etc/environment", "/etc/rancher/k3s/k3s.env")
_SH_NAME = r"[A-Za-z_][A-Za-z0-9_]*"


def _k3s_runlevels(ev: HostEvidence) -> list[str] | None:
    """The OpenRC runlevels k3s is in: rc-update(8) `add` links /etc/runlevels/RUNLEVEL/k3s
    (collect.host "k3s-openrc-runlevels", `find /etc/runlevels -mindepth 2 -maxdepth 2 -name
    k3s`); None where that was not collected or find did not answer whole (R47A-2)."""
    got = ev.get(_cmd("k3s-openrc-runlevels"))
    if got.state != "ok" or (
        got.rc not in (0, None)
        and not all(_no_such_file(line) for line in got.reason.splitlines() if line.strip())
    ):
        return None
    return sorted(
        parts[3]
        for parts in (line.split("/") for line in got.text.splitlines())
        if len(parts) == 5 and parts[:3] == ["", "etc", "runlevels"] and parts[4] == "k3s"
    )


def _k3s_openrc_confd(ev: HostEvidence) -> dict[str, list[str]]:
    """The /etc/conf.d/k3s.* files as grep printed them (collect.host "k3s-openrc-confd"); {}
    where not read."""
    got = ev.get(_cmd("k3s-openrc-confd"))
    return _by_file(got.text) if got.state == "ok" else {}


def _k3s_openrc_conf(files: dict[str, list[str]], runlevels: list[str] | None) -> str | list[str]:
    """The files openrc-run may source before /etc/init.d/k3s, one for each runlevel k3s may
    start in; why they are unknown (a str) where the runlevels were not read and a
    k3s.RUNLEVEL of another runlevel than default exists.

    OpenRC sh/openrc-run.sh.in: `if ! sourcex -e "$_conf_d/$RC_SVCNAME.$RC_RUNLEVEL"; then
    sourcex -e "$_conf_d/$RC_SVCNAME"; fi`, RC_RUNLEVEL the runlevel k3s starts in: each
    runlevel rc-update put it in (at boot), and default, where an administrator's
    `rc-service k3s restart` runs it once booted (the installer's and the package's runlevel;
    Alpine's OpenRC page: the boot and sysinit services "are automatically included in all other
    runlevels"). k3s in boot with a /etc/conf.d/k3s.boot, or a k3s.default beside k3s in boot,
    starts with one file's settings or the other's (R47A-2): each is read, and whom any of
    them lets read the kubeconfig counts (R48A-1). Runlevels not collected (an older bundle):
    the default runlevel's file, unless a k3s.RUNLEVEL of another runlevel was collected."""

    def conf(level: str) -> str:
        named = f"{K3S_OPENRC_CONF}.{level}"
        return named if named in files else K3S_OPENRC_CONF

    if runlevels is None:
        others = sorted(
            p
            for p in files
            if p.startswith(f"{K3S_OPENRC_CONF}.") and p != K3S_OPENRC_RUNLEVEL_CONF
        )
        if others:
            return (
                f"{others[0]} stands in for {K3S_OPENRC_CONF} where k3s starts in runlevel "
                f"{others[0].removeprefix(K3S_OPENRC_CONF + '.')}, and the runlevels k3s is in "
                "(/etc/runlevels/*/k3s) were not read"
            )
        return [conf("default")]
    return list(dict.fromkeys(conf(level) for level in ["default", *runlevels]))


def _k3s_openrc_starts(
    files: dict[str, list[str]], runlevels: list[str] | None = None
) -> list[tuple[str, tuple[dict[str, str], list[str]] | str]] | str | None:
    """(file sourced, what _k3s_openrc_next reads of the start with it) for each file
    openrc-run may source in K3S_OPENRC_CONF's place (_k3s_openrc_conf); None where no
    /etc/init.d/k3s was read; why not, where the files are unknown."""
    if K3S_OPENRC_SCRIPT not in files:
        return None
    chosen = _k3s_openrc_conf(files, runlevels)
    if isinstance(chosen, str):
        return chosen
    out: list[tuple[str, tuple[dict[str, str], list[str]] | str]] = []
    for conf in chosen:
        start = _k3s_openrc_next(files, conf)
        if start is not None:
            out.append((conf if len(chosen) > 1 else "", start))
    return out


def _k3s_openrc_next(
    files: dict[str, list[str]], conf: str = K3S_OPENRC_CONF
) -> tuple[dict[str, str], list[str]] | str | None:
    """(environment, arguments) OpenRC's /etc/init.d/k3s gives k3s at its next start, from
    grep's output by file `files`; None where no such script was read; why not, where the
    script or a file it sources is shell hvaudit does not read.

    openrc-run sources `conf` (/etc/conf.d/k3s, or the k3s.RUNLEVEL in its place where it
    exists: _k3s_openrc_conf), /etc/rc.conf and /etc/rc.conf.d/*.conf (R36A-2), then the script, whose variables
    `export` or `set -o
    allexport` (the installer's, around its `.` of /etc/environment and k3s.env) export to
    k3s; supervise-daemon.sh then runs `eval supervise-daemon ... $command -- $command_args`
    (OpenRC sh/supervise-daemon.sh supervise_start: "The eval call is necessary for cases like:
    command_args="this \\"is a\\" test""), so command_args' value is split into words as eval
    splits it (quotes removed), its redirections (`>>FILE`, `2>&1`) dropped. Each file is read
    as the shell reads its top-level statements (_sh_statements): assignments with quoting and
    `$NAME`, `${NAME}`, `${NAME:-word}` expansions (_sh_word); function bodies are skipped. A
    file sourced that hvaudit does not collect, another statement naming a K3S_ variable,
    command_args, `export`, `eval` or `.`, or a value hvaudit cannot expand (`$(...)`, `` ` ``) that
    command_args or a K3S_ variable k3s gets uses, leaves the next start unread."""
    script = files.get(K3S_OPENRC_SCRIPT)
    if script is None:
        return None
    values: dict[str, str | None] = {}  # None: set to what hvaudit does not expand
    exported: set[str] = set()
    state = {"allexport": False}

    def run(path: str, lines: list[str]) -> str:
        for stmt in _sh_statements("\n".join(lines)):
            if stmt in ("set -a", "set -o allexport", "set +a", "set +o allexport"):
                state["allexport"] = stmt.startswith("set -")
                continue
            sourced = re.fullmatch(
                r"(?:if \[ -f (\S+) \]; then )?(?:\.|source) (\S+)(?:; fi)?", stmt
            )
            if sourced and (sourced.group(1) in (None, sourced.group(2))):
                if sourced.group(2) not in K3S_OPENRC_ENV_FILES:
                    return f"{path} sources {sourced.group(2)[:80]}, which hvaudit does not read"
                why = run(sourced.group(2), files.get(sourced.group(2), []))
                if why:
                    return why
                continue
            m = re.fullmatch(rf"(export[ \t]+)?({_SH_NAME})=(.*)", stmt, re.S)
            if m:
                values[m.group(2)] = _sh_word(m.group(3), values)
                if m.group(1) or state["allexport"]:
                    exported.add(m.group(2))
                continue
            m = re.fullmatch(rf"export((?:[ \t]+{_SH_NAME})+)", stmt)
            if m:
                exported.update(m.group(1).split())
                continue
            if re.search(
                r"K3S_|command_args|\b(?:export|eval)\b|(?:^|[\s;&|])(?:\.|source)\s", stmt
            ):
                return f"{path} runs {stmt[:80]!r}, which hvaudit does not read"
        return ""

    # openrc-run (OpenRC sh/openrc-run.sh.in): `if ! sourcex -e "$_conf_d/$RC_SVCNAME.$RC_RUNLEVEL";
    # then sourcex -e "$_conf_d/$RC_SVCNAME"; fi`, then "Load any system overrides": rc.conf
    # and every rc.conf.d/*.conf (the shell's glob: no name starting with '.', in order), then
    # the script; k3s runs in the
    # default runlevel (k3s install.sh and aports community/k3s: `rc-update add k3s default`)
    # (R36A-2); `conf` is the file sourced in conf.d/k3s's place (_k3s_openrc_conf)
    overrides = sorted(
        (
            path
            for path in files
            if path.startswith(f"{K3S_OPENRC_RC_CONF_D}/")
            and "/" not in path.removeprefix(f"{K3S_OPENRC_RC_CONF_D}/")
            and not path.removeprefix(f"{K3S_OPENRC_RC_CONF_D}/").startswith(".")
            and path.endswith(".conf")
        ),
        key=str.encode,
    )
    for path in (conf, K3S_OPENRC_RC_CONF, *overrides):
        why = run(path, files.get(path, []))
        if why:
            return why
    why = run(K3S_OPENRC_SCRIPT, script)
    if why:
        return why
    value = values.get("command_args", "")
    if value is None:
        return f"{K3S_OPENRC_SCRIPT}'s command_args is shell hvaudit does not read"
    try:
        words = shlex.split(value)
    except ValueError:
        return f"{K3S_OPENRC_SCRIPT}'s command_args is shell hvaudit does not read"
    args: list[str] = []
    skip = False
    for w in words:
        if skip:
            skip = False
            continue
        redirect = re.match(r"[0-9]*(?:>>|>&|<&|>|<)", w)
        if redirect:
            skip = redirect.end() == len(w)  # `>> FILE`: the file is the next word
            continue
        args.append(w)
    env: dict[str, str] = {}
    for name in exported:
        got = values.get(name, "")
        if got is None:
            if name.startswith("K3S_"):
                return f"{name}, which {K3S_OPENRC_SCRIPT} exports to k3s, is not read"
            continue
        env[name] = got
    return env, args


def _sh_statements(text: str) -> Iterator[str]:
    """The top-level statements of shell `text`, one a logical line: a newline inside quotes or
    `${...}`, or after a backslash, continues it; `#` at a word's start comments out the rest of
    the line; the body of a function (`name() {` to a line `}`) is skipped."""
    out: list[str] = []
    quote = ""
    depth = 0
    i = 0
    in_function = False
    while i <= len(text):
        c = text[i] if i < len(text) else "\n"
        if quote == "'":
            out.append(c)
            quote = "" if c == "'" else quote
        elif c == "\\" and i + 1 < len(text):
            out.append(text[i : i + 2])
            i += 1
        elif quote == '"' and c == '"':
            out.append(c)
            quote = ""
        elif c == "$" and text[i + 1 : i + 2] == "{":
            out.append("${")
            depth += 1
            i += 1
        elif c == "}" and depth:
            out.append(c)
            depth -= 1
        elif quote:
            out.append(c)
        elif c in "'\"":
            out.append(c)
            quote = c
        elif c == "#" and (not out or out[-1][-1:].isspace()) and not depth:
            while i < len(text) and text[i] != "\n":
                i += 1
            continue
        elif c == "\n" and not depth:
            stmt = "".join(out).strip()
            out = []
            if in_function:
                in_function = stmt != "}"
            elif re.fullmatch(rf"(?:function\s+)?{_SH_NAME}\s*\(\s*\)\s*\{{", stmt):
                in_function = True
            elif stmt:
                yield stmt
        else:
            out.append(c)
        i += 1


def _sh_word(text: str, values: dict[str, str | None]) -> str | None:
    """The value the shell gives an assignment's right-hand side `text` (one word: quotes
    removed, `\\` escapes, `$NAME`, `${NAME}` and `${NAME[:]-=+word}` expanded from `values`, an
    unset name empty; POSIX Shell Command Language 2.2, 2.6.2); None for what hvaudit does not
    expand (`$(...)`, `` ` ``, another special parameter, an unknown value) or a statement that
    goes on after the word (`A=1 cmd`)."""
    got = _sh_parse(text, 0, values, "")
    if got is None:
        return None
    value, end = got
    rest = text[end:].strip()
    return value if not rest or rest.startswith("#") else None


def _sh_parse(
    text: str, i: int, values: dict[str, str | None], stop: str, depth: int = 0
) -> tuple[str, int] | None:
    """Parse a word of `text` from `i` until whitespace outside quotes, or until `stop` (a `}`
    ending a `${...}`'s word, whose blanks are part of it): (value, index where it ended), None
    for what _sh_word does not read (and for `${...}` nested deeper than 8: a hostile file
    never exhausts the stack)."""
    if depth > 8:
        return None
    out: list[str] = []
    quote = ""
    while i < len(text):
        c = text[i]
        if quote == "'":
            if c == "'":
                quote = ""
            else:
                out.append(c)
            i += 1
            continue
        if not quote and (c == stop if stop else c.isspace()):
            break
        if c == "\\":
            nxt = text[i + 1 : i + 2]
            if quote and nxt not in ("$", "`", '"', "\\", "\n"):
                out.append(c)
            elif nxt != "\n":
                out.append(nxt)
            i += 2
            continue
        if c == '"':
            quote = "" if quote else '"'
            i += 1
            continue
        if c == "'" and not quote:
            quote = "'"
            i += 1
            continue
        if c == "`" or (not quote and c in ";&|<>()"):
            return None
        if c == "$":
            m = re.match(rf"\$(?:({_SH_NAME})|\{{({_SH_NAME})(:?[-=+])?)", text[i:])
            if m is None:
                return None
            name = m.group(1) or m.group(2)
            current = values.get(name)
            if m.group(1) or (
                m.group(2)
                and m.end() < len(text) - i
                and text[i + m.end()] == "}"
                and not m.group(3)
            ):
                if current is None and name in values:
                    return None
                out.append(current or "")
                i += m.end() + (0 if m.group(1) else 1)
                continue
            if not m.group(3):
                return None
            word = _sh_parse(text, i + m.end(), values, "}", depth + 1)
            if word is None or word[1] >= len(text) or text[word[1]] != "}":
                return None
            if current is None and name in values:
                return None
            op = m.group(3)
            unset = name not in values
            use_word = unset or (op.startswith(":") and not current)
            if op.endswith("+"):
                out.append("" if use_word else word[0])
            elif use_word:
                out.append(word[0])
                if op.endswith("="):
                    values[name] = word[0]
            else:
                out.append(current or "")
            i = word[1] + 1
            continue
        out.append(c)
        i += 1
    if quote:
        return None
    return "".join(out), i


def _go_flag_values(args: list[str], names: tuple[str, ...]) -> dict[str, str]:
    """The last value each of the string flags `names` is given in `args`, as Go's flag package
    (under urfave/cli, which k3s's commands use) reads them: `-name` and `--name` alike, the
    value after `=` or in the next argument (pkg.go.dev/flag, Command line flag syntax:
    "One or two dashes may be used; they are equivalent"; `-flag=x`, `-flag x`)."""
    out: dict[str, str] = {}
    for i, arg in enumerate(args):
        m = re.fullmatch(r"--?([^=-][^=]*)(?:=(.*))?", arg, re.S)
        if m is None or m.group(1) not in names:
            continue
        if m.group(2) is not None:
            out[m.group(1)] = m.group(2)
        elif i + 1 < len(args):
            out[m.group(1)] = args[i + 1]
    return out


def _k3s_config_flag(args: list[str]) -> str:
    """The file k3s's `--config` or `-c` names in `args` ("" where none does): k3s
    pkg/configfilearg/parser.go findConfigFileFlag compares each argument with the names
    exactly (defaultparser.go FlagNames `--config`, `-c`), the next argument the value, or
    takes what follows `NAME=`; the first found wins."""
    for i, arg in enumerate(args):
        for name in ("--config", "-c"):
            if arg == name:
                return args[i + 1] if i + 1 < len(args) else ""
            if arg.startswith(name + "="):
                return arg[len(name) + 1 :]
    return ""


def _libvirt_socket_acl_writers(
    ev: HostEvidence,
) -> tuple[Fact[dict[str, tuple[str, ...]]], tuple[str, ...]]:
    """libvirt's sockets (LIBVIRT_ACL_SOCKETS) -> the groups a named ACL entry lets write to
    them, with the mask (acl(5), ACCESS CHECK ALGORITHM, acl 2.3.2 man page: a group entry
    naming one of the process's groups grants the access it and the mask entry both hold,
    whatever the mode's group and other bits, which `stat` shows); connect(2) on a UNIX
    socket needs write permission (unix(7)). Unknown where getfacl could not read them, or is
    not installed and `ls -ldL` shows a '+' on one (_acl_unread), with the sockets so unread
    (R37A-1)."""
    got = ev.get(_cmd("admin-paths-acl"))
    if (unread := _acl_unread(ev, LIBVIRT_ACL_SOCKETS)) is not None:
        why, src = unread
        paths = LIBVIRT_ACL_SOCKETS
        if got.state == "absent":
            ls = ev.get(_cmd("admin-paths-ls"))
            marked = (line.split() for line in ls.text.splitlines())
            plus = {f[-1] for f in marked if f and f[0].endswith("+")}
            paths = tuple(p for p in LIBVIRT_ACL_SOCKETS if p in plus) or LIBVIRT_ACL_SOCKETS
        if paths != LIBVIRT_ACL_SOCKETS:
            why = (
                f"{', '.join(paths)} carr{'ies' if len(paths) == 1 else 'y'} a POSIX ACL "
                "(`ls -l` shows '+') and getfacl is not installed: whom it grants access "
                "beyond the mode is unread"
            )
        return Fact.unavailable(why, src), paths
    if got.state != "ok":
        return Fact.of({}, got.source), ()
    out: dict[str, tuple[str, ...]] = {}
    for path, entries in _acl_named_entries(got.text).items():
        if path in LIBVIRT_ACL_SOCKETS and (
            named := tuple(n for k, n, perms in entries if k == "group" and "w" in perms)
        ):
            out[path] = named
    return Fact.of(out, got.source), ()


def _socket_groups(ev: HostEvidence) -> list[str]:
    """The groups of _socket_writers."""
    return _socket_writers(ev)[0]


def _socket_writers(ev: HostEvidence) -> tuple[list[str], list[str], list[str]]:
    """Groups whose members, and the owners who, may write to a libvirt socket that asks them for no authorization:
    connecting is then administering the hypervisor or root's files.

    - A read-write socket whose daemon's auth_unix_rw is "none": every VM. libvirtd.conf.in,
      unix_sock_group: "allow a 'trusted' set of users access to management capabilities
      without becoming root".
    - A daemon's admin socket: remote_daemon.c daemonSetupNetworking adds it with
      REMOTE_AUTH_NONE, unix_sock_admin_perms and the same unix_sock_gid as the others (read
      with `read_file`), so whoever writes to it administers the daemon (virt-admin: its log
      outputs, which it opens as root, client limits, TLS files) (HL18-5).
    - virtlogd's and virtlockd's sockets and admin sockets (R17H-6): both daemons run as root and
      check no client identity; virtlogd opens and appends to the file a client names
      (log_daemon_dispatch.c), virtlockd creates the lock files and lockspace directories a
      client names and holds every VM disk's lease (lock_daemon_dispatch.c
      AcquireResource with AUTOCREATE, CreateResource, CreateLockSpace; virlockspace.c open
      O_CREAT as root) (HL18-5).

    The group is the socket's as stat reports it (the mode in effect, a socket unit's SocketMode=
    and SocketGroup= included), else, for libvirt's own sockets, the file's unix_sock_group with
    its group-writable perms. Group root adds no one. The socket's owner other than root who may
    write to it (stat's mode 0600 owned by bob: a unit's SocketUser=) connects as well (connect(2)
    EACCES "Write permission is denied on the socket file": write is what connecting needs)
    (HL18-10), and a socket others may write to (mode 0666, 0777) lets every local account
    connect: EVERY_USER (R25A-1). A named user or group entry of the socket's POSIX ACL that
    grants write (with the mask) connects as the owner or the group does (R36A-5, as R36A-4
    for the container sockets); the third list is the sockets so judged, whose ACLs matter."""
    stats: dict[str, tuple[str, str, str]] = {}
    acl_got = ev.get(_cmd("admin-paths-acl"))
    acls = _acl_named_entries(acl_got.text) if acl_got.state == "ok" else {}
    judged: list[str] = []
    st = ev.get(_cmd("libvirt-sockets"))
    for line in st.text.splitlines() if st.state == "ok" else []:
        parts = line.split()
        if len(parts) == 4 and digits(parts[0]):
            stats[parts[3]] = (parts[0], parts[2], parts[1])
    out: list[str] = []
    owners: list[str] = []

    def add(mode: str, group: str, owner: str = "") -> None:
        try:
            bits = int(mode, 8)
        except ValueError:
            bits = 0
        if bits & 0o020 and group and group != "root":
            out.append(group)
        if bits & 0o200 and owner and owner not in ("root", "0"):
            owners.append(owner)
        if bits & 0o002:
            # every local account may connect (unix(7): connecting needs write permission)
            owners.append(EVERY_USER)

    shut = _acl_group_shut(ev, "w")

    def add_stat(path: str) -> None:
        mode, group, owner = stats[path]
        # with an ACL, stat's group bits are the mask; group:: may shut the group out (R40A-3)
        add(mode, "" if path in shut else group, owner)
        judged.append(path)
        for kind, name, perms in acls.get(path, []):
            if "w" in perms and name not in ("root", "0"):
                (out if kind == "group" else owners).append(name)

    for daemon in LIBVIRT_DAEMONS:
        conf = ev.get(_file(f"/etc/libvirt/{daemon}.conf"))
        values: dict[str, Any] = {}
        if conf.state == "ok":
            try:
                values, _ = parse_conf(conf.text, f"{daemon}.conf")
            except InputError:
                values = {}
        conf_group = str(values.get("unix_sock_group") or "")
        admin = libvirt_admin_socket(daemon)
        if admin in stats:
            add_stat(admin)
        elif values.get("unix_sock_admin_perms") is not None:
            add(str(values["unix_sock_admin_perms"]), conf_group)
        if values.get("auth_unix_rw") != "none":
            continue
        sock = libvirt_socket(daemon)
        if sock in stats:
            add_stat(sock)
        else:
            add(str(values.get("unix_sock_rw_perms") or ""), conf_group)
    for path in LOG_LOCK_SOCKETS:
        if path in stats:
            add_stat(path)
    return list(dict.fromkeys(out)), list(dict.fromkeys(owners)), judged


def _sshd(g: Got) -> Fact[dict[str, str]]:
    if g.state == "absent":
        return Fact.of({}, Source(g.source.artefact, "sshd not installed"))
    if g.rc != 0:
        return Fact.failed(f"sshd -T exited {g.rc}: {g.reason[:200]}", g.source)
    out: dict[str, str] = {}
    for line in g.text.splitlines():
        key, _, value = line.partition(" ")
        if key:
            out[key.lower()] = (
                (out[key.lower()] + " " + value.strip()) if key.lower() in out else value.strip()
            )
    return Fact.of(out, g.source)


#: SSSD's include directory (sssd.conf(5), "CONFIGURATION SNIPPETS FROM INCLUDE DIRECTORY").
SSSD_CONF_D = "/etc/sssd/conf.d/"


def _sssd_changed_since_start(ev: HostEvidence) -> tuple[str, list[Source]] | None:
    """Why SSSD may not run what its files say: a file of /etc/sssd (sssd.conf, a conf.d
    snippet) changed after the running sssd monitor started. sssd(8): the configuration file
    is read at start; SIGHUP only makes SSSD "close and reopen" its debug files (SIGNALS, read
    with `find_string`). None when nothing changed since, or the times were not read."""
    found = _changed_after(ev, "sssd-conf-mtimes", "sssd", "/etc/sssd/")
    if found is None:
        return None
    path, mtime, start = found
    if start < 0:
        return (
            f"{path}: SSSD reads its configuration only when it starts, so what a running sssd "
            "applies may differ from the files",
            [ev.get(_cmd("processes")).source, ev.get(_cmd("sssd-conf-mtimes")).source],
        )
    if not mtime:
        return (
            f"sssd runs, but {path}: SSSD reads its configuration only when it starts, so "
            "what it runs may differ from the files",
            [ev.get(_cmd("sssd-conf-mtimes")).source, ev.get(_cmd("process-starts")).source],
        )
    return (
        f"{path} was changed at {_utc(mtime)}, after sssd started at {_utc(start)}; "
        "SSSD reads its configuration only when it starts, so what it runs may differ "
        "from the file",
        [ev.get(_cmd("sssd-conf-mtimes")).source, ev.get(_cmd("process-starts")).source],
    )


def _sssd_conf(ev: HostEvidence) -> tuple[configparser.ConfigParser | None, str, list[Source]]:
    """SSSD's configuration as SSSD reads it: /etc/sssd/sssd.conf, then the snippets of
    /etc/sssd/conf.d. sssd.conf(5), "CONFIGURATION SNIPPETS FROM INCLUDE DIRECTORY" (found with
    `search`): "Any file placed in conf.d that ends in ".conf" and does not begin with a dot
    (".") will be used together with sssd.conf"; "The configuration snippets from conf.d have
    higher priority than sssd.conf and will override sssd.conf when conflicts occur. If several
    snippets are present in conf.d, then they are included in alphabetical order ... Files
    included later have higher priority." (Red Hat's "Multiple SSSD configuration files on a
    per-client basis": "SSSD uses the last read parameter".) Only the directory's own files
    count (libini reads the include directory, not its subdirectories).

    Returns (parser, "", sources), or (None, why it cannot be read, sources)."""
    conf = ev.get(_file("/etc/sssd/sssd.conf"))
    snippets = ev.get(_cmd("sssd-conf-d"))
    sources = [conf.source]
    changed = _sssd_changed_since_start(ev)
    if changed:
        return None, changed[0], [*sources, *changed[1]]
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(conf.text)
    except configparser.Error as e:
        return None, f"/etc/sssd/sssd.conf could not be read: {str(e)[:120]}", sources
    if snippets.state == "uncollected":
        return None, f"{SSSD_CONF_D} (sssd.conf's snippets) was not collected", sources
    if snippets.state == "failed" or (
        snippets.state == "ok" and snippets.rc == 2 and snippets.text
    ):
        why = (snippets.reason or "grep exited 2").strip()[:120]
        return None, f"{SSSD_CONF_D} could not be read: {why}", [*sources, snippets.source]
    if snippets.state != "ok" or snippets.rc != 0:
        return parser, "", sources  # no such directory (grep exits 2), or no file in it (1)
    files: dict[str, list[str]] = {}
    for line in snippets.text.splitlines():
        path, sep, rest = line.partition(":")
        name = path.removeprefix(SSSD_CONF_D)
        if not sep or not path.startswith(SSSD_CONF_D) or "/" in name:
            continue
        if name.endswith(".conf") and not name.startswith("."):
            files.setdefault(name, []).append(rest)
    try:
        for name in sorted(files):
            parser.read_string("\n".join(files[name]) + "\n", source=SSSD_CONF_D + name)
    except configparser.Error as e:
        return (
            None,
            f"{SSSD_CONF_D} could not be read: {str(e)[:120]}",
            [
                *sources,
                snippets.source,
            ],
        )
    return parser, "", [*sources, snippets.source] if files else sources


def _directory(ev: HostEvidence, *, running: bool = False) -> Fact[str]:
    """The directory service nsswitch resolves accounts through ("" for local files only).

    `sss` alone proves only that SSSD answers: sssd-files(5), "The files provider mirrors the
    content of the passwd(5) and group(5) files", so an SSSD whose domains all use
    `id_provider = files` (or `proxy` with `proxy_lib_name = files`) serves the host's local
    accounts. sssd.conf(5): [sssd] `domains` lists the domains in use, each configured in its
    [domain/NAME] section; a domain's `enabled` overrides the list ("If false, the domain is
    always disabled"; true enables an unlisted one). Snippets in /etc/sssd/conf.d override
    sssd.conf (`_sssd_conf`)."""
    got = ev.get(_file("/etc/nsswitch.conf"))
    if got.state == "failed":
        return Fact.failed(got.reason, got.source)
    services, why = _nss_database(ev, got.text, "passwd")
    compat_via, compat_why = _nss_database(ev, got.text, "passwd_compat")
    if services is None or compat_via is None:
        return Fact.unavailable(why or compat_why, got.source)
    if services:
        # nsswitch.conf(5): "nis" (and "nisplus") resolve the NIS passwd map; "compat"
        # reads /etc/passwd's "+" entries ("+" every entry of the NIS map, "+user",
        # "+@netgroup") from NIS, or from the passwd_compat database's source (R10H-3)
        passwd = ev.get(_file("/etc/passwd"))
        # nss_compat skips the blanks before an entry as nss_files does (R16H-1)
        plus = any(ln.lstrip(_C_BLANKS).startswith("+") for ln in passwd.text.split("\n"))
        if "compat" in services and plus:
            via = compat_via[0] if compat_via else "nis"
            services = [*services, "nis" if via == "nisplus" else via]
        if "nisplus" in services:
            services = [*services, "nis"]
        for service in ("ldap", "winbind", "nis"):
            if service in services:
                runs, unread = _runs(ev, "winbindd") if service == "winbind" else (True, "")
                if unread:
                    return Fact.unavailable(
                        f"passwd: winbind, but the process list was not read ({unread}): "
                        "whether winbindd runs, without which only local accounts resolve, is "
                        "unknown",
                        got.source,
                        Source(_cmd("processes")),
                    )
                if not runs:
                    # winbindd(8): "The service provided by winbindd is called `winbind'":
                    # libnss_winbind asks the daemon, so without it nothing resolves there
                    return Fact.of(
                        "",
                        Source(
                            got.source.artefact,
                            "passwd: winbind, but no winbindd process runs: only local "
                            "accounts resolve",
                        ),
                    )
                return Fact.of(service, Source(got.source.artefact, "passwd:"))
        if "sss" in services:
            return _sssd_directory(ev, got.source, running=running)
    return Fact.of("", got.source)


def _userdb_accounts(ev: HostEvidence) -> Fact[tuple[str, ...]]:
    """The accounts nss-systemd resolves beyond /etc/passwd that may log in (HL10-2). nsswitch
    names no module "systemd-homed": nss-systemd(8), `systemd` on the passwd line, serves the
    User/Group Record Lookup API's records (DynamicUser=, systemd-homed, systemd-machined),
    the synthesized root and nobody, and static drop-in JSON records NAME.user in /etc/userdb/,
    /run/userdb/, /run/host/userdb/ and /usr/lib/userdb/. Counted: each drop-in record, and
    systemd-homed while it runs (its users are interactive by design). Without `systemd` on the
    line: (). The drop-ins or the process list unread: unknown."""
    nss = ev.get(_file("/etc/nsswitch.conf"))
    if nss.state == "failed":
        return Fact.failed(nss.reason, nss.source)
    services, why = _nss_database(ev, nss.text, "passwd")
    if services is None:
        return Fact.unavailable(why, Source(nss.source.artefact, "passwd:"))
    if "systemd" not in services:
        return Fact.of((), Source(nss.source.artefact, "passwd:"))
    got = ev.get(_cmd("userdb-records"))
    missing_dirs = all("No such file or directory" in ln for ln in got.reason.splitlines())
    if got.state != "ok" or not (got.rc == 0 or (got.rc == 1 and missing_dirs)):
        why = "not collected" if got.state == "uncollected" else (got.reason or f"rc {got.rc}")
        return Fact.unavailable(
            "nsswitch passwd lists systemd, whose drop-in user records (/etc/userdb, "
            f"/run/userdb, /run/host/userdb, /usr/lib/userdb) were not read: {why[:120]}",
            Source(nss.source.artefact, "passwd:"),
            got.source,
        )
    ps = ev.get(_cmd("processes"))
    if ps.state != "ok" or ps.rc != 0:
        return Fact.unavailable(
            "nsswitch passwd lists systemd, and whether systemd-homed runs is unknown (the "
            "process list was not read)",
            Source(nss.source.artefact, "passwd:"),
            ps.source,
        )
    names = sorted(
        ln.strip().rsplit("/", 1)[-1].removesuffix(".user")
        for ln in got.text.splitlines()
        if ln.strip().endswith(".user")
    )
    if "systemd-homed" in {e for e, _ in _commands(ps.text)}:
        names.append("systemd-homed")
    return Fact.of(tuple(names), Source(nss.source.artefact, "passwd:"), got.source, ps.source)


def _directory_open(ev: HostEvidence, directory: Fact[str]) -> Fact[tuple[str, ...]]:
    """The directory domains SSSD serves whose access control lets every account of the
    directory log in. sssd.conf(5) access_provider: "permit" always allows access, and it is
    the default ("Default: permit"; found with `search`, quoted in SSSD/sssd#1752): with
    `passwd: ... sss` every directory user then passes pam_sss's account phase on every
    service. Other providers (ad, ipa, ldap, simple, krb5, deny) decide from the directory or
    their own lists. Where only the process list was not read (whether sssd runs, R47S-1), a
    directory none of whose domains lets every account in is no open domain either way."""
    unknown = directory
    if not directory.known:
        directory = _directory(ev, running=True)
        if not directory.known or directory.get() != "sss":
            return unknown  # type: ignore[return-value]
    if directory.get() != "sss":
        return Fact.of((), *directory.sources)
    parser, why, sources = _sssd_conf(ev)
    if parser is None:
        return Fact.unavailable(why, *sources)
    open_domains = []
    # only the domains SSSD runs (a section neither in [sssd] domains nor enabled is unused)
    for section in (f"domain/{n}" for n in _sssd_domains(parser)):
        provider = parser.get(section, "id_provider", fallback="").strip().lower()
        if not provider or provider == "files":
            continue
        access = parser.get(section, "access_provider", fallback="").strip().lower()
        allow = [
            parser.get(section, k, fallback="").strip()
            for k in ("simple_allow_users", "simple_allow_groups")
        ]
        if access in ("", "permit"):
            how = "access_provider permit" if access else "access_provider unset: permit"
            open_domains.append(f"{section.removeprefix('domain/')} ({how})")
        elif (
            access == "ad"
            and (gpo := parser.get(section, "ad_gpo_access_control", fallback="").strip().lower())
            in ("permissive", "disabled")
            and not parser.get(section, "ad_access_filter", fallback="").strip()
        ):
            # sssd-ad(5): with access_provider ad, GPO logon rights (ad_gpo_access_control) and
            # ad_access_filter restrict who logs in; "permissive" only logs what GPO would deny
            # (SSSD/sssd#3702: "to warn admins that the security policy wasn't being honored")
            how = f"access_provider ad, ad_gpo_access_control {gpo}, no ad_access_filter"
            open_domains.append(f"{section.removeprefix('domain/')} ({how})")
        elif access == "simple" and not any(allow):
            # sssd-simple(5): "If all lists are empty, access is granted"; "If only deny
            # lists are provided, all users are granted access unless they appear in the list"
            how = "access_provider simple without an allow list"
            open_domains.append(f"{section.removeprefix('domain/')} ({how})")
    if open_domains and not unknown.known:
        return unknown  # type: ignore[return-value]  # open, where sssd may not run
    return Fact.of(tuple(open_domains), *sources)


def _runs(ev: HostEvidence, program: str) -> tuple[bool, str]:
    """(whether the process list shows `program`, why the list is unread: "" where it was
    read). POSIX ps EXIT STATUS: "0 Successful completion", ">0 An error occurred", so only a
    run exiting 0 lists the processes; a list that was not read (ps failing or not found)
    claims nothing either way (R47S-1). A bundle without the list (an older collector) is no
    claim: True."""
    ps = ev.result(_cmd("processes"))
    if ps.state == "uncollected":
        return True, ""
    if ps.state != "ok":
        return False, f"`ps`: {ps.reason.strip()[:120] or ps.state}"
    return program in {e for e, _ in _commands(ps.text)}, ""


def _sssd_domains(parser: configparser.ConfigParser) -> list[str]:
    """The domains SSSD runs: sssd.conf(5), [sssd] `domains` lists them; a domain's `enabled`
    overrides the list ("If false, the domain is always disabled"; true enables an unlisted one).
    A [domain/NAME] section neither listed nor enabled is not used."""
    listed = [d.strip() for d in parser.get("sssd", "domains", fallback="").split(",") if d.strip()]
    sections = [x.removeprefix("domain/") for x in parser.sections() if x.startswith("domain/")]

    def enabled(name: str) -> bool:
        flag = parser.get(f"domain/{name}", "enabled", fallback="").strip().lower()
        return flag in ("true", "yes", "1") or (name in listed and flag not in ("false", "no", "0"))

    return [n for n in dict.fromkeys([*listed, *sections]) if enabled(n)]


def _sssd_directory(ev: HostEvidence, nss: Source, *, running: bool = False) -> Fact[str]:
    conf = ev.get(_file("/etc/sssd/sssd.conf"))
    if conf.state != "ok":
        return Fact.unavailable(
            "nsswitch passwd names sss, but /etc/sssd/sssd.conf was not read, so whether SSSD "
            "answers from a directory or from the local files is unknown",
            nss,
            conf.source,
        )
    parser, why, sources = _sssd_conf(ev)
    if parser is None:
        return Fact.unavailable(why, *sources)
    names = _sssd_domains(parser)
    directory = []
    for name in names:
        section = f"domain/{name}"
        provider = parser.get(section, "id_provider", fallback="").strip().lower()
        lib = parser.get(section, "proxy_lib_name", fallback="").strip().lower()
        if provider and provider != "files" and not (provider == "proxy" and lib == "files"):
            directory.append(f"{name} ({provider})")
    if directory:
        # `running`: as if sssd runs, for a reader the process list cannot change
        runs, unread = (True, "") if running else _runs(ev, "sssd")
        if unread:
            # a process list not read is no sign that sssd runs (R47S-1)
            return Fact.unavailable(
                f"SSSD is configured (domains {', '.join(directory)}), but the process list "
                f"was not read ({unread}): whether sssd runs, without which nss_sss answers "
                "nothing and only local accounts resolve, is unknown",
                conf.source,
                Source(_cmd("processes")),
            )
        if not runs:
            # SSSD's NSS client (src/sss_client/common.c sss_nss_make_request): without the
            # daemon's socket every lookup is NSS_STATUS_UNAVAIL and nsswitch goes on to the
            # next source: only the local files' accounts exist (read with `find_string`)
            return Fact.of(
                "",
                Source(
                    conf.source.artefact,
                    f"SSSD configured (domains {', '.join(directory)}) but no sssd process "
                    "runs: nss_sss answers nothing, only local accounts resolve",
                ),
                Source(_cmd("processes")),
            )
        return Fact.of(
            "sss", Source(conf.source.artefact, f"domains {', '.join(directory)}"), *sources[1:]
        )
    return Fact.of(
        "",
        Source(
            conf.source.artefact,
            "SSSD with local files only: "
            + (f"domains {', '.join(names)} use the files provider" if names else "no domain"),
        ),
    )


#: OpenSSH's own defaults (sshd_config(5); the stock sshd_config shows them commented out), used
#: only for a key `sshd -T` did not print (it prints every key, so only partial recordings).
SSHD_DEFAULTS = {
    "authenticationmethods": "any",
    "pubkeyauthentication": "yes",
    "passwordauthentication": "yes",
    "kbdinteractiveauthentication": "yes",
    "usepam": "no",
    "gssapiauthentication": "no",
    "hostbasedauthentication": "no",
}


PAM_DIST_D = "/usr/lib/pam.d"
"""Linux-PAM's PAM_CONFIG_DIST_D (libpam/pam_private.h): the vendor files libpam reads for a
service /etc/pam.d does not hold."""


def _pam_service(ev: HostEvidence, name: str) -> Got:
    """The file libpam reads for PAM service (or included name) `name`: /etc/pam.d/NAME, else,
    where that does not exist, /usr/lib/pam.d/NAME. Linux-PAM libpam/pam_handlers.c
    _pam_open_config_file tries PAM_CONFIG_DF, then PAM_CONFIG_DIST_DF, then (built with a
    vendordir) PAM_CONFIG_DIST2_DF; the Linux-PAM System Administrators' Guide, 4.2 "Directory
    based configuration": "All files in /etc/pam.d/ override files with the same name in other
    directories". A bundle collected before /usr/lib/pam.d was keeps /etc's answer (absent)."""
    etc = ev.get(_file(f"/etc/pam.d/{name}"))
    if etc.state != "absent":
        return etc
    dist = ev.get(_file(f"{PAM_DIST_D}/{name}"))
    return etc if dist.state == "uncollected" else dist


def _pam_path(got: Got) -> str:
    """The host path of a PAM file's artefact."""
    return got.source.artefact.removeprefix("host/files")


def _pam_texts(ev: HostEvidence) -> tuple[dict[str, str], list[Source], Got]:
    """The PAM service files hvaudit collects (include name -> text, /etc/pam.d's file else
    /usr/lib/pam.d's: _pam_service; a collected vendor file is also keyed by its full path,
    which an absolute include names), their sources, and the artefact of sshd's own file."""
    texts: dict[str, str] = {}
    sources: list[Source] = []
    for name in PAM_SERVICES:
        got = _pam_service(ev, name)
        if got.state == "ok":
            texts[name] = got.text
            sources.append(got.source)
        dist = ev.get(_file(f"{PAM_DIST_D}/{name}"))
        if dist.state == "ok":
            # its source is listed where it is the service's file (an absolute include of it
            # is rare): a vendor file /etc/pam.d overrides is no evidence of the stack
            texts[f"{PAM_DIST_D}/{name}"] = dist.text
    return texts, sources, _pam_service(ev, "sshd")


#: What one sshd authentication method proves when PAM is not involved.
METHOD_FACTORS = {
    "publickey": frozenset({"possession"}),
    "password": frozenset({"knowledge"}),
    "keyboard-interactive": frozenset({"knowledge"}),
    "gssapi-with-mic": frozenset({"kerberos"}),
    # the client host proves it holds its host key and vouches for the user (sshd_config(5)
    # HostbasedAuthentication): something the client has, the kind a user key is
    "hostbased": frozenset({"possession"}),
}
PAM_METHODS = ("password", "keyboard-interactive")
#: OTP modules whose verdict lives in a file hvaudit does not read, with why it matters.
UNREAD_OTP = {
    "pam_duo": "whose /etc/duo/pam_duo.conf (unread, or with groups or conf= limiting it) decides "
    'failmode, default "safe": allow access when Duo cannot be reached, and groups, who is '
    "asked at all (pam_duo(8))",
    "pam_radius_auth": "whose RADIUS server (not observed) decides whether the code is a one-time "
    "code or just another password",
}

#: The packages that install each OTP PAM module (Debian/Ubuntu names read with `apt-cache
#: policy` on Debian 12; pam_u2f also Fedora's pam-u2f and SUSE's pam_u2f, packages
#: .fedoraproject.org and build.opensuse.org): one listed shows the module installed (HL16-2); none
#: listed shows nothing (a module may come from elsewhere).
OTP_PACKAGES: dict[str, tuple[str, ...]] = {
    "pam_u2f": ("libpam-u2f", "pam-u2f", "pam_u2f"),
    "pam_google_authenticator": ("libpam-google-authenticator",),
    "pam_oath": ("libpam-oath",),
    "pam_yubico": ("libpam-yubico",),
    "pam_radius_auth": ("libpam-radius-auth",),
    "pam_duo": ("libpam-duo",),
}

#: sshd_config keywords a Match block may set that change which logins need what (sshd_config(5),
#: Match: the keywords allowed there include these; ChallengeResponseAuthentication is the old
#: name of KbdInteractiveAuthentication).
MATCH_AUTH_KEYS = {
    "authenticationmethods": "authenticationmethods",
    "passwordauthentication": "passwordauthentication",
    "pubkeyauthentication": "pubkeyauthentication",
    "kbdinteractiveauthentication": "kbdinteractiveauthentication",
    "challengeresponseauthentication": "kbdinteractiveauthentication",
    "gssapiauthentication": "gssapiauthentication",
    "hostbasedauthentication": "hostbasedauthentication",
}


def _mfa(
    ev: HostEvidence, sshd: Fact[dict[str, str]], matches: Fact[tuple[SshdMatch, ...]]
) -> Fact[tuple[bool, str]]:
    """The global verdict (`sshd -T`, which applies no Match block), then each Match block that
    sets an authentication keyword: a connection the block selects gets the global settings with
    the block's overriding them (sshd_config(5), Match), so one single-factor block fails the
    host, and a global pass with the blocks unread is not a pass."""
    base = _mfa_one(ev, sshd, {})
    if not base.known or not base.get()[0]:
        return base
    if not matches.known:
        return Fact.unavailable(
            "every login outside Match blocks needs two factors, but the Match blocks of "
            f"sshd_config were not read ({matches.reason})",
            *base.sources,
            *matches.sources,
        )
    for block in matches.get():
        over: dict[str, str] = {}
        for key, value in block.settings:
            name = MATCH_AUTH_KEYS.get(key)
            if name is not None:
                over.setdefault(name, value if name == "authenticationmethods" else value.lower())
        if not over:
            continue
        got = _mfa_one(ev, sshd, over)
        if not got.known:
            return got
        if not got.get()[0]:
            return Fact.of(
                (False, f"Match {block.criteria} ({block.where}): {got.get()[1]}"),
                *got.sources,
                *matches.sources,
            )
    return base


def _mfa_one(
    ev: HostEvidence, sshd: Fact[dict[str, str]], over: dict[str, str]
) -> Fact[tuple[bool, str]]:
    """Whether every way sshd lets an administrator in needs two factors, and why (not).

    Decided from `sshd -T` and sshd's PAM auth stack. sshd_config(5), UsePAM: "If set to yes
    this will enable PAM authentication using KbdInteractiveAuthentication and
    PasswordAuthentication in addition to PAM account and session module processing for all
    authentication types": PAM's auth stack runs for password and keyboard-interactive logins
    and never for a public key. A password login runs the same stack as keyboard-interactive,
    sshd answering every echo-off prompt with the one password it was given (OpenSSH
    auth-pam.c, `sshpam_passwd_conv`), so both need whatever factors the stack requires. Which
    factors the stack requires is evaluated with Linux-PAM's control semantics
    (`hvaudit.parse.pam`, pam.conf(5)). A login method is one factor kind: a key
    ("possession"), a one-time code or token from PAM ("otp"), a password ("knowledge").
    """
    if not sshd.known:
        return sshd  # type: ignore[return-value]
    conf = dict(SSHD_DEFAULTS)
    conf.update(sshd.get())
    conf.update(over)
    texts, sources, sshd_pam = _pam_texts(ev)
    evidence = (*sshd.sources, *sources)
    use_pam = conf["usepam"] == "yes"
    stack = parse_stack(texts, "sshd")
    enabled = {
        "publickey": conf["pubkeyauthentication"] == "yes",
        "password": conf["passwordauthentication"] == "yes",
        "keyboard-interactive": conf["kbdinteractiveauthentication"] == "yes",
        "gssapi-with-mic": conf["gssapiauthentication"] == "yes",
        "hostbased": conf["hostbasedauthentication"] == "yes",
    }
    if conf["authenticationmethods"] == "any":
        lists = [[m] for m, on in enabled.items() if on]
    else:
        lists = [lst.split(",") for lst in conf["authenticationmethods"].split()]
    uses_pam = use_pam and any(m.split(":", 1)[0] in PAM_METHODS for lst in lists for m in lst)
    if uses_pam and sshd_pam.state != "ok":
        why = (
            # Linux-PAM libpam/pam_handlers.c _pam_open_config_file: /etc/pam.d/NAME, then
            # /usr/lib/pam.d/NAME (PAM_CONFIG_DIST_DF); _pam_init_handlers' rules of the `other`
            # service (found by the same lookup) stand in for every type where neither opens
            # (R45A-3)
            "there is no /etc/pam.d/sshd, so Linux-PAM reads /usr/lib/pam.d/sshd, or where that "
            "does not exist the `other` service (/etc/pam.d/other, else /usr/lib/pam.d/other); "
            "none collected"
            if sshd_pam.state == "absent" and _pam_path(sshd_pam) == "/etc/pam.d/sshd"
            # neither exists: a libpam built with a vendordir reads VENDORDIR/pam.d/sshd next
            # (PAM_CONFIG_DIST2_DF; openSUSE's /usr/etc, the openSUSE wiki "openSUSE:PAM
            # configuration"), else the `other` service (_pam_init_handlers)
            else "there is no /etc/pam.d/sshd or /usr/lib/pam.d/sshd, so Linux-PAM reads its "
            "vendor directory's sshd (/usr/etc/pam.d/sshd on openSUSE), or where that does not "
            "exist the `other` service (/etc/pam.d/other, else /usr/lib/pam.d/other); none "
            "collected"
            if sshd_pam.state == "absent"
            else f"{_pam_path(sshd_pam)} was not read ({sshd_pam.reason or sshd_pam.state})"
        )
        return Fact.unavailable(
            f"sshd runs PAM for password/keyboard-interactive logins, but {why}",
            *evidence,
            sshd_pam.source,
        )
    # a name assumed authless that neither directory holds is not assumed (R52A-3)
    nowhere = [
        n
        for n in NON_AUTH_INCLUDES
        if (vendor := _pam_service(ev, n)).state == "absent"
        and _pam_path(vendor) == f"{PAM_DIST_D}/{n}"
    ]
    unread = unread_auth_files(texts, "sshd", absent=nowhere) if uses_pam else []
    if unread:
        # an include of a name /etc/pam.d does not hold is read from /usr/lib/pam.d/NAME
        # (Linux-PAM libpam/pam_handlers.c _pam_open_config_file: PAM_CONFIG_DF, then
        # PAM_CONFIG_DIST_DF), never collected: the message names that file (R46A-2)
        def _named(u: str) -> str:
            if u.startswith("/"):
                return f"{u} (not collected)"
            got = _pam_service(ev, u)
            if got.state == "absent" and _pam_path(got) == f"{PAM_DIST_D}/{u}":
                return (
                    f"{u} (in neither /etc/pam.d nor /usr/lib/pam.d; libpam's vendor "
                    "directory, /usr/etc/pam.d on openSUSE, is not collected)"
                )
            if got.state == "absent":
                return f"/usr/lib/pam.d/{u} (there is no /etc/pam.d/{u}; not collected)"
            if got.state == "failed":
                return f"{_pam_path(got)} (not read: {got.reason})"
            return f"{_pam_path(got)} (not collected)"

        return Fact.unavailable(
            "sshd's PAM auth stack includes "
            + ", ".join(_named(u) for u in unread)
            + ": the factors it requires are unknown",
            *evidence,
        )
    pam = required_factors(stack) if uses_pam else {}

    def by_pam(method: str) -> bool:
        return method.split(":", 1)[0] in PAM_METHODS and use_pam

    single = []
    for lst in lists:
        if pam is None and any(by_pam(m) for m in lst):
            continue  # a list with a method PAM never lets succeed is no way in
        # the kinds the list's other methods prove, then each way through PAM's stack: a list
        # is one factor where some run of the stack adds no kind beyond one (R9H-2: PAM's
        # factor may differ between runs, `sufficient pam_unix` then `required pam_u2f`)
        got: set[str] = set()
        for m in lst:
            if not by_pam(m):
                base = m.split(":", 1)[0]
                got |= METHOD_FACTORS.get(base, frozenset({base}))
        if not any(by_pam(m) for m in lst):
            weak_list = len(got) < 2
        else:
            weak_list = any(
                len(got | extra) < 2 and succeeds_with_only(stack, frozenset(extra))
                for extra in (set(), {"knowledge"}, {"otp"})
            )
        if weak_list:
            single.append(",".join(lst))
    otp_rules = [r for r in stack.rules() if r.module in OTP_MODULES]
    needed = {r.module for rules in (pam or {}).values() for r in rules}
    weak = [r.describe() for r in otp_rules if r.module not in needed]
    if single:
        why = f"{' or '.join(single)} alone logs in (AuthenticationMethods {conf['authenticationmethods']})"
        if any("publickey" in s for s in single) and otp_rules:
            why += "; PAM's auth stack is not run for public-key logins"
        if weak and uses_pam:
            why += f"; {', '.join(dict.fromkeys(weak))} does not fail the login when the factor is missing"
        return Fact.of((False, why), *evidence)
    otp = {r.module for r in (pam or {}).get("otp", ())}
    pam_lists = [lst for lst in lists if any(m.split(":", 1)[0] in PAM_METHODS for m in lst)]
    # no factor on every run, but one of several on each (R9H-2): the modules that supply them
    either = (
        {
            factor: sorted({r.module for r in stack.rules() if r.module in mods and not r.bypass})
            for factor, mods in (("knowledge", KNOWLEDGE_MODULES), ("otp", OTP_MODULES))
        }
        if uses_pam and pam_lists and not pam and not succeeds_with_only(stack, frozenset())
        else {}
    )
    otp = otp or set(either.get("otp", ()))
    # a run whose only OTP module is one whose verdict lives in an unread file (pam_duo's
    # failmode, a RADIUS server) rests on that file, whatever other OTP module the stack lists:
    # the stack succeeds with every OTP module hvaudit can judge failing
    judged = frozenset(m for m in OTP_MODULES if m not in UNREAD_OTP)
    resting = sorted(
        {r.module for r in stack.rules() if r.module in UNREAD_OTP and not r.bypass} & otp
    )
    duo_rules = [r for r in stack.rules() if r.module == "pam_duo" and not r.bypass]
    duo_mode, duo_src = _duo_failmode(ev, duo_rules)
    if "pam_duo" in resting and duo_mode == "secure":
        # read: Duo is asked of every user and denies access when it cannot be reached
        resting.remove("pam_duo")
        judged = judged | {"pam_duo"}
        evidence = (*evidence, duo_src)
    elif (
        "pam_duo" in resting
        and duo_mode == "safe"
        and uses_pam
        and pam_lists
        and succeeds_without(stack, judged)
    ):
        return Fact.of(
            (
                False,
                "the second factor rests on pam_duo, whose /etc/duo/pam_duo.conf says failmode "
                "safe (set, or its default): when Duo cannot be reached pam_duo allows access "
                "without the second factor (pam_duo(8))",
            ),
            *evidence,
            duo_src,
        )
    if uses_pam and pam_lists and resting and succeeds_without(stack, judged):
        return Fact.unavailable(
            "the second factor rests on "
            + " and ".join(f"{m}, {UNREAD_OTP[m]}" for m in resting)
            + (
                f" (on the runs that pass without {'/'.join(sorted(otp - set(resting)))})"
                if otp - set(resting)
                else ""
            ),
            *evidence,
        )
    # a control that lets the stack go on when libpam cannot load the OTP module (HL16-2):
    # the factor holds only where the module is installed, which only a package may show
    tolerant = missing_tolerated(stack) if uses_pam and pam_lists else ()
    packages = _packages(ev)
    installed = packages.get() if packages.known else {}
    unsure = [
        r for r in tolerant if not any(p in installed for p in OTP_PACKAGES.get(r.module, ()))
    ]
    if unsure and succeeds_when_missing(stack, unsure):
        names = sorted({r.module for r in unsure})
        return Fact.unavailable(
            "the second factor rests on "
            + " and ".join(names)
            + " being installed: "
            + "; ".join(f"`{r.control} {r.module}`" for r in unsure)
            + " lets the login through without it where libpam cannot load the module "
            "(module_unknown), and "
            + (
                "no package that installs it is listed ("
                + ", ".join(p for m in names for p in OTP_PACKAGES.get(m, ()))
                + ")"
                if packages.known
                else f"the package list was not read ({packages.reason})"
            ),
            *evidence,
            *packages.sources,
        )
    how = f"AuthenticationMethods {conf['authenticationmethods']}"
    if pam:
        how += ", PAM requires " + " and ".join(
            f"{'/'.join(sorted({r.module for r in rules}))} ({factor})"
            for factor, rules in sorted(pam.items(), key=lambda kv: kv[0] != "knowledge")
        )
    elif either:
        how += ", PAM requires " + " or ".join(
            f"{'/'.join(mods)} ({factor})" for factor, mods in either.items() if mods
        )
    return Fact.of((True, how), *evidence)


def _duo_failmode(ev: HostEvidence, rules: list[Any]) -> tuple[str | None, Source]:
    """("secure" or "safe", source) from /etc/duo/pam_duo.conf, or (None, source) where it does
    not settle the factor. pam_duo(8): the INI file's [duo] section; failmode "On service or
    configuration errors that prevent Duo authentication, fail 'safe' (allow access) or
    'secure' (deny access). Default is 'safe'"; groups "If specified, Duo authentication is
    required only for users whose primary group or supplementary group list matches" (who is
    exempt is not in this evidence: None); conf= on the PAM line names another file (None)."""
    got = ev.get(_file("/etc/duo/pam_duo.conf"))
    if got.state != "ok" or any(o.startswith("conf=") for r in rules for o in r.options):
        return None, got.source
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(got.text)
    except configparser.Error:
        return None, got.source
    if not parser.has_section("duo") or parser.get("duo", "groups", fallback="").strip():
        return None, got.source
    mode = parser.get("duo", "failmode", fallback="safe").strip().lower()
    if mode in ("safe", "secure"):
        return mode, Source(got.source.artefact, f"failmode {mode}")
    return None, got.source


#: The daemon that sends what each forwarding configuration describes (its executable name).
RSYSLOG_CONF = "/etc/rsyslog.conf"
FORWARDERS = {
    "rsyslog": "rsyslogd",
    "syslog-ng": "syslog-ng",
    "journal-upload": "systemd-journal-upload",
}


JOURNALD_CONF = "/etc/systemd/journald.conf"
#: journald.conf(5) "Configuration Directories and Precedence" (systemd 256, read with
#: `search`): "The main configuration file is loaded from one of the listed directories in order
#: of priority, only the first file found is used: /etc/systemd/, /run/systemd/,
#: /usr/local/lib/systemd/, /usr/lib/systemd/" (newer systemd ships no /etc file).
JOURNALD_MAINS = (
    JOURNALD_CONF,
    "/run/systemd/journald.conf",
    "/usr/local/lib/systemd/journald.conf",
    "/usr/lib/systemd/journald.conf",
)


def _journald_main(ev: HostEvidence) -> tuple[str, Got]:
    """The main journald.conf journald reads and its artefact: the first of JOURNALD_MAINS
    that exists (HL18-1). A file that could not be read is the answer (what it says is
    unknown); a bundle older than the other paths' probes keeps /etc's file as before."""
    return _first_main(ev, JOURNALD_MAINS)


def _first_main(ev: HostEvidence, mains: tuple[str, ...]) -> tuple[str, Got]:
    """The first of `mains` (/etc's first) that exists, as systemd's config_parse_standard_file_
    with_dropins finds a daemon's main file; /etc's (absent) when none does, or /etc's
    (uncollected) when the bundle has none of them (an older collector).

    A bundle that holds /etc's probe but predates the later ones (/run, /usr/local/lib, /usr/lib)
    settles the main file only where /etc's exists (it is looked up first). Where /etc's is
    absent, the file journald or journal-upload reads may be a later one that was not collected
    (newer systemd ships the vendor file only): the main file is unknown, a Got of state
    "unseen" whose reason names the paths to confirm (HL19-1), never no file at all."""
    first = ev.get(_file(mains[0]))
    if first.state == "uncollected":
        return mains[0], first
    for i, path in enumerate(mains):
        got = ev.get(_file(path))
        if got.state == "uncollected":
            unseen = []
            for later in mains[i:]:
                state = ev.get(_file(later)).state
                if state not in ("uncollected", "absent"):
                    break
                unseen += [later] if state == "uncollected" else []
            name = mains[0].rpartition("/")[2]
            reason = (
                f"the main {name} is unknown: {', '.join(mains[:i])} "
                f"{'is' if i == 1 else 'are'} absent, and {', '.join(unseen)}, looked up next "
                f"(the first found is read), {'was' if len(unseen) == 1 else 'were'} not "
                "collected"
            )
            return mains[0], Got("unseen", "", None, reason, first.source)
        if got.state != "absent":
            return path, got
    return mains[0], first


def _systemd_cmdline(ev: HostEvidence) -> list[str]:
    """The kernel command line's words as systemd's services read them: proc_cmdline_parse
    unquotes each word (extract_first_word with EXTRACT_UNQUOTE) and its callers compare keys
    with proc_cmdline_key_streq, "Much like streq(), but considers "-" and "_" the same"
    (systemd src/basic/proc-cmdline.c, read with `find_string`): so
    `systemd.journald.forward-to-syslog=0` turns journald's forwarding off (R16H-4). Each word
    comes back with its name's dashes as underscores and its quotes dropped (_kernel_param)."""
    cmdline = ev.get(_file("/proc/cmdline"))
    words = _cmdline_words(cmdline.text) if cmdline.state == "ok" else []
    return [_kernel_param(w) for w in words]


def _no_journald(ev: HostEvidence) -> bool:
    """Whether the host shows no systemd-journald at all: no journald.conf in any of the four
    directories, no journald.conf.d drop-in, and no systemctl (the KSM unit probe answered
    "command not found"), so a syslog daemon reads /dev/log itself. A missing main file alone
    is no sign of it: journald.conf(5) "The default configuration is set during compilation, so
    configuration is only needed when it is necessary to deviate from those defaults", the shipped
    file says "Defaults can be restored by simply deleting this file and all drop-ins" (systemd's
    src/journal/journald.conf; both read with `search`), and the drop-ins and the kernel command
    line's systemd.journald.forward_to_syslog= still apply without it (R24L-1)."""
    if _journald_main(ev)[1].state != "absent":
        return False
    if _journald_dropins(ev):
        return False
    return ev.get(_cmd("ksm-units")).state == "absent"


def _journald_forwards_to_syslog(ev: HostEvidence) -> tuple[bool | None, str]:
    """(whether systemd-journald hands its messages to the syslog socket, where that is said),
    (None, why) when the evidence does not settle it. journald.conf(5): ForwardToSyslog= in
    [Journal] of /etc/systemd/journald.conf, overridden by the drop-ins of journald.conf.d (all
    sorted by file name; the last assignment wins; /etc hides a /run or /usr/lib file of the same
    name) and at boot by `systemd.journald.forward_to_syslog=` (no value: on). Without a setting
    the compiled-in default: upstream "By default, only forwarding to wall is enabled", and the
    shipped file's comment line shows it ("Entries in this file show the compile time
    defaults"); Debian and Ubuntu re-enable it (systemd debian/patches "Re-enable journal
    forwarding to syslog", Martin Pitt 2014, found with `search`)."""
    for w in reversed(_systemd_cmdline(ev)):
        key, eq, value = w.partition("=")
        if key == "systemd.journald.forward_to_syslog":
            on = _systemd_bool(value) if eq else True
            if on is not None:
                return on, f"kernel command line {w}"
    found, why = _journald_key(ev, "ForwardToSyslog", _systemd_bool)
    if found is not None:
        return found
    if why:
        return None, why
    files = _journald_files(ev) or []
    main_path, main_lines = files[0]
    osr = ev.get(_file("/etc/os-release"))
    ids = set()
    for line in osr.text.splitlines() if osr.state == "ok" else []:
        key, _, value = line.partition("=")
        if key in ("ID", "ID_LIKE"):
            ids.update(value.strip().strip("\"'").split())
    if ids & {"debian", "ubuntu"}:
        return True, "Debian's default ForwardToSyslog=yes (journald.conf sets none)"
    # the shipped file's comments show the compile time defaults: the main file's, else the
    # vendor copy's under /usr ("The vendor version of the file contains commented out entries
    # showing the defaults", journald.conf(5)) where /etc or /run holds the main file
    shown = [(main_path, main_lines)] + [
        (vendor, got.text.splitlines())
        for vendor in JOURNALD_MAINS[2:]
        if vendor != main_path and (got := ev.get(_file(vendor))).state == "ok"
    ]
    for path, lines in shown:
        for line in lines:
            m = re.match(r"^#\s*ForwardToSyslog=(\S+)\s*$", line.strip())
            if m and _systemd_bool(m.group(1)) is not None:
                return bool(_systemd_bool(m.group(1))), (
                    f"the compiled-in default ForwardToSyslog={m.group(1)} ({path} shows "
                    "the compile time defaults; nothing sets it)"
                )
    return None, "no file sets ForwardToSyslog and this distribution's default is not known"


def _journald_storage(ev: HostEvidence) -> tuple[str, str] | None:
    """("none", where it is set) when systemd-journald keeps no journal, ("unknown", why) when
    its files do not settle Storage= (HL19-4: never a kept journal), ("below", why) when its
    MaxLevelStore= keeps none of libvirt's errors (R35L-1), None when a journal is kept. journald.conf(5) Storage=: "volatile", "persistent", "auto" (the default) and "none",
    which "turns off all storage, all log data received will be dropped"; the last assignment
    across journald.conf and its drop-ins wins (read with `search`)."""
    values = ("volatile", "persistent", "auto", "none")
    found, why = _journald_key(ev, "Storage", lambda v: v if v in values else None)
    if why:
        return "unknown", why
    if found is not None and found[0] == "none":
        return found
    # journald-server.c server_dispatch_message: `if (LOG_PRI(priority) > s->max_level_store)
    # return;` before anything is written, so a journal capped above err keeps none of
    # libvirt's errors, and imjournal or systemd-journal-upload, which read it, get none (R35L-1)
    level, where = _journald_max_level_store(ev)
    if level < _LOG_LEVELS.index("err"):
        return "below", (
            f"{where}: the journal keeps messages of level {_LOG_LEVELS[level]} and above only"
        )
    return None


def _journal_loss(stored: tuple[str, str]) -> str:
    """What journald's journal lacks, for _journald_storage's "none" or "below"."""
    what = "no journal" if stored[0] == "none" else "none of libvirt's errors"
    return f"keeps {what} ({stored[1]})"


#: The syslog daemons that read the socket journald forwards to (FORWARDERS' and sysklogd's).
SYSLOG_DAEMONS = ("rsyslogd", "syslog-ng", "syslogd")


def _journal_discards(ev: HostEvidence) -> Fact[str]:
    """Why systemd-journald drops every message it is sent, or "" when it keeps or forwards them.

    journald.conf(5) Storage=none "turns off all storage, all log data received will be dropped
    (but forwarding to other targets, such as the console, the kernel log buffer, or a syslog
    socket will still work)" (R14H-1): then the journal keeps nothing, and what reaches journald
    (the journal, stderr of a unit, and syslog(3) through /dev/log, which journald owns on a
    systemd host: systemd-journald.service(8)) survives only if ForwardToSyslog hands it to a
    syslog daemon that runs and reads that socket (rsyslog: imuxsock). The console and kernel
    log buffer keep no log. Where journald's files do not settle Storage= (a main file not read
    or unseen, a bundle without journald's probes: an older collector) whether the journal is
    kept is unknown, never taken as kept (HL19-4); a drop-in's Storage= settles it whatever
    the main file says. A MaxLevelStore= above err (journald-server.c server_dispatch_message
    drops a message above it before it is written) keeps none of libvirt's errors: judged as
    Storage=none is (R35L-1)."""
    _, main = _journald_main(ev)
    drop = ev.get(_cmd("journald-conf-d"))
    stored = _journald_storage(ev)
    if stored is None:
        return Fact.of("", main.source, drop.source)
    on, where = _journald_forwards_to_syslog(ev)
    if stored[0] == "unknown":
        unknown: Fact[str] = Fact.unavailable(
            f"{stored[1]}, so whether journald keeps libvirt's messages is unknown",
            main.source,
            drop.source,
        )
        # what journald forwards to a syslog daemon reading its socket survives whatever
        # Storage= says (R14H-1): a drop-in's or the command line's ForwardToSyslog=yes with
        # one running settles it (HL19-4)
        if on is not True:
            return unknown
        kept = _journal_forwarded(ev, _journal_loss(("none", stored[1])), where, main, drop)
        return kept if kept.known and not kept.get() else unknown
    if on is None:
        return Fact.unavailable(
            f"journald {_journal_loss(stored)} and whether it forwards to syslog is "
            f"unknown: {where}",
            main.source,
            drop.source,
        )
    if not on:
        return Fact.of(
            f"journald {_journal_loss(stored)} and forwards nothing to syslog ({where})",
            main.source,
            drop.source,
        )
    return _journal_forwarded(ev, _journal_loss(stored), where, main, drop)


#: The socket systemd-journald forwards to a syslog daemon (systemd-journald.service(8),
#: ForwardToSyslog=; rsyslog plugins/imuxsock/imuxsock.c SYSTEMD_PATH_LOG).
JOURNALD_SYSLOG_SOCKET = "/run/systemd/journal/syslog"


#: What _imuxsock_elsewhere says of an rsyslog whose system socket is /dev/log (R41L-1), which
#: HVA-200 weighs against libvirt's log outputs (R48L-2)
DEV_LOG_TAKEN = "rsyslog's imuxsock takes /dev/log itself"


def _imuxsock_elsewhere(name: str | None) -> tuple[bool | None, str] | None:
    """None where rsyslog's imuxsock reads journald's forwarding socket on a systemd host,
    else (False: it reads none of what journald forwards, None: only what syslog(3) sends, why).

    rsyslog plugins/imuxsock/imuxsock.c activateListeners: the system socket is the one named
    (`SysSock.Name`, legacy `$SystemLogSocketName`, RsyslogForwarding.syssock_name) and
    JOURNALD_SYSLOG_SOCKET only where none is named and sd_booted(); createLogSocket unlinks and
    binds the named path itself. (The module's SysSock.Use page says the name "is ignored" on
    systemd: the code does not.) Named /dev/log it takes the syslog(3) socket from journald
    (systemd-journald-dev-log.socket), so a libvirt `syslog:` output reaches it and the journal
    does not: a question (R41L-1)."""
    if name is None or posixpath.normpath(name) == JOURNALD_SYSLOG_SOCKET:
        return None
    shown = name[:80]
    if posixpath.normpath(name) == "/dev/log":
        return None, (
            f'{DEV_LOG_TAKEN} (its system socket named "{shown}") '
            f"and reads nothing journald forwards ({JOURNALD_SYSLOG_SOCKET}), so only what "
            "libvirt's daemons log through syslog(3) (a `syslog:` log output) reaches it, not "
            "what they write to the journal"
        )
    return False, (
        f'rsyslog\'s imuxsock reads its system socket named "{shown}", not '
        f"{JOURNALD_SYSLOG_SOCKET} where journald forwards"
    )


def _journal_forwarded(ev: HostEvidence, lost: str, where: str, main: Got, drop: Got) -> Fact[str]:
    """_journal_discards for a journal that keeps nothing, or none of libvirt's errors (`lost`,
    _journal_loss), and forwarding to syslog on (`where`): "" when a running syslog daemon
    reads journald's socket. A MaxLevelSyslog= above err forwards none of libvirt's errors
    (journald.conf(5): "messages above are dropped"), so they survive neither way (R35L-2)."""
    level, level_where = _journald_max_level_syslog(ev)
    if level < _LOG_LEVELS.index("err"):
        return Fact.of(
            f"journald {lost} and forwards to syslog ({where}) only messages of level "
            f"{_LOG_LEVELS[level]} and above ({level_where}), none of libvirt's errors",
            main.source,
            drop.source,
        )
    processes = ev.fact(_cmd("processes"), _process_list)
    daemons = _running(processes, SYSLOG_DAEMONS, lambda names: names)
    if not daemons.known:
        return Fact.unavailable(
            f"journald {lost} and forwards to syslog ({where}), but the "
            "process list was not read, so whether a syslog daemon receives it is unknown",
            main.source,
            *daemons.sources,
        )
    if not daemons.get():
        return Fact.of(
            f"journald {lost} and forwards to syslog ({where}), but no "
            f"syslog daemon runs ({', '.join(SYSLOG_DAEMONS)})",
            main.source,
            drop.source,
            *daemons.sources,
        )
    rs = ev.get(_cmd("rsyslog-config"))
    if set(daemons.get()) == {"rsyslogd"} and rs.state == "ok":
        # rsyslog takes what journald forwards through imuxsock on the system socket only
        # (RHEL's rsyslog.conf turns it off, SysSock.Use="off", and reads the journal with
        # imjournal, which Storage=none leaves empty: R14H-1)
        fwd = rsyslog_forwarding(_by_file(rs.text))
        if fwd.main_read and "imuxsock" not in fwd.inputs:
            return Fact.of(
                f"journald {lost} and forwards to syslog ({where}), "
                "but rsyslog, the only syslog daemon running, reads no system log socket "
                "(imuxsock)",
                main.source,
                drop.source,
                rs.source,
                *daemons.sources,
            )
        # its system socket named elsewhere reads nothing journald forwards (R41L-1)
        missed = _imuxsock_elsewhere(fwd.syssock_name) if fwd.main_read else None
        if missed is not None:
            why = f"journald {lost} and forwards to syslog ({where}), but {missed[1]}"
            refs = (main.source, drop.source, rs.source, *daemons.sources)
            return Fact.of(why, *refs) if missed[0] is False else Fact.unavailable(why, *refs)
    return Fact.of("", main.source, drop.source, *daemons.sources)


def _journald_files(ev: HostEvidence) -> list[tuple[str, list[str]]] | None:
    """journald's configuration files in the order journald reads them (journald.conf(5)
    "Configuration Directories and Precedence": the main file, then every drop-in sorted by file
    name, a file in /etc hiding one of the same name in /run or /usr/lib), or None when they
    were not read."""
    main_path, main = _journald_main(ev)
    dropins = _journald_dropins(ev)
    if main.state in ("uncollected", "failed", "unseen") or dropins is None:
        return None
    main_lines = _systemd_lines(main.text.splitlines() if main.state == "ok" else [])
    return [(main_path, main_lines), *dropins]


def _journald_dropins(ev: HostEvidence) -> list[tuple[str, list[str]]] | None:
    """journald.conf.d's drop-ins in the order journald reads them, or None when not read."""
    drop = ev.get(_cmd("journald-conf-d"))
    if drop.state in ("uncollected", "failed") or (drop.state == "ok" and _grep_unanswered(drop)):
        return None
    files = _by_file(drop.text if drop.state == "ok" else "")
    chosen = _systemd_dropins(files, JOURNALD_CONF_D)
    return [(chosen[n], _systemd_lines(files[chosen[n]])) for n in sorted(chosen)]


def _journald_runtime(ev: HostEvidence) -> tuple[str, ...]:
    """journald's configuration files read (_journald_files) that lie under /run: the main
    /run/systemd/journald.conf where it is the one found first, and the drop-ins of
    /run/systemd/journald.conf.d a same-named /etc drop-in does not hide."""
    main_path, main = _journald_main(ev)
    paths = [main_path] if main_path.startswith("/run/") and main.state == "ok" else []
    paths += [path for path, _ in _journald_dropins(ev) or [] if path.startswith("/run/")]
    return tuple(paths)


class _JournaldBootEvidence(HostEvidence):
    """The host's evidence as the next boot gives systemd-journald: without its configuration
    files under /run (_journald_runtime), which no boot keeps. /run is a tmpfs "flushed at boot"
    (systemd file-hierarchy(7) /run/; Debian's tmpfs(5): "The contents of /run will always be
    lost on system reboot", both read with `search`), and journald.conf(5) reads /run/systemd
    as the runtime directory beside /etc and /usr/lib (R51L-1)."""

    def __init__(self, ev: HostEvidence) -> None:
        self.bundle = ev.bundle
        self.missing = ev.missing

    def get(self, artefact: str) -> Got:
        got = super().get(artefact)
        if artefact == _file("/run/systemd/journald.conf") and got.state != "uncollected":
            return Got("absent", "", None, "/run is emptied at every boot", got.source)
        if artefact == _cmd("journald-conf-d") and got.state == "ok":
            kept = (line for line in got.text.splitlines(keepends=True))
            text = "".join(line for line in kept if not line.startswith("/run/"))
            return replace(got, text=text)
        return got


def _journald_boot(
    ev: HostEvidence, forwarding: Fact[Any], discards: Fact[str]
) -> JournaldBoot | None:
    """HostFacts.log_forwarding and journal_discards as the next boot gives them, where a
    journald configuration file under /run (_journald_runtime: `systemd-analyze cat-config`
    shows them beside /etc's, and nothing but a unit or script run at every boot writes them
    again) changes either; None where none does (R51L-1). A verdict resting on such a file
    holds until the next boot: HVA-200 and HVA-213 judge both (_libvirt.judged_at_boot)."""
    runtime = _journald_runtime(ev)
    if not runtime:
        return None
    boot = _JournaldBootEvidence(ev)
    boot_forwarding = _log_forwarding(boot)
    boot_discards = _journal_discards(boot)
    if (forwarding.state, forwarding.value, discards.state, discards.value) == (
        boot_forwarding.state,
        boot_forwarding.value,
        boot_discards.state,
        boot_discards.value,
    ):
        return None
    return JournaldBoot(
        f"{', '.join(runtime)} (journald's configuration under /run)",
        runtime,
        boot_forwarding,
        boot_discards,
    )


def _journald_unread(ev: HostEvidence) -> str:
    """Why journald's files are not all read ("" when they are): the main file unseen (HL19-1),
    not collected (a bundle of a collector older than 9d9eca3, which added both probes), or
    not read."""
    main_path, main = _journald_main(ev)
    drop = ev.get(_cmd("journald-conf-d"))
    if main.state == "unseen":
        return main.reason
    if main.state == "uncollected" or drop.state == "uncollected":
        return f"{main_path} and journald.conf.d were not collected"
    if main.state == "failed" or drop.state == "failed":
        return f"{main_path} and journald.conf.d were not read"
    if drop.state == "ok" and (why := _grep_unanswered(drop)):
        return f"journald.conf.d was not read ({why})"
    return ""


def _journald_key(
    ev: HostEvidence, key: str, parse: Callable[[str], T | None]
) -> tuple[tuple[T, str] | None, str]:
    """(the last valid assignment of `key`, "") where journald's files settle it (None where no
    file sets it), or (None, why) where they do not. journald.conf(5) "Configuration Directories
    and Precedence": drop-ins "have higher precedence and override the main configuration file"
    (journal-upload.conf(5) words it the same; read with `search`), so an assignment in a
    drop-in settles the key whatever the main file says, even where that file was not read
    (HL19-4). The drop-in probe has read all four directories since it was added (9d9eca3, with
    /etc's journald.conf probe), so where it was collected the drop-ins' order is known."""
    files = _journald_files(ev)
    if files is not None:
        return _journald_last(files, key, parse), ""
    dropins = _journald_dropins(ev)
    found = _journald_last(dropins, key, parse) if dropins is not None else None
    if found is not None:
        return found, ""
    return None, _journald_unread(ev)


def _systemd_lines(lines: Iterable[str]) -> list[str]:
    """A systemd configuration file's lines as conf-parser.c config_parse reads them:
    systemd.syntax(7) "Lines ending in a backslash are concatenated with the following line
    while reading and the backslash is replaced by a space character ... When a comment line or
    lines follow a line ending with a backslash, the comment block is ignored, so the continued
    line is concatenated with whatever follows the comment block" (an escaped `\\\\` ends no
    line). So `Storage=\\` followed by `none` is Storage=none (R17H-2)."""
    out: list[str] = []
    pending: str | None = None
    for line in lines:
        if pending is not None and line.lstrip().startswith(("#", ";")):
            continue
        joined = line if pending is None else pending + line
        trailing = len(joined) - len(joined.rstrip("\\"))
        if trailing % 2 and (pending is not None or not joined.lstrip().startswith(("#", ";"))):
            pending = joined[:-1] + " "
            continue
        out.append(joined)
        pending = None
    if pending is not None:
        out.append(pending)
    return out


#: journald.conf(5) SYNOPSIS: the drop-in directories, in their order of precedence.
JOURNALD_CONF_D = (
    "/etc/systemd/journald.conf.d",
    "/run/systemd/journald.conf.d",
    "/usr/local/lib/systemd/journald.conf.d",
    "/usr/lib/systemd/journald.conf.d",
)
#: journal-upload.conf(5): its drop-in directories, in their order of precedence (systemd 245's
#: page: "snippets in /usr/lib/systemd/*.conf.d/ or /usr/local/lib/systemd/*.conf.d/"; HL18-6).
JOURNAL_UPLOAD_CONF_D = (
    "/etc/systemd/journal-upload.conf.d",
    "/run/systemd/journal-upload.conf.d",
    "/usr/local/lib/systemd/journal-upload.conf.d",
    "/usr/lib/systemd/journal-upload.conf.d",
)
JOURNAL_UPLOAD_CONF = "/etc/systemd/journal-upload.conf"
#: journal-upload.conf(5) "Configuration Directories and Precedence" (systemd 256 and 257, read
#: with `search`): "The main configuration file is loaded from one of the listed directories in
#: order of priority, only the first file found is used: /etc/systemd/, /run/systemd/,
#: /usr/local/lib/systemd/, /usr/lib/systemd/" (as journald.conf, HL18-1; HL18-6).
JOURNAL_UPLOAD_MAINS = (
    JOURNAL_UPLOAD_CONF,
    "/run/systemd/journal-upload.conf",
    "/usr/local/lib/systemd/journal-upload.conf",
    "/usr/lib/systemd/journal-upload.conf",
)


def _systemd_dropins(files: Mapping[str, object], dirs: tuple[str, ...]) -> dict[str, str]:
    """File name -> path of each drop-in systemd reads from `dirs` (given in their order of
    precedence), out of `grep -r -H` paths: conf_files_list reads each directory itself, not
    its subdirectories, and takes a name only where dirent_is_file_with_suffix holds (systemd
    dirent-util.c: not beginning with '.', ending in ".conf"; read with `find_string`); a
    name in an earlier directory masks the same name in a later one (systemd.syntax(7),
    R14H-9)."""
    chosen: dict[str, str] = {}
    for d in dirs:
        for path in files:
            where, _, name = path.rpartition("/")
            if where == d and not name.startswith(".") and name.endswith(".conf"):
                chosen.setdefault(name, path)
    return chosen


def _journald_last(
    files: list[tuple[str, list[str]]], key: str, parse: Callable[[str], T | None]
) -> tuple[T, str] | None:
    """The last valid assignment of `key` in [Journal] across the files, with where it is."""
    found: tuple[T, str] | None = None
    for path, lines in files:
        section = ""
        for line in lines:
            line = line.strip()
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1]
            elif section == "Journal" and line.partition("=")[0].strip() == key:
                raw = line.partition("=")[2].strip()
                value = parse(raw)
                if value is not None:
                    found = (value, f"{key}={raw} in {path}")
    return found


#: syslog levels by name (journald.conf(5) MaxLevelStore=: "emerg" (0) ... "debug" (7)).
_LOG_LEVELS = ("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug")


#: C isspace() in the C locale, which strtoul skips before a number's sign
_C_SPACE = " \t\n\v\f\r"
#: the digits strtoul takes in each base safe_atou can choose
_BASE_DIGITS = {2: "01", 8: "01234567", 10: "0123456789", 16: "0123456789abcdefABCDEF"}


def _systemd_atou(value: str) -> int | None:
    """The number systemd's safe_atou reads from `value`, None where it refuses it.
    systemd src/basic/parse-util.c safe_atou_full with base 0 (read with `find_string`):
    whitespace skipped, mangle_base turning a "0b"/"0B" prefix into base 2 and "0o"/"0O"
    into base 8 ("Support Python 3 style ... prefixes", systemd PR #16033, v246; RHEL 8's
    systemd 239 backports it, redhat-plumbers/systemd-rhel8 PR #190), then strtoul(s, &x,
    base), which takes a sign, a "0x"/"0X" prefix as hexadecimal and a leading "0" as octal
    (base 0); anything after the number refuses it (`*x != 0`), and so does a '-' before a
    number other than 0 (-ERANGE). Before v246 "0b"/"0o" and "-0" were refused: read here as
    the newer releases read them, a fail at worst where an older journald ignores them."""
    s = value.lstrip(" \t\n\r")
    base = 0
    if s[:2] in ("0b", "0B"):
        base, s = 2, s[2:]
    elif s[:2] in ("0o", "0O"):
        base, s = 8, s[2:]
    t = s.lstrip(_C_SPACE)
    sign, t = (t[0], t[1:]) if t[:1] in ("+", "-") else ("", t)
    if base == 0 and t[:2] in ("0x", "0X") and t[2:3] and t[2] in _BASE_DIGITS[16]:
        base, t = 16, t[2:]
    elif base == 0:
        base = 8 if t.startswith("0") else 10
    if not t or any(c not in _BASE_DIGITS[base] for c in t):
        return None
    n = int(t, base)
    # strtoul negates what follows a '-'; safe_atou_full refuses it unless it is 0
    return None if sign == "-" and n else n


def _log_level(value: str) -> int | None:
    """systemd's log_level_from_string (src/basic/syslog-util.c log_level_table and
    DEFINE_STRING_TABLE_LOOKUP_WITH_FALLBACK(log_level, int, LOG_DEBUG); string-table.c
    string_table_lookup_from_string_fallback, read with `find_string`): a name compared with
    streq, so case counts ("CRIT" is no level), else a number safe_atou reads (`_systemd_atou`:
    "0x2", "+2" and "0o2" are crit) of at most 7; anything else None, which journald.conf's,
    the unit file's (config_parse_log_level: "Failed to parse log level, ignoring") and the
    kernel command line's parsers (journald-server.c parse_proc_cmdline_item: "Ignoring")
    skip, keeping the value before it (R36L-1)."""
    v = value.strip()
    if v in _LOG_LEVELS:
        return _LOG_LEVELS.index(v)
    n = _systemd_atou(v)
    return n if n is not None and 0 <= n < len(_LOG_LEVELS) else None


def _journald_max_level_syslog(ev: HostEvidence) -> tuple[int, str]:
    """The most verbose level journald forwards to syslog: journald.conf(5) MaxLevelSyslog=
    ("messages equal or below the log level specified are stored/forwarded, messages above are
    dropped. Defaults to debug"), overridden at boot by `systemd.journald.max_level_syslog=`."""
    for w in reversed(_systemd_cmdline(ev)):
        key, _, value = w.partition("=")
        if key == "systemd.journald.max_level_syslog" and _log_level(value) is not None:
            return int(_log_level(value) or 0), f"kernel command line {w}"
    found = _journald_last(_journald_files(ev) or [], "MaxLevelSyslog", _log_level)
    return found if found is not None else (7, "MaxLevelSyslog defaults to debug")


def _journald_max_level_store(ev: HostEvidence) -> tuple[int, str]:
    """The most verbose level journald writes to its journal: journald.conf(5) MaxLevelStore=
    ("Controls the maximum log level of messages that are stored in the journal ... messages
    equal or below the log level specified are stored/forwarded, messages above are dropped.
    Defaults to debug"; systemd commit 213ba152, read with `search`), overridden at boot by
    `systemd.journald.max_level_store=` (journald-server.c parse_proc_cmdline_item, read with
    `find_string`), as _journald_max_level_syslog reads MaxLevelSyslog=."""
    for w in reversed(_systemd_cmdline(ev)):
        key, _, value = w.partition("=")
        if key == "systemd.journald.max_level_store" and _log_level(value) is not None:
            return int(_log_level(value) or 0), f"kernel command line {w}"
    found = _journald_last(_journald_files(ev) or [], "MaxLevelStore", _log_level)
    return found if found is not None else (7, "MaxLevelStore defaults to debug")


def _systemd_bool(value: str) -> bool | None:
    """systemd's parse_boolean: 1/yes/y/true/t/on and 0/no/n/false/f/off."""
    v = value.strip().lower()
    if v in ("1", "yes", "y", "true", "t", "on"):
        return True
    if v in ("0", "no", "n", "false", "f", "off"):
        return False
    return None


def _log_forwarding(ev: HostEvidence) -> Fact[tuple[tuple[str, bool], ...]]:
    """(target, over authenticated TLS) for every remote log destination: rsyslog's as rsyslogd
    resolves them (`hvaudit.parse.rsyslog`, whose docstring cites omfwd.c, glbl.c and netstrms.c),
    syslog-ng's and systemd-journal-upload's. rsyslog files included from paths the collector does
    not read leave the answer open unless a plain destination already fails it. An rsyslog
    destination behind an `if` expression, a property-based filter or a ruleset of its own
    (rsyslog "Filter Conditions") forwards only what the filter lets through: over TLS it is not
    counted as forwarding the host's logs but named in a "filtered:" source (HVA-200 asks about
    it); in plain text it still sends logs unprotected and counts as plain.

    A configuration forwards only while its daemon runs: rsyslog.conf ships with the rsyslog
    package and journal-upload.conf with systemd-journal-remote whether or not the service is
    enabled, so destinations of a daemon absent from the process list do not count (the source
    list then says which were configured but not running)."""
    processes = ev.get(_cmd("processes"))
    running: set[str] | None = None
    if processes.state == "ok" and processes.rc == 0:
        running = {exe for exe, _ in _commands(processes.text)}
        # rsyslogd(8) -f: "Specify an alternative configuration file instead of
        # /etc/rsyslog.conf": then the collected files are not what it runs
        ps = Fact.of(processes.text, processes.source)
        other = [
            p for p in _config_options(ps, ("rsyslogd",)).get("rsyslogd", []) if p != RSYSLOG_CONF
        ]
        if other:
            return Fact.unavailable(
                f"rsyslogd runs with -f {', '.join(dict.fromkeys(other))}, a configuration "
                f"hvaudit does not read (only {RSYSLOG_CONF} and /etc/rsyslog.d)",
                processes.source,
            )
        # rsyslog v4 compatibility notes: since v4 HUP no longer re-reads the configuration
        # (only v3 and below "re-read and the new configuration applied"), so a file changed
        # after rsyslogd started is not what it runs (R11H-5)
        changed = _changed_after(
            ev, "rsyslog-mtimes", "rsyslogd", "/etc/rsyslog", _rsyslog_reads(ev)
        )
        if changed is not None and not changed[1]:
            return Fact.unavailable(
                f"rsyslogd runs, but {changed[0]}: rsyslogd reads its configuration only when "
                "it starts (HUP does not re-read it), so its destinations may differ from the "
                "files",
                processes.source,
                ev.get(_cmd("rsyslog-mtimes")).source,
            )
        if changed is not None:
            path, mtime, start = changed
            return Fact.unavailable(
                f"{path} was changed at {_utc(mtime)}, after rsyslogd started at {_utc(start)}; "
                "rsyslogd reads its configuration only when it starts (HUP does not re-read it), "
                "so its destinations may differ from the files",
                processes.source,
                ev.get(_cmd("rsyslog-mtimes")).source,
                ev.get(_cmd("process-starts")).source,
            )
        gone = _rsyslog_main_missing(ev) if "rsyslogd" in running else ""
        if gone.startswith("grep"):
            return Fact.unavailable(
                f"{RSYSLOG_CONF} could not be read ({gone}), and its includes decide which "
                "files of /etc/rsyslog.d rsyslogd reads",
                ev.get(_cmd("rsyslog-config")).source,
            )
        if gone:
            # rsyslogd does not start without its main file, nor with one holding no action
            # (runtime/rsconf.c load(): RS_RET_CONF_FILE_NOT_FOUND, RS_RET_NO_ACTIONS, on which
            # tools/rsyslogd.c aborts), and reads /etc/rsyslog.d only through that file's
            # includes: the running daemon read a main file that has changed since (R18H-4)
            return Fact.unavailable(
                f"rsyslogd runs, but {RSYSLOG_CONF} is {gone}: rsyslogd does not start without "
                "it and reads /etc/rsyslog.d only where it includes files, so the running "
                "daemon read a configuration that has changed since; its destinations are unknown",
                processes.source,
                ev.get(_cmd("rsyslog-config")).source,
            )
    found: dict[str, list[tuple[str, bool]]] = {name: [] for name in FORWARDERS}
    sources: list[Source] = []
    unread: tuple[str, ...] = ()
    narrow: list[str] = []
    filtered: list[str] = []
    journal_note = ""
    socket_note = ""
    expiry_note = ""
    release_note = ""
    on_host: list[str] = []
    ng_starved: list[str] = []
    ng_filtered: list[str] = []
    # the forwarders that read text files (HVA-200 weighs libvirt's file outputs, R38L-1)
    file_readers: list[str] = []
    itself = _itself(ev, _host_names(ev, ev.fact(_cmd("ip-addr"), _addresses)))
    rs = ev.get(_cmd("rsyslog-config"))
    rs_why = _grep_unanswered(rs) if rs.state == "ok" else ""
    if rs.state == "ok" and not rs_why:
        sources.append(rs.source)
        # the installed rsyslog decides an unset permitExpiredCerts (HL18-7)
        pk = _packages(ev)
        version = pk.get().get("rsyslog") if pk.known else None
        fwd = rsyslog_forwarding(_by_file(rs.text), version)
        if "imfile" in fwd.inputs:
            file_readers.append("rsyslog (imfile)")
        if version and any(expired_by_default(version) and not d.tls for d in fwd.destinations):
            sources.extend(pk.sources)
        missing = _rsyslog_driver_missing(ev, pk, version)
        if any(d.tls and d.driver in missing for d in fwd.destinations):
            sources.extend(pk.sources)
            fwd = dataclasses.replace(
                fwd,
                destinations=tuple(
                    dataclasses.replace(d, name=f"{d.name} ({missing[d.driver]})", tls=False)
                    if d.tls and d.driver in missing
                    else d
                    for d in fwd.destinations
                ),
            )
        carried = [d for d in fwd.destinations if d.carries_host_logs and not (d.tls and d.filters)]
        # TLS forwarding under a filter (asked: `filtered` below) forwards only what rsyslog
        # receives, as the unfiltered one: what journald hands it is judged for both, so a
        # "yes" to the filter's question passes no rsyslog that receives nothing (R35S-1)
        gated = [d for d in fwd.destinations if d.carries_host_logs and d.tls and d.filters]
        # a destination on the host itself (loopback, localhost, one of its own addresses or
        # names: _on_host, R21T-3) is no remote server: the logs stay on the host unless what
        # listens there relays them on, which the evidence does not show (R24L-7); in plain
        # text they do not cross the network there (a local relay such as stunnel), so the
        # question is the relay's, not a fail (R24L-10)
        here = [
            d
            for d in carried
            if all(
                _on_host(t.split(" (", 1)[0].strip(), itself)
                for t in d.name.split(" (", 1)[0].split(",")
            )
        ]
        carried = [d for d in carried if d not in here]
        on_host = [d.name for d in here]
        journal_on: bool | None = True
        journal_where = ""
        # journald.conf(5) Storage=none: "all log data received will be dropped (but forwarding
        # to other targets ... a syslog socket will still work)": imjournal, which reads the
        # journal's files (sd_journal), then reads nothing, and only the syslog socket is left
        # (R14H-1)
        stored = _journald_storage(ev) if "imjournal" in fwd.inputs else None
        # imjournal's feed is unknown where journald's files do not settle Storage= (HL19-4):
        # never a kept journal
        unsure = stored is not None and stored[0] == "unknown"
        no_journal = (
            "rsyslog reads no journal (no imjournal)"
            if stored is None
            else f"rsyslog's imjournal reads none of libvirt's errors ({stored[1]})"
            if stored[0] == "below"
            else f"rsyslog reads no journal (imjournal reads nothing: {stored[1]})"
        )
        if (
            (carried or gated)
            and fwd.main_read
            and stored is not None
            and "imuxsock" not in fwd.inputs
        ):
            journal_on, journal_where = (
                (None, stored[1])
                if unsure
                else (
                    False,
                    "rsyslog reads no system log socket (imuxsock"
                    + "".join(f"; {m}" for m in fwd.refused_modules if "imuxsock" in m)
                    + ")",
                )
            )
        elif (
            (carried or gated)
            and fwd.main_read
            and "imuxsock" in fwd.inputs
            and ("imjournal" not in fwd.inputs or stored is not None)
            and (not _no_journald(ev) or unsure)
        ):
            # On a systemd host journald owns /dev/log and hands a syslog daemon's socket
            # (imuxsock) only what it forwards (systemd-journald.service(8):
            # /run/systemd/journal/syslog); libvirt's daemons log to the journal.
            journal_on, journal_where = (
                _journald_forwards_to_syslog(ev)
                if _journald_main(ev)[1].state != "uncollected"
                else (None, f"{JOURNALD_CONF} was not collected")
            )
            # a socket of its own named for imuxsock's system socket reads nothing journald
            # forwards, whatever ForwardToSyslog= says (R41L-1)
            elsewhere = _imuxsock_elsewhere(fwd.syssock_name)
            if elsewhere is not None and journal_on is not False:
                journal_on, journal_where = elsewhere
            if unsure and journal_on is not True:
                # imjournal may read a kept journal, or nothing (Storage=none)
                journal_on, journal_where = None, stored[1] if stored else ""
        names = ", ".join(d.name for d in carried + gated if d.tls)
        level, level_where = _journald_max_level_syslog(ev)
        dests = ", ".join(d.name for d in carried + gated)
        # rsyslog loads no input module unasked (tools/rsyslogd.c loads none), and imuxsock
        # with SysSock.Use off (legacy $OmitLocalLogging on) reads no system log socket: "If
        # this parameter is not enabled, then imuxsock will only be of use if a custom input is
        # configured" (rsyslog imuxsock SysSock.Use). With neither it nor imjournal (nor an
        # imuxsock socket of its own: input(type="imuxsock" ...), $AddUnixListenSocket), rsyslog
        # gets the kernel's messages (imklog) at most: none of libvirt's, nor the logins'
        # (R25L-4); a plain destination still fails as plain
        if (
            names
            and fwd.main_read
            and "imuxsock" not in fwd.inputs
            and "imjournal" not in fwd.inputs
            and not _rsyslog_own_sockets(rs.text, fwd.read_files)
        ):
            refused = "; ".join(fwd.refused_modules)
            socket_note = (
                "rsyslog reads neither the system log socket (no imuxsock with SysSock.Use on) "
                f"nor the journal (no imjournal), so {names} get(s) the kernel's messages at "
                "most, not libvirt's" + (f": {refused}" if refused else "")
            )
            carried = [d for d in carried if not d.tls]
            gated = []
            journal_on = True
        # on a host without systemd-journald the local programs (libvirt's `syslog:` output:
        # virlog.c virLogOutputToSyslog, syslog(3)) write to /dev/log (sys/syslog.h _PATH_LOG on
        # Linux), which imuxsock binds only where its system socket is not named elsewhere
        # (imuxsock.c activateListeners, createLogSocket; RsyslogForwarding.syssock_name): named
        # elsewhere, nothing of theirs reaches rsyslog (R41L-4)
        named = fwd.syssock_name
        if (
            names
            and fwd.main_read
            and "imuxsock" in fwd.inputs
            and named is not None
            and posixpath.normpath(named) != "/dev/log"
            and _no_journald(ev)
            and not _rsyslog_own_sockets(rs.text, fwd.read_files)
        ):
            socket_note = (
                "rsyslog reads neither the system log socket /dev/log, where syslog(3) writes on "
                f'a host without systemd-journald (its imuxsock reads "{named[:80]}" instead), '
                f"nor a journal, so {names} get(s) the kernel's messages at most, not libvirt's"
            )
            carried = [d for d in carried if not d.tls]
            gated = []
            journal_on = True
        if journal_on is False:
            journal_note = (
                f"journald hands rsyslog nothing: {journal_where}, and {no_journal}, so {dests} "
                "get(s) the kernel's messages at most, not libvirt's"
            )
            carried, gated = [], []
        elif journal_on and journal_where and level < _LOG_LEVELS.index("err"):
            journal_note = (
                f"journald hands rsyslog only messages of level {_LOG_LEVELS[level]} and above "
                f"({level_where}), and {no_journal}, so {dests} "
                "get(s) none of libvirt's errors"
            )
            carried, gated = [], []
        elif journal_on is None and names and unsure:
            journal_note = f"journal unknown: {journal_where} ({names})"
            carried = [d for d in carried if not d.tls]
        elif journal_on is None and names:
            journal_note = f"journald forwarding unknown: {journal_where} ({names})"
            carried = [d for d in carried if not d.tls]
        found["rsyslog"].extend((d.name, d.tls) for d in carried)
        # an unset permitExpiredCerts means "on" from 8.1901.0 to before 8.2012.0 (HL18-7): with
        # no rsyslog release known, an x509/name destination's TLS is not settled (HL18-8)
        # TLS resting on CA settings or a driver some rsyslog releases lack, with no release
        # known (parse.rsyslog SINCE, R29L-2)
        release_unknown = [
            f"{d.name}: {d.release_unknown}" for d in carried if d.tls and d.release_unknown
        ]
        # why no rsyslog release is known, for either note
        no_release = (
            f"no rsyslog package among the installed ones ({pk.sources[0].artefact})"
            if pk.known and pk.sources
            else f"the installed packages are unknown ({pk.reason or 'not read'})"
        )
        if release_unknown:
            release_note = f"{'; '.join(release_unknown)}; {no_release}"
            sources.extend(pk.sources)
        expiry_unknown = [d.name for d in carried if d.tls and d.expiry_unknown]
        if expiry_unknown:
            expiry_note = f"{', '.join(expiry_unknown)}; {no_release}"
            sources.extend(pk.sources)
        narrow = [
            f"{d.name} ({d.why_not or d.selector})"
            for d in fwd.destinations
            if not d.carries_host_logs
        ]
        filtered = [
            f"{d.name} gets only what {' and '.join(f'`{x}`' for x in d.filters)} lets through"
            for d in gated
        ]
        unread = fwd.unread
    elif rs.state == "failed":
        return Fact.failed(f"rsyslog configuration: {rs.reason}", rs.source)
    elif rs_why:
        return Fact.failed(f"rsyslog configuration could not be read ({rs_why})", rs.source)
    ng = ev.get(_cmd("syslog-ng-config"))
    if ng.state == "ok":
        sources.append(ng.source)
        body = _syslog_ng_config(ng.text)
        fed, ng_starved, ng_filtered = _syslog_ng_routes(body)
        if _SYSLOG_NG_FILE_SOURCE.search(body):
            file_readers.append("syslog-ng (file source)")
        if fed and (cut := _syslog_ng_journal_cut(ev, body)):
            # its host sources all read what journald keeps or forwards, which is none of
            # libvirt's errors here (R35L-4)
            ng_starved += [f"{t} ({cut})" for t, _ in fed]
            fed = []
        found["syslog-ng"].extend(fed)
    ju_url, ju_sources, ju_unread = _journal_upload_url(ev, processes)
    sources.extend(ju_sources)
    if ju_unread and running is not None and FORWARDERS["journal-upload"] in running:
        return Fact.unavailable(ju_unread, *sources)
    ju_stored = _journald_storage(ev) if ju_url else None
    if (
        ju_url
        and ju_stored is not None
        and ju_stored[0] == "unknown"
        and running is not None
        and FORWARDERS["journal-upload"] in running
    ):
        # it uploads the journal, which an unread main file's Storage=none leaves empty (HL19-1),
        # unless a drop-in sets Storage= (HL19-4)
        return Fact.unavailable(
            f"systemd-journal-upload ({ju_url[0]}) reads the journal, and whether journald keeps "
            f"one is unknown: {ju_stored[1]}",
            *sources,
        )
    if ju_url and ju_stored is not None and ju_stored[0] in ("none", "below"):
        # systemd-journal-upload(8) "Upload journal entries": it reads the journal's files, which
        # Storage=none leaves empty ("all log data received will be dropped", journald.conf(5))
        sources.append(
            Source(
                _journald_main(ev)[1].source.artefact,
                f"configured but reading nothing: systemd-journal-upload ({ju_url[0]}) reads the "
                "journal, and journald keeps "
                + ("none" if ju_stored[0] == "none" else "none of libvirt's errors")
                + f" ({ju_stored[1]})",
            )
        )
        ju_url = None
    if ju_url:
        url, trust_off = ju_url
        # systemd-journal-upload(8) --url: "https is the default"; --trust=all disables
        # checking the server's certificate, and so does "-" (R26L-5)
        tls = not url.lower().startswith("http://") and not trust_off
        found["journal-upload"].append(
            (url + (f" ({trust_off}: the server is not authenticated)" if trust_off else ""), tls)
        )
    configured = {name: dests for name, dests in found.items() if dests}
    if configured and running is None:
        return Fact.unavailable(
            "the process list was not read, so whether the configured log forwarders "
            f"({', '.join(FORWARDERS[n] for n in configured)}) run is unknown",
            *sources,
        )
    idle = [n for n in configured if running is not None and FORWARDERS[n] not in running]
    # syslog-ng's and systemd-journal-upload's destinations on the host itself are no remote
    # server either, as rsyslog's (R24L-7, R24L-10): the same question (R24G-1)
    here_by = {"rsyslog": on_host} if on_host and "rsyslog" not in idle else {}
    for n in ("syslog-ng", "journal-upload"):
        if n in configured and n not in idle:
            mine = [t for t in configured[n] if _on_host(_forward_host(n, t[0]), itself)]
            configured[n] = [t for t in configured[n] if t not in mine]
            here_by[n] = [t for t, _ in mine]
    configured = {n: dests for n, dests in configured.items() if dests}
    if unread and FORWARDERS["rsyslog"] in (running or ()):
        live = [t for n, dests in configured.items() if n not in idle for t in dests]
        if all(tls for _, tls in live):
            read = ", ".join(t for t, _ in live) or "none"
            return Fact.unavailable(
                f"rsyslog includes {', '.join(unread)}, which was not collected (destinations "
                f"read: {read})",
                *sources,
            )
    if idle:
        note = ", ".join(
            f"{FORWARDERS[n]} ({', '.join(t for t, _ in configured[n])})" for n in idle
        )
        sources.append(Source(processes.source.artefact, f"configured but not running: {note}"))
    rsyslog_runs = running is not None and FORWARDERS["rsyslog"] in running
    reading = [
        r for r in file_readers if running is None or FORWARDERS[r.split(" ", 1)[0]] in running
    ]
    if reading:
        artefact = (rs if reading[0].startswith("rsyslog") else ng).source.artefact
        sources.append(Source(artefact, f"reads log files: {', '.join(reading)}"))
    if filtered and rsyslog_runs:
        sources.append(Source(rs.source.artefact, f"filtered: {'; '.join(filtered)}"))
    if narrow and "rsyslog" not in idle:
        sources.append(
            Source(
                rs.source.artefact,
                f"selectors forward no daemon message (libvirt's): {', '.join(narrow)}",
            )
        )
    if release_note and "rsyslog" not in idle:
        sources.append(Source(rs.source.artefact, f"rsyslog release unknown: {release_note}"))
    if expiry_note and "rsyslog" not in idle:
        sources.append(Source(rs.source.artefact, f"expired certificates unknown: {expiry_note}"))
    if ng_filtered and FORWARDERS["syslog-ng"] in (running or ()):
        sources.append(Source(ng.source.artefact, f"syslog-ng filtered: {'; '.join(ng_filtered)}"))
    if ng_starved and FORWARDERS["syslog-ng"] in (running or ()):
        sources.append(
            Source(
                ng.source.artefact,
                "configured but fed none of the host's logs: syslog-ng " + "; ".join(ng_starved),
            )
        )
    for n, shown in here_by.items():
        if shown and (n != "rsyslog" or rsyslog_runs):
            artefact = {
                "rsyslog": rs.source.artefact,
                "syslog-ng": ng.source.artefact,
            }.get(n, ju_sources[0].artefact if ju_sources else processes.source.artefact)
            sources.append(
                Source(artefact, f"on the host itself ({_FORWARDER_NAMES[n]}): {', '.join(shown)}")
            )
    if journal_note and "rsyslog" not in idle:
        sources.append(Source(_journald_main(ev)[1].source.artefact, journal_note))
    if socket_note and "rsyslog" not in idle:
        sources.append(Source(rs.source.artefact, socket_note))
    remote = [(n, t) for n, dests in configured.items() if n not in idle for t, _ in dests]
    if remote and running is not None and (capped := _forwarding_capped(ev, running)):
        # journald drops a capped daemon's errors before it stores or forwards them, so no
        # forwarder it feeds carries them (R37L-1)
        named = ", ".join(f"{t} ({_FORWARDER_NAMES[n]})" for n, t in remote)
        sources.append(
            Source(
                ev.get(_cmd("libvirt-units")).source.artefact,
                f"configured but carrying none of libvirt's errors: {named}: {'; '.join(capped)}",
            )
        )
        configured = {}
    elif remote and running is not None:
        # journald keeps only the messages its patterns let through (R37L-2), or a namespace's
        # own journald takes them (R37L-3): whether libvirt's errors reach the forwarding is
        # asked, over TLS; a plain destination still fails as plain
        named = ", ".join(
            f"{t} ({_FORWARDER_NAMES[n]})"
            for n, dests in configured.items()
            if n not in idle
            for t, tls in dests
            if tls
        )
        asked = [
            (prefix, whys)
            for prefix, whys in (
                ("libvirt's messages filtered: ", _forwarding_filtered(ev, running)),
                ("libvirt's messages in a namespace: ", _forwarding_namespaced(ev, running)),
            )
            if whys
        ]
        for prefix, whys in asked if named else []:
            sources.append(
                Source(
                    ev.get(_cmd("libvirt-units")).source.artefact,
                    f"{prefix}{'; '.join(whys)} ({named})",
                )
            )
        if asked:
            configured = {n: [d for d in dests if not d[1]] for n, dests in configured.items()}
    targets = tuple(t for n, dests in configured.items() if n not in idle for t in dests)
    return Fact.of(targets, *sources)


def _forwarding_filtered(ev: HostEvidence, running: set[str]) -> list[str]:
    """The LogFilterPatterns= (_log_filter_patterns) of the units of the QEMU-driver daemons
    that run (or of any, where neither runs), where journald runs: journald matches each of
    their messages against them before it stores or forwards it (R37L-2)."""
    if _no_journald(ev):
        return []
    found = _log_filter_patterns(ev)
    runs = {d for d in LOG_DAEMONS if d in running}
    return [f"{d}: {why}" for d, why in found.items() if d in runs or not runs]


def _forwarding_namespaced(ev: HostEvidence, running: set[str]) -> list[str]:
    """The LogNamespace= (_log_namespace) of the units of the QEMU-driver daemons that run (or
    of any, where neither runs), where journald runs: their messages go to a namespace's own
    journald, whose configuration is not collected (R37L-3)."""
    if _no_journald(ev):
        return []
    found = _log_namespace(ev)
    runs = {d for d in LOG_DAEMONS if d in running}
    return [f"{d}: {why}" for d, why in found.items() if d in runs or not runs]


def _forwarding_capped(ev: HostEvidence, running: set[str]) -> list[str]:
    """Why journald hands no forwarder the errors of a QEMU-driver daemon (libvirtd, virtqemud)
    that runs (or of any, where neither runs: the socket starts it): its unit's LogLevelMax=
    above err (_log_level_cap). journald tests each message of the unit's processes against it
    (journald-context.h client_context_test_priority) before it stores it or forwards it to
    syslog, on the native, syslog(3) and stdout paths (R35L-3), so rsyslog's imuxsock and
    imjournal, syslog-ng's journal and syslog drivers and systemd-journal-upload all miss them
    (R37L-1). A host without journald (_no_journald) has a syslog daemon on /dev/log: not
    judged."""
    if _no_journald(ev):
        return []
    caps = _log_level_cap(ev)
    runs = {d for d in LOG_DAEMONS if d in running}
    return [why for d, why in caps.items() if d in runs or not runs]


#: Debian's rsyslog ships its TLS stream drivers and omrelp in packages of their own (the
#: packages' file lists on packages.debian.org, bullseye to sid: rsyslog-gnutls holds
#: /usr/lib/<triplet>/rsyslog/lmnsd_gtls.so, rsyslog-openssl lmnsd_ossl.so, rsyslog-relp
#: omrelp.so; each depends on rsyslog of the same version). rsyslog loads the driver when it
#: connects (runtime/netstrms.c loadDrvr: obj.UseObj of "lmnsd_<driver>"; a failure fails the
#: connection, omfwd.c TCPSendInitTarget), and an omrelp action needs omrelp.so: without the
#: package nothing is sent (R29L-4). RPM distributions package them variously (Fedora's
#: rsyslog-gnutls and rsyslog-openssl, SUSE's rsyslog-module-gtls, other spec files keep the
#: drivers in the main package), so only a dpkg-managed rsyslog is judged.
DEBIAN_DRIVER_PACKAGES = {
    "gtls": "rsyslog-gnutls",
    "ossl": "rsyslog-openssl",
    "relp": "rsyslog-relp",
}


def _rsyslog_driver_missing(
    ev: HostEvidence, pk: Fact[dict[str, str]], version: str | None
) -> dict[str, str]:
    """Driver -> why it cannot load, for the TLS drivers (and omrelp) whose Debian package is
    not installed beside a dpkg-installed rsyslog (DEBIAN_DRIVER_PACKAGES)."""
    dpkg = ev.get(_cmd("dpkg-packages"))
    if not (pk.known and version and pk.sources and dpkg.state == "ok"):
        return {}
    if pk.sources[0].artefact != dpkg.source.artefact:
        return {}
    installed = pk.get()
    out: dict[str, str] = {}
    for driver, package in DEBIAN_DRIVER_PACKAGES.items():
        if package in installed:
            continue
        what = (
            "omrelp (omrelp.so)" if driver == "relp" else f"the {driver} driver (lmnsd_{driver}.so)"
        )
        out[driver] = (
            f"{what} comes with the package {package}, which is not installed: rsyslog fails "
            "every connection and sends nothing"
        )
    return out


def _rsyslog_own_sockets(text: str, read: Iterable[str]) -> bool:
    """Whether a file rsyslogd reads opens a local socket of imuxsock's own (`input(type=
    "imuxsock" Socket=...)`, legacy `$AddUnixListenSocket`): rsyslog imuxsock "Socket": "Adds an
    additional unix socket"; what it receives is not judged (R25L-4)."""
    files = _by_file(text)
    body = "\n".join(ln for path in read for ln in files.get(path, ()))
    return bool(
        re.search(r"\binput\s*\(\s*type\s*=\s*[\"']?imuxsock\b", body, re.I)
        or re.search(r"^\s*\$AddUnixListenSocket\b", body, re.I | re.M)
    )


#: the forwarders as HVA-200 names them
_FORWARDER_NAMES = {
    "rsyslog": "rsyslog",
    "syslog-ng": "syslog-ng",
    "journal-upload": "systemd-journal-upload",
}


def _forward_host(name: str, target: str) -> str:
    """The host a syslog-ng or systemd-journal-upload destination (as `_log_forwarding` shows
    it) sends to. syslog-ng: network("<destination-address>" ...) and syslog(host ...) take the
    host as their first argument (syslog-ng OSE guide, network() and syslog() destination
    drivers); the shown target is that, with a note in parentheses after it. journal-upload:
    systemd-journal-upload(8) `--url=[https://]URL[:PORT]`, "URL may specify either just the
    hostname or both the protocol and hostname. https is the default" (journal-upload.c
    prepends "https://" to a URL without a scheme)."""
    shown = target.split(" (", 1)[0].strip()
    if name != "journal-upload":
        return shown
    url = shown if "://" in shown else f"https://{shown}"
    try:
        return urllib.parse.urlsplit(url).hostname or ""
    except ValueError:
        return ""


def _journal_upload_url(
    ev: HostEvidence, processes: Got
) -> tuple[tuple[str, str] | None, list[Source], str]:
    """systemd-journal-upload's URL and the setting that turns its server check off ("" for
    none: --trust=all, see below), the sources read, and
    why the URL is unknown ("" when it is known). journal-upload.c main(): parse_config() reads
    journal-upload.conf and its drop-ins (journal-upload.conf(5): drop-ins in
    /etc, /run and /usr/lib .../journal-upload.conf.d override the main file, sorted by file
    name, a file in /etc masking the same name elsewhere; the last URL= wins), then
    parse_argv(): `-u/--url` sets the URL when the files set none. The main file is the first
    of /etc, /run, /usr/local/lib and /usr/lib found (HL18-6, as journald's: HL18-1)."""
    sources: list[Source] = []
    url = ""
    main_path, main = _first_main(ev, JOURNAL_UPLOAD_MAINS)
    texts: list[str] = []
    if main.state == "ok":
        sources.append(main.source)
        texts.append(main.text)
    drop = ev.get(_cmd("journal-upload-conf-d"))
    unread = ""
    # R48S-5: a grep that failed (exit 2 on a drop-in it could not read: _grep_unanswered) or
    # was not found leaves every drop-in's URL= unseen, and the last one read overrides the
    # main file's and --url: the URL is unknown whatever else sets one
    failed = _grep_unanswered(drop) if drop.state != "uncollected" else ""
    if drop.state == "ok" and not failed:
        sources.append(drop.source)
        files = _by_file(drop.text)
        chosen = _systemd_dropins(files, JOURNAL_UPLOAD_CONF_D)
        texts.extend("\n".join(files[chosen[name]]) for name in sorted(chosen))
    elif failed:
        sources.append(drop.source)
        unread = (
            "the drop-ins of journal-upload.conf (/etc/systemd/journal-upload.conf.d) were "
            f"not read ({failed}), and they override its URL"
        )
    elif drop.state == "uncollected":
        unread = (
            "the drop-ins of journal-upload.conf (/etc/systemd/journal-upload.conf.d) were "
            "not read, and they override its URL"
        )
    trust = ""
    for text in texts:
        for line in _systemd_lines(text.splitlines()):
            # systemd conf-parser.c parse_line strips the key and the value around '='
            key, eq, value = line.partition("=")
            if eq and key.strip() == "URL":
                url = value.strip()
            elif eq and key.strip() == "TrustedCertificateFile":
                # journal-upload.c parse_config: config_parse_path_or_ignore keeps "-" (and an
                # absolute path; empty resets); "all", not absolute, is ignored with a warning
                # (R26L-5)
                value = value.strip()
                if not value or value == "-" or value.startswith("/"):
                    trust = "TrustedCertificateFile=-" if value == "-" else ""
    if main.state in ("unseen", "failed") and not url and not unread:
        # the main file's URL= stands where no drop-in sets one, and it overrides --url: unknown
        # (HL19-1)
        sources.append(main.source)
        return (
            None,
            sources,
            (main.reason if main.state == "unseen" else f"{main_path} was not read ({main.reason})")
            + ", and it sets systemd-journal-upload's URL where no drop-in does",
        )
    if processes.state == "ok":
        for exe, words in _commands(processes.text):
            if exe != "systemd-journal-upload":
                continue
            for i, w in enumerate(words):
                if w in ("-u", "--url") and i + 1 < len(words) and not url:
                    url = words[i + 1]
                elif w.startswith("--url=") and not url:
                    url = w.split("=", 1)[1]
                elif w.startswith("--trust=") or (w == "--trust" and i + 1 < len(words)):
                    # parse_argv (after parse_config) sets arg_trust to the argument; the
                    # upload then runs with CURLOPT_SSL_VERIFYPEER 0 where it is "-" or "all"
                    # (journal-upload.c `STRPTR_IN_SET(arg_trust, "-", "all")`, systemd PR
                    # 15347, v246; before it "-" named a CA file that does not exist, so
                    # nothing was sent) (R26L-5)
                    value = w.split("=", 1)[1] if "=" in w else words[i + 1]
                    trust = f"--trust={value}" if value in ("-", "all") else ""
            sources.append(processes.source)
    if url and not failed:
        return (url, trust), sources, ""
    return None, sources, unread


def _syslog_ng_masked(options: str) -> str:
    """A syslog-ng driver's options with every string emptied (`""`) but the argument of
    transport() and peer-verify() and the list of ssl-options(): a "tls" inside
    persist-name("fwd-tls"), a template or a ca-dir() path is no option (R25L-2)."""

    def keep(m: re.Match[str]) -> str:
        before = options[: m.start()]
        return (
            m.group(0)
            if re.search(r"(transport|peer[-_]verify)\s*\(\s*$", before, re.I)
            or re.search(r"ssl[-_]options\s*\([^()]*$", before, re.I)
            else '""'
        )

    return re.sub(r"\"(?:[^\"\\]|\\.)*\"|'[^']*'", keep, options, flags=re.S)


def _syslog_ng_tls(target: str, options: str, driver: str = "network") -> tuple[str, bool]:
    """(destination, over authenticated TLS) of a syslog-ng network()/syslog()/tcp()/tcp6()/
    syslog-ng() destination. syslog-ng modules/afsocket (`fetch` github:syslog-ng/syslog-ng):
    network(), syslog() and the syslog-ng() block (scl/ewmm/ewmm.conf: `ewmm(ip('127.0.0.1')
    transport(tcp) ...)`) default to transport "tcp" (transport-mapper-inet.c
    transport_mapper_network_new / transport_mapper_syslog_new:
    `transport_mapper_inet_new_instance("tcp")`), and only transport("tls") requires TLS
    (`require_tls_configuration`); tls() options under transport tcp are refused ("tls()
    options specified for a transport that doesn't allow TLS encryption"), so a network() with
    tls() and no transport("tls") sends no TLS, or does not load (R25L-2). The legacy tcp() and
    tcp6() drivers, which take no transport(), start TLS when they have tls() options
    (transport_mapper_tcp_new `allow_tls_configuration`, since commit f2d0d97bd "when legacy tcp
    driver used with tls options require TLS", syslog-ng 3.16). Options are read with their
    strings emptied (_syslog_ng_masked). transport("tls") without tls() options is refused as
    well ("transport(tls) was specified, but tls() options missing",
    transport_mapper_inet_validate_tls_options; in afinet.c already in 2011, commit
    e6c54bf02), so the file does not load and the daemon runs another, or none after a restart
    (R25L-5). Authenticated unless peer-verify() lets an unverified
    server through: syslog-ng's lib/transport/tls-context.c maps optional-untrusted to
    SSL_VERIFY_NONE and required-untrusted to a certificate it accepts unchecked (the default is
    required-trusted; `no` is optional-untrusted)."""
    low = _syslog_ng_masked(options).lower()
    transport = re.search(r"(?<![\w-])transport\s*\(\s*[\"']?([\w-]+)", low)
    has_tls = bool(re.search(r"(?<![\w-])tls\s*\(", low))
    if transport and transport.group(1) == "tls" and not has_tls:
        # "transport(tls) was specified, but tls() options missing": refused (R25L-5)
        return (
            f'{target} (transport("tls") without tls() options: syslog-ng refuses the file)',
            False,
        )
    if transport:
        tls = transport.group(1) == "tls"
    else:
        tls = driver.lower() in ("tcp", "tcp6") and has_tls
        if has_tls and not tls:
            return (
                f'{target} (tls() options without transport("tls"): {driver}() sends plain '
                "TCP, or syslog-ng refuses the file)",
                False,
            )
    if not tls:
        return target, False
    named = _syslog_ng_ca_options(options)
    empty = _syslog_ng_empty_path(options)
    if empty:
        return (
            f'{target} ({empty}("") names no file: syslog-ng refuses the file, "File not found")',
            False,
        )
    masked = _syslog_ng_masked(options)
    shown, checks = _syslog_ng_peer_verify(masked)
    if checks is None:
        return (
            f"{target} (peer-verify({shown}) is no mode syslog-ng knows: it refuses the file, "
            '"unknown peer-verify() argument")',
            False,
        )
    if not checks:
        return (f"{target} (peer-verify({shown}): the log server is not authenticated)", False)
    lax = _syslog_ng_lax_options(masked)
    if lax:
        return (f"{target} (ssl-options({lax[0]}): {lax[1]})", False)
    if not any(named.values()) and not re.search(r"(?<![\w-])openssl[-_]conf[-_]cmds\s*\(", low):
        mode = f"peer-verify({shown})" if shown else "peer-verify(required-trusted), the default,"
        empty = " ".join(f'{name}("")' for name, value in named.items() if value == "")
        return (
            f"{target} (tls() names no CA certificate (ca-file(), ca-dir(), pkcs12-file()"
            f"{'; ' + empty + ' names none' if empty else ''}) and {mode} checks the server's "
            "chain: OpenSSL trusts no issuer, so syslog-ng refuses every server and nothing is "
            "sent)",
            False,
        )
    return target, True


_SYSLOG_NG_CA_OPTION = re.compile(
    r"\"(?:[^\"\\]|\\.)*\"|'[^']*'|(?<![\w-])(ca[-_]dir|ca[-_]file|pkcs12[-_]file)\s*\(\s*"
    r"(\"(?:[^\"\\]|\\.)*\"|'[^']*'|[^\s()\"']*)",
    re.I,
)


_SYSLOG_NG_PATH_OPTION = re.compile(
    r"\"(?:[^\"\\]|\\.)*\"|'[^']*'|(?<![\w-])(ca[-_]file|pkcs12[-_]file|cert[-_]file|key[-_]file|"
    r"dhparam[-_]file)\s*\(\s*(\"\"|'')\s*\)",
    re.I,
)


def _syslog_ng_empty_path(options: str) -> str:
    """The first tls() option of a syslog-ng destination that takes a checked path and is given
    "" (`cert-file("")`), "" where none is (R33L-4). syslog-ng (github syslog-ng/syslog-ng
    b55e8d0, read with `fetch`) modules/afsocket/afsocket-grammar.ym tls_option: ca-file(),
    pkcs12-file(), cert-file() and dhparam-file() take `path_check`, key-file() `path_secret`,
    both lib/cfg-grammar.y `path`, which stat()s each value as it is parsed: CHECK_ERROR
    "File \"%s\" not found", so any one of them given "" stops the file loading, whatever a
    later one of the same name names (since fff457274, 3.23.1; ca-file() came with it,
    7c8beea71). Before 3.23 they were strings, and a key-file("") or cert-file("") made
    lib/tlscontext.c tls_context_load_key_and_cert fail (_are_key_and_cert_files_accessible,
    access(R_OK) of ""): the TLS context is not set up, nothing is sent, unless pkcs12-file()
    replaced them. Strings are skipped (an option name inside a template is none)."""
    for m in _SYSLOG_NG_PATH_OPTION.finditer(options):
        if m.group(1):
            return m.group(1).lower().replace("_", "-")
    return ""


def _syslog_ng_ca_options(options: str) -> dict[str, str]:
    """The last ca-dir(), ca-file() and pkcs12-file() of a syslog-ng destination's options,
    each "" where it names nothing (`ca-file("")`), read from the unmasked options with the
    strings skipped (an option name inside a template is none). syslog-ng (github
    syslog-ng/syslog-ng b55e8d0, read with `fetch`) modules/afsocket/afsocket-grammar.ym
    tls_option: each option sets its field (lib/transport/tls-context.c tls_context_set_ca_dir,
    tls_context_set_ca_file, tls_context_set_pkcs12_file replace the value), so the last one
    stands. ca-file() and pkcs12-file() take a `path_check`, which lib/cfg-grammar.y `path`
    stat()s while parsing: CHECK_ERROR "File \"%s\" not found", so `ca-file("")` stops the
    file loading (ca-file() came with that rule, commit 7c8beea71, 3.27.1; pkcs12-file() since
    fff457274, 3.23; before it "" was skipped as below). ca-dir() takes a plain string, and
    tls_context_setup_context loads it only where _is_file_accessible (access(R_OK)) succeeds,
    which fails for "": no CA (R31L-1)."""
    found: dict[str, str] = {}
    for m in _SYSLOG_NG_CA_OPTION.finditer(options):
        if m.group(1):
            value = m.group(2)
            if value[:1] in ("'", '"'):
                value = value[1:-1]
            found[m.group(1).lower().replace("_", "-")] = value
    return found


#: peer-verify() modes by name and whether they check the server's certificate chain
#: (TVM_TRUSTED): syslog-ng lib/transport/tls-context.c tls_context_set_verify_mode_by_name,
#: compared with strcasecmp; "none" is optional-untrusted (R30L-1)
_SYSLOG_NG_VERIFY_MODES = {
    "optional-trusted": True,
    "optional_trusted": True,
    "required-trusted": True,
    "required_trusted": True,
    "optional-untrusted": False,
    "optional_untrusted": False,
    "none": False,
    "required-untrusted": False,
    "required_untrusted": False,
}
_SYSLOG_NG_VERIFY = re.compile(
    r"(?<![\w-])peer[-_]verify\s*\(\s*(\"(?:[^\"\\]|\\.)*\"|'[^']*'|[^\s()\"',]+)\s*\)", re.I
)


def _syslog_ng_peer_verify(masked: str) -> tuple[str, bool | None]:
    """(the last peer-verify() argument as written, whether it checks the server's chain; None
    when syslog-ng refuses it) of a tls() block read with _syslog_ng_masked; ("", True) when none
    is set (the default, required-trusted). syslog-ng modules/afsocket/afsocket-grammar.ym
    tls_option: `peer-verify(yesno)` is required-trusted for yes and optional-untrusted for no;
    yesno (lib/cfg-grammar.y) is KW_YES / KW_NO, i.e. yes, on, no, off (lib/cfg-parser.c,
    keywords compared case-sensitively in lib/cfg-lexer.c cfg_lexer_lookup_keyword), or a
    number (LL_NUMBER: non-zero is yes, lib/cfg-lex.l hex, octal and decimal); any other word
    or a quoted string is a mode name (_SYSLOG_NG_VERIFY_MODES), and an unknown one stops the
    parse ("unknown peer-verify() argument", CHECK_ERROR). Each peer-verify() sets the mode, so
    the last one stands (R30L-1)."""
    found = _SYSLOG_NG_VERIFY.findall(masked)
    if not found:
        return "", True
    shown = found[-1]
    if shown[:1] in ("'", '"'):
        checks = _SYSLOG_NG_VERIFY_MODES.get(shown[1:-1].lower())
        return (shown if checks is None else shown[1:-1]), checks
    if shown in ("yes", "on"):
        return shown, True
    if shown in ("no", "off"):
        return shown, False
    number = re.fullmatch(r"[-+]?(0x[0-9a-f]+|\d+)(?:[mgk]i?b?|b)?", shown.lower())
    if number:
        digits = number.group(1)
        return shown, int(digits, 16 if digits.startswith("0x") else 10) != 0
    return shown, _SYSLOG_NG_VERIFY_MODES.get(shown.lower())


def _syslog_ng_lax_options(masked: str) -> tuple[str, str] | None:
    """(the option, what it lets through) where the last ssl-options() of a tls() block turns a
    server check off. syslog-ng lib/transport/tls-context.c: tls_context_set_ssl_options_by_name
    resets the options at each ssl-options() and takes "ignore-hostname-mismatch" (then
    tls_context_verify_peer accepts a certificate whatever name it holds) and
    "ignore-validity-period" (tls-session.c tls_session_verify accepts an expired or not yet
    valid one), both with `-` or `_`, strcasecmp; they came with syslog-ng 4.4.0 (commits
    18b82aa84, c88015628), and an older release refuses the unknown option ("unknown
    ssl-options() argument"), so the file does not load (R30L-2)."""
    found = re.findall(r"(?<![\w-])ssl[-_]options\s*\(([^()]*)\)", masked, re.I)
    if not found:
        return None
    words = {w.strip("\"'").lower().replace("_", "-") for w in re.split(r"[\s,]+", found[-1]) if w}
    if "ignore-hostname-mismatch" in words:
        return (
            "ignore-hostname-mismatch",
            "syslog-ng 4.4 and later take any certificate the CA issued as the log server, "
            "whatever name it holds; an older release refuses the file",
        )
    if "ignore-validity-period" in words:
        return (
            "ignore-validity-period",
            "syslog-ng 4.4 and later take an expired or not yet valid server certificate; an "
            "older release refuses the file",
        )
    return None


#: syslog-ng's main configuration file and its include path (lib/cfg.c cfg_set_global_paths:
#: "include-path" is the sysconfdir, then the SCL include directory, not collected)
_SYSLOG_NG_MAIN = "/etc/syslog-ng/syslog-ng.conf"
_SYSLOG_NG_INCLUDE = re.compile(r"^\s*@include\s+([\"'])(.*?)\1")
_SYSLOG_NG_INCLUDE_NAME = re.compile(r"[A-Za-z0-9_.-]+")


#: a syslog-ng source statement reading text files: file(), wildcard-file() (syslog-ng.conf(5):
#: syslog-ng "can receive messages from files"); which file it reads is not judged (R38L-1)
_SYSLOG_NG_FILE_SOURCE = re.compile(r"\bsource\s+[\w-]+\s*\{[^{}]*\b(?:wildcard-)?file\s*\(", re.I)


def _syslog_ng_config(text: str) -> str:
    """The syslog-ng configuration that syslog-ng loads, comments stripped, from the `grep -R -H
    ''` lines of /etc/syslog-ng: the main file with every `@include` replaced by the files it
    names, in place (R23G-1, R23G-2). syslog-ng lib/cfg-lexer.c (`fetch`
    github:syslog-ng/syslog-ng): cfg_lexer_include_file looks the name up along the include path
    (absolute names as they are), includes a file, or a directory's files whose names are
    `[-_a-zA-Z0-9.]+` not starting with "." (cfg_lexer_include_directory), or else glob()'s
    matches; cfg_lexer_include_level_file_add keeps them `g_slist_insert_sorted(..., strcmp)`,
    read in that order where the @include stands. So a file no @include reaches (a
    `conf.d/remote.conf.disabled`, a backup) configures nothing, and a path in syslog-ng.conf
    before `@include "/etc/syslog-ng/conf.d/*.conf"` comes before the included ones whatever
    order grep lists the files in. Without the main file in the output every file is read, in
    the order listed."""
    files: dict[str, list[str]] = {}
    for ln in text.splitlines():
        path, _, line = ln.partition(":")
        files.setdefault(path, []).append(line)
    if _SYSLOG_NG_MAIN not in files:
        return "\n".join(_syslog_ng_uncommented(ln) for lines in files.values() for ln in lines)

    def included(name: str) -> list[str]:
        base = posixpath.normpath(posixpath.join("/etc/syslog-ng", name))
        if base in files:
            return [base]
        inside = sorted(
            p
            for p in files
            if posixpath.dirname(p) == base
            and not posixpath.basename(p).startswith(".")
            and _SYSLOG_NG_INCLUDE_NAME.fullmatch(posixpath.basename(p))
        )
        if inside:
            return inside
        parts = base.split("/")
        return sorted(
            p
            for p in files
            if len(p.split("/")) == len(parts)
            and all(
                fnmatch.fnmatchcase(seg, pat) and not (seg.startswith(".") and pat[:1] != ".")
                for seg, pat in zip(p.split("/"), parts, strict=True)
            )
        )

    def expand(path: str, stack: tuple[str, ...]) -> Iterator[str]:
        for line in files[path]:
            m = _SYSLOG_NG_INCLUDE.match(line)
            if m:
                # a file including itself again stops syslog-ng at MAX_INCLUDE_DEPTH (256,
                # lib/cfg-lexer.h): read each file once per include chain
                for target in included(m.group(2)):
                    if target not in stack:
                        yield from expand(target, (*stack, target))
            else:
                yield _syslog_ng_uncommented(line)

    return "\n".join(expand(_SYSLOG_NG_MAIN, (_SYSLOG_NG_MAIN,)))


def _syslog_ng_uncommented(line: str) -> str:
    """One syslog-ng configuration line without its comment: syslog-ng's lexer (lib/cfg-lex.l,
    `<INITIAL>\\#  { _process_commented_line(...) }`) skips from a `#` outside a "..." or '...'
    string to the end of the line, so a commented-out `#log { ... destination(d); };` routes
    nothing."""
    quote = ""
    escaped = False
    for i, ch in enumerate(line):
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\" and quote == '"':
                escaped = True
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            return line[:i]
    return line


#: syslog-ng source drivers that read the host's own logs: system() (the platform's local log
#: sources), the /dev/log sockets, the journal (syslog-ng's modules/systemd-journal and
#: systemd-syslog); internal() is syslog-ng's own messages, network()/syslog()/tcp()/udp()
#: other hosts' (R23L-1)
_SYSLOG_NG_HOST_SOURCE = re.compile(
    r"\b(system|systemd[-_]journal|systemd[-_]syslog|unix[-_]dgram|unix[-_]stream)\s*\("
)
#: syslog-ng's network destination drivers, named by the address they send to: network(),
#: syslog() and the older tcp(), tcp6(), udp(), udp6() take it as their first parameter (syslog-ng
#: OSE admin guide: "tcp(host [options]); udp(host [options]); tcp6(host [options]);
#: udp6(host [options]);" send "to another host ... using the UDP or TCP protocol"), the
#: syslog-ng() driver in its server() option ("you have to set the address of the destination
#: server using the server() parameter"; "a special version of the network() destination
#: driver") (R24Y-1)
_SYSLOG_NG_ADDRESS = r"(?:\"((?:[^\"\\]|\\.)*)\"|'([^']*)'|([^\s#'\"(){}\[\]\\;,|@:]+)(?=[\s,)]))"
_SYSLOG_NG_REMOTE = re.compile(
    r"(?<![\w-])(network|syslog|tcp6?|udp6?)\s*\(\s*" + _SYSLOG_NG_ADDRESS + r"(.*?)\)\s*;"
    r"|(?<![\w-])(syslog-ng)\s*\((.*?\bserver\s*\(\s*" + _SYSLOG_NG_ADDRESS + r".*?)\)\s*;",
    re.S,
)


def _syslog_ng_remote(dest: str) -> Iterator[tuple[str, str, bool, str]]:
    """(address, options, can carry TLS, driver) of each network destination driver in a
    syslog-ng destination's text. The address is a string in double or single quotes or an
    unquoted word: syslog-ng's grammar takes `string: LL_IDENTIFIER | LL_STRING` (lib/cfg-grammar.y)
    for it (dest_afinet_udp_params, dest_afnetwork_params... in
    modules/afsocket/afsocket-grammar.ym), and its lexer (lib/cfg-lex.l) reads `'...'` as a
    string and `({word}+(\\.)?)*{word}+` as an identifier, so `udp(loghost)` and
    `network(10.1.2.3 transport(udp))` send to loghost and 10.1.2.3 (R25L-1). udp() and udp6()
    send datagrams, which syslog-ng's TLS (over TCP: "The syslog-ng application supports TLS ...
    over TCP") never wraps, whatever their options say."""
    for m in _SYSLOG_NG_REMOTE.finditer(dest):
        if m.group(6):
            address = next(g for g in m.group(8, 9, 10) if g is not None)
            yield address, m.group(7), True, "syslog-ng"
        else:
            address = next(g for g in m.group(2, 3, 4) if g is not None)
            yield address, m.group(5), not m.group(1).startswith("udp"), m.group(1)


def _syslog_ng_blocks(body: str) -> Iterator[tuple[str, str]]:
    """The top-level `HEADER { BODY };` statements of a syslog-ng configuration, in order:
    (header words such as `source s_src` or `log`, the text between the braces)."""
    pos, quote, start = 0, "", 0
    while pos < len(body):
        ch = body[pos]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == ";":
            start = pos + 1
        elif ch == "{":
            end = _brace_end(body, pos + 1)
            # pragmas (`@version: 3.38`, `@include "..."`) take their line
            lines = body[start:pos].splitlines()
            header = " ".join(ln for ln in lines if not ln.lstrip().startswith("@"))
            yield " ".join(header.split()), body[pos + 1 : end - 1]
            pos = start = end
            continue
        elif ch == "}":
            start = pos + 1
        pos += 1


def _syslog_ng_journal_cut(ev: HostEvidence, body: str) -> str:
    """Why syslog-ng gets none of libvirt's errors, where every host source driver in its
    configuration reads journald's output and journald passes them on neither way; "" where
    one reads something else (system(), whose driver depends on the build; a socket) or the
    journal keeps them. syslog-ng's systemd-journal() source reads the journal's files
    (modules/systemd-journal, sd_journal), which Storage=none leaves empty and a MaxLevelStore=
    above err leaves without libvirt's errors (_journald_storage, R35L-1); systemd-syslog()
    reads the socket journald forwards to (/run/systemd/journal/syslog,
    systemd-journald.service(8)), fed only with ForwardToSyslog= on and up to MaxLevelSyslog=
    (journald.conf(5)). (R35L-4) A configuration whose host sources are both of them, each
    cut so, gets none of them either (R36L-3): judged per driver, the two readers of journald's
    two outputs."""
    kinds = {m.group(1).replace("_", "-") for m in _SYSLOG_NG_HOST_SOURCE.finditer(body)}
    if not kinds or not kinds <= {"systemd-journal", "systemd-syslog"}:
        return ""
    cuts: list[tuple[str, str]] = []
    if "systemd-journal" in kinds:
        stored = _journald_storage(ev)
        if stored is None or stored[0] not in ("none", "below"):
            return ""
        cuts.append(
            ("systemd-journal()", "reads the journal, and journald " + _journal_loss(stored))
        )
    if "systemd-syslog" in kinds:
        on, where = _journald_forwards_to_syslog(ev)
        level, level_where = _journald_max_level_syslog(ev)
        said = "reads what journald forwards to syslog, and journald forwards "
        if on is False:
            cuts.append(("systemd-syslog()", f"{said}nothing ({where})"))
        elif on and level < _LOG_LEVELS.index("err"):
            cuts.append(
                (
                    "systemd-syslog()",
                    f"{said}only messages of level {_LOG_LEVELS[level]} and above "
                    f"({level_where}), none of libvirt's errors",
                )
            )
        else:
            return ""
    if len(cuts) == 1:
        return f"its only host source, {cuts[0][0]}, {cuts[0][1]}"
    # both of journald's outputs, each cut (R36L-3)
    return "its host sources are " + "; and ".join(f"{d}, which {why}" for d, why in cuts)


def _syslog_ng_routes(body: str) -> tuple[list[tuple[str, bool]], list[str], list[str]]:
    """(target, over authenticated TLS) of the syslog-ng network destinations (R24Y-1)
    that a log path feeds with the host's own logs, and the remote destinations a log path uses
    but none feeds so (named with why). syslog-ng.conf(5): "log paths define what syslog-ng
    does with a message, connecting the sources to the destinations. A log path consists of one
    or more sources and one or more destinations: messages arriving from a source are sent to
    every destination listed in the log path": a destination no path names receives nothing
    (R3), and one whose paths read only network()/syslog() sources or internal() relays other
    hosts' logs or syslog-ng's own, none of this host's (R23L-1). A path with flags(catch-all)
    reads every source (lib/cfg-tree.c cfg_tree_compile: `LC_CATCHALL` adds all source
    objects); an earlier path with flags(final) and no filter takes its sources' messages from
    every later path (cfg-tree.c `LC_FINAL` sets `PIF_BRANCH_FINAL` on the path: "final" in
    syslog-ng.conf(5), messages processed by it are not processed by later paths); one with a
    filter takes only the messages its filter matches (lib/logmpx.c log_multiplexer_queue stops
    at a PIF_BRANCH_FINAL branch `if (matched)`), so a later path gets the rest: filtered, unless
    the final path sends to the same destination itself (R25L-3). A TLS
    destination fed only through a path with filter(), filterx or if forwards what the filter
    lets through (syslog-ng.conf(5): "If a log path includes filters, syslog-ng OSE sends only the
    messages satisfying the filter rules to the destinations set in the log path"):
    named third, as rsyslog's filtered twins are (R23L-4). A path with flags(fallback) gets a
    message only when no path without it matched the message (lib/logmpx.c
    log_multiplexer_queue: the fallback branches run `fallback == 1 && self->fallback_exists &&
    !delivered`), so it gets none of a source another path reads unfiltered, and of one only
    filtered paths read, what their filters leave: filtered (R23G-3)."""
    blocks = list(_syslog_ng_blocks(body))
    named_sources = {
        h.split()[1]: text for h, text in blocks if h.startswith("source ") and len(h.split()) == 2
    }
    named_dests = {
        h.split()[1]: text
        for h, text in blocks
        if h.startswith("destination ") and len(h.split()) == 2
    }
    host_sources = {n for n, text in named_sources.items() if _SYSLOG_NG_HOST_SOURCE.search(text)}
    taken: set[str] = set()  # host sources a final path before took
    # host sources a log path without flags(fallback) reads: True when one reads it unfiltered
    # (it delivers every message, so no fallback path gets one), False when only filtered
    claimed: dict[str, bool] = {}
    for header, text in blocks:
        flags = " ".join(re.findall(r"\bflags\s*\(([^)]*)\)", text)).replace("_", "-")
        if header.split()[:1] != ["log"] or re.search(r"\bfallback\b", flags):
            continue
        unfiltered = not re.search(r"\b(filter|filterx|if)\s*[({]", text)
        for r in (
            host_sources
            if re.search(r"\bcatch-?all\b", flags)
            else set(re.findall(r"\bsource\s*\(\s*([\w-]+)\s*\)", text)) & host_sources
        ):
            claimed[r] = claimed.get(r, False) or unfiltered
    fed: dict[str, tuple[str, bool]] = {}
    starved: dict[str, str] = {}
    filtered: dict[str, str] = {}
    # host sources an earlier filtered flags(final) path reads: what it keeps, and its targets
    kept_by_final: dict[str, list[tuple[str, set[str]]]] = {}
    for header, text in blocks:
        if header.split()[:1] != ["log"]:
            continue
        refs = re.findall(r"\bsource\s*\(\s*([\w-]+)\s*\)", text)
        inline = list(re.finditer(r"\bsource\s*\{", text))
        flags = " ".join(re.findall(r"\bflags\s*\(([^)]*)\)", text)).replace("_", "-")
        catch_all = bool(re.search(r"\bcatch-?all\b", flags))
        reading = (host_sources if catch_all else {r for r in refs if r in host_sources}) - taken
        # a flags(fallback) path gets a source's message only when no other path matched it
        # (lib/logmpx.c log_multiplexer_queue, R23G-3)
        fallback = bool(re.search(r"\bfallback\b", flags))
        gone = {r for r in reading | taken if claimed.get(r)} if fallback else set()
        reading -= gone
        if any(
            _SYSLOG_NG_HOST_SOURCE.search(text[m.end() : _brace_end(text, m.end())]) for m in inline
        ):
            reading = reading | {"inline"}
        dests = [
            named_dests.get(d, "") for d in re.findall(r"\bdestination\s*\(\s*([\w-]+)\s*\)", text)
        ]
        dests += [
            text[m.end() : _brace_end(text, m.end())]
            for m in re.finditer(r"\bdestination\s*\{", text)
        ]
        shown = [
            f"`{' '.join(f.split())}`" if f.startswith("filter(") else "an inline filter"
            for f in re.findall(r"\bfilter\s*\(\s*[\w-]+\s*\)|\b(?:filter|filterx|if)\s*[({]", text)
        ]
        if fallback and reading & claimed.keys():
            shown.append("`flags(fallback)` (the messages no other log path matched)")
        # an earlier flags(final) path with a filter keeps the messages its filter matches
        # from this one (R25L-3)
        kept = [k for r in sorted(reading) for k in kept_by_final.get(r, [])]
        path_targets: set[str] = set()
        for dest in dests:
            for address, options, can_tls, driver in _syslog_ng_remote(dest):
                target = _syslog_ng_tls(address, options, driver)
                if not can_tls:
                    target = (address, False)
                path_targets.add(target[0])
                before = list(dict.fromkeys(k for k, tg in kept if target[0] not in tg))
                if reading and (shown or before) and target[1] and target[0] not in fed:
                    # a filtered path forwards only what its filters let through (R23L-4)
                    filtered[target[0]] = (
                        f"{address} gets only what {' and '.join([*before, *shown])} lets through"
                    )
                    starved.pop(target[0], None)
                elif reading:
                    fed[target[0]] = target
                    starved.pop(target[0], None)
                    filtered.pop(target[0], None)
                elif target[0] not in fed and target[0] not in filtered:
                    read = ", ".join(refs) or "no source"
                    why = (
                        f"log paths without flags(fallback) take every message of "
                        f"{', '.join(sorted(gone))} before this flags(fallback) path"
                        if gone
                        else f"an earlier log path with flags(final) took {', '.join(sorted(taken))}"
                        if (host_sources & set(refs)) or catch_all
                        else f"its log path reads {read}, no system() or /dev/log source"
                    )
                    starved[target[0]] = f"{address} ({why})"
        if re.search(r"\bfinal\b", flags) and not re.search(r"\b(filter|filterx|if)\s*[({]", text):
            taken |= host_sources if catch_all else {r for r in refs if r in host_sources}
        elif re.search(r"\bfinal\b", flags) and not fallback:
            # syslog-ng.conf(5) flags(final): the messages this path processes are not
            # processed by later paths; with a filter it processes (and keeps) the ones the
            # filter matches, and a later path gets only the rest: filtered (R25L-3)
            what = (
                f"an earlier flags(final) log path, which keeps what {' and '.join(shown)} matches,"
            )
            for r in (
                host_sources if catch_all else {r for r in refs if r in host_sources}
            ) - taken:
                kept_by_final.setdefault(r, []).append((what, path_targets))
    return list(fed.values()), list(starved.values()), list(filtered.values())


def _brace_end(text: str, start: int) -> int:
    """The index just after the '}' closing the block whose '{' is just before `start`."""
    depth, quote = 1, ""
    for i in range(start, len(text)):
        ch = text[i]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


#: chronyd's short options that take an argument (chronyd(8)); in a cluster such as `-dxF 1` the
#: letters after one of them are its argument.
_CHRONYD_ARG_OPTS = frozenset("fFlLNPtu")


def _clock_left_alone(args: list[str]) -> bool:
    """Does this chronyd command line carry -x? chronyd(8): "-x This option disables the control
    of the system clock. chronyd will not try to make any adjustments of the clock" (it then only
    serves time to others)."""
    options, _ = _getopt(args, _CHRONYD_ARG_OPTS)
    return any(letter == "x" for letter, _ in options)


def _getopt(
    words: list[str],
    takes_value: frozenset[str],
    long_opts: dict[str, str] | None = None,
    long_flags: dict[str, str] | None = None,
) -> tuple[list[tuple[str, str]], list[str]]:
    """A daemon's command line (words[0] its name) as glibc's getopt reads it: the short options
    in order as (letter, value), and the operands, the words that are neither an option nor an
    option's value (every word after `--`; glibc moves options before them). In a cluster such
    as `-gc FILE` or `-dfFILE` the rest of the word after a letter of `takes_value`, or else the
    next word, is its value. A long option in `long_opts` (`--name=VALUE` or `--name VALUE`), or
    in `long_flags` (no value), counts as the letter it maps to, also when abbreviated as
    getopt_long(3) allows ("Long option names may be abbreviated if the abbreviation is unique
    or is an exact match for some defined option"); other long options are passed over."""
    options: list[tuple[str, str]] = []
    operands: list[str] = []
    i = 1
    while i < len(words):
        arg = words[i]
        i += 1
        if arg == "--":
            operands += words[i:]
            break
        if not arg.startswith("-") or arg == "-":
            operands.append(arg)
            continue
        if arg.startswith("--"):
            name, eq, value = arg.partition("=")
            known = {n: (o, True) for n, o in (long_opts or {}).items()}
            known |= {n: (o, False) for n, o in (long_flags or {}).items()}
            hits = {known[name]} if name in known else set()
            hits = hits or {v for n, v in known.items() if len(name) > 2 and n.startswith(name)}
            if len(hits) == 1:
                ((letter, valued),) = hits
                if valued and not eq:
                    value = words[i] if i < len(words) else ""
                    i += 1
                options.append((letter, value if valued else ""))
            continue
        for j, letter in enumerate(arg[1:], 1):
            if letter in takes_value:
                value = arg[j + 1 :]
                if not value and i < len(words):
                    value = words[i]
                    i += 1
                options.append((letter, value))
                break
            options.append((letter, ""))
    return options, operands


LIBVIRT_SASL_CONF = "/etc/sasl2/libvirt.conf"


def _sasl_mechanisms(g: Got) -> Fact[tuple[str, ...]]:
    """mech_list of libvirt's SASL configuration (Cyrus SASL `option: value` lines, `#`
    comments; the mechanisms separated by blanks): libvirt's libvirtd.sasl ships `mech_list:
    gssapi`. Without the file or the option, the mechanisms are the installed plugins', not
    listed here."""
    if g.state != "ok":
        return Fact.unavailable(f"is absent ({g.reason or g.state})", g.source)
    for line in g.text.splitlines():
        key, colon, value = line.partition(":")
        if colon and key.strip().lower() == "mech_list" and not key.lstrip().startswith("#"):
            return Fact.of(tuple(value.lower().replace(",", " ").split()), g.source)
    return Fact.unavailable("has no mech_list", g.source)


def _sasl_options(g: Got) -> Fact[dict[str, str]]:
    """Every `option: value` of libvirt's SASL configuration (Cyrus SASL lib/config.c: keys
    lower case, `#` comments; sasl_config_getstring returns the first line of a key, so the
    first is kept). libvirt's daemons, virtproxyd's too, read this one file: the SASL service
    is "libvirt" (src/rpc/virnetsaslcontext.c `sasl_server_init(NULL, "libvirt")`)."""
    if g.state != "ok":
        return Fact.unavailable(f"is absent ({g.reason or g.state})", g.source)
    out: dict[str, str] = {}
    for line in g.text.splitlines():
        key, colon, value = line.partition(":")
        key = key.strip().lower()
        if colon and key and not key.startswith("#"):
            out.setdefault(key, value.strip())
    return Fact.of(out, g.source)


def _clock_synchronized(g: Got) -> Fact[bool]:
    """`timedatectl show -p NTPSynchronized --value`: "yes" or "no" (systemd time-util.c
    ntp_synced: adjtimex()'s maxerror below 16 s; kernel/time/ntp.c grows it every second no
    daemon corrects it). Anything else (no systemd-timedated, a systemd before 239 without
    `show`) is unread."""
    value = _first(g)
    if g.state == "ok" and g.rc == 0 and value in ("yes", "no"):
        return Fact.of(value == "yes", g.source)
    return Fact.unavailable(
        f"`timedatectl show` did not answer ({g.reason or value[:40] or g.state})", g.source
    )


#: ntpd's configuration files (ntp's /etc/ntp.conf, ntpsec's on Debian /etc/ntpsec/ntp.conf,
#: and the copies with the DHCP server's NTP servers Debian's dhclient hooks write and start
#: ntpd on with -c, R25T-7).
NTP_CONFS = (
    "/etc/ntp.conf",
    "/etc/ntpsec/ntp.conf",
    "/run/ntp.conf.dhcp",
    "/run/ntpsec/ntp.conf.dhcp",
)

#: The file an ntpd started without -c reads, ntp's and ntpsec's alike: ntp's ntpd.c "-c
#: conffile ... default /etc/ntp.conf", ntpsec's include/ntp_config.h `#define CONFIG_FILE
#: "/etc/ntp.conf"` (ntp_config.c getconfig `config_file = CONFIG_FILE`, read with `fetch` of
#: ntpsec/ntpsec fa2a479). Debian's ntpsec wrapper passes `-c /etc/ntpsec/ntp.conf`, so that
#: file is read only when the command line names it (R24U-1).
NTP_DEFAULT_CONF = NTP_CONFS[0]


#: ntpd's short options that take an argument (ntp's ntpd-opts.def and ntpsec's ntpd.c getopt:
#: -c conffile, -D level, -f driftfile, -i jaildir, -I interface, -k keyfile, -l logfile,
#: -p pidfile, -P priority, -r delay, -s statsdir, -t key, -u user, -U interval, -v/-V variable,
#: -w wait); in a cluster such as `-gc FILE` the rest of the word or the next word is its value.
_NTPD_ARG_OPTS = frozenset("cDfiIklpPrstuUvVw")


#: ntpd's long options that take a value, as the short letter they stand for ("" where none):
#: ntpsec's ntpd.c longoptions (has_arg 1; its "driftile" spelling too) and ntp's ntpd-opts.def
#: (driftfile, propagationdelay, saveconfigquit, var, dvar, wait-sync, pccfreq). `--name VALUE`
#: takes the next word, which is then no server operand.
_NTPD_LONG_OPTS = {
    "--configfile": "c",
    "--set-debug-level": "D",
    "--driftfile": "f",
    "--driftile": "f",
    "--jaildir": "i",
    "--interface": "I",
    "--keyfile": "k",
    "--logfile": "l",
    "--pidfile": "p",
    "--priority": "P",
    "--propagationdelay": "r",
    "--saveconfigquit": "",
    "--statsdir": "s",
    "--trustedkey": "t",
    "--user": "u",
    "--updateinterval": "U",
    "--var": "v",
    "--dvar": "V",
    "--wait-sync": "w",
    "--pccfreq": "",
}


def _ntpd_command(processes: Fact[str] | None) -> tuple[str, list[str]]:
    """The configuration file the running ntpd reads ("" for the default) and the servers its
    command line names. ntpd(8) "-c conffile: Specify the name and path of the configuration
    file, default /etc/ntp.conf" (long form --configfile). Debian's ntp and ntpsec wrappers pass
    `-c /run/ntp.conf.dhcp` (or /run/ntpsec/ntp.conf.dhcp) when dhclient's exit hook wrote one,
    ntpsec `-c /etc/ntpsec/ntp.conf` otherwise. The operands are servers: ntpsec's synopsis
    "ntpd ... [server...]" and ntp_config.c config_peers "add servers named on the command line
    with iburst implied" (ntp's ntpd.c too: "save list of servers from cmd line for
    config_peers() use"; read with `fetch` and `find_string`)."""
    if processes is None or not processes.known:
        return "", []
    for exe, words in _time_commands(processes.get()):
        if exe != "ntpd":
            continue
        options, servers = _getopt(words, _NTPD_ARG_OPTS, _NTPD_LONG_OPTS)
        conf = next((value for letter, value in reversed(options) if letter == "c"), "")
        return conf, servers
    return "", []


def _ntp_own_clock(
    ev: HostEvidence, itself: frozenset[str] = frozenset(), processes: Fact[str] | None = None
) -> Fact[str]:
    """The source lines of ntp.conf where every time source ntpd is given is the host's own
    clock, "" where one is not, unavailable where that is not known.

    ntp.conf(5): `server`, `pool`, `peer`, `broadcastclient`, `manycastclient` and
    `multicastclient` name the sources; an address 127.127.t.u is reference clock t, and t = 1
    is the LOCAL driver, "a hack to allow a machine to use its own system clock as a reference
    clock, i.e., to free-run using no outside clock discipline source" (ntp driver1.html;
    ntpsec writes it `refclock local`, "We recommend against using this driver"). ntpd selects
    it, reports itself synchronised and keeps the kernel's maximum error low (ntp_loopfilter.c
    local_clock), so timedatectl says NTPSynchronized=yes while nothing outside steers the
    clock. A loopback or unspecified address is the host itself (`_this_host`: Linux routes
    0.0.0.0 and :: to loopback). One outside source settles it; with none, a file ntpd reads
    that was not read leaves it unknown (R22T-1): another `-c` file than the collected ones
    (`_ntpd_command`; with `-c` one of them, only that one; without `-c` only /etc/ntp.conf,
    the default of ntp and ntpsec alike, `NTP_DEFAULT_CONF`, R24U-1), or an `includefile`
    (ntp.conf(5) "additional configuration commands to be included from a separate file").
    The servers on ntpd's command line count as `server` lines (`_ntpd_command`). Where the
    file ntpd reads is absent, its sources are not in the evidence (R23T-1): ntpsec also reads "the configuration
    directory, if it exists ... /etc/ntp.d, but if the -c option is specified the /etc will be
    specified by the directory name of the -c argument", every "*.conf" there (ntpsec
    ntpd-body.adoc; ntp_config.c readconfig "parse configs in parallel subdirectory if that
    exists", read with `fetch`), which is not collected; ntp's getconfig starts with no source
    but the command line's. Not collected at all (an older bundle), no source. A `noselect`
    source ("discarded by the selection algorithm", ntpsec assoc-options.adoc) is none
    (R24T-2); a file with no source ntpd selects leaves it unknown: ntp.d, or ntpq's :config
    at run time, holds it (R24T-3)."""
    found: list[str] = []
    sources: list[Source] = []
    conf, operands = _ntpd_command(processes)
    src = processes.sources[0] if processes and processes.sources else Source("processes")
    for word in operands:
        if not _on_host(word.lower().strip("[]"), itself):
            return Fact.of("", src)
        found.append(f"ntpd's command line: server {word}")
    if conf and conf not in NTP_CONFS:
        return Fact.unavailable(
            f"ntpd runs with -c {conf}, a configuration file hvaudit does not read", src
        )
    absent: list[str] = []
    read: list[str] = []
    included = ""
    main = conf or NTP_DEFAULT_CONF
    where, extra, dgot = _ntp_dir(ev, main)
    ntpsec = _ntpsec_installed(ev) if dgot is not None else None
    # what ntp.d adds (R25T-1): `pending` where it may hold a source that was not counted
    pending = False
    if dgot is None:
        note = f"{where}/*.conf (which ntpsec reads too) was not read"
    elif extra is None:
        note = f"{where}/*.conf (which ntpsec reads too) could not be read"
        pending = ntpsec is not False
    elif ntpsec and extra:
        note = f"{where}/*.conf names none either"
    elif extra:
        note = (
            f"{where}/*.conf, which ntpsec reads and ntp's ntpd does not, is not counted: "
            "no package list names ntpsec"
        )
        pending = ntpsec is None
    else:
        note = f"{where} holds no *.conf file"
    texts: list[tuple[str, Got, list[str]]] = []
    got = ev.get(_file(main))
    if got.state == "absent":
        absent.append(main)
    if got.state not in ("ok", "absent", "uncollected"):
        return Fact.unavailable(f"{main} could not be read", got.source)
    if got.state == "ok":
        texts.append((main, got, got.text.splitlines()))
    if dgot is not None and ntpsec:
        # ntpsec reads ntp.d as if spliced after its file (R25T-1): its sources count
        texts += [(p, dgot, lines) for p, lines in extra or ()]
    for path, got, lines in texts:
        if got.source not in sources:
            sources.append(got.source)
        read.append(path)
        for raw in lines:
            words = raw.split("#", 1)[0].split()
            if not words:
                continue
            key = words[0].lower()
            if key == "includefile":
                included = included or f"{path} includes {' '.join(words[1:2]) or 'another file'}"
                continue
            if key in ("broadcastclient", "manycastclient", "multicastclient"):
                return Fact.of("", *sources)
            if key == "refclock":
                if any(w.lower() == "noselect" for w in words[2:]):
                    continue
                # ntpsec ntp_parser.y addr_from_typeunit matches the driver name with
                # strcasecmp against its basename ("LOCAL", refclock_local.c): any case (R32T-2)
                if [w.lower() for w in words[1:2]] != ["local"]:
                    return Fact.of("", *sources)
                found.append(f"{path}: {' '.join(words[:2])}")
            elif key in ("server", "pool", "peer") and len(words) > 1:
                if any(w.lower() == "noselect" for w in words[2:]):
                    continue  # "discarded by the selection algorithm": steers nothing (R24T-2)
                # ntpd's ntp_parser.y: "address : ip_address | address_fam T_String", address_fam
                # T_Ipv4_flag / T_Ipv6_flag (-4, -6): a family flag may come before the address
                named = [w for w in words[1:] if not w.startswith("-")][:1]
                addr = named[0].lower().strip("[]") if named else ""
                local = addr.startswith("127.127.1.")
                if not (local or (not addr.startswith("127.127.") and _on_host(addr, itself))):
                    return Fact.of("", *sources)
                found.append(f"{path}: {words[0]} {named[0]}")
    if included:
        return Fact.unavailable(f"{included}, which was not read", *sources)
    if absent and not found and not any(p == main for p in read):
        # ntpd reads no file hvaudit has: ntpsec's ntp.d beside it may hold its sources (R23T-1)
        return Fact.unavailable(
            f"{' and '.join(absent)} {'is' if len(absent) == 1 else 'are'} absent, and {note}",
            ev.get(_file(absent[0])).source,
            *sources,
        )
    if not sources:
        return Fact.unavailable("no ntp.conf was read", ev.get(_file(NTP_CONFS[0])).source)
    if not found:
        # no source ntpd selects in what was read: ntpsec's ntp.d, or a source added at run
        # time (ntpq's :config), holds the one that steers it, the LOCAL driver too (R24T-3)
        return Fact.unavailable(
            f"{main} names no time source ntpd selects, and {note}",
            *sources,
        )
    if pending:
        return Fact.unavailable(
            f"the only sources read are the host's own clock ({'; '.join(found[:4])}), and {note}",
            *sources,
            *([dgot.source] if dgot is not None and dgot.source not in sources else []),
        )
    return Fact.of("; ".join(found[:4]), *sources)


def _ntp_local_driver(
    ev: HostEvidence, processes: Fact[str] | None = None, *, shm: bool = False, pps: bool = False
) -> Fact[str]:
    """With `pps`, the PPS refclock lines instead (R32T-1): ntp driver22 (address 127.127.22.u;
    ntpsec `refclock pps`) takes the pulse of a device on the host, and ntp's 4.2.8 pps.html
    (doc.ntp.org, read with `find_string`) "operates in conjunction with another source that
    provides seconds numbering", designated with `prefer`; driver22.html: the local clock "must
    be set to within +-0.4 s by another means" first. So the pulse alone says nothing about the
    time outside the host, and beside other sources it steers the clock as the system peer
    (ntpq's 'o'), asked as the SHM refclock is.

    With `shm`, the SHM refclock lines instead (R30T-3): ntp driver28 "This driver receives
    its reference clock info from a shared memory segment" (address 127.127.28.u; ntpsec
    `refclock shm`), which another program on the host writes (gpsd, phc2sys -E ntpshm), so
    what steers it is another program's source, asked as chronyd's SHM refclock is (L19-1D).

    The LOCAL driver lines of the files ntpd reads (its -c file or /etc/ntp.conf, and
    ntpsec's ntp.d where ntpsec is installed, as `_ntp_own_clock` reads them), "" where none
    names it; unavailable where the main file was not read (R28T-3). ntpd follows the LOCAL
    driver whenever no outside source is reachable (ntp driver1.html: "to free-run using no
    outside clock discipline source"; R23T-2) and then reports itself synchronised, so beside
    outside sources only `ntpq -pn` says which one steers the clock. `noselect` lines do not
    count (R24T-2)."""
    conf, _ = _ntpd_command(processes)
    main = conf or NTP_DEFAULT_CONF
    got = ev.get(_file(main))
    if got.state != "ok":
        return Fact.unavailable(f"{main} was not read ({got.state})", got.source)
    texts = [(main, got.text.splitlines())]
    _, extra, dgot = _ntp_dir(ev, main)
    if dgot is not None and extra and _ntpsec_installed(ev):
        texts += extra
    found: list[str] = []
    for path, lines in texts:
        for raw in lines:
            words = raw.split("#", 1)[0].split()
            if len(words) < 2 or any(w.lower() == "noselect" for w in words[2:]):
                continue
            key = words[0].lower()
            named = [w for w in words[1:] if not w.startswith("-")][:1]
            driver, prefix = (
                ("shm", "127.127.28.")
                if shm
                else ("pps", "127.127.22.")
                if pps
                else ("local", "127.127.1.")
            )
            # the driver name in any case (ntpsec addr_from_typeunit strcasecmp, R32T-2)
            if (key == "refclock" and words[1].lower() == driver) or (
                key in ("server", "peer") and named and named[0].startswith(prefix)
            ):
                found.append(f"{path}: {words[0]} {words[1] if key == 'refclock' else named[0]}")
    return Fact.of("; ".join(found[:4]), got.source)


#: The ntp.d directories the ntp-conf-dirs probe reads (collect.host): ntpsec's configuration
#: directory beside each file of NTP_CONFS (R25T-1).
NTP_DIRS = tuple(posixpath.join(posixpath.dirname(c), "ntp.d") for c in NTP_CONFS)


def _ntpsec_installed(ev: HostEvidence) -> bool | None:
    """Whether the installed ntpd is ntpsec's (its package in dpkg's or rpm's list), None where
    no list answered: ntp's and ntpsec's daemons are both /usr/sbin/ntpd (R24U lead)."""
    packages = _packages(ev)
    return "ntpsec" in packages.get() if packages.known else None


def _ntp_dir(
    ev: HostEvidence, conf: str
) -> tuple[str, list[tuple[str, list[str]]] | None, Got | None]:
    """The ntp.d directory ntpsec reads beside its file `conf`, the files it reads there as
    (path, lines) in path order (None where the probe failed), and the probe's answer (None
    where the directory was not collected: not one of NTP_DIRS, or an older bundle).

    ntpsec ntp_config.c readconfig "parse configs in parallel subdirectory if that exists":
    reparent(dirpath, ..., config_file, CONFIG_DIR), CONFIG_DIR "ntp.d" (include/ntp_config.h),
    with no directive naming it; ntp_scanner.c lex_push_file pushes every entry whose name ends
    in ".conf" (CONF_ENABLE), recursing into such directories (read with `fetch` of
    ntpsec/ntpsec fa2a479). `grep -R --include=*.conf` also reads a .conf file in a
    subdirectory of another name, which ntpsec skips: only paths whose every part below ntp.d
    ends in ".conf" count (R25T-1)."""
    where = posixpath.join(posixpath.dirname(conf), "ntp.d")
    got = ev.get(_cmd("ntp-conf-dirs"))
    if where not in NTP_DIRS or got.state in ("absent", "uncollected"):
        return where, [], None
    errors = [ln for ln in got.reason.splitlines() if ln.strip()] if got.rc == 2 else []
    if (
        got.state != "ok"
        or got.rc not in (0, 1, 2)
        or any("No such file" not in ln for ln in errors)
    ):
        return where, None, got
    files = [
        (path, lines)
        for path, lines in sorted(_by_file(got.text).items())
        if path.startswith(f"{where}/")
        and all(part.endswith(".conf") for part in path[len(where) + 1 :].split("/"))
    ]
    return where, files, got


def _ntp_discipline_off(
    ev: HostEvidence, processes: Fact[str] | None = None, flag: str = "ntp"
) -> Fact[str]:
    """The line of the file ntpd reads that turns its clock discipline off (`disable ntp`), ""
    where none does; unavailable where no such file was read (R24T-1).

    ntpsec misc-options.adoc: "enable [auth | calibrate | kernel | monitor | ntp | stats];
    disable [...]", `ntp`: "Enables time and frequency discipline. In effect, this switch opens
    and closes the feedback loop"; ntp's miscopt.html: "If disabled, the local clock free-runs
    at its intrinsic time and frequency offset" (read with `find_string`). ntpsec ntp_config.c
    config_system_opts applies every `enable` line, then every `disable` line, so a `disable
    ntp` anywhere wins; ntp_loopfilter.c local_clock: with ntp_enable false "monitor and record
    the offsets anyway ... and then go home", "no corrections of any kind are made" (read with
    `fetch` of ntpsec/ntpsec fa2a479). ntpd still selects a system peer, so `ntpq -pn` shows
    one while nothing steers the clock; the kernel's maximum error grows for hours before
    NTPSynchronized says no. Only the file ntpd reads counts: its -c file, else
    /etc/ntp.conf (`NTP_DEFAULT_CONF`), never a stale file of the other ntpd (R24U-1). A file
    it names with `includefile` (ntpsec ntp.conf(5): "evaluated as though the text of the file
    - or all files of the directory with the extension ".conf" - were textually spliced in",
    read with `search`) is not collected: with no `disable ntp` in what was read, unknown
    (R24I-1). Nor is a -c file other than NTP_CONFS (the DHCP copy /var/lib/ntp/ntp.conf.dhcp of
    older Debian releases, R25T-2). ntpsec also reads the ntp.d directory beside its file
    (`_ntp_dir`, R25T-1): a `disable ntp` there counts where ntpsec is the installed ntpd, and
    is asked where no package list names it (ntp's ntpd reads no such directory). With `flag`
    "kernel", the `disable kernel` line (R26T-3): ntpsec ntp_loopfilter.c (fa2a479) hands the
    kernel its maximum error (ntp_adjtime MOD_MAXERROR) only `if (clock_ctl.pll_control &&
    clock_ctl.kern_enable ...)`, so with the kernel discipline off ntpd slews the clock with
    adjtime and the kernel's maximum error grows to 16 s: NTPSynchronized=no says nothing
    about ntpd's state."""
    conf, _ = _ntpd_command(processes)
    if conf and conf not in NTP_CONFS:
        src = processes.sources[0] if processes and processes.sources else Source("processes")
        return Fact.unavailable(
            f"ntpd runs with -c {conf}, a configuration file hvaudit does not read", src
        )
    path = conf or NTP_DEFAULT_CONF
    got = ev.get(_file(path))
    where, extra, dgot = _ntp_dir(ev, path)
    ntpsec = _ntpsec_installed(ev) if dgot is not None else False
    texts: list[tuple[str, list[str], Got]] = []
    if got.state == "ok":
        texts.append((path, got.text.splitlines(), got))
    if dgot is not None:
        texts += [(p, lines, dgot) for p, lines in extra or ()]
    if not texts:
        return Fact.unavailable("no ntp.conf was read")
    sources = list(dict.fromkeys(g.source for _, _, g in texts))
    included = ""
    # what else turns the kernel discipline off (R27T-1): -x, then the tinker step thresholds in
    # file order; an `enable kernel` anywhere turns it back on (`_ntp_kernel_steps`)
    steps = _ntp_kernel_steps(processes) if flag == "kernel" else None
    for name, lines, g in texts:
        for raw in lines:
            words = raw.split("#", 1)[0].split()
            if steps is not None and words[:1] in (["tinker"], ["enable"]):
                shown = f"{name}: {raw.strip()}" if g is dgot else raw.strip()
                turned = steps.line(
                    words, f"{name}: {' '.join(words)}", Source(g.source.artefact, shown)
                )
                if turned and name != path and not ntpsec:
                    steps.asked = (
                        f"{name} says `{' '.join(words)}`, which turns ntpd's kernel discipline "
                        "off: ntpsec reads that directory, ntp's ntpd does not, and no package "
                        "list names ntpsec"
                    )
            if words[:1] == ["disable"] and flag in words[1:]:
                shown = f"{name}: {raw.strip()}" if g is dgot else raw.strip()
                line = Source(g.source.artefact, shown)
                if name != path and not ntpsec:
                    return Fact.unavailable(
                        f"{name} says `disable {flag}`: ntpsec reads that directory, ntp's ntpd "
                        "does not, and no package list names ntpsec",
                        line,
                    )
                return Fact.of(f"{name}: {' '.join(words)}", line)
            if words[:1] and words[0].lower() == "includefile" and not included:
                included = f"{name} includes {' '.join(words[1:2]) or 'another file'}"
    if dgot is not None and extra is None and ntpsec is not False:
        return Fact.unavailable(
            f"{where}/*.conf, which ntpsec reads, could not be read: "
            + ((dgot.reason.strip().splitlines() or [dgot.state])[0][:60]),
            dgot.source,
        )
    if included:
        return Fact.unavailable(f"{included}, which was not read", *sources)
    if steps is not None and steps.off and not steps.enabled:
        if steps.asked:
            return Fact.unavailable(steps.asked, steps.off[1])
        return Fact.of(steps.off[0], steps.off[1])
    return Fact.of("", *sources)


#: The step threshold ntpd starts with (ntp_loopfilter.c CLOCK_MAX, "default step threshold").
_NTP_CLOCK_MAX = 0.128


class _NtpKernelSteps:
    """What turns ntpd's kernel discipline off besides `disable kernel` (R27T-1), read as
    ntpd applies it. ntpsec ntpd/ntp_loopfilter.c loop_config (fa2a479, read with `fetch`; ntp
    4.2.8's is the same, read with `find_string`): LOOP_MAX (`tinker step`, and -x, ntpd.c
    `loop_config(LOOP_MAX, 600)`) sets both step thresholds and calls select_loop(false) where
    the value is 0 or above 0.5 s; LOOP_MAX_BACK and LOOP_MAX_FWD (`tinker stepback`,
    `stepfwd`) set one and do so where either is 0 or above 0.5 s ("The kernel discipline is
    used only if the step threshold is less than 0.5 s"). ntpd.c applies -x before readconfig;
    ntp_config.c config_ntpd runs config_tinker, then config_system_opts, whose `enable
    kernel` (proto_config PROTO_KERNEL, select_loop(1)) turns it back on and whose `disable
    kernel` wins over both. ntpd-body.adoc -x: "Note: The kernel time discipline is disabled
    with this option"."""

    def __init__(self, slew: Source | None) -> None:
        self.back = self.fwd = 600.0 if slew else _NTP_CLOCK_MAX
        self.off: tuple[str, Source] | None = ("ntpd's command line: -x", slew) if slew else None
        self.enabled = False
        self.asked = ""

    def line(self, words: list[str], shown: str, src: Source) -> bool:
        """Apply an `enable` or `tinker` line; True where this line turned the discipline off."""
        if words[0] == "enable":
            self.enabled |= "kernel" in words[1:]
            return False
        for key, value in zip(words[1::2], words[2::2], strict=False):
            try:
                v = float(value)
            except ValueError:
                return False  # ntp_parser.y: `tinker_option_keyword number`, else an error
            if key == "step":
                self.back = self.fwd = v
            elif key == "stepback":
                self.back = v
            elif key == "stepfwd":
                self.fwd = v
            else:
                continue
            if self.off is None and any(t == 0 or t > 0.5 for t in (self.back, self.fwd)):
                self.off = (shown, src)
                return True
        return False


def _ntp_kernel_steps(processes: Fact[str] | None) -> _NtpKernelSteps:
    """The tinker state of the running ntpd's command line: -x (--slew, ntpsec's ntpd.c
    longoptions `{ "slew", 0, 0, 'x' }`, ntp's ntpd-opts `-x, --slew`)."""
    if processes is not None and processes.known:
        for exe, words in _time_commands(processes.get()):
            if exe != "ntpd":
                continue
            options, _ = _getopt(words, _NTPD_ARG_OPTS, _NTPD_LONG_OPTS, {"--slew": "x"})
            if any(letter == "x" for letter, _ in options):
                src = processes.sources[0] if processes.sources else Source("processes")
                return _NtpKernelSteps(src)
            break
    return _NtpKernelSteps(None)


#: The files and directories the chrony-conf probe reads (collect.host: chrony's default main
#: files and the directories the shipped ones name); /var/run is /run.
CHRONY_MAIN = ("/etc/chrony.conf", "/etc/chrony/chrony.conf")
CHRONY_DIRS = ("/etc/chrony/", "/etc/chrony.d/", "/run/chrony-dhcp/")


def _chronyd_conf_file(processes: Fact[str]) -> tuple[str, list[str]]:
    """The -f FILE of the running chronyd ("" where none is given or none runs), and the
    configuration lines its command line gives: chronyd(8) "-f file: This option can be used to
    specify an alternate location for the configuration file" (main.c getopt; a cluster such as
    -dfFILE carries the file after the letter), and main.c (mlichvar/chrony 8f2db83, since
    3edd3fe "main: support configuration commands on command line", chrony 1.30): "Parse the
    config file or the remaining command line arguments", `if (!config_args)
    CNF_ReadFile(conf_file); else ... CNF_ParseLine(...argv[optind])`: with any argument that is
    no option, each is a configuration line and no file is read (chrony.conf(5): "the
    configuration file is ignored"). glibc's getopt moves options before the other words, so
    every word that is neither an option nor an option's argument counts."""
    if not processes.known:
        return "", []
    for exe, words in _commands(processes.get()):
        if exe != "chronyd":
            continue
        options, lines = _getopt(words, _CHRONYD_ARG_OPTS)
        return next((value for letter, value in reversed(options) if letter == "f"), ""), lines
    return "", []


def _chrony_sources(
    ev: HostEvidence, processes: Fact[str], itself: frozenset[str] = frozenset()
) -> Fact[tuple[str, str]]:
    """chronyd's time sources as its configuration gives them (L19-1D): ("", "") where one is
    an outside NTP server; unavailable where none is in the files read (chronyc(1) "add server
    ... allows a new NTP server to be added whilst chronyd is running": such a source is in no
    file) or a file is not collected, with no source for an older bundle (R21H-1); ("own", lines) where every selectable source is the host's real-time clock, ("ask", lines)
    where none is outside: an NTP address that is the host itself (`_this_host`; chrony takes a
    numeric address as given, UTI_StringToIP/inet_pton accepting 0.0.0.0 and ::, and resolves
    other names with getaddrinfo, nameserv.c DNS_Name2IPAddress, which reads "127.1" and "0" as
    inet_aton does; Linux sends 0.0.0.0 and :: to the host itself), or a refclock another
    program or device feeds.

    chrony conf.c, read with `fetch` (mlichvar/chrony 8f2db83): CNF_ParseLine matches
    directives with strcasecmp; CPS_NormalizeLine drops lines whose first character is one of
    "!;#%"; `server`, `pool` and `peer` take the name first (parse_source,
    CPS_ParseNTPSourceAdd); `include` reads every file its glob matches (parse_include),
    `confdir` every *.conf and `sourcedir` every *.sources of its directories, the first file
    of a base name in directive order (search_dirs; load_source_file reads each line as a
    server/pool/peer directive). `noselect` "Never select this source" (chrony.conf(5)): such a
    source steers nothing. Refclocks (chrony.conf(5)): RTC "Driver for using the Real Time
    Clock (RTC) as a reference clock", the host's own clock; PHC a NIC's PTP clock, "for the
    time to be useful ... synchronised by a PTP daemon"; SOCK and SHM receive samples "from
    another application running on the system" (gpsd); PPS "do not supply full time, another
    time source ... is needed", or the `local` directive's "unknown but constant offset".
    chronyd never counts itself (ntp_core.c check_sync_loop: "Source %s is me"), and its
    `local` reference leaves it unsynchronised (reference.c REF_GetReferenceParams:
    `*is_synchronised = 0` in the local branch), so an own-address source that keeps the clock
    synchronised is another daemon on the host: asked.

    ("beside", lines) where such on-host sources stand beside an outside server (R30T-1), and
    unavailable where an outside server stands beside a file not read: chronyd selects "the
    one with the shortest synchronisation distance" (chrony.conf(5) reselectdist), which a
    refclock or a server on the host has, `prefer` "Prefer this source over other selectable
    sources", and minsources' default of 1 updates the clock from one source alone, so while
    the outside servers are not reached chronyd follows the on-host one and reports the clock
    synchronised. Only `require` on outside sources alone ("Require that at least one of the
    sources specified with this option is selectable ... before updating the clock"; the
    others "can be selected ... only if they agree with the trusted and required source")
    keeps the clock on them (doc/chrony.conf.adoc, mlichvar/chrony 8f2db83, read with
    `fetch`)."""
    got = ev.get(_cmd("chrony-conf"))
    if got.state in ("absent", "uncollected"):
        # no source: an older bundle, where the running daemon decides as before
        return Fact.unavailable("chrony's configuration was not collected")
    errors = [ln for ln in got.reason.splitlines() if ln.strip()] if got.rc == 2 else []
    if (
        got.state != "ok"
        or got.rc not in (0, 1, 2)
        or any("No such file" not in ln for ln in errors)
    ):
        return Fact.unavailable(
            f"chrony's configuration could not be read ({got.reason})", got.source
        )
    files = {k.replace("/var/run/", "/run/", 1): v for k, v in _by_file(got.text).items()}
    main, args = _chronyd_conf_file(processes)
    main = main.replace("/var/run/", "/run/", 1)
    if args:
        # directives on chronyd's command line: no file is read, and `ps` joins the arguments
        # with blanks, so where one directive ends is lost (R21H-3)
        return Fact.unavailable(
            f"chronyd takes its configuration from its command line ({' '.join(args)[:80]}), "
            "not from a file",
            got.source,
            *processes.sources,
        )
    if not main:
        present = [m for m in CHRONY_MAIN if m in files]
        if len(present) > 1:
            return Fact.unavailable(
                "both /etc/chrony.conf and /etc/chrony/chrony.conf exist; which one chronyd reads "
                "depends on its build",
                got.source,
            )
        main = present[0] if present else ""
    if not main:
        return Fact.unavailable(
            "neither /etc/chrony.conf nor /etc/chrony/chrony.conf exists", got.source
        )
    if main not in CHRONY_MAIN and not main.startswith(CHRONY_DIRS):
        return Fact.unavailable(f"chronyd reads {main}, which was not collected", got.source)
    real: list[str] = []
    own: list[str] = []
    ask: list[str] = []
    unread: list[str] = []

    def collected(path: str) -> bool:
        return (path in CHRONY_MAIN or path.startswith(CHRONY_DIRS)) and path.endswith(
            (".conf", ".sources")
        )

    def in_dirs(value: str, suffix: str) -> list[str]:
        dirs = [d.rstrip("/").replace("/var/run/", "/run/", 1) for d in value.split()]
        if any(not f"{d}/".startswith(CHRONY_DIRS) for d in dirs):
            unread.append(value)
            return []
        chosen: dict[str, str] = {}
        for d in dirs:
            for path in sorted(files):
                base = path[len(d) + 1 :]
                if path.startswith(f"{d}/") and "/" not in base and base.endswith(suffix):
                    chosen.setdefault(base, path)
        return [chosen[b] for b in sorted(chosen)]

    required: list[bool] = []  # per outside source: whether it carries `require`

    def source(path: str, key: str, words: list[str]) -> None:
        shown = f"{path}: {key} {' '.join(words[:2])}".rstrip()
        if key.lower() == "refclock":
            if any(w.lower() == "noselect" for w in words[2:]):
                return
            (own if words[:1] and words[0].upper() == "RTC" else ask).append(shown)
            if any(w.lower() == "require" for w in words[2:]):
                required.append(False)
            return
        if not words or any(w.lower() == "noselect" for w in words[1:]):
            return
        shown = f"{path}: {key} {words[0]}"
        outside = not _on_host(words[0], itself)
        (real if outside else ask).append(shown)
        if any(w.lower() == "require" for w in words[1:]):
            required.append(outside)

    def read(path: str, depth: int, sources_only: bool = False) -> None:
        if depth > 10:  # conf.c MAX_INCLUDE_LEVEL
            unread.append(path)
            return
        for raw in files.get(path, []):
            words = raw.split()
            if not words or words[0][0] in "!;#%":
                continue
            key = words[0].lower()
            if key in ("server", "pool", "peer") or (key == "refclock" and not sources_only):
                source(path, words[0], words[1:])
            elif sources_only:
                continue
            elif key == "include" and len(words) > 1:
                pattern = words[1].replace("/var/run/", "/run/", 1)
                if not collected(pattern):
                    unread.append(pattern)
                    continue
                for match in sorted(files):
                    if fnmatch.fnmatchcase(match, pattern) and match.count("/") == pattern.count(
                        "/"
                    ):
                        read(match, depth + 1)
            elif key in ("confdir", "sourcedir"):
                suffix = ".conf" if key == "confdir" else ".sources"
                for match in in_dirs(" ".join(words[1:]), suffix):
                    read(match, depth + 1, sources_only=key == "sourcedir")

    read(main, 1)
    if real and unread:
        # a file not read may name a refclock or a local server beside the outside ones (R30T-1)
        return Fact.unavailable(
            f"chrony's configuration names {unread[0]}, not collected", got.source
        )
    if real and (own or ask) and not (required and all(required)):
        # chronyd follows the selectable source of shortest distance, an on-host one alone
        # while the outside ones are not reached (R30T-1); only where every `require` source
        # is outside does it never update the clock without one of them
        return Fact.of(("beside", "; ".join((own + ask)[:4])), got.source)
    if real:
        return Fact.of(("", ""), got.source)
    if not (own or ask):
        # sources chronyd was given otherwise (`chronyc add server`, a file not collected): the
        # sync status shows that one steers the clock, not that it is outside the host (R21H-1)
        return Fact.unavailable(
            f"chrony's configuration names {unread[0]}, not collected"
            if unread
            else f"no time source in chrony's configuration ({main} and the files it names)",
            got.source,
        )
    if unread:
        return Fact.unavailable(
            f"chrony's configuration names {unread[0]}, not collected", got.source
        )
    return Fact.of(("ask" if ask else "own", "; ".join((ask or own)[:4])), got.source)


def _itself(ev: HostEvidence, names: Fact[tuple[str, ...]]) -> frozenset[str]:
    """The host's own addresses (`ip -j addr`, every scope but host: the loopback ones are
    `_this_host`'s) and the names it answers to (`_host_names`), as `_canonical` gives them: an
    NTP server there is the host itself, whatever answers it (R21T-3)."""
    own = {
        _canonical(str(a))
        for addrs in _own_addresses(ev).values()
        for a in (addrs.addresses if addrs is not None else ())
    }
    own.update(_canonical(n) for n in (names.get() if names.known else ()))
    own.discard("")
    return frozenset(own)


def _canonical(addr: str) -> str:
    """An address in one spelling (IPv4 as inet_aton(3) reads it, as glibc's getaddrinfo does a
    numeric name; IPv6 compressed, an IPv4-mapped one as its IPv4 address; `[...]` and a `%zone`
    dropped), a name in lower case without its final dot."""
    a = addr.strip().strip("[]").lower().partition("%")[0]
    if a and not any(c.isspace() for c in a):
        try:
            return socket.inet_ntoa(socket.inet_aton(a))
        except OSError:
            pass
    try:
        ip = ipaddress.ip_address(a)
    except ValueError:
        return a.rstrip(".")
    mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
    return str(mapped or ip)


def _on_host(addr: str, itself: frozenset[str]) -> bool:
    """Whether an NTP server is the host itself: `_this_host` (loopback, unspecified), or one of
    the host's own addresses or names (`_itself`): Linux delivers a datagram to a local address
    over the loopback device (net/ipv4/route.c: a destination in the local table routes to
    RTN_LOCAL), so another program on this host answers it (R21T-3)."""
    return _this_host(addr) or _canonical(addr) in itself


#: chronyd's refids that are no source (chrony ntp.h): NTP_REFID_UNSYNC, no reference;
#: NTP_REFID_LOCAL, its `local` reference (the host's own clock).
CHRONY_REFID_UNSYNC = "00000000"
CHRONY_REFID_LOCAL = "7F7F0101"


def _chrony_reference(ev: HostEvidence, itself: frozenset[str]) -> Fact[tuple[str, str]]:
    """What chronyd is synchronised to now, from `chronyc -n tracking` (R21T-2), as (kind,
    shown): "" an NTP server outside the host, "self" an NTP server on the host itself
    (`_on_host`), "refclock" a reference clock, "local" its `local` reference, "unsync" none.
    Unavailable where the probe did not answer; with no source where it was not run (no
    chronyd, chronyc not installed, a bundle older than the probe).

    chrony (mlichvar/chrony 8f2db83, read with `fetch`): client.c process_cmd_tracking prints
    "Reference ID    : %R (%s)", the refid as 8 hex digits (PRIX32) and a name from
    format_name: the source's address where tracking reports one (with -n UTI_IPToString), else
    the refid's printable characters (UTI_RefidToString). reference.c REF_GetTrackingReport
    reports the address only while synchronised; REF_GetReferenceParams gives the local
    reference NTP_REFID_LOCAL 0x7F7F0101 and no reference NTP_REFID_UNSYNC 0 (ntp.h), "Leap
    status : Not synchronised"; a refclock's refid is its `refid` option or the driver's first
    three letters and its index (refclock.c RCL_AddRefclock: "PHC0", "SOC0", "RTC0")."""
    got = ev.get(_cmd("chrony-tracking"))
    if got.state in ("absent", "uncollected"):
        return Fact.unavailable("`chronyc -n tracking` was not collected")
    fields: dict[str, str] = {}
    for line in got.text.splitlines():
        key, colon, value = line.partition(":")
        if colon:
            fields.setdefault(key.strip().lower(), value.strip())
    m = re.fullmatch(r"([0-9A-F]{8}) \((.*)\)", fields.get("reference id", ""))
    if got.state != "ok" or got.rc != 0 or m is None:
        said = (got.reason or got.text).strip().splitlines()
        return Fact.unavailable(
            f"`chronyc -n tracking` did not answer ({said[0][:60] if said else got.state})",
            got.source,
        )
    refid, name = m.groups()
    leap = fields.get("leap status", "")
    shown = f"Reference ID {refid} ({name})"
    src = Source(got.source.artefact, f"{shown}, Leap status {leap or '?'}")
    if refid == CHRONY_REFID_UNSYNC or leap.lower() == "not synchronised":
        return Fact.of(("unsync", shown), src)
    if refid == CHRONY_REFID_LOCAL:
        return Fact.of(("local", shown), src)
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return Fact.of(("refclock", shown), src)
    return Fact.of(("self" if _on_host(name, itself) else "", shown), src)


def _ntp_peer(ev: HostEvidence, itself: frozenset[str]) -> Fact[tuple[str, str]]:
    """ntpd's system peer now, from `ntpq -pn` (R23T-2), as (kind, shown): "local" where it is
    the LOCAL driver, "" an NTP server outside the host, "other" anything else (a server on the
    host itself, another reference clock, no peer marked). Unavailable where the probe did not
    answer; with no source where it was not run (no ntpd, an older bundle).

    The peer table (ntpsec pylib/util.py PeerSummary, read with `fetch`): each line starts with
    the tally code `" x.-+#*o"[CTL_PEER_STATVAL(rstatus) & 0x7]`, '*' the system peer and 'o'
    the PPS peer, then remote, refid, st, t; refids that are no address are printed in dots
    (".LOCL."), a refclock's type is 'l'. The LOCAL driver's refid is "LOCL" (ntpsec
    refclock_local.c `memcpy(&pp->refid, "LOCL", REFIDLEN)`), its address 127.127.1.u; ntp's
    ntpq prints it so too ("*127.127.1.0     .LOCL.          10 l" from `ntpq -np`, public
    notes read with `find_string`). A server of type 'u' whose refid is ".LOCL." is another
    host that follows its own LOCAL driver: a server outside the host, as chrony's tracking
    shows it (R23W lead 4), not this host's clock.

    Where a line is marked 'o' it is the system peer, whatever line is marked '*' (R33L-1): ntp
    ntp_proto.c clock_select (ntp 4.2.8 and ntpsec alike, read with `find_string`) marks the
    prefer peer, or the first survivor, CTL_PST_SEL_SYSPEER ('*'), then, "If a PPS driver is
    lit and the combined offset is less than 0.4 s, select the driver as the PPS peer and use
    its offset and jitter": `typesystem = typepps`, new_status CTL_PST_SEL_PPS ('o'), and
    clock_update(typesystem) sets `sys_peer = peer`, so the pulse steers the clock while the
    '*' line only numbers its seconds; ntpq lists the peers in association order, not by mark."""
    got = ev.get(_cmd("ntpq-peers"))
    if got.state in ("absent", "uncollected"):
        return Fact.unavailable("`ntpq -pn` was not collected")
    lines = got.text.splitlines()
    if (
        got.state != "ok"
        or got.rc != 0
        or not any(ln.lstrip().startswith("remote") for ln in lines)
    ):
        said = (got.reason or got.text).strip().splitlines()
        return Fact.unavailable(
            f"`ntpq -pn` did not answer ({said[0][:60] if said else got.state})", got.source
        )
    marked = [ln for ln in lines if ln[:1] in ("*", "o") and len(ln[1:].split()) >= 4]
    # a lit PPS peer ('o') is the system peer whatever line is marked '*' (R33L-1)
    peer = next((ln for ln in marked if ln[:1] == "o"), marked[0] if marked else "")
    if not peer:
        return Fact.of(("other", "no system peer"), got.source)
    remote, refid, _, kind = peer[1:].split()[:4]
    shown = " ".join(peer.split()[:4])
    src = Source(got.source.artefact, shown)
    if remote.startswith("127.127.1.") or (refid.upper() == ".LOCL." and kind == "l"):
        return Fact.of(("local", shown), src)
    try:
        ipaddress.ip_address(remote.strip("[]").partition("%")[0])
    except ValueError:
        return Fact.of(("other", shown), src)
    if kind == "l" or remote.startswith("127.127.") or _on_host(remote, itself):
        return Fact.of(("other", shown), src)
    return Fact.of(("", shown), src)


#: OpenNTPD's configuration files (collect.host): CONFFILE is SYSCONFDIR "/ntpd.conf", which
#: Debian's build puts in /etc/openntpd, others in /etc.
OPENNTPD_CONFS = ("/etc/openntpd/ntpd.conf", "/etc/ntpd.conf")


def _openntpd_servers(
    ev: HostEvidence, processes: Fact[str], itself: frozenset[str] = frozenset()
) -> Fact[tuple[str, str]]:
    """OpenNTPD's servers as (kind, lines) (R26T-2): ("", "") where one is outside the host,
    ("self", lines) where every one is the host itself (`_on_host`); unavailable where its file
    was not read, was not collected (an older bundle) or names no server; with no source where
    no openntpd runs.

    OpenNTPD (openntpd-portable/openntpd-openbsd src/usr.sbin/ntpd, read with `find_string`
    and `read_file`): ntpd.c main `conffile = CONFFILE`, getopt "df:nP:sSv", -f naming another
    file; parse.y lookup matches keywords with strcmp ("server", "servers", "sensor",
    "constraint", "constraints", "listen", "query", ...), `#` starts a comment, and only
    `server` and `servers` name the NTP servers it sets the clock from (a constraint only
    bounds their answers). ntpd_adjtime marks the clock synchronised in the kernel
    (compat/adjfreq_linux.c update_time_sync_status: maxerror 0) whenever its last
    adjustment completed, whatever answered, so NTPSynchronized=yes does not say the server is
    outside the host. Sensors are OpenBSD's hardware sensors (portable's compat/fake-sensors.c
    on other systems): no source on Linux."""
    if not processes.known:
        return Fact.unavailable("no process list")
    conf = ""
    running = False
    for exe, words in _time_commands(processes.get()):
        if exe != "openntpd":
            continue
        running = True
        if not words[0].endswith(":"):  # "openntpd: ntp engine" is a child's title
            options, _ = _getopt(words, frozenset("fP"))
            conf = next((v for letter, v in reversed(options) if letter == "f"), conf)
    if not running:
        return Fact.unavailable("OpenNTPD does not run")
    gots = {c: ev.get(_file(c)) for c in OPENNTPD_CONFS}
    src = processes.sources[0] if processes.sources else Source("processes")
    if all(g.state == "uncollected" for g in gots.values()):
        # an older bundle: NTPSynchronized=yes settles nothing for OpenNTPD, so asked
        return Fact.unavailable(
            "OpenNTPD's configuration was not collected (a bundle of an older hvaudit)", src
        )
    if conf and conf not in OPENNTPD_CONFS:
        return Fact.unavailable(f"openntpd runs with -f {conf}, a file hvaudit does not read", src)
    if not conf:
        present = [c for c, g in gots.items() if g.state != "absent"]
        if len(present) != 1:
            return Fact.unavailable(
                f"{' and '.join(OPENNTPD_CONFS)} "
                + (
                    "both exist: which one openntpd reads depends on its build"
                    if present
                    else "are both absent"
                ),
                *(g.source for g in gots.values()),
            )
        conf = present[0]
    got = gots[conf]
    if got.state != "ok":
        return Fact.unavailable(f"{conf} could not be read ({got.state})", got.source)
    own: list[str] = []
    for raw in got.text.splitlines():
        words = raw.split("#", 1)[0].split()
        if len(words) < 2 or words[0] not in ("server", "servers"):
            continue
        addr = words[1].strip("\"'")
        if not _on_host(addr.lower().strip("[]"), itself):
            return Fact.of(("", ""), got.source)
        own.append(f"{conf}: {words[0]} {addr}")
    if not own:
        return Fact.unavailable(f"{conf} names no NTP server (server, servers)", got.source)
    return Fact.of(("self", "; ".join(own[:4])), got.source)


def _timesync_server(ev: HostEvidence, itself: frozenset[str]) -> Fact[tuple[str, str]]:
    """The server systemd-timesyncd uses now, from `timedatectl show-timesync` (R21T-1), as
    (kind, shown): "self" where it is the host itself (`_on_host`), "" where it is not.
    Unavailable where the probe did not answer or names no server (ServerAddress empty: none
    reached yet); with no source where it was not run (no timesyncd running, an older bundle).

    systemd timedatectl.c (read with `read_file`): verb_show_timesync prints the
    org.freedesktop.timesync1 properties as NAME=VALUE lines; ServerName is the name of the
    server in use, ServerAddress (iay) printed by map_server_address with in_addr_to_string,
    empty where timesyncd has none. It picks that server from the per-link servers
    (networkd's NTP= and DHCP), NTP= of timesyncd.conf and its drop-ins, then FallbackNTP=
    (timesyncd.conf(5)): the address it uses settles every one of those files."""
    got = ev.get(_cmd("timesync-server"))
    if got.state in ("absent", "uncollected"):
        return Fact.unavailable("`timedatectl show-timesync` was not collected")
    kv: dict[str, str] = {}
    for line in got.text.splitlines():
        key, eq, value = line.partition("=")
        if eq:
            kv.setdefault(key.strip(), value.strip())
    if got.state != "ok" or got.rc != 0 or not ({"ServerName", "ServerAddress"} & kv.keys()):
        said = (got.reason or got.text).strip().splitlines()
        return Fact.unavailable(
            f"`timedatectl show-timesync` did not answer ({said[0][:60] if said else got.state})",
            got.source,
        )
    name, addr = kv.get("ServerName", ""), kv.get("ServerAddress", "")
    if not addr:
        return Fact.unavailable(
            "systemd-timesyncd names no server it uses (ServerAddress empty"
            + (f", ServerName {name})" if name else ")"),
            got.source,
        )
    shown = f"{name} ({addr})" if name and name != addr else addr
    return Fact.of(
        ("self" if _on_host(addr, itself) else "", shown), Source(got.source.artefact, shown)
    )


def _this_host(addr: str) -> bool:
    """Whether an NTP server address is the host itself: `localhost`, loopback (127/8 in any
    spelling inet_aton(3) reads, as glibc's getaddrinfo does for a numeric name: "127.1",
    "0x7f000001"; ::1; IPv4-mapped), or the unspecified address (0.0.0.0 in any such spelling:
    "0", "0x0"; ::; ::ffff:0.0.0.0). Linux sends a datagram for an unspecified destination to
    the host itself: net/ipv4/route.c ip_route_output_key_hash_rcu, `if (!fl4->daddr)` ...
    `fl4->daddr = fl4->saddr = htonl(INADDR_LOOPBACK); dev_out = net->loopback_dev`, and
    net/ipv6/udp.c udpv6_sendmsg "/* :: means loopback (BSD'ism) */" (read with
    `find_string`); RFC 1122 3.2.1.3: 0.0.0.0 "MUST NOT be sent, except as a source address"
    (L19-9V, the Linux side of VMware's L19-2V)."""
    a = addr.strip().strip("[]").lower().partition("%")[0]
    if a.rstrip(".") in ("localhost", "localhost.localdomain"):
        return True
    if unspecified_address(a):
        return True
    if a and not any(c.isspace() for c in a):
        try:
            return socket.inet_aton(a)[0] == 127
        except OSError:
            pass
    try:
        ip = ipaddress.ip_address(a)
    except ValueError:
        return False
    mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
    return (mapped or ip).is_loopback


def unspecified_address(addr: str) -> bool:
    """Whether an address is the unspecified one: 0.0.0.0 in any spelling inet_aton(3) reads
    ("0", "0.0", "0x0": glibc's getaddrinfo takes a numeric name so), ::, or ::ffff:0.0.0.0;
    `[...]` and a `%zone` are dropped, blanks inside refuse the IPv4 reading."""
    a = addr.strip().strip("[]").partition("%")[0]
    if a and not any(c.isspace() for c in a):
        try:
            return socket.inet_aton(a) == bytes(4)
        except OSError:
            pass
    try:
        ip = ipaddress.ip_address(a)
    except ValueError:
        return False
    mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
    return ip.is_unspecified or (mapped is not None and mapped.is_unspecified)


def _time_sync(processes: Fact[str], ev: HostEvidence | None = None) -> Fact[str]:
    """The first running daemon of TIME_DAEMONS that keeps the clock synchronised ("" for none);
    a chronyd started with -x serves time but leaves the host clock alone, so it does not count."""
    if not processes.known:
        return processes
    ptp4l: list[list[str]] = []
    phc2sys = False
    commands = list(_time_commands(processes.get()))
    # what keeps a PTP hardware clock on a time source: ptp4l (a PTP client) or ts2phc (a GNSS
    # receiver's PPS); phc2sys only copies that clock into CLOCK_REALTIME (R25T-3). A ptp4l whose
    # command line makes it server only or free running adjusts no clock (R26T-1)
    states = [_ptp4l_idle(w, ev) for exe, w in commands if exe == "ptp4l"]
    idle = [shown for state, shown in states if state == "idle"]
    unread = [shown for state, shown in states if state == "unknown"]
    steered = any(exe == "ts2phc" for exe, _ in commands) or any(
        state == "steers" for state, _ in states
    )
    asked = ""
    for exe, words in commands:
        if exe in TIME_DAEMONS and not (exe == "chronyd" and _clock_left_alone(words)):
            return Fact.of(exe, *processes.sources)
        if exe == "phc2sys":
            mode = _phc2sys_mode(words)
            if mode == "pps" or (mode == "system" and steered):
                return Fact.of("phc2sys (PTP)", *processes.sources)
            if mode == "system" and unread:
                # the -f file may make ptp4l server only or free running (R28T-2)
                asked = asked or (
                    "phc2sys sets the system clock from a PTP hardware clock, but whether the "
                    f"ptp4l beside it steers that clock is in its -f file {unread[0]}, which "
                    "was not read (serverOnly, free_running)"
                )
            elif mode == "system" and idle:
                asked = asked or (
                    "phc2sys sets the system clock from a PTP hardware clock, but the ptp4l "
                    f"beside it adjusts no clock ({idle[0]}) and no ts2phc runs: nothing keeps "
                    "that clock on a time source"
                )
            elif mode == "system":
                asked = asked or (
                    "phc2sys sets the system clock from a PTP hardware clock, but no ptp4l or "
                    "ts2phc runs to keep that clock on a time source"
                )
            elif mode == "unknown":
                asked = asked or (
                    "phc2sys runs with a configuration file (-f) or a long option hvaudit does "
                    "not read, which may set clock_servo or free_running"
                )
        phc2sys |= exe == "phc2sys"
        if exe == "ptp4l":
            ptp4l.append(words)
    modes = {_ptp4l_mode(w) for w in ptp4l}
    if "system" in modes:
        return Fact.of("ptp4l (PTP, software time stamping)", *processes.sources)
    if "unknown" in modes and not phc2sys:  # a phc2sys beside it: ptp4l keeps a PHC
        # ptp4l(8): -H (hardware time stamping, the default) synchronises the NIC's PHC, -S the
        # system clock (Red Hat System Administrator's Guide, "Configuring PTP Using ptp4l":
        # "with software time stamping it synchronizes the system clock to the master clock");
        # the -f file or a long option may set time_stamping, clientOnly or free_running
        return Fact.unavailable(
            "ptp4l runs without a phc2sys that sets the system clock; whether it steers the "
            "system clock itself (software time stamping, as a PTP client, not free_running) "
            "is in its configuration, which was not read",
            *processes.sources,
        )
    if asked:
        return Fact.unavailable(asked, *processes.sources)
    return Fact.of("", *processes.sources)


#: ptp4l's long options that leave its clocks alone, as the configuration item they set:
#: linuxptp config.c (f98cb5d) config_alloc_longopts makes every item of config_tab a long
#: option with a required value (`--name VALUE` or `--name=VALUE`), the deprecated masterOnly
#: included (check_deprecated_options maps it to serverOnly).
_PTP4L_IDLE_OPTS = {
    "--serverOnly": "serverOnly",
    "--masterOnly": "masterOnly",
    "--free_running": "free_running",
}


#: ptp4l's configuration files as linuxptp's packages install them (R28T-2): Fedora's and
#: RHEL's linuxptp.spec `install -m 644 -p configs/default.cfg %{_sysconfdir}/ptp4l.conf` and
#: /etc/sysconfig/ptp4l `OPTIONS="-f /etc/ptp4l.conf -i eth0"`; Debian's linuxptp
#: /etc/linuxptp/ptp4l.conf (`ptp4l -f /etc/linuxptp/ptp4l.conf -i eth0`, read with
#: `find_string`).
PTP4L_CONFS = ("/etc/ptp4l.conf", "/etc/linuxptp/ptp4l.conf")


def _ptp4l_on(value: str) -> bool:
    """An integer item's value as ptp4l reads it for 0/1 items: anything but zero is on."""
    return value.strip().lstrip("+0") not in ("", "-")


def _ptp4l_idle(words: list[str], ev: HostEvidence | None = None) -> tuple[str, str]:
    """Whether a ptp4l steers a clock, as (state, shown): ("steers", ""), ("idle", the option or
    line that keeps it from steering any clock) or ("unknown", the file that was not read).
    ptp4l(8) serverOnly "prevents the port from entering the client state. In addition, the
    local clock will ignore Announce messages received on this port", so it follows no master
    and its PHC runs free; free_running "Don't adjust the local clock if enabled" (read with
    `fetch` of richardcochran/linuxptp f98cb5d). The last value of an item wins
    (config_parse_option). The -f file (config.c config_read: `#` comments, `[global]` and
    `[port]` sections, `name value` lines, masterOnly read as serverOnly by
    check_deprecated_options) sets them too (R28T-2): free_running is a global item
    (GLOB_ITEM_INT), serverOnly a port item (PORT_ITEM_INT) whose `[global]` value is every
    port's default and whose `[port]` value that port's; a command-line item is locked
    (CFG_ITEM_LOCKED, "command line value, may not be changed") against the file's `[global]`.
    The ports are the -i interfaces and the file's port sections; every one server only
    leaves the clock free. A file other than PTP4L_CONFS, or one not read, is unknown."""
    options, _ = _getopt(words, _PTP4L_ARG_OPTS, _PTP4L_IDLE_OPTS)
    last: dict[str, str] = {}
    for item, value in options:
        if item in _PTP4L_IDLE_OPTS.values():
            # masterOnly sets serverOnly: the later of the two wins
            last[item.replace("masterOnly", "serverOnly")] = f"--{item} {value.strip()}"
    conf = next((v for letter, v in reversed(options) if letter == "f"), "")
    ports = {v for letter, v in options if letter == "i"}
    free = last.get("free_running", "")
    if free and _ptp4l_on(free.split()[-1]):
        return "idle", free
    server: dict[str, str] = {}  # "" for [global], else the port section's name
    if conf:
        got = ev.get(_file(conf)) if ev is not None and conf in PTP4L_CONFS else None
        if got is None or got.state != "ok":
            return "unknown", conf
        section = None
        for raw in got.text.splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("["):
                name = line.strip("[] \t")
                section = "" if name.lower() == "global" else name
                if name.lower() not in ("global", "unicast_master_table"):
                    ports.add(name)
                continue
            key, value = [*line.split(None, 1), ""][:2]
            if section is None:
                continue
            if key == "free_running" and section == "" and not free and _ptp4l_on(value):
                return "idle", f"{conf}: free_running {value}"
            if key in ("serverOnly", "masterOnly"):
                server[section] = f"{conf}: {key} {value}"
    cli = last.get("serverOnly", "")
    default = cli or server.get("", "")

    def on(shown: str) -> bool:
        return bool(shown) and _ptp4l_on(shown.split()[-1])

    if ports and all(on(server.get(p, default)) for p in ports):
        return "idle", next(server.get(p, default) for p in sorted(ports))
    if not ports and on(default):
        return "idle", default
    return "steers", ""


#: ptp4l's short options that take a value (linuxptp ptp4l.c getopt "AEP246HSLf:i:p:sl:mqvh").
_PTP4L_ARG_OPTS = frozenset("fipl")


def _ptp4l_mode(words: list[str]) -> str:
    """The clock a ptp4l steers: "system" with -S (software time stamping: CLOCK_REALTIME) and
    -s (client only, so it follows a master and never serves); "phc" with neither -S nor a
    configuration that could select it (hardware time stamping is the default, ptp4l(8)); else
    "unknown": a -f file or a long option (every configuration option is also `--name=value`)
    may set time_stamping, clientOnly or free_running, and -S without -s may be the master."""
    letters: set[str] = set()
    for arg in words[1:]:
        if arg.startswith("--"):
            return "unknown"
        if not arg.startswith("-"):
            continue
        for letter in arg[1:]:
            letters.add(letter)
            if letter in _PTP4L_ARG_OPTS:
                break
    if "f" in letters:
        return "unknown"
    if "S" in letters:
        return "system" if "s" in letters else "unknown"
    return "phc"


#: phc2sys's short options that take a value (linuxptp phc2sys.c getopt
#: "arC:c:d:f:s:E:P:I:S:F:R:N:O:L:M:i:u:wn:xz:l:t:mqvh").
_PHC2SYS_ARG_OPTS = frozenset("CcdfsEPISFRNOLMiunzlt")


def _phc2sys_mode(words: list[str]) -> str:
    """Whether a phc2sys keeps the system clock (CLOCK_REALTIME) on a PTP hardware clock:
    "system", "other" where it does not, "unknown" where a -f file or the long options
    --clock_servo or --free_running (every configuration option is also `--name value`,
    config.c config_long_options) may turn its servo off. linuxptp phc2sys.c (read with `fetch`, f98cb5d): getopt
    "arC:c:d:f:s:E:..." (`-am` is -a -m); with -a "the system clock (CLOCK_REALTIME) is not
    synchronized, unless the -r option is also specified" (phc2sys(8)), -C naming another
    system clock; without -a each -c is a sink clock, CLOCK_REALTIME where none is given ("pps"
    where its source is a -d PPS device, no PTP hardware clock); -E
    ntpshm or refclock_sock "allow another process to synchronize the local clock" (phc2sys(8)):
    phc2sys then adjusts nothing itself."""
    if any(w[2:].split("=", 1)[0] in ("clock_servo", "free_running") for w in words[1:]):
        return "unknown"
    options, _ = _getopt(words, _PHC2SYS_ARG_OPTS)
    letters = {letter for letter, _ in options}
    if "f" in letters:
        return "unknown"
    servo = next((v for letter, v in reversed(options) if letter == "E"), "pi")
    if servo.lower() not in ("pi", "linreg"):
        return "other"
    if "a" in letters:
        clock = next((v for letter, v in reversed(options) if letter == "C"), "CLOCK_REALTIME")
        return "system" if "r" in letters and clock == "CLOCK_REALTIME" else "other"
    sinks = [v for letter, v in options if letter == "c"] or ["CLOCK_REALTIME"]
    if "CLOCK_REALTIME" not in sinks:
        return "other"
    # -d alone: the system clock follows a PPS device's pulses, which no ptp4l keeps (hardpps)
    return "pps" if "d" in letters and "s" not in letters else "system"


_INTERPRETERS = ("bash", "sh", "dash", "python3", "python", "perl")


def _commands(ps_text: str) -> Iterator[tuple[str, list[str]]]:
    """Each process of `ps -eo pid=,user:32=,args=` output as (program name, argv words): the name
    is the first word's base name (a retitled process such as "sshd: alice [priv]" gives
    "sshd"); the words drop sshd's "sshd:" title, so a listener "sshd: /usr/sbin/sshd -D ..."
    shows its real command line."""
    for line in ps_text.splitlines():
        parts = line.split(None, 2)
        words = parts[2].split() if len(parts) == 3 else []
        if not words or _in_container(parts[1]):
            continue
        exe = words[0].rstrip(":").rsplit("/", 1)[-1]
        yield exe, words[1:] if words[0] == "sshd:" else words


#: The titles OpenNTPD gives the processes it forks (openntpd-portable/openntpd-openbsd 958b2c6
#: src/usr.sbin/ntpd: ntp.c `setproctitle("ntp engine")`, ntp_dns.c `setproctitle("dns
#: engine")`, constraint.c `setproctitle("constraint from %s", addr)`, each child re-executed
#: with `-P ntp_main` and the like by start_child). openntpd-portable cf202d1
#: compat/setproctitle.c writes them as "__progname: title" over argv (m4/check-os-options.m4
#: `*linux*` SPT_TYPE SPT_REUSEARGV), so ps shows "ntpd: ntp engine" where the program is
#: installed as ntpd (src/Makefile.am `sbin_PROGRAMS = ntpd`: Alpine, Arch, PLD; only Debian
#: renames it openntpd). ntp's and ntpsec's ntpd set no title.
_OPENNTPD_TITLES = (("ntp", "engine"), ("dns", "engine"), ("constraint", "from"))


def _time_commands(ps_text: str) -> Iterator[tuple[str, list[str]]]:
    """`_commands`, with OpenNTPD installed as ntpd named "openntpd" (R28T-1): where a process
    titled "ntpd: ntp engine" (or "dns engine", "constraint from ...") runs, OpenNTPD is the ntpd
    of the host, so its parent "/usr/sbin/ntpd -d" is OpenNTPD too, not ntp's or ntpsec's ntpd
    whose options, files and `ntpq` it shares nothing with (OpenNTPD's -s is a flag where
    ntpd's takes a statistics directory; its file is ntpd.conf, not ntp.conf)."""
    commands = list(_commands(ps_text))
    openntpd = any(
        exe == "ntpd" and words[0] == "ntpd:" and tuple(words[1:3]) in _OPENNTPD_TITLES
        for exe, words in commands
        if len(words) >= 3
    )
    for exe, words in commands:
        yield ("openntpd" if openntpd and exe == "ntpd" else exe), words


def _in_container(user: str) -> bool:
    """A process of an unprivileged container: ps prints a uid without a host account as a
    number, and container uids are mapped from 100000 up (Proxmox/LXC idmap root:100000:65536,
    subuid(5) ranges); such a process is the container's, not a host daemon."""
    return digits(user) and int(user) >= 100000


def _process_list(g: Got) -> Fact[str]:
    """`ps -eo pid=,user:32=,args=`'s listing. A ps that exits other than 0 listed nothing to rely
    on: procps-ng prints its usage to stderr and exits 1, stdout empty, for a format it does not
    take (ps/sortformat.c: "unknown user-defined format specifier"; procps-ng 4.0.2 run here),
    which read as no process running: no auditd, no time daemon, no QEMU, no ksmtuned, no
    relay (R44S-3). Now the failed fact, naming the exit and ps's first stderr line."""
    if g.rc != 0:
        first = g.reason.strip().splitlines()[0] if g.reason.strip() else ""
        return Fact.failed(f"ps exited {g.rc}" + (f": {first[:200]}" if first else ""), g.source)
    return Fact.of(g.text, g.source)


def _running(
    processes: Fact[str],
    names: tuple[str, ...],
    make: Callable[[list[str]], T],
    *,
    scripts: bool = False,
) -> Fact[T]:
    """The named programs among the running processes; with `scripts`, a script run by an
    interpreter counts by the script's name too (ksmtuned shows as `/bin/bash /usr/sbin/ksmtuned`)."""
    if not processes.known:
        return processes  # type: ignore[return-value]
    found = []
    for exe, words in _commands(processes.get()):
        if exe in names:
            found.append(exe)
        elif scripts and exe in _INTERPRETERS and len(words) > 1:
            script = words[1].rsplit("/", 1)[-1]
            if script in names:
                found.append(script)
    return Fact.of(make(found), *processes.sources)


#: virtiofsd options that take a value as the next word (virtiofsd src/main.rs `struct Opt`,
#: clap long options without `=`); a word after one of them is its value, not a flag.
_VIRTIOFSD_VALUED = frozenset(
    [
        "--shared-dir",
        "--tag",
        "--socket",
        "--socket-path",
        "--socket-group",
        "--fd",
        "--thread-pool-size",
        "--xattrmap",
        "--sandbox",
        "--seccomp",
        "--inode-file-handles",
        "--cache",
        "--modcaps",
        "--log-level",
        "--rlimit-nofile",
        "-o",
        "--uid-map",
        "--gid-map",
        "--translate-uid",
        "--translate-gid",
        "--migration-mode",
        "--migration-on-error",
    ]
)


def _virtiofs_daemons(processes: Fact[str]) -> Fact[tuple[VirtiofsDaemon, ...]]:
    """Each running virtiofsd (the Rust daemon, virtiofsd src/main.rs `struct Opt`): the
    directory it serves (`--shared-dir`, or the legacy `-o source=` that parse_compat maps to
    it; libvirt qemu_virtiofs.c qemuVirtioFSBuildCommandLine passes one or the other), the
    socket it listens on (`--socket-path`, deprecated `--socket`; libvirt hands it `--fd`
    instead), and `--readonly` ("Prevent the guest from making modifications to the
    filesystem"), a flag only: the legacy `-o` list has no readonly (parse_compat exits on an
    unknown `-o` word), so a running daemon is read-only by `--readonly` alone."""
    if not processes.known:
        return processes  # type: ignore[return-value]
    out = []
    for exe, words in _commands(processes.get()):
        if exe != "virtiofsd":
            continue
        opts: dict[str, str] = {}
        readonly = False
        args = iter(words[1:])
        for w in args:
            name, eq, value = w.partition("=")
            if w.startswith("-o") and w != "-o" and not w.startswith("--"):
                name, eq, value = "-o", "=", w[2:]
            if name in _VIRTIOFSD_VALUED:
                value = value if eq else next(args, "")
                if name == "-o":
                    for item in value.split(","):
                        key, _, val = item.partition("=")
                        if key == "source":
                            opts["--shared-dir"] = val
                else:
                    opts[name] = value
            elif w == "--readonly":
                readonly = True
        out.append(
            VirtiofsDaemon(
                shared_dir=opts.get("--shared-dir", ""),
                socket=opts.get("--socket-path") or opts.get("--socket", ""),
                readonly=readonly,
            )
        )
    return Fact.of(tuple(out), *processes.sources)


def _ipv6_addresses(ev: HostEvidence) -> tuple[str, ...] | None:
    """The host's IPv6 addresses other than loopback (link-local ones count: neighbours on the
    link reach them), () when IPv6 is off, None when `ip -j addr` could not be read."""
    got = ev.get(_cmd("ip-addr"))
    if got.state != "ok" or got.rc != 0:
        return None
    try:
        links = json.loads(got.text or "[]")
    except ValueError:
        return None
    infos = [
        a
        for link in (links if isinstance(links, list) else [])
        if isinstance(link, dict)
        for a in link.get("addr_info") or []
        if isinstance(a, dict)
    ]
    return tuple(
        str(a.get("local"))
        for a in infos
        if a.get("family") == "inet6" and a.get("scope") != "host"
    )


def _own_addresses(ev: HostEvidence) -> dict[str, Addresses]:
    """The host's own addresses per IP version other than loopback ones, with the interfaces
    that hold them (`ip -j addr`; a version's entry is None when it could not be read)."""
    got = ev.get(_cmd("ip-addr"))
    try:
        links = json.loads(got.text or "[]") if got.state == "ok" and got.rc == 0 else None
    except ValueError:
        links = None
    if not isinstance(links, list):
        return {"IPv4": None, "IPv6": None}
    out: dict[str, list[Any]] = {"IPv4": [], "IPv6": []}
    devs: dict[str, list[str]] = {"IPv4": [], "IPv6": []}
    # each link's own MAC (iproute2 ipaddress.c print_linkinfo: "address", the link-layer
    # address, printed for every link that has one): `ether daddr` of it is every unicast frame
    # to that NIC (R28G-3)
    macs = {
        str(link.get("ifname")): str(link["address"]).lower()
        for link in links
        if isinstance(link, dict) and isinstance(link.get("address"), str)
    }
    for link in links:
        for a in (link.get("addr_info") or []) if isinstance(link, dict) else []:
            if not isinstance(a, dict) or a.get("scope") == "host":
                continue
            try:
                addr = ipaddress.ip_address(str(a.get("local")))
            except ValueError:
                continue
            version = "IPv4" if addr.version == 4 else "IPv6"
            out[version].append(addr)
            devs[version].append(str(link.get("ifname")))
    return {
        k: HostAddresses(
            tuple(v),
            tuple(dict.fromkeys(devs[k])),
            macs=tuple((d, macs[d]) for d in dict.fromkeys(devs[k]) if d in macs),
        )
        for k, v in out.items()
    }


def _both_versions(
    ev: HostEvidence, v4: tuple[str, str], v6: tuple[str, str] | None, src: Source
) -> Fact[str]:
    """The input policy of the host from the IPv4 and the IPv6 verdicts ((policy, why), the
    policy "drop", "accept" or "unknown"; v6 None when not read): traffic of either version that
    is not dropped is traffic accepted, unless the host has no IPv6 address at all; a verdict
    the rules read cannot settle is a question."""
    (p4, why4) = v4
    if p4 == "accept":
        return Fact.of(p4, Source(src.artefact, why4))
    v6_addrs = _ipv6_addresses(ev)
    if v6 is not None and v6[0] == "accept" and v6_addrs:
        return Fact.of(
            "accept",
            Source(
                src.artefact,
                f"{why4}; but IPv6 ({v6[1]}) is accepted on {', '.join(v6_addrs[:4])}",
            ),
        )
    if p4 == "unknown":
        return Fact.unavailable(f"IPv4: {why4}", src)
    if v6 is not None and v6[0] == "drop":  # an inet chain is named once, not per version
        both = dict.fromkeys([*why4.split("; "), *v6[1].split("; ")])
        return Fact.of("drop", Source(src.artefact, "; ".join(both)))
    if v6_addrs == ():
        return Fact.of("drop", Source(src.artefact, f"{why4}; no IPv6 address on the host"))
    if v6 is not None and v6[0] == "unknown":
        return Fact.unavailable(f"IPv4 input drops ({why4}), but IPv6: {v6[1]}", src)
    return Fact.unavailable(
        f"IPv4 input drops ({why4}), but "
        + (
            "`ip -j addr` could not be read to tell whether the host has IPv6 addresses"
            if v6_addrs is None
            else f"the IPv6 rules (ip6tables -S) could not be read, and the host has "
            f"IPv6 address(es) {', '.join(v6_addrs[:4])}"
        ),
        src,
    )


def _kernel_lists(ev: HostEvidence) -> KernelLists:
    """The ipsets, whether the recent lists were read, and the rules of every table that add
    to either (hvaudit.parse.firewall.KernelLists); what was not read stays None, so the
    matches on it stay questions."""
    ipset = ev.get(_cmd("ipset-list"))
    sets = parse_ipset_save(ipset.text) if ipset.state == "ok" and ipset.rc == 0 else None
    recent = ev.get(_cmd("xt-recent"))
    # grep exits 1 when every list is empty, 2 when the directory cannot be read
    recent_read = recent.state == "ok" and recent.rc in (0, 1)
    saves = [ev.get(_cmd(p)) for p in ("iptables-save", "ip6tables-save")]
    read = saves[0].state == "ok" and saves[0].rc == 0
    read = read and (saves[1].state == "absent" or (saves[1].state == "ok" and saves[1].rc == 0))
    adders = list_adders([g.text for g in saves if g.state == "ok"]) if read else None
    return KernelLists(sets, recent_read, adders, save_absent=saves[0].state == "absent")


def _firewall_on(ev: HostEvidence) -> Fact[dict[str, str]]:
    """The input policy (as _firewall: "drop", "accept" or "unknown") for the packets that
    arrive on each interface `ip -j addr` lists but lo: a match on the input interface holds
    all of them or none, so `iifname "eno3" accept` opens nothing arriving on virbr0 (R24N-4).
    Unread as the whole policy is."""
    whole = _firewall(ev)
    if not whole.known:
        return Fact.unavailable(whole.reason, *whole.sources)
    got = ev.get(_cmd("ip-addr"))
    try:
        links = json.loads(got.text or "[]") if got.state == "ok" and got.rc == 0 else []
    except ValueError:
        links = []
    names = [
        str(link.get("ifname"))
        for link in (links if isinstance(links, list) else [])
        if isinstance(link, dict) and link.get("ifname") not in (None, "lo")
    ]
    out: dict[str, str] = {}
    for name in dict.fromkeys(names):
        on = _firewall(ev, name)
        out[name] = on.get() if on.known else "unknown"
    return Fact.of(out, *whole.sources)


def _link_names(ev: HostEvidence) -> list[str] | None:
    """The names of the host's network devices (`ip -j -d link`), None when not read."""
    got = ev.get(_cmd("ip-link"))
    try:
        links = json.loads(got.text or "[]") if got.state == "ok" and got.rc == 0 else None
    except ValueError:
        links = None
    if not isinstance(links, list):
        return None
    return [str(x["ifname"]) for x in links if isinstance(x, dict) and x.get("ifname")]


def _firewall(ev: HostEvidence, arrival: str | None = None) -> Fact[str]:
    """ "drop" when the host's input path ends in drop for traffic no rule admits, for IPv4 and
    for IPv6 (when the host has an IPv6 address), "accept" when not (hvaudit.parse.firewall walks
    the rules). nftables: every input-hook base chain of a family that sees the IP version (an
    `ip` table sees IPv4 only; nftables wiki, "Nftables families"). Without nftables:
    `iptables -S` (IPv4) and `ip6tables -S` (IPv6), every chain of the filter table, INPUT's
    jumps followed. With `arrival`, for the packets that arrive on that interface only."""
    own = _own_addresses(ev)
    if arrival is not None:
        own = {
            k: HostAddresses(v.addresses, v.interfaces, arrival, v.macs)
            if v is not None
            else HostAddresses((), (), arrival)
            for k, v in own.items()
        }
    lists = _kernel_lists(ev)
    nft = ev.get(_cmd("nft-ruleset"))
    if nft.state != "absent" and not (nft.state == "ok" and nft.rc == 0):
        # nft's own `notrack` rules, which an iptables `--ctstate UNTRACKED` matches too
        # (R26F-1), not read
        unread = "nftables' notrack rules (`nft list ruleset`, not read)"
        lists = KernelLists(
            lists.ipsets,
            lists.recent_read,
            lists.adders,
            dict.fromkeys(own, unread),
            dict.fromkeys(own, "nftables' dnat and redirect rules (`nft list ruleset`, not read)"),
            lists.save_absent,
        )
    if nft.state == "ok" and nft.rc == 0:
        try:
            items = json.loads(nft.text or "{}").get("nftables", [])
        except (ValueError, AttributeError):
            return Fact.failed("nft printed invalid JSON", nft.source)
        items = items if isinstance(items, list) else []
        # nft's own `notrack` rules untrack packets an iptables `--ctstate UNTRACKED` accepts,
        # in iptables-nft's tables read from `iptables -S` and iptables-legacy's (R26F-1)
        by_nft = nft_untracked_reach(items, own)
        # nft's own dnat and redirect rules give packets the DNAT status an iptables
        # `--ctstate DNAT` matches (R33F-1)
        lists = KernelLists(
            lists.ipsets,
            lists.recent_read,
            lists.adders,
            by_nft,
            nft_dnat_reach(items, own),
            lists.save_absent,
        )
        # iptables-nft's own tables hold matches nft shows by name only: read them from
        # `iptables -S` / `ip6tables -S` where those were collected
        xtables: dict[str, tuple[str, str] | None] = {}
        for version, probe in (("IPv4", "iptables-input"), ("IPv6", "ip6tables-input")):
            got = ev.get(_cmd(probe))
            ok = got.state == "ok" and got.rc == 0
            xtables[version] = (
                iptables_policy(got.text, version, own[version], lists) if ok else None
            )
        # an iptables-legacy raw table's NOTRACK is in `iptables-save` only (R25F-4)
        absent = ev.get(_cmd("iptables-save")).state == "absent"
        untracked = {v: iptables_untracked(lists, v, own[v], absent) for v in own}
        # an iptables-legacy nat table's DNAT, which `ct status dnat` matches (R33F-1)
        dnat = {v: iptables_dnat(lists, v, own[v], absent) for v in own}
        verdicts = nft_input_verdicts(items, own, xtables, untracked, dnat, _link_names(ev))
        if verdicts is not None:
            return _both_versions(ev, verdicts["IPv4"], verdicts["IPv6"], nft.source)
    ipt = ev.get(_cmd("iptables-input"))
    if ipt.state == "ok" and ipt.rc == 0:
        ip6 = ev.get(_cmd("ip6tables-input"))
        v6 = None  # failed or not collected: not read
        if ip6.state == "ok" and ip6.rc == 0:
            p6, why6 = iptables_policy(ip6.text, "IPv6", own["IPv6"], lists)
            v6 = (p6, f"ip6tables {why6}")
        elif ip6.state == "absent":  # no nft and no ip6tables: nothing filters IPv6
            v6 = ("accept", "ip6tables not installed")
        v4 = iptables_policy(ipt.text, "IPv4", own["IPv4"], lists)
        return _both_versions(ev, v4, v6, ipt.source)
    if nft.state == "ok" and nft.rc == 0:
        return Fact.of("accept", Source(nft.source.artefact, "no input-hook chain"))
    if nft.state == "absent" and ipt.state == "absent":
        return Fact.unavailable("neither nft nor iptables is installed to read the firewall")
    return Fact.failed(nft.reason or ipt.reason or "firewall rules could not be read", nft.source)


def _firewall_accepts(ev: HostEvidence) -> Fact[bool]:
    """Whether any rule the host's firewall holds accepts a packet: an `accept` verdict in a
    rule or verdict map of `nft -j list ruleset` (iptables-nft's tables included: nft(8) shows
    their ACCEPT as the accept verdict), and a `-j ACCEPT` of `iptables -S` / `ip6tables -S`.
    Any chain counts, whatever hook or jump reaches it: False only where nothing is accepted
    by a rule at all, so that a drop policy admits nothing (R21N-1). A rule that queues the
    packet to user space (nft's `queue` statement, iptables' NFQUEUE or QUEUE target, as
    iptables-nft's `xt` target in `nft -j`) counts as an accept: the program's NF_ACCEPT
    verdict delivers the packet on (Linux net/netfilter/nf_queue.c nf_reinject: NF_ACCEPT
    calls the hook's okfn; nft(8) QUEUE STATEMENT: "Userspace must then drop or re-inject the
    packet"), and with `bypass` the packet goes on when no program listens (Linux commit
    94b27cc36123, "netfilter: allow NFQUEUE bypass if no listener is available"; all read with
    `search`) (R34F-1: `tcp dport 22 queue` beside a drop policy passed HVA-210 as if nothing
    were admitted). Both `nft -j` and `iptables -S` are read where both were (R34F-2)."""
    nft = ev.get(_cmd("nft-ruleset"))
    by_nft: bool | None = None
    if nft.state == "ok" and nft.rc == 0:
        try:
            items = json.loads(nft.text or "{}").get("nftables", [])
        except (ValueError, AttributeError):
            return Fact.failed("nft printed invalid JSON", nft.source)
        if isinstance(items, list):
            held = [i for i in items if isinstance(i, dict) and ("rule" in i or "map" in i)]
            by_nft = '"accept"' in json.dumps(held) or _nft_queues(held)
    texts = [ev.get(_cmd(p)) for p in ("iptables-input", "ip6tables-input")]
    if texts[0].state == "ok" and texts[0].rc == 0 and texts[1].state in ("ok", "absent"):
        # iptables-legacy's tables are not in `nft -j` (xtables-legacy(8): the legacy tools
        # use the old kernel interface), and _firewall reads `iptables -S` for the policy
        # where nft holds no input chain: its accepts count beside nft's (R34F-2: nft
        # installed with an empty ruleset hid `-A INPUT -p tcp --dport 22 -j ACCEPT`)
        words = [
            w
            for g in texts
            if g.state == "ok"
            for line in g.text.splitlines()
            for w in [line.split()]
        ]
        by_ipt = any(
            w[i + 1 : i + 2] in (["ACCEPT"], *_USERSPACE_TARGETS)
            for w in words
            for i, x in enumerate(w)
            if x == "-j"
        )
        read = (nft.source,) if by_nft is not None else ()
        return Fact.of(bool(by_nft) or by_ipt, *read, texts[0].source)
    if by_nft is not None:
        return Fact.of(by_nft, nft.source)
    return Fact.unavailable("the firewall rules were not read", nft.source)


#: iptables-extensions(8) targets that hand the packet to a program in user space, whose
#: verdict may accept it: QUEUE (queue 0) and NFQUEUE
_USERSPACE_TARGETS = (["QUEUE"], ["NFQUEUE"])


def _nft_queues(held: list[dict[str, Any]]) -> bool:
    """Whether a rule of `nft -j list ruleset` queues packets to user space: a `queue`
    statement ({"queue": {...}}, libnftables-json(5) QUEUE), or an iptables-nft QUEUE or
    NFQUEUE target (`nft -j` shows its name only: {"xt": {"type": "target", "name": ...}})."""
    for item in held:
        rule = item.get("rule")
        exprs = rule.get("expr") if isinstance(rule, dict) else None
        for e in exprs if isinstance(exprs, list) else []:
            if not isinstance(e, dict):
                continue
            xt = e.get("xt")
            if "queue" in e or (
                isinstance(xt, dict) and [str(xt.get("name")).upper()] in _USERSPACE_TARGETS
            ):
                return True
    return False


#: One process entry of `ss -p`'s users: field: iproute2 misc/ss.c find_entry prints each as
#: `("%s",pid=%d,fd=%d)` (`,proc_ctx=...` with -Z), the name being the task's comm that
#: user_ent_hash_build reads from /proc/PID/stat with `fscanf(fp, "%*d (%[^)])", p)`: it stops
#: at the first ')' and may hold '"', ',' and "pid=". The entry runs to its ')', and the real
#: pid is the last `",pid=N` in it (R43S-1: the first `",pid=` read a name `so"cat` as no
#: owner and a name `socat",pid=7` as pid 7).
_SS_OWNER = re.compile(r'\("([^)]*)",pid=([0-9]+)(?:,[^)]*)?\)')


def _ss_owners(line: str) -> list[tuple[str, str]]:
    """(name, pid) of each process `ss -p` lists as holding the socket of `line` (_SS_OWNER)."""
    return _SS_OWNER.findall(line.partition("users:")[2])


def _listeners(g: Got) -> Fact[tuple[Listener, ...]]:
    """The host's listening TCP and UDP sockets (`ss -H -t -u -l -n -p`). An `ss` that exits
    other than 0 listed nothing the checks may read as "no listener": iproute2 misc/ss.c usage()
    exits -1 (255) with nothing on stdout for an option it does not know (an ss older than
    `-H, --no-header`), and a run that exits otherwise did not finish its listing either; its
    output then is no listing (R40S-3: an exit of 255 read as no listener passed HVA-033 and
    HVA-210), so it is the failed fact, as `ss --vsock`'s is (_vsock_listeners)."""
    if g.state == "absent":
        return Fact.unavailable("ss is not installed", g.source)
    if g.rc not in (0, None):
        why = (g.reason or g.text).strip().splitlines()
        return Fact.failed(
            f"`ss -t -u -l` exited {g.rc}" + (f": {why[0][:160]}" if why else ""), g.source
        )
    out = []
    for line in g.text.splitlines():
        parts = line.split()
        if len(parts) < 5:
            continue
        proto = parts[0]
        local = parts[4]
        addr, _, port = local.rpartition(":")
        # users:(("systemd",pid=1,fd=48),("libvirtd",pid=700,fd=3)): every process holding the
        # socket; under socket activation systemd (pid 1) holds it, alone until the service starts.
        owners = _ss_owners(line)
        held = any(name == "systemd" and pid == "1" for name, pid in owners)
        daemons = [name for name, pid in owners if not (name == "systemd" and pid == "1")]
        process = daemons[0] if daemons else "systemd" if held else "unknown"
        pids = [int(pid) for name, pid in owners if not (name == "systemd" and pid == "1")]
        try:
            out.append(
                Listener(
                    proto,
                    addr.split("%")[0] or "*",
                    int(port),
                    process,
                    held,
                    pids[0] if pids else None,
                    addr.partition("%")[2] or None,
                )
            )
        except ValueError:
            continue
    return Fact.of(tuple(out), g.source)


def _socket_units(
    ev: HostEvidence, listeners: Fact[tuple[Listener, ...]]
) -> Fact[tuple[Listener, ...]]:
    """The listeners, each one systemd holds given the socket unit that listens on its port and
    the services that unit activates (`systemctl list-sockets --full --no-legend`: LISTEN,
    UNIT, ACTIVATES; systemd src/systemctl/systemctl-list-units.c output_sockets_list). systemd
    starts that service on the first connection and passes it the socket (systemd.socket(5)),
    so it names the service a socket of any port is for: an ssh.socket moved to port 2222 by a
    drop-in (ListenStream=) while `sshd -T` still says 22 (R29F-4). A listing not collected or
    not answered adds nothing. An AF_VSOCK socket is listed as `vsock::PORT` (any CID) or
    `vsock:CID:PORT` (systemd src/basic/socket-util.c sockaddr_pretty, AF_VSOCK), and is
    matched with the vsock listeners only, an IP one with the TCP and UDP ones (R30F-2: a
    systemd-held vsock socket was never given its unit)."""
    got = ev.get(_cmd("socket-activations"))
    if not listeners.known or got.state != "ok" or got.rc not in (0, None):
        return listeners
    by_port: dict[tuple[bool, int], list[str]] = {}
    for line in got.text.splitlines():
        parts = line.split()
        at = next((k for k, w in enumerate(parts) if w.endswith(".socket")), None)
        if at is None or at == 0:
            continue
        port = " ".join(parts[:at]).rpartition(":")[2]
        if digits(port) and not parts[0].startswith(("/", "@")):
            vsock = parts[0].startswith("vsock:")
            by_port.setdefault((vsock, int(port)), []).extend(parts[at:])
    return Fact.of(
        tuple(
            replace(lst, units=tuple(by_port.get((lst.protocol == "vsock", lst.port), ())))
            if lst.process == "systemd"
            else lst
            for lst in listeners.get()
        ),
        *listeners.sources,
        got.source,
    )


#: One listening AF_VSOCK socket as `ss -H --vsock -l -n -p` prints it: netid (v_str for
#: SOCK_STREAM, ??? for SOCK_SEQPACKET: iproute2 ss.c vsock_netid_name), state, the two queues,
#: then CID:port, "*" for VMADDR_CID_ANY (ss.c vsock_addr_print prints ~0 as "*", any other CID
#: in decimal; the netid column shows when more than one socket table is asked for, as --vsock
#: asks for stream and datagram: ss.c main). `-l` shows LISTEN and UNCONN sockets (ss.c: `state_filter = (1 << SS_LISTEN) |
#: (1 << SS_CLOSE)`); only a listening one takes a guest's connection.
_VSOCK_LINE = re.compile(
    r"(?:(?P<netid>[a-z_?]+)[ \t]+)?LISTEN[ \t]+[0-9]+[ \t]+[0-9]+[ \t]+"
    r"(?P<cid>\*|[0-9]{1,10}):(?P<port>[0-9]{1,10})[ \t]"
)


def _vsock_listeners(ev: HostEvidence) -> Fact[tuple[Listener, ...]]:
    """The host's listening AF_VSOCK sockets (VL19-20). ss prints nothing and exits 0 when the
    kernel has no vsock_diag to answer it (iproute2 lib/libnetlink.c rtnl_dump_error: "if
    (rth->proto == NETLINK_SOCK_DIAG && (errno == ENOENT || errno == EOPNOTSUPP)) return -1",
    no message; misc/ss.c main ignores vsock_show's result): an empty answer counts only where
    /proc/modules, read after it, shows vsock_diag loaded (the request loads it:
    net/vmw_vsock/diag.c MODULE_ALIAS_NET_PF_PROTO_TYPE(PF_NETLINK, NETLINK_SOCK_DIAG, 40));
    any socket printed shows the kernel answered."""
    g = ev.get(_cmd("vsock-listeners"))
    if g.state == "uncollected":
        return Fact.unavailable("`ss --vsock` was not collected: a collector older than the probe")
    if g.state == "absent":
        return Fact.unavailable("ss is not installed", g.source)
    if g.state != "ok" or g.rc not in (0, None):
        return Fact.failed(f"`ss --vsock` did not answer ({g.reason or g.state})", g.source)
    out = []
    for line in g.text.splitlines():
        m = _VSOCK_LINE.match(line.strip())
        if m is None:
            if "LISTEN" in line.split()[:2]:  # a listener not read is not no listener
                return Fact.failed(f"`ss --vsock` line not read: {line.strip()[:80]}", g.source)
            continue
        owners = _ss_owners(line)
        held = any(name == "systemd" and pid == "1" for name, pid in owners)
        daemons = [
            (name, int(pid)) for name, pid in owners if not (name == "systemd" and pid == "1")
        ]
        process = daemons[0][0] if daemons else "systemd" if held else "unknown"
        out.append(
            Listener(
                "vsock",
                m.group("cid"),
                int(m.group("port")),
                process,
                held,
                daemons[0][1] if daemons else None,
            )
        )
    if out or g.text.strip():
        return Fact.of(tuple(out), g.source)
    diag = ev.get(_cmd("vsock-diag"))
    if diag.state == "ok" and diag.rc == 0 and diag.text.startswith("vsock_diag "):
        return Fact.of((), g.source, diag.source)
    return Fact.unavailable(
        "`ss --vsock` printed no socket and vsock_diag is not shown loaded in /proc/modules: "
        "ss prints nothing where the kernel cannot list vsock sockets",
        g.source,
        diag.source,
    )


#: libvirt's read-write sockets (libvirtd, the modular daemons, virtproxyd's admin-less socket),
#: under /run/libvirt or /var/run/libvirt; the read-only ones end in -sock-ro.
_LIBVIRT_RW_SOCKET = re.compile(r"((?:/var)?/run/libvirt/[\w.-]*sock)(?![\w-])")


def _socket_relays(processes: Fact[str]) -> Fact[tuple[tuple[int, str, str, str], ...]]:
    """Processes other than libvirt's daemons whose command line names a libvirt read-write
    socket: a relay such as `socat TCP-LISTEN:16509,fork UNIX-CONNECT:/run/libvirt/libvirt-sock`
    (socat(1)) hands whoever reaches its other end the socket's full API."""
    if not processes.known:
        return processes  # type: ignore[return-value]
    out = []
    for line in processes.get().splitlines():
        parts = line.split(None, 2)
        if len(parts) < 3 or not digits(parts[0]):
            continue
        words = parts[2].split()
        exe = words[0].rstrip(":").rsplit("/", 1)[-1] if words else ""
        if exe in LIBVIRT_DAEMONS:
            continue
        m = _LIBVIRT_RW_SOCKET.search(parts[2])
        if m:
            out.append((int(parts[0]), exe, m.group(1), parts[2].strip()))
    return Fact.of(tuple(out), *processes.sources)


#: A `-sandbox` option that loads QEMU's seccomp filter: qemu-options.hx `-sandbox
#: arg[,obsolete=string]...` ("'on' will enable syscall filtering and 'off' will disable it"),
#: `enable` being the implied name of the first value (system/qemu-seccomp.c qemu_sandbox_opts)
#: and a boolean as qapi_bool_parse reads one (on, yes, true, y); QEMU takes `--sandbox` too.
#: A later `-sandbox off` does not remove a loaded filter (R13-held, parse_sandbox).
_SANDBOX_ON = re.compile(r"(?:^|\s)--?sandbox\s+(?:enable=)?(?:on|yes|true|y)(?:,|\s|$)")


def _qemu(ev: HostEvidence, processes: Fact[str]) -> Fact[tuple[QemuProcess, ...]]:
    if not processes.known:
        return processes  # type: ignore[return-value]
    starts, mtimes = _starts_and_mtimes(ev)
    qemu_conf = mtimes.get("qemu.conf")
    qemu_conf_unread = _mtimes_unread(ev).get("qemu.conf", "")
    if qemu_conf_unread:
        starts = _process_starts(ev)
    starts_unread = _starts_unread(ev)  # R44S-5: when each QEMU started is not known
    out = []
    for line in processes.get().splitlines():
        m = re.match(r"^\s*([0-9]+)\s+(\S+)\s+(\S*qemu\S*|\S*/kvm|kvm)(\s.*|)$", line)
        if not m:
            continue
        pid, user, args = int(m.group(1)), m.group(2), m.group(3) + m.group(4)
        name = re.search(r"-name\s+(?:guest=)?([^,\s]+)", args)
        status = ev.get(_cmd(f"qemu-status-{pid}"))
        seccomp = re.search(r"Seccomp:\s*([0-9])", status.text)
        caps = re.search(r"CapEff:\s*([0-9a-fA-F]+)", status.text)
        replaced, target = _exe_replaced(ev.get(_cmd(f"qemu-exe-{pid}")))
        label = _qemu_label(ev.get(_cmd(f"qemu-label-{pid}")), pid)
        libraries = _replaced_libraries(ev.get(_cmd(f"qemu-maps-{pid}")))
        uuid = re.search(r"-uuid\s+([0-9a-fA-F-]{36})(?:\s|$)", args)
        start = starts.get(str(pid))
        older = (
            f"its QEMU (pid {pid}) started at {_utc(start)}, before /etc/libvirt/qemu.conf was "
            f"changed at {_utc(qemu_conf)}"
            if start is not None and qemu_conf is not None and qemu_conf > start
            else f"when /etc/libvirt/qemu.conf was last changed was not read (`stat`: "
            f"{qemu_conf_unread}), so whether its QEMU (pid {pid}) started before is unknown"
            if qemu_conf_unread
            else f"when its QEMU (pid {pid}) started was not read (`ps -o lstart`: "
            f"{starts_unread}), so whether it started before /etc/libvirt/qemu.conf was changed "
            f"at {_utc(qemu_conf)} is unknown"
            if starts_unread and qemu_conf is not None
            else ""
        )
        out.append(
            QemuProcess(
                pid,
                user,
                name.group(1) if name else "",
                _SANDBOX_ON.search(args) is not None,
                int(seccomp.group(1)) if seccomp else None,
                int(caps.group(1), 16) if caps else None,
                replaced,
                label,
                uuid.group(1).lower() if uuid else "",
                m.group(3),
                target,
                libraries,
                older,
                _after_daemon(ev, processes, pid),
            )
        )
    return Fact.of(tuple(out), *processes.sources)


def _secret_file_sizes(ev: HostEvidence, processes: Fact[str]) -> dict[str, int | str]:
    """The size of each file a running QEMU reads a console password from, as `stat -L -c %s`
    printed it (hvaudit.collect.host.SECRET_SIZE_ARGV), or why it was not read (R52D-1)."""
    if not processes.known:
        return {}
    out: dict[str, int | str] = {}
    for line in processes.get().splitlines():
        m = re.match(r"^\s*[0-9]+\s+\S+\s+((?:\S*qemu\S*|\S*/kvm|kvm)(?:\s.*|))$", line)
        for path in password_secret_files(m.group(1).split()) if m else []:
            got = ev.get(_cmd(secret_size_name(path)))
            size = got.text.strip()
            if got.state == "ok" and got.rc == 0 and size.isascii() and size.isdigit():
                out[path] = int(size)
            else:
                why = got.reason or got.text.strip() or f"exit status {got.rc}"
                out[path] = f"was not read (`stat -L -c %s`: {why[:200]})"
    return out


def _after_daemon(ev: HostEvidence, processes: Fact[str], pid: int) -> str:
    """Why the running libvirt daemon started QEMU `pid`: the process started later (`ps -o
    lstart`, whole seconds, so strictly later) than every libvirtd and virtqemud running on the
    host, so no earlier daemon instance did (one restarted reconnects to the QEMU it finds,
    qemuProcessReconnect, without starting it). "" when not, or the starts were not read."""
    starts = _process_starts(ev)
    start = starts.get(str(pid))
    if start is None or not processes.known:
        return ""
    daemons = []
    for line in processes.get().splitlines():
        parts = line.split(None, 2)
        if len(parts) == 3 and digits(parts[0]) and not _in_container(parts[1]):
            exe = parts[2].split()[0].rsplit("/", 1)[-1]
            if exe in _CONF_READERS["qemu.conf"]:
                daemons.append((exe, parts[0]))
    known = [(starts[p], d, p) for d, p in daemons if p in starts]
    if not daemons or len(known) != len(daemons):
        return ""
    latest, daemon, dpid = max(known)
    if start <= latest:
        return ""
    return (
        f"its QEMU (pid {pid}) started at {_utc(start)}, after {daemon} (pid {dpid}) started at "
        f"{_utc(latest)}"
    )


def _exe_replaced(exe: Got) -> tuple[bool | None, str | None]:
    """`ls -l /proc/PID/exe`: whether the executed file was deleted since (proc(5): " (deleted)"
    after the target) and the target without the mark; (None, None) when not read."""
    if not (exe.state == "ok" and exe.rc == 0 and exe.text):
        return None, None
    target = re.search(r" -> (.+?)(?: \(deleted\))?\s*$", exe.text.splitlines()[0])
    return "(deleted)" in exe.text, target.group(1) if target else None


_SHARED_LIBRARY = re.compile(r"^/.*\.so(?:\.[\w.+-]*)?$")


def _replaced_libraries(g: Got) -> tuple[str, ...] | None:
    """`grep -F " (deleted)" /proc/PID/maps`: the mapped files unlinked since (proc(5): the
    pathname column, " (deleted)" appended). Only shared libraries count: guest RAM in memfd,
    /dev/shm or hugetlbfs files that libvirt unlinks on purpose is not an update. grep exits 1
    when it finds none; None when the file was not read."""
    if g.state != "ok" or g.rc not in (0, 1):
        return None
    found = []
    for line in g.text.splitlines():
        fields = line.split(None, 5)
        path = fields[5].removesuffix(" (deleted)").strip() if len(fields) == 6 else ""
        if _SHARED_LIBRARY.match(path) and not path.startswith(("/dev/", "/memfd:")):
            found.append(path.rsplit("/", 1)[-1])
    return tuple(dict.fromkeys(found))


def _vm_helpers(
    ev: HostEvidence, processes: Fact[str], qemu: Fact[tuple[QemuProcess, ...]]
) -> Fact[tuple[QemuProcess, ...]]:
    """The helper processes libvirt starts beside a VM's QEMU (virtiofsd, swtpm, passt, its own
    dbus-daemon, and qemu-pr-helper from the QEMU list), each with the label read from its
    /proc/<pid>/attr (None when not read) and, like QEMU's, its /proc/<pid>/exe and the
    replaced libraries of its maps (R23R-2)."""
    if not processes.known:
        return processes  # type: ignore[return-value]
    out = [
        p
        for p in (qemu.get() if qemu.known else ())
        if p.binary.rsplit("/", 1)[-1] == "qemu-pr-helper"
    ]
    for line in processes.get().splitlines():
        m = VM_HELPER.match(line)
        if not m:
            continue
        pid, user = int(m.group(1) or m.group(6)), m.group(2) or m.group(7)
        binary = line.split(None, 2)[2].split()[0]
        label = _qemu_label(ev.get(_cmd(f"qemu-label-{pid}")), pid)
        replaced, target = _exe_replaced(ev.get(_cmd(f"qemu-exe-{pid}")))
        out.append(
            QemuProcess(
                pid,
                user,
                "",
                False,
                None,
                binary_replaced=replaced,
                label=label,
                binary=binary,
                executable=target,
                replaced_libraries=_replaced_libraries(ev.get(_cmd(f"qemu-maps-{pid}"))),
            )
        )
    return Fact.of(tuple(out), *processes.sources)


def _qemu_label(got: Got, pid: int) -> str | None:
    """The LSM label of a QEMU process from `grep -a -H "" /proc/<pid>/attr/current
    /proc/<pid>/attr/apparmor/current`: AppArmor's own file where the kernel has it (with LSM
    stacking attr/current may be another module's: aa-unconfined reads only attr/apparmor/current
    when it exists, AppArmor merge request 801), else attr/current; the NUL that ends an SELinux
    context dropped. None when neither was read (grep exits 2 for the file a kernel lacks)."""
    if got.state != "ok":
        return None
    found: dict[str, str] = {}
    for line in got.text.splitlines():
        path, colon, value = line.partition(":")
        value = value.replace("\0", "").strip()
        if colon and value:
            found.setdefault(path, value)
    for path in (f"/proc/{pid}/attr/apparmor/current", f"/proc/{pid}/attr/current"):
        if path in found:
            return found[path]
    return None


def _json_list(g: Got) -> Fact[list[dict[str, Any]]]:
    if g.rc != 0:
        return Fact.failed(f"exited {g.rc}: {g.reason[:200]}", g.source)
    try:
        data = json.loads(g.text or "[]")
    except ValueError:
        return Fact.failed("invalid JSON", g.source)
    return Fact.of(
        [d for d in data if isinstance(d, dict)] if isinstance(data, list) else [], g.source
    )


def _sysfs_pairs(g: Got, prefix: str, middle: str | None) -> Fact[dict[str, str]]:
    """`find` output of <prefix><key>/[<middle>/]<PCI address> as {PCI address: key}."""
    if g.state != "ok" or g.rc != 0:
        return Fact.unavailable(
            f"{g.source.artefact}: {g.reason or f'exited {g.rc}'}"[:200], g.source
        )
    out: dict[str, str] = {}
    for line in g.text.splitlines():
        if not line.startswith(prefix):
            continue
        parts = line[len(prefix) :].split("/")
        if middle is not None and (len(parts) != 3 or parts[1] != middle):
            continue
        if middle is None and len(parts) != 2:
            continue
        out[parts[-1].lower()] = parts[0]
    return Fact.of(out, g.source)


PCI_CLASS_LINE = re.compile(
    r"^/sys/bus/pci/devices/([0-9a-fA-F]{4,}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7])/class:"
    r"(0x[0-9a-fA-F]{6})$"
)


def _pci_classes(g: Got) -> Fact[dict[str, int]]:
    """`grep -H` output of /sys/bus/pci/devices/<address>/class (`0x060400`) as {address: class}.
    A line of another shape is skipped (its device counts as of unknown class)."""
    if g.state != "ok" or g.rc != 0:
        return Fact.unavailable(
            f"{g.source.artefact}: {g.reason or f'exited {g.rc}'}"[:200], g.source
        )
    out: dict[str, int] = {}
    for line in g.text.splitlines():
        m = PCI_CLASS_LINE.match(line.strip())
        if m:
            out[m.group(1).lower()] = int(m.group(2), 16)
    return Fact.of(out, g.source)


def _sriov_vfs(
    links: Fact[list[dict[str, Any]]],
) -> Fact[tuple[tuple[str, int, str, bool | None, bool | None], ...]]:
    """Every SR-IOV VF as its physical function reports it (`ip -d link`: vfinfo_list)."""
    if not links.known:
        return Fact(links.state, None, links.sources, links.reason)
    out = []
    for link in links.get():
        for vf in link.get("vfinfo_list") or ():
            if not isinstance(vf, dict):
                continue
            spoof, trust = vf.get("spoofchk"), vf.get("trust")
            out.append(
                (
                    str(link.get("ifname", "")),
                    int(vf.get("vf", -1)) if digits(str(vf.get("vf", ""))) else -1,
                    str(vf.get("address", "")).lower(),
                    spoof if isinstance(spoof, bool) else None,
                    trust if isinstance(trust, bool) else None,
                )
            )
    return Fact.of(tuple(out), *links.sources)


def _masters(
    links: Fact[list[dict[str, Any]]], kinds: tuple[str, ...], skip: tuple[str, ...] = ()
) -> Fact[dict[str, tuple[str, ...]]]:
    if not links.known:
        return links  # type: ignore[return-value]
    items = links.get()
    masters: dict[str, list[str]] = {
        str(d.get("ifname")): []
        for d in items
        if (d.get("linkinfo") or {}).get("info_kind") in kinds and d.get("ifname") not in skip
    }
    for d in items:
        if d.get("master") in masters:
            masters[str(d["master"])].append(str(d.get("ifname")))
    return Fact.of({k: tuple(v) for k, v in masters.items()}, *links.sources)


def _datapath_ports(links: Fact[list[dict[str, Any]]]) -> Fact[tuple[str, ...]]:
    """The interfaces whose master is ovs-system, Open vSwitch's datapath: each netdev port (a
    VM's tap, a NIC) of an OVS bridge (Linux net/openvswitch/vport-netdev.c ovs_netdev_link:
    `netdev_master_upper_dev_link(vport->dev, get_dpdev(vport->dp), ...)`)."""
    if not links.known:
        return links  # type: ignore[return-value]
    return Fact.of(
        tuple(
            sorted({str(d.get("ifname")) for d in links.get() if d.get("master") == "ovs-system"})
        ),
        *links.sources,
    )


#: The names of VM ports on a Linux bridge: libvirt's generated tap names, "vnet" and a digit
#: (virnetdev.h VIR_NET_GENERATED_VNET_PREFIX, "Used for prefix of ifname of any tap device
#: name generated dynamically by libvirt"), and Proxmox VE's tap<vmid>i<n> and, with its
#: firewall, the veth fwpr<vmid>p<n> (pve-common PVE/Network.pm $compute_fwbr_names: `my
#: $vethfwpeer = "fwpr${vmid}p${devid}"`); read with `find_string`.
VM_PORT_NAME = re.compile(r"vnet[0-9]+|tap[0-9]+i[0-9]+|fwpr[0-9]+p[0-9]+")

#: The link kinds of a bridge port that is a local endpoint, not an uplink: a veth (the host
#: end of a container's or namespace's interface; Proxmox VE names a container's
#: veth<vmid>i<n>), a tun/tap some process holds, a dummy.
FOREIGN_PORT_KINDS = ("veth", "tun", "dummy")


def _port_isolation(links: Fact[list[dict[str, Any]]]) -> Fact[dict[str, bool]]:
    """Linux bridge port -> the isolated flag `ip -j -d link` prints for it (iproute2
    iplink_bridge_slave.c `print_on_off(PRINT_ANY, "isolated", ...)` of IFLA_BRPORT_ISOLATED),
    where it prints one; the kernel forwards between two ports only where not both carry it
    (net/bridge/br_private.h br_skb_isolated: "return true if both source port and dest port
    are isolated"), whatever the definition that plugged the port says (R33N-3)."""
    if not links.known:
        return links  # type: ignore[return-value]
    out: dict[str, bool] = {}
    for d in links.get():
        info = d.get("linkinfo") or {}
        flag = (info.get("info_slave_data") or {}).get("isolated")
        if info.get("info_slave_kind") == "bridge" and isinstance(flag, bool):
            out[str(d.get("ifname"))] = flag
    return Fact.of(out, *links.sources)


def _macvtap_modes(links: Fact[list[dict[str, Any]]]) -> Fact[dict[str, str]]:
    """macvtap or macvlan device -> the mode `ip -j -d link` prints for it (iproute2
    iplink_macvlan.c macvlan_print_opt: `print_string(PRINT_ANY, "mode", ...)`, one of private,
    vepa, bridge, passthru, source). The kernel lets the mode change on a live device
    (drivers/net/macvlan.c macvlan_changelink: only passthru "can't be set or cleared
    dynamically"), so the device's mode, not the definition that created it, decides (R33N-4)."""
    if not links.known:
        return links  # type: ignore[return-value]
    out: dict[str, str] = {}
    for d in links.get():
        info = d.get("linkinfo") or {}
        mode = (info.get("info_data") or {}).get("mode")
        if info.get("info_kind") in ("macvtap", "macvlan") and isinstance(mode, str):
            out[str(d.get("ifname"))] = mode
    return Fact.of(out, *links.sources)


def _container_veth(name: str, info: dict[str, Any]) -> bool:
    """Whether a port named as libvirt names a VM's tap (vnetN) is the host end of a veth pair:
    libvirt names every veth it creates so too (src/util/virnetdevveth.c virNetDevVethCreate:
    `virNetDevGenerateName(veth1, VIR_NET_DEV_GEN_NAME_VNET)`, a libvirt LXC container's
    interface), while a QEMU VM's port is a tap, kind tun (virnetdevtap.c virNetDevTapCreate
    opens /dev/net/tun). Proxmox VE's firewall veth fwpr<vmid>p<n> is a VM's (R33N-5)."""
    return name.startswith("vnet") and info.get("info_kind") == "veth"


def _foreign_ports(links: Fact[list[dict[str, Any]]]) -> Fact[dict[str, tuple[str, ...]]]:
    """Linux bridge -> its ports of a FOREIGN_PORT_KINDS kind not named as a VM's port
    (VM_PORT_NAME) and not isolated (`ip -j -d link` linkinfo info_slave_data "isolated",
    iproute2 iplink_bridge_slave.c: `print_on_off(PRINT_ANY, "isolated", ...)` of
    IFLA_BRPORT_ISOLATED). Isolated ports "can still communicate with non-isolated ports" (Linux
    commit 7d850abd5f4e): such a port talks to every isolated VM of its bridge (VL16-4)."""
    if not links.known:
        return links  # type: ignore[return-value]
    items = links.get()
    out: dict[str, list[str]] = {
        str(d.get("ifname")): []
        for d in items
        if (d.get("linkinfo") or {}).get("info_kind") == "bridge"
    }
    for d in items:
        info = d.get("linkinfo") or {}
        name = str(d.get("ifname"))
        if (
            d.get("master") in out
            and info.get("info_kind") in FOREIGN_PORT_KINDS
            and (not VM_PORT_NAME.fullmatch(name) or _container_veth(name, info))
            and (info.get("info_slave_data") or {}).get("isolated") is not True
        ):
            out[str(d["master"])].append(f"{name} ({info.get('info_kind')})")
    return Fact.of({k: tuple(v) for k, v in out.items()}, *links.sources)


def _ovs_bridges(
    g: Got, *, bonds: bool = False, datapath: bool = False
) -> Fact[dict[str, tuple[str, ...]]]:
    """Open vSwitch bridge -> its interfaces, from the three `ovs-vsctl --format=json list`
    tables (Bridge name/ports, Port _uuid/name/interfaces, Interface _uuid/name/type) joined on
    their uuids; a set of one element is the element itself (RFC 7047 <set>). With `bonds`: bond
    port -> its interfaces, the ports with two or more (ovs-vswitchd.conf.db(5), Port table: "A
    port that has more than one interface is a 'bonded port'"); none without Open vSwitch. With
    `datapath` (ovs-system, the datapath ovs-vswitchd creates, is in the link list), ovs-vsctl
    not found leaves the bonds unread, never none (R51S-3)."""
    if g.state == "absent":
        if bonds and datapath:
            return Fact.unavailable(
                f"ovs-vsctl was not found ({g.reason or 'absent'}), though Open vSwitch's "
                "datapath (ovs-system) is up: its bond ports are unread",
                g.source,
            )
        if bonds:
            return Fact.of({}, Source(g.source.artefact, "ovs-vsctl is not installed"))
        return Fact.unavailable("ovs-vsctl is not installed", g.source)
    if g.state != "ok":
        # HostEvidence.result: ovs-vsctl(8) EXIT STATUS (openvswitch/ovs utilities/
        # ovs-vsctl.8.in): 0 "Successful program execution", 1 an error, 2 only for
        # br-exists, so any other exit leaves the tables unread; the reason names it (R49S-1)
        return Fact.unavailable(f"ovs-vsctl failed ({g.reason or g.state})", g.source)

    def uuids(value: Any) -> list[str]:
        if isinstance(value, list) and value[:1] == ["uuid"] and len(value) == 2:
            return [str(value[1])]
        if isinstance(value, list) and value[:1] == ["set"] and len(value) == 2:
            return [u for v in value[1] if isinstance(v, list) for u in uuids(v)]
        return []

    tables: list[list[Any]] = []
    for line in g.text.splitlines():
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if isinstance(obj, dict) and isinstance(obj.get("data"), list):
            tables.append(obj["data"])
    if len(tables) != 3:
        return Fact.unavailable("ovs-vsctl printed no Bridge, Port and Interface tables", g.source)
    bridges, ports, ifaces = tables
    names = {
        uuids(row[0])[0]: str(row[1])
        for row in ifaces
        if isinstance(row, list) and len(row) >= 2 and uuids(row[0])
    }
    port_ifaces = {
        uuids(row[0])[0]: [names.get(u, u) for u in uuids(row[2])]
        for row in ports
        if isinstance(row, list) and len(row) >= 3 and uuids(row[0])
    }
    if bonds:
        port_names = {
            uuids(row[0])[0]: str(row[1])
            for row in ports
            if isinstance(row, list) and len(row) >= 3 and uuids(row[0])
        }
        return Fact.of(
            {port_names[p]: tuple(i) for p, i in port_ifaces.items() if len(i) >= 2}, g.source
        )
    return Fact.of(
        {
            str(row[0]): tuple(i for p in uuids(row[1]) for i in port_ifaces.get(p, []))
            for row in bridges
            if isinstance(row, list) and len(row) >= 2
        },
        g.source,
    )


def _addresses(g: Got) -> Fact[dict[str, tuple[str, ...]]]:
    parsed = _json_list(g)
    if not parsed.known:
        return parsed  # type: ignore[return-value]
    out = {}
    for d in parsed.get():
        addrs = tuple(
            str(a.get("local")) for a in d.get("addr_info", []) if a.get("scope") == "global"
        )
        out[str(d.get("ifname"))] = addrs
    return Fact.of(out, g.source)


def _host_names(
    ev: HostEvidence, addresses: Fact[dict[str, tuple[str, ...]]]
) -> Fact[tuple[str, ...]]:
    """The names this host answers to: the kernel's host name (gethostname(2)), the FQDN the
    resolver gives it (hostname(1) --fqdn), and every name hosts(5) maps to a loopback address
    or to one of the host's own addresses ("IP_address canonical_hostname [aliases...]")."""
    if ev.missing is not None:
        return ev.missing
    names: list[str] = []
    sources: list[Source] = []
    kernel = ev.get(_file("/proc/sys/kernel/hostname"))
    if kernel.state == "ok" and _first(kernel):
        names.append(_first(kernel))
        sources.append(kernel.source)
    fqdn = ev.get(_cmd("hostname-fqdn"))
    if fqdn.state == "ok" and fqdn.rc == 0 and _first(fqdn):
        names.append(_first(fqdn))
        sources.append(fqdn.source)
    own = {
        a.split("/", 1)[0].lower()
        for addrs in (addresses.get().values() if addresses.known else ())
        for a in addrs
    }
    hosts = ev.get(_file("/etc/hosts"))
    if hosts.state == "ok":
        sources.append(hosts.source)
        for line in hosts.text.splitlines():
            fields = line.split("#", 1)[0].split()
            if len(fields) < 2:
                continue
            try:
                addr = ipaddress.ip_address(fields[0])
            except ValueError:
                continue
            if addr.is_loopback or str(addr).lower() in own:
                names.extend(fields[1:])
    if not names and not sources:
        return Fact.unavailable("neither the host name nor /etc/hosts was read")
    return Fact.of(tuple(dict.fromkeys(n.lower().rstrip(".") for n in names)), *sources)


def _monitoring(packages: Fact[dict[str, str]], processes: Fact[str]) -> Fact[tuple[str, ...]]:
    if not packages.known and not processes.known:
        return packages  # type: ignore[return-value]
    found: set[str] = set()
    if packages.known:
        found.update(p for p in packages.get() if p in MONITORING_TOOLS)
    if processes.known:
        text = processes.get()
        found.update(t for t in MONITORING_TOOLS if re.search(rf"/{re.escape(t)}\b", text))
    return Fact.of(tuple(sorted(found)), *packages.sources, *processes.sources)


def _read_conf(
    ev: HostEvidence, path: str
) -> Fact[dict[str, object]] | tuple[Got, dict[str, ConfValue], dict[str, int]]:
    """A libvirt configuration file read and parsed (an absent one is empty: every key keeps
    its default), or the Fact that says why it could not be."""
    if ev.missing is not None:
        return ev.missing
    got = ev.get(_file(path))
    if got.state == "failed":
        return Fact.failed(f"{path}: {got.reason}", got.source)
    if got.state not in ("ok", "absent"):
        return Fact.unavailable(f"{path}: {got.reason}", got.source)
    try:
        values, lines = parse_conf(got.text, path) if got.state == "ok" else ({}, {})
    except InputError as exc:
        return Fact.failed(str(exc), got.source)
    return got, values, lines


def _conf(
    ev: HostEvidence, path: str, lh: LibvirtHost, prefix: str, daemon: str | None
) -> Fact[dict[str, object]]:
    read = _read_conf(ev, path)
    if isinstance(read, Fact):
        return read
    got, values, lines = read
    refused = (
        daemon_conf_refused(daemon, values, lines, path)
        if daemon
        else qemu_conf_refused(values, lines, path)
    )
    if refused:
        # a value of a type libvirt does not read stops the qemu driver (R24H-1) or the
        # daemon (R24D-1): what the file says is no daemon's setting, never a pass
        return Fact.failed(refused, got.source)
    lh.conf_present[prefix] = got.state == "ok"
    effective, defaulted = (
        effective_daemon_conf(daemon, values) if daemon else effective_qemu_conf(values)
    )
    for key in effective:
        if key in lines and key not in defaulted:
            lh.conf_sources[f"{prefix}.{key}"] = Source(
                got.source.artefact, f"line {lines[key]}: {key}"
            )
        else:
            lh.conf_sources[f"{prefix}.{key}"] = Source(got.source.artefact, key, default=True)
    return Fact.of(effective, got.source)


#: virtlogd's default maximum size of a log file before it rolls over: libvirt
#: src/logging/log_daemon_config.c virLogDaemonConfigNew `max_size = 1024 * 1024 * 2`, and
#: virtlogd.conf's comment "Maximum file size before rolling over. Defaults to 2 MB".
VIRTLOGD_MAX_SIZE = 2 * 1024 * 1024


def _virtlogd_conf(ev: HostEvidence, lh: LibvirtHost) -> Fact[dict[str, object]]:
    """virtlogd.conf's max_size (log_daemon_config.c reads it with virConfGetValueSizeT and no
    range check; virrotatingfile.c rolls a file over only `if (file->maxlen != 0)`)."""
    path = "/etc/libvirt/virtlogd.conf"
    read = _read_conf(ev, path)
    if isinstance(read, Fact):
        return read
    got, values, lines = read
    size = values.get("max_size", VIRTLOGD_MAX_SIZE)
    at = f"line {lines['max_size']}: max_size" if "max_size" in lines else "max_size"
    lh.conf_sources["virtlogd.conf.max_size"] = Source(
        got.source.artefact, at, default="max_size" not in lines
    )
    return Fact.of({"max_size": size}, got.source)


def kernel_bool(value: str) -> bool | None:
    """A kernel command-line value as lib/kstrtox.c kstrtobool reads it, None where it refuses
    it (-EINVAL: the parameter keeps its value). kernel/params.c param_set_bool hands a bool
    parameter's value to it (a bare name is "1"). Only the first character counts: y, Y, t, T
    or 1 true, n, N, f, F or 0 false, o or O then n/N true and f/F false (read with
    `find_string`). t, T, f and F are Linux 5.19's (the 2022 patch "add "false"/"true" support
    to kstrtobool()"); an older kernel refuses them, so a caller that asks whether a word may
    turn a protection off (or may have set one on) reads them, one that asks whether a later
    word surely replaces an earlier one does not (hvaudit.checks._nextboot._mode). The one
    reader of the parser and the checks (R34B-2, R34B-4)."""
    first, second = value[:1], value[1:2]
    if first in ("y", "Y", "t", "T", "1"):
        return True
    if first in ("n", "N", "f", "F", "0"):
        return False
    if first in ("o", "O") and second in ("n", "N"):
        return True
    if first in ("o", "O") and second in ("f", "F"):
        return False
    return None


def _kernel_bool(value: str) -> bool:
    """A kernel bool parameter's value that kernel_bool reads true (R34B-4: `ON`, `on1`)."""
    return kernel_bool(value.strip()) is True


def _sysctl_key(raw: str) -> str:
    """A sysctl.d key in its `/` form: systemd's sysctl_normalize (src/shared/sysctl-util.c)
    swaps dots and slashes when the first separator is a dot, then path_simplify drops empty
    and `.` components and the leading slash."""
    first = re.search(r"[./]", raw)
    if first and first.group() == ".":
        raw = raw[: first.start()] + raw[first.start() :].translate(str.maketrans("./", "/."))
    return "/".join(p for p in raw.split("/") if p not in ("", "."))


def _sysctl_assignments(path: str, lines: Iterable[str]) -> Iterator[SysctlSetting]:
    """A sysctl.d file's assignments as systemd-sysctl's parse_line reads them (src/sysctl/
    sysctl.c, systemd HEAD read with `find_string`): blank lines and lines starting with `#` or
    `;` are skipped (conf_file_read), `-` before the key only keeps a failed write quiet, and a
    `-key` line without `=` keeps the key out of the globs."""
    for raw in lines:
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        key, eq, value = line.partition("=")
        if key.startswith("-"):
            key = key[1:]
        elif not eq:
            continue  # "Line is not an assignment, ignoring"
        yield SysctlSetting(_sysctl_key(key.strip()), value.strip() if eq else None, path, line)


def _sysctl_order(settings: Iterable[SysctlSetting]) -> tuple[SysctlSetting, ...]:
    """parse_line's ordered hashmap: an assignment of a key already held with the same value
    changes nothing, with another value it replaces the held one and goes to the end."""
    held: dict[str, SysctlSetting] = {}
    for s in settings:
        old = held.get(s.key)
        if old is not None and old.value == s.value:
            continue
        held.pop(s.key, None)
        held[s.key] = s
    return tuple(held.values())


def _found_files(
    ev: HostEvidence, probe: str, what: str, is_path: Callable[[str], bool]
) -> Fact[dict[str, list[str]]]:
    """The files of a `find ... -print -exec grep -H '' {} ;` probe, each path (a line
    `is_path` takes) to its lines, in the order printed. find exits 1 for the directories a
    host does not have ("No such file or directory"), grep writes any file it could not read to
    the same stream: any other complaint makes the whole answer unavailable."""
    got = ev.get(_cmd(probe))
    if got.state == "uncollected":
        return Fact.unavailable(f"{_cmd(probe)} was not collected")
    errors = [
        e
        for e in got.reason.splitlines()
        if "No such file or directory" not in e and "Is a directory" not in e
    ]
    if got.state != "ok" or got.rc not in (0, 1) or errors:
        why = (errors[0] if errors else got.reason) or (
            f"exited {got.rc}" if got.state == "ok" else got.state
        )
        return Fact.unavailable(f"{what} could not be read ({why})", got.source)
    files: dict[str, list[str]] = {}
    current = ""
    for line in got.text.splitlines():
        if current and line.startswith(current + ":"):
            files[current].append(line[len(current) + 1 :])
        elif is_path(line):
            current = line
            files.setdefault(current, [])
    return Fact.of(files, got.source)


def _sysctl_d(ev: HostEvidence) -> Fact[SysctlD]:
    """sysctl.d's files as systemd-sysctl reads them at boot (sysctl.d(5) "CONFIGURATION
    DIRECTORIES AND PRECEDENCE": a file in /etc hides the files of its name in /run and /usr,
    an empty file or a link to /dev/null masks them, all are read in the lexical order of their
    names whatever their directory; conf-files.c conf_files_list_strv, SYSCTL_D). The probe
    prints each file's path before its lines (`find -L ... -print -exec grep -H`)."""
    found = _found_files(
        ev, "sysctl-d", "sysctl.d", lambda line: line.endswith(".conf") and line.startswith("/")
    )
    if not found.known:
        return Fact.unavailable(found.reason, *found.sources)
    files = found.get()
    chosen: dict[str, str] = {}
    for root in SYSCTL_D:
        for path in files:
            name = path.rsplit("/", 1)[-1]
            if path == f"{root}/{name}" and not name.startswith(".") and name not in chosen:
                chosen[name] = path
    settings = _sysctl_order(
        a for name in sorted(chosen) for a in _sysctl_assignments(chosen[name], files[chosen[name]])
    )
    conf = files.get(SYSCTL_CONF, [])
    linked = any(files[p] == conf for p in chosen.values())
    unlinked = () if linked else _sysctl_order(_sysctl_assignments(SYSCTL_CONF, conf))
    cmdline: list[SysctlSetting] = []
    boot = ev.get(_file("/proc/cmdline"))
    for word in _cmdline_words(boot.text) if boot.state == "ok" else ():
        if word == "--":
            break  # parse_args stops there: the rest is init's
        name, eq, value = word.partition("=")
        if name.startswith(('"sysctl.', '"sysctl/')):
            name = name[1:]
        if name.startswith(("sysctl.", "sysctl/")) and eq and value.strip('"'):
            cmdline.append(
                SysctlSetting(
                    name[7:].replace(".", "/"),
                    value.strip('"'),
                    "/proc/cmdline",
                    word,
                )
            )
    return Fact.of(SysctlD(settings, unlinked, tuple(cmdline)), *found.sources)


_GRUB_VARS = (
    "GRUB_CMDLINE_LINUX",
    "GRUB_CMDLINE_LINUX_DEFAULT",
    "GRUB_CMDLINE_LINUX_XEN_REPLACE",
    "GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT",
    "GRUB_CMDLINE_LINUX_RECOVERY",
)
_GRUB_ASSIGN = re.compile(
    r"^(?:export\s+)?(GRUB_CMDLINE_LINUX(?:_DEFAULT|_XEN_REPLACE|_XEN_REPLACE_DEFAULT|_RECOVERY)?)"
    r"(\+?)=(.*)$"
)


def _sh_value(text: str, env: dict[str, str]) -> str | None:
    """The value of a simple shell assignment's right-hand side (`'...'`, `"..."` with `$VAR`
    or `${VAR}` of the GRUB_CMDLINE_* variables, bare words), a `#` comment after a blank
    dropped; None for anything else (command substitution, another variable, a second word)."""
    out, i, n = [], 0, len(text)

    def var(j: int) -> tuple[str, int] | None:
        m = re.match(r"\$(?:\{(\w+)\}|(\w+))", text[j:])
        if not m or (m.group(1) or m.group(2)) not in _GRUB_VARS:
            return None
        return env.get(m.group(1) or m.group(2), ""), j + m.end()

    while i < n and text[i] not in " \t":
        c = text[i]
        if c == "'":
            end = text.find("'", i + 1)
            if end < 0:
                return None
            out.append(text[i + 1 : end])
            i = end + 1
        elif c == '"':
            i += 1
            while i < n and text[i] != '"':
                if text[i] == "\\" and i + 1 < n and text[i + 1] in '$`"\\':
                    # sh: inside double quotes a backslash escapes $ ` " and itself (R22B-4)
                    out.append(text[i + 1])
                    i += 2
                    continue
                if text[i] in "`\\":
                    return None
                if text[i] == "$":
                    got = var(i)
                    if got is None:
                        return None
                    out.append(got[0])
                    i = got[1]
                else:
                    out.append(text[i])
                    i += 1
            if i >= n:
                return None
            i += 1
        elif c == "$":
            got = var(i)
            if got is None:
                return None
            out.append(got[0])
            i = got[1]
        elif c in "`\\;&|<>()":
            return None
        else:
            out.append(c)
            i += 1
    rest = text[i:].strip()
    return "".join(out) if not rest or rest.startswith("#") else None


def _boot_cmdline_files(ev: HostEvidence) -> Fact[dict[str, list[str]]]:
    """The files the boot-cmdline probe read (path -> lines): GRUB's defaults, /etc/kernel/
    cmdline and the Boot Loader Specification entries."""
    return _found_files(
        ev,
        "boot-cmdline",
        "the next boot's kernel command line",
        lambda line: line.startswith("/") and ":" not in line,
    )


def _grub_default_files(files: dict[str, list[str]]) -> list[str]:
    """/etc/default/grub, then /etc/default/grub.d/*.cfg in the shell's glob order: the order
    grub-mkconfig sources them, so a later assignment stands."""
    return [p for p in files if p == "/etc/default/grub"] + sorted(
        p for p in files if p.startswith("/etc/default/grub.d/") and p.endswith(".cfg")
    )


def _grub_defaults(files: dict[str, list[str]]) -> tuple[BootCmdline, ...] | None:
    """GRUB_CMDLINE_LINUX and GRUB_CMDLINE_LINUX_DEFAULT as grub-mkconfig leaves them: it sources
    /etc/default/grub, then each /etc/default/grub.d/*.cfg in the shell's glob order (GRUB
    util/grub-mkconfig.in as Debian and Ubuntu ship it), a later assignment replacing an
    earlier one, and 10_linux puts both on a normal entry's `linux` line (util/grub.d/
    10_linux.in linux_entry with "${GRUB_CMDLINE_LINUX} ${GRUB_CMDLINE_LINUX_DEFAULT}"; the
    recovery entry has _LINUX only). grub-mkconfig runs under /bin/sh: an assignment this
    reader cannot evaluate (a `+=`, which dash does not take, a command substitution, a
    condition) leaves the line unsettled. GRUB_CMDLINE_LINUX_RECOVERY is read for the
    assignments that name it, but no normal entry takes it (10_linux.in: `linux_entry "${OS}"
    "${version}" recovery "${GRUB_CMDLINE_LINUX_RECOVERY} ${GRUB_CMDLINE_LINUX}"` only, R23K-2).
    None where no such file exists. Where
    GRUB_CMDLINE_LINUX_XEN_REPLACE(_DEFAULT) is set, 20_linux_xen's entries boot dom0 with it
    in place of _LINUX (_DEFAULT): a second source, "... (Xen entries)" (R23B-3)."""
    paths = _grub_default_files(files)
    if not paths:
        return None
    env: dict[str, str] = {}
    origin: dict[str, list[tuple[str, str]]] = {}
    # R40B-3: the variables whose words end GRUB's `linux` command (a `#` comment, a `;`)
    ends: dict[str, bool] = {}
    # R41B-1: GRUB's variables in them, from grubenv or not read (_grub_expand's why)
    genv = _grubenv(files)
    unread: dict[str, str] = {}
    opened: dict[str, str] = {}
    for path in paths:
        for raw, _, body in _sh_lines(_sh_paired(files[path])):
            if body == SH_CHILD_SHELL:
                continue  # R52B-3: a child shell's assignment never reaches grub-mkconfig's
            line = raw.strip()
            if body and "GRUB_CMDLINE_LINUX" in raw:
                # R51B-1: an assignment in a multi-line body (a condition's, a function's, a
                # subshell's, a command substitution's, a here-document's) may run or not, or
                # in a child shell: which value grub-mkconfig's 10_linux takes is not read
                name = re.findall(r"GRUB_CMDLINE_LINUX\w*", raw)[0]
                return (
                    BootCmdline(
                        ", ".join(paths), None, f"{path} sets {name} {body}: `{line[:80]}`"
                    ),
                )
            if re.match(r"(?:\.|source)\s+\S", line):
                # R48B-4: `. FILE` runs a file the probe does not collect (grub-mkconfig.in
                # sources only /etc/default/grub and /etc/default/grub.d/*.cfg), which may set
                # the variables: the line is unsettled (R48B-3's GRUB_DEFAULT alike)
                return (
                    BootCmdline(
                        ", ".join(paths),
                        None,
                        f"{path} sources a file not collected, which may set GRUB_CMDLINE_LINUX "
                        f"and GRUB_CMDLINE_LINUX_DEFAULT: `{line[:80]}`",
                    ),
                )
            if not line or line.startswith("#") or "GRUB_CMDLINE_LINUX" not in line:
                continue
            m = _GRUB_ASSIGN.match(line)
            value = _sh_value(m.group(3), env) if m and not m.group(2) else None
            if m and m.group(1) == "GRUB_CMDLINE_LINUX_RECOVERY" and value is None:
                # R23K-2: only the recovery entries take it; unread, it unsettles a line only
                # where an assignment names it (the NUL stands for the value not read)
                env[m.group(1)] = "\0"
                continue
            if value is not None and "\0" in value:
                value = None
            if m is None or value is None:
                name = m.group(1) if m else re.findall(r"GRUB_CMDLINE_LINUX\w*", line)[0]
                return (
                    BootCmdline(", ".join(paths), None, f"{path} sets {name} as `{line[:80]}`"),
                )
            # a word the variable had keeps the file it came from, a new one is this file's
            had = dict(origin.get(m.group(1), []))
            # R40B-1: the words as GRUB's lexer and `linux` hand them to the kernel; R41B-1:
            # a GRUB variable in them (`\\$extra` in the file) is expanded at boot
            args, ends[m.group(1)] = _grub_lex(value)
            got, unread[m.group(1)], opened[m.group(1)] = _grub_expand(
                args, genv, path, _grub_scripts(files), split=_grubenv_split(files)
            )
            origin[m.group(1)] = [
                (w, had.get(w, path) if where == path else where)
                for a, where in got
                for w in _cmdline_words(_grub_loader_text([a]))
            ]
            env[m.group(1)] = value

    def taken(*names: str) -> list[str]:
        # 10_linux puts the variables on one `linux` line in this order: one whose words end
        # GRUB's command leaves the later ones off the kernel's line (R40B-3)
        out: list[str] = []
        for name in names:
            out.append(name)
            if ends.get(name):
                break
        return out

    def line_of(*names: str) -> list[tuple[str, str]]:
        return [pair for name in taken(*names) for pair in origin.get(name, [])]

    def why_of(*names: str) -> str:
        return "; ".join(dict.fromkeys(unread[n] for n in taken(*names) if unread.get(n)))

    def opened_of(*names: str) -> str:
        return "; ".join(dict.fromkeys(opened[n] for n in taken(*names) if opened.get(n)))

    words = line_of("GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT")
    linux = BootCmdline(
        ", ".join(paths),
        tuple(_kernel_param(w) for w, _ in words),
        why_of("GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT"),
        origins=tuple(where for _, where in words),
        text=" ".join(w for w, _ in words),
        unsettled=opened_of("GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT"),
    )
    # R23B-3: util/grub.d/20_linux_xen.in, "Allow overriding GRUB_CMDLINE_LINUX and
    # GRUB_CMDLINE_LINUX_DEFAULT": `if [ "${GRUB_CMDLINE_LINUX_XEN_REPLACE}" ]; then
    # GRUB_CMDLINE_LINUX="${GRUB_CMDLINE_LINUX_XEN_REPLACE}"` (and _DEFAULT alike) for the
    # dom0 kernel of the Xen entries
    replace = {
        "GRUB_CMDLINE_LINUX": "GRUB_CMDLINE_LINUX_XEN_REPLACE",
        "GRUB_CMDLINE_LINUX_DEFAULT": "GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT",
    }
    if not any(env.get(rep) for rep in replace.values()):
        return (linux,)
    names = [rep if env.get(rep) else var for var, rep in replace.items()]
    xen = [w for w, _ in line_of(*names)]
    return (
        linux,
        BootCmdline(
            f"{', '.join(paths)} (Xen entries)",
            tuple(_kernel_param(w) for w in xen),
            why_of(*names),
            text=" ".join(xen),
            unsettled=opened_of(*names),
        ),
    )


def _kernel_cmdline_file(lines: list[str]) -> tuple[BootCmdline, ...]:
    """/etc/kernel/cmdline as its two readers take it (R23B-2). kernel-install joins every
    line, a `#` line too (systemd src/kernel-install/90-loaderentry.install.in: `BOOT_OPTIONS=
    "$(tr -s "$IFS" ' ' </etc/kernel/cmdline)"`, written to the entry's `options`);
    proxmox-boot-tool takes the first line only (proxmox-kernel-helper zz-proxmox-boot:
    `CMDLINE=$(get_first_line /etc/kernel/cmdline)`, whose get_first_line reads one line; both
    read with `read_file`). One source where the two agree (one line, not a comment), else
    each reader's as a source of its own: which of them makes the next boot's entry is the
    boot loader's (proxmox-boot-tool status), not read here."""
    path = "/etc/kernel/cmdline"
    # R40B-2: the entry's `options` (`tr -s "$IFS" ' '`) as systemd-boot and GRUB's blscfg
    # hand it to the kernel
    joined = " ".join(" ".join(lines).split())
    first = lines[0].strip() if lines else ""
    if not any(ln.strip() for ln in lines[1:]) and not first.startswith("#"):
        return _entry_lines(path, joined, _sd_boot_unquote(joined))
    pbt = f"{path} line 1 (proxmox-boot-tool)"
    return (
        *_entry_lines(f"{path} (kernel-install)", joined, _sd_boot_unquote(joined)),
        *(
            _entry_lines(pbt, first, _sd_boot_unquote(first))
            if first and not first.startswith("#")
            else (
                BootCmdline(
                    pbt, None, f"its first line, the one proxmox-boot-tool takes, is {first[:40]!r}"
                ),
            )
        ),
    )


def _entry_lines(source: str, options: str, sd: str) -> tuple[BootCmdline, ...]:
    """A Boot Loader Specification entry's line (`options`, as written) as the two boot loaders
    that read such entries hand it to the kernel (R40B-4): GRUB's blscfg puts it on the entry's
    `linux` command in its script (blscfg.c create_entry: `"linux %s%s%s%s\n"`, read with
    `find_string`), so GRUB's lexer reads it (_grub_text: `'mitigations=off'` is
    mitigations=off there, a `#` word comments out the rest), while systemd-boot hands it as
    written (`sd`, _sd_boot_unquote). One source where the kernel's words are the same, with
    both texts (libselinux reads the text: _selinux_lines); else one source per boot loader,
    which one boots the host not being read."""
    grub = _grub_text(options)
    grub_words = tuple(_kernel_param(w) for w in _cmdline_words(grub))
    sd_words = tuple(_kernel_param(w) for w in _cmdline_words(sd))
    if grub_words == sd_words:
        return (BootCmdline(source, sd_words, text=grub, verbatim=sd),)
    return (
        BootCmdline(f"{source} (booted by GRUB's blscfg)", grub_words, text=grub),
        BootCmdline(f"{source} (booted by systemd-boot)", sd_words, text=sd),
    )


def _sd_boot_unquote(value: str) -> str:
    """An entry's `options` value as systemd-boot passes it to the kernel (R40B-1): src/boot/
    boot.c line_get_key_value strips the line's white space and, where the value starts and
    the line ends with a double quote, drops those two (`/* unquote */ if (value[0] == '"' &&
    line[linelen - 1] == '"')`); config_entry_add_type1 joins an entry's `options` lines with
    one space and keeps every other quote (read with `find_string` and `read_file`)."""
    v = value.strip(" \t")
    return v[1:-1] if len(v) >= 2 and v.startswith('"') and v.endswith('"') else v


def _boot_cmdline(ev: HostEvidence) -> Fact[tuple[BootCmdline, ...]]:
    """The next boot's kernel command line, per place it is kept (R21B-1): GRUB's defaults
    (_grub_defaults), /etc/kernel/cmdline (kernel-install(8): "the kernel command line to pass
    to the kernel", read by proxmox-boot-tool for systemd-boot, pve-docs system-booting.adoc
    "Editing the Kernel Commandline"; _kernel_cmdline_file) and each Boot Loader Specification
    entry (/boot/loader/entries/*.conf and the ESP's, BLS_ENTRIES: its `options` lines, joined
    in order). Which of them
    the boot loader takes is not read here."""
    found = _boot_cmdline_files(ev)
    if not found.known:
        return Fact.unavailable(found.reason, *found.sources)
    files = found.get()
    out: list[BootCmdline] = []
    grub = _grub_defaults(files)
    if grub is not None:
        out.extend(grub)
    if "/etc/kernel/cmdline" in files:
        out.extend(_kernel_cmdline_file(files["/etc/kernel/cmdline"]))
    env = _grubenv(files)
    # R26B-4: the ESP's entries (/efi, /boot/efi) as well as /boot's
    for path in sorted(p for p in files if p.startswith(BLS_ENTRIES)):
        image = _bls_image(files[path])
        if image:
            out.append(
                BootCmdline(
                    f"{image} of {path}",
                    None,
                    "its .cmdline section, not the entry's options, is the line under Secure Boot",
                    embedded=True,
                )
            )
            continue
        opts = [
            ln.strip()[len("options") :]
            for ln in files[path]
            if ln.strip().startswith(("options ", "options\t"))
        ]
        text = " ".join(opts)
        if "$" in text:
            out.append(
                _bls_options(path, text, env, _grub_scripts(files), split=_grubenv_split(files))
            )
            continue
        out.extend(_entry_lines(path, text, " ".join(_sd_boot_unquote(o) for o in opts)))
    # R30B-3: GRUB's custom menu entries (40_custom, custom.cfg) boot their own `linux` line
    for path in sorted(p for p in files if p in GRUB_CUSTOM or p.startswith("/etc/grub.d/")):
        out.extend(
            _grub_custom_entries(
                path, files[path], env, _grub_scripts(files), split=_grubenv_split(files)
            )
        )
    out.extend(_boot_places_uncollected(ev, files))
    ukis = _boot_ukis(ev)
    out.extend(ukis)
    # R28B-3: the listing of the images is evidence of the question they raise
    uki_src = (ev.get(_cmd("boot-uki")).source,) if ukis else ()
    return Fact.of(tuple(out), *found.sources, *uki_src)


#: The custom.cfg files 41_custom has grub.cfg read at boot (`source ${config_directory}/
#: custom.cfg`, $config_directory being GRUB's $prefix: /boot/grub, /boot/grub2 on RHEL).
GRUB_CUSTOM = ("/boot/grub/custom.cfg", "/boot/grub2/custom.cfg")

#: GRUB's commands that load a Linux kernel with the rest of their line as its command line
#: (grub-core/loader/i386/linux.c `linux`, linux16; RHEL's linuxefi).
_GRUB_LINUX = frozenset({"linux", "linux16", "linuxefi"})


def _grub_custom_entries(
    path: str,
    lines: list[str],
    env: tuple[str, dict[str, str]] | None = None,
    scripts: str = "",
    *,
    split: bool = False,
) -> list[BootCmdline]:
    """The command line of each `linux` line of a custom GRUB menu (R30B-3), one source each:
    /etc/grub.d/40_custom is copied into grub.cfg as written after 10_linux's entries (util/
    grub.d/40_custom.in: `exec tail -n +3 $0`, "Simply type the menu entries you want to add
    after this comment"; *_custom alike), and grub.cfg sources custom.cfg at boot (41_custom:
    `source ${config_directory}/custom.cfg`); both read with `find_string`. Such an entry
    boots where GRUB_DEFAULT, saved_entry or next_entry name it, or from the menu; which one
    does is not read, so each is a source. The words after the kernel's path are its line; a
    word with a GRUB variable ($...) takes grubenv's value (`env`, _grub_expand), else is not
    read (the line is then partial)."""
    out: list[BootCmdline] = []
    for n, raw in enumerate(lines, 1):
        parts = raw.strip().split(None, 2)
        if len(parts) < 2 or parts[0] not in _GRUB_LINUX:
            continue
        # R40B-1: the words as GRUB's lexer and `linux` hand them to the kernel
        args = _grub_args(parts[2] if len(parts) > 2 else "")
        # R41B-1: its variables as GRUB expands them, grubenv's values
        got, why, opened = _grub_expand(args, env, f"{path} line {n}", scripts, split=split)
        text = _grub_loader_text([a for a, _ in got])
        known = tuple(_kernel_param(w) for w in _cmdline_words(text))
        origins = tuple(o for _, o in got)
        out.append(
            BootCmdline(
                f"{path} line {n}", known, why, origins=origins, text=text, unsettled=opened
            )
        )
    return out


def _bls_image(lines: list[str]) -> str:
    """The image a Type #1 entry boots that takes its line from itself (R29B-2), "" where it
    boots a `linux` kernel with its `options`: systemd-boot's boot_entry_add_type1 (src/boot/
    boot.c) makes an entry with `uki PATH` or `uki-url URL` a LOADER_UKI (LOADER_UKI_URL), and
    one with `efi PATH` (Boot Loader Specification: "an arbitrary EFI program") a LOADER_EFI,
    each passing `options` as the image's load options. A unified kernel image's stub takes
    them only where Secure Boot is off or the image has no .cmdline section (systemd src/boot/
    stub.c use_load_options: "We only allow custom command lines if we aren't in secure boot
    or if no cmdline was baked into the stub image"), and appends its add-ons' .cmdline
    (cmdline_append_and_measure_addons; systemd-stub(7): ESP/.../foo.efi.extra.d/*.addon.efi,
    ESP/loader/addons/*.addon.efi); all read with `find_string` and `read_file`. So the words
    the kernel gets are not the entry's."""
    for line in lines:
        key, _, value = line.strip().replace("\t", " ").partition(" ")
        if key in ("uki", "uki-url", "efi") and value.strip():
            what = "the EFI program" if key == "efi" else "the unified kernel image"
            return f"{what} {value.strip()[:80]}"
    return ""


def _boot_ukis(ev: HostEvidence) -> list[BootCmdline]:
    """The unified kernel images systemd-boot may boot (R28B-3), one source whose words are not
    known: systemd-stub(7) passes the kernel the image's own .cmdline PE section ("The kernel
    command line to pass to the invoked kernel"; a loader's is taken only where the image has
    none or Secure Boot is off), which hvaudit does not read. None where the probe was not
    collected or found none. Where `find` did not list the directories (R46S-2: exit 1 with
    "Permission denied" on an ESP mounted umask=0077, or a timeout), an image there is as
    unread as one listed: find(1) EXIT STATUS, "if the return value is non-zero, you should not
    rely on the correctness of the results of find"; a directory that does not exist ("No such
    file or directory") is an answer (_unanswered, as R24Q-4)."""
    got = ev.get(_cmd("boot-uki"))
    if got.state not in ("ok", "failed"):
        return []
    why = _unanswered(got, _no_such_file, answers=(0,), quiet_rc=1)
    if why:
        return [
            BootCmdline(
                f"any unified kernel image in {', '.join(UKI_DIRS)} (`find` could not list "
                f"them all: {why})",
                None,
                "its .cmdline section is not read",
                embedded=True,
            )
        ]
    images = [ln.strip() for ln in got.text.splitlines() if ln.strip().startswith("/")]
    if not images:
        return []
    shown = ", ".join(images[:4]) + (f" and {len(images) - 4} more" if len(images) > 4 else "")
    return [
        BootCmdline(
            f"the unified kernel image(s) {shown}",
            None,
            "its .cmdline section is not read",
            embedded=True,
        )
    ]


def _boot_places_uncollected(ev: HostEvidence, files: dict[str, list[str]]) -> list[BootCmdline]:
    """The places of the next boot's line that a bundle of an older hvaudit did not read
    (R27B-2), each a source whose words are not known (BootCmdline.uncollected): the probe's
    argv (the manifest's `origin`) lacks a place BOOT_CMDLINE names now. GRUB's environment
    block (R26B-1) counts where a Boot Loader Specification entry takes a variable from it
    (`options $kernelopts ...`), the EFI system partition's entries (R26B-4) where no GRUB
    defaults were read (a host with GRUB's defaults boots GRUB's menu; one without them, a
    systemd-boot host, may keep its only entries on the ESP at /efi or /boot/efi, which systemd
    src/shared/find-esp.c searches)."""
    entry = ev.bundle.entry(_cmd("boot-cmdline"))
    if entry is None or not entry.origin:
        return []
    argv = entry.origin.split()
    lacking = [p for p in BOOT_CMDLINE if p not in argv]
    out: list[BootCmdline] = []
    env = [p for p in lacking if p in GRUBENV]
    bls = [p for p in files if p.startswith(BLS_ENTRIES)]
    if env and any("$" in ln for p in bls for ln in files[p] if ln.strip().startswith("options")):
        out.append(
            BootCmdline(
                f"GRUB's environment block ({', '.join(env)})",
                None,
                "not collected: a bundle of an older hvaudit",
                uncollected=True,
            )
        )
    esp = [p for p in lacking if p + "/" in BLS_ENTRIES]
    if esp and not _grub_default_files(files):
        out.append(
            BootCmdline(
                f"the EFI system partition's loader entries ({', '.join(esp)})",
                None,
                "not collected: a bundle of an older hvaudit",
                uncollected=True,
            )
        )
    return out


#: Where the Boot Loader Specification entries are read: /boot (GRUB's blscfg, systemd-boot's
#: XBOOTLDR or an ESP mounted there) and the ESP at /efi or /boot/efi (systemd-boot, R26B-4).
BLS_ENTRIES = ("/boot/loader/entries/", "/efi/loader/entries/", "/boot/efi/loader/entries/")

#: GRUB's environment blocks as grub.cfg's `load_env` reads them ($prefix/grubenv: /boot/grub2
#: on RHEL and Fedora, where /boot/grub2/grubenv is the ESP's file or a link to it, /boot/grub
#: on Debian).
GRUBENV = ("/boot/grub2/grubenv", "/boot/grub/grubenv")


def _grubenv(files: dict[str, list[str]]) -> tuple[str, dict[str, str]] | None:
    """(path, variables) of GRUB's environment block (R26B-1): "# GRUB Environment Block",
    then one NAME=VALUE a line, "#" padding after them (grub-core/lib/envblk.c; grub-editenv
    escapes a backslash or newline in a value with a backslash, so a value with one is not
    read here). None where no block was collected, or two disagree (which one grub.cfg's
    $prefix names is not read)."""
    found: list[tuple[str, dict[str, str]]] = []
    for path in GRUBENV:
        if path not in files:
            continue
        env: dict[str, str] = {}
        for line in files[path]:
            if line.startswith("#") or "=" not in line:
                continue
            name, _, value = line.partition("=")
            env[name] = "\0" if "\\" in value else value
        found.append((path, env))
    if not found or any(env != found[0][1] for _, env in found[1:]):
        return None
    return found[0]


def _grubenv_split(files: dict[str, list[str]]) -> bool:
    """Two GRUB environment blocks were collected that differ (R42B-2): which one grub.cfg's
    $prefix names is not read, so no variable of theirs is known, not even known empty."""
    found = [p for p in GRUBENV if p in files]
    return len(found) > 1 and _grubenv(files) is None


def _grub_scripts(files: dict[str, list[str]]) -> str:
    """The text of the collected scripts grub-mkconfig runs into grub.cfg (/etc/grub.d/*) and
    of custom.cfg, which may set a GRUB variable after load_env (_grub_expand)."""
    return "\n".join(
        "\n".join(lines)
        for path, lines in files.items()
        if path in GRUB_CUSTOM or path.startswith("/etc/grub.d/")
    )


def _bls_options(
    path: str,
    text: str,
    env: tuple[str, dict[str, str]] | None,
    scripts: str = "",
    *,
    split: bool = False,
) -> BootCmdline:
    """A Boot Loader Specification entry's `options` with GRUB variables (R26B-1): RHEL 8's
    `options $kernelopts $tuned_params`. GRUB's blscfg puts the line on the entry's `linux`
    command, which expands each variable when the entry boots: `kernelopts` from grubenv
    (00_header's `load_env` runs first; 10_linux's `if [ -z "${kernelopts}" ]; then set
    kernelopts="root=... ${args}"` fallback only where grubenv has none; RHEL 8's documented
    way to change every entry's words is `grub2-editenv - set kernelopts="..."`),
    `tuned_params` and any other from grubenv too, or from grub.cfg (R41B-1, _grub_expand).
    The words grubenv gives are the entry's words; a variable it does not give leaves the
    rest unknown (partial)."""
    args, _ = _grub_lex(text)
    got, why, opened = _grub_expand(args, env, path, scripts, split=split)
    if not got:
        return BootCmdline(
            path, None, f"{path} takes its options from `{text.strip()[:60]}`", unsettled=opened
        )
    line = _grub_loader_text([a for a, _ in got])
    return BootCmdline(
        path,
        tuple(_kernel_param(w) for w in _cmdline_words(line)),
        why,
        origins=tuple(o for _, o in got),
        text=line,
        unsettled=opened,
    )


#: A GRUB argument that is one variable, `$NAME` or `${NAME}` (grub-core/script/yylex.l
#: VARIABLE), whose value GRUB splits into arguments (_grub_expand).
_GRUB_VAR = re.compile(r"\$(?:\{(\w+)\}|(\w+))")


def _grub_expand(
    args: list[tuple[str, bool]],
    env: tuple[str, dict[str, str]] | None,
    here: str,
    scripts: str = "",
    *,
    split: bool = False,
) -> tuple[list[tuple[str, str]], str, str]:
    """The arguments GRUB's `linux` gets from a line's (_grub_lex) arguments, each with the
    place it comes from, which words are not known ("" where all are) (R41B-1), and which of
    those may hold any word (R42B-1, BootCmdline.unsettled: "takes GRUB's variables in
    `ARGS`", "" where none). GRUB
    expands a variable at boot: grub-core/script/execute.c grub_script_arglist_to_argv takes
    an unquoted one's value from grub_script_env_get, split at blanks into arguments, its
    quotes not lexed again (read with `find_string`); grub.cfg's header (util/grub.d/
    00_header.in) runs `load_env` first, so every variable of GRUB's environment block
    (grubenv, collected) is set, and one it lacks is empty unless grub.cfg (not collected)
    sets it. grubenv's value stands for `kernelopts` (10_linux sets it only where empty);
    any other may be set again after load_env: tuned's /etc/grub.d/00_tuned writes `set
    tuned_params="..."` into grub.cfg after 00_header (grub.cfg as RHEL hosts have it, read
    with `find_string`), and tuned's bootloader plugin also writes it to grubenv (redhat-
    performance/tuned tuned/plugins/plugin_bootloader.py _bls_update: `grub2-editenv - set
    tuned_params=...`). So where a collected script of /etc/grub.d (or custom.cfg, `scripts`,
    their text) names the variable (`NAME=`), a weakening word from grubenv is known, not
    settled (the line is partial); a variable grubenv lacks, or one inside a larger argument,
    is not read (partial). Of these, a whole-argument variable grubenv (read) lacks and no
    collected script or custom.cfg names is known empty (GRUB expands an unset variable to
    nothing; grub.cfg may still set it: a team decision); one inside a larger argument
    (`mitigations=$m`: grub_script_arglist_to_argv appends the value's first piece to the
    argument and makes each later one its own argument), one a collected script or custom.cfg
    sets (GRUB's `set`, grub-core/kern/corecmd.c grub_core_cmd_set, after load_env) and a
    grubenv value not read (a backslash) may hold any word (R42B-1), as may every variable
    where two collected blocks differ (`split`, R42B-2: which one load_env reads is not
    known)."""
    out: list[tuple[str, str]] = []
    unknown: list[str] = []
    again: list[str] = []
    opened: list[str] = []
    for arg, var in args:
        if not var:
            out.append((arg, here))
            continue
        # R45B-3: `"$x"` (_grub_lex keeps its quotes): grub_script_env_get splits only an
        # unquoted variable's value (GRUB_SCRIPT_ARG_TYPE_VAR), a DQVAR's is one argument,
        # which `linux` quotes where it has a blank (grub_create_loader_cmdline), and the
        # kernel reads as one word (kernel/params.c next_arg)
        whole = len(arg) > 2 and arg[0] == arg[-1] == '"'
        m = _GRUB_VAR.fullmatch(arg[1:-1] if whole else arg)
        name = (m.group(1) or m.group(2)) if m else ""
        value = env[1].get(name) if env is not None and name else None
        if value is None or "\0" in value:
            unknown.append(arg)
            # R42B-1: only a whole-argument variable grubenv lacks and no collected script
            # sets is known empty (a team decision); any other may hold any word
            if not m or value is not None or split or re.search(rf"\b{name}=", scripts):
                opened.append(arg)
            continue
        if whole and env is not None and value:
            out.append((value, f"{env[0]}'s {name}"))
        else:
            out.extend((w, f"{env[0]}'s {name}") for w in value.split() if env is not None)
        if name != "kernelopts" and re.search(rf"\b{name}=", scripts):
            again.append(arg)
    why = []
    if unknown:
        why.append(f"the words of {' '.join(unknown)[:60]} are not read")
    if again:
        why.append(
            f"grub.cfg (not collected) may set {' '.join(dict.fromkeys(again))[:60]} again "
            "after load_env"
        )
    shown = f"takes GRUB's variables in `{' '.join(opened)[:60]}`" if opened else ""
    return out, "; ".join(why), shown


#: The end of the reason _sh_lines gives a line in a multi-line body whose commands run only
#: where a condition holds or a function is called, or in a child shell (R47B-6, R48B-3/7).
SH_CONDITION_BODY = "in a condition's body"

#: _sh_lines's why for a line a child shell runs whole: inside a subshell `( ... )` (a function
#: whose body is one, `f() (`, too) or a command substitution, opened before the line and closed
#: after it. Its assignments never reach grub-mkconfig's shell (POSIX Shell Command Language
#: 2.9.4.1 Grouping Commands, 2.6.3 Command Substitution; the bash manual's 3.7.3 Command
#: Execution Environment: "Command substitution, commands grouped with parentheses ... are
#: invoked in a subshell environment ... Changes made to the subshell environment cannot affect
#: the shell's execution environment", 3.2.5.3 Grouping Commands; read with `search`), so the
#: readers take it as absent, the earlier value standing (R52B-3, round 52's team decision). A
#: `{ ... }` body (a function's) may still run in the shell: asked.
SH_CHILD_SHELL = "in a child shell"
_SH_CHILD_GROUPS = ("(", "$(", "`")


#: A literal word as _sh_literal reads it: quoted or bare, expanding nothing.
_SH_LITERAL = r"""(?:'[^']*'|"[^"$`\\]*"|[^\s;&|()<>{}'"`$\\#])+"""

#: An `if` whose every branch is one assignment of the same variable (_sh_paired): the
#: condition, then each branch's name and value, `else` last.
_SH_PAIRED = re.compile(
    rf"if\s+(?:(?!\b(?:then|else|elif|fi)\b).)+?;\s*then\s+(?P<name>\w+)=(?P<first>{_SH_LITERAL})"
    rf"\s*;\s*(?P<rest>(?:elif\s+(?:(?!\b(?:then|else|elif|fi)\b).)+?;\s*then\s+\w+={_SH_LITERAL}"
    rf"\s*;\s*)*else\s+\w+={_SH_LITERAL})\s*;\s*fi\s*;?"
)


def _sh_paired(lines: list[str]) -> list[str]:
    """`lines` with each top-level `if ...; then A=X; [elif ...; then A=X;] else A=X; fi` (one line
    or several) whose every branch is one assignment of the same literal to the same variable
    given as that one assignment, `A=X` (a team decision, round 51): one branch runs whatever
    the conditions give, so the variable holds X after it (POSIX Shell Command Language 2.9.4.4
    The if Conditional Construct: the `else` compound-list runs where no condition held; a
    condition's own effect on it is replaced by the branch's assignment). An `if` without
    `else`, or one whose branches differ, is left as written (R47B-4/R47B-6's question)."""
    out: list[str] = []
    bodies = [body for _, _, body in _sh_lines(lines)]
    i = 0
    while i < len(lines):
        top = i == 0 or (not bodies[i - 1] and "<<" not in lines[i - 1])
        if top and re.match(r"\s*if\b", lines[i]):
            end = next((k for k in range(i, len(lines)) if not bodies[k]), None)
            if end is not None:
                code = "; ".join(
                    c.strip()
                    for c in (ln.split("#", 1)[0] for ln in lines[i : end + 1])
                    if c.strip()
                )
                code = re.sub(r"\b(then|else)\s*;\s*", r"\1 ", code)
                m = _SH_PAIRED.fullmatch(code.strip())
                said = m and {
                    (one.group(1), _sh_literal(one.group(2)))
                    for one in re.finditer(rf"(?:then|else)\s+(\w+)=({_SH_LITERAL})", code)
                }
                if m and said and len(said) == 1 and None not in next(iter(said)):
                    out.append(f"{m.group('name')}={m.group('first')}")
                    out.extend("" for _ in range(i + 1, end + 1))
                    i = end + 1
                    continue
        out.append(lines[i])
        i += 1
    return out


def _sh_lines(lines: list[str]) -> Iterator[tuple[str, str, str]]:
    """Each line of a file grub-mkconfig's /bin/sh sources, its code (before a `#`), and "" where
    it runs as grub-mkconfig's own command, else why it may not: inside a multi-line
    if/case/while/until/for body its commands run only where the condition holds (R47B-6), a
    function's body (`f() {` or `f()` then `{`) only where it is called, a `{ ...; }` group
    after `&&`/`||` only where the command before allows (R48B-3), a subshell's `( ... )` in a
    child shell whose assignments never reach the parent (R48B-7) (all SH_CONDITION_BODY); a
    command substitution `$( ... )` or `` `...` `` spanning lines runs in a subshell ("in a
    command substitution"), and a here-document's lines, up to its delimiter, are text that
    runs only where a command reading it runs them (`eval`, `sh`) ("in a here-document") (POSIX
    Shell Command Language 2.6.3 Command Substitution, 2.7.4 Here-Document, 2.9.4 Grouping
    Commands, 2.9.5 Function Definition Command) (R51B-1)."""
    depth = 0
    # the `{` groups, subshells and command substitutions open here, each whether its body may
    # not run as grub-mkconfig's own command, and the code line before
    groups: list[tuple[str, bool]] = []
    before = ""
    heredoc: tuple[str, bool] | None = None
    # R51B-4: a quote left open at a line's end: the lines up to its close are one word
    quoted = ""
    for line in lines:
        if quoted:
            # R51B-5: after a backslash-newline the line goes on the command before it
            why = "in a continued command" if quoted == "\\" else "in a quoted string"
            quoted = _sh_quote_open(line, "" if quoted == "\\" else quoted)
            yield line, line, why
            continue
        if heredoc is not None:
            if (line.lstrip("\t") if heredoc[1] else line).rstrip("\r") == heredoc[0]:
                heredoc = None
            yield line, line.split("#", 1)[0], "in a here-document"
            continue
        code = line.split("#", 1)[0]
        # R52B-3: a line a child shell runs whole (inside a subshell or a command substitution
        # that opened before it and closes after it)
        child = any(kind in _SH_CHILD_GROUPS for kind, _ in groups)
        if any(kind == "`" for kind, _ in groups):
            if len(re.findall(r"(?<!\\)`", code)) % 2:
                groups.pop()
            inside = child and any(kind in _SH_CHILD_GROUPS for kind, _ in groups)
            yield line, code, SH_CHILD_SHELL if inside else "in a command substitution"
            continue
        if re.match(r"\s*(?:if|case|while|until|for)\b", code) and not re.search(
            r"\b(?:fi|esac|done)\s*;?\s*$", code
        ):
            depth += 1
        elif re.match(r"\s*(?:fi|esac|done)\b", code):
            depth = max(0, depth - 1)
        subst = any(kind == "$(" for kind, _ in groups)
        if re.search(r"\{(?=\s|$)", code) and re.search(
            r"(?:^|[\s;&|)])\{(?=\s|$)(?!.*(?:^|[\s;])\})", code
        ):
            groups.append(
                (
                    "{",
                    bool(re.search(r"(?:&&|\|\||\(\s*\))\s*\{(?=\s|$)", code))
                    or (code.strip() == "{" and bool(re.search(r"\(\s*\)\s*$", before))),
                )
            )
        elif re.match(r"\s*\}", code) and groups and groups[-1][0] == "{":
            groups.pop()
        elif re.search(r"\$\((?![^()]*\))[^()]*$", code):
            groups.append(("$(", True))
        elif re.search(r"(?:^|[\s;&|])\(\s*$", code):
            groups.append(("(", True))
        elif groups and groups[-1][0] in ("(", "$(") and code.count(")") > code.count("("):
            groups.pop()
        elif len(re.findall(r"(?<!\\)`", code)) % 2:
            groups.append(("`", True))
        if code.strip():
            before = code
        if child and any(kind in _SH_CHILD_GROUPS for kind, _ in groups):
            yield line, code, SH_CHILD_SHELL
        elif subst or any(kind == "$(" for kind, _ in groups):
            yield line, code, "in a command substitution"
        else:
            yield line, code, SH_CONDITION_BODY if depth or any(c for _, c in groups) else ""
        # R52B-2: a `<<` inside an arithmetic expansion `$((1<<2))` is a shift, not a
        # here-document (POSIX Shell Command Language 2.6.4 Arithmetic Expansion: the
        # expression, C's operators with `<<` among them, as yash's POSIX test arith-p.sh
        # 'shift operators' runs `$((3<<2))`; read with `search`)
        m = re.search(r"<<(-?)\s*(['\"]?)([\w.-]+)\2", _SH_ARITH.sub("", code))
        if m:
            heredoc = (m.group(3), bool(m.group(1)))
        quoted = _sh_quote_open(line)


#: An arithmetic expansion, `$((EXPRESSION))`, with one level of parentheses inside (R52B-2).
_SH_ARITH = re.compile(r"\$\(\((?:[^()]|\([^()]*\))*\)\)")


def _sh_quote_open(line: str, quote: str = "") -> str:
    """The quote (' or ") a shell line leaves open at its end, `quote` being open at its start
    ("" none) (R51B-4): a newline inside quotes is part of the word (POSIX Shell Command
    Language 2.2.2 Single-Quotes, 2.2.3 Double-Quotes), so the lines up to the closing quote
    are no commands. Outside single quotes a backslash escapes the next character; a `#` at a
    word's start outside quotes starts a comment (2.3 Token Recognition). A backslash ending
    the line outside quotes is a line continuation (2.2.1 Escape Character: the newline is
    removed, the next line goes on this command, R51B-5): "\\" is returned."""
    i = 0
    while i < len(line):
        c = line[i]
        if quote == "'":
            quote = "" if c == "'" else quote
        elif c == "\\":
            if not quote and i + 1 >= len(line):
                return "\\"
            i += 1
        elif quote == '"':
            quote = "" if c == '"' else quote
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or line[i - 1] in " \t;&|()"):
            break
        i += 1
    return quote


def _grub_default_kernel(ev: HostEvidence) -> Fact[tuple[str, str, str]]:
    """The kernel release GRUB's default entry names (R25B-4) and what names it (R26B-2:
    GRUB_DEFAULT, grubenv's saved_entry for GRUB_DEFAULT=saved, or its next_entry), "" where
    it names none (0, an index, unset, saved without a grubenv), and the name itself. grub-mkconfig sources /etc/default/grub, then each
    /etc/default/grub.d/*.cfg, so the last assignment stands; 10_linux titles each entry
    "%s, with Linux %s" (recovery: "%s, with Linux %s (recovery mode)") and gives it the id
    `gnulinux-$version-$type-$boot_device_id` (GRUB util/grub.d/10_linux.in, read with
    `find_string`): GRUB_DEFAULT="Advanced options for Debian GNU/Linux>Debian GNU/Linux, with
    Linux 6.1.0-27-amd64" or "gnulinux-advanced-UUID>gnulinux-6.1.0-27-amd64-advanced-UUID"
    boots that kernel whichever is newer."""
    found = _boot_cmdline_files(ev)
    if not found.known:
        return Fact.unavailable(found.reason, *found.sources)
    files = found.get()
    paths = _grub_default_files(files)
    value = ""
    # R47B-4: the last assignment grub-mkconfig's /bin/sh may run but hvaudit does not evaluate:
    # a command substitution or another variable as its value, or an assignment behind a
    # condition or after another command on its line (`[ -e F ] && GRUB_DEFAULT=...`)
    unread = ""
    # R48B-1 (a team decision): the values GRUB_DEFAULT may hold at this point, unset read as
    # 0 (00_header.in: `if [ "x${GRUB_DEFAULT}" = "x" ] ; then GRUB_DEFAULT=0 ; fi`); a
    # conditional assignment of a literal one of them already is changes no entry, whether its
    # condition holds or not: only one that may change the entry is asked
    held = {"0"}
    for path in paths:
        for line, code, body in _sh_lines(_sh_paired(files[path])):
            if body == SH_CHILD_SHELL:
                continue  # R52B-3: a child shell's assignment never reaches grub-mkconfig's
            # R48B-3: `. FILE` / `source FILE` runs a file the probe does not collect (Debian's
            # grub-mkconfig sources only /etc/default/grub and /etc/default/grub.d/*.cfg, GRUB
            # util/grub-mkconfig.in), which may assign GRUB_DEFAULT
            if re.match(r"\s*(?:\.|source)\s+\S", code):
                unread = f"{path}: {line.strip()[:80]!r} (a file it sources, not collected)"
                held.add("\0")
            m = re.match(r"\s*(?:export\s+)?GRUB_DEFAULT=(.*)$", line)
            if m and not body:
                # R45B-4: as /bin/sh reads it (grub-mkconfig sources the file): a `#` after a
                # blank starts a comment, quotes go (_sh_value); else as written, unquoted
                read = _sh_value(m.group(1).strip(), {})
                value = m.group(1).strip() if read is None else read
                if read is None and len(value) > 1 and value[0] == value[-1] in "'\"":
                    value = value[1:-1]
                unread = (
                    f"{path}: {line.strip()[:80]!r}"
                    if read is None and re.search(r"\$[({\w]|`|[;&|]", m.group(1))
                    else ""
                )
                held = {"\0" if unread else value or "0"}
            else:
                for one in re.finditer(r"(?:^|[\s;&|({`])GRUB_DEFAULT=(?=(.*)$)", code):
                    said = _sh_literal(one.group(1))
                    if said is None or (said or "0") not in held:
                        unread = f"{path}: {line.strip()[:80]!r}" + (f" ({body})" if body else "")
                        held.add("\0" if said is None else said or "0")
    what = "GRUB_DEFAULT"
    # R26B-2: grub.cfg's header (util/grub.d/00_header.in) loads grubenv, then `if [
    # "${next_entry}" ] ; then set default="${next_entry}" ... else set default=
    # "${GRUB_DEFAULT}"`, GRUB_DEFAULT=saved written as '${saved_entry}': grub-reboot's
    # next_entry is the next boot's entry whatever GRUB_DEFAULT says, saved_entry (written by
    # grub-set-default, grubby --set-default, or the kernel's install on RHEL) that of
    # GRUB_DEFAULT=saved
    env = _grubenv(files)
    if env is None and _grubenv_split(files):
        # R43B-1: two blocks that differ (R42B-2): which one grub.cfg's load_env reads ($prefix)
        # is not read, so where the entry each block names differs the default is not known
        named = {
            _grub_env_default(block, value)[0]
            for block in (_grubenv({p: files[p]}) for p in GRUBENV if p in files)
            if block is not None
        }
        if any("\0" in n for n in named):
            # R44B-2: a block's entry holds a backslash (not read, _grubenv)
            return Fact.unavailable(
                f"{GRUBENV_DEFAULT_UNREAD} (in {' or '.join(p for p in GRUBENV if p in files)})",
                *found.sources,
            )
        if len(named) > 1:
            return Fact.unavailable(
                GRUBENV_SPLIT_DEFAULT
                + f" ({' and '.join(p for p in GRUBENV if p in files)} name "
                + ", ".join(repr(n) for n in sorted(named))
                + "): which one grub.cfg's load_env reads is not read",
                *found.sources,
            )
    if env is not None:
        value, what = _grub_env_default(env, value)
        if "\0" in value:
            # R44B-2: grub-editenv escapes a backslash in a value with one (grub-core/lib/
            # envblk.c grub_envblk_set), which _grubenv does not read: the entry is not known
            return Fact.unavailable(f"{GRUBENV_DEFAULT_UNREAD} ({what})", *found.sources)
    m = re.search(r"with Linux ([^\s>()'\"]+)", value) or re.search(
        r"gnulinux-([^>]+?)-(?:advanced|recovery|simple|init-[^>-]+)-", value
    )
    if (
        unread
        and what == "GRUB_DEFAULT"
        and (
            not m
            or unread.endswith(
                (f"({SH_CONDITION_BODY})", "substitution)", "here-document)", "string)", "command)")
            )
        )
    ):
        # R47B-4: which entry that assignment makes the default is not known; grubenv's
        # next_entry, where set, overrides it (00_header.in, R26B-2)
        return Fact.unavailable(
            f"{GRUB_DEFAULT_SHELL} ({unread}): which entry it names is not read",
            *found.sources,
        )
    if m and value.startswith("gnulinux-") and ">" not in value and _grub_submenu(files, paths):
        # R45B-6: 10_linux's id of a versioned entry without its submenu's: 10_linux puts the
        # entry in "Advanced options" (`submenu ... $menuentry_id_option 'gnulinux-advanced-
        # ID'`) and rewrites only an old title (title_correction_code), and get_entry_number
        # matches only the menu shown: no top-level entry has it, the first (newest) boots
        return Fact.of(("", what, value), *found.sources)
    if m:
        return Fact.of((m.group(1), what, value), *found.sources)
    custom = _custom_entry_kernel(files, value)
    if custom is not None and not custom[1]:
        return Fact.unavailable(
            f"{GRUB_DEFAULT_UNREAD} ({what} names the custom entry {value[:80]!r} of "
            f"{custom[0]}, which boots {custom[2][:80]!r}): which kernel that is is not read",
            *found.sources,
        )
    if custom is not None:
        return Fact.of((custom[1], what, value), *found.sources)
    bls = _bls_entry_kernel(files, value)
    if bls is not None and not bls[0]:
        # R47B-3: an entry with no `version` whose image names no release (R44B-1's custom
        # entry alike): the kernel it boots is not read
        return Fact.unavailable(
            f"{GRUB_DEFAULT_UNREAD} ({what} names the Boot Loader Specification entry "
            f"{value[:80]!r}, which boots {bls[1][:80] or 'no linux image'!r}): which kernel "
            "that is is not read",
            *found.sources,
        )
    first = _grub_default_path(value)[0]
    if (
        bls is None
        and value not in ("", "saved")
        and not re.fullmatch(r"[0-9]+(?:>[0-9]+)*", value)
        and not _grub_linux_own(first, _grub_distributor(files, paths))
        # blscfg's id of a Boot Loader Specification entry (MACHINE-ID-RELEASE, _bls_entry_
        # kernel): those files are collected, so an id none has is no entry (R26B-2)
        and not re.fullmatch(r"[0-9a-f]{32}-\S+", value)
        # a custom entry's name, at the top or inside a submenu (there GRUB boots its first
        # entry, R45B-1): a collected file defines it
        and not _custom_named(_custom_menu(files), first)
    ):
        # R46B-1: a name no collected file defines: an entry of 30_os-prober or of another
        # /etc/grub.d generator (only *_custom is collected), or a title no generator writes,
        # where GRUB boots its first entry (menu.c get_and_remove_first_entry_number returns -1,
        # run_menu falls back to entry 0): which it is is not read; _grub_default_older asks it
        # where an older kernel is installed
        return Fact.unavailable(
            f"{GRUB_DEFAULT_UNFOUND} ({what} names {value[:80]!r}; the GRUB generators other "
            "than 10_linux and *_custom are not collected)",
            *found.sources,
        )
    return Fact.of((bls[0] if bls else "", what, value), *found.sources)


def _sh_literal(text: str) -> str | None:
    """The value a shell assignment's right-hand side `text` gives where it is one literal word
    (quoted or not, _sh_value) ended by a blank, `;`, `&`, `|`, `)` or `}` (the rest of its
    line another command: `GRUB_DEFAULT=2; fi`); None where the word expands anything (`$`, a
    backquote, a backslash) or cannot be read."""
    m = re.match(r"""(?:'[^']*'|"[^"$`\\]*"|[^\s;&|()<>{}'"`$\\#])*""", text)
    if m is None or re.match(r"[^\s;&|)}]", text[m.end() :]):
        return None
    return _sh_value(m.group(0), {}) if m.group(0) else ""


#: The start of _grub_default_kernel's reason where GRUB_DEFAULT is set by shell code hvaudit does
#: not evaluate (R47B-4); HVA-180 asks it where an older kernel is installed (R44B-4's question).
GRUB_DEFAULT_SHELL = "GRUB_DEFAULT is set by shell code hvaudit does not evaluate"

#: The start of _grub_default_kernel's reason where GRUB's default names an entry defined in no
#: collected file (R46B-1); HVA-180 asks it where an older kernel is installed.
GRUB_DEFAULT_UNFOUND = "GRUB's default names a menu entry no collected file defines"


def _custom_named(nodes: list[_GrubMenuNode], name: str) -> bool:
    """Whether a custom menu node in `nodes`, or inside one of their submenus, has `name`."""
    return any(name in n.names or _custom_named(n.inside, name) for n in nodes)


def _grub_linux_own(name: str, distributor: str | None = None) -> bool:
    """Whether `name` (the first part of GRUB's default path) is 10_linux's unversioned entry or
    its submenu (R46B-1), both starting the newest kernel: the entry titled $OS with the id
    'gnulinux-simple-$boot_device_id', the submenu "Advanced options for $OS" with
    'gnulinux-advanced-$boot_device_id', $OS being "GNU/Linux" without GRUB_DISTRIBUTOR, else
    "$GRUB_DISTRIBUTOR GNU/Linux" (Ubuntu's 10_linux: Ubuntu or Kubuntu alone) (GRUB util/
    grub.d/10_linux.in linux_entry and its submenu line, read with `find_string`). Where
    GRUB's defaults give GRUB_DISTRIBUTOR a value read (`distributor`), only that $OS is
    10_linux's (R47B-5): "Old GNU/Linux" under GRUB_DISTRIBUTOR="Proxmox VE" is another
    generator's entry; where it is not read (Debian's `lsb_release -i -s` substitution) or not
    assigned, any "X GNU/Linux" is taken as 10_linux's."""
    if name.startswith(("gnulinux-simple-", "gnulinux-advanced-")):
        return True
    title = name.removeprefix("Advanced options for ")
    if distributor is not None:
        own = distributor if distributor in ("Ubuntu", "Kubuntu") else f"{distributor} GNU/Linux"
        return title == (own if distributor else "GNU/Linux")
    return title in ("GNU/Linux", "Ubuntu", "Kubuntu") or title.endswith(" GNU/Linux")


def _grub_distributor(files: dict[str, list[str]], paths: list[str]) -> str | None:
    """GRUB_DISTRIBUTOR as grub-mkconfig's /bin/sh leaves it after sourcing GRUB's defaults (the
    last assignment stands, _sh_value), None where it is not assigned or its value is not read
    (a command substitution) (R47B-5)."""
    value: str | None = None
    for path in paths:
        for line, _, body in _sh_lines(files[path]):
            if body == SH_CHILD_SHELL:
                continue  # R52B-3
            m = re.match(r"\s*(?:export\s+)?GRUB_DISTRIBUTOR=(.*)$", line)
            if m and not body:
                value = _sh_value(m.group(1).strip(), {})
            elif re.search(r"(?:^|[\s;&|({`])GRUB_DISTRIBUTOR=", line.split("#", 1)[0]):
                value = None
    return value


def _grub_submenu(files: dict[str, list[str]], paths: list[str]) -> bool:
    """Whether 10_linux puts its versioned entries in its "Advanced options" submenu (R45B-6):
    unless GRUB_DISABLE_SUBMENU, the last assignment of GRUB's defaults, is y (util/grub.d/
    10_linux.in `[ "x${GRUB_DISABLE_SUBMENU}" != xy ]`; GRUB 2.12 takes yes and true too, read
    with `find_string`); a value not read may disable it (False)."""
    value: str | None = ""
    for path in paths:
        for line, code, body in _sh_lines(files[path]):
            if body == SH_CHILD_SHELL:
                continue  # R52B-3
            m = re.match(r"\s*(?:export\s+)?GRUB_DISABLE_SUBMENU=(.*)$", line)
            if m and not body:
                value = _sh_value(m.group(1).strip(), {})
            elif re.search(r"(?:^|[\s;&|({`])GRUB_DISABLE_SUBMENU=", code):
                # R51B-1: behind a condition or in a body (_sh_lines): may disable it
                value = None
    return value is not None and value.strip().lower() not in ("y", "yes", "true")


#: The start of _grub_default_kernel's reason where GRUB's default is a custom menu entry whose
#: kernel image names no release (R44B-1); HVA-180 asks it.
GRUB_DEFAULT_UNREAD = "GRUB's default entry boots a kernel image whose release is not read"

#: menuentry's options that take a value (grub-core/commands/menuentry.c options[]: --class,
#: --users, --hotkey, --source, --id "Menu entry identifier").
_MENUENTRY_VALUED = frozenset({"--class", "--users", "--hotkey", "--source", "--id"})


def _menuentry_names(text: str) -> list[str]:
    """A `menuentry` line's title (its first argument that is no option) and its `--id`: an
    entry copied from grub.cfg gives it as `$menuentry_id_option 'ID'`, which 00_header sets to
    "--id" where GRUB has the feature (util/grub.d/00_header.in: `if [ x"${feature_menuentry_id}"
    = xy ]; then menuentry_id_option="--id"`; R44B-5)."""
    args = [
        "--id" if a in ("$menuentry_id_option", "${menuentry_id_option}") else a
        for a, _ in _grub_args(text)
    ]
    names: list[str] = []
    title = False
    for i, arg in enumerate(args):
        if i and args[i - 1] in _MENUENTRY_VALUED:
            if args[i - 1] == "--id":
                names.append(arg)
        elif arg.startswith("--id="):
            names.append(arg[len("--id=") :])
        elif not arg.startswith("--") and not title:
            names.append(arg)
            title = True
    return names


def _grub_default_path(value: str) -> list[str]:
    """GRUB's default split at each '>' into the names it matches menu by menu (R45B-1): grub-
    core/normal/menu.c menuentry_eq ends a name at a '>' and reads '>>' as one '>' in it, and
    grub_menu_execute_entry, entering a submenu, makes the rest after that '>' the submenu's
    `default`."""
    return [part.replace("\0", ">") for part in value.replace(">>", "\0").split(">")]


@dataclass
class _GrubMenuNode:
    """A custom GRUB `menuentry` (image: the one its first `linux` line boots, "" where none)
    or `submenu` (image None, its nodes in `inside`), with its title and `--id`s (R45B-1)."""

    path: str
    names: list[str]
    image: str | None
    inside: list[_GrubMenuNode] = dataclasses.field(default_factory=list)


def _custom_menu(files: dict[str, list[str]]) -> list[_GrubMenuNode]:
    """The custom GRUB menu's top-level nodes (40_custom and the other /etc/grub.d/*_custom,
    copied into grub.cfg in their order, custom.cfg where 41_custom has grub.cfg `source` it;
    R30B-3), each submenu holding its own (R45B-1)."""

    def order(path: str) -> str:
        return "41_custom" if path in GRUB_CUSTOM else path.rsplit("/", 1)[-1]

    top: list[_GrubMenuNode] = []
    for path in sorted(
        (p for p in files if p in GRUB_CUSTOM or p.startswith("/etc/grub.d/")), key=order
    ):
        # the open blocks: a node for a menuentry or submenu, None for another `{` (a function)
        stack: list[_GrubMenuNode | None] = []
        for raw in files[path]:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            word = line.split(None, 1)[0]
            inner = next((n for n in reversed(stack) if n is not None), None)
            if word in ("menuentry", "submenu"):
                node = _GrubMenuNode(
                    path,
                    _menuentry_names(line[len(word) :].rstrip().removesuffix("{")),
                    None if word == "submenu" else "",
                )
                (inner.inside if inner is not None else top).append(node)
                stack.append(node)
            elif line.startswith("}"):
                if stack:
                    stack.pop()
            elif line.endswith("{"):
                stack.append(None)
            elif inner is not None and inner.image == "" and word in _GRUB_LINUX:
                parts = line.split()
                if len(parts) > 1:
                    inner.image = parts[1]
    return top


def _custom_entry_kernel(files: dict[str, list[str]], name: str) -> tuple[str, str, str] | None:
    """(file, kernel release, image) of the custom GRUB menu entry (40_custom, custom.cfg;
    R30B-3) GRUB's default `name` selects (R44B-1), the release "" where the image is not
    /boot's vmlinuz-RELEASE (/vmlinuz.old, Debian's link to the previous kernel); None where
    no such entry. GRUB picks the default entry by its id or its title (grub-core/normal/
    menu.c menuentry_eq, Peter Jones's "Fix menu entry selection based on ID and title"), and
    such an entry boots the image of its own `linux` line. R45B-1: a name 'SUBMENU>ENTRY'
    walks into a submenu (_grub_default_path); one that stops at a submenu boots its first
    entry (run_menu: a `default` that names none of the submenu's entries falls back to the
    first); an entry inside a submenu is not matched by its bare name at the top
    (get_entry_number reads only the menu being shown)."""
    if not name:
        return None
    node: _GrubMenuNode | None = None
    for part in _grub_default_path(name):
        level = node.inside if node is not None else _custom_menu(files)
        found = next((n for n in level if part in n.names), None)
        if found is None and node is None:
            # not a custom top-level entry: 10_linux's, or none (GRUB's first entry)
            return None
        if found is None:
            # a name none of the submenu's entries has: its first entry (run_menu)
            break
        node = found
        if node.image is not None:
            # an entry: GRUB boots it, whatever the path names after it
            break
    while node is not None and node.image is None:
        node = node.inside[0] if node.inside else None
    if node is None or not node.image:
        return None
    base = node.image.rsplit("/", 1)[-1]
    release = _kernel_release(base.removeprefix("vmlinuz-")) if base.startswith("vmlinuz-") else ""
    return node.path, release, node.image


def _kernel_release(name: str) -> str:
    """`name` where it is a kernel release, else "" (R47B-3): the kernel's release string is
    VERSION.PATCHLEVEL.SUBLEVEL, then EXTRAVERSION and the local version (the kernel's Makefile,
    `make kernelrelease`; uname -r), so it starts with two numbers and a dot between them:
    /boot/vmlinuz-pinned, a copy named by hand, tells no release."""
    return name if re.match(r"[0-9]+\.[0-9]+", name) else ""


#: The start of _grub_default_kernel's reason where two GRUB environment blocks differ in the
#: entry they make the default (R43B-1); HVA-180 asks it.
GRUBENV_SPLIT_DEFAULT = "two GRUB environment blocks differ in the default entry they give GRUB"


#: The start of _grub_default_kernel's reason where the GRUB environment block's next_entry (or
#: saved_entry for GRUB_DEFAULT=saved) holds a backslash, which is not read (R44B-2); HVA-180
#: asks it.
GRUBENV_DEFAULT_UNREAD = (
    "GRUB's environment block names the default entry in a value with a backslash, not read"
)


#: The start of _grub_default_older's reason where the host boots Boot Loader Specification
#: entries without GRUB's defaults (systemd-boot) and an older kernel is installed (R44B-3):
#: its default entry is not collected; HVA-180 asks it.
SDBOOT_DEFAULT_UNREAD = (
    "the boot loader's default entry (systemd-boot: loader.conf's default, the "
    "LoaderEntryDefault EFI variable) is not read"
)


def _grub_env_default(env: tuple[str, dict[str, str]], value: str) -> tuple[str, str]:
    """(the default entry's name, what names it) where GRUB's environment block `env` is the
    one grub.cfg loads and GRUB_DEFAULT is `value` (R26B-2, _grub_default_kernel)."""
    if env[1].get("next_entry"):
        return env[1]["next_entry"], f"{env[0]}'s next_entry (grub-reboot)"
    if value == "saved" and env[1].get("saved_entry"):
        return env[1]["saved_entry"], f"GRUB_DEFAULT=saved ({env[0]}'s saved_entry)"
    return value, "GRUB_DEFAULT"


def _bls_entry_kernel(files: dict[str, list[str]], name: str) -> tuple[str, str] | None:
    """The kernel release of the Boot Loader Specification entry GRUB's default names (R26B-2)
    and the image it boots: GRUB's blscfg makes a menu entry of each /boot/loader/entries/
    ID.conf with the id ID (the file's name without .conf; RHEL and Fedora name it MACHINE-ID-
    RELEASE and put that in saved_entry) and the entry's `title` (grub-core/commands/blscfg.c,
    menuentry_eq matches either), booting its `linux` image; the release is its `version`,
    else the image's vmlinuz-RELEASE name (_bls_version), "" where neither tells it (R47B-3);
    None where no entry has the name (R46B-1)."""
    if not name:
        return None
    for path in sorted(p for p in files if p.startswith("/boot/loader/entries/")):
        keys: dict[str, str] = {}
        for line in files[path]:
            key, _, val = line.strip().partition(" ")
            keys.setdefault(key, val.strip())
        stem = path.rsplit("/", 1)[-1].removesuffix(".conf")
        if name not in (stem, keys.get("title")):
            continue
        return _bls_version(files[path]), keys.get("linux", "")
    return None


def _bls_version(lines: list[str]) -> str:
    """The kernel release a Type #1 entry boots (R45B-2): its `version`, else its `linux` image's
    vmlinuz-RELEASE name or kernel-install's ENTRY-TOKEN/RELEASE/linux path; "" where it boots
    no `linux` kernel (`uki`, `efi`: _bls_image) or names none."""
    if _bls_image(lines):
        return ""
    keys: dict[str, str] = {}
    for line in lines:
        key, _, val = line.strip().replace("\t", " ").partition(" ")
        keys.setdefault(key, val.strip())
    if keys.get("version"):
        return _kernel_release(keys["version"])
    image = keys.get("linux", "").split("/")
    if image[-1].startswith("vmlinuz-"):
        return _kernel_release(image[-1].removeprefix("vmlinuz-"))
    return _kernel_release(image[-2]) if len(image) > 2 and image[-1] == "linux" else ""


#: The start of _grub_default_older's reason where the boot loader's files were not read and an
#: older kernel is installed (R44B-4); HVA-180 asks it.
BOOT_DEFAULT_UNKNOWN = "which entry the boot loader starts next is not known"


def _older_kernels(ev: HostEvidence) -> tuple[str, list[str]] | None:
    """(the running kernel, the kernels of its flavour in /boot older than it, newest first),
    None where either was not read."""
    rel = ev.get(_file("/proc/sys/kernel/osrelease"))
    boot = ev.get(_cmd("boot-kernels"))
    if rel.state != "ok" or not _first(rel) or boot.state != "ok":
        return None
    running = _first(rel)
    flavour, mine = _kernel_release_key(running)
    installed = {
        line.strip().rsplit("/", 1)[-1].removeprefix("vmlinuz-")
        for line in boot.text.splitlines()
        if line.strip().startswith("/boot/vmlinuz-")
    }
    older = sorted(
        (k for k in installed if (key := _kernel_release_key(k))[0] == flavour and key[1] < mine),
        key=lambda k: _kernel_release_key(k)[1],
        reverse=True,
    )
    if not older and _boot_listing_partial(boot):
        # R48S-4: an older kernel find did not list may be installed
        return None
    return running, older


def _older_build(release: str, running: str) -> bool:
    """Whether `release` is an older build of the running kernel's upstream version in another
    flavour (R45B-5): its numbers before the first letters (Debian's 6.1.0-27 of
    6.1.0-27-rt-amd64, Ubuntu's 6.8.0-40 of -lowlatency, RHEL's 5.14.0-427.13.1 of
    .el9_4.x86_64+debug) share the running one's first three (one upstream line) and are lower
    after them: a distribution builds every flavour of a line from one source package with
    one ABI number (packages.debian.org, source package linux-6.1: "The following binary
    packages are built from this source package", linux-headers-6.1.0-0.deb11.44-amd64,
    -cloud-amd64, -686-pae ...; read with `search`), so a lower ABI or release of another
    flavour lacks the fixes the running build carries. A backport's 6.1.0-0.deb11.N reads as
    6.1.0-0 and is not compared (no verdict from it)."""

    def numbers(r: str) -> tuple[int, ...]:
        head = re.match(r"[0-9.\-_]*", r)
        return tuple(int(x) for x in re.findall(r"\d+", head[0] if head else ""))

    theirs, mine = numbers(release), numbers(running)
    return len(theirs) > 3 and len(mine) > 3 and theirs[:3] == mine[:3] and theirs < mine


def _grub_default_older(ev: HostEvidence) -> Fact[tuple[str, ...]]:
    """(running, "", 'WHAT="POSITION"', the older kernels) where GRUB's default names a menu
    position other than 0 and an older kernel of the running kernel's flavour is installed
    (R26B-3: which kernel the position boots is not read, a question); (running, pinned, what
    names it) where GRUB_DEFAULT, grubenv's saved_entry for
    GRUB_DEFAULT=saved, or grubenv's next_entry (R26B-2) names (_grub_default_kernel) a kernel
    installed in
    /boot of the running kernel's flavour and older than it: after update-grub the next boot
    runs it, and the updates the running kernel carries are gone (R25B-4). A named kernel not
    in /boot has no entry: grub-core/normal/menu.c get_and_remove_first_entry_number matches
    `default` against each entry's title or id (menuentry_eq) and returns -1 where none
    matches, and the menu then starts at its first entry (read with `find_string`)."""
    got = _grub_default_kernel(ev)
    if not got.known and not got.reason.startswith(
        (GRUBENV_SPLIT_DEFAULT, GRUB_DEFAULT_UNREAD, GRUBENV_DEFAULT_UNREAD)
    ):
        # R44B-4: the boot loader's files not read (the probe failed, or a bundle without
        # it): where an older kernel is installed, the default may boot it
        kernels = _older_kernels(ev)
        if kernels is not None and kernels[1] and got.reason.startswith(GRUB_DEFAULT_UNFOUND):
            # R46B-1: the entry may be one an uncollected generator writes for the older kernel
            return Fact.unavailable(
                f"{got.reason[:-1]}; kernel {kernels[0]} runs; older kernels installed: "
                f"{', '.join(kernels[1])})",
                *got.sources,
            )
        if kernels is not None and kernels[1]:
            return Fact.unavailable(
                f"{BOOT_DEFAULT_UNKNOWN} ({got.reason}; kernel {kernels[0]} runs; older kernels "
                f"installed: {', '.join(kernels[1])})",
                *got.sources,
            )
        if kernels is not None:
            return Fact.of((), *got.sources)
    if not got.known:
        return Fact.unavailable(got.reason, *got.sources)
    named, what, value = got.get()
    pin = Fact.of(named, *got.sources)
    # R26B-3: a position in GRUB's menu ("2", "1>2": the submenu's third entry), which
    # grub-core/normal/menu.c get_and_remove_first_entry_number takes as an entry number (a
    # `>` enters a submenu); which kernel is there is grub.cfg's order (10_linux lists the
    # kernels newest first, each with its recovery entry unless GRUB_DISABLE_RECOVERY; blscfg
    # sorts the entries by version; other scripts add entries), not read here. Top-level 0 is
    # the newest kernel's entry.
    index = not named and bool(re.fullmatch(r"[0-9]+(?:>[0-9]+)*", value)) and value != "0"
    files = _boot_cmdline_files(ev)
    # R47B-2: systemd-boot boots each unified kernel image in EFI/Linux/ as a Type #2 entry
    # (R28B-3), a host booting only those has no Type #1 entry; their kernels may be the default
    esp = _esp_kernels(ev)
    sd_boot = (
        not named
        and files.known
        and not _grub_default_files(files.get())
        and (any(p.startswith(BLS_ENTRIES) for p in files.get()) or bool(esp))
    )
    if not pin.get() and not index and not sd_boot:
        return Fact.of((), *pin.sources)
    rel = ev.get(_file("/proc/sys/kernel/osrelease"))
    boot = ev.get(_cmd("boot-kernels"))
    if rel.state != "ok" or not _first(rel) or boot.state != "ok":
        return Fact.unavailable(
            f"{what} names {f'kernel {pin.get()}' if pin.get() else f'menu entry {value}'}, "
            "but the running kernel or /boot's kernels could not be read",
            *pin.sources,
            rel.source,
            boot.source,
        )
    running = _first(rel)
    installed = {
        line.strip().rsplit("/", 1)[-1].removeprefix("vmlinuz-")
        for line in boot.text.splitlines()
        if line.strip().startswith("/boot/vmlinuz-")
    }
    flavour, mine = _kernel_release_key(running)
    if sd_boot:
        # R45B-2: kernel-install keeps a systemd-boot host's kernels on the ESP (or XBOOTLDR) as
        # $BOOT/ENTRY-TOKEN/VERSION/linux, each with an entry naming `version VERSION` (systemd
        # src/kernel-install/90-loaderentry.install.in), none in /boot's vmlinuz-*: each entry's
        # kernel is one the default may boot
        installed |= {
            k
            for p in files.get()
            if p.startswith(BLS_ENTRIES)
            if (k := _bls_version(files.get()[p]))
        }
        # R47B-2: and each unified kernel image's (_esp_kernels: kernel-install's
        # EFI/Linux/ENTRY-TOKEN-VERSION.efi)
        installed |= set(esp)
    if index or sd_boot:
        # R26B-3: an older kernel the position may name, else nothing to ask
        older = sorted(
            (
                k
                for k in installed
                if (key := _kernel_release_key(k))[0] == flavour and key[1] < mine
            ),
            key=lambda k: _kernel_release_key(k)[1],
            reverse=True,
        )
        if older and sd_boot:
            # R44B-3: no GRUB defaults, Boot Loader Specification entries: systemd-boot picks
            # the default by loader.conf's `default` glob, overridden by the LoaderEntryDefault
            # EFI variable (bootctl set-default, the menu's choice) (loader.conf(5) "default"),
            # neither collected
            return Fact.unavailable(
                f"{SDBOOT_DEFAULT_UNREAD} (kernel {running} runs; older kernels installed: "
                f"{', '.join(older)})",
                *pin.sources,
                rel.source,
                boot.source,
            )
        if older and index:
            return Fact.of(
                (running, "", f'{what}="{value}"', ", ".join(older)),
                *pin.sources,
                rel.source,
                boot.source,
            )
        return Fact.of((), *pin.sources, rel.source, boot.source)
    theirs = _kernel_release_key(pin.get())
    if pin.get() in installed and (
        (theirs[0] == flavour and theirs[1] < mine) or _older_build(pin.get(), running)
    ):
        return Fact.of((running, pin.get(), what), *pin.sources, rel.source, boot.source)
    return Fact.of((), *pin.sources, rel.source, boot.source)


def _modprobe_files(ev: HostEvidence) -> Fact[tuple[tuple[str, tuple[str, ...]], ...]]:
    """modprobe.d's files in the order libkmod reads them, each (path, its lines with a '\\'
    continuation joined). modprobe.d(5): "Once a file of a given filename is loaded, any file
    of the same name in subsequent directories will be ignored. All configuration files are
    sorted in lexicographic order, regardless of the directory they reside in" (kmod
    conf_files_list). libkmod takes a file ending in .alias as well as .conf
    (libkmod-config.c conf_files_filter_out: `!streq(&fn[len - 5], ".conf") && !streq(&fn[len
    - 6], ".alias")` filters out the rest, read with `find_string`; kmod dropped .alias only in
    2024, Emil Velikov's "rm-alias" patch), so /etc/modprobe.d/vfio.alias applies on every kmod
    a stable distribution ships (R20H-8)."""
    got = ev.get(_cmd("modprobe-d"))
    if got.state == "uncollected":
        return Fact.unavailable(f"{_cmd('modprobe-d')} was not collected")
    # grep -r exits 2 for the directories a host does not have ("No such file or directory"),
    # and for a file it could not read, which leaves the options unknown
    errors = [e for e in got.reason.splitlines() if "No such file or directory" not in e]
    if got.state != "ok" or got.rc not in (0, 1, 2) or (got.rc == 2 and errors):
        why = (errors[0] if errors else got.reason) or got.state
        return Fact.unavailable(f"modprobe.d could not be read ({why})", got.source)
    chosen: dict[str, tuple[str, list[str]]] = {}
    files = _by_file(got.text)
    for root in MODPROBE_D:
        for path, lines in files.items():
            name = path.rsplit("/", 1)[-1]
            if (
                path == f"{root}/{name}"
                and name.endswith((".conf", ".alias"))
                and name not in chosen
            ):
                chosen[name] = (path, lines)
    out = []
    for name in sorted(chosen):
        path, lines = chosen[name]
        text = "\n".join(lines).replace("\\\n", " ")
        out.append((path, tuple(text.splitlines())))
    return Fact.of(tuple(out), got.source)


def _modprobe_options(ev: HostEvidence, module: str) -> Fact[tuple[tuple[str, str], ...]]:
    """The (file, option word) pairs modprobe.d's `options` lines give `module` at each load, in
    the order modprobe passes them (the files in `_modprobe_files`' order). modprobe.d(5):
    "options modulename option..." adds options "every time it is inserted into the kernel";
    module names take - or _ alike; '#' starts a comment line. The kernel command line's
    `module.option` words come after them (libkmod-config.c kmod_config_new parses /proc/cmdline
    last), an `install` command's own words after both (`_next_load_setting`)."""
    files = _modprobe_files(ev)
    if not files.known:
        return Fact.unavailable(files.reason, *files.sources)
    out: list[tuple[str, str]] = []
    for path, lines in files.get():
        for line in lines:
            words = line.split()
            if len(words) < 3 or words[0] != "options" or line.lstrip().startswith("#"):
                continue
            if words[1].replace("-", "_") == module:
                out.extend((path, w) for w in words[2:])
    return Fact.of(tuple(out), *files.sources)


#: modprobe's options that load the modules it names (kmod tools/modprobe.c cmdopts: -i
#: --ignore-install, -b --use-blacklist, -f --force, -q --quiet, -v --verbose, -s --syslog,
#: --first-time, --force-modversion, --force-vermagic); any other (-r, -n, -C DIR ...) leaves what
#: it does unread.
_MODPROBE_LOADING = frozenset(
    [
        "-i",
        "--ignore-install",
        "-b",
        "--use-blacklist",
        "-f",
        "--force",
        "-q",
        "--quiet",
        "-v",
        "--verbose",
        "-s",
        "--syslog",
        "--first-time",
        "--force-modversion",
        "--force-vermagic",
    ]
)
#: Commands that load nothing: `install MODULE /bin/true` (or false) is how a module is kept out.
_NO_LOAD = frozenset(
    ["true", "false", "/bin/true", "/bin/false", "/usr/bin/true", "/usr/bin/false", ":"]
)


def _modprobe_install(
    ev: HostEvidence, module: str
) -> Fact[tuple[str, str, tuple[str, ...] | None] | None]:
    """The `install` command modprobe runs instead of loading `module` (modprobe.d(5): "This
    command instructs modprobe to run your command instead of inserting the module in the kernel
    as normal. The command can be any shell command"; libkmod-module.c
    kmod_module_get_install_commands takes the first line whose name fnmatch()es the module's,
    "find only the first command, as modprobe from module-init-tools does"): (file, command,
    words) where words are what the command's own `modprobe [-i] MODULE WORDS...` gives the
    module after the options of modprobe.d and the kernel command line (the inner modprobe adds
    its command-line options to the configured ones, kmod_module_probe_insert_module
    module_options_concat), "$CMDLINE_OPTS" standing for those again (module_do_install_commands
    replaces it with them); words None when the command does not load the module (`/bin/true`,
    how a module is kept out). None when no install line names the module. Unavailable when the
    command does something else (a script, insmod, a sysfs write): what the module gets is not
    in the evidence. The common form is `install vfio_iommu_type1 /sbin/modprobe
    --ignore-install vfio_iommu_type1 allow_unsafe_interrupts=1`."""
    files = _modprobe_files(ev)
    if not files.known:
        return Fact.unavailable(files.reason, *files.sources)
    for path, lines in files.get():
        for line in lines:
            words = line.split(None, 2)
            if len(words) < 3 or words[0] != "install":
                continue
            if not fnmatch.fnmatchcase(module, words[1].replace("-", "_")):
                continue
            command = words[2].strip()
            what = f"install {words[1]} {command} ({path})"
            try:
                lex = shlex.shlex(command, posix=True, punctuation_chars=True)
                lex.whitespace_split = True
                tokens = list(lex)
            except ValueError:
                return Fact.unavailable(f"{what} could not be read", *files.sources)
            simple: list[list[str]] = [[]]
            for t in tokens:
                if t and all(c in ";&|()<>" for c in t):
                    simple.append([])
                else:
                    simple[-1].append(t)
            loaded: tuple[str, ...] | None = None
            for argv in (a for a in simple if a):
                if argv[0] in _NO_LOAD and len(argv) == 1:
                    continue
                if argv[0].rsplit("/", 1)[-1] != "modprobe":
                    return Fact.unavailable(
                        f"{what} runs instead of loading the module, and what it gives the "
                        "module is not read",
                        *files.sources,
                    )
                flags = [w for w in argv[1:] if w.startswith("-")]
                rest = [w for w in argv[1:] if not w.startswith("-")]
                if any(f not in _MODPROBE_LOADING for f in flags) or not rest:
                    return Fact.unavailable(
                        f"{what} runs modprobe with options not read", *files.sources
                    )
                if rest[0].replace("-", "_") != module:
                    continue  # another module (a softdep-like chain): its options are its own
                if loaded is None:  # a second modprobe finds it loaded
                    loaded = tuple(rest[1:])
            return Fact.of((path, what, loaded), *files.sources)
    return Fact.of(None, *files.sources)


def _next_load_setting(ev: HostEvidence, module: str, param: str) -> Fact[tuple[str, str] | None]:
    """(where, value) of the last `param` the next load of `module` by modprobe (the kernel's
    request_module, udev's kmod builtin, a VM's start) gets, None when none sets it: modprobe.d's
    `options` lines, then the kernel command line's `module.param=` words (libkmod-config.c
    kmod_config_new parses /proc/cmdline after the files, kmod_config_parse_kcmdline taking
    every `modname.param=value` word), then the words an `install` command's modprobe adds
    (`_modprobe_install`); the last one wins (kernel/params.c parse_args sets each in turn).
    Unavailable when modprobe.d or the install command could not be read."""
    options = _modprobe_options(ev, module)
    if not options.known:
        return Fact.unavailable(options.reason, *options.sources)
    configured = [(f"options {module} {word} ({path})", word) for path, word in options.get()]
    srcs = [*options.sources]
    cmdline = ev.get(_file("/proc/cmdline"))
    if cmdline.state == "ok":
        srcs.append(cmdline.source)
        for raw in _cmdline_words(cmdline.text):
            word = _kernel_param(raw)
            name, _, value = word.partition(".")
            if name.replace("-", "_") == module and value:
                configured.append((f"{module}.{value} on the kernel command line", value))
    install = _modprobe_install(ev, module)
    if not install.known:
        return Fact.unavailable(install.reason, *srcs)
    given = configured
    if (ran := install.get()) is not None:
        _, what, words = ran
        # its modprobe reads the configured options again and adds its own after them
        given = [] if words is None else [*configured]
        for word in words or ():
            given += configured if word == "$CMDLINE_OPTS" else [(what, word)]
    found = [
        (where, value)
        for where, word in given
        for name, eq, value in [word.partition("=")]
        if name.replace("-", "_") == param
    ]
    if not found:
        return Fact.of(None, *srcs)
    where, value = found[-1]
    return Fact.of((where, value.strip('"')), *srcs)


def _s390_nested(ev: HostEvidence) -> tuple[Fact[bool], Fact[str]]:
    """Whether an s390x host's KVM offers its guests SIE (R29B-6), and where its next load turns
    that on: the `kvm` module's `nested` (arch/s390/kvm/kvm-s390.c `static int nested;
    module_param(nested, int, S_IRUGO)`, sysfs prints it with %d; kvm_s390_cpu_feat_init
    allows KVM_S390_VM_CPU_FEAT_SIEF2 and the other SIE features only `if (... nested)`, and
    vsie.c kvm_s390_handle_vsie refuses a guest's SIE without SIEF2: read with `find_string`
    and `read_file`). kvm_intel's and kvm_amd's files do not exist there."""
    g = ev.get(_file("/sys/module/kvm/parameters/nested"))
    if g.state == "absent":
        # the module takes modprobe.d's options when it loads, as x86's vendor module (R37T-7)
        return (
            Fact.unavailable("no kvm `nested` parameter: the kvm module is not loaded", g.source),
            _nested_next_load(ev, "kvm"),
        )
    if g.state == "uncollected":
        why = f"{g.source.artefact} was not collected (a bundle of an older hvaudit)"
        return Fact.unavailable(why, g.source), Fact.of("")
    if g.state != "ok":
        why = g.reason or f"{g.source.artefact} could not be read"
        return Fact.unavailable(why, g.source), Fact.of("")
    value = _first(g)
    if not re.fullmatch(r"-?[0-9]+", value):
        return (
            Fact.unavailable(f"{g.source.artefact} reads {value[:20]!r}, not a number", g.source),
            Fact.of(""),
        )
    on = int(value) != 0
    return Fact.of(on, g.source), (Fact.of("") if on else _nested_next_load(ev, "kvm"))


def _nested_next_load(ev: HostEvidence, module: str) -> Fact[str]:
    """Where the next load of `module` (kvm_intel or kvm_amd, loaded now with nested off) turns
    nested on (`_next_load_setting`: modprobe.d's `options` (modprobe.d(5): "every time it is
    inserted"), the kernel command line's `module.nested=`, an `install` command's modprobe);
    "" when it stays off. The parameter is read-only at run time (arch/x86/kvm/vmx/vmx.c
    `module_param(nested, bool, 0444)`; svm.c an int), so sysfs shows the load now and these
    files the next one (every boot). kvm_intel's is a bool (a bare name sets it:
    param_set_bool), kvm_amd's an int. Unavailable when modprobe.d could not be read or an
    install command runs something else (R20H-9): the next load's setting is not known."""
    if ev.get(_cmd("modprobe-d")).state == "uncollected":
        return Fact.of("")  # an older bundle: sysfs alone, as before
    setting = _next_load_setting(ev, module, "nested")
    if not setting.known:
        return Fact.unavailable(setting.reason, *setting.sources)
    if (found := setting.get()) is None:
        return Fact.of("", *setting.sources)
    where, value = found
    number = module in ("kvm_amd", "kvm")  # int parameters (svm.c; s390x kvm-s390.c)
    on = param_int(value) not in (None, 0) if number else _kernel_bool(value or "1")
    return Fact.of(where if on else "", *setting.sources)


#: Why the x86 vendor module's `nested` was not read where neither module is loaded (its sysfs
#: file exists only while it is): HVA-049 asks about the next load then (R40T-5).
NESTED_NOT_LOADED = "no kvm_intel or kvm_amd `nested` parameter: the KVM module is not loaded"

#: The first Linux release whose vendor module nests by default, and how the message says so.
#: kvm_intel: commit 1e58e5e59148 "KVM: VMX: enable nested virtualization by default", "merged
#: in Linux 4.20" (Yu Zhang's documentation fix to Documentation/virt/kvm/nested-vmx.rst,
#: kvm@vger.kernel.org 2021-01-28; read with `find_string`); arch/x86/kvm/vmx/vmx.c `static bool
#: __read_mostly nested = 1;` since. kvm_amd: that commit's own message, "enabling nested SVM in
#: 2009 (commit 4b6e4dca701) was a bit premature" (read with `search`), and svm.c `static int
#: nested = 1;` (later `= true`) since: every release from Linux 3.0 (2011) carries it, the bound
#: kept here (the 2.6 release that took the 2009 commit was not confirmed: those keep the
#: question). Keeping 4.20 for kvm_amd too asked sysfs's question of an AMD host on 3.x-4.19
#: whose kvm_amd nests when it loads (R40T-1).
NESTED_DEFAULT_SINCE: dict[str, tuple[tuple[int, int], str]] = {
    "kvm_intel": ((4, 20), "nested on since Linux 4.20"),
    "kvm_amd": ((3, 0), "nested on since 2009, in every release from Linux 3.0"),
}


def _nested_default_load(ev: HostEvidence, vendor: str) -> Fact[str]:
    """`_nested_next_load` of the x86 vendor module not loaded (R37T-7), and (R38T-3) where no
    options line, command-line word or install command sets its `nested` at all, the module's
    built-in default: on in every release from the vendor's NESTED_DEFAULT_SINCE (R40T-1: kvm_amd
    long before kvm_intel), so where the running kernel's release (/proc/sys/kernel/osrelease)
    is one of those, that default is where nesting turns on. An older or unread release, or modprobe.d not collected (an older
    bundle), keeps the question."""
    later = _nested_next_load(ev, vendor)
    if not later.known or later.get() or ev.get(_cmd("modprobe-d")).state == "uncollected":
        return later
    setting = _next_load_setting(ev, vendor, "nested")
    if not setting.known or setting.get() is not None:
        return later
    install = _modprobe_install(ev, vendor)
    if install.known and (ran := install.get()) is not None and ran[2] is None:
        # R40T-6: an install command that does not load the module (`install kvm_intel
        # /bin/true`, how a module is kept out: modprobe.d(5) runs it "instead of inserting
        # the module") leaves no load for the built-in default to apply to: it set nothing,
        # and "the default turns nested on when it loads" failed a host that never loads it
        return later
    g = ev.get(_file("/proc/sys/kernel/osrelease"))
    release = _first(g) if g.state == "ok" else ""
    m = re.match(r"([0-9]+)\.([0-9]+)", release)
    since, since_text = NESTED_DEFAULT_SINCE[vendor]
    if m is None or (int(m.group(1)), int(m.group(2))) < since:
        return later
    return Fact.of(
        f"{vendor}'s built-in default ({since_text}; the running kernel is "
        f"{release[:40]}, and no options line, {vendor}.nested= word or install command sets "
        "it)",
        *later.sources,
        g.source,
    )


def _off_next_load(
    ev: HostEvidence, module: str, param: str, off: Callable[[str], bool]
) -> Fact[str]:
    """Where the next load of `module` (`_next_load_setting`: modprobe.d's `options`, the kernel
    command line's `module.param=`, an `install` command's modprobe) gives `param` a value
    `off` reads as turning a protection off; "" when none does. An older bundle without the
    modprobe-d probe keeps sysfs alone (as `_nested_next_load`); unavailable when modprobe.d or
    an install command could not be read."""
    if ev.get(_cmd("modprobe-d")).state == "uncollected":
        return Fact.of("")
    setting = _next_load_setting(ev, module, param)
    if not setting.known:
        return Fact.unavailable(setting.reason, *setting.sources)
    found = setting.get()
    return Fact.of(found[0] if found is not None and off(found[1]) else "", *setting.sources)


def _nx_huge_pages_off(value: str) -> bool:
    """kvm's nx_huge_pages as arch/x86/kvm/mmu/mmu.c set_nx_huge_pages reads it: "off" and
    "never" turn it off, "force" on, "auto" on where the CPU has the bug, anything else through
    kstrtobool (n/N/f/F/0 off, and o or O then f or F: `OFF`, which sysfs_streq, exact, does not
    take as the named mode, R34B-4; a bare name is no value: -EINVAL, the load fails)."""
    v = value.strip()
    if v in ("force", "auto"):
        return False
    return v in ("off", "never") or kernel_bool(v) is False


def _kvm_mitigations_next_load(ev: HostEvidence) -> Fact[tuple[tuple[str, str], ...]]:
    """The KVM mitigations the modules' next load turns off (R21K-3): kvm's nx_huge_pages
    (itlb_multihit: bugs.c itlb_multihit_show_state prints "KVM: Mitigation: Split huge pages"
    only while it is on, "KVM: Vulnerable" else) and kvm_intel's vmentry_l1d_flush=never (l1tf:
    l1tf_vmx_states[VMENTER_L1D_FLUSH_NEVER] "vulnerable", vmx.c vmentry_l1d_param "never").
    Both are writable at run time (module_param_cb ... 0644), so sysfs shows the running load's
    value and modprobe.d the one every boot gives."""
    out: list[tuple[str, str]] = []
    srcs = []
    for flaw, module, param, off in (
        ("itlb_multihit", "kvm", "nx_huge_pages", _nx_huge_pages_off),
        ("l1tf", "kvm_intel", "vmentry_l1d_flush", lambda v: v.strip() == "never"),
    ):
        later = _off_next_load(ev, module, param, off)
        if not later.known:
            return Fact.unavailable(later.reason, *later.sources)
        srcs = [*later.sources]
        if later.get():
            out.append((flaw, later.get()))
    return Fact.of(tuple(out), *srcs)


def _vfio_unsafe_interrupts(ev: HostEvidence, cmdline: Fact[tuple[str, ...]]) -> Fact[str]:
    """Whether vfio_iommu_type1 lets devices be passed through without interrupt remapping: its
    module parameter as sysfs shows it (set by modprobe.d or the command line) while the module
    is loaded; before its next load, what modprobe will give it (`_next_load_setting`:
    modprobe.d's `options` lines, then the kernel command line, then the words of an `install`
    command's modprobe, R20H-9), the last value of the parameter winning (kernel/params.c
    parse_args sets each in turn). vfio_iommu_type1.c: allow_unsafe_interrupts
    "Enable VFIO IOMMU support for on platforms without interrupt remapping support"; the common
    Proxmox VE GPU passthrough write-ups set it with `echo "options vfio_iommu_type1
    allow_unsafe_interrupts=1" > /etc/modprobe.d/iommu_unsafe_interrupts.conf`, which sysfs
    shows only once a VM has loaded the module (R10H-2)."""
    param = "vfio_iommu_type1.allow_unsafe_interrupts"
    got = ev.get(_file("/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts"))
    if got.state == "ok":
        on = _kernel_bool(_first(got))
        return Fact.of(f"{param}={_first(got)} (sysfs)" if on else "", got.source)
    if cmdline.known:
        words = [w for w in cmdline.get() if w.startswith(param + "=")]
        later = (
            _next_load_setting(ev, "vfio_iommu_type1", "allow_unsafe_interrupts")
            if got.state == "absent" and ev.get(_cmd("modprobe-d")).state != "uncollected"
            else None
        )
        # the module not loaded, an install command runs instead of the load: its modprobe's
        # own words come after the command line's, `/bin/true` gives none (_next_load_setting),
        # so where one is read it decides (R21K-4)
        installed = (
            later is not None
            and later.known
            and ((found := later.get()) is None or found[0].startswith("install "))
        )
        if words and _kernel_bool(words[-1].split("=", 1)[1]) and not installed:
            return Fact.of(words[-1], *cmdline.sources)
        if got.state == "absent" and words and ev.get(_cmd("modprobe-d")).state == "uncollected":
            return Fact.of("", *cmdline.sources, got.source)  # an older bundle, as before
        if got.state == "absent":  # module not loaded: modprobe gives it its options
            setting = _next_load_setting(ev, "vfio_iommu_type1", "allow_unsafe_interrupts")
            if not setting.known:
                return Fact.unavailable(
                    f"vfio_iommu_type1 is not loaded and {setting.reason}: the "
                    "allow_unsafe_interrupts it will load with is not known",
                    *setting.sources,
                    got.source,
                )
            # a bare name sets a bool parameter (kernel/params.c param_set_bool: "No equals
            # means "set"")
            if (found := setting.get()) is not None and _kernel_bool(found[1] or "1"):
                where = found[0]
                if where.endswith(")"):
                    where = where[:-1] + ", applied when a VM loads the module)"
                return Fact.of(where, *cmdline.sources, *setting.sources, got.source)
            return Fact.of("", *cmdline.sources, *setting.sources, got.source)
    return Fact.unavailable(
        f"{param} could not be read ({got.reason or got.state})", got.source, *cmdline.sources
    )


def _sshd_command_line_options(processes: Fact[str]) -> list[str]:
    """The `-o` options of the running sshd listener (its title keeps its argv joined by spaces:
    "sshd: /usr/sbin/sshd -D -o ... [listener]"), in order. sshd(8) -o: "Can be used to give
    options in the format used in the configuration file", so `-o Keyword=value` and `-o
    "Keyword value"` alike; the title no longer shows the quotes, so the words after a keyword
    without '=' up to the next option (or the [listener] tag) are its value."""
    out: list[str] = []
    for args in _sshd_arguments(processes):
        out += _sshd_o_options(args)
    return list(dict.fromkeys(out))


def _sshd_command_line_ports(processes: Fact[str]) -> list[str]:
    """The `-p PORT` (or `-pPORT`) options of the running sshd listener's command line."""
    out: list[str] = []
    for args in _sshd_arguments(processes):
        for flag, value in itertools.pairwise([*args, ""]):
            port = value if flag == "-p" else flag[2:] if flag.startswith("-p") else ""
            if digits(port):
                out.append(port)
    return list(dict.fromkeys(out))


def _sshd_arguments(processes: Fact[str]) -> Iterator[list[str]]:
    """The arguments (after the binary) of each running sshd process whose title's first word
    is the sshd binary; nothing where the process list is unknown."""
    if not processes.known:
        return
    for _, words in _commands(processes.get()):
        if words and words[0].rsplit("/", 1)[-1] == "sshd":
            yield list(words[1:])


def _sshd_listener_runs(processes: Fact[str]) -> bool:
    """Whether an sshd listener process runs (its title's first word is the sshd binary)."""
    return processes.known and any(
        words and words[0].rsplit("/", 1)[-1] == "sshd" for _, words in _commands(processes.get())
    )


#: The environment files of the distributions' sshd units and the variable whose words the unit
#: appends to sshd's command line: Debian and Ubuntu's /lib/systemd/system/ssh.service
#: `EnvironmentFile=-/etc/default/ssh` `ExecStart=/usr/sbin/sshd -D $SSHD_OPTS` (and ssh@.service
#: `sshd -i $SSHD_OPTS` under socket activation; both quoted verbatim in public pages found with
#: `find_string`), RHEL and Fedora's sshd.service `EnvironmentFile=-/etc/sysconfig/sshd`
#: `ExecStart=/usr/sbin/sshd -D $OPTIONS`.
SSHD_ENV_FILES: tuple[tuple[str, str], ...] = (
    ("/etc/default/ssh", "SSHD_OPTS"),
    ("/etc/sysconfig/sshd", "OPTIONS"),
)


def _sshd_unit_words(ev: HostEvidence) -> Iterator[tuple[list[str], str, Source]]:
    """The arguments sshd's unit appends from each environment file (SSHD_ENV_FILES) that was
    read, with where they come from."""
    for path, var in SSHD_ENV_FILES:
        got = ev.get(_file(path))
        if got.state != "ok":
            continue
        value = _environment_file(got.text).get(var, "")
        try:
            words = shlex.split(value)
        except ValueError:
            words = value.split()
        yield words, f"{var} in {path}", got.source


def _sshd_unit_options(ev: HostEvidence) -> tuple[list[str], str, list[Source]]:
    """The `-o` options sshd's unit passes it from its environment file at its next start
    (SSHD_ENV_FILES), where they come from, and the files' sources (R13H-5)."""
    for words, origin, source in _sshd_unit_words(ev):
        options = _sshd_o_options(words)
        if options:
            return options, origin, [source]
    return [], "", []


def _sshd_unit_config_files(ev: HostEvidence) -> tuple[list[str], str, list[Source]]:
    """The configuration files (`-f FILE`, sshd(8)) other than SSHD_CONFIG that sshd's unit
    passes it from its environment file, where they come from, and the files' sources."""
    for words, origin, source in _sshd_unit_words(ev):
        files = [p for p in _config_file_args(words) if p != SSHD_CONFIG]
        if files:
            return files, origin, [source]
    return [], "", []


def _sshd_o_options(args: list[str]) -> list[str]:
    """The `-o` options among sshd's arguments, in order (see _sshd_command_line_options)."""
    out: list[str] = []
    i = 0
    while i < len(args):
        w = args[i]
        if w == "-o" and i + 1 < len(args):
            opt, i = args[i + 1], i + 2
        elif w.startswith("-o") and len(w) > 2:
            opt, i = w[2:], i + 1
        else:
            i += 1
            continue
        if "=" not in opt:
            value = []
            while i < len(args) and not args[i].startswith(("-", "[")):
                value.append(args[i])
                i += 1
            opt = " ".join([opt, *value])
        out.append(opt)
    return out


def _config_options(processes: Fact[str], names: tuple[str, ...]) -> dict[str, list[str]]:
    """The configuration files the named running programs were started with (`-f FILE`,
    `--config FILE`, `--config=FILE`: libvirtd(8) and the modular daemons' `-f, --config`,
    sshd(8) `-f config_file`), per program, in process order; a process without one is absent."""
    out: dict[str, list[str]] = {}
    if not processes.known:
        return out
    for _, words in _commands(processes.get()):
        exe = words[0].rsplit("/", 1)[-1] if words else ""
        if exe not in names:
            continue
        for path in _config_file_args(words[1:]):
            out.setdefault(exe, []).append(path)
    return out


def _config_file_args(args: list[str]) -> list[str]:
    """The configuration files among a program's arguments (`-f FILE`, `-fFILE`, a cluster
    ending in f, `--config FILE`, `--config=FILE`), in order."""
    out: list[str] = []
    for i, w in enumerate(args):
        attached = _SHORT_F.match(w)
        if w in ("-f", "--config") and i + 1 < len(args):
            out.append(args[i + 1])
        elif w.startswith("--config="):
            out.append(w.split("=", 1)[1])
        elif attached and attached.group(1):
            # getopt(3): an option's argument is "the following text in the same
            # argv-element, or the text of the following argv-element"
            out.append(attached.group(1))
        elif attached and i + 1 < len(args):
            out.append(args[i + 1])
    return out


#: A short-option cluster ending in -f (sshd -Df FILE, -f/etc/ssh/x, libvirtd -df FILE): the
#: letters before f are flags without an argument (sshd(8): D d e i q t T 4 6 G r; libvirtd(8):
#: d l v; rsyslogd(8): n d D), the rest of the word, if any, is f's argument.
_SHORT_F = re.compile(r"^-[DdeiqtT46GrlvnN]*f(.*)$")


#: The running libvirt daemons that read each file at their start: every daemon its own .conf,
#: the QEMU driver's (libvirtd or virtqemud) qemu.conf (qemu_conf.c virQEMUDriverConfigLoadFile,
#: called from qemuStateInitialize only).
_CONF_READERS: dict[str, tuple[str, ...]] = {
    "qemu.conf": ("libvirtd", "virtqemud"),
    **{f"{d}.conf": (d,) for d in LIBVIRT_DAEMONS},
}


def _changed_since_start(
    ev: HostEvidence, processes: Fact[str]
) -> tuple[dict[str, str], list[Source]]:
    """The libvirt configuration files changed after the running daemon that reads them started
    (file name -> why), and the artefacts that say so. libvirt src/remote/remote_daemon.c
    (read with `find_string`/`read_file`): main() calls daemonConfigLoadFile once, and the
    SIGHUP handler (daemonReloadHandlerThread) only calls virStateReload, whose
    qemuStateReload reloads the domain definitions, not qemu.conf: the daemon applies the file
    as it was when it started. A file whose last change (the later of `stat -c '%Y %Z'`,
    _stat_times_row) is later than the daemon's start (`ps -o lstart` in UTC) may hold settings
    the daemon does not run. Either artefact
    missing (a bundle of an older collector) settles nothing: nothing is returned."""
    starts, mtimes = _starts_and_mtimes(ev)
    unread = _mtimes_unread(ev)
    starts_unread = _starts_unread(ev)
    if not (_process_starts(ev) or starts_unread) or not (mtimes or unread):
        return {}, []
    srcs = [ev.get(_cmd("process-starts")).source, ev.get(_cmd("libvirt-conf-mtimes")).source]
    if not processes.known:
        return _changed_unseen(ev, processes, starts, mtimes, unread), [*processes.sources, *srcs]
    pids: dict[str, list[str]] = {}
    for line in processes.get().splitlines():
        parts = line.split(None, 2)
        if len(parts) == 3 and digits(parts[0]) and not _in_container(parts[1]):
            exe = parts[2].split()[0].rsplit("/", 1)[-1]
            pids.setdefault(exe, []).append(parts[0])
    out: dict[str, str] = {}
    for name, readers in _CONF_READERS.items():
        running = [(d, pid) for d in readers for pid in pids.get(d, [])]
        if name in unread and running:
            daemon, pid = running[0]
            out[name] = (
                f"when /etc/libvirt/{name} was last changed was not read (`stat`: "
                f"{unread[name]}); {daemon} (pid {pid}) reads it only when it starts, so what "
                "it runs may differ from the file"
            )
            continue
        if name not in mtimes:
            continue
        if starts_unread and running:
            daemon, pid = running[0]
            out[name] = (
                f"when {daemon} (pid {pid}) started was not read (`ps -o lstart`: "
                f"{starts_unread}); it reads /etc/libvirt/{name} only when it starts, so what it "
                "runs may differ from the file"
            )
            continue
        for daemon in readers:
            for pid in pids.get(daemon, []):
                start = starts.get(pid)
                if start is not None and mtimes[name] > start:
                    out[name] = (
                        f"/etc/libvirt/{name} was changed at {_utc(mtimes[name])}, after "
                        f"{daemon} (pid {pid}) started at {_utc(start)}; the daemon reads it only "
                        "when it starts, so what it runs may differ from the file"
                    )
                    break
            if name in out:
                break
    return out, srcs


def _changed_unseen(
    ev: HostEvidence,
    processes: Fact[str],
    starts: dict[str, int],
    mtimes: dict[str, int],
    unread: dict[str, str],
) -> dict[str, str]:
    """_changed_since_start where the process list was collected but not read (ps failed or
    exited other than 0, _process_list): which libvirt daemon runs, and so whether one started
    before its file changed, is unknown (R45S-2: every file passed as if none ran). A file whose
    last change is no later than the start of every process (`ps -o lstart` read) predates
    whatever runs: settled; a file changed since, or whose change or the starts were not read,
    is asked of its readers. An older bundle without the list settles nothing, as before."""
    if ev.get(_cmd("processes")).state == "uncollected":
        return {}
    why = processes.reason
    first = min(starts.values()) if starts else None
    out: dict[str, str] = {}
    for name, readers in _CONF_READERS.items():
        if name not in mtimes and name not in unread:
            continue
        if name in mtimes and first is not None and mtimes[name] <= first:
            continue
        out[name] = (
            f"which libvirt daemons run was not read (`ps`: {why}); "
            f"{' or '.join(readers)} reads /etc/libvirt/{name} only when it starts, so what a "
            "running one applies may differ from the file"
        )
    return out


def _starts_unread(ev: HostEvidence) -> str:
    """Why the processes' starts were not read though the collector asked (`ps -eo
    pid=,lstart=` failed, or exited other than 0: procps-ng exits 1 for a format it does not
    take, _process_list); "" where they were read or never asked for (an older bundle). The
    configuration a daemon runs may then predate its files, as where `find` or `stat` failed
    (R24Q-4; R44S-4)."""
    got = ev.get(_cmd("process-starts"))
    # absent (env or ps not found) is a probe the collector asked for and did not read: the
    # team's decision of round 44; only an older bundle without it settles nothing (R45S-2)
    if got.state == "uncollected" or (got.state == "ok" and got.rc == 0):
        return ""
    first = got.reason.strip().splitlines()[0][:200] if got.reason.strip() else ""
    if got.state == "ok":
        return f"ps exited {got.rc}" + (f": {first}" if first else "")
    return first or got.state


def _process_starts(ev: HostEvidence) -> dict[str, int]:
    """Each process's start, pid -> epoch seconds (`env LC_ALL=C TZ=UTC0 ps -eo pid=,lstart=`);
    empty when not read (a bundle of an older collector, or a ps that failed: _starts_unread)."""
    got = ev.get(_cmd("process-starts"))
    starts: dict[str, int] = {}
    for line in got.text.splitlines() if got.state == "ok" and got.rc == 0 else ():
        parts = line.split()
        if len(parts) == 6 and digits(parts[0]):
            try:
                when = datetime.strptime(" ".join(parts[1:]), "%a %b %d %H:%M:%S %Y")
            except ValueError:
                continue
            starts[parts[0]] = int(when.replace(tzinfo=UTC).timestamp())
    return starts


def _rsyslog_main_missing(ev: HostEvidence) -> str:
    """How /etc/rsyslog.conf is missing from the rsyslog-config probe ("absent", "empty",
    "absent or empty"; "" when grep printed its lines or the probe was not read): grep prints
    no line of an empty file, and names a missing one on stderr ("No such file or directory");
    the rsyslog-mtimes probe (`find -L`) lists the file when it exists. For a file grep could
    not read, its error line ("grep: /etc/rsyslog.conf: Permission denied")."""
    rs = ev.get(_cmd("rsyslog-config"))
    if rs.state != "ok" or RSYSLOG_CONF in _by_file(rs.text):
        return ""
    errors = [ln for ln in rs.reason.splitlines() if f"{RSYSLOG_CONF}:" in ln]
    if any("No such file" in ln for ln in errors):
        return "absent"
    if errors:
        return errors[0].strip()
    times = ev.get(_cmd("rsyslog-mtimes"))
    if times.state == "ok":
        listed = any(
            (row := _find_times_row(ln)) is not None and row[1] == RSYSLOG_CONF
            for ln in times.text.splitlines()
        )
        return "empty" if listed else "absent"
    return "absent or empty"


def _rsyslog_reads(ev: HostEvidence) -> Callable[[str], bool] | None:
    """Which entries of the rsyslog-mtimes probe can change what rsyslogd runs: the files it
    reads (rsyslog.conf and what its includes name, hvaudit.parse.rsyslog: a glob skips
    hidden names, glob(3), so an editor's `.50-remote.conf.swp` or a `README` is never read)
    and the directories holding them (their mtime is the only trace of a file added, renamed
    or removed there, which the running daemon still has: kept). None (every entry counts)
    where the files were not read."""
    rs = ev.get(_cmd("rsyslog-config"))
    if rs.state != "ok":
        return None
    read = set(rsyslog_forwarding(_by_file(rs.text)).read_files)
    if not read:
        return None
    dirs = {f.rsplit("/", i)[0] for f in read for i in range(1, f.count("/"))}
    return lambda path: path in read or path.rstrip("/") in dirs


def _changed_after(
    ev: HostEvidence,
    probe: str,
    program: str,
    prefix: str,
    counts: Callable[[str], bool] | None = None,
) -> tuple[str, int, int] | None:
    """(path, its last change, the program's start) for the first file of `probe` (`find ...
    -printf '%T@ %C@ %p\\n'` lines, _find_times_row) under `prefix` changed after the earliest
    running `program` process started; None when none was, or the times were not collected (an older
    bundle without the artefact; one recorded absent, find not found, is unread: R46S-1). With
    `counts`, only the paths it accepts (the files the program reads and the directories holding
    them) are weighed. Where the program runs but the `find` failed (why, 0, its start: the
    reason in the path's place), the files may have changed unseen: find(1) EXIT STATUS (found
    with `find_string`): "find exits with status 0 if all files are processed successfully,
    greater than 0 if errors occur", "if the return value is non-zero, you should not rely on
    the correctness of the results of find"; a start path that does not exist ("No such file or
    directory") is an answer (R24Q-4)."""
    starts = _process_starts(ev)
    unread = _starts_unread(ev)
    got = ev.get(_cmd(probe))
    ps = ev.get(_cmd("processes"))
    if (
        not (starts or unread)
        # absent (find not found) is asked for and unread, not an older bundle (R46S-1)
        or got.state == "uncollected"
        or ps.state == "uncollected"
    ):
        return None
    if ps.state != "ok" or ps.rc != 0:
        return _changed_unseen_after(got, ps, program, prefix, starts, unread, counts)
    begun = []
    runs = False
    for line in ps.text.splitlines():
        parts = line.split(None, 2)
        if (
            len(parts) == 3
            and parts[2].split()[0].rsplit("/", 1)[-1] == program
            and not _in_container(parts[1])
        ):
            runs = True
            if parts[0] in starts:
                begun.append(starts[parts[0]])
    if runs and unread:
        # when it started is not known: its files may have changed since (R44S-4)
        return f"when it started was not read (`ps -o lstart`: {unread})", 0, 0
    if not begun:
        return None
    start = min(begun)
    why = _stat_unanswered(got)  # find names each error on stderr as stat does
    if why:
        return f"when its files last changed was not read (`find`: {why})", 0, start
    for line in got.text.splitlines():
        if (row := _find_times_row(line)) is None:
            continue
        mtime, path = row
        if mtime > start and path.startswith(prefix) and (counts is None or counts(path)):
            return path, mtime, start
    return None


def _find_times_row(line: str) -> tuple[int, str] | None:
    """(when the path last changed, the path) of one `find -printf '%T@ %C@ %p\\n'` line (the
    collector since R45T-2) or an older bundle's '%T@ %p' line: the later of the modification
    and status change times, as _stat_times_row (`cp -p` keeps the source's mtime; the kernel
    sets the ctime: R45T-1). None for a line that is neither."""
    parts = line.strip().split(" ", 2)
    stamps: list[int] = []
    for part in parts[:2]:
        try:
            stamps.append(int(float(part)))
        except (ValueError, OverflowError):  # "inf" is a float int() refuses
            break
    if not stamps or len(parts) <= len(stamps):
        return None
    return max(stamps), " ".join(parts[len(stamps) :])


def _changed_unseen_after(
    got: Got,
    ps: Got,
    program: str,
    prefix: str,
    starts: dict[str, int],
    unread: str,
    counts: Callable[[str], bool] | None,
) -> tuple[str, int, int] | None:
    """_changed_after where the process list was collected but not read (ps failed or exited
    other than 0, _process_list): whether `program` runs, and since when, is unknown (R45S-2:
    the files passed as if it did not run). A file no later than the start of every process
    (`ps -o lstart` read) predates whatever runs: None; else (why, 0, -1), the -1 saying that
    whether the program runs is unknown too."""
    why = _process_list(ps).reason if ps.state == "ok" else (ps.reason or ps.state)
    asked = (f"whether {program} runs, and when it started, was not read (`ps`: {why})", 0, -1)
    if unread or _stat_unanswered(got):
        return asked
    first = min(starts.values())
    for line in got.text.splitlines():
        row = _find_times_row(line)
        if row is None:
            continue
        mtime, path = row
        if mtime > first and path.startswith(prefix) and (counts is None or counts(path)):
            return asked
    return None


def _starts_and_mtimes(ev: HostEvidence) -> tuple[dict[str, int], dict[str, int]]:
    """Each process's start (pid -> epoch seconds, from `ps -o lstart` in UTC) and each libvirt
    file's last change (file name -> epoch seconds, `stat -c '%Y %Z %n'`, _stat_times_row); both
    empty when either
    was not read (a bundle of an older collector), the starts alone where ps failed
    (_starts_unread: the files' times are kept for that question)."""
    starts = _process_starts(ev)
    mtimes_got = ev.get(_cmd("libvirt-conf-mtimes"))
    if not (starts or _starts_unread(ev)) or mtimes_got.state != "ok":
        return {}, {}
    mtimes: dict[str, int] = {}
    for line in mtimes_got.text.splitlines():
        if (row := _stat_times_row(line)) is not None:
            mtimes[row[1].removeprefix("/etc/libvirt/")] = row[0]
    return (starts, mtimes) if mtimes else ({}, {})


def _stat_times_row(line: str) -> tuple[int, str] | None:
    """(when the file last changed, its path) of one libvirt-conf-mtimes line: `stat -c '%Y %Z
    %n'` (the collector since R45T-1) or `stat -c '%Y %n'` (an older bundle's). Where both times
    are given, the later: `cp -p`, `rsync -t`, `install -p` and a package's files keep their
    source's mtime (%Y), but the ctime (%Z, "time of last status change", coreutils stat --help)
    is set by the kernel at every write and metadata change (Linux man-pages stat(2): "changed
    by writing or by setting inode information"), and cannot be set to a given value (GNU
    coreutils manual, "touch invocation"): a file copied with its old mtime after the daemon
    started has a ctime after that start (R45T-1). None for a line that is neither."""
    parts = line.strip().split(" ", 2)
    if len(parts) == 3 and digits(parts[0]) and digits(parts[1]):
        stamps, path = [int(parts[0]), int(parts[1])], parts[2]
    elif len(parts) >= 2 and digits(parts[0]):
        stamps, path = [int(parts[0])], " ".join(parts[1:])
    else:
        return None
    return (max(stamps), path) if path.startswith("/etc/libvirt/") else None


def _mtimes_unread(ev: HostEvidence) -> dict[str, str]:
    """The libvirt files (name -> why) whose last change the libvirt-conf-mtimes probe (`stat
    -c '%Y %Z %n'`) did not answer: stat printed no time for them and did not name them "No such
    file or directory" (coreutils stat.c: an error line per path it could not stat, exit 1 for
    any, _stat_unanswered), or the probe failed as a whole (a timeout). Such a file may have
    changed after the daemon that reads it started (R24S-1); so may every file where the probe
    was recorded absent (stat not found, R46S-1). Empty when the probe answered or was not
    collected (a bundle of an older collector)."""
    got = ev.get(_cmd("libvirt-conf-mtimes"))
    # absent (stat not found: SshRunner.run reads exit 127 as absent) is a probe the collector
    # asked for and did not read, as for process-starts (the team's decision of rounds 44 and
    # 46, R46S-1); only an older bundle without the artefact settles nothing
    if got.state == "uncollected":
        return {}
    why = _stat_unanswered(got) if got.state == "ok" else (got.reason or got.state)
    if not why:
        return {}
    printed = {row[1] for ln in got.text.splitlines() if (row := _stat_times_row(ln))}
    printed |= {
        m.group(1)
        for ln in got.reason.splitlines()
        if _no_such_file(ln) and (m := re.search(r"'(/etc/libvirt/[^']+)'", ln))
    }
    return {n: why for n in _CONF_READERS if f"/etc/libvirt/{n}" not in printed}


def _utc(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _daemons(ev: HostEvidence, processes: Fact[str]) -> Fact[tuple[str, ...]]:
    """The libvirt daemons in use: running processes, and daemons whose socket unit is enabled
    (modular daemons exit when idle and are started again by their socket; libvirt
    docs/daemons.rst, "Checking whether modular/monolithic mode is in use")."""
    if ev.missing is not None:
        return ev.missing
    running = _running(processes, LIBVIRT_DAEMONS, lambda names: names)
    if not running.known:
        return running  # type: ignore[return-value]
    found = set(running.get())
    units = ev.get(_cmd("libvirt-socket-units"))
    for line in units.text.splitlines() if units.state == "ok" else []:
        parts = line.split()
        if len(parts) >= 2 and parts[1] in UNIT_ENABLED_STATES:
            name = parts[0].split(".", 1)[0].split("-", 1)[0]
            if name in LIBVIRT_DAEMONS:
                found.add(name)
    return Fact.of(
        tuple(d for d in LIBVIRT_DAEMONS if d in found), *processes.sources, units.source
    )


def _unit_file_lines(text: str) -> list[str]:
    """`systemctl cat` output with each file's lines as systemd's unit parser reads them: unit
    files go through conf-parser.c config_parse as journald.conf does, so a line ending in a
    backslash is joined with the next (systemd.syntax(7), _systemd_lines; HL18-2). The "# PATH"
    line systemctl prints before each file is kept and ends the file before it (a dangling
    backslash at a file's end joins nothing of the next file)."""
    out: list[str] = []
    chunk: list[str] = []
    for line in text.splitlines():
        if re.fullmatch(r"# (/\S+)", line):
            out += _systemd_lines(chunk)
            out.append(line)
            chunk = []
        else:
            chunk.append(line)
    return out + _systemd_lines(chunk)


def _socket_unit_files(g: Got) -> Fact[dict[str, SocketUnitConf]]:
    """libvirt's socket units (_socket_unit_confs)."""
    return _socket_unit_confs(g, "libvirt's socket unit files")


def _socket_unit_confs(g: Got, what: str) -> Fact[dict[str, SocketUnitConf]]:
    """Socket units as `systemctl cat` prints them (each file after a "# PATH" line,
    the unit file first, then its drop-ins in the order systemd applies them): per unit its
    [Socket] SocketMode=, SocketUser=, SocketGroup= and ListenStream= for the next start.
    systemd.socket(5) (read with `search`): SocketMode= "Defaults to 0666"; a later assignment
    replaces an earlier one (a mode that is not octal is ignored with a warning: conf-parser
    config_parse_mode); ListenStream= may be given more than once and "If the empty string is
    assigned to any of these options, the list of addresses to listen on is reset". A unit
    with no file (not installed, masked) is absent."""
    if g.state == "absent":
        return Fact.of({}, Source(g.source.artefact, "no systemd"))
    why = _systemctl_unanswered(g)
    if why:
        return Fact.failed(f"{what} were not read ({why})", g.source)
    files: dict[str, list[str]] = {}
    settings: dict[str, list[tuple[str, str, str]]] = {}
    unit, section, path = "", "", ""
    for line in _unit_file_lines(g.text):
        header = re.fullmatch(r"# (/\S+)", line)
        if header:
            path = header.group(1)
            base = path.split(".socket.d/", 1)[0] + ".socket" if ".socket.d/" in path else path
            unit, section = base.rsplit("/", 1)[-1], ""
            if unit.endswith(".socket"):
                files.setdefault(unit, []).append(path)
            continue
        body = line.strip()
        if not unit.endswith(".socket") or not body or body[0] in "#;":
            continue
        if body.startswith("["):
            section = body
            continue
        key, eq, value = body.partition("=")
        if section == "[Socket]" and eq:
            settings.setdefault(unit, []).append((path, key.strip(), value.strip()))
    out = {}
    for name, paths in files.items():
        mode: str | None = None
        mode_file = ""
        user: str | None = None
        group: str | None = None
        listen: list[tuple[str, str]] = []
        for path, key, value in settings.get(name, []):
            if key == "SocketMode" and re.fullmatch(r"[0-7]{1,4}", value):
                mode, mode_file = value, path
            elif key == "SocketUser":
                user = value or None
            elif key == "SocketGroup":
                group = value or None
            elif key == "ListenStream":
                listen = [*listen, (value, path)] if value else []
        out[name] = SocketUnitConf(tuple(paths), mode, mode_file, user, group, tuple(listen))
    return Fact.of(out, g.source)


def _socket_unit_pulls(g: Got) -> Fact[dict[str, tuple[str, str]]]:
    """The socket units libvirt's daemon services pull in, from `systemctl cat` of the services
    (each file after a "# PATH" line, the unit file first, then its drop-ins): socket unit ->
    (the daemon, "<Key>= in <file>") for each [Unit] Wants=, Requires=, BindsTo= or Upholds=
    naming it (space-separated lists, systemd.unit(5): Requires= "If this unit gets activated,
    the units listed here will be activated as well", Wants= "a weaker version of Requires=";
    read with `search`). A drop-in's `Wants=libvirtd-tcp.socket` thus starts that unit with the
    daemon, enabled or not; a masked unit still never starts (the checks keep that apart)."""
    if g.state == "absent":
        return Fact.of({}, Source(g.source.artefact, "no systemd"))
    why = _systemctl_unanswered(g)
    if why:
        return Fact.failed(f"libvirt's service units were not read ({why})", g.source)
    out: dict[str, tuple[str, str]] = {}
    for unit, section, path, key, value in _service_unit_settings(g.text):
        if section == "[Unit]" and key in ("Wants", "Requires", "BindsTo", "Upholds"):
            for name in value.split():
                if name.endswith(".socket"):
                    out.setdefault(name, (unit, f"{unit}.service {key}= in {path}"))
    return Fact.of(out, g.source)


def _service_unit_settings(text: str) -> Iterator[tuple[str, str, str, str, str]]:
    """Every `key=value` setting of the services in `systemctl cat` output, in the order systemd
    applies them (each file after a "# PATH" line, the unit file first, then its drop-ins): (the
    service's name without `.service`, the section header, the file, the key, the value), key
    and value stripped; comments and lines before the first file skipped."""
    unit, section, path = "", "", ""
    for line in _unit_file_lines(text):
        header = re.fullmatch(r"# (/\S+)", line)
        if header:
            path = header.group(1)
            base = path.split(".service.d/", 1)[0] if ".service.d/" in path else path
            unit, section = base.rsplit("/", 1)[-1].removesuffix(".service"), ""
            continue
        body = line.strip()
        if not unit or not body or body[0] in "#;":
            continue
        if body.startswith("["):
            section = body
            continue
        key, eq, value = body.partition("=")
        if eq:
            yield unit, section, path, key.strip(), value.strip()


def _service_settings(text: str, daemon: str) -> Iterator[tuple[str, str, str]]:
    """The `[Service]` settings of `<daemon>.service` in `systemctl cat` output, in the order
    systemd applies them (each file after a "# PATH" line, the unit file first, then its
    drop-ins): (the file, the key, the value), both stripped; comments and other sections
    skipped."""
    for unit, section, path, key, value in _service_unit_settings(text):
        if unit == daemon and section == "[Service]":
            yield path, key, value


def _unit_environment(text: str, daemon: str) -> tuple[dict[str, str], list[str]]:
    """The Environment= variables and EnvironmentFile= paths of `<daemon>.service` in `systemctl
    cat` output (each file after a "# PATH" line, the unit file first, then its drop-ins in the
    order systemd applies them). systemd.exec(5) (read with `search`): Environment= may be given
    more than once, quoted words hold blanks, the empty string resets the list, a later
    assignment of a variable wins; EnvironmentFile= accumulates (empty resets), a "-" prefix
    ignores a missing file."""
    env: dict[str, str] = {}
    files: list[str] = []
    for _, key, value in _service_settings(text, daemon):
        if key == "Environment" and not value:
            env.clear()
        elif key == "Environment":
            # each word's specifiers resolved as systemd's config_parse_environ does
            # (_unit_environment_unresolved, R52L-2): "%%" a single "%"
            env.update(
                _unit_specifiers(w, daemon).split("=", 1)  # type: ignore[misc]
                for w in _environment_words(value)
                if "=" in w
            )
        elif key == "EnvironmentFile":
            files = [*files, value] if value else []
    return env, files


def _environment_words(value: str) -> list[str]:
    """An Environment= value's words: quoted words hold blanks (systemd.exec(5))."""
    try:
        return shlex.split(value)
    except ValueError:
        return value.split()


#: unit_full_printf's specifiers in every systemd release (_unit_environment_unresolved)
_STABLE_SPECIFIERS = "nNpPiIftUuhsmHbv"


def _unit_environment_unresolved(text: str, daemon: str) -> dict[str, str]:
    """The variables of `<daemon>.service`'s Environment= whose value in force hvaudit cannot
    tell, each with the assignment that makes it so: one holding a specifier other than those
    _unit_specifiers resolves (R52L-2). systemd src/core/load-fragment.c config_parse_environ
    resolves each word's specifiers (unit_env_printf) and, where that fails, logs "Failed to
    resolve specifiers in %s, ignoring" and skips the word, and src/shared/specifier.c
    specifier_printf fails (-EBADSLT, "Oops, an unknown specifier") on a letter or digit its
    table lacks (both read with `find_string` and `read_file`). The table differs between
    systemd releases: src/core/unit-printf.c unit_full_printf's holds n N p P i I f t U u h s
    m H b v in every release (kept, _unit_specifiers resolving the unit's names, the rest left
    as written: a host's names, IDs and directories), but %c, %r and %R only once and others
    only later, so a word with any other letter or digit may be skipped: the variable then
    takes that word's value, an earlier assignment's, or none. A later assignment without
    one, or an empty Environment=, settles it again."""
    unresolved: dict[str, str] = {}
    for _, key, value in _service_settings(text, daemon):
        if key != "Environment":
            continue
        if not value:
            unresolved.clear()
            continue
        for word in _environment_words(value):
            name, eq, _ = word.partition("=")
            if not eq:
                continue
            letters = [m.group(1) for m in re.finditer(r"%(.)", word)]
            if any(c.isalnum() and c not in _STABLE_SPECIFIERS for c in letters):
                unresolved[name] = word
            else:
                unresolved.pop(name, None)
    return unresolved


def _unit_unset_environment(text: str, daemon: str) -> list[str]:
    """The UnsetEnvironment= words of `<daemon>.service` in `systemctl cat` output (the unit file,
    then its drop-ins), each a variable name or a NAME=VALUE assignment. systemd.exec(5)
    UnsetEnvironment= (systemd 241 and later, read with `find_string`): "a space-separated list
    of variable names or variable assignments", "may be specified more than once", the empty
    string resets the list; a name removes every assignment of it, an assignment only that
    precise one, "applied as final step when the environment list passed to executed processes
    is compiled", so it undoes Environment= and EnvironmentFile= alike (R43L-1)."""
    unset: list[str] = []
    for _, key, value in _service_settings(text, daemon):
        if key != "UnsetEnvironment":
            continue
        if not value:
            unset = []
            continue
        try:
            unset += shlex.split(value)
        except ValueError:
            unset += value.split()
    return unset


#: libvirtd's options (src/remote/remote_daemon.c main, read with `find_string`/`read_file`:
#: optstr "ldf:p:t:vVh", struct option opts[]): the long ones, and whether each takes a value.
LIBVIRTD_LONG_OPTIONS = {
    "verbose": False,
    "daemon": False,
    "listen": False,
    "config": True,
    "timeout": True,
    "pid-file": True,
    "version": False,
    "help": False,
}


def _getopt_listen(args: list[str]) -> bool:
    """Whether libvirtd's arguments hold --listen as getopt_long(3) reads them: `-l`, a short
    option cluster with l before an option that takes a value (f, p, t: the rest of the word or
    the next word is that value), `--listen` or an unambiguous abbreviation of it (`--lis`)."""
    i = 0
    while i < len(args):
        w = args[i]
        i += 1
        if w == "--":
            break
        if w.startswith("--"):
            name = w[2:].split("=", 1)[0]
            exact = [n for n in LIBVIRTD_LONG_OPTIONS if n == name]
            found = exact or [n for n in LIBVIRTD_LONG_OPTIONS if name and n.startswith(name)]
            if len(found) != 1:
                continue
            if found[0] == "listen":
                return True
            if LIBVIRTD_LONG_OPTIONS[found[0]] and "=" not in w:
                i += 1
        elif w.startswith("-") and len(w) > 1:
            for pos, c in enumerate(w[1:], 1):
                if c == "l":
                    return True
                if c in "fpt":
                    i += 0 if pos < len(w) - 1 else 1
                    break
    return False


def _unit_exec_start(text: str, daemon: str) -> tuple[str, str]:
    """The ExecStart= command line of `<daemon>.service` in `systemctl cat` output and the file
    that sets it ("" when none does): a later assignment replaces an earlier one (a drop-in's
    empty `ExecStart=` resets the list, and a Type=notify service takes one command:
    systemd.service(5) ExecStart=)."""
    cmd, origin = "", ""
    for path, key, value in _service_settings(text, daemon):
        if key == "ExecStart":
            cmd, origin = value, path
    return cmd, origin


def _libvirtd_listen(ev: HostEvidence) -> Fact[str]:
    """Where libvirtd.service's next start passes `--listen` ("" where it does not, or no
    libvirtd.service was read). libvirt's unit (src/remote/libvirtd.service.in) runs
    `ExecStart=@sbindir@/libvirtd $LIBVIRTD_ARGS` with `EnvironmentFile=-@initconfdir@/libvirtd`,
    whose shipped copy offers `#LIBVIRTD_ARGS="--listen"` ("Listen for TCP/IP connections",
    src/remote/libvirtd.sysconf). systemd.service(5) command lines (the systemd man page history,
    found with `search`): `$FOO` as a word of its own is replaced by the value split at
    whitespace, `${FOO}` by the value as one word. With its socket units masked libvirtd runs in
    the traditional mode and `--listen` opens listen_tcp and listen_tls (libvirtd(8), SYSTEM
    SOCKET ACTIVATION); under socket activation `--listen` is a fatal error (remote_daemon.c
    daemonSetupNetworking: "--listen parameter not permitted with systemd activation
    sockets")."""
    units = ev.get(_cmd("libvirt-units"))
    if units.state == "uncollected":
        return Fact.of("", units.source)
    if units.state == "absent":
        return _openrc_listen(ev)
    why = _systemctl_unanswered(units)
    if why:
        return Fact.unavailable(
            f"libvirtd.service's command line was not read ({why})", units.source
        )
    got = _unit_args(ev, units, "libvirtd")
    if not got.known:
        return Fact.unavailable(got.reason, *got.sources)
    if got.get() is None:
        return Fact.of("", units.source)
    args, from_var, env, where, origin = got.get()  # type: ignore[misc]
    sources = got.sources
    if not _getopt_listen(args):
        return Fact.of("", *sources)
    for name in from_var:
        value = env.get(name, "")
        if _getopt_listen(value.split()):
            return Fact.of(f"{name}={value!r} in {where.get(name, 'libvirtd.service')}", *sources)
    return Fact.of(f"ExecStart= in {origin}", *sources)


#: OpenRC's libvirtd service: openrc-run sources /etc/conf.d/<service> before the init script,
#: whose `command_args` holds ${LIBVIRTD_OPTS} (gentoo/gentoo app-emulation/libvirt/files/
#: libvirtd.init-r18 `command_args="-d ${LIBVIRTD_OPTS}"`, libvirtd.confd-r6
#: `#LIBVIRTD_OPTS="--listen"`; alpinelinux/aports community/libvirt/libvirt.initd
#: `command_args="${LIBVIRTD_OPTS}"`, installed as /etc/conf.d/libvirtd).
OPENRC_LIBVIRTD = "/etc/conf.d/libvirtd"
_SH_ASSIGN = re.compile(r"(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)")


def _openrc_listen(ev: HostEvidence) -> Fact[str]:
    """Where libvirtd's next start passes `--listen` on a host without systemd (no systemctl):
    OpenRC's LIBVIRTD_OPTS in /etc/conf.d/libvirtd (R25C-3; it was read as "no --listen"). The
    file is shell that openrc-run sources: plain `NAME=value` lines (the last one wins) are
    read; any other line (a command, a test, an expansion) leaves the value unread, as does a
    host whose init system keeps libvirtd's arguments elsewhere (no /etc/conf.d/libvirtd: a
    SysV script's /etc/default/libvirtd, or another init)."""
    got = ev.get(_file(OPENRC_LIBVIRTD))
    opts = _openrc_opts(ev)
    if not opts.known and got.state == "ok":
        return Fact.unavailable(opts.reason, *opts.sources)
    if got.state != "ok":
        return Fact.unavailable(
            f"no systemd here, and {OPENRC_LIBVIRTD} (OpenRC's LIBVIRTD_OPTS) "
            + ("is absent" if got.state == "absent" else f"was not read ({got.reason})")
            + ": the arguments libvirtd's init script starts it with are not read",
            got.source,
        )
    value = opts.get()
    if _getopt_listen(shlex.split(value)):
        return Fact.of(f"LIBVIRTD_OPTS={value!r} in {OPENRC_LIBVIRTD}", got.source)
    return Fact.of("", got.source)


def _openrc_opts(ev: HostEvidence) -> Fact[str]:
    """LIBVIRTD_OPTS as /etc/conf.d/libvirtd sets it (plain `NAME=value` lines, the last one
    wins; "" when unset); unavailable for a file not read or with any other shell line."""
    got = ev.get(_file(OPENRC_LIBVIRTD))
    if got.state != "ok":
        return Fact.unavailable(f"{OPENRC_LIBVIRTD} was not read ({got.state})", got.source)
    opts = ""
    for n, raw in enumerate(got.text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _SH_ASSIGN.fullmatch(line)
        words: list[str] | None = None
        if m and not re.search(r"[$`\\]", m.group(2)):
            try:
                words = shlex.split(m.group(2), comments=True)
            except ValueError:
                words = None
        if m is None or words is None:
            return Fact.unavailable(
                f"{OPENRC_LIBVIRTD}:{n} is shell beyond a plain assignment ({line[:60]!r}): "
                "LIBVIRTD_OPTS is not read",
                got.source,
            )
        if m.group(1) == "LIBVIRTD_OPTS":
            opts = " ".join(words)
    return Fact.of(opts, got.source)


_UnitArgs = tuple[list[str], list[str], dict[str, str], dict[str, str], str]


def _no_env_expand(cmd: str) -> bool:
    """Whether an ExecStart= value's prefixes (`-`, `@`, `:`, `+`, `!` before the program)
    hold `:`: systemd.service(5) "If the executable path is prefixed with ":", environment
    variable substitution (as described below this list) is not applied"; systemd
    src/core/load-fragment.c config_parse_exec sets EXEC_COMMAND_NO_ENV_EXPAND for it, and
    exec_child expands the command line only without that flag (read with `find_string`), so
    `$FOO` and `${FOO}` reach the program as written (R45L-3)."""
    return ":" in cmd[: len(cmd) - len(cmd.lstrip("-@:+!"))]


def _unit_args(ev: HostEvidence, units: Got, daemon: str) -> Fact[_UnitArgs | None]:
    """The arguments `<daemon>.service`'s next start gives the daemon: ExecStart='s words after
    the program with its environment's variables put in (systemd.service(5): `$FOO` as a word
    of its own is the value split at whitespace, `${FOO}` the value as one word), the variables
    used, the environment, where each variable is set, and the file that sets ExecStart=; None
    where the unit has no ExecStart=; unavailable where it uses a variable while an
    EnvironmentFile= was not read, even one Environment= sets: systemd.exec(5) EnvironmentFile=
    (found with `search`, the man page change of 2011 "document changed EnvironmentFile=
    behaviour"): "Settings from these files override settings made with Environment=" (R24Q-2)."""
    cmd, origin = _unit_exec_start(units.text, daemon)
    if not cmd:
        return Fact.of(None, units.source)
    env, where, sources, unread = _daemon_unit_env(ev, units, daemon)
    try:
        words = shlex.split(cmd.lstrip("-@:+!"))
    except ValueError:
        words = cmd.lstrip("-@:+!").split()
    if _no_env_expand(cmd):
        # `$FOO` reaches the daemon as it is written (R45L-3)
        return Fact.of((words[1:], [], env, where, origin), *sources)
    args: list[str] = []
    from_var: list[str] = []
    for w in words[1:]:
        whole = re.fullmatch(r"\$([A-Za-z_][A-Za-z0-9_]*)", w)
        if whole:
            name = whole.group(1)
            if unread:
                return Fact.unavailable(unread, *sources)
            args += env.get(name, "").split()
            from_var.append(name)
            continue
        names = re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", w)
        if unread and names:
            return Fact.unavailable(unread, *sources)
        args.append(re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", lambda m: env.get(m.group(1), ""), w))
        from_var += names
    return Fact.of((args, from_var, env, where, origin), *sources)


def _unit_config_options(ev: HostEvidence) -> dict[str, tuple[str, tuple[Source, ...]]]:
    """daemon -> (why, sources) for each libvirt daemon whose unit's next start passes `-f FILE`
    or `--config FILE` (libvirtd(8) and the modular daemons' `-f, --config FILE`: "Use this
    configuration file, overriding the default value") naming a file other than
    /etc/libvirt/<daemon>.conf (R21S-4): its LIBVIRTD_ARGS, VIRTPROXYD_ARGS ... or ExecStart=.
    The running daemon's own arguments are _config_options'."""
    units = ev.get(_cmd("libvirt-units"))
    out: dict[str, tuple[str, tuple[Source, ...]]] = {}
    if units.state == "absent":
        # no systemd: OpenRC's LIBVIRTD_OPTS (/etc/conf.d/libvirtd) is libvirtd's (R25C-7)
        opts = _openrc_opts(ev)
        value = opts.get() if opts.known else ""
        try:
            words = shlex.split(value)
        except ValueError:
            words = value.split()
        other = [p for p in _config_file_args(words) if p != "/etc/libvirt/libvirtd.conf"]
        if other:
            out["libvirtd"] = (
                f"libvirtd's init script starts it with --config {', '.join(other)} "
                f"(LIBVIRTD_OPTS={value!r} in {OPENRC_LIBVIRTD}), a file hvaudit does not "
                "collect: /etc/libvirt/libvirtd.conf is not what its next start reads",
                tuple(opts.sources),
            )
    if units.state != "ok":
        return out
    for daemon in UNIT_DAEMONS:
        got = _unit_args(ev, units, daemon)
        if not got.known or got.get() is None:
            continue
        args, from_var, env, where, origin = got.get()  # type: ignore[misc]
        other = [p for p in _config_file_args(args) if p != f"/etc/libvirt/{daemon}.conf"]
        if not other:
            continue
        at = next(
            (
                f"{n}={env.get(n, '')!r} in {where.get(n, f'{daemon}.service')}"
                for n in from_var
                if set(_config_file_args(env.get(n, "").split())) & set(other)
            ),
            f"ExecStart= in {origin}",
        )
        out[daemon] = (
            f"{daemon}.service starts it with --config {', '.join(dict.fromkeys(other))} ({at}), "
            f"a file hvaudit does not collect: /etc/libvirt/{daemon}.conf is not what its next "
            "start reads",
            got.sources,
        )
    return out


def _unit_config_unknown(ev: HostEvidence) -> dict[str, tuple[str, tuple[Source, ...]]]:
    """daemon -> (why, sources) for each libvirt daemon whose unit's next-start arguments were
    not read: `systemctl cat` of libvirt's services gave no answer (_systemctl_unanswered), or
    the unit's ExecStart= uses a variable while an EnvironmentFile= was unread (_unit_args).
    A `-f FILE` / `--config FILE` there (libvirt src/remote/remote_daemon.c, read with
    `find_string`: `{ "config", required_argument, NULL, 'f' }`) would make another file than
    /etc/libvirt/<daemon>.conf the one its next start reads (R24C-1). A host without systemctl
    (absent) or a bundle without the probe has no such unit and is left alone."""
    units = ev.get(_cmd("libvirt-units"))
    if units.state in ("uncollected", "absent", "not_applicable"):
        return {}
    failed = _systemctl_unanswered(units)
    out: dict[str, tuple[str, tuple[Source, ...]]] = {}
    for daemon in UNIT_DAEMONS:
        srcs: tuple[Source, ...] = (units.source,)
        if failed:
            why = f"libvirt's service units were not read ({failed})"
        else:
            got = _unit_args(ev, units, daemon)
            if got.known:
                continue
            why, srcs = got.reason, got.sources
        out[daemon] = (
            f"{daemon} is not running and {why}: whether {daemon}.service starts it with "
            f"--config FILE (another file than /etc/libvirt/{daemon}.conf) is unknown",
            srcs,
        )
    return out


#: systemd src/basic/env-file.c: the characters a backslash unescapes inside double quotes
#: (SHELL_NEED_ESCAPE, as the shell does); before any other character the backslash is kept.
_SHELL_NEED_ESCAPE = '"\\`$'
#: A name systemd keeps in an environment (env-util.c env_name_is_valid_n, ASCII only)
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _environment_file(text: str) -> dict[str, str]:
    """A systemd EnvironmentFile's variables (the last assignment wins), read as systemd's
    parse_env_file_internal reads it (src/basic/env-file.c, read with `find_string` and
    `read_file`; HL18-3): a character state machine, not a line reader. `#` or `;` where a key
    would start begins a comment to the end of the line (a backslash there continues nothing
    since v254); an unquoted value runs to the end of the line, its trailing blanks chomped,
    and a backslash escapes the next character, a newline included ("Escaped newlines we eat up
    entirely"), so `SSHD_OPTS=\\` followed by `-o ...` on the next line is one value; single
    quotes keep everything, newlines too; in double quotes a backslash unescapes `"\\`$`, eats
    a newline ("continuation lines") and is kept before any other character. A line without
    `=` sets nothing. The key is taken whole, trailing blanks stripped: env-file.c knows no
    `export`, so `export KEY=` is the key "export KEY", and EnvironmentFile= keeps only valid
    names: exec_context_load_environment runs strv_env_clean_with_callback, which drops an
    assignment env_assignment_is_valid rejects (env-util.c env_name_is_valid_n: letters, digits
    and `_`, no digit first), so such a line neither sets nor clears KEY (HL18-9)."""
    out: dict[str, str] = {}
    state, key, value = "pre_key", "", ""
    chomp: int | None = None  # where an unquoted value's trailing blanks begin

    def push() -> None:
        name = key.rstrip()
        if _ENV_NAME.fullmatch(name):
            out[name] = value

    for c in text:
        nl = c in "\n\r"
        if state == "pre_key":
            if c in "#;":
                state = "comment"
            elif not c.isspace():
                state, key = "key", c
        elif state == "key":
            if nl:
                state, key = "pre_key", ""
            elif c == "=":
                state, value, chomp = "pre_value", "", None
            else:
                key += c
        elif state == "pre_value":
            if nl:
                push()
                state, key = "pre_key", ""
            elif c == "'":
                state = "single"
            elif c == '"':
                state = "double"
            elif c == "\\":
                state = "escape"
            elif not c.isspace():
                state, value = "value", value + c
        elif state == "value":
            if nl:
                value = value[:chomp] if chomp is not None else value
                push()
                state, key = "pre_key", ""
            elif c == "\\":
                state, chomp = "escape", None
            else:
                if not c.isspace():
                    chomp = None
                elif chomp is None:
                    chomp = len(value)
                value += c
        elif state == "escape":
            state = "value"
            if not nl:
                value += c
        elif state == "single":
            if c == "'":
                state = "pre_value"
            else:
                value += c
        elif state == "double":
            if c == '"':
                state = "pre_value"
            elif c == "\\":
                state = "double_escape"
            else:
                value += c
        elif state == "double_escape":
            state = "double"
            if c in _SHELL_NEED_ESCAPE:
                value += c
            elif c != "\n":
                value += "\\" + c
        elif state == "comment":
            if c == "\\":
                state = "comment_escape"
            elif nl:
                state = "pre_key"
        elif state == "comment_escape":
            state = "pre_key" if nl else "comment"
    if state in ("pre_value", "value", "escape", "single", "double", "double_escape"):
        if state == "value" and chomp is not None:
            value = value[:chomp]
        push()
    return out


def _log_outputs_override(
    ev: HostEvidence, processes: Fact[str], boot: bool = False
) -> dict[str, Fact[tuple[str, str]]]:
    """Per QEMU-driver daemon (libvirtd, virtqemud), the log outputs that replace its file's
    log_outputs, with where they come from; a daemon whose outputs come from its file is absent.

    libvirt src/util/virdaemon.c virDaemonSetupLogging (read with `read_file`): "Libvirtd's order
    of precedence is: cmdline > environment > config": the file's log_outputs is set, then
    virLogSetFromEnv replaces it with a non-empty LIBVIRT_LOG_OUTPUTS (virlog.c). The units pass
    their environment (Environment=, EnvironmentFile=-@initconfdir@/@service@; systemd.exec(5):
    an environment file's variables win over Environment=), and `virt-admin daemon-log-outputs
    OUTPUTS` changes a running daemon's outputs until it restarts (docs/kbase/debuglogs.rst).
    So: a running daemon's outputs are read from it (virt-admin; not answered, unavailable;
    virt-admin not installed, its environment, unreadable unavailable: R40L-2, and read without
    a non-empty LIBVIRT_LOG_OUTPUTS, its file's: R41L-3); a daemon not running takes its units'
    environment at its next start (with `boot`, as the next boot gives it: _log_boot). A bundle
    without these artefacts (an older collector) leaves the file to decide (R13H-3)."""
    out: dict[str, Fact[tuple[str, str]]] = {}
    running = _running(processes, LOG_DAEMONS, lambda names: names)
    names = set(running.get()) if running.known else set()
    units = ev.get(_cmd("libvirt-units"))
    for daemon in LOG_DAEMONS:
        if daemon in names:
            got = ev.get(_cmd(f"libvirt-log-outputs-{daemon}"))
            value = got.text.strip().removeprefix("Logging outputs:").strip()
            if got.state == "ok" and got.rc == 0 and value:
                out[daemon] = Fact.of((value, "running, virt-admin daemon-log-outputs"), got.source)
                continue
            if got.state not in ("uncollected", "absent"):
                # (virt-admin not installed, or an older collector: the environment decides)
                why = got.reason.strip()[:120] or f"rc {got.rc}, no outputs"
                out[daemon] = Fact.unavailable(
                    f"the running {daemon}'s log outputs were not read (`virt-admin -c "
                    f"{daemon}:///system daemon-log-outputs`: {why})",
                    got.source,
                )
                continue
            # virt-admin not installed: the environment the running daemon started with
            # (its /proc/PID/environ) set its outputs, not its units' environment now (HL16-6)
            env_got = ev.get(_cmd(f"libvirt-environ-{daemon}"))
            started = _environ_value(env_got.text, "LIBVIRT_LOG_OUTPUTS")
            if env_got.state == "ok" and env_got.rc == 0 and started:
                out[daemon] = Fact.of(
                    (
                        started,
                        f"running {daemon}'s environment: LIBVIRT_LOG_OUTPUTS",
                    ),
                    env_got.source,
                )
                continue
            if env_got.state not in ("uncollected", "absent") and not (
                env_got.state == "ok" and env_got.rc in (0, 1)
            ):
                # the environment it started with unread (grep exit 2: "Permission denied"):
                # it may set LIBVIRT_LOG_OUTPUTS over the file, whatever the units say now, as
                # _log_debug_env reads the same artefact (R40L-2)
                why = (env_got.reason.strip() or f"rc {env_got.rc}")[:120]
                out[daemon] = Fact.unavailable(
                    f"the running {daemon}'s environment was not read (/proc/PID/environ: {why})",
                    env_got.source,
                )
                continue
            if env_got.state == "ok":
                # read, with no LIBVIRT_LOG_OUTPUTS set (or an empty one, which
                # virLogSetFromEnv skips): the running daemon's outputs are its file's,
                # whatever its units would pass at the next start (R41L-3)
                continue
        if units.state in ("uncollected", "absent"):
            continue  # an older collector, or no systemctl: no unit passes an environment
        why = _systemctl_unanswered(units)
        if why:
            out[daemon] = Fact.unavailable(
                f"{daemon}.service's environment was not read ({why})", units.source
            )
            continue
        env, where, sources, unread = _daemon_unit_env(ev, units, daemon, boot)
        if unread:
            out[daemon] = Fact.unavailable(unread, *sources)
        elif env.get("LIBVIRT_LOG_OUTPUTS"):
            out[daemon] = Fact.of(
                (
                    env["LIBVIRT_LOG_OUTPUTS"],
                    f"LIBVIRT_LOG_OUTPUTS in {where['LIBVIRT_LOG_OUTPUTS']}",
                ),
                *sources,
            )
    return out


def _environ_value(text: str, var: str) -> str:
    """The value the daemon's getenv(`var`) returns in its /proc/PID/environ (NUL-separated
    NAME=VALUE entries, as the collector's `grep -a -z` keeps them), "" where it is not set.

    libvirt src/util/virlog.c virLogSetFromEnv reads LIBVIRT_DEBUG, LIBVIRT_LOG_FILTERS and
    LIBVIRT_LOG_OUTPUTS with getenv(3); glibc stdlib/getenv.c getenv scans __environ from its
    start and returns the first entry whose name matches (read with `find_string`), and
    execve(2) hands a process an environment with a name repeated as it was given. So where a
    name is set twice, the first value is in force, not the last (R42L-1)."""
    for entry in text.split("\0"):
        name, sep, value = entry.strip("\n").partition("=")
        if sep and name == var:
            return value
    return ""


def _daemon_unit_env(
    ev: HostEvidence, units: Got, daemon: str, boot: bool = False
) -> tuple[dict[str, str], dict[str, str], list[Source], str]:
    """The environment `<daemon>.service` starts the daemon with (the service manager's
    DefaultEnvironment= and systemd.setenv=, _manager_environment: R44L-1; over them its
    Environment= and EnvironmentFile= /etc/default or /etc/sysconfig, whose variables win:
    systemd.exec(5), less what its UnsetEnvironment= removes last: R43L-1), where each
    variable is set, the sources read, and why it cannot be told ("" when it can). With `boot`,
    the one the next boot gives it: the manager's files', without what `systemctl
    set-environment` alone set (R48L-1, _log_boot)."""
    if boot:
        # the drop-ins under /run are gone at the next boot (R48L-5)
        units = replace(units, text=_boot_unit_text(units.text))
    unit_env, files = _unit_environment(units.text, daemon)
    unresolved = _unit_environment_unresolved(units.text, daemon)
    # the manager's DefaultEnvironment= and systemd.setenv= first, the unit's over them (R44L-1)
    env, where = _manager_environment_files(ev) if boot else _manager_environment(ev)
    # what its own ExecStartPre= sets in the manager's environment before ExecStart= (R47L-2)
    pre_env, pre_where, unread = _unit_pre_set_environment(units.text, daemon)
    env.update(pre_env)
    where.update(dict.fromkeys(pre_env, pre_where))
    env.update(unit_env)
    where.update(dict.fromkeys(unit_env, f"{daemon}.service Environment="))
    sources = [units.source]
    # the variables the unit sets itself, over the manager's and PID 1's (R47L-1, R47L-3)
    own = set(unit_env)
    if env:
        sources += _manager_environment_sources(ev)
    for spec in files:
        path = _unit_specifiers(spec.lstrip("-"), daemon)
        if path not in (f"/etc/default/{daemon}", f"/etc/sysconfig/{daemon}"):
            unread = f"{daemon}.service reads EnvironmentFile={spec}, which was not collected"
            break
        got = ev.get(_file(path))
        if got.state == "ok":
            variables = _environment_file(got.text)
            where.update(dict.fromkeys(variables, path))
            env.update(variables)
            own.update(variables)
            sources.append(got.source)
        elif got.state != "absent":
            unread = f"{path} could not be read ({got.reason or got.state})"
            break
    if unresolved and not unread:
        # a specifier systemd resolves from the host, or fails on and skips the word (R52L-2)
        unread = (
            f"{daemon}.service's Environment= sets "
            + ", ".join(f"{w!r}" for w in unresolved.values())
            + ", whose specifier not every systemd release knows (one that does not skips "
            "the assignment), so the value in force is unknown"
        )
    manager_why = _manager_defaults_unread(ev)
    runtime_why = "" if boot else _manager_runtime_unread(ev)
    passed = _unit_pass_environment(units.text, daemon, own)
    pending = (
        "" if boot else _unit_pending(ev, units.text, daemon, own | set(pre_env) | set(passed))
    )
    if passed and not unread:
        # PID 1's own environment, which no artefact holds, over the manager's (R47L-3)
        unread = (
            f"{daemon}.service's PassEnvironment= passes {', '.join(passed)} from the service "
            "manager's own process environment (PID 1's, to which the kernel command line's "
            "NAME=VALUE words go; `tr '\\0' '\\n' </proc/1/environ` shows it), which was not "
            "collected"
        )
    elif pending and not unread and not manager_why:
        # the files' value and the manager's differ: which one the next start takes depends
        # on a daemon-reload or boot before it (R47L-1)
        unread = f"{daemon}.service's environment may take either: {pending}"
    elif manager_why and not unread:
        # DefaultEnvironment= in a file not read may set any variable the unit leaves unset
        # (R44L-4, as R41L-2's DefaultStandardError=)
        unread = (
            f"the service manager's DefaultEnvironment=, which {daemon}.service's environment "
            f"starts from, is unknown: {manager_why}"
        )
    elif runtime_why and not unread:
        # `systemctl set-environment` may have set any variable the unit leaves unset (R45L-1)
        unread = (
            f"the service manager's environment, which {daemon}.service's environment starts "
            f"from, is unknown: `systemctl show-environment` gave no answer ({runtime_why})"
        )
    _unset_environment(env, _unit_unset_environment(units.text, daemon))
    where = {name: w for name, w in where.items() if name in env}
    return env, where, sources, unread


#: systemctl(1)'s commands that change the service manager's environment
_ENV_COMMANDS = ("set-environment", "unset-environment", "import-environment")


def _unit_pre_set_environment(text: str, daemon: str) -> tuple[dict[str, str], str, str]:
    """What `<daemon>.service`'s ExecCondition= and ExecStartPre= commands set in the service
    manager's environment before its ExecStart= runs (`systemctl set-environment NAME=VALUE`,
    a common idiom), where, and why it cannot be told ("" when it can) (R47L-2).

    systemd src/core/service.c service_spawn (read with `find_string`) calls
    unit_set_exec_params, which takes the manager's environment as it stands
    (manager_get_effective_environment), for each command it spawns, ExecStart= after the
    ExecCondition= and ExecStartPre= commands have run; `systemctl set-environment` sets the
    manager's client environment, which wins over DefaultEnvironment= (R47L-1), and the unit's
    own Environment= and EnvironmentFile= win over both (exec_child's strv_env_merge order,
    R44L-1). systemd.service(5): an empty ExecStartPre= resets the list; the `@` prefix makes
    the second word argv[0], `:` leaves `$FOO` unexpanded. A command hvaudit cannot read as
    plain `systemctl set-environment NAME=VALUE...` (unset-environment, import-environment,
    which takes the command's own environment, options, a shell around it, `$FOO` in it) that
    names one of them leaves the environment unknown."""
    commands: list[tuple[str, str, str]] = []
    for path, key, value in _service_settings(text, daemon):
        if key in ("ExecCondition", "ExecStartPre"):
            commands = [c for c in commands if c[1] != key] if not value else commands
            if value:
                commands.append((path, key, value))
    env: dict[str, str] = {}
    where = ""
    for path, key, value in commands:
        if not any(c in value for c in _ENV_COMMANDS):
            continue
        prefix = value[: len(value) - len(value.lstrip("-@:+!"))]
        try:
            words = shlex.split(value[len(prefix) :])
        except ValueError:
            words = []
        if "@" in prefix:
            words = words[:1] + words[2:]
        args = words[2:] if words[1:2] == ["set-environment"] else []
        plain = (
            words[:1]
            and words[0].rsplit("/", 1)[-1] == "systemctl"
            and args
            and all(
                re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", a, re.S)
                and (":" in prefix or "$" not in a)
                for a in args
            )
        )
        if not plain:
            return (
                {},
                "",
                (
                    f"{daemon}.service's {key}={value} (in {path}) changes the service manager's "
                    "environment at its start, in a way hvaudit does not read"
                ),
            )
        for a in args:
            name, _, val = a.partition("=")
            env[name] = val
        where = f"`systemctl set-environment` in {daemon}.service {key}="
    return env, where, ""


def _unit_pass_environment(text: str, daemon: str, own: set[str]) -> list[str]:
    """The variables `<daemon>.service`'s PassEnvironment= passes that libvirt reads
    (LIBVIRT_DEBUG, LIBVIRT_LOG_OUTPUTS, LIBVIRT_LOG_FILTERS) or its ExecStart= takes, and that
    the unit does not set itself (`own`) nor unset (R47L-3).

    systemd.exec(5) PassEnvironment= (read with `find_string`): "Pass environment variables set
    for the system service manager to executed processes. Takes a space-separated list of
    variable names", given more than once it accumulates, the empty string resets it; systemd
    src/core/execute.c build_pass_environment takes each with getenv(3), the manager's own
    process environment (not DefaultEnvironment=), and exec_child merges them over the
    manager's environment and under the unit's Environment= and EnvironmentFile= (R44L-1).
    PID 1's environment holds the kernel command line's parameters the kernel does not
    recognise (systemd commit e21fea24, "All parameters in the kernel command line are exported
    to the initial environment of PID1", read with `search`)."""
    names: list[str] = []
    for _, key, value in _service_settings(text, daemon):
        if key == "PassEnvironment":
            names = [*names, *value.split()] if value else []
    unset = {w for w in _unit_unset_environment(text, daemon) if "=" not in w}
    cmd, _ = _unit_exec_start(text, daemon)
    wanted = {"LIBVIRT_DEBUG", "LIBVIRT_LOG_OUTPUTS", "LIBVIRT_LOG_FILTERS"}
    if cmd and not _no_env_expand(cmd):
        wanted.update(re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", cmd))
    return [n for n in dict.fromkeys(names) if n in wanted - own - unset]


def _unit_pending(ev: HostEvidence, text: str, daemon: str, own: set[str]) -> str:
    """Why `<daemon>.service`'s next start may take another value than the manager's
    environment as it stands (_manager_env_pending, R47L-1), for a variable libvirt reads
    (LIBVIRT_DEBUG, LIBVIRT_LOG_OUTPUTS, LIBVIRT_LOG_FILTERS: virLogSetFromEnv) or its
    ExecStart= takes, that the unit neither sets itself (`own`) nor unsets (a name in
    UnsetEnvironment=); "" where none."""
    pending = _manager_env_pending(ev)
    if not pending:
        return ""
    unset = {w for w in _unit_unset_environment(text, daemon) if "=" not in w}
    cmd, _ = _unit_exec_start(text, daemon)
    wanted = {"LIBVIRT_DEBUG", "LIBVIRT_LOG_OUTPUTS", "LIBVIRT_LOG_FILTERS"}
    if cmd and not _no_env_expand(cmd):
        wanted.update(re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", cmd))
    return "; ".join(why for name, why in sorted(pending.items()) if name in wanted - own - unset)


def _unit_specifiers(text: str, unit: str) -> str:
    """`text` of the non-instantiated `<unit>.service` with the specifiers whose meaning is the
    same in every systemd release put in (R47L-4): systemd.unit(5) Specifiers (read with
    `find_string`): "%n" the full unit name, "%p" "For non-instantiated units, this refers to
    the name of the unit with the type suffix removed" ("%P" the same, unescaped: libvirt's
    unit names need no escaping), "%%" a single "%". "%N" is the name without its type suffix
    in every release's code (R48L-4): unit_full_printf's table maps 'N' to
    specifier_prefix_and_instance (unit_name_to_prefix_and_instance of the unit's id) from
    systemd's 2010 src/unit.c to src/core/unit-printf.c today (read with `find_string` and
    `read_file`); only the man page once called it the "unescaped full unit name". Others are
    left as written ("%h", "%t" and the like name a host's directories, "%i" an instance), so
    a path holding one is not taken as collected."""
    names = {"n": f"{unit}.service", "N": unit, "p": unit, "P": unit, "%": "%"}
    return re.sub(r"%(.)", lambda m: names.get(m.group(1), m.group(0)), text)


def _unset_environment(env: dict[str, str], words: list[str]) -> None:
    """Remove from `env` what UnsetEnvironment='s `words` name (_unit_unset_environment): a name
    every assignment of it, a NAME=VALUE assignment only that precise one."""
    for word in words:
        name, eq, value = word.partition("=")
        if name in env and (not eq or env[name] == value):
            del env[name]


#: libvirt src/util/virlog.c virLogParseDefaultPriority (read with `find_string`): the values
#: LIBVIRT_DEBUG may take (compared exactly, STREQ) and the priority each sets.
LIBVIRT_DEBUG_LEVELS = {
    "1": 1,
    "debug": 1,
    "2": 2,
    "info": 2,
    "3": 3,
    "warning": 3,
    "4": 4,
    "error": 4,
}


#: _log_debug_env's value for a variable whose environment could not be told (no environment
#: value holds a NUL: execve(2) passes NUL-terminated strings)
ENV_UNKNOWN = "\0unknown"


def _log_debug_env(
    ev: HostEvidence, processes: Fact[str], var: str = "LIBVIRT_DEBUG", boot: bool = False
) -> dict[str, Fact[tuple[tuple[str, str], ...]]]:
    """Per QEMU-driver daemon (libvirtd, virtqemud): `var` (LIBVIRT_DEBUG, or
    LIBVIRT_LOG_FILTERS, which virLogSetFromEnv likewise sets over the file's log_filters) in
    the environment it runs with now and in the one its units give its next start, as (where it
    is set, its value; "" where it is not), one pair per environment read.

    libvirt src/util/virlog.c virLogSetFromEnv (read with `find_string`): a non-empty
    LIBVIRT_DEBUG sets the default priority (virLogParseDefaultPriority: "1"/"debug" ...
    "4"/"error", compared exactly), after the file's log_level (virdaemon.c
    virDaemonSetupLogging, "cmdline > environment > config"), so `LIBVIRT_DEBUG=1` logs at
    debug as `log_level = 1` does, and `LIBVIRT_DEBUG=3` overrides a file's `log_level = 1`. A
    running daemon's environment is the one it started with (its /proc/PID/environ, of which the
    collector keeps only libvirt's logging variables); its units' give the next start's. The
    running daemon's environment not read (an older collector: no artefact) leaves the units to
    decide; unreadable, unknown. Where the units' environment cannot be told (_daemon_unit_env's
    why), their pair holds ENV_UNKNOWN: the check asks where an output writes debug (R45L-4)."""
    out: dict[str, Fact[tuple[tuple[str, str], ...]]] = {}
    running = _running(processes, LOG_DAEMONS, lambda names: names)
    names = set(running.get()) if running.known else set()
    units = ev.get(_cmd("libvirt-units"))
    for daemon in LOG_DAEMONS:
        found: list[tuple[str, str]] = []
        sources: list[Source] = []
        if daemon in names:
            got = ev.get(_cmd(f"libvirt-environ-{daemon}"))
            if got.state == "ok" and got.rc in (0, 1):
                sources.append(got.source)
                value = _environ_value(got.text, var)
                found.append((f"running {daemon}'s environment: {var}={value}", value))
            elif got.state not in ("uncollected", "absent"):
                why = (got.reason.strip() or f"rc {got.rc}")[:120]
                out[daemon] = Fact.unavailable(
                    f"the running {daemon}'s environment was not read (/proc/PID/environ: {why})",
                    got.source,
                )
                continue
        unit_why = "" if units.state in ("uncollected", "absent") else _systemctl_unanswered(units)
        if unit_why:
            out[daemon] = Fact.unavailable(
                f"{daemon}.service's environment was not read ({unit_why})", units.source
            )
            continue
        if units.state == "ok":
            env, where, unit_srcs, unread = _daemon_unit_env(ev, units, daemon, boot)
            sources += unit_srcs
            if unread:
                # the next start's environment unknown (an EnvironmentFile= not read, the
                # manager's DefaultEnvironment= or run-time environment unknown: R44L-4,
                # R45L-1) may set `var` even where the running daemon's is read (R45L-4)
                found.append(
                    (f"{var} at {daemon}.service's next start is unknown: {unread}", ENV_UNKNOWN)
                )
            else:
                value = env.get(var, "")
                place = where.get(var, f"{daemon}.service")
                found.append((f"{var}={value} in {place}", value))
        if sources:
            out[daemon] = Fact.of(tuple(found), *sources)
    return out


#: The variables libvirt's daemons read their logging from (virlog.c virLogSetFromEnv)
_LOG_VARS = ("LIBVIRT_DEBUG", "LIBVIRT_LOG_FILTERS", "LIBVIRT_LOG_OUTPUTS")


def _log_boot(ev: HostEvidence, processes: Fact[str], lh: LibvirtHost) -> LogBoot | None:
    """The QEMU-driver daemons' log outputs and logging variables as the next boot gives their
    next start, where one of libvirt's logging variables (_LOG_VARS) stands only in the service
    manager's environment as it stands (`systemctl show-environment`, no DefaultEnvironment=
    or systemd.setenv= sets it: R48L-1), or a drop-in of their units under /run that no boot
    writes again (_runtime_dropins, R48L-5), or a DefaultEnvironment= in the service manager's
    files under /run (R51L-4), changes them; None where nothing does.

    `systemctl set-environment` sets the manager's client environment (systemd src/core/
    manager.c manager_client_environment_modify, read with `find_string`), which lives in PID
    1's memory alone: src/core/manager-serialize.c manager_serialize writes it ("env") only to
    carry it across a daemon-reload or daemon-reexec (not even a switch-root), and
    manager_free frees it, so no boot keeps it; /run is emptied at every boot (_boot_unit_text).
    A verdict resting on either holds until the next boot: HVA-213 and HVA-200 judge both
    (_libvirt.judged_at_boot)."""
    runtime = _manager_runtime_environment(ev) or {}
    # the next boot reads the manager's files without those under /run (R51L-4)
    units_boot = _UnitBootEvidence(ev)
    files, set_in = _manager_environment_files(ev)
    names = tuple(n for n in _LOG_VARS if n in runtime and n not in files)
    units = ev.get(_cmd("libvirt-units"))
    dropins = tuple(
        path
        for path in _runtime_dropins(units.text if units.state == "ok" else "")
        if any(f"/{d}.service.d/" in path for d in LOG_DAEMONS)
    ) + tuple(_runtime_units(units.text if units.state == "ok" else "", LOG_DAEMONS))
    managed = tuple(
        dict.fromkeys(
            where.partition(" ")[0] for where in set_in.values() if where.startswith("/run/")
        )
    )
    if not names and not dropins and not managed:
        return None
    outputs = _log_outputs_override(units_boot, processes, boot=True)
    debug = _log_debug_env(units_boot, processes, boot=True)
    filters = _log_debug_env(units_boot, processes, "LIBVIRT_LOG_FILTERS", boot=True)
    # the units' journald settings (LogLevelMax=, LogFilterPatterns=, LogNamespace=,
    # StandardError=) as the next boot gives them: without the /run drop-ins (R51L-2)
    cap = _log_level_cap(units_boot)
    patterns = _log_filter_patterns(units_boot)
    namespace = _log_namespace(units_boot)
    elsewhere, unsettled = _stderr_elsewhere(units_boot)
    journald_same = (cap, patterns, namespace, elsewhere, unsettled) == (
        lh.log_level_cap,
        lh.log_filter_patterns,
        lh.log_namespace,
        lh.stderr_elsewhere,
        lh.stderr_unsettled,
    )

    def same(a: dict[str, Fact[Any]], b: dict[str, Fact[Any]]) -> bool:
        return {k: (f.state, f.value) for k, f in a.items()} == {
            k: (f.state, f.value) for k, f in b.items()
        }

    if (
        same(outputs, lh.log_outputs_override)
        and same(debug, lh.log_debug_env)
        and same(filters, lh.log_filters_env)
        and journald_same
    ):
        return None
    why = [
        f"{', '.join(f'{n}={runtime[n]!r}' for n in names)} in the service manager's "
        "environment (systemctl show-environment), set by `systemctl set-environment` and by "
        "no file"
    ][: bool(names)]
    if dropins:
        why.append(
            f"{', '.join(dropins)}, under /run (where `systemctl edit --runtime` and "
            "`set-property --runtime` write)"
        )
    if managed:
        why.append(
            f"DefaultEnvironment= in {', '.join(managed)} (the service manager's configuration "
            "under /run, which every boot empties)"
        )
    return LogBoot(
        "; ".join(why),
        names + dropins + managed,
        outputs,
        debug,
        filters,
        cap,
        patterns,
        namespace,
        elsewhere,
        unsettled,
    )


class _UnitBootEvidence(HostEvidence):
    """The host's evidence with libvirt's units as the next boot gives them (_boot_unit_text:
    without their drop-ins under /run, R48L-5), for the readers of their journald settings
    (_log_level_cap, _log_filter_patterns, _log_namespace, _stderr_elsewhere: R51L-2)."""

    def __init__(self, ev: HostEvidence) -> None:
        self.bundle = ev.bundle
        self.missing = ev.missing

    def get(self, artefact: str) -> Got:
        got = super().get(artefact)
        if artefact == _cmd("libvirt-units") and got.state == "ok":
            # a whole unit of libvirt's daemons under /run replaces the one the next boot
            # loads, which `systemctl cat` does not print: that start is unread (R52L-4)
            if whole := _runtime_units(got.text, LOG_DAEMONS):
                return Got(
                    "failed",
                    "",
                    got.rc,
                    f"{', '.join(whole)} under /run replaces the unit file the next boot "
                    "loads, which was not read",
                    got.source,
                )
            return replace(got, text=_boot_unit_text(got.text))
        # the service manager's configuration under /run: systemd-system.conf(5) reads
        # /run/systemd/system.conf and system.conf.d beside /etc's; /run is emptied at every
        # boot (_JournaldBootEvidence) (R51L-4)
        if artefact == _file("/run/systemd/system.conf") and got.state != "uncollected":
            return Got("absent", "", None, "/run is emptied at every boot", got.source)
        if artefact == _cmd("system-conf-d") and got.state == "ok":
            lines = got.text.splitlines(keepends=True)
            return replace(got, text="".join(x for x in lines if not x.startswith("/run/")))
        return got


#: The unit directories under /run whose files no boot recreates: `systemctl edit --runtime`'s
#: (/run/systemd/system), `set-property --runtime`'s (systemd's acquire_control_dirs: the
#: runtime control directory /run/systemd/system.control beside /etc's, read with
#: `find_string`) and transient units'; generators write theirs (/run/systemd/generator*)
#: again at every boot.
_RUNTIME_UNIT_DIRS = (
    "/run/systemd/system/",
    "/run/systemd/system.control/",
    "/run/systemd/transient/",
)


def _runtime_dropins(text: str) -> list[str]:
    """The drop-ins of `systemctl cat` output (each file after a "# PATH" line) in a unit
    directory under /run that no boot recreates (_RUNTIME_UNIT_DIRS)."""
    return [
        path
        for line in text.splitlines()
        if line.startswith("# /")
        and (path := line[2:].strip()).startswith(_RUNTIME_UNIT_DIRS)
        and ".d/" in path
    ]


def _runtime_units(text: str, names: tuple[str, ...]) -> list[str]:
    """The whole unit files (not drop-ins) of `<name>.service` for `names` that `systemctl
    cat` output prints from a unit directory under /run that no boot recreates
    (_RUNTIME_UNIT_DIRS: `systemctl edit --runtime --full`). systemd.unit(5) "Unit File Load
    Path" (read with `search`): /etc/systemd/system, then /run/systemd/system, then
    /usr/lib/systemd/system; the first directory holding the unit's file wins, and `systemctl
    cat` prints that file alone. A unit file printed from /run therefore hides the one the
    next boot loads (/usr/lib's, or none), which this output does not hold; one under /etc
    still wins over /run and is printed instead (R52L-4)."""
    return [
        path
        for line in text.splitlines()
        if line.startswith("# /")
        and (path := line[2:].strip()).startswith(_RUNTIME_UNIT_DIRS)
        and path.rpartition("/")[2] in {f"{n}.service" for n in names}
    ]


def _log_daemon_runtime(text: str) -> tuple[str, ...]:
    """The files of `systemctl cat systemd-journald.service rsyslog.service` output in a unit
    directory under /run that no boot writes again (_RUNTIME_UNIT_DIRS: drop-ins, and a whole
    unit `systemctl edit --runtime --full` writes there), each setting at least one directive.
    systemctl(1) --runtime: "make changes only temporarily, so that they are lost on the next
    reboot ... not made in subdirectories of /etc but in /run"; such a file decides how the
    log daemon runs now (its ExecStart=, rsyslogd(8) -f: "Specify an alternative
    configuration file instead of /etc/rsyslog.conf"; its Environment=, LogLevelMax=,
    StandardOutput=), and the next boot starts it without, which hvaudit does not judge: a
    pass of HVA-200 or HVA-213 resting on it is asked (_libvirt.judged_at_boot, R52L-1)."""
    paths: list[str] = []
    path = ""
    for line in text.splitlines():
        if line.startswith("# /"):
            path = line[2:].strip()
            continue
        body = line.strip()
        if (
            path.startswith(_RUNTIME_UNIT_DIRS)
            and "=" in body
            and not body.startswith(("#", ";", "["))
            and path not in paths
        ):
            paths.append(path)
    return tuple(paths)


def _boot_unit_text(text: str) -> str:
    """`systemctl cat` output without the drop-ins _runtime_dropins names: the units as the
    next boot gives them. systemctl(1) --runtime: "make changes only temporarily, so that
    they are lost on the next reboot ... not made in subdirectories of /etc but in /run"
    (R48L-5)."""
    dropped = set(_runtime_dropins(text))
    out: list[str] = []
    skip = False
    for line in text.splitlines(keepends=True):
        if line.startswith("# /"):
            skip = line[2:].strip() in dropped
        if not skip:
            out.append(line)
    return "".join(out)


def _log_level_cap(ev: HostEvidence) -> dict[str, str]:
    """Per QEMU-driver daemon (libvirtd, virtqemud): why journald drops its errors, where the
    last LogLevelMax= of its unit (the unit file, then its drop-ins) is above err.
    systemd.exec(5) LogLevelMax= ("Configures filtering by log level of log messages generated
    by this unit", systemd commit f0f0fe33, read with `search`; an empty value resets it):
    journald tests every message a unit's process sends, native, syslog(3) or its standard
    output, with journald-context.h client_context_test_priority (`LOG_PRI(priority) <=
    c->log_level_max`) before it stores or forwards it (journald-native.c, journald-syslog.c,
    journald-stream.c, read with `find_string`), so libvirt's errors reach neither the journal
    nor a syslog daemon (R35L-3). The unit file's parser is conf-parser.c config_parse_log_level
    (load-fragment-gperf LogLevelMax=), which ignores a value log_level_from_string refuses,
    the empty one among them ("Failed to parse log level, ignoring"; systemd 2557246c, read with
    `read_file`): an empty LogLevelMax= keeps the level before it, it resets nothing (R36L-2). The unit files give the daemon's next start; a daemon
    started before a drop-in was added keeps the value it started with. Units not read leave
    it unjudged here (HVA-213 asks about them through their environment)."""
    units = ev.get(_cmd("libvirt-units"))
    if units.state != "ok" or _systemctl_unanswered(units):
        return {}
    out: dict[str, str] = {}
    for daemon in LOG_DAEMONS:
        cap: tuple[int, str] | None = None
        for path, key, value in _service_settings(units.text, daemon):
            # an empty value is no level: ignored, not a reset (R36L-2)
            if key == "LogLevelMax" and (level := _log_level(value)) is not None:
                cap = (level, f"LogLevelMax={value} in {path}")
        if cap is not None and cap[0] < _LOG_LEVELS.index("err"):
            out[daemon] = (
                f"{cap[1]}: journald drops {daemon}'s messages below {_LOG_LEVELS[cap[0]]}, "
                "its errors among them, before it stores or forwards them"
            )
    return out


def _log_filter_patterns(ev: HostEvidence) -> dict[str, str]:
    """Per QEMU-driver daemon (libvirtd, virtqemud): its unit's LogFilterPatterns= in force and
    their files, where any stands after the last empty one. systemd.exec(5) LogFilterPatterns=
    (systemd 253): journald matches each message of the unit against them before it stores or
    forwards it: journald-client.c client_context_check_keep_log (read with `find_string`)
    drops a message a deny pattern (a leading "~") matches and, where allow patterns are set,
    one none of them matches, called in journald-stream.c and the other paths beside
    client_context_test_priority. systemd's src/test/test-load-fragment.c
    TEST(config_parse_log_filter_patterns) (read with `find_string`): an empty value resets
    both lists, a pattern that does not compile is ignored. Which messages a regular
    expression keeps is not judged here: libvirt's errors may be among those dropped, so the
    checks ask (R37L-2). A systemd before 253 ignores the key as unknown: the question says
    so."""
    units = ev.get(_cmd("libvirt-units"))
    if units.state != "ok" or _systemctl_unanswered(units):
        return {}
    out: dict[str, str] = {}
    for daemon in LOG_DAEMONS:
        patterns: list[tuple[str, str]] = []
        for path, key, value in _service_settings(units.text, daemon):
            if key == "LogFilterPatterns":
                patterns = [] if not value else [*patterns, (path, value)]
        if patterns:
            where = ", ".join(dict.fromkeys(path for path, _ in patterns))
            shown = " ".join(f"LogFilterPatterns={value}" for _, value in patterns)
            out[daemon] = f"{shown} in {where}"
    return out


#: StandardOutput=/StandardError= values whose output reaches the journal: systemd.exec(5)
#: "journal", "kmsg" (stored in the journal as well, systemd 706343f4's man page: "everything
#: that is written to syslog or kmsg is implicitly stored in the journal as well"), their
#: "+console" forms, and the obsolete "syslog" forms systemd rewrites to journal (systemd PR
#: 15812: "Standard output type syslog is obsolete, automatically updating to journal")
_JOURNAL_OUTPUTS = frozenset(
    ("journal", "journal+console", "kmsg", "kmsg+console", "syslog", "syslog+console")
)


#: systemd-system.conf(5) "Configuration Directories and Precedence" (read with `search`): "The
#: main configuration file is loaded from one of the listed directories in order of priority,
#: only the first file found is used: /etc/systemd/, /run/systemd/, /usr/local/lib/systemd/,
#: /usr/lib/systemd/"; the drop-ins of system.conf.d in the same directories override it.
SYSTEM_CONF_MAINS = (
    "/etc/systemd/system.conf",
    "/run/systemd/system.conf",
    "/usr/local/lib/systemd/system.conf",
    "/usr/lib/systemd/system.conf",
)
SYSTEM_CONF_D = tuple(f"{m}.d" for m in SYSTEM_CONF_MAINS)
#: The output kinds a DefaultStandardOutput=/DefaultStandardError= may name (systemd.exec(5)
#: StandardOutput=: inherit, null, tty, journal, kmsg, journal+console, kmsg+console, socket,
#: and the obsolete syslog forms); a value outside them is taken as no setting.
_MANAGER_OUTPUTS = frozenset(("inherit", "null", "tty", "socket", *_JOURNAL_OUTPUTS))


def _manager_settings(ev: HostEvidence) -> list[tuple[str, str, str]]:
    """The [Manager] settings of the service manager's configuration as (file, key, value), in
    the order systemd applies them: the first main system.conf found, then its system.conf.d
    drop-ins sorted by name (systemd-system.conf(5) "Configuration Directories and
    Precedence"). Files not collected or not read give nothing (_manager_defaults_unread)."""
    path, main = _first_main(ev, SYSTEM_CONF_MAINS)
    drop = ev.get(_cmd("system-conf-d"))
    files: list[tuple[str, list[str]]] = []
    if main.state == "ok":
        files.append((path, _systemd_lines(main.text.splitlines())))
    if drop.state == "ok" and not _grep_unanswered(drop):
        by_file = _by_file(drop.text)
        chosen = _systemd_dropins(by_file, SYSTEM_CONF_D)
        files += [(chosen[n], _systemd_lines(by_file[chosen[n]])) for n in sorted(chosen)]
    out: list[tuple[str, str, str]] = []
    for where, lines in files:
        section = ""
        for line in lines:
            line = line.strip()
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1]
                continue
            key, eq, value = line.partition("=")
            if section == "Manager" and eq:
                out.append((where, key.strip(), value.strip()))
    return out


def _manager_environment(ev: HostEvidence) -> tuple[dict[str, str], dict[str, str]]:
    """The service manager's environment for the services it starts, as the next start of a
    unit takes it, and where each variable is set: the manager's environment as it stands
    (`systemctl show-environment`, _manager_runtime_environment) where it answered, which
    replaces the files' reading (R47L-1: _manager_env_pending names where they differ), else
    _manager_environment_files'."""
    env, where = _manager_environment_files(ev)
    runtime = _manager_runtime_environment(ev)
    if runtime is None:
        return env, where
    # the manager's environment as it stands is the one its next start of a unit takes, the
    # files' values as last read among it (R47L-1): a variable where the files differ is
    # _manager_env_pending's
    return dict(runtime), {
        name: where[name] if env.get(name) == val else RUNTIME_ENV for name, val in runtime.items()
    }


def _manager_environment_files(ev: HostEvidence) -> tuple[dict[str, str], dict[str, str]]:
    """The service manager's environment as its files give it, and where each variable is set:
    system.conf's DefaultEnvironment= (its files in _manager_settings' order) and then the
    kernel command line's systemd.setenv=.

    systemd-system.conf(5) DefaultEnvironment= "Sets manager environment variables passed to
    all executed processes. Takes a space-separated list of variable assignments" (quoted
    words hold blanks), and systemd.exec(5) points there and to systemd.setenv= "to specify
    variables globally" (the man page changes of 2013, read with `search`). systemd
    src/core/main.c (read with `find_string`): parse_proc_cmdline_item's systemd.setenv= sets
    its VARIABLE=VALUE into the same arg_default_environment (strv_env_replace_strdup) after
    the files are parsed. src/core/execute.c exec_child (read with `find_string`) builds a
    service's environment with strv_env_merge(params->environment, our_env, pass_env,
    context->environment, files_env): the manager's first, so a unit's Environment= and
    EnvironmentFile= override it and its UnsetEnvironment= removes it (R44L-1). The manager's
    environment as it stands (_manager_runtime_environment: `systemctl set-environment` and
    `import-environment` change it at run time, R45L-1) holds them as the manager last read
    them (R47L-1)."""
    env: dict[str, str] = {}
    where: dict[str, str] = {}
    for path, key, value in _manager_settings(ev):
        if key != "DefaultEnvironment":
            continue
        if not value:
            env.clear()
            where.clear()
            continue
        try:
            words = shlex.split(value)
        except ValueError:
            words = value.split()
        for w in words:
            name, eq, val = w.partition("=")
            if eq and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                env[name] = val
                where[name] = f"{path} DefaultEnvironment="
    for w in _systemd_cmdline(ev):
        key, _, assignment = w.partition("=")
        name, eq, val = assignment.partition("=")
        if key == "systemd.setenv" and eq and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            env[name] = val
            where[name] = "the kernel command line's systemd.setenv="
    return env, where


#: Where _manager_environment finds a variable of the manager's environment as it stands
RUNTIME_ENV = "the service manager's environment (systemctl show-environment)"


def _manager_env_pending(ev: HostEvidence) -> dict[str, str]:
    """Per variable the service manager's files (DefaultEnvironment=, systemd.setenv=) set to a
    value its environment as it stands (`systemctl show-environment`) does not hold: why the
    next start of a unit may take either (R47L-1).

    systemd src/core/main.c set_manager_defaults (read with `find_string`) rebuilds the
    manager's transient environment from scratch (src/core/manager.c
    manager_default_environment frees it) and adds arg_default_environment, the files' and
    systemd.setenv='s variables, at the manager's start and at each daemon-reload
    (invoke_main_loop's MANAGER_RELOAD: parse_configuration, then set_manager_defaults);
    manager_get_effective_environment merges the client environment over it, which `systemctl
    set-environment` sets and `unset-environment` only removes from
    (manager_client_environment_modify: strv_env_delete of m->client_environment), and which no
    boot keeps. So a variable the files set that show-environment lacks, or holds with another
    value, is one the manager has not read since the files changed, or one set-environment
    overrides until the next boot: the next start before a daemon-reload takes
    show-environment's value, one after it (or after a boot) may take the files'."""
    runtime = _manager_runtime_environment(ev)
    if runtime is None:
        return {}
    env, where = _manager_environment_files(ev)
    out: dict[str, str] = {}
    for name, val in env.items():
        if runtime.get(name) == val:
            continue
        now = f"holds {name}={runtime[name]!r}" if name in runtime else f"lacks {name}"
        out[name] = (
            f"{where[name]} sets {name}={val!r}, but the service manager's environment "
            f"(systemctl show-environment) {now}: the manager has not read it since it "
            "changed, or `systemctl set-environment` overrides it until the next boot, so "
            "whether a daemon-reload or a boot comes first decides which one the next start takes"
        )
    return out


#: systemd src/basic/escape.c cescape_char (read with `find_string`): the one-letter escapes
#: shell_maybe_quote's $'...' form writes for control characters
_C_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def _manager_runtime_environment(ev: HostEvidence) -> dict[str, str] | None:
    """The service manager's environment block as it stands now, from `systemctl
    show-environment` (None where it was not collected or gave no answer:
    _manager_runtime_unread says why).

    systemd src/core/dbus-manager.c property_get_environment (the Environment property
    show-environment prints) and src/core/unit.c unit_set_exec_params (the environment every
    service it starts next is given) both take manager_get_effective_environment (read with
    `find_string`): DefaultEnvironment= and systemd.setenv= as the manager read them, merged
    with what `systemctl set-environment` and `import-environment` set since (the client
    environment, which wins). systemctl's print_variable (src/systemctl/
    systemctl-set-environment.c) writes each as NAME=VALUE, a VALUE with blanks, quotes or
    control characters as shell_maybe_quote's POSIX `$'...'` form (src/basic/escape.c: a
    backslash before `\\` and `'`, cescape_char's escapes for control characters; read with
    `find_string`); an older systemctl printed VALUE as it is."""
    got = ev.get(_cmd("systemd-manager-environment"))
    if got.state != "ok" or got.rc != 0:
        return None
    out: dict[str, str] = {}
    for line in got.text.splitlines():
        name, eq, value = line.partition("=")
        if not eq or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            continue
        if len(value) >= 3 and value.startswith("$'") and value.endswith("'"):
            value = re.sub(r"\\(x[0-9A-Fa-f]{2}|[0-7]{3}|.)", _c_unescape, value[2:-1])
        out[name] = value
    return out


def _c_unescape(m: re.Match[str]) -> str:
    """One escape of shell_maybe_quote's `$'...'` form (_manager_runtime_environment): `\\xHH`,
    `\\NNN` (octal), a letter of _C_ESCAPES, or the character itself (`\\\\`, `\\'`)."""
    esc = m.group(1)
    if len(esc) == 3 and esc[0] == "x":
        return chr(int(esc[1:], 16))
    if len(esc) == 3:
        return chr(int(esc, 8))
    return _C_ESCAPES.get(esc, esc)


def _manager_env_unread(ev: HostEvidence) -> str:
    """Why the service manager's environment for the services it starts next
    (_manager_environment) is unknown: its DefaultEnvironment= files not read
    (_manager_defaults_unread, R44L-4) or `systemctl show-environment` unanswered
    (_manager_runtime_unread, R45L-1); "" where neither."""
    if why := _manager_defaults_unread(ev):
        return why
    if why := _manager_runtime_unread(ev):
        return f"`systemctl show-environment` gave no answer ({why})"
    return ""


def _manager_runtime_unread(ev: HostEvidence) -> str:
    """Why the service manager's environment as it stands (_manager_runtime_environment) is
    unknown: `systemctl show-environment` did not run or exited with an error (no bus: "Failed
    to connect to bus", access denied); "" where it answered, or where it was not collected
    (a bundle collected before R45L-1: the files alone, as before) or systemctl is absent."""
    got = ev.get(_cmd("systemd-manager-environment"))
    if got.state in ("uncollected", "absent"):
        return ""
    return _unanswered(got, lambda _line: False, answers=(0,), quiet_rc=0)


def _manager_environment_sources(ev: HostEvidence) -> list[Source]:
    """The artefacts _manager_environment reads: the main system.conf in use, the system.conf.d
    drop-ins, the kernel command line and the manager's environment block, those collected."""
    got = [_first_main(ev, SYSTEM_CONF_MAINS)[1], ev.get(_cmd("system-conf-d"))]
    got.append(ev.get(_file("/proc/cmdline")))
    got.append(ev.get(_cmd("systemd-manager-environment")))
    return [g.source for g in got if g.state == "ok"]


def _manager_std_defaults(ev: HostEvidence) -> dict[str, tuple[str, str]]:
    """The service manager's DefaultStandardOutput= and DefaultStandardError= where set, as
    (value, where): systemd-system.conf(5) [Manager] "Sets the default output or error output
    for all services and sockets, that is, it controls the default for StandardOutput= and
    StandardError=" (defaults journal and inherit), in the first main system.conf found and
    its system.conf.d drop-ins (sorted by name, the last assignment wins), then the kernel
    command line's systemd.default_standard_output= / systemd.default_standard_error=, which
    systemd src/core/main.c parse_configuration reads after the files (parse_config_file, then
    proc_cmdline_parse with parse_proc_cmdline_item; read with `find_string`). Files not
    collected or not read leave the compiled-in defaults (a lead: asked nowhere yet)."""
    out: dict[str, tuple[str, str]] = {}
    for where, key, value in _manager_settings(ev):
        managed = key in ("DefaultStandardOutput", "DefaultStandardError")
        if managed and value in _MANAGER_OUTPUTS:
            out[key] = (value, f"{key}={value} in {where}")
    for w in _systemd_cmdline(ev):
        key, _, value = w.partition("=")
        name = {
            "systemd.default_standard_output": "DefaultStandardOutput",
            "systemd.default_standard_error": "DefaultStandardError",
        }.get(key)
        if name and value in _MANAGER_OUTPUTS:
            out[name] = (value, f"kernel command line {w}")
    return out


def _stderr_elsewhere(ev: HostEvidence) -> tuple[dict[str, str], dict[str, str]]:
    """Per QEMU-driver daemon (libvirtd, virtqemud): where its standard error goes, where its
    unit sends it elsewhere than the journal. systemd.exec(5): StandardError= defaults to
    inherit (DefaultStandardError=inherit), which takes StandardOutput=, whose default is
    journal (DefaultStandardOutput=journal; systemd 706343f4, read with `search`); the last
    value of each in the unit and its drop-ins stands. An output of null, tty, file:,
    append:, truncate:, socket or fd: (or StandardOutput=inherit, standard input's, null by
    default) is not the journal, so libvirt's `stderr` log output reaches no system log there
    (R37L-4). A setting the unit leaves unset takes the service manager's default
    (_manager_std_defaults: system.conf's DefaultStandardError=, DefaultStandardOutput= or the
    kernel command line's), so `DefaultStandardError=null` sends a unit's stderr nowhere
    (R40L-3). Where such a default is in a file that could not be read (_manager_defaults_
    unread), where the daemon's standard error goes is unknown: the second map names those
    daemons and why (R41L-2)."""
    units = ev.get(_cmd("libvirt-units"))
    if units.state != "ok" or _systemctl_unanswered(units):
        return {}, {}
    defaults = _manager_std_defaults(ev)
    unread = _manager_defaults_unread(ev)
    out: dict[str, str] = {}
    unsettled: dict[str, str] = {}
    for daemon in LOG_DAEMONS:
        last: dict[str, tuple[str, str]] = {}
        for path, key, value in _service_settings(units.text, daemon):
            if key in ("StandardOutput", "StandardError") and value:
                last[key] = (f"{key}={value} in {path}", value)
        unset = [
            k
            for k in ("StandardOutput", "StandardError")
            if k not in last and f"Default{k}" not in defaults
        ]
        for key in ("StandardOutput", "StandardError"):
            if key not in last and f"Default{key}" in defaults:
                value, where = defaults[f"Default{key}"]
                last[key] = (where, value)
        err = last.get("StandardError")
        # the setting that decides is left to a manager's default in a file not read
        deciding = "StandardError" if err is None or err[1] != "inherit" else "StandardOutput"
        if unread and deciding in unset:
            unsettled[daemon] = (
                f"{daemon}.service sets no {deciding}=, whose service manager default "
                f"(Default{deciding}=) is unknown: {unread}"
            )
            continue
        if err is not None and err[1] != "inherit":
            value, where = err[1], err[0]
        elif "StandardOutput" in last:
            where, value = last["StandardOutput"]
            where += f" ({err[0]})" if err is not None else ""
        else:
            continue
        if value.lower() not in _JOURNAL_OUTPUTS:
            out[daemon] = where
    return out, unsettled


def _manager_defaults_unread(ev: HostEvidence) -> str:
    """Why the files holding the service manager's DefaultStandardOutput= and
    DefaultStandardError= (_manager_std_defaults) could not be read: the main system.conf in
    use (a read error, or unknown: _first_main "unseen") or the system.conf.d drop-ins (grep
    unanswered: "Permission denied"), "" where they were read, are absent or not collected (an
    older collector, which leaves the compiled-in defaults assumed). Such a file may set either
    default to null (R41L-2, the R40L-3 lead)."""
    path, main = _first_main(ev, SYSTEM_CONF_MAINS)
    drop = ev.get(_cmd("system-conf-d"))
    whys: list[str] = []
    if main.state not in ("ok", "absent", "uncollected"):
        whys.append(f"{path} was not read ({main.reason or main.state})")
    if drop.state not in ("ok", "absent", "uncollected"):
        whys.append(f"the system.conf.d drop-ins were not read ({drop.reason or drop.state})")
    elif drop.state == "ok" and (why := _grep_unanswered(drop)):
        whys.append(f"the system.conf.d drop-ins were not read ({why})")
    return "; ".join(whys)


def _log_namespace(ev: HostEvidence) -> dict[str, str]:
    """Per QEMU-driver daemon (libvirtd, virtqemud): the journal namespace its unit's last
    LogNamespace= names and where, where one does. An empty value is not taken as a return to
    the default namespace (how systemd's parser takes it was not confirmed): the namespace
    before it is still asked.
    systemd-journald.service(8) "Journal Namespaces" (systemd 245, read with `read_file`):
    such a unit's syslog, native and stdout logging all go to the namespace's own
    systemd-journald@NAMESPACE instance, "configured through
    /etc/systemd/journald@NAMESPACE.conf" (not collected), its data in
    /var/log/journal/MACHINE_ID.NAMESPACE; "log data from other namespaces is not visible"
    where the default one is read, and the kernel command line's journald settings are
    "only honoured by the default namespace". Whether that instance keeps or forwards
    libvirt's messages, and whether a forwarder reads it, is not in the evidence: asked
    (R37L-3)."""
    units = ev.get(_cmd("libvirt-units"))
    if units.state != "ok" or _systemctl_unanswered(units):
        return {}
    out: dict[str, str] = {}
    for daemon in LOG_DAEMONS:
        found = ""
        for path, key, value in _service_settings(units.text, daemon):
            if key == "LogNamespace" and value:
                found = f"LogNamespace={value} in {path}"
        if found:
            out[daemon] = found
    return out


def _tls_key(ev: HostEvidence) -> Fact[dict[str, str]]:
    """The default TLS server key and the directories above it: path -> "mode user group" as
    stat reports them (a path stat could not find is absent: no key there). A bundle without the
    artefact (an older collector) holds none of them."""
    got = ev.get(_cmd("libvirt-tls-key"))
    if got.state == "uncollected":
        return Fact.of({}, got.source)
    if got.state == "failed":
        return Fact.failed(got.reason, got.source)
    if got.state == "absent":
        return Fact.unavailable("stat is not installed", got.source)
    stats = {p: m for p, m in _stat_lines(got.text).items() if p in TLS_KEY_PATHS}
    # a path stat could not reach may be the key, readable by all; unless a directory stat
    # read denies others search above it (path_resolution(7)), that is not known (R24P-1)
    closed = any(
        re.fullmatch(r"[0-7]{1,4}", stats.get(d, "").split(" ", 1)[0])
        and not int(stats[d].split(" ", 1)[0], 8) & 0o001
        for d in TLS_KEY_PATHS[:-1]
    )
    if (why := _stat_unanswered(got)) and not closed:
        return Fact.failed(f"stat could not read every path ({why})", got.source)
    return Fact.of(stats, got.source)


def _sockets(g: Got) -> Fact[dict[str, str]]:
    """path -> "mode user group" as `stat -c '%a %U %G %n'` reports them; a path stat did not
    find is absent, one it could not reach leaves the answer incomplete (_stat_unanswered)."""
    if g.state == "absent":
        return Fact.unavailable("stat is not installed", g.source)
    if why := _stat_unanswered(g):
        return Fact.failed(f"stat could not read every path ({why})", g.source)
    return Fact.of(_stat_lines(g.text), g.source)


def _stat_lines(text: str) -> dict[str, str]:
    """path -> "mode user group" of each `stat -c '%a %U %G %n'` line."""
    out = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 4 and digits(parts[0]):
            out[parts[3]] = " ".join(parts[:3])
    return out


#: Default priorities of nwfilter chains, by the protocol prefix of the chain's name, as libvirt
#: assigns them when a definition gives none (src/conf/nwfilter_conf.c `chain_priorities`, read
#: with `read_file`: root 0, mac -800, vlan -750, ipv4 -700, ipv6 -600, arp -500, rarp -400; the
#: map has no stp entry, so an stp chain gets `(NWFILTER_MAX_FILTER_PRIORITY +
#: NWFILTER_MIN_FILTER_PRIORITY) / 2`, 0, whatever formatnwfilter's table says, R18N-1); a
#: rule's own priority defaults to 500 ("Filter rules").
CHAIN_PRIORITIES = {
    "mac": -800,
    "vlan": -750,
    "ipv4": -700,
    "ipv6": -600,
    "arp": -500,
    "rarp": -400,
}
#: The chain-name prefixes in the order nwfilter_conf.c virNWFilterIsAllowedChain tries them
#: (virNWFilterChainSuffix: STRPREFIX on each, 'root' only as the whole name): the prefix, not
#: the text before a '-', picks the default, so chain 'macfast' is a mac chain at -800.
_CHAIN_PREFIXES = ("root", "mac", "vlan", "stp", "arp", "rarp", "ipv4", "ipv6")
#: A rule priority as virStrToLong_i(prio, NULL, 10, ...) reads it: strtol's leading white
#: space and sign, decimal ASCII digits, nothing after them.
_RULE_PRIORITY = re.compile(r"[ \t\n\v\f\r]*[+-]?[0-9]+")


def _chain_priority(root: Any) -> int:
    """A filter's chain priority as libvirt holds it (R18N-1). The evidence is the daemon's
    XMLDesc, which virNWFilterDefFormat writes with `priority='N'` only `if (def->chainPriority
    != 0)`: in such a dump (it always carries <uuid> and every rule's priority) a missing
    priority is 0, not the prefix's default (libvirt 9.0 on this machine: chain 'macfast'
    defined with priority='0', and chain 'stp' with none, dump with no priority). A definition
    as written (no <uuid>, or a rule without a priority) gets virNWFilterDefParseXML's default
    by prefix (CHAIN_PRIORITIES, else 0). An explicit priority outside [-1000, 1000] makes
    libvirt refuse the definition, so one that is read is kept as written."""
    text = root.get("priority")
    if text is not None:
        return _priority(text, 0)
    chain = root.get("chain")
    dumped = root.find("uuid") is not None and all(
        r.get("priority") is not None for r in root.findall("rule")
    )
    if chain is None or dumped:
        return 0
    prefix = next((p for p in _CHAIN_PREFIXES if str(chain).startswith(p)), "")
    return CHAIN_PRIORITIES.get(prefix, 0)


def _rule_priority(text: str | None) -> int:
    """A rule's priority as virNWFilterRuleParse sets it (src/conf/nwfilter_conf.c, read with
    `read_file`): `ret->priority = MAX_RULE_PRIORITY / 2` (500), replaced only by a value
    virStrToLong_i reads in [MIN_RULE_PRIORITY, MAX_RULE_PRIORITY] (-1000..1000); anything
    else is 500 without an error (libvirt 9.0 here: priority='-1500' dumps as 500, R18N-1)."""
    if text is None or not _RULE_PRIORITY.fullmatch(text):
        return 500
    value = int(text.strip(" \t\n\v\f\r"))
    return value if -1000 <= value <= 1000 else 500


def _nwfilter_bindings(bundle: Bundle) -> Fact[dict[str, str]]:
    """The nwfilter bindings the daemon listed: port device -> the filter bound to it
    (virNWFilterBindingGetPortDev, virNWFilterBindingGetFilterName: libvirt-nwfilter,
    "binding between a network filter and a network port device"); unavailable where the
    driver has none (the test driver) or the collector did not list them (R29N-5)."""
    index = bundle.entry("libvirt/nwfilter-bindings/index.json")
    if index is None:
        return Fact.unavailable("nwfilter bindings were not collected")
    if index.status == "unavailable":
        return Fact.unavailable(index.reason, Source(index.path))
    if index.status != "ok":
        return Fact.failed(index.reason, Source(index.path))
    try:
        rows = json.loads(bundle.text(index.path)).get("nwfilter-bindings", [])
        out = {str(b["name"]): str(b.get("filter") or "") for b in rows if b.get("name")}
    except (ValueError, TypeError, AttributeError, KeyError, InputError) as exc:
        return Fact.failed(f"unreadable nwfilter binding list: {exc}", Source(index.path))
    return Fact.of(out, Source(index.path))


def _nwfilter_binding_defs(bundle: Bundle) -> dict[str, NwFilterBinding]:
    """Each listed nwfilter binding's XML (virNWFilterBindingGetXMLDesc), port device -> what
    it holds: its <mac address>, its filter and that <filterref>'s parameters (R31N-1). libvirt
    copies them from the domain's interface when it starts the VM (src/conf/domain_nwfilter.c
    virNWFilterBindingDefForNet: `ret->mac = net->mac`, the net's filterparams) and adds MAC and
    a learned IP to them (nwfilter_gentech_driver.c virNWFilterVarHashmapAddStdValue); a
    binding created by hand (`virsh nwfilter-binding-create`) holds what its XML gave. A binding
    without <mac> is no daemon's (virNWFilterBindingDefParseXML: "filter binding has no MAC
    address") and is left out, as is one whose file is missing or unreadable."""
    index = bundle.entry("libvirt/nwfilter-bindings/index.json")
    if index is None or index.status != "ok":
        return {}
    out: dict[str, NwFilterBinding] = {}
    try:
        rows = json.loads(bundle.text(index.path)).get("nwfilter-bindings", [])
    except (ValueError, TypeError, AttributeError, InputError):
        return {}
    for row in rows if isinstance(rows, list) else ():
        if not isinstance(row, dict):
            continue
        path, port = str(row.get("file") or ""), str(row.get("name") or "")
        if not port or path not in bundle.files:
            continue
        try:
            root = parse_xml(bundle.text(path), path)
        except InputError:
            continue
        mac, ref = root.find("mac"), root.find("filterref")
        if mac is None or not mac.get("address") or ref is None:
            continue
        out[port] = NwFilterBinding(
            str(ref.get("filter") or ""),
            str(mac.get("address")).lower(),
            tuple(
                (str(p.get("name") or ""), str(p.get("value") or ""))
                for p in ref.findall("parameter")
            ),
        )
    return out


def _nwfilters(
    bundle: Bundle, index_path: str
) -> tuple[dict[str, tuple[str, ...]], dict[str, NwFilter]]:
    """Defined network filters: name -> the filters it references; and name -> its definition
    (chain, chain priority, rules and references in document order, the order in which libvirt's
    nwfilter driver instantiates them: nwfilter_gentech_driver.c virNWFilterDefToInst walks a
    filter's entries in turn and recurses into each filterref, "depth-first tree traversal")."""
    filters: dict[str, tuple[str, ...]] = {}
    defs: dict[str, NwFilter] = {}
    for n in json.loads(bundle.text(index_path)).get("nwfilters", []):
        path = str(n.get("file", ""))
        if path not in bundle.files:
            continue
        root = parse_xml(bundle.text(path), path)
        name = str(n.get("name"))
        filters[name] = tuple(
            r.get("filter") or "" for r in root.findall("filterref") if r.get("filter")
        )
        chain = root.get("chain") or "root"
        entries: list[NwFilterRule | str] = []
        params: list[tuple[str, tuple[tuple[str, str], ...]]] = []
        for e in root:
            if e.tag == "filterref" and e.get("filter"):
                entries.append(str(e.get("filter")))
                given = tuple(
                    (str(p.get("name") or ""), str(p.get("value") or ""))
                    for p in e.findall("parameter")
                )
                params.append((str(e.get("filter")), given))
            elif e.tag == "rule":
                entries.append(_rule(e))
        defs[name] = NwFilter(name, chain, _chain_priority(root), tuple(entries), tuple(params))
    return filters, defs


def _rule(rule: Any) -> NwFilterRule:
    """One nwfilter rule: its action, direction and priority (default 500, formatnwfilter "Filter
    rules"), the frames it can match and what its protocol element requires."""
    constraints: frozenset[tuple[str, str]] = frozenset()
    for child in _protocol_elements(rule):
        # match='no' negates every attribute of the element, each on its own and all ANDed
        # (nwfilter_ebiptables_driver.c writes "!" for each negated attribute,
        # ENTRY_WANT_NEG_SIGN): `<mac match='no' srcmacaddr='$MAC'/>` matches only frames from
        # other MACs, so a negated attribute is kept as "!name" (a drop holding one is no
        # catch-all, an accept holding one admits what is not the VM's own, R71); a negated
        # protocolid is in the frames already (_frames)
        negated = (child.get("match") or "yes") == "no"
        constraints |= frozenset(
            (f"!{k}" if negated else str(k), str(v))
            for k, v in child.attrib.items()
            if k not in ("match", "comment") and not (negated and k == "protocolid")
        )
    parts = _protocol_elements(rule)
    if parts and parts[0].tag == "stp":
        # libvirt writes every <stp> rule with `-d 01:80:c2:00:00:00`, the bridge group address
        # (nwfilter_ebiptables_driver.c, VIR_NWFILTER_RULE_PROTOCOL_STP: `"-d", NWFILTER_MAC_BGA`),
        # so it takes only frames sent there: a drop of it is no catch-all (R20N-1)
        constraints |= {("dstmacaddr", _BRIDGE_GROUP_ADDRESS)}
    return NwFilterRule(
        action=rule.get("action") or "",
        direction=rule.get("direction") or "",
        priority=_rule_priority(rule.get("priority")),
        frames=_frames(rule),
        constraints=constraints,
    )


#: EtherTypes an nwfilter `<mac protocolid=...>` names by number (formatnwfilter, MAC: "the
#: protocol ID ... ipv4, ipv6, arp, rarp or a hex number").
_ETHERTYPES = {
    "0x0800": "ipv4",
    "0x86dd": "ipv6",
    "0x0806": "arp",
    "0x8035": "rarp",
    "0x8100": "vlan",
}
#: Every class of frame a guest can send, as the ebtables sub-chains tell them apart
#: (nwfilter_ebiptables_driver.c l3_protocols: ipv4, ipv6, arp, rarp, vlan; stp by destination).
ALL_FRAMES = frozenset({"ipv4", "ipv6", "arp", "rarp", "vlan", "stp", "other"})
#: Protocol elements libvirt instantiates in ebtables (nwfilter_conf.h: the "Ethernet layer
#: protocols" NONE .. IPV6, virNWFilterRuleIsProtocolEthernet); every other one (tcp, udp, icmp,
#: igmp, udplite, esp, ah, sctp, all and their -ipv6 forms) goes to iptables/ip6tables.
_EBTABLES = {
    "mac": ALL_FRAMES,
    "vlan": frozenset({"vlan"}),
    "stp": frozenset({"stp"}),
    "arp": frozenset({"arp"}),
    "rarp": frozenset({"rarp"}),
    "ip": frozenset({"ipv4"}),
    "ipv6": frozenset({"ipv6"}),
}
#: The destination libvirt gives every <stp> rule (nwfilter_conf.h NWFILTER_MAC_BGA).
_BRIDGE_GROUP_ADDRESS = "01:80:c2:00:00:00"
#: The attributes of an <stp> element that are no STP field (nwfilter_conf.c stpAttributes:
#: srcmacaddr and srcmacmask, then type, flags, root-priority ... forward-delay-hi, comment).
_STP_ETHERNET_ATTRS = frozenset({"srcmacaddr", "srcmacmask", "comment", "match"})
_IPTABLES = frozenset(
    {"tcp", "udp", "icmp", "igmp", "udplite", "esp", "ah", "sctp", "all", "icmpv6"}
)


def _protocol_elements(rule: Any) -> list[Any]:
    """The protocol elements of an nwfilter rule as libvirt reads them: the first child names
    the protocol, and every further child of that name is parsed into the same rule
    (nwfilter_conf.c virNWFilterRuleParse calls virNWFilterRuleDetailsParse on each), so their
    attributes all hold together; dumpxml writes a rule mixing negated and plain attributes as
    one element per run (virNWFilterRuleDefDetailsFormat), `<mac match='no' srcmacaddr='$MAC'/>
    <mac protocolid='ipv4'/>` (R57). Children that name no protocol libvirt knows are skipped
    before the first one that does, and ignored after it."""
    children = [c for c in rule if isinstance(c.tag, str)]
    first = next((c.tag for c in children if _known_protocol(c.tag)), None)
    return [c for c in children if c.tag == first] if first else []


def _known_protocol(tag: str) -> bool:
    return tag in _EBTABLES or tag in _IPTABLES or tag.endswith("-ipv6")


def _frames(rule: Any) -> frozenset[str]:
    """Which frames an nwfilter rule can match at the Ethernet layer (formatnwfilter, "Supported
    protocols"): a `<mac>` every frame or those of its protocolid, `<arp>` ARP, `<ip>` IPv4 and so
    on; a rule with no protocol element every frame (VIR_NWFILTER_RULE_PROTOCOL_NONE is an
    ebtables rule without a match). A rule for tcp/udp/.../all (and the -ipv6 forms) is an
    iptables rule: it matches no frame in the ebtables chains, which a frame passes first
    (libvirt's ebtables chains hang off the nat table's PREROUTING, its iptables chains off
    FORWARD), so it returns the empty set. An element hvaudit does not know matches every frame."""
    parts = _protocol_elements(rule)
    if not parts:
        return ALL_FRAMES
    tag = str(parts[0].tag)
    child = next((c for c in reversed(parts) if c.get("protocolid")), parts[0])
    if tag == "mac" and child.get("protocolid"):
        frames = frozenset({_ethertype(child.get("protocolid") or "")})
        # match='no' negates the protocol: ebtables `-p ! <type>` (nwfilter_ebiptables_driver.c
        # writes the negation sign for every negated attribute, ENTRY_WANT_NEG_SIGN), so the rule
        # matches every frame but those (R41)
        return ALL_FRAMES - frames if (child.get("match") or "yes") == "no" else frames
    if tag == "stp" and not any(k not in _STP_ETHERNET_ATTRS for c in parts for k in c.attrib):
        # a bare <stp> (at most a source MAC) is `-d 01:80:c2:00:00:00` alone, no `-p` and no
        # stp match: ebtables' stp match (net/bridge/netfilter/ebt_stp.c ebt_stp_mt: the LLC
        # header 42 42 03 00 00 00 or no match) is added only for an STP field
        # (nwfilter_ebiptables_driver.c INST_ITEM `--stp-type` ... `--stp-forward-delay`), so
        # it takes every frame the guest sends to the bridge group address, IPv4 and ARP of any
        # source too, which a bridge without STP forwards to every port and its own host
        # (net/bridge/br_input.c br_handle_frame: "If STP is turned off, then must forward")
        # (R20N-1)
        return ALL_FRAMES
    if tag in _EBTABLES:
        return _EBTABLES[tag]
    if tag in _IPTABLES or tag.endswith("-ipv6"):
        return frozenset()
    return ALL_FRAMES


def _ethertype(protocolid: str) -> str:
    """The frame class of a `<mac protocolid=...>`: a name (ipv4, ipv6, arp, rarp), or a number
    libvirt keeps as written, hex or decimal (nwfilter_conf.c checkMacProtocolID takes any
    EtherType >= 0x600, and macProtocolIDFormatter writes back only the four names, else the
    number: `33024` is 0x8100, 802.1Q, R51)."""
    proto = protocolid.strip().lower()
    if proto in ALL_FRAMES:
        return proto
    try:
        number = int(proto, 16) if proto.startswith("0x") else int(proto, 10)
    except ValueError:
        return "other"
    return _ETHERTYPES.get(f"0x{number:04x}", "other")


def _priority(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _secrets(bundle: Bundle) -> Fact[tuple[LibvirtSecret, ...]]:
    index = bundle.entry("libvirt/secrets/index.json")
    if index is None:
        return Fact.unavailable("libvirt secrets were not collected")
    if index.status == "unavailable":
        return Fact.unavailable(index.reason, Source(index.path))
    if index.status != "ok":
        return Fact.failed(index.reason, Source(index.path))
    out = []
    for n in json.loads(bundle.text(index.path)).get("secrets", []):
        path = str(n.get("file", ""))
        if path not in bundle.files:
            continue
        root = parse_xml(bundle.text(path), path)
        usage = root.find("usage")
        what = ""
        if usage is not None:
            what = usage.get("type") or ""
            ident = next((c.text or "" for c in usage), "")
            what = f"{what} {ident}".strip()
        out.append(
            LibvirtSecret(
                uuid=(root.findtext("uuid") or str(n.get("name", ""))).strip(),
                usage=what or "(no usage)",
                private=(root.get("private") or "no") == "yes",
                ephemeral=(root.get("ephemeral") or "no") == "yes",
                source=Source(path, "/secret/@private"),
            )
        )
    # a secret listed but whose XML the daemon refused (the polkit access driver's secret:read,
    # or undefined since the listing) is recorded as failed and left out of the index: it is
    # unread, not absent (its private attribute may be 'no')
    read = {o.source.artefact for o in out}
    for e in bundle.under("libvirt/secrets/"):
        if e.path.endswith(".xml") and e.path not in read and e.status != "ok":
            uid = re.sub(r"^[0-9]+-", "", e.path.rsplit("/", 1)[-1][: -len(".xml")])
            out.append(
                LibvirtSecret(
                    uuid=uid,
                    usage=f"secret {uid}",
                    private=None,
                    ephemeral=False,
                    source=Source(e.path, "/secret/@private"),
                )
            )
    return Fact.of(tuple(out), Source(index.path))


def parse_libvirt_host(bundle: Bundle, secmodels: tuple[str, ...], simulated: bool) -> LibvirtHost:
    """The libvirt daemon and QEMU driver settings of the host."""
    ev = HostEvidence(bundle)
    lh = LibvirtHost()
    lh.qemu_conf = _conf(ev, "/etc/libvirt/qemu.conf", lh, "qemu.conf", None)
    for daemon in LIBVIRT_DAEMONS:
        lh.daemon_confs[f"{daemon}.conf"] = _conf(
            ev, f"/etc/libvirt/{daemon}.conf", lh, f"{daemon}.conf", daemon
        )
    processes = ev.fact(_cmd("processes"), _process_list)
    for daemon, paths in _config_options(processes, LIBVIRT_DAEMONS).items():
        other = [p for p in paths if p != f"/etc/libvirt/{daemon}.conf"]
        if other:
            lh.daemon_confs[f"{daemon}.conf"] = Fact.unavailable(
                f"{daemon} runs with --config {', '.join(dict.fromkeys(other))}, a file hvaudit "
                f"does not collect: /etc/libvirt/{daemon}.conf is not what it reads",
                *processes.sources,
            )
    for daemon, (why, srcs) in _unit_config_options(ev).items():
        if lh.daemon_confs[f"{daemon}.conf"].known:
            lh.daemon_confs[f"{daemon}.conf"] = Fact.unavailable(why, *srcs)
    # a daemon whose unit's arguments are unknown: its running process's argv (above) settles
    # the file it reads; an idle one (socket-activated, --timeout) has none to settle it
    running = (
        {w[0].rsplit("/", 1)[-1] for _, w in _commands(processes.get()) if w}
        if processes.known
        else set()
    )
    for daemon, (why, srcs) in _unit_config_unknown(ev).items():
        key = f"{daemon}.conf"
        if daemon in LIBVIRT_DAEMONS and daemon not in running and lh.daemon_confs[key].known:
            lh.daemon_confs[key] = Fact.unavailable(why, *srcs)
    changed, since_srcs = _changed_since_start(ev, processes)
    for name, reason in changed.items():
        if name == "qemu.conf" and lh.qemu_conf.known:
            lh.qemu_conf = Fact.unavailable(reason, *lh.qemu_conf.sources, *since_srcs)
        elif name in lh.daemon_confs and lh.daemon_confs[name].known:
            lh.daemon_confs[name] = Fact.unavailable(
                reason, *lh.daemon_confs[name].sources, *since_srcs
            )
    lh.libvirtd_conf = lh.daemon_confs["libvirtd.conf"]
    lh.virtlogd_conf = _virtlogd_conf(ev, lh)
    lh.daemons = _daemons(ev, processes)
    unit_list = ev.get(_cmd("libvirt-socket-units"))
    if unit_list.state not in ("uncollected", "absent") and (
        why := _systemctl_unanswered(unit_list)
    ):
        lh.daemons_unlisted = f"libvirt's socket units were not listed ({why})"
    lh.log_outputs_override = _log_outputs_override(ev, processes)
    lh.log_debug_env = _log_debug_env(ev, processes)
    lh.log_filters_env = _log_debug_env(ev, processes, "LIBVIRT_LOG_FILTERS")
    lh.log_level_cap = _log_level_cap(ev)
    lh.log_filter_patterns = _log_filter_patterns(ev)
    lh.log_namespace = _log_namespace(ev)
    lh.stderr_elsewhere, lh.stderr_unsettled = _stderr_elsewhere(ev)
    lh.log_boot = _log_boot(ev, processes, lh)
    units = ev.get(_cmd("libvirt-units"))
    if units.state == "failed" or (units.state == "ok" and _systemctl_unanswered(units)):
        why = _systemctl_unanswered(units) if units.state == "ok" else units.reason
        lh.units_unread = f"libvirt's daemon units were not read ({why})"
    lh.sockets = ev.fact(_cmd("libvirt-sockets"), _sockets)
    lh.socket_acl_writers, lh.socket_acl_unread = _libvirt_socket_acl_writers(ev)
    lh.socket_acl_group_shut = tuple(
        sorted(p for p in _acl_group_shut(ev, "w") if p in LIBVIRT_ACL_SOCKETS)
    )
    lh.tls_key = _tls_key(ev)
    lh.libvirtd_listen = _libvirtd_listen(ev)

    def polkit_rules(g: Got) -> Fact[tuple[tuple[str, str], ...]]:
        why = _grep_unanswered(g)
        if why:
            return Fact.unavailable(f"the polkit rules could not be read ({why})", g.source)
        files = _by_file(g.text)
        # every .rules file: one that never names libvirt grants its actions too where a
        # function tests no action id or tests it in a way that takes them (R18H-5)
        rules = tuple(
            (p, "\n".join(t))
            for p, t in files.items()
            if not polkit.is_local_authority(p)
            and p.endswith(".rules")  # polkit loads no other name (load_scripts)
        )
        return Fact.of(rules, g.source)

    def domain_pkla(g: Got) -> Fact[tuple[tuple[str, str], ...]]:
        # pklocalauthority(8): a section grants the actions its Action globs match to its
        # Identity, and cannot test the VM (no domain_name): a grant of any domain action
        # is one on every VM (R18H-5)
        why = _grep_unanswered(g)
        if why:
            return Fact.unavailable(f"the polkit rules could not be read ({why})", g.source)
        files = _by_file(g.text)
        found = {
            (x.path, f"{x.kind}:{x.name}")
            for action in polkit.DOMAIN_ACTIONS
            for x in polkit.grants(files, action)
            if polkit.is_local_authority(x.path)
        }
        return Fact.of(tuple(sorted(found)), g.source)

    def manage_grants(g: Got) -> Fact[tuple[tuple[str, str], ...]]:
        if g.state != "ok":
            return Fact.unavailable(f"the polkit rules could not be read ({g.state})", g.source)
        why = _grep_unanswered(g)
        if why:
            return Fact.unavailable(f"the polkit rules could not be read ({why})", g.source)
        found = polkit.grants(_by_file(g.text), "org.libvirt.unix.manage")
        return Fact.of(tuple((x.path, f"{x.kind}:{x.name}") for x in found), g.source)

    lh.polkit_rules = ev.fact(_cmd("polkit-rules"), polkit_rules)
    lh.polkit_manage = _with_declared_default(
        ev, ev.fact(_cmd("polkit-rules"), manage_grants), "org.libvirt.unix.manage"
    )
    lh.polkit_domain_pkla = ev.fact(_cmd("polkit-rules"), domain_pkla)
    index = bundle.entry("libvirt/nwfilters/index.json")
    if index is None:
        lh.nwfilters = Fact.unavailable("network filters were not collected")
    elif index.status == "unavailable":
        lh.nwfilters = Fact.unavailable(index.reason, Source(index.path))
    elif index.status != "ok":
        lh.nwfilters = Fact.failed(index.reason, Source(index.path))
    else:
        try:
            defs, lh.nwfilter_defs = _nwfilters(bundle, index.path)
            lh.nwfilters = Fact.of(defs, Source(index.path))
        except InputError as exc:
            lh.nwfilters = Fact.failed(str(exc), Source(index.path))
    lh.nwfilter_bindings = _nwfilter_bindings(bundle)
    lh.nwfilter_binding_defs = _nwfilter_binding_defs(bundle)
    try:
        lh.secrets = _secrets(bundle)
    except InputError as exc:
        lh.secrets = Fact.failed(str(exc), Source("libvirt/secrets/index.json"))
    if simulated:
        lh.security_model = Fact.not_applicable("simulated host (libvirt test driver)")
    else:
        confining = [m for m in secmodels if m not in ("none", "dac")]
        lh.security_model = Fact.of(
            confining[0] if confining else "none",
            Source("libvirt/capabilities.xml", "/capabilities/host/secmodel"),
        )
    return lh


__all__ += ["FactState"]
