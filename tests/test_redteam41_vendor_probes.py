"""Red-team round 41 probes: the Proxmox VE API path's answers of the wrong shape (r41-vendor).

Harness: test_proxmox_api's fake PVE API (`seeded`: fakepve on loopback, HTTPS, the files
fixture's guests and firewall), one GET's answer replaced, for every request matching its path
template, by null, a list, a string, an object, or objects without a field the rendered file
needs; scanned through the real ProxmoxApiCollector, bundle, parser and engine from the CLI
(`hvaudit scan --connect pve+api://...`).

Findings:
- R41E-1 (crash of the whole run; every verdict lost; round 40's lead) the API path: an
  answer of another shape than the endpoint's schema (PVE answers `data` of `type => 'array',
  items => {type => 'object'}` for every index read, an object for options, a configuration
  and a node's status) stopped the scan with "internal error: AttributeError/TypeError" in
  39 of 136 swept cases (33 GETs x null, [], "x", {}; Probed by script): GET
  /cluster/options, /storage, /access/{users,groups,roles,acl,tfa,domains},
  /cluster/firewall/{options,rules,ipset,ipset/{name},aliases,groups,groups/{group}},
  /cluster/sdn/{zones,vnets}, /nodes/{node}/{firewall/options,firewall/rules,network,status},
  /nodes/{node}/qemu/{vmid}/{firewall/options,firewall/rules,firewall/aliases,firewall/ipset},
  and an object without a field the renderer indexes (an alias without `cidr`). R40E-4 fixed
  the one GET (totem). Now every GET read into a file is checked for its shape
  (`ProxmoxApiCollector._list`, `_object`; the nodes and the guests, without which nothing
  is scanned, `_fatal_list`: one line, exit 3), and a renderer meeting an object without a
  field it needs raises the endpoint's failure (`_rendered`): the artefact is recorded
  failed with the GET and the shape (never its content), a collection error, and the checks
  that read it say "evidence could not be collected" (an error, as R38E-1 made a guest's
  .fw); every other check runs. A guest listed without a VMID (pve-common
  src/PVE/JSONSchema.pm pve_verify_vmid) is not collected and the scan says so.
- R41E-2 (false pass) HVA-308 (round 40's lead, R40E-2 on the API path): the API path
  rendered /etc/pve/corosync.conf from GET /cluster/config/totem alone, no nodelist, so a
  migration `network=` holding the corosync links (10.0.1.0/24 or 10.0.0.0/8 around ring0
  10.0.1.11 and .12) passed "migration type secure on 10.0.1.0/24" where the files path fails
  the same cluster. Now GET /cluster/config/nodes (pve-manager PVE/API2/ClusterConfig.pm
  `nodes`: hash_to_array of PVE::Corosync::nodelist, Sys.Audit on `/` as the totem) is
  rendered as the nodelist (`render_nodelist`), and the fail is the files path's. The class:
  a corosync.conf that names a cluster but lists no node (the nodes GET failed; a copy's file
  cut short) has unknown link addresses (`pvecm create` writes both blocks: pve-cluster
  src/PVE/Corosync.pm create_conf): a `network=` is asked, not passed (`_nodelist_unread`,
  `_links_question`), on both paths.

Held:
- R41E-2: the API path's fixture network 10.0.2.0/24 beside ring0 10.0.1.11 and .12: the
  pass, as before.
- (R41E-1: none new beyond the sweep: the answers read through `_store_optional` and render_* that
  filter by type, GET /cluster/{mapping/pci,ha/resources}, /access/permissions, the SDN
  bridges and totem (R40E-4), gave verdicts, never a crash, on main.)

Probed by script: the sweep above (33 GET templates x null, [], "x", {}: 136 scans) on main
(39 internal errors) and on the fix (none). fakepve answers GET /nodes and /cluster/resources
outside the hook this harness replaces, so their shape checks (`_fatal_list`) and the VMID
check are not reached by it.

Tally: 2 findings (1 false pass, 1 crash); 12 test cases, 11 failed on main before the
fixes (97ad3d93: R41E-1 7: internal error; R41E-2 4: pass), 1 held.

Leads left:
- GET /nodes and /cluster/resources of the wrong shape (and a guest without a VMID): this
  harness cannot answer them (fakepve's own handlers); a harness that can would test
  `_fatal_list`.
- render_totem writes the totem's keys and values without _one_line or a token check (as
  render_nodelist does): a hostile value could close the block and add one.
- HVA-060 on the API path whose GET /nodes/{node}/status failed says "/proc/meminfo was not
  collected" (wording: the API's node status was).
- render_storage and render_users write `type`, `storage` and `roleid` without _one_line: a
  hostile value with a newline may add a line to the rendered file.
- a copy bundle whose listed /etc/pve/firewall lacks a guest's <vmid>.fw reads as the VM
  firewall off (round 40's lead, not probed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from test_proxmox_api import CANNED, SECRET, TOKEN, seeded  # noqa: F401 - seeded: a fixture
from test_proxmox_api import scan as api_scan
from test_redteam40_vendor_probes import DC, HARDENED_MIGRATION
from test_redteam40_vendor_probes import _scan as r40_scan

NODELIST = (Path(__file__).parent / "fixtures/proxmox-hardened/etc/pve/corosync.conf").read_text()
NODELIST = NODELIST[NODELIST.index("nodelist {") : NODELIST.index("quorum {")]

CLUSTER_FW = "evidence could not be collected: /etc/pve/firewall/cluster.fw: "
GUEST_FW = "evidence could not be collected: VM firewall: /etc/pve/firewall/100.fw: "
USER_CFG = "evidence could not be collected: /etc/pve/user.cfg: "


@pytest.mark.parametrize(
    ("template", "answer", "check", "subject", "expected"),
    [
        (
            "/cluster/firewall/options",
            None,
            "HVA-301",
            "pve1",
            CLUSTER_FW + "GET /cluster/firewall/options: null, not an object",
        ),
        (
            "/cluster/firewall/rules",
            "x",
            "HVA-302",
            "pve1",
            CLUSTER_FW + "GET /cluster/firewall/rules: a JSON str, not a list of objects",
        ),
        (
            "/cluster/firewall/aliases",
            [{"name": "mgmt"}],
            "HVA-313",
            "pve1",
            CLUSTER_FW + "GET /cluster/firewall/*: an answer of an unexpected shape (KeyError)",
        ),
        (
            "/nodes/{node}/qemu/{vmid}/firewall/options",
            [],
            "HVA-303",
            "web-01",
            GUEST_FW + "GET /nodes/pve1/qemu/100/firewall/options: a JSON list, not an object",
        ),
        (
            "/nodes/{node}/qemu/{vmid}/firewall/aliases",
            "x",
            "HVA-191",
            "web-01",
            GUEST_FW
            + "GET /nodes/pve1/qemu/100/firewall/aliases: a JSON str, not a list of objects",
        ),
        (
            "/access/acl",
            "x",
            "HVA-307",
            "pve1",
            USER_CFG + "GET /access/acl: a JSON str, not a list of objects",
        ),
        (
            "/access/users",
            None,
            "HVA-311",
            "pve1",
            USER_CFG + "GET /access/users: null, not a list of objects",
        ),
    ],
    ids=[
        "cluster-options-null",
        "cluster-rules-str",
        "alias-no-cidr",
        "vm-options-list",
        "vm-aliases-str",
        "acl-str",
        "users-null",
    ],
)
def test_r41e1_api_answer_of_wrong_shape_is_an_error_not_a_crash(
    seeded: str,  # noqa: F811 - the fixture imported above
    fakepve: Any,
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    template: str,
    answer: object,
    check: str,
    subject: str,
    expected: str,
) -> None:
    """R41E-1 (crash): main stopped the whole scan, "internal error: AttributeError" or
    "TypeError" (exit 3, no report). Now the artefact the GET renders is failed (a collection
    error naming the GET and the answer's shape) and the checks reading it error."""
    stateful = fakepve.answer

    async def wrong(request: Any, match: Any, params: Any, user: Any, call: Any = None) -> Any:
        if request.method == "GET" and match is not None and match.template == template:
            return answer
        return await stateful(request, match, params, user, call)

    fakepve.answer = wrong
    monkeypatch.setenv("HVAUDIT_PVE_TOKEN", f"{TOKEN}={SECRET}")
    code, report = api_scan(seeded, capsys, "--ca-file", fakepve_cafile)
    got = [
        (r["status"], r["message"])
        for r in report["results"]
        if r["check_id"] == check and r["subject"]["name"] == subject
    ]
    assert (code, got) == (3, [("error", expected)])
    assert f"collection error: {expected.rsplit(': ', 2)[-2]}: " in "\n".join(report["notes"])


# --- R41E-2: the API path's migration network holding the corosync links ----------------------

LINKS = "10.0.1.11 (pve1 ring0_addr), 10.0.1.12 (pve2 ring0_addr)"


def _hva308_api(
    target: str, fakepve_cafile: str, capsys: pytest.CaptureFixture[str]
) -> tuple[str, str, str | None]:
    """HVA-308 of pve1 scanned through the API path (`target`, CANNED as edited)."""
    _, report = api_scan(target, capsys, "--ca-file", fakepve_cafile)
    ((got,),) = [
        [
            (r["status"], r["message"], r.get("question"))
            for r in report["results"]
            if r["check_id"] == "HVA-308" and r["subject"]["name"] == "pve1"
        ]
    ]
    return got


@pytest.mark.parametrize("network", ["10.0.1.0/24", "10.0.0.0/8"])
def test_r41e2_api_migration_network_holding_corosync_links_fails(
    seeded: str,  # noqa: F811 - the fixture imported above
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    network: str,
) -> None:
    """R41E-2 (false pass): main passed "migration type secure on 10.0.1.0/24" on the API
    path, its corosync.conf the totem block alone (no nodelist), where the files path fails
    the same cluster (R40E-2). Now GET /cluster/config/nodes is rendered as the nodelist."""
    options = {**CANNED["/cluster/options"], "migration": {"type": "secure", "network": network}}
    monkeypatch.setitem(CANNED, "/cluster/options", options)
    monkeypatch.setenv("HVAUDIT_PVE_TOKEN", f"{TOKEN}={SECRET}")
    assert _hva308_api(seeded, fakepve_cafile, capsys) == (
        "fail",
        f"migration network {network} is the cluster communication network: it holds corosync "
        f"link address(es) {LINKS}",
        None,
    )


def test_r41e2_api_nodelist_unread_is_asked(
    seeded: str,  # noqa: F811 - the fixture imported above
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """R41E-2 (false pass): GET /cluster/config/nodes unread (an answer of the wrong shape:
    null), the corosync.conf rendered is the totem block alone, whose link addresses are not
    known: main passed "migration type secure on 10.0.1.0/24". Now asked."""
    options = {
        **CANNED["/cluster/options"],
        "migration": {"type": "secure", "network": "10.0.1.0/24"},
    }
    monkeypatch.setitem(CANNED, "/cluster/options", options)
    monkeypatch.setitem(CANNED, "/cluster/config/nodes", None)
    monkeypatch.setenv("HVAUDIT_PVE_TOKEN", f"{TOKEN}={SECRET}")
    status, message, question = _hva308_api(seeded, fakepve_cafile, capsys)
    # R45E-1 joins the ask of the node's address in 10.0.1.0/24, in no file the API answers
    assert (status, message) == (
        "manual",
        "migration type secure on 10.0.1.0/24, and the cluster's corosync link addresses are "
        "not known (the corosync.conf read has no nodelist); "
        + "migration type secure on 10.0.1.0/24, and node pve1's address in it is not in the evidence: "
        "sourced file(s) /etc/network/interfaces.d/* or any other file it sources not read, and "
        "VM web-01 net0 on vmbr0, VM legacy-erp net0 on vmbr0, VM legacy-erp net1 on vmbr1 are on "
        "the node's bridges",
    )
    assert (
        question is not None
        and question.startswith(
            "Does the migration network 10.0.1.0/24 (datacenter.cfg `migration: network=`) hold none "
            "of the cluster's corosync link addresses"
        )
        and "the `ringX_addr` of every node in /etc/pve/corosync.conf's nodelist, read as root on "
        "node pve1"
        in question
    )


def test_r41e2_held_api_dedicated_migration_network_passes(
    seeded: str,  # noqa: F811 - the fixture imported above
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Held: the fixture's 10.0.2.0/24 beside ring0 10.0.1.11 and .12 is not failed, as before;
    R45E-1 asks where the node's address in it is (no file GET /nodes/{node}/network answers
    holds one, and the interfaces.d files it sources are not in the API's answer)."""
    monkeypatch.setenv("HVAUDIT_PVE_TOKEN", f"{TOKEN}={SECRET}")
    status, message, _ = _hva308_api(seeded, fakepve_cafile, capsys)
    assert (status, message) == (
        "manual",
        "migration type secure on 10.0.2.0/24, and node pve1's address in it is not in the evidence: "
        "sourced file(s) /etc/network/interfaces.d/* or any other file it sources not read, and "
        "VM web-01 net0 on vmbr0, VM legacy-erp net0 on vmbr0, VM legacy-erp net1 on vmbr1 are on "
        "the node's bridges",
    )


def test_r41e2_files_cluster_without_nodelist_is_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R41E-2 (false pass), the class on the files path: a copy whose /etc/pve/corosync.conf
    names the cluster (totem cluster_name) but lists no node passed "migration type secure on
    10.0.1.0/24" (ring0 10.0.1.21 and .22 unseen). Now asked."""
    got = r40_scan(
        tmp_path,
        capsys,
        edits={
            DC: (HARDENED_MIGRATION, "migration: secure,network=10.0.1.0/24\n"),
            "etc/pve/corosync.conf": (NODELIST, ""),
        },
    )
    assert got[:2] == (
        "manual",
        "migration type secure on 10.0.1.0/24, and the cluster's corosync link addresses are "
        "not known (the corosync.conf read has no nodelist)",
    )
