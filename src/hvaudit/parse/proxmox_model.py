"""A Proxmox VE bundle into the deployment model, so the platform-neutral checks apply unchanged.

Effective values are resolved here once, with Proxmox's documented defaults: a VM's NIC filters
spoofing only when the cluster firewall, the VM's firewall and the NIC's `firewall=1` are all on
(VM firewall `enable` defaults to 0, `macfilter` to 1, `ipfilter` is off unless set and needs
addresses in `ipfilter-net<N>`); an untagged NIC on a VLAN-aware bridge receives every VLAN.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import ipaddress
import json
import math
import re
import shlex
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from hvaudit.bundle import ArtefactEntry, Bundle
from hvaudit.collect.host import command_artefact, file_artefact
from hvaudit.collect.proxmox import (
    COROSYNC_LOCAL,
    NFT_FORCE_DISABLE,
    NODE_NAME,
    RUN_ARTEFACT,
    TFA_ARTEFACT,
    TFA_FILE,
    in_cluster,
    listing_artefact,
    node_artefact,
    pve_artefact,
)
from hvaudit.collect.proxmox_api import (
    HA_RESOURCES,
    PCI_MAPPINGS,
    PERMISSIONS,
    SDN_RUNNING,
    bridges_artefact,
    run_state_artefact,
)
from hvaudit.errors import InputError
from hvaudit.model import (
    SPICE_WEBDAV,
    AgentChannel,
    Container,
    CpuAffinity,
    Deployment,
    Disk,
    Fact,
    Graphics,
    Host,
    Interface,
    Listen,
    Passthrough,
    Pool,
    ProxmoxHost,
    Setting,
    SharedDirectory,
    Source,
    SpoofProtection,
    Vm,
)
from hvaudit.parse import ParseProblem, collection_notes
from hvaudit.parse import proxmox as pve
from hvaudit.parse.host import parse_host_facts
from hvaudit.parse.libvirt_xml import I440FX_MACHINES
from hvaudit.parse.proxmox_firewall import IpsetEntry, nft_options
from hvaudit.parse.qemu_args import (
    HOST_CHARDEV,
    HOST_RNG,
    QAPI_TRUE,
    global_vfio_passthrough,
    pflash_secure,
    qemu_options,
    raw_chardev_passthrough,
    raw_input_passthrough,
    raw_pci_passthrough,
    raw_rng_passthrough,
    vfio_pci_without_sysfsdev,
)
from hvaudit.textsafe import digits

__all__ = [
    "FIREWALL_DAEMONS",
    "NO_FIREWALL_DAEMON",
    "build_pve_deployment",
    "firewall_daemon",
]

#: The daemons that apply Proxmox's firewall configuration: pve-firewall (iptables, ipset and
#: ebtables) and proxmox-firewall (nftables, host.fw `nftables: 1`).
FIREWALL_DAEMONS = ("pve-firewall", "proxmox-firewall")
#: What a node whose processes show neither daemon has in force of its firewall files: nothing.
NO_FIREWALL_DAEMON = "neither pve-firewall nor proxmox-firewall runs on this node"


#: The question when whether the firewall daemon runs on a node is not in the evidence (HVA-301,
#: and every check whose pass needs the rules in force: HVA-191, 302, 303, 313).
#: The words of the cluster.fw gap that asks which firewall daemon runs itself (P21D-1): a check
#: that joins the daemon's question to a NIC's gap leaves it out beside this one (R37S-6).
DAEMON_ASKED = "which firewall daemon runs"

DAEMON_QUESTION = (
    "Is pve-firewall (or proxmox-firewall, with host.fw `nftables: 1`) running and enabled on "
    "node {node}? Evidence: `pve-firewall status` on {node}, and `systemctl is-active "
    "pve-firewall proxmox-firewall` and `systemctl is-enabled pve-firewall proxmox-firewall` "
    "(with `nftables: 1`, `dpkg -s proxmox-firewall`: when it is installed, only it applies the "
    "rules). Pass: the daemon is running and enabled (Status: enabled/running); fail: neither "
    "runs, or it is disabled at boot (no rule of cluster.fw is applied)."
)


def firewall_daemon(
    programs: Fact[tuple[str, ...]], nftables: bool | None, off: str = ""
) -> tuple[str, str]:
    """Whether the daemon that applies this node's firewall files runs: ("running", ""),
    ("absent", why) or ("unknown", why); `nftables` is host.fw's `nftables` option (None when
    host.fw was not read).

    No file under /etc/pve/firewall filters anything by itself. pve-firewall's daemon
    (src/PVE/Service/pve_firewall.pm, read from github:proxmox/pve-firewall) compiles cluster.fw,
    host.fw and <vmid>.fw and applies them every `$updatetime = 10` seconds
    (PVE::Firewall::update), and its `shutdown` calls `remove_pvefw_chains` ("clear
    PVE-generated firewall rules": the PVEFW-* chains, the ipsets and the ebtables chains); its
    stop command warns "stopping actively removes all Proxmox VE related iptable rules rendering
    the host potentially unprotected". Its process title is its name (PVE::Daemon->new(
    'pve-firewall', ...)). Which daemon applies the files: PVE::Firewall::update removes its
    own chains unless `is_enabled_and_not_nftables` (cluster enabled, and host.fw `nftables` off
    or /usr/libexec/proxmox/proxmox-firewall not installed); proxmox-firewall
    (github:proxmox/proxmox-firewall, src/bin/proxmox-firewall.rs run_firewall, config.rs
    is_enabled: `self.cluster().is_enabled() && self.host().nftables()`) removes its nftables
    tables unless host.fw sets `nftables: 1`, and removes them when it stops. So without
    `nftables: 1` only pve-firewall counts; with it, proxmox-firewall, or pve-firewall when
    proxmox-firewall is not installed (which the evidence does not show). Processes not read
    (an offline copy of /etc/pve, an API scan) leave it unknown, never absent. `off`: why
    neither daemon applies host.fw as written (`FirewallFile.daemons_off`)."""
    if not programs.known:
        return "unknown", f"running processes: {programs.reason}"
    running = [d for d in FIREWALL_DAEMONS if d in programs.get()]
    if not running:
        return "absent", NO_FIREWALL_DAEMON
    if off and "proxmox-firewall" in running:
        # neither daemon applies the files (`_nft_reading`, P21F-3)
        return "absent", off
    if nftables is None:
        if len(running) == 2:
            return "running", ""
        return "unknown", (
            f"only {running[0]} runs on this node, and host.fw (whose `nftables` option picks "
            "the daemon that applies the rules) was not read"
        )
    if not nftables:
        if "pve-firewall" in running:
            return "running", ""
        return "absent", (
            "pve-firewall does not run on this node, and proxmox-firewall applies nothing "
            "without host.fw `nftables: 1`"
        )
    if "proxmox-firewall" in running:
        return "running", ""
    return "unknown", (
        "host.fw sets `nftables: 1` and only pve-firewall runs on this node: it applies the rules "
        "only if proxmox-firewall is not installed, and removes them if it is"
    )


T = TypeVar("T")

NIC_MODELS = (
    "virtio",
    "e1000",
    "e1000e",
    "rtl8139",
    "vmxnet3",
    "i82551",
    "i82557b",
    "i82559er",
    "ne2k_isa",
    "ne2k_pci",
    "pcnet",
    "e1000-82540em",
    "e1000-82544gc",
    "e1000-82545em",
)
DISK_BUSES = ("scsi", "virtio", "sata", "ide")
REMOTE_STORAGE = {
    "nfs": "netfs",
    "cifs": "netfs",
    "cephfs": "netfs",
    "glusterfs": "gluster",
    "rbd": "rbd",
    "iscsi": "iscsi",
    "iscsidirect": "iscsi-direct",
    # pve-storage ESXiPlugin.pm: an ESXi host (`server`) whose VMs are imported (content
    # `import` only): the images stay on that ESXi host (L14-3)
    "esxi": "esxi",
}
DEFAULT_MEMORY_MIB = 512
# storage.cfg `content` values -> the model's content kinds (pvesm.adoc, "Storage Types" content).
CONTENT = {
    "images": "images",
    "rootdir": "images",
    "iso": "iso",
    "vztmpl": "templates",
    "backup": "backup",
    "snippets": "snippets",
    "import": "iso",
}
# What a storage holds when storage.cfg has no `content` line: pve-storage Plugin.pm parse_config
# gives it its plugin's default (`$d->{content} = $def->{content}->[1] if !$d->{content}`, the
# second element of each plugin's `plugindata` content; github:proxmox/pve-storage 0c56bad):
# never ISO images or templates but for ESXi's import (P16-4: a `dir` storage without `content`
# holds VM and container disks, no library). A type hvaudit does not know (a third-party
# plugin) is left unknown.
DEFAULT_CONTENT = {
    "dir": "images,rootdir",
    "btrfs": "images,rootdir",
    "nfs": "images",
    "cifs": "images",
    "cephfs": "backup",
    "esxi": "import",
    "iscsi": "images",
    "iscsidirect": "images",
    "lvm": "images",
    "lvmthin": "images,rootdir",
    "rbd": "images",
    "zfs": "images",
    "zfspool": "images,rootdir",
    "pbs": "backup",
}
# The content each storage type supports (the first element of its plugin's `plugindata`
# content): Plugin.pm decode_value drops any other `content` word ("storage does not support
# content type"), so an `lvm` storage listing iso holds no ISO image.
SUPPORTED_CONTENT = {
    "dir": "images rootdir vztmpl iso backup snippets none import",
    "btrfs": "images rootdir vztmpl iso backup snippets none import",
    "nfs": "images rootdir vztmpl iso backup snippets import",
    "cifs": "images rootdir vztmpl iso backup snippets import",
    "cephfs": "vztmpl iso backup snippets import",
    "esxi": "import",
    "iscsi": "images none",
    "iscsidirect": "images none",
    "lvm": "images rootdir",
    "lvmthin": "images rootdir",
    "rbd": "images rootdir",
    "zfs": "images",
    "zfspool": "images rootdir",
    "pbs": "backup none",
}


def _file(
    bundle: Bundle,
    path: str,
    parse: Callable[[str, str], T],
    problems: list[ParseProblem],
    host: str,
    absent: Callable[[], Fact[T]] | None = None,
    *,
    artefact: str | None = None,
) -> Fact[T]:
    artefact = artefact or pve_artefact(path)
    entry = bundle.entry(artefact)
    if entry is None:
        return Fact.unavailable(f"{path} was not collected")
    if entry.status == "absent":
        return absent() if absent else Fact.unavailable(f"{path} does not exist on the node")
    if entry.status == "unavailable":
        return Fact.unavailable(f"{path}: {entry.reason}", Source(artefact))
    if entry.status != "ok":
        return Fact.failed(f"{path}: {entry.reason}", Source(artefact))
    try:
        return Fact.of(parse(bundle.text(artefact), artefact), Source(artefact))
    except InputError as exc:
        problems.append(ParseProblem("host", host, artefact, str(exc)))
        return Fact.failed(str(exc), Source(artefact))


def _services_since_start(bundle: Bundle) -> str:
    """Why the node's /etc/services, as read, may not be what the running pve-firewall resolves
    service names from ("" where it is, or where the evidence settles nothing): the daemon reads
    the file once (github:proxmox/pve-firewall src/PVE/Firewall.pm get_etc_services caches it in
    `$etc_services` for the process's life, and parse_port_name_number_or_range keys a rule's
    names there), so a file whose last change (the later of `stat -c '%Y %Z'`: a copy keeps its
    source's mtime, not its ctime, R45T-1) is after the daemon's start (`ps -o lstart` in UTC)
    may give names ports, or lack names, the daemon does not know; iptables-restore resolves
    the names it is given at each update from the file as it then is. A stat that failed is
    asked too; a bundle of an older collector (no stat) settles nothing (R48F-2)."""
    procs = bundle.entry(command_artefact("processes"))
    if procs is None or procs.status != "ok" or procs.rc != 0:
        return ""
    pids = [
        parts[0]
        for line in bundle.text(command_artefact("processes")).splitlines()
        if len(parts := line.split(None, 2)) == 3
        and digits(parts[0])
        and parts[2].split()[0].rsplit("/", 1)[-1] == "pve-firewall"
    ]
    stat = bundle.entry(command_artefact("services-mtimes"))
    if not pids or stat is None:
        return ""
    pid = pids[0]
    if stat.status != "ok" or stat.rc != 0:
        why = " ".join((stat.reason or stat.stderr or f"exit status {stat.rc}").split())
        return (
            f"when /etc/services last changed was not read (`stat`: {why}); pve-firewall (pid "
            f"{pid}) reads it only when it starts, so the names it knows may differ from the file"
        )
    changed = [
        max(int(p[0]), int(p[1]))
        for line in bundle.text(command_artefact("services-mtimes")).splitlines()
        if len(p := line.split(" ", 2)) == 3 and digits(p[0]) and digits(p[1])
    ]
    starts = bundle.entry(command_artefact("process-starts"))
    if not changed or starts is None:
        return ""
    if starts.status != "ok" or starts.rc != 0:
        why = " ".join((starts.reason or starts.stderr or f"exit status {starts.rc}").split())
        return (
            f"when pve-firewall (pid {pid}) started was not read (`ps`: {why}); it reads "
            "/etc/services only when it starts, so the names it knows may differ from the file"
        )
    for line in bundle.text(command_artefact("process-starts")).splitlines():
        parts = line.split()
        if len(parts) != 6 or parts[0] != pid:
            continue
        try:
            began = dt.datetime.strptime(" ".join(parts[1:]), "%a %b %d %H:%M:%S %Y")
        except ValueError:
            return ""
        began = began.replace(tzinfo=dt.UTC)
        if changed[0] > began.timestamp():
            when = dt.datetime.fromtimestamp(changed[0], dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
            return (
                f"/etc/services changed at {when} UTC, after pve-firewall (pid {pid}) started at "
                f"{began:%Y-%m-%d %H:%M:%S} UTC: the daemon keeps the names it read then "
                "(get_etc_services), so the file as read is not what it resolves"
            )
    return ""


def _mapped_functions(px: ProxmoxHost, mapping: str, node: str) -> str | None:
    """The PCI functions a hostpciN `mapping=<id>` passes through on `node`, joined by `;` as a
    hostpci `host` list is, or None where the evidence does not give them. qemu-server e6352be
    PCI.pm parse_hostpci: `PVE::Mapping::PCI::find_on_current_node($mapping)` (pve-guest-common
    Mapping/PCI.pm get_node_mapping: the mapping's `map` entries whose `node` is the node's
    name, exactly), "PCI device mapping not found" without one, and each entry's `path` split
    at `;` is one alternative (choose_hostpci_devices takes the first one free): the VM may get
    any of them, so each is judged. A mapping with no entry for the node stops the VM's start;
    a VM running then was started with an earlier mapping, so that stays the question."""
    if not px.pci_mappings.known:
        return None
    entries = [e for e in px.pci_mappings.get().get(mapping, []) if e.get("node") == node]
    paths = [f for e in entries for f in e.get("path", "").split(";") if f]
    return ";".join(dict.fromkeys(paths)) or None


def _hwrng(value: str) -> str | None:
    """The bound on the guest's reads of the node's hardware RNG `rng0` hands it (qemu-server
    e6352be src/PVE/QemuServer/RNG.pm): "" for none, None when rng0 reads no hardware RNG.
    `source` (the default key) is an enum of /dev/urandom, /dev/random and /dev/hwrng, and
    parse_rng drops an rng0 the schema refuses (`eval { parse_property_string(...) }; warn $@`),
    so only `/dev/hwrng` exactly is the node's device; check_rng_source refuses to start a VM
    while /sys/devices/virtual/misc/hw_random/rng_current is `none` ("rng_current cannot be
    changed to 'none' manually"), so a running one reads a hardware RNG.
    print_rng_device_commandline writes `max-bytes=$max_bytes,period=$period` (defaults 1024
    and 1000) only `if ($max_bytes)`: 0 is unbounded ("Use `0` to disable limiting
    (potentially dangerous!)"); any other integer string is Perl-true, `00`, `+0` and `-0`
    included. parse_qemu_config has already dropped an rng0 the schema refuses (_QM_FORMATS:
    pve-common's integer is `[+-]?[0-9]+`, so `max_bytes=+5` is taken, P21-4)."""
    rng = pve.parse_property_string(value, "source")
    if rng.get("source") != "/dev/hwrng":
        return None
    max_bytes, period = rng.get("max_bytes", "1024"), rng.get("period", "1000")
    return "" if max_bytes == "0" else f"{max_bytes} bytes per {period} ms"


def _flag(text: str | None, default: bool) -> bool:
    """A Proxmox VE boolean as qemu-server reads it (QemuServer.pm check_type: `1` or
    on/yes/true, `0` or off/no/false, any case; pve-common JSONSchema parse_boolean for property
    strings, both `pve.pve_boolean`); absent or unreadable (qemu-server then drops the key): the
    default (R54)."""
    word = pve.pve_boolean(text or "")
    return default if word is None else word == "1"


def _pve_args(text: str) -> tuple[str, ...]:
    """`args:` as QEMU receives it: qemu-server config_to_command pushes
    `PVE::Tools::split_args($conf->{args})`, and split_args is Text::ParseWords::shellwords
    (read with `find_string`): quotes group words and vanish (R70). Unbalanced quotes make
    shellwords return nothing; the words split on blanks are kept then, so a console the text
    names is still judged (a fail on a file QEMU would not get, never a pass)."""
    words = shellwords(text)
    return tuple(words) if words or not text.strip() else tuple(text.split())


#: Text::ParseWords parse_line's pattern with shellwords' delimiter `\s+` (Text-ParseWords
#: 3.31, read with `find_string`): a double-quoted string, a single-quoted one (a backslash
#: escapes the next character in either, so `\'` does not end a single-quoted string), or
#: unquoted text up to the end, a blank, or a quote.
_PARSE_LINE = re.compile(
    r"""(?:
        (")((?>[^\\"]*(?:\\.[^\\"]*)*))"
      | (')((?>[^\\']*(?:\\.[^\\']*)*))'
      | ((?:\\.|[^\\"'])*?)(\Z|\s+|(?<=.)(?=["']))
    )""",
    re.S | re.X,
)


def shellwords(text: str) -> list[str]:
    """Perl's Text::ParseWords::shellwords, as pve-common's split_args calls it: words split on
    blanks, quotes grouping and removed; a backslash escapes the next character unquoted and
    inside double quotes (and is removed), inside single quotes it only keeps a quote from
    ending the string (and stays, $PERL_SINGLE_QUOTE being off). Python's shlex differs there
    (`"...o\n"` keeps its backslash, `'a\'` ends at the quote), which is how a quoted
    `disable-ticketing=o\n` reached QEMU as `on` unseen. Text that does not parse (an
    unbalanced quote, a trailing backslash) gives no words, as shellwords returns ()."""
    line = re.sub(r"^\s+", "", text)
    words: list[str | None] = []
    word: str | None = None
    while line:
        m = _PARSE_LINE.match(line)
        if m is None:
            return []
        line = line[m.end() :]
        quote = m[1] or m[3]
        quoted = m[2] if m[1] else m[4]
        unquoted, delim = m[5] or "", m[6] or ""
        if quote is None and not unquoted and not delim:
            return []
        unquoted = re.sub(r"\\(.)", r"\1", unquoted, flags=re.S)
        if quote == '"':
            quoted = re.sub(r"\\(.)", r"\1", quoted, flags=re.S)
        word = (word or "") + (quoted if quote else unquoted)
        if delim:
            words.append(word)
            word = None
        if not line:
            words.append(word)
    if words and words[-1] is None:
        words.pop()
    return [w or "" for w in words]


def _int(text: str | None, default: int = 0) -> int:
    """A qm.conf integer as qemu-server's check_type reads it (QemuServer.pm, type integer:
    `m/^(\\d+)$/` on the file's bytes, so ASCII digits only). Any other value is refused: the
    parser warns "unable to parse value of '$key'" and keeps no value, so the key's default
    holds, which is `default` here. float() would take "1e400" (then int() raises), "inf" and
    "\u0663", none of which Proxmox VE ever uses."""
    t = (text or "").strip()
    return int(t) if digits(t) else default


def _float(text: str | None) -> float:
    """A qm.conf number as check_type reads it (type number: `m/^(\\d+)(\\.\\d+)?$/`, ASCII);
    anything else is refused and the key dropped, which reads as 0 (unset) here."""
    t = (text or "").strip()
    return float(t) if _PVE_NUMBER.fullmatch(t) else 0.0


_PVE_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def _size(bundle: Bundle) -> tuple[int, int, int, dict[str, str]]:
    """(cores, threads, memory KiB, why a missing one is missing) from the node's /proc files:
    read on a live node, or copied into an offline tree (as an sosreport keeps them)."""
    cores = threads = mem = 0
    missing: dict[str, str] = {}

    def text(path: str) -> tuple[str | None, str]:
        for artefact in (file_artefact(path), pve_artefact(path)):
            entry = bundle.entry(artefact)
            if entry is not None and entry.status == "ok":
                return bundle.text(entry.path), ""
        tree = bundle.entry(pve_artefact(path))
        if tree is not None:
            return None, f"the copied tree has no {path.lstrip('/')} (copy the node's {path})"
        return None, f"{path} was not collected"

    info, why = text("/proc/cpuinfo")
    if info is not None:
        pairs = set(re.findall(r"physical id\s*:\s*([0-9]+)[\s\S]*?core id\s*:\s*([0-9]+)", info))
        threads = len(re.findall(r"^processor\s*:", info, re.M))
        cores = len(pairs) or threads
        if not cores:
            why = "/proc/cpuinfo lists no processor"
    if not cores:
        missing["cores"] = why
    meminfo, why = text("/proc/meminfo")
    if meminfo is not None:
        m = re.search(r"MemTotal:\s*([0-9]+)\s*kB", meminfo)
        mem = int(m.group(1)) if m else 0
        why = "" if mem else "/proc/meminfo has no MemTotal"
    if not mem:
        missing["memory"] = why
    return cores, threads, mem, missing


def _user_nic(nic: dict[str, str], model: str | None, src: Source) -> Interface:
    """A NIC without `bridge`: qemu-server Network.pm $net_fmt_bridge_descr "If you do not
    specify a bridge, we create a kvm user (NATed) network device, which provides DHCP and DNS
    services" (10.0.2.2 the gateway); print_netdev_full gives it `-netdev
    type=user,id=netN,hostname=<name>` (no `restrict`), and only a bridged NIC's
    `type=tap,...,script=/usr/libexec/qemu-server/pve-bridge`, whose tap_plug applies `tag`,
    `trunks`, `firewall` and `rate` (src/usr/pve-bridge): on this one they do nothing
    (github:proxmox/qemu-server e6352be, L18-1). libvirt's `<interface type='user'>`: QEMU's
    own network stack, no switch port, no host filter, no shaping."""
    return Interface(
        type="user",
        source="",
        mac=(nic.get(model) or nic.get("macaddr") or None) if model else None,
        model=model,
        filter=None,
        filter_parameters=(),
        vlan_tags=(),
        vlan_trunk=False,
        trust_guest_rx_filters=False,
        macvtap_mode=None,
        port_isolated=None,
        virtualport=None,
        bandwidth_limited=False,
        source_ref=src,
        spoofing=Fact.not_applicable(
            "a user-mode (NATed) NIC is not on a software switch: no bridge, no port to spoof from"
        ),
    )


def _spoofing(
    nic: dict[str, str],
    index: str,
    cluster: Fact[pve.FirewallFile],
    vm_fw: pve.FirewallFile | None,
    src: Source,
    nftables: bool | None = False,
    programs: Fact[tuple[str, ...]] | None = None,
    off: str = "",
    vm_gap: Fact[Any] | None = None,
) -> Fact[SpoofProtection]:
    """What pve-firewall (its iptables/ebtables backend) filters at this NIC, as its source shows.

    - MAC: with `macfilter` on (default 1), iptables drops IP packets not sent from the NIC's MAC
      (`ruleset_create_vm_chain`, OUT direction) and ebtables drops every other frame with another
      source MAC (`generate_tap_layer2filter`).
    - IP: the source address must be in IP set `ipfilter-net<N>` when `ipfilter: 1` is set or when
      that IP set exists (`generate_tap_rules_direction`; with `ipfilter` and no set, an implicit
      set holding only the link-local IPv6 address is used, so every IPv4 source is dropped).
    - ARP: only ebtables looks inside ARP, and only for the IPv4 entries of IP set
      `ipfilter-net<N>` (`compile_ebtables_filter` collects them, `generate_tap_layer2filter`
      adds `-p ARP --arp-ip-src <ip> -j RETURN` and a final DROP). `ipfilter: 1` without such
      entries leaves ARP unfiltered; cluster option `ebtables: 0` turns all of it off; an entry
      naming an alias makes `parse_ip_or_cidr` die inside the VM's eval, so the VM gets no
      ebtables rules at all.
    - With `nftables: 1` on the node, proxmox-firewall generates the rules instead; this
      resolution does not cover it (the check says so).
    - None of it is in force on a node whose processes show that the daemon that applies the
      rules does not run (`firewall_daemon`): it applies them and removes them when it stops
      (R5-13).
    """
    vm_off = Fact.of(SpoofProtection(frozenset(), "", "no filter: the VM firewall is off"), src)
    nic_off = Fact.of(SpoofProtection(frozenset(), "", "no filter: firewall=0 on the NIC"), src)
    daemon, why = firewall_daemon(programs, nftables, off) if programs is not None else ("", "")
    no_daemon = Fact.of(
        SpoofProtection(frozenset(), "", f"no filter: {why}: no rule is applied"),
        src,
        *(programs.sources if programs is not None else ()),
    )
    if not cluster.known:
        # the VM's firewall off (its .fw read), the NIC's firewall=0 and no daemon running
        # each leave the NIC unfiltered whatever cluster.fw holds: judged before its gap,
        # whose question alone passed them on a "yes" (R37S-3). A VM .fw not in the evidence
        # is not known to be off where the cluster's file was not read either.
        if vm_fw is not None and vm_fw.options.get("enable", "0") != "1":
            return vm_off
        if not _flag(nic.get("firewall"), False):
            return nic_off
        if daemon == "absent" and programs is not None:
            return no_daemon
        if vm_gap is not None:
            # the VM's .fw not read joins the cluster's gap: a "yes" to the cluster's alone
            # passed a VM whose own file may say `enable: 0` (R38E-1)
            return Fact(
                cluster.state,
                None,
                (*cluster.sources, *vm_gap.sources),
                f"cluster firewall: {cluster.reason}; VM firewall: {vm_gap.reason}",
            )
        return Fact(cluster.state, None, cluster.sources, f"cluster firewall: {cluster.reason}")
    copts = cluster.get().options
    if copts.get("enable", "0") != "1":
        return Fact.of(
            SpoofProtection(frozenset(), "", "no filter: the cluster firewall is off"),
            src,
            *cluster.sources,
        )
    if vm_fw is None and vm_gap is not None:
        # the VM's .fw there but not read (R38E-1): its firewall unknown, not off; firewall=0
        # on the NIC and no daemon running each leave it unfiltered whatever the file says
        if not _flag(nic.get("firewall"), False):
            return nic_off
        if daemon == "absent" and programs is not None:
            return no_daemon
        return Fact(vm_gap.state, None, (src, *vm_gap.sources), f"VM firewall: {vm_gap.reason}")
    if vm_fw is None or vm_fw.options.get("enable", "0") != "1":
        return vm_off
    if not _flag(nic.get("firewall"), False):
        return nic_off
    if daemon == "absent" and programs is not None:
        return no_daemon
    if nftables:
        return Fact.unavailable(
            "the node runs proxmox-firewall (host.fw nftables: 1), whose generated MAC, IP and "
            "ARP filters hvaudit does not resolve",
            src,
        )
    covers = set()
    ebtables = copts.get("ebtables", "1") != "0"
    if vm_fw.options.get("macfilter", "1") != "0":
        covers.add("mac")
    ipset = f"ipfilter-{index}"
    if vm_fw.options.get("ipfilter", "0") == "1" or ipset in vm_fw.ipsets:
        covers.add("ip")
    entries = vm_fw.ipsets.get(ipset, [])
    everyone = _every_address(entries)
    if everyone:
        # pve-firewall.adoc, "Standard IP set ipfilter-net*": traffic "with a source IP not
        # matching its interface's ipfilter set will be dropped"; /0 matches every source, and a
        # `!` (nomatch) entry takes out only its own addresses (ipset's exceptions, R45)
        but = [e.cidr for e in entries if e.nomatch]
        return Fact.of(
            SpoofProtection(
                frozenset(covers - {"ip"}),
                "pve-firewall (macfilter, ipfilter)",
                f"IP set {ipset} holds {everyone}, every source address"
                + (f" but {', '.join(but)}" if but else "")
                + ": IP and ARP spoofing are not stopped",
            ),
            src,
        )
    wide = [e.cidr for e in entries if not e.nomatch and _subnet(e.cidr)]
    if wide:
        # an entry wider than one address admits every source in it, the neighbours' too
        # (R48): whether each is this VM's own is not in the evidence
        return Fact.unavailable(
            f"IP set {ipset} admits the subnet(s) {', '.join(wide)}: whether every address in "
            "them is this VM's own is not in the evidence",
            src,
        )
    # compile_ebtables_filter reads every entry of the set through parse_ip_or_cidr, a `!` one
    # and one the parser flagged included: an entry that is no address (an alias, `10.0.0.300`)
    # dies inside the VM's eval, so the VM gets no ebtables rule; a `!` entry's address becomes
    # an `--arp-ip-src` RETURN, an ARP source the VM may claim (P22B-1)
    v4 = [e for e in entries if _pve_ip_version(e.cidr) == 4]
    unparsed = [e.cidr for e in entries if _pve_ip_version(e.cidr) is None]
    excepted = [e.cidr for e in v4 if e.nomatch]
    note = ""
    if not ebtables:
        note = "cluster option ebtables: 0 turns off pve-firewall's ARP filter"
    elif unparsed and re.fullmatch(r"(dc/|guest/)?[A-Za-z][A-Za-z0-9_-]+", unparsed[0], re.A):
        note = f"IP set {ipset} names an alias ({unparsed[0]}): pve-firewall builds no ARP filter"
    elif unparsed:
        note = (
            f"IP set {ipset} holds {unparsed[0]}, no IP address or network: pve-firewall builds "
            "no ARP filter"
        )
    elif excepted:
        note = (
            f"IP set {ipset} excepts {', '.join('!' + x for x in excepted)}: pve-firewall's ARP "
            "filter admits an excepted address as an ARP source"
        )
    elif v4:
        covers.add("arp")
    else:
        note = f"no IPv4 entry in IP set {ipset}: pve-firewall does not filter ARP"
    return Fact.of(
        SpoofProtection(
            frozenset(covers),
            "pve-firewall (macfilter, ipfilter)",
            note,
            allowed=tuple(e.cidr for e in entries if not e.nomatch),
        ),
        src,
    )


def _pve_ip_version(cidr: str) -> int | None:
    """pve-firewall parse_ip_or_cidr: the IP version of an address with an optional `/digits`
    ($IPV6RE or $IPV4RE, no mask bound), None for anything else (it dies)."""
    m = re.fullmatch(r"([0-9A-Fa-f.:]+)(?:/[0-9]+)?", cidr, re.A)
    try:
        return ipaddress.ip_address(m.group(1)).version if m else None
    except ValueError:
        return None


def _subnet(cidr: str) -> bool:
    """An IP set entry that names more than one address (a prefix shorter than the family's)."""
    try:
        net = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False
    return net.prefixlen < net.max_prefixlen


def _every_address(entries: list[IpsetEntry]) -> str:
    """The entries of an IP set that together admit every IPv4 or every IPv6 source ("" if none
    do): 0.0.0.0/0, or 0.0.0.0/1 with 128.0.0.0/1, and so on. A `nomatch` entry is an exception
    (ipset: "the IP addresses from 192.168.0/24 except 192.168.0/30 match"), so the set then
    admits every source but the exceptions: judged the same (R45)."""
    nets: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    for e in entries:
        if e.nomatch:
            continue
        # an entry pve-firewall refuses (a /0: "a zero prefix is not allowed") still says what
        # the set was meant to admit; judged as written (see COORD, R20)
        try:
            nets.append(ipaddress.ip_network(e.cidr, strict=False))
        except ValueError:
            continue
    for version, total in ((4, 2**32), (6, 2**128)):
        mine = [n for n in nets if n.version == version]
        v4 = [n for n in mine if isinstance(n, ipaddress.IPv4Network)]
        v6 = [n for n in mine if isinstance(n, ipaddress.IPv6Network)]
        covered = sum(n.num_addresses for n in ipaddress.collapse_addresses(v4)) + sum(
            n.num_addresses for n in ipaddress.collapse_addresses(v6)
        )
        if covered == total:
            return " + ".join(str(n) for n in mine)
    return ""


def _unread_sourced(unread: list[tuple[str, str]]) -> str:
    """What the sourced files not read are, for a message (the first three named)."""
    named = "; ".join(f"{path} ({why})" for path, why in unread[:3])
    more = f"; and {len(unread) - 3} more" if len(unread) > 3 else ""
    return f"a file /etc/network/interfaces sources was not read: {named}{more}"


def _perl_true(value: str | None) -> bool:
    """A qm.conf value as qemu-server tests it with Perl's truth (`if ($conf->{KEY})`): every
    string but "" and "0". check_type returns a string key's value unchecked against its enum
    (QemuServer.pm check_type: `$type eq 'string'` without a format: `return $value`), and
    pve-cpuset accepts "0", so `hugepages: 0` and `affinity: 0` are kept in the configuration
    and then read as unset: Memory.pm print_mem_object `if ($conf->{hugepages})` backs the VM
    with ordinary RAM, and QemuServer.pm `if ($conf->{affinity}) { push @$cmd,
    '/usr/bin/taskset', ...}` pins nothing (P13-5; github:proxmox/qemu-server)."""
    return value is not None and value not in ("", "0")


def _memory_guarantee(v: dict[str, str], at: Callable[[str], Source]) -> Setting | None:
    """hugepages pre-allocate the VM's memory; `balloon: 0` removes the balloon device, so the
    configured memory is fixed (guarantee = limit: qm.adoc "Memory", qemu-server starts no balloon
    device for balloon 0). A non-zero balloon below memory guarantees only the balloon target.
    `hugepages: 0` backs nothing (`_perl_true`, P13-5)."""
    if _perl_true(v.get("hugepages")):
        return Setting(f"hugepages {v['hugepages']}", at("hugepages"))
    if "balloon" in v and _int(v["balloon"], -1) == 0:
        return Setting(
            "balloon 0: no balloon device, memory fixed at its configured size", at("balloon")
        )
    return None


def _memory_priority(v: dict[str, str], at: Callable[[str], Source]) -> Setting | None:
    """HVA-070's priority: who yields under memory pressure. Only pvestatd's auto-ballooning
    arbitrates, and only VMs with a non-zero balloon take part: qemu-server's vmstatus sets
    `balloon_min` and `shares` (`defined($conf->{shares}) ? $conf->{shares} : $defaults->
    {shares}`, 1000) only `if ($conf->{balloon})`, and pve-manager AutoBalloon.pm skips a VM
    without a balloon minimum and one whose shares are 0 ("Using zero disables
    auto-ballooning", qm.conf; L14-4) (github:proxmox/qemu-server, pve-manager, read with
    `find_string`). So with a balloon target the priority is its shares, absent meaning 1000;
    without one `shares` is inert, and a VM whose memory is fixed (hugepages, or balloon: 0
    with no balloon device) yields nothing to that arbitration: no priority is needed, said so;
    otherwise (the balloon device at its default, no target) there is no priority (leads15)."""
    shares = v.get("shares")
    balloon = _int(v.get("balloon"), 0) if "balloon" in v else 0
    if balloon > 0:
        if shares is not None and digits(shares) and int(shares) == 0:
            return None
        if shares is None:
            return Setting(
                f"memory shares 1000 (the default, balloon target {balloon} MiB)", at("balloon")
            )
        return Setting(f"memory shares {shares} (balloon target {balloon} MiB)", at("shares"))
    guarantee = _memory_guarantee(v, at)
    if guarantee is None:
        return None
    inert = f" (shares {shares[:20]} inert without a balloon target)" if shares is not None else ""
    return Setting(
        f"no priority needed: memory fixed, outside pvestatd's auto-ballooning{inert}",
        guarantee.source,
    )


def _run_state(vmid: str, states: dict[str, str] | None, reason: str) -> tuple[bool, str]:
    """(running, why unknown): unknown is never 'not running'."""
    if states is None:
        return False, reason
    return states.get(vmid) == "running", ""


def _with_pending(cfg: pve.QemuConfig) -> pve.QemuConfig:
    """The configuration a running VM starts with next: its [PENDING] values over the current
    ones, minus the keys pending deletion (qemu-server PVE/QemuConfig.pm and API2/Qemu.pm, read
    with `search`: a change that cannot be hot-plugged stays in [PENDING], `delete:` lists the
    keys to remove, a `!` before a key forces it; vm_start applies them)."""
    values = dict(cfg.values)
    pending = dict(cfg.pending)
    for key in re.split(r"[,;\s]+", pending.pop("delete", "")):
        values.pop(key.lstrip("!"), None)
    values.update(pending)
    return dataclasses.replace(cfg, values=values, pending={})


def _node_arch(bundle: Bundle) -> str:
    """The node's architecture as qemu-server's get_host_arch sees it (uname's machine): aarch64
    where /proc/cpuinfo has the arm64 kernel's `CPU architecture` lines and no x86 `vendor_id`,
    else x86_64, the architecture Proxmox VE is released for (pve-docs "System Requirements":
    "Intel EMT64 or AMD64"; qemu-server CPUConfig.pm speaks of "our unofficial aarch64
    support")."""
    for artefact in (file_artefact("/proc/cpuinfo"), pve_artefact("/proc/cpuinfo")):
        entry = bundle.entry(artefact)
        if entry is not None and entry.status == "ok":
            info = bundle.text(entry.path)
            if re.search(r"^CPU architecture\s*:", info, re.M) and not re.search(
                r"^vendor_id\s*:", info, re.M
            ):
                return "aarch64"
            break
    return "x86_64"


def _vmstates(cfg: pve.QemuConfig) -> tuple[str, ...]:
    """The volumes holding this VM's RAM (HVA-067): qm.conf `vmstate` "Reference to a volume
    which stores the VM state. This is used internally for snapshots" (qemu-server
    QemuServer.pm's confdesc, read with `find_string`): in the current configuration it is the
    state `qm suspend --todisk` wrote ("If set, suspends the VM to disk. Will be resumed on next
    VM start"), in a snapshot section the RAM saved with that snapshot (vmstatestorage: "Default
    storage for VM state volumes/files")."""
    out = []
    if cfg.values.get("vmstate"):
        out.append(
            f"vmstate: {cfg.values['vmstate'][:80]} (suspended to disk: the guest's RAM is on "
            "that volume until the next start)"
        )
    out += [
        f"snapshot {name[:40]} with RAM (vmstate: {snap['vmstate'][:80]})"
        for name, snap in sorted(cfg.snapshots.items())
        if snap.get("vmstate")
    ]
    return tuple(out)


def _vm(
    cfg: pve.QemuConfig,
    artefact: str,
    host: str,
    px: ProxmoxHost,
    run: tuple[dict[str, str] | None, str],
    programs: Fact[tuple[str, ...]] | None = None,
    node_arch: str = "x86_64",
) -> Vm:
    v = cfg.values
    # qemu-server config_to_command: `$kvm //= 1 if is_native_arch($arch)` (CPUConfig.pm
    # is_native_arch: get_host_arch() eq $arch), then `-accel tcg` / `accel=tcg` `if (!$kvm)`:
    # a VM of another architecture than the node's (`arch: aarch64` on an x86_64 node) runs
    # under TCG unless `kvm` is set, and /usr/bin/kvm is the binary only for the node's own
    # architecture (Helpers.pm get_command_for_arch) (P13-6; github:proxmox/qemu-server)
    arch = v.get("arch") or node_arch
    native = arch == node_arch
    kvm_on = _flag(v.get("kvm"), native)

    def at(key: str) -> Source:
        return Source(artefact, f"line {cfg.lines.get(key, 0)}: {key}")

    cpu = pve.parse_property_string(v.get("cpu", ""), "cputype")
    sockets, cores = _int(v.get("sockets"), 1) or 1, _int(v.get("cores"), 1) or 1
    # qm.conf memory: "[current=]<integer>" (a property string since qemu-server 8, R53)
    memory = _int(
        pve.parse_property_string(v.get("memory", ""), "current").get("current"),
        DEFAULT_MEMORY_MIB,
    )
    bridges = px.interfaces.get().ifaces if px.interfaces.known else {}
    running_now, why_unknown = _run_state(cfg.vmid, *run)
    interfaces, passthrough, disks, legacy = [], [], [], []
    for key in sorted(v):
        val = v[key]
        if re.fullmatch(r"net[0-9]+", key):
            nic = pve.parse_property_string(val)
            # qemu-server Network.pm $net_fmt: `model` (the default key) with `macaddr`, or a
            # model name as a key holding the MAC (`keyAlias => 'model', alias => 'macaddr'`):
            # `model=rtl8139,macaddr=...` is the same NIC as `rtl8139=...` (P11-8)
            model = (
                nic["model"]
                if nic.get("model") in NIC_MODELS
                else next((m for m in nic if m in NIC_MODELS), None)
            )
            # libvirt's LEGACY_MODELS too (ne2k_isa: the NE2000 of ne2k_pci on ISA, R10-3; the
            # eepro100 family and vmxnet3, R21-4)
            if model in (
                "rtl8139",
                "ne2k_pci",
                "ne2k_isa",
                "pcnet",
                "i82551",
                "i82557b",
                "i82559er",
                "vmxnet3",
            ):
                legacy.append(f"{model} NIC")
            if not nic.get("bridge"):
                interfaces.append(_user_nic(nic, model, at(key)))
                continue
            bridge = nic.get("bridge", "")
            tags = tuple(_int(t) for t in nic.get("trunks", "").split(";") if t.strip())
            if nic.get("tag"):
                tags = (_int(nic["tag"]), *tags)
            # ifupdown2's bridge addon reads bridge-vlan-aware with get_boolean_from_string
            # (yes, on, 1, fast; pve.IFUPDOWN_TRUE), the first value of the squashed stanzas
            vlan_aware = pve.ifupdown_true(bridges.get(bridge, {}).get("bridge-vlan-aware"))
            # an Open vSwitch bridge: pve-common Network.pm ($ovs_bridge_add_port) sets tag= and
            # trunks= on the VM's OVS port only when the NIC has them, and an OVS port with no
            # tag is a trunk of every VLAN (ovs-vswitchd.conf.db(5), Port vlan_mode and trunks);
            # ifupdown2 reads Proxmox's `ovs_type` as `ovs-type`
            ovs = bridges.get(bridge, {}).get("ovs-type") == "OVSBridge"
            # the kernel's own vlan_filtering, where the node reported it (the API's SDN
            # bridges endpoint), is what tap_plug reads (/sys/class/net/<bridge>/bridge/
            # vlan_filtering): it settles the bridge whatever the files say
            live = px.bridge_vlan_filtering.get(bridge)
            if live is not None:
                vlan_aware, ovs = live, False
            trunk = bool(nic.get("trunks")) or ((vlan_aware or ovs) and not nic.get("tag"))
            # A bridge no file read declares: qemu-server plugs the NIC through
            # PVE::Network::SDN::Zones::tap_plug, which takes the name for an SDN VNet first
            # (/etc/pve/sdn/vnets.cfg, rendered into /etc/network/interfaces.d/sdn, read when
            # /etc/network/interfaces sources it; a VNet's `vlanaware` writes
            # `bridge-vlan-aware yes` there), and PVE::Network::tap_plug gives an untagged port
            # of a VLAN-aware bridge every VLAN. A sourced file that was not read may make any
            # bridge VLAN-aware (ifupdown2 squashes its stanza into the main file's), so an
            # untagged NIC then carries VLANs the evidence does not give (R67); a tag= makes
            # an access port on any bridge, trunks= is judged as it is.
            unknown_vlans = None
            unread = px.interfaces.get().unread if px.interfaces.known else []
            if bridge and not nic.get("tag") and not nic.get("trunks") and live is None:
                if px.interfaces_from_api and vlan_aware and not ovs:
                    # pve-common __read_etc_network_interfaces: `} elsif ($id eq
                    # 'bridge_vlan_aware') { $d->{$id} = 1;` for any value, `no` included,
                    # which ifupdown2 reads as false: the API's 1 proves no VLAN filtering
                    trunk = False
                    unknown_vlans = (
                        "GET /nodes/{node}/network reports bridge_vlan_aware 1 for any "
                        "bridge-vlan-aware line, `no` and `off` included (pve-common "
                        "__read_etc_network_interfaces), and the node reported no vlan_filtering "
                        "for it (pve-network's bridges endpoint, Proxmox VE 9.1 or later)"
                    ).replace("{node}", host)
                elif not px.interfaces.known:
                    unknown_vlans = "/etc/network/interfaces was not read"
                elif unread:
                    unknown_vlans = _unread_sourced(unread)
                elif bridge not in bridges:
                    unknown_vlans = (
                        "declared neither in /etc/network/interfaces nor in a file it sources, "
                        "so an SDN VNet (/etc/pve/sdn/vnets.cfg, not read) not yet applied"
                    )
            # An SDN VNet's `isolate-ports` (pve-network VnetPlugin: "sets the isolated
            # property for all interfaces on the bridge of this VNet"): Zones/Plugin.pm
            # tap_plug passes `isolation` from the applied configuration (Vnets::get_vnet(
            # $bridge, 1), .running-config) and pve-common PVE::Network::tap_plug runs `bridge
            # link set dev <port> isolated on` on the VM's port (fwpr<vmid>p<n> with the
            # firewall) when it plugs it: at VM start or NIC hot-plug, so a VM running since
            # before the option was applied may still have a port that is not isolated.
            vnet = px.sdn_vnets.get().get(bridge) if px.sdn_vnets.known else None
            isolated, unobserved = None, None
            if vnet is not None and _flag(vnet.get("isolate-ports"), False):
                isolated = True
                if running_now or why_unknown:
                    unobserved = (
                        f"{key} on VNet {bridge}: isolate-ports is set in the applied SDN "
                        "configuration, which Proxmox VE applies to a port when it plugs it (VM "
                        "start, NIC hot-plug); "
                        + (
                            "whether this running VM was started after it was applied is not in "
                            "the evidence"
                            if running_now
                            else f"whether the VM runs is not in the evidence ({why_unknown})"
                        )
                    )
            interfaces.append(
                Interface(
                    type="bridge",
                    source=bridge,
                    mac=(nic.get(model) or nic.get("macaddr") or None) if model else None,
                    model=model,
                    filter="pve-firewall" if _flag(nic.get("firewall"), False) else None,
                    filter_parameters=(),
                    vlan_tags=tags,
                    vlan_trunk=trunk,
                    vlan_untagged=(_int(nic.get("tag")) or 1) if vlan_aware and not ovs else None,
                    vlan_unknown=unknown_vlans,
                    trust_guest_rx_filters=False,
                    macvtap_mode=None,
                    port_isolated=isolated,
                    isolation_unobserved=unobserved,
                    virtualport=None,
                    # pve-common PVE/Network.pm setup_tc_rate_limit: `return if !$rate;`, so a
                    # rate of 0 (or one that is not a number) installs no limit.
                    bandwidth_limited=_positive(nic.get("rate")),
                    source_ref=at(key),
                    spoofing=_spoofing(
                        nic,
                        key,
                        px.cluster_firewall,
                        px.vm_firewalls.get(cfg.vmid),
                        at(key),
                        px.host_firewall.get().options.get("nftables") == "1"
                        if px.host_firewall.known
                        else None,
                        programs,
                        px.host_firewall.get().daemons_off if px.host_firewall.known else "",
                        vm_gap=px.vm_firewall_gaps.get(cfg.vmid)
                        or (px.vm_firewall_listing if cfg.vmid not in px.vm_firewalls else None),
                    ),
                )
            )
        elif re.fullmatch(r"hostpci[0-9]+", key):
            # qm.conf(5) hostpci: host= the device(s), or mapping= "The ID of a cluster wide
            # mapping" (its per-node addresses are in /etc/pve/mapping/pci.cfg)
            pci = pve.parse_property_string(val, "host")
            what = pci.get("host") or (
                f"of cluster mapping {pci['mapping']} (/etc/pve/mapping/pci.cfg)"
                if pci.get("mapping")
                else "?"
            )
            ref, named = at(key), bool(pci.get("host"))
            if not pci.get("host") and pci.get("mapping"):
                mapped = _mapped_functions(px, pci["mapping"], host)
                if mapped is not None:
                    named = True
                    what = mapped
                    ref = Source(
                        artefact,
                        f"{ref.locator} (cluster mapping {pci['mapping']}: the entries of node "
                        f"{host} in {PCI_MAPPINGS})",
                    )
            mdev = pci.get("mdev")
            if mdev and named and not re.fullmatch(r"nvidia-[0-9]+", mdev):
                # qemu-server PCI.pm: with `mdev` an instance of that type is created on the
                # function (pci_create_mdev_device) and QEMU gets `vfio-pci,sysfsdev=/sys/bus/
                # mdev/devices/<uuid>`, the function staying with its host driver: a mediated
                # device, libvirt's <hostdev type='mdev'> (P12-5). An `nvidia-NN` type on an
                # NVIDIA function becomes a whole VF instead (parse_hostpci_devices), which host
                # facts not collected decide: judged as a function
                passthrough.append(Passthrough("mdev", f"{mdev} on {what}", ref))
            else:
                passthrough.append(Passthrough("pci", what, ref))
        elif re.fullmatch(r"usb[0-9]+", key) and (
            (usb := pve.parse_property_string(val, "host")).get("mapping")
            or usb.get("host", "spice") != "spice"
        ):
            # qemu-server USB.pm $usb_fmt: `host` is the default key (`usb0: 046d:c52b`, `usb0:
            # 1-2.3` name a host device as `host=` does); get_usb_devices makes a usb-redir
            # device only of host `spice` (`m/^spice$/`), a usb-host device of anything else
            what = usb.get("host") or (
                f"of cluster mapping {usb['mapping']} (/etc/pve/mapping/usb.cfg)"
                if usb.get("mapping")
                else "?"
            )
            passthrough.append(Passthrough("usb", what, at(key)))
        elif re.fullmatch(r"(serial|parallel)[0-9]+", key) and val.strip().startswith("/dev/"):
            # qemu-server $serialdesc "pass through a host serial device (i.e. /dev/ttyS0)" and
            # $paralleldesc "Map host parallel devices": config_to_command `-chardev
            # serial,id=serial$i,path=$path` (`parallel,path=` for a parport, `serial` for a
            # /dev/usb/lpN) on an isa-serial or isa-parallel device, after only `die "no such
            # serial device\n" if !-c $path`: a host character device QEMU (root) opens, judged
            # as libvirt's chardev of type='dev' (HOST_CHARDEV: the host's console fails
            # HVA-050, its TPM HVA-056; L18-4P; was kind serial/parallel, "host-mediated",
            # P17-5). $serialdesc's pattern `(/dev/[^,]+|socket)` takes any device path.
            path = val.strip()
            if path.startswith("/"):
                path = "/" + "/".join(p for p in path.split("/") if p not in ("", "."))
            passthrough.append(Passthrough(HOST_CHARDEV, path, at(key)))
        elif key == "rng0" and (rng := _hwrng(val)) is not None:
            passthrough.append(Passthrough(HOST_RNG, "/dev/hwrng", at(key), rate=rng))
        elif (m := re.fullmatch(r"(scsi|virtio|sata|ide)[0-9]+", key)) is not None:
            d = pve.parse_property_string(val, "file")
            if d.get("file") == "cdrom":
                # `file=cdrom` is the node's optical drive (Drive.pm get_cdrom_path: the first
                # of /dev/cdrom, /dev/cdrom1, /dev/cdrom2; QEMU's host_cdrom driver, P17-5)
                passthrough.append(Passthrough("cdrom", "/dev/cdrom (the node's drive)", at(key)))
            media = d.get("media", "disk")
            # scsiN scsiblock=1: "use scsi-block for full passthrough of host block device"
            # (qm.conf): QEMU sends the guest's SCSI commands to the host device as SG_IO. Only
            # a host path is ever that (qemu-server Drive.pm get_scsi_device_type, the same since
            # 2012: scsi-block where `$drive->{file} =~ m|^/|` answers a SCSI INQUIRY as type 0
            # with scsiblock; a storage volume `store:vol` is never inquired, so it is scsi-hd
            # whatever scsiblock says, and so is a CD-ROM) (P13-2)
            lun = (
                m.group(1) == "scsi"
                and media != "cdrom"
                and (d.get("file") or "").startswith("/")
                and _flag(d.get("scsiblock"), False)
            )
            # a volume `STORAGE:VOLUME` of storage.cfg (pve-storage parse_volume_id)
            store = _PVE_VOLUME.fullmatch(d.get("file") or "")
            disks.append(
                Disk(
                    device="cdrom" if media == "cdrom" else "lun" if lun else "disk",
                    bus=m.group(1),
                    source=d.get("file"),
                    pool=store.group(1) if store else None,
                    readonly=_flag(d.get("ro"), False),
                    io_limited={"read", "write"} <= _pve_io_directions(d),
                    source_ref=at(key),
                    io_directions=frozenset(_pve_io_directions(d)),
                )
            )
            if m.group(1) == "ide":
                legacy.append("IDE bus")
        elif re.fullmatch(r"audio[0-9]+", key):
            legacy.append("sound card")
    # qm.conf scsihw: "SCSI controller model" of lsi, lsi53c810, virtio-scsi-pci,
    # virtio-scsi-single, megasas, pvscsi, "default => 'lsi'"; QemuServer.pm config_to_command
    # (`my $scsihw = defined($conf->{scsihw}) ? $conf->{scsihw} : $defaults->{scsihw}`) adds
    # `-device $scsihw` for the first scsiN drive of each controller, none without one: the
    # old host adapters are libvirt_xml.LEGACY_SCSI's QEMU devices (R21-1)
    scsihw = (v.get("scsihw") or "").strip()
    if scsihw in ("", "lsi", "lsi53c810", "megasas", "pvscsi") and any(
        re.fullmatch(r"scsi[0-9]+", k) for k in v
    ):
        legacy.append(
            f"{scsihw} SCSI controller"
            if scsihw
            else "lsi SCSI controller (qm.conf's default scsihw)"
        )
    # qm.conf machine: "[[type=]<machine type>] ..."; without one qemu-server starts x86_64 VMs
    # on QEMU's default i440FX machine (qm.adoc: "the default Intel 440FX or the Q35 chipset"),
    # whose board has the ISA floppy controller drive or not (libvirt_xml.I440FX_MACHINES, R46)
    machine = pve.parse_property_string(v.get("machine", ""), "type").get("type", "")
    if (
        arch == "x86_64"
        and (not machine or I440FX_MACHINES.fullmatch(machine))
        and not any(re.fullmatch(r"floppy[0-9]*", k) for k in v)
    ):
        legacy.append("floppy controller (i440FX machine)")
    named_vga = pve.parse_property_string(v.get("vga", ""), "type").get("type")
    vga = named_vga or _pve_default_vga(arch, machine, v.get("ostype", ""))
    if vga == "cirrus":  # libvirt's LEGACY_MODELS: cirrus video
        legacy.append(
            "cirrus video"
            if named_vga
            else f"cirrus video (qemu-server's default for {_pve_cirrus_why(machine, v)})"
        )
    elif vga == "vmware":  # QemuServer.pm $vga_map: 'vmware' => 'vmware-svga' (R13-3)
        legacy.append("vmvga video")
    # qemu-server QemuServer.pm $vga_map: 'virtio-gl' => 'virtio-vga-gl', QEMU's virglrenderer
    # GPU (HVA-405, leads13)
    accel3d = (
        ("vga: virtio-gl (QEMU's virtio-vga-gl, virglrenderer in QEMU)",)
        if vga == "virtio-gl"
        else ()
    )
    if any(
        re.fullmatch(r"usb[0-9]+", k)
        and pve.parse_property_string(val, "host").get("host") == "spice"
        for k, val in v.items()
    ):  # qm.conf usb: "spice" adds a SPICE USB redirection device (libvirt: <redirdev>)
        legacy.append("USB redirection")
    # qemu-server confdesc: tablet "default => 1", "turned off by default if you use spice";
    # QemuServer.pm config_to_command turns it off only for qxl (vga_conf_has_spice) and a
    # serial terminal (`m/^serial\d+$/`): `vga: none` keeps the USB tablet (P11-1)
    no_tablet = vga.startswith(("qxl", "serial"))
    if _flag(v.get("tablet"), not no_tablet):
        legacy.append("USB tablet")
    # qemu-server e6352be QemuServer.pm config_to_command: every display but serialN/none gets
    # `-vnc unix:<Helpers.pm vnc_socket: /var/run/qemu-server/<vmid>.vnc>,password=on`; qxl*
    # and virtio* (`$is_spice = $qxlnum || $vga->{type} =~ /^virtio/`) add `-spice
    # tls-port=<next_spice_port>,addr=<localhost of the node's address family>,tls-ciphers=HIGH`
    # (a TLS port only: every channel secure), its ticket set by API2/Qemu.pm spiceproxy
    # (`set_password` then `expire_password ... "+30"`) and reached through spiceproxy (L19-15P)
    graphics = []
    if vga != "none" and not vga.startswith("serial"):
        graphics.append(
            Graphics(
                "vnc",
                (Listen("socket", f"/var/run/qemu-server/{cfg.vmid}.vnc"),),
                Fact.not_applicable("reached through pveproxy with a ticket"),
                at("vga"),
                # qemu-server's -vnc (above) sets no tls-creds: qemu.conf's vnc_tls does not
                # apply, which matters once an `args:` -set moves it onto TCP (R42D-2)
                tls=False,
            )
        )
        if vga.startswith(("qxl", "virtio")):
            # SPICE with spice-server's defaults: clipboard and file transfer on (no
            # disable-copy-paste / disable-agent-file-xfer in qemu-server's -spice, HVA-239)
            graphics.append(
                Graphics(
                    "spice",
                    (Listen("address", "localhost"),),
                    Fact.of(True, at("vga")),
                    at("vga"),
                    default_mode="secure",
                    tls=True,
                )
            )
    agents = _pve_agent_channels(v, vga, at)
    efi = pve.parse_property_string(v.get("efidisk0", ""), "file")
    firmware = _pve_firmware(v, efi, arch)
    # CPUConfig.pm get_default_cpu_type($arch, $kvm): kvm64 with KVM, qemu64 without; on aarch64
    # `host` with KVM, `max` without ("KVM on aarch64 only accepts 'host'/'max' ... Without KVM,
    # the emulated 'max' works instead"); $kvm is the VM's `kvm`, else 1 for the node's own
    # architecture only (config_to_command, L14-1; github:proxmox/qemu-server)
    cpu_type = cpu.get("cputype") or (
        ("host" if kvm_on else "max") if arch == "aarch64" else ("kvm64" if kvm_on else "qemu64")
    )
    shares = tuple(
        SharedDirectory(
            "virtiofs",
            "",
            "passthrough",
            False,
            at(key),
            mapping=pve.parse_property_string(v[key], "dirid").get("dirid") or "?",
        )
        for key in sorted(v)
        if re.fullmatch(r"virtiofs[0-9]+", key)
    )
    # qm.conf ivshmem "size=<integer> [,name=<string>]": "Inter-VM shared memory"; qemu-server
    # maps /dev/shm/pve-shm-<name, default the VMID> with memory-backend-file share=on
    # (QemuServer.pm config_to_command).
    ivshmem = pve.parse_property_string(v.get("ivshmem", ""), "size")
    shm = (f"ivshmem /dev/shm/pve-shm-{ivshmem.get('name') or cfg.vmid}",) if "ivshmem" in v else ()
    sev = pve.parse_property_string(v.get("amd-sev", ""), "type")
    tdx = pve.parse_property_string(v.get("intel-tdx", ""), "type")
    running, why = _run_state(cfg.vmid, *run)
    raw_args = _pve_args(v.get("args", ""))
    # qm.conf(5) affinity: "List of host cores used to execute guest processes": every thread
    # of the VM's QEMU, judged like libvirt pinning (HVA-090: cores no other VM may use)
    # `affinity: 0` pins nothing: qemu-server runs taskset only `if ($conf->{affinity})` (P13-5)
    pinned = pve.pve_cpuset(v["affinity"]) if _perl_true(v.get("affinity")) else None
    affinity = (
        CpuAffinity((pinned,) * max(sockets * cores, 1), pinned, at("affinity"), (pinned,))
        if pinned
        else None
    )
    return Vm(
        name=v.get("name") or f"vm{cfg.vmid}",
        uuid=cfg.vmid,
        host=host,
        running=running,
        running_unknown=why,
        autostart=_flag(v.get("onboot"), False),
        hardware_accelerated=Fact.of(kvm_on, at("kvm" if "kvm" in v or native else "arch")),
        accelerator="kvm"
        if kvm_on
        else f"TCG, kvm: {v.get('kvm')}"
        if "kvm" in v
        else f"TCG: arch {arch} on an {node_arch} node, where qemu-server turns KVM on by "
        "default only for the node's own architecture",
        vcpus_max=sockets * cores,
        memory_max_kib=memory * 1024,
        memory_guarantee=_memory_guarantee(v, at),
        memory_limit=None,
        memory_priority=_memory_priority(v, at),
        memory_locked=False,
        memory_dumps=_vmstates(cfg),
        # only a pin HVA-090 can weigh against its neighbours (`affinity` above): a value it
        # cannot read is no reservation judged unchecked (P20-3)
        cpu_reservation=Setting(f"affinity {v['affinity']}", at("affinity")) if affinity else None,
        # cpulimit is in host CPUs ("If the computer has 2 CPUs, it has total of '2' CPU time",
        # the PVE API schema's cpulimit description, found with `search`); at or above
        # the VM's active vCPUs (vcpus, else sockets x cores) it limits nothing.
        cpu_limit=Setting(f"cpulimit {v['cpulimit']}", at("cpulimit"))
        if 0 < _float(v.get("cpulimit")) < (_float(v.get("vcpus")) or sockets * cores)
        else None,
        cpu_priority=Setting(f"cpuunits {v['cpuunits']}", at("cpuunits"))
        if "cpuunits" in v
        else None,
        # qemu-server QemuServer.pm vm_start: cpuunits becomes the scope's CPUWeight (cgroup v2)
        # or CPUShares (v1), clamped to [1, 10000] on v2 (PVE::CGroup::clamp_cpu_shares), R30T-2
        cpu_weight=int(_float(v.get("cpuunits"))) if "cpuunits" in v else 0,
        realtime_vcpus=False,
        nested_virtualization=cpu.get("cputype") in ("host", "max"),
        graphics=tuple(graphics),
        agent_channels=agents,
        interfaces=tuple(interfaces),
        disks=tuple(disks),
        state_volumes=(
            *(
                (efi_store,)
                if (efi_store := _pve_firmware_store(v, efi, arch, at("efidisk0")))
                else ()
            ),
            *_pve_tpm_state(v, at("tpmstate0")),
        ),
        # a raw -device vfio-pci is PCI passthrough as hostpciN is (R60); a raw `-object
        # input-linux,evdev=` (R14-3), `-chardev serial,path=` or `-serial /dev/...` (R17-4) a
        # host input or character device as libvirt's <qemu:commandline> ones are (L18-4P)
        passthrough=(
            *passthrough,
            *raw_pci_passthrough(raw_args, at("args")),
            # a raw -global vfio-pci.sysfsdev= replaces the function of hostpciN (vfio-pci,
            # host=...) or of a raw vfio-pci that sets no sysfsdev of its own (R40D-6, R41D-1)
            *global_vfio_passthrough(
                raw_args,
                any(p.kind in ("pci", "sr-iov/pci network function") for p in passthrough)
                or vfio_pci_without_sysfsdev(qemu_options(raw_args)),
                at("args"),
            ),
            *raw_input_passthrough(raw_args, at("args")),
            *raw_chardev_passthrough(raw_args, at("args")),
            *raw_rng_passthrough(raw_args, at("args")),
        ),
        emulated_legacy_devices=tuple(dict.fromkeys(legacy)),
        accelerated_3d=accel3d,
        confinement=Fact.of(
            "none (Proxmox VE runs QEMU as root without a per-VM label)", Source(artefact)
        ),
        confinement_disabled=True,
        raw_hypervisor_arguments=raw_args,
        vtpm="tpmstate0" in v,
        # qm.conf tpmstate0: the state disk of the VM's own swtpm (QemuServer.pm add_tpm_device);
        # qemu-server has no TPM passthrough
        tpm_backends=("emulator",) if "tpmstate0" in v else (),
        # tpmstate0's version=<v1.2 | v2.0>: its default was v1.2 and is v2.0 in newer
        # qemu-server releases (qm.conf(5) of each, read with `find_string`), so unstated is None
        tpm_version=(
            pve.parse_property_string(v["tpmstate0"], "file").get("version", "").lstrip("v") or None
        )
        if "tpmstate0" in v
        else None,
        secure_boot=firmware[0],
        secure_boot_detail=firmware[1],
        firmware_efi=v.get("bios") == "ovmf",
        launch_security=_pve_launch_security(sev, tdx),
        launch_security_debug=(
            "no-debug=0 (qm.conf amd-sev: the default), so the SEV policy allows debugging"
            if sev.get("type") and not _flag(sev.get("no-debug"), False)
            else None
        ),
        shared_memory=shm,
        shared_directories=shares,
        # qemu-server runs /usr/bin/kvm for the host's own architecture, else
        # /usr/bin/qemu-system-<arch> (QemuServer.pm get_command_for_arch); qm.conf has no key
        # that names another binary
        emulator="/usr/bin/kvm" if native else f"/usr/bin/qemu-system-{arch}",
        cpu_mode=_PVE_CPU_MODES.get(cpu_type, "custom"),
        cpu_model=cpu_type,
        arch=arch,
        # qm.conf machine "[[type=]<machine type>]": the type as pinned, None when unpinned
        # (qemu-server then runs the newest version its QEMU has, Machine.pm get_vm_machine)
        machine=machine or None,
        nested_features=_pve_nesting(cpu.get("flags", "")),
        source=Source(artefact),
        platform_lacks=frozenset({"cpu_reservation"}),
        cpu_affinity=affinity,
        # qm.conf allow-ksm: "Allow memory pages of this guest to be merged via KSM (Kernel
        # Samepage Merging)" (default 1); hugepages: "Enables hugepages memory" (R64)
        nosharepages=not _flag(v.get("allow-ksm"), True),
        hugepage_backed=_perl_true(v.get("hugepages")),
    )


#: A storage volume id, `STORAGE:VOLUME` (pve-storage PVE::Storage parse_volume_id:
#: `m/^([a-z][a-z0-9\-\_\.]*[a-z0-9]):(.+)$/i`).
_PVE_VOLUME = re.compile(r"([a-z][a-z0-9\-_.]*[a-z0-9]):(.+)", re.I | re.A | re.S)

#: qm.conf cpu: `host` passes the host CPU through and `max` enables every feature the
#: accelerator supports (QEMU's "max"); every other cputype is a named model.
_PVE_CPU_MODES = {"host": "host-passthrough", "max": "maximum"}


#: A machine type's QEMU version as qemu-server reads it (Machine.pm extract_version_parts).
_PVE_MACHINE_VERSION = re.compile(r"(?:pc(?:-i440fx|-q35)?|virt)-([0-9]+)\.([0-9]+)", re.A)


def _pve_windows_version(ostype: str) -> int:
    """qemu-server Helpers.pm windows_version: 5 for wxp, w2k, w2k3; 6 for w2k8, wvista; N for
    winN; 0 for every other ostype."""
    if ostype in ("wxp", "w2k3", "w2k"):
        return 5
    if ostype in ("w2k8", "wvista"):
        return 6
    m = re.fullmatch(r"win([0-9]+)", ostype, re.A)
    return int(m.group(1)) if m else 0


def _pve_old_machine(machine: str) -> bool:
    """A machine pinned to a QEMU version before 2.9 (qemu-server `min_version($machine_version,
    2, 9)` false); an unpinned one runs at the node's QEMU version (at least 6.0)."""
    m = _PVE_MACHINE_VERSION.match(machine)
    return m is not None and (int(m.group(1)), int(m.group(2))) < (2, 9)


def _pve_agent_channels(
    v: dict[str, str], vga: str, at: Callable[[str], Source]
) -> tuple[AgentChannel, ...]:
    """The console clients' channels into the guest qemu-server gives a VM (QemuServer.pm
    config_to_command, e6352be; HVA-239): with a SPICE display (`$is_spice = $qxlnum ||
    $vga->{type} =~ /^virtio/`) or `vga: ...,clipboard=vnc` a virtserialport
    com.redhat.spice.0 on `-chardev qemu-vdagent,...,clipboard=on` where clipboard=vnc, else
    on `-chardev spicevmc,id=vdagent,name=vdagent` (the SPICE agent); with SPICE,
    `spice_enhancements: foldersharing=1` adds `-chardev
    spiceport,id=foldershare,name=org.spice-space.webdav.0` ("Enable folder sharing via
    SPICE"). `vga: none` or serialN with clipboard=vnc stops the start (assert_clipboard_config).
    `usbN: spice` adds a SPICE USB redirection channel (no filter: qm.conf has none)."""
    conf = pve.parse_property_string(v.get("vga", ""), "type")
    vnc_clip = conf.get("clipboard") == "vnc"
    spice = vga.startswith(("qxl", "virtio"))
    out: list[AgentChannel] = []
    if vnc_clip and vga != "none" and not vga.startswith("serial"):
        out.append(AgentChannel("qemu-vdagent", "com.redhat.spice.0", at("vga"), clipboard=True))
    elif spice:
        out.append(AgentChannel("spicevmc", "com.redhat.spice.0", at("vga")))
    enh = pve.parse_property_string(v.get("spice_enhancements", ""))
    if spice and _flag(enh.get("foldersharing"), False):
        out.append(AgentChannel("spiceport", SPICE_WEBDAV, at("spice_enhancements")))
    # `usbN: spice`: `-chardev spicevmc,id=usbredirchardevN,name=usbredir -device usb-redir`
    # (QemuServer.pm, read with `find_string`), a SPICE client's USB device in the guest
    out.extend(
        AgentChannel("usbredir", f"{k}: spice", at(k))
        for k, val in sorted(v.items())
        if re.fullmatch(r"usb[0-9]+", k)
        and pve.parse_property_string(val, "host").get("host") == "spice"
    )
    return tuple(out)


def _pve_default_vga(arch: str, machine: str, ostype: str) -> str:
    """The display qemu-server gives a VM whose `vga` names no type (QemuServer.pm
    get_vga_properties): virtio on aarch64; else std, but cirrus for Windows before Vista
    (windows_version below 6) and, on a machine pinned before 2.9, for every guest but Windows
    Vista and later (`min_version($machine_version, 2, 9) ? (!$winversion || $winversion >= 6)
    : ($winversion >= 6)`; github:proxmox/qemu-server, P16-1)."""
    if arch == "aarch64":
        return "virtio"
    win = _pve_windows_version(ostype)
    if _pve_old_machine(machine):
        return "std" if win >= 6 else "cirrus"
    return "std" if not win or win >= 6 else "cirrus"


def _pve_cirrus_why(machine: str, v: dict[str, str]) -> str:
    """Why qemu-server's default display is cirrus (`_pve_default_vga`), as the message says it."""
    if 0 < _pve_windows_version(v.get("ostype", "")) < 6:
        return f"ostype {v['ostype']} without a vga type"
    return f"machine {machine}, before 2.9, without a vga type"


def _pve_nesting(flags: str) -> tuple[tuple[str, str], ...]:
    """qm.conf cpu flags: "There is a special 'nested-virt' shorthand which controls nested
    virtualization for the current CPU ('svm' for AMD and 'vmx' for Intel)"; qemu-server resolves
    it to the host CPU's own flag (CPUConfig.pm resolve_cpu_flags), so +nested-virt requires the
    host vendor's flag and -nested-virt disables it. A custom model's own flags live in
    /etc/pve/virtual-guest/cpu-models.conf (not in the VM's file)."""
    out: list[tuple[str, str]] = []
    for flag in flags.split(";"):
        flag = flag.strip()
        if flag[1:] == "nested-virt" and flag[:1] in "+-":
            policy = "require" if flag[0] == "+" else "disable"
            out = [("vmx", policy), ("svm", policy)]
    return tuple(out)


def _pve_firmware(v: dict[str, str], efi: dict[str, str], arch: str) -> tuple[bool, str | None]:
    """Whether the VM boots OVMF with Secure Boot keys enrolled, and what the message says.

    qm.conf bios "default = seabios"; efidisk0 pre-enrolled-keys: "Use am EFI vars template with
    distribution-specific and Microsoft Standard keys enrolled, if used with 'efitype=4m'. Note
    that this will enable Secure Boot by default" (efitype "default = 2m"; "'4m' is ... required
    for Secure Boot"); qemu-server picks the -ms vars template only for efitype=4m with
    pre-enrolled-keys (QemuServer.pm get_ovmf_files), and without an efidisk0 starts from a
    temporary copy of the plain template (print_ovmf_drive_commandlines).

    The code image follows the machine and amd-sev (qemu-server OVMF.pm get_ovmf_files, called
    with `$smm` = machine_type_is_q35, i.e. a machine type matching `q35`): an i440FX VM gets
    `4m-no-smm-ms`, OVMF_CODE_4M.fd, which pve-edk2-firmware builds without SMM_REQUIRE
    (debian/rules OVMF_4M_FLAGS; only OVMF_CODE_4M.secboot.fd has -DSMM_REQUIRE=TRUE), so the
    variable store is flash the guest OS writes directly and Secure Boot is not protected from
    it (libvirt kbase "Secure Boot": secure boot needs the SMM-protected loader). A q35 VM gets
    OVMF_CODE_4M.secboot.fd, but SMM guards the store only where QEMU refuses flash writes from
    outside SMM, cfi.pflash01's `secure` property: `DEFINE_PROP_BIT("secure", PFlashCFI01,
    features, PFLASH_SECURE, 0)` (hw/block/pflash_cfi01.c), which qemu-server never sets (no
    `-global` for it in the tree nor in its expected command line src/test/cfg2cmd/
    efi-secboot-and-tpm-q35.conf.cmd) and no pve-qemu patch changes (qemu-server e6352be6,
    pve-qemu b4321283, read with `fetch`): such a VM fails unless its `args:` turns the property
    on, the last `-global` for it deciding (P23C-1; libvirt adds `-global driver=cfi.pflash01,
    property=secure,value=on` for an SMM loader, R23M-3). amd-sev
    std/es get `4m-sev`, OVMF_SEV_CODE_4M.fd (OVMF_SEV_4M_FLAGS, no SMM) with the vars template
    OVMF_SEV_VARS_4M.fd (no keys enrolled); snp boots `-bios OVMF_SEV_4M.fd`, ignoring the
    efidisk ("EFI disks are not supported with Confidential Virtual Machines", print_ovmf_
    commandline): no persistent store, no keys (P12-1). qemu-server's own test
    src/test/cfg2cmd/sev-std.conf (efitype=4m,pre-enrolled-keys=1 with amd-sev type=std) starts
    OVMF_SEV_CODE_4M.fd. amd-sev wins over intel-tdx (CPUConfig.pm get_cvm_type). An aarch64 VM
    (`arch: aarch64`) takes AAVMF: get_ovmf_files reads no efitype there, and pre-enrolled-keys
    selects `ms`, AAVMF_CODE.secboot.fd with AAVMF_VARS.ms.fd, if the node's firmware package
    ships the secboot image (qemu-server 9.2.6 OVMF.pm, read with `fetch`; L13-6), else drops the
    keys. Either way the store is the virt board's second flash, which QEMU maps where the
    guest OS reaches it: hw/arm/virt.c virt_flash_map, "The second flash device is visible to
    both secure and nonsecure", and machvirt_init refuses `secure=on` under KVM ("KVM does not
    support providing Security extensions (TrustZone) to the guest CPU"); pve-edk2-firmware
    cb8a6609 builds AAVMF_CODE.secboot.fd as ArmVirtQemu with AAVMF_SECBOOT_FLAGS
    (SECURE_BOOT_ENABLE=TRUE, no QEMU_PV_VARS: no host variable service), so the variable
    driver and the OS share the flash; QEMU docs/devel/uefi-vars.rst: secure boot "comes with
    the requirement that the UEFI variable storage must be protected against direct access by
    the OS", the host variable service "allows support for secure boot on arm without
    implementing secure world (el3) emulation in kvm". So it fails, as the unprotected q35
    store does (P24-1, was the store question)."""
    if v.get("bios") != "ovmf":
        return False, None
    sev = pve.parse_property_string(v.get("amd-sev", ""), "type").get("type")
    if arch == "x86_64" and sev == "snp":
        return False, "OVMF_SEV_4M.fd (amd-sev type=snp, -bios): no persistent keys enrolled"
    if arch == "x86_64" and sev in ("std", "es"):
        return False, (
            f"OVMF_SEV_CODE_4M.fd (amd-sev type={sev}): built without SMM, vars template "
            "OVMF_SEV_VARS_4M.fd without keys"
        )
    tdx = pve.parse_property_string(v.get("intel-tdx", ""), "type").get("type")
    if arch == "x86_64" and not sev and tdx == "tdx":
        # get_ovmf_files `4m-tdx`: OVMF_TDX_4M.ms.fd, keys enrolled into the image at build
        # (pve-edk2-firmware debian/rules OVMF_TDX_PREENROLLED_IMAGES); booted with -bios, the
        # efidisk ignored (print_ovmf_commandline): what the guest sees is the question (P12-4)
        return True, "OVMF_TDX_4M.ms.fd (intel-tdx, -bios, keys in the image, efidisk0 ignored)"
    if not efi.get("file"):
        return False, "OVMF without efidisk0: a temporary variable store without keys"
    if arch == "aarch64":
        # get_ovmf_files on aarch64 reads pre-enrolled-keys only, not efitype: with it, `ms`
        # (AAVMF_CODE.secboot.fd, AAVMF_VARS.ms.fd) where the node has the secboot image, else a
        # warning and the keys dropped (pve-edk2-firmware-aarch64 <= 4.2025.05-2 lacks it)
        if not _flag(efi.get("pre-enrolled-keys"), False):
            return False, "AAVMF efidisk0 without pre-enrolled-keys=1: no keys enrolled"
        # the store is pflash1 of QEMU's virt board, visible to the guest's normal world (the
        # OS); ArmVirtQemu has no SMM and KVM no secure world (EL3) to guard it (P24-1). A raw
        # `-global` turning cfi.pflash01's `secure` on makes QEMU refuse every write, the
        # firmware's too (none is secure without a secure world): what then holds is the store
        secure = pflash_secure(_pve_args(v.get("args", "")))
        if secure is not None and secure[1] in QAPI_TRUE:
            return True, (
                "AAVMF efidisk0 pre-enrolled-keys=1 (aarch64: efitype does not apply), args sets "
                f"{secure[0]}: QEMU refuses every write to the variable store flash, the "
                "firmware's included"
            )
        return False, (
            "AAVMF efidisk0 pre-enrolled-keys=1 (aarch64: efitype does not apply): "
            "AAVMF_CODE.secboot.fd with AAVMF_VARS.ms.fd, but QEMU's virt board maps the "
            "variable store flash into the guest's normal world and KVM gives the guest no "
            "secure world to guard it: the guest OS can rewrite the variable store, so Secure "
            "Boot is not protected"
        )
    if efi.get("efitype", "2m") != "4m":
        return False, f"OVMF with efitype={efi.get('efitype', '2m')}: no Secure Boot template"
    if not _flag(efi.get("pre-enrolled-keys"), False):
        return False, "OVMF efidisk0 without pre-enrolled-keys=1: no keys enrolled"
    machine = pve.parse_property_string(v.get("machine", ""), "type").get("type", "")
    if arch == "x86_64" and "q35" not in machine:
        return False, (
            "OVMF_CODE_4M.fd on an i440FX machine (no SMM): the guest OS can rewrite the "
            "variable store, so Secure Boot is not protected"
        )
    if arch == "x86_64":
        # SMM guards the store only where QEMU refuses flash writes from outside SMM, its
        # cfi.pflash01 `secure` property (default 0), which qemu-server never sets (P23C-1)
        secure = pflash_secure(_pve_args(v.get("args", "")))
        if secure is None or secure[1] not in QAPI_TRUE:
            said = (
                f"args sets {secure[0]}"
                if secure is not None
                else "no -global driver=cfi.pflash01,property=secure,value=on (qemu-server "
                "adds none, and QEMU's default is off)"
            )
            return False, (
                f"OVMF_CODE_4M.secboot.fd on q35 with SMM, but {said}: QEMU takes flash "
                "writes from outside SMM, the guest OS can rewrite the variable store, so "
                "Secure Boot is not protected"
            )
    return True, "OVMF efidisk0 efitype=4m, pre-enrolled-keys=1"


def _pve_firmware_store(
    v: dict[str, str], efi: dict[str, str], arch: str, ref: Source
) -> Disk | None:
    """efidisk0's volume where QEMU opens it (P24-3): qemu-server OVMF.pm generate_ovmf_blockdev
    (print_ovmf_drive_commandlines before -blockdev) hands it to Blockdev.pm
    generate_drive_blockdev with the VM's disks, so a volume of an iscsidirect, ZFS over
    iSCSI, rbd (no krbd) or glusterfs storage is read and written by QEMU's own client as a
    disk there is; with bios ovmf only, and not for amd-sev snp or intel-tdx, which boot
    `-bios` and ignore it (print_ovmf_commandline)."""
    if v.get("bios") != "ovmf" or not efi.get("file"):
        return None
    sev = pve.parse_property_string(v.get("amd-sev", ""), "type").get("type")
    tdx = pve.parse_property_string(v.get("intel-tdx", ""), "type").get("type")
    if arch == "x86_64" and (sev == "snp" or (not sev and tdx == "tdx")):
        return None
    store = _PVE_VOLUME.fullmatch(efi["file"])
    return Disk(
        device="disk",
        bus="efidisk",
        source=efi["file"],
        pool=store.group(1) if store else None,
        readonly=False,
        io_limited=False,
        source_ref=ref,
    )


def _pve_tpm_state(v: dict[str, str], ref: Source) -> tuple[Disk, ...]:
    """tpmstate0's volume (P24-4): qemu-server start_swtpm gives swtpm a storage volume through
    a qemu-storage-daemon FUSE export when Drive.pm drive_uses_qsd_fuse says so (`return 1 if
    $path =~ m!^iscsi://!`: "The iSCSIDirect and ZFS-over-iSCSI plugins do not implement
    map_volume() and only provide an iscsi protocol path. Use QSD", qemu-server 85eed9f6,
    2026-05-06), and QSD.pm add_fuse_export attaches it with Blockdev.pm attach, the disks'
    blockdev options; other volumes are mapped by the node (map_volume). HVA-238 judges it on
    those iSCSI storages only."""
    tpm = pve.parse_property_string(v.get("tpmstate0", ""), "file")
    store = _PVE_VOLUME.fullmatch(tpm.get("file") or "")
    if store is None:
        return ()
    return (
        Disk(
            device="disk",
            bus="tpmstate",
            source=tpm["file"],
            pool=store.group(1),
            readonly=False,
            io_limited=False,
            source_ref=ref,
        ),
    )


def _pve_launch_security(sev: dict[str, str], tdx: dict[str, str]) -> str | None:
    """qm.conf amd-sev type std|es|snp, intel-tdx type tdx."""
    kind = {"std": "sev", "es": "sev-es", "snp": "sev-snp"}.get(sev.get("type", ""))
    return kind or ("tdx" if tdx.get("type") == "tdx" else None)


def build_pve_deployment(bundle: Bundle) -> tuple[Deployment, list[ParseProblem]]:
    """Build the model of a Proxmox VE bundle: one node, or every node of a cluster (API path)."""
    problems: list[ParseProblem] = []
    meta = bundle.manifest.get("collector", {}).get("proxmox", {})
    members = meta.get("nodes") if isinstance(meta, dict) else None
    cluster = [n for n in members or [] if isinstance(n, str) and NODE_NAME.fullmatch(n)]
    if cluster:
        first = cluster[0]
    else:
        entry = bundle.entry(pve_artefact("/etc/hostname"))
        # the node's name is its host name without the domain part (pve-common PVE::INotify
        # nodename: `$nodename =~ s/\..*$//; # strip domain part, if any`): /etc/pve/nodes/<it>
        # holds its host.fw, so an FQDN in /etc/hostname names no node directory
        first = (
            bundle.text(entry.path).strip().split(".", 1)[0]
            if entry and entry.status == "ok"
            else ""
        ) or bundle.target
    shared_notes: list[str] = []
    shared = _cluster_facts(bundle, problems, first, shared_notes)
    dep = Deployment(
        target=bundle.target,
        platform="proxmox-ve",
        collected_at=str(bundle.manifest.get("collected_at", "")),
        hosts=[],
        vms=[],
        networks=[],
        pools=[],
        artefact_digests={p: e.sha256 for p, e in bundle.entries.items() if e.sha256},
    )
    if cluster:
        # a node GET /nodes answered offline was not collected (ProxmoxApiCollector.collect):
        # it is a node of the cluster nothing judged, not a cluster without it (R29P-2)
        unreached = meta.get("unreached")
        for node, why in unreached.items() if isinstance(unreached, dict) else ():
            if isinstance(node, str) and NODE_NAME.fullmatch(node) and node not in cluster:
                dep.unreached_hosts.append((node, str(why)[:200]))
                dep.unreached_guests[node] = _unreached_guests(meta, node)
        for node in cluster:
            _add_node(
                bundle,
                dep,
                problems,
                shared,
                node,
                functools.partial(in_cluster, node),
                vm_dir=pve_artefact(f"/etc/pve/nodes/{node}/qemu-server/"),
                status=node_artefact(node, "/status.json"),
            )
    else:
        _add_node(
            bundle,
            dep,
            problems,
            shared,
            first,
            pve_artefact,
            vm_dir=pve_artefact("/etc/pve/qemu-server/"),
            status="pve/api/node-status.json",
        )
    storage = _file(bundle, "/etc/pve/storage.cfg", pve.parse_storage, problems, first)
    if not storage.known:
        # R31P-2: a node always has storages (pve-storage 0c56bad src/PVE/Storage/Plugin.pm
        # parse_config: "make sure we have a reasonable 'local:' storage", a dir storage at
        # /var/lib/vz for iso and vztmpl among the rest), so a storage.cfg not read is a
        # storage list not known, never a cluster without storages: HVA-100 asks for it, and
        # a disk's storage is no storage the evidence holds (R31P-1)
        for host in dep.hosts:
            assert host.proxmox is not None
            host.proxmox.storages_unseen = f"storage.cfg was not read ({storage.reason})"
    else:
        templates = _template_storages(dep, bundle)
        for sid, opts in storage.get().items():
            kind = REMOTE_STORAGE.get(opts["type"], opts["type"])
            words = opts["content"] if "content" in opts else DEFAULT_CONTENT.get(opts["type"])
            content: tuple[str, ...] | None = None
            if words is not None:
                supported = SUPPORTED_CONTENT.get(opts["type"])
                content = tuple(
                    dict.fromkeys(
                        CONTENT.get(c, c)
                        for c in re.split(r"[,;\s]+", words)
                        if c and (supported is None or c in supported.split())
                    )
                )
            if content is not None and sid in templates and "templates" not in content:
                content = (*content, "templates")
            # storage.cfg `nodes`: "List of nodes for which the storage configuration applies"
            # (pve-storage Plugin.pm, a pve-node-list split at `,`, `;` and blanks): the storage
            # exists on those nodes only; it is put on the first of them this scan has (L14-3)
            nodes = tuple(n for n in re.split(r"[,;\s]+", opts.get("nodes", ""), flags=re.A) if n)
            scanned = [n for n in nodes if any(h.name == n for h in dep.hosts)]
            dep.pools.append(
                Pool(
                    sid,
                    scanned[0] if scanned else first,
                    kind,
                    opts.get("path") or opts.get("export") or opts.get("datastore"),
                    Source(pve_artefact("/etc/pve/storage.cfg"), sid),
                    content,
                    # `zfs` is ZFS over iSCSI: its volumes are read from `portal` (P23-2)
                    source_hosts=_storage_servers(opts)
                    if opts["type"] in REMOTE_STORAGE or opts["type"] == "zfs"
                    else (),
                    # pve-storage CephConfig.pm ceph_connect_option: `my $pveceph_managed =
                    # !defined($scfg->{monhost})` -> /etc/pve/ceph.conf, the Ceph cluster
                    # pveceph runs on the Proxmox VE nodes themselves (P11-7)
                    ceph_on_nodes=opts["type"] in ("rbd", "cephfs") and not opts.get("monhost"),
                    nodes=nodes,
                    # pve-storage RBDPlugin.pm krbd "Always access rbd through krbd kernel
                    # module": path gives /dev/rbd... then, else `rbd:` for QEMU's librbd (P23-2)
                    kernel_client=opts["type"] == "rbd" and _flag(opts.get("krbd"), False),
                )
            )
    for host in dep.hosts:
        assert host.proxmox is not None
        for path, key, line in host.proxmox.unknown_keys:
            dep.notes.append(
                f"{path}:{line}: unknown VM configuration key {key!r} kept, not assessed"
            )
    dep.notes += shared_notes
    for host in dep.hosts:
        assert host.proxmox is not None
        hf = host.proxmox.host_firewall
        if hf.known:
            dep.notes += [f"pve-firewall: {w}" for w in hf.get().warnings]
    dep.notes += collection_notes(bundle)
    return dep, problems


def _unreached_guests(meta: dict[str, Any], node: str) -> list[tuple[str, str, str]]:
    """The guests GET /cluster/resources listed on unreached node `node` (the collector's
    `unreached_guests`: type `qemu` or `lxc`, vmid, name), as (`VM` or `container`, vmid,
    name); a listing of another shape is left out (R30P-4)."""
    listed = meta.get("unreached_guests")
    entries = listed.get(node) if isinstance(listed, dict) else None
    kinds = {"qemu": "VM", "lxc": "container"}
    return [
        (kinds[e[0]], e[1], str(e[2])[:64])
        for e in (entries if isinstance(entries, list) else ())
        if isinstance(e, list)
        and len(e) == 3
        and e[0] in kinds
        and isinstance(e[1], str)
        and digits(e[1])
    ]


def _storage_servers(opts: dict[str, str]) -> tuple[str, ...]:
    """The servers a network storage of storage.cfg reads from (P11-6), by pve-storage's own
    properties: NFS, CIFS and GlusterFS `server` ("Server IP or DNS name", `server2` the Gluster
    backup server), iSCSI `portal` ("IP or DNS name with optional port"), RBD and CephFS
    `monhost` ("IP addresses of monitors (for external clusters)", a pve-storage-portal-dns-list
    that PVE::Tools::split_list splits at `,`, `;` and blanks). A portal's port is dropped: the
    host is what HVA-100 compares."""
    names: list[str] = []
    for key in ("server", "server2", "portal", "monhost"):
        for item in re.split(r"[,;\s]+", opts.get(key, ""), flags=re.A):
            if item.startswith("["):
                item = item[1:].split("]", 1)[0]
            elif item.count(":") == 1:
                item = item.split(":", 1)[0]
            if item:
                names.append(item)
    return tuple(dict.fromkeys(names))


def _template_storages(dep: Deployment, bundle: Bundle) -> set[str]:
    """Storages holding disks of VM templates (`template: 1`): an image library by use."""
    out: set[str] = set()
    for v in dep.vms:
        entry = bundle.entry(v.source.artefact)
        if entry is None or entry.status != "ok":
            continue
        try:
            cfg = pve.parse_qemu_config(bundle.text(entry.path), entry.path)
        except InputError:
            continue
        if _flag(cfg.values.get("template"), False):
            out |= {d.source.split(":", 1)[0] for d in v.disks if d.source and ":" in d.source}
    return out


def _cluster_facts(
    bundle: Bundle, problems: list[ParseProblem], label: str, notes: list[str]
) -> ProxmoxHost:
    """What /etc/pve holds for the whole cluster, read once and shared by every node."""
    px = ProxmoxHost()
    px.datacenter = _file(
        bundle,
        "/etc/pve/datacenter.cfg",
        pve.parse_datacenter,
        problems,
        label,
        lambda: Fact.of({}, Source(pve_artefact("/etc/pve/datacenter.cfg"), "absent: defaults")),
    )
    if px.datacenter.known and (cut := _datacenter_partial(bundle, px.datacenter.get())):
        px.datacenter = Fact.unavailable(cut, *px.datacenter.sources)
        notes.append(f"datacenter.cfg may be incomplete: {cut}")
    px.users = _file(bundle, "/etc/pve/user.cfg", pve.parse_user_config, problems, label)
    px.realms = _file(
        bundle,
        "/etc/pve/domains.cfg",
        pve.parse_realms,
        problems,
        label,
        lambda: Fact.of(
            {"pam": {"type": "pam"}, "pve": {"type": "pve"}},
            Source(pve_artefact("/etc/pve/domains.cfg"), "absent: the built-in pam and pve realms"),
        ),
    )
    px.tfa = _file(
        bundle,
        TFA_FILE,
        pve.parse_tfa_entries,
        problems,
        label,
        lambda: Fact.of(
            {"users": {}, "webauthn": False, "u2f": False},
            Source(TFA_ARTEFACT, "absent: no user has a second factor"),
        ),
        artefact=TFA_ARTEFACT,
    )
    px.cluster_firewall = _file(
        bundle,
        "/etc/pve/firewall/cluster.fw",
        pve.parse_firewall,
        problems,
        label,
        lambda: Fact.of(
            pve.FirewallFile(kind="cluster"),
            Source(pve_artefact("/etc/pve/firewall/cluster.fw"), "absent: firewall off"),
        ),
    )
    cluster_fw = px.cluster_firewall.get() if px.cluster_firewall.known else None
    if cluster_fw is not None:
        resolve_enable_stamp(cluster_fw, bundle.manifest.get("collected_at"))
        notes += [f"pve-firewall: {w}" for w in cluster_fw.warnings]
    px.sdn_vnets = _file(
        bundle,
        SDN_RUNNING,
        _parse_sdn_vnets,
        problems,
        label,
        lambda: Fact.of({}, Source(pve_artefact(SDN_RUNNING), "absent: no SDN applied")),
    )
    px.pci_mappings = _file(
        bundle,
        PCI_MAPPINGS,
        pve.parse_pci_mapping,
        problems,
        label,
        lambda: Fact.of({}, Source(pve_artefact(PCI_MAPPINGS), "absent: no PCI mapping")),
    )
    px.ha_resources = _file(
        bundle,
        HA_RESOURCES,
        pve.parse_ha_resources,
        problems,
        label,
        lambda: Fact.of({}, Source(pve_artefact(HA_RESOURCES), "absent: no HA resource")),
    )
    px.corosync = _file(
        bundle,
        "/etc/pve/corosync.conf",
        pve.parse_corosync,
        problems,
        label,
        lambda: Fact.not_applicable("a single node: no corosync.conf"),
    )
    entry = bundle.entry(pve_artefact("/etc/pve/corosync.conf"))
    if px.corosync.known and entry is not None:
        px.corosync_version = pve.pmxcfs_config_version(bundle.text(entry.path))
    for entry in bundle.under(pve_artefact("/etc/pve/firewall/")):
        vmid = entry.path.rsplit("/", 1)[-1].removesuffix(".fw")
        if digits(vmid) and entry.status == "ok":
            fw = pve.parse_firewall(bundle.text(entry.path), entry.path, "vm", cluster_fw)
            px.vm_firewalls[vmid] = fw
            notes += [f"pve-firewall: {w}" for w in fw.warnings]
        elif digits(vmid) and entry.status != "absent":
            # a read that failed is no file: the VM's firewall is unknown, not pve-firewall's
            # default of off (R38E-1), which only a file that does not exist gives
            gap = Fact.failed if entry.status == "failed" else Fact.unavailable
            px.vm_firewall_gaps[vmid] = gap(
                f"/etc/pve/firewall/{vmid}.fw: {entry.reason or entry.status}", Source(entry.path)
            )
    listing = bundle.entry(listing_artefact("/etc/pve/firewall"))
    if listing is not None and listing.status not in ("ok", "absent"):
        # the guests' .fw files not known (R38E-2): none read is no firewall off
        px.vm_firewall_listing = Fact.failed(
            f"/etc/pve/firewall: {listing.reason or listing.status}", Source(listing.path)
        )
    px.guests_unseen = _guests_unseen(bundle, px)
    if px.guests_unseen:
        notes.append(f"the guest list may be incomplete: {px.guests_unseen}")
    px.storages_unseen = _storages_unseen(bundle, px)
    if px.storages_unseen:
        notes.append(f"the storage list may be incomplete: {px.storages_unseen}")
    px.users_partial = _users_partial(bundle)
    if px.users_partial:
        notes.append(f"the user list may be incomplete: {px.users_partial}")
    return px


def _token_permissions(bundle: Bundle) -> tuple[dict[str, Any] | None, str]:
    """The API token's privileges by path as GET /access/permissions answered them (PERMISSIONS),
    or None and why they are not known (not collected, refused, no map of paths)."""
    entry = bundle.entry(PERMISSIONS)
    if entry is None or entry.status != "ok":
        why = (
            entry.reason
            if entry is not None and entry.reason
            else "GET /access/permissions not collected"
        )
        return None, f"the API token's permissions are not known ({why})"
    try:
        perms = json.loads(bundle.text(entry.path))
    except ValueError:
        perms = None
    if not isinstance(perms, dict):
        return None, "GET /access/permissions answered no map of paths"
    return perms, ""


#: The datacenter options GET /cluster/options answers a token without Sys.Audit on `/`
#: (pve-manager 14a22df PVE/API2/Cluster.pm get_options: `for my $k (qw(console tag-style))`),
#: and the `allowed-tags` it adds for everyone.
_DC_OPTIONS_FOR_ALL = frozenset({"console", "tag-style", "allowed-tags"})


def _datacenter_partial(bundle: Bundle, dc: Mapping[str, object]) -> str:
    """Why the API path's datacenter.cfg (rendered from GET /cluster/options) may leave options
    out, '' where it is whole (R30P-1). pve-manager 14a22df PVE/API2/Cluster.pm get_options
    ("Without 'Sys.Audit' on '/' not all options are returned", `permissions => { user =>
    'all' }`) answers such a token console and tag-style alone, with no error: `migration:
    insecure`, `webauthn`, `u2f` are left out, and an absent key reads as its default. GET
    /access/permissions answers what the token holds on `/` (a default path,
    RPCEnvironment.pm get_effective_permissions); where it was not read, a whole answer is
    known by a key beyond those: pve-cluster 7091d92 src/PVE/DataCenterConfig.pm
    parse_datacenter_config sets `description` (since 2ae1c0b, PVE 7.1) and `mac_prefix`
    (since e6c91e0) on every read."""
    meta = bundle.manifest.get("collector", {}).get("proxmox", {})
    if not isinstance(meta, dict) or meta.get("mode") != "api":
        return ""
    lists = (
        "GET /cluster/options answers such a token console and tag-style alone (pve-manager "
        "PVE/API2/Cluster.pm get_options): `migration`, `webauthn` and `u2f` may be set and "
        "not shown"
    )
    perms, why = _token_permissions(bundle)
    if perms is None:
        if set(dc) - _DC_OPTIONS_FOR_ALL:
            return ""
        return f"{why}; without Sys.Audit on /, {lists}"
    held = perms.get("/")
    if isinstance(held, dict) and "Sys.Audit" in held:
        return ""
    return f"the API token holds no Sys.Audit on /, so {lists}"


def _users_partial(bundle: Bundle) -> str:
    """Why the API path's user list (user.cfg rendered from GET /access/users?full=1 and GET
    /access/groups) may leave users out, '' where it is whole or not known to be partial
    (R29P-4). pve-access-control 5ccd07d src/PVE/API2/User.pm index: "The returned list is
    restricted to users where you have 'User.Modify' or 'Sys.Audit' permissions on
    '/access/groups' or on a group the user belongs too" (`$canUserMod = check_any($authuser,
    "/access/groups", ['User.Modify', 'Sys.Audit'], 1)`, else only members of the groups it
    holds them on and itself), and API2/Group.pm index lists only the groups it holds them
    on: an administrator, a group's members and a user's API tokens may be missing. GET
    /access/permissions answers what the token holds on /access/groups (RPCEnvironment.pm
    get_effective_permissions: a default path, left out where it holds nothing)."""
    meta = bundle.manifest.get("collector", {}).get("proxmox", {})
    if not isinstance(meta, dict) or meta.get("mode") != "api":
        return ""
    lists = (
        "GET /access/users lists only the members of the groups it holds them on and its own "
        "user (pve-access-control API2/User.pm index): an administrator, or an API token of "
        "one, may be missing"
    )
    perms, why = _token_permissions(bundle)
    if perms is None:
        # what the token holds on /access/groups is not known: the list may be cut (as
        # _guests_unseen asks about the guest list then)
        return f"{why}; without Sys.Audit or User.Modify on /access/groups, {lists}"
    held = perms.get("/access/groups")
    if isinstance(held, dict) and ("Sys.Audit" in held or "User.Modify" in held):
        return ""
    return f"the API token holds neither Sys.Audit nor User.Modify on /access/groups, so {lists}"


def _guests_unseen(bundle: Bundle, px: ProxmoxHost) -> str:
    """Why the API path's guest list may leave guests out, '' where the token sees them all
    (R28P-1). GET /cluster/resources skips every guest the token lacks VM.Audit on (pve-manager
    14a22df PVE/API2/Cluster.pm resources: `next if !$rpcenv->check($authuser, "/vms/$vmid",
    ['VM.Audit'], 1)`). pve-access-control 5ccd07d: a guest's privileges are the roles of the
    nearest ACL on `/`, `/vms`, `/vms/<id>` that names the token, its user or a group of it
    (AccessControl.pm roles: each level's roles replace the inherited ones, a role set with
    propagate 0 only on its own path), and those of its pool's `/pool/<name>` ACLs
    (RPCEnvironment.pm $compile_acl_path: a pool's NoAccess trumps), a privsep token's
    intersected with its user's. So the token sees every guest when VM.Audit on `/vms`
    propagates and no ACL on a `/vms/<id>` or `/pool` path takes it away: GET /access/permissions
    (PERMISSIONS) answers the token's privileges on `/vms` and on each ACL path, GET /access/acl
    every ACL where the token holds Sys.Audit on `/access` (API2/ACL.pm read_acl: else only those
    it may modify). A files bundle lists the node's own directories: a listing of
    /etc/pve/qemu-server or /etc/pve/lxc that failed leaves their guests unknown (R28P-2)."""
    meta = bundle.manifest.get("collector", {}).get("proxmox", {})
    if not isinstance(meta, dict) or meta.get("mode") != "api":
        # a node's own guest directory that could not be listed (R28P-2)
        for kind, path in (("VM", "/etc/pve/qemu-server"), ("container", "/etc/pve/lxc")):
            entry = bundle.entry(listing_artefact(path))
            if entry is not None and entry.status in ("failed", "unavailable"):
                return f"the node's {kind} configurations are not known ({entry.reason})"
        return ""
    hidden = (
        "GET /cluster/resources lists only the guests the API token holds VM.Audit on "
        "(pve-manager PVE/API2/Cluster.pm)"
    )
    perms, why = _token_permissions(bundle)
    if perms is None:
        return f"{why}; {hidden}"
    return _acls_cut(
        perms,
        px,
        hidden,
        ("VM.Audit",),
        ("/vms", " that propagates to every guest"),
        r"/vms/[0-9]+|/pool(/.*)?",
        "a guest",
    )


def _acls_cut(
    perms: dict[str, Any],
    px: ProxmoxHost,
    hidden: str,
    privs: tuple[str, ...],
    top: tuple[str, str],
    below: str,
    one: str,
) -> str:
    """Why a listing the API filters by `privs` (any of them) may leave entries out, '' where
    the token holds one on the `top` path (and the words saying it propagates), propagated, and
    no ACL on a path `below` (a pattern) or on a pool takes them away from `one` entry. The ACL
    list is whole only with Sys.Audit on /access (pve-access-control API2/ACL.pm read_acl), and
    PERMISSIONS answers the token's privileges on each ACL's path (`_guests_unseen`,
    `_storages_unseen`)."""

    def holds(path: str, propagated: bool = False) -> bool:
        held = perms.get(path)
        return isinstance(held, dict) and any(
            p in held and (not propagated or held[p] not in (None, 0, "0", False, ""))
            for p in privs
        )

    lacks = f"no {privs[0]}" if len(privs) == 1 else "neither " + " nor ".join(privs)
    if not holds(top[0], propagated=True):
        return f"the API token holds {lacks} on {top[0]}{top[1]}; {hidden}"
    if not (isinstance(perms.get("/access"), dict) and "Sys.Audit" in perms["/access"]):
        return (
            "the API token holds no Sys.Audit on /access, so GET /access/acl lists only the ACLs "
            "it may modify (pve-access-control API2/ACL.pm read_acl): an ACL that takes "
            f"{privs[0]} away from {one} or a pool is not in the evidence; {hidden}"
        )
    if not px.users.known:
        return f"the ACLs (user.cfg) were not read ({px.users.reason}); {hidden}"
    paths = sorted(
        {
            str(a["path"])
            for a in px.users.get().acls
            if re.fullmatch(below, str(a["path"])) and not holds(str(a["path"]))
        }
    )
    if paths:
        return (
            f"the API token holds {lacks} on {', '.join(paths[:5])}"
            + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
            + f" (an ACL there); {hidden}"
        )
    return ""


#: The privileges with which GET /storage lists a storage (pve-storage 0c56bad
#: src/PVE/API2/Storage/Config.pm index: `check_any($authuser, "/storage/$storeid",
#: ['Datastore.Audit', 'Datastore.AllocateSpace'], 1)`).
_STORAGE_LISTED = ("Datastore.Audit", "Datastore.AllocateSpace")


def _storages_unseen(bundle: Bundle, px: ProxmoxHost) -> str:
    """Why the API path's storage list (storage.cfg rendered from GET /storage) may leave
    storages out, '' where the token sees them all (R30P-3). pve-storage 0c56bad
    src/PVE/API2/Storage/Config.pm index ("Only list entries where you have 'Datastore.Audit'
    or 'Datastore.AllocateSpace' permissions on '/storage/<storage>'", `user => 'all'`) skips
    the others without an error. A storage's privileges are those of the nearest ACL on `/`,
    `/storage`, `/storage/<id>` and of its pool's `/pool/<name>` ACLs (pve-access-control
    5ccd07d RPCEnvironment.pm $compile_acl_path: a pool's storages take its roles, its
    NoAccess trumps), as a guest's are (`_guests_unseen`): the list is whole where one of them
    propagates from `/storage`, the ACL list is whole (Sys.Audit on /access) and no ACL on a
    `/storage/<id>` or `/pool` path takes both away. A files bundle reads storage.cfg whole."""
    meta = bundle.manifest.get("collector", {}).get("proxmox", {})
    if not isinstance(meta, dict) or meta.get("mode") != "api":
        return ""
    hidden = (
        "GET /storage lists only the storages the API token holds Datastore.Audit or "
        "Datastore.AllocateSpace on (pve-storage PVE/API2/Storage/Config.pm)"
    )
    perms, why = _token_permissions(bundle)
    if perms is None:
        return f"{why}; {hidden}"
    return _acls_cut(
        perms,
        px,
        hidden,
        _STORAGE_LISTED,
        ("/storage", ", propagated to every storage"),
        r"/storage/[^/]+|/pool(/.*)?",
        "a storage",
    )


def resolve_enable_stamp(fw: pve.FirewallFile, collected_at: object) -> None:
    """cluster.fw `enable: N`, N above 1, as pve-firewall reads it when the evidence was
    collected (P18-6). github:proxmox/pve-firewall 6f1311f src/PVE/Firewall.pm
    parse_clusterfw_option: `$value = int($2); if (($value > 1) && ((time() - $value) > 60))
    { $value = 0; }`, so the firewall is on until 60 s after N (a time in the future included)
    and off after; src/PVE/API2/Firewall/Cluster.pm set_options writes `time()` for an
    `enable` above 1, the first half of its "double (anti-lockout) API call". `enable` becomes
    "1" or "0" as at the collection time; without one it stays (read as off) and the stamp is
    kept for the question (HVA-301)."""
    try:
        stamp = int(fw.options.get("enable", "0"))
    except ValueError:
        return
    if stamp <= 1:
        return
    fw.enable_stamp = stamp
    try:
        when = dt.datetime.fromisoformat(str(collected_at or "").strip().replace("Z", "+00:00"))
    except ValueError:
        return
    now = (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).timestamp()
    fw.options["enable"] = "0" if now - stamp > 60 else "1"


def _port_name_refused(items: list[tuple[str, str]], services: dict[str, int]) -> str:
    """Why proxmox-firewall refuses a rule's -dport/-sport elements that name services, read
    with the node's /etc/services (`services`, parse_services); "" where it takes them all.
    github:proxmox/proxmox-ve-rs proxmox-ve-config port.rs: PortEntry::from_str parses each
    side of a `:` (parse_port: a u16, else parse_named_port, `unknown port name "x"`, which
    fails the whole file) and refuses a range whose start is above its end ("start port is
    greater than end port!")."""
    for key, item in items:
        ports = []
        for side in item.split(":", 1):
            if re.fullmatch(r"\+?[0-9]+", side, re.A):
                ports.append(int(side))
            elif side in services:
                ports.append(services[side])
            else:
                return (
                    f'-{key} {item}: unknown port name "{side}" (the node\'s /etc/services '
                    "does not define it)"
                )
        if len(ports) == 2 and ports[0] > ports[1]:
            return (
                f"-{key} {item}: start port is greater than end port! (the node's "
                f"/etc/services gives {ports[0]} and {ports[1]})"
            )
    return ""


#: The iptables match whose -dport/-sport a pve-firewall rule's `-p` loads, by the -p as
#: written (R51F-3): pve-firewall writes `-p $proto` as spelt (src/PVE/Firewall.pm
#: ruleset_generate_match; `$PROTOCOLS_WITH_PORTS` keys exactly these spellings, udplite and
#: 136 aside, and verify_rule refuses a port with any other), and iptables loads a number's
#: match by its name (iptables/xshared.c find_proto -> proto_to_name: xtables_chain_protos,
#: then getprotobynumber), whose port parser asks getservbyname for its own protocol
#: (extensions/libxt_tcp.c parse_tcp_ports `xtables_parse_port(buffer, "tcp")`, libxt_dccp.c
#: `"dccp"`, udp and sctp alike; libxt_multiport's ports under the rule's protocol name).
#: udplite and 136: a list (more than one item: Firewall.pm parse_port_name_number_or_range)
#: goes to multiport, which takes udplite (libxt_multiport.c check_proto -> proto_to_name)
#: and parses each name with getservbyname(NAME, "udplite") (R52F-3).
_PORT_MATCH = {
    "tcp": "tcp",
    "6": "tcp",
    "udp": "udp",
    "17": "udp",
    "sctp": "sctp",
    "132": "sctp",
    "dccp": "dccp",
    "33": "dccp",
    "udplite": "udplite",
    "136": "udplite",
}


def _ipt_update_refused(
    bundle: Bundle,
    px: ProxmoxHost,
    shared: ProxmoxHost,
    vm_dir: str,
    protocols: dict[str, frozenset[str]],
) -> None:
    """Under pve-firewall, the rules whose -dport/-sport names a service the node's
    /etc/services gives for another protocol only (R49F-1): pve-firewall keys a name for any
    of tcp/udp/sctp (github:proxmox/pve-firewall src/PVE/Firewall.pm get_etc_services) and
    writes it into the iptables rule as spelt (ipt_rule_to_cmds `--dport NAME`), and iptables
    resolves it with getservbyname(NAME, PROTO) (libxtables xtables.c xtables_parse_port:
    "invalid port/service `%s' specified", exit_err PARAMETER_PROBLEM), so iptables-restore
    fails on the rule and pve-firewall's whole update fails (apply_ruleset dies), the rules
    applied before (if any) staying. As for proxmox-firewall's refused update (_nft_reading),
    the node's cluster.fw fact is then unavailable: every firewall verdict asks (the team's
    decision). The enabled rules pve-firewall compiles are read (R51F-2): cluster.fw's and
    host.fw's where the node's firewall is on, those of each guest on the node whose firewall
    is on with a NIC of firewall=1, and those of the security groups they jump to; a name
    pve-firewall does not key is its own refusal of that rule alone (R47F-5), not this."""
    if px.host_firewall.known and px.host_firewall.get().options.get("nftables") == "1":
        return
    if not px.cluster_firewall.known or not px.iptables_services.known:
        return
    keyed = px.iptables_services.get()
    cluster = px.cluster_firewall.get()
    # only the rules pve-firewall compiles reach iptables-restore (R51F-2): cluster.fw's and
    # host.fw's where the node's firewall is on (compile_iptables_filter `if ($hostfw_enable)`
    # enable_host_firewall), a guest's where its .fw says `enable: 1` and a NIC has firewall=1
    # (`return if !$vmfw_conf || !$vmfw_conf->{options}->{enable}`, `next if
    # !$net->{firewall}`), and a security group's where an enabled rule of those jumps to it
    # (ruleset_add_group_rule -> generate_group_rules: no group is compiled otherwise)
    files: list[tuple[str, list[dict[str, object]]]] = []
    if not (px.host_firewall.known and px.host_firewall.get().options.get("enable") == "0"):
        files.append(("cluster.fw", cluster.rules))
        if px.host_firewall.known:
            files.append(("host.fw", px.host_firewall.get().rules))
    for where, lxc in ((vm_dir, False), (vm_dir.replace("/qemu-server/", "/lxc/"), True)):
        for entry in bundle.under(where):
            vmid = entry.path.removeprefix(where).removesuffix(".conf")
            if (
                entry.status == "ok"
                and digits(vmid)
                and vmid in shared.vm_firewalls
                and shared.vm_firewalls[vmid].options.get("enable", "0") == "1"
                and (nics := _guest_nic_filtered(bundle.text(entry.path), entry.path, lxc))
            ):
                # a rule of one NIC (`-i netN`) only where that NIC has firewall=1
                # (ruleset_generate_vm_rules `next if $rule->{iface} && $rule->{iface} ne
                # $netid`, for each NIC compiled)
                files.append(
                    (
                        f"{vmid}.fw",
                        [
                            r
                            for r in shared.vm_firewalls[vmid].rules
                            if not isinstance(opts := r.get("options"), dict)
                            or not opts.get("iface")
                            or nics is True
                            or opts.get("iface") in nics
                        ],
                    )
                )
    jumped = {
        str(r.get("action"))
        for _, rules in files
        for r in rules
        if r.get("type") == "group" and r.get("enabled")
    }
    files.append(
        ("cluster.fw", [r for g, rules in cluster.groups.items() if g in jumped for r in rules])
    )
    # the enabled rules pve-firewall compiles, with their options
    compiled = [
        (name, r, opts)
        for name, rules in files
        for r in rules
        if r.get("enabled")
        and not r.get("errors")
        and not r.get("pve_refused")
        and isinstance(opts := r.get("options"), dict)
    ]
    failing = [
        f"{name} line {r.get('line')} `-p {opts['proto']} -{key} {opts[key]}`: the node's "
        f"/etc/services gives `{side}` no {proto} port (iptables getservbyname)"
        for name, r, opts in compiled
        if (proto := _PORT_MATCH.get(str(opts.get("proto") or ""), ""))
        for key in ("dport", "sport")
        # udplite: one item is refused below, whatever it is; a list's names here
        if proto != "udplite" or "," in str(opts.get(key) or "")
        for item in str(opts.get(key) or "").split(",")
        for side in item.strip().split(":")
        if side
        and not re.fullmatch(r"[0-9]+", side, re.A)
        and side in keyed
        and proto not in protocols.get(side, frozenset())
    ]
    # `-p udplite` (or 136) with one port, range or name: pve-firewall writes `--dport X` /
    # `--sport X` (Firewall.pm ipt_rule_to_cmds, a list only through `--match multiport`), which
    # iptables parses only through the protocol's own match (iptables/xshared.c command_default
    # "Try loading protocol": load_proto -> find_proto(name, XTF_TRY_LOAD)), and iptables has no
    # udplite match (its libxt_udp registers "udp" alone; the kernel's xt_tcpudp has one, but
    # no iptables extension parses for it): the option is unknown, iptables-restore fails and
    # the whole update with it (R52F-3)
    failing += [
        f"{name} line {r.get('line')} `-p {opts['proto']} -{key} {opts[key]}`: iptables has no "
        f"udplite match to read `--{key}` (its udp match is `udp` only)"
        for name, r, opts in compiled
        if str(opts.get("proto") or "") in ("udplite", "136")
        for key in ("dport", "sport")
        if str(opts.get(key) or "") not in ("", "0") and "," not in str(opts.get(key))
    ]
    if failing:
        px.firewall_update_refused = True
        refused = (
            f"{'; '.join(dict.fromkeys(failing))}, so iptables-restore refuses the whole update "
            "of pve-firewall"
        )
        applied, why = _saved_pvefw(bundle)
        if applied is False:
            px.firewall_unapplied = f"{refused}, and {why}"
            # rules pve-firewall did not write that filter the node's input (the admin's own,
            # in iptables' filter table or another nftables table): the node is not shown
            # unfiltered, and what they restrict is asked (R52F-1, the team's decision)
            own = _ipt_input_filters(bundle.text(command_artefact("iptables-save")))
            own += _nft_input_filters(bundle)[0] or []
            if own:
                px.firewall_own_rules = True
                why = (
                    "iptables-save shows no PVEFW chain in its filter table (no earlier update is "
                    "in force), "
                    + OWN_FILTER_ASK.format(daemon="pve-firewall", rules="; ".join(own))
                )
        px.cluster_firewall = Fact.unavailable(
            f"{refused}: {why}",
            *px.cluster_firewall.sources,
            *px.host_firewall.sources,
            *px.iptables_services.sources,
            Source(command_artefact("iptables-save")),
        )


def _guest_nic_filtered(text: str, path: str, lxc: bool) -> frozenset[str] | bool:
    """The NICs (netN) to which a guest's configuration gives `firewall=1` (qemu-server and
    pve-container parse_net / parse_lxc_network: a boolean, `_flag`), whose chains pve-firewall
    compiles from its .fw's rules (compile_iptables_filter `next if !$net->{firewall}`): none
    (falsy) compiles none; a configuration that cannot be parsed: True (every rule may reach
    the update)."""
    try:
        cfg = (pve.parse_lxc_config if lxc else pve.parse_qemu_config)(text, path)
    except InputError:
        return True
    return frozenset(
        key
        for key, val in cfg.values.items()
        if re.fullmatch(r"net[0-9]+", key, re.A)
        and _flag(pve.parse_property_string(val).get("firewall"), False)
    )


def _saved_pvefw(bundle: Bundle) -> tuple[bool | None, str]:
    """Whether pve-firewall applied an update before the one it is refused (R51F-1, the team's
    decision), from the node's `iptables-save`: True where its filter table holds a PVEFW
    chain, False where it holds none, None where that is not known; and the words saying so.
    pve-firewall puts its rules in PVEFW-* chains hooked from INPUT, FORWARD and OUTPUT
    (github:proxmox/pve-firewall 6f1311f src/PVE/Firewall.pm get_ruleset_cmdlist `-A $h -j
    PVEFW-$h`) and loads the IPv4 filter table first (apply_ruleset: iptables_restore_cmdlist,
    `iptables-restore -T filter -n`, before the raw and IPv6 tables; an error dies there), so a
    refused update leaves the chains of the last update applied, and none where no update
    ever applied (the first since boot; `remove_pvefw_chains` removes them when the firewall
    was off or the daemon stopped). An iptables-nft whose output warns of iptables-legacy
    tables (iptables iptables/xtables-save.c: "# Warning: iptables-legacy tables present, use
    iptables-legacy-save to see them") does not show the legacy tables the chains may be in."""
    entry = bundle.entry(command_artefact("iptables-save"))
    stay = "the rules it applied before (if any) stay"
    if entry is None or entry.status != "ok" or entry.rc != 0:
        why = (
            "not collected"
            if entry is None
            else " ".join((entry.reason or entry.stderr or f"exit status {entry.rc}").split())
        )
        return None, (
            f"{stay}, which `iptables-save` on the node shows (PVEFW chains; not read: {why})"
        )
    text = bundle.text(command_artefact("iptables-save"))
    table = ""
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("*"):
            table = line[1:].strip()
        elif table == "filter" and re.match(r":PVEFW-\S+\s", line + " ", re.A):
            return True, (
                "the rules it applied before stay (iptables-save shows its PVEFW chains), not the "
                "files as written"
            )
    if "iptables-legacy tables present" in text:
        return None, (
            f"{stay}: iptables-save shows no PVEFW chain, but warns of iptables-legacy tables it "
            "does not show (`iptables-legacy-save` on the node shows them)"
        )
    return False, (
        "iptables-save shows no PVEFW chain in its filter table: no earlier update is in force "
        "(the first since boot), so no rule of pve-firewall filters the node or its guests"
    )


#: The question of a node whose firewall daemon applies no rule (its whole update refused and
#: none applied before) while rules it did not write filter its input (the team's decision,
#: round 52): those rules may or may not restrict what the daemon's would have.
OWN_FILTER_ASK = (
    "but the node is filtered by rules {daemon} did not write ({rules}): do they restrict the "
    "management ports (8006, 22, 3128, 5900-5999) to the management network?"
)


def _nft_unapplied(
    bundle: Bundle, px: ProxmoxHost, programs: Fact[tuple[str, ...]], refused: str
) -> str:
    """The words after "it then applies no change" of proxmox-firewall's refused whole
    update (R52F-2, the team's decision), from the node's `nft -j list ruleset`: proxmox-firewall
    puts its rules in the tables `inet proxmox-firewall` and `bridge proxmox-firewall-guests`
    (github:proxmox/proxmox-firewall a752659 proxmox-firewall/resources/proxmox-firewall.nft,
    RULE_BASE: `add table inet proxmox-firewall`), which it loads only after building its
    config (firewall.rs / bin/proxmox-firewall.rs handle_firewall), and deletes when it stops or
    finds itself disabled (P21F-4). Where nft shows no table inet proxmox-firewall, no ruleset
    of it is in force: `px.firewall_unapplied` fails the node and its VMs, unless rules it did
    not write filter the node's input (another table's input-hook chain, iptables' filter
    table: `_nft_input_filters`, `_ipt_input_filters`), which are asked (`firewall_own_rules`).
    The table shown, or nft not read: the ruleset it loaded before (if any) stays, asked; so
    too where the process list does not show proxmox-firewall running (which daemon applies
    the files is asked then, R37S-6, `firewall_daemon`). The words follow "it then applies no
    change"."""
    stay = "the ruleset it loaded before (if any) stays"
    if not programs.known or "proxmox-firewall" not in programs.get():
        return f" and {stay}"
    found, unread, tables = _nft_input_filters(bundle)
    if found is None:
        return (
            f" and {stay}, which `nft list ruleset` on the node shows (table inet "
            f"proxmox-firewall; not read: {unread})"
        )
    if "inet proxmox-firewall" in tables:
        return f" and {stay}"
    entry = bundle.entry(command_artefact("iptables-save"))
    if entry is not None and entry.status == "ok" and entry.rc == 0:
        found = found + _ipt_input_filters(bundle.text(command_artefact("iptables-save")))
    none = (
        ", and nft shows no table inet proxmox-firewall: no ruleset it loaded before is in force, "
        "so no rule of proxmox-firewall filters the node or its guests"
    )
    px.firewall_unapplied = f"{refused}: it then applies no change{none}"
    if not found:
        return none
    px.firewall_own_rules = True
    return (
        ", and nft shows no table inet proxmox-firewall (no ruleset it loaded before is in "
        "force), " + OWN_FILTER_ASK.format(daemon="proxmox-firewall", rules="; ".join(found))
    )


def _ipt_input_filters(text: str) -> list[str]:
    """What filters the node's input in the filter table of an `iptables-save` text (R52F-1,
    the team's decision): INPUT's policy DROP (iptables-save writes each built-in chain as
    `:NAME POLICY [packets:bytes]`, iptables iptables/iptables-save.c / xtables-save.c), and each
    `-j DROP` / `-j REJECT` rule of INPUT or of a chain it jumps or goes to (`-j` / `-g` a user
    chain: iptables(8) TARGETS), followed through the table. Any such rule counts, whatever it
    matches: the question then asks what it restricts."""
    policy = ""
    rules: dict[str, list[tuple[str, list[str]]]] = {}
    table = ""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("*"):
            table = line[1:].strip()
        elif table != "filter":
            continue
        elif line.startswith(":INPUT "):
            policy = (line.split()[1:2] or [""])[0]
        elif line.startswith("-A "):
            try:
                words = shlex.split(line)
            except ValueError:
                words = line.split()
            if len(words) > 1:
                rules.setdefault(words[1], []).append((line, words))
    # an unconditional `-j ACCEPT` accepts every packet that reaches it, and so does an
    # unconditional jump or goto to a chain that accepts every packet with no RETURN or goto
    # before (a terminal ACCEPT in a called chain ends the traversal of INPUT too; RETURN goes
    # back, and in INPUT applies its policy, iptables(8) TARGETS; Red Hat Enterprise Linux
    # Reference Guide 18.3.5 Target Options): the rules after it and INPUT's policy filter
    # nothing (R52F-4, R52F-5). Each chain is cut there, and at an unconditional RETURN.
    cuts: dict[str, tuple[int, bool]] = {}

    def cut(chain: str, path: frozenset[str]) -> tuple[int, bool]:
        if chain in cuts:
            return cuts[chain]
        if chain in path:
            return len(rules.get(chain, [])), False
        body = rules.get(chain, [])
        at, ends, leaves = len(body), False, False
        for n, (_, words) in enumerate(body):
            rest = _ipt_unconditional(words[2:])
            target = rest[1] if len(rest) == 2 and rest[0] in ("-j", "-g") else ""
            if target == "ACCEPT" or (
                target in rules and target != chain and cut(target, path | {chain})[1]
            ):
                at, ends = (n if target == "ACCEPT" else n + 1), not leaves
                break
            if target == "RETURN":
                at = n
                break
            targets = [words[i + 1] for i, w in enumerate(words[:-1]) if w in ("-j", "-g")]
            if "RETURN" in targets or "-g" in words:
                leaves = True
        cuts[chain] = (at, ends)
        return at, ends

    for chain in list(rules):
        rules[chain] = rules[chain][: cut(chain, frozenset())[0]]
    found = (
        ["iptables-save's filter table: INPUT policy DROP"]
        if policy == "DROP" and not cuts.get("INPUT", (0, False))[1]
        else []
    )
    seen: set[str] = set()
    todo = ["INPUT"]
    while todo:
        chain = todo.pop(0)
        if chain in seen:
            continue
        seen.add(chain)
        for line, words in rules.get(chain, []):
            targets = [words[i + 1] for i, w in enumerate(words[:-1]) if w in ("-j", "-g")]
            if any(t in ("DROP", "REJECT") for t in targets):
                found.append(f"iptables-save's filter table: `{line}`")
            todo.extend(t for t in targets if t in rules)
    return found


def _ipt_unconditional(words: list[str]) -> list[str]:
    """The words of an `iptables-save` rule (after `-A CHAIN`) without its `-m comment
    --comment TEXT` (the comment match matches every packet, iptables-extensions(8) comment)."""
    out: list[str] = []
    n = 0
    while n < len(words):
        if words[n : n + 3] == ["-m", "comment", "--comment"]:
            n += 4
            continue
        out.append(words[n])
        n += 1
    return out


def _nft_input_filters(bundle: Bundle) -> tuple[list[str] | None, str, frozenset[str]]:
    """What filters the node's input in `nft -j list ruleset` (R52F-1, R52F-2, the team's
    decision): each base chain of hook `input` (libnftables-json(5) CHAIN: "hook", "policy")
    whose policy is drop, or whose rules, or the rules of a chain they jump or go to in its table, hold a `drop` or `reject` verdict (in a
    verdict map too) or an iptables-nft DROP/REJECT target (`xt`, shown by name); and the
    tables (`family name`). None (and why) where nft's ruleset was not read."""
    entry = bundle.entry(command_artefact("nft-ruleset"))
    if entry is None or entry.status != "ok" or entry.rc != 0:
        why = (
            "not collected"
            if entry is None
            else " ".join((entry.reason or entry.stderr or f"exit status {entry.rc}").split())
        )
        return None, why, frozenset()
    try:
        items = json.loads(bundle.text(command_artefact("nft-ruleset")) or "{}").get("nftables")
    except (ValueError, AttributeError):
        return None, "nft printed invalid JSON", frozenset()
    chains: dict[tuple[str, str, str], dict[str, Any]] = {}
    rules: dict[tuple[str, str, str], list[Any]] = {}
    for item in items if isinstance(items, list) else []:
        chain = item.get("chain") if isinstance(item, dict) else None
        rule = item.get("rule") if isinstance(item, dict) else None
        if isinstance(chain, dict):
            chains[(str(chain.get("family")), str(chain.get("table")), str(chain.get("name")))] = (
                chain
            )
        if isinstance(rule, dict):
            key = (str(rule.get("family")), str(rule.get("table")), str(rule.get("chain")))
            rules.setdefault(key, []).append(rule.get("expr"))
    found: list[str] = []
    done: dict[tuple[str, str, str], bool] = {}
    for (family, table, name), chain in chains.items():
        if chain.get("hook") != "input":
            continue
        where = f"nft table {family} {table}, chain {name} (hook input)"
        # a rule that accepts every packet (`accept` alone, or after `counter`), or jumps or
        # goes to a chain that does with no `return` or `goto` before (nft(8) VERDICT
        # STATEMENT: accept ends the evaluation of the ruleset, return goes back): the rules
        # after it and the chain's policy filter nothing (R52F-4, R52F-5)
        ends = _nft_cut(rules, (family, table), name, done, frozenset())
        if not ends and str(chain.get("policy")) == "drop":
            found.append(f"{where}: policy drop")
        seen: list[str] = [name]
        for at in seen:
            _nft_cut(rules, (family, table), at, done, frozenset())
            drops, jumps = _nft_verdicts(rules.get((family, table, at), []))
            if drops:
                found.append(
                    f"{where}: a drop or reject rule" + (f" in chain {at}" if at != name else "")
                )
                break
            seen.extend(t for t in jumps if t not in seen)
    tables = frozenset(
        f"{t.get('family')} {t.get('name')}"
        for item in (items if isinstance(items, list) else [])
        if isinstance(item, dict) and isinstance(t := item.get("table"), dict)
    )
    return found, "", tables


def _nft_cut(
    rules: dict[tuple[str, str, str], list[Any]],
    table: tuple[str, str],
    name: str,
    done: dict[tuple[str, str, str], bool],
    path: frozenset[str],
) -> bool:
    """Cut the rules of chain `name` of `table` after the first that ends every packet's walk
    of it (R52F-5): an unconditional `accept` (after `counter` alone), `return`, or `jump` /
    `goto` to a chain that accepts every packet. True where the chain accepts every packet
    that reaches it: the cut is an accept with no `return` or `goto` in a rule before
    (nftables doc/statements.txt, nft(8) VERDICT STATEMENT: accept terminates the ruleset's
    evaluation; return continues at the next rule of the calling chain, and in a base chain,
    or a chain reached solely by goto, applies the base chain's policy; goto pushes no
    return position)."""
    key = (*table, name)
    if key in done:
        return done[key]
    if name in path:
        return False
    body = rules.get(key, [])
    at, ends, leaves = len(body), False, False
    for n, expr in enumerate(body):
        verdict = (
            expr[-1]
            if isinstance(expr, list)
            and expr
            and isinstance(expr[-1], dict)
            and all(isinstance(e, dict) and set(e) == {"counter"} for e in expr[:-1])
            else None
        )
        called = next(
            (
                str(j["target"])
                for verb in ("jump", "goto")
                if verdict is not None
                and isinstance(j := verdict.get(verb), dict)
                and isinstance(j.get("target"), str)
            ),
            None,
        )
        if verdict == {"accept": None} or (
            called is not None
            and called != name
            and _nft_cut(rules, table, called, done, path | {name})
        ):
            at, ends = (n if verdict == {"accept": None} else n + 1), not leaves
            break
        if verdict == {"return": None}:
            at = n
            break
        if _nft_leaves(expr):
            leaves = True
    rules[key] = body[:at]
    done[key] = ends
    return ends


def _nft_leaves(node: Any) -> bool:
    """Whether the JSON of an nft rule holds a `return` or `goto` verdict (a verdict map's
    data too): a packet it takes leaves the chain without ending its walk of the ruleset."""
    todo = [node]
    while todo:
        at = todo.pop()
        if isinstance(at, list):
            todo.extend(at)
        elif isinstance(at, dict):
            if "return" in at or "goto" in at:
                return True
            todo.extend(at.values())
    return False


def _nft_verdicts(node: Any) -> tuple[bool, list[str]]:
    """Whether the JSON of nft rules holds a drop or reject verdict (libnftables-json(5):
    the statements `{"drop": null}` and `{"reject": ...}`, in a verdict map's data too, and
    iptables-nft's `{"xt": {"type": "target", "name": "DROP"}}`), and the chains it jumps or
    goes to (`{"jump": {"target": NAME}}`, `{"goto": ...}`)."""
    drops = False
    jumps: list[str] = []
    todo = [node]
    while todo:
        at = todo.pop()
        if isinstance(at, list):
            todo.extend(at)
        elif isinstance(at, dict):
            xt = at.get("xt")
            if (
                "drop" in at
                or "reject" in at
                or (isinstance(xt, dict) and str(xt.get("name")).upper() in ("DROP", "REJECT"))
            ):
                drops = True
            jumps.extend(
                str(j["target"])
                for verb in ("jump", "goto")
                if isinstance(j := at.get(verb), dict) and isinstance(j.get("target"), str)
            )
            todo.extend(at.values())
    return drops, jumps


def _nft_reading(
    bundle: Bundle,
    px: ProxmoxHost,
    shared: ProxmoxHost,
    vm_dir: str,
    programs: Fact[tuple[str, ...]],
    flag_artefact: str = "",
) -> None:
    """Under proxmox-firewall (host.fw `nftables: 1`) the node's firewall files as it reads
    them (`nft_options`, L19-8P, L19-12P): it parses cluster.fw, host.fw and the .fw of each
    guest on the node (proxmox-firewall a752659 src/config.rs FirewallConfig::new:
    parse_cluster, parse_host, parse_guests for `entry.is_local()` guests, each `?`), so one
    option it refuses in any of them fails the whole update: handle_firewall returns before any
    nft command and run_firewall only logs "error updating firewall rules", the ruleset it
    loaded before (if any) staying. The node's cluster.fw fact is unavailable then (each
    firewall verdict asks). The same holds for the lines of the other sections it reads
    otherwise (`FirewallFile.nft_lines`, P21F-2): common.rs Config::parse bails on a line
    outside any section, a header it does not know, a rule or IP set entry it cannot parse, and
    skips none, so a line pve-firewall skips is refused or applied there, which hvaudit's
    reading does not settle. Otherwise its options are read as proxmox-serde reads them
    (`enable: yes` is on, pve-firewall skips the line), for this node only.

    pve-firewall's own reading gates proxmox-firewall (github:proxmox/pve-firewall 6f1311f
    Firewall.pm is_enabled_and_not_nftables -> update_force_nftables_disable_flag, since
    719bdfa 2024-04-26): unless its cluster.fw `enable` and host.fw `nftables` (keys in any
    case) are both on, it writes /run/proxmox-nftables-firewall-force-disable, and
    proxmox-firewall a752659 run_firewall then only removes its tables (P21F-4). So where
    `ps` shows pve-firewall and it reads the cluster firewall off, no ruleset is in force: the
    cluster options stay as it reads them. Where the process list was not read and the two
    readings differ (`enable: yes`), the verdict hangs on which daemon runs and on the flag
    file (pve-firewall before 719bdfa writes none): the node's cluster.fw fact asks (P21D-1). And proxmox-firewall applies its rules only when its own reading of host.fw has
    `nftables` on (config.rs is_enabled, proxmox-ve-rs host.rs: the serde field `nftables` as
    spelt): `NFTABLES: 1` turns pve-firewall aside and proxmox-firewall off (P21F-3), which
    `FirewallFile.daemons_off` carries to `firewall_daemon`."""
    if not px.host_firewall.known or px.host_firewall.get().options.get("nftables") != "1":
        return
    if (
        shared.cluster_firewall.known
        and shared.cluster_firewall.get().options.get("enable", "0") != "1"
    ):
        if programs.known and "pve-firewall" in programs.get():
            return
        cluster_fw = shared.cluster_firewall.get()
        if not programs.known and nft_options(cluster_fw, "cluster.fw")[0].get("enable") == "1":
            # pve-firewall reads the cluster firewall off, proxmox-firewall on (P21D-1): which
            # reading holds depends on the daemon that runs and on the force-disable file
            # (pve-firewall before 719bdfa does not write it), neither of which was read
            written = next(
                (line for _, line in cluster_fw.option_lines if line.lower().startswith("enable")),
                "enable",
            )
            px.cluster_firewall = Fact.unavailable(
                f"cluster.fw `{written}` is off as pve-firewall reads it (`enable: (\\d+)`) and on "
                "as proxmox-firewall (host.fw `nftables: 1`) reads it, and the process list was "
                f"not read: {DAEMON_ASKED} on this node (pve-firewall, "
                "proxmox-firewall or both), and does /run/proxmox-nftables-firewall-force-disable "
                "exist (pve-firewall writes it while it reads the cluster firewall off; "
                "proxmox-firewall then removes its ruleset)?",
                *shared.cluster_firewall.sources,
                *px.host_firewall.sources,
            )
            return
    guests: dict[str, pve.FirewallFile] = {}
    for where in (vm_dir, vm_dir.replace("/qemu-server/", "/lxc/")):
        for entry in bundle.under(where):
            vmid = entry.path.removeprefix(where).removesuffix(".conf")
            if entry.status == "ok" and digits(vmid) and vmid in shared.vm_firewalls:
                guests[vmid] = shared.vm_firewalls[vmid]
    host = px.host_firewall.get()
    cluster = shared.cluster_firewall.get() if shared.cluster_firewall.known else None
    files = [("host.fw", host)] + [(f"{vmid}.fw", fw) for vmid, fw in sorted(guests.items())]
    if cluster is not None:
        files.insert(0, ("cluster.fw", cluster))
    read = {name: nft_options(fw, name) for name, fw in files}
    # the lines of the other sections it reads otherwise (P21F-2): common.rs Config::parse
    # skips no line but blank and `#` ones, and bails (`?`) on each it cannot parse
    # a rule's -dport/-sport service names, where the node's /etc/services was read: each is
    # the port that file gives it or refuses the whole file (R45F-1), no longer a question.
    # Where it was not read (the API path, a read refused) no name is known: proxmox-ve-config
    # knows none but the file's (ports.rs NamedPorts::new opens /etc/services alone, a file it
    # cannot open being no name), so each, netbase's too, may be one the node's file lacks
    # (the whole update refused) or gives another port: one question per file names them all
    # (R47F-1, the team's decision)
    named: dict[tuple[str, int], str] = {}
    unresolved: list[str] = []
    for name, fw in files:
        for n, (text, items) in fw.nft_port_names.items():
            wrong = _port_name_refused(items, px.services.get()) if px.services.known else ""
            named[(name, n)] = f"`{text}`: {wrong}" if wrong else ""
        if fw.nft_port_names and not px.services.known:
            lines = sorted(fw.nft_port_names)
            listed = ", ".join(
                dict.fromkeys(
                    f"-{key} {item}" for n in lines for key, item in fw.nft_port_names[n][1]
                )
            )
            unresolved.append(
                f"{name} line{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines))}: {listed}"
            )
    refused = [
        why
        for name, fw in files
        for why in [
            *read[name][1],
            *(f"{name} line {n} {w}" for n, w, sure in fw.nft_lines if sure),
            *(f"{name} line {n} {w}" for (f, n), w in sorted(named.items()) if f == name and w),
        ]
    ]
    other = [
        f"{name} line {n} {w}"
        for name, fw in files
        for n, w, sure in fw.nft_lines
        if not sure and (name, n) not in named
    ]
    if refused or other or unresolved:
        why = (
            [
                f"{'; '.join(refused)}, which proxmox-firewall (host.fw `nftables: 1`) refuses: it "
                "then applies no change"
                + _nft_unapplied(
                    bundle,
                    px,
                    programs,
                    f"{'; '.join(refused)}, which proxmox-firewall (host.fw `nftables: 1`) refuses",
                )
            ]
            if refused
            else []
        )
        if other:
            why.append(
                f"{'; '.join(other)}: proxmox-firewall (host.fw `nftables: 1`) skips no line "
                "(proxmox-ve-rs common.rs Config::parse): it refuses the whole update, or applies "
                "what pve-firewall's reading leaves out"
            )
        if unresolved:
            why.append(
                f"service names ({'; '.join(unresolved)}) whose ports proxmox-firewall "
                "(host.fw `nftables: 1`) takes from the node's /etc/services alone, which was "
                f"not read ({px.services.reason}): a name the file lacks makes it refuse the "
                "whole update, and the file may give any name any port (`getent services NAME` "
                "on the node for each)"
            )
        px.firewall_update_refused = True
        px.cluster_firewall = Fact.unavailable(
            "; and ".join(why),
            *shared.cluster_firewall.sources,
            *px.host_firewall.sources,
        )
        return
    if cluster is not None:
        px.cluster_firewall = Fact.of(
            dataclasses.replace(cluster, options=read["cluster.fw"][0]),
            *shared.cluster_firewall.sources,
        )
    host_options = read["host.fw"][0]
    off = ""
    if host_options.get("nftables") != "1":
        written = next(
            (line for _, line in host.option_lines if line.lower().startswith("nftables")), ""
        )
        off = (
            f"host.fw `{written}`: pve-firewall reads it as nftables on (keys in any case) "
            "and leaves the rules to proxmox-firewall, which takes only the key `nftables` as "
            "spelt and so applies nothing (its nftables default is off)"
        )
        host_options = {**host_options, "nftables": "1"}
    elif programs.known and set(programs.get()) & set(FIREWALL_DAEMONS) == {"proxmox-firewall"}:
        # pve-firewall writes its force-disable flag while it reads the cluster firewall off
        # or host.fw `nftables` off, and removes it only when it reads both on (Firewall.pm
        # update_force_nftables_disable_flag); nothing else removes it before a reboot (/run).
        # With pve-firewall stopped a flag it left stays, and proxmox-firewall a752659
        # run_firewall then only removes its tables (P22-2)
        flag = bundle.entry(flag_artefact)
        if flag is not None and flag.status == "ok":
            off = (
                f"{NFT_FORCE_DISABLE} exists and pve-firewall, which alone removes it, does not "
                "run: proxmox-firewall removes its tables while the flag exists"
            )
        elif flag is None or flag.status != "absent":
            px.cluster_firewall = Fact.unavailable(
                "only proxmox-firewall runs on this node (host.fw `nftables: 1`) and "
                f"{NFT_FORCE_DISABLE} was not read"
                + (f" ({flag.reason})" if flag is not None and flag.reason else "")
                + f": is {NFT_FORCE_DISABLE} absent (pve-firewall writes it while it reads the "
                "cluster firewall or `nftables` off and removes it only while it runs; "
                "proxmox-firewall removes its ruleset while it exists)?",
                *shared.cluster_firewall.sources,
                *px.host_firewall.sources,
            )
    px.host_firewall = Fact.of(
        dataclasses.replace(host, options=host_options, daemons_off=off), *px.host_firewall.sources
    )
    px.vm_firewalls = dict(shared.vm_firewalls) | {
        vmid: dataclasses.replace(fw, options=read[f"{vmid}.fw"][0]) for vmid, fw in guests.items()
    }


def _corosync_local(
    bundle: Bundle,
    px: ProxmoxHost,
    problems: list[ParseProblem],
    hostname: str,
    at: Callable[[str], str],
) -> None:
    """The node's /etc/corosync/corosync.conf, which corosync reads, beside /etc/pve's copy.
    pmxcfs installs /etc/pve/corosync.conf over it (pve-cluster src/pmxcfs/dcdb.c
    dcdb_sync_corosync_conf, at pmxcfs's start, a cluster commit and each write of the file)
    only when pmxcfs reads a non-zero config_version from it and not a lower one than from the
    local file; the local file is kept otherwise. Its text is read only through a node's files
    (the API serves /etc/pve's totem only); a copied tree without it is unread, as on the API
    path (L19-11P): the copy is not the node, and a cluster node has it (pve-cluster 7091d92
    Setup.pm finish_join `file_set_contents($localclusterconf, ...)`, dcdb.c
    `atomic_write_file(HOST_CLUSTER_CONF_FN, ...)`)."""
    path = COROSYNC_LOCAL
    px.corosync_local = _file(
        bundle,
        path,
        pve.parse_corosync,
        problems,
        hostname,
        lambda: Fact.unavailable(f"{path} does not exist on the node", Source(at(path))),
        artefact=at(path),
    )
    entry = bundle.entry(at(path))
    # a copied tree without the file observes nothing of the node (the collector records it
    # unavailable, "the copied tree has no ..."): only a live read's `absent` is the node's
    px.corosync_local_unread = entry is None or entry.status not in ("ok", "absent")
    if px.corosync_local.known and entry is not None:
        text = bundle.text(entry.path)
        px.corosync_local_version = pve.pmxcfs_config_version(text)
        shared = bundle.entry(pve_artefact("/etc/pve/corosync.conf"))
        px.corosync_local_same = (
            shared is not None and shared.status == "ok" and bundle.text(shared.path) == text
        )


def _add_node(
    bundle: Bundle,
    dep: Deployment,
    problems: list[ParseProblem],
    shared: ProxmoxHost,
    hostname: str,
    at: Callable[[str], str],
    *,
    vm_dir: str,
    status: str,
) -> None:
    """One node: its own firewall, network, web proxy settings, size and VMs."""
    px = ProxmoxHost(
        datacenter=shared.datacenter,
        users=shared.users,
        cluster_firewall=shared.cluster_firewall,
        corosync=shared.corosync,
        corosync_version=shared.corosync_version,
        vm_firewalls=shared.vm_firewalls,
        vm_firewall_gaps=shared.vm_firewall_gaps,
        vm_firewall_listing=shared.vm_firewall_listing,
        realms=shared.realms,
        tfa=shared.tfa,
        sdn_vnets=shared.sdn_vnets,
        pci_mappings=shared.pci_mappings,
        ha_resources=shared.ha_resources,
        guests_unseen=shared.guests_unseen,
        storages_unseen=shared.storages_unseen,
        users_partial=shared.users_partial,
    )
    host_fw = f"/etc/pve/nodes/{hostname}/host.fw"
    cluster_fw = shared.cluster_firewall.get() if shared.cluster_firewall.known else None
    listing = bundle.entry(listing_artefact("/etc/pve/nodes"))
    if (
        bundle.entry(at(host_fw)) is None
        and listing is not None
        and listing.status not in ("ok", "absent")
    ):
        # the node directories not listed, host.fw was never read: the listing's failure is
        # why (R40E-3: "was not collected" hid it), as a guest's .fw has /etc/pve/firewall's
        gap = Fact.failed if listing.status == "failed" else Fact.unavailable
        px.host_firewall = gap(
            f"{host_fw} not read: {listing.reason or listing.status}", Source(listing.path)
        )
    else:
        px.host_firewall = _file(
            bundle,
            host_fw,
            lambda text, name: pve.parse_firewall(text, name, "host", cluster_fw),
            problems,
            hostname,
            lambda: Fact.of(pve.FirewallFile(kind="host"), Source(at(host_fw), "absent: defaults")),
            artefact=at(host_fw),
        )
    px.interfaces = _file(
        bundle,
        pve.INTERFACES,
        pve.parse_interfaces,
        problems,
        hostname,
        artefact=at(pve.INTERFACES),
    )
    if px.interfaces.known and px.interfaces.get().includes:
        px.interfaces = _with_sourced(bundle, px.interfaces, problems, hostname)
    px.interfaces = _api_interfaces(bundle, px.interfaces, at(pve.INTERFACES), hostname)
    entry = bundle.entry(at(pve.INTERFACES))
    px.interfaces_from_api = entry is not None and entry.origin.startswith("GET /nodes/")
    px.bridge_vlan_filtering, px.bridges_source = _live_bridges(bundle, hostname)
    px.pveproxy = _file(
        bundle,
        "/etc/default/pveproxy",
        pve.parse_pveproxy_defaults,
        problems,
        hostname,
        lambda: Fact.of({}, Source(at("/etc/default/pveproxy"), "absent: defaults")),
        artefact=at("/etc/default/pveproxy"),
    )
    # proxmox-ve-config NamedPorts::new: a file it cannot open is no name (`Err(_) => return
    # this`), so a node without /etc/services resolves none
    px.services = _file(
        bundle,
        pve.SERVICES,
        pve.parse_services,
        problems,
        hostname,
        lambda: Fact.of({}, Source(at(pve.SERVICES), "absent: no service name")),
        artefact=at(pve.SERVICES),
    )
    # pve-firewall get_etc_services warns and knows no name where it cannot open the file
    # ("unable to read"), so each rule naming one dies "invalid port" (R47F-2)
    px.iptables_services = _file(
        bundle,
        pve.SERVICES,
        pve.parse_iptables_services,
        problems,
        hostname,
        lambda: Fact.of({}, Source(at(pve.SERVICES), "absent: no service name")),
        artefact=at(pve.SERVICES),
    )
    if px.iptables_services.known and (stale := _services_since_start(bundle)):
        px.iptables_services = Fact.unavailable(
            stale, *px.iptables_services.sources, Source(command_artefact("services-mtimes"))
        )
    _corosync_local(bundle, px, problems, hostname, at)
    cores, threads, mem, missing = _size(bundle)
    entry = bundle.entry(status)
    if entry is not None and entry.status == "ok" and not cores:
        # cpuinfo.cores is already the node's total of physical cores (pve-common
        # ProcFSTools::read_cpuinfo sums the cores of every socket; the API schema of
        # GET /nodes/{node}/status: "The number of physical cores of the CPU"), not per socket.
        node = json.loads(bundle.text(entry.path))
        cpu = node.get("cpuinfo", {}) if isinstance(node, dict) else {}
        cores = _int(str(cpu.get("cores", 0) or 0))
        threads = _int(str(cpu.get("cpus", 0) or 0))
        mem = _int(str((node.get("memory", {}) or {}).get("total", 0) or 0)) // 1024
        missing = {}
        if not cores:
            missing["cores"] = f"GET /nodes/{hostname}/status has no cpuinfo.cores"
        if not mem:
            missing["memory"] = f"GET /nodes/{hostname}/status has no memory.total"
    elif entry is not None and entry.status != "ok":
        # R43E-1: the API path reads the node's cores and RAM from this GET alone (it collects
        # no /proc file), so where the GET failed that is why they are unknown, not "/proc/...
        # was not collected", which would send the auditor after a file no one tried to read.
        origin = entry.origin or f"GET /nodes/{hostname}/status"
        reason = entry.reason or entry.status
        failed = reason if reason.startswith(origin) else f"{origin} failed: {reason}"
        missing = {k: failed if v.endswith(" was not collected") else v for k, v in missing.items()}
    dep.hosts.append(
        Host(
            name=hostname,
            platform="proxmox-ve",
            simulated=False,
            hypervisor="QEMU/KVM (Proxmox VE)",
            hypervisor_version="",
            cores=cores,
            threads=threads,
            memory_kib=mem,
            facts=(facts := parse_host_facts(bundle)),
            source=Source(entry.path if entry is not None else "host/files/proc/cpuinfo"),
            proxmox=px,
            missing=missing,
        )
    )
    _nft_reading(bundle, px, shared, vm_dir, facts.programs, at(NFT_FORCE_DISABLE))
    if px.iptables_services.known:
        # an absent file gives no name (iptables_services is empty then): the empty map
        protocols: Fact[dict[str, frozenset[str]]] = _file(
            bundle,
            pve.SERVICES,
            pve.parse_service_protocols,
            [],
            hostname,
            lambda: Fact.of({}, Source(at(pve.SERVICES), "absent: no service name")),
            artefact=at(pve.SERVICES),
        )
        if protocols.known:
            _ipt_update_refused(bundle, px, shared, vm_dir, protocols.get())
    run = _node_run_state(bundle, hostname)
    node_arch = _node_arch(bundle)
    for vm_entry in bundle.under(vm_dir):
        if "/" in vm_entry.path.removeprefix(vm_dir):
            continue
        if vm_entry.status != "ok":
            _unread_guest(px, "VM", vm_dir, vm_entry)
            continue
        try:
            cfg = pve.parse_qemu_config(bundle.text(vm_entry.path), vm_entry.path)
        except InputError as exc:
            name = vm_entry.path.rsplit("/", 1)[-1]
            problems.append(ParseProblem("vm", name, vm_entry.path, str(exc)))
            _unread_guest(px, "VM", vm_dir, vm_entry, f"could not be parsed: {exc}")
            continue
        px.unknown_keys += [(vm_entry.path, k, n) for k, n in cfg.unknown]
        dep.notes += [
            f"{vm_entry.path}:{n}: {k}: {val!r} is not a boolean; qemu-server drops it "
            '("unable to parse value"), so its default applies'
            for k, n, val in cfg.invalid
        ]
        dep.notes += [
            f"{vm_entry.path}:{n}: {why} (qemu-server parse_vm_config)" for n, why in cfg.skipped
        ]
        dep.notes += [
            f"{vm_entry.path}:{n}: {k}: {val!r} is refused by qemu-server's schema ({why}); "
            "parse_vm_config drops it, so its default applies"
            for k, n, val, why in cfg.refused
        ]
        vm = _vm(cfg, vm_entry.path, hostname, px, run, facts.programs, node_arch)
        vm = dataclasses.replace(vm, autostart=_starts(px, f"vm:{cfg.vmid}", vm.autostart))
        if not (vm.running or vm.autostart or vm.running_unknown) and (why := _ha_unread(px)):
            vm = dataclasses.replace(vm, running_unknown=why)
        dep.vms.append(vm)
        if cfg.pending:
            later = _vm(
                _with_pending(cfg), vm_entry.path, hostname, px, run, facts.programs, node_arch
            )
            dep.next_boot[vm.uuid] = dataclasses.replace(
                later,
                name=vm.name,
                uuid=vm.uuid,
                running=vm.running,
                autostart=_starts(px, f"vm:{cfg.vmid}", later.autostart),
            )
    ct_dir = vm_dir.replace("/qemu-server/", "/lxc/")
    found, whole = _container_run_state(bundle, hostname)
    for ct_entry in bundle.under(ct_dir):
        if "/" in ct_entry.path.removeprefix(ct_dir):
            continue
        if ct_entry.status != "ok":
            _unread_guest(px, "container", ct_dir, ct_entry)
            continue
        try:
            ct = pve.parse_lxc_config(bundle.text(ct_entry.path), ct_entry.path)
        except InputError as exc:
            name = ct_entry.path.rsplit("/", 1)[-1]
            problems.append(ParseProblem("host", hostname, ct_entry.path, str(exc)))
            _unread_guest(px, "container", ct_dir, ct_entry, f"could not be parsed: {exc}")
            continue
        dep.notes += [
            f"{ct_entry.path}:{n}: {k}: {val!r} is not a boolean; pve-container keeps it "
            "anyway and tests it with Perl's truth: read as 1"
            for k, n, val in ct.invalid
        ] + [
            f"{ct_entry.path}:{n}: {why} (pve-container parse_pct_config)" for n, why in ct.skipped
        ]
        # a container the list leaves out is stopped only where the list is whole (the API's)
        running = True if found.get(ct.vmid) == "running" else False if whole else None
        now = _container(ct, ct_entry.path, running)
        now = dataclasses.replace(now, autostart=_starts(px, f"ct:{ct.vmid}", now.autostart))
        if now.running is False and not now.autostart and (why := _ha_unread(px)):
            now = dataclasses.replace(now, start_unknown=why)
        if ct.pending:
            # pve-container: `[pve:pending]` holds what a running container takes at its next
            # start (vmconfig_apply_pending), as a VM's [PENDING] does
            nxt = _container(_with_pending(ct), ct_entry.path, running)
            now = dataclasses.replace(
                now,
                next_start=dataclasses.replace(
                    nxt, autostart=_starts(px, f"ct:{ct.vmid}", nxt.autostart)
                ),
            )
        px.containers.append(now)


def _unread_guest(
    px: ProxmoxHost, kind: str, where: str, entry: ArtefactEntry, why: str = ""
) -> None:
    """Keep a guest whose configuration file was listed (the collector reads each `<vmid>.conf`
    its directory listing or the API's guest list names) but not read or not parsed: it exists,
    and what it runs with is not in the evidence (R27P-1). A file the node no longer holds
    (`absent`: the guest was removed between the listing and the read) is no guest."""
    vmid = entry.path.removeprefix(where).removesuffix(".conf")
    if not digits(vmid) or (not why and entry.status in ("absent", "not_applicable")):
        return
    reason = why or f"{'collection failed' if entry.status == 'failed' else entry.status}" + (
        f": {entry.reason}" if entry.reason else ""
    )
    px.unread_guests.append((kind, vmid, f"{entry.path.removeprefix('pve/files')} {reason}"))


def _starts(px: ProxmoxHost, sid: str, onboot: bool) -> bool:
    """Whether the guest `sid` (`vm:<vmid>`, `ct:<vmid>`) is started without an operator: by
    its onboot flag, unless the HA manager manages it (P23-1). pve-manager 14a22df
    PVE/API2/Nodes.pm get_filtered_vmlist, which startall (the node's boot) uses: `return if
    !$ha_managed && PVE::HA::Config::vm_is_ha_managed($vmid)`, so onboot starts no HA-managed
    guest; pve-ha-manager b71218f Resources.pm: "`started`;; The CRM tries to start the
    resource", the state's `default => 'started'`; Config.pm $service_check_ha_state: an
    `ignored` resource "behave[s] as if they were not managed by HA" (onboot applies). Read
    with `fetch`. Where resources.cfg is not known, onboot stays the reading."""
    if not px.ha_resources.known:
        return onboot
    state = px.ha_resources.get().get(sid)
    if state is None or state == "ignored":
        return onboot
    return state == "started"


def _ha_unread(px: ProxmoxHost) -> str:
    """Why whether the HA manager starts a stopped guest that is not onboot is not in the
    evidence ('' where resources.cfg was read, or found absent: no HA resource). A bundle of
    an earlier hvaudit holds no resources.cfg, and GET /cluster/ha/resources needs Sys.Audit
    on `/`; such a guest may be one the HA manager keeps `started` (P23-1), so HVA-060 counts
    it as it counts a guest whose run state is unknown (P23B-1)."""
    if px.ha_resources.known:
        return ""
    return f"whether the HA manager starts it is not in the evidence: {px.ha_resources.reason}"


def _with_sourced(
    bundle: Bundle,
    main: Fact[pve.NetworkInterfaces],
    problems: list[ParseProblem],
    hostname: str,
) -> Fact[pve.NetworkInterfaces]:
    """/etc/network/interfaces with the files it sources read in (`pve.resolve_includes`): from
    the files collector's listings and copies (`listing_artefact`, `pve_artefact`). A file that
    was not collected (an older bundle, a copied tree without it, an unreadable one) is listed
    in `unread`, never read as empty; one that does not exist on the node adds nothing, as in
    ifupdown2 ("cannot find source file")."""

    def listing(path: str) -> list[str] | str:
        entry = bundle.entry(listing_artefact(path))
        if entry is None:
            return f"the names in {path} were not collected"
        if entry.status == "absent":
            return []
        if entry.status != "ok":
            return entry.reason or f"{path} could not be listed"
        return [n for n in bundle.text(entry.path).splitlines() if n]

    def read(path: str) -> pve.NetworkInterfaces | str | None:
        entry = bundle.entry(pve_artefact(path))
        if entry is None:
            return "not collected"
        if entry.status == "absent":
            return None
        if entry.status != "ok":
            return entry.reason or f"{path} could not be read"
        try:
            return pve.parse_interfaces(bundle.text(entry.path), entry.path, path)
        except InputError as exc:
            problems.append(ParseProblem("host", hostname, entry.path, str(exc)))
            return f"not parsed ({exc})"

    merged = pve.resolve_includes(main.get(), listing, read)
    sources = [*main.sources, *(Source(pve_artefact(p)) for p in merged.files[1:])]
    return Fact.of(merged, *sources)


def _parse_sdn_vnets(text: str, name: str) -> dict[str, dict[str, str]]:
    """The VNets of /etc/pve/sdn/.running-config (pve-network PVE::Network::SDN: JSON, `vnets`
    -> `ids` -> name -> options); a file that is no JSON object pve-network reads as empty
    ($parse_running_cfg: `return {} if $@`)."""
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    vnets = data.get("vnets") if isinstance(data, dict) else None
    ids = vnets.get("ids") if isinstance(vnets, dict) else None
    if not isinstance(ids, dict):
        return {}
    return {
        str(k): {str(o): str(x) for o, x in v.items()}
        for k, v in ids.items()
        if isinstance(v, dict)
    }


#: Why GET /nodes/{node}/network is not the whole network configuration of a node.
API_INTERFACES_UNREAD = (
    "/etc/network/interfaces.d/* or any other file it sources",
    "GET /nodes/{node}/network answers /etc/network/interfaces alone: pve-common "
    "PVE::Network::Interfaces __read_etc_network_interfaces ends a stanza at a `source` line and "
    "follows none (a Proxmox VE install sources /etc/network/interfaces.d/*, where SDN writes its "
    "VNets), and PVE::INotify read_file answers /etc/network/interfaces.new, changes not yet "
    "applied, when it exists",
)


def _api_interfaces(
    bundle: Bundle, f: Fact[pve.NetworkInterfaces], artefact: str, node: str
) -> Fact[pve.NetworkInterfaces]:
    """The interfaces file as the API answered it: its sourced files are never in the answer,
    so they are listed in `unread` (what they set is unknown, never empty)."""
    entry = bundle.entry(artefact)
    if not f.known or entry is None or not entry.origin.startswith("GET /nodes/"):
        return f
    ni = f.get()
    what, why = API_INTERFACES_UNREAD
    unread = [*ni.unread, (what, why.replace("{node}", node))]
    return Fact.of(dataclasses.replace(ni, unread=unread), *f.sources)


def _live_bridges(bundle: Bundle, node: str) -> tuple[dict[str, bool], Source | None]:
    """The Linux bridges whose `vlan_filtering` the node reported through the API (pve-network
    API2/Network/SDN/Nodes/Zone.pm `bridges`: `ip link`'s linkinfo.info_data.vlan_filtering
    for each bridge of /etc/network/interfaces, zone localnetwork, and each VNet of a zone);
    a bridge whose value is missing is left out."""
    entry = bundle.entry(bridges_artefact(node))
    if entry is None or entry.status != "ok":
        return {}, None
    try:
        data = json.loads(bundle.text(entry.path))
    except ValueError:
        return {}, None
    out: dict[str, bool] = {}
    for answer in data.values() if isinstance(data, dict) else ():
        for b in answer if isinstance(answer, list) else ():
            if not isinstance(b, dict):
                continue
            flag = b.get("vlan_filtering")
            if b.get("name") and str(flag) in ("0", "1"):
                out[str(b["name"])] = str(flag) == "1"
    return out, Source(entry.path)


def _node_run_state(bundle: Bundle, node: str) -> tuple[dict[str, str] | None, str]:
    """vmid -> 'running' for the VMs that run on `node`, or None with the reason it is unknown.

    In order of strength: the API's `status` per guest; the node's process list (qemu-server
    starts QEMU with `-id <vmid>`); qemu-server's pid files (`/var/run/qemu-server/<vmid>.pid`,
    which qemu-server's check_running reads; a stale file counts as running, the safe side for
    capacity)."""
    api = bundle.entry(run_state_artefact(node))
    if api is not None and api.status == "ok":
        data = json.loads(bundle.text(api.path))
        return ({str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}), ""
    ps = bundle.entry(command_artefact("processes"))
    if ps is not None and ps.status == "ok":
        ids = re.findall(
            r"^\s*[0-9]+\s+\S+\s+\S*(?:qemu|kvm)\S*.*?\s-id\s+([0-9]+)", bundle.text(ps.path), re.M
        )
        return dict.fromkeys(ids, "running"), ""
    pids = bundle.entry(RUN_ARTEFACT)
    if pids is not None and pids.status == "ok":
        ids = re.findall(r"^([0-9]+)\.pid$", bundle.text(pids.path), re.M)
        return dict.fromkeys(ids, "running"), ""
    return None, (
        "run state unknown: neither a process list nor /var/run/qemu-server was collected"
        + (f" ({pids.reason})" if pids is not None and pids.reason else "")
    )


def _container_run_state(bundle: Bundle, node: str) -> tuple[dict[str, str], bool]:
    """vmid -> 'running' for the containers that run on `node`, and whether the list is the
    whole truth (a container it leaves out is stopped). The API's `status` per guest
    (GET /cluster/resources lists containers too) is; the process list shows the ones whose
    `lxc-start -F -n <vmid>` (pve-container src/pve-container@.service ExecStart) or LXC monitor
    (`[lxc monitor] <path> <vmid>`) it holds, and one it does not show is not settled (P21D-2):
    qemu-server's `-id` and pid files, which _node_run_state reads, say nothing of containers."""
    api = bundle.entry(run_state_artefact(node))
    if api is not None and api.status == "ok":
        data = json.loads(bundle.text(api.path))
        return ({str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}), True
    ps = bundle.entry(command_artefact("processes"))
    if ps is not None and ps.status == "ok":
        ids = re.findall(
            r"^\s*[0-9]+\s+\S+\s+(?:\S*lxc-start\s.*?-n\s*|\[lxc monitor\]\s+\S+\s+)"
            r"([0-9]+)\s*$",
            bundle.text(ps.path),
            re.M,
        )
        return dict.fromkeys(ids, "running"), False
    return {}, False


def _container(ct: pve.QemuConfig, artefact: str, running: bool | None) -> Container:
    """What decides whether a container is isolated from the node (pct.adoc, pve-container)."""
    v = ct.values
    features = pve.parse_property_string(v.get("features", ""))
    on = tuple(
        f"{k}={val}" if k == "mount" else k for k, val in features.items() if val not in ("0", "")
    )
    raw = {k: val for k, val in v.items() if k.startswith("lxc.")}
    devices = [
        pve.parse_property_string(val, "path").get("path", val)
        for k, val in sorted(v.items())
        if re.fullmatch(r"dev[0-9]+", k)
    ]
    mounts = []
    volumes: list[str] = []
    # rootfs is a mount point as mpN are (pve-container Config.pm $rootfs_desc `volume`:
    # "Volume, device or directory to mount into the container"; foreach_volume gives it to
    # LXC.pm mountpoint_mount, which classify_mountpoint makes a `device` mount of a /dev/ path
    # and a `bind` mount of any other host path): a host path as the root is a host path
    # mounted (P14-5)
    for k, val in sorted(v.items()):
        if re.fullmatch(r"mp[0-9]+", k) or k == "rootfs":
            vol = pve.parse_property_string(val, "volume").get("volume", "")
            if vol.startswith("/dev/"):
                devices.append(vol)
            elif vol.startswith("/"):
                mounts.append(vol)
            elif ":" in vol:
                volumes.append(vol)
    for k, val in raw.items():
        for item in val.split("\n"):
            if k.startswith("lxc.cgroup") and "devices.allow" in k:
                devices.append(f"{k}: {item}")
            elif k == "lxc.mount.entry":
                mounts.append(item.split()[0] if item.split() else item)
    apparmor = raw.get("lxc.apparmor.profile", "")
    other = tuple(
        f"{k}: {val}"
        for k, val in sorted(raw.items())
        if k not in ("lxc.apparmor.profile", "lxc.mount.entry") and "devices.allow" not in k
    )
    memory = _container_memory(v, raw)
    cpus = _container_cpus(v, raw)
    nics = []
    for k, val in sorted(v.items()):
        if re.fullmatch(r"net[0-9]+", k, re.A):
            nic = pve.parse_property_string(val)
            if nic.get("bridge"):
                trunks = tuple(_int(t) for t in nic.get("trunks", "").split(";") if t.strip())
                nics.append(
                    (k, nic["bridge"], _int(nic["tag"]) if nic.get("tag") else None, trunks)
                )
    return Container(
        vmid=ct.vmid,
        name=v.get("hostname") or f"ct{ct.vmid}",
        privileged=not _flag(v.get("unprivileged"), False),
        apparmor=apparmor,
        nesting="nesting" in on,
        features=on,
        devices=tuple(devices),
        host_mounts=tuple(mounts),
        volumes=tuple(volumes),
        raw_keys=other,
        running=running,
        autostart=_flag(v.get("onboot"), False),
        source=Source(artefact),
        memory_mib=memory[0],
        memory_raw=memory[1],
        cpus=cpus[0],
        cpus_raw=cpus[1],
        nics=tuple(nics),
    )


_CPULIST = re.compile(r"[0-9]{1,5}(?:-[0-9]{1,5})?(?:,[0-9]{1,5}(?:-[0-9]{1,5})?)*")


def _container_cpus(v: dict[str, str], raw: dict[str, str]) -> tuple[int | None, str]:
    """How many node CPUs the container may run on (None: all of them) and the raw line that
    set it (R25R-1). pve-manager PVE/Service/pvestatd.pm rebalance_lxc_containers: a container
    with no raw `lxc.cgroup.cpuset.cpus` / `lxc.cgroup2.cpuset.cpus` entry gets `my $cores =
    $conf->{cores} || $cpucount; $cores = $cpucount if $cores > $cpucount;` CPUs of the node's
    cpuset (pve-container Config.pm `cores`: "A container can use all available cores by
    default"); one with such an entry keeps the set LXC writes from it. Where several are
    written, the largest set is taken, and one that does not read as a CPU list counts as
    every CPU (more is judged, never less)."""
    best: tuple[int | None, str] | None = None
    for key in ("lxc.cgroup2.cpuset.cpus", "lxc.cgroup.cpuset.cpus"):
        for value in (i.strip() for i in raw[key].split("\n")) if key in raw else ():
            if not _CPULIST.fullmatch(value):
                return None, f"{key}: {value}"
            cpus: set[int] = set()
            for part in value.split(","):
                lo, _, hi = part.partition("-")
                cpus.update(range(int(lo), int(hi or lo) + 1))
            if not cpus:  # a range the kernel's cpulist_parse refuses ("5-3")
                return None, f"{key}: {value}"
            if best is None or (best[0] or 0) < len(cpus):
                best = (len(cpus), f"{key}: {value}")
    if best is not None:
        return best
    cores = v.get("cores", "").strip()
    return (int(cores) if digits(cores) and int(cores) else None), ""


def _container_memory(v: dict[str, str], raw: dict[str, str]) -> tuple[int | None, str]:
    """The container's memory cap in MiB (None: none) and the raw line that set it (P22-1).
    pve-container LXC.pm update_lxc_config writes `my $memory = $conf->{memory} || 512` as
    `lxc.cgroup2.memory.max` and then appends every raw `lxc.*` entry after its own lines
    (`foreach my $entry (@$lxcconf) { ... $raw .= "$k = $v\n"; }`), so a raw
    `lxc.cgroup2.memory.max` is written to the same cgroup file after it. The kernel reads the
    value with page_counter_memparse(buf, "max", &max) (mm/memcontrol.c memory_max_write; v1
    memory.limit_in_bytes takes "-1"): `max` is no limit, a number takes memparse's K/M/G/T/P/E
    suffixes. The largest cap any of them names is taken (more is judged, never less); a value
    the kernel refuses changes nothing here."""
    memory = int(v["memory"]) if v.get("memory", "").isdigit() and int(v["memory"]) else 512
    out: tuple[int | None, str] = (memory, "")
    for key, unlimited in (
        ("lxc.cgroup2.memory.max", "max"),
        ("lxc.cgroup.memory.limit_in_bytes", "-1"),
    ):
        for item in raw[key].split("\n") if key in raw else []:
            value = item.strip()
            if value == unlimited:
                return None, f"{key}: {value}"
            m = re.fullmatch(r"([0-9]+)([kmgtpe]?)", value, re.I)
            if m is None:
                continue
            mib = -(-int(m.group(1)) * 1024 ** "bkmgtpe".index(m.group(2).lower() or "b") // 2**20)
            if mib > (out[0] or 0):
                out = (mib, f"{key}: {value}")
    return out


PVE_IO_RATES = {
    "mbps": ("read", "write"),
    "iops": ("read", "write"),
    "mbps_rd": ("read",),
    "iops_rd": ("read",),
    "mbps_wr": ("write",),
    "iops_wr": ("write",),
}
"""Proxmox disk rate options and the directions they limit: Proxmox hands them to QEMU's -drive
throttling (bps/iops "either for all request types or for reads or writes only"; *_max "bursts
... above the limit temporarily", qemu-options.hx, found with `search`)."""


def _pve_io_directions(options: dict[str, str]) -> set[str]:
    """The directions a disk's rate options limit. An `mbps*` value is MiB per second that
    qemu-server hands QEMU as whole bytes, `int($v * 1024 * 1024)` (Blockdev.pm
    generate_throttle_group), and an `iops*` value as `int($v)`: a rate that truncates to 0 is
    QEMU's "no limit" (R26P-1)."""
    out: set[str] = set()
    for key, covers in PVE_IO_RATES.items():
        if _limits(options.get(key), 2**20 if key.startswith("mbps") else 1):
            out.update(covers)
    return out


def _positive(value: str | None) -> bool:
    """A NIC `rate` that limits (qm.adoc: "Rate limit in mbps"): pve-common Network.pm
    tap_rate_limit makes it `int($rate * 1024 * 1024)` bytes per second and
    setup_tc_rate_limit installs nothing for 0 (`return if !$rate;`), so a rate below one byte
    per second (`rate=0.0000001`, `rate=1e-7`) is no limit (R26P-1)."""
    return _limits(value, 2**20)


def _limits(value: str | None, unit: int) -> bool:
    """Whether a Proxmox rate in `unit` bytes (or operations) per second is a limit once made
    whole as Perl's int() makes it (truncated towards zero): above 0."""
    try:
        return value is not None and math.isfinite(v := float(value)) and int(v * unit) > 0
    except ValueError:
        return False
