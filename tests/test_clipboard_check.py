"""HVA-239 (new): clipboard and file sharing between a console client and a KVM or Proxmox VE
guest, the twin of VMware's HVA-401.

Harness: libvirt domains replayed as a daemon with the QEMU driver reports them
(test_redteam10_vm_probes._replayed_on: raw arguments visible), the test driver's host_scan
(raw arguments unseen), and copies of the Proxmox VE fixture trees through pve+dir://; each
case runs the real collector, parser and engine.

Findings (CL21-n):
- CL21-1 (false pass, no check owned it; round 14's lead): a libvirt VM with SPICE and the
  spicevmc agent channel shares clipboard and files with every SPICE client by default; a
  qemu-vdagent channel with <clipboard copypaste='yes'/> (or raw `-chardev
  qemu-vdagent,clipboard=on`) shares the guest's clipboard with VNC/D-Bus clients; a spiceport
  org.spice-space.webdav.0 serves the client's folder to the guest. Every check passed them.
  Sources: spice-server server/reds.c `agent_copypaste = TRUE`, `agent_file_xfer = TRUE`
  (find_string); libvirt formatdomain.rst "Graphical framebuffers" (clipboard and filetransfer
  "enabled by default") and "Channel" (spicevmc needs a SPICE server; qemu-vdagent clipboard
  "disabled by default") (read_file); QEMU ui/vdagent.c VDAGENT_CLIPBOARD_DEFAULT false and
  commit f0349f4 "Default is off" (search); QEMU ui/spice-core.c disable-copy-paste /
  disable-agent-file-xfer and qemu_spice_opts `.merge_lists = true` (find_string). Now:
  HVA-239 fails each, naming the channel and the setting; passes a VM whose channels cannot
  carry either; n/a without a graphical console; where raw arguments are unseen a pass or n/a
  becomes the question of hvaudit.checks.base.raw_arguments_unseen (and -readconfig's).
- CL21-2 (false pass): Proxmox VE `vga: qxl*` / `virtio*` starts SPICE with the spicevmc
  agent and no disable option, `vga: ...,clipboard=vnc` a qemu-vdagent with clipboard=on,
  `spice_enhancements: foldersharing=1` the webdav port (qemu-server QemuServer.pm
  config_to_command at e6352be, read in the fetched mirror). Now failed, naming vga: or
  spice_enhancements:.

Held (kept as tests): SPICE with copy-paste and file transfer off, or without an agent
channel; qemu-vdagent without clipboard; a raw -spice disable-copy-paste=on,
disable-agent-file-xfer=on closing the one SPICE server (merge_lists) and a raw
disable-copy-paste=off reopening it; Proxmox VE `vga: std` without clipboard passes.

Probed by script, not kept (the verdict was right): none beyond the kept cases.

Tally: 15 cases in 3 test functions; 11 are fails that failed before their fixes
(HVA-239 did not exist on main 09351f6), 4 held cases are passes and n/a of the new check.

Leads left (not settled in the time):
- A spiceport other than webdav (e.g. a serial console org.qemu.console.serial.0) is a byte
  pipe between a SPICE client and the guest; it is named in the pass, not judged.
- USB redirection (<redirdev type='spicevmc'>, Proxmox `usbN: spice`) lets a client attach a
  USB stick to the guest: a file path HVA-047 lists as a legacy device, not judged here.
- QEMU's -display gtk clipboard (a qemu_clipboard peer) reaches the guest only through
  qemu-vdagent, which is read; a host desktop's GTK window was not probed with a real QEMU.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import HARDENED_HOST, run_assessment
from hvaudit.cli import main
from test_redteam3_vm_probes import verdict
from test_redteam10_vm_probes import _raw_cpu_domain, _replayed_on

SPICE = "<graphics type='spice' autoport='yes'>{inner}</graphics>"
OFF = "<clipboard copypaste='no'/><filetransfer enable='no'/>"
AGENT = "<channel type='spicevmc'><target type='virtio' name='com.redhat.spice.0'/></channel>"
VNC = "<graphics type='vnc' autoport='yes'/>"
VDAGENT = (
    "<channel type='qemu-vdagent'><source>{clip}</source>"
    "<target type='virtio' name='com.redhat.spice.0'/></channel>"
)
WEBDAV = (
    "<channel type='spiceport'><source channel='org.spice-space.webdav.0'/>"
    "<target type='virtio' name='org.spice-space.webdav.0'/></channel>"
)


def _dev(*parts: str) -> str:
    return "<devices>" + "".join(parts) + "</devices>"


def test_libvirt_clipboard_and_file_channels(tmp_path: Path) -> None:
    """CL21-1 (false pass): each way a libvirt definition or its raw arguments open clipboard
    or file sharing fails, naming the channel and the setting; channels that cannot carry it
    pass; a VM without a graphical console is n/a."""
    cases: dict[str, tuple[str, tuple[str, ...]]] = {
        "spice": (_dev(SPICE.format(inner=""), AGENT), ()),
        "spicexfer": (_dev(SPICE.format(inner="<clipboard copypaste='no'/>"), AGENT), ()),
        "spiceoff": (_dev(SPICE.format(inner=OFF), AGENT), ()),
        "noagent": (_dev(SPICE.format(inner="")), ()),
        "vdaon": (_dev(VNC, VDAGENT.format(clip="<clipboard copypaste='yes'/>")), ()),
        "vdaoff": (_dev(VNC, VDAGENT.format(clip="<mouse mode='client'/>")), ()),
        "webdav": (_dev(SPICE.format(inner=OFF), AGENT, WEBDAV), ()),
        "headless": ("", ()),
        "rawvda": (
            _dev(VNC),
            ("-chardev", "qemu-vdagent,id=v0,name=vdagent,clipboard=on"),
        ),
        "rawoff": (
            _dev(SPICE.format(inner=""), AGENT),
            ("-spice", "disable-copy-paste=on,disable-agent-file-xfer"),
        ),
        "rawopen": (
            _dev(SPICE.format(inner=OFF), AGENT),
            ("-spice", "disable-copy-paste=off"),
        ),
    }
    doms = {n: _raw_cpu_domain(n, body, *args) for n, (body, args) in cases.items()}
    a = run_assessment(_replayed_on(tmp_path, HARDENED_HOST, doms))
    got = {n: verdict(a, "HVA-239", n) for n in cases}
    assert {n: g[0] for n, g in got.items()} == {
        "spice": "fail",
        "spicexfer": "fail",
        "spiceoff": "pass",
        "noagent": "pass",
        "vdaon": "fail",
        "vdaoff": "pass",
        "webdav": "fail",
        "headless": "not_applicable",
        "rawvda": "fail",
        "rawoff": "pass",
        "rawopen": "fail",
    }
    agent = "SPICE agent channel (spicevmc, com.redhat.spice.0) with <graphics type='spice'>"
    assert got["spice"][1] == (
        f"{agent}: clipboard copy-paste on (no <clipboard copypaste='no'/>: spice-server's "
        "default), file transfer on (no <filetransfer enable='no'/>: spice-server's default)"
    )
    assert got["spicexfer"][1] == (
        f"{agent}: file transfer on (no <filetransfer enable='no'/>: spice-server's default)"
    )
    assert got["spiceoff"][1] == (
        "<graphics type='spice'>: SPICE agent channel (spicevmc, com.redhat.spice.0) with "
        "copy-paste and file transfer off (<clipboard copypaste='no'/>, <filetransfer "
        "enable='no'/>)"
    )
    assert got["noagent"][1] == ("<graphics type='spice'>: no SPICE agent or qemu-vdagent channel")
    assert got["vdaon"][1] == (
        "qemu-vdagent channel (com.redhat.spice.0) with its clipboard on (<clipboard "
        "copypaste='yes'/>, clipboard=on): the guest's clipboard is shared with VNC, D-Bus and "
        "GTK console clients"
    )
    assert got["vdaoff"][1] == (
        "<graphics type='vnc'>: qemu-vdagent channel (com.redhat.spice.0) with its clipboard "
        "off (QEMU's default)"
    )
    assert got["webdav"][1] == (
        "SPICE folder sharing (spiceport org.spice-space.webdav.0): the client's folder is "
        "served to the guest"
    )
    assert got["headless"][1] == (
        "no graphical console (no <graphics>, vga: none or serialN): no console client to "
        "share a clipboard or files with"
    )
    assert got["rawvda"][1].startswith(
        "qemu-vdagent channel (-chardev qemu-vdagent,id=v0,name=vdagent,clipboard=on) with "
        "its clipboard on"
    )
    assert "(-spice disable-copy-paste=on, -spice disable-agent-file-xfer=on)" in got["rawoff"][1]
    assert got["rawopen"][1] == (
        f"{agent} and -spice disable-copy-paste=off: clipboard copy-paste on (-spice "
        "disable-copy-paste=off)"
    )


PVE_NODE = Path(__file__).parent / "fixtures" / "proxmox-node"


def _pve(tmp_path: Path, capsys: pytest.CaptureFixture[str], edits: dict[str, str]) -> dict:
    tree = Path(shutil.copytree(PVE_NODE, tmp_path / "pve"))
    for rel, (old, new) in edits.items():
        f = tree / rel
        text = f.read_text()
        assert old in text
        f.write_text(text.replace(old, new, 1))
    main(["scan", "--connect", f"pve+dir://{tree}", "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    return json.loads(out)


def _res(report: dict, subject: str) -> tuple[str, str]:
    r = next(
        r
        for r in report["results"]
        if (r["check_id"], r["subject"]["name"]) == ("HVA-239", subject)
    )
    return r["status"], str(r["message"])


def test_proxmox_spice_and_vnc_clipboard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """CL21-2 (false pass): qemu-server gives `vga: qxl` SPICE with the spicevmc agent and no
    disable option (fail), `vga: std,clipboard=vnc` a qemu-vdagent with clipboard=on (fail);
    `vga: std` alone has no agent (pass)."""
    r = _pve(tmp_path / "a", capsys, {})
    assert _res(r, "web-01") == (
        "pass",
        "<graphics type='vnc'>: no SPICE agent or qemu-vdagent channel",
    )
    assert _res(r, "legacy-erp")[0] == "fail"
    assert _res(r, "legacy-erp")[1].startswith(
        "SPICE agent channel (spicevmc, com.redhat.spice.0) with <graphics type='spice'>: "
        "clipboard copy-paste on"
    )
    r = _pve(
        tmp_path / "b",
        capsys,
        {"etc/pve/qemu-server/100.conf": ("vga: std", "vga: std,clipboard=vnc")},
    )
    assert _res(r, "web-01") == (
        "fail",
        "qemu-vdagent channel (com.redhat.spice.0) with its clipboard on (<clipboard "
        "copypaste='yes'/>, clipboard=on): the guest's clipboard is shared with VNC, D-Bus and "
        "GTK console clients",
    )


def test_proxmox_folder_sharing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """CL21-2: `spice_enhancements: foldersharing=1` on a SPICE VM adds the webdav port
    (qemu-server: "Enable folder sharing via SPICE"): failed and named."""
    r = _pve(
        tmp_path,
        capsys,
        {
            "etc/pve/qemu-server/101.conf": (
                "vga: qxl",
                "vga: qxl\nspice_enhancements: foldersharing=1",
            )
        },
    )
    st, msg = _res(r, "legacy-erp")
    assert st == "fail"
    assert "SPICE folder sharing (spiceport org.spice-space.webdav.0)" in msg
