"""Session 19 VM lead (vmleads19c): the host's AF_VSOCK listeners, left by round 20's third VM
team (tests/test_redteam20_vm3_probes.py, "Leads left"). Same harness as rounds 18 to 20:
libvirt's test driver serves the domains on conftest's replayed hardened host (raw QEMU
arguments through test_redteam10_vm_probes._replayed_on), the real collector, parser and engine
judge them; one test runs this machine's own `ss` against a real AF_VSOCK listener. Every fact a
verdict rests on was read with the `search` / `find_string` / `read_file` / `fetch` tools:

- vsock(7): "VMADDR_CID_ANY (-1U) means any address for binding; ... VMADDR_CID_LOCAL (1) is the
  well-known address for local communication (loopback); VMADDR_CID_HOST (2) is the well-known
  address of the host".
- Linux net/vmw_vsock/af_vsock.c __vsock_find_bound_socket: a socket whose local CID is
  VMADDR_CID_ANY takes a connection to any CID on its port (Garzarella's patch "When we are
  looking for a socket bound to a specific address, we also have to take into account the
  CID"); so a guest connecting to CID 2 reaches a host listener bound to * or 2, not to 1.
- systemd.socket(5) ListenStream=: "vsock:x:y, it is read as CID x on a port y address in the
  AF_VSOCK family ... Specifying the CID is optional"; systemd-ssh-generator(8) binds SSH to
  AF_VSOCK port 22 ("If invoked in a VM"; on a host through systemd.ssh_listen=).
- libvirt formatdomain, "Vsock": "A vsock host/guest interface. The model attribute defaults
  to virtio" (virtio-transitional / virtio-non-transitional since 5.2.0).
- iproute2 (fetched, misc/ss.c): `--vsock` asks vsock_diag for the stream and datagram tables
  (so the netid column shows), vsock_addr_print prints CID ~0 as "*", `-l` keeps LISTEN and
  UNCONN; main() ignores vsock_show's result and lib/libnetlink.c rtnl_dump_error returns -1
  without a word for ENOENT on NETLINK_SOCK_DIAG: without vsock_diag, ss prints nothing and
  exits 0. net/vmw_vsock/diag.c MODULE_ALIAS_NET_PF_PROTO_TYPE(PF_NETLINK, NETLINK_SOCK_DIAG,
  40 /* AF_VSOCK */): the request loads the module where it exists.
- This machine (measured): kernel config CONFIG_VSOCKETS=y, CONFIG_VSOCKETS_DIAG not set, no
  vsock_loopback or vhost_vsock module; a Python AF_VSOCK socket bound to (VMADDR_CID_ANY,
  5555) and listening, `ss -H --vsock -l -n -p` printed nothing, exit status 0; this kernel
  has no /proc/modules (`grep -E '^vsock_diag ' /proc/modules` exits 2), so the answer is read
  as not known.

Findings (VL19-n): VL19-20 HVA-033 (false pass). A host process listening on AF_VSOCK (socat
VSOCK-LISTEN, a systemd socket of ListenStream=vsock::PORT) is reachable from every VM with a
vsock device, whose guest connects to the host as CID 2; the host collector read no vsock
sockets, so HVA-033 passed "all approved" beside a VM with <vsock> and an unapproved listener.
Now the collector runs `ss -H --vsock -l -n -p` and, after it, `grep -E '^vsock_diag '
/proc/modules`; the parser reads listening sockets (ASCII digits, a LISTEN line it cannot read
fails the fact) and takes an empty answer as "none" only with vsock_diag loaded
(parse.host._vsock_listeners); HVA-033 fails an unapproved listener bound to * or CID 2 beside a
VM with a libvirt <vsock> or a raw `-device vhost-vsock-*`, naming the VM and device
(checks._loopback.vsock_guests, management._vsock_exposure), and asks, naming the VM, where the
listeners are not known (an older bundle without the probe, or ss without vsock_diag), where it
passed. VL19-21 (same fix, the measured case): this machine's real `ss` with a real AF_VSOCK
listener up printed nothing; HVA-033 passed; now the question (or the fail, on a kernel with
vsock_diag).

Held (kept as tests): a VM without a vsock device beside the same socat listener keeps the
pass; a vsock listener bound to CID 1 (VMADDR_CID_LOCAL) keeps the pass; a systemd-held vsock
socket on port 22 (an `sshd -T` port, sshd approved: systemd-ssh-generator's socket) keeps the
pass; the hardened host (probe ran, no vsock socket, vsock_diag loaded) keeps the pass beside a
vsock VM.

Probed by script, not kept (the verdict was right): a `ss` line with a non-ASCII digit in the
port fails the fact, so the question (covered by the parser's rule, not kept separately).

Tally: 7 probe cases (6 test functions): 4 pin VL19-20/21 (socat fail, raw -device fail, older
bundle question, empty answer without vsock_diag question) plus the real-ss test, each failing
on main before the fix; 3 held (no vsock VM, CID 1, systemd on port 22) plus the hardened host.

Leads left (not settled in the time): HVA-033's earlier manual branches (an "sshd" off its port,
a service named by name) come before the vsock question, so a host with both shows only the
first question. A vsock_diag built into the kernel (=y, not in /proc/modules) makes an empty
answer a question forever (modules.builtin is not read). Datagram vsock sockets (v_dgr UNCONN)
are not counted: whether vhost-vsock delivers datagrams to the host was not confirmed. A
vhost-user-vsock device (a user-space daemon such as vhost-device-vsock) is not counted: its
forwarding to host AF_VSOCK or UNIX sockets was not read. HVA-210 (management listeners reached
by guests) does not read vsock listeners yet; Proxmox VE `args:` with vhost-vsock is read
through raw arguments but was not probed with fakepve.
"""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import (
    HARDENED_HOST,
    QEMU_NS_URI,
    ReplayRunner,
    build_bundle,
    domain_xml,
    run_assessment,
    write_node,
)
from hvaudit.bundle import BundleWriter
from hvaudit.collect.host import COMMANDS, HostCollector, command_artefact
from hvaudit.collect.libvirt import LibvirtCollector, LibvirtTarget
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import verdict
from test_redteam10_vm_probes import _replayed_on

VSOCK = "<devices><vsock model='virtio'><cid auto='yes'/></vsock></devices>"
VSOCK_VM = "VM vs1 (<vsock model='virtio'>)"
SOCAT = (
    "v_str LISTEN 0      5                *:5555              *:*     "
    'users:(("socat",pid=1300,fd=5))\n',
    0,
)
NO_DIAG = ("", 1)  # grep found no vsock_diag line in /proc/modules
QUESTION_START = (
    "Is every process on host hv1 that listens on AF_VSOCK, bound to any CID (*) or to the "
    "host's CID 2, an approved service? Evidence: `modprobe vsock_diag; ss --vsock -l -n -p`"
)


def _scan(tmp_path: Path, overrides: dict[str, Any], vsock: bool = True) -> Assessment:
    host = {**HARDENED_HOST, **overrides}
    doms = [domain_xml("web01")] + ([domain_xml("vs1", body=VSOCK)] if vsock else [])
    uri = write_node(tmp_path / "node.xml", doms)
    return run_assessment(build_bundle(tmp_path, uri, host))


def _question(a: Assessment) -> str:
    return next(r.outcome.question or "" for r in a.results if r.check.id == "HVA-033")


# --- VL19-20: HVA-033, an unapproved AF_VSOCK listener beside a VM with a vsock device -------


def test_unapproved_vsock_listener_beside_a_vsock_vm_fails(tmp_path: Path) -> None:
    """VL19-20 (false pass). socat listening on AF_VSOCK *:5555 (VMADDR_CID_ANY; `socat
    VSOCK-LISTEN:5555`), VM vs1 with <vsock model='virtio'>: its guest connects to CID 2 port
    5555 and reaches socat (vsock(7), af_vsock.c __vsock_find_bound_socket). Main passed "all
    approved"; right: the fail naming the listener, the VM and its device."""
    a = _scan(tmp_path, {"vsock-listeners": SOCAT})
    assert verdict(a, "HVA-033", "hv1") == (
        "fail",
        "unapproved listeners on AF_VSOCK: socat (vsock/5555) (reachable from guests: the vsock "
        f"device of {VSOCK_VM} connects its guest to the host, CID 2, on any port)",
    )


def test_unapproved_vsock_listener_beside_a_raw_vhost_vsock_device_fails(tmp_path: Path) -> None:
    """VL19-20 (false pass), the raw spelling: `-device vhost-vsock-pci,guest-cid=5` in
    <qemu:commandline> is the same device (QEMU's vhost-vsock-pci, which libvirt's <vsock>
    becomes). Right: the fail naming the QEMU argument."""
    raw = (
        f"<domain type='kvm' xmlns:qemu='{QEMU_NS_URI}'><name>rawvs</name>"
        "<uuid>6a2f1c2e-0000-4000-8000-000000019020</uuid>"
        "<memory unit='MiB'>512</memory><vcpu>1</vcpu>"
        "<os><type arch='x86_64' machine='pc-q35-8.2'>hvm</type></os><qemu:commandline>"
        "<qemu:arg value='-device'/><qemu:arg value='vhost-vsock-pci,guest-cid=5'/>"
        "</qemu:commandline></domain>"
    )
    host = {**HARDENED_HOST, "vsock-listeners": SOCAT}
    a = run_assessment(_replayed_on(tmp_path, host, {"rawvs": raw}))
    assert verdict(a, "HVA-033", "hv1") == (
        "fail",
        "unapproved listeners on AF_VSOCK: socat (vsock/5555) (reachable from guests: the vsock "
        "device of VM rawvs (QEMU argument -device vhost-vsock-pci,guest-cid=5) connects its "
        "guest to the host, CID 2, on any port)",
    )


def test_vsock_vm_in_a_bundle_without_the_vsock_probe_asks(tmp_path: Path) -> None:
    """VL19-20 (false pass): a bundle of a collector older than the probe has no
    vsock-listeners artefact; beside a VM with <vsock> the host's vsock listeners are unknown.
    Main passed; right: the question, naming the VM."""
    uri = write_node(tmp_path / "node.xml", [domain_xml("web01"), domain_xml("vs1", body=VSOCK)])
    writer = BundleWriter(
        tmp_path / "old", target="qemu+ssh://root@hv1/system", platform="kvm-libvirt"
    )
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=True).collect(writer)
    writer.meta["collector"]["libvirt"].update(simulated=False, hostname="hv1")
    HostCollector(ReplayRunner({**HARDENED_HOST, "vsock-listeners": SOCAT})).collect(writer)
    for name in ("vsock-listeners", "vsock-diag"):
        artefact = command_artefact(name)
        writer.entries.pop(artefact)
        writer.files.pop(artefact, None)
        if writer.root is not None and (writer.root / artefact).exists():
            (writer.root / artefact).unlink()
    a = run_assessment(writer.close(complete=True))
    assert verdict(a, "HVA-033", "hv1") == (
        "manual",
        "1 non-loopback listener(s), all approved; the host's AF_VSOCK listeners, which the "
        f"vsock device of {VSOCK_VM} reaches, are not known "
        "(`ss --vsock` was not collected: a collector older than the probe)",
    )
    q = _question(a)
    assert q.startswith(QUESTION_START)
    assert q.endswith(f"which the guest of {VSOCK_VM} reaches by connecting to CID 2 on its port.")


def test_empty_ss_vsock_answer_without_vsock_diag_asks(tmp_path: Path) -> None:
    """VL19-20 (false pass): ss printed nothing and /proc/modules (read after it) has no
    vsock_diag: ss prints nothing and exits 0 where the kernel cannot answer (libnetlink.c
    rtnl_dump_error, ss.c main), so the empty answer proves no absence. Main passed; right:
    the question."""
    a = _scan(tmp_path, {"vsock-listeners": ("", 0), "vsock-diag": NO_DIAG})
    assert verdict(a, "HVA-033", "hv1") == (
        "manual",
        "1 non-loopback listener(s), all approved; the host's AF_VSOCK listeners, which the "
        f"vsock device of {VSOCK_VM} reaches, are not known (`ss --vsock` printed no socket "
        "and vsock_diag is not shown loaded in /proc/modules: ss prints nothing where the "
        "kernel cannot list vsock sockets)",
    )
    assert _question(a).startswith(QUESTION_START)


# --- VL19-21: this machine's own ss against a real AF_VSOCK listener -------------------------


def test_real_ss_with_a_real_vsock_listener_is_not_a_pass(tmp_path: Path) -> None:
    """VL19-21 (false pass, measured). A Python AF_VSOCK socket bound to VMADDR_CID_ANY and
    listening; the collector's own argv for `vsock-listeners` and `vsock-diag` run here. Where
    the kernel lists it (vsock_diag), HVA-033 fails naming its port; where it cannot (this
    machine: CONFIG_VSOCKETS_DIAG not set, ss printed nothing, exit 0), it asks. Main passed
    either way (it read no vsock socket)."""
    argv = {
        "vsock-listeners": ("ss", "-H", "--vsock", "-l", "-n", "-p"),
        "vsock-diag": ("grep", "-E", "^vsock_diag ", "/proc/modules"),
    }
    argv.update({p.name: p.argv for p in COMMANDS if p.name in argv})
    try:
        srv = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)
    except (AttributeError, OSError) as e:
        pytest.skip(f"no AF_VSOCK here: {e}")
    with srv:
        try:
            srv.bind((socket.VMADDR_CID_ANY, socket.VMADDR_PORT_ANY))
            srv.listen(1)
        except OSError as e:
            pytest.skip(f"cannot listen on AF_VSOCK here: {e}")
        port = srv.getsockname()[1]
        try:
            ss = subprocess.run(argv["vsock-listeners"], capture_output=True, timeout=20)
            diag = subprocess.run(argv["vsock-diag"], capture_output=True, timeout=20)
        except FileNotFoundError as e:
            pytest.skip(f"{e}")
        out = ss.stdout.decode()
        print(f"port {port}: ss rc {ss.returncode} {out!r}; vsock-diag rc {diag.returncode}")
        a = _scan(
            tmp_path,
            {
                "vsock-listeners": (out, ss.returncode),
                "vsock-diag": (diag.stdout.decode(), diag.returncode),
            },
        )
    status, message = verdict(a, "HVA-033", "hv1")
    if f":{port} " in out:
        assert status == "fail" and f"(vsock/{port})" in message, (status, message)
    else:
        assert (status, _question(a)[: len(QUESTION_START)]) == ("manual", QUESTION_START)


# --- held ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "overrides", "vsock"),
    [
        ("no vsock VM", {"vsock-listeners": SOCAT}, False),
        (
            "bound to CID 1 (VMADDR_CID_LOCAL)",
            {
                "vsock-listeners": (
                    'v_str LISTEN 0 5 1:5555 *:* users:(("socat",pid=1300,fd=5))\n',
                    0,
                )
            },
            True,
        ),
        (
            "systemd on vsock port 22, sshd approved",
            {
                "vsock-listeners": (
                    'v_str LISTEN 0 4096 *:22 *:* users:(("systemd",pid=1,fd=60))\n',
                    0,
                )
            },
            True,
        ),
        ("hardened host: no vsock socket, vsock_diag loaded", {}, True),
    ],
)
def test_vsock_listeners_held_passes(
    tmp_path: Path, case: str, overrides: dict[str, Any], vsock: bool
) -> None:
    """Held (VL19-20's edges): a VM without a vsock device reaches no vsock listener; a socket
    bound to CID 1 takes only the host's own loopback connections (vsock(7)); systemd holding
    vsock port 22, an `sshd -T` port with sshd approved, is the SSH server's socket
    (systemd-ssh-generator(8)); no vsock socket with vsock_diag loaded is a known none."""
    assert verdict(_scan(tmp_path, overrides, vsock), "HVA-033", "hv1") == (
        "pass",
        "1 non-loopback listener(s), all approved",
    ), case
