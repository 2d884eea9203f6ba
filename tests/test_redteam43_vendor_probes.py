"""Red-team round 43 probes: the Proxmox VE API path's node size where GET /nodes/{node}/status
failed or lacks a field (r43-vendor).

Harness: test_proxmox_api's fake PVE API (`seeded`: fakepve on loopback, HTTPS, the files
fixture's guests and firewall), GET /nodes/{node}/status answered by a PVE error (fakepve
PveError 500) or by an object without `memory.total`; scanned through the real
ProxmoxApiCollector, bundle, parser and engine from the CLI (`hvaudit scan --connect
pve+api://...`), as round 41's vendor probes.

Findings:
- R43E-1 (wording) HVA-060, HVA-081 (round 41's lead): the API path collects no /proc file;
  it reads the node's cores and RAM from GET /nodes/{node}/status alone (collect/proxmox_api.py
  `_node`; pve-manager PVE/API2/Nodes.pm `status`: cpuinfo, memory.total). Where that GET
  failed, the manual verdict said "the host's memory size is unknown (/proc/meminfo was not
  collected)" and "(/proc/cpuinfo was not collected)": it sent the auditor after files no
  collector tried to read, and hid the failure that made them unknown. Now the reason is the
  failed GET's ("GET /nodes/pve1/status: 500 Internal Server Error", the collection error's
  text; parse/proxmox_model.py `_add_node`); the question (what answers it) is unchanged.
- R43E-2 (false pass) HVA-308 (round 42's lead): a nodelist `ringX_addr` given as a host
  name (corosync.conf(5): "This specifies IP or network hostname address of the particular
  node") was left out by `_links_in` (names are not resolved: no collector reads what they
  resolve to), so `migration: secure,network=10.0.1.0/24` beside links pve-h1 and pve-h2
  passed "migration type secure on 10.0.1.0/24", though the names may resolve into it (the
  network "in which cluster communication takes place", pve-docs pvecm.adoc "Migration
  Network"). Now each link given as a name is asked (`_named_links`, one question naming the
  links and `getent ahosts` on the node); a link IP inside the network still fails first.

Held:
- GET /nodes/{node}/status answered without `memory.total` (cpuinfo.cores 8): HVA-060 is
  asked, "GET /nodes/pve1/status has no memory.total", never a pass on a RAM of 0; HVA-081
  reads the 8 cores (passes: the fixture's two guests are stopped, no onboot).
- R43E-2: `migration: insecure` beside links given as names: the cleartext fail, as before.

Probed by script: none beyond these cases.

Tally: 2 findings (1 false pass, 1 wording); 5 test cases, 3 failed on main before the
fixes (R43E-1 2: the /proc wording; R43E-2 1: pass), 2 held.

Leads left:
- a copy bundle whose listed /etc/pve/firewall lacks a guest's <vmid>.fw reads as the VM
  firewall off (rounds 40-42's lead, not probed: decide from how copies are made).
- R43E-2 on the API path (GET /cluster/config/nodes with ring0_addr a name): the same
  `_named_links` reads the rendered nodelist, not probed through fakepve this round.
- HVA-060's and HVA-081's evidence on a PVE node could name the web UI's node Summary (or
  `pvesh get /nodes/<node>/status`) beside `free -k` and `lscpu`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fakepve import PveError

from test_proxmox_api import SECRET, TOKEN, seeded  # noqa: F401 - seeded: a fixture
from test_proxmox_api import scan as api_scan
from test_redteam40_vendor_probes import COROSYNC, DC, HARDENED_MIGRATION
from test_redteam40_vendor_probes import _scan as r40_scan

STATUS = "/nodes/{node}/status"
FAILED = "GET /nodes/pve1/status: 500 Internal Server Error"


def _scan_with_status(
    fakepve: Any,
    target: str,
    cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    answer: object,
) -> dict[str, tuple[str, str]]:
    """HVA-060's and HVA-081's (status, message) of pve1 where GET /nodes/{node}/status answers
    `answer` (a PveError is raised: the GET fails)."""
    stateful = fakepve.answer

    async def status(request: Any, match: Any, params: Any, user: Any, call: Any = None) -> Any:
        if request.method == "GET" and match is not None and match.template == STATUS:
            if isinstance(answer, PveError):
                raise answer
            return answer
        return await stateful(request, match, params, user, call)

    fakepve.answer = status
    monkeypatch.setenv("HVAUDIT_PVE_TOKEN", f"{TOKEN}={SECRET}")
    _, report = api_scan(target, capsys, "--ca-file", cafile)
    return {
        r["check_id"]: (r["status"], r["message"])
        for r in report["results"]
        if r["check_id"] in ("HVA-060", "HVA-081") and r["subject"]["name"] == "pve1"
    }


@pytest.mark.parametrize(
    ("check", "expected"),
    [
        ("HVA-060", f"the host's memory size is unknown ({FAILED})"),
        ("HVA-081", f"the host's physical core count is unknown ({FAILED})"),
    ],
)
def test_r43e1_failed_node_status_names_the_get_not_proc(
    seeded: str,  # noqa: F811 - the fixture imported above
    fakepve: Any,
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    check: str,
    expected: str,
) -> None:
    """R43E-1 (wording): main said "(/proc/meminfo was not collected)" and "(/proc/cpuinfo was
    not collected)" on the API path, which collects neither."""
    got = _scan_with_status(
        fakepve,
        seeded,
        fakepve_cafile,
        capsys,
        monkeypatch,
        PveError(500, "node status unavailable"),
    )
    assert got[check] == ("manual", expected)


def test_r43e_held_node_status_without_memory_total_is_asked(
    seeded: str,  # noqa: F811 - the fixture imported above
    fakepve: Any,
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Held: an object without memory.total is a RAM unknown (asked), not 0 KiB."""
    got = _scan_with_status(
        fakepve,
        seeded,
        fakepve_cafile,
        capsys,
        monkeypatch,
        {"cpuinfo": {"cores": 8, "cpus": 16, "sockets": 1}, "memory": {}},
    )
    assert got["HVA-060"] == (
        "manual",
        "the host's memory size is unknown (GET /nodes/pve1/status has no memory.total)",
    )
    # the fixture's guests 100 and 101 are stopped and do not start at boot (fakepve add_vm)
    assert got["HVA-081"] == (
        "pass",
        "0 vCPU(s) across 0 running or autostart VM(s) on 8 core(s): ratio 0.00 (limit 1)",
    )


# --- R43E-2: HVA-308's corosync links given as host names ------------------------------------

NAMED = "pve-h1 (pve-h1 ring0_addr), pve-h2 (pve-h2 ring0_addr)"


def _hva308_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], migration: str
) -> tuple[str, str, str | None]:
    """HVA-308 of the hardened copy (pve+dir://) whose nodelist gives both ring0 links as host
    names (pve-h1, pve-h2), datacenter.cfg's migration line `migration`."""
    return r40_scan(
        tmp_path,
        capsys,
        edits={
            DC: (HARDENED_MIGRATION, migration),
            **dict.fromkeys(COROSYNC, ("ring0_addr: 10.0.1.2", "ring0_addr: pve-h")),
        },
    )


def test_r43e2_named_corosync_links_beside_migration_network_are_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R43E-2 (false pass): main passed "migration type secure on 10.0.1.0/24" though the
    links' names may resolve into it (`_links_in` leaves a host name out)."""
    got = _hva308_named(tmp_path, capsys, "migration: secure,network=10.0.1.0/24\n")
    assert got == (
        "manual",
        "migration type secure on 10.0.1.0/24, and corosync link address(es) "
        f"{NAMED} are host names whose addresses are not known",
        "Does the migration network 10.0.1.0/24 (datacenter.cfg `migration: network=`) hold "
        f"none of the addresses of the corosync links given as host names ({NAMED})? "
        "Evidence: the address each name resolves to on node pve-h1 (`getent ahosts NAME` as "
        "root, as corosync resolves it). Pass: yes, every one is outside it; fail: one is in "
        "it, and migration crosses the cluster communication network.",
    )


def test_r43e2_held_insecure_migration_fails_beside_named_links(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: the cleartext fail stands whatever the links' names resolve to."""
    got = _hva308_named(tmp_path, capsys, "migration: insecure,network=10.0.1.0/24\n")
    assert got == (
        "fail",
        "migration type insecure (migration): guest memory crosses the network in cleartext",
        None,
    )
