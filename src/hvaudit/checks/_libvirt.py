"""Small readers shared by the KVM checks: effective libvirt settings with their evidence."""

from __future__ import annotations

import ipaddress
import re
import socket
import string
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from hvaudit.checks._loopback import is_ipv4_loopback, loopback_scope, loopback_version
from hvaudit.checks.base import (
    Context,
    Outcome,
    Status,
    Subject,
    manual,
    read_at_start_evidence,
    unknown,
)
from hvaudit.model import Disk, Fact, FactState, Host, LogBoot, Network, Pool, Source, Vm
from hvaudit.parse.host import LIBVIRT_DAEMONS, kernel_bool
from hvaudit.parse.qemu_args import raw_nics, raw_taps
from hvaudit.textsafe import digits

__all__ = [
    "LIBVIRT_TCP",
    "LIBVIRT_TLS",
    "conf_fact",
    "conf_value",
    "daemon_files",
    "disk_file",
    "host_settings_manual",
    "is_every_address",
    "is_local_address",
    "kernel_bool",
    "kernel_params",
    "kernel_ulong",
    "log_filter_patterns_question",
    "log_namespace_question",
    "moved_listener_question",
    "moved_remote_listeners",
    "remote_ports",
    "sasl_clients",
    "sasl_question",
    "sshd_ports",
    "volume_path",
]

#: Which daemons read the settings of a role: the remote listeners (TCP/TLS) are libvirtd's or,
#: with the modular daemons, virtproxyd's; the QEMU driver (audit, logging) is libvirtd's or
#: virtqemud's; every daemon has its own UNIX sockets (libvirt docs/daemons.rst).
ROLES = {
    "remote": ("libvirtd", "virtproxyd"),
    "driver": ("libvirtd", "virtqemud"),
    "socket": LIBVIRT_DAEMONS,
    # Every daemon checks the access control of the APIs it serves itself (its own
    # access_drivers; each file is the libvirtd.conf.in template, default none).
    "access": tuple(d for d in LIBVIRT_DAEMONS if d != "virtproxyd"),
}


#: The pool types whose volumes are files named after the volume in the pool's target directory:
#: storage_util.c virStorageBackendVolCreateLocal (the dir, fs and netfs backends' createVol),
#: `vol->target.path = g_strdup_printf("%s/%s", def->target.path, vol->name)`, with "Volumes
#: within a directory pools are not recursive; do not allow escape to ../ or a subdir" (a name
#: with '/' refused), read with `find_string` / `read_file`. The vstorage backend
#: (storage_backend_vstorage.c) creates its volumes with the same virStorageBackendVolCreateLocal
#: (VL16-2).
FILE_POOLS = ("dir", "fs", "netfs", "vstorage")

#: The pool types whose volumes are block devices named TARGET/NAME: storage_backend_logical.c
#: virStorageBackendLogicalMakeVol and storage_backend_zfs.c virStorageBackendZFSCreateVol,
#: `vol->target.path = g_strdup_printf("%s/%s", def->target.path, vol->name)` (read with
#: `find_string`). The disk, iSCSI, SCSI and mpath backends name a volume otherwise (a
#: partition, "unit:0:0:N", a by-path link), so its node is not known from the definition.
NODE_POOLS = ("logical", "zfs")


def volume_path(d: Disk, pools: dict[tuple[str, str], Pool], host: str) -> str | None:
    """The host path of a `<disk type='volume'>`: the file NAME in the target directory of a
    FILE_POOLS pool, the block device TARGET/NAME of a NODE_POOLS one; None for any other disk,
    pool type, or a pool the bundle lacks."""
    if d.type != "volume" or not d.source or "/" in d.source:
        return None
    pool = pools.get((host, d.pool or ""))
    if (
        pool is None
        or pool.type not in (*FILE_POOLS, *NODE_POOLS)
        or not (pool.target or "").startswith("/")
    ):
        return None
    return f"{(pool.target or '').rstrip('/')}/{d.source}"


def disk_file(d: Disk, pools: dict[tuple[str, str], Pool], host: str) -> str | None:
    """The host file a local disk opens: its <source file|dev> for a file or block disk, and for
    a <disk type='volume'> of a dir, fs or netfs pool the volume's file in the pool's target
    directory, which libvirt hands QEMU as a file disk at start (the disk source translation:
    for these pool types `def->src.path = virStorageVolGetPath(vol)`, actual type file, read
    with `find_string`), labelled and chowned as one (R15-1). None for anything else, or for a
    volume whose pool the bundle lacks."""
    if d.type in ("file", "block"):
        return d.source or None
    pool = pools.get((host, d.pool or ""))
    return volume_path(d, pools, host) if pool is not None and pool.type in FILE_POOLS else None


LIBVIRT_TCP, LIBVIRT_TLS = 16509, 16514
"""libvirt's default TCP and TLS ports: libvirtd.conf.in `#tcp_port = "16509"`, `#tls_port =
"16514"`, and the ListenStream of the libvirtd/virtproxyd -tcp and -tls socket units."""


def remote_ports(host: Host, files: list[str]) -> tuple[set[int], set[int]]:
    """The TCP and TLS ports libvirt's remote listeners may use: the defaults (socket units listen
    there) and the `tcp_port` / `tls_port` each file sets ("Override the port for accepting
    insecure TCP connections", libvirtd.conf.in; used when the daemon runs with --listen), and
    the -tcp/-tls socket units' ListenStream= ports (unit_ports), a -tcp unit's port taken out
    of the TLS ones."""
    tcp, tls = {LIBVIRT_TCP}, {LIBVIRT_TLS}
    # the -tcp and -tls socket units' ListenStream= as their files and drop-ins set it: a port a
    # -tcp unit listens on is the cleartext transport, whatever the TLS default says (R21U-4)
    unit_tcp, unit_tls = unit_ports(host, "tcp"), unit_ports(host, "tls")
    tcp |= unit_tcp
    tls = (tls | unit_tls) - unit_tcp
    for file in files:
        fact = conf_fact(host, file)
        if not fact.known:
            continue
        for key, ports in (("tcp_port", tcp), ("tls_port", tls)):
            value = fact.get().get(key)
            if value is not None and digits(str(value).strip()):
                ports.add(int(str(value).strip()))
    return tcp, tls


def unit_ports(host: Host, kind: str) -> set[int]:
    """The TCP ports the libvirtd and virtproxyd `-<kind>.socket` units (kind tcp or tls) listen
    on at their next start: each ListenStream= after resets (hvaudit.model.SocketUnitConf) that
    is a port ("16509") or an address with a port ("0.0.0.0:16509", "[::]:16509"); UNIX paths
    and other families are not ports (systemd.socket(5) ListenStream=). Empty when the unit
    files were not read."""
    fact = host.facts.socket_unit_files
    if not fact.known:
        return set()
    out = set()
    for daemon in ("libvirtd", "virtproxyd"):
        conf = fact.get().get(f"{daemon}-{kind}.socket")
        for value, _ in conf.listen if conf is not None else ():
            if value.startswith(("/", "@", "vsock:")):
                continue
            m = re.fullmatch(r"(?:.*:)?(\d{1,5})", value)
            if m and 0 < int(m.group(1)) < 65536:
                out.add(int(m.group(1)))
    return out


def moved_remote_listeners(host: Host, files: list[str]) -> list[str]:
    """The TCP sockets a remote libvirt daemon (libvirtd, virtproxyd) holds on a non-loopback
    address at a port that is neither its file's tcp_port nor tls_port nor a default. With
    socket activation "most of the socket related config options in libvirtd.conf will no
    longer have any effect" (libvirt docs/remote.rst), the -tcp and -tls socket units' own
    ListenStream= decide where it listens, and a drop-in can move either; the docs start those
    units with `systemctl start`, so they need not be enabled. Whether such a port is the TCP
    or the TLS transport is in the unit (`systemctl show -p Listen`), not in the evidence. A
    listener on 127/8 counts where route_localnet = 1 was read or the probe did not answer
    (hvaudit.checks._loopback, the one rule)."""
    f = host.facts.listeners
    if not f.known:
        return []
    tcp, tls = remote_ports(host, files)
    scope = loopback_scope(host)
    open4 = bool(scope.routed) or scope.unread is not None
    return sorted(
        {
            f"{lst.process} on {lst.address}:{lst.port}"
            for lst in f.get()
            if lst.protocol.startswith("tcp")
            and lst.process in ROLES["remote"]
            and (not lst.loopback or (open4 and is_ipv4_loopback(lst.address)))
            and lst.port not in tcp | tls
        }
    )


def log_destinations(value: str) -> list[str] | None:
    """The destinations of a libvirt log_outputs value, or None when libvirt would reject it.

    libvirt src/util/virlog.c (virLogParseOutputs, virLogParseOutput; read via `search`): the
    outputs are separated by spaces, each is `priority:destination[:data]` with a priority of 1
    to 4 and a destination of stderr or journald (no data), syslog (data = the tag) or file
    (data = the path; a path with a colon is refused). So
    `3:file:/var/log/libvirt/journald-export.log` is a file output whatever its path says; one
    malformed output makes libvirt reject the whole value; an empty value means the default
    output (virLogSetOutputs)."""
    dests = []
    for output in value.split(" "):
        if not output:
            continue
        tokens = output.split(":")
        prio, dest = tokens[0], tokens[1] if len(tokens) > 1 else ""
        if not (digits(prio) and 1 <= int(prio) <= 4):
            return None
        if len(tokens) != {"stderr": 2, "journald": 2, "syslog": 3, "file": 3}.get(dest):
            return None
        dests.append(dest)
    return dests


#: where a unit's StandardError= (or the StandardOutput= it inherits) names a file
_STDERR_FILE = re.compile(r"=(?:file|append|truncate):(\S+) in ")


def judged_at_boot(
    ctx: Context, judge: Callable[[Context], Iterable[Outcome]]
) -> Iterator[Outcome]:
    """_judged_with_boot's outcomes, each host's pass asked where a file of systemd-journald's
    or rsyslog's own unit under /run (HostFacts.log_daemon_runtime) sets how the log daemon
    runs now: the next boot starts it without (systemctl(1) --runtime), which hvaudit does not
    judge, so the pass rests on it (R52L-1, the team's decision: a pass never rests on a /run
    file of the log daemons' units, as of libvirt's)."""
    hosts = {h.name: h for h in ctx.deployment.hosts}
    for o in _judged_with_boot(ctx, judge):
        h = hosts.get(o.subject.name) if o.subject.type == "host" else None
        run = h.facts.log_daemon_runtime.value if h is not None else None
        if h is None or not run or o.status is not Status.PASS:
            yield o
            continue
        paths = " and ".join(run)
        yield manual(
            o.subject,
            f"{o.message}, but that rests on the log daemons as {paths} (systemd-journald's or "
            "rsyslog's unit under /run) starts them, which the next boot drops; hvaudit does not "
            "judge their start without it",
            *o.evidence,
            *h.facts.log_daemon_runtime.sources,
            question=f"Does a unit or script on host {h.name} write {paths} again at every "
            "boot, before systemd-journald and rsyslog start, or do they start without it with "
            "the same command line, environment and logging settings? Evidence: `systemctl cat "
            f"systemd-journald.service rsyslog.service` after a boot on {h.name}. Pass: yes, "
            "at every boot, as it stands now; fail: no (the next boot starts them otherwise).",
        )


def _judged_with_boot(
    ctx: Context, judge: Callable[[Context], Iterable[Outcome]]
) -> Iterator[Outcome]:
    """`judge`'s outcomes (HVA-213's, HVA-200's), each host's pass asked where the next boot
    gives libvirt's daemons other log outputs or logging variables (LibvirtHost.log_boot:
    one only `systemctl set-environment` set, which no boot keeps, R48L-1, or a unit drop-in
    under /run, R48L-5, and the units' LogLevelMax=, LogFilterPatterns=, LogNamespace= and
    StandardError= with it, R51L-2), or journald other settings (HostFacts.journald_boot: a journald.conf
    or drop-in under /run, R51L-1), and `judge` does not pass them there: the pass rests on a
    value the next boot drops. Where both pass, the pass stands, however the two differ; a
    fail or a question stands as it is (the next start before a boot takes the values as they
    stand)."""
    now = list(judge(ctx))
    hosts = ctx.deployment.hosts
    boot = {h.name: h for h in hosts if _libvirt_boot(h) is not None or h.facts.journald_boot.value}
    if not boot:
        yield from now
        return
    later = {
        o.subject: o
        for o in judge(
            Context(replace(ctx.deployment, hosts=[_at_boot(h) for h in hosts]), ctx.profile)
        )
        if o.subject.type == "host"
    }
    for o in now:
        h = boot.get(o.subject.name) if o.subject.type == "host" else None
        b = later.get(o.subject)
        if h is None or b is None or o.status is not Status.PASS or b.status is Status.PASS:
            yield o
            continue
        lb, jb = _libvirt_boot(h), h.facts.journald_boot.value
        whys = [x.why for x in (lb, jb) if x is not None]
        sets = [f"set {' and '.join(lb.names)}"] if lb is not None else []
        sets += [f"write {' and '.join(jb.paths)}"] if jb is not None else []
        before = [
            *(["libvirt's daemons"] if lb is not None else []),
            *(["systemd-journald"] if jb is not None else []),
        ]
        evidence = (
            [
                "`systemctl show-environment` and `systemctl cat libvirtd.service "
                "virtqemud.service` after a boot, or `grep -rs -e set-environment -e --runtime "
                f"-e {lb.names[0]} /etc /usr/lib/systemd` on {h.name}"
            ]
            if lb is not None
            else []
        )
        evidence += (
            [
                "`systemd-analyze cat-config systemd/journald.conf` after a boot, or `grep -rs "
                "journald.conf /etc/tmpfiles.d /usr/lib/tmpfiles.d /etc/systemd /usr/lib/systemd` "
                f"on {h.name}"
            ]
            if jb is not None
            else []
        )
        yield manual(
            o.subject,
            f"{o.message}, but that rests on {'; '.join(whys)}, which the next boot drops; "
            f"without it (after a boot): {b.status.value}: {b.message}",
            *o.evidence,
            *b.evidence,
            question=f"Does a unit or script on host {h.name} {' and '.join(sets)} again at "
            f"every boot, before {' and '.join(before)} start{'s' if lb is None else ''}? "
            f"Evidence: {'; '.join(evidence)}. Pass: yes, at every boot, as it stands now; "
            "fail: no (the next boot starts them without it).",
        )


def _libvirt_boot(h: Host) -> LogBoot | None:
    """The host's LibvirtHost.log_boot, None without libvirt."""
    return h.libvirt.log_boot if h.libvirt is not None else None


def _at_boot(h: Host) -> Host:
    """The host as the next boot gives it (judged_at_boot): libvirt's log outputs and logging
    variables, and journald's log forwarding and journal, without what the boot drops."""
    lb = _libvirt_boot(h)
    if h.libvirt is not None and lb is not None:
        h = replace(
            h,
            libvirt=replace(
                h.libvirt,
                log_outputs_override=lb.log_outputs_override,
                log_debug_env=lb.log_debug_env,
                log_filters_env=lb.log_filters_env,
                log_level_cap=lb.log_level_cap,
                log_filter_patterns=lb.log_filter_patterns,
                log_namespace=lb.log_namespace,
                stderr_elsewhere=lb.stderr_elsewhere,
                stderr_unsettled=lb.stderr_unsettled,
                log_boot=None,
            ),
        )
    jb = h.facts.journald_boot.value
    if jb is not None:
        h = replace(
            h,
            facts=replace(
                h.facts,
                log_forwarding=jb.log_forwarding,
                journal_discards=jb.journal_discards,
                journald_boot=Fact.of(None),
            ),
        )
    return h


def libvirt_log_unrouted(host: Host) -> tuple[list[str], list[str], list[Source]]:
    """_log_routes without the daemons whose stderr is unsettled."""
    why, files, refs, _ = _log_routes(host)
    return why, files, refs


def _log_routes(host: Host) -> tuple[list[str], list[str], list[Source], list[str]]:
    """Why the log outputs in force of the QEMU-driver daemons judged (daemon_files "driver")
    reach no system log, each daemon whose outputs do so named; the files they write instead;
    the evidence. The outputs in force are HVA-213's: the file's log_outputs, replaced by a
    running daemon's (virt-admin) or its unit's LIBVIRT_LOG_OUTPUTS (log_outputs_override).
    libvirt docs/logging.rst ("Logging in the daemon", read with `search`): an output is
    stderr, syslog:NAME, file:PATH or journald (log_destinations); unset, the journal where
    systemd runs, else a file under /var/log/libvirt. Only journald and syslog reach the
    system log a forwarder reads; stderr does where systemd runs and the unit leaves standard
    error in the journal (stderr_elsewhere, R37L-4). A file output reaches a forwarder only
    through an input reading that file (rsyslog imfile, "convert any standard text file into a
    syslog message"; a syslog-ng file() source, syslog-ng.conf(5) "can receive messages from
    files"): HVA-200 asks where one is loaded. A daemon whose file or override is unknown, or
    whose outputs libvirt rejects (it keeps its default), is left to HVA-213 (R38L-1). A daemon
    writing to stderr (no journald or syslog output) whose unit leaves its standard error to a
    service manager default in a file not read (stderr_unsettled) is returned last, with why
    (R41L-2)."""
    lh = host.libvirt
    if lh is None:
        return [], [], [], []
    units = host.facts.socket_units
    systemd = not units.known or (
        bool(units.get()) or not any(src.locator == "no systemd" for src in units.sources)
    )
    why: list[str] = []
    files: list[str] = []
    refs: list[Source] = []
    unsettled: list[str] = []
    for file in daemon_files(host, "driver"):
        daemon = file.removesuffix(".conf")
        override = lh.log_outputs_override.get(daemon)
        if conf_fact(host, file).known:
            outputs, src = conf_value(host, file, "log_outputs")
        elif override is not None and override.known and log_destinations(override.get()[0]):
            # the running daemon's outputs are in force whatever its file says (R39L-1)
            outputs, src = None, Source(f"host/files/etc/libvirt/{file}", "log_outputs")
        else:
            continue  # libvirt_log_unread's
        name = file
        if override is not None:
            if not override.known:
                continue
            value, where = override.get()
            default = outputs is None and log_destinations(value) == ["journald"] and systemd
            if value != outputs and not default:
                name, outputs = f"{daemon} ({where})", value
            src = override.sources[0] if override.sources else src
        if outputs is None or log_destinations(str(outputs)) == []:
            if units.known and not systemd:
                why.append(f"{name}: log_outputs unset on a host without systemd (a file)")
                files.append(f"/var/log/libvirt/{daemon}.log")
                refs += [src, *units.sources]
            continue
        dests = log_destinations(str(outputs))
        if dests is None or "journald" in dests or "syslog" in dests:
            continue
        away = lh.stderr_elsewhere.get(daemon) if systemd else "no systemd"
        if "stderr" in dests and not away and (unknown := lh.stderr_unsettled.get(daemon)):
            unsettled.append(
                f"{name}: log_outputs {str(outputs)!r} writes to stderr, and {unknown}"
            )
            refs.append(src)
            continue
        if "stderr" in dests and not away:
            continue
        paths = [o.split(":", 2)[2] for o in str(outputs).split() if o.split(":")[1:2] == ["file"]]
        detail = f"{name}: log_outputs {str(outputs)!r} writes only to files or stderr"
        if "stderr" in dests and away != "no systemd":
            detail += f", and {away} sends stderr elsewhere than the journal"
            m = _STDERR_FILE.search(str(away))
            paths.append(m.group(1) if m else "")  # "": no file to read stderr from
        elif "stderr" in dests:
            paths.append("")  # without systemd, stderr reaches no system log
        why.append(detail)
        files += paths
        refs.append(src)
    return why, files, refs, unsettled


def libvirt_syslog_free(host: Host) -> tuple[list[str], list[Source]]:
    """The log outputs in force of the QEMU-driver daemons judged (daemon_files "driver"),
    named as HVA-213 names them, where every one is known and none is a `syslog:` output
    (libvirt docs/logging.rst "Logging in the daemon", read with `search`: an output is stderr,
    syslog:NAME, file:PATH or journald; unset, the journal where systemd runs); [] where one
    is unknown, malformed (libvirt keeps its default), or sends to syslog(3). Only a `syslog:`
    output (virlog.c virLogOutputToSyslog: syslog(3), to /dev/log) reaches an rsyslog that takes
    /dev/log from journald and reads nothing journald forwards (R41L-1, R48L-2)."""
    lh = host.libvirt
    if lh is None:
        return [], []
    named: list[str] = []
    refs: list[Source] = []
    for file in daemon_files(host, "driver"):
        daemon = file.removesuffix(".conf")
        override = lh.log_outputs_override.get(daemon)
        if override is not None:
            if not override.known:
                return [], []
            value, where = override.get()
            name, outputs = f"{daemon} ({where})", value
            refs += list(override.sources)
        elif conf_fact(host, file).known:
            outputs, src = conf_value(host, file, "log_outputs")
            name = file
            refs.append(src)
        else:
            return [], []
        dests = [] if outputs is None else log_destinations(str(outputs))
        if dests is None or "syslog" in dests:
            return [], []
        named.append(
            f"{name}: log_outputs {outputs!r}"
            if dests
            else f"{name}: log_outputs unset (the journal)"
        )
    return named, refs


def libvirt_log_unread(host: Host) -> tuple[list[str], list[Source]]:
    """The QEMU-driver daemons (daemon_files "driver") whose log outputs in force are not in
    the evidence: their file (libvirtd.conf, virtqemud.conf) could not be read, and no running
    daemon's or unit's outputs (log_outputs_override) replace it. Such a file may set
    log_outputs to files only, which no forwarder reads (libvirt docs/logging.rst "Logging in
    the daemon": outputs are stderr, syslog:NAME, file:PATH or journald; libvirt_log_unrouted),
    so HVA-200 asks (R39L-1). So do the daemons whose file was read but whose outputs in force
    replace it unseen: the running daemon's `virt-admin daemon-log-outputs` did not answer, or
    its unit's environment (LIBVIRT_LOG_OUTPUTS) was not read (log_outputs_override unknown).
    libvirt src/util/virdaemon.c virDaemonSetupLogging, "cmdline > environment > config", and
    docs/kbase/debuglogs.rst (`virt-admin daemon-log-outputs OUTPUTS` changes a running
    daemon's outputs until it restarts): the file's log_outputs need not be those in force, so
    a file saying journald proves nothing there (R40L-1). Where the daemons' units were not read
    (`systemctl cat` unanswered), a running daemon's outputs read with virt-admin do not settle
    it either: its unit's LogLevelMax= above err drops its errors, LogNamespace= sends them to
    another journal and StandardError= may send a stderr output elsewhere (systemd.exec(5);
    the R35L-3, R37L-3 and R37L-4 readings), so that is asked too (R40L-4). So is a stderr
    output whose unit leaves standard error to a service manager default in a system.conf or
    drop-in not read (R41L-2). Each reason, and the evidence."""
    lh = host.libvirt
    if lh is None:
        return [], []
    why: list[str] = []
    refs: list[Source] = []
    for file in daemon_files(host, "driver"):
        conf = conf_fact(host, file)
        override = lh.log_outputs_override.get(file.removesuffix(".conf"))
        if override is not None and not override.known:
            why.append(override.reason or f"{file.removesuffix('.conf')}'s log outputs not read")
            refs += [*override.sources, *conf.sources]
            continue
        if conf.known or (
            override is not None and override.known and log_destinations(override.get()[0])
        ):
            continue
        why.append(conf.reason or f"{file} not read")
        refs += [*conf.sources, *(override.sources if override is not None else ())]
    if not why:
        # a stderr output whose destination rests on a manager default not read (R41L-2)
        _, _, routed_refs, unsettled = _log_routes(host)
        why += unsettled
        refs += routed_refs if unsettled else []
    if lh.units_unread and daemon_files(host, "driver") and not why:
        why.append(
            f"{lh.units_unread}: their LogLevelMax=, LogNamespace= and StandardError= are unknown"
        )
    return why, refs


def log_filter_patterns_question(host: str) -> str:
    """The question where journald matches libvirt's daemon messages against its unit's
    LogFilterPatterns= (systemd.exec(5), systemd 253; journald-client.c
    client_context_check_keep_log drops what a `~` pattern matches and, where patterns without
    it are set, what none of them matches) before it stores or forwards them (R37L-2)."""
    return (
        f"Do the LogFilterPatterns= of libvirt's daemon units on host {host} let every libvirt "
        "error message through? Evidence: `systemctl cat libvirtd.service virtqemud.service` "
        f"and `systemctl --version` on {host}. Pass: systemd older than 253 (it ignores the "
        "key), or no pattern with a leading ~ matches a libvirt error and any pattern without "
        "it matches every one; fail: a pattern drops some of libvirt's errors."
    )


def log_namespace_question(host: str) -> str:
    """The question where a libvirt daemon's unit sends its messages to a journal namespace
    (LogNamespace=), whose own journald is configured by /etc/systemd/journald@NAMESPACE.conf
    and whose journal a reader of the default namespace does not see
    (systemd-journald.service(8) "Journal Namespaces", R37L-3)."""
    return (
        f"Do libvirt's messages, which its daemon unit's LogNamespace= sends to a journal "
        f"namespace of their own on host {host}, reach the log server? Evidence: `systemctl cat "
        f"libvirtd.service virtqemud.service`, `systemd-analyze cat-config "
        f"systemd/journald@NAMESPACE.conf` and the log forwarder's configuration on {host}. "
        "Pass: the namespace's journald keeps them (Storage= other than none) and the "
        "forwarder reads that namespace (an imjournal or systemd-journal-upload pointed at it), "
        "or it forwards them (ForwardToSyslog=yes) to a syslog daemon that forwards them over "
        "authenticated TLS; fail: nothing reads or forwards that namespace."
    )


def moved_listener_question(host: str, moved: list[str]) -> str:
    """The one question of libvirt daemons listening on TCP where no setting of their files
    says: each listener named, as a "yes" answers for all of them (R35D-2: only the first was
    named, so a second, plain TCP one passed unasked). HVA-034 asks its own
    (management._moved_not_tls_question)."""
    each = moved[0] if len(moved) == 1 else "each of " + ", ".join(moved)
    return (
        f"Is {each} on host {host} libvirt's TLS transport with client certificates "
        "verified, not its plain TCP one? Evidence: `systemctl show -p Listen "
        "virtproxyd-tcp.socket virtproxyd-tls.socket libvirtd-tcp.socket libvirtd-tls.socket` "
        "(the unit whose ListenStream holds the port) and the daemon file's auth_tcp, "
        "tcp_min_ssf and tls_no_verify_certificate. Pass: "
        + ("the port is" if len(moved) == 1 else "every such port is")
        + " a -tls unit's and tls_no_verify_certificate is 0; fail: "
        + ("it is" if len(moved) == 1 else "one is")
        + " a -tcp unit's (auth_tcp decides how open it is) or certificates are not verified."
    )


def conf_fact(host: Host, file: str) -> Fact[dict[str, object]]:
    """The effective settings of `qemu.conf` or `libvirtd.conf` (a Fact: they may be unknown)."""
    if host.libvirt is None:
        return Fact.not_applicable("not a libvirt host")
    if file == "qemu.conf":
        return host.libvirt.qemu_conf
    return host.libvirt.daemon_confs.get(file, host.libvirt.libvirtd_conf)


def daemon_files(host: Host, role: str) -> list[str]:
    """The configuration files (e.g. `virtproxyd.conf`) of the daemons in use for a role.

    The daemons seen running or socket-enabled decide; when none was seen, every daemon of the
    role whose file exists is judged (the worst counts), and libvirtd.conf when none exists.
    Where libvirt's socket unit list failed, an idle daemon that its enabled socket unit starts
    on demand (the modular daemons exit after --timeout 120, libvirt docs/daemons.rst) is not
    seen: every daemon of the role whose file exists is judged beside those running (R24Q-3).
    """
    daemons = ROLES[role]
    lh = host.libvirt
    if lh is None:
        return [f"{daemons[0]}.conf"]
    if lh.daemons.known:
        used = [d for d in daemons if d in lh.daemons.get()]
        if used and lh.daemons_unlisted:
            return [f"{d}.conf" for d in daemons if d in used or lh.conf_present.get(f"{d}.conf")]
        if used:
            return [f"{d}.conf" for d in used]
    present = [d for d in daemons if lh.conf_present.get(f"{d}.conf")]
    return [f"{d}.conf" for d in present or daemons[:1]]


def conf_value(host: Host, file: str, key: str) -> tuple[Any, Source]:
    """One effective value (call only when `conf_fact` is known) and where it came from."""
    assert host.libvirt is not None
    values = conf_fact(host, file).get()
    src = host.libvirt.conf_sources.get(f"{file}.{key}") or Source(
        f"host/files/etc/libvirt/{file}", key, default=True
    )
    return values.get(key), src


def sshd_ports(h: Host) -> set[int]:
    """The ports sshd listens on as `sshd -T` reports them: each `port` line and the port of
    each `listenaddress addr:port` line (OpenSSH servconf.c dump_config prints both, the
    listen addresses with the port each resolved to, read with `find_string`); port 22, sshd's
    default, when `sshd -T` was not read."""
    sshd = h.facts.sshd.get() if h.facts.sshd.known else {}
    ports = {int(p) for p in sshd.get("port", "22").split() if digits(p)}
    ports |= {int(p) for p in sshd.get("-p", "").split() if digits(p)}  # the listener's -p
    for addr in sshd.get("listenaddress", "").split():
        port = addr.rpartition(":")[2]
        if digits(port):
            ports.add(int(port))
    return ports


def is_local_address(address: str | None) -> bool:
    """True for loopback addresses (console or daemon reachable only from the host itself): an
    IPv4 address in 127.0.0.0/8 in any spelling inet_aton(3) reads ("127.1"), ::1 (also
    IPv4-mapped), or localhost. A host name is resolved by DNS (formatdomain, graphics listen:
    "an IP address or hostname (which will be resolved ...)"), so "127.0.0.1.example" is not
    loopback."""
    if address is None:
        return False
    a = address.strip("[]")
    return a == "localhost" or loopback_version(a) is not None


def is_every_address(address: str | None) -> bool:
    """True for an unset address or one that binds every address: 0.0.0.0 in any spelling the C
    resolver accepts (inet_aton(3): "0", "0.0", "0x0" are all 0.0.0.0; getaddrinfo, which QEMU
    uses for its listeners, reads IPv4 numbers that way) or the IPv6 unspecified address. The
    IPv4-mapped ::ffff:0.0.0.0 binds every IPv4 address too: Linux net/ipv6/af_inet6.c
    __inet6_bind takes a mapped address as its IPv4 address ("Binding to v4-mapped address
    on a v6-only socket makes no sense"; otherwise v4addr = the last 32 bits, and INADDR_ANY
    is accepted like on an IPv4 socket), so the socket receives on every IPv4 address."""
    if address is None or not address.strip("[] "):
        return True
    a = address.strip("[] ")
    try:
        return socket.inet_aton(a) == b"\0\0\0\0"
    except OSError:
        pass
    try:
        ip = ipaddress.ip_address(a)
    except ValueError:
        return False
    mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
    return ip.is_unspecified or (mapped is not None and mapped.is_unspecified)


def host_settings_manual(
    subject: Subject,
    host: Host,
    fact: Fact[Any],
    proven: str,
    question: str,
    *evidence: Source,
) -> Outcome:
    """The outcome of a VM check whose verdict rests on host settings that were not read.

    The one rule for host-dependent VM checks on a simulated or offline host: say what the VM's
    own definition proves (`proven`), and ask for the exact host settings as one attestable
    manual question (`question`: "<Yes/no question>? Evidence: <the file, setting or command
    that answers it>. Pass: <...>; fail: <...>.", "yes" passing); never pass, and never
    not-applicable for a subject that exists. A failed collection stays an error.
    A host file its daemon reads only at its start, and may not have read as it is now, is
    asked of the version the daemon read (read_at_start_evidence, R47T-2).
    """
    if fact.state is FactState.FAILED:
        return unknown(subject, fact, question)
    why = (
        "the host is simulated (no host evidence)"
        if fact.state is FactState.NOT_APPLICABLE
        else f"host evidence unavailable: {fact.reason}"
    )
    return manual(
        subject,
        f"{proven}; {why}",
        *evidence,
        *fact.sources,
        question=read_at_start_evidence(fact.reason, question),
    )


def kernel_params(words: tuple[str, ...]) -> tuple[str, ...]:
    """The words of the kernel command line the kernel itself parses: those before a `--`.
    Linux kernel/params.c parse_args (read with `find_string`): "Stop at --" (`if (!val &&
    strcmp(param, "--") == 0) return err ?: args;`), and kernel-parameters.rst: "Everything
    after "--" is passed as an argument to init". (modprobe reads the whole line: libkmod's
    kmod_config_parse_kcmdline has no such stop, so module options are not cut here.)"""
    return words[: words.index("--")] if "--" in words else words


def kernel_ulong(value: str) -> int | None:
    """A kernel command-line value as lib/kstrtox.c kstrtoul(value, 0, ...) reads it, None where
    it refuses it (-EINVAL or -ERANGE: the handler keeps its value). kstrtoull skips one
    leading "+"; _parse_integer_fixup_radix takes base 16 after "0x" (any case) followed by a
    hex digit, base 8 after another leading "0", base 10 else; _kstrtoull refuses a string
    with no digit or with anything after them (a newline aside, which no command-line word
    has) and a value past 64 bits (read with `find_string`). So `+0`, `00` and `0x0` are 0,
    `01` is 1, `08` and `0b1` are refused."""
    s = value[1:] if value.startswith("+") else value
    if s[:1] == "0" and s[1:2] in ("x", "X") and s[2:3] and s[2:3] in string.hexdigits:
        base, s, ok = 16, s[2:], string.hexdigits
    elif s[:1] == "0":
        base, ok = 8, string.octdigits
    else:
        base, ok = 10, string.digits
    if not s or any(c not in ok for c in s):
        return None
    n = int(s, base)
    return n if n < 2**64 else None


def kernel_audit_off(host: Host) -> tuple[str, Source] | None:
    """The `audit=` word of the running kernel's command line that turned kernel auditing off for
    this boot, with its source; None when there is none or the command line was not read.

    Linux kernel/audit.c audit_enable() (read via `search`): `audit=0` or `audit=off` (any case)
    sets audit_initialized = AUDIT_DISABLED, which no later `audit=1` on the same line undoes, and
    audit_init() then never starts the audit subsystem; kernel-parameters.txt: "kernel audit is
    disabled and can not be enabled until the next reboot". Loaded rules and a running auditd
    then record nothing. A kernel before Linux 4.17 reads the value as a number (R37B-1,
    audit_reads_number), so there `audit=on` is such a word too."""
    cmdline = host.facts.kernel_cmdline
    if not cmdline.known:
        return None
    numeric = audit_reads_number(host)
    for word in kernel_params(cmdline.get()):
        if audit_off_word(word, numeric=numeric):
            note = "" if audit_off_word(word) else f" ({audit_number_note(host)})"
            return word + note, cmdline.sources[0]
    return None


#: The first Linux release whose audit= reads only 0, 1, off and on (R37B-1): kernel/audit.c
#: audit_enable's `!strcasecmp(str, "off") || !strcmp(str, "0")` (AUDIT_OFF), "on" or "1"
#: (AUDIT_ON), and any other value "audit: invalid 'audit' parameter value" with AUDIT_ON (the
#: no-panic follow-up, linux-audit/audit-kernel issue #74: merged in audit/next on 2018-03-21,
#: so first released in Linux 4.17); before it `audit_default = !!simple_strtol(str, NULL, 0)`
#: (every stored copy of 3.x and 4.x kernel/audit.c; all read with `find_string` and `search`).
AUDIT_STRICT_SINCE = (4, 17)


def audit_reads_number(host: Host) -> bool:
    """Whether host's kernel reads `audit=` as a number (a release before AUDIT_STRICT_SINCE),
    or may (the running kernel's release not read: not knowing is not passing)."""
    release = host.facts.kernel_release
    m = re.match(r"([0-9]+)\.([0-9]+)", release.get()) if release.known else None
    return m is None or (int(m.group(1)), int(m.group(2))) < AUDIT_STRICT_SINCE


def audit_number_note(host: Host) -> str:
    """Why a word other than audit=0 and audit=off turns auditing off on host (R37B-1)."""
    release = host.facts.kernel_release
    kernel = (
        f"the running kernel {release.get()} predates Linux 4.17"
        if release.known
        else "the running kernel's release was not read, and a kernel before Linux 4.17"
    )
    return (
        f"{kernel}, which reads audit= with simple_strtol: a value not starting with a "
        "non-zero number is 0, auditing off"
    )


def kernel_strtol_zero(value: str) -> bool:
    """Whether lib/vsprintf.c simple_strtol(value, NULL, 0) is 0 (R37B-1): a leading "-" is
    negated away (`if (*cp == '-') return -simple_strtoul(cp + 1, ...)`), then
    _parse_integer_fixup_radix takes base 16 after "0x" (any case) and a hex digit, base 8
    after another leading "0", base 10 else, and _parse_integer adds the digits below the base
    up to the first other character, wrapping past 64 bits (read with `find_string`). So
    `on`, `true`, `+1`, `00`, `0x0` and an empty value are 0; `1`, `2`, `-1` and `0x1` are
    not."""
    s = value[1:] if value.startswith("-") else value
    if s[:1] == "0" and s[1:2] in ("x", "X") and s[2:3] and s[2:3] in string.hexdigits:
        base, s = 16, s[2:]
    else:
        base = 8 if s[:1] == "0" else 10
    n = 0
    for c in s:
        if c not in string.hexdigits or int(c, 16) >= base:
            break
        n = (n * base + int(c, 16)) % 2**64
    return n == 0


def audit_off_word(word: str, *, numeric: bool = False) -> bool:
    """A kernel command-line word that keeps kernel auditing off for the boot (kernel_audit_off):
    `audit=0` or `audit=off` in any case (kernel-parameters.txt audit= "0 | off - kernel audit
    is disabled and can not be enabled until the next reboot", read with `find_string`); with
    `numeric` (a kernel before Linux 4.17, audit_reads_number), any value simple_strtol reads as
    0 (kernel_strtol_zero, R37B-1)."""
    name, eq, value = word.partition("=")
    if name != "audit" or not eq:
        return False
    return value == "0" or value.lower() == "off" or (numeric and kernel_strtol_zero(value))


def audit_switched_off(host: Host) -> tuple[str, Source] | None:
    """Kernel auditing switched off at run time: `auditctl -s` prints `enabled 0` after
    `auditctl -e 0` (auditctl(8): "When 0 is passed, this can be used to temporarily disable
    auditing"; audit_set_enabled(3): with enabled 0 "syscalls do not enter the audit system and
    no data is collected"). The loaded rules stay listed and auditd keeps running, so they
    record nothing. None when the flag is on or was not read."""
    flag = host.facts.audit_enabled
    if flag.known and flag.get() == 0:
        return "enabled 0 (`auditctl -e 0`)", flag.sources[0]
    return None


def audit_unregistered(host: Host) -> Source | None:
    """An auditd in the process list that the kernel does not hand its records to: `auditctl
    -s` prints `pid 0` (kernel/audit.c AUDIT_GET: `s.pid = auditd_pid_vnr()`, 0 when no audit
    daemon is connected). auditd registers at start only (audit-userspace src/auditd.c: `if
    (!opt_aggregate_only && audit_set_pid(fd, getpid(), WAIT_YES) < 0)`, with
    `opt_aggregate_only = !config.local_events` and the comment "This can only be set at start
    up"), so one started with local_events = no never registers whatever auditd.conf says now;
    with no daemon connected the kernel queues the records up to the backlog limit and prints
    them rate-limited (kauditd_hold_skb, kauditd_printk_skb), dropping the rest (R26L-2). None
    when the kernel names a daemon, or auditd or `auditctl -s` was not read."""
    pid, auditd = host.facts.audit_pid, host.facts.audit_daemon
    if pid.known and pid.get() == 0 and auditd.known and auditd.get():
        return pid.sources[0]
    return None


def audit_disabled_at_start(host: Host) -> Source | None:
    """auditd started with `-s disable` switches kernel auditing off at its start (audit-userspace
    src/auditd.c: audit_set_enabled(fd, startup_disable = 0)), and `auditctl -s` was not read:
    whether a later `-e 1` turned it on again is unknown (R29L-9). None when the enabled flag
    was read (audit_switched_off judges it) or auditd set no disable."""
    mode, flag = host.facts.auditd_startup, host.facts.audit_enabled
    if mode.known and mode.get() == "disable" and not flag.known:
        return mode.sources[0]
    return None


def audit_disabled_question(host_name: str) -> str:
    """The question for a host whose auditd switched auditing off at its start."""
    return (
        f"Is kernel auditing enabled on host {host_name}, although auditd was started with "
        "`-s disable` (it switches auditing off when it starts)? Evidence: `auditctl -s` on "
        f"{host_name} (the enabled line). Pass: enabled 1 or 2 (a later `auditctl -e 1`, e.g. "
        "in the rules loaded after auditd, turned it on again); fail: enabled 0."
    )


def audit_elsewhere(host: Host) -> tuple[str, Source] | None:
    """The kernel hands its audit records to a program other than the running auditd: the
    process of `auditctl -s`'s pid is not auditd, or is not in the process list (parse.host
    _audit_receiver; the kernel keeps one receiver and does not replace a live one, so auditd
    gets none of them, R29L-5). (the receiver as shown, its source); None when it is auditd,
    none is registered, or either was not read."""
    got, auditd = host.facts.audit_receiver, host.facts.audit_daemon
    if got.known and got.get() and auditd.known and auditd.get():
        return got.get(), got.sources[0]
    return None


def audit_elsewhere_question(host_name: str, receiver: str, what: str) -> str:
    """The question for a host whose kernel hands the audit records to another program."""
    return (
        f"Does {receiver}, the program the kernel hands its audit records to on host "
        f"{host_name} (`auditctl -s` pid), keep or forward {what} to a log that is kept? "
        f"Evidence: `auditctl -s` and `ps -p PID -o args` on {host_name}, and that program's "
        "configuration (its output or the server it ships to). Pass: yes; fail: it drops "
        "them, or the process is gone (the kernel then holds them in its backlog and prints "
        "them rate-limited)."
    )


def audit_off_at_next_boot(host: Host) -> tuple[str, Source] | None:
    """A rules file the boot loads that switches kernel auditing off: `-e 0` in
    /etc/audit/audit.rules or /etc/audit/rules.d/*.rules (auditctl(8) -e: "When 0 is passed,
    this can be used to temporarily disable auditing"; augenrules(8): "The last processed -e
    directive, if present, is always emitted as the last line in the resultant file", so it
    applies after every watch is loaded). Running auditing (`auditctl -s` enabled 1) does not
    show it until the next boot (R13H-4). None when no such line is read. The lines come as
    parse.host._auditctl_words spells them, and `-e 0` counts wherever it stands in one
    (`-b 8192 -e 0`: auditctl's getopt loop applies every option of the line, R25U-1)."""
    boot = host.facts.audit_rules_persistent
    for rule in boot.get() if boot.known else ():
        if "0" in auditctl_enable_args(rule):
            return rule, boot.sources[0]
    return None


def auditctl_enable_args(rule: str) -> list[str]:
    """The arguments of the -e options of a rules-file line as parse.host._auditctl_words
    spells it, wherever they stand in it (`-b 8192 -e 2`: auditctl's getopt loop applies every
    option of the line, R25U-1, R33L-7); a word that is another option's argument is none."""
    words = rule.split()
    out: list[str] = []
    k = 0
    while k < len(words):
        if words[k] in _AUDITCTL_ARG_FLAGS:
            if words[k] == "-e" and k + 1 < len(words):
                out.append(words[k + 1])
            k += 1
        k += 1
    return out


#: auditctl's options that take an argument (audit-userspace src/auditctl.c setopt's getopt
#: string "hicslDvtC:e:f:r:b:a:A:d:S:F:m:R:w:W:k:p:q:" and long_opts' backlog_wait_time and
#: signal): the word after one is its argument, not an option.
_AUDITCTL_ARG_FLAGS = frozenset(
    [*(f"-{c}" for c in "CefrbdaASFmRwWkpq"), "--backlog_wait_time", "--signal"]
)


def audit_off_question(host_name: str) -> str:
    """The question for a host whose boot rules switch auditing off (audit_off_at_next_boot)."""
    return (
        f"Does kernel auditing on host {host_name} stay on after a reboot, although a rules file "
        "the boot loads holds `-e 0`? Evidence: /etc/audit/audit.rules and "
        "/etc/audit/rules.d/*.rules (augenrules(8) emits the last -e last) and any unit that runs "
        "`auditctl -e 1` after auditd.service. Pass: a later rule or unit enables it again; "
        "fail: the next boot runs with auditing off."
    )


def vm_bridges(ctx: Context, host: str) -> set[str]:
    """Bridges VM ports are on now, or VMs are defined on (directly, via a libvirt network, or
    by a tap raw QEMU arguments put on a named bridge: hvaudit.parse.qemu_args.raw_taps)."""
    nets = {n.name: n.bridge for n in ctx.deployment.networks if n.host == host and n.bridge}
    out: set[str] = set()
    for v in ctx.deployment.vms:
        if v.host == host:
            for itf in v.interfaces:
                br = itf.source if itf.type == "bridge" else nets.get(itf.source)
                if itf.type in ("bridge", "network") and br:
                    out.add(br)
            out.update(str(n.bridge) for n in raw_taps(raw_nics(v.raw_hypervisor_arguments))[0])
    return out


def vm_taps(ctx: Context, host: str) -> frozenset[str]:
    """The host devices the running libvirt VMs of `host` are ports by, as their live XML names
    them (`<target dev>`): libvirt names a tap vnetN (macvtapN) unless the definition gives
    another name (formatdomain, "Overriding the target element"), so a VM port of another name
    is one only this shows (R29N-3)."""
    return frozenset(
        i.target_dev
        for v in ctx.deployment.vms
        if v.host == host and v.running
        for i in v.interfaces
        if i.target_dev and i.type in ("bridge", "network", "ethernet")
    )


_AUDIT_OPS = ("!=", "<=", ">=", "&=", "=", "<", ">", "&")


def _msgtype_matches(field: str, number: int, names: dict[str, int]) -> bool | None:
    """Whether `-F msgtype<op><value>` holds for a record of type `number`; None when the value
    is a type name hvaudit cannot place on the number line."""
    rest = field[len("msgtype") :]
    op = next((o for o in _AUDIT_OPS if rest.startswith(o)), None)
    if op is None:
        return None
    text = rest[len(op) :]
    value = names.get(text) or (int(text) if digits(text) else None)
    if value is None:
        return {"=": False, "!=": True}.get(op)
    return {
        "=": number == value,
        "!=": number != value,
        "<": number < value,
        ">": number > value,
        "<=": number <= value,
        ">=": number >= value,
    }.get(op)


def audit_records_filtered(
    rules: tuple[str, ...], types: dict[str, int], *, user: bool
) -> tuple[str, bool] | None:
    """The first loaded audit rule (`auditctl -l` lines) that drops records of `types`, and
    whether it drops them for every process (False: it also tests the process, so whether the
    one that matters is among them is not seen); None when no rule does. `user`: the records
    come from user space (they pass the user filter list too).

    Linux kernel/audit.c audit_receive_msg logs a user message only when `audit_filter(type,
    AUDIT_FILTER_USER)` returns 1, and audit_log_start drops any record whose type the exclude
    list matches; kernel/auditfilter.c audit_filter: the first rule whose fields all match
    decides, 0 (dropped) `if (e->rule.action == AUDIT_NEVER || listtype ==
    AUDIT_FILTER_EXCLUDE)`. So a matching `never,user` rule (user-space records) or any matching
    exclude rule drops the record; an earlier matching `always,user` rule lets it through the
    user list."""
    passed_user: set[str] = set()
    for line in rules:
        words = line.split()
        if "-a" not in words[:-1]:
            continue
        parts = set(words[words.index("-a") + 1].split(","))
        listed = parts & ({"exclude", "user"} if user else {"exclude"})
        if not listed:
            continue
        fields = [words[i + 1] for i, w in enumerate(words[:-1]) if w == "-F"]
        msgtypes = [f for f in fields if f.startswith("msgtype")]
        others = [f for f in fields if not f.startswith("msgtype")]
        results = {
            name: [_msgtype_matches(f, number, types) for f in msgtypes]
            for name, number in types.items()
        }
        matched = {n for n, r in results.items() if all(x is not False for x in r)}
        certain = {n for n, r in results.items() if all(x is True for x in r)}
        if "user" in listed:
            matched -= passed_user
            if "always" in parts:
                if not others:
                    passed_user |= certain
                continue
        if matched:
            return line, not others and bool(certain & matched)
    return None


#: Cyrus SASL mechanisms whose identities are a Kerberos realm's principals (plugins/gssapi.c
#: GSSAPI and GSS-SPNEGO, plugins/gs2.c GS2-KRB5 and GS2-IAKERB): any principal that obtains a
#: ticket for the host's libvirt service authenticates.
SASL_KERBEROS = frozenset({"gssapi", "gss-spnego", "gs2-krb5", "gs2-iakerb"})
#: Mechanisms that check a shared secret through the auxiliary property store (auxprop_plugin:
#: sasldb unless another is configured): plugins/scram.c, digest-md5.c, cram.c, srp.c,
#: passdss.c, otp.c.
SASL_AUXPROP = frozenset(
    {
        *(
            f"scram-sha-{n}{plus}"
            for n in ("1", "224", "256", "384", "512")
            for plus in ("", "-plus")
        ),
        "digest-md5",
        "cram-md5",
        "srp",
        "passdss",
        "otp",
    }
)
#: Mechanisms that send the password itself (plugins/plain.c, login.c); Cyrus checks it with
#: pwcheck_method (default auxprop; saslauthd hands it to PAM, shadow or LDAP).
SASL_PLAINTEXT = frozenset({"plain", "login"})


@dataclass(frozen=True, slots=True)
class SaslClients:
    """Whom libvirt's SASL authentication admits on a secure transport (TLS or a UNIX socket,
    where libvirt lets every mechanism in: remote_daemon_dispatch.c remoteDispatchAuthSaslInit
    calls virNetSASLSessionSecProps(sasl, 0, 0, true), whose allowAnonymous drops
    SASL_SEC_NOANONYMOUS | SASL_SEC_NOPLAINTEXT, src/rpc/virnetsaslcontext.c)."""

    anyone: str | None
    """Why anyone gets in without credentials (ANONYMOUS offered, its identity admitted)."""
    unread: str | None
    """Why the mechanisms or their accounts cannot be judged from the evidence."""
    realm: str | None
    """Why every account of a wider population (a Kerberos realm) gets in: no username list."""
    how: str
    """What authenticates the client, for a pass."""
    sources: tuple[Source, ...]


def _glob(pattern: str, text: str) -> bool:
    """GLib g_pattern_match_simple: `*` any string, `?` one character, nothing else special
    (libvirt matches sasl_allowed_username_list with it, virNetSASLContextCheckIdentity)."""
    rx = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(rx, text, re.S) is not None


def sasl_clients(host: Host, file: str) -> SaslClients:
    """Who authenticates to the daemon of `file` (libvirtd.conf, virtproxyd.conf) where its
    auth_* is "sasl", from /etc/sasl2/libvirt.conf (the SASL service "libvirt", one file for
    every daemon: virnetsaslcontext.c `sasl_server_init(NULL, "libvirt")`) and the file's
    sasl_allowed_username_list.

    libvirt's shipped file offers gssapi only (src/remote/libvirtd.sasl); "If you are only
    using TLS, then you can turn on any mechanisms you like for authentication". Cyrus's
    ANONYMOUS mechanism logs anyone in as "anonymous" (plugins/anonymous.c anonymous_id), and
    libvirt then checks only the username list: "By default, no Username's are checked"
    (libvirtd.conf.in), virNetSASLContextCheckIdentity "No ACL, allow all"; an empty list
    admits no one ("If this is an empty list, no client can connect"). Without the file or
    its mech_list Cyrus offers every installed plugin (an unread set)."""
    mechs = host.facts.libvirt_sasl_mechanisms
    opts = host.facts.libvirt_sasl_options
    users, usrc = conf_value(host, file, "sasl_allowed_username_list")
    srcs = (*mechs.sources, usrc)
    listed = [str(u) for u in users] if isinstance(users, list) else None
    if listed == []:
        return SaslClients(
            None,
            None,
            None,
            f"sasl_allowed_username_list [] ({file}: no SASL client can connect)",
            srcs,
        )
    if not mechs.known:
        why = (
            "was not collected (not in this bundle)"
            if mechs.reason.endswith("was not collected")
            else mechs.reason
        )
        return SaslClients(None, f"/etc/sasl2/libvirt.conf {why}", None, "", srcs)
    # one entry that matches every name admits everyone, whatever the others say (libvirt
    # admits an identity any entry matches: virNetSASLContextCheckIdentity); one whose user
    # part is only wildcards ("*@EXAMPLE.COM", libvirtd.conf.in's own example) admits every
    # principal of that realm (R22U-2)
    anyone = [u for u in listed or [] if not u.strip("*?@")]
    realm_wide = [
        u
        for u in listed or []
        if (part := u.rpartition("@"))[1] and "*" in part[0] and not part[0].strip("*?")
    ]
    every = listed is None or bool(anyone)

    def admits(identity: str) -> bool:
        return listed is None or any(_glob(u, identity) for u in listed)

    offered = list(mechs.get())
    names = f"mech_list {' '.join(offered)}"
    if "anonymous" in offered and admits("anonymous"):
        why = (
            "no sasl_allowed_username_list"
            if listed is None
            else f"sasl_allowed_username_list {listed} admits 'anonymous'"
        )
        return SaslClients(
            f"/etc/sasl2/libvirt.conf {names} offers ANONYMOUS (anyone logs in as "
            f"'anonymous'; {why} in {file})",
            None,
            None,
            "",
            srcs,
        )
    rest = [m for m in offered if m != "anonymous"]
    known = SASL_KERBEROS | SASL_AUXPROP | SASL_PLAINTEXT
    odd = [m for m in rest if m not in known]
    if not rest or odd:
        what = ", ".join(odd) if odd else "nothing but ANONYMOUS (refused by the username list)"
        return SaslClients(
            None, f"/etc/sasl2/libvirt.conf {names}: whom {what} admits is not read", None, "", srcs
        )
    kerberos = [m for m in rest if m in SASL_KERBEROS]
    who = f"sasl_allowed_username_list {listed} ({file})" if not every else ""
    if who and not (kerberos and realm_wide):
        return SaslClients(None, None, None, f"SASL {' '.join(rest)}, {who}", srcs)
    o = opts.get() if opts.known else {}
    srcs = (*srcs, *opts.sources)
    store: list[str] = []
    if any(m in SASL_AUXPROP for m in rest) or (
        any(m in SASL_PLAINTEXT for m in rest)
        and o.get("pwcheck_method", "auxprop") in ("auxprop", "auxprop-hashed")
    ):
        plugin = o.get("auxprop_plugin", "sasldb")
        if plugin.split() != ["sasldb"] and plugin:
            store.append(f"auxprop_plugin {plugin}")
    if any(m in SASL_PLAINTEXT for m in rest):
        check = o.get("pwcheck_method", "auxprop")
        if check not in ("auxprop", "auxprop-hashed"):
            store.append(
                f"pwcheck_method {check} (plain/login passwords checked outside libvirt's sasldb)"
            )
    why = (
        f"no sasl_allowed_username_list in {file}"
        if listed is None
        else f"sasl_allowed_username_list entry {(anyone or realm_wide)[0]!r} in {file} admits "
        "every user name"
    )
    realm = (
        f"/etc/sasl2/libvirt.conf {names}: any principal of the Kerberos realm ({why})"
        if kerberos
        else None
    )
    if store:
        return SaslClients(
            None,
            f"/etc/sasl2/libvirt.conf {names}, {', '.join(store)}: which accounts that store "
            "holds is not read",
            realm,
            "",
            srcs,
        )
    whom = ["Kerberos principals"] if kerberos else []
    if len(kerberos) < len(rest):
        whom.append(f"the accounts of {o.get('sasldb_path', '/etc/sasldb2')}")
    return SaslClients(None, None, realm, f"SASL {' '.join(rest)}: {' and '.join(whom)}", srcs)


def sasl_question(host: str, files: list[str]) -> str:
    """The one question of SASL authentication whose mechanisms or accounts were not read."""
    return (
        f"Does libvirt's SASL authentication on host {host} admit only named clients with "
        "credentials? Evidence: /etc/sasl2/libvirt.conf (mech_list; unset, every installed "
        "plugin: `pluginviewer -s`; pwcheck_method, auxprop_plugin) and sasl_allowed_username_list "
        f"in {' and '.join(files)}. Pass: mech_list names only mechanisms that check credentials "
        "(gssapi, scram-sha-256) against libvirt's own accounts or a sasl_allowed_username_list "
        "of the administrators; fail: ANONYMOUS is offered (or the anonymous plugin is installed "
        "and mech_list unset) and no username list refuses 'anonymous', or any account of a "
        "realm or directory is admitted."
    )


#: GnuTLS priority-string additions that switch on what RFCs have retired: SSL 3.0 (RFC 7568),
#: the NULL cipher (no encryption), RC4 (RFC 7465), single and triple DES (NIST SP 800-131A
#: Rev. 2 disallows 3DES for encryption after 2023; Sweet32), export-grade RSA and MD5 MACs
#: or signatures (GnuTLS manual, "Priority strings": algorithms are enabled with `+` and
#: disabled with `-` or `!`).
TLS_WEAK_ADDITIONS = frozenset(
    {
        "VERS-SSL3.0",
        "NULL",
        "ARCFOUR-128",
        "ARCFOUR-40",
        "ARCFOUR",
        "3DES-CBC",
        "DES-CBC",
        "RC2-40",
        "RSA-EXPORT",
        "MD5",
        "SIGN-RSA-MD5",
    }
)
#: GnuTLS special keywords that weaken the handshake or the peer-certificate verification
#: (GnuTLS manual, "Priority strings", special keywords): renegotiation without RFC 5746's
#: protection (CVE-2009-3555), broken or MD5 signature algorithms accepted in certificates,
#: and the weakest certificate-verification profiles.
TLS_WEAK_SPECIALS = frozenset(
    {
        "UNSAFE_RENEGOTIATION",
        "DISABLE_SAFE_RENEGOTIATION",
        "VERIFY_ALLOW_BROKEN",
        "VERIFY_ALLOW_SIGN_RSA_MD5",
        "PROFILE_VERY_WEAK",
        "PROFILE_LOW",
    }
)
#: Base keywords (GnuTLS manual): all but LEGACY select only algorithms GnuTLS calls secure;
#: LEGACY is "the NORMAL settings that were used for GnuTLS 3.2.x or earlier. There is no
#: verification profile set, and the allowed DH primes are considered weak today", EXPORT the
#: pre-3.x export-grade set.
TLS_BASES = frozenset(
    {
        "NORMAL",
        "PFS",
        "SECURE",
        "SECURE128",
        "SECURE192",
        "SECURE256",
        "SUITEB128",
        "SUITEB192",
        "PERFORMANCE",
        "NONE",
    }
)
TLS_WEAK_BASES = frozenset({"LEGACY", "EXPORT"})
#: Specials that change no security property (compatibility, ticket and record-size knobs).
TLS_NEUTRAL_SPECIALS = frozenset(
    {
        "COMPAT",
        "SERVER_PRECEDENCE",
        "NO_TICKETS",
        "NO_TICKETS_TLS12",
        "SAFE_RENEGOTIATION",
        "PARTIAL_RENEGOTIATION",
        "DISABLE_WILDCARDS",
        "LATEST_RECORD_VERSION",
        "SSL3_RECORD_VERSION",
        "ALLOW_SMALL_RECORDS",
        "FORCE_ETM",
        "NO_EXTENSIONS",
        "DUMBFW",
        "STATELESS_COMPRESSION",
        "PROFILE_MEDIUM",
        "PROFILE_HIGH",
        "PROFILE_ULTRA",
        "PROFILE_FUTURE",
        "PROFILE_SUITEB128",
        "PROFILE_SUITEB192",
    }
)
#: Names of algorithms whose addition weakens nothing GnuTLS's secure sets hold (AEAD and CBC
#: AES, ChaCha20, Camellia, GOST; forward-secret and PSK key exchanges; TLS 1.2/1.3; groups,
#: curves, SHA-2 MACs and signatures).
_TLS_SAFE_ADDITION = re.compile(
    r"^(?:AES-|CHACHA20-|CAMELLIA-|GOST|MAGMA|KUZNYECHIK|ECDHE-|DHE-|RSA$|PSK$|RSA-PSK$|SRP"
    r"|VERS-TLS1\.[23]$|VERS-TLS-ALL$|VERS-DTLS|VERS-ALL$|GROUP-|CURVE-|SIGN-(?!RSA-MD5)|SHA|AEAD$"
    r"|COMP-|CTYPE-|MAC-ALL$|CIPHER-ALL$|KX-ALL$|SIGN-ALL$|UMAC)"
)


def tls_priority_weakness(value: str) -> tuple[list[str], list[str]]:
    """The weakenings a libvirt tls_priority string switches on, and the tokens whose effect is
    not read (a system profile `@NAME` other than SYSTEM, an unknown algorithm or keyword).
    libvirt hands the string to gnutls_priority_set_direct for every session
    (src/rpc/virnettlscontext.c virNetTLSSessionNew: `ctxt->priority ? ctxt->priority :
    TLS_PRIORITY`, and only X.509 credentials, so no anonymous key exchange), the
    built-in default being the build's tls_priority ("NORMAL" upstream, libvirtd.conf.in
    "The default is usually "NORMAL" unless overridden at build time"); a string GnuTLS
    rejects makes every TLS session fail, which weakens nothing."""
    weak: list[str] = []
    unread: list[str] = []
    for i, token in enumerate(t.strip() for t in value.split(":")):
        if not token:
            continue
        head, name = token[0], token[1:].upper()
        if head == "+":
            if name in TLS_WEAK_ADDITIONS:
                weak.append(token)
            elif not _TLS_SAFE_ADDITION.match(name):
                unread.append(token)
        elif head in "-!":
            continue  # removing an algorithm weakens nothing
        elif head == "%":
            if name in TLS_WEAK_SPECIALS:
                weak.append(token)
            elif name not in TLS_NEUTRAL_SPECIALS:
                unread.append(token)
        elif head == "@":
            # @NAME[,NAME...]: /etc/gnutls/config [priorities] entries, the first that exists;
            # SYSTEM is the distribution's crypto policy, LIBVIRT the entry libvirt's
            # packages may add before it (Fedora builds with "@LIBVIRT,SYSTEM")
            names = {n.strip().upper() for n in token[1:].split(",")}
            if not names <= {"SYSTEM", "LIBVIRT"}:
                unread.append(token)
        elif token.upper() in TLS_WEAK_BASES:
            weak.append(token)
        elif token.upper() not in TLS_BASES or i:
            unread.append(token)
    return weak, unread


def unseen_networks(v: Vm, nets: dict[tuple[str, str], Network], platform: str) -> list[str]:
    """The libvirt networks the VM's interfaces name (<interface type='network'>) whose
    definitions are not in the evidence (R16-3): one undefined since the VM was defined (libvirt
    resolves the name at each start, so the next start joins whatever network then bears it) or
    not collected. Whether such a network is a Linux bridge, macvtap over a device or a pool of
    SR-IOV functions, and what trust and isolation it gives its ports (formatnetwork,
    "Connectivity", trustGuestRxFilters, <port isolated>), is then not known. libvirt hosts
    only: a .vmx names its port group, judged from the host's switches."""
    if platform != "kvm-libvirt":
        return []
    return sorted(
        {i.source for i in v.interfaces if i.type == "network" and (v.host, i.source) not in nets}
    )
