"""Red-team round 27 probes: Proxmox VE (rt27pve).

Harness: the hardened Proxmox VE tree (tests/fixtures/proxmox-hardened) copied and scanned as
pve+dir:// through the real collector, parser and engine (test_redteam2_probes.pve_scan's way),
with one guest configuration replaced by a FIFO: the collector lists it (`ls -1
/etc/pve/lxc`), the tree reader refuses to read it (hvaudit.fsguard: "a FIFO, not read") and
records it `failed`, as a live read that times out or an API answer that fails is recorded.
R27P-2 also on the live hardened node (pve+ssh, its commands and files replayed:
test_redteam3_host_probes.pve_scan) with /sys/module/apparmor/parameters/* replaced. Sources
read with `fetch`: github:proxmox/pve-container 94f5585 (src/PVE/LXC.pm, src/PVE/LXC/Config.pm);
LXC's src/lxc/lsm/lsm.c and nop.c read with `find_string`.

Findings:
- R27P-1 (false pass, false n/a) HVA-060, HVA-081, HVA-314: a guest configuration file the
  collector listed but could not read (or parse) was dropped: `_add_node` skipped every entry
  whose status was not ok. Container 300 (dns-01) unread gave HVA-314 "no container on this
  host to evaluate" (n/a) for a container that exists, and HVA-060/HVA-081 passed their ratios
  without its memory and CPUs; VM 200 (web-10, 8 GiB, 4 vCPUs, onboot) unread gave HVA-060
  pass "0 running or autostart VM(s) configured with 0.0 GiB ...". Only a report note said the
  read failed. Now the model keeps such guests (ProxmoxHost.unread_guests, with why); HVA-060
  and HVA-081 ask instead of passing (a fail stays a fail: more guests only add), and HVA-314
  asks for each unread container.
- R27P-2 (false pass) HVA-314: an unprivileged container passed "unprivileged, Proxmox's
  AppArmor profile, ..." on a node whose AppArmor is disabled
  (/sys/module/apparmor/parameters/enabled `N`) or in global complain mode, and on a copied
  tree, where the node's AppArmor is not in the evidence. pve-container 94f5585 LXC.pm
  make_apparmor_config writes `lxc.apparmor.profile = generated`, which LXC applies through
  its AppArmor driver only: src/lxc/lsm/lsm.c lsm_init_static falls back to the nop driver
  where AppArmor is not enabled, and nop.c's hooks do nothing (read with `find_string`): the
  container runs under no profile, as `lxc.apparmor.profile: unconfined`, which fails. Now
  fail where the node's AppArmor is off or complains, and a question where it is unknown
  (the held tests of rounds 14 to 21 that scanned a copied tree now expect that question).

Held:
- R27P-1: with every guest read, HVA-060, HVA-081 and HVA-314 give what they gave before (the
  round-26 and earlier tests); a guest file `absent` (removed between the listing and the read)
  is no guest.

Probed by script, not kept: a container file of undecodable bytes (pve-container's reader, as
hvaudit's, takes it line by line: the container is judged, not dropped); 5 host.fw
management-port ACCEPTs with a -dest live (all fail, see the leads).

- R27P-2: on the live node, AppArmor enabled and enforcing: the pass stays.

Tally: 2 findings (2 false passes, 1 false n/a). R27P-1: 2 tests, 2 failed on main 1e7973c
(n/a and passes there). R27P-2: 4 tests, 3 failed on main a296bc2 (pass there), 1 held
passed before and after.

Leads left:
- The API path lists guests from GET /cluster/resources?type=vm, which skips every guest the
  token lacks VM.Audit on (pve-manager 14a22df PVE/API2/Cluster.pm resources: `next if
  !$rpcenv->check($authuser, "/vms/$vmid", ['VM.Audit'], 1)`): a token without VM.Audit on
  /vms (or with NoAccess on /vms/<id> or its pool) gets a subset, and HVA-060/081 pass, HVA-314
  is n/a, on what it sees. GET /access/permissions (pve-access-control 5ccd07d
  get_effective_permissions: `/vms` and every ACL and pool path) could tell which are hidden.
- A live node whose `ls -1 /etc/pve/qemu-server` or `/etc/pve/lxc` fails (not "No such
  file") records nothing (ProxmoxFilesCollector._list): no guests, as R27P-1's class.
- HVA-313: a management-port ACCEPT whose -dest holds none of the node's addresses fails (the
  round-25 lead). Held as it is: such a -dest is most likely a floating address (keepalived)
  that the node takes later; the same reasoning makes R25P-1's pass of an every-port ACCEPT
  to such a -dest doubtful (team decision).
- `lxc.apparmor.profile: generated` written by hand fails "not Proxmox's generated profile":
  right, make_apparmor_config then returns '' and the `deny mount -> /proc/, /sys/` lines are
  not written (held, no test).
- Containers are no subject of HVA-070/090/092 nor of a firewall check (net0 firewall=1,
  <vmid>.fw): team decision; see round 26's leads.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from hvaudit.cli import main
from test_redteam2_probes import PVE_HARDENED

# --- R27P-1: a guest configuration listed but not read ------------------------------------


def _scan_unread(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rel: str
) -> tuple[dict[tuple[str, str], tuple[str, str, str | None]], Path]:
    """Scan the hardened tree with `rel` (a guest's .conf) made a FIFO the reader refuses."""
    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "pve"))
    (tree / rel).unlink()
    os.mkfifo(tree / rel)
    main(["scan", "--connect", f"pve+dir://{tree}", "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    report = json.loads(out)
    return {
        (r["check_id"], r["subject"]["name"]): (r["status"], r["message"], r.get("question"))
        for r in report["results"]
    }, tree


def _why(tree: Path, rel: str) -> str:
    return f"/{rel} collection failed: {tree}/{rel}: a FIFO, not read"


def _question(what: str, limit: str) -> str:
    return (
        "Counting the guests of node pve-h1 whose configuration was not read, is the "
        f"{what} ratio of its running and autostart guests within {limit}? Evidence: `qm "
        "config <vmid>` or `pct config <vmid>` of each of them, and `qm list` / `pct list` on "
        f"pve-h1 (which run). Pass: yes, with them the ratio stays within {limit}; fail: it "
        "exceeds it."
    )


def test_r27p_1_unread_container_is_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R27P-1: container 300 listed in /etc/pve/lxc but its file not read. Was HVA-314 n/a "no
    container on this host to evaluate" and HVA-060/HVA-081 pass without it; now each asks."""
    rel = "etc/pve/lxc/300.conf"
    results, tree = _scan_unread(tmp_path, capsys, rel)
    why = _why(tree, rel)
    assert ("HVA-314", "pve-h1") not in results
    assert results[("HVA-314", "ct300")] == (
        "manual",
        f"container 300: its configuration was not read ({why})",
        "Is container 300 on node pve-h1 unprivileged, on Proxmox's generated AppArmor "
        "profile, without nesting, fuse or mount= features, host devices, host paths or raw "
        "lxc.* keys? Evidence: `pct config 300` on pve-h1. Pass: yes; fail: any of them.",
    )
    assert results[("HVA-060", "pve-h1")] == (
        "manual",
        "1 running or autostart VM(s) configured with 8.0 GiB on 125.8 GiB of host RAM: ratio "
        f"0.06 (limit 1.5); not counted, their configuration not read: container 300 ({why})",
        _question("memory over-commit", "1.5"),
    )
    assert results[("HVA-081", "pve-h1")] == (
        "manual",
        "4 vCPU(s) across 1 running or autostart VM(s) on 16 core(s): ratio 0.25 (limit 1); "
        f"not counted, their configuration not read: container 300 ({why})",
        _question("vCPU-to-core", "1"),
    )


def test_r27p_1_unread_vm_is_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """R27P-1: VM 200 (web-10: 8 GiB, 4 vCPUs, onboot) listed but not read. Was HVA-060 pass
    "0 running or autostart VM(s) configured with 0.0 GiB ..." and HVA-081 pass."""
    rel = "etc/pve/qemu-server/200.conf"
    results, tree = _scan_unread(tmp_path, capsys, rel)
    why = _why(tree, rel)
    assert results[("HVA-060", "pve-h1")] == (
        "manual",
        "0 running or autostart VM(s) configured with 0.0 GiB and 1 running or onboot "
        "container(s) limited to 0.5 GiB on 125.8 GiB of host RAM: ratio 0.00 (limit 1.5); not "
        f"counted, their configuration not read: VM 200 ({why})",
        _question("memory over-commit", "1.5"),
    )
    assert results[("HVA-081", "pve-h1")] == (
        "manual",
        "0 vCPU(s) across 0 running or autostart VM(s) and 1 CPU(s) of 1 running or onboot "
        "container(s) on 16 core(s): ratio 0.06 (limit 1); not counted, their configuration "
        f"not read: VM 200 ({why})",
        _question("vCPU-to-core", "1"),
    )
    # dns-01 read: judged (manual on a copied tree since R27P-2, the node's AppArmor unread)
    assert results[("HVA-314", "dns-01")][0] == "manual"


# --- R27P-2: HVA-314, the node's AppArmor off, in complain mode, or not in the evidence --------

PASS_HEAD = (
    "unprivileged, Proxmox's AppArmor profile, no nesting, no host devices or paths "
    "(features: keyctl)"
)


def _live314(tmp_path: Path, overrides: dict[str, str]) -> tuple[str, str]:
    """The live hardened node (pve+ssh, its commands and files replayed, pve-firewall
    running): HVA-314 of container dns-01 (300.conf: unprivileged, keyctl)."""
    from test_redteam3_host_probes import PVE_PROCS
    from test_redteam3_host_probes import pve_scan as live_scan

    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "tree"))
    running = {"processes": (PVE_PROCS + "  950 root     pve-firewall\n", 0), **overrides}
    a = live_scan(tmp_path, running, tree)
    r = next(r for r in a.results if (r.check.id, r.outcome.subject.name) == ("HVA-314", "dns-01"))
    return r.status.value, r.outcome.message


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"/sys/module/apparmor/parameters/enabled": "N\n"},
            "AppArmor is not enabled on node pve-h1: LXC starts the container under no profile "
            "(its nop security driver), as lxc.apparmor.profile: unconfined does",
        ),
        (
            {"/sys/module/apparmor/parameters/mode": "complain\n"},
            "AppArmor's global mode on node pve-h1 is complain "
            "(/sys/module/apparmor/parameters/mode): the container's profile only logs what it "
            "would deny",
        ),
    ],
    ids=["apparmor-off", "global-complain"],
)
def test_r27p_2_node_apparmor_off_confines_no_container(
    tmp_path: Path, overrides: dict[str, str], message: str
) -> None:
    """R27P-2: was pass "unprivileged, Proxmox's AppArmor profile, ...". pve-container 94f5585
    LXC.pm make_apparmor_config writes `lxc.apparmor.profile = generated`, which LXC applies
    through its AppArmor driver only: src/lxc/lsm/lsm.c lsm_init_static falls back to the nop
    driver where lsm_apparmor_ops_init finds AppArmor disabled (apparmor_enabled():
    /sys/module/apparmor/parameters/enabled not `Y`), and nop.c's nop_prepare and
    process_label_set do nothing (read with `find_string`): no profile, as `unconfined`. A
    global mode `complain` makes every profile log only (COMPLAIN_MODE in
    security/apparmor/include/policy.h)."""
    assert _live314(tmp_path, overrides) == ("fail", message)


def test_r27p_2_copied_tree_asks_for_the_nodes_apparmor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R27P-2: a copied tree (pve+dir://) has no host facts: whether the generated profile
    confines anything is not in the evidence. Was pass; now one question."""
    from test_redteam2_probes import pve_scan

    report = pve_scan(tmp_path, capsys, {})
    r = next(
        r
        for r in report["results"]
        if (r["check_id"], r["subject"]["name"]) == ("HVA-314", "dns-01")
    )
    assert (r["status"], r["message"], r["question"]) == (
        "manual",
        f"{PASS_HEAD}; whether AppArmor is enabled on node pve-h1 is not in the evidence (a "
        "copied configuration tree has no live host to read facts from)",
        "Is AppArmor enabled and enforcing on node pve-h1, so that container dns-01 runs "
        "under Proxmox's generated profile? Evidence: `cat /sys/module/apparmor/parameters/"
        "enabled` (Y) and `aa-status` on pve-h1 (profile lxc-300_</var/lib/lxc> in enforce "
        "mode while the container runs). Pass: yes; fail: AppArmor disabled, or the profile in "
        "complain mode.",
    )


def test_r27p_2_held_apparmor_enabled(tmp_path: Path) -> None:
    """Held: on the live node AppArmor is enabled (`Y`, enforce): the pass stays."""
    assert _live314(tmp_path, {}) == ("pass", PASS_HEAD)
