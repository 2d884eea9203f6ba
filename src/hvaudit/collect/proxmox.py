"""The Proxmox VE files collector: a node's /etc/pve and network files, read-only.

Targets: `pve:///` (this node), `pve+ssh://root@node/` (a node over SSH) and `pve+dir:///path`
(a copy of a node's files, e.g. from a backup: the tree below PATH mirrors `/`). Every file read is
listed here; directories are listed with `ls -1`. The files /etc/network/interfaces sources
(`source`, `source-directory`) are read too, under /etc/network only (hvaudit.parse.proxmox
expands the lines as ifupdown2 does). In a copied tree a missing file, read or sourced, is
unavailable (the copy is not the node); on a live node absent (ifupdown2 skips a sourced one, the
parser takes a missing /etc/pve file's defaults). A live node's Linux host facts are collected as
for a libvirt host; a copied tree has none, except the node's size when the copy holds `proc/cpuinfo`
and `proc/meminfo` (as an sosreport does). Which VMs run is read from the node's process list
(QEMU's `-id <vmid>`) and from the pid files qemu-server keeps in /var/run/qemu-server.

Secrets never enter the bundle: the bundle writer redacts them per file (`hvaudit.redact`): the
two-factor key field of user.cfg, cloud-init passwords (`cipassword`), secret QEMU `args:`, and
storage passwords and encryption keys in storage.cfg.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass

from hvaudit.bundle import BundleWriter, utc_now
from hvaudit.collect.host import HostCollector
from hvaudit.collect.runner import LocalRunner, Runner, SshRunner, TreeRunner
from hvaudit.errors import CollectionError, InputError, UsageError
from hvaudit.parse import proxmox as pve

__all__ = [
    "COROSYNC_LOCAL",
    "PVE_FILES",
    "RUN_ARTEFACT",
    "TFA_ARTEFACT",
    "TFA_FILE",
    "ProxmoxFilesCollector",
    "ProxmoxTarget",
    "listing_artefact",
    "pve_artefact",
]

PVE_FILES = (
    "/etc/pve/datacenter.cfg",
    "/etc/pve/user.cfg",
    "/etc/pve/domains.cfg",
    "/etc/pve/storage.cfg",
    "/etc/pve/corosync.conf",
    "/etc/pve/firewall/cluster.fw",
    "/etc/network/interfaces",
    "/etc/default/pveproxy",
    "/etc/hostname",
    # the SDN configuration last applied (pve-network PVE::Network::SDN running_config, JSON):
    # its VNets' isolate-ports and vlanaware are what qemu-server plugs a VM's port with
    "/etc/pve/sdn/.running-config",
    # the cluster's PCI mappings (pve-guest-common PVE::Mapping::PCI): what a hostpciN
    # `mapping=<id>` passes through on each node
    "/etc/pve/mapping/pci.cfg",
    # the HA manager's resources (pve-ha-manager PVE::HA::Config): a guest it keeps `started`
    # is started by it, whatever its onboot says (pve-manager startall skips HA-managed guests)
    "/etc/pve/ha/resources.cfg",
    # pve-firewall's flag (PVE::Firewall::Helpers $FORCE_NFT_DISABLE_FLAG_FILE): while it
    # exists proxmox-firewall only removes its tables (P22-2)
    "/run/proxmox-nftables-firewall-force-disable",
    # the service names proxmox-firewall resolves a rule's -dport/-sport names from
    # (proxmox-ve-config ports.rs NamedPorts reads /etc/services): hvaudit.parse.proxmox
    # parse_services
    "/etc/services",
)
NFT_FORCE_DISABLE = "/run/proxmox-nftables-firewall-force-disable"
COROSYNC_LOCAL = "/etc/corosync/corosync.conf"
"""The node's own corosync.conf, the file corosync reads (pve-cluster src/pmxcfs/cfs-utils.h
HOST_CLUSTER_CONF_FN); pmxcfs copies /etc/pve/corosync.conf there only when its config_version
allows (dcdb.c dcdb_sync_corosync_conf), so the two may differ."""
PVE_DIRS = ("/etc/pve/qemu-server", "/etc/pve/lxc", "/etc/pve/firewall", "/etc/pve/nodes")
TREE_HOST_FILES = ("/proc/cpuinfo", "/proc/meminfo")
"""Host facts a copied tree may hold (an sosreport keeps them): the node's size."""
TFA_FILE = "/etc/pve/priv/tfa.cfg"
TFA_ARTEFACT = "pve/tfa-entries.json"
"""What the collector keeps of TFA_FILE (`pve.tfa_entries_from_file`): each user's second-factor
entries by kind and enable flag, never a secret; the API path writes the same from GET
/access/tfa."""
RUN_DIR = "/var/run/qemu-server"
"""qemu-server's pid files (`<vmid>.pid`), listed to tell which VMs run on a node."""
RUN_ARTEFACT = "pve/run/qemu-server.list"
LIST_SOURCED = ("ls", "-1Abp")
"""How a directory a `source` glob or `source-directory` line expands over is listed: every name
but . and .. (a wildcard may match a dot file), one a line, unusual characters escaped (`-b`),
so a name with a newline or a backslash stays one line and is never read as another name; a
directory's name ends with `/` (`-p`: ifupdown2 cannot open it as a file, so it adds nothing)."""


NODE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]{0,62}")
"""A Proxmox node name as the node answers it; anything else is not used in a bundle path."""


def pve_artefact(path: str) -> str:
    """The bundle path of a node file (the same for every way of collecting it)."""
    return "pve/files" + path


def listing_artefact(path: str) -> str:
    """Where the names in node directory `path` (a `source`d glob's or `source-directory`'s) are
    kept: `ls -1Abp` output, absent when the directory does not exist."""
    return f"pve/listings{path}.list"


def node_artefact(node: str, path: str) -> str:
    """Where a cluster bundle keeps a node-local file (interfaces, pveproxy) or answer of `node`."""
    return f"pve/node/{node}{path}"


def in_cluster(node: str, path: str) -> str:
    """The bundle path of `path` as seen on `node` of a cluster: /etc/pve is shared, the rest not."""
    return pve_artefact(path) if path.startswith("/etc/pve/") else node_artefact(node, path)


@dataclass(frozen=True, slots=True)
class ProxmoxTarget:
    """Where a node's files are: this node, a node over SSH, or a copied tree."""

    uri: str
    mode: str
    """local, ssh or dir."""
    root: str
    destination: str | None
    port: int | None

    @classmethod
    def parse(cls, uri: str) -> ProxmoxTarget:
        """`pve:///`, `pve+ssh://root@node[:port]/`, `pve+dir:///path/to/copy`."""
        parts = urllib.parse.urlsplit(uri)
        if parts.scheme == "pve":
            return cls(uri, "local", "", None, None)
        if parts.scheme == "pve+ssh":
            if not parts.hostname:
                raise UsageError(f"{uri}: pve+ssh needs a host (pve+ssh://root@node/)")
            dest = f"{parts.username}@{parts.hostname}" if parts.username else parts.hostname
            return cls(uri, "ssh", "", dest, parts.port)
        if parts.scheme == "pve+dir":
            if not parts.path or parts.path == "/":
                raise UsageError(f"{uri}: pve+dir needs the path of a copied node tree")
            return cls(uri, "dir", parts.path.rstrip("/"), None, None)
        raise UsageError(
            f"not a Proxmox target: {uri!r} (pve:///, pve+ssh://root@node/, pve+dir:///path)"
        )


class ProxmoxFilesCollector:
    """Collects a node's configuration files (and, for a live node, its host facts)."""

    def __init__(self, target: ProxmoxTarget, ssh_config: str | None = None) -> None:
        self.target = target
        # A copied tree is read through the file-system guard: nothing outside it, no special file.
        self.prefix = ""
        if target.mode == "ssh":
            assert target.destination is not None
            self.runner: Runner = SshRunner(target.destination, target.port, config=ssh_config)
        elif target.mode == "dir":
            self.runner = TreeRunner(target.root)
        else:
            self.runner = LocalRunner()

    def _read(self, writer: BundleWriter, path: str, *, copy_unknown: bool = False) -> None:
        """Read one node file. A copied tree without one of PVE_FILES (`copy_unknown`) records
        it unavailable, never absent (R37E-1): the copy is not the node (R28P-3; `_read_sourced`
        and `_tfa` say so too), and the parser reads such a file absent as the node's defaults:
        datacenter.cfg's secure migration (pve-cluster DataCenterConfig.pm), domains.cfg's
        built-in pam and pve realms alone (pve-access-control Auth/Plugin.pm parse_config), no
        HA resource, a single node. A guest's file was listed in the copy: not so."""
        res = self.runner.read_file(self.prefix + path, 10.0)
        artefact = pve_artefact(path)
        if res.status != "ok":
            status, reason = res.status, res.reason
            if status == "absent" and copy_unknown and self.target.mode == "dir":
                status, reason = "unavailable", f"the copied tree has no {path}"
            writer.record(
                artefact, status=status, origin=path, reason=reason, collected_at=utc_now()
            )
            return
        writer.add(artefact, res.stdout, origin=path)

    def _fw_dir(self, writer: BundleWriter) -> list[str]:
        """The names in /etc/pve/firewall. A live node's listing that could not be run (refused,
        timed out) is recorded failed at its `listing_artefact`: which guests have a <vmid>.fw
        is not known then, and a guest's file left unread is no firewall off (R38E-2, as R38E-1
        for a file whose read failed); "No such file" stays no file."""
        return self._recorded_list(writer, "/etc/pve/firewall")

    def _recorded_list(self, writer: BundleWriter, path: str) -> list[str]:
        """The names in `path`; a live node's listing that could not be run is recorded failed
        at its `listing_artefact` (`_fw_dir`; /etc/pve/nodes too, whose failed listing read no
        host.fw: R40E-3), "No such file" stays none."""
        res = self.runner.run(("ls", "-1", self.prefix + path), 10.0)
        if res.status == "ok" and res.rc == 0:
            names = res.stdout.decode("utf-8", errors="replace").split()
            return [n for n in names if re.fullmatch(r"[A-Za-z0-9._-]+", n)]
        if res.status != "ok":
            writer.record(
                listing_artefact(path),
                status="failed",
                origin=f"ls -1 {path}",
                reason=f"{path} could not be listed" + (f": {res.reason}" if res.reason else ""),
                collected_at=utc_now(),
            )
        return []

    def _guest_dir(self, writer: BundleWriter, path: str) -> list[str]:
        """The names in a guest directory (/etc/pve/qemu-server, /etc/pve/lxc). A listing that
        fails on a live node (refused, timed out; pmxcfs always shows both directories:
        pve-cluster src/pmxcfs/pmxcfs.c cfs_plug_link_new("qemu-server", "lxc"), Cluster/
        Setup.pm gen_local_dirs) is recorded at `listing_artefact(path)`: its guests are not
        known, never none (R28P-2); so are those of a copied tree without the directory (R28P-3:
        the copy is not the whole node). "No such file" on a live node stays no guest."""
        res = self.runner.run(("ls", "-1", self.prefix + path), 10.0)
        if res.status == "ok" and res.rc == 0:
            names = res.stdout.decode("utf-8", errors="replace").split()
            return [n for n in names if re.fullmatch(r"[A-Za-z0-9._-]+", n)]
        if res.status == "ok" and self.target.mode == "dir":
            # a node always has the directory: a copy without it is not the whole node (R28P-3)
            writer.record(
                listing_artefact(path),
                status="unavailable",
                origin=f"ls -1 {path}",
                reason=f"the copied tree has no directory {path}",
                collected_at=utc_now(),
            )
            return []
        if res.status == "ok" and "No such file" in res.stderr:
            return []
        why = " ".join((res.reason or res.stderr or f"exit status {res.rc}").split())
        writer.record(
            listing_artefact(path),
            status="unavailable" if res.status == "unavailable" else "failed",
            origin=f"ls -1 {path}",
            reason=f"{path} could not be listed: {why}",
            collected_at=utc_now(),
        )
        writer.error(f"{path} could not be listed: {why}")
        return []

    def _listing(self, writer: BundleWriter, path: str) -> list[str] | None:
        """The names in `path`, recorded; None when they are not known."""
        argv = (*LIST_SOURCED, self.prefix + path)
        res = self.runner.run(argv, 10.0)
        artefact, origin = listing_artefact(path), " ".join((*LIST_SOURCED, path))
        if res.status == "ok" and res.rc == 0:
            writer.add(artefact, res.stdout, origin=origin)
            return [n for n in res.stdout.decode("utf-8", errors="replace").splitlines() if n]
        if res.status == "ok" and self.target.mode == "dir":
            status, reason = "unavailable", f"the copied tree has no directory {path}"
        elif res.status == "ok" and "No such file" in res.stderr:
            status, reason = "absent", f"no directory {path} on the node"
        else:  # never absent: a runner's `absent` is a missing command, not a missing directory
            status = "unavailable" if res.status == "unavailable" else "failed"
            reason = f"{path} could not be listed: {res.reason or res.stderr or res.rc}"
        writer.record(artefact, status=status, origin=origin, reason=reason, collected_at=utc_now())
        return [] if status == "absent" else None

    def _read_sourced(self, writer: BundleWriter, path: str) -> str | None:
        """Read a file an interfaces file sources (or COROSYNC_LOCAL); a copied tree without it
        says so (the node may hold it: the copy is not the node)."""
        res = self.runner.read_file(self.prefix + path, 10.0)
        if res.status == "ok":
            writer.add(pve_artefact(path), res.stdout, origin=path)
            return res.stdout.decode("utf-8", errors="replace")
        status, reason = res.status, res.reason
        if status == "absent" and self.target.mode == "dir":
            status, reason = "unavailable", f"the copied tree has no {path}"
        writer.record(
            pve_artefact(path), status=status, origin=path, reason=reason, collected_at=utc_now()
        )
        return None

    def _sourced(self, writer: BundleWriter) -> None:
        """Follow the `source` and `source-directory` lines of /etc/network/interfaces (and of
        the files they read) as ifupdown2 does (`pve.resolve_includes` reads them back): each
        directory a wildcard expands over is listed, each file it names under /etc/network read."""
        main = writer.files.get(pve_artefact(pve.INTERFACES))
        if main is None:
            return
        queue: list[tuple[str, str, tuple[str, ...]]] = [
            (pve.INTERFACES, main.decode("utf-8", errors="replace"), (pve.INTERFACES,))
        ]
        listed: dict[str, list[str] | None] = {}
        done = {pve.INTERFACES}
        while queue:
            path, text, chain = queue.pop(0)
            try:
                includes = pve.parse_interfaces(text, path, path).includes
            except InputError:
                continue  # the parser reports the file; what it sources is not followed
            for inc in includes:
                if pve.include_problem(inc) is not None:
                    continue
                directory = pve.include_directory(inc)
                names: list[str] = []
                if directory is not None:
                    if directory not in listed:
                        listed[directory] = self._listing(writer, directory)
                    got = listed[directory]
                    if got is None:
                        continue
                    names = got
                for sourced in pve.expand_include(inc, names):
                    if (
                        sourced in done
                        or len(chain) > pve.INCLUDE_DEPTH
                        or pve.storable_path(sourced) is not None
                    ):
                        continue
                    done.add(sourced)
                    data = self._read_sourced(writer, sourced)
                    if data is not None:
                        queue.append((sourced, data, (*chain, sourced)))

    def _tfa(self, writer: BundleWriter) -> None:
        """The users' second factors (TFA_FILE), reduced before they reach the bundle."""
        origin = f"{TFA_FILE} (entry kinds and enable flags only)"
        res = self.runner.read_file(self.prefix + TFA_FILE, 10.0)
        if res.status == "ok":
            summary = pve.tfa_entries_from_file(res.stdout.decode("utf-8", errors="replace"))
            writer.add(TFA_ARTEFACT, summary.encode(), origin=origin)
            return
        status, reason = res.status, res.reason
        if status == "absent" and self.target.mode == "dir":
            status, reason = "unavailable", f"the copied tree has no {TFA_FILE}"
        writer.record(
            TFA_ARTEFACT, status=status, origin=origin, reason=reason, collected_at=utc_now()
        )

    def _run_state(self, writer: BundleWriter) -> None:
        """List qemu-server's pid files; a tree without the directory leaves the run state unknown."""
        res = self.runner.run(("ls", "-1", self.prefix + RUN_DIR), 10.0)
        if res.status == "ok" and res.rc == 0:
            writer.add(RUN_ARTEFACT, res.stdout, origin=f"ls -1 {RUN_DIR}")
        else:
            writer.record(
                RUN_ARTEFACT,
                status="absent" if res.status == "ok" else res.status,
                origin=f"ls -1 {RUN_DIR}",
                reason=f"{RUN_DIR} could not be listed" + (f": {res.reason}" if res.reason else ""),
                collected_at=utc_now(),
            )

    def collect(self, writer: BundleWriter) -> None:
        """Read every file; a host that cannot be reached raises CollectionError after the rest."""
        writer.meta["collector"]["proxmox"] = {"uri": self.target.uri, "mode": self.target.mode}
        probe = self.runner.run(("ls", "-d", self.prefix + "/etc/pve"), 10.0)
        if probe.status != "ok" or probe.rc != 0:
            raise CollectionError(
                f"{self.target.uri}: no /etc/pve: not a Proxmox VE node (or a copy of one)"
            )
        for path in PVE_FILES:
            self._read(writer, path, copy_unknown=True)
        self._read_sourced(writer, COROSYNC_LOCAL)
        self._tfa(writer)
        self._sourced(writer)
        for name in self._guest_dir(writer, "/etc/pve/qemu-server"):
            if name.endswith(".conf"):
                self._read(writer, f"/etc/pve/qemu-server/{name}")
        for name in self._guest_dir(writer, "/etc/pve/lxc"):
            if name.endswith(".conf"):
                self._read(writer, f"/etc/pve/lxc/{name}")
        self._run_state(writer)
        for name in self._fw_dir(writer):
            if name.endswith(".fw") and name != "cluster.fw":
                self._read(writer, f"/etc/pve/firewall/{name}")
        for node in self._recorded_list(writer, "/etc/pve/nodes"):
            # a copy holding the node's directory without its host.fw is no node firewall left
            # at its defaults either (R37E-3): the node's may say `enable: 0`, and pve-firewall
            # builds no input chain for it then (compile_iptables_filter `if ($hostfw_enable)`)
            self._read(writer, f"/etc/pve/nodes/{node}/host.fw", copy_unknown=True)
        if self.target.mode == "dir":
            for path in TREE_HOST_FILES:
                self._read(writer, path)
            writer.record(
                "host",
                status="unavailable",
                origin="host facts",
                reason="a copied configuration tree has no live host to read facts from",
            )
        else:
            HostCollector(self.runner).collect(writer)


def collect_proxmox(uri: str, writer: BundleWriter, ssh_config: str | None = None) -> None:
    """Collect one Proxmox VE node into `writer`."""
    ProxmoxFilesCollector(ProxmoxTarget.parse(uri), ssh_config).collect(writer)
