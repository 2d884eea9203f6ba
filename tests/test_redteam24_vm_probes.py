"""Twenty-fourth red-team review, VM side (rt24vm): vhost-user sockets QEMU connects to
(HVA-057), on the leads of tests/test_redteam23_vm2_probes.py.

Harness: domains replayed as a daemon with the QEMU driver reports them, <qemu:commandline>
kept (test_redteam3_vm_probes.replayed_domains: the test driver supplies the host, the domain
artefacts are written as collected), assessed by the real parser and engine.

Findings (R24V-n):

- R24V-1 (false pass) HVA-057: a vhost-user socket QEMU connects to at a name any local user
  may bind passed "no <shmem> device" where R23M-2 asks: (a) a path spelled with a leading
  `//` (`//tmp/vhu.sock`, a virtiofs `<source socket='//var/tmp/vfsd.sock'/>`):
  posixpath.normpath keeps two leading slashes (POSIX leaves them implementation-defined), Linux's
  path walk reads them as one (POSIX XBD "Pathname": "Multiple successive slashes are
  considered to be the same as one slash", as qemu_args.same_file quotes); (b) raw `-chardev
  socket,path=NAME,abstract=on` for `-netdev vhost-user`: qemu-options.hx "``abstract=on|off``
  specifies the use of the abstract socket namespace, rather than the filesystem", unix(7)
  "Socket permissions have no meaning for abstract sockets" (both read with `find_string`);
  (c) /run/lock and /var/lock (its link) on Debian and Proxmox VE: Debian's systemd patch
  "Make /run/lock tmpfs an API fs", "The /run/lock directory is world-writable in Debian due
  to historic reasons" (read with `search`). Now (a) and (c) get R23M-2's question, and (b) a
  question of its own: whether only the VM's back end binds each abstract name
  (guest._vhost_user_abstract).

Held (kept as tests): an abstract socket QEMU listens on keeps R23V-1's question; a client
socket under /run/user/UID (a directory its user owns, 0700) still passes as the back end's.

Probed by script, not kept: none.

Tally: 6 cases in 3 test functions; the 4 R24V-1 cases failed on main beaf619 before the fix
(the held cases passed there too).

Leads left (not settled in the time):
- A client vhost-user socket in /run/user/UID or a home directory: whoever owns that directory
  is the back end; whether that is the VM's back end is not in the collection.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_assessment
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import replayed_domains, verdict
from test_redteam23_vm_probes import _domain, _vhostuser

ABS_CLI = "socket,id=vu2,path=vhost-net0,abstract=on"
ABS_SRV = "socket,id=vu3,path=vhost-net1,abstract=on,server=on,wait=off"


def _raw_net(name: str, chardev: str, cid: str) -> str:
    return _domain(
        name,
        args=(
            "-chardev",
            chardev,
            "-netdev",
            f"vhost-user,id=n{cid},chardev={cid}",
            "-device",
            f"virtio-net-pci,netdev=n{cid}",
        ),
    )


DOMAINS = {
    "slash": _domain("slash", _vhostuser("//tmp/vhu.sock", "client")),
    "vfs": _domain(
        "vfs",
        "<filesystem type='mount' accessmode='passthrough'><driver type='virtiofs'/>"
        "<source socket='//var/tmp/vfsd.sock'/><target dir='share'/></filesystem>",
    ),
    "lock": _domain("lock", _vhostuser("/var/lock/vhu.sock", "client")),
    "abscli": _raw_net("abscli", ABS_CLI, "vu2"),
    "abssrv": _raw_net("abssrv", ABS_SRV, "vu3"),
    "userrun": _domain("userrun", _vhostuser("/run/user/1000/vhu.sock", "client")),
}


@pytest.fixture(scope="module")
def probes(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp: Path = tmp_path_factory.mktemp("rt24v")
    return run_assessment(replayed_domains(tmp, DOMAINS))


BIND = (
    "vhost-user socket(s) QEMU connects to in a directory every local user may create files "
    "in, whose listener is handed the guest's memory: "
)


@pytest.mark.parametrize(
    ("vm", "shown"),
    [
        ("slash", "vhost-user interface socket //tmp/vhu.sock (mode client)"),
        ("vfs", "virtiofs socket //var/tmp/vfsd.sock"),
        ("lock", "vhost-user interface socket /var/lock/vhu.sock (mode client)"),
    ],
)
def test_r24v_1_client_socket_in_world_writable_dir_is_asked(
    probes: Assessment, vm: str, shown: str
) -> None:
    """R24V-1: `//tmp` is /tmp to the kernel ("Multiple successive slashes are considered to
    be the same as one slash"), and Debian's /run/lock (/var/lock) is "world-writable in
    Debian due to historic reasons": any local user may bind the path QEMU connects to."""
    assert verdict(probes, "HVA-057", vm) == ("manual", BIND + shown)


def test_r24v_1_abstract_client_socket_is_asked(probes: Assessment) -> None:
    """R24V-1: `abstract=on` puts the name in the abstract namespace, where "Socket
    permissions have no meaning" (unix(7)): any local process may bind it first."""
    assert verdict(probes, "HVA-057", "abscli") == (
        "manual",
        "vhost-user socket(s) QEMU connects to in the abstract socket namespace, whose name "
        "every local process may bind and whose listener is handed the guest's memory: "
        f"QEMU argument -chardev {ABS_CLI} (connecting, for -netdev vhost-user,id=nvu2,"
        "chardev=vu2)",
    )


@pytest.mark.parametrize(
    ("vm", "expected"),
    [
        (
            "abssrv",
            (
                "manual",
                "vhost-user socket(s) QEMU listens on, whose peer is handed the guest's memory: "
                f"QEMU argument -chardev {ABS_SRV} (listening, for -netdev vhost-user,id=nvu3,"
                "chardev=vu3)",
            ),
        ),
        ("userrun", ("pass", "no <shmem> device")),
    ],
)
def test_r24v_1_held(probes: Assessment, vm: str, expected: tuple[str, str]) -> None:
    """Held: a socket QEMU listens on is asked as R23V-1's, abstract or not; one under
    /run/user/UID (its user's own 0700 directory) is left to that back end."""
    assert verdict(probes, "HVA-057", vm) == expected
