"""Device emulation and access control (HY-BF2): drivers, QEMU confinement, passthrough.

The 2014 draft's HY-SR-5 wants uncertified drivers refused and each VM's device emulation
deprivileged; Rev. 1 splits this into 6A/6B/6C and HY-SR-7 (per-VM device access through labels).
On KVM that is: signed modules, QEMU as an unprivileged user, sVirt labels, seccomp, no raw QEMU
arguments, and an IOMMU for every passed-through device.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from hvaudit.checks._libvirt import (
    conf_fact,
    conf_value,
    host_settings_manual,
    kernel_bool,
    kernel_params,
    kernel_ulong,
    unseen_networks,
    volume_path,
)
from hvaudit.checks._nextboot import ask_with, live_word_dropped, mode_of, next_boot_adds
from hvaudit.checks.base import (
    ANY,
    LINUX_HOST,
    QEMU,
    Context,
    Outcome,
    Severity,
    Status,
    Subject,
    asked_gap,
    check,
    failed,
    first_unknown,
    host_subject,
    joined_asks,
    joint_question,
    manual,
    not_applicable,
    overridden_devices,
    passed,
    qemu_config_unread,
    raw_arguments_unseen,
    unknown,
    unread_peers,
    vm_processes,
    vm_subject,
)
from hvaudit.model import (
    VGPU,
    Disk,
    Fact,
    FactState,
    Host,
    Network,
    NetworkLayer,
    Passthrough,
    Pool,
    QemuProcess,
    SecurityLabel,
    Source,
    Vm,
)
from hvaudit.parse.host import AMD_VI_VENDORS, VTD_VENDORS, sysctl_int
from hvaudit.parse.libvirt_xml import NVME_DISK
from hvaudit.parse.qemu_args import (
    HOST_CHARDEV,
    HOST_RNG,
    host_device_name,
    qemu_options,
    raw_guestfwd_commands,
    raw_nics,
)
from hvaudit.textsafe import digits

#: Passthrough kinds that are PCI functions doing their own DMA.
DMA_KINDS = ("pci", "sr-iov/pci network function", NVME_DISK)
#: Drivers that leave a PCI device unused by the host, VFIO's viability rule: since Linux 5.19 a
#: group can be owned by user space when each member is driverless or bound to a driver that sets
#: `driver_managed_dma`: vfio-pci and its variant drivers (mlx5_vfio_pci, nvgrace_gpu_vfio_pci,
#: xe-vfio-pci ...; any driver named *vfio*), pci-stub (drivers/pci/pci-stub.c) and pcieport
#: (drivers/pci/pcie/portdrv.c), each `.driver_managed_dma = true`.
UNUSED_DRIVERS = ("vfio-pci", "pci-stub", "pcieport")


def _unused_by_host(driver: str | None) -> bool:
    """Whether a group member's host driver leaves it to VFIO (or nobody)."""
    return driver is None or driver in UNUSED_DRIVERS or "vfio" in driver


#: PCI classes of bridges with a type 1 or 2 configuration header (Linux include/linux/
#: pci_ids.h: PCI_CLASS_BRIDGE_PCI 0x0604, PCI_CLASS_BRIDGE_CARDBUS 0x0607,
#: PCI_CLASS_BRIDGE_PCI_SEMITP 0x0609): they forward the transactions of the devices behind
#: them and initiate no DMA of their own. A host bridge (0x0600) or ISA bridge (0x0601) is a
#: type 0 function like any endpoint.
BRIDGE_CLASSES = (0x0604, 0x0607, 0x0609)
#: The drivers that may hold a bridge of a group VFIO gives a VM: none, or one that sets
#: `driver_managed_dma` (pcieport, the PCIe port driver; vfio-pci and pci-stub). A bridge driver
#: that maps the bridge's registers (shpchp, the standard PCI hot-plug controller) does not.
BRIDGE_DRIVERS = ("pcieport", "pci-stub")


def _pci_kind(cls: int | None) -> str | None:
    """ "bridge" or "endpoint" from a 24-bit PCI class code; None when it is not known."""
    if cls is None:
        return None
    return "bridge" if cls >> 8 in BRIDGE_CLASSES else "endpoint"


#: Static labels that confine nothing: SELinux's unconfined domains and AppArmor's unconfined
#: profile (SELinux targeted policy; AppArmor "unconfined" mode).
UNCONFINED_TYPES = ("unconfined_t", "unconfined_service_t", "spc_t", "kernel_t", "initrc_t")
ROOT_IDS = ("0", "+0", "root")


def _zero_id(value: object, ids: dict[str, int] | None) -> str | None:
    """How a qemu.conf user or group value resolves to id 0, "number" or "name", else None.
    libvirt src/util/virutil.c virGetUserID / virGetGroupID: "parse `group` first as a group
    name and then as a group id. However if `group` contains a leading '+', the rest of the
    string is always parsed as a guid" (virStrToLong_ui, base 10: "+00" is 0); the name is
    looked up with getpwnam_r / getgrnam_r (`ids`: the passwd or group file's name -> id)."""
    text = str(value).strip()
    if text.startswith("+"):
        return "number" if digits(text[1:]) and int(text[1:]) == 0 else None
    if ids is not None and text in ids:
        return "name" if ids[text] == 0 else None
    if text == "root":
        return "name"
    return "number" if digits(text) and int(text) == 0 else None


def _uids(h: Host) -> dict[str, int] | None:
    accts = h.facts.accounts
    return {a.name: a.uid for a in accts.get()} if accts.known else None


def _gids(h: Host) -> dict[str, int] | None:
    groups = h.facts.groups
    return {name: gid for name, (gid, _) in groups.get().items()} if groups.known else None


def _unresolved_user(h: Host, user: object) -> str | None:
    """Why qemu.conf's `user`, a name, has no uid in the evidence, else None. libvirt
    src/util/virutil.c virGetUserID: a leading '+' is always a number; otherwise the name is
    looked up first (virGetUserIDByName, getpwnam_r) and only a name not found is read as a
    number (virStrToLong_ui), else "Failed to parse user" (R27O-1)."""
    text = str(user).strip()
    if text.startswith("+"):
        return None
    accts = h.facts.accounts
    if not accts.known:
        return None  # the caller asks through unknown() (R27O-1)
    if text in {a.name for a in accts.get()} or digits(text):
        return None
    return "which /etc/passwd does not list (an NSS account, or none)"


def _uid0_name(h: Host, user: object) -> Source | None:
    """The passwd evidence when qemu.conf's `user` names an account with uid 0 under another
    name: libvirt resolves a name through the passwd database (virGetUserID), so such an account
    is root (qemu.conf.in: user is a name or a "+N" uid)."""
    if user is None or str(user).startswith("+") or not h.facts.accounts.known:
        return None
    for acct in h.facts.accounts.get():
        if acct.name == str(user) and acct.uid == 0:
            return h.facts.accounts.sources[0] if h.facts.accounts.sources else Source("")
    return None


def _root_group_member(h: Host, user: object) -> tuple[str, tuple[Source, ...]] | None:
    """QEMU's account (qemu.conf `user`, or the owner of a running QEMU process) listed as a
    member of a gid-0 group: libvirt runs QEMU with the supplementary groups getgrouplist(3)
    gives that account (src/util/virutil.c virGetGroupList, then setgroups() in virSetUIDGID),
    i.e. every group /etc/group lists it in."""
    groups = h.facts.groups
    if not groups.known:
        return None
    names = [str(user)] if user is not None and not str(user).startswith("+") else []
    procs = h.facts.qemu_processes
    names += [p.user for p in procs.get()] if procs.known else []
    accts = h.facts.accounts
    primary = {a.name: a.gid for a in accts.get()} if accts.known else {}
    uid0 = {a.name for a in accts.get() if a.uid == 0} if accts.known else set()
    for name in dict.fromkeys(names):
        if name in ("root", "0") or name in uid0:
            continue  # QEMU as root itself: judged as such below
        if primary.get(name) == 0:
            # virGetGroupList: getgrouplist(user, primary gid from passwd) lists gid 0 too
            return name, tuple(accts.sources)
        for gid, members in groups.get().values():
            if gid == 0 and name in members:
                return name, tuple(groups.sources)
    return None


def _account_groups_fail(s: Subject, h: Host, user: object, group: object) -> Outcome | None:
    """HVA-042's fail where QEMU's account (qemu.conf `user` and `group`, or the owner of a
    running QEMU process where they are None) is in group root (_root_group_member) or group
    disk (_qemu_in_disk_group); None where it is in neither or /etc/group is unread."""
    if (member := _root_group_member(h, user)) is not None:
        name, groups_src = member
        where = (
            "has primary gid 0 (group root) in /etc/passwd"
            if any("passwd" in x.artefact for x in groups_src)
            else "is a member of group root in /etc/group"
        )
        return failed(
            s,
            f"QEMU's user {name} {where}: libvirt starts QEMU with that supplementary group "
            "(virGetGroupList, setgroups)",
            *groups_src,
        )
    if (disk := _qemu_in_disk_group(h, user, group)) is not None:
        why, disk_src = disk
        return failed(
            s,
            f"{why}: every VM's QEMU runs in group disk, which opens every host block device "
            'read-write (Debian base-passwd: "Raw access to disks. Mostly equivalent to root '
            'access"; udev gives block devices group disk, mode 0660)',
            *disk_src,
        )
    return None


def _qemu_in_disk_group(
    h: Host, user: object, group: object
) -> tuple[str, tuple[Source, ...]] | None:
    """QEMU put in group disk for every VM (R68): qemu.conf `group` naming it (by name or by the
    gid /etc/group gives it), or QEMU's account holding it as its primary group or as a listed
    member (libvirt starts QEMU with the account's supplementary groups: security_dac.c
    virSecurityDACGetIds hands priv->groups, virGetGroupList of qemu.conf's user, to every
    domain before any label is read)."""
    groups = h.facts.groups
    if not groups.known or "disk" not in groups.get():
        return None
    gid, members = groups.get()["disk"]
    src = tuple(groups.sources)
    if group is not None and _disk_group(str(group), _gids(h)):
        return f"qemu.conf sets group = {group}", src
    names = [str(user)] if user is not None and not str(user).startswith("+") else []
    procs = h.facts.qemu_processes
    names += [p.user for p in procs.get()] if procs.known else []
    accts = h.facts.accounts
    primary = {a.name: a.gid for a in accts.get()} if accts.known else {}
    for name in dict.fromkeys(names):
        if name == "root":
            continue
        if name in members:
            return f"QEMU's user {name} is a member of group disk in /etc/group", src
        if primary.get(name) == gid:
            return f"QEMU's user {name} has group disk as its primary group", (
                *src,
                *accts.sources,
            )
    return None


#: libvirt's swtpm account when qemu.conf names none (src/qemu/qemu_conf.c
#: virQEMUDriverConfigNew: `if (!virDoesUserExist("tss") || virGetUserID("tss",
#: &cfg->swtpm_user) < 0) cfg->swtpm_user = 0; /* fall back to root */`, likewise the group).
SWTPM_DEFAULT = "tss"


def _swtpm_root(
    h: Host, uids: dict[str, int] | None, gids: dict[str, int] | None
) -> list[tuple[str, Source]]:
    """Why libvirt runs swtpm as root or in group root: qemu.conf swtpm_user / swtpm_group
    naming id 0 (any spelling virGetUserID/virGetGroupID read as 0), or unset on a host whose
    passwd / group file has no `tss`, where libvirt falls back to root (SWTPM_DEFAULT)."""
    out: list[tuple[str, Source]] = []
    for key, ids, what, file in (
        ("swtpm_user", uids, "account", "/etc/passwd"),
        ("swtpm_group", gids, "group", "/etc/group"),
    ):
        value, where = conf_value(h, "qemu.conf", key)
        if value is not None:
            if _zero_id(value, ids) is not None:
                out.append((f"{key} = {value}", where))
        elif ids is not None and SWTPM_DEFAULT not in ids and _passwd_files_only(h):
            out.append(
                (
                    f"qemu.conf leaves {key} unset and {file} has no {SWTPM_DEFAULT} {what} "
                    "(libvirt then falls back to root)",
                    where,
                )
            )
    return out


def _passwd_files_only(h: Host) -> bool:
    """Whether nsswitch resolves accounts from the local files alone (the directory fact is
    ""). libvirt's default swtpm account is looked up with virDoesUserExist("tss") /
    virDoesGroupExist("tss") (src/qemu/qemu_conf.c virQEMUDriverConfigNew), which ask the
    passwd / group database (src/util/virutil.c: getpwnam_r / getgrnam_r, so every nsswitch
    service): only where nothing but the files answers does a tss missing from /etc/passwd or
    /etc/group prove the fall back to root (R29Q-3)."""
    d = h.facts.directory
    return d.known and d.get() == ""


def _swtpm_open(
    h: Host,
    s: Subject,
    uids: dict[str, int] | None,
    gids: dict[str, int] | None,
    zero: set[str],
    vtpm_vms: list[str],
) -> list[Outcome]:
    """HVA-042's verdict on the TPM emulator of a host whose qemu.conf does not name root for
    it (_swtpm_root found nothing): a fail or an error alone, else the questions of swtpm_user
    and swtpm_group, each asked (R34T-1: the user's stopped the group's), else none. A swtpm the process list shows as root fails
    (qemu.conf changed since libvirt started it, or an NSS account with uid 0). libvirt reads
    swtpm_user / swtpm_group with virGetUserID / virGetGroupID (src/qemu/qemu_conf.c
    virQEMUDriverConfigLoadSWTPMEntry), which look a name up in the passwd / group database
    (getpwnam_r / getgrnam_r) before reading it as a number, and falls back to root when
    swtpm_user is unset and `virDoesUserExist("tss")` fails (virQEMUDriverConfigNew): a name
    the files do not list has no id in the evidence (an NSS account, possibly uid 0, R28O-1,
    as R27O-1 for `user`), and a passwd file not read leaves root open (R28O-2)."""
    vh = h.facts.vm_helpers
    swtpm_root = [
        p
        for p in (vh.get() if vh.known else ())
        if p.binary.rsplit("/", 1)[-1] == "swtpm" and p.user in zero
    ]
    if swtpm_root:
        # the process list shows what runs now, whatever qemu.conf says for the next start
        return [
            failed(
                s,
                f"{len(swtpm_root)} TPM emulator (swtpm) process(es) run as root: "
                + ", ".join(str(p.pid) for p in swtpm_root[:5])
                + f" (VM(s) with an emulated TPM: {', '.join(vtpm_vms[:6])})",
                *vh.sources,
            )
        ]
    asks: list[Outcome] = []
    for key, ids, fact, file, what, cmd in (
        ("swtpm_user", uids, h.facts.accounts, "/etc/passwd", "account", "passwd"),
        ("swtpm_group", gids, h.facts.groups, "/etc/group", "group", "group"),
    ):
        value, where = conf_value(h, "qemu.conf", key)
        name = SWTPM_DEFAULT if value is None else str(value).strip()
        if name.startswith("+") or (value is not None and digits(name)):
            continue  # a number: _swtpm_root judged it
        if ids is None:
            return [
                unknown(
                    s,
                    fact,
                    f"the TPM emulator's {what} {name} (qemu.conf {key}"
                    + (", unset: libvirt's default" if value is None else "")
                    + f") is not {'uid' if what == 'account' else 'gid'} 0",
                )
            ]
        if value is not None and name not in ids:
            num = "uid" if what == "account" else "gid"
            asks.append(
                manual(
                    s,
                    f"qemu.conf sets {key} = {name}, which {file} does not list (an NSS {what}, "
                    f"or none): the {num} of the TPM emulator of VM(s) {', '.join(vtpm_vms[:6])} "
                    "is not known",
                    where,
                    *fact.sources,
                    question=(
                        f"Does `getent {cmd} {name}` on host {h.name} give a{'n' if what == 'account' else ''} "
                        f"{what} whose {num} is not 0? Evidence: that command on host {h.name}. "
                        "Pass: yes; fail: "
                        f"{num} 0, or no such {what} (libvirt's QEMU driver then does not start)."
                    ),
                )
            )
        elif value is None and name not in ids:
            # _swtpm_root failed it where only the files answer: here NSS may give tss (R29Q-3)
            d = h.facts.directory
            num = "uid" if what == "account" else "gid"
            via = (
                f"nsswitch passwd also resolves accounts through {d.get()}"
                if d.known
                else f"whether nsswitch resolves accounts beyond the files is not known "
                f"({d.reason})"
            )
            asks.append(
                manual(
                    s,
                    f"qemu.conf leaves {key} unset and {file} has no {SWTPM_DEFAULT} {what}, but "
                    f"{via}: libvirt runs the TPM emulator of VM(s) {', '.join(vtpm_vms[:6])} with "
                    f"the {num} of {SWTPM_DEFAULT} if that lookup finds one, else as root",
                    where,
                    *fact.sources,
                    *d.sources,
                    question=(
                        f"Does `getent {cmd} {SWTPM_DEFAULT}` on host {h.name} give a"
                        f"{'n' if what == 'account' else ''} {what} whose {num} is not 0? Evidence: "
                        f"that command on host {h.name}. Pass: yes; fail: {num} 0, or no such "
                        f"{what} (libvirt then runs swtpm as root)."
                    ),
                )
            )
    return asks


def _pci_ids(address: str, groups: dict[str, str]) -> list[str]:
    """The PCI functions an address names, as sysfs keys them (0000:65:00.0). Proxmox VE's
    hostpci takes `[domain:]bus:dev[.func]`, several joined by `;` (qemu-server PCI.pm $PCIRE:
    domain and function optional; parse_hostpci expands an id without a function to every
    function of the device): a missing domain is 0000, a missing function every function the
    host's IOMMU groups list for that device (R55)."""
    out: list[str] = []
    for part in address.lower().split(";"):
        addr = part.strip()
        if not addr:
            continue
        if addr.count(":") == 1:
            addr = f"0000:{addr}"
        if "." in addr.rsplit(":", 1)[-1]:
            out.append(addr)
        else:
            out += sorted(d for d in groups if d.startswith(f"{addr}.")) or [addr]
    return out


def _dac_root(v: Vm, h: Host | None = None) -> tuple[str, Source] | None:
    """The <seclabel model='dac'> that runs this VM's QEMU as uid 0 or in gid 0 ("user:group":
    `+0:+0`, `+00:+00`, `root:root`, an account or group the host's passwd / group files give id
    0), as ("uid 0" | "gid 0", its source)."""
    users = _uids(h) if h is not None else None
    groups = _gids(h) if h is not None else None
    for lbl in v.security_labels:
        if lbl.model == "dac" and lbl.type == "static" and lbl.label:
            user, colon, group = lbl.label.partition(":")
            if _zero_id(user, users) is not None:
                return "uid 0", lbl.source
            if colon and _zero_id(group, groups) is not None:
                return "gid 0", lbl.source
            if colon and _disk_group(group, groups):
                return "group disk", lbl.source
    return None


def _disk_group(value: str, groups: dict[str, int] | None) -> bool:
    """Whether a DAC label's group is the host's `disk` group, by name or by its gid ("+6" on
    Debian): Debian base-passwd users-and-groups, "disk - Raw access to disks. Mostly equivalent
    to root access"; udev gives every block device group disk, mode 0660 (systemd
    50-udev-default.rules `SUBSYSTEM=="block", GROUP="disk"`), so that QEMU opens every host
    disk read-write (R47)."""
    text = value.strip()
    if text == "disk":
        return True
    gid = int(text[1:]) if text.startswith("+") and digits(text[1:]) else None
    if gid is None and groups is not None and text in groups:
        gid = groups[text]
    return gid is not None and groups is not None and groups.get("disk") == gid


def _unconfined_label(model: str, label: str) -> bool:
    if model == "apparmor":
        return label.strip() == "unconfined"
    parts = label.split(":")
    return len(parts) >= 3 and parts[2] in UNCONFINED_TYPES


#: The SELinux types sVirt runs QEMU in: the policy's /etc/selinux/<policy>/contexts/
#: virtual_domain_context, "system_u:system_r:svirt_t" (refpolicy and Fedora's selinux-policy
#: install it so), whose optional second line is svirt_tcg_t for TCG guests (libvirt
#: security_selinux.c reads both as domain_context / alt_domain_context; "Support custom
#: 'svirt_tcg_t' context for TCG based guests", libvirt commit 95ea6a38).
SVIRT_TYPES = ("svirt_t", "svirt_tcg_t")


def _foreign_type(model: str, label: str, uuid: str) -> str | None:
    """The SELinux type or AppArmor profile of a label that is neither sVirt's own nor known to
    confine nothing (those fail): whether it confines QEMU is not in the evidence. AppArmor's own
    per-VM profile is libvirt-<uuid> (virt-aa-helper; security_apparmor.c names it so)."""
    if model == "apparmor":
        name = label.strip()
        return None if name in ("unconfined", f"libvirt-{uuid}") else name
    parts = label.split(":")
    if len(parts) < 3 or parts[2] in SVIRT_TYPES or parts[2] in UNCONFINED_TYPES:
        return None
    return parts[2]


MCSLevel = tuple[str, frozenset[int]]


def _mcs_level(text: str) -> MCSLevel | None:
    """An MLS/MCS level ("s0:c1,c5.c7") as its sensitivity and category set; None if unreadable."""
    sens, _, cats = text.strip().partition(":")
    found: set[int] = set()
    for part in cats.split(",") if cats else ():
        first, dot, last = part.strip().partition(".")
        if not first.startswith("c") or (dot and not last.startswith("c")):
            return None
        try:
            lo, hi = int(first[1:]), int(last[1:]) if dot else int(first[1:])
        except ValueError:
            return None
        if hi < lo or hi - lo > 4096:
            return None
        found.update(range(lo, hi + 1))
    return (sens, frozenset(found)) if sens else None


def _mcs_range(label: str) -> tuple[MCSLevel, MCSLevel] | None:
    """The (low, high) levels of an SELinux context user:role:type:low[-high], None without one."""
    parts = label.strip().split(":", 3)
    if len(parts) < 4:
        return None
    low, _, high = parts[3].partition("-")
    lo = _mcs_level(low)
    hi = _mcs_level(high) if high else lo
    return (lo, hi) if lo is not None and hi is not None else None


def _static_key(model: str, label: str) -> object:
    """What two static labels must share to give two VMs the same access: the MCS range as
    category sets for SELinux (s0:c10,c20 is s0:c20,c10), the label itself otherwise."""
    if model in ("selinux", ""):
        rng = _mcs_range(label)
        if rng is not None:
            return rng
    return label.strip()


TAINT_BITS = {
    0: "proprietary module (P)",
    1: "force-loaded module (F)",
    10: "staging driver (C)",
    12: "out-of-tree module (O)",
    13: "unsigned module (E)",
    18: "test module (N)",
}
NON_ROOT_BUILDS = (
    "debian",
    "ubuntu",
    "fedora",
    "rhel",
    "centos",
    "rocky",
    "almalinux",
    "sles",
    "opensuse",
    "arch",
    "gentoo",
)


@check(
    id="HVA-040",
    title="Kernel refuses unsigned modules",
    scope="host",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-5"]},
    remediation="Boot with Secure Boot (Debian then enforces integrity lockdown) or add "
    "module.sig_enforce=1 to the kernel command line.",
    platforms=LINUX_HOST,
)
def module_signatures(ctx: Context) -> Iterator[Outcome]:
    """The 2014 draft asks for a boot option that refuses uncertified drivers. On Linux that is
    module signature enforcement, directly or through kernel lockdown.

    Lockdown refuses an unsigned module only from inside module_sig_check (LOCKDOWN_MODULE_
    SIGNATURE), which kernel/module/signing.c defines; that file, and with it the sig_enforce
    parameter, is built only with CONFIG_MODULE_SIG (kernel/module/Makefile `obj-$(CONFIG_
    MODULE_SIG) += signing.o`; internal.h: without it module_sig_check "return 0"). A kernel
    with lockdown but no sig_enforce parameter checks no signature, unless it loads no modules at
    all (CONFIG_MODULES unset), which the evidence does not tell: a question (R9H-5).
    kernel.modules_disabled = 1 refuses every module, signed or not (proc(5): "Once true,
    modules can be neither loaded nor unloaded, and the toggle cannot be set back to false"):
    a pass whatever sig_enforce and lockdown say (R10H-10, was a fail), when a sysctl.d file sets
    it again at every boot (systemd-sysctl, sysctl.d(5)); set by hand or by something hvaudit
    does not read, it is gone at the next boot, and without lockdown that is a question, not the
    pass (R21S-3). A bundle older than the sysctl-d probe keeps the pass."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        sig, lock = h.facts.module_sig_enforce, h.facts.lockdown
        built = h.facts.module_signing
        off = h.facts.modules_disabled
        disabled = off.known and off.get()
        boot, why = _modules_disabled_at_boot(h) if disabled else ("", "")
        gap = first_unknown(sig, lock)
        locking = lock.known and lock.get() in ("integrity", "confidentiality")
        if gap is lock and lock.state is FactState.UNAVAILABLE and sig.known and sig.get():
            # sig_enforce on refuses unsigned modules whatever lockdown: lockdown unread is no
            # question there, and asked first ("the kernel enforces module signatures?") it
            # hid _signing_lost's next-boot question, which "yes" then passed (R37T-4)
            gap = None
        if gap is sig and sig.state is FactState.UNAVAILABLE and locking:
            # lockdown's pass has its own next-boot conditions (a lockdown= word the next
            # boot drops, a level written by hand): each is asked with sig_enforce unread;
            # asked alone, "yes, it enforces them" passed a lockdown lost at reboot (R37T-4)
            asks = [unknown(s, sig, "the kernel enforces module signatures")]
            if (kept := _lockdown_kept(h)) is not None:
                asks.append(kept)
            yield joined_asks(s, asks)
        elif gap is not None:
            yield unknown(s, gap, "the kernel enforces module signatures")
        elif sig.get() and (lost := _signing_lost(h, "sig")) is not None:
            yield lost
        elif sig.get():
            yield passed(s, "module.sig_enforce is on", *sig.sources)
        elif disabled and boot in ("older", "set"):
            again = f"; {why} sets it again at every boot" if boot == "set" else ""
            yield passed(
                s,
                "kernel.modules_disabled = 1: no module can be loaded until the next boot, "
                f"signed or not{again}",
                *off.sources,
                *(h.facts.sysctl_d.sources if boot == "set" else ()),
            )
        elif lock.get() in ("integrity", "confidentiality") and built.known and not built.get():
            yield manual(
                s,
                f"kernel lockdown '{lock.get()}', but the kernel has no sig_enforce parameter: "
                "it was built without module signing (CONFIG_MODULE_SIG), so lockdown checks "
                "no module's signature, or without loadable modules",
                *sig.sources,
                *lock.sources,
                question="Is this host's kernel built without loadable modules? Evidence: "
                "/proc/modules and CONFIG_MODULES, CONFIG_MODULE_SIG in /boot/config-$(uname "
                "-r). Pass: yes, CONFIG_MODULES is not set (no module can be loaded); fail: no, "
                "modules load and their signatures are not checked.",
            )
        elif locking and (kept := _lockdown_kept(h)) is not None:
            yield kept
        elif lock.get() in ("integrity", "confidentiality"):
            yield passed(
                s, f"kernel lockdown '{lock.get()}' enforces signed modules", *lock.sources
            )
        elif disabled:
            yield manual(
                s,
                "kernel.modules_disabled = 1: no module can be loaded until the next boot, but "
                f"{why}; then unsigned modules can be loaded (sig_enforce off, lockdown none)",
                *off.sources,
                *h.facts.sysctl_d.sources,
                *sig.sources,
                *lock.sources,
                question=f"What sets kernel.modules_disabled = 1 on {h.name} at every boot? "
                "Evidence: `systemd-sysctl --cat-config | grep modules_disabled` and the units "
                "or scripts that run `sysctl -w kernel.modules_disabled=1` (`grep -rs "
                "modules_disabled /etc/systemd /etc/rc.local`). Pass: one does, after the "
                "modules the host needs are loaded; fail: none (it was set by hand).",
            )
        else:
            yield failed(
                s,
                "unsigned kernel modules can be loaded (sig_enforce off, lockdown none)",
                *sig.sources,
                *lock.sources,
            )


def _sig_enforce_word(word: str) -> bool:
    """`module.sig_enforce` set true on the command line: kernel/module/signing.c `static bool
    sig_enforce = IS_ENABLED(CONFIG_MODULE_SIG_FORCE); module_param(sig_enforce,
    bool_enable_only, 0644)` under MODULE_PARAM_PREFIX "module." (read with `find_string`);
    kernel/params.c param_set_bool takes a bare name as "1" and a kstrtobool true (parse.host.
    kernel_bool: y, Y, 1, o then n, and from Linux 5.19 t and T: a running `module.sig_enforce=
    true` set it, R34B-2), and parameq reads '-' as '_'."""
    name, eq, value = word.partition("=")
    if name.replace("-", "_") != "module.sig_enforce":
        return False
    return not eq or kernel_bool(value) is True


def _lockdown_word(word: str) -> bool:
    """`lockdown=integrity` or `lockdown=confidentiality`: security/lockdown/lockdown.c
    lockdown_param (an early_param; strcmp, anything else is -EINVAL), read with
    `find_string`."""
    return word in ("lockdown=integrity", "lockdown=confidentiality")


def _lockdown_kept(h: Host) -> Outcome | None:
    """HVA-040's question where its host's lockdown (integrity or confidentiality) may not come
    back at the next boot: the running line's lockdown= word missing from the next boot's
    (_signing_lost), or a level no boot source sets (_lockdown_unset_at_boot); None where it
    is kept."""
    if (lost := _signing_lost(h, "lockdown")) is not None:
        return lost
    unset = _lockdown_unset_at_boot(h)
    if not unset:
        return None
    lock = h.facts.lockdown
    return manual(
        host_subject(h),
        f"kernel lockdown '{lock.get()}' now, but {unset}: a level written to "
        "/sys/kernel/security/lockdown lasts until the next boot",
        *lock.sources,
        *h.facts.secure_boot.sources,
        *h.facts.kernel_cmdline.sources,
        question=f"Does {h.name}'s kernel lock itself down at every boot? Evidence: "
        "`journalctl -k -b | grep 'Kernel is locked down from'` and "
        "CONFIG_LOCK_DOWN_KERNEL_FORCE_INTEGRITY or _CONFIDENTIALITY in "
        "/boot/config-$(uname -r). Pass: yes, the kernel's configuration locks it "
        "down, or a unit that runs at every boot writes the level; fail: no, it was "
        "locked from securityfs by hand.",
    )


def _signing_lost(h: Host, basis: str) -> Outcome | None:
    """HVA-040's pass by sig_enforce (`basis` "sig") or by lockdown ("lockdown") where the
    running command line's word that set it is missing from a source of the next boot's line
    (R22K-2): sig_enforce's default is CONFIG_MODULE_SIG_FORCE and lockdown's the kernel's
    CONFIG_LOCK_DOWN_KERNEL_FORCE_* or a distribution's Secure Boot patch (lockdown.c
    init_lockdown, CONFIG_LOCK_DOWN_IN_EFI_SECURE_BOOT), none of them in the evidence: a
    question. A sig_enforce word dropped while lockdown stays on by other means keeps the
    pass (lockdown refuses unsigned modules where signing is built, which the parameter shows).
    None where the pass stands."""
    s = host_subject(h)
    sig, lock = h.facts.module_sig_enforce, h.facts.lockdown
    lost = live_word_dropped(h, _sig_enforce_word if basis == "sig" else _lockdown_word)
    if lost is None:
        return None
    locked = lock.known and lock.get() in ("integrity", "confidentiality")
    if basis == "sig" and locked and live_word_dropped(h, _lockdown_word) is None:
        return None
    word, where = lost.word, lost.where()
    shown = (
        "module.sig_enforce is on"
        if basis == "sig"
        else f"kernel lockdown '{lock.get()}' enforces signed modules"
    )
    return manual(
        s,
        f"{shown}; but the running kernel has it from {word}, {where}: unsigned "
        f"modules {'can' if lost.lacking else 'may'} be loaded after the next boot unless the "
        "kernel enforces it by itself",
        *(sig.sources if basis == "sig" else lock.sources),
        *h.facts.kernel_cmdline.sources,
        *h.facts.kernel_cmdline_next_boot.sources,
        question=f"Does host {h.name}'s kernel refuse unsigned modules after the next boot, "
        f"although {word} is {where}? Evidence: CONFIG_MODULE_SIG_FORCE and "
        "CONFIG_LOCK_DOWN_KERNEL_FORCE_* in the /boot/config-* of the kernel it boots, "
        "`mokutil --sb-state` (Debian's and Ubuntu's kernels lock down under Secure Boot) and "
        "the boot loader's default entry (`bootctl status`, `proxmox-boot-tool status`, the "
        f"`linux` line of /boot/grub/grub.cfg{lost.evidence()}). Pass: yes, one of those "
        "options is set, Secure "
        "Boot locks the kernel down, or the entry it boots carries module.sig_enforce=1 or "
        "lockdown=integrity; fail: no, unsigned modules load after the next boot.",
    )


def _lockdown_unset_at_boot(h: Host) -> str:
    """Why the kernel's lockdown is not known to come back at the next boot, "" when it is (or
    the bundle has no evidence either way). security/lockdown/lockdown.c raises the level from
    the kernel's configuration (CONFIG_LOCK_DOWN_KERNEL_FORCE_INTEGRITY/_CONFIDENTIALITY), the
    `lockdown=` boot parameter (lockdown_param: "integrity" or "confidentiality"), or a write to
    securityfs (lockdown_write -> lock_kernel_down("securityfs", level)), which holds until the
    next boot only; Debian's kernel (CONFIG_LOCK_DOWN_IN_EFI_SECURE_BOOT) adds integrity when
    it boots with Secure Boot, which shim's MokSBStateRT = 1 turns off (HVA-021). Read with
    `read_file` (torvalds/linux security/lockdown/lockdown.c), R22H-2."""
    cmdline, sb, shim = h.facts.kernel_cmdline, h.facts.secure_boot, h.facts.shim_validation_off
    if not cmdline.sources or not sb.sources:
        return ""  # a bundle without the evidence: the level alone, as before
    words = cmdline.get() if cmdline.known else ()
    words = words[: words.index("--")] if "--" in words else words  # parse_args stops at --
    if any(_lockdown_word(w) for w in words):
        return ""
    if sb.known and sb.get() and not (shim.known and shim.get()):
        return ""
    if not cmdline.known or not sb.known:
        return (
            "whether Secure Boot or lockdown= on the kernel command line sets it at boot was "
            "not read"
        )
    if sb.get():
        return (
            "shim's validation is off (MokSBStateRT = 1), so Secure Boot does not lock the "
            "kernel down, and no lockdown= is on the kernel command line"
        )
    return "the host boots without Secure Boot and no lockdown= is on the kernel command line"


def _modules_disabled_at_boot(h: Host) -> tuple[str, str]:
    """Whether kernel.modules_disabled = 1 comes back at the next boot: ("set", the sysctl.d
    line and file), ("unset", why not known), or ("older", "") for a bundle made before the
    sysctl-d probe. The kernel takes only 1 (kernel/sysctl.c kern_table, kernel/module/kmod.c
    in later kernels: proc_dointvec_minmax with extra1 = extra2 = SYSCTL_ONE, read with
    `find_string`), and systemd-sysctl writes sysctl.d's value at boot as the file has it: the
    value is read as the kernel reads it (sysctl_int: "+1" is refused and modules stay
    loadable, "0x1" is 1; R23D-1)."""
    cfg = h.facts.sysctl_d
    if not cfg.known:
        return ("unset", cfg.reason) if cfg.sources else ("older", "")
    key = "kernel/modules_disabled"
    later = cfg.get().next_boot(key)
    if later is not None and sysctl_int(later.value or "") == 1:
        return "set", f"{later.line} ({later.path})"
    if later is not None:
        return "unset", (
            f"{later.path} sets {later.line}, a value the kernel refuses (it takes only 1)"
        )
    conf = cfg.get().conf_only(key)
    if conf is not None:
        return "unset", (
            f"only {conf.line} ({conf.path}) sets it, which no sysctl.d file includes: "
            "systemd-sysctl does not read it"
        )
    return "unset", "no sysctl.d file sets it at boot"


@check(
    id="HVA-041",
    title="Kernel is not tainted by proprietary, out-of-tree or unsigned modules",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-5"]},
    remediation="Remove or replace the modules that taint the kernel (see `dmesg | grep -i taint`), "
    "or sign and approve them.",
    platforms=LINUX_HOST,
)
def kernel_taint(ctx: Context) -> Iterator[Outcome]:
    """A tainted kernel runs driver code that has not been through the distribution's review or
    signing: exactly the uncertified drivers the recommendation wants kept out. Bits from Linux
    Documentation/admin-guide/tainted-kernels.rst: 0 P (proprietary), 1 F ("module was force
    loaded", `insmod -f`: past the version checks, a module not built for this kernel, R9H-9;
    its E bit is set only on kernels built with CONFIG_MODULE_SIG), 10 C ("staging driver was
    loaded": kernel/module/main.c check_modinfo warns "module is from the staging directory, the
    quality is unknown, you have been warned", R22H-1), 12 O (out of tree), 13 E (unsigned), 18 N
    (a module tagged MODULE_INFO(test): check_modinfo "loading test module taints kernel", KUnit
    and other in-kernel test code, no driver for production, R22H-1)."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        f = h.facts.kernel_taint
        if not f.known:
            yield unknown(s, f, "no proprietary, out-of-tree or unsigned modules are loaded")
            continue
        bad = [label for bit, label in TAINT_BITS.items() if f.get() & (1 << bit)]
        if bad:
            yield failed(s, f"kernel tainted ({f.get()}): {', '.join(bad)}", *f.sources)
        else:
            yield passed(s, f"taint value {f.get()}: no unreviewed module loaded", *f.sources)


@check(
    id="HVA-042",
    title="QEMU runs as an unprivileged user",
    scope="host",
    severity=Severity.CRITICAL,
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-7"]},
    interpretations={
        "sp800-125a-2014:HY-SR-5": (
            "HY-SR-5(b) confines each VM's device emulation (QEMU) to an unprivileged VM; on "
            "KVM, where QEMU is a host process, hvaudit takes the confinement of that process "
            "as the equivalent."
        ),
        "sp800-125a-r1:HY-SR-7": (
            "HY-SR-7 lets each VM process reach only its own devices; libvirt's DAC driver "
            "hands a non-root QEMU only its VM's files and devices, while a QEMU running as "
            "root reaches every device of the host."
        ),
    },
    remediation="Set user and group in /etc/libvirt/qemu.conf to a dedicated account "
    "(Debian: libvirt-qemu) and restart libvirtd and the guests.",
)
def qemu_unprivileged(ctx: Context) -> Iterator[Outcome]:
    """QEMU emulates devices for an untrusted guest; a bug in it is a VM escape. Running it as root
    turns that escape into a host compromise. A domain can override qemu.conf's user for itself
    with a static `<seclabel model='dac'><label>+0:+0</label>` (libvirt formatdomain, "Security
    label"; qemu.conf: a leading '+' forces a numeric id): that VM's QEMU then runs as root
    whatever qemu.conf says, which the domain XML alone proves. The label is "user:group", so
    `+64055:+0` runs that VM's QEMU in group root: the same high privileges qemu.conf
    `group = "root"` gives every VM (libvirt qemuDomainObjCheckTaint: cfg->group == 0). The TPM
    emulator libvirt starts for each VM with an emulated vTPM is device emulation for that guest
    too (swtpm parses every TPM command it sends): qemu.conf `swtpm_user`/`swtpm_group` root
    (default tss, qemu.conf.in) fails the same way, and so does leaving them unset on a host
    without a `tss` account or group: libvirt then runs swtpm as root (src/qemu/qemu_conf.c
    virQEMUDriverConfigNew, "fall back to root"; SWTPM_DEFAULT). A user or group is read the
    way libvirt reads it (virGetUserID/virGetGroupID: a name first, "+N" always a number, so
    `+00` and a name the passwd or group file gives id 0 are root), and QEMU's account listed
    in a gid-0 group runs QEMU with that supplementary group (virGetGroupList). A label whose
    group is the host's `disk` group ("Raw access to disks. Mostly equivalent to root access",
    Debian base-passwd) fails the same way (R47). A running QEMU's user is the name ps gives
    its uid, the first /etc/passwd entry with it: every name passwd gives uid 0 is root there
    (R16H-6). A swtpm the process list shows as root fails; a swtpm_user / swtpm_group name the
    passwd or group file does not list is asked, and an unread passwd file is an error (libvirt
    looks the name, or its default tss, up in the passwd database; _swtpm_open, R28O-1 to 3);
    so is a default tss the files lack where nsswitch resolves accounts beyond them (R29Q-3)."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        root_vms = [
            (v.name, *found)
            for v in ctx.deployment.vms
            if v.host == h.name and (found := _dac_root(v, h)) is not None
        ]
        if root_vms:
            parts = []
            for what, who in (
                ("uid 0", "as root"),
                ("gid 0", "in group root"),
                ("group disk", "in group disk, which reads and writes every host disk,"),
            ):
                vm_names = [n for n, w, _ in root_vms if w == what]
                if vm_names:
                    parts.append(
                        f"QEMU runs {who} for VM(s) {', '.join(vm_names[:8])} "
                        f"(<seclabel model='dac'> label {what})"
                    )
            yield failed(s, "; ".join(parts), *(src for _, _, src in root_vms[:8]))
            continue
        qc = conf_fact(h, "qemu.conf")
        procs = h.facts.qemu_processes
        uids, gids = _uids(h), _gids(h)
        gap = first_unknown(qc)
        if gap is not None:
            # a QEMU process running as root or holding capabilities fails whatever qemu.conf
            # says (ps reads /proc): an unread qemu.conf (one changed after the daemon started,
            # R11H-1) asked first hid it, and "yes, non-root" passed it (R35T-8); a failed
            # read stands alone
            ran = _qemu_procs_privileged(s, procs, uids, h)
            # so does a running QEMU's account in group root or group disk (/etc/group, read
            # apart): libvirt starts QEMU with the groups getgrouplist(3) gives the account it
            # runs as, whatever qemu.conf now says; asked first, "yes, non-root" passed it
            # (R37T-5)
            ran = ran or _account_groups_fail(s, h, None, None)
            yield (
                ran
                if ran is not None and gap.state is FactState.UNAVAILABLE
                else unknown(s, gap, "QEMU processes run as a non-root user")
            )
            continue
        user, src = conf_value(h, "qemu.conf", "user")
        if user is not None and str(user) in ("root", "+0", "0"):
            yield failed(s, f"qemu.conf sets user = {user}", src)
            continue
        uid0 = _uid0_name(h, user)
        if uid0 is not None:
            yield failed(
                s,
                f"qemu.conf sets user = {user}, which /etc/passwd gives uid 0: QEMU runs as root",
                src,
                uid0,
            )
            continue
        if user is not None and _zero_id(user, uids) == "number":
            yield failed(s, f"qemu.conf sets user = {user}: uid 0, QEMU runs as root", src)
            continue
        group, gsrc = conf_value(h, "qemu.conf", "group")
        if group is not None and (how := _zero_id(group, gids)) is not None:
            # libvirt taints every VM it starts so "high-privileges" (qemuDomainObjCheckTaint:
            # cfg->user == 0 || cfg->group == 0): group root opens root-group files and devices.
            named = " (gid 0 in /etc/group)" if how == "name" and str(group) != "root" else ""
            yield failed(
                s,
                f"qemu.conf sets group = {group}{named}: QEMU runs in group root",
                gsrc,
                *(h.facts.groups.sources if named else ()),
            )
            continue
        if (grouped := _account_groups_fail(s, h, user, group)) is not None:
            yield grouped
            continue
        # open conditions asked in one item after the fails below (joined_asks)
        unread_ids: list[Outcome] = []
        if (
            h.facts.groups.state is FactState.UNAVAILABLE
            or h.facts.groups.state is FactState.FAILED
        ) and (
            # the supplementary groups libvirt gives QEMU (virGetGroupList) come from /etc/group:
            # unread, neither group root nor group disk is ruled out; asked with the rest, not
            # before them: a QEMU process running as root (ps, not /etc/group) was hidden, and
            # "yes, in neither group" passed it (R35T-6); a failed read stands alone
            lost := asked_gap(
                s,
                h.facts.groups,
                f"Is QEMU's account on host {h.name} in neither group root (gid 0) nor group disk? "
                f"Evidence: /etc/group and /etc/passwd on host {h.name} (`id` of qemu.conf's user, "
                "or of the user running QEMU). Pass: yes, in neither; fail: in one of them, so "
                "every VM's QEMU gets that group's files and devices.",
                unread_ids,
            )
        ):
            yield lost
            continue
        vtpm_vms = sorted(
            v.name for v in ctx.deployment.vms if v.host == h.name and "emulator" in v.tpm_backends
        )
        if vtpm_vms and (swtpm := _swtpm_root(h, uids, gids)):
            # qemu.conf.in: "User for the swtpm binary" (default tss): swtpm parses every TPM
            # command the guest sends, device emulation as much as QEMU's own.
            sets = [why for why, _ in swtpm if not why.startswith("qemu.conf leaves")]
            unset = [why for why, _ in swtpm if why.startswith("qemu.conf leaves")]
            yield failed(
                s,
                "; ".join(([f"qemu.conf sets {', '.join(sets)}"] if sets else []) + unset)
                + f": the TPM emulator of VM(s) {', '.join(vtpm_vms[:6])} runs as root",
                *(where for _, where in swtpm),
            )
            continue
        zero = _uid0_users(uids)
        root_procs = [p for p in (procs.get() if procs.known else ()) if p.user in zero]
        capable = [p for p in (procs.get() if procs.known else ()) if p.capabilities]
        # R34T-1: the TPM emulator's questions stopped the chain before qemu.conf's user and
        # group questions (and a running QEMU's pass); a fail or an error of it still stands
        asks = unread_ids + (
            _swtpm_open(h, s, uids, gids, zero, vtpm_vms)
            if vtpm_vms and not root_procs and not capable
            else []
        )
        if decisive := [o for o in asks if o.status is not Status.MANUAL]:
            yield decisive[0]
            continue
        if (ran := _qemu_procs_privileged(s, procs, uids, h)) is not None:
            yield ran
        elif procs.known and procs.get():
            users = sorted({p.user for p in procs.get()})
            yield _unread_dac(
                joined_asks(s, asks)
                if asks
                else passed(
                    s,
                    f"{len(procs.get())} running QEMU process(es), as {', '.join(users)}",
                    src,
                    *procs.sources,
                ),
                h,
                bool(_swtpm_root(h, uids, gids)),
            )
        elif (
            user is not None
            and not str(user).strip().startswith("+")
            and not h.facts.accounts.known
        ):
            # a name's uid comes from the passwd database (virGetUserID): unread, root is open;
            # asked with the other open conditions (R35T-6)
            yield asked_gap(
                s,
                h.facts.accounts,
                f"qemu.conf's user {str(user).strip()} is an account whose uid is not 0",
                asks,
            ) or joined_asks(s, asks)
        elif (asks := asks + _unresolved_ids(h, s, user, src, group, gsrc, gids)) and (
            user is not None or _build_default(h) in NON_ROOT_BUILDS
        ):
            # R34S-6: the user's question stopped the chain before the group's, and "yes" to
            # it passed a group whose gid was never asked; R34T-1: the swtpm's join them, and
            # so does the question of guests not read (unread_peers), as beside the pass
            yield _unread_dac(joined_asks(s, asks), h, bool(_swtpm_root(h, uids, gids)))
        elif user is not None:
            yield _unread_dac(
                joined_asks(s, asks) if asks else passed(s, f"qemu.conf sets user = {user}", src),
                h,
                bool(_swtpm_root(h, uids, gids)),
            )
        else:
            osr = h.facts.os_release
            distro = _build_default(h)
            if distro in NON_ROOT_BUILDS:
                yield _unread_dac(
                    passed(
                        s,
                        f"user unset: the {distro} build of libvirt defaults to a non-root "
                        "user (no QEMU running to confirm)",
                        src,
                        *osr.sources,
                    ),
                    h,
                    bool(_swtpm_root(h, uids, gids)),
                )
            else:
                default_user: Fact[Any] = (
                    osr
                    if not osr.known
                    else Fact.unavailable(
                        f"user unset and the build default of distribution {distro or 'unknown'} is not known"
                    )
                )
                # asked with the other open conditions; a failed read stands alone (R35T-6)
                yield asked_gap(
                    s, default_user, "QEMU processes run as a non-root user", asks
                ) or joined_asks(s, asks)


def _uid0_users(uids: dict[str, int] | None) -> set[str]:
    """The user names ps may print for uid 0: ps names a process's uid by the first passwd
    entry with it (getpwuid), so uid 0 may show as another name when /etc/passwd lists it
    before root (R16H-6)."""
    return {"root", "0", *(n for n, uid in (uids or {}).items() if uid == 0)}


def _qemu_procs_privileged(
    s: Subject, procs: Fact[Any], uids: dict[str, int] | None, h: Host
) -> Outcome | None:
    """HVA-042's fail for running QEMU processes that run as root or hold capabilities (ps,
    /proc/<pid>/status), None where none does or the processes were not read."""
    running = procs.get() if procs.known else ()
    zero = _uid0_users(uids)
    root_procs = [p for p in running if p.user in zero]
    capable = [p for p in running if p.capabilities]
    if capable and not root_procs:
        names = ", ".join(f"{p.guest or p.pid} (CapEff {p.capabilities:#x})" for p in capable[:5])
        return failed(s, f"QEMU process(es) hold capabilities: {names}", *procs.sources)
    if root_procs:
        names = ", ".join(f"{p.guest or p.pid}" for p in root_procs[:5])
        aliases = sorted({p.user for p in root_procs} - {"root", "0"})
        alias = f" (as {', '.join(aliases)}, uid 0 in /etc/passwd)" if aliases else ""
        return failed(
            s,
            f"{len(root_procs)} QEMU process(es) run as root{alias}: {names}",
            *procs.sources,
            *(h.facts.accounts.sources if aliases else ()),
        )
    return None


def _build_default(h: Host) -> str:
    """The distribution ID os-release gives host `h` ("" unread), whose libvirt build sets
    QEMU's user where qemu.conf leaves it unset (NON_ROOT_BUILDS): an unknown build default is
    an error that no question beside it may hide (R34T-1)."""
    osr = h.facts.os_release
    return str(osr.get().get("ID", "")) if osr.known else ""


def _unresolved_ids(
    h: Host,
    s: Subject,
    user: object,
    src: Source,
    group: object,
    gsrc: Source,
    gids: dict[str, int] | None,
) -> list[Outcome]:
    """HVA-042's questions of a qemu.conf user and group whose ids the passwd and group files
    do not give, each asked (R34S-6: the user's came alone)."""
    asks: list[Outcome] = []
    if user is not None and (unresolved := _unresolved_user(h, user)) is not None:
        # libvirt src/util/virutil.c virGetUserID: a name is looked up (getpwnam_r) before
        # it is read as a number, so the name alone does not tell the uid; one /etc/passwd
        # does not list (an NSS account, or none: "Failed to parse user" and the QEMU
        # driver does not start) or a passwd file not read leaves root open (R27O-1)
        name = str(user).strip()
        asks.append(
            manual(
                s,
                f"qemu.conf sets user = {name}, {unresolved}: its uid is not known",
                src,
                *h.facts.accounts.sources,
                question=(
                    f"Does `getent passwd {name}` on host {h.name} give an account whose uid "
                    f"is not 0? Evidence: that command on host {h.name}. Pass: yes; fail: uid "
                    "0, or no such account (libvirt's QEMU driver then does not start)."
                ),
            )
        )
    if (
        group is not None
        and gids is not None
        and not (gname := str(group).strip()).startswith("+")
        and gname not in gids
        and not digits(gname)
    ):
        # virGetGroupID looks a group name up (getgrnam_r) the way virGetUserID does a
        # user's: one /etc/group does not list has no gid in the evidence (R27O-2)
        asks.append(
            manual(
                s,
                f"qemu.conf sets group = {gname}, which /etc/group does not list "
                "(an NSS group, or none): its gid is not known",
                gsrc,
                *h.facts.groups.sources,
                question=(
                    f"Does `getent group {gname}` on host {h.name} give a group whose gid is "
                    f"not 0? Evidence: that command on host {h.name}. Pass: yes; fail: gid 0, "
                    "or no such group (libvirt's QEMU driver then does not start)."
                ),
            )
        )
    return asks


def _unread_dac(o: Outcome, h: Host, swtpm_root: bool) -> Outcome:
    """HVA-042's pass of host `h` beside a guest whose definition was not read (R30D-6): the
    static DAC labels (_dac_root) and emulated TPMs it judged are the VMs read; such a guest
    may hold a label that runs its QEMU as root, in group root or group disk at its start
    (a running one's QEMU is in the process list), or, where `swtpm_root` (_swtpm_root: qemu.conf
    runs swtpm as root), an emulated TPM whose swtpm runs as root."""
    may = (
        "start with a static DAC label of uid 0, gid 0 or group disk (<seclabel model='dac'>), "
        "whose QEMU then runs so whatever qemu.conf says"
        + (", or have an emulated TPM, whose swtpm runs as root here" if swtpm_root else "")
    )
    return unread_peers(o, h, may)


@check(
    id="HVA-043",
    title="A mandatory access control driver confines QEMU (sVirt)",
    scope="host",
    severity=Severity.CRITICAL,
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-7"]},
    interpretations={
        "sp800-125a-2014:HY-SR-5": (
            "HY-SR-5(b) confines each VM's device emulation (QEMU) to an unprivileged VM; on "
            "KVM, where QEMU is a host process, hvaudit takes the confinement of that process "
            "as the equivalent."
        ),
    },
    remediation="Enable AppArmor or SELinux on the host and leave qemu.conf security_driver unset or "
    'set it to "apparmor"/"selinux" (never "none"); run VMs only through libvirt\'s system '
    "instance, or stop QEMU processes that run unconfined.",
)
def security_driver(ctx: Context) -> Iterator[Outcome]:
    """sVirt gives each QEMU process its own label so that an escaped guest can touch only its own
    disks and devices: Rev. 1's per-VM device access control through VM labelling. A configured
    driver confines nothing unless the host enforces it: SELinux must be enforcing
    (/sys/fs/selinux/enforce = 1), and AppArmor's per-VM libvirt-<uuid> profiles must be loaded in
    enforce mode (or kill mode, which enforces and kills the task on a denial), not complain mode
    (/sys/kernel/security/apparmor/profiles, as aa-status shows; APPARMOR_ENFORCING).
    qemu.conf's security_default_confined (default 1, qemu.conf comments) = 0 leaves every VM
    without its own <seclabel> unconfined. Enforcing mode is not enough either: a single domain
    type can be made permissive ("a process domain that is not enforced", semanage-permissive(8);
    `semanage permissive -a svirt_t`), so the types the VMs run in (svirt_t, svirt_tcg_t and
    those the VMs' labels name) must not be in `semanage permissive -l`; where that list was not
    read, or only semodule's permissive_<type> modules were, the host is one question.

    libvirt's labels cover the VMs of its system instance only: the QEMU driver is "a
    multi-instance driver, providing a single system wide privileged driver (the "system"
    instance), and per-user unprivileged drivers (the "session" instance)" (docs/drvqemu.rst),
    and a QEMU started by hand or by a user's qemu:///session gets no libvirt-<uuid> profile or
    sVirt label. So every running QEMU process is judged by the label the kernel confines it
    with (/proc/<pid>/attr/current: AppArmor prints "unconfined" where no profile applies, and
    a profile in complain mode "will not enforce policy", apparmor(7); SELinux an unconfined
    type): any such process fails, named. A label libvirt does not give (another AppArmor
    profile, a non-VM SELinux domain) is a question. Where the label was not read, a QEMU
    process that is none of the host's running VMs (by its -uuid, else its -name) is a
    question, never a pass.

    libvirt starts helpers beside QEMU for a VM and labels them for it (qemu_passt.c,
    qemu_dbus.c, qemu_virtiofs.c, qemu_tpm.c: qemuSecurityCommandRun, which sets the child's
    security label): passt, its own dbus-daemon (--config-file under /run/libvirt/qemu/dbus/),
    virtiofsd, swtpm, and qemu-pr-helper. They handle the guest's I/O as QEMU does, so each is
    judged by the label read from its /proc/<pid>/attr like QEMU's (unconfined or complain:
    fail; a label libvirt does not give: a question); one whose label was not read is a
    question. Where the process list itself was not read, a pass on libvirt's profiles says
    nothing of them: running VMs with a virtiofs filesystem or an emulated TPM make it one
    question. A next boot's kernel command line that keeps the module from starting
    (apparmor=0, selinux=0, security= or lsm= naming others; _lsm_off) fails where every source
    has it, and turns a pass into a question where only some do (R21B2-2)."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        qc = conf_fact(h, "qemu.conf")
        model = h.libvirt.security_model if h.libvirt else qc
        gap = first_unknown(qc, model)
        asks: list[Outcome] = []
        if gap is qc and qc.state is FactState.UNAVAILABLE and model.known:
            # the daemon's own report and the host's enforcement decide without qemu.conf:
            # asked first, an unread qemu.conf (changed after the daemon started, R11H-1) hid
            # a secmodel none (R35T-9) and a permissive SELinux (R36T-2), and "yes" passed
            # them; now it is one ask beside what the rest shows (a failed read stands alone)
            asks.append(unknown(s, qc, _MAC_QUESTION.format(host=h.name)))
        elif gap is not None:
            yield unknown(s, gap, _MAC_QUESTION.format(host=h.name))
            continue
        else:
            driver, src = conf_value(h, "qemu.conf", "security_driver")
            confined, csrc = conf_value(h, "qemu.conf", "security_default_confined")
            if driver == "none":
                yield failed(s, 'qemu.conf security_driver = "none": QEMU is not confined', src)
                continue
            if model.get() == "none":
                yield failed(
                    s, "the daemon reports no MAC security model (only DAC)", *model.sources, src
                )
                continue
            if confined == 0:
                yield failed(
                    s,
                    "qemu.conf security_default_confined = 0: VMs without their own <seclabel> "
                    "run unconfined",
                    csrc,
                    *model.sources,
                )
                continue
        o = _model_outcome(ctx, h, model)
        if not asks or o.status in (Status.FAIL, Status.ERROR, Status.NOT_APPLICABLE):
            yield o
        else:
            yield joined_asks(s, [*asks, *([o] if o.status is Status.MANUAL else [])])


#: HVA-043's question where qemu.conf or the daemon's security model was not read
_MAC_QUESTION = (
    "Does libvirt on host {host} confine QEMU with SELinux or AppArmor? Evidence: `virsh "
    "capabilities` there (its <secmodel> elements) and /etc/libvirt/qemu.conf (security_driver, "
    "security_default_confined). Pass: yes, an selinux or apparmor secmodel, security_driver not "
    '"none" and security_default_confined not 0; fail: otherwise.'
)


def _model_outcome(ctx: Context, h: Host, fact: Fact[Any]) -> Outcome:
    """HVA-043's verdict on host `h` from the daemon's security model (`fact`, known) and
    what the host enforces, qemu.conf's own settings judged before it."""
    s = host_subject(h)
    model, sources = fact.get(), fact.sources
    if model == "none":
        return failed(s, "the daemon reports no MAC security model (only DAC)", *sources)
    if model == "selinux":
        se = h.facts.selinux_enforcing
        if not se.known:
            return unknown(
                s,
                se,
                f"Is SELinux enforcing on host {h.name}? Evidence: `getenforce` there (or "
                "/sys/fs/selinux/enforce). Pass: yes, Enforcing (1); fail: Permissive (0) "
                "or Disabled.",
            )
        if se.get():
            return _selinux_config_next_boot(
                h,
                _lsm_next_boot(
                    h,
                    "selinux",
                    _with_every_qemu(ctx, h, "selinux", _selinux_domains_outcome(ctx, h)),
                ),
            )
        if se.get() is None:
            return failed(s, "the selinux driver is reported but SELinux is off", *se.sources)
        return failed(
            s, "SELinux is permissive: sVirt labels are applied but not enforced", *se.sources
        )
    if model == "apparmor":
        return _lsm_next_boot(
            h, "apparmor", _with_every_qemu(ctx, h, "apparmor", _apparmor_outcome(ctx, h))
        )
    return manual(
        s,
        f"security model {model}",
        *sources,
        question=f"Does the {model} security module confine every QEMU process "
        f"on host {h.name} in enforcing mode? Evidence: `ps -eZ` on {h.name} (each "
        f"qemu-system process's {model} label, one per VM) and the module's own "
        "enforcement status. Pass: yes, each QEMU process runs under its own label and "
        "the module enforces; fail: a QEMU process is unlabelled or unconfined, or the "
        "module only logs.",
    )


def _lsm_off(word: str, lsm: str) -> bool:
    """A kernel command-line word that keeps `lsm` (apparmor or selinux) from starting
    (R21B2-2): `apparmor=0` and `selinux=0` as the kernel reads them (R34B-1: security/apparmor/
    lsm.c apparmor_enabled_setup and security/selinux/hooks.c selinux_enabled_setup, __setup
    handlers, each `kstrtoul(str, 0, &enabled)` and `enabled ? 1 : 0` only where it parses:
    `+0`, `00` and `0x0` are 0, `01` is 1, `n` or `0b` is refused and changes nothing;
    _libvirt.kernel_ulong), `apparmor.enabled=` false (lsm.c `module_param_named(enabled,
    apparmor_enabled, aaintbool, 0444)`, param_set_aaintbool "Can only be set before AppArmor
    is initialized (i.e. on boot cmdline)" through param_set_bool: a kstrtobool, parse.host.
    kernel_bool; all read with `find_string`; kernel-parameters.txt: selinux= "Disable or
    enable SELinux at boot time. Format: { "0" | "1" }"), `security=` naming another module
    (kernel-parameters.txt:
    "Choose a legacy "major" security module to enable at boot"), and `lsm=` whose list leaves
    it out ("Choose order of LSM initialization. This overrides CONFIG_LSM, and the
    "security=" parameter"; security/security.c enables only the listed modules). SELinux's
    `enforcing=` is not judged here (R39B-1): the mode is libselinux's, which reads only the
    FIRST enforcing= of the whole line, and sets it over the kernel's own reading (load_policy.c
    selinux_init_load_policy: `orig_enforce = rc = security_getenforce(); ... if (orig_enforce
    != *enforce) { rc = security_setenforce(*enforce);`), so the kernel's last-one-wins word
    (what next_boot_adds keeps) is not the mode: `enforcing=1 enforcing=0` boots enforcing.
    _selinux_config_next_boot reads it per line as libselinux does (R37B-2, R38B-2)."""
    name, eq, value = word.partition("=")
    v = value.strip()
    if name == lsm and name in ("apparmor", "selinux"):
        return kernel_ulong(v) == 0
    if name == "apparmor.enabled" and lsm == "apparmor":
        return bool(eq) and kernel_bool(v) is False
    if name == "security":
        return v != lsm
    if name == "lsm":
        return lsm not in v.split(",")
    return False


def _libc_atoi(value: str) -> int:
    """C's atoi(value) (R37B-2): an optional sign, then the leading decimal digits, 0 where
    there are none (`off`, `0x1` and an empty value read 0)."""
    m = re.match(r"[ \t\n\v\f\r]*([+-]?)([0-9]*)", value)
    digits = m.group(2) if m else ""
    n = int(digits) if digits else 0
    return -n if m and m.group(1) == "-" else n


def libselinux_enforcing(line: str) -> int | None:
    """The mode a kernel command line sets for libselinux (R38B-1): selinux_init_load_policy
    (libselinux/src/load_policy.c, read with `read_file`) takes `strstr(buf, "enforcing=")`,
    the FIRST such substring of the line, and reads it with atoi only where it starts the line
    or follows white space; None (no override) where there is none or the first is inside
    another word (`foo.enforcing=1`), a later one then unread. A negative value sets nothing
    (`secmdline >= 0` only)."""
    at = line.find("enforcing=")
    if at < 0 or (at > 0 and not line[at - 1].isspace()):
        return None
    n = _libc_atoi(line[at + 10 :])
    return n if n >= 0 else None


def _selinux_config_next_boot(h: Host, outcome: Outcome) -> Outcome:
    """HVA-043's verdict on a host whose SELinux enforces now, with the mode the next boot
    takes (R38B-1). libselinux's selinux_init_load_policy (run by systemd's selinux setup)
    sets the mode at every boot: "Command line argument takes precedence, then config file",
    `*enforce = 0; /* unspecified or disabled */` where neither says (load_policy.c), and with
    /etc/selinux/config's SELINUX=disabled (seconfig -1) it loads no policy at all (`goto
    noload`) whatever the line says. So a running `setenforce 1` over a config file that says
    permissive or disabled, or that is absent, lasts until the next reboot. The kernel line's
    first enforcing= (libselinux_enforcing) overrides permissive: every next-boot source must
    carry an enforcing one (the running line where the next boot's was not collected); some
    but not all make the host a question. The config file unread is a question, never a
    pass. R38B-2: that first enforcing= overrides SELINUX=enforcing too, and libselinux reads
    it in the whole of /proc/cmdline (fgets of the line, no stop at the kernel's `--`, which
    _lsm_off's next-boot words end at): `-- enforcing=0` boots SELinux permissive."""
    if outcome.status is Status.FAIL:
        return outcome
    s = host_subject(h)
    cfg = h.facts.selinux_config
    nxt = h.facts.kernel_cmdline_next_boot
    lines = _selinux_lines(h)
    # R38B-2: each line's mode, its first enforcing= (after `--` too) over the file's
    words = {src: _first_enforcing(line) for src, line in lines}
    # R39B-1: a line whose first enforcing= reads 0 boots permissive whatever the file says
    # (SELINUX=disabled: off); the file unread, that alone settles it
    zero = [src for src, w in words.items() if w and libselinux_enforcing(w) == 0]
    if not cfg.known and zero and len(zero) == len(lines):
        return failed(
            s,
            "selinux confines QEMU on the running kernel, but libselinux takes the first "
            "enforcing= of the next boot's line over /etc/selinux/config, and it reads 0: SELinux "
            f"boots permissive ({'; '.join(f'{words[z]} in {z}' for z in zero)})",
            *outcome.evidence,
            *cfg.sources,
            *nxt.sources,
        )
    if not cfg.known:
        if outcome.status not in (Status.PASS, Status.MANUAL):
            return outcome
        asked = (
            f"Does /etc/selinux/config on host {h.name} set SELINUX=enforcing? Evidence: "
            f"`grep ^SELINUX= /etc/selinux/config` on {h.name}. Pass: yes, its first SELINUX= "
            "line says enforcing; fail: permissive or disabled, or no such line (SELinux "
            "boots permissive or off)."
        )
        said_zero = ""
        if zero:
            rest = [src for src in words if src not in zero]
            said_zero = (
                ", and the first enforcing= of some of the next boot's command lines reads 0 ("
                + "; ".join(f"{words[z]} in {z}" for z in zero)
                + ")"
            )
            asked = joint_question(
                [
                    f"Which kernel command line does host {h.name} boot next? Evidence: the "
                    "boot loader's default entry there (`grubby --info=DEFAULT` or `bootctl "
                    f"list`). Pass: one of {', '.join(rest)}; fail: one of {', '.join(zero)} "
                    "(SELinux boots permissive).",
                    asked,
                ]
            )
        return manual(
            s,
            f"{outcome.message}; but the mode /etc/selinux/config gives the next boot was not "
            f"read{said_zero}",
            *outcome.evidence,
            *cfg.sources,
            *(nxt.sources if zero else ()),
            question=ask_with(outcome, asked),
        )
    mode = cfg.get()
    said = {
        1: "/etc/selinux/config has SELINUX=enforcing",
        0: "/etc/selinux/config has SELINUX=permissive",
        -1: "/etc/selinux/config has SELINUX=disabled",
    }.get(
        mode if mode is not None else -2,
        "/etc/selinux/config sets no SELINUX= mode (libselinux then boots permissive)",
    )
    if cfg.sources and cfg.sources[0].locator == "no /etc/selinux/config":
        said = "there is no /etc/selinux/config (libselinux then boots permissive)"
    head = f"selinux confines QEMU on the running kernel, but {said}"
    if mode == -1:
        return failed(
            s,
            f"{head}: libselinux loads no policy at the next boot",
            *outcome.evidence,
            *cfg.sources,
        )
    if not lines and mode == 1:
        return outcome
    on = [
        src
        for src, w in words.items()
        if (libselinux_enforcing(w) if w else None) or (w is None and mode == 1)
    ]
    if lines and len(on) == len(lines):
        return outcome
    if not on and all(w is None for w in words.values()):
        return failed(
            s,
            f"{head} and no kernel word enforcing= overrides it: the next boot leaves SELinux "
            "permissive",
            *outcome.evidence,
            *cfg.sources,
            *nxt.sources,
        )
    what = "; ".join(
        f"{w} in {src}" if w else f"no enforcing= in {src}"
        for src, w in words.items()
        if src not in on
    )
    if not on:
        return failed(
            s,
            "selinux confines QEMU on the running kernel, but libselinux takes the first "
            "enforcing= of the next boot's line over /etc/selinux/config, and it reads 0: SELinux "
            f"boots permissive ({what})",
            *outcome.evidence,
            *cfg.sources,
            *nxt.sources,
        )
    if outcome.status not in (Status.PASS, Status.MANUAL):
        return outcome
    off = [src for src in words if src not in on]
    return manual(
        s,
        f"{outcome.message}; but {said}, and only some of the next boot's command lines keep "
        f"SELinux enforcing ({', '.join(on)}; not: {what})",
        *outcome.evidence,
        *cfg.sources,
        *nxt.sources,
        question=ask_with(
            outcome,
            f"Which kernel command line does host {h.name} boot next? Evidence: the boot "
            f"loader's default entry there (`grubby --info=DEFAULT` or `bootctl list`). Pass: "
            f"one of {', '.join(on)}, which keeps SELinux enforcing; fail: one of "
            f"{', '.join(off)} (SELinux boots permissive).",
        ),
    )


def _selinux_lines(h: Host) -> list[tuple[str, str]]:
    """(source, text) of each command line the next boot may hand the kernel, as libselinux
    reads it (R40B-2): selinux_init_load_policy reads the TEXT of /proc/cmdline (fgets, strstr,
    atoi), quotes and all, not the kernel's words, whose quotes kernel/params.c next_arg drops:
    `enforcing="1"` reads 0 there, and `"enforcing=0"` sets nothing (a quote before it). The
    kernel's /proc/cmdline prints the line as the boot loader handed it (fs/proc/cmdline.c
    cmdline_proc_show: `seq_puts(m, saved_command_line)`): GRUB's is the text its lexer and
    `linux` make (BootCmdline.text), systemd-boot's an entry's `options` as written
    (BootCmdline.verbatim). Where the two read a different mode, each is a source of its own,
    named by its boot loader; the running line (where no next boot's was collected) is
    /proc/cmdline's text."""
    nxt = h.facts.kernel_cmdline_next_boot
    lines: list[tuple[str, str]] = []
    for b in nxt.get() if nxt.known else ():
        if b.words is None:
            continue
        text = b.text if b.text is not None else " ".join(b.words)
        if b.verbatim is None or libselinux_enforcing(b.verbatim) == libselinux_enforcing(text):
            lines.append((b.source, text))
            continue
        lines.append((f"{b.source} (booted by GRUB's blscfg)", text))
        lines.append((f"{b.source} (booted by systemd-boot, quotes and all)", b.verbatim))
    if lines:
        return lines
    running = "the running kernel's command line"
    if h.facts.kernel_cmdline_text.known:
        return [(running, h.facts.kernel_cmdline_text.get())]
    if h.facts.kernel_cmdline.known:
        return [(running, " ".join(h.facts.kernel_cmdline.get()))]
    return []


def _first_enforcing(line: str) -> str | None:
    """The word libselinux takes its mode from (libselinux_enforcing): the first `enforcing=`
    substring of the whole line, where it starts a word, up to the next white space; None
    where it reads none. A negative value (no override) is None too."""
    at = line.find("enforcing=")
    if at < 0 or libselinux_enforcing(line) is None:
        return None
    return line[at:].split()[0]


def _lsm_next_boot(h: Host, lsm: str, outcome: Outcome) -> Outcome:
    """HVA-043's verdict on a host whose `lsm` confines QEMU now, with the next boot's kernel
    command line (hvaudit.checks._nextboot): a word that keeps the module from starting fails
    where every source has it, and turns a pass into the question where only some do
    (R21B2-2). The running state is judged as before."""
    nb = next_boot_adds(h, lambda w: _lsm_off(w, lsm), unread_asks=True)
    if nb is None or outcome.status is Status.FAIL:
        return outcome
    s = host_subject(h)
    does = "does not start it"
    keeps = f"keeps {lsm} from starting"
    off = f"{lsm} off"
    if nb.settled:
        return failed(
            s,
            f"{lsm} confines QEMU on the running kernel, but the next boot {does}: {nb.text()}",
            *outcome.evidence,
            *nb.sources,
        )
    if outcome.status not in (Status.PASS, Status.MANUAL):
        return outcome
    return manual(
        s,
        f"{outcome.message}; but {nb.says(keeps)}",
        *outcome.evidence,
        *nb.sources,
        question=ask_with(
            outcome,
            nb.question(h.name, f"it boots with one of them ({off}, QEMU unconfined)", keeps),
        ),
    )


def _with_every_qemu(ctx: Context, h: Host, model: str, outcome: Outcome) -> Outcome:
    """HVA-043's outcome for the host's VMs joined with the confinement of every running QEMU
    process: an unconfined one fails (over a pass or a question); one under a label libvirt
    does not give, or outside libvirt's view with its label unread, is a question (over a
    pass)."""
    if outcome.status is Status.FAIL:
        return outcome
    procs = h.facts.qemu_processes
    if not procs.known:
        return _helpers_unseen(ctx, h, outcome)
    s = host_subject(h)
    running = [v for v in ctx.deployment.vms if v.host == h.name and v.running]
    uuids = {v.uuid.lower() for v in running}
    names = {v.name for v in running}
    vm_types = _vm_selinux_types(ctx, h)
    bad: list[str] = []
    odd: list[tuple[int, str]] = []
    unread: list[tuple[int, str]] = []
    # (R52T-3, team decision 3) libvirt-<uuid> is the profile virt-aa-helper writes one VM's
    # disks and devices into (security_apparmor.c get_profile_name): a QEMU under another
    # listed VM's is not confined as libvirt confines each VM
    owners = {f"libvirt-{v.uuid}".lower(): v for v in ctx.deployment.vms if v.host == h.name}
    borrowed: list[str] = []
    helpers = h.facts.vm_helpers.get() if h.facts.vm_helpers.known else ()
    helper_pids = {p.pid for p in helpers}
    for p in [*procs.get(), *helpers]:
        helper = p.pid in helper_pids
        if not helper and not _is_emulator(p.binary):
            continue  # qemu-img, qemu-nbd ...: tools that run no guest
        who = (
            f"{p.binary.rsplit('/', 1)[-1]} (pid {p.pid}, user {p.user}"
            if helper
            else f"{p.guest or 'unnamed'} (pid {p.pid}, user {p.user}"
        )
        if p.label is None:
            if helper or not (p.uuid in uuids if p.uuid else p.guest in names):
                unread.append((p.pid, who + ")"))
            continue
        if model == "apparmor":
            m = re.fullmatch(r"(.+) \((\w+)\)", p.label)
            owner = owners.get(m.group(1).lower()) if m else None
            if p.label == "unconfined" or (m and m.group(2) not in APPARMOR_ENFORCING):
                bad.append(f"{who}, {p.label})")
            elif not m or not m.group(1).startswith("libvirt-"):
                odd.append((p.pid, f"{who}, {p.label})"))
            elif (
                not helper
                and owner is not None
                and not (p.uuid == owner.uuid.lower() if p.uuid else p.guest == owner.name)
            ):
                borrowed.append(f"{who}, {p.label}, VM {owner.name}'s)")
        else:
            parts = p.label.split(":")
            if len(parts) >= 3 and parts[2] in UNCONFINED_TYPES:
                bad.append(f"{who}, {p.label})")
            elif len(parts) < 3 or parts[2] not in vm_types:
                odd.append((p.pid, f"{who}, {p.label})"))
    if bad:
        helper_names = {p.binary.rsplit("/", 1)[-1] for p in helpers}
        kind = (
            "QEMU or helper process(es)"
            if any(b.split(" ", 1)[0] in helper_names for b in bad)
            else "QEMU process(es)"
        )
        return failed(s, f"{kind} not confined: {', '.join(bad[:5])}", *procs.sources)
    if borrowed:
        return failed(
            s,
            "QEMU process(es) under another VM's own profile, which lets them open that VM's "
            f"disks and devices: {', '.join(borrowed[:5])}",
            *procs.sources,
        )
    if outcome.status is not Status.PASS or not (odd or unread):
        return outcome
    what = (
        "an AppArmor profile in enforce (or kill) mode"
        if model == "apparmor"
        else f"an SELinux VM domain ({', '.join(vm_types)})"
    )
    said = []
    strays = [(pid, w) for pid, w in unread if pid not in helper_pids]
    unlabelled = [(pid, w) for pid, w in unread if pid in helper_pids]
    if strays:
        said.append(
            "QEMU process(es) that are none of libvirt's running VMs, their confinement not "
            f"read: {', '.join(w for _, w in strays[:5])}"
        )
    if unlabelled:
        said.append(
            "helper process(es) libvirt starts for VMs, their confinement not read: "
            + ", ".join(w for _, w in unlabelled[:5])
        )
    if odd:
        said.append(
            f"QEMU process(es) under a label libvirt does not give: "
            f"{', '.join(w for _, w in odd[:5])}"
        )
    pids = ", ".join(str(pid) for pid, _ in (unread + odd)[:10])
    return manual(
        s,
        "; ".join(said),
        *procs.sources,
        *outcome.evidence,
        question=f"Is every QEMU process on host {h.name} confined by {what}"
        + (
            ", and every helper libvirt starts for a VM (virtiofsd, swtpm, passt, "
            "qemu-pr-helper, its dbus-daemon) by a confining label"
            if unlabelled or any(pid in helper_pids for pid, _ in odd)
            else ""
        )
        + f"? Evidence: `cat /proc/<pid>/attr/current` on {h.name} for pid {pids} (or `ps "
        f"-eZ`). Pass: each prints {what}"
        + (
            " (a helper: its own profile or domain in enforcing mode)"
            if unlabelled or any(pid in helper_pids for pid, _ in odd)
            else ""
        )
        + "; fail: one prints unconfined, a complain-mode profile or an unconfined type.",
    )


#: The helper processes libvirt starts for a VM and labels for it (qemuSecurityCommandRun ->
#: virSecurityManagerSetChildProcessLabel): virtiofsd for a <filesystem> whose driver is
#: virtiofs and that names no externally started daemon's socket (formatdomain "Filesystems"),
#: swtpm for <tpm><backend type='emulator'> (formatdomain "TPM device").
def _vm_helper_users(ctx: Context, h: Host) -> list[str]:
    """The running VMs of `h` for which libvirt starts virtiofsd or swtpm, with which."""
    out = []
    for v in ctx.deployment.vms:
        if v.host != h.name or not v.running:
            continue
        kinds = [
            *(
                ["virtiofsd"]
                if any(d.driver == "virtiofs" and not d.socket for d in v.shared_directories)
                else []
            ),
            *(["swtpm"] if "emulator" in v.tpm_backends else []),
        ]
        if kinds:
            out.append(f"{v.name} ({', '.join(kinds)})")
    return out


def _helpers_unseen(ctx: Context, h: Host, outcome: Outcome) -> Outcome:
    """HVA-043 where the process list was not read: a pass judged libvirt's profiles or QEMU's
    domain, not the helpers libvirt starts beside QEMU for VMs that use virtiofs or an emulated
    TPM, which run as their own processes under their own label; say so, as a question."""
    users = _vm_helper_users(ctx, h) if outcome.status is Status.PASS else []
    if not users:
        return outcome
    procs = h.facts.qemu_processes
    return manual(
        host_subject(h),
        f"{outcome.message}; the process list was not read ({procs.reason}), so the labels of "
        f"the helpers libvirt starts for running VM(s) {', '.join(users[:5])} were not judged",
        *outcome.evidence,
        question=f"Does every virtiofsd and swtpm process on host {h.name} run under a "
        f"confining label? Evidence: `ps -eZ` on {h.name} (the label of each virtiofsd and "
        "swtpm process). Pass: yes, each runs under libvirt's per-VM profile, its own profile "
        "in enforce mode, or an SELinux domain that is not unconfined; fail: one is "
        "unconfined or in complain mode.",
    )


def _is_emulator(binary: str) -> bool:
    """A QEMU that runs a guest: qemu-system-<arch> (upstream), qemu-kvm (RHEL's
    /usr/libexec/qemu-kvm) or kvm (Proxmox VE's /usr/bin/kvm, qemu-server
    get_command_for_arch); not qemu-img, qemu-nbd or the other tools of the package. An unknown
    binary ("" when not read) counts."""
    name = binary.rsplit("/", 1)[-1]
    if not name:
        return True
    return name.startswith("qemu-system-") or name in ("qemu-kvm", "kvm")


def _vm_selinux_types(ctx: Context, h: Host) -> list[str]:
    """The SELinux domain types the host's VMs run in: sVirt's own (SVIRT_TYPES) and those their
    static labels and dynamic base labels name (a dynamic label keeps its base label's type)."""
    found = dict.fromkeys(SVIRT_TYPES)
    for v in ctx.deployment.vms:
        if v.host != h.name:
            continue
        for lbl in v.security_labels:
            if lbl.model not in ("selinux", "") or lbl.type not in ("static", "dynamic"):
                continue
            for text in (lbl.label, lbl.baselabel):
                parts = (text or "").split(":")
                if len(parts) >= 3 and parts[2].strip():
                    found[parts[2].strip()] = None
    return list(found)


def _selinux_domains_outcome(ctx: Context, h: Host) -> Outcome:
    """HVA-043 on a host whose SELinux enforces: each VM domain type must enforce too. A
    permissive domain is "a process domain that is not enforced" (semanage-permissive(8)): its
    denials are logged and allowed while getenforce says Enforcing, so `semanage permissive -a
    svirt_t` un-confines every VM. The list is read from `semanage permissive -l` (complete), or
    from semodule's permissive_<type> modules, which shows the types semanage made permissive
    but not a `permissive` statement inside another policy module: then a clean list is a
    question."""
    s = host_subject(h)
    se = h.facts.selinux_enforcing
    perm = h.facts.selinux_permissive
    types = _vm_selinux_types(ctx, h)
    names = ", ".join(types)
    question = (
        f"Are all of the SELinux domain types the VMs of host {h.name} run in ({names}) "
        f"enforced, none permissive? Evidence: `semanage permissive -l` on {h.name} (or "
        "`seinfo --permissive`). Pass: yes, none of them is listed; fail: one is listed, so the "
        "QEMU processes in it are not confined."
    )
    if perm.state is FactState.NOT_APPLICABLE:
        return unknown(s, perm, question)
    if not perm.known:
        return manual(
            s,
            f"SELinux is enforcing, but which domain types are permissive was not read "
            f"({perm.reason}): a permissive {names} would leave the VMs unconfined",
            *se.sources,
            *perm.sources,
            question=question,
        )
    listed, complete = perm.get()
    hit = [t for t in types if t in listed]
    if hit:
        how = (
            "`semanage permissive -l`" if complete else "a permissive_<type> module (`semodule -l`)"
        )
        return failed(
            s,
            f"SELinux is enforcing, but VM domain type(s) {', '.join(hit)} are permissive "
            f"({how}): the QEMU processes in them are not confined",
            *se.sources,
            *perm.sources,
        )
    if not complete:
        return manual(
            s,
            f"SELinux is enforcing and `semodule -l` lists no permissive_<type> module for "
            f"{names}; semanage is not there to list the types a policy module makes "
            "permissive itself",
            *se.sources,
            *perm.sources,
            question=question,
        )
    return passed(
        s,
        f"libvirt confines QEMU with SELinux, enforcing; no VM domain type permissive ({names})",
        *se.sources,
        *perm.sources,
    )


#: AppArmor profile modes that deny what the profile does not allow. The kernel names a loaded
#: profile's mode from aa_profile_mode_names (security/apparmor/policy.c): "enforce", "complain"
#: (allows, logs), "kill" (enforces and also kills the task on a denial: KILL_MODE in
#: include/policy.h), "unconfined" and "user" (decisions handed to a userspace prompt).
APPARMOR_ENFORCING = ("enforce", "kill")


def _apparmor_outcome(ctx: Context, h: Host) -> Outcome:
    s = host_subject(h)
    aa = h.facts.apparmor_profiles
    if not aa.known:
        return unknown(
            s,
            aa,
            f"Are the libvirt-<uuid> AppArmor profiles of host {h.name}'s running VMs loaded in "
            "enforce mode? Evidence: `aa-status` there (or /sys/kernel/security/apparmor/"
            "profiles). Pass: yes, one libvirt-<uuid> profile per running VM, each in enforce "
            "(or kill) mode; fail: a running VM has none, or one is in complain mode.",
        )
    profiles = aa.get()
    if profiles is None:
        return failed(s, "the apparmor driver is reported but AppArmor is disabled", *aa.sources)
    libvirt = {n: m for n, m in profiles.items() if n.startswith("libvirt-")}
    lax = sorted(f"{n} ({m})" for n, m in libvirt.items() if m not in APPARMOR_ENFORCING)
    daemon = {
        n: m
        for n, m in profiles.items()
        if n.rsplit("/", 1)[-1] in ("libvirtd", "virtqemud") and m not in APPARMOR_ENFORCING
    }
    running = [v for v in ctx.deployment.vms if v.host == h.name and v.running]
    # a VM with a static apparmor label runs under the profile it names (security_apparmor.c
    # changes to the <label> profile), not libvirt-<uuid>: that profile must be loaded, enforcing
    own = {v.name: _vm_profile(v) for v in running}
    unprofiled = [name for name, prof in own.items() if prof not in profiles]
    lax += sorted(
        f"{prof} ({profiles[prof]})"
        for prof in set(own.values())
        if prof in profiles
        and not prof.startswith("libvirt-")
        and profiles[prof] not in APPARMOR_ENFORCING
    )
    if lax:
        return failed(s, f"AppArmor profiles not enforcing: {', '.join(lax[:6])}", *aa.sources)
    if unprofiled:
        return failed(
            s,
            f"running VM(s) without a loaded libvirt-<uuid> profile: {', '.join(unprofiled[:6])}",
            *aa.sources,
        )
    note = (
        f"; daemon profile {', '.join(f'{n} ({m})' for n, m in daemon.items())}" if daemon else ""
    )
    return passed(
        s,
        f"libvirt confines QEMU with AppArmor, {len(libvirt)} libvirt-<uuid> profile(s) "
        f"enforcing{note}",
        *aa.sources,
    )


@check(
    id="HVA-044",
    title="VM is confined by its own security label",
    scope="vm",
    severity=Severity.CRITICAL,
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-7"]},
    interpretations={
        "sp800-125a-2014:HY-SR-5": (
            "HY-SR-5(b) confines each VM's device emulation (QEMU) to an unprivileged VM; on "
            "KVM, where QEMU is a host process, hvaudit takes the confinement of that process "
            "as the equivalent."
        ),
    },
    remediation="Remove <seclabel type='none'/> from the domain (virsh edit) so the driver's dynamic "
    "label applies.",
    peers=(
        "security_labels",
        "running",
        "disks",
        "boot_files",
        "shared_memory_files",
        "private_memory_files",
        "smartcard_databases",
    ),
)
def vm_confined(ctx: Context) -> Iterator[Outcome]:
    """A domain can opt out of sVirt with `<seclabel type='none'>`; its QEMU then runs unconfined
    even on a host where every other VM is labelled. A domain without a `<seclabel>` gets the
    driver's default: confined with a dynamic label only when a MAC driver is active
    (qemu.conf `security_driver` not "none"; unset means SELinux, then AppArmor, by probe) and
    `security_default_confined` is 1, its documented default (libvirt qemu.conf: "If set to zero,
    then guests will be unconfined by default. Defaults to 1."). Those host settings decide the
    verdict, so on a simulated or offline host the VM is a manual item naming them; so does a
    domain whose only MAC label is of model none, which is no driver's: libvirt's
    virSecurityManagerGenLabel (src/security/security_manager.c) finds each driver's label by
    the driver's name and generates a dynamic one where there is none (R46T-1). An explicit
    dynamic label with a model is proven by the XML: libvirt gives it a fresh unique label at
    every start, or refuses to start it when that driver is not active
    (src/security/security_manager.c, virSecurityManagerCheckModel, run on every label at
    start: "Security driver model '%s' is not available" unless the model is "none" or one of
    the daemon's active drivers). A static label is the
    administrator's choice: an unconfined type (`unconfined_t`, AppArmor `unconfined`) confines
    nothing, and two VMs sharing one static label (same MCS categories) can open each other's
    disks, which is exactly what sVirt exists to prevent (libvirt formatdomain, "Security
    label"). MCS isolation is by category sets (src/security/security_selinux.c,
    virSecuritySELinuxMCSFind: "A process can access a file if the set of MCS categories for the
    file is equal-to *or* a subset-of, the set of MCS categories for the process", which is why
    libvirt gives every VM a pair of two distinct categories): labels are compared as sets
    (s0:c10,c20 is s0:c20,c10), a static range whose clearance spans more than two categories
    (s0-s0:c0.c1023: all of them) dominates other VMs' pairs, and one with fewer is dominated
    by them. A dynamic SELinux label keeps the type of its `<baselabel>` and only gets a fresh
    range (virSecuritySELinuxGenLabel), so an unconfined base type gives an unconfined VM, which
    the XML alone proves. Any other type is the administrator's pick too: sVirt's are those of
    the policy's contexts/virtual_domain_context (svirt_t, and svirt_tcg_t for TCG guests), and
    a static or base type outside them (virtd_t, the libvirt daemon's own domain, is far wider)
    may confine QEMU or not. Which types the policy confines like svirt_t is not in the evidence
    (the virt_domain attribute, `seinfo -a virt_domain -x`), so such a label is one question,
    never a pass; likewise an AppArmor label other than libvirt's per-VM profile libvirt-<uuid>
    (security_apparmor.c, virt-aa-helper), and one naming another VM's libvirt-<uuid> profile
    runs this VM under that VM's rules: a fail. A static label is compared with the static
    labels of the host's VMs and with the dynamic labels running VMs hold (their live XML: the
    categories libvirt reserved for them). Finally a label confines only where the host enforces
    it: with SELinux permissive or off, or the VM's AppArmor profile loaded in complain mode
    (HVA-043's rule, per VM), the VM fails, as one on a host with security_driver = "none".
    A static label confines QEMU, but "with static label assignment, by default, the
    administrator or application must ensure labels are set correctly on any resources"
    (formatdomain, "Security label"; libvirt writes relabel='no' for a static label that says
    nothing): unless relabel='yes', whether the VM's disks carry its own categories, not s0
    alone (which every VM's categories dominate), is not in the evidence, a question (R9-9).
    So is a disk whose <source> carries a <seclabel model='selinux'> of its own on a VM that
    SELinux otherwise confines: libvirt leaves its file as labelled (relabel='no') or applies
    that label instead of the VM's (virSecuritySELinuxSetImageLabelInternal), a fail where the
    label has no MCS category (every VM dominates it; _kept_disk_labels, R11-1), and so is a
    character device whose <source> (a file, host device, pipe or socket QEMU connects to)
    carries one (virSecuritySELinuxSetChardevLabel does the same; R13-1), and the UEFI
    variable store's <source> (labelled as a disk image; R13-4). A
    <shareable/> disk is labelled with the policy's shared context, no MCS category, so any VM
    may open it: a question (_shared_disk_labels, R12-3); so is a host file that the VM's
    <sysinfo type='fwcfg'> hands the guest, which libvirt labels with the read-only content
    label (virSecuritySELinuxSetSysinfoLabel), readable by every VM (_fw_cfg_labels, R15-3),
    and so is the NSS database directory of a host-certificates smartcard, /etc/pki/nssdb
    unless it names its own (virSecuritySELinuxSetSecuritySmartcardCallback,
    _smartcard_labels, R20-5).
    A label confines a VM to its own disks only while no other definition names them: a disk
    file two VMs open without <shareable/> is labelled for whichever starts (the DAC owner, the
    SELinux categories, the AppArmor rule are that VM's), so each guest reads and writes the
    other's data; a VM that would pass is asked whether that is meant (_disk_twins, VL16-5),
    the message naming which VMs write a file some of them only read (R19-10), and naming a
    file that some VM has as no disk (a memory device's backing file, firmware, boot or device
    file) as a file, with what it is to the other VMs, asked with `virsh dumpxml` rather than
    `virsh domblklist`, which lists disks only (R20-6). Both comparisons cover the VMs read
    only: beside a guest whose definition was not read (a domain whose XML the daemon refused,
    R28D-1), a static label's or a file's pass is a question whether that guest holds the label
    or opens the file (unread_peers, R29D-1)."""
    twins = _disk_twins(ctx.deployment.vms, {(p.host, p.name): p for p in ctx.deployment.pools})
    hosts = {h.name: h for h in ctx.deployment.hosts}
    vms = {(v.host, v.name): v for v in ctx.deployment.vms}
    for o in _label_verdicts(ctx):
        got = twins.get((o.subject.host or "", o.subject.name))
        if o.status is not Status.PASS or not got:
            v = vms[(o.subject.host or "", o.subject.name)]
            yield _label_peers_unread(o, v, hosts[v.host])
            continue
        listed = "; ".join(text for text, *_ in got)
        mutual = all(m for _, m, _ in got)
        # who reads and who writes (R19-10): each guest writes a disk all its VMs write
        so = (
            "each of their guests reads and writes what the other wrote"
            if mutual
            else "a guest that reads one reads what the guests that write it wrote"
        )
        # a file that is no disk of this VM's or of another's (firmware, boot, memory device)
        # is named as the file it is (R20-6; was "disk(s) ... are also other VMs' disks")
        roles = sorted(set().union(*(r for *_, r in got)) - {""})
        disks = roles == ["disk"] and all("" not in r for *_, r in got)
        what = "disk" if disks else "file"
        shared = (
            f"disk(s) {listed} are also other VMs' disks, without <shareable/>: libvirt labels "
            "a disk for each VM that starts with it"
            if disks
            else f"file(s) {listed} are also files other VMs open (as their "
            f"{' or '.join(roles)}): libvirt labels such a file for each VM that starts with it"
        )
        head = (
            f"Is each {what} VM {o.subject.name} shares with another VM on host "
            f"{o.subject.host} ({listed})"
        )
        listing = "`virsh domblklist`" if disks else "`virsh dumpxml`"
        # a file some VMs only read: "read and write this VM's data" is wrong for them (VL19-5)
        question = (
            f"{head} meant for both? Evidence: {listing} of each VM named, and the "
            "purpose of the second definition (a rescue or standby VM, a clone not yet given "
            "its own copy). Pass: yes, a documented standby or rescue definition whose guest "
            "may read and write this VM's data; fail: no, so that VM's guest reads and writes "
            f"this VM's {what} whenever it runs."
            if mutual
            else f"{head} meant to be shared so, written by the VMs listed as writing it and "
            "read by those listed as reading it? Evidence: `virsh domblklist` and `virsh "
            "dumpxml` of each VM named, and the purpose of each definition (a clone still on "
            "its template's live disk, a rescue VM, a kernel or firmware kept on another VM's "
            "disk). Pass: yes, documented: each VM that reads the file may see what the VMs "
            "that write it wrote there; fail: no, so a guest that reads the file reads another "
            "VM's data (and a guest that writes it hands its data to the readers) whenever "
            "they start."
        )
        yield manual(
            o.subject,
            f"{o.message}; but {shared}, so {so}",
            *o.evidence,
            question=question,
        )


def _label_peers_unread(o: Outcome, v: Vm, h: Host) -> Outcome:
    """HVA-044's pass of VM `v` where a guest of its host was not read (R29D-1): a static label
    is unique, and a file of the VM no other definition names (_disk_twins), only among the
    VMs read; a guest whose definition was not read may hold the label or open the file
    (unread_peers). A VM with a dynamic label and no file of its own keeps its pass: libvirt
    gives each VM a label no other holds (virSecuritySELinuxMCSFind)."""
    static = [
        x.label for x in v.security_labels if x.type == "static" and x.label and x.model != "dac"
    ]
    files = bool(
        v.boot_files
        or v.shared_memory_files
        or v.private_memory_files
        or any(d.source or d.backing or d.mirror for d in v.disks)
    )
    what = (
        f"disk, firmware, boot or memory files of VM {v.name} (libvirt labels such a file for "
        "each VM that starts with it)"
    )
    if static:
        may = f"hold its static label {static[0]}" + (
            f" or open one of the {what}" if files else ""
        )
    elif files:
        may = f"open one of the {what}"
    else:
        return o
    return unread_peers(o, h, may)


def _disk_twins(
    vms: Iterable[Vm], pools: dict[tuple[str, str], Pool]
) -> dict[tuple[str, str], list[tuple[str, bool, frozenset[str]]]]:
    """(host, VM) -> each host file it opens as a disk that another VM on the host opens too,
    neither with <shareable/>, shown with those VMs, and whether every VM naming it writes it
    (VL16-5); where not, the entry says which VMs write it and which only read it (R19-10). A disk file read-only for both (a
    CD-ROM, <readonly/>: an ISO library) is not counted. libvirt's security drivers label a
    VM's disks for it at each start (virSecurityManagerSetAllLabel: the DAC driver chowns them
    to the QEMU user, SELinux gives them the VM's categories, AppArmor adds them to its
    profile), whatever other definitions name them; QEMU's image locking (on by default)
    refuses a second writer only while the first VM runs. A layer of a disk's <backingStore>
    chain is a file this VM reads: libvirt labels it for the VM at each start too (the DAC
    driver chowns every layer; SELinux gives the layers below the top the read-only content
    label any VM reads, virSecuritySELinuxSetImageLabelInternal `use_label =
    data->content_context`), so a backing file that is another VM's writable disk hands this
    guest that VM's data (R17-1); a base image every VM reads only is not counted.

    A <disk type='volume'> of a dir, fs, netfs, logical or ZFS pool is the volume's file or
    block device (volume_path): libvirt's storage translation sets `def->src->path =
    virStorageVolGetPath(vol)` for these pool types, an actual type file or block (read with
    `find_string`), so two VMs naming one volume, or one by its volume name and one by its
    path, open one file (R19-2). A running VM's block job writes into its <mirror>
    destination ("the mirror location ... will eventually have the same contents as the
    source", formatdomain), the VM's disk after a pivot: a writable disk of this VM (R19-1). The VM's
    firmware, direct-boot and device files (Vm.boot_files) count as its disks too: a UEFI
    variable store and a loader it may write are written, a kernel, initrd, device tree,
    option ROM (<rom file>) or fw_cfg file entry is read into the guest (R19-4..R19-8). So
    does the backing file of an nvdimm or virtio-pmem memory device (R20-1): libvirt labels
    it for the VM at each start as it labels a disk (security_selinux.c
    virSecuritySELinuxSetMemoryLabel sets the VM's `seclabel->imagelabel` on the nvdimm and
    virtio-pmem path; virt-aa-helper adds it "rw" to the VM's AppArmor profile, read with
    `find_string`), and QEMU maps it into the guest: written where it is mapped shared, read
    where private (a MAP_PRIVATE mapping's writes stay in the VM's own pages, mmap(2))."""
    # (host, file) -> (VM, writes it, how: "" its disk, "backing" a layer, "mirror" a copy)
    users: dict[tuple[str, str], list[tuple[str, bool, str]]] = {}
    for v in vms:
        for d in v.disks:
            for layer in d.backing:
                users.setdefault((v.host, _norm(layer)), []).append((v.name, False, "backing"))
            if d.mirror:
                users.setdefault((v.host, _norm(d.mirror)), []).append((v.name, True, "mirror"))
            path = d.source if d.type in ("file", "block") else volume_path(d, pools, v.host)
            if not path or d.shareable:
                continue
            writable = not (d.readonly or d.device in ("cdrom", "floppy"))
            users.setdefault((v.host, _norm(path)), []).append((v.name, writable, ""))
        # firmware and direct-boot files (R19-4, R19-5): a shared variable store is written by
        # both VMs, a kernel or initrd that is another VM's disk reads its data, and so does a
        # device's option ROM or a fw_cfg file entry (R19-6, R19-7)
        for what, path, writes in v.boot_files:
            kind = "firmware" if what == "loader" and not writes else what
            users.setdefault((v.host, _norm(path)), []).append((v.name, writes, kind))
        # a memory device's backing file, labelled for the VM like a disk (R20-1): a shared
        # mapping writes the file, a private one reads it
        for path in v.shared_memory_files:
            users.setdefault((v.host, _norm(path)), []).append((v.name, True, "memory"))
        for path in v.private_memory_files:
            users.setdefault((v.host, _norm(path)), []).append((v.name, False, "memory-private"))
    out: dict[tuple[str, str], list[tuple[str, bool, frozenset[str]]]] = {}
    for (host, path), who in sorted(users.items()):
        names = sorted({n for n, _, _ in who})
        if len(names) < 2 or not any(w for _, w, _ in who):
            continue
        for n in names:
            how = {k for m, _, k in who if m == n}
            named = {
                "backing": "its backing file",
                "mirror": "its block copy destination",
                "kernel": "its direct-boot kernel",
                "initrd": "its direct-boot initrd",
                "dtb": "its device tree",
                "loader": "its firmware, writable",
                "firmware": "its firmware",
                "nvram": "its UEFI variable store",
                "rom": "its option ROM",
                "fwcfg": "its fw_cfg file",
                "memory": "its memory device's backing file, mapped shared",
                "memory-private": "its memory device's backing file, mapped private",
            }
            shown = (
                f"{path} ({named[next(iter(how))]})" if len(how) == 1 and "" not in how else path
            )
            # the roles the file has for the other VMs (R20-6): their disk, or a file of
            # their firmware, boot or memory devices
            theirs = frozenset(_TWIN_ROLES[k] for m, _, k in who if m != n)
            if not how <= _DISK_ROLES:
                theirs |= {""}  # this VM's file is no disk: the sentence names files
            writes = any(w for m, w, _ in who if m == n)
            writers = sorted({m for m, w, _ in who if m != n and w})
            readers = [m for m in names if m != n and m not in writers]
            if writes and writers and not readers:
                out.setdefault((host, n), []).append(
                    (f"{shown} (VM(s) {_few(writers)})", True, theirs)
                )
                continue
            wrote = [
                *(["this VM"] if writes else []),
                *([f"VM(s) {_few(writers)}"] * bool(writers)),
            ]
            read = [
                *(["this VM"] if not writes else []),
                *([f"VM(s) {_few(readers)}"] * bool(readers)),
            ]
            out.setdefault((host, n), []).append(
                (
                    f"{shown} (written by {' and '.join(wrote)}; read only by {' and '.join(read)})",
                    False,
                    theirs,
                )
            )
    return out


#: The kinds of _disk_twins' users that are disks: a disk, a layer of its backing chain, a
#: block copy's destination.
_DISK_ROLES = frozenset({"", "backing", "mirror"})

#: What a shared file is to the other VMs, by _disk_twins' kind ("disk" for the disk kinds;
#: R20-6).
_TWIN_ROLES = {
    "": "disk",
    "backing": "disk",
    "mirror": "disk",
    "kernel": "direct-boot kernel",
    "initrd": "direct-boot initrd",
    "dtb": "device tree",
    "loader": "firmware",
    "firmware": "firmware",
    "nvram": "UEFI variable store",
    "rom": "option ROM",
    "fwcfg": "fw_cfg file",
    "memory": "memory device's backing file",
    "memory-private": "memory device's backing file",
}


def _few(names: list[str]) -> str:
    """At most five VM names, comma-separated."""
    return ", ".join(names[:5])


def _norm(path: str) -> str:
    """A host path without empty and `.` components, as the kernel resolves them."""
    return "/" + "/".join(p for p in path.split("/") if p not in ("", "."))


def _label_verdicts(ctx: Context) -> Iterator[Outcome]:
    """HVA-044's verdict of each VM's own label (vm_confined)."""
    hosts = {h.name: h for h in ctx.deployment.hosts}
    static_users: dict[tuple[str, str, object], list[str]] = {}
    running_dynamic: dict[tuple[str, str, object], list[str]] = {}
    profiles: dict[tuple[str, str], str] = {}  # (host, libvirt-<uuid>) -> the VM it belongs to
    for v in ctx.deployment.vms:
        profiles[(v.host, f"libvirt-{v.uuid}")] = v.name
        for lbl in v.security_labels:
            if lbl.model == "dac" or not lbl.label:
                continue
            key = (v.host, _model(lbl.model), _static_key(lbl.model, lbl.label))
            if lbl.type == "static":
                static_users.setdefault(key, []).append(v.name)
            elif lbl.type == "dynamic" and v.running:
                # The label libvirt generated for a running VM (its live XML), reserved for it.
                running_dynamic.setdefault(key, []).append(v.name)
    for v in ctx.deployment.vms:
        s = vm_subject(v)
        h = hosts[v.host]
        # A label of model none is no MAC manager's (R46T-1): virSecurityManagerGenLabel looks
        # each manager's label up by its driver's name and, where the domain has none of its
        # own, generates a dynamic one when security_default_confined is on; so such a VM
        # gets the host's default, as one without a <seclabel> (a host whose driver is "none"
        # fails below). Was "security label none (none): QEMU runs unconfined".
        mac = [lbl for lbl in v.security_labels if lbl.model not in ("dac", "none")]
        nop = any(lbl.model == "none" for lbl in v.security_labels)
        off = [lbl for lbl in mac if lbl.type == "none"]
        # (R52T-2, team decision 2) a shut-off VM whose type='none' label names a model the
        # daemon does not run does not start (security_manager.c
        # virSecurityManagerCheckDomainLabel -> virSecurityManagerCheckModel checks every
        # <seclabel>'s model, type none included), and the host's own driver would still label
        # it: R48T-1's "meant to run here?" question below, not "QEMU runs unconfined"
        gone = [] if v.running else _alien_labels(h, off, ("none",))
        if off and len(gone) < len(off):
            yield failed(
                s,
                f"security label none ({off[0].model or 'default'}): QEMU runs unconfined",
                *(v.confinement.sources or (off[0].source,)),
            )
            continue
        problems = []
        foreign: list[tuple[str, str, bool]] = []  # (the label, its type or profile, SELinux?)
        for lbl in (x for x in mac if x.type == "dynamic" and x.model in ("selinux", "")):
            if lbl.baselabel and _unconfined_label("selinux", lbl.baselabel):
                problems.append(
                    f"dynamic label generated from base label {lbl.baselabel}: an unconfined type"
                )
            elif lbl.label and _unconfined_label("selinux", lbl.label):
                problems.append(f"dynamic label {lbl.label} is unconfined")
            elif lbl.baselabel and (t := _foreign_type("selinux", lbl.baselabel, v.uuid)):
                foreign.append((f"dynamic label from base label {lbl.baselabel}", t, True))
            elif lbl.label and (t := _foreign_type("selinux", lbl.label, v.uuid)):
                foreign.append((f"dynamic label {lbl.label}", t, True))
        for lbl in (x for x in mac if x.type == "static" and x.label):
            assert lbl.label is not None
            owner = profiles.get((v.host, lbl.label.strip()))
            if _unconfined_label(lbl.model, lbl.label):
                problems.append(f"static label {lbl.label} is unconfined")
            elif lbl.model == "apparmor" and owner is not None and owner != v.name:
                problems.append(
                    f"static label {lbl.label} is VM {owner}'s own profile: this VM may open "
                    f"{owner}'s disks and devices"
                )
            elif t := _foreign_type(lbl.model, lbl.label, v.uuid):
                apparmor = lbl.model == "apparmor"
                what = f"static {lbl.model or 'selinux'} label {lbl.label}"
                foreign.append((what, t, not apparmor))
            rng = _mcs_range(lbl.label) if lbl.model in ("selinux", "") else None
            cats = len(rng[1][1]) if rng is not None else 2
            if cats > 2:
                problems.append(
                    f"static label {lbl.label} spans {cats} MCS categories: it dominates the "
                    "category pairs libvirt gives other VMs, whose images it may open"
                )
            elif cats == 1:
                problems.append(
                    f"static label {lbl.label} has one MCS category: every VM whose category "
                    "pair includes it dominates it and may open its images"
                )
            elif cats == 0:
                problems.append(
                    f"static label {lbl.label} has no MCS category: every VM's label dominates "
                    "it, so any VM may open its images"
                )
            key = (v.host, _model(lbl.model), _static_key(lbl.model, lbl.label))
            others = [n for n in static_users[key] if n != v.name]
            if others:
                problems.append(
                    f"static label {lbl.label} is shared with VM(s) {', '.join(sorted(others)[:5])}"
                )
            holders = [n for n in running_dynamic.get(key, ()) if n != v.name]
            if holders:
                problems.append(
                    f"static label {lbl.label} has the MCS categories libvirt gave running VM(s) "
                    f"{', '.join(sorted(holders)[:5])}"
                )
        lax = [
            gap
            for lbl in mac
            if lbl.type in ("static", "dynamic") and lbl.model
            if (gap := _not_enforced(h, lbl.model, _enforced_name(lbl, v), v.running))
        ]
        problems.extend(dict.fromkeys(lax))
        # a running VM's QEMU read unconfined, or under a profile in a mode that denies
        # nothing, is not confined whatever its definition names (R51T-3: a pass on "dynamic
        # apparmor label"; HVA-043 failed the host on the same process): AppArmor leaves the
        # tasks of a removed profile unconfined (policy.c __remove_profile), whatever is loaded
        # now; a VM whose label names a model the daemon does not run is judged on its process
        # below (R48T-1)
        # (R51T-4) and one running under another VM's own profile libvirt-<its uuid> may open
        # that VM's disks and devices, as a static label naming it does (above); so may one
        # whose SELinux context has the MCS categories of another VM's label (R51T-5, as a
        # static label sharing them does)
        loose: list[str] = []
        # (R52T-1, team decision) a process under any other label than the one its definition
        # gives it (a custom profile, an SELinux context other than its static or live label)
        # is confined by that label, not by the definition's: asked, naming both
        strange: list[tuple[QemuProcess, str]] = []
        for p in vm_processes(h, v) if v.running and not _alien_labels(h, mac) else ():
            if p.label is None:
                continue
            who = f"the VM's running QEMU (pid {p.pid})"
            owner = profiles.get((v.host, re.sub(r" \(\w+\)$", "", p.label)))
            key = (v.host, "selinux", _static_key("selinux", p.label))
            sharing = sorted({*static_users.get(key, ()), *running_dynamic.get(key, ())} - {v.name})
            if _process_unconfined(p.label):
                loose.append(f"{who} is {p.label}: not confined")
            elif owner is not None and owner != v.name:
                loose.append(
                    f"{who} runs under VM {owner}'s own profile {p.label}: it may open "
                    f"{owner}'s disks and devices"
                )
            elif p.label.count(":") >= 3 and sharing:
                loose.append(
                    f"{who} runs as {p.label}, the MCS categories of the label of VM(s) "
                    f"{', '.join(sharing[:5])}: it may open their disks and devices"
                )
            elif (expected := _expected_process_label(v, mac, p.label)) is not None:
                strange.append((p, expected))
        problems.extend(loose)
        if problems:
            yield failed(
                s,
                "; ".join(problems),
                *(x.source for x in mac),
                *_mac_sources(h),
                *(h.facts.qemu_processes.sources if loose else ()),
            )
            continue
        # a label of a model the daemon does not run is never given (R48T-1): libvirt refuses
        # to start the VM, and keeps a running one on reconnect (qemuProcessReconnect); the
        # label's own fails above stand (what it would run as, were it started)
        if alien := [*_alien_labels(h, mac), *gone]:
            yield _alien_label_verdict(s, h, v, alien)
            continue
        # the enforcement not read and a label libvirt does not give are each one ask beside
        # the label's own questions (relabel='no', the disks' kept labels): asked alone, a
        # "yes" to either passed the others unasked (R36T-6, R36T-8)
        asks: list[Outcome] = []
        if strange:
            asks.append(_strange_process_ask(s, h, v, strange))
        if foreign:
            asks.append(
                manual(
                    s,
                    "; ".join(
                        f"{what}: {t} is not sVirt's domain type (svirt_t, svirt_tcg_t)"
                        if selinux
                        else f"{what}: not libvirt's per-VM profile libvirt-{v.uuid}"
                        for what, t, selinux in foreign
                    ),
                    *(x.source for x in mac),
                    question=_foreign_label_question(v.host, foreign),
                )
            )
        # a label without a model is the first driver's: SELinux syntax has ':'-separated fields
        own = [
            (x, x.model or ("selinux" if ":" in (x.label or "") else "apparmor"))
            for x in mac
            if x.type == "static" or (x.type == "dynamic" and x.model)
        ]
        unread = [(x, m, f) for x, m in own if (f := _enforcement_unread(h, m)) is not None]
        if unread:
            lbl, m, fact = unread[0]
            kind = f"{lbl.type} {m} label" + (f" {lbl.label}" if lbl.label else "")
            held = host_settings_manual(
                s,
                h,
                fact,
                f"{kind}: whether the host enforces it was not read",
                _enforcement_question(h, m, _enforced_name(lbl, v, m)),
                lbl.source,
            )
            if held.status is not Status.MANUAL:
                yield held
                continue
            asks.append(held)
        static = [x for x in mac if x.type == "static" and x.label]
        # a static SELinux label without relabel leaves the VM's files as labelled by hand (R9-9)
        unlabelled = [x for x in static if not x.relabel and ":" in (x.label or "")]
        if unlabelled:
            lbl = unlabelled[0]
            mcs = (lbl.label or "").split(":", 3)[3] if (lbl.label or "").count(":") >= 3 else ""
            asks.append(
                manual(
                    s,
                    f"static selinux label {lbl.label} with relabel='no': libvirt leaves the "
                    "labels of the VM's disks and devices as they are",
                    lbl.source,
                    question=f"Does every disk image and device of VM {v.name} on host {v.host} "
                    f"carry an SELinux label with exactly the MCS categories of its label"
                    f"{f' ({mcs})' if mcs else ''}? Evidence: `ls -Z` of each <source> path in "
                    f"`virsh dumpxml {v.name}`. Pass: yes, each is svirt_image_t (or another "
                    "image type) with those categories; fail: any has none (s0 alone, open to "
                    "every VM) or another VM's.",
                )
            )
            yield joined_asks(s, asks)
            continue
        if static:
            what = f"static {static[0].model or 'default'} label {static[0].label}"
            kept = _kept_disk_labels(v, what) if ":" in (static[0].label or "") else None
            yield _label_settled(
                s, asks, kept, passed(s, f"{what}, unique on the host", static[0].source)
            )
            continue
        named = [x for x in mac if x.type == "dynamic" and x.model]
        if named:
            lbl = named[0]
            what = f"dynamic {lbl.model} label" + (
                f" {lbl.label}" if lbl.label else " (generated at every start)"
            )
            kept = _kept_disk_labels(v, what) if lbl.model == "selinux" else None
            yield _label_settled(s, asks, kept, passed(s, what, lbl.source))
            continue
        if asks:
            yield joined_asks(s, asks)
            continue
        # No label of its own (or a dynamic one without a model): the host's driver decides.
        explicit = bool(mac)
        what = (
            "dynamic <seclabel> without a model"
            if explicit
            else "only a <seclabel model='none'> (no security driver's label)"
            if nop
            else "no <seclabel>"
        )
        qc = conf_fact(h, "qemu.conf")
        model = h.libvirt.security_model if h.libvirt else qc
        if not qc.known:
            # the daemon's own model and the host's enforcement fail the VM whatever qemu.conf
            # sets (its driver "none" or default_confined = 0 fail too): asked first, an unread
            # qemu.conf (changed after the daemon started, R11H-1) hid them, and "yes, a
            # dynamic label" passed a VM whose label nothing enforces (R36T-5); a failed read
            # stands alone
            judged = qc.state is FactState.UNAVAILABLE and model.known
            if judged and model.get() == "none":
                yield failed(
                    s,
                    f"{what} and the daemon reports no MAC security model: QEMU runs unconfined",
                    *model.sources,
                )
            elif judged and (
                gap := _not_enforced(
                    h, str(model.get()), _enforced_name(None, v, model.get()), v.running
                )
            ):
                yield failed(
                    s,
                    f"{what}: driver default (qemu.conf not read), but {gap}",
                    *model.sources,
                    *_mac_sources(h),
                )
            else:
                yield host_settings_manual(
                    s,
                    h,
                    qc,
                    f"{what}: the host's default security driver decides the confinement",
                    _default_label_question(h, explicit),
                    v.source,
                )
            continue
        driver, dsrc = conf_value(h, "qemu.conf", "security_driver")
        confined, csrc = conf_value(h, "qemu.conf", "security_default_confined")
        if driver == "none":
            yield failed(
                s, f'{what} and qemu.conf security_driver = "none": QEMU runs unconfined', dsrc
            )
        elif not explicit and confined == 0:
            yield failed(
                s,
                f"{what} and qemu.conf security_default_confined = 0: the VM starts unconfined",
                csrc,
            )
        elif not model.known:
            yield host_settings_manual(
                s,
                h,
                model,
                f"{what}; qemu.conf security_driver = {driver}",
                f"Does `virsh capabilities` on host {h.name} list an selinux or apparmor "
                f"<secmodel>? Evidence: the <host><secmodel><model> elements of `virsh "
                f"capabilities` run on {h.name}. Pass: yes, selinux or apparmor is listed; "
                "fail: only none (or dac) is, so the VM's QEMU runs unconfined.",
                dsrc,
            )
        elif model.get() == "none":
            yield failed(
                s,
                f"{what} and the daemon reports no MAC security model: QEMU runs unconfined",
                *model.sources,
            )
        elif gap := _not_enforced(
            h, str(model.get()), _enforced_name(None, v, model.get()), v.running
        ):
            yield failed(s, f"{what}: driver default, but {gap}", *model.sources, *_mac_sources(h))
        elif model.get() == "selinux" and (
            kept := _kept_disk_labels(v, f"{what}: driver default, a dynamic selinux label")
        ):
            yield kept
        else:
            yield passed(
                s,
                f"{what}: driver default, a dynamic {model.get()} label "
                f"(security_default_confined = {confined})",
                *model.sources,
                dsrc,
                csrc,
            )


#: The per-source SELinux <seclabel>s that leave a file's label as it is (_selinux_override in
#: hvaudit.parse.libvirt_xml), each as the question's list shows it: relabel='no' (R11-1), and
#: labelskip='yes', where libvirt could not label the file at all (R18-2).
KEPT_LABELS = {
    "relabel='no'": " relabel='no' (libvirt leaves its label as it is)",
    "labelskip='yes'": " labelskip='yes' (libvirt could not label it: its file system, such as "
    "NFS, takes no SELinux label, so it keeps the file system's)",
}


def _label_settled(
    s: Subject, asks: list[Outcome], kept: Outcome | None, passing: Outcome
) -> Outcome:
    """HVA-044's outcome for a VM with a label of its own: the fail of its disks' kept labels
    (`kept`) wins; else the questions `asks` (the host's enforcement not read) and `kept`'s
    as one item (joined_asks, R36T-6); else `passing`."""
    if kept is not None and kept.status is not Status.MANUAL:
        return kept
    both = [*asks, *([kept] if kept is not None else [])]
    return joined_asks(s, both) if both else passing


def _kept_disk_labels(v: Vm, what: str) -> Outcome | None:
    """The verdict of an SELinux-confined VM some of whose disks or character devices keep a
    label of their own (R11-1, R13-1), None when none does. sVirt's other half is the VM's
    files labelled with its own MCS categories; a disk <source> with its own <seclabel
    model='selinux'> opts out of it: libvirt's security_selinux.c
    virSecuritySELinuxSetImageLabelInternal returns without labelling the file for
    relabel='no', and applies the seclabel's <label> instead of the VM's image label when it
    names one (formatdomain, "Security label": an alternate label "to allow sharing of some,
    but not all, resources between domains"). libvirt labels the UEFI variable store
    (<os><nvram type='file'><source>) with that same function, so its own <seclabel> does
    the same (virSecuritySELinuxSetAllLabel; R13-4): another VM that may open it can rewrite
    the VM's Secure Boot variables. A character device's <source> (a serial,
    console, parallel or channel on a file, host device, pipe or a unix socket QEMU connects
    to) does the same through virSecuritySELinuxSetChardevLabel (`if (chr_seclabel &&
    !chr_seclabel->relabel) return 0;`, else `imagelabel = chr_seclabel->label`; R13-1). A
    label with no MCS category is dominated by every VM's label, so any VM's QEMU may open the
    file: a fail; a file left as it is, or given categories of its own, is the question of its
    label. Every local layer of a disk's backing chain is labelled the same way, its own
    `<backingStore><source><seclabel>` first (virSecuritySELinuxSetImageLabelRelative and
    ...Internal, read with `find_string`); without one a layer below the top gets the read-only
    content label (virt_content_t:s0), so only a label that opens it further counts: one with
    no MCS category of another type (svirt_image_t:s0, which "all svirt_t processes are
    allowed to write", Red Hat's sVirt label table) lets any VM rewrite the base image this
    VM's disk reads through (R14-4, was the pass); a layer left as it is (relabel='no') or
    given categories is the question, where the content label passes too."""
    items = [
        ("disk", d.source or "(no source)", d.selinux_override, d.source_ref)
        for d in v.disks
        if d.selinux_override
    ] + [(dev, path, kept, ref) for dev, path, kept, ref in v.device_selinux_overrides]
    # a backing file's own label counts unless it is the read-only content label libvirt
    # gives every layer below the top anyway (contexts/virtual_image_context's second line,
    # system_u:object_r:virt_content_t:s0); relabel='no' leaves whatever label it has (R14-4)
    items = [
        item
        for item in items
        if item[0] != "backing file" or item[2].split(":")[2:3] != ["virt_content_t"]
    ]
    s = vm_subject(v)
    if not items:
        return _shared_disk_labels(v, what)
    refs = [ref for *_, ref in items]
    disks_only = all(kind == "disk" for kind, *_ in items)
    for kind, path, label, _ref in items:
        rng = _mcs_range(label) if label not in KEPT_LABELS else None
        if rng is not None and not rng[1][1]:
            thing = {"disk": "disk", "nvram": "file", "backing file": "file"}.get(kind, "device")
            return failed(
                s,
                f"{what}, but {kind} {path} is given SELinux label {label} by its own "
                f"<seclabel>: no MCS category, so every VM's label dominates it and any VM may "
                f"open the {thing}",
                *refs,
            )
    paths = ", ".join(path for _, path, *_ in items)
    listed = "; ".join(
        (path if disks_only else f"{kind} {path}")
        + KEPT_LABELS.get(label, f" label {label} (applied instead of the VM's)")
        for kind, path, label, _ in items
    )
    if disks_only:
        said = "disk(s) keep an SELinux label of their own (<seclabel> on the disk source)"
        which, it = "disk", "the disk"
    else:
        present = {k if k in ("disk", "nvram", "backing file") else "chr" for k, *_ in items}
        kinds = " and ".join(
            word
            for key, word in (
                ("disk", "disk(s)"),
                ("backing file", "backing file(s)"),
                ("chr", "character device(s)"),
                ("nvram", "the UEFI variable store (NVRAM)"),
            )
            if key in present
        )
        verb = (
            "keeps an SELinux label of its own"
            if present == {"nvram"}
            else ("keep an SELinux label of their own")
        )
        said = f"{kinds} {verb} (<seclabel> on the device source)"
        which = (
            "disk or character device file" if not present & {"nvram", "backing file"} else "file"
        )
        it = "the file"
    backing = any(kind == "backing file" for kind, *_ in items)
    kept = manual(
        s,
        f"{what}, but {said}: {listed}",
        *refs,
        question=f"Does each {which} of VM {v.name} on host {v.host} whose own <seclabel> "
        f"overrides libvirt's labelling ({paths}) carry an SELinux label with the MCS "
        f"categories of this VM alone? Evidence: `ls -Z PATH` for each on {v.host}, and the "
        f"VM's label while it runs (`virsh dominfo {v.name}`, Security label). Pass: yes, "
        "each carries exactly the VM's categories"
        + (
            " (a backing file may instead carry libvirt's read-only content label "
            "virt_content_t:s0, which no VM may write)"
            if backing
            else ""
        )
        + "; fail: any carries s0 alone or categories "
        f"another VM's label dominates, so that VM's QEMU may open {it}.",
    )
    # the shared disks', fw_cfg files' and smartcard's questions are asked with it: returned
    # alone, a "yes" to the kept labels passed them unasked (R36T-7)
    return _and_then(what, kept, _shared_disk_labels(v, what))


def _and_then(what: str, first: Outcome, rest: Outcome | None) -> Outcome:
    """HVA-044's questions on one VM's files, `first` and `rest` (each a manual outcome whose
    message begins "`what`, but "), as one item that asks both (joint_question, R36T-7); `first`
    where there is no `rest`."""
    if rest is None:
        return first
    return manual(
        first.subject,
        f"{first.message}; and {rest.message.removeprefix(f'{what}, but ')}",
        *first.evidence,
        *rest.evidence,
        question=joint_question(q for q in (first.question, rest.question) if q),
    )


def _shared_disk_labels(v: Vm, what: str) -> Outcome | None:
    """The verdict of an SELinux-confined VM with a <shareable/> disk (R12-3), None without
    one. libvirt's security_selinux.c virSecuritySELinuxSetImageLabelInternal labels such a
    disk `use_label = data->file_context` (`if (src->shared)`, before the VM's image label),
    the policy's shared image context, svirt_image_t:s0 with no MCS category, which every
    VM's label dominates (virSecuritySELinuxMCSFind, above): any confined VM on the host may
    open it, not only those that share it. Sharing is the disk's purpose, so whether that
    reach is acceptable is a question, not a pass."""
    shared = [d for d in v.disks if d.shareable and not d.selinux_override]
    if not shared:
        return _fw_cfg_labels(v, what)
    paths = ", ".join(d.source or "(no source)" for d in shared)
    shares = manual(
        vm_subject(v),
        f"{what}, but shareable disk(s) {paths} get libvirt's shared image label, with no MCS "
        "category: every VM's label dominates it, so any VM on the host may open them",
        *(d.source_ref for d in shared),
        question=f"May every VM on host {v.host} read and write the shareable disk(s) {paths} "
        f"of VM {v.name}? Evidence: `ls -Z PATH` on {v.host} (svirt_image_t:s0, no MCS "
        f"category: libvirt's label for <shareable/>) and `virsh list --all` on {v.host} "
        "beside the VMs the disk's data is meant for. Pass: yes, every VM on the host may "
        "hold that data (or only the VMs sharing the disk run there); fail: a VM on the host "
        "must not read or write it.",
    )
    return _and_then(what, shares, _fw_cfg_labels(v, what))


def _fw_cfg_labels(v: Vm, what: str) -> Outcome | None:
    """The verdict of an SELinux-confined VM whose `<sysinfo type='fwcfg'>` hands the guest host
    files (`<entry name=... file=PATH>`, formatdomain "SMBIOS System Information", QEMU's
    `-fw_cfg name=...,file=PATH`), None without one (R15-3). libvirt labels each such file
    with the read-only content label: security_selinux.c virSecuritySELinuxSetSysinfoLabel,
    `virSecuritySELinuxSetFilecon(mgr, f->file, data->content_context, true)` for every
    fw_cfg file, called from virSecuritySELinuxSetAllLabel (read with `find_string`), the
    label of kernels and initrds, virt_content_t:s0 with no MCS category, which every VM's
    label dominates: any confined VM on the host may read the file, and a host file so named
    (under /etc, a home directory) is relabelled away from the host services that read it.
    An Ignition or cloud-init config handed in this way is common and may hold this VM's
    credentials, so whether that reach is acceptable is a question, not a pass."""
    files = [val[len("file ") :] for _name, val in v.fw_cfg if val.startswith("file ")]
    cards = _smartcard_labels(v, what)
    if not files:
        return cards
    paths = ", ".join(files)
    fw = manual(
        vm_subject(v),
        f"{what}, but fw_cfg file(s) {paths} (<sysinfo type='fwcfg'>) get libvirt's read-only "
        "content label, with no MCS category: every VM's label dominates it, so any VM on the "
        "host may read them",
        v.source,
        question=f"May every VM on host {v.host} read the file(s) {paths} that VM {v.name}'s "
        f"<sysinfo type='fwcfg'> hands its guest? Evidence: `ls -Z PATH` on {v.host} "
        "(virt_content_t:s0 once the VM has started: libvirt's label for fw_cfg files) and what "
        "each file holds. Pass: yes, none holds anything another VM must not read; fail: one "
        "is a host file (under /etc, /root, a home directory) or holds secrets meant for this "
        "VM alone (passwords, keys, tokens in an Ignition or cloud-init config).",
    )
    if cards is None:
        return fw
    return manual(
        fw.subject,
        f"{fw.message}; and {cards.message[len(what) + len(', but ') :]}",
        *fw.evidence,
        *cards.evidence,
        question=f"{fw.question} {cards.question}",
    )


def _smartcard_labels(v: Vm, what: str) -> Outcome | None:
    """The verdict of an SELinux-confined VM with a host-certificates smartcard, None without
    one (R20-5). QEMU's emulated card (libcacard) reads its certificates, and the private keys
    it signs with, from an NSS database directory on the host, `<database>` or
    /etc/pki/nssdb, the host's system-wide one, when the definition names none (domain_conf.h
    VIR_DOMAIN_SMARTCARD_DEFAULT_DATABASE). libvirt labels that directory with the read-only
    content label at each start: security_selinux.c
    virSecuritySELinuxSetSecuritySmartcardCallback, `case
    VIR_DOMAIN_SMARTCARD_TYPE_HOST_CERTIFICATES: ... return virSecuritySELinuxSetFilecon(mgr,
    database, data->content_context, true);` (read with `find_string`), virt_content_t:s0 with
    no MCS category, which every VM's label dominates: any confined VM on the host may read the
    directory, and the host's own NSS database is relabelled away from the host services that
    use it. What the database holds decides, so a question (R15-3's kind), not a pass."""
    dbs = sorted(set(v.smartcard_databases))
    if not dbs:
        return None
    paths = ", ".join(dbs)
    return manual(
        vm_subject(v),
        f"{what}, but the NSS database(s) {paths} of its host-certificates smartcard get "
        "libvirt's read-only content label, with no MCS category: every VM's label dominates "
        "it, so any VM on the host may read them",
        v.source,
        question=f"May every VM on host {v.host} read the NSS database(s) {paths} that VM "
        f"{v.name}'s host-certificates smartcard reads? Evidence: `ls -Zd DIR` and `ls -Z DIR` "
        f"on {v.host} (the directory is virt_content_t:s0 once the VM has started) and "
        "`certutil -K -d sql:DIR` (the private keys it holds). Pass: yes, a directory kept "
        "for this VM's card alone, holding nothing another VM must not read; fail: it holds "
        "keys another VM must not read, or it is the host's shared /etc/pki/nssdb (the "
        "default where the card names no <database>), which host services use.",
    )


def _model(model: str) -> str:
    """A label's security model, the unnamed default read as SELinux (its label syntax)."""
    return model or "selinux"


def _vm_profile(v: Vm) -> str:
    """The AppArmor profile the VM's QEMU runs under: its static apparmor label's, else
    libvirt-<uuid>."""
    for lbl in v.security_labels:
        if lbl.model == "apparmor" and lbl.type == "static" and (lbl.label or "").strip():
            return _profile(lbl, v.uuid)
    return f"libvirt-{v.uuid}"


def _profile(lbl: SecurityLabel, uuid: str) -> str:
    """The AppArmor profile a label runs QEMU under: a static label names it, libvirt names a
    dynamic one libvirt-<uuid> (security_apparmor.c)."""
    return (lbl.label or "").strip() if lbl.type == "static" else f"libvirt-{uuid}"


def _mac_sources(h: Host) -> tuple[Source, ...]:
    return (*h.facts.selinux_enforcing.sources, *h.facts.apparmor_profiles.sources)


def _enforced_name(lbl: SecurityLabel | None, v: Vm, model: object = "selinux") -> str:
    """What the host must enforce for a VM's label: the AppArmor profile it runs under, or the
    SELinux domain type (a static label's; a dynamic label keeps its base label's type, else
    sVirt's: svirt_tcg_t for a TCG guest when the policy has it, svirt_t otherwise; SVIRT_TYPES)."""
    if model == "apparmor" or (lbl is not None and lbl.model == "apparmor"):
        return _profile(lbl, v.uuid) if lbl is not None else f"libvirt-{v.uuid}"
    for text in (lbl.baselabel, lbl.label) if lbl is not None else ():
        parts = (text or "").split(":")
        if len(parts) >= 3 and parts[2].strip():
            return parts[2].strip()
    accel = v.hardware_accelerated
    return "svirt_tcg_t" if accel.known and accel.get() is False else "svirt_t"


def _not_enforced(h: Host, model: str, name: str, running: bool = False) -> str | None:
    """Why the host does not enforce a VM's label, from what it reported; None when it does or
    the host's enforcement was not read. SELinux in permissive mode applies labels and denies
    nothing (selinux(8)), and neither does a domain type made permissive on its own while the
    rest enforces (semanage-permissive(8)); an AppArmor profile in complain mode allows what it
    denies and logs it (aa_profile_mode_names; enforce and kill deny, APPARMOR_ENFORCING). A
    label of a model the daemon does not run is not judged here: libvirt refuses to start the VM
    with it (virSecurityManagerCheckModel). `name` is the SELinux type or AppArmor profile."""
    active = h.libvirt.security_model if h.libvirt else None
    if active is not None and active.known and active.get() != model:
        return None
    if model == "selinux":
        se = h.facts.selinux_enforcing
        if se.known and se.get() is None:
            return "SELinux is off: the label confines nothing"
        if se.known and se.get() is False:
            return "SELinux is permissive: the label is applied but not enforced"
        perm = h.facts.selinux_permissive
        if se.known and perm.known and name in perm.get()[0]:
            return f"SELinux domain type {name} is permissive: the label is not enforced"
    elif model == "apparmor":
        aa = h.facts.apparmor_profiles
        if not aa.known:
            return None
        loaded = aa.get()
        if loaded is None:
            return "AppArmor is disabled: the profile confines nothing"
        mode = loaded.get(name)
        if mode is not None and mode not in APPARMOR_ENFORCING:
            return f"AppArmor profile {name} is in {mode} mode: it denies nothing"
        if mode is None and running:
            # policy.c __remove_profile: the tasks of a removed profile continue unconfined
            return f"AppArmor profile {name} is not loaded: the running VM's QEMU is unconfined"
    return None


#: The security models libvirt has a driver for (src/security/security_driver.c
#: security_drivers[]: selinux, apparmor, then the nop driver "none"; security_dac.c "dac").
LIBVIRT_MODELS = ("selinux", "apparmor", "dac", "none")


def _alien_labels(
    h: Host, mac: list[SecurityLabel], types: tuple[str, ...] = ("static", "dynamic")
) -> list[SecurityLabel]:
    """A VM's MAC labels (static or dynamic, with a model) of a model the host's daemon does not
    run: one libvirt has no driver for, or another than the model the daemon reports
    (`virsh capabilities`). libvirt checks every label at each start (qemu_process.c
    qemuProcessStartValidate, qemuSecurityCheckAllLabel -> security_manager.c
    virSecurityManagerCheckModel: "Security driver model '%s' is not available" unless the
    model is "none" or one of the daemon's drivers), so the VM does not start with it; a running
    one is kept when the daemon restarts with another driver (qemuProcessReconnect: "if domain
    requests security driver we haven't loaded, report error, but do not kill the domain")."""
    active = h.libvirt.security_model if h.libvirt else None
    return [
        x
        for x in mac
        if x.type in types
        and x.model
        and (
            x.model not in LIBVIRT_MODELS
            or (active is not None and active.known and active.get() != x.model)
        )
    ]


def _alien_label_verdict(s: Subject, h: Host, v: Vm, alien: list[SecurityLabel]) -> Outcome:
    """HVA-044's verdict of VM `v` whose label names a model host `h`'s daemon does not run
    (_alien_labels, R48T-1; was a pass on "dynamic bogus label (generated at every start)").
    A shut-off VM does not start with it: one question, is it meant to run here and under which
    label. A running one keeps the label its QEMU got when it started: the QEMU process's own
    label (/proc/PID/attr/current, as HVA-043 reads it) fails where it is unconfined or in
    complain mode, and is named in the question otherwise (a label of the daemon's former
    driver is not one hvaudit can match to this VM's definition)."""
    lbl = alien[0]
    model = lbl.model
    active = h.libvirt.security_model if h.libvirt else None
    runs = (
        f"the daemon reports security model {active.get()}"
        if active is not None and active.known
        else "libvirt has no driver of that model (selinux, apparmor, dac, none)"
    )
    kind = f"{lbl.type} {model} label" + (f" {lbl.label}" if lbl.label else "")
    srcs = (*(x.source for x in alien), *(active.sources if active is not None else ()))
    if not v.running:
        return manual(
            s,
            f'{kind}: {runs}, so libvirt refuses to start the VM with it ("Security driver '
            f"model '{model}' is not available\"): the label is never given",
            *srcs,
            question=f"Is VM {v.name} meant to run on host {h.name}, and under which security "
            f"label? Evidence: the <seclabel> elements of `virsh dumpxml {v.name}` against the "
            f"<secmodel> models of `virsh capabilities` on {h.name} (libvirt refuses to start a "
            f"VM whose label names a model the daemon does not run). Pass: it is kept for a host "
            f"whose libvirt runs {model}, or its label is to be changed to a confining label of "
            f"a model {h.name} runs (or removed, for the host's dynamic label) before it starts; "
            f"fail: it is to run on {h.name} with type='none' or without a label a driver there "
            "confines.",
        )
    procs = vm_processes(h, v)
    read = [p for p in procs if p.label is not None]
    for p in read:
        label = p.label or ""
        if _process_unconfined(label):
            return failed(
                s,
                f"{kind}: {runs}, and the VM's running QEMU (pid {p.pid}) is {label}: not confined",
                *srcs,
                *h.facts.qemu_processes.sources,
            )
    own = _own_process_label(h, v, procs)
    if own is not None:
        what, facts = own
        passing = passed(
            s,
            f"{kind}: {runs}, which does not give it; the running VM keeps the label its QEMU "
            f"got when it started: {what}",
            *srcs,
            *h.facts.qemu_processes.sources,
            *(src for f in facts for src in f.sources),
        )
        kept = _kept_disk_labels(v, kind) if facts else None
        return _label_settled(s, [], kept, passing)
    seen = (
        "; its QEMU runs as " + ", ".join(f"{p.label} (pid {p.pid})" for p in read[:3])
        if read
        else "; its QEMU process's label was not read"
    )
    pids = " ".join(str(p.pid) for p in procs[:3]) or "PID"
    return manual(
        s,
        f"{kind}: {runs}, which does not give it; the running VM keeps the label its QEMU got "
        f"when it started{seen}",
        *srcs,
        *h.facts.qemu_processes.sources,
        question=f"Does the label VM {v.name}'s running QEMU has on host {h.name} confine it "
        f"to its own disks and devices? Evidence: `ps -o label= -p {pids}` (or "
        "/proc/PID/attr/current) on "
        f"{h.name}, its QEMU's pid in /run/libvirt/qemu/{v.name}.pid, and `aa-status` or "
        "`getenforce`: the daemon does not run the driver its <seclabel> names, so the label "
        "it holds is the one it started with. Pass: an AppArmor profile libvirt-"
        f"{v.uuid} in enforce mode, or an SELinux svirt type in enforcing mode with MCS "
        "categories no other VM holds; fail: unconfined, complain or permissive, or another "
        "VM's label.",
    )


def _expected_process_label(v: Vm, mac: list[SecurityLabel], label: str) -> str | None:
    """The label VM `v`'s definition gives its QEMU where its running process `label` differs
    from it (R52T-1), else None. An AppArmor process label ("profile (mode)") must name the
    profile libvirt changes QEMU to: a static label's, else libvirt-<uuid> (security_apparmor.c
    AppArmorGenSecurityLabel / get_profile_name, _vm_profile). An SELinux context must be the
    static label, or the dynamic label libvirt generated and wrote into the live XML
    (security_selinux.c virSecuritySELinuxGenLabel sets seclabel->label, which
    virSecuritySELinuxSetProcessLabel gives the process); a dynamic label whose context the
    definition does not show is not compared here."""
    m = re.fullmatch(r"(.+) \((\w+)\)", label)
    if m is not None:
        want = _vm_profile(v)
        return None if m.group(1).strip().lower() == want.strip().lower() else want
    if label.count(":") < 3:
        return None
    texts = [
        (x.label or "").strip()
        for x in mac
        if x.model in ("selinux", "")
        and x.type in ("static", "dynamic")
        and (x.label or "").strip()
    ]
    return texts[0] if texts and label.strip() not in texts else None


def _strange_process_ask(
    s: Subject, h: Host, v: Vm, strange: list[tuple[QemuProcess, str]]
) -> Outcome:
    """HVA-044's question for a running VM whose QEMU runs under another label than its
    definition gives it (R52T-1): that process label, not the definition's, confines it."""
    p, expected = strange[0]
    pids = " ".join(str(q.pid) for q, _ in strange[:3])
    apparmor = "(" in p.label if p.label else False
    said = "; ".join(
        f"the VM's running QEMU (pid {q.pid}) runs as {q.label}, not {want}, the label its "
        "definition gives it"
        for q, want in strange[:3]
    )
    rules = (
        f"its rules (`apparmor_parser -p` of the profile in /etc/apparmor.d on {h.name}) and "
        "its mode (`aa-status`)"
        if apparmor
        else f"`getenforce` and the MCS categories of every other QEMU (`ps -eZ`) on {h.name}"
    )
    return manual(
        s,
        said,
        *h.facts.qemu_processes.sources,
        question=f"Does the label VM {v.name}'s running QEMU has on host {h.name} ({p.label}, "
        f"where its definition gives {expected}) confine it to its own disks and devices? "
        f"Evidence: `ps -o label= -p {pids}` on {h.name}, and {rules}. Pass: it is enforced "
        "and lets the QEMU open only this VM's disks and devices (as libvirt's own label of "
        "the VM would); fail: it is not enforced, or it lets the QEMU open another VM's files "
        "or any path.",
    )


def _process_unconfined(label: str) -> bool:
    """Whether a QEMU process's LSM label (/proc/PID/attr/current, parse.host._qemu_label)
    confines nothing: AppArmor's "unconfined", a profile in a mode that denies nothing
    (complain, unconfined: not APPARMOR_ENFORCING), or an SELinux context of an unconfined
    type (UNCONFINED_TYPES)."""
    m = re.fullmatch(r"(.+) \((\w+)\)", label)
    parts = label.split(":")
    return (
        label == "unconfined"
        or (m is not None and m.group(2) not in APPARMOR_ENFORCING)
        or (m is None and len(parts) >= 3 and parts[2] in UNCONFINED_TYPES)
    )


def _own_process_label(
    h: Host, v: Vm, procs: list[QemuProcess]
) -> tuple[str, tuple[Fact[Any], ...]] | None:
    """What proves that every QEMU process of running VM `v` carries the label libvirt gives
    this VM alone, enforced, and the host facts that prove the enforcement; None when any was
    not read or is not such a label (the team decision of round 51: such a process label
    passes HVA-044 though the VM's <seclabel> names a model the daemon no longer runs). The
    AppArmor driver confines each VM with a profile named AA_PREFIX "libvirt-" and the VM's UUID
    (libvirt src/security/security_apparmor.h, security_apparmor.c get_profile_name), whose
    mode /proc/PID/attr/current shows beside it (enforce or kill deny: APPARMOR_ENFORCING). The
    SELinux driver gives each VM sVirt's domain type (SVIRT_TYPES) and an MCS pair of two
    distinct categories, "%s:c%d,c%d" with c1 < c2, no other VM holds
    (security_selinux.c virSecuritySELinuxMCSFind, which discards c1 == c2 and looks the pair
    up among those in use): only enforcing SELinux with that type not made permissive denies
    (_not_enforced), and only while no other QEMU's label dominates both categories (as
    _label_verdicts judges a static label's: a range spanning them opens the VM's files), which
    an unread or non-SELinux label of another QEMU leaves unproven."""
    if not procs or any(p.label is None for p in procs):
        return None
    pids = {p.pid for p in procs}
    others = [o for o in h.facts.qemu_processes.get() if o.pid not in pids]
    facts: tuple[Fact[Any], ...] = ()
    named: list[str] = []
    for p in procs:
        label = p.label or ""
        m = re.fullmatch(r"(.+) \((\w+)\)", label)
        if m is not None:
            profile = f"libvirt-{v.uuid}".lower()
            if (
                m.group(1).lower() != profile
                or m.group(2) not in APPARMOR_ENFORCING
                or any(re.sub(r" \(\w+\)$", "", o.label or "").lower() == profile for o in others)
            ):
                return None
            named.append(f"{label} (pid {p.pid}), libvirt's own profile of this VM")
            continue
        parts = label.split(":", 3)
        pair = re.fullmatch(r"s\d+:c(\d+),c(\d+)", parts[3]) if len(parts) == 4 else None
        if pair is None or parts[2] not in SVIRT_TYPES:
            return None
        cats = {int(pair.group(1)), int(pair.group(2))}
        if len(cats) != 2 or int(pair.group(1)) > int(pair.group(2)):
            return None
        se, perm = h.facts.selinux_enforcing, h.facts.selinux_permissive
        if not (se.known and se.get() is True and perm.known and parts[2] not in perm.get()[0]):
            return None
        for o in others:
            rng = _mcs_range(o.label or "")
            if rng is None or cats <= rng[1][1]:
                return None
        facts = (se, perm)
        named.append(
            f"{label} (pid {p.pid}), sVirt's type with MCS categories "
            f"{parts[3].partition(':')[2]} no other QEMU on the host holds, SELinux enforcing"
        )
    return ", ".join(named), facts


def _enforcement_unread(h: Host, model: str) -> Fact[Any] | None:
    """The host fact that says whether a label of this model is enforced, when it was not read
    (a simulated or offline host, or a collection that missed it); None when it was read, or when
    the daemon runs another model (libvirt then refuses to start the VM: not judged here)."""
    active = h.libvirt.security_model if h.libvirt else None
    if active is not None and active.known and active.get() != model:
        return None
    fact: Fact[Any] = h.facts.selinux_enforcing if model == "selinux" else h.facts.apparmor_profiles
    return None if fact.known or model not in ("selinux", "apparmor") else fact


def _enforcement_question(h: Host, model: str, name: str) -> str:
    """The one question of a VM whose label's enforcement the host did not report (HVA-044)."""
    if model == "apparmor":
        return (
            f"Is AppArmor profile {name} loaded in enforce mode on host {h.name} while the VM "
            f"runs? Evidence: `aa-status` on {h.name} (or /sys/kernel/security/apparmor/profiles). "
            f"Pass: yes, {name} (enforce); fail: it is missing, in complain mode, or AppArmor is "
            "disabled, so the VM's QEMU is not confined."
        )
    return (
        f"Does SELinux enforce domain type {name} on host {h.name}? Evidence: `getenforce` and "
        f"`semanage permissive -l` on {h.name}. Pass: yes, Enforcing and {name} is not "
        "permissive; fail: Permissive or Disabled, or the type is listed as permissive, so the "
        "label confines nothing."
    )


def _default_label_question(h: Host, explicit: bool) -> str:
    """The one question of a VM that takes the host's default label (HVA-044)."""
    keys = "security_driver" if explicit else "security_driver, security_default_confined"
    confined = "" if explicit else ", and security_default_confined is unset or 1"
    off = "" if explicit else ", or security_default_confined = 0"
    return (
        f"Does libvirt on host {h.name} start this VM with a dynamic SELinux or AppArmor label? "
        f"Evidence: `virsh capabilities` on {h.name} (its <secmodel> elements) and "
        f"/etc/libvirt/qemu.conf there ({keys}); `virsh dominfo` of the running VM shows its "
        "Security model and label. Pass: yes, selinux or apparmor is listed, security_driver is "
        f'unset or names it{confined}; fail: only none is listed, security_driver = "none"{off}.'
    )


def _foreign_label_question(host: str, foreign: list[tuple[str, str, bool]]) -> str:
    """The one question of a VM labelled with a type or profile hvaudit does not know (HVA-044)."""
    names = ", ".join(dict.fromkeys(t for _, t, _ in foreign))
    selinux = any(is_selinux for _, _, is_selinux in foreign)
    evidence = (
        f"`seinfo -a virt_domain -x` on host {host} (the SELinux types of the virt_domain "
        "attribute, which the policy confines like svirt_t)"
        if selinux
        else f"`aa-status` and the profile's file under /etc/apparmor.d on host {host}"
    )
    confines = (
        "it is listed there"
        if selinux
        else "it is loaded in enforce mode and grants only this VM's own disks and devices"
    )
    return (
        f"Does {names} confine this VM's QEMU as sVirt does? Evidence: {evidence}. Pass: yes, "
        f"{confines}; fail: it is not (e.g. virtd_t, the libvirt daemon's own domain, or a "
        "profile that allows every file)."
    )


#: libvirt's name of QEMU_CAPS_SECCOMP_SANDBOX, the capability qemuBuildSeccompSandboxCommandLine
#: needs to add -sandbox on (qemu_capabilities.c virQEMUCaps names; HVA-045, R38D-1)
SECCOMP_CAPABILITY = "seccomp-sandbox"


@check(
    id="HVA-045",
    title="QEMU runs under a seccomp sandbox",
    scope="host",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-5"]},
    interpretations={
        "sp800-125a-2014:HY-SR-5": (
            "HY-SR-5(b) confines each VM's device emulation (QEMU) to an unprivileged VM; on "
            "KVM, where QEMU is a host process, hvaudit takes the confinement of that process "
            "as the equivalent."
        ),
    },
    remediation="Remove seccomp_sandbox = 0 from /etc/libvirt/qemu.conf and restart the guests.",
)
def seccomp_sandbox(ctx: Context) -> Iterator[Outcome]:
    """The seccomp sandbox denies QEMU the system calls an exploit needs (spawning processes,
    raising privileges), narrowing what a compromised device model can do.

    seccomp_sandbox's default (-1, "use QEMU default" in older qemu.conf comments; libvirt's
    qemu.conf.in: "Unless this option is disabled, QEMU will be run with a seccomp filter") gives
    QEMU `-sandbox on` only where the binary offers the option: libvirt sets its
    QEMU_CAPS_SECCOMP_SANDBOX ("seccomp-sandbox" in its capabilities cache) from QEMU's
    query-command-line-options for "sandbox" (qemu_capabilities.c virQEMUCapsCommandLine), and a
    QEMU built without libseccomp has no working sandbox (QEMU's parse_sandbox without
    CONFIG_SECCOMP: "seccomp support is disabled"). So the default proves the filter only with
    the QEMU side observed: running QEMU processes whose /proc/<pid>/status reads Seccomp: 2.
    With none running, or their seccomp mode not read, it is one question, never a pass. An
    explicit seccomp_sandbox = 1 (or 2, or any value but 0: virQEMUDriverConfigLoadSecurityEntry
    reads it with virConfGetValueInt and no range) proves no more than the default: libvirt's
    qemuBuildSeccompSandboxCommandLine (src/qemu/qemu_command.c) tests only
    `cfg->seccompSandbox == 0`, and for every other value adds `-sandbox on,...` only `if
    (virQEMUCapsGet(qemuCaps, QEMU_CAPS_SECCOMP_SANDBOX))`, else nothing, and the QEMU starts
    without the filter; QEMU registers -sandbox only where it was built with seccomp and the
    kernel takes a filter (system/qemu-seccomp.c seccomp_register, and QEMU commit 0dd693ef
    "sandbox: disable -sandbox if CONFIG_SECCOMP undefined"), so the probe does not offer it
    there. So an explicit value is asked like the default (R29Q-1; it passed by itself).
    Seccomp: 2 shows a filter, not whose: a
    filter is inherited across fork and exec (seccomp(2): "If fork(2) or clone(2) is allowed
    by the filter, any child processes will be constrained by the same system call filters
    as the parent"), so a QEMU started under a container's or a unit's filter shows 2 without
    its own. QEMU loads its filter only for `-sandbox on` (qemu-options.hx; libvirt's
    qemuBuildSeccompSandboxCommandLine writes `-sandbox on,obsolete=deny,...` where it asks for
    it, `-sandbox off` or nothing where not), so an emulator whose command line has no
    `-sandbox on` runs without QEMU's filter whatever Seccomp says (R16H-3).

    The capability that test reads can be cleared: for every VM by qemu.conf
    `capability_filters = [ "capname", ... ]` (qemu.conf's commented sample), for one by its <qemu:capabilities><qemu:del
    capability='seccomp-sandbox'/> (libvirt docs/drvqemu.rst, "QEMU feature configuration for
    testing": "remove (<qemu:del capability=\"capname\"/>) capability bits", named as in the
    status XML, where QEMU_CAPS_SECCOMP_SANDBOX is "seccomp-sandbox": qemu_capabilities.c).
    qemu_process.c qemuProcessStartUpdateCustomCaps clears both from the VM's capabilities
    (virQEMUCapsClear of each cfg->capabilityfilters and nsdef->capsdel entry) before its
    command line is built, so libvirt adds no -sandbox on and QEMU starts without
    its filter, whatever the capabilities cache and a running QEMU show (a fail; R38D-1: the
    question "is the flag in the cache?" passed, and a host whose running QEMUs are sandboxed
    passed beside a stopped VM that removes it)."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        qc = conf_fact(h, "qemu.conf")
        procs = h.facts.qemu_processes
        running = procs.get() if procs.known else ()
        bare = [p for p in running if p.seccomp_mode == 0]
        unread = [p for p in running if p.seccomp_mode is None]
        # a filter QEMU did not load: its command line has no -sandbox on (R16H-3)
        inherited = [
            p for p in running if p.seccomp_mode == 2 and not p.sandboxed and _is_emulator(p.binary)
        ]
        # VMs whose definition clears the capability libvirt's -sandbox on needs (R38D-1)
        dropped = [
            v
            for v in ctx.deployment.vms
            if v.host == h.name and SECCOMP_CAPABILITY in v.qemu_capabilities_removed
        ]
        # a running QEMU without its filter fails whatever qemu.conf says: an unread qemu.conf
        # (one changed after the daemon started, R11H-1) asked first hid it, and "yes, -sandbox
        # on" passed it (R35T-7); a failed read stands alone
        failing = bare or inherited or dropped
        if not qc.known and not (qc.state is FactState.UNAVAILABLE and failing):
            yield unknown(s, qc, "QEMU runs with -sandbox on")
            continue
        # unknown, qemu.conf's value is used by no branch below (a process without the filter
        # fails)
        value, src = (
            conf_value(h, "qemu.conf", "seccomp_sandbox")
            if qc.known
            else (None, Source("host/files/etc/libvirt/qemu.conf", "seccomp_sandbox"))
        )
        if qc.known and value == 0:
            yield failed(s, "qemu.conf seccomp_sandbox = 0", src)
            continue
        filters, fsrc = (
            conf_value(h, "qemu.conf", "capability_filters") if qc.known else (None, src)
        )
        if isinstance(filters, list) and SECCOMP_CAPABILITY in filters:
            yield failed(
                s,
                f"qemu.conf capability_filters removes {SECCOMP_CAPABILITY}: libvirt starts "
                "every QEMU of this host without -sandbox on (QEMU's seccomp filter)",
                fsrc,
            )
            continue
        if bare:
            yield failed(
                s,
                f"{len(bare)} running QEMU process(es) without seccomp: "
                + ", ".join(p.guest or str(p.pid) for p in bare[:5]),
                *procs.sources,
            )
        elif inherited:
            yield failed(
                s,
                f"{len(inherited)} running QEMU process(es) started without -sandbox on, so "
                "without QEMU's seccomp filter: "
                + ", ".join(p.guest or str(p.pid) for p in inherited[:5])
                + " (their Seccomp: 2 is a filter inherited from the process that started them)",
                *procs.sources,
            )
        elif dropped:
            yield failed(
                s,
                f"VM(s) {', '.join(v.name for v in dropped[:5])} remove QEMU capability "
                f"{SECCOMP_CAPABILITY} (<qemu:capabilities><qemu:del>): libvirt starts them "
                "without -sandbox on (QEMU's seccomp filter)",
                *(v.source for v in dropped[:5]),
            )
        elif not running or unread:
            why = (
                f"the QEMU processes were not read ({procs.reason})"
                if not procs.known
                else "no QEMU process runs to show it"
                if not running
                else "the seccomp mode of running QEMU process(es) "
                + ", ".join(p.guest or str(p.pid) for p in unread[:5])
                + " was not read"
            )
            yield manual(
                s,
                f"seccomp_sandbox = {value}"
                + (" (default)" if src.default else "")
                + ": libvirt adds -sandbox on only where the QEMU binary supports it (built with "
                f"seccomp), and {why}",
                src,
                *procs.sources,
                question=f"Do the VMs of host {h.name} run under QEMU's seccomp filter? "
                f"Evidence: `grep Seccomp: /proc/<pid>/status` of a running QEMU on {h.name}, or "
                "<flag name='seccomp-sandbox'/> in libvirt's QEMU capabilities cache "
                f"(/var/cache/libvirt/qemu/capabilities/*.xml) there. Pass: yes, Seccomp: 2, or "
                "the flag is present; fail: Seccomp: 0, or the flag is absent, so QEMU starts "
                "without -sandbox.",
            )
        else:
            yield passed(
                s,
                f"seccomp_sandbox = {value}" + (" (default: enabled)" if src.default else ""),
                src,
                *procs.sources,
            )


@check(
    id="HVA-046",
    title="VM passes no raw arguments to QEMU",
    scope="vm",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-7"]},
    interpretations={
        "sp800-125a-2014:HY-SR-5": (
            "HY-SR-5(b) confines each VM's device emulation (QEMU) to an unprivileged VM; on "
            "KVM, where QEMU is a host process, hvaudit takes the confinement of that process "
            "as the equivalent."
        ),
    },
    remediation={
        "*": "Replace <qemu:commandline>/<qemu:capabilities>/<qemu:override> with supported domain "
        "XML elements.",
        "proxmox-ve": "Remove `args:` from the VM's configuration (qm set <vmid> --delete args) and use "
        "supported options instead.",
    },
    platforms=QEMU,
    per_vm=True,
)
def no_raw_qemu_arguments(ctx: Context) -> Iterator[Outcome]:
    """Arguments handed straight to QEMU bypass libvirt's device whitelist and labelling: they can
    attach host devices or files the VM's label would otherwise deny (libvirt marks the domain
    tainted 'custom-argv'). On Proxmox VE they are qm.conf's `args:` ("Arbitrary arguments
    passed to kvm", qemu-server QemuServer.pm confdesc `args`); a pass there names that key,
    not libvirt's elements."""
    platforms = {h.name: h.platform for h in ctx.deployment.hosts}
    for v in ctx.deployment.vms:
        s = vm_subject(v)
        seen = v.raw_arguments_visible
        if v.raw_hypervisor_arguments:
            shown = " ".join(v.raw_hypervisor_arguments[:6])[:200]
            # a guestfwd `cmd:` runs a host program per guest connection (VL19-3): named
            # wherever it stands in the arguments
            runs = [
                f"every connection the guest opens to {where} runs host command `{cmd}` as "
                f"QEMU's user ({what})"
                for where, cmd, what in raw_guestfwd_commands(v.raw_hypervisor_arguments)
            ]
            yield failed(s, "; ".join([f"raw QEMU arguments: {shown}", *runs]), v.source)
        elif not seen.known:
            # A check that cannot see its evidence must not pass (libvirt's test driver parses
            # domain XML without the QEMU driver's namespace, so these elements vanish there).
            yield manual(
                s,
                f"raw QEMU arguments cannot be seen: {seen.reason}",
                *seen.sources,
                question="Is this VM's definition on the host that runs it free of raw QEMU "
                f"arguments? Evidence: the VM's `virsh dumpxml` on host {v.host} (a daemon "
                "with the QEMU driver keeps the QEMU namespace this scan could not see). Pass: "
                "yes, no <qemu:commandline>, <qemu:capabilities>, <qemu:override> or "
                "<qemu:deprecation> element; fail: any of them is there.",
            )
        elif platforms.get(v.host) == "proxmox-ve":
            # qm.conf(5) args: "Arbitrary arguments passed to kvm"; qm.conf has no libvirt
            # namespace (P12-3)
            yield passed(
                s, "no args: (raw arguments passed to kvm) in the VM's configuration", v.source
            )
        else:
            yield passed(s, "no qemu:commandline, qemu:capabilities or qemu:override", v.source)


#: QEMU device drivers that are the legacy devices HVA-047 fails in a definition, as raw
#: arguments add them (`-device DRIVER`, R10-6): the names QEMU gives them (hw/net/rtl8139.c
#: TYPE_RTL8139 "rtl8139", ne2k_pci and hw/net/ne2000-isa.c "ne2k_isa", pcnet; hw/pci/pci.c
#: pci_vga_init creates "cirrus-vga" for -vga cirrus, "isa-cirrus-vga" on ISA; include/hw/block/
#: fdc.h TYPE_ISA_FDC "isa-fdc" and its "floppy" drive; hw/usb/dev-hid.c usb-tablet, usb-mouse,
#: usb-kbd; usb-redir; the CCID reader usb-ccid; the sound cards; the PIIX IDE controllers).
RAW_LEGACY = {
    "isa-fdc": "floppy controller",
    "floppy": "floppy drive",
    "piix3-ide": "IDE bus",
    "piix4-ide": "IDE bus",
    "isa-ide": "IDE bus",
    "rtl8139": "rtl8139 NIC",
    "ne2k_pci": "ne2k_pci NIC",
    "ne2k_isa": "ne2k_isa NIC",
    "pcnet": "pcnet NIC",
    # libvirt_xml.LEGACY_MODELS' eepro100 family and vmxnet3 (R21-4)
    **{m: f"{m} NIC" for m in ("i82551", "i82557b", "i82559er", "vmxnet3")},
    "cirrus-vga": "cirrus video",
    "isa-cirrus-vga": "cirrus video",
    "vmware-svga": "vmvga video",
    "usb-tablet": "USB tablet",
    "usb-mouse": "USB mouse",
    "usb-kbd": "USB keyboard",
    "usb-redir": "USB redirection",
    "usb-ccid": "smartcard",
    # the SCSI host adapters of parse.libvirt_xml.LEGACY_SCSI by their QEMU names ("lsi" is
    # what libvirt writes for lsi53c895a; lsi53c810 is its sibling in hw/scsi/lsi53c895a.c,
    # megasas-gen2 the MegaRAID's in hw/scsi/megasas.c) (R21-1)
    **{
        d: f"{d} SCSI controller"
        for d in (
            "lsi",
            "lsi53c895a",
            "lsi53c810",
            "mptsas1068",
            "megasas",
            "megasas-gen2",
            "pvscsi",
            "am53c974",
            "dc390",
        )
    },
    **dict.fromkeys(
        (
            "AC97",
            "ES1370",
            "intel-hda",
            "ich9-intel-hda",
            "sb16",
            "cs4231a",
            "gus",
            "adlib",
            "usb-audio",
        ),
        "sound card",
    ),
}


#: `-vga TYPE` (qemu-options.hx: "cirrus: Cirrus Logic GD5446 Video card", "vmware: VMWare SVGA-II
#: compatible adapter"): the cirrus-vga and vmware-svga of RAW_LEGACY (R12-5, R13-3).
RAW_VGA = {"cirrus": "cirrus video", "vmware": "vmvga video"}

#: `-usbdevice NAME` (qemu-options.hx, "USB convenience options": "Add the USB device devname";
#: ``mouse`` "Virtual Mouse", ``tablet`` "Pointer device that uses absolute coordinates",
#: ``keyboard``): the usb-mouse, usb-tablet and usb-kbd of RAW_LEGACY (R12-5).
RAW_USBDEVICE = {"tablet": "USB tablet", "mouse": "USB mouse", "keyboard": "USB keyboard"}

#: The sound card models of `-audio DRIVER,model=MODEL` (qemu-options.hx: "specifies the audio
#: backend and device to use", "-audio pa,model=sb16") and of the older `-soundhw MODEL,...`
#: (removed in QEMU 7.1): the cards RAW_LEGACY names by their device (hda is intel-hda), or
#: `all` (R12-5).
RAW_SOUND_MODELS = frozenset(
    {"ac97", "es1370", "hda", "sb16", "cs4231a", "gus", "adlib", "usb-audio", "all"}
)


#: QEMU's accelerated virtio-gpu devices (QEMU docs/system/devices/virtio-gpu.rst: variants
#: "virtio-vga[-BACKEND]" and "virtio-gpu[-BACKEND][-INTERFACE]", the accelerated backends being
#: "virglrenderer ('gl' device label) and rutabaga_gfx ('rutabaga' device label)", the
#: interface pci or device (MMIO)).
RAW_3D = re.compile(r"virtio-(?:vga|gpu)-(?:gl|rutabaga)(?:-pci|-device)?")


def raw_3d(v: Vm) -> list[str]:
    """The 3D-accelerated GPUs raw QEMU arguments add (`-device virtio-vga-gl`, in any spelling
    hvaudit.parse.qemu_args reads), for HVA-405, and those a <qemu:override> makes of
    libvirt's devices: `driver` virtio-vga-gl on a 2D virtio <video>'s alias replaces the
    virtio-vga libvirt builds (overridden_devices; R40D-1). QEMU realizes a virtio-gpu-gl
    device with virglrenderer (hw/display/virtio-gpu-gl.c virtio_gpu_gl_device_realize), the
    renderer of the host's OpenGL display the definition already gives it."""
    return [
        f"QEMU argument {o.shown()}"
        for o in qemu_options(v.raw_hypervisor_arguments)
        if o.name == "device" and RAW_3D.fullmatch(o.kind)
    ] + [f"{o.kind} ({how})" for o, how in overridden_devices(v) if RAW_3D.fullmatch(o.kind)]


def _raw_legacy(v: Vm) -> list[str]:
    """The legacy devices raw QEMU arguments add (R10-6): `-device DRIVER` of RAW_LEGACY (in any
    spelling qemu_args reads), a NIC of a legacy model given by `-nic ...,model=` or `-net
    nic,model=` (qemu-options.hx: "model=" names the emulated NIC), and a floppy drive by
    `-fda`/`-fdb` ("Use file as floppy disk 0/1 image"). The shorthands add them too (R12-5):
    `-vga cirrus` ("Cirrus Logic GD5446 Video card", the cirrus-vga device), `-usbdevice
    tablet|mouse|keyboard`, and a sound card by `-audio ...,model=` or `-soundhw`; a floppy
    drive by `-drive ...,if=floppy` (`if=interface`: "Available types are: ide, scsi, sd, mtd,
    floppy, pflash, virtio, none"), which `-fda` is the short form of (R12-6)."""
    out = []
    for o in qemu_options(v.raw_hypervisor_arguments):
        what = None
        if o.name == "device":
            what = RAW_LEGACY.get(o.kind)
        elif o.name == "nic" or (o.name == "net" and o.kind == "nic"):
            what = RAW_LEGACY.get(o.props.get("model", ""))
            what = what if what and what.endswith(" NIC") else None
        elif o.name in ("fda", "fdb") or (o.name == "drive" and o.props.get("if") == "floppy"):
            what = "floppy drive"
        elif o.name == "vga" and o.text.strip() in RAW_VGA:
            what = RAW_VGA[o.text.strip()]
        elif o.name == "usbdevice":
            what = RAW_USBDEVICE.get(o.text.strip())
        elif o.name in ("audio", "soundhw"):
            words = [w.strip() for w in o.text.split(",")]
            models = (
                [w.removeprefix("model=") for w in words if w.startswith("model=")]
                if o.name == "audio"
                else words
            )
            what = "sound card" if any(m in RAW_SOUND_MODELS for m in models) else None
        if what:
            out.append(f"{what} (QEMU argument {o.shown()})")
    # a <qemu:override> making one of libvirt's devices a legacy one (`driver` rtl8139 on a
    # virtio NIC's alias: libvirt qemu_command.c qemuBuildDeviceCommandlineHandleOverrides
    # replaces the key; R37D-4)
    out.extend(
        f"{what} ({how})" for o, how in overridden_devices(v) if (what := RAW_LEGACY.get(o.kind))
    )
    return out


@check(
    id="HVA-047",
    title="VM exposes no legacy emulated devices",
    scope="vm",
    severity=Severity.LOW,
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-6A"]},
    interpretations={
        "sp800-125a-2014:HY-SR-5": (
            "The 2014 HY-SR-5 is about uncertified drivers and deprivileged emulation; hvaudit "
            "files the reduction of emulated device code under it (Rev. 1 HY-SR-6A says it in "
            "its text)."
        ),
    },
    remediation="Remove floppy drives, IDE buses, sound cards, USB redirection and smartcards the "
    "workload does not need; replace rtl8139/ne2k/pcnet NICs, cirrus or vmvga video and USB "
    "tablets, mice "
    "and keyboards with virtio devices (virtio-net, virtio-gpu or VGA, virtio-tablet, "
    "virtio-mouse, virtio-keyboard), and LSI, MegaRAID, PVSCSI or ESP SCSI controllers with "
    "virtio-scsi (Proxmox VE: scsihw virtio-scsi-single).",
    platforms=ANY,
    per_vm=True,
)
@raw_arguments_unseen(
    "a legacy device (-device of a floppy, IDE, sound, USB tablet, mouse or redirection, smartcard, rtl8139, ne2k, pcnet, cirrus or VMware SVGA driver, -vga cirrus or vmware, -fda)"
)
def no_legacy_devices(ctx: Context) -> Iterator[Outcome]:
    """Every emulated device is QEMU code reachable from the guest; Rev. 1 HY-SR-6A keeps
    emulation to devices whose complexity is manageable. Legacy devices have a long CVE history
    (floppy: VENOM; rtl8139 and cirrus have had guest-to-host memory corruption bugs, and the USB
    tablet brings a whole emulated USB host controller; QEMU's VMware SVGA (vmvga, vmware-svga)
    is a second legacy VGA with cirrus's kind of history, CVE-2014-3689 "vmware_vga:
    insufficient parameter validation in rectangle functions", R13-3). QEMU's security
    documentation (docs/system/security.rst, "Virtualization Use Case", read with `read_file`)
    names no devices: it covers a guest under KVM on the listed machine types (x86: microvm,
    xenfv, xenpv, xenpvh, pc, q35), so a legacy device there is supported, not excluded; it
    is failed here as guest-reachable emulation the workload rarely needs (VL19-9). A device
    is judged by the
    emulation it runs, whatever its name: the ISA NE2000 (ne2k_isa) is the NE2000 of ne2k_pci on
    another bus (QEMU hw/net/ne2000-isa.c wraps hw/net/ne2000.c's NE2000State; R10-3), and a USB
    mouse or keyboard is the USB tablet's device model (hw/usb/dev-hid.c: usb-tablet, usb-mouse
    and usb-kbd are each a TYPE_USB_HID; formatdomain, "Input devices": type mouse, tablet or
    keyboard on bus usb) on the same USB host controller (R10-4). Raw QEMU arguments (libvirt's
    <qemu:commandline>, Proxmox VE `args:`) add devices too, and QEMU builds them as it builds
    the ones the definition names: `-device rtl8139`, `-device isa-fdc`, `-nic user,model=
    ne2k_pci`, `-fda` (RAW_LEGACY; hvaudit.parse.qemu_args reads every spelling; R10-6).
    SCSI controllers of old host adapters (LSI 53C895A, LSI SAS1068 and SAS1078, VMware
    PVSCSI, the ESP family) are emulations with guest-to-host CVEs where virtio-scsi serves
    the same disks (hvaudit.parse.libvirt_xml.LEGACY_SCSI; Proxmox VE's scsihw defaults to lsi
    for a VM with a scsiN drive; R21-1..R21-3), and so are QEMU's Intel 8255x NICs (eepro100:
    i82551, i82557b, i82559er) and its VMXNET3 emulation, where virtio-net serves (R21-4).

    An i440FX machine ("pc", "pc-i440fx-X.Y", "isapc") builds the ISA floppy controller itself
    (hvaudit.parse.libvirt_xml.I440FX_MACHINES). A libvirt definition that names no machine
    type (the test driver keeps it so; libvirt's QEMU driver always writes the machine it picks,
    qemuDomainDefMachinePostParse: QEMU's default, which on x86 is "pc", i440FX) does not say
    whether it has one: with no other legacy device that is one question, not a pass."""
    from hvaudit.checks.vmware import (  # vmware imports this module
        HOST_SETTINGS,
        HOST_SETTINGS_CHECK,
        own_keys_pass,
        settings_question,
    )

    hosts = {h.name: h for h in ctx.deployment.hosts}
    for v in ctx.deployment.vms:
        s = vm_subject(v)
        h = hosts.get(v.host)
        raw = _raw_legacy(v)
        if v.emulated_legacy_devices or raw:
            yield failed(
                s,
                "emulated legacy devices: " + ", ".join([*v.emulated_legacy_devices, *raw]),
                v.source,
            )
        elif v.unnamed_emulation:
            # R33V-3: a VMware NIC without ethernetN.virtualDev takes a default by guestOS
            # (libvirt src/vmx/vmx.c key table), which may be the vlance (pcnet) adapter
            adapter = (
                f"Which adapter type does each network adapter of VM {v.name} "
                "emulate? Evidence: the vSphere Client, the VM > Edit Settings > Network "
                "adapter N > Adapter Type (or the VM's config.hardware.device through the "
                "API). Pass: VMXNET 3, E1000, E1000E or SR-IOV passthrough for every adapter; "
                "fail: Flexible or PCnet32 (vlance), the emulated AMD PCnet NIC HVA-047 names "
                "legacy."
            )
            named = (
                "no floppy, IDE, sound, USB redirection, smartcard, rtl8139/ne2k/pcnet NIC, "
                "cirrus or vmvga (VMware SVGA) video or USB tablet, mouse or keyboard named; "
                f"the adapter type is not named for {', '.join(v.unnamed_emulation)[:160]}, and "
                "VMware's default depends on the guest OS"
            )
            if h is not None and h.platform == "vmware-esxi":
                # the host's /etc/vmware/settings overrides every key of the .vmx the rest of
                # this item rests on (own_keys_pass, ESXI-80-000236): asked with the adapter,
                # not after it; asked alone, "VMXNET 3" passed a VM whose legacy devices the
                # host-wide file may turn on (R37T-6)
                yield manual(
                    s,
                    f"{named}; and {HOST_SETTINGS} on host {v.host}, not read, takes precedence "
                    f"over the VM's own settings ({HOST_SETTINGS_CHECK})",
                    v.source,
                    question=joint_question([adapter, settings_question(v.host)]),
                )
            else:
                yield manual(s, named, v.source, question=adapter)
        elif v.machine is None and h is not None and h.platform == "kvm-libvirt":
            yield manual(
                s,
                "no floppy, IDE, sound, USB redirection, smartcard, rtl8139/ne2k/pcnet NIC, "
                "cirrus or vmvga (VMware SVGA) video or USB tablet, mouse or keyboard; the definition names no machine type (libvirt's "
                "QEMU driver always writes the one it picks), and an i440FX machine, QEMU's "
                "default on x86, builds a floppy controller itself",
                v.source,
                question=f"Does VM {v.name} run on a machine type without the ISA floppy "
                f"controller? Evidence: the machine attribute of <os><type> in `virsh dumpxml "
                f"{v.name}` on host {v.host}. Pass: yes, a q35 machine (pc-q35-*, q35), microvm "
                "or a non-x86 machine; fail: pc, pc-i440fx-* or isapc, whose floppy controller "
                "is there with no drive attached.",
            )
        else:
            ok = passed(
                s,
                "no floppy, IDE, sound, USB redirection, smartcard, rtl8139/ne2k/pcnet NIC, "
                "cirrus or vmvga (VMware SVGA) video or USB tablet, mouse or keyboard",
                v.source,
            )
            # a VMware VM's devices are its .vmx keys (sound.present, floppy0.present, ...),
            # which the host's /etc/vmware/settings overrides (ESXI-80-000236, L18-3)
            yield own_keys_pass(ok) if h is not None and h.platform == "vmware-esxi" else ok


@check(
    id="HVA-048",
    title="libvirt refuses to start unconfined guests",
    scope="host",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-7"]},
    interpretations={
        "sp800-125a-2014:HY-SR-5": (
            "HY-SR-5(b) confines each VM's device emulation (QEMU) to an unprivileged VM; on "
            "KVM, where QEMU is a host process, hvaudit takes the confinement of that process "
            "as the equivalent."
        ),
    },
    remediation="Set security_default_confined = 1 and security_require_confined = 1 in "
    "/etc/libvirt/qemu.conf.",
)
def require_confined(ctx: Context) -> Iterator[Outcome]:
    """With security_require_confined = 1 a domain that asks for `<seclabel type='none'>` does not
    start, so one careless definition cannot open a hole.

    libvirt refuses such a label only when the domain starts (security_manager.c
    virSecurityManagerGenLabel: a label of type none with requireConfined set is "Unconfined
    guests are not allowed on this host"), and the QEMU driver reads qemu.conf once, when the
    daemon starts (qemu_driver.c qemuStateInitialize, virQEMUDriverConfigLoadFile). A running
    domain whose live XML carries a MAC `<seclabel type='none'>` therefore proves the daemon
    that started it ran with the option off: qemu.conf's 1 passes only if the daemon was
    restarted after that edit, which the evidence does not show, so it is asked (R43T-1, was
    a pass). The VM itself fails HVA-044. A DAC label of type none proves the same: the QEMU
    driver gives its DAC manager the flags it gives the MAC one (qemu_driver.c
    qemuSecurityInit: VIR_SECURITY_MANAGER_REQUIRE_CONFINED, then qemuSecurityNewDAC with
    `flags`), and virSecurityManagerGenLabel refuses a type none label of every nested
    manager, so a running domain with `<seclabel type='none' model='dac'/>` started while the
    option was off (R44T-1, was a pass).

    The setting and the "none" security driver exclude each other: virSecurityManagerNew
    (security_manager.c) refuses the nop driver, named or auto-probed on a host with neither
    SELinux nor AppArmor, while security_require_confined is set ("Security driver \"none\"
    cannot create confined guests"), and qemuStateInitialize fails with it. A daemon that
    reports the none model in its capabilities therefore runs with the option off, whatever
    qemu.conf says now: a fail; and a qemu.conf whose security_driver names "none" beside
    the option is a file no running QEMU driver read: asked, the running daemon's own setting
    unshown (R44T-2, both were passes).

    The daemon's none model decides without qemu.conf too: where the file was not read, or
    changed after the daemon started (parse.host._changed_since_start), the generic question
    asked whether the file sets the option, and a "yes" read from the file passed a daemon
    that runs with it off. Where the file changed after the start, the question names the
    file the daemon read when it started, not the one on disk (R44T-3, was a pass).

    A running VM with a type none label whose QEMU started after every running libvirtd and
    virtqemud (`ps -o lstart`, parse.host._after_daemon) was started by the running daemon,
    which therefore runs with the option off, whatever qemu.conf says now: a fail, not
    R43T-1's question, whose "the daemon started later" than qemu.conf's change passed it
    (R44T-4); that question now asks for the daemon's start against the VMs' QEMU too
    (libvirt writes each one's pid to /run/libvirt/qemu/NAME.pid: qemu_process.c
    virPidFileBuildPath(cfg->stateDir, vm->def->name)). It dates qemu.conf by the later of
    `stat -c '%y %z'`: `cp -p` and package installs keep the source's mtime, not the ctime
    (R45T-3, as parse.host._stat_times_row: R45T-1).

    A label of model none is no manager's: virSecurityManagerGenLabel looks each manager's
    label up by its driver's name (virDomainDefGetSecurityLabelDef(vm,
    sec_managers[i]->drv->name): apparmor, selinux, dac) and generates the manager's own
    where the domain has none, and virSecurityManagerCheckModel accepts the model "none"
    whatever the host runs: a running domain with <seclabel type='none' model='none'/>
    started confined, proving nothing of the option (R44T-5, R44T-4 failed it)."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        qc = conf_fact(h, "qemu.conf")
        model = h.libvirt.security_model if h.libvirt else Fact.not_applicable("no libvirt")
        started = [
            (v, lbl)
            for v in ctx.deployment.vms
            if v.host == h.name and v.running
            for lbl in v.security_labels
            if lbl.type == "none" and lbl.model != "none"
        ]
        later = {v.name: (why, lbl) for v, lbl in started if (why := _after_daemon(h, v))}
        on = qc.known and all(
            conf_value(h, "qemu.conf", k)[0] == 1
            for k in ("security_default_confined", "security_require_confined")
        )
        if later and (on or qc.state is FactState.UNAVAILABLE):
            name = min(later)
            why, lbl = later[name]
            procs = h.facts.qemu_processes
            yield failed(
                s,
                f"VM {name} runs with <seclabel type='none'> and the running daemon started it "
                f"({why}): libvirt starts such a label only while security_require_confined is "
                "off, so the running daemon runs with it off, whatever qemu.conf says",
                lbl.source,
                *procs.sources,
                *qc.sources,
            )
            continue
        if not qc.known and model.known and model.get() == "none":
            yield failed(
                s,
                "the daemon reports no MAC security model (only DAC): libvirt's QEMU driver "
                'does not start with the "none" security driver while '
                "security_require_confined is set, so the running daemon runs with it off",
                *model.sources,
                *qc.sources,
            )
            continue
        if qc.state is FactState.UNAVAILABLE:
            yield unknown(
                s,
                qc,
                "Did the qemu.conf libvirt's QEMU driver on host "
                f"{h.name} read when libvirtd or virtqemud last started set "
                "security_default_confined = 1 and security_require_confined = 1? Evidence: "
                "that version of /etc/libvirt/qemu.conf (the configuration management's "
                "history or a backup; `ps -o lstart= -C libvirtd,virtqemud` dates the start), "
                "or the file itself once the daemon has restarted. Pass: "
                "security_require_confined = 1 and security_default_confined = 1 or unset "
                "(its default is 1); fail: security_require_confined = 0 or unset (its "
                "default is 0), or security_default_confined = 0.",
            )
            continue
        if not qc.known:
            yield unknown(s, qc, "qemu.conf security_require_confined = 1")
            continue
        default, dsrc = conf_value(h, "qemu.conf", "security_default_confined")
        require, rsrc = conf_value(h, "qemu.conf", "security_require_confined")
        driver, drvsrc = conf_value(h, "qemu.conf", "security_driver")
        if default == 1 and require == 1 and model.known and model.get() == "none":
            yield failed(
                s,
                "qemu.conf sets security_default_confined = 1 and security_require_confined = "
                "1, but the daemon reports no MAC security model (only DAC): libvirt's QEMU "
                'driver does not start with the "none" security driver while '
                "security_require_confined is set, so the running daemon runs with it off",
                dsrc,
                rsrc,
                *model.sources,
            )
        elif default == 1 and require == 1 and "none" in _listed(driver):
            running = (
                f"the running daemon (it reports the {model.get()} model) read an earlier qemu.conf"
                if model.known
                else "either no QEMU driver runs or the running one read an earlier qemu.conf"
            )
            yield manual(
                s,
                'qemu.conf sets security_driver = "none" beside security_require_confined = 1, '
                'which libvirt\'s QEMU driver refuses to start with ("Security driver "none" '
                f'cannot create confined guests"): {running}, whose setting the evidence does '
                "not show",
                drvsrc,
                rsrc,
                *model.sources,
                question=f"Does libvirt's QEMU driver on host {h.name} refuse to start an "
                "unconfined guest? Evidence: `virsh create` on "
                f"{h.name} of a transient domain without disks whose definition has "
                "<seclabel type='none'/>, or the qemu.conf in force when libvirtd or virtqemud "
                "started (`ps -o lstart= -C libvirtd,virtqemud` dates it). Pass: libvirt "
                'refuses it ("Unconfined guests are not allowed on this host") or that file '
                "set security_require_confined = 1"
                + ("" if model.known else ", or no QEMU driver runs")
                + "; fail: the guest starts, or that file left the setting off.",
            )
        elif default == 1 and require == 1 and started:
            names = ", ".join(sorted({v.name for v, _ in started})[:5])
            yield manual(
                s,
                "qemu.conf sets security_default_confined = 1 and security_require_confined = "
                f"1, but VM(s) {names} run with <seclabel type='none'>, which libvirt starts only "
                "while security_require_confined is off: the running daemon may have read "
                "qemu.conf before that edit",
                dsrc,
                rsrc,
                *(lbl.source for _, lbl in started[:5]),
                question=f"Was libvirt's QEMU driver on host {h.name} (libvirtd or virtqemud) "
                f"started after /etc/libvirt/qemu.conf last changed and after the QEMU of "
                f"{names}? Evidence: `ps -o lstart= -C libvirtd,virtqemud` against `stat -c '%y %z' "
                "/etc/libvirt/qemu.conf` (the later of the two: `cp -p` keeps an older %y) "
                "and each VM's QEMU start (`ps -o lstart= -p` the pid "
                f"in /run/libvirt/qemu/NAME.pid) on {h.name}. Pass: the daemon started later "
                "than both, so it refuses unconfined guests (an earlier daemon started the "
                "VMs); fail: it started before either, and runs with the setting that let "
                "them start.",
            )
        elif default == 1 and require == 1:
            yield passed(
                s, "security_default_confined = 1, security_require_confined = 1", dsrc, rsrc
            )
        else:
            yield failed(
                s,
                f"security_default_confined = {default}, security_require_confined = "
                f"{require}: guests may start unconfined",
                dsrc,
                rsrc,
            )


def _after_daemon(h: Host, v: Vm) -> str:
    """Why VM `v`'s running QEMU was started by host `h`'s running libvirt daemon
    (QemuProcess.after_daemon), matched by its -uuid, else its -name; "" when it was not or
    the times were not read."""
    return next((p.after_daemon for p in vm_processes(h, v) if p.after_daemon), "")


def _listed(value: object) -> list[object]:
    """qemu.conf's security_driver as the list of drivers libvirt reads (a string is a list of
    one, libvirt_conf.effective_qemu_conf)."""
    return list(value) if isinstance(value, list) else [value]


@check(
    id="HVA-050",
    title="Passed-through devices are isolated by an active IOMMU",
    scope="vm",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-2"], "sp800-125a-r1": ["HY-SR-6C"]},
    interpretations={
        "sp800-125a-2014:HY-SR-2": (
            "The 2014 HY-SR-2 names instruction-set and memory virtualization, not the IOMMU; "
            "hvaudit counts DMA remapping as the hardware assistance that keeps a "
            "passed-through device's memory access isolated (Rev. 1 HY-SR-2 and 6C name it)."
        ),
    },
    remediation="Enable VT-d/AMD-Vi in the firmware and the kernel (intel_iommu=on), or remove the "
    "<hostdev>/<interface type='hostdev'> from the VM.",
    platforms=ANY,
    peers=("passthrough",),
)
@qemu_config_unread(
    "a passed-through host device (a [device] of driver vfio-pci, usb-host or scsi-generic)"
)
@raw_arguments_unseen("a passed-through PCI device (-device vfio-pci)")
def passthrough_needs_iommu(ctx: Context) -> Iterator[Outcome]:
    """A VM that owns a DMA-capable device can make it write anywhere in host memory unless the
    IOMMU remaps and confines its DMA (Rev. 1: DMA remapping is mandatory). Only PCI devices
    (including SR-IOV functions) do DMA on their own: a USB or SCSI device given to a VM is still
    driven by the host's controller and kernel, and a mediated device by its parent's driver, so
    they need no IOMMU of their own. The IOMMU isolates groups, not devices: every device in the
    passed-through device's group (/sys/kernel/iommu_groups/N/devices) can reach it by
    peer-to-peer DMA, so the whole group must go to this VM or stay unused. Linux
    Documentation/driver-api/vfio.rst, "Groups, Devices, and IOMMUs": groups are "the unit of
    ownership used by VFIO", and "if the IOMMU group contains multiple devices, each will need to
    be bound to a VFIO driver" (or to no host driver) before the group can be used; its example
    leaves a driverless PCIe-to-PCI bridge in the group. The drivers that leave a member unused
    are those with `driver_managed_dma` (vfio-pci and its variants, pci-stub, and pcieport for
    PCIe ports). VFIO itself refuses a group that breaks this rule, so a failure here names a
    definition that only runs where that protection is bypassed (ACS override, HVA-052).
    Bridges and endpoints are told apart by the PCI class code the host reports
    (/sys/bus/pci/devices/<address>/class): vfio.rst's usage example keeps the PCIe-to-PCI bridge
    0000:00:1e.0 in the group because it "is a bridge that does not currently have a host
    driver, therefore it's not required to bind this device to the vfio-pci driver"; the
    kernel's DMA ownership rework (Linux 5.19, replacing vfio's rule that every PCI bridge may
    keep any driver) lets a bridge keep a driver only when that driver sets driver_managed_dma
    (pcieport), because a bridge driver that maps the bridge's registers (shpchp) can be
    reprogrammed by the group's devices through peer-to-peer writes (Lu Baolu on "[PATCH 04/11]
    PCI: portdrv: Suppress kernel DMA ownership auto-claiming", iommu list, 2021-11-16: allowed
    is a bridge driver that "doesn't map and access the MMIO define in the PCI BARs"; "The
    shpchp_core driver relies on the PCI mmio bar access"). So a bridge that is
    driverless or held by pcieport stays with the host, one held by another driver fails, and an
    endpoint must be driverless or held by vfio-pci (or a variant) or pci-stub. Without class
    evidence (an older bundle, a host that did not answer) the driver alone decides as before,
    and a member whose driver is unknown stays a question. DMA remapping without interrupt
    remapping is not isolation either: VFIO refuses such an IOMMU unless vfio_iommu_type1's
    allow_unsafe_interrupts is on ("Enable VFIO IOMMU support for on platforms without interrupt
    remapping support", drivers/vfio/vfio_iommu_type1.c), and then the device can send arbitrary
    MSIs to the host: fail, read from sysfs while the module is loaded, else from what its next
    load will take: modprobe.d's `options vfio_iommu_type1` lines (modprobe.d(5); the common
    Proxmox VE GPU passthrough write-ups put it in /etc/modprobe.d/iommu_unsafe_interrupts.conf)
    and then the kernel command line (R10H-2); unread, a question where the groups would pass.
    A `<disk type='nvme'>` hands the whole NVMe controller to QEMU's userspace driver through VFIO (libvirt
    virHostdevPrepareNVMeDevices detaches it; QEMU BlockdevOptionsNVMe: the device "must have
    been unbound from any host kernel driver"): a DMA-capable PCI device QEMU programs, judged
    like a passed-through one (R9-8, was "no device passthrough"). A host input event device
    given to the guest (libvirt `<input type='evdev'>` or `type='passthrough'`, raw `-object
    input-linux` or `-device virtio-input-host-pci`; hvaudit.parse.qemu_args.HOST_INPUT) is
    passthrough the host's own input driver mediates, no DMA: named in the n/a, not "no device
    passthrough" (R14-3). A vDPA interface (`<interface type='vdpa'>`, raw `-netdev
    vhost-vdpa`) is a device whose data path DMAs into the guest's memory, but through the
    IOTLB QEMU programs with VHOST_IOTLB_UPDATE, never an address the guest sets: vhost-vdpa
    (drivers/vhost/vdpa.c vhost_vdpa_alloc_domain) attaches a platform-DMA device to an IOMMU
    domain of its own and refuses one without an IOMMU ("device is not IOMMU cache coherent
    capable", -ENOTSUPP), or leaves the mapping to a parent driver with its own set_map or
    dma_map (read with `find_string`): named in the n/a, not "no device passthrough"
    (VL16-6). An interface on a libvirt network whose definition the evidence lacks may be on
    a pool of SR-IOV functions (<forward mode='hostdev'>): asked, not "no device passthrough"
    (hvaudit.checks._libvirt.unseen_networks, R16-3). A host character device a chardev of
    type='dev' hands the guest (a serial line, parallel port or terminal of the host) has no
    DMA, but it is the host's own device: the host's console fails, any other line is a
    question (_host_ttys, R17-2; was "no device passthrough"), and so is one raw arguments open
    (`-serial /dev/...`, `-chardev serial,path=`; R17-4), or a Proxmox VE `serialN: /dev/...`
    or `parallelN:` (qemu-server config_to_command `-chardev serial|parallel,path=$path`;
    L18-4P, was "serial devices stay host-mediated"). The next boot's kernel command line
    (GRUB's defaults, /etc/kernel/cmdline, a loader entry; hvaudit.checks._nextboot) that turns
    the IOMMU or interrupt remapping off (_iommu_weakened) fails where every source has it, and
    turns a pass into a question where only some do (R21B2-1). A group member no VM read is
    given, bound to vfio-pci or pci-stub or to no driver, may be given to a guest whose
    definition was not read: the pass is then a question (unread_peers, R29D-1)."""
    hosts = {h.name: h for h in ctx.deployment.hosts}
    nets = {(n.host, n.name): n for n in ctx.deployment.networks}
    owners: dict[tuple[str, str], str] = {}
    for other in ctx.deployment.vms:
        grp = hosts[other.host].facts.iommu_groups
        for p in other.passthrough:
            if p.kind in DMA_KINDS:
                for addr in _pci_ids(p.address, grp.get() if grp.known else {}):
                    owners[(other.host, addr)] = other.name
    for v in ctx.deployment.vms:
        s = vm_subject(v)
        # the host lines and RNG sources a VM reads are judged beside its passthrough, each
        # named in the one outcome (VL19-4)
        extras = [o for o in (_host_ttys(s, v, hosts[v.host]), _host_rngs(s, v)) if o is not None]
        yield _with_extras(s, _iommu_outcome(s, v, hosts, nets, owners), extras)


def _with_extras(s: Subject, main: Outcome, extras: list[Outcome]) -> Outcome:
    """HVA-050's one outcome for a VM: its passthrough verdict `main` and the verdicts on the
    host lines and RNG sources it reads (`extras`), each named (VL19-4: the first used to hide
    the others, an isolated passthrough's pass hid an RNG question, an unseen network's
    question a host console's fail). An n/a `main` gives way to them; one part stands as it
    is; several take the worst status (fail, then question, then pass), name every part, fails
    first, and a question asks every part's question as one (joint_question: the parts' asks,
    evidence, passes and fails each joined; R38T-4, they were run together with a space)."""
    parts = [o for o in (main, *extras) if o.status is not Status.NOT_APPLICABLE or not extras]
    if len(parts) == 1:
        return parts[0]
    order = (Status.FAIL, Status.MANUAL, Status.PASS)
    parts.sort(key=lambda o: order.index(o.status) if o.status in order else len(order))
    message = "; ".join(o.message for o in parts)
    evidence = [e for o in parts for e in o.evidence]
    if parts[0].status is Status.FAIL:
        return failed(s, message, *evidence)
    if parts[0].status is Status.MANUAL:
        questions = [o.question for o in parts if o.question]
        return manual(s, message, *evidence, question=joint_question(questions) or None)
    return passed(s, message, *evidence)


def _iommu_outcome(
    s: Subject,
    v: Vm,
    hosts: dict[str, Host],
    nets: dict[tuple[str, str], Network],
    owners: dict[tuple[str, str], str],
) -> Outcome:
    """HVA-050's verdict on a VM's DMA-capable passthrough alone (the host lines and RNG
    sources are _with_extras'); an n/a naming what the VM passes through without DMA."""
    dma = [p for p in v.passthrough if p.kind in DMA_KINDS]
    pooled = [
        i.source
        for i in v.interfaces
        if i.type == "network"
        and (n := nets.get((v.host, i.source))) is not None
        and n.forward_mode == "hostdev"
    ]
    if not dma and not pooled and (unseen := unseen_networks(v, nets, hosts[v.host].platform)):
        # a network whose definition the scan lacks may be a pool of SR-IOV VFs (R16-3)
        nets_named = ", ".join(unseen)
        return manual(
            s,
            f"interface(s) on network(s) {nets_named}, whose definition is not in the evidence: "
            "a network of forward mode hostdev hands the VM an SR-IOV function (PCI "
            "passthrough)",
            *(i.source_ref for i in v.interfaces if i.type == "network"),
            question=f"Is network(s) {nets_named} on host {v.host} other than a pool of SR-IOV "
            f"functions, or are its functions isolated by an active IOMMU? Evidence: `virsh "
            f"net-dumpxml NAME` on {v.host} (<forward mode='hostdev'> and its <pf> or "
            "<address> list) and, for such a pool, /sys/kernel/iommu_groups on the host. "
            "Pass: another forward mode, or hostdev with the IOMMU active and each function "
            "alone in its IOMMU group; fail: hostdev without an active IOMMU, or a function "
            "whose IOMMU group holds a device the host or another VM uses.",
        )
    if not dma and not pooled:
        # a vDPA device does DMA into the guest, but only where vhost-vdpa maps it (VL16-6)
        vdpa = [i.source or "(no device named)" for i in v.interfaces if i.type == "vdpa"]
        vdpa += [
            f"QEMU argument {n.shown}"
            for n in raw_nics(v.raw_hypervisor_arguments)
            if n.backend == "vhost-vdpa"
        ]
        mediated = (
            f"; vDPA device(s) {', '.join(vdpa)} do DMA into the guest's memory, but only "
            "through the mappings QEMU sets in vhost-vdpa (its IOTLB), on an IOMMU domain "
            "of its own or by the parent's driver: not passed through"
            if vdpa
            else ""
        )
        if v.passthrough:
            kinds = ", ".join(sorted({p.kind for p in v.passthrough}))
            return not_applicable(
                s,
                f"no DMA-capable (PCI) passthrough: {kinds} devices stay host-mediated" + mediated,
            )
        else:
            return not_applicable(
                s,
                "no DMA-capable (PCI) passthrough" + mediated if vdpa else "no device passthrough",
            )
    names = [f"{p.kind} {p.address}" for p in dma] + [
        f"an SR-IOV function of network {n}" for n in pooled
    ]
    devices = ", ".join(names)
    refs = [p.source_ref for p in dma]
    h = hosts[v.host]
    iommu = h.facts.iommu_active
    if iommu.known and not iommu.get():
        return failed(s, f"passthrough of {devices} without an active IOMMU", *refs, *iommu.sources)
    unsafe = h.facts.vfio_unsafe_interrupts
    if unsafe.known and unsafe.get():
        # a fail whatever the IOMMU's state (R34S-3: an unread IOMMU's question came first,
        # and "yes" passed interrupts that are not remapped)
        return failed(
            s,
            f"passthrough of {devices} with {unsafe.get()}: the device's interrupts (MSIs) "
            "are not remapped, so it can inject interrupts into the host",
            *refs,
            *unsafe.sources,
        )
    outcome = (
        _group_outcome(s, v, h, dma, pooled, owners, devices, [*refs, *iommu.sources])
        if iommu.known
        else host_settings_manual(
            s, h, iommu, f"PCI passthrough of {devices}", _group_question(h, devices), *refs
        )
    )
    # an unread remapping setting is asked beside the groups' own question too (R34S-3), but
    # not beside the question of a vGPU's card alone: a share the vendor's vGPU manager
    # mediates (Shared Direct) is no DirectPath function whose interrupts the remapper would
    # carry (L19-3D)
    vgpu_only = not pooled and all(p.address.startswith(VGPU) for p in dma)
    asked = outcome.status is Status.MANUAL and not vgpu_only
    if (outcome.status is Status.PASS or asked) and unsafe.state is FactState.UNAVAILABLE:
        # the reason once, where the unread host evidence already gave it
        but = (
            outcome.message
            if unsafe.reason and unsafe.reason in outcome.message
            else f"{outcome.message}; but {unsafe.reason}"
        )
        if h.platform == "vmware-esxi":
            # no vfio on ESXi: its interrupt remapper is the boot option iovDisableIR
            # (Broadcom KB 317585: "VT-d interrupt remapper disabled (ESXi boot option
            # iovDisableIR set to TRUE)"; `esxcli system settings kernel list -o
            # iovDisableIR`)
            outcome = manual(
                s,
                but,
                *outcome.evidence,
                *unsafe.sources,
                question=ask_with(
                    outcome,
                    f"Does ESXi host {h.name} use the VT-d interrupt remapper? "
                    "Evidence: `esxcli system settings kernel list -o iovDisableIR` there "
                    "(Configured and Runtime). Pass: FALSE in both; fail: TRUE (interrupt "
                    "remapping off: a passed-through device's interrupts are not remapped).",
                ),
            )
        else:
            outcome = manual(
                s,
                but,
                *outcome.evidence,
                *unsafe.sources,
                question=ask_with(
                    outcome,
                    f"Does vfio_iommu_type1 on host {h.name} refuse an IOMMU without "
                    "interrupt remapping? Evidence: `cat /sys/module/vfio_iommu_type1/parameters/"
                    "allow_unsafe_interrupts` once the module is loaded, else the `options "
                    "vfio_iommu_type1` and `install vfio_iommu_type1` lines of /etc/modprobe.d, "
                    "/run/modprobe.d, /usr/lib/modprobe.d and /lib/modprobe.d (`modprobe -c | grep "
                    "vfio_iommu_type1`; an install command runs instead of loading the module) and "
                    "/proc/cmdline. Pass: N, or no allow_unsafe_interrupts set to 1/Y; fail: Y "
                    "or allow_unsafe_interrupts=1.",
                ),
            )
    # R21B2-1: the next boot's command line turns the IOMMU or interrupt remapping off
    nb = next_boot_adds(h, lambda w: _iommu_weakened(w, h))
    if nb is not None and outcome.status is not Status.FAIL:
        if nb.settled:
            return failed(
                s,
                f"passthrough of {devices}, but the next boot turns the device's isolation "
                f"off: {nb.text()}",
                *refs,
                *nb.sources,
            )
        if outcome.status in (Status.PASS, Status.MANUAL):
            return manual(
                s,
                f"{outcome.message}; but {nb.says(ISOLATION_OFF)}",
                *outcome.evidence,
                *nb.sources,
                question=ask_with(
                    outcome,
                    nb.question(
                        h.name,
                        "it boots with one of them (the IOMMU off, or interrupts not remapped)",
                        ISOLATION_OFF,
                    ),
                ),
            )
    return outcome


ISOLATION_OFF = "turns the device's isolation off"


def _iommu_weakened(word: str, h: Host) -> bool:
    """A kernel command-line word that leaves a passed-through device without DMA or interrupt
    isolation (R21B2-1): `vfio_iommu_type1.allow_unsafe_interrupts` set true (a bare name sets
    a bool, kernel/params.c param_set_bool; a kstrtobool true, parse.host.kernel_bool), `iommu=
    off` (x86 arch/x86/kernel/pci-dma.c iommu_setup: "off" sets no_iommu, which intel_iommu_init and the
    AMD IOMMU's detection honour), `intel_iommu=off` on an Intel or Zhaoxin CPU and
    `amd_iommu=off` on an AMD or Hygon one (kernel-parameters.txt: intel_iommu "off [Default
    Off] Disables intel iommu driver", amd_iommu "off - do not initialize any AMD IOMMU found in
    the system"; each takes a comma list). The other family's word does nothing; an unknown
    vendor counts either. The VT-d driver reads intel_iommu= wherever the firmware has a DMAR
    table, whatever the CPU (parse.host.VTD_VENDORS): a Zhaoxin host's `intel_iommu=off` turns
    its IOMMU off (R36B-1: it passed, read as another vendor's word).
    intel_iommu='s on and off are one setting the last of them decides (intel_iommu_setup:
    `dmar_disabled = 0` / `= 1` for each comma option in turn, R33B-2; _nextboot.mode_of):
    `intel_iommu=off,on` leaves the IOMMU on. iommu= and amd_iommu= match "off" as the
    kernel does, not as a whole option (R35B-1, read with `find_string`): iommu_setup takes each
    comma option by `strncmp(p, "off", 3)` (`iommu=offx` sets no_iommu), and
    drivers/iommu/amd/init.c parse_amd_iommu_options tested `strncmp(str, "off", 3)` at every
    character of the value (`for (; *str; ++str)`) until its options became an else-if chain
    of prefixes, so "off" anywhere in the value turns the AMD IOMMU off on some kernel."""
    name, eq, value = word.partition("=")
    if name == "vfio_iommu_type1.allow_unsafe_interrupts":
        return not eq or kernel_bool(value.strip()) is True
    vendor = h.facts.cpu_vendor.get() if h.facts.cpu_vendor.known else None
    if name == "intel_iommu" and vendor is not None and vendor not in VTD_VENDORS:
        return False
    if name == "amd_iommu" and vendor is not None and vendor not in AMD_VI_VENDORS:
        return False
    if name == "intel_iommu":
        return mode_of(word) == "off"
    if name == "iommu":
        return any(o.startswith("off") for o in value.split(","))
    return name == "amd_iommu" and "off" in value


#: Host devices that are the host's own consoles whatever its command line says: the kernel
#: console (/dev/console) and the virtual terminals (/dev/tty0 the current one, /dev/ttyN the
#: Nth, where logind's autovt starts a login getty; Documentation/admin-guide/devices.txt,
#: "4 char ... tty0 Current virtual console, tty1 First virtual console").
_HOST_CONSOLES = re.compile(r"/dev/(console|tty[0-9]+)")


#: The locator of what libvirt_xml reads from a domain's <qemu:override> (R37D-1..3)
OVERRIDE = "/domain/qemu:override"


def _host_rngs(s: Subject, v: Vm) -> Outcome | None:
    """The question on the host sources a VM's random-number device reads for the guest
    (hvaudit.parse.qemu_args.HOST_RNG, VL18-7), None without any. No DMA, but a device of the
    host handed to the guest: QEMU reads the path and the guest reads those bytes raw (its
    virtio-rng is a hw_random device). libvirt takes any path since 1.3.4 (formatdomain,
    "Random number generator device"); the host's hardware RNG (/dev/hwrng) is also read by the
    host kernel's hwrng core, and virtio-rng reads as fast as the guest asks unless <rate
    bytes period> bounds it (formatdomain: "The optional rate element allows limiting the rate
    at which entropy can be consumed from the source"). Whether the source is the host's
    hardware RNG, bounded, and not a file of other data is the question: the configuration
    does not show what the path is."""
    rngs = [p for p in v.passthrough if p.kind == HOST_RNG]
    if not rngs:
        return None
    paths = ", ".join(dict.fromkeys(p.address for p in rngs))
    if overridden := [p for p in rngs if p.rate == "" and p.source_ref.locator == OVERRIDE]:
        # libvirt: a <qemu:override> removes the max-bytes its <rate> set (R37D-3)
        return failed(
            s,
            f"random-number device reading host source {overridden[0].address} without a "
            "bound: <qemu:override> removes its virtio-rng's max-bytes (QEMU's default: no "
            "limit), so the guest reads the source as fast as it asks",
            *(p.source_ref for p in overridden),
        )
    if unbounded := [p for p in rngs if p.rate == ""]:
        # Proxmox VE rng0 max_bytes=0 (qemu-server RNG.pm: "disable limiting (potentially
        # dangerous!)"; no max-bytes on the virtio-rng device, L19-9P)
        return failed(
            s,
            f"random-number device reading the host's hardware RNG {unbounded[0].address} "
            "without a bound (max_bytes=0): the guest drains the RNG the host kernel reads too",
            *(p.source_ref for p in unbounded),
        )
    # a <qemu:override> setting max-bytes or period: its bound replaces <rate>'s (R38D-2)
    overrides = [p for p in rngs if p.rate and p.source_ref.locator == OVERRIDE]
    if all(p.rate for p in rngs) and not overrides:
        # Proxmox VE rng0 source=/dev/hwrng with a bound: qemu-server refuses to start the VM
        # while rng_current is `none` (RNG.pm check_rng_source), so it is the host's hardware
        # RNG, read at a bound: VL18-7's pass (L19-9P)
        return passed(
            s,
            f"random-number device reading the host's hardware RNG {paths} at most "
            + ", ".join(dict.fromkeys(p.rate or "" for p in rngs))
            + " (qemu-server starts it only with a hardware RNG in rng_current)",
            *(p.source_ref for p in rngs),
        )
    return manual(
        s,
        f"random-number device reading host source(s) {paths} for the guest: no DMA, but the "
        "guest reads a device or file of the host (only /dev/random and /dev/urandom are the "
        "kernel's shared pools)",
        *(p.source_ref for p in rngs),
        question=f"Is each source VM {v.name}'s random-number device reads on host {v.host} "
        f"({paths}) the host's hardware RNG, with the guest's reads bounded? Evidence: the VM's "
        "<rng> <backend> and <rate bytes period> (raw arguments: -object rng-random and the "
        "virtio-rng device's max-bytes and period), `cat "
        f"/sys/class/misc/hw_random/rng_current` and `ls -lL {rngs[0].address}` on {v.host}. "
        "Pass: /dev/hwrng with rng_current naming a hardware RNG and a <rate> on the device; "
        "fail: any other file or device (the guest reads its content), or /dev/hwrng without a "
        "<rate> (the guest drains the hardware RNG the host kernel reads too)."
        + (
            f" Its <qemu:override> sets the virtio-rng's {overrides[0].rate}, which replaces "
            "what <rate> sets: the bound is that override's (QEMU's max-bytes per period ms, "
            "period 65536 ms unless set: hw/virtio/virtio-rng.c), not <rate>."
            if overrides
            else ""
        ),
    )


def _host_ttys(s: Subject, v: Vm, h: Host) -> Outcome | None:
    """The verdict on the host character devices a VM's chardevs of type='dev' hand the guest
    (hvaudit.parse.qemu_args.HOST_CHARDEV, R17-2), None without any. No DMA, so no IOMMU: what
    isolates the host from the guest is that the line is not one the host uses itself. libvirt
    chowns the device to the QEMU user and gives it the VM's label at start (security_dac.c
    and security_selinux.c, VIR_DOMAIN_CHR_TYPE_DEV), qemu-server's QEMU opens it as root
    (serialN/parallelN, L18-4P), and QEMU reads and writes it: a host
    console (/dev/console, a virtual terminal /dev/ttyN, or the line a `console=` kernel
    parameter names, Documentation/admin-guide/serial-console.rst: "console=ttyS1,9600") hands
    the guest the host's kernel messages and login prompt, so it fails; any other device is the
    question of what the line is (a host session's pseudo-terminal /dev/pts/N, a line a getty
    serves, a port wired to hardware the guest drives)."""
    ttys = [p for p in v.passthrough if p.kind == HOST_CHARDEV]
    if not ttys:
        return None
    cmdline = h.facts.kernel_cmdline
    named = {
        "/dev/" + w.split("=", 1)[1].split(",", 1)[0]
        for w in (kernel_params(cmdline.get()) if cmdline.known else ())
        if w.startswith("console=")
    }
    # a /dev/char link of a fixed number is its node (host_device_name: 5:1 the console, 4:N
    # a virtual terminal or ttyS): the same device under another name (L18-9P)
    names = {p.address: host_device_name(p.address) or p.address for p in ttys}
    consoles = [
        p for p in ttys if _HOST_CONSOLES.fullmatch(names[p.address]) or names[p.address] in named
    ]
    if consoles:
        return failed(
            s,
            "host character device(s) "
            + ", ".join(
                p.address + ("" if names[p.address] == p.address else f" ({names[p.address]})")
                for p in consoles
            )
            + " given to the guest: the host's own console (kernel console or virtual terminal), "
            "whose kernel messages and login prompt the guest reads and answers",
            *(p.source_ref for p in consoles),
            *(cmdline.sources if named else ()),
        )
    paths = ", ".join(p.address for p in ttys)
    links = [p.address for p in ttys if host_device_name(p.address) is None]
    resolve = f"`readlink -f {links[0]}` (each link), " if links else ""
    return manual(
        s,
        f"host character device(s) {paths} given to the guest as character device(s): no DMA, "
        "but the guest reads and writes a line of the host",
        *(p.source_ref for p in ttys),
        question=f"Is each host device VM {v.name} is given on host {v.host} ({paths}) a line "
        "the host does not use itself? Evidence: "
        f"{resolve}the console= parameters of /proc/cmdline, "
        f"`systemctl list-units 'serial-getty@*' 'getty@*'` and `fuser -v {ttys[0].address}` on "
        f"{v.host}. Pass: a port wired only to the hardware the guest drives; fail: the host's "
        "console or a getty's line, a host session's pseudo-terminal (/dev/pts/N), or a port "
        "another VM is given.",
    )


def _group_outcome(
    s: Subject,
    v: Vm,
    h: Host,
    dma: list[Passthrough],
    pooled: list[str],
    owners: dict[tuple[str, str], str],
    devices: str,
    refs: list[Source],
) -> Outcome:
    """The verdict on the IOMMU groups of a VM's PCI devices, the IOMMU being active."""
    groups, drivers, classes = h.facts.iommu_groups, h.facts.pci_drivers, h.facts.pci_classes
    if not groups.known:
        return host_settings_manual(
            s,
            h,
            groups,
            f"IOMMU active for {devices}; IOMMU group membership was not collected",
            _group_question(h, devices),
            *refs,
        )
    vgpus = [p.address for p in dma if p.address.startswith(VGPU)]
    mine = {
        a for p in dma if not p.address.startswith(VGPU) for a in _pci_ids(p.address, groups.get())
    }
    bad: list[str] = []
    # a vGPU is a share of a GPU ESXi keeps in Shared Direct mode ("vGPU shared passthrough",
    # HostGraphicsInfoGraphicsType sharedDirect; "direct: Direct graphics (ex. passthrough)"),
    # not a function marked Active for DirectPath: its card is asked about (L19-3D)
    unsure: list[str] = [
        f"{a} is a share of a physical GPU (Shared Direct), not a host function passed through"
        for a in vgpus
    ]
    bridges: list[str] = []
    # members no VM read is given, which a guest not read may be (R29D-1)
    spare: list[str] = []
    for addr in sorted(mine):
        group = groups.get().get(addr)
        if group is None:
            unsure.append(f"{addr} is in no IOMMU group on this host")
            continue
        for member in sorted(d for d, g in groups.get().items() if g == group and d not in mine):
            owner = owners.get((v.host, member))
            if owner is not None:
                bad.append(f"{addr} shares IOMMU group {group} with {member} of VM {owner}")
                continue
            kind = _pci_kind(classes.get().get(member) if classes.known else None)
            if not drivers.known:
                what = f"bridge {member}" if kind == "bridge" else member
                unsure.append(f"the host driver of {what} (IOMMU group {group}) is unknown")
                continue
            driver = drivers.get().get(member)
            if kind == "bridge":
                if driver is None or driver in BRIDGE_DRIVERS or "vfio" in driver:
                    bridges.append(f"{member} ({driver or 'no driver'})")
                else:
                    bad.append(
                        f"{addr} shares IOMMU group {group} with bridge {member}, held by host "
                        f"driver {driver}: it drives the bridge's registers, which the group's "
                        "devices can reach by peer-to-peer writes"
                    )
            elif kind == "endpoint":
                if not (driver is None or driver == "pci-stub" or "vfio" in driver):
                    bad.append(
                        f"{addr} shares IOMMU group {group} with {member} (driver {driver}), "
                        "left to the host"
                    )
                else:
                    spare.append(member)
            elif not _unused_by_host(driver):
                bad.append(
                    f"{addr} shares IOMMU group {group} with {member} (driver {driver}), "
                    "left to the host"
                )
            else:
                spare.append(member)
    src = (*refs, *groups.sources, *drivers.sources, *classes.sources)
    if bad:
        return failed(s, "; ".join(bad), *src)
    if unsure or pooled:
        gaps = unsure + [f"the VF of network {n} is chosen at start" for n in pooled]
        return manual(
            s,
            f"IOMMU active for {devices}; " + "; ".join(gaps),
            *src,
            question=_group_question(h, devices),
        )
    kept = (
        f"; bridge(s) {', '.join(bridges)} stay with the host: they forward the group's DMA "
        "and do none of their own"
        if bridges
        else ""
    )
    outcome = passed(
        s,
        f"IOMMU active; each IOMMU group of {devices} goes wholly to this VM or is unused{kept}",
        *src,
    )
    if not spare:
        return outcome
    # a member bound to vfio-pci or pci-stub, or to no driver, is free for any VM's <hostdev>
    # (managed='yes' detaches it at start): a guest whose definition was not read may be given
    # it (R29D-1)
    return unread_peers(
        outcome, h, f"be given {', '.join(sorted(set(spare))[:5])}, in an IOMMU group of {devices}"
    )


def _group_question(h: Host, devices: str) -> str:
    """The one question of a VM whose PCI devices' IOMMU groups the scan could not judge."""
    if h.platform == "vmware-esxi" and all(
        d.startswith(f"pci {VGPU}") for d in devices.split(", ")
    ):
        # vSphere Resource Management, "Configuring Graphics Devices": "Select Shared Direct for
        # Vendor shared passthrough graphics"; esxcli graphics device list / vm list (L19-3D)
        return (
            f"Is the physical GPU behind {devices} on ESXi host {h.name} in Shared Direct mode "
            "and not marked Active for DirectPath passthrough? Evidence: the vSphere Client, "
            f"host {h.name} > Configure > Hardware > Graphics > Graphics Devices (Configured "
            "Type) and PCI Devices (Passthrough), or `esxcli graphics device list` and "
            "`esxcli graphics vm list` (which VMs share each card). Pass: Shared Direct "
            '("Vendor shared passthrough graphics"), the card shared only by vGPUs through the '
            "vendor's vGPU manager; fail: the card is also Active for passthrough or given "
            "whole to a VM."
        )
    if h.platform == "vmware-esxi":
        return (
            f"Is each of {devices} marked Active for passthrough on ESXi host {h.name}, with "
            "every device it depends on passed through to this VM too? Evidence: the vSphere "
            f"Client, host {h.name} > Configure > Hardware > PCI Devices (Passthrough: Active, "
            "which ESXi grants only with Intel VT-d or AMD-Vi enabled in the firmware; the "
            "dependent devices listed with it), or `esxcli hardware pci pcipassthru list`. "
            "Pass: yes, each is Active and its dependent devices go to this VM or are unused; "
            "fail: one is not Active, or a dependent device is used by the host or another VM."
        )
    return (
        f"Is each of {devices} on host {h.name} in an IOMMU group whose other members are given "
        "to this VM or left unused by the host? Evidence: `ls "
        "/sys/bus/pci/devices/ADDRESS/iommu_group/devices` on the host for each device (no "
        "iommu_group link: the IOMMU is off), and for each other member `cat "
        "/sys/bus/pci/devices/MEMBER/class` and `readlink /sys/bus/pci/devices/MEMBER/driver` "
        "(no link: no driver). Pass: yes, every device has an IOMMU group, "
        "and each other member is given to this VM, has no driver, or is held by vfio-pci (or "
        "a vfio variant) or pci-stub, or is a PCI bridge (class 0x0604xx) held by pcieport; fail: "
        "no IOMMU group, or a member is used by a host driver or another VM."
    )


@check(
    id="HVA-051",
    title="PCI ACS checks are not relaxed for passthrough",
    scope="host",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-2"], "sp800-125a-r1": ["HY-SR-6C"]},
    interpretations={
        "sp800-125a-2014:HY-SR-2": (
            "The 2014 HY-SR-2 names instruction-set and memory virtualization, not the IOMMU; "
            "hvaudit counts DMA remapping as the hardware assistance that keeps a "
            "passed-through device's memory access isolated (Rev. 1 HY-SR-2 and 6C name it)."
        ),
    },
    remediation="Remove relaxed_acs_check = 1 from /etc/libvirt/qemu.conf and assign PCI devices "
    "through VFIO (<driver name='vfio'/> or none).",
)
def acs_not_relaxed(ctx: Context) -> Iterator[Outcome]:
    """qemu.conf.in: "By default, PCI devices below non-ACS switch are not allowed to be
    assigned to guests. By setting relaxed_acs_check to 1 such devices will be allowed". libvirt
    makes that check only for a device not assigned through VFIO: virhostdev.c
    virHostdevPreparePCIDevicesImpl, `if (!usesVFIO && !virPCIDeviceIsAssignable(pci,
    strict_acs_check))`, strict unless relaxed_acs_check; a VFIO device is isolated by its IOMMU
    group instead (the kernel's group viability, judged by HVA-050). The other backend is
    legacy KVM assignment (`<driver name='kvm'/>`), which the QEMU driver of current libvirt
    refuses ("host doesn't support legacy PCI passthrough", qemu_hostdev.c). So the setting
    weakens isolation where a VM of the host assigns a PCI device with name='kvm' (fail: below
    a switch without ACS its DMA reaches its neighbours); with none, relaxed_acs_check = 1 has
    no device to act on (pass naming that; it was a fail, a wrong one on VFIO-only hosts).

    That pass rests on every VM of the host: beside a guest whose definition was not read it is
    unread_peers' question whether none of them assigns a device that way (R38T-2). qemu.conf
    unread (changed after the daemon started, R11H-1) is asked only where a VM assigns a device
    by legacy KVM assignment: with none, either value of relaxed_acs_check passes, and asking
    whether it is not 1 made an honest "no" fail a passing host (R38T-1)."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        legacy = [
            (v, p)
            for v in ctx.deployment.vms
            if v.host == h.name
            for p in v.passthrough
            if p.kind in ("pci", "sr-iov/pci network function") and p.backend == "kvm"
        ]
        qc = conf_fact(h, "qemu.conf")
        none = (
            "no VM assigns a PCI device by legacy KVM assignment (driver name='kvm'), the only "
            "assignment libvirt checks ACS for: VFIO devices are isolated by IOMMU group"
        )
        may = "assign a PCI device by legacy KVM assignment (driver name='kvm')"
        if not qc.known and qc.state is not FactState.UNAVAILABLE:
            yield unknown(s, qc, "qemu.conf relaxed_acs_check is not 1")
            continue
        assigned = ", ".join(f"pci {p.address} to {v.name}" for v, p in legacy[:8])
        if not qc.known and legacy:
            yield manual(
                s,
                f"legacy KVM assignment (driver name='kvm') of {assigned}, and "
                f"relaxed_acs_check is not known: {qc.reason}",
                *qc.sources,
                *(p.source_ref for _, p in legacy[:8]),
                question=f"Does the libvirt QEMU driver of host {h.name} run with "
                "relaxed_acs_check unset or 0? Evidence: /etc/libvirt/qemu.conf on "
                f"{h.name} as the daemon (libvirtd or virtqemud) last read it, at its start. "
                "Pass: yes, unset or 0; fail: relaxed_acs_check = 1, so libvirt assigns these "
                "devices below a PCIe switch without ACS.",
            )
            continue
        if not qc.known:
            yield unread_peers(
                passed(
                    s,
                    f"relaxed_acs_check is not known ({qc.reason}), but {none}: it acts on no "
                    "device whatever its value",
                    *qc.sources,
                ),
                h,
                may,
            )
            continue
        value, src = conf_value(h, "qemu.conf", "relaxed_acs_check")
        if value != 1:
            yield passed(s, f"relaxed_acs_check = {value}", src)
            continue
        if legacy:
            yield failed(
                s,
                f"relaxed_acs_check = 1 and legacy KVM assignment (driver name='kvm') of "
                f"{assigned}: libvirt assigns it below a PCIe switch without ACS",
                src,
                *(p.source_ref for _, p in legacy[:8]),
            )
        else:
            yield unread_peers(passed(s, f"relaxed_acs_check = 1, but {none}", src), h, may)


@check(
    id="HVA-052",
    title="The kernel does not override PCIe ACS isolation (pcie_acs_override)",
    scope="host",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-2"], "sp800-125a-r1": ["HY-SR-6C"]},
    interpretations={
        "sp800-125a-2014:HY-SR-2": (
            "The 2014 HY-SR-2 names instruction-set and memory virtualization, not the IOMMU; "
            "hvaudit counts DMA remapping as the hardware assistance that keeps a "
            "passed-through device's memory access isolated (Rev. 1 HY-SR-2 and 6C name it)."
        ),
    },
    remediation="Remove pcie_acs_override= from the kernel command line (GRUB_CMDLINE_LINUX in "
    "/etc/default/grub, or /etc/kernel/cmdline with systemd-boot), regenerate the boot "
    "configuration and reboot; pass through only devices that sit alone in their IOMMU group.",
    platforms=LINUX_HOST,
)
def acs_not_overridden(ctx: Context) -> Iterator[Outcome]:
    """The ACS override patch (shipped in Proxmox VE's kernel, a boot option on others) splits IOMMU
    groups the hardware does not isolate: a passed-through device can then reach its neighbours'
    memory by peer-to-peer DMA, outside the IOMMU. Only the words before a `--` are the
    kernel's (kernel/params.c parse_args "Stop at --"; kernel-parameters.rst: "Everything after
    "--" is passed as an argument to init"): one after it overrides nothing (R11H-4). The word
    in the next boot's command line (GRUB's defaults, /etc/kernel/cmdline, a loader entry;
    hvaudit.checks._nextboot) fails where every source has it, and is a question where only
    some do (R21B-2)."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        cmdline = h.facts.kernel_cmdline
        # R36T-1: an unread running line is one ask; the next boot's line, read apart, is
        # judged still (it fails without the running one), and a "yes" to the running line's
        # question no longer passes a next boot that overrides ACS
        asks: list[Outcome] = []
        what = "the kernel command line has no pcie_acs_override="
        if not cmdline.known and (gap := asked_gap(s, cmdline, what, asks)) is not None:
            yield gap
            continue
        running = cmdline.get() if cmdline.known else ()
        params = kernel_params(running)
        words = [w for w in params if w.startswith("pcie_acs_override=")]
        for_init = [w for w in running[len(params) :] if w.startswith("pcie_acs_override=")]
        now = (
            "no pcie_acs_override= on the running kernel's command line"
            if cmdline.known
            else "the running kernel's command line was not read"
        )
        # R21B-2: the next boot's command line adds the override
        nb = next_boot_adds(h, lambda w: w.startswith("pcie_acs_override="), unread_asks=True)
        if words:
            yield failed(s, f"kernel booted with {' '.join(words)}", *cmdline.sources)
            continue
        if nb is not None and nb.settled:
            yield failed(
                s,
                f"{now}, but the next boot adds it: {nb.text()}"
                if cmdline.known
                else f"the next boot adds pcie_acs_override=: {nb.text()} ({now})",
                *cmdline.sources,
                *nb.sources,
            )
            continue
        if nb is not None:
            adds = "adds it" if nb.found else "adds pcie_acs_override="
            asks.append(
                manual(
                    s,
                    f"{now}, but {nb.says(adds)}",
                    *cmdline.sources,
                    *nb.sources,
                    question=nb.question(
                        h.name, "it boots with one of them (ACS overridden)", "overrides ACS"
                    ),
                )
            )
        if asks:
            yield joined_asks(s, asks)
        elif for_init:
            yield passed(
                s,
                f"no pcie_acs_override= among the kernel's parameters ({' '.join(for_init)} "
                "stands after `--`, an argument to init)",
                *cmdline.sources,
            )
        else:
            yield passed(s, "no pcie_acs_override= on the kernel command line", *cmdline.sources)


#: Network disk protocols whose QEMU client has no encryption (formatdomain's list, "Hard
#: drives, floppy disks, CDROMs", source, network): plain HTTP, FTP and TFTP through QEMU's curl
#: driver, and sheepdog.
CLEARTEXT_DISK = ("http", "ftp", "tftp", "sheepdog")
#: Protocols QEMU speaks over TLS when the disk (or qemu.conf's default) says so: formatdomain,
#: "TLS transport for NBD can be enabled by setting the tls attribute to yes ... globally
#: controlled on the host by the nbd_tls ... in /etc/libvirt/qemu.conf"; vxhs likewise with
#: vxhs_tls ("If vxhs_tls is enabled, then unless the domain tls attribute is set to "no",
#: libvirt will use the host configured TLS environment"); both commented out in qemu.conf.in.
DISK_TLS_SETTING = {"nbd": "nbd_tls", "vxhs": "vxhs_tls"}
#: Protocols whose QEMU client cannot encrypt: whether the path below it does (Ceph msgr2
#: ms_mode=secure in ceph.conf, GlusterFS SSL, IPsec) is not in the definition.
BELOW_QEMU_DISK = ("iscsi", "rbd", "gluster", "nfs")
#: Raw QEMU arguments that open a network disk: `-drive file=PROTO:...` / `file.driver=PROTO`
#: and `-blockdev driver=PROTO` (QEMU's block drivers of these protocols).
RAW_DISK_PROTOCOLS = (
    "nbd",
    "http",
    "https",
    "ftp",
    "ftps",
    "iscsi",
    # block/iscsi.c `static BlockDriver bdrv_iser = { .format_name = "iser", .protocol_name =
    # "iser", ...` (libiscsi over RDMA, iscsi_parse_filename; R22D-2)
    "iser",
    "rbd",
    "gluster",
    "ssh",
    "nfs",
)


#: QEMU options whose argument is an image file name: vl.c hands it to drive_add as the
#: drive's `file=` (`case QEMU_OPTION_cdrom: drive_add(IF_DEFAULT, 2, optarg, CDROM_OPTS)`,
#: and so -hda..-hdd, -fda, -fdb, -sd, -mtdblock, -pflash), so a protocol prefix opens a
#: network disk there as in -drive file= (R22D-1).
RAW_IMAGE_OPTIONS = ("hda", "hdb", "hdc", "hdd", "fda", "fdb", "cdrom", "sd", "mtdblock", "pflash")
#: `"driver": "NAME"` in a `json:{...}` file name (block.c parse_json_filename).
_JSON_DRIVER = re.compile(r'"driver"\s*:\s*"([^"]*)"')


def _file_protocols(name: str) -> set[str]:
    """The block protocols a QEMU file name opens (R22D-1): the word before its first `:`
    (block.c path_has_protocol: `p = path + strcspn(path, ":/"); return *p == ':'`, so none
    where a `/` comes first), its transport suffix dropped (QEMU's nbd driver reads the URI
    schemes nbd, nbd+tcp and nbd+unix, gluster gluster+tcp, gluster+unix and gluster+rdma);
    the `json:` pseudo-protocol (parse_json_filename) opens every driver its JSON names."""
    name = name.strip()
    if name.startswith("json:"):
        return {d.lower().partition("+")[0] for d in _JSON_DRIVER.findall(name)}
    head, colon, _ = name.partition(":")
    if not colon or "/" in head:
        return set()
    return {head.lower().partition("+")[0]}


def _raw_network_disks(v: Vm) -> list[str]:
    """Raw QEMU arguments of `v` that open a network disk: a `-drive` or `-blockdev` whose
    driver (at any depth: `file.driver`, `file.file.driver`, `backing.driver`) or file name
    names a network protocol, and an image option (-cdrom, -hda, ...) whose file name does
    (R22D-1: `nbd+tcp://`, `gluster+tcp://`, `json:{"driver": "nbd", ...}` and `-cdrom
    http://...` were "no network disks")."""
    out = []
    for o in qemu_options(v.raw_hypervisor_arguments):
        if o.name in ("drive", "blockdev"):
            values = {val.lower() for key, val in o.props.items() if key.split(".")[-1] == "driver"}
            for key in ("file", "file.filename", "filename"):
                values |= _file_protocols(o.props.get(key, ""))
        elif o.name in RAW_IMAGE_OPTIONS:
            values = _file_protocols(o.text)
        else:
            continue
        if values & set(RAW_DISK_PROTOCOLS):
            out.append(f"-{o.name} {o.text}" if o.spelled else f"{o.text} (an image word, as -hda)")
    return out


def _network_source_verdict(
    h: Host,
    protocol: str,
    name: str | None,
    servers: tuple[str, ...],
    tls: bool | None,
    ssl_verify: bool | None,
    auth: bool,
    *,
    layer: bool = False,
    backing: bool = False,
) -> tuple[str, str, Source | None]:
    """HVA-238's verdict on one network source ("fail", "ask" or "good", the text, a qemu.conf
    reference): a disk's own, or a network layer of its chain or mirror (`layer`, VL19-7),
    for which an nbd source without a tls attribute on a host with nbd_tls = 1 is asked, not
    passed (libvirt's applying the host default to a layer below the top is not confirmed;
    with nbd_tls = 0 the layer has no TLS either way). An ssh layer of a backing chain
    (`backing`) is asked too (R21V-3): libvirt reads a backing file name `json:{"driver":
    "ssh", ..., "host_key_check": "no"}` from the image above it into
    ssh_host_key_check_disabled ("these two are parsed just to be passed back as we don't
    model them yet", src/storage_file/storage_source_backingstore.c
    virStorageSourceParseBackingJSONSSH) and hands QEMU `host-key-check` mode none
    (qemu_block.c qemuBlockStorageSourceGetSshProps; nbdkit's verify-remote-host=false), which
    the domain XML never shows (read with `find_string`)."""
    proto = protocol.lower()
    where = ", ".join(servers) or "its default server"
    what = f"{proto} disk {name or ''} ({where})".replace("  ", " ")
    if servers and all(x.startswith("unix:") for x in servers):
        return "good", f"{what}: a UNIX socket on the host", None
    if proto in CLEARTEXT_DISK:
        return "fail", f"{what}: cleartext, unauthenticated", None
    if proto in ("https", "ftps"):
        if ssl_verify is False:
            return "fail", f"{what}: TLS without certificate verification (<ssl verify='no'>)", None
        return "good", f"{what}: TLS, certificate verified", None
    if proto == "ssh" and backing:
        return (
            "ask",
            f"{what}: SSH, but whether QEMU checks the server's host key is set by the backing "
            "file name in the image above it, which the definition does not show (a `json:` "
            'name with "host_key_check": "no" turns the check off)',
            None,
        )
    if proto == "ssh":
        return "good", f"{what}: SSH", None
    if proto in DISK_TLS_SETTING:
        key = DISK_TLS_SETTING[proto]
        if tls is not None:
            return ("good" if tls else "fail"), f"{what}: tls='{'yes' if tls else 'no'}'", None
        if not conf_fact(h, "qemu.conf").known:
            return "ask", f"{what}: no tls attribute, qemu.conf ({key}) not read", None
        value, vsrc = conf_value(h, "qemu.conf", key)
        if value != 1:
            return "fail", f"{what}: no tls attribute, qemu.conf {key} = {value}: cleartext", vsrc
        if layer:
            return "ask", f"{what}: no tls attribute (qemu.conf {key} = 1)", vsrc
        return "good", f"{what}: no tls attribute, qemu.conf {key} = {value}", vsrc
    if proto in ("iscsi", "rbd") and not auth:
        why = ": libvirt passes auth_supported=none" if proto == "rbd" else " (no CHAP)"
        return "fail", f"{what}: no <auth>{why}", None
    if proto in BELOW_QEMU_DISK:
        return "ask", f"{what}: QEMU's {proto} client has no TLS", None
    return "ask", f"{what}: protocol hvaudit does not know", None


def _pool_network_disk(d: Disk, pool: Pool | None) -> tuple[str, NetworkLayer] | None:
    """A `<disk type='volume'>` that libvirt's storage driver hands QEMU as a network disk
    (R22V-1), as (the prefix naming it, its network source): a volume of an iSCSI pool in
    mode='direct' becomes protocol iscsi on the pool's hosts, and so does one of an
    iscsi-direct pool (formatstorage: it "does not use iscsiadm, instead it uses libiscsi"),
    with the pool's <auth> copied into it (virStorageTranslateDiskSourcePool: `actualtype =
    VIR_STORAGE_TYPE_NETWORK; protocol = VIR_STORAGE_NET_PROTOCOL_ISCSI`, then
    virStorageTranslateDiskSourcePoolAuth and virStorageAddISCSIPoolSourceHost; R8-7's
    _direct_iscsi for HVA-059). None for any other disk, or a volume whose pool the bundle
    lacks (its auth and servers are unknown)."""
    if d.type != "volume" or d.protocol is not None or pool is None:
        return None
    if pool.type == "iscsi-direct":
        how = "an iscsi-direct pool, opened by QEMU's own iSCSI initiator"
    elif pool.type == "iscsi" and d.pool_mode == "direct":
        how = "mode='direct', opened by QEMU's own iSCSI initiator"
    else:
        return None
    layer = NetworkLayer(
        "volume", "iscsi", d.source, auth=d.auth or pool.auth, servers=pool.source_hosts
    )
    return f"volume of pool {pool.name} ({how}): ", layer


#: Proxmox VE storage types whose volumes QEMU itself reads over the network (pve-storage
#: `path`, github:proxmox/pve-storage 0c56bad, read with `fetch`): iscsidirect and zfs (ZFS over
#: iSCSI) give `"iscsi://$portal/$target/$lun"` (QEMU's libiscsi), rbd without krbd
#: `"rbd:${rbd_path}"` (librbd), glusterfs `"gluster://$server/$glustervolume/images/..."`
#: (GlusterfsPlugin.pm before 7669a99 removed it); the model's pool type -> (protocol, what).
PVE_QEMU_NETWORK_STORAGE = {
    "iscsi-direct": (
        "iscsi",
        "iscsidirect, opened by QEMU's libiscsi, which pve-storage gives no CHAP user",
    ),
    "zfs": (
        "iscsi",
        "ZFS over iSCSI, opened by QEMU's libiscsi, which pve-storage gives no CHAP user",
    ),
    "rbd": ("rbd", "Ceph RBD through QEMU's librbd (krbd off)"),
    "gluster": ("gluster", "GlusterFS through QEMU's gluster driver"),
}


def _pve_network_volume(d: Disk, pool: Pool | None) -> tuple[str, NetworkLayer] | None:
    """A Proxmox VE VM volume QEMU reads from its storage's server itself (P23-2: HVA-238 ran
    on libvirt only, so these had no verdict). ISCSIDirectPlugin.pm and ZFSPlugin.pm `sub
    options` list portal, target, nodes, disable, content, bwlimit (and the ZFS provider's
    own) and no user or secret, and qemu-server passes the `iscsi://` path as the drive's
    file: the target sees an initiator name any client can claim (judged as an iSCSI disk
    without CHAP). RBD and GlusterFS are asked, as QEMU's clients of theirs have no TLS (and
    whether librbd authenticates hangs on a keyring file: CephConfig.pm ceph_connect_option
    `auth_supported = (defined $cmd_option->{keyring}) ? 'cephx' : 'none'`)."""
    if pool is None or pool.kernel_client or pool.type not in PVE_QEMU_NETWORK_STORAGE:
        return None
    proto, how = PVE_QEMU_NETWORK_STORAGE[pool.type]
    if d.bus == "tpmstate" and proto != "iscsi":
        return None  # the node maps it for swtpm (map_volume): not QEMU's client (P24-4)
    layer = NetworkLayer(
        "volume", proto, d.source, auth=proto != "iscsi", servers=pool.source_hosts
    )
    what = {
        "efidisk": "efidisk0 (the UEFI variable store), ",
        "tpmstate": "tpmstate0 (the vTPM's state, exported to swtpm by qemu-storage-daemon), ",
    }.get(d.bus or "", "")
    return f"{what}volume of storage {pool.name} ({how}): ", layer


def _pve_storage_unseen(d: Disk, h: Host, storages: dict[str, Pool]) -> bool:
    """Whether a Proxmox VE volume's storage is not in the evidence where the storage list may
    leave storages out (ProxmoxHost.storages_unseen: the API token may not see them all, R30P-3,
    or storage.cfg was not read, R31P-2): whether QEMU reads it from a server itself
    (`_pve_network_volume`) is then not known (R31P-1: was "no network disks"). `local` is
    always pve-storage's dir storage at /var/lib/vz (pve-storage 0c56bad
    src/PVE/Storage/Plugin.pm parse_config: a `local` of another type or path is replaced by
    it), never a network one."""
    return bool(
        h.proxmox is not None
        and h.proxmox.storages_unseen
        and d.pool
        and d.pool not in storages
        and d.pool != "local"
    )


@check(
    id="HVA-238",
    title="VM disks served over the network travel encrypted and authenticated",
    scope="vm",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-r1": ["HY-SR-12"]},
    interpretations={
        "sp800-125a-r1:HY-SR-12": "a disk QEMU reads from a server while the VM runs (NBD, "
        "HTTP, iSCSI, RBD) is an image fetched from an image server, block by block",
    },
    remediation={
        "*": "Give NBD disks <source tls='yes'> (or set nbd_tls = 1 in qemu.conf), serve "
        "images over https/ftps with certificate verification, give iSCSI and RBD disks <auth> "
        "and encrypt their path (Ceph ms_mode=secure, IPsec); replace http, ftp and tftp sources.",
        "proxmox-ve": "Move disks off iscsidirect and ZFS over iSCSI storages (QEMU's iSCSI "
        "initiator gets no CHAP there) or protect their path with IPsec; encrypt Ceph RBD "
        "(ms_mode=secure) and GlusterFS (client.ssl) traffic.",
    },
    per_vm=True,
    platforms=QEMU,
)
@raw_arguments_unseen(
    "a network disk (-drive, -blockdev or an image option such as -cdrom or -hda over nbd, "
    "http, iscsi, rbd, gluster, ssh or nfs)"
)
def network_disks(ctx: Context) -> Iterator[Outcome]:
    """Rev. 1 HY-SR-12 wants the image server reached only over a secure protocol such as TLS.
    A `<disk type='network'>` is read from its server by QEMU for as long as the VM runs (the
    guest's every block crosses the network), so its protocol is judged here, per disk, from
    what the definition says (formatdomain, "Hard drives, floppy disks, CDROMs": source,
    network, read with `read_file`): http, ftp, tftp and sheepdog are cleartext; https and ftps
    are TLS, whose certificate QEMU's curl driver verifies unless `<ssl verify='no'/>` turns it
    off (block/curl.c CURL_BLOCK_OPT_SSLVERIFY_DEFAULT true); ssh is encrypted by SSH; nbd (and
    vxhs) use TLS where `<source tls='yes'>`, or where the attribute is absent and qemu.conf's
    nbd_tls (vxhs_tls) is 1, off by default (qemu.conf.in `#nbd_tls = 1`); a source on a UNIX
    socket (`<host transport='unix'>`) never leaves the host. iSCSI and RBD authenticate only
    with `<auth>` (CHAP; a Ceph user): without it libvirt tells librados `auth_supported=none`
    (qemu_command.c, read with `find_string`) and the iSCSI target sees an initiator name any
    client can claim: fail. QEMU's iSCSI, RBD, Gluster and NFS clients have no TLS, so whether
    the path beneath encrypts (Ceph msgr2 ms_mode=secure, GlusterFS SSL, IPsec) is one question
    per disk. The network layers of a disk's `<backingStore>` chain and a block job's
    `<mirror type='network'>` are judged the same way, named by role (VL19-7; an nbd layer
    without a tls attribute on a host with nbd_tls = 1 is asked, and so is an ssh backing
    layer, whose host key check the image's backing file name may turn off unseen: R21V-3). A
    `<disk type='volume'>` of an iSCSI pool in mode='direct', or of an iscsi-direct pool, is
    such an iscsi disk too: libvirt hands it to QEMU's own initiator with the pool's hosts and
    <auth> (_pool_network_disk, R22V-1); one in mode='direct' whose pool the evidence lacks is
    asked about (R22V-4). A Proxmox VE volume QEMU reads from its storage's server itself is
    judged the same way (P23-2, _pve_network_volume): one of an iscsidirect or ZFS over iSCSI
    storage is an iSCSI disk without CHAP (pve-storage gives QEMU `iscsi://portal/target/lun`
    and has no CHAP option), one of an rbd storage without krbd or of a glusterfs storage is
    asked about; a storage the node's kernel mounts or maps (nfs, cifs, cephfs, iscsi, rbd
    with krbd) is not read by QEMU. Proxmox VE's efidisk0, the UEFI variable store, is
    opened from its storage the same way (qemu-server OVMF.pm generate_ovmf_blockdev through
    Blockdev.pm generate_drive_blockdev) and judged with the disks (P24-3), and so is a
    tpmstate0 on an iscsidirect or ZFS over iSCSI storage, which qemu-storage-daemon opens for
    swtpm the same way (qemu-server start_swtpm, drive_uses_qsd_fuse; P24-4). A VM without network disks
    is n/a (HVA-237 asks how a host's images arrive)."""
    hosts = {h.name: h for h in ctx.deployment.hosts}
    pools = {(p.host, p.name): p for p in ctx.deployment.pools}
    # Proxmox VE's storage.cfg is the cluster's: a VM on any node names its storages by id
    storages = {p.name: p for p in ctx.deployment.pools}
    for v in ctx.deployment.vms:
        s = vm_subject(v)
        h = hosts[v.host]
        fails: list[str] = []
        asks: list[str] = []
        goods: list[str] = []
        refs: list[Source] = []
        buckets = {"fail": fails, "ask": asks, "good": goods}
        unseen: dict[str, list[str]] = {}  # storage -> its volumes, where it is not known
        # P24-3/4: Proxmox VE's efidisk0 (and an iSCSI tpmstate0) is opened from its storage
        # as a disk is
        for d in (*v.disks, *v.state_volumes):
            sources: list[tuple[str, Disk | NetworkLayer]] = [
                (f"{x.role} of disk {d.source or '?'}: ", x) for x in d.network_layers
            ]
            if d.type == "network" and d.protocol is not None:
                sources.insert(0, ("", d))
            elif (vol := _pool_network_disk(d, pools.get((v.host, d.pool or "")))) is not None:
                sources.insert(0, vol)  # R22V-1: a pool volume QEMU opens over the network
            elif h.proxmox is not None and (
                (vol := _pve_network_volume(d, storages.get(d.pool or ""))) is not None
            ):
                sources.insert(0, vol)  # P23-2: a Proxmox VE volume QEMU reads over the network
            elif _pve_storage_unseen(d, h, storages):
                refs.append(d.source_ref)  # R31P-1: its storage is not in the evidence
                unseen.setdefault(d.pool or "", []).append(d.source or "?")
            elif d.type == "volume" and d.pool_mode == "direct" and d.protocol is None:
                # R22V-4: mode='direct' is read for an iSCSI pool's volume, which QEMU's own
                # initiator then opens (virStorageTranslateDiskSourcePool); the pool, with its
                # type, hosts and <auth>, is not in the evidence
                refs.append(d.source_ref)
                asks.append(
                    f"volume {d.source or '?'} of pool {d.pool or '?'} in mode='direct' (of an "
                    "iSCSI pool, opened by QEMU's own initiator): the pool, its hosts and <auth> "
                    "are not in the evidence"
                )
            if sources:
                refs.append(d.source_ref)
            for prefix, x in sources:
                name = x.name if isinstance(x, NetworkLayer) else x.source
                kind, text, ref = _network_source_verdict(
                    h,
                    x.protocol or "",
                    name,
                    x.servers,
                    x.tls,
                    x.ssl_verify,
                    x.auth,
                    layer=isinstance(x, NetworkLayer) and x.role != "volume",
                    backing=isinstance(x, NetworkLayer) and x.role == "backing file",
                )
                buckets[kind].append(prefix + text)
                if ref is not None:
                    refs.append(ref)
        if unseen and h.proxmox is not None:
            asks.append(
                "volume(s) of storage(s) the evidence does not hold ("
                + "; ".join(f"{pool}: {', '.join(vols)}" for pool, vols in unseen.items())
                + f"; {h.proxmox.storages_unseen}): whether QEMU reads them from the storage's "
                "server itself (iscsidirect, ZFS over iSCSI, RBD without krbd, GlusterFS) is "
                "not known"
            )
        asks.extend(f"raw QEMU argument {raw}" for raw in _raw_network_disks(v))
        if fails:
            yield failed(s, "; ".join(fails + asks), *refs)
        elif asks:
            yield manual(
                s,
                "; ".join(asks + goods),
                *refs,
                question=f"Is the storage traffic of VM {v.name}'s network disk(s) ("
                + "; ".join(asks)
                + ") encrypted and authenticated between this host and the storage server? "
                "Evidence: ceph.conf ms_mode / ms_client_mode, the GlusterFS volume's "
                "client.ssl, IPsec policy (ip xfrm policy) for the server's address, the "
                "raw argument's tls-creds"
                + (
                    "; for an ssh backing file, `qemu-img info --backing-chain` on the image "
                    'above it (a backing file name json:{...} with "host_key_check": "no" '
                    "turns the server's key check off)"
                    if any(": SSH, but" in a for a in asks)
                    else ""
                )
                + (
                    "; for a storage the evidence does not hold, its entry in "
                    "/etc/pve/storage.cfg read as root (its type, `portal` or `monhost`, `krbd`)"
                    ". Pass: encrypted with the server authenticated, or a storage the node's "
                    "kernel mounts or maps (dir, lvm, lvmthin, zfspool, nfs, cifs, cephfs, "
                    "iscsi, rbd with `krbd 1`); fail: cleartext on any path, or an iscsidirect "
                    "or ZFS over iSCSI (`zfs`) storage, whose iSCSI initiator in QEMU gets no CHAP."
                    if unseen
                    else ". Pass: encrypted with the server authenticated; "
                    "fail: cleartext on any path."
                ),
            )
        elif goods:
            yield passed(s, "; ".join(goods), *refs)
        else:
            yield not_applicable(s, "no network disks", v.source)
