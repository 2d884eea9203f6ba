"""Red team 21 (fourth), Proxmox VE: round 21's leftovers (P21F-4's unread process list,
containers in the memory over-commit, HVA-239's Proxmox fix text).

Harness: the live hardened node (pve+ssh replayed: test_pve_leads18._node over
test_redteam3_host_probes.pve_scan), its firewall files, process list and container 300's
configuration edited (the process list unread: `ps` timing out); verdicts of HVA-301/302/313
and HVA-060 (node) through the real collector, parser and engine; HVA-239's check metadata as
the engine hands it to a Proxmox VE report. Sources read with `fetch`: github:proxmox/
pve-firewall 6f1311f (src/PVE/Firewall.pm), proxmox-firewall a752659
(proxmox-firewall/src/bin/proxmox-firewall.rs), pve-container 94f5585 (src/PVE/LXC.pm,
src/PVE/LXC/Config.pm, src/pve-container@.service), qemu-server (src/PVE/QemuServer.pm `vga`
types); the kernel's cgroup-v2.rst (memory.min "Hard memory protection", memory.max the hard
limit) with `search`.

Findings (P21D-n):

- P21D-1 (wrong fail, P21F-4's lead): cluster.fw `enable: yes` with host.fw `nftables: 1` and
  the process list unread failed HVA-301/302/313 "off: the cluster firewall is off": _nft_reading
  took pve-firewall as running (its standard service). pve-firewall 6f1311f
  update_force_nftables_disable_flag writes /run/proxmox-nftables-firewall-force-disable while
  its reading (`enable: (\\d+)`, `yes` skipped) has the cluster firewall off, and proxmox-firewall
  a752659 run_firewall (FORCE_DISABLE_FLAG_FILE) then removes its tables; but a node running
  proxmox-firewall alone, or a pve-firewall older than 719bdfa (no flag file), applies
  proxmox-firewall's reading (`yes` is on). Team decision: where `ps` was not read and the two
  readings differ, the node's cluster.fw fact asks which daemon runs and whether the flag file
  exists; where `ps` shows pve-firewall the fail stays (P21F-4).
- P21D-2 (false pass): HVA-060 counted VMs only. pve-container 94f5585 LXC.pm
  update_lxc_config writes `memory` (Config.pm: MiB, default 512, `$conf->{memory} || 512`) as
  `lxc.cgroup2.memory.max` (with memory.high just under it) and sets no memory.min/low: a hard
  cap the container may fill from the node's RAM, not a reservation, as a VM's configured
  memory is (QEMU allocates on touch): the same "memory promised" HY-SR-6 limits. An onboot
  container with `memory: 250000` on the 125.8 GiB node passed at ratio 0.06. Now each running
  or onboot container's `memory` (the larger of now and `[pve:pending]`) is added to the VMs'.
  Its run state was read from qemu-server's `-id` and pid files, which never name a container
  (every container "stopped" off the API path): now the API's status is whole, the process list
  shows a container's `lxc-start -F -n <vmid>` (pve-container@.service ExecStart) or `[lxc
  monitor] <path> <vmid>`, and a container it does not show that is not onboot is unknown: the
  run-state question when counting it would exceed the ratio.
- P21D-3 (fix text): HVA-239's Proxmox VE remediation put `vga: std` and the raw `args: -spice
  ...` side by side; the raw argument itself fails HVA-046. Team decision: `vga: std` (or a
  serial console, qemu-server's vga types serial0..3) first, the `args:` form named with its
  HVA-046 cost.
- P21D-4 (wrong fail / wrong question, P21C's lead, indexes only): `serial4`, `parallel3`,
  `usb14`, `net32` and a padded `serial01` were read as devices (HVA-050's host character
  device question, a NIC judged by the network checks). qemu-server e6352be QemuServer.pm
  builds $confdesc for net0..31 ($MAX_NETS 32), serial0..3 ($MAX_SERIAL_PORTS 4), parallel0..2
  ($MAX_PARALLEL_PORTS 3), usb0..13 (USB.pm $MAX_USB_DEVICES 14); check_type dies "unknown
  setting '$key'" on any other key and parse_vm_config drops it: the VM has no such device.
  hvaudit.parse.proxmox `_QM_INDEXED` (hostpci's P21C-3 rule, generalised) refuses them with a
  note.

Held (kept as tests): P21D-1: `ps` showing pve-firewall keeps P21F-4's fail (in
test_redteam21_pve2_probes); `ps` unread with `enable: 0` (both daemons read it off) fails;
proxmox-firewall alone in `ps` passes on `enable: yes`. P21D-2: `memory: 180000` onboot is
ratio 1.46, under the 1.5 limit: pass, naming the container; an onboot-off container whose
run state is unknown but would keep the ratio passes, naming it. P21D-4: serial3 (the last
index) stays a device.

Probed by script, not kept (the verdict was right): the API path (test_proxmox_api's
ci-runner container, stopped in the API's status) keeps its HVA-060 message.

Tally: 17 cases; 12 failed before their fixes (P21D-1..3 on main bf5f0de, P21D-4 on 38bf318),
5 held (the two HVA-060 ones kept their status there, their message now names the container).

Leads left (not settled in the time):
- a raw `lxc.cgroup2.memory.max` (or `lxc.cgroup.memory.limit_in_bytes`) key overrides the
  `memory` cap (pve-container appends raw keys after its own): HVA-314 fails it as a raw key,
  HVA-060 still counts `memory`;
- a node whose `ps` shows proxmox-firewall alone passes on proxmox-firewall's reading; a flag
  file left in /run by a pve-firewall stopped since would turn that off (not collected);
- the LXC monitor's process title (`[lxc monitor] /var/lib/lxc <vmid>`) was taken from LXC's
  setproctitle as remembered, not re-read; an lxc-start line in another form leaves the
  container's run state unknown (the question, not a pass);
- netN/usbN/serialN/parallelN *values* qemu-server's formats refuse (a key the format lacks, a
  model outside its enum; not probed) are still read as devices; only
  the indexes are settled (P21D-4).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from test_pve_leads19b import CLUSTER, HOST, VM200, VM201, _text

FW_CHECKS = ("HVA-301", "HVA-302", "HVA-313")
CT = "etc/pve/lxc/300.conf"
PS_UNREAD = {"processes": TimeoutError("ps timed out")}


def _fw(tmp_path: Path, enable: str, overrides: dict[str, Any]) -> dict[tuple[str, str], Any]:
    """The node's verdicts, host.fw with `nftables: 1`, cluster.fw's `enable: 1` replaced."""
    from test_pve_leads18 import _node

    files = {rel: _text(rel) for rel in (HOST, CLUSTER, VM200, VM201)}
    files[HOST] = files[HOST].replace("enable: 1\n", "enable: 1\nnftables: 1\n", 1)
    assert "enable: 1" in files[CLUSTER]
    files[CLUSTER] = files[CLUSTER].replace("enable: 1", f"enable: {enable}", 1)
    return _node(tmp_path, files, overrides)


# --- P21D-1: which firewall daemon runs, the process list unread ------------------------------


def test_p21d_1_unread_processes_ask_which_daemon_runs(tmp_path: Path) -> None:
    """Were fail "off: the cluster firewall is off": pve-firewall reads `enable: yes` off (and
    writes the force-disable flag, since 719bdfa), proxmox-firewall reads it on; which one
    holds was not read."""
    got = _fw(tmp_path, "yes", PS_UNREAD)
    for check in FW_CHECKS:
        status, message = got[(check, "pve-h1")]
        assert status == "manual", (check, message)
        assert "cluster.fw `enable: yes`" in message, message
        assert "which firewall daemon runs on this node" in message, message
        assert "/run/proxmox-nftables-firewall-force-disable exist" in message, message


def test_p21d_1_held_both_readings_off(tmp_path: Path) -> None:
    """Held: `enable: 0` is off for both daemons: the fail needs no process list."""
    got = _fw(tmp_path, "0", PS_UNREAD)
    assert got[("HVA-302", "pve-h1")] == ("fail", "off: the cluster firewall is off")
    assert got[("HVA-301", "pve-h1")][0] == "fail"


def test_p21d_1_held_proxmox_firewall_alone(tmp_path: Path) -> None:
    """Held: `ps` shows proxmox-firewall and no pve-firewall: no flag writer, its reading of
    `enable: yes` (on) holds."""
    from test_redteam3_host_probes import PVE_PROCS

    procs = {"processes": (PVE_PROCS + "  951 root     proxmox-firewall\n", 0)}
    got = _fw(tmp_path, "yes", procs)
    assert [got[(c, "pve-h1")][0] for c in FW_CHECKS] == ["pass", "pass", "pass"]


# --- P21D-2: containers share the node's RAM --------------------------------------------------


def _ct(tmp_path: Path, edits: list[tuple[str, str]], procs: str = "") -> tuple[str, str]:
    """HVA-060 on the node with container 300's configuration edited (and processes added)."""
    from test_pve_leads18 import _node
    from test_redteam3_host_probes import PVE_PROCS

    text = _text(CT)
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    running = PVE_PROCS + "  950 root     pve-firewall\n" + procs
    got = _node(tmp_path, {CT: text}, {"processes": (running, 0)})
    result: tuple[str, str] = got[("HVA-060", "pve-h1")]
    return result


BIG = ("memory: 512", "memory: 250000")
OFF = ("onboot: 1", "onboot: 0")
FAIL_250000 = (
    "fail",
    "1 running or autostart VM(s) configured with 8.0 GiB and 1 running or onboot container(s) "
    "limited to 244.1 GiB on 125.8 GiB of host RAM: ratio 2.00 (limit 1.5)",
)


def test_p21d_2_onboot_container_memory_counts(tmp_path: Path) -> None:
    """Was pass "... configured with 8.0 GiB on 125.8 GiB of host RAM: ratio 0.06": pve-container
    LXC.pm update_lxc_config writes `memory` as lxc.cgroup2.memory.max, a cap on the node's
    RAM the container may fill."""
    assert _ct(tmp_path, [BIG]) == FAIL_250000


@pytest.mark.parametrize(
    "procs",
    [
        " 3000 root     /usr/bin/lxc-start -F -n 300\n",
        " 3000 root     [lxc monitor] /var/lib/lxc 300\n",
    ],
    ids=["lxc-start", "monitor"],
)
def test_p21d_2_running_container_in_the_process_list(tmp_path: Path, procs: str) -> None:
    """Was pass: the run state came from qemu-server's `-id`, which names no container.
    pve-container@.service `ExecStart=/usr/bin/lxc-start -F -n %i`."""
    assert _ct(tmp_path, [BIG, OFF], procs) == FAIL_250000


def test_p21d_2_pending_memory_counts(tmp_path: Path) -> None:
    """Was pass: `[pve:pending]` `memory` is what the container takes at its next start (the
    larger is judged)."""
    got = _ct(tmp_path, [("swap: 512\n", "swap: 512\n\n[pve:pending]\nmemory: 250000\n")])
    assert got == FAIL_250000


def test_p21d_2_unknown_run_state_asks(tmp_path: Path) -> None:
    """Was pass: a container not onboot that the process list does not show may run (only the
    API's status lists stopped containers); counting it exceeds the ratio: the question."""
    status, message = _ct(tmp_path, [BIG, OFF])
    assert status == "manual", message
    assert message.endswith(
        "run state unknown for container(s) dns-01 (run state not settled by the evidence, "
        "onboot off): ratio 2.00 if they run"
    ), message


def test_p21d_2_held_within_the_ratio(tmp_path: Path) -> None:
    """Held: `memory: 180000` is ratio 1.46 with the VM's 8 GiB, under the 1.5 limit."""
    assert _ct(tmp_path, [("memory: 512", "memory: 180000")]) == (
        "pass",
        "1 running or autostart VM(s) configured with 8.0 GiB and 1 running or onboot "
        "container(s) limited to 175.8 GiB on 125.8 GiB of host RAM: ratio 1.46 (limit 1.5)",
    )


def test_p21d_2_held_unknown_but_within(tmp_path: Path) -> None:
    """Held: an onboot-off container of unknown run state that keeps the ratio passes, named."""
    status, message = _ct(tmp_path, [OFF])
    assert status == "pass", message
    assert message.endswith("; 0.07 if dns-01 run"), message


# --- P21D-3: HVA-239's Proxmox VE fix text ------------------------------------------------------


def test_p21d_3_proxmox_fix_text_puts_vga_std_first() -> None:
    """Team decision: `vga: std` or a serial console first; the raw `args:` form fails
    HVA-046 (raw arguments), which the text says."""
    import hvaudit.checks  # noqa: F401 - registers the checks
    from hvaudit.checks.base import REGISTRY

    meta = next(c.meta for c in REGISTRY if c.meta.id == "HVA-239")
    text = meta.remediations["proxmox-ve"]
    assert text.index("`vga: std`") < text.index("args: -spice"), text
    assert "`vga: serial0`" in text and "fail HVA-046" in text, text


# --- P21D-4: indexed device keys past qemu-server's limits ------------------------------------


VM = "etc/pve/qemu-server/200.conf"


def _vm200(tmp_path: Path, extra: str) -> dict[tuple[str, str], Any]:
    """VM 200's verdicts (web-10) with `extra` added to its current configuration."""
    from test_pve_leads18 import _node

    text = (Path(__file__).parent / "fixtures" / "proxmox-hardened" / VM).read_text()
    head, sep, rest = text.partition("\n[")
    got = _node(tmp_path, {VM: head.rstrip("\n") + "\n" + extra + "\n" + sep.lstrip("\n") + rest})
    return {k: v for k, v in got.items() if k[1] == "web-10"}


@pytest.mark.parametrize(
    "extra",
    [
        "serial4: /dev/ttyS0",
        "parallel3: /dev/parport0",
        "usb14: host=1234:5678",
        "net32: virtio=BC:24:11:00:02:99,bridge=vmbr9",
        "serial01: /dev/ttyS0",
    ],
    ids=["serial4", "parallel3", "usb14", "net32", "serial01"],
)
def test_p21d_4_key_past_the_limit_is_no_device(tmp_path: Path, extra: str) -> None:
    """Were read as devices (HVA-050's host character device question, HVA-050 not
    applicable for USB, net32 judged as a NIC): qemu-server e6352be $confdesc holds net0..31
    ($MAX_NETS 32), serial0..3, parallel0..2, usb0..13 (USB.pm $MAX_USB_DEVICES 14);
    check_type dies "unknown setting" on any other key and parse_vm_config drops it."""
    assert _vm200(tmp_path, extra) == _vm200(tmp_path / "base", "")


def test_p21d_4_held_last_index_is_a_device(tmp_path: Path) -> None:
    """Held: serial3 is qemu-server's last serial port: the host device is HVA-050's question."""
    got = _vm200(tmp_path, "serial3: /dev/ttyS0")
    assert got[("HVA-050", "web-10")][0] == "manual"
