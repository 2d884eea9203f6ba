"""The deployment model: what the checks see, platform-neutral wherever the recommendation is.

A VM's memory guarantee is one field whether it came from libvirt `<memtune>`, an ESXi reservation
or a Proxmox `balloon`; what exists on one platform only (qemu.conf's `security_driver`) lives in
that platform's extension (`LibvirtHost`). Every value that may be unknown is a `Fact`, which
carries either the value and where it came from, or the reason it is not known.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from hvaudit.parse import proxmox as pve

T = TypeVar("T")

__all__ = [
    "OWN_ONLY_FIELDS",
    "Account",
    "Chardev",
    "Container",
    "CpuAffinity",
    "Deployment",
    "Disk",
    "Fact",
    "FactState",
    "Graphics",
    "Host",
    "HostFacts",
    "Interface",
    "LibvirtHost",
    "LibvirtSecret",
    "Listener",
    "Network",
    "Passthrough",
    "Pool",
    "PortGroup",
    "ProxmoxHost",
    "QemuProcess",
    "SecurityLabel",
    "Setting",
    "SharedDirectory",
    "Source",
    "SpoofProtection",
    "SshdMatch",
    "Vm",
    "definition_differences",
]


@dataclass(frozen=True, slots=True)
class Source:
    """Where a value came from: an artefact of the bundle and a place in it."""

    artefact: str
    locator: str = ""
    default: bool = False
    """True when the value is the documented default because the setting is absent."""
    ask: str = ""
    """The command that answers where this artefact's probe could not run though the host has
    what it asks (systemctl not found where PID 1 is systemd or may be, R52S-5): a fact resting
    on it is asked with this command, never a collection error (the team's decision of round
    52)."""

    def describe(self) -> str:
        """A short human form, e.g. `host/etc/libvirt/qemu.conf: security_driver (default)`."""
        text = self.artefact + (f": {self.locator}" if self.locator else "")
        return text + (" (default)" if self.default else "")


class FactState(enum.Enum):
    """Whether a fact is known, and if not, why."""

    KNOWN = "known"
    NOT_APPLICABLE = "not_applicable"
    """The fact does not exist here (a simulated host has no /etc/passwd)."""
    UNAVAILABLE = "unavailable"
    """The fact exists but this collection could not observe it (an expected gap)."""
    FAILED = "failed"
    """Collecting the evidence failed (timeout, permission, crash): a collection error."""


def _asked(reason: str, sources: tuple[Source, ...]) -> str:
    """`reason` naming the commands that answer it (the sources' `ask`, R52S-5)."""
    asks = [a for a in dict.fromkeys(s.ask for s in sources) if a and a not in reason]
    return f"{reason}; {' or '.join(asks)} answers" if asks else reason


@dataclass(frozen=True, slots=True)
class Fact(Generic[T]):
    """A value with provenance, or the reason why there is none."""

    state: FactState
    value: T | None = None
    sources: tuple[Source, ...] = ()
    reason: str = ""

    @classmethod
    def of(cls, value: T, *sources: Source) -> Fact[T]:
        """A known value."""
        return cls(FactState.KNOWN, value, tuple(sources))

    @classmethod
    def not_applicable(cls, reason: str) -> Fact[T]:
        """A fact that does not exist on this subject."""
        return cls(FactState.NOT_APPLICABLE, None, (), reason)

    @classmethod
    def unavailable(cls, reason: str, *sources: Source) -> Fact[T]:
        """A fact this collection could not observe."""
        return cls(FactState.UNAVAILABLE, None, tuple(sources), _asked(reason, sources))

    @classmethod
    def failed(cls, reason: str, *sources: Source) -> Fact[T]:
        """A fact whose evidence could not be collected (its reason naming the command that
        answers, a source's `ask`: `asked` is true, R52S-5)."""
        return cls(FactState.FAILED, None, tuple(sources), _asked(reason, sources))

    @property
    def asked(self) -> bool:
        """True when the fact is unknown because a probe a person can run did not run (a
        source's `ask`, R52S-5): a question naming that command, never a collection error."""
        return self.state is not FactState.KNOWN and any(s.ask for s in self.sources)

    @property
    def known(self) -> bool:
        """True when `value` holds the observed value."""
        return self.state is FactState.KNOWN

    def get(self) -> T:
        """The value of a known fact (a programming error otherwise)."""
        if self.state is not FactState.KNOWN:
            raise ValueError(f"fact is {self.state.value}: {self.reason}")
        return self.value  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class Setting:
    """A configured control (a limit, a guarantee, a priority) in platform-neutral form."""

    description: str
    source: Source


@dataclass(frozen=True, slots=True)
class Listen:
    """One address a console listens on."""

    kind: str
    """address, network, socket or none; dbus: the D-Bus address a dbus display connects to."""
    address: str | None


@dataclass(frozen=True, slots=True)
class Graphics:
    """A VM console (VNC, SPICE, ...)."""

    type: str
    listens: tuple[Listen, ...]
    password: Fact[bool]
    """Whether a password is set; unknown when the XML was read without secure information."""
    source: Source
    default_mode: str = "any"
    """SPICE: the channel security policy (secure, insecure, any; libvirt's default is any)."""
    channel_modes: tuple[tuple[str, str], ...] = ()
    """SPICE: (channel, mode) overrides of `default_mode`."""
    empty_password: bool = False
    """The XML sets passwd='' (libvirt hands QEMU that empty password, not qemu.conf's)."""
    password_off: bool = False
    """VNC: a raw `-set vnc.default.password=off` turns off the password authentication libvirt
    asked for (passwd or qemu.conf's vnc_password): neither password applies (R42D-1)."""
    sasl_off: bool = False
    """VNC: a raw `-set vnc.default.sasl=off` turns off the SASL authentication libvirt asked
    for with qemu.conf's vnc_sasl = 1: that setting does not apply (R43D-1)."""
    merged: tuple[str, ...] = ()
    """SPICE: the raw `-spice` arguments QEMU merges into this (libvirt's) server (R44D-4)."""
    sasl_on: bool = False
    """VNC: a raw `-set vnc.default.sasl=on` (its last value) asks for SASL authentication
    where qemu.conf's vnc_sasl did not: SASL then authenticates a client (R44D-2)."""
    tls: bool | None = None
    """TLS as the command line sets it (Proxmox VE's SPICE `tls-port`); None: qemu.conf's."""
    tls_anon: str = ""
    """VNC: the raw `-set vnc.default.tls-creds=ID` (its last value) naming a raw `-object
    tls-creds-anon`: anonymous TLS, no server certificate, judged as no TLS (R46D-1)."""
    tls_x509: str = ""
    """VNC: the raw `-set vnc.default.tls-creds=ID` (its last value) naming a raw `-object
    tls-creds-x509`: x509 TLS on libvirt's VNC whatever qemu.conf's vnc_tls (R47D-4)."""
    websocket: bool = False
    """VNC: the XML's `websocket` port (a number, or -1 for one libvirt allocates): libvirt's
    -vnc then has a bare `websocket=PORT`, on the display's host while the display has that
    one listener (R51D-3)."""
    secret_unread: tuple[str, ...] = ()
    """VNC: (what names it, what answers it) where a raw `-set vnc.default.password-secret`
    gives libvirt's VNC a secret the bundle does not show empty or set (R52D-1); () else."""
    closed: str = ""
    """VNC: why raw `-set vnc.default.password*` arguments leave no client a way in: QEMU
    refuses to start with both `password` and `password-secret`, or asks for a password
    that nothing sets, refusing every client (R51D-2); "" where they do not."""
    copypaste: bool | None = None
    """SPICE: `<clipboard copypaste='yes'|'no'/>`; None when absent, where spice-server's
    default (on) holds (HVA-239)."""
    filetransfer: bool | None = None
    """SPICE: `<filetransfer enable='yes'|'no'/>`; None when absent (spice-server: on)."""
    plain_port: bool = True
    """SPICE: whether QEMU gets a plaintext port besides the TLS one (libvirt: autoport, or a
    `port` other than 0); without one every channel runs over TLS whatever its mode (R22M-2)."""


SPICE_WEBDAV = "org.spice-space.webdav.0"
"""The SPICE port of folder sharing: the client's folder served to the guest's spice-webdavd
(qemu-server "Enable folder sharing via SPICE. Needs Spice-WebDAV daemon installed in the VM")."""


@dataclass(frozen=True, slots=True)
class AgentChannel:
    """A channel between a console client and the guest (HVA-239): the SPICE agent's port
    (libvirt <channel type='spicevmc'>), QEMU's own vdagent (<channel type='qemu-vdagent'>)
    or a named SPICE port (<channel type='spiceport'>, e.g. org.spice-space.webdav.0), or a
    SPICE USB redirection channel (<redirdev type='spicevmc'>, Proxmox VE `usbN: spice`)."""

    kind: str
    """spicevmc, qemu-vdagent, spiceport or usbredir."""
    name: str
    """The port's name (the guest-side virtio name; a spiceport's SPICE channel name)."""
    source: Source
    clipboard: bool | None = None
    """qemu-vdagent: `<source><clipboard copypaste=...>`; None when absent (QEMU: off)."""
    filtered: bool = False
    """usbredir: a <redirfilter> (QEMU usb-redir `filter`) limits the devices it accepts."""
    filter_opens: str = ""
    """usbredir: the filter's rule (class:vendor:product:version:allow) that accepts a USB
    storage device of any vendor, "" where none does or it is unread (R22V-2)."""


@dataclass(frozen=True, slots=True)
class Chardev:
    """A character device (serial, console, channel, redirdev ...) whose backend is a socket."""

    device: str
    """serial, console, channel, parallel or redirdev."""
    protocol: str
    """tcp or udp."""
    mode: str
    """bind (QEMU listens) or connect (QEMU dials out)."""
    host: str
    service: str
    tls: bool | None
    """The <source tls=...> attribute; None when absent (qemu.conf chardev_tls decides)."""
    source: Source
    alias: str = ""
    """libvirt's alias of the device (<alias name>, else the one libvirt gives it at start);
    QEMU's id of its -chardev is `char` + alias, which a raw `-set chardev.ID.KEY=` reaches."""
    raw_creds: str = ""
    """The raw `-set chardev.ID.tls-creds=OBJ` naming a raw -object that replaces libvirt's TLS
    credentials (R47D-8); "" where none does."""
    raw_creds_verify: bool = False
    """Whether those credentials authenticate the client (x509 with verify-peer on)."""
    raw_socket: bool = False
    """A TCP socket only a raw `-set chardev.ID.backend=socket` makes of a device libvirt built
    otherwise (a pty, a UDP one: R48D-1): no tls attribute or chardev_tls applies to it."""


@dataclass(frozen=True, slots=True)
class SpoofProtection:
    """What the packet filter at a VM port stops the guest from forging: mac, ip, arp."""

    covers: frozenset[str]
    via: str
    """The filter (or platform feature) that does it, '' when there is none."""
    note: str = ""
    beyond: frozenset[str] = frozenset()
    """What the platform cannot stop at this port at all (a vSphere port group: ip, arp)."""
    compensating: str = ""
    """The control outside the port that can (named in the manual item for `beyond`)."""
    allowed: tuple[str, ...] = ()
    """The source addresses the filter admits as the VM's own, where the platform lists them
    (Proxmox VE: the entries of IP set ipfilter-net<N>)."""


@dataclass(frozen=True, slots=True)
class Interface:
    """A VM network interface."""

    type: str
    """network, bridge, direct, hostdev, user, ethernet, vhostuser, ..."""
    source: str
    """The network, bridge or device it attaches to."""
    mac: str | None
    model: str | None
    filter: str | None
    """The packet filter applied at the VM port (libvirt nwfilter name)."""
    filter_parameters: tuple[tuple[str, str], ...]
    vlan_tags: tuple[int, ...]
    vlan_trunk: bool
    trust_guest_rx_filters: bool
    macvtap_mode: str | None
    port_isolated: bool | None
    virtualport: str | None
    bandwidth_limited: bool
    source_ref: Source
    spoofing: Fact[SpoofProtection] = field(
        default_factory=lambda: Fact.unavailable("not resolved")
    )
    """Resolved by the parser from the platform's filter definitions (libvirt nwfilter, ...)."""
    bandwidth_directions: frozenset[str] | None = None
    """The directions (inbound, outbound) with an average rate limit; None where the platform's
    limit has no direction (then `bandwidth_limited` covers both)."""
    portgroup: str | None = None
    """The port group the interface names on its network (libvirt `<source portgroup=>`)."""
    bandwidth_unset: bool = False
    """The interface has a `<bandwidth>` of its own that sets no rate: libvirt's dump of one whose
    averages are all 0 (virNetDevBandwidthRateFormat writes a rate only when average or floor is
    set). It limits nothing and keeps its port group's `<bandwidth>` away (R20N-3)."""
    trust_guest_rx_filters_set: bool = False
    """The interface sets trustGuestRxFilters itself (yes or no), overriding its network's."""
    inherited: tuple[tuple[str, str], ...] = ()
    """Settings the interface takes from its network, each with where it came from:
    ("vlan" | "trust" | "bandwidth", "portgroup P of network N" | "network N")."""
    vlan_untagged: int | None = None
    """The VLAN a Proxmox VE port carries untagged on a VLAN-aware Linux bridge: its `tag`, else
    1 (pve-common src/PVE/Network.pm $bridge_add_interface: `$tag = 1 if !$tag`, `pvid
    untagged`), its `trunks` beside it tagged; None elsewhere."""
    vlan_unknown: str | None = None
    """Why the VLANs the port carries are not in the evidence (its bridge is none the parser
    read, so whether it is VLAN-aware is unknown); None where they are."""
    isolation_unobserved: str | None = None
    """Why a port the configuration isolates may not be isolated now (Proxmox VE sets the flag
    when it plugs the port, at VM start); None where the configuration is what runs."""
    tunnel_local: str | None = None
    """A UDP tunnel's local `address:port` (libvirt `<source><local address port>`), which QEMU
    binds (`-netdev socket,udp=...,localaddr=`); None for other interfaces."""
    passt: bool = False
    """libvirt runs passt for the interface (`<backend type='passt'/>`): on type='user', and
    on type='vhostuser' since libvirt 11.1.0 (formatdomain: "you may prefer to use the passt
    backend with the more efficient and performant type='vhostuser' rather than type='user'.
    All the options related to passt ... also apply"; R25O-1)."""
    port_forwards: tuple[tuple[str, str, str], ...] = ()
    """A passt user interface's host port forwards (libvirt `<portForward>`), each (protocol,
    host address or "" for none, ports as passt's -t/-u takes them: `2022:22`, `all`)."""

    socket_mode: str | None = None
    """A vhost-user interface's `<source mode>`: "server" where QEMU creates and listens on the
    socket (and hands the guest's memory to whatever connects), "client" where it connects to
    a back end's; None for other interfaces or where the definition gives none."""
    tap_placed_outside: str | None = None
    """An <interface type='ethernet'> whose tap something outside libvirt may put on a host
    bridge: a pre-created tap (`<target managed='no'>`) or an ifup <script>, shown as such;
    None otherwise (libvirt itself never attaches an ethernet tap to a bridge)."""
    target_dev: str | None = None
    """The host device of the port as the domain XML names it (libvirt `<target dev>`: the tap a
    running domain's interface is, vnet0); None where none is named."""

    def inherited_from(self, setting: str) -> str | None:
        """Where an inherited setting came from, or None when the interface's own value holds."""
        return next((origin for key, origin in self.inherited if key == setting), None)


@dataclass(frozen=True, slots=True)
class SecurityLabel:
    """One <seclabel> of a domain (or its platform's equivalent)."""

    model: str
    """selinux, apparmor, dac, or '' when the driver's first model applies."""
    type: str
    """dynamic, static or none."""
    label: str | None
    relabel: bool
    source: Source
    baselabel: str | None = None
    """The base a dynamic label is generated from (SELinux: its type is kept, its MCS range
    replaced by a fresh one)."""


@dataclass(frozen=True, slots=True)
class CpuAffinity:
    """Which host CPUs each vCPU and the emulator threads may run on (None: any host CPU)."""

    vcpus: tuple[frozenset[int] | None, ...]
    emulator: frozenset[int] | None
    source: Source
    iothreads: tuple[frozenset[int] | None, ...] = ()
    """Each I/O thread's CPUs: its <iothreadpin>, else where <vcpu cpuset> allows, else any
    (qemu_process.c qemuProcessSetupPid)."""


@dataclass(frozen=True, slots=True)
class SharedDirectory:
    """A host directory exported to the guest (virtio-9p, virtiofs)."""

    driver: str
    host_path: str
    access_mode: str
    """passthrough, mapped or squash (libvirt's default is passthrough)."""
    readonly: bool
    source: Source
    socket: str | None = None
    """virtiofs <source socket>: a virtiofsd started outside libvirt serves the share, and only
    its own options name the directory."""
    mapping: str | None = None
    """The cluster directory mapping that names the directory per node (Proxmox VE virtiofs
    dirid=, /etc/pve/mapping/dir.cfg), where the VM's file names no path."""


@dataclass(frozen=True, slots=True)
class NetworkLayer:
    """A network source below or beside a disk's own: a `<backingStore type='network'>` layer
    of its chain or a block job's `<mirror type='network'>` destination (VL19-7), with what
    its `<source>` says of its transport, as for a `<disk type='network'>`."""

    role: str
    """"backing file" or "mirror"."""
    protocol: str
    name: str | None
    tls: bool | None = None
    ssl_verify: bool | None = None
    auth: bool = False
    servers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Disk:
    """A VM disk or removable medium."""

    device: str
    bus: str | None
    source: str | None
    readonly: bool
    io_limited: bool
    source_ref: Source
    rawio: bool = False
    """A LUN given raw I/O capability (CAP_SYS_RAWIO for QEMU)."""
    sgio: str | None = None
    """SCSI command filtering of a LUN (filtered, unfiltered)."""
    protocol: str | None = None
    """The network protocol of a `<disk type='network'>` source (iscsi, rbd, nbd, ...)."""
    io_directions: frozenset[str] = frozenset()
    """The directions ("read", "write") a rate limit of the disk covers; `io_limited` is both."""
    type: str = "file"
    """The storage type (libvirt <disk type>: file, block, network, vhostuser, ...)."""
    cache: str | None = None
    """libvirt's <driver cache> (none, writeback, writethrough, directsync, unsafe, default);
    None where not given, QEMU's default then (cache.direct off: the host page cache)."""
    pool: str | None = None
    """The storage pool of a <disk type='volume'> (its <source pool>)."""
    pool_mode: str | None = None
    """How a volume of an iSCSI pool is opened (<source mode>: host, the default, or direct)."""
    selinux_override: str | None = None
    """How a per-disk SELinux `<source><seclabel model='selinux'>` overrides the image label
    libvirt gives the VM's disks: "relabel='no'" (the file keeps the label it has),
    "labelskip='yes'" (libvirt could not label it, R18-2) or the context of its `<label>`
    (applied instead); None when none does (R11-1)."""
    shareable: bool = False
    """The disk has <shareable/> (formatdomain: "the device is expected to be shared between
    domains"); libvirt's SELinux driver labels it with the policy's shared file context, no
    MCS category (R12-3)."""
    backing: tuple[str, ...] = ()
    """The local files (or block devices) of the disk's `<backingStore>` chain, top first:
    layers QEMU opens read-only for this VM (R17-1)."""
    mirror: str | None = None
    """The local file (or block device) of a running block job's `<mirror>`, the destination
    QEMU copies this disk into (job='copy') or commits its top into (job='active-commit'):
    written by this VM's QEMU, and its disk after a pivot (R19-1)."""
    tls: bool | None = None
    """A network disk's `<source tls='yes'|'no'>` (nbd, vxhs); None when absent, where
    qemu.conf's nbd_tls / vxhs_tls decides (formatdomain, "Hard drives ...": source, network)."""
    ssl_verify: bool | None = None
    """An https/ftps disk's `<source><ssl verify='yes'|'no'/>`; None when absent (QEMU's curl
    driver verifies by default: block/curl.c CURL_BLOCK_OPT_SSLVERIFY_DEFAULT true)."""
    auth: bool = False
    """A network disk has `<auth>` (under <source> or <disk>): iSCSI CHAP or a Ceph user."""
    servers: tuple[str, ...] = ()
    """A network disk's `<host>` elements as `name:port` (or `unix:PATH` for a UNIX socket)."""
    network_layers: tuple[NetworkLayer, ...] = ()
    """The network layers of the disk's `<backingStore>` chain and a `<mirror type='network'>`
    (VL19-7): QEMU reads (and, for a mirror, writes) them from their servers as for the disk."""


VGPU = "vGPU "
"""The start of a Passthrough address that is an ESXi vGPU's profile (`vGPU grid_a100-8c`): a
share of a physical GPU, not a host function the VM is given (L19-3D)."""


@dataclass(frozen=True, slots=True)
class Passthrough:
    """A host device given directly to the VM (PCI, USB, SCSI, mediated device, SR-IOV function)."""

    kind: str
    address: str
    source_ref: Source
    rawio: bool = False
    """A SCSI host device with the rawio capability (libvirt `<hostdev type='scsi' rawio='yes'>`)."""
    sgio: str | None = None
    """SG_IO filtering of a SCSI host device as the definition says it (None: not said)."""
    protocol: str | None = None
    """The network protocol of a SCSI host device's source (iscsi), None for a host adapter."""
    backend: str | None = None
    """A PCI device's assignment backend as the definition names it (libvirt `<driver
    name='vfio'|'kvm'|'xen'/>`), None when not named."""
    rate: str | None = None
    """A random-number source's (HOST_RNG) bound on the guest's reads as the configuration
    states it ("1024 bytes per 1000 ms"), "" when it states none (unbounded), None when the
    model does not read it."""


@dataclass(frozen=True, slots=True)
class VirtiofsDaemon:
    """A running virtiofsd as its command line shows it."""

    shared_dir: str
    """`--shared-dir` (or the legacy `-o source=`), "" when not shown."""
    socket: str
    """`--socket-path` (or the deprecated `--socket`), "" for a daemon handed its socket (`--fd`)."""
    readonly: bool
    """Run with `--readonly`: it refuses every change to the shared directory."""


@dataclass(frozen=True, slots=True)
class VmwareVm:
    """The VMware extension of a VM: its .vmx advanced settings (lower-cased keys), where read."""

    settings: dict[str, str]
    lines: dict[str, int]
    artefact: str

    def at(self, key: str) -> Source:
        """The evidence for `key`: its line, or the file when the key is absent (a default)."""
        line = self.lines.get(key.lower())
        return Source(self.artefact, f"line {line}: {key}" if line else f"{key} absent")


@dataclass(slots=True)
class Vm:
    """A virtual machine, platform-neutral."""

    name: str
    uuid: str
    host: str
    running: bool
    autostart: bool
    hardware_accelerated: Fact[bool]
    """The VM executes through hardware virtualization (KVM), not software emulation (TCG)."""
    accelerator: str
    vcpus_max: int
    memory_max_kib: int
    memory_guarantee: Setting | None
    memory_limit: Setting | None
    memory_priority: Setting | None
    memory_locked: bool
    cpu_reservation: Setting | None
    cpu_limit: Setting | None
    cpu_priority: Setting | None
    realtime_vcpus: bool
    nested_virtualization: bool
    graphics: tuple[Graphics, ...] = ()
    interfaces: tuple[Interface, ...] = ()
    disks: tuple[Disk, ...] = ()
    state_volumes: tuple[Disk, ...] = ()
    """Volumes QEMU (or its storage daemon) opens besides the disks, where the parser resolves
    them: Proxmox VE efidisk0, the UEFI variable store qemu-server attaches as the second
    pflash (bus `efidisk`), and tpmstate0, the vTPM state (bus `tpmstate`); () elsewhere. Only
    HVA-238 reads them."""
    passthrough: tuple[Passthrough, ...] = ()
    emulated_legacy_devices: tuple[str, ...] = ()
    unnamed_emulation: tuple[str, ...] = ()
    """Devices whose emulated model the definition leaves to a default it does not state (a
    VMware NIC without ethernetN.virtualDev, R33V-3): each may be a legacy one (HVA-047)."""
    accelerated_3d: tuple[str, ...] = ()
    """The guest's 3D-accelerated GPUs, as the definition names them (libvirt <video> with
    <acceleration accel3d='yes'>, Proxmox VE vga: virtio-gl)."""
    gl_displays: tuple[str, ...] = ()
    """Displays that render with OpenGL on a host render node (libvirt <graphics><gl
    enable='yes'>, egl-headless)."""
    memory_dumps: tuple[str, ...] = ()
    """What writes the guest's memory to the host's disk (libvirt <watchdog action='dump'>,
    <on_crash>coredump-*), or holds it there (Proxmox VE vmstate volumes), as the definition
    names it."""
    audio_files: tuple[str, ...] = ()
    """Host files the VM's audio backend writes what its guest plays to (libvirt `<audio
    type='file'>`, QEMU's wav backend), as the definition names them (R24O-1)."""
    vsock: tuple[str, ...] = ()
    """The VM's vsock devices as its definition names them (libvirt `<vsock model=...>`,
    formatdomain "Vsock": "A vsock host/guest interface. The model attribute defaults to
    virtio"): its guest connects to the host as CID 2 on any port a host process listens on
    with AF_VSOCK (vsock(7); HVA-033, VL19-20)."""
    dump_core: bool | None = None
    """<memory dumpCore='on'|'off'>: guest RAM in a core dump of its QEMU; None when unset
    (qemu.conf dump_guest_core decides)."""
    confinement: Fact[str] = field(default_factory=lambda: Fact.unavailable("not collected"))
    """The per-VM mandatory access control label model (e.g. `apparmor dynamic`), or why none."""
    confinement_disabled: bool = False
    raw_hypervisor_arguments: tuple[str, ...] = ()
    """Arguments handed to the hypervisor process outside the management layer's control."""
    session_bus: str | None = None
    """The value of libvirt's <qemu:env name='DBUS_SESSION_BUS_ADDRESS'> (None without one):
    the D-Bus session bus QEMU's dbus display joins where its arguments name no addr (R48D-4)."""
    device_overrides: tuple[str, ...] = ()
    """The `-device` options (JSON, one argument word after each `-device`) a libvirt
    <qemu:override> makes of the devices it names (hvaudit.parse.libvirt_xml.override_devices)."""
    qemu_capabilities_removed: tuple[str, ...] = ()
    """The QEMU capability bits a libvirt <qemu:capabilities><qemu:del capability=...> clears
    for this VM (libvirt docs/drvqemu.rst, "QEMU feature configuration for testing": "remove
    ... capability bits", named as in the status XML; qemu_process.c
    qemuProcessStartUpdateCustomCaps clears each before the command line is built)."""
    vtpm: bool = False
    secure_boot: bool = False
    secure_boot_detail: str | None = None
    """What the firmware definition says about Secure Boot where a message needs it (a Secure
    Boot-capable loader with an empty variable store template, ...)."""
    secure_boot_unsettled: bool = False
    """The definition leaves Secure Boot to a variable store hvaudit cannot see (a manual item)."""
    firmware_stateless: bool = False
    """The UEFI firmware runs without a variable store of its own (libvirt <loader
    stateless='yes'>): its variables are the image's, and changes are lost at power-off."""
    source: Source = field(default_factory=lambda: Source(""))
    vmware: VmwareVm | None = None
    running_unknown: str = ""
    """Why the run state could not be read ('' when `running` is known)."""
    platform_lacks: frozenset[str] = frozenset()
    """Settings of this model the platform does not have (e.g. `cpu_reservation` on Proxmox VE)."""
    security_labels: tuple[SecurityLabel, ...] = ()
    raw_arguments_visible: Fact[bool] = field(default_factory=lambda: Fact.of(True))
    """Whether the collection could see raw hypervisor arguments at all (libvirt's test driver
    drops the QEMU namespace from domain XML)."""
    chardevs: tuple[Chardev, ...] = ()
    pathless_chardevs: tuple[Chardev, ...] = ()
    """libvirt's character devices whose QEMU -chardev has no host, port or path (pty, vc,
    null, stdio, spicevmc, spiceport, qemu-vdagent, dbus), `protocol` their type and host,
    service and mode empty: a raw `-set chardev.charALIAS.backend=socket` with host and port
    turns one into a TCP socket (checks._chardevs.set_chardevs, R48D-1); read nowhere else."""
    unix_dials: tuple[tuple[str, str], ...] = ()
    """The UNIX sockets the VM's QEMU connects to for a serial, parallel, console or channel
    device, relaying its guest's bytes both ways, as (element, path): libvirt `<serial
    type='unix'><source mode='connect' path=...>`, connect being the mode when none is given
    (domain_conf.c virDomainChrSourceDefParseUnix: `def->data.nix.listen = mode ==
    VIR_DOMAIN_CHR_SOURCE_MODE_BIND`; formatdomain, "UNIX domain socket client/server";
    R33D-3)."""
    agent_channels: tuple[AgentChannel, ...] = ()
    """Channels a console client can exchange clipboard data or files with the guest over."""
    cpu_affinity: CpuAffinity | None = None
    """Per-vCPU host CPU sets, where the platform's parser reads them."""
    realtime_threads: tuple[str, ...] = ()
    """Threads scheduled fifo/rr: vCPUs, emulator, iothreads (libvirt <*sched>)."""
    realtime_cpus: frozenset[int] | None = None
    """The host CPUs the real-time threads may run on; None where one may run on any (VL17-2)."""
    realtime_others_cpus: frozenset[int] | None = None
    """The host CPUs the VM's other threads may run on; None where one may run on any."""
    blkio_throttles: tuple[str, ...] = ()
    """Host block devices with a per-VM bandwidth or IOPS limit on reads and writes (libvirt
    <blkiotune><device>)."""
    blkio_half_throttles: tuple[tuple[str, str], ...] = ()
    """(host block device, the one direction limited) of a <blkiotune><device> that limits only
    reads or only writes."""
    cpu_weight: int = 0
    """The Linux cgroup CPU weight the VM's priority writes (libvirt <cputune><shares>, cpu.shares
    on cgroup v1 and cpu.weight on v2; Proxmox VE cpuunits, CPUShares or CPUWeight of its scope),
    0 where the priority is no such weight: equal to the hierarchy's default it favours the VM
    over nothing (HVA-090, R30T-2)."""
    cpu_priority_none: str = ""
    """Why the CPU shares the definition writes are no priority, "" otherwise: an ESXi VM's
    custom shares equal to its normal level, or a value naming no level (HVA-090, R33V-2)."""
    memory_priority_none: str = ""
    """The same for the memory shares (HVA-070, R33V-2)."""
    memtune_cgroup: bool = False
    """The VM's memory tuning is a Linux memory cgroup's (libvirt QEMU and LXC domains), whose
    version decides what <memtune><soft_limit> is (HVA-070, VL17-1)."""
    nosharepages: bool = False
    """The VM's memory is excluded from same-page merging (libvirt <nosharepages/>)."""
    hugepage_backed: bool = False
    """The VM's RAM is backed by huge pages (libvirt <memoryBacking><hugepages/>)."""
    huge_pages_reported: str | None = None
    """Why the huge pages backing the VM may go back to the host: its virtio balloon's free page
    reporting (libvirt <memballoon freePageReporting='on'>), with the page size that decides it
    (R15-2); None when nothing hands them back."""
    locked_memory_reported: str | None = None
    """Why the locked memory (libvirt <memoryBacking><locked/>) of the VM may go back to the host:
    its balloon's free page reporting, with the file backing QEMU punches the pages out of
    (VL16-1); None when nothing hands them back."""
    cpu_mode: str | None = None
    """The guest CPU model mode (host-passthrough, host-model, maximum, custom; "custom
    match='minimum'" for a custom CPU libvirt fills up with the host's features)."""
    nested_feature: str | None = None
    """The policy of the vmx/svm CPU feature in the VM's CPU definition, if named."""
    cpu_model: str | None = None
    """The named guest CPU model of a custom-mode <cpu> (e.g. qemu64, Skylake-Client)."""
    nested_features: tuple[tuple[str, str], ...] = ()
    """Each vmx/svm <feature> of the VM's CPU definition and its policy, in order (vmx is Intel's
    VT-x flag, svm AMD-V's; each names one CPUID flag)."""
    tpm_backends: tuple[str, ...] = ()
    """Backend of each TPM: emulator (per-VM swtpm), passthrough (the host's TPM), external."""
    tpm_state_paths: tuple[str, ...] = ()
    """The state file or directory an emulated TPM names itself (libvirt 10.x `<backend
    type='emulator'><source type='file'|'dir' path=...>`); empty where libvirt picks its own
    per-VM directory (/var/lib/libvirt/swtpm/<uuid>)."""
    tpm_external_sockets: tuple[str, ...] = ()
    """The UNIX socket of each TPM with backend type='external' (an swtpm started outside)."""
    tpm_version: str | None = None
    """The TPM version of the VM's emulated TPM ("1.2", "2.0"): as its definition states it, or
    the one libvirt's QEMU driver gives a libvirt TPM that states none (tpm_version_default);
    None where it is not known (qm.conf's default depends on the qemu-server release)."""
    tpm_pcr_banks: tuple[str, ...] = ()
    """The PCR banks the definition has libvirt activate in the VM's emulated TPM 2.0 before
    each start (libvirt <backend><active_pcr_banks>: sha1, sha256, sha384, sha512); empty where
    it names none, and the TPM's state keeps the banks it had."""
    tpm_version_default: bool = False
    """tpm_version is libvirt's default for a TPM whose definition states no version (R10-1)."""
    firmware_efi: bool | None = None
    """The VM boots UEFI firmware; None when the definition does not say."""
    launch_security: str | None = None
    """Memory encryption of the guest against the host (sev, s390-pv, ...)."""
    launch_security_debug: str | None = None
    """Why the guest policy lets the host debug (decrypt) the encrypted guest, None when it does not
    or the platform has no such policy bit."""
    shared_memory: tuple[str, ...] = ()
    """Inter-VM shared memory devices (ivshmem <shmem> names)."""
    shmem_files: tuple[str, ...] = ()
    """The host file each of the VM's ivshmem-plain <shmem> devices maps shared: libvirt's QEMU
    driver backs one named NAME with /dev/shm/NAME (memory-backend-file share=on, HVA-057)."""
    shared_memory_files: tuple[str, ...] = ()
    """Host files the VM maps MAP_SHARED as memory (<memory model='nvdimm'|'virtio-pmem'> with a
    <source><path> and access shared, its own or the domain's <memoryBacking><access>)."""
    private_memory_files: tuple[str, ...] = ()
    """Host files the VM maps MAP_PRIVATE as memory (the same devices with access private or
    none: QEMU's memory-backend-file share defaults to off), which still show what another VM
    writes into the file through a MAP_SHARED mapping (mmap(2), HVA-057)."""
    memory_limit_kib: int = 0
    """The hard memory limit in KiB (0: none, or the platform states none in KiB)."""
    memory_soft_limit_kib: int = 0
    """The soft memory limit in KiB (libvirt <memtune><soft_limit>; 0: none)."""
    shared_directories: tuple[SharedDirectory, ...] = ()
    direct_kernel: str | None = None
    """The kernel the VM boots directly from a host file (libvirt <os><kernel>), None if none."""
    boot_files: tuple[tuple[str, str, bool], ...] = ()
    """Host files the VM's QEMU opens for its firmware and direct boot, as (what, path, written
    by the VM): the <os><kernel>, <initrd> and <dtb> it reads, the UEFI variable store
    (<nvram>) it writes, a <loader> it writes where the definition says readonly='no' or, for
    a pflash loader, nothing (R19-4, R19-5, R19-8), and the files it reads into its guest for
    devices: a PCI device's option ROM (<rom file>, "rom") and a <sysinfo type='fwcfg'> file
    entry ("fwcfg") (R19-6, R19-7)."""
    fw_cfg: tuple[tuple[str, str], ...] = ()
    """The named firmware configuration entries the definition gives the guest (libvirt
    <sysinfo type='fwcfg'><entry name>), as (name, value); a file entry's value is
    "file PATH"."""
    smartcard_databases: tuple[str, ...] = ()
    """The NSS database directories of the VM's host-certificates smartcards (libvirt
    `<smartcard mode='host-certificates'><database>`, /etc/pki/nssdb when it names none:
    domain_conf.h VIR_DOMAIN_SMARTCARD_DEFAULT_DATABASE), as written (R20-5)."""
    device_selinux_overrides: tuple[tuple[str, str, str, Source], ...] = ()
    """Character devices (R13-1), the UEFI variable store (`<os><nvram type='file'>`, R13-4)
    and local backing files of disks (element "backing file", R14-4)
    whose host file carries a `<source><seclabel model='selinux'>` of its own, as (element,
    path, override, where): the override as Disk.selinux_override says it."""
    emulator: str | None = None
    """The device-model binary the VM names (libvirt <emulator>)."""
    machine: str | None = None
    """The machine type the definition names (libvirt <os><type machine=...>), None if none."""
    arch: str | None = None
    """The guest CPU architecture (Proxmox VE `arch`, else the node's: qemu-server Helpers.pm
    get_vm_arch; libvirt's <os><type arch>), None where the parser does not resolve it."""


@dataclass(frozen=True, slots=True)
class PortGroup:
    """A class of ports on a virtual network (libvirt `<portgroup>`): settings it hands each
    member interface that does not set them itself."""

    name: str
    default: bool
    vlan_tags: tuple[int, ...] = ()
    vlan_trunk: bool = False
    trust_guest_rx_filters: bool | None = None
    """None where the portgroup does not set it."""
    bandwidth_directions: frozenset[str] | None = None
    """Directions with an average rate limit; None where the portgroup has no <bandwidth>."""
    virtualport: str | None = None
    """The type of the portgroup's <virtualport>, where it names one."""


@dataclass(frozen=True, slots=True)
class Network:
    """A virtual network (a libvirt network, a port group, a bridge)."""

    name: str
    host: str
    forward_mode: str
    bridge: str | None
    port_isolated: bool
    virtualport: str | None
    vlan_tags: tuple[int, ...]
    vlan_trunk: bool
    forward_devices: tuple[str, ...]
    trust_guest_rx_filters: bool
    source: Source
    guest_policy: dict[str, bool] | None = None
    """What the port lets a guest do, where the platform says (VMware: allowPromiscuous,
    macChanges, forgedTransmits); None where the platform has no such policy."""
    trust_guest_rx_filters_set: bool = False
    """The network sets trustGuestRxFilters itself (yes or no)."""
    distributed: bool = False
    """A VMware distributed port group (vCenter's, spanning hosts), not a port group of the
    host's own standard vSwitch (which may be named anything, "dvs" too: R31V-2)."""
    portgroups: tuple[PortGroup, ...] = ()
    host_addresses: tuple[str, ...] = ()
    """The host's own addresses on the network's bridge (<ip address>: the guests' gateway in
    NAT and routed networks, formatnetwork)."""
    forward_addresses: tuple[str, ...] = ()
    """The PCI addresses (0000:3b:02.1) a hostdev network's pool lists instead of a <pf dev>
    (formatnetwork, "Forward mode hostdev": `<forward mode='hostdev'><address type='pci' .../>`)."""

    def portgroup(self, name: str | None) -> PortGroup | None:
        """The port group an interface naming `name` joins: that one, or with no name the
        default='yes' one (libvirt src/conf/network_conf.c, virPortGroupFindByName)."""
        for pg in self.portgroups:
            if (pg.name == name) if name else pg.default:
                return pg
        return None

    @property
    def macvtap(self) -> bool:
        """Guests attach through macvtap devices on the forward interfaces, not a host bridge:
        modes private, vepa and passthrough always; mode bridge when no <bridge> is named
        (libvirt formatnetwork, "Direct attachment to physical interface")."""
        if self.forward_mode in ("private", "vepa", "passthrough"):
            return True
        return self.forward_mode == "bridge" and self.bridge is None and bool(self.forward_devices)


@dataclass(frozen=True, slots=True)
class Pool:
    """A storage pool that may hold VM images."""

    name: str
    host: str
    type: str
    target: str | None
    source: Source
    content: tuple[str, ...] | None = None
    """What the pool is declared to hold (images: VM disks, iso, templates, backup), None when the
    platform does not declare it."""
    source_hosts: tuple[str, ...] = ()
    """The servers a network pool's storage comes from (libvirt <source><host name=...>)."""
    ceph_on_nodes: bool = False
    """A Ceph pool of the cluster's own hypervisor nodes (Proxmox VE: an rbd or cephfs storage
    without `monhost`, which pve-storage reads as "pveceph managed")."""
    nodes: tuple[str, ...] = ()
    """The nodes a cluster-wide storage is restricted to (Proxmox VE storage.cfg `nodes`: "List
    of nodes for which the storage configuration applies"), empty for every node."""
    auth: bool = False
    """A network pool's <source><auth> (iSCSI CHAP, a Ceph user), which libvirt copies into a
    volume disk it translates to a network disk (R22V-1)."""
    kernel_client: bool = False
    """The host kernel, not QEMU, reads the pool's volumes over the network (Proxmox VE: an rbd
    storage with `krbd`, mapped as /dev/rbdN)."""


@dataclass(frozen=True, slots=True)
class Account:
    """A local account on the host."""

    name: str
    uid: int
    shell: str
    interactive: bool
    gid: int | None = None
    """The primary group (passwd's fourth field)."""


@dataclass(frozen=True, slots=True)
class Listener:
    """A listening socket on the host."""

    protocol: str
    address: str
    port: int
    process: str
    #: systemd (pid 1) holds the socket: socket activation; `process` is "systemd" until the
    #: service it starts has taken the socket over (then both are listed and `process` is that one).
    socket_activated: bool = False
    pid: int | None = None
    """The process that holds the socket (the first other than systemd's pid 1)."""
    device: str | None = None
    """The interface the socket is bound to (SO_BINDTODEVICE, or the scope of a link-local
    address): `ss` prints it after the address as ADDR%IFNAME (iproute2 ss.c sock_addr_print);
    None when it is bound to none."""
    units: tuple[str, ...] | None = None
    """For a socket systemd holds: the socket unit listening on its port and the services it
    activates (`systemctl list-sockets` UNIT, ACTIVATES), empty when the listing shows none;
    None when the listing was not read (an older bundle, systemctl not answering) or for a
    socket systemd does not hold."""

    @property
    def loopback(self) -> bool:
        """True when only local processes can connect."""
        a = self.address.strip("[]")
        return a.startswith("127.") or a in ("::1", "localhost") or a.startswith("::ffff:127.")


@dataclass(frozen=True, slots=True)
class SshdMatch:
    """A Match block of sshd_config or a file it includes: `sshd -T` without -C applies none of
    them (sshd(8) -T, -C), so the settings a block overrides are read from the files."""

    criteria: str
    """The Match line's criteria as written ("Address 10.20.0.0/16", "User root")."""
    where: str
    """File and line of the Match line."""
    settings: tuple[tuple[str, str], ...]
    """(lower-cased keyword, value) of the block, in file order."""


@dataclass(frozen=True, slots=True)
class QemuProcess:
    """A running QEMU (device emulation) process."""

    pid: int
    user: str
    guest: str
    sandboxed: bool
    """Whether its command line has a `-sandbox on`, which loads QEMU's own seccomp filter."""
    seccomp_mode: int | None
    capabilities: int | None = None
    """The effective capability mask (CapEff), 0 when the process holds none."""
    binary_replaced: bool | None = None
    """True when the executable was deleted or replaced since the process started (an update
    installed a new QEMU it does not run), None when not read."""
    label: str | None = None
    """The LSM label confining the process (/proc/<pid>/attr/current): an AppArmor profile
    and its mode ("libvirt-<uuid> (enforce)", "unconfined") or an SELinux context; None when
    not read."""
    uuid: str = ""
    """The `-uuid` QEMU was started with (libvirt passes the domain's), "" when none."""
    binary: str = ""
    """The program the process runs, as the process list shows it (/usr/bin/qemu-system-x86_64,
    /usr/libexec/qemu-kvm, /usr/bin/kvm, or a tool such as qemu-img)."""
    executable: str | None = None
    """The file the process executes, /proc/<pid>/exe's target ("the actual pathname of the
    executed command", proc(5)) without a " (deleted)" mark; None when not read."""
    replaced_libraries: tuple[str, ...] | None = None
    """The shared libraries the process maps that were deleted since it mapped them (an update
    replaced them), from /proc/<pid>/maps; None when not read."""
    predates_qemu_conf: str = ""
    """Why the process runs settings older than /etc/libvirt/qemu.conf: it started before the
    file's last change (libvirt applies qemu.conf when it starts QEMU); "" when it did not or
    the times were not read."""
    after_daemon: str = ""
    """Why the running libvirt daemon started the process: it started later than every running
    libvirtd and virtqemud (`ps -o lstart`, to the second); "" when it did not or the times
    were not read (R44T-4)."""


@dataclass(frozen=True, slots=True)
class BootCmdline:
    """One source of the next boot's kernel command line (R21B-1): `source` names its file(s),
    `words` are its words as the kernel matches them (None where the file could not be
    evaluated, `why` says what stopped it)."""

    source: str
    words: tuple[str, ...] | None
    why: str = ""
    """Where `words` is None, what stopped the reading; where `words` is set, which more words
    the line takes that are not known (R26B-1: a Boot Loader Specification entry's
    `$tuned_params`, set by grub.cfg): `words` is then a part of the line, not all of it."""
    origins: tuple[str, ...] = ()
    """The file each word came from, where `source` names more than one (GRUB's defaults)."""
    uncollected: bool = False
    """The place was not collected (R27B-2: a bundle of an older hvaudit, whose probe did not
    read it): its words are not known, and the next boot may take them."""
    embedded: bool = False
    """Unified kernel images (R28B-3): their line is their own .cmdline PE section, not read:
    its words are not known, and the next boot may take them."""
    text: str | None = None
    """The text GRUB hands the kernel for this line (R40B-1, R40B-2): its script lexer drops
    the quotes of each word and grub_create_loader_cmdline quotes again only a word with a
    space. Set for GRUB's defaults and custom entries and, as GRUB's blscfg boots them, the
    Boot Loader Specification entries; libselinux reads the SELinux mode from this text, not
    from `words`. None where no words are known (then `words` joined stands for it)."""
    verbatim: str | None = None
    """The text systemd-boot hands the kernel for a Boot Loader Specification entry's `options`
    or /etc/kernel/cmdline (which kernel-install and proxmox-boot-tool write to one), quotes
    and all (R40B-2): src/boot/boot.c config_entry_add_type1 keeps them, line_get_key_value
    dropping only one pair around a whole value. None for GRUB's own lines."""
    unsettled: str = ""
    """Which of the words not read may be any word (R42B-1: "takes GRUB's variables in
    `ARGS`"): a GRUB variable inside a larger argument, one a collected /etc/grub.d script or
    custom.cfg sets, a grubenv value not read. "" where none, or the only ones not read are
    variables grubenv lacks (known empty, a team decision)."""

    @property
    def partial(self) -> bool:
        """Only some of the line's words are known (`why` says which are not)."""
        return self.words is not None and bool(self.why)


@dataclass(frozen=True, slots=True)
class SysctlSetting:
    """One sysctl.d assignment as systemd-sysctl keeps it (hvaudit.parse.host._sysctl_d)."""

    key: str
    """The key in its `/` form under /proc/sys ("vm/overcommit_memory"); it may be a glob."""
    value: str | None
    """The value written, stripped; None for a `-key` line without `=` (a key kept out of the
    globs: it is written by none)."""
    path: str
    line: str
    """The line as the file has it, for a message."""


def _glob_matches(pattern: str, key: str) -> bool:
    """glob(3) on /proc/sys paths as systemd-sysctl applies a glob key (apply_glob_option):
    `*`, `?` and `[...]` match within one path component."""
    import fnmatch

    parts, names = pattern.split("/"), key.split("/")
    return len(parts) == len(names) and all(
        fnmatch.fnmatchcase(n, p) for p, n in zip(parts, names, strict=True)
    )


@dataclass(frozen=True, slots=True)
class SysctlD:
    """What systemd-sysctl writes at the next boot: sysctl.d's assignments in the order it keeps
    them (systemd src/sysctl/sysctl.c parse_line: a later assignment of a key with another
    value replaces the earlier one and moves to the end; apply_all writes them in that order, a
    glob key to each matching key that has no explicit assignment of its own; systemd HEAD read
    with `find_string`), and those of an /etc/sysctl.conf no sysctl.d file carries."""

    settings: tuple[SysctlSetting, ...]
    unlinked_conf: tuple[SysctlSetting, ...] = ()
    """/etc/sysctl.conf's assignments where no sysctl.d file has its lines: procps `sysctl
    --system` applies them last, systemd-sysctl not at all (sysctl.d(5) reads only *.conf in
    its directories): whether they apply at boot is not known."""
    cmdline: tuple[SysctlSetting, ...] = ()
    """The kernel command line's `sysctl.KEY=VALUE` words (Linux 5.8+: fs/proc/proc_sysctl.c
    process_sysctl_arg, run by do_sysctl_args before init; every `.` of the key becomes `/`,
    the words after `--` are init's): written at boot before systemd-sysctl, which overwrites
    any key sysctl.d sets."""

    @staticmethod
    def _lookup(settings: tuple[SysctlSetting, ...], key: str) -> SysctlSetting | None:
        explicit = None
        for s in settings:
            if s.key == key:
                explicit = s
        if explicit is not None:
            return explicit if explicit.value is not None else None
        last = None
        for s in settings:
            if s.value is not None and any(c in s.key for c in "*?[") and _glob_matches(s.key, key):
                last = s
        return last

    def next_boot(self, key: str) -> SysctlSetting | None:
        """The assignment that sets `key` (in `/` form) at boot: systemd-sysctl's, else the
        kernel command line's last `sysctl.` word for it, else None."""
        got = self._lookup(self.settings, key)
        if got is None and not any(s.key == key for s in self.settings):
            got = next((s for s in reversed(self.cmdline) if s.key == key), None)
        return got

    def conf_only(self, key: str) -> SysctlSetting | None:
        """An unlinked /etc/sysctl.conf's assignment of `key` (unlinked_conf), or None."""
        return self._lookup(self.unlinked_conf, key)

    def keys_under(self, prefix: str, name: str) -> tuple[str, ...]:
        """The explicit keys PREFIX/X/NAME that assign a value (net/ipv4/conf/eth5/...)."""
        out = []
        for s in (*self.settings, *self.unlinked_conf, *self.cmdline):
            head, _, tail = s.key.rpartition("/")
            if (
                tail == name
                and head.startswith(prefix + "/")
                and "/" not in head[len(prefix) + 1 :]
                and not any(c in s.key for c in "*?[")
            ):
                out.append(head[len(prefix) + 1 :])
        return tuple(dict.fromkeys(out))


@dataclass(frozen=True, slots=True)
class SocketUnitConf:
    """A systemd socket unit's [Socket] settings for its next start, from its unit file and
    drop-ins in the order systemd applies them (`systemctl cat`: a later assignment of
    SocketMode=, SocketUser= or SocketGroup= replaces the earlier one; ListenStream= adds an
    address and the empty string resets the list; systemd.socket(5))."""

    files: tuple[str, ...]
    """The unit file, then its drop-ins."""
    mode: str | None
    """SocketMode= as last set; None when no file sets it (systemd's default 0666)."""
    mode_file: str
    """The file that set `mode` ("" when none did)."""
    user: str | None
    group: str | None
    listen: tuple[tuple[str, str], ...]
    """ListenStream= addresses after resets, each with the file that added it."""

    def effective_mode(self) -> str:
        """The mode the unit creates its socket with: SocketMode=, else systemd.socket(5)'s
        "Defaults to 0666"."""
        return self.mode if self.mode is not None else "0666"

    def origin(self, unit: str) -> str:
        """Where the mode comes from, for a message."""
        if self.mode is None:
            return f"{unit} sets no SocketMode= (systemd's default 0666; {', '.join(self.files)})"
        return f"{unit}: SocketMode={self.mode} in {self.mode_file}"


#: The `systemctl list-unit-files` states of a unit the boot starts: "enabled" (links under
#: /etc) and "enabled-runtime" (links under /run, for the running boot); systemctl(1), is-enabled.
#: And "generated": a unit a generator wrote, which systemd reports so whatever links want it
#: (systemd src/shared/install.c unit_file_lookup_state: a file under a generator directory is
#: UNIT_FILE_GENERATED before any symlink is looked at; systemctl(1) is-enabled: "Generated unit
#: files may not be enabled, they are enabled implicitly by their generator", as
#: systemd-sysv-generator(8) wants an /etc/init.d script's unit from the runlevels its rc links
#: enable), so it counts as starting (R29A-2). "transient" units live for the running boot only;
#: "static", "indirect", "linked" and "disabled" ones start where something else pulls them in.
UNIT_ENABLED_STATES = ("enabled", "enabled-runtime", "generated")


def _na() -> Fact[Any]:
    return Fact.unavailable("not collected")


@dataclass(slots=True)
class HostFacts:
    """Facts of the host operating system (the ones the checks need), each a Fact."""

    cpu_virtualization: Fact[str] = field(default_factory=_na)
    """vmx or svm when the CPU offers it and /dev/kvm exists; empty string when not."""
    memory_virtualization: Fact[bool] = field(default_factory=_na)
    memory_virtualization_next_load: Fact[str] = field(default_factory=lambda: Fact.of(""))
    """Where the KVM module's next load turns EPT/NPT off while it is on now (modprobe.d
    `options kvm_intel ept=0`, `kvm_amd.npt=0` on the kernel command line); "" if not (R21K-2)."""
    iommu_active: Fact[bool] = field(default_factory=_na)
    nested_virtualization: Fact[bool] = field(default_factory=_na)
    """KVM offers nested virtualization to guests (kvm_intel/kvm_amd parameter `nested`)."""
    nested_next_load: Fact[str] = field(default_factory=lambda: Fact.of(""))
    """Where the KVM module's next load turns nested on while it is off now (modprobe.d
    `options kvm_intel nested=1`, `kvm_amd.nested=1` on the kernel command line); "" if not."""
    iommu_groups: Fact[dict[str, str]] = field(default_factory=_na)
    """PCI address (0000:65:00.0) -> its IOMMU group (/sys/kernel/iommu_groups/N/devices)."""
    pci_drivers: Fact[dict[str, str]] = field(default_factory=_na)
    """PCI address -> the host driver bound to it (/sys/bus/pci/drivers/<driver>/<address>)."""
    pci_classes: Fact[dict[str, int]] = field(default_factory=_na)
    """PCI address -> its 24-bit class code (/sys/bus/pci/devices/<address>/class: 0x060400 is
    a PCI-to-PCI bridge)."""
    sriov_vfs: Fact[tuple[tuple[str, int, str, bool | None, bool | None], ...]] = field(
        default_factory=_na
    )
    """(PF, VF index, MAC, spoofchk, trust) of every SR-IOV virtual function (`ip -d link`)."""
    tpm_version: Fact[str] = field(default_factory=_na)
    """"2", "1.2", or "" when no TPM is present."""
    uefi: Fact[bool] = field(default_factory=_na)
    secure_boot: Fact[bool] = field(default_factory=_na)
    uefi_setup_mode: Fact[bool] = field(default_factory=_na)
    """The firmware is in Setup Mode (SetupMode = 1: no Platform Key enrolled), R25B-5."""
    shim_validation_off: Fact[bool] = field(default_factory=_na)
    """shim's validation is switched off (MokSBStateRT = 1, `mokutil --disable-validation`): the
    firmware's SecureBoot stays 1, shim and the kernel then boot as without Secure Boot."""
    measured_boot_log: Fact[bool] = field(default_factory=_na)
    lockdown: Fact[str] = field(default_factory=_na)
    module_sig_enforce: Fact[bool] = field(default_factory=_na)
    dns_server: Fact[str] = field(default_factory=_na)
    """The first IPv4 nameserver of /etc/resolv.conf ("" for none), where a user-mode guest's
    DNS queries go (hvaudit.parse.host._dns_server, R26O-2)."""
    route_localnet: Fact[tuple[str, ...]] = field(default_factory=_na)
    """The interfaces other than lo that accept packets for 127/8 from the wire
    (net.ipv4.conf.IFACE.route_localnet = 1; "all" = 1 is every interface)."""
    module_signing: Fact[bool] = field(default_factory=_na)
    """The kernel checks module signatures at all: its sig_enforce parameter exists (defined in
    kernel/module/signing.c, built only with CONFIG_MODULE_SIG)."""
    kernel_taint: Fact[int] = field(default_factory=_na)
    cpu_vulnerabilities: Fact[dict[str, str]] = field(default_factory=_na)
    kvm_mitigations_next_load: Fact[tuple[tuple[str, str], ...]] = field(
        default_factory=lambda: Fact.of(())
    )
    """(flaw, where) for each KVM mitigation the module's next load turns off (modprobe.d
    `options kvm nx_huge_pages=off`: itlb_multihit; `options kvm_intel vmentry_l1d_flush=never`:
    l1tf), the sysfs line showing the running load's (R21K-3)."""
    smt_control: Fact[str] = field(default_factory=_na)
    cpu_vendor: Fact[str] = field(default_factory=_na)
    """/proc/cpuinfo's vendor_id ("GenuineIntel", "AuthenticAMD", ...), "" where it prints none."""
    power_cpu: Fact[str] = field(default_factory=_na)
    """The POWER generation /proc/cpuinfo's `cpu :` line names ("POWER9"), "" on another CPU
    (R31B-1: POWER9's L1D flushes on kernel entry and user access have no vulnerabilities
    file)."""
    cpu_flaws_unreported: Fact[tuple[str, ...]] = field(default_factory=_na)
    """The x86 CPU flaws a current kernel reports (a file each under
    /sys/devices/system/cpu/vulnerabilities, "Not affected" where the CPU is not) that this
    kernel does not: it predates them, so it neither reports nor mitigates them. () on a CPU
    that is not x86."""
    page_merging: Fact[bool] = field(default_factory=_na)
    """Kernel same-page merging (KSM) is running."""
    ksm_pages_shared: Fact[int] = field(default_factory=_na)
    """The pages KSM merged that are still shared (/sys/kernel/mm/ksm/pages_shared): ksmd stopped
    with run = 0 keeps them merged; 0 after run = 2 (unmerged) or on a kernel without KSM."""
    vfio_unsafe_interrupts: Fact[str] = field(default_factory=_na)
    """Where VFIO is allowed to pass devices through without interrupt remapping
    (vfio_iommu_type1 allow_unsafe_interrupts on), "" when it is not."""
    ksm_tuner: Fact[str] = field(default_factory=_na)
    """The running daemon that switches KSM on under memory pressure (ksmtuned), "" if none."""
    ksm_boot_units: Fact[tuple[str, ...]] = field(default_factory=_na)
    """The enabled systemd units that switch KSM on at the next boot (ksm.service,
    ksmtuned.service), whether or not they run now."""
    ceph_osd: Fact[bool] = field(default_factory=_na)
    """A Ceph OSD daemon (ceph-osd), which stores a Ceph cluster's objects, runs on the host."""
    virtiofs_daemons: Fact[tuple[VirtiofsDaemon, ...]] = field(default_factory=_na)
    """Each running virtiofsd: the directory it serves, its socket and whether it refuses writes."""
    memory_cgroup: Fact[str] = field(default_factory=_na)
    """The cgroup version that holds the memory controller: "v1" (a `cgroup` mount whose options
    name memory), "v2" (otherwise, where a `cgroup2` mount is) or "" (neither mounted)."""
    cpu_cgroup: Fact[str] = field(default_factory=_na)
    """The cgroup version that holds the CPU controller, as memory_cgroup: "v1" (a `cgroup`
    mount whose options name cpu), "v2" or "" (R30T-2)."""
    io_cgroup: Fact[str] = field(default_factory=_na)
    """The cgroup version that holds the block I/O controller, as memory_cgroup: "v1" (a
    `cgroup` mount whose options name blkio), "v2" or ""."""
    kernel_cmdline: Fact[tuple[str, ...]] = field(default_factory=_na)
    """The words of the running kernel's command line (/proc/cmdline)."""
    kernel_cmdline_text: Fact[str] = field(default_factory=_na)
    """The running kernel's command line as /proc/cmdline prints it, quotes and all (R40B-1:
    libselinux reads the mode from this text, not from the kernel's words)."""
    kernel_cmdline_next_boot: Fact[tuple[BootCmdline, ...]] = field(default_factory=_na)
    """Each place the next boot's kernel command line is kept on this host (GRUB's defaults,
    /etc/kernel/cmdline, each Boot Loader Specification entry), R21B-1: which of them the boot
    loader uses is not read."""
    grub_default_older: Fact[tuple[str, ...]] = field(default_factory=_na)
    """(running release, pinned release) where GRUB_DEFAULT (/etc/default/grub and
    grub.d/*.cfg) names an installed kernel (/boot/vmlinuz-RELEASE) of the running one's
    flavour older than it, () otherwise (R25B-4)."""
    os_release: Fact[dict[str, str]] = field(default_factory=_na)
    kernel_release: Fact[str] = field(default_factory=_na)
    """The running kernel's release (/proc/sys/kernel/osrelease, `uname -r`), R35B-2."""
    packages: Fact[dict[str, str]] = field(default_factory=_na)
    pending_security_updates: Fact[tuple[str, ...]] = field(default_factory=_na)
    accounts: Fact[tuple[Account, ...]] = field(default_factory=_na)
    admin_principals: Fact[tuple[str, ...]] = field(default_factory=_na)
    """Users and %groups granted administrative rights by sudoers, plus members of admin groups."""
    admin_dropins: Fact[tuple[tuple[str, tuple[str, ...]], ...]] = field(default_factory=_na)
    """(drop-in file, the principals it adds) for each sudoers file other than the one sudo
    reads first and each /etc/doas.d snippet whose rules grant administrative rights beyond the
    files read before it (R51S-2); () when none does."""
    kernel_not_booted: Fact[tuple[str, ...]] = field(default_factory=_na)
    """(running release, newest installed release of the same flavour) where a kernel newer than
    the running one is installed in /boot (an update not in effect until a reboot); () if none."""
    sshd: Fact[dict[str, str]] = field(default_factory=_na)
    """Effective sshd settings (`sshd -T`), lower-cased keys; empty when no SSH server is installed."""
    sshd_match: Fact[tuple[SshdMatch, ...]] = field(default_factory=_na)
    """The Match blocks of /etc/ssh/sshd_config and its Include files; () when there are none."""
    directory: Fact[str] = field(default_factory=_na)
    directory_open: Fact[tuple[str, ...]] = field(default_factory=_na)
    """The SSSD directory domains whose access provider lets every account log in
    ("corp.example (access_provider permit)"); () when none does."""
    userdb_accounts: Fact[tuple[str, ...]] = field(default_factory=_na)
    """Where nsswitch passwd lists `systemd`: the accounts nss-systemd adds beyond /etc/passwd
    that can be logins (the JSON drop-in records' names, "systemd-homed" while homed runs);
    () when passwd does not list systemd or there are none."""
    """The directory service accounts come from (sss, ldap, winbind), or "" for local files only."""
    mfa: Fact[tuple[bool, str]] = field(default_factory=_na)
    """(every SSH login path needs two factors, why or why not)."""
    log_forwarding: Fact[tuple[tuple[str, bool], ...]] = field(default_factory=_na)
    """(target, uses TLS) for every remote log destination."""
    journal_discards: Fact[str] = field(default_factory=_na)
    """Why systemd-journald keeps and hands on nothing it is sent (Storage=none with no
    forwarding to a running syslog daemon), or "" when it keeps or forwards it."""
    journald_boot: Fact[JournaldBoot | None] = field(default_factory=_na)
    """log_forwarding and journal_discards as the next boot gives them, where a journald
    configuration file under /run changes them (R51L-1); None where none does."""
    log_daemon_runtime: Fact[tuple[str, ...]] = field(default_factory=_na)
    """The files of systemd-journald.service and rsyslog.service (their drop-ins, or the unit
    itself) in a unit directory under /run that no boot writes again, each setting something:
    the log daemons run now as they set, and the next boot starts them without (R52L-1)."""
    audit_daemon: Fact[bool] = field(default_factory=_na)
    audit_sink: Fact[tuple[bool, tuple[str, ...]]] = field(default_factory=_na)
    """(auditd writes its log, the dispatcher plugins that are active): auditd.conf write_logs
    (default yes) and the plugins.d files with `active = yes`."""
    audit_enabled: Fact[int] = field(default_factory=_na)
    """The kernel's audit `enabled` flag (`auditctl -s`): 0 off, 1 on, 2 on and locked."""
    audit_pid: Fact[int] = field(default_factory=_na)
    """The process the kernel hands its audit records to (`auditctl -s` pid), 0 for none."""
    auditd_startup: Fact[str] = field(default_factory=_na)
    """The kernel enabled state the running auditd set at its start (`auditd -s`): "disable",
    "enable" (the default) or "nochange"; "" with no auditd running."""
    audit_receiver: Fact[str] = field(default_factory=_na)
    """The program the kernel hands its audit records to when it is not auditd ("" when it is
    auditd or none is registered)."""
    time_sync: Fact[str] = field(default_factory=_na)
    """The running time-sync daemon, or ""."""
    sysctl_d: Fact[SysctlD] = field(default_factory=_na)
    """The kernel parameters systemd-sysctl sets at the next boot (sysctl.d(5)); unavailable
    "not collected" in a bundle older than the probe."""
    modules_disabled: Fact[bool] = field(default_factory=_na)
    """kernel.modules_disabled = 1: no module can be loaded or unloaded until the next boot."""
    on_hypervisor: Fact[bool] = field(default_factory=_na)
    """The host is itself a virtual machine: /proc/cpuinfo's `hypervisor` flag (CPUID 1 ECX bit
    31, X86_FEATURE_HYPERVISOR "Running on a hypervisor"); unavailable on an arm64 host, whose
    /proc/cpuinfo has no such flag (R24M-1)."""
    s390x: Fact[bool] = field(default_factory=_na)
    """The host runs an s390x kernel: /proc/cpuinfo's `vendor_id : IBM/S390` (arch/s390/kernel/
    processor.c show_cpu_summary). KVM there is the `kvm` module itself, which initialises only
    where the machine offers SIE (arch/s390/kvm/kvm-s390.c kvm_s390_init: `if
    (!sclp.has_sief2) { pr_info("SIE is not available\\n"); return -ENODEV; }`), so it has no
    vendor module either (R28B-1)."""
    arm64: Fact[bool] = field(default_factory=_na)
    """The host runs an arm64 kernel: /proc/cpuinfo's `CPU architecture: 8` lines and no x86
    `vendor_id` (arch/arm64/kernel/cpuinfo.c). KVM there is built in (arch/arm64/kvm/Kconfig
    `menuconfig KVM` is a bool), has no vendor module, and creates /dev/kvm only when the
    kernel was booted at EL2 (R24M-1)."""
    libvirt_sasl_mechanisms: Fact[tuple[str, ...]] = field(default_factory=_na)
    """The SASL mechanisms /etc/sasl2/libvirt.conf's mech_list lets libvirt offer (lower case);
    unavailable where the file or its mech_list is absent."""
    libvirt_sasl_options: Fact[dict[str, str]] = field(default_factory=_na)
    """Every option of /etc/sasl2/libvirt.conf (pwcheck_method, auxprop_plugin, ...), first
    line of a key kept; unavailable where the file is absent."""
    ntp_own_clock: Fact[str] = field(default_factory=_na)
    """Where ntpd's only time sources are the host's own clock (the LOCAL driver or a loopback
    address), the lines that say so; "" where it has another source."""
    ntp_local_driver: Fact[str] = field(default_factory=_na)
    """The LOCAL driver lines (`server 127.127.1.u`, `refclock local`) of the files ntpd reads,
    beside other sources or not; "" where none names it (R28T-3)."""
    ntp_shm_refclock: Fact[str] = field(default_factory=_na)
    """The shared-memory refclock lines (`server 127.127.28.u`, `refclock shm`) of the files
    ntpd reads, which another program on the host feeds; "" where none names it (R30T-3)."""
    ntp_pps_refclock: Fact[str] = field(default_factory=_na)
    """The PPS refclock lines (`server 127.127.22.u`, `refclock pps`) of the files ntpd reads: a
    pulse from a device on the host, whose seconds another source numbers; "" where none names
    it (R32T-1)."""
    ntp_discipline_off: Fact[str] = field(default_factory=_na)
    """The `disable ntp` line of the file ntpd reads (its clock discipline off), "" where
    none."""
    ntp_kernel_off: Fact[str] = field(default_factory=_na)
    """The `disable kernel` line of the file ntpd reads (the kernel's sync state then not
    ntpd's), "" where none."""
    chrony_sources: Fact[tuple[str, str]] = field(default_factory=_na)
    """chronyd's configured time sources as (kind, lines): kind "" where one is an outside
    source (or none is configured), "own" where every selectable one is the host's RTC, "ask"
    where none is outside: the host's own address, or a refclock another program feeds."""
    chrony_reference: Fact[tuple[str, str]] = field(default_factory=_na)
    """What chronyd is synchronised to now (`chronyc -n tracking`) as (kind, shown): kind ""
    an NTP server outside the host, "self" one on the host itself, "refclock" a reference
    clock, "local" its `local` reference, "unsync" none."""
    ntp_peer: Fact[tuple[str, str]] = field(default_factory=_na)
    """ntpd's system peer now (`ntpq -pn`, the line marked '*' or 'o') as (kind, shown): kind
    "local" its LOCAL driver, "" an NTP server outside the host, "other" anything else (a
    server on the host itself, another reference clock, no system peer)."""
    openntpd_servers: Fact[tuple[str, str]] = field(default_factory=_na)
    """OpenNTPD's servers (ntpd.conf server/servers) as (kind, lines): kind "" where one is
    outside the host, "self" where every one is the host itself."""
    timesync_server: Fact[tuple[str, str]] = field(default_factory=_na)
    """The server systemd-timesyncd uses now (`timedatectl show-timesync`) as (kind, shown):
    kind "self" where it is the host itself, "" where not."""
    clock_synchronized: Fact[bool] = field(default_factory=_na)
    """Whether the kernel reports the clock synchronised (`timedatectl show -p NTPSynchronized`:
    adjtimex()'s maximum error below 16 s)."""
    firewall_input_policy: Fact[str] = field(default_factory=_na)
    """"drop" when inbound traffic is denied by default, "accept" when not."""
    firewall_accepts: Fact[bool] = field(default_factory=_na)
    firewall_input_on: Fact[dict[str, str]] = field(default_factory=_na)
    """firewall_input_policy for the packets that arrive on one interface, by interface."""
    """Whether any rule of the host's nftables ruleset or iptables filter table accepts a packet
    (a rule-free drop admits nothing, R21N-1)."""
    listeners: Fact[tuple[Listener, ...]] = field(default_factory=_na)
    vsock_listeners: Fact[tuple[Listener, ...]] = field(default_factory=_na)
    """The host's AF_VSOCK sockets in state LISTEN (`ss -H --vsock -l -n -p`): protocol
    "vsock", address the CID they are bound to as ss prints it ("*" for VMADDR_CID_ANY), port
    the vsock port (VL19-20)."""
    socket_relays: Fact[tuple[tuple[int, str, str, str], ...]] = field(default_factory=_na)
    """(pid, program, libvirt socket path, command line) of each process other than libvirt's
    own daemons whose command line names a libvirt read-write socket (socat, ssh -R ...)."""
    qemu_processes: Fact[tuple[QemuProcess, ...]] = field(default_factory=_na)
    secret_file_sizes: dict[str, int | str] = field(default_factory=dict)
    """Per file a running QEMU reads a console password from (hvaudit.parse.qemu_args.
    password_secret_files): its size in bytes, or why it was not read (R52D-1). A file no
    running QEMU names, or a bundle collected before, is absent."""
    vm_helpers: Fact[tuple[QemuProcess, ...]] = field(default_factory=_na)
    """The helpers libvirt starts and labels for VMs (virtiofsd, swtpm, passt, its dbus-daemon,
    qemu-pr-helper), with their LSM label where read."""
    bridges: Fact[dict[str, tuple[str, ...]]] = field(default_factory=_na)
    """Bridge name -> member interfaces."""
    bridge_foreign_ports: Fact[dict[str, tuple[str, ...]]] = field(default_factory=_na)
    """Linux bridge name -> its ports that are neither a VM's tap nor an uplink and are not
    isolated (a container's veth, a tap or dummy of the host), "NAME (KIND)" (VL16-4)."""
    bridge_port_isolated: Fact[dict[str, bool]] = field(default_factory=_na)
    """Linux bridge port -> its isolated flag as `ip -j -d link` shows it (linkinfo
    info_slave_data "isolated", IFLA_BRPORT_ISOLATED); a port whose listing has no such key
    (a kernel before 4.18, a listing without details) is absent (R33N-3)."""
    macvtap_modes: Fact[dict[str, str]] = field(default_factory=_na)
    """macvtap or macvlan device -> its mode as `ip -j -d link` shows it (linkinfo info_data
    "mode": private, vepa, bridge, passthru or source, iproute2 iplink_macvlan.c
    macvlan_print_opt) (R33N-4)."""
    bonds: Fact[dict[str, tuple[str, ...]]] = field(default_factory=_na)
    """Bond or team name -> member interfaces."""
    links_down: Fact[tuple[str, ...]] = field(default_factory=_na)
    """Interfaces `ip -d link` reports down (operstate DOWN or LOWERLAYERDOWN, or not
    administratively UP); an interface whose listing has no operstate is not among them."""
    bonds_unmonitored: Fact[tuple[str, ...]] = field(default_factory=_na)
    """Linux bonds whose link monitoring is off (`ip -d link`: miimon 0 and arp_interval 0):
    they never notice a failed member, so they never fail over."""
    host_names: Fact[tuple[str, ...]] = field(default_factory=_na)
    """Names that resolve to this host, lower-cased: gethostname(2), its FQDN (`hostname
    --fqdn`), and the /etc/hosts names of a loopback address or one of the host's own."""
    addresses: Fact[dict[str, tuple[str, ...]]] = field(default_factory=_na)
    """Interface -> global IP addresses."""
    socket_units: Fact[dict[str, str]] = field(default_factory=_na)
    """systemd socket unit -> enablement (libvirtd-tcp.socket: disabled ...); empty without systemd.
    Enabled means one of UNIT_ENABLED_STATES."""
    socket_unit_files: Fact[dict[str, SocketUnitConf]] = field(default_factory=_na)
    """libvirt's systemd socket unit -> its [Socket] settings for the next start (unit file and
    drop-ins); a unit with no file (not installed, or masked) is absent."""
    socket_unit_pulls: Fact[dict[str, tuple[str, str]]] = field(default_factory=_na)
    """libvirt socket unit -> (the daemon whose service pulls it in, "Wants= in <file>"): a
    [Unit] Wants=, Requires=, BindsTo= or Upholds= of `<daemon>.service` (its unit file or a
    drop-in) naming it, so the daemon's next start starts it whatever its enablement."""
    monitoring_agents: Fact[tuple[str, ...]] = field(default_factory=_na)
    """Security monitoring or introspection tools found running or installed."""
    kvm_modules: Fact[tuple[str, ...]] = field(default_factory=_na)
    """KVM kernel modules present (kvm, kvm_intel, kvm_amd, kvm_pvm, ...), loaded or built in."""
    groups: Fact[dict[str, tuple[int, tuple[str, ...]]]] = field(default_factory=_na)
    """Local group (/etc/group) -> (gid, the accounts it lists as members)."""
    login_groups: Fact[dict[str, tuple[str, ...]]] = field(default_factory=lambda: Fact.of({}))
    """Group -> whom /etc/security/group.conf has pam_group grant it to at login: account names,
    "ALL (every user)" for `*`, an unresolved marker for any other users field (empty where the
    file is absent)."""
    group_directory: Fact[tuple[tuple[str, ...], tuple[str, ...]]] = field(
        default_factory=lambda: Fact.of(((), ()))
    )
    """(the sources other than files that nsswitch.conf's group line asks, those whose members
    glibc merges into a group found before them): getgrnam finds a group /etc/group does not
    hold through the first, and a local group's members include the second's (R40A-2)."""
    selinux_enforcing: Fact[bool | None] = field(default_factory=_na)
    """SELinux enforcing (True), permissive (False), or not active (None)."""
    selinux_config: Fact[int | None] = field(default_factory=_na)
    """/etc/selinux/config's SELINUX= as libselinux's selinux_getenforcemode reads it (R38B-1):
    1 enforcing, 0 permissive, -1 disabled, None where the file is absent or no line sets a
    mode it knows (libselinux then boots permissive unless the kernel line says enforcing=)."""
    selinux_permissive: Fact[tuple[tuple[str, ...], bool]] = field(default_factory=_na)
    """SELinux domain types that are permissive while the rest of the policy enforces, and
    whether that list is complete (True: `semanage permissive -l`, the installed policy's
    permissive types and the customized ones; False: only the permissive_<type> modules that
    `semodule -l` lists, which misses a `permissive` statement inside another module)."""
    apparmor_profiles: Fact[dict[str, str] | None] = field(default_factory=_na)
    """Loaded AppArmor profile -> mode (enforce, complain, ...), or None when AppArmor is off."""
    programs: Fact[tuple[str, ...]] = field(default_factory=_na)
    """The names of the running programs (each process's binary or title, once)."""
    dropbear: Fact[tuple[tuple[str, ...], ...]] = field(default_factory=_na)
    """The argument words of each running dropbear (dropbear(8), an SSH server of its own)."""
    ssh_server: Fact[str] = field(default_factory=_na)
    """"running", "stopped" (installed, no sshd process and no active unit) or "absent"."""
    held_packages: Fact[tuple[str, ...]] = field(default_factory=_na)
    """Packages an upgrade keeps back or that are on hold (their updates are not installed)."""
    overcommit_memory: Fact[int] = field(default_factory=_na)
    """vm.overcommit_memory: 0 heuristic, 1 always, 2 strict accounting."""
    audit_rules: Fact[tuple[str, ...]] = field(default_factory=_na)
    """Loaded kernel audit rules (auditctl -l), one per line."""
    audit_rules_persistent: Fact[tuple[str, ...]] = field(default_factory=_na)
    """The audit rules the next boot loads: the lines of /etc/audit/audit.rules and
    /etc/audit/rules.d/*.rules (augenrules(8) compiles the latter into the former)."""
    audit_rules_d: Fact[dict[str, tuple[str, ...]]] = field(default_factory=_na)
    """/etc/audit/rules.d/*.rules file -> its rule lines: what `augenrules --load` rebuilds
    /etc/audit/audit.rules from at boot (empty: no such file was listed)."""
    qemu_taints: Fact[dict[str, tuple[str, ...]]] = field(default_factory=_na)
    """VM name -> libvirt taint flags of its last logged start (/var/log/libvirt/qemu/NAME.log)."""
    bridge_vlan_filtering: Fact[dict[str, bool]] = field(default_factory=_na)
    """Linux bridge -> it filters the VMs' 802.1Q tags: vlan_filtering on with vlan_protocol
    802.1Q (a bridge filtering 802.1ad takes an 802.1Q-tagged frame as untagged and forwards
    it, tag and all, in its port's PVID)."""
    bridge_qinq: Fact[tuple[str, ...]] = field(default_factory=_na)
    """Linux bridges with vlan_filtering on and vlan_protocol 802.1ad."""
    bridge_port_vlans: Fact[dict[str, tuple[int, ...]]] = field(default_factory=_na)
    """Bridge port -> the VLAN ids it is a member of (`bridge -j vlan show`; a range counts
    each id), for the ports of VLAN-filtering bridges; a port not listed is in none."""
    link_info: Fact[dict[str, tuple[str, str, str]]] = field(default_factory=_na)
    """Interface -> (kind, parent device, lower link): ("", "0000:3b:00.0", "") for a PCI NIC,
    ("vlan", "", "bond0") for bond0.20."""
    net_device_paths: Fact[dict[str, tuple[str, ...]]] = field(default_factory=_na)
    """Interface -> the PCI addresses from the root port down to its device (`ls -l
    /sys/class/net`): ("0000:00:1c.0", "0000:03:00.0") for a card in root port 00:1c.0."""
    pci_slots: Fact[dict[str, str]] = field(default_factory=_na)
    """Physical slot name -> the address of what it holds, "0000:17:00" (domain:bus:device;
    /sys/bus/pci/slots/<name>/address). A second slot the firmware gives the same number is
    named "<name>-1" (Linux drivers/pci/slot.c make_slot_name)."""
    ovs_datapath_ports: Fact[tuple[str, ...]] = field(default_factory=_na)
    """The interfaces `ip -d link` shows with master ovs-system: the netdev ports (a VM's tap, a
    NIC) of every Open vSwitch bridge (Linux net/openvswitch/vport-netdev.c ovs_netdev_link
    links each under the datapath's own device, get_dpdev); the bridge each is on is only in
    ovs-vsctl's tables."""
    ovs_bridges: Fact[dict[str, tuple[str, ...]]] = field(default_factory=_na)
    ovs_bonds: Fact[dict[str, tuple[str, ...]]] = field(default_factory=_na)
    """Open vSwitch bond port -> its interfaces (none where Open vSwitch is not installed)."""
    """Open vSwitch bridge -> the interfaces of its ports, its own internal one included (from
    ovs-vsctl: `ip link` shows every OVS port under the datapath ovs-system)."""


@dataclass(frozen=True, slots=True)
class LibvirtSecret:
    """A libvirt secret's metadata (never its value)."""

    uuid: str
    usage: str
    private: bool | None  # None: listed, but its XML could not be read
    ephemeral: bool
    source: Source


@dataclass(frozen=True, slots=True)
class NwFilterRule:
    """One `<rule>` of a libvirt network filter, reduced to what decides whether it lets a frame
    the guest sends past an anti-spoofing check."""

    action: str
    """accept, return, drop, reject or continue."""
    direction: str
    """in, out or inout."""
    priority: int
    frames: frozenset[str]
    """The frame classes the rule can match at the Ethernet layer (ipv4, ipv6, arp, rarp, vlan,
    stp, other); empty for a rule libvirt instantiates in iptables/ip6tables (tcp, udp, all, ...),
    which runs after the ebtables chains."""
    constraints: frozenset[tuple[str, str]]
    """The (attribute, value) pairs its protocol element requires; with match='no' each is
    negated, kept as ("!attribute", value) (a negated protocolid is in `frames`)."""


@dataclass(frozen=True, slots=True)
class NwFilter:
    """A libvirt network filter definition (formatnwfilter)."""

    name: str
    chain: str
    chain_priority: int
    entries: tuple[NwFilterRule | str, ...]
    """Its rules and the names of the filters it references, in document order."""
    ref_params: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    """Each <filterref> with the <parameter>s it passes (name, ((param, value), ...); () when
    it passes none), in document order, one for each name in `entries`: the variables that
    included filter's subtree gets where its caller has none."""


@dataclass(frozen=True, slots=True)
class NwFilterBinding:
    """What an nwfilter binding holds at a port (src/conf/virnwfilterbindingdef.c
    virNWFilterBindingDefFormatBuf: <mac address>, <filterref filter> and its <parameter>s).
    libvirt instantiates the binding's filter with these values, not the domain's: $MAC is the
    binding's MAC parameter or else its <mac address>, $IP its IP parameter or else the learned
    address (nwfilter_gentech_driver.c virNWFilterInstantiateFilterUpdate)."""

    filter: str
    mac: str | None
    parameters: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class JournaldBoot:
    """HostFacts.log_forwarding and journal_discards as the next boot gives them: without
    journald's configuration files under /run, which no boot keeps (R51L-1)."""

    why: str
    """The files, and where they stand now."""
    paths: tuple[str, ...]
    """The files' paths."""
    log_forwarding: Fact[tuple[tuple[str, bool], ...]]
    journal_discards: Fact[str]


@dataclass(frozen=True, slots=True)
class LogBoot:
    """LibvirtHost.log_outputs_override, log_debug_env and log_filters_env as the next boot
    gives the daemons' next start: without the variables only `systemctl set-environment` set,
    which the boot drops (R48L-1)."""

    why: str
    """The variables and drop-ins, and where they stand now ("LIBVIRT_LOG_OUTPUTS='3:journald'
    in ...")."""
    names: tuple[str, ...]
    """The variables' names and the drop-ins' paths."""
    log_outputs_override: dict[str, Fact[tuple[str, str]]]
    log_debug_env: dict[str, Fact[tuple[tuple[str, str], ...]]]
    log_filters_env: dict[str, Fact[tuple[tuple[str, str], ...]]]
    log_level_cap: dict[str, str] = field(default_factory=dict)
    """LibvirtHost.log_level_cap, log_filter_patterns, log_namespace, stderr_elsewhere and
    stderr_unsettled without the units' drop-ins under /run (R51L-2)."""
    log_filter_patterns: dict[str, str] = field(default_factory=dict)
    log_namespace: dict[str, str] = field(default_factory=dict)
    stderr_elsewhere: dict[str, str] = field(default_factory=dict)
    stderr_unsettled: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class LibvirtHost:
    """The libvirt/QEMU extension of a host: daemon and driver settings, effective values."""

    qemu_conf: Fact[dict[str, object]] = field(default_factory=_na)
    libvirtd_conf: Fact[dict[str, object]] = field(default_factory=_na)
    conf_sources: dict[str, Source] = field(default_factory=dict)
    polkit_rules: Fact[tuple[tuple[str, str], ...]] = field(default_factory=_na)
    """(file, text) of every polkit .rules file (one need not name libvirt to grant its actions:
    a function with no action test answers for every action, R18H-5)."""
    polkit_domain_pkla: Fact[tuple[tuple[str, str], ...]] = field(default_factory=_na)
    """(file, "group:G" / "user:U" / ...) of every .pkla grant of an org.libvirt.api.domain.*
    action (a .pkla cannot test which VM: every VM)."""
    polkit_manage: Fact[tuple[tuple[str, str], ...]] = field(default_factory=_na)
    """(file, "group:G" / "user:U" / "user:*" (every account) / "netgroup:N" / "unresolved:...")
    of every polkit grant of org.libvirt.unix.manage that needs no administrator."""
    nwfilters: Fact[dict[str, tuple[str, ...]]] = field(default_factory=_na)
    """Defined network filters: name -> the filters it references (<filterref>)."""
    nwfilter_defs: dict[str, NwFilter] = field(default_factory=dict)
    """Defined network filters by name: chain, chain priority, rules and references in document
    order (what libvirt's nwfilter driver instantiates)."""
    nwfilter_bindings: Fact[dict[str, str]] = field(default_factory=_na)
    """The nwfilter bindings in force, port device -> filter name (virConnectListAllNWFilter
    Bindings: libvirt instantiates one per filtered port of a running VM)."""
    nwfilter_binding_defs: dict[str, NwFilterBinding] = field(default_factory=dict)
    """Each listed binding read from its XML (port device -> binding); a port whose XML is
    missing, unreadable or names no <mac> (no daemon writes one without it) is left out."""
    secrets: Fact[tuple[LibvirtSecret, ...]] = field(default_factory=_na)
    security_model: Fact[str] = field(default_factory=_na)
    """The security driver the daemon reports (selinux, apparmor, none)."""
    daemon_confs: dict[str, Fact[dict[str, object]]] = field(default_factory=dict)
    """Effective settings per daemon configuration file: libvirtd.conf, virtqemud.conf,
    virtproxyd.conf (a file that is absent holds that daemon's defaults)."""
    conf_present: dict[str, bool] = field(default_factory=dict)
    """Whether each daemon configuration file exists on the host."""
    daemons: Fact[tuple[str, ...]] = field(default_factory=_na)
    """The libvirt daemons in use: running, or started by an enabled socket unit; () if none seen."""
    daemons_unlisted: str = ""
    """Why the socket-enabled daemons are unknown (libvirt's socket unit list failed: an idle
    daemon its enabled socket starts on demand is not seen); "" when the list answered."""
    sockets: Fact[dict[str, str]] = field(default_factory=_na)
    """UNIX socket path -> "mode user group" as the host reports it (the mode in effect)."""
    socket_acl_writers: Fact[dict[str, tuple[str, ...]]] = field(
        default_factory=lambda: Fact.of({})
    )
    """libvirt's, virtlogd's and virtlockd's UNIX sockets -> the groups a named entry of the
    socket's POSIX ACL lets write to it (connect) with the mask, as `getfacl` reports them
    (`stat`'s mode shows none of them); unknown where getfacl could not read them or, not
    installed, `ls -l` marks a socket with '+'; empty for a bundle of an older hvaudit."""
    socket_acl_group_shut: tuple[str, ...] = ()
    """The live sockets whose ACL's owning-group entry (`group::`) does not let write: `stat`'s
    group bits show the mask there, so the socket's group writes nothing whatever they say
    (acl(5); R40A-3)."""
    socket_acl_unread: tuple[str, ...] = ()
    """The sockets of socket_acl_writers whose ACL is unknown: each that `ls -l` marks with '+'
    where getfacl is not installed, every one where getfacl failed."""
    tls_key: Fact[dict[str, str]] = field(default_factory=_na)
    """The default TLS server key (/etc/pki/libvirt/private/serverkey.pem) and the directories
    above it: path -> "mode user group" as stat reports them; a path not there is absent."""
    libvirtd_listen: Fact[str] = field(default_factory=lambda: Fact.of(""))
    """Where libvirtd.service's next start passes --listen (LIBVIRTD_ARGS in /etc/default/libvirtd,
    a drop-in's ExecStart=), "" where it does not or no libvirtd.service was read."""
    virtlogd_conf: Fact[dict[str, object]] = field(default_factory=_na)
    """virtlogd's settings for the QEMU log files it writes (/etc/libvirt/virtlogd.conf):
    max_size, with its default when the file or key is absent."""
    log_outputs_override: dict[str, Fact[tuple[str, str]]] = field(default_factory=dict)
    """Per QEMU-driver daemon (libvirtd, virtqemud): the log outputs in force instead of its
    file's log_outputs and where they come from (the running daemon, LIBVIRT_LOG_OUTPUTS in its
    unit's environment); absent where the file decides."""
    log_debug_env: dict[str, Fact[tuple[tuple[str, str], ...]]] = field(default_factory=dict)
    """Per QEMU-driver daemon (libvirtd, virtqemud): LIBVIRT_DEBUG in each environment read (the
    running daemon's, its units' for the next start), as (where, value; value "" unset);
    absent where neither was read."""
    log_filters_env: dict[str, Fact[tuple[tuple[str, str], ...]]] = field(default_factory=dict)
    """The same for LIBVIRT_LOG_FILTERS, which replaces the file's log_filters when not empty."""
    log_boot: LogBoot | None = None
    """The log outputs and environment variables of the QEMU-driver daemons as the next boot
    gives their next start, where a value only `systemctl set-environment` set (the service
    manager's environment as it stands, which no file sets: R48L-1) or a unit drop-in under
    /run (R48L-5; its journald settings too, R51L-2) changes them; None where nothing does."""
    log_level_cap: dict[str, str] = field(default_factory=dict)
    """Per QEMU-driver daemon (libvirtd, virtqemud): why journald drops its errors, where its
    unit's LogLevelMax= is above err (the setting and its file); absent where the unit was not
    read or keeps them."""
    log_filter_patterns: dict[str, str] = field(default_factory=dict)
    """Per QEMU-driver daemon (libvirtd, virtqemud): the LogFilterPatterns= of its unit in force
    (after the last empty one) and where they stand, whose regular expressions journald matches
    against each message before it stores or forwards it; absent where the unit sets none or
    was not read."""
    log_namespace: dict[str, str] = field(default_factory=dict)
    """Per QEMU-driver daemon (libvirtd, virtqemud): the journal namespace its unit's
    LogNamespace= names and where (its messages go to that namespace's own journald); absent
    where the unit names none or was not read."""
    units_unread: str = ""
    """Why the QEMU-driver daemons' units (`systemctl cat libvirtd.service virtqemud.service`)
    were not read ("" where they were, or the bundle has no such probe or no systemctl): their
    LogLevelMax=, LogFilterPatterns=, LogNamespace= and StandardError= are then unknown."""
    stderr_elsewhere: dict[str, str] = field(default_factory=dict)
    """Per QEMU-driver daemon (libvirtd, virtqemud): the StandardError=/StandardOutput= of its
    unit that sends its standard error elsewhere than the journal, and where; absent where it
    goes to the journal or the unit was not read."""
    stderr_unsettled: dict[str, str] = field(default_factory=dict)
    """Per QEMU-driver daemon: why where its standard error goes is unknown (its unit leaves the
    deciding StandardError=/StandardOutput= to the service manager's default, in a system.conf
    or drop-in not read: R41L-2)."""
    unread_domains: list[tuple[str, str]] = field(default_factory=list)
    """Domains the daemon listed whose definition was not read or not parsed (virDomainGetXMLDesc
    refused, e.g. `domain:read-secure` under the polkit access driver, or failed; an XML hvaudit
    could not take), or ("every domain", why) where the domain listing itself failed: (uuid or
    name, why). They exist, but nothing of them is counted (R28D-1, R28D-2)."""
    unread_next: dict[str, str] = field(default_factory=dict)
    """Running domains whose persistent definition (VIR_DOMAIN_XML_INACTIVE, the one they start
    from next) was not read or not parsed: uuid -> why. Each is judged as it runs now only
    (R29D-3)."""


@dataclass(slots=True)
class ProxmoxHost:
    """The Proxmox extension of a node: cluster and node configuration, each a Fact."""

    datacenter: Fact[dict[str, str]] = field(
        default_factory=lambda: Fact.unavailable("not collected")
    )
    users: Fact[pve.UserConfig] = field(default_factory=lambda: Fact.unavailable("not collected"))
    cluster_firewall: Fact[pve.FirewallFile] = field(
        default_factory=lambda: Fact.unavailable("not collected")
    )
    host_firewall: Fact[pve.FirewallFile] = field(
        default_factory=lambda: Fact.unavailable("not collected")
    )
    vm_firewalls: dict[str, pve.FirewallFile] = field(default_factory=dict)
    firewall_update_refused: bool = False
    """The node's firewall daemon refuses its whole update (pve-firewall's iptables-restore,
    proxmox_model._ipt_update_refused; proxmox-firewall's, _nft_reading): host.fw as written is
    not in force either, the rules applied before (if any) staying (R50F-1)."""
    firewall_unapplied: str = ""
    """Why no rule of pve-firewall is in force on the node, where its whole update is refused
    and the node's `iptables-save` shows no PVEFW chain (no earlier update applied: its first
    since boot, proxmox_model._saved_pvefw): every firewall check of the node and of its VMs
    fails on it (R51F-1); empty otherwise."""
    firewall_own_rules: bool = False
    """Where `firewall_unapplied` is set, whether rules the daemon did not write filter the
    node's input (iptables' filter table, another nftables table: proxmox_model
    _ipt_input_filters, _nft_input_filters): the node's checks then ask what those rules
    restrict instead of failing (R52F-1, R52F-2, the team's decision); its VMs still fail, no VM
    chain being in force."""
    vm_firewall_gaps: dict[str, Fact[Any]] = field(default_factory=dict)
    """The guests whose /etc/pve/firewall/<vmid>.fw was there but not read (a read or API GET that
    failed, a file the tree reader refuses), by vmid: each VM's firewall unknown, never off
    (R38E-1); only a file that does not exist is pve-firewall's default of off (pve-firewall
    src/PVE/Firewall.pm load_vmfw_conf: no file gives `$empty_conf`, whose `options` hold no
    `enable`)."""
    vm_firewall_listing: Fact[Any] | None = None
    """/etc/pve/firewall's listing, where it could not be run on a live node: a guest whose .fw
    was not read then has its firewall unknown, never off (R38E-2)."""
    corosync: Fact[dict[str, Any]] = field(
        default_factory=lambda: Fact.unavailable("not collected")
    )
    """/etc/pve/corosync.conf, the cluster's copy pmxcfs installs on each node."""
    corosync_version: int | None = None
    """The config_version pmxcfs reads from /etc/pve/corosync.conf (pve.pmxcfs_config_version);
    None when its text was not read."""
    corosync_local: Fact[dict[str, Any]] = field(
        default_factory=lambda: Fact.unavailable("not collected")
    )
    """The node's /etc/corosync/corosync.conf, the file corosync itself reads."""
    corosync_local_version: int | None = None
    """pmxcfs's config_version of corosync_local; None when its text was not read."""
    corosync_local_same: bool = False
    """corosync_local holds the same bytes as /etc/pve/corosync.conf (pmxcfs leaves it then)."""
    corosync_local_unread: bool = False
    """corosync_local was neither read nor found missing: not collected (the API path, which
    serves /etc/pve's totem only) or a read that failed. A node without the file (pmxcfs then
    writes /etc/pve's copy) or a copied tree without it is not unread."""
    interfaces: Fact[pve.NetworkInterfaces] = field(
        default_factory=lambda: Fact.unavailable("not collected")
    )
    pveproxy: Fact[dict[str, str]] = field(
        default_factory=lambda: Fact.unavailable("not collected")
    )
    services: Fact[dict[str, int]] = field(
        default_factory=lambda: Fact.unavailable("/etc/services was not collected")
    )
    """The node's /etc/services as proxmox-firewall reads it (name or alias -> port,
    `hvaudit.parse.proxmox.parse_services`); an absent file is an empty map."""
    iptables_services: Fact[dict[str, int | None]] = field(
        default_factory=lambda: Fact.unavailable("/etc/services was not collected")
    )
    """The same file as pve-firewall's rules get its names: each name pve-firewall keys -> its
    port where every line naming it gives one, else None; a name absent is one pve-firewall
    refuses (`hvaudit.parse.proxmox.parse_iptables_services`, R47F-2)."""
    unknown_keys: list[tuple[str, str, int]] = field(default_factory=list)
    """(artefact, key, line) of VM configuration keys hvaudit does not know."""
    realms: Fact[dict[str, dict[str, str]]] = field(
        default_factory=lambda: Fact.unavailable("not collected")
    )
    """domains.cfg: realm -> {'type': pam|pve|ad|ldap|openid, ...}."""
    containers: list[Container] = field(default_factory=list)
    """The node's LXC containers: they share its kernel with every VM."""
    unread_guests: list[tuple[str, str, str]] = field(default_factory=list)
    """Guests whose configuration file was listed but not read or not parsed (a read that failed
    or was refused, an API answer that failed, a file qemu-server or pve-container would not
    take): (`VM` or `container`, vmid, why). They exist, but nothing of them is counted (R27P-1)."""
    guests_unseen: str = ""
    """Why the node's guest list may leave guests out, '' where it is the node's: the API path
    lists the guests GET /cluster/resources answers, only those the token holds VM.Audit on
    (R28P-1). A guest left out is neither counted nor a subject."""
    storages_unseen: str = ""
    """Why the storage list (storage.cfg) may leave storages out, '' where it is the cluster's:
    the API path's GET /storage lists only the storages the token holds Datastore.Audit or
    Datastore.AllocateSpace on (R30P-3), and a storage.cfg not read lists none (R31P-2). A
    storage left out is no pool subject, and a disk on it has no storage type the checks can
    read (R31P-1)."""
    users_partial: str = ""
    """Why the user list (user.cfg) may leave users, their groups' members and their API tokens
    out, '' where it is whole: the API path's GET /access/users lists only the users the token
    may audit (R29P-4). A user left out is judged by no account check."""
    sdn_vnets: Fact[dict[str, dict[str, str]]] = field(
        default_factory=lambda: Fact.unavailable("not collected")
    )
    """The applied SDN VNets (/etc/pve/sdn/.running-config `vnets`): name -> options (zone, tag,
    vlanaware, isolate-ports)."""
    pci_mappings: Fact[dict[str, list[dict[str, str]]]] = field(
        default_factory=lambda: Fact.unavailable("not collected")
    )
    """The cluster's PCI mappings (/etc/pve/mapping/pci.cfg): mapping id -> its `map` entries
    pve-guest-common keeps (node, path, id, ...), for hostpciN `mapping=`."""
    ha_resources: Fact[dict[str, str]] = field(
        default_factory=lambda: Fact.unavailable("not collected")
    )
    """The HA manager's resources (/etc/pve/ha/resources.cfg): `vm:<vmid>` or `ct:<vmid>` -> the
    requested state (`started` where none is given, `enabled` read as `started`)."""
    bridge_vlan_filtering: dict[str, bool] = field(default_factory=dict)
    """The node's Linux bridges whose VLAN filtering the kernel reported (the API's SDN bridges
    endpoint): name -> vlan_filtering; a bridge not listed is not observed."""
    tfa: Fact[dict[str, Any]] = field(default_factory=lambda: Fact.unavailable("not collected"))
    """The users' second factors (/etc/pve/priv/tfa.cfg, or GET /access/tfa) as
    hvaudit.parse.proxmox.tfa_entries_from_file summarises them: `users` -> kind -> enable flags,
    `recovery`, `other`; `webauthn`/`u2f`: the file holds that configuration (None: not shown)."""
    bridges_source: Source | None = None
    interfaces_from_api: bool = False
    """/etc/network/interfaces is the API's reading of it (GET /nodes/{node}/network)."""


@dataclass(frozen=True, slots=True)
class Container:
    """An LXC container on a Proxmox VE node, as its isolation from the node matters."""

    vmid: str
    name: str
    privileged: bool
    """`unprivileged` is absent or 0: container root is root on the node."""
    apparmor: str
    """lxc.apparmor.profile ('' = Proxmox's generated profile)."""
    nesting: bool
    features: tuple[str, ...]
    """Every feature turned on (nesting, keyctl, fuse, mount=...)."""
    devices: tuple[str, ...]
    """Host devices passed in (devN, lxc.cgroup2.devices.allow, /dev mounts)."""
    host_mounts: tuple[str, ...]
    """Host paths bind-mounted in (mpN with a host path, lxc.mount.entry)."""
    raw_keys: tuple[str, ...]
    """Other raw `lxc.*` keys (outside Proxmox's control)."""
    running: bool | None
    autostart: bool
    source: Source
    next_start: Container | None = None
    volumes: tuple[str, ...] = ()
    """The rootfs and mpN volumes of a storage (`STORAGE:VOLNAME`), host paths aside."""
    start_unknown: str = ""
    """Why whether something starts this stopped, not-onboot container without an operator (the
    HA manager) is not in the evidence ('' when it is)."""
    """The container as it starts next, when its `[pve:pending]` section changes it."""
    memory_mib: int | None = 512
    """`memory` in MiB (pve-container Config.pm: default 512), which LXC.pm update_lxc_config
    writes as the cgroup's hard limit `lxc.cgroup2.memory.max`: a cap, not a reservation; a raw
    `lxc.cgroup2.memory.max` (or v1 `lxc.cgroup.memory.limit_in_bytes`) above it is taken
    instead, and None is no cap at all (`max`, P22-1)."""
    memory_raw: str = ""
    """The raw `lxc.*` line that set `memory_mib` instead of `memory`, if any."""
    cpus: int | None = None
    """The node CPUs the container may run on: its `cores` (pve-container Config.pm "The
    number of cores assigned to the container. A container can use all available cores by
    default"), which pve-manager's pvestatd rebalance_lxc_containers enacts as a cpuset of that
    many CPUs; None where none is set, every CPU of the node (`$conf->{cores} || $cpucount`).
    A raw `lxc.cgroup2.cpuset.cpus` (or v1 `lxc.cgroup.cpuset.cpus`) is the set instead
    (pvestatd leaves such a container alone): its CPU count, None where it does not read
    (R25R-1)."""
    cpus_raw: str = ""
    """The raw `lxc.*` line that set `cpus` instead of `cores`, if any."""
    nics: tuple[tuple[str, str, int | None, tuple[int, ...]], ...] = ()
    """Each `netN` plugged into a bridge as (KEY, BRIDGE, its `tag` or None, its `trunks`)
    (pve-container src/PVE/LXC/Config.pm $netconf_desc: `bridge`, `tag`, `trunks`)."""


@dataclass(frozen=True, slots=True)
class VmwareHost:
    """The VMware extension of a host, as the vSphere API reports it; None where not reported."""

    services: dict[str, dict[str, Any]] | None
    """Service key (TSM, TSM-SSH, ...) -> {"running": bool, "policy": "on"|"off"|"automatic"}."""
    firewall: dict[str, Any] | None
    """incoming_blocked, outgoing_blocked, rulesets [{key, enabled, all_ip, networks}]."""
    lockdown: str | None
    advanced: dict[str, Any] | None
    """The advanced options hvaudit reads; a key whose value is None was not reported."""
    source: Source
    access: dict[str, Any] | None = None
    """vCenter's (or the host's) roles and permissions: root, roles {id: {name, privileges}},
    permissions [{entity, entity_type, principal, group, role, propagate}]."""
    access_source: Source = field(default_factory=lambda: Source(""))
    # The items below are as the vSphere collector recorded them; None = not reported.
    switches: list[dict[str, Any]] | None = None
    """Standard vSwitches: name, security {allowPromiscuous, macChanges, forgedTransmits}, nics."""
    proxy_switches: list[dict[str, Any]] | None = None
    """The host's parts of distributed switches: name, nics (its uplinks' vmnics on this host),
    no_link (those without link, None: not reported), no_report (those config.network.pnic does
    not list, None: not reported); None where not reported."""
    distributed: dict[str, Any] | None = None
    """vCenter's distributed switches and port groups (security, vlan, uplink, overrides)."""
    distributed_source: Source = field(default_factory=lambda: Source(""))
    ntp: dict[str, Any] | None = None
    directory: list[dict[str, Any]] | None = None
    vmknics: list[dict[str, Any]] | None = None
    dns_names: list[str] = field(default_factory=list)
    """The host's own DNS names (HostDnsConfig hostName, and with its domainName): V24-4."""
    vmknic_traffic: dict[str, list[str]] | None = None
    """Traffic type (management, vmotion, vsan, ...) -> the vmknics selected for it."""
    pci_passthrough: list[dict[str, Any]] | None = None
    capability: dict[str, Any] | None = None
    tpm_attestation: dict[str, Any] | None = None
    boot_time: str | None = None
    """runtime.bootTime (ISO 8601), the host's last boot; None where not reported."""
    boot_time_asked: bool = False
    """Whether the collector asked for runtime.bootTime (a record of an older collector has no
    `boot_time` key: its attestation is read as before, R48E-1)."""
    acceptance: dict[str, Any] | None = None
    """{"level": ...} or {"error": ..., "privilege": ...}."""
    host_access: dict[str, Any] | None = None
    """{"entries": [...], "lockdown_exceptions": [...]} or {"error": ..., "privilege": ...}."""
    snmp: dict[str, Any] | None = None
    """HostSnmpSystem.configuration without its secrets: {"enabled": ..., "communities": how
    many read-only communities, "trap_targets": [{"host", "port", "community": set or not}]},
    or {"error": ..., "privilege": ...}."""
    system: dict[str, Any] | None = None
    """hardware.systemInfo: {"vendor": ..., "model": ...}, the machine ESXi runs on."""
    cpuid_hypervisor: str | None = None
    """hardware.cpuFeature's CPUID leaf 1 ECX bit 31 (hypervisor present): "1", "0", "-"
    (unknown), or None when not reported."""


@dataclass(slots=True)
class Host:
    """A hypervisor host."""

    name: str
    platform: str
    simulated: bool
    hypervisor: str
    hypervisor_version: str
    cores: int
    threads: int
    memory_kib: int
    facts: HostFacts
    libvirt: LibvirtHost | None = None
    source: Source = field(default_factory=lambda: Source(""))
    proxmox: ProxmoxHost | None = None
    vmware: VmwareHost | None = None
    missing: dict[str, str] = field(default_factory=dict)
    """Why a size fact (cores, memory_kib) is 0: the evidence that is missing."""


#: Vm fields no check reads across VMs: HVA-049 judges a VM's CPU by itself (checks/guest.py), and
#: no verdict about one VM or host compares another VM's CPU. A running KVM domain's live
#: <cpu check='full'> lists the features QEMU gave it, so it differs from its definition in these
#: alone (tests/test_e2e_libvirtd.py).
OWN_ONLY_FIELDS = frozenset(
    {"cpu_mode", "cpu_model", "nested_feature", "nested_features", "nested_virtualization"}
)


def definition_differences(live: Vm, later: Vm) -> frozenset[str]:
    """The Vm fields in which a running VM's persistent definition says something its live one
    does not. A real daemon's live XML differs from the persistent one in what a start adds
    (aliases, ports, pty paths, the labels the security drivers picked: the dynamic labels
    libvirt adds to a definition without <seclabel>); labels are compared by what the definition
    states, the run state and evidence paths not at all."""

    def stated(labels: tuple[SecurityLabel, ...], models: set[str]) -> tuple[object, ...]:
        # a dynamic label's value is picked at start; one the definition does not name is the
        # driver's default a start adds
        return tuple(
            (
                lab.model,
                lab.type,
                None if lab.type == "dynamic" else lab.label,
                lab.relabel,
                lab.baselabel,
            )
            for lab in labels
            if lab.type != "dynamic" or lab.model in models
        )

    def plain(value: object) -> str:
        # nested evidence (Fact, Setting, devices) names the file it was read from
        return (
            repr(value)
            .replace(repr(live.source.artefact), "''")
            .replace(repr(later.source.artefact), "''")
        )

    named = {lab.model for lab in later.security_labels}
    out: set[str] = set()
    for f in fields(live):
        if f.name in ("running", "source", "autostart"):
            continue
        if f.name == "security_labels":
            if stated(live.security_labels, named) != stated(later.security_labels, named):
                out.add(f.name)
        elif f.name == "interfaces":
            # a start names each port's tap (<target dev='vnet0'>), which the persistent
            # definition leaves out unless it names one itself (libvirt 9.0.0's libvirtd here:
            # a started domain's live XML has <target dev='vnet0'/>, its VIR_DOMAIN_XML_INACTIVE
            # XML none; tests/test_e2e_libvirtd)
            started = tuple(
                replace(i, target_dev=None)
                if n >= len(later.interfaces) or later.interfaces[n].target_dev is None
                else i
                for n, i in enumerate(live.interfaces)
            )
            if plain(started) != plain(later.interfaces):
                out.add(f.name)
        elif plain(getattr(live, f.name)) != plain(getattr(later, f.name)):
            out.add(f.name)
    return frozenset(out)


@dataclass(slots=True)
class Deployment:
    """Everything one bundle shows: hosts, their VMs, networks and pools."""

    target: str
    platform: str
    collected_at: str
    hosts: list[Host]
    vms: list[Vm]
    networks: list[Network]
    pools: list[Pool]
    artefact_digests: dict[str, str] = field(default_factory=dict)
    """artefact path -> sha256, for evidence references in reports."""
    notes: list[str] = field(default_factory=list)
    """Collection remarks worth showing (unavailable evidence, partial bundles)."""
    next_boot: dict[str, Vm] = field(default_factory=dict)
    """uuid -> the persistent definition of a running VM where it differs from what runs: what
    the VM becomes at its next start (`virsh define` / `edit` on a running domain). The engine
    judges those definitions too (`engine.run_check`)."""
    unreached_hosts: list[tuple[str, str]] = field(default_factory=list)
    """(name, why) of the deployment's hosts the collection did not reach (a Proxmox VE cluster
    node GET /nodes answers offline): no host of `hosts`, so every check of a host, a VM or a
    container reports it as an error (`engine.run_check`, R29P-2)."""
    unreached_guests: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    """(`VM` or `container`, vmid, name) of the guests the cluster lists on each host of
    `unreached_hosts` (GET /cluster/resources), which the error of a VM or container check
    names (R30P-4)."""

    def host(self, name: str) -> Host:
        """The host called `name`."""
        for h in self.hosts:
            if h.name == name:
                return h
        raise KeyError(name)


_NO_VALUE: Any = object()
"""Stands for a field left to its default_factory in `_quick_inits`' generated constructors."""

SLOW_INITS: dict[type, Any] = {}
"""The dataclass-generated constructors `_quick_inits` replaced, by class (kept for the test
that holds the quick ones equal to them: tests/test_fast_values.py)."""


def _quick_inits(*classes: type) -> None:
    """Give each frozen, slotted dataclass of `classes` a constructor that fills each slot through
    its descriptor, instead of the generated `__init__` of a frozen dataclass, which calls
    `object.__setattr__` once per field (a global lookup, an attribute lookup and a generic
    setattr each). The parser builds about 20 such objects with about 160 fields a VM (Sources,
    Facts, interfaces, disks, ...): 9 % of a libvirt domain's parse, measured in instructions.
    The same parameters, defaults and default factories, hence the same values. A class this
    cannot copy exactly (a `__post_init__`; a keyword-only, init=False, InitVar or inherited
    field) keeps its own constructor. Only the classes built per VM get one: compiling them adds
    about 12 million instructions to the import (27 classes took 24 million), against the 73
    million they save parsing 1,000 VMs."""
    import dataclasses

    env: dict[str, Any] = {"_NO_VALUE": _NO_VALUE}
    sources, done = [], []
    for n, cls in enumerate(classes):
        params = getattr(cls, "__dataclass_params__", None)
        if params is None or not params.frozen or "__slots__" not in vars(cls):
            continue
        dfields = fields(cls)
        if (
            hasattr(cls, "__post_init__")
            or len(dfields) != len(getattr(cls, "__dataclass_fields__", {}))
            or any(f.name not in vars(cls) or not f.init or f.kw_only for f in dfields)
        ):
            continue
        args, body = [], []
        for i, f in enumerate(dfields):
            at = f"{n}_{i}"
            env[f"_set{at}"] = vars(cls)[f.name].__set__
            if f.default_factory is not dataclasses.MISSING:
                env[f"_factory{at}"] = f.default_factory
                args.append(f"{f.name}=_NO_VALUE")
                body.append(
                    f"_set{at}(self, _factory{at}() if {f.name} is _NO_VALUE else {f.name})"
                )
                continue
            if f.default is not dataclasses.MISSING:
                env[f"_default{at}"] = f.default
                args.append(f"{f.name}=_default{at}")
            else:
                args.append(f.name)
            body.append(f"_set{at}(self, {f.name})")
        sources.append(f"def _init{n}(self, {', '.join(args)}):\n    " + "\n    ".join(body))
        done.append((n, cls))
    exec("\n".join(sources), env)  # noqa: S102 - the classes' own field names (identifiers)
    for n, cls in done:
        quick, slow = env[f"_init{n}"], vars(cls)["__init__"]
        quick.__name__, quick.__qualname__ = "__init__", f"{cls.__qualname__}.__init__"
        quick.__doc__ = slow.__doc__
        SLOW_INITS[cls] = slow
        setattr(cls, "__init__", quick)  # noqa: B010 - replaces the generated constructor


_quick_inits(
    Source,
    Fact,
    Setting,
    CpuAffinity,
    Listen,
    Graphics,
    Interface,
    Disk,
    SpoofProtection,
    SecurityLabel,
    Passthrough,
    Chardev,
    SharedDirectory,
    VmwareVm,
)
