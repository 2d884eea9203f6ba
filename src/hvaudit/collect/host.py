"""Host facts of a Linux hypervisor host: every file and command hvaudit reads, as constants.

This module is the list a reviewer reads to know exactly what runs on a customer's hypervisor. All
of it only reads. The parser (`hvaudit.parse.host`) refers to the same artefact names.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from hvaudit.bundle import BundleWriter, utc_now
from hvaudit.collect.runner import Runner, RunResult

__all__ = [
    "BOOT_CMDLINE",
    "COMMANDS",
    "CONTAINER_SOCKETS",
    "CONTAINER_SOCKET_UNITS",
    "CONTAINER_UNITS",
    "FILES",
    "KUBE_ADMIN_CONFIGS",
    "LIBVIRT_DAEMONS",
    "LOG_DAEMONS",
    "MICROK8S_APISERVER_ARGS",
    "MICROK8S_COMPONENT_CONFIGS",
    "MODPROBE_D",
    "PAM_SERVICES",
    "QEMU_EXE_ARGV",
    "QEMU_LABEL_ARGV",
    "QEMU_MAPS_ARGV",
    "QEMU_STATUS_ARGV",
    "SYSCTL_CONF",
    "SYSCTL_D",
    "TIME_DAEMON_PROBES",
    "UNIT_DAEMONS",
    "USERDB_DIRS",
    "VIRT_ADMIN_LOG_OUTPUTS",
    "HostCollector",
    "command_artefact",
    "file_artefact",
    "libvirt_socket",
]


@dataclass(frozen=True, slots=True)
class FileProbe:
    """A file read verbatim (secrets are redacted by the bundle writer, per artefact format)."""

    path: str


@dataclass(frozen=True, slots=True)
class CommandProbe:
    """A read-only command; its standard output is the artefact."""

    name: str
    argv: tuple[str, ...]
    timeout: float = 20.0


MICROK8S_APISERVER_ARGS = "/var/snap/microk8s/current/args/kube-apiserver"
#: MicroK8s's component credentials, whose tokens its API server authenticates from
#: known_tokens.csv (canonical/microk8s snap/hooks/install "Create the known tokens"): under
#: --authorization-mode=AlwaysAllow each is cluster-admin; under RBAC it is not (R33A-6).
MICROK8S_COMPONENT_CONFIGS: tuple[str, ...] = tuple(
    f"/var/snap/microk8s/current/credentials/{name}.config"
    for name in ("kubelet", "proxy", "scheduler")
)

PAM_SERVICES: tuple[str, ...] = (
    "sshd",
    "common-auth",
    "password-auth",
    "system-auth",
    "postlogin",
    "common-account",
    "common-session",
    "common-password",
)
"""The PAM service files of sshd's auth stack and the files it includes (Debian's common-*,
RHEL/Fedora authselect's password-auth, system-auth and postlogin)."""

FILES: tuple[FileProbe, ...] = (
    FileProbe("/proc/cpuinfo"),
    # s390x: whether the host runs in a logical partition or as a guest of z/VM or KVM, which
    # its /proc/cpuinfo does not say (R28B-1): arch/s390/kernel/sysinfo.c stsi_3_2_2 prints a
    # "VM00 Control Program:" line only under a virtual-machine hypervisor, as systemd's
    # src/basic/virt.c detect_vm_zvm reads it; absent on every other architecture
    FileProbe("/proc/sysinfo"),
    FileProbe("/proc/meminfo"),
    FileProbe("/proc/cmdline"),
    # The running kernel's release, compared with the kernels installed in /boot (R23H-2)
    FileProbe("/proc/sys/kernel/osrelease"),
    # The running build's package version (`... #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1
    # (2024-11-22)`), compared with the installed package of the same release (R23E-1)
    FileProbe("/proc/version"),
    FileProbe("/proc/sys/kernel/hostname"),
    # The names that resolve to this host (a storage pool served "by name" by the host itself).
    FileProbe("/etc/hosts"),
    # The host's DNS server, to which a user-mode guest's DNS queries go (R26O-2)
    FileProbe("/etc/resolv.conf"),
    FileProbe("/proc/sys/kernel/tainted"),
    FileProbe("/proc/modules"),
    FileProbe("/proc/sys/vm/overcommit_memory"),
    FileProbe("/sys/fs/selinux/enforce"),
    # SELinux's mode at the next boot where no kernel word sets it (R38B-1): libselinux's
    # selinux_init_load_policy takes SELINUX= from here (selinux_config.c selinux_getenforcemode)
    FileProbe("/etc/selinux/config"),
    FileProbe("/sys/module/apparmor/parameters/enabled"),
    FileProbe("/sys/kernel/security/apparmor/profiles"),
    # The module's global mode (aa_g_profile_mode): complain here puts every profile in complain
    # mode whatever the profiles file says (security/apparmor/include/policy.h COMPLAIN_MODE).
    FileProbe("/sys/module/apparmor/parameters/mode"),
    FileProbe("/sys/module/module/parameters/sig_enforce"),
    # kernel.modules_disabled: 1 refuses every module until the next boot (proc(5), R10H-10)
    FileProbe("/proc/sys/kernel/modules_disabled"),
    FileProbe("/sys/kernel/security/lockdown"),
    FileProbe("/sys/module/kvm_intel/parameters/ept"),
    FileProbe("/sys/module/kvm_amd/parameters/npt"),
    FileProbe("/sys/module/kvm_intel/parameters/nested"),
    FileProbe("/sys/module/kvm_amd/parameters/nested"),
    # s390x: KVM is the kvm module itself, whose int `nested` (default 0) lets KVM offer its
    # guests the SIE features (vSIE) (R29B-6; arch/s390/kvm/kvm-s390.c kvm_s390_cpu_feat_init)
    FileProbe("/sys/module/kvm/parameters/nested"),
    FileProbe("/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts"),
    FileProbe("/sys/kernel/mm/ksm/run"),
    # The pages KSM merged and still shares: run = 0 stops ksmd "but keep[s] merged pages"
    # (Documentation/admin-guide/mm/ksm.rst; pages_shared "how many shared pages are being used")
    FileProbe("/sys/kernel/mm/ksm/pages_shared"),
    FileProbe("/sys/devices/system/cpu/smt/control"),
    FileProbe("/sys/class/tpm/tpm0/tpm_version_major"),
    FileProbe("/etc/os-release"),
    FileProbe("/etc/passwd"),
    FileProbe("/etc/group"),
    # gshadow(5): each group's password, administrators and members; newgrp admits its members
    # and gpasswd lets its administrators add members (R24A-1). The password field is redacted.
    FileProbe("/etc/gshadow"),
    # pam_group's rules (group.conf(5)): groups granted at login, beyond /etc/group (R25A-6)
    FileProbe("/etc/security/group.conf"),
    # and its vendor copy, which pam_group reads where /etc has none (Linux-PAM pam_group.c
    # check_account, VENDOR_PAM_GROUP_CONF: meson's default vendordir /usr/share/pam, openSUSE's
    # /usr/etc) (R44A-2)
    FileProbe("/usr/share/pam/security/group.conf"),
    FileProbe("/usr/etc/security/group.conf"),
    FileProbe("/etc/nsswitch.conf"),
    # doas(1)'s rules (OpenDoas, Debian/Ubuntu package opendoas; OpenBSD's doas.conf(5) SYNOPSIS
    # /etc/doas.conf): who may run commands as root besides sudoers. Users and groups, no secrets.
    FileProbe("/etc/doas.conf"),
    # sudo's front-end configuration (sudo.conf(5)): its Plugin lines choose the security policy
    # plugin and give sudoers.so its arguments, sudoers_file= among them (R36A-3)
    FileProbe("/etc/sudo.conf"),
    # and the vendor one, which sudo built with --enable-adminconf reads where /etc has none
    # (see the sudoers-vendor probe) (R45A-1)
    FileProbe("/usr/etc/sudo.conf"),
    # dockerd's configuration (moby docs/reference/commandline/dockerd.md: --config-file default
    # "/etc/docker/daemon.json"): its "group" is the group of the sockets dockerd creates (R25E-1)
    FileProbe("/etc/docker/daemon.json"),
    # MicroK8s's API server arguments: its shipped --authorization-mode=AlwaysAllow
    # (canonical/microk8s microk8s-resources/default-args/kube-apiserver) makes every
    # credential the API server authenticates cluster-admin (R33A-6)
    FileProbe(MICROK8S_APISERVER_ARGS),
    # docker.service's EnvironmentFile= (Debian's /etc/default/docker DOCKER_OPTS, RHEL's
    # /etc/sysconfig/docker OPTIONS): the flags its next start gives dockerd (R31A-2)
    FileProbe("/etc/default/docker"),
    FileProbe("/etc/sysconfig/docker"),
    # containerd's configuration (containerd-config.toml(5) [grpc]: address, uid, gid of its
    # API socket, "/run/containerd/containerd.sock", 0, 0 by default) (R28A-2)
    FileProbe("/etc/containerd/config.toml"),
    FileProbe("/etc/ssh/sshd_config"),
    # RHEL/Fedora's sshd_config.d/50-redhat.conf includes the crypto-policies back end (ciphers,
    # MACs, key exchange: no secrets); read so that its Include does not leave sshd unjudged.
    FileProbe("/etc/crypto-policies/back-ends/opensshserver.config"),
    # sshd's unit environment: the -o options in SSHD_OPTS (Debian) or OPTIONS (RHEL) reach an
    # sshd started by its unit, a socket-activated one included (R13H-5)
    FileProbe("/etc/default/ssh"),
    FileProbe("/etc/sysconfig/sshd"),
    *(FileProbe(f"/etc/pam.d/{name}") for name in PAM_SERVICES),
    # the vendor copies libpam reads for a service /etc/pam.d does not hold (Linux-PAM
    # libpam/pam_handlers.c _pam_open_config_file: PAM_CONFIG_DF /etc/pam.d/NAME, then
    # PAM_CONFIG_DIST_DF /usr/lib/pam.d/NAME; "All files in /etc/pam.d/ override files with the
    # same name in other directories", The Linux-PAM System Administrators' Guide 4.2)
    *(FileProbe(f"/usr/lib/pam.d/{name}") for name in PAM_SERVICES),
    FileProbe("/etc/sssd/sssd.conf"),
    # pam_duo(8)'s default configuration: failmode (default "safe": allow access when Duo
    # cannot be reached) and groups (who is asked at all). skey is blanked by the bundle writer.
    FileProbe("/etc/duo/pam_duo.conf"),
    # dnf's package filters: exclude/excludepkgs/includepkgs hide updates from every dnf command
    # (dnf.conf(5)); the versionlock plugin excludes every other version of the locked packages
    FileProbe("/etc/dnf/dnf.conf"),
    FileProbe("/etc/dnf/plugins/versionlock.conf"),
    FileProbe("/etc/dnf/plugins/versionlock.list"),
    # systemd-journal-upload's main file: the first of these found (journal-upload.conf(5),
    # "Configuration Directories and Precedence", systemd 256: "only the first file found is
    # used"; HL18-6)
    FileProbe("/etc/systemd/journal-upload.conf"),
    FileProbe("/run/systemd/journal-upload.conf"),
    FileProbe("/usr/local/lib/systemd/journal-upload.conf"),
    FileProbe("/usr/lib/systemd/journal-upload.conf"),
    # Whether journald hands the syslog socket its messages (ForwardToSyslog=, HVA-200). The
    # main file is the first of these found (journald.conf(5) "Configuration Directories and
    # Precedence", systemd 256: "only the first file found is used"; newer systemd ships it
    # under /usr/lib only, HL18-1).
    FileProbe("/etc/systemd/journald.conf"),
    FileProbe("/run/systemd/journald.conf"),
    FileProbe("/usr/local/lib/systemd/journald.conf"),
    FileProbe("/usr/lib/systemd/journald.conf"),
    # The service manager's defaults for every unit's standard output and error
    # (DefaultStandardOutput=, DefaultStandardError=): a libvirt `stderr` log output reaches the
    # journal only where they leave it there. systemd-system.conf(5) "Configuration Directories
    # and Precedence": the first main file found is used, drop-ins override it (R40L-3).
    FileProbe("/etc/systemd/system.conf"),
    FileProbe("/run/systemd/system.conf"),
    FileProbe("/usr/local/lib/systemd/system.conf"),
    FileProbe("/usr/lib/systemd/system.conf"),
    FileProbe("/etc/libvirt/qemu.conf"),
    # The SASL mechanisms libvirt's TCP transport offers (libvirtd.sasl: mech_list, keytab and
    # sasldb paths; no secrets): tcp_min_ssf alone admits DIGEST-MD5's RC4/3DES layer (R10H-8)
    FileProbe("/etc/sasl2/libvirt.conf"),
    # Where auditd puts the records it receives: write_logs (auditd.conf(5), default yes).
    FileProbe("/etc/audit/auditd.conf"),
    # ntpd's time sources (ntp.conf(5) server/pool/peer/refclock; ntpsec on Debian reads
    # /etc/ntpsec/ntp.conf): a host whose only source is its own clock (the LOCAL driver
    # 127.127.1.0) reports itself synchronised to nothing (R17H-5)
    FileProbe("/etc/ntp.conf"),
    FileProbe("/etc/ntpsec/ntp.conf"),
    # the copies Debian's dhclient hooks write with the DHCP server's NTP servers and start ntpd
    # on with -c ("a copy of the default /etc/ntp.conf with a modified server list from the
    # DHCP server", Cumulus Linux docs; R25T-7)
    FileProbe("/run/ntp.conf.dhcp"),
    FileProbe("/run/ntpsec/ntp.conf.dhcp"),
    # OpenNTPD's servers (ntpd.conf(5) server/servers; Debian builds it with /etc/openntpd,
    # others with /etc): a server on the host itself steers nothing from outside (R26T-2)
    FileProbe("/etc/openntpd/ntpd.conf"),
    FileProbe("/etc/ntpd.conf"),
    # ptp4l's configuration as linuxptp's packages install it (Fedora/RHEL /etc/ptp4l.conf,
    # Debian /etc/linuxptp/ptp4l.conf): serverOnly or free_running there leaves the PTP
    # hardware clock phc2sys copies running free (R28T-2)
    FileProbe("/etc/ptp4l.conf"),
    FileProbe("/etc/linuxptp/ptp4l.conf"),
)

#: The libvirt daemons whose configuration file hvaudit reads: the monolithic libvirtd, then the
#: modular ones (libvirt docs/daemons.rst: a daemon per driver, each with its own UNIX sockets
#: /run/libvirt/<name>-sock and its own /etc/libvirt/<name>.conf from the libvirtd.conf.in
#: template; virtproxyd serves libvirt-sock and the TCP/TLS ports).
LIBVIRT_DAEMONS: tuple[str, ...] = (
    "libvirtd",
    "virtqemud",
    "virtproxyd",
    "virtsecretd",
    "virtstoraged",
    "virtnodedevd",
    "virtnetworkd",
    "virtinterfaced",
    "virtnwfilterd",
)
FILES += tuple(FileProbe(f"/etc/libvirt/{d}.conf") for d in LIBVIRT_DAEMONS)
# virtlogd writes every QEMU log file and decides when it rolls over (HVA-215, R6-4)
FILES += (FileProbe("/etc/libvirt/virtlogd.conf"),)

#: The QEMU driver's daemons, whose log outputs HVA-213 judges (libvirtd, or virtqemud with the
#: modular daemons).
LOG_DAEMONS: tuple[str, ...] = ("libvirtd", "virtqemud")
#: Their units' EnvironmentFile= (libvirt's src/remote/libvirtd.service.in and the modular
#: daemons' virtd.service.in: `EnvironmentFile=-@initconfdir@/@service@`, initconfdir
#: /etc/default on Debian and Ubuntu, /etc/sysconfig on RPM distributions): a
#: LIBVIRT_LOG_OUTPUTS there replaces log_outputs (virdaemon.c virDaemonSetupLogging, "cmdline >
#: environment > config", R13H-3). Shell-style variable assignments, no secrets.
#: virtproxyd's too: its VIRTPROXYD_ARGS may give `--config FILE`, the file its next start reads
#: instead of /etc/libvirt/virtproxyd.conf (R21S-4).
UNIT_DAEMONS: tuple[str, ...] = (*LOG_DAEMONS, "virtproxyd")
FILES += tuple(
    FileProbe(f"{d}/{daemon}")
    for daemon in UNIT_DAEMONS
    for d in ("/etc/default", "/etc/sysconfig")
)
#: OpenRC's libvirtd service settings (Gentoo, Alpine): LIBVIRTD_OPTS, which its init script
#: passes to libvirtd (`--listen`, R25C-3). Shell-style variable assignments, no secrets.
FILES += (FileProbe("/etc/conf.d/libvirtd"),)

#: Per running QEMU-driver daemon: the log outputs it uses now, whatever set them (its file, its
#: environment, or `virt-admin daemon-log-outputs OUTPUTS` at run time; libvirt
#: docs/kbase/debuglogs.rst). Read-only without an argument (virt-admin's cmdDaemonLogOutputs
#: calls virAdmConnectGetLoggingOutputs); -q drops the "Logging outputs:" label. Only a daemon
#: seen running is asked: connecting to an idle daemon's admin socket would start it.
VIRT_ADMIN_LOG_OUTPUTS: tuple[str, ...] = ("virt-admin", "-q", "-c")
#: Per running QEMU-driver daemon: the logging variables of the environment it started with,
#: /proc/<pid>/environ (proc(5): NUL-separated `NAME=value` strings). Only the three names
#: libvirt's virLogSetFromEnv reads (src/util/virlog.c: LIBVIRT_DEBUG sets the default
#: priority, LIBVIRT_LOG_FILTERS the filters, LIBVIRT_LOG_OUTPUTS the outputs, each replacing
#: the file's value: virdaemon.c virDaemonSetupLogging, "cmdline > environment > config") are
#: kept, by grep on the host: no other variable of the daemon's environment leaves it. -z reads
#: and writes NUL-ended records; exit 1 means none is set. The pid is appended.
LIBVIRT_ENVIRON_ARGV: tuple[str, ...] = (
    "grep",
    "-a",
    "-z",
    "-E",
    "^LIBVIRT_(DEBUG|LOG_FILTERS|LOG_OUTPUTS)=",
)


#: The TLS server key libvirt's daemons load unless key_file names another (libvirtd.conf.in:
#: "The default locations for the certificate files is as follows: ... /etc/pki/libvirt/
#: private/serverkey.pem - The server private key", read with `find_string`), and the
#: directories above it, outermost first.
TLS_KEY = "/etc/pki/libvirt/private/serverkey.pem"
TLS_KEY_PATHS: tuple[str, ...] = (
    "/etc/pki",
    "/etc/pki/libvirt",
    "/etc/pki/libvirt/private",
    TLS_KEY,
)


#: modprobe.d(5) SYNOPSIS, in its order of precedence: a file of a name read from one directory
#: hides the files of that name in the later ones ("CONFIGURATION DIRECTORIES AND PRECEDENCE").
MODPROBE_D: tuple[str, ...] = (
    "/etc/modprobe.d",
    "/run/modprobe.d",
    "/usr/local/lib/modprobe.d",
    "/usr/lib/modprobe.d",
    "/lib/modprobe.d",
)


#: systemd-sysctl's directories, in its order of precedence (sysctl.d(5); systemd
#: src/basic/constants.h CONF_PATHS("sysctl.d"): /etc, /run, /usr/local/lib, /usr/lib and, on a
#: split-/usr build, /lib): a file of a name read from one directory hides the files of that
#: name in the later ones, and all are read in the lexical order of their names (conf-files.c
#: conf_files_list_strv). /etc/sysctl.conf is read by procps `sysctl --system` (last), by
#: systemd-sysctl only through a sysctl.d file (Debian's and Fedora's 99-sysctl.conf link).
SYSCTL_D: tuple[str, ...] = (
    "/etc/sysctl.d",
    "/run/sysctl.d",
    "/usr/local/lib/sysctl.d",
    "/usr/lib/sysctl.d",
    "/lib/sysctl.d",
)
SYSCTL_CONF = "/etc/sysctl.conf"

#: Where the next boot's kernel command line is kept (R21B-1): grub-mkconfig's /etc/default/grub
#: and /etc/default/grub.d/*.cfg (util/grub-mkconfig.in sources both; util/grub.d/10_linux.in
#: puts GRUB_CMDLINE_LINUX and GRUB_CMDLINE_LINUX_DEFAULT on a normal entry's `linux` line),
#: kernel-install's and proxmox-boot-tool's /etc/kernel/cmdline (pve-docs system-booting.adoc)
#: and the Boot Loader Specification's /boot/loader/entries/*.conf (`options`).
BOOT_CMDLINE: tuple[str, ...] = (
    "/etc/default/grub",
    "/etc/default/grub.d",
    "/etc/kernel/cmdline",
    "/boot/loader/entries",
    # R26B-4: systemd-boot reads the entries of the EFI system partition too, which systemd
    # looks for at /efi, /boot and /boot/efi (src/shared/find-esp.c: `FOREACH_STRING(dir,
    # "/efi", "/boot", "/boot/efi")`); kernel-install writes them there where the ESP is $BOOT
    "/efi/loader/entries",
    "/boot/efi/loader/entries",
    # GRUB's environment block, which grub.cfg's load_env reads before the menu (R26B-1):
    # RHEL 8's Boot Loader Specification entries take their words from its kernelopts
    # (`options $kernelopts $tuned_params`), and GRUB_DEFAULT=saved boots its saved_entry
    "/boot/grub2/grubenv",
    "/boot/grub/grubenv",
    # R30B-3: GRUB's custom menu entries, which grub.cfg carries beside 10_linux's: 40_custom
    # (util/grub.d/40_custom.in, `exec tail -n +3 $0`: copied into grub.cfg as written) and the
    # custom.cfg 41_custom has grub.cfg `source` at boot from $config_directory
    "/etc/grub.d",
    "/boot/grub/custom.cfg",
    "/boot/grub2/custom.cfg",
)

#: Where unified kernel images wait as Type #2 entries (R28B-3): $ESP/EFI/Linux and
#: $XBOOTLDR/EFI/Linux, the ESP at /efi, /boot or /boot/efi (systemd src/shared/find-esp.c).
UKI_DIRS: tuple[str, ...] = ("/efi/EFI/Linux", "/boot/EFI/Linux", "/boot/efi/EFI/Linux")

#: The tail of a `find` that prints each file's path before its lines (`-print -exec grep -H`),
#: so an empty file is seen; `-D skip` passes over device files.
_PRINT_AND_GREP: tuple[str, ...] = ("-print", "-exec", "grep", "-D", "skip", "-H", "", "{}", ";")

#: nss-systemd(8): the directories of static drop-in JSON user records.
USERDB_DIRS: tuple[str, ...] = ("/etc/userdb", "/run/userdb", "/run/host/userdb", "/usr/lib/userdb")


#: virtlogd's and virtlockd's sockets and admin sockets (their socket units, libvirt
#: src/logging/virtlogd.socket.in and src/locking/virtlockd.socket.in, create them with
#: SocketMode=0600; systemd's default without it is 0666): virtlogd opens, reads and appends to
#: whatever path a client names and checks no identity (log_daemon_dispatch.c), so whoever
#: can write to its socket writes files as root (R17H-6).
LOG_LOCK_SOCKETS: tuple[str, ...] = (
    "/run/libvirt/virtlogd-sock",
    "/run/libvirt/virtlogd-admin-sock",
    "/run/libvirt/virtlockd-sock",
    "/run/libvirt/virtlockd-admin-sock",
)


#: The container daemons' API sockets (moby's contrib/init/systemd/docker.socket
#: `ListenStream=/run/docker.sock`, `SocketMode=0660`, `SocketGroup=docker`; LXD's snap and
#: package paths; Incus's): under socket activation (docker.socket, snap.lxd.daemon.unix.socket,
#: incus.socket) systemd holds the socket and starts the daemon on the first connection, so the
#: daemon need not run for its group to be root-equivalent (R23A-2). Rootful Podman's API socket
#: (containers/podman contrib/systemd/system/podman.socket: `ListenStream=%t/podman/podman.sock`,
#: `SocketMode=0660`, group root unless a drop-in sets SocketGroup=) and containerd's
#: (containerd-config.toml(5) [grpc]: address "/run/containerd/containerd.sock", uid and gid 0
#: by default) run containers as root for whoever connects (R25A-2).
#: The units that start a container daemon whose socket group is root-equivalent (moby's
#: contrib/init/systemd docker.service and docker.socket; Incus's incus.service and
#: incus.socket; LXD's deb units and its snap's snap.lxd.daemon units) (R25E-1).
CONTAINER_UNITS: tuple[str, ...] = (
    "docker.service",
    "docker.socket",
    "incus.service",
    "incus.socket",
    "lxd.service",
    "lxd.socket",
    "snap.lxd.daemon.service",
    "snap.lxd.daemon.unix.socket",
    # rootful Podman's API socket unit (containers/podman contrib/systemd/system/podman.socket)
    "podman.socket",
    # rootful Podman's API service (containers/podman contrib/systemd/system/podman.service,
    # `[Install] WantedBy=default.target`): a drop-in's `podman system service tcp:...` listens
    # at the next boot whether or not it runs now (R31A-2)
    "podman.service",
    # containerd's service (containerd/containerd containerd.service): it creates its socket
    # with [grpc] gid at the next boot though it is stopped now (R28A-2)
    "containerd.service",
)
#: The socket units whose files (and drop-ins) set the container API sockets' group, mode and
#: listening addresses at their next start (R26A-1).
CONTAINER_SOCKET_UNITS: tuple[str, ...] = (
    "docker.socket",
    "podman.socket",
    "incus.socket",
    "lxd.socket",
    "snap.lxd.daemon.unix.socket",
)
CONTAINER_SOCKETS: tuple[str, ...] = (
    "/run/docker.sock",
    "/var/snap/lxd/common/lxd/unix.socket",
    "/var/lib/lxd/unix.socket",
    "/var/lib/incus/unix.socket",
    "/run/podman/podman.sock",
    "/run/containerd/containerd.sock",
    # k3s's (and RKE2's) embedded containerd, and CRI-O's CRI socket (crio.conf(5) [crio.api]
    # listen = "/var/run/crio/crio.sock"): whoever connects creates privileged containers
    # (R26A-3)
    "/run/k3s/containerd/containerd.sock",
    "/var/run/crio/crio.sock",
)

#: k3s's configuration file and its drop-in directory (k3s pkg/configfilearg/parser.go:
#: DefaultConfig, dotDFiles `basefile + ".d"`), and the environment file the installer gives
#: k3s.service (k3s install.sh setup_env: FILE_K3S_ENV=${SYSTEMD_DIR}/${SERVICE_K3S}.env)
#: (R33A-5).
K3S_CONFIG_FILES: tuple[str, ...] = (
    "/etc/rancher/k3s/config.yaml",
    "/etc/rancher/k3s/config.yaml.d",
    "/etc/systemd/system/k3s.service.env",
    # the installer's unit's other environment files (install.sh create_systemd_service_file:
    # EnvironmentFile=-/etc/default/%N, -/etc/sysconfig/%N; systemd.unit(5) "%N": "Same as
    # "%n", but with the type suffix removed") (R34A-1)
    "/etc/default/k3s",
    "/etc/sysconfig/k3s",
    # on OpenRC the installer writes /etc/init.d/k3s, whose command_args hold INSTALL_K3S_EXEC's
    # words and which sources /etc/environment and /etc/rancher/k3s/k3s.env with allexport
    # (k3s install.sh setup_env: FILE_K3S_ENV=/etc/rancher/k3s/${SYSTEM_NAME}.env;
    # create_openrc_service_file) (R35A-1)
    "/etc/init.d/k3s",
    "/etc/environment",
    "/etc/rancher/k3s/k3s.env",
    # and Alpine's package's settings, which openrc-run sources before the script
    # (alpinelinux/aports community/k3s k3s.confd: K3S_EXEC, K3S_OPTS) (R35A-3)
    "/etc/conf.d/k3s",
    # openrc-run sources /etc/conf.d/k3s.$RC_RUNLEVEL in its place where that exists (the
    # installer's and the package's `rc-update add k3s default`), then the system overrides
    # /etc/rc.conf and /etc/rc.conf.d/*.conf (OpenRC sh/openrc-run.sh.in) (R36A-2)
    "/etc/conf.d/k3s.default",
    "/etc/rc.conf",
    "/etc/rc.conf.d",
    # RKE2's, read by the same code (rancher/rke2 pkg/cli/cmds/server.go: k3s's server command
    # with its config and write-kubeconfig-mode flags)
    "/etc/rancher/rke2/config.yaml",
    "/etc/rancher/rke2/config.yaml.d",
    # rke2-server.service's environment files (rancher/rke2
    # bundle/lib/systemd/system/rke2-server.service) (R34A-2)
    "/etc/default/rke2-server",
    "/etc/sysconfig/rke2-server",
    "/usr/local/lib/systemd/system/rke2-server.env",
)

#: The Kubernetes cluster administrator's kubeconfigs a node keeps: k3s's and RKE2's (written
#: with --write-kubeconfig-mode and --write-kubeconfig-group, docs.k3s.io cli/server),
#: kubeadm's admin.conf and super-admin.conf, MicroK8s's client.config, and the CA keys that
#: mint such a credential. Whoever reads one is cluster-admin, who runs a privileged pod on
#: this node (R29A-6, R30A-1).
KUBE_ADMIN_CONFIGS: tuple[str, ...] = (
    "/etc/rancher/k3s/k3s.yaml",
    "/etc/rancher/rke2/rke2.yaml",
    "/etc/kubernetes/admin.conf",
    "/etc/kubernetes/super-admin.conf",
    # MicroK8s's admin kubeconfig and cluster CA key (canonical/microk8s actions/common/
    # utils.sh update_configs writes the admin token into credentials/client.config), whose
    # directories its configure hook gives `chmod -R ug+rwX` and `chgrp -R` microk8s
    # (snap_microk8s when strict): the group is cluster-admin by default (R30A-1)
    "/var/snap/microk8s/current/credentials/client.config",
    "/var/snap/microk8s/current/certs/ca.key",
    # MicroK8s's other credentials of that power (R33A-2): known_tokens.csv, the API server's
    # --token-auth-file, whose first line is the admin token in "system:masters", with the
    # controller manager's (canonical/microk8s snap/hooks/install "Create the known tokens"),
    # and basic_auth.csv, where an older install keeps the admin's (actions/common/utils.sh
    # update_configs); controller.config, the controller manager's token (R32A-1); the front
    # proxy's CA key and client key, whose certificate's X-Remote-User / X-Remote-Group the
    # API server believes (default-args/kube-apiserver --requestheader-client-ca-file=
    # certs/front-proxy-ca.crt, --requestheader-allowed-names=front-proxy-client; R31A-1);
    # cluster-tokens.txt, `microk8s add-node`'s join tokens (scripts/wrappers/add_token.py),
    # with which a joining node is handed the admin token and the CA key
    # (scripts/wrappers/join.py: info["admin_token"], store_cert("ca.key", info["ca_key"]))
    *(
        f"/var/snap/microk8s/current/{name}"
        for name in (
            "credentials/known_tokens.csv",
            "credentials/basic_auth.csv",
            "credentials/controller.config",
            "credentials/cluster-tokens.txt",
            "certs/front-proxy-ca.key",
            "certs/front-proxy-client.key",
        )
    ),
    # kubeadm's cluster CA key (kubernetes.io "PKI certificates and requirements": ca.crt,key,
    # "Kubernetes general CA"): it signs a client certificate of any group, system:masters
    # included (R30A-1)
    "/etc/kubernetes/pki/ca.key",
    # k3s's (and RKE2's, the same code under its own data dir) copy of system:admin's
    # kubeconfig and key, and the client CA key that signs them (k3s pkg/daemons/control/deps
    # deps.go: KubeConfigAdmin cred/admin.kubeconfig, ClientAdminKey tls/client-admin.key,
    # genClientCerts signs "system:admin" in user.SystemPrivilegedGroup with ClientCAKey
    # tls/client-ca.key; server data dir <data-dir>/server) (R30A-5)
    "/var/lib/rancher/k3s/server/cred/admin.kubeconfig",
    "/var/lib/rancher/k3s/server/tls/client-admin.key",
    "/var/lib/rancher/k3s/server/tls/client-ca.key",
    "/var/lib/rancher/rke2/server/cred/admin.kubeconfig",
    "/var/lib/rancher/rke2/server/tls/client-admin.key",
    "/var/lib/rancher/rke2/server/tls/client-ca.key",
    # kubeadm's other roads to the same power (R31A-1): the etcd CA key ("etcd/ca.crt,key,
    # etcd-ca, For all etcd-related functions", kubernetes.io "PKI certificates and
    # requirements"; kubeadm's etcd trusts every client certificate it signs, and etcd holds
    # the whole cluster state) and the API server's etcd client key; the front proxy's CA key
    # and client key (the API server believes the user and groups, system:masters included,
    # that a request carries in X-Remote-User / X-Remote-Group from a client certificate the
    # --requestheader-client-ca-file CA signed, kubernetes.io "Authenticating": "Authenticating
    # Proxy")
    "/etc/kubernetes/pki/etcd/ca.key",
    "/etc/kubernetes/pki/apiserver-etcd-client.key",
    "/etc/kubernetes/pki/front-proxy-ca.key",
    "/etc/kubernetes/pki/front-proxy-client.key",
    # k3s's and RKE2's (deps.go CreateRuntimeCertFiles, genClientCerts, genRequestHeaderCerts,
    # genETCDCerts): the supervisor's and the API server's own kubeconfigs and keys, both in
    # user.SystemPrivilegedGroup (system:masters); the request-header CA key and the auth
    # proxy's client key (CN system:auth-proxy); the etcd server CA key and etcd client key
    # (R31A-1)
    *(
        f"/var/lib/rancher/{dist}/server/{name}"
        for dist in ("k3s", "rke2")
        for name in (
            "cred/supervisor.kubeconfig",
            "tls/client-supervisor.key",
            "cred/api-server.kubeconfig",
            "tls/client-kube-apiserver.key",
            "tls/request-header-ca.key",
            "tls/client-auth-proxy.key",
            "tls/etcd/server-ca.key",
            "tls/etcd/client.key",
        )
    ),
    # the controller manager's credential (R32A-1): system:kube-controller-manager's
    # ClusterRole creates serviceaccounts/token in every namespace and lists every resource,
    # secrets included (kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go),
    # so it mints a token for kube-system's daemon-set-controller, which creates pods
    # (controller_policy.go); kubeadm's controller-manager.conf, k3s's and RKE2's
    # cred/controller.kubeconfig and tls/client-controller.key (deps.go CreateRuntimeCertFiles)
    "/etc/kubernetes/controller-manager.conf",
    # k3s's and RKE2's server token, its older node-token name and cred/passwd, which keeps its
    # password: "anyone with access to the server token essentially has full administrator
    # access to the cluster" (docs.k3s.io "k3s token", Server) (R32A-1)
    *(
        f"/var/lib/rancher/{dist}/server/{name}"
        for dist in ("k3s", "rke2")
        for name in (
            "cred/controller.kubeconfig",
            "tls/client-controller.key",
            "token",
            "node-token",
            "cred/passwd",
        )
    ),
)


#: The libvirt socket units whose files hvaudit reads: each daemon's read-write, read-only and
#: admin socket (libvirt src/remote/libvirtd*.socket.in and the modular daemons' virtd
#: templates), the remote daemons' -tcp and -tls ones, and virtlogd's and virtlockd's socket
#: and admin socket (src/logging/virtlogd*.socket.in, src/locking/virtlockd*.socket.in).
SOCKET_UNITS: tuple[str, ...] = (
    *(f"{d}{s}.socket" for d in LIBVIRT_DAEMONS for s in ("", "-ro", "-admin")),
    *(f"{d}{s}.socket" for d in ("libvirtd", "virtproxyd") for s in ("-tcp", "-tls")),
    *(f"{d}{s}.socket" for d in ("virtlogd", "virtlockd") for s in ("", "-admin")),
)

#: The systemd units that switch KSM on: ksm.service runs `ksmctl start` (run = 1) once at boot,
#: ksmtuned.service starts ksmtuned, which sets run = 1 under memory pressure (Debian's ksmtuned
#: package: /lib/systemd/system/ksm.service, ksmtuned.service; RHEL qemu-kvm, Proxmox
#: ksm-control-daemon).
KSM_UNITS: tuple[str, ...] = ("ksm.service", "ksmtuned.service")


def libvirt_socket(daemon: str) -> str:
    """The read-write UNIX socket a libvirt daemon serves (libvirtd and virtproxyd: libvirt-sock;
    every other modular daemon: <name>-sock, its socket unit's ListenStream)."""
    if daemon in ("libvirtd", "virtproxyd"):
        return "/run/libvirt/libvirt-sock"
    return f"/run/libvirt/{daemon}-sock"


def libvirt_admin_socket(daemon: str) -> str:
    """A libvirt daemon's admin socket: `<sock_prefix>-admin-sock` beside its read-write
    `<sock_prefix>-sock` (libvirt src/remote/remote_daemon.c daemonUnixSocketPaths, read with
    `find_string`; /run/libvirt/libvirt-admin-sock for libvirtd, libvirtd(8) FILES)."""
    return libvirt_socket(daemon).removesuffix("-sock") + "-admin-sock"


#: libvirt's read-write and admin sockets and virtlogd's and virtlockd's, as stat'ed and as
#: their ACLs are read (R36A-5)
LIBVIRT_ACL_SOCKETS: tuple[str, ...] = (
    *dict.fromkeys(libvirt_socket(d) for d in LIBVIRT_DAEMONS),
    *dict.fromkeys(libvirt_admin_socket(d) for d in LIBVIRT_DAEMONS),
    *LOG_LOCK_SOCKETS,
)


#: How the configuration directories are read: `grep -R -D skip`. GNU grep's -r follows a
#: symbolic link only where it is on the command line (grep 2.12, commit c6e3ea6 "grep: -r no
#: longer follows symlinks; use fts": "-R acts as before and gets a new alias
#: --dereference-recursive"), while the programs reading these directories open a linked file
#: as any other: polkit (polkitbackendjsauthority.c load_scripts: g_dir_read_name, every name
#: ending in .rules, then g_file_load_contents), sshd's and rsyslog's Include (glob, then
#: fopen), augenrules (`ls` and `cat`). A rule file linked into rules.d from elsewhere was
#: never read (R18H-3). `-D skip` leaves devices, FIFOs and sockets unread (a link to /dev/null
#: masks a systemd drop-in: nothing to read; a FIFO would block).
CONFIG_GREP: tuple[str, ...] = ("-R", "-D", "skip")

COMMANDS: tuple[CommandProbe, ...] = (
    CommandProbe("dev-kvm", ("ls", "-l", "/dev/kvm")),
    CommandProbe(
        "cpu-vulnerabilities", ("grep", "-r", "-H", "", "/sys/devices/system/cpu/vulnerabilities")
    ),
    CommandProbe("iommu-groups", ("ls", "-1", "/sys/kernel/iommu_groups")),
    # Which PCI devices share an IOMMU group, and which host driver holds each (HVA-050).
    CommandProbe(
        "iommu-group-devices",
        ("find", "/sys/kernel/iommu_groups", "-mindepth", "3", "-maxdepth", "3"),
    ),
    CommandProbe(
        "pci-drivers",
        ("find", "/sys/bus/pci/drivers", "-mindepth", "2", "-maxdepth", "2", "-name", "*:*:*.*"),
    ),
    # Each PCI function's class code (bridges and endpoints differ in HVA-050): sysfs is on every
    # host, lspci (pciutils) is not installed everywhere. `-L` enters the device links of
    # /sys/bus/pci/devices; depth 2 reaches <address>/class and nothing below it.
    CommandProbe(
        "pci-classes",
        (
            "find",
            "-L",
            "/sys/bus/pci/devices",
            "-mindepth",
            "2",
            "-maxdepth",
            "2",
            "-name",
            "class",
            "-exec",
            "grep",
            "-H",
            "",
            "{}",
            "+",
        ),
    ),
    # The TPM's character devices: /dev/tpmrm0 (the kernel's resource manager) exists only for
    # a TPM 2.0 (drivers/char/tpm/tpm-chip.c tpm_add_char_device: "if (chip->flags &
    # TPM_CHIP_FLAG_TPM2)"), which tells the version where the kernel predates the
    # tpm_version_major file (Linux 5.6).
    CommandProbe("tpm-devices", ("ls", "-1", "/dev/tpm0", "/dev/tpmrm0")),
    # each interface's symlink into /sys/devices: the chain of PCI bridges above its device
    # (sysfs-class-net; R9H-4: two ports of one card behind its own PCIe switch sit on two
    # buses, and only the shared bridge above them tells)
    CommandProbe("net-devices", ("ls", "-l", "/sys/class/net")),
    # the physical slots the firmware describes and the PCI address each holds, read-only
    # (/sys/bus/pci/slots/<name>/address: Linux drivers/pci/slot.c pci_slot_attr_address):
    # two root ports of one slot split by bifurcation (x8x8) may carry its one slot number
    CommandProbe("pci-slots", ("grep", "-r", "--include=address", ".", "/sys/bus/pci/slots")),
    CommandProbe("efi", ("ls", "-d", "/sys/firmware/efi")),
    CommandProbe(
        "secure-boot",
        (
            "od",
            "-An",
            "-tu1",
            "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c",
        ),
    ),
    # the firmware's Setup Mode (no Platform Key enrolled): the kernel takes a boot in it as not
    # secure whatever SecureBoot says (include/linux/efi.h efi_get_secureboot_mode: `if
    # (secboot == 0 || setupmode == 1) return efi_secureboot_mode_disabled`; R25B-5)
    CommandProbe(
        "setup-mode",
        (
            "od",
            "-An",
            "-tu1",
            "/sys/firmware/efi/efivars/SetupMode-8be4df61-93ca-11d2-aa0d-00e098032b8c",
        ),
    ),
    # shim's own state: `mokutil --disable-validation` sets MokSBStateRT (shim's GUID) to 1, and
    # then shim verifies nothing and the kernel treats the boot as not secure although the
    # firmware's SecureBoot variable stays 1 (Linux drivers/firmware/efi/libstub/secureboot.c
    # efi_get_secureboot: "See if a user has put the shim into insecure mode"). Ubuntu's apport
    # reads it with the same od (4 attribute bytes, then the value); absent when never set.
    CommandProbe(
        "shim-validation",
        (
            "od",
            "-An",
            "-tu1",
            "/sys/firmware/efi/efivars/MokSBStateRT-605dab50-e046-4300-abb6-3dd810dd8b23",
        ),
    ),
    # The TCG event log's length, by reading it: securityfs never sets a file's size, so `ls -l`
    # shows 0 for it on every host (security/inode.c securityfs_create_dentry sets no i_size).
    CommandProbe(
        "measured-boot-log", ("wc", "-c", "/sys/kernel/security/tpm0/binary_bios_measurements")
    ),
    CommandProbe("sudoers", ("grep", *CONFIG_GREP, "-H", "", "/etc/sudoers", "/etc/sudoers.d")),
    # sudo built with --enable-adminconf (sudo INSTALL.md: "Search for configuration files in
    # adminconfdir ... in preference to configuration files in sysconfdir"; openSUSE's sudo.spec
    # for suse_version >= 1600: --sysconfdir=/usr/etc --enable-adminconf=/etc, "Sudo reads either
    # /etc/sudoers or /usr/etc/sudoers (in that order, whichever one it finds first)") reads the
    # vendor sudoers where /etc has none, and its sudo.conf likewise (R45A-1)
    CommandProbe(
        "sudoers-vendor", ("grep", *CONFIG_GREP, "-H", "", "/usr/etc/sudoers", "/usr/etc/sudoers.d")
    ),
    # Alpine's doas (aports main/doas configuration-directory.patch, "read both /etc/doas.conf
    # and /etc/doas.d/*.conf if confdir is enabled"; APKBUILD --with-doas-confdir) reads the
    # regular files of /etc/doas.d whose names end in .conf after /etc/doas.conf (R36A-1)
    CommandProbe("doas-d", ("grep", *CONFIG_GREP, "-H", "", "/etc/doas.d")),
    # modprobe.d(5): the options modprobe gives a module each time it loads it (a module not
    # loaded now takes them at its next load: vfio_iommu_type1's allow_unsafe_interrupts, R10H-2);
    # libkmod reads *.alias files there too (R20H-8, _modprobe_options)
    CommandProbe(
        "modprobe-d",
        (
            "grep",
            *CONFIG_GREP,
            "-H",
            "--include=*.conf",
            "--include=*.alias",
            "",
            *MODPROBE_D,
        ),
    ),
    # sysctl.d(5): the kernel parameters systemd-sysctl writes at every boot (and udev for each
    # new interface's net.ipv*.conf keys), which the live /proc/sys values do not show: a value
    # set by hand since the boot is gone at the next one (R21S-1). Each file's path is printed
    # before its lines, so an empty file or a link to /dev/null (which masks a file of that
    # name, sysctl.d(5)) is seen; -L follows 99-sysctl.conf -> ../sysctl.conf.
    CommandProbe(
        "sysctl-d",
        (
            "find",
            "-L",
            *SYSCTL_D,
            SYSCTL_CONF,
            "-maxdepth",
            "1",
            "-name",
            "*.conf",
            *_PRINT_AND_GREP,
        ),
    ),
    # The next boot's kernel command line, which /proc/cmdline (the running boot's) does not
    # show (R21B-1): GRUB's /etc/default/grub and the /etc/default/grub.d/*.cfg grub-mkconfig
    # sources after it (GRUB_CMDLINE_LINUX, GRUB_CMDLINE_LINUX_DEFAULT), /etc/kernel/cmdline
    # (kernel-install, proxmox-boot-tool with systemd-boot) and the Boot Loader Specification
    # entries' `options`. Each file's path is printed before its lines (`find -L -print -exec
    # grep -H`), so an empty file is seen.
    CommandProbe(
        "boot-cmdline",
        (
            "find",
            "-L",
            *BOOT_CMDLINE,
            "-maxdepth",
            "1",
            "-type",
            "f",
            "(",
            "-path",
            "/etc/default/grub",
            "-o",
            "-path",
            "/etc/default/grub.d/*.cfg",
            "-o",
            "-path",
            "/etc/kernel/cmdline",
            "-o",
            "-path",
            "/boot/loader/entries/*.conf",
            "-o",
            "-path",
            "/efi/loader/entries/*.conf",
            "-o",
            "-path",
            "/boot/efi/loader/entries/*.conf",
            "-o",
            "-path",
            "/boot/grub2/grubenv",
            "-o",
            "-path",
            "/boot/grub/grubenv",
            "-o",
            "-path",
            "/etc/grub.d/*_custom",
            "-o",
            "-path",
            "/boot/grub/custom.cfg",
            "-o",
            "-path",
            "/boot/grub2/custom.cfg",
            ")",
            *_PRINT_AND_GREP,
        ),
    ),
    # Unified kernel images (R28B-3): systemd-boot boots every EFI/Linux/*.efi of the ESP and
    # XBOOTLDR partition as a Type #2 entry (Boot Loader Specification; systemd's find-esp.c
    # looks for the ESP at /efi, /boot, /boot/efi), whose command line is the image's own
    # .cmdline PE section (systemd-stub(7)), which no file above holds: listed, not read
    CommandProbe(
        "boot-uki",
        (
            "find",
            "-L",
            *UKI_DIRS,
            "-maxdepth",
            "1",
            "-type",
            "f",
            "-iname",
            "*.efi",
        ),
    ),
    # sssd.conf(5), "CONFIGURATION SNIPPETS FROM INCLUDE DIRECTORY": every conf.d/*.conf (not
    # starting with a dot) overrides sssd.conf, the later in alphabetical order the stronger.
    # Secret settings (ldap_default_authtok ...) are blanked by the bundle writer.
    CommandProbe("sssd-conf-d", ("grep", *CONFIG_GREP, "-H", "", "/etc/sssd/conf.d")),
    # When sssd.conf and its snippets were last changed: SSSD reads them when it starts, and
    # SIGHUP only reopens its debug logs (sssd(8) SIGNALS), so a file changed after the running
    # sssd started is not what it applies (R11H-3; the start times: process-starts). The
    # modification and the status change time each (GNU findutils manual, "Time Directives":
    # %T "last modification time", %C "last status change time"): a `cp -p` copy keeps its
    # source's mtime, not its ctime (R45T-1, R45T-2)
    CommandProbe(
        "sssd-conf-mtimes",
        ("find", "/etc/sssd", "-maxdepth", "2", "-name", "*.conf", "-printf", "%T@ %C@ %p\\n"),
    ),
    # nss-systemd(8), "Static Drop-In JSON User/Group Records": with `systemd` on the passwd
    # line, NAME.user JSON records in these directories resolve as accounts (names only here)
    CommandProbe(
        "userdb-records",
        (
            "find",
            *USERDB_DIRS,
            "-maxdepth",
            "1",
            "-name",
            "*.user",
        ),
    ),
    CommandProbe("sshd-effective", ("sshd", "-T")),
    # `sshd -T` applies no Match block: the files are read for those (sshd_config(5) Include:
    # Debian and Fedora include /etc/ssh/sshd_config.d/*.conf).
    CommandProbe("sshd-config-d", ("grep", *CONFIG_GREP, "-H", "", "/etc/ssh/sshd_config.d")),
    CommandProbe(
        "sshd-units",
        ("systemctl", "is-active", "ssh.service", "sshd.service", "ssh.socket", "sshd.socket"),
    ),
    CommandProbe("listeners", ("ss", "-H", "-t", "-u", "-l", "-n", "-p")),
    # AF_VSOCK listeners: every VM with a vsock device connects to the host (CID 2) on any port
    # a host socket bound to it or to VMADDR_CID_ANY listens on (vsock(7); VL19-20). ss asks
    # the kernel's vsock_diag (iproute2 ss.c vsock_show) and prints nothing, exiting 0, when
    # the kernel cannot answer (libnetlink.c rtnl_dump_error returns quietly on ENOENT for
    # NETLINK_SOCK_DIAG; main() ignores vsock_show's result); the kernel loads vsock_diag on
    # that request (net/vmw_vsock/diag.c MODULE_ALIAS_NET_PF_PROTO_TYPE(PF_NETLINK,
    # NETLINK_SOCK_DIAG, 40 /* AF_VSOCK */)), so /proc/modules read after it says whether the
    # empty answer was the kernel's.
    CommandProbe("vsock-listeners", ("ss", "-H", "--vsock", "-l", "-n", "-p")),
    CommandProbe("vsock-diag", ("grep", "-E", "^vsock_diag ", "/proc/modules")),
    # net.ipv4.conf.*.route_localnet (ip-sysctl.rst: "Do not consider loopback addresses as
    # martian source or destination while routing"): on an interface, its neighbours reach
    # 127/8 listeners (R9H-6, CVE-2020-8558)
    CommandProbe(
        "route-localnet",
        ("grep", "-r", "--include=route_localnet", ".", "/proc/sys/net/ipv4/conf"),
    ),
    CommandProbe("nft-ruleset", ("nft", "-j", "list", "ruleset")),
    # Every chain of the filter table: INPUT jumps to user chains (ufw, firewalld's iptables
    # back end) whose rules decide (iptables(8) TARGETS).
    CommandProbe("iptables-input", ("iptables", "-S")),
    CommandProbe("ip6tables-input", ("ip6tables", "-S")),
    # What -m set and -m recent rules match on: the kernel's ipsets (ipset(8) list, `-output
    # save`: one `create` and `add` line each), the recent lists (iptables-extensions(8)
    # recent: /proc/net/xt_recent/NAME, one source a line) and the rules of every table that
    # add to either (-j SET --add-set, -m recent --set; iptables-save prints every table).
    CommandProbe("ipset-list", ("ipset", "list", "-output", "save")),
    CommandProbe("xt-recent", ("grep", "-r", "-H", "", "/proc/net/xt_recent")),
    # The cgroup mounts (fstype cgroup or cgroup2 only: other mounts' options may carry
    # credentials): libvirt writes <memtune><soft_limit> to memory.soft_limit_in_bytes where a
    # v1 hierarchy holds the memory controller, to memory.high where cgroup v2 does
    # (vircgroupv1.c / vircgroupv2.c SetMemorySoftLimit; vircgroup.c virCgroupDetectControllers)
    CommandProbe("cgroup-mounts", ("grep", "-E", "^[^ ]+ [^ ]+ cgroup2? ", "/proc/mounts")),
    CommandProbe("iptables-save", ("iptables-save",)),
    CommandProbe("ip6tables-save", ("ip6tables-save",)),
    CommandProbe(
        "dpkg-packages", ("dpkg-query", "-W", "-f", "${Package}\t${Version}\t${db:Status-Abbrev}\n")
    ),
    CommandProbe("rpm-packages", ("rpm", "-qa", "--qf", "%{NAME}\t%{VERSION}-%{RELEASE}\tii\n")),
    CommandProbe(
        "apt-upgrade-simulation",
        ("apt-get", "-s", "-o", "Debug::NoLocking=1", "dist-upgrade"),
        120,
    ),
    CommandProbe("apt-held", ("apt-mark", "showhold")),
    # Every package source with its release line (o=, a=, n=, l=): whether a security archive
    # is among them, without which the simulation never names a security update (R10H-6).
    # URI user information is redacted by the bundle writer.
    CommandProbe("apt-policy", ("apt-cache", "policy")),
    # How old the package lists are: `apt-get -s` reads the lists on disk and fetches nothing,
    # so it cannot name an update published after the last `apt-get update`. Each stored
    # Release's Date (when the archive signed it), Valid-Until and the names that tell the
    # security archive; partial/ holds downloads in progress (HL10-1).
    CommandProbe(
        "apt-lists-release",
        (
            "grep",
            "-r",
            "-H",
            "--include=*Release",
            "--exclude-dir=partial",
            "-E",
            "^(Date|Valid-Until|Suite|Codename|Label):",
            "/var/lib/apt/lists",
        ),
    ),
    CommandProbe(
        "dnf-security-updates",
        ("dnf", "-q", "updateinfo", "list", "--security", "--available"),
        120,
    ),
    # Whether the repositories publish advisories at all ("--all: Show advisories containing any
    # version of installed packages", dnf5-advisory(8)): without updateinfo (CentOS Stream, a
    # mirror synced without its metadata) --security finds nothing whatever is pending (R10H-5)
    CommandProbe("dnf-advisories", ("dnf", "-q", "updateinfo", "list", "--all"), 120),
    CommandProbe(
        "libvirt-socket-units",
        (
            "systemctl",
            "list-unit-files",
            "--no-legend",
            "--no-pager",
            *(f"{d}*.socket" for d in LIBVIRT_DAEMONS),
        ),
    ),
    # The units that switch KSM on at boot: ksm.service (`ksmctl start`, run = 1) and
    # ksmtuned.service, shipped by RHEL's qemu-kvm, Debian's ksmtuned and Proxmox's
    # ksm-control-daemon; one that is enabled but not running now still starts at the next boot
    # (HVA-061, R23H-1)
    # The kernels installed for booting: each kernel package puts its image at
    # /boot/vmlinuz-RELEASE (Debian/Proxmox linux-image-*/proxmox-kernel-*, RHEL kernel-core);
    # one newer than the running release is an update that is not in effect until a reboot
    # (R23H-2)
    CommandProbe("boot-kernels", ("find", "/boot", "-maxdepth", "1", "-name", "vmlinuz-*")),
    CommandProbe(
        "ksm-units",
        ("systemctl", "list-unit-files", "--no-legend", "--no-pager", *KSM_UNITS),
    ),
    CommandProbe(
        "libvirt-sockets",
        (
            "stat",
            "-c",
            "%a %U %G %n",
            # the admin sockets: under socket activation their unit's SocketMode (a drop-in
            # may change it) sets the mode, not unix_sock_admin_perms (R12H-2)
            *LIBVIRT_ACL_SOCKETS,
        ),
    ),
    # The libvirt socket units' files and drop-ins as systemd merges them (systemctl(1) cat:
    # each file after a "# PATH" line, the unit file first, then its drop-ins in the order
    # applied): SocketMode=, SocketUser=, SocketGroup= and ListenStream= there are what the
    # unit's next start creates, which a drop-in may widen while the live socket is still
    # narrow (systemd.socket(5); R21U-1). Read-only; a missing unit only prints "No files found".
    CommandProbe(
        "libvirt-socket-unit-files",
        ("systemctl", "cat", "--no-pager", *SOCKET_UNITS),
    ),
    # The TLS server key's mode, owner and group and those of the directories above it, whose
    # search bits decide whether its mode matters (HVA-030): metadata only, never the key. -L
    # follows a symbolic link to the file the daemon opens.
    CommandProbe("libvirt-tls-key", ("stat", "-L", "-c", "%a %U %G %n", *TLS_KEY_PATHS)),
    CommandProbe("processes", ("ps", "-eo", "pid=,user:32=,args=")),
    # The container daemons' API sockets (mode, owner, group): a socket-activated daemon
    # (docker.socket) starts on the first connection, so its socket's group is root-equivalent
    # while the daemon is not running (R23A-2). Missing sockets: stat exits 1.
    CommandProbe("container-sockets", ("stat", "-c", "%a %U %G %n", *CONTAINER_SOCKETS)),
    # The Kubernetes admin kubeconfigs and CA keys (mode, owner, group; -L: the file kubectl
    # opens): read access is cluster-admin (R29A-6, R30A-1). Missing files: stat exits 1.
    CommandProbe(
        "kube-admin-configs",
        ("stat", "-L", "-c", "%a %U %G %n", *KUBE_ADMIN_CONFIGS, *MICROK8S_COMPONENT_CONFIGS),
    ),
    # Their POSIX ACLs, which `stat`'s mode does not show: a named user or group entry grants
    # access beyond the mode's owner and group (acl(5), ACCESS CHECK ALGORITHM; `setfacl -m
    # u:NAME:rw /run/docker.sock`). getfacl(1) -s/--skip-base prints only the files with more
    # than the base entries, -p/--absolute-names keeps the paths as given; a symbolic link
    # argument is followed. Where getfacl is not installed, `ls -ldL` marks a file with an ACL
    # by a '+' after its mode (R36A-4).
    CommandProbe(
        "admin-paths-acl",
        (
            "getfacl",
            "--skip-base",
            "--absolute-names",
            *LIBVIRT_ACL_SOCKETS,
            *CONTAINER_SOCKETS,
            *KUBE_ADMIN_CONFIGS,
            *MICROK8S_COMPONENT_CONFIGS,
        ),
    ),
    CommandProbe(
        "admin-paths-ls",
        (
            "ls",
            "-ldL",
            "--",
            *LIBVIRT_ACL_SOCKETS,
            *CONTAINER_SOCKETS,
            *KUBE_ADMIN_CONFIGS,
            *MICROK8S_COMPONENT_CONFIGS,
        ),
    ),
    # k3s's configuration file, its drop-ins and the installer's environment file for
    # k3s.service: write-kubeconfig-mode and -group there (K3S_KUBECONFIG_MODE and _GROUP in
    # the environment) are the mode and group k3s gives /etc/rancher/k3s/k3s.yaml at its next
    # start, over a mode chmod'ed since (R33A-5). Read-only; missing files: grep exits 2.
    CommandProbe("k3s-config", ("grep", *CONFIG_GREP, "-H", "", *K3S_CONFIG_FILES)),
    # The OpenRC runlevels k3s is in (rc-update(8) `add`: a link /etc/runlevels/RUNLEVEL/k3s)
    # and every /etc/conf.d/k3s.RUNLEVEL, which openrc-run sources in /etc/conf.d/k3s's place
    # when k3s starts in RUNLEVEL (OpenRC sh/openrc-run.sh.in) (R47A-2). Read-only.
    CommandProbe(
        "k3s-openrc-runlevels",
        ("find", "/etc/runlevels", "-mindepth", "2", "-maxdepth", "2", "-name", "k3s"),
    ),
    CommandProbe(
        "k3s-openrc-confd", ("grep", *CONFIG_GREP, "-H", "--include=k3s.*", "", "/etc/conf.d")
    ),
    # k3s's unit and drop-ins as systemd merges them: the installer writes INSTALL_K3S_EXEC's
    # flags into its ExecStart= (install.sh create_systemd_service_file), which override
    # config.yaml's (k3s pkg/configfilearg/parser.go Parse), and its environment gives
    # K3S_KUBECONFIG_MODE and K3S_CONFIG_FILE (R34A-1). Read-only.
    # RKE2's rke2-server.service likewise (R34A-2).
    CommandProbe(
        "k3s-service-unit-files",
        ("systemctl", "cat", "--no-pager", "k3s.service", "rke2-server.service"),
    ),
    # The container daemons' units the next boot starts, and dockerd's configuration file
    # (its "group" names the group of the sockets it creates): an enabled daemon that is
    # stopped now, with no socket to stat, still hands its group root at the next boot (R25E-1)
    CommandProbe(
        "container-units",
        ("systemctl", "list-unit-files", "--no-legend", "--no-pager", *CONTAINER_UNITS),
    ),
    # The container daemons' socket units and drop-ins as systemd merges them: SocketGroup=,
    # SocketMode= and ListenStream= a drop-in sets apply at the socket's next start, whatever
    # the live socket shows now (systemd.socket(5); R26A-1). Read-only.
    CommandProbe(
        "container-socket-unit-files",
        ("systemctl", "cat", "--no-pager", *CONTAINER_SOCKET_UNITS),
    ),
    # The container daemons' services and drop-ins as systemd merges them: the ExecStart=
    # (and Environment=) their next start gives dockerd (`-H tcp://...`, `-G GROUP`) or podman
    # (`system service tcp:...`), whether or not the daemon runs now (systemd.service(5):
    # an empty ExecStart= resets the list; R31A-2), and containerd's (`--config FILE` names the
    # file its next start reads: containerd cmd/containerd/command/main.go App, flag
    # "config,c", default /etc/containerd/config.toml; R33A-3). Read-only.
    CommandProbe(
        "container-service-unit-files",
        (
            "systemctl",
            "cat",
            "--no-pager",
            "docker.service",
            "podman.service",
            "containerd.service",
        ),
    ),
    # Every listening socket unit, its addresses and the service it activates (systemd
    # src/systemctl/systemctl-list-units.c verb_list_sockets: LISTEN, UNIT, ACTIVATES; --full
    # unabbreviated, "-" for no service): a socket unit of any name (docker-tcp.socket) whose
    # service is a container daemon starts it on the first connection, whether or not it runs
    # or is enabled now (R28A-1). Read-only.
    CommandProbe(
        "socket-activations",
        (
            "systemctl",
            "list-sockets",
            "--full",
            "--no-legend",
            "--no-pager",
            "--state=active",
        ),
    ),
    # Every loaded socket unit, listening or stopped, with the addresses and service its
    # configuration gives it (list-sockets --all: get_listening and get_triggered_units read
    # the unit's Listen and Triggers properties, set when it is loaded), and every socket unit
    # file's enablement: a socket unit stopped now but enabled listens again from the next boot
    # and starts its container daemon on the first connection (R29A-3). Read-only.
    CommandProbe(
        "socket-units-loaded",
        ("systemctl", "list-sockets", "--full", "--no-legend", "--no-pager", "--all"),
    ),
    CommandProbe(
        "socket-unit-states",
        ("systemctl", "list-unit-files", "--no-legend", "--no-pager", "--type=socket"),
    ),
    # When each process started, in UTC ("Wed Dec  2 03:54:17 2026", procps lstart in the C
    # locale), and when each libvirt configuration file was last changed (epoch seconds): a
    # libvirt daemon reads its .conf and the QEMU driver qemu.conf only when it starts
    # (remote_daemon.c main: daemonConfigLoadFile; SIGHUP runs virStateReload, whose
    # qemuStateReload reloads the domain definitions only), so a file changed since is not
    # what the running daemon applies (R11H-1). Both the modification time (%Y) and the status
    # change time (%Z, coreutils stat --help: "time of last status change, seconds since
    # Epoch"): `cp -p`, `rsync -t`, `install -p` and package installs copy the source's mtime
    # (utimensat), but st_ctime "is changed by writing or by setting inode information (i.e.,
    # owner, group, link count, mode, etc.)" (Linux man-pages stat(2)), and "it is not
    # possible, in normal operations, for a user to change the ctime field to a user-specified
    # value" (GNU coreutils manual, "touch invocation"): found with `search` (R45T-1)
    CommandProbe("process-starts", ("env", "LC_ALL=C", "TZ=UTC0", "ps", "-eo", "pid=,lstart=")),
    CommandProbe(
        "libvirt-conf-mtimes",
        (
            "stat",
            "-c",
            "%Y %Z %n",
            "/etc/libvirt/qemu.conf",
            *(f"/etc/libvirt/{d}.conf" for d in LIBVIRT_DAEMONS),
        ),
    ),
    # When the node's /etc/services last changed (mtime and ctime, as libvirt-conf-mtimes):
    # pve-firewall reads it once per daemon start (github:proxmox/pve-firewall
    # src/PVE/Firewall.pm get_etc_services: `return $etc_services if $etc_services`), so a file
    # changed since names ports the running daemon does not know (R48F-2)
    CommandProbe("services-mtimes", ("stat", "-c", "%Y %Z %n", "/etc/services")),
    CommandProbe("audit-rules", ("auditctl", "-l")),
    # The QEMU driver daemons' unit files and drop-ins as systemd merges them (systemctl(1)
    # cat: each file after a "# PATH" line): their Environment= and EnvironmentFile=, whose
    # LIBVIRT_LOG_OUTPUTS replaces log_outputs when the daemon starts (R13H-3). `systemctl show
    # -p Environment` prints "[unprintable]" for a value with a space (systemd
    # bus-print-properties.c), so the files are read.
    CommandProbe(
        "libvirt-units",
        ("systemctl", "cat", "--no-pager", *(f"{d}.service" for d in UNIT_DAEMONS)),
    ),
    # repository sections' own exclude= filters that repository's packages (dnf.conf(5),
    # "Options for both [main] and Repo")
    CommandProbe("yum-repos", ("grep", *CONFIG_GREP, "-H", "", "/etc/yum.repos.d")),
    # auditd's dispatcher plugins (audit 3: /etc/audit/plugins.d, audit 2: /etc/audisp/plugins.d):
    # each file's `active = yes` hands every record to that plugin (syslog, au-remote ...)
    CommandProbe(
        "audit-plugins",
        ("grep", *CONFIG_GREP, "-H", "", "/etc/audit/plugins.d", "/etc/audisp/plugins.d"),
    ),
    # The rules the next boot loads: augenrules(8) compiles /etc/audit/rules.d/*.rules into
    # /etc/audit/audit.rules, which auditd.service loads (augenrules --load or auditctl -R); a
    # rule added with auditctl alone is gone at the next boot (R11H-6)
    CommandProbe(
        "audit-rules-files",
        ("grep", *CONFIG_GREP, "-H", "", "/etc/audit/audit.rules", "/etc/audit/rules.d"),
    ),
    # the kernel's enabled flag: `auditctl -e 0` switches auditing off with the rules loaded
    CommandProbe("audit-status", ("auditctl", "-s")),
    CommandProbe(
        "qemu-logs",
        ("grep", "-r", "-H", "-E", "starting up|is tainted:", "/var/log/libvirt/qemu"),
        60,
    ),
    CommandProbe("ip-addr", ("ip", "-j", "addr", "show")),
    CommandProbe("ip-link", ("ip", "-j", "-d", "link", "show")),
    # Each bridge port's VLANs (iproute2 bridge/vlan.c: [{"ifname", "vlans": [{"vlan",
    # "vlanEnd", "flags": ["PVID", "Egress Untagged"]}]}]): on a vlan_filtering bridge, a VM
    # port a hook script added to several VLANs is a trunk into each of them (HVA-195)
    CommandProbe("bridge-vlans", ("bridge", "-j", "vlan", "show")),
    # Which Open vSwitch bridge each port and interface is on (ip link shows them all under
    # the datapath ovs-system): bridge names and port lists, port names and interface lists,
    # interface names and types; no other column (options may hold keys). ovs-vsctl(8): list
    # takes --columns; --timeout bounds the wait for ovsdb-server; nothing is changed, so it
    # does not wait for ovs-vswitchd.
    CommandProbe(
        "ovs-ports",
        (
            "ovs-vsctl",
            "--timeout=10",
            "--format=json",
            "--",
            "--columns=name,ports",
            "list",
            "Bridge",
            "--",
            "--columns=_uuid,name,interfaces",
            "list",
            "Port",
            "--",
            "--columns=_uuid,name,type",
            "list",
            "Interface",
        ),
    ),
    # The polkit actions' declared implicit authorizations (polkit(8), DECLARING ACTIONS): the
    # lines with each action's id and its allow_any, allow_inactive and allow_active, which
    # decide where no rule returns a result; a default edited to `yes` for a root-equivalent
    # action hands it to every account (R25A-4); and the programs pkexec runs under an action of
    # their own (the org.freedesktop.policykit.exec.path annotation, R25A-5)
    CommandProbe(
        "polkit-actions",
        (
            "grep",
            *CONFIG_GREP,
            "-H",
            "-E",
            "<action|[[:space:]]id[[:space:]]*=|<allow_(any|inactive|active)>"
            "|policykit\\.exec\\.path",
            "/usr/share/polkit-1/actions",
        ),
    ),
    CommandProbe(
        "polkit-rules",
        (
            "grep",
            *CONFIG_GREP,
            "-H",
            "",
            "/etc/polkit-1/rules.d",
            "/run/polkit-1/rules.d",
            "/usr/local/share/polkit-1/rules.d",
            "/usr/share/polkit-1/rules.d",
            # the local authority's .pkla files (pklocalauthority(8): polkit 0.105, and
            # polkitd-pkla on Debian 12 / polkit-pkla-compat): parsed apart from the JavaScript
            "/etc/polkit-1/localauthority",
            "/var/lib/polkit-1/localauthority",
            "/etc/polkit-1/localauthority.conf.d",
        ),
    ),
    CommandProbe(
        "rsyslog-config",
        ("grep", *CONFIG_GREP, "-H", "", "/etc/rsyslog.conf", "/etc/rsyslog.d"),
    ),
    # When rsyslog's files (and /etc/rsyslog.d itself: a file added or removed) last changed:
    # rsyslogd reads them at start, HUP does not re-read them since v4 (R11H-5); mtime and
    # ctime each, as sssd-conf-mtimes (R45T-2)
    CommandProbe(
        "rsyslog-mtimes",
        ("find", "-L", "/etc/rsyslog.conf", "/etc/rsyslog.d", "-printf", "%T@ %C@ %p\\n"),
    ),
    CommandProbe("syslog-ng-config", ("grep", *CONFIG_GREP, "-H", "", "/etc/syslog-ng")),
    # journal-upload.conf(5), "Configuration Directories and Precedence": drop-ins override
    # the main file (the one sorted last wins for URL=); /usr/local/lib's too ("configuration
    # snippets in /usr/lib/systemd/*.conf.d/ or /usr/local/lib/systemd/*.conf.d/", HL18-6).
    CommandProbe(
        "journal-upload-conf-d",
        (
            "grep",
            *CONFIG_GREP,
            "-H",
            "",
            "/etc/systemd/journal-upload.conf.d",
            "/run/systemd/journal-upload.conf.d",
            "/usr/local/lib/systemd/journal-upload.conf.d",
            "/usr/lib/systemd/journal-upload.conf.d",
        ),
    ),
    # systemd-system.conf(5) drop-ins: they override system.conf (the one sorted last wins).
    CommandProbe(
        "system-conf-d",
        (
            "grep",
            *CONFIG_GREP,
            "-H",
            "",
            "/etc/systemd/system.conf.d",
            "/run/systemd/system.conf.d",
            "/usr/local/lib/systemd/system.conf.d",
            "/usr/lib/systemd/system.conf.d",
        ),
    ),
    # The service manager's environment as it stands now (systemctl(1) show-environment: "Dump
    # the systemd manager environment block"): DefaultEnvironment= and systemd.setenv= as the
    # manager read them, with what `systemctl set-environment` / `import-environment` changed
    # since, which every service it starts next takes (R45L-1).
    CommandProbe("systemd-manager-environment", ("systemctl", "show-environment")),
    # Whether systemd is the init system, as sd_booted(3) tests it: the runtime unit directory
    # /run/systemd/system exists (systemd src/libsystemd/sd-daemon/sd-daemon.c sd_booted:
    # `laccess("/run/systemd/system/", F_OK)`, lstat and S_ISDIR before; "created ... in
    # mount-setup.c, so is guaranteed to happen very early during boot"), where PID 1 shows
    # as /sbin/init (Debian's systemd-sysv link) and systemctl is not found (R52S-6).
    CommandProbe("systemd-booted", ("stat", "-c", "%F %n", "/run/systemd/system")),
    # The log daemons' own units as systemd merges them (systemctl(1) cat, as libvirt-units):
    # a drop-in of theirs under /run (`systemctl edit --runtime`) sets how they start now
    # (rsyslogd(8) -f names another configuration; LogLevelMax=, StandardOutput=), and the next
    # boot drops it (R52L-1)
    CommandProbe(
        "log-daemon-units",
        ("systemctl", "cat", "--no-pager", "systemd-journald.service", "rsyslog.service"),
    ),
    # journald.conf(5) drop-ins: they override journald.conf (the one sorted last wins).
    CommandProbe(
        "journald-conf-d",
        (
            "grep",
            *CONFIG_GREP,
            "-H",
            "",
            "/etc/systemd/journald.conf.d",
            "/run/systemd/journald.conf.d",
            "/usr/local/lib/systemd/journald.conf.d",
            "/usr/lib/systemd/journald.conf.d",
        ),
    ),
    # SELinux domains made permissive one by one (semanage-permissive(8)): enforcing mode does
    # not show them. `-l -n` prints the permissive types of the installed policy, then the
    # customized ones (seobject.py permissiveRecords.list), one name a line, no headings.
    CommandProbe("selinux-permissive", ("semanage", "permissive", "-l", "-n")),
    # Where semanage (policycoreutils-python-utils) is not installed: `semanage permissive -a T`
    # installs a module named permissive_T (seobject.py permissiveRecords.add), which
    # semodule (policycoreutils, always there with SELinux) lists.
    CommandProbe("selinux-modules", ("semodule", "-l")),
    # hostname(1): "The FQDN is the name getaddrinfo(3) returns for the host name returned by
    # gethostname(2)" (from /etc/hosts, DNS or NIS as the resolver is set up).
    CommandProbe("hostname-fqdn", ("hostname", "--fqdn")),
    # Whether the kernel holds the clock synchronised (systemd time-util.c ntp_synced:
    # adjtimex()'s maximum error below 16 s), whichever daemon steers it (R10H-7)
    CommandProbe(
        "time-synchronized", ("timedatectl", "show", "--property=NTPSynchronized", "--value")
    ),
    # chronyd's time sources (L19-1D): its main file (chrony's configure: DEFAULT_CONF_FILE
    # "$SYSCONFDIR/chrony.conf", /etc on Fedora, /etc/chrony on Debian) and the directories the
    # shipped files name in confdir (*.conf) and sourcedir (*.sources): /etc/chrony.d,
    # /etc/chrony/conf.d, /etc/chrony/sources.d, /run/chrony-dhcp (chrony.conf(5)). Only those
    # suffixes: chrony.keys holds the NTP keys.
    CommandProbe(
        "chrony-conf",
        (
            "grep",
            *CONFIG_GREP,
            "-H",
            "--include=*.conf",
            "--include=*.sources",
            "",
            "/etc/chrony.conf",
            "/etc/chrony",
            "/etc/chrony.d",
            "/run/chrony-dhcp",
        ),
    ),
    # ntpsec's configuration directory (R25T-1): ntp_config.c readconfig "parse configs in
    # parallel subdirectory if that exists", ntp.d beside the file ntpd reads (include/
    # ntp_config.h CONFIG_DIR "ntp.d"; ntp_scanner.c lex_push_file: every entry ending in
    # ".conf", recursing into such directories; ntpsec/ntpsec fa2a479): /etc/ntp.d beside the
    # default /etc/ntp.conf, /etc/ntpsec/ntp.d beside Debian's -c /etc/ntpsec/ntp.conf, and
    # those beside the DHCP copies (R25T-7).
    CommandProbe(
        "ntp-conf-dirs",
        (
            "grep",
            *CONFIG_GREP,
            "-H",
            "--include=*.conf",
            "",
            "/etc/ntp.d",
            "/etc/ntpsec/ntp.d",
            "/run/ntp.d",
            "/run/ntpsec/ntp.d",
        ),
    ),
)

#: Asked of a time daemon only while it runs (the `processes` listing names it): what it
#: synchronises to now, whatever its files say (sources added at run time, DHCP, drop-ins).
#: `chronyc -n tracking` (chronyc(1): a monitoring command; -n prints addresses, no DNS): chrony
#: client.c process_cmd_tracking prints "Reference ID    : %R (%s)", the refid in hex and, for
#: an NTP source, its address (mlichvar/chrony 8f2db83, read with `fetch`). `timedatectl
#: show-timesync` reads org.freedesktop.timesync1's properties (systemd timedatectl.c
#: verb_show_timesync; ServerAddress printed by map_server_address as in_addr_to_string):
#: asked only while systemd-timesyncd runs, since the bus would otherwise start it
#: (org.freedesktop.timesync1.service SystemdService=dbus-org.freedesktop.timesync1.service).
#: `ntpq -pn` (ntp's and ntpsec's ntpq: -p the peer table, -n numeric addresses) marks ntpd's
#: system peer with '*' (or 'o', the PPS peer) in its first column (R23T-2).
TIME_DAEMON_PROBES: tuple[tuple[str, CommandProbe], ...] = (
    ("chronyd", CommandProbe("chrony-tracking", ("chronyc", "-n", "tracking"), 10.0)),
    ("ntpd", CommandProbe("ntpq-peers", ("ntpq", "-pn"), 10.0)),
    (
        "systemd-timesyncd",
        CommandProbe(
            "timesync-server",
            (
                "timedatectl",
                "show-timesync",
                "--all",
                "--property=ServerName",
                "--property=ServerAddress",
            ),
            10.0,
        ),
    ),
)

#: Per running QEMU process: its seccomp mode and effective capabilities (the pid is validated).
QEMU_STATUS_ARGV: tuple[str, ...] = ("grep", "-H", "-E", "^(Seccomp|CapEff):")
#: Per running QEMU process: the binary it runs; "(deleted)" when an update replaced it since.
QEMU_EXE_ARGV: tuple[str, ...] = ("ls", "-l")
#: Per running QEMU process: the files it maps that were deleted since, " (deleted)" after the
#: path in /proc/<pid>/maps (proc(5)): a shared library an update replaced (R9H-8).
QEMU_MAPS_ARGV: tuple[str, ...] = ("grep", "-F", " (deleted)")
#: Per running QEMU process: the security label the LSM confines it with, /proc/<pid>/attr/
#: current (AppArmor prints the profile and its mode, "libvirt-<uuid> (enforce)" or
#: "unconfined"; SELinux the context, NUL-terminated, hence -a) and AppArmor's own
#: attr/apparmor/current where the kernel has it (aa-unconfined reads only that one when it
#: exists: AppArmor merge request 801). Two files: the pid is appended to each.
QEMU_LABEL_ARGV: tuple[str, ...] = ("grep", "-a", "-H", "")
#: Per file a running QEMU reads a console password from (`-object secret,file=PATH` named by a
#: `password-secret`: hvaudit.parse.qemu_args.password_secret_files): its size in bytes only,
#: never its content (stat(1) `%s`, "total size, in bytes"; -L follows a link as QEMU's
#: g_file_get_contents does). Size 0 is the empty password, which QEMU's VNC server accepts
#: (R52D-1). The path, hostile text from the process list, is one argv word after `--`.
SECRET_SIZE_ARGV: tuple[str, ...] = ("stat", "-L", "-c", "%s", "--")


def secret_size_name(path: str) -> str:
    """The command artefact name of the size of secret file `path` (a digest of the path, so
    no text of it reaches a bundle path)."""
    return (
        "qemu-secret-size-"
        + hashlib.sha256(path.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    )


def file_artefact(path: str) -> str:
    """The bundle path of a host file."""
    return "host/files" + path


def command_artefact(name: str) -> str:
    """The bundle path of a host command's output."""
    return f"host/commands/{name}.txt"


#: A QEMU process: "qemu" in its binary's name, or Proxmox's /usr/bin/kvm (qemu-server
#: QemuServer.pm get_command_for_arch returns /usr/bin/kvm for the node's own architecture).
_QEMU = re.compile(r"^\s*([0-9]+)\s+(\S+)\s+(\S*qemu\S*|\S*/kvm|kvm)(\s|$)")
#: A helper libvirt starts beside a VM's QEMU and labels for it (qemuSecurityCommandRun):
#: virtiofsd (<filesystem> virtiofs), swtpm (<tpm><backend type='emulator'>), passt (<interface
#: type='user'><backend type='passt'>) and libvirt's own dbus-daemon (its config under
#: /run/libvirt/qemu/dbus/); qemu-pr-helper is matched by _QEMU. Only its label is read.
VM_HELPER = re.compile(
    r"^\s*([0-9]+)\s+(\S+)\s+(\S*/)?(virtiofsd|swtpm|passt)(\s|$)"
    r"|^\s*([0-9]+)\s+(\S+)\s+\S*dbus-daemon\s.*/libvirt/qemu/dbus/"
)


#: A running libvirtd or virtqemud (the `ps -eo pid=,user:32=,args=` line).
_LOG_DAEMON = re.compile(r"^\s*([0-9]+)\s+\S+\s+(\S*/)?(libvirtd|virtqemud)(\s|$)")
#: A running time daemon of TIME_DAEMON_PROBES (the `ps -eo pid=,user:32=,args=` line).
_TIME_DAEMON = re.compile(r"^\s*[0-9]+\s+\S+\s+(\S*/)?(chronyd|ntpd|systemd-timesyncd)(\s|$)")


def _label_argv(pid: str) -> tuple[str, ...]:
    """The argv that reads a process's security label (SELinux, else AppArmor)."""
    return (
        *QEMU_LABEL_ARGV,
        f"/proc/{int(pid)}/attr/current",
        f"/proc/{int(pid)}/attr/apparmor/current",
    )


class HostCollector:
    """Collects every probe through a runner into a bundle; one failing probe never stops the rest."""

    def __init__(self, runner: Runner) -> None:
        self.runner = runner

    def collect(self, writer: BundleWriter) -> None:
        """Run every probe; CollectionError (host unreachable) propagates after what was written."""
        writer.meta["collector"]["host_facts"] = self.runner.description
        for fprobe in FILES:
            self._store(
                writer,
                file_artefact(fprobe.path),
                fprobe.path,
                self.runner.read_file(fprobe.path, 10.0),
                allow_rc=False,
            )
        for cprobe in COMMANDS:
            origin = " ".join(cprobe.argv)
            self._store(
                writer,
                command_artefact(cprobe.name),
                origin,
                self.runner.run(cprobe.argv, cprobe.timeout),
                allow_rc=True,
            )
        self._qemu_status(writer)

    def _qemu_status(self, writer: BundleWriter) -> None:
        entry = writer.entries.get(command_artefact("processes"))
        if entry is None or entry.status != "ok":
            return
        listing = writer.files[entry.path].decode("utf-8", errors="replace")
        lines = listing.splitlines()
        pids = [m.group(1) for m in map(_QEMU.match, lines) if m]
        helpers = [m.group(1) or m.group(6) for m in map(VM_HELPER.match, lines) if m]
        for pid in helpers[:4096]:
            self._pid_probe(writer, "qemu-label", pid, _label_argv(pid))
            # an update of swtpm or virtiofsd is not in effect until the VM restarts (R23R-2)
            self._pid_probe(writer, "qemu-exe", pid, (*QEMU_EXE_ARGV, f"/proc/{int(pid)}/exe"))
            self._pid_probe(writer, "qemu-maps", pid, (*QEMU_MAPS_ARGV, f"/proc/{int(pid)}/maps"))
        daemons: dict[str, str] = {}
        for m in map(_LOG_DAEMON.match, lines):
            if m:
                daemons.setdefault(m.group(3), m.group(1))
        for daemon, pid in daemons.items():
            argv = (*VIRT_ADMIN_LOG_OUTPUTS, f"{daemon}:///system", "daemon-log-outputs")
            self._store(
                writer,
                command_artefact(f"libvirt-log-outputs-{daemon}"),
                " ".join(argv),
                self.runner.run(argv, 10.0),
                allow_rc=True,
            )
            argv = (*LIBVIRT_ENVIRON_ARGV, f"/proc/{int(pid)}/environ")
            self._store(
                writer,
                command_artefact(f"libvirt-environ-{daemon}"),
                " ".join(argv),
                self.runner.run(argv, 5.0),
                allow_rc=True,
            )
        running = {m.group(2) for m in map(_TIME_DAEMON.match, lines) if m}
        for daemon, probe in TIME_DAEMON_PROBES:
            if daemon in running:
                self._store(
                    writer,
                    command_artefact(probe.name),
                    " ".join(probe.argv),
                    self.runner.run(probe.argv, probe.timeout),
                    allow_rc=True,
                )
        # imported here: hvaudit.parse imports this module
        from hvaudit.parse.qemu_args import password_secret_files

        secret_files = [
            path
            for m in map(_QEMU.match, lines)
            if m
            for path in password_secret_files(m.string[m.start(3) :].split())
        ]
        for path in list(dict.fromkeys(secret_files))[:256]:
            argv = (*SECRET_SIZE_ARGV, path)
            self._store(
                writer,
                command_artefact(secret_size_name(path)),
                " ".join(argv),
                self.runner.run(argv, 5.0),
                allow_rc=True,
            )
        for pid in pids[:4096]:
            self._pid_probe(
                writer, "qemu-status", pid, (*QEMU_STATUS_ARGV, f"/proc/{int(pid)}/status")
            )
            self._pid_probe(writer, "qemu-exe", pid, (*QEMU_EXE_ARGV, f"/proc/{int(pid)}/exe"))
            self._pid_probe(writer, "qemu-maps", pid, (*QEMU_MAPS_ARGV, f"/proc/{int(pid)}/maps"))
            self._pid_probe(writer, "qemu-label", pid, _label_argv(pid))

    def _pid_probe(self, writer: BundleWriter, name: str, pid: str, argv: tuple[str, ...]) -> None:
        """One read-only probe of a process, stored as `<name>-<pid>` whatever it exits with."""
        self._store(
            writer,
            command_artefact(f"{name}-{int(pid)}"),
            " ".join(argv),
            self.runner.run(argv, 5.0),
            allow_rc=True,
        )

    @staticmethod
    def _store(
        writer: BundleWriter,
        path: str,
        origin: str,
        res: RunResult,
        *,
        allow_rc: bool,
    ) -> None:
        if res.status != "ok":
            writer.record(
                path,
                status=res.status,
                origin=origin,
                reason=res.reason,
                rc=res.rc,
                stderr=res.stderr,
                duration_ms=res.duration_ms,
                collected_at=utc_now(),
            )
            return
        writer.add(
            path,
            res.stdout,
            origin=origin,
            rc=res.rc if allow_rc else None,
            stderr=res.stderr,
            duration_ms=res.duration_ms,
        )
