"""Twenty-first red-team review, VM side, third team (rt21vm3): KVM/libvirt console channels,
watchdogs, old devices and memory backing, on the leads of tests/test_redteam21_vm_probes.py
and tests/test_clipboard_check.py (HVA-239, new this round).

Harness: as test_clipboard_check: libvirt domains replayed as a daemon with the QEMU driver
reports them (test_redteam10_vm_probes._replayed_on, raw arguments visible), and copies of the
Proxmox VE fixture tree through pve+dir:// (test_clipboard_check._pve); each case runs the real
collector, parser and engine. Every fact a verdict rests on was read with the `search` /
`find_string` tools or in the fetched qemu-server mirror and is cited here or in the code.

Findings (R21M-n):

- R21M-1 (false pass) HVA-239: a VM whose SPICE agent has copy-paste and file transfer off
  (or has no agent) but carries SPICE USB redirection, libvirt <redirdev bus='usb'
  type='spicevmc'>, raw `-chardev spicevmc,name=usbredir -device usb-redir`, or Proxmox VE
  `usbN: spice`, passed "Console clients share no clipboard or files with the guest", though
  the SPICE client plugs its USB devices, a storage stick among them, into the guest (HVA-047
  lists the device, but as an old emulation, not as a file path). Sources: QEMU
  hw/usb/redirect.c usbredir_check_filter applies rules only `if (dev->filter_rules)` and
  usbredirfilter.h: a device no rule matches is rejected (-ENOENT) (`find_string`); libvirt
  formatdomain "Redirected devices" (<redirfilter> becomes usb-redir's filter); qemu-server
  e6352be src/PVE/QemuServer/USB.pm `-chardev spicevmc,id=usbredirchardev$i,name=usbredir`,
  and QemuServer.pm config_to_command starts a SPICE server only for `$is_spice` (vga qxl*,
  virtio*) (read in the fetched mirror). Now HVA-239 fails the unfiltered redirection beside a
  SPICE server, asks which classes a <redirfilter> (raw usb-redir filter=) allows, and passes
  it without a SPICE server (nothing to connect it).

Held (kept as tests): the same SPICE VMs without the redirection keep their pass; Proxmox VE
`usb0: spice` on a `vga: std` VM (no SPICE server: qemu-server's `$is_spice`) keeps the pass,
naming the channel.

Probed by script, not kept (the verdict was right): <watchdog model='i6300esb' action='dump'>
is named by HVA-067 ("written to its disk too", auto_dump_path); <launchSecurity type='sev'>
with policy 0x0000 fails HVA-067 (NODBG clear), 0x0001 passes; <memoryBacking><locked/> without
<memtune><hard_limit> fails HVA-070; a spiceport org.qemu.console.serial.0 beside SPICE is a byte
pipe to a guest serial console, not clipboard or file sharing, and is named in HVA-239's pass;
<launchSecurity type='sev-snp'> (replayed: the test driver of libvirt 9.0 rejects the type) with
<policy>0x000b0000</policy> fails HVA-067 (DEBUG, bit 19), 0x00030000 and no policy (QEMU's
default 0x30000) pass; an externally started virtiofsd (<source socket>) is HVA-058's question.

Tally: 9 cases in 2 test functions (4 collected): R21M-1 6 pinned (libvirt redirdev with the
agent closed, without an agent, raw usbredir, a <redirfilter>, raw filter=, Proxmox VE usb0:
spice) and 3 held (libvirt and Proxmox VE without redirection; Proxmox VE usb0: spice on vga:
std). The 6 pinned failed on main bf5f0de; of the held, the vga: std case failed there only on
its message (a pass both ways; it now names the channel).

Leads left (not settled in the time):
- A <redirfilter> is always the question: its rules (first match wins, per device class and
  per interface; QEMU rejects a device no rule matches) could be judged, e.g. no allow='yes'
  rule of class -1, 0x08 or 0x06 passes; not encoded (composite devices, vendor-specific
  class 0xff MTP phones).
- <interface type='vhostuser'> with <source mode='server'> (and raw `-chardev
  socket,path=...,server=on -netdev vhost-user`): QEMU listens on a UNIX socket, and whoever
  connects is sent the guest's memory (vhost-user VHOST_USER_SET_MEM_TABLE passes the memory
  regions' fds); no check asks who may connect (the socket's owner, mode and label); HVA-191/192
  ask only about the switch.
- <memoryBacking><source type='file'/><access mode='shared'/>: guest RAM is a MAP_SHARED file
  in qemu.conf memory_backing_dir (default /var/lib/libvirt/qemu/ram), written back to that
  disk unless it is tmpfs/hugetlbfs; HVA-067's "written to its disk too" does not name it (its
  verdict is the question either way; libvirt qemuBuildMemoryBackendProps not re-read).
- HVA-047 still passes <parallel> (isa-parallel), <disk bus='usb'> (usb-storage) and the ib700
  watchdog: no CVE found for them in the time, so not encoded (a catalog decision). A SCSI
  <controller> without a model occurs only on the test driver (a real daemon's post-parse
  writes the model, qemuDomainSetSCSIControllerModel): not a verdict on real evidence.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HARDENED_HOST, run_assessment
from test_clipboard_check import AGENT, OFF, SPICE, _dev, _pve, _res
from test_redteam3_vm_probes import verdict
from test_redteam10_vm_probes import _raw_cpu_domain, _replayed_on

# --- R21M-1: HVA-239, SPICE USB redirection is a file path -------------------------------------

USB = "<controller type='usb' model='qemu-xhci'/>"
REDIR = "<redirdev bus='usb' type='spicevmc'/>"
FILTER = (
    "<redirfilter><usbdev class='0x08' allow='no'/><usbdev class='0x03' allow='yes'/></redirfilter>"
)
QUIET = SPICE.format(inner=OFF)
CHANNEL = (
    "SPICE agent channel (spicevmc, com.redhat.spice.0) with copy-paste and file transfer off "
    "(<clipboard copypaste='no'/>, <filetransfer enable='no'/>)"
)
PLUGS = (
    "and no USB filter: the client plugs its USB devices, a USB storage stick among them, into "
    "the guest, and files pass both ways"
)


def test_spice_usb_redirection_fails_or_asks_hva239(tmp_path: Path) -> None:
    """R21M-1 (false pass). SPICE with its agent's copy-paste and file transfer off, plus a
    <redirdev type='spicevmc'> (or raw `-chardev spicevmc,name=usbredir`): main passed
    HVA-239; right: the fail naming the redirection. With a <redirfilter> (or raw usb-redir
    filter=) whether USB storage is rejected is in its rules: the question. Held: the same
    VM without the redirection keeps the pass."""
    cases: dict[str, tuple[str, tuple[str, ...]]] = {
        "redir": (_dev(QUIET, AGENT, USB, REDIR), ()),
        "noagent": (_dev(SPICE.format(inner=""), USB, REDIR), ()),
        "filtered": (_dev(QUIET, AGENT, USB, REDIR, FILTER), ()),
        "raw": (
            _dev(QUIET, AGENT, USB),
            (
                "-chardev",
                "spicevmc,id=ur0,name=usbredir",
                "-device",
                "usb-redir,chardev=ur0,id=ur0dev",
            ),
        ),
        "rawfilter": (
            _dev(QUIET, AGENT, USB),
            (
                "-chardev",
                "spicevmc,id=ur0,name=usbredir",
                "-device",
                "usb-redir,chardev=ur0,id=ur0dev,filter=0x03:-1:-1:-1:1|-1:-1:-1:-1:0",
            ),
        ),
        "quiet": (_dev(QUIET, AGENT, USB), ()),
    }
    doms = {n: _raw_cpu_domain(n, body, *args) for n, (body, args) in cases.items()}
    a = run_assessment(_replayed_on(tmp_path, HARDENED_HOST, doms))
    got = {n: verdict(a, "HVA-239", n) for n in cases}
    spice = "<graphics type='spice'>"
    assert got["redir"] == (
        "fail",
        f"SPICE USB redirection (<redirdev type='spicevmc'>) with {spice} {PLUGS}",
    )
    assert got["noagent"] == (
        "fail",
        f"SPICE USB redirection (<redirdev type='spicevmc'>) with {spice} {PLUGS}",
    )
    assert got["raw"] == (
        "fail",
        f"SPICE USB redirection (-chardev spicevmc,id=ur0,name=usbredir) with {spice} {PLUGS}",
    )
    assert got["filtered"] == (
        "manual",
        f"SPICE USB redirection (<redirdev type='spicevmc'>) with {spice}, limited by a USB "
        f"filter: whether it rejects USB storage is in its rules ({CHANNEL})",
    )
    assert got["rawfilter"][0] == "manual", got["rawfilter"]
    q = next(
        r.outcome.question or ""
        for r in a.results
        if r.check.id == "HVA-239" and r.outcome.subject.name == "filtered"
    )
    assert q.startswith(
        "Does the USB redirection filter of VM filtered (libvirt <devices><redirfilter>, QEMU "
        "usb-redir filter=) reject every USB device that carries files"
    ), q
    assert got["quiet"] == ("pass", f"{spice}: {CHANNEL}")


QUIET_PVE = "vga: qxl\nargs: -spice disable-copy-paste=on,disable-agent-file-xfer=on"


@pytest.mark.parametrize(
    ("case", "vga", "want"),
    [
        (
            "SPICE display with the agent closed, usb0: spice",
            QUIET_PVE + "\nusb0: spice",
            (
                "fail",
                "SPICE USB redirection (usb0: spice) with <graphics type='spice'> and -spice "
                f"disable-copy-paste=on,disable-agent-file-xfer=on {PLUGS}",
            ),
        ),
        (
            "held: the same VM without usb0: spice",
            QUIET_PVE,
            ("pass", None),
        ),
        (
            "held: usb0: spice on a VNC display (vga: std, no SPICE server)",
            "vga: std\nusb0: spice",
            (
                "pass",
                "<graphics type='vnc'>: SPICE USB redirection (usb0: spice) without a SPICE server",
            ),
        ),
    ],
)
def test_proxmox_usb_spice_redirection_hva239(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    case: str,
    vga: str,
    want: tuple[str, str | None],
) -> None:
    """R21M-1 (false pass). Proxmox VE `usbN: spice` adds `-chardev
    spicevmc,id=usbredirchardevN,name=usbredir -device usb-redir` (qemu-server USB.pm); on a
    SPICE display (vga: qxl) with the agent closed by `args: -spice
    disable-copy-paste=on,disable-agent-file-xfer=on` main passed HVA-239; right: the fail
    naming usb0. Held: without it the pass; on vga: std no SPICE server runs (QemuServer.pm
    `$is_spice`), so the channel reaches no client."""
    r = _pve(tmp_path, capsys, {"etc/pve/qemu-server/100.conf": ("vga: std", vga)})
    st, msg = _res(r, "web-01")
    assert st == want[0], (case, msg)
    if want[1] is not None:
        assert msg == want[1], case
    else:
        assert "USB redirection" not in msg, case
